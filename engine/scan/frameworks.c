/*
 * frameworks.c — the YAML reader scan's inputs share, and framework files.
 *
 * Design. libyaml's own document loader resolves aliases into shared
 * nodes, so a walk over a hostile document can take exponential time (the
 * "billion laughs"); it also keeps no line numbers we could hand to users
 * past the loader.  So this reader drives libyaml's event parser and builds
 * its own small tree in one arena: scalars keep their text exactly as
 * written (`4.10` stays "4.10", never the float 4.1), every node keeps its
 * line and column, and anchors and aliases are refused outright — none of
 * our files need them.  The size of the tree is bounded by the file size,
 * CLI_YAML_MAX_NODES and CLI_YAML_MAX_DEPTH, and the arena is capped, so a
 * hostile file costs bounded memory and linear time.
 *
 * Framework files are then read from the tree with strict shapes: every
 * unknown key, wrong type or missing field is an error at its line.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>
#include "engine/scan/frameworks.h"

/* ------------------------------------------------------------------ */
/* the tree                                                            */
/* ------------------------------------------------------------------ */

void cli_yaml_error(const cli_yaml_doc *doc, const cli_yaml *at, char *err, size_t errcap,
                    const char *fmt, ...)
{
    int n = snprintf(err, errcap, "%s:%u:%u: ", doc->file, at ? at->line : 1, at ? at->col : 1);
    if (n < 0 || (size_t)n >= errcap) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err + n, errcap - (size_t)n, fmt, ap);
    va_end(ap);
}

/* One open sequence or mapping while events stream past: its node and the
   children gathered so far (a growable array, moved into the arena when the
   container closes). */
typedef struct open_node {
    cli_yaml *node;
    cli_yaml **kids;
    unsigned nkids, cap;
} open_node;

static int push_kid(open_node *o, cli_yaml *kid)
{
    if (o->nkids == o->cap) {
        unsigned cap = o->cap ? o->cap * 2 : 8;
        cli_yaml **k = realloc(o->kids, cap * sizeof *k);
        if (!k) return -1;
        o->kids = k;
        o->cap = cap;
    }
    o->kids[o->nkids++] = kid;
    return 0;
}

static int cmp_key(const void *a, const void *b)
{
    const cli_yaml *x = *(cli_yaml *const *)a, *y = *(cli_yaml *const *)b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->str, y->str, n);
    if (c) return c;
    if (x->len != y->len) return x->len < y->len ? -1 : 1;
    /* equal keys: the later one (the duplicate) sorts second */
    return x->line != y->line ? (x->line < y->line ? -1 : 1) : (x->col < y->col ? -1 : x->col > y->col);
}

/* Keys must be scalars and unique (sorting finds duplicates in n log n,
   where pairwise comparison would be quadratic in a hostile file). */
static int check_keys(cli_yaml_doc *doc, cli_yaml *map, char *err, size_t errcap)
{
    if (map->n < 2) return 0;
    cli_yaml **keys = malloc(map->n * sizeof *keys);
    if (!keys) { cli_yaml_error(doc, map, err, errcap, "out of memory"); return -1; }
    for (unsigned i = 0; i < map->n; i++) keys[i] = map->items[2 * i];
    qsort(keys, map->n, sizeof *keys, cmp_key);
    int rc = 0;
    for (unsigned i = 1; i < map->n && !rc; i++)
        if (keys[i]->len == keys[i - 1]->len && !memcmp(keys[i]->str, keys[i - 1]->str, keys[i]->len)) {
            cli_yaml_error(doc, keys[i], err, errcap,
                           "duplicate key '%.80s' (first at line %u); keep one of them",
                           keys[i]->str, keys[i - 1]->line);
            rc = -1;
        }
    free(keys);
    return rc;
}

static cli_yaml *new_node(cli_yaml_doc *doc, int kind, const yaml_mark_t *m)
{
    cli_yaml *n = pal_arena_alloc(&doc->arena, sizeof *n);
    if (!n) return NULL;
    n->kind = kind;
    n->line = (unsigned)m->line + 1;
    n->col = (unsigned)m->column + 1;
    return n;
}

static const char *event_anchor(const yaml_event_t *e)
{
    switch (e->type) {
    case YAML_SCALAR_EVENT: return (const char *)e->data.scalar.anchor;
    case YAML_SEQUENCE_START_EVENT: return (const char *)e->data.sequence_start.anchor;
    case YAML_MAPPING_START_EVENT: return (const char *)e->data.mapping_start.anchor;
    default: return NULL;
    }
}

int cli_yaml_parse(cli_yaml_doc *doc, const char *file, const char *data, size_t len,
                   char *err, size_t errcap)
{
    memset(doc, 0, sizeof *doc);
    /* A node costs ~64 bytes of tree plus its text; 16x the input bounds
       any real file with room to spare. */
    pal_arena_init(&doc->arena, 16 * (size_t)CLI_YAML_MAX_BYTES + (1u << 20));
    doc->file = pal_arena_strndup(&doc->arena, file, strlen(file));
    if (!doc->file) { snprintf(err, errcap, "%s: out of memory", file); pal_arena_free(&doc->arena); return -1; }
    if (len > CLI_YAML_MAX_BYTES) {
        snprintf(err, errcap, "%s: %zu bytes is larger than the %u MiB a YAML input may have",
                 file, len, CLI_YAML_MAX_BYTES >> 20);
        pal_arena_free(&doc->arena);
        return -1;
    }

    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        snprintf(err, errcap, "%s: out of memory", file);
        pal_arena_free(&doc->arena);
        return -1;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);

    open_node stack[CLI_YAML_MAX_DEPTH];
    unsigned depth = 0, nodes = 0, docs = 0;
    int rc = -1;
    bool done = false;
    while (!done) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            const yaml_mark_t *m = &parser.problem_mark;
            int n = snprintf(err, errcap, "%s:%zu:%zu: YAML syntax error: %s", file, m->line + 1,
                             m->column + 1, parser.problem ? parser.problem : "unreadable");
            if (parser.context && n > 0 && (size_t)n < errcap)
                n += snprintf(err + n, errcap - (size_t)n, " (%s at line %zu)", parser.context,
                              parser.context_mark.line + 1);
            if (n > 0 && (size_t)n < errcap)
                snprintf(err + n, errcap - (size_t)n, "; check the indentation and quoting there");
            goto out;
        }
        cli_yaml *node = NULL;
        bool opened = false, closed = false;
        cli_yaml at = {0};
        at.line = (unsigned)ev.start_mark.line + 1;
        at.col = (unsigned)ev.start_mark.column + 1;
        if (ev.type == YAML_ALIAS_EVENT || event_anchor(&ev)) {
            cli_yaml_error(doc, &at, err, errcap,
                           "YAML anchors and aliases (& and *) are not supported here; write the value out");
            yaml_event_delete(&ev);
            goto out;
        }
        switch (ev.type) {
        case YAML_DOCUMENT_START_EVENT:
            if (++docs > 1) {
                cli_yaml_error(doc, &at, err, errcap, "a second YAML document ('---'); put everything in one");
                yaml_event_delete(&ev);
                goto out;
            }
            break;
        case YAML_STREAM_END_EVENT:
            done = true;
            break;
        case YAML_SCALAR_EVENT:
            node = new_node(doc, CY_SCALAR, &ev.start_mark);
            if (node) {
                node->str = pal_arena_strndup(&doc->arena, (const char *)ev.data.scalar.value,
                                              ev.data.scalar.length);
                node->len = ev.data.scalar.length;
                node->plain = ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
                if (!node->str) node = NULL;
            }
            break;
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
            node = new_node(doc, ev.type == YAML_SEQUENCE_START_EVENT ? CY_SEQ : CY_MAP, &ev.start_mark);
            opened = true;
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            closed = true;
            break;
        default:
            break;
        }
        bool was_scalar = ev.type == YAML_SCALAR_EVENT;   /* yaml_event_delete zeroes ev */
        yaml_event_delete(&ev);
        if ((was_scalar || opened) && !node) {
            cli_yaml_error(doc, &at, err, errcap, "out of memory (the file is too large)");
            goto out;
        }
        if (node && ++nodes > CLI_YAML_MAX_NODES) {
            cli_yaml_error(doc, &at, err, errcap, "more than %u YAML nodes; split the file", CLI_YAML_MAX_NODES);
            goto out;
        }
        if (closed) {
            /* libyaml only emits balanced events, so depth > 0 here */
            open_node *o = &stack[--depth];
            cli_yaml *c = o->node;
            if (o->nkids) {
                c->items = pal_arena_alloc(&doc->arena, o->nkids * sizeof *c->items);
                if (!c->items) {
                    cli_yaml_error(doc, c, err, errcap, "out of memory (the file is too large)");
                    free(o->kids);
                    goto out;
                }
                memcpy(c->items, o->kids, o->nkids * sizeof *c->items);
            }
            c->n = c->kind == CY_MAP ? o->nkids / 2 : o->nkids;
            free(o->kids);
            if (c->kind == CY_MAP && check_keys(doc, c, err, errcap) != 0) goto out;
            node = c;
        }
        if (node && !opened) {
            /* a finished node: attach it to its parent, or it is the root */
            if (depth == 0) doc->root = node;
            else {
                open_node *p = &stack[depth - 1];
                if (p->node->kind == CY_MAP && p->nkids % 2 == 0 && node->kind != CY_SCALAR) {
                    cli_yaml_error(doc, node, err, errcap, "a mapping key must be a plain value");
                    goto out;
                }
                if (push_kid(p, node) != 0) {
                    cli_yaml_error(doc, node, err, errcap, "out of memory");
                    goto out;
                }
            }
        }
        if (opened) {
            if (depth == CLI_YAML_MAX_DEPTH) {
                cli_yaml_error(doc, node, err, errcap, "nested deeper than %u levels", CLI_YAML_MAX_DEPTH);
                goto out;
            }
            stack[depth].node = node;
            stack[depth].kids = NULL;
            stack[depth].nkids = stack[depth].cap = 0;
            depth++;
        }
    }
    rc = 0;
out:
    while (depth > 0) free(stack[--depth].kids);
    yaml_parser_delete(&parser);
    if (rc != 0) pal_arena_free(&doc->arena);
    return rc;
}

/* The whole file at path into a malloc'ed buffer, refusing one larger than
   CLI_YAML_MAX_BYTES (never reading more than one byte past it: the size
   may change between stat and read, and a pipe has none). */
static int read_capped(const char *path, char **out, size_t *outlen, char *err, size_t errcap)
{
    FILE *f = fopen(path, "rb");
    if (!f) { snprintf(err, errcap, "%s: cannot open: %s", path, strerror(errno)); return -1; }
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || S_ISDIR(st.st_mode)) {
        snprintf(err, errcap, "%s: is a directory, not a YAML file", path);
        fclose(f);
        return -1;
    }
    if (S_ISREG(st.st_mode) && (unsigned long long)st.st_size > CLI_YAML_MAX_BYTES) {
        snprintf(err, errcap, "%s: %lld bytes is larger than the %u MiB a YAML input may have", path,
                 (long long)st.st_size, CLI_YAML_MAX_BYTES >> 20);
        fclose(f);
        return -1;
    }
    /* a pipe (<(...)) has no size: read up to one byte past the limit */
    size_t cap = S_ISREG(st.st_mode) ? (size_t)st.st_size + 1 : (size_t)CLI_YAML_MAX_BYTES + 1;
    char *buf = malloc(cap);
    if (!buf) { fclose(f); snprintf(err, errcap, "%s: out of memory", path); return -1; }
    size_t n = fread(buf, 1, cap, f);
    bool bad = ferror(f);
    fclose(f);
    if (bad) { free(buf); snprintf(err, errcap, "%s: read error", path); return -1; }
    if (n == cap) {
        free(buf);
        if (S_ISREG(st.st_mode)) snprintf(err, errcap, "%s: the file grew while it was read; try again", path);
        else snprintf(err, errcap, "%s: more than the %u MiB a YAML input may have", path, CLI_YAML_MAX_BYTES >> 20);
        return -1;
    }
    *out = buf;
    *outlen = n;
    return 0;
}

int cli_yaml_load(cli_yaml_doc *doc, const char *path, char *err, size_t errcap)
{
    memset(doc, 0, sizeof *doc);
    char *buf;
    size_t n;
    if (read_capped(path, &buf, &n, err, errcap) != 0) return -1;
    int rc = cli_yaml_parse(doc, path, buf, n, err, errcap);
    free(buf);
    return rc;
}

void cli_yaml_free(cli_yaml_doc *doc)
{
    pal_arena_free(&doc->arena);
    memset(doc, 0, sizeof *doc);
}

const cli_yaml *cli_yaml_get(const cli_yaml *map, const char *key)
{
    if (!map || map->kind != CY_MAP) return NULL;
    size_t kl = strlen(key);
    for (unsigned i = 0; i < map->n; i++) {
        const cli_yaml *k = map->items[2 * i];
        if (k->len == kl && !memcmp(k->str, key, kl)) return map->items[2 * i + 1];
    }
    return NULL;
}

int cli_yaml_known_keys(const cli_yaml_doc *doc, const cli_yaml *map, const char *what,
                        const char *const *known, char *err, size_t errcap)
{
    for (unsigned i = 0; i < map->n; i++) {
        const cli_yaml *k = map->items[2 * i];
        bool ok = false;
        for (const char *const *kn = known; *kn && !ok; kn++) ok = k->len == strlen(*kn) && !memcmp(k->str, *kn, k->len);
        if (ok) continue;
        char list[256];
        size_t n = 0;
        list[0] = 0;
        for (const char *const *kn = known; *kn && n < sizeof list; kn++) {
            int w = snprintf(list + n, sizeof list - n, "%s%s", n ? ", " : "", *kn);
            if (w < 0) break;
            n += (size_t)w;
        }
        cli_yaml_error(doc, k, err, errcap, "unknown key '%.80s' in %s (known keys: %s)", k->str, what, list);
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* frameworks                                                          */
/* ------------------------------------------------------------------ */

void cli_frameworks_init(cli_frameworks *s)
{
    memset(s, 0, sizeof *s);
    pal_arena_init(&s->arena, 0);
}

void cli_frameworks_free(cli_frameworks *s)
{
    free(s->fw);
    pal_arena_free(&s->arena);
    memset(s, 0, sizeof *s);
}

const cli_framework *cli_frameworks_find(const cli_frameworks *s, const char *key)
{
    for (unsigned i = 0; i < s->n; i++)
        if (!strcmp(s->fw[i].key, key)) return &s->fw[i];
    return NULL;
}

/* A scalar of at most max bytes with no control characters, copied into
   the set's arena; NULL and an error otherwise. */
static const char *want_scalar(cli_frameworks *s, const cli_yaml_doc *doc, const cli_yaml *v,
                               const char *what, size_t max, char *err, size_t errcap)
{
    if (!v || v->kind != CY_SCALAR) {
        cli_yaml_error(doc, v, err, errcap, "%s must be a plain value (a string)", what);
        return NULL;
    }
    if (v->len == 0 || v->len > max) {
        cli_yaml_error(doc, v, err, errcap, "%s must be 1 to %zu characters long", what, max);
        return NULL;
    }
    for (size_t i = 0; i < v->len; i++)
        if ((unsigned char)v->str[i] < 0x20 && v->str[i] != '\t') {
            cli_yaml_error(doc, v, err, errcap, "%s holds a control character; remove it", what);
            return NULL;
        }
    const char *c = pal_arena_strndup(&s->arena, v->str, v->len);
    if (!c) cli_yaml_error(doc, v, err, errcap, "out of memory");
    return c;
}

static bool is_key_name(const char *k)
{
    for (const char *p = k; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_'))
            return false;
    return *k && !(*k >= '0' && *k <= '9');
}

static int read_framework(cli_frameworks *s, const cli_yaml_doc *doc, cli_framework *fw,
                          char *err, size_t errcap)
{
    static const char *const top_keys[] = {"framework", "title", "version", "description", "url", "controls", NULL};
    static const char *const ctl_keys[] = {"id", "title", "description", "checks", NULL};
    const cli_yaml *root = doc->root;
    if (!root || root->kind != CY_MAP) {
        cli_yaml_error(doc, root, err, errcap,
                       "a framework file is a mapping with framework:, title:, version: and controls:");
        return -1;
    }
    if (cli_yaml_known_keys(doc, root, "a framework file", top_keys, err, errcap) != 0) return -1;
    const cli_yaml *k = cli_yaml_get(root, "framework");
    if (!k) { cli_yaml_error(doc, root, err, errcap, "missing 'framework:' (the key checks use, e.g. cis_docker)"); return -1; }
    if (!(fw->key = want_scalar(s, doc, k, "framework", 64, err, errcap))) return -1;
    if (!is_key_name(fw->key)) {
        cli_yaml_error(doc, k, err, errcap,
                       "framework '%s' must be a name of letters, digits and _ (as in a check's frameworks { cis_docker: \"4.1\" })",
                       fw->key);
        return -1;
    }
    const cli_yaml *v = cli_yaml_get(root, "title");
    fw->title = v ? want_scalar(s, doc, v, "title", 256, err, errcap) : fw->key;
    if (!fw->title) return -1;
    v = cli_yaml_get(root, "version");
    fw->version = v ? want_scalar(s, doc, v, "version", 64, err, errcap) : "";
    if (!fw->version) return -1;
    const cli_yaml *ctl = cli_yaml_get(root, "controls");
    if (!ctl || ctl->kind != CY_SEQ) {
        cli_yaml_error(doc, ctl ? ctl : root, err, errcap,
                       "'controls:' must be a list of controls (- id: \"4.1\" ... checks: [PAL-0041])");
        return -1;
    }
    fw->ncontrols = ctl->n;
    fw->controls = ctl->n ? pal_arena_alloc(&s->arena, ctl->n * sizeof *fw->controls) : NULL;
    if (ctl->n && !fw->controls) { cli_yaml_error(doc, ctl, err, errcap, "out of memory"); return -1; }
    for (unsigned i = 0; i < ctl->n; i++) {
        const cli_yaml *c = ctl->items[i];
        cli_fw_control *fc = &fw->controls[i];
        if (c->kind != CY_MAP) { cli_yaml_error(doc, c, err, errcap, "a control must be a mapping with id:, title: and checks:"); return -1; }
        if (cli_yaml_known_keys(doc, c, "a control", ctl_keys, err, errcap) != 0) return -1;
        fc->line = c->line;
        const cli_yaml *id = cli_yaml_get(c, "id");
        if (!id) { cli_yaml_error(doc, c, err, errcap, "this control has no 'id:' (e.g. id: \"4.1\")"); return -1; }
        if (!(fc->id = want_scalar(s, doc, id, "a control id", 64, err, errcap))) return -1;
        for (unsigned j = 0; j < i; j++)
            if (!strcmp(fw->controls[j].id, fc->id)) {
                cli_yaml_error(doc, id, err, errcap, "control '%s' is listed twice (first at line %u); merge them",
                               fc->id, fw->controls[j].line);
                return -1;
            }
        v = cli_yaml_get(c, "title");
        fc->title = v ? want_scalar(s, doc, v, "a control title", 512, err, errcap) : "";
        if (!fc->title) return -1;
        const cli_yaml *ch = cli_yaml_get(c, "checks");
        if (!ch) continue;   /* a control no check covers yet: documented, not an error */
        if (ch->kind != CY_SEQ) {
            cli_yaml_error(doc, ch, err, errcap, "'checks:' must be a list of check IDs ([PAL-0041, ...])");
            return -1;
        }
        fc->nchecks = ch->n;
        fc->checks = ch->n ? pal_arena_alloc(&s->arena, ch->n * sizeof *fc->checks) : NULL;
        if (ch->n && !fc->checks) { cli_yaml_error(doc, ch, err, errcap, "out of memory"); return -1; }
        for (unsigned j = 0; j < ch->n; j++)
            if (!(fc->checks[j] = want_scalar(s, doc, ch->items[j], "a check ID", 256, err, errcap))) return -1;
    }
    return 0;
}

int cli_frameworks_add(cli_frameworks *s, const char *file, const char *data, size_t len,
                       bool user, char *err, size_t errcap)
{
    if (s->n >= CLI_MAX_FRAMEWORKS) {
        snprintf(err, errcap, "%s: more than %u framework files", file, CLI_MAX_FRAMEWORKS);
        return -1;
    }
    cli_yaml_doc doc;
    if (cli_yaml_parse(&doc, file, data, len, err, errcap) != 0) return -1;
    cli_framework fw = {0};
    fw.user = user;
    fw.file = pal_arena_strndup(&s->arena, file, strlen(file));
    int rc = fw.file ? read_framework(s, &doc, &fw, err, errcap) : -1;
    if (rc == 0) {
        const cli_framework *old = cli_frameworks_find(s, fw.key);
        if (old) {
            cli_yaml_error(&doc, cli_yaml_get(doc.root, "framework"), err, errcap,
                           "framework '%s' is already defined by %s; give this one another key", fw.key, old->file);
            rc = -1;
        }
    }
    if (rc == 0 && s->n == s->cap) {
        unsigned cap = s->cap ? s->cap * 2 : 8;
        cli_framework *n = realloc(s->fw, cap * sizeof *n);
        if (!n) { snprintf(err, errcap, "%s: out of memory", file); rc = -1; }
        else { s->fw = n; s->cap = cap; }
    }
    if (rc == 0) s->fw[s->n++] = fw;
    cli_yaml_free(&doc);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int cli_frameworks_add_dir(cli_frameworks *s, const char *dir, char *err, size_t errcap)
{
    DIR *d = opendir(dir);
    if (!d) { snprintf(err, errcap, "%s: cannot open the frameworks directory: %s", dir, strerror(errno)); return -1; }
    char **names = NULL;
    unsigned n = 0, cap = 0;
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        if (e->d_name[0] == '.') continue;
        if (!((l > 5 && !strcmp(e->d_name + l - 5, ".yaml")) || (l > 4 && !strcmp(e->d_name + l - 4, ".yml")))) continue;
        if (n >= CLI_MAX_FRAMEWORKS) {
            snprintf(err, errcap, "%s: more than %u framework files", dir, CLI_MAX_FRAMEWORKS);
            rc = -1;
            break;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            char **nn = realloc(names, cap * sizeof *nn);
            if (!nn) { rc = -1; snprintf(err, errcap, "%s: out of memory", dir); break; }
            names = nn;
        }
        if (!(names[n] = strdup(e->d_name))) { rc = -1; snprintf(err, errcap, "%s: out of memory", dir); break; }
        n++;
    }
    closedir(d);
    if (rc == 0 && n == 0) {
        snprintf(err, errcap, "%s: no framework files (*.yaml) in it", dir);
        rc = -1;
    }
    if (n) qsort(names, n, sizeof *names, cmp_str);
    for (unsigned i = 0; i < n && rc == 0; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        char *buf;
        size_t len;
        if (read_capped(path, &buf, &len, err, errcap) != 0) { rc = -1; break; }
        rc = cli_frameworks_add(s, path, buf, len, true, err, errcap);
        free(buf);
    }
    for (unsigned i = 0; i < n; i++) free(names[i]);
    free(names);
    return rc;
}

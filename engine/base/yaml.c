/*
 * yaml.c — the one YAML reader: libyaml's event parser into a small,
 * bounded tree (the contract is in yaml.h).
 *
 * Design. libyaml's own document loader resolves aliases into shared
 * nodes, so a walk over a hostile document can take exponential time (the
 * "billion laughs"); it also keeps no line numbers we could hand to users
 * past the loader.  So this reader drives libyaml's event parser and builds
 * its own small tree in one arena: scalars keep their text exactly as
 * written (`4.10` stays "4.10", never the float 4.1), every node keeps its
 * line and column, and anchors and aliases are refused outright — none of
 * our files need them.  Open containers live on an explicit stack, never
 * the C stack; duplicate keys are found by sorting (n log n per mapping).
 * The size of the tree is bounded by the file size and the caller's
 * limits (nodes, depth), and the arena is capped, so a hostile file costs
 * bounded memory and time linear in its size (times log n for the keys).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>
#include <cJSON.h>
#include "engine/base/fileio.h"
#include "engine/base/yaml.h"

void pal_yaml_error(const pal_yaml_doc *doc, const pal_yaml *at, char *err, size_t errcap,
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
    pal_yaml *node;
    pal_yaml **kids;
    unsigned nkids, cap;
} open_node;

static int push_kid(open_node *o, pal_yaml *kid)
{
    if (o->nkids == o->cap) {
        unsigned cap = o->cap ? o->cap * 2 : 8;
        pal_yaml **k = realloc(o->kids, cap * sizeof *k);
        if (!k) return -1;
        o->kids = k;
        o->cap = cap;
    }
    o->kids[o->nkids++] = kid;
    return 0;
}

static int cmp_key(const void *a, const void *b)
{
    const pal_yaml *x = *(pal_yaml *const *)a, *y = *(pal_yaml *const *)b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->str, y->str, n);
    if (c) return c;
    if (x->len != y->len) return x->len < y->len ? -1 : 1;
    /* equal keys: the later one (the duplicate) sorts second */
    return x->line != y->line ? (x->line < y->line ? -1 : 1) : (x->col < y->col ? -1 : x->col > y->col);
}

/* Keys must be scalars and unique (sorting finds duplicates in n log n,
   where pairwise comparison would be quadratic in a hostile file). */
static int check_keys(pal_yaml_doc *doc, pal_yaml *map, char *err, size_t errcap)
{
    if (map->n < 2) return 0;
    pal_yaml **keys = malloc(map->n * sizeof *keys);
    if (!keys) { pal_yaml_error(doc, map, err, errcap, "out of memory"); return -1; }
    for (unsigned i = 0; i < map->n; i++) keys[i] = map->items[2 * i];
    qsort(keys, map->n, sizeof *keys, cmp_key);
    int rc = 0;
    for (unsigned i = 1; i < map->n && !rc; i++)
        if (keys[i]->len == keys[i - 1]->len && !memcmp(keys[i]->str, keys[i - 1]->str, keys[i]->len)) {
            pal_yaml_error(doc, keys[i], err, errcap,
                           "duplicate key '%.80s' (first at line %u); keep one of them",
                           keys[i]->str, keys[i - 1]->line);
            rc = -1;
        }
    free(keys);
    return rc;
}

static pal_yaml *new_node(pal_yaml_doc *doc, int kind, const yaml_mark_t *m)
{
    pal_yaml *n = pal_arena_alloc(&doc->arena, sizeof *n);
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

/* "4 MiB", "64 KiB" or "1000 bytes": limits as people write them. */
static void size_words(size_t n, char *out, size_t cap)
{
    if (n && n % (1u << 20) == 0) snprintf(out, cap, "%zu MiB", n >> 20);
    else if (n && n % 1024 == 0) snprintf(out, cap, "%zu KiB", n >> 10);
    else snprintf(out, cap, "%zu bytes", n);
}

static const pal_yaml_limits default_limits = {PAL_YAML_MAX_BYTES, PAL_YAML_MAX_NODES, PAL_YAML_MAX_DEPTH};

/* The parse of one document: the containers still open, the counts the
   limits bound, and where errors go. */
typedef struct yaml_build {
    pal_yaml_doc *doc;
    const pal_yaml_limits *lim;
    unsigned max_depth;
    open_node stack[PAL_YAML_MAX_DEPTH_CAP];
    unsigned depth, nodes, docs;
    char *err;
    size_t errcap;
} yaml_build;

/* libyaml's own message, with the place and what to do. */
static void syntax_error(yaml_build *b, const yaml_parser_t *parser)
{
    const yaml_mark_t *m = &parser->problem_mark;
    int n = snprintf(b->err, b->errcap, "%s:%zu:%zu: YAML syntax error: %s", b->doc->file, m->line + 1,
                     m->column + 1, parser->problem ? parser->problem : "unreadable");
    if (parser->context && n > 0 && (size_t)n < b->errcap)
        n += snprintf(b->err + n, b->errcap - (size_t)n, " (%s at line %zu)", parser->context,
                      parser->context_mark.line + 1);
    /* libyaml's "found a tab character that violates indentation" (and
       "... where an indentation space is expected") do not say the rule */
    bool tab = parser->problem && strstr(parser->problem, "tab character");
    if (n > 0 && (size_t)n < b->errcap)
        snprintf(b->err + n, b->errcap - (size_t)n, "%s",
                 tab ? "; YAML does not allow tabs in indentation: indent that line with spaces"
                     : "; check the indentation and quoting there");
}

/* A finished node: the root, or the next child of the innermost container. */
static int attach(yaml_build *b, pal_yaml *node)
{
    if (b->depth == 0) { b->doc->root = node; return 0; }
    open_node *p = &b->stack[b->depth - 1];
    if (p->node->kind == PAL_YAML_MAP && p->nkids % 2 == 0 && node->kind != PAL_YAML_SCALAR) {
        pal_yaml_error(b->doc, node, b->err, b->errcap, "a mapping key must be a plain value");
        return -1;
    }
    if (push_kid(p, node) != 0) {
        pal_yaml_error(b->doc, node, b->err, b->errcap, "out of memory");
        return -1;
    }
    return 0;
}

/* The innermost container closes: its children move into the arena. */
static pal_yaml *close_node(yaml_build *b)
{
    open_node *o = &b->stack[--b->depth];   /* libyaml only emits balanced events */
    pal_yaml *c = o->node;
    if (o->nkids) {
        c->items = pal_arena_alloc(&b->doc->arena, o->nkids * sizeof *c->items);
        if (!c->items) {
            pal_yaml_error(b->doc, c, b->err, b->errcap, "out of memory (the file is too large)");
            free(o->kids);
            return NULL;
        }
        memcpy(c->items, o->kids, o->nkids * sizeof *c->items);
    }
    c->n = c->kind == PAL_YAML_MAP ? o->nkids / 2 : o->nkids;
    free(o->kids);
    o->kids = NULL;
    if (c->kind == PAL_YAML_MAP && check_keys(b->doc, c, b->err, b->errcap) != 0) return NULL;
    return c;
}

static pal_yaml *scalar_node(yaml_build *b, const yaml_event_t *ev)
{
    pal_yaml *node = new_node(b->doc, PAL_YAML_SCALAR, &ev->start_mark);
    if (!node) return NULL;
    node->str = pal_arena_strndup(&b->doc->arena, (const char *)ev->data.scalar.value, ev->data.scalar.length);
    node->len = ev->data.scalar.length;
    node->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    return node->str ? node : NULL;
}

/* One parser event.  1: the stream ended; 0: go on; -1: error (in b->err). */
static int on_event(yaml_build *b, const yaml_event_t *ev)
{
    pal_yaml at = {0};
    at.line = (unsigned)ev->start_mark.line + 1;
    at.col = (unsigned)ev->start_mark.column + 1;
    if (ev->type == YAML_ALIAS_EVENT || event_anchor(ev)) {
        pal_yaml_error(b->doc, &at, b->err, b->errcap,
                       "YAML anchors and aliases (& and *) are not supported here; write the value out");
        return -1;
    }
    pal_yaml *node = NULL;
    switch (ev->type) {
    case YAML_DOCUMENT_START_EVENT:
        if (++b->docs > 1) {
            pal_yaml_error(b->doc, &at, b->err, b->errcap, "a second YAML document ('---'); put everything in one");
            return -1;
        }
        return 0;
    case YAML_STREAM_END_EVENT:
        return 1;
    case YAML_SCALAR_EVENT:
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT: {
        bool scalar = ev->type == YAML_SCALAR_EVENT;
        node = scalar ? scalar_node(b, ev)
                      : new_node(b->doc, ev->type == YAML_SEQUENCE_START_EVENT ? PAL_YAML_SEQ : PAL_YAML_MAP,
                                 &ev->start_mark);
        if (!node) {
            pal_yaml_error(b->doc, &at, b->err, b->errcap, "out of memory (the file is too large)");
            return -1;
        }
        if (++b->nodes > b->lim->max_nodes) {
            pal_yaml_error(b->doc, &at, b->err, b->errcap, "more than %u YAML nodes; split the file", b->lim->max_nodes);
            return -1;
        }
        if (scalar) return attach(b, node);
        if (b->depth == b->max_depth) {
            pal_yaml_error(b->doc, node, b->err, b->errcap, "nested deeper than %u levels", b->max_depth);
            return -1;
        }
        b->stack[b->depth++] = (open_node){node, NULL, 0, 0};
        return 0;
    }
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        node = close_node(b);
        return node ? attach(b, node) : -1;
    default:
        return 0;
    }
}

int pal_yaml_parse(pal_yaml_doc *doc, const char *file, const char *data, size_t len,
                   const pal_yaml_limits *lim, char *err, size_t errcap)
{
    memset(doc, 0, sizeof *doc);
    if (!lim) lim = &default_limits;
    /* A node costs ~64 bytes of tree plus its text; 16x the input bounds
       any real file with room to spare. */
    pal_arena_init(&doc->arena, 16 * lim->max_bytes + (1u << 20));
    doc->file = pal_arena_strndup(&doc->arena, file, strlen(file));
    if (!doc->file) { snprintf(err, errcap, "%s: out of memory", file); pal_arena_free(&doc->arena); return -1; }
    if (len > lim->max_bytes) {
        char limit[32];
        size_words(lim->max_bytes, limit, sizeof limit);
        snprintf(err, errcap, "%s: %zu bytes is larger than the %s a YAML input may have", file, len, limit);
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
    yaml_build b = {.doc = doc, .lim = lim, .err = err, .errcap = errcap,
                    .max_depth = lim->max_depth < PAL_YAML_MAX_DEPTH_CAP ? lim->max_depth : PAL_YAML_MAX_DEPTH_CAP};
    int rc;
    for (;;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) { syntax_error(&b, &parser); rc = -1; break; }
        rc = on_event(&b, &ev);
        yaml_event_delete(&ev);
        if (rc) break;
    }
    while (b.depth > 0) free(b.stack[--b.depth].kids);
    yaml_parser_delete(&parser);
    if (rc < 0) { pal_arena_free(&doc->arena); return -1; }
    return 0;
}

int pal_yaml_load(pal_yaml_doc *doc, const char *path, const pal_yaml_limits *lim, char *err, size_t errcap)
{
    memset(doc, 0, sizeof *doc);
    if (!lim) lim = &default_limits;
    char *buf;
    size_t n;
    int r = pal_read_file(path, lim->max_bytes, &buf, &n, err, errcap);
    if (r == PAL_READ_TOO_LARGE) {
        char limit[32];
        size_words(lim->max_bytes, limit, sizeof limit);
        snprintf(err, errcap, "%s: larger than the %s a YAML input may have", path, limit);
    }
    if (r != PAL_READ_OK) return -1;
    int rc = pal_yaml_parse(doc, path, buf, n, lim, err, errcap);
    free(buf);
    return rc;
}

void pal_yaml_free(pal_yaml_doc *doc)
{
    pal_arena_free(&doc->arena);
    memset(doc, 0, sizeof *doc);
}

const pal_yaml *pal_yaml_get(const pal_yaml *map, const char *key)
{
    if (!map || map->kind != PAL_YAML_MAP) return NULL;
    size_t kl = strlen(key);
    for (unsigned i = 0; i < map->n; i++) {
        const pal_yaml *k = map->items[2 * i];
        if (k->len == kl && !memcmp(k->str, key, kl)) return map->items[2 * i + 1];
    }
    return NULL;
}

int pal_yaml_known_keys(const pal_yaml_doc *doc, const pal_yaml *map, const char *what,
                        const char *const *known, char *err, size_t errcap)
{
    for (unsigned i = 0; i < map->n; i++) {
        const pal_yaml *k = map->items[2 * i];
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
        pal_yaml_error(doc, k, err, errcap, "unknown key '%.80s' in %s (known keys: %s)", k->str, what, list);
        return -1;
    }
    return 0;
}


/* ---- as JSON ---- */

static cJSON *to_json(const pal_yaml *n, const char *line_key)
{
    if (!n) return cJSON_CreateNull();
    /* Iterative over the tree's depth would need a second stack; the tree is
       at most PAL_YAML_MAX_DEPTH_CAP deep, so recursion is bounded. */
    if (n->kind == PAL_YAML_SCALAR) return cJSON_CreateString(n->str);
    cJSON *o = n->kind == PAL_YAML_SEQ ? cJSON_CreateArray() : cJSON_CreateObject();
    if (!o) return NULL;
    if (n->kind == PAL_YAML_MAP && line_key) cJSON_AddNumberToObject(o, line_key, (double)n->line);
    for (unsigned i = 0; i < n->n; i++) {
        cJSON *v = to_json(n->kind == PAL_YAML_SEQ ? n->items[i] : n->items[2 * i + 1], line_key);
        if (!v) { cJSON_Delete(o); return NULL; }
        if (n->kind == PAL_YAML_SEQ) cJSON_AddItemToArray(o, v);
        else cJSON_AddItemToObject(o, n->items[2 * i]->str, v);
    }
    return o;
}

cJSON *pal_yaml_to_json(const pal_yaml_doc *doc, const char *line_key)
{
    return doc->root ? to_json(doc->root, line_key) : cJSON_CreateObject();
}

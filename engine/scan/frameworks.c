/*
 * frameworks.c — framework files: which checks answer which controls.
 *
 * Framework files are read with the one YAML reader (engine/base/yaml.h)
 * and then walked with strict shapes: every unknown key, wrong type or
 * missing field is an error at its line, so a misspelt `chekcs:` never
 * silently maps nothing.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "engine/base/err.h"
#include "engine/base/fileio.h"
#include "engine/scan/frameworks.h"

/* ------------------------------------------------------------------ */
/* frameworks                                                          */
/* ------------------------------------------------------------------ */

void pal_frameworks_init(pal_frameworks *s)
{
    memset(s, 0, sizeof *s);
    pal_arena_init(&s->arena, 0);
}

void pal_frameworks_free(pal_frameworks *s)
{
    free(s->fw);
    pal_arena_free(&s->arena);
    memset(s, 0, sizeof *s);
}

const pal_framework *pal_frameworks_find(const pal_frameworks *s, const char *key)
{
    for (unsigned i = 0; i < s->n; i++)
        if (!strcmp(s->fw[i].key, key)) return &s->fw[i];
    return NULL;
}

/* A scalar of at most max bytes with no control characters, copied into
   the set's arena; NULL and an error otherwise. */
static const char *want_scalar(pal_frameworks *s, const pal_yaml_doc *doc, const pal_yaml *v,
                               const char *what, size_t max, char *err, size_t errcap)
{
    if (!v || v->kind != PAL_YAML_SCALAR) {
        pal_yaml_error(doc, v, err, errcap, "%s must be a plain value (a string)", what);
        return NULL;
    }
    if (v->len == 0 || v->len > max) {
        pal_yaml_error(doc, v, err, errcap, "%s must be 1 to %zu characters long", what, max);
        return NULL;
    }
    for (size_t i = 0; i < v->len; i++)
        if ((unsigned char)v->str[i] < 0x20 && v->str[i] != '\t') {
            pal_yaml_error(doc, v, err, errcap, "%s holds a control character; remove it", what);
            return NULL;
        }
    const char *c = pal_arena_strndup(&s->arena, v->str, v->len);
    if (!c) pal_yaml_error(doc, v, err, errcap, "out of memory");
    return c;
}

static bool is_key_name(const char *k)
{
    for (const char *p = k; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_'))
            return false;
    return *k && !(*k >= '0' && *k <= '9');
}

static int read_framework(pal_frameworks *s, const pal_yaml_doc *doc, pal_framework *fw,
                          char *err, size_t errcap)
{
    static const char *const top_keys[] = {"framework", "title", "version", "description", "url", "controls", NULL};
    static const char *const ctl_keys[] = {"id", "title", "description", "checks", NULL};
    const pal_yaml *root = doc->root;
    if (!root || root->kind != PAL_YAML_MAP) {
        pal_yaml_error(doc, root, err, errcap,
                       "a framework file is a mapping with framework:, title:, version: and controls:");
        return -1;
    }
    if (pal_yaml_known_keys(doc, root, "a framework file", top_keys, err, errcap) != 0) return -1;
    const pal_yaml *k = pal_yaml_get(root, "framework");
    if (!k) { pal_yaml_error(doc, root, err, errcap, "missing 'framework:' (the key checks use, e.g. cis_docker)"); return -1; }
    if (!(fw->key = want_scalar(s, doc, k, "framework", 64, err, errcap))) return -1;
    if (!is_key_name(fw->key)) {
        pal_yaml_error(doc, k, err, errcap,
                       "framework '%s' must be a name of letters, digits and _ (as in a check's frameworks { cis_docker: \"4.1\" })",
                       fw->key);
        return -1;
    }
    const pal_yaml *v = pal_yaml_get(root, "title");
    fw->title = v ? want_scalar(s, doc, v, "title", 256, err, errcap) : fw->key;
    if (!fw->title) return -1;
    v = pal_yaml_get(root, "version");
    fw->version = v ? want_scalar(s, doc, v, "version", 64, err, errcap) : "";
    if (!fw->version) return -1;
    const pal_yaml *ctl = pal_yaml_get(root, "controls");
    if (!ctl || ctl->kind != PAL_YAML_SEQ) {
        pal_yaml_error(doc, ctl ? ctl : root, err, errcap,
                       "'controls:' must be a list of controls (- id: \"4.1\" ... checks: [PAL-0041])");
        return -1;
    }
    fw->ncontrols = ctl->n;
    fw->controls = ctl->n ? pal_arena_alloc(&s->arena, ctl->n * sizeof *fw->controls) : NULL;
    if (ctl->n && !fw->controls) { pal_yaml_error(doc, ctl, err, errcap, "out of memory"); return -1; }
    for (unsigned i = 0; i < ctl->n; i++) {
        const pal_yaml *c = ctl->items[i];
        pal_fw_control *fc = &fw->controls[i];
        if (c->kind != PAL_YAML_MAP) { pal_yaml_error(doc, c, err, errcap, "a control must be a mapping with id:, title: and checks:"); return -1; }
        if (pal_yaml_known_keys(doc, c, "a control", ctl_keys, err, errcap) != 0) return -1;
        fc->line = c->line;
        const pal_yaml *id = pal_yaml_get(c, "id");
        if (!id) { pal_yaml_error(doc, c, err, errcap, "this control has no 'id:' (e.g. id: \"4.1\")"); return -1; }
        if (!(fc->id = want_scalar(s, doc, id, "a control id", 64, err, errcap))) return -1;
        for (unsigned j = 0; j < i; j++)
            if (!strcmp(fw->controls[j].id, fc->id)) {
                pal_yaml_error(doc, id, err, errcap, "control '%s' is listed twice (first at line %u); merge them",
                               fc->id, fw->controls[j].line);
                return -1;
            }
        v = pal_yaml_get(c, "title");
        fc->title = v ? want_scalar(s, doc, v, "a control title", 512, err, errcap) : "";
        if (!fc->title) return -1;
        const pal_yaml *ch = pal_yaml_get(c, "checks");
        if (!ch) continue;   /* a control no check covers yet: documented, not an error */
        if (ch->kind != PAL_YAML_SEQ) {
            pal_yaml_error(doc, ch, err, errcap, "'checks:' must be a list of check IDs ([PAL-0041, ...])");
            return -1;
        }
        fc->nchecks = ch->n;
        fc->checks = ch->n ? pal_arena_alloc(&s->arena, ch->n * sizeof *fc->checks) : NULL;
        if (ch->n && !fc->checks) { pal_yaml_error(doc, ch, err, errcap, "out of memory"); return -1; }
        for (unsigned j = 0; j < ch->n; j++)
            if (!(fc->checks[j] = want_scalar(s, doc, ch->items[j], "a check ID", 256, err, errcap))) return -1;
    }
    return 0;
}

int pal_frameworks_add(pal_frameworks *s, const char *file, const char *data, size_t len,
                       bool user, char *err, size_t errcap)
{
    if (s->n >= PAL_MAX_FRAMEWORKS) {
        snprintf(err, errcap, "%s: more than %u framework files", file, PAL_MAX_FRAMEWORKS);
        return -1;
    }
    pal_yaml_doc doc;
    if (pal_yaml_parse(&doc, file, data, len, NULL, err, errcap) != 0) return -1;
    pal_framework fw = {0};
    fw.user = user;
    fw.file = pal_arena_strndup(&s->arena, file, strlen(file));
    int rc = fw.file ? read_framework(s, &doc, &fw, err, errcap) : -1;
    if (rc == 0) {
        const pal_framework *old = pal_frameworks_find(s, fw.key);
        if (old) {
            pal_yaml_error(&doc, pal_yaml_get(doc.root, "framework"), err, errcap,
                           "framework '%s' is already defined by %s; give this one another key", fw.key, old->file);
            rc = -1;
        }
    }
    if (rc == 0 && s->n == s->cap) {
        unsigned cap = s->cap ? s->cap * 2 : 8;
        pal_framework *n = realloc(s->fw, cap * sizeof *n);
        if (!n) { snprintf(err, errcap, "%s: out of memory", file); rc = -1; }
        else { s->fw = n; s->cap = cap; }
    }
    if (rc == 0) s->fw[s->n++] = fw;
    pal_yaml_free(&doc);
    return rc;
}

int pal_frameworks_add_dir(pal_frameworks *s, const char *dir, char *err, size_t errcap)
{
    static const char *const yaml_names[] = {".yaml", ".yml", NULL};
    pal_pathlist names;
    if (pal_list_files(dir, yaml_names, 0, PAL_MAX_FRAMEWORKS, &names, err, errcap) != 0) return -1;
    int rc = 0;
    if (names.truncated) rc = pal_set_err(err, errcap, "%s: more than %u framework files", dir, PAL_MAX_FRAMEWORKS);
    else if (names.n == 0) rc = pal_set_err(err, errcap, "%s: no framework files (*.yaml) in it", dir);
    for (size_t i = 0; i < names.n && rc == 0; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names.v[i]);
        char *buf;
        size_t len;
        if (pal_read_file(path, PAL_YAML_MAX_BYTES, &buf, &len, err, errcap) != PAL_READ_OK) { rc = -1; break; }
        rc = pal_frameworks_add(s, path, buf, len, true, err, errcap);
        free(buf);
    }
    pal_pathlist_free(&names);
    return rc;
}

/*
 * feeds.c — feed("name"): data files beside the policy, compiled in as
 * constants.
 *
 * A feed is looked up in the repo's feeds/ directory, then beside the file
 * that names it, read once per compilation through the compile options'
 * reader, recorded in the manifest with its SHA-256, and flattened into
 * constant values like a list literal: .txt (one value a line, # comments),
 * .csv (the first column; a header row is skipped), .json (an array of
 * strings, or of objects: their first string) and .yaml/.yml (a list of
 * scalars, or of mappings: their first scalar), the YAML through the one
 * YAML reader.  Every malformed entry is a PAL0602 error with its place;
 * a feed that cannot be read at all is an error, never an empty list, so
 * no rule that uses it can silently vanish.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <cJSON.h>
#include "lang/check/check.h"
#include "engine/base/yaml.h"

static bool feed_value_ok(const char *s, size_t n)
{
    return n > 0;
}

static bool feed_push(pal_cvals *out, pal_cval v)
{
    if (out->n == out->cap) {
        uint32_t cap = out->cap ? out->cap * 2 : 64;
        pal_cval *nv = realloc(out->v, cap * sizeof *nv);
        if (!nv) return false;
        out->v = nv;
        out->cap = cap;
    }
    out->v[out->n++] = v;
    return true;
}

/* Appends the values of one feed file to out; reports malformed entries
   with file:line. */
static bool parse_feed(pal_cc *cc, pal_node *call, const char *path, char *data, size_t len, pal_cvals *out)
{
    const char *ext = strrchr(path, '.');
    ext = ext ? ext + 1 : "";
    pal_cval v;
    memset(&v, 0, sizeof v);
    v.kind = CV_STR;
    v.loc = call->loc;
    if (!strcmp(ext, "json")) {
        cJSON *root = cJSON_ParseWithLength(data, len);
        if (!root || !cJSON_IsArray(root)) {
            pal_cc_error(cc, "PAL0602", call->loc, "a JSON feed is an array of strings or of objects",
                     "feed %s is not a JSON array", path);
            cJSON_Delete(root);
            return false;
        }
        int i = 0;
        for (cJSON *it = root->child; it; it = it->next, i++) {
            cJSON *s = it;
            if (cJSON_IsObject(it))
                for (s = it->child; s && !cJSON_IsString(s); s = s->next) {}
            if (!s || !cJSON_IsString(s)) {
                pal_cc_error(cc, "PAL0602", call->loc, NULL, "feed %s: item %d has no string value", path, i);
                continue;
            }
            v.s = pal_arena_strndup(&cc->arena, s->valuestring, strlen(s->valuestring));
            v.len = (uint32_t)strlen(s->valuestring);
            if (out->n >= PAL_MAX_LIST_ITEMS) break;
            if (!feed_push(out, v)) { cJSON_Delete(root); return false; }
        }
        cJSON_Delete(root);
        return true;
    }
    if (!strcmp(ext, "yaml") || !strcmp(ext, "yml")) {
        /* A sequence of scalars, or of mappings (their first scalar value,
           as for JSON objects).  Every problem is a compile error: a feed
           that silently yields nothing would drop the rules that use it. */
        static const pal_yaml_limits lim = {PAL_MAX_FEED_BYTES, PAL_MAX_LIST_ITEMS + 16, 8};
        pal_yaml_doc doc;
        char why[512];
        if (pal_yaml_parse(&doc, path, data, len, &lim, why, sizeof why) != 0) {
            pal_cc_error(cc, "PAL0602", call->loc, "a YAML feed is a list: one `- value` line per item",
                     "feed %s", why);
            return false;
        }
        bool ok = true;
        if (doc.root && doc.root->kind != PAL_YAML_SEQ) {
            pal_cc_error(cc, "PAL0602", call->loc, "a YAML feed is a list: one `- value` line per item",
                     "feed %s is not a YAML list", path);
            ok = false;
        }
        for (unsigned i = 0; ok && doc.root && i < doc.root->n; i++) {
            const pal_yaml *it = doc.root->items[i], *s = it;
            if (it->kind == PAL_YAML_MAP)
                for (unsigned k = 0; k < it->n && (s = it->items[2 * k + 1])->kind != PAL_YAML_SCALAR; k++) {}
            if (!s || s->kind != PAL_YAML_SCALAR || (it->kind == PAL_YAML_MAP && !it->n)) {
                pal_cc_error(cc, "PAL0602", call->loc, NULL, "feed %s:%u:%u: item %u has no scalar value", path, it->line, it->col, i);
                ok = false;
                break;
            }
            if (out->n >= PAL_MAX_LIST_ITEMS) {
                pal_cc_error(cc, "PAL0502", call->loc, NULL, "feed %s has more than %u entries", path, PAL_MAX_LIST_ITEMS);
                ok = false;
                break;
            }
            v.s = pal_arena_strndup(&cc->arena, s->str, s->len);
            v.len = (uint32_t)s->len;
            if (!v.s || !feed_push(out, v)) {
                pal_cc_error(cc, "PAL0502", call->loc, NULL, "feed %s: out of memory", path);
                ok = false;
            }
        }
        pal_yaml_free(&doc);
        return ok;
    }
    /* lines: "value" or "value,rest" (CSV: first column); # comments */
    size_t line = 0;
    for (size_t i = 0; i < len;) {
        size_t e = i;
        while (e < len && data[e] != '\n') e++;
        line++;
        size_t a = i, b = e;
        while (a < b && (data[a] == ' ' || data[a] == '\t')) a++;
        while (b > a && (data[b - 1] == '\r' || data[b - 1] == ' ' || data[b - 1] == '\t')) b--;
        i = e + 1;
        if (a == b || data[a] == '#') continue;
        const char *comma = memchr(data + a, ',', b - a);
        if (comma) b = (size_t)(comma - data);
        while (b > a && data[b - 1] == ' ') b--;
        if (b > a && data[a] == '"' && data[b - 1] == '"' && b - a >= 2) { a++; b--; }
        /* a CSV header: its first cell names the column */
        if (line == 1 && !strcmp(ext, "csv") && (b - a) < 32) {
            static const char *headers[] = {"md5", "sha256", "sha1", "hash", "name", "value", "ip", "address",
                                            "cidr", "subnet", "domain", "host", "hostname", "port", "path",
                                            "executable", "process", "cve", "id", "package", "pattern", NULL};
            bool header = false;
            for (int h = 0; headers[h]; h++)
                if (strlen(headers[h]) == b - a && !strncasecmp(headers[h], data + a, b - a)) header = true;
            if (header) continue;
        }
        if (!feed_value_ok(data + a, b - a)) {
            pal_cc_error(cc, "PAL0602", call->loc, NULL, "feed %s: line %zu: empty value", path, line);
            continue;
        }
        if (out->n >= PAL_MAX_LIST_ITEMS) {
            pal_cc_error(cc, "PAL0502", call->loc, NULL, "feed %s has more than %u entries", path, PAL_MAX_LIST_ITEMS);
            break;
        }
        v.s = pal_arena_strndup(&cc->arena, data + a, b - a);
        v.len = (uint32_t)(b - a);
        if (!feed_push(out, v)) return false;
    }
    return true;
}


pal_cvals *pal_load_feed(pal_cc *cc, pal_node *call, const char *name, uint32_t len)
{
    char key[1024];
    if (len == 0 || len > 512 || memchr(name, 0, len)) {
        pal_cc_error(cc, "PAL0601", call->loc, NULL, "invalid feed name");
        return NULL;
    }
    if (memmem(name, len, "..", 2) || name[0] == '/') {
        pal_cc_error(cc, "PAL0601", call->loc, "feeds live in the policy repo's feeds/ directory",
                 "feed name '%.*s' leaves the policy repo", (int)len, name);
        return NULL;
    }
    snprintf(key, sizeof key, "%.*s", (int)len, name);
    pal_cvals *cached = pal_strmap_get(&cc->feeds, key, strlen(key));
    if (cached) return cached->ok ? cached : NULL;
    pal_cvals *out = pal_arena_alloc(&cc->arena, sizeof *out);
    if (!out) return NULL;
    char *k = pal_arena_strndup(&cc->arena, key, strlen(key));
    pal_strmap_put(&cc->arena, &cc->feeds, k, strlen(k), out);
    /* <repo>/feeds/NAME, then beside the file that uses it */
    char cand[2][1100];
    snprintf(cand[0], sizeof cand[0], "feeds/%s", key);
    const char *dir = cc->curfile ? cc->curfile->src->path : "";
    const char *slash = strrchr(dir, '/');
    snprintf(cand[1], sizeof cand[1], "%.*s%s%s", slash ? (int)(slash - dir) : 0, dir, slash ? "/" : "", key);
    for (int c = 0; c < 2; c++) {
        char *data = NULL;
        size_t dlen = 0;
        if (cc->opts->read && cc->opts->read(cc->opts->read_user, cand[c], &data, &dlen) == 0) {
            if (dlen > PAL_MAX_FEED_BYTES) {
                pal_cc_error(cc, "PAL0602", call->loc, NULL, "feed %s is larger than %u bytes", cand[c], PAL_MAX_FEED_BYTES);
                free(data);
                return NULL;
            }
            pal_cc_add_source(cc, cand[c], data, dlen);
            unsigned errors = cc->diags.errors;
            out->ok = parse_feed(cc, call, cand[c], data, dlen, out);
            free(data);
            /* fail closed: a feed that yields nothing must never pass as an
               empty list, so a refusal without a diagnostic still is one */
            if (!out->ok && cc->diags.errors == errors)
                pal_cc_error(cc, "PAL0602", call->loc, NULL, "feed %s could not be read (out of memory?)", cand[c]);
            return out->ok ? out : NULL;
        }
    }
    pal_cc_error(cc, "PAL0601", call->loc, "put the file in the policy repo's feeds/ directory",
             "feed '%s' not found (looked for %s and %s)", key, cand[0], cand[1]);
    return NULL;
}

/*
 * tests.c — `test` blocks: checked by every compile, and built into inputs
 * for `palisade test` (the set's contract is in testset.h).
 *
 * Checking.  Everything a test could get wrong statically is an error
 * here, where `palisade build` and the linter see it too: an unknown field
 * in a given group, a value of the wrong type, a port out of range, an
 * expectation that does not fit the input (pass/fail for an event), a
 * `by` that names no rule of the repo or the wrong kind of rule.
 *
 * Building an input.  A test's `given` groups become the JSON the input
 * would arrive as, never a hand-made record: an event test becomes one
 * flat ECS object ({"process.name": "cmd.exe", "container.image.name": …}),
 * an inventory test an object in `palisade inventory` format.  The real
 * decoders then read it, so kind inference (section 15 of the SPEC), the
 * Windows flag, derived fields (process.name from process.executable) and
 * value conversion are exactly those of `palisade eval` and `scan`.
 *
 * An inline inventory gets what `palisade inventory` always writes: every
 * list and collection of the image that the test does not give is
 * present and empty (image.windows.* and image.vulnerabilities stay
 * absent, as they are on a Linux image without a feed).  An inventory
 * read with `from_file` is used as written, and the inline keys override
 * its values: they are put first in the object, and the decoder takes the
 * first spelling of a field.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cJSON.h>
#include "lang/check/check.h"
#include "lang/check/testset.h"
#include "engine/decode/decode.h"
#include "engine/base/limits.h"

/* ---- checking ---- */

static bool given_scalar_ok(int kind, const pal_node *v)
{
    return ((pal_is_strlike(kind) || kind == T_VERSION) && v->kind == N_STR) || (kind == T_INT && v->kind == N_INT) ||
           (kind == T_BOOL && (v->kind == N_TRUE || v->kind == N_FALSE)) ||
           (kind == T_IP && (v->kind == N_IP || v->kind == N_STR));
}

/* Is v a value of type ft (the field `name`)?  Reports and returns false
   when not.  Lists take a list literal or one scalar (ECS writes a
   one-item list as its item); collections take a list of objects, and
   name/value collections also an object ({PATH: "/bin"}), as inventories
   hold them. */
static bool check_given_value(pal_cc *cc, const char *name, pal_type ft, pal_node *v)
{
    if (v->kind == N_IP && v->has_prefix && v->prefix != (v->v6 ? 128 : 32)) {
        pal_cc_error(cc, "PAL0407", v->loc, "give one address: destination { \"ip\": 10.0.0.5 }",
                 "'%s' is given a CIDR, not an address", name);
        return false;
    }
    if (ft.kind == T_LIST) {
        bool is_list = v->kind == N_LIST && !v->i2;
        for (uint32_t i = 0; is_list && i < v->nitems; i++)
            if (!check_given_value(cc, name, (pal_type){ft.elem, 0, 0}, v->items[i])) return false;
        if (is_list || given_scalar_ok(ft.elem, v)) return true;
    } else if (ft.kind == T_RECORDS) {
        const pal_schema *es = pal_schema_get(ft.schema);
        if (v->kind == N_LIST && v->i2 && ft.schema == PS_KV) {   /* {NAME: "value"} */
            for (uint32_t i = 0; i < v->nitems; i++)
                if (!v->items[i]->a || v->items[i]->a->kind != N_STR) {
                    pal_cc_error(cc, "PAL0401", v->items[i]->loc, NULL, "values of '%s' are strings", name);
                    return false;
                }
            return true;
        }
        if (v->kind == N_LIST && !v->i2 && es) {
            for (uint32_t i = 0; i < v->nitems; i++) {
                pal_node *obj = v->items[i];
                if (obj->kind != N_LIST || !obj->i2) {
                    pal_cc_error(cc, "PAL0401", obj->loc, "write each element as an object: [ { path: \"/x\" } ]",
                             "elements of '%s' are records of %s", name, es->name);
                    return false;
                }
                for (uint32_t k = 0; k < obj->nitems; k++) {
                    pal_node *kv = obj->items[k];
                    char sub[600];
                    snprintf(sub, sizeof sub, "%s[].%.*s", name, (int)kv->len, kv->text);
                    int f = pal_schema_find(es, kv->text, kv->len);
                    if (f < 0) {
                        const char *near = pal_nearest_field(es, kv->text, kv->len);
                        char hint[300];
                        snprintf(hint, sizeof hint, "did you mean '%s'?", near ? near : "");
                        pal_cc_error(cc, "PAL0301", kv->loc, near ? hint : "keys of an element are its fields, without a prefix",
                                 "unknown field '%s'", sub);
                        return false;
                    }
                    if (!kv->a || !check_given_value(cc, sub, pal_type_of_field(&es->fields[f]), kv->a)) return false;
                }
            }
            return true;
        }
    } else if (given_scalar_ok(ft.kind, v)) {
        size_t n = strlen(name);
        bool port = n >= 4 && !strcmp(name + n - 4, "port") && (n == 4 || name[n - 5] == '.');
        if (port && v->kind == N_INT && (v->i < 0 || v->i > 65535)) {
            pal_cc_error(cc, "PAL0408", v->loc, "ports are 0-65535", "'%s' is given %lld, not a port", name, (long long)v->i);
            return false;
        }
        return true;
    }
    pal_cc_error(cc, "PAL0401", v->loc, NULL, "'%s' is %s", name, pal_type_article(ft));
    return false;
}

void pal_check_test(pal_cc *cc, pal_decl *d)
{
    bool inventory = false;
    for (pal_given *g = d->given; g; g = g->next)
        if (!strcmp(g->group, "image")) inventory = true;
    const pal_schema *s = pal_schema_get(inventory ? PS_IMAGE : PS_EVENT);
    uint8_t *seen = calloc(s->nfields + 1u, 1);
    bool from_file = false;
    uint32_t event = 0;
    for (pal_given *g = d->given; g; g = g->next) {
        bool image = !strcmp(g->group, "image");
        if (g->event != event) {
            /* the next event: its fields are its own */
            event = g->event;
            if (seen) memset(seen, 0, s->nfields + 1u);
            if (inventory) {
                pal_cc_error(cc, "PAL0301", g->loc, "an inventory test has one `given`; test another image in another test",
                             "a second `given` in an inventory test");
                break;
            }
        }
        if (g->has_at && inventory)
            pal_cc_error(cc, "PAL0301", g->at_loc, "`at` places events in time; an image has no time",
                         "`at` in an inventory test");
        if (inventory && !image) {
            pal_cc_error(cc, "PAL0301", g->loc, "an inventory test gives only image { ... } groups; test events in another test",
                     "'%s' is an event group in an inventory test", g->group);
            continue;
        }
        for (pal_attr *a = g->fields; a; a = a->next) {
            char name[512];
            snprintf(name, sizeof name, "%s.%s", g->group, a->key);
            if (image && !strcmp(a->key, "from_file")) {
                if (a->value->kind != N_STR || !a->value->len)
                    pal_cc_error(cc, "PAL0401", a->value->loc, "from_file: \"inventory.json\", relative to this file",
                             "'from_file' is the path of an inventory JSON file");
                else if (from_file)
                    pal_cc_error(cc, "PAL0203", a->loc, "keep one of them", "'from_file' is given twice");
                from_file = true;
                continue;
            }
            int f = pal_schema_find(s, name, strlen(name));
            if (f < 0 && image) f = pal_schema_find(s, a->key, strlen(a->key));
            if (f < 0) {
                /* the hint names a key of this group, as it would be written here */
                const char *near = pal_nearest_field(s, name, strlen(name));
                size_t glen = strlen(g->group);
                if (near && !strncmp(near, g->group, glen) && near[glen] == '.') near += glen + 1;
                char hint[300];
                snprintf(hint, sizeof hint, "did you mean '%s'?", near ? near : "");
                pal_cc_error(cc, "PAL0301", a->loc, near ? hint : "given groups prefix their keys: process { name: \"x\" } sets process.name",
                         "unknown field '%s'", name);
                continue;
            }
            if (seen && seen[f]) {
                pal_cc_error(cc, "PAL0203", a->loc, "keep one of them", "'%s' is given twice", s->fields[f].name);
                continue;
            }
            if (seen) seen[f] = 1;
            check_given_value(cc, s->fields[f].name, pal_type_of_field(&s->fields[f]), a->value);
        }
    }
    free(seen);
    bool outcome_ok = inventory ? (d->expect_effect == PE_FAIL || d->expect_effect == PAL_EXPECT_PASS)
                                : (d->expect_effect >= PE_ALLOW && d->expect_effect <= PE_BLOCK);
    if (!outcome_ok && inventory)
        pal_cc_error(cc, "PAL0206", d->expect_loc, "checks pass or fail: expect fail by \"CHECK-ID\"",
                 "an inventory test expects pass or fail");
    else if (!outcome_ok)
        pal_cc_error(cc, "PAL0206", d->expect_loc,
                 "an event is decided allow, alert, prevent or block; pass and fail are for image tests",
                 "an event test expects an effect, not %s", d->expect_effect == PE_FAIL ? "fail" : "pass");
    if (d->expect_by) {
        pal_decl *t = pal_strmap_get(&cc->rules, d->expect_by, strlen(d->expect_by));
        if (!t)
            pal_cc_error(cc, "PAL0311", d->expect_loc, "name a rule, runtime, firewall or check of this repo",
                     "test expects a decision by unknown rule '%s'", d->expect_by);
        else if (inventory && t->kind != D_CHECK)
            pal_cc_error(cc, "PAL0311", d->expect_loc, "an inventory test names a check after `by`",
                     "'%s' decides events, not images", d->expect_by);
        else if (!inventory && t->kind == D_CHECK)
            pal_cc_error(cc, "PAL0311", d->expect_loc, "an event test names a rule, runtime or firewall block after `by`",
                     "'%s' is a check: it runs on images, not events", d->expect_by);
    }
}

/* ---- the set ---- */

static char *dup_str(const char *s)
{
    if (!s) return NULL;
    size_t n = strlen(s);
    char *d = malloc(n + 1);
    if (d) memcpy(d, s, n + 1);
    return d;
}

void pal_testset_free(pal_testset *ts)
{
    if (!ts) return;
    for (uint32_t i = 0; i < ts->ntests; i++) {
        free(ts->tests[i].name);
        free(ts->tests[i].file);
        free(ts->tests[i].by);
        free(ts->tests[i].input);
        for (uint32_t k = 0; k < ts->tests[i].nmore; k++) free(ts->tests[i].more[k]);
        free(ts->tests[i].more);
    }
    for (uint32_t i = 0; i < ts->ntargets; i++) {
        free(ts->targets[i].name);
        free(ts->targets[i].file);
    }
    free(ts->tests);
    free(ts->targets);
    free(ts->by_name);
    memset(ts, 0, sizeof *ts);
}

typedef struct { const char *name; uint32_t index; } named_index;

static int cmp_named(const void *a, const void *b)
{
    return strcmp(((const named_index *)a)->name, ((const named_index *)b)->name);
}

int32_t pal_testset_find(const pal_testset *ts, const char *name)
{
    if (!ts->by_name || !name) return -1;
    uint32_t lo = 0, hi = ts->ntargets;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int c = strcmp(ts->targets[ts->by_name[mid]].name, name);
        if (c == 0) return (int32_t)ts->by_name[mid];
        if (c < 0) lo = mid + 1; else hi = mid;
    }
    return -1;
}

const char *pal_test_target_kind(int kind)
{
    return kind == PR_STEP ? "sequence" : pal_rule_kind_name((unsigned)kind);
}

const char *pal_test_outcome_name(int effect)
{
    if (effect == PAL_EXPECT_PASS) return "pass";
    if (effect == PE_FAIL) return "fail";
    return pal_effect_name((unsigned)effect);
}

/* ---- given literals as JSON ---- */

/* The JSON of one literal; NULL when out of memory or a string holds a NUL
   byte (*nul set), which no JSON input can carry as one string. */
static cJSON *literal_json(const pal_node *v, const pal_schema *elem, bool *nul)
{
    switch (v->kind) {
    case N_STR: {
        if (memchr(v->text, 0, v->len)) { *nul = true; return NULL; }
        char *s = malloc(v->len + 1u);
        if (!s) return NULL;
        memcpy(s, v->text, v->len);
        s[v->len] = 0;
        cJSON *j = cJSON_CreateString(s);
        free(s);
        return j;
    }
    case N_INT: {
        /* beyond 2^53 a JSON number is not exact: the decoders take decimal strings */
        if (v->i > -9007199254740992LL && v->i < 9007199254740992LL) return cJSON_CreateNumber((double)v->i);
        char b[32];
        snprintf(b, sizeof b, "%lld", (long long)v->i);
        return cJSON_CreateString(b);
    }
    case N_TRUE: return cJSON_CreateTrue();
    case N_FALSE: return cJSON_CreateFalse();
    case N_IP: {
        char b[INET6_ADDRSTRLEN];
        if (!inet_ntop(v->v6 ? AF_INET6 : AF_INET, v->ip, b, sizeof b)) return NULL;
        return cJSON_CreateString(b);
    }
    case N_LIST: {
        cJSON *j = v->i2 ? cJSON_CreateObject() : cJSON_CreateArray();
        if (!j) return NULL;
        for (uint32_t i = 0; i < v->nitems; i++) {
            const pal_node *it = v->items[i];
            if (v->i2) {   /* an object: key: value pairs (N_CALL) */
                char key[PAL_MAX_IDENT_BYTES + 1];
                snprintf(key, sizeof key, "%.*s", (int)it->len, it->text);
                const char *jkey = key;
                int f = elem ? pal_schema_find(elem, it->text, it->len) : -1;
                if (f >= 0) jkey = pal_field_json(&elem->fields[f]);
                const pal_schema *sub = NULL;
                if (f >= 0 && elem->fields[f].type == PT_RECORDS) sub = pal_schema_get(elem->fields[f].elem);
                cJSON *c = it->a ? literal_json(it->a, sub, nul) : NULL;
                if (!c) { cJSON_Delete(j); return NULL; }
                cJSON_AddItemToObject(j, jkey, c);
            } else {
                cJSON *c = literal_json(it, elem, nul);
                if (!c) { cJSON_Delete(j); return NULL; }
                cJSON_AddItemToArray(j, c);
            }
        }
        return j;
    }
    default:
        return NULL;
    }
}

/* The field a given key names (as check_test resolved it), or -1. */
static int given_field(const pal_schema *s, const pal_given *g, const pal_attr *a)
{
    char name[600];
    snprintf(name, sizeof name, "%s.%s", g->group, a->key);
    int f = pal_schema_find(s, name, strlen(name));
    if (f < 0 && !strcmp(g->group, "image")) f = pal_schema_find(s, a->key, strlen(a->key));
    return f;
}

/* Adds the given keys of d's event `event` to obj, each under its field's JSON path. */
static bool add_given(pal_cc *cc, pal_decl *d, uint32_t event, const pal_schema *s, cJSON *obj, bool *given)
{
    for (pal_given *g = d->given; g; g = g->next)
        for (pal_attr *a = g->event == event ? g->fields : NULL; a; a = a->next) {
            int f = given_field(s, g, a);
            if (f < 0) continue;   /* from_file */
            const pal_field *fd = &s->fields[f];
            bool nul = false;
            cJSON *v = literal_json(a->value, fd->type == PT_RECORDS ? pal_schema_get(fd->elem) : NULL, &nul);
            if (!v) {
                if (nul) pal_cc_error(cc, "PAL0401", a->value->loc, "inputs are JSON: a string cannot hold a NUL byte",
                                  "'%s' holds a NUL byte", fd->name);
                return false;
            }
            cJSON_AddItemToObject(obj, pal_field_json(fd), v);
            given[f] = true;
        }
    return true;
}

/* The file an inventory test names with from_file, parsed; reports and
   returns NULL when it cannot be read or is not an inventory object. */
static cJSON *read_inventory_file(pal_cc *cc, pal_decl *d, const pal_attr *a)
{
    char path[4200];
    const char *test_file = d->file->src->path;
    const char *slash = strrchr(test_file, '/');
    int dirlen = slash ? (int)(slash - test_file) + 1 : 0;
    char rel[4096];
    snprintf(rel, sizeof rel, "%.*s", (int)a->value->len, a->value->text);
    if (rel[0] == '/') {
        pal_cc_error(cc, "PAL0001", a->value->loc, "write the path relative to this file, so the repo works anywhere",
                 "inventory file '%s' is an absolute path", rel);
        return NULL;
    }
    snprintf(path, sizeof path, "%.*s%s", dirlen, test_file, rel);
    char *data = NULL;
    size_t len = 0;
    if (!cc->opts->read || cc->opts->read(cc->opts->read_user, path, &data, &len) != 0) {
        pal_cc_error(cc, "PAL0001", a->value->loc,
                 "the path is relative to the test's file (at most 64 MiB); write one with `palisade inventory IMAGE.tar > FILE.json`",
                 "cannot read inventory file '%s'", path);
        return NULL;
    }
    if (len > PAL_MAX_FEED_BYTES) {
        pal_cc_error(cc, "PAL0001", a->value->loc, NULL, "inventory file '%s' is larger than %u bytes", path, PAL_MAX_FEED_BYTES);
        free(data);
        return NULL;
    }
    const char *end = NULL;
    cJSON *j = cJSON_ParseWithLengthOpts(data, len, &end, 0);
    if (!j || !cJSON_IsObject(j)) {
        size_t at = end && end >= data ? (size_t)(end - data) : 0;
        if (j)
            pal_cc_error(cc, "PAL0401", a->value->loc, "write one with `palisade inventory IMAGE.tar > FILE.json`",
                     "inventory file '%s' is not a JSON object", path);
        else
            pal_cc_error(cc, "PAL0401", a->value->loc, "write one with `palisade inventory IMAGE.tar > FILE.json`",
                     "inventory file '%s' is not valid JSON (near byte %zu)", path, at);
        cJSON_Delete(j);
        j = NULL;
    }
    free(data);
    return j;
}

static bool image_is_windows(const cJSON *root)
{
    const cJSON *os = cJSON_GetObjectItemCaseSensitive(root, "image.os");
    if (!os) os = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, "image"), "os");
    return cJSON_IsString(os) && os->valuestring && !strcmp(os->valuestring, "windows");
}

/* The inventory of an image test: inline keys first (they win), then the
   file's members, or the empty collections an inventory always has. */
static cJSON *inventory_json(pal_cc *cc, pal_decl *d, pal_loc *where)
{
    const pal_schema *s = pal_schema_get(PS_IMAGE);
    bool *given = calloc(s->nfields + 1u, sizeof *given);
    cJSON *root = cJSON_CreateObject();
    const pal_attr *from = NULL;
    for (pal_given *g = d->given; g; g = g->next)
        for (pal_attr *a = g->fields; a; a = a->next)
            if (!strcmp(a->key, "from_file")) from = a;
    if (!given || !root || !add_given(cc, d, 0, s, root, given)) goto fail;
    if (from) {
        *where = from->value->loc;
        cJSON *file = read_inventory_file(cc, d, from);
        if (!file) goto fail;
        while (file->child) {
            cJSON *member = cJSON_DetachItemViaPointer(file, file->child);
            if (!cJSON_AddItemToObject(root, member->string, member)) {   /* copies the key first */
                cJSON_Delete(member);
                cJSON_Delete(file);
                goto fail;
            }
        }
        cJSON_Delete(file);
    } else {
        for (uint32_t f = 0; f < s->nfields; f++) {
            const pal_field *fd = &s->fields[f];
            if (given[f] || (fd->type != PT_LIST && fd->type != PT_RECORDS)) continue;
            if (!strncmp(fd->name, "image.windows.", 14) || !strcmp(fd->name, "image.vulnerabilities")) continue;
            cJSON *empty = cJSON_CreateArray();
            if (!empty) goto fail;
            cJSON_AddItemToObject(root, pal_field_json(fd), empty);
        }
    }
    free(given);
    return root;
fail:
    free(given);
    cJSON_Delete(root);
    return NULL;
}

static bool push_test(pal_testset *ts, const pal_test *t)
{
    if (ts->ntests == ts->cap_tests) {
        uint32_t cap = ts->cap_tests ? ts->cap_tests * 2 : 32;
        pal_test *nt = realloc(ts->tests, cap * sizeof *nt);
        if (!nt) return false;
        ts->tests = nt;
        ts->cap_tests = cap;
    }
    ts->tests[ts->ntests++] = *t;
    return true;
}

/* The JSON text of a test's input `event`; NULL (reported, or out of
   memory: *oom) when it cannot be made or read as eval and scan read it. */
static char *build_input(pal_cc *cc, pal_decl *d, bool inventory, uint32_t event, const pal_given *first,
                         int64_t when, bool timed, bool *windows, bool *oom)
{
    pal_loc where = first ? first->loc : d->loc;
    cJSON *root;
    if (inventory) {
        root = inventory_json(cc, d, &where);
    } else {
        root = cJSON_CreateObject();
        bool *given = calloc(pal_schema_get(PS_EVENT)->nfields + 1u, sizeof *given);
        if (root && (!given || !add_given(cc, d, event, pal_schema_get(PS_EVENT), root, given))) {
            cJSON_Delete(root);
            root = NULL;
        }
        free(given);
        if (root && timed) {
            /* `at`: the test's start plus the offset, as RFC 3339 */
            char ts[40];
            int64_t secs = when / 1000, ms = when % 1000;
            if (ms < 0) { ms += 1000; secs--; }
            time_t tt = (time_t)secs;
            struct tm tm;
            gmtime_r(&tt, &tm);
            size_t n = strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
            snprintf(ts + n, sizeof ts - n, ".%03dZ", (int)ms);
            if (!cJSON_AddStringToObject(root, "@timestamp", ts)) { cJSON_Delete(root); root = NULL; }
        }
    }
    if (!root) return NULL;   /* reported, or out of memory */
    char *json = cJSON_PrintUnformatted(root);
    *windows = image_is_windows(root);
    cJSON_Delete(root);
    if (!json) { *oom = true; return NULL; }

    /* read it the way eval and scan will: what they cannot read is an error here */
    pal_arena a;
    pal_arena_init(&a, 0);
    char err[512];
    err[0] = 0;
    bool ok;
    if (inventory) {
        cJSON *j = cJSON_Parse(json);
        pal_record rec;
        ok = j && pal_record_from_json(pal_schema_get(PS_IMAGE), j, *windows, &a, &rec, err, sizeof err) == 0;
        cJSON_Delete(j);
        if (!ok)
            pal_cc_error(cc, "PAL0401", where, "the inventory format is what `palisade inventory` writes",
                     "this test's inventory cannot be read: %s", err[0] ? err : "out of memory");
    } else {
        pal_event ev;
        ok = pal_event_decode(json, strlen(json), PAL_INPUT_ECS, NULL, &a, &ev, err, sizeof err) == 0;
        if (!ok && strstr(err, "kind"))
            pal_cc_error(cc, "PAL0208", where,
                     "give event { category: [\"process\"] } or a field of the kind: process.*, destination.ip, dns.question.name, file.path",
                     "this test's event is of no kind palisade decides: %s", err);
        else if (!ok || err[0])
            pal_cc_error(cc, "PAL0401", where, NULL, "this test's event cannot be read as given: %s", err[0] ? err : "out of memory");
        ok = ok && !err[0];
    }
    pal_arena_free(&a);
    if (!ok) { free(json); return NULL; }
    return json;
}

void pal_testset_add(pal_testset *ts, pal_cc *cc, pal_decl *d)
{
    if (ts->oom) return;
    bool inventory = false, timed = false;
    uint32_t nevents = 1;
    for (pal_given *g = d->given; g; g = g->next) {
        if (!strcmp(g->group, "image")) inventory = true;
        if (g->has_at) timed = true;
        if (g->event + 1 > nevents) nevents = g->event + 1;
    }
    pal_test t = {0};
    bool oom = false, failed = false;
    if (nevents > 1 && !(t.more = calloc(nevents - 1, sizeof *t.more))) oom = true;
    int64_t when = PAL_TEST_T0;
    const pal_given *g = d->given;
    for (uint32_t e = 0; e < nevents && !oom && !failed; e++) {
        while (g && g->event < e) g = g->next;
        if (g && g->event == e && g->has_at) when = PAL_TEST_T0 + g->at;
        bool windows = false;
        char *json = build_input(cc, d, inventory, e, g, when, timed, &windows, &oom);
        if (!json) { failed = true; break; }
        if (e == 0) { t.input = json; t.windows = windows; }
        else t.more[t.nmore++] = json;
    }
    if (oom) ts->oom = true;
    if (oom || failed) {
        free(t.input);
        for (uint32_t i = 0; i < t.nmore; i++) free(t.more[i]);
        free(t.more);
        return;
    }
    t.name = dup_str(d->name);
    t.file = dup_str(d->file->src->path);
    pal_srcfile_linecol(d->file->src, d->loc.begin, &t.line, &t.col);
    pal_srcfile_linecol(d->file->src, d->expect_loc.begin, &t.expect_line, &t.expect_col);
    t.expect = d->expect_effect;
    t.by = d->expect_by ? dup_str(d->expect_by) : NULL;
    t.by_target = -1;
    t.inventory = inventory;
    if (!t.name || !t.file || (d->expect_by && !t.by) || !push_test(ts, &t)) {
        free(t.name);
        free(t.file);
        free(t.by);
        free(t.input);
        for (uint32_t i = 0; i < t.nmore; i++) free(t.more[i]);
        free(t.more);
        ts->oom = true;
    }
}

void pal_testset_finish(pal_testset *ts, pal_cc *cc)
{
    for (uint32_t i = 0; i < cc->nfiles && !ts->oom; i++)
        for (pal_decl *d = cc->asts[i]->decls; d; d = d->next) {
            int kind = d->kind == D_CHECK ? PR_CHECK : d->kind == D_RULE ? PR_RULE
                     : d->kind == D_RUNTIME ? PR_RUNTIME : d->kind == D_FIREWALL ? PR_FIREWALL
                     : d->kind == D_SEQUENCE ? PR_STEP : 0;
            /* a duplicate name (PAL0304) is one target: the first */
            if (!kind || !d->name || !*d->name || pal_strmap_get(&cc->rules, d->name, strlen(d->name)) != d) continue;
            if (ts->ntargets == ts->cap_targets) {
                uint32_t cap = ts->cap_targets ? ts->cap_targets * 2 : 64;
                pal_test_target *nt = realloc(ts->targets, cap * sizeof *nt);
                if (!nt) { ts->oom = true; break; }
                ts->targets = nt;
                ts->cap_targets = cap;
            }
            pal_test_target *t = &ts->targets[ts->ntargets];
            t->name = dup_str(d->name);
            t->file = dup_str(d->file->src->path);
            t->kind = kind;
            pal_srcfile_linecol(d->file->src, d->loc.begin, &t->line, &t->col);
            if (!t->name || !t->file) { free(t->name); free(t->file); ts->oom = true; break; }
            ts->ntargets++;
        }
    free(ts->by_name);
    ts->by_name = malloc((ts->ntargets + 1u) * sizeof *ts->by_name);
    if (!ts->by_name) { ts->oom = true; return; }
    named_index *ix = malloc((ts->ntargets + 1u) * sizeof *ix);
    if (!ix) { free(ts->by_name); ts->by_name = NULL; ts->oom = true; return; }
    for (uint32_t i = 0; i < ts->ntargets; i++) ix[i] = (named_index){ts->targets[i].name, i};
    qsort(ix, ts->ntargets, sizeof *ix, cmp_named);
    for (uint32_t i = 0; i < ts->ntargets; i++) ts->by_name[i] = ix[i].index;
    free(ix);
    for (uint32_t i = 0; i < ts->ntests; i++) ts->tests[i].by_target = pal_testset_find(ts, ts->tests[i].by);
}

/*
 * fuzz_frameworks.c — the one YAML reader (pal_yaml_parse, engine/base/yaml.c)
 * and the framework files read through it (engine/scan/frameworks.c).
 *
 * The input is one YAML file.  It is parsed as a tree, and the tree walked
 * for what its users rely on: every node of a known kind with a 1-based
 * place, scalars readable for their length and NUL-terminated there,
 * mapping keys plain scalars and never repeated, nesting within
 * PAL_YAML_MAX_DEPTH, the node count within PAL_YAML_MAX_NODES, and the
 * tree converts to JSON (pal_yaml_to_json, as YAML feeds are read).  Then the
 * same bytes are added as a user framework file to a set that already
 * holds a built-in one ("base"): a failure names the file in its message;
 * a success is found by its key with every control's id and check IDs
 * readable, and adding the same bytes again is refused as a duplicate key
 * naming the first file.
 *
 * Build: `make fuzz`; or without libFuzzer, as a replayer of files and
 * corpora (tests/fuzz/replay.h): `make fuzz-replay`.
 */
#include "engine/base/yaml.h"
#include "engine/scan/frameworks.h"

#include <cJSON.h>
#include <stdlib.h>
#include <string.h>
#include "tests/fuzz/replay.h"

static volatile size_t sink;

static void walk(const pal_yaml *n, unsigned depth, unsigned *count)
{
    if (!n || n->line < 1 || n->col < 1) abort();
    if (++*count > PAL_YAML_MAX_NODES) abort();
    switch (n->kind) {
    case PAL_YAML_SCALAR:
        if (!n->str || n->str[n->len] != 0) abort();
        for (size_t i = 0; i < n->len; i++) sink += (unsigned char)n->str[i];
        break;
    case PAL_YAML_SEQ:
    case PAL_YAML_MAP:
        if (depth >= PAL_YAML_MAX_DEPTH) abort();
        if (n->n && !n->items) abort();
        if (n->kind == PAL_YAML_MAP) {
            for (unsigned i = 0; i < n->n; i++) {
                const pal_yaml *k = n->items[2 * i];
                if (!k || k->kind != PAL_YAML_SCALAR) abort();   /* keys are plain values */
                for (unsigned j = 0; j < i; j++) {
                    const pal_yaml *o = n->items[2 * j];
                    if (o->len == k->len && !memcmp(o->str, k->str, k->len)) abort();   /* no duplicate key */
                }
                walk(k, depth + 1, count);
                walk(n->items[2 * i + 1], depth + 1, count);
            }
        } else {
            for (unsigned i = 0; i < n->n; i++) walk(n->items[i], depth + 1, count);
        }
        break;
    default:
        abort();
    }
}

static void check_err(const char *err, const char *file)
{
    if (strncmp(err, file, strlen(file)) != 0) abort();   /* every error names the file */
}

static const char base_framework[] =
    "framework: base\n"
    "title: The built-in one\n"
    "version: \"1\"\n"
    "controls:\n"
    "  - id: \"1.1\"\n"
    "    title: Something\n"
    "    checks: [PAL-0041]\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    char err[1024];

    pal_yaml_doc doc;
    memset(err, 0, sizeof err);
    if (pal_yaml_parse(&doc, "fuzz.yaml", text, size, NULL, err, sizeof err) == 0) {
        unsigned count = 0;
        if (doc.root) walk(doc.root, 0, &count);
        cJSON *j = pal_yaml_to_json(&doc, "line");
        if (!j) abort();   /* not out of memory, on inputs this small */
        cJSON_Delete(j);
        pal_yaml_free(&doc);
    } else {
        check_err(err, "fuzz.yaml");
    }

    pal_frameworks set;
    pal_frameworks_init(&set);
    if (pal_frameworks_add(&set, "checks/frameworks/base.yaml", base_framework, sizeof base_framework - 1,
                           false, err, sizeof err) != 0)
        abort();
    memset(err, 0, sizeof err);
    if (pal_frameworks_add(&set, "user/fw.yaml", text, size, true, err, sizeof err) == 0) {
        const pal_framework *fw = &set.fw[set.n - 1];
        if (set.n != 2 || !fw->key || pal_frameworks_find(&set, fw->key) != fw || !fw->user) abort();
        sink += strlen(fw->file) + (fw->title ? strlen(fw->title) : 0) + (fw->version ? strlen(fw->version) : 0);
        for (unsigned i = 0; i < fw->ncontrols; i++) {
            const pal_fw_control *c = &fw->controls[i];
            if (!c->id) abort();
            sink += strlen(c->id) + (c->title ? strlen(c->title) : 0);
            for (unsigned j = 0; j < c->nchecks; j++) sink += strlen(c->checks[j]);
        }
        memset(err, 0, sizeof err);
        if (pal_frameworks_add(&set, "user/again.yaml", text, size, true, err, sizeof err) == 0) abort();
        check_err(err, "user/again.yaml");
        if (!strstr(err, "user/fw.yaml")) abort();   /* ... and the file that has the key */
    } else {
        check_err(err, "user/fw.yaml");
    }
    pal_frameworks_free(&set);
    return 0;
}

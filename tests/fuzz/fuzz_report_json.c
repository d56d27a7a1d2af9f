/*
 * fuzz_report_json.c — saved scan reports read back (`palisade report`,
 * engine/report/load.c) and rendered by every writer.
 *
 * The input is a JSON document.  What must hold: a document the loader
 * refuses has an error saying where; one it accepts renders in every
 * format (text, json, sarif, junit, github, html) without a crash, its JSON
 * reads back to the same JSON (load(write(load(x))) == write(load(x))),
 * and its HTML page holds exactly one script, its own, whatever the
 * strings held.
 *
 * Build: `make fuzz`; or without libFuzzer, as a replayer of files and
 * corpora (tests/fuzz/replay.h): `make fuzz-replay`.
 */
#include "engine/report/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cJSON.h>
#include "tests/fuzz/replay.h"

static char *render(const rpt_report *r, int fmt)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) abort();
    if (rpt_write(r, fmt, f) != 0) abort();
    fclose(f);
    return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1u << 20)) return 0;
    cJSON *doc = cJSON_ParseWithLength((const char *)data, size);
    if (!doc) return 0;
    rpt_report r;
    char err[1024] = "";
    if (rpt_from_json(&r, doc, err, sizeof err) != 0) {
        if (!err[0] || !strchr(err, ':')) abort();   /* "WHERE: what" */
        rpt_free(&r);
        cJSON_Delete(doc);
        return 0;
    }
    cJSON_Delete(doc);
    for (int fmt = RF_TEXT; fmt <= RF_HTML; fmt++) {
        if (fmt == RF_SARIF && r.image.file && r.image.file[0]) continue;   /* realpath of a fuzzed path: no */
        char *out = render(&r, fmt);
        if (fmt == RF_HTML) {
            int scripts = 0;
            for (const char *p = out; (p = strstr(p, "<script")); p++) scripts++;
            if (scripts != 1) abort();
        }
        if (fmt == RF_JSON) {
            cJSON *again = cJSON_Parse(out);
            rpt_report r2;
            char err2[1024];
            if (!again || rpt_from_json(&r2, again, err2, sizeof err2) != 0) abort();
            char *out2 = render(&r2, RF_JSON);
            if (strcmp(out, out2) != 0) abort();
            free(out2);
            rpt_free(&r2);
            cJSON_Delete(again);
        }
        free(out);
    }
    rpt_free(&r);
    return 0;
}

/*
 * fuzz_sigma.c — the Sigma reader and converter (lang/tools/sigma.c) and the
 * field-mapping reader (sigma_map.c).
 *
 * The input is one Sigma rule, hostile YAML included (anchors and aliases,
 * huge scalars, deep nesting, many documents).  It is converted with the
 * built-in mapping; whatever the result, what holds is checked: a refusal
 * says why (a non-empty reason, NUL-terminated within its buffer) and
 * carries no source; a conversion carries formatted source that names the
 * rule by its id (or title), which palisade has compiled already (a rule,
 * or for a correlation with its rules a counting rule or a sequence).  The same
 * bytes are then read as a field mapping: it loads or is refused with a
 * message naming the file, and a loaded one converts the input again
 * without crashing.
 *
 * Build: `make fuzz`; or without libFuzzer, as a replayer of files and
 * corpora (tests/fuzz/replay.h): `make fuzz-replay`.
 */
#include "lang/tools/sigma.h"

#include <stdlib.h>
#include <string.h>
#include "tests/fuzz/replay.h"

static pal_sigma_map *builtin;
static volatile size_t sink;

static void check(const pal_sigma_result *r)
{
    if (memchr(r->id, 0, sizeof r->id) == NULL || memchr(r->title, 0, sizeof r->title) == NULL) abort();
    if (r->status == PAL_SIGMA_CONVERTED) {
        if (!r->source || r->source_len == 0 || r->source[r->source_len] != 0) abort();
        if (!strstr(r->source, "rule ") && !strstr(r->source, "sequence ")) abort();   /* a correlation: a sequence */
        if (*r->id && !strstr(r->source, r->id)) abort();   /* the decision names the Sigma id */
        sink += r->source_len;
    } else {
        if (r->status != PAL_SIGMA_REFUSED || r->source) abort();
        if (!memchr(r->reason, 0, sizeof r->reason) || !r->reason[0]) abort();   /* a refusal says why */
        if (!memchr(r->code, 0, sizeof r->code) || !r->code[0]) abort();         /* ... and of which class */
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[700];
    if (!builtin) {
        builtin = pal_sigma_map_parse(NULL, NULL, 0, err, sizeof err);
        if (!builtin) abort();
    }
    pal_sigma_result r;
    pal_sigma_convert(builtin, "fuzz.yml", (const char *)data, size, &r);
    check(&r);
    pal_sigma_result_free(&r);

    memset(err, 0, sizeof err);
    pal_sigma_map *m = pal_sigma_map_parse("map.yaml", (const char *)data, size, err, sizeof err);
    if (m) {
        pal_sigma_convert(m, "fuzz.yml", (const char *)data, size, &r);
        check(&r);
        pal_sigma_result_free(&r);
        pal_sigma_map_free(m);
    } else if (strncmp(err, "map.yaml", 8) != 0) {
        abort();   /* every error names the file */
    }
    return 0;
}

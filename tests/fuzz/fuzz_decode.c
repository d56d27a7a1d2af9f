/*
 * fuzz_decode.c — libFuzzer target for engine/decode/ (pal_event_decode, every source).
 *
 * The first input byte picks the input format (auto, ecs, sysmon, falco;
 * evtx-json with bit 6) and whether a `want` bitmap narrows the fields; the rest is one event
 * line, passed with its exact length and no terminating NUL so that any
 * read past it trips ASan.  When the line parses as a JSON object it is
 * also decoded as an inventory (PS_IMAGE) and as a lone file record.  Every
 * value in the resulting records is walked to check the invariants callers
 * rely on: strings readable for their length, lists and collections
 * readable for theirs, records of the expected schema, err terminated.
 *
 * Build: `make fuzz`; or without libFuzzer, as a replayer of files and
 * corpora (tests/fuzz/replay.h): `make fuzz-replay`.
 */
#include "engine/decode/decode.h"
#include "engine/base/limits.h"
#include "engine/vm/program.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/fuzz/replay.h"

static volatile unsigned sink;

static void touch_record(const pal_record *r, unsigned depth);

static void touch_value(const pal_value *v, unsigned depth)
{
    switch (v->tag) {
    case PV_UNDEF: case PV_BOOL: case PV_INT: case PV_IP:
        break;
    case PV_STR:
        for (uint32_t i = 0; i < v->len; i++) sink += (unsigned char)v->u.s[i];
        break;
    case PV_LIST:
        for (uint32_t i = 0; i < v->len; i++) {
            if (v->u.items[i].tag == PV_LIST || v->u.items[i].tag == PV_RECORDS) abort();  /* lists are flat */
            touch_value(&v->u.items[i], depth);
        }
        break;
    case PV_RECORDS:
        if (depth > PAL_MAX_JSON_DEPTH) abort();
        for (uint32_t i = 0; i < v->len; i++) touch_record(&v->u.recs[i], depth + 1);
        break;
    default:
        abort();   /* the decoder builds no other tag */
    }
}

static void touch_record(const pal_record *r, unsigned depth)
{
    if (!r->schema || !r->slots) abort();
    for (unsigned i = 0; i < r->schema->nfields; i++) touch_value(pal_record_ref(r, i), depth);
}

static void check_err(const char *err, size_t cap)
{
    if (!memchr(err, 0, cap)) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    uint8_t sel = data[0];
    /* bits 0-1: auto, ecs, sysmon, falco; bit 6: evtx-json instead */
    pal_input_format fmt = (sel & 0x40u) ? PAL_INPUT_EVTX : (pal_input_format)(sel & 3u);
    uint8_t want[PAL_FIELDS_BITMAP];   /* a program's bitmap: (nfields + 7) / 8 bytes are read */
    const uint8_t *wantp = NULL;
    if (sel & 4u) {
        for (unsigned i = 0; i < sizeof want; i++) want[i] = (uint8_t)(0x5au ^ (sel * (i + 1)));
        wantp = want;
    }
    size_t len = size - 1;
    char *line = malloc(len ? len : 1);   /* exact size: no NUL after the line */
    if (!line) return 0;
    memcpy(line, data + 1, len);

    pal_arena a;
    pal_arena_init(&a, (sel & 8u) ? 4096u : (64u << 20));
    pal_event ev;
    char err[256];
    memset(err, 'x', sizeof err);
    int rc = pal_event_decode(line, len, fmt, wantp, &a, &ev, err, sizeof err);
    check_err(err, sizeof err);
    if (rc != 0 && rc != -1) abort();
    if (rc == -1 && !err[0]) abort();          /* every failure says why */
    if (rc == 0 && (ev.kind == 0 || (ev.kind & (ev.kind - 1)))) abort();   /* exactly one kind */
    if (ev.rec.slots) touch_record(&ev.rec, 0);
    pal_arena_reset(&a);

    /* the same bytes as an inventory, when they are a JSON object */
    cJSON *root = cJSON_ParseWithLength(line, len);
    if (cJSON_IsObject(root)) {
        static const unsigned schemas[] = {PS_IMAGE, PS_FILE};
        for (unsigned k = 0; k < 2; k++) {
            pal_record rec;
            memset(err, 'x', sizeof err);
            rc = pal_record_from_json(pal_schema_get(schemas[k]), root, (sel & 16u) != 0, &a, &rec, err, sizeof err);
            check_err(err, sizeof err);
            if (rc == 0) touch_record(&rec, 0);
            else if (!err[0]) abort();
            pal_arena_reset(&a);
        }
    }
    cJSON_Delete(root);
    pal_arena_free(&a);
    free(line);
    return 0;
}


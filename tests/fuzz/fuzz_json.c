/*
 * fuzz_json.c — the strict JSON reader (engine/base/json.h), differential
 * against cJSON.
 *
 *  1. Validity both ways through the reader: pal_json_skip and the tape
 *     must agree on the error and its offset.
 *  2. What the reader accepts, cJSON accepts, with the same values (the
 *     tape is turned into a cJSON tree and compared member by member, in
 *     order).  The one exception is cJSON 1.7.15's own: it cuts numbers at
 *     63 characters.
 *  3. What cJSON accepts and the reader refuses must be one of cJSON's
 *     leniencies (control bytes or bad UTF-8 in strings, "01", "+1",
 *     form feeds ...): cJSON's printing of its tree — strict JSON whenever
 *     the strings are UTF-8 — is then accepted by the reader, with the same
 *     values as cJSON reads back.
 */
#include "tests/fuzz/replay.h"
#include "engine/base/json.h"

#include <cJSON.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define DEPTH 1000   /* cJSON's CJSON_NESTING_LIMIT */

static cJSON *to_cjson(const pal_json_tape *t, uint32_t i, bool *long_number)
{
    const pal_json_node *n = &t->nodes[i];
    switch (n->type) {
    case PAL_JSON_NULL: return cJSON_CreateNull();
    case PAL_JSON_TRUE: return cJSON_CreateTrue();
    case PAL_JSON_FALSE: return cJSON_CreateFalse();
    case PAL_JSON_NUMBER: {
        pal_json_num num = pal_json_tape_num(t, i);
        if (num.len >= 64) *long_number = true;
        return cJSON_CreateNumber(pal_json_num_double(&num));
    }
    case PAL_JSON_STRING: {
        pal_json_str s = pal_json_tape_str(t, i);
        char *buf = malloc(s.len + 1);
        pal_json_unescape(&s, buf);
        cJSON *o = cJSON_CreateString(buf);
        free(buf);
        return o;
    }
    case PAL_JSON_ARRAY: {
        cJSON *a = cJSON_CreateArray();
        for (uint32_t k = pal_json_tape_first(t, i); k != PAL_JSON_NIL; k = pal_json_tape_next(t, k))
            cJSON_AddItemToArray(a, to_cjson(t, k, long_number));
        return a;
    }
    case PAL_JSON_OBJECT: {
        cJSON *o = cJSON_CreateObject();
        for (uint32_t k = pal_json_tape_first(t, i); k != PAL_JSON_NIL; k = pal_json_tape_next(t, k)) {
            pal_json_str s = pal_json_tape_str(t, k);
            char *key = malloc(s.len + 1);
            pal_json_unescape(&s, key);
            cJSON_AddItemToObject(o, key, to_cjson(t, k + 1, long_number));
            free(key);
        }
        return o;
    }
    }
    abort();
}

/* Same values, same members in the same order. */
static bool same(const cJSON *a, const cJSON *b)
{
    if (!a || !b) return a == b;
    if ((a->type & 0xff) != (b->type & 0xff)) return false;
    if (a->string || b->string) {
        if (!a->string || !b->string || strcmp(a->string, b->string)) return false;
    }
    if (cJSON_IsNumber(a)) return a->valuedouble == b->valuedouble ||
                                  (isnan(a->valuedouble) && isnan(b->valuedouble));
    if (cJSON_IsString(a)) return !strcmp(a->valuestring, b->valuestring);
    if (cJSON_IsArray(a) || cJSON_IsObject(a)) {
        const cJSON *x = a->child, *y = b->child;
        for (; x && y; x = x->next, y = y->next)
            if (!same(x, y)) return false;
        return !x && !y;
    }
    return true;
}

/* The reader's verdict on text; *tree the values when valid. */
static pal_json_err read_text(const char *text, size_t len, pal_json_tape *t, cJSON **tree,
                              bool *long_number)
{
    pal_json_opts o = {.max_depth = DEPTH};
    pal_json r1, r2;
    pal_json_init(&r1, text, len, &o);
    if (pal_json_skip(&r1)) pal_json_end(&r1);
    size_t p1, p2;
    pal_json_err e1 = pal_json_error(&r1, &p1);
    pal_json_init(&r2, text, len, &o);
    if (pal_json_tape_read(t, &r2)) pal_json_end(&r2);
    pal_json_err e2 = pal_json_error(&r2, &p2);
    if (e1 != e2 || p1 != p2) abort();            /* skip and tape disagree */
    if (e1 == PAL_JSON_OK && p1 != len) abort();
    *tree = e1 == PAL_JSON_OK ? to_cjson(t, 0, long_number) : NULL;
    return e1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = 0;
    pal_json_tape t;
    pal_json_tape_init(&t, 0);
    cJSON *mine = NULL;
    bool long_number = false;
    pal_json_err e = read_text(text, size, &t, &mine, &long_number);
    const char *end = NULL;
    cJSON *theirs = cJSON_ParseWithLengthOpts(text, size + 1, &end, 1);
    if (e == PAL_JSON_OK) {
        if (!theirs && !long_number) abort();      /* strict JSON that cJSON refuses */
        if (theirs && !long_number && !same(mine, theirs)) abort();
    } else if (theirs) {
        char *printed = cJSON_PrintUnformatted(theirs);
        if (printed) {
            cJSON *again = cJSON_Parse(printed), *mine2 = NULL;
            bool ln = false;
            pal_json_err e2 = read_text(printed, strlen(printed), &t, &mine2, &ln);
            /* cJSON passes bytes that are not UTF-8 through, and prints a
               key cut at an escaped NUL: only those may still be refused */
            if (e2 != PAL_JSON_OK && e2 != PAL_JSON_E_UTF8) abort();
            if (e2 == PAL_JSON_OK && again && !same(mine2, again)) abort();
            cJSON_Delete(again);
            cJSON_Delete(mine2);
            free(printed);
        }
    }
    cJSON_Delete(theirs);
    cJSON_Delete(mine);
    pal_json_tape_free(&t);
    free(text);
    return 0;
}

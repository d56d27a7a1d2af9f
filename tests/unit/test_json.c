/*
 * test_json.c — the strict JSON pull reader and tape (engine/base/json.h):
 * what RFC 8259 accepts is read with the right values, what it does not is
 * refused with the right reason at the byte that breaks it.
 */
#include "unit.h"
#include "engine/base/json.h"

#include <math.h>
#include <stdlib.h>

/* Validates text whole (skip + end); the error and its offset. */
static pal_json_err check(const char *text, size_t len, const pal_json_opts *o, size_t *at)
{
    pal_json r;
    pal_json_init(&r, text, len, o);
    if (pal_json_skip(&r)) pal_json_end(&r);
    return pal_json_error(&r, at);
}

#define VALID(t) do { size_t at_; CHECK_INT(check((t), sizeof(t) - 1, NULL, &at_), PAL_JSON_OK); } while (0)
#define INVALID(t, e, pos) do { size_t at_ = 99999; \
    CHECK_INT(check((t), sizeof(t) - 1, NULL, &at_), (e)); CHECK_INT(at_, (pos)); } while (0)

static void test_valid(void)
{
    VALID("0");
    VALID("-0");
    VALID("-12.5e+3");
    VALID("1E-2");
    VALID(" \t\r\n[ 1 , 2 ] \n");
    VALID("[\n                    1,\n\t\t          \t2\r\n                ]");   /* indentation runs */
    VALID("\"\"");
    VALID("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\uD83D\\uDE00\"");
    VALID("\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xEF\xBF\xBF \xF4\x8F\xBF\xBF\"");
    VALID("{\"a\":{\"b\":[true,false,null,{}]},\"a\":[]}");   /* duplicates are valid JSON */
    VALID("\"a long string with no escapes at all, scanned eight bytes at a time\"");
}

static void test_invalid(void)
{
    INVALID("", PAL_JSON_E_EOF, 0);
    INVALID("   ", PAL_JSON_E_EOF, 3);
    INVALID("[1,]", PAL_JSON_E_TOKEN, 3);
    INVALID("{\"a\":1,}", PAL_JSON_E_TOKEN, 7);
    INVALID("[1 2]", PAL_JSON_E_TOKEN, 3);
    INVALID("{\"a\" 1}", PAL_JSON_E_TOKEN, 5);
    INVALID("{1:2}", PAL_JSON_E_TOKEN, 1);
    INVALID("[", PAL_JSON_E_EOF, 1);
    INVALID("{\"a\":", PAL_JSON_E_EOF, 5);
    INVALID("]", PAL_JSON_E_TOKEN, 0);
    /* numbers */
    INVALID("01", PAL_JSON_E_NUMBER, 1);
    INVALID("[1.]", PAL_JSON_E_NUMBER, 3);
    INVALID("1.", PAL_JSON_E_EOF, 2);
    INVALID("-", PAL_JSON_E_EOF, 1);
    INVALID("-a", PAL_JSON_E_NUMBER, 1);
    INVALID("+1", PAL_JSON_E_TOKEN, 0);
    INVALID(".5", PAL_JSON_E_TOKEN, 0);
    INVALID("[1e]", PAL_JSON_E_NUMBER, 3);
    INVALID("1.2.3", PAL_JSON_E_NUMBER, 3);
    INVALID("0x10", PAL_JSON_E_TRAILING, 1);
    /* literals and whitespace */
    INVALID("tru", PAL_JSON_E_EOF, 3);
    INVALID("trux", PAL_JSON_E_TOKEN, 3);
    INVALID("nul1", PAL_JSON_E_TOKEN, 3);
    INVALID("\f1", PAL_JSON_E_TOKEN, 0);          /* form feed is not JSON whitespace */
    INVALID("[\n                    \v1]", PAL_JSON_E_TOKEN, 22);
    INVALID("1 2", PAL_JSON_E_TRAILING, 2);
    INVALID("1\0", PAL_JSON_E_TRAILING, 1);        /* a NUL does not end the text */
    INVALID("\xEF\xBB\xBF{}", PAL_JSON_E_TOKEN, 0);
    /* strings */
    INVALID("\"abc", PAL_JSON_E_EOF, 4);
    INVALID("\"a\x01\"", PAL_JSON_E_CONTROL, 2);
    INVALID("\"a\nb\"", PAL_JSON_E_CONTROL, 2);
    INVALID("\"0123456789\tx\"", PAL_JSON_E_CONTROL, 11);   /* past the 8-byte fast path */
    INVALID("\"\\x\"", PAL_JSON_E_ESCAPE, 2);
    INVALID("\"\\u12G4\"", PAL_JSON_E_ESCAPE, 5);
    INVALID("\"\\u12", PAL_JSON_E_EOF, 5);
    INVALID("\"\\uDC00\"", PAL_JSON_E_SURROGATE, 1);
    INVALID("\"\\uD800\"", PAL_JSON_E_SURROGATE, 7);   /* where the low half should be */
    INVALID("\"\\uD800\\u0041\"", PAL_JSON_E_SURROGATE, 7);
    INVALID("\"\\uD800x\"", PAL_JSON_E_SURROGATE, 7);
    INVALID("\"\\uD800\\", PAL_JSON_E_EOF, 8);
    INVALID("\"\\uD800\\uD", PAL_JSON_E_EOF, 10);
    INVALID("\"\\uD800\\uDx", PAL_JSON_E_ESCAPE, 10);
    INVALID("\"\xC0\xAF\"", PAL_JSON_E_UTF8, 1);         /* overlong '/' */
    INVALID("\"\xE0\x80\x80\"", PAL_JSON_E_UTF8, 2);     /* overlong NUL */
    INVALID("\"\xED\xA0\x80\"", PAL_JSON_E_UTF8, 2);     /* an encoded surrogate */
    INVALID("\"\xF4\x90\x80\x80\"", PAL_JSON_E_UTF8, 2); /* past U+10FFFF */
    INVALID("\"\xE2\x82\"", PAL_JSON_E_UTF8, 3);         /* cut short by the quote */
    INVALID("\"abcdefgh\x80\"", PAL_JSON_E_UTF8, 9);     /* a stray continuation byte */
    INVALID("\"\xFF\"", PAL_JSON_E_UTF8, 1);
    INVALID("{\"k\xC3\":1}", PAL_JSON_E_UTF8, 4);        /* keys too */

    /* the BOM, when asked for */
    pal_json_opts bom = {.allow_bom = true};
    size_t at;
    CHECK_INT(check("\xEF\xBB\xBF{}", 5, &bom, &at), PAL_JSON_OK);
    /* string limit */
    pal_json_opts lim = {.max_string = 3};
    CHECK_INT(check("[\"abc\",\"abcd\"]", 14, &lim, &at), PAL_JSON_E_STRING_LIMIT);
    CHECK_INT(at, 7);
    /* number limit, skipped numbers included */
    pal_json_opts nlim = {.max_number = 4};
    const char *nums = "[1234,-1.5,{\"a\":[1e10]}]", *big = "[1234,{\"a\":[-1e10]}]";
    CHECK_INT(check(nums, strlen(nums), &nlim, &at), PAL_JSON_OK);
    CHECK_INT(check(big, strlen(big), &nlim, &at), PAL_JSON_E_NUMBER_LIMIT);
    CHECK_INT(at, 12);
}

static void test_depth(void)
{
    /* the default limit, and a deep text refused without recursion */
    size_t n = 100000;
    char *deep = malloc(2 * n);
    for (size_t i = 0; i < n; i++) { deep[i] = '['; deep[2 * n - 1 - i] = ']'; }
    size_t at;
    CHECK_INT(check(deep + n - 64, 128, NULL, &at), PAL_JSON_OK);
    CHECK_INT(check(deep + n - 65, 130, NULL, &at), PAL_JSON_E_DEPTH);
    CHECK_INT(at, 64);
    pal_json_opts o = {.max_depth = 1000};
    CHECK_INT(check(deep + n - 1000, 2000, &o, &at), PAL_JSON_OK);
    CHECK_INT(check(deep, 2 * n, &o, &at), PAL_JSON_E_DEPTH);
    CHECK_INT(at, 1000);
    o.max_depth = 5000000;                          /* capped */
    CHECK_INT(check(deep, 2 * n, &o, &at), PAL_JSON_E_DEPTH);
    CHECK_INT(at, PAL_JSON_DEPTH_CAP);
    free(deep);
}

static void test_pull(void)
{
    const char *text = "{\"id\": \"CVE-1\", \"n\": -42, \"big\": 1e400, \"f\": 2.5, \"ok\": true,\n"
                       " \"nothing\": null, \"list\": [1, \"two\", [3]], \"esc\\u0061pe\": \"a\\n\\u00e9\\ud83d\\ude00\\/\"}";
    pal_json r;
    pal_json_init(&r, text, strlen(text), NULL);
    CHECK_INT(pal_json_peek(&r), PAL_JSON_OBJECT);
    CHECK(!pal_json_string(&r, NULL));               /* not a string: nothing consumed */
    CHECK(pal_json_enter(&r));
    pal_json_str key, s;
    pal_json_num num;
    int seen = 0;
    while (pal_json_next(&r, &key)) {
        if (pal_json_str_is(&key, "id")) {
            CHECK(!pal_json_number(&r, &num));
            CHECK(pal_json_string(&r, &s));
            CHECK(!s.escaped && s.len == 5 && !memcmp(s.raw, "CVE-1", 5));
            seen |= 1;
        } else if (pal_json_str_is(&key, "n")) {
            int64_t v = 0;
            CHECK(pal_json_number(&r, &num) && num.integer && pal_json_num_int64(&num, &v));
            CHECK_INT(v, -42);
            seen |= 2;
        } else if (pal_json_str_is(&key, "big")) {
            CHECK(pal_json_number(&r, &num) && !num.integer && isinf(pal_json_num_double(&num)));
            seen |= 4;
        } else if (pal_json_str_is(&key, "f")) {
            CHECK(pal_json_number(&r, &num) && pal_json_num_double(&num) == 2.5);
            seen |= 8;
        } else if (pal_json_str_is(&key, "ok")) {
            bool b = false;
            CHECK(pal_json_bool(&r, &b) && b);
            seen |= 16;
        } else if (pal_json_str_is(&key, "nothing")) {
            CHECK(pal_json_null(&r));
            seen |= 32;
        } else if (pal_json_str_is(&key, "list")) {
            CHECK(pal_json_enter(&r));
            CHECK(pal_json_next(&r, NULL) && pal_json_skip(&r));
            CHECK(pal_json_leave(&r));                /* the rest of the list */
            seen |= 64;
        } else if (pal_json_str_is(&key, "escape")) {   /* an escaped key */
            CHECK(key.escaped);
            CHECK(pal_json_string(&r, &s) && s.escaped);
            char buf[64];
            size_t n = pal_json_unescape(&s, buf);
            CHECK_INT(n, 9);
            CHECK_STR(buf, "a\n\xC3\xA9\xF0\x9F\x98\x80/");
            CHECK(pal_json_str_is(&s, "a\n\xC3\xA9\xF0\x9F\x98\x80/"));
            CHECK(!pal_json_str_is(&s, "a\n\xC3\xA9"));
            seen |= 128;
        } else {
            CHECK(pal_json_skip(&r));
        }
    }
    CHECK_INT(seen, 255);
    CHECK(pal_json_end(&r));
    CHECK_INT(pal_json_error(&r, NULL), PAL_JSON_OK);

    /* \u0000 is kept: the length says where the string ends */
    pal_json_init(&r, "\"a\\u0000b\"", 10, NULL);
    CHECK(pal_json_string(&r, &s));
    char buf[16];
    CHECK_INT(pal_json_unescape(&s, buf), 3);
    CHECK(buf[1] == 0 && buf[2] == 'b');

    /* int64 edges */
    const char *ints[] = {"9223372036854775807", "-9223372036854775808", "9223372036854775808", "1.0", "-0"};
    bool fits[] = {true, true, false, false, true};
    for (int i = 0; i < 5; i++) {
        pal_json_init(&r, ints[i], strlen(ints[i]), NULL);
        int64_t v;
        CHECK(pal_json_number(&r, &num));
        CHECK_INT(pal_json_num_int64(&num, &v), fits[i]);
    }

    /* out of order: a value left unread is an error, not a silent skip */
    pal_json_init(&r, "[1,2]", 5, NULL);
    CHECK(pal_json_enter(&r) && pal_json_next(&r, NULL));
    CHECK(!pal_json_next(&r, NULL));
    size_t at;
    CHECK_INT(pal_json_error(&r, &at), PAL_JSON_E_USAGE);
    /* and a later call fails too */
    CHECK(!pal_json_skip(&r));

    /* positions */
    unsigned line, col;
    const char *t = "{\n  \"a\": [1,\n   x]}";
    CHECK_INT(check(t, strlen(t), NULL, &at), PAL_JSON_E_TOKEN);
    pal_json_position(t, strlen(t), at, &line, &col);
    CHECK_INT(line, 3);
    CHECK_INT(col, 4);
    CHECK_STR(pal_json_strerror(PAL_JSON_E_CONTROL), "a raw control character in a string (escape it)");
}

static void test_tape(void)
{
    const char *text = "{\"a\": 1, \"list\": [10, {\"x\": \"y\"}, [], \"s\"], \"a\": 2, \"k\\u0065y\": \"v\", \"o\": {}}";
    pal_json r;
    pal_json_init(&r, text, strlen(text), NULL);
    pal_json_tape t;
    pal_json_tape_init(&t, 0);
    CHECK(pal_json_tape_read(&t, &r) && pal_json_end(&r));
    CHECK_INT(pal_json_tape_type(&t, 0), PAL_JSON_OBJECT);
    CHECK_INT(t.nodes[0].len, 5);
    uint32_t a = pal_json_tape_get(&t, 0, "a");       /* the first of two */
    pal_json_num n = pal_json_tape_num(&t, a);
    CHECK(n.len == 1 && n.raw[0] == '1' && n.integer);
    uint32_t list = pal_json_tape_get(&t, 0, "list");
    CHECK_INT(pal_json_tape_type(&t, list), PAL_JSON_ARRAY);
    CHECK_INT(t.nodes[list].len, 4);
    int types[4], k = 0;
    for (uint32_t i = pal_json_tape_first(&t, list); i != PAL_JSON_NIL && k < 4; i = pal_json_tape_next(&t, i))
        types[k++] = pal_json_tape_type(&t, i);
    CHECK_INT(k, 4);
    CHECK(types[0] == PAL_JSON_NUMBER && types[1] == PAL_JSON_OBJECT && types[2] == PAL_JSON_ARRAY &&
          types[3] == PAL_JSON_STRING);
    uint32_t obj = pal_json_tape_next(&t, pal_json_tape_first(&t, list));
    pal_json_str s = pal_json_tape_str(&t, pal_json_tape_get(&t, obj, "x"));
    CHECK(s.len == 1 && s.raw[0] == 'y');
    CHECK(pal_json_tape_get(&t, 0, "key") != PAL_JSON_NIL);    /* an escaped key */
    CHECK(pal_json_tape_get(&t, 0, "nope") == PAL_JSON_NIL);
    CHECK(pal_json_tape_get(&t, list, "a") == PAL_JSON_NIL);   /* not an object */
    CHECK(pal_json_tape_first(&t, pal_json_tape_get(&t, 0, "o")) == PAL_JSON_NIL);
    /* the tape is reused; a scalar root */
    pal_json_init(&r, "\"only\"", 6, NULL);
    CHECK(pal_json_tape_read(&t, &r) && pal_json_end(&r));
    CHECK_INT(t.n, 1);
    CHECK_INT(pal_json_tape_type(&t, 0), PAL_JSON_STRING);
    /* an error in the middle stops it with the reader's error */
    pal_json_init(&r, "[1, {\"a\": tru}]", 15, NULL);
    CHECK(!pal_json_tape_read(&t, &r));
    size_t at;
    CHECK_INT(pal_json_error(&r, &at), PAL_JSON_E_TOKEN);
    CHECK_INT(at, 13);
    /* max_nodes */
    pal_json_tape_free(&t);
    pal_json_tape_init(&t, 3);
    pal_json_init(&r, "[1,2,3]", 7, NULL);
    CHECK(!pal_json_tape_read(&t, &r));
    CHECK_INT(pal_json_error(&r, NULL), PAL_JSON_E_NOMEM);
    pal_json_tape_free(&t);
}

int main(void)
{
    test_valid();
    test_invalid();
    test_depth();
    test_pull();
    test_tape();
    return unit_result("test_json");
}

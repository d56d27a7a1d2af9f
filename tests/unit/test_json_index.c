/*
 * test_json_index.c — the indexed reader (engine/base/json_index.h) against
 * the strict pull reader (engine/base/json.h) it must equal.
 *
 * Each text is walked by both readers (tests/fuzz/jx_diff.h), every value
 * and key written out as it is read.  Two rules, on every text:
 *   - when the indexed reader accepts a text, the pull reader accepts it
 *     too, with the same walk;
 *   - when the pull reader accepts a plain text (printable ASCII, at most
 *     PAL_JX_MAX_TEXT bytes), so does the indexed reader: it is a fast path
 *     only if it is taken.
 * The texts: every line of the suite's JSON, shell, language-case and
 * policy files and of the JSON and decoder fuzz corpora, the decoder
 * differential's generated lines (tests/fuzz/decode_diff.h), hand-written
 * edge cases, and many mutations of all of them in the plain alphabet
 * (structural bytes, quotes, backslash runs, digits, letters of the
 * literals and escapes), so both verdicts are reached often.
 *
 * Run from the repository root (make test does).
 */
#include "unit.h"
#include "tests/fuzz/jx_diff.h"
#include "tests/fuzz/decode_diff.h"

#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>

static unsigned long TEXTS, JX_OK, JSON_OK, PLAIN, DIFFS;

static void show(const char *what, const char *s, size_t n)
{
    fprintf(stderr, "%s (%zu bytes): ", what, n);
    for (size_t i = 0; i < n && i < 300; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7f) fputc(c, stderr);
        else fprintf(stderr, "\\x%02x", c);
    }
    fputc('\n', stderr);
}

static void compare(const char *text, size_t len)
{
    TEXTS++;
    jxd_result r = jxd_check(text, len);
    JX_OK += r.jx_ok;
    JSON_OK += r.json_ok;
    PLAIN += r.plain;
    if (r.broken) {
        if (DIFFS < 10) {
            fprintf(stderr, "%s\n", r.broken);
            show("  text", text, len);
        }
        DIFFS++;
    }
}

/* ---- mutations in the plain alphabet ---- */

static uint64_t RNG = 0x2545F4914F6CDD1Dull;
static unsigned rnd(unsigned n)
{
    RNG ^= RNG << 13;
    RNG ^= RNG >> 7;
    RNG ^= RNG << 17;
    return (unsigned)(RNG % n);
}

static const char ALPHABET[] = "{}[]:,\"\"\"\\\\\\ 0123456789-+.eEtrufalsnbu/DdCc";

static void mutate_and_compare(const char *text, size_t len, unsigned count)
{
    char buf[PAL_JX_MAX_TEXT + 64];
    if (len > PAL_JX_MAX_TEXT) return;
    for (unsigned m = 0; m < count; m++) {
        memcpy(buf, text, len);
        size_t n = len;
        unsigned edits = 1 + rnd(3);
        for (unsigned e = 0; e < edits; e++) {
            unsigned op = rnd(4);
            size_t at = n ? rnd((unsigned)n + 1) : 0;
            char c = ALPHABET[rnd(sizeof ALPHABET - 1)];
            if (op == 0 && at < n) buf[at] = c;                      /* replace */
            else if (op == 1 && at < n) {                            /* delete */
                memmove(buf + at, buf + at + 1, n - at - 1);
                n--;
            } else if (n < PAL_JX_MAX_TEXT + 60) {                  /* insert */
                memmove(buf + at + 1, buf + at, n - at);
                buf[at] = c;
                n++;
            }
        }
        compare(buf, n);
    }
}

static void both(const char *text, size_t len, unsigned mutations)
{
    compare(text, len);
    mutate_and_compare(text, len, mutations);
}

/* ---- the suite's texts ---- */

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || st.st_size > (8 << 20)) {
        fclose(f);
        return NULL;
    }
    char *buf = malloc((size_t)st.st_size + 1);
    size_t n = buf ? fread(buf, 1, (size_t)st.st_size, f) : 0;
    fclose(f);
    if (buf) *len = n;
    return buf;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcmp(s + n - m, suffix);
}

/* Each line, and the text from a line's first '{' to its last '}'. */
static void sweep_lines(const char *text, size_t len, unsigned mutations)
{
    for (size_t i = 0; i < len;) {
        size_t j = i;
        while (j < len && text[j] != '\n') j++;
        const char *l = text + i, *open = memchr(l, '{', j - i);
        both(l, j - i, mutations);
        if (open) {
            const char *close = l + (j - i);
            while (close > open && close[-1] != '}') close--;
            if (close > open && (open != l || close != l + (j - i))) both(open, (size_t)(close - open), mutations);
        }
        i = j + 1;
    }
}

static void sweep_dir(const char *dir, const char *const *exts, bool whole, unsigned mutations)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.') continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        struct stat st;
        if (stat(path, &st) != 0) continue;
        if (S_ISDIR(st.st_mode)) {
            sweep_dir(path, exts, whole, mutations);
            continue;
        }
        bool take = !exts;
        for (unsigned i = 0; exts && exts[i]; i++) take |= ends_with(path, exts[i]);
        if (!take) continue;
        size_t len;
        char *text = read_all(path, &len);
        if (!text) continue;
        if (whole) both(text, len, mutations);
        sweep_lines(text, len, mutations);
        free(text);
    }
    closedir(d);
}

static void edge_cases(void)
{
    static const char *const cases[] = {
        "{}", "[]", "{ }", " { } ", "[ ]", "{\"a\":1}", "{\"a\":1,}", "{,\"a\":1}", "[1,]", "[,1]", "[1 2]",
        "{\"a\" 1}", "{\"a\":1 \"b\":2}", "{\"a\":1x}", "{\"a\" x:1}", "{\"a\":tru}", "{\"a\":truex}",
        "{\"a\":nul}", "{\"a\":null}", "{\"a\":false}", "{\"a\":fals}", "{\"a\":01}", "{\"a\":-0}", "{\"a\":-}",
        "{\"a\":1.}", "{\"a\":.5}", "{\"a\":1e}", "{\"a\":1e+}", "{\"a\":1E-5}", "{\"a\":1.5e10}", "{\"a\":1.2.3}",
        "{\"a\":+1}", "{\"a\":1-}", "{\"a\":-01}", "{} x", "{}{}", "{}}", "{{}}", "{\"a\":{}}}", "\"s\"", "1",
        "true", "null", "[[]", "[]]", "{\"a}b{\":\"c,d]\"}", "{\"\":\"\"}", "{\"a\":\"\\\"\"}", "{\"a\":\"\\\\\"}",
        "{\"a\":\"\\\\\\\"\"}", "{\"a\":\"\\\"}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u00e9\"}", "{\"a\":\"\\u00e\"}",
        "{\"a\":\"\\ud83d\\ude00\"}", "{\"a\":\"\\ud83d\"}", "{\"a\":\"\\ude00\"}", "{\"a\":\"\\ud83dx\\ude00\"}",
        "{\"a\\\"b\":1}", "{\"a\\\\\":1}", "{\\\"a\":1}", "{\"a\":1}\\", "{\"a\":\"b\"c}", "{\"a\":\"b\"\"c\"}",
        "{\"a\":[\"b\",{\"c\":[1,2,{\"d\":null}]}],\"e\":true}", "{\"a\":\"unterminated}", "{\"a\"",
        "{\"a\":", "{\"a\":1", "[1,2", "{\"a\":[1,2}", "{\"a\":{\"b\":1]}",
        "{\"n\":123456789012345678901234567890123456789012345678901234567890123}",
        "{\"n\":1234567890123456789012345678901234567890123456789012345678901234}",
    };
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) both(cases[i], strlen(cases[i]), 50);
    /* nesting at and past the limit */
    char deep[2 * JXD_DEPTH + 8];
    for (unsigned d = JXD_DEPTH - 1; d <= JXD_DEPTH + 1; d++) {
        size_t n = 0;
        for (unsigned k = 0; k < d; k++) deep[n++] = '[';
        for (unsigned k = 0; k < d; k++) deep[n++] = ']';
        compare(deep, n);
    }
    /* backslash runs across a 64-byte boundary, before a quote */
    for (unsigned pre = 50; pre < 70; pre++)
        for (unsigned run = 0; run < 5; run++) {
            char buf[128];
            size_t n = 0;
            n += (size_t)snprintf(buf, sizeof buf, "{\"k\":\"");
            while (n < pre) buf[n++] = 'x';
            for (unsigned k = 0; k < run; k++) buf[n++] = '\\';
            n += (size_t)snprintf(buf + n, sizeof buf - n, "\"}\"}");
            compare(buf, n);
            compare(buf, n - 2);
        }
    /* a text at the index's limit and one past it */
    static char big[PAL_JX_MAX_TEXT + 2];
    for (size_t len = PAL_JX_MAX_TEXT; len <= PAL_JX_MAX_TEXT + 1; len++) {
        memset(big, ' ', len);
        memcpy(big, "{\"a\":\"", 6);
        memset(big + 6, 'y', len - 8);
        memcpy(big + len - 2, "\"}", 2);
        compare(big, len);
    }
}

/* Containers nested past 64 levels (up to PAL_JX_MAX_DEPTH, as a caller
   may allow): the reader keeps which open container is an object in a
   bitmap of two words, depths 0..63 and 64..127.  Objects and arrays alternate in a
   pattern, so a closing bracket checked against the wrong word or bit is
   refused where it should be accepted, or the other way; each text is
   also broken by one swapped closer at several depths.  The pull reader
   with the same limit gives the verdict. */
static bool deep_jx(const char *text, size_t len, uint32_t max_depth, bool by_skip)
{
    static pal_jx_index ix;
    if (!pal_jx_build(&ix, text, len)) return false;
    pal_jx r;
    pal_jx_init(&r, &ix, text, len, max_depth, 0);
    if (by_skip) return pal_jx_skip(&r) && pal_jx_end(&r);
    /* step by step: enter every container, then close them all */
    while (pal_jx_enter(&r)) {
        pal_json_str key;
        if (!pal_jx_next(&r, &key)) return false;
    }
    if (r.err || pal_jx_peek(&r) != PAL_JSON_NUMBER || !pal_jx_number(&r, NULL)) return false;
    while (r.depth)
        if (pal_jx_next(&r, NULL) || r.err) return false;
    return pal_jx_end(&r);
}

static bool deep_json(const char *text, size_t len, uint32_t max_depth)
{
    pal_json_opts o = {.max_depth = max_depth};
    pal_json r;
    pal_json_init(&r, text, len, &o);
    return pal_json_skip(&r) && pal_json_end(&r);
}

static void deep_nesting(void)
{
    static char buf[8 * PAL_JX_MAX_DEPTH + 64];
    unsigned checked = 0, accepted = 0;
    for (unsigned depth = 60; depth <= PAL_JX_MAX_DEPTH + 1; depth++)
        for (unsigned pattern = 0; pattern < 3; pattern++)
            for (unsigned swap = 0; swap <= depth; swap += swap < 2 ? 1 : 31) {
                /* level k is an object when (k + pattern) % 3 == 0; swap (from 1): level swap-1's closer is wrong */
                size_t n = 0;
                for (unsigned k = 0; k < depth; k++) {
                    if ((k + pattern) % 3 == 0) { memcpy(buf + n, "{\"k\":", 5); n += 5; }
                    else buf[n++] = '[';
                }
                buf[n++] = '7';
                for (unsigned k = depth; k-- > 0;) {
                    bool obj = (k + pattern) % 3 == 0;
                    if (swap && k == swap - 1) obj = !obj;
                    buf[n++] = obj ? '}' : ']';
                }
                for (unsigned skip = 0; skip < 2; skip++) {
                    bool jx = deep_jx(buf, n, PAL_JX_MAX_DEPTH, skip), json = deep_json(buf, n, PAL_JX_MAX_DEPTH);
                    checked++;
                    accepted += jx;
                    if (jx != json) {
                        fprintf(stderr, "deep nesting %u, pattern %u, swapped closer %u, %s: indexed %d, pull %d\n",
                                depth, pattern, swap, skip ? "skip" : "walk", jx, json);
                        DIFFS++;
                    }
                    CHECK(jx == (depth <= PAL_JX_MAX_DEPTH && !swap));
                }
            }
    CHECK(checked > 1000);
    CHECK(accepted > 100);
}

int main(int argc, char **argv)
{
    deep_nesting();
    unsigned long generated = argc > 1 ? strtoul(argv[1], NULL, 10) : 20000;
    edge_cases();
    static const char *const exts[] = {".jsonl", ".json", ".t", ".sh", NULL};
    sweep_dir("tests/e2e", exts, true, 3);
    sweep_dir("tests/lang", exts, false, 3);
    sweep_dir("examples", exts, true, 3);
    sweep_dir("tests/fuzz/corpus/fuzz_json", NULL, true, 3);
    sweep_dir("tests/fuzz/corpus/fuzz_decode", NULL, true, 3);
    sweep_dir("tests/fuzz/corpus/fuzz_decode_diff", NULL, true, 3);
    sweep_dir("tests/fuzz/corpus/fuzz_json_index", NULL, true, 50);
    unsigned long suite = TEXTS;
    dd_gen g = {0x9e3779b97f4a7c15ull, NULL, 0, 0};
    for (unsigned long i = 0; i < generated; i++) {
        dd_gen_line(&g);
        both(g.s, g.len, 2);
    }
    free(g.s);
    printf("test_json_index: %lu texts (%lu from the suite and its mutations), %lu plain; the indexed reader "
           "accepted %lu, the pull reader %lu; %lu disagreements\n",
           TEXTS, suite, PLAIN, JX_OK, JSON_OK, DIFFS);
    CHECK_INT(DIFFS, 0);
    CHECK(JX_OK > 10000);            /* both verdicts are reached often */
    CHECK(JSON_OK - JX_OK > 1000);
    CHECK(TEXTS - JSON_OK > 10000);
    return unit_result("test_json_index");
}

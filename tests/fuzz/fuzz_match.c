/*
 * fuzz_match.c — libFuzzer target for engine/core/match.c.
 *
 * Input: one flags byte, then "pattern \0 subject".  Beyond "no crash, no
 * sanitizer report", it asserts properties every caller relies on:
 *  - a glob without metacharacters matches exactly what pal_path_eq says;
 *  - "*" alone and "**" match every subject that holds no separator / any;
 *  - Windows path equality agrees with comparing pal_path_fold() forms;
 *  - IP text from pal_ip_format() parses back to the same address;
 *  - an accepted CIDR contains its own network address;
 *  - an accepted port range has 0 <= lo <= hi <= 65535.
 *  - for short inputs, the glob answer equals a dynamic-programming oracle
 *    (table over pattern x subject positions, the textbook definition).
 * A violation abort()s so libFuzzer keeps the input.
 */
#include "engine/core/match.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "tests/fuzz/replay.h"

#define ORACLE_MAX 64

static bool o_sep(unsigned char c, bool windows) { return c == '/' || (windows && c == '\\'); }
static unsigned char o_fold(unsigned char c, bool windows)
{
    if (!windows) return c;
    if (c == '/') return '\\';
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

/* ok[i][j]: pattern[i..] matches subject[j..].  A star belongs to a run;
   a run of two or more (or any star without path semantics) crosses
   separators. */
static bool glob_oracle(const char *p, size_t pl, const char *s, size_t sl, bool path, bool windows)
{
    static bool ok[ORACLE_MAX + 2][ORACLE_MAX + 2];
    for (size_t i = pl + 1; i-- > 0;) {
        for (size_t j = sl + 1; j-- > 0;) {
            bool r;
            if (i == pl) {
                r = j == sl;
            } else if (p[i] == '*') {
                size_t e = i;
                while (e < pl && p[e] == '*') e++;
                size_t st = i;
                while (st > 0 && p[st - 1] == '*') st--;
                bool crosses = !path || e - st >= 2;
                r = ok[i + 1][j] ||
                    (j < sl && (crosses || !o_sep((unsigned char)s[j], windows)) && ok[i][j + 1]);
            } else if (j == sl) {
                r = false;
            } else if (p[i] == '?') {
                r = !(path && o_sep((unsigned char)s[j], windows)) && ok[i + 1][j + 1];
            } else {
                r = o_fold((unsigned char)p[i], windows) == o_fold((unsigned char)s[j], windows) &&
                    ok[i + 1][j + 1];
            }
            ok[i][j] = r;
        }
    }
    return ok[0][0];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t flags = data[0];
    const char *rest = (const char *)data + 1;
    size_t rlen = size - 1;
    const char *nul = memchr(rest, 0, rlen);
    const char *pat = rest, *s = nul ? nul + 1 : rest;
    size_t plen = nul ? (size_t)(nul - rest) : rlen;
    size_t slen = nul ? rlen - plen - 1 : rlen;
    bool path = flags & 1, windows = flags & 2;

    /* globs */
    bool m = pal_glob_match(pat, plen, s, slen, path, windows);
    if (plen <= ORACLE_MAX && slen <= ORACLE_MAX && m != glob_oracle(pat, plen, s, slen, path, windows))
        abort();
    if (!pal_glob_has_meta(pat, plen) && m != pal_path_eq(pat, plen, s, slen, windows))
        abort();
    if (!pal_glob_match("**", 2, s, slen, path, windows))
        abort();
    if (!path && !pal_glob_match("*", 1, s, slen, path, windows))
        abort();
    if (plen > 0 && m) {
        /* appending "**" to a matching pattern keeps it matching */
        char *p2 = malloc(plen + 2);
        memcpy(p2, pat, plen);
        p2[plen] = p2[plen + 1] = '*';
        if (!pal_glob_match(p2, plen + 2, s, slen, path, windows))
            abort();
        free(p2);
    }

    /* Windows paths: equality is equality of folded forms */
    if (plen <= 4096 && slen <= 4096) {
        char fa[4096], fb[4096];
        size_t na = pal_path_fold(pat, plen, fa, sizeof fa);
        size_t nb = pal_path_fold(s, slen, fb, sizeof fb);
        bool eq = na == nb && memcmp(fa, fb, na) == 0;
        if (eq != pal_path_eq(pat, plen, s, slen, true))
            abort();
    }

    /* DNS */
    pal_dns_pattern_error(pat, plen);
    bool d = pal_dns_match(pat, plen, s, slen);
    if (plen == slen && plen > 0 && memcmp(pat, s, plen) == 0 && pat[0] != '*' && !d)
        abort();                      /* a name matches itself */

    /* IPs */
    uint8_t ip[16], back[16];
    bool v6, bv6;
    if (pal_ip_parse(s, slen, ip, &v6)) {
        char text[64];
        size_t n = pal_ip_format(ip, v6, text, sizeof text);
        if (n >= sizeof text || !pal_ip_parse(text, n, back, &bv6) || bv6 != v6 ||
            memcmp(ip, back, v6 ? 16 : 4) != 0)
            abort();
    }
    unsigned prefix;
    const char *err;
    if (pal_cidr_parse(s, slen, ip, &v6, &prefix, &err)) {
        if (prefix > (v6 ? 128u : 32u) || !pal_cidr_contains(ip, v6, prefix, ip, v6))
            abort();
    } else if (!err || !*err) {
        abort();                      /* a rejection always says why */
    }

    /* ports */
    int64_t lo, hi;
    if (pal_port_range_parse(s, slen, &lo, &hi, &err)) {
        if (lo < 0 || lo > hi || hi > 65535)
            abort();
    } else if (!err || !*err) {
        abort();
    }
    return 0;
}

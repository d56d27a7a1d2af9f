/*
 * match.c — the matching primitives behind match.h.
 *
 * Design. Every function here runs on untrusted text (policy constants,
 * event fields, feed lines), so each one is a single bounded pass that
 * allocates nothing and never recurses:
 *
 *  - Globs.  Without path semantics '*' and '**' are the same thing and the
 *    classic "remember the last star" matcher is exact and runs in
 *    O(len(pattern) * len(s)) with no memory.  With path semantics a star
 *    may not cross a separator while '**' may, and the last-star trick is no
 *    longer exact (a later single star cannot absorb a separator that an
 *    earlier '**' should have), so the pattern is run as an NFA instead:
 *    one state per pattern byte, kept in two bitsets on the stack, advanced
 *    once per subject byte.  That is the same O(p * s) bound with no
 *    backtracking at all, whatever the pattern (`a*a*a*a*b` cannot blow up).
 *  - Domain names compare without ASCII case and with one trailing dot
 *    ignored; "*.suffix" needs at least one whole label before the suffix,
 *    so "badexample.com" never matches "*.example.com".
 *  - IP addresses are parsed by hand, strictly: no leading zeros in IPv4
 *    octets (inet_aton reads "010" as octal 8, a classic allow-list bypass),
 *    no zone ids, no surrounding blanks.  IPv4-mapped IPv6 becomes IPv4 so a
 *    rule on 1.1.1.1 also catches ::ffff:1.1.1.1.
 *  - Error strings are static, except the two that suggest a fix (CIDR host
 *    bits, reversed port ranges): those are written to a thread-local buffer
 *    that stays valid until the next call from the same thread.
 */
#include "engine/core/match.h"
#include "engine/base/limits.h"

#include <stdio.h>
#include <string.h>

/* Longest glob pattern matched with path semantics: the NFA keeps two
   bitsets of (pattern length + 1) bits on the stack (16 KiB at this size).
   It equals the longest string literal the compiler accepts, so only text
   that never came from policy source (a feed line) can exceed it; such a
   pattern matches nothing. */
#define PAL_GLOB_MAX_NFA_PATTERN PAL_MAX_STRING_BYTES

/* Room for the suggestion messages (an IPv6 CIDR plus the sentence). */
#define MATCH_ERRBUF 160

static _Thread_local char match_errbuf[MATCH_ERRBUF];

/* memchr that accepts (NULL, 0): callers may pass an empty value that has
   no storage behind it. */
static inline bool has_byte(const char *s, size_t len, char c)
{
    return len > 0 && memchr(s, c, len) != NULL;
}

static inline unsigned char lower_ascii(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

/* ---------------------------------------------------------------- paths */

/* One byte of a Windows path in canonical form. */
static inline unsigned char win_fold(unsigned char c)
{
    return c == '/' ? '\\' : lower_ascii(c);
}

/* One byte as the fold mode compares it. */
static inline unsigned char fold_byte(unsigned char c, unsigned fold)
{
    return fold == PAL_FOLD_PATH ? win_fold(c) : fold == PAL_FOLD_CASE ? lower_ascii(c) : c;
}

bool pal_path_eq(const char *a, size_t alen, const char *b, size_t blen, unsigned fold)
{
    if (alen != blen)
        return false;
    if (fold == PAL_FOLD_NONE)
        return alen == 0 || memcmp(a, b, alen) == 0;
    for (size_t i = 0; i < alen; i++)
        if (fold_byte((unsigned char)a[i], fold) != fold_byte((unsigned char)b[i], fold))
            return false;
    return true;
}

size_t pal_path_fold(const char *s, size_t len, char *out, size_t cap)
{
    if (len > cap)
        return (size_t)-1;
    for (size_t i = 0; i < len; i++)
        out[i] = (char)win_fold((unsigned char)s[i]);
    return len;
}

/* ---------------------------------------------------------------- globs */

static inline bool glob_char_eq(unsigned char p, unsigned char c, unsigned fold)
{
    return fold == PAL_FOLD_NONE ? p == c : fold_byte(p, fold) == fold_byte(c, fold);
}

/* '\\' separates only in Windows paths (PAL_FOLD_PATH). */
static inline bool is_sep(unsigned char c, unsigned fold)
{
    return c == '/' || (fold == PAL_FOLD_PATH && c == '\\');
}

bool pal_glob_has_meta(const char *pat, size_t plen)
{
    return has_byte(pat, plen, '*') || has_byte(pat, plen, '?');
}

/* Without path semantics: greedy matching that remembers only the last
   star.  Exact here because a later star can absorb anything an earlier
   one could; each retry moves the star's start one byte right, hence at
   most len(s) retries of at most len(pat) steps. */
static bool glob_flat(const unsigned char *p, size_t plen,
                      const unsigned char *s, size_t slen, unsigned fold)
{
    size_t pi = 0, si = 0;
    size_t star_p = (size_t)-1, star_s = 0;

    while (si < slen) {
        if (pi < plen && p[pi] == '*') {
            while (pi < plen && p[pi] == '*')
                pi++;
            if (pi == plen)
                return true;             /* trailing star eats the rest */
            star_p = pi;
            star_s = si;
        } else if (pi < plen && (p[pi] == '?' || glob_char_eq(p[pi], s[si], fold))) {
            pi++;
            si++;
        } else if (star_p != (size_t)-1) {
            pi = star_p;
            si = ++star_s;
        } else {
            return false;
        }
    }
    while (pi < plen && p[pi] == '*')
        pi++;
    return pi == plen;
}

#define NFA_WORDS ((PAL_GLOB_MAX_NFA_PATTERN + 1 + 63) / 64)

static inline void bit_set(uint64_t *set, size_t i) { set[i >> 6] |= (uint64_t)1 << (i & 63); }

/* Adds the states reachable by letting stars match nothing.  A star at
   state q lets q+1 be active too; q+1 may itself be a star (a run "**"),
   so bits set in the current word are fed back into the scan. */
static void nfa_close(uint64_t *set, size_t nwords, const unsigned char *p, size_t plen)
{
    for (size_t k = 0; k < nwords; k++) {
        uint64_t w = set[k];
        while (w) {
            unsigned b = (unsigned)__builtin_ctzll(w);
            w &= w - 1;
            size_t q = (k << 6) + b;
            if (q < plen && p[q] == '*') {
                bit_set(set, q + 1);
                if (b < 63)
                    w |= (uint64_t)1 << (b + 1);
            }
        }
    }
}

/* With path semantics.  State q means "pattern bytes [0, q) matched what
   has been read"; state plen accepts.  A star that is part of a run of two
   or more is '**' and crosses separators; a lone star and '?' do not. */
static bool glob_path(const unsigned char *p, size_t plen,
                      const unsigned char *s, size_t slen, unsigned fold)
{
    if (plen > PAL_GLOB_MAX_NFA_PATTERN)
        return false;
    uint64_t cur[NFA_WORDS], next[NFA_WORDS];
    size_t nwords = (plen + 1 + 63) / 64;
    memset(cur, 0, nwords * sizeof cur[0]);
    bit_set(cur, 0);
    nfa_close(cur, nwords, p, plen);

    for (size_t si = 0; si < slen; si++) {
        unsigned char c = s[si];
        bool sep = is_sep(c, fold);
        bool any = false;
        memset(next, 0, nwords * sizeof next[0]);
        for (size_t k = 0; k < nwords; k++) {
            uint64_t w = cur[k];
            while (w) {
                unsigned b = (unsigned)__builtin_ctzll(w);
                w &= w - 1;
                size_t q = (k << 6) + b;
                if (q >= plen)
                    continue;            /* the accepting state has no moves */
                unsigned char pc = p[q];
                if (pc == '*') {
                    bool dbl = (q > 0 && p[q - 1] == '*') || (q + 1 < plen && p[q + 1] == '*');
                    if (dbl || !sep) { bit_set(next, q); any = true; }
                } else if (pc == '?') {
                    if (!sep) { bit_set(next, q + 1); any = true; }
                } else if (glob_char_eq(pc, c, fold)) {
                    bit_set(next, q + 1);
                    any = true;
                }
            }
        }
        if (!any)
            return false;                /* no live state: nothing can match */
        nfa_close(next, nwords, p, plen);
        memcpy(cur, next, nwords * sizeof cur[0]);
    }
    return (cur[plen >> 6] >> (plen & 63)) & 1;
}

bool pal_glob_match(const char *pat, size_t plen, const char *s, size_t slen,
                    bool path, unsigned fold)
{
    const unsigned char *p = (const unsigned char *)pat, *u = (const unsigned char *)s;
    if (path && has_byte(pat, plen, '*'))
        return glob_path(p, plen, u, slen, fold);
    /* With no star, path semantics only change what '?' may match. */
    if (path) {
        if (plen != slen)
            return false;
        for (size_t i = 0; i < plen; i++) {
            if (p[i] == '?' ? is_sep(u[i], fold) : !glob_char_eq(p[i], u[i], fold))
                return false;
        }
        return true;
    }
    return glob_flat(p, plen, u, slen, fold);
}

/* ---------------------------------------------------------------- domains */

static size_t strip_dot(const char *s, size_t len)
{
    return (len > 0 && s[len - 1] == '.') ? len - 1 : len;
}

static bool ascii_caseeq(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (lower_ascii((unsigned char)a[i]) != lower_ascii((unsigned char)b[i]))
            return false;
    return true;
}

bool pal_dns_match(const char *pat, size_t plen, const char *name, size_t nlen)
{
    plen = strip_dot(pat, plen);
    nlen = strip_dot(name, nlen);
    if (plen == 1 && pat[0] == '*')
        return true;
    if (plen >= 2 && pat[0] == '*' && pat[1] == '.') {
        /* suffix = ".example.com"; the name needs a non-empty label before it */
        const char *suffix = pat + 1;
        size_t sl = plen - 1;
        if (nlen <= sl)
            return false;
        const char *tail = name + (nlen - sl);
        if (!ascii_caseeq(tail, suffix, sl))
            return false;
        return name[nlen - sl - 1] != '.';
    }
    return plen == nlen && ascii_caseeq(pat, name, plen);
}

const char *pal_dns_pattern_error(const char *pat, size_t plen)
{
    if (plen == 0)
        return "empty domain name";
    plen = strip_dot(pat, plen);
    if (plen == 0)
        return "domain name is only a dot; write \"*\" to match every name";
    if (plen == 1 && pat[0] == '*')
        return NULL;
    size_t start = 0;
    if (pat[0] == '*') {
        if (plen < 2 || pat[1] != '.')
            return "'*' must be a whole label, as in \"*.example.com\"";
        start = 2;
        if (start == plen)
            return "nothing after \"*.\": write \"*\" to match every name";
    }
    if (plen - start > 253)
        return "domain name longer than 253 characters";
    size_t label = 0;
    for (size_t i = start; i <= plen; i++) {
        unsigned char c = i < plen ? (unsigned char)pat[i] : '.';
        if (c == '.') {
            if (label == 0)
                return "empty label (two dots in a row, or a leading dot)";
            if (pat[i - 1] == '-')
                return "a label may not end with '-'";
            label = 0;
            continue;
        }
        if (c == '*')
            return "'*' is only allowed as the whole first label, as in \"*.example.com\"";
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                  (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!ok)
            return "invalid character in domain name (allowed: letters, digits, '-', '_', '.')";
        if (label == 0 && c == '-')
            return "a label may not start with '-'";
        if (++label > 63)
            return "label longer than 63 characters";
    }
    return NULL;
}

/* ---------------------------------------------------------------- IPs */

/* Strict dotted quad: exactly four decimal octets, 0-255, no leading zeros. */
static bool parse_ipv4(const char *s, size_t len, uint8_t out[4])
{
    size_t i = 0;
    for (int part = 0; part < 4; part++) {
        if (part > 0) {
            if (i >= len || s[i] != '.')
                return false;
            i++;
        }
        size_t start = i;
        unsigned v = 0;
        while (i < len && s[i] >= '0' && s[i] <= '9' && i - start < 3)
            v = v * 10 + (unsigned)(s[i++] - '0');
        size_t nd = i - start;
        if (nd == 0 || v > 255 || (nd > 1 && s[start] == '0'))
            return false;
        if (i < len && s[i] >= '0' && s[i] <= '9')
            return false;                /* a fourth digit */
        out[part] = (uint8_t)v;
    }
    return i == len;
}

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* RFC 4291 section 2.2 text form: eight groups of 1-4 hex digits, one "::"
   standing for one or more zero groups, optionally the last 32 bits as a
   dotted quad. */
static bool parse_ipv6(const char *s, size_t len, uint8_t out[16])
{
    uint16_t head[8], tail[8];
    int nhead = 0, ntail = 0;
    bool gap = false;
    size_t i = 0;

    if (len < 2)
        return false;
    if (s[0] == ':') {
        if (s[1] != ':')
            return false;                /* a lone leading colon */
        gap = true;
        i = 2;
        if (i == len)
            goto done;                   /* "::" */
    }
    for (;;) {
        if (nhead + ntail >= 8)
            return false;
        /* a group, or a dotted quad as the last 32 bits */
        size_t start = i;
        unsigned v = 0;
        while (i < len && hexval((unsigned char)s[i]) >= 0 && i - start < 4)
            v = (v << 4) | (unsigned)hexval((unsigned char)s[i++]);
        if (i < len && s[i] == '.') {
            uint8_t q[4];
            if (nhead + ntail > 6 || !parse_ipv4(s + start, len - start, q))
                return false;
            uint16_t hi = (uint16_t)(q[0] << 8 | q[1]), lo = (uint16_t)(q[2] << 8 | q[3]);
            if (gap) { tail[ntail++] = hi; tail[ntail++] = lo; }
            else     { head[nhead++] = hi; head[nhead++] = lo; }
            break;
        }
        if (i == start)
            return false;                /* empty group or a non-hex byte */
        if (i < len && hexval((unsigned char)s[i]) >= 0)
            return false;                /* a fifth hex digit */
        if (gap) tail[ntail++] = (uint16_t)v;
        else     head[nhead++] = (uint16_t)v;
        if (i == len)
            break;
        if (s[i] != ':')
            return false;
        i++;
        if (i < len && s[i] == ':') {
            if (gap)
                return false;            /* a second "::" */
            gap = true;
            i++;
            if (i == len)
                break;                   /* "x::" */
        } else if (i == len) {
            return false;                /* a lone trailing colon */
        }
    }
done:
    if (gap ? nhead + ntail > 7 : nhead != 8)
        return false;
    memset(out, 0, 16);
    for (int g = 0; g < nhead; g++) {
        out[2 * g] = (uint8_t)(head[g] >> 8);
        out[2 * g + 1] = (uint8_t)head[g];
    }
    for (int g = 0; g < ntail; g++) {
        int at = 8 - ntail + g;
        out[2 * at] = (uint8_t)(tail[g] >> 8);
        out[2 * at + 1] = (uint8_t)tail[g];
    }
    return true;
}

static bool is_v4_mapped(const uint8_t ip[16])
{
    static const uint8_t prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    return memcmp(ip, prefix, 12) == 0;
}

/* Parses without turning IPv4-mapped addresses into IPv4 (the CIDR parser
   needs the raw form to check host bits). */
static bool parse_ip_raw(const char *s, size_t len, uint8_t ip[16], bool *v6)
{
    if (has_byte(s, len, ':')) {
        if (!parse_ipv6(s, len, ip))
            return false;
        *v6 = true;
        return true;
    }
    memset(ip, 0, 16);
    if (!parse_ipv4(s, len, ip))
        return false;
    *v6 = false;
    return true;
}

static void unmap_v4(uint8_t ip[16])
{
    memmove(ip, ip + 12, 4);
    memset(ip + 4, 0, 12);
}

bool pal_ip_parse(const char *s, size_t len, uint8_t ip[16], bool *v6)
{
    uint8_t tmp[16];
    bool is6;
    if (!parse_ip_raw(s, len, tmp, &is6))
        return false;
    if (is6 && is_v4_mapped(tmp)) {
        unmap_v4(tmp);
        is6 = false;
    }
    memcpy(ip, tmp, 16);
    *v6 = is6;
    return true;
}

/* snprintf-style: always returns the length of the full text; writes a
   NUL-terminated prefix of it when cap is too small. */
size_t pal_ip_format(const uint8_t ip[16], bool v6, char *out, size_t cap)
{
    char buf[48];
    size_t n = 0;

    if (!v6) {
        n = (size_t)snprintf(buf, sizeof buf, "%u.%u.%u.%u", ip[0], ip[1], ip[2], ip[3]);
    } else if (is_v4_mapped(ip)) {
        n = (size_t)snprintf(buf, sizeof buf, "::ffff:%u.%u.%u.%u", ip[12], ip[13], ip[14], ip[15]);
    } else {
        /* RFC 5952: lower case, no leading zeros, the longest run of two or
           more zero groups (the first one on a tie) written as "::". */
        unsigned g[8];
        for (int i = 0; i < 8; i++)
            g[i] = (unsigned)ip[2 * i] << 8 | ip[2 * i + 1];
        int best = -1, best_len = 1;
        for (int i = 0; i < 8;) {
            if (g[i] != 0) { i++; continue; }
            int j = i;
            while (j < 8 && g[j] == 0)
                j++;
            if (j - i > best_len) { best = i; best_len = j - i; }
            i = j;
        }
        for (int i = 0; i < 8; i++) {
            if (i == best) {
                buf[n++] = ':';
                if (i == 0)
                    buf[n++] = ':';
                i += best_len - 1;
                continue;
            }
            n += (size_t)snprintf(buf + n, sizeof buf - n, "%x", g[i]);
            if (i < 7)
                buf[n++] = ':';
        }
        buf[n] = '\0';
    }
    if (cap > 0) {
        size_t k = n < cap - 1 ? n : cap - 1;
        memcpy(out, buf, k);
        out[k] = '\0';
    }
    return n;
}

/* Zeroes the bits of ip below prefix; true if any was set. */
static bool clear_host_bits(uint8_t ip[16], unsigned bits, unsigned prefix)
{
    bool had = false;
    for (unsigned b = prefix; b < bits; b++) {
        uint8_t mask = (uint8_t)(0x80u >> (b & 7));
        if (ip[b >> 3] & mask) {
            had = true;
            ip[b >> 3] &= (uint8_t)~mask;
        }
    }
    return had;
}

bool pal_cidr_parse(const char *s, size_t len, uint8_t ip[16], bool *v6,
                    unsigned *prefix, const char **err)
{
    const char *dummy;
    if (!err)
        err = &dummy;
    *err = NULL;
    if (len == 0) {
        *err = "empty address";
        return false;
    }
    const char *slash = memchr(s, '/', len);
    size_t alen = slash ? (size_t)(slash - s) : len;
    uint8_t addr[16];
    bool is6;
    if (!parse_ip_raw(s, alen, addr, &is6)) {
        *err = has_byte(s, alen, ':')
            ? "not an IPv6 address (expected groups of 1-4 hex digits separated by ':', at most one '::')"
            : "not an IPv4 address (expected four numbers 0-255 without leading zeros, like 10.0.0.0)";
        return false;
    }
    unsigned bits = is6 ? 128 : 32, pfx = bits;
    if (slash) {
        const char *d = slash + 1, *end = s + len;
        if (d == end) {
            *err = "prefix length missing after '/'";
            return false;
        }
        pfx = 0;
        for (const char *q = d; q < end; q++) {
            if (*q < '0' || *q > '9') {
                *err = "prefix length must be a decimal number";
                return false;
            }
            if (q - d >= 3 || (q > d && *d == '0')) {
                *err = is6 ? "prefix length must be 0-128 without leading zeros"
                           : "prefix length must be 0-32 without leading zeros";
                return false;
            }
            pfx = pfx * 10 + (unsigned)(*q - '0');
        }
        if (pfx > bits) {
            *err = is6 ? "prefix length over 128 for an IPv6 address"
                       : "prefix length over 32 for an IPv4 address";
            return false;
        }
    }
    uint8_t net[16];
    memcpy(net, addr, 16);
    if (clear_host_bits(net, bits, pfx)) {
        char text[48];
        pal_ip_format(net, is6, text, sizeof text);
        snprintf(match_errbuf, sizeof match_errbuf,
                 "host bits set: did you mean %s/%u?", text, pfx);
        *err = match_errbuf;
        return false;
    }
    if (is6 && pfx >= 96 && is_v4_mapped(net)) {
        unmap_v4(net);
        is6 = false;
        pfx -= 96;
    }
    memcpy(ip, net, 16);
    *v6 = is6;
    *prefix = pfx;
    return true;
}

bool pal_cidr_contains(const uint8_t net[16], bool net_v6, unsigned prefix,
                       const uint8_t ip[16], bool ip_v6)
{
    if (net_v6 != ip_v6 || prefix > (net_v6 ? 128u : 32u))
        return false;
    unsigned whole = prefix / 8, rest = prefix % 8;
    if (memcmp(net, ip, whole) != 0)
        return false;
    if (rest == 0)
        return true;
    uint8_t mask = (uint8_t)(0xffu << (8 - rest));
    return (net[whole] & mask) == (ip[whole] & mask);
}

/* ---------------------------------------------------------------- ports */

/* Reads one port number at s[*i]; false with *err set if there is none or
   it is above 65535. */
static bool parse_port(const char *s, size_t len, size_t *i, int64_t *out, const char **err)
{
    size_t start = *i;
    int64_t v = 0;
    while (*i < len && s[*i] >= '0' && s[*i] <= '9') {
        if (v <= 65535)
            v = v * 10 + (s[*i] - '0');
        (*i)++;
    }
    if (*i == start) {
        *err = (*i < len)
            ? "a port is a number 0-65535, a range lo-hi, or \"*\""
            : "port number missing";
        return false;
    }
    if (v > 65535) {
        *err = "port number above 65535";
        return false;
    }
    *out = v;
    return true;
}

bool pal_port_range_parse(const char *s, size_t len, int64_t *lo, int64_t *hi,
                          const char **err)
{
    const char *dummy;
    if (!err)
        err = &dummy;
    *err = NULL;
    if (len == 0) {
        *err = "empty port";
        return false;
    }
    if (len == 1 && s[0] == '*') {
        *lo = 0;
        *hi = 65535;
        return true;
    }
    size_t i = 0;
    int64_t a, b;
    if (!parse_port(s, len, &i, &a, err))
        return false;
    b = a;
    if (i < len) {
        if (s[i] != '-') {
            *err = "a port is a number 0-65535, a range lo-hi, or \"*\"";
            return false;
        }
        i++;
        if (!parse_port(s, len, &i, &b, err))
            return false;
        if (i < len) {
            *err = "unexpected text after the port range";
            return false;
        }
        if (a > b) {
            snprintf(match_errbuf, sizeof match_errbuf,
                     "port range %lld-%lld runs backwards: did you mean %lld-%lld?",
                     (long long)a, (long long)b, (long long)b, (long long)a);
            *err = match_errbuf;
            return false;
        }
    }
    *lo = a;
    *hi = b;
    return true;
}

/*
 * version.c — version ordering for dpkg, apk, rpm, semver and Windows.
 *
 * Design. Each ecosystem gets a validator and a comparator written from the
 * ecosystem's own definition, because "close enough" orderings are how
 * vulnerability scanners miss fixed packages or flag patched ones:
 *
 *  - dpkg (Debian Policy 5.6.12): epoch compared as a number, then the
 *    upstream version and the revision with the same "alternate non-digit
 *    and digit runs" algorithm; in non-digit runs '~' sorts before
 *    everything (even the end), letters before every other byte.
 *  - apk (apk-tools' tokenizer): a version is a sequence of typed tokens,
 *    digit{.digit}{letter}{_suffix[N]}{~hash}{-rN}; equal-typed tokens
 *    compare by value, and where one version runs out or changes token type
 *    first, the "later" token type is the lower version, except that the
 *    pre-release suffixes (_alpha _beta _pre _rc) sort below the end.
 *    A later numeric part with a leading zero compares as text (1.05 < 1.5).
 *  - rpm (rpmvercmp): segments of digits or of letters, everything else
 *    only separates; '~' sorts before anything, '^' after the end but before
 *    anything else; a numeric segment is newer than an alphabetic one.
 *  - semver 2.0.0: strict grammar; pre-release identifiers compare
 *    numerically or by ASCII, numeric below alphanumeric; build ignored.
 *  - Windows: up to four dotted DWORDs, missing parts are 0.
 *
 * Numbers are compared as digit strings (leading zeros stripped, then
 * length, then bytes) so arbitrarily long numeric parts neither overflow nor
 * wrap; where a tool would itself overflow (apk above 2^64) we order by the
 * true value.  Validators return static messages; nothing allocates.
 */
#include "engine/vuln/version.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

static inline bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static inline bool is_alpha(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static inline bool is_alnum(unsigned char c) { return is_digit(c) || is_alpha(c); }
static inline int sign(int x) { return (x > 0) - (x < 0); }

/* strchr(set, c) alone would accept a NUL byte: it finds the terminator. */
static inline bool is_one_of(unsigned char c, const char *set)
{
    return c != '\0' && strchr(set, c) != NULL;
}

/* Compares two runs of decimal digits by value. */
static int num_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    while (alen > 0 && *a == '0') { a++; alen--; }
    while (blen > 0 && *b == '0') { b++; blen--; }
    if (alen != blen)
        return alen < blen ? -1 : 1;
    return alen ? sign(memcmp(a, b, alen)) : 0;
}

/* Byte-wise comparison where a proper prefix sorts first. */
static int text_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t n = alen < blen ? alen : blen;
    int r = n ? memcmp(a, b, n) : 0;
    if (r)
        return sign(r);
    return alen == blen ? 0 : (alen < blen ? -1 : 1);
}

static const char *find_byte(const char *s, size_t len, char c)
{
    return len ? memchr(s, c, len) : NULL;
}

static const char *find_last(const char *s, size_t len, char c)
{
    while (len > 0)
        if (s[--len] == c)
            return s + len;
    return NULL;
}

/* ================================================================ dpkg */

typedef struct {
    unsigned long epoch;
    const char *up;  size_t uplen;
    const char *rev; size_t revlen;   /* revlen 0: no revision */
} dpkg_ver;

static bool dpkg_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static const char *dpkg_parse(const char *v, size_t len, dpkg_ver *out)
{
    /* dpkg ignores blanks around the version, not inside it */
    while (len > 0 && dpkg_space((unsigned char)*v)) { v++; len--; }
    while (len > 0 && dpkg_space((unsigned char)v[len - 1])) len--;
    if (len == 0)
        return "version string is empty";
    for (size_t i = 0; i < len; i++)
        if (dpkg_space((unsigned char)v[i]))
            return "version string has embedded spaces";

    out->epoch = 0;
    const char *colon = find_byte(v, len, ':');
    if (colon) {
        if (colon == v)
            return "epoch before ':' is empty";
        for (const char *p = v; p < colon; p++) {
            if (!is_digit((unsigned char)*p))
                return "epoch before ':' is not a number";
            out->epoch = out->epoch * 10 + (unsigned long)(*p - '0');
            if (out->epoch > 2147483647ul)
                return "epoch is too big (dpkg allows at most 2147483647)";
        }
        len -= (size_t)(colon + 1 - v);
        v = colon + 1;
        if (len == 0)
            return "nothing after the epoch's ':' in the version";
    }
    const char *hyphen = find_last(v, len, '-');
    out->up = v;
    out->uplen = hyphen ? (size_t)(hyphen - v) : len;
    out->rev = hyphen ? hyphen + 1 : v + len;
    out->revlen = hyphen ? len - out->uplen - 1 : 0;
    if (hyphen && out->revlen == 0)
        return "revision after the last '-' is empty";
    if (out->uplen == 0)
        return "upstream version is empty";
    if (!is_digit((unsigned char)out->up[0]))
        return "upstream version does not start with a digit";
    for (size_t i = 0; i < out->uplen; i++) {
        unsigned char c = (unsigned char)out->up[i];
        if (!is_alnum(c) && !is_one_of(c, ".-+~:"))
            return "invalid character in upstream version (allowed: letters, digits, . + - ~ :)";
    }
    for (size_t i = 0; i < out->revlen; i++) {
        unsigned char c = (unsigned char)out->rev[i];
        if (!is_alnum(c) && !is_one_of(c, ".+~"))
            return "invalid character in Debian revision (allowed: letters, digits, . + ~)";
    }
    return NULL;
}

/* Weight of one byte in a non-digit run; the end of the string and a digit
   (which ends the run) weigh 0, '~' less, letters and others more. */
static int dpkg_weight(const char *s, size_t len, size_t i)
{
    if (i >= len)
        return 0;
    unsigned char c = (unsigned char)s[i];
    if (is_digit(c)) return 0;
    if (is_alpha(c)) return c;
    if (c == '~') return -1;
    return c + 256;
}

/* Policy 5.6.12: alternately compare the longest initial non-digit runs
   (with dpkg_weight) and the longest initial digit runs (by value). */
static int dpkg_part_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t i = 0, j = 0;
    while (i < alen || j < blen) {
        while ((i < alen && !is_digit((unsigned char)a[i])) ||
               (j < blen && !is_digit((unsigned char)b[j]))) {
            int wa = dpkg_weight(a, alen, i), wb = dpkg_weight(b, blen, j);
            if (wa != wb)
                return wa < wb ? -1 : 1;
            /* equal non-zero weights: both are real non-digit bytes */
            i++;
            j++;
        }
        size_t si = i, sj = j;
        while (i < alen && is_digit((unsigned char)a[i])) i++;
        while (j < blen && is_digit((unsigned char)b[j])) j++;
        int r = num_cmp(a + si, i - si, b + sj, j - sj);
        if (r)
            return r;
    }
    return 0;
}

static int dpkg_cmp(const dpkg_ver *a, const dpkg_ver *b)
{
    if (a->epoch != b->epoch)
        return a->epoch < b->epoch ? -1 : 1;
    int r = dpkg_part_cmp(a->up, a->uplen, b->up, b->uplen);
    if (r)
        return r;
    return dpkg_part_cmp(a->rev, a->revlen, b->rev, b->revlen);
}

/* ================================================================ apk */

/* Token types in apk-tools order: the order is the semantics, both for
   which token may follow which and for ranking versions of different
   shapes. */
enum { APK_INITIAL, APK_DIGIT, APK_LETTER, APK_SUFFIX, APK_SUFFIX_NO,
       APK_HASH, APK_REVISION, APK_END, APK_INVALID };

/* Suffix ranks: pre-releases below APK_SUF_NONE, post-releases above. */
enum { APK_SUF_INVALID, APK_SUF_ALPHA, APK_SUF_BETA, APK_SUF_PRE, APK_SUF_RC,
       APK_SUF_NONE, APK_SUF_CVS, APK_SUF_SVN, APK_SUF_GIT, APK_SUF_HG, APK_SUF_P };

typedef struct {
    const char *s;
    size_t len, pos;
    int type;
    int suffix;
    const char *val;
    size_t vlen;
} apk_tok;

static int apk_suffix_rank(const char *s, size_t n)
{
    static const struct { const char *name; int rank; } tab[] = {
        {"alpha", APK_SUF_ALPHA}, {"beta", APK_SUF_BETA}, {"pre", APK_SUF_PRE},
        {"rc", APK_SUF_RC}, {"cvs", APK_SUF_CVS}, {"svn", APK_SUF_SVN},
        {"git", APK_SUF_GIT}, {"hg", APK_SUF_HG}, {"p", APK_SUF_P},
    };
    for (size_t k = 0; k < sizeof tab / sizeof tab[0]; k++)
        if (strlen(tab[k].name) == n && memcmp(tab[k].name, s, n) == 0)
            return tab[k].rank;
    return APK_SUF_INVALID;
}

static void apk_digits(apk_tok *t)
{
    t->val = t->s + t->pos;
    while (t->pos < t->len && is_digit((unsigned char)t->s[t->pos]))
        t->pos++;
    t->vlen = (size_t)(t->s + t->pos - t->val);
    if (t->vlen == 0)
        t->type = APK_INVALID;
}

static void apk_first(apk_tok *t, const char *s, size_t len)
{
    t->s = s;
    t->len = len;
    t->pos = 0;
    t->suffix = APK_SUF_INVALID;
    t->type = APK_INITIAL;
    apk_digits(t);
}

/* Reads the token after t, checking it may follow t's type. */
static void apk_next(apk_tok *t)
{
    if (t->pos >= t->len) {
        t->type = APK_END;
        return;
    }
    unsigned char c = (unsigned char)t->s[t->pos];
    int prev = t->type;
    if (c >= 'a' && c <= 'z') {
        if (prev > APK_DIGIT) goto invalid;
        t->val = t->s + t->pos++;
        t->vlen = 1;
        t->type = APK_LETTER;
    } else if (c == '.' || is_digit(c)) {
        if (c == '.') {
            if (prev > APK_DIGIT) goto invalid;
            t->pos++;
        }
        if (prev == APK_INITIAL || prev == APK_DIGIT) t->type = APK_DIGIT;
        else if (prev == APK_SUFFIX) t->type = APK_SUFFIX_NO;
        else goto invalid;
        apk_digits(t);
    } else if (c == '_') {
        if (prev > APK_SUFFIX_NO) goto invalid;
        t->pos++;
        t->val = t->s + t->pos;
        while (t->pos < t->len && t->s[t->pos] >= 'a' && t->s[t->pos] <= 'z')
            t->pos++;
        t->vlen = (size_t)(t->s + t->pos - t->val);
        t->suffix = apk_suffix_rank(t->val, t->vlen);
        if (t->suffix == APK_SUF_INVALID) goto invalid;
        t->type = APK_SUFFIX;
    } else if (c == '~') {
        if (prev >= APK_HASH) goto invalid;
        t->pos++;
        t->val = t->s + t->pos;
        while (t->pos < t->len) {
            unsigned char h = (unsigned char)t->s[t->pos];
            if (!is_digit(h) && !((h | 32) >= 'a' && (h | 32) <= 'f'))
                break;
            t->pos++;
        }
        t->vlen = (size_t)(t->s + t->pos - t->val);
        if (t->vlen == 0) goto invalid;
        t->type = APK_HASH;
    } else if (c == '-') {
        if (prev >= APK_REVISION) goto invalid;
        if (t->pos + 1 >= t->len || t->s[t->pos + 1] != 'r') goto invalid;
        t->pos += 2;
        t->type = APK_REVISION;
        apk_digits(t);
    } else {
        goto invalid;
    }
    return;
invalid:
    t->type = APK_INVALID;
}

static int apk_tok_cmp(const apk_tok *a, const apk_tok *b)
{
    switch (a->type) {
    case APK_DIGIT:
        /* a later part with a leading zero is a decimal fraction: text */
        if (a->val[0] == '0' || b->val[0] == '0')
            return text_cmp(a->val, a->vlen, b->val, b->vlen);
        return num_cmp(a->val, a->vlen, b->val, b->vlen);
    case APK_INITIAL:
    case APK_SUFFIX_NO:
    case APK_REVISION:
        return num_cmp(a->val, a->vlen, b->val, b->vlen);
    case APK_LETTER:
        return a->val[0] == b->val[0] ? 0 : ((unsigned char)a->val[0] < (unsigned char)b->val[0] ? -1 : 1);
    case APK_SUFFIX:
        return a->suffix == b->suffix ? 0 : (a->suffix < b->suffix ? -1 : 1);
    default:  /* APK_HASH */
        return text_cmp(a->val, a->vlen, b->val, b->vlen);
    }
}

static const char *apk_error(const char *v, size_t len)
{
    if (len == 0)
        return "version string is empty";
    apk_tok t;
    apk_first(&t, v, len);
    if (t.type == APK_INVALID)
        return "apk version must start with a number";
    while (t.type < APK_END) {
        size_t at = t.pos;
        int prev = t.type;
        apk_next(&t);
        if (t.type != APK_INVALID)
            continue;
        unsigned char c = (unsigned char)v[at];
        if (c == '_')
            return prev > APK_SUFFIX_NO
                ? "a _suffix must come before ~hash and -rN"
                : "unknown suffix: apk knows _alpha _beta _pre _rc _cvs _svn _git _hg _p";
        if (c == '-')
            return "after '-' apk expects the revision -rN, once, at the end";
        if (c == '~')
            return "'~' must be followed by a hex commit hash, once, before -rN";
        if (c >= 'a' && c <= 'z')
            return "a letter may only directly follow the numbers, and only one (1.2.3a)";
        if (is_digit(c))
            return "a number may only follow '.' or a _suffix name";
        if (c == '.')
            return prev > APK_DIGIT
                ? "'.' may not follow a letter, suffix, hash or revision"
                : "a number is missing after '.'";
        return "invalid character in apk version "
               "(expected numbers and '.', one lower-case letter, _suffixN, ~hash, -rN)";
    }
    return NULL;
}

static int apk_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    apk_tok ta, tb;
    apk_first(&ta, a, alen);
    apk_first(&tb, b, blen);
    while (ta.type == tb.type && ta.type < APK_END) {
        int r = apk_tok_cmp(&ta, &tb);
        if (r)
            return r;
        apk_next(&ta);
        apk_next(&tb);
    }
    if (ta.type == tb.type)
        return 0;
    /* One side ran out or changed shape first. */
    if (ta.type == APK_SUFFIX && ta.suffix < APK_SUF_NONE) return -1;
    if (tb.type == APK_SUFFIX && tb.suffix < APK_SUF_NONE) return 1;
    return ta.type > tb.type ? -1 : 1;
}

/* ================================================================ rpm */

typedef struct {
    const char *e; size_t elen;     /* elen 0: no epoch (= 0) */
    const char *v; size_t vlen;
    const char *r; size_t rlen;
    bool has_r;
} rpm_evr;

static const char *rpm_check_field(const char *s, size_t len, const char *what_empty,
                                   const char *what_char)
{
    if (len == 0)
        return what_empty;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!is_alnum(c) && !is_one_of(c, "._+~^"))
            return what_char;
        if (c == '.' && i + 1 < len && s[i + 1] == '.')
            return "illegal sequence \"..\" in rpm version";
    }
    return NULL;
}

static const char *rpm_parse(const char *s, size_t len, rpm_evr *out)
{
    if (len == 0)
        return "version string is empty";
    memset(out, 0, sizeof *out);
    const char *colon = find_byte(s, len, ':');
    if (colon) {
        if (colon == s)
            return "epoch before ':' is empty";
        uint64_t e = 0;
        for (const char *p = s; p < colon; p++) {
            if (!is_digit((unsigned char)*p))
                return "epoch before ':' is not a number";
            e = e * 10 + (uint64_t)(*p - '0');
            if (e > 4294967295u)
                return "epoch is too big (rpm allows at most 4294967295)";
        }
        out->e = s;
        out->elen = (size_t)(colon - s);
        len -= out->elen + 1;
        s = colon + 1;
    }
    const char *hyphen = find_last(s, len, '-');
    out->v = s;
    out->vlen = hyphen ? (size_t)(hyphen - s) : len;
    if (hyphen) {
        out->has_r = true;
        out->r = hyphen + 1;
        out->rlen = len - out->vlen - 1;
    }
    const char *err = rpm_check_field(out->v, out->vlen, "version is empty",
        "invalid character in rpm version (allowed: letters, digits, . _ + ~ ^; one '-' before the release)");
    if (err)
        return err;
    if (out->has_r)
        err = rpm_check_field(out->r, out->rlen, "release after the last '-' is empty",
            "invalid character in rpm release (allowed: letters, digits, . _ + ~ ^)");
    return err;
}

/* rpmvercmp: compares one version or release string. */
static int rpm_vercmp(const char *a, size_t alen, const char *b, size_t blen)
{
    if (alen == blen && (alen == 0 || memcmp(a, b, alen) == 0))
        return 0;
    size_t i = 0, j = 0;
    for (;;) {
        /* everything but letters, digits, '~' and '^' only separates */
        while (i < alen && !is_alnum((unsigned char)a[i]) && a[i] != '~' && a[i] != '^') i++;
        while (j < blen && !is_alnum((unsigned char)b[j]) && b[j] != '~' && b[j] != '^') j++;
        bool ea = i >= alen, eb = j >= blen;
        if (ea && eb)
            return 0;
        /* '~' sorts before everything, even the end */
        bool ta = !ea && a[i] == '~', tb = !eb && b[j] == '~';
        if (ta || tb) {
            if (!ta) return 1;
            if (!tb) return -1;
            i++, j++;
            continue;
        }
        /* '^' sorts after the end but before anything else */
        bool ca = !ea && a[i] == '^', cb = !eb && b[j] == '^';
        if (ca || cb) {
            if (ea) return -1;
            if (eb) return 1;
            if (!ca) return 1;
            if (!cb) return -1;
            i++, j++;
            continue;
        }
        if (ea || eb)
            return ea ? -1 : 1;
        size_t si = i, sj = j;
        bool num = is_digit((unsigned char)a[i]);
        if (num) {
            while (i < alen && is_digit((unsigned char)a[i])) i++;
            while (j < blen && is_digit((unsigned char)b[j])) j++;
        } else {
            while (i < alen && is_alpha((unsigned char)a[i])) i++;
            while (j < blen && is_alpha((unsigned char)b[j])) j++;
        }
        if (j == sj)                     /* segments of different kinds */
            return num ? 1 : -1;         /* a number is newer than letters */
        int r = num ? num_cmp(a + si, i - si, b + sj, j - sj)
                    : text_cmp(a + si, i - si, b + sj, j - sj);
        if (r)
            return r;
    }
}

static int rpm_cmp(const rpm_evr *a, const rpm_evr *b)
{
    int r = num_cmp(a->e, a->elen, b->e, b->elen);
    if (r)
        return r;
    r = rpm_vercmp(a->v, a->vlen, b->v, b->vlen);
    if (r || !a->has_r || !b->has_r)
        return r;
    return rpm_vercmp(a->r, a->rlen, b->r, b->rlen);
}

/* ================================================================ semver */

typedef struct {
    const char *num[3]; size_t nlen[3];
    const char *pre; size_t prelen;     /* prelen 0: a release */
} semver;

static bool semver_ident_char(unsigned char c) { return is_alnum(c) || c == '-'; }

/* Reads dot-separated identifiers at s[*i] (after the '-' or '+'). */
static const char *semver_idents(const char *s, size_t len, size_t *i, bool pre)
{
    for (;;) {
        size_t st = *i;
        bool digits = true;
        while (*i < len && semver_ident_char((unsigned char)s[*i])) {
            digits = digits && is_digit((unsigned char)s[*i]);
            (*i)++;
        }
        if (*i == st)
            return pre ? "empty pre-release identifier (after '-' or '.')"
                       : "empty build metadata identifier (after '+' or '.')";
        if (pre && digits && *i - st > 1 && s[st] == '0')
            return "numeric pre-release identifiers must not have leading zeros";
        if (*i < len && s[*i] == '.') {
            (*i)++;
            continue;
        }
        return NULL;
    }
}

static const char *semver_parse(const char *s, size_t len, semver *out)
{
    if (len == 0)
        return "version string is empty";
    size_t i = s[0] == 'v' ? 1 : 0;
    for (int k = 0; k < 3; k++) {
        if (k > 0) {
            if (i >= len || s[i] != '.')
                return "semver needs three numbers MAJOR.MINOR.PATCH";
            i++;
        }
        size_t st = i;
        while (i < len && is_digit((unsigned char)s[i])) i++;
        if (i == st)
            return "semver needs three numbers MAJOR.MINOR.PATCH";
        if (i - st > 1 && s[st] == '0')
            return "numbers in semver must not have leading zeros";
        out->num[k] = s + st;
        out->nlen[k] = i - st;
    }
    out->pre = NULL;
    out->prelen = 0;
    const char *err;
    if (i < len && s[i] == '-') {
        size_t st = ++i;
        if ((err = semver_idents(s, len, &i, true)))
            return err;
        out->pre = s + st;
        out->prelen = i - st;
    }
    if (i < len && s[i] == '+') {
        i++;
        if ((err = semver_idents(s, len, &i, false)))
            return err;
    }
    if (i < len)
        return "invalid character in semver: MAJOR.MINOR.PATCH[-prerelease][+build], "
               "identifiers of letters, digits and '-'";
    return NULL;
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_digit((unsigned char)s[i]))
            return false;
    return true;
}

static int semver_cmp(const semver *a, const semver *b)
{
    for (int k = 0; k < 3; k++) {
        int r = num_cmp(a->num[k], a->nlen[k], b->num[k], b->nlen[k]);
        if (r)
            return r;
    }
    if (!a->prelen || !b->prelen)
        return a->prelen == b->prelen ? 0 : (a->prelen ? -1 : 1);
    size_t i = 0, j = 0;
    for (;;) {
        bool ea = i >= a->prelen, eb = j >= b->prelen;
        if (ea || eb)
            return ea && eb ? 0 : (ea ? -1 : 1);
        size_t si = i, sj = j;
        while (i < a->prelen && a->pre[i] != '.') i++;
        while (j < b->prelen && b->pre[j] != '.') j++;
        bool na = all_digits(a->pre + si, i - si), nb = all_digits(b->pre + sj, j - sj);
        int r;
        if (na && nb)
            r = num_cmp(a->pre + si, i - si, b->pre + sj, j - sj);
        else if (na != nb)
            r = na ? -1 : 1;             /* numeric identifiers sort first */
        else
            r = text_cmp(a->pre + si, i - si, b->pre + sj, j - sj);
        if (r)
            return r;
        i++;                             /* past the '.' (or the end) */
        j++;
    }
}

/* ================================================================ windows */

#define WIN_MAX_PARTS 4

static const char *win_parse(const char *s, size_t len, uint32_t parts[WIN_MAX_PARTS])
{
    if (len == 0)
        return "version string is empty";
    memset(parts, 0, WIN_MAX_PARTS * sizeof parts[0]);
    size_t i = 0;
    for (int k = 0;; k++) {
        if (k == WIN_MAX_PARTS)
            return "a Windows version has at most four numbers (major.minor.build.revision)";
        size_t st = i;
        uint64_t v = 0;
        while (i < len && is_digit((unsigned char)s[i])) {
            v = v * 10 + (uint64_t)(s[i++] - '0');
            if (v > 4294967295u)
                return "a Windows version number is above 4294967295";
        }
        if (i == st)
            return "a Windows version is dotted numbers, like 10.0.17763.1234";
        parts[k] = (uint32_t)v;
        if (i == len)
            return NULL;
        if (s[i] != '.')
            return "a Windows version is dotted numbers, like 10.0.17763.1234";
        i++;
    }
}

/* ================================================================ API */

int pal_ver_eco_from_name(const char *name)
{
    static const struct { const char *name; int eco; } names[] = {
        {"dpkg", PAL_VER_DPKG}, {"debian", PAL_VER_DPKG}, {"ubuntu", PAL_VER_DPKG},
        {"apk", PAL_VER_APK}, {"alpine", PAL_VER_APK}, {"rpm", PAL_VER_RPM},
        {"semver", PAL_VER_SEMVER}, {"windows", PAL_VER_WINDOWS},
    };
    if (!name)
        return 0;
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        const char *p = names[k].name, *q = name;
        while (*p && (*q | (is_alpha((unsigned char)*q) ? 32 : 0)) == *p) { p++; q++; }
        if (!*p && !*q)
            return names[k].eco;
    }
    return 0;
}

const char *pal_ver_error(pal_ver_eco eco, const char *v, size_t len)
{
    switch (eco) {
    case PAL_VER_DPKG:    { dpkg_ver d; return dpkg_parse(v, len, &d); }
    case PAL_VER_APK:     return apk_error(v, len);
    case PAL_VER_RPM:     { rpm_evr r; return rpm_parse(v, len, &r); }
    case PAL_VER_SEMVER:  { semver s; return semver_parse(v, len, &s); }
    case PAL_VER_WINDOWS: { uint32_t p[WIN_MAX_PARTS]; return win_parse(v, len, p); }
    }
    return "unknown version ecosystem";
}

int pal_ver_cmp(pal_ver_eco eco, const char *a, size_t alen,
                const char *b, size_t blen, int *cmp)
{
    int r = 0;
    *cmp = 0;
    switch (eco) {
    case PAL_VER_DPKG: {
        dpkg_ver x, y;
        if (dpkg_parse(a, alen, &x) || dpkg_parse(b, blen, &y))
            return -1;
        r = dpkg_cmp(&x, &y);
        break;
    }
    case PAL_VER_APK:
        if (apk_error(a, alen) || apk_error(b, blen))
            return -1;
        r = apk_cmp(a, alen, b, blen);
        break;
    case PAL_VER_RPM: {
        rpm_evr x, y;
        if (rpm_parse(a, alen, &x) || rpm_parse(b, blen, &y))
            return -1;
        r = rpm_cmp(&x, &y);
        break;
    }
    case PAL_VER_SEMVER: {
        semver x, y;
        if (semver_parse(a, alen, &x) || semver_parse(b, blen, &y))
            return -1;
        r = semver_cmp(&x, &y);
        break;
    }
    case PAL_VER_WINDOWS: {
        uint32_t x[WIN_MAX_PARTS], y[WIN_MAX_PARTS];
        if (win_parse(a, alen, x) || win_parse(b, blen, y))
            return -1;
        for (int k = 0; k < WIN_MAX_PARTS && r == 0; k++)
            if (x[k] != y[k])
                r = x[k] < y[k] ? -1 : 1;
        break;
    }
    default:
        return -1;
    }
    *cmp = r;
    return 0;
}

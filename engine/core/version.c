/*
 * version.c — version ordering for dpkg, apk, rpm, semver, Windows and the
 * language ecosystems (npm, PyPI, Go, Maven, RubyGems, cargo).
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
 *    digit{.digit}{letter[digit]}{_suffix[N]}{~hash}{-rN} (a number may
 *    follow the letter, "1.9.5p2", and read as a plain number, as
 *    apk-tools' next_token allows); equal-typed tokens
 *    compare by value, and where one version runs out or changes token type
 *    first, the "later" token type is the lower version, except that the
 *    pre-release suffixes (_alpha _beta _pre _rc) sort below the end.
 *    A later numeric part with a leading zero compares as text (1.05 < 1.5).
 *  - rpm (rpmvercmp): segments of digits or of letters, everything else
 *    only separates; '~' sorts before anything, '^' after the end but before
 *    anything else; a numeric segment is newer than an alphabetic one;
 *    a missing release is older than any release (rpmverCmp).
 *  - PyPI (PEP 440), Maven (the POM reference's version order), RubyGems
 *    (Gem::Version), Go (semver, and the toolchain's go1.N names), npm
 *    and cargo (semver): each described at its parser below.
 *  - semver 2.0.0: strict grammar; pre-release identifiers compare
 *    numerically or by ASCII, numeric below alphanumeric; build ignored.
 *  - Windows: up to four dotted DWORDs, missing parts are 0.
 *
 * Numbers are compared as digit strings (leading zeros stripped, then
 * length, then bytes) so arbitrarily long numeric parts neither overflow nor
 * wrap; where a tool would itself overflow (apk above 2^64) we order by the
 * true value.  Validators return static messages; nothing allocates.
 */
#include "engine/core/version.h"

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
    bool after_letter;   /* a number right after the letter (1.9.5p2): apk reads it as a
                            plain number, not as a '.' part with the leading-zero rule */
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
    t->after_letter = false;
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
    t->after_letter = false;
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
        else if (prev == APK_LETTER && c != '.') { t->type = APK_DIGIT; t->after_letter = true; }
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
        if (!a->after_letter && !b->after_letter && (a->val[0] == '0' || b->val[0] == '0'))
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
            return "a letter may only directly follow a number, one at a time (1.2.3a, 1.9.5p2)";
        if (is_digit(c))
            return "a number may only follow '.', a letter or a _suffix name";
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
    if (r)
        return r;
    /* rpm 4.18's rpmverCmp (rpm.vercmp, rpmdev-vercmp): a missing release
       is older than any release, "1.0" < "1.0-1".  (Only a dependency
       range "= 1.0" matches every release, which is not an ordering.) */
    if (!a->has_r || !b->has_r)
        return a->has_r == b->has_r ? 0 : (a->has_r ? 1 : -1);
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

/* ================================================================ pypi */

/* PEP 440, with the normalisations of its "Normalization" section (what
   pip and packaging accept): case ignored, a leading 'v', alternative
   spellings (alpha = a, beta = b, c = pre = preview = rc, rev = r = post),
   optional separators, implicit numbers (1.0a = 1.0a0), "1.0-1" as a post
   release.  At most PEP_MAX_PARTS release numbers and local segments. */
#define PEP_MAX_PARTS 32

typedef struct {
    const char *s; size_t n;
} span_t;

typedef struct {
    span_t epoch;                       /* n 0: epoch 0 */
    span_t rel[PEP_MAX_PARTS]; unsigned nrel;
    int pre;                            /* -1 none, 0 a, 1 b, 2 rc */
    span_t pre_n;
    bool post; span_t post_n;
    bool dev; span_t dev_n;
    span_t local[PEP_MAX_PARTS]; unsigned nlocal;
} pep440;

static bool ieq_word(const char *s, size_t len, size_t i, const char *w)
{
    size_t n = strlen(w);
    if (i + n > len) return false;
    for (size_t k = 0; k < n; k++)
        if ((unsigned char)(s[i + k] | 32) != (unsigned char)w[k]) return false;
    /* a word ends where letters end: "pre" must not match inside "preview" */
    return i + n == len || !is_alpha((unsigned char)s[i + n]);
}

static size_t digits_at(const char *s, size_t len, size_t i)
{
    size_t j = i;
    while (j < len && is_digit((unsigned char)s[j])) j++;
    return j - i;
}

static bool pep_sep(unsigned char c) { return c == '-' || c == '_' || c == '.'; }

/* [-_.]? WORD [-_.]? N? at *i; the index of the word matched, or -1 (and *i unchanged). */
static int pep_tag(const char *s, size_t len, size_t *i, const char *const *words, span_t *num)
{
    size_t j = *i;
    if (j < len && pep_sep((unsigned char)s[j])) j++;
    for (int w = 0; words[w]; w++) {
        if (!ieq_word(s, len, j, words[w])) continue;
        size_t k = j + strlen(words[w]);
        size_t save = k;
        if (k < len && pep_sep((unsigned char)s[k])) k++;
        size_t d = digits_at(s, len, k);
        if (d) { num->s = s + k; num->n = d; *i = k + d; }
        else { num->s = NULL; num->n = 0; *i = save; }
        return w;
    }
    return -1;
}

static const char *pep_parse(const char *s, size_t len, pep440 *out)
{
    memset(out, 0, sizeof *out);
    out->pre = -1;
    if (len == 0) return "version string is empty";
    size_t i = (s[0] == 'v' || s[0] == 'V') ? 1 : 0;
    size_t d = digits_at(s, len, i);
    if (!d) return "a PEP 440 version starts with a number (1.0, 2!1.0)";
    if (i + d < len && s[i + d] == '!') {
        out->epoch.s = s + i;
        out->epoch.n = d;
        i += d + 1;
        d = digits_at(s, len, i);
        if (!d) return "a number must follow the epoch's '!'";
    }
    for (;;) {
        if (out->nrel == PEP_MAX_PARTS) return "more than 32 release numbers";
        out->rel[out->nrel].s = s + i;
        out->rel[out->nrel++].n = d;
        i += d;
        if (i + 1 < len && s[i] == '.' && is_digit((unsigned char)s[i + 1])) {
            i++;
            d = digits_at(s, len, i);
            continue;
        }
        break;
    }
    static const char *const pre_w[] = {"alpha", "a", "beta", "b", "preview", "pre", "rc", "c", NULL};
    static const int pre_rank[] = {0, 0, 1, 1, 2, 2, 2, 2};
    static const char *const post_w[] = {"post", "rev", "r", NULL};
    static const char *const dev_w[] = {"dev", NULL};
    int w = pep_tag(s, len, &i, pre_w, &out->pre_n);
    if (w >= 0) out->pre = pre_rank[w];
    if (i + 1 < len && s[i] == '-' && is_digit((unsigned char)s[i + 1])) {
        out->post = true;
        out->post_n.s = s + i + 1;
        out->post_n.n = digits_at(s, len, i + 1);
        i += 1 + out->post_n.n;
    } else if (pep_tag(s, len, &i, post_w, &out->post_n) >= 0) {
        out->post = true;
    }
    if (pep_tag(s, len, &i, dev_w, &out->dev_n) >= 0) out->dev = true;
    if (i < len && s[i] == '+') {
        i++;
        for (;;) {
            size_t st = i;
            while (i < len && is_alnum((unsigned char)s[i])) i++;
            if (i == st) return "an empty segment in the local version (after '+' or a separator)";
            if (out->nlocal == PEP_MAX_PARTS) return "more than 32 local version segments";
            out->local[out->nlocal].s = s + st;
            out->local[out->nlocal++].n = i - st;
            if (i < len && pep_sep((unsigned char)s[i])) { i++; continue; }
            break;
        }
    }
    if (i < len)
        return "not a PEP 440 version: [N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]";
    return NULL;
}

static bool span_all_digits(span_t x)
{
    for (size_t i = 0; i < x.n; i++)
        if (!is_digit((unsigned char)x.s[i])) return false;
    return true;
}

static int ci_text_cmp(span_t a, span_t b)
{
    size_t n = a.n < b.n ? a.n : b.n;
    for (size_t i = 0; i < n; i++) {
        unsigned char x = (unsigned char)a.s[i], y = (unsigned char)b.s[i];
        if (is_alpha(x)) x |= 32;
        if (is_alpha(y)) y |= 32;
        if (x != y) return x < y ? -1 : 1;
    }
    return a.n == b.n ? 0 : (a.n < b.n ? -1 : 1);
}

/* packaging's _cmpkey: epoch, release without trailing zeros, pre (a
   dev-only release sorts before its pre-releases, no pre after them), post
   (none first), dev (none last), local (none first; numbers above words). */
static int pep_cmp(const pep440 *a, const pep440 *b)
{
    int r = num_cmp(a->epoch.s, a->epoch.n, b->epoch.s, b->epoch.n);
    if (r) return r;
    unsigned n = a->nrel > b->nrel ? a->nrel : b->nrel;
    for (unsigned k = 0; k < n; k++) {
        span_t x = k < a->nrel ? a->rel[k] : (span_t){"0", 1};
        span_t y = k < b->nrel ? b->rel[k] : (span_t){"0", 1};
        if ((r = num_cmp(x.s, x.n, y.s, y.n))) return r;
    }
    int ca = a->pre >= 0 ? 1 : (!a->post && a->dev ? 0 : 2);
    int cb = b->pre >= 0 ? 1 : (!b->post && b->dev ? 0 : 2);
    if (ca != cb) return ca < cb ? -1 : 1;
    if (ca == 1) {
        if (a->pre != b->pre) return a->pre < b->pre ? -1 : 1;
        if ((r = num_cmp(a->pre_n.s, a->pre_n.n, b->pre_n.s, b->pre_n.n))) return r;
    }
    if (a->post != b->post) return a->post ? 1 : -1;
    if (a->post && (r = num_cmp(a->post_n.s, a->post_n.n, b->post_n.s, b->post_n.n))) return r;
    if (a->dev != b->dev) return a->dev ? -1 : 1;
    if (a->dev && (r = num_cmp(a->dev_n.s, a->dev_n.n, b->dev_n.s, b->dev_n.n))) return r;
    if (!a->nlocal || !b->nlocal) return a->nlocal == b->nlocal ? 0 : (a->nlocal ? 1 : -1);
    unsigned m = a->nlocal < b->nlocal ? a->nlocal : b->nlocal;
    for (unsigned k = 0; k < m; k++) {
        bool na = span_all_digits(a->local[k]), nb = span_all_digits(b->local[k]);
        if (na != nb) return na ? 1 : -1;
        r = na ? num_cmp(a->local[k].s, a->local[k].n, b->local[k].s, b->local[k].n)
               : ci_text_cmp(a->local[k], b->local[k]);
        if (r) return r;
    }
    return a->nlocal == b->nlocal ? 0 : (a->nlocal < b->nlocal ? -1 : 1);
}

/* ================================================================ maven */

/* Maven's ComparableVersion (maven-artifact 3.9), which Maven itself and
   OSV's Maven matching use.  The version, lower-cased, is a list of items: '.'
   separates items of one list; '-', and a change between digits and
   letters, starts a sub-list that takes the rest of the version (so the
   structure is a chain of levels, each one's last element being the next
   level).  An empty item is 0.  Each level drops an empty sub-list and
   every "null" item (0, "", ga, final, release) that ends it or stands
   before a string, innermost first.
   Items compare: numbers by value; qualifiers alpha < beta < milestone <
   rc = cr < snapshot < "" < sp < other words (as text); a one-letter a, b,
   m right before a digit is alpha, beta, milestone; a number is newer than
   a qualifier or a sub-list, a sub-list newer than a qualifier; against a
   missing item, a number is newer unless 0, a qualifier by its order
   against "", a sub-list by its first item. */
#define MVN_MAX_ITEMS 64

enum { MVN_NONE, MVN_NUM, MVN_STR, MVN_LIST };   /* what an element of a list is */

typedef struct {
    bool num;
    const char *s; size_t n;   /* digits, or the qualifier's text (case folded on compare) */
    int rank;                  /* qualifiers: 0..6 known, 7 other */
} mvn_item;

typedef struct {
    mvn_item it[MVN_MAX_ITEMS];
    uint8_t level[MVN_MAX_ITEMS];  /* the level each item belongs to */
    unsigned n, nlevels;
    unsigned start[MVN_MAX_ITEMS + 1], count[MVN_MAX_ITEMS + 1];
    bool child[MVN_MAX_ITEMS + 1];
} mvn_ver;

static bool mvn_is(const char *s, size_t n, const char *w)
{
    if (strlen(w) != n) return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)(s[i] | (is_alpha((unsigned char)s[i]) ? 32 : 0)) != (unsigned char)w[i]) return false;
    return true;
}

static mvn_item mvn_string(const char *s, size_t n, bool followed_by_digit)
{
    mvn_item it = {false, s, n, 7};
    if (followed_by_digit && n == 1) {
        char c = (char)(s[0] | 32);
        if (c == 'a') { it.s = "alpha"; it.n = 5; }
        if (c == 'b') { it.s = "beta"; it.n = 4; }
        if (c == 'm') { it.s = "milestone"; it.n = 9; }
    }
    static const char *const q[] = {"alpha", "beta", "milestone", "rc", "snapshot", "", "sp"};
    if (mvn_is(it.s, it.n, "ga") || mvn_is(it.s, it.n, "final") || mvn_is(it.s, it.n, "release")) { it.s = ""; it.n = 0; }
    if (mvn_is(it.s, it.n, "cr")) { it.s = "rc"; it.n = 2; }
    for (int k = 0; k < 7; k++)
        if (mvn_is(it.s, it.n, q[k])) it.rank = k;
    return it;
}

static bool mvn_null(const mvn_item *it)
{
    return it->num ? num_cmp(it->s, it->n, "0", 1) == 0 : it->rank == 5;
}

static const char *mvn_add(mvn_ver *v, unsigned level, mvn_item it)
{
    if (v->n == MVN_MAX_ITEMS) return "more than 64 parts in a Maven version";
    v->it[v->n] = it;
    v->level[v->n++] = (uint8_t)level;
    return NULL;
}

static const char *mvn_parse(const char *s, size_t len, mvn_ver *v)
{
    memset(v, 0, sizeof *v);
    if (len == 0) return "version string is empty";
    unsigned level = 0;
    bool digit = false;
    size_t start = 0;
    const char *e = NULL;
    static const mvn_item zero = {true, "0", 1, 0};
    for (size_t i = 0; i < len && !e; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x21 || c > 0x7e) return "invalid character in a Maven version (printable ASCII only)";
        if (c == '.' || c == '-') {
            mvn_item it = i == start ? zero : digit ? (mvn_item){true, s + start, i - start, 0}
                                                    : mvn_string(s + start, i - start, false);
            e = mvn_add(v, level, it);
            start = i + 1;
            if (c == '-') { v->child[level] = true; level++; }
        } else if (is_digit(c)) {
            if (!digit && i > start) {
                e = mvn_add(v, level, mvn_string(s + start, i - start, true));
                start = i;
                v->child[level] = true;
                level++;
            }
            digit = true;
        } else {
            if (digit && i > start) {
                e = mvn_add(v, level, (mvn_item){true, s + start, i - start, 0});
                start = i;
                v->child[level] = true;
                level++;
            }
            digit = false;
        }
        if (level > MVN_MAX_ITEMS - 1) return "more than 64 parts in a Maven version";
    }
    if (!e && len > start)
        e = mvn_add(v, level, digit ? (mvn_item){true, s + start, len - start, 0}
                                    : mvn_string(s + start, len - start, false));
    if (e) return e;
    v->nlevels = level + 1;
    /* items are added level by level, in order: each level is one run */
    for (unsigned k = 0, i = 0; k < v->nlevels; k++) {
        v->start[k] = i;
        while (i < v->n && v->level[i] == k) i++;
        v->count[k] = i - v->start[k];
    }
    /* normalize, innermost first (Maven 3.9, MNG-7644): an empty sub-list
       goes; a null item goes when it ends its list or a string follows it
       (directly, or as the first item of the sub-list after it), so
       "2.0.a" is "2-a" and "1.0.0" is "1" */
    for (unsigned k = v->nlevels; k-- > 0;) {
        if (v->child[k] && v->count[k + 1] == 0 && !v->child[k + 1]) v->child[k] = false;
        mvn_item *it = &v->it[v->start[k]];
        int next = !v->child[k] ? MVN_NONE
                 : v->count[k + 1] ? (v->it[v->start[k + 1]].num ? MVN_NUM : MVN_STR) : MVN_LIST;
        unsigned n = v->count[k];
        bool drop[MVN_MAX_ITEMS] = {false};
        for (unsigned j = n; j-- > 0;) {
            if (mvn_null(&it[j]) && (next == MVN_NONE || next == MVN_STR)) { drop[j] = true; continue; }
            next = it[j].num ? MVN_NUM : MVN_STR;
        }
        unsigned o = 0;
        for (unsigned j = 0; j < n; j++)
            if (!drop[j]) it[o++] = it[j];
        v->count[k] = o;
    }
    return NULL;
}

/* Element j of level k: its kind and, for a scalar, the item. */
static int mvn_elem(const mvn_ver *v, unsigned k, unsigned j, const mvn_item **it)
{
    if (j < v->count[k]) { *it = &v->it[v->start[k] + j]; return (*it)->num ? MVN_NUM : MVN_STR; }
    if (j == v->count[k] && v->child[k]) return MVN_LIST;
    return MVN_NONE;
}

static int mvn_qual_cmp(const mvn_item *a, const mvn_item *b)
{
    /* comparableQualifier: the known rank as a digit, others "7-" + text */
    if (a->rank != b->rank) return a->rank < b->rank ? -1 : 1;
    if (a->rank < 7) return 0;
    span_t x = {a->s, a->n}, y = {b->s, b->n};
    return ci_text_cmp(x, y);
}

static int mvn_list_cmp(const mvn_ver *a, unsigned ka, const mvn_ver *b, unsigned kb);

/* An element against nothing (the other list ran out). */
static int mvn_vs_none(const mvn_ver *v, unsigned k, int kind, const mvn_item *it)
{
    static const mvn_item release = {false, "", 0, 5};
    switch (kind) {
    case MVN_NUM: return mvn_null(it) ? 0 : 1;
    case MVN_STR: return mvn_qual_cmp(it, &release);
    case MVN_LIST: {
        const mvn_item *first;
        int fk = mvn_elem(v, k + 1, 0, &first);
        return fk == MVN_NONE ? 0 : mvn_vs_none(v, k + 1, fk, first);
    }
    }
    return 0;
}

static int mvn_list_cmp(const mvn_ver *a, unsigned ka, const mvn_ver *b, unsigned kb)
{
    for (unsigned j = 0;; j++) {
        const mvn_item *x = NULL, *y = NULL;
        int tx = mvn_elem(a, ka, j, &x), ty = mvn_elem(b, kb, j, &y);
        int r;
        if (tx == MVN_NONE && ty == MVN_NONE) return 0;
        if (tx == MVN_NONE) r = -mvn_vs_none(b, kb, ty, y);
        else if (ty == MVN_NONE) r = mvn_vs_none(a, ka, tx, x);
        else if (tx == ty && tx == MVN_NUM) r = num_cmp(x->s, x->n, y->s, y->n);
        else if (tx == ty && tx == MVN_STR) r = mvn_qual_cmp(x, y);
        else if (tx == ty) r = mvn_list_cmp(a, ka + 1, b, kb + 1);
        else if (tx == MVN_NUM || ty == MVN_NUM) r = tx == MVN_NUM ? 1 : -1;
        else r = tx == MVN_LIST ? 1 : -1;           /* a sub-list is newer than a qualifier */
        if (r) return r;
    }
}

static int mvn_cmp(const mvn_ver *a, const mvn_ver *b) { return mvn_list_cmp(a, 0, b, 0); }

/* ================================================================ rubygems */

/* Gem::Version: ANCHORED_VERSION_PATTERN, then "-" read as ".pre."; the
   segments are runs of digits (numbers) or letters (strings); trailing
   zeros are dropped from the numeric part and from the part after the first
   string; a string sorts below a number (1.0.a < 1.0), strings compare by
   bytes, and a missing segment is 0. */
#define GEM_MAX_SEGS 64

typedef struct { span_t seg[GEM_MAX_SEGS]; bool num[GEM_MAX_SEGS]; unsigned n; } gem_ver;

static const char *gem_parse(const char *s, size_t len, gem_ver *g)
{
    g->n = 0;
    if (len == 0) return "version string is empty";
    /* [0-9]+(\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)? */
    if (!is_digit((unsigned char)s[0])) return "a RubyGems version starts with a number";
    bool in_pre = false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (is_alnum(c)) continue;
        if (c == '-' ) {
            if (!in_pre) { in_pre = true; if (i + 1 >= len || s[i + 1] == '.' ) return "a pre-release after '-' is empty"; continue; }
            continue;
        }
        if (c == '.') {
            if (i + 1 >= len || s[i + 1] == '.' || s[i + 1] == '-' || s[i - 1] == '.' || s[i - 1] == '-')
                return "an empty segment between dots";
            continue;
        }
        return "invalid character in a RubyGems version (letters, digits, '.' and '-')";
    }
    unsigned n = 0;
    bool saw_string = false;
    unsigned string_start = 0;
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)s[i];
        if (!is_alnum(c)) {
            if (c == '-') {   /* "-" is ".pre.": a "pre" segment */
                if (n == GEM_MAX_SEGS) return "more than 64 segments in a RubyGems version";
                g->seg[n] = (span_t){"pre", 3};
                g->num[n] = false;
                if (!saw_string) { saw_string = true; string_start = n; }
                n++;
            }
            i++;
            continue;
        }
        size_t st = i;
        bool num = is_digit(c);
        while (i < len && is_alnum((unsigned char)s[i]) && (is_digit((unsigned char)s[i]) == num)) i++;
        if (n == GEM_MAX_SEGS) return "more than 64 segments in a RubyGems version";
        g->seg[n] = (span_t){s + st, i - st};
        g->num[n] = num;
        if (!num && !saw_string) { saw_string = true; string_start = n; }
        n++;
    }
    /* canonical: drop trailing zeros of each part */
    unsigned a_end = saw_string ? string_start : n;
    unsigned k = a_end;
    while (k > 0 && g->num[k - 1] && num_cmp(g->seg[k - 1].s, g->seg[k - 1].n, "0", 1) == 0) k--;
    unsigned b_end = n;
    while (b_end > a_end && g->num[b_end - 1] && num_cmp(g->seg[b_end - 1].s, g->seg[b_end - 1].n, "0", 1) == 0) b_end--;
    unsigned o = k;
    for (unsigned j = a_end; j < b_end; j++, o++) { g->seg[o] = g->seg[j]; g->num[o] = g->num[j]; }
    g->n = o;
    return NULL;
}

static int gem_cmp(const gem_ver *a, const gem_ver *b)
{
    unsigned n = a->n > b->n ? a->n : b->n;
    for (unsigned k = 0; k < n; k++) {
        span_t x = k < a->n ? a->seg[k] : (span_t){"0", 1};
        span_t y = k < b->n ? b->seg[k] : (span_t){"0", 1};
        bool xn = k < a->n ? a->num[k] : true, yn = k < b->n ? b->num[k] : true;
        int r;
        if (xn && yn) r = num_cmp(x.s, x.n, y.s, y.n);
        else if (xn != yn) r = xn ? 1 : -1;
        else r = text_cmp(x.s, x.n, y.s, y.n);
        if (r) return r;
    }
    return 0;
}

/* ================================================================ go, npm */

/* Go: module versions are semver with a 'v' ("v1.2.3", pseudo-versions
   "v0.0.0-20240101000000-abcdef123456", "+incompatible"); the toolchain
   names itself "go1.21.3", "go1.21", "go1.22rc1", "go1.9beta2", which OSV's
   "stdlib" entries write as 1.21.3, 1.21.0, 1.22.0-rc.1, 1.9.0-beta.2.
   A toolchain version is rewritten to that semver form in buf. */
static const char *go_normalize(const char *s, size_t len, char *buf, size_t cap,
                                const char **out, size_t *outlen)
{
    *out = s;
    *outlen = len;
    if (len < 3 || s[0] != 'g' || s[1] != 'o' || !is_digit((unsigned char)s[2])) return NULL;
    size_t i = 2, o = 0;
    int parts = 0;
    while (parts < 3) {
        size_t d = digits_at(s, len, i);
        if (!d) return "a Go toolchain version is go1.N[.N][rcN|betaN]";
        if (o + d + 2 > cap) return "Go version too long";
        if (parts) buf[o++] = '.';
        memcpy(buf + o, s + i, d);
        o += d;
        i += d;
        parts++;
        if (i < len && s[i] == '.') { i++; continue; }
        break;
    }
    while (parts++ < 3) { if (o + 3 > cap) return "Go version too long"; memcpy(buf + o, ".0", 2); o += 2; }
    if (i < len) {
        const char *kind = NULL;
        if (len - i > 2 && !memcmp(s + i, "rc", 2)) { kind = "rc"; i += 2; }
        else if (len - i > 4 && !memcmp(s + i, "beta", 4)) { kind = "beta"; i += 4; }
        size_t d = kind ? digits_at(s, len, i) : 0;
        if (!kind || !d || i + d != len) return "a Go toolchain version is go1.N[.N][rcN|betaN]";
        if (o + strlen(kind) + d + 3 > cap) return "Go version too long";
        buf[o++] = '-';
        memcpy(buf + o, kind, strlen(kind));
        o += strlen(kind);
        buf[o++] = '.';
        memcpy(buf + o, s + i, d);
        o += d;
    }
    *out = buf;
    *outlen = o;
    return NULL;
}

/* node-semver (loose): a leading '=' or 'v' before a semver 2.0.0 version. */
static void npm_strip(const char **s, size_t *len)
{
    if (*len > 1 && (**s == '=' || **s == 'v')) { (*s)++; (*len)--; }
    if (*len > 1 && **s == 'v') { (*s)++; (*len)--; }
}

/* ================================================================ API */

static const struct { const char *name; int eco; } eco_names[] = {
    /* canonical names first: pal_ver_eco_name gives the first of each */
    {"dpkg", PAL_VER_DPKG}, {"apk", PAL_VER_APK}, {"rpm", PAL_VER_RPM},
    {"semver", PAL_VER_SEMVER}, {"windows", PAL_VER_WINDOWS}, {"npm", PAL_VER_NPM},
    {"pypi", PAL_VER_PYPI}, {"go", PAL_VER_GO}, {"maven", PAL_VER_MAVEN},
    {"rubygems", PAL_VER_RUBYGEMS}, {"cargo", PAL_VER_CARGO},
    {"debian", PAL_VER_DPKG}, {"ubuntu", PAL_VER_DPKG}, {"alpine", PAL_VER_APK},
    {"redhat", PAL_VER_RPM}, {"red hat", PAL_VER_RPM}, {"rhel", PAL_VER_RPM},
    {"centos", PAL_VER_RPM}, {"fedora", PAL_VER_RPM}, {"rocky", PAL_VER_RPM},
    {"rocky linux", PAL_VER_RPM}, {"almalinux", PAL_VER_RPM}, {"amazon", PAL_VER_RPM},
    {"amzn", PAL_VER_RPM}, {"mariner", PAL_VER_RPM}, {"azure linux", PAL_VER_RPM},
    {"oracle", PAL_VER_RPM}, {"ol", PAL_VER_RPM}, {"suse", PAL_VER_RPM},
    {"sles", PAL_VER_RPM}, {"opensuse", PAL_VER_RPM},
    {"python", PAL_VER_PYPI}, {"pip", PAL_VER_PYPI}, {"golang", PAL_VER_GO},
    {"java", PAL_VER_MAVEN}, {"gem", PAL_VER_RUBYGEMS}, {"crates.io", PAL_VER_CARGO},
    {"rust", PAL_VER_CARGO},
};

int pal_ver_eco_from_name(const char *name)
{
    if (!name)
        return 0;
    for (size_t k = 0; k < sizeof eco_names / sizeof eco_names[0]; k++) {
        const char *p = eco_names[k].name, *q = name;
        while (*p && (*q | (is_alpha((unsigned char)*q) ? 32 : 0)) == *p) { p++; q++; }
        if (!*p && !*q)
            return eco_names[k].eco;
    }
    return 0;
}

const char *pal_ver_eco_name(pal_ver_eco eco)
{
    for (size_t k = 0; k < sizeof eco_names / sizeof eco_names[0]; k++)
        if (eco_names[k].eco == (int)eco) return eco_names[k].name;
    return "?";
}

/* One parsed version of any ecosystem (the stack space of the largest). */
typedef struct {
    union {
        dpkg_ver d; rpm_evr r; semver s; uint32_t w[WIN_MAX_PARTS];
        pep440 p; mvn_ver m; gem_ver g;
    } u;
    char buf[160];                      /* Go: a toolchain version rewritten */
    const char *apk; size_t apklen;
} any_ver;

static const char *parse_any(pal_ver_eco eco, const char *v, size_t len, any_ver *out)
{
    if (!v && len) return "no version";
    if (!v) v = "";
    switch (eco) {
    case PAL_VER_DPKG:     return dpkg_parse(v, len, &out->u.d);
    case PAL_VER_APK:      out->apk = v; out->apklen = len; return apk_error(v, len);
    case PAL_VER_RPM:      return rpm_parse(v, len, &out->u.r);
    case PAL_VER_SEMVER:
    case PAL_VER_CARGO:    return semver_parse(v, len, &out->u.s);
    case PAL_VER_NPM:      npm_strip(&v, &len); return semver_parse(v, len, &out->u.s);
    case PAL_VER_GO: {
        const char *g;
        size_t glen;
        const char *e = go_normalize(v, len, out->buf, sizeof out->buf, &g, &glen);
        return e ? e : semver_parse(g, glen, &out->u.s);
    }
    case PAL_VER_WINDOWS:  return win_parse(v, len, out->u.w);
    case PAL_VER_PYPI:     return pep_parse(v, len, &out->u.p);
    case PAL_VER_MAVEN:    return mvn_parse(v, len, &out->u.m);
    case PAL_VER_RUBYGEMS: return gem_parse(v, len, &out->u.g);
    }
    return "unknown version ecosystem";
}

const char *pal_ver_error(pal_ver_eco eco, const char *v, size_t len)
{
    any_ver x;
    return parse_any(eco, v, len, &x);
}

int pal_ver_cmp(pal_ver_eco eco, const char *a, size_t alen,
                const char *b, size_t blen, int *cmp)
{
    *cmp = 0;
    any_ver x, y;
    if (parse_any(eco, a, alen, &x) || parse_any(eco, b, blen, &y))
        return -1;
    int r = 0;
    switch (eco) {
    case PAL_VER_DPKG:     r = dpkg_cmp(&x.u.d, &y.u.d); break;
    case PAL_VER_APK:      r = apk_cmp(x.apk, x.apklen, y.apk, y.apklen); break;
    case PAL_VER_RPM:      r = rpm_cmp(&x.u.r, &y.u.r); break;
    case PAL_VER_SEMVER:
    case PAL_VER_CARGO:
    case PAL_VER_NPM:
    case PAL_VER_GO:       r = semver_cmp(&x.u.s, &y.u.s); break;
    case PAL_VER_PYPI:     r = pep_cmp(&x.u.p, &y.u.p); break;
    case PAL_VER_MAVEN:    r = mvn_cmp(&x.u.m, &y.u.m); break;
    case PAL_VER_RUBYGEMS: r = gem_cmp(&x.u.g, &y.u.g); break;
    case PAL_VER_WINDOWS:
        for (int k = 0; k < WIN_MAX_PARTS && r == 0; k++)
            if (x.u.w[k] != y.u.w[k])
                r = x.u.w[k] < y.u.w[k] ? -1 : 1;
        break;
    default:
        return -1;
    }
    *cmp = r;
    return 0;
}

/*
 * test_version.c — ecosystem version ordering (engine/core/version.h).
 *
 * The vectors are the ecosystems' own published tests: rpm's
 * tests/rpmvercmp.at and apk-tools' test/version.data (carried as data files
 * under tests/unit/data/, read from the repository root), the precedence examples
 * and the valid/invalid lists of semver.org, and dpkg's examples from Debian
 * Policy 5.6.12 and lib/dpkg/t/t-version.c.  Every pair is also checked in
 * reverse (cmp(b,a) == -cmp(a,a)), and orderings are checked for transitivity
 * on random triples.  tests/unit/test_version_dpkg.c compares dpkg itself on
 * real archive versions.
 */
#include "unit.h"
#include "engine/core/version.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define S(x) (x), strlen(x)

static const char *eco_name(pal_ver_eco eco) { return pal_ver_eco_name(eco); }

/* Checks cmp(a,b) == want and cmp(b,a) == -want. */
static void expect_cmp(pal_ver_eco eco, const char *a, const char *b, int want)
{
    int c1 = 99, c2 = 99;
    int r1 = pal_ver_cmp(eco, S(a), S(b), &c1);
    int r2 = pal_ver_cmp(eco, S(b), S(a), &c2);
    if (r1 == 0 && r2 == 0 && c1 == want && c2 == -want) {
        unit_pass++;
        return;
    }
    unit_fail++;
    fprintf(stderr, "%s: cmp(%s, %s): want %d, got %d (rc %d), reverse %d (rc %d)%s%s\n",
            eco_name(eco), a, b, want, c1, r1, c2, r2,
            pal_ver_error(eco, S(a)) ? " | a: " : "",
            pal_ver_error(eco, S(a)) ? pal_ver_error(eco, S(a)) : "");
}

static void expect_valid(pal_ver_eco eco, const char *v)
{
    const char *err = pal_ver_error(eco, S(v));
    if (!err) {
        unit_pass++;
        return;
    }
    unit_fail++;
    fprintf(stderr, "%s: '%s' rejected: %s\n", eco_name(eco), v, err);
}

/* An invalid version has a message, and never compares. */
static void expect_invalid(pal_ver_eco eco, const char *v)
{
    const char *err = pal_ver_error(eco, S(v));
    int c = 99;
    int rc1 = pal_ver_cmp(eco, S(v), S("1.0.0"), &c);
    int rc2 = pal_ver_cmp(eco, S("1.0.0"), S(v), &c);
    if (err && *err && rc1 == -1 && rc2 == -1 && c == 0) {
        unit_pass++;
        return;
    }
    unit_fail++;
    fprintf(stderr, "%s: '%s' accepted (rc %d/%d)\n", eco_name(eco), v, rc1, rc2);
}

/* Pool of valid versions per ecosystem for the property checks. */
#define POOL_MAX 2048
static const char *pool[PAL_VER__LAST + 1][POOL_MAX];
static size_t pool_n[PAL_VER__LAST + 1];
static void pool_add(pal_ver_eco eco, const char *v)
{
    if (pool_n[eco] < POOL_MAX && !pal_ver_error(eco, S(v)))
        pool[eco][pool_n[eco]++] = v;
}

static void cmp_chain(pal_ver_eco eco, const char *const *v, size_t n)
{
    /* v is in strictly ascending order: every earlier one is lower */
    for (size_t i = 0; i < n; i++) {
        pool_add(eco, v[i]);
        for (size_t j = i; j < n; j++)
            expect_cmp(eco, v[i], v[j], i == j ? 0 : -1);
    }
}

/* ------------------------------------------------------------------ rpm */

/* Reads a vector file of tests/unit/data/: every line that is not blank
   or a '#' comment, NUL-terminated, in *lines (static storage). */
#define VEC_MAX 2048
static size_t read_vectors(const char *path, char *lines[VEC_MAX])
{
    FILE *f = fopen(path, "r");
    if (!f) {
        unit_fail++;
        fprintf(stderr, "cannot read %s (run the tests from the repository root)\n", path);
        return 0;
    }
    size_t n = 0;
    char buf[512];
    while (n < VEC_MAX && fgets(buf, sizeof buf, f)) {
        buf[strcspn(buf, "\r\n")] = 0;
        if (!buf[0] || buf[0] == '#') continue;
        lines[n++] = strdup(buf);
    }
    fclose(f);
    return n;
}

static void test_rpm(void)
{
    /* rpm's tests/rpmvercmp.at, carried as tests/unit/data/rpmvercmp.data */
    static char *lines[VEC_MAX];
    size_t n = read_vectors("tests/unit/data/rpmvercmp.data", lines), checked = 0;
    for (size_t i = 0; i < n; i++) {
        char a[128], b[128];
        int want;
        if (sscanf(lines[i], "RPMVERCMP(%127[^,], %127[^,], %d)", a, b, &want) != 3) {
            unit_fail++;
            fprintf(stderr, "bad rpm vector line '%s'\n", lines[i]);
            continue;
        }
        expect_valid(PAL_VER_RPM, a);
        expect_cmp(PAL_VER_RPM, a, b, want);
        *strchr(lines[i], ',') = 0;                       /* the line keeps a alone */
        pool_add(PAL_VER_RPM, lines[i] + strlen("RPMVERCMP("));
        checked++;
    }
    CHECK(checked >= 97);
    printf("rpm: %zu published pairs compared\n", checked);
    /* epoch:version-release */
    expect_cmp(PAL_VER_RPM, "1:1.0-1", "2.0-1", 1);
    expect_cmp(PAL_VER_RPM, "0:1.0-1", "1.0-1", 0);
    expect_cmp(PAL_VER_RPM, "00:1.0", "0:1.0", 0);
    expect_cmp(PAL_VER_RPM, "2:0.1", "10:0.1", -1);
    expect_cmp(PAL_VER_RPM, "1.0-1", "1.0-2", -1);
    expect_cmp(PAL_VER_RPM, "1.0-10", "1.0-9", 1);
    expect_cmp(PAL_VER_RPM, "2.0-1.el8", "2.0-1.el7", 1);
    expect_cmp(PAL_VER_RPM, "2.0-1.el8_4.1", "2.0-1.el8_4", 1);
    expect_cmp(PAL_VER_RPM, "3.0.7-24.el9", "3.0.7-25.el9", -1);
    expect_cmp(PAL_VER_RPM, "1.1.1k-7.el8_6", "1.1.1k-9.el8_7", -1);
    /* as rpm's rpmverCmp (rpm.vercmp), a missing release is older than any
       release (tests/e2e/rpm.sh asks rpm itself) */
    expect_cmp(PAL_VER_RPM, "1", "1-1", -1);
    expect_cmp(PAL_VER_RPM, "1.0", "1.0-5", -1);
    expect_cmp(PAL_VER_RPM, "1.0", "1.0", 0);
    expect_cmp(PAL_VER_RPM, "1.0", "1.1-5", -1);
    expect_cmp(PAL_VER_RPM, "1.1", "1.0-5", 1);
    expect_cmp(PAL_VER_RPM, "1:1.0", "1:1.0-0", -1);
    static const char *good[] = {"1.0", "1:1.0-1.el8", "2.0.1^git1~pre+x_y", "0:0-0",
                                 "4294967295:1", "openssl-libs"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        expect_valid(PAL_VER_RPM, good[i]);
    static const char *bad[] = {"", ":1.0", "a:1.0", "1:", "1.0-", "-1", "1..0", "1.0 ",
                                " 1.0", "1.0/2", "1.0-1..2", "4294967296:1", "1:2:3",
                                "1.0-1\xff", "1.0\n"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect_invalid(PAL_VER_RPM, bad[i]);
}

/* ------------------------------------------------------------------ apk */

static void test_apk(void)
{
    size_t checked = 0, invalid = 0;
    char a[128], b[128], op[4];
    /* apk-tools' test/version.data, carried as tests/unit/data/apk-version.data */
    static char *apk_lines[VEC_MAX];
    size_t nlines = read_vectors("tests/unit/data/apk-version.data", apk_lines);
    for (size_t i = 0; i < nlines; i++) {
        if (sscanf(apk_lines[i], "%127s %3s %127s", a, op, b) != 3) {
            unit_fail++;
            fprintf(stderr, "bad apk vector line '%s'\n", apk_lines[i]);
            continue;
        }
        if (pal_ver_error(PAL_VER_APK, S(a)) || pal_ver_error(PAL_VER_APK, S(b))) {
            /* the data file keeps two lines with versions today's apk
               rejects: "23_foo" (unknown suffix) and "1.0bc" (two letters) */
            invalid++;
            CHECK(strcmp(a, "23_foo") == 0 || strcmp(b, "1.0bc") == 0);
            continue;
        }
        int want = op[0] == '<' ? -1 : op[0] == '>' ? 1 : 0;
        expect_cmp(PAL_VER_APK, a, b, want);
        if (i % 2 == 0) {                      /* a sample for the property checks */
            pool_add(PAL_VER_APK, strdup(a));
            pool_add(PAL_VER_APK, strdup(b));
        }
        checked++;
    }
    CHECK_INT(invalid, 2);
    CHECK(checked > 700);
    printf("apk: %zu published pairs compared\n", checked);

    /* leading zeros in a later number compare as text (apk-tools
       test/unit/version.data: 8.2.0015 < 8.2.002) */
    static const char *const zeros[] = {"1.0", "1.00", "1.001", "1.01", "1.1"};
    cmp_chain(PAL_VER_APK, zeros, 5);
    expect_cmp(PAL_VER_APK, "8.2.0015", "8.2.002", -1);
    expect_cmp(PAL_VER_APK, "1.05", "1.5", -1);
    expect_cmp(PAL_VER_APK, "006", "6", 0);             /* the first number is a number */
    /* suffix order: pre-releases below the release, post-releases above */
    static const char *const suffixes[] = {
        "1.0_alpha", "1.0_alpha1", "1.0_beta", "1.0_beta2", "1.0_pre", "1.0_rc1", "1.0",
        "1.0-r1", "1.0-r2", "1.0_cvs", "1.0_svn", "1.0_git", "1.0_hg", "1.0_p", "1.0_p1", "1.0a",
        "1.0.1_rc1", "1.0.1",
    };
    cmp_chain(PAL_VER_APK, suffixes, sizeof suffixes / sizeof suffixes[0]);
    /* ~hash ranks between the suffixes and -rN in token order */
    expect_cmp(PAL_VER_APK, "1.0~abc1", "1.0~abc2", -1);
    expect_cmp(PAL_VER_APK, "1.0", "1.0~abc", -1);
    expect_cmp(PAL_VER_APK, "1.0~abc-r1", "1.0~abc", 1);
    expect_cmp(PAL_VER_APK, "1.0~abc", "1.0-r1", 1);
    expect_cmp(PAL_VER_APK, "1.0_p1~abc", "1.0_p1", 1);
    expect_cmp(PAL_VER_APK, "1.0~ABC", "1.0~abc", -1);
    /* numbers beyond 64 bits order by value */
    expect_cmp(PAL_VER_APK, "1.0_pre99999999999999999999999", "1.0_pre99999999999999999999998", 1);
    expect_cmp(PAL_VER_APK, "99999999999999999999999", "1", 1);

    /* a number after the letter (apk-tools' next_token: TOKEN_LETTER may
       be followed by TOKEN_DIGIT): sudo's fix for CVE-2021-3156 */
    static const char *const letter_digit[] = {
        "1.9.5", "1.9.5p1-r0", "1.9.5p2-r0", "1.9.5p2-r1", "1.9.5p10", "1.9.5p10a", "1.9.5q",
        "1.9.6",
    };
    cmp_chain(PAL_VER_APK, letter_digit, sizeof letter_digit / sizeof letter_digit[0]);
    expect_cmp(PAL_VER_APK, "1.9.5p02", "1.9.5p2", 0);   /* a plain number: no leading-zero rule */
    expect_cmp(PAL_VER_APK, "1.0a1.2", "1.0a1.10", -1);
    static const char *good[] = {"1", "0", "1.2.3", "1.2.3a", "1.2.3_rc1_p2", "1.2.3a_beta_p1-r0",
                                 "1.9.5p2-r0", "1.0a1", "1.0a1.2", "1.0a1b", "1.9.5p2r0",
                                 "1.0~deadbeef-r3", "2.12r-r4", "20230101", "1.0_alpha_pre2"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        expect_valid(PAL_VER_APK, good[i]);
    static const char *bad[] = {
        "", "a1", "v1.0", ".1", "1.", "1..0", "1.0-r", "1.0-1", "1.0-r1-r2", "1.0_foo",
        "1.0_", "1.0A", "1.0ab", "1.0a.1", "1.0a1_", "1.0_p1.2", "1.0~", "1.0~xyz",
        "1.0-r1~abc", "1.0-r1_p1", "1.0~ab~cd", "1.0_rc1a", " 1.0", "1.0 ", "1.0-r1a",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect_invalid(PAL_VER_APK, bad[i]);
    CHECK_STR(pal_ver_error(PAL_VER_APK, S("1.0_foo")),
              "unknown suffix: apk knows _alpha _beta _pre _rc _cvs _svn _git _hg _p");
}

/* ------------------------------------------------------------------ semver */

static void test_semver(void)
{
    /* semver.org section 11 */
    static const char *const major[] = {"1.0.0", "2.0.0", "2.1.0", "2.1.1"};
    cmp_chain(PAL_VER_SEMVER, major, 4);
    static const char *const pre[] = {
        "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
        "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0",
    };
    cmp_chain(PAL_VER_SEMVER, pre, 8);
    /* section 10: build metadata does not count */
    expect_cmp(PAL_VER_SEMVER, "1.0.0+20130313144700", "1.0.0", 0);
    expect_cmp(PAL_VER_SEMVER, "1.0.0-alpha+001", "1.0.0-alpha+002", 0);
    expect_cmp(PAL_VER_SEMVER, "1.0.0-beta+exp.sha.5114f85", "1.0.0-beta", 0);
    expect_cmp(PAL_VER_SEMVER, "1.0.0+21AF26D3----117B344092BD", "1.0.0-rc.1", 1);
    /* numeric identifiers sort numerically and below alphanumeric ones;
       alphanumeric ones in ASCII order */
    expect_cmp(PAL_VER_SEMVER, "1.0.0-2", "1.0.0-10", -1);
    expect_cmp(PAL_VER_SEMVER, "1.0.0-10", "1.0.0-a", -1);
    expect_cmp(PAL_VER_SEMVER, "1.0.0-B", "1.0.0-a", -1);
    expect_cmp(PAL_VER_SEMVER, "1.0.0-alpha-2", "1.0.0-alpha.2", 1);   /* "alpha" < "alpha-2" */
    expect_cmp(PAL_VER_SEMVER, "1.0.0-0a", "1.0.0-1", 1);
    expect_cmp(PAL_VER_SEMVER, "1.9.0", "1.10.0", -1);
    expect_cmp(PAL_VER_SEMVER, "1.2.99999999999999999999", "1.2.9", 1);
    expect_cmp(PAL_VER_SEMVER, "v1.2.3", "1.2.3", 0);
    expect_cmp(PAL_VER_SEMVER, "v1.2.3-rc.1", "v1.2.3", -1);

    /* semver.org's lists of valid and invalid versions */
    static const char *good[] = {
        "0.0.4", "1.2.3", "10.20.30", "1.1.2-prerelease+meta", "1.1.2+meta", "1.1.2+meta-valid",
        "1.0.0-alpha", "1.0.0-beta", "1.0.0-alpha.beta", "1.0.0-alpha.beta.1", "1.0.0-alpha.1",
        "1.0.0-alpha0.valid", "1.0.0-alpha.0valid",
        "1.0.0-alpha-a.b-c-somethinglong+build.1-aef.1-its-okay", "1.0.0-rc.1+build.1",
        "2.0.0-rc.1+build.123", "1.2.3-beta", "10.2.3-DEV-SNAPSHOT", "1.2.3-SNAPSHOT-123",
        "1.0.0", "2.0.0", "1.1.7", "2.0.0+build.1848", "2.0.1-alpha.1227", "1.0.0-alpha+beta",
        "1.2.3----RC-SNAPSHOT.12.9.1--.12+788", "1.2.3----R-S.12.9.1--.12+meta",
        "1.2.3----RC-SNAPSHOT.12.9.1--.12", "1.0.0+0.build.1-rc.10000aaa-kk-0.1",
        "99999999999999999999999.999999999999999999.99999999999999999", "1.0.0-0A.is.legal",
        "v1.0.0",
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        expect_valid(PAL_VER_SEMVER, good[i]);
        pool_add(PAL_VER_SEMVER, good[i]);
    }
    static const char *bad[] = {
        "1", "1.2", "1.2.3-0123", "1.2.3-0123.0123", "1.1.2+.123", "+invalid", "-invalid",
        "-invalid+invalid", "-invalid.01", "alpha", "alpha.beta", "alpha.beta.1", "alpha.1",
        "alpha+beta", "alpha_beta", "alpha.", "alpha..", "beta", "1.0.0-alpha_beta", "-alpha.",
        "1.0.0-alpha..", "1.0.0-alpha..1", "1.0.0-alpha...1", "1.0.0-alpha....1",
        "1.0.0-alpha.....1", "1.0.0-alpha......1", "1.0.0-alpha.......1", "01.1.1", "1.01.1",
        "1.1.01", "1.2.3.DEV", "1.2-SNAPSHOT", "1.2.31.2.3----RC-SNAPSHOT.12.09.1--..12+788",
        "1.2-RC-SNAPSHOT", "-1.0.3-gamma+b7718", "+justmeta", "9.8.7+meta+meta",
        "9.8.7-whatever+meta+meta",
        "99999999999999999999999.999999999999999999.99999999999999999----RC-SNAPSHOT.12.09.1--------------------------------..12",
        "", "v", "vv1.0.0", "V1.0.0", " 1.0.0", "1.0.0 ", "1.0.0-", "1.0.0+", "1.0.0-a+",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect_invalid(PAL_VER_SEMVER, bad[i]);
}

/* ------------------------------------------------------------------ dpkg */

static void test_dpkg(void)
{
    /* Policy 5.6.12: "~~" < "~~a" < "~" < "" < "a" */
    static const char *const tildes[] = {"1.0~~", "1.0~~a", "1.0~", "1.0", "1.0a"};
    cmp_chain(PAL_VER_DPKG, tildes, 5);
    /* letters sort before non-letters; numbers by value */
    static const char *const order[] = {
        "1.0~rc1", "1.0", "1.0-1", "1.0-1+deb12u1", "1.0-1.1", "1.0-2", "1.0-10", "1.0a",
        "1.0+dfsg", "1.0.1", "1.1", "1.9", "1.10", "9:0.1",
    };
    cmp_chain(PAL_VER_DPKG, order, sizeof order / sizeof order[0]);
    /* the epoch wins over everything else */
    expect_cmp(PAL_VER_DPKG, "1:1.0", "2.0", 1);
    expect_cmp(PAL_VER_DPKG, "0:1.0", "1.0", 0);
    expect_cmp(PAL_VER_DPKG, "01:1.0", "1:1.0", 0);
    expect_cmp(PAL_VER_DPKG, "2147483647:1", "2147483646:9", 1);
    /* lib/dpkg/t/t-version.c */
    expect_cmp(PAL_VER_DPKG, "0:0-0", "0-0", 0);
    expect_cmp(PAL_VER_DPKG, "0-00", "00-0", 0);
    expect_cmp(PAL_VER_DPKG, "1:2-3", "1:2-3", 0);
    expect_cmp(PAL_VER_DPKG, "0:0-0", "1:0-0", -1);
    expect_cmp(PAL_VER_DPKG, "0:0-a", "0:0-b", -1);
    expect_cmp(PAL_VER_DPKG, "0", "0:0", 0);
    expect_cmp(PAL_VER_DPKG, "0:0.0-0.0", "0.0-0.0", 0);
    expect_cmp(PAL_VER_DPKG, "0:0-0-0", "0-0-0", 0);       /* upstream "0-0" */
    expect_cmp(PAL_VER_DPKG, "0:0:0-0", "0:0:0-0", 0);     /* upstream "0:0" */
    expect_cmp(PAL_VER_DPKG, "  \t0:0-1", "0:0-1", 0);     /* surrounding blanks */
    expect_cmp(PAL_VER_DPKG, "0:0-1\t  ", "0:0-1", 0);
    /* a missing revision compares as an empty one, which equals "0" */
    expect_cmp(PAL_VER_DPKG, "1.0", "1.0-0", 0);
    expect_cmp(PAL_VER_DPKG, "1.0-0", "1.0-0.1", -1);
    /* numbers of any length */
    expect_cmp(PAL_VER_DPKG, "1.99999999999999999999999", "1.99999999999999999999998", 1);
    expect_cmp(PAL_VER_DPKG, "1.000000000000000000000001", "1.1", 0);
    expect_valid(PAL_VER_DPKG, "0:09azAZ.-+~:-0");
    expect_valid(PAL_VER_DPKG, "0:0-azAZ09.+~");
    pool_add(PAL_VER_DPKG, "0:09azAZ.-+~:-0");
    pool_add(PAL_VER_DPKG, "0:0-azAZ09.+~");

    static const char *bad[] = {
        "", "  ", "0:", "0:0 0-1", "-1:0-1", "999999999999999999999999:0-1", "2147483648:1",
        "a:0-0", "A:0-0", "-0", "0:-0", "0:abc3-0", ":1.0", "1.0-", "0:0-0:0", "~1", "+1",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect_invalid(PAL_VER_DPKG, bad[i]);
    char up[] = "0:0a-0", rev[] = "0:0-0a";
    for (const char *p = "!#@$%&/|\\<>()[]{};,_=*^'"; *p; p++) {
        up[3] = *p;
        expect_invalid(PAL_VER_DPKG, up);
    }
    for (const char *p = "!#@$%&/|\\<>()[]{}:;,_=*^'"; *p; p++) {
        rev[5] = *p;
        expect_invalid(PAL_VER_DPKG, rev);
    }
    CHECK_STR(pal_ver_error(PAL_VER_DPKG, S("1.0-")), "revision after the last '-' is empty");
    /* A NUL byte inside the text is an invalid character, not a separator
       (event and inventory strings carry lengths and may contain one). */
    int c = 99;
    CHECK(pal_ver_error(PAL_VER_DPKG, "1.0\0x", 5) != NULL);
    CHECK(pal_ver_error(PAL_VER_DPKG, "1.0-1\0", 6) != NULL);
    CHECK(pal_ver_cmp(PAL_VER_DPKG, "1\0", 2, "1", 1, &c) == -1 && c == 0);
    CHECK(pal_ver_error(PAL_VER_RPM, "1.0\0", 4) != NULL);
    CHECK(pal_ver_error(PAL_VER_RPM, "1.0-1\0", 6) != NULL);
}

/* ------------------------------------------------------------------ windows */

static void test_windows(void)
{
    static const char *const builds[] = {
        "6.3.9600.20000", "10.0.14393.0", "10.0.17763.999", "10.0.17763.1234",
        "10.0.17763.1235", "10.0.17763.10000", "10.0.20348.1", "10.1",
    };
    cmp_chain(PAL_VER_WINDOWS, builds, sizeof builds / sizeof builds[0]);
    expect_cmp(PAL_VER_WINDOWS, "10.0", "10.0.0.0", 0);
    expect_cmp(PAL_VER_WINDOWS, "10", "10.0.0", 0);
    expect_cmp(PAL_VER_WINDOWS, "10.0.17763", "10.0.17763.1", -1);
    expect_cmp(PAL_VER_WINDOWS, "010.00.017763.01234", "10.0.17763.1234", 0);
    expect_cmp(PAL_VER_WINDOWS, "4294967295.0", "4294967294.9", 1);
    static const char *bad[] = {"", ".", "10.", ".10", "10..0", "10.0.x", "1.2.3.4.5",
                                "10.0.4294967296", "10.0.17763.1234 ", "v10.0", "-1", "10,0"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect_invalid(PAL_VER_WINDOWS, bad[i]);
}

/* ------------------------------------------------------------------ properties */

static uint64_t rng = 88172645463325252ull;
static size_t rnd(size_t n)
{
    rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
    return (size_t)(rng % n);
}


/* ------------------------------------------------------------------ languages */

static void test_pypi(void)
{
    /* packaging's tests/test_version.py VERSIONS, in order */
    static const char *const order[] = {
        "1.0.dev456", "1.0a1", "1.0a2.dev456", "1.0a12.dev456", "1.0a12", "1.0b1.dev456",
        "1.0b2", "1.0b2.post345.dev456", "1.0b2.post345", "1.0b2-346", "1.0c1.dev456", "1.0c1",
        "1.0rc2", "1.0c3", "1.0", "1.0.post456.dev34", "1.0.post456", "1.1.dev1",
        "1.2+123abc", "1.2+123abc456", "1.2+abc", "1.2+abc123", "1.2+abc123def", "1.2+1234.abc",
        "1.2+123456", "1.2.r32+123456", "1.2.rev33+123456",
        "1!1.0.dev456", "1!1.0a1", "1!1.0", "1!1.2.rev33+123456",
    };
    cmp_chain(PAL_VER_PYPI, order, sizeof order / sizeof order[0]);
    /* PEP 440's normalisations */
    expect_cmp(PAL_VER_PYPI, "1.0RC1", "1.0rc1", 0);
    expect_cmp(PAL_VER_PYPI, "1.0-alpha.1", "1.0a1", 0);
    expect_cmp(PAL_VER_PYPI, "1.0-1", "1.0.post1", 0);
    expect_cmp(PAL_VER_PYPI, "1.0.0", "1", 0);
    expect_cmp(PAL_VER_PYPI, "v2.0", "2", 0);
    expect_cmp(PAL_VER_PYPI, "1.0preview2", "1.0rc2", 0);
    expect_cmp(PAL_VER_PYPI, "1.0a", "1.0a0", 0);
    expect_cmp(PAL_VER_PYPI, "2.31.0", "2.4.0", 1);
    static const char *bad[] = {"", "a", "1.0+", "1.0+a..b", "1.0 ", "1.0.x", "1..0", "1.0-", "==1.0"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect_invalid(PAL_VER_PYPI, bad[i]);
}

static void test_maven(void)
{
    /* maven-artifact's ComparableVersionTest VERSIONS_QUALIFIER and VERSIONS_NUMBER */
    static const char *const qualifier[] = {
        "1-alpha2snapshot", "1-alpha2", "1-alpha-123", "1-beta-2", "1-beta123", "1-m2", "1-m11",
        "1-rc", "1-cr2", "1-rc123", "1-SNAPSHOT", "1", "1-sp", "1-sp2", "1-sp123", "1-abc",
        "1-def", "1-pom-1", "1-1-snapshot", "1-1", "1-2", "1-123",
    };
    cmp_chain(PAL_VER_MAVEN, qualifier, sizeof qualifier / sizeof qualifier[0]);
    static const char *const number[] = {
        "2.0", "2.0.a", "2-1", "2.0.2", "2.0.123", "2.1.0", "2.1-a", "2.1b", "2.1-c", "2.1-1",
        "2.1.0.1", "2.2", "2.123", "11.a2", "11.a11", "11.b2", "11.b11", "11.m2", "11.m11", "11",
        "11.a", "11b", "11c", "11m",
    };
    cmp_chain(PAL_VER_MAVEN, number, sizeof number / sizeof number[0]);
    /* testVersionsEqual */
    static const char *const eq[][2] = {
        {"1", "1"}, {"1", "1.0"}, {"1", "1.0.0"}, {"1.0", "1.0.0"}, {"1", "1-0"}, {"1", "1.0-0"},
        {"1.0", "1.0-0"}, {"1a", "1-a"}, {"1a", "1.0-a"}, {"1a", "1.0.0-a"}, {"1.0a", "1-a"},
        {"1.0.0a", "1-a"}, {"1x", "1-x"}, {"1x", "1.0-x"}, {"1.0x", "1-x"}, {"1ga", "1"},
        {"1release", "1"}, {"1final", "1"}, {"1cr", "1rc"}, {"1a1", "1-alpha-1"},
        {"1b2", "1-beta-2"}, {"1m3", "1-milestone-3"}, {"1X", "1x"}, {"1A", "1a"},
        {"1RC", "1rc"}, {"1Snapshot", "1snapshot"}, {"1-SNAPSHOT", "1-snapshot"},
    };
    for (size_t i = 0; i < sizeof eq / sizeof eq[0]; i++)
        expect_cmp(PAL_VER_MAVEN, eq[i][0], eq[i][1], 0);
    expect_cmp(PAL_VER_MAVEN, "2.17.0", "2.15.0", 1);
    expect_cmp(PAL_VER_MAVEN, "2.17.1", "2.17.1.RELEASE", 0);
    expect_invalid(PAL_VER_MAVEN, "");
    expect_invalid(PAL_VER_MAVEN, "1.0 beta");
}

static void test_rubygems(void)
{
    /* rubygems' test_gem_version.rb test_spaceship, and the prerelease order */
    static const char *const order[] = {
        "0.9", "1.0.a", "1.0.a.2", "1.0.b1", "1.0.rc1", "1.0", "1.0.0.1", "1.1", "1.2.b1",
        "1.8.2", "1.8.10", "2.0.0.pre", "2.0.0",
    };
    cmp_chain(PAL_VER_RUBYGEMS, order, sizeof order / sizeof order[0]);
    expect_cmp(PAL_VER_RUBYGEMS, "1.0", "1.0.0", 0);
    expect_cmp(PAL_VER_RUBYGEMS, "1.0", "1", 0);
    expect_cmp(PAL_VER_RUBYGEMS, "1.0-1", "1.0.pre.1", 0);        /* "-" is ".pre." */
    expect_cmp(PAL_VER_RUBYGEMS, "1.0.a10", "1.0.a9", 1);
    expect_cmp(PAL_VER_RUBYGEMS, "5.2.4", "5.2.4.4", -1);
    expect_cmp(PAL_VER_RUBYGEMS, "1.a.0", "1.a", 0);
    static const char *bad[] = {"", "junk", "1.0\n2.0", "1..2", "1.2 3.4", "1.", "-1", "1.0_1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect_invalid(PAL_VER_RUBYGEMS, bad[i]);
}

static void test_go_npm_cargo(void)
{
    static const char *const go[] = {
        "v0.0.0-20190101000000-abcdefabcdef", "v0.0.1", "v1.2.3-pre", "v1.2.3", "v1.10.0",
        "v2.0.0+incompatible", "v2.1.0",
    };
    cmp_chain(PAL_VER_GO, go, sizeof go / sizeof go[0]);
    expect_cmp(PAL_VER_GO, "1.2.3", "v1.2.3", 0);                /* OSV writes Go versions without 'v' */
    /* the toolchain, as OSV's stdlib entries spell it */
    static const char *const tool[] = {"go1.9beta2", "go1.9", "go1.20", "go1.21rc2", "go1.21.0", "go1.21.3", "go1.22.0"};
    cmp_chain(PAL_VER_GO, tool, sizeof tool / sizeof tool[0]);
    expect_cmp(PAL_VER_GO, "go1.21.3", "1.21.3", 0);
    expect_cmp(PAL_VER_GO, "go1.20", "1.20.0", 0);
    expect_cmp(PAL_VER_GO, "go1.21rc2", "1.21.0-rc.2", 0);
    expect_invalid(PAL_VER_GO, "go1.x");
    expect_invalid(PAL_VER_GO, "go1.21foo");
    expect_invalid(PAL_VER_GO, "1.21");
    /* npm: node-semver's loose leading 'v' / '=' */
    expect_cmp(PAL_VER_NPM, "=1.2.3", "1.2.3", 0);
    expect_cmp(PAL_VER_NPM, "v1.2.3", "1.2.4", -1);
    expect_cmp(PAL_VER_NPM, "4.17.21", "4.17.4", 1);
    expect_cmp(PAL_VER_NPM, "1.0.0-rc.1", "1.0.0", -1);
    static const char *const npm[] = {"0.0.1", "0.1.0", "1.0.0-alpha", "1.0.0", "1.0.1", "10.0.0"};
    cmp_chain(PAL_VER_NPM, npm, sizeof npm / sizeof npm[0]);
    static const char *const cargo[] = {"0.1.0", "0.1.1-beta.1", "0.1.1", "1.0.0", "1.10.0+build"};
    cmp_chain(PAL_VER_CARGO, cargo, sizeof cargo / sizeof cargo[0]);
    expect_invalid(PAL_VER_NPM, "1.2");
    expect_invalid(PAL_VER_CARGO, "1.0");
}

static int cmp_of(pal_ver_eco eco, const char *a, const char *b)
{
    int c = 99;
    if (pal_ver_cmp(eco, S(a), S(b), &c) != 0)
        return 99;
    return c;
}

static void test_properties(void)
{
    for (int eco = PAL_VER_DPKG; eco <= PAL_VER__LAST; eco++) {
        size_t n = pool_n[eco];
        CHECK(n >= 5);
        int bad = 0;
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < n; j++) {
                int ab = cmp_of(eco, pool[eco][i], pool[eco][j]);
                int ba = cmp_of(eco, pool[eco][j], pool[eco][i]);
                if ((ab == 99 || ab != -ba || (i == j && ab != 0)) && bad++ < 5)
                    fprintf(stderr, "%s: not antisymmetric: %s vs %s: %d / %d\n",
                            eco_name(eco), pool[eco][i], pool[eco][j], ab, ba);
            }
        /* transitivity (rpm's too, now that a missing release is simply
           older than any release) */
        {
            for (int t = 0; t < 20000; t++) {
                const char *a = pool[eco][rnd(n)], *b = pool[eco][rnd(n)], *c = pool[eco][rnd(n)];
                int ab = cmp_of(eco, a, b), bc = cmp_of(eco, b, c), ac = cmp_of(eco, a, c);
                bool ok = true;
                if (ab <= 0 && bc <= 0) ok = ac <= 0 && (ab < 0 || bc < 0 ? ac < 0 : ac == 0);
                if (ab >= 0 && bc >= 0) ok = ok && ac >= 0 && (ab > 0 || bc > 0 ? ac > 0 : ac == 0);
                if (!ok && bad++ < 5)
                    fprintf(stderr, "%s: not transitive: %s %s %s\n", eco_name(eco), a, b, c);
            }
        }
        CHECK_INT(bad, 0);
    }
}

static void test_names(void)
{
    CHECK_INT(pal_ver_eco_from_name("dpkg"), PAL_VER_DPKG);
    CHECK_INT(pal_ver_eco_from_name("debian"), PAL_VER_DPKG);
    CHECK_INT(pal_ver_eco_from_name("Ubuntu"), PAL_VER_DPKG);
    CHECK_INT(pal_ver_eco_from_name("apk"), PAL_VER_APK);
    CHECK_INT(pal_ver_eco_from_name("alpine"), PAL_VER_APK);
    CHECK_INT(pal_ver_eco_from_name("rpm"), PAL_VER_RPM);
    CHECK_INT(pal_ver_eco_from_name("semver"), PAL_VER_SEMVER);
    CHECK_INT(pal_ver_eco_from_name("WINDOWS"), PAL_VER_WINDOWS);
    CHECK_INT(pal_ver_eco_from_name("npm"), PAL_VER_NPM);
    CHECK_INT(pal_ver_eco_from_name("PyPI"), PAL_VER_PYPI);
    CHECK_INT(pal_ver_eco_from_name("Go"), PAL_VER_GO);
    CHECK_INT(pal_ver_eco_from_name("Maven"), PAL_VER_MAVEN);
    CHECK_INT(pal_ver_eco_from_name("RubyGems"), PAL_VER_RUBYGEMS);
    CHECK_INT(pal_ver_eco_from_name("crates.io"), PAL_VER_CARGO);
    CHECK_INT(pal_ver_eco_from_name("Rocky Linux"), PAL_VER_RPM);
    CHECK_STR(pal_ver_eco_name(PAL_VER_PYPI), "pypi");
    CHECK_STR(pal_ver_eco_name((pal_ver_eco)99), "?");
    CHECK_INT(pal_ver_eco_from_name("nuget"), 0);
    CHECK_INT(pal_ver_eco_from_name("dpk"), 0);
    CHECK_INT(pal_ver_eco_from_name("dpkgx"), 0);
    CHECK_INT(pal_ver_eco_from_name(""), 0);
    CHECK_INT(pal_ver_eco_from_name(NULL), 0);
    int c = 5;
    CHECK_INT(pal_ver_cmp((pal_ver_eco)0, S("1"), S("1"), &c), -1);
    CHECK(pal_ver_error((pal_ver_eco)42, S("1")) != NULL);
    CHECK(pal_ver_error(PAL_VER_SEMVER, NULL, 0) != NULL);
}

int main(void)
{
    test_rpm();
    test_apk();
    test_semver();
    test_dpkg();
    test_windows();
    test_pypi();
    test_maven();
    test_rubygems();
    test_go_npm_cargo();
    test_properties();
    test_names();
    return unit_result("test_version");
}

/*
 * test_match.c — the matching primitives of engine/core/match.h.
 *
 * Globs are also checked against a tiny backtracking reference matcher on
 * every short pattern/subject a seeded generator produces, IPs against
 * glibc's inet_pton/inet_ntop (the test may use them; the engine may not).
 */
#include "unit.h"
#include "engine/core/match.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define S(x) (x), strlen(x)

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static unsigned rnd(unsigned n)
{
    rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
    return (unsigned)(rng % n);
}

/* ------------------------------------------------------------------ paths */

static void test_paths(void)
{
    const char *a = "C:\\WINDOWS\\system32\\CMD.EXE", *b = "c:/windows/System32/cmd.exe";
    CHECK(pal_path_eq(S(a), S(b), true));
    CHECK(!pal_path_eq(S(a), S(b), false));
    CHECK(pal_path_eq(S(a), S(a), false));
    CHECK(!pal_path_eq(S("C:\\Windows\\cmd.exe"), S("C:\\Windows\\cmd.ex"), true));
    CHECK(!pal_path_eq(S("C:\\Windows\\cmd.exe"), S("C:\\Windows\\cmd.exf"), true));
    CHECK(!pal_path_eq(S("/usr/bin/sh"), S("/usr/bin/SH"), false));
    CHECK(pal_path_eq(S("/usr/bin/sh"), S("/usr/bin/sh"), false));
    CHECK(pal_path_eq(NULL, 0, NULL, 0, false));
    CHECK(pal_path_eq(NULL, 0, "", 0, true));
    /* PAL_FOLD_CASE: ASCII case only */
    CHECK(pal_path_eq(S("CMD /C"), S("cmd /c"), PAL_FOLD_CASE));
    CHECK(!pal_path_eq(S("a\\b"), S("a/b"), PAL_FOLD_CASE));
    CHECK(!pal_path_eq(S("\xc3\x89"), S("\xc3\xa9"), PAL_FOLD_CASE));
    /* only ASCII folds: UTF-8 bytes compare exactly */
    CHECK(!pal_path_eq(S("C:\\\xc3\x89t\xc3\xa9"), S("c:\\\xc3\xa9t\xc3\xa9"), true));

    char out[64];
    size_t n = pal_path_fold(S(b), out, sizeof out);
    CHECK_INT(n, strlen(b));
    out[n] = 0;
    CHECK_STR(out, "c:\\windows\\system32\\cmd.exe");
    n = pal_path_fold(S(a), out, sizeof out);
    out[n] = 0;
    CHECK_STR(out, "c:\\windows\\system32\\cmd.exe");
    CHECK(pal_path_fold(S(a), out, 5) == (size_t)-1);
    CHECK_INT(pal_path_fold(S(a), out, strlen(a)), strlen(a));
    CHECK_INT(pal_path_fold(NULL, 0, out, 0), 0);
}

/* ------------------------------------------------------------------ globs */

/* win: 0 exact, 1 the Windows path rules, 2 ASCII case only (PAL_FOLD_*) */
static bool ref_sep(char c, unsigned win) { return c == '/' || (win == 1 && c == '\\'); }
static bool ref_eq(char p, char c, unsigned win)
{
    if (!win)
        return p == c;
    unsigned char x = (unsigned char)p, y = (unsigned char)c;
    if (win == 1 && x == '/') x = '\\';
    if (win == 1 && y == '/') y = '\\';
    if (x >= 'A' && x <= 'Z') x += 32;
    if (y >= 'A' && y <= 'Z') y += 32;
    return x == y;
}

/* The obvious exponential matcher, for short inputs only. */
static bool ref_glob(const char *p, size_t pl, const char *s, size_t sl, bool path, unsigned win)
{
    if (pl == 0)
        return sl == 0;
    if (p[0] == '*') {
        size_t r = 0;
        while (r < pl && p[r] == '*')
            r++;
        bool crosses = r >= 2 || !path;
        for (size_t k = 0; k <= sl; k++) {
            if (k > 0 && !crosses && ref_sep(s[k - 1], win))
                break;
            if (ref_glob(p + r, pl - r, s + k, sl - k, path, win))
                return true;
        }
        return false;
    }
    if (sl == 0)
        return false;
    if (p[0] == '?')
        return !(path && ref_sep(s[0], win)) && ref_glob(p + 1, pl - 1, s + 1, sl - 1, path, win);
    return ref_eq(p[0], s[0], win) && ref_glob(p + 1, pl - 1, s + 1, sl - 1, path, win);
}

#define GLOB(p, s, path, win) pal_glob_match(S(p), S(s), path, win)

static void test_glob_cases(void)
{
    /* plain */
    CHECK(GLOB("nginx", "nginx", false, false));
    CHECK(!GLOB("nginx", "nginx2", false, false));
    CHECK(!GLOB("nginx", "NGINX", false, false));
    CHECK(GLOB("nginx", "NGINX", false, true));
    CHECK(GLOB("nginx", "NGINX", false, PAL_FOLD_CASE));
    /* case only: '\\' is neither '/' nor a separator */
    CHECK(!GLOB("a\\b", "A/B", false, PAL_FOLD_CASE));
    CHECK(GLOB("a\\b", "A/B", false, PAL_FOLD_PATH));
    CHECK(GLOB("*", "a\\b", true, PAL_FOLD_CASE));
    CHECK(!GLOB("*", "a\\b", true, PAL_FOLD_PATH));
    CHECK(GLOB("", "", false, false));
    CHECK(!GLOB("", "a", false, false));
    CHECK(GLOB("*", "", false, false));
    CHECK(GLOB("*", "anything/at/all", false, false));
    CHECK(!GLOB("*", "anything/at/all", true, false));
    CHECK(GLOB("**", "anything/at/all", true, false));
    CHECK(GLOB("?", "a", false, false));
    CHECK(!GLOB("?", "", false, false));
    CHECK(!GLOB("?", "ab", false, false));
    CHECK(GLOB("wincontainerapp:*", "wincontainerapp:v1", false, false));
    CHECK(!GLOB("wincontainerapp:*", "wincontainerapp", false, false));
    CHECK(GLOB("private:console_*", "private:console_2", false, false));
    CHECK(GLOB("*.exe", "C:\\app\\x.exe", false, true));
    CHECK(GLOB("*.EXE", "C:\\app\\x.exe", false, true));
    CHECK(!GLOB("*.EXE", "C:\\app\\x.exe", false, false));
    CHECK(GLOB("a*b*c", "aXXbYYc", false, false));
    CHECK(GLOB("a*b*c", "abc", false, false));
    CHECK(!GLOB("a*b*c", "acb", false, false));
    CHECK(GLOB("*a", "banana", false, false));
    CHECK(!GLOB("*a", "bananas", false, false));
    CHECK(GLOB("a?c", "abc", false, false));
    CHECK(GLOB("a?c", "a/c", false, false));
    CHECK(!GLOB("a?c", "a/c", true, false));
    CHECK(GLOB("a?c", "a\\c", true, false));     /* '\' is no separator on Linux */
    CHECK(!GLOB("a?c", "a\\c", true, true));

    /* path semantics: '*' stays in one segment, '**' crosses */
    CHECK(GLOB("/usr/bin/*", "/usr/bin/sh", true, false));
    CHECK(!GLOB("/usr/bin/*", "/usr/bin/x/sh", true, false));
    CHECK(GLOB("/usr/bin/*", "/usr/bin/x/sh", false, false));
    CHECK(GLOB("/usr/**", "/usr/bin/x/sh", true, false));
    CHECK(GLOB("/usr/**/sh", "/usr/bin/x/sh", true, false));
    CHECK(GLOB("/usr/**/sh", "/usr/bin/sh", true, false));
    CHECK(!GLOB("/usr/**/sh", "/usr/sh", true, false));     /* '**' is a run of characters */
    CHECK(GLOB("/usr/**sh", "/usr/sh", true, false));
    CHECK(GLOB("/etc/*/*.conf", "/etc/nginx/nginx.conf", true, false));
    CHECK(!GLOB("/etc/*/*.conf", "/etc/nginx/conf.d/a.conf", true, false));
    CHECK(GLOB("/etc/**/*.conf", "/etc/nginx/conf.d/a.conf", true, false));
    CHECK(GLOB("/etc/**.conf", "/etc/nginx/conf.d/a.conf", true, false));
    CHECK(GLOB("**/.ssh/*", "/home/u/.ssh/id_rsa", true, false));
    CHECK(!GLOB("**/.ssh/*", "/home/u/.ssh/keys/id_rsa", true, false));
    CHECK(GLOB("/tmp/***", "/tmp/a/b", true, false));        /* a run of 3 is '**' */

    /* Windows */
    CHECK(GLOB("C:\\Windows\\System32\\*.exe", "c:/windows/system32/PING.EXE", true, true));
    CHECK(!GLOB("C:\\Windows\\*.exe", "C:\\Windows\\System32\\cmd.exe", true, true));
    CHECK(GLOB("C:\\Windows\\**.exe", "C:\\Windows\\System32\\cmd.exe", true, true));
    CHECK(GLOB("C:/Windows/**/cmd.exe", "C:\\WINDOWS\\system32\\CMD.EXE", true, true));
    CHECK(GLOB("c:\\app\\*", "C:\\APP\\wincontainerapp.exe", true, true));
    CHECK(!GLOB("c:\\app\\*", "C:\\APP\\sub\\x.exe", true, true));
    CHECK(!GLOB("c:\\app\\*", "C:\\APP/sub\\x.exe", true, true));

    CHECK(pal_glob_has_meta(S("a*")));
    CHECK(pal_glob_has_meta(S("a?")));
    CHECK(!pal_glob_has_meta(S("C:\\Windows\\cmd.exe")));
    CHECK(!pal_glob_has_meta(NULL, 0));
    CHECK(!pal_glob_match(NULL, 0, S("a"), true, false));
    CHECK(pal_glob_match(NULL, 0, NULL, 0, true, false));
}

static void test_glob_reference(void)
{
    static const char pal[] = "ab/\\A*?";      /* pattern alphabet */
    static const char sal[] = "ab/\\A";        /* subject alphabet */
    char p[12], s[14];
    int disagreements = 0;
    for (int iter = 0; iter < 40000; iter++) {
        size_t pl = rnd(9), sl = rnd(11);
        for (size_t i = 0; i < pl; i++) p[i] = pal[rnd(sizeof pal - 1)];
        for (size_t i = 0; i < sl; i++) s[i] = sal[rnd(sizeof sal - 1)];
        bool path = rnd(2);
        unsigned win = rnd(3);
        bool got = pal_glob_match(p, pl, s, sl, path, win);
        bool want = ref_glob(p, pl, s, sl, path, win);
        if (got != want && disagreements++ < 5)
            fprintf(stderr, "glob '%.*s' vs '%.*s' path=%d win=%d: got %d want %d\n",
                    (int)pl, p, (int)sl, s, path, win, got, want);
    }
    CHECK_INT(disagreements, 0);
}

static void test_glob_adversarial(void)
{
    size_t n = 10000;
    char *s = malloc(n + 1);
    memset(s, 'a', n);
    s[n] = 0;
    for (int mode = 0; mode < 4; mode++) {
        bool path = mode & 1, win = mode & 2;
        double t0 = now_ms();
        CHECK(!pal_glob_match(S("a*a*a*a*a*a*b"), s, n, path, win));
        CHECK(pal_glob_match(S("a*a*a*a*a*a*"), s, n, path, win));
        CHECK(!pal_glob_match(S("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b*"), s, n, path, win));
        CHECK(!pal_glob_match(S("**a**a**a**a**a**a**b"), s, n, path, win));
        double dt = now_ms() - t0;
        if (dt > 500)
            fprintf(stderr, "adversarial globs took %.1f ms (path=%d win=%d)\n", dt, path, win);
        CHECK(dt < 500);
    }
    /* a long pattern of stars against a long subject: the O(p*s) bound */
    size_t pn = 2000;
    char *p = malloc(pn + 2);
    for (size_t i = 0; i < pn; i += 2) { p[i] = 'a'; p[i + 1] = '*'; }
    p[pn] = 'b';
    p[pn + 1] = 0;
    double t0 = now_ms();
    CHECK(!pal_glob_match(p, pn + 1, s, n, true, false));
    CHECK(!pal_glob_match(p, pn + 1, s, n, false, false));
    double dt = now_ms() - t0;
    if (dt > 2000)
        fprintf(stderr, "2000-byte pattern took %.1f ms\n", dt);
    CHECK(dt < 2000);
    free(p);
    free(s);
}

/* ------------------------------------------------------------------ DNS */

static void test_dns(void)
{
    const char *g = "*.google.com";
    CHECK(pal_dns_match(S(g), S("www.google.com")));
    CHECK(pal_dns_match(S(g), S("a.b.google.com")));
    CHECK(pal_dns_match(S(g), S("WWW.Google.COM.")));
    CHECK(pal_dns_match(S(g), S("x.GOOGLE.com")));
    CHECK(!pal_dns_match(S(g), S("google.com")));
    CHECK(!pal_dns_match(S(g), S("google.com.")));
    CHECK(!pal_dns_match(S(g), S("google.com.evil.net")));
    CHECK(!pal_dns_match(S(g), S("evil.com")));
    CHECK(!pal_dns_match(S(g), S("badgoogle.com")));
    CHECK(!pal_dns_match(S(g), S(".google.com")));
    CHECK(!pal_dns_match(S(g), S("a..google.com")));
    CHECK(!pal_dns_match(S(g), S("www.google.co")));
    CHECK(!pal_dns_match(S(g), S("")));
    CHECK(pal_dns_match(S("*.google.com."), S("www.google.com")));
    CHECK(pal_dns_match(S("*"), S("anything.example")));
    CHECK(pal_dns_match(S("*"), S("localhost")));
    CHECK(pal_dns_match(S("*."), S("localhost.")));
    CHECK(pal_dns_match(S("google.com"), S("GOOGLE.com.")));
    CHECK(!pal_dns_match(S("google.com"), S("www.google.com")));
    CHECK(!pal_dns_match(S("google.com"), S("google.co")));
    CHECK(!pal_dns_match(S("google.com"), S("google.com..")));
    CHECK(pal_dns_match(S("*.com"), S("evil.com")));
    CHECK(!pal_dns_match(S("*.com"), S("com")));

    CHECK(pal_dns_pattern_error(S("*")) == NULL);
    CHECK(pal_dns_pattern_error(S("*.google.com")) == NULL);
    CHECK(pal_dns_pattern_error(S("*.google.com.")) == NULL);
    CHECK(pal_dns_pattern_error(S("google.com")) == NULL);
    CHECK(pal_dns_pattern_error(S("_dmarc.example.com")) == NULL);
    CHECK(pal_dns_pattern_error(S("xn--bcher-kva.example")) == NULL);
    CHECK(pal_dns_pattern_error(S("r3---sn-abc.googlevideo.com")) == NULL);
    CHECK(pal_dns_pattern_error(S("")) != NULL);
    CHECK(pal_dns_pattern_error(S(".")) != NULL);
    CHECK(pal_dns_pattern_error(S("a*.com")) != NULL);
    CHECK(pal_dns_pattern_error(S("*com")) != NULL);
    CHECK(pal_dns_pattern_error(S("*.*.com")) != NULL);
    CHECK(pal_dns_pattern_error(S("www.*.com")) != NULL);
    CHECK(pal_dns_pattern_error(S("a..b")) != NULL);
    CHECK(pal_dns_pattern_error(S(".a.b")) != NULL);
    CHECK(pal_dns_pattern_error(S("-a.com")) != NULL);
    CHECK(pal_dns_pattern_error(S("a-.com")) != NULL);
    CHECK(pal_dns_pattern_error(S("a b.com")) != NULL);
    CHECK(pal_dns_pattern_error(S("a/b.com")) != NULL);
    CHECK(pal_dns_pattern_error(S("*.")) == NULL);
    char label[80];
    memset(label, 'a', 64);
    strcpy(label + 64, ".com");
    CHECK(pal_dns_pattern_error(S(label)) != NULL);
    memset(label, 'a', 63);
    strcpy(label + 63, ".com");                     /* a 63-byte label is fine */
    CHECK(pal_dns_pattern_error(S(label)) == NULL);
    char longname[300];
    size_t k = 0;
    while (k < 250) { memcpy(longname + k, "abcd.", 5); k += 5; }
    memcpy(longname + k, "com", 4);                 /* 253 bytes */
    CHECK(pal_dns_pattern_error(longname, k + 3) == NULL);
    CHECK(pal_dns_pattern_error(longname, k + 3 - 4) == NULL);
    longname[k + 3] = 'x';
    CHECK(pal_dns_pattern_error(longname, k + 4) != NULL);
}

/* ------------------------------------------------------------------ IPs */

static void test_ipv4(void)
{
    uint8_t ip[16];
    bool v6 = true;
    CHECK(pal_ip_parse(S("1.1.1.1"), ip, &v6));
    CHECK(!v6);
    CHECK(ip[0] == 1 && ip[1] == 1 && ip[2] == 1 && ip[3] == 1);
    CHECK(pal_ip_parse(S("255.255.255.255"), ip, &v6));
    CHECK(ip[0] == 255 && ip[3] == 255);
    CHECK(pal_ip_parse(S("0.0.0.0"), ip, &v6));
    CHECK(pal_ip_parse(S("192.168.100.7"), ip, &v6));
    CHECK(ip[0] == 192 && ip[1] == 168 && ip[2] == 100 && ip[3] == 7 && !v6);

    static const char *bad[] = {
        "", "1", "1.1.1", "1.1.1.1.1", "256.1.1.1", "1.1.1.256", "1.1.1.999",
        "01.1.1.1", "1.1.1.01", "1.1.1.00", "010.0.0.1", "1234.1.1.1", " 1.1.1.1",
        "1.1.1.1 ", "1.1.1.1x", "x1.1.1.1", "1..1.1", "1.1.1.", ".1.1.1",
        "1.1.1.1/8", "0x1.1.1.1", "+1.1.1.1", "1.-1.1.1", "1.1.1.1.", "1,1,1,1",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        bool ok = pal_ip_parse(S(bad[i]), ip, &v6);
        if (ok)
            fprintf(stderr, "accepted bad IPv4 '%s'\n", bad[i]);
        CHECK(!ok);
    }
    CHECK(!pal_ip_parse("1.1.1.1\0", 8, ip, &v6));   /* an embedded NUL */
    CHECK(!pal_ip_parse(NULL, 0, ip, &v6));
}

static void test_ipv6(void)
{
    static const char *good[] = {
        "::", "::1", "1::", "2001:db8::1", "2001:DB8:0:0:0:0:0:1", "fe80::1:2:3:4",
        "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "1::8",
        "::1.2.3.4", "64:ff9b::192.0.2.33", "1:2:3:4:5:6:1.2.3.4", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
        "0:0:0:0:0:0:0:0", "2606:4700:4700::1111", "::fffe:1.2.3.4", "1:0:0:2::3",
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        uint8_t ip[16], want[16];
        bool v6 = false;
        bool ok = pal_ip_parse(S(good[i]), ip, &v6);
        if (!ok)
            fprintf(stderr, "rejected good IPv6 '%s'\n", good[i]);
        CHECK(ok);
        CHECK(v6);
        CHECK(inet_pton(AF_INET6, good[i], want) == 1);
        CHECK(memcmp(ip, want, 16) == 0);
    }
    static const char *bad[] = {
        ":", ":::", "1:2:3:4:5:6:7:8:9", "1::2::3", ":1::", "1::2:", ":1:2:3:4:5:6:7:8",
        "1:2:3:4:5:6:7:8:", "12345::", "1:2:3:4:5:6:7", "fe80::1%eth0", "[::1]",
        "::1.2.3", "::1.2.3.4.5", "1:2:3:4:5:6:7:1.2.3.4", "::g", "1:2:3:4:5:6:7:8::",
        "::ffff:1.2.3.256", " ::1", "::1 ", "::01.2.3.4", "1.2.3.4::", "::1.2.3.4:5",
        "1:::2", "::-1", "0x1::", "2001:db8::/32",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint8_t ip[16], tmp[16];
        bool v6;
        bool ok = pal_ip_parse(S(bad[i]), ip, &v6);
        if (ok)
            fprintf(stderr, "accepted bad IPv6 '%s'\n", bad[i]);
        CHECK(!ok);
        /* glibc agrees on all of these but the zero-padded dotted quad */
        if (strcmp(bad[i], "::01.2.3.4") != 0)
            CHECK(inet_pton(AF_INET6, bad[i], tmp) != 1);
    }

    /* IPv4-mapped addresses become IPv4 */
    uint8_t ip[16];
    bool v6 = true;
    CHECK(pal_ip_parse(S("::ffff:1.2.3.4"), ip, &v6));
    CHECK(!v6);
    CHECK(ip[0] == 1 && ip[1] == 2 && ip[2] == 3 && ip[3] == 4);
    for (int i = 4; i < 16; i++)
        CHECK(ip[i] == 0);
    v6 = true;
    CHECK(pal_ip_parse(S("::FFFF:0101:0101"), ip, &v6));
    CHECK(!v6);
    CHECK(ip[0] == 1 && ip[3] == 1);
    CHECK(pal_ip_parse(S("0:0:0:0:0:ffff:1.1.1.1"), ip, &v6));
    CHECK(!v6);
    CHECK(pal_ip_parse(S("::fffe:1.2.3.4"), ip, &v6));
    CHECK(v6);
}

static void test_ip_format(void)
{
    char buf[64];
    uint8_t ip[16] = {10, 0, 0, 1};
    CHECK_INT(pal_ip_format(ip, false, buf, sizeof buf), 8);
    CHECK_STR(buf, "10.0.0.1");
    /* snprintf-style truncation */
    CHECK_INT(pal_ip_format(ip, false, buf, 4), 8);
    CHECK_STR(buf, "10.");

    struct { const char *in, *out; } cases[] = {
        {"2001:db8:0:0:0:0:2:1", "2001:db8::2:1"},
        {"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"},   /* one zero group stays */
        {"2001:0:0:1:0:0:0:1", "2001:0:0:1::1"},            /* the longest run */
        {"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"},      /* the first on a tie */
        {"::", "::"}, {"::1", "::1"}, {"1::", "1::"},
        {"2001:DB8::ABCD", "2001:db8::abcd"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bool v6;
        CHECK(pal_ip_parse(S(cases[i].in), ip, &v6));
        pal_ip_format(ip, v6, buf, sizeof buf);
        CHECK_STR(buf, cases[i].out);
    }
    memset(ip, 0, 16);
    ip[10] = ip[11] = 0xff;
    ip[12] = 1; ip[13] = 2; ip[14] = 3; ip[15] = 4;
    pal_ip_format(ip, true, buf, sizeof buf);
    CHECK_STR(buf, "::ffff:1.2.3.4");

    /* random addresses, biased to zero groups: inet_ntop agrees (except
       where glibc prints the deprecated "::a.b.c.d" form), and every text
       parses back to the same address */
    int bad = 0;
    for (int iter = 0; iter < 20000; iter++) {
        bool v6 = rnd(4) != 0;
        for (int g = 0; g < 8; g++) {
            unsigned w = rnd(3) ? 0 : rnd(3) ? rnd(0x10000) : rnd(16);
            ip[2 * g] = (uint8_t)(w >> 8);
            ip[2 * g + 1] = (uint8_t)w;
        }
        if (!v6)
            memset(ip + 4, 0, 12);
        char want[64];
        size_t n = pal_ip_format(ip, v6, buf, sizeof buf);
        CHECK_INT(n, strlen(buf));
        inet_ntop(v6 ? AF_INET6 : AF_INET, ip, want, sizeof want);
        static const uint8_t zero12[12];
        bool compat = v6 && memcmp(ip, zero12, 12) == 0 && (ip[12] | ip[13]) != 0;
        if (!compat && strcmp(buf, want) != 0 && bad++ < 5)
            fprintf(stderr, "format: got %s, inet_ntop %s\n", buf, want);
        uint8_t back[16];
        bool bv6;
        if (!pal_ip_parse(buf, n, back, &bv6) && bad++ < 5)
            fprintf(stderr, "format: %s does not parse back\n", buf);
        uint8_t norm[16];
        memcpy(norm, ip, 16);
        bool nv6 = v6;
        static const uint8_t mapped[12] = {0,0,0,0,0,0,0,0,0,0,0xff,0xff};
        if (v6 && memcmp(ip, mapped, 12) == 0) {
            memmove(norm, ip + 12, 4);
            memset(norm + 4, 0, 12);
            nv6 = false;
        }
        if ((bv6 != nv6 || memcmp(back, norm, nv6 ? 16 : 4) != 0) && bad++ < 5)
            fprintf(stderr, "format: %s parses back to another address\n", buf);
    }
    CHECK_INT(bad, 0);
}

/* ------------------------------------------------------------------ CIDRs */

static bool cidr(const char *s, uint8_t ip[16], bool *v6, unsigned *prefix, const char **err)
{
    return pal_cidr_parse(S(s), ip, v6, prefix, err);
}

static bool in(const char *net, const char *addr)
{
    uint8_t n[16], a[16];
    bool nv6, av6;
    unsigned p;
    const char *err;
    if (!cidr(net, n, &nv6, &p, &err) || !pal_ip_parse(S(addr), a, &av6)) {
        fprintf(stderr, "bad test input %s / %s\n", net, addr);
        return false;
    }
    return pal_cidr_contains(n, nv6, p, a, av6);
}

static void test_cidr(void)
{
    uint8_t ip[16];
    bool v6;
    unsigned p;
    const char *err = "unset";

    CHECK(cidr("10.0.0.0/8", ip, &v6, &p, &err));
    CHECK(!v6);
    CHECK_INT(p, 8);
    CHECK(ip[0] == 10 && ip[1] == 0);
    CHECK(err == NULL);
    CHECK(cidr("192.168.1.1", ip, &v6, &p, &err));
    CHECK_INT(p, 32);
    CHECK(cidr("0.0.0.0/0", ip, &v6, &p, &err));
    CHECK_INT(p, 0);
    CHECK(cidr("2001:db8::/32", ip, &v6, &p, &err));
    CHECK(v6);
    CHECK_INT(p, 32);
    CHECK(cidr("::1", ip, &v6, &p, &err));
    CHECK_INT(p, 128);
    CHECK(cidr("::/0", ip, &v6, &p, &err));
    CHECK(v6);
    CHECK_INT(p, 0);
    CHECK(cidr("::ffff:10.0.0.0/104", ip, &v6, &p, &err));
    CHECK(!v6);
    CHECK_INT(p, 8);
    CHECK(ip[0] == 10);
    CHECK(cidr("::ffff:1.1.1.1", ip, &v6, &p, &err));
    CHECK(!v6);
    CHECK_INT(p, 32);

    CHECK(!cidr("10.1.2.3/8", ip, &v6, &p, &err));
    CHECK_STR(err, "host bits set: did you mean 10.0.0.0/8?");
    CHECK(!cidr("192.168.1.1/23", ip, &v6, &p, &err));
    CHECK_STR(err, "host bits set: did you mean 192.168.0.0/23?");
    CHECK(!cidr("2001:db8::1/32", ip, &v6, &p, &err));
    CHECK_STR(err, "host bits set: did you mean 2001:db8::/32?");
    CHECK(!cidr("1.1.1.1/0", ip, &v6, &p, &err));
    CHECK_STR(err, "host bits set: did you mean 0.0.0.0/0?");

    static const char *bad[] = {
        "", "/8", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/08", "10.0.0.0/-1", "10.0.0.0/8/8",
        "10.0.0.0/8 ", "10.0.0.0 /8", "10.0.0/8", "::/129", "::/1000", "x/8", "10.0.0.256/8",
        "10.0.0.0/a", "::/", "::1/128x",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err = NULL;
        bool ok = cidr(bad[i], ip, &v6, &p, &err);
        if (ok)
            fprintf(stderr, "accepted bad CIDR '%s'\n", bad[i]);
        CHECK(!ok);
        CHECK(err != NULL && *err != 0);
    }
    cidr("10.0.0.0/33", ip, &v6, &p, &err);
    CHECK_STR(err, "prefix length over 32 for an IPv4 address");
    CHECK(!pal_cidr_parse(S("10.0.0.1/8"), ip, &v6, &p, NULL));   /* err may be NULL */

    CHECK(in("10.0.0.0/8", "10.255.1.1"));
    CHECK(in("10.0.0.0/8", "10.0.0.0"));
    CHECK(!in("10.0.0.0/8", "11.0.0.0"));
    CHECK(!in("10.0.0.0/8", "9.255.255.255"));
    CHECK(in("192.168.0.0/23", "192.168.1.255"));
    CHECK(!in("192.168.0.0/23", "192.168.2.0"));
    CHECK(in("0.0.0.0/0", "8.8.8.8"));
    CHECK(!in("0.0.0.0/0", "::1"));
    CHECK(!in("::/0", "8.8.8.8"));
    CHECK(in("::/0", "2001:db8::1"));
    CHECK(in("1.1.1.1", "1.1.1.1"));
    CHECK(in("1.1.1.1", "::ffff:1.1.1.1"));
    CHECK(!in("1.1.1.1", "1.1.1.2"));
    CHECK(in("2001:db8::/32", "2001:db8:ffff::1"));
    CHECK(!in("2001:db8::/32", "2001:db9::1"));
    CHECK(in("2001:db8::/127", "2001:db8::1"));
    CHECK(!in("2001:db8::/127", "2001:db8::2"));
    CHECK(in("fe80::/10", "febf::1"));
    CHECK(!in("fe80::/10", "fec0::1"));

    uint8_t net[16] = {10}, addr[16] = {10, 1};
    CHECK(!pal_cidr_contains(net, false, 33, addr, false));
    CHECK(!pal_cidr_contains(net, true, 129, addr, true));
}

/* ------------------------------------------------------------------ ports */

static void test_ports(void)
{
    int64_t lo = -1, hi = -1;
    const char *err = "unset";
    CHECK(pal_port_range_parse(S("80"), &lo, &hi, &err));
    CHECK_INT(lo, 80);
    CHECK_INT(hi, 80);
    CHECK(err == NULL);
    CHECK(pal_port_range_parse(S("8000-8080"), &lo, &hi, &err));
    CHECK_INT(lo, 8000);
    CHECK_INT(hi, 8080);
    CHECK(pal_port_range_parse(S("*"), &lo, &hi, &err));
    CHECK_INT(lo, 0);
    CHECK_INT(hi, 65535);
    CHECK(pal_port_range_parse(S("0"), &lo, &hi, &err));
    CHECK_INT(lo, 0);
    CHECK(pal_port_range_parse(S("65535"), &lo, &hi, &err));
    CHECK_INT(hi, 65535);
    CHECK(pal_port_range_parse(S("443-443"), &lo, &hi, &err));
    CHECK(pal_port_range_parse(S("0-65535"), &lo, &hi, &err));

    CHECK(!pal_port_range_parse(S("8080-8000"), &lo, &hi, &err));
    CHECK_STR(err, "port range 8080-8000 runs backwards: did you mean 8000-8080?");
    CHECK(!pal_port_range_parse(S("65536"), &lo, &hi, &err));
    CHECK_STR(err, "port number above 65535");
    static const char *bad[] = {
        "", "-", "80-", "-80", "8o", " 80", "80 ", "1-2-3", "99999999999999999999999",
        "70000-80000", "80-70000", "**", "*-80", "+80", "80,443", "0x50", "1 - 2",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err = NULL;
        bool ok = pal_port_range_parse(S(bad[i]), &lo, &hi, &err);
        if (ok)
            fprintf(stderr, "accepted bad port '%s'\n", bad[i]);
        CHECK(!ok);
        CHECK(err != NULL && *err != 0);
    }
    CHECK(!pal_port_range_parse(S("x"), &lo, &hi, NULL));
}

int main(void)
{
    test_paths();
    test_glob_cases();
    test_glob_reference();
    test_glob_adversarial();
    test_dns();
    test_ipv4();
    test_ipv6();
    test_ip_format();
    test_cidr();
    test_ports();
    return unit_result("test_match");
}

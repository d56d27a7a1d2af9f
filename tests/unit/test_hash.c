/*
 * test_hash.c — engine/inventory/hash.c: SHA-256, MD5 and the two at once.
 *
 * The references are libsodium's SHA-256 and, for MD5, the plain RFC 1321
 * loop below (the implementation hash.c had before its steps were unrolled;
 * it passes the RFC's test vectors, checked here too).  Every length from 0
 * to a few blocks, then larger ones, each fed whole, byte by byte, in
 * uneven pieces and cut at every offset around the 64-byte block edges,
 * through each entry point: pal_md5_update, pal_sha256_update and
 * pal_sha256_md5_update (also after separate updates left a partial block,
 * and with the hashes' lengths apart, where it falls back to one then the
 * other, and with SHA-256 on libsodium as on a CPU without SHA extensions).
 */
#include "unit.h"
#include "engine/inventory/inventory.h"
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

/* --- reference MD5: RFC 1321 as a loop --- */

static const uint32_t ref_k[64] = {
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
    0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
    0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
    0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
    0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
    0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
    0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
};
static const unsigned ref_s[4][4] = {{7, 12, 17, 22}, {5, 9, 14, 20}, {4, 11, 16, 23}, {6, 10, 15, 21}};

static void ref_block(uint32_t h[4], const unsigned char *p)
{
    uint32_t w[16];
    for (unsigned i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 | (uint32_t)p[4 * i + 2] << 16 |
               (uint32_t)p[4 * i + 3] << 24;
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
    for (unsigned i = 0; i < 64; i++) {
        uint32_t f;
        unsigned g;
        if (i < 16) { f = (b & c) | (~b & d); g = i; }
        else if (i < 32) { f = (d & b) | (~d & c); g = (5 * i + 1) & 15; }
        else if (i < 48) { f = b ^ c ^ d; g = (3 * i + 5) & 15; }
        else { f = c ^ (b | ~d); g = (7 * i) & 15; }
        f += a + ref_k[i] + w[g];
        unsigned s = ref_s[i / 16][i & 3];
        a = d; d = c; c = b;
        b += (f << s) | (f >> (32 - s));
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d;
}

static void ref_md5(const unsigned char *p, size_t n, unsigned char out[16])
{
    uint32_t h[4] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};
    size_t i = 0;
    for (; i + 64 <= n; i += 64) ref_block(h, p + i);
    unsigned char tail[128] = {0};
    size_t r = n - i, t = r < 56 ? 64 : 128;
    memcpy(tail, p + i, r);
    tail[r] = 0x80;
    for (unsigned k = 0; k < 8; k++) tail[t - 8 + k] = (unsigned char)(((uint64_t)n * 8) >> (8 * k));
    for (size_t o = 0; o < t; o += 64) ref_block(h, tail + o);
    for (unsigned k = 0; k < 16; k++) out[k] = (unsigned char)(h[k / 4] >> (8 * (k & 3)));
}

/* --- the ways of feeding n bytes --- */

enum { FEED_WHOLE, FEED_BYTES, FEED_UNEVEN, FEED_CUT, FEED_NWAYS };

/* calls fn over buf[0..n) cut as `way` says; `cut` is the one cut of FEED_CUT */
typedef void (*feed_fn)(void *ctx, const unsigned char *p, size_t n);
static void feed(int way, size_t cut, const unsigned char *buf, size_t n, feed_fn fn, void *ctx)
{
    switch (way) {
    case FEED_WHOLE: fn(ctx, buf, n); break;
    case FEED_BYTES: for (size_t i = 0; i < n; i++) fn(ctx, buf + i, 1); break;
    case FEED_UNEVEN:
        for (size_t o = 0, step = 1; o < n; o += step, step = step * 7 % 131 + 1)
            fn(ctx, buf + o, step < n - o ? step : n - o);
        break;
    default:
        if (cut > n) cut = n;
        fn(ctx, buf, cut);
        fn(ctx, buf + cut, n - cut);
    }
}

typedef struct { pal_sha256 s; pal_md5 m; } both;
static void f_md5(void *c, const unsigned char *p, size_t n) { pal_md5_update(&((both *)c)->m, p, n); }
static void f_sha(void *c, const unsigned char *p, size_t n) { pal_sha256_update(&((both *)c)->s, p, n); }
static void f_both(void *c, const unsigned char *p, size_t n) { both *b = c; pal_sha256_md5_update(&b->s, &b->m, p, n); }

static unsigned char *pattern(size_t n)
{
    unsigned char *b = malloc(n);
    uint32_t x = 2463534242u;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13; x ^= x >> 17; x ^= x << 5;
        b[i] = (unsigned char)x;
    }
    return b;
}

/* how many (length, way) pairs give a wrong digest through `how` */
enum { HOW_MD5, HOW_SHA, HOW_BOTH, HOW_BOTH_AFTER_SEPARATE, HOW_BOTH_LENGTHS_APART, HOW_BOTH_LIBSODIUM };
static unsigned wrong(int how, const unsigned char *buf, size_t n, unsigned *tried)
{
    unsigned char want_s[32], want_m[16], got_s[32], got_m[16];
    crypto_hash_sha256(want_s, buf, n);
    ref_md5(buf, n, want_m);
    unsigned bad = 0;
    /* the cuts: every offset around the first three block edges */
    static const size_t cuts[] = {0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 191, 192, 193};
    for (int way = 0; way < FEED_NWAYS + (int)(sizeof cuts / sizeof cuts[0]) - 1; way++) {
        size_t cut = way >= FEED_CUT ? cuts[way - FEED_CUT] : 0;
        if (way > FEED_CUT && cut > n) break;
        int w = way >= FEED_CUT ? FEED_CUT : way;
        if (w == FEED_BYTES && n > 4096) continue;
        both b;
        pal_sha256_init(&b.s);
        pal_md5_init(&b.m);
        if (how == HOW_BOTH_LIBSODIUM) { b.s.ni = false; crypto_hash_sha256_init(&b.s.lib); }
        switch (how) {
        case HOW_MD5: feed(w, cut, buf, n, f_md5, &b); break;
        case HOW_SHA: feed(w, cut, buf, n, f_sha, &b); break;
        case HOW_BOTH: case HOW_BOTH_LIBSODIUM: feed(w, cut, buf, n, f_both, &b); break;
        case HOW_BOTH_AFTER_SEPARATE: {
            /* the first `cut` bytes (or 37) one hash at a time: a partial block in each */
            size_t k = w == FEED_CUT ? cut : n < 37 ? n : 37;
            pal_sha256_update(&b.s, buf, k);
            pal_md5_update(&b.m, buf, k);
            feed(w == FEED_CUT ? FEED_WHOLE : w, 0, buf + k, n - k, f_both, &b);
            break;
        }
        case HOW_BOTH_LENGTHS_APART: {
            /* SHA-256 a block ahead: the combined update falls back to one then the other */
            size_t k = n < 64 ? n : 64;
            pal_sha256_update(&b.s, buf, k);
            feed(w, cut < n - k ? cut : n - k, buf + k, n - k, f_both, &b);
            ref_md5(buf + k, n - k, want_m);      /* MD5 saw buf[k..n) only */
            break;
        }
        }
        pal_sha256_final(&b.s, got_s);
        pal_md5_final(&b.m, got_m);
        bool sha_checked = how != HOW_MD5, md5_checked = how != HOW_SHA;
        bad += (sha_checked && memcmp(got_s, want_s, 32)) || (md5_checked && memcmp(got_m, want_m, 16));
        (*tried)++;
    }
    return bad;
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    /* RFC 1321's test vectors, for the reference and for hash.c */
    static const struct { const char *in, *md5; } v[] = {
        {"", "d41d8cd98f00b204e9800998ecf8427e"},
        {"a", "0cc175b9c0f1b6a831c399e269772661"},
        {"abc", "900150983cd24fb0d6963f7d28e17f72"},
        {"message digest", "f96b697d7cb7938d525a2f31aaf161d0"},
        {"abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"},
        {"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"},
        {"12345678901234567890123456789012345678901234567890123456789012345678901234567890",
         "57edf4a22be3c955ac49da2e2107b67a"},
    };
    for (unsigned i = 0; i < sizeof v / sizeof v[0]; i++) {
        unsigned char d[16];
        char hex[33];
        ref_md5((const unsigned char *)v[i].in, strlen(v[i].in), d);
        pal_hex(d, 16, hex);
        CHECK_STR(hex, v[i].md5);
        pal_md5 m;
        pal_md5_init(&m);
        pal_md5_update(&m, v[i].in, strlen(v[i].in));
        pal_md5_final(&m, d);
        pal_hex(d, 16, hex);
        CHECK_STR(hex, v[i].md5);
    }

    /* every entry point against the references */
    size_t big = 1u << 20;
    unsigned char *buf = pattern(big + 7);
    static const char *const how_name[] = {"md5", "sha256", "sha256+md5", "sha256+md5 after separate updates",
                                           "sha256+md5 with the lengths apart", "sha256+md5 on libsodium"};
    for (int how = HOW_MD5; how <= HOW_BOTH_LIBSODIUM; how++) {
        unsigned bad = 0, tried = 0;
        for (size_t n = 0; n <= 300; n++) bad += wrong(how, buf, n, &tried);
        for (size_t n = 301; n <= 20000; n += 997) bad += wrong(how, buf, n, &tried);
        bad += wrong(how, buf, big + 7, &tried);
        bad += wrong(how, buf + 3, big, &tried);    /* not aligned */
        if (bad) fprintf(stderr, "%s: %u of %u digests wrong\n", how_name[how], bad, tried);
        CHECK_INT(bad, 0);
        CHECK(tried > 3000);
    }
    free(buf);
    fprintf(stderr, "(SHA-256 %s)\n", pal_sha256_accelerated() ? "with the CPU's SHA extensions" : "libsodium");
    return unit_result("test_hash");
}

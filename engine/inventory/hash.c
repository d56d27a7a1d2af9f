/*
 * hash.c — SHA-256 and MD5 over streamed bytes, and hex output.
 *
 * SHA-256 is on the hot path twice: every regular file's body (--hashes,
 * and always for `palisade scan`) and every layer's whole uncompressed tar
 * (its diff_id, blob.c).  libsodium's portable SHA-256, already linked, runs
 * at a few hundred MB/s; the SHA extensions most x86-64 CPUs have had since
 * 2017 (Intel Goldmont/Ice Lake, every AMD Zen) run it 5-10 times faster.
 * So pal_sha256_* use them when CPUID says they are there and libsodium
 * otherwise; both give the same digests (tests/unit/test_inventory.c checks
 * them against libsodium over many lengths and splits).
 *
 * libsodium has no MD5, and MD5 is what malware-hash feeds publish, so this
 * file carries a small RFC 1321 implementation.  Both hashes are fed file
 * bodies block by block as libarchive decompresses them, so neither ever
 * needs a body in memory.  MD5 is used to *match* published hashes, never
 * to protect anything.
 */
#include "engine/inventory/inventory.h"
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define PAL_SHA_NI 1
#include <cpuid.h>
#include <immintrin.h>
#endif

/* ------------------------------------------------------------- SHA-256 */

#ifdef PAL_SHA_NI
static const uint32_t sha256_k[64] __attribute__((aligned(16))) = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

/* SHA-256 compression of n 64-byte blocks with the x86 SHA extensions.
   The state lives in two registers as ABEF and CDGH (what sha256rnds2
   wants); each group of four rounds extends the message schedule by four
   words: W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) + W[t-16], s0 and s1 by
   sha256msg1/msg2, W[t-7] by an alignr of the two previous groups. */
/* One group of four SHA-256 rounds with the x86 SHA extensions.  The state
   lives in two registers as ABEF and CDGH (what sha256rnds2 wants); each
   group extends the message schedule by four words: W[t] = s1(W[t-2]) +
   W[t-7] + s0(W[t-15]) + W[t-16], s0 and s1 by sha256msg1/msg2, W[t-7] by an
   alignr of the two previous groups.  A macro so that the combined
   SHA-256 + MD5 loop below can put MD5 steps between the groups. */
#define SHA_GROUP(g)                                                                               \
    do {                                                                                           \
        __m128i m_;                                                                                \
        if ((g) < 4) {                                                                             \
            m_ = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * (g))), bswap);        \
        } else {                                                                                   \
            m_ = _mm_sha256msg1_epu32(w[(g) & 3], w[((g) + 1) & 3]);          /* W-16 + s0(W-15) */ \
            m_ = _mm_add_epi32(m_, _mm_alignr_epi8(w[((g) + 3) & 3], w[((g) + 2) & 3], 4)); /* + W-7 */ \
            m_ = _mm_sha256msg2_epu32(m_, w[((g) + 3) & 3]);                  /* + s1(W-2) */      \
        }                                                                                          \
        w[(g) & 3] = m_;                                                                           \
        __m128i k_ = _mm_add_epi32(m_, _mm_load_si128((const __m128i *)&sha256_k[4 * (g)]));      \
        st1 = _mm_sha256rnds2_epu32(st1, st0, k_);                                                 \
        st0 = _mm_sha256rnds2_epu32(st0, st1, _mm_shuffle_epi32(k_, 0x0e));                       \
    } while (0)

/* h[8] (A..H) to and from the ABEF / CDGH registers */
#define SHA_STATE_LOAD(h)                                                                 \
    const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bll, 0x0405060700010203ll);     \
    __m128i tmp = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&(h)[0]), 0xb1); /* B A D C */ \
    __m128i st1 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&(h)[4]), 0x1b); /* H G F E */ \
    __m128i st0 = _mm_alignr_epi8(tmp, st1, 8);                                       /* F E B A */ \
    st1 = _mm_blend_epi16(st1, tmp, 0xf0)                                             /* H G D C */
#define SHA_STATE_STORE(h)                                                                \
    tmp = _mm_shuffle_epi32(st0, 0x1b);                                               /* A B E F */ \
    st1 = _mm_shuffle_epi32(st1, 0xb1);                                               /* G H C D */ \
    _mm_storeu_si128((__m128i *)&(h)[0], _mm_blend_epi16(tmp, st1, 0xf0));            /* A B C D */ \
    _mm_storeu_si128((__m128i *)&(h)[4], _mm_alignr_epi8(st1, tmp, 8))                /* E F G H */

/* SHA-256 compression of n 64-byte blocks. */
__attribute__((target("sha,sse4.1")))
static void sha256_blocks_ni(uint32_t h[8], const unsigned char *p, size_t n)
{
    SHA_STATE_LOAD(h);
    for (; n; n--, p += 64) {
        __m128i save0 = st0, save1 = st1, w[4];
        SHA_GROUP(0); SHA_GROUP(1); SHA_GROUP(2); SHA_GROUP(3);
        SHA_GROUP(4); SHA_GROUP(5); SHA_GROUP(6); SHA_GROUP(7);
        SHA_GROUP(8); SHA_GROUP(9); SHA_GROUP(10); SHA_GROUP(11);
        SHA_GROUP(12); SHA_GROUP(13); SHA_GROUP(14); SHA_GROUP(15);
        st0 = _mm_add_epi32(st0, save0);
        st1 = _mm_add_epi32(st1, save1);
    }
    SHA_STATE_STORE(h);
}

static bool cpu_has_sha_ni(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 19)) || !(c & (1u << 9))) return false;  /* SSE4.1, SSSE3 */
    if (__get_cpuid_max(0, NULL) < 7) return false;
    __cpuid_count(7, 0, a, b, c, d);
    return (b >> 29) & 1;                                                              /* SHA */
}
#endif

bool pal_sha256_accelerated(void)
{
#ifdef PAL_SHA_NI
    static int have = -1;
    if (have < 0) have = cpu_has_sha_ni();
    return have;
#else
    return false;
#endif
}

void pal_sha256_init(pal_sha256 *s)
{
    s->ni = pal_sha256_accelerated();
    if (!s->ni) {
        crypto_hash_sha256_init(&s->lib);
        return;
    }
    static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(s->h, iv, sizeof iv);
    s->len = 0;
}

void pal_sha256_update(pal_sha256 *s, const void *data, size_t n)
{
    if (!s->ni) {
        crypto_hash_sha256_update(&s->lib, data, n);
        return;
    }
#ifdef PAL_SHA_NI
    const unsigned char *p = data;
    size_t have = (size_t)(s->len & 63);
    s->len += n;
    if (have) {
        size_t take = 64 - have < n ? 64 - have : n;
        memcpy(s->buf + have, p, take);
        p += take;
        n -= take;
        if (have + take < 64) return;
        sha256_blocks_ni(s->h, s->buf, 1);
    }
    if (n >= 64) sha256_blocks_ni(s->h, p, n / 64);
    p += n & ~(size_t)63;
    if (n & 63) memcpy(s->buf, p, n & 63);
#endif
}

void pal_sha256_final(pal_sha256 *s, unsigned char out[32])
{
    if (!s->ni) {
        crypto_hash_sha256_final(&s->lib, out);
        return;
    }
    uint64_t bits = s->len * 8;
    static const unsigned char pad[64] = {0x80};
    size_t have = (size_t)(s->len & 63);
    pal_sha256_update(s, pad, have < 56 ? 56 - have : 120 - have);
    unsigned char len[8];
    for (unsigned i = 0; i < 8; i++) len[i] = (unsigned char)(bits >> (56 - 8 * i));
    pal_sha256_update(s, len, 8);
    for (unsigned i = 0; i < 8; i++)
        for (unsigned j = 0; j < 4; j++) out[4 * i + j] = (unsigned char)(s->h[i] >> (24 - 8 * j));
}

/* ----------------------------------------------------------------- MD5 */

static const uint32_t md5_k[64] = {
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee,
    0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
    0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be,
    0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
    0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa,
    0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
    0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed,
    0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
    0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c,
    0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
    0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05,
    0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
    0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039,
    0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1,
    0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
};

static const uint8_t md5_shift[64] = {
    7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
    5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
    4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
    6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
};

/* MD5 is one chain of 64 dependent steps per block, so its speed is the
   latency of a step: a = b + rotl(a + f(b, c, d) + X[g] + K[i], s).  The
   steps are unrolled (constant K, X index and rotation) and each f is
   written so the least work waits on b, the previous step's result:
     F = d ^ (b & (c ^ d))            c ^ d is ready early
     G = (b & d) + (c & ~d)           disjoint bits, so + is |, and c & ~d
                                      joins a before b is known
     H = b ^ (c ^ d)
     I = c ^ (b | ~d)
   That is about 4.5 cycles a step against about 7 for the loop with
   table-driven rotations this replaces (the same digests: test_inventory
   compares both over many lengths and splits). */
#define MD5_F(b, c, d) ((d) ^ ((b) & ((c) ^ (d))))
#define MD5_H(b, c, d) ((b) ^ ((c) ^ (d)))
#define MD5_I(b, c, d) ((c) ^ ((b) | ~(d)))
#define MD5_X(i) ((i) < 16 ? (i) : (i) < 32 ? (5 * (i) + 1) & 15 : (i) < 48 ? (3 * (i) + 5) & 15 : (7 * (i)) & 15)
#define MD5_STEP(i, a, b, c, d)                                                              \
    do {                                                                                     \
        if ((i) >= 16 && (i) < 32)                                                           \
            a += ((c) & ~(d)) + x[MD5_X(i)] + md5_k[i] + ((b) & (d));                        \
        else                                                                                 \
            a += ((i) < 16 ? MD5_F(b, c, d) : (i) < 48 ? MD5_H(b, c, d) : MD5_I(b, c, d)) + \
                 x[MD5_X(i)] + md5_k[i];                                                     \
        a = rotl(a, md5_shift[i]) + (b);                                                     \
    } while (0)
/* four steps leave a, b, c, d where they started */
#define MD5_4(i)                        \
    MD5_STEP((i), a, b, c, d);          \
    MD5_STEP((i) + 1, d, a, b, c);      \
    MD5_STEP((i) + 2, c, d, a, b);      \
    MD5_STEP((i) + 3, b, c, d, a)

static inline uint32_t rotl(uint32_t x, unsigned n) { return (x << n) | (x >> (32 - n)); }

static inline void md5_load(uint32_t x[16], const unsigned char *p)
{
    for (unsigned i = 0; i < 16; i++)
        x[i] = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 |
               (uint32_t)p[4 * i + 2] << 16 | (uint32_t)p[4 * i + 3] << 24;
}

static void md5_blocks(uint32_t h[4], const unsigned char *p, size_t n)
{
    for (; n; n--, p += 64) {
        uint32_t x[16];
        md5_load(x, p);
        uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
        MD5_4(0); MD5_4(4); MD5_4(8); MD5_4(12);
        MD5_4(16); MD5_4(20); MD5_4(24); MD5_4(28);
        MD5_4(32); MD5_4(36); MD5_4(40); MD5_4(44);
        MD5_4(48); MD5_4(52); MD5_4(56); MD5_4(60);
        h[0] += a; h[1] += b; h[2] += c; h[3] += d;
    }
}

void pal_md5_init(pal_md5 *m)
{
    m->h[0] = 0x67452301; m->h[1] = 0xefcdab89; m->h[2] = 0x98badcfe; m->h[3] = 0x10325476;
    m->len = 0;
}

void pal_md5_update(pal_md5 *m, const void *data, size_t n)
{
    const unsigned char *p = data;
    size_t have = (size_t)(m->len & 63);
    m->len += n;
    if (have) {
        size_t take = 64 - have < n ? 64 - have : n;
        memcpy(m->buf + have, p, take);
        p += take; n -= take;
        if (have + take < 64) return;
        md5_blocks(m->h, m->buf, 1);
    }
    if (n >= 64) md5_blocks(m->h, p, n / 64);
    p += n & ~(size_t)63;
    if (n & 63) memcpy(m->buf, p, n & 63);
}

void pal_md5_final(pal_md5 *m, unsigned char out[16])
{
    uint64_t bits = m->len * 8;
    static const unsigned char pad[64] = {0x80};
    size_t have = (size_t)(m->len & 63);
    pal_md5_update(m, pad, have < 56 ? 56 - have : 120 - have);
    unsigned char len[8];
    for (unsigned i = 0; i < 8; i++) len[i] = (unsigned char)(bits >> (8 * i));
    pal_md5_update(m, len, 8);
    for (unsigned i = 0; i < 4; i++)
        for (unsigned j = 0; j < 4; j++) out[4 * i + j] = (unsigned char)(m->h[i] >> (8 * j));
}

/* ------------------------------------------------- SHA-256 and MD5 at once */

#ifdef PAL_SHA_NI
/* A file body under --hashes goes through both hashes.  Each is one chain
   of dependent steps, MD5's on the integer units and SHA-256's on the
   SHA unit, so one after the other the CPU waits on each in turn; with a
   group of SHA rounds between every four MD5 steps of the same block the
   out-of-order core runs the two chains side by side, and the pair costs
   about what MD5 alone does (tests/bench/langpkg.sh). */
__attribute__((target("sha,sse4.1")))
static void sha256_md5_blocks_ni(uint32_t sh[8], uint32_t mh[4], const unsigned char *p, size_t n)
{
    SHA_STATE_LOAD(sh);
    for (; n; n--, p += 64) {
        __m128i save0 = st0, save1 = st1, w[4];
        uint32_t x[16];
        md5_load(x, p);
        uint32_t a = mh[0], b = mh[1], c = mh[2], d = mh[3];
        SHA_GROUP(0); MD5_4(0); SHA_GROUP(1); MD5_4(4); SHA_GROUP(2); MD5_4(8); SHA_GROUP(3); MD5_4(12);
        SHA_GROUP(4); MD5_4(16); SHA_GROUP(5); MD5_4(20); SHA_GROUP(6); MD5_4(24); SHA_GROUP(7); MD5_4(28);
        SHA_GROUP(8); MD5_4(32); SHA_GROUP(9); MD5_4(36); SHA_GROUP(10); MD5_4(40); SHA_GROUP(11); MD5_4(44);
        SHA_GROUP(12); MD5_4(48); SHA_GROUP(13); MD5_4(52); SHA_GROUP(14); MD5_4(56); SHA_GROUP(15); MD5_4(60);
        st0 = _mm_add_epi32(st0, save0);
        st1 = _mm_add_epi32(st1, save1);
        mh[0] += a; mh[1] += b; mh[2] += c; mh[3] += d;
    }
    SHA_STATE_STORE(sh);
}
#endif

void pal_sha256_md5_update(pal_sha256 *s, pal_md5 *m, const void *data, size_t n)
{
#ifdef PAL_SHA_NI
    if (s->ni && s->len == m->len) {
        /* fed the same bytes so far: the same partial block in both buffers */
        const unsigned char *p = data;
        size_t have = (size_t)(s->len & 63);
        s->len += n;
        m->len += n;
        if (have) {
            size_t take = 64 - have < n ? 64 - have : n;
            memcpy(s->buf + have, p, take);
            memcpy(m->buf + have, p, take);
            p += take;
            n -= take;
            if (have + take < 64) return;
            sha256_md5_blocks_ni(s->h, m->h, s->buf, 1);
        }
        if (n >= 64) sha256_md5_blocks_ni(s->h, m->h, p, n / 64);
        p += n & ~(size_t)63;
        if (n & 63) {
            memcpy(s->buf, p, n & 63);
            memcpy(m->buf, p, n & 63);
        }
        return;
    }
#endif
    pal_sha256_update(s, data, n);
    pal_md5_update(m, data, n);
}

void pal_hex(const unsigned char *in, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = 0;
}

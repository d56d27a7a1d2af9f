/*
 * fuzz_version.c — libFuzzer target for engine/vuln/version.c.
 *
 * Input: one byte choosing the ecosystem, then "a \0 b" (or, without a NUL,
 * the rest split in half).  Properties, abort() on violation:
 *  - pal_ver_cmp succeeds exactly when pal_ver_error accepts both;
 *  - cmp(a, a) == 0, and cmp(a, b) == -cmp(b, a);
 *  - an invalid version never compares (rc -1, *cmp 0);
 *  - with a second NUL ("a \0 b \0 c"), a <= b <= c implies a <= c, and
 *    strictly when either step is strict (not for rpm, whose "a missing
 *    release matches any release" rule is, like rpm's, not transitive).
 */
#include "engine/core/version.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "tests/fuzz/replay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    pal_ver_eco eco = (pal_ver_eco)(1 + data[0] % 5);
    const char *rest = (const char *)data + 1;
    size_t rlen = size - 1;
    const char *nul = memchr(rest, 0, rlen);
    const char *a = rest, *b;
    size_t alen, blen;
    const char *c = NULL;
    size_t clen = 0;
    if (nul) {
        alen = (size_t)(nul - rest);
        b = nul + 1;
        blen = rlen - alen - 1;
        const char *nul2 = memchr(b, 0, blen);
        if (nul2) {
            c = nul2 + 1;
            clen = blen - (size_t)(c - b);
            blen = (size_t)(nul2 - b);
        }
    } else {
        alen = rlen / 2;
        b = rest + alen;
        blen = rlen - alen;
    }

    const char *ea = pal_ver_error(eco, a, alen), *eb = pal_ver_error(eco, b, blen);
    int ab = 7, ba = 7, aa = 7;
    int rab = pal_ver_cmp(eco, a, alen, b, blen, &ab);
    int rba = pal_ver_cmp(eco, b, blen, a, alen, &ba);
    if ((rab == 0) != (!ea && !eb) || (rba == 0) != (!ea && !eb))
        abort();
    if (rab != 0) {
        if (ab != 0 || ba != 0)
            abort();
        return 0;
    }
    if (ab < -1 || ab > 1 || ab != -ba)
        abort();
    if (pal_ver_cmp(eco, a, alen, a, alen, &aa) != 0 || aa != 0)
        abort();

    if (c && eco != PAL_VER_RPM) {
        int xy, yz, xz;
        if (pal_ver_cmp(eco, a, alen, b, blen, &xy) != 0 ||
            pal_ver_cmp(eco, b, blen, c, clen, &yz) != 0 ||
            pal_ver_cmp(eco, a, alen, c, clen, &xz) != 0)
            return 0;
        if (xy <= 0 && yz <= 0 && (xz > 0 || ((xy < 0 || yz < 0) && xz == 0)))
            abort();
        if (xy >= 0 && yz >= 0 && (xz < 0 || ((xy > 0 || yz > 0) && xz == 0)))
            abort();
    }
    return 0;
}

/*
 * version.h — package and build versions compared by their ecosystem's rules.
 *
 * `pkg.version < "1.2.3-1"` means what the package manager that installed
 * the package would say: dpkg for Debian and Ubuntu, apk-tools for Alpine,
 * rpm for RPM distributions, semver 2.0.0 for language packages, and plain
 * dotted numbers for Windows builds (10.0.17763.1234).  A text that is not a
 * valid version of the ecosystem is an error, never silently ordered: the
 * compiler reports it for constants, the VM makes the comparison false
 * (undefined) for inventory values.
 *
 * Every function is pure, allocates nothing and runs in time linear in the
 * lengths of its inputs; strings are (pointer, length), not NUL-terminated.
 */
#ifndef PAL_VERSION_H
#define PAL_VERSION_H

#include <stddef.h>

typedef enum {
    PAL_VER_DPKG = 1,   /* [epoch:]upstream[-revision], Debian Policy 5.6.12 */
    PAL_VER_APK,        /* apk-tools: 1.2.3a_rc1_p2~hash-r4 */
    PAL_VER_RPM,        /* [epoch:]version[-release], rpmvercmp */
    PAL_VER_SEMVER,     /* semver.org 2.0.0, an optional leading 'v' */
    PAL_VER_WINDOWS     /* 1 to 4 dotted decimal numbers */
} pal_ver_eco;

/* "dpkg"/"debian"/"ubuntu", "apk"/"alpine", "rpm", "semver", "windows"
   (ASCII case ignored); 0 if unknown. */
int pal_ver_eco_from_name(const char *name);

/* Validates v for the ecosystem; NULL if valid, else a static message
   saying what is wrong. */
const char *pal_ver_error(pal_ver_eco eco, const char *v, size_t len);

/* Compares a and b: *cmp = -1/0/1.  Returns 0, or -1 (with *cmp = 0) when
   either is not a valid version of that ecosystem (an unparsable version
   must never compare silently) or eco is unknown.
   rpm, like rpm itself, ignores the release when either side has none, so
   "1.0" equals both "1.0-1" and "1.0-2"; semver ignores build metadata. */
int pal_ver_cmp(pal_ver_eco eco, const char *a, size_t alen,
                const char *b, size_t blen, int *cmp);

#endif

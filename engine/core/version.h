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
    PAL_VER_WINDOWS,    /* 1 to 4 dotted decimal numbers */
    PAL_VER_NPM,        /* node-semver: semver 2.0.0, a leading 'v' or '=' allowed */
    PAL_VER_PYPI,       /* PEP 440, with its normalisations (1.0RC1 = 1.0rc1, 1.0-1 = 1.0.post1) */
    PAL_VER_GO,         /* Go modules: semver with 'v' ("v1.2.3", pseudo-versions,
                           +incompatible); the toolchain "go1.21.3", "go1.22rc1" as OSV's stdlib */
    PAL_VER_MAVEN,      /* Maven's ComparableVersion (1.0-alpha-1 < 1.0-SNAPSHOT < 1.0 < 1.0-sp1) */
    PAL_VER_RUBYGEMS,   /* Gem::Version (1.0.a < 1.0; "-" is ".pre.") */
    PAL_VER_CARGO,      /* crates.io: semver 2.0.0 */
    PAL_VER__LAST = PAL_VER_CARGO
} pal_ver_eco;

/* "dpkg"/"debian"/"ubuntu", "apk"/"alpine", "rpm" (and the rpm distributions'
   names: "redhat", "rocky", "suse", ...), "semver", "windows", "npm",
   "pypi"/"python", "go"/"golang", "maven"/"java", "rubygems"/"gem",
   "cargo"/"crates.io" (ASCII case ignored); 0 if unknown. */
int pal_ver_eco_from_name(const char *name);
/* The canonical name of an ecosystem ("dpkg", "pypi", ...); "?" if unknown. */
const char *pal_ver_eco_name(pal_ver_eco eco);

/* Validates v for the ecosystem; NULL if valid, else a static message
   saying what is wrong. */
const char *pal_ver_error(pal_ver_eco eco, const char *v, size_t len);

/* Compares a and b: *cmp = -1/0/1.  Returns 0, or -1 (with *cmp = 0) when
   either is not a valid version of that ecosystem (an unparsable version
   must never compare silently) or eco is unknown.
   rpm, like rpm's rpmverCmp, orders a missing release below every release
   ("1.0" < "1.0-1"); semver, npm, Go and cargo ignore build metadata. */
int pal_ver_cmp(pal_ver_eco eco, const char *a, size_t alen,
                const char *b, size_t blen, int *cmp);

#endif

/*
 * match.h — the matching primitives of the language, as pure functions.
 *
 * These are the semantics SPEC states for paths, globs, domain names, IPs,
 * CIDRs and ports; the VM's matchers (engine/vm/matcher.c) and the compiler's
 * constant folding both call them, so there is one definition of each.
 * No function here allocates or keeps state.
 */
#ifndef PAL_MATCH_H
#define PAL_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* How two strings compare.  The values are chosen so that callers holding a
   Windows flag can pass it as is: false is PAL_FOLD_NONE, true PAL_FOLD_PATH.
     PAL_FOLD_NONE  bytes compare exactly;
     PAL_FOLD_PATH  the Windows path rules: ASCII case ignored, '\\' == '/'
                    (and in globs, '\\' is a separator);
     PAL_FOLD_CASE  ASCII case ignored, nothing else (the `nocase` operators). */
enum { PAL_FOLD_NONE = 0, PAL_FOLD_PATH = 1, PAL_FOLD_CASE = 2 };

/* String equality under a fold mode (above). */
bool pal_path_eq(const char *a, size_t alen, const char *b, size_t blen, unsigned fold);

/* The canonical form used as a hash key for Windows paths: ASCII lower
   case, '/' turned into '\\'.  Writes at most cap bytes to out; returns the
   length, or (size_t)-1 if it does not fit. */
size_t pal_path_fold(const char *s, size_t len, char *out, size_t cap);

/* Glob: '*' matches any run of characters, '?' exactly one, '**' any run
   including separators.  With `path` set, '*' and '?' do not match a
   separator ('/' always, '\\' too under PAL_FOLD_PATH).  `fold` says how
   literal characters compare (PAL_FOLD_*; `true` is the Windows rules).  Linear-time worst case (no backtracking
   blow-up): pal_glob_match must finish in O(len(pattern) * len(s)). */
bool pal_glob_match(const char *pat, size_t plen, const char *s, size_t slen,
                    bool path, unsigned fold);
/* True if the pattern holds a glob metacharacter (* or ?). */
bool pal_glob_has_meta(const char *pat, size_t plen);

/* Domain names: ASCII case-insensitive, one trailing '.' ignored on either
   side.  A pattern "*.example.com" matches any name with at least one more
   label before ".example.com" (a.example.com, a.b.example.com) but not
   "example.com" itself nor "badexample.com"; "*" alone matches every name;
   other patterns match the name exactly. */
bool pal_dns_match(const char *pat, size_t plen, const char *name, size_t nlen);
/* Validates a domain pattern; returns NULL or a message saying what is wrong. */
const char *pal_dns_pattern_error(const char *pat, size_t plen);

/* IPs: 16-byte buffers; IPv4 in the first 4 bytes with *v6 = false.
   IPv4-mapped IPv6 (::ffff:a.b.c.d) is parsed as IPv4. */
bool pal_ip_parse(const char *s, size_t len, uint8_t ip[16], bool *v6);
/* "a.b.c.d/n", "x::/n", or a bare address (prefix = 32 or 128).  Host bits
   below the prefix must be zero; *err says why a text is rejected. */
bool pal_cidr_parse(const char *s, size_t len, uint8_t ip[16], bool *v6,
                    unsigned *prefix, const char **err);
bool pal_cidr_contains(const uint8_t net[16], bool net_v6, unsigned prefix,
                       const uint8_t ip[16], bool ip_v6);
/* Writes the text form (inet_ntop style) to out; returns its length. */
size_t pal_ip_format(const uint8_t ip[16], bool v6, char *out, size_t cap);

/* Ports: "80", "8000-8080", "*" (0-65535). */
bool pal_port_range_parse(const char *s, size_t len, int64_t *lo, int64_t *hi,
                          const char **err);

#endif

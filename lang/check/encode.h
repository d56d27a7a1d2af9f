/*
 * encode.h — the constant encodings of a literal: windash(), base64(),
 * base64offset(), utf16le(), utf16be(), utf16(), wide().
 *
 * Detection rules look for a command-line flag in every spelling Windows
 * accepts, or for a string inside base64 or UTF-16 text.  Writing those
 * spellings out by hand is error-prone, so the language computes them at
 * compile time: each function takes a constant string (or a constant list,
 * item by item) and gives a constant list, which stands wherever a
 * constant list may (right of `in`, `like`, `contains`, `startswith`,
 * `endswith`).  The semantics are Sigma's modifiers of the same names
 * (pySigma's reading of them), so a converted Sigma rule means what it
 * meant.  Pure functions: no state, results handed to a callback.
 */
#ifndef PAL_ENCODE_H
#define PAL_ENCODE_H

#include <stdbool.h>
#include <stddef.h>

enum pal_encoding {
    PAL_ENC_NONE = 0,
    PAL_ENC_WINDASH,        /* '-' or '/' starting a word: each of - / – — ― */
    PAL_ENC_BASE64,         /* standard alphabet, padded */
    PAL_ENC_BASE64OFFSET,   /* the 3 forms the text has at any offset inside base64 */
    PAL_ENC_UTF16LE,        /* UTF-8 in, UTF-16LE out */
    PAL_ENC_UTF16BE,
    PAL_ENC_UTF16,          /* byte order mark FF FE, then UTF-16LE */
    PAL_ENC_WIDE            /* utf16le under Sigma's other name */
};

/* Most strings one windash() may expand one string into (5^k for k flag
   characters): more is an error, not a silent cut. */
#define PAL_WINDASH_MAX 625u

/* The encoding named `name`, or PAL_ENC_NONE. */
int pal_encoding_find(const char *name, size_t len);
const char *pal_encoding_name(int enc);

/* Called once per resulting string; return false to stop (out of memory). */
typedef bool (*pal_encode_emit)(void *ctx, const char *s, size_t len);

/* Encodes s (len bytes) with enc, calling emit for each result.  Returns
   NULL, or a static message saying why the text cannot be encoded
   (not UTF-8 for the UTF-16 forms, too many windash variants, out of
   memory). */
const char *pal_encode(int enc, const char *s, size_t len, pal_encode_emit emit, void *ctx);

#endif

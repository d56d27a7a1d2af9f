/*
 * json.h — a strict JSON pull reader (RFC 8259), and a flat tape built with it.
 *
 * Design.  The reader is a cursor over a byte buffer the caller owns (it
 * need not be NUL-terminated and is never written).  It allocates nothing:
 * the caller asks for the next thing it wants — peek at a value's type,
 * enter a container, step to its next element or member, read a scalar, or
 * skip a whole value — and the reader validates every byte it passes,
 * skipped ones included, against RFC 8259:
 *
 *  - only the four whitespace bytes of the RFC; literals spelled exactly;
 *  - numbers in the RFC grammar (no leading zeros, "+1", ".5", "1.", hex);
 *  - strings: no raw control bytes, only the RFC's escapes, \u surrogates
 *    in high-low pairs, and UTF-8 checked byte by byte (no overlong forms,
 *    no encoded surrogates, nothing past U+10FFFF) — every string, so a
 *    text the reader accepts is valid whatever the caller skipped;
 *  - nesting bounded by max_depth (at most PAL_JSON_DEPTH_CAP) and kept in
 *    a bitmap inside the reader: no recursion, so a hostile text cannot
 *    exhaust the C stack; strings optionally bounded by max_string, and
 *    numbers by max_number characters;
 *  - one value per text, nothing but whitespace after it (pal_json_end).
 *
 * The first violation stops the reader for good: every later call fails,
 * and pal_json_error gives the reason and the byte offset of the first
 * byte that made the text invalid (the text's length when it ends too
 * soon).  Line and column are computed from the offset only when an error
 * is reported (pal_json_position).
 *
 * Strings are returned as spans of the raw text (pal_json_str) and
 * unescaped only when the caller keeps one (pal_json_unescape), which
 * cannot fail because the span was validated when it was read; a span
 * without escapes is already the string's UTF-8.  Numbers are spans too,
 * converted on request.
 *
 * Reading, in the order the text has it:
 *
 *     pal_json r;  pal_json_init(&r, text, len, NULL);
 *     if (pal_json_enter(&r)) {                        // '{' or '['
 *         pal_json_str key;
 *         while (pal_json_next(&r, &key)) {            // false at '}' / ']'
 *             if (pal_json_str_is(&key, "id") && pal_json_string(&r, &id)) continue;
 *             pal_json_skip(&r);                       // anything else
 *         }
 *     }
 *     if (!pal_json_end(&r)) ... pal_json_error(&r, &at) ...
 *
 * After pal_json_next returns true, exactly one value must be consumed
 * (read, entered and finished, or skipped) before the next call; reading a
 * scalar of another type returns false and consumes nothing, so the caller
 * can try another type or skip.  Calls out of that order fail with
 * PAL_JSON_E_USAGE rather than accept a malformed text.
 *
 * The tape (pal_json_tape) is for callers that need members in an order
 * the text does not promise (an OSV record's "id" may follow its
 * "affected"): one pass of the reader stores every value as a 16-byte
 * node in one array that is reused from text to text, with sibling links,
 * so a member lookup walks the members of one object, and nothing is
 * allocated per value.  Nodes hold offsets into the text, which must
 * outlive the tape's use and be shorter than 4 GiB.
 *
 * Ownership: a pal_json reader owns nothing; a tape owns its node array
 * (pal_json_tape_free).  Neither is thread-safe; several may share a text.
 */
#ifndef PAL_JSON_H
#define PAL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PAL_JSON_DEPTH_CAP     1024u   /* the most max_depth can be (the nesting bitmap's size) */
#define PAL_JSON_DEFAULT_DEPTH 64u     /* max_depth when none is given (PAL_MAX_JSON_DEPTH) */

typedef enum pal_json_type {
    PAL_JSON_NONE = 0,     /* no value: the end of a container or of the text, or an error */
    PAL_JSON_NULL,
    PAL_JSON_FALSE,
    PAL_JSON_TRUE,
    PAL_JSON_NUMBER,
    PAL_JSON_STRING,
    PAL_JSON_ARRAY,
    PAL_JSON_OBJECT
} pal_json_type;

typedef enum pal_json_err {
    PAL_JSON_OK = 0,
    PAL_JSON_E_EOF,           /* the text ends inside a value (or is empty) */
    PAL_JSON_E_TOKEN,         /* a byte that cannot start or continue a value here */
    PAL_JSON_E_NUMBER,        /* a number outside the RFC grammar (leading zero, "1.", "1e") */
    PAL_JSON_E_CONTROL,       /* a raw control byte (below 0x20) inside a string */
    PAL_JSON_E_ESCAPE,        /* an escape other than \" \\ \/ \b \f \n \r \t \uXXXX */
    PAL_JSON_E_SURROGATE,     /* a \u surrogate that is not a high-low pair */
    PAL_JSON_E_UTF8,          /* bytes in a string that are not UTF-8 */
    PAL_JSON_E_DEPTH,         /* nested deeper than max_depth */
    PAL_JSON_E_STRING_LIMIT,  /* a string longer than max_string bytes */
    PAL_JSON_E_NUMBER_LIMIT,  /* a number longer than max_number characters */
    PAL_JSON_E_TRAILING,      /* more than whitespace after the top-level value */
    PAL_JSON_E_NOMEM,         /* tape: out of memory, past max_nodes, or a text of 4 GiB */
    PAL_JSON_E_USAGE          /* the caller read out of order (a bug in the caller) */
} pal_json_err;

typedef struct pal_json_opts {
    uint32_t max_depth;   /* containers nested; 0 = PAL_JSON_DEFAULT_DEPTH; capped at
                             PAL_JSON_DEPTH_CAP */
    size_t max_string;    /* raw bytes of one string (key or value); 0 = no limit */
    size_t max_number;    /* characters of one number; 0 = no limit (cJSON reads 63: the
                             event decoder's fast path gives longer ones to cJSON) */
    bool allow_bom;       /* skip a UTF-8 byte order mark at the start (RFC 8259 8.1 allows
                             a parser to) */
} pal_json_opts;

/* A string as it appears in the text: raw points after the opening quote,
   len bytes up to the closing one.  escaped = it holds a backslash escape
   (else raw[0..len) is the string itself). */
typedef struct pal_json_str {
    const char *raw;
    size_t len;
    bool escaped;
} pal_json_str;

/* A number as it appears in the text (validated against the grammar). */
typedef struct pal_json_num {
    const char *raw;
    size_t len;
    bool integer;         /* no fraction and no exponent */
} pal_json_num;

typedef struct pal_json {
    const char *text;
    size_t len, pos;
    size_t max_string, max_number;
    uint32_t depth, max_depth;
    uint8_t state;        /* internal: what the cursor expects next */
    pal_json_err err;
    size_t err_pos;
    uint8_t objects[PAL_JSON_DEPTH_CAP / 8];  /* bit d set: the container at depth d is an object */
} pal_json;

/* Starts reading one value from text[0..len).  opts may be NULL. */
void pal_json_init(pal_json *r, const char *text, size_t len, const pal_json_opts *opts);

/* The type of the value at the cursor (whitespace skipped), without
   consuming it; PAL_JSON_NONE and an error when no value can start here. */
pal_json_type pal_json_peek(pal_json *r);

/* Consumes '{' or '[' and makes that container current.  false (nothing
   consumed, no error) when the value is not a container. */
bool pal_json_enter(pal_json *r);

/* Steps to the next element of the current container; in an object, *key
   (may be NULL) gets the member's name and the cursor is at its value.
   false when the container ends (its bracket consumed; the parent is
   current again) or on an error. */
bool pal_json_next(pal_json *r, pal_json_str *key);

/* Read a scalar of that type: true and consumed, or false and nothing
   consumed when the value is of another type (or on an error). */
bool pal_json_string(pal_json *r, pal_json_str *out);
bool pal_json_number(pal_json *r, pal_json_num *out);
bool pal_json_bool(pal_json *r, bool *out);
bool pal_json_null(pal_json *r);

/* Consumes the value at the cursor, whatever it is, validating it. */
bool pal_json_skip(pal_json *r);

/* Consumes the rest of the current container (after any number of
   pal_json_next calls), so the parent is current again. */
bool pal_json_leave(pal_json *r);

/* After the top-level value: true when only whitespace follows. */
bool pal_json_end(pal_json *r);

/* The error, and in *pos (may be NULL) the offset of the first bad byte. */
pal_json_err pal_json_error(const pal_json *r, size_t *pos);
const char *pal_json_strerror(pal_json_err e);   /* "a raw control character in a string" */

/* 1-based line and column (in bytes) of offset pos in text. */
void pal_json_position(const char *text, size_t len, size_t pos, unsigned *line, unsigned *col);

/* Unescapes s into dst, which has room for s->len + 1 bytes (a string
   never grows by unescaping); NUL-terminates it and returns its length.
   The result may hold NUL bytes (\u0000). */
size_t pal_json_unescape(const pal_json_str *s, char *dst);
/* Is s, unescaped, exactly the NUL-terminated lit? */
bool pal_json_str_is(const pal_json_str *s, const char *lit);

/* The number as a double (strtod's rounding; HUGE_VAL past the range). */
double pal_json_num_double(const pal_json_num *n);
/* An integer in int64_t's range: true and *out; false otherwise. */
bool pal_json_num_int64(const pal_json_num *n, int64_t *out);

/* ------------------------------------------------------------ the tape */

#define PAL_JSON_NIL UINT32_MAX

typedef struct pal_json_node {
    uint32_t off;         /* string: its first raw byte (after the quote); others: the value's
                             first byte */
    uint32_t len;         /* string/number: raw bytes; array: elements; object: members */
    uint32_t next;        /* the next element of the same array, or the next key of the same
                             object; PAL_JSON_NIL at the end */
    uint8_t type;         /* pal_json_type */
    uint8_t escaped;      /* string with escapes */
    uint16_t reserved;
} pal_json_node;

/* Nodes are laid out in text order: a container's first child (an array's
   first element, an object's first key) is the node after it, and a key's
   value is the node after the key. */
typedef struct pal_json_tape {
    const char *text;
    pal_json_node *nodes;
    uint32_t n, cap;
    uint32_t max_nodes;   /* 0 = no limit but memory */
} pal_json_tape;

void pal_json_tape_init(pal_json_tape *t, uint32_t max_nodes);
void pal_json_tape_free(pal_json_tape *t);

/* Reads the value at r's cursor into t, replacing what t held; its root
   is node 0.  false on an error (in r: the text's, or PAL_JSON_E_NOMEM). */
bool pal_json_tape_read(pal_json_tape *t, pal_json *r);

static inline pal_json_type pal_json_tape_type(const pal_json_tape *t, uint32_t i)
{
    return i < t->n ? (pal_json_type)t->nodes[i].type : PAL_JSON_NONE;
}
/* The first element of an array or first key of an object; NIL when empty
   or not a container. */
uint32_t pal_json_tape_first(const pal_json_tape *t, uint32_t i);
static inline uint32_t pal_json_tape_next(const pal_json_tape *t, uint32_t i)
{
    return i < t->n ? t->nodes[i].next : PAL_JSON_NIL;
}
/* The value of the first member named key of object i; NIL when none (or
   i is not an object). */
uint32_t pal_json_tape_getn(const pal_json_tape *t, uint32_t i, const char *key, size_t keylen);
static inline uint32_t pal_json_tape_get(const pal_json_tape *t, uint32_t i, const char *key)
{
    return pal_json_tape_getn(t, i, key, __builtin_strlen(key));   /* folded for literals */
}
/* String node i as a span (len 0, raw NULL when i is not a string). */
pal_json_str pal_json_tape_str(const pal_json_tape *t, uint32_t i);
pal_json_num pal_json_tape_num(const pal_json_tape *t, uint32_t i);

#endif

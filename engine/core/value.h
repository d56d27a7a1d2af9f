/*
 * value.h — the values the VM computes with, and the records inputs become.
 *
 * Design. Every input palisade decides on (one event, one image inventory)
 * is turned into a *record*: a schema (engine/core/schema.h) plus one value slot
 * per schema field, indexed by the field's number.  The compiler resolves
 * `process.name` to a slot number at build time, so the VM reads a field
 * with one array index, never a string lookup.
 *
 * A value is a small tagged struct passed by value.  It never owns memory:
 * strings, lists and records point into storage owned by whoever built the
 * record (the event decoder's per-line arena, the inventory's arena, or the
 * program's constant pool), which outlives every evaluation over it.  That is
 * the one ownership rule, and it is why evaluation allocates nothing.
 *
 * PV_UNDEF is a real value, not an error: an absent field is undefined, and
 * every comparison with undefined is false (SPEC "Undefined").
 */
#ifndef PAL_VALUE_H
#define PAL_VALUE_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

typedef enum pal_tag {
    PV_UNDEF = 0,
    PV_BOOL,
    PV_INT,      /* 64-bit signed; ports, pids, sizes, uids, durations (ms) */
    PV_STR,      /* bytes + length, not NUL-terminated */
    PV_IP,       /* ip[16]; flags & PVF_IPV6 tells v4 (first 4 bytes) or v6 */
    PV_LIST,     /* items[len]: a list of values (e.g. process.args) */
    PV_RECORDS,  /* recs[len]: a collection of records (image.files) */
    PV_RECORD    /* rec: one record (a quantifier variable) */
} pal_tag;

/* flags */
#define PVF_WINDOWS 0x01u  /* string is a Windows path/name: compare without
                              case, with '\' and '/' equal (SPEC "Paths") */
#define PVF_IPV6    0x02u  /* PV_IP holds an IPv6 address */
#define PVF_VERSION 0x04u  /* PV_STR is a version: ordered (and equal) by the
                              rules of the pal_ver_eco in `spare` (0: a
                              constant, which takes the other side's) */
#define PVF_NOCASE  0x08u  /* string compares without ASCII case (the `nocase`
                              operators: a constant, or OP_NOCASE's result);
                              PVF_WINDOWS on either side wins */

struct pal_record;

typedef struct pal_value {
    uint8_t tag;     /* pal_tag */
    uint8_t flags;   /* PVF_* */
    uint16_t spare;  /* PVF_VERSION strings: the pal_ver_eco; else 0 */
    uint32_t len;    /* PV_STR bytes, PV_LIST / PV_RECORDS element count */
    union {
        int64_t i;                     /* PV_BOOL (0/1), PV_INT */
        const char *s;                 /* PV_STR */
        const struct pal_value *items; /* PV_LIST */
        const struct pal_record *recs; /* PV_RECORDS */
        const struct pal_record *rec;  /* PV_RECORD */
        uint8_t ip[16];                /* PV_IP */
    } u;
} pal_value;

struct pal_schema;

/* A record: values for the fields of one schema, slots[i] for field i.
   `written` says which slots hold a value at all: with bit i clear
   (written[i / 64] >> i % 64) field i is undefined whatever slots[i]'s
   memory holds; with it set, slots[i] is the field (PV_UNDEF included).
   The event decoder leaves the slots it never writes uninitialised, so an
   event costs only the slots it sets, not all ~200 of the schema; NULL
   means every slot was written (inventories, records built by hand).  Read
   a record's fields through pal_record_at / pal_record_ref, never
   slots[i] directly. */
typedef struct pal_record {
    const struct pal_schema *schema;
    const pal_value *slots;
    const uint64_t *written;
} pal_record;

static inline pal_value pal_undef(void) { pal_value v = {0}; return v; }
static inline pal_value pal_bool(bool b) { pal_value v = {0}; v.tag = PV_BOOL; v.u.i = b; return v; }
static inline pal_value pal_int(int64_t i) { pal_value v = {0}; v.tag = PV_INT; v.u.i = i; return v; }
/* Whether slot i (below the schema's nfields) of r holds a value. */
static inline bool pal_record_written(const pal_record *r, uint32_t i)
{
    return !r->written || ((r->written[i >> 6] >> (i & 63u)) & 1u);
}
/* Field i of r (r->slots set, i below the schema's nfields: the caller
   checks both), undefined when its slot was never written. */
static inline pal_value pal_record_at(const pal_record *r, uint32_t i)
{
    return pal_record_written(r, i) ? r->slots[i] : pal_undef();
}
static inline const pal_value *pal_record_ref(const pal_record *r, uint32_t i)
{
    static const pal_value undef;
    return pal_record_written(r, i) ? &r->slots[i] : &undef;
}
static inline pal_value pal_string(const char *s, uint32_t len, unsigned flags)
{
    pal_value v = {0};
    v.tag = PV_STR; v.flags = (uint8_t)flags; v.len = len; v.u.s = s;
    return v;
}

#endif

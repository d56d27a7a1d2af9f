/*
 * decode.h — JSON into records: events (ECS, Sysmon, Falco) and inventories.
 *
 * One schema-driven decoder turns a JSON object into a pal_record: for each
 * field of the schema it looks up the field's JSON path (nested objects, or
 * a flattened "a.b.c" key, as ECS producers emit both) and converts the
 * value to the field's type.  A value of the wrong type leaves the field
 * undefined and is reported through `warn` (never a silent wrong value).
 * Adapters map raw Sysmon and Falco records onto ECS names first.
 *
 * Ownership: everything a record points to is allocated in the arena passed
 * in; the record is valid until that arena is reset or freed.  cJSON trees
 * are not kept.
 */
#ifndef PAL_DECODE_H
#define PAL_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cJSON.h>
#include "engine/base/arena.h"
#include "engine/core/schema.h"
#include "engine/core/value.h"

typedef enum pal_input_format {
    PAL_INPUT_AUTO = 0,  /* sniff each line: winlog.* / EventID -> sysmon, Event.System -> evtx-json,
                            output_fields -> falco, else ecs */
    PAL_INPUT_ECS,
    PAL_INPUT_SYSMON,    /* Windows records (Sysmon, Security, ...): Winlogbeat or flat layout */
    PAL_INPUT_FALCO,
    PAL_INPUT_EVTX       /* Windows records as evtx_dump / Chainsaw write them: Event.System, Event.EventData */
} pal_input_format;

/* A path field of a Windows event as the event wrote it, when the decoder
   normalised it (SPEC 15, "Windows paths"): the field's PS_EVENT index and
   the text (len bytes, NUL-terminated), in the decoding arena. */
typedef struct pal_original {
    uint32_t field;
    uint32_t len;
    const char *text;
} pal_original;

#define PAL_EVENT_ORIGINALS 16  /* at most one per path field of PS_EVENT (test_winevents checks) */

typedef struct pal_event {
    pal_record rec;      /* PS_EVENT */
    unsigned kind;       /* PK_PROCESS / PK_NETWORK / PK_DNS / PK_FILE, 0 = unknown */
    bool windows;        /* host.os.type == windows, a Sysmon record, or Windows-shaped paths */
    /* A line that gives a field twice is read twice: this event keeps the
       first value of every field, `other` (in the same arena) the last, as
       most JSON parsers do; pal_decide_event decides both.  NULL for a line
       without duplicate keys, or when only one reading is an event. */
    const struct pal_event *other;
    pal_original originals[PAL_EVENT_ORIGINALS];
    unsigned noriginals;
} pal_event;

/* Which reading decodes a line.  Both give the same event, warnings and
   errors (tests/unit/test_decode_diff.c, tests/fuzz/fuzz_decode_diff.c
   hold them to it); the tree is the reference they are compared with. */
typedef enum pal_decoder {
    PAL_DECODER_DEFAULT = 0,   /* one pass of a pull reader, no tree; the tree for what it leaves */
    PAL_DECODER_TREE           /* always the cJSON tree and its walk */
} pal_decoder;

/* Why the default decoder gave a line to the tree (engine/decode/decode_fast.c). */
typedef enum pal_slow_reason {
    PAL_SLOW_NONE = 0,
    PAL_SLOW_JSON,        /* not strict JSON (cJSON's leniencies, or an error to report), or a
                             number of 64+ characters */
    PAL_SLOW_DUPLICATE,   /* a name the decoder reads is given twice: the two readings need the tree */
    PAL_SLOW_LIMIT,       /* over PAL_MAX_EVENT_LINE or PAL_MAX_JSON_DEPTH: the tree reports it */
    PAL_SLOW_OTHER,       /* not an object, an escaped key over 512 bytes, out of memory, both Windows layouts */
    PAL_SLOW__COUNT
} pal_slow_reason;

typedef struct pal_decode_stats {
    uint64_t fast;                     /* lines decoded without a tree */
    uint64_t indexed;                  /* of those, read by the indexed reader (plain lines:
                                          printable ASCII, no backslash; engine/base/json_index.h) */
    uint64_t slow[PAL_SLOW__COUNT];    /* lines given to the tree, by reason */
    uint64_t anomalies;                /* fast lines that broke the fast path's own invariant (a
                                          lookup of an undeclared name): a bug; tests require 0 */
} pal_decode_stats;

/* What a decoder needs to know about the hosts the events come from. */
typedef struct pal_decode_opts {
    /* \Device\HarddiskVolumeN -> drive letter ('C'), 0 when unknown */
    char volume_drive[256];
    pal_decoder decoder;
    pal_decode_stats *stats;   /* counted into when not NULL (one per thread) */
} pal_decode_opts;

/* "\Device\HarddiskVolume3=C:,HarddiskVolume4=D:" (the "\Device\" may be
   left out) into *o.  0, or -1 with err naming the entry. */
int pal_volume_map_parse(const char *spec, pal_decode_opts *o, char *err, size_t errcap);

/* Decodes one JSON line into *ev.  `want` is a bitmap of PS_EVENT field
   indices to decode (NULL = all), (nfields + 7) / 8 bytes of it read: a
   program's event_fields_used (PAL_FIELDS_BITMAP bytes) is one.  Returns 0, or -1 with a message in err
   ("line is not valid JSON at byte 17", "unsupported Sysmon EventID 7", ...).
   On 0, err holds a warning or is "": a value left undefined, or a
   duplicate key ("duplicate key process.name: decided on its first and on
   its last value").  Strings in *ev live in `a`. */
int pal_event_decode(const char *line, size_t len, pal_input_format fmt,
                     const uint8_t *want, pal_arena *a, pal_event *ev,
                     char *err, size_t errcap);
/* The same, with options (NULL = none: pal_event_decode). */
int pal_event_decode_opts(const char *line, size_t len, pal_input_format fmt, const pal_decode_opts *o,
                          const uint8_t *want, pal_arena *a, pal_event *ev,
                          char *err, size_t errcap);

/* Decodes a JSON object against any schema (used for inventories: the root
   is PS_IMAGE, collections recurse into their element schemas).  Returns 0
   or -1 with err naming the JSON path of the first bad value. */
int pal_record_from_json(const pal_schema *s, const cJSON *obj, bool windows,
                         pal_arena *a, pal_record *out, char *err, size_t errcap);

pal_input_format pal_input_format_from_name(const char *name);  /* -1 cast if unknown */

#endif

/*
 * decode_int.h — the decoder's internals, shared by its files (the public
 * contract is decode.h).  Nothing outside engine/decode/ includes this.
 *
 * The decoder is split by source, one file per stage, as SQLite names its
 * planner's files:
 *   decode_walk.c    the schema-driven walker and value conversion: the part
 *                    every source shares;
 *   decode_record.c  collections of records and pal_record_from_json
 *                    (inventories);
 *   decode_event.c   the event line (size, depth, JSON, format sniffing),
 *                    the event fields the adapters set, and what every event
 *                    gets afterwards (derived names, one direction spelling);
 *   decode_ecs.c     ECS: kind and OS inference;
 *   decode_sysmon.c  Windows records (Sysmon, Security, System, PowerShell) in
 *                    the Winlogbeat, flat and evtx_dump layouts, driven by
 *                    engine/core/winevents.h;
 *   decode_falco.c   Falco JSON output;
 *   decode_winpath.c Windows paths in one form (\\?\, \Device\, "..", "cmd.exe.").
 *
 * Design.  One schema-driven walker does the work.  Given a JSON object and
 * a schema, it visits the object's members once, comparing each key with
 * the *rest* of the JSON paths of the fields still in play ("candidates").
 * A key that completes a path is that field's value; a key that is a prefix
 * of some paths followed by '.' narrows the candidates, and the walk
 * descends into that member.  Because a key is compared with the rest of a
 * path whatever dots it holds itself, the three layouts ECS producers emit
 * are one case: nested objects {"process":{"name":..}}, flattened keys
 * {"process.name":..} and mixes {"process":{"parent.name":..}}.  The walk
 * only descends along schema paths, so its depth is bounded by the schema
 * and its time is linear in the input (a key is compared with at most the
 * length of a field path, per candidate).
 *
 * Values convert strictly to the field's type.  A value that does not fit
 * leaves the field undefined (policies then see "absent", never a wrong
 * value) and is reported with its JSON path ("files[3].size: expected a
 * number, got a string"); only the first report is kept.  When one field is
 * spelled twice (nested and flattened), the first in document order wins.
 * JSON null means absent.
 *
 * Events.  pal_event_decode checks the line's size and nesting depth itself
 * (so the error names the limit, and cJSON never recurses deeply), parses it
 * with cJSON, then:
 *   1. walks the ECS names of PS_EVENT over the whole object;
 *   2. for Sysmon and Falco records, an adapter fills the fields the walk
 *      left undefined from the raw names: ECS fields that a shipper
 *      (Winlogbeat's Sysmon module) already added win, because they are what
 *      the rest of the user's pipeline sees;
 *   3. sets the kind and the Windows flag, derives names from paths
 *      (process.name from process.executable, ...), flags Windows paths,
 *      and spells network.direction one way (ECS 8 "egress" is "outbound").
 * Fields outside `want` are neither converted nor kept, except the few the
 * kind/OS inference and the derived fields read; those are decoded and then
 * dropped.  A bad value in an event is not fatal: the field is undefined,
 * the call returns 0 and leaves the first such message in err (err[0] is 0
 * when the line was clean); the caller decides what to do with it.
 *
 * Memory.  Every string, list and record is copied into the caller's arena
 * and the cJSON tree is deleted before returning, so the only allocations
 * outside the arena are cJSON's own while a line is parsed.  cJSON records
 * the position of a parse error in a global as well as in the pointer we
 * read: harmless, but a data race for thread sanitizers.
 *
 * Names: functions shared between the files are dec_* (the walker and its
 * state) and ev_* (setting event fields); everything else is static.
 */
#ifndef PAL_DECODE_INT_H
#define PAL_DECODE_INT_H

#include "engine/decode/decode.h"
#include "engine/base/err.h"
#include "engine/base/limits.h"
#include "engine/core/match.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* The decoder's own bounds (the user-facing limits are in limits.h):
   DEC_MAX_FIELDS  fields in one schema: candidate sets and bitmaps live on
                   the stack, sized by it;
   DEC_PATH_CAP    bytes of JSON path kept for messages (longer is cut);
   DEC_QUOTE       bytes of an untrusted value quoted in a message. */
#define DEC_MAX_FIELDS 512u
#define DEC_PATH_CAP   256u
#define DEC_QUOTE      48u
#define QUOTE_BUF      (DEC_QUOTE * 4u + 8u)

/* ---- small helpers ---- */

static inline bool bit_get(const uint8_t *b, unsigned i) { return (b[i >> 3] >> (i & 7)) & 1u; }
static inline void bit_set(uint8_t *b, unsigned i) { b[i >> 3] |= (uint8_t)(1u << (i & 7)); }

static inline char lower(char c) { return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c; }
static inline bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

static inline bool eq_ci(const char *s, size_t n, const char *lit)
{
    size_t m = strlen(lit);
    if (n != m) return false;
    for (size_t i = 0; i < n; i++)
        if (lower(s[i]) != lower(lit[i])) return false;
    return true;
}

static inline bool str_eq_ci(const char *s, const char *lit) { return s && eq_ci(s, strlen(s), lit); }

static inline bool starts_ci(const char *s, size_t n, const char *lit)
{
    size_t m = strlen(lit);
    return n >= m && eq_ci(s, m, lit);
}

static inline const cJSON *item(const cJSON *obj, const char *key)
{
    return cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
}

static inline const char *jstr(const cJSON *v) { return cJSON_IsString(v) && v->valuestring ? v->valuestring : NULL; }

const char *dec_find_sub(const char *s, size_t n, const char *lit);
/* A printable rendition of untrusted text for a message (see decode_walk.c). */
const char *dec_show(char buf[QUOTE_BUF], const char *s, size_t n, bool quotes);
/* "a string", "a number", ... for messages about a JSON value. */
const char *dec_json_kind(const cJSON *v);
/* The member at a dotted path, whatever mix of nesting and flattened keys
   spells it (the walker's rule, for the few names outside a schema). */
const cJSON *dec_json_find(const cJSON *obj, const char *path);
/* Decimal integer filling the whole text: 0 ok, 1 not a number, 2 out of
   the int64 range. */
int dec_parse_int(const char *s, size_t n, int64_t *out);

/* ---- the decoder state and its reports ---- */

typedef struct dec {
    pal_arena *a;
    char *err;
    size_t errcap;
    unsigned nbad;     /* values that did not fit their field */
    bool stop_on_bad;  /* pal_record_from_json: the first bad value is fatal */
    bool fatal;        /* arena exhausted or a limit passed: give up */
    bool last_wins;    /* the second reading of a line with a duplicate key */
    bool check_lookups;       /* the fast path: every dec_item/dec_find name must be declared */
    bool undeclared_lookup;   /* ... and one was not (a bug; decode_fast.c) */
    size_t plen;
    /* the two buffers last: an event's reading zeroes what precedes them
       and makes them "" (begin_reading) */
    char dup[DEC_PATH_CAP];   /* first reading: the first duplicate key met, "" if none */
    char path[DEC_PATH_CAP];  /* JSON path of the value being converted */
} dec;

/* Members of an object in reading order: document order, or last first. */
static inline const cJSON *dec_first_member(const dec *d, const cJSON *obj)
{
    const cJSON *m = obj->child;
    if (!d->last_wins || !m) return m;
    if (m->prev) return m->prev;      /* cJSON keeps the last in the first's prev */
    while (m->next) m = m->next;
    return m;
}

static inline const cJSON *dec_next_member(const dec *d, const cJSON *obj, const cJSON *m)
{
    if (!d->last_wins) return m->next;
    return m == obj->child ? NULL : m->prev;
}

static inline bool dec_done(const dec *d) { return d->fatal || (d->stop_on_bad && d->nbad); }

/* A value that does not fit: the first is reported, prefixed by d->path. */
void dec_bad_value(dec *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Give up on this input (a limit, or no memory); the message replaces err. */
void dec_fatal(dec *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void *dec_alloc(dec *d, size_t n);   /* from d->a; NULL (and fatal) when exhausted */
void *dec_alloc_text(dec *d, size_t n);   /* the same, not zeroed: for text written at once */

/* The path buffer grows as the walk descends and is cut back on return.
   Only keys that matched a schema path (or fixed adapter names) enter it. */
size_t dec_path_push(dec *d, const char *s, size_t n, bool dot);
size_t dec_path_push_index(dec *d, size_t i);
void dec_path_pop(dec *d, size_t old);

/* ---- values ---- */

bool dec_str_value(dec *d, unsigned t, const char *s, size_t n, bool windows, pal_value *out);
/* An IP address in text; brackets and an IPv6 zone are dropped. */
bool dec_ip_text(const char *s, size_t n, pal_value *out);
/* A JSON value as the converters see it, whichever reader found it: the
   tree walk makes one from a cJSON node (dec_jv_of), the fast path
   (decode_fast.c) from the pull reader's spans.  A string is s[0..n), cut
   at an escaped NUL as cJSON cuts it (s is NULL only for a cJSON string
   without text); a number is num, strtod's value of its text, as cJSON
   computes it.  Containers carry their kind only: the converters never
   look inside one they were not asked to read as a list. */
typedef enum dec_jkind {
    DJ_NOTHING = 0,   /* no value at all (a NULL node) */
    DJ_INVALID,
    DJ_NULL, DJ_FALSE, DJ_TRUE, DJ_NUMBER, DJ_STRING, DJ_ARRAY, DJ_OBJECT
} dec_jkind;
typedef struct dec_jv {
    dec_jkind kind;
    const char *s;
    size_t n;
    double num;
} dec_jv;
dec_jv dec_jv_of(const cJSON *v);
const char *dec_jv_kind(const dec_jv *v);   /* "a string", ... (dec_json_kind) */
bool dec_scalar_jv(dec *d, unsigned t, bool is_port, const dec_jv *v, bool windows, pal_value *out);
bool dec_scalar_value(dec *d, unsigned t, bool is_port, const cJSON *v, bool windows, pal_value *out);
/* A PT_LIST value, in the steps both readers take, so they allocate and
   report alike: a value that is not an array is a one-element list
   (dec_list_single; an object is refused); an array of n elements gets
   dec_list_begin (the PAL_MAX_LIST_ITEMS check and the items; *ok false
   on failure), dec_list_item for each element in order until one fails,
   and dec_list_end. */
bool dec_list_single(dec *d, unsigned elem, const dec_jv *v, bool windows, pal_value *out);
pal_value *dec_list_begin(dec *d, size_t n, bool *ok);
bool dec_list_item(dec *d, unsigned elem, size_t i, const dec_jv *v, bool windows, pal_value *items);
void dec_list_end(pal_value *items, size_t n, pal_value *out);
bool dec_is_port_field(const pal_field *f);   /* "port" or "*.port": 0-65535 */
/* Converts v to field f's type into *out; *out is untouched on failure. */
bool dec_convert_field(dec *d, const pal_field *f, const cJSON *v, bool windows, unsigned depth,
                       pal_value *out);
/* A collection of records (decode_record.c). */
bool dec_records_value(dec *d, unsigned sid, const cJSON *v, bool windows, unsigned depth,
                       pal_value *out);

/* ---- the schema walk ---- */

typedef struct rec_ctx {
    const pal_schema *s;
    pal_value *slots;
    uint64_t *written;     /* pal_record's: slots written; NULL = slots all zeroed (all written) */
    const uint8_t *want;   /* fields to convert; NULL = all */
    uint8_t *seen;         /* fields present with a non-null value */
    uint8_t *met;          /* last_wins: fields met, null included */
    bool windows;          /* PVF_WINDOWS on PT_PATH values */
    unsigned depth;        /* record nesting, for collections of records */
} rec_ctx;

void dec_walk_record(dec *d, rec_ctx *r, const cJSON *obj);

/* Slot i of a record whose `written` bitmap is w (NULL: all written), made
   ready to be written: a slot never written yet becomes PV_UNDEF and
   written.  The event decoder does not zero its ~200 slots up front
   (pal_record in engine/core/value.h): every write goes through here. */
static inline pal_value *dec_slot_claim(pal_value *slots, uint64_t *w, unsigned i)
{
    if (w && !((w[i >> 6] >> (i & 63u)) & 1u)) {
        slots[i] = pal_undef();
        w[i >> 6] |= 1ull << (i & 63u);
    }
    return &slots[i];
}

/* Duplicate keys (decode_walk.c explains the two readings).  dec_note_dup
   records where.key as the first duplicate; dec_item and dec_find are the
   adapters' lookups of one key and of a dotted path, reading as d does. */
void dec_note_dup(dec *d, const char *where, const char *key, size_t klen);
const cJSON *dec_item(dec *d, const cJSON *obj, const char *key, const char *where);
const cJSON *dec_find(dec *d, const cJSON *obj, const char *path);

/* ---- events: the fields inference, adapters and derivations touch ---- */

enum {
    EF_TIMESTAMP, EF_HOST_NAME, EF_HOST_OS_TYPE, EF_CONTAINER_ID, EF_CONTAINER_NAME,
    EF_IMAGE_NAME, EF_IMAGE_TAG, EF_USER_NAME, EF_CATEGORY, EF_TYPE, EF_ACTION,
    EF_KIND, EF_MODULE, EF_PID, EF_EXE, EF_NAME, EF_CMDLINE, EF_CWD, EF_MD5,
    EF_SHA1, EF_SHA256, EF_PPID, EF_PEXE, EF_PNAME, EF_PCMDLINE, EF_DIRECTION,
    EF_TRANSPORT, EF_PROTOCOL, EF_SRC_IP, EF_SRC_PORT, EF_DST_IP, EF_DST_PORT,
    EF_DST_DOMAIN, EF_DNS_QNAME, EF_DNS_RCODE, EF_DNS_RESOLVED, EF_FILE_PATH,
    EF_FILE_NAME, EF_FILE_EXT, EF_FILE_DIR, EF_DLL_PATH, EF_DLL_NAME, EF__COUNT
};

/* PS_EVENT index of each EF_ field, resolved by name once (a schema edit
   cannot silently shift them); -1 when the schema lacks a name, which
   every setter tolerates. */
extern int dec_ef_index[EF__COUNT];

struct dec_fast;

typedef struct evctx {
    struct dec_fast *fast;                  /* the line's fast-path reading; NULL: the tree's */
    const pal_schema *s;
    pal_value *slots;                       /* uninitialised but where `written` says (dec_slot_claim) */
    uint64_t *written;                      /* the record's written bitmap */
    const uint8_t *user_want;               /* NULL = all */
    uint8_t want[DEC_MAX_FIELDS / 8];       /* user_want plus the fields inference reads */
    uint8_t seen[DEC_MAX_FIELDS / 8];       /* present in the ECS walk */
    uint8_t met[DEC_MAX_FIELDS / 8];        /* last_wins: met in the walk, null too */
    pal_event *ev;
    const pal_decode_opts *opts;            /* NULL: none */
    dec d;                                  /* last, for begin_reading (see dec) */
} evctx;

const pal_value *ev_get(const evctx *e, int ef);
/* Field i's value (i >= 0), undefined when never written. */
static inline const pal_value *ev_peek(const evctx *e, unsigned i)
{
    static const pal_value undef;
    return (e->written[i >> 6] >> (i & 63u)) & 1u ? &e->slots[i] : &undef;
}
/* Field i's slot for writing (dec_slot_claim). */
static inline pal_value *ev_slot(evctx *e, unsigned i) { return dec_slot_claim(e->slots, e->written, i); }
/* The slot of `ef` if it is wanted and still undefined, else NULL. */
pal_value *ev_free(evctx *e, int ef);
const pal_field *ev_field(const evctx *e, int ef);
/* Sets `ef` from a raw record's JSON value, found at prefix.key (for
   messages).  Converts exactly like the ECS walk does. */
void ev_json(evctx *e, int ef, const cJSON *v, const char *prefix, const char *key);
/* Sets a string (or a one-string list) field from text. */
void ev_str(evctx *e, int ef, const char *s, size_t n);
void ev_lit(evctx *e, int ef, const char *s);
/* A list of constant strings (event.type ["connection", "start"]). */
void ev_lits(evctx *e, int ef, const char *const *v, unsigned n);
void ev_category(evctx *e, const char *cat, const char *const *types, unsigned ntypes);
/* Text copied lower-cased (hashes, protocol names). */
void ev_str_lower(evctx *e, int ef, const char *s, size_t n);
/* The same setters by PS_EVENT index (-1 tolerated), for the adapters
   driven by a table of field names (decode_sysmon.c). */
pal_value *ev_free_at(evctx *e, int i);
void ev_json_at(evctx *e, int i, const cJSON *v, const char *prefix, const char *key);
void ev_str_at(evctx *e, int i, const char *s, size_t n);
void ev_str_lower_at(evctx *e, int i, const char *s, size_t n);
void ev_lits_at(evctx *e, int i, const char *const *v, unsigned n);
/* Present in the ECS walk (with any value, null excepted). */
bool ev_seen(const evctx *e, int ef);
bool ev_any_seen(const evctx *e, const char *prefix);

/* A Windows path in one form (decode_winpath.c) into out; out and scratch
   have room for n bytes (the result is never longer).  Returns its length.
   *unmapped_volume is the N of a \Device\HarddiskVolumeN the map does not
   know (1000 when N is out of range), else 0. */
size_t dec_winpath_normalize(const char *s, size_t n, const pal_decode_opts *o, char *out, char *scratch,
                             unsigned *unmapped_volume);

/* The ECS walk over a whole line (every source starts with it): over the
   tree, or from the fast path's spans when e->fast is set. */
void dec_walk_event(evctx *e, const cJSON *root);

/* ---- the fast path (decode_fast.c has the design) ---- */

/* The names each source looks up with dec_item / dec_find (full dotted
   paths from the root, NULL-terminated): the fast path keeps exactly the
   members on these paths in its pruned tree.  A lookup of a name missing
   here is caught (dec.undeclared_lookup) when it runs on the fast path. */
extern const char *const dec_lookups_sniff[];    /* decode_event.c */
extern const char *const dec_lookups_ecs[];      /* decode_ecs.c */
extern const char *const dec_lookups_falco[];    /* decode_falco.c */
/* The Windows adapter's (decode_sysmon.c), generated from its layouts and
   engine/core/winevents.c's rows: each header name of each layout (and
   "<EventID>.#text"), each event data object, and every row's key in each
   of those objects and at the root.  add(ctx, path) is called once per
   name (a name may come twice); false as soon as add returns false. */
bool dec_lookups_windows(bool (*add)(void *ctx, const char *path), void *ctx);

#define DEC_FAST_LEVELS      16u    /* nested objects the pass tracks (the deepest name's depth) */
#define DEC_FAST_MAX_LOOKUPS 2048u  /* looked-up names (1,034 with System 104's Channel and BackupPath: past it the fast path is off for every line, which test_decode_diff catches) */
#define DEC_FAST_BUF         8192u  /* the per-line buffer on the stack */

#define DEC_FAST_ELEMS       64u    /* list elements kept as spans per line */

enum { OCC_ESCAPED = 1u, OCC_INTEGER = 2u, OCC_INLINE = 4u };

/* A list element as a span. */
typedef struct fast_el {
    uint8_t kind, flags;
    uint32_t off, len;
} fast_el;

/* A wanted schema field's value in the line, in document order. */
typedef struct fast_occ {
    uint16_t field;     /* PS_EVENT index */
    uint8_t kind;       /* dec_jkind */
    uint8_t flags;      /* OCC_*: a string's escapes, a number without fraction or exponent, a
                           list's elements all in el[] */
    uint16_t el0;       /* OCC_INLINE: the first element in dec_fast.el */
    uint32_t off, len;  /* a string's raw text (inside the quotes), a number's text, an array's text */
    uint32_t count;     /* an array's elements */
} fast_occ;

typedef struct dec_fast {
    const char *line;
    cJSON *root;                          /* the pruned tree (never cJSON_Delete it) */
    unsigned nocc, nel;
    uint8_t seen[DEC_MAX_FIELDS / 8];     /* schema fields present, null excepted */
    fast_occ occ[DEC_MAX_FIELDS];
    fast_el el[DEC_FAST_ELEMS];
    bool indexed;                         /* read by the indexed reader (a plain line) */
    size_t used;
    struct fast_block *heap;
    _Alignas(16) unsigned char buf[DEC_FAST_BUF];
} dec_fast;

/* One pass over the line; 0 when the fast path can decode it (f->root and
   the spans are ready), else the pal_slow_reason to give it to the tree.
   Nothing is written anywhere but *f.  want: the fields to convert (evctx
   want).  Call dec_fast_done after either. */
int dec_fast_read(dec_fast *f, const char *line, size_t len, const uint8_t *want);
void dec_fast_done(dec_fast *f);
/* dec_walk_event's fast half: converts the spans into e's slots. */
void dec_fast_walk(evctx *e);
/* dec_item / dec_find on the fast path: is where.key a declared name? */
void dec_fast_check_lookup(dec *d, const char *where, const char *key);

/* The sources: each returns 0, or -1 with a message in e->d.err. */
int dec_ecs(evctx *e, const cJSON *root);
int dec_sysmon(evctx *e, const cJSON *root);   /* Windows records: Winlogbeat and flat layouts */
int dec_evtx(evctx *e, const cJSON *root);     /* Windows records: evtx_dump's Event.System / Event.EventData */
int dec_falco(evctx *e, const cJSON *root);

#endif

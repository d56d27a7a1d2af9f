/*
 * decode_event.c — the event line: size and depth checks, the JSON parse,
 * format sniffing, then the source's adapter (decode_ecs.c, decode_sysmon.c,
 * decode_falco.c), then what every event gets: names derived from paths,
 * the image tag, one spelling of network.direction, Windows path flags.
 * The ev_* setters the adapters use live here too.
 */
#include "engine/decode/decode_int.h"

#include <pthread.h>
#include <stddef.h>

static const char *const ef_names[EF__COUNT] = {
    "timestamp", "host.name", "host.os.type", "container.id", "container.name",
    "container.image.name", "container.image.tag", "user.name", "event.category", "event.type", "event.action",
    "event.kind", "event.module", "process.pid", "process.executable", "process.name", "process.command_line",
    "process.working_directory", "process.hash.md5",
    "process.hash.sha1", "process.hash.sha256", "process.parent.pid", "process.parent.executable",
    "process.parent.name", "process.parent.command_line", "network.direction",
    "network.transport", "network.protocol", "source.ip", "source.port", "destination.ip", "destination.port",
    "destination.domain", "dns.question.name", "dns.response_code", "dns.resolved_ip", "file.path",
    "file.name", "file.extension", "file.directory", "dll.path", "dll.name",
};

/* Fields read by the kind/OS inference and the derived fields: decoded even
   when the caller does not want them, and dropped afterwards. */
static const int ef_needed[] = {EF_CATEGORY, EF_PROTOCOL, EF_HOST_OS_TYPE, EF_EXE, EF_PEXE,
                                EF_FILE_PATH, EF_IMAGE_NAME, EF_DLL_PATH};

/* Indices are resolved by name once (a schema edit cannot silently shift
   them); -1 when the schema lacks a name, which every setter tolerates. */
int dec_ef_index[EF__COUNT];
static pthread_once_t ef_once = PTHREAD_ONCE_INIT;

static uint8_t ef_needed_bits[DEC_MAX_FIELDS / 8];   /* ef_needed as a bitmap */
static int ef_needed_index[sizeof ef_needed / sizeof ef_needed[0]];   /* their field indices, -1 if none */
/* The PT_PATH fields, so that the Windows steps visit those alone rather
   than every field of the schema per event. */
static uint16_t path_fields[DEC_MAX_FIELDS];
static unsigned npath_fields;

static void ef_init(void)
{
    const pal_schema *s = pal_schema_get(PS_EVENT);
    for (unsigned i = 0; i < EF__COUNT; i++)
        dec_ef_index[i] = pal_schema_find(s, ef_names[i], strlen(ef_names[i]));
    for (unsigned i = 0; i < sizeof ef_needed / sizeof ef_needed[0]; i++) {
        ef_needed_index[i] = -1;
        if (dec_ef_index[ef_needed[i]] >= 0 && (unsigned)dec_ef_index[ef_needed[i]] < DEC_MAX_FIELDS) {
            bit_set(ef_needed_bits, (unsigned)dec_ef_index[ef_needed[i]]);
            ef_needed_index[i] = dec_ef_index[ef_needed[i]];
        }
    }
    for (unsigned i = 0; i < s->nfields && i < DEC_MAX_FIELDS; i++)
        if (s->fields[i].type == PT_PATH) path_fields[npath_fields++] = (uint16_t)i;
}

const pal_value *ev_get(const evctx *e, int ef)
{
    static const pal_value undef;
    int i = dec_ef_index[ef];
    return i >= 0 ? ev_peek(e, (unsigned)i) : &undef;
}

/* The slot of field i if it is wanted and still undefined, else NULL. */
pal_value *ev_free_at(evctx *e, int i)
{
    if (i < 0 || !bit_get(e->want, (unsigned)i) || ev_peek(e, (unsigned)i)->tag != PV_UNDEF) return NULL;
    return ev_slot(e, (unsigned)i);
}

pal_value *ev_free(evctx *e, int ef) { return ev_free_at(e, dec_ef_index[ef]); }

const pal_field *ev_field(const evctx *e, int ef) { return &e->s->fields[dec_ef_index[ef]]; }

/* Sets field i from a raw record's JSON value, found at prefix.key (for
   messages).  Converts exactly like the ECS walk does. */
void ev_json_at(evctx *e, int i, const cJSON *v, const char *prefix, const char *key)
{
    if (!v || cJSON_IsNull(v)) return;
    pal_value *slot = ev_free_at(e, i);
    if (!slot) return;
    dec_path_pop(&e->d, 0);
    if (prefix && *prefix) dec_path_push(&e->d, prefix, strlen(prefix), false);
    dec_path_push(&e->d, key, strlen(key), true);
    dec_convert_field(&e->d, &e->s->fields[i], v, false, 0, slot);
    dec_path_pop(&e->d, 0);
}

void ev_json(evctx *e, int ef, const cJSON *v, const char *prefix, const char *key)
{
    ev_json_at(e, dec_ef_index[ef], v, prefix, key);
}

/* Sets a string (or a one-string list) field from text. */
void ev_str_at(evctx *e, int i, const char *s, size_t n)
{
    pal_value *slot = ev_free_at(e, i);
    if (!slot) return;
    const pal_field *f = &e->s->fields[i];
    if (f->type == PT_LIST) {
        pal_value *it = dec_alloc(&e->d, sizeof *it);
        if (!it || !dec_str_value(&e->d, f->elem, s, n, false, it)) return;
        pal_value lv = pal_undef();
        lv.tag = PV_LIST;
        lv.len = 1;
        lv.u.items = it;
        *slot = lv;
    } else if (f->type == PT_STRING || f->type == PT_PATH || f->type == PT_DNS) {
        dec_str_value(&e->d, f->type, s, n, false, slot);
    }
}

void ev_str(evctx *e, int ef, const char *s, size_t n) { ev_str_at(e, dec_ef_index[ef], s, n); }

void ev_lit(evctx *e, int ef, const char *s) { ev_str(e, ef, s, strlen(s)); }

/* A list of constant strings (event.type ["connection", "start"]). */
void ev_lits_at(evctx *e, int fi, const char *const *v, unsigned n)
{
    pal_value *slot = ev_free_at(e, fi);
    if (!slot || e->s->fields[fi].type != PT_LIST) return;
    pal_value *items = dec_alloc(&e->d, (n ? n : 1) * sizeof *items);
    if (!items) return;
    for (unsigned i = 0; i < n; i++)
        if (!dec_str_value(&e->d, PT_STRING, v[i], strlen(v[i]), false, &items[i])) return;
    pal_value lv = pal_undef();
    lv.tag = PV_LIST;
    lv.len = n;
    lv.u.items = items;
    *slot = lv;
}

void ev_lits(evctx *e, int ef, const char *const *v, unsigned n) { ev_lits_at(e, dec_ef_index[ef], v, n); }

void ev_category(evctx *e, const char *cat, const char *const *types, unsigned ntypes)
{
    ev_lits(e, EF_CATEGORY, &cat, 1);
    ev_lits(e, EF_TYPE, types, ntypes);
}

/* Text copied lower-cased (hashes, protocol names). */
void ev_str_lower_at(evctx *e, int i, const char *s, size_t n)
{
    pal_value *slot = ev_free_at(e, i);
    if (!slot) return;
    ev_str_at(e, i, s, n);
    if (slot->tag == PV_STR) {
        char *p = (char *)slot->u.s;   /* our own arena copy */
        for (size_t k = 0; k < slot->len; k++) p[k] = lower(p[k]);
    }
}

void ev_str_lower(evctx *e, int ef, const char *s, size_t n) { ev_str_lower_at(e, dec_ef_index[ef], s, n); }

static bool is_sep(char c, bool windows) { return c == '/' || (windows && c == '\\'); }

/* name (last element), directory and extension of a path-valued field. */
static void derive_from_path(evctx *e, int from, int name_ef, int dir_ef, int ext_ef, bool windows)
{
    const pal_value *src = ev_get(e, from);
    if (src->tag != PV_STR || !src->len) return;
    const char *s = src->u.s;
    size_t n = src->len, start = n;
    while (start > 0 && !is_sep(s[start - 1], windows)) start--;
    if (start == n) return;                    /* ends with a separator: no name */
    ev_str(e, name_ef, s + start, n - start);
    if (dir_ef >= 0 && start > 0) {
        size_t dlen = start - 1;
        if (dlen == 0) dlen = 1;                                      /* "/etc" -> "/" */
        else if (windows && dlen == 2 && s[1] == ':') dlen = 3;       /* "C:\x" -> "C:\" */
        ev_str(e, dir_ef, s, dlen);
    }
    if (ext_ef >= 0) {
        const char *dot = NULL;
        for (size_t i = start + 1; i < n; i++) if (s[i] == '.') dot = s + i;   /* ".bashrc" has none */
        if (dot && dot + 1 < s + n) ev_str(e, ext_ef, dot + 1, (size_t)(s + n - dot - 1));
    }
}

/* container.image.tag from "registry:5000/app:v1@sha256:..." -> "v1": after
   the last ':' that follows the last '/', ignoring a digest. */
static void derive_image_tag(evctx *e)
{
    const pal_value *img = ev_get(e, EF_IMAGE_NAME);
    if (img->tag != PV_STR || !ev_free(e, EF_IMAGE_TAG)) return;
    const char *s = img->u.s;
    size_t n = img->len;
    const char *at = memchr(s, '@', n);
    if (at) n = (size_t)(at - s);
    size_t colon = n;
    for (size_t i = n; i > 0; i--) {
        if (s[i - 1] == '/') break;
        if (s[i - 1] == ':') { colon = i - 1; break; }
    }
    if (colon + 1 < n) ev_str(e, EF_IMAGE_TAG, s + colon + 1, n - colon - 1);
}

/* ECS 8 shippers write the host's view as "egress"/"ingress"; SCHEMAS and
   the Sysmon/Falco adapters say "outbound"/"inbound".  One spelling, so a
   policy's `outbound` cannot miss an Elastic Agent event. */
static void normalize_direction(evctx *e)
{
    int i = dec_ef_index[EF_DIRECTION];
    if (i < 0 || ev_peek(e, (unsigned)i)->tag != PV_STR) return;
    const pal_value *v = &e->slots[i];
    const char *to = eq_ci(v->u.s, v->len, "egress") ? "outbound"
                   : eq_ci(v->u.s, v->len, "ingress") ? "inbound" : NULL;
    if (!to) return;
    e->slots[i] = pal_undef();
    ev_lit(e, EF_DIRECTION, to);
}

/* Every path field of a Windows event in one form (decode_winpath.c); the
   text the event gave is kept in ev->originals when it changes.  A volume
   the map does not know is a warning: such a path cannot match a
   drive-letter entry. */
static void normalize_windows_paths(evctx *e)
{
    for (unsigned k = 0; k < npath_fields; k++) {
        unsigned i = path_fields[k];
        if (ev_peek(e, i)->tag != PV_STR) continue;
        pal_value *v = &e->slots[i];
        if (!v->len) continue;
        char *out = dec_alloc_text(&e->d, 2 * (size_t)v->len + 1);
        if (!out) return;
        unsigned unmapped = 0;
        size_t n = dec_winpath_normalize(v->u.s, v->len, e->opts, out, out + v->len + 1, &unmapped);
        if (unmapped) {
            char vol[16];
            snprintf(vol, sizeof vol, unmapped < 1000 ? "%u" : "N", unmapped);
            size_t old = dec_path_push(&e->d, pal_field_json(&e->s->fields[i]),
                                       strlen(pal_field_json(&e->s->fields[i])), false);
            dec_bad_value(&e->d, "\\Device\\HarddiskVolume%s is not in the volume map, so this path cannot "
                          "match a drive-letter path (give --volume-map \\Device\\HarddiskVolume%s=X:)", vol, vol);
            dec_path_pop(&e->d, old);
        }
        if (n == v->len && memcmp(out, v->u.s, n) == 0) continue;
        out[n] = 0;
        if (e->ev->noriginals < PAL_EVENT_ORIGINALS) {
            pal_original *o = &e->ev->originals[e->ev->noriginals++];
            o->field = i;
            o->len = v->len;
            o->text = v->u.s;
        }
        v->u.s = out;
        v->len = (uint32_t)n;
    }
}

static void finish_event(evctx *e)
{
    bool win = e->ev->windows;
    if (win) normalize_windows_paths(e);
    normalize_direction(e);
    derive_from_path(e, EF_EXE, EF_NAME, -1, -1, win);
    derive_from_path(e, EF_PEXE, EF_PNAME, -1, -1, win);
    derive_from_path(e, EF_FILE_PATH, EF_FILE_NAME, EF_FILE_DIR, EF_FILE_EXT, win);
    derive_from_path(e, EF_DLL_PATH, EF_DLL_NAME, -1, -1, win);
    derive_image_tag(e);
    /* Only fields in e->want are ever set (ev_free_at, the walks and the
       fast path's spans all check it), and e->want is the caller's want
       plus ef_needed: so those are the only slots to unset, not all 204. */
    if (e->user_want)
        for (unsigned k = 0; k < sizeof ef_needed_index / sizeof ef_needed_index[0]; k++) {
            int i = ef_needed_index[k];
            if (i >= 0 && !bit_get(e->user_want, (unsigned)i)) e->written[i >> 6] &= ~(1ull << (i & 63));
        }
    if (win)
        for (unsigned k = 0; k < npath_fields; k++) {
            unsigned i = path_fields[k];
            if (ev_peek(e, i)->tag == PV_STR && (!e->user_want || bit_get(e->user_want, i))) e->slots[i].flags |= PVF_WINDOWS;
        }
}

void dec_walk_event(evctx *e, const cJSON *root)
{
    if (e->fast) {
        /* the fast walk writes exactly the fields of its spans */
        for (unsigned k = 0; k < e->fast->nocc; k++) ev_slot(e, e->fast->occ[k].field);
        dec_fast_walk(e);
        return;
    }
    rec_ctx r = {e->s, e->slots, e->written, e->want, e->seen, e->met, false, 0};
    dec_walk_record(&e->d, &r, root);
}

static bool too_deep(const char *s, size_t n, size_t *where)
{
    unsigned depth = 0;
    bool in_str = false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (in_str) {
            if (c == '\\') i++;
            else if (c == '"') in_str = false;
        } else if (c == '"') {
            in_str = true;
        } else if (c == '[' || c == '{') {
            if (++depth > PAL_MAX_JSON_DEPTH) { *where = i; return true; }
        } else if ((c == ']' || c == '}') && depth) {
            depth--;
        }
    }
    return false;
}

/* The names sniff() looks up (decode_int.h, "the fast path"). */
const char *const dec_lookups_sniff[] = {"winlog.event_id", "winlog.channel", "EventID", "output_fields",
                                         "Event.System", "Event.EventData", NULL};

/* The format of one line (SPEC 15): Winlogbeat or flat Windows keys,
   evtx_dump's Event object, Falco's output_fields, else ECS.  A line with
   both Winlogbeat's and evtx_dump's keys is not guessed: -1. */
static int sniff(const cJSON *root)
{
    bool winlog = dec_json_find(root, "winlog.event_id") || dec_json_find(root, "winlog.channel") ||
                  item(root, "EventID");
    const cJSON *ev = item(root, "Event");
    bool evtx = cJSON_IsObject(ev) && (cJSON_IsObject(item(ev, "System")) || cJSON_IsObject(item(ev, "EventData")));
    if (winlog && evtx) return -1;
    if (winlog) return PAL_INPUT_SYSMON;
    if (evtx) return PAL_INPUT_EVTX;
    if (cJSON_IsObject(item(root, "output_fields"))) return PAL_INPUT_FALCO;
    return PAL_INPUT_ECS;
}

static const char *json_type_noun(const cJSON *v)
{
    if (cJSON_IsArray(v)) return "an array";
    if (cJSON_IsString(v)) return "a string";
    if (cJSON_IsNumber(v)) return "a number";
    if (cJSON_IsBool(v)) return "a boolean";
    if (cJSON_IsNull(v)) return "null";
    return "a value";
}

/* A line that does not parse but is a piece of a pretty-printed document
   (jq ., evtx_dump's default output): its description, else NULL.  The
   pieces: a bracket alone ("{", "[", "[{", "}", "},", "]"), or a member
   line ("\"Event\": {", "\"EventID\": 1,"). */
static const char *pretty_piece(const char *s, size_t n)
{
    while (n && (s[n - 1] == ',' || is_ws(s[n - 1]))) n--;
    if (n == 1 && (s[0] == '{' || s[0] == '[')) return s[0] == '{' ? "'{' alone" : "'[' alone";
    if (n == 1 && (s[0] == '}' || s[0] == ']')) return s[0] == '}' ? "'}' alone" : "']' alone";
    if (n == 2 && s[0] == '[' && s[1] == '{') return "'[{' alone";
    /* evtx_dump's default output: "Record 1234" before each pretty record */
    if (n > 7 && !memcmp(s, "Record ", 7)) {
        size_t i = 7;
        while (i < n && s[i] >= '0' && s[i] <= '9') i++;
        if (i == n) return "evtx_dump's record header (\"Record N\")";
    }
    if (n >= 4 && s[0] == '"') {
        size_t i = 1;
        while (i < n && s[i] != '"') i += s[i] == '\\' ? 2 : 1;
        size_t j = i + 1;
        while (j < n && is_ws(s[j])) j++;
        if (i < n && j < n && s[j] == ':') return "one member of an object (\"key\": ...)";
    }
    return NULL;
}

/* The line into a cJSON object: size, BOM, blank, depth, syntax, one value,
   an object.  NULL with the reason in err. */
static cJSON *parse_line(const char *line, size_t len, char *err, size_t errcap)
{
    if (len > PAL_MAX_EVENT_LINE) {
        pal_set_err(err, errcap, "line is %zu bytes, over the limit of %u bytes (PAL_MAX_EVENT_LINE)",
                len, PAL_MAX_EVENT_LINE);
        return NULL;
    }
    size_t off = 0;
    if (len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) off = 3;   /* BOM from Windows tools */
    while (len > off && is_ws(line[len - 1])) len--;
    while (off < len && is_ws(line[off])) off++;
    if (off == len) { pal_set_err(err, errcap, "empty line: expected one JSON object"); return NULL; }
    size_t where = 0;
    if (too_deep(line + off, len - off, &where)) {
        pal_set_err(err, errcap, "line nests deeper than %u levels at byte %zu (PAL_MAX_JSON_DEPTH)",
                PAL_MAX_JSON_DEPTH, off + where + 1);
        return NULL;
    }
    /* none of the pieces is valid JSON, so this is only a better message */
    const char *piece = pretty_piece(line + off, len - off);
    if (piece) {
        /* the command to convert it is the caller's to give, once per input
           (cli_no_event_decoded: jq -c, evtx_dump -o jsonl), not on every line */
        pal_set_err(err, errcap, "line is %s, not a whole JSON object: this looks like pretty-printed "
                    "(multi-line) JSON, and palisade reads one object per line", piece);
        return NULL;
    }
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(line + off, len - off, &end, 0);
    if (!root) {
        size_t at = end && end >= line && end <= line + len ? (size_t)(end - line) : off;
        pal_set_err(err, errcap, "line is not valid JSON at byte %zu", at + 1);
        return NULL;
    }
    size_t rest = end ? (size_t)(end - line) : len;
    while (rest < len && is_ws(line[rest])) rest++;
    if (rest < len) {
        cJSON_Delete(root);
        pal_set_err(err, errcap, "line holds more than one JSON value: extra text at byte %zu", rest + 1);
        return NULL;
    }
    if (cJSON_IsArray(root) && cJSON_IsObject(root->child)) {
        cJSON_Delete(root);
        pal_set_err(err, errcap, "line is an array of objects, not a JSON object: write one event object per "
                    "line (`jq -c '.[]' FILE` does)");
        return NULL;
    }
    if (!cJSON_IsObject(root)) {
        pal_set_err(err, errcap, "line is %s, not a JSON object: write one event object per line",
                json_type_noun(root));
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}

/* A decoding context for one reading of a line into ev; ev's slots are
   allocated (all undefined: none written) and set even when the reading
   fails.  The slots themselves are not zeroed: of ~200 an event sets a
   few dozen, and zeroing 4.9 KB was most of an event's setup. */
static bool begin_reading(evctx *e, pal_arena *a, char *err, size_t errcap, pal_event *ev,
                          const pal_decode_opts *o, const uint8_t *want, bool last_wins)
{
    const pal_schema *s = pal_schema_get(PS_EVENT);
    memset(e, 0, offsetof(evctx, d) + offsetof(dec, dup));   /* all but the path buffers */
    e->d.dup[0] = e->d.path[0] = 0;
    memset(ev, 0, sizeof *ev);
    ev->rec.schema = s;
    e->d.a = a;
    e->d.err = err;
    e->d.errcap = errcap;
    e->d.last_wins = last_wins;
    e->s = s;
    e->ev = ev;
    e->user_want = want;
    e->opts = o;
    e->slots = dec_alloc_text(&e->d, s->nfields * sizeof *e->slots);
    e->written = dec_alloc(&e->d, (s->nfields + 63u) / 64u * sizeof *e->written);
    if (!e->slots || !e->written) return false;
    ev->rec.slots = e->slots;
    ev->rec.written = e->written;
    /* want: the caller's fields (all when NULL) and those inference reads */
    unsigned nb = (s->nfields + 7u) / 8u;
    for (unsigned b = 0; b < nb; b++) e->want[b] = (uint8_t)((want ? want[b] : 0xffu) | ef_needed_bits[b]);
    if (s->nfields % 8u) e->want[nb - 1] &= (uint8_t)((1u << (s->nfields % 8u)) - 1u);
    return true;
}

/* One reading: the source's adapter, then what every event gets.  0, or -1
   (e->d.fatal when the input is too large to decode at all). */
static int read_event(evctx *e, const cJSON *root, pal_input_format fmt)
{
    int rc;
    switch (fmt) {
    case PAL_INPUT_SYSMON: rc = dec_sysmon(e, root); break;
    case PAL_INPUT_FALCO: rc = dec_falco(e, root); break;
    case PAL_INPUT_EVTX: rc = dec_evtx(e, root); break;
    default: rc = dec_ecs(e, root); break;
    }
    if (e->d.fatal) {
        e->ev->kind = 0;
        return -1;
    }
    finish_event(e);
    return e->d.fatal ? -1 : rc;
}

/* The line had a duplicate key (ea's first reading noted it): read it again
   keeping the last values, and keep what decodes.  Returns what
   pal_event_decode returns; the message in err names the key. */
static int read_again(evctx *ea, int rca, const cJSON *root, pal_input_format fmt, const pal_decode_opts *o,
                      const uint8_t *want)
{
    char *err = ea->d.err;
    size_t errcap = ea->d.errcap;
    char dup[DEC_PATH_CAP], first_err[512], last_err[512] = "";
    memcpy(dup, ea->d.dup, sizeof dup);
    snprintf(first_err, sizeof first_err, "%s", errcap ? err : "");
    pal_event *evb = dec_alloc(&ea->d, sizeof *evb);
    if (!evb) return -1;
    evctx eb;
    int rcb = begin_reading(&eb, ea->d.a, last_err, sizeof last_err, evb, o, want, true)
              ? read_event(&eb, root, fmt) : -1;
    if (rca == 0 && rcb == 0) {
        ea->ev->other = evb;
        pal_set_err(err, errcap, "duplicate key %s: decided on its first and on its last value", dup);
        return 0;
    }
    if (rca == 0) {
        pal_set_err(err, errcap, "duplicate key %s: decided on its first value (with its last the line is not "
                    "decided: %s)", dup, last_err);
        return 0;
    }
    if (rcb == 0) {
        *ea->ev = *evb;
        pal_set_err(err, errcap, "duplicate key %s: decided on its last value (with its first the line is not "
                    "decided: %s)", dup, first_err);
        return 0;
    }
    if (!ea->d.fatal) pal_set_err(err, errcap, "%s (duplicate key %s)", first_err, dup);
    return -1;
}

int pal_event_decode(const char *line, size_t len, pal_input_format fmt,
                     const uint8_t *want, pal_arena *a, pal_event *ev,
                     char *err, size_t errcap)
{
    return pal_event_decode_opts(line, len, fmt, NULL, want, a, ev, err, errcap);
}

int pal_event_decode_opts(const char *line, size_t len, pal_input_format fmt, const pal_decode_opts *o,
                          const uint8_t *want, pal_arena *a, pal_event *ev,
                          char *err, size_t errcap)
{
    if (!err) errcap = 0;
    if (errcap) err[0] = 0;
    if (!ev) { pal_set_err(err, errcap, "internal error: no event to decode into"); return -1; }
    memset(ev, 0, sizeof *ev);
    pthread_once(&ef_once, ef_init);
    const pal_schema *s = pal_schema_get(PS_EVENT);
    ev->rec.schema = s;
    if (!line || !a) { pal_set_err(err, errcap, "internal error: no line or arena"); return -1; }
    if (s->nfields > DEC_MAX_FIELDS) {
        pal_set_err(err, errcap, "internal error: the event schema has more than %u fields", DEC_MAX_FIELDS);
        return -1;
    }
    if ((unsigned)fmt > PAL_INPUT_EVTX) { pal_set_err(err, errcap, "internal error: unknown input format %d", (int)fmt); return -1; }

    evctx e;
    if (!begin_reading(&e, a, err, errcap, ev, o, want, false)) return -1;   /* slots all undefined */
    if (!o || o->decoder != PAL_DECODER_TREE) {
        /* The fast path (decode_fast.c): the same steps as below over a
           pruned tree, or the line back untouched for the tree. */
        dec_fast f;
        int why = dec_fast_read(&f, line, len, e.want);
        if (why == 0) {
            int use = fmt == PAL_INPUT_AUTO ? sniff(f.root) : (int)fmt;
            /* a line with both Windows layouts' keys: the tree says why */
            if (use < 0) {
                if (o && o->stats) {
                    o->stats->slow[PAL_SLOW_OTHER]++;
                    o->stats->indexed += f.indexed;
                }
                dec_fast_done(&f);
                goto tree;
            }
            e.fast = &f;
            e.d.check_lookups = o && o->stats;   /* a test's check; it costs a hash per lookup */
            int rc = read_event(&e, f.root, (pal_input_format)use);
            dec_fast_done(&f);
            if (o && o->stats) {
                o->stats->fast++;
                o->stats->indexed += f.indexed;
                /* by construction neither happens (decode_fast.c); the tests count them */
                if (e.d.undeclared_lookup || e.d.dup[0]) o->stats->anomalies++;
            }
            return rc;
        }
        dec_fast_done(&f);
        if (o && o->stats) o->stats->slow[why < PAL_SLOW__COUNT ? why : PAL_SLOW_OTHER]++;
    }
tree:;
    cJSON *root = parse_line(line, len, err, errcap);
    if (!root) return -1;
    if (fmt == PAL_INPUT_AUTO) {
        int f = sniff(root);
        if (f < 0) {
            cJSON_Delete(root);
            pal_set_err(err, errcap, "line has both Winlogbeat keys (winlog.*, EventID) and an evtx_dump Event "
                        "object: give --input-format sysmon or evtx-json");
            return -1;
        }
        fmt = (pal_input_format)f;
    }
    int rc = read_event(&e, root, fmt);
    if (e.d.dup[0] && !e.d.fatal) rc = read_again(&e, rc, root, fmt, o, want);
    cJSON_Delete(root);
    return rc;
}

pal_input_format pal_input_format_from_name(const char *name)
{
    if (!name) return (pal_input_format)-1;
    if (str_eq_ci(name, "auto")) return PAL_INPUT_AUTO;
    if (str_eq_ci(name, "ecs")) return PAL_INPUT_ECS;
    if (str_eq_ci(name, "sysmon")) return PAL_INPUT_SYSMON;
    if (str_eq_ci(name, "falco")) return PAL_INPUT_FALCO;
    if (str_eq_ci(name, "evtx-json")) return PAL_INPUT_EVTX;
    return (pal_input_format)-1;
}

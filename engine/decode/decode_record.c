/*
 * decode_record.c — collections of records, and pal_record_from_json: an
 * inventory (PS_IMAGE) and its collections, decoded against their schemas.
 * Unlike an event, a record stops at its first bad value, which is the
 * error: an inventory palisade cannot read must not be checked half-read.
 */
#include "engine/decode/decode_int.h"
#include "engine/core/version.h"

static bool decode_record(dec *d, const pal_schema *s, const cJSON *obj, bool windows,
                          unsigned depth, pal_record *out);

/* A name/value collection may also be written as a JSON object, the way
   image configs hold labels: {"maintainer": "x"} -> [{name, value}]. */
static bool kv_map_value(dec *d, const pal_schema *s, const cJSON *v, pal_value *out)
{
    int iname = pal_schema_find(s, "name", 4), ivalue = pal_schema_find(s, "value", 5);
    if (iname < 0 || ivalue < 0) { dec_bad_value(d, "expected an array of objects, got an object"); return false; }
    size_t n = 0;
    for (const cJSON *c = v->child; c; c = c->next)
        if (++n > PAL_MAX_LIST_ITEMS) {
            dec_bad_value(d, "has more than %u entries (PAL_MAX_LIST_ITEMS)", PAL_MAX_LIST_ITEMS);
            return false;
        }
    pal_record *recs = dec_alloc(d, (n ? n : 1) * sizeof *recs);
    if (!recs) return false;
    size_t i = 0;
    for (const cJSON *c = v->child; c; c = c->next, i++) {
        pal_value *slots = dec_alloc(d, s->nfields * sizeof *slots);
        if (!slots) return false;
        const char *k = c->string ? c->string : "";
        if (!dec_str_value(d, PT_STRING, k, strlen(k), false, &slots[iname])) return false;
        if (!cJSON_IsNull(c)) {
            size_t old = dec_path_push(d, k, strlen(k), true);
            bool ok = dec_scalar_value(d, PT_STRING, false, c, false, &slots[ivalue]);
            dec_path_pop(d, old);
            if (!ok && dec_done(d)) return false;
        }
        recs[i].schema = s;
        recs[i].slots = slots;
    }
    pal_value rv = pal_undef();
    rv.tag = PV_RECORDS;
    rv.len = (uint32_t)n;
    rv.u.recs = recs;
    *out = rv;
    return true;
}

bool dec_records_value(dec *d, unsigned sid, const cJSON *v, bool windows, unsigned depth,
                          pal_value *out)
{
    const pal_schema *s = pal_schema_get(sid);
    if (!s) { dec_bad_value(d, "internal error: unknown element schema %u", sid); return false; }
    if (depth >= PAL_MAX_JSON_DEPTH) {
        dec_fatal(d, "%s: records nest deeper than %u levels (PAL_MAX_JSON_DEPTH)", d->path, PAL_MAX_JSON_DEPTH);
        return false;
    }
    if (cJSON_IsObject(v) && sid == PS_KV) return kv_map_value(d, s, v, out);
    if (!cJSON_IsArray(v)) {
        dec_bad_value(d, "expected an array of objects, got %s", dec_json_kind(v));
        return false;
    }
    size_t n = 0;
    for (const cJSON *c = v->child; c; c = c->next)
        if (++n > PAL_MAX_LIST_ITEMS) {
            dec_bad_value(d, "has more than %u entries (PAL_MAX_LIST_ITEMS)", PAL_MAX_LIST_ITEMS);
            return false;
        }
    pal_record *recs = dec_alloc(d, (n ? n : 1) * sizeof *recs);
    if (!recs) return false;
    size_t i = 0;
    for (const cJSON *c = v->child; c; c = c->next, i++) {
        size_t old = dec_path_push_index(d, i);
        bool ok;
        if (!cJSON_IsObject(c)) {
            dec_bad_value(d, "expected an object, got %s", dec_json_kind(c));
            ok = false;
        } else {
            ok = decode_record(d, s, c, windows, depth, &recs[i]);
        }
        dec_path_pop(d, old);
        if (!ok) return false;
    }
    pal_value rv = pal_undef();
    rv.tag = PV_RECORDS;
    rv.len = (uint32_t)n;
    rv.u.recs = recs;
    *out = rv;
    return true;
}

/* Version fields learn their ecosystem once the record is read: a fixed
   one from the schema (image.os_version is a Windows build), or the one the
   record's "ecosystem" field names (a package's version is dpkg's, apk's,
   npm's...).  An ecosystem palisade does not know leaves spare 0: such a
   version is equal to the same text only, and never ordered. */
static void tag_versions(const pal_schema *s, pal_value *slots)
{
    int eco_field = -2;
    for (unsigned i = 0; i < s->nfields; i++) {
        if (s->fields[i].type != PT_VERSION || slots[i].tag != PV_STR) continue;
        unsigned eco = s->fields[i].elem;
        if (!eco) {
            if (eco_field == -2) eco_field = pal_schema_find(s, "ecosystem", 9);
            const pal_value *e = eco_field >= 0 ? &slots[eco_field] : NULL;
            char name[32];
            if (e && e->tag == PV_STR && e->len < sizeof name) {
                memcpy(name, e->u.s, e->len);
                name[e->len] = 0;
                int k = pal_ver_eco_from_name(name);
                eco = k > 0 ? (unsigned)k : 0;
            }
        }
        slots[i].flags |= PVF_VERSION;
        slots[i].spare = (uint16_t)eco;
    }
}

static bool decode_record(dec *d, const pal_schema *s, const cJSON *obj, bool windows,
                          unsigned depth, pal_record *out)
{
    out->schema = s;
    out->slots = NULL;
    out->written = NULL;   /* every slot zeroed below */
    if (s->nfields > DEC_MAX_FIELDS) {
        dec_fatal(d, "internal error: schema '%s' has more than %u fields", s->name, DEC_MAX_FIELDS);
        return false;
    }
    pal_value *slots = dec_alloc(d, s->nfields * sizeof *slots);   /* zeroed: all PV_UNDEF */
    if (!slots) return false;
    uint8_t seen[DEC_MAX_FIELDS / 8] = {0};
    rec_ctx r = {s, slots, NULL, NULL, seen, NULL, windows, depth};
    dec_walk_record(d, &r, obj);
    tag_versions(s, slots);
    out->slots = slots;
    return !dec_done(d);
}

int pal_record_from_json(const pal_schema *s, const cJSON *obj, bool windows,
                         pal_arena *a, pal_record *out, char *err, size_t errcap)
{
    if (!err) errcap = 0;
    if (errcap) err[0] = 0;
    if (out) { out->schema = s; out->slots = NULL; out->written = NULL; }
    if (!s || !a || !out) { pal_set_err(err, errcap, "internal error: no schema, arena or output record"); return -1; }
    if (!cJSON_IsObject(obj)) {
        pal_set_err(err, errcap, "expected a JSON object for the %s, got %s", s->name, dec_json_kind(obj));
        return -1;
    }
    dec d = {0};
    d.a = a;
    d.err = err;
    d.errcap = errcap;
    d.stop_on_bad = true;
    return decode_record(&d, s, obj, windows, 0, out) ? 0 : -1;
}

/*
 * decode_sysmon.c — Windows event records onto ECS: Sysmon, Security,
 * System (service installs) and PowerShell (script blocks), in the three
 * layouts users ship:
 *
 *   Winlogbeat  winlog.channel, winlog.provider_name, winlog.event_id, the
 *               data under winlog.event_data (its Sysmon and Security
 *               modules may have added the ECS fields too);
 *   flat        Channel, SourceName / ProviderName, EventID, Hostname, the
 *               data at the top level or under EventData (NXLog, datasets);
 *   evtx_dump   Event.System.{Channel, Provider.#attributes.Name, EventID,
 *               Computer, EventRecordID, TimeCreated.#attributes.SystemTime},
 *               the data under Event.EventData (evtx_dump, Chainsaw,
 *               Velociraptor).
 *
 * Design.  A layout only says where a record keeps its header and its event
 * data; what a record means is data in engine/core/winevents.h: the
 * (source, EventID) row gives the kind and ECS categorisation, and the field
 * rows say which event data key goes into which field, converted how.  So
 * the three layouts decode one record into one event, and the mapping the
 * SPEC documents and the Sigma converter reads is the one that runs.  ECS
 * fields a shipper already added win (the ECS walk runs first and setters
 * only fill undefined fields), except event.action, which is always the
 * table's (Winlogbeat writes task names there: "File created (rule: ...)").
 */
#include "engine/decode/decode_int.h"
#include "engine/core/winevents.h"

#include <math.h>
#include <pthread.h>

/* ---- where a layout keeps a record's header ---- */

typedef struct layout {
    const char *name;        /* for messages */
    const char *channel, *provider, *provider2, *id, *computer, *computer2, *record_id, *time, *user_id, *level;
    const char *data[2];     /* event data objects, tried in order; "" = the root itself */
    bool flat;               /* header names are top-level keys, not paths */
    /* A UserData record's (pal_win_user_data) data object: the path, and
       whether the record's element is one more level under it (evtx_dump
       keeps the XML element, Winlogbeat writes its name as xml_name); NULL:
       the data objects above (NXLog writes UserData's values at the top) */
    const char *user_data;
    bool user_data_element;
} layout;

static const layout WINLOGBEAT = {
    "Winlogbeat", "winlog.channel", "winlog.provider_name", NULL, "winlog.event_id", "winlog.computer_name", NULL,
    "winlog.record_id", NULL, "winlog.user.identifier", NULL, {"winlog.event_data", NULL}, false, "winlog.user_data",
    false};
static const layout FLAT = {
    "flat", "Channel", "SourceName", "ProviderName", "EventID", "Hostname", "Computer", "RecordNumber", "EventTime", NULL,
    "Level", {"EventData", ""}, true, NULL, false};
static const layout EVTX = {
    "evtx_dump", "Event.System.Channel", "Event.System.Provider.#attributes.Name", NULL, "Event.System.EventID",
    "Event.System.Computer", NULL, "Event.System.EventRecordID", "Event.System.TimeCreated.#attributes.SystemTime",
    "Event.System.Security.#attributes.UserID", "Event.System.Level", {"Event.EventData", NULL}, false,
    "Event.UserData", true};

/* Winlogbeat names a record's unnamed Data values param1, param2, ...:
   data_text reads this many. */
#define WIN_DATA_PARAMS 16u

/* The path of layout l's UserData object for element el ("LogFileCleared")
   into buf; false if it does not fit. */
static bool user_data_path(const layout *l, const char *el, char *buf, size_t cap)
{
    int w = l->user_data_element ? snprintf(buf, cap, "%s.%s", l->user_data, el) : snprintf(buf, cap, "%s", l->user_data);
    return w > 0 && (size_t)w < cap;
}

static const cJSON *hdr(evctx *e, const cJSON *root, const layout *l, const char *name)
{
    if (!name) return NULL;
    return l->flat ? dec_item(&e->d, root, name, "") : dec_find(&e->d, root, name);
}

/* Every name decode_windows looks up (decode_int.h, "the fast path"),
   from the layouts and the rows themselves, so a new row or header name
   is declared by being written. */
bool dec_lookups_windows(bool (*add)(void *ctx, const char *path), void *ctx)
{
    static const layout *const all[] = {&WINLOGBEAT, &FLAT, &EVTX};
    char buf[256];
    for (size_t k = 0; k < sizeof all / sizeof all[0]; k++) {
        const layout *l = all[k];
        const char *const names[] = {l->channel, l->provider, l->provider2, l->id, l->computer, l->computer2,
                                     l->record_id, l->time, l->user_id, l->level, l->data[0], l->data[1]};
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
            if (names[i] && *names[i] && !add(ctx, names[i])) return false;
        /* record_id: an EventID written {"#attributes": ..., "#text": 7045} */
        int w = snprintf(buf, sizeof buf, "%s.#text", l->id);
        if (w < 0 || (size_t)w >= sizeof buf || !add(ctx, buf)) return false;
        /* winval, check_data: every row's key in each event data object;
           a PWC_DATA row's unnamed values (data_text) */
        for (size_t d = 0; d < 2 && l->data[d]; d++)
            for (size_t i = 0; i < pal_win_nfields; i++) {
                const char *obj = l->data[d];
                if (pal_win_fields[i].conv == PWC_DATA_LINE) continue;   /* read from the Data text */
                w = snprintf(buf, sizeof buf, "%s%s%s", obj, *obj ? "." : "", pal_win_fields[i].key);
                if (w < 0 || (size_t)w >= sizeof buf || !add(ctx, buf)) return false;
                if (pal_win_fields[i].conv != PWC_DATA) continue;
                w = snprintf(buf, sizeof buf, "%s%s%s.#text", obj, *obj ? "." : "", pal_win_fields[i].key);
                if (w < 0 || (size_t)w >= sizeof buf || !add(ctx, buf)) return false;
                for (unsigned k = 1; k <= WIN_DATA_PARAMS; k++) {
                    w = snprintf(buf, sizeof buf, "%s%sparam%u", obj, *obj ? "." : "", k);
                    if (w < 0 || (size_t)w >= sizeof buf || !add(ctx, buf)) return false;
                }
            }
        /* a UserData record's object, and the keys of its rows in it */
        for (size_t u = 0; l->user_data && u < pal_win_nuser_datas; u++) {
            const pal_win_user_data *ud = &pal_win_user_datas[u];
            char obj[128];
            if (!add(ctx, l->user_data) || !user_data_path(l, ud->element, obj, sizeof obj) || !add(ctx, obj))
                return false;
            for (size_t i = 0; i < pal_win_nfields; i++) {
                if (ud->id ? !pal_win_field_applies(&pal_win_fields[i], ud->source, ud->id)
                           : pal_win_fields[i].source != ud->source)
                    continue;
                w = snprintf(buf, sizeof buf, "%s.%s", obj, pal_win_fields[i].key);
                if (w < 0 || (size_t)w >= sizeof buf || !add(ctx, buf)) return false;
            }
        }
    }
    return true;
}

/* ---- field indices, resolved by name once ---- */

static int row_index[PAL_WIN_MAX_FIELDS];   /* pal_win_fields[i] -> PS_EVENT index, -1 */
/* The rows that apply to each record (pal_win_events[r]), in table order:
   a record reads its 5-25 rows, not all of them, three times over. */
#define WIN_CACHED_EVENTS 256u
static uint16_t rows_first[WIN_CACHED_EVENTS + 1];   /* into rows_list */
static uint16_t rows_list[PAL_WIN_MAX_FIELDS * 8u];
static bool rows_cached;
static struct {
    int code, provider, outcome, channel, event_id, provider_name, record_id, user_id, level;
    int reg_hive, reg_key, reg_value, reg_type;
} fx;
typedef struct hash_fields { const char *prefix; int md5, sha1, sha256, imphash; } hash_fields;
static hash_fields hashes_of[] = {{"process", 0, 0, 0, 0}, {"dll", 0, 0, 0, 0}, {"file", 0, 0, 0, 0}};
static pthread_once_t fx_once = PTHREAD_ONCE_INIT;

static int find_field(const char *name)
{
    return pal_schema_find(pal_schema_get(PS_EVENT), name, strlen(name));
}

static int find_field2(const char *a, const char *b)
{
    char n[96];
    snprintf(n, sizeof n, "%s%s", a, b);
    return find_field(n);
}

static void fx_init(void)
{
    for (size_t i = 0; i < pal_win_nfields && i < sizeof row_index / sizeof row_index[0]; i++)
        row_index[i] = find_field(pal_win_fields[i].field);
    size_t n = 0;
    rows_cached = pal_win_nevents <= WIN_CACHED_EVENTS;
    for (size_t r = 0; r < pal_win_nevents && rows_cached; r++) {
        rows_first[r] = (uint16_t)n;
        for (size_t i = 0; i < pal_win_nfields && rows_cached; i++) {
            if (!pal_win_field_applies(&pal_win_fields[i], pal_win_events[r].source, pal_win_events[r].id)) continue;
            rows_cached = n < sizeof rows_list / sizeof rows_list[0];
            if (rows_cached) rows_list[n++] = (uint16_t)i;
        }
    }
    if (rows_cached) rows_first[pal_win_nevents] = (uint16_t)n;
    fx.code = find_field("event.code");
    fx.provider = find_field("event.provider");
    fx.outcome = find_field("event.outcome");
    fx.channel = find_field("winlog.channel");
    fx.event_id = find_field("winlog.event_id");
    fx.provider_name = find_field("winlog.provider_name");
    fx.record_id = find_field("winlog.record_id");
    fx.user_id = find_field("user.id");
    fx.level = find_field("log.level");
    fx.reg_hive = find_field("registry.hive");
    fx.reg_key = find_field("registry.key");
    fx.reg_value = find_field("registry.value");
    fx.reg_type = find_field("registry.data.type");
    for (size_t i = 0; i < sizeof hashes_of / sizeof hashes_of[0]; i++) {
        hash_fields *h = &hashes_of[i];
        h->md5 = find_field2(h->prefix, ".hash.md5");
        h->sha1 = find_field2(h->prefix, ".hash.sha1");
        h->sha256 = find_field2(h->prefix, ".hash.sha256");
        h->imphash = find_field2(h->prefix, ".pe.imphash");
    }
}

/* The rows of record `row` (src, eid) in table order, into buf when the
   cache could not be built; their number. */
static size_t rows_of(const pal_win_event *row, unsigned src, int64_t eid, uint16_t *buf, const uint16_t **out)
{
    size_t r = (size_t)(row - pal_win_events);
    if (rows_cached && r < pal_win_nevents) {
        *out = rows_list + rows_first[r];
        return (size_t)(rows_first[r + 1] - rows_first[r]);
    }
    size_t n = 0;
    for (size_t i = 0; i < pal_win_nfields && n < PAL_WIN_MAX_FIELDS; i++)
        if (pal_win_field_applies(&pal_win_fields[i], src, eid)) buf[n++] = (uint16_t)i;
    *out = buf;
    return n;
}

/* ---- conversions (pal_win_conv) ---- */

/* Sysmon writes UtcTime as "2024-03-12 10:05:00.120"; Winlogbeat's
   @timestamp (and every other adapter) is ISO 8601.  One form, so a policy
   comparing times sees the same thing from every layout. */
static void utc_time(evctx *e, int fi, const cJSON *v, const char *pre, const char *key)
{
    const char *s = cJSON_IsString(v) ? v->valuestring : NULL;
    size_t n = s ? strlen(s) : 0;
    static const char shape[] = "dddd-dd-dd dd:dd:dd";
    bool ok = n >= sizeof shape - 1 && n < 40;
    for (size_t i = 0; ok && i < sizeof shape - 1; i++)
        ok = shape[i] == 'd' ? (s[i] >= '0' && s[i] <= '9') : s[i] == shape[i];
    for (size_t i = sizeof shape - 1; ok && i < n; i++)
        ok = (i == sizeof shape - 1 ? s[i] == '.' : (s[i] >= '0' && s[i] <= '9'));
    if (!ok) { ev_json_at(e, fi, v, pre, key); return; }
    char iso[48];
    memcpy(iso, s, n);
    iso[10] = 'T';
    iso[n] = 'Z';
    ev_str_at(e, fi, iso, n + 1);
}

/* An RFC 3339 time that ends in its zone: Z, or an offset +hh:mm (+hhmm). */
static bool zoned_time(const cJSON *v)
{
    const char *s = cJSON_IsString(v) ? v->valuestring : NULL;
    size_t n = s ? strlen(s) : 0;
    if (n < 20) return false;   /* 2024-03-12T10:05:00Z */
    if (s[n - 1] == 'Z' || s[n - 1] == 'z') return true;
    for (size_t k = 5; k <= 6 && k < n; k++) {
        const char *o = s + n - k;
        if ((*o == '+' || *o == '-') && o > s + 18) return true;
    }
    return false;
}

/* "SHA1=..,MD5=..,SHA256=..,IMPHASH=.." (or one "SHA256=...") into
   <prefix>.hash.*, <prefix>.pe.imphash, lower-case hex as ECS writes it. */
static void hashes(evctx *e, const char *prefix, const char *s)
{
    const hash_fields *h = NULL;
    for (size_t i = 0; i < sizeof hashes_of / sizeof hashes_of[0]; i++)
        if (!strcmp(hashes_of[i].prefix, prefix)) h = &hashes_of[i];
    if (!h) return;
    while (*s) {
        const char *end = strchr(s, ',');
        size_t n = end ? (size_t)(end - s) : strlen(s);
        const char *eq = memchr(s, '=', n);
        if (eq) {
            size_t alen = (size_t)(eq - s), hlen = n - alen - 1;
            while (alen && is_ws(*s)) { s++; alen--; }
            int fi = eq_ci(s, alen, "MD5") ? h->md5 : eq_ci(s, alen, "SHA1") ? h->sha1
                   : eq_ci(s, alen, "SHA256") ? h->sha256 : eq_ci(s, alen, "IMPHASH") ? h->imphash : -1;
            if (fi >= 0) ev_str_lower_at(e, fi, eq + 1, hlen);
        }
        s += n;
        if (*s == ',') s++;
    }
}

/* QueryResults: "type:  5 edge.example.net;::ffff:13.107.21.200;" -> the
   IPs; CNAME ("type:  5 name") and other typed entries are skipped. */
static void dns_results(evctx *e, const char *s)
{
    pal_value *slot = ev_free(e, EF_DNS_RESOLVED);
    if (!slot) return;
    size_t total = strlen(s), count = 0;
    pal_value *items = NULL;
    for (int pass = 0; pass < 2; pass++) {          /* count, then fill */
        size_t k = 0;
        for (size_t i = 0; i < total;) {
            size_t b = i;
            while (i < total && s[i] != ';') i++;
            size_t en = i++;
            while (b < en && is_ws(s[b])) b++;
            while (en > b && is_ws(s[en - 1])) en--;
            pal_value ip;
            if (en == b || starts_ci(s + b, en - b, "type:") || !dec_ip_text(s + b, en - b, &ip)) continue;
            if (k >= PAL_MAX_LIST_ITEMS) break;
            if (pass) items[k] = ip;
            k++;
        }
        if (pass == 0) {
            count = k;
            items = dec_alloc(&e->d, (count ? count : 1) * sizeof *items);
            if (!items) return;
        }
    }
    pal_value lv = pal_undef();
    lv.tag = PV_LIST;
    lv.len = (uint32_t)count;
    lv.u.items = items;
    *slot = lv;
}

/* A number given as a JSON number or as decimal or 0x-hex text. */
static bool int_of(const cJSON *v, int64_t *out)
{
    if (cJSON_IsNumber(v)) {
        if (v->valuedouble != floor(v->valuedouble) || fabs(v->valuedouble) > 9.2e18) return false;
        *out = (int64_t)v->valuedouble;
        return true;
    }
    const char *s = jstr(v);
    if (!s) return false;
    size_t n = strlen(s);
    if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        if (n > 18) return false;            /* 16 hex digits at most */
        uint64_t x = 0;
        for (size_t i = 2; i < n; i++) {
            char c = lower(s[i]);
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
            if (d < 0) return false;
            x = x << 4 | (uint64_t)d;
        }
        if (x > INT64_MAX) return false;
        *out = (int64_t)x;
        return true;
    }
    return dec_parse_int(s, n, out) == 0;
}

/* QueryStatus is a Windows status: 0 success, 9000 + rcode for DNS errors. */
static void dns_status(evctx *e, const cJSON *v)
{
    int64_t st;
    if (!int_of(v, &st)) return;
    static const char *const rcode[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED"};
    if (st == 0) ev_lit(e, EF_DNS_RCODE, rcode[0]);
    else if (st > 9000 && st <= 9005) ev_lit(e, EF_DNS_RCODE, rcode[st - 9000]);
}

/* TargetObject: registry.path as written; hive, key (after the hive) and
   value (the last element) when the first element is a hive's name. */
static void reg_path(evctx *e, int fi, const char *s)
{
    static const struct { const char *name, *hive; } hives[] = {
        {"HKEY_LOCAL_MACHINE", "HKLM"}, {"HKLM", "HKLM"}, {"HKEY_USERS", "HKU"}, {"HKU", "HKU"},
        {"HKEY_CURRENT_USER", "HKCU"}, {"HKCU", "HKCU"}, {"HKEY_CLASSES_ROOT", "HKCR"}, {"HKCR", "HKCR"},
        {"HKEY_CURRENT_CONFIG", "HKCC"}, {"HKCC", "HKCC"}};
    size_t n = strlen(s);
    ev_str_at(e, fi, s, n);
    const char *bs = strchr(s, '\\');
    size_t first = bs ? (size_t)(bs - s) : n;
    for (size_t i = 0; i < sizeof hives / sizeof hives[0]; i++) {
        if (!eq_ci(s, first, hives[i].name)) continue;
        ev_str_at(e, fx.reg_hive, hives[i].hive, strlen(hives[i].hive));
        if (bs && bs[1]) ev_str_at(e, fx.reg_key, bs + 1, n - first - 1);
        break;
    }
    const char *last = strrchr(s, '\\');
    last = last ? last + 1 : s;
    if (*last) ev_str_at(e, fx.reg_value, last, strlen(last));
}

static bool hex8(const char *s, uint64_t *out)
{
    uint64_t x = 0;
    for (int i = 0; i < 8; i++) {
        char c = lower(s[i]);
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (d < 0) return false;
        x = x << 4 | (uint64_t)d;
    }
    *out = x;
    return true;
}

/* Details: "DWORD (0x00000001)" -> "1" REG_DWORD, "QWORD (0x00000001-0x00000000)"
   (high-low) -> its value, "Binary Data" REG_BINARY, anything else REG_SZ. */
static void reg_data(evctx *e, int fi, const char *s)
{
    size_t n = strlen(s);
    uint64_t hi = 0, lo = 0;
    char buf[32];
    /* exactly Sysmon's forms: 8 hex digits each */
    if (n == 18 && !memcmp(s, "DWORD (0x", 9) && hex8(s + 9, &lo) && s[17] == ')') {
        snprintf(buf, sizeof buf, "%llu", (unsigned long long)lo);
        ev_str_at(e, fi, buf, strlen(buf));
        ev_str_at(e, fx.reg_type, "REG_DWORD", 9);
    } else if (n == 29 && !memcmp(s, "QWORD (0x", 9) && hex8(s + 9, &hi) && !memcmp(s + 17, "-0x", 3) &&
               hex8(s + 20, &lo) && s[28] == ')') {
        snprintf(buf, sizeof buf, "%llu", (unsigned long long)(hi << 32 | lo));
        ev_str_at(e, fi, buf, strlen(buf));
        ev_str_at(e, fx.reg_type, "REG_QWORD", 9);
    } else {
        ev_str_at(e, fi, s, n);
        bool bin = !strcmp(s, "Binary Data");
        ev_str_at(e, fx.reg_type, bin ? "REG_BINARY" : "REG_SZ", bin ? 10 : 6);
    }
}

/* EventType of a registry record -> event.action, NULL when unknown. */
static const char *reg_action(const char *t)
{
    if (!t) return NULL;
    if (starts_ci(t, strlen(t), "Create")) return "creation";
    if (starts_ci(t, strlen(t), "Delete")) return "deletion";
    if (str_eq_ci(t, "SetValue")) return "modification";
    if (starts_ci(t, strlen(t), "Rename")) return "rename";
    return NULL;
}

/* An event-data value; Windows writes "-" (and shippers "") for unknown. */
static const cJSON *winval(evctx *e, const cJSON *data, const char *pre, const char *key)
{
    const cJSON *v = dec_item(&e->d, data, key, pre);
    if (!v || cJSON_IsNull(v)) return NULL;
    if (cJSON_IsString(v) && (!v->valuestring || !v->valuestring[0] || !strcmp(v->valuestring, "-")))
        return NULL;
    return v;
}

/* ---- unnamed event data (PWC_DATA, PWC_DATA_LINE) ---- */

/* The text of one unnamed Data value: a string, or a number or boolean
   as evtx_dump types them; NULL for anything else. */
static const char *data_piece(const cJSON *v, char *num, size_t cap)
{
    if (cJSON_IsString(v)) return v->valuestring;
    if (cJSON_IsBool(v)) return cJSON_IsTrue(v) ? "true" : "false";
    if (!cJSON_IsNumber(v)) return NULL;
    if (v->valuedouble == floor(v->valuedouble) && fabs(v->valuedouble) < 1e15)
        snprintf(num, cap, "%lld", (long long)v->valuedouble);
    else
        snprintf(num, cap, "%.17g", v->valuedouble);
    return num;
}

/* The record's unnamed Data values, one a line, in the arena: the data
   object's "Data" (a text, a list of them, or evtx_dump's {"#text": ...}),
   else Winlogbeat's param1, param2, ... (up to WIN_DATA_PARAMS, in order,
   until one is missing).  NULL when there is none.  Each piece is a value
   of the line, so the text is bounded by the line. */
static const char *data_text(evctx *e, const cJSON *data, const char *pre)
{
    if (!data) return NULL;
    const cJSON *pieces[WIN_DATA_PARAMS + 1];
    unsigned n = 0;
    const cJSON *v = dec_item(&e->d, data, "Data", pre);
    if (cJSON_IsObject(v)) v = dec_item(&e->d, v, "#text", "Data");
    if (cJSON_IsArray(v)) {
        for (const cJSON *c = v->child; c; c = c->next) {
            if (n == WIN_DATA_PARAMS) break;   /* the rest is not read: a bound, never a crash */
            pieces[n++] = c;
        }
    } else if (v && !cJSON_IsNull(v)) {
        pieces[n++] = v;
    } else {
        for (unsigned k = 1; k <= WIN_DATA_PARAMS; k++) {
            char key[16];
            snprintf(key, sizeof key, "param%u", k);
            const cJSON *p = dec_item(&e->d, data, key, pre);
            if (!p || cJSON_IsNull(p)) break;
            pieces[n++] = p;
        }
    }
    size_t total = 0;
    char num[WIN_DATA_PARAMS + 1][32];
    const char *txt[WIN_DATA_PARAMS + 1];
    unsigned m = 0;
    for (unsigned i = 0; i < n; i++) {
        const char *t = data_piece(pieces[i], num[m], sizeof num[m]);
        if (!t) continue;
        txt[m++] = t;
        total += strlen(t) + 1;
    }
    if (!m || total <= m) return NULL;    /* nothing but empty values */
    char *out = dec_alloc(&e->d, total);
    if (!out) return NULL;
    size_t o = 0;
    for (unsigned i = 0; i < m; i++) {
        size_t l = strlen(txt[i]);
        if (i) out[o++] = '\n';
        memcpy(out + o, txt[i], l);
        o += l;
    }
    out[o] = 0;
    return out;
}

/* The value of the line "<key>=value" of text (leading blanks skipped,
   the value trimmed), classic PowerShell's form; NULL and *len 0 when no
   line has it or its value is empty.  One pass over the text. */
static const char *data_line(const char *text, const char *key, size_t *len)
{
    size_t kl = strlen(key);
    for (const char *p = text; p && *p;) {
        const char *eol = strchr(p, '\n');
        const char *end = eol ? eol : p + strlen(p);
        while (p < end && (*p == ' ' || *p == '\t')) p++;
        if ((size_t)(end - p) > kl && !memcmp(p, key, kl) && p[kl] == '=') {
            const char *v = p + kl + 1;
            while (v < end && (*v == ' ' || *v == '\t')) v++;
            while (end > v && (end[-1] == '\r' || end[-1] == ' ' || end[-1] == '\t')) end--;
            *len = (size_t)(end - v);
            return *len ? v : NULL;
        }
        p = eol ? eol + 1 : NULL;
    }
    *len = 0;
    return NULL;
}

/* Windows' event levels by name, as Winlogbeat writes log.level. */
static const char *level_name(int64_t lv)
{
    static const char *const names[] = {"information", "critical", "error", "warning", "information", "verbose"};
    return lv >= 0 && lv <= 5 ? names[lv] : NULL;
}

/* NXLog's im_msvistalog writes its own EventType (the severity) at the top
   level, where the flat layout keeps the record's data: not the record's.
   Channel there is the record's header. */
static bool nxlog_header(const char *key, const char *v)
{
    /* the record's own channel, never its data (System 104's Channel, the
       log it cleared, has no place of its own there) */
    if (!strcmp(key, "Channel")) return true;
    static const char *const sev[] = {"INFO", "WARNING", "ERROR", "AUDIT_SUCCESS", "AUDIT_FAILURE", "CRITICAL",
                                      "VERBOSE"};
    if (!v || strcmp(key, "EventType") != 0) return false;
    for (size_t i = 0; i < sizeof sev / sizeof sev[0]; i++)
        if (!strcmp(v, sev[i])) return true;
    return false;
}

/* One row: the value of f->key into f->field, converted as f says. */
static void apply_row(evctx *e, const pal_win_field *f, int fi, const cJSON *v, const char *pre,
                      const char **action)
{
    const char *s = jstr(v);
    switch (f->conv) {
    case PWC_DATA:
    case PWC_DATA_LINE:   /* decode_windows applies these from the Data text */
        break;
    case PWC_USER_NAME:
    case PWC_USER_DOMAIN: {
        if (!s) { if (f->conv == PWC_USER_NAME) ev_json_at(e, fi, v, pre, f->key); break; }
        const char *bs = strrchr(s, '\\');
        if (f->conv == PWC_USER_NAME) {
            const char *u = bs ? bs + 1 : s;
            if (*u) ev_str_at(e, fi, u, strlen(u));
        } else if (bs && bs > s) {
            ev_str_at(e, fi, s, (size_t)(bs - s));
        }
        break;
    }
    case PWC_HASHES:
        if (s) hashes(e, f->field, s);
        break;
    case PWC_LOWER:
        if (s) ev_str_lower_at(e, fi, s, strlen(s));
        else ev_json_at(e, fi, v, pre, f->key);
        break;
    case PWC_HEX_INT: {
        int64_t x;
        if (int_of(v, &x)) {
            pal_value *slot = ev_free_at(e, fi);
            if (slot) *slot = pal_int(x);
        } else {
            ev_json_at(e, fi, v, pre, f->key);   /* reports the bad value */
        }
        break;
    }
    case PWC_INITIATED: {
        bool out = cJSON_IsTrue(v) || str_eq_ci(s, "true");
        ev_str_at(e, fi, out ? "outbound" : "inbound", out ? 8 : 7);
        break;
    }
    case PWC_WFP_DIRECTION:
        if (str_eq_ci(s, "%%14592") || str_eq_ci(s, "Inbound")) ev_str_at(e, fi, "inbound", 7);
        else if (str_eq_ci(s, "%%14593") || str_eq_ci(s, "Outbound")) ev_str_at(e, fi, "outbound", 8);
        break;
    case PWC_INBOUND:
        if (s && *s && strcmp(s, "-") != 0) ev_str_at(e, fi, "inbound", 7);
        break;
    case PWC_IP_PROTOCOL: {
        int64_t p;
        if (!int_of(v, &p)) { if (s) ev_str_lower_at(e, fi, s, strlen(s)); break; }
        const char *name = p == 6 ? "tcp" : p == 17 ? "udp" : p == 1 ? "icmp" : p == 58 ? "ipv6-icmp" : NULL;
        char num[24];
        if (!name) { snprintf(num, sizeof num, "%lld", (long long)p); name = num; }
        ev_str_at(e, fi, name, strlen(name));
        break;
    }
    case PWC_UTC_TIME:
        utc_time(e, fi, v, pre, f->key);
        break;
    case PWC_DNS_RESULTS:
        if (s) dns_results(e, s);
        break;
    case PWC_DNS_STATUS:
        dns_status(e, v);
        break;
    case PWC_REG_PATH:
        if (s) reg_path(e, fi, s);
        break;
    case PWC_REG_DATA:
        if (s) reg_data(e, fi, s);
        break;
    case PWC_REG_ACTION:
        if (reg_action(s)) *action = reg_action(s);
        break;
    default: {
        /* evtx_dump writes typed values: a number or a boolean in a text
           field (a status, a version) is its text */
        const pal_field *fd = fi >= 0 ? &e->s->fields[fi] : NULL;
        if (fd && fd->type == PT_STRING && (cJSON_IsNumber(v) || cJSON_IsBool(v))) {
            char num[32];
            if (cJSON_IsBool(v)) snprintf(num, sizeof num, "%s", cJSON_IsTrue(v) ? "true" : "false");
            else if (v->valuedouble == floor(v->valuedouble) && fabs(v->valuedouble) < 1e15)
                snprintf(num, sizeof num, "%lld", (long long)v->valuedouble);
            else snprintf(num, sizeof num, "%.17g", v->valuedouble);
            ev_str_at(e, fi, num, strlen(num));
        } else {
            ev_json_at(e, fi, v, pre, f->key);
        }
        break;
    }
    }
}

/* ---- which record ---- */

static const char *source_label(unsigned src)
{
    const pal_win_source_info *si = pal_win_source_get(src);
    return si ? si->label : "Windows";
}

/* The record's source and EventID into *src, *eid, and its row; -1 with
   the reason in err (another channel or provider, no or a bad EventID, an
   EventID palisade does not map). */
static int record_id(evctx *e, const cJSON *root, const layout *l, unsigned *src, int64_t *eid,
                     const char **chan_out, const char **prov_out, const pal_win_event **row)
{
    char q[QUOTE_BUF];
    char *err = e->d.err;
    size_t cap = e->d.errcap;
    const layout *alt = l == &WINLOGBEAT ? &FLAT : NULL;   /* the sysmon format reads both */
    const char *chan = jstr(hdr(e, root, l, l->channel));
    if (!chan && alt) chan = jstr(hdr(e, root, alt, alt->channel));
    const char *prov = jstr(hdr(e, root, l, l->provider));
    if (!prov && alt) prov = jstr(hdr(e, root, alt, alt->provider));
    if (!prov && alt) prov = jstr(hdr(e, root, alt, alt->provider2));
    *chan_out = chan;
    *prov_out = prov;
    const char *where = l == &EVTX ? "Event.System.EventID" : "winlog.event_id or EventID";
    const cJSON *id = hdr(e, root, l, l->id);
    const char *idname = l->id;
    if (!id && alt) id = hdr(e, root, alt, idname = alt->id);
    if (cJSON_IsObject(id)) id = dec_item(&e->d, id, "#text", idname);   /* {"#attributes":..., "#text": 7045} */
    *src = PW_NONE;
    if (chan) {
        *src = pal_win_source_of_channel(chan, strlen(chan));
        if (!*src) {
            char logs[512];
            pal_win_source_labels(logs, sizeof logs);
            pal_set_err(err, cap, "not a Windows record palisade reads: Channel is %s (it reads the logs %s; "
                        "lang/SPEC.md, \"Windows events\", names their channels)",
                        dec_show(q, chan, strlen(chan), false), logs);
            return -1;
        }
    } else if (prov) {
        *src = pal_win_source_of_provider(prov, strlen(prov));
        if (!*src) {
            pal_set_err(err, cap, "not a Windows record palisade reads: provider is %s",
                        dec_show(q, prov, strlen(prov), false));
            return -1;
        }
    }
    if (!id) {
        pal_set_err(err, cap, "not a Windows event record: no EventID (%s)", where);
        return -1;
    }
    bool whole = int_of(id, eid) && !(jstr(id) && id->valuestring[0] == '0' && id->valuestring[1]);
    if (whole && (*eid < 0 || *eid > 65535)) {
        /* a whole number, but Windows event numbers are 16-bit: say which range and what came */
        pal_set_err(err, cap, "%s: an event number is 0-65535, got %lld", idname, (long long)*eid);
        return -1;
    }
    if (!whole) {
        char num[40];
        if (cJSON_IsNumber(id)) snprintf(num, sizeof num, "%.17g", id->valuedouble);
        pal_set_err(err, cap, "%s: expected an event number (a whole number 0-65535), got %s", idname,
                    jstr(id) ? dec_show(q, id->valuestring, strlen(id->valuestring), true)
                    : cJSON_IsNumber(id) ? num : dec_json_kind(id));
        return -1;
    }
    if (!chan && prov) *src = pal_win_source_of_provider_id(prov, strlen(prov), *eid);
    if (!*src) *src = pal_win_source_of_id(*eid);
    if (!*src) {
        /* several logs have a row for it: which one only the channel says */
        unsigned logs = 0;
        for (unsigned k = PW_NONE + 1; k < PW__COUNT; k++) {
            const pal_win_event *r = pal_win_event_find(k, *eid);
            logs += r && r->id == *eid;
        }
        if (logs > 1) {
            pal_set_err(err, cap, "EventID %lld is a record of several Windows logs palisade reads; the record names "
                        "neither its channel nor its provider, so which one is unknown (%s)", (long long)*eid,
                        l == &EVTX ? "Event.System.Channel" : "winlog.channel or Channel");
            return -1;
        }
    }
    *row = *src ? pal_win_event_find_for(*src, prov, prov ? strlen(prov) : 0, *eid) : NULL;
    if (!*row) {
        char ids[512];
        pal_win_event_ids(*src ? *src : PW_SYSMON, ids, sizeof ids);
        const pal_win_event *other = *src && prov ? pal_win_event_find(*src, *eid) : NULL;
        if (other && other->provider)
            pal_set_err(err, cap, "unsupported %s EventID %lld of provider %s (palisade maps that EventID of %s)",
                        source_label(*src), (long long)*eid, dec_show(q, prov, strlen(prov), false), other->provider);
        else
            pal_set_err(err, cap, "unsupported %s EventID %lld (palisade maps %s)",
                        source_label(*src ? *src : PW_SYSMON), (long long)*eid, ids);
        return -1;
    }
    return 0;
}

/* The ECS field groups that stand in for a kind's event data when a
   shipper wrote those instead. */
static bool ecs_stand_in(const evctx *e, unsigned kind)
{
    switch (kind) {
    case PK_PROCESS: return ev_any_seen(e, "process.");
    case PK_NETWORK: return ev_any_seen(e, "source.") || ev_any_seen(e, "destination.");
    case PK_DNS: return ev_any_seen(e, "dns.");
    case PK_FILE: return ev_any_seen(e, "file.");
    case PK_REGISTRY: return ev_any_seen(e, "registry.");
    case PK_LIBRARY: return ev_any_seen(e, "dll.") || ev_any_seen(e, "file.");
    case PK_AUTH: return ev_any_seen(e, "user.") || ev_any_seen(e, "source.");
    case PK_CONFIG: return ev_any_seen(e, "service.");
    default: return false;
    }
}

/* A mapped record must carry its event data: one of its keys in `data`
   (null is not a value; "-" is), or ECS fields of its kind from the
   shipper.  Without either, deciding it would allow it on no information,
   so it is an error naming what is missing.  -1 with the message in err. */
static int check_data(evctx *e, unsigned src, int64_t eid, const pal_win_event *row, const cJSON *data,
                      const char *pre, const layout *l, const char *ud_path, const char *dtext)
{
    if (row->flags & PWE_DATA_OPTIONAL) return 0;
    const char *shown[3];
    unsigned nshown = 0;
    uint16_t buf[PAL_WIN_MAX_FIELDS];
    const uint16_t *rows;
    size_t nrows = rows_of(row, src, eid, buf, &rows);
    for (int pass = 0; pass < 2; pass++)           /* the record's own keys first, then the common ones */
        for (size_t j = 0; j < nrows; j++) {
            const pal_win_field *f = &pal_win_fields[rows[j]];
            if ((pass == 0) != (f->ids[0] != 0)) continue;
            if (f->conv == PWC_DATA || f->conv == PWC_DATA_LINE) {
                if (dtext) return 0;
                if (nshown < 3 && (!nshown || strcmp(shown[nshown - 1], "Data"))) shown[nshown++] = "Data";
                continue;
            }
            const cJSON *v = dec_item(&e->d, data, f->key, pre);
            if (v && !cJSON_IsNull(v)) return 0;
            bool dup = false;
            for (unsigned k = 0; k < nshown; k++) dup = dup || !strcmp(shown[k], f->key);
            if (!dup && nshown < 3) shown[nshown++] = f->key;
        }
    if (ecs_stand_in(e, row->kind)) return 0;
    char names[160];
    size_t o = 0;
    for (unsigned i = 0; i < nshown; i++)
        o += (size_t)snprintf(names + o, sizeof names - o, "%s, ", shown[i]);
    snprintf(names + o, sizeof names - o, "...");
    const char *what = source_label(src);
    if (ud_path)
        pal_set_err(e->d.err, e->d.errcap, "%s EventID %lld record has no event data: no %s object with "
                    "its fields (%s; the record keeps its data in UserData)", what, (long long)eid, ud_path, names);
    else if (*pre)
        pal_set_err(e->d.err, e->d.errcap, "%s EventID %lld record has no event data: %s holds none of "
                    "its fields (%s)", what, (long long)eid, pre, names);
    else if (l == &EVTX)
        pal_set_err(e->d.err, e->d.errcap, "%s EventID %lld record has no event data: no Event.EventData "
                    "object with its fields (%s)", what, (long long)eid, names);
    else
        pal_set_err(e->d.err, e->d.errcap, "%s EventID %lld record has no event data: no winlog.event_data "
                    "or EventData object, and none of its fields (%s) at the top level", what, (long long)eid,
                    names);
    return -1;
}

static void set_text(evctx *e, int fi, const char *s)
{
    if (s) ev_str_at(e, fi, s, strlen(s));
}

static int decode_windows(evctx *e, const cJSON *root, const layout *l)
{
    pthread_once(&fx_once, fx_init);
    unsigned src = 0;
    int64_t eid = 0;
    const char *chan = NULL, *prov = NULL;
    const pal_win_event *row = NULL;
    if (record_id(e, root, l, &src, &eid, &chan, &prov, &row) != 0) return -1;
    const pal_win_source_info *si = pal_win_source_get(src);

    /* the event data: the layout's objects in order, else the root (flat);
       a UserData record's in the layout's UserData object first */
    const cJSON *data = NULL;
    const char *pre = "";
    const layout *layouts[2] = {l, l == &WINLOGBEAT ? &FLAT : NULL};
    const char *element = pal_win_user_data_element(src, eid);
    char ud_path[128];
    const char *ud_shown = NULL;
    if (element && l->user_data && user_data_path(l, element, ud_path, sizeof ud_path)) {
        const cJSON *o = dec_find(&e->d, root, ud_path);
        if (cJSON_IsObject(o)) { data = o; pre = ud_path; }
        ud_shown = ud_path;
    }
    for (int k = 0; k < 2 && !data && layouts[k]; k++)
        for (int i = 0; i < 2 && !data && layouts[k]->data[i]; i++) {
            const char *p = layouts[k]->data[i];
            if (!*p) { data = root; pre = ""; break; }
            const cJSON *o = layouts[k]->flat ? dec_item(&e->d, root, p, "") : dec_find(&e->d, root, p);
            if (cJSON_IsObject(o)) { data = o; pre = p; }
        }

    dec_walk_event(e, root);                   /* ECS fields a shipper added win */
    if (e->d.fatal) return -1;
    /* the walk read Winlogbeat's winlog.event_data.* as they are: "-" and ""
       are Windows' "unknown" there too, as winval says for the rows */
    for (unsigned i = 0; i < e->s->nfields; i++) {
        if (ev_peek(e, i)->tag != PV_STR) continue;
        pal_value *v = &e->slots[i];
        if ((v->len == 0 || (v->len == 1 && v->u.s[0] == '-')) &&
            !strncmp(e->s->fields[i].name, "winlog.event_data.", 18))
            *v = pal_undef();
    }
    /* the unnamed Data values, for the rows that read them */
    const char *dtext = NULL;
    for (size_t i = 0; i < pal_win_nfields && !dtext; i++)
        if (pal_win_fields[i].source == src && pal_win_fields[i].conv == PWC_DATA &&
            pal_win_field_applies(&pal_win_fields[i], src, eid)) {
            dtext = data_text(e, data, pre);
            break;
        }
    if (check_data(e, src, eid, row, data, pre, l, pre == ud_path ? NULL : ud_shown, dtext) != 0) return -1;

    /* the header */
    for (int k = 0; k < 2 && layouts[k]; k++) {
        ev_json(e, EF_HOST_NAME, hdr(e, root, layouts[k], layouts[k]->computer), "", layouts[k]->computer);
        if (layouts[k]->computer2)
            ev_json(e, EF_HOST_NAME, hdr(e, root, layouts[k], layouts[k]->computer2), "", layouts[k]->computer2);
        const cJSON *rid = hdr(e, root, layouts[k], layouts[k]->record_id);
        int64_t r;
        pal_value *slot = ev_free_at(e, fx.record_id);
        if (rid && slot && int_of(rid, &r)) *slot = pal_int(r);
        if (layouts[k]->user_id) ev_json_at(e, fx.user_id, hdr(e, root, layouts[k], layouts[k]->user_id), "",
                                            layouts[k]->user_id);
    }
    ev_lit(e, EF_HOST_OS_TYPE, "windows");
    ev_lit(e, EF_MODULE, si->name);
    ev_lit(e, EF_KIND, "event");
    char code[16];
    snprintf(code, sizeof code, "%lld", (long long)eid);
    set_text(e, fx.code, code);
    /* a record without them gets its row's provider, else the source's
       first ("" for Application: none), and the source's first channel */
    const char *prov0 = prov ? prov : row->provider ? row->provider : si->providers[0];
    if (prov0 && *prov0) {
        set_text(e, fx.provider, prov0);
        set_text(e, fx.provider_name, prov0);
    }
    set_text(e, fx.channel, chan ? chan : si->channels[0]);
    /* the level, by name (Winlogbeat's log.level, read by the walk, wins) */
    for (int k = 0; k < 2 && layouts[k]; k++) {
        const cJSON *lv = hdr(e, root, layouts[k], layouts[k]->level);
        int64_t n;
        const char *name = lv && int_of(lv, &n) ? level_name(n) : NULL;
        if (!name && jstr(lv)) {
            for (int64_t i = 1; i <= 5 && !name; i++)
                if (str_eq_ci(jstr(lv), level_name(i))) name = level_name(i);
        }
        if (name) set_text(e, fx.level, name);
    }
    pal_value *idslot = ev_free_at(e, fx.event_id);
    if (idslot) *idslot = pal_int(eid);

    /* the event data, row by row */
    const char *action = row->action;
    uint16_t buf[PAL_WIN_MAX_FIELDS];
    const uint16_t *rows;
    size_t nrows = rows_of(row, src, eid, buf, &rows);
    for (size_t j = 0; j < nrows; j++) {
        size_t i = rows[j];
        const pal_win_field *f = &pal_win_fields[i];
        if (f->conv == PWC_DATA || f->conv == PWC_DATA_LINE) {
            int fi = i < sizeof row_index / sizeof row_index[0] ? row_index[i] : -1;
            size_t n = 0;
            const char *t = !dtext ? NULL : f->conv == PWC_DATA ? dtext : data_line(dtext, f->key, &n);
            if (t && f->conv == PWC_DATA) n = strlen(t);
            if (t) ev_str_at(e, fi, t, n);
            if (e->d.fatal) return -1;
            continue;
        }
        const cJSON *v = winval(e, data, pre, f->key);
        if (v && data == root && nxlog_header(f->key, jstr(v))) continue;
        if (v) apply_row(e, f, i < sizeof row_index / sizeof row_index[0] ? row_index[i] : -1, v, pre, &action);
        if (e->d.fatal) return -1;
    }
    /* NXLog's EventTime is the collector's local time unless its DateFormat
       gives the zone: only a time that says its zone is one */
    for (int k = 0; k < 2 && layouts[k]; k++) {
        if (!layouts[k]->time) continue;
        const cJSON *t = hdr(e, root, layouts[k], layouts[k]->time);
        if (layouts[k] != &FLAT || zoned_time(t)) utc_time(e, dec_ef_index[EF_TIMESTAMP], t, "", layouts[k]->time);
    }

    /* what the record is: the table's action always, the rest unless the
       shipper gave it */
    if (dec_ef_index[EF_ACTION] >= 0) *ev_slot(e, (unsigned)dec_ef_index[EF_ACTION]) = pal_undef();
    ev_lit(e, EF_ACTION, action);
    unsigned ntypes = 0;
    while (ntypes < 3 && row->types[ntypes]) ntypes++;
    if (row->category) ev_category(e, row->category, row->types, ntypes);
    set_text(e, fx.outcome, row->outcome);
    if (row->kind == PK_DNS) ev_lit(e, EF_PROTOCOL, "dns");
    e->ev->kind = row->kind;
    e->ev->windows = true;
    return e->d.fatal ? -1 : 0;
}

int dec_sysmon(evctx *e, const cJSON *root) { return decode_windows(e, root, &WINLOGBEAT); }

int dec_evtx(evctx *e, const cJSON *root) { return decode_windows(e, root, &EVTX); }

/*
 * decode_sysmon.c — raw Sysmon records onto ECS, in both layouts users
 * ship: Winlogbeat's (winlog.channel, winlog.event_id, data under
 * winlog.event_data) and the flat one (Channel, EventID, data at the top
 * level or under EventData).  ECS fields a shipper already added win.
 */
#include "engine/decode/decode_int.h"

#include <math.h>

static const char SYSMON_CHANNEL[] = "Microsoft-Windows-Sysmon/Operational";
static const char SYSMON_PROVIDER[] = "Microsoft-Windows-Sysmon";

/* Every name this file looks up (decode_int.h, "the fast path"): the
   record's own, and the event data keys in each object that can hold
   them (sysval, sysmon_check_data). */
const char *const dec_lookups_sysmon[] = {
    "winlog.channel", "Channel", "winlog.provider_name", "SourceName", "ProviderName", "winlog.event_id",
    "EventID", "winlog.event_data", "EventData", "Hostname", "winlog.computer_name", NULL};
const char *const dec_sysmon_data_objects[] = {"winlog.event_data", "EventData", "", NULL};
const char *const dec_sysmon_data_keys[] = {
    "UtcTime", "User", "ProcessId", "Image", "CommandLine", "CurrentDirectory", "ParentProcessId",
    "ParentImage", "ParentCommandLine", "Hashes", "Protocol", "Initiated", "SourceIp", "SourcePort",
    "DestinationIp", "DestinationPort", "DestinationHostname", "QueryName", "QueryResults", "QueryStatus",
    "TargetFilename", NULL};

/* Sysmon writes UtcTime as "2024-03-12 10:05:00.120"; Winlogbeat's
   @timestamp (and every other adapter) is ISO 8601.  One form, so a policy
   comparing times sees the same thing from both Sysmon layouts. */
static void sysmon_time(evctx *e, const cJSON *v, const char *pre)
{
    const char *s = cJSON_IsString(v) ? v->valuestring : NULL;
    size_t n = s ? strlen(s) : 0;
    static const char shape[] = "dddd-dd-dd dd:dd:dd";
    bool ok = n >= sizeof shape - 1 && n < 40;
    for (size_t i = 0; ok && i < sizeof shape - 1; i++)
        ok = shape[i] == 'd' ? (s[i] >= '0' && s[i] <= '9') : s[i] == shape[i];
    for (size_t i = sizeof shape - 1; ok && i < n; i++)
        ok = (i == sizeof shape - 1 ? s[i] == '.' : (s[i] >= '0' && s[i] <= '9'));
    if (!ok) { ev_json(e, EF_TIMESTAMP, v, pre, "UtcTime"); return; }
    char iso[48];
    memcpy(iso, s, n);
    iso[10] = 'T';
    iso[n] = 'Z';
    ev_str(e, EF_TIMESTAMP, iso, n + 1);
}

/* An event-data value; Sysmon writes "-" (and shippers "") for unknown. */
static const cJSON *sysval(evctx *e, const cJSON *data, const char *pre, const char *key)
{
    const cJSON *v = dec_item(&e->d, data, key, pre);
    if (!v || cJSON_IsNull(v)) return NULL;
    if (cJSON_IsString(v) && (!v->valuestring || !v->valuestring[0] || !strcmp(v->valuestring, "-")))
        return NULL;
    return v;
}

/* "SHA1=..,MD5=..,SHA256=..,IMPHASH=.." -> process.hash.*, lower-case hex as
   ECS writes it (Sysmon writes upper case). */
static void sysmon_hashes(evctx *e, const char *s)
{
    while (*s) {
        const char *end = strchr(s, ',');
        size_t n = end ? (size_t)(end - s) : strlen(s);
        const char *eq = memchr(s, '=', n);
        if (eq) {
            size_t alen = (size_t)(eq - s), hlen = n - alen - 1;
            if (eq_ci(s, alen, "MD5")) ev_str_lower(e, EF_MD5, eq + 1, hlen);
            else if (eq_ci(s, alen, "SHA1")) ev_str_lower(e, EF_SHA1, eq + 1, hlen);
            else if (eq_ci(s, alen, "SHA256")) ev_str_lower(e, EF_SHA256, eq + 1, hlen);
        }
        s += n;
        if (*s == ',') s++;
    }
}

/* QueryResults: "type:  5 edge.example.net;::ffff:13.107.21.200;" -> the
   IPs; CNAME ("type:  5 name") and other typed entries are skipped. */
static void sysmon_resolved(evctx *e, const char *s)
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

/* QueryStatus is a Windows status: 0 success, 9000 + rcode for DNS errors. */
static void sysmon_rcode(evctx *e, const cJSON *v)
{
    int64_t st;
    if (cJSON_IsNumber(v)) st = (int64_t)v->valuedouble;
    else if (!jstr(v) || dec_parse_int(v->valuestring, strlen(v->valuestring), &st)) return;
    static const char *const rcode[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED"};
    if (st == 0) ev_lit(e, EF_DNS_RCODE, rcode[0]);
    else if (st > 9000 && st <= 9005) ev_lit(e, EF_DNS_RCODE, rcode[st - 9000]);
}

/* Which Sysmon record this is: a mapped EventID (1, 3, 11, 22) into *eid,
   or -1 with the reason in err (another channel or provider, no or a bad
   EventID, an EventID palisade does not map). */
static int sysmon_event_id(evctx *e, const cJSON *root, int64_t *eid)
{
    char q[QUOTE_BUF];
    char *err = e->d.err;
    size_t cap = e->d.errcap;
    const char *chan = jstr(dec_find(&e->d, root, "winlog.channel"));
    if (!chan) chan = jstr(dec_item(&e->d, root, "Channel", ""));
    if (chan && !str_eq_ci(chan, SYSMON_CHANNEL)) {
        pal_set_err(err, cap, "not a Sysmon record: Channel is %s", dec_show(q, chan, strlen(chan), false));
        return -1;
    }
    const char *prov = jstr(dec_find(&e->d, root, "winlog.provider_name"));
    if (!prov) prov = jstr(dec_item(&e->d, root, "SourceName", ""));
    if (!prov) prov = jstr(dec_item(&e->d, root, "ProviderName", ""));
    if (!chan && prov && !str_eq_ci(prov, SYSMON_PROVIDER)) {
        pal_set_err(err, cap, "not a Sysmon record: provider is %s", dec_show(q, prov, strlen(prov), false));
        return -1;
    }
    const char *idname = "winlog.event_id";
    const cJSON *id = dec_find(&e->d, root, idname);
    if (!id) id = dec_item(&e->d, root, idname = "EventID", "");
    if (!id) {
        pal_set_err(err, cap, "not a Sysmon record: no EventID (winlog.event_id or EventID)");
        return -1;
    }
    bool id_ok = false;
    if (cJSON_IsNumber(id)) {
        id_ok = id->valuedouble == floor(id->valuedouble) && fabs(id->valuedouble) < 1e9;
        if (id_ok) *eid = (int64_t)id->valuedouble;
    } else if (jstr(id)) {
        id_ok = dec_parse_int(id->valuestring, strlen(id->valuestring), eid) == 0;
    }
    if (!id_ok) {
        pal_set_err(err, cap, "%s: expected a Sysmon event number, got %s", idname,
                    jstr(id) ? dec_show(q, id->valuestring, strlen(id->valuestring), true) : dec_json_kind(id));
        return -1;
    }
    if (*eid != 1 && *eid != 3 && *eid != 11 && *eid != 22) {
        pal_set_err(err, cap, "unsupported Sysmon EventID %lld (palisade maps 1, 3, 11, 22)", (long long)*eid);
        return -1;
    }
    return 0;
}

/* The fields every mapped record carries: host, time, user, the process. */
static void sysmon_common(evctx *e, const cJSON *root, const cJSON *data, const char *pre)
{
    ev_json(e, EF_HOST_NAME, dec_item(&e->d, root, "Hostname", ""), "", "Hostname");
    ev_json(e, EF_HOST_NAME, dec_find(&e->d, root, "winlog.computer_name"), "", "winlog.computer_name");
    sysmon_time(e, sysval(e, data, pre, "UtcTime"), pre);
    ev_lit(e, EF_HOST_OS_TYPE, "windows");
    ev_lit(e, EF_MODULE, "sysmon");
    ev_lit(e, EF_KIND, "event");

    /* "NT AUTHORITY\SYSTEM" -> "SYSTEM": Winlogbeat puts the domain in
       user.domain, and a policy must see the same user.name either way. */
    const cJSON *user = sysval(e, data, pre, "User");
    if (jstr(user)) {
        const char *u = user->valuestring, *bs = strrchr(u, '\\');
        if (bs) u = bs + 1;
        if (*u) ev_str(e, EF_USER_NAME, u, strlen(u));
    } else {
        ev_json(e, EF_USER_NAME, user, pre, "User");
    }
    ev_json(e, EF_PID, sysval(e, data, pre, "ProcessId"), pre, "ProcessId");
    ev_json(e, EF_EXE, sysval(e, data, pre, "Image"), pre, "Image");
}

/* The fields of each mapped EventID, and the kind. */
static void sysmon_map(evctx *e, int64_t eid, const cJSON *data, const char *pre)
{
    switch (eid) {
    case 1: {
        ev_json(e, EF_CMDLINE, sysval(e, data, pre, "CommandLine"), pre, "CommandLine");
        ev_json(e, EF_CWD, sysval(e, data, pre, "CurrentDirectory"), pre, "CurrentDirectory");
        ev_json(e, EF_PPID, sysval(e, data, pre, "ParentProcessId"), pre, "ParentProcessId");
        ev_json(e, EF_PEXE, sysval(e, data, pre, "ParentImage"), pre, "ParentImage");
        ev_json(e, EF_PCMDLINE, sysval(e, data, pre, "ParentCommandLine"), pre, "ParentCommandLine");
        const char *hashes = jstr(sysval(e, data, pre, "Hashes"));
        if (hashes) sysmon_hashes(e, hashes);
        static const char *const t[] = {"start"};
        ev_category(e, "process", t, 1);
        e->ev->kind = PK_PROCESS;
        break;
    }
    case 3: {
        const char *proto = jstr(sysval(e, data, pre, "Protocol"));
        if (proto) ev_str_lower(e, EF_TRANSPORT, proto, strlen(proto));
        const cJSON *init = sysval(e, data, pre, "Initiated");
        if (init) {
            bool out = cJSON_IsTrue(init) || str_eq_ci(jstr(init), "true");
            ev_lit(e, EF_DIRECTION, out ? "outbound" : "inbound");
        }
        ev_json(e, EF_SRC_IP, sysval(e, data, pre, "SourceIp"), pre, "SourceIp");
        ev_json(e, EF_SRC_PORT, sysval(e, data, pre, "SourcePort"), pre, "SourcePort");
        ev_json(e, EF_DST_IP, sysval(e, data, pre, "DestinationIp"), pre, "DestinationIp");
        ev_json(e, EF_DST_PORT, sysval(e, data, pre, "DestinationPort"), pre, "DestinationPort");
        ev_json(e, EF_DST_DOMAIN, sysval(e, data, pre, "DestinationHostname"), pre, "DestinationHostname");
        static const char *const t[] = {"connection", "start"};
        ev_category(e, "network", t, 2);
        e->ev->kind = PK_NETWORK;
        break;
    }
    case 22: {
        ev_json(e, EF_DNS_QNAME, sysval(e, data, pre, "QueryName"), pre, "QueryName");
        const char *res = jstr(sysval(e, data, pre, "QueryResults"));
        if (res) sysmon_resolved(e, res);
        const cJSON *st = sysval(e, data, pre, "QueryStatus");
        if (st) sysmon_rcode(e, st);
        ev_lit(e, EF_PROTOCOL, "dns");
        static const char *const t[] = {"protocol", "info"};
        ev_category(e, "network", t, 2);
        e->ev->kind = PK_DNS;
        break;
    }
    case 11: {
        ev_json(e, EF_FILE_PATH, sysval(e, data, pre, "TargetFilename"), pre, "TargetFilename");
        /* Winlogbeat's event.action is the task name ("File created (rule:
           FileCreate)"); SPEC says creation, as the other adapters write */
        if (dec_ef_index[EF_ACTION] >= 0) e->slots[dec_ef_index[EF_ACTION]] = pal_undef();
        ev_lit(e, EF_ACTION, "creation");
        static const char *const t[] = {"creation"};
        ev_category(e, "file", t, 1);
        e->ev->kind = PK_FILE;
        break;
    }
    }
}

/* The event data keys the mapping of each EventID reads (the first
   `shown` are named in the error when none is there), and the ECS field
   groups that stand in for them when a shipper wrote those instead. */
static const struct sysmon_keys {
    int64_t eid;
    unsigned shown;
    const char *keys[12];
    const char *ecs[3];
} sysmon_keys[] = {
    {1, 3, {"Image", "CommandLine", "ProcessId", "CurrentDirectory", "ParentProcessId", "ParentImage",
            "ParentCommandLine", "Hashes", "User", "UtcTime"}, {"process."}},
    {3, 3, {"Image", "SourceIp", "DestinationIp", "SourcePort", "DestinationPort", "DestinationHostname",
            "Protocol", "Initiated", "ProcessId", "User", "UtcTime"}, {"source.", "destination."}},
    {22, 2, {"Image", "QueryName", "QueryStatus", "QueryResults", "ProcessId", "User", "UtcTime"}, {"dns."}},
    {11, 2, {"Image", "TargetFilename", "ProcessId", "User", "UtcTime"}, {"file."}},
};

/* A mapped record must carry its event data: one of its keys in `data`
   (null is not a value; Sysmon's "-" is), or ECS fields of its kind from the
   shipper.  Without either, deciding it would allow it on no information,
   so it is an error naming what is missing.  -1 with the message in err. */
static int sysmon_check_data(evctx *e, int64_t eid, const cJSON *data, const char *pre)
{
    const struct sysmon_keys *k = NULL;
    for (size_t i = 0; i < sizeof sysmon_keys / sizeof sysmon_keys[0]; i++)
        if (sysmon_keys[i].eid == eid) k = &sysmon_keys[i];
    if (!k) return 0;
    for (unsigned i = 0; i < 12 && k->keys[i]; i++) {
        const cJSON *v = dec_item(&e->d, data, k->keys[i], pre);
        if (v && !cJSON_IsNull(v)) return 0;
    }
    for (unsigned i = 0; i < 3 && k->ecs[i]; i++)
        if (ev_any_seen(e, k->ecs[i])) return 0;
    char names[160];
    size_t o = 0;
    for (unsigned i = 0; i < k->shown; i++)
        o += (size_t)snprintf(names + o, sizeof names - o, "%s, ", k->keys[i]);
    snprintf(names + o, sizeof names - o, "...");
    if (*pre)
        pal_set_err(e->d.err, e->d.errcap, "Sysmon EventID %lld record has no event data: %s holds none of "
                    "its fields (%s)", (long long)eid, pre, names);
    else
        pal_set_err(e->d.err, e->d.errcap, "Sysmon EventID %lld record has no event data: no winlog.event_data "
                    "or EventData object, and none of its fields (%s) at the top level", (long long)eid, names);
    return -1;
}

int dec_sysmon(evctx *e, const cJSON *root)
{
    int64_t eid = 0;
    if (sysmon_event_id(e, root, &eid) != 0) return -1;

    const char *pre = "winlog.event_data";
    const cJSON *data = dec_find(&e->d, root, pre);
    if (!cJSON_IsObject(data)) data = dec_item(&e->d, root, pre = "EventData", "");
    if (!cJSON_IsObject(data)) { data = root; pre = ""; }

    dec_walk_event(e, root);                   /* ECS fields a shipper added win */
    if (e->d.fatal) return -1;
    if (sysmon_check_data(e, eid, data, pre) != 0) return -1;

    sysmon_common(e, root, data, pre);
    sysmon_map(e, eid, data, pre);
    e->ev->windows = true;
    return e->d.fatal ? -1 : 0;
}

/*
 * decode_ecs.c — Elastic Common Schema events: the walk has read every
 * field already; what is left is the kind (event.category, else the field
 * groups present) and whether the event is Windows.
 */
#include "engine/decode/decode_int.h"

static bool is_windows_path(const pal_value *v)
{
    if (v->tag != PV_STR) return false;
    const char *s = v->u.s;
    size_t n = v->len;
    bool drive = n >= 3 && ((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z')) &&
                 s[1] == ':' && (s[2] == '\\' || s[2] == '/');
    /* \\server, \\?\, and the NT forms \??\ and \Device\ */
    return drive || (n >= 2 && s[0] == '\\' && s[1] == '\\') || (n >= 4 && !memcmp(s, "\\??\\", 4)) ||
           (n >= 8 && eq_ci(s, 8, "\\Device\\"));
}

bool ev_any_seen(const evctx *e, const char *prefix)
{
    size_t n = strlen(prefix);
    for (unsigned i = 0; i < e->s->nfields; i++)
        if (bit_get(e->seen, i) && strncmp(pal_field_json(&e->s->fields[i]), prefix, n) == 0) return true;
    return false;
}

bool ev_seen(const evctx *e, int ef) { return dec_ef_index[ef] >= 0 && bit_get(e->seen, (unsigned)dec_ef_index[ef]); }

/* ECS: the kind from event.category, else from which field groups are
   present.  0 with a message in err when neither tells. */
static unsigned ecs_kind(evctx *e)
{
    const pal_value *cat = ev_get(e, EF_CATEGORY);
    const pal_value *proto = ev_get(e, EF_PROTOCOL);
    bool dns = (proto->tag == PV_STR && eq_ci(proto->u.s, proto->len, "dns")) || ev_seen(e, EF_DNS_QNAME);
    if (cat->tag == PV_LIST && cat->len) {
        for (uint32_t i = 0; i < cat->len; i++) {
            const pal_value *c = &cat->u.items[i];
            if (c->tag != PV_STR) continue;
            if (eq_ci(c->u.s, c->len, "process")) return PK_PROCESS;
            if (eq_ci(c->u.s, c->len, "network")) return dns ? PK_DNS : PK_NETWORK;
            if (eq_ci(c->u.s, c->len, "file")) return PK_FILE;
            if (eq_ci(c->u.s, c->len, "dns")) return PK_DNS;   /* palisade's own test events */
            if (eq_ci(c->u.s, c->len, "registry")) return PK_REGISTRY;
            if (eq_ci(c->u.s, c->len, "library") || eq_ci(c->u.s, c->len, "driver")) return PK_LIBRARY;
            if (eq_ci(c->u.s, c->len, "authentication")) return PK_AUTH;
            if (eq_ci(c->u.s, c->len, "configuration")) return PK_CONFIG;
        }
        char q[QUOTE_BUF];
        const pal_value *c0 = &cat->u.items[0];
        pal_set_err(e->d.err, e->d.errcap,
                "event.category %s is not an event kind palisade decides (process, network, dns, file, registry, "
                "library, driver, authentication, configuration)",
                c0->tag == PV_STR ? dec_show(q, c0->u.s, c0->len, true) : "?");
        return 0;
    }
    if (dns || ev_any_seen(e, "dns.")) return PK_DNS;
    if (ev_seen(e, EF_DST_IP) || ev_seen(e, EF_SRC_IP)) return PK_NETWORK;
    if (ev_seen(e, EF_FILE_PATH)) return PK_FILE;
    if (ev_any_seen(e, "registry.")) return PK_REGISTRY;
    if (ev_any_seen(e, "dll.")) return PK_LIBRARY;
    if (ev_any_seen(e, "process.")) return PK_PROCESS;
    pal_set_err(e->d.err, e->d.errcap, "cannot tell the event kind: add event.category");
    return 0;
}

/* Every name this file looks up (decode_int.h, "the fast path"). */
const char *const dec_lookups_ecs[] = {"host.os.family", "host.os.platform", NULL};

/* ECS: Windows when the host says so; when no OS is given, when a path
   looks like one (drive letter or UNC). */
static bool ecs_windows(evctx *e, const cJSON *root)
{
    const pal_value *os = ev_get(e, EF_HOST_OS_TYPE);
    if (os->tag == PV_STR) return eq_ci(os->u.s, os->len, "windows");
    const char *family = jstr(dec_find(&e->d, root, "host.os.family"));
    if (!family) family = jstr(dec_find(&e->d, root, "host.os.platform"));
    if (family) return str_eq_ci(family, "windows");
    return is_windows_path(ev_get(e, EF_EXE)) || is_windows_path(ev_get(e, EF_PEXE)) ||
           is_windows_path(ev_get(e, EF_FILE_PATH)) || is_windows_path(ev_get(e, EF_DLL_PATH));
}
int dec_ecs(evctx *e, const cJSON *root)
{
    dec_walk_event(e, root);
    if (e->d.fatal) return -1;
    e->ev->windows = ecs_windows(e, root);
    e->ev->kind = ecs_kind(e);
    return e->ev->kind ? 0 : -1;
}

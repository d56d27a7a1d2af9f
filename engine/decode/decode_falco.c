/*
 * decode_falco.c — Falco's JSON output onto ECS: fields from
 * output_fields, the kind from evt.type (process starts, connections,
 * files opened for writing).
 */
#include "engine/decode/decode_int.h"


/* Every name this file looks up (decode_int.h, "the fast path"). */
const char *const dec_lookups_falco[] = {
    "output_fields", "source", "hostname", "time",
    "output_fields.proc.exepath", "output_fields.proc.exe", "output_fields.proc.name",
    "output_fields.proc.cmdline", "output_fields.proc.pid", "output_fields.proc.cwd", "output_fields.proc.ppid",
    "output_fields.proc.pexepath", "output_fields.proc.pname", "output_fields.proc.pcmdline",
    "output_fields.user.name", "output_fields.container.id", "output_fields.container.name",
    "output_fields.container.image", "output_fields.container.image.repository",
    "output_fields.container.image.tag", "output_fields.fd.l4proto", "output_fields.fd.cip",
    "output_fields.fd.cport", "output_fields.fd.sip", "output_fields.fd.sport", "output_fields.fd.sip.name",
    "output_fields.fd.name", "output_fields.evt.type", "output_fields.evt.is_open_write",
    "output_fields.evt.arg.flags", "output_fields.fs.path.name", NULL};

/* An output field; Falco writes "<NA>" (or null) when it has no value. */
static const cJSON *fval(evctx *e, const cJSON *of, const char *key)
{
    const cJSON *v = dec_item(&e->d, of, key, "output_fields");
    if (!v || cJSON_IsNull(v)) return NULL;
    if (jstr(v) && (!v->valuestring[0] || !strcmp(v->valuestring, "<NA>"))) return NULL;
    return v;
}

static void falco_field(evctx *e, int ef, const cJSON *of, const char *key)
{
    ev_json(e, ef, fval(e, of, key), "output_fields", key);
}

/* fd.name of a socket: "10.0.0.5:43210->93.184.216.34:443" (IPv6 too: the
   port follows the last ':').  Fills source (client) and destination. */
static void falco_fd_name(evctx *e, const char *s)
{
    const char *arrow = strstr(s, "->");
    if (!arrow) return;
    struct { const char *p; size_t n; int ip_ef, port_ef; } side[2] = {
        {s, (size_t)(arrow - s), EF_SRC_IP, EF_SRC_PORT},
        {arrow + 2, strlen(arrow + 2), EF_DST_IP, EF_DST_PORT},
    };
    for (int i = 0; i < 2; i++) {
        const char *p = side[i].p;
        size_t n = side[i].n, colon = n;
        while (colon > 0 && p[colon - 1] != ':') colon--;
        if (colon == 0) continue;
        pal_value ip, port;
        int64_t pn;
        if (!dec_ip_text(p, colon - 1, &ip) || dec_parse_int(p + colon, n - colon, &pn) || pn < 0 || pn > 65535) {
            char q[QUOTE_BUF];
            dec_path_pop(&e->d, 0);
            dec_path_push(&e->d, "output_fields.fd.name", 21, false);
            dec_bad_value(&e->d, "expected ip:port->ip:port, got %s", dec_show(q, s, strlen(s), true));
            dec_path_pop(&e->d, 0);
            return;
        }
        port = pal_int(pn);
        pal_value *slot = ev_free(e, side[i].ip_ef);
        if (slot) *slot = ip;
        slot = ev_free(e, side[i].port_ef);
        if (slot) *slot = port;
    }
}

/* Opened for writing?  1 yes, 0 read only, -1 the record does not say. */
static int falco_open_write(evctx *e, const cJSON *of, bool *created)
{
    const cJSON *w = fval(e, of, "evt.is_open_write");
    const char *flags = jstr(fval(e, of, "evt.arg.flags"));
    if (flags) {
        size_t n = strlen(flags);
        *created = dec_find_sub(flags, n, "O_F_CREATED") != NULL;
        if (dec_find_sub(flags, n, "O_WRONLY") || dec_find_sub(flags, n, "O_RDWR") ||
            dec_find_sub(flags, n, "O_CREAT") || dec_find_sub(flags, n, "O_TRUNC"))
            return 1;
    }
    if (w) return cJSON_IsTrue(w) || str_eq_ci(jstr(w), "true");
    return flags ? 0 : -1;
}

/* The fields of every mapped record: host, time, the process, the
   container, the socket.  Returns -1 when out of memory. */
static int falco_common(evctx *e, const cJSON *root, const cJSON *of)
{
    ev_json(e, EF_HOST_NAME, dec_item(&e->d, root, "hostname", ""), "", "hostname");
    ev_json(e, EF_TIMESTAMP, dec_item(&e->d, root, "time", ""), "", "time");
    ev_lit(e, EF_HOST_OS_TYPE, "linux");
    ev_lit(e, EF_MODULE, "falco");
    ev_lit(e, EF_KIND, "alert");

    falco_field(e, EF_EXE, of, "proc.exepath");
    const char *exe = jstr(fval(e, of, "proc.exe"));   /* argv[0]; a path only sometimes */
    if (exe && exe[0] == '/') falco_field(e, EF_EXE, of, "proc.exe");
    falco_field(e, EF_NAME, of, "proc.name");
    falco_field(e, EF_CMDLINE, of, "proc.cmdline");
    falco_field(e, EF_PID, of, "proc.pid");
    falco_field(e, EF_CWD, of, "proc.cwd");
    falco_field(e, EF_PPID, of, "proc.ppid");
    falco_field(e, EF_PEXE, of, "proc.pexepath");
    falco_field(e, EF_PNAME, of, "proc.pname");
    falco_field(e, EF_PCMDLINE, of, "proc.pcmdline");
    falco_field(e, EF_USER_NAME, of, "user.name");
    falco_field(e, EF_CONTAINER_ID, of, "container.id");
    falco_field(e, EF_CONTAINER_NAME, of, "container.name");

    /* container.image.name keeps the tag ("nginx:1.25"), as policies glob
       it; container.image.tag gets the tag alone. */
    falco_field(e, EF_IMAGE_NAME, of, "container.image");
    const char *repo = jstr(fval(e, of, "container.image.repository"));
    const char *tag = jstr(fval(e, of, "container.image.tag"));
    if (repo && ev_free(e, EF_IMAGE_NAME)) {
        size_t rn = strlen(repo), tn = tag ? strlen(tag) : 0;
        char *buf = dec_alloc(&e->d, rn + tn + 2);
        if (!buf) return -1;
        memcpy(buf, repo, rn);
        if (tag) { buf[rn] = ':'; memcpy(buf + rn + 1, tag, tn); }
        ev_str(e, EF_IMAGE_NAME, buf, tag ? rn + 1 + tn : rn);
    }
    falco_field(e, EF_IMAGE_TAG, of, "container.image.tag");

    /* Falco's fd.cip is the client, fd.sip the server; ECS source is the
       side that initiated, so source = client in both directions. */
    falco_field(e, EF_TRANSPORT, of, "fd.l4proto");
    falco_field(e, EF_SRC_IP, of, "fd.cip");
    falco_field(e, EF_SRC_PORT, of, "fd.cport");
    falco_field(e, EF_DST_IP, of, "fd.sip");
    falco_field(e, EF_DST_PORT, of, "fd.sport");
    falco_field(e, EF_DST_DOMAIN, of, "fd.sip.name");   /* the server's name, when Falco resolved it */
    const char *fdname = jstr(fval(e, of, "fd.name"));
    if (fdname && strstr(fdname, "->")) falco_fd_name(e, fdname);
    return 0;
}

/* The kind from evt.type (or, without it, from the fields present); -1
   with the reason in err for a record palisade does not decide. */
static int falco_kind(evctx *e, const cJSON *of)
{
    char q[QUOTE_BUF];
    char *err = e->d.err;
    size_t cap = e->d.errcap;
    const char *fdname = jstr(fval(e, of, "fd.name"));
    bool sock = fdname && strstr(fdname, "->");
    const char *et = jstr(fval(e, of, "evt.type"));
    if (!et) {
        /* older rule outputs omit evt.type: a socket is a connection, a
           record about a process alone is the spawn; a file could be a read */
        if (sock || fval(e, of, "fd.sip") || fval(e, of, "fd.cip")) {
            static const char *const t[] = {"connection"};
            ev_category(e, "network", t, 1);
            e->ev->kind = PK_NETWORK;
        } else if (!fdname && (fval(e, of, "proc.name") || fval(e, of, "proc.exepath") || fval(e, of, "proc.cmdline"))) {
            static const char *const t[] = {"start"};
            ev_category(e, "process", t, 1);
            e->ev->kind = PK_PROCESS;
        } else {
            pal_set_err(err, cap, "cannot tell the event kind of a Falco record without evt.type: "
                              "add evt.type to the rule's output");
            return -1;
        }
    } else if (!strcmp(et, "execve") || !strcmp(et, "execveat")) {
        static const char *const t[] = {"start"};
        ev_category(e, "process", t, 1);
        e->ev->kind = PK_PROCESS;
    } else if (!strcmp(et, "connect") || !strcmp(et, "sendto") || !strcmp(et, "sendmsg") ||
               !strcmp(et, "accept") || !strcmp(et, "accept4")) {
        ev_lit(e, EF_DIRECTION, et[0] == 'a' ? "inbound" : "outbound");
        static const char *const t[] = {"connection", "start"};
        ev_category(e, "network", t, 2);
        e->ev->kind = PK_NETWORK;
    } else if (!strcmp(et, "open") || !strcmp(et, "openat") || !strcmp(et, "openat2") || !strcmp(et, "creat")) {
        bool created = !strcmp(et, "creat");
        int w = created ? 1 : falco_open_write(e, of, &created);
        if (w != 1) {
            pal_set_err(err, cap, w == 0 ? "Falco %s event opens for reading only; palisade decides file writes"
                                     : "cannot tell whether Falco %s event writes: add evt.arg.flags or "
                                       "evt.is_open_write to the rule's output", et);
            return -1;
        }
        falco_field(e, EF_FILE_PATH, of, "fd.name");
        falco_field(e, EF_FILE_PATH, of, "fs.path.name");
        ev_lit(e, EF_ACTION, created ? "creation" : "modification");
        const char *t[] = {created ? "creation" : "change"};
        ev_category(e, "file", t, 1);
        e->ev->kind = PK_FILE;
    } else {
        pal_set_err(err, cap, "Falco evt.type %s is not an event palisade decides (it maps execve, connect, "
                          "accept, sendto and open/openat/creat for writing)", dec_show(q, et, strlen(et), false));
        return -1;
    }
    return 0;
}

int dec_falco(evctx *e, const cJSON *root)
{
    char q[QUOTE_BUF];
    char *err = e->d.err;
    size_t cap = e->d.errcap;
    const cJSON *of = dec_item(&e->d, root, "output_fields", "");
    if (!cJSON_IsObject(of)) {
        pal_set_err(err, cap, "not a Falco record: no output_fields object");
        return -1;
    }
    const char *source = jstr(dec_item(&e->d, root, "source", ""));
    if (source && strcmp(source, "syscall") != 0) {
        pal_set_err(err, cap, "unsupported Falco source %s (palisade maps syscall events)",
                dec_show(q, source, strlen(source), false));
        return -1;
    }

    dec_walk_event(e, root);
    if (e->d.fatal) return -1;

    if (falco_common(e, root, of) != 0) return -1;
    if (falco_kind(e, of) != 0) return -1;
    e->ev->windows = false;
    return e->d.fatal ? -1 : 0;
}

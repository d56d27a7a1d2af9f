/*
 * agent_enforce.c — `palisade agent --enforce`: the agent's side of
 * engine/enforce/enforcer.h.  Flags in, descriptors into the agent's
 * poll loop, decision lines out into its stream; nothing else.  The
 * exec answers never pass through here: the enforcer's own thread gives
 * them, whatever this loop or its consumers are doing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/agent.h"
#include "cli/cli.h"
#include "engine/enforce/enforcer.h"

static struct {
    bool on;
    pal_enforcer_opts o;
    const char *runc_root;
    pal_enforcer *e;
} E = {.runc_root = "/run/runc"};

bool agent_enforce_arg(cli_args *A)
{
    if (cli_args_flag(A, "--enforce")) { E.on = true; return true; }
    if (cli_args_value(A, "--control", "a path for the control socket")) { E.o.control_path = A->value; return true; }
    if (cli_args_value(A, "--dns-upstream", "ADDR:PORT of the resolver to forward to")) { E.o.dns_upstream = A->value; return true; }
    if (cli_args_value(A, "--runc-root", "runc's state directory")) { E.runc_root = A->value; return true; }
    if (cli_args_value(A, "--nft", "the nft program")) { E.o.nft = A->value; return true; }
    if (cli_args_value(A, "--dns-port", "a port, 1 to 65535")) {
        long v = strtol(A->value, NULL, 10);
        if (v < 1 || v > 65535) { cli_error("agent", "--dns-port takes a port, 1 to 65535"); A->failed = true; }
        E.o.dns_port = (unsigned)v;
        return true;
    }
    if (cli_args_value(A, "--nflog-group", "a group, 1 to 65535")) {
        long v = strtol(A->value, NULL, 10);
        if (v < 1 || v > 65535) { cli_error("agent", "--nflog-group takes a group, 1 to 65535"); A->failed = true; }
        E.o.nflog_group = (unsigned)v;
        return true;
    }
    if (cli_args_value(A, "--unknown-container", "alert or prevent")) {
        if (!strcmp(A->value, "alert")) E.o.unknown_effect = PE_ALERT;
        else if (!strcmp(A->value, "prevent")) E.o.unknown_effect = PE_PREVENT;
        else { cli_error("agent", "--unknown-container takes alert or prevent"); A->failed = true; }
        return true;
    }
    return false;
}

bool agent_enforce_on(void) { return E.e != NULL; }

static void warn(void *user, const char *text)
{
    (void)user;
    fprintf(stderr, "palisade agent: enforce: %s\n", text);
}

static void flush_log(void)
{
    pal_strbuf log;
    pal_strbuf_init(&log, 4u << 20);
    pal_enforcer_take_log(E.e, &log);
    if (log.len) {
        for (char *s = log.s, *nl; (nl = memchr(s, '\n', log.len - (size_t)(s - log.s))); s = nl + 1)
            fprintf(stderr, "palisade agent: enforce: %.*s\n", (int)(nl - s), s);
    }
    pal_strbuf_free(&log);
}

int agent_enforce_start(const pal_program *p, char *err, size_t cap)
{
    if (!E.on) {
        if (E.o.control_path || E.o.dns_upstream) return snprintf(err, cap, "--control and --dns-upstream go with --enforce"), -1;
        return 0;
    }
    if (!E.o.control_path) E.o.control_path = "/run/palisade/control.sock";
    if (!(E.e = pal_enforcer_new(&E.o, p, err, cap))) return -1;
    int n = pal_enforcer_pickup(E.e, E.runc_root, warn, NULL);
    flush_log();
    fprintf(stderr, "palisade agent: enforcing: control socket %s, %d running container%s picked up from %s%s%s\n",
            E.o.control_path, n, n == 1 ? "" : "s", E.runc_root, E.o.dns_upstream ? ", DNS forwarded to " : "",
            E.o.dns_upstream ? E.o.dns_upstream : "");
    return 0;
}

size_t agent_enforce_pollfds(struct pollfd *fds, size_t cap)
{
    return E.e ? pal_enforcer_pollfds(E.e, fds, cap) : 0;
}

void agent_enforce_handle(const struct pollfd *fds, size_t n, pal_strbuf *stream)
{
    if (!E.e) return;
    pal_enforcer_handle(E.e, fds, n);
    pal_enforcer_take_output(E.e, stream);
    flush_log();
}

void agent_enforce_reload(const pal_program *p)
{
    if (!E.e) return;
    if (pal_enforcer_set_program(E.e, p) != 0)
        fprintf(stderr, "palisade agent: enforce: out of memory applying the new rules; the containers keep the old ones\n");
    flush_log();
}

void agent_enforce_stop(pal_strbuf *stream)
{
    if (!E.e) return;
    pal_enforcer_stats st;
    pal_enforcer_get_stats(E.e, &st);
    pal_enforcer_take_output(E.e, stream);
    fprintf(stderr, "palisade agent: enforce: %llu execs (%llu denied, %llu of no known container; answer time mean %.1f us, max %.1f us), "
                    "%llu DNS queries (%llu refused, %llu forwarded), %llu packets logged, %llu containers stopped\n",
            st.execs, st.execs_denied, st.exec_unknown, st.execs ? st.exec_ns_total / 1e3 / (double)st.execs : 0.0,
            st.exec_ns_max / 1e3, st.dns_queries, st.dns_refused, st.dns_forwarded, st.packets_logged, st.containers_stopped);
    flush_log();
    pal_enforcer_free(E.e);
    E.e = NULL;
}

void agent_enforce_usage(FILE *f)
{
    fprintf(f, "  --enforce             prevent and block in the Linux containers the hook registers (SPEC 12)\n"
               "  --control PATH        the control socket `palisade hook` talks to (/run/palisade/control.sock)\n"
               "  --dns-upstream A:P    redirect the containers' DNS to palisade's forwarder, which forwards to A:P\n"
               "  --unknown-container E alert (default) or prevent: an exec no registered container owns\n"
               "  --runc-root DIR       where a restarted agent finds running containers (/run/runc)\n"
               "  --dns-port N, --nflog-group N, --nft PATH   the forwarder's port in each container (5353),\n"
               "                        the NFLOG group (7301), the nft program\n");
}

/*
 * enforcer.h — prevent and block for real on Linux containers: the part of
 * `palisade agent --enforce` below the CLI.
 *
 * Design.  The enforcer knows the containers it was told about (the
 * control socket: `palisade hook` from the runtime's createRuntime and
 * poststop hooks; or runc's state directory when the agent restarts) and
 * enforces the loaded program in each, at three points:
 *
 *  - processes: one fanotify group, FAN_OPEN_EXEC_PERM marks on each
 *    container's mounts.  The kernel asks before a file is executed, about
 *    the file actually opened (no check-then-use race: a symlink is decided
 *    as its target), and waits for the answer.  The answers come from a
 *    thread of their own with its own decider, so the event stream, the
 *    agent's workers or a slow consumer never stand between an exec and
 *    its answer; decision lines go into a bounded queue the agent drains
 *    (a full queue drops lines and counts them, it never delays an answer).
 *  - network: an nftables table in the container's network namespace
 *    (engine/enforce/nft.h) that rejects what is prevented and logs what a
 *    rule cares about; the logged packets come back over NFLOG and are
 *    decided like any event.
 *  - DNS: the table redirects port 53 to a forwarder socket the enforcer
 *    opened inside the container's namespace (127.0.0.1:dns_port); each
 *    query is decided (dns.question.name), refused or forwarded to the
 *    upstream, and the answer relayed back.
 *
 * A decision whose effect is block also stops the container: SIGKILL to its
 * init through a pidfd (so a recycled pid is never hit), which ends every
 * process of its pid namespace.
 *
 * Every decision is made by the VM on an ECS event built from what the
 * kernel said, so the decision lines carry the rule names and the bundle
 * revision exactly as `palisade eval` would print them, plus an
 * "enforce" member saying what was done.
 *
 * Threads: everything but the exec answers runs on the caller's thread
 * (the agent's loop: pal_enforcer_pollfds/pal_enforcer_handle).  A new
 * program (pal_enforcer_set_program) is applied to every container's
 * table, each in one nft transaction, then handed to the exec thread,
 * which takes it between two events; the call returns when the exec
 * thread no longer uses the old program, so the caller may free it.
 */
#ifndef PAL_ENFORCE_ENFORCER_H
#define PAL_ENFORCE_ENFORCER_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "engine/base/strbuf.h"
#include "engine/enforce/oci.h"
#include "engine/vm/program.h"

#define PAL_ENF_MAX_CONTAINERS   1024u
#define PAL_ENF_MAX_OUTPUT       (4u << 20)    /* queued decision lines */
#define PAL_ENF_DNS_PENDING      1024u         /* forwarded queries awaiting an answer */
#define PAL_ENF_DNS_TIMEOUT_MS   5000
#define PAL_ENF_DEFAULT_DNS_PORT 5353u
#define PAL_ENF_DEFAULT_NFLOG    7301u
#define PAL_ENF_MAX_CTL_CONNS    16u

typedef struct pal_enforcer pal_enforcer;

typedef struct pal_enforcer_opts {
    const char *control_path;   /* the control socket to create (NULL: none) */
    const char *dns_upstream;   /* "ADDR:PORT" (NULL: DNS is not redirected) */
    unsigned dns_port;          /* the forwarder's port in each container (0: default) */
    unsigned nflog_group;       /* 0: default */
    const char *nft;            /* the nft program (NULL: found) */
    int unknown_effect;         /* PE_ALERT or PE_PREVENT: an exec no registered container owns */
    bool no_exec;               /* leave processes alone (no fanotify) */
} pal_enforcer_opts;

typedef struct pal_enforcer_stats {
    unsigned containers;
    unsigned long long execs, execs_denied, exec_unknown, exec_lines_dropped;
    unsigned long long dns_queries, dns_refused, dns_forwarded, dns_answers, dns_dropped;
    unsigned long long packets_logged, containers_stopped, nft_errors;
    uint64_t exec_ns_max, exec_ns_total;     /* time from reading an exec event to answering it */
} pal_enforcer_stats;

/* Sets the enforcer up (fanotify group and its thread, control socket,
   upstream socket).  Returns NULL with err. */
pal_enforcer *pal_enforcer_new(const pal_enforcer_opts *o, const pal_program *p, char *err, size_t cap);
/* Removes every table it made and every mark, stops the thread. */
void pal_enforcer_free(pal_enforcer *e);

/* A new program for every container (see the design note). */
int pal_enforcer_set_program(pal_enforcer *e, const pal_program *p);

/* Registers (or updates) a container: marks, table, forwarder.  Returns 0,
   or -1 with err (then nothing of it is enforced). */
int pal_enforcer_register(pal_enforcer *e, const pal_oci_container *c, char *err, size_t cap);
/* Forgets a container and removes what was made for it. */
int pal_enforcer_unregister(pal_enforcer *e, const char *id);
/* Registers every running container under runc's state directory root.
   Returns how many; errors per container go to warn(user, text). */
int pal_enforcer_pickup(pal_enforcer *e, const char *root, void (*warn)(void *user, const char *text), void *user);

/* Polling: the descriptors to wait on (at most cap; returns how many), and
   what to do when poll() returned. */
size_t pal_enforcer_pollfds(pal_enforcer *e, struct pollfd *fds, size_t cap);
void pal_enforcer_handle(pal_enforcer *e, const struct pollfd *fds, size_t n);

/* Moves the decision lines made so far (by any thread) to the end of out. */
void pal_enforcer_take_output(pal_enforcer *e, pal_strbuf *out);
/* Messages for the operator (registrations, errors), one per line. */
void pal_enforcer_take_log(pal_enforcer *e, pal_strbuf *out);

void pal_enforcer_get_stats(pal_enforcer *e, pal_enforcer_stats *st);

#endif

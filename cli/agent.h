/*
 * agent.h — the parts of `palisade agent` (cli/cmd_agent.c: the I/O loop;
 * cli/agent_reload.c: watching the policy and rebuilding it off to the side).
 *
 * The agent is one thread around one poll() loop.  A reload never runs in
 * that thread's way: a child process compiles the policy directory (or
 * reads the bundle file) from a consistent snapshot (lang/compile/
 * snapshot.h: no file open for writing, none changed within the reload
 * delay, the same bytes read twice, so never a half-written repo, whatever
 * started the reload) and passes the bundle bytes back through a pipe;
 * the loop reads them like any other input, then verifies them — the
 * signature over exactly the bytes it parses, the structure, the bytecode —
 * and only then switches, between two events.  So the old rules decide
 * until the new ones are whole, a policy that does not compile or verify
 * changes nothing, and no cJSON or compiler state is shared between
 * threads (there is only one).
 */
#ifndef PAL_CLI_AGENT_H
#define PAL_CLI_AGENT_H

#include <stdbool.h>
#include <stdio.h>
#include <stddef.h>
#include <sys/types.h>
#include "engine/vm/program.h"
#include "engine/vm/bundle.h"

/* Limits of the agent's own (not in engine/base/limits.h: they bound the
   agent's I/O, not the language). */
#define AGENT_MAX_CONNECTIONS     128u          /* open listen + decision connections */
#define AGENT_MAX_REPLY_BACKLOG   (1u << 20)    /* unsent replies per decision connection before deciding pauses */
#define AGENT_MAX_STREAM_BACKLOG  (4u << 20)    /* unwritten stream decisions before the stream sources pause */
#define AGENT_MAX_WATCHES         4096u         /* inotify watches on a policy tree (= PAL_MAX_FILES) */
#define AGENT_RELOAD_TIMEOUT_MS   120000        /* a reload child that takes longer is killed */
#define AGENT_SNAPSHOT_WAIT_MS    30000         /* a policy that changes all the time: the reload gives up */
#define AGENT_SHUTDOWN_GRACE_MS   2000          /* at SIGTERM: time to finish lines already begun */
#define AGENT_IDLE_TIMEOUT_MS     60000         /* default --idle-timeout: a connection silent this long is closed */
#define AGENT_REQUEST_TIMEOUT_MS  10000         /* default --request-timeout: a line begun must end, replies must move */
#define AGENT_EVICT_MIN_IDLE_MS   1000          /* when every slot is taken, a connection idle this long gives way */
#define AGENT_WORKER_NICE         5             /* the stream's workers run this much nicer than the thread that answers */

/* What the policy is and how it is rebuilt. */
typedef struct agent_policy {
    const char *path;            /* --policy (NULL: the built-in policies, never reloaded) */
    bool is_bundle;
    const pal_pubkey *trusted;   /* --verify-key, or NULL */
    unsigned settle_ms;          /* every file unchanged this long before it is read (--reload-delay) */

    /* watching: one inotify instance, shared with the followed file */
    int inotify_fd;
    struct agent_watch *watches;
    size_t nwatches, cap_watches;
    bool watch_overflow_reported;

    /* the reload in flight */
    pid_t child;                 /* 0: none */
    int pipe_fd;
    unsigned char *buf;
    size_t len, cap;
    bool too_big;
    long long started_ms;
} agent_policy;

typedef struct agent_watch {
    int wd;
    int role;                    /* AGENT_WATCH_* */
    char *name;                  /* NAME roles: the entry in the watched directory */
} agent_watch;

enum {
    AGENT_WATCH_TREE = 1,        /* a directory of the policy tree: any entry counts */
    AGENT_WATCH_POLICY_NAME,     /* the policy's parent directory: only the policy's own name */
    AGENT_WATCH_FOLLOW_NAME,     /* the followed file's directory: only its name */
};

long long agent_now_ms(void);

/* The learning hook (engine/runtime/decider.h pal_decided_fn): `palisade agent --learn
   DIR` (issue 6) sets it before the agent starts; every decider the agent
   makes, at start and at each reload, calls it for every decoded event with
   its decision.  NULL: none. */
#include "engine/runtime/decider.h"
extern pal_decided_fn agent_decided_hook;
extern void *agent_decided_hook_user;

/* Sets up watching (inotify_fd must be open, or -1 for none).  Returns 0,
   or -1 with err. */
int agent_policy_init(agent_policy *ap, const char *path, const pal_pubkey *trusted, int inotify_fd,
                      char *err, size_t cap);
void agent_policy_free(agent_policy *ap);

/* (Re)adds watches on the policy and, for a directory, every directory
   under it (new ones appear between reloads). */
void agent_policy_watch(agent_policy *ap);
/* Adds a watch for the followed file's directory. */
int agent_watch_follow(agent_policy *ap, const char *path);

/* Drains inotify: sets *policy_changed / *follow_changed when an event
   concerns them. */
void agent_watch_read(agent_policy *ap, bool *policy_changed, bool *follow_changed);

/* Starts a reload child.  Returns 0, or -1 with err (fork failed). */
/* The child's side: the hidden command `palisade __reload-child` (main.c). */
int agent_reload_child(int argc, char **argv);
int agent_reload_start(agent_policy *ap, char *err, size_t cap);
/* The pipe is readable: reads what is there.  Returns 0 while the child
   is still sending, 1 with *out (and *sig) when a new program loaded and
   verified, -1 with err when the reload failed. */
int agent_reload_read(agent_policy *ap, pal_program **out, pal_bundle_sig *sig, char *err, size_t cap);
/* Kills a reload in flight (timeout, shutdown). */
void agent_reload_cancel(agent_policy *ap);
/* Starts a reload and waits for it (the first load). */
int agent_reload_wait(agent_policy *ap, pal_program **out, pal_bundle_sig *sig, char *err, size_t cap);

/* --state FILE (cli/agent_state.c): the correlation state read back for p
   at start (*out NULL when there is none or p has no correlations; the
   event count the members are named by in *events), and written at the
   end (s NULL: none).  0, or -1 with err naming the file, the place and
   what to do. */
#include <stdint.h>
struct pal_seqstate;
struct pal_seq_limits;
/* lim: the caps the partial matches read go in through (--state-max...) */
int agent_state_load(const char *path, const pal_program *p, const struct pal_seq_limits *lim, struct pal_seqstate **out,
                     uint64_t *events, char *err, size_t cap);
int agent_state_save(const char *path, const struct pal_seqstate *s, uint64_t events, char *err, size_t cap);

/* Enforcement (--enforce, cli/agent_enforce.c over engine/enforce/enforcer.h):
   its flags, and the calls the loop makes.  Everything is a no-op without
   --enforce. */
#include <poll.h>
#include "cli/args.h"
#include "engine/base/strbuf.h"
#define AGENT_ENFORCE_MAXFDS (8u + 3u * 1024u)
bool agent_enforce_arg(cli_args *A);              /* consumed one of its flags */
int agent_enforce_start(const pal_program *p, char *err, size_t cap);
bool agent_enforce_on(void);
size_t agent_enforce_pollfds(struct pollfd *fds, size_t cap);
void agent_enforce_handle(const struct pollfd *fds, size_t n, pal_strbuf *stream);
void agent_enforce_reload(const pal_program *p);  /* before the old program is freed */
void agent_enforce_stop(pal_strbuf *stream);
void agent_enforce_usage(FILE *f);

#endif

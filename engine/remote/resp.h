/*
 * resp.h — a Redis connection for a poll() loop: the address (a
 * redis:// URL), a non-blocking socket (TCP, unix, or TLS over TCP), and
 * the RESP protocol through hiredis.
 *
 * Why not hiredis's own connection: its synchronous API blocks, and its
 * asynchronous one wants an event library; the agent has one poll() loop
 * and every descriptor is in it (cli/cmd_agent.c).  So hiredis does what
 * it is good at — formatting commands (redisFormatCommandArgv) and
 * parsing replies (redisReader) — and this file owns the socket: commands
 * are appended to an output buffer and written when the socket is
 * writable, replies are read when it is readable and handed back in the
 * order the commands were sent, each with the tag its command was given.
 * TLS (rediss://) is OpenSSL over the same socket (hiredis 0.14, the
 * Debian one, has none), non-blocking too.
 *
 * Bounds: a reply is at most PAL_RESP_MAX_REPLY bytes (a server that
 * sends more is dropped, as a connection error), and what the caller
 * queues is its own to bound (pal_resp_unsent, pal_resp_waiting).
 *
 * A connection that fails — refused, reset, a protocol error, an error
 * reply to AUTH — is closed and says why (pal_resp_error); the caller
 * reconnects when it likes.  AUTH and SELECT are sent first on every
 * connection, before anything the caller queues.
 */
#ifndef PAL_REMOTE_RESP_H
#define PAL_REMOTE_RESP_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include "engine/base/strbuf.h"

#define PAL_RESP_MAX_REPLY (64u << 20)

/* redis://[[USER]:PASSWORD@]HOST[:PORT][/STREAM][?k=v&...]
   rediss://...                                  the same over TLS
   unix:PATH[?stream=STREAM&k=v...]  (or unix://PATH)  a unix socket
   Parameters: group, consumer, start (0 or $), maxlen, field, db,
   password, user, tls-ca, tls-cert, tls-key, tls-insecure (1: no
   certificate check, for tests), sni.  Percent-escapes are decoded. */
typedef struct pal_redis_url {
    char host[256];
    int port;                    /* 6379 */
    char unix_path[108];         /* non-empty: a unix socket */
    bool tls;
    char user[128], password[512];
    int db;                      /* -1: no SELECT */
    char stream[512];            /* the stream's key */
    char group[256], consumer[256];
    char start[8];               /* where a new group starts: "$" (new entries, default) or "0" (all) */
    long long maxlen;            /* output: XADD MAXLEN ~ N (0: no trimming) */
    char field[64];              /* the entry field that holds the event / the decision (default "event" / "decision") */
    char tls_ca[512], tls_cert[512], tls_key[512], sni[256];
    bool tls_insecure;
    bool has_group;              /* ?group= was given */
} pal_redis_url;

/* Returns 0, or -1 with err saying what is wrong and how it is written. */
int pal_redis_url_parse(const char *url, pal_redis_url *u, char *err, size_t cap);
/* The same server and database (one connection can do both). */
bool pal_redis_same_server(const pal_redis_url *a, const pal_redis_url *b);
/* HOST:PORT or the socket path, for messages (never the password). */
void pal_redis_url_where(const pal_redis_url *u, char *out, size_t cap);

typedef struct pal_resp pal_resp;

/* RESOLVING: the host's name is being looked up on a thread of its own
   (pal_resp_fd is then an eventfd that is readable when the answer came).
   At most one lookup per connection is out: a connect after a close whose
   lookup had not answered waits for that one (resp.c). */
enum { PAL_RESP_DOWN = 0, PAL_RESP_RESOLVING, PAL_RESP_CONNECTING, PAL_RESP_HANDSHAKE, PAL_RESP_UP };

/* The lookup a host name gets (getaddrinfo's signature; NULL: getaddrinfo
   itself): for tests, which hold it to show the loop goes on meanwhile.
   Set it before any connection; it runs on the lookup's thread. */
struct addrinfo;
typedef int (*pal_resolve_fn)(const char *host, const char *service, const struct addrinfo *hints,
                              struct addrinfo **res);
void pal_resp_set_resolver(pal_resolve_fn fn);

/* A new connection (not yet connected).  NULL when out of memory. */
pal_resp *pal_resp_new(const pal_redis_url *u);
void pal_resp_free(pal_resp *c);
/* Starts connecting (non-blocking, a host name looked up on a thread);
   AUTH and SELECT are queued first.
   Returns 0, or -1 (pal_resp_error says why; the connection is DOWN). */
int pal_resp_connect(pal_resp *c);
void pal_resp_close(pal_resp *c, const char *why);
int pal_resp_state(const pal_resp *c);
const char *pal_resp_error(const pal_resp *c);

/* Queues a command; its reply comes back with tag.  Returns 0, or -1 when
   out of memory (the connection is closed). */
int pal_resp_command(pal_resp *c, int tag, int argc, const char **argv, const size_t *lens);
/* The same, argv as C strings. */
int pal_resp_commandv(pal_resp *c, int tag, int argc, const char **argv);

/* The descriptor and events to poll for (fd < 0: nothing). */
int pal_resp_fd(const pal_resp *c);
short pal_resp_events(const pal_resp *c);
/* The descriptor was ready: writes what is queued, reads what came.
   Returns 0, or -1 when the connection failed (now DOWN). */
int pal_resp_io(pal_resp *c, short revents);
/* The next reply, in command order: 1 with *reply (a redisReply, the
   caller frees it with pal_resp_reply_free) and *tag, 0 when none is
   complete.  Replies to the AUTH/SELECT this file sent are taken here. */
int pal_resp_next(pal_resp *c, void **reply, int *tag);
void pal_resp_reply_free(void *reply);
/* Bytes queued and not yet written; replies still to come. */
size_t pal_resp_unsent(const pal_resp *c);
size_t pal_resp_waiting(const pal_resp *c);

#endif

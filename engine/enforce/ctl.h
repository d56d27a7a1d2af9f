/*
 * ctl.h — the agent's control socket: how `palisade hook` (and anything
 * else that starts containers) tells the agent about them.
 *
 * One request per line, one JSON object; one reply line per request, in
 * order.  The agent replies only when the container's enforcement is in
 * place (exec marks, nftables table, DNS forwarder), so a createRuntime
 * hook that waits for the reply holds the container's start until then.
 *
 *   {"op":"register","id":ID,"pid":N,"rootfs":PATH,"image":NAME,
 *    "bundle":PATH,"netns":PATH,"cgroup":PATH}       (image .. cgroup optional)
 *   {"op":"unregister","id":ID}
 *   {"op":"ping"}
 *   reply: {"ok":true} | {"ok":false,"error":"..."}
 *
 * Requests come from whoever may connect to the socket (it is created
 * 0600, root's): still parsed as hostile input — a line of at most
 * PAL_CTL_MAX_LINE bytes, the strict JSON reader, ids checked as runc
 * checks them, paths absolute.
 */
#ifndef PAL_ENFORCE_CTL_H
#define PAL_ENFORCE_CTL_H

#include <stddef.h>
#include "engine/base/strbuf.h"
#include "engine/enforce/oci.h"

#define PAL_CTL_MAX_LINE 65536u

enum pal_ctl_op { PAL_CTL_REGISTER = 1, PAL_CTL_UNREGISTER, PAL_CTL_PING };

typedef struct pal_ctl_request {
    int op;
    pal_oci_container c;   /* register: everything; unregister: id */
} pal_ctl_request;

/* Parses one request line (without its newline).  Returns 0, or -1 with err. */
int pal_ctl_parse(const char *line, size_t len, pal_ctl_request *rq, char *err, size_t cap);

/* Appends the request line (with its newline) for rq. */
int pal_ctl_format(pal_strbuf *out, const pal_ctl_request *rq);

/* Appends a reply line: ok, or an error naming why. */
int pal_ctl_reply(pal_strbuf *out, const char *error);

/* Parses a reply line: 0 ok, 1 an error (its text in err), -1 not a reply. */
int pal_ctl_parse_reply(const char *line, size_t len, char *err, size_t cap);

/* Client: connects to the socket at path, sends rq, waits for the reply,
   all within timeout_ms.  Returns 0 ok, 1 the agent refused (err says
   why), -1 no answer in time or no agent (err says which). */
int pal_ctl_call(const char *path, const pal_ctl_request *rq, int timeout_ms, char *err, size_t cap);

#endif

/*
 * ctl.c — the control protocol (design in ctl.h): parsing and writing its
 * lines, and the client side the hook uses.
 */
#include "engine/enforce/ctl.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include "engine/base/err.h"
#include "engine/base/json.h"
#include "engine/enforce/jsonw.h"

static int str_member(pal_json *j, const char *name, char *out, size_t cap, char *err, size_t ecap)
{
    pal_json_str s;
    if (!pal_json_string(j, &s)) return pal_set_err(err, ecap, "control request: \"%s\" is not a string", name);
    /* the limit is on the string, not on its escaped spelling: unescape first */
    char *tmp = malloc(s.len + 1);
    if (!tmp) return pal_set_err(err, ecap, "out of memory");
    size_t n = pal_json_unescape(&s, tmp);
    if (n >= cap) { free(tmp); return pal_set_err(err, ecap, "control request: \"%s\" is longer than %zu bytes", name, cap - 1); }
    memcpy(out, tmp, n);
    free(tmp);
    out[n] = 0;
    if (memchr(out, 0, n)) return pal_set_err(err, ecap, "control request: \"%s\" holds a NUL character", name);
    return 0;
}

int pal_ctl_parse(const char *line, size_t len, pal_ctl_request *rq, char *err, size_t cap)
{
    memset(rq, 0, sizeof *rq);
    if (len > PAL_CTL_MAX_LINE) return pal_set_err(err, cap, "control request: longer than %u bytes", PAL_CTL_MAX_LINE);
    pal_json j;
    pal_json_opts o = {.max_depth = 4, .max_string = PAL_OCI_MAX_PATH * 6 + 16};   /* \u00XX is 6 bytes */
    pal_json_init(&j, line, len, &o);
    if (pal_json_peek(&j) != PAL_JSON_OBJECT || !pal_json_enter(&j)) {
        size_t at = 0;
        if (pal_json_peek(&j) == PAL_JSON_NONE) pal_json_end(&j);
        pal_json_err e = pal_json_error(&j, &at);
        if (e) return pal_set_err(err, cap, "control request: not valid JSON at byte %zu: %s", at, pal_json_strerror(e));
        if (pal_json_peek(&j) == PAL_JSON_NONE) return pal_set_err(err, cap, "control request: not valid JSON (one object per line)");
        return pal_set_err(err, cap, "control request: not a JSON object");
    }
    char op[32] = "";
    bool have_pid = false;
    pal_json_str key;
    pal_oci_container *c = &rq->c;
    while (pal_json_next(&j, &key)) {
        int rc = 0;
        if (pal_json_str_is(&key, "op")) rc = str_member(&j, "op", op, sizeof op, err, cap);
        else if (pal_json_str_is(&key, "id")) rc = str_member(&j, "id", c->id, sizeof c->id, err, cap);
        else if (pal_json_str_is(&key, "rootfs")) rc = str_member(&j, "rootfs", c->rootfs, sizeof c->rootfs, err, cap);
        else if (pal_json_str_is(&key, "image")) rc = str_member(&j, "image", c->image, sizeof c->image, err, cap);
        else if (pal_json_str_is(&key, "bundle")) rc = str_member(&j, "bundle", c->bundle, sizeof c->bundle, err, cap);
        else if (pal_json_str_is(&key, "netns")) rc = str_member(&j, "netns", c->netns, sizeof c->netns, err, cap);
        else if (pal_json_str_is(&key, "cgroup")) rc = str_member(&j, "cgroup", c->cgroup, sizeof c->cgroup, err, cap);
        else if (pal_json_str_is(&key, "pid")) {
            pal_json_num n;
            int64_t v;
            if (!pal_json_number(&j, &n) || !pal_json_num_int64(&n, &v) || v <= 0 || v > INT32_MAX)
                return pal_set_err(err, cap, "control request: \"pid\" is not a process id");
            c->pid = (pid_t)v;
            have_pid = true;
        } else if (!pal_json_skip(&j)) break;
        if (rc) return -1;
    }
    if (!pal_json_end(&j)) {
        size_t at = 0;
        pal_json_err e = pal_json_error(&j, &at);
        return pal_set_err(err, cap, "control request: not valid JSON at byte %zu: %s", at, pal_json_strerror(e));
    }
    if (!strcmp(op, "ping")) { rq->op = PAL_CTL_PING; return 0; }
    if (!strcmp(op, "register")) rq->op = PAL_CTL_REGISTER;
    else if (!strcmp(op, "unregister")) rq->op = PAL_CTL_UNREGISTER;
    else if (!op[0]) return pal_set_err(err, cap, "control request: no \"op\" (register, unregister or ping)");
    else return pal_set_err(err, cap, "control request: unknown op '%.32s' (register, unregister or ping)", op);
    if (!pal_oci_id_ok(c->id, strlen(c->id)))
        return pal_set_err(err, cap, "control request: \"id\" is missing or not a container id (letters, digits and _+-.)");
    if (rq->op == PAL_CTL_UNREGISTER) return 0;
    if (!have_pid) return pal_set_err(err, cap, "control request: register '%s' without a \"pid\"", c->id);
    if (c->rootfs[0] != '/') return pal_set_err(err, cap, "control request: register '%s' without an absolute \"rootfs\"", c->id);
    if (c->netns[0] && c->netns[0] != '/') return pal_set_err(err, cap, "control request: \"netns\" is not an absolute path");
    if (c->bundle[0] && c->bundle[0] != '/') return pal_set_err(err, cap, "control request: \"bundle\" is not an absolute path");
    return 0;
}

int pal_ctl_format(pal_strbuf *out, const pal_ctl_request *rq)
{
    const pal_oci_container *c = &rq->c;
    int first = 1;
    pal_strbuf_putc(out, '{');
    pal_jsonw_key(out, "op", &first);
    const char *op = rq->op == PAL_CTL_REGISTER ? "register" : rq->op == PAL_CTL_UNREGISTER ? "unregister" : "ping";
    pal_jsonw_str(out, op, strlen(op));
    if (rq->op != PAL_CTL_PING) {
        pal_jsonw_key(out, "id", &first);
        pal_jsonw_str(out, c->id, strlen(c->id));
    }
    if (rq->op == PAL_CTL_REGISTER) {
        char tmp[24];
        snprintf(tmp, sizeof tmp, "%ld", (long)c->pid);
        pal_jsonw_key(out, "pid", &first);
        pal_strbuf_puts(out, tmp);
        const struct { const char *k; const char *v; } m[] = {
            {"rootfs", c->rootfs}, {"image", c->image}, {"bundle", c->bundle}, {"netns", c->netns}, {"cgroup", c->cgroup}};
        for (size_t i = 0; i < sizeof m / sizeof m[0]; i++) {
            if (!m[i].v[0]) continue;
            pal_jsonw_key(out, m[i].k, &first);
            pal_jsonw_str(out, m[i].v, strlen(m[i].v));
        }
    }
    pal_strbuf_append(out, "}\n", 2);
    return out->failed ? -1 : 0;
}

int pal_ctl_reply(pal_strbuf *out, const char *error)
{
    if (!error) return pal_strbuf_puts(out, "{\"ok\":true}\n");
    pal_strbuf_puts(out, "{\"ok\":false,\"error\":");
    pal_jsonw_str(out, error, strlen(error));
    pal_strbuf_append(out, "}\n", 2);
    return out->failed ? -1 : 0;
}

int pal_ctl_parse_reply(const char *line, size_t len, char *err, size_t cap)
{
    pal_json j;
    pal_json_opts o = {.max_depth = 2, .max_string = 4096};
    pal_json_init(&j, line, len, &o);
    /* an object: in an array pal_json_next gives no key */
    if (pal_json_peek(&j) != PAL_JSON_OBJECT || !pal_json_enter(&j)) return -1;
    int ok = -1;
    char msg[1024] = "";
    pal_json_str key = {0};
    while (pal_json_next(&j, &key)) {
        bool b;
        pal_json_str s;
        if (pal_json_str_is(&key, "ok") && pal_json_bool(&j, &b)) ok = b;
        else if (pal_json_str_is(&key, "error") && pal_json_string(&j, &s)) {
            if (s.len < sizeof msg) { size_t n = pal_json_unescape(&s, msg); msg[n] = 0; }
        } else if (!pal_json_skip(&j)) break;
    }
    if (!pal_json_end(&j) || ok < 0) return -1;
    if (ok) return 0;
    pal_set_err(err, cap, "%s", msg[0] ? msg : "the agent refused the request");
    return 1;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int pal_ctl_call(const char *path, const pal_ctl_request *rq, int timeout_ms, char *err, size_t cap)
{
    long long deadline = now_ms() + timeout_ms;
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof sa.sun_path) return pal_set_err(err, cap, "control socket path '%s' is too long", path), -1;
    strcpy(sa.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) return pal_set_err(err, cap, "socket: %s", strerror(errno)), -1;
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0 && errno != EINPROGRESS) {
        int e = errno;
        close(fd);
        return pal_set_err(err, cap, "no agent at %s: %s", path, strerror(e)), -1;
    }
    char buf[PAL_CTL_MAX_LINE];
    pal_strbuf req;
    pal_strbuf_init(&req, PAL_CTL_MAX_LINE);
    pal_ctl_format(&req, rq);
    size_t sent = 0, got = 0;
    int rc = -1;
    for (;;) {
        long long left = deadline - now_ms();
        if (left <= 0) { pal_set_err(err, cap, "the agent at %s did not answer within %d ms", path, timeout_ms); break; }
        struct pollfd p = {fd, (short)(sent < req.len ? POLLOUT : POLLIN), 0};
        int n = poll(&p, 1, (int)left);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) continue;
        if (sent < req.len) {
            ssize_t w = send(fd, req.s + sent, req.len - sent, MSG_NOSIGNAL);
            if (w < 0 && (errno == EAGAIN || errno == EINTR)) continue;
            if (w < 0) { pal_set_err(err, cap, "sending to the agent at %s: %s", path, strerror(errno)); break; }
            sent += (size_t)w;
            continue;
        }
        ssize_t r = read(fd, buf + got, sizeof buf - 1 - got);
        if (r < 0 && (errno == EAGAIN || errno == EINTR)) continue;
        if (r <= 0) { pal_set_err(err, cap, "the agent at %s closed the connection without an answer", path); break; }
        got += (size_t)r;
        char *nl = memchr(buf, '\n', got);
        if (nl) {
            rc = pal_ctl_parse_reply(buf, (size_t)(nl - buf), err, cap);
            if (rc < 0) pal_set_err(err, cap, "the agent at %s sent something that is not a reply", path);
            break;
        }
        if (got == sizeof buf - 1) { pal_set_err(err, cap, "the agent's reply is too long"); break; }
    }
    pal_strbuf_free(&req);
    close(fd);
    return rc;
}

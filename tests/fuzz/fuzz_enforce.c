/*
 * fuzz_enforce.c — libFuzzer target for every parser of engine/enforce/
 * that reads what a container, a runtime or a client wrote: the OCI state
 * a hook reads on standard input, a bundle's config.json, runc's
 * state.json, control socket requests and replies, DNS queries and
 * answers (with the REFUSED reply built from them), NFLOG datagrams and
 * the packets in them, and mountinfo text.  The first byte picks the
 * parser; the rest is its input.  Properties checked beyond "no crash, no
 * read past the end": a parsed query's name is at most 255 bytes of the
 * host-name alphabet and its reply is a response with the same id and
 * question; a parsed control request formats back into a line that parses
 * to the same request.
 *
 * Build: `make fuzz`; or without libFuzzer, as a replayer of files.
 */
#include "tests/fuzz/replay.h"

#include <stdlib.h>
#include <string.h>

#include "engine/enforce/ctl.h"
#include "engine/enforce/dns.h"
#include "engine/enforce/mounts.h"
#include "engine/enforce/nflog.h"
#include "engine/enforce/oci.h"

static void on_pkt(void *user, const pal_nflog_pkt *p)
{
    (void)user;
    if (strlen(p->prefix) >= sizeof p->prefix) abort();
}

static void dns(const unsigned char *d, size_t n)
{
    pal_dns_question q;
    char err[256];
    if (pal_dns_parse_query(d, n, &q, err, sizeof err) == 0) {
        size_t len = strlen(q.name);
        if (len > PAL_DNS_MAX_NAME) abort();
        for (size_t i = 0; i < len; i++) {
            char c = q.name[i];
            if (!(c == '.' || c == '-' || c == '_' || c == '*' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
                  (c >= 'A' && c <= 'Z')))
                abort();
        }
        unsigned char r[PAL_DNS_MAX_MSG + 16];
        size_t rl = pal_dns_reply(d, n, &q, PAL_DNS_REFUSED, r, sizeof r);
        if (rl < 12 || !(r[2] & 0x80) || r[0] != d[0] || r[1] != d[1]) abort();
        pal_dns_question back;
        if (rl > 12 && (pal_dns_parse_answer(r, rl, &back) != 0 || strcmp(back.name, q.name) || back.qtype != q.qtype)) abort();
    }
    pal_dns_parse_answer(d, n, &q);
}

static void ctl(const char *s, size_t n)
{
    pal_ctl_request rq, again;
    char err[512];
    if (pal_ctl_parse(s, n, &rq, err, sizeof err) == 0) {
        pal_strbuf b;
        pal_strbuf_init(&b, 1u << 20);
        if (pal_ctl_format(&b, &rq) != 0 || pal_ctl_parse(b.s, b.len - 1, &again, err, sizeof err) != 0 ||
            again.op != rq.op || strcmp(again.c.id, rq.c.id) || (rq.op == PAL_CTL_REGISTER &&
            (again.c.pid != rq.c.pid || strcmp(again.c.rootfs, rq.c.rootfs) || strcmp(again.c.image, rq.c.image))))
            abort();
        pal_strbuf_free(&b);
    }
    pal_ctl_parse_reply(s, n, err, sizeof err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > (1u << 20)) return 0;
    const unsigned char *d = data + 1;
    size_t n = size - 1;
    /* the text parsers get a NUL-terminated copy only where they want one */
    char *s = malloc(n + 1);
    if (!s) return 0;
    memcpy(s, d, n);
    s[n] = 0;
    pal_oci_container c;
    char err[512];
    switch (data[0] % 7) {
    case 0: pal_oci_state_parse(s, n, &c, err, sizeof err); break;
    case 1: memset(&c, 0, sizeof c); strcpy(c.bundle, "/b"); pal_oci_config_parse(s, n, &c, err, sizeof err); break;
    case 2: pal_oci_runc_state_parse(s, n, &c, err, sizeof err); break;
    case 3: ctl(s, n); break;
    case 4: dns(d, n); break;
    case 5: pal_nflog_parse(d, n, on_pkt, NULL); break;
    case 6: {
        pal_mount *ms = malloc(sizeof *ms * 8);
        if (ms) {
            pal_mounts_select(s, n, "/b/rootfs", ms, 8);
            pal_mounts_has_id(s, n, 40);
        }
        free(ms);
        break;
    }
    }
    free(s);
    return 0;
}

/*
 * test_enforce.c — the parsers and generators below `agent --enforce`
 * (engine/enforce/): OCI state and config, runc state, the control
 * protocol, DNS queries and replies, NFLOG messages, mountinfo selection,
 * JSON strings from arbitrary bytes, the compiler's network table and the
 * nftables text made from it.  The kernel side is tests/e2e/enforce.sh.
 */
#include "tests/unit/unit.h"

#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_log.h>
#include <linux/netlink.h>
#include <stdlib.h>
#include <string.h>

#include "engine/base/json.h"
#include "engine/enforce/ctl.h"
#include "engine/enforce/dns.h"
#include "engine/enforce/jsonw.h"
#include "engine/enforce/mounts.h"
#include "engine/enforce/nflog.h"
#include "engine/enforce/nft.h"
#include "engine/enforce/oci.h"
#include "engine/vm/bundle.h"
#include "engine/vm/verify.h"
#include "engine/vm/vm.h"
#include "lang/compile/palc.h"

static void test_oci_state(void)
{
    pal_oci_container c;
    char err[512];
    const char *s = "{\"ociVersion\":\"1.0.2\",\"id\":\"web-1\",\"status\":\"creating\",\"pid\":4242,"
                    "\"bundle\":\"/run/b\",\"annotations\":{\"io.kubernetes.cri.image-name\":\"cri:1\","
                    "\"org.opencontainers.image.ref.name\":\"oci:2\"}}";
    CHECK_INT(pal_oci_state_parse(s, strlen(s), &c, err, sizeof err), 0);
    CHECK_STR(c.id, "web-1");
    CHECK_INT(c.pid, 4242);
    CHECK_STR(c.bundle, "/run/b");
    CHECK_STR(c.image, "oci:2");   /* the OCI annotation wins whatever the order */
    const struct { const char *text, *err; } bad[] = {
        {"{\"status\":\"running\",\"pid\":1}", "OCI state: no \"id\""},
        {"{\"id\":\"../x\",\"pid\":1}", "OCI state: id '../x' is not a container id (letters, digits and _+-. only)"},
        {"{\"id\":\"a\",\"status\":\"running\"}", "OCI state: container 'a' (running) has no \"pid\""},
        {"{\"id\":\"a\",\"pid\":-4}", "OCI state: \"pid\" is out of range"},
        {"{\"id\":\"a\",\"pid\":1,\"bundle\":\"rel\"}", "OCI state: bundle 'rel' is not an absolute path"},
        {"[1]", "OCI state: not a JSON object (a runtime hook reads the container's state on standard input)"},
        {"{\"id\":\"a\\u0000b\",\"pid\":1}", "OCI state: \"id\" holds a NUL character"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_INT(pal_oci_state_parse(bad[i].text, strlen(bad[i].text), &c, err, sizeof err), -1);
        CHECK_STR(err, bad[i].err);
    }
    CHECK_INT(pal_oci_state_parse("{\"id\":\"a\",\"pid\":1", 18, &c, err, sizeof err), -1);
    CHECK(strstr(err, "not valid JSON") != NULL);
    /* a stopped container needs no pid (poststop) */
    CHECK_INT(pal_oci_state_parse("{\"id\":\"a\",\"status\":\"stopped\"}", 29, &c, err, sizeof err), 0);
}

static void test_oci_config(void)
{
    pal_oci_container c;
    memset(&c, 0, sizeof c);
    strcpy(c.bundle, "/b");
    char err[512];
    const char *s = "{\"root\":{\"path\":\"rootfs\"},\"linux\":{\"cgroupsPath\":\"/x\",\"namespaces\":"
                    "[{\"type\":\"pid\"},{\"type\":\"network\",\"path\":\"/var/run/netns/n\"}]},"
                    "\"annotations\":{\"nerdctl/image\":\"n:1\"}}";
    CHECK_INT(pal_oci_config_parse(s, strlen(s), &c, err, sizeof err), 0);
    CHECK_STR(c.rootfs, "/b/rootfs");
    CHECK_STR(c.netns, "/var/run/netns/n");
    CHECK(c.own_netns);
    CHECK_STR(c.cgroup, "/x");
    CHECK_STR(c.image, "n:1");
    CHECK_INT(pal_oci_config_parse("{}", 2, &c, err, sizeof err), -1);
    CHECK_STR(err, "config.json: no \"root\": {\"path\"}");

    const char *r = "{\"id\":\"c1\",\"init_process_pid\":77,\"config\":{\"rootfs\":\"/b/rootfs\","
                    "\"labels\":[\"bundle=/b\"],\"namespaces\":[{\"type\":\"NEWNET\",\"path\":\"/n\"}]}}";
    CHECK_INT(pal_oci_runc_state_parse(r, strlen(r), &c, err, sizeof err), 0);
    CHECK_STR(c.id, "c1");
    CHECK_INT(c.pid, 77);
    CHECK_STR(c.bundle, "/b");
    CHECK_STR(c.netns, "/n");
    CHECK_INT(pal_oci_runc_state_parse("{\"id\":\"c1\"}", 11, &c, err, sizeof err), -1);
    CHECK_STR(err, "runc state: container 'c1' has no \"init_process_pid\"");
}

static void test_ctl(void)
{
    pal_ctl_request rq, back;
    char err[512];
    memset(&rq, 0, sizeof rq);
    rq.op = PAL_CTL_REGISTER;
    strcpy(rq.c.id, "c1");
    rq.c.pid = 9;
    strcpy(rq.c.rootfs, "/r \"q\"\n");
    strcpy(rq.c.image, "img:1");
    pal_strbuf b;
    pal_strbuf_init(&b, 1 << 20);
    CHECK_INT(pal_ctl_format(&b, &rq), 0);
    CHECK(b.len > 0 && b.s[b.len - 1] == '\n');
    CHECK_INT(pal_ctl_parse(b.s, b.len - 1, &back, err, sizeof err), 0);
    CHECK_INT(back.op, PAL_CTL_REGISTER);
    CHECK_STR(back.c.rootfs, "/r \"q\"\n");
    CHECK_STR(back.c.image, "img:1");
    CHECK_INT(back.c.pid, 9);
    /* a path of control characters near the limit round-trips: the limit is on the
       string, not its escaped form (fuzz_enforce found the difference) */
    memset(rq.c.rootfs, 0x01, PAL_OCI_MAX_PATH - 1);
    rq.c.rootfs[0] = '/';
    rq.c.rootfs[PAL_OCI_MAX_PATH - 1] = 0;
    pal_strbuf_clear(&b);
    CHECK_INT(pal_ctl_format(&b, &rq), 0);
    CHECK_INT(pal_ctl_parse(b.s, b.len - 1, &back, err, sizeof err), 0);
    CHECK_INT(strlen(back.c.rootfs), PAL_OCI_MAX_PATH - 1);
    const struct { const char *text, *err; } bad[] = {
        {"{\"op\":\"launch\",\"id\":\"a\"}", "control request: unknown op 'launch' (register, unregister or ping)"},
        {"{\"id\":\"a\"}", "control request: no \"op\" (register, unregister or ping)"},
        {"{\"op\":\"register\",\"id\":\"a\",\"rootfs\":\"/r\"}", "control request: register 'a' without a \"pid\""},
        {"{\"op\":\"register\",\"id\":\"a\",\"pid\":3,\"rootfs\":\"r\"}", "control request: register 'a' without an absolute \"rootfs\""},
        {"{\"op\":\"register\",\"id\":\"a b\",\"pid\":3}", "control request: \"id\" is missing or not a container id (letters, digits and _+-.)"},
        {"{\"op\":\"register\",\"id\":\"a\",\"pid\":0,\"rootfs\":\"/r\"}", "control request: \"pid\" is not a process id"},
        {"{\"op\":", "control request: \"op\" is not a string"},
        {"{\"op\":\"ping\"} x", NULL},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_INT(pal_ctl_parse(bad[i].text, strlen(bad[i].text), &back, err, sizeof err), -1);
        if (bad[i].err) CHECK_STR(err, bad[i].err);
        else CHECK(strstr(err, "not valid JSON") != NULL);
    }
    CHECK_INT(pal_ctl_parse("{\"op\":\"ping\"}", 13, &back, err, sizeof err), 0);
    pal_strbuf_clear(&b);
    pal_ctl_reply(&b, "no \"way\"");
    CHECK_INT(pal_ctl_parse_reply(b.s, b.len - 1, err, sizeof err), 1);
    CHECK_STR(err, "no \"way\"");
    pal_strbuf_clear(&b);
    pal_ctl_reply(&b, NULL);
    CHECK_INT(pal_ctl_parse_reply(b.s, b.len - 1, err, sizeof err), 0);
    CHECK_INT(pal_ctl_parse_reply("{\"x\":1}", 7, err, sizeof err), -1);
    /* an array is no reply (its members have no keys: fuzz_enforce found the stale key) */
    CHECK_INT(pal_ctl_parse_reply("[\"ok\",true]", 11, err, sizeof err), -1);
    /* no agent: an answer in bounded time */
    CHECK_INT(pal_ctl_call("/nonexistent/palisade.sock", &rq, 200, err, sizeof err), -1);
    CHECK(strstr(err, "no agent at /nonexistent/palisade.sock") != NULL);
    pal_strbuf_free(&b);
}

/* A query for name (dotted), type A, id 0x1234. */
static size_t make_query(unsigned char *m, const char *name)
{
    memset(m, 0, 12);
    m[0] = 0x12; m[1] = 0x34; m[2] = 0x01; m[5] = 1;
    size_t p = 12;
    const char *s = name;
    while (*s) {
        const char *dot = strchr(s, '.');
        size_t n = dot ? (size_t)(dot - s) : strlen(s);
        m[p++] = (unsigned char)n;
        memcpy(m + p, s, n);
        p += n;
        s += n + (dot ? 1 : 0);
    }
    m[p++] = 0;
    m[p++] = 0; m[p++] = 1; m[p++] = 0; m[p++] = 1;
    return p;
}

static void test_dns(void)
{
    unsigned char m[600], r[600];
    pal_dns_question q;
    char err[256];
    size_t n = make_query(m, "www.Example.test");
    CHECK_INT(pal_dns_parse_query(m, n, &q, err, sizeof err), 0);
    CHECK_STR(q.name, "www.Example.test");
    CHECK_INT(q.qtype, 1);
    CHECK_INT(q.id, 0x1234);
    size_t rl = pal_dns_reply(m, n, &q, PAL_DNS_REFUSED, r, sizeof r);
    CHECK_INT(rl, n);
    CHECK_INT(r[3] & 0xf, PAL_DNS_REFUSED);
    CHECK(r[2] & 0x80);               /* a response */
    CHECK(r[2] & 0x01);               /* RD kept */
    CHECK(memcmp(r + 12, m + 12, n - 12) == 0);
    pal_dns_question a;
    CHECK_INT(pal_dns_parse_answer(r, rl, &a), 0);
    CHECK(pal_dns_name_eq(a.name, "WWW.example.TEST"));
    CHECK_INT(pal_dns_parse_answer(m, n, &a), -1);   /* a query is no answer */

    /* hostile names */
    unsigned char loop[32] = {0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1};
    CHECK_INT(pal_dns_parse_query(loop, 18, &q, err, sizeof err), PAL_DNS_FORMERR);
    CHECK_STR(err, "a compression pointer points forward (or at itself)");
    unsigned char dotted[64];
    n = make_query(dotted, "evil.example.test");
    dotted[12 + 5] = '.';   /* "evil" + "." as one label byte: reads like an allowed suffix */
    dotted[12] = 12;        /* label "evil.example" */
    memcpy(dotted + 13, "evil.example", 12);
    dotted[25] = 4;
    memcpy(dotted + 26, "test", 4);
    dotted[30] = 0;
    CHECK_INT(pal_dns_parse_query(dotted, 35, &q, err, sizeof err), PAL_DNS_FORMERR);
    CHECK_STR(err, "label byte 0x2e is not a host-name character");
    char longname[400] = "";
    for (int i = 0; i < 5; i++) strcat(longname, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.");
    strcat(longname, "x");
    n = make_query(m, longname);
    CHECK_INT(pal_dns_parse_query(m, n, &q, err, sizeof err), PAL_DNS_FORMERR);
    CHECK_STR(err, "the name is longer than 255 bytes");
    n = make_query(m, "a.b");
    CHECK_INT(pal_dns_parse_query(m, n - 3, &q, err, sizeof err), PAL_DNS_FORMERR);
    CHECK_INT(pal_dns_parse_query(m, 5, &q, err, sizeof err), -1);
    m[2] |= 0x80;
    CHECK_INT(pal_dns_parse_query(m, n, &q, err, sizeof err), -1);
    m[2] = 0x01 | (2 << 3);   /* opcode 2 (STATUS) */
    CHECK_INT(pal_dns_parse_query(m, n, &q, err, sizeof err), PAL_DNS_NOTIMP);
    /* every truncation of a good query parses or fails cleanly */
    n = make_query(m, "a.example.test");
    for (size_t k = 0; k < n; k++) CHECK(pal_dns_parse_query(m, k, &q, err, sizeof err) != 0);
}

static void collect_pkt(void *user, const pal_nflog_pkt *p) { *(pal_nflog_pkt *)user = *p; }

static void test_nflog(void)
{
    unsigned char b[256];
    memset(b, 0, sizeof b);
    struct nlmsghdr *h = (struct nlmsghdr *)b;
    h->nlmsg_type = (NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_PACKET;
    size_t off = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct nfgenmsg));
    struct nlattr *a = (struct nlattr *)(b + off);
    a->nla_type = NFULA_PREFIX;
    a->nla_len = NLA_HDRLEN + 11;
    memcpy(b + off + NLA_HDRLEN, "palisade o", 11);
    off += NLA_ALIGN(a->nla_len);
    a = (struct nlattr *)(b + off);
    a->nla_type = NFULA_PAYLOAD;
    a->nla_len = NLA_HDRLEN + 24;
    unsigned char *ip = b + off + NLA_HDRLEN;
    ip[0] = 0x45; ip[9] = 6;
    ip[12] = 10; ip[13] = 0; ip[14] = 0; ip[15] = 1;
    ip[16] = 10; ip[17] = 0; ip[18] = 0; ip[19] = 3;
    ip[20] = 0x9c; ip[21] = 0x40; ip[22] = 0x1f; ip[23] = 0x90;
    off += NLA_ALIGN(a->nla_len);
    h->nlmsg_len = (uint32_t)off;
    pal_nflog_pkt p;
    memset(&p, 0, sizeof p);
    CHECK_INT(pal_nflog_parse(b, off, collect_pkt, &p), 1);
    CHECK_STR(p.prefix, "palisade o");
    CHECK_INT(p.proto, 6);
    CHECK_INT(p.dport, 8080);
    CHECK_INT(p.sport, 40000);
    CHECK_INT(p.dst[3], 3);
    CHECK(!p.v6 && p.have_ports);
    /* an attribute longer than its message, a message longer than the datagram */
    a->nla_len = 200;
    CHECK_INT(pal_nflog_parse(b, off, collect_pkt, &p), -1);
    h->nlmsg_len = 1000;
    CHECK_INT(pal_nflog_parse(b, off, collect_pkt, &p), -1);
    /* IP headers that lie about their length */
    unsigned char v4[20] = {0x4f};
    CHECK_INT(pal_nflog_parse_ip(v4, 20, &p), -1);
    unsigned char v6[48] = {0x60};
    v6[6] = 0;   /* hop-by-hop options past the end */
    v6[41] = 200;
    CHECK_INT(pal_nflog_parse_ip(v6, 48, &p), -1);
}

static void test_mounts(void)
{
    const char *pre =
        "21 1 0:1 / / rw - ext4 /dev/root rw\n"
        "22 21 0:2 / /proc rw - proc proc rw\n"
        "40 21 0:1 /b/rootfs /b/rootfs rw - ext4 /dev/root rw\n"
        "41 40 0:3 / /b/rootfs/proc rw - proc proc rw\n"
        "42 40 0:4 / /b/rootfs/dev rw - tmpfs tmpfs rw\n"
        "43 40 0:5 / /b/rootfs/my\\040dir rw shared:1 - tmpfs tmpfs rw\n";
    pal_mount ms[8];
    int n = pal_mounts_select(pre, strlen(pre), "/b/rootfs/", ms, 8);
    CHECK_INT(n, 3);
    CHECK_INT(ms[0].id, 40);
    CHECK_STR(ms[0].point, "/b/rootfs");
    CHECK_STR(ms[2].point, "/b/rootfs/my dir");
    const char *post = "40 30 0:1 /b/rootfs / rw - ext4 /dev/root rw\n41 40 0:3 / /proc rw - proc proc rw\n"
                       "42 40 0:4 / /dev rw - tmpfs tmpfs rw\n";
    n = pal_mounts_select(post, strlen(post), "/b/rootfs", ms, 8);
    CHECK_INT(n, 2);
    CHECK_STR(ms[0].point, "/");
    CHECK_STR(ms[1].point, "/dev");
    CHECK_INT(pal_mounts_select("garbage\n", 8, "/x", ms, 8), -1);
    CHECK_INT(pal_mounts_has_id(pre, strlen(pre), 42), 1);
    CHECK_INT(pal_mounts_has_id(pre, strlen(pre), 4), 0);
}

static void test_jsonw(void)
{
    pal_strbuf b;
    pal_strbuf_init(&b, 4096);
    const char raw[] = "a\"\\\n\x01\xe9t\xc3\xa9\xff";
    CHECK_INT(pal_jsonw_str(&b, raw, sizeof raw - 1), 0);
    CHECK_STR(pal_strbuf_cstr(&b), "\"a\\\"\\\\\\n\\u0001\\u00e9t\xc3\xa9\\u00ff\"");
    /* and the strict reader takes it */
    pal_json j;
    pal_json_init(&j, b.s, b.len, NULL);
    pal_json_str s;
    CHECK(pal_json_string(&j, &s) && pal_json_end(&j));
    pal_strbuf_free(&b);
}

typedef struct files { const char *text; } files;
static int read_one(void *user, const char *relpath, char **data, size_t *len)
{
    const files *f = user;
    if (strcmp(relpath, "main.pal")) return -1;
    *len = strlen(f->text);
    *data = malloc(*len + 1);
    memcpy(*data, f->text, *len + 1);
    return 0;
}

static pal_program *compile(const char *text)
{
    files f = {text};
    pal_compile_opts o = {0};
    o.revision = "t";
    o.read = read_one;
    o.read_user = &f;
    const char *paths[] = {"main.pal"};
    unsigned errs = 0, warns = 0;
    return pal_compile(paths, 1, &o, &errs, &warns);
}

static const char *NET_POLICY =
    "package main\n"
    "runtime \"web\" {\n"
    "  scope container.image.name like \"web:*\"\n"
    "  network {\n"
    "    allow outbound ip 10.0.0.0/8 port 5432\n"
    "    deny outbound ip 192.0.2.7, \"2001:db8::/32\" effect prevent\n"
    "    deny outbound port 4444, 6660-6669, 6665 effect alert\n"
    "    default effect alert\n"
    "  }\n"
    "}\n"
    "firewall \"fw\" {\n"
    "  allow from image \"web:*\" to subnet 10.9.0.0/16 tcp 443\n"
    "  deny from any to dns \"*.onion.example\" effect block\n"
    "  deny from any to subnet 10.10.0.0/16 effect prevent\n"
    "  default effect alert\n"
    "}\n";

static void test_netrules_and_nft(void)
{
    pal_program *p = compile(NET_POLICY);
    CHECK(p != NULL);
    if (!p) return;
    CHECK_INT(p->nnetrules, 8);
    const pal_netrule *n = p->netrules;
    CHECK_INT(n[0].action, PNA_DENY);
    CHECK_INT(n[0].effect, PE_PREVENT);
    CHECK_INT(n[0].direction, PND_OUT);
    CHECK_INT(n[0].dst_kind, PNE_CIDR);
    CHECK(n[0].scope_len > 0);
    CHECK_INT(n[2].action, PNA_ALLOW);
    CHECK(n[2].port_m != PAL_NET_NONE);
    CHECK_INT(n[3].action, PNA_DEFAULT);
    CHECK_INT(n[4].src_kind, PNE_IMAGE);
    CHECK_INT(n[4].proto, PNP_TCP);
    CHECK_INT(n[5].dst_kind, PNE_NAME);
    char err[512];
    CHECK_INT(pal_verify(p, err, sizeof err), 0);
    /* it survives a bundle, and a damaged entry is refused */
    unsigned char *buf;
    size_t len;
    CHECK_INT(pal_bundle_write(p, &buf, &len), 0);
    pal_program *q = NULL;
    CHECK_INT(pal_bundle_read(buf, len, &q, err, sizeof err), 0);
    if (q) {
        CHECK_INT(q->nnetrules, p->nnetrules);
        CHECK_INT(q->netrules[1].port_m, p->netrules[1].port_m);
        q->netrules[0].dst_m = q->netrules[0].port_m == PAL_NET_NONE ? 0 : q->netrules[1].port_m;
        CHECK_INT(pal_verify(q, err, sizeof err), -1);
        CHECK(strstr(err, "network entry 0: destination matcher") != NULL);
        q->netrules[0].dst_m = p->netrules[0].dst_m;
        q->netrules[0].scope_len = 0xffffff;
        CHECK_INT(pal_verify(q, err, sizeof err), -1);
        CHECK(strstr(err, "network entry 0: scope code") != NULL);
        pal_program_free(q);
    }
    free(buf);

    pal_vm *vm = pal_vm_new(p);
    pal_strbuf out;
    pal_strbuf_init(&out, 1 << 20);
    /* scopes need a container record: none given, the scoped block is left out */
    pal_nft_target t = {.image = "web:1", .nflog_group = 9, .dns_port = 5353};
    pal_nft_stats st;
    CHECK_INT(pal_nft_generate(p, vm, &t, &out, &st), 0);
    const char *s = pal_strbuf_cstr(&out);
    CHECK_INT(st.chains, 1);     /* the firewall (no scope) */
    CHECK(strstr(s, "udp dport 53 redirect to :5353") != NULL);
    CHECK(strstr(s, "ip saddr") == NULL);
    /* the firewall in order: allow (own image matches) -> return; the DNS entry stops the kernel's part */
    CHECK(strstr(s, "ip daddr 10.9.0.0/16 meta l4proto tcp th dport { 443 } return") != NULL);
    CHECK(strstr(s, "meta mark set meta mark or 0x40000000 return") != NULL);
    CHECK(strstr(s, "10.10.0.0/16") == NULL);
    CHECK_INT(st.dynamic, 2);   /* once per direction */
    pal_strbuf_free(&out);
    pal_vm_free(vm);
    pal_program_free(p);
}

static void test_runtime_chain(void)
{
    pal_program *p = compile(
        "package main\n"
        "runtime \"r\" {\n"
        "  network {\n"
        "    deny outbound ip 192.0.2.0/24, \"2001:db8::1\" effect prevent\n"
        "    deny outbound port 4444, 6660-6669, 6665 effect alert\n"
        "    allow outbound ip 10.0.0.0/8\n"
        "    default effect prevent\n"
        "  }\n"
        "}\n");
    CHECK(p != NULL);
    if (!p) return;
    pal_vm *vm = pal_vm_new(p);
    pal_strbuf out;
    pal_strbuf_init(&out, 1 << 20);
    pal_nft_target t = {.image = "", .nflog_group = 3};
    CHECK_INT(pal_nft_generate(p, vm, &t, &out, NULL), 0);
    const char *s = pal_strbuf_cstr(&out);
    /* host bits cleared; each family its own match */
    CHECK(strstr(s, "ip daddr 192.0.2.0/24 log group 3 snaplen 128 prefix \"palisade o\" reject") != NULL);
    CHECK(strstr(s, "ip6 daddr 2001:db8::1 log group 3") != NULL);
    /* ports merged, over tcp and udp */
    CHECK(strstr(s, "meta l4proto { tcp, udp } th dport { 4444, 6660-6669 } meta mark set meta mark or 0x40000000") != NULL);
    /* what a deny or allow matched gets no default; the rest is rejected */
    CHECK(strstr(s, "ip daddr 10.0.0.0/8 return") != NULL);
    CHECK(strstr(s, "th dport { 4444, 6660-6669 } return") != NULL);
    CHECK(strstr(s, "    log group 3 snaplen 128 prefix \"palisade o\" reject\n") != NULL);
    /* outbound entries are not in the input chain: the default still is */
    CHECK(strstr(s, "prefix \"palisade i\" reject") != NULL);
    CHECK(strstr(s, "chain dns") == NULL);
    CHECK(strstr(s, "table inet palisade {}\ndelete table inet palisade\n") == s);
    pal_strbuf_free(&out);
    pal_vm_free(vm);
    pal_program_free(p);
}

int main(void)
{
    test_oci_state();
    test_oci_config();
    test_ctl();
    test_dns();
    test_nflog();
    test_mounts();
    test_jsonw();
    test_netrules_and_nft();
    test_runtime_chain();
    return unit_result("test_enforce");
}

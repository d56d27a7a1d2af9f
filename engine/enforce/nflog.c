/*
 * nflog.c — NFLOG messages and their packets (design in nflog.h).
 */
#include "engine/enforce/nflog.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_log.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "engine/base/err.h"

static uint16_t be16(const unsigned char *p) { return (uint16_t)(p[0] << 8 | p[1]); }

int pal_nflog_parse_ip(const unsigned char *p, size_t len, pal_nflog_pkt *pkt)
{
    if (len < 1) return -1;
    unsigned ver = p[0] >> 4;
    size_t l4;
    if (ver == 4) {
        if (len < 20) return -1;
        size_t ihl = (size_t)(p[0] & 0xf) * 4;
        if (ihl < 20 || ihl > len) return -1;
        pkt->v6 = false;
        pkt->proto = p[9];
        memset(pkt->src, 0, 16);
        memset(pkt->dst, 0, 16);
        memcpy(pkt->src, p + 12, 4);
        memcpy(pkt->dst, p + 16, 4);
        /* a fragment past the first has no transport header */
        if ((be16(p + 6) & 0x1fff) != 0) { pkt->have_ports = false; return 0; }
        l4 = ihl;
    } else if (ver == 6) {
        if (len < 40) return -1;
        pkt->v6 = true;
        memcpy(pkt->src, p + 8, 16);
        memcpy(pkt->dst, p + 24, 16);
        uint8_t nh = p[6];
        l4 = 40;
        /* hop-by-hop, routing, destination options: at most 8 of them */
        for (int k = 0; k < 8 && (nh == 0 || nh == 43 || nh == 60); k++) {
            if (l4 + 8 > len) return -1;
            nh = p[l4];
            l4 += ((size_t)p[l4 + 1] + 1) * 8;
        }
        if (l4 > len) return -1;
        pkt->proto = nh;
    } else {
        return -1;
    }
    pkt->have_ports = false;
    pkt->sport = pkt->dport = 0;
    if ((pkt->proto == IPPROTO_TCP || pkt->proto == IPPROTO_UDP) && l4 + 4 <= len) {
        pkt->sport = be16(p + l4);
        pkt->dport = be16(p + l4 + 2);
        pkt->have_ports = true;
    }
    return 0;
}

int pal_nflog_parse(const unsigned char *buf, size_t len, void (*fn)(void *user, const pal_nflog_pkt *pkt), void *user)
{
    int count = 0;
    size_t off = 0;
    while (off + sizeof(struct nlmsghdr) <= len) {
        struct nlmsghdr h;
        memcpy(&h, buf + off, sizeof h);
        if (h.nlmsg_len < sizeof h || h.nlmsg_len > len - off) return -1;
        size_t end = off + h.nlmsg_len;
        if (h.nlmsg_type == ((NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_PACKET)) {
            size_t a = off + NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct nfgenmsg));
            pal_nflog_pkt pkt;
            memset(&pkt, 0, sizeof pkt);
            bool have_payload = false;
            while (a + sizeof(struct nlattr) <= end) {
                struct nlattr at;
                memcpy(&at, buf + a, sizeof at);
                if (at.nla_len < sizeof at || at.nla_len > end - a) return -1;
                const unsigned char *v = buf + a + NLA_HDRLEN;
                size_t vlen = at.nla_len - NLA_HDRLEN;
                unsigned type = at.nla_type & NLA_TYPE_MASK;
                if (type == NFULA_PREFIX) {
                    size_t n = strnlen((const char *)v, vlen);
                    if (n >= sizeof pkt.prefix) n = sizeof pkt.prefix - 1;
                    memcpy(pkt.prefix, v, n);
                    pkt.prefix[n] = 0;
                } else if (type == NFULA_PAYLOAD) {
                    have_payload = pal_nflog_parse_ip(v, vlen, &pkt) == 0;
                }
                a += NLA_ALIGN(at.nla_len);
            }
            if (have_payload) {
                fn(user, &pkt);
                count++;
            }
        }
        off += NLMSG_ALIGN(h.nlmsg_len);
    }
    return count;
}

/* Sends one NFULNL_MSG_CONFIG request with one attribute. */
static int config(int fd, unsigned group, uint16_t attr, const void *data, size_t dlen)
{
    unsigned char msg[128];
    memset(msg, 0, sizeof msg);
    struct nlmsghdr *h = (struct nlmsghdr *)msg;
    h->nlmsg_type = (NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_CONFIG;
    h->nlmsg_flags = NLM_F_REQUEST;
    struct nfgenmsg *g = (struct nfgenmsg *)(msg + NLMSG_HDRLEN);
    g->nfgen_family = AF_UNSPEC;
    g->version = NFNETLINK_V0;
    g->res_id = htons((uint16_t)group);
    struct nlattr *a = (struct nlattr *)(msg + NLMSG_HDRLEN + NLMSG_ALIGN(sizeof *g));
    a->nla_type = attr;
    a->nla_len = (uint16_t)(NLA_HDRLEN + dlen);
    memcpy((unsigned char *)a + NLA_HDRLEN, data, dlen);
    h->nlmsg_len = (uint32_t)(NLMSG_HDRLEN + NLMSG_ALIGN(sizeof *g) + NLA_ALIGN(a->nla_len));
    struct sockaddr_nl to = {.nl_family = AF_NETLINK};
    return sendto(fd, msg, h->nlmsg_len, 0, (struct sockaddr *)&to, sizeof to) == (ssize_t)h->nlmsg_len ? 0 : -1;
}

int pal_nflog_open(unsigned group, char *err, size_t cap)
{
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_NETFILTER);
    if (fd < 0) return pal_set_err(err, cap, "netfilter log socket: %s", strerror(errno));
    struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        int e = errno;
        close(fd);
        return pal_set_err(err, cap, "netfilter log socket: bind: %s", strerror(e));
    }
    struct nfulnl_msg_config_cmd cmd = {NFULNL_CFG_CMD_BIND};
    struct nfulnl_msg_config_mode mode = {.copy_range = htonl(128), .copy_mode = NFULNL_COPY_PACKET};
    if (config(fd, group, NFULA_CFG_CMD, &cmd, sizeof cmd) != 0 || config(fd, group, NFULA_CFG_MODE, &mode, sizeof mode) != 0) {
        int e = errno;
        close(fd);
        return pal_set_err(err, cap, "netfilter log group %u: %s", group, strerror(e));
    }
    int big = 1 << 20;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
    return fd;
}

/*
 * nflog.h — packets the container's nftables table logged (NFLOG group),
 * read from a netfilter netlink socket opened in the container's network
 * namespace, turned into what a network event needs.
 *
 * The messages come from the kernel, but what they carry is a packet the
 * container wrote: every length (netlink header, attribute, IP header,
 * IPv6 extension chain) is checked against the bytes that hold it, and a
 * message that does not add up is skipped, never read past.
 */
#ifndef PAL_ENFORCE_NFLOG_H
#define PAL_ENFORCE_NFLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct pal_nflog_pkt {
    char prefix[65];         /* the log rule's prefix ("palisade o" / "palisade i") */
    bool v6;
    uint8_t proto;           /* IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP, ... */
    uint8_t src[16], dst[16];
    uint16_t sport, dport;   /* 0 when the protocol has none */
    bool have_ports;
} pal_nflog_pkt;

/* Calls fn for every logged packet in one datagram read from the socket.
   Returns the number of packets, or -1 when the datagram is malformed
   (those before the damage were passed on). */
int pal_nflog_parse(const unsigned char *buf, size_t len, void (*fn)(void *user, const pal_nflog_pkt *pkt), void *user);

/* Parses an L3 packet (IPv4 or IPv6) into *pkt's addresses and ports.
   Returns 0 or -1. */
int pal_nflog_parse_ip(const unsigned char *p, size_t len, pal_nflog_pkt *pkt);

/* Opens a netfilter log socket bound to group in the calling thread's
   network namespace (copy mode: packet, 128 bytes).  Returns the
   descriptor (non-blocking), or -1 with err. */
int pal_nflog_open(unsigned group, char *err, size_t cap);

#endif

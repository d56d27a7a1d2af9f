/*
 * nft.h — the nftables table palisade keeps in a container's network
 * namespace, generated from the program's network table (program.h
 * pal_netrule) for one container, and applied with the nft program.
 *
 * The table (`table inet palisade`) is the kernel's half of network
 * enforcement: it stops what the policy prevents without asking anyone,
 * so a slow or dead agent cannot turn a prevent into an allow, and it
 * logs (NFLOG) every new connection that a rule cares about, which the
 * agent reads back and decides with the VM — the decision line, with the
 * rule's name and the bundle revision, comes from the same code that
 * decides every other event.
 *
 *   chain dns  (nat output)    udp and tcp to port 53 -> the forwarder on 127.0.0.1:PORT
 *   chain out  (filter output) established/related and loopback accepted; then
 *                              one chain per runtime network section and firewall
 *                              block whose scope holds for the container; then a
 *                              log of the packet if one of them marked it
 *   chain in   (filter input)  the same for inbound connections
 *
 * A section chain: every deny that prevents or blocks logs and rejects
 * (ICMP port unreachable, TCP reset: the caller sees a refused
 * connection); an alerting deny marks the packet (logged once at the end
 * of the base chain, however many entries matched); a packet a deny or
 * allow entry matched returns; what is left gets the default (mark or
 * log+reject).  A firewall chain is its entries in order, the first match
 * returning (allow, alert) or rejecting (prevent, block).  An entry that
 * names a host or a DNS name cannot be matched by the kernel: the rest of
 * that firewall block only marks (the VM decides; it can alert, not
 * stop).  Image endpoints are resolved to the addresses of the registered
 * containers of that image (the peers), and to "this container" when its
 * own image matches.
 *
 * Only the first packet of a connection is judged (ct state new): a
 * connection open before a reload keeps going.  Applying is one `nft -f`
 * transaction (add, delete and re-create the table), so a container's
 * rules change atomically or not at all.
 */
#ifndef PAL_ENFORCE_NFT_H
#define PAL_ENFORCE_NFT_H

#include <stdbool.h>
#include <sys/types.h>
#include "engine/base/strbuf.h"
#include "engine/core/value.h"
#include "engine/vm/program.h"
#include "engine/vm/vm.h"

#define PAL_NFT_MARK      0x40000000u   /* "log this packet": set by alerting entries */
#define PAL_NFT_TABLE     "palisade"

typedef struct pal_nft_peer {
    const char *image;
    const char *const *addrs;    /* textual IPv4/IPv6 addresses */
    unsigned naddrs;
} pal_nft_peer;

typedef struct pal_nft_target {
    const char *image;               /* this container's image name ("" unknown) */
    const pal_record *scope_rec;     /* an event with this container's fields, for the scopes */
    unsigned nflog_group;
    unsigned dns_port;               /* 0: no DNS redirect */
    const pal_nft_peer *peers;
    unsigned npeers;
} pal_nft_target;

typedef struct pal_nft_stats {
    unsigned chains;      /* section and firewall chains that apply */
    unsigned rules;       /* rules written into them */
    unsigned dynamic;     /* firewall entries left to the VM (names) */
} pal_nft_stats;

/* Writes the whole transaction (for `nft -f -`).  vm is a VM of p (the
   scopes run on it).  Returns 0, or -1 when out's cap is reached. */
int pal_nft_generate(const pal_program *p, pal_vm *vm, const pal_nft_target *t, pal_strbuf *out, pal_nft_stats *st);

/* The transaction that removes the table (nothing when there is none). */
int pal_nft_delete(pal_strbuf *out);

/* Runs `nft -f -` with script on its standard input inside the network
   namespace open at netns_fd (-1: the caller's own).  nft = the program's
   path (NULL: "nft" on PATH, then /usr/sbin/nft).  Returns 0, or -1 with
   nft's complaint in err. */
int pal_nft_apply(const char *nft, int netns_fd, const char *script, size_t len, char *err, size_t cap);

#endif

/*
 * dns.h — DNS messages as the forwarder sees them: queries from a
 * container (hostile), answers from the upstream (trusted no more).
 *
 * Parsing.  A query must be a standard QUERY (opcode 0, QR clear) with
 * exactly one question and no answer or authority records (at most one
 * additional record: EDNS).  The question name is read label by label:
 * at most 63 bytes a label, 255 a name (RFC 1035 2.3.4), compression
 * pointers followed only backwards and at most PAL_DNS_MAX_POINTERS
 * times, so a loop or a forward pointer is an error, never a hang.  A
 * label byte outside the host-name alphabet and its common extensions
 * (letters, digits, '-', '_', '*') is refused: a label holding a '.'
 * would print as a name under an allowed suffix ("evil.example" + "test"
 * reads "evil.example.test") while the upstream resolves another one.
 *
 * Replies.  A name the policy prevents gets REFUSED (RCODE 5), built from
 * the query (same id, RD, the question echoed, no records): REFUSED and
 * not NXDOMAIN because the name may well exist — the client should not
 * cache a negative answer or tell the user the domain is gone; it was
 * the policy that said no.  A malformed query gets FORMERR when its
 * header can be read, and nothing otherwise.
 */
#ifndef PAL_ENFORCE_DNS_H
#define PAL_ENFORCE_DNS_H

#include <stddef.h>
#include <stdint.h>

#define PAL_DNS_MAX_MSG       4096u   /* the largest UDP message relayed */
#define PAL_DNS_MAX_NAME      255u    /* wire length of a name */
#define PAL_DNS_MAX_POINTERS  16u

enum { PAL_DNS_NOERROR = 0, PAL_DNS_FORMERR = 1, PAL_DNS_SERVFAIL = 2, PAL_DNS_NXDOMAIN = 3,
       PAL_DNS_NOTIMP = 4, PAL_DNS_REFUSED = 5 };

typedef struct pal_dns_question {
    uint16_t id;
    uint16_t flags;
    char name[PAL_DNS_MAX_NAME + 1];   /* dotted, no trailing dot, "" for the root; lower case kept as sent */
    uint16_t qtype, qclass;
    size_t question_end;               /* offset just past the question */
} pal_dns_question;

/* Parses a query.  Returns 0; or an RCODE (FORMERR, NOTIMP) to answer
   with, err saying why; or -1 when not even a header can be read (no
   reply possible). */
int pal_dns_parse_query(const unsigned char *msg, size_t len, pal_dns_question *q, char *err, size_t cap);

/* Parses an answer's header and question (for matching it to its query).
   Returns 0 or -1. */
int pal_dns_parse_answer(const unsigned char *msg, size_t len, pal_dns_question *q);

/* Writes a reply with rcode to query q (msg is the query): header and
   question only.  Returns its length (at most cap), or 0 when cap is too
   small or the query's question cannot be echoed. */
size_t pal_dns_reply(const unsigned char *msg, size_t len, const pal_dns_question *q, int rcode,
                     unsigned char *out, size_t cap);

/* "A", "AAAA", ... or the number. */
const char *pal_dns_type_name(uint16_t qtype, char *buf, size_t cap);

/* Case-insensitive equality of two dotted names. */
int pal_dns_name_eq(const char *a, const char *b);

#endif

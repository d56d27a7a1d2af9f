/*
 * dns.c — DNS queries, answers and refusals (design in dns.h).
 */
#include "engine/enforce/dns.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "engine/base/err.h"

static uint16_t get16(const unsigned char *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static void put16(unsigned char *p, uint16_t v) { p[0] = (unsigned char)(v >> 8); p[1] = (unsigned char)v; }

static int label_byte_ok(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == '*';
}

/* Reads the name at *pos into out (dotted).  On success *pos is past the
   name in the message (past the first pointer when there is one).
   Returns 0, or -1 with err. */
static int read_name(const unsigned char *msg, size_t len, size_t *pos, char *out, char *err, size_t cap)
{
    size_t p = *pos, end = 0, olen = 0, wire = 0;
    unsigned hops = 0;
    int jumped = 0;
    for (;;) {
        if (p >= len) return pal_set_err(err, cap, "the question name runs past the end of the message");
        unsigned c = msg[p];
        if ((c & 0xc0) == 0xc0) {
            if (p + 1 >= len) return pal_set_err(err, cap, "a compression pointer is cut off");
            size_t to = (size_t)((c & 0x3f) << 8 | msg[p + 1]);
            if (to >= p) return pal_set_err(err, cap, "a compression pointer points forward (or at itself)");
            if (++hops > PAL_DNS_MAX_POINTERS) return pal_set_err(err, cap, "more than %u compression pointers", PAL_DNS_MAX_POINTERS);
            if (!jumped) { end = p + 2; jumped = 1; }
            p = to;
            continue;
        }
        if (c & 0xc0) return pal_set_err(err, cap, "label type 0x%02x is not supported", c & 0xc0);
        wire += c + 1;
        if (wire > PAL_DNS_MAX_NAME) return pal_set_err(err, cap, "the name is longer than %u bytes", PAL_DNS_MAX_NAME);
        if (c == 0) { p++; break; }
        if (p + 1 + c > len) return pal_set_err(err, cap, "a label runs past the end of the message");
        if (olen) out[olen++] = '.';
        for (unsigned i = 0; i < c; i++) {
            unsigned char b = msg[p + 1 + i];
            if (!label_byte_ok(b))
                return pal_set_err(err, cap, "label byte 0x%02x is not a host-name character", b);
            out[olen++] = (char)b;
        }
        p += 1 + c;
    }
    out[olen] = 0;
    *pos = jumped ? end : p;
    return 0;
}

int pal_dns_parse_query(const unsigned char *msg, size_t len, pal_dns_question *q, char *err, size_t cap)
{
    memset(q, 0, sizeof *q);
    if (len < 12) { pal_set_err(err, cap, "a DNS message of %zu bytes is shorter than its header", len); return -1; }
    q->id = get16(msg);
    q->flags = get16(msg + 2);
    if (q->flags & 0x8000) { pal_set_err(err, cap, "a response, not a query"); return -1; }
    unsigned opcode = (q->flags >> 11) & 0xf;
    uint16_t qd = get16(msg + 4), an = get16(msg + 6), ns = get16(msg + 8), ar = get16(msg + 10);
    if (opcode != 0) { pal_set_err(err, cap, "opcode %u (only QUERY is forwarded)", opcode); return PAL_DNS_NOTIMP; }
    if (qd != 1) { pal_set_err(err, cap, "%u questions (one is forwarded)", qd); return PAL_DNS_FORMERR; }
    if (an || ns || ar > 1) { pal_set_err(err, cap, "a query with answer or authority records"); return PAL_DNS_FORMERR; }
    size_t pos = 12;
    if (read_name(msg, len, &pos, q->name, err, cap) != 0) return PAL_DNS_FORMERR;
    if (pos + 4 > len) { pal_set_err(err, cap, "the question's type and class are cut off"); return PAL_DNS_FORMERR; }
    q->qtype = get16(msg + pos);
    q->qclass = get16(msg + pos + 2);
    q->question_end = pos + 4;
    return 0;
}

int pal_dns_parse_answer(const unsigned char *msg, size_t len, pal_dns_question *q)
{
    memset(q, 0, sizeof *q);
    if (len < 12) return -1;
    q->id = get16(msg);
    q->flags = get16(msg + 2);
    if (!(q->flags & 0x8000) || get16(msg + 4) != 1) return -1;
    size_t pos = 12;
    char err[8];
    if (read_name(msg, len, &pos, q->name, err, sizeof err) != 0 || pos + 4 > len) return -1;
    q->qtype = get16(msg + pos);
    q->qclass = get16(msg + pos + 2);
    q->question_end = pos + 4;
    return 0;
}

size_t pal_dns_reply(const unsigned char *msg, size_t len, const pal_dns_question *q, int rcode,
                     unsigned char *out, size_t cap)
{
    /* the question is echoed only when it was read whole and is not
       compressed past the header (a query's name never needs to be) */
    size_t qlen = q->question_end > 12 && q->question_end <= len ? q->question_end - 12 : 0;
    if (qlen && (msg[12] & 0xc0)) qlen = 0;
    if (12 + qlen > cap) return 0;
    put16(out, q->id);
    uint16_t flags = (uint16_t)(0x8000 | (q->flags & 0x7900) | 0x0080 | (rcode & 0xf));   /* QR, opcode, RD, RA */
    put16(out + 2, flags);
    put16(out + 4, qlen ? 1 : 0);
    put16(out + 6, 0);
    put16(out + 8, 0);
    put16(out + 10, 0);
    if (qlen) memcpy(out + 12, msg + 12, qlen);
    return 12 + qlen;
}

const char *pal_dns_type_name(uint16_t t, char *buf, size_t cap)
{
    switch (t) {
    case 1: return "A";
    case 2: return "NS";
    case 5: return "CNAME";
    case 6: return "SOA";
    case 12: return "PTR";
    case 15: return "MX";
    case 16: return "TXT";
    case 28: return "AAAA";
    case 33: return "SRV";
    case 65: return "HTTPS";
    case 255: return "ANY";
    default: snprintf(buf, cap, "%u", t); return buf;
    }
}

int pal_dns_name_eq(const char *a, const char *b)
{
    return strcasecmp(a, b) == 0;
}

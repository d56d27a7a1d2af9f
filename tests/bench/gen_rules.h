/*
 * gen_rules.h — the generated policy the benchmarks share: rule i of N in
 * palisade source and, beside it, the YARA rule of the same shape (the
 * same literals, the same regexes, a condition joining them), so
 * bench_index.c times decisions over realistic rule shapes and
 * bench_load.c compares loading N compiled rules with yara's loading N
 * compiled rules of comparable shape.
 *
 * Every rule has its own names, domains, networks and literals (an event
 * hits only a few).  The kinds, one rule in seven each: process names in
 * a list (behind a parent name), executable globs with a `contains`,
 * destination CIDRs with ports, DNS names and wildcards, a command-line
 * regex behind a process name, a bare regex keyed by a literal it
 * requires, a regex behind a `contains` literal; with `bare`, one rule in
 * 100 is a regex with no literal outside an alternation (which no index
 * key can select).  The YARA twin of each uses strings and regexes for
 * what yara has no type for (a CIDR is its address text, a port ":N").
 *
 * The includer defines die(fmt, ...) first.
 */
#ifndef PAL_BENCH_GEN_RULES_H
#define PAL_BENCH_GEN_RULES_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct { char *s; size_t len, cap; } sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) die("vsnprintf failed");
        if (b->s && (size_t)n < b->cap - b->len) { b->len += (size_t)n; return; }
        b->cap = (b->cap ? b->cap * 2 : 65536) + (size_t)n;
        b->s = realloc(b->s, b->cap);
        if (!b->s) die("out of memory");
    }
}

/* Rule i in palisade source into b and, when y is not NULL, its YARA
   twin into y. */
static void gen_rule(sbuf *b, sbuf *y, unsigned i, bool bare)
{
    unsigned a = i % 250, hi = (i / 250) % 250;
    if (bare && i % 100 == 99) {
        /* the unindexable kind: a bare regex with no literal outside its
           alternation, which no key can select */
        sb_printf(b, "rule \"bare regex %u\" {\n  on process\n"
                     "  when process.command_line matches '(?i)^(payload%u|dropper%u)\\s+\\S+'\n"
                     "  effect alert\n}\n\n", i, i, i);
        if (y) sb_printf(y, "rule bare_regex_%u { strings: $r = /^(payload%u|dropper%u)\\s+\\S+/ nocase\n"
                            "  condition: $r }\n", i, i, i);
        return;
    }
    switch (i % 7) {
    case 0:
        sb_printf(b, "rule \"proc %u\" {\n  on process\n"
                     "  when process.name in [\"tool%u.exe\", \"tool%u_a.exe\", \"helper%u\", \"svc%u.bin\"]\n"
                     "       and not (process.parent.name in [\"explorer.exe\", \"init\"])\n"
                     "  effect alert  severity medium\n"
                     "  message \"process {process.name} under {process.parent.name}\"\n}\n\n", i, i, i, i, i);
        if (y) sb_printf(y, "rule proc_%u { strings: $n1 = \"tool%u.exe\" nocase $n2 = \"tool%u_a.exe\" nocase\n"
                            "  $n3 = \"helper%u\" nocase $n4 = \"svc%u.bin\" nocase $p1 = \"explorer.exe\" nocase $p2 = \"init\"\n"
                            "  condition: any of ($n*) and not any of ($p*) }\n", i, i, i, i, i);
        break;
    case 1:
        sb_printf(b, "rule \"glob %u\" {\n  on process\n"
                     "  when process.executable like [\"/opt/app%u/bin/*\", 'C:\\Apps\\app%u\\**']\n"
                     "       and process.command_line contains \"--flag%u\"\n"
                     "  effect prevent  severity high\n}\n\n", i, i, i, i);
        if (y) sb_printf(y, "rule glob_%u { strings: $e1 = \"/opt/app%u/bin/\" $e2 = \"C:\\\\Apps\\\\app%u\\\\\" nocase\n"
                            "  $f = \"--flag%u\" condition: any of ($e*) and $f }\n", i, i, i, i);
        break;
    case 2:
        sb_printf(b, "rule \"net %u\" {\n  on network\n"
                     "  when destination.ip in [10.%u.%u.0/24, 192.168.%u.0/24, 172.16.%u.%u]\n"
                     "       and destination.port in [%u, %u..%u]\n"
                     "  effect block\n"
                     "  message \"connection to {destination.ip}:{destination.port}\"\n}\n\n",
                  i, hi, a, a, hi, a, 1000 + i % 60000, 20000 + i % 40000, 20010 + i % 40000);
        if (y) sb_printf(y, "rule net_%u { strings: $d1 = \"10.%u.%u.\" $d2 = \"192.168.%u.\" $d3 = \"172.16.%u.%u\"\n"
                            "  $p1 = \":%u\" $p2 = /:2[0-9]{4}/ condition: any of ($d*) and any of ($p*) }\n",
                         i, hi, a, a, hi, a, 1000 + i % 60000);
        break;
    case 3:
        sb_printf(b, "rule \"dns %u\" {\n  on dns\n"
                     "  when dns.question.name in [\"*.bad%u.example\", \"c2-%u.example.net\", \"x%u.test\"]\n"
                     "  effect alert\n  message \"query for {dns.question.name}\"\n}\n\n", i, i, i, i);
        if (y) sb_printf(y, "rule dns_%u { strings: $s = \".bad%u.example\" nocase $n1 = \"c2-%u.example.net\" nocase\n"
                            "  $n2 = \"x%u.test\" nocase condition: any of them }\n", i, i, i, i);
        break;
    case 4:
        /* a command-line regex behind a process name, as policies write them */
        sb_printf(b, "rule \"cmd %u\" {\n  on process\n"
                     "  when process.name in [\"runner%u.exe\", \"runner%u\"]\n"
                     "       and process.command_line matches '(?i)\\s-(enc|e|encodedcommand)%u\\s+[A-Za-z0-9+/=]{8,}'\n"
                     "  effect prevent\n}\n\n", i, i, i, i);
        if (y) sb_printf(y, "rule cmd_%u { strings: $n1 = \"runner%u.exe\" nocase $n2 = \"runner%u\" nocase\n"
                            "  $r = /\\s-(enc|e|encodedcommand)%u\\s+[A-Za-z0-9+\\/=]{8,}/ nocase\n"
                            "  condition: any of ($n*) and $r }\n", i, i, i, i);
        break;
    case 5:
        /* a bare regex: the index keys it by the literal "tokenN" every
           match contains */
        sb_printf(b, "rule \"regex %u\" {\n  on process\n"
                     "  when process.command_line matches '(?i)\\btoken%u=[0-9a-f]{16,}\\b'\n"
                     "  effect alert\n}\n\n", i, i);
        if (y) sb_printf(y, "rule regex_%u { strings: $r = /\\btoken%u=[0-9a-f]{16,}\\b/ nocase condition: $r }\n", i, i);
        break;
    default:
        /* a regex behind a literal the command line must contain */
        sb_printf(b, "rule \"lit %u\" {\n  on process\n"
                     "  when process.command_line contains \"marker%u\"\n"
                     "       and process.command_line matches 'marker%u\\s+--(download|exec)\\s+https?://'\n"
                     "  effect alert\n}\n\n", i, i, i);
        if (y) sb_printf(y, "rule lit_%u { strings: $m = \"marker%u\"\n"
                            "  $r = /marker%u\\s+--(download|exec)\\s+https?:\\/\\// condition: $m and $r }\n", i, i, i);
        break;
    }
}

static inline char *gen_policy(unsigned n, bool bare, size_t *len)
{
    sbuf b = {0};
    sb_printf(&b, "package bench\n\n");
    for (unsigned i = 0; i < n; i++) gen_rule(&b, NULL, i, bare);
    *len = b.len;
    return b.s;
}

/* Both sources of N rules, as malloc'ed strings. */
static inline void gen_both(unsigned n, bool bare, char **pal, size_t *pal_len, char **yar, size_t *yar_len)
{
    sbuf b = {0}, y = {0};
    sb_printf(&b, "package bench\n\n");
    for (unsigned i = 0; i < n; i++) gen_rule(&b, &y, i, bare);
    *pal = b.s;
    *pal_len = b.len;
    *yar = y.s;
    *yar_len = y.len;
}

#endif

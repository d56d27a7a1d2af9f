/*
 * cmd_test.c — `palisade test [DIR|FILE ...]`: run the `test` blocks of
 * policy repos and report, as text, JSON or JUnit XML.
 *
 * Each path is compiled as its own repo (a file alone: its directory is
 * the repo, only that file is compiled), its tests built and run by
 * lang/tools/testrun.c, and the results of every path are reported together.
 * Locations are printed as the user can open them: the path given on the
 * command line joined with the file's path in the repo.
 *
 * Exit: 0 every selected test passed (and coverage reached --coverage-min);
 * 1 a test failed or coverage is below the minimum; 2 an error — a repo
 * that does not compile (its diagnostics are printed as by `build`), a bad
 * argument, a bundle given where source is needed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cJSON.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include "cli/args.h"
#include "cli/cli.h"
#include "lang/tools/testrun.h"
#include "lang/compile/palc.h"

typedef struct repo {
    char *prefix;               /* what to put before a repo path: "checks/" */
    pal_program *p;
    pal_testset ts;
    pal_test_result *results;   /* per test */
    bool *ran;                  /* per test: selected by --run and run */
    double *seconds;            /* per test */
    bool *covered;              /* per target, copied from the runner */
} repo;

typedef struct opts {
    bool verbose, coverage;
    double coverage_min;        /* < 0: no minimum */
    const char *format;         /* text, json, junit */
    pcre2_code *run;
} opts;

static void usage(FILE *f)
{
    fprintf(f, "usage: palisade test [-v] [--format text|json|junit] [--run REGEX] [--coverage] [--coverage-min N]\n"
               "                     [DIR|FILE.pal ...]\n"
               "Runs the test blocks of each policy repo (default: the current directory).\n"
               "  -v               list passing tests too\n"
               "  --run REGEX      run only the tests whose name the PCRE2 regex matches\n"
               "  --coverage       list the rules and checks no test exercised, and the percentage\n"
               "  --coverage-min N exit 1 when fewer than N%% of them were exercised (implies --coverage)\n"
               "Exit: 0 all passed, 1 a test failed or coverage is below N, 2 error.\n");
}

/* ---- text of a result ---- */

typedef struct sbuf { char *s; size_t len, cap; bool oom; } sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf *b, const char *fmt, ...)
{
    if (b->oom) return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) { b->oom = true; return; }
        if (b->s && b->len + (size_t)n < b->cap) { b->len += (size_t)n; return; }
        size_t cap = (b->cap ? b->cap * 2 : 256) + (size_t)n;
        char *ns = realloc(b->s, cap);
        if (!ns) { b->oom = true; return; }
        b->s = ns;
        b->cap = cap;
    }
}

static void sb_target(sbuf *b, const repo *r, const pal_test_target *t)
{
    sb_printf(b, "\"%s\" (%s%s:%u:%u)", t->name, r->prefix, t->file, t->line, t->col);
}

/* What was expected and what was decided, on one line: the part after
   "FILE:L:C: FAIL "name": ". */
static void describe(sbuf *b, const repo *r, const pal_test *t, const pal_test_result *res)
{
    const pal_testset *ts = &r->ts;
    const pal_test_target *by = t->by_target >= 0 ? &ts->targets[t->by_target] : NULL;
    sb_printf(b, "expected %s", pal_test_outcome_name(t->expect));
    if (by) { sb_printf(b, " by "); sb_target(b, r, by); }
    sb_printf(b, ", got %s", pal_test_outcome_name(res->got));
    const pal_test_hit *own = NULL;
    for (uint32_t i = 0; by && i < res->nhits; i++)
        if (res->hits[i].target == (uint32_t)t->by_target) own = &res->hits[i];
    if (by && own) {
        if (own->count > 1) sb_printf(b, " (%u %s)", own->count, t->inventory ? "findings" : "matches");
        sb_printf(b, ": %s", own->message);
    } else if (by) {
        sb_printf(b, " (%s)", t->inventory ? "the check did not fail" : "it did not match");
    } else if (res->nhits == 0) {
        sb_printf(b, " (%s)", t->inventory ? "no check failed" : "no rule matched");
    } else {
        sb_printf(b, " by ");
        sb_target(b, r, &ts->targets[res->hits[0].target]);
        sb_printf(b, ": %s", res->hits[0].message);
    }
    /* what else decided: the strongest other rule, and how many more */
    uint32_t others = 0;
    const pal_test_hit *first_other = NULL;
    for (uint32_t i = 0; i < res->nhits; i++) {
        if (own == &res->hits[i] || (!by && i == 0)) continue;
        if (!first_other) first_other = &res->hits[i];
        others++;
    }
    if (first_other) {
        sb_printf(b, "; also %s by ", pal_test_outcome_name(first_other->effect));
        sb_target(b, r, &ts->targets[first_other->target]);
        if (others > 1) sb_printf(b, " and %u more", others - 1);
    }
    if (res->error) sb_printf(b, "; %s", res->error);
}

/* Bytes as valid UTF-8 without control characters (XML 1.0 cannot hold
   them, and a message can carry anything an event held). */
static char *clean_text(const char *s)
{
    size_t n = strlen(s);
    char *out = malloc(n * 3 + 1), *o = out;
    if (!out) return NULL;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned c = *p;
        size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        bool ok = len > 0;
        for (size_t k = 1; ok && k < len; k++) ok = (p[k] & 0xc0) == 0x80;
        if (ok && len == 2 && c < 0xc2) ok = false;                       /* overlong */
        if (ok && len == 3 && ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] >= 0xa0))) ok = false;
        if (ok && len == 4 && ((c == 0xf0 && p[1] < 0x90) || c > 0xf4 || (c == 0xf4 && p[1] >= 0x90))) ok = false;
        if (!ok) { memcpy(o, "\xef\xbf\xbd", 3); o += 3; p++; continue; }
        if (len == 1 && c < 0x20 && c != '\t' && c != '\n') { *o++ = ' '; p++; continue; }
        memcpy(o, p, len);
        o += len;
        p += len;
    }
    *o = 0;
    return out;
}

static void xml_text(FILE *f, const char *s)
{
    char *c = clean_text(s);
    for (const char *p = c ? c : ""; *p; p++) {
        switch (*p) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&apos;", f); break;
        case '\n': fputs("&#10;", f); break;
        case '\t': fputs("&#9;", f); break;
        default: fputc(*p, f);
        }
    }
    free(c);
}

/* ---- coverage ---- */

typedef struct coverage { uint64_t covered, total; } coverage;

static coverage count_coverage(repo *repos, int n)
{
    coverage c = {0, 0};
    for (int i = 0; i < n; i++) {
        if (!repos[i].covered) continue;
        for (uint32_t t = 0; t < repos[i].ts.ntargets; t++) {
            c.total++;
            if (repos[i].covered[t]) c.covered++;
        }
    }
    return c;
}

/* Per mille, rounded down, so 99.96% never shows as 100.0%. */
static unsigned per_mille(coverage c)
{
    return c.total ? (unsigned)(c.covered * 1000 / c.total) : 1000;
}

/* ---- output ---- */

static void print_text(repo *repos, const char *const *paths, int n, const opts *o, coverage cov, unsigned passed,
                       unsigned failed, unsigned skipped, bool compiled)
{
    /* a repo that could not be run said why on stderr; a summary of nothing beside it would read as a pass */
    if (!compiled && !passed && !failed) return;
    for (int i = 0; i < n; i++) {
        repo *r = &repos[i];
        for (uint32_t k = 0; r->ran && k < r->ts.ntests; k++) {
            if (!r->ran[k]) continue;
            const pal_test *t = &r->ts.tests[k];
            const pal_test_result *res = &r->results[k];
            if (res->status == PAL_TEST_PASS) {
                if (o->verbose) printf("%s%s:%u:%u: PASS \"%s\"\n", r->prefix, t->file, t->line, t->col, t->name);
                continue;
            }
            sbuf b = {0};
            describe(&b, r, t, res);
            printf("%s%s:%u:%u: FAIL \"%s\": %s\n", r->prefix, t->file, t->line, t->col, t->name,
                   b.oom || !b.s ? "(out of memory)" : b.s);
            free(b.s);
        }
    }
    if (o->coverage && !compiled) {
        printf("coverage: unknown: a repo did not compile\n");
    } else if (o->coverage) {
        unsigned pm = per_mille(cov);
        printf("coverage: %llu of %llu rules and checks exercised (%u.%u%%)\n", (unsigned long long)cov.covered,
               (unsigned long long)cov.total, pm / 10, pm % 10);
        for (int i = 0; i < n; i++)
            for (uint32_t t = 0; repos[i].covered && t < repos[i].ts.ntargets; t++) {
                if (repos[i].covered[t]) continue;
                const pal_test_target *x = &repos[i].ts.targets[t];
                printf("  not exercised: %s%s:%u:%u: %s \"%s\"\n", repos[i].prefix, x->file, x->line, x->col,
                       pal_test_target_kind(x->kind), x->name);
            }
    }
    uint64_t defined = 0;
    for (int i = 0; i < n; i++) defined += repos[i].ts.ntests;
    if (compiled && !defined) {   /* not an error (go test's "no test files"): said, so it is not mistaken for a pass */
        printf("no tests found in ");
        for (int i = 0; i < n; i++) printf("%s%s", i ? ", " : "", paths[i]);
        printf(" (write test blocks: lang/SPEC.md, 'test'); ");
    }
    printf("%u passed, %u failed", passed, failed);
    if (skipped) printf(", %u not selected by --run", skipped);
    putchar('\n');
}

static cJSON *jstr(const char *s)
{
    char *c = clean_text(s ? s : "");
    cJSON *j = cJSON_CreateString(c ? c : "");
    free(c);
    return j;
}

static void json_target(cJSON *o, const repo *r, const pal_test_target *t)
{
    char path[4200];
    snprintf(path, sizeof path, "%s%s", r->prefix, t->file);
    cJSON_AddItemToObject(o, "file", jstr(path));
    cJSON_AddNumberToObject(o, "line", t->line);
    cJSON_AddNumberToObject(o, "column", t->col);
}

static int print_json(repo *repos, int n, const opts *o, coverage cov, unsigned passed, unsigned failed,
                      unsigned skipped, bool compiled)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *tests = cJSON_AddArrayToObject(root, "tests");
    for (int i = 0; i < n && tests; i++) {
        repo *r = &repos[i];
        for (uint32_t k = 0; r->ran && k < r->ts.ntests; k++) {
            if (!r->ran[k]) continue;
            const pal_test *t = &r->ts.tests[k];
            const pal_test_result *res = &r->results[k];
            cJSON *jt = cJSON_CreateObject();
            if (!jt) break;
            cJSON_AddItemToArray(tests, jt);
            cJSON_AddItemToObject(jt, "name", jstr(t->name));
            char path[4200];
            snprintf(path, sizeof path, "%s%s", r->prefix, t->file);
            cJSON_AddItemToObject(jt, "file", jstr(path));
            cJSON_AddNumberToObject(jt, "line", t->line);
            cJSON_AddNumberToObject(jt, "column", t->col);
            cJSON_AddStringToObject(jt, "status", res->status == PAL_TEST_PASS ? "pass" : "fail");
            cJSON *exp = cJSON_AddObjectToObject(jt, "expected");
            if (exp) {
                cJSON_AddStringToObject(exp, "outcome", pal_test_outcome_name(t->expect));
                if (t->by_target >= 0) {
                    cJSON *by = cJSON_AddObjectToObject(exp, "by");
                    const pal_test_target *x = &r->ts.targets[t->by_target];
                    if (by) {
                        cJSON_AddItemToObject(by, "name", jstr(x->name));
                        cJSON_AddStringToObject(by, "kind", pal_test_target_kind(x->kind));
                        json_target(by, r, x);
                    }
                }
            }
            cJSON *got = cJSON_AddObjectToObject(jt, "got");
            if (got) {
                cJSON_AddStringToObject(got, "outcome", pal_test_outcome_name(res->got));
                cJSON *ms = cJSON_AddArrayToObject(got, "matches");
                for (uint32_t h = 0; ms && h < res->nhits; h++) {
                    const pal_test_hit *hit = &res->hits[h];
                    const pal_test_target *x = &r->ts.targets[hit->target];
                    cJSON *m = cJSON_CreateObject();
                    if (!m) break;
                    cJSON_AddItemToArray(ms, m);
                    cJSON_AddItemToObject(m, "name", jstr(x->name));
                    cJSON_AddStringToObject(m, "kind", pal_test_target_kind(x->kind));
                    cJSON_AddStringToObject(m, "effect", pal_test_outcome_name(hit->effect));
                    cJSON_AddNumberToObject(m, "count", hit->count);
                    cJSON_AddItemToObject(m, "message", jstr(hit->message));
                    json_target(m, r, x);
                }
            }
            if (res->error) cJSON_AddItemToObject(jt, "error", jstr(res->error));
            if (res->status != PAL_TEST_PASS) {
                sbuf b = {0};
                describe(&b, r, t, res);
                cJSON_AddItemToObject(jt, "reason", jstr(b.s ? b.s : ""));
                free(b.s);
            }
        }
    }
    cJSON_AddNumberToObject(root, "passed", passed);
    cJSON_AddNumberToObject(root, "failed", failed);
    cJSON_AddNumberToObject(root, "skipped", skipped);
    if (o->coverage && compiled) {
        cJSON *c = cJSON_AddObjectToObject(root, "coverage");
        if (c) {
            cJSON_AddNumberToObject(c, "covered", (double)cov.covered);
            cJSON_AddNumberToObject(c, "total", (double)cov.total);
            cJSON_AddNumberToObject(c, "percent", per_mille(cov) / 10.0);
            cJSON *un = cJSON_AddArrayToObject(c, "uncovered");
            for (int i = 0; i < n && un; i++)
                for (uint32_t t = 0; repos[i].covered && t < repos[i].ts.ntargets; t++) {
                    if (repos[i].covered[t]) continue;
                    const pal_test_target *x = &repos[i].ts.targets[t];
                    cJSON *u = cJSON_CreateObject();
                    if (!u) break;
                    cJSON_AddItemToArray(un, u);
                    cJSON_AddItemToObject(u, "name", jstr(x->name));
                    cJSON_AddStringToObject(u, "kind", pal_test_target_kind(x->kind));
                    json_target(u, &repos[i], x);
                }
        }
    }
    char *s = cJSON_Print(root);
    cJSON_Delete(root);
    if (!s) return cli_error("test", "out of memory");
    puts(s);
    free(s);
    return EXIT_OK;
}

/* One <testsuite> per policy file, in the order files were compiled; the
   Ant JUnit schema (tests/tools/junit.xsd) wants every attribute below,
   and <properties>, <system-out> and <system-err> in each suite. */
static void print_junit(repo *repos, int n, const opts *o, coverage cov)
{
    char host[256] = "localhost";
    if (gethostname(host, sizeof host - 1) != 0 || !host[0]) snprintf(host, sizeof host, "localhost");
    host[sizeof host - 1] = 0;
    char stamp[32] = "1970-01-01T00:00:00";
    time_t now = time(NULL);
    struct tm tm;
    if (gmtime_r(&now, &tm)) strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
    unsigned pm = per_mille(cov);

    printf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
    int id = 0;
    for (int i = 0; i < n; i++) {
        repo *r = &repos[i];
        for (uint32_t k = 0; r->ran && k < r->ts.ntests; k++) {
            /* the first run test of each file opens its suite */
            if (!r->ran[k]) continue;
            bool seen = false;
            for (uint32_t j = 0; j < k && !seen; j++) seen = r->ran[j] && !strcmp(r->ts.tests[j].file, r->ts.tests[k].file);
            if (seen) continue;
            const char *file = r->ts.tests[k].file;
            unsigned tests = 0, failures = 0;
            double secs = 0;
            for (uint32_t j = k; j < r->ts.ntests; j++)
                if (r->ran[j] && !strcmp(r->ts.tests[j].file, file)) {
                    tests++;
                    if (r->results[j].status != PAL_TEST_PASS) failures++;
                    secs += r->seconds[j];
                }
            char path[4200];
            snprintf(path, sizeof path, "%s%s", r->prefix, file);
            printf("  <testsuite id=\"%d\" package=\"", id++);
            xml_text(stdout, *r->prefix ? r->prefix : "./");
            printf("\" name=\"");
            xml_text(stdout, path);
            printf("\" timestamp=\"%s\" hostname=\"", stamp);
            xml_text(stdout, host);
            printf("\" tests=\"%u\" failures=\"%u\" errors=\"0\" skipped=\"0\" time=\"%.6f\">\n", tests, failures, secs);
            if (o->coverage)
                printf("    <properties>\n      <property name=\"coverage\" value=\"%u.%u\"/>\n    </properties>\n",
                       pm / 10, pm % 10);
            else
                printf("    <properties/>\n");
            for (uint32_t j = k; j < r->ts.ntests; j++) {
                if (!r->ran[j] || strcmp(r->ts.tests[j].file, file)) continue;
                const pal_test *t = &r->ts.tests[j];
                const pal_test_result *res = &r->results[j];
                printf("    <testcase name=\"");
                xml_text(stdout, t->name);
                printf("\" classname=\"");
                xml_text(stdout, path);
                printf("\" time=\"%.6f\"", r->seconds[j]);
                if (res->status == PAL_TEST_PASS) { printf("/>\n"); continue; }
                sbuf b = {0};
                describe(&b, r, t, res);
                printf(">\n      <failure type=\"%s\" message=\"", res->error ? "stopped" : "expectation");
                xml_text(stdout, b.s ? b.s : "");
                printf("\">");
                char loc[4300];
                snprintf(loc, sizeof loc, "%s:%u:%u: ", path, t->line, t->col);
                xml_text(stdout, loc);
                xml_text(stdout, b.s ? b.s : "");
                printf("</failure>\n    </testcase>\n");
                free(b.s);
            }
            printf("    <system-out/>\n    <system-err/>\n  </testsuite>\n");
        }
    }
    printf("</testsuites>\n");
}

/* ---- running ---- */

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool selected(const opts *o, const char *name, pcre2_match_data *md)
{
    if (!o->run) return true;
    return pcre2_match(o->run, (PCRE2_SPTR)name, strlen(name), 0, 0, md, NULL) >= 0;
}

/* Compiles one path and runs its selected tests.  Returns EXIT_OK, or
   EXIT_ERROR after printing why. */
static int run_repo(repo *r, const char *path, const opts *o, pcre2_match_data *md, unsigned *passed,
                    unsigned *failed, unsigned *skipped)
{
    struct stat st;
    if (stat(path, &st) != 0) return cli_error("test", "%s: no such file or directory", path);
    size_t plen = strlen(path);
    if (S_ISREG(st.st_mode) && !(plen >= 4 && !strcmp(path + plen - 4, ".pal")))
        return cli_error("test", "%s: not a .pal file or a directory (tests live in policy source, not in bundles)", path);
    /* the prefix that turns a repo path into one the user can open (lang/syntax/diag.h) */
    char *prefix = malloc(plen + 2);
    if (!prefix) return cli_error("test", "out of memory");
    pal_diag_repo_prefix(path, S_ISREG(st.st_mode), prefix, plen + 2);
    r->prefix = prefix;

    pal_compile_opts co = {0};
    co.revision = "";
    pal_diag_shown shown = {stderr, prefix};
    co.diag = pal_diag_print_shown;
    co.diag_user = &shown;
    unsigned errors = 0, warnings = 0;
    r->p = pal_compile_dir_tests(path, &co, &errors, &warnings, &r->ts);
    if (!r->p) return cli_error("test", "%s: %u error%s; no test was run", path, errors, errors == 1 ? "" : "s");
    if (r->ts.oom) return cli_error("test", "%s: out of memory while building the tests", path);

    uint32_t nt = r->ts.ntests;
    r->results = calloc(nt + 1u, sizeof *r->results);
    r->ran = calloc(nt + 1u, sizeof *r->ran);
    r->seconds = calloc(nt + 1u, sizeof *r->seconds);
    r->covered = calloc(r->ts.ntargets + 1u, sizeof *r->covered);
    pal_test_runner *run = pal_test_runner_new(r->p, &r->ts);
    if (!r->results || !r->ran || !r->seconds || !r->covered || !run) {
        pal_test_runner_free(run);
        return cli_error("test", "out of memory");
    }
    for (uint32_t k = 0; k < nt; k++) {
        if (!selected(o, r->ts.tests[k].name, md)) { (*skipped)++; continue; }
        double t0 = now_seconds();
        if (pal_test_run(run, k, &r->results[k]) != 0) {
            pal_test_runner_free(run);
            return cli_error("test", "out of memory while running \"%s\"", r->ts.tests[k].name);
        }
        r->seconds[k] = now_seconds() - t0;
        r->ran[k] = true;
        if (r->results[k].status == PAL_TEST_PASS) (*passed)++; else (*failed)++;
    }
    memcpy(r->covered, pal_test_covered(run), r->ts.ntargets * sizeof *r->covered);
    pal_test_runner_free(run);
    return EXIT_OK;
}

static void free_repo(repo *r)
{
    for (uint32_t k = 0; r->results && k < r->ts.ntests; k++) pal_test_result_free(&r->results[k]);
    free(r->results);
    free(r->ran);
    free(r->seconds);
    free(r->covered);
    free(r->prefix);
    pal_testset_free(&r->ts);
    pal_program_free(r->p);
}

int cmd_test(int argc, char **argv)
{
    opts o = {0};
    o.format = "text";
    o.coverage_min = -1;
    const char *run_re = NULL;
    const char **paths = calloc((size_t)argc + 1, sizeof *paths);
    if (!paths) return cli_error("test", "out of memory");
    int npaths = 0;
    cli_args A;
    cli_args_init(&A, "test", argc, argv);
    while (cli_args_next(&A)) {
        if (cli_args_flag(&A, "-v") || cli_args_flag(&A, "--verbose")) o.verbose = true;
        else if (cli_args_flag(&A, "--coverage")) o.coverage = true;
        else if (cli_args_value(&A, "--format", "text, json or junit")) o.format = A.value;
        else if (cli_args_value(&A, "--run", "a regex on test names")) run_re = A.value;
        else if (cli_args_value(&A, "--coverage-min", "a percentage from 0 to 100")) {
            const char *v = A.value;
            char *end;
            o.coverage_min = strtod(v, &end);
            if (end == v || *end || !(o.coverage_min >= 0 && o.coverage_min <= 100)) {
                free(paths);
                return cli_error("test", "--coverage-min takes a percentage from 0 to 100, not '%s'", v);
            }
            o.coverage = true;
        } else if (cli_args_help(&A)) { usage(stdout); free(paths); return EXIT_OK; }
        else if (cli_args_is_option(&A) || A.failed) { free(paths); return cli_args_unknown(&A); }
        else paths[npaths++] = A.arg;
    }
    if (A.failed) { free(paths); return EXIT_ERROR; }
    if (strcmp(o.format, "text") && strcmp(o.format, "json") && strcmp(o.format, "junit")) {
        free(paths);
        return cli_error("test", "unknown --format '%s' (text, json or junit)", o.format);
    }
    if (npaths == 0) paths[npaths++] = ".";
    pcre2_match_data *md = NULL;
    if (run_re) {
        int ec;
        PCRE2_SIZE off;
        o.run = pcre2_compile((PCRE2_SPTR)run_re, PCRE2_ZERO_TERMINATED, 0, &ec, &off, NULL);
        if (!o.run) {
            PCRE2_UCHAR msg[256];
            pcre2_get_error_message(ec, msg, sizeof msg);
            free(paths);
            return cli_error("test", "--run '%s': invalid regex at offset %zu: %s", run_re, (size_t)off, (char *)msg);
        }
        md = pcre2_match_data_create_from_pattern(o.run, NULL);
        if (!md) { pcre2_code_free(o.run); free(paths); return cli_error("test", "out of memory"); }
    }

    repo *repos = calloc((size_t)npaths, sizeof *repos);
    int exitc = repos ? EXIT_OK : cli_error("test", "out of memory");
    unsigned passed = 0, failed = 0, skipped = 0;
    for (int i = 0; repos && i < npaths; i++)
        if (run_repo(&repos[i], paths[i], &o, md, &passed, &failed, &skipped) != EXIT_OK) exitc = EXIT_ERROR;

    if (repos) {
        coverage cov = count_coverage(repos, npaths);
        if (!strcmp(o.format, "json")) {
            if (print_json(repos, npaths, &o, cov, passed, failed, skipped, exitc == EXIT_OK) != EXIT_OK)
                exitc = EXIT_ERROR;
        } else if (!strcmp(o.format, "junit")) {
            print_junit(repos, npaths, &o, cov);
        } else {
            print_text(repos, paths, npaths, &o, cov, passed, failed, skipped, exitc == EXIT_OK);
        }
        bool below = exitc == EXIT_OK && o.coverage_min >= 0 && (double)cov.covered * 100.0 < o.coverage_min * (double)cov.total;
        if (below) {
            unsigned pm = per_mille(cov);
            fprintf(stderr, "palisade test: coverage %u.%u%% is below --coverage-min %g\n", pm / 10, pm % 10, o.coverage_min);
        }
        if (exitc == EXIT_OK && (failed || below)) exitc = EXIT_POLICY;
        for (int i = 0; i < npaths; i++) free_repo(&repos[i]);
        free(repos);
    }
    pcre2_match_data_free(md);
    pcre2_code_free(o.run);
    free(paths);
    return exitc;
}

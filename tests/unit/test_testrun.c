/*
 * test_testrun.c — the test runner (lang/tools/testrun.c): what a test expects
 * against what the runtime decides, the inputs built from `given`
 * groups, coverage, and the errors a test gets at compile time.
 */
#include <stdlib.h>
#include <string.h>
#include "unit.h"
#include "lang/tools/testrun.h"
#include "lang/compile/palc.h"
#include "engine/vm/program.h"

/* ---- an in-memory repo ---- */

typedef struct { const char *path, *text; } memfile;

static int read_mem(void *user, const char *relpath, char **data, size_t *len)
{
    for (const memfile *f = user; f->path; f++)
        if (!strcmp(f->path, relpath)) {
            *len = strlen(f->text);
            *data = malloc(*len + 1);
            if (!*data) return -1;
            memcpy(*data, f->text, *len + 1);
            return 0;
        }
    return -1;
}

static char diag_codes[2048];

static void collect_diag(const pal_diagnostic *d, void *user)
{
    (void)user;
    size_t n = strlen(diag_codes);
    snprintf(diag_codes + n, sizeof diag_codes - n, "%s%u:%u:%s", n ? " " : "", d->line, d->col, d->code);
}

/* Compiles the one file policy.pal (plus any other files); with ts, keeps the tests. */
static pal_program *compile(const memfile *files, pal_testset *ts)
{
    diag_codes[0] = 0;
    pal_compile_opts o = {0};
    o.build_time = 1;
    o.read = read_mem;
    o.read_user = (void *)files;
    o.diag = collect_diag;
    const char *paths[8];
    size_t n = 0;
    for (const memfile *f = files; f->path && n < 8; f++)
        if (strlen(f->path) > 4 && !strcmp(f->path + strlen(f->path) - 4, ".pal")) paths[n++] = f->path;
    unsigned errors = 0, warnings = 0;
    return ts ? pal_compile_tests(paths, n, &o, &errors, &warnings, ts) : pal_compile(paths, n, &o, &errors, &warnings);
}

static int32_t test_index(const pal_testset *ts, const char *name)
{
    for (uint32_t i = 0; i < ts->ntests; i++)
        if (!strcmp(ts->tests[i].name, name)) return (int32_t)i;
    return -1;
}

/* Runs the test named name; returns its status, with *res filled (caller frees). */
static int run_named(pal_test_runner *r, const pal_testset *ts, const char *name, pal_test_result *res)
{
    int32_t i = test_index(ts, name);
    memset(res, 0, sizeof *res);
    if (i < 0) { fprintf(stderr, "no test named %s\n", name); return -1; }
    if (pal_test_run(r, (uint32_t)i, res) != 0) return -1;
    return res->status;
}

static const char *events_repo =
    "list shells = [\"cmd.exe\", \"powershell.exe\"]\n"
    "rule \"shell\" {\n"
    "  on process\n"
    "  when process.name in shells\n"
    "  effect prevent\n"
    "  message \"shell {process.name}\"\n"
    "}\n"
    "rule \"any cmd\" {\n"
    "  on process\n"
    "  when process.executable like \"**/cmd.exe\"\n"
    "  effect alert\n"
    "}\n"
    "rule \"big pid\" {\n"
    "  on process\n"
    "  when process.pid == 9007199254740993\n"
    "  effect alert\n"
    "}\n"
    "runtime \"app\" {\n"
    "  scope container.image.name like \"app:*\"\n"
    "  dns { allow \"*.google.com\" default effect block }\n"
    "  process { deny [\"nc\"] effect alert }\n"
    "}\n"
    "rule \"never tested\" { on file when file.path == \"/etc/shadow\" effect alert }\n"
    "test \"prevented\" {\n"
    "  given process { name: \"cmd.exe\" }\n"
    "  expect prevent\n"
    "}\n"
    "test \"prevented by shell\" {\n"
    "  given process { name: \"cmd.exe\" }\n"
    "  expect prevent by \"shell\"\n"
    "}\n"
    "test \"wrong effect\" {\n"
    "  given process { name: \"powershell.exe\" }\n"
    "  expect alert\n"
    "}\n"
    "test \"windows path\" {\n"
    "  given process { executable: \"C:\\\\Windows\\\\System32\\\\CMD.EXE\" }\n"
    "  expect alert by \"any cmd\"\n"
    "}\n"
    "test \"allow by shell\" {\n"
    "  given process { executable: \"/usr/bin/cmd.exe\", name: \"bash\" }\n"
    "  expect allow by \"shell\"\n"
    "}\n"
    "test \"by the weaker rule\" {\n"
    "  given process { executable: \"/bin/cmd.exe\", name: \"cmd.exe\" }\n"
    "  expect alert by \"any cmd\"\n"
    "}\n"
    "test \"dns blocked\" {\n"
    "  given dns { question.name: \"evil.example\" } container { image.name: \"app:1\" }\n"
    "  expect block by \"app\"\n"
    "}\n"
    "test \"dns allowed\" {\n"
    "  given dns { question.name: \"mail.google.com\" } container { image.name: \"app:1\" }\n"
    "  expect allow\n"
    "}\n"
    "test \"exact big int\" {\n"
    "  given process { pid: 9007199254740993, name: \"x\" }\n"
    "  expect alert by \"big pid\"\n"
    "}\n"
    "test \"off by one big int\" {\n"
    "  given process { pid: 9007199254740992, name: \"x\" }\n"
    "  expect allow\n"
    "}\n";

static void test_events(void)
{
    memfile files[] = {{"policy.pal", events_repo}, {NULL, NULL}};
    pal_testset ts = {0};
    pal_program *p = compile(files, &ts);
    CHECK(p != NULL);
    CHECK_STR(diag_codes, "");
    if (!p) { pal_testset_free(&ts); return; }
    CHECK_INT(ts.ntests, 10);
    CHECK_INT(ts.ntargets, 5);
    pal_test_runner *r = pal_test_runner_new(p, &ts);
    CHECK(r != NULL);
    pal_test_result res;

    CHECK_INT(run_named(r, &ts, "prevented", &res), PAL_TEST_PASS);
    CHECK_INT(res.got, PE_PREVENT);
    pal_test_result_free(&res);

    /* the target `by` names decides: its strongest match, not the decision's */
    CHECK_INT(run_named(r, &ts, "prevented by shell", &res), PAL_TEST_PASS);
    pal_test_result_free(&res);
    CHECK_INT(run_named(r, &ts, "by the weaker rule", &res), PAL_TEST_PASS);
    CHECK_INT(res.got, PE_ALERT);
    CHECK_INT(res.nhits, 2);
    if (res.nhits == 2) {   /* strongest first */
        CHECK_STR(ts.targets[res.hits[0].target].name, "shell");
        CHECK_INT(res.hits[0].effect, PE_PREVENT);
        CHECK_STR(res.hits[0].message, "shell cmd.exe");
        CHECK_STR(ts.targets[res.hits[1].target].name, "any cmd");
    }
    pal_test_result_free(&res);

    CHECK_INT(run_named(r, &ts, "wrong effect", &res), PAL_TEST_FAIL);
    CHECK_INT(res.got, PE_PREVENT);
    CHECK(res.error == NULL);
    pal_test_result_free(&res);

    /* a Windows-shaped path makes the event Windows: no case, \ == / */
    CHECK_INT(run_named(r, &ts, "windows path", &res), PAL_TEST_PASS);
    pal_test_result_free(&res);

    /* allow by R: R did not match, whatever else did */
    CHECK_INT(run_named(r, &ts, "allow by shell", &res), PAL_TEST_PASS);
    CHECK_INT(res.got, PE_ALLOW);
    CHECK_INT(res.nhits, 1);
    pal_test_result_free(&res);

    CHECK_INT(run_named(r, &ts, "dns blocked", &res), PAL_TEST_PASS);
    pal_test_result_free(&res);
    CHECK_INT(run_named(r, &ts, "dns allowed", &res), PAL_TEST_PASS);
    CHECK_INT(res.nhits, 0);
    pal_test_result_free(&res);

    /* ints past 2^53 reach the rule exactly */
    CHECK_INT(run_named(r, &ts, "exact big int", &res), PAL_TEST_PASS);
    pal_test_result_free(&res);
    CHECK_INT(run_named(r, &ts, "off by one big int", &res), PAL_TEST_PASS);
    pal_test_result_free(&res);

    /* coverage: fired or named after `by`; the runtime block is one target */
    const bool *cov = pal_test_covered(r);
    CHECK(cov[pal_testset_find(&ts, "shell")]);
    CHECK(cov[pal_testset_find(&ts, "any cmd")]);
    CHECK(cov[pal_testset_find(&ts, "app")]);
    CHECK(cov[pal_testset_find(&ts, "big pid")]);
    CHECK(!cov[pal_testset_find(&ts, "never tested")]);
    CHECK_INT(pal_testset_find(&ts, "no such rule"), -1);

    /* locations: the test keyword, and the target's declaration */
    int32_t i = test_index(&ts, "wrong effect");
    CHECK(i >= 0);
    if (i >= 0) {
        CHECK_STR(ts.tests[i].file, "policy.pal");
        CHECK_INT(ts.tests[i].line, 32);
        CHECK_INT(ts.tests[i].col, 1);
    }
    int32_t t = pal_testset_find(&ts, "any cmd");
    CHECK(t >= 0);
    if (t >= 0) {
        CHECK_INT(ts.targets[t].line, 8);
        CHECK_INT(ts.targets[t].kind, PR_RULE);
    }
    pal_test_runner_free(r);
    pal_program_free(p);
    pal_testset_free(&ts);
}

/* Coverage counts a target named after `by` even when it did not fire. */
static void test_coverage_by_name(void)
{
    memfile files[] = {{"policy.pal",
        "rule \"r\" { on process when process.name == \"x\" effect alert }\n"
        "test \"not x\" { given process { name: \"y\" } expect allow by \"r\" }\n"}, {NULL, NULL}};
    pal_testset ts = {0};
    pal_program *p = compile(files, &ts);
    CHECK(p != NULL);
    if (!p) { pal_testset_free(&ts); return; }
    pal_test_runner *r = pal_test_runner_new(p, &ts);
    const bool *cov = pal_test_covered(r);
    CHECK(!cov[0]);
    pal_test_result res;
    CHECK_INT(pal_test_run(r, 0, &res), 0);
    CHECK_INT(res.status, PAL_TEST_PASS);
    CHECK(cov[0]);
    pal_test_result_free(&res);
    pal_test_runner_free(r);
    pal_program_free(p);
    pal_testset_free(&ts);
}

static const char *inventory_repo =
    "check \"ROOT\" {\n"
    "  title \"root\"\n"
    "  fail when image.config.user in [\"\", \"root\"]\n"
    "  message \"runs as '{image.config.user}'\"\n"
    "}\n"
    "check \"SETUID\" {\n"
    "  title \"setuid\"\n"
    "  fail when any f in image.files: f.setuid and f.uid == 0\n"
    "  message \"{f.path}\"\n"
    "}\n"
    "check \"NO USERS\" {\n"
    "  title \"no users\"\n"
    "  fail when count(u in image.users: true) == 0\n"
    "}\n"
    "check \"SECRET\" {\n"
    "  title \"secret\"\n"
    "  fail when any e in image.config.env: e.name == \"PASSWORD\"\n"
    "}\n"
    "test \"root\" { given image { config.user: \"root\" } expect fail by \"ROOT\" }\n"
    "test \"app user passes ROOT\" { given image { config.user: \"app\" } expect pass by \"ROOT\" }\n"
    "test \"setuid twice\" {\n"
    "  given image { config.user: \"app\", users: [ { name: \"app\", uid: 1000 } ],\n"
    "                files: [ { path: \"/bin/su\", setuid: true, uid: 0 }, { path: \"/bin/ls\", uid: 0 },\n"
    "                         { path: \"/bin/mount\", setuid: true, uid: 0 } ] }\n"
    "  expect fail by \"SETUID\"\n"
    "}\n"
    "test \"all pass\" { given image { config.user: \"app\", users: [ { name: \"app\" } ] } expect pass }\n"
    "test \"env as a map\" { given image { config.env: { PASSWORD: \"x\" } } expect fail by \"SECRET\" }\n"
    "test \"empty collections\" { given image { config.user: \"app\" } expect fail by \"NO USERS\" }\n"
    "test \"from a file\" {\n"
    "  given image { from_file: \"fixtures/inv.json\" }\n"
    "  expect fail by \"ROOT\"\n"
    "}\n"
    "test \"from a file, overridden\" {\n"
    "  given image { from_file: \"fixtures/inv.json\", config.user: \"app\" }\n"
    "  expect pass\n"
    "}\n";

static const char *inventory_json =
    "{\"image\": {\"name\": \"x:1\", \"os\": \"linux\", \"config\": {\"user\": \"root\", \"env\": []}},\n"
    " \"files\": [], \"packages\": [], \"users\": [{\"name\": \"root\", \"uid\": 0}], \"groups\": []}\n";

static void test_inventories(void)
{
    memfile files[] = {{"policy.pal", inventory_repo}, {"fixtures/inv.json", inventory_json}, {NULL, NULL}};
    pal_testset ts = {0};
    pal_program *p = compile(files, &ts);
    CHECK(p != NULL);
    CHECK_STR(diag_codes, "");
    if (!p) { pal_testset_free(&ts); return; }
    pal_test_runner *r = pal_test_runner_new(p, &ts);
    pal_test_result res;
    const char *passing[] = {"root", "app user passes ROOT", "all pass", "env as a map", "empty collections",
                             "from a file", "from a file, overridden", NULL};
    for (int i = 0; passing[i]; i++) {
        int st = run_named(r, &ts, passing[i], &res);
        if (st != PAL_TEST_PASS) fprintf(stderr, "test \"%s\" did not pass\n", passing[i]);
        CHECK_INT(st, PAL_TEST_PASS);
        pal_test_result_free(&res);
    }
    /* one finding per element: two setuid-root files */
    CHECK_INT(run_named(r, &ts, "setuid twice", &res), PAL_TEST_PASS);
    CHECK_INT(res.got, PE_FAIL);
    CHECK_INT(res.nhits, 1);
    if (res.nhits == 1) {
        CHECK_INT(res.hits[0].count, 2);
        CHECK_STR(res.hits[0].message, "/bin/su");
    }
    pal_test_result_free(&res);
    /* `expect pass` without `by`: every check; the root test fails two */
    CHECK_INT(run_named(r, &ts, "root", &res), PAL_TEST_PASS);
    CHECK_INT(res.nhits, 2);
    pal_test_result_free(&res);
    pal_test_runner_free(r);
    pal_program_free(p);
    pal_testset_free(&ts);
}

/* Tests are not part of the program: with or without them, the same code. */
static void test_program_unchanged(void)
{
    memfile files[] = {{"policy.pal", events_repo}, {NULL, NULL}};
    pal_testset ts = {0};
    pal_program *a = compile(files, &ts);
    pal_program *b = compile(files, NULL);
    CHECK(a && b);
    if (a && b) {
        CHECK_INT(a->ncode, b->ncode);
        CHECK_INT(a->nrules, b->nrules);
        CHECK_INT(a->strings_len, b->strings_len);
        CHECK(a->ncode == b->ncode && !memcmp(a->code, b->code, a->ncode * sizeof *a->code));
        CHECK(a->strings_len == b->strings_len && !memcmp(a->strings, b->strings, a->strings_len));
    }
    pal_program_free(a);
    pal_program_free(b);
    pal_testset_free(&ts);
}

/* Tests of several events: each `given` one event, `at` its time from
   the test's start; the events decide together, each test from a fresh
   correlation state. */
static const char *chains_repo =
    "sequence \"fetch then run\" {\n"
    "  by host.name\n"
    "  within 1m\n"
    "  step fetch { on process when process.name == \"curl\" }\n"
    "  step run { on process when process.executable like \"/tmp/**\" }\n"
    "  effect prevent\n"
    "  message \"{fetch.process.command_line} then {run.process.executable}\"\n"
    "}\n"
    "rule \"sudo burst\" {\n"
    "  on process\n"
    "  when process.name == \"sudo\"\n"
    "  count >= 3 by host.name within 10s\n"
    "}\n"
    "rule \"tmp exec\" { on process when process.executable like \"/tmp/**\" effect alert }\n"
    "test \"chain\" {\n"
    "  given process { name: \"curl\", command_line: \"curl -o /tmp/x\" } host { name: \"h\" }\n"
    "  given process { executable: \"/tmp/x\" } host { name: \"h\" } at +30s\n"
    "  expect prevent by \"fetch then run\"\n"
    "}\n"
    "test \"chain, the decision\" {\n"
    "  given process { name: \"curl\" } host { name: \"h\" }\n"
    "  given process { executable: \"/tmp/x\" } host { name: \"h\" } at +60s\n"
    "  expect prevent\n"
    "}\n"
    "test \"past the window\" {\n"
    "  given process { name: \"curl\" } host { name: \"h\" }\n"
    "  given process { executable: \"/tmp/x\" } host { name: \"h\" } at +60001ms\n"
    "  expect allow by \"fetch then run\"\n"
    "}\n"
    "test \"out of order within the tolerance\" {\n"
    "  given process { name: \"curl\" } host { name: \"h\" } at +10s\n"
    "  given process { executable: \"/tmp/x\" } host { name: \"h\" } at +9s\n"
    "  expect prevent by \"fetch then run\"\n"
    "}\n"
    "test \"out of order past it\" {\n"
    "  given process { name: \"curl\" } host { name: \"h\" } at +10s\n"
    "  given process { executable: \"/tmp/x\" } host { name: \"h\" } at +7s\n"
    "  expect allow by \"fetch then run\"\n"
    "}\n"
    "test \"run alone\" {\n"
    "  given process { executable: \"/tmp/x\" } host { name: \"h\" }\n"
    "  expect alert\n"
    "}\n"
    "test \"three sudos\" {\n"
    "  given process { name: \"sudo\" } host { name: \"h\" }\n"
    "  given process { name: \"sudo\" } host { name: \"h\" } at 5s\n"
    "  given process { name: \"sudo\" } host { name: \"h\" } at 4s\n"
    "  expect alert by \"sudo burst\"\n"
    "}\n"
    "test \"two sudos, then one too late\" {\n"
    "  given process { name: \"sudo\" } host { name: \"h\" }\n"
    "  given process { name: \"sudo\" } host { name: \"h\" }\n"
    "  given process { name: \"sudo\" } host { name: \"h\" } at +11s\n"
    "  expect allow by \"sudo burst\"\n"
    "}\n"
    "test \"two sudos\" {\n"
    "  given process { name: \"sudo\" } host { name: \"h\" }\n"
    "  given process { name: \"sudo\" } host { name: \"h\" }\n"
    "  expect allow by \"sudo burst\"\n"
    "}\n";

static void test_several_events(void)
{
    memfile files[] = {{"policy.pal", chains_repo}, {NULL, NULL}};
    pal_testset ts = {0};
    pal_program *p = compile(files, &ts);
    CHECK(p != NULL);
    if (!p) { fprintf(stderr, "%s\n", diag_codes); return; }
    int32_t c = test_index(&ts, "chain");
    CHECK(c >= 0);
    if (c < 0) return;
    CHECK_INT(ts.tests[c].nmore, 1);
    CHECK(strstr(ts.tests[c].input, "\"@timestamp\":\"2024-01-01T00:00:00.000Z\"") != NULL);
    CHECK(strstr(ts.tests[c].more[0], "\"@timestamp\":\"2024-01-01T00:00:30.000Z\"") != NULL);
    int32_t two = test_index(&ts, "two sudos");
    CHECK(two >= 0 && ts.tests[two].nmore == 1 && !strstr(ts.tests[two].input, "@timestamp"));   /* no `at`: no time */
    pal_test_runner *r = pal_test_runner_new(p, &ts);
    pal_test_result res;
    static const char *const passing[] = {"chain", "chain, the decision", "past the window", "out of order within the tolerance",
                                          "out of order past it", "run alone", "three sudos", "two sudos, then one too late",
                                          "two sudos"};
    /* twice over, in both orders: no test leaves state for the next */
    for (int round = 0; round < 2; round++)
        for (size_t k = 0; k < sizeof passing / sizeof *passing; k++) {
            const char *name = passing[round ? sizeof passing / sizeof *passing - 1 - k : k];
            int st = run_named(r, &ts, name, &res);
            if (st != PAL_TEST_PASS) fprintf(stderr, "%s: got %d\n", name, res.got);
            CHECK_INT(st, PAL_TEST_PASS);
            pal_test_result_free(&res);
        }
    /* the chain's match is among the hits, with its message */
    CHECK_INT(run_named(r, &ts, "chain", &res), PAL_TEST_PASS);
    bool found = false;
    for (uint32_t h = 0; h < res.nhits; h++)
        if (!strcmp(ts.targets[res.hits[h].target].name, "fetch then run"))
            found = res.hits[h].effect == PE_PREVENT && !strcmp(res.hits[h].message, "curl -o /tmp/x then /tmp/x");
    CHECK(found);
    pal_test_result_free(&res);
    int32_t f = pal_testset_find(&ts, "fetch then run");
    CHECK(f >= 0 && !strcmp(pal_test_target_kind(ts.targets[f].kind), "sequence"));
    pal_test_runner_free(r);
    pal_testset_free(&ts);
    pal_program_free(p);
}

/* What a test gets wrong is a compile error at the test, with its code. */
static void expect_errors(const char *src, const char *codes, bool with_tests)
{
    memfile files[] = {{"policy.pal", src}, {"bad.json", "{\"image\": "}, {NULL, NULL}};
    pal_testset ts = {0};
    pal_program *p = compile(files, with_tests ? &ts : NULL);
    CHECK(p == NULL);
    if (strcmp(diag_codes, codes)) fprintf(stderr, "for:\n%s", src);
    CHECK_STR(diag_codes, codes);
    pal_program_free(p);
    pal_testset_free(&ts);
}

static void test_errors(void)
{
    const char *rules = "rule \"r\" { on process when process.name == \"x\" effect alert }\n"
                        "check \"C\" { title \"t\" fail when image.os == \"x\" }\n";
    char src[2048];
#define ERR(test, codes, with) do { snprintf(src, sizeof src, "%s%s", rules, test); expect_errors(src, codes, with); } while (0)
    /* checked by every compile */
    ERR("test \"t\" { given process { name: \"x\" } expect fail }\n", "3:47:PAL0206", false);
    ERR("test \"t\" { given image { os: \"x\" } expect alert }\n", "3:43:PAL0206", false);
    ERR("test \"t\" { given process { name: \"x\" } expect alert by \"C\" }\n", "3:47:PAL0311", false);
    ERR("test \"t\" { given image { os: \"x\" } expect fail by \"r\" }\n", "3:43:PAL0311", false);
    ERR("test \"t\" { given image { os: \"x\" } process { name: \"x\" } expect fail }\n", "3:36:PAL0301", false);
    ERR("test \"t\" { given image { files: [ { pth: \"/x\" } ] } expect pass }\n", "3:37:PAL0301", false);
    ERR("test \"t\" { given image { files: [ \"/x\" ] } expect pass }\n", "3:35:PAL0401", false);
    ERR("test \"t\" { given process { name: \"x\", name: \"y\" } expect alert }\n", "3:39:PAL0203", false);
    ERR("test \"t\" { given destination { \"port\": 70000 } expect alert }\n", "3:40:PAL0408", false);
    ERR("test \"t\" { given destination { \"ip\": 10.0.0.0/8 } expect alert }\n", "3:38:PAL0407", false);
    ERR("test \"t\" { given image { from_file: 1 } expect pass }\n", "3:37:PAL0401", false);
    /* several events: each its own fields; an image test has one, and no time */
    ERR("test \"t\" { given process { name: \"x\" } given process { name: \"x\", name: \"y\" } expect alert }\n", "3:67:PAL0203", false);
    ERR("test \"t\" { given image { os: \"x\" } given image { os: \"y\" } expect pass }\n", "3:42:PAL0301", false);
    ERR("test \"t\" { given image { os: \"x\" } at +1s expect pass }\n", "3:36:PAL0301", false);
    ERR("test \"t\" { given process { name: \"x\" } after +1s expect alert }\n", "3:40:PAL0201", false);
    /* checked when the tests are built */
    ERR("test \"t\" { given container { id: \"c1\" } expect alert }\n", "3:18:PAL0208", true);
    ERR("test \"t\" { given image { from_file: \"nope.json\" } expect pass }\n", "3:37:PAL0001", true);
    ERR("test \"t\" { given image { from_file: \"/etc/passwd\" } expect pass }\n", "3:37:PAL0001", true);
    ERR("test \"t\" { given image { from_file: \"bad.json\" } expect pass }\n", "3:37:PAL0401", true);
#undef ERR
    /* and a plain compile does not read fixtures */
    memfile files[] = {{"policy.pal", "check \"C\" { title \"t\" fail when image.os == \"x\" }\n"
                                      "test \"t\" { given image { from_file: \"nope.json\" } expect pass }\n"},
                       {NULL, NULL}};
    pal_program *p = compile(files, NULL);
    CHECK(p != NULL);
    pal_program_free(p);
}

int main(void)
{
    test_events();
    test_several_events();
    test_coverage_by_name();
    test_inventories();
    test_program_unchanged();
    test_errors();
    return unit_result("test_testrun");
}

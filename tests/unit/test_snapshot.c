/*
 * test_snapshot.c — compiling a policy repo from a consistent snapshot
 * (lang/compile/snapshot.h): a quiet tree compiles at the first attempt,
 * like pal_compile_dir; a file open for writing, or changed a moment ago,
 * is waited for (settle_ms counts from a file's ctime, which no tool can
 * set back); a tree that never settles fails with the reason; the
 * diagnostics of a broken tree are printed once; a bundle-like file read
 * alone follows the same rules.
 */
#include "tests/unit/unit.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "lang/compile/snapshot.h"

static char dir[256];

static void write_text(const char *rel, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
}

static const char *RULE_A = "package main\n\nrule \"a\" {\n  on process\n  when process.name == \"a\"\n  effect alert\n  message \"a\"\n}\n";
static const char *RULE_B = "package main\n\nrule \"b\" {\n  on process\n  when process.name == \"b\"\n  effect alert\n  message \"b\"\n}\n";

static void test_quiet_tree(void)
{
    write_text("a.pal", RULE_A);
    char sub[512];
    snprintf(sub, sizeof sub, "%s/sub", dir);
    mkdir(sub, 0755);
    write_text("sub/b.pal", RULE_B);
    pal_snapshot_opts so = {0};
    so.settle_ms = 0;
    so.probe_writers = true;
    pal_snapshot_result res;
    unsigned ne = 9, nw = 9;
    char err[1024];
    pal_program *p = pal_compile_snapshot(dir, NULL, &so, &ne, &nw, &res, err, sizeof err);
    CHECK(p != NULL);
    CHECK_INT(ne, 0);
    CHECK_INT(res.attempts, 1);
    CHECK_INT(res.files, 2);
    pal_program *q = pal_compile_dir(dir, NULL, NULL, NULL);
    CHECK(q != NULL);
    if (p && q) {
        CHECK_INT(p->nrules, q->nrules);
        CHECK_INT(p->nsources, q->nsources);
        for (uint32_t i = 0; i < p->nsources && i < q->nsources; i++) {
            CHECK_STR(pal_program_str(p, p->sources[i].path), pal_program_str(q, q->sources[i].path));
            CHECK_STR(pal_program_str(p, p->sources[i].sha256), pal_program_str(q, q->sources[i].sha256));
        }
    }
    pal_program_free(p);
    pal_program_free(q);
}

static void test_open_for_writing(void)
{
    char path[512];
    snprintf(path, sizeof path, "%s/a.pal", dir);
    int wfd = open(path, O_WRONLY | O_APPEND);   /* a writer at work */
    CHECK(wfd >= 0);
    pal_snapshot_opts so = {0};
    so.max_wait_ms = 150;
    so.probe_writers = true;
    pal_snapshot_result res;
    unsigned ne = 9;
    char err[1024];
    pal_program *p = pal_compile_snapshot(dir, NULL, &so, &ne, NULL, &res, err, sizeof err);
    CHECK(p == NULL);
    CHECK_INT(ne, 0);
    CHECK(res.attempts >= 2);
    CHECK(strstr(err, "kept changing") != NULL && strstr(err, "a.pal is open for writing") != NULL);
    if (!strstr(err, "open for writing")) fprintf(stderr, "  err: %s\n", err);

    unsigned char *data = NULL;
    size_t len = 0;
    CHECK_INT(pal_read_file_snapshot(path, 1 << 20, &so, &data, &len, &res, err, sizeof err), -1);
    CHECK(strstr(err, "is open for writing") != NULL);
    close(wfd);

    /* closed: taken at once */
    p = pal_compile_snapshot(dir, NULL, &so, &ne, NULL, &res, err, sizeof err);
    CHECK(p != NULL);
    CHECK_INT(res.attempts, 1);
    pal_program_free(p);
    CHECK_INT(pal_read_file_snapshot(path, 1 << 20, &so, &data, &len, &res, err, sizeof err), 0);
    CHECK_INT(len, strlen(RULE_A));
    CHECK(data && !memcmp(data, RULE_A, len));
    free(data);
    CHECK_INT(pal_read_file_snapshot(path, 10, &so, &data, &len, &res, err, sizeof err), -1);
    CHECK(strstr(err, "larger than 10 bytes") != NULL);
}

static void test_settle(void)
{
    write_text("sub/b.pal", RULE_B);   /* changed just now (its ctime: no tool can set that back) */
    pal_snapshot_opts so = {0};
    so.settle_ms = 250;
    pal_snapshot_result res;
    unsigned ne = 9;
    char err[1024];
    pal_program *p = pal_compile_snapshot(dir, NULL, &so, &ne, NULL, &res, err, sizeof err);
    CHECK(p != NULL);
    CHECK(res.attempts >= 2);                      /* waited for it to settle */
    CHECK(strstr(res.unstable, ".pal changed") != NULL);
    pal_program_free(p);
    p = pal_compile_snapshot(dir, NULL, &so, &ne, NULL, &res, err, sizeof err);
    CHECK(p != NULL);
    CHECK_INT(res.attempts, 1);
    pal_program_free(p);
}

static void test_never_settles(void)
{
    pal_snapshot_opts so = {0};
    so.settle_ms = 100000;   /* longer than the wait: nothing written now can settle in time */
    so.max_wait_ms = 100;
    write_text("a.pal", RULE_A);
    pal_snapshot_result res;
    unsigned ne = 9;
    char err[1024];
    pal_program *p = pal_compile_snapshot(dir, NULL, &so, &ne, NULL, &res, err, sizeof err);
    CHECK(p == NULL);
    CHECK_INT(ne, 0);
    CHECK(strstr(err, "a.pal changed") != NULL && strstr(err, "not loaded") != NULL);
}

static void test_diagnostics_once(void)
{
    write_text("sub/b.pal", "package main\n\nrule \"b\" {\n  on process\n  when process.nmae == \"b\"\n  effect alert\n}\n");
    char *text = NULL;
    size_t tlen = 0;
    FILE *out = open_memstream(&text, &tlen);
    pal_snapshot_opts so = {0};
    so.diag_out = out;
    pal_snapshot_result res;
    unsigned ne = 0;
    char err[1024];
    pal_program *p = pal_compile_snapshot(dir, NULL, &so, &ne, NULL, &res, err, sizeof err);
    fclose(out);
    CHECK(p == NULL);
    CHECK(ne >= 1);
    CHECK(text && strstr(text, "sub/b.pal:5:") != NULL);
    char *second = text ? strstr(text, "sub/b.pal:5:") : NULL;
    CHECK(second && !strstr(second + 1, "sub/b.pal:5:"));   /* once */
    free(text);

    /* an empty tree and a missing one are errors like pal_compile_dir's */
    char empty[300];
    snprintf(empty, sizeof empty, "%s/x", dir);
    mkdir(empty, 0755);
    text = NULL;
    out = open_memstream(&text, &tlen);
    so.diag_out = out;
    p = pal_compile_snapshot(empty, NULL, &so, &ne, NULL, &res, err, sizeof err);
    fclose(out);
    CHECK(p == NULL && ne == 1 && text && strstr(text, "no .pal files here"));
    free(text);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/pal-test-snapshot-XXXXXX");
    if (!mkdtemp(dir)) { perror("mkdtemp"); return 1; }
    test_quiet_tree();
    test_open_for_writing();
    test_settle();
    test_never_settles();
    test_diagnostics_once();
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return unit_result("test_snapshot");
}

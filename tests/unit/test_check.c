/*
 * test_check.c — a refused compile gives back every byte it took.
 *
 * An agent compiles each reload in a child, a `palisade lint` watcher or an
 * embedding host compiles in-process: a leak per refused source adds up.
 * Each source below fails for one reason (found by review or by
 * fuzz_compile); the test compiles it once to warm any one-time state, then
 * many more times, and the heap in use (glibc mallinfo2) must end where it
 * started.  glibc's tcache and fastbins hold freed chunks that mallinfo2
 * counts as in use, so the test re-executes itself with both turned off
 * (GLIBC_TUNABLES) and the count is exact.  Under ASan mallinfo2 does not
 * see the allocator, so there the check is vacuous and LeakSanitizer at
 * exit does the job.
 */
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "unit.h"
#include "lang/compile/palc.h"

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

static void quiet(const pal_diagnostic *d, void *user)
{
    (void)user;
    if (getenv("TEST_CHECK_VERBOSE")) pal_diag_print(d, stderr);
}

/* Compiles policy.pal (and any other .pal in files); returns the error count. */
static unsigned compile_errors(const memfile *files)
{
    pal_compile_opts o = {0};
    o.build_time = 1;
    o.read = read_mem;
    o.read_user = (void *)files;
    o.diag = quiet;
    const char *paths[4];
    size_t n = 0;
    for (const memfile *f = files; f->path && n < 4; f++)
        if (strlen(f->path) > 4 && !strcmp(f->path + strlen(f->path) - 4, ".pal")) paths[n++] = f->path;
    unsigned errors = 0, warnings = 0;
    pal_program *p = pal_compile(paths, n, &o, &errors, &warnings);
    pal_program_free(p);
    return errors;
}

static size_t heap_in_use(void)
{
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
}

#define RUNS 64

static void check_no_leak(const char *what, const memfile *files)
{
    CHECK(compile_errors(files) > 0);   /* the source is refused */
    size_t before = heap_in_use();
    for (int i = 0; i < RUNS; i++) compile_errors(files);
    size_t after = heap_in_use();
    if (after > before) fprintf(stderr, "%s: %zu bytes more in use after %d refused compiles\n",
                                what, after - before, RUNS);
    CHECK(after <= before);
}

#define EXACT_HEAP "glibc.malloc.tcache_count=0:glibc.malloc.mxfast=0"

int main(int argc, char **argv)
{
    (void)argc;
    const char *t = getenv("GLIBC_TUNABLES");
    if (!t || strcmp(t, EXACT_HEAP)) {
        setenv("GLIBC_TUNABLES", EXACT_HEAP, 1);
        execv("/proc/self/exe", argv);
        perror("test_check: re-executing with exact heap accounting");
        return 2;
    }
    /* PAL0412 through a list name: the checker's flattened list was kept */
    check_no_leak("mixed list by name", (const memfile[]){
        {"policy.pal", "list xs = [\"a\", 1]\n"
                       "rule \"r\" {\n  on process\n  when process.name in xs\n  effect alert\n}\n"},
        {NULL, NULL}});
    /* PAL0412 in a literal right of `in` */
    check_no_leak("mixed literal list", (const memfile[]){
        {"policy.pal", "rule \"r\" {\n  on process\n  when process.name in [\"a\", 1]\n  effect alert\n}\n"},
        {NULL, NULL}});
    /* PAL0412 through a list name inside a list used as a value */
    check_no_leak("mixed list nested", (const memfile[]){
        {"policy.pal", "list xs = [\"a\", 1]\nlist ys = [xs, \"b\"]\n"
                       "rule \"r\" {\n  on process\n  when process.name in ys\n  effect alert\n}\n"},
        {NULL, NULL}});
    return unit_result("test_check");
}

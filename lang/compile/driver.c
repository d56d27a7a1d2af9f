/*
 * driver.c — a policy repo compiled, stage by stage:
 *
 *   1. read and parse every .pal file           (lang/syntax)
 *   2. enter every declaration, resolve imports  (lang/check/repo.c)
 *   3. per declaration: check it, generate it    (lang/check, lang/compile)
 *      tests are checked here too and, for `palisade test`, their inputs
 *      built (lang/check/tests.c) — the runner never calls back in here
 *   4. finish the program: manifest, constants, verification
 *
 * The program is verified by pal_program_prepare() before it is returned,
 * like any loaded bundle.  Any error anywhere means no program: a policy
 * never runs with part of its rules.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <sodium.h>
#include "lang/compile/codegen.h"
#include "lang/compile/palc.h"
#include "lang/check/testset.h"
#include "lang/syntax/parser.h"
#include "engine/base/fileio.h"
#include "engine/vm/vm.h"

/* The strings blob is final: point string constants into it. */
static void finish_consts(pal_program *p)
{
    for (uint32_t i = 0; i < p->nconsts; i++)
        if (p->consts[i].tag == PV_STR) {
            uint32_t off = (uint32_t)p->consts[i].u.i;
            p->consts[i].u.s = p->strings + off;
        }
}

static void default_diag(const pal_diagnostic *d, void *user)
{
    pal_diag_print(d, user ? user : stderr);
}

/* Stage 1: every file read through the reader, bounded, and parsed. */
static void read_sources(pal_cc *cc, const char *const *paths, size_t npaths)
{
    const pal_compile_opts *o = cc->opts;
    for (size_t i = 0; i < npaths; i++) {
        char *data = NULL;
        size_t len = 0;
        if (!o->read || o->read(o->read_user, paths[i], &data, &len) != 0) {
            pal_diag_file(&cc->diags, "PAL0001", paths[i], "cannot read the file");
            continue;
        }
        if (len > PAL_MAX_SOURCE_BYTES) {
            pal_diag_file(&cc->diags, "PAL0002", paths[i], "larger than %u bytes", PAL_MAX_SOURCE_BYTES);
            free(data);
            continue;
        }
        if (memchr(data, 0, len)) {
            pal_diag_file(&cc->diags, "PAL0103", paths[i], "contains a NUL byte: not a policy source file");
            free(data);
            continue;
        }
        pal_cc_add_source(cc, paths[i], data, len);
        pal_srcfile *sf = pal_arena_alloc(&cc->arena, sizeof *sf);
        if (!sf) { free(data); cc->gen_failed = true; break; }
        sf->path = pal_arena_strndup(&cc->arena, paths[i], strlen(paths[i]));
        sf->text = pal_arena_strndup(&cc->arena, data, len);
        sf->len = len;
        sf->id = cc->nfiles;
        free(data);
        cc->files[cc->nfiles] = sf;
        cc->diags.nfiles = cc->nfiles + 1;
        cc->asts[cc->nfiles] = pal_parse(&cc->arena, sf, cc->nfiles, &cc->diags);
        if (!cc->asts[cc->nfiles]) { cc->gen_failed = true; break; }
        cc->nfiles++;
    }
}

/* Stage 3 for one declaration. */
static void check_and_generate(pal_cc *cc, pal_decl *d, pal_testset *ts)
{
    switch (d->kind) {
    case D_LIST: {
        pal_cvals cv = {0};
        cc->curfile = d->file;
        pal_const_list(cc, d->expr, &cv);
        free(cv.v);
        break;
    }
    case D_MACRO:
        break;   /* checked where used */
    case D_CHECK: cg_check(cc, d); break;
    case D_RULE: cg_rule(cc, d); break;
    case D_RUNTIME: cg_runtime(cc, d); break;
    case D_FIREWALL: cg_firewall(cc, d); break;
    case D_SEQUENCE: cg_sequence(cc, d); break;
    case D_TEST: {
        unsigned before = cc->diags.errors;
        pal_check_test(cc, d);
        if (ts && cc->diags.errors == before) pal_testset_add(ts, cc, d);
        break;
    }
    }
}

/* Stage 4: the manifest and the constants, then the verifier. */
static void finish_program(pal_cc *cc)
{
    pal_program *p = cc->p;
    const pal_compile_opts *o = cc->opts;
    for (pal_source_rec *s = cc->sources; s; s = s->next) {
        if (!GROW(cc, p->sources, p->nsources, cc->cap_sources)) { cc->gen_failed = true; return; }
        p->sources[p->nsources].path = cg_add_cstr(cc, s->path);
        p->sources[p->nsources].sha256 = cg_add_cstr(cc, s->sha256);
        p->nsources++;
    }
    char rev[512] = "";
    if (o->revision_of) o->revision_of(o->revision_user, p, rev, sizeof rev);
    p->revision = cg_add_cstr(cc, o->revision_of ? rev : o->revision ? o->revision : "");
    p->build_time = o->build_time ? o->build_time : (int64_t)time(NULL);
    p->schema_digest = pal_schema_digest();
    if (!p->strings) cg_add_cstr(cc, "");
    if (cc->gen_failed) return;
    finish_consts(p);
    char err[512];
    if (pal_program_prepare(p, err, sizeof err) != 0)
        pal_diag_file(&cc->diags, "PAL0502", "(program)", "the compiled program failed verification: %s", err);
}

/* The driver; with ts, the tests are kept for `palisade test` as well;
   with check_only every diagnostic is reported but no program is finished
   (no manifest, no verification, no matchers built: what lint needs). */
static pal_program *compile_repo(const char *const *paths, size_t npaths, const pal_compile_opts *o,
                                 unsigned *nerrors, unsigned *nwarnings, pal_testset *ts, bool check_only)
{
    static const pal_compile_opts defaults = {0};
    if (!o) o = &defaults;
    if (sodium_init() < 0) return NULL;
    pal_cc *cc = calloc(1, sizeof *cc);
    if (!cc) return NULL;
    cc->opts = o;
    pal_arena_init(&cc->arena, 0);
    cc->diags.fn = o->diag ? o->diag : default_diag;
    cc->diags.user = o->diag ? o->diag_user : stderr;
    cc->diags.max_errors = o->max_errors ? o->max_errors : PAL_MAX_ERRORS;
    cc->p = calloc(1, sizeof *cc->p);
    if (npaths > PAL_MAX_FILES) {
        pal_diag_file(&cc->diags, "PAL0002", paths[0], "more than %u policy files", PAL_MAX_FILES);
        npaths = 0;
    }
    cc->files = pal_arena_alloc(&cc->arena, (npaths + 1) * sizeof *cc->files);
    cc->asts = pal_arena_alloc(&cc->arena, (npaths + 1) * sizeof *cc->asts);
    cc->diags.files = cc->files;
    if (cc->p && cc->files && cc->asts) {
        read_sources(cc, paths, npaths);
        for (uint32_t i = 0; i < cc->nfiles; i++) pal_check_declare(cc, cc->asts[i]);
        for (uint32_t i = 0; i < cc->nfiles; i++) pal_check_imports(cc, cc->asts[i]);
        for (uint32_t i = 0; i < cc->nfiles; i++) pal_check_import_cycles(cc, cc->asts[i]);
        for (uint32_t i = 0; i < cc->nfiles; i++)
            for (pal_decl *d = cc->asts[i]->decls; d && cc->diags.errors <= cc->diags.max_errors; d = d->next)
                check_and_generate(cc, d, ts);
        if (ts) pal_testset_finish(ts, cc);
    }
    if (nwarnings) *nwarnings = cc->diags.warnings;
    pal_program *p = cc->p;
    if (cc->diags.errors == 0 && p && !check_only) finish_program(cc);
    if (cc->diags.errors == 0 && (cc->gen_failed || !p))
        pal_diag_file(&cc->diags, "PAL0502", npaths ? paths[0] : "(none)",
                      "the compiler ran out of memory or a limit; see lang/SPEC.md \"Limits\"");
    if (nerrors) *nerrors = cc->diags.errors;
    if ((cc->diags.errors || check_only) && p) {
        pal_program_free(p);
        p = NULL;
    }
    for (uint32_t b = 0; b < cc->feeds.nbuckets; b++)
        for (pal_strmap_entry *e = cc->feeds.buckets[b]; e; e = e->next)
            free(((pal_cvals *)e->value)->v);
    pal_arena_free(&cc->arena);
    free(cc);
    return p;
}

/* ---- a policy repo on disk ---- */

int pal_read_from_dir(void *dir, const char *relpath, char **data, size_t *len)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s/%s", (const char *)dir, relpath) >= (int)sizeof path) return -1;
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) return -1;
    /* one byte past the largest limit of a repo file, so the caller can say
       "larger than" with its own limit's name */
    int rc = pal_read_file(path, (size_t)PAL_MAX_FEED_BYTES + 1, data, len, NULL, 0);
    return rc == PAL_READ_OK ? 0 : -1;
}

pal_program *pal_compile(const char *const *paths, size_t npaths, const pal_compile_opts *o,
                         unsigned *nerrors, unsigned *nwarnings)
{
    return compile_repo(paths, npaths, o, nerrors, nwarnings, NULL, false);
}

pal_program *pal_compile_tests(const char *const *paths, size_t npaths, const pal_compile_opts *o,
                               unsigned *nerrors, unsigned *nwarnings, pal_testset *tests)
{
    return compile_repo(paths, npaths, o, nerrors, nwarnings, tests, false);
}

void pal_check_repo(const char *const *paths, size_t npaths, const pal_compile_opts *o,
                    unsigned *nerrors, unsigned *nwarnings)
{
    compile_repo(paths, npaths, o, nerrors, nwarnings, NULL, true);
}

static pal_program *compile_dir(const char *dir, const pal_compile_opts *o, unsigned *nerrors,
                                unsigned *nwarnings, pal_testset *ts)
{
    pal_pathlist pl = {0};
    struct stat st;
    pal_compile_opts opts = o ? *o : (pal_compile_opts){0};
    pal_diags quick = {opts.diag ? opts.diag : default_diag, opts.diag ? opts.diag_user : stderr, 0, 0, 0, NULL, 0};
    if (stat(dir, &st) != 0) {
        pal_diag_file(&quick, "PAL0001", dir, "%s", strerror(errno));
        if (nerrors) *nerrors = 1;
        return NULL;
    }
    char parent[4096];
    if (S_ISREG(st.st_mode)) {   /* a single .pal file: its directory is the repo */
        snprintf(parent, sizeof parent, "%s", dir);
        char *slash = strrchr(parent, '/');
        const char *base = slash ? slash + 1 : parent;
        pl.v = malloc(sizeof *pl.v);
        if (pl.v && (pl.v[0] = strdup(base))) pl.n = 1;
        if (slash) *slash = 0; else snprintf(parent, sizeof parent, ".");
        dir = parent;
    } else {
        static const char *const pal_suffix[] = {".pal", NULL};
        char why[512];
        if (pal_list_files(dir, pal_suffix, 32, PAL_MAX_FILES + 1, &pl, why, sizeof why) != 0) {
            pal_diag_file(&quick, "PAL0001", dir, "%s", why);
            if (nerrors) *nerrors = 1;
            return NULL;
        }
    }
    if (pl.n == 0) {
        pal_diag_file(&quick, "PAL0001", dir, "no .pal files here");
        if (nerrors) *nerrors = 1;
        pal_pathlist_free(&pl);
        return NULL;
    }
    opts.read = pal_read_from_dir;
    opts.read_user = (void *)dir;
    pal_program *p = compile_repo((const char *const *)pl.v, pl.n, &opts, nerrors, nwarnings, ts, false);
    pal_pathlist_free(&pl);
    return p;
}

pal_program *pal_compile_dir(const char *dir, const pal_compile_opts *o, unsigned *nerrors, unsigned *nwarnings)
{
    return compile_dir(dir, o, nerrors, nwarnings, NULL);
}

pal_program *pal_compile_dir_tests(const char *dir, const pal_compile_opts *o, unsigned *nerrors,
                                   unsigned *nwarnings, pal_testset *tests)
{
    return compile_dir(dir, o, nerrors, nwarnings, tests);
}

/*
 * cmd_lint.c — `palisade lint [--format F] [--config FILE] [--fail-level L]
 * [DIR|FILE.pal ...]`: the linter (lang/tools/lint.c) on policy repos, printed as
 * text (the compiler's diagnostic format, here), or as JSON, SARIF 2.1.0 or
 * GitHub workflow commands by the report writers (engine/report, the same
 * as `palisade scan`'s) from the linter's findings as a report.
 *
 * Each DIR is a repo, linted with its own `.palisade.yaml` (from DIR, or
 * --config for all).  A FILE.pal is linted as part of its repo — the nearest
 * directory above it holding a `.palisade.yaml`, else its own directory —
 * and only its findings are shown, so `unused list` and `duplicate name`
 * mean the same as when the repo is linted whole.  Exit status: 2 when a
 * repo cannot be read, parsed or compiled, or on a bad argument or config;
 * else 1 when a finding is at or above the fail level; else 0.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli/args.h"
#include "cli/cli.h"
#include "lang/tools/lint.h"
#include "engine/report/report.h"

static void usage(FILE *f)
{
    /* the range from the one table of codes (lang/tools/lint.c), so a new code shows here */
    fprintf(f, "usage: palisade lint [--format text|json|sarif|github] [--config FILE]\n"
               "                     [--fail-level error|warning|none] [--list-codes] [DIR|FILE.pal ...]\n"
               "Finds mistakes the compiler accepts (codes %s-%s, lang/LINT.md), and\n"
               "reports the compiler's own errors and warnings. Default: the current directory.\n"
               "  --format F       text (default), json, sarif (2.1.0) or github (workflow commands)\n"
               "  --config FILE    levels per code and the fail level; default DIR/.palisade.yaml\n"
               "  --fail-level L   error, warning (default) or none: what makes the exit status 1\n"
               "  --list-codes     print the lint codes with their default levels\n"
               "Suppress one finding with a comment naming its code on its line, or on the line\n"
               "above: // palisade:ignore PAL0701 why. Exit status: 0 clean; 1 a finding at or\n"
               "above the fail level; 2 a policy that does not compile, or a usage error.\n",
            pal_lint_codes[0].code, pal_lint_codes[pal_lint_ncodes - 1].code);
}

static const char *level_name(int l)
{
    return l == PAL_DIAG_ERROR ? "error" : l == PAL_DIAG_WARNING ? "warning" : "note";
}

/* ---- output ---- */

/* The text format is the compiler's (pal_diag_print): the header line, the
   source line with a caret, the hint.  Long lines are shown as a window of
   at most LINT_SHOW_BYTES around the place, so a hostile one-line file
   prints in linear time. */
#define LINT_SHOW_BYTES 160

static void print_text(const pal_linter *L)
{
    unsigned errors = 0, warnings = 0, notes = 0;
    for (size_t i = 0; i < L->nfindings; i++) {
        errors += L->findings[i].level == PAL_DIAG_ERROR;
        warnings += L->findings[i].level == PAL_DIAG_WARNING;
        notes += L->findings[i].level != PAL_DIAG_ERROR && L->findings[i].level != PAL_DIAG_WARNING;
    }
    for (size_t i = 0; i < L->nfindings; i++) {
        const pal_finding *f = &L->findings[i];
        if (f->file == PAL_LINT_NO_FILE) {
            printf("%s[%s]: %s\n", level_name(f->level), f->code, f->message);
        } else {
            const pal_lint_file *lf = &L->files[f->file];
            printf("%s:%u:%u: %s[%s]: %s\n", lf->path, f->line, f->col, level_name(f->level), f->code, f->message);
            uint32_t ls = f->line >= 1 && f->line <= lf->nlines ? lf->line_starts[f->line - 1] : 0;
            uint32_t le = f->line < lf->nlines ? lf->line_starts[f->line] - 1 : (uint32_t)lf->len;
            uint32_t b = f->begin < ls ? ls : f->begin > le ? le : f->begin;
            bool cut_left = false;
            if (b - ls > LINT_SHOW_BYTES / 2) {   /* a window around the place */
                ls = b - LINT_SHOW_BYTES / 2;
                while (ls < b && ((unsigned char)lf->text[ls] & 0xc0) == 0x80) ls++;
                cut_left = true;
            }
            if (le - ls > LINT_SHOW_BYTES) {
                le = ls + LINT_SHOW_BYTES;
                while (le > b && ((unsigned char)lf->text[le] & 0xc0) == 0x80) le--;
            }
            while (le > ls && lf->text[le - 1] == '\r') le--;
            char num[16];
            int w = snprintf(num, sizeof num, "%u", f->line);
            printf(" %s | %s%.*s\n", num, cut_left ? "..." : "", (int)(le - ls), lf->text + ls);
            printf(" %*s | %s", w, "", cut_left ? "   " : "");
            for (uint32_t k = ls; k < b; k++) {
                if (((unsigned char)lf->text[k] & 0xc0) == 0x80) continue;
                putchar(lf->text[k] == '\t' ? '\t' : ' ');
            }
            uint32_t e = f->end > b ? f->end : b + 1;
            if (e > le) e = le > b ? le : b + 1;
            putchar('^');
            for (uint32_t k = b + 1; k < e; k++)
                if (((unsigned char)lf->text[k] & 0xc0) != 0x80) putchar('~');
            putchar('\n');
        }
        if (f->hint) printf("  = hint: %s\n", f->hint);
    }
    if (L->nfindings || L->errors) {
        char more[32] = "";   /* notes (info) are counted only when there are some */
        if (notes) snprintf(more, sizeof more, ", %u note%s", notes, notes == 1 ? "" : "s");
        fprintf(stderr, "palisade lint: %u error%s, %u warning%s%s\n", errors, errors == 1 ? "" : "s", warnings,
                warnings == 1 ? "" : "s", more);
    }
}

/* json, sarif, github: the report writers' forms of the findings. */
static int print_report(const pal_linter *L, int format)
{
    rpt_report r;
    rpt_init(&r);
    char cwd[4096], err[256];
    int rc = 0;
    if (getcwd(cwd, sizeof cwd)) r.source_root = rpt_str(&r, cwd);   /* paths are shown relative to it */
    if (pal_lint_to_report(L, &r, err, sizeof err) != 0) rc = cli_error("lint", "%s", err);
    else if (rpt_write(&r, format, stdout) != 0) rc = cli_error("lint", "writing the output: %s", strerror(errno));
    rpt_free(&r);
    return rc;
}

/* ---- arguments ---- */

typedef struct repo_arg {
    char *dir;
    char **only;           /* files asked about, unless `whole` */
    size_t nonly;
    bool whole;            /* the directory itself was named */
} repo_arg;

static bool is_file(const char *p) { struct stat st; return stat(p, &st) == 0 && S_ISREG(st.st_mode); }

/* The repo of a file: the nearest directory above it with .palisade.yaml
   (not past a .git), else the file's own directory.  *rel gets the file's
   path inside it. */
static char *repo_of(const char *file, char **rel)
{
    char real[4096];
    if (!realpath(file, real)) return NULL;
    char *slash = strrchr(real, '/');
    char dir[4096];
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - real) : 0, real);
    if (!*dir) snprintf(dir, sizeof dir, "/");
    char probe[4200];
    char cur[4096];
    snprintf(cur, sizeof cur, "%s", dir);
    bool in_repo = false;
    for (int depth = 0; depth < 64; depth++) {
        snprintf(probe, sizeof probe, "%s/.palisade.yaml", cur);
        if (is_file(probe)) {
            snprintf(dir, sizeof dir, "%s", cur);
            in_repo = true;
            break;
        }
        snprintf(probe, sizeof probe, "%s/.git", cur);
        struct stat st;
        char *s = strrchr(cur, '/');
        if (stat(probe, &st) == 0 || !s || s == cur) break;
        *s = 0;
    }
    if (!in_repo) {
        /* No repo holds it: its own directory is the repo, and the file is
           named as given, as build/eval/test name it (../web/a.pal, not
           a.pal).  Only when the given directory is the real one and the
           name the same (not a symlink to another name), so the file linted
           is the file named. */
        const char *gslash = strrchr(file, '/');
        char given_dir[4096], given_real[4096];
        if (gslash) snprintf(given_dir, sizeof given_dir, "%.*s", gslash == file ? 1 : (int)(gslash - file), file);
        else snprintf(given_dir, sizeof given_dir, ".");
        const char *given_base = gslash ? gslash + 1 : file;
        if (realpath(given_dir, given_real) && !strcmp(given_real, dir) && slash && !strcmp(given_base, slash + 1)) {
            *rel = strdup(given_base);
            return strdup(given_dir);
        }
    }
    size_t dn = strlen(dir);
    *rel = strdup(real + dn + (dir[dn - 1] == '/' ? 0 : 1));
    /* show paths as the user wrote them when the file is under the cwd */
    char cwd[4096];
    if (getcwd(cwd, sizeof cwd)) {
        size_t cn = strlen(cwd);
        if (!strcmp(dir, cwd)) return strdup(".");
        if (!strncmp(dir, cwd, cn) && dir[cn] == '/') return strdup(dir + cn + 1);
    }
    return strdup(dir);
}

/* Lints each repo with its configuration and prints the findings of all
   of them together; returns the exit status. */
static int lint_repos(const repo_arg *repos, size_t nrepos, const char *config, int fail_override, const char *format)
{
    pal_linter L;
    pal_linter_init(&L);
    bool failed = false, bad_config = false;
    for (size_t k = 0; k < nrepos; k++) {
        pal_lint_config cfg;
        char path[4200], err[1024];
        const char *cpath = config;
        if (!cpath) {
            snprintf(path, sizeof path, "%s/.palisade.yaml", repos[k].dir);
            if (is_file(path)) cpath = path;
        }
        if (cpath) {
            if (pal_lint_config_load(cpath, &cfg, err, sizeof err) != 0) {
                fprintf(stderr, "palisade lint: %s\n", err);
                bad_config = true;
                continue;
            }
        } else {
            pal_lint_config_default(&cfg);
        }
        if (fail_override != -2) cfg.fail_level = fail_override;
        size_t before = L.nfindings;
        pal_lint_repo(&L, repos[k].dir, (const char *const *)repos[k].only, repos[k].whole ? 0 : repos[k].nonly, &cfg);
        for (size_t i = before; i < L.nfindings; i++)
            if (cfg.fail_level != PAL_LINT_OFF && L.findings[i].level <= cfg.fail_level) failed = true;
        pal_lint_config_free(&cfg);
    }
    pal_linter_sort(&L);
    int rc = EXIT_OK;
    if (strcmp(format, "text") != 0) rc = print_report(&L, rpt_format_from_name(format));
    else print_text(&L);
    fflush(stdout);
    if (rc == EXIT_OK) rc = L.errors || bad_config ? EXIT_ERROR : failed ? EXIT_POLICY : EXIT_OK;
    pal_linter_free(&L);
    return rc;
}

int cmd_lint(int argc, char **argv)
{
    const char *format = "text", *config = NULL, *fail_arg = NULL;
    repo_arg *repos = NULL;
    size_t nrepos = 0;
    int rc = EXIT_OK;
    bool any_path = false;
    cli_args A;
    cli_args_init(&A, "lint", argc, argv);
    while (cli_args_next(&A)) {
        const char *a = A.arg;
        if (cli_args_help(&A)) { usage(stdout); return EXIT_OK; }
        if (cli_args_flag(&A, "--list-codes")) {
            for (size_t k = 0; k < pal_lint_ncodes; k++)
                printf("%s  %-8s %-28s %s\n", pal_lint_codes[k].code, level_name(pal_lint_codes[k].level),
                       pal_lint_codes[k].name, pal_lint_codes[k].summary);
            return EXIT_OK;
        }
        if (cli_args_value(&A, "--format", "text, json, sarif or github") ||
            cli_args_value(&A, "-f", "text, json, sarif or github")) { format = A.value; continue; }
        if (cli_args_value(&A, "--config", "a .palisade.yaml file")) { config = A.value; continue; }
        if (cli_args_value(&A, "--fail-level", "error, warning or none")) { fail_arg = A.value; continue; }
        if (cli_args_is_option(&A) || A.failed) {
            rc = cli_args_unknown(&A);
            goto done;
        }
        any_path = true;
        struct stat st;
        if (stat(a, &st) != 0) { rc = cli_error("lint", "%s: %s", a, strerror(errno)); goto done; }
        char *dir, *rel = NULL;
        if (S_ISDIR(st.st_mode)) {
            dir = strdup(a);
        } else {
            dir = repo_of(a, &rel);
            if (!dir || !rel) { free(dir); free(rel); rc = cli_error("lint", "%s: cannot find its directory", a); goto done; }
        }
        size_t k;
        for (k = 0; k < nrepos && strcmp(repos[k].dir, dir); k++) {}
        if (k == nrepos) {
            repo_arg *nv = realloc(repos, (nrepos + 1) * sizeof *nv);
            if (!nv) { free(dir); free(rel); rc = cli_error("lint", "out of memory"); goto done; }
            repos = nv;
            repos[nrepos++] = (repo_arg){dir, NULL, 0, false};
        } else {
            free(dir);
        }
        if (!rel) repos[k].whole = true;
        else {
            char **nv = realloc(repos[k].only, (repos[k].nonly + 1) * sizeof *nv);
            if (!nv) { free(rel); rc = cli_error("lint", "out of memory"); goto done; }
            repos[k].only = nv;
            repos[k].only[repos[k].nonly++] = rel;
        }
    }
    if (strcmp(format, "text") && strcmp(format, "json") && strcmp(format, "sarif") && strcmp(format, "github")) {
        rc = cli_error("lint", "unknown format '%s': text, json, sarif or github", format);
        goto done;
    }
    int fail_override = -2;
    if (fail_arg) {
        if (!strcmp(fail_arg, "error")) fail_override = PAL_DIAG_ERROR;
        else if (!strcmp(fail_arg, "warning")) fail_override = PAL_DIAG_WARNING;
        else if (!strcmp(fail_arg, "none")) fail_override = PAL_LINT_OFF;
        else { rc = cli_error("lint", "--fail-level is error, warning or none, not '%s'", fail_arg); goto done; }
    }
    if (!any_path) {
        repos = malloc(sizeof *repos);
        if (!repos) { rc = cli_error("lint", "out of memory"); goto done; }
        repos[0] = (repo_arg){strdup("."), NULL, 0, true};
        nrepos = 1;
    }

    rc = lint_repos(repos, nrepos, config, fail_override, format);
done:
    for (size_t k = 0; k < nrepos; k++) {
        free(repos[k].dir);
        for (size_t j = 0; j < repos[k].nonly; j++) free(repos[k].only[j]);
        free(repos[k].only);
    }
    free(repos);
    return rc;
}

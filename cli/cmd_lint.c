/*
 * cmd_lint.c — `palisade lint [--format F] [--config FILE] [--fail-level L]
 * [DIR|FILE.pal ...]`: the linter (lang/tools/lint.c) on policy repos, printed as
 * text, JSON, SARIF 2.1.0 or GitHub workflow commands.
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
#include <cjson/cJSON.h>
#include "cli/args.h"
#include "cli/cli.h"
#include "lang/tools/lint.h"

#define LINT_DOC_URI "https://github.com/palisade-policy/palisade/blob/main/lang/LINT.md"

static void usage(FILE *f)
{
    fprintf(f, "usage: palisade lint [--format text|json|sarif|github] [--config FILE]\n"
               "                     [--fail-level error|warning|none] [--list-codes] [DIR|FILE.pal ...]\n"
               "Finds mistakes the compiler accepts (codes PAL0701-PAL0711, lang/LINT.md), and\n"
               "reports the compiler's own errors and warnings. Default: the current directory.\n"
               "  --format F       text (default), json, sarif (2.1.0) or github (workflow commands)\n"
               "  --config FILE    levels per code and the fail level; default DIR/.palisade.yaml\n"
               "  --fail-level L   error, warning (default) or none: what makes the exit status 1\n"
               "  --list-codes     print the lint codes with their default levels\n"
               "Suppress one finding with a comment naming its code on its line, or on the line\n"
               "above: // palisade:ignore PAL0701 why. Exit status: 0 clean; 1 a finding at or\n"
               "above the fail level; 2 a policy that does not compile, or a usage error.\n");
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
}

static cJSON *finding_json(const pal_linter *L, const pal_finding *f)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "level", level_name(f->level));
    cJSON_AddStringToObject(o, "code", f->code);
    if (f->file != PAL_LINT_NO_FILE) {
        cJSON_AddStringToObject(o, "file", L->files[f->file].path);
        cJSON_AddNumberToObject(o, "line", f->line);
        cJSON_AddNumberToObject(o, "column", f->col);
        cJSON_AddNumberToObject(o, "end_line", f->end_line);
        cJSON_AddNumberToObject(o, "end_column", f->end_col);
    }
    cJSON_AddStringToObject(o, "message", f->message);
    if (f->hint) cJSON_AddStringToObject(o, "hint", f->hint);
    return o;
}

static int print_json_doc(cJSON *doc)
{
    char *s = cJSON_PrintUnformatted(doc);
    cJSON_Delete(doc);
    if (!s) return cli_error("lint", "out of memory writing the output");
    puts(s);
    free(s);
    return 0;
}

static int print_json(const pal_linter *L, unsigned errors, unsigned warnings)
{
    cJSON *doc = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(doc, "findings");
    for (size_t i = 0; i < L->nfindings; i++) cJSON_AddItemToArray(arr, finding_json(L, &L->findings[i]));
    cJSON_AddNumberToObject(doc, "errors", errors);
    cJSON_AddNumberToObject(doc, "warnings", warnings);
    return print_json_doc(doc);
}

/* A path as a relative URI reference: percent-encoded except unreserved
   characters and '/'. */
static char *uri_path(const char *p)
{
    size_t n = strlen(p);
    char *out = malloc(n * 3 + 1);
    if (!out) return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~' || c == '/') out[k++] = (char)c;
        else k += (size_t)sprintf(out + k, "%%%02X", c);
    }
    out[k] = 0;
    return out;
}

static const char *pascal(const char *kebab, char *buf, size_t cap)
{
    size_t k = 0;
    bool up = true;
    for (const char *s = kebab; *s && k + 1 < cap; s++) {
        if (*s == '-') { up = true; continue; }
        buf[k++] = up && *s >= 'a' && *s <= 'z' ? (char)(*s - 32) : *s;
        up = false;
    }
    buf[k] = 0;
    return buf;
}

/* SARIF wants messages that end with a period. */
static char *sentence(const char *s)
{
    size_t n = strlen(s);
    char *o = malloc(n + 2);
    if (!o) return NULL;
    memcpy(o, s, n + 1);
    if (n && s[n - 1] != '.' && s[n - 1] != '?' && s[n - 1] != '!') { o[n] = '.'; o[n + 1] = 0; }
    return o;
}

static void add_text(cJSON *o, const char *key, const char *text)
{
    char *s = sentence(text);
    cJSON *m = cJSON_AddObjectToObject(o, key);
    cJSON_AddStringToObject(m, "text", s ? s : text);
    free(s);
}

static int print_sarif(const pal_linter *L)
{
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddStringToObject(doc, "$schema", "https://json.schemastore.org/sarif-2.1.0.json");
    cJSON_AddStringToObject(doc, "version", "2.1.0");
    cJSON *runs = cJSON_AddArrayToObject(doc, "runs");
    cJSON *run = cJSON_CreateObject();
    cJSON_AddItemToArray(runs, run);
    cJSON *driver = cJSON_AddObjectToObject(cJSON_AddObjectToObject(run, "tool"), "driver");
    cJSON_AddStringToObject(driver, "name", "palisade");
    cJSON_AddStringToObject(driver, "version", PALISADE_VERSION);
    cJSON_AddStringToObject(driver, "semanticVersion", PALISADE_VERSION);
    cJSON_AddStringToObject(driver, "informationUri", LINT_DOC_URI);
    cJSON *rules = cJSON_AddArrayToObject(driver, "rules");
    /* the rules: every lint code, then each other code that occurs */
    const char **ids = malloc((pal_lint_ncodes + L->nfindings + 1) * sizeof *ids);
    size_t nids = 0;
    if (!ids) { cJSON_Delete(doc); return cli_error("lint", "out of memory writing the output"); }
    for (size_t i = 0; i < pal_lint_ncodes; i++) {
        const pal_lint_code *c = &pal_lint_codes[i];
        cJSON *r = cJSON_CreateObject();
        char name[64], uri[256];
        cJSON_AddStringToObject(r, "id", c->code);
        cJSON_AddStringToObject(r, "name", pascal(c->name, name, sizeof name));
        add_text(r, "shortDescription", c->summary);
        add_text(r, "fullDescription", c->summary);
        snprintf(uri, sizeof uri, "%s#%s", LINT_DOC_URI, c->code);
        for (char *p = strchr(uri, '#'); p && *p; p++) if (*p >= 'A' && *p <= 'Z') *p = (char)(*p + 32);
        cJSON_AddStringToObject(r, "helpUri", uri);
        cJSON *cfg = cJSON_AddObjectToObject(r, "defaultConfiguration");
        cJSON_AddStringToObject(cfg, "level", level_name(c->level));
        cJSON_AddItemToArray(rules, r);
        ids[nids++] = c->code;
    }
    for (size_t i = 0; i < L->nfindings; i++) {
        const char *code = L->findings[i].code;
        size_t j;
        for (j = 0; j < nids && strcmp(ids[j], code); j++) {}
        if (j < nids) continue;
        cJSON *r = cJSON_CreateObject();
        cJSON_AddStringToObject(r, "id", code);
        char desc[128];
        snprintf(desc, sizeof desc, "Compiler diagnostic %s (lang/SPEC.md, Errors)", code);
        add_text(r, "shortDescription", desc);
        cJSON_AddStringToObject(r, "helpUri", "https://github.com/palisade-policy/palisade/blob/main/lang/SPEC.md#19-errors");
        cJSON_AddItemToArray(rules, r);
        ids[nids++] = code;
    }
    char cwd[4096];
    if (getcwd(cwd, sizeof cwd - 2)) {
        size_t n = strlen(cwd);
        if (n == 0 || cwd[n - 1] != '/') { cwd[n] = '/'; cwd[n + 1] = 0; }
        char *u = uri_path(cwd);
        char base[4200 * 3];
        snprintf(base, sizeof base, "file://%s", u ? u : "/");
        free(u);
        cJSON *bases = cJSON_AddObjectToObject(run, "originalUriBaseIds");
        cJSON *root = cJSON_AddObjectToObject(bases, "SRCROOT");
        cJSON_AddStringToObject(root, "uri", base);
    }
    cJSON_AddStringToObject(run, "columnKind", "unicodeCodePoints");
    cJSON *results = cJSON_AddArrayToObject(run, "results");
    for (size_t i = 0; i < L->nfindings; i++) {
        const pal_finding *f = &L->findings[i];
        cJSON *r = cJSON_CreateObject();
        size_t j;
        for (j = 0; j < nids && strcmp(ids[j], f->code); j++) {}
        cJSON_AddStringToObject(r, "ruleId", f->code);
        cJSON_AddNumberToObject(r, "ruleIndex", (double)j);
        cJSON_AddStringToObject(r, "level", level_name(f->level));
        char *msg = NULL;
        if (f->hint) {
            size_t n = strlen(f->message) + strlen(f->hint) + 16;
            msg = malloc(n);
            if (msg) snprintf(msg, n, "%s (hint: %s)", f->message, f->hint);
        }
        add_text(r, "message", msg ? msg : f->message);
        free(msg);
        if (f->file != PAL_LINT_NO_FILE) {
            cJSON *locs = cJSON_AddArrayToObject(r, "locations");
            cJSON *loc = cJSON_CreateObject();
            cJSON_AddItemToArray(locs, loc);
            cJSON *phys = cJSON_AddObjectToObject(loc, "physicalLocation");
            cJSON *art = cJSON_AddObjectToObject(phys, "artifactLocation");
            const char *path = L->files[f->file].path;
            char *u = uri_path(path);
            if (path[0] == '/') {
                char abs[4200 * 3];
                snprintf(abs, sizeof abs, "file://%s", u ? u : "");
                cJSON_AddStringToObject(art, "uri", abs);
            } else {
                cJSON_AddStringToObject(art, "uri", u ? u : path);
                cJSON_AddStringToObject(art, "uriBaseId", "SRCROOT");
            }
            free(u);
            cJSON *reg = cJSON_AddObjectToObject(phys, "region");
            cJSON_AddNumberToObject(reg, "startLine", f->line ? f->line : 1);
            cJSON_AddNumberToObject(reg, "startColumn", f->col ? f->col : 1);
            uint32_t el = f->end_line ? f->end_line : f->line, ec = f->end_col ? f->end_col : f->col;
            if (el < f->line || (el == f->line && ec <= f->col)) { el = f->line; ec = f->col + 1; }
            cJSON_AddNumberToObject(reg, "endLine", el ? el : 1);
            cJSON_AddNumberToObject(reg, "endColumn", ec ? ec : 2);
        }
        cJSON_AddItemToArray(results, r);
    }
    free(ids);
    return print_json_doc(doc);
}

/* GitHub workflow commands: data escapes % CR LF; properties also , and : */
static void gh_escape(const char *s, bool property)
{
    for (; *s; s++) {
        if (*s == '%') fputs("%25", stdout);
        else if (*s == '\r') fputs("%0D", stdout);
        else if (*s == '\n') fputs("%0A", stdout);
        else if (property && *s == ':') fputs("%3A", stdout);
        else if (property && *s == ',') fputs("%2C", stdout);
        else putchar(*s);
    }
}

static void print_github(const pal_linter *L)
{
    for (size_t i = 0; i < L->nfindings; i++) {
        const pal_finding *f = &L->findings[i];
        printf("::%s ", f->level == PAL_DIAG_ERROR ? "error" : f->level == PAL_DIAG_WARNING ? "warning" : "notice");
        if (f->file != PAL_LINT_NO_FILE) {
            fputs("file=", stdout);
            gh_escape(L->files[f->file].path, true);
            printf(",line=%u,col=%u,endLine=%u,endColumn=%u,", f->line, f->col,
                   f->end_line ? f->end_line : f->line, f->end_col ? f->end_col : f->col);
        }
        fputs("title=", stdout);
        const pal_lint_code *c = pal_lint_code_find(f->code);
        char t[128];
        snprintf(t, sizeof t, "%s%s%s", f->code, c ? " " : "", c ? c->name : "");
        gh_escape(t, true);
        fputs("::", stdout);
        gh_escape(f->message, false);
        if (f->hint) { fputs(" (hint: ", stdout); gh_escape(f->hint, false); putchar(')'); }
        putchar('\n');
    }
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
    for (int depth = 0; depth < 64; depth++) {
        snprintf(probe, sizeof probe, "%s/.palisade.yaml", cur);
        if (is_file(probe)) {
            snprintf(dir, sizeof dir, "%s", cur);
            break;
        }
        snprintf(probe, sizeof probe, "%s/.git", cur);
        struct stat st;
        char *s = strrchr(cur, '/');
        if (stat(probe, &st) == 0 || !s || s == cur) break;
        *s = 0;
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
    unsigned errors = 0, warnings = 0, notes = 0;
    for (size_t i = 0; i < L.nfindings; i++) {
        if (L.findings[i].level == PAL_DIAG_ERROR) errors++;
        else if (L.findings[i].level == PAL_DIAG_WARNING) warnings++;
        else notes++;
    }
    if (!strcmp(format, "json")) print_json(&L, errors, warnings);
    else if (!strcmp(format, "sarif")) print_sarif(&L);
    else if (!strcmp(format, "github")) print_github(&L);
    else {
        print_text(&L);
        if (L.nfindings || L.errors) {
            char more[32] = "";   /* notes (info) are counted only when there are some */
            if (notes) snprintf(more, sizeof more, ", %u note%s", notes, notes == 1 ? "" : "s");
            fprintf(stderr, "palisade lint: %u error%s, %u warning%s%s\n", errors, errors == 1 ? "" : "s", warnings,
                    warnings == 1 ? "" : "s", more);
        }
    }
    fflush(stdout);
    rc = L.errors || bad_config ? EXIT_ERROR : failed ? EXIT_POLICY : EXIT_OK;
    pal_linter_free(&L);
done:
    for (size_t k = 0; k < nrepos; k++) {
        free(repos[k].dir);
        for (size_t j = 0; j < repos[k].nonly; j++) free(repos[k].only[j]);
        free(repos[k].only);
    }
    free(repos);
    return rc;
}

/*
 * cmd_sigma.c — `palisade sigma convert RULES... -o DIR` and `palisade sigma
 * mapping`: Sigma rules into palisade source (lang/tools/sigma.c does the
 * work; this file walks the inputs, writes the outputs, and reports).
 *
 * One .pal per Sigma file: a file given by name becomes DIR/NAME.pal, a
 * directory's files keep their paths below it.  A refused rule is reported
 * on stderr as "FILE: id ID: refused [CODE]: REASON", or "not valid Sigma
 * [CODE]" when the file is not valid Sigma (the codes are sigma.h's), and
 * nothing is written for it; the run ends with a count.  --strict makes
 * any refusal exit 2.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cli/cli.h"
#include "cli/args.h"
#include "engine/base/fileio.h"
#include "lang/tools/sigma.h"

/* Files one run converts, and directories it walks down. */
#define SIGMA_MAX_FILES 100000u
#define SIGMA_MAX_DEPTH 16u

static void usage(FILE *f)
{
    fprintf(f,
            "usage: palisade sigma convert RULES... -o DIR [--mapping FILE] [--strict]\n"
            "       palisade sigma mapping\n"
            "convert: Sigma rules (.yml/.yaml files, or directories of them) into palisade rules,\n"
            "one .pal per Sigma file under DIR; each rule is named by its Sigma id.  A rule that\n"
            "cannot be converted faithfully is refused with its file, id and the reason.\n"
            "  -o DIR          where the .pal files go (created if missing)\n"
            "  --mapping FILE  the field mapping (YAML) instead of the built-in Windows one\n"
            "  --strict        exit 2 when any rule is refused\n"
            "mapping: print the built-in field mapping, to copy and edit.\n");
}

/* mkdir -p of the directories above path. */
static int make_parents(const char *path)
{
    char *p = strdup(path);
    if (!p) return -1;
    for (char *s = p + 1; *s; s++) {
        if (*s != '/') continue;
        *s = 0;
        if (mkdir(p, 0777) != 0 && errno != EEXIST) { free(p); return -1; }
        *s = '/';
    }
    free(p);
    return 0;
}

typedef struct run {
    const pal_sigma_map *map;
    const char *outdir;
    unsigned files, converted, refused, failed;
    unsigned invalid;        /* of refused: not valid Sigma */
    char **written;          /* outputs of this run, to refuse a second rule for one file */
    size_t nwritten, capwritten;
} run;

static bool already_written(run *r, const char *out)
{
    for (size_t i = 0; i < r->nwritten; i++)
        if (!strcmp(r->written[i], out)) return true;
    if (r->nwritten == r->capwritten) {
        size_t cap = r->capwritten ? 2 * r->capwritten : 64;
        char **v = realloc(r->written, cap * sizeof *v);
        if (!v) return false;
        r->written = v;
        r->capwritten = cap;
    }
    char *d = strdup(out);
    if (d) r->written[r->nwritten++] = d;
    return false;
}

static bool is_yaml(const char *s)
{
    size_t n = strlen(s);
    return (n > 4 && !strcmp(s + n - 4, ".yml")) || (n > 5 && !strcmp(s + n - 5, ".yaml"));
}

/* Converts one file; rel is its path below the output directory. */
static void convert_one(run *r, const char *path, const char *rel)
{
    char err[512];
    char *data;
    size_t len;
    r->files++;
    int rc = pal_read_file(path, PAL_SIGMA_MAX_BYTES, &data, &len, err, sizeof err);
    if (rc != PAL_READ_OK) {
        if (rc == PAL_READ_TOO_LARGE) fprintf(stderr, "palisade sigma: %s: id (none): refused [limit]: larger than the %u bytes a Sigma rule may have\n", path, PAL_SIGMA_MAX_BYTES);
        else fprintf(stderr, "palisade sigma: %s\n", err);
        r->refused++;
        return;
    }
    pal_sigma_result res;
    pal_sigma_convert(r->map, path, data, len, &res);
    free(data);
    if (res.status != PAL_SIGMA_CONVERTED) {
        fprintf(stderr, "palisade sigma: %s: id %s: %s [%s]: %s\n", path, *res.id ? res.id : "(none)",
                res.invalid ? "not valid Sigma" : "refused", res.code, res.reason);
        r->refused++;
        r->invalid += res.invalid;
        pal_sigma_result_free(&res);
        return;
    }
    size_t rl = strlen(rel);
    size_t base = rl > 5 && !strcmp(rel + rl - 5, ".yaml") ? rl - 5 : rl > 4 && !strcmp(rel + rl - 4, ".yml") ? rl - 4 : rl;
    size_t cap = strlen(r->outdir) + base + 8;
    char *out = malloc(cap);
    if (!out) { r->failed++; pal_sigma_result_free(&res); return; }
    snprintf(out, cap, "%s/%.*s.pal", r->outdir, (int)base, rel);
    char idkey[300];
    snprintf(idkey, sizeof idkey, "\001id %s", *res.id ? res.id : res.title);
    if (already_written(r, idkey)) {
        fprintf(stderr, "palisade sigma: %s: id %s: refused [duplicate]: another rule of this run has the same id (rule names are unique)\n",
                path, *res.id ? res.id : "(none)");
        r->refused++;
    } else if (already_written(r, out)) {
        fprintf(stderr, "palisade sigma: %s: id %s: refused [duplicate]: another input of this run was written to %s already; convert them to different directories\n",
                path, *res.id ? res.id : "(none)", out);
        r->refused++;
    } else if (make_parents(out) != 0 || pal_write_file_atomic(out, res.source, res.source_len, PAL_MODE_DEFAULT, err, sizeof err) != 0) {
        fprintf(stderr, "palisade sigma: %s: cannot write it: %s\n", out, make_parents(out) != 0 ? strerror(errno) : err);
        r->failed++;
    } else {
        r->converted++;
    }
    free(out);
    pal_sigma_result_free(&res);
}

static int convert(int argc, char **argv)
{
    cli_args A;
    const char *outdir = NULL, *mapping = NULL;
    bool strict = false;
    char **inputs = calloc((size_t)argc + 1, sizeof *inputs);
    int ninputs = 0;
    if (!inputs) return cli_error("sigma", "out of memory");
    cli_args_init(&A, "sigma", argc, argv);
    while (cli_args_next(&A)) {
        if (cli_args_value(&A, "-o", "a directory for the .pal files")) outdir = A.value;
        else if (cli_args_value(&A, "--mapping", "a field-mapping YAML file")) mapping = A.value;
        else if (cli_args_flag(&A, "--strict")) strict = true;
        else if (cli_args_help(&A)) { usage(stdout); free(inputs); return EXIT_OK; }
        else if (A.arg[0] == '-' && A.arg[1]) { free(inputs); return cli_args_unknown(&A); }
        else inputs[ninputs++] = (char *)A.arg;
    }
    if (A.failed) { free(inputs); return EXIT_ERROR; }
    if (!ninputs || !outdir) {
        free(inputs);
        usage(stderr);
        return cli_error("sigma", "convert needs Sigma files or directories and -o DIR");
    }
    char err[640];
    pal_sigma_map *map = mapping ? pal_sigma_map_load(mapping, err, sizeof err) : pal_sigma_map_parse(NULL, NULL, 0, err, sizeof err);
    if (!map) { free(inputs); return cli_error("sigma", "%s", err); }
    if (mkdir(outdir, 0777) != 0 && errno != EEXIST) {
        pal_sigma_map_free(map);
        free(inputs);
        return cli_error("sigma", "%s: cannot create it: %s", outdir, strerror(errno));
    }
    run r = {.map = map, .outdir = outdir};
    int rc = EXIT_OK;
    for (int i = 0; i < ninputs; i++) {
        struct stat st;
        if (stat(inputs[i], &st) != 0) { rc = cli_error("sigma", "%s: %s", inputs[i], strerror(errno)); continue; }
        if (!S_ISDIR(st.st_mode)) {
            const char *b = strrchr(inputs[i], '/');
            convert_one(&r, inputs[i], b ? b + 1 : inputs[i]);
            continue;
        }
        static const char *const suffixes[] = {".yml", ".yaml", NULL};
        pal_pathlist files = {0};
        if (pal_list_files(inputs[i], suffixes, SIGMA_MAX_DEPTH, SIGMA_MAX_FILES, &files, err, sizeof err) != 0) {
            rc = cli_error("sigma", "%s", err);
            continue;
        }
        if (files.truncated) rc = cli_error("sigma", "%s: more than %u files; convert it in parts", inputs[i], SIGMA_MAX_FILES);
        if (!files.n) rc = cli_error("sigma", "%s: no .yml or .yaml file under it", inputs[i]);
        for (size_t k = 0; k < files.n && !files.truncated; k++) {
            if (!is_yaml(files.v[k])) continue;
            size_t cap = strlen(inputs[i]) + strlen(files.v[k]) + 2;
            char *full = malloc(cap);
            if (!full) { rc = cli_error("sigma", "out of memory"); break; }
            snprintf(full, cap, "%s/%s", inputs[i], files.v[k]);
            convert_one(&r, full, files.v[k]);
            free(full);
        }
        pal_pathlist_free(&files);
    }
    if (r.invalid)
        fprintf(stderr, "palisade sigma: converted %u of %u rules into %s (%u refused, %u of them not valid Sigma)\n", r.converted,
                r.files, outdir, r.refused, r.invalid);
    else
        fprintf(stderr, "palisade sigma: converted %u of %u rules into %s (%u refused)\n", r.converted, r.files, outdir, r.refused);
    pal_sigma_map_free(map);
    free(inputs);
    for (size_t i = 0; i < r.nwritten; i++) free(r.written[i]);
    free(r.written);
    if (r.failed) return EXIT_ERROR;
    if (strict && r.refused) return EXIT_ERROR;
    return rc;
}

int cmd_sigma(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_ERROR : EXIT_OK;
    }
    if (!strcmp(argv[1], "convert")) return convert(argc - 1, argv + 1);
    if (!strcmp(argv[1], "mapping")) {
        if (argc > 2 && strcmp(argv[2], "--help") != 0) return cli_error("sigma", "mapping takes no arguments");
        if (argc > 2) { usage(stdout); return EXIT_OK; }
        fputs(pal_sigma_map_builtin_text(), stdout);
        return EXIT_OK;
    }
    usage(stderr);
    return cli_error("sigma", "unknown subcommand '%s' (convert or mapping)", argv[1]);
}

/*
 * cmd_learn.c — `palisade learn`: turn an observed event stream into
 * runtime and firewall policy (lang/tools/learn.h has the model and the format).
 *
 *   palisade learn --events FILE|- [--image GLOB] [--collapse-dns N]
 *                  [--input-format auto|ecs|sysmon|evtx-json|falco] [--volume-map MAP]
 *                  [-o FILE|DIR] [--merge FILE]
 *
 * Output goes to stdout, or to -o (a directory gets learned.pal).  An
 * existing target is never overwritten blindly: with --merge FILE (or -o on
 * an existing file) the new behaviour is inserted into it and everything in
 * it is kept; the added entries are listed on stderr.  Files are written
 * through a temporary file and a rename, so a crash leaves the old file.
 * Exit 0, or 2 on errors (unreadable input, an existing file that does not
 * parse, no event learned from at all).  Undecodable lines are counted and
 * reported, not fatal, unless no line was usable.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli/args.h"
#include "cli/cli.h"
#include "engine/base/fileio.h"
#include "engine/decode/decode.h"
#include "engine/base/limits.h"
#include "lang/tools/learn.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: palisade learn --events FILE|- [--image GLOB] [--collapse-dns N]\n"
               "                      [--input-format auto|ecs|sysmon|evtx-json|falco] [--volume-map MAP]\n"
               "                      [-o FILE|DIR] [--merge FILE]\n"
               "Writes one `runtime \"learned IMAGE\"` block per image (allow entries for what was seen,\n"
               "`default effect alert` for anything else) and a firewall block for container-to-container\n"
               "traffic.  --merge adds newly seen behaviour to a learned file, keeping all of it.\n"
               "  --collapse-dns N  allows N or more names seen under one parent domain as one\n"
               "                    wildcard, *.parent (a.cdn.example, b.cdn.example: *.cdn.example)\n");
}

/* Renders the model merged into `base` (NULL: fresh) and writes it to
   `target` atomically; the added entries go to stderr. */
static int learn_output(const char *cmd, pal_learn *l, const char *base, const char *target,
                        char *err, size_t errcap)
{
    char *existing = NULL, *diff = NULL;
    size_t elen = 0;
    if (base) {
        int r = pal_read_file(base, PAL_MAX_SOURCE_BYTES, &existing, &elen, err, errcap);
        if (r == PAL_READ_TOO_LARGE) snprintf(err, errcap, "%s: larger than %u bytes", base, PAL_MAX_SOURCE_BYTES);
        if (r != PAL_READ_OK) return -1;
    }
    char *src = pal_learn_render(l, existing, elen, base, &diff, err, errcap);
    free(existing);
    if (!src) return -1;   /* err names file:line:col */
    int rc = 0;
    if (pal_write_file_atomic(target, src, strlen(src), PAL_MODE_DEFAULT, err, errcap) != 0) {
        rc = -1;
    } else {
        fprintf(stderr, "palisade %s: %s: ", cmd, target);
        if (diff && *diff) fprintf(stderr, "added\n%s", diff);
        else fprintf(stderr, "nothing new\n");
    }
    free(src);
    free(diff);
    return rc;
}

/* The file a -o names: DIR/learned.pal for a directory. */
static void target_path(const char *dir_or_file, char target[4096])
{
    struct stat st;
    if (stat(dir_or_file, &st) == 0 && S_ISDIR(st.st_mode)) snprintf(target, 4096, "%s/learned.pal", dir_or_file);
    else snprintf(target, 4096, "%s", dir_or_file);
}

int cli_learn_write(const char *cmd, struct pal_learn *l, const char *dir_or_file, char *err, size_t errcap)
{
    char target[4096];
    target_path(dir_or_file, target);
    return learn_output(cmd, l, access(target, F_OK) == 0 ? target : NULL, target, err, errcap);
}

typedef struct learn_args {
    const char *events, *out, *merge, *fmtname;
    pal_learn_opts o;
    pal_decode_opts dopts;   /* set when have_volumes */
    bool have_volumes;
} learn_args;

/* The flags into *a: -1 to go on, else the exit status. */
static int parse_learn_args(int argc, char **argv, learn_args *a)
{
    cli_args A;
    cli_args_init(&A, "learn", argc, argv);
    while (cli_args_next(&A)) {
        if (cli_args_value(&A, "--events", CLI_WANT_EVENTS)) a->events = A.value;
        else if (cli_args_value(&A, "--image", "a glob on the image name, e.g. 'web*'")) a->o.image_glob = A.value;
        else if (cli_args_value(&A, "--input-format", CLI_WANT_INPUT_FORMAT)) a->fmtname = A.value;
        else if (cli_args_value(&A, "-o", "a file, or a directory for DIR/learned.pal")) a->out = A.value;
        else if (cli_args_value(&A, "--merge", "a learned .pal file")) a->merge = A.value;
        else if (cli_args_value(&A, "--volume-map", CLI_WANT_VOLUME_MAP)) {
            char verr[512];
            if (pal_volume_map_parse(A.value, &a->dopts, verr, sizeof verr) != 0)
                return cli_error("learn", "--volume-map: %s", verr);
            a->have_volumes = true;
        }
        else if (cli_args_value(&A, "--collapse-dns", "a number of names, 2 or more")) {
            char *end;
            long n = strtol(A.value, &end, 10);
            if (*end || n < 2 || n > 100000)
                return cli_error("learn", "--collapse-dns takes a number of names from 2 up (got '%s')", A.value);
            a->o.collapse_dns = (unsigned)n;
        } else if (cli_args_help(&A)) { usage(stdout); return EXIT_OK; }
        else return cli_args_unknown(&A);
    }
    if (A.failed) return EXIT_ERROR;
    if (!a->events) { usage(stderr); return cli_error("learn", "give --events FILE (or - for stdin)"); }
    return -1;
}

/* What the events were: lines holding something, and those not decoded. */
typedef struct learn_count { long nlines, nbad; } learn_count;

/* Feeds every event line of in to the model.  An undecodable or too long
   line is reported (the first ten) and skipped; when no line decodes, the
   input is the wrong one, not a quiet image. */
static int learn_events(FILE *in, const char *events, pal_learn *l, pal_input_format fmt,
                        const pal_decode_opts *dopts, learn_count *n)
{
    char *line = malloc(PAL_MAX_EVENT_LINE + 2);
    if (!line) return cli_error("learn", "out of memory");
    pal_arena a;
    pal_arena_init(&a, 64u << 20);
    long lineno = 0;
    cli_input_shape shape = CLI_SHAPE_OTHER;
    int rc = EXIT_OK;
    for (;;) {
        if (!fgets(line, PAL_MAX_EVENT_LINE + 2, in)) break;
        lineno++;
        size_t len = strlen(line);
        if (len > 1 || (len == 1 && line[0] != '\n')) {
            if (n->nlines++ == 0) shape = cli_input_shape_of(line, len);
        }
        if (len == PAL_MAX_EVENT_LINE + 1 && line[len - 1] != '\n') {
            int c;
            while ((c = fgetc(in)) != EOF && c != '\n') {}
            if (n->nbad++ < 10) fprintf(stderr, "palisade learn: %s:%ld: line longer than %u bytes, skipped\n", events, lineno, PAL_MAX_EVENT_LINE);
            continue;
        }
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r')) line[--len] = 0;
        if (!len) continue;
        pal_arena_reset(&a);
        pal_event ev;
        char err[512];
        if (pal_event_decode_opts(line, len, fmt, dopts, NULL, &a, &ev, err, sizeof err) != 0) {
            if (n->nbad++ < 10) fprintf(stderr, "palisade learn: %s:%ld: %s, skipped\n", events, lineno, err);
            continue;
        }
        if (pal_learn_event(l, &ev) != 0) { rc = cli_error("learn", "out of memory"); break; }
    }
    if (ferror(in)) rc = cli_read_error("learn", events, errno);
    /* nothing decoded: the wrong input, not a quiet image; nothing is written */
    else if (rc == EXIT_OK && n->nlines > 0 && n->nbad == n->nlines)
        rc = cli_no_event_decoded("learn", events, n->nlines, shape, "the first lines' errors are above");
    free(line);
    pal_arena_free(&a);
    return rc;
}

/* The learned policy to stdout (no target) or into target, merged into
   base when there is one. */
static int write_learned(pal_learn *l, const char *target, const char *base)
{
    char err[700] = "";
    if (!target[0]) {
        char *src = pal_learn_render(l, NULL, 0, NULL, NULL, err, sizeof err);
        int rc = src ? EXIT_OK : cli_error("learn", "%s", err);
        if (src) fputs(src, stdout);
        free(src);
        return rc;
    }
    if (learn_output("learn", l, base, target, err, sizeof err) != 0) return cli_error("learn", "%s", err);
    return EXIT_OK;
}

int cmd_learn(int argc, char **argv)
{
    learn_args a = {.fmtname = "auto"};
    int done = parse_learn_args(argc, argv, &a);
    if (done >= 0) return done;
    int fmt = (int)pal_input_format_from_name(a.fmtname);
    if (fmt < 0) return cli_error("learn", "unknown --input-format '%s' (auto, ecs, sysmon, evtx-json or falco)", a.fmtname);

    /* Where the result goes, and what it merges into: --merge, or -o onto
       an existing learned file (relearn into it). */
    char target[4096] = "";
    if (a.out) target_path(a.out, target);
    else if (a.merge) snprintf(target, sizeof target, "%s", a.merge);
    const char *base = a.merge;
    if (!base && target[0] && access(target, F_OK) == 0) base = target;

    /* the inputs first, so a wrong path fails before the events are read */
    if (base) {
        struct stat st;
        if (stat(base, &st) != 0) return cli_error("learn", "%s: %s", base, strerror(errno));
        if (!S_ISREG(st.st_mode))
            return cli_error("learn", "%s: not a regular file (learn merges into a .pal file it wrote before)", base);
    }
    FILE *in = cli_fopen_input("learn", a.events, "a JSON-lines file of events, one object per line, or - for standard input");
    if (!in) return EXIT_ERROR;
    pal_learn *l = pal_learn_new(&a.o);
    if (!l) { if (in != stdin) fclose(in); return cli_error("learn", "out of memory"); }
    learn_count n = {0};
    int rc = learn_events(in, a.events, l, (pal_input_format)fmt, a.have_volumes ? &a.dopts : NULL, &n);
    if (in != stdin) fclose(in);

    pal_learn_stats st;
    pal_learn_get_stats(l, &st);
    /* A policy holding only its header would read as "this image does
       nothing": refuse, say why, and leave any target as it was. */
    if (rc == EXIT_OK && st.learned == 0)
        rc = cli_error("learn", "no usable event in %s: %ld lines, %ld undecodable, %lu without a container image, "
                       "%lu of other images, %lu with nothing to learn; nothing written",
                       a.events, n.nlines, n.nbad, st.skipped_no_image, st.skipped_filtered, st.skipped_unusable);
    if (rc == EXIT_OK) rc = write_learned(l, target, base);
    if (rc == EXIT_OK) {
        fprintf(stderr, "palisade learn: %lu events, %lu learned for %u images; skipped %lu without a container image, "
                "%lu of other images, %lu with nothing to learn, %ld unreadable lines%s\n",
                st.events, st.learned, st.images, st.skipped_no_image, st.skipped_filtered, st.skipped_unusable,
                n.nbad, st.dropped ? " (some observations dropped: too many distinct entries)" : "");
    }
    pal_learn_free(l);
    return rc;
}

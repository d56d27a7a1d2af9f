/*
 * cmd_report.c — `palisade report SCAN.json... -o report.html`: saved JSON
 * reports (palisade.scan/v1 from `palisade scan --format json`, or
 * palisade.scans/v1 from a scan of several images) rendered as one report,
 * by default the HTML page; exit 0 written, 2 error.
 *
 * Each file is read (bounded), parsed and turned back into the report
 * model (engine/report/load.c), one report at a time, and added to one
 * report set (engine/report/set.c) — the same writers as a live scan.  A
 * file that cannot be read or is not a palisade report is an error naming
 * the file and the place in it, and nothing is written: a report must not
 * quietly leave out an image it was given.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cJSON.h>
#include "cli/args.h"
#include "cli/cli.h"
#include "engine/base/fileio.h"
#include "engine/report/report.h"

#define REPORT_MAX_FILE_BYTES (1024u << 20)   /* one saved report */

static void usage(FILE *f)
{
    fprintf(f,
        "usage: palisade report SCAN.json... [-o FILE] [options]\n"
        "\n"
        "Renders saved scan reports (palisade scan --format json, of one image or several)\n"
        "as one report: by default one self-contained HTML page.\n"
        "Exit 0 written, 2 error (a file that is not a palisade report; nothing is written).\n"
        "\n"
        "  -o FILE                  write to FILE (atomically) instead of stdout\n"
        "  --format FMT             html (default), text, json, sarif, junit, github; from -o's\n"
        "                           extension .html .json .sarif .xml .txt when not given (another\n"
        "                           extension is refused)\n"
        "  --title TEXT             the page's heading (default: palisade: N images)\n"
        "  --expiring-days N        exceptions ending within N days are expiring soon (default 30)\n");
}

typedef struct report_opts {
    const char **files;
    unsigned nfiles;
    const char *out, *title;
    int format;
    unsigned expiring_days;
} report_opts;

static int parse_args(int argc, char **argv, report_opts *o)
{
    memset(o, 0, sizeof *o);
    o->format = -1;
    cli_args A;
    cli_args_init(&A, "report", argc, argv);
    while (cli_args_next(&A)) {
        if (cli_args_help(&A)) { usage(stdout); return -1; }
        else if (cli_args_value(&A, "-o", "the report file to write") ||
                 cli_args_value(&A, "--output", "the report file to write")) o->out = A.value;
        else if (cli_args_value(&A, "--format", rpt_format_names())) {
            o->format = rpt_format_from_name(A.value);
            if (o->format < 0) return cli_error("report", "unknown --format '%s' (%s)", A.value, rpt_format_names());
        } else if (cli_args_value(&A, "--title", "the page's heading")) o->title = A.value;
        else if (cli_args_value(&A, "--expiring-days", "a number of days")) {
            char *end;
            errno = 0;
            long n = strtol(A.value, &end, 10);
            if (errno || end == A.value || *end || n < 1 || n > 3650)
                return cli_error("report", "--expiring-days: '%s' is not a number of days from 1 to 3650", A.value);
            o->expiring_days = (unsigned)n;
        } else if (cli_args_is_option(&A) || A.failed) return cli_args_unknown(&A);
        else {
            const char **n = realloc(o->files, (o->nfiles + 1) * sizeof *n);
            if (!n) return cli_error("report", "out of memory");
            o->files = n;
            n[o->nfiles++] = A.arg;
        }
    }
    if (A.failed) return EXIT_ERROR;
    if (!o->nfiles) {
        usage(stderr);
        return cli_error("report", "which reports? give JSON files written by palisade scan --format json");
    }
    if (o->format < 0) o->format = o->out ? rpt_format_from_path(o->out, RF_HTML) : RF_HTML;
    if (o->format < 0)
        return cli_error("report", "-o %s: '%s' is not a report format (" RPT_PATH_FORMATS "; or give --format)",
                         o->out, strrchr(o->out, '.'));
    return 0;
}

/* One palisade.scan/v1 document into the set. */
static int add_report(rpt_set *set, const char *file, const char *where, const cJSON *doc)
{
    char err[1024];
    rpt_report r;
    int rc = rpt_from_json(&r, doc, err, sizeof err);
    if (rc != 0) cli_error("report", "%s: %s%s%s", file, where, *where ? "." : "", err);
    else if (rpt_set_add(set, &r) != 0) rc = cli_error("report", "writing the report: %s", errno ? strerror(errno) : "out of memory");
    rpt_free(&r);
    return rc ? -1 : 0;
}

/* A file: one report, or a set's reports and errors. */
static int add_file(rpt_set *set, const char *file)
{
    char err[1024], *data = NULL;
    size_t len = 0;
    if (pal_read_file(file, REPORT_MAX_FILE_BYTES, &data, &len, err, sizeof err) != 0)
        return cli_error("report", "%s", err), -1;
    const char *end = NULL;
    cJSON *doc = cJSON_ParseWithLengthOpts(data, len, &end, false);
    if (!doc) {
        size_t at = end && end >= data ? (size_t)(end - data) : 0;
        free(data);
        cli_error("report", "%s: not JSON (near byte %zu); give a report written by palisade scan --format json", file, at);
        return -1;
    }
    free(data);
    int rc = 0;
    const cJSON *schema = cJSON_GetObjectItemCaseSensitive(doc, "schema");
    const char *name = cJSON_IsString(schema) ? schema->valuestring : "";
    if (!strcmp(name, "palisade.scan/v1")) {
        rc = add_report(set, file, "", doc);
    } else if (!strcmp(name, "palisade.scans/v1")) {
        const cJSON *reports = cJSON_GetObjectItemCaseSensitive(doc, "reports");
        const cJSON *errors = cJSON_GetObjectItemCaseSensitive(doc, "errors"), *e;
        if (!cJSON_IsArray(reports) || (errors && !cJSON_IsArray(errors))) {
            cli_error("report", "%s: a palisade.scans/v1 document needs a 'reports' array (and 'errors', if any, an array)", file);
            rc = -1;
        }
        unsigned i = 0;
        const cJSON *list = rc ? NULL : reports;
        cJSON_ArrayForEach(e, list) {
            char where[32];
            snprintf(where, sizeof where, "reports[%u]", i++);
            if ((rc = add_report(set, file, where, e)) != 0) break;
        }
        i = 0;
        list = rc ? NULL : errors;
        cJSON_ArrayForEach(e, list) {
            const cJSON *f = cJSON_GetObjectItemCaseSensitive(e, "file"), *m = cJSON_GetObjectItemCaseSensitive(e, "error");
            if (!cJSON_IsString(f) || !cJSON_IsString(m)) {
                cli_error("report", "%s: errors[%u]: needs 'file' and 'error' strings", file, i);
                rc = -1;
                break;
            }
            /* through the report model's string rules, like every other string */
            rpt_report tmp;
            rpt_init(&tmp);
            if (rpt_set_add_error(set, rpt_str(&tmp, f->valuestring), rpt_str(&tmp, m->valuestring)) != 0) rc = -1;
            rpt_free(&tmp);
            i++;
        }
    } else {
        cli_error("report", "%s: not a palisade scan report (schema '%s'); palisade report reads the palisade.scan/v1 "
                  "and palisade.scans/v1 JSON that palisade scan --format json writes", file, name);
        rc = -1;
    }
    cJSON_Delete(doc);
    return rc;
}

int cmd_report(int argc, char **argv)
{
    report_opts o;
    int rc = parse_args(argc, argv, &o);
    if (rc != 0) {
        free(o.files);
        return rc < 0 ? EXIT_OK : EXIT_ERROR;
    }
    char err[1024];
    pal_atomic w = {0};
    FILE *f = stdout;
    if (o.out) {
        if (pal_atomic_begin(&w, o.out, PAL_MODE_DEFAULT, err, sizeof err) != 0) {
            free(o.files);
            return cli_error("report", "-o %s", err);
        }
        f = w.f;
    }
    rpt_set_opts so = {0, o.expiring_days, o.title};
    rpt_set *set = rpt_set_begin(o.format, f, &so);
    rc = set ? EXIT_OK : cli_error("report", "out of memory");
    for (unsigned i = 0; set && i < o.nfiles && rc == EXIT_OK; i++)
        if (add_file(set, o.files[i]) != 0) rc = EXIT_ERROR;
    if (set && rc == EXIT_OK) {
        errno = 0;
        if (rpt_set_end(set) != 0) rc = cli_error("report", "writing the report: %s", errno ? strerror(errno) : "out of memory");
    } else if (set) {
        rpt_set_abort(set);
    }
    if (o.out) {
        if (rc != EXIT_OK) pal_atomic_abort(&w);
        else if (pal_atomic_commit(&w, err, sizeof err) != 0) rc = cli_error("report", "-o %s", err);
    } else if (rc == EXIT_OK && fflush(stdout) != 0) {
        rc = cli_error("report", "writing the report: %s", strerror(errno));
    }
    free(o.files);
    return rc;
}

/*
 * cmd_feed.c — `palisade feed`: vulnerability feed tools.
 *
 *   feed check PATH...              load feeds (and an allow list), report every
 *                                   problem with its file and record; exit 2 when
 *                                   a record had to be skipped as malformed
 *   feed convert-msrc CVRF.json...  Microsoft CVRF JSON -> a palisade Windows feed
 *   feed match --feeds PATH IMAGE   the vulnerabilities of one image (a tarball,
 *                                   a layout directory or an inventory .json),
 *                                   ranked by risk, until `scan` shows them
 *
 * The engine (engine/vuln/vuln.h) does the work; this parses flags and prints.
 */
#include "cli/args.h"
#include "cli/cli.h"
#include "engine/sbom/sbom.h"
#include "engine/base/fileio.h"
#include "engine/inventory/inventory.h"
#include "engine/vuln/vuln.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void usage(FILE *f)
{
    fprintf(f,
            "usage: palisade feed check PATH... [--allow-list FILE] [--format text|json]\n"
            "       palisade feed convert-msrc CVRF.json... -o windows-feed.json\n"
            "       palisade feed match --feeds PATH IMAGE.tar|DIR|INVENTORY.json|SBOM.json [options]\n"
            "\n"
            "Feeds are OSV records (Debian, Ubuntu, Alpine, ...), custom rules\n"
            "({\"rules\":[...]}) and palisade Windows feeds, as files or directories of\n"
            "*.json files.  check exits 2 when a feed cannot be read or a record is\n"
            "malformed (warnings, such as ecosystems palisade does not match, do not).\n"
            "\n"
            "convert-msrc reads Microsoft's CVRF JSON documents (MSRC API\n"
            "https://api.msrc.microsoft.com/cvrf/v3.0/cvrf/2024-Jan with\n"
            "Accept: application/json) and writes one Windows feed.\n"
            "\n"
            "match options:\n"
            "  --feeds PATH            feed file or directory (repeatable)\n"
            "  --allow-list FILE       CVE allow list, YAML or JSON: allow: [{id, package, reason, expires}]\n"
            "  --distro ID:RELEASE     e.g. debian:12, ubuntu:22.04, alpine:3.19 (default:\n"
            "                          the image's os-release or base packages)\n"
            "  --vuln-threshold SEV    hide vulnerabilities below low|medium|high|critical\n"
            "  --only-fixed            hide vulnerabilities without a fix\n"
            "  --today YYYY-MM-DD      date for ages and allow-list expiry (default: today, UTC)\n"
            "  --format text|json      output (json: the inventory's vulnerabilities array)\n");
}

static void print_problems(const pal_feed_report *r, FILE *out)
{
    for (unsigned i = 0; i < r->nproblems; i++) {
        const pal_feed_problem *p = &r->problems[i];
        fprintf(out, "%s: %s%s%s: %s\n", p->level == PAL_FEED_ERROR ? "error" : "warning", p->file,
                p->where[0] ? ": " : "", p->where, p->message);
    }
    if (r->omitted)
        fprintf(out, "... and %u more problems (only the first %u are kept)\n", r->omitted,
                PAL_FEED_MAX_PROBLEMS);
}

static cJSON *report_json(const pal_feed_report *r, const pal_feeds *f)
{
    cJSON *o = cJSON_CreateObject();
    if (!o) return NULL;
    cJSON_AddNumberToObject(o, "files", r->files);
    cJSON_AddNumberToObject(o, "records", r->records);
    cJSON_AddNumberToObject(o, "skipped", r->skipped);
    cJSON_AddNumberToObject(o, "errors", r->errors);
    cJSON_AddNumberToObject(o, "warnings", r->warnings);
    if (f) {
        pal_feeds_stats st;
        pal_feeds_stats_get(f, &st);
        cJSON *s = cJSON_AddObjectToObject(o, "loaded");
        if (s) {
            cJSON_AddNumberToObject(s, "osv_records", (double)st.osv_records);
            cJSON_AddNumberToObject(s, "custom_rules", (double)st.custom_rules);
            cJSON_AddNumberToObject(s, "md5_rules", (double)st.md5_rules);
            cJSON_AddNumberToObject(s, "windows_cves", (double)st.windows_cves);
            cJSON_AddNumberToObject(s, "windows_fixes", (double)st.windows_fixes);
            cJSON_AddNumberToObject(s, "packages", (double)st.packages);
        }
    }
    cJSON *ps = cJSON_AddArrayToObject(o, "problems");
    for (unsigned i = 0; ps && i < r->nproblems; i++) {
        const pal_feed_problem *p = &r->problems[i];
        cJSON *e = cJSON_CreateObject();
        if (!e) break;
        cJSON_AddStringToObject(e, "level", p->level == PAL_FEED_ERROR ? "error" : "warning");
        cJSON_AddStringToObject(e, "file", p->file);
        cJSON_AddStringToObject(e, "where", p->where);
        cJSON_AddStringToObject(e, "message", p->message);
        cJSON_AddItemToArray(ps, e);
    }
    return o;
}

static int print_json(cJSON *o)
{
    char *s = o ? cJSON_Print(o) : NULL;
    cJSON_Delete(o);
    if (!s) return cli_error("feed", "out of memory");
    puts(s);
    cJSON_free(s);
    return 0;
}

static int feed_check(int argc, char **argv)
{
    const char *paths[256];
    int npaths = 0;
    const char *allow = NULL, *format = "text";
    cli_args A;
    cli_args_init(&A, "feed", argc, argv);
    while (cli_args_next(&A)) {
        if (cli_args_help(&A)) { usage(stdout); return EXIT_OK; }
        if (cli_args_value(&A, "--allow-list", "a CVE allow list, YAML or JSON")) { allow = A.value; continue; }
        if (cli_args_value(&A, "--format", "text or json")) {
            if (strcmp(A.value, "text") && strcmp(A.value, "json")) return cli_error("feed", "--format is text or json");
            format = A.value;
            continue;
        }
        if (cli_args_is_option(&A) || A.failed) return cli_args_unknown(&A);
        if (npaths == 256) return cli_error("feed", "at most 256 paths at once");
        paths[npaths++] = A.arg;
    }
    if (A.failed) return EXIT_ERROR;
    if (!npaths && !allow) {
        usage(stderr);
        return cli_error("feed", "check: no feed given (palisade feed check DIR)");
    }
    pal_feed_report rep;
    pal_feed_report_init(&rep);
    char err[1024];
    pal_feeds *f = pal_feeds_new();
    if (!f) return cli_error("feed", "out of memory");
    int rc = EXIT_OK;
    for (int i = 0; i < npaths; i++) {
        unsigned before = rep.files;
        if (pal_feeds_add(f, paths[i], &rep, err, sizeof err) < 0) {
            cli_error("feed", "%s", err);
            rc = EXIT_ERROR;
            break;
        }
        if (rep.files == before) {   /* a directory without one .json file: a wrong path, not an empty feed */
            cli_error("feed", "%s: no feed files (*.json) under it", paths[i]);
            rc = EXIT_ERROR;
        }
    }
    if (rc == EXIT_OK && allow) {
        pal_allowlist *al = pal_allowlist_load(allow, NULL, &rep, err, sizeof err);
        if (!al) { cli_error("feed", "%s", err); rc = EXIT_ERROR; }
        pal_allowlist_free(al);
    }
    if (!strcmp(format, "json")) {
        cJSON *o = report_json(&rep, f);
        if (o) cJSON_AddBoolToObject(o, "ok", rc == EXIT_OK && rep.errors == 0);
        print_json(o);
    } else {
        print_problems(&rep, stdout);
        pal_feeds_stats st;
        pal_feeds_stats_get(f, &st);
        printf("%u files, %u records loaded (%zu OSV, %zu custom, %zu md5, %zu Windows CVEs), "
               "%u skipped; %u errors, %u warnings\n", rep.files, rep.records, st.osv_records,
               st.custom_rules, st.md5_rules, st.windows_cves, rep.skipped, rep.errors, rep.warnings);
    }
    if (rep.errors) rc = EXIT_ERROR;
    pal_feeds_free(f);
    pal_feed_report_free(&rep);
    return rc;
}

static int feed_convert(int argc, char **argv)
{
    const char *out = NULL;
    const char **files = calloc((size_t)argc, sizeof *files);
    if (!files) return cli_error("feed", "out of memory");
    unsigned n = 0;
    cli_args A;
    cli_args_init(&A, "feed", argc, argv);
    while (cli_args_next(&A)) {
        if (cli_args_help(&A)) { usage(stdout); free(files); return EXIT_OK; }
        if (cli_args_value(&A, "-o", "the Windows feed file to write") ||
            cli_args_value(&A, "--output", "the Windows feed file to write")) { out = A.value; continue; }
        if (cli_args_is_option(&A) || A.failed) { free(files); return cli_args_unknown(&A); }
        files[n++] = A.arg;
    }
    if (A.failed) { free(files); return EXIT_ERROR; }
    if (!n) {
        free(files);
        usage(stderr);
        return cli_error("feed", "convert-msrc: no CVRF document given");
    }
    pal_feed_report rep;
    pal_feed_report_init(&rep);
    char err[1024];
    cJSON *feed = pal_msrc_convert(files, n, &rep, err, sizeof err);
    free(files);
    print_problems(&rep, stderr);
    pal_feed_report_free(&rep);
    if (!feed) return cli_error("feed", "%s", err);
    int nv = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(feed, "vulnerabilities"));
    char *text = cJSON_Print(feed);
    cJSON_Delete(feed);
    if (!text) return cli_error("feed", "out of memory");
    int rc = EXIT_OK;
    if (out) {
        char werr[600];
        size_t tl = strlen(text);
        text[tl] = '\n';   /* the feed ends with a newline (the NUL's place; written by length) */
        int wr = pal_write_file_atomic(out, text, tl + 1, PAL_MODE_DEFAULT, werr, sizeof werr);
        text[tl] = 0;
        if (wr != 0) rc = cli_error("feed", "%s", werr);
        else fprintf(stderr, "palisade feed: %d Windows vulnerabilities written to %s\n", nv, out);
    } else {
        puts(text);
    }
    cJSON_free(text);
    return rc;
}

static bool ends_with(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && !strcmp(s + a - b, suf);
}

static cJSON *read_inventory_json(const char *path, char *err, size_t errcap)
{
    char *buf;
    size_t len;
    int r = pal_read_file(path, (size_t)PAL_INV_MAX_META_BYTES * 8, &buf, &len, err, errcap);
    if (r == PAL_READ_TOO_LARGE) snprintf(err, errcap, "%s: too large for an inventory", path);
    if (r == PAL_READ_ERROR && strstr(err, "is a directory"))
        snprintf(err, errcap, "%s: is a directory (give an image tarball, an OCI layout directory without .json "
                 "at the end of its name, or an inventory .json)", path);
    if (r != PAL_READ_OK) return NULL;
    cJSON *j = cJSON_ParseWithLength(buf, len);
    free(buf);
    if (!j) snprintf(err, errcap, "%s is not valid JSON (an inventory from `palisade inventory`)", path);
    /* a CycloneDX or SPDX SBOM is read as the inventory it describes */
    if (j && (cJSON_GetObjectItemCaseSensitive(j, "bomFormat") || cJSON_GetObjectItemCaseSensitive(j, "spdxVersion"))) {
        size_t skipped;
        char e[512];
        cJSON *inv = pal_sbom_read(j, &skipped, e, sizeof e);
        cJSON_Delete(j);
        if (!inv) snprintf(err, errcap, "%s: %s", path, e);
        else if (skipped)
            fprintf(stderr, "palisade feed: %s: %zu components without a package URL palisade can match were left out\n",
                    path, skipped);
        return inv;
    }
    return j;
}

static void print_text(const pal_vuln_list *l, const char *image)
{
    printf("%s: %zu vulnerabilities", image, l->n);
    static const char *const sev[] = {"unknown", "low", "medium", "high", "critical"};
    const char *sep = " (open:";
    for (int s = 4; s >= 0; s--)
        if (l->counts[s]) { printf("%s %zu %s", sep, l->counts[s], sev[s]); sep = ","; }
    printf("%s\n", sep[0] == ',' ? ")" : "");
    for (size_t i = 0; i < l->n; i++) {
        const pal_vuln *v = &l->items[i];
        char cvss[16] = "-";
        if (v->cvss10 >= 0) snprintf(cvss, sizeof cvss, "%d.%d", v->cvss10 / 10, v->cvss10 % 10);
        printf("%3d  %-8s %-4s %-18s %s %s -> %s%s%s  [%s]", v->risk, pal_vuln_severity_name(v->severity),
               cvss, v->id, v->package, v->version, v->fixed_version ? v->fixed_version : "(no fix)",
               v->kb ? " " : "", v->kb ? v->kb : "", pal_vuln_status_name(v->status));
        printf("  risk: severity %d + fix %d + exploit %d + network %d + root %d + age %d\n",
               v->factors.severity, v->factors.fix, v->factors.exploit, v->factors.network,
               v->factors.root, v->factors.age);
        if (v->allow_expired)
            printf("       allow-list entry expired %s (%s)\n", v->allow_expires ? v->allow_expires : "",
                   v->allow_reason ? v->allow_reason : "");
    }
    for (size_t i = 0; i < l->nnotes; i++) printf("note: %s\n", l->notes[i]);
}

static int feed_match(int argc, char **argv)
{
    const char *feeds[64];
    int nfeeds = 0;
    const char *image = NULL, *allow = NULL, *format = "text";
    pal_vuln_opts o = {0};
    cli_args A;
    cli_args_init(&A, "feed", argc, argv);
    while (cli_args_next(&A)) {
        const char *a = A.arg, *v;
        if (cli_args_help(&A)) { usage(stdout); return EXIT_OK; }
        if (cli_args_value(&A, "--feeds", "a feed file or directory")) {
            if (nfeeds == 64) return cli_error("feed", "at most 64 --feeds");
            feeds[nfeeds++] = A.value;
        } else if (cli_args_value(&A, "--allow-list", "a CVE allow list, YAML or JSON")) {
            allow = A.value;
        } else if (cli_args_value(&A, "--distro", "ID:RELEASE, e.g. debian:12")) {
            o.distro = A.value;
        } else if (cli_args_value(&A, "--today", "a date YYYY-MM-DD")) {
            long d;
            v = A.value;
            if (pal_date_days(v, &d) < 0 || strlen(v) != 10)
                return cli_error("feed", "--today needs a date YYYY-MM-DD, not '%s'", v);
            o.today = v;
        } else if (cli_args_value(&A, "--vuln-threshold", CLI_WANT_SEVERITY)) {
            int sev = pal_vuln_severity_from_name(A.value);
            if (sev < 0) return cli_error("feed", "--vuln-threshold is low, medium, high or critical, not '%s'", A.value);
            o.min_severity = (pal_vuln_severity)sev;
        } else if (cli_args_flag(&A, "--only-fixed")) {
            o.only_fixed = true;
        } else if (cli_args_value(&A, "--format", "text or json")) {
            if (strcmp(A.value, "text") && strcmp(A.value, "json")) return cli_error("feed", "--format is text or json");
            format = A.value;
        } else if (cli_args_is_option(&A) || A.failed) {
            return cli_args_unknown(&A);
        } else {
            if (image) return cli_error("feed", "one image at a time ('%s' and '%s')", image, a);
            image = a;
        }
    }
    if (A.failed) return EXIT_ERROR;
    if (!image || !nfeeds) {
        usage(stderr);
        return cli_error("feed", "match needs --feeds PATH and an image");
    }
    char err[1024];
    pal_feed_report rep;
    pal_feed_report_init(&rep);
    pal_feeds *f = pal_feeds_new();
    pal_allowlist *al = NULL;
    cJSON *inv = NULL;
    pal_vuln_list list = {0};
    int rc = EXIT_ERROR;
    if (!f) { cli_error("feed", "out of memory"); goto out; }
    for (int i = 0; i < nfeeds; i++)
        if (pal_feeds_add(f, feeds[i], &rep, err, sizeof err) < 0) { cli_error("feed", "%s", err); goto out; }
    if (allow && !(al = pal_allowlist_load(allow, o.today, &rep, err, sizeof err))) {
        cli_error("feed", "%s", err);
        goto out;
    }
    print_problems(&rep, stderr);
    o.allow = al;
    if (ends_with(image, ".json")) {
        inv = read_inventory_json(image, err, sizeof err);
    } else {
        pal_feeds_stats st;
        pal_feeds_stats_get(f, &st);
        pal_inventory_opts io = {.hashes = st.md5_rules > 0, .content_max = 0};
        if (pal_inventory_read(image, &io, &inv, err, sizeof err) < 0) {
            cli_error("feed", "%s: %s", image, err);   /* the reader's message does not name the image */
            goto out;
        }
    }
    if (!inv) { cli_error("feed", "%s", err); goto out; }
    if (pal_vuln_match(f, inv, &o, &list, err, sizeof err) < 0) { cli_error("feed", "%s", err); goto out; }
    if (!strcmp(format, "json")) {
        cJSON *doc = cJSON_CreateObject();
        cJSON *arr = NULL;
        if (doc && pal_vuln_to_json(&list, doc) == 0) arr = cJSON_GetObjectItemCaseSensitive(doc, "vulnerabilities");
        cJSON *notes = doc ? cJSON_AddArrayToObject(doc, "notes") : NULL;
        for (size_t i = 0; notes && i < list.nnotes; i++)
            cJSON_AddItemToArray(notes, cJSON_CreateString(list.notes[i]));
        if (!arr) { cJSON_Delete(doc); cli_error("feed", "out of memory"); goto out; }
        print_json(doc);
    } else {
        print_text(&list, image);
    }
    rc = EXIT_OK;
out:
    pal_vuln_list_free(&list);
    cJSON_Delete(inv);
    pal_allowlist_free(al);
    pal_feeds_free(f);
    pal_feed_report_free(&rep);
    return rc;
}

int cmd_feed(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? cli_error("feed", "which feed command? (check, convert-msrc, match)") : EXIT_OK;
    }
    if (!strcmp(argv[1], "check")) return feed_check(argc - 1, argv + 1);
    if (!strcmp(argv[1], "convert-msrc")) return feed_convert(argc - 1, argv + 1);
    if (!strcmp(argv[1], "match")) return feed_match(argc - 1, argv + 1);
    usage(stderr);
    return cli_error("feed", "unknown feed command '%s' (check, convert-msrc, match)", argv[1]);
}

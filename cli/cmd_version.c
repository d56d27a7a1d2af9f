/*
 * cmd_version.c — `palisade version compare ECOSYSTEM [A B]`: the tool to
 * reach for when a version match surprises (like `dpkg --compare-versions`,
 * `apk version -t` or rpm's rpm.vercmp), with palisade's own ordering
 * (engine/core/version.h), the one feeds, scans and policies use.
 *
 *   two versions   prints "<", "=" or ">"; exit 0, or "invalid: REASON" and 2
 *   none           reads "A B" lines from stdin and prints one answer a line,
 *                  in order; exit 2 if any line was invalid
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/args.h"
#include "cli/cli.h"
#include "engine/core/version.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: palisade version compare ECOSYSTEM [A B]\n"
               "Compares two versions by ECOSYSTEM's rules and prints <, = or >.  Without A and B,\n"
               "reads \"A B\" lines from stdin and prints one answer per line (\"invalid: REASON\" for\n"
               "a line that is not two valid versions; the exit status is then 2).\n"
               "ECOSYSTEM: dpkg (debian, ubuntu), apk (alpine), rpm (rhel, rocky, suse, ...), semver,\n"
               "windows, npm, pypi, go, maven, rubygems, cargo\n");
}

/* Prints the answer for one pair; false when it was invalid. */
static bool answer(pal_ver_eco eco, const char *a, size_t alen, const char *b, size_t blen)
{
    const char *why = pal_ver_error(eco, a, alen);
    const char *which = a;
    size_t wlen = alen;
    if (!why) { why = pal_ver_error(eco, b, blen); which = b; wlen = blen; }
    if (why) {
        printf("invalid: '%.*s': %s\n", (int)(wlen > 200 ? 200 : wlen), which, why);
        return false;
    }
    int c = 0;
    pal_ver_cmp(eco, a, alen, b, blen, &c);
    puts(c < 0 ? "<" : c > 0 ? ">" : "=");
    return true;
}

static int compare_lines(pal_ver_eco eco)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    bool all_ok = true;
    while ((n = getline(&line, &cap, stdin)) >= 0) {
        size_t len = (size_t)n;
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r')) len--;
        /* two fields separated by blanks */
        size_t i = 0;
        while (i < len && (line[i] == ' ' || line[i] == '\t')) i++;
        size_t a0 = i;
        while (i < len && line[i] != ' ' && line[i] != '\t') i++;
        size_t a1 = i;
        while (i < len && (line[i] == ' ' || line[i] == '\t')) i++;
        size_t b0 = i;
        while (i < len && line[i] != ' ' && line[i] != '\t') i++;
        size_t b1 = i;
        while (i < len && (line[i] == ' ' || line[i] == '\t')) i++;
        if (a0 == a1 || b0 == b1 || i != len) {
            puts("invalid: expected two versions on the line, \"A B\"");
            all_ok = false;
        } else if (!answer(eco, line + a0, a1 - a0, line + b0, b1 - b0)) {
            all_ok = false;
        }
        fflush(stdout);
    }
    free(line);
    return all_ok ? EXIT_OK : EXIT_ERROR;
}

int cmd_version_compare(int argc, char **argv)
{
    const char *pos[3];
    int npos = 0;
    cli_args A;
    cli_args_init(&A, "version compare", argc, argv);
    while (cli_args_next(&A)) {
        if (cli_args_help(&A)) { usage(stdout); return EXIT_OK; }
        if (A.arg[0] == '-' && A.arg[1]) return cli_args_unknown(&A);
        if (npos == 3) return cli_error("version compare", "too many arguments: ECOSYSTEM [A B]");
        pos[npos++] = A.arg;
    }
    if (A.failed) return EXIT_ERROR;
    if (npos != 1 && npos != 3) { usage(stderr); return EXIT_ERROR; }
    pal_ver_eco eco = (pal_ver_eco)pal_ver_eco_from_name(pos[0]);
    if (!eco)
        return cli_error("version compare", "unknown ecosystem '%s' (dpkg, apk, rpm, semver, windows, npm, "
                         "pypi, go, maven, rubygems, cargo)", pos[0]);
    if (npos == 1) return compare_lines(eco);
    return answer(eco, pos[1], strlen(pos[1]), pos[2], strlen(pos[2])) ? EXIT_OK : EXIT_ERROR;
}

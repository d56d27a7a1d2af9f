/*
 * cmd_inventory.c — `palisade inventory IMAGE.tar`: what an image holds, as JSON.
 *
 * The engine builds the inventory (engine/inventory/inventory.h); this prints it.
 * Arrays of records (files, packages, users, ...) are printed one compact
 * record per line, everything else indented, so the output is both valid
 * JSON for jq and readable/greppable for people (`grep '"setuid":true'`).
 */
#include "cli/args.h"
#include "cli/cli.h"
#include "engine/inventory/inventory.h"
#include "engine/sbom/sbom.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f,
            "usage: palisade inventory IMAGE.tar|DIR [--format json|cyclonedx|spdx] [--hashes] [--content-max BYTES]\n"
            "\n"
            "Reads a `docker save` or OCI-layout tarball (plain, gzip or zstd), or an OCI\n"
            "layout directory, and prints\n"
            "what the image holds: config, history, files, packages, users, groups and,\n"
            "for Windows images, the build and installed KBs.\n"
            "\n"
            "  --format FORMAT      json (the inventory), cyclonedx (CycloneDX 1.6 JSON SBOM) or\n"
            "                       spdx (SPDX 2.3 JSON); with --hashes, SBOM components carry the\n"
            "                       SHA-256 of the file each package was read from\n"
            "  --hashes             SHA-256 and MD5 of every regular file\n"
            "  --content-max BYTES  include the text of files up to BYTES (K/M suffixes)\n");
}

static void put_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\t': fputs("\\t", out); break;
        case '\r': fputs("\\r", out); break;
        default:
            if (*p < 0x20) fprintf(out, "\\u%04x", *p);
            else fputc(*p, out);
        }
    }
    fputc('"', out);
}

static void put_compact(FILE *out, const cJSON *v)
{
    char *s = cJSON_PrintUnformatted(v);
    if (s) { fputs(s, out); cJSON_free(s); }
}

static void put_value(FILE *out, const cJSON *v, int indent)
{
    if (cJSON_IsObject(v) && v->child) {
        fputs("{\n", out);
        for (const cJSON *c = v->child; c; c = c->next) {
            fprintf(out, "%*s", indent + 2, "");
            put_string(out, c->string ? c->string : "");
            fputs(": ", out);
            put_value(out, c, indent + 2);
            fputs(c->next ? ",\n" : "\n", out);
        }
        fprintf(out, "%*s}", indent, "");
    } else if (cJSON_IsArray(v) && v->child && cJSON_IsObject(v->child)) {
        fputs("[\n", out);
        for (const cJSON *c = v->child; c; c = c->next) {
            fprintf(out, "%*s", indent + 2, "");
            put_compact(out, c);
            fputs(c->next ? ",\n" : "\n", out);
        }
        fprintf(out, "%*s]", indent, "");
    } else {
        put_compact(out, v);
    }
}

static int parse_size(const char *s, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (end == s || errno || s[0] == '-') return -1;
    if (*end == 'k' || *end == 'K') { v <<= 10; end++; }
    else if (*end == 'm' || *end == 'M') { v <<= 20; end++; }
    if (*end || v > (1ull << 30)) return -1;
    *out = (size_t)v;
    return 0;
}

int cmd_inventory(int argc, char **argv)
{
    pal_inventory_opts opts = {0};
    const char *path = NULL, *format = "json";
    cli_args A;
    cli_args_init(&A, "inventory", argc, argv);
    while (cli_args_next(&A)) {
        const char *a = A.arg;
        if (cli_args_help(&A)) { usage(stdout); return EXIT_OK; }
        if (cli_args_flag(&A, "--hashes")) { opts.hashes = true; continue; }
        if (cli_args_value(&A, "--format", "json, cyclonedx or spdx")) {
            if (strcmp(A.value, "json") && strcmp(A.value, "cyclonedx") && strcmp(A.value, "spdx"))
                return cli_error("inventory", "unknown format '%s' (json, cyclonedx or spdx)", A.value);
            format = A.value;
            continue;
        }
        if (cli_args_value(&A, "--content-max", "a size in bytes up to 1G, e.g. 64K")) {
            if (parse_size(A.value, &opts.content_max) < 0)
                return cli_error("inventory", "--content-max needs a size in bytes up to 1G (e.g. 64K), not '%s'", A.value);
            continue;
        }
        if (cli_args_is_option(&A) || A.failed) return cli_args_unknown(&A);
        if (path) return cli_error("inventory", "one image at a time ('%s' and '%s')", path, a);
        path = a;
    }
    if (A.failed) return EXIT_ERROR;
    if (!path) {
        usage(stderr);
        return cli_error("inventory", "no image given (palisade inventory IMAGE.tar)");
    }
    char err[1024];
    cJSON *inv = NULL;
    if (pal_inventory_read(path, &opts, &inv, err, sizeof err) < 0)
        return cli_error("inventory", "%s: %s", path, err);
    if (strcmp(format, "json")) {
        cJSON *sbom = format[0] == 'c' ? pal_sbom_cyclonedx(inv, err, sizeof err) : pal_sbom_spdx(inv, err, sizeof err);
        cJSON_Delete(inv);
        if (!sbom) return cli_error("inventory", "%s: %s", path, err);
        inv = sbom;
    }
    put_value(stdout, inv, 0);
    fputc('\n', stdout);
    cJSON_Delete(inv);
    if (fflush(stdout) != 0 || ferror(stdout))
        return cli_error("inventory", "cannot write the output: %s", strerror(errno));
    return EXIT_OK;
}

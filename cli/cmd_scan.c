/*
 * cmd_scan.c — `palisade scan IMAGE.tar`: build the inventory, run every
 * built-in (and --policy) check, report, exit 0 pass / 1 fail / 2 error.
 *
 * Findings at or above --fail-on (default high) fail the scan.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "policy.h"
#include "engine/decode.h"
#include "engine/inventory.h"
#include "engine/runtime.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: palisade scan IMAGE.tar [--policy DIR|BUNDLE] [--fail-on low|medium|high|critical]\n"
               "                     [--format text|json]\n");
}

static void json_str(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') fprintf(out, "\\%c", c);
        else if (c < 0x20) fprintf(out, "\\u%04x", c);
        else fputc(c, out);
    }
    fputc('"', out);
}

static const char *meta(const pal_program *p, const pal_rule *r, const char *key)
{
    for (uint32_t i = 0; i < r->nmeta; i++) {
        const pal_meta *m = &p->meta[r->meta_first + i];
        if (!strcmp(pal_program_str(p, m->key), key)) return pal_program_str(p, m->value);
    }
    return NULL;
}

int cmd_scan(int argc, char **argv)
{
    const char *image = NULL, *policy = NULL, *format = "text";
    int fail_on = SEV_HIGH;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--policy") && i + 1 < argc) policy = argv[++i];
        else if (!strcmp(argv[i], "--format") && i + 1 < argc) format = argv[++i];
        else if (!strcmp(argv[i], "--fail-on") && i + 1 < argc) {
            fail_on = pal_severity_from_name(argv[i + 1], strlen(argv[i + 1]));
            if (fail_on <= 0) return cli_error("scan", "unknown severity '%s' (low, medium, high, critical)", argv[i + 1]);
            i++;
        } else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) { usage(stdout); return EXIT_OK; }
        else if (argv[i][0] == '-') { usage(stderr); return cli_error("scan", "unknown option '%s'", argv[i]); }
        else if (!image) image = argv[i];
        else return cli_error("scan", "one image at a time");
    }
    if (!image) { usage(stderr); return cli_error("scan", "which image? give a docker-save or OCI tarball"); }
    if (strcmp(format, "text") && strcmp(format, "json"))
        return cli_error("scan", "unknown --format '%s' (text or json)", format);
    pal_program *p = policy ? cli_load_policy("scan", policy, NULL) : cli_embedded_program("scan", "checks");
    if (!p) return EXIT_ERROR;
    pal_inventory_opts io = {true, 16384};
    cJSON *inv = NULL;
    char err[1024];
    if (pal_inventory_read(image, &io, &inv, err, sizeof err) != 0) {
        pal_program_free(p);
        return cli_error("scan", "%s: %s", image, err);
    }
    cJSON *os = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(inv, "image"), "os");
    bool windows = cJSON_IsString(os) && !strcmp(os->valuestring, "windows");
    cJSON *nm = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(inv, "image"), "name");
    char imgname[512];
    snprintf(imgname, sizeof imgname, "%s", cJSON_IsString(nm) ? nm->valuestring : image);
    pal_arena a;
    pal_arena_init(&a, 0);
    pal_record rec;
    int rc = pal_record_from_json(pal_schema_get(PS_IMAGE), inv, windows, &a, &rec, err, sizeof err);
    cJSON_Delete(inv);
    if (rc != 0) { pal_arena_free(&a); pal_program_free(p); return cli_error("scan", "%s: %s", image, err); }
    pal_runtime *rt = pal_runtime_new(p);
    pal_decision d;
    if (!rt || pal_run_checks(rt, &rec, &d) != 0) {
        pal_runtime_free(rt); pal_arena_free(&a); pal_program_free(p);
        return cli_error("scan", "out of memory");
    }
    unsigned counts[6] = {0}, failing = 0, checks = 0;
    for (uint32_t i = 0; i < p->nrules; i++) if (p->rules[i].root == PS_IMAGE) checks++;
    for (uint32_t m = 0; m < d.nmatches; m++) {
        counts[d.matches[m].severity < 6 ? d.matches[m].severity : 0]++;
        if (d.matches[m].severity >= fail_on) failing++;
    }
    bool passed = failing == 0 && !d.vm_error;
    if (!strcmp(format, "json")) {
        printf("{\"image\":");
        json_str(stdout, imgname);
        printf(",\"findings\":[");
        for (uint32_t m = 0; m < d.nmatches; m++) {
            const pal_rule *r = &p->rules[d.matches[m].rule];
            printf("%s{\"id\":", m ? "," : "");
            json_str(stdout, pal_program_str(p, r->name));
            const char *title = meta(p, r, "title");
            printf(",\"title\":");
            json_str(stdout, title ? title : "");
            printf(",\"severity\":\"%s\",\"status\":\"fail\",\"message\":", pal_severity_name(d.matches[m].severity));
            json_str(stdout, d.matches[m].message);
            printf(",\"frameworks\":{");
            bool first = true;
            for (uint32_t k = 0; k < r->nmeta; k++) {
                const char *key = pal_program_str(p, p->meta[r->meta_first + k].key);
                if (strncmp(key, "frameworks.", 11)) continue;
                printf("%s", first ? "" : ",");
                json_str(stdout, key + 11);
                putchar(':');
                json_str(stdout, pal_program_str(p, p->meta[r->meta_first + k].value));
                first = false;
            }
            printf("}}");
        }
        printf("],\"summary\":{\"checks\":%u,\"findings\":%u,\"critical\":%u,\"high\":%u,\"medium\":%u,\"low\":%u},"
               "\"fail_on\":\"%s\",\"passed\":%s}\n",
               checks, d.nmatches, counts[SEV_CRITICAL], counts[SEV_HIGH], counts[SEV_MEDIUM], counts[SEV_LOW],
               pal_severity_name((unsigned)fail_on), passed ? "true" : "false");
    } else {
        printf("%s: %u checks\n", imgname, checks);
        for (int sev = SEV_CRITICAL; sev >= SEV_NONE; sev--) {
            for (uint32_t m = 0; m < d.nmatches; m++) {
                if (d.matches[m].severity != sev) continue;
                const pal_rule *r = &p->rules[d.matches[m].rule];
                const char *title = meta(p, r, "title");
                printf("  %-8s %-10s %s\n           %s\n", pal_severity_name((unsigned)sev), pal_program_str(p, r->name),
                       title ? title : "", d.matches[m].message);
            }
        }
        printf("%s: %u findings (%u critical, %u high, %u medium, %u low); fail-on %s\n", passed ? "PASS" : "FAIL",
               d.nmatches, counts[SEV_CRITICAL], counts[SEV_HIGH], counts[SEV_MEDIUM], counts[SEV_LOW],
               pal_severity_name((unsigned)fail_on));
    }
    if (d.vm_error)
        fprintf(stderr, "palisade scan: check '%s' stopped: %s\n", pal_program_str(p, p->rules[d.vm_error_rule].name),
                pal_vm_strerror(d.vm_error));
    pal_runtime_free(rt);
    pal_arena_free(&a);
    pal_program_free(p);
    return d.vm_error ? EXIT_ERROR : passed ? EXIT_OK : EXIT_POLICY;
}

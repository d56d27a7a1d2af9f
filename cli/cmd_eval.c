/*
 * cmd_eval.c — `palisade eval`: decide every event of a JSON-lines stream
 * (one decision line per input line), or run the checks on an inventory.
 *
 * Exit: 0 when nothing was prevented or blocked (events) / no check failed
 * (inventory); 1 otherwise; 2 on errors (and, with --strict, when an input
 * line could not be decoded).  Bad lines never stop the stream: each gets
 * an error decision naming its line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "policy.h"
#include "engine/decode.h"
#include "engine/runtime.h"
#include "engine/limits.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: palisade eval [--policy DIR|BUNDLE|FILE.pal] --events FILE|- [--input-format auto|ecs|sysmon|falco]\n"
               "                     [--only-findings] [--strict]\n"
               "       palisade eval [--policy ...] --inventory FILE.json\n"
               "Without --policy the built-in runtime policies (or, for --inventory, checks) decide.\n");
}

static void json_escape(FILE *out, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') fprintf(out, "\\%c", c);
        else if (c < 0x20) fprintf(out, "\\u%04x", c);
        else fputc(c, out);
    }
}

static char *read_all(FILE *f, size_t *len, size_t cap)
{
    size_t n = 0, sz = 65536;
    char *buf = malloc(sz);
    if (!buf) return NULL;
    size_t r;
    while ((r = fread(buf + n, 1, sz - n - 1, f)) > 0) {
        n += r;
        if (n > cap) { free(buf); return NULL; }
        if (sz - n - 1 == 0) {
            char *nb = realloc(buf, sz * 2);
            if (!nb) { free(buf); return NULL; }
            buf = nb;
            sz *= 2;
        }
    }
    buf[n] = 0;
    *len = n;
    return buf;
}

static int eval_inventory(pal_program *p, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) { pal_program_free(p); return cli_error("eval", "%s: cannot open the inventory", path); }
    size_t len;
    char *text = read_all(f, &len, 512u << 20);
    fclose(f);
    if (!text) { pal_program_free(p); return cli_error("eval", "%s: cannot read (larger than 512 MiB?)", path); }
    cJSON *root = cJSON_ParseWithLength(text, len);
    free(text);
    if (!root || !cJSON_IsObject(root)) {
        cJSON_Delete(root);
        pal_program_free(p);
        return cli_error("eval", "%s: not a JSON object (write one with `palisade inventory IMAGE.tar`)", path);
    }
    pal_arena a;
    pal_arena_init(&a, 0);
    pal_record rec;
    char err[512];
    cJSON *os = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, "image"), "os");
    bool windows = cJSON_IsString(os) && !strcmp(os->valuestring, "windows");
    int rc = pal_record_from_json(pal_schema_get(PS_IMAGE), root, windows, &a, &rec, err, sizeof err);
    cJSON_Delete(root);
    if (rc != 0) {
        pal_arena_free(&a);
        pal_program_free(p);
        return cli_error("eval", "%s: %s", path, err);
    }
    pal_runtime *rt = pal_runtime_new(p);
    pal_decision d;
    int exitc = EXIT_OK;
    if (!rt || pal_run_checks(rt, &rec, &d) != 0) exitc = cli_error("eval", "out of memory");
    else {
        printf("{\"checks\":[");
        bool first = true;
        for (uint32_t i = 0; i < p->nrules; i++) {
            const pal_rule *r = &p->rules[i];
            if (r->root != PS_IMAGE) continue;
            uint32_t nf = 0;
            for (uint32_t m = 0; m < d.nmatches; m++) if (d.matches[m].rule == i) nf++;
            printf("%s{\"id\":\"", first ? "" : ",");
            json_escape(stdout, pal_program_str(p, r->name));
            printf("\",\"status\":\"%s\",\"findings\":[", nf ? "fail" : "pass");
            bool f2 = true;
            for (uint32_t m = 0; m < d.nmatches; m++) {
                if (d.matches[m].rule != i) continue;
                printf("%s{\"severity\":\"%s\",\"message\":\"", f2 ? "" : ",", pal_severity_name(d.matches[m].severity));
                json_escape(stdout, d.matches[m].message);
                printf("\"}");
                f2 = false;
            }
            printf("]}");
            first = false;
            if (nf) exitc = EXIT_POLICY;
        }
        printf("],\"revision\":\"");
        json_escape(stdout, pal_program_str(p, p->revision));
        printf("\"}\n");
        if (d.vm_error) exitc = cli_error("eval", "check '%s' stopped: %s", pal_program_str(p, p->rules[d.vm_error_rule].name),
                                          pal_vm_strerror(d.vm_error));
    }
    pal_runtime_free(rt);
    pal_arena_free(&a);
    pal_program_free(p);
    return exitc;
}

int cmd_eval(int argc, char **argv)
{
    const char *policy = NULL, *events = NULL, *inventory = NULL, *fmtname = "auto";
    bool only_findings = false, strict = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--policy") && i + 1 < argc) policy = argv[++i];
        else if (!strcmp(argv[i], "--events") && i + 1 < argc) events = argv[++i];
        else if (!strcmp(argv[i], "--inventory") && i + 1 < argc) inventory = argv[++i];
        else if (!strcmp(argv[i], "--input-format") && i + 1 < argc) fmtname = argv[++i];
        else if (!strcmp(argv[i], "--only-findings")) only_findings = true;
        else if (!strcmp(argv[i], "--strict")) strict = true;
        else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) { usage(stdout); return EXIT_OK; }
        else { usage(stderr); return cli_error("eval", "unexpected argument '%s'", argv[i]); }
    }
    if (!events == !inventory) { usage(stderr); return cli_error("eval", "give --events FILE|- or --inventory FILE.json"); }
    int fmt = (int)pal_input_format_from_name(fmtname);
    if (fmt < 0) return cli_error("eval", "unknown --input-format '%s' (auto, ecs, sysmon or falco)", fmtname);
    pal_program *p = policy ? cli_load_policy("eval", policy, NULL)
                            : cli_embedded_program("eval", inventory ? "checks" : "policies");
    if (!p) return EXIT_ERROR;
    if (inventory) return eval_inventory(p, inventory);

    FILE *in = strcmp(events, "-") ? fopen(events, "rb") : stdin;
    if (!in) { pal_program_free(p); return cli_error("eval", "%s: cannot open the event file", events); }
    pal_runtime *rt = pal_runtime_new(p);
    char *line = malloc(PAL_MAX_EVENT_LINE + 2);
    if (!rt || !line) { pal_program_free(p); return cli_error("eval", "out of memory"); }
    pal_arena a;
    pal_arena_init(&a, 64u << 20);
    long lineno = 0, nerr = 0, ndeny = 0, nevents = 0, nfind = 0, nwarn = 0;
    const char *rev = pal_program_str(p, p->revision);
    for (;;) {
        if (!fgets(line, PAL_MAX_EVENT_LINE + 2, in)) break;
        lineno++;
        size_t len = strlen(line);
        bool toolong = len == PAL_MAX_EVENT_LINE + 1 && line[len - 1] != '\n';
        if (toolong) {   /* skip the rest of the line */
            int c;
            while ((c = fgetc(in)) != EOF && c != '\n') {}
        }
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r')) line[--len] = 0;
        if (!toolong && len == 0) continue;
        nevents++;
        char err[512];
        err[0] = 0;
        pal_event ev;
        pal_arena_reset(&a);
        if (toolong) snprintf(err, sizeof err, "line longer than %u bytes", PAL_MAX_EVENT_LINE);
        if (toolong || pal_event_decode(line, len, (pal_input_format)fmt, p->event_fields_used, &a, &ev, err, sizeof err) != 0) {
            nerr++;
            printf("{\"line\":%ld,\"effect\":\"allow\",\"matches\":[],\"error\":\"", lineno);
            json_escape(stdout, err);
            printf("\",\"revision\":\"");
            json_escape(stdout, rev);
            printf("\"}\n");
            continue;
        }
        pal_decision d;
        if (pal_decide_event(rt, &ev, &d) != 0) { nerr++; continue; }
        /* the event was decided, but a field could not be read: say so */
        d.warning = err[0] ? err : NULL;
        if (err[0]) nwarn++;
        if (d.effect >= PE_PREVENT) ndeny++;
        if (d.nmatches) nfind++;
        if (only_findings && !d.nmatches && !d.vm_error && !d.warning) continue;
        char *js = pal_decision_json(rt, &d, lineno);
        if (js) { puts(js); free(js); }
    }
    if (ferror(in)) nerr++;
    if (in != stdin) fclose(in);
    fprintf(stderr, "palisade eval: %ld events, %ld with findings, %ld prevented or blocked, %ld input errors, "
            "%ld with unreadable fields\n", nevents, nfind, ndeny, nerr, nwarn);
    free(line);
    pal_arena_free(&a);
    pal_runtime_free(rt);
    pal_program_free(p);
    if (strict && (nerr || nwarn)) return EXIT_ERROR;
    return ndeny ? EXIT_POLICY : EXIT_OK;
}

/*
 * cmd_eval.c — `palisade eval`: decide every event of a JSON-lines stream
 * (one decision line per input line), or run the checks on an inventory.
 *
 * Exit: 0 when nothing was prevented or blocked (events) / no check failed
 * (inventory); 1 otherwise; 2 on errors: an input that cannot be read, one
 * of which no line decodes (a JSON array or pretty-printed JSON: the
 * summary says how to convert it, once), and, with --strict, any line that
 * could not be decoded.  Bad lines never stop the stream: each gets an
 * error decision naming its line.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli/args.h"
#include "cli/cli.h"
#include "engine/base/fileio.h"
#include "engine/base/lines.h"
#include "engine/runtime/decider.h"
#include "cli/policy.h"
#include "engine/decode/decode.h"
#include "engine/runtime/runtime.h"
#include "engine/base/limits.h"

/* What --events and --inventory want, for the messages about a wrong path. */
#define EVENTS_WANTED "a JSON-lines file of events, one object per line, or - for standard input"
#define INVENTORY_WANTED "the JSON file `palisade inventory IMAGE.tar > FILE.json` writes"

static void usage(FILE *f)
{
    fprintf(f, "usage: palisade eval [--policy DIR|BUNDLE|FILE.pal] --events FILE|- [--input-format auto|ecs|sysmon|falco]\n"
               "                     [--only-findings] [--strict] [--verify-key PUB] [--volume-map MAP]\n"
               "       palisade eval [--policy ...] --inventory FILE.json\n"
               "Without --policy the built-in runtime policies (or, for --inventory, checks) decide.\n"
               "--verify-key PUB refuses a bundle that the key from `palisade keygen` did not sign.\n"
               "--volume-map '\\Device\\HarddiskVolume3=C:,...' reads such Windows paths as drive paths.\n");
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

static int eval_inventory(pal_program *p, const char *path)
{
    FILE *f = cli_fopen_input("eval", path, INVENTORY_WANTED);
    if (!f) { pal_program_free(p); return EXIT_ERROR; }
    size_t len;
    char *text, why[600];
    int r = pal_read_fd(fileno(f), strcmp(path, "-") ? path : "standard input", 512u << 20, &text, &len, why, sizeof why);
    if (f != stdin) fclose(f);
    if (r != PAL_READ_OK) {
        pal_program_free(p);
        if (r == PAL_READ_TOO_LARGE) return cli_error("eval", "%s: larger than 512 MiB; is this an inventory?", path);
        return cli_error("eval", "%s", why);
    }
    cJSON *root = cJSON_ParseWithLength(text, len);
    free(text);
    if (!root || !cJSON_IsObject(root)) {
        cJSON_Delete(root);
        pal_program_free(p);
        return cli_error("eval", "%s: not a JSON object (give %s)", path, INVENTORY_WANTED);
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

typedef struct eval_state {
    pal_decider decider;
    pal_strbuf out;
    bool only_findings;
    long nevents, nerr, ndeny, nfind, nwarn;
    cli_input_shape shape;   /* of the first line: for the hint when no line decodes */
} eval_state;

static int eval_line(void *user, const char *line, size_t len, bool toolong, long lineno)
{
    eval_state *st = user;
    if (st->nevents++ == 0 && line) st->shape = cli_input_shape_of(line, len);
    pal_verdict v;
    pal_decision_ctx c = {lineno, 0, false, NULL};
    pal_strbuf_clear(&st->out);
    if (pal_decide_line(&st->decider, line, len, toolong, c, &st->out, &v) != 0) return -1;
    if (v.input_error) st->nerr++;
    if (v.warning) st->nwarn++;
    if (v.effect >= PE_PREVENT) st->ndeny++;
    if (v.nmatches) st->nfind++;
    if (!st->only_findings || v.nmatches || v.vm_error || v.warning || v.input_error)
        fwrite(st->out.s, 1, st->out.len, stdout);
    return 0;
}

int cmd_eval(int argc, char **argv)
{
    const char *policy = NULL, *events = NULL, *inventory = NULL, *fmtname = "auto", *keypath = NULL;
    bool only_findings = false, strict = false, have_volumes = false;
    pal_decode_opts dopts;
    char verr[512];
    cli_args A;
    cli_args_init(&A, "eval", argc, argv);
    while (cli_args_next(&A)) {
        if (cli_args_value(&A, "--policy", CLI_WANT_POLICY)) policy = A.value;
        else if (cli_args_value(&A, "--events", CLI_WANT_EVENTS)) events = A.value;
        else if (cli_args_value(&A, "--inventory", "an inventory .json from palisade inventory")) inventory = A.value;
        else if (cli_args_value(&A, "--input-format", CLI_WANT_INPUT_FORMAT)) fmtname = A.value;
        else if (cli_args_value(&A, "--verify-key", CLI_WANT_PUBKEY)) keypath = A.value;
        else if (cli_args_value(&A, "--volume-map", CLI_WANT_VOLUME_MAP)) {
            if (pal_volume_map_parse(A.value, &dopts, verr, sizeof verr) != 0)
                return cli_error("eval", "--volume-map: %s", verr);
            have_volumes = true;
        }
        else if (cli_args_flag(&A, "--only-findings")) only_findings = true;
        else if (cli_args_flag(&A, "--strict")) strict = true;
        else if (cli_args_help(&A)) { usage(stdout); return EXIT_OK; }
        else return cli_args_unknown(&A);
    }
    if (A.failed) return EXIT_ERROR;
    if (!events == !inventory) { usage(stderr); return cli_error("eval", "give --events FILE|- or --inventory FILE.json"); }
    int fmt = (int)pal_input_format_from_name(fmtname);
    if (fmt < 0) return cli_error("eval", "unknown --input-format '%s' (auto, ecs, sysmon or falco)", fmtname);
    pal_pubkey trusted;
    char kerr[512];
    if (keypath && !policy) return cli_error("eval", "--verify-key needs --policy BUNDLE");
    if (keypath && pal_pubkey_load(keypath, &trusted, kerr, sizeof kerr) != 0)
        return cli_error("eval", "--verify-key: %s", kerr);
    pal_program *p = policy ? cli_load_policy_verified("eval", policy, NULL, keypath ? &trusted : NULL, NULL)
                            : cli_embedded_program("eval", inventory ? "checks" : "policies");
    if (!p) return EXIT_ERROR;
    if (inventory) return eval_inventory(p, inventory);

    int fd = cli_open_input("eval", events, EVENTS_WANTED);
    if (fd < 0) { pal_program_free(p); return EXIT_ERROR; }
    eval_state st = {.only_findings = only_findings};
    pal_lines lines;
    pal_lines_init(&lines);
    if (pal_decider_init(&st.decider, p, (pal_input_format)fmt) != 0) {
        if (fd != STDIN_FILENO) close(fd);
        pal_program_free(p);
        return cli_error("eval", "out of memory");
    }
    if (have_volumes) st.decider.decode_opts = &dopts;
    int rc = 0;
    bool stopped = false;   /* the input could not be read to its end: exit 2 whatever was decided */
    for (;;) {
        size_t avail;
        char *space = pal_lines_space(&lines, &avail);
        if (!space) { rc = -1; break; }
        ssize_t n = read(fd, space, avail);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) { cli_read_error("eval", events, errno); stopped = true; break; }
        if (n == 0) { rc = pal_lines_finish(&lines, eval_line, &st); break; }
        if ((rc = pal_lines_commit(&lines, (size_t)n, eval_line, &st)) != 0) break;
    }
    if (rc) { cli_error("eval", "out of memory"); stopped = true; }
    if (fd != STDIN_FILENO) close(fd);
    fflush(stdout);
    fprintf(stderr, "palisade eval: %ld events, %ld with findings, %ld prevented or blocked, %ld input errors, "
            "%ld with unreadable fields\n", st.nevents, st.nfind, st.ndeny, st.nerr, st.nwarn);
    /* a stream of which no line decodes is the wrong input (a JSON array,
       pretty-printed JSON), not a stream of bad lines: said once, exit 2 */
    bool none_decoded = !stopped && st.nevents > 0 && st.nerr == st.nevents;
    if (none_decoded)
        cli_no_event_decoded("eval", events, st.nevents, st.shape, "the \"error\" of each decision line says why");
    pal_lines_free(&lines);
    pal_decider_free(&st.decider);
    pal_strbuf_free(&st.out);
    pal_program_free(p);
    long nerr = st.nerr, nwarn = st.nwarn, ndeny = st.ndeny;
    if (stopped || none_decoded || (strict && (nerr || nwarn))) return EXIT_ERROR;
    return ndeny ? EXIT_POLICY : EXIT_OK;
}

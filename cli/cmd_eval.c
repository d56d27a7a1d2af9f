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
 *
 * The stream is one session (engine/runtime/session.h): large reads, the
 * lines cut in place, the decisions queued and written in one write per
 * read.  With --threads N (N > 1) the lines are decided on N workers
 * (engine/runtime/workers.h), the decisions still in input order; while
 * the input is idle (a pipe with nothing to read) the decisions already
 * made are written as they come, so a live stream is not held back.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli/args.h"
#include "cli/cli.h"
#include "engine/base/fileio.h"
#include "engine/base/lines.h"
#include "engine/runtime/seq.h"
#include "engine/runtime/decider.h"
#include "engine/runtime/session.h"
#include "engine/runtime/workers.h"
#include "cli/policy.h"
#include "engine/decode/decode.h"
#include "engine/runtime/runtime.h"
#include "engine/base/limits.h"

/* What --events and --inventory want, for the messages about a wrong path. */
#define EVENTS_WANTED "a JSON-lines file of events, one object per line, or - for standard input"
#define INVENTORY_WANTED "the JSON file `palisade inventory IMAGE.tar > FILE.json` writes"

static void usage(FILE *f)
{
    fprintf(f, "usage: palisade eval [--policy DIR|BUNDLE|FILE.pal] --events FILE|- [--input-format auto|ecs|sysmon|evtx-json|falco]\n"
               "                     [--only-findings] [--strict] [--verify-key PUB] [--volume-map MAP] [--threads N]\n"
               "                     [--state-max N] [--state-max-rule N]\n"
               "       palisade eval [--policy ...] --inventory FILE.json\n"
               "Without --policy the built-in runtime policies (or, for --inventory, checks) decide.\n"
               "--verify-key PUB refuses a bundle that the key from `palisade keygen` did not sign.\n"
               "--volume-map '\\Device\\HarddiskVolume3=C:,...' reads such Windows paths as drive paths.\n"
               "--threads N decides on N threads (default 1); the decisions stay in input order.\n"
               "--state-max N, --state-max-rule N cap the partial matches sequences and counting rules keep,\n"
               "in all and per rule (default %u and %u); past a cap the least recently updated goes.\n",
            PAL_SEQ_MAX_STATE, PAL_SEQ_MAX_RULE_STATE);
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

enum { EVAL_READ_BYTES = 256 * 1024 };

/* The shape of the first line, for the hint when no line decodes. */
typedef struct first_line { bool seen; cli_input_shape shape; } first_line;

static void peek_first(void *user, const char *line, size_t len, bool toolong)
{
    first_line *f = user;
    if (f->seen) return;
    f->seen = true;
    if (line) f->shape = cli_input_shape_of(line, len);
}

/* Writes what the queue holds, all of it (standard output may have been
   left non-blocking by whoever made it).  Returns 0, or -1 with errno. */
static int write_out(pal_outq *q)
{
    while (pal_outq_pending(q)) {
        ssize_t n = write(STDOUT_FILENO, pal_outq_data(q), pal_outq_pending(q));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            struct pollfd pf = {STDOUT_FILENO, POLLOUT, 0};
            poll(&pf, 1, -1);
            continue;
        }
        if (n <= 0) return -1;
        pal_outq_sent(q, (size_t)n);
    }
    return 0;
}

typedef struct eval_stream {
    int fd;
    bool may_block;          /* a pipe or a terminal: reads may wait (a regular file never does) */
    pal_session s;
    pal_outq out;
    pal_session_counts counts;
    pal_decider *dec;
    pal_workers *w;          /* NULL: decided in place */
    bool out_failed;
} eval_stream;

static void flush_decisions(eval_stream *e)
{
    if (e->w) pal_workers_collect(e->w);
    if (!e->out_failed && write_out(&e->out) != 0) {
        cli_error("eval", "cannot write the decisions to standard output: %s", strerror(errno));
        e->out_failed = true;
    }
    if (e->out_failed) pal_outq_sent(&e->out, pal_outq_pending(&e->out));
}

/* Reads the stream to its end.  Returns 0, 1 (it could not be read to its
   end: reported) or -1 (out of memory). */
static int eval_events(eval_stream *e, const char *events)
{
    for (;;) {
        if (e->out_failed) return 1;
        size_t avail;
        char *space = pal_session_space(&e->s, &avail);
        if (!space) {
            if (!e->w || !pal_session_blocked(&e->s)) return -1;
            /* every slot is in flight, or lines wait for one */
            if (!pal_workers_can_begin(e->w)) pal_workers_wait(e->w, -1);
            else pal_session_resume(&e->s, e->dec, false);
            flush_decisions(e);
            continue;
        }
        if (e->w && e->may_block && pal_workers_inflight(e->w)) {
            /* decisions on their way: written as they come while the input is idle */
            struct pollfd pf[2] = {{e->fd, POLLIN, 0}, {pal_workers_fd(e->w), POLLIN, 0}};
            if (poll(pf, 2, -1) < 0 && errno != EINTR) return -1;
            if (pf[1].revents) flush_decisions(e);
            if (!pf[0].revents) continue;
        }
        ssize_t n = read(e->fd, space, avail);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) { cli_read_error("eval", events, errno); return 1; }
        if (n == 0) break;
        pal_session_commit(&e->s, e->dec, (size_t)n);
        flush_decisions(e);
    }
    pal_session_finish(&e->s, e->dec);
    if (e->w) pal_workers_finish(e->w);
    flush_decisions(e);
    return e->out_failed ? 1 : 0;
}

int cmd_eval(int argc, char **argv)
{
    const char *policy = NULL, *events = NULL, *inventory = NULL, *fmtname = "auto", *keypath = NULL;
    bool only_findings = false, strict = false, have_volumes = false;
    unsigned threads = 1;
    pal_seq_limits seq_limits = {0, 0, -1};
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
        else if (cli_args_value(&A, "--threads", "a number of threads")) {
            if (cli_threads_value("eval", A.value, &threads) != 0) return EXIT_ERROR;
        }
        else if (cli_args_value(&A, "--state-max", "a number of partial matches")) {
            if (cli_seq_limit("eval", "--state-max", A.value, &seq_limits.max_total) != 0) return EXIT_ERROR;
        }
        else if (cli_args_value(&A, "--state-max-rule", "a number of partial matches")) {
            if (cli_seq_limit("eval", "--state-max-rule", A.value, &seq_limits.max_rule) != 0) return EXIT_ERROR;
        }
        else if (cli_args_flag(&A, "--only-findings")) only_findings = true;
        else if (cli_args_flag(&A, "--strict")) strict = true;
        else if (cli_args_help(&A)) { usage(stdout); return EXIT_OK; }
        else return cli_args_unknown(&A);
    }
    if (A.failed) return EXIT_ERROR;
    if (!events == !inventory) { usage(stderr); return cli_error("eval", "give --events FILE|- or --inventory FILE.json"); }
    int fmt = (int)pal_input_format_from_name(fmtname);
    if (fmt < 0) return cli_error("eval", "unknown --input-format '%s' (auto, ecs, sysmon, evtx-json or falco)", fmtname);
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
    pal_decider dec;
    if (pal_decider_init(&dec, p, (pal_input_format)fmt) != 0) {
        if (fd != STDIN_FILENO) close(fd);
        pal_program_free(p);
        return cli_error("eval", "out of memory");
    }
    if (have_volumes) dec.decode_opts = &dopts;
    eval_stream e;
    memset(&e, 0, sizeof e);
    e.fd = fd;
    e.dec = &dec;
    struct stat st;
    e.may_block = !(fstat(fd, &st) == 0 && S_ISREG(st.st_mode));
    first_line first = {false, CLI_SHAPE_OTHER};
    pal_session_init(&e.s, &e.out, 0, false, 0, &e.counts);
    e.s.only_notable = only_findings;
    e.s.peek = peek_first;
    e.s.peek_user = &first;
    e.s.lines.read_size = EVAL_READ_BYTES;
    /* correlations: a file decides alike every run (events without a
       timestamp take the time eval started), within the caps asked for; their
       state is one ordered stream, held by this thread's decider (with
       workers, it settles their step hits in input order) */
    dec.clock_ms = pal_clock_ms();
    if (p->nseqs) {
        pal_seqstate *ss = pal_seqstate_new(p, &seq_limits);
        if (!ss) { if (fd != STDIN_FILENO) close(fd); pal_decider_free(&dec); pal_program_free(p); return cli_error("eval", "out of memory"); }
        pal_runtime_put_seqstate(dec.rt, ss);
    }
    int rc = 0;
    if (threads > 1) {
        char werr[256];
        if (!(e.w = pal_workers_new(&(pal_workers_opts){threads, 0, 0, 0}, &dec, werr, sizeof werr))) {
            cli_error("eval", "--threads %u: %s", threads, werr);
            rc = 1;
        } else {
            pal_workers_set_ordered(e.w, &dec);
            pal_workers_set_program(e.w, p);
            pal_session_use_workers(&e.s, e.w);
        }
    }
    if (rc == 0) rc = eval_events(&e, events);
    bool stopped = rc != 0;   /* the input could not be read to its end: exit 2 whatever was decided */
    if (rc < 0 || e.counts.write_errors) { cli_error("eval", "out of memory"); stopped = true; }
    if (fd != STDIN_FILENO) close(fd);
    const pal_session_counts *t = &e.counts;
    fprintf(stderr, "palisade eval: %llu events, %llu with findings, %llu prevented or blocked, %llu input errors, "
            "%llu with unreadable fields\n", t->lines, t->with_findings, t->denied, t->input_errors, t->warnings);
    if (pal_runtime_seqstate(dec.rt)) cli_seq_summary("eval", pal_runtime_seqstate(dec.rt));
    /* a stream of which no line decodes is the wrong input (a JSON array,
       pretty-printed JSON), not a stream of bad lines: said once, exit 2 */
    bool none_decoded = !stopped && t->lines > 0 && t->input_errors == t->lines;
    if (none_decoded)
        cli_no_event_decoded("eval", events, (long)t->lines, first.shape, "the \"error\" of each decision line says why");
    bool bad_lines = t->input_errors || t->warnings, denied = t->denied;
    pal_workers_free(e.w);
    pal_session_free(&e.s);
    pal_outq_free(&e.out);
    pal_decider_free(&dec);
    pal_program_free(p);
    if (stopped || none_decoded || (strict && bad_lines)) return EXIT_ERROR;
    return denied ? EXIT_POLICY : EXIT_OK;
}

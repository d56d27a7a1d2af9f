/*
 * fuzz_compile.c — libFuzzer target for the whole compile path:
 * source -> pal_compile -> pal_bundle_write -> pal_bundle_read -> VM.
 *
 * The input is up to three NUL-separated pieces (a NUL cannot occur in a
 * policy source, so nothing is lost): "policy.pal", then "lib/common.pal"
 * (so `import "lib/common"` and `import "lib"` resolve), then the content
 * every feed("...") read is served, whatever its name (the name chosen in the
 * source picks the feed format).  A seed with no NUL is one .pal file.
 *
 * What must hold, beyond "no crash, no sanitizer report, no hang":
 *   - a failed compile reported at least one error through the callback,
 *     and every diagnostic is well formed (code PALnnnn, a message);
 *   - what the compiler generates passes the verifier (which proves the
 *     bytecode ends): a "failed verification" diagnostic aborts;
 *   - a compiled program can be written as a bundle, and that bundle reads
 *     back (it passes the reader's structural checks and the verifier);
 *   - writing the program read back gives the same bytes (the format is a
 *     faithful round trip);
 *   - every rule run on the compiled program and on the program read back
 *     gives the same result, the same emits and the same rendered messages,
 *     on an empty event, an empty image and a few real decoded events and
 *     one small inventory (so the fuzzer's matchers, globs and regexes meet
 *     values).  Budgets are small: a quantifier nest may legitimately ask
 *     for 10^20 steps, and the budget is what stops it.
 *
 * Build: `make fuzz`; or without libFuzzer, as a replayer of files and
 * corpora (tests/fuzz/replay.h): `make fuzz-replay`.
 * FUZZ_COMPILE_VERBOSE=1 in the environment prints the diagnostics.
 */
#include "lang/compile/palc.h"
#include "engine/vm/bundle.h"
#include "engine/decode/decode.h"
#include "engine/base/limits.h"
#include "engine/runtime/runtime.h"
#include "engine/core/schema.h"
#include "engine/vm/vm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/fuzz/replay.h"

#define FUZZ_BUDGET 20000u           /* instructions per rule per record */
#define FUZZ_MAX_RECORDS 8

typedef struct { const char *text[3]; size_t len[3]; } fuzz_repo;

static int read_repo(void *user, const char *relpath, char **data, size_t *len)
{
    const fuzz_repo *r = user;
    int piece;
    if (!strcmp(relpath, "policy.pal")) piece = 0;
    else if (!strcmp(relpath, "lib/common.pal")) piece = 1;
    else if (!strncmp(relpath, "feeds/", 6)) piece = 2;   /* feeds are looked up here first */
    else return -1;
    if (!r->text[piece]) return -1;
    *data = malloc(r->len[piece] + 1);
    if (!*data) return -1;
    memcpy(*data, r->text[piece], r->len[piece]);
    (*data)[r->len[piece]] = 0;
    *len = r->len[piece];
    return 0;
}

typedef struct { unsigned errors; volatile size_t sink; } diag_seen;

static void on_diag(const pal_diagnostic *d, void *user)
{
    diag_seen *s = user;
    if (!d->code || strlen(d->code) != 7 || strncmp(d->code, "PAL", 3)) abort();
    for (int i = 3; i < 7; i++) if (d->code[i] < '0' || d->code[i] > '9') abort();
    if (!d->message) abort();
    /* the compiler's output must pass the verifier (loops included): a
       refusal there is a compiler or verifier bug, not a policy error */
    static const char refused[] = "the compiled program failed verification";
    if (!strcmp(d->code, "PAL0502") && !strncmp(d->message, refused, sizeof refused - 1)) {   /* not a quoted import path */
        fprintf(stderr, "fuzz_compile: %s\n", d->message);
        abort();
    }
    s->sink += strlen(d->message) + (d->hint ? strlen(d->hint) : 0);
    if (d->file) s->sink += strlen(d->file->path);
    if (d->level == PAL_DIAG_ERROR) s->errors++;
    if (getenv("FUZZ_COMPILE_VERBOSE")) pal_diag_print(d, stderr);   /* replaying a seed: why it fails */
}

/* ---- the records rules run on, built once ---- */

static const char *const sample_events[] = {
    "{\"event\":{\"category\":[\"process\"],\"type\":[\"start\"]},\"host\":{\"name\":\"w\",\"os\":{\"type\":\"windows\"}},"
    "\"container\":{\"id\":\"c0ffee\",\"image\":{\"name\":\"wincontainerapp:latest\"}},\"user\":{\"name\":\"ContainerAdministrator\"},"
    "\"process\":{\"pid\":4584,\"executable\":\"C:\\\\WINDOWS\\\\system32\\\\CMD.EXE\",\"name\":\"CMD.EXE\","
    "\"command_line\":\"CMD.EXE /c whoami\",\"args\":[\"CMD.EXE\",\"/c\",\"whoami\"],"
    "\"parent\":{\"pid\":4100,\"executable\":\"C:\\\\app\\\\wincontainerapp.exe\",\"name\":\"wincontainerapp.exe\"}}}",
    "{\"event\":{\"category\":[\"network\"]},\"host\":{\"name\":\"l\",\"os\":{\"type\":\"linux\"}},"
    "\"container\":{\"image\":{\"name\":\"registry.local/web:1\"}},\"process\":{\"executable\":\"/usr/bin/curl\",\"name\":\"curl\"},"
    "\"network\":{\"direction\":\"outbound\",\"transport\":\"tcp\"},\"source\":{\"ip\":\"172.20.0.5\",\"port\":49812},"
    "\"destination\":{\"ip\":\"1.1.1.1\",\"port\":443,\"domain\":\"one.one.one.one\"}}",
    "{\"event\":{\"category\":[\"network\"]},\"network\":{\"protocol\":\"dns\"},\"container\":{\"image\":{\"name\":\"x\"}},"
    "\"dns\":{\"question\":{\"name\":\"WWW.Google.COM.\",\"type\":\"AAAA\"},\"resolved_ip\":[\"2001:db8::1\",\"10.0.0.1\"]}}",
    "{\"event\":{\"category\":[\"file\"],\"action\":\"creation\"},\"process\":{\"executable\":\"/bin/sh\"},"
    "\"file\":{\"path\":\"/etc/ssl/certs/x.pem\",\"name\":\"x.pem\",\"extension\":\"pem\",\"directory\":\"/etc/ssl/certs\"}}",
};

static const char sample_image[] =
    "{\"image\":{\"name\":\"app:1\",\"os\":\"linux\",\"tags\":[\"app:1\",\"app:latest\"],"
    "\"config\":{\"user\":\"root\",\"env\":[{\"name\":\"API_TOKEN\",\"value\":\"x\"}],\"cmd\":[\"/bin/sh\"]},"
    "\"history\":[{\"created_by\":\"RUN apt-get install curl\",\"empty_layer\":false}]},"
    "\"files\":[{\"path\":\"/usr/bin/passwd\",\"type\":\"file\",\"mode\":2541,\"uid\":0,\"setuid\":true,\"md5\":\"abc\",\"size\":1},"
    "{\"path\":\"/tmp\",\"type\":\"dir\",\"mode\":1023,\"uid\":0}],"
    "\"packages\":[{\"name\":\"openssl\",\"version\":\"1.1.1k-1\",\"ecosystem\":\"dpkg\"}],"
    "\"users\":[{\"name\":\"root\",\"uid\":0,\"gid\":0,\"shell\":\"/bin/sh\",\"empty_password\":true}],"
    "\"groups\":[{\"name\":\"docker\",\"gid\":999,\"members\":[\"root\",\"app\"]}]}";

static pal_record records[FUZZ_MAX_RECORDS];
static unsigned nrecords;

static void add_empty(unsigned schema_id)
{
    const pal_schema *s = pal_schema_get(schema_id);
    pal_value *slots = calloc(s->nfields ? s->nfields : 1, sizeof *slots);   /* all PV_UNDEF */
    if (!slots) abort();
    records[nrecords].schema = s;
    records[nrecords].slots = slots;
    nrecords++;
}

static void init_records(void)
{
    static pal_arena arena;   /* lives as long as the process, like the records */
    pal_arena_init(&arena, 0);
    add_empty(PS_EVENT);
    add_empty(PS_IMAGE);
    char err[256];
    for (size_t i = 0; i < sizeof sample_events / sizeof *sample_events; i++) {
        pal_event ev;
        if (pal_event_decode(sample_events[i], strlen(sample_events[i]), PAL_INPUT_AUTO, NULL,
                             &arena, &ev, err, sizeof err) != 0) {
            fprintf(stderr, "fuzz_compile: sample event %zu does not decode: %s\n", i, err);
            abort();
        }
        records[nrecords++] = ev.rec;
    }
    cJSON *img = cJSON_Parse(sample_image);
    if (!img || pal_record_from_json(pal_schema_get(PS_IMAGE), img, false, &arena,
                                     &records[nrecords], err, sizeof err) != 0) {
        fprintf(stderr, "fuzz_compile: sample image does not decode: %s\n", err);
        abort();
    }
    nrecords++;
    cJSON_Delete(img);
}

/* ---- running both programs side by side ---- */

static char msg_a[PAL_MAX_MESSAGE_BYTES + 8], msg_b[PAL_MAX_MESSAGE_BYTES + 8];

static void run_both(const pal_program *pa, const pal_program *pb)
{
    if (pa->nrules != pb->nrules) abort();
    pal_vm *va = pal_vm_new(pa), *vb = pal_vm_new(pb);
    if (!va || !vb) abort();
    for (uint32_t r = 0; r < pa->nrules; r++) {
        if (pa->rules[r].root != pb->rules[r].root || pa->rules[r].kind != pb->rules[r].kind) abort();
        for (unsigned k = 0; k < nrecords; k++) {
            if (records[k].schema != pal_schema_get(pa->rules[r].root)) continue;
            int ra = pal_vm_run(va, r, &records[k], FUZZ_BUDGET);
            int rb = pal_vm_run(vb, r, &records[k], FUZZ_BUDGET);
            if (ra != rb) abort();
            if (ra != PAL_VM_OK && ra != PAL_VM_BUDGET && ra != PAL_VM_STACK && ra != PAL_VM_FAULT) abort();
            if (!pal_vm_strerror(ra)) abort();
            uint32_t n = pal_vm_nemits(va);
            if (n != pal_vm_nemits(vb) || n > PAL_MAX_EMITS) abort();
            if (pal_vm_dropped_emits(va) != pal_vm_dropped_emits(vb)) abort();
            for (uint32_t e = 0; e < n; e++) {
                const pal_emit *ea = pal_vm_emit(va, e), *eb = pal_vm_emit(vb, e);
                if (ea->outcome != eb->outcome || ea->nlocals != eb->nlocals) abort();
                const pal_rule *rule = &pa->rules[r];
                if (ea->outcome < rule->outcome_first || ea->outcome - rule->outcome_first >= rule->noutcomes)
                    abort();   /* a rule emits only its own outcomes */
                size_t la = pal_vm_render(va, r, &records[k], ea, msg_a, sizeof msg_a);
                size_t lb = pal_vm_render(vb, r, &records[k], eb, msg_b, sizeof msg_b);
                if (la != lb || la >= sizeof msg_a || strlen(msg_a) != la || memcmp(msg_a, msg_b, la)) abort();
                if (la > PAL_MAX_MESSAGE_BYTES) abort();
            }
        }
    }
    pal_vm_free(va);
    pal_vm_free(vb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!nrecords) init_records();

    fuzz_repo repo = {0};
    const char *p = (const char *)data, *end = p + size;
    for (int i = 0; i < 3 && p <= end; i++) {
        const char *nul = (i < 2) ? memchr(p, 0, (size_t)(end - p)) : NULL;
        repo.text[i] = p;
        repo.len[i] = nul ? (size_t)(nul - p) : (size_t)(end - p);
        if (!nul) break;
        p = nul + 1;
    }
    const char *paths[2] = {"policy.pal", "lib/common.pal"};
    size_t npaths = repo.text[1] ? 2 : 1;

    diag_seen seen = {0};
    pal_compile_opts o = {0};
    o.revision = "fuzz";
    o.build_time = 1;   /* deterministic bundles */
    o.diag = on_diag;
    o.diag_user = &seen;
    o.read = read_repo;
    o.read_user = &repo;
    unsigned nerrors = 0, nwarnings = 0;
    pal_program *pa = pal_compile(paths, npaths, &o, &nerrors, &nwarnings);
    if (!pa) {
        if (nerrors == 0 || seen.errors == 0) abort();   /* every failure says why */
        return 0;
    }
    if (nerrors != 0) abort();
    if (getenv("FUZZ_COMPILE_VERBOSE")) fprintf(stderr, "fuzz_compile: %u rules\n", pa->nrules);

    unsigned char *buf = NULL, *buf2 = NULL;
    size_t len = 0, len2 = 0;
    if (pal_bundle_write(pa, &buf, &len) != 0) abort();   /* a compiled program is writable */
    pal_program *pb = NULL;
    char err[512];
    if (pal_bundle_read(buf, len, &pb, err, sizeof err) != 0) {
        fprintf(stderr, "fuzz_compile: a freshly written bundle does not read back: %s\n", err);
        abort();
    }
    if (pal_bundle_write(pb, &buf2, &len2) != 0) abort();
    if (len2 != len || memcmp(buf, buf2, len)) {
        fprintf(stderr, "fuzz_compile: write(read(bundle)) differs from the bundle (%zu vs %zu bytes)\n", len, len2);
        abort();
    }
    run_both(pa, pb);

    free(buf);
    free(buf2);
    pal_program_free(pb);
    pal_program_free(pa);
    return 0;
}


/*
 * fuzz_decision.c — libFuzzer target: the decision line writer
 * (engine/runtime/decision.h) against the cJSON reference of
 * tests/fuzz/decision_ref.h, on decisions made from the input: its bytes,
 * split at NULs, are the matches' messages, the warning, the error and the
 * originals' texts (any byte 0x01..0xff: escapes, control bytes, UTF-8 and
 * what is not); the first bytes choose the rest (line number, conn,
 * learning, an error decision, a VM error, members and revisions, and a
 * cap on the output buffer).  Each line must be byte for byte the
 * reference's and JSON text to a strict reader (engine/base/json.h); under
 * a cap, the writer gives either that same line or -1 with the buffer as
 * it was.  Any break aborts.
 *
 * Build: `make fuzz`; or without libFuzzer, as a replayer of files and
 * corpora (tests/fuzz/replay.h): `make fuzz-replay`.
 */
#include "tests/fuzz/replay.h"
#include "tests/fuzz/fuzz_util.h"
#include "tests/fuzz/decision_ref.h"

#include "engine/base/json.h"
#include "engine/base/strbuf.h"
#include "lang/compile/palc.h"

static const char *POLICY =
    "package main\n\n"
    "rule \"tag \\\"quoted\\\" \\\\ name\" {\n  on process\n  when process.name like \"*\"\n  effect alert\n"
    "  message \"v {process.command_line}\"\n}\n\n"
    "rule \"no shells\" {\n  on process\n  when process.name == \"cmd.exe\"\n  effect prevent\n  severity high\n"
    "  message \"shell {process.command_line}\"\n}\n";

static const pal_program *program(void)
{
    static pal_program *p;
    if (!p) {
        p = fz_compile("main.pal", POLICY, "r\"ev\\1");
        if (p->nrules < 2) {
            fprintf(stderr, "fuzz_decision: the policy does not compile\n");
            abort();
        }
    }
    return p;
}

static bool strict_json(const char *s, size_t n)
{
    pal_json r;
    pal_json_init(&r, s, n, NULL);
    return pal_json_peek(&r) == PAL_JSON_OBJECT && pal_json_skip(&r) && pal_json_end(&r);
}

static void broken(const char *what, const char *got, const char *want)
{
    fprintf(stderr, "fuzz_decision: %s\n  got:  %s\n  want: %s\n", what, got ? got : "(none)", want ? want : "(none)");
    abort();
}

#define MAX_STRS 24

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4) return 0;
    const pal_program *p = program();
    uint8_t flags = data[0], shape = data[1], capsel = data[2], lsel = data[3];
    data += 4;
    size -= 4;
    /* the strings: the rest split at NULs (each a copy, NUL-terminated) */
    char *buf = malloc(size + 1);
    if (!buf) return 0;
    memcpy(buf, data, size);
    buf[size] = 0;
    const char *str[MAX_STRS];
    unsigned nstr = 0;
    for (size_t i = 0; nstr < MAX_STRS;) {
        str[nstr++] = buf + i;
        while (i < size && buf[i]) i++;
        if (i >= size) break;
        i++;
    }
    unsigned next = 0;
#define NEXT_STR() (next < nstr ? str[next++] : "")

    /* line numbers past 2^53 are left out: cJSON printed those with 15 digits where they do not round-trip */
    static const long lines[] = {0, 1, 7, 99, 100, 2147483647L, 2147483648L, 1099511627776L, -1};
    pal_decision_ctx c = {lines[lsel % (sizeof lines / sizeof lines[0])], (flags & 1) ? (unsigned long)lsel * 977u + 1 : 0,
                          (flags & 2) != 0, NULL, false, (lsel & 0x40) ? (unsigned long)lsel % 3 + 1 : 0,
                          (flags & 8) ? (uint64_t)lsel * 7919u + 1 : 0};
    if (flags & 4) c.error = NEXT_STR();

    pal_match m[4];
    uint64_t members[6] = {1, 2, 30, 400000, 5000000000ull, 123456789012345ull};   /* event numbers */
    pal_original og[3];
    pal_decision d = {.effect = PE_ALLOW + (int)(shape % 4)};   /* allow .. block */
    d.nmatches = (shape >> 2) % 5;
    d.matches = m;
    for (uint32_t i = 0; i < d.nmatches; i++) {
        memset(&m[i], 0, sizeof m[i]);
        m[i].rule = (i + flags) % 2;
        m[i].effect = (uint8_t)(PE_ALLOW + (shape + i) % 4);
        m[i].severity = (uint8_t)((flags >> 4) + i) % 4;
        m[i].message = ((flags >> 3) & 1) && i == 0 ? NULL : NEXT_STR();
        if ((shape >> 5) & 1 && i == d.nmatches - 1) {
            m[i].nmembers = 1u + (uint32_t)(lsel % 6);
            m[i].members = members;
            m[i].revision = 0x0123456789abcdefull * (uint64_t)(lsel + 1);
        }
    }
    if (shape & 0x40) {
        d.vm_error = PAL_VM_BUDGET;
        d.vm_error_rule = (uint32_t)(flags >> 7);
    }
    if (shape & 0x80) d.warning = NEXT_STR();
    d.noriginals = (flags >> 5) % 4;
    d.originals = og;
    for (unsigned i = 0; i < d.noriginals; i++) {
        og[i].field = (uint32_t)(lsel + 37u * i) % (pal_schema_get(PS_EVENT)->nfields + 2u);   /* some past the end */
        og[i].text = NEXT_STR();
        og[i].len = (uint32_t)strlen(og[i].text);
    }
    /* with an error the decision is not read (the writer's contract) */
    char *want = ref_line(p, c.error ? NULL : &d, &c);

    pal_strbuf out;
    pal_strbuf_init(&out, 0);
    pal_strbuf_append(&out, "kept\n", 5);   /* a line already in the buffer */
    if (pal_decision_write(&out, p, c.error ? NULL : &d, &c) != 0) broken("the uncapped writer failed", NULL, want);
    const char *got = pal_strbuf_cstr(&out);
    if (!got || strncmp(got, "kept\n", 5) != 0) broken("the line before was changed", got, "kept\n...");
    if (strcmp(got + 5, want) != 0) broken("the line is not the reference's", got + 5, want);
    size_t n = strlen(want);
    if (!strict_json(got + 5, n - 1)) broken("the line is not JSON text", got + 5, want);

    /* capped: the same line, or -1 and the buffer as it was */
    size_t full = 5 + n;
    size_t cap = capsel < 128 ? full - (capsel % (full - 4)) : full + (capsel - 128);
    pal_strbuf small;
    pal_strbuf_init(&small, cap);
    pal_strbuf_append(&small, "kept\n", 5);
    int rc = pal_decision_write(&small, p, c.error ? NULL : &d, &c);
    if (rc == 0 && (small.len != full || memcmp(small.s + 5, want, n) != 0))
        broken("a capped buffer got another line", small.s ? small.s + 5 : NULL, want);
    if (rc == 0 && cap < full) broken("the line passed the cap", small.s, want);
    if (rc != 0 && (small.len != 5 || small.failed || cap >= full)) broken("a capped write that failed left bytes or failed where it fits", small.s, want);
    pal_strbuf_free(&small);
    pal_strbuf_free(&out);
    free(want);
    free(buf);
    return 0;
}

/*
 * test_decision.c — the decision line writer (engine/runtime/decision.h)
 * against the lines palisade printed before it: cJSON objects built the
 * way engine/runtime, cli/events.c and cmd_agent.c built them (kept here
 * as the reference), for thousands of random decisions — every byte
 * 0x01..0xff in messages, rule names, errors, warnings and revisions;
 * "conn", "learning", no "line", huge line numbers, error decisions.
 * Then pal_decide_line end to end: decoded events, too-long lines,
 * learning, a capped buffer.  Bytes that are not UTF-8 are the one place
 * the writer departs from cJSON (which printed them as they were, so the
 * line was not JSON text): the reference is given the strings with each
 * maximal ill-formed subpart replaced by U+FFFD (a replacement written
 * here from the definition, pinned by vectors from Python's decoder).
 * Then every event line the suite has (the e2e and example event files and
 * the decode and agent-protocol fuzz corpora) decided by the default
 * policies and by one that echoes fields into its messages: each decision
 * line equal to the reference's, and read by a strict JSON reader
 * (engine/base/json.h).  Last, deciding and writing a decision allocates
 * nothing once the buffers have grown (malloc counted).
 */
#include "tests/unit/unit.h"

#include <dirent.h>
#include <stdlib.h>
#include <cJSON.h>
#include "engine/base/json.h"
#include "engine/base/lines.h"
#include "engine/runtime/decider.h"
#include "engine/runtime/decision.h"
#include "engine/vm/vm.h"
#include "engine/core/schema.h"
#include "engine/runtime/runtime.h"
#include "lang/compile/palc.h"

#include "tests/fuzz/decision_ref.h"

/* ---- random inputs ---- */

static uint64_t rng = 0x243f6a8885a308d3ull;
static uint32_t rnd(uint32_t n)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return n ? (uint32_t)(rng % n) : 0;
}

/* A C string of 0..max bytes, each 0x01..0xff, biased toward the ones that
   need escaping. */
static void rnd_str(char *s, size_t max)
{
    static const char special[] = "\"\\\b\f\n\r\t\x01\x1f\x7f\x80\xff/";
    size_t n = rnd((uint32_t)max);
    for (size_t i = 0; i < n; i++)
        s[i] = rnd(3) ? (char)(1 + rnd(255)) : special[rnd(sizeof special - 1)];
    s[n] = 0;
}

typedef struct files { const char *text; } files;
static int read_one(void *user, const char *relpath, char **data, size_t *len)
{
    const files *f = user;
    if (strcmp(relpath, "main.pal")) return -1;
    *len = strlen(f->text);
    *data = malloc(*len + 1);
    memcpy(*data, f->text, *len + 1);
    return 0;
}

static pal_program *compile(const char *text, const char *revision)
{
    files f = {text};
    pal_compile_opts o = {0};
    o.revision = revision;
    o.read = read_one;
    o.read_user = &f;
    const char *paths[] = {"main.pal"};
    unsigned errs = 0, warns = 0;
    return pal_compile(paths, 1, &o, &errs, &warns);
}

static const char *POLICY =
    "package main\n\n"
    "rule \"tag \\\"quoted\\\" \\\\ name\" {\n  on process\n  when process.name like \"*\"\n  effect alert\n"
    "  message \"v {process.command_line}\"\n}\n\n"
    "rule \"no shells\" {\n  on process\n  when process.name == \"cmd.exe\"\n  effect prevent\n  severity high\n"
    "  message \"shell {process.command_line}\"\n}\n";

static void test_random_against_cjson(void)
{
    char rev[64];
    unsigned mismatches = 0;
    for (int round = 0; round < 40; round++) {
        rnd_str(rev, sizeof rev - 1);
        pal_program *p = compile(POLICY, rev);
        CHECK(p != NULL);
        if (!p) return;
        pal_strbuf out;
        pal_strbuf_init(&out, 0);
        for (int i = 0; i < 200; i++) {
            char msgs[4][80], warning[80], why[80];
            pal_match m[4];
            pal_decision d = {0};
            d.effect = (int)rnd(6);
            d.nmatches = rnd(5);
            d.matches = m;
            for (uint32_t k = 0; k < d.nmatches; k++) {
                rnd_str(msgs[k], sizeof msgs[k] - 1);
                m[k] = (pal_match){.rule = rnd(p->nrules), .effect = (uint8_t)rnd(6), .severity = (uint8_t)rnd(6), .message = rnd(5) ? msgs[k] : NULL};
            }
            d.vm_error = rnd(4) ? 0 : (int)rnd(5);
            d.vm_error_rule = rnd(p->nrules + 1);   /* one past the end: the plain message */
            /* paths the decoder normalised: what the event wrote, by field */
            char otext[2][80];
            pal_original orig[2];
            d.noriginals = rnd(3) ? 0 : 1 + rnd(2);
            for (unsigned k = 0; k < d.noriginals; k++) {
                rnd_str(otext[k], sizeof otext[k] - 1);
                orig[k] = (pal_original){(uint32_t)rnd(pal_schema_get(PS_EVENT)->nfields + 1), (uint32_t)strlen(otext[k]), otext[k]};
            }
            d.originals = orig;
            rnd_str(warning, sizeof warning - 1);
            d.warning = rnd(2) ? warning : NULL;
            rnd_str(why, sizeof why - 1);
            static const long lines[] = {-1, 0, 1, 7, 2147483647L, 2147483648L, 3000000000L, 999999999999999L,
                                         10000000000000001L, 123456789012345678L};
            static const uint64_t events[] = {0, 1, 9, 4294967296ull, 18446744073709551615ull};
            pal_decision_ctx c = {rnd(3) ? (long)rnd(100000) : lines[rnd(10)], rnd(2) ? 0 : rnd(1000) + 1ul,
                                  rnd(3) == 0, rnd(4) == 0 ? why : NULL, false, rnd(3) ? 0 : rnd(5) + 1ul,
                                  rnd(2) ? 0 : events[rnd(5)]};
            pal_strbuf_clear(&out);
            CHECK_INT(pal_decision_write(&out, p, c.error && rnd(2) ? NULL : &d, &c), 0);
            char *want = ref_line(p, &d, &c);
            const char *got = pal_strbuf_cstr(&out);
            if (!got || strcmp(got, want)) {
                if (mismatches++ < 5) fprintf(stderr, "want %s got  %s\n", want, got ? got : "(null)");
            }
            free(want);
        }
        pal_strbuf_free(&out);
        pal_program_free(p);
    }
    CHECK_INT(mismatches, 0);
}

/* ---- the decider end to end ---- */

static bool learn_all(void *user, const pal_program *p, const pal_event *ev, const pal_decision *d)
{
    (*(int *)user)++;
    return true;
}

static void test_decide_line(void)
{
    pal_program *p = compile(POLICY, "r1");
    CHECK(p != NULL);
    if (!p) return;
    pal_decider d;
    CHECK_INT(pal_decider_init(&d, p, PAL_INPUT_AUTO), 0);
    pal_strbuf out;
    pal_strbuf_init(&out, 0);
    pal_verdict v;
    const char *shell = "{\"event\":{\"category\":[\"process\"]},\"process\":{\"name\":\"cmd.exe\",\"command_line\":\"x\"}}";
    pal_decision_ctx c = {3, 0, false, NULL, false, 0, 0};
    CHECK_INT(pal_decide_line(&d, shell, strlen(shell), false, c, &out, &v), 0);
    CHECK_STR(pal_strbuf_cstr(&out),
              "{\"line\":3,\"effect\":\"prevent\",\"matches\":[{\"rule\":\"tag \\\"quoted\\\" \\\\ name\",\"effect\":\"alert\","
              "\"severity\":\"medium\",\"message\":\"v x\"},{\"rule\":\"no shells\",\"effect\":\"prevent\",\"severity\":\"high\","
              "\"message\":\"shell x\"}],\"revision\":\"r1\"}\n");
    CHECK_INT(v.effect, PE_PREVENT);
    CHECK_INT(v.nmatches, 2);
    CHECK(!v.input_error);

    /* lines append: two decisions, one after the other */
    c.line = 4;
    CHECK_INT(pal_decide_line(&d, "{oops", 5, false, c, &out, &v), 0);
    CHECK(v.input_error);
    CHECK(strstr(pal_strbuf_cstr(&out), "}\n{\"line\":4,\"effect\":\"allow\",\"matches\":[],\"error\":\"line is not valid JSON") != NULL);

    /* only_notable: a decision with nothing to say is not written, one with
       matches or an error is, and the verdict is the same either way */
    pal_strbuf_clear(&out);
    c.only_notable = true;
    const char *quiet = "{\"event\":{\"category\":[\"network\"]},\"destination\":{\"port\":443}}";   /* no rule is on network */
    CHECK_INT(pal_decide_line(&d, quiet, strlen(quiet), false, c, &out, &v), 0);
    CHECK_INT(out.len, 0);
    CHECK_INT(v.nmatches, 0);
    CHECK(!pal_verdict_notable(&v));
    CHECK_INT(pal_decide_line(&d, shell, strlen(shell), false, c, &out, &v), 0);
    CHECK_INT(v.nmatches, 2);
    CHECK(!strncmp(pal_strbuf_cstr(&out), "{\"line\":4,\"effect\":\"prevent\",\"matches\":[{", 41));
    pal_strbuf_clear(&out);
    CHECK_INT(pal_decide_line(&d, "{oops", 5, false, c, &out, &v), 0);
    CHECK(v.input_error);
    CHECK(strstr(pal_strbuf_cstr(&out), "\"error\":\"line is not valid JSON") != NULL);
    c.only_notable = false;

    pal_strbuf_clear(&out);
    c.line = 5;
    CHECK_INT(pal_decide_line(&d, NULL, 0, true, c, &out, &v), 0);
    CHECK(v.input_error);
    CHECK_STR(pal_strbuf_cstr(&out), "{\"line\":5,\"effect\":\"allow\",\"matches\":[],\"error\":\"line longer than 1048576 bytes\","
                                     "\"revision\":\"r1\"}\n");

    /* learning: allow, matches kept, "learning" first (after "conn") */
    int learned = 0;
    d.on_decided = learn_all;
    d.on_decided_user = &learned;
    pal_strbuf_clear(&out);
    c.line = 6;
    c.conn = 9;
    CHECK_INT(pal_decide_line(&d, shell, strlen(shell), false, c, &out, &v), 0);
    CHECK_INT(learned, 1);
    CHECK_INT(v.effect, PE_ALLOW);
    CHECK(!strncmp(pal_strbuf_cstr(&out), "{\"conn\":9,\"learning\":true,\"line\":6,\"effect\":\"allow\",\"matches\":[{", 63));

    /* a capped buffer: a decision that does not fit becomes the short error
       decision; when not even that fits, -1 and the buffer as it was */
    pal_strbuf small;
    pal_strbuf_init(&small, 130);
    pal_strbuf_append(&small, "kept\n", 5);
    d.on_decided = NULL;
    c.conn = 0;
    CHECK_INT(pal_decide_line(&d, shell, strlen(shell), false, c, &small, &v), 0);
    CHECK(v.input_error);
    CHECK(strstr(pal_strbuf_cstr(&small), "out of memory writing this decision") != NULL);
    pal_strbuf_truncate(&small, 5);
    small.max = 40;
    CHECK_INT(pal_decide_line(&d, shell, strlen(shell), false, c, &small, &v), -1);
    CHECK_INT(small.len, 5);
    CHECK(!small.failed);
    pal_strbuf_free(&small);

    /* the convenience wrapper is the same writer, without the newline */
    pal_decision dec = {.effect = PE_ALERT, .warning = "w\""};
    char *js = pal_decision_json(d.rt, &dec, 2);
    CHECK_STR(js, "{\"line\":2,\"effect\":\"alert\",\"matches\":[],\"warning\":\"w\\\"\",\"revision\":\"r1\"}");
    free(js);

    pal_strbuf_free(&out);
    pal_decider_free(&d);
    pal_program_free(p);
}

/* ---- bytes that are not UTF-8 ---- */

/* Each input, and what Python's bytes.decode("utf-8", "replace") makes of
   it, as UTF-8: one U+FFFD per maximal ill-formed subpart. */
static const char *const python_fffd[][2] = {
    {"\x61\xff\x62", "\x61\xef\xbf\xbd\x62"},
    {"\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd"},
    {"\xe0\x80\xaf", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
    {"\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
    {"\xf4\x90\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
    {"\xf0\x9f\x98", "\xef\xbf\xbd"},
    {"\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80"},
    {"\xe2\x82", "\xef\xbf\xbd"},
    {"\xe2\x82\xac", "\xe2\x82\xac"},
    {"\xc3", "\xef\xbf\xbd"},
    {"\xc3\xa9", "\xc3\xa9"},
    {"\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd"},
    {"\xf8\x88\x80\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
    {"\xef\xbf\xbd", "\xef\xbf\xbd"},
    {"\xe1\x80\xe2\xf0\x91\x92\xf1\xbf\x41", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\x41"},
    {"\xf5\xc2", "\xef\xbf\xbd\xef\xbf\xbd"},
};

static void test_not_utf8(void)
{
    pal_program *p = compile(POLICY, "r");
    CHECK(p != NULL);
    if (!p) return;
    pal_strbuf out;
    pal_strbuf_init(&out, 0);
    for (size_t i = 0; i < sizeof python_fffd / sizeof python_fffd[0]; i++) {
        char *mine = fffd(python_fffd[i][0]);   /* the reference's replacement, pinned */
        CHECK_STR(mine, python_fffd[i][1]);
        free(mine);
        pal_decision d = {.effect = PE_ALLOW, .warning = python_fffd[i][0]};
        pal_decision_ctx c = {1, 0, false, NULL, false, 0, 0};
        pal_strbuf_clear(&out);
        CHECK_INT(pal_decision_write(&out, p, &d, &c), 0);
        char want[256];
        snprintf(want, sizeof want, "{\"line\":1,\"effect\":\"allow\",\"matches\":[],\"warning\":\"%s\",\"revision\":\"r\"}\n",
                 python_fffd[i][1]);
        CHECK_STR(pal_strbuf_cstr(&out), want);
    }
    pal_strbuf_free(&out);
    pal_program_free(p);
}

/* ---- every event line the suite has ---- */

/* One line of JSON text, read strictly: UTF-8, escapes, nothing after. */
static bool strict_json(const char *s, size_t n)
{
    pal_json r;
    pal_json_init(&r, s, n, NULL);
    return pal_json_peek(&r) == PAL_JSON_OBJECT && pal_json_skip(&r) && pal_json_end(&r);
}

typedef struct corpus {
    pal_program *p;
    pal_decider dec;
    pal_arena arena;
    pal_strbuf out;
    char *want;            /* the reference for the line being decided (the hook sets it) */
    long lineno;
    unsigned long lines, decided, errors, matched, mismatches, not_json;
} corpus;

/* Called by the decider with the decision it is about to write. */
static bool corpus_hook(void *user, const pal_program *p, const pal_event *ev, const pal_decision *d)
{
    corpus *c = user;
    pal_decision_ctx ctx = {c->lineno, 0, false, NULL, false, 0, 0};
    free(c->want);
    c->want = ref_line(p, d, &ctx);
    return false;
}

static int corpus_line(void *user, const char *line, size_t len, bool toolong, long lineno)
{
    corpus *c = user;
    if (toolong) return 0;
    c->lineno = lineno;
    free(c->want);
    c->want = NULL;
    pal_decision_ctx ctx = {lineno, 0, false, NULL, false, 0, 0};
    pal_verdict v;
    pal_strbuf_clear(&c->out);
    CHECK_INT(pal_decide_line(&c->dec, line, len, false, ctx, &c->out, &v), 0);
    c->lines++;
    if (v.input_error) {
        /* the error, found again by decoding on our own */
        char err[512] = "";
        pal_event ev;
        pal_arena_reset(&c->arena);
        if (pal_event_decode_opts(line, len, c->dec.fmt, NULL, c->p->event_fields_used, &c->arena, &ev, err, sizeof err) == 0)
            snprintf(err, sizeof err, "(decodes on its own)");
        char *e = ref_error(c->p, lineno, 0, err[0] ? err : "the line could not be decoded");
        free(c->want);
        c->want = malloc(strlen(e) + 2);
        sprintf(c->want, "%s\n", e);
        free(e);
        c->errors++;
    } else {
        c->decided++;
        if (v.nmatches) c->matched++;
    }
    const char *got = pal_strbuf_cstr(&c->out);
    if (!c->want || !got || strcmp(got, c->want)) {
        if (c->mismatches++ < 5)
            fprintf(stderr, "line %ld:\n  want %s  got  %s", lineno, c->want ? c->want : "(none)\n", got ? got : "(null)\n");
    }
    if (!strict_json(c->out.s, c->out.len ? c->out.len - 1 : 0) && c->not_json++ < 5)
        fprintf(stderr, "line %ld: not strict JSON: %.*s", lineno, (int)c->out.len, c->out.s);
    return 0;
}

static void corpus_file(corpus *c, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return;
    pal_lines l;
    pal_lines_init(&l);
    for (;;) {
        size_t avail;
        char *space = pal_lines_space(&l, &avail);
        if (!space) break;
        size_t n = fread(space, 1, avail, f);
        if (n == 0) break;
        pal_lines_commit(&l, n, corpus_line, c);
    }
    pal_lines_finish(&l, corpus_line, c);
    pal_lines_free(&l);
    fclose(f);
}

static unsigned corpus_dir(corpus *c, const char *dir, const char *suffix)
{
    DIR *d = opendir(dir);
    if (!d) return 0;
    unsigned files = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t n = strlen(de->d_name), k = strlen(suffix);
        if (de->d_name[0] == '.' || n < k || strcmp(de->d_name + n - k, suffix)) continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        corpus_file(c, path);
        files++;
    }
    closedir(d);
    return files;
}

/* Hostile strings in every field a message echoes. */
static void corpus_hostile(corpus *c)
{
    static const char *const values[] = {
        "plain", "quote \" backslash \\ slash /", "\b\f\n\r\t", "\x01\x1f\x7f", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
        "bad \xff\xfe end", "cut \xe2\x82", "overlong \xc0\xaf", "surrogate \xed\xa0\x80", "\xf4\x90\x80\x80 past",
    };
    static const char *const escaped[] = {
        "\\u0000nul", "\\ud83d\\ude00 pair", "\\u00e9\\u20ac", "\\\"\\\\\\/\\b\\f\\n\\r\\t", "\\u001f\\u007f\\u0080",
    };
    char line[1024];
    long n = 0;
    for (size_t i = 0; i < sizeof values / sizeof values[0] + sizeof escaped / sizeof escaped[0]; i++) {
        char v[256];
        if (i < sizeof values / sizeof values[0]) {
            /* raw in the event: control bytes escaped as JSON wants, the rest as they are */
            size_t k = 0;
            for (const char *s = values[i]; *s && k < sizeof v - 8; s++) {
                unsigned char ch = (unsigned char)*s;
                if (ch < 0x20) k += (size_t)snprintf(v + k, sizeof v - k, "\\u%04x", ch);
                else if (ch == '"' || ch == '\\') v[k++] = '\\', v[k++] = (char)ch;
                else v[k++] = (char)ch;
            }
            v[k] = 0;
        } else {
            snprintf(v, sizeof v, "%s", escaped[i - sizeof values / sizeof values[0]]);
        }
        int len = snprintf(line, sizeof line,
                           "{\"event\":{\"category\":[\"process\"]},\"process\":{\"name\":\"%s\",\"command_line\":\"%s\","
                           "\"executable\":\"%s\"},\"user\":{\"name\":\"%s\"},\"container\":{\"image\":{\"name\":\"%s\"}}}",
                           v, v, v, v, v);
        corpus_line(c, line, (size_t)len, false, ++n);
    }
}

static const char *ECHO =
    "package main\n\n"
    "rule \"echo\" {\n  on process\n  when process.name like \"*\"\n  effect alert\n"
    "  message \"name={process.name} cmd={process.command_line} exe={process.executable} user={user.name} "
    "image={container.image.name}\"\n}\n";

static void test_suite_events(void)
{
    pal_compile_opts o = {0};
    unsigned ne = 0;
    pal_program *defaults = pal_compile_dir("policies", &o, &ne, NULL);
    pal_program *echo = compile(ECHO, "echo \xff rev");
    CHECK(echo != NULL);
    pal_program *progs[2] = {defaults, echo};
    if (!defaults) printf("test_decision: policies/ does not compile right now (%u errors); only the echo policy\n", ne);
    for (int k = 0; k < 2; k++) {
        if (!progs[k]) continue;
        corpus c = {.p = progs[k]};
        CHECK_INT(pal_decider_init(&c.dec, c.p, PAL_INPUT_AUTO), 0);
        c.dec.on_decided = corpus_hook;
        c.dec.on_decided_user = &c;
        pal_arena_init(&c.arena, 64u << 20);
        pal_strbuf_init(&c.out, 0);
        unsigned files = corpus_dir(&c, "tests/e2e/data", ".jsonl") + corpus_dir(&c, "examples/lab", ".jsonl") +
                         corpus_dir(&c, "tests/fuzz/corpus/fuzz_decode", "") +
                         corpus_dir(&c, "tests/fuzz/corpus/fuzz_agent_protocol", "");
        corpus_hostile(&c);
        printf("test_decision: %s: %u files, %lu lines: %lu decided (%lu with matches), %lu errors; %lu differ from the "
               "reference, %lu not JSON\n", k ? "echo policy" : "default policies", files, c.lines, c.decided, c.matched,
               c.errors, c.mismatches, c.not_json);
        CHECK(files >= 20);
        CHECK(c.matched >= 10);
        CHECK_INT(c.mismatches, 0);
        CHECK_INT(c.not_json, 0);
        free(c.want);
        pal_strbuf_free(&c.out);
        pal_arena_free(&c.arena);
        pal_decider_free(&c.dec);
        pal_program_free(progs[k]);
    }
}

/* ---- no allocation per decision ---- */

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
#define NO_MALLOC_COUNT 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define NO_MALLOC_COUNT 1
#endif

#ifndef NO_MALLOC_COUNT
/* Every allocation of the process passes here (the program's own malloc
   comes before the C library's); the sanitizers bring their own, so
   under them this part is skipped. */
extern void *__libc_malloc(size_t), *__libc_calloc(size_t, size_t), *__libc_realloc(void *, size_t);
extern void __libc_free(void *);
static unsigned long mallocs;
void *malloc(size_t n) { mallocs++; return __libc_malloc(n); }
void *calloc(size_t n, size_t k) { mallocs++; return __libc_calloc(n, k); }
void *realloc(void *p, size_t n) { mallocs++; return __libc_realloc(p, n); }
void free(void *p) { __libc_free(p); }

static void test_no_malloc_per_decision(void)
{
    pal_program *p = compile(ECHO, "r");
    CHECK(p != NULL);
    if (!p) return;
    pal_runtime *rt = pal_runtime_new(p);
    pal_arena a;
    pal_arena_init(&a, 0);
    const char *line = "{\"event\":{\"category\":[\"process\"]},\"process\":{\"name\":\"cmd.exe\",\"command_line\":\"x \\\"y\\\" \xff\"},"
                       "\"user\":{\"name\":\"root\"}}";
    pal_event ev;
    char err[256];
    CHECK_INT(pal_event_decode(line, strlen(line), PAL_INPUT_AUTO, p->event_fields_used, &a, &ev, err, sizeof err), 0);
    pal_strbuf out;
    pal_strbuf_init(&out, 0);
    pal_decision d;
    unsigned long before = 0;
    for (int i = 0; i < 1000; i++) {
        if (i == 10) before = mallocs;   /* after the buffers have grown */
        CHECK_INT(pal_decide_event(rt, &ev, &d), 0);
        pal_decision_ctx c = {i + 1, 0, false, NULL, false, 0, 0};
        pal_strbuf_clear(&out);
        CHECK_INT(pal_decision_write(&out, p, &d, &c), 0);
    }
    printf("test_decision: %lu allocations in 990 decisions decided and written\n", mallocs - before);
    CHECK(before > 0);   /* the counter counts */
    CHECK_INT(mallocs - before, 0);
    CHECK(strstr(pal_strbuf_cstr(&out), "cmd=x \\\"y\\\" \xef\xbf\xbd") != NULL);
    pal_strbuf_free(&out);
    pal_arena_free(&a);
    pal_runtime_free(rt);
    pal_program_free(p);
}
#else
static void test_no_malloc_per_decision(void)
{
    printf("test_decision: allocations not counted (a sanitizer owns malloc)\n");
}
#endif

int main(void)
{
    test_not_utf8();
    test_suite_events();
    test_no_malloc_per_decision();
    test_random_against_cjson();
    test_decide_line();
    return unit_result("test_decision");
}

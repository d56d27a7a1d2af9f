/*
 * test_seq.c — correlation state beyond what a language case can show:
 * the compiled-form digest (the `rule_revision`), a reload that keeps the
 * partial matches of unchanged correlations and drops those of changed and
 * removed ones (counted), and event times.
 */
#include "tests/unit/unit.h"
#include "engine/runtime/runtime.h"
#include "engine/runtime/seq.h"
#include "engine/base/arena.h"
#include "lang/compile/palc.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

/* Two versions of a repo: "same" is unchanged (but moves: b adds a rule
   before it), "changed" gets another window, "gone" is removed. */
static const char *V1 =
    "sequence \"same\" {\n  by host.name\n  within 1m\n"
    "  step { on process when process.name == \"a\" }\n  step { on process when process.name == \"b\" }\n"
    "  message \"{process.name} on {host.name}\"\n}\n"
    "sequence \"changed\" {\n  by host.name\n  within 1m\n"
    "  step { on process when process.name == \"a\" }\n  step { on process when process.name == \"b\" }\n}\n"
    "sequence \"gone\" {\n  within 1m\n"
    "  step { on process when process.name == \"a\" }\n  step { on process when process.name == \"b\" }\n}\n";
static const char *V2 =
    "rule \"new first\" {\n  on process\n  when process.name in [\"x\", \"y\"]\n}\n"
    "sequence \"changed\" {\n  by host.name\n  within 2m\n"
    "  step { on process when process.name == \"a\" }\n  step { on process when process.name == \"b\" }\n}\n"
    "sequence \"same\" {\n  by host.name\n  within 1m\n"
    "  step { on process when process.name == \"a\" }\n  step { on process when process.name == \"b\" }\n"
    "  message \"{process.name} on {host.name}\"\n}\n";

static int read_src(void *user, const char *relpath, char **data, size_t *len)
{
    (void)relpath;
    *len = strlen(user);
    *data = malloc(*len + 1);
    if (!*data) return -1;
    memcpy(*data, user, *len + 1);
    return 0;
}

static pal_program *compile(const char *src)
{
    pal_compile_opts o = {0};
    o.read = read_src;
    o.read_user = (void *)src;
    const char *paths[] = {"p.pal"};
    unsigned errs = 0, warns = 0;
    return pal_compile(paths, 1, &o, &errs, &warns);
}

static int seq_index(const pal_program *p, const char *name)
{
    for (uint32_t i = 0; i < p->nseqs; i++)
        if (!strcmp(pal_program_str(p, p->rules[p->seqs[i].step_first].name), name)) return (int)i;
    return -1;
}

/* Decides one line; returns the names of its correlation matches, joined. */
static const char *decide(pal_runtime *rt, pal_arena *a, const char *line, uint64_t id, char *out, size_t cap)
{
    const pal_program *p = pal_runtime_program(rt);
    pal_event ev;
    char err[256];
    pal_arena_reset(a);
    out[0] = 0;
    if (pal_event_decode(line, strlen(line), PAL_INPUT_ECS, p->event_fields_used, a, &ev, err, sizeof err) != 0)
        return "(undecodable)";
    pal_runtime_set_event(rt, id, 1000);
    pal_decision d;
    if (pal_decide_event(rt, &ev, &d) != 0) return "(oom)";
    for (uint32_t i = 0; i < d.nmatches; i++) {
        if (!d.matches[i].nmembers) continue;
        size_t n = strlen(out);
        snprintf(out + n, cap - n, "%s%s:%s", n ? " " : "", pal_program_str(p, p->rules[d.matches[i].rule].name),
                 d.matches[i].message);
    }
    return out;
}

static void test_digest(void)
{
    pal_program *a = compile(V1), *b = compile(V2), *a2 = compile(V1);
    CHECK(a && b && a2);
    if (!a || !b || !a2) return;
    /* the same source: the same digests; unchanged but moved: the same;
       another window: another */
    CHECK(pal_seq_digest(a, 0) == pal_seq_digest(a2, 0));
    CHECK(pal_seq_digest(a, (uint32_t)seq_index(a, "same")) == pal_seq_digest(b, (uint32_t)seq_index(b, "same")));
    CHECK(pal_seq_digest(a, (uint32_t)seq_index(a, "changed")) != pal_seq_digest(b, (uint32_t)seq_index(b, "changed")));
    CHECK(pal_seq_digest(a, (uint32_t)seq_index(a, "same")) != pal_seq_digest(a, (uint32_t)seq_index(a, "changed")));
    pal_program_free(a);
    pal_program_free(b);
    pal_program_free(a2);
}

static void test_reload(void)
{
    pal_program *a = compile(V1), *b = compile(V2);
    CHECK(a && b);
    if (!a || !b) return;
    pal_arena ar;
    pal_arena_init(&ar, 1u << 20);
    char out[512];
    pal_runtime *ra = pal_runtime_new(a), *rb = pal_runtime_new(b);
    CHECK(ra && rb);
    /* a partial match of each correlation */
    CHECK_STR(decide(ra, &ar, "{\"event\":{\"category\":[\"process\"]},\"host\":{\"name\":\"h\"},\"process\":{\"name\":\"a\"}}", 1, out, sizeof out), "");
    pal_seq_stats st;
    pal_seqstate_stats(pal_runtime_seqstate(ra), &st);
    CHECK_INT(st.live, 3);
    /* the reload: hand the state to the new program */
    pal_seqstate *s = pal_seqstate_rebind(pal_runtime_take_seqstate(ra), b);
    CHECK(s != NULL);
    pal_runtime_put_seqstate(rb, s);
    pal_seqstate_stats(s, &st);
    CHECK_INT(st.kept, 1);
    CHECK_INT(st.dropped, 2);
    CHECK_INT(st.live, 1);
    /* the unchanged one completes with the member seen before the reload */
    CHECK_STR(decide(rb, &ar, "{\"event\":{\"category\":[\"process\"]},\"host\":{\"name\":\"h\"},\"process\":{\"name\":\"b\"}}", 2, out, sizeof out),
              "same:b on h");
    pal_runtime_free(ra);
    pal_runtime_free(rb);
    pal_arena_free(&ar);
    pal_program_free(a);
    pal_program_free(b);
}

static void test_times(void)
{
    int64_t ms;
    CHECK(pal_seq_parse_time("1970-01-01T00:00:00Z", 20, &ms) && ms == 0);
    CHECK(pal_seq_parse_time("2024-05-02T10:00:01.123Z", 24, &ms) && ms == 1714644001123);
    CHECK(pal_seq_parse_time("2024-05-02 10:00:01.123", 23, &ms) && ms == 1714644001123);   /* Sysmon UtcTime */
    CHECK(pal_seq_parse_time("2024-05-02T12:00:01.123456789+02:00", 35, &ms) && ms == 1714644001123);   /* Falco's nanoseconds, an offset */
    CHECK(pal_seq_parse_time("2024-05-02T10:00:01", 19, &ms) && ms == 1714644001000);
    CHECK(!pal_seq_parse_time("2024-05-02", 10, &ms));
    CHECK(!pal_seq_parse_time("2024-13-02T10:00:01Z", 20, &ms));
    CHECK(!pal_seq_parse_time("2024-05-02T10:00:01.Z", 21, &ms));
    CHECK(!pal_seq_parse_time("2024-05-02T10:00:01Zjunk", 24, &ms));
}

/* Four join fields of 256 bytes each: the longest group key there is
   (each field's tag, length and bytes: 1044 bytes, past the 1024 the key
   buffers once had). */
static void test_longest_key(void)
{
    pal_program *p = compile("sequence \"wide\" {\n  by host.name, user.name, process.name, process.working_directory\n"
                             "  within 1m\n  step { on process when process.pid == 1 }\n  step { on process when process.pid == 2 }\n}\n");
    CHECK(p != NULL);
    if (!p) return;
    char v[257], line[2048], out[256];
    memset(v, 'k', 256);
    v[256] = 0;
    pal_arena ar;
    pal_arena_init(&ar, 1u << 20);
    pal_runtime *rt = pal_runtime_new(p);
    for (int pid = 1; pid <= 2; pid++) {
        snprintf(line, sizeof line,
                 "{\"event\":{\"category\":[\"process\"]},\"host\":{\"name\":\"%s\"},\"user\":{\"name\":\"%s\"},"
                 "\"process\":{\"pid\":%d,\"name\":\"%s\",\"working_directory\":\"/%s\"}}",
                 v, v, pid, v, v + 1);
        decide(rt, &ar, line, (uint64_t)pid, out, sizeof out);
    }
    CHECK_STR(out, "wide:wide");
    pal_runtime_free(rt);
    pal_arena_free(&ar);
    pal_program_free(p);
}

/* ---- the state file (agent --state) ---- */

static const char *FORMS =
    "sequence \"ord\" {\n  by host.name\n  within 1m\n"
    "  step a { on process when process.name == \"a\" }\n  step b { on process when process.name == \"b\" }\n"
    "  step c { on process when process.name == \"c\" }\n"
    "  message \"{a.process.command_line} {b.process.command_line} {c.process.command_line}\"\n}\n"
    "sequence \"unord\" {\n  by host.name\n  within 1m\n  unordered\n"
    "  step x { on process when process.name == \"x\" }\n  step y { on process when process.name == \"y\" }\n}\n"
    "rule \"count\" {\n  on process\n  when process.name == \"n\"\n  count >= 3 by host.name within 1m\n}\n"
    "rule \"distinct\" {\n  on process\n  when process.name == \"d\"\n"
    "  count distinct process.pid >= 3 by host.name within 1m\n}\n";

static const char *proc(const char *name, const char *cmd, int pid, char *buf, size_t cap)
{
    snprintf(buf, cap,
             "{\"event\":{\"category\":[\"process\"]},\"host\":{\"name\":\"h\"},\"process\":{\"name\":\"%s\","
             "\"command_line\":\"%s\",\"pid\":%d}}",
             name, cmd, pid);
    return buf;
}

/* The events before the restart leave a partial match of each form; the
   events after complete them all. */
static const char *const BEFORE[][3] = {{"a", "A1", "1"}, {"b", "B1", "1"}, {"x", "X1", "1"}, {"n", "N1", "1"},
                                        {"n", "N2", "1"}, {"d", "D1", "1"}, {"d", "D2", "2"}};
static const char *const AFTER[][3] = {{"c", "C1", "1"}, {"y", "Y1", "1"}, {"n", "N3", "1"}, {"d", "D3", "3"}};
enum { NBEFORE = 7, NAFTER = 4 };

/* Decides the AFTER events, numbered on from NBEFORE; their matches
   (names, messages, members) joined into out. */
static void decide_after(pal_runtime *rt, pal_arena *ar, char *out, size_t cap)
{
    const pal_program *p = pal_runtime_program(rt);
    out[0] = 0;
    for (int i = 0; i < NAFTER; i++) {
        char line[512];
        pal_event ev;
        char err[256];
        pal_arena_reset(ar);
        proc(AFTER[i][0], AFTER[i][1], atoi(AFTER[i][2]), line, sizeof line);
        if (pal_event_decode(line, strlen(line), PAL_INPUT_ECS, p->event_fields_used, ar, &ev, err, sizeof err) != 0) continue;
        pal_runtime_set_event(rt, NBEFORE + 1 + (uint64_t)i, 1000);
        pal_decision d;
        if (pal_decide_event(rt, &ev, &d) != 0) continue;
        for (uint32_t m = 0; m < d.nmatches; m++) {
            size_t n = strlen(out);
            n += (size_t)snprintf(out + n, cap - n, "%s%s:%s:", n ? " " : "", pal_program_str(p, p->rules[d.matches[m].rule].name),
                                  d.matches[m].message);
            for (uint32_t k = 0; k < d.matches[m].nmembers; k++)
                n += (size_t)snprintf(out + n, cap - n, "%s%llu", k ? "," : "", (unsigned long long)d.matches[m].members[k]);
        }
    }
}

static pal_runtime *runtime_before(const pal_program *p, pal_arena *ar)
{
    pal_runtime *rt = pal_runtime_new(p);
    char out[512], line[512];
    for (int i = 0; rt && i < NBEFORE; i++)
        decide(rt, ar, proc(BEFORE[i][0], BEFORE[i][1], atoi(BEFORE[i][2]), line, sizeof line), (uint64_t)i + 1, out, sizeof out);
    return rt;
}

/* The file's checksum again, after a test changed it on purpose. */
static void reseal(unsigned char *b, size_t len)
{
    static const unsigned char zeros[32];
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, b, 32);
    crypto_hash_sha256_update(&st, zeros, 32);
    crypto_hash_sha256_update(&st, b + 64, len - 64);
    crypto_hash_sha256_final(&st, b + 32);
}

static void put_le(unsigned char *b, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++) b[i] = (unsigned char)(v >> (8 * i));
}

/* Reads a changed copy of the file; the error text (or "" when it loaded). */
static const char *read_changed(const unsigned char *file, size_t len, const pal_program *p, size_t at, uint64_t v,
                                unsigned n, bool seal, char *err, size_t cap)
{
    unsigned char *b = malloc(len);
    memcpy(b, file, len);
    if (n) put_le(b + at, v, n);
    if (seal) reseal(b, len);
    pal_seqstate *s = NULL;
    uint64_t events;
    err[0] = 0;
    int rc = pal_seqstate_read(b, len, "st.bin", p, NULL, &s, &events, err, cap);
    if (rc == 0) { CHECK(s != NULL); err[0] = 0; }
    else CHECK(s == NULL && strncmp(err, "st.bin: ", 8) == 0);
    pal_seqstate_free(s);
    free(b);
    return err;
}

static void test_state_file(void)
{
    pal_program *p = compile(FORMS);
    CHECK(p != NULL);
    if (!p) return;
    pal_arena ar;
    pal_arena_init(&ar, 1u << 20);
    char want[1024], got[1024], err[1024];

    /* without a restart */
    pal_runtime *whole = runtime_before(p, &ar);
    decide_after(whole, &ar, want, sizeof want);
    CHECK_STR(want, "ord:A1 B1 C1:1,2,8 unord:unord:3,9 count:count:4,5,10 distinct:distinct:6,7,11");
    pal_runtime_free(whole);

    /* with one: written, read back into a new runtime, the same matches */
    pal_runtime *before = runtime_before(p, &ar);
    unsigned char *file;
    size_t len;
    uint64_t omitted;
    CHECK(pal_seqstate_write(pal_runtime_seqstate(before), NBEFORE, &file, &len, &omitted) == 0);
    CHECK_INT(omitted, 0);
    pal_runtime_free(before);
    pal_seqstate *s = NULL;
    uint64_t events = 0;
    CHECK(pal_seqstate_read(file, len, "st.bin", p, NULL, &s, &events, err, sizeof err) == 0);
    CHECK_INT(events, NBEFORE);
    pal_seq_stats st;
    pal_seqstate_stats(s, &st);
    CHECK_INT(st.live, 4);
    CHECK_INT(st.kept, 4);
    CHECK_INT(st.dropped, 0);
    /* written again, the same bytes: nothing was lost or reordered */
    unsigned char *again;
    size_t againlen;
    CHECK(pal_seqstate_write(s, NBEFORE, &again, &againlen, NULL) == 0);
    CHECK(againlen == len && !memcmp(again, file, len));
    free(again);
    pal_runtime *after = pal_runtime_new(p);
    pal_runtime_put_seqstate(after, s);
    decide_after(after, &ar, got, sizeof got);
    CHECK_STR(got, want);
    pal_runtime_free(after);

    /* under smaller caps the oldest go (counted as evictions) */
    pal_seq_limits tiny = {0, 2, -1};
    CHECK(pal_seqstate_read(file, len, "st.bin", p, &tiny, &s, &events, err, sizeof err) == 0);
    pal_seqstate_stats(s, &st);
    CHECK_INT(st.live, 2);
    CHECK_INT(st.evicted_total, 2);
    pal_seqstate_free(s);

    /* damage: every truncation, every bit flipped — refused, nothing leaks */
    int refused = 0;
    for (size_t n = 0; n < len; n++) {
        pal_seqstate *t = NULL;
        refused += pal_seqstate_read(file, n, "st.bin", p, NULL, &t, &events, err, sizeof err) != 0 && !t;
    }
    CHECK_INT(refused, len);
    refused = 0;
    for (size_t i = 0; i < len * 8; i++) {
        unsigned char *b = malloc(len);
        memcpy(b, file, len);
        b[i / 8] ^= (unsigned char)(1u << (i % 8));
        pal_seqstate *t = NULL;
        refused += pal_seqstate_read(b, len, "st.bin", p, NULL, &t, &events, err, sizeof err) != 0 && !t;
        free(b);
    }
    CHECK_INT(refused, len * 8);
    CHECK(strstr(read_changed(file, len, p, 40, 1, 1, false, err, sizeof err),
                 "st.bin: damaged state file at byte 32: checksum mismatch: the file is corrupt; remove it to start "
                 "with no partial matches (the chains half seen before are forgotten)") != NULL);
    CHECK(strstr(read_changed(file, 10, p, 0, 0, 0, false, err, sizeof err), "at byte 10: 10 bytes, shorter than the 64-byte header") != NULL);
    CHECK(strstr(read_changed(file, len, p, 0, 0x41, 1, true, err, sizeof err), "st.bin: not a palisade state file (bad magic)") != NULL);
    CHECK(strstr(read_changed(file, len, p, 8, 2, 4, true, err, sizeof err),
                 "st.bin: state file format 2; this palisade reads format 1: remove it") != NULL);
    CHECK(strstr(read_changed(file, len, p, 16, len + 1, 8, true, err, sizeof err), "at byte 16: it says it is") != NULL);
    /* past the checksum (resealed): each count and length at its place.
       Layout: 64 flags, 65 watermark, 73 correlations (4 of 16 bytes), 141
       entries; the first (the least recently updated: ord, by "b") at 145:
       correlation, 149 touched, 157 key bytes, 159 the key (6 bytes), 165
       the stage mask, 167 its stage-2 members (a's at 167, id at 175) */
    CHECK(strstr(read_changed(file, len, p, 64, 2, 1, true, err, sizeof err), "at byte 64: flags 0x2") != NULL);
    CHECK(strstr(read_changed(file, len, p, 73, 0xffffffff, 4, true, err, sizeof err),
                 "at byte 73: 4294967295 correlations do not fit") != NULL);
    CHECK(strstr(read_changed(file, len, p, 77 + 8, 9, 1, true, err, sizeof err), "at byte 77: correlation 0: type 9") != NULL);
    CHECK(strstr(read_changed(file, len, p, 145, 9, 4, true, err, sizeof err),
                 "at byte 145: an entry of correlation 9, but the file has 4") != NULL);
    CHECK(strstr(read_changed(file, len, p, 157, 2000, 2, true, err, sizeof err), "at byte 145: a group key of 2000 bytes (at most 1044)") != NULL);
    CHECK(strstr(read_changed(file, len, p, 165, 8, 2, true, err, sizeof err), "at byte 165: stage mask 0x8 for a sequence of 3 steps") != NULL);
    CHECK(strstr(read_changed(file, len, p, 167, (uint64_t)1 << 60, 8, true, err, sizeof err), "at byte 167: member time") != NULL);
    CHECK(strstr(read_changed(file, len, p, 175, 99, 8, true, err, sizeof err),
                 "at byte 167: member event 99, but the file counts 7 events") != NULL);
    CHECK(strstr(read_changed(file, len, p, 24, 1, 8, true, err, sizeof err), "member event 2, but the file counts 1 events") != NULL);
    /* a sequence's member keeps captures, not a value hash (its 8 bytes at 183 are 0) */
    CHECK(strstr(read_changed(file, len, p, 183, 5, 8, true, err, sizeof err),
                 "at byte 167: a value hash in a member of a sequence") != NULL);
    /* an entry count past what is there */
    CHECK(strstr(read_changed(file, len, p, 141, 5, 4, true, err, sizeof err), "the file ends inside an entry") != NULL);
    CHECK(strstr(read_changed(file, len, p, 141, 3, 4, true, err, sizeof err), "bytes after the last entry") != NULL);
    /* resealed single-byte changes anywhere past the header: refused, or
       loaded into a state that still decides (ASan watches) */
    int loaded = 0;
    for (size_t i = 64; i < len; i++)
        for (int v = 0; v < 3; v++) {
            unsigned char *b = malloc(len);
            memcpy(b, file, len);
            b[i] = v == 0 ? 0 : v == 1 ? 0xff : (unsigned char)(b[i] + 1);
            reseal(b, len);
            pal_seqstate *t = NULL;
            if (pal_seqstate_read(b, len, "st.bin", p, NULL, &t, &events, err, sizeof err) == 0) {
                loaded++;
                pal_runtime *rt = pal_runtime_new(p);
                pal_runtime_put_seqstate(rt, t);
                decide_after(rt, &ar, got, sizeof got);
                pal_runtime_free(rt);
            } else {
                CHECK(t == NULL && strncmp(err, "st.bin: damaged state file at byte ", 35) == 0);
                if (strncmp(err, "st.bin: damaged state file at byte ", 35)) fprintf(stderr, "%s\n", err);
            }
            free(b);
        }
    CHECK(loaded > 0);   /* times, hashes and key bytes may take any value */
    free(file);
    pal_arena_free(&ar);
    pal_program_free(p);
}

/* A state from another program keeps only what its unchanged correlations had. */
static void test_state_other_program(void)
{
    pal_program *a = compile(V1), *b = compile(V2), *none = compile("rule \"r\" {\n  on process\n  when process.name == \"a\"\n}\n");
    CHECK(a && b && none);
    if (!a || !b || !none) return;
    pal_arena ar;
    pal_arena_init(&ar, 1u << 20);
    char out[512], err[512];
    pal_runtime *ra = pal_runtime_new(a);
    decide(ra, &ar, "{\"event\":{\"category\":[\"process\"]},\"host\":{\"name\":\"h\"},\"process\":{\"name\":\"a\"}}", 1, out, sizeof out);
    unsigned char *file;
    size_t len;
    CHECK(pal_seqstate_write(pal_runtime_seqstate(ra), 1, &file, &len, NULL) == 0);
    pal_runtime_free(ra);
    pal_seqstate *s;
    uint64_t events;
    CHECK(pal_seqstate_read(file, len, "st.bin", b, NULL, &s, &events, err, sizeof err) == 0);
    pal_seq_stats st;
    pal_seqstate_stats(s, &st);
    CHECK_INT(st.kept, 1);
    CHECK_INT(st.dropped, 2);
    CHECK_INT(st.live, 1);
    pal_runtime *rb = pal_runtime_new(b);
    pal_runtime_put_seqstate(rb, s);
    CHECK_STR(decide(rb, &ar, "{\"event\":{\"category\":[\"process\"]},\"host\":{\"name\":\"h\"},\"process\":{\"name\":\"b\"}}", 2, out, sizeof out),
              "same:b on h");
    pal_runtime_free(rb);
    /* a program without correlations: all dropped, counted */
    CHECK(pal_seqstate_read(file, len, "st.bin", none, NULL, &s, &events, err, sizeof err) == 0);
    pal_seqstate_stats(s, &st);
    CHECK_INT(st.dropped, 3);
    CHECK_INT(st.live, 0);
    pal_seqstate_free(s);
    /* a state of no correlations at all */
    free(file);
    CHECK(pal_seqstate_write(NULL, 5, &file, &len, NULL) == 0);
    CHECK(pal_seqstate_read(file, len, "st.bin", a, NULL, &s, &events, err, sizeof err) == 0);
    CHECK_INT(events, 5);
    pal_seqstate_stats(s, &st);
    CHECK_INT(st.live, 0);
    pal_seqstate_free(s);
    free(file);
    pal_arena_free(&ar);
    pal_program_free(a);
    pal_program_free(b);
    pal_program_free(none);
}

/* ---- many groups: the table, the stage counts and expiry by window ---- */

static const char *MANY =
    "sequence \"long\" {\n  by host.name\n  within 1m\n"
    "  step { on process when process.name == \"a\" }\n  step { on process when process.name == \"b\" }\n}\n"
    "sequence \"short\" {\n  by host.name\n  within 10s\n"
    "  step { on process when process.name == \"a\" }\n  step { on process when process.name == \"c\" }\n}\n";

/* Decides process `name` on host h at T0 + ms as event id; the members of
   its matches, "rule:m1,m2 ..." into out. */
static void many_event(pal_runtime *rt, pal_arena *ar, const char *name, int h, int64_t ms, uint64_t id, char *out,
                       size_t cap)
{
    const pal_program *p = pal_runtime_program(rt);
    char line[256], err[256];
    snprintf(line, sizeof line,
             "{\"@timestamp\":\"2024-01-01T%02d:%02d:%02d.%03dZ\",\"event\":{\"category\":[\"process\"]},"
             "\"host\":{\"name\":\"host-%d\"},\"process\":{\"name\":\"%s\"}}",
             (int)(ms / 3600000), (int)(ms / 60000 % 60), (int)(ms / 1000 % 60), (int)(ms % 1000), h, name);
    out[0] = 0;
    pal_arena_reset(ar);
    pal_event ev;
    if (pal_event_decode(line, strlen(line), PAL_INPUT_ECS, p->event_fields_used, ar, &ev, err, sizeof err) != 0) {
        snprintf(out, cap, "(undecodable)");
        return;
    }
    pal_runtime_set_event(rt, id, 1000);
    pal_decision d;
    if (pal_decide_event(rt, &ev, &d) != 0) { snprintf(out, cap, "(oom)"); return; }
    for (uint32_t i = 0; i < d.nmatches; i++) {
        size_t n = strlen(out);
        n += (size_t)snprintf(out + n, cap - n, "%s%s:", n ? " " : "", pal_program_str(p, p->rules[d.matches[i].rule].name));
        for (uint32_t k = 0; k < d.matches[i].nmembers; k++)
            n += (size_t)snprintf(out + n, cap - n, "%s%llu", k ? "," : "", (unsigned long long)d.matches[i].members[k]);
    }
}

static void test_many_groups(void)
{
    pal_program *p = compile(MANY);
    CHECK(p != NULL);
    if (!p) return;
    enum { N = 20000 };
    pal_arena ar;
    pal_arena_init(&ar, 1u << 20);
    pal_runtime *rt = pal_runtime_new(p);
    char out[256], want[256];
    pal_seq_stats st, empty;
    pal_seqstate_stats(pal_runtime_seqstate(rt), &empty);
    uint64_t id = 0;
    int bad = 0;
    for (int cycle = 0; cycle < 2; cycle++) {
        int64_t t0 = (int64_t)cycle * 600000;
        /* N hosts start both sequences, within 5 s (event ids from `first`) */
        uint64_t first = id + 1;
        for (int h = 0; h < N; h++) many_event(rt, &ar, "a", h, t0 + h / 4, ++id, out, sizeof out);
        pal_seqstate_stats(pal_runtime_seqstate(rt), &st);
        CHECK_INT(st.live, 2 * N);
        /* a later step of a host that never started: nothing, nothing kept */
        many_event(rt, &ar, "b", N + 5, t0 + 5000, ++id, out, sizeof out);
        CHECK_STR(out, "");
        /* half the hosts complete "long", in a scattered order (every
           7919th, a prime, so removals fall all over the table) */
        for (int k = 0; k < N / 2; k++) {
            int h = (int)(((int64_t)k * 7919) % N);
            many_event(rt, &ar, "b", h, t0 + 5000, ++id, out, sizeof out);
            snprintf(want, sizeof want, "long:%llu,%llu", (unsigned long long)(first + (uint64_t)h), (unsigned long long)id);
            if (strcmp(out, want) && bad++ < 3) CHECK_STR(out, want);
        }
        pal_seqstate_stats(pal_runtime_seqstate(rt), &st);
        CHECK_INT(st.live, N + N / 2);
        /* 15 s on: "short" (10 s and the 2 s tolerance) has expired, "long" not */
        uint64_t expired = st.expired;
        many_event(rt, &ar, "x", 0, t0 + 20000, ++id, out, sizeof out);
        many_event(rt, &ar, "c", 1, t0 + 20000, ++id, out, sizeof out);   /* a step: the watermark moves */
        CHECK_STR(out, "");
        pal_seqstate_stats(pal_runtime_seqstate(rt), &st);
        CHECK_INT(st.expired - expired, N);
        CHECK_INT(st.live, N / 2);
        /* the other half still completes */
        for (int h = 0; h < N; h++) {
            if (h % 2) continue;
            bool done = false;
            for (int k = 0; k < N / 2 && !done; k++) done = ((int64_t)k * 7919) % N == h;
            if (done) continue;
            many_event(rt, &ar, "b", h, t0 + 20001, ++id, out, sizeof out);
            snprintf(want, sizeof want, "long:%llu,%llu", (unsigned long long)(first + (uint64_t)h), (unsigned long long)id);
            if (strcmp(out, want) && bad++ < 3) CHECK_STR(out, want);
            break;   /* one is enough here; the rest expire */
        }
        /* past the minute: all gone, and the bytes counted are what an
           empty state's are (plus the grown table, the same both cycles) */
        many_event(rt, &ar, "c", 2, t0 + 85000, ++id, out, sizeof out);
        pal_seqstate_stats(pal_runtime_seqstate(rt), &st);
        CHECK_INT(st.live, 0);
        if (cycle == 0) empty.bytes = st.bytes;
        else CHECK_INT(st.bytes, empty.bytes);
    }
    CHECK_INT(bad, 0);
    pal_runtime_free(rt);
    pal_arena_free(&ar);
    pal_program_free(p);
}

/* A later step no partial match waits for is left unrun (run_event_rule)
   when the event satisfies another step, and run after all when it
   satisfies none, since an event that satisfies a step moves the
   watermark: here b at 10:00:10 makes the a at 10:00:07 late (3 s > the
   2 s tolerance), so it starts nothing and the b after it completes
   nothing.  ("c9" holds for b on h9 only: a step always waited for.) */
static const char *SKIP =
    "sequence \"ab\" {\n  by host.name\n  within 1m\n"
    "  step { on process when process.name == \"a\" }\n  step { on process when process.name == \"b\" }\n}\n"
    "rule \"c9\" {\n  on process\n  when process.name == \"b\" and host.name == \"h9\"\n"
    "  count >= 100 by host.name within 1m\n}\n";

static const char *timed(const char *name, const char *host, int sec, char *buf, size_t cap)
{
    snprintf(buf, cap,
             "{\"@timestamp\":\"2024-05-02T10:00:%02dZ\",\"event\":{\"category\":[\"process\"]},"
             "\"host\":{\"name\":\"%s\"},\"process\":{\"name\":\"%s\"}}",
             sec, host, name);
    return buf;
}

/* The rules run since the last call. */
static uint64_t runs_since(const pal_runtime *rt, uint64_t *last)
{
    uint64_t now = pal_runtime_rules_run(rt), n = now - *last;
    *last = now;
    return n;
}

static void test_unwaited_step(void)
{
    pal_program *p = compile(SKIP);
    CHECK(p != NULL);
    if (!p) return;
    pal_arena ar;
    pal_arena_init(&ar, 1u << 20);
    char out[256], line[512];
    pal_runtime *rt = pal_runtime_new(p);
    uint64_t runs = pal_runtime_rules_run(rt);
    /* b on h9: c9's step holds; ab's b, waited for by no group, is not run */
    CHECK_STR(decide(rt, &ar, timed("b", "h9", 1, line, sizeof line), 1, out, sizeof out), "");
    CHECK_INT(runs_since(rt, &runs), 1);
    CHECK_STR(decide(rt, &ar, timed("a", "h1", 2, line, sizeof line), 2, out, sizeof out), "");
    CHECK_INT(runs_since(rt, &runs), 1);
    /* a partial match waits for b: it runs */
    CHECK_STR(decide(rt, &ar, timed("b", "h1", 3, line, sizeof line), 3, out, sizeof out), "ab:ab");
    CHECK_INT(runs_since(rt, &runs), 2);
    /* nothing waits, and no other step holds: b is run after all, and moves time */
    CHECK_STR(decide(rt, &ar, timed("b", "h2", 10, line, sizeof line), 4, out, sizeof out), "");
    CHECK_INT(runs_since(rt, &runs), 2);
    CHECK_STR(decide(rt, &ar, timed("a", "h3", 7, line, sizeof line), 5, out, sizeof out), "");
    CHECK_STR(decide(rt, &ar, timed("b", "h3", 11, line, sizeof line), 6, out, sizeof out), "");
    pal_seq_stats st;
    pal_seqstate_stats(pal_runtime_seqstate(rt), &st);
    CHECK_INT(st.late, 1);
    CHECK_INT(st.completed, 1);
    /* and in time, the same pair completes */
    CHECK_STR(decide(rt, &ar, timed("a", "h3", 12, line, sizeof line), 7, out, sizeof out), "");
    CHECK_STR(decide(rt, &ar, timed("b", "h3", 13, line, sizeof line), 8, out, sizeof out), "ab:ab");
    pal_runtime_free(rt);
    pal_arena_free(&ar);
    pal_program_free(p);
}

int main(void)
{
    test_digest();
    test_reload();
    test_times();
    test_longest_key();
    test_unwaited_step();
    test_state_file();
    test_state_other_program();
    test_many_groups();
    return unit_result("test_seq");
}

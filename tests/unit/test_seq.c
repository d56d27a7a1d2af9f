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

int main(void)
{
    test_digest();
    test_reload();
    test_times();
    return unit_result("test_seq");
}

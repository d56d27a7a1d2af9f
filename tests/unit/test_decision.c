/*
 * test_decision.c — the decision line writer (engine/runtime/decision.h)
 * against the lines palisade printed before it: cJSON objects built the
 * way engine/runtime, cli/events.c and cmd_agent.c built them (kept here
 * as the reference), for thousands of random decisions — every byte
 * 0x01..0xff in messages, rule names, errors, warnings and revisions;
 * "conn", "learning", no "line", huge line numbers, error decisions.
 * Then pal_decide_line end to end: decoded events, too-long lines,
 * learning, a capped buffer.
 */
#include "tests/unit/unit.h"

#include <stdlib.h>
#include <cJSON.h>
#include "engine/runtime/decider.h"
#include "engine/runtime/decision.h"
#include "engine/vm/vm.h"
#include "engine/core/schema.h"
#include "engine/runtime/runtime.h"
#include "lang/compile/palc.h"

/* ---- the reference: the three writers as they were ---- */

static char *ref_decision(const pal_program *p, const pal_decision *d, long line)
{
    cJSON *o = cJSON_CreateObject();
    if (line >= 0) cJSON_AddNumberToObject(o, "line", (double)line);
    cJSON_AddStringToObject(o, "effect", pal_effect_name((unsigned)d->effect));
    cJSON *arr = cJSON_AddArrayToObject(o, "matches");
    for (uint32_t i = 0; i < d->nmatches; i++) {
        const pal_match *m = &d->matches[i];
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "rule", pal_program_str(p, p->rules[m->rule].name));
        cJSON_AddStringToObject(x, "effect", pal_effect_name(m->effect));
        cJSON_AddStringToObject(x, "severity", pal_severity_name(m->severity));
        cJSON_AddStringToObject(x, "message", m->message ? m->message : "");
        cJSON_AddItemToArray(arr, x);
    }
    if (d->vm_error) {
        char why[512];
        uint32_t r = d->vm_error_rule;
        if (r < p->nrules && p->rules[r].root != PS_IMAGE)
            snprintf(why, sizeof why, "rule '%s' stopped: %s; the decision takes its strongest effect (%s)",
                     pal_program_str(p, p->rules[r].name), pal_vm_strerror(d->vm_error),
                     pal_effect_name((unsigned)pal_rule_strongest_effect(p, r)));
        else
            snprintf(why, sizeof why, "%s", pal_vm_strerror(d->vm_error));
        cJSON_AddStringToObject(o, "error", why);
    }
    if (d->warning && *d->warning) cJSON_AddStringToObject(o, "warning", d->warning);
    if (d->noriginals) {
        const pal_schema *s = pal_schema_get(PS_EVENT);
        cJSON *orig = cJSON_AddObjectToObject(o, "original");
        for (unsigned i = 0; orig && i < d->noriginals; i++)
            if (d->originals[i].field < s->nfields && d->originals[i].text)
                cJSON_AddStringToObject(orig, s->fields[d->originals[i].field].name, d->originals[i].text);
    }
    cJSON_AddStringToObject(o, "revision", pal_program_str(p, p->revision));
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return s;
}

static char *ref_error(const pal_program *p, long line, const char *why)
{
    cJSON *o = cJSON_CreateObject();
    if (line >= 0) cJSON_AddNumberToObject(o, "line", (double)line);
    cJSON_AddStringToObject(o, "effect", "allow");
    cJSON_AddArrayToObject(o, "matches");
    cJSON_AddStringToObject(o, "error", why);
    cJSON_AddStringToObject(o, "revision", pal_program_str(p, p->revision));
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return s;
}

/* the learning splice of cli/events.c, then the conn splice of cmd_agent.c */
static char *ref_line(const pal_program *p, const pal_decision *d, const pal_decision_ctx *c)
{
    char *js;
    if (c->error) {
        js = ref_error(p, c->line, c->error);
    } else {
        pal_decision dd = *d;
        if (c->learning) dd.effect = PE_ALLOW;
        js = ref_decision(p, &dd, c->line);
        if (c->learning) {
            size_t n = strlen(js);
            char *t = malloc(n + 17);
            memcpy(t, "{\"learning\":true,", 17);
            memcpy(t + 17, js + 1, n);
            free(js);
            js = t;
        }
    }
    size_t n = strlen(js);
    char *out = malloc(n + 40);
    if (c->conn) {
        int k = snprintf(out, 40, "{\"conn\":%lu,", c->conn);
        memcpy(out + k, js + 1, n);
    } else {
        memcpy(out, js, n + 1);
    }
    free(js);
    strcat(out, "\n");
    return out;
}

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
                m[k] = (pal_match){rnd(p->nrules), 0, (uint8_t)rnd(6), (uint8_t)rnd(6), rnd(5) ? msgs[k] : NULL, 0};
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
            pal_decision_ctx c = {rnd(3) ? (long)rnd(100000) : lines[rnd(10)], rnd(2) ? 0 : rnd(1000) + 1ul,
                                  rnd(3) == 0, rnd(4) == 0 ? why : NULL};
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
    pal_decision_ctx c = {3, 0, false, NULL};
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

int main(void)
{
    test_random_against_cjson();
    test_decide_line();
    return unit_result("test_decision");
}

/*
 * prog_builder.h — building small pal_programs by hand, for the VM,
 * verifier and bundle tests (the compiler is tested on its own).
 *
 * Arrays are allocated with a fixed capacity up front, so pointers into the
 * string blob (string constants) never move; pb_take() hands the program to
 * the caller, who frees it with pal_program_free().  A rule is built as
 * pb_rule(), its instructions (pb_op), pb_end(); then its outcomes, whose
 * message expressions are appended to the code after the rule's.
 */
#ifndef PAL_PROG_BUILDER_H
#define PAL_PROG_BUILDER_H

#include <stdlib.h>
#include <string.h>
#include "engine/vm/program.h"
#include "engine/vm/opcodes.h"
#include "engine/core/schema.h"
#include "engine/core/match.h"

enum { PB_CODE = 8192, PB_CONSTS = 512, PB_MATCHERS = 64, PB_MITEMS = 4096, PB_RULES = 64,
       PB_OUTCOMES = 256, PB_MSGPARTS = 256, PB_META = 64, PB_SOURCES = 8, PB_STRINGS = 1 << 16 };

typedef struct pb { pal_program *p; uint32_t rule; } pb;

static inline pal_str pb_strn(pb *b, const char *s, size_t n)
{
    pal_program *p = b->p;
    pal_str r = {p->strings_len, (uint32_t)n};
    if (p->strings_len + n + 1 > PB_STRINGS) abort();
    memcpy(p->strings + p->strings_len, s, n);
    p->strings[p->strings_len + n] = '\0';
    p->strings_len += (uint32_t)n + 1;
    return r;
}

static inline pal_str pb_str(pb *b, const char *s) { return pb_strn(b, s, strlen(s)); }

static inline pb pb_new(void)
{
    pb b;
    pal_program *p = calloc(1, sizeof *p);
    p->code = calloc(PB_CODE, sizeof *p->code);
    p->consts = calloc(PB_CONSTS, sizeof *p->consts);
    p->matchers = calloc(PB_MATCHERS, sizeof *p->matchers);
    p->mitems = calloc(PB_MITEMS, sizeof *p->mitems);
    p->rules = calloc(PB_RULES, sizeof *p->rules);
    p->outcomes = calloc(PB_OUTCOMES, sizeof *p->outcomes);
    p->msgparts = calloc(PB_MSGPARTS, sizeof *p->msgparts);
    p->meta = calloc(PB_META, sizeof *p->meta);
    p->sources = calloc(PB_SOURCES, sizeof *p->sources);
    p->strings = calloc(PB_STRINGS, 1);
    b.p = p;
    b.rule = 0;
    p->revision = pb_str(&b, "rev-1");
    p->build_time = 1700000000;
    p->schema_digest = pal_schema_digest();
    return b;
}

static inline pal_program *pb_take(pb *b) { pal_program *p = b->p; b->p = NULL; return p; }

static inline uint32_t pb_const(pb *b, pal_value v)
{
    pal_program *p = b->p;
    if (v.tag == PV_STR) {
        pal_str s = pb_strn(b, v.u.s ? v.u.s : "", v.len);
        v.u.s = p->strings + s.off;
    }
    p->consts[p->nconsts] = v;
    return p->nconsts++;
}

static inline uint32_t pb_cint(pb *b, int64_t i) { return pb_const(b, pal_int(i)); }
static inline uint32_t pb_cstr(pb *b, const char *s, unsigned flags)
{
    return pb_const(b, pal_string(s, (uint32_t)strlen(s), flags));
}
static inline pal_value pb_ip(const char *text)
{
    pal_value v = pal_undef();
    bool v6 = false;
    v.tag = PV_IP;
    if (!pal_ip_parse(text, strlen(text), v.u.ip, &v6)) abort();
    v.flags = v6 ? PVF_IPV6 : 0;
    return v;
}
static inline uint32_t pb_cip(pb *b, const char *text) { return pb_const(b, pb_ip(text)); }

static inline uint32_t pb_matcher(pb *b, unsigned kind, unsigned flags)
{
    pal_program *p = b->p;
    pal_matcher *m = &p->matchers[p->nmatchers];
    m->kind = (uint8_t)kind;
    m->flags = (uint8_t)flags;
    m->first = p->nmitems;
    m->count = 0;
    return p->nmatchers++;
}

/* items go to the last matcher */
static inline void pb_item_str(pb *b, const char *s)
{
    pal_program *p = b->p;
    p->mitems[p->nmitems++].s = pb_str(b, s);
    p->matchers[p->nmatchers - 1].count++;
}

static inline void pb_item_range(pb *b, int64_t lo, int64_t hi)
{
    pal_program *p = b->p;
    p->mitems[p->nmitems].lo = lo;
    p->mitems[p->nmitems++].hi = hi;
    p->matchers[p->nmatchers - 1].count++;
}

static inline void pb_item_cidr(pb *b, const char *text)
{
    pal_program *p = b->p;
    pal_mitem *it = &p->mitems[p->nmitems++];
    bool v6 = false;
    unsigned prefix = 0;
    const char *err = NULL;
    if (!pal_cidr_parse(text, strlen(text), it->ip, &v6, &prefix, &err)) abort();
    it->v6 = v6;
    it->prefix = (uint8_t)prefix;
    p->matchers[p->nmatchers - 1].count++;
}

static inline uint32_t pb_strs(pb *b, unsigned kind, unsigned flags, const char *const *items, size_t n)
{
    uint32_t m = pb_matcher(b, kind, flags);
    for (size_t i = 0; i < n; i++) pb_item_str(b, items[i]);
    return m;
}

static inline uint32_t pb_rule(pb *b, const char *name, unsigned kind, unsigned root, unsigned nlocals,
                        unsigned max_stack)
{
    pal_program *p = b->p;
    pal_rule *r = &p->rules[p->nrules];
    r->name = pb_str(b, name);
    r->kind = (uint8_t)kind;
    r->kinds = root == PS_EVENT ? PK_PROCESS : 0;
    r->root = (uint8_t)root;
    r->nlocals = (uint16_t)nlocals;
    r->max_stack = (uint16_t)max_stack;
    r->code = p->ncode;
    r->outcome_first = p->noutcomes;
    r->meta_first = p->nmeta;
    r->src_file = pb_str(b, "policies/test.pal");
    r->src_line = 10 + p->nrules;
    b->rule = p->nrules;
    return p->nrules++;
}

static inline uint32_t pb_op(pb *b, pal_instr in)
{
    pal_program *p = b->p;
    if (p->ncode >= PB_CODE) abort();
    p->code[p->ncode] = in;
    return p->ncode++ - p->rules[b->rule].code;
}

static inline void pb_end(pb *b)
{
    pal_rule *r = &b->p->rules[b->rule];
    r->code_len = b->p->ncode - r->code;
}

/* Patches the jump at rule-relative index `at` to land on rule-relative `target`. */
static inline void pb_patch(pb *b, uint32_t at, uint32_t target)
{
    pal_program *p = b->p;
    uint32_t abs = p->rules[b->rule].code + at;
    pal_instr in = p->code[abs];
    int32_t rel = (int32_t)target - (int32_t)(at + 1);
    if (PAL_OP(in) == OP_ITER_NEXT) p->code[abs] = PAL_MK_ABJ(OP_ITER_NEXT, PAL_A8(in), rel);
    else p->code[abs] = PAL_MK_SJ(PAL_OP(in), rel);
}

static inline uint32_t pb_outcome(pb *b, unsigned effect, unsigned severity, const char *label)
{
    pal_program *p = b->p;
    pal_outcome *o = &p->outcomes[p->noutcomes++];
    o->effect = (uint8_t)effect;
    o->severity = (uint8_t)severity;
    o->label = pb_str(b, label);
    o->msg_first = p->nmsgparts;
    return p->rules[b->rule].noutcomes++;
}

static inline void pb_msg_text(pb *b, const char *s)
{
    pal_program *p = b->p;
    pal_msgpart *m = &p->msgparts[p->nmsgparts++];
    m->s = pb_str(b, s);
    p->outcomes[p->noutcomes - 1].nmsg++;
}

/* Starts a message expression; returns its chunk start (absolute). */
static inline uint32_t pb_msg_expr(pb *b)
{
    pal_program *p = b->p;
    pal_msgpart *m = &p->msgparts[p->nmsgparts++];
    m->is_expr = 1;
    m->code = p->ncode;
    p->outcomes[p->noutcomes - 1].nmsg++;
    return m->code;
}

static inline void pb_msg_end(pb *b)
{
    pal_program *p = b->p;
    pal_msgpart *m = &p->msgparts[p->nmsgparts - 1];
    m->code_len = p->ncode - m->code;
}

static inline void pb_meta(pb *b, const char *k, const char *v)
{
    pal_program *p = b->p;
    p->meta[p->nmeta].key = pb_str(b, k);
    p->meta[p->nmeta++].value = pb_str(b, v);
    p->rules[b->rule].nmeta++;
}

static inline void pb_source(pb *b, const char *path, const char *sha)
{
    pal_program *p = b->p;
    p->sources[p->nsources].path = pb_str(b, path);
    p->sources[p->nsources++].sha256 = pb_str(b, sha);
}

/* An event record whose slots the test fills by field name. */
typedef struct test_event { pal_value slots[256]; pal_record rec; } test_event;

static inline void ev_init(test_event *e)
{
    memset(e, 0, sizeof *e);
    e->rec.schema = pal_schema_get(PS_EVENT);
    e->rec.slots = e->slots;
}

static inline int field_of(unsigned schema, const char *name)
{
    int f = pal_schema_find(pal_schema_get(schema), name, strlen(name));
    if (f < 0) abort();
    return f;
}

static inline void ev_set(test_event *e, const char *name, pal_value v) { e->slots[field_of(PS_EVENT, name)] = v; }

static inline pal_value S(const char *s) { return pal_string(s, (uint32_t)strlen(s), 0); }
static inline pal_value W(const char *s) { return pal_string(s, (uint32_t)strlen(s), PVF_WINDOWS); }

#endif

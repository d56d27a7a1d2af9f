/*
 * seq.c — correlations: `sequence` blocks and counting rules (`count ...
 * within`), desugared into step rules and one pal_seq record.
 *
 * Design.  Every step (and the `until`) becomes an ordinary rule of kind
 * PR_STEP whose code EMITs outcome 0 when the event satisfies it, so the
 * rule index, the verifier, the budget and the disassembler treat a step
 * like any rule.  What makes the steps a chain is the pal_seq record: the
 * window, the threshold, the group key fields of every step, and the
 * message.  The message is split by step: a hole `{NAME.field}` belongs to
 * the step named NAME, a hole without a step name to the last step (for a
 * counting rule, the event that reached the count); each becomes an
 * outcome of its step's rule whose message is that one hole (a *capture*),
 * rendered by the runtime when the step's event is seen, because by the
 * time the chain completes the earlier events are gone.
 *
 * The checker's part (kinds, the condition, the join fields' types) runs
 * here too, step by step, with the same context a rule gets.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lang/compile/codegen.h"

/* A message hole and the step it names. */
typedef struct seq_hole {
    uint32_t part;        /* index among the message parts */
    uint32_t step;
    pal_node node;        /* the hole without its step name */
    uint16_t capture;     /* outcome of the step's rule */
} seq_hole;

typedef struct seq_build {
    pal_decl *d;
    pal_step **steps;     /* the steps, then the until */
    uint32_t nsteps, nall;
    pal_node *parts;      /* the message, split */
    uint32_t nparts;
    seq_hole *holes;
    uint32_t nholes;
    uint32_t step_first;
    int effect, severity;
    pal_type key_type[PAL_MAX_SEQ_KEYS];
    uint32_t nkeys;
    int distinct_field;
} seq_build;

static bool name_is(const char *a, const char *b, uint32_t blen)
{
    return a && strlen(a) == blen && memcmp(a, b, blen) == 0;
}

/* The join fields of one step (its own `by`, or the declaration's): each a
   scalar field the step's events carry.  The first step fixes their number
   and types; every other step must give as many, comparable one by one. */
static bool check_keys(pal_cc *cc, seq_build *b, uint32_t si, pal_node *by, pal_loc where)
{
    uint32_t n = by ? by->nitems : 0;
    if (si == 0) {
        if (n > PAL_MAX_SEQ_KEYS) {
            pal_cc_error(cc, "PAL0315", by->loc, "join on fewer fields", "more than %u `by` fields", PAL_MAX_SEQ_KEYS);
            return false;
        }
        b->nkeys = n;
    } else if (n != b->nkeys) {
        pal_cc_error(cc, "PAL0315", by ? by->loc : where, "every step joins on as many fields as the first",
                     "this step joins on %u field%s, the first step on %u", n, n == 1 ? "" : "s", b->nkeys);
        return false;
    }
    bool ok = true;
    for (uint32_t k = 0; k < n; k++) {
        pal_node *f = by->items[k];
        pal_type t = pal_check_expr(cc, f);
        if (t.kind == T_ERROR) {
            if (si == 0) b->key_type[k] = t;   /* reported: later steps are not compared with it */
            ok = false;
            continue;
        }
        if (f->ref != REF_FIELD || t.kind == T_LIST || t.kind == T_RECORDS || t.kind == T_RECORD) {
            if (si == 0) b->key_type[k] = (pal_type){T_ERROR, 0, 0};
            pal_cc_error(cc, "PAL0316", f->loc, "join on a field holding one value: process.entity_id, user.name, source.ip",
                         "'%.*s' cannot join events: it is not an event field holding one value", (int)f->len, f->text);
            ok = false;
            continue;
        }
        if (si == 0) {
            b->key_type[k] = t;
        } else {
            pal_type a = b->key_type[k];
            if (a.kind == T_ERROR) continue;
            bool same = a.kind == t.kind || (pal_is_strlike(a.kind) && pal_is_strlike(t.kind));
            if (!same) {
                pal_cc_error(cc, "PAL0401", f->loc, "join fields of one position have one type",
                             "'%.*s' is %s; the first step joins on %s here", (int)f->len, f->text,
                             pal_type_article(t), pal_type_article(a));
                ok = false;
                continue;
            }
        }
    }
    return ok;
}

/* Which step a hole names: its first segment when that is a step name,
   otherwise the last step (the completing event). */
static uint32_t hole_step(seq_build *b, pal_node *h, pal_node *rest)
{
    *rest = *h;
    const char *dot = memchr(h->text, '.', h->len);
    if (dot) {
        uint32_t seg = (uint32_t)(dot - h->text);
        for (uint32_t s = 0; s < b->nsteps; s++)
            if (name_is(b->steps[s]->name, h->text, seg)) {
                rest->text = dot + 1;
                rest->len = h->len - seg - 1;
                return s;
            }
    }
    return b->nsteps - 1;
}

/* Generates one step rule: its condition checked in the step's context,
   its join fields, its captures, its code. */
static bool gen_step(pal_cc *cc, seq_build *b, uint32_t si)
{
    pal_decl *d = b->d;
    pal_step *st = b->steps[si];
    bool is_until = si == b->nsteps;
    if (!st->expr) {
        pal_cc_error(cc, "PAL0204", st->loc, "add `when CONDITION`", "%s of '%s' has no `when` condition",
                     is_until ? "the `until`" : "a step", d->name);
        return false;
    }
    pal_rule_context(cc, d, PS_EVENT, st->has_kinds ? st->kinds : PK_ALL);
    cc->infer_kinds = !st->has_kinds;
    if (!pal_check_cond(cc, st->expr)) return false;
    unsigned kinds = st->has_kinds ? st->kinds : cc->inferred;
    cc->infer_kinds = false;
    cc->kinds = kinds;
    pal_node *by = st->by ? st->by : d->by;
    if (!check_keys(cc, b, si, by, st->loc)) return false;
    uint32_t ri = cg_begin_rule(cc, d, PR_STEP, PS_EVENT, kinds);
    if (si == 0) b->step_first = ri;
    cg_add_outcome(cc, ri, b->effect, b->severity, st->loc, NULL, "");
    for (uint32_t h = 0; h < b->nholes; h++) {
        seq_hole *sh = &b->holes[h];
        if (sh->step != si) continue;
        /* a one-hole message: "{field}" */
        char *tmpl = pal_arena_alloc(&cc->arena, sh->node.len + 3);
        if (!tmpl) { cc->gen_failed = true; return false; }
        tmpl[0] = '{';
        memcpy(tmpl + 1, sh->node.text, sh->node.len);
        tmpl[sh->node.len + 1] = '}';
        tmpl[sh->node.len + 2] = 0;
        pal_node msg = {0};
        msg.kind = N_STR;
        msg.text = tmpl;
        msg.len = sh->node.len + 2;
        /* the hole's own place, less its braces, so a message points at it */
        msg.loc = sh->node.loc;
        if (msg.loc.begin) msg.loc.begin--;
        sh->capture = (uint16_t)cg_add_outcome(cc, ri, PE_ALLOW, b->severity, sh->node.loc, &msg, "");
    }
    cg_start_code(cc, ri);
    cg_expr(cc, st->expr);
    cg_emit_if(cc, 0, st->expr->loc);
    cg_end_rule(cc, ri);
    return true;
}

static bool add_part(pal_cc *cc, pal_seqpart part)
{
    pal_program *p = cc->p;
    if (!GROW(cc, p->seqparts, p->nseqparts, cc->cap_seqparts)) { cc->gen_failed = true; return false; }
    p->seqparts[p->nseqparts++] = part;
    return true;
}

/* The pal_seq record, once every step rule exists. */
static void gen_record(pal_cc *cc, seq_build *b, int type, int64_t threshold, pal_step *const *all)
{
    pal_program *p = cc->p;
    if (!GROW(cc, p->seqs, p->nseqs, cc->cap_seqs)) { cc->gen_failed = true; return; }
    pal_seq *q = &p->seqs[p->nseqs];
    memset(q, 0, sizeof *q);
    q->type = (uint8_t)type;
    q->nsteps = (uint8_t)b->nsteps;
    q->has_until = b->nall > b->nsteps;
    q->nkeys = (uint8_t)b->nkeys;
    q->effect = (uint8_t)b->effect;
    q->severity = (uint8_t)b->severity;
    q->step_first = b->step_first;
    q->within = b->d->within;
    q->threshold = threshold;
    q->part_first = p->nseqparts;
    for (uint32_t s = 0; s < b->nall; s++) {
        pal_node *by = all[s]->by ? all[s]->by : b->d->by;
        for (uint32_t k = 0; k < b->nkeys; k++)
            if (!add_part(cc, (pal_seqpart){SQP_KEY, (uint8_t)s, (uint16_t)by->items[k]->field, {0, 0}})) return;
    }
    if (type == PQ_DISTINCT && !add_part(cc, (pal_seqpart){SQP_DISTINCT, 0, (uint16_t)b->distinct_field, {0, 0}}))
        return;
    uint32_t h = 0;
    for (uint32_t i = 0; i < b->nparts; i++) {
        pal_seqpart part = {0};
        if (b->parts[i].kind == N_STR) {
            part.kind = SQP_TEXT;
            part.text = cg_add_string(cc, b->parts[i].text, b->parts[i].len);
        } else {
            seq_hole *sh = &b->holes[h++];
            part.kind = SQP_CAPTURE;
            part.step = (uint8_t)sh->step;
            part.index = sh->capture;
        }
        if (!add_part(cc, part)) return;
    }
    q->nparts = p->nseqparts - q->part_first;
    p->nseqs++;
}

/* Splits the message (default: the declaration's name) into parts and
   assigns each hole its step. */
static bool split_message(pal_cc *cc, seq_build *b)
{
    pal_decl *d = b->d;
    pal_node *msg;
    cg_attr_str(d, "message", &msg);
    if (msg && msg->kind != N_STR) { pal_cc_error(cc, "PAL0205", msg->loc, NULL, "a message is a string"); msg = NULL; }
    pal_node dflt = {0};
    if (!msg) {
        dflt.kind = N_STR;
        dflt.text = d->name;
        dflt.len = (uint32_t)strlen(d->name);
        dflt.loc = d->name_loc;
        msg = &dflt;
    }
    unsigned before = cc->diags.errors;
    b->parts = pal_message_holes(cc, msg, &b->nparts);
    if (cc->diags.errors != before) return false;
    b->holes = pal_arena_alloc(&cc->arena, (b->nparts + 1) * sizeof *b->holes);
    if (!b->holes) { cc->gen_failed = true; return false; }
    for (uint32_t i = 0; i < b->nparts; i++) {
        if (b->parts[i].kind != N_NAME) continue;
        seq_hole *sh = &b->holes[b->nholes++];
        memset(sh, 0, sizeof *sh);
        sh->part = i;
        sh->step = hole_step(b, &b->parts[i], &sh->node);
    }
    return true;
}

static bool check_window(pal_cc *cc, pal_decl *d, const char *what)
{
    if (!d->has_within) {
        pal_cc_error(cc, "PAL0204", d->name_loc, "add `within DURATION`, e.g. `within 5m`", "%s '%s' has no `within` window",
                     what, d->name);
        return false;
    }
    if (d->within <= 0 || d->within > PAL_MAX_SEQ_WITHIN) {
        pal_cc_error(cc, "PAL0315", d->within_loc, "a window is 1ms to 7d", "window of %lld ms is out of range",
                     (long long)d->within);
        return false;
    }
    return true;
}

static bool seq_attrs(pal_cc *cc, pal_decl *d, seq_build *b)
{
    cg_check_attrs(cc, d);
    b->effect = cg_effect_attr(cc, d, PE_ALERT);
    b->severity = cg_severity_of(cc, d, SEV_MEDIUM);
    return true;
}

void cg_sequence(pal_cc *cc, pal_decl *d)
{
    seq_build b = {0};
    b.d = d;
    b.distinct_field = -1;
    seq_attrs(cc, d, &b);
    bool ok = check_window(cc, d, "sequence");
    if (d->nsteps < 2 || d->nsteps > PAL_MAX_SEQ_STEPS) {
        pal_cc_error(cc, "PAL0315", d->name_loc,
                     d->nsteps < 2 ? "a chain has 2 to 16 steps; one event is a `rule`" : "a chain has 2 to 16 steps",
                     "sequence '%s' has %u step%s", d->name, d->nsteps, d->nsteps == 1 ? "" : "s");
        return;
    }
    b.nsteps = d->nsteps;
    b.nall = d->nsteps + (d->until ? 1 : 0);
    b.steps = pal_arena_alloc(&cc->arena, b.nall * sizeof *b.steps);
    if (!b.steps) { cc->gen_failed = true; return; }
    uint32_t i = 0;
    for (pal_step *s = d->steps; s; s = s->next) b.steps[i++] = s;
    if (d->until) b.steps[i++] = d->until;
    for (uint32_t s = 0; s < b.nsteps; s++)
        for (uint32_t t = 0; t < s; t++)
            if (b.steps[s]->name && b.steps[t]->name && !strcmp(b.steps[s]->name, b.steps[t]->name)) {
                pal_cc_error(cc, "PAL0315", b.steps[s]->name_loc, "give each step its own name",
                             "a second step named '%s'", b.steps[s]->name);
                ok = false;
            }
    if (!split_message(cc, &b) || !ok) return;
    for (uint32_t s = 0; s < b.nall; s++)
        if (!gen_step(cc, &b, s)) ok = false;
    if (!ok) return;
    gen_record(cc, &b, d->unordered ? PQ_UNORDERED : PQ_SEQUENCE, 0, b.steps);
}

/* A rule with `count [distinct F] >= N [by ...] within D`: one step, its
   own condition. */
void cg_counting_rule(pal_cc *cc, pal_decl *d)
{
    seq_build b = {0};
    b.d = d;
    b.distinct_field = -1;
    seq_attrs(cc, d, &b);
    if (!d->expr) {
        pal_cc_error(cc, "PAL0204", d->name_loc, "add `when CONDITION`", "rule '%s' has no `when` condition", d->name);
        return;
    }
    bool ok = check_window(cc, d, "rule");
    if (d->threshold < 1 || d->threshold > PAL_MAX_SEQ_THRESHOLD) {
        pal_cc_error(cc, "PAL0315", d->count_loc, "count to between 1 and 1000", "count of %lld is out of range",
                     (long long)d->threshold);
        ok = false;
    }
    pal_step st = {0};
    st.loc = d->loc;
    st.kinds = d->kinds;
    st.has_kinds = d->has_kinds;
    st.kinds_loc = d->kinds_loc;
    st.expr = d->expr;
    st.expr_kw_loc = d->expr_kw_loc;
    pal_step *all[1] = {&st};
    b.steps = all;
    b.nsteps = b.nall = 1;
    if (!split_message(cc, &b) || !ok) return;
    if (!gen_step(cc, &b, 0)) return;
    if (d->count_kind == CNT_DISTINCT) {
        /* the counted field, in the step's kinds (gen_step left them in cc) */
        pal_type t = pal_check_expr(cc, d->distinct);
        if (t.kind == T_ERROR) return;
        if (d->distinct->ref != REF_FIELD || t.kind == T_LIST || t.kind == T_RECORDS || t.kind == T_RECORD) {
            pal_cc_error(cc, "PAL0316", d->distinct->loc, "count the values of a field holding one value: destination.ip",
                         "'%.*s' cannot be counted: it is not an event field holding one value",
                         (int)d->distinct->len, d->distinct->text);
            return;
        }
        b.distinct_field = d->distinct->field;
    }
    gen_record(cc, &b, d->count_kind == CNT_DISTINCT ? PQ_DISTINCT : PQ_COUNT, d->threshold, all);
}

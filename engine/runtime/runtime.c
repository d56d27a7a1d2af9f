/* runtime.c — see runtime.h.
 *
 * The second level of the rule index (engine/runtime/index.h) sits under the kind
 * dispatch: for an event, the rules to run of kind k are the index's
 * "always run" list for k merged, in rule order, with the indexed rules
 * whose keys the event's values hit.  Running them in rule order is what
 * keeps firewall first-match and effect combination exactly as they are
 * without the index; the index only leaves out rules it has proven cannot
 * match.  PALISADE_INDEX=0 in the environment, or pal_runtime_set_index(rt,
 * false), decides without it (the differential tests compare both).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "engine/runtime/runtime.h"
#include "engine/runtime/decision.h"
#include "engine/runtime/index.h"
#include "engine/runtime/checks.h"
#include "engine/runtime/seq.h"
#include "engine/base/strbuf.h"
#include "engine/base/limits.h"
#include "engine/core/schema.h"

struct pal_runtime {
    const pal_program *p;
    pal_vm *vm;
    uint32_t *by_kind[PAL_NKINDS];   /* rules per event kind bit */
    uint32_t nby_kind[PAL_NKINDS];
    uint32_t *checks;
    uint32_t nchecks;
    pal_match *matches;
    uint32_t cap_matches;
    char *msgbuf;           /* messages of the current decision */
    size_t msgcap, msglen;
    pal_index *ix;          /* NULL: built lazily, or out of memory */
    pal_index_scratch *scratch;
    uint32_t *hits;         /* candidates of the current event, sorted */
    bool use_index;
    uint64_t rules_run;
    /* correlations: which step each rule is (UINT32_MAX: none), the state,
       the current event's step hits and what their captures rendered */
    uint32_t *step_seq;
    uint8_t *step_no;
    struct pal_seqstate *seq;
    uint64_t event_id;
    int64_t clock;
    /* cap_off CAP_LAZY: not rendered yet; scratch: the VM's scratch in use after the step's run */
    struct step_hit { uint32_t rule; uint32_t cap_off, cap_len; uint8_t reading; size_t scratch; } *hits_step;
    uint32_t nhits_step, cap_hits_step;
    /* the step rules left unrun this event (no partial match waits for
       their step: run_event_rule), in rule order; may_skip: this event's
       can be (one reading, a state here) */
    uint32_t *skipped;
    uint32_t nskipped;
    bool may_skip;
    char *capbuf;
    size_t capcap, caplen;
    uint64_t *memberbuf;
    size_t membercap, memberlen;
    const pal_event *reading_ev;   /* during decide_into */
    uint8_t reading;
    int ts_field;
    unsigned char *keybuf;         /* the group keys of one correlation's hits */
    /* deferred (engine/runtime/workers.h): the hits are kept for
       pal_runtime_export_hits, not applied; applying others' hits maps the
       correlations of the program that made them to this one's by digest */
    bool defer;
    const pal_program *map_from;
    uint32_t *map;
};

/* The index and its per-event scratch; false when out of memory. */
static bool ensure_index(pal_runtime *rt)
{
    if (rt->ix) return true;
    uint32_t n = rt->p->nrules ? rt->p->nrules : 1;
    if (!rt->hits) rt->hits = malloc(n * sizeof *rt->hits);
    if (!rt->hits) return false;
    rt->ix = pal_index_build(rt->p);
    if (rt->ix) rt->scratch = pal_index_scratch_new(rt->ix);
    if (!rt->scratch) { pal_index_free(rt->ix); rt->ix = NULL; }
    return rt->ix != NULL;
}

static bool index_wanted_by_env(void)
{
    const char *e = getenv("PALISADE_INDEX");
    return !(e && (!strcmp(e, "0") || !strcmp(e, "off") || !strcmp(e, "no")));
}

pal_runtime *pal_runtime_new(const pal_program *p)
{
    pal_runtime *rt = calloc(1, sizeof *rt);
    if (!rt) return NULL;
    rt->p = p;
    rt->vm = pal_vm_new(p);
    for (unsigned k = 0; k < PAL_NKINDS; k++) rt->by_kind[k] = calloc(p->nrules + 1, sizeof(uint32_t));
    rt->checks = calloc(p->nrules + 1, sizeof(uint32_t));
    rt->cap_matches = 64;
    rt->matches = malloc(rt->cap_matches * sizeof *rt->matches);
    rt->msgcap = 16 * (PAL_MAX_MESSAGE_BYTES + 1);
    rt->msgbuf = malloc(rt->msgcap);
    if (!rt->vm || !rt->checks || !rt->matches || !rt->msgbuf) { pal_runtime_free(rt); return NULL; }
    for (unsigned k = 0; k < PAL_NKINDS; k++) if (!rt->by_kind[k]) { pal_runtime_free(rt); return NULL; }
    for (uint32_t i = 0; i < p->nrules; i++) {
        const pal_rule *r = &p->rules[i];
        if (r->root == PS_IMAGE) { rt->checks[rt->nchecks++] = i; continue; }
        for (unsigned k = 0; k < PAL_NKINDS; k++)
            if (r->kinds & (1u << k)) rt->by_kind[k][rt->nby_kind[k]++] = i;
    }
    if (p->nseqs) {
        rt->step_seq = malloc((p->nrules + 1) * sizeof *rt->step_seq);
        rt->step_no = calloc(p->nrules + 1, 1);
        rt->seq = pal_seqstate_new(p, NULL);
        rt->keybuf = malloc((size_t)(PAL_MAX_SEQ_STEPS + 1) * PAL_SEQ_KEY_MAX);
        rt->skipped = malloc((p->nrules + 1) * sizeof *rt->skipped);
        if (!rt->step_seq || !rt->step_no || !rt->seq || !rt->keybuf || !rt->skipped) { pal_runtime_free(rt); return NULL; }
        for (uint32_t i = 0; i < p->nrules; i++) rt->step_seq[i] = UINT32_MAX;
        for (uint32_t q = 0; q < p->nseqs; q++)
            for (uint32_t st = 0; st < (uint32_t)p->seqs[q].nsteps + p->seqs[q].has_until; st++) {
                rt->step_seq[p->seqs[q].step_first + st] = q;
                rt->step_no[p->seqs[q].step_first + st] = (uint8_t)st;
            }
    }
    rt->ts_field = pal_seq_time_field();
    /* Without memory for the index the runtime still decides, rule by rule. */
    rt->use_index = index_wanted_by_env() && ensure_index(rt);
    return rt;
}

void pal_runtime_set_event(pal_runtime *rt, uint64_t id, int64_t clock_ms)
{
    rt->event_id = id;
    rt->clock = clock_ms;
}

struct pal_seqstate *pal_runtime_seqstate(const pal_runtime *rt) { return rt->seq; }

struct pal_seqstate *pal_runtime_take_seqstate(pal_runtime *rt)
{
    struct pal_seqstate *s = rt->seq;
    rt->seq = NULL;
    return s;
}

void pal_runtime_put_seqstate(pal_runtime *rt, struct pal_seqstate *s)
{
    if (rt->seq != s) pal_seqstate_free(rt->seq);
    rt->seq = s;
}

bool pal_runtime_set_index(pal_runtime *rt, bool on)
{
    rt->use_index = on && ensure_index(rt);
    return rt->use_index;
}

const pal_index *pal_runtime_index(const pal_runtime *rt) { return rt->ix; }

uint64_t pal_runtime_rules_run(const pal_runtime *rt) { return rt->rules_run; }

void pal_runtime_free(pal_runtime *rt)
{
    if (!rt) return;
    pal_vm_free(rt->vm);
    for (unsigned k = 0; k < PAL_NKINDS; k++) free(rt->by_kind[k]);
    free(rt->checks);
    free(rt->matches);
    free(rt->msgbuf);
    pal_index_scratch_free(rt->scratch);
    pal_index_free(rt->ix);
    free(rt->hits);
    free(rt->step_seq);
    free(rt->step_no);
    pal_seqstate_free(rt->seq);
    free(rt->hits_step);
    free(rt->skipped);
    free(rt->capbuf);
    free(rt->memberbuf);
    free(rt->keybuf);
    free(rt->map);
    free(rt);
}

const pal_program *pal_runtime_program(const pal_runtime *rt) { return rt->p; }

/* Room for need more bytes in the decision's message buffer: it doubles,
   or grows to fit. */
static int msg_room(pal_runtime *rt, size_t need)
{
    if (rt->msglen + need <= rt->msgcap) return 0;
    size_t nc = rt->msgcap * 2 > rt->msglen + need ? rt->msgcap * 2 : rt->msglen + need;
    char *nb = realloc(rt->msgbuf, nc);
    if (!nb) return -1;
    rt->msgbuf = nb;
    rt->msgcap = nc;
    return 0;
}

/* A copy of text (a correlation's or a check's message) in the decision's
   buffer: its offset there, or SIZE_MAX when out of memory. */
static size_t keep_message(pal_runtime *rt, const char *text)
{
    size_t len = strlen(text), off = rt->msglen;
    if (msg_room(rt, len + 1) != 0) return SIZE_MAX;
    memcpy(rt->msgbuf + off, text, len + 1);
    rt->msglen += len + 1;
    return off;
}

/* Renders the message of emit e into the decision's buffer; returns its
   offset there.  The buffer grows as needed, so messages are kept as
   offsets until the decision is complete (finish()). */
static size_t render(pal_runtime *rt, uint32_t rule, const pal_record *root, const pal_emit *e)
{
    if (msg_room(rt, PAL_MAX_MESSAGE_BYTES + 1) != 0) return SIZE_MAX;
    size_t off = rt->msglen;
    size_t n = pal_vm_render(rt->vm, rule, root, e, rt->msgbuf + off, PAL_MAX_MESSAGE_BYTES + 1);
    rt->msglen += n + 1;
    return off;
}

/* One more match fits in the decision (the array doubles; d points at it). */
static int room_for_match(pal_runtime *rt, pal_decision *d)
{
    if (d->nmatches < rt->cap_matches) return 0;
    pal_match *nm = realloc(rt->matches, rt->cap_matches * 2 * sizeof *nm);
    if (!nm) return -1;
    rt->matches = nm;
    rt->cap_matches *= 2;
    d->matches = nm;
    return 0;
}

/* The decision's next match (room_for_match made room), its message at
   msg_off in the buffer; no members (a correlation sets them). */
static pal_match *next_match(pal_runtime *rt, pal_decision *d, uint32_t rule, uint32_t outcome, uint8_t effect,
                             uint8_t severity, size_t msg_off)
{
    pal_match *m = &rt->matches[d->nmatches++];
    *m = (pal_match){.rule = rule, .outcome = outcome, .effect = effect, .severity = severity, .message_off = msg_off};
    return m;
}

static int collect(pal_runtime *rt, uint32_t rule, const pal_record *root, pal_decision *d)
{
    uint32_t n = pal_vm_nemits(rt->vm);
    for (uint32_t i = 0; i < n; i++) {
        const pal_emit *e = pal_vm_emit(rt->vm, i);
        const pal_outcome *o = &rt->p->outcomes[e->outcome];
        if (o->effect == PE_ALLOW) continue;
        if (room_for_match(rt, d) != 0) return -1;
        size_t off = render(rt, rule, root, e);
        if (off == SIZE_MAX) return -1;
        next_match(rt, d, rule, e->outcome, o->effect, o->severity, off);
        if (o->effect != PE_FAIL && o->effect > d->effect) d->effect = o->effect;
    }
    return 0;
}

/* The buffer no longer moves: turn offsets into pointers. */
static void finish(pal_runtime *rt, pal_decision *d)
{
    for (uint32_t i = 0; i < d->nmatches; i++) {
        d->matches[i].message = rt->msgbuf + d->matches[i].message_off;
        if (d->matches[i].nmembers) d->matches[i].members = rt->memberbuf + d->matches[i].members_off;
    }
}

static void begin(pal_runtime *rt, pal_decision *d)
{
    memset(d, 0, sizeof *d);
    d->effect = PE_ALLOW;
    d->matches = rt->matches;
    rt->msglen = 0;
    rt->nhits_step = 0;
    rt->nskipped = 0;
    rt->may_skip = false;
    rt->caplen = 0;
    rt->memberlen = 0;
}

/* The strongest effect rule r can report (PE_ALLOW if it reports none). */
int pal_rule_strongest_effect(const pal_program *p, uint32_t r)
{
    const pal_rule *rule = &p->rules[r];
    int e = PE_ALLOW;
    for (uint32_t i = 0; i < rule->noutcomes; i++) {
        int oe = p->outcomes[rule->outcome_first + i].effect;
        if (oe != PE_FAIL && oe > e) e = oe;
    }
    return e;
}

/* A rule that stops before its end (out of budget; a stack overflow or a
   fault cannot happen to a verified program, but are treated alike) has not
   decided the event.  Evaluation must never turn into a silent allow (an
   attacker who can make a rule slow, say with a long command line under a
   Windows `contains`, would walk past it), so the decision fails closed: it
   takes the strongest effect the stopped rule could have reported, keeps
   the matches found so far, and says in "error" which rule stopped and why. */
static int step_hit(pal_runtime *rt, uint32_t r, const pal_event *ev);

/* A later step (or an until) that no partial match waits for cannot change
   the state: its rule is left unrun (most events of a kind hit some step
   that no group has reached; a sequence's later step is often the costly
   one, "connects to a public address").  Whether the event satisfied a
   step at all still moves the watermark (seq.h), so when no step it ran
   held, the ones left are run after all (pal_decide_event); one reading
   only, as the other's hits could be waited for once the first's apply. */
static bool skip_step(const pal_runtime *rt, uint32_t r)
{
    if (!rt->may_skip || rt->p->rules[r].kind != PR_STEP) return false;
    uint32_t q = rt->step_seq[r];
    return !((pal_seqstate_wanted(rt->seq, q) >> rt->step_no[r]) & 1u);
}

static int run_event_rule(pal_runtime *rt, uint32_t r, const pal_event *ev, pal_decision *d)
{
    if (skip_step(rt, r)) {
        rt->skipped[rt->nskipped++] = r;
        return 0;
    }
    rt->rules_run++;
    int rc = pal_vm_run(rt->vm, r, &ev->rec, PAL_VM_BUDGET_EVENT);
    if (rc != PAL_VM_OK) {
        if (!d->vm_error) { d->vm_error = rc; d->vm_error_rule = r; }
        int e = pal_rule_strongest_effect(rt->p, r);
        if (e > d->effect) d->effect = e;
    }
    if (rt->p->rules[r].kind == PR_STEP) return rc == PAL_VM_OK && pal_vm_nemits(rt->vm) ? step_hit(rt, r, ev) : 0;
    return collect(rt, r, &ev->rec, d);
}

/* ---- correlations ---- */

#define CAP_LAZY UINT32_MAX

/* Rule r's captures rendered from rec at the end of rt->capbuf (the VM's
   scratch as it was after the rule's run: scratch); their offset and
   length in *off, *len.  -1 when out of memory. */
static int render_captures(pal_runtime *rt, uint32_t r, const pal_record *rec, size_t scratch, uint32_t *off,
                           uint32_t *len)
{
    const pal_rule *rule = &rt->p->rules[r];
    size_t need = (size_t)(rule->noutcomes ? rule->noutcomes - 1 : 0) * (PAL_MAX_MESSAGE_BYTES + 1);
    if (rt->caplen + need > rt->capcap) {
        size_t nc = rt->capcap * 2 > rt->caplen + need ? rt->capcap * 2 : rt->caplen + need + 4096;
        char *nb = realloc(rt->capbuf, nc);
        if (!nb) return -1;
        rt->capbuf = nb;
        rt->capcap = nc;
    }
    *off = (uint32_t)rt->caplen;
    for (uint32_t o = 1; o < rule->noutcomes; o++) {
        pal_emit e = {rule->outcome_first + o, 0, NULL};
        char *at = rt->capbuf + rt->caplen;
        size_t n = pal_vm_render_at(rt->vm, scratch, r, rec, &e, at, PAL_MAX_MESSAGE_BYTES + 1);
        if (n > PAL_MAX_SEQ_CAPTURE) {
            /* cut on a character boundary, ending with "…" like a message */
            n = PAL_MAX_SEQ_CAPTURE - 3;
            while (n > 0 && ((unsigned char)at[n] & 0xc0) == 0x80) n--;
            memcpy(at + n, "\xe2\x80\xa6", 3);
            n += 3;
        }
        at[n] = 0;
        rt->caplen += n + 1;
    }
    *len = (uint32_t)(rt->caplen - *off);
    return 0;
}

/* A step rule held: note it.  Its captures are rendered now when the hits
   go to another thread (the event is gone when the chain completes), else
   left until the state asks for them (pal_seq_hits.lazy: most hits of a
   later step find no partial, and a count keeps its captures only when it
   completes), from the same record, with the VM's scratch as the run left
   it.  A step of the second reading of a line that the first already hit
   is not noted again. */
static int step_hit(pal_runtime *rt, uint32_t r, const pal_event *ev)
{
    if (!rt->seq && !rt->defer) return 0;
    for (uint32_t i = 0; i < rt->nhits_step; i++)
        if (rt->hits_step[i].rule == r) return 0;
    if (rt->nhits_step == rt->cap_hits_step) {
        uint32_t nc = rt->cap_hits_step ? rt->cap_hits_step * 2 : 16;
        struct step_hit *nh = realloc(rt->hits_step, nc * sizeof *nh);
        if (!nh) return -1;
        rt->hits_step = nh;
        rt->cap_hits_step = nc;
    }
    struct step_hit *h = &rt->hits_step[rt->nhits_step];
    h->rule = r;
    h->reading = rt->reading;
    h->scratch = pal_vm_scratch_mark(rt->vm);
    h->cap_off = CAP_LAZY;
    h->cap_len = 0;
    if (rt->defer && render_captures(rt, r, &ev->rec, h->scratch, &h->cap_off, &h->cap_len) != 0) return -1;
    rt->nhits_step++;
    return 0;
}

/* pal_seq_hits.render for the hits each_correlation gives the state. */
typedef struct lazy_caps {
    pal_runtime *rt;
    const pal_record *rec;
    uint32_t rule[PAL_MAX_SEQ_STEPS + 1];
    size_t scratch[PAL_MAX_SEQ_STEPS + 1];
} lazy_caps;

static const char *render_lazy(void *ctx, uint32_t step, uint32_t *len)
{
    lazy_caps *lc = ctx;
    uint32_t off;
    if (step <= PAL_MAX_SEQ_STEPS && lc->rt->p->rules[lc->rule[step]].noutcomes <= 1) {
        *len = 0;   /* a step without captures (no message names its fields) */
        return "";
    }
    if (step > PAL_MAX_SEQ_STEPS || render_captures(lc->rt, lc->rule[step], lc->rec, lc->scratch[step], &off, len) != 0)
        return NULL;
    return *len ? lc->rt->capbuf + off : "";   /* a step without captures: capbuf may be NULL */
}

typedef struct seq_sink { pal_runtime *rt; pal_decision *d; } seq_sink;

static int seq_matched(void *user, const pal_seq_match *m)
{
    seq_sink *k = user;
    pal_runtime *rt = k->rt;
    pal_decision *d = k->d;
    const pal_seq *q = &rt->p->seqs[m->seq];
    if (room_for_match(rt, d) != 0) return -1;
    if (rt->memberlen + m->nmembers > rt->membercap) {
        size_t nc = rt->membercap * 2 > rt->memberlen + m->nmembers ? rt->membercap * 2 : rt->memberlen + m->nmembers + 64;
        uint64_t *nb = realloc(rt->memberbuf, nc * sizeof *nb);
        if (!nb) return -1;
        rt->memberbuf = nb;
        rt->membercap = nc;
    }
    size_t msg_off = keep_message(rt, m->message);
    if (msg_off == SIZE_MAX) return -1;
    memcpy(rt->memberbuf + rt->memberlen, m->members, m->nmembers * sizeof *m->members);
    pal_match *x = next_match(rt, d, q->step_first, rt->p->rules[q->step_first].outcome_first, q->effect, q->severity,
                              msg_off);
    x->nmembers = m->nmembers;
    x->members_off = rt->memberlen;
    x->revision = pal_seq_digest(rt->p, m->seq);
    rt->memberlen += m->nmembers;
    if (q->effect > d->effect) d->effect = q->effect;
    return 0;
}

/* The event's step hits, correlation by correlation, with their group
   keys made from the record of the reading of the line that hit them;
   fn(h) for each correlation with a step left. */
static int each_correlation(pal_runtime *rt, const pal_event *ev, int (*fn)(pal_runtime *, const pal_seq_hits *, void *),
                            void *user)
{
    for (uint8_t reading = 0; reading < 2; reading++) {
        const pal_event *rev = reading ? ev->other : ev;
        if (!rev) break;
        for (uint32_t i = 0; i < rt->nhits_step;) {
            uint32_t q = rt->step_seq[rt->hits_step[i].rule];
            pal_seq_hits h;
            memset(&h, 0, sizeof h);
            h.seq = q;
            lazy_caps lc;
            lc.rt = rt;
            lc.rec = &rev->rec;
            uint32_t j = i;
            for (; j < rt->nhits_step && rt->step_seq[rt->hits_step[j].rule] == q; j++) {
                const struct step_hit *sh = &rt->hits_step[j];
                if (sh->reading != reading) continue;
                uint8_t st = rt->step_no[sh->rule];
                h.steps |= 1u << st;
                if (sh->cap_off == CAP_LAZY) {
                    h.lazy |= 1u << st;
                    lc.rule[st] = sh->rule;
                    lc.scratch[st] = sh->scratch;
                } else {
                    h.captures[st] = rt->capbuf + sh->cap_off;
                    h.caplen[st] = sh->cap_len;
                }
            }
            if (h.lazy) {
                h.render = render_lazy;
                h.render_ctx = &lc;
            }
            i = j;
            if (rt->seq) h.steps &= pal_seqstate_wanted(rt->seq, q);
            if (!h.steps) continue;
            pal_seq_hit_keys(rt->p, &h, &rev->rec, rt->keybuf);
            if (h.steps && fn(rt, &h, user) != 0) return -1;
        }
    }
    return 0;
}

/* The event is begun with the state (its time, the watermark, expiry)
   once its first correlation's keys are made, so the table lines those
   keys look up load while expiry runs (pal_seqstate_prefetch). */
typedef struct apply_ctx {
    seq_sink sink;
    bool has_time, begun, late;
    int64_t ts, t;
} apply_ctx;

static void begin_event(pal_runtime *rt, apply_ctx *c)
{
    c->t = pal_seqstate_begin(rt->seq, c->has_time, c->ts, rt->clock, &c->late);
    c->begun = true;
}

static int apply_one(pal_runtime *rt, const pal_seq_hits *h, void *user)
{
    apply_ctx *c = user;
    if (!c->begun) {
        pal_seqstate_prefetch(rt->seq, h);
        begin_event(rt, c);
    }
    if (c->late) return 0;
    return pal_seqstate_apply(rt->seq, rt->event_id, c->t, h, seq_matched, &c->sink);
}

static int decide_correlations(pal_runtime *rt, const pal_event *ev, pal_decision *d)
{
    if (!rt->seq || !rt->nhits_step || rt->defer) return 0;
    apply_ctx c = {{rt, d}, false, false, false, 0, 0};
    c.has_time = pal_seq_record_time(&ev->rec, rt->ts_field, &c.ts);
    int rc = each_correlation(rt, ev, apply_one, &c);
    /* an event that satisfied a step moves the watermark, keys or not */
    if (!c.begun) begin_event(rt, &c);
    return rc;
}

/* ---- correlations decided elsewhere (engine/runtime/workers.h) ----
 *
 * The hits of one event as bytes, little-endian, made and read by this
 * file alone (in one process, so read without the checks a file gets):
 *   1 has a time, 8 the time, then per correlation hit:
 *   4 correlation, 4 steps, 8 value hash, and per step set, ascending:
 *   4 key bytes, the key, 4 capture bytes, the captures. */

void pal_runtime_defer_correlations(pal_runtime *rt)
{
    rt->defer = rt->p->nseqs != 0;
    if (rt->defer) {
        pal_seqstate_free(rt->seq);
        rt->seq = NULL;
    }
}

static void put_le(pal_strbuf *b, uint64_t v, unsigned n)
{
    char c[8];
    for (unsigned i = 0; i < n; i++) c[i] = (char)(v >> (8 * i));
    pal_strbuf_append(b, c, n);
}

static int export_one(pal_runtime *rt, const pal_seq_hits *h, void *user)
{
    pal_strbuf *out = user;
    const pal_seq *q = &rt->p->seqs[h->seq];
    put_le(out, h->seq, 4);
    put_le(out, h->steps, 4);
    put_le(out, h->vhash, 8);
    for (uint32_t j = 0; j <= q->nsteps; j++) {
        if (!(h->steps & (1u << j))) continue;
        put_le(out, h->keylen[j], 4);
        pal_strbuf_append(out, (const char *)h->keys[j], h->keylen[j]);
        put_le(out, h->captures[j] ? h->caplen[j] : 0, 4);
        if (h->captures[j]) pal_strbuf_append(out, h->captures[j], h->caplen[j]);
    }
    return out->failed ? -1 : 0;
}

bool pal_runtime_has_hits(const pal_runtime *rt) { return rt->defer && rt->nhits_step; }

int pal_runtime_export_hits(pal_runtime *rt, const pal_event *ev, pal_strbuf *out)
{
    if (!rt->defer || !rt->nhits_step) return 0;
    size_t mark = out->len;
    int64_t ts = 0;
    bool has_time = pal_seq_record_time(&ev->rec, rt->ts_field, &ts);
    put_le(out, has_time, 1);
    put_le(out, (uint64_t)ts, 8);
    if (each_correlation(rt, ev, export_one, out) != 0 || out->failed) {
        pal_strbuf_truncate(out, mark);
        out->failed = false;
        return -1;
    }
    return 1;
}

static uint64_t get_le(const unsigned char *b, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++) v |= (uint64_t)b[i] << (8 * i);
    return v;
}

/* from's correlation i -> this program's with the same digest (each taken once), or UINT32_MAX */
static int map_program(pal_runtime *rt, const pal_program *from)
{
    if (rt->map_from == from) return 0;
    uint32_t *map = realloc(rt->map, ((size_t)from->nseqs + 1) * sizeof *map);
    bool *taken = calloc((size_t)rt->p->nseqs + 1, sizeof *taken);
    if (!map || !taken) {
        free(taken);
        if (map) rt->map = map;
        rt->map_from = NULL;
        return -1;
    }
    rt->map = map;
    for (uint32_t i = 0; i < from->nseqs; i++) {
        map[i] = UINT32_MAX;
        if (from == rt->p) { map[i] = i; continue; }
        uint64_t dg = pal_seq_digest(from, i);
        for (uint32_t j = 0; j < rt->p->nseqs; j++)
            if (!taken[j] && pal_seq_digest(rt->p, j) == dg) { map[i] = j; taken[j] = true; break; }
    }
    free(taken);
    rt->map_from = from;
    return 0;
}

int pal_runtime_apply_hits(pal_runtime *rt, const pal_program *from, const void *hits, size_t len, uint64_t id,
                           int64_t clock, pal_decision *d)
{
    begin(rt, d);
    if (!rt->seq || len < 9) return 0;
    if (map_program(rt, from) != 0) return -1;
    const unsigned char *b = hits, *end = b + len;
    bool has_time = b[0] != 0;
    int64_t ts = (int64_t)get_le(b + 1, 8);
    b += 9;
    bool late;
    apply_ctx c = {{rt, d}, false, false, false, 0, 0};
    c.t = pal_seqstate_begin(rt->seq, has_time, ts, clock, &late);
    if (late) return 0;
    while (end - b >= 16) {
        pal_seq_hits h;
        memset(&h, 0, sizeof h);
        uint32_t from_seq = (uint32_t)get_le(b, 4);
        h.steps = (uint32_t)get_le(b + 4, 4);
        h.vhash = get_le(b + 8, 8);
        b += 16;
        if (from_seq >= from->nseqs) break;   /* cannot be: made by export_one */
        uint32_t nsteps = from->seqs[from_seq].nsteps;
        for (uint32_t j = 0; j <= nsteps; j++) {
            if (!(h.steps & (1u << j))) continue;
            if (end - b < 4) goto done;
            h.keylen[j] = (uint32_t)get_le(b, 4);
            b += 4;
            if ((size_t)(end - b) < h.keylen[j] + 4u) goto done;
            h.keys[j] = b;
            b += h.keylen[j];
            h.caplen[j] = (uint32_t)get_le(b, 4);
            b += 4;
            if ((size_t)(end - b) < h.caplen[j]) goto done;
            h.captures[j] = h.caplen[j] ? (const char *)b : NULL;
            b += h.caplen[j];
        }
        h.seq = rt->map[from_seq];
        if (h.seq == UINT32_MAX) continue;   /* the correlation changed or went with a reload */
        if (pal_seqstate_apply(rt->seq, id, c.t, &h, seq_matched, &c.sink) != 0) return -1;
    }
done:
    finish(rt, d);
    return 0;
}

/* A record the VM would refuse (no schema, the wrong one, no slots) makes
   every rule fail the same way; such an event takes the unindexed path so
   the error names the same rule it always did. */
static bool event_fits(const pal_event *ev)
{
    const pal_schema *s = ev->rec.schema;
    return s && s->id == PS_EVENT && (ev->rec.slots || s->nfields == 0);
}

static void sift_down(uint32_t *a, uint32_t root, uint32_t n)
{
    for (;;) {
        uint32_t child = 2 * root + 1;
        if (child >= n) return;
        if (child + 1 < n && a[child + 1] > a[child]) child++;
        if (a[root] >= a[child]) return;
        uint32_t t = a[root]; a[root] = a[child]; a[child] = t;
        root = child;
    }
}

/* Candidates into rule order: insertion sort for the usual handful, a heap
   sort (allocation-free, O(n log n)) when an event hits many rules. */
static void sort_u32(uint32_t *a, uint32_t n)
{
    if (n > 32) {
        for (uint32_t start = n / 2; start-- > 0;) sift_down(a, start, n);
        for (uint32_t end = n - 1; end > 0; end--) {
            uint32_t t = a[0]; a[0] = a[end]; a[end] = t;
            sift_down(a, 0, end);
        }
        return;
    }
    for (uint32_t i = 1; i < n; i++) {
        uint32_t v = a[i], j = i;
        while (j > 0 && a[j - 1] > v) { a[j] = a[j - 1]; j--; }
        a[j] = v;
    }
}

/* Runs the rules of the event's kinds on ev, adding to d. */
static int decide_into(pal_runtime *rt, const pal_event *ev, pal_decision *d)
{
    if (!rt->use_index || !event_fits(ev)) {
        for (unsigned k = 0; k < PAL_NKINDS; k++) {
            if (!(ev->kind & (1u << k))) continue;
            for (uint32_t i = 0; i < rt->nby_kind[k]; i++)
                if (run_event_rule(rt, rt->by_kind[k][i], ev, d) != 0) return -1;
        }
        return 0;
    }
    const uint32_t *found;
    uint32_t nh = pal_index_probe(rt->ix, &ev->rec, ev->kind, rt->scratch, &found);
    memcpy(rt->hits, found, nh * sizeof *found);
    sort_u32(rt->hits, nh);
    const pal_rule *rules = rt->p->rules;
    for (unsigned k = 0; k < PAL_NKINDS; k++) {
        unsigned bit = 1u << k;
        if (!(ev->kind & bit)) continue;
        uint32_t na, i = 0, j = 0;
        const uint32_t *always = pal_index_always(rt->ix, k, &na);
        /* merge two ascending lists; a hit of another kind is skipped */
        for (;;) {
            while (j < nh && !(rules[rt->hits[j]].kinds & bit)) j++;
            uint32_t r;
            if (i < na && (j >= nh || always[i] < rt->hits[j])) r = always[i++];
            else if (j < nh) r = rt->hits[j++];
            else break;
            if (run_event_rule(rt, r, ev, d) != 0) return -1;
        }
    }
    return 0;
}

/* Matches from `from` on that an earlier match repeats (same rule, outcome
   and message) are dropped: both readings of a line often agree. */
static void drop_repeats(pal_runtime *rt, pal_decision *d, uint32_t from)
{
    uint32_t n = from;
    for (uint32_t j = from; j < d->nmatches; j++) {
        const pal_match *m = &d->matches[j];
        bool seen = false;
        for (uint32_t i = 0; i < from && !seen; i++) {
            const pal_match *o = &d->matches[i];
            seen = o->rule == m->rule && o->outcome == m->outcome &&
                   strcmp(rt->msgbuf + o->message_off, rt->msgbuf + m->message_off) == 0;
        }
        if (!seen) d->matches[n++] = *m;
    }
    d->nmatches = n;
}

/* A line with a duplicate key comes as two readings (decode.h): both are
   decided, into one decision holding the matches of both, so the key
   cannot pick the reading a policy misses. */
int pal_decide_event(pal_runtime *rt, const pal_event *ev, pal_decision *d)
{
    begin(rt, d);
    d->originals = ev->originals;
    d->noriginals = ev->noriginals;
    rt->reading = 0;
    rt->may_skip = rt->seq && !rt->defer && !ev->other;
    if (decide_into(rt, ev, d) != 0) return -1;
    rt->may_skip = false;
    /* no step held: the steps left unrun decide whether one did (the
       watermark moves with it), in rule order, until one holds */
    for (uint32_t i = 0; i < rt->nskipped && !rt->nhits_step; i++)
        if (run_event_rule(rt, rt->skipped[i], ev, d) != 0) return -1;
    if (ev->other) {
        uint32_t first = d->nmatches;
        rt->reading = 1;
        if (decide_into(rt, ev->other, d) != 0) return -1;
        drop_repeats(rt, d, first);
    }
    if (decide_correlations(rt, ev, d) != 0) return -1;
    finish(rt, d);
    return 0;
}

/* pal_run_checks through the one check runner: every finding a match. */
typedef struct { pal_runtime *rt; pal_decision *d; } check_collect;

static int add_finding(void *user, const pal_check_finding *f)
{
    check_collect *c = user;
    pal_runtime *rt = c->rt;
    pal_decision *d = c->d;
    if (room_for_match(rt, d) != 0) return -1;
    size_t msg_off = keep_message(rt, f->message);
    if (msg_off == SIZE_MAX) return -1;
    next_match(rt, d, f->rule, f->outcome, PE_FAIL, f->severity, msg_off);
    return 0;
}

static int check_done(void *user, const pal_check_result *r)
{
    check_collect *c = user;
    if (r->vm_error != PAL_VM_OK && !c->d->vm_error) { c->d->vm_error = r->vm_error; c->d->vm_error_rule = r->rule; }
    return 0;
}

int pal_run_checks(pal_runtime *rt, const pal_record *inv, pal_decision *d)
{
    begin(rt, d);
    d->effect = PE_NONE;
    check_collect c = {rt, d};
    pal_check_sink sink = {add_finding, check_done, NULL, &c};
    if (pal_checks_run(rt->vm, rt->p, rt->checks, rt->nchecks, inv, &sink) != 0) return -1;
    finish(rt, d);
    return 0;
}

char *pal_decision_json(const pal_runtime *rt, const pal_decision *d, long line)
{
    pal_strbuf b;
    pal_strbuf_init(&b, 0);
    pal_decision_ctx c = {line, 0, false, NULL, false, 0, 0};
    if (pal_decision_write(&b, rt->p, d, &c) != 0) { pal_strbuf_free(&b); return NULL; }
    b.s[b.len - 1] = 0;   /* the newline */
    return b.s;
}

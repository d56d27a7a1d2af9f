/*
 * verify.c — proves a program safe to run before it ever runs.
 *
 * Design. The VM trusts the program: it indexes constants, matchers,
 * locals and the code without bounds checks on the hot path (it keeps only
 * cheap belt-and-braces checks).  That trust is earned here, once per load,
 * in three passes:
 *
 *   1. tables: every string reference lies inside the blob and is
 *      NUL-terminated; constants are scalars whose strings lie in the blob;
 *      matcher items are in range and well formed; rules, outcomes, message
 *      parts and metadata reference ranges that exist.
 *   2. instructions, chunk by chunk (a rule's code, and each message
 *      expression in the context of the rule that renders it): the opcode
 *      is known, unused operand bits are zero, every operand is in range and
 *      every jump lands inside the chunk, which ends in HALT.
 *   3. termination, over the same chunk (check_loops): the language always
 *      terminates, so its bytecode must too, and the per-event budget is a
 *      bound on time, not the thing that ends loops.  See below.
 *   4. stack depth, by abstract interpretation over the same chunk: starting
 *      at depth 0, each instruction's POP/PUSH columns give the depth after
 *      it; a worklist visits each instruction once and every other path
 *      into it must agree on the depth (so the VM's stack needs no runtime
 *      accounting beyond a guard).  A message expression must leave exactly
 *      one value at HALT.
 *
 * Termination.  The only loops the compiler emits are quantifiers (any, all,
 * count, and a check's per-element findings) over a field's collection:
 *
 *        ITER_INIT b            locals[b] = collection, locals[b+1] = 0
 *   L:   ITER_NEXT b -> E       next element to locals[b+2], or exit to E
 *        ... body ...           may JUMP or JUMP_IF_FALSE back to L
 *   E:
 *
 * The verifier accepts exactly that structure.  An ITER_NEXT at L with exit
 * E > L is a loop whose body is L+1..E-1; every jump goes forward except a
 * JUMP or JUMP_IF_FALSE from inside a body back to that body's ITER_NEXT;
 * bodies nest or are disjoint, never overlap; the collection and index
 * locals of an iterator (b, b+1) are written only by ITER_INIT b and
 * ITER_NEXT b, never by STORE_LOCAL or another iterator, and a body holds no
 * ITER_INIT b and no second ITER_NEXT b.  So while execution stays inside a
 * body, len(locals[b]) - locals[b+1] is fixed except at L, where each pass
 * either lowers it by one or leaves the loop (and a negative index is a VM
 * fault): a loop makes at most len+1 passes per entry.  By induction over
 * the nesting, inner loops end, code between loops only moves forward, and
 * every run of a verified chunk ends.
 *
 * The verifier is linear in the size of the program: each table entry is
 * checked once, and the total of instructions verified (chunks may be
 * shared, or overlap, in a hostile bundle) is capped by VERIFY_MAX_WORK.
 * Errors say what and where, with the rule's name, and indices relative to
 * the rule's code as the disassembler shows them.
 */
#include "engine/vm/verify.h"
#include "engine/vm/opcodes.h"
#include "engine/core/schema.h"
#include "engine/base/limits.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Ceiling on verification work (instructions, outcomes and message parts
   visited), so a bundle whose rules all point at the same huge ranges cannot
   make loading quadratic.  Four times the code limit leaves every honest
   program far below it. */
#define VERIFY_MAX_WORK ((uint64_t)PAL_MAX_CODE * 4u)

typedef struct vctx {
    const pal_program *p;
    char *err;
    size_t cap;
    uint64_t work;
    int32_t *depth;      /* per instruction of the chunk being verified; -1 unvisited */
    uint32_t *todo;      /* worklist */
    uint32_t *msg_done;  /* per message part: 1 + the last rule it was verified for */
    /* Where an error is, as messages say it ("rule 3 (\"name\")", and
       ": message of outcome 1, part 0"): the rule and part being verified
       are recorded, and the text is written into these buffers only when
       fail() needs it (formatting it for every rule of every load cost
       more than checking the rule did). */
    char where[128], mwhere[192];
    uint32_t where_rule, where_outcome, where_part;   /* where_rule UINT32_MAX: none */
} vctx;

static void rule_where(const pal_program *p, uint32_t i, char *out, size_t cap);

static int fail(vctx *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(vctx *v, const char *fmt, ...)
{
    if (v->where_rule != UINT32_MAX) {
        rule_where(v->p, v->where_rule, v->where, sizeof v->where);
        snprintf(v->mwhere, sizeof v->mwhere, "%s: message of outcome %u, part %u", v->where, v->where_outcome,
                 v->where_part);
    }
    if (v->err && v->cap) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(v->err, v->cap, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static bool str_ok(const pal_program *p, pal_str s)
{
    return (uint64_t)s.off + s.len < p->strings_len && p->strings[s.off + s.len] == '\0';
}

/* `rule 3 ("Shell under web server")`: names come from untrusted bundles,
   so control characters are masked and long names shortened. */
static void rule_where(const pal_program *p, uint32_t i, char *out, size_t cap)
{
    const pal_rule *r = &p->rules[i];
    if (!str_ok(p, r->name)) { snprintf(out, cap, "rule %u", i); return; }
    char name[72];
    const char *s = pal_program_str(p, r->name);
    size_t n = 0;
    for (uint32_t k = 0; k < r->name.len && n + 1 < sizeof name; k++) {
        if (k == 60) { memcpy(name + n, "...", 3); n += 3; break; }
        unsigned char c = (unsigned char)s[k];
        name[n++] = (c < 0x20 || c == 0x7f || c == '"') ? '?' : (char)c;
    }
    name[n] = '\0';
    snprintf(out, cap, "rule %u (\"%s\")", i, name);
}

static bool count_work(vctx *v, uint64_t n)
{
    v->work += n;
    return v->work <= VERIFY_MAX_WORK;
}

/* ---- pass 1: tables ---- */

static int check_arrays(vctx *v)
{
    const pal_program *p = v->p;
    struct { const void *ptr; uint32_t n; const char *what; } arrays[] = {
        {p->code, p->ncode, "code"}, {p->consts, p->nconsts, "constants"},
        {p->matchers, p->nmatchers, "matchers"}, {p->mitems, p->nmitems, "matcher items"},
        {p->rules, p->nrules, "rules"}, {p->outcomes, p->noutcomes, "outcomes"},
        {p->msgparts, p->nmsgparts, "message parts"}, {p->meta, p->nmeta, "metadata"},
        {p->sources, p->nsources, "sources"}, {p->strings, p->strings_len, "string blob"},
        {p->seqs, p->nseqs, "correlations"}, {p->seqparts, p->nseqparts, "correlation parts"},
        {p->ixrules, p->nixrules, "index hints"}, {p->ixatoms, p->nixatoms, "index hint atoms"},
    };
    for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++)
        if (arrays[i].n && !arrays[i].ptr)
            return fail(v, "program has %u %s but no array for them", arrays[i].n, arrays[i].what);
    if (p->nrules > PAL_MAX_RULES)
        return fail(v, "program has %u rules; the limit is %u (PAL_MAX_RULES)", p->nrules, PAL_MAX_RULES);
    if (p->ncode > PAL_MAX_CODE)
        return fail(v, "program has %u instructions; the limit is %u (PAL_MAX_CODE)", p->ncode, PAL_MAX_CODE);
    return 0;
}

static int check_strings(vctx *v)
{
    const pal_program *p = v->p;
    if (!str_ok(p, p->revision))
        return fail(v, "manifest: revision string %u+%u outside the string blob (%u bytes) or not NUL-terminated",
                    p->revision.off, p->revision.len, p->strings_len);
    for (uint32_t i = 0; i < p->nsources; i++)
        if (!str_ok(p, p->sources[i].path) || !str_ok(p, p->sources[i].sha256))
            return fail(v, "manifest: source %u: string outside the string blob or not NUL-terminated", i);
    for (uint32_t i = 0; i < p->nmeta; i++)
        if (!str_ok(p, p->meta[i].key) || !str_ok(p, p->meta[i].value))
            return fail(v, "metadata entry %u: string outside the string blob or not NUL-terminated", i);
    return 0;
}

static int check_consts(vctx *v)
{
    const pal_program *p = v->p;
    for (uint32_t i = 0; i < p->nconsts; i++) {
        const pal_value *c = &p->consts[i];
        switch (c->tag) {
        case PV_UNDEF: case PV_INT: case PV_IP:
            break;
        case PV_BOOL:
            if (c->u.i != 0 && c->u.i != 1)
                return fail(v, "constant %u: bool holds %lld, not 0 or 1", i, (long long)c->u.i);
            break;
        case PV_STR: {
            uintptr_t s = (uintptr_t)c->u.s, lo = (uintptr_t)p->strings;
            if (!p->strings || s < lo || s - lo > p->strings_len || c->len > p->strings_len - (s - lo))
                return fail(v, "constant %u: string of %u bytes outside the string blob", i, c->len);
            break;
        }
        default:
            return fail(v, "constant %u: type %u is not a scalar (undefined, bool, int, string, ip)", i, c->tag);
        }
    }
    return 0;
}

static int check_matchers(vctx *v)
{
    const pal_program *p = v->p;
    for (uint32_t i = 0; i < p->nmatchers; i++) {
        const pal_matcher *m = &p->matchers[i];
        if (m->kind < PM_STRSET || m->kind > PM_REGEX)
            return fail(v, "matcher %u: unknown kind %u", i, m->kind);
        if (m->flags & ~(PMF_NOCASE | PMF_PATHGLOB))
            return fail(v, "matcher %u: unknown flags 0x%02x", i, m->flags);
        if ((uint64_t)m->first + m->count > p->nmitems)
            return fail(v, "matcher %u: items %u..%llu outside the %u matcher items", i, m->first,
                        (unsigned long long)m->first + m->count, p->nmitems);
        if (m->kind == PM_REGEX && m->count != 1)
            return fail(v, "matcher %u: a regex matcher has exactly 1 pattern, not %u", i, m->count);
        if (!count_work(v, m->count))
            return fail(v, "program too large to verify: matcher items are referenced too many times");
        for (uint32_t k = 0; k < m->count; k++) {
            const pal_mitem *it = &p->mitems[m->first + k];
            switch (m->kind) {
            case PM_CIDRSET:
                if (it->v6 > 1)
                    return fail(v, "matcher %u item %u: address family flag %u is not 0 or 1", i, k, it->v6);
                if (it->prefix > (it->v6 ? 128 : 32))
                    return fail(v, "matcher %u item %u: prefix /%u longer than an %s address", i, k,
                                it->prefix, it->v6 ? "IPv6" : "IPv4");
                break;
            case PM_RANGESET:
                if (it->lo > it->hi)
                    return fail(v, "matcher %u item %u: range %lld-%lld has lo > hi", i, k,
                                (long long)it->lo, (long long)it->hi);
                break;
            default:
                if (!str_ok(p, it->s))
                    return fail(v, "matcher %u item %u: string %u+%u outside the string blob (%u bytes) or not NUL-terminated",
                                i, k, it->s.off, it->s.len, p->strings_len);
            }
        }
    }
    return 0;
}

static int check_outcomes(vctx *v)
{
    const pal_program *p = v->p;
    for (uint32_t i = 0; i < p->noutcomes; i++) {
        const pal_outcome *o = &p->outcomes[i];
        if (o->effect < PE_ALLOW || o->effect > PE_FAIL)
            return fail(v, "outcome %u: effect %u is not allow, alert, prevent, block or fail", i, o->effect);
        if (o->severity > SEV_CRITICAL)
            return fail(v, "outcome %u: severity %u is not none, info, low, medium, high or critical", i, o->severity);
        if (!str_ok(p, o->label))
            return fail(v, "outcome %u: label string outside the string blob or not NUL-terminated", i);
        if ((uint64_t)o->msg_first + o->nmsg > p->nmsgparts)
            return fail(v, "outcome %u: message parts %u..%llu outside the %u message parts", i, o->msg_first,
                        (unsigned long long)o->msg_first + o->nmsg, p->nmsgparts);
    }
    for (uint32_t i = 0; i < p->nmsgparts; i++) {
        const pal_msgpart *m = &p->msgparts[i];
        if (m->is_expr > 1)
            return fail(v, "message part %u: kind %u is not text (0) or expression (1)", i, m->is_expr);
        if (!m->is_expr && !str_ok(p, m->s))
            return fail(v, "message part %u: text outside the string blob or not NUL-terminated", i);
        if (m->is_expr && (m->s.off || m->s.len) && !str_ok(p, m->s))
            return fail(v, "message part %u: source text outside the string blob or not NUL-terminated", i);
        if (m->is_expr && (m->code_len == 0 || (uint64_t)m->code + m->code_len > p->ncode))
            return fail(v, "message part %u: expression code %u..%llu outside the %u instructions", i,
                        m->code, (unsigned long long)m->code + m->code_len, p->ncode);
    }
    return 0;
}

static int check_rule_tables(vctx *v, uint32_t i, const char *where)
{
    const pal_program *p = v->p;
    const pal_rule *r = &p->rules[i];
    if (!str_ok(p, r->name))
        return fail(v, "%s: name outside the string blob or not NUL-terminated", where);
    if (!str_ok(p, r->src_file))
        return fail(v, "%s: source file name outside the string blob or not NUL-terminated", where);
    if (r->kind < PR_CHECK || r->kind > PR_STEP)
        return fail(v, "%s: unknown rule kind %u", where, r->kind);
    if (r->kinds & ~PK_ALL)
        return fail(v, "%s: unknown event kinds 0x%02x", where, r->kinds);
    if (!pal_schema_get(r->root))
        return fail(v, "%s: root schema %u does not exist", where, r->root);
    /* every bit of the u8 is a kind now (schema.h), so what can be wrong is
       kinds on a rule that does not read events */
    if (r->kinds && r->root != PS_EVENT)
        return fail(v, "%s: event kinds 0x%02x on a rule over the %s schema", where, r->kinds,
                    pal_schema_get(r->root)->name);
    if (r->nlocals > PAL_MAX_LOCALS)
        return fail(v, "%s: %u locals; the limit is %u (PAL_MAX_LOCALS)", where, r->nlocals, PAL_MAX_LOCALS);
    if (r->max_stack > PAL_MAX_STACK)
        return fail(v, "%s: stack of %u values; the limit is %u (PAL_MAX_STACK)", where, r->max_stack, PAL_MAX_STACK);
    if (r->code_len == 0 || (uint64_t)r->code + r->code_len > p->ncode)
        return fail(v, "%s: code %u..%llu outside the program's %u instructions", where, r->code,
                    (unsigned long long)r->code + r->code_len, p->ncode);
    if (r->noutcomes > PAL_MAX_OUTCOMES)
        return fail(v, "%s: %u outcomes; the limit is %u (PAL_MAX_OUTCOMES)", where, r->noutcomes, PAL_MAX_OUTCOMES);
    if ((uint64_t)r->outcome_first + r->noutcomes > p->noutcomes)
        return fail(v, "%s: outcomes %u..%llu outside the program's %u outcomes", where, r->outcome_first,
                    (unsigned long long)r->outcome_first + r->noutcomes, p->noutcomes);
    if ((uint64_t)r->meta_first + r->nmeta > p->nmeta)
        return fail(v, "%s: metadata %u..%llu outside the program's %u entries", where, r->meta_first,
                    (unsigned long long)r->meta_first + r->nmeta, p->nmeta);
    return 0;
}

/* Network entries (program.h pal_netrule): every index names what its
   kind says, and a scope chunk lies inside the code (its instructions are
   verified with the rule's, below). */
static bool matcher_is(const pal_program *p, uint32_t m, int kind)
{
    return m < p->nmatchers && p->matchers[m].kind == kind;
}

static int check_endpoint(vctx *v, uint32_t i, const char *which, uint8_t kind, uint32_t m)
{
    const pal_program *p = v->p;
    switch (kind) {
    case PNE_ANY: case PNE_NAME:
        if (m != PAL_NET_NONE) return fail(v, "network entry %u: %s endpoint of kind %u names matcher %u", i, which, kind, m);
        return 0;
    case PNE_CIDR:
        if (!matcher_is(p, m, PM_CIDRSET)) return fail(v, "network entry %u: %s matcher %u is not an address set", i, which, m);
        return 0;
    case PNE_IMAGE:
        if (!matcher_is(p, m, PM_GLOBSET)) return fail(v, "network entry %u: %s matcher %u is not an image glob", i, which, m);
        return 0;
    default:
        return fail(v, "network entry %u: %s endpoint kind %u", i, which, kind);
    }
}

static int check_netrules(vctx *v)
{
    const pal_program *p = v->p;
    if (p->nnetrules && !p->netrules) return fail(v, "program has %u network entries but no array for them", p->nnetrules);
    for (uint32_t i = 0; i < p->nnetrules; i++) {
        const pal_netrule *n = &p->netrules[i];
        if (n->rule >= p->nrules) return fail(v, "network entry %u: rule %u of %u", i, n->rule, p->nrules);
        const pal_rule *r = &p->rules[n->rule];
        if (r->kind != PR_RUNTIME && r->kind != PR_FIREWALL)
            return fail(v, "network entry %u: rule %u is a %s, not a runtime section or firewall", i, n->rule,
                        pal_rule_kind_name(r->kind));
        if (n->action < PNA_DENY || n->action > PNA_DEFAULT || n->effect < PE_ALLOW || n->effect > PE_BLOCK ||
            n->direction > PND_IN || n->proto > PNP_UDP)
            return fail(v, "network entry %u: action %u, effect %u, direction %u, protocol %u out of range", i,
                        n->action, n->effect, n->direction, n->proto);
        if (n->outcome == PAL_NET_NONE) {
            if (n->action != PNA_ALLOW) return fail(v, "network entry %u: a deny or default without an outcome", i);
        } else if (n->outcome < r->outcome_first || n->outcome - r->outcome_first >= r->noutcomes) {
            return fail(v, "network entry %u: outcome %u is not one of rule %u's", i, n->outcome, n->rule);
        }
        if (check_endpoint(v, i, "source", n->src_kind, n->src_m) || check_endpoint(v, i, "destination", n->dst_kind, n->dst_m))
            return -1;
        if (n->port_m != PAL_NET_NONE && !matcher_is(p, n->port_m, PM_RANGESET))
            return fail(v, "network entry %u: port matcher %u is not a range set", i, n->port_m);
        if (n->scope_len && ((uint64_t)n->scope_code + n->scope_len > p->ncode))
            return fail(v, "network entry %u: scope code %u+%u outside the %u instructions", i, n->scope_code,
                        n->scope_len, p->ncode);
        if (!n->scope_len && n->scope_code) return fail(v, "network entry %u: empty scope at %u", i, n->scope_code);
    }
    return 0;
}

/* The rule index's hints (program.h pal_ixrule): only that they are in
   range, so the index may read them; what they claim, the index proves
   again (engine/runtime/index.c).  Runs after every rule's tables are
   checked, so each rule's code range exists. */
static int check_index_hints(vctx *v)
{
    const pal_program *p = v->p;
    if (p->nixrules == 0) return 0;
    if (p->nixrules != p->nrules)
        return fail(v, "index hints for %u rules in a program of %u", p->nixrules, p->nrules);
    for (uint32_t i = 0; i < p->nixrules; i++) {
        const pal_ixrule *h = &p->ixrules[i];
        const pal_rule *r = &p->rules[i];
        v->where_rule = i;
        if (h->state > 3) return fail(v, "%s: index hint state %u is unknown", v->where, h->state);
        if ((uint64_t)h->first + h->count > p->nixatoms || h->count > r->code_len)
            return fail(v, "%s: index hint atoms %u..%llu outside the %u hint atoms, or more than its %u instructions",
                        v->where, h->first, (unsigned long long)h->first + h->count, p->nixatoms, r->code_len);
        if (!count_work(v, h->count))
            return fail(v, "%s: program too large to verify (index hints referenced too many times)", v->where);
        for (uint32_t k = 0; k < h->count; k++) {
            uint32_t pc = p->ixatoms[h->first + k] & ~PAL_IXATOM_KEY;
            if (pc >= r->code_len)
                return fail(v, "%s: index hint atom at instruction %u, past the rule's %u", v->where, pc, r->code_len);
        }
    }
    return 0;
}

/* ---- passes 2 to 4: one code chunk ---- */

static int stack_effect(pal_instr in, int *pop, int *push)
{
    switch (PAL_OP(in)) {
#define OP(name, num, fmt, po, pu) case num: *pop = po; *push = pu; break;
    PAL_OPCODES
#undef OP
    default: return -1;
    }
    if (PAL_OP(in) == OP_CALL) { *pop = (int)PAL_B16(in); *push = 1; }
    return 0;
}

static int builtin_argc(unsigned id)
{
    switch (id) {
#define BUILTIN(name, num, argc) case num: return argc;
    PAL_BUILTINS
#undef BUILTIN
    default: return -1;
    }
}

/* Jump target of instruction i (relative to the chunk), or false if the
   instruction does not jump. */
static bool jump_target(pal_instr in, uint32_t i, int64_t *target)
{
    switch (PAL_OP(in)) {
    case OP_JUMP: case OP_JUMP_IF_FALSE: case OP_AND_JUMP: case OP_OR_JUMP:
        *target = (int64_t)i + 1 + PAL_SJ(in);
        return true;
    case OP_ITER_NEXT:
        *target = (int64_t)i + 1 + PAL_SB16(in);
        return true;
    default:
        return false;
    }
}

static int check_operands(vctx *v, const pal_rule *r, const pal_schema *root, bool is_msg,
                          pal_instr in, uint32_t i, uint32_t len, const char *where)
{
    const pal_program *p = v->p;
    unsigned op = PAL_OP(in);
    int fmt = pal_opcode_format(op);
    if (fmt < 0)
        return fail(v, "%s: instruction %u: unknown opcode %u", where, i, op);
    const char *name = pal_opcode_name(op);
    if (fmt == iN && PAL_A24(in) != 0)
        return fail(v, "%s: instruction %u: %s takes no operand but has 0x%06x", where, i, name, PAL_A24(in));
    uint32_t a = (fmt == iA) ? PAL_A24(in) : PAL_A8(in), b = PAL_B16(in);
    int64_t target;
    if (jump_target(in, i, &target) && (target < 0 || target >= len))
        return fail(v, "%s: instruction %u: jump target %lld outside the %s", where, i,
                    (long long)target, is_msg ? "message expression" : "rule");
    switch (op) {
    case OP_PUSH_CONST:
        if (a >= p->nconsts)
            return fail(v, "%s: instruction %u: constant %u out of range (%u constants)", where, i, a, p->nconsts);
        break;
    case OP_LOAD_FIELD:
    case OP_MATCH_FIELD: {
        uint32_t f = op == OP_LOAD_FIELD ? a : b;
        if (f >= root->nfields)
            return fail(v, "%s: instruction %u: field %u out of range (%s records have %u fields)",
                        where, i, f, root->name, root->nfields);
        if (op == OP_MATCH_FIELD && a >= p->nmatchers)
            return fail(v, "%s: instruction %u: matcher %u out of range (%u matchers)", where, i, a, p->nmatchers);
        break;
    }
    case OP_MATCH:
        if (a >= p->nmatchers)
            return fail(v, "%s: instruction %u: matcher %u out of range (%u matchers)", where, i, a, p->nmatchers);
        break;
    case OP_LOAD_LOCAL: case OP_STORE_LOCAL: case OP_LOAD_LOCAL_FIELD:
        if (a >= r->nlocals)
            return fail(v, "%s: instruction %u: local %u out of range (the rule has %u locals)", where, i, a, r->nlocals);
        break;
    case OP_ITER_INIT: case OP_ITER_NEXT:
        /* a quantifier uses three locals: collection, index, element */
        if ((uint64_t)a + 2 >= r->nlocals)
            return fail(v, "%s: instruction %u: %s uses locals %u..%u but the rule has %u locals",
                        where, i, name, a, a + 2, r->nlocals);
        break;
    case OP_EMIT:
        if (is_msg)
            return fail(v, "%s: instruction %u: EMIT inside a message expression", where, i);
        if (a >= r->noutcomes)
            return fail(v, "%s: instruction %u: outcome %u out of range (the rule has %u outcomes)",
                        where, i, a, r->noutcomes);
        break;
    case OP_CALL: {
        int argc = builtin_argc(a);
        if (argc < 0)
            return fail(v, "%s: instruction %u: unknown builtin function %u", where, i, a);
        if ((uint32_t)argc != b)
            return fail(v, "%s: instruction %u: builtin %u takes %d arguments, not %u", where, i, a, argc, b);
        break;
    }
    default:
        break;
    }
    return 0;
}

/* ---- pass 3: termination (see the top of the file) ---- */

/* The locals instruction `in` writes: *n of them into w. */
static void writes_of(pal_instr in, uint32_t w[2], int *n)
{
    switch (PAL_OP(in)) {
    case OP_STORE_LOCAL: w[0] = PAL_A24(in); *n = 1; break;
    case OP_ITER_INIT: w[0] = PAL_A24(in); w[1] = w[0] + 1; *n = 2; break;
    case OP_ITER_NEXT: w[0] = PAL_A8(in) + 1; w[1] = w[0] + 1; *n = 2; break;
    default: *n = 0; break;
    }
}

static uint32_t iter_base(pal_instr in)
{
    return PAL_OP(in) == OP_ITER_INIT ? PAL_A24(in) : PAL_A8(in);
}

/* Runs after check_operands, so every local index is below the rule's
   nlocals (at most PAL_MAX_LOCALS) and every jump lands in the chunk. */
static int check_loops(vctx *v, const pal_instr *code, uint32_t len, const char *where)
{
    /* Most chunks have no loop (a rule without a quantifier, every message
       expression): then all that holds is that every jump goes forward. */
    uint32_t first_iter = 0;
    while (first_iter < len && PAL_OP(code[first_iter]) != OP_ITER_INIT && PAL_OP(code[first_iter]) != OP_ITER_NEXT)
        first_iter++;
    if (first_iter == len) {
        for (uint32_t i = 0; i < len; i++) {
            int64_t t;
            if (jump_target(code[i], i, &t) && t <= i)
                return fail(v, "%s: instruction %u: %s jumps back to %lld (code runs forward, except a loop's "
                            "JUMP or JUMP_IF_FALSE back to its ITER_NEXT)", where, i, pal_opcode_name(PAL_OP(code[i])),
                            (long long)t);
        }
        return 0;
    }
    /* owner[x]: the iterator base whose collection or index local x is */
    int owner[PAL_MAX_LOCALS];
    for (uint32_t x = 0; x < PAL_MAX_LOCALS; x++) owner[x] = -1;
    for (uint32_t i = 0; i < len; i++) {
        unsigned op = PAL_OP(code[i]);
        if (op != OP_ITER_INIT && op != OP_ITER_NEXT) continue;
        uint32_t b = iter_base(code[i]);
        for (uint32_t x = b; x <= b + 1; x++) {
            if (owner[x] >= 0 && (uint32_t)owner[x] != b)
                return fail(v, "%s: instruction %u: the iterator on locals %u..%u overlaps the one on locals %d..%d",
                            where, i, b, b + 2, owner[x], owner[x] + 2);
            owner[x] = (int)b;
        }
    }
    for (uint32_t i = 0; i < len; i++) {
        uint32_t w[2];
        int nw;
        writes_of(code[i], w, &nw);
        unsigned op = PAL_OP(code[i]);
        for (int k = 0; k < nw; k++) {
            int o = owner[w[k]];
            if (o < 0 || (op != OP_STORE_LOCAL && iter_base(code[i]) == (uint32_t)o)) continue;
            return fail(v, "%s: instruction %u: %s writes local %u, the %s of the loop over local %d "
                        "(only that loop's ITER_INIT and ITER_NEXT may)", where, i, pal_opcode_name(op), w[k],
                        w[k] == (uint32_t)o ? "collection" : "index", o);
        }
    }

    /* One ascending scan with the stack of open loop bodies (their ends in
       v->todo, their bases in v->depth: pass 4 reinitialises both). */
    uint32_t open = 0;
    uint32_t on_base[PAL_MAX_LOCALS] = {0};   /* open bodies per iterator base */
    for (uint32_t i = 0; i < len; i++) {
        while (open && v->todo[open - 1] <= i) on_base[v->depth[--open]]--;
        pal_instr in = code[i];
        unsigned op = PAL_OP(in);
        int64_t t;
        if (op == OP_ITER_INIT && on_base[iter_base(in)])
            return fail(v, "%s: instruction %u: ITER_INIT restarts the loop over local %u from inside its body",
                        where, i, iter_base(in));
        if (!jump_target(in, i, &t)) continue;
        if (op == OP_ITER_NEXT) {
            uint32_t b = iter_base(in);
            if (t <= i)
                return fail(v, "%s: instruction %u: ITER_NEXT exits to %lld, not forward", where, i, (long long)t);
            if (on_base[b])
                return fail(v, "%s: instruction %u: a second ITER_NEXT over local %u inside that loop's body",
                            where, i, b);
            if (open && (uint32_t)t > v->todo[open - 1])
                return fail(v, "%s: instruction %u: the loop body %u..%lld overlaps the one ending at %u without nesting in it",
                            where, i, i + 1, (long long)t - 1, v->todo[open - 1] - 1);
            v->todo[open] = (uint32_t)t;
            v->depth[open++] = (int32_t)b;
            on_base[b]++;
            continue;
        }
        if (t > i) continue;
        /* backward: only a loop's JUMP or JUMP_IF_FALSE back to its head */
        if (PAL_OP(code[t]) != OP_ITER_NEXT || (op != OP_JUMP && op != OP_JUMP_IF_FALSE))
            return fail(v, "%s: instruction %u: %s jumps back to %lld (code runs forward, except a loop's "
                        "JUMP or JUMP_IF_FALSE back to its ITER_NEXT)", where, i, pal_opcode_name(op), (long long)t);
        int64_t end = 0;
        jump_target(code[t], (uint32_t)t, &end);
        if (end <= i)
            return fail(v, "%s: instruction %u: jumps back to the loop at %lld from outside its body (%lld..%lld)",
                        where, i, (long long)t, (long long)t + 1, (long long)end - 1);
    }
    return 0;
}

/* ---- pass 4: stack depth ---- */

static int reach(vctx *v, uint32_t from, uint32_t to, int32_t d, uint32_t *ntodo, uint32_t len, const char *where)
{
    if (to >= len)
        return fail(v, "%s: instruction %u: execution runs past the end of the code", where, from);
    if (v->depth[to] < 0) {
        v->depth[to] = d;
        v->todo[(*ntodo)++] = to;
    } else if (v->depth[to] != d) {
        return fail(v, "%s: instruction %u: stack depth %d on one path and %d on another", where, to,
                    (int)v->depth[to], (int)d);
    }
    return 0;
}

static int verify_chunk(vctx *v, const pal_rule *r, uint32_t start, uint32_t len, bool is_msg, const char *where)
{
    const pal_program *p = v->p;
    const pal_schema *root = pal_schema_get(r->root);
    const pal_instr *code = p->code + start;
    if (!count_work(v, len))
        return fail(v, "%s: program too large to verify (rules share or overlap code chunks beyond %llu instructions in all)",
                    where, (unsigned long long)VERIFY_MAX_WORK);
    for (uint32_t i = 0; i < len; i++)
        if (check_operands(v, r, root, is_msg, code[i], i, len, where)) return -1;
    if (PAL_OP(code[len - 1]) != OP_HALT)
        return fail(v, "%s: the code does not end in HALT (instruction %u is %s)", where, len - 1,
                    pal_opcode_name(PAL_OP(code[len - 1])));

    if (check_loops(v, code, len, where)) return -1;

    for (uint32_t i = 0; i < len; i++) v->depth[i] = -1;
    uint32_t ntodo = 0;
    v->depth[0] = 0;
    v->todo[ntodo++] = 0;
    while (ntodo) {
        uint32_t i = v->todo[--ntodo];
        pal_instr in = code[i];
        unsigned op = PAL_OP(in);
        int32_t d = v->depth[i];
        int pop = 0, push = 0;
        if (stack_effect(in, &pop, &push)) return fail(v, "%s: instruction %u: unknown opcode", where, i);
        if (d < pop)
            return fail(v, "%s: instruction %u: %s needs %d value%s on the stack, there %s %d", where, i,
                        pal_opcode_name(op), pop, pop == 1 ? "" : "s", d == 1 ? "is" : "are", (int)d);
        int32_t after = d - pop + push;
        if (after > r->max_stack)
            return fail(v, "%s: instruction %u: stack depth %d exceeds the rule's declared maximum %u",
                        where, i, (int)after, r->max_stack);
        int64_t t = 0;
        bool jumps = jump_target(in, i, &t);
        switch (op) {
        case OP_HALT:
            if (is_msg && d != 1)
                return fail(v, "%s: instruction %u: a message expression must end with 1 value on the stack, not %d",
                            where, i, (int)d);
            break;
        case OP_JUMP:
            if (reach(v, i, (uint32_t)t, d, &ntodo, len, where)) return -1;
            break;
        case OP_AND_JUMP: case OP_OR_JUMP:
            /* the jump keeps the tested value, the fallthrough drops it */
            if (reach(v, i, (uint32_t)t, d, &ntodo, len, where) ||
                reach(v, i, i + 1, d - 1, &ntodo, len, where)) return -1;
            break;
        default:
            if (jumps && reach(v, i, (uint32_t)t, after, &ntodo, len, where)) return -1;
            if (reach(v, i, i + 1, after, &ntodo, len, where)) return -1;
            break;
        }
    }
    return 0;
}

/* ---- correlations: their steps, keys and messages ----
   Each step is a PR_STEP rule of events, used by one correlation only; a
   key names a scalar event field, and the key fields of one position have
   one kind of value; a capture is an outcome (not the first) of its step's
   rule.  The runtime (engine/runtime/seq.c) relies on all of this. */
static bool scalar_event_field(unsigned f, uint8_t *type)
{
    const pal_schema *s = pal_schema_get(PS_EVENT);
    if (f >= s->nfields) return false;
    *type = s->fields[f].type;
    return *type != PT_LIST && *type != PT_RECORDS && *type != PT_NONE;
}

static int check_seqs(vctx *v)
{
    const pal_program *p = v->p;
    uint8_t *owner = calloc((size_t)p->nrules + 1, 1);
    if (!owner) return fail(v, "out of memory verifying %u correlations", p->nseqs);
    int rc = 0;
    for (uint32_t i = 0; i < p->nseqs && rc == 0; i++) {
        const pal_seq *q = &p->seqs[i];
        bool counting = q->type == PQ_COUNT || q->type == PQ_DISTINCT;
        if (q->type < PQ_SEQUENCE || q->type > PQ_DISTINCT) { rc = fail(v, "correlation %u: unknown type %u", i, q->type); break; }
        if (counting ? q->nsteps != 1 || q->has_until : q->nsteps < 2 || q->nsteps > PAL_MAX_SEQ_STEPS) {
            rc = fail(v, "correlation %u: %u steps", i, q->nsteps);
            break;
        }
        if (q->has_until > 1 || q->nkeys > PAL_MAX_SEQ_KEYS) { rc = fail(v, "correlation %u: malformed header", i); break; }
        if (q->within <= 0 || q->within > PAL_MAX_SEQ_WITHIN) { rc = fail(v, "correlation %u: window %lld ms", i, (long long)q->within); break; }
        if (counting && (q->threshold < 1 || q->threshold > PAL_MAX_SEQ_THRESHOLD)) {
            rc = fail(v, "correlation %u: count %lld out of range", i, (long long)q->threshold);
            break;
        }
        if (q->effect < PE_ALERT || q->effect > PE_BLOCK || q->severity > SEV_CRITICAL) {
            rc = fail(v, "correlation %u: effect %u or severity %u", i, q->effect, q->severity);
            break;
        }
        uint32_t nall = (uint32_t)q->nsteps + q->has_until;
        if ((uint64_t)q->step_first + nall > p->nrules) { rc = fail(v, "correlation %u: steps outside the rules", i); break; }
        for (uint32_t s = 0; s < nall && rc == 0; s++) {
            const pal_rule *r = &p->rules[q->step_first + s];
            if (r->kind != PR_STEP || r->root != PS_EVENT || r->noutcomes < 1 || owner[q->step_first + s])
                rc = fail(v, "correlation %u: step %u is not a step rule of its own", i, s);
            owner[q->step_first + s] = 1;
        }
        if (rc) break;
        uint32_t nkeyparts = nall * q->nkeys + (q->type == PQ_DISTINCT);
        if ((uint64_t)q->part_first + q->nparts > p->nseqparts || q->nparts < nkeyparts) {
            rc = fail(v, "correlation %u: parts outside the program's %u", i, p->nseqparts);
            break;
        }
        uint8_t key_type[PAL_MAX_SEQ_KEYS] = {0};
        for (uint32_t k = 0; k < q->nparts && rc == 0; k++) {
            const pal_seqpart *sp = &p->seqparts[q->part_first + k];
            uint8_t t;
            if (k < nall * q->nkeys) {
                uint32_t pos = k % q->nkeys;
                if (sp->kind != SQP_KEY || sp->step != k / q->nkeys || !scalar_event_field(sp->index, &t)) {
                    rc = fail(v, "correlation %u: part %u is not the key it should be", i, k);
                    break;
                }
                bool strlike = t == PT_STRING || t == PT_PATH || t == PT_DNS;
                uint8_t cls = strlike ? PT_STRING : t;
                if (k < q->nkeys) key_type[pos] = cls;
                else if (key_type[pos] != cls) rc = fail(v, "correlation %u: key %u changes type between steps", i, pos);
            } else if (k < nkeyparts) {
                if (sp->kind != SQP_DISTINCT || !scalar_event_field(sp->index, &t))
                    rc = fail(v, "correlation %u: part %u is not the field counted", i, k);
            } else if (sp->kind == SQP_TEXT) {
                if (!str_ok(p, sp->text)) rc = fail(v, "correlation %u: part %u outside the string blob", i, k);
            } else if (sp->kind == SQP_CAPTURE) {
                if (sp->step >= q->nsteps || sp->index < 1 || sp->index >= p->rules[q->step_first + sp->step].noutcomes)
                    rc = fail(v, "correlation %u: part %u captures nothing", i, k);
            } else {
                rc = fail(v, "correlation %u: part %u of kind %u in the message", i, k, sp->kind);
            }
        }
    }
    /* a step rule belongs to a correlation */
    for (uint32_t r = 0; r < p->nrules && rc == 0; r++)
        if (p->rules[r].kind == PR_STEP && !owner[r]) rc = fail(v, "rule %u: a step of no correlation", r);
    free(owner);
    return rc;
}

int pal_verify(const pal_program *p, char *err, size_t cap)
{
    vctx v = {.p = p, .err = err, .cap = cap, .where_rule = UINT32_MAX};
    if (err && cap) err[0] = '\0';
    if (!p) return fail(&v, "no program");
    if (check_arrays(&v) || check_strings(&v) || check_consts(&v) || check_matchers(&v) ||
        check_outcomes(&v) || check_netrules(&v))
        return -1;
    v.depth = malloc(((size_t)p->ncode + 1) * sizeof *v.depth);
    v.todo = malloc(((size_t)p->ncode + 1) * sizeof *v.todo);
    v.msg_done = calloc((size_t)p->nmsgparts + 1, sizeof *v.msg_done);
    if (!v.depth || !v.todo || !v.msg_done) {
        free(v.depth);
        free(v.todo);
        free(v.msg_done);
        return fail(&v, "out of memory verifying a program of %u instructions", p->ncode);
    }
    int rc = 0;
    for (uint32_t i = 0; i < p->nrules && rc == 0; i++) {
        const pal_rule *r = &p->rules[i];
        const char *where = v.where, *mwhere = v.mwhere;   /* written by fail() */
        v.where_rule = i;
        if ((rc = check_rule_tables(&v, i, where)) != 0) break;
        if ((rc = verify_chunk(&v, r, r->code, r->code_len, false, where)) != 0) break;
        for (uint32_t o = 0; o < r->noutcomes && rc == 0; o++) {
            const pal_outcome *oc = &p->outcomes[r->outcome_first + o];
            if (!count_work(&v, 1 + (uint64_t)oc->nmsg)) {
                rc = fail(&v, "%s: program too large to verify (outcomes and messages referenced too many times)", where);
                break;
            }
            for (uint32_t k = 0; k < oc->nmsg && rc == 0; k++) {
                const pal_msgpart *mp = &p->msgparts[oc->msg_first + k];
                /* outcomes of one rule may share message parts: verify each
                   once per rule (the context — locals, root — is the rule's) */
                if (!mp->is_expr || v.msg_done[oc->msg_first + k] == i + 1) continue;
                v.msg_done[oc->msg_first + k] = i + 1;
                v.where_outcome = o;
                v.where_part = k;
                rc = verify_chunk(&v, r, mp->code, mp->code_len, true, mwhere);
            }
        }
    }
    /* scope chunks, with their rule's locals and root; entries of one rule
       share a scope, so each distinct chunk is verified once */
    for (uint32_t i = 0; i < p->nnetrules && rc == 0; i++) {
        const pal_netrule *n = &p->netrules[i];
        if (!n->scope_len) continue;
        if (i > 0 && p->netrules[i - 1].scope_code == n->scope_code && p->netrules[i - 1].scope_len == n->scope_len &&
            p->netrules[i - 1].rule == n->rule)
            continue;
        char where[160];
        snprintf(where, sizeof where, "network entry %u: scope", i);
        rc = verify_chunk(&v, &p->rules[n->rule], n->scope_code, n->scope_len, true, where);
    }
    free(v.depth);
    free(v.todo);
    free(v.msg_done);
    /* after the rules' own tables, which the steps' checks rely on */
    if (rc == 0) rc = check_seqs(&v);
    if (rc == 0) rc = check_index_hints(&v);
    return rc;
}

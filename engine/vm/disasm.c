/*
 * disasm.c — `palisade disasm`: a bundle as readable bytecode.
 *
 * Design. Like `luac -l`: a header with the manifest, then each rule with
 * where it came from and what it can decide (its outcomes), then its code,
 * one instruction a line — index relative to the rule (the numbering the
 * verifier's messages use), opcode, operands, and a comment resolving what
 * the operands name: the constant, the field (from the schema of the rule's
 * root), the matcher's items, the jump target, the outcome.  Message
 * expressions follow the rule's code, numbered the same way.
 *
 * The output is for people reading a bundle they may not trust, so every
 * string is quoted and escaped, long ones are shortened, and an index out of
 * range prints as such instead of being followed.
 */
#include "engine/vm/bundle.h"
#include "engine/vm/opcodes.h"
#include "engine/core/schema.h"
#include "engine/core/match.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define SHOW_BYTES 48    /* longest string shown before "…" */
#define SHOW_ITEMS 3     /* matcher items shown in a comment */

static bool str_ok(const pal_program *p, pal_str s)
{
    return p->strings && (uint64_t)s.off + s.len < p->strings_len;
}

static void put_quoted(FILE *out, const char *s, size_t len)
{
    fputc('"', out);
    for (size_t i = 0; i < len; i++) {
        if (i == SHOW_BYTES) { fputs("…", out); break; }
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') fprintf(out, "\\%c", c);
        else if (c == '\n') fputs("\\n", out);
        else if (c == '\t') fputs("\\t", out);
        else if (c < 0x20 || c == 0x7f) fprintf(out, "\\x%02x", c);
        else fputc(c, out);
    }
    fputc('"', out);
}

static void put_str(FILE *out, const pal_program *p, pal_str s)
{
    if (str_ok(p, s)) put_quoted(out, pal_program_str(p, s), s.len);
    else fprintf(out, "<bad string %u+%u>", s.off, s.len);
}

static void put_value(FILE *out, const pal_program *p, const pal_value *v)
{
    char ip[64];
    switch (v->tag) {
    case PV_UNDEF: fputs("undefined", out); break;
    case PV_BOOL: fputs(v->u.i ? "true" : "false", out); break;
    case PV_INT: fprintf(out, "%" PRId64, v->u.i); break;
    case PV_STR:
        put_quoted(out, v->u.s, v->len);
        if (v->flags & PVF_WINDOWS) fputs(" (windows)", out);
        break;
    case PV_IP:
        pal_ip_format(v->u.ip, (v->flags & PVF_IPV6) != 0, ip, sizeof ip);
        fputs(ip, out);
        break;
    default: fprintf(out, "<value of type %u>", v->tag); break;
    }
    (void)p;
}

static const char *matcher_kind_name(unsigned k)
{
    static const char *const names[] = {"?", "strset", "globset", "dnsset", "cidrset", "rangeset", "regex"};
    return k < sizeof names / sizeof names[0] ? names[k] : "?";
}

static void put_matcher(FILE *out, const pal_program *p, uint32_t i)
{
    if (i >= p->nmatchers) { fprintf(out, "<matcher %u out of range>", i); return; }
    const pal_matcher *m = &p->matchers[i];
    fprintf(out, "%s%s%s [", matcher_kind_name(m->kind), (m->flags & PMF_NOCASE) ? " nocase" : "",
            (m->flags & PMF_PATHGLOB) ? " path" : "");
    for (uint32_t k = 0; k < m->count && k < SHOW_ITEMS; k++) {
        if ((uint64_t)m->first + k >= p->nmitems) break;
        const pal_mitem *it = &p->mitems[m->first + k];
        if (k) fputs(", ", out);
        if (m->kind == PM_RANGESET) {
            if (it->lo == it->hi) fprintf(out, "%" PRId64, it->lo);
            else fprintf(out, "%" PRId64 "-%" PRId64, it->lo, it->hi);
        } else if (m->kind == PM_CIDRSET) {
            char ip[64];
            pal_ip_format(it->ip, it->v6 != 0, ip, sizeof ip);
            fprintf(out, "%s/%u", ip, it->prefix);
        } else {
            put_str(out, p, it->s);
        }
    }
    if (m->count > SHOW_ITEMS) fprintf(out, ", … (%u items)", m->count);
    fputc(']', out);
}

static void put_field(FILE *out, const pal_schema *s, uint32_t f)
{
    if (s && f < s->nfields) fputs(s->fields[f].name, out);
    else fprintf(out, "<field %u out of range>", f);
}

static const char *builtin_name(unsigned id)
{
    switch (id) {
#define BUILTIN(name, num, argc) case num: return #name;
    PAL_BUILTINS
#undef BUILTIN
    default: return "?";
    }
}

static void put_outcome(FILE *out, const pal_program *p, uint32_t o)
{
    if (o >= p->noutcomes) { fprintf(out, "<outcome %u out of range>", o); return; }
    const pal_outcome *oc = &p->outcomes[o];
    fprintf(out, "%s %s ", pal_effect_name(oc->effect), pal_severity_name(oc->severity));
    put_str(out, p, oc->label);
}

static bool has_comment(unsigned op)
{
    switch (op) {
    case OP_PUSH_CONST: case OP_LOAD_FIELD: case OP_MATCH_FIELD: case OP_MATCH: case OP_GET_FIELD:
    case OP_LOAD_LOCAL_FIELD: case OP_JUMP: case OP_JUMP_IF_FALSE: case OP_AND_JUMP: case OP_OR_JUMP:
    case OP_ITER_INIT: case OP_ITER_NEXT: case OP_EMIT: case OP_CALL:
        return true;
    default:
        return false;
    }
}

static void disasm_chunk(FILE *out, const pal_program *p, const pal_rule *r, uint32_t start, uint32_t len)
{
    const pal_schema *root = pal_schema_get(r->root);
    for (uint32_t i = 0; i < len; i++) {
        if ((uint64_t)start + i >= p->ncode) { fprintf(out, "  <code runs past the program>\n"); return; }
        pal_instr in = p->code[start + i];
        unsigned op = PAL_OP(in);
        int fmt = pal_opcode_format(op);
        char operands[48] = "";
        uint32_t a = fmt == iA ? PAL_A24(in) : PAL_A8(in), b = PAL_B16(in);
        int32_t jump = 0;
        switch (fmt) {
        case iA: snprintf(operands, sizeof operands, "%u", a); break;
        case iAB: snprintf(operands, sizeof operands, "%u, %u", a, b); break;
        case isJ: jump = PAL_SJ(in); snprintf(operands, sizeof operands, "%+d", jump); break;
        case iABj: jump = PAL_SB16(in); snprintf(operands, sizeof operands, "%u, %+d", a, jump); break;
        case iN: if (PAL_A24(in)) snprintf(operands, sizeof operands, "0x%06x", PAL_A24(in)); break;
        default: snprintf(operands, sizeof operands, "0x%08x", in); break;
        }
        const char *name = fmt < 0 ? "<unknown>" : pal_opcode_name(op);
        if (!has_comment(op)) {
            if (operands[0]) fprintf(out, "  %5u  %-16s %s\n", i, name, operands);
            else fprintf(out, "  %5u  %s\n", i, name);
            continue;
        }
        fprintf(out, "  %5u  %-16s %-11s ", i, name, operands);
        switch (op) {
        case OP_PUSH_CONST:
            fputs("; ", out);
            if (a < p->nconsts) put_value(out, p, &p->consts[a]);
            else fprintf(out, "<constant %u out of range>", a);
            break;
        case OP_LOAD_FIELD: fputs("; ", out); put_field(out, root, a); break;
        case OP_MATCH_FIELD:
            fputs("; ", out); put_field(out, root, b); fputs(" in ", out); put_matcher(out, p, a);
            break;
        case OP_MATCH: fputs("; ", out); put_matcher(out, p, a); break;
        case OP_GET_FIELD: fprintf(out, "; field %u of the record", a); break;
        case OP_LOAD_LOCAL_FIELD: fprintf(out, "; field %u of local %u", b, a); break;
        case OP_JUMP: case OP_JUMP_IF_FALSE: case OP_AND_JUMP: case OP_OR_JUMP:
            fprintf(out, "; to %lld", (long long)i + 1 + jump);
            break;
        case OP_ITER_INIT: fprintf(out, "; collection in local %u, index in %u", a, a + 1); break;
        case OP_ITER_NEXT: fprintf(out, "; element to local %u, when done to %lld", a + 2, (long long)i + 1 + jump); break;
        case OP_EMIT:
            fputs("; ", out);
            if (a < r->noutcomes) put_outcome(out, p, r->outcome_first + a);
            else fprintf(out, "<outcome %u out of range>", a);
            break;
        case OP_CALL: fprintf(out, "; %s()", builtin_name(a)); break;
        default: break;   /* has_comment() lists the cases above */
        }
        fputc('\n', out);
    }
}

/* A correlation as the state machine the runtime runs (engine/runtime/seq.h):
   its steps, how they join, the window, and what completes it. */
static void disasm_seq(FILE *out, const pal_program *p, uint32_t i)
{
    static const char *const types[] = {"?", "sequence", "unordered", "count", "distinct count"};
    const pal_seq *q = &p->seqs[i];
    const pal_schema *ev = pal_schema_get(PS_EVENT);
    uint32_t nall = (uint32_t)q->nsteps + q->has_until;
    fprintf(out, "\ncorrelation %u ", i);
    if (q->step_first < p->nrules) put_str(out, p, p->rules[q->step_first].name);
    fprintf(out, "  (%s, within %lld ms, %s %s)\n", q->type <= PQ_DISTINCT ? types[q->type] : "?",
            (long long)q->within, pal_effect_name(q->effect), pal_severity_name(q->severity));
    for (uint32_t s = 0; s < nall; s++) {
        bool until = s == q->nsteps;
        if (q->type == PQ_SEQUENCE && !until)
            fprintf(out, "  state %u --step %u (rule %u)--> %s", s, s, q->step_first + s,
                    s + 1 == q->nsteps ? "match" : "state ");
        else
            fprintf(out, "  %s (rule %u)", until ? "until: drop the group's partial matches" : "step", q->step_first + s);
        if (q->type == PQ_SEQUENCE && !until && s + 1 < q->nsteps) fprintf(out, "%u", s + 1);
        if (q->nkeys) {
            fputs("  by", out);
            for (uint32_t k = 0; k < q->nkeys; k++) {
                uint64_t pi = (uint64_t)q->part_first + (uint64_t)s * q->nkeys + k;
                if (pi >= p->nseqparts) break;
                unsigned f = p->seqparts[pi].index;
                fprintf(out, "%s %s", k ? "," : "", f < ev->nfields ? ev->fields[f].name : "?");
            }
        }
        fputc('\n', out);
    }
    if (q->type == PQ_COUNT) fprintf(out, "  match at %lld events\n", (long long)q->threshold);
    uint32_t first = nall * q->nkeys;
    if (q->type == PQ_DISTINCT && (uint64_t)q->part_first + first < p->nseqparts) {
        unsigned f = p->seqparts[q->part_first + first].index;
        fprintf(out, "  match at %lld distinct %s\n", (long long)q->threshold, f < ev->nfields ? ev->fields[f].name : "?");
        first++;
    }
    fputs("  message:", out);
    for (uint32_t k = first; k < q->nparts && (uint64_t)q->part_first + k < p->nseqparts; k++) {
        const pal_seqpart *sp = &p->seqparts[q->part_first + k];
        fputc(' ', out);
        if (sp->kind == SQP_TEXT) put_str(out, p, sp->text);
        else fprintf(out, "{step %u, outcome %u}", sp->step, sp->index);
    }
    fputc('\n', out);
}

void pal_disasm(const pal_program *p, FILE *out)
{
    if (!p || !out) return;
    char when[32] = "?";
    time_t t = (time_t)p->build_time;
    struct tm tm;
    if (gmtime_r(&t, &tm)) strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    fputs("; revision ", out);
    put_str(out, p, p->revision);
    fprintf(out, ", built %s, schema digest %016" PRIx64 "\n", when, p->schema_digest);
    fprintf(out, "; %u rules, %u instructions, %u constants, %u matchers (%u items), %u string bytes\n",
            p->nrules, p->ncode, p->nconsts, p->nmatchers, p->nmitems, p->strings_len);
    for (uint32_t i = 0; i < p->nsources; i++) {
        fputs(";   source ", out);
        put_str(out, p, p->sources[i].path);
        fputs(" sha256 ", out);
        if (str_ok(p, p->sources[i].sha256))
            fprintf(out, "%.*s", (int)p->sources[i].sha256.len, pal_program_str(p, p->sources[i].sha256));
        fputc('\n', out);
    }

    for (uint32_t ri = 0; ri < p->nrules; ri++) {
        const pal_rule *r = &p->rules[ri];
        const pal_schema *root = pal_schema_get(r->root);
        fprintf(out, "\n%s %u ", pal_rule_kind_name(r->kind), ri);
        put_str(out, p, r->name);
        fprintf(out, "  (root %s", root ? root->name : "?");
        if (r->kinds) {
            fputs(", on", out);
            for (unsigned k = 1; k <= PK_CONFIG; k <<= 1)
                if (r->kinds & k) fprintf(out, " %s", pal_kind_name(k));
        }
        fputs(")  ", out);
        if (str_ok(p, r->src_file))
            fprintf(out, "%.*s:%u", (int)r->src_file.len, pal_program_str(p, r->src_file), r->src_line);
        fprintf(out, "\n  %u locals, max stack %u, code %u..%llu\n", r->nlocals, r->max_stack, r->code,
                (unsigned long long)r->code + r->code_len);
        for (uint32_t k = 0; k < r->nmeta && (uint64_t)r->meta_first + k < p->nmeta; k++) {
            const pal_meta *m = &p->meta[r->meta_first + k];
            fputs("  meta ", out);
            put_str(out, p, m->key);
            fputs(" = ", out);
            put_str(out, p, m->value);
            fputc('\n', out);
        }
        for (uint32_t o = 0; o < r->noutcomes; o++) {
            uint32_t oi = r->outcome_first + o;
            fprintf(out, "  outcome %u: ", o);
            put_outcome(out, p, oi);
            if (oi < p->noutcomes && p->outcomes[oi].nmsg) {
                const pal_outcome *oc = &p->outcomes[oi];
                fputs("\n    message:", out);
                for (uint32_t k = 0; k < oc->nmsg && (uint64_t)oc->msg_first + k < p->nmsgparts; k++) {
                    const pal_msgpart *mp = &p->msgparts[oc->msg_first + k];
                    fputc(' ', out);
                    if (mp->is_expr) fprintf(out, "{part %u}", k);
                    else put_str(out, p, mp->s);
                }
            }
            fputc('\n', out);
        }
        disasm_chunk(out, p, r, r->code, r->code_len);
        for (uint32_t o = 0; o < r->noutcomes; o++) {
            uint32_t oi = r->outcome_first + o;
            if (oi >= p->noutcomes) break;
            const pal_outcome *oc = &p->outcomes[oi];
            for (uint32_t k = 0; k < oc->nmsg && (uint64_t)oc->msg_first + k < p->nmsgparts; k++) {
                const pal_msgpart *mp = &p->msgparts[oc->msg_first + k];
                if (!mp->is_expr) continue;
                fprintf(out, "  message of outcome %u, part %u (code %u..%llu):\n", o, k, mp->code,
                        (unsigned long long)mp->code + mp->code_len);
                disasm_chunk(out, p, r, mp->code, mp->code_len);
            }
        }
    }
    for (uint32_t i = 0; i < p->nseqs; i++) disasm_seq(out, p, i);
}

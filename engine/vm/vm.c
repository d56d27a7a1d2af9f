/*
 * vm.c — the stack VM that runs rules over records.
 *
 * Design. One pal_vm per thread holds every byte an evaluation touches,
 * allocated once by pal_vm_new() from the program's declared maxima (stack
 * depth, locals), so pal_vm_run() allocates nothing: a steady event stream
 * costs no malloc.  The program has been verified (engine/vm/verify.c), which
 * is what makes the unchecked array reads below safe; the loop still keeps
 * cheap guards on the stack pointer, the pc and local indices, so a
 * verifier bug shows up as PAL_VM_FAULT rather than memory corruption.
 *
 * The loop is a plain `switch` over the opcode (compilers emit a jump
 * table).  Every instruction costs one unit of the caller's budget; work
 * that is not constant-time per instruction (a case-folded substring
 * search) charges the budget in proportion, so the budget really bounds
 * time.  When it runs out the run stops with PAL_VM_BUDGET and the emits
 * so far stay readable: a decision can still say which rule was too slow.
 *
 * Semantics follow opcodes.h: undefined makes every comparison false (NE
 * too); strings flagged PVF_WINDOWS compare without case and with '\' equal
 * to '/' whenever either side is flagged, else strings flagged PVF_NOCASE
 * (an operand of a `nocase` operator) without ASCII case; mismatched types
 * compare false.
 * A PVF_VERSION string compares by its ecosystem's rules (version.h): two
 * that are not valid versions of it, or of two ecosystems, are neither
 * equal nor ordered (false, like undefined), so a version is never
 * silently ordered as text.
 * String results of lower()/upper() go into a per-run scratch buffer; when
 * it is full the builtin returns undefined instead of allocating.  Each
 * quantifier step gives back the scratch its previous step used.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "engine/vm/vm.h"
#include "engine/vm/opcodes.h"
#include "engine/core/match.h"
#include "engine/core/schema.h"
#include "engine/core/version.h"
#include "engine/base/limits.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pal_vm {
    const pal_program *p;
    pal_value *stack;
    uint32_t stack_cap;
    pal_value *locals;
    uint32_t locals_cap;
    pal_emit *emits;
    pal_value *emit_locals;     /* PAL_MAX_EMITS * locals_cap */
    uint32_t nemits, dropped;
    char *scratch;
    size_t scratch_used;
    pcre2_match_data *md;
};

pal_vm *pal_vm_new(const pal_program *p)
{
    if (!p) return NULL;
    pal_vm *vm = calloc(1, sizeof *vm);
    if (!vm) return NULL;
    vm->p = p;
    vm->stack_cap = 1;
    for (uint32_t i = 0; i < p->nrules; i++) {
        if (p->rules[i].max_stack > vm->stack_cap) vm->stack_cap = p->rules[i].max_stack;
        if (p->rules[i].nlocals > vm->locals_cap) vm->locals_cap = p->rules[i].nlocals;
    }
    if (vm->stack_cap > PAL_MAX_STACK) vm->stack_cap = PAL_MAX_STACK;
    if (vm->locals_cap > PAL_MAX_LOCALS) vm->locals_cap = PAL_MAX_LOCALS;
    vm->stack = calloc(vm->stack_cap, sizeof *vm->stack);
    vm->locals = calloc(vm->locals_cap ? vm->locals_cap : 1, sizeof *vm->locals);
    vm->emits = calloc(PAL_MAX_EMITS, sizeof *vm->emits);
    vm->emit_locals = calloc((size_t)PAL_MAX_EMITS * (vm->locals_cap ? vm->locals_cap : 1),
                             sizeof *vm->emit_locals);
    vm->scratch = malloc(PAL_VM_SCRATCH_BYTES);
    vm->md = pcre2_match_data_create(1, NULL);
    if (!vm->stack || !vm->locals || !vm->emits || !vm->emit_locals || !vm->scratch || !vm->md) {
        pal_vm_free(vm);
        return NULL;
    }
    for (uint32_t i = 0; i < PAL_MAX_EMITS; i++)
        vm->emits[i].locals = vm->locals_cap ? vm->emit_locals + (size_t)i * vm->locals_cap : NULL;
    return vm;
}

void pal_vm_free(pal_vm *vm)
{
    if (!vm) return;
    free(vm->stack);
    free(vm->locals);
    free(vm->emits);
    free(vm->emit_locals);
    free(vm->scratch);
    pcre2_match_data_free(vm->md);
    free(vm);
}

void *pal_vm_match_data(pal_vm *vm) { return vm ? vm->md : NULL; }
uint32_t pal_vm_nemits(const pal_vm *vm) { return vm->nemits; }
uint32_t pal_vm_dropped_emits(const pal_vm *vm) { return vm->dropped; }

const pal_emit *pal_vm_emit(const pal_vm *vm, uint32_t i)
{
    return i < vm->nemits ? &vm->emits[i] : NULL;
}

const char *pal_vm_strerror(int code)
{
    switch (code) {
    case PAL_VM_OK: return "ok";
    case PAL_VM_BUDGET: return "instruction budget exhausted (the rule does too much work for one input)";
    case PAL_VM_STACK: return "value stack overflow";
    case PAL_VM_FAULT: return "invalid program or input (the VM refused an operation the verifier should have rejected)";
    default: return "unknown VM error";
    }
}

/* ---- value semantics ---- */

static inline bool truthy(pal_value v) { return v.tag == PV_BOOL && v.u.i != 0; }

static inline unsigned char path_fold(unsigned char c)
{
    if (c >= 'A' && c <= 'Z') return (unsigned char)(c + ('a' - 'A'));
    return c == '/' ? '\\' : c;
}

static inline unsigned char case_fold(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + ('a' - 'A')) : c;
}

/* How a and b compare (PAL_FOLD_*, engine/core/match.h): a Windows value
   on either side brings the path rules, else a `nocase` operand brings
   ASCII case folding, else bytes compare exactly. */
static inline unsigned fold_of(pal_value a, pal_value b)
{
    unsigned f = a.flags | b.flags;
    return (f & PVF_WINDOWS) ? PAL_FOLD_PATH : (f & PVF_NOCASE) ? PAL_FOLD_CASE : PAL_FOLD_NONE;
}

static inline unsigned char fold_char(unsigned char c, unsigned fold)
{
    return fold == PAL_FOLD_PATH ? path_fold(c) : fold == PAL_FOLD_CASE ? case_fold(c) : c;
}

static bool same_ip(pal_value a, pal_value b, int *order)
{
    bool v6 = (a.flags & PVF_IPV6) != 0;
    if (v6 != ((b.flags & PVF_IPV6) != 0)) return false;
    *order = memcmp(a.u.ip, b.u.ip, v6 ? 16 : 4);
    return true;
}

/* Two strings of which one is a version (the checker lets a version meet
   only a version or a string constant): compared by the ecosystem of the
   side that has one.  *order as pal_ver_cmp; 1: compared; 0: no order
   (two ecosystems, none known, or a text that is not a version of it);
   -1: no ecosystem at all, so only the exact text can be equal. */
static int version_order(pal_value a, pal_value b, int *order)
{
    unsigned eco = a.spare ? a.spare : b.spare;
    if (a.spare && b.spare && a.spare != b.spare) return 0;
    if (!eco) return -1;
    return pal_ver_cmp((pal_ver_eco)eco, a.u.s, a.len, b.u.s, b.len, order) == 0;
}

static inline bool is_version(pal_value a, pal_value b)
{
    return ((a.flags | b.flags) & PVF_VERSION) != 0;
}

int pal_value_eq(pal_value a, pal_value b)
{
    if (a.tag == PV_UNDEF || b.tag == PV_UNDEF || a.tag != b.tag) return -1;
    switch (a.tag) {
    case PV_BOOL:
    case PV_INT:
        return a.u.i == b.u.i;
    case PV_STR:
        if (is_version(a, b)) {
            int order = 0, r = version_order(a, b, &order);
            if (r < 0) return a.len == b.len && !memcmp(a.u.s, b.u.s, a.len);
            return r ? order == 0 : -1;
        }
        return pal_path_eq(a.u.s, a.len, b.u.s, b.len, fold_of(a, b));
    case PV_IP: {
        int order;
        return same_ip(a, b, &order) && order == 0;
    }
    default:
        return -1;
    }
}

bool pal_value_cmp(pal_value a, pal_value b, int *order)
{
    if (a.tag == PV_UNDEF || a.tag != b.tag) return false;
    switch (a.tag) {
    case PV_INT:
        *order = (a.u.i > b.u.i) - (a.u.i < b.u.i);
        return true;
    case PV_STR: {
        if (is_version(a, b)) return version_order(a, b, order) > 0;
        size_t n = a.len < b.len ? a.len : b.len;
        const unsigned char *x = (const unsigned char *)a.u.s, *y = (const unsigned char *)b.u.s;
        unsigned f = fold_of(a, b);
        for (size_t i = 0; i < n; i++) {
            unsigned char cx = fold_char(x[i], f), cy = fold_char(y[i], f);
            if (cx != cy) { *order = cx < cy ? -1 : 1; return true; }
        }
        *order = (a.len > b.len) - (a.len < b.len);
        return true;
    }
    case PV_IP:
        return same_ip(a, b, order);
    default:
        return false;
    }
}

/* Case-folded substring search (Windows strings and `nocase`).  glibc's
   memmem is linear for the exact case; this folded one is the plain scan,
   quadratic in the worst case, so it charges the budget one unit per 256
   byte comparisons. */
static bool folded_find(const char *h, size_t hn, const char *n, size_t nn, unsigned fold, uint64_t *budget)
{
    if (nn == 0) return true;
    if (nn > hn) return false;
    uint64_t steps = 0;
    unsigned char first = fold_char((unsigned char)n[0], fold);
    const unsigned char *u = (const unsigned char *)h;
    for (size_t i = 0; i + nn <= hn; i++) {
        if (fold_char(u[i], fold) != first) continue;
        size_t k = 1;
        while (k < nn && fold_char(u[i + k], fold) == fold_char((unsigned char)n[k], fold)) k++;
        if (k == nn) return true;
        steps += k;
        if (steps >= 256) {
            if (*budget < steps / 256) { *budget = 0; return false; }
            *budget -= steps / 256;
            steps %= 256;
        }
    }
    return false;
}

static bool prefix_eq(const char *a, const char *b, size_t n, unsigned fold)
{
    if (n == 0) return true;
    if (fold == PAL_FOLD_NONE) return memcmp(a, b, n) == 0;
    for (size_t i = 0; i < n; i++)
        if (fold_char((unsigned char)a[i], fold) != fold_char((unsigned char)b[i], fold)) return false;
    return true;
}

static bool list_has(pal_value l, pal_value v)
{
    if (l.tag != PV_LIST) return false;
    for (uint32_t i = 0; i < l.len; i++)
        if (pal_value_eq(l.u.items[i], v) == 1) return true;
    return false;
}

/* CONTAINS, STARTSWITH, ENDSWITH.  Only CONTAINS also means membership. */
static bool str_op(unsigned op, pal_value a, pal_value b, uint64_t *budget)
{
    if (op == OP_CONTAINS && a.tag == PV_LIST && b.tag != PV_UNDEF && b.tag != PV_LIST)
        return list_has(a, b);
    if (a.tag != PV_STR || b.tag != PV_STR) return false;
    unsigned f = fold_of(a, b);
    if (b.len > a.len) return false;
    switch (op) {
    case OP_STARTSWITH: return prefix_eq(a.u.s, b.u.s, b.len, f);
    case OP_ENDSWITH: return prefix_eq(a.u.s + (a.len - b.len), b.u.s, b.len, f);
    default:
        if (b.len == 0) return true;
        if (f == PAL_FOLD_NONE) return memmem(a.u.s, a.len, b.u.s, b.len) != NULL;
        return folded_find(a.u.s, a.len, b.u.s, b.len, f, budget);
    }
}

static pal_value arith(unsigned op, pal_value a, pal_value b)
{
    if (a.tag != PV_INT || b.tag != PV_INT) return pal_undef();
    int64_t x = a.u.i, y = b.u.i, r;
    switch (op) {
    case OP_ADD: if (__builtin_add_overflow(x, y, &r)) return pal_undef(); break;
    case OP_SUB: if (__builtin_sub_overflow(x, y, &r)) return pal_undef(); break;
    case OP_MUL: if (__builtin_mul_overflow(x, y, &r)) return pal_undef(); break;
    case OP_DIV:
        if (y == 0 || (x == INT64_MIN && y == -1)) return pal_undef();
        r = x / y;
        break;
    default: /* OP_MOD */
        if (y == 0 || (x == INT64_MIN && y == -1)) return pal_undef();
        r = x % y;
        break;
    }
    return pal_int(r);
}

static inline bool is_sep(char c) { return c == '/' || c == '\\'; }

/* basename: the last path element, trailing separators ignored ("C:\a\b\"
   gives "b"; a string of separators gives one).  dirname: everything before
   it, without trailing separators; "" when there is no directory part (a
   bare name has none — POSIX's "." would invent one). */
static pal_value path_part(pal_value v, bool base)
{
    if (v.tag != PV_STR) return pal_undef();
    size_t end = v.len;
    while (end > 0 && is_sep(v.u.s[end - 1])) end--;
    if (end == 0) return pal_string(v.u.s, v.len ? 1 : 0, v.flags);
    size_t start = end;
    while (start > 0 && !is_sep(v.u.s[start - 1])) start--;
    if (base) return pal_string(v.u.s + start, (uint32_t)(end - start), v.flags);
    if (start == 0) return pal_string(v.u.s, 0, v.flags);
    size_t dend = start;
    while (dend > 1 && is_sep(v.u.s[dend - 1])) dend--;
    return pal_string(v.u.s, (uint32_t)dend, v.flags);
}

static pal_value call_builtin(pal_vm *vm, unsigned id, pal_value a)
{
    switch (id) {
    case PAL_BI_lower:
    case PAL_BI_upper: {
        if (a.tag != PV_STR) return pal_undef();
        if (a.len > PAL_VM_SCRATCH_BYTES - vm->scratch_used) return pal_undef();
        char *out = vm->scratch + vm->scratch_used;
        for (uint32_t i = 0; i < a.len; i++) {
            unsigned char c = (unsigned char)a.u.s[i];
            if (id == PAL_BI_lower && c >= 'A' && c <= 'Z') c = (unsigned char)(c + 32);
            if (id == PAL_BI_upper && c >= 'a' && c <= 'z') c = (unsigned char)(c - 32);
            out[i] = (char)c;
        }
        vm->scratch_used += a.len;
        return pal_string(out, a.len, a.flags);
    }
    case PAL_BI_len:
        if (a.tag == PV_STR || a.tag == PV_LIST || a.tag == PV_RECORDS) return pal_int(a.len);
        return pal_undef();
    case PAL_BI_basename:
        return path_part(a, true);
    case PAL_BI_dirname:
        return path_part(a, false);
    default:
        return pal_undef();
    }
}

static inline pal_value record_field(const pal_record *rec, uint32_t i)
{
    if (!rec || !rec->schema || i >= rec->schema->nfields || !rec->slots) return pal_undef();
    return pal_record_at(rec, i);
}

static inline pal_value record_value_field(pal_value r, uint32_t i)
{
    return r.tag == PV_RECORD ? record_field(r.u.rec, i) : pal_undef();
}

/* ---- the interpreter ---- */

/* Runs one chunk: a rule's code (emits outcomes) or a message expression
   (leaves its value in *result).
   Long on purpose: this is the dispatch loop, one `case` per opcode of
   engine/vm/opcodes.h, each a few lines.  Splitting it into functions
   would put a call (and the stack and pc in memory) on every instruction
   of the hot path; reading it is reading the opcode list in order. */
static int exec(pal_vm *vm, const pal_rule *r, uint32_t start, uint32_t len, const pal_record *root,
                uint64_t *budget, pal_value *result)
{
    const pal_program *p = vm->p;
    const pal_instr *code = p->code + start;
    pal_value *stack = vm->stack, *locals = vm->locals;
    const uint32_t cap = vm->stack_cap, nlocals = r->nlocals;
    uint32_t sp = 0, pc = 0;

#define NEED(n) do { if (sp < (n)) return PAL_VM_FAULT; } while (0)
#define PUSH(v) do { if (sp >= cap) return PAL_VM_STACK; stack[sp++] = (v); } while (0)
#define TOP stack[sp - 1]
#define LOCAL_OK(a) do { if ((a) >= nlocals) return PAL_VM_FAULT; } while (0)

    for (;;) {
        if (pc >= len) return PAL_VM_FAULT;
        if (*budget == 0) return PAL_VM_BUDGET;
        (*budget)--;
        pal_instr in = code[pc++];
        unsigned op = PAL_OP(in);
        switch (op) {
        case OP_NOP:
            break;
        case OP_HALT:
            if (result) *result = sp ? TOP : pal_undef();
            return PAL_VM_OK;
        case OP_PUSH_UNDEF: PUSH(pal_undef()); break;
        case OP_PUSH_TRUE: PUSH(pal_bool(true)); break;
        case OP_PUSH_FALSE: PUSH(pal_bool(false)); break;
        case OP_PUSH_CONST: {
            uint32_t a = PAL_A24(in);
            if (a >= p->nconsts) return PAL_VM_FAULT;
            PUSH(p->consts[a]);
            break;
        }
        case OP_LOAD_FIELD:
            PUSH(record_field(root, PAL_A24(in)));
            break;
        case OP_LOAD_LOCAL: {
            uint32_t a = PAL_A24(in);
            LOCAL_OK(a);
            PUSH(locals[a]);
            break;
        }
        case OP_STORE_LOCAL: {
            uint32_t a = PAL_A24(in);
            LOCAL_OK(a);
            NEED(1);
            locals[a] = stack[--sp];
            break;
        }
        case OP_GET_FIELD:
            NEED(1);
            TOP = record_value_field(TOP, PAL_A24(in));
            break;
        case OP_LOAD_LOCAL_FIELD: {
            uint32_t a = PAL_A8(in);
            LOCAL_OK(a);
            PUSH(record_value_field(locals[a], PAL_B16(in)));
            break;
        }
        case OP_POP:
            NEED(1);
            sp--;
            break;
        case OP_DUP: {
            NEED(1);
            pal_value top = TOP;
            PUSH(top);
            break;
        }
        case OP_NOT:
            NEED(1);
            TOP = pal_bool(!truthy(TOP));
            break;
        case OP_TO_BOOL:
            NEED(1);
            TOP = pal_bool(truthy(TOP));
            break;
        case OP_JUMP:
            pc += (uint32_t)PAL_SJ(in);
            break;
        case OP_JUMP_IF_FALSE:
            NEED(1);
            if (!truthy(stack[--sp])) pc += (uint32_t)PAL_SJ(in);
            break;
        case OP_AND_JUMP:
            NEED(1);
            if (!truthy(TOP)) { TOP = pal_bool(false); pc += (uint32_t)PAL_SJ(in); }
            else sp--;
            break;
        case OP_OR_JUMP:
            NEED(1);
            if (truthy(TOP)) pc += (uint32_t)PAL_SJ(in);
            else sp--;
            break;
        case OP_EQ:
        case OP_NE: {
            NEED(2);
            pal_value b = stack[--sp];
            int eq = pal_value_eq(TOP, b);
            TOP = pal_bool(eq >= 0 && (op == OP_EQ ? eq == 1 : eq == 0));
            break;
        }
        case OP_LT: case OP_LE: case OP_GT: case OP_GE: {
            NEED(2);
            pal_value b = stack[--sp];
            int o = 0;
            bool ok = pal_value_cmp(TOP, b, &o);
            bool res = ok && (op == OP_LT ? o < 0 : op == OP_LE ? o <= 0 : op == OP_GT ? o > 0 : o >= 0);
            TOP = pal_bool(res);
            break;
        }
        case OP_ADD: case OP_SUB: case OP_MUL: case OP_DIV: case OP_MOD: {
            NEED(2);
            pal_value b = stack[--sp];
            TOP = arith(op, TOP, b);
            break;
        }
        case OP_NEG:
            NEED(1);
            TOP = (TOP.tag == PV_INT && TOP.u.i != INT64_MIN) ? pal_int(-TOP.u.i) : pal_undef();
            break;
        case OP_INC:
            NEED(1);
            TOP = (TOP.tag == PV_INT && TOP.u.i != INT64_MAX) ? pal_int(TOP.u.i + 1) : pal_undef();
            break;
        case OP_MATCH: {
            uint32_t a = PAL_A24(in);
            if (a >= p->nmatchers) return PAL_VM_FAULT;
            NEED(1);
            TOP = pal_bool(pal_matcher_match(p, &p->matchers[a], TOP, vm->md));
            break;
        }
        case OP_MATCH_FIELD: {
            uint32_t a = PAL_A8(in);
            if (a >= p->nmatchers) return PAL_VM_FAULT;
            PUSH(pal_bool(pal_matcher_match(p, &p->matchers[a], record_field(root, PAL_B16(in)), vm->md)));
            break;
        }
        case OP_IN_LIST: {
            NEED(2);
            pal_value l = stack[--sp];
            TOP = pal_bool(list_has(l, TOP));
            break;
        }
        case OP_CONTAINS: case OP_STARTSWITH: case OP_ENDSWITH: {
            NEED(2);
            pal_value b = stack[--sp];
            TOP = pal_bool(str_op(op, TOP, b, budget));
            break;
        }
        case OP_EXISTS:
            NEED(1);
            TOP = pal_bool(TOP.tag != PV_UNDEF);
            break;
        case OP_NOCASE:
            NEED(1);
            if (TOP.tag == PV_STR) TOP.flags |= PVF_NOCASE;
            break;
        case OP_CALL: {
            /* every builtin takes one argument today; the verifier checks argc */
            if (PAL_B16(in) != 1) return PAL_VM_FAULT;
            NEED(1);
            TOP = call_builtin(vm, PAL_A8(in), TOP);
            break;
        }
        case OP_ITER_INIT: {
            uint32_t a = PAL_A24(in);
            if ((uint64_t)a + 2 >= nlocals) return PAL_VM_FAULT;
            NEED(1);
            pal_value c = stack[--sp];
            if (c.tag != PV_LIST && c.tag != PV_RECORDS) { c = pal_undef(); c.tag = PV_LIST; }
            locals[a] = c;
            locals[a + 1] = pal_int(0);
            /* the iterator remembers where the scratch stood (in the unused
               len of its index), so each step can give back what the last
               one used: lower() over 100k files must not exhaust it */
            locals[a + 1].len = (uint32_t)vm->scratch_used;
            break;
        }
        case OP_ITER_NEXT: {
            uint32_t a = PAL_A8(in);
            if (a + 2 >= nlocals) return PAL_VM_FAULT;
            pal_value c = locals[a];
            pal_value *idx = &locals[a + 1];
            if (idx->tag != PV_INT || idx->u.i < 0) return PAL_VM_FAULT;
            /* Safe: the element, the index and the collection never point
               into the scratch, and what the body computed was consumed
               before this step; a hostile bundle can at worst read stale
               bytes inside the buffer, never outside it. */
            if (idx->len <= vm->scratch_used) vm->scratch_used = idx->len;
            uint32_t n = (c.tag == PV_LIST || c.tag == PV_RECORDS) ? c.len : 0;
            if ((uint64_t)idx->u.i < n) {
                uint32_t k = (uint32_t)idx->u.i;
                if (c.tag == PV_LIST) {
                    locals[a + 2] = c.u.items[k];
                } else {
                    pal_value e = pal_undef();
                    e.tag = PV_RECORD;
                    e.u.rec = &c.u.recs[k];
                    locals[a + 2] = e;
                }
                idx->u.i++;
            } else {
                pc += (uint32_t)PAL_SB16(in);
            }
            break;
        }
        case OP_EMIT: {
            uint32_t a = PAL_A24(in);
            if (a >= r->noutcomes || result) return PAL_VM_FAULT;
            if (vm->nemits >= PAL_MAX_EMITS) { vm->dropped++; break; }
            pal_emit *e = &vm->emits[vm->nemits++];
            e->outcome = r->outcome_first + a;
            e->nlocals = (uint16_t)(nlocals < vm->locals_cap ? nlocals : vm->locals_cap);
            if (e->nlocals) memcpy(e->locals, locals, e->nlocals * sizeof *locals);
            break;
        }
        default:
            return PAL_VM_FAULT;
        }
    }
#undef NEED
#undef PUSH
#undef TOP
#undef LOCAL_OK
}

static bool root_fits(const pal_rule *r, const pal_record *root)
{
    return root && root->schema && root->schema->id == r->root &&
           (root->slots || root->schema->nfields == 0);
}

int pal_vm_run(pal_vm *vm, uint32_t rule, const pal_record *root, uint64_t budget)
{
    const pal_program *p = vm->p;
    vm->nemits = 0;
    vm->dropped = 0;
    vm->scratch_used = 0;
    if (rule >= p->nrules) return PAL_VM_FAULT;
    const pal_rule *r = &p->rules[rule];
    if (!root_fits(r, root) || r->nlocals > vm->locals_cap || r->max_stack > vm->stack_cap)
        return PAL_VM_FAULT;
    for (uint32_t i = 0; i < r->nlocals; i++) vm->locals[i] = pal_undef();
    return exec(vm, r, r->code, r->code_len, root, &budget, NULL);
}

int pal_vm_eval(pal_vm *vm, uint32_t rule, const pal_record *root, uint32_t code, uint32_t len, uint64_t budget,
                pal_value *out)
{
    const pal_program *p = vm->p;
    *out = pal_undef();
    vm->nemits = 0;
    vm->dropped = 0;
    vm->scratch_used = 0;
    if (rule >= p->nrules || len == 0 || (uint64_t)code + len > p->ncode) return PAL_VM_FAULT;
    const pal_rule *r = &p->rules[rule];
    if (!root_fits(r, root) || r->nlocals > vm->locals_cap || r->max_stack > vm->stack_cap)
        return PAL_VM_FAULT;
    for (uint32_t i = 0; i < r->nlocals; i++) vm->locals[i] = pal_undef();
    return exec(vm, r, code, len, root, &budget, out);
}

/* ---- rendering messages ---- */

typedef struct writer { char *out; size_t cap, len; bool truncated; } writer;

static void put(writer *w, const char *s, size_t n)
{
    if (w->truncated || n == 0) return;
    size_t room = w->cap - 1 - w->len;
    if (n > room) { n = room; w->truncated = true; }
    memcpy(w->out + w->len, s, n);
    w->len += n;
}

static void put_str(writer *w, const char *s) { put(w, s, strlen(s)); }

static void put_value(writer *w, pal_value v, int depth)
{
    char buf[64];
    switch (v.tag) {
    case PV_BOOL: put_str(w, v.u.i ? "true" : "false"); break;
    case PV_INT: snprintf(buf, sizeof buf, "%lld", (long long)v.u.i); put_str(w, buf); break;
    case PV_STR: put(w, v.u.s, v.len); break;
    case PV_IP: {
        size_t n = pal_ip_format(v.u.ip, (v.flags & PVF_IPV6) != 0, buf, sizeof buf);
        put(w, buf, n < sizeof buf ? n : 0);
        break;
    }
    case PV_LIST:
        if (depth > 0) { put_str(w, "[…]"); break; }
        put_str(w, "[");
        for (uint32_t i = 0; i < v.len && !w->truncated; i++) {
            if (i) put_str(w, ", ");
            put_value(w, v.u.items[i], depth + 1);
        }
        put_str(w, "]");
        break;
    case PV_RECORDS:
        snprintf(buf, sizeof buf, "<%u records>", v.len);
        put_str(w, buf);
        break;
    case PV_RECORD: put_str(w, "<record>"); break;
    default: put_str(w, "<undefined>"); break;
    }
}

/* The part just rendered (from `before`) follows a remembered IPv6
   address at [*from, to): when it starts with ':', bracket the address.
   A part that rendered nothing keeps the address remembered. */
static void bracket_v6(writer *w, size_t *from, size_t to, size_t before)
{
    if (*from == SIZE_MAX || w->len == before) return;
    if (to == before && w->out[before] == ':' && !w->truncated && w->len + 2 <= w->cap - 1) {
        memmove(w->out + to + 2, w->out + to, w->len - to);
        memmove(w->out + *from + 1, w->out + *from, to - *from);
        w->out[*from] = '[';
        w->out[to + 1] = ']';
        w->len += 2;
    }
    *from = SIZE_MAX;
}

static void finish(writer *w)
{
    static const char ellipsis[] = "…";   /* 3 bytes of UTF-8 */
    const size_t el = sizeof ellipsis - 1;
    if (w->truncated) {
        size_t keep = w->cap - 1 >= el ? w->cap - 1 - el : w->cap - 1;
        if (keep > w->len) keep = w->len;
        /* never cut a UTF-8 sequence in half */
        while (keep > 0 && ((unsigned char)w->out[keep] & 0xc0) == 0x80 && keep < w->len) keep--;
        w->len = keep;
        if (w->cap - 1 - w->len >= el) { memcpy(w->out + w->len, ellipsis, el); w->len += el; }
    }
    w->out[w->len] = '\0';
}

size_t pal_vm_render(pal_vm *vm, uint32_t rule, const pal_record *root, const pal_emit *e,
                     char *out, size_t cap)
{
    if (!out || cap == 0) return 0;
    writer w = {out, cap < PAL_MAX_MESSAGE_BYTES + 1 ? cap : PAL_MAX_MESSAGE_BYTES + 1, 0, false};
    const pal_program *p = vm->p;
    if (rule >= p->nrules || !e) { finish(&w); return w.len; }
    const pal_rule *r = &p->rules[rule];
    if (e->outcome < r->outcome_first || e->outcome - r->outcome_first >= r->noutcomes) {
        finish(&w);
        return w.len;
    }
    const pal_outcome *o = &p->outcomes[e->outcome];
    bool can_eval = root_fits(r, root) && r->nlocals <= vm->locals_cap && r->max_stack <= vm->stack_cap;
    /* An IPv6 address directly followed by ':' (a port) is written in
       brackets, "[2001:db8::5]:8000", or the port reads as part of it:
       the last one rendered is remembered until the next text appears. */
    size_t v6_from = SIZE_MAX, v6_to = 0;
    for (uint32_t k = 0; k < o->nmsg && !w.truncated; k++) {
        const pal_msgpart *mp = &p->msgparts[o->msg_first + k];
        size_t before = w.len;
        if (!mp->is_expr) {
            put(&w, pal_program_str(p, mp->s), mp->s.len);
            bracket_v6(&w, &v6_from, v6_to, before);
            continue;
        }
        pal_value v = pal_undef();
        if (can_eval) {
            /* evaluate with the emit's locals; scratch used here is given back,
               so strings the emits point at stay intact */
            size_t mark = vm->scratch_used;
            uint32_t n = e->nlocals < r->nlocals ? e->nlocals : r->nlocals;
            for (uint32_t i = 0; i < r->nlocals; i++) vm->locals[i] = i < n ? e->locals[i] : pal_undef();
            uint64_t budget = PAL_VM_BUDGET_EVENT;
            if (exec(vm, r, mp->code, mp->code_len, root, &budget, &v) != PAL_VM_OK) v = pal_undef();
            put_value(&w, v, 0);
            vm->scratch_used = mark;
        } else {
            put_value(&w, v, 0);
        }
        bracket_v6(&w, &v6_from, v6_to, before);
        if (v.tag == PV_IP && (v.flags & PVF_IPV6) && w.len > before && !w.truncated) {
            v6_from = before;
            v6_to = w.len;
        }
    }
    finish(&w);
    return w.len;
}

size_t pal_vm_scratch_mark(const pal_vm *vm) { return vm->scratch_used; }

size_t pal_vm_render_at(pal_vm *vm, size_t scratch_mark, uint32_t rule, const pal_record *root, const pal_emit *e,
                        char *out, size_t cap)
{
    size_t now = vm->scratch_used;
    vm->scratch_used = scratch_mark <= PAL_VM_SCRATCH_BYTES ? scratch_mark : PAL_VM_SCRATCH_BYTES;
    size_t n = pal_vm_render(vm, rule, root, e, out, cap);
    vm->scratch_used = now;
    return n;
}

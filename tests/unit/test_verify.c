/*
 * test_verify.c — the verifier rejects each kind of malformed program with
 * a message that says what and where, and accepts a well-formed one.
 *
 * Every case starts from the same valid program (base()) and breaks one
 * thing; the expected text is part of the message users see.
 */
#include "unit.h"
#include "prog_builder.h"
#include "engine/vm/verify.h"
#include "engine/vm/vm.h"
#include "engine/base/limits.h"

#include <time.h>

static uint32_t f_args, f_name, f_port;

/*  0 LOAD_FIELD args      6 PUSH_TRUE             12 PUSH_CONST k0
 *  1 ITER_INIT 0          7 JUMP_IF_FALSE -> 2    13 POP
 *  2 ITER_NEXT 0 -> 10    8 EMIT 0                14 POP
 *  3 LOAD_LOCAL 2         9 JUMP -> 2             15 MATCH_FIELD m2, destination.port
 *  4 MATCH m0            10 PUSH_CONST k1         16 POP
 *  5 AND_JUMP -> 7       11 CALL lower, 1         17 HALT
 *  message of outcome 0: "shell " {18 LOAD_FIELD process.name; 19 HALT}  */
static pal_program *base(void)
{
    pb b = pb_new();
    uint32_t k0 = pb_cint(&b, 1), k1 = pb_cstr(&b, "X", 0);
    const char *strs[] = {"a"};
    uint32_t m0 = pb_strs(&b, PM_STRSET, 0, strs, 1);
    pb_matcher(&b, PM_CIDRSET, 0);
    pb_item_cidr(&b, "10.0.0.0/8");
    uint32_t m2 = pb_matcher(&b, PM_RANGESET, 0);
    pb_item_range(&b, 80, 90);
    const char *re[] = {"^a+$"};
    pb_strs(&b, PM_REGEX, 0, re, 1);
    pb_source(&b, "policies/web.pal", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

    pb_rule(&b, "Shell under web server", PR_RULE, PS_EVENT, 3, 2);
    pb_meta(&b, "title", "shells");
    pb_op(&b, PAL_MK_A(OP_LOAD_FIELD, f_args));
    pb_op(&b, PAL_MK_A(OP_ITER_INIT, 0));
    pb_op(&b, PAL_MK_ABJ(OP_ITER_NEXT, 0, 7));
    pb_op(&b, PAL_MK_A(OP_LOAD_LOCAL, 2));
    pb_op(&b, PAL_MK_A(OP_MATCH, m0));
    pb_op(&b, PAL_MK_SJ(OP_AND_JUMP, 1));
    pb_op(&b, OP_PUSH_TRUE);
    pb_op(&b, PAL_MK_SJ(OP_JUMP_IF_FALSE, -6));
    pb_op(&b, PAL_MK_A(OP_EMIT, 0));
    pb_op(&b, PAL_MK_SJ(OP_JUMP, -8));
    pb_op(&b, PAL_MK_A(OP_PUSH_CONST, k1));
    pb_op(&b, PAL_MK_AB(OP_CALL, PAL_BI_lower, 1));
    pb_op(&b, PAL_MK_A(OP_PUSH_CONST, k0));
    pb_op(&b, OP_POP);
    pb_op(&b, OP_POP);
    pb_op(&b, PAL_MK_AB(OP_MATCH_FIELD, m2, f_port));
    pb_op(&b, OP_POP);
    pb_op(&b, OP_HALT);
    pb_end(&b);
    pb_outcome(&b, PE_ALERT, SEV_HIGH, "shell");
    pb_msg_text(&b, "shell ");
    pb_msg_expr(&b);
    pb_op(&b, PAL_MK_A(OP_LOAD_FIELD, f_name));
    pb_op(&b, OP_HALT);
    pb_msg_end(&b);
    return pb_take(&b);
}

static void expect_reject(pal_program *p, const char *want, int line)
{
    char err[512] = "";
    int rc = pal_verify(p, err, sizeof err);
    if (rc != -1 || !strstr(err, want)) {
        fprintf(stderr, "test_verify.c:%d: want rejection with \"%s\", got rc %d: \"%s\"\n", line, want, rc, err);
        unit_fail++;
    } else {
        unit_pass++;
    }
    /* pal_program_prepare runs the verifier too, and leaves no matcher built */
    char err2[512] = "";
    CHECK_INT(pal_program_prepare(p, err2, sizeof err2), -1);
    CHECK_STR(err2, err);
    for (uint32_t i = 0; p->matchers && i < p->nmatchers; i++) CHECK(p->matchers[i].rt == NULL);
    pal_program_free(p);
}

#define REJECT(mutation, want) do { pal_program *p = base(); pal_rule *r = &p->rules[0]; (void)r; \
    mutation; expect_reject(p, want, __LINE__); } while (0)
#define CODE(i) p->code[r->code + (i)]

static void test_valid(void)
{
    pal_program *p = base();
    char err[512] = "unchanged";
    CHECK_INT(pal_verify(p, err, sizeof err), 0);
    CHECK_STR(err, "");
    CHECK_INT(pal_program_prepare(p, err, sizeof err), 0);
    pal_program_free(p);
}

static void test_tables(void)
{
    /* arrays and program-wide limits */
    REJECT(free(p->code); p->code = NULL, "program has 20 code but no array");
    REJECT(p->nrules = PAL_MAX_RULES + 1, "rules; the limit is 100000");
    /* strings */
    REJECT(p->revision.off = p->strings_len, "revision string");
    REJECT(p->revision.len += 1, "revision string");
    REJECT(p->sources[0].sha256.len = 1000000, "source 0");
    REJECT(p->meta[0].value.off = 0xffffffffu, "metadata entry 0");
    REJECT(r->name.off = p->strings_len - 1; r->name.len = 1, "rule 0: name outside the string blob");
    REJECT(r->src_file.len++, "source file name");
    REJECT(p->outcomes[0].label.len--, "outcome 0: label");
    REJECT(p->msgparts[0].s.len = 0xfffffff0u, "message part 0: text");
    /* constants */
    REJECT(p->consts[0].tag = PV_LIST, "constant 0: type 5 is not a scalar");
    REJECT(p->consts[0].tag = 77, "constant 0: type 77");
    REJECT(p->consts[1].u.s = p->strings + p->strings_len, "constant 1: string of 1 bytes outside the string blob");
    REJECT(p->consts[1].len = p->strings_len, "constant 1: string of");
    REJECT(p->consts[0].tag = PV_BOOL; p->consts[0].u.i = 2, "constant 0: bool holds 2");
    /* matchers */
    REJECT(p->matchers[0].kind = 9, "matcher 0: unknown kind 9");
    REJECT(p->matchers[0].kind = 0, "matcher 0: unknown kind 0");
    REJECT(p->matchers[1].flags = 0x80, "matcher 1: unknown flags 0x80");
    REJECT(p->matchers[0].count = 100, "matcher 0: items 0..100 outside the 4 matcher items");
    REJECT(p->matchers[0].first = 0xffffffffu, "matcher 0: items");
    REJECT(p->mitems[1].prefix = 33, "matcher 1 item 0: prefix /33 longer than an IPv4 address");
    REJECT(p->mitems[1].v6 = 1; p->mitems[1].prefix = 129, "prefix /129 longer than an IPv6 address");
    REJECT(p->mitems[1].v6 = 2, "address family flag 2");
    REJECT(p->mitems[2].lo = 91, "matcher 2 item 0: range 91-90 has lo > hi");
    REJECT(p->matchers[3].count = 0, "matcher 3: a regex matcher has exactly 1 pattern, not 0");
    REJECT(p->mitems[0].s.len = 2, "matcher 0 item 0: string");
    /* outcomes and message parts */
    REJECT(p->outcomes[0].effect = PE_NONE, "outcome 0: effect 0 is not allow");
    REJECT(p->outcomes[0].effect = 6, "outcome 0: effect 6");
    REJECT(p->outcomes[0].severity = 6, "outcome 0: severity 6");
    REJECT(p->outcomes[0].nmsg = 3, "outcome 0: message parts 0..3 outside the 2 message parts");
    REJECT(p->msgparts[1].is_expr = 2, "message part 1: kind 2");
    REJECT(p->msgparts[1].code_len = 0, "message part 1: expression code");
    REJECT(p->msgparts[1].code = p->ncode - 1, "message part 1: expression code 19..21 outside the 20 instructions");
    /* rules */
    REJECT(r->kind = 0, "rule 0 (\"Shell under web server\"): unknown rule kind 0");
    REJECT((r->kinds = 0x10, r->root = PS_IMAGE), "event kinds 0x10 on a rule over the image schema");
    REJECT(r->root = 99, "root schema 99 does not exist");
    REJECT(r->nlocals = PAL_MAX_LOCALS + 1, "65 locals; the limit is 64");
    REJECT(r->max_stack = PAL_MAX_STACK + 1, "stack of 257 values; the limit is 256");
    REJECT(r->code_len = 0, "code 0..0 outside");
    REJECT(r->code_len = 1000, "code 0..1000 outside the program's 20 instructions");
    REJECT(r->code = 0xfffffff0u, "outside the program's 20 instructions");
    REJECT(r->noutcomes = PAL_MAX_OUTCOMES + 1, "1025 outcomes; the limit is 1024");
    REJECT(r->noutcomes = 5, "outcomes 0..5 outside the program's 1 outcomes");
    REJECT(r->nmeta = 2, "metadata 0..2 outside the program's 1 entries");
}

static void test_instructions(void)
{
    const char *where = "rule 0 (\"Shell under web server\"): instruction ";
    char want[256];
    snprintf(want, sizeof want, "%s3: unknown opcode 200", where);
    REJECT(CODE(3) = 200, want);
    snprintf(want, sizeof want, "%s13: POP takes no operand but has 0x000005", where);
    REJECT(CODE(13) = PAL_MK_A(OP_POP, 5), want);
    REJECT(CODE(12) = PAL_MK_A(OP_PUSH_CONST, 99), "instruction 12: constant 99 out of range (2 constants)");
    REJECT(CODE(4) = PAL_MK_A(OP_MATCH, 4), "instruction 4: matcher 4 out of range (4 matchers)");
    REJECT(CODE(15) = PAL_MK_AB(OP_MATCH_FIELD, 9, f_port), "instruction 15: matcher 9 out of range");
    REJECT(CODE(15) = PAL_MK_AB(OP_MATCH_FIELD, 2, 999), "instruction 15: field 999 out of range (event records have");
    REJECT(CODE(0) = PAL_MK_A(OP_LOAD_FIELD, 5000), "instruction 0: field 5000 out of range");
    REJECT((r->root = PS_KV, r->kinds = 0), "instruction 0: field");   /* args is not a field of a name/value pair */
    REJECT(CODE(3) = PAL_MK_A(OP_LOAD_LOCAL, 3), "instruction 3: local 3 out of range (the rule has 3 locals)");
    REJECT(CODE(3) = PAL_MK_AB(OP_LOAD_LOCAL_FIELD, 3, 0), "instruction 3: local 3 out of range");
    REJECT(CODE(13) = PAL_MK_A(OP_STORE_LOCAL, 7), "instruction 13: local 7 out of range");
    REJECT(CODE(1) = PAL_MK_A(OP_ITER_INIT, 1), "instruction 1: ITER_INIT uses locals 1..3 but the rule has 3 locals");
    REJECT(CODE(2) = PAL_MK_ABJ(OP_ITER_NEXT, 1, 7), "instruction 2: ITER_NEXT uses locals 1..3");
    REJECT(r->nlocals = 2, "ITER_INIT uses locals 0..2 but the rule has 2 locals");
    REJECT(CODE(8) = PAL_MK_A(OP_EMIT, 1), "instruction 8: outcome 1 out of range (the rule has 1 outcomes)");
    REJECT(CODE(11) = PAL_MK_AB(OP_CALL, 9, 1), "instruction 11: unknown builtin function 9");
    REJECT(CODE(11) = PAL_MK_AB(OP_CALL, PAL_BI_lower, 2), "instruction 11: builtin 0 takes 1 arguments, not 2");
    snprintf(want, sizeof want, "%s9: jump target 912 outside the rule", where);
    REJECT(CODE(9) = PAL_MK_SJ(OP_JUMP, 902), want);
    REJECT(CODE(9) = PAL_MK_SJ(OP_JUMP, -11), "instruction 9: jump target -1 outside the rule");
    REJECT(CODE(7) = PAL_MK_SJ(OP_JUMP_IF_FALSE, 10), "instruction 7: jump target 18 outside the rule");
    REJECT(CODE(5) = PAL_MK_SJ(OP_AND_JUMP, PAL_MIN_SJ), "instruction 5: jump target");
    REJECT(CODE(2) = PAL_MK_ABJ(OP_ITER_NEXT, 0, 30000), "instruction 2: jump target 30003 outside the rule");
    REJECT(CODE(17) = OP_NOP, "the code does not end in HALT (instruction 17 is NOP)");
    REJECT(CODE(17) = PAL_MK_SJ(OP_JUMP, -1), "does not end in HALT");
}

static void test_stack(void)
{
    REJECT(CODE(0) = OP_NOP, "instruction 1: ITER_INIT needs 1 value on the stack, there are 0");
    REJECT(CODE(10) = OP_NOP, "instruction 11: CALL needs 1 value on the stack, there are 0");
    REJECT(CODE(12) = OP_POP, "instruction 13: POP needs 1 value on the stack, there are 0");
    REJECT(r->max_stack = 1, "instruction 12: stack depth 2 exceeds the rule's declared maximum 1");
    /* the AND_JUMP fallthrough pops: PUSH_TRUE at 6 makes the join at 7 agree;
       drop it and the two paths into 7 disagree */
    REJECT(CODE(6) = OP_NOP, "instruction 7: stack depth");
    REJECT(CODE(5) = OP_NOP, "instruction 2: stack depth 0 on one path and 1 on another");
    /* the loop back-edge must arrive with the depth the loop head had */
    REJECT(CODE(8) = OP_PUSH_TRUE, "instruction 2: stack depth 0 on one path and 1 on another");
    /* a message expression leaves exactly one value */
    REJECT(p->code[18] = OP_NOP, "rule 0 (\"Shell under web server\"): message of outcome 0, part 1: instruction 1: a message expression must end with 1 value on the stack, not 0");
    REJECT(p->code[18] = PAL_MK_A(OP_EMIT, 0), "message of outcome 0, part 1: instruction 0: EMIT inside a message expression");
    REJECT(p->code[18] = PAL_MK_SJ(OP_JUMP, 5), "part 1: instruction 0: jump target 6 outside the message expression");
    REJECT(p->code[18] = PAL_MK_A(OP_LOAD_LOCAL, 3), "part 1: instruction 0: local 3 out of range");
    REJECT(p->code[19] = OP_NOP, "part 1: the code does not end in HALT");
    /* unreachable code is checked for operands, but not for depth */
    {
        pb b = pb_new();
        pb_rule(&b, "dead", PR_RULE, PS_EVENT, 0, 1);
        pb_op(&b, PAL_MK_SJ(OP_JUMP, 1));
        pb_op(&b, OP_POP);             /* never runs: would underflow */
        pb_op(&b, OP_HALT);
        pb_end(&b);
        pal_program *p = pb_take(&b);
        char err[256];
        CHECK_INT(pal_verify(p, err, sizeof err), 0);
        p->code[1] = PAL_MK_A(OP_PUSH_CONST, 3);
        CHECK_INT(pal_verify(p, err, sizeof err), -1);
        CHECK(strstr(err, "instruction 1: constant 3 out of range") != NULL);
        pal_program_free(p);
    }
}

/* Termination: code runs forward except a quantifier's loop, whose index
   only moves forward over a fixed collection (verify.c, pass 3).  Each
   hand-built program below would run until the budget stopped it. */
static void test_termination(void)
{
    /* the loop in base(): ITER_NEXT at 2 exits to 10; 7 and 9 jump back to 2 */
    REJECT(CODE(9) = PAL_MK_SJ(OP_JUMP, -1),
           "instruction 9: JUMP jumps back to 9 (code runs forward, except a loop's JUMP or JUMP_IF_FALSE back to its ITER_NEXT)");
    REJECT(CODE(9) = PAL_MK_SJ(OP_JUMP, -9), "instruction 9: JUMP jumps back to 1");
    REJECT(CODE(7) = PAL_MK_SJ(OP_JUMP_IF_FALSE, -5), "instruction 7: JUMP_IF_FALSE jumps back to 3");
    REJECT(CODE(5) = PAL_MK_SJ(OP_AND_JUMP, -4), "instruction 5: AND_JUMP jumps back to 2");
    REJECT(CODE(5) = PAL_MK_SJ(OP_OR_JUMP, -4), "instruction 5: OR_JUMP jumps back to 2");
    REJECT(CODE(2) = PAL_MK_ABJ(OP_ITER_NEXT, 0, -1), "instruction 2: ITER_NEXT exits to 2, not forward");
    REJECT(CODE(2) = PAL_MK_ABJ(OP_ITER_NEXT, 0, -3), "instruction 2: ITER_NEXT exits to 0, not forward");
    /* a jump back to the loop's head from after the loop */
    REJECT(CODE(16) = PAL_MK_SJ(OP_JUMP_IF_FALSE, -15),
           "instruction 16: jumps back to the loop at 2 from outside its body (3..9)");
    /* iterators that reset their counter: ITER_INIT inside the body, a store
       to the index or the collection, a second ITER_NEXT on the same locals */
    REJECT(CODE(6) = PAL_MK_A(OP_ITER_INIT, 0),
           "instruction 6: ITER_INIT restarts the loop over local 0 from inside its body");
    REJECT(CODE(13) = PAL_MK_A(OP_STORE_LOCAL, 1),
           "instruction 13: STORE_LOCAL writes local 1, the index of the loop over local 0 (only that loop's ITER_INIT and ITER_NEXT may)");
    REJECT(CODE(13) = PAL_MK_A(OP_STORE_LOCAL, 0), "instruction 13: STORE_LOCAL writes local 0, the collection of the loop over local 0");
    REJECT(CODE(6) = PAL_MK_ABJ(OP_ITER_NEXT, 0, 0), "instruction 6: a second ITER_NEXT over local 0 inside that loop's body");
    /* iterators whose locals overlap: one's element is another's collection */
    REJECT(r->nlocals = 4; CODE(13) = PAL_MK_A(OP_ITER_INIT, 1),
           "instruction 13: the iterator on locals 1..3 overlaps the one on locals 0..2");
    REJECT(r->nlocals = 5; CODE(13) = PAL_MK_A(OP_ITER_INIT, 2),
           "instruction 2: ITER_NEXT writes local 2, the collection of the loop over local 2");
    /* loop bodies that overlap without nesting */
    REJECT(r->nlocals = 6; CODE(6) = PAL_MK_ABJ(OP_ITER_NEXT, 3, 5),
           "instruction 6: the loop body 7..11 overlaps the one ending at 9 without nesting in it");
    /* the same rules hold in a message expression */
    REJECT(p->code[18] = PAL_MK_SJ(OP_JUMP, -1), "message of outcome 0, part 1: instruction 0: JUMP jumps back to 0");

    /* accepted: a store to the element local, loops in sequence over the
       same locals, loops nested, a jump out of a body past its end */
    {
        pal_program *p = base();
        p->code[p->rules[0].code + 13] = PAL_MK_A(OP_STORE_LOCAL, 2);
        char err[512] = "";
        CHECK_INT(pal_verify(p, err, sizeof err), 0);
        if (err[0]) fprintf(stderr, "%s\n", err);
        pal_program_free(p);
    }
    {
        pb b = pb_new();
        pb_rule(&b, "nested", PR_RULE, PS_EVENT, 6, 2);
        uint32_t k;
        /* outer over args; inner over args; back-edges by JUMP_IF_FALSE and JUMP */
        pb_op(&b, PAL_MK_A(OP_LOAD_FIELD, f_args));                 /* 0 */
        pb_op(&b, PAL_MK_A(OP_ITER_INIT, 0));                       /* 1 */
        uint32_t outer = pb_op(&b, PAL_MK_ABJ(OP_ITER_NEXT, 0, 0)); /* 2 */
        pb_op(&b, PAL_MK_A(OP_LOAD_FIELD, f_args));                 /* 3 */
        pb_op(&b, PAL_MK_A(OP_ITER_INIT, 3));                       /* 4 */
        uint32_t inner = pb_op(&b, PAL_MK_ABJ(OP_ITER_NEXT, 3, 0)); /* 5 */
        pb_op(&b, PAL_MK_A(OP_LOAD_LOCAL, 5));                      /* 6 */
        k = pb_op(&b, PAL_MK_SJ(OP_JUMP_IF_FALSE, 0));              /* 7 -> 5 */
        pb_op(&b, PAL_MK_A(OP_EMIT, 0));                            /* 8 */
        uint32_t back_in = pb_op(&b, PAL_MK_SJ(OP_JUMP, 0));        /* 9 -> 5 */
        uint32_t back_out = pb_op(&b, PAL_MK_SJ(OP_JUMP, 0));       /* 10 -> 2 */
        uint32_t second = pb_op(&b, PAL_MK_A(OP_LOAD_FIELD, f_args)); /* 11 */
        pb_op(&b, PAL_MK_A(OP_ITER_INIT, 0));                       /* 12: the same locals again */
        uint32_t again = pb_op(&b, PAL_MK_ABJ(OP_ITER_NEXT, 0, 0)); /* 13 */
        pb_op(&b, OP_PUSH_TRUE);                                    /* 14 */
        uint32_t out = pb_op(&b, PAL_MK_SJ(OP_JUMP_IF_FALSE, 0));   /* 15 -> 18: leaves the body */
        uint32_t back2 = pb_op(&b, PAL_MK_SJ(OP_JUMP, 0));          /* 16 -> 13 */
        uint32_t end2 = pb_op(&b, OP_NOP);                          /* 17 */
        uint32_t halt = pb_op(&b, OP_HALT);                         /* 18 */
        pb_end(&b);
        pb_patch(&b, outer, second);
        pb_patch(&b, inner, back_out);
        pb_patch(&b, k, inner);
        pb_patch(&b, back_in, inner);
        pb_patch(&b, back_out, outer);
        pb_patch(&b, again, end2);
        pb_patch(&b, out, halt);
        pb_patch(&b, back2, again);
        pb_outcome(&b, PE_ALERT, SEV_LOW, "pair");
        pal_program *p = pb_take(&b);
        char err[512] = "";
        CHECK_INT(pal_verify(p, err, sizeof err), 0);
        if (err[0]) fprintf(stderr, "%s\n", err);
        /* the inner back-edge from the outer body (outside the inner one) */
        p->code[back_out] = PAL_MK_SJ(OP_JUMP, (int32_t)inner - (int32_t)back_out - 1);
        CHECK_INT(pal_verify(p, err, sizeof err), -1);
        CHECK(strstr(err, "instruction 10: jumps back to the loop at 5 from outside its body (6..9)") != NULL);
        pal_program_free(p);
    }
}

/* A hostile program whose rules all point at the same large code range:
   verification work is capped instead of growing with rules x code. */
static void test_work_cap(void)
{
    pb b = pb_new();
    pal_program *p = pb_take(&b);
    uint32_t n = 2u << 20;
    free(p->code);
    p->code = calloc(n, sizeof *p->code);   /* NOPs */
    p->code[n - 1] = OP_HALT;
    p->ncode = n;
    free(p->rules);
    p->nrules = 40;
    p->rules = calloc(p->nrules, sizeof *p->rules);
    pal_str name = {p->revision.off, p->revision.len};
    for (uint32_t i = 0; i < p->nrules; i++) {
        p->rules[i].name = name;
        p->rules[i].src_file = name;
        p->rules[i].kind = PR_RULE;
        p->rules[i].code_len = n;
    }
    char err[256];
    clock_t t0 = clock();
    CHECK_INT(pal_verify(p, err, sizeof err), -1);
    CHECK(strstr(err, "too large to verify") != NULL);
    CHECK((double)(clock() - t0) / CLOCKS_PER_SEC < 20.0);
    /* the same code under a few rules is fine */
    p->nrules = 3;
    CHECK_INT(pal_verify(p, err, sizeof err), 0);
    pal_program_free(p);
}

int main(void)
{
    f_args = (uint32_t)field_of(PS_EVENT, "process.args");
    f_name = (uint32_t)field_of(PS_EVENT, "process.name");
    f_port = (uint32_t)field_of(PS_EVENT, "destination.port");
    test_valid();
    test_tables();
    test_instructions();
    test_stack();
    test_termination();
    test_work_cap();
    return unit_result("test_verify");
}

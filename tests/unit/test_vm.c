/*
 * test_vm.c — the VM, the load-time matchers and message rendering, on
 * programs built by hand (prog_builder.h).
 *
 * Most expression tests evaluate a small chunk as the message of an emitted
 * outcome and compare the rendered text, which exercises the opcode and
 * the renderer together; rule-level tests check emits, locals, budgets.
 */
#include "unit.h"
#include "prog_builder.h"
#include "engine/vm/vm.h"
#include "engine/vm/verify.h"
#include "engine/base/limits.h"

#include <pthread.h>
#include <stdint.h>
#include <time.h>

static char text[PAL_MAX_MESSAGE_BYTES + 64];

static pal_program *prepare(pb *b)
{
    char err[512];
    pal_program *p = pb_take(b);
    int rc = pal_program_prepare(p, err, sizeof err);
    if (rc) fprintf(stderr, "prepare: %s\n", err);
    CHECK_INT(rc, 0);
    return p;
}

/* Evaluates ops (ending in HALT with one value) as the message of the only
   outcome of a rule that always emits, and returns the rendered text. */
static const char *eval_on(pb *b, const pal_instr *ops, size_t n, const pal_record *root, unsigned root_schema)
{
    pb_rule(b, "expr", PR_RULE, root_schema, 4, 16);
    pb_op(b, PAL_MK_A(OP_EMIT, 0));
    pb_op(b, OP_HALT);
    pb_end(b);
    pb_outcome(b, PE_ALERT, SEV_LOW, "expr");
    pb_msg_expr(b);
    for (size_t i = 0; i < n; i++) pb_op(b, ops[i]);
    pb_msg_end(b);
    pal_program *p = prepare(b);
    pal_vm *vm = pal_vm_new(p);
    test_event empty;
    ev_init(&empty);
    if (!root) root = &empty.rec;
    text[0] = '\0';
    int rc = pal_vm_run(vm, 0, root, 1000);
    CHECK_INT(rc, PAL_VM_OK);
    CHECK_INT(pal_vm_nemits(vm), 1);
    if (pal_vm_nemits(vm) == 1) pal_vm_render(vm, 0, root, pal_vm_emit(vm, 0), text, sizeof text);
    pal_vm_free(vm);
    pal_program_free(p);
    return text;
}

static const char *eval(pb *b, const pal_instr *ops, size_t n) { return eval_on(b, ops, n, NULL, PS_EVENT); }

static const char *bin(pal_value a, unsigned op, pal_value c)
{
    pb b = pb_new();
    uint32_t ka = pb_const(&b, a), kc = pb_const(&b, c);
    pal_instr ops[] = {PAL_MK_A(OP_PUSH_CONST, ka), PAL_MK_A(OP_PUSH_CONST, kc), op, OP_HALT};
    return eval(&b, ops, 4);
}

static const char *un(pal_value a, pal_instr op)
{
    pb b = pb_new();
    uint32_t ka = pb_const(&b, a);
    pal_instr ops[] = {PAL_MK_A(OP_PUSH_CONST, ka), op, OP_HALT};
    return eval(&b, ops, 3);
}

static pal_value B(bool v) { return pal_bool(v); }
static pal_value I(int64_t v) { return pal_int(v); }
static pal_value U(void) { return pal_undef(); }

static void test_names(void)
{
    CHECK_STR(pal_effect_name(PE_PREVENT), "prevent");
    CHECK_STR(pal_severity_name(SEV_CRITICAL), "critical");
    CHECK_STR(pal_effect_name(99), "?");
    CHECK_INT(pal_effect_from_name("block", 5), PE_BLOCK);
    CHECK_INT(pal_effect_from_name("fail", 4), PE_FAIL);
    CHECK_INT(pal_effect_from_name("blocks", 6), 0);
    CHECK_INT(pal_effect_from_name("none", 4), 0);
    CHECK_INT(pal_severity_from_name("high", 4), SEV_HIGH);
    CHECK_INT(pal_severity_from_name("warning", 7), SEV_MEDIUM);
    CHECK_INT(pal_severity_from_name("WARNING", 7), SEV_MEDIUM);
    CHECK_INT(pal_severity_from_name("error", 5), SEV_HIGH);
    CHECK_INT(pal_severity_from_name("notice", 6), SEV_INFO);
    CHECK_INT(pal_severity_from_name("informational", 13), SEV_INFO);
    CHECK_INT(pal_severity_from_name("severe", 6), 0);
    CHECK_STR(pal_opcode_name(OP_ITER_NEXT), "ITER_NEXT");
    CHECK_STR(pal_opcode_name(200), "?");
    CHECK_INT(pal_opcode_format(OP_MATCH_FIELD), iAB);
    CHECK_INT(pal_opcode_format(OP_JUMP), isJ);
    CHECK_INT(pal_opcode_format(OP_HALT), iN);
    CHECK_INT(pal_opcode_format(OP__COUNT), -1);
}

static void test_comparisons(void)
{
    CHECK_STR(bin(I(1), OP_EQ, I(1)), "true");
    CHECK_STR(bin(I(1), OP_EQ, I(2)), "false");
    CHECK_STR(bin(I(1), OP_NE, I(2)), "true");
    CHECK_STR(bin(I(1), OP_LT, I(2)), "true");
    CHECK_STR(bin(I(2), OP_LE, I(2)), "true");
    CHECK_STR(bin(I(2), OP_GT, I(2)), "false");
    CHECK_STR(bin(I(3), OP_GE, I(2)), "true");
    /* undefined: every comparison is false, NE too */
    CHECK_STR(bin(U(), OP_EQ, U()), "false");
    CHECK_STR(bin(U(), OP_NE, I(1)), "false");
    CHECK_STR(bin(S("a"), OP_NE, U()), "false");
    CHECK_STR(bin(U(), OP_LT, I(1)), "false");
    CHECK_STR(bin(I(1), OP_GE, U()), "false");
    /* mismatched types: false both ways */
    CHECK_STR(bin(I(1), OP_EQ, S("1")), "false");
    CHECK_STR(bin(I(1), OP_NE, S("1")), "false");
    CHECK_STR(bin(B(true), OP_EQ, I(1)), "false");
    CHECK_STR(bin(B(true), OP_EQ, B(true)), "true");
    CHECK_STR(bin(B(true), OP_NE, B(false)), "true");
    CHECK_STR(bin(B(false), OP_LT, B(true)), "false");
    /* strings: bytes, unless either side is a Windows string */
    CHECK_STR(bin(S("cmd.exe"), OP_EQ, S("cmd.exe")), "true");
    CHECK_STR(bin(S("CMD.EXE"), OP_EQ, S("cmd.exe")), "false");
    CHECK_STR(bin(W("C:\\Windows\\System32\\CMD.EXE"), OP_EQ, S("c:/windows/system32/cmd.exe")), "true");
    CHECK_STR(bin(S("c:/windows/system32/cmd.exe"), OP_EQ, W("C:\\Windows\\System32\\CMD.EXE")), "true");
    CHECK_STR(bin(W("C:\\Windows\\cmd.exe"), OP_NE, S("C:\\Windows\\cmd.com")), "true");
    CHECK_STR(bin(W("C:\\a"), OP_EQ, S("C:\\ab")), "false");
    CHECK_STR(bin(S("abc"), OP_LT, S("abd")), "true");
    CHECK_STR(bin(S("ab"), OP_LT, S("abc")), "true");
    CHECK_STR(bin(S("B"), OP_LT, S("a")), "true");      /* bytewise: 'B' < 'a' */
    CHECK_STR(bin(W("B"), OP_LT, S("a")), "false");     /* folded: "b" > "a" */
    CHECK_STR(bin(W("B"), OP_GT, S("a")), "true");
    CHECK_STR(bin(W("A/B"), OP_LE, S("a\\b")), "true");
    /* IPs: family and bytes */
    CHECK_STR(bin(pb_ip("10.0.0.1"), OP_EQ, pb_ip("10.0.0.1")), "true");
    CHECK_STR(bin(pb_ip("10.0.0.1"), OP_EQ, pb_ip("10.0.0.2")), "false");
    CHECK_STR(bin(pb_ip("10.0.0.1"), OP_LT, pb_ip("10.0.0.2")), "true");
    CHECK_STR(bin(pb_ip("2001:db8::1"), OP_EQ, pb_ip("2001:db8::1")), "true");
    CHECK_STR(bin(pb_ip("10.0.0.1"), OP_EQ, pb_ip("::a00:1")), "false");
    CHECK_STR(bin(pb_ip("10.0.0.1"), OP_NE, pb_ip("::a00:1")), "true");
    CHECK_STR(bin(pb_ip("10.0.0.1"), OP_LT, pb_ip("::a00:2")), "false");
    CHECK_STR(bin(pb_ip("10.0.0.1"), OP_EQ, S("10.0.0.1")), "false");
    /* the exported helpers agree */
    CHECK_INT(pal_value_eq(W("X"), S("x")), 1);
    CHECK_INT(pal_value_eq(I(1), U()), -1);
    int o = 7;
    CHECK(!pal_value_cmp(B(true), B(false), &o));
    CHECK(pal_value_cmp(I(-5), I(3), &o) && o < 0);
}

static void test_arithmetic(void)
{
    CHECK_STR(bin(I(2), OP_ADD, I(3)), "5");
    CHECK_STR(bin(I(2), OP_SUB, I(3)), "-1");
    CHECK_STR(bin(I(-4), OP_MUL, I(3)), "-12");
    CHECK_STR(bin(I(7), OP_DIV, I(2)), "3");
    CHECK_STR(bin(I(7), OP_MOD, I(3)), "1");
    CHECK_STR(bin(I(7), OP_DIV, I(0)), "<undefined>");
    CHECK_STR(bin(I(7), OP_MOD, I(0)), "<undefined>");
    CHECK_STR(bin(I(INT64_MIN), OP_DIV, I(-1)), "<undefined>");
    CHECK_STR(bin(I(INT64_MIN), OP_MOD, I(-1)), "<undefined>");
    CHECK_STR(bin(I(INT64_MAX), OP_ADD, I(1)), "<undefined>");
    CHECK_STR(bin(I(INT64_MIN), OP_SUB, I(1)), "<undefined>");
    CHECK_STR(bin(I(INT64_MAX), OP_MUL, I(2)), "<undefined>");
    CHECK_STR(bin(I(1), OP_ADD, U()), "<undefined>");
    CHECK_STR(bin(I(1), OP_ADD, S("1")), "<undefined>");
    CHECK_STR(un(I(5), OP_NEG), "-5");
    CHECK_STR(un(I(INT64_MIN), OP_NEG), "<undefined>");
    CHECK_STR(un(I(41), OP_INC), "42");
    CHECK_STR(un(I(INT64_MAX), OP_INC), "<undefined>");
    CHECK_STR(un(S("x"), OP_INC), "<undefined>");
}

static void test_logic(void)
{
    CHECK_STR(un(B(true), OP_NOT), "false");
    CHECK_STR(un(U(), OP_NOT), "true");
    CHECK_STR(un(I(1), OP_NOT), "true");        /* only a true bool is true */
    CHECK_STR(un(U(), OP_TO_BOOL), "false");
    CHECK_STR(un(B(true), OP_TO_BOOL), "true");
    CHECK_STR(un(U(), OP_EXISTS), "false");
    CHECK_STR(un(I(0), OP_EXISTS), "true");
    CHECK_STR(un(S(""), OP_EXISTS), "true");
    CHECK_STR(un(I(1), OP_NOP), "1");

    /* a and b: PUSH a; AND_JUMP end; PUSH b; end: HALT */
    struct { pal_value a, b; const char *and_, *or_; } cases[] = {
        {B(true), B(true), "true", "true"},
        {B(true), B(false), "false", "true"},
        {B(false), B(true), "false", "true"},
        {U(), B(true), "false", "true"},
        {B(true), U(), "<undefined>", "true"},
        {B(false), B(false), "false", "false"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        for (int which = 0; which < 2; which++) {
            pb b = pb_new();
            uint32_t ka = pb_const(&b, cases[i].a), kb = pb_const(&b, cases[i].b);
            pal_instr ops[] = {PAL_MK_A(OP_PUSH_CONST, ka), PAL_MK_SJ(which ? OP_OR_JUMP : OP_AND_JUMP, 1),
                               PAL_MK_A(OP_PUSH_CONST, kb), OP_HALT};
            CHECK_STR(eval(&b, ops, 4), which ? cases[i].or_ : cases[i].and_);
        }
    }
    /* if/else with JUMP_IF_FALSE and JUMP */
    for (int c = 0; c < 3; c++) {
        pb b = pb_new();
        pal_value cond = c == 0 ? B(true) : c == 1 ? B(false) : U();
        uint32_t kc = pb_const(&b, cond), ky = pb_cstr(&b, "yes", 0), kn = pb_cstr(&b, "no", 0);
        pal_instr ops[] = {PAL_MK_A(OP_PUSH_CONST, kc), PAL_MK_SJ(OP_JUMP_IF_FALSE, 2),
                           PAL_MK_A(OP_PUSH_CONST, ky), PAL_MK_SJ(OP_JUMP, 1),
                           PAL_MK_A(OP_PUSH_CONST, kn), OP_HALT};
        CHECK_STR(eval(&b, ops, 6), c == 0 ? "yes" : "no");
    }
    /* DUP and POP */
    {
        pb b = pb_new();
        uint32_t k = pb_cint(&b, 21), k2 = pb_cint(&b, 5);
        pal_instr ops[] = {PAL_MK_A(OP_PUSH_CONST, k), OP_DUP, OP_ADD, PAL_MK_A(OP_PUSH_CONST, k2), OP_POP, OP_HALT};
        CHECK_STR(eval(&b, ops, 6), "42");
    }
    /* PUSH_TRUE / PUSH_FALSE / PUSH_UNDEF */
    {
        pb b = pb_new();
        pal_instr ops[] = {OP_PUSH_TRUE, OP_PUSH_FALSE, OP_EQ, OP_HALT};
        CHECK_STR(eval(&b, ops, 4), "false");
        b = pb_new();
        pal_instr ops2[] = {OP_PUSH_UNDEF, OP_HALT};
        CHECK_STR(eval(&b, ops2, 2), "<undefined>");
    }
}

static void test_string_ops(void)
{
    CHECK_STR(bin(S("hello world"), OP_CONTAINS, S("o w")), "true");
    CHECK_STR(bin(S("hello world"), OP_CONTAINS, S("O W")), "false");
    CHECK_STR(bin(S("hello"), OP_CONTAINS, S("")), "true");
    CHECK_STR(bin(S("hi"), OP_CONTAINS, S("high")), "false");
    CHECK_STR(bin(W("C:\\Windows\\System32\\cmd.exe"), OP_CONTAINS, S("windows/SYSTEM32")), "true");
    CHECK_STR(bin(S("C:\\Windows\\System32"), OP_CONTAINS, W("windows/system32")), "true");
    CHECK_STR(bin(W("C:\\Windows\\System32"), OP_CONTAINS, S("system33")), "false");
    CHECK_STR(bin(W("aaaaaaaaab"), OP_CONTAINS, S("AAB")), "true");
    CHECK_STR(bin(U(), OP_CONTAINS, S("x")), "false");
    CHECK_STR(bin(S("x"), OP_CONTAINS, U()), "false");
    CHECK_STR(bin(I(12), OP_CONTAINS, I(1)), "false");
    CHECK_STR(bin(W("C:\\Windows\\x.exe"), OP_STARTSWITH, S("c:/windows/")), "true");
    CHECK_STR(bin(S("C:\\Windows\\x.exe"), OP_STARTSWITH, S("c:/windows/")), "false");
    CHECK_STR(bin(S("/usr/bin/ls"), OP_STARTSWITH, S("/usr/")), "true");
    CHECK_STR(bin(S("/usr"), OP_STARTSWITH, S("/usr/")), "false");
    CHECK_STR(bin(S("cmd.exe"), OP_ENDSWITH, S(".exe")), "true");
    CHECK_STR(bin(S("cmd.EXE"), OP_ENDSWITH, S(".exe")), "false");
    CHECK_STR(bin(W("cmd.EXE"), OP_ENDSWITH, S(".exe")), "true");
    CHECK_STR(bin(S("md.exe"), OP_ENDSWITH, S("cmd.exe")), "false");
    CHECK_STR(bin(U(), OP_ENDSWITH, S("")), "false");
}

static void test_builtins(void)
{
#define CALL1(id) PAL_MK_AB(OP_CALL, id, 1)
    CHECK_STR(un(S("CMD.Exe"), CALL1(PAL_BI_lower)), "cmd.exe");
    CHECK_STR(un(S("cmd.exe"), CALL1(PAL_BI_upper)), "CMD.EXE");
    CHECK_STR(un(S("héllo"), CALL1(PAL_BI_len)), "6");
    CHECK_STR(un(I(3), CALL1(PAL_BI_len)), "<undefined>");
    CHECK_STR(un(I(3), CALL1(PAL_BI_lower)), "<undefined>");
    CHECK_STR(un(W("C:\\Windows\\System32\\cmd.exe"), CALL1(PAL_BI_basename)), "cmd.exe");
    CHECK_STR(un(S("/usr/bin/"), CALL1(PAL_BI_basename)), "bin");
    CHECK_STR(un(S("cmd.exe"), CALL1(PAL_BI_basename)), "cmd.exe");
    CHECK_STR(un(S("/"), CALL1(PAL_BI_basename)), "/");
    CHECK_STR(un(S(""), CALL1(PAL_BI_basename)), "");
    CHECK_STR(un(W("C:\\Windows\\System32\\cmd.exe"), CALL1(PAL_BI_dirname)), "C:\\Windows\\System32");
    CHECK_STR(un(S("C:/Windows/cmd.exe"), CALL1(PAL_BI_dirname)), "C:/Windows");
    CHECK_STR(un(S("/bin"), CALL1(PAL_BI_dirname)), "/");
    CHECK_STR(un(S("/usr//bin/"), CALL1(PAL_BI_dirname)), "/usr");
    CHECK_STR(un(S("cmd.exe"), CALL1(PAL_BI_dirname)), "");
    CHECK_STR(un(U(), CALL1(PAL_BI_dirname)), "<undefined>");
    /* lower() keeps the Windows flag: the result still compares as a path */
    {
        pb b = pb_new();
        uint32_t k = pb_cstr(&b, "C:\\APP", PVF_WINDOWS), k2 = pb_cstr(&b, "c:/app", 0);
        pal_instr ops[] = {PAL_MK_A(OP_PUSH_CONST, k), CALL1(PAL_BI_upper), PAL_MK_A(OP_PUSH_CONST, k2), OP_EQ, OP_HALT};
        CHECK_STR(eval(&b, ops, 5), "true");
    }
    /* the scratch buffer runs out: the builtin returns undefined, nothing crashes */
    {
        static char big[40001];
        memset(big, 'A', sizeof big - 1);
        test_event ev;
        ev_init(&ev);
        ev_set(&ev, "process.command_line", S(big));
        uint32_t f = (uint32_t)field_of(PS_EVENT, "process.command_line");
        pb b = pb_new();
        pal_instr ops[] = {PAL_MK_A(OP_LOAD_FIELD, f), CALL1(PAL_BI_lower), OP_EXISTS,
                           PAL_MK_A(OP_LOAD_FIELD, f), CALL1(PAL_BI_lower), OP_EXISTS,
                           OP_NE, OP_HALT};
        /* first lower() fits (40000 of 65536 bytes), the second does not */
        CHECK_STR(eval_on(&b, ops, 8, &ev.rec, PS_EVENT), "true");
    }
#undef CALL1
}

static void test_fields_and_lists(void)
{
    test_event ev;
    ev_init(&ev);
    pal_value args[] = {S("-c"), S("whoami"), S("x")};
    pal_value list = pal_undef();
    list.tag = PV_LIST;
    list.len = 3;
    list.u.items = args;
    ev_set(&ev, "process.args", list);
    ev_set(&ev, "process.name", W("CMD.EXE"));
    ev_set(&ev, "destination.ip", pb_ip("10.1.2.3"));
    ev_set(&ev, "source.ip", pb_ip("2001:db8::1"));
    ev_set(&ev, "destination.port", I(443));
    uint32_t fargs = (uint32_t)field_of(PS_EVENT, "process.args");
    uint32_t fname = (uint32_t)field_of(PS_EVENT, "process.name");
    uint32_t fuser = (uint32_t)field_of(PS_EVENT, "user.name");

    pb b = pb_new();
    pal_instr o1[] = {PAL_MK_A(OP_LOAD_FIELD, fargs), OP_HALT};
    CHECK_STR(eval_on(&b, o1, 2, &ev.rec, PS_EVENT), "[-c, whoami, x]");
    b = pb_new();
    pal_instr o2[] = {PAL_MK_A(OP_LOAD_FIELD, fuser), OP_HALT};
    CHECK_STR(eval_on(&b, o2, 2, &ev.rec, PS_EVENT), "<undefined>");
    b = pb_new();
    pal_instr o3[] = {PAL_MK_A(OP_LOAD_FIELD, (uint32_t)field_of(PS_EVENT, "destination.ip")), OP_HALT};
    CHECK_STR(eval_on(&b, o3, 2, &ev.rec, PS_EVENT), "10.1.2.3");
    b = pb_new();
    pal_instr o4[] = {PAL_MK_A(OP_LOAD_FIELD, (uint32_t)field_of(PS_EVENT, "source.ip")), OP_HALT};
    CHECK_STR(eval_on(&b, o4, 2, &ev.rec, PS_EVENT), "2001:db8::1");
    /* IN_LIST: value equals some item */
    b = pb_new();
    uint32_t kw = pb_cstr(&b, "whoami", 0);
    pal_instr o5[] = {PAL_MK_A(OP_PUSH_CONST, kw), PAL_MK_A(OP_LOAD_FIELD, fargs), OP_IN_LIST, OP_HALT};
    CHECK_STR(eval_on(&b, o5, 4, &ev.rec, PS_EVENT), "true");
    b = pb_new();
    kw = pb_cstr(&b, "WHOAMI", 0);
    pal_instr o6[] = {PAL_MK_A(OP_PUSH_CONST, kw), PAL_MK_A(OP_LOAD_FIELD, fargs), OP_IN_LIST, OP_HALT};
    CHECK_STR(eval_on(&b, o6, 4, &ev.rec, PS_EVENT), "false");
    b = pb_new();
    pal_instr o7[] = {OP_PUSH_UNDEF, PAL_MK_A(OP_LOAD_FIELD, fargs), OP_IN_LIST, OP_HALT};
    CHECK_STR(eval_on(&b, o7, 4, &ev.rec, PS_EVENT), "false");
    /* CONTAINS on a list is membership */
    b = pb_new();
    kw = pb_cstr(&b, "-c", 0);
    pal_instr o8[] = {PAL_MK_A(OP_LOAD_FIELD, fargs), PAL_MK_A(OP_PUSH_CONST, kw), OP_CONTAINS, OP_HALT};
    CHECK_STR(eval_on(&b, o8, 4, &ev.rec, PS_EVENT), "true");
    b = pb_new();
    kw = pb_cstr(&b, "who", 0);
    pal_instr o9[] = {PAL_MK_A(OP_LOAD_FIELD, fargs), PAL_MK_A(OP_PUSH_CONST, kw), OP_CONTAINS, OP_HALT};
    CHECK_STR(eval_on(&b, o9, 4, &ev.rec, PS_EVENT), "false");
    /* MATCH and MATCH_FIELD against a string set, Windows-folded */
    b = pb_new();
    const char *shells[] = {"cmd.exe", "powershell.exe"};
    uint32_t m = pb_strs(&b, PM_STRSET, 0, shells, 2);
    pal_instr o10[] = {PAL_MK_AB(OP_MATCH_FIELD, m, fname), OP_HALT};
    CHECK_STR(eval_on(&b, o10, 2, &ev.rec, PS_EVENT), "true");
    b = pb_new();
    m = pb_strs(&b, PM_STRSET, 0, shells, 2);
    pal_instr o11[] = {PAL_MK_A(OP_LOAD_FIELD, fargs), PAL_MK_A(OP_MATCH, m), OP_HALT};
    CHECK_STR(eval_on(&b, o11, 3, &ev.rec, PS_EVENT), "false");
    b = pb_new();
    m = pb_strs(&b, PM_STRSET, 0, shells, 2);
    pal_instr o12[] = {PAL_MK_AB(OP_MATCH_FIELD, m, fuser), OP_HALT};
    CHECK_STR(eval_on(&b, o12, 2, &ev.rec, PS_EVENT), "false");
    /* a field index the record does not have reads as undefined (GET_FIELD on a non-record too) */
    b = pb_new();
    pal_instr o13[] = {PAL_MK_A(OP_LOAD_FIELD, fname), PAL_MK_A(OP_GET_FIELD, 0), OP_HALT};
    CHECK_STR(eval_on(&b, o13, 3, &ev.rec, PS_EVENT), "<undefined>");
}

/* An image with three files; two are setuid. */
typedef struct test_image {
    pal_value file_slots[3][16];
    pal_record files[3];
    pal_value slots[64];
    pal_record rec;
} test_image;

static void image_init(test_image *im)
{
    memset(im, 0, sizeof *im);
    const char *paths[] = {"/usr/bin/passwd", "/bin/ls", "/usr/bin/sudo"};
    bool setuid[] = {true, false, true};
    int fpath = field_of(PS_FILE, "path"), fsetuid = field_of(PS_FILE, "setuid");
    for (int i = 0; i < 3; i++) {
        im->file_slots[i][fpath] = S(paths[i]);
        im->file_slots[i][fsetuid] = B(setuid[i]);
        im->files[i].schema = pal_schema_get(PS_FILE);
        im->files[i].slots = im->file_slots[i];
    }
    pal_value files = pal_undef();
    files.tag = PV_RECORDS;
    files.len = 3;
    files.u.recs = im->files;
    im->slots[field_of(PS_IMAGE, "image.files")] = files;
    im->slots[field_of(PS_IMAGE, "image.name")] = S("app:1");
    im->rec.schema = pal_schema_get(PS_IMAGE);
    im->rec.slots = im->slots;
}

static void test_quantifiers(void)
{
    test_image im;
    image_init(&im);
    uint32_t ffiles = (uint32_t)field_of(PS_IMAGE, "image.files");
    uint32_t fpath = (uint32_t)field_of(PS_FILE, "path"), fsetuid = (uint32_t)field_of(PS_FILE, "setuid");

    /* check: any f in image.files: f.setuid  — emits once per setuid file */
    pb b = pb_new();
    pb_rule(&b, "PAL-0001", PR_CHECK, PS_IMAGE, 3, 2);
    pb_op(&b, PAL_MK_A(OP_LOAD_FIELD, ffiles));
    pb_op(&b, PAL_MK_A(OP_ITER_INIT, 0));
    uint32_t loop = pb_op(&b, PAL_MK_ABJ(OP_ITER_NEXT, 0, 0));
    pb_op(&b, PAL_MK_AB(OP_LOAD_LOCAL_FIELD, 2, fsetuid));
    uint32_t skip = pb_op(&b, PAL_MK_SJ(OP_JUMP_IF_FALSE, 0));
    pb_op(&b, PAL_MK_A(OP_EMIT, 0));
    uint32_t back = pb_op(&b, PAL_MK_SJ(OP_JUMP, 0));
    uint32_t end = pb_op(&b, OP_HALT);
    pb_end(&b);
    pb_patch(&b, loop, end);
    pb_patch(&b, skip, loop);
    pb_patch(&b, back, loop);
    pb_outcome(&b, PE_FAIL, SEV_HIGH, "setuid file");
    pb_msg_expr(&b);
    pb_op(&b, PAL_MK_A(OP_LOAD_LOCAL, 2));
    pb_op(&b, PAL_MK_A(OP_GET_FIELD, fpath));
    pb_op(&b, OP_HALT);
    pb_msg_end(&b);
    pb_msg_text(&b, " is setuid in ");
    pb_msg_expr(&b);
    pb_op(&b, PAL_MK_A(OP_LOAD_FIELD, (uint32_t)field_of(PS_IMAGE, "image.name")));
    pb_op(&b, OP_HALT);
    pb_msg_end(&b);
    pal_program *p = prepare(&b);
    pal_vm *vm = pal_vm_new(p);
    CHECK_INT(pal_vm_run(vm, 0, &im.rec, PAL_VM_BUDGET_CHECK), PAL_VM_OK);
    CHECK_INT(pal_vm_nemits(vm), 2);
    const pal_emit *e0 = pal_vm_emit(vm, 0), *e1 = pal_vm_emit(vm, 1);
    CHECK(e0 && e1 && !pal_vm_emit(vm, 2));
    if (e0 && e1) {
        CHECK_INT(e0->outcome, 0);
        CHECK_INT(e0->nlocals, 3);
        CHECK_INT(e0->locals[2].tag, PV_RECORD);
        CHECK(e0->locals[2].u.rec == &im.files[0]);
        CHECK(e1->locals[2].u.rec == &im.files[2]);
        pal_vm_render(vm, 0, &im.rec, e0, text, sizeof text);
        CHECK_STR(text, "/usr/bin/passwd is setuid in app:1");
        pal_vm_render(vm, 0, &im.rec, e1, text, sizeof text);
        CHECK_STR(text, "/usr/bin/sudo is setuid in app:1");
        /* rendering does not disturb the emits */
        pal_vm_render(vm, 0, &im.rec, e0, text, sizeof text);
        CHECK_STR(text, "/usr/bin/passwd is setuid in app:1");
    }
    /* a root of the wrong schema is refused, not misread */
    test_event ev;
    ev_init(&ev);
    CHECK_INT(pal_vm_run(vm, 0, &ev.rec, 1000), PAL_VM_FAULT);
    CHECK_INT(pal_vm_nemits(vm), 0);
    CHECK_INT(pal_vm_run(vm, 7, &im.rec, 1000), PAL_VM_FAULT);
    CHECK_INT(pal_vm_run(vm, 0, NULL, 1000), PAL_VM_FAULT);
    /* an image without files: ITER over undefined is an empty loop */
    test_image none;
    image_init(&none);
    none.slots[ffiles] = pal_undef();
    CHECK_INT(pal_vm_run(vm, 0, &none.rec, 1000), PAL_VM_OK);
    CHECK_INT(pal_vm_nemits(vm), 0);
    pal_vm_free(vm);
    pal_program_free(p);

    /* count(a in process.args: a == "x") == 2, with INC and STORE_LOCAL */
    test_event e;
    ev_init(&e);
    pal_value args[] = {S("x"), S("y"), S("x")};
    pal_value list = pal_undef();
    list.tag = PV_LIST;
    list.len = 3;
    list.u.items = args;
    ev_set(&e, "process.args", list);
    b = pb_new();
    uint32_t k0 = pb_cint(&b, 0), kx = pb_cstr(&b, "x", 0), k2 = pb_cint(&b, 2);
    pb_rule(&b, "count", PR_RULE, PS_EVENT, 4, 2);
    pb_op(&b, PAL_MK_A(OP_PUSH_CONST, k0));
    pb_op(&b, PAL_MK_A(OP_STORE_LOCAL, 3));
    pb_op(&b, PAL_MK_A(OP_LOAD_FIELD, (uint32_t)field_of(PS_EVENT, "process.args")));
    pb_op(&b, PAL_MK_A(OP_ITER_INIT, 0));
    loop = pb_op(&b, PAL_MK_ABJ(OP_ITER_NEXT, 0, 0));
    pb_op(&b, PAL_MK_A(OP_LOAD_LOCAL, 2));
    pb_op(&b, PAL_MK_A(OP_PUSH_CONST, kx));
    pb_op(&b, OP_EQ);
    skip = pb_op(&b, PAL_MK_SJ(OP_JUMP_IF_FALSE, 0));
    pb_op(&b, PAL_MK_A(OP_LOAD_LOCAL, 3));
    pb_op(&b, OP_INC);
    pb_op(&b, PAL_MK_A(OP_STORE_LOCAL, 3));
    back = pb_op(&b, PAL_MK_SJ(OP_JUMP, 0));
    end = pb_op(&b, PAL_MK_A(OP_LOAD_LOCAL, 3));
    pb_op(&b, PAL_MK_A(OP_PUSH_CONST, k2));
    pb_op(&b, OP_EQ);
    uint32_t no = pb_op(&b, PAL_MK_SJ(OP_JUMP_IF_FALSE, 0));
    pb_op(&b, PAL_MK_A(OP_EMIT, 0));
    uint32_t halt = pb_op(&b, OP_HALT);
    pb_end(&b);
    pb_patch(&b, loop, end);
    pb_patch(&b, skip, loop);
    pb_patch(&b, back, loop);
    pb_patch(&b, no, halt);
    pb_outcome(&b, PE_ALERT, SEV_LOW, "two x");
    pb_msg_text(&b, "count ");
    pb_msg_expr(&b);
    pb_op(&b, PAL_MK_A(OP_LOAD_LOCAL, 3));
    pb_op(&b, OP_HALT);
    pb_msg_end(&b);
    p = prepare(&b);
    vm = pal_vm_new(p);
    CHECK_INT(pal_vm_run(vm, 0, &e.rec, 1000), PAL_VM_OK);
    CHECK_INT(pal_vm_nemits(vm), 1);
    if (pal_vm_nemits(vm) == 1) {
        pal_vm_render(vm, 0, &e.rec, pal_vm_emit(vm, 0), text, sizeof text);
        CHECK_STR(text, "count 2");
    }
    args[1] = S("x");    /* three now: no emit */
    CHECK_INT(pal_vm_run(vm, 0, &e.rec, 1000), PAL_VM_OK);
    CHECK_INT(pal_vm_nemits(vm), 0);
    pal_vm_free(vm);
    pal_program_free(p);
}

static void test_budget_and_emits(void)
{
    /* EMIT, then a loop longer than the budget (the verifier refuses a loop
       that never ends, so this one walks a long list): the budget stops it
       and the emit stays readable */
    enum { LONG = 5000 };
    static pal_value long_list[LONG];
    for (int i = 0; i < LONG; i++) long_list[i] = I(i);
    pal_value ll = pal_undef();
    ll.tag = PV_LIST;
    ll.len = LONG;
    ll.u.items = long_list;
    pb b = pb_new();
    pb_rule(&b, "slow", PR_RULE, PS_EVENT, 3, 1);
    pb_op(&b, PAL_MK_A(OP_EMIT, 0));
    pb_op(&b, PAL_MK_A(OP_LOAD_FIELD, (uint32_t)field_of(PS_EVENT, "process.args")));
    pb_op(&b, PAL_MK_A(OP_ITER_INIT, 0));
    uint32_t head = pb_op(&b, PAL_MK_ABJ(OP_ITER_NEXT, 0, 0));
    pb_op(&b, PAL_MK_SJ(OP_JUMP, -2));
    uint32_t stop = pb_op(&b, OP_HALT);
    pb_end(&b);
    pb_patch(&b, head, stop);
    pb_outcome(&b, PE_ALERT, SEV_LOW, "slow");
    pal_program *p = prepare(&b);
    pal_vm *vm = pal_vm_new(p);
    test_event ev;
    ev_init(&ev);
    ev_set(&ev, "process.args", ll);
    CHECK_INT(pal_vm_run(vm, 0, &ev.rec, 2 * LONG), PAL_VM_BUDGET);
    CHECK_INT(pal_vm_nemits(vm), 1);
    CHECK_INT(pal_vm_run(vm, 0, &ev.rec, 2 * LONG + 5), PAL_VM_OK);   /* 3 + 2 per item + exit + HALT */
    CHECK_INT(pal_vm_run(vm, 0, &ev.rec, 2 * LONG + 4), PAL_VM_BUDGET);
    CHECK_STR(pal_vm_strerror(PAL_VM_BUDGET), "instruction budget exhausted (the rule does too much work for one input)");
    CHECK(strcmp(pal_vm_strerror(PAL_VM_FAULT), pal_vm_strerror(PAL_VM_STACK)) != 0);
    pal_vm_free(vm);
    pal_program_free(p);

    /* the budget counts instructions exactly: 3 instructions need 3 */
    b = pb_new();
    pb_rule(&b, "three", PR_RULE, PS_EVENT, 0, 1);
    pb_op(&b, OP_PUSH_TRUE);
    pb_op(&b, OP_POP);
    pb_op(&b, OP_HALT);
    pb_end(&b);
    p = prepare(&b);
    vm = pal_vm_new(p);
    CHECK_INT(pal_vm_run(vm, 0, &ev.rec, 3), PAL_VM_OK);
    CHECK_INT(pal_vm_run(vm, 0, &ev.rec, 2), PAL_VM_BUDGET);
    CHECK_INT(pal_vm_run(vm, 0, &ev.rec, 0), PAL_VM_BUDGET);
    pal_vm_free(vm);
    pal_program_free(p);

    /* more EMITs than PAL_MAX_EMITS: the rest are dropped and counted */
    enum { N = PAL_MAX_EMITS + 500 };
    static pal_value items[N];
    for (int i = 0; i < N; i++) items[i] = I(i);
    pal_value list = pal_undef();
    list.tag = PV_LIST;
    list.len = N;
    list.u.items = items;
    ev_set(&ev, "process.args", list);
    b = pb_new();
    pb_rule(&b, "many", PR_RULE, PS_EVENT, 3, 1);
    pb_op(&b, PAL_MK_A(OP_LOAD_FIELD, (uint32_t)field_of(PS_EVENT, "process.args")));
    pb_op(&b, PAL_MK_A(OP_ITER_INIT, 0));
    uint32_t loop = pb_op(&b, PAL_MK_ABJ(OP_ITER_NEXT, 0, 0));
    pb_op(&b, PAL_MK_A(OP_EMIT, 0));
    pb_op(&b, PAL_MK_SJ(OP_JUMP, -3));
    uint32_t end = pb_op(&b, OP_HALT);
    pb_end(&b);
    pb_patch(&b, loop, end);
    pb_outcome(&b, PE_ALERT, SEV_LOW, "item");
    pb_msg_text(&b, "item ");
    pb_msg_expr(&b);
    pb_op(&b, PAL_MK_A(OP_LOAD_LOCAL, 2));
    pb_op(&b, OP_HALT);
    pb_msg_end(&b);
    p = prepare(&b);
    vm = pal_vm_new(p);
    CHECK_INT(pal_vm_run(vm, 0, &ev.rec, PAL_VM_BUDGET_EVENT), PAL_VM_OK);
    CHECK_INT(pal_vm_nemits(vm), PAL_MAX_EMITS);
    CHECK_INT(pal_vm_dropped_emits(vm), 500);
    pal_vm_render(vm, 0, &ev.rec, pal_vm_emit(vm, PAL_MAX_EMITS - 1), text, sizeof text);
    CHECK_STR(text, "item 999");
    pal_vm_render(vm, 0, &ev.rec, pal_vm_emit(vm, 7), text, sizeof text);
    CHECK_STR(text, "item 7");
    /* an emit of another rule renders as nothing rather than misreading */
    pal_emit bogus = {5, 0, NULL};
    CHECK_INT(pal_vm_render(vm, 0, &ev.rec, &bogus, text, sizeof text), 0);
    CHECK_STR(text, "");
    pal_vm_free(vm);
    pal_program_free(p);
}

static void test_render(void)
{
    pb b = pb_new();
    pb_rule(&b, "r", PR_RULE, PS_EVENT, 0, 1);
    pb_op(&b, PAL_MK_A(OP_EMIT, 0));
    pb_op(&b, PAL_MK_A(OP_EMIT, 1));
    pb_op(&b, OP_HALT);
    pb_end(&b);
    pb_outcome(&b, PE_ALERT, SEV_LOW, "ascii");
    pb_msg_text(&b, "0123456789abcdefghijklmnopqrstuvwxyz");
    pb_outcome(&b, PE_ALERT, SEV_LOW, "utf8");
    pb_msg_text(&b, "ééééééééééééééé");   /* 2 bytes each */
    pb_msg_expr(&b);
    pb_op(&b, OP_PUSH_TRUE);
    pb_op(&b, OP_HALT);
    pb_msg_end(&b);
    pal_program *p = prepare(&b);
    pal_vm *vm = pal_vm_new(p);
    test_event ev;
    ev_init(&ev);
    CHECK_INT(pal_vm_run(vm, 0, &ev.rec, 100), PAL_VM_OK);
    CHECK_INT(pal_vm_nemits(vm), 2);
    const pal_emit *a = pal_vm_emit(vm, 0), *u = pal_vm_emit(vm, 1);
    char small[16];
    size_t n = pal_vm_render(vm, 0, &ev.rec, a, small, sizeof small);
    CHECK_INT(n, 15);
    CHECK_STR(small, "0123456789ab…");
    n = pal_vm_render(vm, 0, &ev.rec, a, small, 4);
    CHECK_STR(small, "…");
    n = pal_vm_render(vm, 0, &ev.rec, a, small, 3);
    CHECK_STR(small, "01");
    n = pal_vm_render(vm, 0, &ev.rec, a, small, 1);
    CHECK_STR(small, "");
    CHECK_INT(pal_vm_render(vm, 0, &ev.rec, a, small, 0), 0);
    n = pal_vm_render(vm, 0, &ev.rec, u, text, sizeof text);
    CHECK_STR(text, "ééééééééééééééétrue");
    /* cap 16: 15 bytes of room, 12 before "…": 6 whole é */
    n = pal_vm_render(vm, 0, &ev.rec, u, small, sizeof small);
    CHECK_STR(small, "éééééé…");
    /* cap 15: 14 bytes of room, 11 before "…": 5 é, never half of one */
    n = pal_vm_render(vm, 0, &ev.rec, u, small, 15);
    CHECK_STR(small, "ééééé…");
    CHECK_INT(n, strlen(small));
    /* exactly fitting is not truncated */
    char fit[37];
    n = pal_vm_render(vm, 0, &ev.rec, a, fit, sizeof fit);
    CHECK_STR(fit, "0123456789abcdefghijklmnopqrstuvwxyz");
    pal_vm_free(vm);
    pal_program_free(p);
}

static pal_program *one_matcher(unsigned kind, unsigned flags, const char *const *items, size_t n)
{
    pb b = pb_new();
    pb_strs(&b, kind, flags, items, n);
    return prepare(&b);
}

static void test_strset_dnsset(void)
{
    const char *shells[] = {"cmd.exe", "PowerShell.exe", "C:\\Windows\\System32\\wscript.exe", "cmd.exe"};
    pal_program *p = one_matcher(PM_STRSET, 0, shells, 4);
    const pal_matcher *m = &p->matchers[0];
    CHECK(pal_matcher_match(p, m, S("cmd.exe"), NULL));
    CHECK(!pal_matcher_match(p, m, S("CMD.EXE"), NULL));
    CHECK(pal_matcher_match(p, m, W("CMD.EXE"), NULL));
    CHECK(pal_matcher_match(p, m, W("powershell.exe"), NULL));
    CHECK(!pal_matcher_match(p, m, S("powershell.exe"), NULL));
    CHECK(pal_matcher_match(p, m, W("c:/windows/system32/WSCRIPT.exe"), NULL));
    CHECK(!pal_matcher_match(p, m, W("c:/windows/system32/WSCRIPT.exe "), NULL));
    CHECK(!pal_matcher_match(p, m, S("cmd.ex"), NULL));
    CHECK(!pal_matcher_match(p, m, S(""), NULL));
    CHECK(!pal_matcher_match(p, m, U(), NULL));
    CHECK(!pal_matcher_match(p, m, I(1), NULL));
    pal_value items[] = {S("a"), I(3), S("cmd.exe")};
    pal_value list = pal_undef();
    list.tag = PV_LIST;
    list.len = 3;
    list.u.items = items;
    CHECK(pal_matcher_match(p, m, list, NULL));
    list.len = 2;
    CHECK(!pal_matcher_match(p, m, list, NULL));
    pal_program_free(p);

    const char *names[] = {"Example"};
    p = one_matcher(PM_STRSET, PMF_NOCASE, names, 1);
    CHECK(pal_matcher_match(p, &p->matchers[0], S("EXAMPLE"), NULL));
    CHECK(pal_matcher_match(p, &p->matchers[0], S("example"), NULL));
    CHECK(!pal_matcher_match(p, &p->matchers[0], S("exampl"), NULL));
    pal_program_free(p);

    /* a large set: lookups stay exact */
    pb b = pb_new();
    pb_matcher(&b, PM_STRSET, 0);
    char buf[32];
    for (int i = 0; i < 3000; i++) { snprintf(buf, sizeof buf, "name-%d", i); pb_item_str(&b, buf); }
    p = prepare(&b);
    CHECK(pal_matcher_match(p, &p->matchers[0], S("name-2999"), NULL));
    CHECK(pal_matcher_match(p, &p->matchers[0], W("NAME-0"), NULL));
    CHECK(!pal_matcher_match(p, &p->matchers[0], S("name-3000"), NULL));
    pal_program_free(p);

    const char *domains[] = {"*.google.com", "example.org", "Exact.NET.", "*.co.uk"};
    p = one_matcher(PM_DNSSET, PMF_NOCASE, domains, 4);
    m = &p->matchers[0];
    const char *probe[] = {"www.google.com", "a.b.google.com", "google.com", "badgoogle.com",
                           "WWW.GOOGLE.COM.", "example.org", "EXAMPLE.ORG", "sub.example.org",
                           "exact.net", "exact.net.", "x.exact.net", ".google.com", "a..google.com",
                           "google.com.evil", "bbc.co.uk", "co.uk", "", ".", "a.b.c.d.e.f.co.uk"};
    for (size_t i = 0; i < sizeof probe / sizeof probe[0]; i++) {
        bool want = false;
        for (size_t k = 0; k < 4; k++)
            want = want || pal_dns_match(domains[k], strlen(domains[k]), probe[i], strlen(probe[i]));
        bool got = pal_matcher_match(p, m, S(probe[i]), NULL);
        if (got != want) fprintf(stderr, "dnsset %s: got %d want %d\n", probe[i], got, want);
        CHECK(got == want);
    }
    CHECK(pal_matcher_match(p, m, S("www.google.com"), NULL));
    CHECK(!pal_matcher_match(p, m, S("google.com"), NULL));
    CHECK(!pal_matcher_match(p, m, S("badgoogle.com"), NULL));
    pal_program_free(p);
    const char *all[] = {"*"};
    p = one_matcher(PM_DNSSET, PMF_NOCASE, all, 1);
    CHECK(pal_matcher_match(p, &p->matchers[0], S("anything.at.all"), NULL));
    CHECK(!pal_matcher_match(p, &p->matchers[0], I(1), NULL));
    pal_program_free(p);
}

static void test_globset(void)
{
    const char *pats[] = {"C:\\Windows\\*.exe", "/usr/bin/*", "**/tmp/**", "literal.txt", "?.sh"};
    pal_program *p = one_matcher(PM_GLOBSET, PMF_PATHGLOB, pats, 5);
    const pal_matcher *m = &p->matchers[0];
    struct { pal_value v; bool want; } cases[] = {
        {W("c:/windows/cmd.exe"), true},
        {W("C:\\Windows\\System32\\cmd.exe"), false},
        {S("/usr/bin/ls"), true},
        {S("/usr/bin/x/ls"), false},
        {S("/a/tmp/b/c"), true},
        {S("literal.txt"), true},
        {S("LITERAL.TXT"), false},
        {W("LITERAL.TXT"), true},
        {S("a.sh"), true},
        {S("ab.sh"), false},
        {S("/a.sh"), false},
        {I(3), false},
        {U(), false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bool got = pal_matcher_match(p, m, cases[i].v, NULL);
        if (got != cases[i].want) fprintf(stderr, "globset case %zu: got %d\n", i, got);
        CHECK(got == cases[i].want);
    }
    /* agrees with pal_glob_match pattern by pattern */
    const char *subjects[] = {"/usr/bin/ls", "C:\\Windows\\x.exe", "x/tmp/y", "literal.txt", "b.sh", "zzz"};
    for (size_t s = 0; s < sizeof subjects / sizeof subjects[0]; s++) {
        for (int w = 0; w < 2; w++) {
            bool want = false;
            for (size_t k = 0; k < 5; k++)
                want = want || pal_glob_match(pats[k], strlen(pats[k]), subjects[s], strlen(subjects[s]), true, w);
            CHECK(pal_matcher_match(p, m, w ? W(subjects[s]) : S(subjects[s]), NULL) == want);
        }
    }
    pal_program_free(p);
    /* without PMF_PATHGLOB, * crosses separators */
    const char *any[] = {"/usr/*"};
    p = one_matcher(PM_GLOBSET, 0, any, 1);
    CHECK(pal_matcher_match(p, &p->matchers[0], S("/usr/bin/ls"), NULL));
    CHECK(!pal_matcher_match(p, &p->matchers[0], S("/opt/bin/ls"), NULL));
    pal_program_free(p);
}

static void test_cidr_range(void)
{
    pb b = pb_new();
    pb_matcher(&b, PM_CIDRSET, 0);
    pb_item_cidr(&b, "10.0.0.0/8");
    pb_item_cidr(&b, "192.168.1.0/24");
    pb_item_cidr(&b, "2001:db8::/32");
    pb_item_cidr(&b, "1.1.1.1");
    pb_item_cidr(&b, "10.1.0.0/16");   /* nested in 10/8 */
    pb_matcher(&b, PM_CIDRSET, 0);
    pb_item_cidr(&b, "0.0.0.0/0");
    pb_matcher(&b, PM_RANGESET, 0);
    pb_item_range(&b, 443, 443);
    pb_item_range(&b, 80, 80);
    pb_item_range(&b, 8000, 8080);
    pb_item_range(&b, 8070, 9000);
    pb_item_range(&b, 9001, 9001);     /* touching: merged */
    pb_matcher(&b, PM_RANGESET, 0);
    pb_item_range(&b, INT64_MIN, -1);
    pb_item_range(&b, INT64_MAX, INT64_MAX);
    pal_program *p = prepare(&b);
    const pal_matcher *c = &p->matchers[0], *all4 = &p->matchers[1], *r = &p->matchers[2], *edge = &p->matchers[3];
    struct { const char *ip; bool want; } ips[] = {
        {"10.2.3.4", true}, {"10.255.255.255", true}, {"11.0.0.1", false}, {"9.255.255.255", false},
        {"192.168.1.77", true}, {"192.168.2.1", false}, {"2001:db8::5", true}, {"2001:db9::1", false},
        {"1.1.1.1", true}, {"1.1.1.2", false}, {"::ffff:10.0.0.1", true}, {"::1", false},
    };
    for (size_t i = 0; i < sizeof ips / sizeof ips[0]; i++) {
        bool got = pal_matcher_match(p, c, pb_ip(ips[i].ip), NULL);
        if (got != ips[i].want) fprintf(stderr, "cidrset %s: got %d\n", ips[i].ip, got);
        CHECK(got == ips[i].want);
    }
    CHECK(!pal_matcher_match(p, c, S("10.0.0.1"), NULL));
    CHECK(!pal_matcher_match(p, c, U(), NULL));
    CHECK(pal_matcher_match(p, all4, pb_ip("203.0.113.9"), NULL));
    CHECK(!pal_matcher_match(p, all4, pb_ip("2001:db8::1"), NULL));
    struct { int64_t x; bool want; } ports[] = {
        {80, true}, {81, false}, {443, true}, {442, false}, {7999, false}, {8000, true},
        {8500, true}, {9000, true}, {9001, true}, {9002, false}, {0, false}, {-5, false},
    };
    for (size_t i = 0; i < sizeof ports / sizeof ports[0]; i++)
        CHECK(pal_matcher_match(p, r, I(ports[i].x), NULL) == ports[i].want);
    CHECK(!pal_matcher_match(p, r, S("80"), NULL));
    CHECK(pal_matcher_match(p, edge, I(INT64_MIN), NULL));
    CHECK(pal_matcher_match(p, edge, I(-1), NULL));
    CHECK(!pal_matcher_match(p, edge, I(0), NULL));
    CHECK(pal_matcher_match(p, edge, I(INT64_MAX), NULL));
    pal_program_free(p);
}

static void test_regex(void)
{
    const char *pat[] = {"^cmd\\.exe$"};
    pal_program *p = one_matcher(PM_REGEX, 0, pat, 1);
    pal_vm *vm = pal_vm_new(p);
    const pal_matcher *m = &p->matchers[0];
    CHECK(pal_matcher_match(p, m, S("cmd.exe"), pal_vm_match_data(vm)));
    CHECK(!pal_matcher_match(p, m, S("xcmd.exe"), pal_vm_match_data(vm)));
    CHECK(!pal_matcher_match(p, m, S("CMD.EXE"), NULL));
    CHECK(!pal_matcher_match(p, m, S("\xff\xfe\x80"), pal_vm_match_data(vm)));   /* invalid UTF-8 */
    CHECK(!pal_matcher_match(p, m, I(5), NULL));
    pal_vm_free(vm);
    pal_program_free(p);

    const char *nocase[] = {"powershell"};
    p = one_matcher(PM_REGEX, PMF_NOCASE, nocase, 1);
    CHECK(pal_matcher_match(p, &p->matchers[0], S("C:\\PowerShell.exe -enc"), NULL));
    pal_program_free(p);

    /* catastrophic backtracking is cut off by the match limit */
    const char *evil[] = {"^(a+)+$"};
    p = one_matcher(PM_REGEX, 0, evil, 1);
    vm = pal_vm_new(p);
    static char subject[4096];
    memset(subject, 'a', sizeof subject - 2);
    subject[sizeof subject - 2] = '!';
    clock_t t0 = clock();
    CHECK(!pal_matcher_match(p, &p->matchers[0], S(subject), pal_vm_match_data(vm)));
    CHECK((double)(clock() - t0) / CLOCKS_PER_SEC < 2.0);
    pal_vm_free(vm);
    pal_program_free(p);

    /* A pattern that does not compile (only a crafted bundle has one: the
       checker refuses it, PAL0406) loads, because patterns compile on
       first use, and matches nothing; pal_program_check_regexes names it
       and the offset. */
    pb b = pb_new();
    const char *bad[] = {"(abc"};
    pb_strs(&b, PM_REGEX, 0, bad, 1);
    p = pb_take(&b);
    char err[256];
    CHECK_INT(pal_program_prepare(p, err, sizeof err), 0);
    CHECK(!pal_matcher_match(p, &p->matchers[0], S("abc"), NULL));
    CHECK(!pal_matcher_match(p, &p->matchers[0], S("(abc"), NULL));
    CHECK_INT(pal_program_check_regexes(p, err, sizeof err), -1);
    CHECK(strstr(err, "\"(abc\"") != NULL);
    CHECK(strstr(err, "offset 4") != NULL);
    pal_program_free(p);
    /* used by a rule: the error names the rule */
    b = pb_new();
    uint32_t mre = pb_strs(&b, PM_REGEX, 0, bad, 1);
    pb_rule(&b, "Encoded PowerShell", PR_RULE, PS_EVENT, 0, 1);
    pb_op(&b, PAL_MK_AB(OP_MATCH_FIELD, mre, (uint32_t)field_of(PS_EVENT, "process.command_line")));
    pb_op(&b, OP_POP);
    pb_op(&b, OP_HALT);
    pb_end(&b);
    p = pb_take(&b);
    CHECK_INT(pal_program_prepare(p, err, sizeof err), 0);
    CHECK_INT(pal_program_check_regexes(p, err, sizeof err), -1);
    CHECK(strncmp(err, "rule 0 (\"Encoded PowerShell\"), matcher 0: regex \"(abc\" does not compile at offset 4: ", 82) == 0);
    pal_program_free(p);
    /* every pattern compiles: 0, and the patterns are compiled after it */
    p = one_matcher(PM_REGEX, 0, pat, 1);
    CHECK_INT(pal_program_check_regexes(p, err, sizeof err), 0);
    CHECK(pal_matcher_match(p, &p->matchers[0], S("cmd.exe"), NULL));
    pal_program_free(p);
}

/* Matchers with the same pattern and flags share one compiled pattern;
   other flags, or another pattern, get their own. */
static void test_regex_shared(void)
{
    pb b = pb_new();
    const char *a[] = {"^ab+c$"}, *other[] = {"^ab+d$"};
    pb_strs(&b, PM_REGEX, 0, a, 1);
    pb_strs(&b, PM_REGEX, 0, other, 1);
    pb_strs(&b, PM_REGEX, 0, a, 1);
    pb_strs(&b, PM_REGEX, PMF_NOCASE, a, 1);
    pal_program *p = prepare(&b);
    const pal_matcher *m = p->matchers;
    CHECK(m[0].rt != NULL && m[0].rt == m[2].rt);
    CHECK(m[1].rt != m[0].rt);
    CHECK(m[3].rt != m[0].rt);
    CHECK(pal_matcher_match(p, &m[2], S("abbbc"), NULL));
    CHECK(pal_matcher_match(p, &m[0], S("abc"), NULL));
    CHECK(!pal_matcher_match(p, &m[0], S("ABC"), NULL));
    CHECK(pal_matcher_match(p, &m[3], S("ABC"), NULL));
    CHECK(pal_matcher_match(p, &m[1], S("abd"), NULL));
    /* preparing again (the compiler does, after a rebuild) drops and
       rebuilds the shared records without leaking or double-freeing */
    char err[256];
    CHECK_INT(pal_program_prepare(p, err, sizeof err), 0);
    CHECK(p->matchers[0].rt == p->matchers[2].rt);
    CHECK(pal_matcher_match(p, &p->matchers[2], S("abc"), NULL));
    pal_program_free(p);
}

/* A fresh program shared by threads that all race to the first use of the
   same patterns: each pattern compiles once and every thread sees the
   compiled code (under ASan/UBSan a torn publication would show). */
enum { RACE_THREADS = 4, RACE_PATTERNS = 64 };
typedef struct race { const pal_program *p; unsigned wrong; } race;

static void *race_run(void *arg)
{
    race *r = arg;
    pal_vm *vm = pal_vm_new(r->p);
    char subject[32];
    for (unsigned round = 0; round < 4; round++)
        for (unsigned i = 0; i < RACE_PATTERNS; i++) {
            snprintf(subject, sizeof subject, "x token%u y", i);
            const pal_matcher *m = &r->p->matchers[i];
            pal_value v = {.tag = PV_STR, .u.s = subject, .len = (uint32_t)strlen(subject)};
            if (!pal_matcher_match(r->p, m, v, pal_vm_match_data(vm))) r->wrong++;
            snprintf(subject, sizeof subject, "x token%u y", i + 1000);
            v.len = (uint32_t)strlen(subject);
            if (pal_matcher_match(r->p, m, v, pal_vm_match_data(vm))) r->wrong++;
        }
    pal_vm_free(vm);
    return NULL;
}

static void test_regex_threads(void)
{
    pb b = pb_new();
    static char pats[RACE_PATTERNS][32];
    for (unsigned i = 0; i < RACE_PATTERNS; i++) {
        snprintf(pats[i], sizeof pats[i], "\\btoken%u\\b", i);
        const char *one[] = {pats[i]};
        pb_strs(&b, PM_REGEX, 0, one, 1);
    }
    pal_program *p = prepare(&b);
    race r[RACE_THREADS];
    pthread_t t[RACE_THREADS];
    for (unsigned i = 0; i < RACE_THREADS; i++) {
        r[i] = (race){p, 0};
        CHECK_INT(pthread_create(&t[i], NULL, race_run, &r[i]), 0);
    }
    for (unsigned i = 0; i < RACE_THREADS; i++) {
        pthread_join(t[i], NULL);
        CHECK_INT(r[i].wrong, 0);
    }
    pal_program_free(p);
}

static void test_fields_used(void)
{
    pb b = pb_new();
    const char *ports[] = {"x"};
    uint32_t m = pb_strs(&b, PM_STRSET, 0, ports, 1);
    uint32_t fname = (uint32_t)field_of(PS_EVENT, "process.name");
    uint32_t fport = (uint32_t)field_of(PS_EVENT, "destination.port");
    uint32_t fuser = (uint32_t)field_of(PS_EVENT, "user.name");
    pb_rule(&b, "r", PR_RULE, PS_EVENT, 0, 2);
    pb_op(&b, PAL_MK_A(OP_LOAD_FIELD, fname));
    pb_op(&b, OP_POP);
    pb_op(&b, PAL_MK_AB(OP_MATCH_FIELD, m, fport));
    pb_op(&b, OP_POP);
    pb_op(&b, PAL_MK_A(OP_EMIT, 0));
    pb_op(&b, OP_HALT);
    pb_end(&b);
    pb_outcome(&b, PE_ALERT, SEV_LOW, "x");
    pb_msg_expr(&b);
    pb_op(&b, PAL_MK_A(OP_LOAD_FIELD, fuser));
    pb_op(&b, OP_HALT);
    pb_msg_end(&b);
    /* an image check reading its field 0 must not mark event field 0 */
    pb_rule(&b, "c", PR_CHECK, PS_IMAGE, 0, 1);
    pb_op(&b, PAL_MK_A(OP_LOAD_FIELD, 0));
    pb_op(&b, OP_POP);
    pb_op(&b, OP_HALT);
    pb_end(&b);
    pal_program *p = prepare(&b);
    int set = 0;
    for (unsigned f = 0; f < 512; f++)
        if (p->event_fields_used[f / 8] & (1u << (f % 8))) {
            set++;
            CHECK(f == fname || f == fport || f == fuser);
        }
    CHECK_INT(set, 3);
    pal_program_free(p);
}

/* A record's `written` bitmap (engine/core/value.h): a slot whose bit is
   clear is undefined to every instruction that reads fields, whatever its
   memory holds (the event decoder leaves such slots uninitialised). */
static void test_unwritten_slots(void)
{
    test_event ev;
    ev_init(&ev);
    uint32_t fname = (uint32_t)field_of(PS_EVENT, "process.name");
    uint32_t fuser = (uint32_t)field_of(PS_EVENT, "user.name");
    ev_set(&ev, "process.name", S("bash"));
    ev_set(&ev, "user.name", S("junk"));          /* never written: junk */
    uint64_t written[8] = {0};
    written[fname >> 6] |= 1ull << (fname & 63);
    ev.rec.written = written;
    pb b = pb_new();
    pal_instr o1[] = {PAL_MK_A(OP_LOAD_FIELD, fuser), OP_HALT};
    CHECK_STR(eval_on(&b, o1, 2, &ev.rec, PS_EVENT), "<undefined>");
    b = pb_new();
    pal_instr o2[] = {PAL_MK_A(OP_LOAD_FIELD, fuser), OP_EXISTS, OP_HALT};
    CHECK_STR(eval_on(&b, o2, 3, &ev.rec, PS_EVENT), "false");
    b = pb_new();
    pal_instr o3[] = {PAL_MK_A(OP_LOAD_FIELD, fname), OP_EXISTS, OP_HALT};
    CHECK_STR(eval_on(&b, o3, 3, &ev.rec, PS_EVENT), "true");
    b = pb_new();
    const char *junk[] = {"junk"};
    uint32_t m = pb_strs(&b, PM_STRSET, 0, junk, 1);
    pal_instr o4[] = {PAL_MK_AB(OP_MATCH_FIELD, m, fuser), OP_HALT};
    CHECK_STR(eval_on(&b, o4, 2, &ev.rec, PS_EVENT), "false");
    /* the same record with every slot written sees the junk: the bitmap is what hid it */
    ev.rec.written = NULL;
    b = pb_new();
    m = pb_strs(&b, PM_STRSET, 0, junk, 1);
    pal_instr o5[] = {PAL_MK_AB(OP_MATCH_FIELD, m, fuser), OP_HALT};
    CHECK_STR(eval_on(&b, o5, 2, &ev.rec, PS_EVENT), "true");
}

static void test_unverified_guards(void)
{
    /* pal_vm_run on a program that skipped the verifier: the VM's own guards
       turn an overflow into an error, not a write past the stack */
    pb b = pb_new();
    pb_rule(&b, "bad", PR_RULE, PS_EVENT, 0, 1);
    pb_op(&b, OP_PUSH_TRUE);
    pb_op(&b, OP_PUSH_TRUE);
    pb_op(&b, OP_HALT);
    pb_end(&b);
    pal_program *p = pb_take(&b);
    pal_vm *vm = pal_vm_new(p);
    test_event ev;
    ev_init(&ev);
    CHECK_INT(pal_vm_run(vm, 0, &ev.rec, 100), PAL_VM_STACK);
    pal_vm_free(vm);
    p->code[0] = OP_POP;
    vm = pal_vm_new(p);
    CHECK_INT(pal_vm_run(vm, 0, &ev.rec, 100), PAL_VM_FAULT);
    p->code[0] = PAL_MK_SJ(OP_JUMP, 50);
    CHECK_INT(pal_vm_run(vm, 0, &ev.rec, 100), PAL_VM_FAULT);
    p->code[0] = 250;
    CHECK_INT(pal_vm_run(vm, 0, &ev.rec, 100), PAL_VM_FAULT);
    pal_vm_free(vm);
    pal_program_free(p);
}

int main(void)
{
    test_names();
    test_comparisons();
    test_arithmetic();
    test_logic();
    test_string_ops();
    test_builtins();
    test_fields_and_lists();
    test_quantifiers();
    test_budget_and_emits();
    test_render();
    test_strset_dnsset();
    test_globset();
    test_cidr_range();
    test_regex();
    test_regex_shared();
    test_regex_threads();
    test_fields_used();
    test_unverified_guards();
    test_unwritten_slots();
    return unit_result("test_vm");
}

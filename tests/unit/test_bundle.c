/*
 * test_bundle.c — bundle round trip, corruption, and the disassembler.
 *
 * The corruption tests are the point: a bundle is untrusted input.  Every
 * single byte of a small bundle is flipped in turn and the bundle is cut at
 * every length; each must be rejected with an error and none may crash.
 * Then the same flips are made with the checksum recomputed, so the
 * structural checks behind the checksum are exercised too: those bundles
 * are either rejected or load as verified programs that run safely.
 *
 * Signed bundles: every byte of a signed bundle flipped, and every cut, is
 * refused by a reader with the trusted key (and without one, except the
 * cut that removes exactly the trailer, which leaves a valid unsigned
 * bundle); re-signing with another key, stripping the signature and
 * re-sealing an altered body behind the old signature are all refused.
 */
#include "unit.h"
#include "engine/base/fileio.h"
#include "prog_builder.h"
#include "engine/vm/bundle.h"
#include "engine/vm/vm.h"
#include "engine/vm/verify.h"
#include "engine/runtime/index.h"
#include "engine/base/limits.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static uint32_t fld(unsigned s, const char *n) { return (uint32_t)field_of(s, n); }

static pal_program *sample(void)
{
    pb b = pb_new();
    pb_const(&b, pal_undef());
    pb_const(&b, pal_bool(true));
    uint32_t kint = pb_cint(&b, -1234567890123ll);
    uint32_t kwin = pb_cstr(&b, "C:\\Windows\\System32\\cmd.exe", PVF_WINDOWS);
    pb_cip(&b, "1.1.1.1");
    pb_cip(&b, "2001:db8::1");
    const char *shells[] = {"cmd.exe", "powershell.exe"};
    uint32_t mshell = pb_strs(&b, PM_STRSET, 0, shells, 2);
    const char *globs[] = {"C:\\app\\*.exe"};
    pb_strs(&b, PM_GLOBSET, PMF_PATHGLOB, globs, 1);
    const char *dns[] = {"*.google.com"};
    pb_strs(&b, PM_DNSSET, PMF_NOCASE, dns, 1);
    uint32_t mcidr = pb_matcher(&b, PM_CIDRSET, 0);
    pb_item_cidr(&b, "1.1.1.1/32");
    pb_item_cidr(&b, "fd00::/8");
    uint32_t mports = pb_matcher(&b, PM_RANGESET, 0);
    pb_item_range(&b, 4444, 4444);
    pb_item_range(&b, 6660, 6669);
    const char *re[] = {"-enc(odedcommand)?\\s"};
    pb_strs(&b, PM_REGEX, PMF_NOCASE, re, 1);
    pb_source(&b, "policies/win.pal", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
    pb_source(&b, "lib/windows.pal", "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752");

    /* rule 0: deny shells (prevent), alert on 1.1.1.1 or bad ports */
    pb_rule(&b, "Windows container runtime rule", PR_RUNTIME, PS_EVENT, 0, 2);
    pb_meta(&b, "title", "wincontainerapp");
    pb_op(&b, PAL_MK_AB(OP_MATCH_FIELD, mshell, fld(PS_EVENT, "process.name")));
    pb_op(&b, PAL_MK_SJ(OP_JUMP_IF_FALSE, 1));
    pb_op(&b, PAL_MK_A(OP_EMIT, 0));
    pb_op(&b, PAL_MK_A(OP_LOAD_FIELD, fld(PS_EVENT, "destination.ip")));
    pb_op(&b, PAL_MK_A(OP_MATCH, mcidr));
    pb_op(&b, PAL_MK_SJ(OP_OR_JUMP, 2));
    pb_op(&b, PAL_MK_AB(OP_MATCH_FIELD, mports, fld(PS_EVENT, "destination.port")));
    pb_op(&b, OP_TO_BOOL);
    pb_op(&b, PAL_MK_SJ(OP_JUMP_IF_FALSE, 1));
    pb_op(&b, PAL_MK_A(OP_EMIT, 1));
    pb_op(&b, PAL_MK_A(OP_PUSH_CONST, kint));
    pb_op(&b, PAL_MK_A(OP_PUSH_CONST, kwin));
    pb_op(&b, OP_POP);
    pb_op(&b, OP_POP);
    pb_op(&b, OP_HALT);
    pb_end(&b);
    pb_outcome(&b, PE_PREVENT, SEV_HIGH, "deny process shells");
    pb_msg_text(&b, "shell ");
    pb_msg_expr(&b);
    pb_op(&b, PAL_MK_A(OP_LOAD_FIELD, fld(PS_EVENT, "process.executable")));
    pb_op(&b, OP_HALT);
    pb_msg_end(&b);
    pb_msg_text(&b, " denied");
    pb_outcome(&b, PE_ALERT, SEV_MEDIUM, "deny outbound 1.1.1.1, ports 4444 6660-6669");
    pb_msg_text(&b, "connection to ");
    pb_msg_expr(&b);
    pb_op(&b, PAL_MK_A(OP_LOAD_FIELD, fld(PS_EVENT, "destination.ip")));
    pb_op(&b, OP_HALT);
    pb_msg_end(&b);

    /* rule 1: a check over image files */
    pb_rule(&b, "PAL-0422", PR_CHECK, PS_IMAGE, 3, 1);
    pb_meta(&b, "severity", "critical");
    pb_op(&b, PAL_MK_A(OP_LOAD_FIELD, fld(PS_IMAGE, "image.files")));
    pb_op(&b, PAL_MK_A(OP_ITER_INIT, 0));
    pb_op(&b, PAL_MK_ABJ(OP_ITER_NEXT, 0, 4));
    pb_op(&b, PAL_MK_AB(OP_LOAD_LOCAL_FIELD, 2, fld(PS_FILE, "setuid")));
    pb_op(&b, PAL_MK_SJ(OP_JUMP_IF_FALSE, -3));
    pb_op(&b, PAL_MK_A(OP_EMIT, 0));
    pb_op(&b, PAL_MK_SJ(OP_JUMP, -5));
    pb_op(&b, OP_HALT);
    pb_end(&b);
    pb_outcome(&b, PE_FAIL, SEV_CRITICAL, "setuid file");
    pb_msg_expr(&b);
    pb_op(&b, PAL_MK_A(OP_LOAD_LOCAL, 2));
    pb_op(&b, PAL_MK_A(OP_GET_FIELD, fld(PS_FILE, "path")));
    pb_op(&b, PAL_MK_AB(OP_CALL, PAL_BI_basename, 1));
    pb_op(&b, OP_HALT);
    pb_msg_end(&b);
    pb_msg_text(&b, " is setuid");
    pal_program *p = pb_take(&b);
    char err[512];
    int rc = pal_program_prepare(p, err, sizeof err);
    if (rc) fprintf(stderr, "sample: %s\n", err);
    CHECK_INT(rc, 0);
    /* the rule index's hints, as `palisade build` writes them: rule 0 is
       indexed (the flips below reach the hint sections too) */
    CHECK_INT(pal_index_attach_hints(p), 0);
    CHECK(p->nixrules == 2 && p->ixrules[0].state == PAL_IX_INDEXED && p->nixatoms >= 1);
    return p;
}

static bool str_same(const pal_program *a, pal_str x, const pal_program *b, pal_str y)
{
    return x.len == y.len && memcmp(pal_program_str(a, x), pal_program_str(b, y), x.len) == 0;
}

static void check_equal(const pal_program *a, const pal_program *b)
{
    CHECK_INT(a->ncode, b->ncode);
    CHECK_INT(a->nconsts, b->nconsts);
    CHECK_INT(a->nmatchers, b->nmatchers);
    /* items shared by matchers are written once (bundle.c plan_items) */
    CHECK(b->nmitems <= a->nmitems);
    CHECK_INT(a->nrules, b->nrules);
    CHECK_INT(a->noutcomes, b->noutcomes);
    CHECK_INT(a->nmsgparts, b->nmsgparts);
    CHECK_INT(a->nmeta, b->nmeta);
    CHECK_INT(a->nsources, b->nsources);
    CHECK_INT(a->strings_len, b->strings_len);
    if (a->ncode != b->ncode || a->nconsts != b->nconsts || a->nmatchers != b->nmatchers ||
        a->nmitems != b->nmitems || a->nrules != b->nrules || a->noutcomes != b->noutcomes ||
        a->nmsgparts != b->nmsgparts || a->nmeta != b->nmeta || a->nsources != b->nsources ||
        a->strings_len != b->strings_len)
        return;
    CHECK(memcmp(a->strings, b->strings, a->strings_len) == 0);
    CHECK(memcmp(a->code, b->code, a->ncode * sizeof *a->code) == 0);
    CHECK(str_same(a, a->revision, b, b->revision));
    CHECK(a->build_time == b->build_time);
    CHECK(a->schema_digest == b->schema_digest);
    CHECK(memcmp(a->event_fields_used, b->event_fields_used, sizeof a->event_fields_used) == 0);
    for (uint32_t i = 0; i < a->nconsts; i++) {
        const pal_value *x = &a->consts[i], *y = &b->consts[i];
        CHECK_INT(x->tag, y->tag);
        CHECK_INT(x->flags, y->flags);
        CHECK_INT(x->len, y->len);
        if (x->tag == PV_STR) CHECK(x->u.s - a->strings == y->u.s - b->strings);
        else if (x->tag == PV_IP) CHECK(memcmp(x->u.ip, y->u.ip, 16) == 0);
        else CHECK(x->u.i == y->u.i);
    }
    /* items are stored by class (strings, ranges, networks: bundle.h), so
       a matcher's items are compared by what its kind reads, not by index */
    for (uint32_t i = 0; i < a->nmatchers; i++) {
        const pal_matcher *ma = &a->matchers[i], *mb = &b->matchers[i];
        CHECK_INT(ma->kind, mb->kind);
        CHECK_INT(ma->flags, mb->flags);
        CHECK_INT(ma->count, mb->count);
        CHECK(mb->rt != NULL);
        for (uint32_t k = 0; k < ma->count && k < mb->count; k++) {
            const pal_mitem *x = &a->mitems[ma->first + k], *y = &b->mitems[mb->first + k];
            if (ma->kind == PM_RANGESET) CHECK(x->lo == y->lo && x->hi == y->hi);
            else if (ma->kind == PM_CIDRSET)
                CHECK(memcmp(x->ip, y->ip, 16) == 0 && x->prefix == y->prefix && x->v6 == y->v6);
            else CHECK(x->s.off == y->s.off && x->s.len == y->s.len);
        }
    }
    for (uint32_t i = 0; i < a->nrules; i++) {
        const pal_rule *x = &a->rules[i], *y = &b->rules[i];
        CHECK(str_same(a, x->name, b, y->name) && str_same(a, x->src_file, b, y->src_file));
        CHECK(x->kind == y->kind && x->kinds == y->kinds && x->root == y->root && x->nlocals == y->nlocals &&
              x->max_stack == y->max_stack && x->code == y->code && x->code_len == y->code_len &&
              x->outcome_first == y->outcome_first && x->noutcomes == y->noutcomes &&
              x->meta_first == y->meta_first && x->nmeta == y->nmeta && x->src_line == y->src_line);
    }
    for (uint32_t i = 0; i < a->noutcomes; i++) {
        const pal_outcome *x = &a->outcomes[i], *y = &b->outcomes[i];
        CHECK(x->effect == y->effect && x->severity == y->severity && str_same(a, x->label, b, y->label) &&
              x->msg_first == y->msg_first && x->nmsg == y->nmsg);
    }
    for (uint32_t i = 0; i < a->nmsgparts; i++) {
        const pal_msgpart *x = &a->msgparts[i], *y = &b->msgparts[i];
        CHECK(x->is_expr == y->is_expr && x->s.off == y->s.off && x->s.len == y->s.len &&
              x->code == y->code && x->code_len == y->code_len);
    }
    CHECK_INT(a->nnetrules, b->nnetrules);
    for (uint32_t i = 0; i < a->nnetrules && i < b->nnetrules; i++)
    {
        const pal_netrule *x = &a->netrules[i], *y = &b->netrules[i];
        CHECK(x->rule == y->rule && x->outcome == y->outcome && x->action == y->action && x->effect == y->effect &&
              x->direction == y->direction && x->proto == y->proto && x->src_kind == y->src_kind &&
              x->dst_kind == y->dst_kind && x->src_m == y->src_m && x->dst_m == y->dst_m && x->port_m == y->port_m &&
              x->scope_code == y->scope_code && x->scope_len == y->scope_len);
    }
    for (uint32_t i = 0; i < a->nmeta; i++)
        CHECK(str_same(a, a->meta[i].key, b, b->meta[i].key) && str_same(a, a->meta[i].value, b, b->meta[i].value));
    for (uint32_t i = 0; i < a->nsources; i++)
        CHECK(str_same(a, a->sources[i].path, b, b->sources[i].path) &&
              str_same(a, a->sources[i].sha256, b, b->sources[i].sha256));
    CHECK_INT(a->nixrules, b->nixrules);
    CHECK_INT(a->nixatoms, b->nixatoms);
    for (uint32_t i = 0; i < a->nixrules && i < b->nixrules; i++)
        CHECK(a->ixrules[i].state == b->ixrules[i].state && a->ixrules[i].first == b->ixrules[i].first &&
              a->ixrules[i].count == b->ixrules[i].count);
    for (uint32_t i = 0; i < a->nixatoms && i < b->nixatoms; i++) CHECK(a->ixatoms[i] == b->ixatoms[i]);
}

/* Runs every rule of p on empty records of its root and renders every emit. */
static void run_all(const pal_program *p)
{
    static pal_value slots[256];
    pal_vm *vm = pal_vm_new(p);
    CHECK(vm != NULL);
    if (!vm) return;
    char msg[256];
    for (uint32_t r = 0; r < p->nrules; r++) {
        pal_record rec = {pal_schema_get(p->rules[r].root), slots, NULL};
        pal_vm_run(vm, r, &rec, 10000);
        for (uint32_t e = 0; e < pal_vm_nemits(vm); e++)
            pal_vm_render(vm, r, &rec, pal_vm_emit(vm, e), msg, sizeof msg);
    }
    pal_vm_free(vm);
}

static void test_round_trip(void)
{
    pal_program *p = sample();
    unsigned char *buf = NULL;
    size_t len = 0;
    CHECK_INT(pal_bundle_write(p, &buf, &len), 0);
    CHECK(len > 336);
    CHECK(memcmp(buf, "PALBNDL", 8) == 0);
    pal_program *q = NULL;
    char err[512] = "";
    CHECK_INT(pal_bundle_read(buf, len, &q, err, sizeof err), 0);
    CHECK_STR(err, "");
    if (q) {
        check_equal(p, q);
        /* the loaded program decides as the original does */
        test_event ev;
        ev_init(&ev);
        ev_set(&ev, "process.name", W("CMD.EXE"));
        ev_set(&ev, "process.executable", W("C:\\Windows\\System32\\CMD.EXE"));
        ev_set(&ev, "destination.port", pal_int(6666));
        pal_vm *vp = pal_vm_new(p), *vq = pal_vm_new(q);
        CHECK_INT(pal_vm_run(vq, 0, &ev.rec, 1000), PAL_VM_OK);
        CHECK_INT(pal_vm_run(vp, 0, &ev.rec, 1000), PAL_VM_OK);
        CHECK_INT(pal_vm_nemits(vq), 2);
        CHECK_INT(pal_vm_nemits(vp), 2);
        char m1[256], m2[256];
        pal_vm_render(vq, 0, &ev.rec, pal_vm_emit(vq, 0), m1, sizeof m1);
        pal_vm_render(vp, 0, &ev.rec, pal_vm_emit(vp, 0), m2, sizeof m2);
        CHECK_STR(m1, "shell C:\\Windows\\System32\\CMD.EXE denied");
        CHECK_STR(m1, m2);
        pal_vm_render(vq, 0, &ev.rec, pal_vm_emit(vq, 1), m1, sizeof m1);
        CHECK_STR(m1, "connection to <undefined>");
        pal_vm_free(vp);
        pal_vm_free(vq);
        /* writing the loaded program gives the same bytes */
        unsigned char *buf2 = NULL;
        size_t len2 = 0;
        CHECK_INT(pal_bundle_write(q, &buf2, &len2), 0);
        CHECK(len2 == len && memcmp(buf, buf2, len) == 0);
        free(buf2);
        pal_program_free(q);
    }
    /* an empty program (no rules) round-trips too */
    pb b = pb_new();
    pal_program *e = pb_take(&b);
    unsigned char *eb;
    size_t el;
    CHECK_INT(pal_bundle_write(e, &eb, &el), 0);
    CHECK_INT(pal_bundle_read(eb, el, &q, err, sizeof err), 0);
    if (q) { check_equal(e, q); pal_program_free(q); }
    free(eb);
    pal_program_free(e);
    /* a constant that does not point into the blob cannot be written */
    static const char elsewhere[] = "x";
    p->consts[3].u.s = elsewhere;
    CHECK_INT(pal_bundle_write(p, &eb, &el), -1);
    free(buf);
    pal_program_free(p);
}

static void test_corruption(void)
{
    pal_program *p = sample();
    unsigned char *buf = NULL;
    size_t len = 0;
    CHECK_INT(pal_bundle_write(p, &buf, &len), 0);
    unsigned char *copy = malloc(len);
    char err[512];
    pal_program *q;

    /* every single byte flipped: each rejected, with an error */
    int rejected = 0, with_message = 0;
    for (size_t i = 0; i < len; i++) {
        for (int mask = 0; mask < 2; mask++) {
            memcpy(copy, buf, len);
            copy[i] ^= mask ? 0xffu : 0x01u;
            err[0] = '\0';
            q = (pal_program *)1;
            int rc = pal_bundle_read(copy, len, &q, err, sizeof err);
            if (rc == -1 && q == NULL) rejected++;
            if (err[0]) with_message++;
            if (rc == 0) { fprintf(stderr, "byte %zu ^ %d loaded\n", i, mask); pal_program_free(q); }
        }
    }
    CHECK_INT(rejected, 2 * len);
    CHECK_INT(with_message, 2 * len);

    /* truncated at every length */
    rejected = 0;
    with_message = 0;
    for (size_t n = 0; n < len; n++) {
        unsigned char *cut = malloc(n ? n : 1);   /* exact size: ASan sees any overread */
        memcpy(cut, buf, n);
        err[0] = '\0';
        int rc = pal_bundle_read(cut, n, &q, err, sizeof err);
        if (rc == -1 && q == NULL) rejected++;
        if (err[0]) with_message++;
        if (rc == 0) pal_program_free(q);
        free(cut);
    }
    CHECK_INT(rejected, len);
    CHECK_INT(with_message, len);

    /* and one byte too many */
    unsigned char *longer = calloc(1, len + 1);
    memcpy(longer, buf, len);
    CHECK_INT(pal_bundle_read(longer, len + 1, &q, err, sizeof err), -1);
    CHECK(strstr(err, "checksum mismatch") != NULL);
    free(longer);

    /* the same flips behind a valid checksum: the structure checks and the
       verifier reject or accept, and what is accepted runs safely */
    int loaded = 0;
    for (size_t i = 0; i < len; i++) {
        for (int mask = 0; mask < 3; mask++) {
            memcpy(copy, buf, len);
            copy[i] ^= mask == 0 ? 0xffu : mask == 1 ? 0x01u : 0x80u;
            pal_bundle_seal(copy, len);
            err[0] = '\0';
            if (pal_bundle_read(copy, len, &q, err, sizeof err) == 0) {
                loaded++;
                run_all(q);
                pal_index_free(pal_index_build(q));   /* whatever hints survived are proven, not trusted */
                FILE *null = fopen("/dev/null", "w");
                pal_disasm(q, null);
                fclose(null);
                pal_program_free(q);
            } else {
                CHECK(err[0] != '\0');
            }
        }
    }
    /* flips inside string text, build time and the like load fine */
    CHECK(loaded > 0);
    CHECK(loaded < (int)(3 * len));

    /* targeted messages */
    memcpy(copy, buf, len);
    copy[0] = 'X';
    CHECK_INT(pal_bundle_read(copy, len, &q, err, sizeof err), -1);
    CHECK_STR(err, "not a palisade bundle (bad magic); build one with 'palisade build'");
    memcpy(copy, buf, len);
    copy[8] = 2;   /* format 2: no correlations, index hints or item classes; SHA-256 */
    CHECK_INT(pal_bundle_read(copy, len, &q, err, sizeof err), -1);
    CHECK_STR(err, "bundle format version 2; this palisade reads version 3: rebuild the bundle with this palisade");
    memcpy(copy, buf, len);
    copy[100] ^= 1;
    CHECK_INT(pal_bundle_read(copy, len, &q, err, sizeof err), -1);
    CHECK_STR(err, "bundle checksum mismatch: the file is corrupt or truncated");
    memcpy(copy, buf, len);
    copy[16] ^= 1;   /* schema digest */
    pal_bundle_seal(copy, len);
    CHECK_INT(pal_bundle_read(copy, len, &q, err, sizeof err), -1);
    CHECK_STR(err, "bundle was built for a different input schema; rebuild it with this palisade");
    /* a count of 2^32-1 in a small file: rejected before any allocation */
    memcpy(copy, buf, len);
    size_t code_entry = 72 + 24 * 10;   /* section 11, code */
    copy[code_entry + 4] = copy[code_entry + 5] = copy[code_entry + 6] = copy[code_entry + 7] = 0xff;
    pal_bundle_seal(copy, len);
    CHECK_INT(pal_bundle_read(copy, len, &q, err, sizeof err), -1);
    CHECK(strstr(err, "code section: 4294967295 records of 4 bytes do not fill") != NULL);
    /* a section pointing past the end */
    memcpy(copy, buf, len);
    copy[code_entry + 16] = 0xff;
    copy[code_entry + 17] = 0xff;
    pal_bundle_seal(copy, len);
    CHECK_INT(pal_bundle_read(copy, len, &q, err, sizeof err), -1);
    CHECK(strstr(err, "code section") != NULL);
    /* a bad jump behind a valid checksum reaches the verifier */
    memcpy(copy, buf, len);
    size_t code_off = 0;   /* the code section's offset, from its table entry */
    for (int k = 7; k >= 0; k--) code_off = code_off << 8 | buf[code_entry + 8 + k];
    copy[code_off] = OP_JUMP;
    copy[code_off + 1] = 0x40;   /* +64: outside the rule */
    copy[code_off + 2] = copy[code_off + 3] = 0;
    pal_bundle_seal(copy, len);
    CHECK_INT(pal_bundle_read(copy, len, &q, err, sizeof err), -1);
    CHECK_STR(err, "bundle does not verify: rule 0 (\"Windows container runtime rule\"): instruction 0: jump target 65 outside the rule");
    CHECK_INT(pal_bundle_read(NULL, 0, &q, err, sizeof err), -1);

    free(copy);
    free(buf);
    pal_program_free(p);
}

/* Matcher items by class: strings, ranges and networks each in their own
   section; matchers that share items keep sharing them, overlapping ones
   get copies; a matcher pointing past its class's items is refused. */
static void test_item_classes(void)
{
    pb b = pb_new();
    const char *names[] = {"a", "b", "c"};
    pb_strs(&b, PM_STRSET, 0, names, 3);
    uint32_t mports = pb_matcher(&b, PM_RANGESET, 0);
    pb_item_range(&b, 1, 2);
    pb_item_range(&b, 10, 20);
    pb_matcher(&b, PM_CIDRSET, 0);
    pb_item_cidr(&b, "10.0.0.0/8");
    pb_strs(&b, PM_GLOBSET, 0, names, 1);
    pal_program *p = pb_take(&b);
    char err[512];
    CHECK_INT(pal_program_prepare(p, err, sizeof err), 0);
    /* matcher 3 (a glob set) now shares the string set's items exactly,
       a new string set overlaps them */
    p->matchers[3].first = p->matchers[0].first;
    p->matchers[3].count = 3;
    CHECK_INT(pal_program_prepare(p, err, sizeof err), 0);
    unsigned char *buf;
    size_t len;
    CHECK_INT(pal_bundle_write(p, &buf, &len), 0);
    pal_program *q = NULL;
    CHECK_INT(pal_bundle_read(buf, len, &q, err, sizeof err), 0);
    if (q) {
        check_equal(p, q);
        CHECK_INT(q->nmitems, 3 + 2 + 1);   /* the shared strings once */
        CHECK_INT(q->matchers[3].first, q->matchers[0].first);
        CHECK(pal_matcher_match(q, &q->matchers[mports], pal_int(15), NULL));
        pal_program_free(q);
    }
    /* the range matcher's first points past the 2 ranges (matcher 1's
       record: 72-byte header + 24 per section, then 12 per matcher) */
    size_t off = 0;
    for (int k = 7; k >= 0; k--) off = off << 8 | buf[72 + 24 * 4 + 8 + k];   /* section 5, matchers */
    buf[off + 12 + 4] = 2;
    pal_bundle_seal(buf, len);
    CHECK_INT(pal_bundle_read(buf, len, &q, err, sizeof err), -1);
    CHECK_STR(err, "matcher 1: items 2..4 outside the 2 matcher ranges");
    free(buf);
    pal_program_free(p);
}

/* Index hints out of range are refused by the verifier, with the rule;
   what they claim is the index's to prove (test_index). */
static void test_index_hints(void)
{
    pal_program *p = sample();
    char err[512];
    CHECK_INT(pal_verify(p, err, sizeof err), 0);
    uint32_t keep = p->ixatoms[0];
    p->ixatoms[0] = (p->rules[0].code_len + 3) | PAL_IXATOM_KEY;
    CHECK_INT(pal_verify(p, err, sizeof err), -1);
    CHECK_STR(err, "rule 0 (\"Windows container runtime rule\"): index hint atom at instruction 18, past the rule's 15");
    p->ixatoms[0] = keep;
    p->ixrules[1].state = 7;
    CHECK_INT(pal_verify(p, err, sizeof err), -1);
    CHECK_STR(err, "rule 1 (\"PAL-0422\"): index hint state 7 is unknown");
    p->ixrules[1].state = PAL_IX_NOT_EVENT;
    p->ixrules[1].first = p->nixatoms;
    p->ixrules[1].count = 1;
    CHECK_INT(pal_verify(p, err, sizeof err), -1);
    CHECK(strstr(err, "rule 1 (\"PAL-0422\"): index hint atoms") != NULL);
    p->ixrules[1].count = 0;
    CHECK_INT(pal_verify(p, err, sizeof err), 0);
    p->nixrules = 1;
    CHECK_INT(pal_verify(p, err, sizeof err), -1);
    CHECK_STR(err, "index hints for 1 rules in a program of 2");
    p->nixrules = 2;
    /* no hints at all is a bundle as any writer without the index makes */
    free(p->ixrules);
    free(p->ixatoms);
    p->ixrules = NULL;
    p->ixatoms = NULL;
    p->nixrules = p->nixatoms = 0;
    CHECK_INT(pal_verify(p, err, sizeof err), 0);
    unsigned char *buf;
    size_t len;
    CHECK_INT(pal_bundle_write(p, &buf, &len), 0);
    pal_program *q;
    CHECK_INT(pal_bundle_read(buf, len, &q, err, sizeof err), 0);
    if (q) {
        CHECK_INT(q->nixrules, 0);
        pal_index *ix = pal_index_build(q);
        CHECK(ix && pal_index_rule_state(ix, 0) == PAL_IX_INDEXED);
        pal_index_free(ix);
        pal_program_free(q);
    }
    free(buf);
    pal_program_free(p);
}

static void test_files(void)
{
    char dir[] = "/tmp/pal-bundle-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256], err[512];
    snprintf(path, sizeof path, "%s/policy.palb", dir);
    pal_program *p = sample(), *q = NULL;
    CHECK_INT(pal_bundle_save(p, path, err, sizeof err), 0);
    CHECK_INT(pal_bundle_load(path, &q, err, sizeof err), 0);
    if (q) { check_equal(p, q); pal_program_free(q); }
    /* saving over an existing bundle replaces it */
    CHECK_INT(pal_bundle_save(p, path, err, sizeof err), 0);
    CHECK_INT(pal_bundle_load(path, &q, err, sizeof err), 0);
    if (q) pal_program_free(q);

    char missing[300];
    snprintf(missing, sizeof missing, "%s/missing.palb", dir);
    CHECK_INT(pal_bundle_load(missing, &q, err, sizeof err), -1);
    CHECK(strncmp(err, missing, strlen(missing)) == 0 && strstr(err, "No such file or directory") != NULL);
    CHECK(q == NULL);
    CHECK_INT(pal_bundle_load(dir, &q, err, sizeof err), -1);
    CHECK(strstr(err, "is a directory") != NULL);
    /* a corrupt file: the error names the path and the problem */
    FILE *f = fopen(path, "r+b");
    fseek(f, 200, SEEK_SET);
    fputc(0x5a, f);
    fclose(f);
    CHECK_INT(pal_bundle_load(path, &q, err, sizeof err), -1);
    char want[400];
    snprintf(want, sizeof want, "%s: bundle checksum mismatch: the file is corrupt or truncated", path);
    CHECK_STR(err, want);
    char baddir[300];
    snprintf(baddir, sizeof baddir, "%s/no/such/dir/x.palb", dir);
    CHECK_INT(pal_bundle_save(p, baddir, err, sizeof err), -1);
    CHECK(strstr(err, "cannot create") != NULL);
    unlink(path);
    rmdir(dir);
    pal_program_free(p);
}

static void test_disasm(void)
{
    pal_program *p = sample();
    char *out = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&out, &n);
    pal_disasm(p, f);
    fclose(f);
    CHECK(strstr(out, "; revision \"rev-1\", built 2023-11-14T22:13:20Z") != NULL);
    CHECK(strstr(out, "source \"policies/win.pal\" sha256 9f86d081") != NULL);
    CHECK(strstr(out, "runtime 0 \"Windows container runtime rule\"  (root event, on process)  policies/test.pal:10") != NULL);
    CHECK(strstr(out, "outcome 0: prevent high \"deny process shells\"") != NULL);
    CHECK(strstr(out, "message: \"shell \" {part 1} \" denied\"") != NULL);
    CHECK(strstr(out, "MATCH_FIELD") != NULL);
    CHECK(strstr(out, "; process.name in strset [\"cmd.exe\", \"powershell.exe\"]") != NULL);
    CHECK(strstr(out, "; destination.port in rangeset [4444, 6660-6669]") != NULL);
    CHECK(strstr(out, "; cidrset [1.1.1.1/32, fd00::/8]") != NULL);
    CHECK(strstr(out, "JUMP_IF_FALSE    +1          ; to 3") != NULL);
    CHECK(strstr(out, "; \"C:\\\\Windows\\\\System32\\\\cmd.exe\" (windows)") != NULL);
    CHECK(strstr(out, "; -1234567890123") != NULL);
    CHECK(strstr(out, "; prevent high \"deny process shells\"") != NULL);
    CHECK(strstr(out, "check 1 \"PAL-0422\"  (root image)") != NULL);
    CHECK(strstr(out, "meta \"severity\" = \"critical\"") != NULL);
    CHECK(strstr(out, "ITER_NEXT        0, +4       ; element to local 2, when done to 7") != NULL);
    CHECK(strstr(out, "LOAD_LOCAL_FIELD 2, 7        ; field 7 of local 2") != NULL);
    CHECK(strstr(out, "message of outcome 0, part 0 (code") != NULL);
    CHECK(strstr(out, "CALL             3, 1        ; basename()") != NULL);
    CHECK(strstr(out, "; image.files") != NULL);
    if (unit_fail) fputs(out, stderr);
    free(out);
    pal_program_free(p);
}


/* ---- signatures ---- */

static void test_keys(void)
{
    pal_pubkey pub, pub2;
    pal_seckey sec, sec2;
    char err[512];
    CHECK_INT(pal_key_generate(&pub, &sec), 0);
    CHECK_INT((int)strlen(pub.id), PAL_KEY_ID_CHARS);
    CHECK_STR(pub.id, sec.id);
    char *ptext = pal_pubkey_format(&pub), *stext = pal_seckey_format(&sec);
    CHECK(ptext && stext);
    CHECK(strncmp(ptext, "palisade-public-key v1\n", 23) == 0);
    CHECK(strncmp(stext, "palisade-secret-key v1\n", 23) == 0);
    CHECK(strstr(ptext, pub.id) != NULL);
    /* round trip */
    CHECK_INT(pal_pubkey_parse(ptext, strlen(ptext), &pub2, err, sizeof err), 0);
    CHECK(memcmp(pub.pk, pub2.pk, 32) == 0);
    CHECK_STR(pub2.id, pub.id);
    CHECK_INT(pal_seckey_parse(stext, strlen(stext), &sec2, err, sizeof err), 0);
    CHECK(memcmp(sec.sk, sec2.sk, 64) == 0);
    /* the halves are not interchangeable */
    CHECK_INT(pal_pubkey_parse(stext, strlen(stext), &pub2, err, sizeof err), -1);
    CHECK(strstr(err, "other half of the key pair") != NULL);
    CHECK_INT(pal_seckey_parse(ptext, strlen(ptext), &sec2, err, sizeof err), -1);
    /* cut short: refused at every length */
    int refused = 0;
    size_t plen = strlen(ptext);
    for (size_t n = 0; n < plen; n++) {
        if (n > 0 && ptext[n - 1] == '\n' && n == plen) continue;
        if (pal_pubkey_parse(ptext, n, &pub2, err, sizeof err) != 0) refused++;
        else CHECK(memcmp(pub2.pk, pub.pk, 32) == 0);   /* only whitespace was cut */
    }
    CHECK(refused >= (int)plen - 2);
    /* a key id that does not match the key: refused, saying so */
    char *edited = strdup(ptext);
    char *idp = strstr(edited, "key-id ") + 7;
    idp[0] = idp[0] == '0' ? '1' : '0';
    CHECK_INT(pal_pubkey_parse(edited, strlen(edited), &pub2, err, sizeof err), -1);
    CHECK(strstr(err, "does not match the key") != NULL);
    /* one base64 character of the key changed: the id no longer matches */
    strcpy(edited, ptext);
    char *kp = strstr(edited, "ed25519 ") + 8;
    kp[3] = kp[3] == 'A' ? 'B' : 'A';
    CHECK_INT(pal_pubkey_parse(edited, strlen(edited), &pub2, err, sizeof err), -1);
    free(edited);
    CHECK_INT(pal_pubkey_parse("palisade-public-key v1\nkey-id 00\n", 33, &pub2, err, sizeof err), -1);
    CHECK(strstr(err, "16 lowercase hex") != NULL);
    CHECK_INT(pal_pubkey_parse("hello\n", 6, &pub2, err, sizeof err), -1);
    CHECK(strstr(err, "not a palisade key file") != NULL);
    CHECK_INT(pal_pubkey_parse("", 0, &pub2, err, sizeof err), -1);
    free(ptext);
    free(stext);
}

static void test_signed(void)
{
    pal_program *p = sample();
    pal_pubkey pub, other_pub;
    pal_seckey sec, other_sec;
    CHECK_INT(pal_key_generate(&pub, &sec), 0);
    CHECK_INT(pal_key_generate(&other_pub, &other_sec), 0);
    unsigned char *body, *sb;
    size_t blen, slen;
    char err[512];
    CHECK_INT(pal_bundle_write(p, &body, &blen), 0);
    CHECK_INT(pal_bundle_sign(body, blen, &sec, &sb, &slen, err, sizeof err), 0);
    CHECK(slen == blen + PAL_SIG_TRAILER_BYTES);
    CHECK(memcmp(sb, body, blen) == 0);   /* the body is unchanged: the trailer only follows it */
    /* a signed bundle cannot be signed again */
    unsigned char *twice;
    size_t tlen;
    CHECK_INT(pal_bundle_sign(sb, slen, &sec, &twice, &tlen, err, sizeof err), -1);

    pal_program *q = NULL;
    pal_bundle_sig sig;
    /* without a trusted key: intact, and the program is the one signed */
    CHECK_INT(pal_bundle_open(sb, slen, NULL, &sig, &q, err, sizeof err), 0);
    CHECK_INT(sig.state, PAL_SIG_INTACT);
    CHECK_STR(sig.key_id, pub.id);
    CHECK(sig.body_len == blen);
    if (q) { check_equal(p, q); pal_program_free(q); }
    /* with the trusted key: valid */
    CHECK_INT(pal_bundle_open(sb, slen, &pub, &sig, &q, err, sizeof err), 0);
    CHECK_INT(sig.state, PAL_SIG_VALID);
    if (q) pal_program_free(q);
    /* with another trusted key: refused, naming both keys */
    CHECK_INT(pal_bundle_open(sb, slen, &other_pub, &sig, &q, err, sizeof err), -1);
    CHECK(q == NULL);
    CHECK_INT(sig.state, PAL_SIG_OTHER_KEY);
    CHECK(strstr(err, pub.id) && strstr(err, other_pub.id));
    /* unsigned with a trusted key: refused */
    CHECK_INT(pal_bundle_open(body, blen, &pub, &sig, &q, err, sizeof err), -1);
    CHECK_INT(sig.state, PAL_SIG_UNSIGNED);
    CHECK(strstr(err, "not signed") != NULL);
    /* unsigned without one: fine, as before */
    CHECK_INT(pal_bundle_open(body, blen, NULL, &sig, &q, err, sizeof err), 0);
    CHECK_INT(sig.state, PAL_SIG_UNSIGNED);
    if (q) pal_program_free(q);

    /* every byte flipped, with and without the trusted key: refused */
    unsigned char *copy = malloc(slen);
    int refused_trusted = 0, refused_any = 0, with_message = 0;
    for (size_t i = 0; i < slen; i++) {
        for (int mask = 0; mask < 2; mask++) {
            memcpy(copy, sb, slen);
            copy[i] ^= mask ? 0xffu : 0x01u;
            err[0] = 0;
            q = (pal_program *)1;
            if (pal_bundle_open(copy, slen, &pub, NULL, &q, err, sizeof err) == -1 && q == NULL) refused_trusted++;
            else { fprintf(stderr, "signed: byte %zu ^ %d loaded with the key\n", i, mask); pal_program_free(q); }
            if (err[0]) with_message++;
            q = (pal_program *)1;
            if (pal_bundle_open(copy, slen, NULL, NULL, &q, err, sizeof err) == -1 && q == NULL) refused_any++;
            else { fprintf(stderr, "signed: byte %zu ^ %d loaded without a key\n", i, mask); pal_program_free(q); }
        }
    }
    CHECK_INT(refused_trusted, 2 * slen);
    CHECK_INT(refused_any, 2 * slen);
    CHECK_INT(with_message, 2 * slen);
    /* every cut refused with the key; without it, only the cut that drops
       exactly the trailer loads (it is then an unsigned bundle) */
    int cut_trusted = 0, cut_any = 0;
    for (size_t n = 0; n < slen; n++) {
        unsigned char *cut = malloc(n ? n : 1);
        memcpy(cut, sb, n);
        if (pal_bundle_open(cut, n, &pub, NULL, &q, err, sizeof err) == -1) cut_trusted++;
        else pal_program_free(q);
        if (pal_bundle_open(cut, n, NULL, NULL, &q, err, sizeof err) == -1) cut_any++;
        else { CHECK(n == blen); pal_program_free(q); }
        free(cut);
    }
    CHECK_INT(cut_trusted, slen);
    CHECK_INT(cut_any, slen - 1);

    /* an altered body re-sealed behind the old signature: the checksum is
       right again, the signature is not */
    memcpy(copy, sb, slen);
    copy[blen - 1] ^= 0x01;   /* the last instruction */
    pal_bundle_seal(copy, blen);
    CHECK_INT(pal_bundle_open(copy, slen, &pub, &sig, &q, err, sizeof err), -1);
    CHECK_INT(sig.state, PAL_SIG_INVALID);
    CHECK(strstr(err, "altered after signing") != NULL);
    CHECK_INT(pal_bundle_open(copy, slen, NULL, &sig, &q, err, sizeof err), -1);
    /* the same altered body signed by another key: intact, but not trusted */
    unsigned char *resigned;
    size_t rlen;
    CHECK_INT(pal_bundle_sign(copy, blen, &other_sec, &resigned, &rlen, err, sizeof err), 0);
    CHECK_INT(pal_bundle_open(resigned, rlen, &pub, &sig, &q, err, sizeof err), -1);
    CHECK_INT(sig.state, PAL_SIG_OTHER_KEY);
    /* the trusted key copied into the trailer of that bundle: the signature
       no longer matches the key (and the key id no longer matches either) */
    memcpy(resigned + blen + 32, pub.pk, 32);
    CHECK_INT(pal_bundle_open(resigned, rlen, &pub, &sig, &q, err, sizeof err), -1);
    CHECK_INT(sig.state, PAL_SIG_INVALID);
    unsigned char idbin[8];
    for (int i = 0; i < 8; i++) sscanf(pub.id + 2 * i, "%2hhx", &idbin[i]);
    memcpy(resigned + blen + 24, idbin, 8);
    CHECK_INT(pal_bundle_open(resigned, rlen, &pub, &sig, &q, err, sizeof err), -1);
    CHECK_INT(sig.state, PAL_SIG_INVALID);
    CHECK(strstr(err, "does not verify") != NULL);
    free(resigned);
    /* the signature stripped: an unsigned bundle, refused with the key */
    CHECK_INT(pal_bundle_open(sb, blen, &pub, &sig, &q, err, sizeof err), -1);
    CHECK_INT(sig.state, PAL_SIG_UNSIGNED);

    free(copy);
    free(twice);
    free(sb);
    free(body);
    pal_program_free(p);
}

static void test_signed_files_and_revision(void)
{
    char dir[] = "/tmp/pal-signed-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256], err[512];
    snprintf(path, sizeof path, "%s/signed.palb", dir);
    pal_program *p = sample(), *q = NULL;
    pal_pubkey pub;
    pal_seckey sec;
    CHECK_INT(pal_key_generate(&pub, &sec), 0);
    CHECK_INT(pal_bundle_save_signed(p, path, "v2.0-override", &sec, err, sizeof err), 0);
    pal_bundle_sig sig;
    CHECK_INT(pal_bundle_load_verified(path, &pub, &sig, &q, err, sizeof err), 0);
    CHECK_INT(sig.state, PAL_SIG_VALID);
    if (q) {
        CHECK_STR(pal_program_str(q, q->revision), "v2.0-override");
        CHECK_INT(q->nrules, p->nrules);
        CHECK_INT(q->strings_len, p->strings_len + (uint32_t)strlen("v2.0-override") + 1);
        pal_program_free(q);
    }
    /* the plain loader accepts a signed bundle (no trusted key configured) */
    CHECK_INT(pal_bundle_load(path, &q, err, sizeof err), 0);
    if (q) pal_program_free(q);
    /* one byte changed on disk: the error names the file */
    FILE *f = fopen(path, "r+b");
    fseek(f, 100, SEEK_SET);
    int c = fgetc(f);
    fseek(f, 100, SEEK_SET);
    fputc(c ^ 0x20, f);
    fclose(f);
    CHECK_INT(pal_bundle_load_verified(path, &pub, &sig, &q, err, sizeof err), -1);
    CHECK(strncmp(err, path, strlen(path)) == 0 && strstr(err, "altered after signing") != NULL);
    /* an override revision that is too long is not written */
    char *huge = malloc(PAL_MAX_STRING_BYTES + 2);
    memset(huge, 'r', PAL_MAX_STRING_BYTES + 1);
    huge[PAL_MAX_STRING_BYTES + 1] = 0;
    unsigned char *b;
    size_t bl;
    CHECK_INT(pal_bundle_write_rev(p, huge, &b, &bl), -1);
    free(huge);
    /* key files on disk */
    char kpath[300];
    snprintf(kpath, sizeof kpath, "%s/k.pub", dir);
    char *text = pal_pubkey_format(&pub);
    CHECK_INT(pal_write_file_atomic(kpath, (const unsigned char *)text, strlen(text), 0644, err, sizeof err), 0);
    pal_pubkey back;
    CHECK_INT(pal_pubkey_load(kpath, &back, err, sizeof err), 0);
    CHECK_STR(back.id, pub.id);
    pal_seckey sback;
    CHECK_INT(pal_seckey_load(kpath, &sback, err, sizeof err), -1);
    CHECK(strncmp(err, kpath, strlen(kpath)) == 0);
    free(text);
    unlink(kpath);
    unlink(path);
    rmdir(dir);
    pal_program_free(p);
}

int main(void)
{
    test_round_trip();
    test_corruption();
    test_index_hints();
    test_item_classes();
    test_files();
    test_disasm();
    test_keys();
    test_signed();
    test_signed_files_and_revision();
    return unit_result("test_bundle");
}

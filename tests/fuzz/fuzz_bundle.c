/*
 * fuzz_bundle.c — libFuzzer target for the bundle reader, verifier and VM.
 *
 * Each input is read twice: as given (almost always stopped by the
 * checksum, which is the first line of defence), and with the schema
 * digest and checksum patched to be valid, so the fuzzer reaches the
 * section table, the record decoding, the verifier and the matchers.
 * Whatever loads must be safe to run: every rule runs on an empty record
 * of its root, every emit is rendered, the rule index is built (proving
 * the bundle's index hints), and the program is disassembled.
 * Whatever loads must also end, which the verifier proves (verify.c,
 * pass 3): on an empty record every collection is empty, so a loop's
 * ITER_NEXT exits at once, and execution takes at most two steps per
 * instruction (a jump back to an ITER_NEXT, then its exit past the jump).
 * A budget of twice the rule's length must therefore never run out, and a
 * verified stack never overflows.
 *
 * Signatures: every input also goes through pal_bundle_open with and
 * without a trusted key (a trusted open may only succeed with state VALID,
 * which a fuzzer cannot forge), the patched copy is signed with a fixed
 * key so the signed path reaches the same reader (and must agree with the
 * unsigned read), and the input is parsed as a key file (what parses must
 * format and parse back to the same key).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include "engine/vm/bundle.h"
#include "engine/core/schema.h"
#include "engine/vm/vm.h"
#include "engine/runtime/index.h"
#include "tests/fuzz/replay.h"

static void exercise(const pal_program *p)
{
    static pal_value slots[1024];   /* all undefined */
    pal_vm *vm = pal_vm_new(p);
    if (!vm) return;
    char msg[512];
    for (uint32_t r = 0; r < p->nrules; r++) {
        pal_record rec = {pal_schema_get(p->rules[r].root), slots, NULL};
        int rc = pal_vm_run(vm, r, &rec, 2ull * p->rules[r].code_len + 2);
        if (rc == PAL_VM_BUDGET || rc == PAL_VM_STACK) {
            fprintf(stderr, "fuzz_bundle: a verified rule %u %s\n", r,
                    rc == PAL_VM_BUDGET ? "ran more than 2 steps per instruction on an empty record"
                                        : "overflowed its verified stack");
            abort();
        }
        for (uint32_t e = 0; e < pal_vm_nemits(vm); e++)
            pal_vm_render(vm, r, &rec, pal_vm_emit(vm, e), msg, sizeof msg);
    }
    pal_vm_free(vm);
    /* the index of whatever loaded: its hints (program.h pal_ixrule) are
       proven or searched again, never trusted */
    pal_index_free(pal_index_build(p));
    FILE *null = fopen("/dev/null", "w");
    if (null) {
        pal_disasm(p, null);
        fclose(null);
    }
}

static void try_read(const unsigned char *buf, size_t len)
{
    pal_program *p = NULL;
    char err[512];
    if (pal_bundle_read(buf, len, &p, err, sizeof err) == 0) {
        exercise(p);
        pal_program_free(p);
    } else if (err[0] == '\0') {
        abort();   /* every rejection must say why */
    }
}

static pal_seckey fuzz_sec;
static pal_pubkey fuzz_pub;

static void fuzz_key_init(void)
{
    static int done;
    if (done) return;
    done = 1;
    if (sodium_init() < 0) abort();
    unsigned char seed[32] = {7};
    crypto_sign_seed_keypair(fuzz_pub.pk, fuzz_sec.sk, seed);
    unsigned char h[32];
    crypto_hash_sha256(h, fuzz_pub.pk, 32);
    sodium_bin2hex(fuzz_pub.id, sizeof fuzz_pub.id, h, 8);
    memcpy(fuzz_sec.id, fuzz_pub.id, sizeof fuzz_sec.id);
}

static void try_open(const unsigned char *buf, size_t len)
{
    pal_program *p = NULL;
    pal_bundle_sig sig;
    char err[512];
    if (pal_bundle_open(buf, len, NULL, &sig, &p, err, sizeof err) == 0) {
        if (sig.state != PAL_SIG_UNSIGNED && sig.state != PAL_SIG_INTACT) abort();
        pal_program_free(p);
    } else if (err[0] == '\0') {
        abort();
    }
    p = NULL;
    if (pal_bundle_open(buf, len, &fuzz_pub, &sig, &p, err, sizeof err) == 0) {
        if (sig.state != PAL_SIG_VALID) abort();   /* trust only through the key */
        pal_program_free(p);
    }
}

static void try_key(const uint8_t *data, size_t size)
{
    pal_pubkey pub, back;
    char err[256];
    if (pal_pubkey_parse((const char *)data, size, &pub, err, sizeof err) == 0) {
        char *text = pal_pubkey_format(&pub);
        if (!text || pal_pubkey_parse(text, strlen(text), &back, err, sizeof err) != 0 ||
            memcmp(pub.pk, back.pk, 32) != 0 || strcmp(pub.id, back.id) != 0)
            abort();
        free(text);
    }
    pal_seckey sec;
    pal_seckey_parse((const char *)data, size, &sec, err, sizeof err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_key_init();
    try_read(data, size);
    try_open(data, size);
    if (size <= PAL_MAX_KEY_FILE_BYTES) try_key(data, size);
    if (size < 72 || size > (1u << 20)) return 0;
    unsigned char *copy = malloc(size);
    if (!copy) return 0;
    memcpy(copy, data, size);
    uint64_t digest = pal_schema_digest();
    for (int i = 0; i < 8; i++) copy[16 + i] = (unsigned char)(digest >> (8 * i));
    pal_bundle_seal(copy, size);
    try_read(copy, size);
    /* the same bytes, their length field made true, signed: the signed path
       must agree with the plain read */
    for (int i = 0; i < 8; i++) copy[24 + i] = (unsigned char)((uint64_t)size >> (8 * i));
    pal_bundle_seal(copy, size);
    pal_program *plain = NULL;
    char err[512];
    int plain_rc = pal_bundle_read(copy, size, &plain, err, sizeof err);
    pal_program_free(plain);
    unsigned char *signed_buf;
    size_t signed_len;
    if (pal_bundle_sign(copy, size, &fuzz_sec, &signed_buf, &signed_len, err, sizeof err) == 0) {
        pal_program *q = NULL;
        pal_bundle_sig sig;
        int rc = pal_bundle_open(signed_buf, signed_len, &fuzz_pub, &sig, &q, err, sizeof err);
        if (sig.state != PAL_SIG_VALID || rc != plain_rc) abort();
        pal_program_free(q);
        free(signed_buf);
    }
    free(copy);
    return 0;
}

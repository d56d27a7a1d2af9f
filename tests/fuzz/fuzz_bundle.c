/*
 * fuzz_bundle.c — libFuzzer target for the bundle reader, verifier and VM.
 *
 * Each input is read twice: as given (almost always stopped by the
 * checksum, which is the first line of defence), and with the schema
 * digest and checksum patched to be valid, so the fuzzer reaches the
 * section table, the record decoding, the verifier and the matchers.
 * Whatever loads must be safe to run: every rule runs on an empty record
 * of its root with a small budget, every emit is rendered, and the
 * program is disassembled.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "schema.h"
#include "vm.h"

static void exercise(const pal_program *p)
{
    static pal_value slots[1024];   /* all undefined */
    pal_vm *vm = pal_vm_new(p);
    if (!vm) return;
    char msg[512];
    for (uint32_t r = 0; r < p->nrules; r++) {
        pal_record rec = {pal_schema_get(p->rules[r].root), slots};
        pal_vm_run(vm, r, &rec, 2000);
        for (uint32_t e = 0; e < pal_vm_nemits(vm); e++)
            pal_vm_render(vm, r, &rec, pal_vm_emit(vm, e), msg, sizeof msg);
    }
    pal_vm_free(vm);
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    try_read(data, size);
    if (size < 72 || size > (1u << 20)) return 0;
    unsigned char *copy = malloc(size);
    if (!copy) return 0;
    memcpy(copy, data, size);
    uint64_t digest = pal_schema_digest();
    for (int i = 0; i < 8; i++) copy[16 + i] = (unsigned char)(digest >> (8 * i));
    pal_bundle_seal(copy, size);
    try_read(copy, size);
    free(copy);
    return 0;
}

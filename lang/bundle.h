/*
 * bundle.h — compiled programs on disk, and their disassembly.
 *
 * A bundle is a pal_program written out: its arrays as sections of fixed-size
 * little-endian records, offsets instead of pointers, behind a header with
 * a magic, an exact format version, the schema digest and a SHA-256 of the
 * whole file.  Reading treats the file as hostile: every count is checked
 * against the bytes that hold it before anything is allocated, and the
 * result goes through pal_program_prepare() (engine/vm.h), so a loaded
 * bundle is always verified and ready to run.
 *
 *   offset  size  field
 *   ------  ----  ----------------------------------------------------------
 *        0     8  magic "PALBNDL\0"
 *        8     4  u32 format version (PAL_BUNDLE_VERSION, checked exactly)
 *       12     4  u32 header size = 72 + 24 * number of sections
 *       16     8  u64 schema digest (pal_schema_digest() of the compiler)
 *       24     8  u64 total length of the file
 *       32    32  SHA-256 of the whole file, computed with these 32 bytes zero
 *       64     4  u32 number of sections (PAL_BUNDLE_NSECTIONS)
 *       68     4  u32 reserved, zero
 *       72  24*n  section table, one entry per section, in id order:
 *                   u32 id, u32 count (records, or bytes for the string blob),
 *                   u64 offset, u64 length (= count * record size)
 *   header  ....  the sections, back to back in id order, the last one
 *                 ending at the total length; no gaps, no padding
 *
 *   id  section     record (bytes)  fields, in order
 *    1  manifest    16   revision str, i64 build time      (exactly 1 record)
 *    2  sources     16   path str, sha256 str
 *    3  strings      1   the string blob
 *    4  constants   32   u8 tag, u8 flags, u16 0, u32 len, i64 int
 *                        (bool/int) or u64 blob offset (string), u8 ip[16]
 *    5  matchers    12   u8 kind, u8 flags, u16 0, u32 first, u32 count
 *    6  mitems      44   str, i64 lo, i64 hi, u8 ip[16], u8 prefix, u8 v6, u16 0
 *    7  rules       52   name str, u8 kind, u8 kinds, u8 root, u8 0,
 *                        u16 nlocals, u16 max_stack, u32 code, u32 code_len,
 *                        u32 outcome_first, u32 noutcomes, u32 meta_first,
 *                        u32 nmeta, src_file str, u32 src_line
 *    8  outcomes    20   u8 effect, u8 severity, u16 0, label str,
 *                        u32 msg_first, u32 nmsg
 *    9  msgparts    20   u8 is_expr, u8 0, u16 0, s str, u32 code, u32 code_len
 *   10  meta        16   key str, value str
 *   11  code         4   u32 instruction (opcodes.h encoding)
 *
 *   ("str" is u32 offset + u32 length into the string blob.)
 *
 * Records are written field by field, never as memory images of structs,
 * so the file does not depend on the compiler's padding or the host's byte
 * order.  Any change to this layout bumps PAL_BUNDLE_VERSION.
 */
#ifndef PAL_BUNDLE_H
#define PAL_BUNDLE_H

#include <stddef.h>
#include <stdio.h>
#include "program.h"

#define PAL_BUNDLE_VERSION 1u
#define PAL_BUNDLE_NSECTIONS 11u
#define PAL_BUNDLE_CHECKSUM_OFFSET 32u
#define PAL_BUNDLE_CHECKSUM_BYTES 32u

/* Serializes p into a new malloc'ed buffer (*buf, *len).  Returns 0, or -1
   if p cannot be written (a constant outside the string blob, a value that
   is not a scalar, a bundle over PAL_MAX_BUNDLE_BYTES, out of memory). */
int pal_bundle_write(const pal_program *p, unsigned char **buf, size_t *len);

/* Reads, verifies and prepares a bundle.  Returns 0 with *out (free with
   pal_program_free), or -1 with a message in err. */
int pal_bundle_read(const unsigned char *buf, size_t len, pal_program **out, char *err, size_t cap);

/* Files.  Saving writes a temporary file beside `path` and renames it over,
   so an agent watching the path never sees half a bundle.  Loading refuses
   files over PAL_MAX_BUNDLE_BYTES.  Errors name the path. */
int pal_bundle_save(const pal_program *p, const char *path, char *err, size_t cap);
int pal_bundle_load(const char *path, pal_program **out, char *err, size_t cap);

/* Recomputes the checksum of a bundle in place (len >= the header).  For
   tests and fuzzing, which alter bundles on purpose and want the reader's
   structural checks, not the checksum, to catch it. */
void pal_bundle_seal(unsigned char *buf, size_t len);

/* Prints p like `luac -l`: the manifest, then per rule its name, kind, root,
   source location and outcomes, each instruction with its operands and a
   comment (constant, matcher items, field name, jump target), and the
   message expressions after the rule's code (lang/disasm.c). */
void pal_disasm(const pal_program *p, FILE *out);

#endif

/*
 * bundle.h — compiled programs on disk, and their disassembly.
 *
 * A bundle is a pal_program written out: its arrays as sections of fixed-size
 * little-endian records, offsets instead of pointers, behind a header with
 * a magic, an exact format version, the schema digest and a CRC-32 of the
 * whole file.  Reading treats the file as hostile: every count is checked
 * against the bytes that hold it before anything is allocated, and the
 * result goes through pal_program_prepare() (engine/vm/vm.h), so a loaded
 * bundle is always verified and ready to run.
 *
 *   offset  size  field
 *   ------  ----  ----------------------------------------------------------
 *        0     8  magic "PALBNDL\0"
 *        8     4  u32 format version (PAL_BUNDLE_VERSION, checked exactly)
 *       12     4  u32 header size = 72 + 24 * number of sections
 *       16     8  u64 schema digest (pal_schema_digest() of the compiler)
 *       24     8  u64 total length of the file
 *       32    32  checksum: u32 CRC-32 (zlib's crc32, as gzip) of the whole file
 *                 computed with these 32 bytes zero, then 28 zero bytes
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
 *                        (first counts in the item section of the kind:
 *                        6 for string, glob, domain and regex sets, 17 for
 *                        ranges, 18 for networks)
 *    6  mstrings     8   str: an item of a string, glob, domain or regex set
 *    7  rules       52   name str, u8 kind, u8 kinds, u8 root, u8 0,
 *                        u16 nlocals, u16 max_stack, u32 code, u32 code_len,
 *                        u32 outcome_first, u32 noutcomes, u32 meta_first,
 *                        u32 nmeta, src_file str, u32 src_line
 *    8  outcomes    20   u8 effect, u8 severity, u16 0, label str,
 *                        u32 msg_first, u32 nmsg
 *    9  msgparts    20   u8 is_expr, u8 0, u16 0, s str, u32 code, u32 code_len
 *   10  meta        16   key str, value str
 *   11  code         4   u32 instruction (opcodes.h encoding)
 *   12  netrules    36   u32 rule, u32 outcome, u8 action, u8 effect,
 *                        u8 direction, u8 proto, u8 src kind, u8 dst kind,
 *                        u16 0, u32 src matcher, u32 dst matcher, u32 port
 *                        matcher, u32 scope code, u32 scope code length
 *                        (program.h pal_netrule)
 *   13  correlations 36   u8 type, u8 nsteps, u8 has_until, u8 nkeys,
 *                        u8 effect, u8 severity, u16 0, u32 step_first,
 *                        u32 part_first, u32 nparts, i64 within (ms),
 *                        i64 threshold
 *   14  correlation  12   u8 kind, u8 step, u16 index, text str
 *       parts
 *   15  ixrules     12   u8 state, u8 0, u16 0, u32 first, u32 count: the rule
 *                        index's hint for each rule (0 records, or one per
 *                        rule; program.h pal_ixrule)
 *   16  ixatoms      4   u32 pc in the rule's code | 0x80000000 when keyed
 *   17  mranges     16   i64 lo, i64 hi: an item of a range set
 *   18  mnets       20   u8 ip[16], u8 prefix, u8 v6, u16 0: an item of an
 *                        address set
 *
 *   ("str" is u32 offset + u32 length into the string blob.)
 *
 *   Version 1 had sections 1 to 11, section 6 holding every matcher item
 *   as one 44-byte record (str, i64 lo, i64 hi, ip[16], prefix, v6, u16 0),
 *   and a SHA-256 checksum; version 2 added section 12; version 3 added
 *   sections 13 to 18, split the items by class (6, 17, 18) and took the
 *   CRC-32.  Other versions are refused ("rebuild the bundle").
 *
 * Records are written field by field, never as memory images of structs,
 * so the file does not depend on the compiler's padding or the host's byte
 * order.  Any change to this layout bumps PAL_BUNDLE_VERSION.
 *
 * Signatures.  A signed bundle is the bundle above (the "body", unchanged,
 * its total length field still counting the body alone) followed by a
 * 128-byte trailer:
 *
 *   offset  size  field (from the start of the trailer)
 *   ------  ----  ----------------------------------------------------------
 *        0     8  magic "PALSIGN\0"
 *        8     4  u32 trailer size (128)
 *       12     4  u32 algorithm: 1 = Ed25519ph (libsodium crypto_sign_init/
 *                 update/final: Ed25519 over the SHA-512 of the message)
 *       16     8  u64 signed body length (= the body's total length field)
 *       24     8  key id: the first 8 bytes of SHA-256(public key)
 *       32    32  the signer's ed25519 public key
 *       64    64  signature of  "palisade bundle signature v1
" || body ||
 *                 trailer bytes 0..63
 *
 * Whether a file is signed is decided by the body's own total length: equal
 * to the file length, unsigned; 128 less, signed; anything else is refused.
 * The signature covers the body and every trailer field before it, and a
 * reader checks it over exactly the bytes it then parses (the first `body
 * length` bytes of the same buffer), so no byte of a signed bundle can
 * change without the bundle being refused.  Carrying the public key makes
 * a signed bundle self-checking even where no trusted key is configured;
 * trust comes only from comparing that key with the one an operator gave
 * (`--verify-key`).  Key files are small text files (pal_pubkey_format).
 */
#ifndef PAL_BUNDLE_H
#define PAL_BUNDLE_H

#include <stddef.h>
#include <stdio.h>
#include "engine/vm/program.h"

#define PAL_BUNDLE_VERSION 3u
#define PAL_BUNDLE_NSECTIONS 18u
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

/* ---- keys and signatures ---- */

#define PAL_SIG_TRAILER_BYTES 128u
#define PAL_KEY_ID_CHARS 16u        /* hex of the first 8 bytes of SHA-256(public key) */
#define PAL_MAX_KEY_FILE_BYTES 4096u

typedef struct pal_pubkey {
    unsigned char pk[32];
    char id[PAL_KEY_ID_CHARS + 1];
} pal_pubkey;

typedef struct pal_seckey {
    unsigned char sk[64];           /* libsodium layout: seed || public key */
    char id[PAL_KEY_ID_CHARS + 1];
} pal_seckey;

/* A new key pair from the system's random source.  Returns 0 or -1. */
int pal_key_generate(pal_pubkey *pub, pal_seckey *sec);

/* Key files: a header line, "key-id HEX" and the key in base64, comments
   ('#') allowed.  The secret file holds only the 32-byte seed:
       palisade-public-key v1          palisade-secret-key v1
       key-id 3f2a9c01d4e5b6a7         key-id 3f2a9c01d4e5b6a7
       ed25519 <base64, 32 bytes>      ed25519-seed <base64, 32 bytes>
   Formatting returns a malloc'ed string.  Parsing checks that the key id
   matches the key, so a file edited by hand or cut short is refused. */
char *pal_pubkey_format(const pal_pubkey *k);
char *pal_seckey_format(const pal_seckey *k);
int pal_pubkey_parse(const char *text, size_t len, pal_pubkey *out, char *err, size_t cap);
int pal_seckey_parse(const char *text, size_t len, pal_seckey *out, char *err, size_t cap);
/* The same from files; errors name the path. */
int pal_pubkey_load(const char *path, pal_pubkey *out, char *err, size_t cap);
int pal_seckey_load(const char *path, pal_seckey *out, char *err, size_t cap);

/* Appends a signature trailer to a bundle body: a new malloc'ed buffer.
   The body must be an unsigned bundle (its total length field = len). */
int pal_bundle_sign(const unsigned char *body, size_t len, const pal_seckey *k,
                    unsigned char **out, size_t *outlen, char *err, size_t cap);

typedef enum pal_sig_state {
    PAL_SIG_UNSIGNED = 0,  /* no trailer */
    PAL_SIG_INTACT,        /* signed, the signature matches the key it carries; no trusted key to compare */
    PAL_SIG_VALID,         /* signed by the trusted key */
    PAL_SIG_OTHER_KEY,     /* intact, but signed by another key than the trusted one */
    PAL_SIG_INVALID        /* a trailer that does not verify: the bundle changed after signing */
} pal_sig_state;

typedef struct pal_bundle_sig {
    pal_sig_state state;
    char key_id[PAL_KEY_ID_CHARS + 1];   /* the signer's, when a trailer was read */
    size_t body_len;                     /* the bytes that are the bundle proper */
} pal_bundle_sig;

const char *pal_sig_state_name(pal_sig_state s);   /* "unsigned", "valid", ... */

/* Classifies and checks the signature of buf.  With trusted == NULL an
   unsigned or intact bundle is acceptable; with a trusted key only VALID
   is.  Returns 0 when acceptable, else -1 with the reason in err.  *sig is
   filled either way (body_len is where the body ends when a trailer was
   seen, else len). */
int pal_bundle_check_signature(const unsigned char *buf, size_t len, const pal_pubkey *trusted,
                               pal_bundle_sig *sig, char *err, size_t cap);

/* pal_bundle_check_signature, then pal_bundle_read of the signed body: the
   one entry point for bundles from outside.  sig may be NULL. */
int pal_bundle_open(const unsigned char *buf, size_t len, const pal_pubkey *trusted,
                    pal_bundle_sig *sig, pal_program **out, char *err, size_t cap);

/* Like pal_bundle_load, with a trusted key (NULL: any) and the signature
   state reported in *sig (may be NULL). */
int pal_bundle_load_verified(const char *path, const pal_pubkey *trusted, pal_bundle_sig *sig,
                             pal_program **out, char *err, size_t cap);

/* Like pal_bundle_write, with the manifest revision replaced by `revision`
   (NULL keeps the program's): the string is appended to the blob. */
int pal_bundle_write_rev(const pal_program *p, const char *revision, unsigned char **buf, size_t *len);

/* pal_bundle_save with a revision override (NULL: keep) and a signing key
   (NULL: unsigned). */
int pal_bundle_save_signed(const pal_program *p, const char *path, const char *revision,
                           const pal_seckey *key, char *err, size_t cap);

/* Prints p like `luac -l`: the manifest, then per rule its name, kind, root,
   source location and outcomes, each instruction with its operands and a
   comment (constant, matcher items, field name, jump target), and the
   message expressions after the rule's code (engine/vm/disasm.c). */
void pal_disasm(const pal_program *p, FILE *out);

#endif

/*
 * snapshot.h — a policy repo compiled as it was at one moment, never half
 * written.
 *
 * A policy directory is many files, and the people and tools that change
 * it write them one after another, often in place.  A compiler that reads
 * the tree while that happens can build a rule set that never existed on
 * disk: one file of the new generation, one of the old, or a file cut
 * short at a rule boundary, which still compiles and silently lacks a rule
 * (`palisade agent` loaded 1,518 such sets in a million decisions when a
 * SIGHUP came mid-write).  This module reads the repo as a snapshot and
 * compiles only a snapshot that is whole:
 *
 *  1. read every .pal file (the compiler's own walk: sorted, hidden names
 *     skipped) and every feed the compiler asks for, into memory;
 *  2. compile from those bytes, not from the disk;
 *  3. look again: the same files, each with the same identity, size,
 *     times and bytes.
 *
 * The snapshot counts only if, in addition, no file was open for writing
 * by anyone when it was read or looked at again (probe_writers: a Linux
 * read lease cannot be taken on a file open for writing — deterministic,
 * where the agent owns the files or has CAP_LEASE, and skipped where not),
 * and no file had changed within settle_ms before it was read (a writer
 * between two files leaves the tree quiet for only a moment).  Otherwise
 * the attempt is dropped — its diagnostics too, so a torn file is never
 * reported as an error — and tried again after the tree settles, up to
 * max_wait_ms.  What is compiled is exactly what was read twice, so the
 * program and its source digests (the revision) describe one state.
 *
 * The reader blocks (it sleeps between attempts): the agent runs it in its
 * reload child.  With probe_writers the caller must ignore SIGIO: a writer
 * that opens a file during the instant a lease is held breaks it, and the
 * kernel tells the holder with that signal.
 */
#ifndef PAL_COMPILE_SNAPSHOT_H
#define PAL_COMPILE_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "lang/compile/palc.h"

typedef struct pal_snapshot_opts {
    unsigned settle_ms;      /* every file unchanged this long before it is read (0: no wait) */
    unsigned max_wait_ms;    /* give up after this long (0: 60000) */
    bool probe_writers;      /* a file open for writing is not read (leases; ignore SIGIO) */
    FILE *diag_out;          /* the counted attempt's diagnostics, as pal_diag_print prints them (NULL: stderr) */
    const char *diag_prefix; /* put before a file's repo path in them (pal_diag_repo_prefix; NULL: none) */
} pal_snapshot_opts;

typedef struct pal_snapshot_result {
    unsigned attempts;       /* snapshots taken (1 when the tree was quiet) */
    unsigned files;          /* files in the snapshot counted (.pal and feeds) */
    char unstable[512];      /* the last reason an attempt was dropped ("" if none) */
} pal_snapshot_result;

/* Compiles the policy directory dir (or the one .pal file dir names, its
   directory being the repo) from a consistent snapshot.  o->read is
   ignored (the snapshot reads), o->diag too (see diag_out).  Returns the
   program; or NULL with *nerrors > 0 when the snapshot does not compile
   (the diagnostics printed), or with *nerrors == 0 and err saying why no
   consistent snapshot could be taken in max_wait_ms. */
pal_program *pal_compile_snapshot(const char *dir, const pal_compile_opts *o, const pal_snapshot_opts *so,
                                  unsigned *nerrors, unsigned *nwarnings, pal_snapshot_result *res, char *err,
                                  size_t errcap);

/* One file (a bundle) read as of one moment, by the same rules: not open
   for writing, unchanged for settle_ms, the same bytes twice.  Returns 0
   with a malloc'ed *data, or -1 with err (missing, over max_bytes, or it
   kept changing). */
int pal_read_file_snapshot(const char *path, size_t max_bytes, const pal_snapshot_opts *so, unsigned char **data,
                           size_t *len, pal_snapshot_result *res, char *err, size_t errcap);

#endif

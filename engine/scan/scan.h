/*
 * scan.h — a compliance and vulnerability scan of one image, below the
 * command: `palisade scan` is flag parsing, a progress line and printing
 * on top of pal_scan_run.
 *
 * In: the image tarball, the check programs (the built-in checks and each
 * --policy, compiled or loaded by the caller: compiling is lang/, above
 * this layer), the framework files (the built-in ones passed in as data,
 * plus a directory), the selection (--framework, --disable), exceptions,
 * vulnerability feeds and their options.  Out: a finished report
 * (engine/report/report.h) that every writer renders the same way.
 *
 * Design. The programs run side by side on the same inventory record, one
 * VM per program, instead of being compiled together: a user's repo keeps
 * its own imports and feeds, a bundle can be added as it is, and a clash
 * of check IDs is found by comparing the sets (an error naming both
 * places) rather than surfacing as a compiler error inside the built-ins.
 * The checks are selected before anything runs, so a disabled check costs
 * nothing and cannot stop the scan.  Everything the caller could get wrong
 * (frameworks, selection, exceptions, feeds) is checked before the image
 * is read.  Checks run through the one check runner (engine/runtime/
 * checks.h), so each finding keeps its check, its element and its time,
 * and a check that exhausts its budget is reported as an error without
 * hiding the others' results.
 *
 * The library never prints.  An error comes back in err ("what, where,
 * what to do"; messages name the `palisade scan` options the fields come
 * from, as users write them).  Warnings (a --policy without checks, a
 * framework control naming no loaded check, feed problems) go to the
 * warning callback as the line a command would print after its own
 * prefix; progress (the stage, the check running) to the progress
 * callback.  Both may be NULL; they are called on the caller's thread.
 */
#ifndef PAL_SCAN_H
#define PAL_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include "engine/report/report.h"
#include "engine/vm/program.h"

/* Bytes of small text files the checks may read (f.content). */
#define PAL_SCAN_CONTENT_MAX 16384u

typedef struct pal_scan_program {
    const pal_program *program;   /* the caller's; not freed here */
    const char *origin;           /* the --policy path, or "built-in" (how messages and sources name it) */
    bool builtin;                 /* the built-in checks: sources read checks/FILE:LINE */
} pal_scan_program;

/* A file given as data: a built-in framework file ("checks/frameworks/cis_docker.yaml"). */
typedef struct pal_scan_file {
    const char *path;
    const void *data;
    size_t len;
} pal_scan_file;

/* Where the time goes.  The library fills every stage but the last two:
   the caller adds its own setup (compiling the checks) to PAL_SCAN_SETUP
   and writes PAL_SCAN_REPORT. */
enum pal_scan_stage {
    PAL_SCAN_SETUP, PAL_SCAN_FEEDS, PAL_SCAN_READ, PAL_SCAN_VULNS, PAL_SCAN_RECORD, PAL_SCAN_CHECKS,
    PAL_SCAN_REPORT, PAL_SCAN_NSTAGES
};
typedef struct pal_scan_timings { double seconds[PAL_SCAN_NSTAGES]; } pal_scan_timings;
/* "setup (compile checks, frameworks, exceptions)", ..., "writing the report". */
const char *pal_scan_stage_name(int stage);

typedef struct pal_scan_opts {
    const char *image;                        /* a docker-save or OCI tarball */
    const pal_scan_program *programs;         /* at least one; checks of all of them run */
    unsigned nprograms;
    const pal_scan_file *framework_files;     /* built-in framework YAML (a bad one is a bug) */
    unsigned nframework_files;
    const char *frameworks_dir;               /* the user's *.yaml framework files, or NULL */
    const char *framework;                    /* run only this framework's checks (a key or a
                                                 file name: cis_docker, cis_docker_1.6), or NULL */
    const char *const *disable;               /* check IDs not to run */
    unsigned ndisable;
    const char *exceptions;                   /* accepted risks (engine/scan/exceptions.h), or NULL */
    long today;                               /* days since 1970-01-01 (UTC) for exception
                                                 expiry; 0: the clock's */
    const char *const *feeds;                 /* vulnerability feeds: directories or files */
    unsigned nfeeds;
    unsigned fail_on;                         /* SEV_*: the lowest failing severity; 0: high */
    unsigned vuln_threshold;                  /* SEV_*: the lowest failing vulnerability; 0: fail_on */
    bool only_fixed;                          /* leave out vulnerabilities without a fix */
    int grace_days[5];                        /* by pal_vuln_severity: days a new one does not fail */
    const char *allow_list;                   /* CVE allow list, or NULL */
    bool sbom;                                /* image is a CycloneDX or SPDX JSON SBOM: its
                                                 packages are matched, checks see no files */
    void (*progress)(void *user, const char *what);   /* "reading the image", "running check 3 of 40: PAL-0041" */
    void (*warning)(void *user, const char *text);    /* "warning: ...", "feed error: FILE: WHERE\n    what" */
    void *user;
} pal_scan_opts;

/* Several images (palisade scan IMAGE... / --images DIR): a scanner is set
   up once — checks collected and selected, frameworks mapped, exceptions
   read, feeds and allow list loaded — and then scans one image at a time,
   each into its own report.  Only one inventory is in memory at a time
   (freed before pal_scanner_scan returns), so a run's memory is that of
   its largest image, plus whatever reports the caller keeps.  o (and
   everything it points to) must outlive the scanner; o->image is not used.
   NULL with err when the inputs are wrong (nothing was read yet); t (may
   be NULL) gets the setup and feed-loading seconds. */
typedef struct pal_scanner pal_scanner;
pal_scanner *pal_scanner_new(const pal_scan_opts *o, pal_scan_timings *t, char *err, size_t errcap);
/* Scans image into r, which it initialises (rpt_init): on success a
   finished report.  -1 with err ("IMAGE: what went wrong") when the image
   cannot be read; the scanner is still good for the next image.  t (may be
   NULL) gets this image's seconds per stage.  Free r with rpt_free either way. */
int pal_scanner_scan(pal_scanner *s, const char *image, rpt_report *r, pal_scan_timings *t, char *err, size_t errcap);
void pal_scanner_free(pal_scanner *s);

/* One image: pal_scanner_new, pal_scanner_scan of o->image, pal_scanner_free.
   Scans o->image into r, which it initialises (rpt_init): on success a
   finished report (rpt_finish) whose `passed` and checks_errors decide the
   outcome.  t (may be NULL) gets the seconds per stage.  Returns 0, or -1
   with the reason in err; free r with rpt_free either way. */
int pal_scan_run(const pal_scan_opts *o, rpt_report *r, pal_scan_timings *t, char *err, size_t errcap);

#endif

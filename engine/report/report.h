/*
 * report.h — what `palisade scan` found, and how it is written out.
 *
 * Design. The scan fills one report model — the image, every check that
 * ran, every finding, every vulnerability, the exceptions applied — and
 * then one writer per format renders that model.  No writer decides
 * anything: status, counts and pass/fail are settled by rpt_finish(), so
 * every format tells the same story.  Strings entering the model are
 * copied into the report's arena and made valid UTF-8 without NULs
 * (rpt_str), so image data (file names, messages) can never break a JSON,
 * XML or SARIF document.
 *
 * Formats:
 *   text    a human report grouped by severity, then a one-line summary
 *           that starts with PASS or FAIL
 *   json    the stable machine format below
 *   sarif   SARIF 2.1.0: one rule per check that ran (and per
 *           vulnerability ID), one result per finding; excepted findings
 *           carry an accepted external suppression with the reason
 *   junit   Ant JUnit XML: one testsuite per image, one testcase per check
 *           run (a failure holds its findings), one per vulnerability
 *   github  GitHub Actions workflow commands (::error title=...::message),
 *           escaped per GitHub's rules, and a closing summary line
 *
 * ---------------------------------------------------------------------
 * JSON schema, version "palisade.scan/v1".  Stable: fields may be added,
 * never renamed, removed or given another type without a new version.
 *
 *   {
 *     "schema": "palisade.scan/v1",
 *     "tool": {"name": "palisade", "version": "0.1.0"},
 *     "image": {"file": "app.tar", "name": "app:1", "tags": ["app:1"],
 *               "id": "sha256:...", "os": "linux", "os_version": "",
 *               "architecture": "amd64"},
 *     "findings": [{
 *         "id": "PAL-0041",                 check ID
 *         "title": "...", "severity": "high",       info|low|medium|high|critical
 *         "status": "fail",                 fail | excepted
 *         "message": "the image runs as root: its USER is root",
 *         "element": "/etc/shadow",         the file/package/user it is about (absent if none)
 *         "frameworks": [{"framework": "cis_docker", "control": "4.1", "title": "..."}],
 *         "controls": {"cis_docker": "4.1"},   the same, one string per framework
 *                                              (several controls joined with ", ")
 *         "remediation": "...",
 *         "exception": {"reason": "...", "expires": "2027-01-31", "expired": false,
 *                       "file": "exc.yaml", "line": 3}       only when one matched
 *     }],                                   ordered: severity (critical first), id, message
 *     "vulnerabilities_checked": false,    true only with --feeds: without it no package was
 *                                          matched against a feed, and the empty list and zero
 *                                          counts below say nothing about vulnerabilities
 *     "vulnerabilities": [{                only with --feeds
 *         "id": "CVE-2024-1234", "package": "libssl3", "version": "3.0.1-1",
 *         "ecosystem": "dpkg",              dpkg apk rpm windows md5
 *         "fixed_version": "3.0.2-1",       "" when no fix is known
 *         "fix_available": true,
 *         "severity": "high",               low medium high critical, or unknown
 *         "cvss": 7.5,                      0 when the feed gives no score
 *         "risk": 63,                       0..100 (engine/vuln/vuln.h has the formula)
 *         "published": "2024-01-02", "age_days": 300,   "" and -1 when unknown
 *         "exploit": false, "kb": "KB5034127" (Windows), "source": "feed file",
 *         "title": "...",
 *         "status": "fail",                 fail | excepted | allowed | grace | info
 *                                           (info: below --vuln-threshold)
 *         "note": "...",                    why it does not fail (absent when it fails plainly)
 *         "exception": {...}                as for findings, when one matched
 *     }],                                   ordered: failing first, severity, risk, id
 *     "checks": [{"id": "PAL-0041", "title": "...", "severity": "high",
 *                 "status": "pass",         pass | fail | excepted | error
 *                 "findings": 0,            failing + excepted findings
 *                 "dropped": 5,             only when it found more than it may report
 *                 "source": "checks/cis_docker.pal:5",
 *                 "error": "..."}],         only for status error
 *     "notes": ["..."],                     expired exceptions, dropped findings, vulnerabilities
 *                                           not checked (RPT_VULNS_NOT_CHECKED), ...
 *     "summary": {"checks": 12, "passed": 10, "failed": 1, "excepted": 1, "errors": 0,
 *                 "findings": {"critical": 0, "high": 1, "medium": 0, "low": 0, "info": 0},
 *                 "excepted_findings": 1,
 *                 "vulnerabilities": {"critical": 0, "high": 0, "medium": 0, "low": 0,
 *                                     "info": 0, "failing": 0,
 *                                     "checked": false}},   as vulnerabilities_checked
 *     "fail_on": "high",
 *     "passed": false
 *   }
 *
 * Every format says when vulnerabilities were not checked (no --feeds):
 * text in its VULNERABILITIES line and summary, json in the fields above
 * and a note, sarif in run.properties.vulnerabilitiesChecked and a tool
 * notification, junit in the vulnerabilities.checked property and
 * system-out, github in a ::notice and the summary line.
 *
 * `summary.findings` counts findings with status fail, by severity; a
 * check's status is fail if any of its findings fails, excepted if it
 * found only excepted ones.  `passed` is false when a failing finding or
 * vulnerability is at or above `fail_on`, or a check stopped with an error.
 * ---------------------------------------------------------------------
 *
 * Ownership: everything hangs off the report's arena (and its growable
 * arrays), freed by rpt_free.
 */
#ifndef PAL_CLI_REPORT_H
#define PAL_CLI_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>
#include "engine/base/arena.h"

enum rpt_status { RS_PASS = 0, RS_FAIL, RS_EXCEPTED, RS_ALLOWED, RS_GRACE, RS_INFO, RS_ERROR };

typedef struct rpt_fwref { const char *framework, *control, *title; } rpt_fwref;

typedef struct rpt_check {
    const char *id, *title, *description, *rationale, *remediation;
    const char *source;          /* "file.pal:LINE" */
    unsigned severity;           /* SEV_* */
    rpt_fwref *fw; unsigned nfw;
    const char **tags; unsigned ntags;
    /* filled as the scan runs */
    unsigned nfail, nexcepted;   /* findings by status */
    unsigned dropped;            /* findings past PAL_MAX_EMITS, not reported */
    const char *error;           /* why it stopped, or NULL */
    double seconds;
    int status;                  /* rpt_finish: RS_PASS / RS_FAIL / RS_EXCEPTED / RS_ERROR */
} rpt_check;

typedef struct rpt_exception_ref {
    const char *reason, *expires, *file;
    unsigned line;
    bool expired;
} rpt_exception_ref;

typedef struct rpt_finding {
    unsigned check;              /* index into checks */
    unsigned severity;
    int status;                  /* RS_FAIL or RS_EXCEPTED */
    const char *message;
    const char *element;         /* NULL if the check is not per element */
    bool has_exception;
    rpt_exception_ref exc;
} rpt_finding;

typedef struct rpt_vuln {
    const char *id, *package, *version, *ecosystem, *fixed_version, *published, *kb, *source, *title;
    unsigned severity;           /* SEV_*; SEV_NONE when the feed gives none */
    const char *severity_name;   /* as shown: "critical" ... "low", "unknown" */
    double cvss;                 /* 0 when unknown */
    int risk;                    /* 0..100 */
    long age_days;               /* -1 when unknown */
    bool fix_available, exploit;
    int status;                  /* RS_FAIL RS_EXCEPTED RS_ALLOWED RS_GRACE RS_INFO */
    const char *note;
    bool has_exception;
    rpt_exception_ref exc;
} rpt_vuln;

typedef struct rpt_image {
    const char *file, *name, *id, *os, *os_version, *architecture;
    const char **tags; unsigned ntags;
} rpt_image;

typedef struct rpt_report {
    pal_arena arena;
    rpt_image image;
    rpt_check *checks;     unsigned nchecks, cap_checks;
    rpt_finding *findings; unsigned nfindings, cap_findings;
    rpt_vuln *vulns;       unsigned nvulns, cap_vulns;
    const char **notes;    unsigned nnotes, cap_notes;
    bool vulns_scanned;    /* --feeds given: "no vulnerabilities" means something */
    unsigned fail_on;      /* SEV_* */
    time_t started;
    double seconds;        /* the whole scan */
    /* rpt_finish */
    unsigned fail_count[6];        /* failing findings by severity */
    unsigned vuln_count[6];        /* reported vulnerabilities by severity */
    unsigned vulns_failing, excepted_findings;
    unsigned checks_passed, checks_failed, checks_excepted, checks_errors;
    bool passed;
} rpt_report;

void rpt_init(rpt_report *r);
void rpt_free(rpt_report *r);
/* A copy of s in the report: invalid UTF-8 bytes become U+FFFD, control
   characters other than \n and \t become spaces; NULL stays NULL. */
const char *rpt_str(rpt_report *r, const char *s);
const char *rpt_strn(rpt_report *r, const char *s, size_t n);
/* Appends (zeroed); NULL when out of memory. */
rpt_check *rpt_add_check(rpt_report *r);
rpt_finding *rpt_add_finding(rpt_report *r);
rpt_vuln *rpt_add_vuln(rpt_report *r);
int rpt_note(rpt_report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Orders the findings, settles statuses, counts and `passed`. */
void rpt_finish(rpt_report *r);

/* The note every format gives when vulns_scanned is false. */
#define RPT_VULNS_NOT_CHECKED \
    "vulnerabilities were not checked: no --feeds given, so no package was matched against a vulnerability feed"

/* Formats: "text", "json", "sarif", "junit", "github".  -1 if unknown. */
int rpt_format_from_name(const char *name);
enum { RF_TEXT = 0, RF_JSON, RF_SARIF, RF_JUNIT, RF_GITHUB };
const char *rpt_format_names(void);   /* "text, json, sarif, junit, github" */

/* Writes the report to f.  0, or -1 (out of memory, write error). */
int rpt_write(const rpt_report *r, int format, FILE *f);
/* Writes it to path atomically (a temp file beside it, then rename), so a
   reader never sees half a report and a failed scan leaves the old one.
   0, or -1 with err. */
int rpt_write_file(const rpt_report *r, int format, const char *path, char *err, size_t errcap);

/* Writers (report_*.c). */
int rpt_write_text(const rpt_report *r, FILE *f);
int rpt_write_json(const rpt_report *r, FILE *f);
int rpt_write_sarif(const rpt_report *r, FILE *f);
int rpt_write_junit(const rpt_report *r, FILE *f);
int rpt_write_github(const rpt_report *r, FILE *f);

/* Shared by the writers. */
const char *rpt_status_name(int status);
const char *rpt_sev_name(unsigned sev);   /* "critical" ... "info", "none" */
bool rpt_finding_fails(const rpt_report *r, const rpt_finding *f);   /* fail and >= fail_on */
bool rpt_vuln_fails(const rpt_report *r, const rpt_vuln *v);
const char *rpt_vuln_sev(const rpt_vuln *v);   /* severity_name, else by severity */

#endif

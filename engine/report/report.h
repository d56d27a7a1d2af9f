/*
 * report.h — what `palisade scan` found in an image, or `palisade lint` in
 * policy source, and how it is written out.
 *
 * Design. The command fills one report model — the checks (or lint codes)
 * that ran, every finding, and for a scan the image, every vulnerability
 * and the exceptions applied — and then one writer per format renders that
 * model.  No writer decides anything: status, counts and pass/fail are
 * settled by rpt_finish(), so every format tells the same story.  Strings
 * entering the model are copied into the report's arena and made valid
 * UTF-8 without NULs (rpt_str), so image data (file names, messages) can
 * never break a JSON, XML or SARIF document.
 *
 * A report knows what it is about (rpt_report.kind): a scan of an image
 * (RPT_SCAN) or a lint of source (RPT_LINT).  The findings model is the
 * same; what differs is what a finding points at — the image and an element
 * in it, or a source range file:line:col..end_line:end_col — and what a
 * rule carries (a lint code has a kebab name, a help URI and a default
 * level; a scan check a severity, frameworks and a remediation).  A lint
 * report has json, sarif and github forms; its text form is the compiler's
 * diagnostic format (source line and caret), which needs the source and is
 * printed by the linter's caller (cli/cmd_lint.c), not here.
 *
 * Formats:
 *   text    a human report grouped by severity, then a one-line summary
 *           that starts with PASS or FAIL
 *   json    the stable machine format below
 *   sarif   SARIF 2.1.0: one rule per check that ran (and per
 *           vulnerability ID), one result per finding; excepted findings
 *           carry an accepted external suppression with the reason.  Lint:
 *           one rule per code, results with source regions (sarif.c)
 *   junit   Ant JUnit XML: one testsuite per image, one testcase per check
 *           run (a failure holds its findings), one per vulnerability
 *   github  GitHub Actions workflow commands (::error title=...::message),
 *           escaped per GitHub's rules, and a closing summary line; lint
 *           findings carry file=,line=,col=,endLine=,endColumn= (github.c)
 *   html    one self-contained page for people: an overview and a section
 *           per image (html.c); scans only
 *
 * Several images in one report (palisade.scans/v1 and the other formats'
 * set forms) are described below, at rpt_set.
 *
 * ---------------------------------------------------------------------
 * JSON schema, version "palisade.scan/v1".  Stable: fields may be added,
 * never renamed, removed or given another type without a new version.
 *
 *   {
 *     "schema": "palisade.scan/v1",
 *     "tool": {"name": "palisade", "version": "0.1.0"},
 *     "started": "2026-12-07T02:51:30Z",   when the scan began (UTC)
 *     "image": {"file": "app.tar", "name": "app:1", "tags": ["app:1"],
 *               "id": "sha256:...", "os": "linux", "os_version": "",
 *               "architecture": "amd64",
 *               "created": "2024-01-02T00:00:00Z",
 *               "config": {"user": "app", "working_dir": "/app",
 *                          "entrypoint": [], "cmd": [], "exposed_ports": ["8080/tcp"],
 *                          "volumes": [], "healthcheck": ["CMD", "..."],
 *                          "env": ["PATH", "APP_PORT"],     names only: values often hold secrets
 *                          "labels": [{"name": "...", "value": "..."}],
 *                          "omitted": 3},                   only when lists were cut (RPT_MAX_LIST)
 *               "history": [{"created": "...", "created_by": "RUN ...", "comment": "",
 *                            "empty_layer": false}],
 *               "history_omitted": 2},                      only when cut
 *                                          (strings from the image are cut at RPT_MAX_CONFIG_BYTES)
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
 *         "risk_factors": {"severity": 30, "fix": 10, "exploit": 0, "network": 10,
 *                          "root": 10, "age": 3},   its parts, in points
 *         "published": "2024-01-02", "age_days": 300,   "" and -1 when unknown
 *         "exploit": false, "kb": "KB5034127" (Windows), "source": "feed file",
 *         "title": "...",
 *         "status": "fail",                 fail | excepted | allowed | grace | info
 *                                           (info: below --vuln-threshold)
 *         "note": "...",                    why it does not fail (absent when it fails plainly)
 *         "exception": {...}                as for findings, when one matched
 *     }],                                   ordered: failing first, severity, risk, id
 *     "checks": [{"id": "PAL-0041", "title": "...", "severity": "high",
 *                 "status": "pass",         pass | fail | excepted | error | not_applicable
 *                 "frameworks": [...],      as a finding's: the controls it maps to
 *                 "findings": 0,            failing + excepted findings
 *                 "dropped": 5,             only when it found more than it may report
 *                 "source": "checks/cis_docker.pal:5",
 *                 "error": "...",           only for status error
 *                 "not_applicable": "reads image.config.user, which an SBOM does not list"}],
 *                                           only for status not_applicable: the check was not
 *                                           run (scan --sbom: it reads a field an SBOM lacks)
 *     "notes": ["..."],                     expired exceptions, dropped findings, vulnerabilities
 *                                           not checked (RPT_VULNS_NOT_CHECKED), ...
 *     "summary": {"checks": 12, "passed": 10, "failed": 1, "excepted": 1, "errors": 0,
 *                 "not_applicable": 0,
 *                 "findings": {"critical": 0, "high": 1, "medium": 0, "low": 0, "info": 0},
 *                 "excepted_findings": 1,
 *                 "vulnerabilities": {"critical": 0, "high": 0, "medium": 0, "low": 0,
 *                                     "info": 0, "failing": 0,
 *                                     "checked": false}},   as vulnerabilities_checked
 *     "fail_on": "high",
 *     "passed": false
 *   }
 *
 * JSON for a lint report (lang/LINT.md, "Output formats"; as stable):
 *
 *   {"findings": [{"level": "warning",      error | warning | note
 *                  "code": "PAL0701",
 *                  "file": "policy.pal", "line": 2, "column": 6,
 *                  "end_line": 2, "end_column": 11,   absent without a file
 *                  "message": "...", "hint": "..."}],  hint absent when none
 *    "errors": 0, "warnings": 1}          findings at those levels
 *
 * Every format of a scan says when vulnerabilities were not checked (no --feeds):
 * text in its VULNERABILITIES line and summary, json in the fields above
 * and a note, sarif in run.properties.vulnerabilitiesChecked and a tool
 * notification, junit in the vulnerabilities.checked property and
 * system-out, github in a ::notice and the summary line.
 *
 * Fields added since the first version, as the rule above allows: started,
 * image.created, image.config, image.history, checks[].frameworks,
 * vulnerabilities[].risk_factors, checks[].not_applicable, summary.not_applicable
 * (palisade report reads reports without them).
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
#ifndef PAL_REPORT_H
#define PAL_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>
#include "engine/base/arena.h"

enum rpt_kind { RPT_SCAN = 0, RPT_LINT };

enum rpt_status { RS_PASS = 0, RS_FAIL, RS_EXCEPTED, RS_ALLOWED, RS_GRACE, RS_INFO, RS_ERROR, RS_NOT_APPLICABLE };

/* A level as SARIF and GitHub know it.  A scan's checks and findings leave
   it RPT_LEVEL_BY_SEVERITY (high and critical are errors, medium warnings,
   the rest notes); a lint finding has its configured level, a lint code its
   default one.  RPT_LEVEL_NONE: no default (a compiler code, whose level
   the configuration decides). */
enum rpt_level { RPT_LEVEL_BY_SEVERITY = 0, RPT_LEVEL_ERROR, RPT_LEVEL_WARNING, RPT_LEVEL_NOTE, RPT_LEVEL_NONE };

typedef struct rpt_fwref { const char *framework, *control, *title; } rpt_fwref;

typedef struct rpt_check {
    const char *id, *title, *description, *rationale, *remediation;
    const char *name;            /* lint: the code's kebab-case name; NULL for a scan check */
    const char *help_uri;        /* where the rule is documented, or NULL */
    int level;                   /* enum rpt_level: the default level */
    const char *source;          /* "file.pal:LINE" */
    unsigned severity;           /* SEV_* */
    rpt_fwref *fw; unsigned nfw;
    const char **tags; unsigned ntags;
    /* filled as the scan runs */
    unsigned nfail, nexcepted;   /* findings by status */
    unsigned dropped;            /* findings past PAL_MAX_EMITS, not reported */
    const char *error;           /* why it stopped, or NULL */
    const char *not_applicable;  /* why it was not run (an SBOM does not list what it reads), or NULL */
    double seconds;
    int status;                  /* rpt_finish: RS_PASS / RS_FAIL / RS_EXCEPTED / RS_ERROR / RS_NOT_APPLICABLE */
} rpt_check;

typedef struct rpt_exception_ref {
    const char *reason, *expires, *file;
    unsigned line;
    bool expired;
} rpt_exception_ref;

/* A place in source: 1-based lines, columns in code points, as the lint
   reports them (an end of 0 means "not given"; each writer says what it
   makes of that).  file NULL: the finding has no place in source. */
typedef struct rpt_source {
    const char *file;
    unsigned line, col, end_line, end_col;
} rpt_source;

typedef struct rpt_finding {
    unsigned check;              /* index into checks */
    unsigned severity;
    int level;                   /* enum rpt_level */
    int status;                  /* RS_FAIL or RS_EXCEPTED */
    const char *message;
    const char *hint;            /* what to do about this one finding, or NULL */
    const char *element;         /* NULL if the check is not per element */
    rpt_source src;              /* lint: where in the source */
    bool has_exception;
    rpt_exception_ref exc;
} rpt_finding;

/* The risk score's parts (engine/vuln/vuln.h has the formula), in points. */
enum { RPT_RISK_SEVERITY = 0, RPT_RISK_FIX, RPT_RISK_EXPLOIT, RPT_RISK_NETWORK, RPT_RISK_ROOT, RPT_RISK_AGE,
       RPT_RISK_NFACTORS };
/* "severity", "fix", "exploit", "network", "root", "age" */
const char *rpt_risk_factor_name(int factor);

typedef struct rpt_vuln {
    const char *id, *package, *version, *ecosystem, *fixed_version, *published, *kb, *source, *title;
    unsigned severity;           /* SEV_*; SEV_NONE when the feed gives none */
    const char *severity_name;   /* as shown: "critical" ... "low", "unknown" */
    double cvss;                 /* 0 when unknown */
    int risk;                    /* 0..100 */
    bool has_factors;            /* false: read from a JSON report written without them */
    int factors[RPT_RISK_NFACTORS];
    long age_days;               /* -1 when unknown */
    bool fix_available, exploit;
    int status;                  /* RS_FAIL RS_EXCEPTED RS_ALLOWED RS_GRACE RS_INFO */
    const char *note;
    bool has_exception;
    rpt_exception_ref exc;
} rpt_vuln;

/* What the image's config says, as the HTML report shows it.  Lists and
   strings come from the image (attacker-controlled) and are bounded:
   at most RPT_MAX_LIST entries each (the rest counted in `omitted`), each
   string cut to RPT_MAX_CONFIG_BYTES (at a character, "…" added). */
#define RPT_MAX_LIST          1000u
#define RPT_MAX_CONFIG_BYTES  4096u

typedef struct rpt_strlist { const char **v; unsigned n; } rpt_strlist;
typedef struct rpt_label { const char *name, *value; } rpt_label;
typedef struct rpt_history { const char *created, *created_by, *comment; bool empty_layer; } rpt_history;

typedef struct rpt_config {
    bool known;                  /* false: read from a JSON report written without it */
    const char *user, *working_dir;
    rpt_strlist entrypoint, cmd, ports, volumes, healthcheck;
    rpt_strlist env;             /* variable names only: values often hold secrets */
    rpt_label *labels; unsigned nlabels;
    unsigned omitted;            /* entries past RPT_MAX_LIST, over all lists */
} rpt_config;

typedef struct rpt_image {
    const char *file, *name, *id, *os, *os_version, *architecture;
    const char **tags; unsigned ntags;
    const char *created;         /* the config's, "" when unknown */
    rpt_config config;
    bool history_known;
    rpt_history *history; unsigned nhistory, history_omitted;
} rpt_image;

typedef struct rpt_report {
    pal_arena arena;
    int kind;              /* enum rpt_kind */
    rpt_image image;       /* a scan's */
    const char *source_root;   /* lint: the directory relative rpt_source.file paths start
                                  from (SARIF's SRCROOT); NULL: none given */
    const char *doc_uri;   /* where the tool's rules are documented (SARIF informationUri), or NULL */
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
    unsigned level_count[RPT_LEVEL_NONE];   /* findings by rpt_finding_level */
    unsigned vulns_failing, excepted_findings;
    unsigned checks_passed, checks_failed, checks_excepted, checks_errors, checks_not_applicable;
    bool passed;
} rpt_report;

/* An empty scan report (kind RPT_SCAN, fail_on high); set kind for a lint. */
void rpt_init(rpt_report *r);
void rpt_free(rpt_report *r);
/* A copy of s in the report: invalid UTF-8 bytes become U+FFFD, control
   characters other than \n and \t become spaces; NULL stays NULL. */
const char *rpt_str(rpt_report *r, const char *s);
const char *rpt_strn(rpt_report *r, const char *s, size_t n);
/* rpt_str, cut to at most max bytes at a character boundary with "…" added. */
const char *rpt_str_cut(rpt_report *r, const char *s, size_t max);
/* Appends (zeroed); NULL when out of memory. */
rpt_check *rpt_add_check(rpt_report *r);
rpt_finding *rpt_add_finding(rpt_report *r);
rpt_vuln *rpt_add_vuln(rpt_report *r);
int rpt_note(rpt_report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Orders the findings (a scan's: severity, check, message; a lint's stay
   in the linter's order: file, position, code), settles statuses, counts
   and `passed`. */
void rpt_finish(rpt_report *r);

/* The note every format gives when vulns_scanned is false. */
#define RPT_VULNS_NOT_CHECKED \
    "vulnerabilities were not checked: no --feeds given, so no package was matched against a vulnerability feed"

/* Formats: "text", "json", "sarif", "junit", "github", "html".  -1 if unknown. */
int rpt_format_from_name(const char *name);
enum { RF_TEXT = 0, RF_JSON, RF_SARIF, RF_JUNIT, RF_GITHUB, RF_HTML };
const char *rpt_format_names(void);   /* "text, json, sarif, junit, github, html" */
/* The format a file name's extension asks for (.json .sarif .xml .html
   .htm), else fallback. */
/* The format -o's extension names: .txt .json .sarif .xml .html; fallback
   without an extension, -1 for another one (RPT_PATH_FORMATS says which). */
#define RPT_PATH_FORMATS ".txt, .json, .sarif, .xml, .html"
int rpt_format_from_path(const char *path, int fallback);

/* Writes the report to f.  0, or -1 (out of memory, write error, or a
   format the report's kind has no form in: a lint's text and junit). */
int rpt_write(const rpt_report *r, int format, FILE *f);
/* Writes it to path atomically (pal_atomic_*: a temp file beside it, then
   rename), so a reader never sees half a report and a failed scan leaves
   the old one.  0, or -1 with err. */
int rpt_write_file(const rpt_report *r, int format, const char *path, char *err, size_t errcap);

/* ---------------------------------------------------------------------
 * Several images in one report (set.c): `palisade scan IMAGE...`, `scan
 * --images DIR` and `palisade report SCAN.json...`.  The images' reports
 * are added one at a time as each is finished and may be freed once added:
 * every format but html streams each image's part out at once, html stages
 * it in a temporary file (its overview comes first but is known last), so
 * a set keeps only a few counters per image, never the reports.
 *
 *   text    each image's text report in turn, then the images in a table
 *           and one closing line "PASS|FAIL: N images: ..." 
 *   json    palisade.scans/v1, below
 *   sarif   one document, one run per image (an image that could not be
 *           scanned: a run with no results whose invocation failed)
 *   junit   one <testsuites>, one <testsuite> per image (one that could
 *           not be scanned: one testcase "scan" with an <error>)
 *   github  each image's commands, every title starting "IMAGE: ", then
 *           a closing line as in text
 *   html    one self-contained page (html.c)
 *
 * JSON schema "palisade.scans/v1" (stable as palisade.scan/v1 is):
 *
 *   {"schema": "palisade.scans/v1",
 *    "tool": {"name": "palisade", "version": "0.1.0"},
 *    "reports": [ {palisade.scan/v1 document}, ... ],   one per image scanned, in order,
 *                                                 each exactly as a one-image scan writes it
 *    "errors": [{"file": "bad.tar", "error": "..."}],   images that could not be scanned
 *    "summary": {"images": 3, "passed": 1, "failed": 1, "errors": 1,
 *                "findings": {"critical": 0, "high": 4, ...},   failing, over all images
 *                "excepted_findings": 1,
 *                "vulnerabilities": {"critical": 0, ..., "failing": 1,
 *                                    "checked": true}},   true when any image was
 *    "fail_on": "high",                          "mixed" when the reports differ
 *    "passed": false}                            every image passed, none had an error
 *
 * One line per report (the document is not one line, as palisade.scan/v1 is).
 * ---------------------------------------------------------------------
 */
typedef struct rpt_set rpt_set;
typedef struct rpt_set_opts {
    long today;                /* days since 1970-01-01 (UTC) for "expiring soon"; 0: the clock's */
    unsigned expiring_days;    /* an exception ending within this many days is expiring soon; 0: 30 */
    const char *title;         /* the HTML page's heading; NULL: "palisade: N images" */
} rpt_set_opts;

/* NULL when out of memory or the format has no set form. */
rpt_set *rpt_set_begin(int format, FILE *f, const rpt_set_opts *o);
/* One image's finished scan report (kind RPT_SCAN).  0, or -1 (memory, write error). */
int rpt_set_add(rpt_set *s, const rpt_report *r);
/* An image that could not be scanned (or a saved report that could not be read). */
int rpt_set_add_error(rpt_set *s, const char *image, const char *error);
/* The closing part (summary); frees s.  0, or -1 when anything could not be written. */
int rpt_set_end(rpt_set *s);
/* Frees s without writing more (the caller discards the output). */
void rpt_set_abort(rpt_set *s);
/* Exit status of the set so far: 2 an image had an error (or a check
   stopped), 1 an image failed, 0 all passed. */
int rpt_set_status(const rpt_set *s);

/* ---------------------------------------------------------------------
 * Reading saved reports back (load.c), for `palisade report`: a
 * palisade.scan/v1 document becomes a finished report again (statuses and
 * counts settled by rpt_finish, as when it was written).  Fields added to
 * the schema later may be absent (config, history, risk factors, a
 * check's frameworks): the report then says less, never something wrong.
 * Untrusted input: every string goes through rpt_str, lists are bounded
 * by the document, and a wrong type is an error naming the JSON path.
 * ---------------------------------------------------------------------
 */
struct cJSON;
/* 0, or -1 with "WHERE: what is wrong" in err (WHERE a path such as
   findings[3].severity).  r is initialised here; rpt_free it either way. */
int rpt_from_json(rpt_report *r, const struct cJSON *doc, char *err, size_t errcap);

/* Writers: text.c, json.c (scan and lint), sarif.c, junit.c, github.c, html.c. */
int rpt_write_text(const rpt_report *r, FILE *f);
int rpt_write_json(const rpt_report *r, FILE *f);
int rpt_write_sarif(const rpt_report *r, FILE *f);
int rpt_write_junit(const rpt_report *r, FILE *f);
int rpt_write_github(const rpt_report *r, FILE *f);
/* One image's page (a set of one; html.c's rpt_html_* are the set's parts). */
int rpt_write_html(const rpt_report *r, FILE *f);

/* Parts of a set's documents, for set.c. */
#define RPT_SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
struct cJSON *rpt_sarif_run(const rpt_report *r);                          /* NULL: no memory */
struct cJSON *rpt_sarif_error_run(const char *image, const char *error);
void rpt_junit_begin(FILE *f);
void rpt_junit_suite(const rpt_report *r, FILE *f, unsigned id);
void rpt_junit_error_suite(FILE *f, const char *image, const char *error, unsigned id);
void rpt_junit_end(FILE *f);
int rpt_write_github_image(const rpt_report *r, FILE *f, bool name_image);
void rpt_github_error(FILE *f, const char *image, const char *error);
void rpt_github_line(FILE *f, const char *line);
typedef struct rpt_html rpt_html;
rpt_html *rpt_html_begin(FILE *f, const rpt_set_opts *o);
int rpt_html_add(rpt_html *h, const rpt_report *r);
int rpt_html_add_error(rpt_html *h, const char *image, const char *error);
int rpt_html_end(rpt_html *h);      /* writes the page, frees h */
void rpt_html_abort(rpt_html *h);

/* The threshold a set of reports fails on (set.c, html.c): the reports'
   own, "mixed" when they differ.  An image that could not be scanned has
   none and is not counted, so the label does not depend on the order of
   the images; with no report at all it is the default, high. */
typedef struct rpt_fail_on_seen {
    unsigned reports, fail_on;
    bool mixed;
} rpt_fail_on_seen;
void rpt_fail_on_see(rpt_fail_on_seen *s, unsigned fail_on);
const char *rpt_fail_on_label(const rpt_fail_on_seen *s);   /* "mixed" or rpt_sev_name */

/* Shared by the writers. */
const char *rpt_status_name(int status);
const char *rpt_sev_name(unsigned sev);   /* "critical" ... "info", "none" */
bool rpt_finding_fails(const rpt_report *r, const rpt_finding *f);   /* fail and >= fail_on */
bool rpt_vuln_fails(const rpt_report *r, const rpt_vuln *v);
const char *rpt_vuln_sev(const rpt_vuln *v);   /* severity_name, else by severity */
/* A finding's level: its own, else by its severity (never BY_SEVERITY or NONE). */
int rpt_finding_level(const rpt_finding *f);
/* A level by severity: high and up error, medium warning, else note. */
int rpt_level_of_severity(unsigned sev);

#endif

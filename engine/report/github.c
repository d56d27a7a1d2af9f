/*
 * github.c — a report as GitHub Actions workflow commands: each finding
 * becomes an annotation on the run.  A scan's:
 *
 *   ::error title=PAL-0041 (high) Image should be created with a non-root user::the image runs as root: its USER is root
 *
 * a lint's, which point at a place in the source:
 *
 *   ::warning file=policy.pal,line=2,col=6,endLine=2,endColumn=11,title=PAL0701 unused-declaration::list 'spare' is never used
 *
 * Levels: a finding's own (lint), else by severity: critical and high
 * findings are ::error, medium ::warning, low and info ::notice; excepted
 * findings are a ::notice naming the reason, so accepted risks stay
 * visible without failing anything.  Escaping is
 * GitHub's (actions/toolkit command.ts): in the message `%`, CR and LF
 * become %25 %0D %0A; in a property value `:` and `,` too (%3A %2C),
 * since they end the property.  Image data therefore cannot end a
 * command early or inject a second one.  A plain summary line closes a
 * scan's output, as in the text report; a lint's is commands only.
 */
#include <string.h>
#include "engine/report/report.h"
#include "engine/vm/program.h"

static void esc(FILE *f, const char *s, bool property)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '%': fputs("%25", f); break;
        case '\r': fputs("%0D", f); break;
        case '\n': fputs("%0A", f); break;
        case ':': if (property) fputs("%3A", f); else fputc(':', f); break;
        case ',': if (property) fputs("%2C", f); else fputc(',', f); break;
        default: fputc(*s, f);
        }
    }
}

static const char *command_of_level(int level)
{
    return level == RPT_LEVEL_ERROR ? "error" : level == RPT_LEVEL_WARNING ? "warning" : "notice";
}

static const char *command_of(unsigned sev)
{
    return command_of_level(rpt_level_of_severity(sev));
}

/* ::CMD [file=F,line=L,col=C,endLine=..,endColumn=..,]title=TITLE::MESSAGE,
   with the properties and the message escaped.  An end not given is the
   start. */
static void annotate_at(FILE *f, const char *cmd, const rpt_source *src, const char *title, const char *message)
{
    fprintf(f, "::%s ", cmd);
    if (src && src->file) {
        fputs("file=", f);
        esc(f, src->file, true);
        fprintf(f, ",line=%u,col=%u,endLine=%u,endColumn=%u,", src->line, src->col,
                src->end_line ? src->end_line : src->line, src->end_col ? src->end_col : src->col);
    }
    fputs("title=", f);
    esc(f, title, true);
    fputs("::", f);
    esc(f, message, false);
    fputc('\n', f);
}

static void annotate(FILE *f, const char *cmd, const char *title, const char *message)
{
    annotate_at(f, cmd, NULL, title, message);
}

/* A lint finding: titled by its code and the code's name, the hint after
   the message. */
static void lint_finding(const rpt_report *r, const rpt_finding *x, FILE *f)
{
    const rpt_check *c = &r->checks[x->check];
    char title[256], msg[8192];
    snprintf(title, sizeof title, "%s%s%s", c->id, c->name ? " " : "", c->name ? c->name : "");
    snprintf(msg, sizeof msg, "%s%s%s%s", x->message, x->hint ? " (hint: " : "", x->hint ? x->hint : "",
             x->hint ? ")" : "");
    annotate_at(f, command_of_level(rpt_finding_level(x)), &x->src, title, msg);
}

/* A scan finding: titled by its check and severity; an excepted one is a
   notice with the reason, a failing one carries its fix. */
static void scan_finding(const rpt_report *r, const rpt_finding *x, const char *image, FILE *f)
{
    char title[1024], msg[8192];
    const rpt_check *c = &r->checks[x->check];
    snprintf(title, sizeof title, "%s%s%s (%s) %s", image ? image : "", image ? ": " : "", c->id,
             rpt_sev_name(x->severity), c->title ? c->title : "");
    if (x->status == RS_EXCEPTED) {
        snprintf(msg, sizeof msg, "excepted%s%s: %s -- %s", x->exc.expires ? " until " : "",
                 x->exc.expires ? x->exc.expires : "", x->message, x->exc.reason);
        annotate(f, "notice", title, msg);
        return;
    }
    if (x->has_exception && x->exc.expired)
        snprintf(msg, sizeof msg, "%s (the exception in %s:%u expired on %s)", x->message, x->exc.file,
                 x->exc.line, x->exc.expires);
    else if (c->remediation && *c->remediation)
        snprintf(msg, sizeof msg, "%s\nfix: %s", x->message, c->remediation);
    else
        snprintf(msg, sizeof msg, "%s", x->message);
    annotate_at(f, command_of(x->severity), &x->src, title, msg);
}

static void vuln(const rpt_vuln *v, const char *image, FILE *f)
{
    char title[1024], msg[8192];
    snprintf(title, sizeof title, "%s%s%s (%s) in %s", image ? image : "", image ? ": " : "", v->id, rpt_vuln_sev(v),
             v->package ? v->package : "");
    int n = snprintf(msg, sizeof msg, "%s %s", v->package ? v->package : "", v->version ? v->version : "");
    if (n > 0 && (size_t)n < sizeof msg)
        n += snprintf(msg + n, sizeof msg - (size_t)n, v->fixed_version && *v->fixed_version ? " is fixed in %s" : " has no fix yet%s",
                      v->fixed_version && *v->fixed_version ? v->fixed_version : "");
    if (n > 0 && (size_t)n < sizeof msg && v->title && *v->title)
        n += snprintf(msg + n, sizeof msg - (size_t)n, ": %s", v->title);
    if (n > 0 && (size_t)n < sizeof msg && v->status != RS_FAIL)
        snprintf(msg + n, sizeof msg - (size_t)n, " [%s%s%s]", rpt_status_name(v->status), v->note ? ": " : "",
                 v->note ? v->note : "");
    const char *cmd = v->status != RS_FAIL ? "notice" : v->severity == SEV_NONE ? "warning" : command_of(v->severity);
    annotate(f, cmd, title, msg);
}

/* The closing line: plain output, escaped like a message so image data
   cannot turn it into a command. */
static void summary(const rpt_report *r, FILE *f)
{
    char msg[8192];
    unsigned nfail = 0;
    for (int s = 0; s < 6; s++) nfail += r->fail_count[s];
    const char *img = r->image.name && *r->image.name ? r->image.name : r->image.file;
    fputs(r->passed ? "PASS: " : "FAIL: ", f);
    int n = snprintf(msg, sizeof msg, "%s: %u finding%s (%u critical, %u high, %u medium, %u low)", img ? img : "",
                     nfail, nfail == 1 ? "" : "s", r->fail_count[SEV_CRITICAL], r->fail_count[SEV_HIGH],
                     r->fail_count[SEV_MEDIUM], r->fail_count[SEV_LOW] + r->fail_count[SEV_INFO] + r->fail_count[SEV_NONE]);
    if (n > 0 && (size_t)n < sizeof msg && r->excepted_findings)
        n += snprintf(msg + n, sizeof msg - (size_t)n, ", %u excepted", r->excepted_findings);
    if (n > 0 && (size_t)n < sizeof msg && r->vulns_scanned)
        n += snprintf(msg + n, sizeof msg - (size_t)n, "; %u vulnerabilit%s (%u failing)", r->nvulns,
                      r->nvulns == 1 ? "y" : "ies", r->vulns_failing);
    else if (n > 0 && (size_t)n < sizeof msg)
        n += snprintf(msg + n, sizeof msg - (size_t)n, "; vulnerabilities not checked");
    if (n > 0 && (size_t)n < sizeof msg)
        snprintf(msg + n, sizeof msg - (size_t)n, "; %u checks: %u passed, %u failed; fail-on %s", r->nchecks,
                 r->checks_passed, r->checks_failed, rpt_sev_name(r->fail_on));
    esc(f, msg, false);
    fputc('\n', f);
}

int rpt_write_github(const rpt_report *r, FILE *f)
{
    return rpt_write_github_image(r, f, false);
}

/* name_image: one image of several, so every annotation's title starts
   with the image's name (GitHub lists a run's annotations together). */
int rpt_write_github_image(const rpt_report *r, FILE *f, bool name_image)
{
    const char *img = r->image.name && *r->image.name ? r->image.name : r->image.file;
    const char *named = name_image && img ? img : NULL;
    for (unsigned i = 0; i < r->nfindings; i++) {
        if (r->kind == RPT_LINT) lint_finding(r, &r->findings[i], f);
        else scan_finding(r, &r->findings[i], named, f);
    }
    if (r->kind == RPT_LINT) return 0;
    char title[1024];
    for (unsigned i = 0; i < r->nchecks; i++)
        if (r->checks[i].error) {
            snprintf(title, sizeof title, "%s%s%s stopped", named ? named : "", named ? ": " : "", r->checks[i].id);
            annotate(f, "error", title, r->checks[i].error);
        }
    for (unsigned i = 0; i < r->nvulns; i++) vuln(&r->vulns[i], named, f);
    snprintf(title, sizeof title, "palisade scan%s%s", named ? ": " : "", named ? named : "");
    for (unsigned i = 0; i < r->nnotes; i++) annotate(f, "notice", title, r->notes[i]);
    if (!r->vulns_scanned) annotate(f, "notice", title, RPT_VULNS_NOT_CHECKED);
    summary(r, f);
    return 0;
}

/* An image of a set that could not be scanned. */
void rpt_github_error(FILE *f, const char *image, const char *error)
{
    char title[1024];
    snprintf(title, sizeof title, "palisade scan: %s", image ? image : "image");
    annotate(f, "error", title, error);
}

/* A set's closing line, escaped like a message. */
void rpt_github_line(FILE *f, const char *line)
{
    esc(f, line, false);
    fputc('\n', f);
}

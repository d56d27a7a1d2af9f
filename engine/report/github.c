/*
 * github.c — the scan report as GitHub Actions workflow commands:
 * each finding becomes an annotation on the run
 *
 *   ::error title=PAL-0041 (high) Image should be created with a non-root user::the image runs as root: its USER is root
 *
 * Levels: critical and high findings are ::error, medium ::warning, low
 * and info ::notice; excepted findings are a ::notice naming the reason,
 * so accepted risks stay visible without failing anything.  Escaping is
 * GitHub's (actions/toolkit command.ts): in the message `%`, CR and LF
 * become %25 %0D %0A; in a property value `:` and `,` too (%3A %2C),
 * since they end the property.  Image data therefore cannot end a
 * command early or inject a second one.  A plain summary line closes the
 * output, as in the text report.
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

static const char *command_of(unsigned sev)
{
    return sev >= SEV_HIGH ? "error" : sev == SEV_MEDIUM ? "warning" : "notice";
}

/* ::CMD title=TITLE::MESSAGE, with title and message escaped. */
static void annotate(FILE *f, const char *cmd, const char *title, const char *message)
{
    fprintf(f, "::%s title=", cmd);
    esc(f, title, true);
    fputs("::", f);
    esc(f, message, false);
    fputc('\n', f);
}

int rpt_write_github(const rpt_report *r, FILE *f)
{
    char title[1024], msg[8192];
    for (unsigned i = 0; i < r->nfindings; i++) {
        const rpt_finding *x = &r->findings[i];
        const rpt_check *c = &r->checks[x->check];
        snprintf(title, sizeof title, "%s (%s) %s", c->id, rpt_sev_name(x->severity), c->title ? c->title : "");
        if (x->status == RS_EXCEPTED) {
            snprintf(msg, sizeof msg, "excepted%s%s: %s -- %s", x->exc.expires ? " until " : "",
                     x->exc.expires ? x->exc.expires : "", x->message, x->exc.reason);
            annotate(f, "notice", title, msg);
            continue;
        }
        if (x->has_exception && x->exc.expired)
            snprintf(msg, sizeof msg, "%s (the exception in %s:%u expired on %s)", x->message, x->exc.file,
                     x->exc.line, x->exc.expires);
        else if (c->remediation && *c->remediation)
            snprintf(msg, sizeof msg, "%s\nfix: %s", x->message, c->remediation);
        else
            snprintf(msg, sizeof msg, "%s", x->message);
        annotate(f, command_of(x->severity), title, msg);
    }
    for (unsigned i = 0; i < r->nchecks; i++)
        if (r->checks[i].error) {
            snprintf(title, sizeof title, "%s stopped", r->checks[i].id);
            annotate(f, "error", title, r->checks[i].error);
        }
    for (unsigned i = 0; i < r->nvulns; i++) {
        const rpt_vuln *v = &r->vulns[i];
        snprintf(title, sizeof title, "%s (%s) in %s", v->id, rpt_vuln_sev(v), v->package ? v->package : "");
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
    for (unsigned i = 0; i < r->nnotes; i++) annotate(f, "notice", "palisade scan", r->notes[i]);
    if (!r->vulns_scanned) annotate(f, "notice", "palisade scan", RPT_VULNS_NOT_CHECKED);

    unsigned nfail = 0;
    for (int s = 0; s < 6; s++) nfail += r->fail_count[s];
    const char *img = r->image.name && *r->image.name ? r->image.name : r->image.file;
    /* the summary line is plain output; escape it like a message so image
       data cannot turn it into a command */
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
    return 0;
}

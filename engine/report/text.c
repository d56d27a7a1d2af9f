/*
 * text.c — the scan report for people: findings grouped by severity, each
 * check's findings together, long lists cut short with a pointer to the
 * JSON, and one closing line that starts with PASS or FAIL.  (A lint
 * report's text is the compiler's diagnostic format, printed from the
 * linter by its caller: it needs the source lines, which the model does
 * not hold.)
 */
#include <string.h>
#include "engine/report/report.h"
#include "engine/vm/program.h"

/* Findings of one check the text report shows before "... and N more". */
#define RPT_TEXT_MAX_PER_CHECK 20u

static void upper(char *dst, const char *src, size_t cap)
{
    size_t i = 0;
    for (; src[i] && i + 1 < cap; i++) dst[i] = (char)(src[i] >= 'a' && src[i] <= 'z' ? src[i] - 32 : src[i]);
    dst[i] = 0;
}

/* Prints a message indented under its check; continuation lines of a
   multi-line message keep the indent. */
static void indented(FILE *f, const char *indent, const char *s)
{
    fputs(indent, f);
    for (; *s; s++) {
        fputc(*s, f);
        if (*s == '\n' && s[1]) fputs(indent, f);
    }
    fputc('\n', f);
}

static void text_findings(const rpt_report *r, FILE *f, int status, unsigned sev, bool by_sev)
{
    for (unsigned i = 0; i < r->nfindings;) {
        const rpt_finding *x = &r->findings[i];
        if (x->status != status || (by_sev && x->severity != sev)) { i++; continue; }
        const rpt_check *c = &r->checks[x->check];
        /* every finding of this check (with this status and severity) together */
        unsigned j = i, shown = 0;
        if (by_sev) fprintf(f, "  %-10s %s\n", c->id, c->title ? c->title : "");
        else fprintf(f, "  %-10s %-8s %s\n", c->id, rpt_sev_name(x->severity), c->title ? c->title : "");
        for (; j < r->nfindings; j++) {
            const rpt_finding *y = &r->findings[j];
            if (y->check != x->check || y->status != status || y->severity != x->severity) break;
            if (shown++ < RPT_TEXT_MAX_PER_CHECK) {
                indented(f, "             ", y->message);
                if (y->has_exception && status == RS_EXCEPTED)
                    fprintf(f, "             excepted%s%s: %s (%s:%u)\n", y->exc.expires ? " until " : "",
                            y->exc.expires ? y->exc.expires : "", y->exc.reason, y->exc.file, y->exc.line);
                else if (y->has_exception && y->exc.expired)
                    fprintf(f, "             exception expired on %s (%s:%u): %s\n", y->exc.expires, y->exc.file,
                            y->exc.line, y->exc.reason);
            }
        }
        if (shown > RPT_TEXT_MAX_PER_CHECK)
            fprintf(f, "             ... and %u more (--format json lists them all)\n", shown - RPT_TEXT_MAX_PER_CHECK);
        if (c->dropped && status == RS_FAIL)
            fprintf(f, "             ... and %u more the check found past its limit of findings\n", c->dropped);
        if (status == RS_FAIL && c->remediation && *c->remediation) indented(f, "             fix: ", c->remediation);
        if (status == RS_FAIL && c->nfw) {   /* the controls it counts against, as the JSON lists them */
            fputs("             frameworks:", f);
            for (unsigned k = 0; k < c->nfw; k++)
                fprintf(f, "%s %s %s", k ? "," : "", c->fw[k].framework, c->fw[k].control);
            fputc('\n', f);
        }
        i = j;
    }
}

int rpt_write_text(const rpt_report *r, FILE *f)
{
    const rpt_image *im = &r->image;
    fprintf(f, "%s", im->name && *im->name ? im->name : im->file);
    bool paren = false;
    if (im->os && *im->os) { fprintf(f, " (%s", im->os); paren = true; }
    if (im->os_version && *im->os_version) fprintf(f, " %s", im->os_version);
    if (im->id && *im->id) {
        const char *id = strncmp(im->id, "sha256:", 7) ? im->id : im->id + 7;
        fprintf(f, "%s%.12s", paren ? ", " : " (", id);
        paren = true;
    }
    fprintf(f, "%s", paren ? ")" : "");
    if (im->name && *im->name && im->file) fprintf(f, " from %s", im->file);
    fprintf(f, ": %u check%s run\n", r->nchecks, r->nchecks == 1 ? "" : "s");

    for (int sev = SEV_CRITICAL; sev >= SEV_NONE; sev--) {
        unsigned n = 0;
        for (unsigned i = 0; i < r->nfindings; i++)
            n += r->findings[i].status == RS_FAIL && r->findings[i].severity == (unsigned)sev;
        if (!n) continue;
        char name[16];
        upper(name, rpt_sev_name((unsigned)sev), sizeof name);
        fprintf(f, "\n%s (%u)%s\n", name, n, (unsigned)sev < r->fail_on ? "  below --fail-on: reported, does not fail" : "");
        text_findings(r, f, RS_FAIL, (unsigned)sev, true);
    }
    if (r->excepted_findings) {
        fprintf(f, "\nEXCEPTED (%u)  accepted risks: reported, do not fail\n", r->excepted_findings);
        text_findings(r, f, RS_EXCEPTED, 0, false);
    }
    bool errors = false;
    for (unsigned i = 0; i < r->nchecks; i++)
        if (r->checks[i].error) {
            if (!errors) fprintf(f, "\nERRORS\n");
            errors = true;
            fprintf(f, "  %-10s stopped: %s\n", r->checks[i].id, r->checks[i].error);
        }
    if (r->nvulns) {
        fprintf(f, "\nVULNERABILITIES (%u)\n", r->nvulns);
        for (unsigned i = 0; i < r->nvulns; i++) {
            const rpt_vuln *v = &r->vulns[i];
            char sev[16];
            upper(sev, rpt_vuln_sev(v), sizeof sev);
            fprintf(f, "  %-8s %-18s %s %s", sev, v->id, v->package ? v->package : "", v->version ? v->version : "");
            if (v->fixed_version && *v->fixed_version) fprintf(f, " -> %s", v->fixed_version);
            else if (!v->fix_available) fprintf(f, " (no fix)");
            if (v->kb && *v->kb) fprintf(f, " %s", v->kb);
            fprintf(f, "  risk %d", v->risk);
            if (v->status != RS_FAIL) fprintf(f, "  [%s]", rpt_status_name(v->status));
            fputc('\n', f);
            if (v->title && *v->title) indented(f, "           ", v->title);
            if (v->note && *v->note) indented(f, "           ", v->note);
        }
    } else if (r->vulns_scanned) {
        fprintf(f, "\nVULNERABILITIES: none found\n");
    } else {
        fprintf(f, "\nVULNERABILITIES: not checked (no --feeds given, so no package was matched against a "
                   "vulnerability feed)\n");
    }
    if (r->nnotes) {
        fprintf(f, "\nNOTES\n");
        for (unsigned i = 0; i < r->nnotes; i++) indented(f, "  ", r->notes[i]);
    }
    unsigned nfail = 0;
    for (int s = 0; s < 6; s++) nfail += r->fail_count[s];
    fprintf(f, "\n%s: %u finding%s (%u critical, %u high, %u medium, %u low)", r->passed ? "PASS" : "FAIL", nfail,
            nfail == 1 ? "" : "s", r->fail_count[SEV_CRITICAL], r->fail_count[SEV_HIGH], r->fail_count[SEV_MEDIUM],
            r->fail_count[SEV_LOW] + r->fail_count[SEV_INFO] + r->fail_count[SEV_NONE]);
    if (r->excepted_findings) fprintf(f, ", %u excepted", r->excepted_findings);
    fprintf(f, "; %u check%s: %u passed, %u failed", r->nchecks, r->nchecks == 1 ? "" : "s", r->checks_passed,
            r->checks_failed);
    if (r->checks_excepted) fprintf(f, ", %u excepted", r->checks_excepted);
    if (r->checks_errors) fprintf(f, ", %u stopped with an error", r->checks_errors);
    if (r->checks_not_applicable) fprintf(f, ", %u not applicable", r->checks_not_applicable);
    if (r->vulns_scanned)
        fprintf(f, "; %u vulnerabilit%s (%u failing)", r->nvulns, r->nvulns == 1 ? "y" : "ies", r->vulns_failing);
    else
        fputs("; vulnerabilities not checked", f);
    fprintf(f, "; fail-on %s\n", rpt_sev_name(r->fail_on));
    return 0;
}

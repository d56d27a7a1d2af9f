/*
 * junit.c — the scan report as Ant JUnit XML, the test-report
 * format every CI server reads (Jenkins, GitLab, Azure DevOps, CircleCI).
 *
 * Mapping.  One <testsuite> per image inside <testsuites>; one <testcase>
 * per check that ran — it passes, fails (a <failure> whose message is the
 * first finding and whose text lists them all, type = the severity) or
 * errors (the check stopped) — and one per vulnerability, failing when
 * the vulnerability fails the scan.  A check's failure is reported even
 * below --fail-on: the check did fail, and CI dashboards should show it;
 * the scan's own pass/fail is in the properties and the exit code.
 * Excepted findings leave their check passing and are listed in
 * <system-out> with their reasons, so an accepted risk stays visible.
 *
 * The output validates against the Ant schema (tests/tools/junit.xsd):
 * <properties>, <system-out> and <system-err> are always present, the
 * timestamp has no time zone, and nothing outside that schema is written
 * (no <skipped>, which older readers of the schema reject).
 */
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "engine/report/report.h"
#include "engine/vm/program.h"

/* XML 1.0 text or attribute value.  Strings in the report are valid UTF-8
   with no control characters but \n and \t (rpt_str), so escaping the
   markup characters is all that is left; in attributes \n and \t are
   written as references so parsers keep them. */
static void xml(FILE *f, const char *s, bool attr)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs(attr ? "&quot;" : "\"", f); break;
        case '\n': fputs(attr ? "&#10;" : "\n", f); break;
        case '\t': fputs(attr ? "&#9;" : "\t", f); break;
        default: fputc(*s, f);
        }
    }
}

static void property(FILE *f, const char *name, const char *value)
{
    fprintf(f, "      <property name=\"%s\" value=\"", name);
    xml(f, value ? value : "", true);
    fputs("\"/>\n", f);
}

/* The host name as an attribute value needs no escaping once these go. */
static void host_name(char *host, size_t cap)
{
    if (gethostname(host, cap) != 0 || !host[0]) snprintf(host, cap, "localhost");
    host[cap - 1] = 0;
    for (char *p = host; *p; p++)
        if (*p == '"' || *p == '<' || *p == '&' || (unsigned char)*p < 0x21) *p = '-';
}

static void timestamp(time_t t, char *stamp, size_t cap)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(stamp, cap, "%Y-%m-%dT%H:%M:%S", &tm);
}

void rpt_junit_begin(FILE *f)
{
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n", f);
}

void rpt_junit_end(FILE *f)
{
    fputs("</testsuites>\n", f);
}

/* An image that could not be scanned: a suite with one errored testcase. */
void rpt_junit_error_suite(FILE *f, const char *image, const char *error, unsigned id)
{
    char host[256] = "localhost", stamp[32];
    host_name(host, sizeof host);
    timestamp(time(NULL), stamp, sizeof stamp);
    fputs("  <testsuite name=\"", f);
    xml(f, image && *image ? image : "image", true);
    fprintf(f, "\" package=\"palisade.scan\" id=\"%u\" timestamp=\"%s\" hostname=\"%s\" tests=\"1\" "
               "failures=\"0\" errors=\"1\" time=\"0\">\n    <properties>\n", id, stamp, host);
    property(f, "image.file", image);
    fputs("    </properties>\n    <testcase name=\"scan\" classname=\"palisade.scan\" time=\"0\">\n"
          "      <error type=\"scan error\" message=\"", f);
    xml(f, error, true);
    fputs("\">", f);
    xml(f, error, false);
    fputs("</error>\n    </testcase>\n    <system-out></system-out>\n    <system-err>", f);
    xml(f, error, false);
    fputs("</system-err>\n  </testsuite>\n", f);
}

int rpt_write_junit(const rpt_report *r, FILE *f)
{
    rpt_junit_begin(f);
    rpt_junit_suite(r, f, 0);
    rpt_junit_end(f);
    return 0;
}

/* One image's <testsuite>. */
void rpt_junit_suite(const rpt_report *r, FILE *f, unsigned id)
{
    char host[256] = "localhost", stamp[32];
    host_name(host, sizeof host);
    timestamp(r->started, stamp, sizeof stamp);
    const char *img = r->image.name && *r->image.name ? r->image.name : r->image.file;

    unsigned failures = r->checks_failed + r->vulns_failing, errors = r->checks_errors;
    fputs("  <testsuite name=\"", f);
    xml(f, img && *img ? img : "image", true);
    fprintf(f, "\" package=\"palisade.scan\" id=\"%u\" timestamp=\"%s\" hostname=\"%s\" tests=\"%u\" "
               "failures=\"%u\" errors=\"%u\" skipped=\"%u\" time=\"%.3f\">\n",
            id, stamp, host, r->nchecks + r->nvulns, failures, errors, r->checks_not_applicable, r->seconds);
    fputs("    <properties>\n", f);
    property(f, "image.file", r->image.file);
    property(f, "image.name", r->image.name);
    property(f, "image.id", r->image.id);
    property(f, "image.os", r->image.os);
    property(f, "fail_on", rpt_sev_name(r->fail_on));
    property(f, "passed", r->passed ? "true" : "false");
    property(f, "vulnerabilities.checked", r->vulns_scanned ? "true" : "false");
    fputs("    </properties>\n", f);

    for (unsigned i = 0; i < r->nchecks; i++) {
        const rpt_check *c = &r->checks[i];
        fputs("    <testcase name=\"", f);
        xml(f, c->id, true);
        if (c->title && *c->title) { fputs(": ", f); xml(f, c->title, true); }
        fprintf(f, "\" classname=\"palisade.checks\" time=\"%.6f\"", c->seconds);
        if (c->status == RS_ERROR) {
            fputs(">\n      <error type=\"check stopped\" message=\"", f);
            xml(f, c->error, true);
            fputs("\">", f);
            xml(f, c->source, false);
            fputs("</error>\n    </testcase>\n", f);
            continue;
        }
        if (c->status == RS_NOT_APPLICABLE) {
            fputs(">\n      <skipped message=\"not applicable: ", f);
            xml(f, c->not_applicable, true);
            fputs("\"/>\n    </testcase>\n", f);
            continue;
        }
        if (c->status != RS_FAIL) { fputs("/>\n", f); continue; }
        const rpt_finding *first = NULL;
        for (unsigned k = 0; k < r->nfindings && !first; k++)
            if (r->findings[k].check == i && r->findings[k].status == RS_FAIL) first = &r->findings[k];
        fprintf(f, ">\n      <failure type=\"%s\" message=\"", rpt_sev_name(c->severity));
        xml(f, first ? first->message : "", true);
        fputs("\">", f);
        for (unsigned k = 0; k < r->nfindings; k++) {
            const rpt_finding *x = &r->findings[k];
            if (x->check != i || x->status != RS_FAIL) continue;
            fprintf(f, "[%s] ", rpt_sev_name(x->severity));
            xml(f, x->message, false);
            if (x->has_exception && x->exc.expired) {
                fputs(" (exception expired on ", f);
                xml(f, x->exc.expires, false);
                fputs(", ", f);
                xml(f, x->exc.file, false);
                fprintf(f, ":%u)", x->exc.line);
            }
            fputc('\n', f);
        }
        if (c->dropped) fprintf(f, "... and %u more past the check's limit of findings\n", c->dropped);
        if (c->remediation && *c->remediation) { fputs("fix: ", f); xml(f, c->remediation, false); fputc('\n', f); }
        fputs("</failure>\n    </testcase>\n", f);
    }
    for (unsigned i = 0; i < r->nvulns; i++) {
        const rpt_vuln *v = &r->vulns[i];
        fputs("    <testcase name=\"", f);
        xml(f, v->id, true);
        fputs(" in ", f);
        xml(f, v->package, true);
        fputc(' ', f);
        xml(f, v->version, true);
        fputs("\" classname=\"palisade.vulnerabilities\" time=\"0\"", f);
        if (v->status != RS_FAIL) { fputs("/>\n", f); continue; }
        fprintf(f, ">\n      <failure type=\"%s\" message=\"", rpt_vuln_sev(v));
        xml(f, v->title && *v->title ? v->title : v->id, true);
        fputs("\">", f);
        xml(f, v->package, false);
        fputc(' ', f);
        xml(f, v->version, false);
        if (v->fixed_version && *v->fixed_version) { fputs(" is fixed in ", f); xml(f, v->fixed_version, false); }
        else fputs(" has no fix yet", f);
        fprintf(f, "; risk %d\n</failure>\n    </testcase>\n", v->risk);
    }

    fputs("    <system-out>", f);
    for (unsigned k = 0; k < r->nfindings; k++) {
        const rpt_finding *x = &r->findings[k];
        if (x->status != RS_EXCEPTED) continue;
        fputs("excepted ", f);
        xml(f, r->checks[x->check].id, false);
        fputs(": ", f);
        xml(f, x->message, false);
        fputs(" -- ", f);
        xml(f, x->exc.reason, false);
        if (x->exc.expires) { fputs(" (until ", f); xml(f, x->exc.expires, false); fputc(')', f); }
        fputc('\n', f);
    }
    for (unsigned k = 0; k < r->nvulns; k++)
        if (r->vulns[k].status != RS_FAIL && r->vulns[k].note) {
            xml(f, r->vulns[k].id, false);
            fprintf(f, " %s: ", rpt_status_name(r->vulns[k].status));
            xml(f, r->vulns[k].note, false);
            fputc('\n', f);
        }
    for (unsigned k = 0; k < r->nnotes; k++) { xml(f, r->notes[k], false); fputc('\n', f); }
    if (!r->vulns_scanned) fputs(RPT_VULNS_NOT_CHECKED "\n", f);
    fputs("</system-out>\n    <system-err></system-err>\n  </testsuite>\n", f);
}

/*
 * lint_report.c — the linter's findings as a report (engine/report), so
 * `palisade lint` has the same JSON, SARIF and GitHub writers as `palisade
 * scan` instead of its own.
 *
 * Rules: every lint code, in code order, with its kebab name, summary,
 * default level and a link to its section of lang/LINT.md; then each other
 * code that occurs (the compiler's, lang/SPEC.md "Errors"), in order of
 * first occurrence, with no default level (the configuration decides it).
 * Findings keep the linter's order (file, position, code) and their
 * configured level; each points at its source range, or nowhere for a
 * finding about a whole repo.
 */
#include <stdio.h>
#include <string.h>
#include "lang/tools/lint.h"
#include "engine/report/report.h"
#include "engine/base/err.h"

#define LINT_DOC_URI "https://github.com/palisade-policy/palisade/blob/main/lang/LINT.md"
#define SPEC_ERRORS_URI "https://github.com/palisade-policy/palisade/blob/main/lang/SPEC.md#19-errors"

static int level_of(int diag_level)
{
    return diag_level == PAL_DIAG_ERROR ? RPT_LEVEL_ERROR : diag_level == PAL_DIAG_WARNING ? RPT_LEVEL_WARNING
                                                                                           : RPT_LEVEL_NOTE;
}

/* The rule of a lint code: LINT.md's anchor is the code in lower case. */
static int add_lint_code(rpt_report *r, const pal_lint_code *c)
{
    rpt_check *rc = rpt_add_check(r);
    if (!rc) return -1;
    char uri[256];
    snprintf(uri, sizeof uri, "%s#%s", LINT_DOC_URI, c->code);
    for (char *p = strchr(uri, '#'); p && *p; p++)
        if (*p >= 'A' && *p <= 'Z') *p = (char)(*p + 32);
    rc->id = rpt_str(r, c->code);
    rc->name = rpt_str(r, c->name);
    rc->title = rc->description = rpt_str(r, c->summary);
    rc->help_uri = rpt_str(r, uri);
    rc->level = level_of(c->level);
    return 0;
}

static int add_compiler_code(rpt_report *r, const char *code)
{
    rpt_check *rc = rpt_add_check(r);
    if (!rc) return -1;
    char title[128];
    snprintf(title, sizeof title, "Compiler diagnostic %s (lang/SPEC.md, Errors)", code);
    rc->id = rpt_str(r, code);
    rc->title = rpt_str(r, title);
    rc->help_uri = SPEC_ERRORS_URI;
    rc->level = RPT_LEVEL_NONE;
    return 0;
}

/* The rule index of a code (lint codes first, so a short linear search). */
static int rule_of(const rpt_report *r, const char *code)
{
    for (unsigned i = 0; i < r->nchecks; i++)
        if (!strcmp(r->checks[i].id, code)) return (int)i;
    return -1;
}

static int add_finding(rpt_report *r, const pal_linter *L, const pal_finding *f, unsigned rule)
{
    rpt_finding *x = rpt_add_finding(r);
    if (!x) return -1;
    x->check = rule;
    x->level = level_of(f->level);
    x->status = RS_FAIL;
    x->message = rpt_str(r, f->message);
    x->hint = rpt_str(r, f->hint);
    if (f->file != PAL_LINT_NO_FILE && f->file < L->nfiles)
        x->src = (rpt_source){rpt_str(r, L->files[f->file].path), f->line, f->col, f->end_line, f->end_col};
    return 0;
}

int pal_lint_to_report(const pal_linter *L, rpt_report *r, char *err, size_t errcap)
{
    r->kind = RPT_LINT;
    r->doc_uri = LINT_DOC_URI;
    for (size_t i = 0; i < pal_lint_ncodes; i++)
        if (add_lint_code(r, &pal_lint_codes[i]) != 0) return pal_set_err(err, errcap, "out of memory");
    for (size_t i = 0; i < L->nfindings; i++) {
        int rule = rule_of(r, L->findings[i].code);
        if (rule < 0) {
            if (add_compiler_code(r, L->findings[i].code) != 0) return pal_set_err(err, errcap, "out of memory");
            rule = (int)r->nchecks - 1;
        }
        if (add_finding(r, L, &L->findings[i], (unsigned)rule) != 0) return pal_set_err(err, errcap, "out of memory");
    }
    rpt_finish(r);
    return 0;
}

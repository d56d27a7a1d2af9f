/*
 * lint_config.c — `.palisade.yaml`, the linter's configuration:
 *
 *     fail-level: warning        # error | warning | none: what fails the run
 *     levels:                    # per code: error | warning | off
 *       PAL0701: off
 *       PAL0709: error
 *       PAL0204: off             # compiler warnings too (compiler errors stay errors)
 *
 * Read with the one YAML reader (engine/base/yaml.h): bounded in size,
 * nodes and depth, linear in the file; a code listed twice is an error.  Anything unknown —
 * a key, a level, a PAL07nn code that does not exist — is an error that
 * names the place, because a typo in a CI config must not silently turn a
 * check off.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "engine/base/yaml.h"
#include "lang/tools/lint.h"

/* A lint config is a few lines; refuse anything that is not. */
#define LINT_CONFIG_MAX_BYTES (1u << 20)

void pal_lint_config_default(pal_lint_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->fail_level = PAL_DIAG_WARNING;
}

void pal_lint_config_free(pal_lint_config *cfg)
{
    free(cfg->levels);
    pal_lint_config_default(cfg);
}

int pal_lint_config_level(const pal_lint_config *cfg, const char *code, int dflt)
{
    if (!cfg || !code) return dflt;
    for (size_t i = 0; i < cfg->nlevels; i++)
        if (!strcmp(cfg->levels[i].code, code)) return cfg->levels[i].level;
    return dflt;
}

static bool is_code(const char *s)
{
    if (strlen(s) != 7 || strncmp(s, "PAL", 3) != 0) return false;
    for (int i = 3; i < 7; i++) if (s[i] < '0' || s[i] > '9') return false;
    return true;
}

static const char *scalar(const pal_yaml *n)
{
    return n && n->kind == PAL_YAML_SCALAR ? n->str : NULL;
}

static int fail_at(char *err, size_t cap, const pal_yaml_doc *doc, const pal_yaml *n, const char *fmt, const char *arg)
{
    char what[512];
    snprintf(what, sizeof what, fmt, arg ? arg : "");
    pal_yaml_error(doc, n, err, cap, "%s", what);
    return -1;
}

/* A level word, or false when lv is none of them. */
static bool level_of(const char *lv, int *level)
{
    if (lv && !strcmp(lv, "error")) *level = PAL_DIAG_ERROR;
    else if (lv && !strcmp(lv, "warning")) *level = PAL_DIAG_WARNING;
    else if (lv && (!strcmp(lv, "off") || !strcmp(lv, "ignore"))) *level = PAL_LINT_OFF;
    else return false;
    return true;
}

static int read_levels(pal_lint_config *cfg, const pal_yaml_doc *doc, const pal_yaml *v, char *err, size_t errcap)
{
    if (v->kind == PAL_YAML_SCALAR && !*v->str) return 0;   /* `levels:` with nothing */
    if (v->kind != PAL_YAML_MAP)
        return fail_at(err, errcap, doc, v, "levels maps codes to error, warning or off%s", NULL);
    /* the reader refuses duplicate keys, so every code is new here */
    cfg->levels = calloc(v->n ? v->n : 1, sizeof *cfg->levels);
    if (!cfg->levels) return fail_at(err, errcap, doc, v, "out of memory%s", NULL);
    for (unsigned q = 0; q < v->n; q++) {
        const pal_yaml *ck = v->items[2 * q], *cv = v->items[2 * q + 1];
        const char *code = scalar(ck), *lv = scalar(cv);
        if (!code || !is_code(code))
            return fail_at(err, errcap, doc, ck, "'%s' is not a diagnostic code (PAL0701)", code ? code : "?");
        if (!strncmp(code, "PAL07", 5) && !pal_lint_code_find(code))
            return fail_at(err, errcap, doc, ck, "there is no lint code %s (lang/LINT.md lists them)", code);
        int level;
        if (!level_of(lv, &level))
            return fail_at(err, errcap, doc, cv, "a level is error, warning or off, not '%s'", lv ? lv : "(not a word)");
        snprintf(cfg->levels[cfg->nlevels].code, sizeof cfg->levels[cfg->nlevels].code, "%s", code);
        cfg->levels[cfg->nlevels++].level = level;
    }
    return 0;
}

int pal_lint_config_load(const char *path, pal_lint_config *cfg, char *err, size_t errcap)
{
    pal_lint_config_default(cfg);
    static const pal_yaml_limits lim = {LINT_CONFIG_MAX_BYTES, 100000, 8};
    pal_yaml_doc doc;
    if (pal_yaml_load(&doc, path, &lim, err, errcap) != 0) return -1;
    int rc = 0;
    const pal_yaml *root = doc.root;
    if (!root) goto done;   /* an empty file: the defaults */
    if (root->kind != PAL_YAML_MAP) {
        rc = fail_at(err, errcap, &doc, root, "the configuration is a mapping (fail-level:, levels:)%s", NULL);
        goto done;
    }
    for (unsigned i = 0; i < root->n && !rc; i++) {
        const pal_yaml *k = root->items[2 * i], *v = root->items[2 * i + 1];
        const char *key = k->str;
        if (!strcmp(key, "fail-level") || !strcmp(key, "fail_level")) {
            const char *s = scalar(v);
            if (s && !strcmp(s, "error")) cfg->fail_level = PAL_DIAG_ERROR;
            else if (s && !strcmp(s, "warning")) cfg->fail_level = PAL_DIAG_WARNING;
            else if (s && (!strcmp(s, "none") || !strcmp(s, "never"))) cfg->fail_level = PAL_LINT_OFF;
            else rc = fail_at(err, errcap, &doc, v, "fail-level is error, warning or none, not '%s'", s ? s : "(not a word)");
        } else if (!strcmp(key, "levels")) {
            rc = read_levels(cfg, &doc, v, err, errcap);
        } else {
            rc = fail_at(err, errcap, &doc, k, "unknown key '%s' (a lint configuration has fail-level and levels)", key);
        }
    }
done:
    pal_yaml_free(&doc);
    if (rc) pal_lint_config_free(cfg);
    return rc;
}

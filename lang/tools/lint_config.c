/*
 * lint_config.c — `.palisade.yaml`, the linter's configuration:
 *
 *     fail-level: warning        # error | warning | none: what fails the run
 *     levels:                    # per code: error | warning | off
 *       PAL0701: off
 *       PAL0709: error
 *       PAL0204: off             # compiler warnings too (compiler errors stay errors)
 *
 * Read with libyaml's document loader, bounded in size.  Anything unknown —
 * a key, a level, a PAL07nn code that does not exist — is an error that
 * names the place, because a typo in a CI config must not silently turn a
 * check off.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>
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

static const char *scalar(yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int fail_at(char *err, size_t cap, const char *path, yaml_node_t *n, const char *fmt, const char *arg)
{
    char what[512];
    snprintf(what, sizeof what, fmt, arg ? arg : "");
    snprintf(err, cap, "%s:%zu:%zu: %s", path, n ? n->start_mark.line + 1 : 1, n ? n->start_mark.column + 1 : 1, what);
    return -1;
}

int pal_lint_config_load(const char *path, pal_lint_config *cfg, char *err, size_t errcap)
{
    pal_lint_config_default(cfg);
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errcap, "%s: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > (off_t)LINT_CONFIG_MAX_BYTES) {
        fclose(f);
        snprintf(err, errcap, "%s: not a regular file of at most %u bytes", path, LINT_CONFIG_MAX_BYTES);
        return -1;
    }
    yaml_parser_t parser;
    yaml_document_t doc;
    if (!yaml_parser_initialize(&parser)) {
        fclose(f);
        snprintf(err, errcap, "%s: out of memory", path);
        return -1;
    }
    yaml_parser_set_input_file(&parser, f);
    int rc = 0;
    if (!yaml_parser_load(&parser, &doc)) {
        snprintf(err, errcap, "%s:%zu:%zu: not valid YAML: %s", path, parser.problem_mark.line + 1,
                 parser.problem_mark.column + 1, parser.problem ? parser.problem : "parse error");
        yaml_parser_delete(&parser);
        fclose(f);
        return -1;
    }
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (!root) goto done;   /* an empty file: the defaults */
    if (root->type != YAML_MAPPING_NODE) {
        rc = fail_at(err, errcap, path, root, "the configuration is a mapping (fail-level:, levels:)%s", NULL);
        goto done;
    }
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top && !rc; p++) {
        yaml_node_t *k = yaml_document_get_node(&doc, p->key), *v = yaml_document_get_node(&doc, p->value);
        const char *key = scalar(k);
        if (!key) { rc = fail_at(err, errcap, path, k, "keys are names%s", NULL); break; }
        if (!strcmp(key, "fail-level") || !strcmp(key, "fail_level")) {
            const char *s = scalar(v);
            if (s && !strcmp(s, "error")) cfg->fail_level = PAL_DIAG_ERROR;
            else if (s && !strcmp(s, "warning")) cfg->fail_level = PAL_DIAG_WARNING;
            else if (s && (!strcmp(s, "none") || !strcmp(s, "never"))) cfg->fail_level = PAL_LINT_OFF;
            else rc = fail_at(err, errcap, path, v, "fail-level is error, warning or none, not '%s'", s ? s : "(not a word)");
        } else if (!strcmp(key, "levels")) {
            if (v->type == YAML_SCALAR_NODE && !*scalar(v)) continue;   /* `levels:` with nothing */
            if (v->type != YAML_MAPPING_NODE) { rc = fail_at(err, errcap, path, v, "levels maps codes to error, warning or off%s", NULL); break; }
            for (yaml_node_pair_t *q = v->data.mapping.pairs.start; q < v->data.mapping.pairs.top && !rc; q++) {
                yaml_node_t *ck = yaml_document_get_node(&doc, q->key), *cv = yaml_document_get_node(&doc, q->value);
                const char *code = scalar(ck), *lv = scalar(cv);
                if (!code || !is_code(code)) { rc = fail_at(err, errcap, path, ck, "'%s' is not a diagnostic code (PAL0701)", code ? code : "?"); break; }
                if (!strncmp(code, "PAL07", 5) && !pal_lint_code_find(code)) {
                    rc = fail_at(err, errcap, path, ck, "there is no lint code %s (lang/LINT.md lists them)", code);
                    break;
                }
                int level;
                if (lv && !strcmp(lv, "error")) level = PAL_DIAG_ERROR;
                else if (lv && !strcmp(lv, "warning")) level = PAL_DIAG_WARNING;
                else if (lv && (!strcmp(lv, "off") || !strcmp(lv, "ignore"))) level = PAL_LINT_OFF;
                else { rc = fail_at(err, errcap, path, cv, "a level is error, warning or off, not '%s'", lv ? lv : "(not a word)"); break; }
                /* a later line for the same code wins */
                size_t i;
                for (i = 0; i < cfg->nlevels && strcmp(cfg->levels[i].code, code); i++) {}
                if (i == cfg->nlevels) {
                    pal_lint_level *nv = realloc(cfg->levels, (cfg->nlevels + 1) * sizeof *nv);
                    if (!nv) { rc = fail_at(err, errcap, path, ck, "out of memory%s", NULL); break; }
                    cfg->levels = nv;
                    snprintf(cfg->levels[i].code, sizeof cfg->levels[i].code, "%s", code);
                    cfg->nlevels++;
                }
                cfg->levels[i].level = level;
            }
        } else {
            rc = fail_at(err, errcap, path, k, "unknown key '%s' (a lint configuration has fail-level and levels)", key);
        }
    }
done:
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    fclose(f);
    if (rc) pal_lint_config_free(cfg);
    return rc;
}

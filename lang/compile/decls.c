/*
 * decls.c — declarations that decide: what every rule shares (its record,
 * outcomes, metadata, attributes) and the simple forms, `check` and `rule`.
 *
 * A `check` EMITs its failure, once per element when its condition is a
 * top-level `any x in C: ...` (the finding then names the element); a
 * `rule` EMITs its one outcome when its condition holds.  The condition's
 * code starts after the rule's message chunks (cg_start_code).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lang/compile/codegen.h"
#include "engine/core/match.h"

const char *cg_attr_str(pal_decl *d, const char *key, pal_node **node)
{
    for (pal_attr *a = d->attrs; a; a = a->next)
        if (!strcmp(a->key, key)) {
            if (node) *node = a->value;
            return a->value && (a->value->kind == N_STR || a->value->kind == N_NAME) ? a->value->text : NULL;
        }
    if (node) *node = NULL;
    return NULL;
}

int cg_severity_of(pal_cc *cc, pal_decl *d, int dflt)
{
    pal_node *v;
    const char *s = cg_attr_str(d, "severity", &v);
    if (!v) return dflt;
    int sev = s ? pal_severity_from_name(s, strlen(s)) : 0;
    if (sev <= 0) {
        char shown[64];
        if (s) snprintf(shown, sizeof shown, "%s", s);
        else if (v->kind == N_INT) snprintf(shown, sizeof shown, "%lld", (long long)v->i);
        else snprintf(shown, sizeof shown, "?");
        pal_cc_error(cc, "PAL0207", v->loc, "severities are info, low, medium, high and critical",
                 "unknown severity '%s'", shown);
        return dflt;
    }
    return sev;
}

void cg_add_meta(pal_cc *cc, const char *key, const char *value, size_t vlen)
{
    pal_program *p = cc->p;
    if (!GROW(cc, p->meta, p->nmeta, cc->cap_meta)) { cc->gen_failed = true; return; }
    p->meta[p->nmeta].key = cg_add_cstr(cc, key);
    p->meta[p->nmeta].value = cg_add_string(cc, value, vlen);
    p->nmeta++;
}

/* Starts a rule; returns its index. */
uint32_t cg_begin_rule(pal_cc *cc, pal_decl *d, int kind, int root, unsigned kinds)
{
    pal_program *p = cc->p;
    if (p->nrules >= PAL_MAX_RULES || !GROW(cc, p->rules, p->nrules, cc->cap_rules)) {
        pal_cc_error(cc, "PAL0502", d->loc, NULL, "more than %u rules", PAL_MAX_RULES);
        return 0;
    }
    pal_rule *r = &p->rules[p->nrules];
    memset(r, 0, sizeof *r);
    r->name = cg_add_cstr(cc, d->name);
    r->kind = (uint8_t)kind;
    r->kinds = (uint8_t)kinds;
    r->root = (uint8_t)root;
    r->outcome_first = p->noutcomes;
    r->meta_first = p->nmeta;
    r->src_file = cg_add_cstr(cc, d->file->src->path);
    /* declarations come in file order: count lines from the last one */
    const pal_srcfile *sf = d->file->src;
    if (cc->line_file != sf || cc->line_off > d->loc.begin) {
        cc->line_file = sf;
        cc->line_off = 0;
        cc->line_no = 1;
    }
    for (uint32_t i = cc->line_off; i < d->loc.begin && i < sf->len; i++)
        if (sf->text[i] == '\n') cc->line_no++;
    cc->line_off = d->loc.begin;
    r->src_line = cc->line_no;
    cc->stack = 0;
    cc->max_stack = 0;
    /* metadata the outputs show */
    static const char *keys[] = {"title", "remediation", "rationale", "description", "mitre", NULL};
    for (int i = 0; keys[i]; i++) {
        const char *v = cg_attr_str(d, keys[i], NULL);
        if (v) cg_add_meta(cc, keys[i], v, strlen(v));
    }
    pal_node *fw;
    cg_attr_str(d, "frameworks", &fw);
    if (fw && fw->kind == N_LIST)
        for (uint32_t i = 0; i < fw->nitems; i++) {
            pal_node *kv = fw->items[i];
            if (kv->kind != N_CALL || !kv->a || kv->a->kind != N_STR) {
                pal_cc_error(cc, "PAL0205", kv->loc, "write frameworks { cis_docker: \"4.1\" }", "a framework reference is `name: \"control\"`");
                continue;
            }
            char key[300];
            snprintf(key, sizeof key, "frameworks.%.*s", (int)kv->len, kv->text);
            cg_add_meta(cc, key, kv->a->text, kv->a->len);
        }
    /* remediation { linux: "...", windows: "..." }: the scan shows the
       image's own (a Linux image is not told to add USER ContainerUser) */
    pal_node *rem;
    cg_attr_str(d, "remediation", &rem);
    if (rem && rem->kind == N_LIST)
        for (uint32_t i = 0; i < rem->nitems; i++) {
            pal_node *kv = rem->items[i];
            bool os_key = kv->kind == N_CALL && ((kv->len == 5 && !memcmp(kv->text, "linux", 5)) ||
                                                 (kv->len == 7 && !memcmp(kv->text, "windows", 7)));
            if (!os_key || !kv->a || kv->a->kind != N_STR) {
                pal_cc_error(cc, "PAL0205", kv->loc, "write remediation \"...\", or remediation { linux: \"...\", windows: \"...\" }",
                         "a remediation by OS is `linux: \"text\"` or `windows: \"text\"`");
                continue;
            }
            char key[32];
            snprintf(key, sizeof key, "remediation.%.*s", (int)kv->len, kv->text);
            cg_add_meta(cc, key, kv->a->text, kv->a->len);
        }
    pal_node *tags;
    cg_attr_str(d, "tags", &tags);
    if (tags && tags->kind == N_LIST)
        for (uint32_t i = 0; i < tags->nitems; i++)
            if (tags->items[i]->kind == N_STR) cg_add_meta(cc, "tag", tags->items[i]->text, tags->items[i]->len);
    return p->nrules++;
}

/* The rule's condition code starts here: after its message chunks. */
void cg_start_code(pal_cc *cc, uint32_t ri)
{
    cc->p->rules[ri].code = cg_here(cc);
    cc->stack = 0;
}

void cg_end_rule(pal_cc *cc, uint32_t ri)
{
    pal_program *p = cc->p;
    if (ri >= p->nrules) return;
    pal_rule *r = &p->rules[ri];
    cg_emit(cc, OP_HALT);
    r->code_len = cg_here(cc) - r->code;
    r->noutcomes = p->noutcomes - r->outcome_first;
    r->nmeta = p->nmeta - r->meta_first;
    r->nlocals = (uint16_t)cc->nlocals;
    if (cc->max_stack > r->max_stack) r->max_stack = (uint16_t)cc->max_stack;
    if (r->max_stack > PAL_MAX_STACK) {
        r->max_stack = PAL_MAX_STACK;
        pal_cc_error(cc, "PAL0502", cc->cur->loc, "split the rule", "rule needs a stack deeper than %u", PAL_MAX_STACK);
    }
}

/* Adds an outcome to the current rule; message = template node or NULL
   (then dflt_text with holes); label = source text. */
uint32_t cg_add_outcome(pal_cc *cc, uint32_t ri, int effect, int severity, pal_loc label_loc,
                            pal_node *msg, const char *dflt)
{
    pal_program *p = cc->p;
    if (!GROW(cc, p->outcomes, p->noutcomes, cc->cap_outcomes)) { cc->gen_failed = true; return 0; }
    pal_outcome *o = &p->outcomes[p->noutcomes];
    memset(o, 0, sizeof *o);
    o->effect = (uint8_t)effect;
    o->severity = (uint8_t)severity;
    if (label_loc.file < cc->nfiles && label_loc.end > label_loc.begin) {
        const pal_srcfile *f = cc->files[label_loc.file];
        uint32_t len = label_loc.end - label_loc.begin;
        if (len > 200) len = 200;
        char buf[256];
        uint32_t k = 0;
        bool space = false;
        for (uint32_t i = 0; i < len && label_loc.begin + i < f->len; i++) {   /* one line */
            char c = f->text[label_loc.begin + i];
            if (c == '\n' || c == '\t' || c == ' ' || c == '\r') { space = true; continue; }
            if (space && k) buf[k++] = ' ';
            space = false;
            buf[k++] = c;
        }
        o->label = cg_add_string(cc, buf, k);
    } else {
        o->label = cg_add_cstr(cc, "");
    }
    o->msg_first = p->nmsgparts;
    (void)ri;
    pal_node tmp;
    if (!msg) {
        memset(&tmp, 0, sizeof tmp);
        tmp.kind = N_STR;
        tmp.text = dflt;
        tmp.len = (uint32_t)strlen(dflt);
        tmp.loc = label_loc;
        msg = &tmp;
    }
    /* Message chunks are generated now, before the rule's own code starts
       (start_code), so the rule's code range holds only its condition. */
    uint32_t nparts;
    pal_node *parts = pal_message_holes(cc, msg, &nparts);
    for (uint32_t i = 0; i < nparts; i++) {
        if (!GROW(cc, p->msgparts, p->nmsgparts, cc->cap_msgparts)) { cc->gen_failed = true; break; }
        pal_msgpart *mp = &p->msgparts[p->nmsgparts++];
        memset(mp, 0, sizeof *mp);
        if (parts[i].kind == N_STR) {
            mp->s = cg_add_string(cc, parts[i].text, parts[i].len);
            continue;
        }
        mp->is_expr = 1;
        pal_node *h = &parts[i];
        pal_type t = pal_check_expr(cc, h);
        if (t.kind == T_ERROR) continue;
        if (t.kind == T_RECORDS || t.kind == T_RECORD) {
            pal_cc_error(cc, "PAL0313", h->loc, "name one of its fields: {f.path}", "a message cannot show a whole %s",
                     pal_type_name(t));
            continue;
        }
        mp->code = cg_here(cc);
        cc->stack = 0;
        cg_expr(cc, h);
        cg_emit(cc, OP_HALT);
        mp->code_len = cg_here(cc) - mp->code;
        pal_rule *r = &p->rules[ri];
        if (cc->max_stack > r->max_stack) r->max_stack = (uint16_t)cc->max_stack;
    }
    o->nmsg = p->nmsgparts - o->msg_first;
    return p->noutcomes++ - p->rules[ri].outcome_first;
}

/* Attributes each declaration takes; anything else is a typo to report. */
void cg_check_attrs(pal_cc *cc, pal_decl *d)
{
    static const char *check_keys = " title severity frameworks rationale remediation description message tags ";
    static const char *rule_keys = " title severity message tags mitre description effect ";
    static const char *block_keys = " title severity description tags mitre ";
    const char *keys = d->kind == D_CHECK ? check_keys : d->kind == D_RULE || d->kind == D_SEQUENCE ? rule_keys : block_keys;
    const char *what = d->kind == D_CHECK ? "a check" : d->kind == D_RULE ? "a rule" : d->kind == D_SEQUENCE ? "a sequence"
                     : d->kind == D_RUNTIME ? "a runtime block" : "a firewall";
    for (pal_attr *a = d->attrs; a; a = a->next) {
        char word[300];
        snprintf(word, sizeof word, " %s ", a->key);
        if (strstr(keys, word)) continue;
        char hint[300];
        snprintf(hint, sizeof hint, "%s takes:%.*s", what, (int)strlen(keys) - 1, keys);
        pal_cc_error(cc, "PAL0205", a->loc, hint, "unknown attribute '%s'", a->key);
    }
}

/* Emits: if the condition on the stack holds, EMIT outcome. */
void cg_emit_if(pal_cc *cc, uint32_t outcome, pal_loc loc)
{
    uint32_t skip = cg_emit_jump(cc, OP_JUMP_IF_FALSE);
    cg_stack(cc, -1);
    cg_emit(cc, PAL_MK_A(OP_EMIT, outcome));
    cg_patch(cc, skip, cg_here(cc), loc);
}

void cg_check(pal_cc *cc, pal_decl *d)
{
    cg_check_attrs(cc, d);
    if (!d->expr) {
        pal_cc_error(cc, "PAL0204", d->name_loc, "add `fail when CONDITION`", "check '%s' has no `fail when` condition", d->name);
        return;
    }
    if (!cg_attr_str(d, "title", NULL))
        pal_cc_warn(cc, "PAL0204", d->name_loc, "add `title \"...\"`", "check '%s' has no title", d->name);
    pal_rule_context(cc, d, PS_IMAGE, 0);
    if (!pal_check_cond(cc, d->expr)) return;
    int sev = cg_severity_of(cc, d, SEV_MEDIUM);
    uint32_t ri = cg_begin_rule(cc, d, PR_CHECK, PS_IMAGE, 0);
    pal_node *msg;
    cg_attr_str(d, "message", &msg);
    if (msg && msg->kind != N_STR) { pal_cc_error(cc, "PAL0205", msg->loc, NULL, "a message is a string"); msg = NULL; }
    pal_node *e = d->expr;
    bool per_element = e->kind == N_ANY;
    /* the message sees the top-level quantifier's variable */
    if (per_element) {
        pal_scope_var *v = &cc->scope[cc->nscope++];
        v->name = e->text;
        v->len = e->len;
        v->local = e->local;
        v->type = e->a->type.kind == T_RECORDS ? (pal_type){T_RECORD, 0, e->a->type.schema} : (pal_type){e->a->type.elem, 0, 0};
    }
    char dflt[300];
    snprintf(dflt, sizeof dflt, "%s failed", d->name);
    uint32_t out = cg_add_outcome(cc, ri, PE_FAIL, sev, d->name_loc, msg, dflt);
    if (per_element) cc->nscope--;
    cg_start_code(cc, ri);
    if (per_element && cg_quant_is_const(e)) {
        cg_quant_const_emit(cc, e, out);   /* one finding per matching item of a constant list */
    } else if (per_element) {
        /* one finding per matching element */
        int base = e->local;
        cg_expr(cc, e->a);
        cg_emit(cc, PAL_MK_A(OP_ITER_INIT, (uint32_t)base));
        cg_stack(cc, -1);
        uint32_t loop = cg_here(cc);
        cg_emit(cc, PAL_MK_ABJ(OP_ITER_NEXT, (uint32_t)base, 0));
        cg_expr(cc, e->b);
        cg_emit_if(cc, out, e->loc);
        uint32_t back = cg_emit_jump(cc, OP_JUMP);
        cg_patch(cc, back, loop, e->loc);
        cg_patch(cc, loop, cg_here(cc), e->loc);
    } else {
        cg_expr(cc, e);
        cg_emit_if(cc, out, e->loc);
    }
    cg_end_rule(cc, ri);
}

int cg_effect_attr(pal_cc *cc, pal_decl *d, int dflt)
{
    pal_node *v;
    const char *s = cg_attr_str(d, "effect", &v);
    if (!v) return dflt;
    int e = s ? pal_effect_from_name(s, strlen(s)) : 0;
    if (e <= PE_ALLOW || e > PE_BLOCK) {
        pal_cc_error(cc, "PAL0206", v->loc,
                 e == PE_ALLOW ? "a rule reports alert, prevent or block; to exempt events, narrow its condition"
                               : "effects are alert, prevent and block",
                 "unknown effect '%s'", s ? s : "?");
        return dflt;
    }
    return e;
}

void cg_rule(pal_cc *cc, pal_decl *d)
{
    if (d->count_kind) { cg_counting_rule(cc, d); return; }
    cg_check_attrs(cc, d);
    if (!d->expr) {
        pal_cc_error(cc, "PAL0204", d->name_loc, "add `when CONDITION`", "rule '%s' has no `when` condition", d->name);
        return;
    }
    pal_rule_context(cc, d, PS_EVENT, d->has_kinds ? d->kinds : PK_ALL);
    cc->infer_kinds = !d->has_kinds;
    if (!pal_check_cond(cc, d->expr)) return;
    unsigned kinds = d->has_kinds ? d->kinds : cc->inferred;
    cc->infer_kinds = false;
    cc->kinds = kinds;
    uint32_t ri = cg_begin_rule(cc, d, PR_RULE, PS_EVENT, kinds);
    pal_node *msg;
    cg_attr_str(d, "message", &msg);
    if (msg && msg->kind != N_STR) { pal_cc_error(cc, "PAL0205", msg->loc, NULL, "a message is a string"); msg = NULL; }
    int eff = cg_effect_attr(cc, d, PE_ALERT);
    uint32_t out = cg_add_outcome(cc, ri, eff, cg_severity_of(cc, d, SEV_MEDIUM), d->name_loc, msg, d->name);
    cg_start_code(cc, ri);
    cg_expr(cc, d->expr);
    cg_emit_if(cc, out, d->expr->loc);
    cg_end_rule(cc, ri);
}

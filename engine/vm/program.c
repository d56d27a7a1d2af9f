/*
 * program.c — freeing a program, and the names of effects, severities,
 * rule kinds and opcodes (one table each).
 *
 * The opcode tables are expanded from PAL_OPCODES (opcodes.h), the one
 * list, so a new opcode needs no edit here.  Severity names accept Falco's
 * priorities too ("warning", "error", "notice", "informational"), because
 * users port Falco rules and keep their words; effect names are exact.
 */
#include "engine/vm/program.h"
#include "engine/vm/opcodes.h"
#include "engine/vm/vm.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void pal_program_free(pal_program *p)
{
    if (!p) return;
    if (p->matchers)
        for (uint32_t i = 0; i < p->nmatchers; i++) pal_matcher_free_rt(&p->matchers[i]);
    free(p->code);
    free(p->consts);
    free(p->matchers);
    free(p->mitems);
    free(p->rules);
    free(p->outcomes);
    free(p->msgparts);
    free(p->meta);
    free(p->sources);
    free(p->netrules);
    free(p->seqs);
    free(p->seqparts);
    free(p->ixrules);
    free(p->ixatoms);
    free(p->strings);
    free(p);
}

static const char *const effect_names[] = {"none", "allow", "alert", "prevent", "block", "fail"};
static const char *const severity_names[] = {"none", "info", "low", "medium", "high", "critical"};

/* The program rules of one declaration are consecutive (the compiler emits
   a declaration's sections and steps together), so a rule starts a new
   declaration unless it has the previous one's kind, name and place. */
void pal_program_count(const pal_program *p, uint32_t *rules, uint32_t *checks)
{
    *rules = *checks = 0;
    for (uint32_t i = 0; i < p->nrules; i++) {
        const pal_rule *r = &p->rules[i], *q = i ? &p->rules[i - 1] : NULL;
        if (r->kind == PR_CHECK) { (*checks)++; continue; }
        bool same = q && q->kind == r->kind && q->src_line == r->src_line && q->name.len == r->name.len &&
                    q->src_file.len == r->src_file.len &&
                    !memcmp(pal_program_str(p, q->name), pal_program_str(p, r->name), r->name.len) &&
                    !memcmp(pal_program_str(p, q->src_file), pal_program_str(p, r->src_file), r->src_file.len);
        if (!same) (*rules)++;
    }
}

void pal_code_fields_read(const pal_program *p, uint32_t code, uint32_t len, uint8_t used[PAL_FIELDS_BITMAP])
{
    for (uint32_t pc = code; pc < code + len && pc < p->ncode; pc++) {
        pal_instr in = p->code[pc];
        uint32_t field;
        if (PAL_OP(in) == OP_LOAD_FIELD) field = PAL_A24(in);
        else if (PAL_OP(in) == OP_MATCH_FIELD) field = PAL_B16(in);
        else continue;
        if (field < 8 * PAL_FIELDS_BITMAP) used[field / 8] |= (uint8_t)(1u << (field % 8));
    }
}

const char *pal_effect_name(unsigned e)
{
    return e < sizeof effect_names / sizeof effect_names[0] ? effect_names[e] : "?";
}

const char *pal_severity_name(unsigned s)
{
    return s < sizeof severity_names / sizeof severity_names[0] ? severity_names[s] : "?";
}

const char *pal_rule_kind_name(unsigned k)
{
    static const char *const names[] = {"?", "check", "rule", "runtime", "firewall", "step"};
    return k < sizeof names / sizeof names[0] ? names[k] : "?";
}

static bool word_is(const char *s, size_t len, const char *word)
{
    return strlen(word) == len && strncasecmp(s, word, len) == 0;
}

int pal_effect_from_name(const char *s, size_t len)
{
    for (int e = PE_ALLOW; e <= PE_FAIL; e++)
        if (word_is(s, len, effect_names[e])) return e;
    return 0;
}

int pal_severity_from_name(const char *s, size_t len)
{
    static const struct { const char *name; int sev; } aliases[] = {
        /* Falco priorities, so ported rules keep their words */
        {"informational", SEV_INFO}, {"notice", SEV_INFO},
        {"warning", SEV_MEDIUM}, {"error", SEV_HIGH},
    };
    for (int v = SEV_INFO; v <= SEV_CRITICAL; v++)
        if (word_is(s, len, severity_names[v])) return v;
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (word_is(s, len, aliases[i].name)) return aliases[i].sev;
    return 0;
}

const char *pal_opcode_name(unsigned op)
{
    switch (op) {
#define OP(name, num, fmt, pop, push) case num: return #name;
    PAL_OPCODES
#undef OP
    default: return "?";
    }
}

int pal_opcode_format(unsigned op)
{
    switch (op) {
#define OP(name, num, fmt, pop, push) case num: return fmt;
    PAL_OPCODES
#undef OP
    default: return -1;
    }
}

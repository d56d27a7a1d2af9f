/*
 * sigma.h — Sigma detection rules into palisade source (`palisade sigma
 * convert`).
 *
 * A Sigma rule is a YAML document: metadata (id, title, level, tags, …), a
 * logsource (product, category, service) and a detection (named searches
 * over fields, combined by a condition).  pal_sigma_convert() turns one
 * into one `rule` declaration whose name is the Sigma id, so every
 * decision it makes carries that id; the metadata becomes attributes and
 * comments.  Field names and logsources go through a field mapping (YAML,
 * sigma_map.c): a built-in one for Windows (Sysmon, Security, System,
 * PowerShell) onto palisade's event schema, or the user's own.
 *
 * A rule that cannot be converted faithfully is refused with a reason —
 * an unmapped field, a modifier palisade has no equivalent for, a
 * correlation rule — never converted into a weaker rule.  Converting more
 * broadly is allowed where the schema forces it and is documented (Windows
 * paths compare with '\' equal to '/').  Every converted rule is compiled
 * on its own before it is returned, and formatted, so what the converter
 * writes is a rule palisade accepts.
 *
 * Everything a Sigma file holds is untrusted: the YAML reader bounds size,
 * nodes and depth and refuses anchors and aliases; the condition parser
 * bounds its depth; the output is bounded.
 */
#ifndef PAL_SIGMA_H
#define PAL_SIGMA_H

#include <stdbool.h>
#include <stddef.h>

/* Bounds of one Sigma document (beyond the YAML reader's). */
#define PAL_SIGMA_MAX_BYTES      (1u << 20)   /* one rule file */
#define PAL_SIGMA_MAX_NODES      50000u
#define PAL_SIGMA_MAX_DEPTH      24u          /* YAML nesting */
#define PAL_SIGMA_MAX_COND_DEPTH 64u          /* parentheses and `not` in a condition */
#define PAL_SIGMA_MAX_OUTPUT     (4u << 20)   /* the .pal text of one rule */

typedef struct pal_sigma_map pal_sigma_map;

/* The built-in mapping's YAML text (what `palisade sigma mapping` prints). */
const char *pal_sigma_map_builtin_text(void);
/* Parses a mapping (NULL text: the built-in one).  NULL with "FILE:LINE:COL:
   what is wrong" in err. */
pal_sigma_map *pal_sigma_map_parse(const char *file, const char *text, size_t len, char *err, size_t errcap);
pal_sigma_map *pal_sigma_map_load(const char *path, char *err, size_t errcap);
void pal_sigma_map_free(pal_sigma_map *m);

enum pal_sigma_status {
    PAL_SIGMA_CONVERTED = 0,
    PAL_SIGMA_REFUSED            /* reason says why; nothing was written */
};

/* Why a rule was refused, as a class a program can count without reading
   the reason's text.  invalid: the file is not valid Sigma (the
   specification, or pySigma, the reference implementation, rejects it: a
   YAML syntax error, no title, no condition, a condition naming a search
   the detection lacks, an unknown modifier, a correlation without its
   timespan) — no converter could convert it.  Otherwise it is valid Sigma
   that palisade does not convert, and code says which part stopped it:
     logsource  no mapping entry (a channel or product palisade does not read)
     eventid    an EventID the decoder does not map for the channel
     field      a field no record of the logsource has
     modifier   a modifier with no palisade equivalent (|expand, time parts)
     condition  a condition form palisade has no form for ('2 of', an
                aggregation it cannot count)
     value      a value the field's type cannot compare exactly
     correlation a correlation palisade cannot express
     collection a Sigma 1.0 rule collection (several rules in one file)
     limit      a bound on size, depth or count, or a YAML feature refused
                as hostile (anchors, aliases)
     filter     a Sigma filter document (it changes other rules)
     duplicate  another rule of the run has its id, or its output file
     internal   the converted rule did not compile or format (a converter
                bug; please report it) */
#define PAL_SIGMA_CODE_MAX 16

typedef struct pal_sigma_result {
    int status;                  /* pal_sigma_status */
    char id[128];                /* the Sigma id ("" when the rule has none) */
    char title[256];
    char *source;                /* converted: the formatted .pal text (malloc'ed) */
    size_t source_len;
    char reason[640];            /* refused: why, naming the place in the file */
    bool invalid;                /* refused: the file is not valid Sigma */
    char code[PAL_SIGMA_CODE_MAX];   /* refused: the class of the reason (above); invalid ones name what is
                                        missing or broken: yaml, title, logsource, detection, condition,
                                        modifier, correlation */
} pal_sigma_result;

/* Converts the Sigma rule in data (len bytes), named `file` in messages
   and in the provenance comment.  Fills *out (always; free it with
   pal_sigma_result_free).  Returns out->status. */
int pal_sigma_convert(const pal_sigma_map *m, const char *file, const char *data, size_t len,
                      pal_sigma_result *out);
void pal_sigma_result_free(pal_sigma_result *r);

#endif

/*
 * fmt.c — the canonical layout of .pal source.
 *
 * Design.  The formatter works on the token stream, not on the tree: the
 * tree forgets parentheses, comments and how a literal was spelt ('raw' or
 * "escaped" strings, 0x1F, 5m), and a formatter must give all of them back.
 * The scanner hands over every token and comment with its byte span
 * (pal_parse_tokens), and a small walker that knows the shape of the
 * grammar writes them out again with canonical whitespace.  Tokens are
 * copied byte for byte; the only tokens added or dropped are optional
 * commas (between `key: value` pairs on one line, and the trailing comma of
 * a `[...]` list, which is kept exactly when the `]` is on its own line).
 *
 * The layout, chosen to match the policies already written:
 *  - declarations start at column 0; their items (clauses, attributes,
 *    runtime entries, firewall entries) one per line, indented 2 per level;
 *  - in a run of consecutive attribute lines (`title`, `severity`, `effect`,
 *    `message`, ...) the values are aligned one column after the longest key;
 *  - one space between tokens, none inside ( ) [ ], one inside { } of
 *    `key: value` objects, none before , : and around .. and port ranges;
 *  - line breaks inside expressions, lists and objects are the author's
 *    (like gofmt, no line is ever wrapped or joined there); a continuation
 *    line is indented to the column where its expression starts, or just
 *    inside the innermost open bracket; a bracket followed by a line break
 *    opens a block indented 2 more, and its closing bracket gets a line of
 *    its own;
 *  - at most one blank line in a row, none after an opening brace or before
 *    a closing one, none at the start or end of the file;
 *  - comments stay where they were: at the end of the line they ended, or on
 *    their own line indented like the code that follows.
 * Everything the layout depends on (line breaks kept, blank lines, comment
 * places) survives formatting, so formatting is idempotent.
 *
 * Safety.  The result is read again; its tokens (less commas) and comments
 * must equal the input's, or pal_format fails with a diagnostic instead of
 * returning text.  Since the tree is built from the tokens alone, equal
 * tokens compile to the same program.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "lang/tools/fmt.h"
#include "lang/syntax/parser.h"
#include "lang/syntax/grammar.h"
#include "engine/base/arena.h"
#include "engine/base/limits.h"

/* Brackets and quantifier bodies open at once; the parser allows 64
   brackets, quantifier bodies are bounded only by the parser's stack. */
#define FMT_MAX_FRAMES 8192
/* Continuation lines line up with their bracket, but never further right
   than this: a hostile one-line expression thousands of columns wide would
   otherwise indent every following line by that much (gigabytes of spaces
   from a 140 KB file).  Past it they fall back to the line's indent + 2. */
#define FMT_MAX_ALIGN_COL 120

enum { B_JOIN = 0,     /* stay on the line (a comment may still force a break) */
       B_SOFT,         /* break where the source breaks */
       B_LINE,         /* always a new line; one blank line kept */
       B_LINE_NOBLANK  /* always a new line, never after a blank one */ };

typedef struct frame {
    int open;          /* '(' '[' '{', or ':' for a quantifier body */
    int cont;          /* column of continuation lines inside */
    int open_indent;   /* indent of the line the bracket opened on */
    bool block;        /* a line break follows the opening bracket */
} frame;

typedef struct fmt {
    const char *src;
    const pal_token *t;
    uint32_t nt;
    uint32_t *code;        /* indices in t of the tokens (not comments) */
    uint32_t ncode, ci;    /* ci: the next token to write */
    uint32_t next;         /* index in t of the next item (token or comment) */
    uint32_t prev_end;     /* source offset after the last item written */
    /* output */
    char *out;
    size_t len, cap;
    int col;               /* column of the next character, in code points */
    int line_indent;       /* indentation of the current line */
    bool line_start;       /* nothing written on the current line yet */
    int indent;            /* indentation of the line about to start */
    bool must_break;       /* a // comment ends the current line */
    bool failed;
    uint32_t fail_off;
    const char *fail_why;
    frame *frames;
    int nframes;
} fmt;

/* ---- output ---- */

static void grow(fmt *F, size_t more)
{
    if (F->failed) return;
    if (F->len + more + 1 <= F->cap) return;
    size_t cap = F->cap ? F->cap : 4096;
    while (cap < F->len + more + 1) cap *= 2;
    char *o = realloc(F->out, cap);
    if (!o) { F->failed = true; F->fail_why = "out of memory"; return; }
    F->out = o;
    F->cap = cap;
}

static void put(fmt *F, const char *s, size_t n)
{
    grow(F, n);
    if (F->failed) return;
    memcpy(F->out + F->len, s, n);
    F->len += n;
    F->out[F->len] = 0;
}

static void put_spaces(fmt *F, int n)
{
    for (int i = 0; i < n; i++) put(F, " ", 1);
    F->col += n;
}

static void trim_trailing_blanks(fmt *F)
{
    while (F->len > 0 && (F->out[F->len - 1] == ' ' || F->out[F->len - 1] == '\t')) F->len--;
    if (F->out) F->out[F->len] = 0;
}

/* Ends the current line (with one blank line after it when asked);
   nothing at the start of the file. */
static void newline(fmt *F, bool blank, int indent)
{
    F->indent = indent;
    F->must_break = false;
    if (F->len == 0) { F->line_start = true; return; }
    if (F->line_start) {
        /* already at a line start: only a blank line may be added */
        if (blank && F->len >= 2 && F->out[F->len - 2] != '\n') put(F, "\n", 1);
        return;
    }
    trim_trailing_blanks(F);
    put(F, "\n", 1);
    if (blank) put(F, "\n", 1);
    F->line_start = true;
    F->col = 0;
}

/* Writes source text: indentation first at a line start; columns count
   code points; every line of a block comment loses its trailing blanks. */
static void write_text(fmt *F, const char *s, size_t n)
{
    if (F->line_start) {
        F->col = 0;
        put_spaces(F, F->indent);
        F->line_indent = F->indent;
        F->line_start = false;
    }
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && s[j] != '\n') j++;
        size_t e = j;
        while (e > i && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r')) e--;
        put(F, s + i, e - i);
        for (size_t k = i; k < e; k++)
            if (((unsigned char)s[k] & 0xc0) != 0x80) F->col++;
        if (j < n) {
            trim_trailing_blanks(F);
            put(F, "\n", 1);
            F->col = 0;
            j++;
        }
        i = j;
    }
}

/* ---- reading the token stream ---- */

static unsigned newlines(const fmt *F, uint32_t from, uint32_t to)
{
    unsigned n = 0;
    for (uint32_t i = from; i < to; i++) n += F->src[i] == '\n';
    return n;
}

static int kind_at(const fmt *F, uint32_t ci)
{
    return ci < F->ncode ? F->t[F->code[ci]].kind : 0;
}
static int K(const fmt *F) { return kind_at(F, F->ci); }
static int K2(const fmt *F) { return kind_at(F, F->ci + 1); }

static void fail(fmt *F, const char *why)
{
    if (F->failed) return;
    F->failed = true;
    F->fail_why = why;
    F->fail_off = F->ci < F->ncode ? F->t[F->code[F->ci]].begin : 0;
}

static bool is_comment(int kind) { return kind == PAL_TOK_LINE_COMMENT || kind == PAL_TOK_BLOCK_COMMENT; }

/* Writes the comments before token t[upto], and settles whether that token
   starts a new line.  cindent: indentation of a comment on its own line. */
static void comments_before(fmt *F, uint32_t upto, int cindent, bool blank_ok)
{
    for (; F->next < upto && !F->failed; F->next++) {
        const pal_token *c = &F->t[F->next];
        unsigned nl = newlines(F, F->prev_end, c->begin);
        if (nl == 0 && F->len > 0 && !F->line_start && !F->must_break) {
            put_spaces(F, 1);                         /* at the end of the line */
        } else {
            newline(F, nl >= 2 && blank_ok, cindent); /* on a line of its own */
        }
        write_text(F, F->src + c->begin, c->end - c->begin);
        F->prev_end = c->end;
        blank_ok = true;
        if (c->kind == PAL_TOK_LINE_COMMENT) {
            F->must_break = true;
        } else {
            /* a block comment keeps a line break that follows it */
            uint32_t nb = F->next + 1 < F->nt ? F->t[F->next + 1].begin : (uint32_t)strlen(F->src);
            if (newlines(F, c->end, nb) > 0) F->must_break = true;
        }
    }
}

/* Writes the next token: on a new line (per brk, at indent) or after
   `spaces` spaces.  Returns the column it was written at. */
static int emit_ex(fmt *F, int brk, int spaces, int indent, int cindent)
{
    if (F->failed) return 0;
    if (F->ci >= F->ncode) { fail(F, "unexpected end of file"); return 0; }
    uint32_t ti = F->code[F->ci];
    const pal_token *tk = &F->t[ti];
    bool had_comments = F->next < ti;
    comments_before(F, ti, cindent, brk != B_LINE_NOBLANK);
    unsigned nl = newlines(F, F->prev_end, tk->begin);
    bool blank = nl >= 2 && brk != B_LINE_NOBLANK;
    if (!had_comments && brk == B_LINE_NOBLANK) blank = false;
    if (F->must_break || brk == B_LINE || brk == B_LINE_NOBLANK || (brk == B_SOFT && nl > 0)) {
        newline(F, blank, indent);
    } else if (!F->line_start) {
        put_spaces(F, spaces);
    }
    if (F->line_start) F->col = F->indent;   /* the column it will get */
    int col = F->col;
    write_text(F, F->src + tk->begin, tk->end - tk->begin);
    F->prev_end = tk->end;
    F->next = ti + 1;
    F->ci++;
    return col;
}

static int emit(fmt *F, int brk, int spaces, int indent)
{
    return emit_ex(F, brk, spaces, indent, indent);
}

/* Skips the next token without writing it (an optional comma), keeping
   the comments around it. */
static void drop(fmt *F, int cindent)
{
    if (F->failed || F->ci >= F->ncode) return;
    uint32_t ti = F->code[F->ci];
    comments_before(F, ti, cindent, true);
    F->next = ti + 1;
    F->ci++;
}

/* A token that is not in the source: only ever a comma. */
static void insert_comma(fmt *F)
{
    if (F->line_start) return;
    write_text(F, ",", 1);
}

static bool comments_between(const fmt *F, uint32_t ci_a, uint32_t ci_b)
{
    if (ci_b >= F->ncode || ci_a >= F->ncode) return false;
    return F->code[ci_b] - F->code[ci_a] > 1;
}

static unsigned nl_between(const fmt *F, uint32_t ci_a, uint32_t ci_b)
{
    if (ci_b >= F->ncode || ci_a >= F->ncode) return 0;
    return newlines(F, F->t[F->code[ci_a]].end, F->t[F->code[ci_b]].begin);
}

/* ---- token classes ---- */

static bool operand_end(int k)
{
    switch (k) {
    case NAME: case STRING: case INT: case IPLIT: case TRUE: case FALSE:
    case ')': case ']': case '}':
        return true;
    default:
        return false;
    }
}

/* After a complete operand, does k carry the expression on? */
static bool continues_expr(int k, int prev)
{
    switch (k) {
    case OR: case AND: case NOT: case IN: case LIKE: case MATCHES: case CONTAINS:
    case STARTSWITH: case ENDSWITH: case EQ: case NE: case LT: case LE: case GT: case GE:
    case '+': case '-': case '*': case '/': case '%': case '=': case ':':
        return true;
    case '(':
        return prev == NAME;
    default:
        return false;
    }
}

static bool is_open(int k) { return k == '(' || k == '[' || k == '{'; }
static bool is_close(int k) { return k == ')' || k == ']' || k == '}'; }

static int spaces_between(int prev, int k, bool prev_unary_minus)
{
    if (prev == '(' || prev == '[') return 0;
    if (prev == '{') return k == '}' ? 0 : 1;
    if (k == ')' || k == ']') return 0;
    if (k == '}') return 1;
    if (k == ',' || k == ':' || k == DOTDOT || prev == DOTDOT) return 0;
    if (k == '(' && (prev == NAME || prev == COUNT || prev == ANY || prev == ALL)) return 0;
    if (prev == '-' && prev_unary_minus) return 0;
    return 1;
}

/* ---- expressions, lists and objects ---- */

enum { R_EXPR, R_GROUP };

static frame *top_bracket(fmt *F, int base)
{
    for (int i = F->nframes - 1; i >= base; i--)
        if (F->frames[i].open != ':') return &F->frames[i];
    return NULL;
}

/* Writes a run of tokens: an expression (R_EXPR: up to the first token
   that cannot continue it) or one value (R_GROUP: one token, or one
   bracketed group).  The first token is written per brk/spaces/indent;
   continuation lines go to the column of the first token, or inside the
   innermost bracket. */
static int run(fmt *F, int mode, int brk, int spaces, int indent)
{
    int base = F->nframes;
    int first_col = indent;
    if (base >= FMT_MAX_FRAMES) { fail(F, "nested too deeply to format"); return indent; }
    int prev = 0;
    bool prev_unary = false;
    bool first = true;
    F->frames[F->nframes++] = (frame){0, indent, indent, false};
    for (;;) {
        if (F->failed) break;
        int k = K(F);
        if (k == 0) break;
        bool depth0 = top_bracket(F, base + 1) == NULL;
        if (!first && depth0) {
            if (mode == R_GROUP) break;
            if (operand_end(prev) && !continues_expr(k, prev)) break;
        }
        frame *fr = top_bracket(F, base + 1);
        frame *cur = &F->frames[F->nframes - 1];
        bool unary = false;
        if (first) {
            first_col = emit(F, brk, spaces, indent);
            F->frames[base].cont = first_col;
        } else if (is_close(k)) {
            if (!fr || (k == ')' && fr->open != '(') || (k == ']' && fr->open != '[') ||
                (k == '}' && fr->open != '{')) { fail(F, "unbalanced brackets"); break; }
            bool own_line = fr->block || nl_between(F, F->ci - 1, F->ci) > 0 ||
                            comments_between(F, F->ci - 1, F->ci);
            if (own_line) {
                if (k == ']' && prev != ',' && prev != '[') insert_comma(F);
                emit_ex(F, B_LINE_NOBLANK, 0, fr->open_indent, fr->cont);
            } else {
                emit(F, B_JOIN, spaces_between(prev, k, prev_unary), fr->cont);
            }
            while (F->nframes > base + 1 && F->frames[F->nframes - 1].open == ':') F->nframes--;
            F->nframes--;   /* the bracket */
            prev = k;
            prev_unary = false;
            first = false;
            continue;
        } else if (k == ',') {
            /* a trailing comma stays only when the ] has a line of its own */
            if (fr && fr->open == '[' && kind_at(F, F->ci + 1) == ']' && !fr->block &&
                nl_between(F, F->ci, F->ci + 1) == 0 && !comments_between(F, F->ci, F->ci + 1) &&
                !comments_between(F, F->ci - 1, F->ci)) {
                drop(F, cur->cont);
                continue;   /* prev stays: the ] is glued to the last item */
            }
            emit(F, B_JOIN, 0, cur->cont);
            prev = k;
            prev_unary = false;
            continue;
        } else if (k == ':' || k == DOTDOT) {
            emit(F, B_JOIN, 0, cur->cont);
        } else {
            /* a key of an object written without the comma before it */
            if (fr && fr->open == '{' && (k == NAME || k == STRING) && kind_at(F, F->ci + 1) == ':' &&
                prev != '{' && prev != ',' && nl_between(F, F->ci - 1, F->ci) == 0 &&
                !comments_between(F, F->ci - 1, F->ci))
                insert_comma(F);
            if (k == '-' && !operand_end(prev)) unary = true;
            int sp = spaces_between(prev, k, prev_unary);
            if (fr && fr->block && is_open(prev)) emit(F, B_LINE_NOBLANK, 0, cur->cont);
            else emit(F, B_SOFT, sp, cur->cont);
        }
        if (is_open(k)) {
            if (F->nframes >= FMT_MAX_FRAMES) { fail(F, "nested too deeply to format"); break; }
            bool empty = kind_at(F, F->ci) == (k == '(' ? ')' : k == '[' ? ']' : '}') &&
                         !comments_between(F, F->ci - 1, F->ci);
            bool block = !empty && (nl_between(F, F->ci - 1, F->ci) > 0 || comments_between(F, F->ci - 1, F->ci));
            int cont = block ? F->line_indent + 2 : F->col + (k == '{' ? 1 : 0);
            if (cont > FMT_MAX_ALIGN_COL) cont = F->line_indent + 2;
            F->frames[F->nframes++] = (frame){k, cont, F->line_indent, block};
        } else if (k == ':' && !(fr && fr->open == '{')) {
            /* a quantifier's body: continuation lines line up with its start */
            if (F->nframes >= FMT_MAX_FRAMES) { fail(F, "nested too deeply to format"); break; }
            bool broken = nl_between(F, F->ci - 1, F->ci) > 0;
            int cont = broken ? F->line_indent + 2 : F->col + 1;
            if (cont > FMT_MAX_ALIGN_COL) cont = F->line_indent + 2;
            F->frames[F->nframes++] = (frame){':', cont, F->line_indent, false};
        }
        prev = k;
        prev_unary = unary;
        first = false;
        if (mode == R_GROUP && top_bracket(F, base + 1) == NULL) break;
    }
    F->nframes = base;
    return first_col;
}

/* ---- declarations ---- */

static bool is_attr_start(int k, int decl) { return k == NAME || ((decl == RULE || decl == SEQUENCE) && k == EFFECT); }

/* The index just past the attribute that starts at code index ci. */
static uint32_t skip_attr(const fmt *F, uint32_t ci)
{
    uint32_t i = ci + 1;
    int k = kind_at(F, i);
    if (!is_open(k)) return i + 1;
    int depth = 0;
    for (; i < F->ncode; i++) {
        int x = kind_at(F, i);
        if (is_open(x)) depth++;
        else if (is_close(x) && --depth == 0) return i + 1;
    }
    return i;
}

/* Between the attributes ending before code index a and starting at b: is
   there a blank line or a comment of its own line?  Either ends a run of
   aligned attributes. */
static bool breaks_run(const fmt *F, uint32_t a_last, uint32_t b)
{
    uint32_t from = F->code[a_last], to = F->code[b];
    if (newlines(F, F->t[from].end, F->t[to].begin) >= 2) return true;
    uint32_t prev_end = F->t[from].end;
    for (uint32_t i = from + 1; i < to; i++) {
        if (newlines(F, prev_end, F->t[i].begin) > 0) return true;
        prev_end = F->t[i].end;
    }
    return false;
}

static int display_width(const fmt *F, uint32_t ci)
{
    const pal_token *t = &F->t[F->code[ci]];
    int w = 0;
    for (uint32_t i = t->begin; i < t->end; i++)
        if (((unsigned char)F->src[i] & 0xc0) != 0x80) w++;
    return w;
}

/* The widest key of the run of attributes starting at the cursor. */
static int attr_run_width(const fmt *F, int decl)
{
    int width = 0;
    uint32_t i = F->ci;
    while (i < F->ncode && is_attr_start(kind_at(F, i), decl)) {
        int w = display_width(F, i);
        if (w > width) width = w;
        uint32_t j = skip_attr(F, i);
        if (j >= F->ncode || !is_attr_start(kind_at(F, j), decl) || breaks_run(F, j - 1, j)) break;
        i = j;
    }
    return width;
}

/* `key value`, the value aligned at `width` + 1. */
static void attribute(fmt *F, int brk, int ind, int width)
{
    int kw = display_width(F, F->ci);
    emit(F, brk, 0, ind);
    run(F, R_GROUP, B_JOIN, width - kw + 1, ind + 4);
}

static void effect_word(fmt *F, int ind)
{
    if (K(F) == NAME || K(F) == ALLOW) emit(F, B_JOIN, 1, ind + 4);
    else fail(F, "expected an effect");
}

/* Values of a runtime entry: continuation lines line up with the first. */
static void values(fmt *F, int ind)
{
    int cont = run(F, R_GROUP, B_JOIN, 1, ind + 4);
    while (K(F) == ',' && !F->failed) {
        emit(F, B_JOIN, 0, cont);
        run(F, R_GROUP, B_SOFT, 1, cont);
    }
}

static void port(fmt *F, int ind)
{
    int k = K(F);
    if (k == INT) {
        emit(F, B_JOIN, 1, ind + 4);
        if (K(F) == '-' && K2(F) == INT) {
            emit(F, B_JOIN, 0, ind + 4);
            emit(F, B_JOIN, 0, ind + 4);
        }
    } else if (k == '*' || k == NAME) {
        emit(F, B_JOIN, 1, ind + 4);
    } else {
        fail(F, "expected a port");
    }
}

static void ports(fmt *F, int ind)
{
    port(F, ind);
    while (K(F) == ',' && !F->failed) {
        emit(F, B_JOIN, 0, ind + 4);
        port(F, ind);
    }
}

static void runtime_entry(fmt *F, int brk, int ind)
{
    emit(F, brk, 0, ind);                       /* allow / deny */
    if (K(F) == OUTBOUND || K(F) == INBOUND) emit(F, B_JOIN, 1, ind + 4);
    if (K(F) == PORT) {
        emit(F, B_JOIN, 1, ind + 4);
        ports(F, ind);
    } else {
        if (K(F) == IP) emit(F, B_JOIN, 1, ind + 4);
        values(F, ind);
        if (K(F) == PORT) {
            emit(F, B_JOIN, 1, ind + 4);
            ports(F, ind);
        }
    }
    if (K(F) == EFFECT) {
        emit(F, B_JOIN, 1, ind + 4);
        effect_word(F, ind);
    }
}

static void default_effect(fmt *F, int brk, int ind)
{
    emit(F, brk, 0, ind);                       /* default */
    if (K(F) != EFFECT) { fail(F, "expected 'effect'"); return; }
    emit(F, B_JOIN, 1, ind + 4);
    effect_word(F, ind);
}

static void section(fmt *F, int brk, int ind)
{
    emit(F, brk, 0, ind);                       /* process / network / dns / file */
    if (K(F) != '{') { fail(F, "expected '{'"); return; }
    emit(F, B_JOIN, 1, ind + 4);
    bool first = true;
    while (!F->failed && K(F) != '}' && K(F) != 0) {
        int b = first ? B_LINE_NOBLANK : B_LINE;
        if (K(F) == ALLOW || K(F) == DENY) runtime_entry(F, b, ind + 2);
        else if (K(F) == DEFAULT) default_effect(F, b, ind + 2);
        else fail(F, "unexpected token in a runtime section");
        first = false;
    }
    if (K(F) != '}') { fail(F, "expected '}'"); return; }
    if (first && !comments_between(F, F->ci - 1, F->ci)) emit(F, B_JOIN, 0, ind);
    else emit_ex(F, B_LINE_NOBLANK, 0, ind, ind + 2);
}

static void endpoint(fmt *F, int ind)
{
    int k = K(F);
    if (k == ANY) { emit(F, B_JOIN, 1, ind + 4); return; }
    if (k != IMAGE && k != SUBNET && k != HOST && k != DNS) { fail(F, "expected an endpoint"); return; }
    emit(F, B_JOIN, 1, ind + 4);
    emit(F, B_JOIN, 1, ind + 4);
}

static void firewall_entry(fmt *F, int brk, int ind)
{
    emit(F, brk, 0, ind);                       /* allow / deny */
    if (K(F) != FROM) { fail(F, "expected 'from'"); return; }
    emit(F, B_JOIN, 1, ind + 4);
    endpoint(F, ind);
    if (K(F) != TO) { fail(F, "expected 'to'"); return; }
    emit(F, B_JOIN, 1, ind + 4);
    endpoint(F, ind);
    if (K(F) == TCP || K(F) == UDP) emit(F, B_JOIN, 1, ind + 4);
    if (K(F) == INT || K(F) == '*') ports(F, ind);
    if (K(F) == EFFECT) {
        emit(F, B_JOIN, 1, ind + 4);
        effect_word(F, ind);
    }
}

static bool is_group_name(int k)
{
    return k == PROCESS || k == NETWORK || k == DNS || k == FILE_KW || k == IMAGE || k == HOST || k == NAME;
}

static bool is_word(const fmt *F, uint32_t ci, const char *w)
{
    if (kind_at(F, ci) != NAME) return false;
    const pal_token *t = &F->t[F->code[ci]];
    size_t n = strlen(w);
    return t->end - t->begin == n && !memcmp(F->src + t->begin, w, n);
}

/* given GROUP {…} [GROUP {…} …] [at [+|-]TIME]: the groups after the first
   on lines of their own, lined up with it */
static void given_event(fmt *F, int brk, int ind)
{
    emit(F, brk, 0, ind);                       /* given */
    int cont = -1;
    while (!F->failed && is_group_name(K(F)) && K2(F) == '{') {
        if (cont < 0) cont = emit(F, B_JOIN, 1, ind + 6);
        else emit(F, B_LINE, 0, cont);
        run(F, R_GROUP, B_JOIN, 1, cont);
    }
    if (cont < 0) { fail(F, "expected a given group"); return; }
    if (is_word(F, F->ci, "at")) {
        emit(F, B_JOIN, 1, cont);
        if (K(F) == '+' || K(F) == '-') {
            emit(F, B_JOIN, 1, cont);
            if (K(F) != INT) { fail(F, "expected a time"); return; }
            emit(F, B_JOIN, 0, cont);
        } else if (K(F) == INT) {
            emit(F, B_JOIN, 1, cont);
        } else {
            fail(F, "expected a time");
        }
    }
}

static void test_body(fmt *F, int ind)
{
    if (K(F) != GIVEN) { fail(F, "expected 'given'"); return; }
    bool first = true;
    while (!F->failed && K(F) == GIVEN) {
        given_event(F, first ? B_LINE_NOBLANK : B_LINE, ind);
        first = false;
    }
    if (F->failed) return;
    if (K(F) != EXPECT) { fail(F, "expected 'expect'"); return; }
    emit(F, B_LINE, 0, ind);
    if (K(F) != NAME && K(F) != ALLOW && K(F) != FAIL) { fail(F, "expected an outcome"); return; }
    emit(F, B_JOIN, 1, ind + 4);
    if (K(F) == BY) {
        emit(F, B_JOIN, 1, ind + 4);
        emit(F, B_JOIN, 1, ind + 4);
    }
}

/* NAME, NAME, …  (join fields) */
static void field_names(fmt *F, int ind)
{
    if (K(F) != NAME) { fail(F, "expected a field"); return; }
    emit(F, B_JOIN, 1, ind + 4);
    while (K(F) == ',' && !F->failed) {
        emit(F, B_JOIN, 0, ind + 4);
        if (K(F) != NAME) { fail(F, "expected a field"); return; }
        emit(F, B_JOIN, 1, ind + 4);
    }
}

/* count [distinct F] >=|> N [by F, …] within D */
static void count_clause(fmt *F, int brk, int ind)
{
    emit(F, brk, 0, ind);                       /* count */
    if (K(F) == DISTINCT) {
        emit(F, B_JOIN, 1, ind + 4);
        if (K(F) != NAME) { fail(F, "expected a field"); return; }
        emit(F, B_JOIN, 1, ind + 4);
    }
    if (K(F) != GE && K(F) != GT) { fail(F, "expected >= or >"); return; }
    emit(F, B_JOIN, 1, ind + 4);
    if (K(F) != INT) { fail(F, "expected a number"); return; }
    emit(F, B_JOIN, 1, ind + 4);
    if (K(F) == BY) {
        emit(F, B_JOIN, 1, ind + 4);
        field_names(F, ind);
    }
    if (K(F) != WITHIN) { fail(F, "expected 'within'"); return; }
    emit(F, B_JOIN, 1, ind + 4);
    if (K(F) != INT) { fail(F, "expected a duration"); return; }
    emit(F, B_JOIN, 1, ind + 4);
}

/* step [NAME] { on … when … by … } / until { … }: on one line as written
   on one, else one clause a line inside the braces */
static void step(fmt *F, int brk, int ind)
{
    emit(F, brk, 0, ind);                       /* step / until */
    if (K(F) == NAME) emit(F, B_JOIN, 1, ind + 4);
    if (K(F) != '{') { fail(F, "expected '{'"); return; }
    bool block = nl_between(F, F->ci, F->ci + 1) > 0 || comments_between(F, F->ci, F->ci + 1);
    emit(F, B_JOIN, 1, ind + 4);
    bool first = true;
    while (!F->failed && K(F) != '}' && K(F) != 0) {
        int cb = block ? (first ? B_LINE_NOBLANK : B_LINE) : B_JOIN;
        int ci = block ? ind + 2 : ind + 4;
        int sp = block ? 0 : 1;
        int k = K(F);
        if (k == ON) {
            emit(F, cb, sp, ci);
            emit(F, B_JOIN, 1, ci + 2);
            while (K(F) == ',' && !F->failed) {
                emit(F, B_JOIN, 0, ci + 2);
                emit(F, B_JOIN, 1, ci + 2);
            }
        } else if (k == WHEN) {
            emit(F, cb, sp, ci);
            run(F, R_EXPR, B_JOIN, 1, ci + 2);
        } else if (k == BY) {
            emit(F, cb, sp, ci);
            field_names(F, ci - 2);
        } else {
            fail(F, "unexpected token in a step");
        }
        first = false;
    }
    if (K(F) != '}') { fail(F, "expected '}'"); return; }
    if (block && !first) emit_ex(F, B_LINE_NOBLANK, 0, ind, ind + 2);
    else emit(F, B_JOIN, first && !comments_between(F, F->ci - 1, F->ci) ? 0 : 1, ind + 4);
}

/* The items of a check, rule, runtime or firewall block. */
static void block_items(fmt *F, int decl, int ind)
{
    bool first = true;
    int width = 0;
    bool in_run = false;
    while (!F->failed && K(F) != '}' && K(F) != 0) {
        int brk = first ? B_LINE_NOBLANK : B_LINE;
        int k = K(F);
        if (is_attr_start(k, decl)) {
            if (!in_run) width = attr_run_width(F, decl);
            uint32_t end = skip_attr(F, F->ci);
            attribute(F, brk, ind, width);
            /* the run goes on while the next item is an attribute too */
            in_run = end < F->ncode && F->ci == end && is_attr_start(K(F), decl) &&
                     !breaks_run(F, end - 1, end);
        } else {
            in_run = false;
            if (decl == CHECK && k == FAIL) {
                emit(F, brk, 0, ind);
                if (K(F) != WHEN) { fail(F, "expected 'when'"); return; }
                emit(F, B_JOIN, 1, ind + 4);
                run(F, R_EXPR, B_JOIN, 1, ind + 4);
            } else if ((decl == RULE && k == WHEN) || ((decl == RUNTIME || decl == FIREWALL) && k == SCOPE)) {
                emit(F, brk, 0, ind);
                run(F, R_EXPR, B_JOIN, 1, ind + 4);
            } else if (decl == RULE && k == COUNT) {
                count_clause(F, brk, ind);
            } else if (decl == SEQUENCE && k == BY) {
                emit(F, brk, 0, ind);
                field_names(F, ind);
            } else if (decl == SEQUENCE && k == WITHIN) {
                emit(F, brk, 0, ind);
                if (K(F) != INT) { fail(F, "expected a duration"); return; }
                emit(F, B_JOIN, 1, ind + 4);
            } else if (decl == SEQUENCE && k == UNORDERED) {
                emit(F, brk, 0, ind);
            } else if (decl == SEQUENCE && (k == STEP || k == UNTIL)) {
                step(F, brk, ind);
            } else if (decl == RULE && k == ON) {
                emit(F, brk, 0, ind);
                emit(F, B_JOIN, 1, ind + 4);
                while (K(F) == ',' && !F->failed) {
                    emit(F, B_JOIN, 0, ind + 4);
                    emit(F, B_JOIN, 1, ind + 4);
                }
            } else if (decl == RUNTIME && (k == PROCESS || k == NETWORK || k == DNS || k == FILE_KW)) {
                section(F, brk, ind);
            } else if (decl == FIREWALL && (k == ALLOW || k == DENY)) {
                firewall_entry(F, brk, ind);
            } else if (decl == FIREWALL && k == DEFAULT) {
                default_effect(F, brk, ind);
            } else {
                fail(F, "unexpected token in a block");
            }
        }
        first = false;
    }
}

static void declaration(fmt *F)
{
    int k = K(F);
    switch (k) {
    case LIST:
    case MACRO:
        emit(F, B_LINE, 0, 0);
        emit(F, B_JOIN, 1, 4);                  /* name */
        if (K(F) != '=') { fail(F, "expected '='"); return; }
        emit(F, B_JOIN, 1, 4);
        run(F, R_EXPR, B_SOFT, 1, 2);
        return;
    case CHECK: case RULE: case RUNTIME: case FIREWALL: case TEST: case SEQUENCE:
        emit(F, B_LINE, 0, 0);
        emit(F, B_JOIN, 1, 4);                  /* the name */
        if (K(F) != '{') { fail(F, "expected '{'"); return; }
        emit(F, B_JOIN, 1, 4);
        if (k == TEST) test_body(F, 2);
        else block_items(F, k, 2);
        if (K(F) != '}') { fail(F, "expected '}'"); return; }
        if (F->t[F->code[F->ci - 1]].kind == '{' && !comments_between(F, F->ci - 1, F->ci))
            emit(F, B_JOIN, 0, 0);
        else
            emit_ex(F, B_LINE_NOBLANK, 0, 0, 2);
        return;
    default:
        fail(F, "expected a declaration");
    }
}

static void file(fmt *F)
{
    if (K(F) == PACKAGE) {
        emit(F, B_LINE, 0, 0);
        emit(F, B_JOIN, 1, 4);
    }
    while (K(F) == IMPORT && !F->failed) {
        emit(F, B_LINE, 0, 0);
        emit(F, B_JOIN, 1, 4);
        if (K(F) == AS) {
            emit(F, B_JOIN, 1, 4);
            emit(F, B_JOIN, 1, 4);
        }
    }
    while (K(F) != 0 && !F->failed) declaration(F);
    if (F->failed) return;
    comments_before(F, F->nt, 0, true);
    newline(F, false, 0);
}

/* ---- checking the result ---- */

typedef struct { pal_diag_fn fn; void *user; } diag_sink;

static void count_only(const pal_diagnostic *d, void *user) { (void)d; (void)user; }

/* Tokens, less commas, and comments, less trailing blanks, must match. */
static bool same_text(const char *a, size_t an, const char *b, size_t bn, bool comment)
{
    if (!comment) return an == bn && !memcmp(a, b, an);
    size_t i = 0, j = 0;
    for (;;) {
        /* compare line by line, ignoring blanks at line ends */
        size_t ie = i, je = j;
        while (ie < an && a[ie] != '\n') ie++;
        while (je < bn && b[je] != '\n') je++;
        size_t ae = ie, be = je;
        while (ae > i && (a[ae - 1] == ' ' || a[ae - 1] == '\t' || a[ae - 1] == '\r')) ae--;
        while (be > j && (b[be - 1] == ' ' || b[be - 1] == '\t' || b[be - 1] == '\r')) be--;
        if (ae - i != be - j || memcmp(a + i, b + j, ae - i)) return false;
        if (ie >= an || je >= bn) return ie >= an && je >= bn;
        i = ie + 1;
        j = je + 1;
    }
}

static bool same_stream(const char *sa, const pal_tokens *a, const char *sb, const pal_tokens *b)
{
    uint32_t i = 0, j = 0;
    for (;;) {
        while (i < a->n && a->v[i].kind == ',') i++;
        while (j < b->n && b->v[j].kind == ',') j++;
        if (i >= a->n || j >= b->n) return i >= a->n && j >= b->n;
        const pal_token *x = &a->v[i], *y = &b->v[j];
        if (x->kind != y->kind) return false;
        if (!same_text(sa + x->begin, x->end - x->begin, sb + y->begin, y->end - y->begin, is_comment(x->kind)))
            return false;
        i++;
        j++;
    }
}

static void default_diag(const pal_diagnostic *d, void *user)
{
    (void)user;
    pal_diag_print(d, stderr);
}

int pal_format(const char *path, const char *src, size_t len, pal_diag_fn diag, void *diag_user,
               char **out, size_t *outlen)
{
    *out = NULL;
    if (outlen) *outlen = 0;
    if (!diag) { diag = default_diag; diag_user = stderr; }
    pal_diags quick = {diag, diag_user, 0, 0, PAL_MAX_ERRORS, NULL, 0};
    if (len > PAL_MAX_SOURCE_BYTES) {
        pal_diag_file(&quick, "PAL0002", path, "larger than %u bytes; split the file", PAL_MAX_SOURCE_BYTES);
        return -1;
    }
    if (memchr(src, 0, len)) {
        pal_diag_file(&quick, "PAL0103", path, "contains a NUL byte: not a policy source file");
        return -1;
    }
    pal_arena arena;
    pal_arena_init(&arena, 0);
    pal_srcfile sf = {0};
    sf.path = (char *)path;
    sf.text = pal_arena_strndup(&arena, src, len);
    sf.len = len;
    pal_srcfile *files[1] = {&sf};
    pal_diags d = {diag, diag_user, 0, 0, PAL_MAX_ERRORS, files, 1};
    pal_tokens toks = {0};
    int rc = -1;
    fmt F;
    memset(&F, 0, sizeof F);
    if (!sf.text) {
        pal_diag_file(&quick, "PAL0002", path, "out of memory");
        goto out;
    }
    pal_file *ast = pal_parse_tokens(&arena, &sf, 0, &d, &toks);
    if (!ast || d.errors) goto out;

    F.src = sf.text;
    F.t = toks.v;
    F.nt = toks.n;
    F.code = malloc((toks.n + 1) * sizeof *F.code);
    F.frames = malloc(FMT_MAX_FRAMES * sizeof *F.frames);
    if (!F.code || !F.frames) {
        pal_diag_file(&quick, "PAL0002", path, "out of memory");
        goto out;
    }
    for (uint32_t i = 0; i < toks.n; i++)
        if (!is_comment(toks.v[i].kind)) F.code[F.ncode++] = i;
    F.line_start = true;
    file(&F);
    if (!F.failed && F.ci != F.ncode) fail(&F, "tokens left over");
    if (F.failed) {
        pal_loc at = {0, F.fail_off, F.fail_off};
        pal_diag_report(&d, PAL_DIAG_ERROR, "PAL0003", at,
                        "the file is left as it is; please report this with the file",
                        "cannot format this file: %s", F.fail_why ? F.fail_why : "internal error");
        goto out;
    }
    if (!F.out) put(&F, "", 0);
    if (F.len == 1 && F.out[0] == '\n') F.len = 0, F.out[0] = 0;   /* nothing but blanks */

    /* read the result again: same tokens and comments, or no result */
    {
        pal_arena a2;
        pal_arena_init(&a2, 0);
        pal_srcfile sf2 = {0};
        sf2.path = (char *)path;
        sf2.text = F.out;
        sf2.len = F.len;
        pal_srcfile *files2[1] = {&sf2};
        pal_diags d2 = {count_only, NULL, 0, 0, PAL_MAX_ERRORS, files2, 1};
        pal_tokens t2 = {0};
        pal_parse_tokens(&a2, &sf2, 0, &d2, &t2);
        bool ok = d2.errors == 0 && same_stream(sf.text, &toks, F.out, &t2);
        pal_tokens_free(&t2);
        pal_arena_free(&a2);
        if (!ok) {
            pal_loc at = {0, 0, 0};
            pal_diag_report(&d, PAL_DIAG_ERROR, "PAL0003", at,
                            "the file is left as it is; please report this with the file",
                            "cannot format this file: the formatted text would not read the same");
            goto out;
        }
    }
    *out = F.out;
    if (outlen) *outlen = F.len;
    F.out = NULL;
    rc = 0;
out:
    free(F.out);
    free(F.code);
    free(F.frames);
    pal_tokens_free(&toks);
    pal_arena_free(&arena);
    return rc;
}

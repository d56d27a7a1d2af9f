/*
 * parse.c — runs the scanner and the parser over one file (and, for the
 * formatter and the linter, keeps the token stream with its comments).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lang/syntax/parser.h"
#include "lang/syntax/grammar.h"
#include "lang/syntax/lexer.h"

void pal_lex_error(pal_parser *P, const char *code, pal_loc loc, const char *hint, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pal_diag_vreport(P->diags, PAL_DIAG_ERROR, code, loc, hint, fmt, ap);
    va_end(ap);
}

pal_file *pal_parse(pal_arena *a, pal_srcfile *src, uint32_t file_index, pal_diags *d)
{
    return pal_parse_tokens(a, src, file_index, d, NULL);
}

void pal_tokens_free(pal_tokens *t)
{
    if (!t) return;
    free(t->v);
    t->v = NULL;
    t->n = t->cap = 0;
}

pal_file *pal_parse_tokens(pal_arena *a, pal_srcfile *src, uint32_t file_index, pal_diags *d,
                           pal_tokens *keep)
{
    pal_parser P;
    memset(&P, 0, sizeof P);
    P.arena = a;
    P.diags = d;
    P.src = src;
    P.file = file_index;
    P.tokens = keep;
    P.out = pal_arena_alloc(a, sizeof *P.out);
    if (!P.out) return NULL;
    P.out->src = src;

    yyscan_t scanner;
    if (pal_yylex_init_extra(&P, &scanner)) return NULL;
    P.scanner = scanner;
    if (setjmp(P.fatal) == 0) {
        YY_BUFFER_STATE buf = pal_yy_scan_bytes(src->text, (int)src->len, scanner);
        pal_yyparse(scanner, &P);
        pal_yy_delete_buffer(buf, scanner);
    } else {
        pal_loc loc = {file_index, P.offset, P.offset};
        pal_diag_report(d, PAL_DIAG_ERROR, "PAL0002", loc, "split the file",
                        "out of memory while reading this file");
    }
    pal_yylex_destroy(scanner);
    return P.out;
}

/*
 * parser.h — state shared by the flex scanner and the bison parser of one
 * file (internal to lang/).  Both are reentrant: all state is here or in
 * the scanner's own struct, so files may be parsed concurrently.
 */
#ifndef PAL_PARSER_H
#define PAL_PARSER_H

#include <setjmp.h>
#include "lang/syntax/ast.h"
#include "engine/base/arena.h"

typedef struct pal_parser {
    pal_arena *arena;
    pal_diags *diags;
    pal_srcfile *src;
    uint32_t file;         /* index of src in the compiler's file table */
    pal_file *out;
    void *scanner;
    uint32_t offset;       /* scanner position, bytes */
    int depth;             /* open ( [ { */
    uint32_t comment_start;   /* offset where the open comment starts */
    bool depth_reported;
    pal_section section;   /* the runtime section being parsed */
    const char *group;     /* the `given` group being parsed */
    pal_decl *last_decl;
    pal_tokens *tokens;    /* NULL, or where every token and comment goes */
    pal_token recent[3];   /* the last tokens the parser saw, oldest first (hints) */
    uint32_t nrecent;
    jmp_buf fatal;         /* the scanner's YY_FATAL_ERROR lands here */
} pal_parser;

void pal_lex_error(pal_parser *P, const char *code, pal_loc loc, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

#endif

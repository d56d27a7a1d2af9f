/*
 * repo.c — the symbol tables of a whole policy repo: every list and macro
 * by package, every rule, check and block by name (unique across the
 * repo), imports resolved to files, import cycles refused; and the sources
 * the program is built from, for its manifest.
 *
 * This runs once over all files before any rule is checked, so a rule may
 * use a list declared later or in another file; a name declared twice is
 * reported at the second place with the first in the hint.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "lang/check/check.h"

void pal_check_declare(pal_cc *cc, pal_file *f)
{
    const char *pkg = pal_package_of(cc, f);
    for (pal_decl *d = f->decls; d; d = d->next) {
        if (d->kind == D_LIST || d->kind == D_MACRO) {
            char key[PAL_MAX_IDENT_BYTES * 2 + 8];
            int n = snprintf(key, sizeof key, "%s\x1f%s", pkg, d->name);
            if (n < 0 || (size_t)n >= sizeof key) continue;
            pal_decl *prev = pal_strmap_get(&cc->names, key, (size_t)n);
            if (prev) {
                uint32_t line, col;
                pal_srcfile_linecol(prev->file->src, prev->name_loc.begin, &line, &col);
                char hint[600];
                snprintf(hint, sizeof hint, "the first is at %s:%u:%u", prev->file->src->path, line, col);
                pal_cc_error(cc, "PAL0305", d->name_loc, hint, "'%s' is declared twice in package '%s'", d->name,
                         *pkg ? pkg : "(root)");
                continue;
            }
            char *k = pal_arena_strndup(&cc->arena, key, (size_t)n);
            if (k) pal_strmap_put(&cc->arena, &cc->names, k, (size_t)n, d);
        } else if (d->kind != D_TEST) {
            pal_decl *prev = pal_strmap_get(&cc->rules, d->name, strlen(d->name));
            if (prev) {
                uint32_t line, col;
                pal_srcfile_linecol(prev->file->src, prev->name_loc.begin, &line, &col);
                char hint[600];
                snprintf(hint, sizeof hint, "the first is at %s:%u:%u; names and check IDs are unique across the repo",
                         prev->file->src->path, line, col);
                pal_cc_error(cc, "PAL0304", d->name_loc, hint, "'%s' is declared twice", d->name);
                continue;
            }
            if (!*d->name) pal_cc_error(cc, "PAL0204", d->name_loc, NULL, "a rule needs a name");
            pal_strmap_put(&cc->arena, &cc->rules, d->name, strlen(d->name), d);
        }
    }
}

void pal_check_imports(pal_cc *cc, pal_file *f)
{
    for (pal_import *im = f->imports; im; im = im->next) {
        size_t n = strlen(im->path);
        for (uint32_t i = 0; i < cc->nfiles && !im->target; i++) {
            const char *p = cc->files[i]->path;
            size_t pl = strlen(p);
            if ((pl == n + 4 && !strncmp(p, im->path, n) && !strcmp(p + n, ".pal")) ||
                (pl > n + 1 && !strncmp(p, im->path, n) && p[n] == '/' && !strchr(p + n + 1, '/')))
                im->target = cc->asts[i];
        }
        if (!im->target)
            pal_cc_error(cc, "PAL0308", im->loc, "imports name a file (lib/windows.pal) or directory of the repo, without .pal",
                     "import \"%s\" not found", im->path);
        else if (im->target == f)
            pal_cc_error(cc, "PAL0307", im->loc, NULL, "a file cannot import itself");
    }
}

static bool import_cycle(pal_cc *cc, pal_file *f)
{
    if (f->visiting == 2) return false;
    if (f->visiting == 1) return true;
    f->visiting = 1;
    for (pal_import *im = f->imports; im; im = im->next)
        if (im->target && im->target != f && import_cycle(cc, im->target)) {
            pal_cc_error(cc, "PAL0307", im->loc, "move the shared lists and macros into a third file both import",
                     "import cycle through \"%s\"", im->path);
            f->visiting = 2;
            return false;
        }
    f->visiting = 2;
    return false;
}

void pal_check_import_cycles(pal_cc *cc, pal_file *f)
{
    import_cycle(cc, f);
}

void pal_cc_add_source(pal_cc *cc, const char *path, const char *data, size_t len)
{
    pal_source_rec *s = pal_arena_alloc(&cc->arena, sizeof *s);
    if (!s || !(s->path = pal_arena_strndup(&cc->arena, path, strlen(path)))) { cc->gen_failed = true; return; }
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)data, len);
    sodium_bin2hex(s->sha256, sizeof s->sha256, h, sizeof h);
    if (!cc->sources_tail) cc->sources_tail = &cc->sources;
    *cc->sources_tail = s;
    cc->sources_tail = &s->next;
}

/*
 * cmd_build.c — `palisade build DIR -o BUNDLE [--revision REV]`,
 * `palisade disasm BUNDLE|DIR` and `palisade version`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "policy.h"
#include "lang/bundle.h"
#include "lang/palc.h"
#include "engine/schema.h"

/* `git describe --always --dirty` inside a git work tree, else "". */
static void git_revision(const char *dir, char *out, size_t cap)
{
    out[0] = 0;
    char cmd[4400];
    if (strchr(dir, '\'')) return;
    snprintf(cmd, sizeof cmd, "git -C '%s' describe --always --dirty 2>/dev/null", dir);
    FILE *f = popen(cmd, "r");
    if (!f) return;
    if (fgets(out, (int)cap, f)) out[strcspn(out, "\n")] = 0;
    else out[0] = 0;
    pclose(f);
}

int cmd_build(int argc, char **argv)
{
    const char *dir = NULL, *outp = NULL, *rev = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-o") && i + 1 < argc) outp = argv[++i];
        else if (!strcmp(argv[i], "--revision") && i + 1 < argc) rev = argv[++i];
        else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            printf("usage: palisade build DIR -o BUNDLE [--revision REV]\n"
                   "Compiles every .pal file under DIR into one verified bundle.\n");
            return EXIT_OK;
        } else if (argv[i][0] == '-') return cli_error("build", "unknown option %s (see palisade build --help)", argv[i]);
        else if (!dir) dir = argv[i];
        else return cli_error("build", "one policy directory at a time (got %s and %s)", dir, argv[i]);
    }
    if (!dir || !outp) return cli_error("build", "usage: palisade build DIR -o BUNDLE [--revision REV]");
    char grev[256];
    if (!rev) { git_revision(dir, grev, sizeof grev); rev = grev; }
    pal_program *p = cli_load_policy("build", dir, rev);
    if (!p) return EXIT_ERROR;
    char err[512];
    int rc = pal_bundle_save(p, outp, err, sizeof err);
    if (rc != 0) {
        pal_program_free(p);
        return cli_error("build", "%s: %s", outp, err);
    }
    fprintf(stderr, "palisade build: %s: %u rules from %u files, revision '%s'\n", outp, p->nrules, p->nsources,
            pal_program_str(p, p->revision));
    pal_program_free(p);
    return EXIT_OK;
}

int cmd_disasm(int argc, char **argv)
{
    if (argc != 2 || argv[1][0] == '-') {
        printf("usage: palisade disasm BUNDLE|DIR\nShows the bytecode of every rule with its source line.\n");
        return argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) ? EXIT_OK : EXIT_ERROR;
    }
    pal_program *p = cli_load_policy("disasm", argv[1], NULL);
    if (!p) return EXIT_ERROR;
    pal_disasm(p, stdout);
    pal_program_free(p);
    return EXIT_OK;
}

int cmd_version(int argc, char **argv)
{
    (void)argc; (void)argv;
    printf("palisade %s (bundle format %u, input schema %016llx)\n", PALISADE_VERSION, (unsigned)PAL_BUNDLE_VERSION,
           (unsigned long long)pal_schema_digest());
    return EXIT_OK;
}

/*
 * cmd_build.c — `palisade build DIR -o BUNDLE [--revision REV] [--sign KEY]`,
 * `palisade disasm BUNDLE|DIR` and `palisade version`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/args.h"
#include "cli/cli.h"
#include "cli/policy.h"
#include "engine/vm/bundle.h"
#include "engine/runtime/index.h"
#include "lang/compile/palc.h"
#include "engine/core/schema.h"
#include <sodium.h>

static void build_usage(FILE *f)
{
    fprintf(f, "usage: palisade build DIR -o BUNDLE [--revision REV] [--sign KEY]\n"
               "Compiles every .pal file under DIR into one verified bundle.\n"
               "  --revision REV  the revision every decision names; default `git describe --always --dirty`\n"
               "                  inside a git work tree (+src-HASH when dirty), else src-HASH of the\n"
               "                  sources: what eval and the agent name the directory by\n"
               "  --sign KEY      sign the bundle with a secret key from `palisade keygen` (NAME.key);\n"
               "                  agents check it with --verify-key NAME.pub\n");
}

int cmd_build(int argc, char **argv)
{
    const char *dir = NULL, *outp = NULL, *rev = NULL, *keypath = NULL;
    cli_args A;
    cli_args_init(&A, "build", argc, argv);
    while (cli_args_next(&A)) {
        if (cli_args_value(&A, "-o", "the bundle file to write")) outp = A.value;
        else if (cli_args_value(&A, "--revision", "the revision decisions name, e.g. v1.2")) rev = A.value;
        else if (cli_args_value(&A, "--sign", "a NAME.key file from palisade keygen")) keypath = A.value;
        else if (cli_args_help(&A)) {
            build_usage(stdout);
            return EXIT_OK;
        } else if (cli_args_is_option(&A) || A.failed) return cli_args_unknown(&A);
        else if (!dir) dir = A.arg;
        else return cli_error("build", "one policy directory at a time (got %s and %s)", dir, A.arg);
    }
    if (A.failed) return EXIT_ERROR;
    if (!dir || !outp) { build_usage(stderr); return cli_error("build", "give a policy directory and -o BUNDLE"); }
    char err[512];
    /* the key first: a build that cannot be signed should fail before the compile */
    pal_seckey key;
    if (keypath && pal_seckey_load(keypath, &key, err, sizeof err) != 0)
        return cli_error("build", "--sign: %s", err);
    if (rev && !*rev) rev = NULL;   /* --revision "": the default */
    pal_program *p = cli_load_policy("build", dir, rev);   /* NULL: the directory's (cli_directory_revision) */
    if (!p) { if (keypath) sodium_memzero(&key, sizeof key); return EXIT_ERROR; }
    /* The rule index's analysis rides along, so a load proves it instead
       of searching for it (engine/runtime/index.h); without memory for it
       the bundle is as good, only slower to load. */
    (void)pal_index_attach_hints(p);
    int rc = pal_bundle_save_signed(p, outp, NULL, keypath ? &key : NULL, err, sizeof err);
    char key_id[PAL_KEY_ID_CHARS + 1] = "";
    if (keypath) { memcpy(key_id, key.id, sizeof key_id); sodium_memzero(&key, sizeof key); }
    if (rc != 0) {
        pal_program_free(p);
        return cli_error("build", "%s", err);   /* the writer names the file */
    }
    char counts[96];
    cli_program_counts(p, counts, sizeof counts);
    fprintf(stderr, "palisade build: %s: %s, revision '%s'%s%s\n", outp, counts,
            pal_program_str(p, p->revision), keypath ? ", signed by key " : "",
            key_id);
    pal_program_free(p);
    return EXIT_OK;
}

static void disasm_usage(FILE *f)
{
    fprintf(f, "usage: palisade disasm BUNDLE|DIR\nShows the bytecode of every rule with its source line.\n");
}

int cmd_disasm(int argc, char **argv)
{
    const char *path = NULL;
    cli_args A;
    cli_args_init(&A, "disasm", argc, argv);
    while (cli_args_next(&A)) {
        if (cli_args_help(&A)) { disasm_usage(stdout); return EXIT_OK; }
        else if (cli_args_is_option(&A)) return cli_args_unknown(&A);
        else if (!path) path = A.arg;
        else return cli_error("disasm", "one bundle or directory at a time (got %s and %s)", path, A.arg);
    }
    if (!path) { disasm_usage(stderr); return cli_error("disasm", "give a bundle or a policy directory"); }
    pal_program *p = cli_load_policy("disasm", path, NULL);
    if (!p) return EXIT_ERROR;
    pal_disasm(p, stdout);
    pal_program_free(p);
    return EXIT_OK;
}

int cmd_version(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "compare")) return cmd_version_compare(argc - 1, argv + 1);
    cli_args A;
    cli_args_init(&A, "version", argc, argv);
    while (cli_args_next(&A)) {
        if (cli_args_help(&A)) {
            printf("usage: palisade version\n       palisade version compare ECOSYSTEM [A B]\nPrints the version, the bundle format version and the digest of the input schema\n"
                   "(bundles built for another schema are refused).\n");
            return EXIT_OK;
        }
        return cli_args_unknown(&A);
    }
    printf("palisade %s (bundle format %u, input schema %016llx)\n", PALISADE_VERSION, (unsigned)PAL_BUNDLE_VERSION,
           (unsigned long long)pal_schema_digest());
    return EXIT_OK;
}

/*
 * policy.h — where a command's rules come from: a bundle, a policy
 * directory or .pal file compiled on the spot, or the built-in defaults;
 * and the revision a policy directory is known by.
 */
#ifndef PAL_CLI_POLICY_H
#define PAL_CLI_POLICY_H
#include <stdbool.h>
#include <stddef.h>
#include "engine/vm/program.h"
#include "engine/vm/bundle.h"

/* The built-in policies ("policies") or checks ("checks"), compiled. */
pal_program *cli_embedded_program(const char *cmd, const char *which);
/* A bundle file, a policy directory or a .pal file; prints errors.  A
   source compiled here records `revision`, or with NULL the revision the
   agent gives it (cli_directory_revision), so eval, scan, build and the
   agent name one directory alike. */
pal_program *cli_load_policy(const char *cmd, const char *path, const char *revision);
/* The same, refusing a bundle that `trusted` did not sign (NULL: any) and a
   directory when a key is given; *sig (may be NULL) gets the signature state. */
pal_program *cli_load_policy_verified(const char *cmd, const char *path, const char *revision,
                                      const pal_pubkey *trusted, pal_bundle_sig *sig);

/* What a program holds, in the words `palisade inspect` uses, so build,
   inspect and the agent count alike: "3 rules, 0 checks, 1 source". */
void cli_program_counts(const pal_program *p, char *out, size_t cap);

/* A regular file that is not a .pal source: read as a bundle. */
bool cli_is_bundle(const char *path);

/* `git describe --always --dirty` for dir inside a git work tree, else "". */
void cli_git_revision(const char *dir, char *out, size_t cap);
/* "src-" and 12 hex digits of the SHA-256 over the program's source list
   (path and digest of every source and feed): names a tree's content. */
void cli_source_revision(const pal_program *p, char *out, size_t cap);
/* The revision a directory compiled on the spot is known by: git describe
   when the tree is clean, else the source revision (after the description
   and a '+' in a dirty tree), so two different trees never share one. */
void cli_directory_revision(const char *dir, const pal_program *p, char *out, size_t cap);
#endif

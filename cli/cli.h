/*
 * cli.h — the `palisade` commands.  Each lives in cli/cmd_<name>.c and
 * returns the process exit code: 0 ok, 1 a policy failed / an event was
 * denied (where the command says so), 2 any error.  Only cli/ prints to the
 * user and exits; the engine and the language return codes and messages.
 */
#ifndef PAL_CLI_H
#define PAL_CLI_H

#include <stdio.h>
#include "engine/base/about.h"

#define EXIT_OK     0
#define EXIT_POLICY 1
#define EXIT_ERROR  2

int cmd_build(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_disasm(int argc, char **argv);
int cmd_inventory(int argc, char **argv);
int cmd_scan(int argc, char **argv);
int cmd_report(int argc, char **argv);    /* cli/cmd_report.c */
int cmd_version(int argc, char **argv);
int cmd_version_compare(int argc, char **argv);  /* cli/cmd_version.c */
int cmd_test(int argc, char **argv);      /* cli/cmd_test.c */
int cmd_fmt(int argc, char **argv);       /* cli/cmd_fmt.c */
int cmd_lint(int argc, char **argv);      /* cli/cmd_lint.c */
int cmd_keygen(int argc, char **argv);    /* cli/cmd_sign.c */
int cmd_inspect(int argc, char **argv);   /* cli/cmd_sign.c */
int cmd_agent(int argc, char **argv);     /* cli/cmd_agent.c */
int cmd_learn(int argc, char **argv);     /* cli/cmd_learn.c */
int cmd_feed(int argc, char **argv);      /* cli/cmd_feed.c */
int cmd_hook(int argc, char **argv);       /* cli/cmd_hook.c */
int cmd_sigma(int argc, char **argv);      /* cli/cmd_sigma.c */

/* Writes what `l` learned into DIR_OR_FILE (a directory gets learned.pal),
   merging into the file when it exists; the added entries go to stderr
   prefixed with "palisade CMD: ".  Returns 0, or -1 with err. */
struct pal_learn;
int cli_learn_write(const char *cmd, struct pal_learn *l, const char *dir_or_file, char *err, size_t errcap);

/* cli/correlate.c: a cap flag's value (1..1e8), reported on error; the
   correlation summary line on stderr. */
#include <stdint.h>
struct pal_seqstate;
int cli_seq_limit(const char *cmd, const char *flag, const char *value, uint32_t *out);
void cli_seq_summary(const char *cmd, const struct pal_seqstate *s);

/* Prints "palisade CMD: message" to stderr (printf-style); returns EXIT_ERROR. */
int cli_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Embedded default content (checks/, policies/), generated at build time. */
typedef struct cli_embedded_file { const char *path; const unsigned char *data; unsigned long len; } cli_embedded_file;
extern const cli_embedded_file cli_embedded_files[];
extern const unsigned long cli_embedded_count;

#endif

/*
 * args.h — what every command does with its arguments, done one way.
 *
 * Options.  Each command walks its arguments with a cli_args and asks, per
 * argument, "is this option X?".  A value option is written `--events FILE`
 * or `--events=FILE`; when its value is missing (the option is last, or the
 * next argument is another `--option`) the parser says so by name —
 * "palisade eval: --events needs a value (a file, or - for stdin)" — instead
 * of the loop falling through to "unexpected argument".  After that error
 * cli_args_next() ends the walk and the command returns EXIT_ERROR.
 *
 *     cli_args A;
 *     cli_args_init(&A, "eval", argc, argv);
 *     while (cli_args_next(&A)) {
 *         if (cli_args_value(&A, "--events", "a file, or - for stdin")) events = A.value;
 *         else if (cli_args_flag(&A, "--strict")) strict = true;
 *         else if (cli_args_help(&A)) { usage(stdout); return EXIT_OK; }
 *         else return cli_args_unknown(&A);
 *     }
 *     if (A.failed) return EXIT_ERROR;
 *
 * Input paths.  A file a command reads is opened through cli_open_input,
 * so a directory, a missing file or a read error is reported the same way
 * everywhere: "palisade CMD: PATH: reason (what to give instead)", exit 2.
 */
#ifndef PAL_CLI_ARGS_H
#define PAL_CLI_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct cli_args {
    const char *cmd;     /* "eval": names the command in messages */
    int argc;
    char **argv;
    int i;               /* argv[i]: the argument being looked at */
    const char *arg;     /* argv[i] */
    const char *value;   /* the value of the option cli_args_value just matched */
    bool failed;         /* an error was reported: the walk is over */
} cli_args;

/* What the options several commands share take, for "needs a value (...)". */
#define CLI_WANT_POLICY       "a policy directory, a bundle or a .pal file"
#define CLI_WANT_EVENTS       "a file, or - for stdin"
#define CLI_WANT_INPUT_FORMAT "auto, ecs, sysmon, evtx-json or falco"
#define CLI_WANT_PUBKEY       "a NAME.pub file from palisade keygen"
#define CLI_WANT_SEVERITY     "low, medium, high or critical"
#define CLI_WANT_VOLUME_MAP   "\\Device\\HarddiskVolumeN=X: entries, separated by commas"

/* argv[0] is the command's own name; the walk starts at argv[1]. */
void cli_args_init(cli_args *a, const char *cmd, int argc, char **argv);
/* The next argument, or NULL at the end or after an error. */
const char *cli_args_next(cli_args *a);
/* The argument is option `name` with a value ("NAME VALUE" or
   "NAME=VALUE"): true, with a->value set.  When the value is missing,
   prints "palisade CMD: NAME needs a value (WHAT)", sets a->failed and
   returns false (cli_args_unknown then adds nothing). */
bool cli_args_value(cli_args *a, const char *name, const char *what);
/* The argument is the flag `name` (no value). */
bool cli_args_flag(const cli_args *a, const char *name);
/* The argument is -h or --help. */
bool cli_args_help(const cli_args *a);
/* The argument starts with '-' (and is not "-", standard input). */
bool cli_args_is_option(const cli_args *a);
/* Reports the argument as an unknown option or an unexpected argument
   (unless an error was reported already); returns EXIT_ERROR. */
int cli_args_unknown(cli_args *a);

/* Opens PATH ("-": standard input) to read it as a stream.  A directory,
   or a path that cannot be opened, is reported as "palisade CMD: PATH:
   reason" with `what` ("a JSON-lines file of events, or - for stdin")
   after a directory's reason; returns the descriptor, or -1. */
int cli_open_input(const char *cmd, const char *path, const char *what);
/* The same as a stdio stream. */
FILE *cli_fopen_input(const char *cmd, const char *path, const char *what);
/* Reports a failed read of PATH (errno e): "palisade CMD: PATH: cannot
   read: reason"; returns EXIT_ERROR. */
int cli_read_error(const char *cmd, const char *path, int e);

/* The shape of an event input, read from its first non-empty line: one
   JSON array (`[`), pretty-printed JSON (a line that is only `{`), or
   anything else. */
typedef enum { CLI_SHAPE_OTHER, CLI_SHAPE_ARRAY, CLI_SHAPE_PRETTY, CLI_SHAPE_EVTX_DUMP } cli_input_shape;
cli_input_shape cli_input_shape_of(const char *line, size_t len);
/* Reports, once, that none of the nlines lines of an event input decoded:
   for an array or pretty-printed JSON, the jq command that makes JSON lines
   of it; else `otherwise` (where the reasons are).  Returns EXIT_ERROR. */
int cli_no_event_decoded(const char *cmd, const char *path, long nlines, cli_input_shape shape, const char *otherwise);

/* --threads N: 1 to PAL_MAX_WORKERS (engine/runtime/workers.h).  Returns
   0, or reports the error and returns -1. */
int cli_threads_value(const char *cmd, const char *text, unsigned *out);
/* The cores this process may run on (at least 1, at most PAL_MAX_WORKERS). */
unsigned cli_cores(void);

#endif

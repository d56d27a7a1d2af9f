/*
 * args.c — option parsing and input paths shared by every command (design
 * in args.h).
 */
#include "cli/args.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli/cli.h"
#include "engine/runtime/workers.h"

void cli_args_init(cli_args *a, const char *cmd, int argc, char **argv)
{
    memset(a, 0, sizeof *a);
    a->cmd = cmd;
    a->argc = argc;
    a->argv = argv;
    a->i = 0;
}

const char *cli_args_next(cli_args *a)
{
    if (a->failed || a->i + 1 >= a->argc) return a->arg = NULL;
    a->value = NULL;
    return a->arg = a->argv[++a->i];
}

bool cli_args_value(cli_args *a, const char *name, const char *what)
{
    if (!a->arg || a->failed) return false;
    size_t n = strlen(name);
    if (strncmp(a->arg, name, n)) return false;
    if (a->arg[n] == '=') {
        a->value = a->arg + n + 1;
        return true;
    }
    if (a->arg[n]) return false;
    /* "--events" last, or followed by another option: the value was left
       out (a value that starts with "--" can be given as --events=--x) */
    const char *next = a->i + 1 < a->argc ? a->argv[a->i + 1] : NULL;
    if (!next || (next[0] == '-' && next[1] == '-' && next[2])) {
        cli_error(a->cmd, "%s needs a value (%s)", name, what);
        a->failed = true;
        return false;
    }
    a->value = next;
    a->i++;
    return true;
}

bool cli_args_flag(const cli_args *a, const char *name)
{
    return a->arg && !a->failed && !strcmp(a->arg, name);
}

bool cli_args_help(const cli_args *a)
{
    return cli_args_flag(a, "-h") || cli_args_flag(a, "--help");
}

bool cli_args_is_option(const cli_args *a)
{
    return a->arg && a->arg[0] == '-' && a->arg[1];
}

int cli_args_unknown(cli_args *a)
{
    if (a->failed || !a->arg) return EXIT_ERROR;
    a->failed = true;
    if (cli_args_is_option(a))
        return cli_error(a->cmd, "unknown option '%s' (see palisade %s --help)", a->arg, a->cmd);
    return cli_error(a->cmd, "unexpected argument '%s' (see palisade %s --help)", a->arg, a->cmd);
}

int cli_open_input(const char *cmd, const char *path, const char *what)
{
    if (!strcmp(path, "-")) return STDIN_FILENO;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        cli_error(cmd, "%s: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        cli_error(cmd, "%s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    if (S_ISDIR(st.st_mode)) {
        cli_error(cmd, "%s: is a directory (give %s)", path, what);
        close(fd);
        return -1;
    }
    return fd;
}

FILE *cli_fopen_input(const char *cmd, const char *path, const char *what)
{
    int fd = cli_open_input(cmd, path, what);
    if (fd < 0) return NULL;
    if (fd == STDIN_FILENO) return stdin;
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        cli_error(cmd, "%s: %s", path, strerror(errno));
        close(fd);
    }
    return f;
}

int cli_read_error(const char *cmd, const char *path, int e)
{
    return cli_error(cmd, "%s: cannot read: %s", !strcmp(path, "-") ? "standard input" : path,
                     e ? strerror(e) : "read error");
}

cli_input_shape cli_input_shape_of(const char *line, size_t len)
{
    size_t b = 0, e = len;
    if (e >= 3 && !memcmp(line, "\xEF\xBB\xBF", 3)) b = 3;   /* a UTF-8 byte order mark */
    while (b < e && (line[b] == ' ' || line[b] == '\t' || line[b] == '\r')) b++;
    /* a line as fgets gives it (learn) still ends in its newline */
    while (e > b && (line[e - 1] == ' ' || line[e - 1] == '\t' || line[e - 1] == '\r' || line[e - 1] == '\n')) e--;
    if (b < e && line[b] == '[') return CLI_SHAPE_ARRAY;
    if (e - b == 1 && line[b] == '{') return CLI_SHAPE_PRETTY;
    /* evtx_dump's default output: "Record 1234", then the record pretty-printed */
    if (e - b > 7 && !memcmp(line + b, "Record ", 7)) {
        size_t i = b + 7;
        while (i < e && line[i] >= '0' && line[i] <= '9') i++;
        if (i == e) return CLI_SHAPE_EVTX_DUMP;
    }
    return CLI_SHAPE_OTHER;
}

int cli_no_event_decoded(const char *cmd, const char *path, long nlines, cli_input_shape shape, const char *otherwise)
{
    bool in = !strcmp(path, "-");
    char none[64];
    if (nlines == 1) snprintf(none, sizeof none, "its only line is not an event");
    else snprintf(none, sizeof none, "none of its %ld lines is an event", nlines);
    const char *name = in ? "standard input" : path;
    if (shape == CLI_SHAPE_OTHER) return cli_error(cmd, "%s: %s (%s)", name, none, otherwise);
    if (shape == CLI_SHAPE_EVTX_DUMP)
        return cli_error(cmd, "%s: %s: it is evtx_dump's default output (pretty-printed records), and palisade "
                         "reads JSON lines (one event object per line); write it with evtx_dump -o jsonl (read it "
                         "with --input-format evtx-json, or let each line be recognised)", name, none);
    const char *what = shape == CLI_SHAPE_ARRAY ? "a JSON array" : "pretty-printed JSON";
    const char *jq = shape == CLI_SHAPE_ARRAY ? "jq -c '.[]'" : "jq -c .";
    if (in)
        return cli_error(cmd, "%s: %s: it is %s, and palisade reads JSON lines (one event object per line); "
                         "pipe it through %s", name, none, what, jq);
    return cli_error(cmd, "%s: %s: it is %s, and palisade reads JSON lines (one event object per line); "
                     "convert it with %s %s > events.jsonl", name, none, what, jq, path);
}

int cli_threads_value(const char *cmd, const char *text, unsigned *out)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno || end == text || *end || v < 1 || v > PAL_MAX_WORKERS) {
        cli_error(cmd, "--threads takes a number of threads, 1 to %d, not '%s'", PAL_MAX_WORKERS, text);
        return -1;
    }
    *out = (unsigned)v;
    return 0;
}

unsigned cli_cores(void)
{
    cpu_set_t set;
    long n = 0;
    if (sched_getaffinity(0, sizeof set, &set) == 0) n = CPU_COUNT(&set);
    if (n < 1) n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1) n = 1;
    return n > PAL_MAX_WORKERS ? PAL_MAX_WORKERS : (unsigned)n;
}

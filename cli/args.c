/*
 * args.c — option parsing and input paths shared by every command (design
 * in args.h).
 */
#include "cli/args.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli/cli.h"

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

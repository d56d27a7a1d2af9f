/*
 * main.c — `palisade COMMAND [ARGS]`: dispatch to cli/cmd_*.c.
 */
#include "cli/cli.h"
#include <stdarg.h>
#include <string.h>

int cli_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "palisade %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return EXIT_ERROR;
}

static const struct command {
    const char *name;
    int (*run)(int, char **);
    const char *help;
} commands[] = {
    {"scan", cmd_scan, "scan IMAGE.tar: compliance checks on an image (docker save / OCI)"},
    {"inventory", cmd_inventory, "inventory IMAGE.tar: print what an image holds, as JSON"},
    {"eval", cmd_eval, "eval --policy DIR|BUNDLE --events FILE|- : decide every event"},
    {"agent", cmd_agent, "agent --policy DIR|BUNDLE: decide a live event stream, reloading rules"},
    {"learn", cmd_learn, "learn --events FILE|-: write runtime and firewall policy from behaviour"},
    {"test", cmd_test, "test [DIR]: run the test blocks of a policy repo"},
    {"fmt", cmd_fmt, "fmt [-w|-l|-d] [PATHS]: format policy source"},
    {"lint", cmd_lint, "lint [DIR]: find mistakes in policy source"},
    {"build", cmd_build, "build DIR -o BUNDLE: compile a policy repo into a bundle"},
    {"disasm", cmd_disasm, "disasm BUNDLE: show the bytecode rule by rule"},
    {"inspect", cmd_inspect, "inspect BUNDLE: manifest, rules, checks and signature of a bundle"},
    {"keygen", cmd_keygen, "keygen -o NAME: make an ed25519 key pair for signing bundles"},
    {"feed", cmd_feed, "feed check|convert-msrc|match ...: vulnerability feed tools"},
    {"version", cmd_version, "version: print the version"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: palisade COMMAND [ARGS]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
    fprintf(f, "\nexit codes: 0 ok, 1 policy failure or denied event, 2 error\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) { usage(stderr); return EXIT_ERROR; }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return EXIT_OK;
    }
    if (!strcmp(argv[1], "--version")) return cmd_version(argc - 1, argv + 1);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "palisade: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return EXIT_ERROR;
}


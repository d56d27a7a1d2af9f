/*
 * main.c — `palisade COMMAND [ARGS]`: dispatch to cli/cmd_*.c, and
 * `palisade help [COMMAND]`.
 */
#include "cli/cli.h"
#include "cli/agent.h"
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
    {"scan", cmd_scan, "scan IMAGE.tar...: compliance checks on images (docker save / OCI)"},
    {"report", cmd_report, "report SCAN.json... -o report.html: saved scan reports as one HTML page"},
    {"inventory", cmd_inventory, "inventory IMAGE.tar: print what an image holds, as JSON"},
    {"eval", cmd_eval, "eval --policy DIR|BUNDLE --events FILE|- : decide every event"},
    {"hook", cmd_hook, "hook [STAGE]: OCI runtime hook, registers a container with `agent --enforce`"},
    {"agent", cmd_agent, "agent --policy DIR|BUNDLE: decide a live event stream, reloading rules"},
    {"learn", cmd_learn, "learn --events FILE|-: write runtime and firewall policy from behaviour"},
    {"test", cmd_test, "test [DIR]: run the test blocks of a policy repo"},
    {"fmt", cmd_fmt, "fmt [-w|-l|-d] [PATHS]: format policy source"},
    {"lint", cmd_lint, "lint [DIR]: find mistakes in policy source"},
    {"build", cmd_build, "build DIR -o BUNDLE: compile a policy repo into a bundle"},
    {"disasm", cmd_disasm, "disasm BUNDLE: show the bytecode rule by rule"},
    {"inspect", cmd_inspect, "inspect BUNDLE: manifest, rules, checks and signature of a bundle"},
    {"keygen", cmd_keygen, "keygen -o NAME: make an ed25519 key pair for signing bundles"},
    {"sigma", cmd_sigma, "sigma convert RULES... -o DIR: Sigma rules into palisade rules"},
    {"feed", cmd_feed, "feed check|convert-msrc|match ...: vulnerability feed tools"},
    {"version", cmd_version, "version [compare ECOSYSTEM [A B]]: print the version, or order two versions"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: palisade COMMAND [ARGS]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
    fprintf(f, "\n`palisade help COMMAND` (or `palisade COMMAND --help`) shows a command's options.\n"
               "exit codes: 0 ok, 1 policy failure or denied event, 2 error\n");
}

static const struct command *find_command(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(name, commands[i].name)) return &commands[i];
    return NULL;
}

/* `palisade help CMD [SUB]` is `palisade CMD [SUB] --help`: each command
   prints its own usage, so there is one text per command to keep right. */
static int help(int argc, char **argv)
{
    if (argc < 3) { usage(stdout); return EXIT_OK; }
    const struct command *c = find_command(argv[2]);
    if (!c) {
        fprintf(stderr, "palisade help: unknown command '%s'\n", argv[2]);
        usage(stderr);
        return EXIT_ERROR;
    }
    char *args[8];
    int n = 0;
    for (int i = 2; i < argc && n < 6; i++) args[n++] = argv[i];
    args[n++] = "--help";
    args[n] = NULL;
    return c->run(n, args);
}

int main(int argc, char **argv)
{
    if (argc < 2) { usage(stderr); return EXIT_ERROR; }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        usage(stdout);
        return EXIT_OK;
    }
    if (!strcmp(argv[1], "help")) return help(argc, argv);
    if (!strcmp(argv[1], "--version")) return cmd_version(1, argv + 1);
    if (!strcmp(argv[1], "__reload-child")) return agent_reload_child(argc - 1, argv + 1);   /* agent_reload.c */
    const struct command *c = find_command(argv[1]);
    if (c) return c->run(argc - 1, argv + 1);
    fprintf(stderr, "palisade: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return EXIT_ERROR;
}


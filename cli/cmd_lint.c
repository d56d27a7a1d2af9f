/*
 * cmd_lint.c — placeholder until the command lands (see cli/cli.h).
 */
#include "cli.h"

int cmd_lint(int argc, char **argv)
{
    (void)argc; (void)argv;
    return cli_error("lint", "not built yet");
}


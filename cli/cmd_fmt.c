/*
 * cmd_fmt.c — placeholder until the command lands (see cli/cli.h).
 */
#include "cli.h"

int cmd_fmt(int argc, char **argv)
{
    (void)argc; (void)argv;
    return cli_error("fmt", "not built yet");
}


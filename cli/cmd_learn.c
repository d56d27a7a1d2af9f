/*
 * cmd_learn.c — placeholder until the command lands (see cli/cli.h).
 */
#include "cli.h"

int cmd_learn(int argc, char **argv)
{
    (void)argc; (void)argv;
    return cli_error("learn", "not built yet");
}


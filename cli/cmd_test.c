/*
 * cmd_test.c — placeholder until the command lands (see cli/cli.h).
 */
#include "cli.h"

int cmd_test(int argc, char **argv)
{
    (void)argc; (void)argv;
    return cli_error("test", "not built yet");
}


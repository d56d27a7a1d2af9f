/*
 * cmd_sign.c — placeholder until the command lands (see cli/cli.h).
 */
#include "cli.h"

int cmd_keygen(int argc, char **argv)
{
    (void)argc; (void)argv;
    return cli_error("keygen", "not built yet");
}

int cmd_inspect(int argc, char **argv)
{
    (void)argc; (void)argv;
    return cli_error("inspect", "not built yet");
}


/*
 * cmd_agent.c — placeholder until the command lands (see cli/cli.h).
 */
#include "cli.h"

int cmd_agent(int argc, char **argv)
{
    (void)argc; (void)argv;
    return cli_error("agent", "not built yet");
}


/*
 * cmd_feed.c — placeholder until the command lands (see cli/cli.h).
 */
#include "cli.h"

int cmd_feed(int argc, char **argv)
{
    (void)argc; (void)argv;
    return cli_error("feed", "not built yet");
}


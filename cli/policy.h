#ifndef PAL_CLI_POLICY_H
#define PAL_CLI_POLICY_H
#include "engine/program.h"
/* The built-in policies ("policies") or checks ("checks"), compiled. */
pal_program *cli_embedded_program(const char *cmd, const char *which);
/* A bundle file, a policy directory or a .pal file; prints errors. */
pal_program *cli_load_policy(const char *cmd, const char *path, const char *revision);
#endif

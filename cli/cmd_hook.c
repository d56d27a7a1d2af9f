/*
 * cmd_hook.c — `palisade hook`: an OCI runtime hook that tells the agent
 * about a container (engine/enforce/ctl.h).
 *
 *   palisade hook [--control PATH] [--timeout MS] [--fail-closed] [--image NAME] [STAGE]
 *
 * The runtime runs it with the container's state on standard input.  At
 * createRuntime (also createContainer, startContainer, prestart,
 * poststart) it registers the container and waits until the agent says
 * its enforcement is in place; at poststop it unregisters it.  When the
 * agent does not answer within the timeout the hook fails open (exit 0,
 * the container starts unenforced, a warning on stderr) unless
 * --fail-closed (exit 1: the runtime refuses to start the container).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "engine/base/fileio.h"
#include "engine/enforce/ctl.h"
#include "engine/enforce/oci.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: palisade hook [--control PATH] [--timeout MS] [--fail-closed] [--image NAME] [STAGE]\n"
               "An OCI runtime hook: reads the container's state on standard input and registers the container\n"
               "with `palisade agent --enforce` (STAGE createRuntime, the default) or unregisters it (poststop).\n"
               "  --control PATH   the agent's control socket (/run/palisade/control.sock)\n"
               "  --timeout MS     how long to wait for the agent (default 5000)\n"
               "  --fail-closed    when the agent does not answer, fail (the container does not start);\n"
               "                   by default the hook warns and lets it start unenforced\n"
               "  --image NAME     the image name, when no annotation gives it\n");
}

int cmd_hook(int argc, char **argv)
{
    const char *control = "/run/palisade/control.sock", *image = NULL, *stage = "createRuntime";
    int timeout = 5000;
    bool fail_closed = false;
    cli_args A;
    cli_args_init(&A, "hook", argc, argv);
    while (cli_args_next(&A)) {
        if (cli_args_value(&A, "--control", "the agent's control socket")) control = A.value;
        else if (cli_args_value(&A, "--image", "an image name")) image = A.value;
        else if (cli_args_value(&A, "--timeout", "milliseconds, 1 to 600000")) {
            char *end;
            long v = strtol(A.value, &end, 10);
            if (*end || v < 1 || v > 600000) return cli_error("hook", "--timeout takes milliseconds, 1 to 600000");
            timeout = (int)v;
        } else if (cli_args_flag(&A, "--fail-closed")) fail_closed = true;
        else if (cli_args_help(&A)) { usage(stdout); return EXIT_OK; }
        else if (A.arg[0] != '-') stage = A.arg;
        else return cli_args_unknown(&A);
    }
    if (A.failed) return EXIT_ERROR;
    bool reg;
    if (!strcmp(stage, "poststop")) reg = false;
    else if (!strcmp(stage, "createRuntime") || !strcmp(stage, "createContainer") || !strcmp(stage, "startContainer") ||
             !strcmp(stage, "prestart") || !strcmp(stage, "poststart")) reg = true;
    else return cli_error("hook", "unknown stage '%s' (createRuntime, poststart or poststop)", stage);

    char *text = NULL;
    size_t len = 0;
    char err[2048];
    if (pal_read_fd(STDIN_FILENO, "standard input", PAL_OCI_MAX_DOC, &text, &len, err, sizeof err) != 0)
        return cli_error("hook", "%s", err);
    pal_ctl_request rq;
    memset(&rq, 0, sizeof rq);
    int rc = pal_oci_state_parse(text, len, &rq.c, err, sizeof err);
    free(text);
    if (rc) return cli_error("hook", "%s", err);
    rq.op = reg ? PAL_CTL_REGISTER : PAL_CTL_UNREGISTER;
    if (reg) {
        if (pal_oci_config_load(&rq.c, err, sizeof err) != 0) return cli_error("hook", "%s", err);
        if (image && !rq.c.image[0]) snprintf(rq.c.image, sizeof rq.c.image, "%s", image);
    }
    rc = pal_ctl_call(control, &rq, timeout, err, sizeof err);
    if (rc == 0) return EXIT_OK;
    if (rc > 0) {
        fprintf(stderr, "palisade hook: container %s: the agent refused it: %s\n", rq.c.id, err);
        return reg ? EXIT_ERROR : EXIT_OK;
    }
    if (!reg) return EXIT_OK;   /* nothing to undo: the agent also sees the init exit */
    fprintf(stderr, "palisade hook: container %s: %s; %s\n", rq.c.id, err,
            fail_closed ? "--fail-closed: the container does not start" : "it starts without enforcement (fail-open)");
    return fail_closed ? EXIT_ERROR : EXIT_OK;
}

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
 * the container starts unenforced, a warning) unless --fail-closed (exit 1:
 * the runtime refuses to start the container).
 *
 * Where the warning goes.  runc runs a hook with its stdout and stderr
 * captured, and shows them only in the error it returns when the hook
 * fails (libcontainer/configs: Command.Run); from a hook that succeeds —
 * a fail-open — they are dropped, so a warning on stderr alone would never
 * be seen.  So every warning and error of the hook also goes to syslog
 * (daemon facility, ident palisade-hook: `journalctl -t palisade-hook` on
 * a systemd host, /var/log/syslog or messages elsewhere), which needs no
 * configuration, and with --log FILE is appended to FILE as one line with
 * its time, for hosts where nobody reads syslog.  stderr keeps it too, for
 * a hook run by hand and for runc's error when the hook fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "engine/base/fileio.h"
#include "engine/enforce/ctl.h"
#include "engine/enforce/oci.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: palisade hook [--control PATH] [--timeout MS] [--fail-closed] [--image NAME] [--log FILE] [STAGE]\n"
               "An OCI runtime hook: reads the container's state on standard input and registers the container\n"
               "with `palisade agent --enforce` (STAGE createRuntime, the default) or unregisters it (poststop).\n"
               "  --control PATH   the agent's control socket (/run/palisade/control.sock)\n"
               "  --timeout MS     how long to wait for the agent (default 5000)\n"
               "  --fail-closed    when the agent does not answer, fail (the container does not start);\n"
               "                   by default the hook warns and lets it start unenforced\n"
               "  --image NAME     the image name, when no annotation gives it\n"
               "  --log FILE       also append each warning and error to FILE, a line each with its time\n"
               "Warnings and errors go to syslog too (daemon, ident palisade-hook; `journalctl -t\n"
               "palisade-hook`): runc drops the output of a hook that succeeds, so a fail-open's\n"
               "warning on stderr alone would never be seen.\n");
}

/* One warning or error of the hook, everywhere an operator may look
   (see the top): stderr, syslog, and --log's file. */
static void hook_report(const char *log, int priority, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void hook_report(const char *log, int priority, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    for (char *p = msg; *p; p++)
        if ((unsigned char)*p < 0x20) *p = ' ';   /* one line, whatever a container id held */
    fprintf(stderr, "palisade hook: %s\n", msg);
    openlog("palisade-hook", LOG_PID, LOG_DAEMON);
    syslog(priority, "%s", msg);
    if (!log) { closelog(); return; }
    /* appended in one write (O_APPEND: lines of hooks running at once do not mix); not
       through a link, and only to a regular file — O_NONBLOCK so that a FIFO (or a device)
       named by mistake fails or is refused at once instead of holding the container's start
       while open waits for a reader (no effect on a regular file's writes) */
    int fd = open(log, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0640);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        const char *why = fd >= 0 || errno == ENXIO ? "not a regular file: name a file to append to" : strerror(errno);
        syslog(LOG_ERR, "--log %s: %s", log, why);
        fprintf(stderr, "palisade hook: --log %s: %s\n", log, why);
        if (fd >= 0) close(fd);
        closelog();
        return;
    }
    char when[32] = "";
    time_t t = time(NULL);
    struct tm tm;
    if (gmtime_r(&t, &tm)) strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    char line[2200];
    int n = snprintf(line, sizeof line, "%s palisade hook: %s\n", when, msg);
    if (n > 0 && write(fd, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1) < 0)
        syslog(LOG_ERR, "--log %s: %s", log, strerror(errno));
    close(fd);
    closelog();
}

int cmd_hook(int argc, char **argv)
{
    const char *control = "/run/palisade/control.sock", *image = NULL, *stage = "createRuntime", *log = NULL;
    int timeout = 5000;
    bool fail_closed = false;
    cli_args A;
    cli_args_init(&A, "hook", argc, argv);
    while (cli_args_next(&A)) {
        if (cli_args_value(&A, "--control", "the agent's control socket")) control = A.value;
        else if (cli_args_value(&A, "--image", "an image name")) image = A.value;
        else if (cli_args_value(&A, "--log", "a file to append warnings to")) log = A.value;
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
    if (pal_read_fd(STDIN_FILENO, "standard input", PAL_OCI_MAX_DOC, &text, &len, err, sizeof err) != 0) {
        hook_report(log, LOG_ERR, "%s", err);
        return EXIT_ERROR;
    }
    pal_ctl_request rq;
    memset(&rq, 0, sizeof rq);
    int rc = pal_oci_state_parse(text, len, &rq.c, err, sizeof err);
    free(text);
    if (rc) { hook_report(log, LOG_ERR, "%s", err); return EXIT_ERROR; }
    rq.op = reg ? PAL_CTL_REGISTER : PAL_CTL_UNREGISTER;
    if (reg) {
        if (pal_oci_config_load(&rq.c, err, sizeof err) != 0) {
            hook_report(log, LOG_ERR, "container %s: %s", rq.c.id, err);
            return EXIT_ERROR;
        }
        if (image && !rq.c.image[0]) snprintf(rq.c.image, sizeof rq.c.image, "%s", image);
    }
    rc = pal_ctl_call(control, &rq, timeout, err, sizeof err);
    if (rc == 0) return EXIT_OK;
    if (rc > 0) {
        hook_report(log, reg ? LOG_ERR : LOG_WARNING, "container %s: the agent refused it: %s", rq.c.id, err);
        return reg ? EXIT_ERROR : EXIT_OK;
    }
    if (!reg) return EXIT_OK;   /* nothing to undo: the agent also sees the init exit */
    hook_report(log, fail_closed ? LOG_ERR : LOG_WARNING, "container %s: %s; %s", rq.c.id, err,
                fail_closed ? "--fail-closed: the container does not start" : "it starts without enforcement (fail-open)");
    return fail_closed ? EXIT_ERROR : EXIT_OK;
}

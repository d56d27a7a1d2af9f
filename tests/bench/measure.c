/*
 * measure.c — run one command and report what it cost, for the bench
 * scripts: `measure CMD ARGS...` prints
 *
 *     USER_S SYS_S WALL_S MAXRSS_KB EXIT
 *
 * to the file $MEASURE_OUT names (standard error when unset), so the
 * command's own standard input, output and error stay the caller's to
 * redirect.  The times come from wait4()'s
 * rusage, in microseconds: `/usr/bin/time` rounds CPU time to 10 ms, too
 * coarse for a floor that takes a few hundred.  EXIT is the command's exit
 * status, or 128 + the signal that ended it; measure's own exit status is
 * 0 once the command ran, 127 when it could not be started.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: measure CMD [ARGS...]  (figures to $MEASURE_OUT or standard error)\n");
        return 2;
    }
    const char *outpath = getenv("MEASURE_OUT");
    double t0 = now_s();
    pid_t pid = fork();
    if (pid < 0) { perror("measure: fork"); return 127; }
    if (pid == 0) {
        execvp(argv[1], argv + 1);
        fprintf(stderr, "measure: %s: %s\n", argv[1], strerror(errno));
        _exit(127);
    }
    int status;
    struct rusage ru;
    while (wait4(pid, &status, 0, &ru) < 0)
        if (errno != EINTR) { perror("measure: wait4"); return 127; }
    double wall = now_s() - t0;
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    FILE *out = outpath ? fopen(outpath, "w") : stderr;
    if (!out) { fprintf(stderr, "measure: %s: %s\n", outpath, strerror(errno)); return 127; }
    fprintf(out, "%.6f %.6f %.6f %ld %d\n", (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6,
            (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6, wall, ru.ru_maxrss, code);
    if (out != stderr) fclose(out);
    return code == 127 ? 127 : 0;
}

/*
 * fuzz_exceptions.c — exceptions files (`palisade scan --exceptions`,
 * engine/scan/exceptions.c) and the matching of findings against them.
 *
 * The input is the file, read from a memory file through /proc/self/fd, the
 * path a real one takes (the size cap, the shared YAML reader).  A failure
 * must name the file; a file that loads is matched with findings built from
 * its own entries (each id, on images named by the entries' image strings,
 * about elements and in messages that are the entries' path strings and
 * their reasons), so fuzzed globs meet subjects they nearly match, on
 * Linux and Windows path rules.  What must hold: every entry has an id and
 * a reason, an expiry is a real date, and a match is an entry with the
 * finding's id.
 *
 * Build: `make fuzz`; or without libFuzzer, as a replayer of files and
 * corpora (tests/fuzz/replay.h): `make fuzz-replay`.
 */
#include "engine/scan/exceptions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "tests/fuzz/replay.h"

#define FUZZ_TODAY 20000L          /* 2024-10-04 */
#define FUZZ_MAX_PROBES 16u        /* entries used as findings: bounded work per input */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fd = memfd_create("fuzz_exceptions", 0);
    if (fd < 0) return 0;
    if (size && write(fd, data, size) != (ssize_t)size) { close(fd); return 0; }
    char path[64], err[1024];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    memset(err, 0, sizeof err);

    pal_exceptions x;
    if (pal_exceptions_load(&x, path, FUZZ_TODAY, err, sizeof err) != 0) {
        if (strncmp(err, path, strlen(path)) != 0) abort();   /* every error names the file */
        close(fd);
        return 0;
    }
    for (unsigned i = 0; i < x.n; i++) {
        const pal_exception *e = &x.e[i];
        if (!e->id || !e->reason || e->line < 1) abort();
        if (e->expires && (e->expires_day < 0 || e->expired != (FUZZ_TODAY > e->expires_day))) abort();
    }
    unsigned probes = x.n < FUZZ_MAX_PROBES ? x.n : FUZZ_MAX_PROBES;
    for (unsigned i = 0; i < probes; i++) {
        const pal_exception *e = &x.e[i], *o = &x.e[(i + 1) % x.n];
        const char *names[3] = {e->image, o->image, "registry.example.com/app:1.0"};
        const char *element = o->path ? o->path : e->path;
        for (int windows = 0; windows < 2; windows++) {
            pal_exception *m = pal_exceptions_match(&x, e->id, names, 3, element, o->reason, windows);
            if (m && (m < x.e || m >= x.e + x.n || strcmp(m->id, e->id) != 0)) abort();
            m = pal_exceptions_match(&x, e->id, NULL, 0, NULL, NULL, windows);
            if (m && (m->image || m->path)) abort();   /* no subject: only an unconditional entry */
        }
    }
    pal_exceptions_free(&x);
    close(fd);
    return 0;
}

/*
 * agent_state.c — `palisade agent --state FILE`: the correlation state
 * (engine/runtime/seq.h) written when the agent stops and read back when
 * it starts, so a restart does not forget a chain half seen.
 *
 * The file is checked at start before anything is decided: a file that
 * is not there yet is the first run (its directory must be writable, or
 * the state could not be written at the end — said now, not at SIGTERM);
 * a file that does not verify stops the start, naming the file, the place
 * and what to do, like a bundle that does not verify.  The event count
 * goes with the state: the members of a partial match are named by it, so
 * numbering goes on from where the last run stopped.  The file holds
 * captured field values of events, so it is written 0600, atomically.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/agent.h"
#include "engine/base/err.h"
#include "engine/base/fileio.h"
#include "engine/base/limits.h"
#include "engine/runtime/seq.h"

int agent_state_load(const char *path, const pal_program *p, const pal_seq_limits *lim, pal_seqstate **out, uint64_t *events,
                     char *err, size_t cap)
{
    *out = NULL;
    *events = 0;
    struct stat st;
    if (stat(path, &st) != 0) {
        if (errno != ENOENT) return pal_set_err(err, cap, "--state %s: %s", path, strerror(errno));
        /* the first run: the file is made at the end, beside where it goes */
        char *dir = strdup(path);
        if (!dir) return pal_set_err(err, cap, "out of memory");
        char *slash = strrchr(dir, '/');
        const char *d = slash ? (slash == dir ? "/" : (*slash = 0, dir)) : ".";
        int ok = access(d, W_OK | X_OK);
        int e = errno;
        if (ok != 0) {
            pal_set_err(err, cap, "--state %s: cannot write in %s (%s): the state is written there when the agent stops",
                        path, d, strerror(e));
            free(dir);
            return -1;
        }
        free(dir);
        fprintf(stderr, "palisade agent: --state %s: not there yet: starting with no partial matches; it is written when the agent stops\n",
                path);
        return 0;
    }
    char *buf;
    size_t len;
    char why[512];
    int rc = pal_read_file(path, PAL_MAX_STATE_BYTES, &buf, &len, why, sizeof why);
    if (rc == PAL_READ_TOO_LARGE)
        return pal_set_err(err, cap, "--state %s: larger than the %u-byte limit of a state file: it is not one the agent wrote; "
                           "remove it to start with no partial matches", path, PAL_MAX_STATE_BYTES);
    if (rc != PAL_READ_OK) return pal_set_err(err, cap, "--state %s", why);
    pal_seqstate *s;
    char rerr[768];
    rc = pal_seqstate_read((const unsigned char *)buf, len, path, p, lim, &s, events, rerr, sizeof rerr);
    free(buf);
    if (rc != 0) return pal_set_err(err, cap, "--state %s", rerr);
    pal_seq_stats ss;
    pal_seqstate_stats(s, &ss);
    fprintf(stderr,
            "palisade agent: --state %s: %" PRIu64 " partial matches read, %" PRIu64
            " dropped (their correlations changed or are gone), %" PRIu64 " evicted by the caps; events counted from %" PRIu64 "\n",
            path, ss.live, ss.dropped, ss.evicted_rule + ss.evicted_total, *events);
    if (p->nseqs) *out = s;
    else pal_seqstate_free(s);
    return 0;
}

int agent_state_save(const char *path, const pal_seqstate *s, uint64_t events, char *err, size_t cap)
{
    unsigned char *buf;
    size_t len;
    uint64_t omitted;
    if (pal_seqstate_write(s, events, &buf, &len, &omitted) != 0)
        return pal_set_err(err, cap, "--state %s: out of memory writing the state; the partial matches are lost", path);
    char why[512];
    int rc = pal_write_file_atomic(path, buf, len, 0600, why, sizeof why);
    free(buf);
    if (rc != 0) return pal_set_err(err, cap, "--state %s; the partial matches are lost", why);
    pal_seq_stats st = {0};
    if (s) pal_seqstate_stats(s, &st);
    fprintf(stderr, "palisade agent: --state %s: %" PRIu64 " partial matches written (%zu bytes)", path, st.live - omitted, len);
    if (omitted) fprintf(stderr, "; the %" PRIu64 " oldest left out, past the %u-byte limit", omitted, PAL_MAX_STATE_BYTES);
    fprintf(stderr, "\n");
    return 0;
}

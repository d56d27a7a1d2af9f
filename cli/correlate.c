/*
 * correlate.c — what eval and agent share about correlation state: the cap
 * flags (--state-max, --state-max-rule) and the summary line.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include "cli/cli.h"
#include "engine/runtime/seq.h"

int cli_seq_limit(const char *cmd, const char *flag, const char *value, uint32_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(value, &end, 10);
    if (errno || *end || end == value || v < 1 || v > 100000000ull) {
        cli_error(cmd, "%s: '%s' is not a number of partial matches from 1 to 100000000", flag, value);
        return -1;
    }
    *out = (uint32_t)v;
    return 0;
}

void cli_seq_summary(const char *cmd, const pal_seqstate *s)
{
    pal_seq_stats st;
    pal_seqstate_stats(s, &st);
    fprintf(stderr,
            "palisade %s: correlations: %" PRIu64 " matched, %" PRIu64 " partial matches live (%" PRIu64
            " bytes), %" PRIu64 " evicted (%" PRIu64 " by a rule's cap, %" PRIu64 " by the global cap), %" PRIu64
            " expired, %" PRIu64 " late events\n",
            cmd, st.completed, st.live, st.bytes, st.evicted_rule + st.evicted_total, st.evicted_rule, st.evicted_total,
            st.expired, st.late);
}

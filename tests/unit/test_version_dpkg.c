/*
 * test_version_dpkg.c — pal_ver_cmp(PAL_VER_DPKG) against dpkg itself.
 *
 * The versions are the real ones on this machine: every Packages index apt
 * has downloaded (read through apt-helper, which undoes their compression)
 * and /var/lib/dpkg/status, or `apt-cache dumpavail` when those give too
 * few.  Pairs are chosen to be hard rather than random: versions of the
 * same package (security updates: 1.2-3 vs 1.2-3+deb12u1), versions with
 * the same upstream part (epochs and revisions decide), neighbours in byte
 * order (near-identical strings), then random pairs to fill up.
 *
 * dpkg has no batch mode, so each pair costs one exec.  We ask dpkg only
 * the relation we computed (`dpkg --compare-versions a lt b` when we say
 * a < b): the three relations exclude each other, so "true" means full
 * agreement and one exec per pair suffices.  The execs run JOBS at a time
 * through posix_spawn (two per core), with LC_ALL=C so dpkg skips loading
 * locale files.  An exec is the whole cost (about 7 ms of CPU each on the
 * development VM, 10,000 of them take ~35 s on two idle cores), hence
 * exactly MIN_PAIRS pairs.  Fewer than MIN_PAIRS pairs is a failure that
 * says why.
 */
#include "unit.h"
#include "engine/core/version.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MIN_PAIRS 10000
#define TARGET_PAIRS MIN_PAIRS
#define MAX_JOBS 8

typedef struct { char *pkg, *ver; } entry;
typedef struct { const char *a, *b; int kind; } pair;

enum { K_PACKAGE, K_UPSTREAM, K_NEIGHBOUR, K_RANDOM, K_KINDS };
static const char *kind_name[K_KINDS] = {"same package", "same upstream", "byte-order neighbours", "random"};

static entry *entries;
static size_t nentries, cap_entries;

static void add_entry(const char *pkg, const char *ver)
{
    if (nentries == cap_entries) {
        cap_entries = cap_entries ? cap_entries * 2 : 4096;
        entries = realloc(entries, cap_entries * sizeof *entries);
        if (!entries) { perror("realloc"); exit(2); }
    }
    entries[nentries].pkg = strdup(pkg);
    entries[nentries].ver = strdup(ver);
    nentries++;
}

/* Reads "Package:" / "Version:" stanzas from a command's output. */
static size_t read_versions(const char *cmd)
{
    FILE *f = popen(cmd, "r");
    if (!f)
        return 0;
    char *line = NULL, pkg[512] = "";
    size_t cap = 0, before = nentries;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) > 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = 0;
        if (strncmp(line, "Package: ", 9) == 0)
            snprintf(pkg, sizeof pkg, "%s", line + 9);
        else if (strncmp(line, "Version: ", 9) == 0 && pkg[0])
            add_entry(pkg, line + 9);
    }
    free(line);
    pclose(f);
    return nentries - before;
}

static int cmp_entry(const void *x, const void *y)
{
    const entry *a = x, *b = y;
    int r = strcmp(a->pkg, b->pkg);
    return r ? r : strcmp(a->ver, b->ver);
}

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* The upstream part: without "epoch:" and "-revision". */
static size_t upstream_of(const char *v, const char **start)
{
    const char *c = strchr(v, ':');
    const char *s = c ? c + 1 : v;
    const char *h = strrchr(s, '-');
    *start = s;
    return h ? (size_t)(h - s) : strlen(s);
}

typedef struct { const char *v; const char *up; size_t uplen; } upkey;
static int cmp_upkey(const void *x, const void *y)
{
    const upkey *a = x, *b = y;
    size_t n = a->uplen < b->uplen ? a->uplen : b->uplen;
    int r = memcmp(a->up, b->up, n);
    if (r) return r;
    if (a->uplen != b->uplen) return a->uplen < b->uplen ? -1 : 1;
    return strcmp(a->v, b->v);
}

static pair *pairs;
static size_t npairs, cap_pairs;

static void add_pair(const char *a, const char *b, int kind)
{
    if (strcmp(a, b) == 0)
        return;
    if (strcmp(a, b) > 0) { const char *t = a; a = b; b = t; }
    if (npairs == cap_pairs) {
        cap_pairs = cap_pairs ? cap_pairs * 2 : 8192;
        pairs = realloc(pairs, cap_pairs * sizeof *pairs);
        if (!pairs) { perror("realloc"); exit(2); }
    }
    pairs[npairs++] = (pair){a, b, kind};
}

static int cmp_pair(const void *x, const void *y)
{
    const pair *a = x, *b = y;
    int r = strcmp(a->a, b->a);
    if (!r) r = strcmp(a->b, b->b);
    return r ? r : a->kind - b->kind;
}

static uint64_t rng = 0x2545F4914F6CDD1Dull;
static size_t rnd(size_t n)
{
    rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
    return (size_t)(rng % n);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(void)
{
    /* 1. versions */
    read_versions("{ apt-get indextargets --format '$(FILENAME)' 'Created-By: Packages' 2>/dev/null |"
                  "  while read -r f; do /usr/lib/apt/apt-helper cat-file \"$f\" 2>/dev/null; done;"
                  "  cat /var/lib/dpkg/status 2>/dev/null; } | grep -E '^(Package|Version): '");
    if (nentries < 20000)
        read_versions("apt-cache dumpavail 2>/dev/null | grep -E '^(Package|Version): '");
    qsort(entries, nentries, sizeof *entries, cmp_entry);
    size_t w = 0;
    for (size_t i = 0; i < nentries; i++) {
        if (w == 0 || cmp_entry(&entries[w - 1], &entries[i]) != 0) {
            entries[w++] = entries[i];
        } else {
            free(entries[i].pkg);
            free(entries[i].ver);
        }
    }
    nentries = w;

    char **vers = malloc((nentries + 1) * sizeof *vers);
    size_t nvers = 0;
    for (size_t i = 0; i < nentries; i++)
        vers[nvers++] = entries[i].ver;
    qsort(vers, nvers, sizeof *vers, cmp_str);
    w = 0;
    for (size_t i = 0; i < nvers; i++)
        if (w == 0 || strcmp(vers[w - 1], vers[i]) != 0)
            vers[w++] = vers[i];
    nvers = w;
    printf("%zu package versions, %zu distinct version strings\n", nentries, nvers);
    if (nvers < 1000) {
        printf("FAIL: too few Debian versions on this machine (%zu): need the apt Packages "
               "indexes (run apt-get update) or apt-cache dumpavail\n", nvers);
        return 1;
    }

    /* every real version must be valid for us */
    size_t rejected = 0;
    for (size_t i = 0; i < nvers; i++) {
        const char *err = pal_ver_error(PAL_VER_DPKG, vers[i], strlen(vers[i]));
        if (err && rejected++ < 10)
            fprintf(stderr, "real version '%s' rejected: %s\n", vers[i], err);
    }
    CHECK_INT(rejected, 0);

    /* 2. pairs, hardest first */
    for (size_t i = 0; i < nentries;) {        /* same package */
        size_t j = i;
        while (j < nentries && strcmp(entries[j].pkg, entries[i].pkg) == 0)
            j++;
        for (size_t x = i; x < j && x < i + 6; x++)
            for (size_t y = x + 1; y < j && y < i + 6; y++)
                add_pair(entries[x].ver, entries[y].ver, K_PACKAGE);
        i = j;
    }
    upkey *keys = malloc(nvers * sizeof *keys);
    for (size_t i = 0; i < nvers; i++) {
        keys[i].v = vers[i];
        keys[i].uplen = upstream_of(vers[i], &keys[i].up);
    }
    qsort(keys, nvers, sizeof *keys, cmp_upkey);
    for (size_t i = 0; i < nvers;) {           /* same upstream */
        size_t j = i;
        while (j < nvers && keys[j].uplen == keys[i].uplen &&
               memcmp(keys[j].up, keys[i].up, keys[i].uplen) == 0)
            j++;
        for (size_t x = i; x + 1 < j; x++)
            add_pair(keys[x].v, keys[x + 1].v, K_UPSTREAM);
        if (j - i > 2)
            add_pair(keys[i].v, keys[j - 1].v, K_UPSTREAM);
        i = j;
    }
    for (size_t i = 0; i + 2 < nvers; i++) {   /* neighbours */
        add_pair(vers[i], vers[i + 1], K_NEIGHBOUR);
        add_pair(vers[i], vers[i + 2], K_NEIGHBOUR);
    }
    for (size_t i = 0; i < 4 * TARGET_PAIRS; i++)
        add_pair(vers[rnd(nvers)], vers[rnd(nvers)], K_RANDOM);
    qsort(pairs, npairs, sizeof *pairs, cmp_pair);
    w = 0;
    for (size_t i = 0; i < npairs; i++)
        if (w == 0 || strcmp(pairs[w - 1].a, pairs[i].a) || strcmp(pairs[w - 1].b, pairs[i].b))
            pairs[w++] = pairs[i];
    npairs = w;

    /* take each kind up to its quota, in a shuffled order */
    static const size_t quota[K_KINDS] = {3500, 3500, 2000, TARGET_PAIRS};
    for (size_t i = npairs; i > 1; i--) {
        size_t j = rnd(i);
        pair t = pairs[i - 1]; pairs[i - 1] = pairs[j]; pairs[j] = t;
    }
    pair *chosen = malloc(TARGET_PAIRS * sizeof *chosen);
    size_t nchosen = 0, per_kind[K_KINDS] = {0};
    for (int k = 0; k < K_KINDS; k++)
        for (size_t i = 0; i < npairs && nchosen < TARGET_PAIRS; i++)
            if (pairs[i].kind == k && per_kind[k] < quota[k]) {
                chosen[nchosen++] = pairs[i];
                per_kind[k]++;
            }
    if (nchosen < MIN_PAIRS) {
        printf("FAIL: only %zu distinct version pairs from %zu versions; need %d "
               "(run apt-get update so the Packages indexes are present)\n",
               nchosen, nvers, MIN_PAIRS);
        return 1;
    }

    /* 3. ask dpkg */
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    int jobs = cores > 0 && cores * 2 < MAX_JOBS ? (int)cores * 2 : MAX_JOBS;
    char *child_env[] = {"PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin", "LC_ALL=C", NULL};
    pid_t running[MAX_JOBS];
    size_t slot_pair[MAX_JOBS];
    int slot_cmp[MAX_JOBS];
    for (int s = 0; s < MAX_JOBS; s++)
        running[s] = 0;
    size_t next = 0, done = 0, disagree = 0, errors = 0, counts[3] = {0};
    double t0 = now_s();
    while (done < nchosen) {
        int free_slot = -1;
        for (int s = 0; s < jobs; s++)
            if (!running[s]) { free_slot = s; break; }
        if (free_slot >= 0 && next < nchosen) {
            const pair *p = &chosen[next];
            int c;
            if (pal_ver_cmp(PAL_VER_DPKG, p->a, strlen(p->a), p->b, strlen(p->b), &c) != 0) {
                if (errors++ < 10)
                    fprintf(stderr, "cannot compare '%s' and '%s'\n", p->a, p->b);
                next++;
                done++;
                continue;
            }
            const char *rel = c < 0 ? "lt" : c > 0 ? "gt" : "eq";
            char *argv[] = {"dpkg", "--compare-versions", (char *)p->a, (char *)rel, (char *)p->b, NULL};
            pid_t pid;
            int rc = posix_spawnp(&pid, "dpkg", &fa, NULL, argv, child_env);
            if (rc != 0) {
                printf("FAIL: cannot run dpkg: %s\n", strerror(rc));
                return 1;
            }
            running[free_slot] = pid;
            slot_pair[free_slot] = next;
            slot_cmp[free_slot] = c;
            next++;
            continue;
        }
        int st;
        pid_t pid = waitpid(-1, &st, 0);
        if (pid < 0) {
            if (errno == EINTR)
                continue;
            perror("waitpid");
            return 1;
        }
        for (int s = 0; s < jobs; s++) {
            if (running[s] != pid)
                continue;
            running[s] = 0;
            done++;
            const pair *p = &chosen[slot_pair[s]];
            int code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
            counts[slot_cmp[s] + 1]++;
            if (code == 1) {
                if (disagree++ < 20)
                    fprintf(stderr, "DISAGREE: we say %s %s %s, dpkg says no\n", p->a,
                            slot_cmp[s] < 0 ? "<" : slot_cmp[s] > 0 ? ">" : "=", p->b);
            } else if (code != 0) {
                if (errors++ < 10)
                    fprintf(stderr, "dpkg failed (%d) on '%s' vs '%s'\n", code, p->a, p->b);
            }
        }
    }
    double dt = now_s() - t0;
    posix_spawn_file_actions_destroy(&fa);

    printf("compared %zu pairs with dpkg --compare-versions in %.1f s (%d at a time):", nchosen, dt, jobs);
    for (int k = 0; k < K_KINDS; k++)
        printf(" %zu %s%s", per_kind[k], kind_name[k], k + 1 < K_KINDS ? "," : "\n");
    printf("our answers: %zu less, %zu equal, %zu greater; %zu disagreements, %zu errors\n",
           counts[0], counts[1], counts[2], disagree, errors);
    CHECK(nchosen >= MIN_PAIRS);
    CHECK_INT(disagree, 0);
    CHECK_INT(errors, 0);

    for (size_t i = 0; i < nentries; i++) {
        free(entries[i].pkg);
        free(entries[i].ver);
    }
    free(entries);
    free(vers);
    free(keys);
    free(pairs);
    free(chosen);
    return unit_result("test_version_dpkg");
}

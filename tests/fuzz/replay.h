/*
 * replay.h — the main() of a fuzz target built without libFuzzer.
 *
 * Every tests/fuzz/fuzz_*.c includes this header.  Built for libFuzzer
 * (`make fuzz`, -fsanitize=fuzzer) it declares the entry point and nothing
 * else: libFuzzer brings its own main.  Built with -DPAL_FUZZ_MAIN, by any
 * compiler and with any sanitizer (`make fuzz-replay`), the target becomes a
 * replayer of crash reproducers and corpora:
 *
 *     fuzz_decode FILE|DIR...
 *
 * runs LLVMFuzzerTestOneInput once on each FILE, and on each regular file of
 * each DIR (not recursively, in name order, so a run is reproducible).  Each
 * input is handed over in a heap buffer of exactly its size, as libFuzzer
 * does, so a read one byte past the end trips ASan here too (a large static
 * buffer would hide it).  A crash is the sanitizer's report and exit status;
 * otherwise the replayer prints "NAME: replayed N inputs" and exits 0, or 2
 * when a file cannot be read.
 */
#ifndef PAL_FUZZ_REPLAY_H
#define PAL_FUZZ_REPLAY_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#ifdef PAL_FUZZ_MAIN
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Inputs are read whole; one this big is not a fuzz input but a mistake. */
#define PAL_FUZZ_REPLAY_MAX (64u << 20)

static int pal_replay_file(const char *path, unsigned *count)
{
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); return 2; }
    size_t cap = 4096, n = 0;
    uint8_t *buf = malloc(cap);
    for (;;) {
        if (!buf) { fprintf(stderr, "%s: out of memory\n", path); fclose(f); return 2; }
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap) break;
        if (cap >= PAL_FUZZ_REPLAY_MAX) {
            fprintf(stderr, "%s: larger than %u bytes\n", path, PAL_FUZZ_REPLAY_MAX);
            free(buf); fclose(f); return 2;
        }
        uint8_t *grown = realloc(buf, cap *= 2);
        if (!grown) free(buf);
        buf = grown;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) { perror(path); free(buf); return 2; }
    /* exactly n bytes, so the target cannot read into slack unnoticed */
    uint8_t *exact = malloc(n ? n : 1);
    if (!exact) { fprintf(stderr, "%s: out of memory\n", path); free(buf); return 2; }
    memcpy(exact, buf, n);
    free(buf);
    LLVMFuzzerTestOneInput(exact, n);
    free(exact);
    (*count)++;
    return 0;
}

static int pal_replay_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int pal_replay_dir(const char *dir, unsigned *count)
{
    DIR *d = opendir(dir);
    if (!d) { perror(dir); return 2; }
    char **names = NULL;
    size_t nnames = 0, cap = 0;
    int rc = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.') continue;
        if (nnames == cap) {
            char **grown = realloc(names, (cap = cap ? 2 * cap : 64) * sizeof *names);
            if (!grown) { rc = 2; break; }
            names = grown;
        }
        size_t len = strlen(dir) + strlen(e->d_name) + 2;
        if (!(names[nnames] = malloc(len))) { rc = 2; break; }
        snprintf(names[nnames++], len, "%s/%s", dir, e->d_name);
    }
    closedir(d);
    if (rc) fprintf(stderr, "%s: out of memory\n", dir);
    if (nnames) qsort(names, nnames, sizeof *names, pal_replay_cmp);
    for (size_t i = 0; i < nnames; i++) {
        struct stat st;
        if (!rc && stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) rc = pal_replay_file(names[i], count);
        free(names[i]);
    }
    free(names);
    return rc;
}

int main(int argc, char **argv)
{
    unsigned count = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) { perror(argv[i]); return 2; }
        int rc = S_ISDIR(st.st_mode) ? pal_replay_dir(argv[i], &count) : pal_replay_file(argv[i], &count);
        if (rc) return rc;
    }
    const char *name = strrchr(argv[0], '/');
    printf("%s: replayed %u inputs\n", name ? name + 1 : argv[0], count);
    return 0;
}
#endif /* PAL_FUZZ_MAIN */

#endif

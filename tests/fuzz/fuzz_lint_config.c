/*
 * fuzz_lint_config.c — the linter's configuration, `.palisade.yaml`
 * (lang/tools/lint_config.c), and its levels applied to a real lint run.
 *
 * The input is the file, read from a memory file through /proc/self/fd (the
 * path a real one takes: fopen, the size cap, libyaml's loader).  A failure
 * must name the file and leave the defaults; a configuration that loads has
 * a fail level and per-code levels that are all error, warning or off, on
 * codes spelled PALnnnn, and pal_lint_config_level answers each code's
 * level.  It is then applied to a small repo written once to a temporary
 * directory, with findings of several codes: a code set off reports
 * nothing, a code set to a level reports at that level.
 *
 * Build: `make fuzz`; or without libFuzzer, as a replayer of files and
 * corpora (tests/fuzz/replay.h): `make fuzz-replay`.
 */
#include "lang/tools/lint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "tests/fuzz/replay.h"

/* Six lint findings: a package that is not the directory (PAL0707), an
   unused list (PAL0701), a condition never true (PAL0703), a regex that is
   a plain string (PAL0709), a check without title or severity (PAL0706), a
   shadowed firewall entry (PAL0704). */
static const char repo_policy[] =
    "package wrong\n"
    "list spare = [\"zsh\"]\n"
    "rule \"r\" {\n"
    "  on process\n"
    "  when process.name matches '^sh$' and process.pid != process.pid\n"
    "}\n"
    "check \"C\" {\n"
    "  fail when image.os == \"linux\"\n"
    "}\n"
    "firewall \"fw\" {\n"
    "  allow from any to any\n"
    "  deny from image \"x\" to any\n"
    "}\n";

static char repo_dir[64];

static void remove_repo(void)
{
    char p[96];
    snprintf(p, sizeof p, "%s/policy.pal", repo_dir);
    unlink(p);
    rmdir(repo_dir);
}

static void make_repo(void)
{
    snprintf(repo_dir, sizeof repo_dir, "/tmp/fuzz_lint_config.XXXXXX");
    if (!mkdtemp(repo_dir)) abort();
    char p[96];
    snprintf(p, sizeof p, "%s/policy.pal", repo_dir);
    FILE *f = fopen(p, "w");
    if (!f || fputs(repo_policy, f) == EOF || fclose(f) != 0) abort();
    atexit(remove_repo);
}

static bool is_level(int l)
{
    return l == PAL_DIAG_ERROR || l == PAL_DIAG_WARNING || l == PAL_LINT_OFF;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!repo_dir[0]) make_repo();
    int fd = memfd_create("fuzz_lint_config", 0);
    if (fd < 0) return 0;
    if (size && write(fd, data, size) != (ssize_t)size) { close(fd); return 0; }
    char path[64], err[1024];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    memset(err, 0, sizeof err);

    pal_lint_config cfg;
    if (pal_lint_config_load(path, &cfg, err, sizeof err) != 0) {
        if (strncmp(err, path, strlen(path)) != 0) abort();   /* every error names the file */
        if (cfg.nlevels || cfg.levels || cfg.fail_level != PAL_DIAG_WARNING) abort();   /* the defaults */
        close(fd);
        return 0;
    }
    close(fd);
    if (!is_level(cfg.fail_level)) abort();
    for (size_t i = 0; i < cfg.nlevels; i++) {
        const pal_lint_level *l = &cfg.levels[i];
        if (strlen(l->code) != 7 || strncmp(l->code, "PAL", 3) || !is_level(l->level)) abort();
        for (int k = 3; k < 7; k++) if (l->code[k] < '0' || l->code[k] > '9') abort();
        if (pal_lint_config_level(&cfg, l->code, 99) != l->level) abort();
        for (size_t j = 0; j < i; j++) if (!strcmp(cfg.levels[j].code, l->code)) abort();   /* one entry per code */
    }

    pal_linter L;
    pal_linter_init(&L);
    if (pal_lint_repo(&L, repo_dir, NULL, 0, &cfg) != 0) abort();
    if (L.errors) abort();   /* the repo compiles, whatever the levels */
    for (size_t i = 0; i < L.nfindings; i++) {
        const pal_finding *f = &L.findings[i];
        const pal_lint_code *c = pal_lint_code_find(f->code);
        /* a compiler warning has its own default, and is configurable too */
        int want = pal_lint_config_level(&cfg, f->code, c ? c->level : f->level);
        if (want == PAL_LINT_OFF || f->level != want) abort();
    }
    pal_linter_free(&L);
    pal_lint_config_free(&cfg);
    return 0;
}

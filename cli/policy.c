/*
 * policy.c — where a command's rules come from: a bundle, a policy
 * directory or .pal file compiled on the spot, or (no --policy) the
 * defaults compiled into the binary.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sodium.h>
#include "cli/cli.h"
#include "cli/policy.h"
#include "engine/vm/bundle.h"
#include "lang/compile/palc.h"

static int read_embedded(void *prefix, const char *relpath, char **data, size_t *len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", (const char *)prefix, relpath);
    for (unsigned long i = 0; i < cli_embedded_count; i++)
        if (!strcmp(cli_embedded_files[i].path, path)) {
            *data = malloc(cli_embedded_files[i].len + 1);
            if (!*data) return -1;
            memcpy(*data, cli_embedded_files[i].data, cli_embedded_files[i].len);
            (*data)[cli_embedded_files[i].len] = 0;
            *len = cli_embedded_files[i].len;
            return 0;
        }
    return -1;
}

pal_program *cli_embedded_program(const char *cmd, const char *which)
{
    const char *paths[1024];
    size_t n = 0, plen = strlen(which);
    for (unsigned long i = 0; i < cli_embedded_count && n < 1024; i++) {
        const char *p = cli_embedded_files[i].path;
        size_t l = strlen(p);
        if (!strncmp(p, which, plen) && p[plen] == '/' && l > 4 && !strcmp(p + l - 4, ".pal"))
            paths[n++] = p + plen + 1;
    }
    pal_compile_opts o = {0};
    o.revision = "builtin-" PALISADE_VERSION;
    o.build_time = 1;
    o.read = read_embedded;
    o.read_user = (void *)which;
    unsigned errors = 0;
    pal_program *p = pal_compile(paths, n, &o, &errors, NULL);
    if (!p) cli_error(cmd, "the built-in %s do not compile (%u errors): this is a bug", which, errors);
    return p;
}

/* A regular file is a bundle unless it is a .pal source: a damaged or
   truncated bundle must be refused as a bundle, never read as source. */
bool cli_is_bundle(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) return false;
    size_t n = strlen(path);
    return !(n >= 4 && !strcmp(path + n - 4, ".pal"));
}

static void directory_revision_of(void *dir, const pal_program *p, char *out, size_t cap)
{
    cli_directory_revision(dir, p, out, cap);
}

pal_program *cli_load_policy_verified(const char *cmd, const char *path, const char *revision,
                                      const pal_pubkey *trusted, pal_bundle_sig *sig)
{
    if (cli_is_bundle(path)) {
        pal_program *p = NULL;
        char err[512];
        if (pal_bundle_load_verified(path, trusted, sig, &p, err, sizeof err) != 0) {
            cli_error(cmd, "%s", err);   /* the loader names the file */
            return NULL;
        }
        return p;
    }
    if (trusted) {
        cli_error(cmd, "%s: --verify-key needs a signed bundle, and this is a policy source; build one with "
                  "'palisade build DIR -o BUNDLE --sign KEY'", path);
        return NULL;
    }
    if (sig) memset(sig, 0, sizeof *sig);
    pal_compile_opts o = {0};
    o.revision = revision;
    if (!revision) {   /* the revision the agent gives the same directory */
        o.revision_of = directory_revision_of;
        o.revision_user = (void *)path;
    }
    /* files named as paths the user can open, as lint and test name them (lang/syntax/diag.h) */
    struct stat st;
    char prefix[4200];
    pal_diag_repo_prefix(path, stat(path, &st) == 0 && S_ISREG(st.st_mode), prefix, sizeof prefix);
    pal_diag_shown shown = {stderr, prefix};
    o.diag = pal_diag_print_shown;
    o.diag_user = &shown;
    unsigned errors = 0, warnings = 0;
    pal_program *p = pal_compile_dir(path, &o, &errors, &warnings);
    if (!p) cli_error(cmd, "%s: %u error%s; nothing was run", path, errors, errors == 1 ? "" : "s");
    return p;
}

pal_program *cli_load_policy(const char *cmd, const char *path, const char *revision)
{
    return cli_load_policy_verified(cmd, path, revision, NULL, NULL);
}

void cli_git_revision(const char *dir, char *out, size_t cap)
{
    out[0] = 0;
    char cmd[4400];
    if (strchr(dir, '\'') || strlen(dir) > 4096) return;
    snprintf(cmd, sizeof cmd, "git -C '%s' describe --always --dirty 2>/dev/null", dir);
    FILE *f = popen(cmd, "r");
    if (!f) return;
    if (fgets(out, (int)cap, f)) out[strcspn(out, "\n")] = 0;
    else out[0] = 0;
    pclose(f);
}

void cli_source_revision(const pal_program *p, char *out, size_t cap)
{
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    for (uint32_t i = 0; i < p->nsources; i++) {
        const pal_source *s = &p->sources[i];
        crypto_hash_sha256_update(&st, (const unsigned char *)pal_program_str(p, s->path), s->path.len);
        crypto_hash_sha256_update(&st, (const unsigned char *)"", 1);
        crypto_hash_sha256_update(&st, (const unsigned char *)pal_program_str(p, s->sha256), s->sha256.len);
        crypto_hash_sha256_update(&st, (const unsigned char *)"\n", 1);
    }
    unsigned char h[32];
    crypto_hash_sha256_final(&st, h);
    char hex[13];
    sodium_bin2hex(hex, sizeof hex, h, 6);
    snprintf(out, cap, "src-%s", hex);
}

void cli_directory_revision(const char *dir, const pal_program *p, char *out, size_t cap)
{
    char git[256], src[32];
    cli_git_revision(dir, git, sizeof git);
    cli_source_revision(p, src, sizeof src);
    size_t n = strlen(git);
    if (n && !(n >= 6 && !strcmp(git + n - 6, "-dirty"))) snprintf(out, cap, "%s", git);
    else if (n) snprintf(out, cap, "%s+%s", git, src);
    else snprintf(out, cap, "%s", src);
}

void cli_program_counts(const pal_program *p, char *out, size_t cap)
{
    uint32_t rules, checks;
    pal_program_count(p, &rules, &checks);
    snprintf(out, cap, "%u rule%s, %u check%s, %u source%s", rules, rules == 1 ? "" : "s", checks,
             checks == 1 ? "" : "s", p->nsources, p->nsources == 1 ? "" : "s");
}

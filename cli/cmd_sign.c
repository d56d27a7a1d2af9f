/*
 * cmd_sign.c — `palisade keygen -o NAME` and `palisade inspect BUNDLE`.
 *
 * keygen writes an ed25519 key pair as two small text files (formats in
 * engine/vm/bundle.h): NAME.key, the secret, created mode 0600 and never over
 * an existing file unless --force; NAME.pub, the public half that agents
 * are given with --verify-key.
 *
 * inspect shows what a bundle holds before anyone runs it: the manifest
 * (revision, build time, every source and feed with its SHA-256), the
 * rules and checks (name, kind, effects or severity, source location) and
 * the signature state.  It reads the bundle with the same hostile-input
 * reader the agent uses; a bundle whose signature fails is still shown (so
 * an operator can see what was altered) but the state says so and the exit
 * code is 2.  Names come from the bundle, so text output escapes control
 * bytes: a crafted rule name cannot drive the operator's terminal.
 *
 * Exit: 0 shown (signature acceptable); 2 shown but bad (the signature is
 * invalid, or with --verify-key not valid for that key; a regex that
 * cannot compile, named with its rule), and every other error (unreadable,
 * not a bundle).  1 is not used: elsewhere it means findings.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cJSON.h>
#include <sodium.h>
#include "cli/args.h"
#include "cli/cli.h"
#include "engine/base/fileio.h"
#include "engine/vm/bundle.h"
#include "engine/vm/vm.h"
#include "engine/base/limits.h"
#include "engine/core/schema.h"

/* ---- keygen ---- */

static int write_new_file(const char *path, const char *text, unsigned mode, bool force, char *err, size_t cap)
{
    if (force)
        return pal_write_file_atomic(path, (const unsigned char *)text, strlen(text), mode, err, cap);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, (mode_t)mode);
    if (fd < 0) {
        int e = errno;
        if (e == EEXIST) snprintf(err, cap, "%s already exists; keep it, or replace it with --force", path);
        else snprintf(err, cap, "%s: cannot create: %s", path, strerror(e));
        return -1;
    }
    size_t len = strlen(text), done = 0;
    int e = 0;
    while (done < len) {
        ssize_t n = write(fd, text + done, len - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) { e = n < 0 ? errno : EIO; break; }
        done += (size_t)n;
    }
    if (!e && fsync(fd) != 0) e = errno;
    if (close(fd) != 0 && !e) e = errno;
    if (e) {
        unlink(path);
        snprintf(err, cap, "%s: cannot write: %s", path, strerror(e));
        return -1;
    }
    return 0;
}

int cmd_keygen(int argc, char **argv)
{
    const char *name = NULL;
    bool force = false;
    cli_args A;
    cli_args_init(&A, "keygen", argc, argv);
    while (cli_args_next(&A)) {
        if (cli_args_value(&A, "-o", "a NAME: NAME.key and NAME.pub are written")) name = A.value;
        else if (cli_args_flag(&A, "--force")) force = true;
        else if (cli_args_help(&A)) {
            printf("usage: palisade keygen -o NAME [--force]\n"
                   "Writes an ed25519 key pair: NAME.key (secret, mode 0600: palisade build --sign NAME.key)\n"
                   "and NAME.pub (palisade agent --verify-key NAME.pub).  Existing files are kept unless --force.\n");
            return EXIT_OK;
        } else return cli_args_unknown(&A);
    }
    if (A.failed) return EXIT_ERROR;
    if (!name || !*name) return cli_error("keygen", "give -o NAME: the key pair is written to NAME.key and NAME.pub");
    size_t n = strlen(name);
    if (n > 4000) return cli_error("keygen", "-o NAME is too long");
    char keypath[4100], pubpath[4100], err[4400];
    snprintf(keypath, sizeof keypath, "%s.key", name);
    snprintf(pubpath, sizeof pubpath, "%s.pub", name);
    if (!force && (access(keypath, F_OK) == 0 || access(pubpath, F_OK) == 0))
        return cli_error("keygen", "%s already exists; keep it, or replace the pair with --force",
                         access(keypath, F_OK) == 0 ? keypath : pubpath);
    pal_pubkey pub;
    pal_seckey sec;
    if (pal_key_generate(&pub, &sec) != 0) return cli_error("keygen", "cannot generate a key (libsodium)");
    char *stext = pal_seckey_format(&sec), *ptext = pal_pubkey_format(&pub);
    sodium_memzero(&sec, sizeof sec);
    int rc = EXIT_OK;
    if (!stext || !ptext) rc = cli_error("keygen", "out of memory");
    else if (write_new_file(keypath, stext, 0600, force, err, sizeof err) != 0) rc = cli_error("keygen", "%s", err);
    else if (write_new_file(pubpath, ptext, 0644, force, err, sizeof err) != 0) {
        unlink(keypath);   /* never leave half a pair */
        rc = cli_error("keygen", "%s", err);
    } else {
        /* a forced rewrite keeps the old file's mode: make the secret 0600 */
        chmod(keypath, 0600);
        fprintf(stderr, "palisade keygen: key %s: secret %s (mode 0600; sign with palisade build --sign %s), "
                "public %s (palisade agent --verify-key %s)\n", pub.id, keypath, keypath, pubpath, pubpath);
    }
    if (stext) { sodium_memzero(stext, strlen(stext)); free(stext); }
    free(ptext);
    return rc;
}

/* ---- inspect ---- */

/* A string of the (verified) program, or "" if it somehow is not inside the blob. */
static const char *pstr(const pal_program *p, pal_str s)
{
    if (s.off > p->strings_len || s.len > p->strings_len - s.off) return "";
    return pal_program_str(p, s);
}

/* Text output: bytes below 0x20 and DEL as \xNN, so names cannot carry
   terminal escapes. */
static void put_safe(FILE *f, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 || c == 0x7f) fprintf(f, "\\x%02x", c);
        else fputc(c, f);
    }
}

static const char *meta_value(const pal_program *p, const pal_rule *r, const char *key)
{
    for (uint32_t m = 0; m < r->nmeta; m++) {
        if (r->meta_first + m >= p->nmeta) break;
        const pal_meta *x = &p->meta[r->meta_first + m];
        if (!strcmp(pstr(p, x->key), key)) return pstr(p, x->value);
    }
    return NULL;
}

/* Effects a rule can produce (bit per PE_*), and its highest severity. */
static unsigned rule_effects(const pal_program *p, const pal_rule *r, unsigned *max_sev)
{
    unsigned effects = 0;
    *max_sev = 0;
    for (uint32_t o = 0; o < r->noutcomes && r->outcome_first + o < p->noutcomes; o++) {
        const pal_outcome *x = &p->outcomes[r->outcome_first + o];
        if (x->effect < 8) effects |= 1u << x->effect;
        if (x->severity > *max_sev) *max_sev = x->severity;
    }
    return effects;
}

static void effects_text(unsigned effects, char *out, size_t cap)
{
    out[0] = 0;
    size_t n = 0;
    for (int e = PE_FAIL; e >= PE_ALLOW; e--)
        if (effects & (1u << e))
            n += (size_t)snprintf(out + n, n < cap ? cap - n : 0, "%s%s", n ? "," : "", pal_effect_name((unsigned)e));
}

static void kinds_text(unsigned kinds, char *out, size_t cap)
{
    out[0] = 0;
    size_t n = 0;
    for (unsigned k = 1; k <= PK_CONFIG; k <<= 1)
        if (kinds & k) n += (size_t)snprintf(out + n, n < cap ? cap - n : 0, "%s%s", n ? "," : "", pal_kind_name(k));
}

static bool is_feed(const char *path)
{
    size_t n = strlen(path);
    return !(n >= 4 && !strcmp(path + n - 4, ".pal"));
}

static void signature_text(const pal_bundle_sig *sig, const pal_pubkey *trusted, const char *why, char *out, size_t cap)
{
    switch (sig->state) {
    case PAL_SIG_UNSIGNED:
        snprintf(out, cap, "unsigned%s", trusted ? " (refused: --verify-key accepts only signed bundles)" : "");
        break;
    case PAL_SIG_INTACT:
        snprintf(out, cap, "signed by key %s; the signature matches that key (give --verify-key PUB to check it is yours)",
                 sig->key_id);
        break;
    case PAL_SIG_VALID:
        snprintf(out, cap, "valid: signed by key %s, the trusted key", sig->key_id);
        break;
    case PAL_SIG_OTHER_KEY:
        snprintf(out, cap, "invalid: signed by key %s, not by the trusted key %s", sig->key_id, trusted ? trusted->id : "?");
        break;
    case PAL_SIG_INVALID:
        snprintf(out, cap, "invalid: %s", why);
        break;
    }
}

static void inspect_text(const char *path, size_t size, const char *sha, const pal_program *p,
                         const pal_bundle_sig *sig, const char *sigtext)
{
    printf("bundle     ");
    put_safe(stdout, path);
    printf(" (%zu bytes, sha256 %s)\n", size, sha);
    printf("format     version %u, input schema %016llx\n", (unsigned)PAL_BUNDLE_VERSION,
           (unsigned long long)p->schema_digest);
    printf("revision   ");
    put_safe(stdout, pstr(p, p->revision));
    char when[32] = "?";
    time_t t = (time_t)p->build_time;
    struct tm tm;
    if (gmtime_r(&t, &tm)) strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    printf("\nbuilt      %s\n", when);
    printf("signature  %s\n", sigtext);
    (void)sig;
    printf("sources    %u\n", p->nsources);
    for (uint32_t i = 0; i < p->nsources; i++) {
        const char *sp = pstr(p, p->sources[i].path);
        printf("  %-6s  ", is_feed(sp) ? "feed" : "policy");
        put_safe(stdout, sp);
        printf("  sha256 ");
        put_safe(stdout, pstr(p, p->sources[i].sha256));
        putchar('\n');
    }
    uint32_t nrules, nchecks;
    pal_program_count(p, &nrules, &nchecks);   /* by declaration: a runtime block's sections are its lines */
    printf("rules      %u\n", nrules);
    for (uint32_t i = 0; i < p->nrules; i++) {
        const pal_rule *r = &p->rules[i];
        if (r->kind == PR_CHECK) continue;
        unsigned sev;
        char eff[64], kinds[64];
        effects_text(rule_effects(p, r, &sev), eff, sizeof eff);
        kinds_text(r->kinds, kinds, sizeof kinds);
        printf("  %-8s \"", pal_rule_kind_name(r->kind));
        put_safe(stdout, pstr(p, r->name));
        printf("\"  on %s  effects %s  severity %s  ", kinds[0] ? kinds : "-", eff[0] ? eff : "-",
               pal_severity_name(sev));
        put_safe(stdout, pstr(p, r->src_file));
        printf(":%u\n", r->src_line);
    }
    printf("checks     %u\n", nchecks);
    for (uint32_t i = 0; i < p->nrules; i++) {
        const pal_rule *r = &p->rules[i];
        if (r->kind != PR_CHECK) continue;
        unsigned sev;
        rule_effects(p, r, &sev);
        const char *title = meta_value(p, r, "title");
        printf("  ");
        put_safe(stdout, pstr(p, r->name));
        printf("  %s  \"", pal_severity_name(sev));
        put_safe(stdout, title ? title : "");
        printf("\"  ");
        put_safe(stdout, pstr(p, r->src_file));
        printf(":%u\n", r->src_line);
    }
}

static int inspect_json(const char *path, size_t size, const char *sha, const pal_program *p,
                        const pal_bundle_sig *sig, const pal_pubkey *trusted, const char *sigtext)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "bundle", path);
    cJSON_AddNumberToObject(o, "size", (double)size);
    cJSON_AddStringToObject(o, "sha256", sha);
    cJSON_AddNumberToObject(o, "format_version", PAL_BUNDLE_VERSION);
    char digest[17];
    snprintf(digest, sizeof digest, "%016llx", (unsigned long long)p->schema_digest);
    cJSON_AddStringToObject(o, "input_schema", digest);
    cJSON_AddStringToObject(o, "revision", pstr(p, p->revision));
    char when[32] = "";
    time_t t = (time_t)p->build_time;
    struct tm tm;
    if (gmtime_r(&t, &tm)) strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    cJSON_AddStringToObject(o, "built", when);
    cJSON *s = cJSON_AddObjectToObject(o, "signature");
    cJSON_AddStringToObject(s, "state", pal_sig_state_name(sig->state));
    if (sig->state != PAL_SIG_UNSIGNED) cJSON_AddStringToObject(s, "key_id", sig->key_id);
    if (trusted) cJSON_AddStringToObject(s, "trusted_key_id", trusted->id);
    cJSON_AddStringToObject(s, "detail", sigtext);
    cJSON *srcs = cJSON_AddArrayToObject(o, "sources");
    for (uint32_t i = 0; i < p->nsources; i++) {
        cJSON *x = cJSON_CreateObject();
        const char *sp = pstr(p, p->sources[i].path);
        cJSON_AddStringToObject(x, "path", sp);
        cJSON_AddStringToObject(x, "kind", is_feed(sp) ? "feed" : "policy");
        cJSON_AddStringToObject(x, "sha256", pstr(p, p->sources[i].sha256));
        cJSON_AddItemToArray(srcs, x);
    }
    cJSON *rules = cJSON_AddArrayToObject(o, "rules"), *checks = cJSON_AddArrayToObject(o, "checks");
    for (uint32_t i = 0; i < p->nrules; i++) {
        const pal_rule *r = &p->rules[i];
        unsigned sev;
        unsigned effects = rule_effects(p, r, &sev);
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, r->kind == PR_CHECK ? "id" : "name", pstr(p, r->name));
        if (r->kind == PR_CHECK) {
            const char *title = meta_value(p, r, "title");
            cJSON_AddStringToObject(x, "title", title ? title : "");
        } else {
            cJSON_AddStringToObject(x, "kind", pal_rule_kind_name(r->kind));
            cJSON *on = cJSON_AddArrayToObject(x, "on");
            for (unsigned k = 1; k <= PK_CONFIG; k <<= 1)
                if (r->kinds & k) cJSON_AddItemToArray(on, cJSON_CreateString(pal_kind_name(k)));
            cJSON *eff = cJSON_AddArrayToObject(x, "effects");
            for (int e = PE_FAIL; e >= PE_ALLOW; e--)
                if (effects & (1u << e)) cJSON_AddItemToArray(eff, cJSON_CreateString(pal_effect_name((unsigned)e)));
        }
        cJSON_AddStringToObject(x, "severity", pal_severity_name(sev));
        cJSON *src = cJSON_AddObjectToObject(x, "source");
        cJSON_AddStringToObject(src, "file", pstr(p, r->src_file));
        cJSON_AddNumberToObject(src, "line", r->src_line);
        cJSON_AddItemToArray(r->kind == PR_CHECK ? checks : rules, x);
    }
    char *text = cJSON_Print(o);
    cJSON_Delete(o);
    if (!text) return cli_error("inspect", "out of memory");
    puts(text);
    free(text);
    return EXIT_OK;
}

static void inspect_usage(FILE *f)
{
    fprintf(f, "usage: palisade inspect BUNDLE [--format text|json] [--verify-key PUB]\n"
               "Shows a bundle's manifest (revision, sources and feeds with SHA-256), its rules and checks,\n"
               "and its signature: unsigned, signed by a key id, valid for --verify-key PUB, or invalid.\n"
               "Exit 0 shown; 2 the bundle is shown but is bad: its signature is invalid or not valid\n"
               "for PUB (eval and agent refuse such a bundle with exit 2 too), or a regex of it cannot\n"
               "compile (named with its rule on stderr: the bundle loads, but that regex never matches);\n"
               "2 also for any other error (a file that is not a bundle, a usage error).\n");
}

int cmd_inspect(int argc, char **argv)
{
    const char *path = NULL, *format = "text", *keypath = NULL;
    cli_args A;
    cli_args_init(&A, "inspect", argc, argv);
    while (cli_args_next(&A)) {
        if (cli_args_value(&A, "--format", "text or json")) format = A.value;
        else if (cli_args_value(&A, "--verify-key", CLI_WANT_PUBKEY)) keypath = A.value;
        else if (cli_args_help(&A)) { inspect_usage(stdout); return EXIT_OK; }
        else if (cli_args_is_option(&A) || A.failed) return cli_args_unknown(&A);
        else if (!path) path = A.arg;
        else return cli_error("inspect", "one bundle at a time (got %s and %s)", path, A.arg);
    }
    if (A.failed) return EXIT_ERROR;
    if (!path) { inspect_usage(stderr); return cli_error("inspect", "give a bundle file"); }
    if (strcmp(format, "text") && strcmp(format, "json"))
        return cli_error("inspect", "unknown --format '%s' (text or json)", format);
    char err[1024];
    pal_pubkey trusted;
    if (keypath && pal_pubkey_load(keypath, &trusted, err, sizeof err) != 0)
        return cli_error("inspect", "--verify-key: %s", err);
    unsigned char *buf;
    size_t len;
    if (pal_read_file(path, PAL_MAX_BUNDLE_BYTES + PAL_SIG_TRAILER_BYTES, (char **)&buf, &len, err, sizeof err) != PAL_READ_OK)
        return cli_error("inspect", "%s", err);
    pal_bundle_sig sig;
    char why[512];
    int sig_rc = pal_bundle_check_signature(buf, len, keypath ? &trusted : NULL, &sig, why, sizeof why);
    pal_program *p = NULL;
    char perr[512];
    int rc = pal_bundle_read(buf, sig.body_len, &p, perr, sizeof perr);
    unsigned char h[32];
    crypto_hash_sha256(h, buf, len);
    char sha[65];
    sodium_bin2hex(sha, sizeof sha, h, sizeof h);
    free(buf);
    if (rc != 0) {
        if (sig_rc != 0) fprintf(stderr, "palisade inspect: %s: %s\n", path, why);
        return cli_error("inspect", "%s: %s", path, perr);
    }
    /* Regexes compile on first use (engine/vm/matcher.c), so loading does
       not notice one that cannot; inspect compiles them all and says so. */
    char rerr[512];
    int regex_rc = pal_program_check_regexes(p, rerr, sizeof rerr);
    char sigtext[700];
    signature_text(&sig, keypath ? &trusted : NULL, why, sigtext, sizeof sigtext);
    int exitc;
    if (!strcmp(format, "json")) exitc = inspect_json(path, len, sha, p, &sig, keypath ? &trusted : NULL, sigtext);
    else { inspect_text(path, len, sha, p, &sig, sigtext); exitc = EXIT_OK; }
    pal_program_free(p);
    if (exitc == EXIT_OK && sig_rc != 0) {   /* shown, and refused as eval and the agent refuse it */
        fprintf(stderr, "palisade inspect: %s: %s\n", path, why);
        exitc = EXIT_ERROR;
    }
    if (exitc == EXIT_OK && regex_rc != 0) {
        fprintf(stderr, "palisade inspect: %s: %s; the rule loads but that regex never matches: rebuild the bundle\n",
                path, rerr);
        exitc = EXIT_ERROR;   /* bad input, as a bad signature: 1 is for findings elsewhere */
    }
    return exitc;
}

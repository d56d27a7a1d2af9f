/*
 * test_api.c — the public API (engine/palisade.h) as an embedder uses it:
 * this file includes no other palisade header.  A policy compiled from a
 * repo the test writes, saved as a bundle and loaded back, decides events
 * the same way; a damaged bundle and a bad key are refused with reasons;
 * an image built by tests/e2e/lib/mkimage.py is inventoried and checked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "unit.h"
#include "engine/palisade.h"

static char dir[64];

static void write_file(const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) { perror(path); return; }
    fputs(text, f);
    fclose(f);
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *buf = malloc(1 << 20);
    *len = buf ? fread(buf, 1, 1 << 20, f) : 0;
    fclose(f);
    return buf;
}

static const char policy[] =
    "list shells = [\"cmd.exe\", \"powershell.exe\"]\n"
    "runtime \"lab\" {\n"
    "  scope container.image.name like \"app*\"\n"
    "  process { deny shells effect prevent }\n"
    "  network { deny outbound ip 1.1.1.1 effect alert }\n"
    "}\n"
    "check \"EX-0001\" {\n"
    "  title \"no root\"  severity high\n"
    "  fail when image.config.user in [\"\", \"root\", \"0\"]\n"
    "  message \"runs as root\"\n"
    "}\n";

static const char cmd_event[] =
    "{\"event\":{\"category\":[\"process\"]},\"process\":{\"executable\":\"C:\\\\Windows\\\\System32\\\\cmd.exe\"},"
    "\"container\":{\"image\":{\"name\":\"app:1\"}},\"host\":{\"os\":{\"type\":\"windows\"}}}";
static const char ip_event[] =
    "{\"event\":{\"category\":[\"network\"]},\"destination\":{\"ip\":\"1.1.1.1\",\"port\":53},"
    "\"network\":{\"direction\":\"outbound\"},\"container\":{\"image\":{\"name\":\"app:1\"}}}";
static const char other_event[] =
    "{\"event\":{\"category\":[\"process\"]},\"process\":{\"executable\":\"/bin/true\"},"
    "\"container\":{\"image\":{\"name\":\"app:1\"}}}";

static void decide_lab(const palisade_policy *p, const char *what)
{
    palisade_decider *d = palisade_decider_new(p);
    CHECK(d != NULL);
    if (!d) return;
    const char *line = NULL;
    CHECK_INT(palisade_decide(d, cmd_event, strlen(cmd_event), &line), PALISADE_PREVENT);
    CHECK(line && strstr(line, "\"rule\":\"lab\"") && strstr(line, "\"effect\":\"prevent\""));
    CHECK_INT(palisade_decide(d, ip_event, strlen(ip_event), &line), PALISADE_ALERT);
    CHECK_INT(palisade_decide(d, other_event, strlen(other_event), &line), PALISADE_ALLOW);
    CHECK(line && strstr(line, "\"matches\":[]"));
    /* an event that is not JSON: -1 and an error decision, never a crash */
    CHECK_INT(palisade_decide(d, "{not json", 9, &line), -1);
    CHECK(line && strstr(line, "\"error\"") && strstr(line, "\"effect\":\"allow\""));
    printf("  decided with the %s policy\n", what);
    palisade_decider_free(d);
}

static int ndiag;
static char first_diag[1024];
static void on_diag(void *user, const char *msg)
{
    (void)user;
    if (!ndiag++) snprintf(first_diag, sizeof first_diag, "%s", msg);
}

static void test_policies(void)
{
    CHECK(palisade_version()[0] != 0);
    write_file("policy.pal", policy);
    unsigned nerr = 99;
    palisade_policy *p = palisade_compile(dir, on_diag, NULL, &nerr);
    CHECK(p != NULL);
    CHECK_INT(nerr, 0);
    if (!p) return;
    decide_lab(p, "compiled");

    char bpath[256], err[512];
    snprintf(bpath, sizeof bpath, "%s/lab.bundle", dir);
    CHECK_INT(palisade_save(p, bpath, err, sizeof err), 0);
    palisade_policy *q = palisade_load_file(bpath, NULL, err, sizeof err);
    CHECK(q != NULL);
    if (q) {
        decide_lab(q, "bundled");
        CHECK_STR(palisade_revision(q), palisade_revision(p));
        palisade_policy_free(q);
    }
    size_t len = 0;
    char *b = read_all(bpath, &len);
    CHECK(b && len > 64);
    if (b) {
        CHECK_INT(palisade_verify(b, len, NULL, err, sizeof err), 0);
        b[len / 2] ^= 0x5a;   /* one flipped byte: refused, with the reason */
        CHECK_INT(palisade_verify(b, len, NULL, err, sizeof err), -1);
        CHECK(strstr(err, "checksum") != NULL || strstr(err, "SHA-256") != NULL || strstr(err, "corrupt") != NULL);
        CHECK(palisade_load(b, len, NULL, err, sizeof err) == NULL);
        b[len / 2] ^= 0x5a;
        /* a trusted key that is not a key; an unsigned bundle under a real-looking one */
        CHECK(palisade_load(b, len, "not a key", err, sizeof err) == NULL);
        CHECK(strstr(err, "trusted key") != NULL);
        free(b);
    }
    palisade_policy_free(p);

    /* a policy with a mistake: no policy, the diagnostic as `build` prints it */
    write_file("policy.pal", "rule \"x\" { on process when process.nmae == \"a\" }\n");
    ndiag = 0;
    p = palisade_compile(dir, on_diag, NULL, &nerr);
    CHECK(p == NULL);
    CHECK(nerr >= 1 && ndiag >= 1);
    CHECK(strstr(first_diag, "policy.pal:1:") && strstr(first_diag, "error[PAL0301]"));
    palisade_policy_free(p);   /* NULL is fine */
    write_file("policy.pal", policy);
}

static void test_images(void)
{
    char cmd[2048], tar[256], root[256], err[512];
    snprintf(root, sizeof root, "%s/rootfs", dir);
    snprintf(tar, sizeof tar, "%s/app.tar", dir);
    snprintf(cmd, sizeof cmd, "mkdir -p %s/etc && printf 'root:x:0:0::/root:/bin/sh\\n' > %s/etc/passwd && "
             "python3 tests/e2e/lib/mkimage.py %s --dir %s --tag app:1 --user root >/dev/null", root, root, tar, root);
    CHECK_INT(system(cmd), 0);
    char *inv = palisade_inventory(tar, err, sizeof err);
    CHECK(inv != NULL);
    if (!inv) { fprintf(stderr, "inventory: %s\n", err); return; }
    CHECK(strstr(inv, "\"etc/passwd\"") || strstr(inv, "/etc/passwd"));
    unsigned nerr;
    palisade_policy *p = palisade_compile(dir, NULL, NULL, &nerr);
    CHECK(p != NULL);
    if (p) {
        char *res = palisade_check(p, inv, strlen(inv), err, sizeof err);
        CHECK(res != NULL);
        CHECK(res && strstr(res, "\"id\":\"EX-0001\"") && strstr(res, "\"status\":\"fail\"") &&
              strstr(res, "runs as root"));
        palisade_free(res);
        char *rep = palisade_scan(p, tar, NULL, err, sizeof err);
        CHECK(rep && strstr(rep, "\"schema\":\"palisade.scan/v1\"") && strstr(rep, "\"EX-0001\"") &&
              strstr(rep, "\"passed\":false"));
        palisade_free(rep);
        CHECK(palisade_scan(p, "/nonexistent.tar", NULL, err, sizeof err) == NULL && strstr(err, "nonexistent"));
        CHECK(palisade_check(p, "[1,2]", 5, err, sizeof err) == NULL);
        CHECK(strstr(err, "not a JSON object") != NULL);
        palisade_policy_free(p);
    }
    palisade_free(inv);
    CHECK(palisade_inventory("/nonexistent.tar", err, sizeof err) == NULL);
    CHECK(strstr(err, "nonexistent.tar") != NULL);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/palisade-api-XXXXXX");
    if (!mkdtemp(dir)) { perror("mkdtemp"); return 1; }
    test_policies();
    test_images();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return unit_result("test_api");
}

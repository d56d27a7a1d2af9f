/*
 * test_inventory.c — the image inventory, end to end through the library.
 *
 * Every image is built by the test itself with tests/e2e/lib/mkimage.py
 * (real docker-save / OCI layouts, real tar layers, real regf hives) in a
 * temporary directory (one helper process serves every build), then read
 * with pal_inventory_read().  Specs are written with single quotes, turned
 * into JSON by mk().
 */
#include "unit.h"
#include "engine/inventory/inventory.h"
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char dir[256];
static const char *helper = "tests/e2e/lib/mkimage.py";

/* One mkimage.py --serve process builds every image: a request line
   "SPEC OUT" on its stdin, one JSON answer line on its stdout. */
static FILE *to_helper, *from_helper;

static int start_helper(void)
{
    int in[2], out[2];
    if (pipe(in) || pipe(out)) return -1;
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        close(in[0]); close(in[1]); close(out[0]); close(out[1]);
        execlp("python3", "python3", helper, "--serve", (char *)NULL);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    to_helper = fdopen(in[1], "w");
    from_helper = fdopen(out[0], "r");
    return to_helper && from_helper ? 0 : -1;
}

static int mk(const char *name, const char *spec)
{
    char path[512], line[4096];
    snprintf(path, sizeof path, "%s/%s.json", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    for (const char *p = spec; *p; p++) fputc(*p == '\'' ? '"' : *p, f);
    fclose(f);
    fprintf(to_helper, "%s %s/%s.tar\n", path, dir, name);
    fflush(to_helper);
    if (!fgets(line, sizeof line, from_helper)) {
        fprintf(stderr, "mkimage.py --serve died building %s\n", name);
        return -1;
    }
    if (strstr(line, "\"error\"")) {
        fprintf(stderr, "mkimage failed for %s: %s", name, line);
        return -1;
    }
    return 0;
}

static char last_err[1024];

static cJSON *inv_opts(const char *name, bool hashes, size_t content_max)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s.tar", dir, name);
    pal_inventory_opts o = {hashes, content_max};
    cJSON *out = NULL;
    last_err[0] = 0;
    if (pal_inventory_read(path, &o, &out, last_err, sizeof last_err) < 0) return NULL;
    return out;
}

static cJSON *inv(const char *name) { return inv_opts(name, false, 0); }

/* The error reading an image that must fail; "" when it did not fail. */
static const char *fails(const char *name)
{
    cJSON *j = inv(name);
    if (j) { cJSON_Delete(j); return ""; }
    return last_err;
}

#define CHECK_HAS(hay, needle) do { \
    const char *h_ = (hay); \
    if (h_ && strstr(h_, needle)) unit_pass++; \
    else { unit_fail++; fprintf(stderr, "%s:%d: '%s' does not contain '%s'\n", __FILE__, __LINE__, \
                                h_ ? h_ : "(null)", needle); } \
} while (0)

static const cJSON *file_at(const cJSON *inv, const char *path)
{
    const cJSON *f;
    cJSON_ArrayForEach(f, cJSON_GetObjectItem(inv, "files")) {
        const cJSON *p = cJSON_GetObjectItem(f, "path");
        if (cJSON_IsString(p) && !strcmp(p->valuestring, path)) return f;
    }
    return NULL;
}

static const cJSON *record(const cJSON *inv, const char *array, const char *key, const char *val)
{
    const cJSON *r;
    cJSON_ArrayForEach(r, cJSON_GetObjectItem(inv, array)) {
        const cJSON *p = cJSON_GetObjectItem(r, key);
        if (cJSON_IsString(p) && !strcmp(p->valuestring, val)) return r;
    }
    return NULL;
}

static const char *S(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItem(o, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double N(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItem(o, k);
    return cJSON_IsNumber(v) ? v->valuedouble : -12345;
}

static int B(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItem(o, k);
    return cJSON_IsBool(v) ? cJSON_IsTrue(v) : -1;
}

static const char *path_of(const cJSON *o, const char *dotted)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", dotted);
    const cJSON *cur = o;
    for (char *tok = strtok(buf, "."); tok && cur; tok = strtok(NULL, "."))
        cur = cJSON_GetObjectItem(cur, tok);
    return cJSON_IsString(cur) ? cur->valuestring : NULL;
}

static const char *nth_str(const cJSON *arr, int i)
{
    const cJSON *v = cJSON_GetArrayItem(arr, i);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool has_warning(const cJSON *j, const char *a, const char *b)
{
    const cJSON *w;
    cJSON_ArrayForEach(w, cJSON_GetObjectItem(j, "warnings"))
        if (cJSON_IsString(w) && strstr(w->valuestring, a) && strstr(w->valuestring, b)) return true;
    fprintf(stderr, "no warning with '%s' and '%s'\n", a, b);
    return false;
}

/* ------------------------------------------------------------------ */

#define HELLO_SHA256 "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"
#define HELLO_MD5    "b1946ac92492d2347c6235b4d2611184"

static const char *linux_spec =
    "{'layout':'docker','tags':['demo/app:1.0','demo/app:latest'],"
    " 'config':{'User':'app','Env':['A=1','B=x=y','NOVAL'],'Entrypoint':['/bin/sh','-c'],"
    "   'Cmd':['run'],'WorkingDir':'/srv','ExposedPorts':{'80/tcp':{},'53/udp':{}},"
    "   'Volumes':{'/data':{}},'Labels':{'maintainer':'me'},'Healthcheck':{'Test':['CMD-SHELL','true']}},"
    " 'history':[{'created_by':'ADD rootfs /'},{'created_by':'ENV A=1','empty_layer':true},"
    "            {'created_by':'RUN step1'},{'created_by':'RUN step2'}],"
    " 'layers':["
    "  {'compress':'gzip','entries':["
    "   {'path':'etc/','type':'dir'},"
    "   {'path':'etc/passwd','data':'root:x:0:0:root:/root:/bin/sh\\nnobody:x:65534:65534::/nonexistent:/usr/sbin/nologin\\n'},"
    "   {'path':'etc/shadow','mode':416,'data':'root:!:19000::::::\\nnobody:*:19000::::::\\n'},"
    "   {'path':'etc/group','data':'root:x:0:\\nwheel:x:10:alice,,bob\\nbroken:x:notanumber:\\n'},"
    "   {'path':'var/lib/dpkg/status','data':'Package: libc6\\nStatus: install ok installed\\nMulti-Arch: same\\n"
    "Source: glibc (2.36-9)\\nVersion: 2.36-9+deb12u4\\nArchitecture: amd64\\nDescription: C library\\n two lines\\n\\n"
    "Package: oldpkg\\nStatus: deinstall ok config-files\\nVersion: 1.0\\nArchitecture: amd64\\n\\n"
    "Package: bash\\nStatus: install ok installed\\nVersion: 5.2.15-2+b2\\nArchitecture: amd64\\n'},"
    "   {'path':'lib/apk/db/installed','data':'C:Q1abc=\\nP:musl\\nV:1.2.4-r2\\nA:x86_64\\no:musl\\n\\n"
    "P:busybox-binsh\\nV:1.36.1-r15\\nA:x86_64\\no:busybox\\n'},"
    "   {'path':'bin/busybox','mode':2541,'uid':0,'gid':0,'data':'hello\\n'},"
    "   {'path':'bin/sh2','type':'hardlink','link':'bin/busybox'},"
    "   {'path':'usr/bin/wall','mode':1517,'gid':5,'data':'w'},"
    "   {'path':'bin/dangling','type':'hardlink','link':'nowhere/x'},"
    "   {'path':'lib64','type':'symlink','link':'lib'},"
    "   {'path':'opt/a/1','data':'1'},{'path':'opt/a/2','data':'2'},"
    "   {'path':'keep/x','data':'x'},{'path':'tmp/gone','data':'bye'},"
    "   {'path':'tree/sub/f','data':'f'},"
    "   {'path':'real','type':'dir'},{'path':'lnk','type':'symlink','link':'/real'},"
    "   {'path':'esc','type':'symlink','link':'../../../../outside'},"
    "   {'path':'home/u','type':'dir','mode':1023,'uid':1000,'gid':1000},"
    "   {'path':'dev/null','type':'char'},{'path':'run/fifo','type':'fifo'},"
    "   {'path':'etc/motd','data':'first'}]},"
    "  {'compress':'zstd','entries':["
    "   {'path':'tmp/.wh.gone','data':''},"
    "   {'path':'opt/a/.wh..wh..opq','data':''},{'path':'opt/a/3','data':'3'},"
    "   {'path':'keep/y','data':'y'},"
    "   {'path':'etc/passwd','data':'root:x:0:0:root:/root:/bin/sh\\ntoor:x:0:0::/root:/bin/sh\\n"
    "alice::1000:1000:Alice:/home/alice:/bin/sh\\nghost:x:1001:1001::/:/bin/sh\\nbad:x:zz:1::/:/bin/sh\\n'},"
    "   {'path':'etc/shadow','data':'root:!:19000::::::\\ntoor::19000::::::\\nalice:$6$x:1::::::\\n'},"
    "   {'path':'etc/motd','data':'second'},{'path':'etc/motd','data':'third'},"
    "   {'path':'/abs/file','data':'a'},{'path':'./dot/file','data':'d'},{'path':'x/../b/file','data':'b'},"
    "   {'path':'lnk/inside','data':'i'},{'path':'esc/x','data':'e'},"
    "   {'path':'same/new','data':'n'},{'path':'same/.wh.new','data':''}]},"
    "  {'compress':'none','entries':[{'path':'.wh.tree','data':''},{'path':'etc/.wh..wh.plnk','data':''}]}"
    " ]}";

static void test_linux(void)
{
    CHECK_INT(mk("linux", linux_spec), 0);
    cJSON *j = inv_opts("linux", true, 0);
    CHECK(j != NULL);
    if (!j) { fprintf(stderr, "error: %s\n", last_err); return; }
    const cJSON *img = cJSON_GetObjectItem(j, "image");
    CHECK_STR(S(img, "name"), "demo/app:1.0");
    CHECK_STR(nth_str(cJSON_GetObjectItem(img, "tags"), 1), "demo/app:latest");
    CHECK_STR(S(img, "os"), "linux");
    CHECK_STR(S(img, "architecture"), "amd64");
    CHECK_STR(S(img, "layout"), "docker-save");
    CHECK(S(img, "id") && !strncmp(S(img, "id"), "sha256:", 7) && strlen(S(img, "id")) == 71);
    CHECK_STR(path_of(j, "image.config.user"), "app");
    CHECK_STR(path_of(j, "image.config.working_dir"), "/srv");
    const cJSON *cfg = cJSON_GetObjectItem(img, "config");
    const cJSON *env = cJSON_GetObjectItem(cfg, "env");
    CHECK_INT(cJSON_GetArraySize(env), 3);
    CHECK_STR(S(cJSON_GetArrayItem(env, 1), "name"), "B");
    CHECK_STR(S(cJSON_GetArrayItem(env, 1), "value"), "x=y");
    CHECK_STR(S(cJSON_GetArrayItem(env, 2), "value"), "");
    CHECK_STR(nth_str(cJSON_GetObjectItem(cfg, "entrypoint"), 1), "-c");
    CHECK_STR(nth_str(cJSON_GetObjectItem(cfg, "cmd"), 0), "run");
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(cfg, "exposed_ports")), 2);
    CHECK_STR(nth_str(cJSON_GetObjectItem(cfg, "volumes"), 0), "/data");
    CHECK_STR(S(cJSON_GetArrayItem(cJSON_GetObjectItem(cfg, "labels"), 0), "value"), "me");
    CHECK_STR(nth_str(cJSON_GetObjectItem(cfg, "healthcheck"), 0), "CMD-SHELL");
    const cJSON *hist = cJSON_GetObjectItem(img, "history");
    CHECK_INT(cJSON_GetArraySize(hist), 4);
    CHECK_STR(S(cJSON_GetArrayItem(hist, 1), "created_by"), "ENV A=1");
    CHECK_INT(B(cJSON_GetArrayItem(hist, 1), "empty_layer"), 1);
    CHECK_INT(B(cJSON_GetArrayItem(hist, 0), "empty_layer"), 0);
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(img, "layers")), 3);

    /* files: whiteouts, opaque dirs, duplicates, odd names */
    const cJSON *f;
    CHECK(file_at(j, "/tmp") != NULL);
    CHECK(file_at(j, "/tmp/gone") == NULL);
    CHECK(file_at(j, "/tmp/.wh.gone") == NULL);
    CHECK(file_at(j, "/opt/a/1") == NULL);
    CHECK(file_at(j, "/opt/a/2") == NULL);
    CHECK(file_at(j, "/opt/a/3") != NULL);
    CHECK(file_at(j, "/opt/a") != NULL);
    CHECK(file_at(j, "/keep/x") && file_at(j, "/keep/y"));
    CHECK(file_at(j, "/tree") == NULL && file_at(j, "/tree/sub/f") == NULL);
    CHECK(file_at(j, "/same/new") != NULL);            /* same-layer whiteout hides nothing */
    CHECK(file_at(j, "/etc/.wh..wh.plnk") == NULL);
    CHECK((f = file_at(j, "/etc/motd")) && N(f, "size") == 5 && N(f, "layer") == 1);
    CHECK(file_at(j, "/abs/file") != NULL);
    CHECK(file_at(j, "/dot/file") != NULL);
    CHECK(file_at(j, "/b/file") != NULL && file_at(j, "/x") == NULL);
    CHECK(file_at(j, "/real/inside") != NULL);         /* through a symlinked parent */
    CHECK(file_at(j, "/lnk/inside") == NULL);
    CHECK(file_at(j, "/outside/x") != NULL);           /* '..' in a link stops at the root */
    CHECK((f = file_at(j, "/esc")) && !strcmp(S(f, "type"), "symlink") &&
          !strcmp(S(f, "link"), "../../../../outside"));
    f = file_at(j, "/bin/busybox");
    CHECK(f != NULL);
    if (f) {
        CHECK_STR(S(f, "type"), "file");
        CHECK_INT(N(f, "mode"), 04755);
        CHECK_INT(B(f, "setuid"), 1);
        CHECK_INT(B(f, "setgid"), 0);
        CHECK_INT(N(f, "size"), 6);
        CHECK_INT(N(f, "layer"), 0);
        CHECK_STR(S(f, "sha256"), HELLO_SHA256);
        CHECK_STR(S(f, "md5"), HELLO_MD5);
    }
    f = file_at(j, "/bin/sh2");
    CHECK(f && !strcmp(S(f, "type"), "hardlink"));
    if (f) {
        CHECK_STR(S(f, "link"), "/bin/busybox");
        CHECK_STR(S(f, "sha256"), HELLO_SHA256);
        CHECK_INT(N(f, "size"), 6);
    }
    f = file_at(j, "/bin/dangling");
    CHECK(f && !strcmp(S(f, "type"), "hardlink") && !S(f, "sha256") && N(f, "size") == 0);
    CHECK((f = file_at(j, "/usr/bin/wall")) && B(f, "setgid") == 1 && B(f, "setuid") == 0 && N(f, "gid") == 5);
    CHECK((f = file_at(j, "/home/u")) && N(f, "mode") == 01777 && N(f, "uid") == 1000);
    CHECK((f = file_at(j, "/dev/null")) && !strcmp(S(f, "type"), "char"));
    CHECK((f = file_at(j, "/run/fifo")) && !strcmp(S(f, "type"), "fifo"));
    CHECK((f = file_at(j, "/lib64")) && !strcmp(S(f, "link"), "lib"));
    CHECK((f = file_at(j, "/etc/shadow")) && N(f, "mode") == 0644 && N(f, "layer") == 1);
    CHECK((f = file_at(j, "/etc")) && !strcmp(S(f, "type"), "dir"));
    /* sorted by path */
    const cJSON *prev = NULL, *it;
    bool sorted = true;
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(j, "files")) {
        if (prev && strcmp(S(prev, "path"), S(it, "path")) >= 0) sorted = false;
        prev = it;
    }
    CHECK(sorted);

    /* packages: dpkg (config-files left out) and apk */
    const cJSON *p = record(j, "packages", "name", "libc6");
    CHECK(p != NULL);
    if (p) {
        CHECK_STR(S(p, "version"), "2.36-9+deb12u4");
        CHECK_STR(S(p, "source"), "glibc");
        CHECK_STR(S(p, "source_version"), "2.36-9");
        CHECK_STR(S(p, "architecture"), "amd64");
        CHECK_STR(S(p, "ecosystem"), "dpkg");
    }
    CHECK((p = record(j, "packages", "name", "bash")) && !strcmp(S(p, "source"), "bash") &&
          !strcmp(S(p, "source_version"), "5.2.15-2+b2"));
    CHECK(record(j, "packages", "name", "oldpkg") == NULL);
    CHECK((p = record(j, "packages", "name", "busybox-binsh")) && !strcmp(S(p, "source"), "busybox") &&
          !strcmp(S(p, "ecosystem"), "apk") && !strcmp(S(p, "version"), "1.36.1-r15"));
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(j, "packages")), 4);

    /* users: the later layer's passwd; duplicate uid 0 kept; bad lines skipped */
    const cJSON *users = cJSON_GetObjectItem(j, "users");
    CHECK_INT(cJSON_GetArraySize(users), 4);
    int uid0 = 0;
    cJSON_ArrayForEach(it, users) uid0 += N(it, "uid") == 0;
    CHECK_INT(uid0, 2);
    const cJSON *u = record(j, "users", "name", "root");
    CHECK(u && B(u, "locked") == 1 && B(u, "empty_password") == 0);
    CHECK((u = record(j, "users", "name", "toor")) && B(u, "empty_password") == 1);
    CHECK((u = record(j, "users", "name", "alice")) && B(u, "empty_password") == 1 && B(u, "locked") == 0 &&
          !strcmp(S(u, "home"), "/home/alice") && N(u, "uid") == 1000);
    CHECK((u = record(j, "users", "name", "ghost")) && B(u, "empty_password") == 0 && B(u, "locked") == 0);
    const cJSON *g = record(j, "groups", "name", "wheel");
    CHECK(g && N(g, "gid") == 10 && cJSON_GetArraySize(cJSON_GetObjectItem(g, "members")) == 2);
    CHECK(record(j, "groups", "name", "broken") == NULL);
    CHECK(cJSON_GetObjectItem(j, "windows") == NULL);

    /* without --hashes: no hash keys */
    cJSON *nh = inv("linux");
    CHECK(nh && (f = file_at(nh, "/bin/busybox")) && !S(f, "sha256") && !S(f, "md5"));
    cJSON_Delete(nh);
    cJSON_Delete(j);
}

/* The same image in every layout and outer compression reads the same. */
static void test_layouts(void)
{
    const char *layers =
        "'layers':[{'compress':'gzip','entries':[{'path':'etc/os-release','data':'ID=test\\n'},"
        "{'path':'usr/bin/tool','mode':493,'data':'hello\\n'}]},"
        "{'compress':'zstd','entries':[{'path':'usr/bin/.wh.tool','data':''},{'path':'app/run','data':'r'}]},"
        "{'compress':'gzip','entries':[{'path':'etc/os-release','data':'ID=test\\n'},"
        "{'path':'usr/bin/tool','mode':493,'data':'hello\\n'}]}]";
    const char *variants[][2] = {
        {"l_docker", "'layout':'docker'"},
        {"l_docker25", "'layout':'docker25'"},
        {"l_oci", "'layout':'oci'"},
        {"l_gz", "'layout':'docker25','outer_compress':'gzip'"},
        {"l_zst", "'layout':'oci','outer_compress':'zstd'"},
    };
    cJSON *first = NULL;
    for (unsigned i = 0; i < sizeof variants / sizeof variants[0]; i++) {
        char spec[2048];
        snprintf(spec, sizeof spec, "{%s,'tags':['t:1'],%s}", variants[i][1], layers);
        CHECK_INT(mk(variants[i][0], spec), 0);
        cJSON *j = inv_opts(variants[i][0], true, 0);
        CHECK(j != NULL);
        if (!j) { fprintf(stderr, "%s: %s\n", variants[i][0], last_err); continue; }
        const cJSON *f = file_at(j, "/usr/bin/tool");
        CHECK(f && N(f, "layer") == 2 && !strcmp(S(f, "sha256"), HELLO_SHA256));
        CHECK(file_at(j, "/app/run") != NULL);
        CHECK(S(cJSON_GetObjectItem(j, "image"), "name") && strstr(S(cJSON_GetObjectItem(j, "image"), "name"), "t:1"));
        if (!first) first = j;
        else {
            CHECK(cJSON_Compare(cJSON_GetObjectItem(first, "files"), cJSON_GetObjectItem(j, "files"), true));
            CHECK_STR(S(cJSON_GetObjectItem(first, "image"), "id"), S(cJSON_GetObjectItem(j, "image"), "id"));
            cJSON_Delete(j);
        }
    }
    CHECK_STR(S(cJSON_GetObjectItem(first, "image"), "layout"), "docker-save");

    /* A multi-platform OCI index with an attestation listed first: the
       attestation is skipped, the nested index followed to the image. */
    char spec[2048];
    snprintf(spec, sizeof spec, "{'layout':'oci','tags':['multi:1'],'nest_index':true,'index_before':["
             "{'mediaType':'application/vnd.oci.image.manifest.v1+json','digest':'sha256:%064d','size':1,"
             "'annotations':{'vnd.docker.reference.type':'attestation-manifest'},"
             "'platform':{'architecture':'unknown','os':'unknown'}}],%s}", 0, layers);
    CHECK_INT(mk("l_nested", spec), 0);
    cJSON *j = inv_opts("l_nested", true, 0);
    CHECK(j && cJSON_Compare(cJSON_GetObjectItem(first, "files"), cJSON_GetObjectItem(j, "files"), true));
    CHECK(j && S(cJSON_GetObjectItem(j, "image"), "name") && strstr(S(cJSON_GetObjectItem(j, "image"), "name"), "multi:1"));
    if (!j) fprintf(stderr, "l_nested: %s\n", last_err);
    cJSON_Delete(j);

    /* Six layers whose blobs lie in digest order in a gzipped tarball (as
       `docker save | gzip` leaves them): layers met early are kept and
       applied in their turn. */
    {
        char big[4096];
        int k = snprintf(big, sizeof big, "{'layout':'%s','outer_compress':'gzip','sort_entries':true,'layers':[", "docker25");
        for (int i = 0; i < 6; i++)
            k += snprintf(big + k, sizeof big - k, "%s{'compress':'gzip','entries':[{'path':'f','data':'%d'},"
                          "{'path':'l%d','data':'x'}%s]}", i ? "," : "", i, i, i == 3 ? ",{'path':'.wh.l1','data':''}" : "");
        snprintf(big + k, sizeof big - k, "]}");
        CHECK_INT(mk("l_sorted", big), 0);
        j = inv("l_sorted");
        CHECK(j != NULL);
        if (!j) fprintf(stderr, "l_sorted: %s\n", last_err);
        const cJSON *ff = j ? file_at(j, "/f") : NULL;
        CHECK(ff && N(ff, "layer") == 5 && N(ff, "size") == 1);
        CHECK(j && file_at(j, "/l0") && !file_at(j, "/l1") && file_at(j, "/l2") && file_at(j, "/l5"));
        CHECK(j && N(file_at(j, "/l4"), "layer") == 4);
        cJSON_Delete(j);
    }

    /* The same layouts as directories (skopeo's oci:DIR, an extracted
       docker save with its symlinked repeated layer) read the same. */
    const char *dirs[] = {"l_oci", "l_docker"};
    for (unsigned i = 0; i < 2; i++) {
        char cmd[1024], name[64];
        snprintf(cmd, sizeof cmd, "mkdir -p %s/%s_dir.tar && tar -C %s/%s_dir.tar -xf %s/%s.tar",
                 dir, dirs[i], dir, dirs[i], dir, dirs[i]);
        CHECK_INT(system(cmd), 0);
        snprintf(name, sizeof name, "%s_dir", dirs[i]);
        j = inv_opts(name, true, 0);
        CHECK(j && cJSON_Compare(cJSON_GetObjectItem(first, "files"), cJSON_GetObjectItem(j, "files"), true));
        if (!j) fprintf(stderr, "%s: %s\n", name, last_err);
        cJSON_Delete(j);
    }
    /* ... and a blob that is a symlink out of the directory is refused */
    {
        char cmd[2048];
        snprintf(cmd, sizeof cmd, "cd %s/l_oci_dir.tar && for b in blobs/sha256/*; do "
                 "if ! head -c1 $b | grep -q '{'; then rm $b; ln -s /etc/passwd $b; fi; done", dir);
        CHECK_INT(system(cmd), 0);
        CHECK_HAS(fails("l_oci_dir"), "a symlink out of it");
    }
    cJSON_Delete(first);
}

static void test_windows(void)
{
    const char *spec =
        "{'layout':'docker25','os':'windows','os_version':'10.0.17763.1000','tags':['wincontainerapp:v1'],"
        " 'config':{'User':'ContainerAdministrator'},"
        " 'layers':["
        "  {'compress':'gzip','entries':["
        "   {'path':'Files','type':'dir'},{'path':'Hives','type':'dir'},"
        "   {'path':'Files/Windows/System32/cmd.exe','data':'MZ'},"
        "   {'path':'Files/Windows/System32/PING.EXE','data':'MZ'},"
        "   {'path':'Files/Windows/System32/config/SOFTWARE','software_hive':{'product':'Windows Server 2019 Datacenter',"
        "      'build_number':17763,'ubr':1000,'kbs':['KB4100001']}},"
        "   {'path':'Hives/Software_Delta','software_hive':{'product':'Windows Server 2019 Datacenter',"
        "      'build_number':17763,'ubr':1000,'kbs':['KB4100001']}},"
        "   {'path':'Hives/System_Delta','data':'not read'},"
        "   {'path':'UtilityVM/Files/vmtool.exe','data':'MZ'}]},"
        "  {'compress':'gzip','entries':["
        "   {'path':'Files/app/wincontainerapp.exe','data':'MZ'},"
        "   {'path':'Files/windows/system32/CMD.EXE','data':'MZMZ'},"
        "   {'path':'Files/Windows/System32/.wh.PING.EXE','data':''},"
        "   {'path':'Hives/Software_Delta','software_hive':{'build_number':17763,'ubr':1879,"
        "      'kbs':['KB5005568',['KB4999999',64],['KB4580325',80]]}}]}"
        " ]}";
    CHECK_INT(mk("win", spec), 0);
    cJSON *j = inv_opts("win", true, 0);
    CHECK(j != NULL);
    if (!j) { fprintf(stderr, "error: %s\n", last_err); return; }
    CHECK_STR(path_of(j, "image.os"), "windows");
    CHECK_STR(path_of(j, "image.config.user"), "ContainerAdministrator");
    const cJSON *f = file_at(j, "C:\\Windows\\System32\\CMD.EXE");
    CHECK(f && N(f, "size") == 4 && N(f, "layer") == 1);   /* NTFS: one file, any case */
    CHECK(file_at(j, "C:\\Windows\\System32\\cmd.exe") == NULL);
    CHECK(file_at(j, "C:\\Windows\\System32\\PING.EXE") == NULL);
    CHECK(file_at(j, "C:\\app\\wincontainerapp.exe") != NULL);
    CHECK(file_at(j, "C:\\Windows\\System32\\config\\SOFTWARE") != NULL);
    const cJSON *it;
    bool clean = true;
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(j, "files")) {
        const char *p = S(it, "path");
        if (!p || strncmp(p, "C:\\", 3) || strstr(p, "UtilityVM") || strstr(p, "Hives") || strchr(p, '/'))
            clean = false;
    }
    CHECK(clean);
    const cJSON *w = cJSON_GetObjectItem(j, "windows");
    CHECK(w != NULL);
    CHECK_STR(S(w, "product_name"), "Windows Server 2019 Datacenter");
    CHECK_INT(N(w, "build"), 17763);
    CHECK_INT(N(w, "ubr"), 1879);                        /* the top layer's delta wins */
    CHECK_STR(S(w, "version"), "10.0.17763.1879");
    CHECK_STR(S(w, "source"), "registry");
    const cJSON *kbs = cJSON_GetObjectItem(w, "kbs");
    CHECK_INT(cJSON_GetArraySize(kbs), 3);                /* staged KB4999999 is not installed */
    CHECK_STR(nth_str(kbs, 0), "KB4100001");
    CHECK_STR(nth_str(kbs, 1), "KB4580325");
    CHECK_STR(nth_str(kbs, 2), "KB5005568");
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(j, "packages")), 0);
    cJSON_Delete(j);

    /* No hive: the config's os.version; a broken hive: said so, same fallback. */
    CHECK_INT(mk("win_nohive", "{'layout':'oci','os':'windows','os_version':'10.0.20348.169',"
                 "'layers':[{'entries':[{'path':'Files/Windows/notepad.exe','data':'MZ'}]}]}"), 0);
    CHECK((j = inv("win_nohive")) != NULL);
    w = cJSON_GetObjectItem(j, "windows");
    CHECK(w && N(w, "build") == 20348 && N(w, "ubr") == 169 && !strcmp(S(w, "source"), "config"));
    CHECK_STR(S(w, "version"), "10.0.20348.169");
    CHECK(file_at(j, "C:\\Windows\\notepad.exe") != NULL);
    cJSON_Delete(j);
    CHECK_INT(mk("win_badhive", "{'layout':'docker','os':'windows','os_version':'10.0.17763.2300',"
                 "'layers':[{'entries':[{'path':'Hives/Software_Delta','data':'regf but not really'}]}]}"), 0);
    CHECK((j = inv("win_badhive")) != NULL);
    w = cJSON_GetObjectItem(j, "windows");
    CHECK(w && N(w, "ubr") == 2300 && !strcmp(S(w, "source"), "config"));
    CHECK(w && cJSON_GetArraySize(cJSON_GetObjectItem(w, "hive_errors")) == 1);
    CHECK(has_warning(j, "layer 0, Hives/Software_Delta", "registry hive not read"));
    cJSON_Delete(j);
}

/* Distroless dpkg (status.d) and a usrmerged apk database behind lib -> usr/lib. */
static void test_databases(void)
{
    CHECK_INT(mk("distroless",
        "{'layout':'oci','layers':["
        " {'entries':[{'path':'usr/lib','type':'dir'},{'path':'lib','type':'symlink','link':'usr/lib'},"
        "  {'path':'var/lib/dpkg/status.d/base','data':'Package: base-files\\nVersion: 12.4+deb12u5\\nArchitecture: amd64\\n'},"
        "  {'path':'var/lib/dpkg/status.d/base.md5sums','data':'d41d8cd98f00b204e9800998ecf8427e  etc/x\\n'},"
        "  {'path':'var/lib/dpkg/status.d/tzdata','data':'Package: tzdata\\nVersion: 2024a-0+deb12u1\\nArchitecture: all\\n'}]},"
        " {'compress':'zstd','entries':[{'path':'usr/lib/apk/db/installed','data':'P:zlib\\nV:1.3.1-r0\\nA:x86_64\\n'},"
        "  {'path':'var/lib/dpkg/status.d/.wh.tzdata','data':''}]}]}"), 0);
    cJSON *j = inv("distroless");
    CHECK(j != NULL);
    if (!j) { fprintf(stderr, "error: %s\n", last_err); return; }
    const cJSON *p;
    CHECK((p = record(j, "packages", "name", "base-files")) && !strcmp(S(p, "version"), "12.4+deb12u5"));
    CHECK(record(j, "packages", "name", "tzdata") == NULL);      /* whited out */
    CHECK((p = record(j, "packages", "name", "zlib")) && !strcmp(S(p, "ecosystem"), "apk") &&
          !strcmp(S(p, "source"), "zlib"));
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(j, "packages")), 2);
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(j, "users")), 0);
    cJSON_Delete(j);
}

static void test_content(void)
{
    CHECK_INT(mk("content",
        "{'layout':'docker','layers':[{'entries':["
        " {'path':'root/.ssh/id_rsa','data':'-----BEGIN OPENSSH PRIVATE KEY-----\\nb3Blbn\\n-----END OPENSSH PRIVATE KEY-----\\n'},"
        " {'path':'bin/blob','data_b64':'AAECAwQ='},"
        " {'path':'big.txt','data':'0123456789012345678901234567890123456789012345678901234567890123456789"
        "0123456789012345678901234567890123456789012345678901234567890123456789'},"
        " {'path':'etc/passwd','data':'root:x:0:0::/root:/bin/sh\\n'}]}]}"), 0);
    cJSON *j = inv_opts("content", false, 100);
    CHECK(j != NULL);
    if (!j) return;
    const cJSON *f;
    CHECK((f = file_at(j, "/root/.ssh/id_rsa")) && S(f, "content") &&
          !strncmp(S(f, "content"), "-----BEGIN OPENSSH", 18));
    CHECK((f = file_at(j, "/bin/blob")) && !S(f, "content"));      /* binary: no content */
    CHECK((f = file_at(j, "/big.txt")) && !S(f, "content"));       /* over content_max */
    CHECK((f = file_at(j, "/etc/passwd")) && S(f, "content"));
    CHECK(N(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "image"), "limits"), "content_omitted") == 0);
    cJSON_Delete(j);
    CHECK((j = inv("content")) && !S(file_at(j, "/root/.ssh/id_rsa"), "content"));
    cJSON_Delete(j);
}

/* A sparse file (GNU tar --sparse, PAX 1.0 sparse map): holes are zeros to
   the hashes, as to any reader of the file. */
static void test_sparse(void)
{
    char cmd[2048], want[65] = "", line[512];
    snprintf(cmd, sizeof cmd,
             "set -e; cd %s; mkdir -p sp; truncate -s 3M sp/sparse; "
             "printf 'in the middle' | dd of=sp/sparse bs=1 seek=1048576 conv=notrunc status=none; "
             "tar --sparse --format=posix -C sp -cf sparse_layer.tar sparse; "
             "sha256sum sp/sparse | cut -c1-64 > sparse.sha256", dir);
    if (system(cmd) != 0) { fprintf(stderr, "test_sparse: no GNU tar --sparse, skipped\n"); return; }
    snprintf(line, sizeof line, "%s/sparse.sha256", dir);
    FILE *f = fopen(line, "r");
    CHECK(f && fgets(want, sizeof want, f));
    if (f) fclose(f);
    char spec[512];
    snprintf(spec, sizeof spec, "{'layout':'oci','layers':[{'raw_file':'%s/sparse_layer.tar'}]}", dir);
    CHECK_INT(mk("sparse", spec), 0);
    cJSON *j = inv_opts("sparse", true, 0);
    const cJSON *sf = j ? file_at(j, "/sparse") : NULL;
    CHECK(sf != NULL);
    if (sf) {
        CHECK_INT(N(sf, "size"), 3 << 20);
        CHECK_STR(S(sf, "sha256"), want);
    }
    cJSON_Delete(j);
}

static void test_hostile(void)
{
    /* names */
    CHECK_INT(mk("h_dotdot", "{'layout':'docker','layers':[{'entries':[{'path':'a/../../etc/evil','data':'x'}]}]}"), 0);
    CHECK_HAS(fails("h_dotdot"), "climbs out of the image root");
    CHECK_HAS(last_err, "layer 0");
    CHECK_HAS(last_err, "a/../../etc/evil");
    CHECK_INT(mk("h_hardesc", "{'layout':'docker','layers':[{'entries':[{'path':'h','type':'hardlink','link':'../../etc/shadow'}]}]}"), 0);
    CHECK_HAS(fails("h_hardesc"), "hardlink target climbs out");
    CHECK_INT(mk("h_loop", "{'layout':'oci','layers':[{'entries':[{'path':'loop','type':'symlink','link':'loop'},"
                 "{'path':'loop/x','data':'y'}]}]}"), 0);
    CHECK_HAS(fails("h_loop"), "symlink loop");
    CHECK_INT(mk("h_notdir", "{'layout':'oci','layers':[{'entries':[{'path':'f','data':'x'},{'path':'f/x','data':'y'}]}]}"), 0);
    CHECK_HAS(fails("h_notdir"), "not a directory");
    {
        /* a 5000-byte name in a PAX path record */
        char spec[6000];
        int k = snprintf(spec, 200, "{'layout':'docker','layers':[{'entries':[{'path':'a','data':'x','pax':{'path':'");
        for (int i = 0; i < 5000; i++) spec[k++] = i % 100 == 99 ? '/' : 'p';
        strcpy(spec + k, "'}}]}]}");
        CHECK_INT(mk("h_longpath", spec), 0);
    }
    CHECK_HAS(fails("h_longpath"), "PAL_INV_MAX_PATH");

    /* invalid UTF-8 names come out as U+FFFD in valid JSON */
    CHECK_INT(mk("h_utf8", "{'layout':'docker','layers':[{'gnu':true,'entries':[{'path_b64':'YmFk//5uYW1l','data':'x'},"
                 "{'path':'ok','type':'symlink','link':'caf\\u00e9'}]}]}"), 0);
    cJSON *j = inv("h_utf8");
    CHECK(j != NULL);
    if (j) {
        CHECK(file_at(j, "/bad\xef\xbf\xbd\xef\xbf\xbdname") != NULL);
        CHECK_STR(S(file_at(j, "/ok"), "link"), "caf\xc3\xa9");
        char *txt = cJSON_PrintUnformatted(j);
        cJSON *back = txt ? cJSON_Parse(txt) : NULL;
        CHECK(back && cJSON_Compare(back, j, true));
        cJSON_Delete(back);
        free(txt);
        cJSON_Delete(j);
    }

    /* a PAX header over libarchive's 1 MiB cap is refused, not buffered */
    {
        size_t n = (2u << 20);
        char *spec = malloc(n + 256);
        int k = snprintf(spec, 256, "{'layout':'docker','layers':[{'entries':[{'path':'a','data':'x','pax':{'comment':'");
        memset(spec + k, 'x', n);
        strcpy(spec + k + n, "'}}]}]}");
        CHECK_INT(mk("h_pax", spec), 0);
        free(spec);
        CHECK_HAS(fails("h_pax"), "layer 0");
    }

    /* manifests naming missing or escaping blobs */
    CHECK_INT(mk("h_missing", "{'layout':'docker','drop_blobs':[0],'layers':[{'entries':[{'path':'a','data':'x'}]}]}"), 0);
    CHECK_HAS(fails("h_missing"), "which is not in the image");
    CHECK_INT(mk("h_escape", "{'layout':'docker','manifest_override':{'Layers':['../../../etc/passwd']},"
                 "'layers':[{'entries':[{'path':'a','data':'x'}]}]}"), 0);
    CHECK_HAS(fails("h_escape"), "points outside the tarball");
    CHECK_INT(mk("h_cfgabs", "{'layout':'docker25','manifest_override':{'Config':'/etc/passwd'},"
                 "'layers':[{'entries':[{'path':'a','data':'x'}]}]}"), 0);
    CHECK_HAS(fails("h_cfgabs"), "points outside the tarball");
    CHECK_INT(mk("h_nocfg", "{'layout':'oci','drop_blobs':['config'],'layers':[]}"), 0);
    CHECK_HAS(fails("h_nocfg"), "config");
    CHECK_INT(mk("h_digest", "{'layout':'oci','oci_manifest_override':{'layers':[{'mediaType':'x','digest':'sha256:../../x'}]},"
                 "'layers':[]}"), 0);
    CHECK_HAS(fails("h_digest"), "malformed digest");
    CHECK_INT(mk("h_cfgsum", "{'layout':'oci','oci_manifest_override':{'config':{'mediaType':'x','digest':"
                 "'sha256:0000000000000000000000000000000000000000000000000000000000000000'}},'layers':[]}"), 0);
    CHECK_HAS(fails("h_cfgsum"), "not in the image");

    /* a layer blob that is not a tar; a 0-byte blob is an empty layer */
    CHECK_INT(mk("h_notar", "{'layout':'oci','layers':[{'raw_b64':'aGVsbG8gd29ybGQK'}]}"), 0);
    CHECK_HAS(fails("h_notar"), "not a tar layer");
    CHECK_INT(mk("h_emptyblob", "{'layout':'docker25','layers':[{'raw_b64':''},{'entries':[],'compress':'gzip'},"
                 "{'entries':[{'path':'a','data':'x'}]}]}"), 0);
    cJSON *e0 = inv("h_emptyblob");
    CHECK(e0 && file_at(e0, "/a") && N(file_at(e0, "/a"), "layer") == 2);
    cJSON_Delete(e0);

    /* not images at all */
    char path[512];
    snprintf(path, sizeof path, "%s/h_text.tar", dir);
    FILE *f = fopen(path, "w");
    fputs("this is not a tarball\n", f);
    fclose(f);
    CHECK_HAS(fails("h_text"), "not a tar archive");
    snprintf(path, sizeof path, "%s/h_empty.tar", dir);
    fclose(fopen(path, "w"));
    CHECK_HAS(fails("h_empty"), "not a tar archive");
    CHECK_HAS(fails("does_not_exist"), "cannot open");
    {
        /* the linux image cut in half */
        char src[512], cmd[1200];
        snprintf(src, sizeof src, "%s/linux.tar", dir);
        snprintf(cmd, sizeof cmd, "head -c 6000 %s > %s/h_trunc.tar", src, dir);
        CHECK_INT(system(cmd), 0);
        const char *e = fails("h_trunc");
        CHECK(e[0] != 0);
    }

    /* a decompression bomb: 1 GiB of zeros in a ~100 KiB tarball */
    time_t t0 = time(NULL);
    CHECK_INT(mk("h_bomb", "{'layout':'oci','layers':[{'bomb':{'size':1073741824},'compress':'zstd'}]}"), 0);
    CHECK_HAS(fails("h_bomb"), "decompression bomb");
    /* a million tiny entries: stopped by the file limit, not by memory */
    CHECK_INT(mk("h_many", "{'layout':'docker','layers':[{'many':{'count':1000000},'compress':'zstd'}]}"), 0);
    CHECK_HAS(fails("h_many"), "PAL_INV_MAX_FILES");
    /* 100,000 files in one directory, an opaque whiteout after each: each
       marker must not re-walk the directory (that would be 5e9 steps) */
    CHECK_INT(mk("h_opq", "{'layout':'docker','layers':[{'entries':[{'path':'d00000/old','data':'o'}]},"
                 "{'many':{'count':100000,'per_dir':100000,'opaque':true},'compress':'zstd'}]}"), 0);
    j = inv("h_opq");
    CHECK(j && !file_at(j, "/d00000/old") && file_at(j, "/d00000/f0099999"));
    cJSON_Delete(j);
    fprintf(stderr, "(bomb + 1M entries + repeated whiteouts: %lds)\n", (long)(time(NULL) - t0));
}

/* Every layer is checked against the config's rootfs.diff_ids (the
   uncompressed tar) and its blob digest (a descriptor's, or the name
   blobs/sha256/<hex>); gzip CRCs and lengths are checked; a damaged or
   truncated layer is an error naming the layer, never an inventory. */
static char big_data[2001];

static const char *verify_fails(const char *name, const char *fmt, const char *extra)
{
    char spec[4096];
    snprintf(spec, sizeof spec, fmt, big_data, extra);
    if (mk(name, spec) != 0) return "(mkimage failed)";
    return fails(name);
}

static void test_verify(void)
{
    memset(big_data, 'x', 2000);
    /* one layer: a small file, then 2000 bytes of data from tar offset 1536 */
    const char *docker = "{'layout':'docker','layers':[{'entries':[{'path':'etc/os-release','data':'ID=t\\n'},"
                         "{'path':'big','data':'%s'}],%s}]}";
    const char *oci = "{'layout':'oci','layers':[{'entries':[{'path':'etc/os-release','data':'ID=t\\n'},"
                      "{'path':'big','data':'%s'}],%s}]}";
    const char *d25 = "{'layout':'docker25','layers':[{'entries':[{'path':'etc/os-release','data':'ID=t\\n'},"
                      "{'path':'big','data':'%s'}],%s}]}";
    const char *zeros = "'sha256:0000000000000000000000000000000000000000000000000000000000000000'";
    char extra[512];

    /* gzip trailer: CRC-32 and length; the content itself is intact (its
       diff_id matches), and legacy docker save gives no blob digest */
    CHECK_HAS(verify_fails("v_crc", docker, "'compress':'gzip','damage':{'flip':-8}"), "CRC-32 does not match");
    CHECK_HAS(last_err, "layer 0 (");
    CHECK_HAS(verify_fails("v_isize", docker, "'compress':'gzip','damage':{'flip':-1}"), "length does not match");
    /* a byte flipped inside a stored (level 0) gzip block: inflate cannot
       see it, the CRC does */
    CHECK_HAS(verify_fails("v_stored", docker, "'compress':'gzip','gzip_level':0,'damage':{'flip':1700}"),
              "CRC-32 does not match");
    /* ... and inside compressed data */
    CHECK_HAS(verify_fails("v_deflate", d25, "'compress':'gzip','damage':{'flip':40,'xor':255}"), "layer 0 (");
    CHECK_HAS(verify_fails("v_zstd", docker, "'compress':'zstd','damage':{'flip':40,'xor':255}"), "layer 0 (");

    /* diff_ids */
    snprintf(extra, sizeof extra, "'diff_id':%s", zeros);
    CHECK_HAS(verify_fails("v_diff", oci, extra), "the config's rootfs.diff_ids[0] says sha256:0000000000");
    CHECK_HAS(last_err, "the layer hashes to sha256:");
    snprintf(extra, sizeof extra, "'compress':'gzip','diff_id':%s", zeros);
    CHECK_HAS(verify_fails("v_diffgz", docker, extra), "the uncompressed layer hashes to sha256:");
    CHECK_HAS(verify_fails("v_diffbad", docker, "'diff_id':'md5:d41d8cd98f00b204e9800998ecf8427e'"),
              "rootfs.diff_ids[0] 'md5:d41d8cd98f00b204e9800998ecf8427e' is not a digest");
    CHECK_HAS(verify_fails("v_diffcount", "{'layout':'oci','config_top':{'rootfs':{'type':'layers','diff_ids':[]}},"
                           "'layers':[{'entries':[{'path':'big','data':'%s'}]%s}]}", ""),
              "rootfs.diff_ids lists 0 layers but the manifest 1");

    /* blob digests: the layer decompresses to the right tar, but the blob
       is not the one its descriptor (OCI) or its name (docker >= 25) says */
    snprintf(extra, sizeof extra, "'compress':'gzip','digest':'sha256:%s'",
             "abababababababababababababababababababababababababababababababab");
    CHECK_HAS(verify_fails("v_digest", oci, extra), "the blob as stored hashes to sha256:");
    CHECK_HAS(last_err, "but its descriptor in the image manifest says sha256:abab");
    CHECK_HAS(verify_fails("v_digest25", d25, extra), "but its name in manifest.json says sha256:abab");

    /* the config is named by its digest too (it is the image id and holds the diff_ids) */
    const char *cfgs[][2] = {{"v_cfg", "docker"}, {"v_cfg25", "docker25"}, {"v_cfgoci", "oci"}};
    for (unsigned i = 0; i < 3; i++) {
        snprintf(extra, sizeof extra, "{'layout':'%s','config_digest':%s,'layers':[{'entries':[]}]}",
                 cfgs[i][1], zeros);
        CHECK_INT(mk(cfgs[i][0], extra), 0);
        CHECK_HAS(fails(cfgs[i][0]), "not the digest sha256:0000000000000000000000000000000000000000000000000000000000000000");
        CHECK_HAS(last_err, "config '");
    }

    /* truncated layers */
    CHECK_HAS(verify_fails("v_truncgz", docker, "'compress':'gzip','damage':{'truncate':-20}"),
              "the gzip stream ends early");
    CHECK_HAS(verify_fails("v_trunctar", docker, "'damage':{'truncate':1600}"), "layer 0");
    CHECK_HAS(last_err, "runcated");
    CHECK_HAS(verify_fails("v_trunchdr", docker, "'damage':{'truncate':1024}"), "layer 0 (");
    CHECK_HAS(verify_fails("v_trunczst", docker, "'compress':'zstd','damage':{'truncate':-6}"), "layer 0 (");

    /* an empty (0-byte) blob must still be what its digests say */
    snprintf(extra, sizeof extra, "{'layout':'docker25','layers':[{'raw_b64':'','diff_id':%s}]}", zeros);
    CHECK_INT(mk("v_empty", extra), 0);
    CHECK_HAS(fails("v_empty"), "rootfs.diff_ids[0] says sha256:0000");

    /* every way a layer reaches the reader checks it: a layer stashed from a
       gzipped tarball (sorted: met before its turn), a layout directory */
    snprintf(extra, sizeof extra, "{'layout':'docker25','outer_compress':'gzip','sort_entries':true,'layers':["
             "{'entries':[{'path':'a','data':'1'}]},{'entries':[{'path':'b','data':'2'}],'compress':'gzip',"
             "'diff_id':%s},{'entries':[{'path':'c','data':'3'}]}]}", zeros);
    CHECK_INT(mk("v_stash", extra), 0);
    CHECK_HAS(fails("v_stash"), "layer 1 (");
    CHECK_HAS(last_err, "rootfs.diff_ids[1] says sha256:0000");
    {
        char cmd[1024];
        snprintf(cmd, sizeof cmd, "mkdir -p %s/v_digest_dir.tar && tar -C %s/v_digest_dir.tar -xf %s/v_digest.tar",
                 dir, dir, dir);
        CHECK_INT(system(cmd), 0);
        CHECK_HAS(fails("v_digest_dir"), "the blob as stored hashes to sha256:");
    }

    /* intact images verify, and say what their layers are */
    CHECK_INT(mk("v_ok", "{'layout':'oci','layers':[{'entries':[{'path':'a','data':'1'}],'compress':'gzip'},"
                 "{'entries':[{'path':'b','data':'2'}],'compress':'zstd'},{'entries':[{'path':'c','data':'3'}]}]}"), 0);
    cJSON *j = inv("v_ok");
    CHECK(j != NULL);
    const cJSON *ls = j ? cJSON_GetObjectItem(cJSON_GetObjectItem(j, "image"), "layers") : NULL;
    CHECK_INT(cJSON_GetArraySize(ls), 3);
    for (int i = 0; i < 3; i++) {
        const cJSON *l = cJSON_GetArrayItem(ls, i);
        CHECK(S(l, "diff_id") && !strncmp(S(l, "diff_id"), "sha256:", 7));
        CHECK(S(l, "diff_id") && nth_str(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "image"), "diff_ids"), i) &&
              !strcmp(S(l, "diff_id"), nth_str(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "image"), "diff_ids"), i)));
    }
    cJSON_Delete(j);
}

/* Odd but readable: hardlinks to nothing, to directories, to themselves or
   in loops, whiteouts of '/': each is a warning naming its layer and entry. */
static void test_warnings(void)
{
    CHECK_INT(mk("w_links", "{'layout':'docker','layers':["
        "{'entries':[{'path':'bin/busybox','data':'hello\\n'},"
        " {'path':'bin/ok','type':'hardlink','link':'bin/busybox'},"
        " {'path':'bin/dangling','type':'hardlink','link':'nowhere/x'},"
        " {'path':'self','type':'hardlink','link':'/self'},"
        " {'path':'loop/a','type':'hardlink','link':'loop/b'},"
        " {'path':'loop/b','type':'hardlink','link':'loop/a'},"
        " {'path':'chain','type':'hardlink','link':'bin/dangling'},"
        " {'path':'dirlink','type':'hardlink','link':'bin'},"
        " {'path':'.wh.','data':''},{'path':'bin/.wh..','data':''}]},"
        "{'entries':[{'path':'bin/busybox2','data':'hello\\n'},"
        " {'path':'bin/busybox2','type':'hardlink','link':'bin/busybox2'},{'path':'/.wh..','data':''}]}]}"), 0);
    cJSON *j = inv_opts("w_links", true, 0);
    CHECK(j != NULL);
    if (!j) { fprintf(stderr, "w_links: %s\n", last_err); return; }
    CHECK(has_warning(j, "layer 0, entry 'bin/dangling'", "hardlink to 'nowhere/x', which no earlier entry created"));
    CHECK(has_warning(j, "layer 0, entry 'self'", "a hardlink to itself, with no file to share"));
    CHECK(has_warning(j, "layer 0, entry 'loop/a'", "hardlink to 'loop/b', which no earlier entry created"));
    CHECK(has_warning(j, "layer 0, entry 'loop/b'", "a hardlink loop: 'loop/a' links back to this entry"));
    CHECK(has_warning(j, "layer 0, entry 'chain'", "hardlink to 'bin/dangling', itself a hardlink to nothing"));
    CHECK(has_warning(j, "layer 0, entry 'dirlink'", "hardlink to 'bin', a directory"));
    CHECK(has_warning(j, "layer 0, entry '.wh.'", "a whiteout of '/' is ignored"));
    CHECK(has_warning(j, "layer 0, entry 'bin/.wh..'", "a whiteout of its own directory is ignored"));
    CHECK(has_warning(j, "layer 1, entry 'bin/busybox2'", "a hardlink to itself (it keeps the file it replaces)"));
    CHECK(has_warning(j, "layer 1, entry '/.wh..'", "a whiteout of '/' is ignored"));
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(j, "warnings")), 10);   /* bin/ok is fine */
    const cJSON *f;
    CHECK((f = file_at(j, "/bin/ok")) && S(f, "sha256") && !strcmp(S(f, "sha256"), HELLO_SHA256));
    CHECK((f = file_at(j, "/loop/b")) && !strcmp(S(f, "type"), "hardlink") && !S(f, "sha256"));
    CHECK((f = file_at(j, "/bin/busybox2")) && S(f, "sha256") && !strcmp(S(f, "sha256"), HELLO_SHA256));
    CHECK(file_at(j, "/bin/busybox") && file_at(j, "/self"));   /* the whiteouts removed nothing */
    cJSON_Delete(j);

    /* a clean image has none; a hostile one lists PAL_INV_MAX_WARNINGS and counts the rest */
    CHECK((j = inv("linux")) != NULL);
    CHECK(j && cJSON_IsArray(cJSON_GetObjectItem(j, "warnings")));
    CHECK(j && has_warning(j, "entry 'bin/dangling'", "nowhere/x"));
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(j, "warnings")), 1);
    cJSON_Delete(j);
    CHECK((j = inv("l_docker")) && cJSON_GetArraySize(cJSON_GetObjectItem(j, "warnings")) == 0);
    cJSON_Delete(j);
    char spec[16384];
    int k = snprintf(spec, sizeof spec, "{'layout':'docker','layers':[{'entries':[");
    for (int i = 0; i < 150; i++)
        k += snprintf(spec + k, sizeof spec - k, "%s{'path':'h%d','type':'hardlink','link':'none%d'}", i ? "," : "", i, i);
    snprintf(spec + k, sizeof spec - k, "]}]}");
    CHECK_INT(mk("w_many", spec), 0);
    CHECK((j = inv("w_many")) != NULL);
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(j, "warnings")), PAL_INV_MAX_WARNINGS + 1);
    CHECK(j && has_warning(j, "50 more warnings not listed", "PAL_INV_MAX_WARNINGS"));
    cJSON_Delete(j);
}

/* Stage-level checks that need no image. */
static void test_stages(void)
{
    /* MD5 test vectors (RFC 1321) */
    static const struct { const char *in, *md5; } v[] = {
        {"", "d41d8cd98f00b204e9800998ecf8427e"},
        {"abc", "900150983cd24fb0d6963f7d28e17f72"},
        {"message digest", "f96b697d7cb7938d525a2f31aaf161d0"},
        {"12345678901234567890123456789012345678901234567890123456789012345678901234567890",
         "57edf4a22be3c955ac49da2e2107b67a"},
    };
    for (unsigned i = 0; i < sizeof v / sizeof v[0]; i++) {
        pal_md5 m;
        unsigned char d[16];
        char hex[33];
        pal_md5_init(&m);
        for (const char *p = v[i].in; *p; p++) pal_md5_update(&m, p, 1);  /* byte by byte */
        pal_md5_final(&m, d);
        pal_hex(d, 16, hex);
        CHECK_STR(hex, v[i].md5);
    }
    /* SHA-256: the accelerated path (when the CPU has one) gives libsodium's
       digests, whatever the length and however the bytes are split */
    {
        static unsigned char buf[4096 + 3];
        for (size_t i = 0; i < sizeof buf; i++) buf[i] = (unsigned char)(i * 131 + (i >> 7));
        unsigned bad = 0;
        for (size_t len = 0; len <= sizeof buf; len += len < 300 ? 1 : 97) {
            unsigned char want[32], got[32], got2[32];
            crypto_hash_sha256(want, buf, len);
            pal_sha256 h;
            pal_sha256_init(&h);
            pal_sha256_update(&h, buf, len);
            pal_sha256_final(&h, got);
            pal_sha256_init(&h);
            for (size_t o = 0, step = 1; o < len; o += step, step = step * 3 % 71 + 1)
                pal_sha256_update(&h, buf + o, step < len - o ? step : len - o);
            pal_sha256_final(&h, got2);
            bad += memcmp(want, got, 32) != 0 || memcmp(want, got2, 32) != 0;
        }
        CHECK_INT(bad, 0);
        unsigned char d[32];
        char hex[65];
        pal_sha256 h;
        pal_sha256_init(&h);
        pal_sha256_update(&h, "abc", 3);
        pal_sha256_final(&h, d);
        pal_hex(d, 32, hex);
        CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        fprintf(stderr, "(SHA-256 %s)\n", pal_sha256_accelerated() ? "with the CPU's SHA extensions" : "libsodium");
    }
    /* dpkg: no final newline, CRLF, a stanza without Package */
    cJSON *a = cJSON_CreateArray();
    const char *st = "Version: 1\r\n\r\nPackage: zz\r\nVersion: 2:1.0-1\r\nSource: zsrc\r\nArchitecture: all";
    CHECK_INT(pal_dpkg_parse(st, strlen(st), a), 1);
    CHECK_STR(S(cJSON_GetArrayItem(a, 0), "version"), "2:1.0-1");
    CHECK_STR(S(cJSON_GetArrayItem(a, 0), "source"), "zsrc");
    CHECK_STR(S(cJSON_GetArrayItem(a, 0), "source_version"), "2:1.0-1");
    cJSON_Delete(a);
    /* passwd without shadow; group members */
    a = cJSON_CreateArray();
    const char *pw = "# comment\n+nis\nsvc:!:5:5::/:/bin/false\nx:x:1:1::/:/bin/sh";
    CHECK_INT(pal_users_parse(pw, strlen(pw), NULL, 0, a), 2);
    CHECK_INT(B(cJSON_GetArrayItem(a, 0), "locked"), 1);
    CHECK_INT(B(cJSON_GetArrayItem(a, 1), "empty_password"), 0);
    cJSON_Delete(a);
    /* the one name normaliser: both contracts */
    static const struct { const char *base, *in; unsigned flags; int rc; const char *out; } nv[] = {
        {NULL, "./a//b/./c/", 0, PAL_NAME_OK, "a/b/c"},
        {NULL, "a/../b", 0, PAL_NAME_OK, "b"},
        {NULL, "a/..", 0, PAL_NAME_OK, ""},
        {NULL, "a/../..", 0, PAL_NAME_ESCAPES, NULL},
        {NULL, "/etc/passwd", 0, PAL_NAME_ESCAPES, NULL},
        {NULL, "/etc//passwd", PAL_NAME_ROOTED, PAL_NAME_OK, "etc/passwd"},
        {NULL, "//", PAL_NAME_ROOTED, PAL_NAME_OK, ""},
        {NULL, "/../x", PAL_NAME_ROOTED, PAL_NAME_ESCAPES, NULL},
        {"abc/", "../def/layer.tar", 0, PAL_NAME_OK, "def/layer.tar"},
        {"abc", "../../x", 0, PAL_NAME_ESCAPES, NULL},
        {"abc", "/x", 0, PAL_NAME_ESCAPES, NULL},
        {NULL, "0123456789abcdef", 0, PAL_NAME_TOO_LONG, NULL},
    };
    for (unsigned i = 0; i < sizeof nv / sizeof nv[0]; i++) {
        char out[16];
        int rc = pal_inv_clean_name(nv[i].base, nv[i].in, nv[i].flags, out, sizeof out);
        CHECK_INT(rc, nv[i].rc);
        if (nv[i].out && rc == PAL_NAME_OK) CHECK_STR(out, nv[i].out);
    }
    /* strings from untrusted bytes */
    cJSON *s = pal_inv_str("a\xc0\xafz\xed\xa0\x80", 7);   /* overlong '/', a surrogate */
    CHECK_STR(s->valuestring, "a\xef\xbf\xbd\xef\xbf\xbdz\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
    cJSON_Delete(s);
}

int main(void)
{
    if (access(helper, R_OK) != 0) {
        fprintf(stderr, "test_inventory: run from the repository root (%s not found)\n", helper);
        return 1;
    }
    snprintf(dir, sizeof dir, "/tmp/palisade-inv-XXXXXX");
    if (!mkdtemp(dir)) { perror("mkdtemp"); return 1; }
    if (start_helper() < 0) { perror("starting mkimage.py --serve"); return 1; }
    test_stages();
    test_linux();
    test_layouts();
    test_windows();
    test_databases();
    test_content();
    test_sparse();
    test_hostile();
    test_verify();
    test_warnings();
    fclose(to_helper);   /* the helper exits at end of input */
    fclose(from_helper);
    wait(NULL);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd)) fprintf(stderr, "could not remove %s\n", dir);
    return unit_result("test_inventory");
}

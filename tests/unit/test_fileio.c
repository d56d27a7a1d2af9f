/*
 * test_fileio.c — the atomic writer (engine/base/fileio.h) replaces only
 * regular files.  Every command that writes a file goes through it (scan
 * and report -o, learn -o, fmt -w, build, keygen, feed convert, sigma, the
 * agent's state and bundle cache), and rename(2) replaces whatever has the
 * name: as root, `-o /dev/null` once replaced /dev/null with a regular
 * file.  So a target that exists and is not a regular file (a device, a
 * FIFO, a directory, a socket, a link to one) is refused, when the write
 * begins and again just before the rename, and left as it was with no
 * temporary file beside it.  The device here is a symbolic link to
 * /dev/null inside the test's directory: if the writer were wrong, the
 * link would be replaced, never the device.
 */
#include "tests/unit/unit.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include "engine/base/fileio.h"

static char dir[256];

static const char *at(const char *name)
{
    static char path[4][512];
    static int k;
    k = (k + 1) % 4;
    snprintf(path[k], sizeof path[k], "%s/%s", dir, name);
    return path[k];
}

/* Entries of the test directory whose name starts with '.' and holds
   ".tmp-": temporary files an aborted write left behind. */
static int leftovers(void)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (e->d_name[0] == '.' && strstr(e->d_name, ".tmp-")) n++;
    if (d) closedir(d);
    return n;
}

static mode_t type_of(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0 ? (st.st_mode & S_IFMT) : 0;
}

/* path is refused by both entry points, named in the error, and left as it is */
static void refused(const char *what, const char *path)
{
    mode_t before = type_of(path);
    char err[512] = "";
    CHECK_INT(pal_write_file_atomic(path, "x\n", 2, PAL_MODE_DEFAULT, err, sizeof err), -1);
    if (!strstr(err, "not a regular file")) fprintf(stderr, "%s: %s\n", what, err);
    CHECK(strstr(err, path) != NULL && strstr(err, "not a regular file") != NULL);
    pal_atomic w;
    err[0] = 0;
    CHECK_INT(pal_atomic_begin(&w, path, PAL_MODE_DEFAULT, err, sizeof err), -1);
    CHECK(strstr(err, "not a regular file") != NULL);
    CHECK_INT(type_of(path), before);
    CHECK_INT(leftovers(), 0);
}

static void test_regular_files(void)
{
    char err[512];
    const char *p = at("out.txt");
    CHECK_INT(pal_write_file_atomic(p, "new\n", 4, PAL_MODE_DEFAULT, err, sizeof err), 0);   /* a new file */
    CHECK_INT(pal_write_file_atomic(p, "again\n", 6, PAL_MODE_DEFAULT, err, sizeof err), 0);  /* replaced */
    char *data = NULL;
    size_t len = 0;
    CHECK_INT(pal_read_file(p, 64, &data, &len, err, sizeof err), PAL_READ_OK);
    CHECK_STR(data, "again\n");
    free(data);
    CHECK_INT(type_of(p), S_IFREG);
    CHECK_INT(leftovers(), 0);
}

static void test_not_regular(void)
{
    CHECK_INT(mkdir(at("adir"), 0755), 0);
    refused("a directory", at("adir"));
    CHECK_INT(mkfifo(at("fifo"), 0644), 0);
    refused("a FIFO", at("fifo"));
    CHECK_INT(symlink("/dev/null", at("null")), 0);   /* a character device, through a link */
    refused("a device", at("null"));
    CHECK_INT(type_of(at("null")), S_IFLNK);
    struct stat st;
    CHECK(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode));
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", at("sock"));
    if (s >= 0 && bind(s, (struct sockaddr *)&sa, sizeof sa) == 0) refused("a socket", at("sock"));
    if (s >= 0) close(s);
}

/* The target turns into a FIFO between begin and commit: the commit
   refuses too, and the FIFO stays. */
static void test_changed_before_commit(void)
{
    char err[512];
    const char *p = at("late");
    pal_atomic w;
    CHECK_INT(pal_atomic_begin(&w, p, PAL_MODE_DEFAULT, err, sizeof err), 0);
    fputs("data\n", w.f);
    CHECK_INT(mkfifo(p, 0644), 0);
    CHECK_INT(pal_atomic_commit(&w, err, sizeof err), -1);
    CHECK(strstr(err, "not a regular file") != NULL);
    CHECK_INT(type_of(p), S_IFIFO);
    CHECK_INT(leftovers(), 0);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/pal-test-fileio-XXXXXX");
    if (!mkdtemp(dir)) { perror("mkdtemp"); return 1; }
    test_regular_files();
    test_not_regular();
    test_changed_before_commit();
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return unit_result("test_fileio");
}

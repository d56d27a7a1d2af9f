/*
 * fileio.h — reading a whole file with a bound, writing one atomically,
 * and listing the files of a tree: the one copy of each the library and
 * the commands use.
 *
 * Reading.  Every input is untrusted, and "the whole file" must never mean
 * "as much as the file says": a regular file larger than the bound is
 * refused before anything is allocated, and a pipe or device (which has no
 * size) is read only up to one byte past the bound.  A directory, a
 * missing file and a read error are errors that name the path and the
 * reason, in the words users see ("PATH: is a directory, not a file").
 * The buffer is NUL-terminated (one byte past len), so text parsers may
 * rely on a terminator, but len is authoritative: the data may hold NULs.
 *
 * Writing.  A report, a bundle, a formatted policy or a learned policy is
 * written to a hidden temporary file beside the target (same file system,
 * and skipped by every walker of a policy tree), synced,
 * given its mode, and renamed over the target, so a reader sees the old
 * file or the new one, never half of one, and a failed write leaves the
 * old file untouched.
 *
 * Listing.  pal_list_files walks a directory tree for files with given suffixes,
 * skipping hidden entries (".git", ".palisade.yaml" and the like) and never
 * following a symbolic link to a directory (a link to "." would make the
 * walk exponential), bounded in depth and count, and returns the paths
 * relative to the root in byte order, so every run sees the same order.
 */
#ifndef PAL_FILEIO_H
#define PAL_FILEIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum {
    PAL_READ_OK = 0,
    PAL_READ_ERROR = -1,        /* cannot open / not a file / read error: err says which */
    PAL_READ_TOO_LARGE = -2,    /* larger than max: err says so; callers may word their own limit */
};

/* The whole of path, at most max bytes, into *data (malloc'ed, NUL-
   terminated; free it) and *len.  Returns PAL_READ_OK or an error code
   with "PATH: reason" in err. */
int pal_read_file(const char *path, size_t max, char **data, size_t *len, char *err, size_t errcap);
/* The same from an open descriptor (standard input, a pipe); name is what
   messages call it ("standard input"). The descriptor is not closed. */
int pal_read_fd(int fd, const char *name, size_t max, char **data, size_t *len, char *err, size_t errcap);
/* pal_read_file, or pal_read_fd on standard input when path is "-". */
int pal_read_path_or_stdin(const char *path, size_t max, char **data, size_t *len, char *err, size_t errcap);

/* The mode of a new file: 0666 less the process umask, as open(2) gives. */
#define PAL_MODE_DEFAULT (-1)

/* An atomic write in progress: write to f, then commit or abort. */
typedef struct pal_atomic {
    FILE *f;
    char *tmp, *path;
    int mode;
} pal_atomic;

int pal_atomic_begin(pal_atomic *w, const char *path, int mode, char *err, size_t errcap);
/* Flushes, syncs, sets the mode and renames over the target; on failure the
   target is untouched and the temporary file removed.  w is finished either way. */
int pal_atomic_commit(pal_atomic *w, char *err, size_t errcap);
void pal_atomic_abort(pal_atomic *w);
/* The whole of buf as the new content of path. */
int pal_write_file_atomic(const char *path, const void *buf, size_t len, int mode, char *err, size_t errcap);

/* A sorted list of relative paths. */
typedef struct pal_pathlist {
    char **v;
    size_t n, cap;
    bool truncated;             /* more than max files: the walk stopped */
} pal_pathlist;

/* Every regular file under root whose name ends in one of suffixes (a
   NULL-terminated list; NULL = any name), recursively up to max_depth
   directories down (0: root only), at most max files.  Returns 0, or -1
   with "ROOT: reason" in err when root cannot be read. */
int pal_list_files(const char *root, const char *const *suffixes, unsigned max_depth, size_t max,
                   pal_pathlist *out, char *err, size_t errcap);
void pal_pathlist_free(pal_pathlist *l);

#endif

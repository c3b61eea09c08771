/*
 * Long paths, a piece at a time: the path is cut after a '/' before PATH_MAX bytes, the
 * directory named so far is opened (relative to the one before), and the rest goes on from
 * there. A short path goes straight to the system call.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "source/longpath.h"

/* Open the directory holding the last piece: *rest gets the piece (under PATH_MAX) to open
 * from the returned descriptor (AT_FDCWD when path is short); -2 with errno on failure. */
static int walk_down(const char *path, const char **rest)
{
    int dfd = AT_FDCWD;
    const char *p = path;
    char piece[PATH_MAX];
    while (strlen(p) >= PATH_MAX) {
        const char *cut = memrchr(p, '/', PATH_MAX - 1);
        int nfd, saved;
        if (!cut || cut == p) { /* no '/' to cut at: one name over PATH_MAX */
            if (dfd != AT_FDCWD)
                close(dfd);
            errno = ENAMETOOLONG;
            return -2;
        }
        memcpy(piece, p, (size_t)(cut - p));
        piece[cut - p] = '\0';
        nfd = openat(dfd, piece, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        saved = errno;
        if (dfd != AT_FDCWD)
            close(dfd);
        if (nfd < 0) {
            errno = saved;
            return -2;
        }
        dfd = nfd;
        for (p = cut; *p == '/'; p++)
            ;
    }
    *rest = p;
    return dfd;
}

int vg_open_long(const char *path, int flags)
{
    const char *rest;
    int dfd, fd, saved;
    if (strlen(path) < PATH_MAX)
        return open(path, flags);
    if ((dfd = walk_down(path, &rest)) == -2)
        return -1;
    fd = openat(dfd, *rest ? rest : ".", flags);
    saved = errno;
    if (dfd != AT_FDCWD)
        close(dfd);
    errno = saved;
    return fd;
}

ssize_t vg_readlink_long(const char *path, char *buf, size_t cap)
{
    const char *rest;
    int dfd, saved;
    ssize_t n;
    if (strlen(path) < PATH_MAX)
        return readlink(path, buf, cap);
    if ((dfd = walk_down(path, &rest)) == -2)
        return -1;
    n = readlinkat(dfd, rest, buf, cap);
    saved = errno;
    if (dfd != AT_FDCWD)
        close(dfd);
    errno = saved;
    return n;
}

int vg_lstat_long(const char *path, struct stat *st)
{
    const char *rest;
    int dfd, rc, saved;
    if (strlen(path) < PATH_MAX)
        return lstat(path, st);
    if ((dfd = walk_down(path, &rest)) == -2)
        return -1;
    rc = fstatat(dfd, *rest ? rest : ".", st, AT_SYMLINK_NOFOLLOW);
    saved = errno;
    if (dfd != AT_FDCWD)
        close(dfd);
    errno = saved;
    return rc;
}

/*
 * open(2) and lstat(2) for paths of any length. The kernel refuses a path of PATH_MAX bytes or
 * more (ENAMETOOLONG), yet evidence trees can be deeper: such a path is opened a piece at a
 * time, each piece under PATH_MAX, with openat from the directory the last piece opened.
 */
#ifndef VG_SOURCE_LONGPATH_H
#define VG_SOURCE_LONGPATH_H
#include <sys/stat.h>
#include <sys/types.h>

/* As open(path, flags) (no O_CREAT): a descriptor, or -1 with errno set. */
int vg_open_long(const char *path, int flags);
/* As lstat(path, st): 0, or -1 with errno set. */
int vg_lstat_long(const char *path, struct stat *st);
/* As readlink(path, buf, cap): the target's length (not terminated), or -1 with errno set. */
ssize_t vg_readlink_long(const char *path, char *buf, size_t cap);

#endif

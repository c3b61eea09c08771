/*
 * Directory walker: depth first, entries of each directory in byte order of
 * their names, symlinks not followed (except a symlink named on the command
 * line, as find -H does). Directories are not reported, only the failure to
 * read one. Memory: one directory's names per level of depth. Paths longer than PATH_MAX
 * are walked too (source/longpath.h); open the entries with vg_open_long.
 */
#ifndef VG_SOURCE_WALK_H
#define VG_SOURCE_WALK_H
#include <signal.h>
#include <stddef.h>
#include <sys/stat.h>

typedef struct vg_walk_entry {
    const char *path;
    size_t path_len;
    const struct stat *st;   /* lstat of the entry (stat for a followed root); NULL on failure */
    int err;                 /* errno when st is NULL or the directory could not be read */
    int is_dir;              /* a directory that failed (err says why) */
    int follow;              /* a symlink named as a root: open it following the link */
} vg_walk_entry;

/* Return non-zero from the callback to stop the walk; that value is returned. */
typedef int (*vg_walk_fn)(const vg_walk_entry *e, void *ud);

int vg_walk(const char *root, vg_walk_fn fn, void *ud, volatile sig_atomic_t *stop);

#endif

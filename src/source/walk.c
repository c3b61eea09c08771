/*
 * Streaming directory walk. Each level keeps the sorted names of one directory
 * and the device/inode that identifies it, so a directory met again among its
 * own ancestors (bind mounts) is reported as a loop instead of walked forever.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "source/longpath.h"
#include "source/walk.h"

typedef struct frame {
    char *names;        /* NUL-separated names */
    size_t *offs;       /* offsets into names, sorted */
    size_t count, next;
    size_t path_len;    /* length of the directory's path in the path buffer */
    dev_t dev;
    ino_t ino;
} frame;

typedef struct walker {
    vg_buf path;
    frame *stack;
    size_t depth, cap;
    vg_walk_fn fn;
    void *ud;
} walker;

static int cmp_names(const void *a, const void *b, void *base)
{
    const char *names = base;
    return strcmp(names + *(const size_t *)a, names + *(const size_t *)b);
}

static int open_dir(const char *path, int follow)
{
    int flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW);
    int fd = vg_open_long(path, flags | O_NOATIME);
    if (fd < 0 && errno == EPERM) /* O_NOATIME is for the owner only */
        fd = vg_open_long(path, flags);
    return fd;
}

/* Read and sort one directory's names into f; returns 0 or an errno. */
static int read_dir(frame *f, const char *path, int follow)
{
    vg_buf names;
    size_t n = 0, cap = 0, *offs = NULL;
    struct dirent *de;
    DIR *d;
    int fd = open_dir(path, follow), rc = 0;
    if (fd < 0)
        return errno;
    d = fdopendir(fd);
    if (!d) {
        rc = errno;
        close(fd);
        return rc;
    }
    vg_buf_init(&names, (size_t)1 << 34);
    for (;;) {
        errno = 0;
        de = readdir(d);
        if (!de) {
            rc = errno;
            break;
        }
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 64;
            size_t *p = realloc(offs, ncap * sizeof *offs);
            if (!p) {
                rc = ENOMEM;
                break;
            }
            offs = p;
            cap = ncap;
        }
        offs[n++] = names.len;
        vg_buf_add(&names, de->d_name, strlen(de->d_name) + 1);
    }
    closedir(d);
    if (!rc && vg_buf_failed(&names))
        rc = ENOMEM;
    if (rc) {
        free(offs);
        vg_buf_dispose(&names);
        return rc;
    }
    if (n > 1)
        qsort_r(offs, n, sizeof *offs, cmp_names, names.ptr);
    f->names = vg_buf_detach(&names, NULL);
    f->offs = offs;
    f->count = n;
    f->next = 0;
    return 0;
}

static int emit(walker *w, const struct stat *st, int err, int is_dir, int follow)
{
    vg_walk_entry e = {w->path.ptr, w->path.len, st, err, is_dir, follow};
    return w->fn(&e, w->ud);
}

static int in_ancestors(const walker *w, const struct stat *st)
{
    for (size_t i = 0; i < w->depth; i++)
        if (w->stack[i].dev == st->st_dev && w->stack[i].ino == st->st_ino)
            return 1;
    return 0;
}

/* Enter the directory whose path is in w->path; on failure report it. */
static int push_dir(walker *w, const struct stat *st, int follow)
{
    frame f = {0};
    int err;
    if (in_ancestors(w, st))
        return emit(w, st, ELOOP, 1, 0);
    err = read_dir(&f, w->path.ptr, follow);
    if (err)
        return emit(w, st, err, 1, 0);
    if (w->depth == w->cap) {
        size_t ncap = w->cap ? w->cap * 2 : 16;
        frame *p = realloc(w->stack, ncap * sizeof *p);
        if (!p) {
            free(f.names);
            free(f.offs);
            return emit(w, st, ENOMEM, 1, 0);
        }
        w->stack = p;
        w->cap = ncap;
    }
    f.path_len = w->path.len;
    f.dev = st->st_dev;
    f.ino = st->st_ino;
    w->stack[w->depth++] = f;
    return 0;
}

static void pop_dir(walker *w)
{
    frame *f = &w->stack[--w->depth];
    free(f->names);
    free(f->offs);
}

static int walk_tree(walker *w, volatile sig_atomic_t *stop)
{
    int rc = 0;
    while (w->depth > 0 && rc == 0) {
        frame *f = &w->stack[w->depth - 1];
        struct stat st;
        const char *name;
        if (stop && __atomic_load_n(stop, __ATOMIC_RELAXED))
            break;
        if (f->next == f->count) {
            pop_dir(w);
            continue;
        }
        name = f->names + f->offs[f->next++];
        w->path.len = f->path_len;
        if (f->path_len == 0 || w->path.ptr[f->path_len - 1] != '/')
            vg_buf_addc(&w->path, '/');
        vg_buf_adds(&w->path, name);
        if (vg_buf_failed(&w->path))
            return ENOMEM;
        if (vg_lstat_long(w->path.ptr, &st) < 0)
            rc = emit(w, NULL, errno, 0, 0);
        else if (S_ISDIR(st.st_mode))
            rc = push_dir(w, &st, 0);
        else
            rc = emit(w, &st, 0, 0, 0);
    }
    while (w->depth > 0)
        pop_dir(w);
    return rc;
}

int vg_walk(const char *root, vg_walk_fn fn, void *ud, volatile sig_atomic_t *stop)
{
    walker w = {.fn = fn, .ud = ud};
    struct stat lst, st;
    size_t len = strlen(root);
    int rc;
    while (len > 1 && root[len - 1] == '/') /* "dir/" names the same entries as "dir" */
        len--;
    vg_buf_init(&w.path, 1 << 20);
    vg_buf_add(&w.path, root, len);
    if (vg_buf_failed(&w.path))
        return ENOMEM;
    if (lstat(w.path.ptr, &lst) < 0)
        rc = emit(&w, NULL, errno, 0, 0);
    else if (!S_ISLNK(lst.st_mode))
        rc = S_ISDIR(lst.st_mode) ? push_dir(&w, &lst, 0) : emit(&w, &lst, 0, 0, 0);
    else if (stat(w.path.ptr, &st) < 0) /* a symlink named by the user is followed once, like find -H */
        rc = emit(&w, NULL, errno, 0, 1);
    else
        rc = S_ISDIR(st.st_mode) ? push_dir(&w, &st, 1) : emit(&w, &st, 0, 0, 1);
    if (rc == 0)
        rc = walk_tree(&w, stop);
    free(w.stack);
    vg_buf_dispose(&w.path);
    return rc;
}

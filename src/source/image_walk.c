/*
 * Inside a file system of an image: the recursive walk of allocated and
 * deleted names (NTFS data streams one entry each), content read back by
 * metadata address, and the unallocated blocks as byte extents for carving.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "source/image_int.h"

typedef struct walk_ctx {
    vg_image *im;
    size_t region;
    TSK_FS_INFO *fs;
    vg_image_file_fn fn;
    void *ud;
    volatile sig_atomic_t *stop;
    vg_buf path;
    int rc;
} walk_ctx;

static vigil_item_type type_of(TSK_FS_META_TYPE_ENUM t)
{
    switch (t) {
    case TSK_FS_META_TYPE_REG: return VIGIL_ITEM_FILE;
    case TSK_FS_META_TYPE_LNK: return VIGIL_ITEM_SYMLINK;
    case TSK_FS_META_TYPE_FIFO: return VIGIL_ITEM_FIFO;
    case TSK_FS_META_TYPE_SOCK: return VIGIL_ITEM_SOCKET;
    case TSK_FS_META_TYPE_CHR: return VIGIL_ITEM_CHARDEV;
    case TSK_FS_META_TYPE_BLK: return VIGIL_ITEM_BLOCKDEV;
    default: return VIGIL_ITEM_OTHER;
    }
}

static void set_time(vigil_fs_time *t, time_t sec, uint32_t nsec, int wall_clock)
{
    t->sec = (int64_t)sec;
    t->nsec = nsec;
    t->set = sec != 0; /* TSK leaves a time the file system lacks at 0 */
    t->local = wall_clock;
}

/*
 * FAT and exFAT keep wall-clock times, which TSK turns into time_t with
 * mktime(), in the process's time zone. Read that wall clock back
 * (localtime_r undoes mktime whatever TZ is) and take it as UTC (timegm), so
 * the times come out as recorded without the process having to run in
 * TZ=UTC: a server that serves requests must not change its time zone.
 */
static time_t as_recorded(time_t t, int wall_clock)
{
    struct tm tm;
    if (!wall_clock || t == 0 || !localtime_r(&t, &tm))
        return t;
    return timegm(&tm);
}

static void fill_meta(vg_image_file *e, const TSK_FS_FILE *f)
{
    const TSK_FS_META *m = f->meta;
    int fat = f->fs_info && TSK_FS_TYPE_ISFAT(f->fs_info->ftype);
    int name_alloc = f->name && (f->name->flags & TSK_FS_NAME_FLAG_ALLOC);
    e->allocated = name_alloc && (m->flags & TSK_FS_META_FLAG_ALLOC);
    e->reallocated = !name_alloc && (m->flags & TSK_FS_META_FLAG_ALLOC);
    e->size = m->size > 0 ? (uint64_t)m->size : 0;
    e->type = type_of(m->type);
    set_time(&e->times[VIGIL_TIME_CREATED], as_recorded(m->crtime, fat), m->crtime_nano, fat);
    set_time(&e->times[VIGIL_TIME_MODIFIED], as_recorded(m->mtime, fat), m->mtime_nano, fat);
    set_time(&e->times[VIGIL_TIME_ACCESSED], as_recorded(m->atime, fat), m->atime_nano, fat);
    set_time(&e->times[VIGIL_TIME_CHANGED], as_recorded(m->ctime, fat), m->ctime_nano, fat);
}

static int emit_entry(walk_ctx *c, vg_image_file *e, size_t base_len, const char *stream)
{
    c->path.len = base_len;
    c->path.ptr[base_len] = '\0';
    if (stream) {
        vg_buf_addc(&c->path, ':');
        vg_buf_adds(&c->path, stream);
    }
    if (vg_buf_failed(&c->path))
        return -1;
    e->path = c->path.ptr;
    e->path_len = c->path.len;
    return c->fn(c->ud, e);
}

/* An NTFS index: metadata such as $Extend/$ObjId or $Quota, which holds no $DATA and is no file. */
static int has_index(TSK_FS_FILE *f)
{
    int n = tsk_fs_file_attr_getsize(f);
    for (int i = 0; i < n; i++) {
        const TSK_FS_ATTR *a = tsk_fs_file_attr_get_idx(f, i);
        if (a && a->type == TSK_FS_ATTR_TYPE_NTFS_IDXROOT)
            return 1;
    }
    return 0;
}

/* A FAT volume label: TSK lists the directory entry that holds it as an empty file so named. */
static int fat_volume_label(const TSK_FS_FILE *f)
{
    static const char tag[] = " (Volume Label Entry)";
    size_t n = f->name ? strlen(f->name->name) : 0;
    return f->fs_info && TSK_FS_TYPE_ISFAT(f->fs_info->ftype) && f->meta->size == 0 && n > sizeof tag - 1 &&
           !strcmp(f->name->name + n - (sizeof tag - 1), tag);
}

/* NTFS: one entry per $DATA attribute; the unnamed one is the file itself. */
static int emit_ntfs_streams(walk_ctx *c, TSK_FS_FILE *f, vg_image_file *e, size_t base_len, int is_dir,
                             int orphan)
{
    int n = tsk_fs_file_attr_getsize(f), rc = 0, any = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        const TSK_FS_ATTR *a = tsk_fs_file_attr_get_idx(f, i);
        int unnamed;
        if (!a || a->type != TSK_FS_ATTR_TYPE_NTFS_DATA)
            continue;
        unnamed = !a->name || !a->name[0] || !strcmp(a->name, "$Data");
        if (is_dir && unnamed)
            continue;
        /* $BadClus:$Bad spans the whole volume and holds no data of its own (TSK reads nothing). */
        if (f->meta->addr == 8 && a->name && !strcmp(a->name, "$Bad"))
            continue;
        if (orphan && a->size <= 0)
            continue;
        e->ref.attr_id = a->id;
        e->ref.has_attr_id = 1;
        e->size = a->size > 0 ? (uint64_t)a->size : 0;
        e->type = VIGIL_ITEM_FILE;
        rc = emit_entry(c, e, base_len, unnamed ? NULL : a->name);
        any = 1;
    }
    tsk_error_reset();
    if (!any && !is_dir && !orphan && !has_index(f)) { /* no $DATA (a damaged or wiped record): the default */
        e->ref.has_attr_id = 0;
        rc = emit_entry(c, e, base_len, NULL);
    }
    return rc;
}

static TSK_WALK_RET_ENUM on_name(TSK_FS_FILE *f, const char *dir, void *ud)
{
    walk_ctx *c = ud;
    vg_image_file e;
    size_t base_len;
    int is_dir, orphan, rc;
    if (c->stop && __atomic_load_n(c->stop, __ATOMIC_RELAXED))
        return TSK_WALK_STOP;
    if (!f->name || TSK_FS_ISDOT(f->name->name))
        return TSK_WALK_CONT;
    memset(&e, 0, sizeof e);
    c->path.len = 0;
    vg_buf_adds(&c->path, dir);
    vg_buf_adds(&c->path, f->name->name);
    if (vg_buf_failed(&c->path)) {
        c->rc = -1;
        return TSK_WALK_ERROR;
    }
    base_len = c->path.len;
    e.ref.region = c->region;
    e.ref.inum = f->name->meta_addr;
    if (!f->meta) { /* a deleted name whose metadata entry is gone */
        if (f->name->type == TSK_FS_NAME_TYPE_DIR)
            return TSK_WALK_CONT;
        e.type = VIGIL_ITEM_FILE;
        e.reallocated = 1;
        rc = emit_entry(c, &e, base_len, NULL);
        return rc ? (c->rc = rc, TSK_WALK_STOP) : TSK_WALK_CONT;
    }
    if (f->meta->type == TSK_FS_META_TYPE_VIRT || f->meta->type == TSK_FS_META_TYPE_VIRT_DIR)
        return TSK_WALK_CONT; /* TSK's views of file system areas ($MBR, $FAT1), not files */
    if (fat_volume_label(f))
        return TSK_WALK_CONT; /* the volume's name, not a file */
    e.ref.inum = f->meta->addr;
    fill_meta(&e, f);
    /* Unused or wiped metadata records listed as orphans hold nothing: no name, no bytes
       (NTFS: decided per data stream, its record may keep a stream the size does not show). */
    orphan = !e.allocated && !strncmp(dir, "$OrphanFiles", 12);
    if (orphan && e.size == 0 && !TSK_FS_TYPE_ISNTFS(c->fs->ftype))
        return TSK_WALK_CONT;
    is_dir = f->meta->type == TSK_FS_META_TYPE_DIR;
    if (TSK_FS_TYPE_ISNTFS(c->fs->ftype) && !e.reallocated && (is_dir || e.type == VIGIL_ITEM_FILE))
        rc = emit_ntfs_streams(c, f, &e, base_len, is_dir, orphan);
    else if (is_dir)
        return TSK_WALK_CONT;
    else
        rc = emit_entry(c, &e, base_len, NULL);
    if (rc) {
        c->rc = rc;
        return TSK_WALK_STOP;
    }
    return TSK_WALK_CONT;
}

int vg_image_walk(vg_image *im, size_t region, vg_image_file_fn fn, void *ud, volatile sig_atomic_t *stop,
                  char *why, size_t cap)
{
    walk_ctx c = {im, region, NULL, fn, ud, stop, {0}, 0};
    uint8_t r;
    if (region >= im->n || !im->fs[region])
        return snprintf(why, cap, "no file system in this region"), -1;
    c.fs = im->fs[region];
    vg_buf_init(&c.path, (size_t)1 << 20);
    r = tsk_fs_dir_walk(c.fs, c.fs->root_inum,
                        TSK_FS_DIR_WALK_FLAG_ALLOC | TSK_FS_DIR_WALK_FLAG_UNALLOC | TSK_FS_DIR_WALK_FLAG_RECURSE,
                        on_name, &c);
    vg_buf_dispose(&c.path);
    if (c.rc)
        return c.rc < 0 ? (snprintf(why, cap, "out of memory or path too long"), -1) : c.rc;
    if (r && !(stop && *stop)) {
        const char *msg = tsk_error_get();
        snprintf(why, cap, "file system walk stopped: %s", msg && *msg ? msg : "unknown error");
        for (char *p = why; *p; p++)
            if (*p == '\n')
                *p = ' ';
        tsk_error_reset();
        return -1;
    }
    tsk_error_reset();
    return 0;
}

/* ---- content ---- */

struct vg_image_stream {
    vg_ext_img *img;           /* the image, to see read failures TSK does not pass on */
    TSK_FS_FILE *file;
    const TSK_FS_ATTR *attr;
    uint64_t pos, size;
};

int vg_image_stream_open(vg_image_stream **out, vg_image *im, const vg_image_ref *ref, uint64_t *size,
                         char *why, size_t cap)
{
    vg_image_stream *s;
    *out = NULL;
    if (ref->region >= im->n || !im->fs[ref->region])
        return snprintf(why, cap, "no file system in this region"), -1;
    if (!(s = calloc(1, sizeof *s)))
        return snprintf(why, cap, "out of memory"), -1;
    s->img = (vg_ext_img *)im->fs[ref->region]->img_info; /* an opened encrypted volume's own, or the image */
    s->file = tsk_fs_file_open_meta(im->fs[ref->region], NULL, (TSK_INUM_T)ref->inum);
    if (s->file)
        s->attr = ref->has_attr_id ? tsk_fs_file_attr_get_id(s->file, ref->attr_id) : tsk_fs_file_attr_get(s->file);
    if (!s->file || (!s->attr && s->file->meta && s->file->meta->size > 0)) {
        const char *msg = tsk_error_get();
        snprintf(why, cap, "cannot open metadata entry %llu: %s", (unsigned long long)ref->inum,
                 msg && *msg ? msg : "unknown error");
        for (char *p = why; *p; p++)
            if (*p == '\n')
                *p = ' ';
        tsk_error_reset();
        vg_image_stream_close(s);
        return -1;
    }
    s->size = s->attr && s->attr->size > 0 ? (uint64_t)s->attr->size : 0;
    *size = s->size;
    *out = s;
    return 0;
}

ssize_t vg_image_stream_read(vg_image_stream *s, void *buf, size_t n, char *why, size_t cap)
{
    uint64_t errors;
    ssize_t got;
    if (s->pos >= s->size)
        return 0;
    if (n > s->size - s->pos)
        n = (size_t)(s->size - s->pos);
    errors = s->img->read_errors;
    got = tsk_fs_attr_read(s->attr, (TSK_OFF_T)s->pos, buf, n, TSK_FS_FILE_READ_FLAG_NONE);
    if (s->img->read_errors != errors) { /* TSK may have filled the gap with zeros: not the file's bytes */
        snprintf(why, cap, "read error at byte %llu: %s", (unsigned long long)s->pos, s->img->read_why);
        tsk_error_reset();
        return -1;
    }
    if (got == 0) {
        snprintf(why, cap, "no data past byte %llu of %llu (not stored in the file system)",
                 (unsigned long long)s->pos, (unsigned long long)s->size);
        tsk_error_reset();
        return -1;
    }
    if (got < 0) {
        const char *msg = tsk_error_get();
        snprintf(why, cap, "read error at byte %llu: %s", (unsigned long long)s->pos,
                 msg && *msg ? msg : "no data");
        for (char *p = why; *p; p++)
            if (*p == '\n')
                *p = ' ';
        tsk_error_reset();
        return -1;
    }
    s->pos += (uint64_t)got;
    return got;
}

void vg_image_stream_close(vg_image_stream *s)
{
    if (!s)
        return;
    if (s->file)
        tsk_fs_file_close(s->file);
    free(s);
}

/* ---- unallocated space ---- */

typedef struct extents {
    vg_image_extent *v;
    size_t n, cap;
    uint64_t base, bsize;
    uint64_t end;             /* the region's end: a file system may claim more than its partition */
    int failed;
} extents;

static void add_extent(extents *x, uint64_t off, uint64_t len)
{
    if (off >= x->end)
        return;
    if (len > x->end - off)
        len = x->end - off;
    if (x->n && x->v[x->n - 1].offset + x->v[x->n - 1].length == off) {
        x->v[x->n - 1].length += len;
        return;
    }
    if (x->n == x->cap) {
        size_t ncap = x->cap ? x->cap * 2 : 64;
        vg_image_extent *p = realloc(x->v, ncap * sizeof *p);
        if (!p) {
            x->failed = 1;
            return;
        }
        x->v = p;
        x->cap = ncap;
    }
    x->v[x->n++] = (vg_image_extent){off, len};
}

static TSK_WALK_RET_ENUM on_block(const TSK_FS_BLOCK *b, void *ud)
{
    extents *x = ud;
    add_extent(x, x->base + (uint64_t)b->addr * x->bsize, x->bsize);
    return x->failed ? TSK_WALK_ERROR : TSK_WALK_CONT;
}

int vg_image_unallocated(vg_image_extent **out, size_t *n, vg_image *im, size_t region, char *why, size_t cap)
{
    extents x = {0};
    const vg_image_region *r;
    *out = NULL;
    *n = 0;
    if (region >= im->n)
        return snprintf(why, cap, "no such region"), -1;
    r = &im->regions[region];
    x.end = r->offset + r->length;
    if (r->decrypted) /* its blocks are the plaintext's, not the image's: nothing to carve here */
        return 0;
    if (!im->fs[region]) { /* not a file system we can read: all of it is unallocated */
        if (r->length)
            add_extent(&x, r->offset, r->length);
    } else {
        TSK_FS_INFO *fs = im->fs[region];
        x.base = r->offset;
        x.bsize = fs->block_size;
        if (tsk_fs_block_walk(fs, fs->first_block, fs->last_block,
                              TSK_FS_BLOCK_WALK_FLAG_UNALLOC | TSK_FS_BLOCK_WALK_FLAG_AONLY, on_block, &x) &&
            !x.failed) {
            const char *msg = tsk_error_get();
            snprintf(why, cap, "unallocated blocks: %s", msg && *msg ? msg : "walk failed");
            tsk_error_reset();
            free(x.v);
            return -1;
        }
    }
    if (x.failed) {
        free(x.v);
        return snprintf(why, cap, "out of memory"), -1;
    }
    *out = x.v;
    *n = x.n;
    return 0;
}

/*
 * Segment writer: a buffered, checksummed sequential file, entries first, the
 * sections whose size is known only at the end after them, the header last.
 * A full buffer is checksummed and written by a thread of its own while the
 * next one fills.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/block_queue.h"
#include "segment/row.h"
#include "segment/segment_write.h"
#include "segment/xsort.h"
#include <openssl/evp.h>

#include "vigil/digest.h"

#define OUT_BUF (512u << 10)
#define OUT_BUFS 16
#define META_BUF 4096
#define LEN_BUF 65536

typedef struct side {
    char *path;
    int fd;
} side;

struct vg_seg_writer {
    char *path;
    int fd;
    vg_bq *q;           /* full buffers on their way to the file */
    vg_bq_block *blk;   /* the buffer being filled */
    uint8_t *buf;       /* its bytes */
    size_t used;
    pthread_t thread;
    int writing;        /* the writer thread runs */
    atomic_int werr;    /* errno of the writer's first failed write, 0 */
    uint64_t woff;      /* the writer's: where its next buffer goes in the file */
    uint64_t off;
    EVP_MD_CTX *body;
    vg_seg_header h;
    uint64_t rows, nphotodna, npdq;
    vg_xsort *keys[VG_SEG_ALGS];
    char *dir;          /* the key sorts' run files go here */
    size_t key_memory;  /* the key sorts' bound, all three together */
    side pdna, pdq, meta, tags, lens;
    vg_seg_meta metabuf[META_BUF];
    size_t nmeta;
    unsigned version;       /* VG_SEG_VERSION, or VG_SEG_VERSION_WIDE (vg_seg_writer_version) */
    /* version 4: row lengths on their way to their side file, and each row group's offset */
    uint8_t lenbuf[LEN_BUF];
    size_t nlen;
    uint64_t *groups;
    size_t ngroups, capgroups;
    /* version 4: the key of each row of the algorithm being written, once its keys leave row order */
    side keypos;
    uint32_t *pos;
    size_t pos_bytes;
    int failed, finished, tagged;
    vg_seg_link_fn on_link;
    void *link_ud;
    uint64_t nlinked, nconflicts;
    /* the key sorts' last batches, sorted in threads while the sections before the keys are written */
    struct key_finish {
        vg_xsort *x;
        pthread_t thread;
        int started, rc;
        vigil_error err;
    } fin[VG_SEG_ALGS];
    /* the key run of one digest being written: its entries' rows and meta */
    struct run_row {
        uint32_t row;
        vg_seg_meta m;
    } *run;
    size_t nrun, caprun;
    uint8_t run_key[32];
    unsigned prefix_bits;   /* of the prefix table being written */
    unsigned fixed_bits;    /* vg_seg_writer_prefix_bits, or 0 */
    int in_row_order;       /* every key written so far names the row of its own index */
};

void vg_seg_writer_version(vg_seg_writer *w, unsigned version)
{
    if (w->rows == 0 && (version == VG_SEG_VERSION || version == VG_SEG_VERSION_WIDE))
        w->version = version;
}

static int io_error(vigil_error *err, const char *path, const char *what)
{
    int e = errno;
    return vigil_error_set(err, VIGIL_ESTORE, "%s: %s: %s", path, what,
                           e == ENOSPC || e == EFBIG || e == EDQUOT ? "disk full (no space left for the import)"
                                                                     : strerror(e));
}

static int write_all(int fd, const void *p, size_t n)
{
    const uint8_t *b = p;
    while (n) {
        ssize_t k = write(fd, b, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            if (k == 0)
                errno = ENOSPC;
            return -1;
        }
        b += k;
        n -= (size_t)k;
    }
    return 0;
}

/*
 * Checksum and write one buffer (the body checksum goes a buffer at a time, in
 * file order). One thread does both: the checksum brings the buffer into this
 * core's cache and the copy into the page cache then costs much less (a
 * second thread for either doubled the copy's time).
 */
static void write_block(vg_seg_writer *w, const uint8_t *p, size_t n)
{
    if (atomic_load(&w->werr))
        return; /* the file is lost already */
    EVP_DigestUpdate(w->body, p, n);
    if (write_all(w->fd, p, n) < 0) {
        atomic_store(&w->werr, errno ? errno : EIO);
        return;
    }
    /* start its writeback now: the closing fsync then has little left to wait for */
    sync_file_range(w->fd, (off_t)w->woff, (off_t)n, SYNC_FILE_RANGE_WRITE);
    w->woff += n;
}

/* One thread writes every full buffer, in order, while the next ones fill. */
static void *writer_main(void *arg)
{
    vg_seg_writer *w = arg;
    vg_bq_block *b;
    while ((b = vg_bq_take(w->q)) != NULL) {
        write_block(w, b->p, b->len);
        vg_bq_release(w->q, b);
    }
    return NULL;
}

static int write_failed(vg_seg_writer *w, vigil_error *err)
{
    int e = atomic_load(&w->werr);
    if (!e)
        return 0;
    w->failed = 1;
    errno = e;
    return io_error(err, w->path, "cannot write segment");
}

/* Wait until every buffer handed over is written; their failure becomes ours. */
static int out_wait(vg_seg_writer *w, vigil_error *err)
{
    if (w->writing) {
        vg_bq_close(w->q);
        pthread_join(w->thread, NULL);
        w->writing = 0;
    }
    return write_failed(w, err);
}

static int flush_out(vg_seg_writer *w, vigil_error *err)
{
    if (write_failed(w, err) < 0)
        return VIGIL_ESTORE;
    if (!w->used)
        return 0;
    if (!w->writing) { /* no thread: write it here */
        write_block(w, w->buf, w->used);
        w->used = 0;
        return write_failed(w, err) < 0 ? VIGIL_ESTORE : 0;
    }
    w->blk->len = w->used;
    vg_bq_put(w->q, w->blk);
    w->blk = vg_bq_get(w->q); /* never NULL: this side never stops the queue */
    w->buf = w->blk->p;
    w->used = 0;
    return 0;
}

static int out(vg_seg_writer *w, const void *p, size_t n, vigil_error *err)
{
    const uint8_t *b = p;
    w->off += n;
    while (n) {
        size_t k = OUT_BUF - w->used < n ? OUT_BUF - w->used : n;
        memcpy(w->buf + w->used, b, k);
        w->used += k;
        b += k;
        n -= k;
        if (w->used == OUT_BUF && flush_out(w, err) < 0)
            return VIGIL_ESTORE;
    }
    return 0;
}

static int align4(vg_seg_writer *w, vigil_error *err)
{
    static const uint8_t zeros[8];
    return w->off % 8 ? out(w, zeros, 8 - w->off % 8, err) : 0;
}

static uint32_t key_bucket(const void *rec)
{
    const uint8_t *p = rec;
    return (uint32_t)(p[0] << 8 | p[1]);
}

/* A key's first eight bytes, big-endian: the sort's 64-bit order. */
static uint64_t key_prefix(const void *rec)
{
    uint64_t k;
    memcpy(&k, rec, 8);
    return __builtin_bswap64(k);
}

#define KEY_CMP(name, len)                                                                                       \
    static int name(const void *a, const void *b)                                                                \
    {                                                                                                            \
        int d = vg_digest_cmp(a, b, len);                                                                        \
        uint32_t ra, rb;                                                                                         \
        if (d)                                                                                                   \
            return d;                                                                                            \
        memcpy(&ra, (const uint8_t *)a + len, 4);                                                                \
        memcpy(&rb, (const uint8_t *)b + len, 4);                                                                \
        return (ra > rb) - (ra < rb);                                                                            \
    }
KEY_CMP(cmp_md5, 16)
KEY_CMP(cmp_sha1, 20)
KEY_CMP(cmp_sha256, 32)

static int side_open(side *s, const char *dir, const char *name, vigil_error *err)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    s->fd = -1;
    if (!(s->path = malloc(n)))
        return vigil_error_set(err, VIGIL_ENOMEM, "segment: out of memory");
    snprintf(s->path, n, "%s/%s", dir, name);
    s->fd = open(s->path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    return s->fd < 0 ? io_error(err, s->path, "cannot create") : 0;
}

static void side_close(side *s)
{
    if (s->fd >= 0)
        close(s->fd);
    if (s->path)
        unlink(s->path);
    free(s->path);
    s->fd = -1;
    s->path = NULL;
}

/* The key sorts, algorithm a given share[a] of the bound. */
static int keys_new(vg_seg_writer *w, const size_t share[VG_SEG_ALGS], vigil_error *err)
{
    static int (*const cmps[VG_SEG_ALGS])(const void *, const void *) = {cmp_md5, cmp_sha1, cmp_sha256};
    static const char *names[VG_SEG_ALGS] = {"keys-md5", "keys-sha1", "keys-sha256"};
    for (int a = 0; a < VG_SEG_ALGS; a++) {
        vg_xsort_spec spec = {vg_seg_digest_len[a] + 4, key_bucket, cmps[a], share[a], w->dir, names[a],
                              key_prefix, NULL, NULL, 0};
        int rc;
        vg_xsort_free(w->keys[a]);
        w->keys[a] = NULL;
        if ((rc = vg_xsort_new(&w->keys[a], &spec, err)) < 0)
            return rc;
    }
    return 0;
}

/*
 * An algorithm with no keys needs no share: the bound goes to those that
 * have keys, in proportion to their bytes (an MD5-only list sorts its keys
 * in the whole bound). Each keeps a sliver in case the counts fell short.
 */
int vg_seg_writer_expect(vg_seg_writer *w, const uint64_t keys[VG_SEG_ALGS], vigil_error *err)
{
    size_t share[VG_SEG_ALGS], sliver = w->key_memory / 64;
    double total = 0;
    if (w->rows)
        return 0;
    for (int a = 0; a < VG_SEG_ALGS; a++)
        total += (double)keys[a] * (double)(vg_seg_digest_len[a] + 4);
    if (total == 0)
        return 0;
    for (int a = 0; a < VG_SEG_ALGS; a++)
        share[a] = sliver + (size_t)((double)(w->key_memory - VG_SEG_ALGS * sliver) *
                                     ((double)keys[a] * (double)(vg_seg_digest_len[a] + 4) / total));
    return keys_new(w, share, err);
}

int vg_seg_writer_new(vg_seg_writer **out_w, const char *path, const char *dir, size_t memory, vigil_error *err)
{
    vg_seg_writer *w = calloc(1, sizeof *w);
    size_t share[VG_SEG_ALGS] = {memory / VG_SEG_ALGS, memory / VG_SEG_ALGS, memory / VG_SEG_ALGS};
    int rc;
    *out_w = NULL;
    if (!w || !(w->path = strdup(path)) || !(w->dir = strdup(dir)) || vg_bq_new(&w->q, OUT_BUFS, OUT_BUF) < 0) {
        if (w)
            free(w->path), free(w->dir);
        free(w);
        return vigil_error_set(err, VIGIL_ENOMEM, "segment: out of memory");
    }
    w->key_memory = memory;
    w->blk = vg_bq_get(w->q);
    w->buf = w->blk->p;
    w->fd = -1;
    w->pdna.fd = w->pdq.fd = w->meta.fd = w->tags.fd = w->lens.fd = w->keypos.fd = -1;
    w->version = VG_SEG_VERSION;
    if (!(w->body = EVP_MD_CTX_new()) || EVP_DigestInit_ex(w->body, EVP_sha256(), NULL) != 1) {
        rc = vigil_error_set(err, VIGIL_ENOMEM, "segment: cannot start a checksum");
        goto fail;
    }
    if ((rc = keys_new(w, share, err)) < 0)
        goto fail;
    if ((rc = side_open(&w->pdna, dir, "photodna", err)) < 0 || (rc = side_open(&w->pdq, dir, "pdq-rows", err)) < 0 ||
        (rc = side_open(&w->meta, dir, "meta", err)) < 0 || (rc = side_open(&w->tags, dir, "tags", err)) < 0 ||
        (rc = side_open(&w->lens, dir, "row-len", err)) < 0 || (rc = side_open(&w->keypos, dir, "keypos", err)) < 0)
        goto fail;
    w->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (w->fd < 0) {
        rc = io_error(err, path, "cannot create segment");
        goto fail;
    }
    /* the header goes last; its place is reserved (not part of the body checksum) */
    memset(&w->h, 0, sizeof w->h);
    if (write_all(w->fd, &w->h, sizeof w->h) < 0) {
        rc = io_error(err, path, "cannot write segment");
        goto fail;
    }
    w->off = w->woff = sizeof w->h;
    w->h.sec[VG_SEC_ENTRIES].off = w->off;
    w->writing = pthread_create(&w->thread, NULL, writer_main, w) == 0;
    *out_w = w;
    return 0;
fail:
    vg_seg_writer_free(w);
    return rc;
}

/* Meta rows go through a small buffer to their side file. */
static int meta_flush(vg_seg_writer *w, vigil_error *err)
{
    if (w->nmeta && write_all(w->meta.fd, w->metabuf, w->nmeta * sizeof *w->metabuf) < 0)
        return io_error(err, w->meta.path, "cannot write");
    w->nmeta = 0;
    return 0;
}

static int meta_add(vg_seg_writer *w, const vg_seg_meta *m, vigil_error *err)
{
    w->metabuf[w->nmeta++] = *m;
    return w->nmeta == META_BUF ? meta_flush(w, err) : 0;
}

static int lens_flush(vg_seg_writer *w, vigil_error *err)
{
    if (w->nlen && write_all(w->lens.fd, w->lenbuf, w->nlen) < 0)
        return io_error(err, w->lens.path, "cannot write");
    w->nlen = 0;
    return 0;
}

/* Version 4: the compact row, its length to the side file, and a group offset every VG_SEG_ROW_GROUP rows. */
static int put_row(vg_seg_writer *w, const vg_seg_entry *row, vigil_error *err)
{
    uint8_t b[VG_SEG_ROW_MAX];
    size_t n = vg_seg_row_pack(b, row);
    if (w->rows % VG_SEG_ROW_GROUP == 0) {
        if (w->ngroups == w->capgroups) {
            size_t cap = w->capgroups ? 2 * w->capgroups : 1024;
            uint64_t *g = realloc(w->groups, cap * sizeof *g);
            if (!g)
                return vigil_error_set(err, VIGIL_ENOMEM, "segment: out of memory");
            w->groups = g;
            w->capgroups = cap;
        }
        w->groups[w->ngroups++] = w->off - w->h.sec[VG_SEC_ENTRIES].off;
    }
    w->lenbuf[w->nlen++] = (uint8_t)n;
    if (w->nlen == LEN_BUF && lens_flush(w, err) < 0)
        return VIGIL_ESTORE;
    return out(w, b, n, err);
}

int vg_seg_writer_put(vg_seg_writer *w, const vg_seg_entry *e, const uint8_t *photodna, vigil_error *err)
{
    static const uint8_t bits[VG_SEG_ALGS] = {VG_SEG_HAS_MD5, VG_SEG_HAS_SHA1, VG_SEG_HAS_SHA256};
    vg_seg_entry row = *e;
    uint32_t r = (uint32_t)w->rows;
    if (w->rows >= VG_SEG_NONE - 1)
        return vigil_error_set(err, VIGIL_EINPUT, "segment: more than 4 billion entries in one set");
    row.extid = 0;
    row.photodna = VG_SEG_NONE;
    if (photodna && (e->mask & VG_SEG_HAS_PHOTODNA)) {
        if (write_all(w->pdna.fd, photodna, 144) < 0)
            return io_error(err, w->pdna.path, "cannot write");
        row.photodna = (uint32_t)w->nphotodna++;
    } else {
        row.mask &= (uint8_t)~VG_SEG_HAS_PHOTODNA;
    }
    if ((row.mask & VG_SEG_HAS_PDQ) && write_all(w->pdq.fd, &r, 4) < 0)
        return io_error(err, w->pdq.path, "cannot write");
    if (row.mask & VG_SEG_HAS_PDQ)
        w->npdq++;
    if (w->version >= 4 ? put_row(w, &row, err) < 0 : out(w, &row, sizeof row, err) < 0)
        return VIGIL_ESTORE;
    {
        vg_seg_meta m = {row.category, row.series, row.flags, row.mask, row.severity, 0};
        if (meta_add(w, &m, err) < 0)
            return VIGIL_ESTORE;
    }
    if (w->tagged) {
        uint32_t tag = (uint32_t)e->extid;
        if (write_all(w->tags.fd, &tag, 4) < 0)
            return io_error(err, w->tags.path, "cannot write");
    }
    for (int a = 0; a < VG_SEG_ALGS; a++) {
        uint8_t *key;
        if (!(e->mask & bits[a]))
            continue;
        if (!(key = vg_xsort_slot(w->keys[a], err))) /* the key is built in its place in the sort */
            return VIGIL_ESTORE;
        if (a == VG_SEG_MD5) /* sizes known here: copies without a call */
            memcpy(key, e->md5, 16), memcpy(key + 16, &r, 4);
        else if (a == VG_SEG_SHA1)
            memcpy(key, e->sha1, 20), memcpy(key + 20, &r, 4);
        else
            memcpy(key, e->sha256, 32), memcpy(key + 32, &r, 4);
        vg_xsort_push(w->keys[a]);
    }
    w->rows++;
    return 0;
}

/* Copy a side file into the segment as one section. */
static int copy_side_to(vg_seg_writer *w, side *s, vg_seg_section *sec, vigil_error *err)
{
    uint8_t *b = malloc(1 << 16);
    ssize_t n;
    int rc = 0;
    if (!b)
        return vigil_error_set(err, VIGIL_ENOMEM, "segment: out of memory");
    sec->off = w->off;
    if (lseek(s->fd, 0, SEEK_SET) != 0)
        rc = io_error(err, s->path, "cannot read");
    while (rc == 0 && (n = read(s->fd, b, 1 << 16)) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            rc = io_error(err, s->path, "cannot read");
            break;
        }
        rc = out(w, b, (size_t)n, err);
    }
    sec->size = w->off - sec->off;
    free(b);
    return rc < 0 ? rc : align4(w, err);
}

static int copy_side(vg_seg_writer *w, side *s, int sec, vigil_error *err)
{
    return copy_side_to(w, s, &w->h.sec[sec], err);
}

void vg_seg_writer_on_link(vg_seg_writer *w, vg_seg_link_fn fn, void *ud, int tagged)
{
    w->on_link = fn;
    w->link_ud = ud;
    w->tagged = tagged && w->rows == 0;
}

void vg_seg_writer_links(const vg_seg_writer *w, uint64_t *linked, uint64_t *conflicts)
{
    *linked = w->nlinked;
    *conflicts = w->nconflicts;
}

/* Most serious first: higher severity, then having a category, then the earlier row. */
static int cmp_serious(const void *a, const void *b)
{
    const struct run_row *x = a, *y = b;
    if (x->m.severity != y->m.severity)
        return x->m.severity > y->m.severity ? -1 : 1;
    if ((x->m.category == VG_SEG_NONE) != (y->m.category == VG_SEG_NONE))
        return x->m.category == VG_SEG_NONE ? 1 : -1;
    return (x->row > y->row) - (x->row < y->row);
}

static void tell_link(vg_seg_writer *w, uint32_t row, unsigned link)
{
    uint32_t tag = 0;
    if (link == VG_SEG_LINKED)
        w->nlinked++;
    else
        w->nconflicts++;
    if (w->tagged && pread(w->tags.fd, &tag, 4, (off_t)row * 4) != 4)
        tag = 0;
    if (w->on_link)
        w->on_link(w->link_ud, tag, link);
}

/*
 * Several entries with one digest (their strongest digests differ): order the
 * run most serious first, so that a lookup (which takes the first key)
 * reports the most serious category; mark the others linked, and when
 * categories disagree mark every entry of the run with VG_SEG_CONFLICT. The
 * meta rows are read and patched in their scratch file, which is copied into
 * the segment after the keys.
 */
static int link_run(vg_seg_writer *w, vigil_error *err)
{
    const struct run_row *lead;
    int disagree = 0;
    for (size_t i = 0; i < w->nrun; i++)
        if (pread(w->meta.fd, &w->run[i].m, sizeof w->run[i].m, (off_t)w->run[i].row * sizeof(vg_seg_meta)) !=
            (ssize_t)sizeof(vg_seg_meta))
            return io_error(err, w->meta.path, "cannot read");
    qsort(w->run, w->nrun, sizeof *w->run, cmp_serious);
    lead = &w->run[0];
    for (size_t i = 1; i < w->nrun; i++)
        disagree |= w->run[i].m.category != VG_SEG_NONE && lead->m.category != VG_SEG_NONE &&
                    w->run[i].m.category != lead->m.category;
    for (size_t i = 0; i < w->nrun; i++) {
        struct run_row *r = &w->run[i];
        vg_seg_meta m = r->m;
        if (disagree)
            m.flags |= VG_SEG_CONFLICT;
        if (i > 0 && !(m.links & VG_SEG_LINKED)) {
            m.links |= VG_SEG_LINKED;
            tell_link(w, r->row, VG_SEG_LINKED);
        }
        if (i > 0 && r->m.category != VG_SEG_NONE && lead->m.category != VG_SEG_NONE &&
            r->m.category != lead->m.category && !(m.links & VG_SEG_LINK_CONFLICT)) {
            m.links |= VG_SEG_LINK_CONFLICT;
            tell_link(w, r->row, VG_SEG_LINK_CONFLICT);
        }
        if (memcmp(&m, &r->m, sizeof m) != 0 &&
            pwrite(w->meta.fd, &m, sizeof m, (off_t)r->row * sizeof(vg_seg_meta)) != (ssize_t)sizeof m)
            return io_error(err, w->meta.path, "cannot write");
    }
    return 0;
}

/*
 * Version 4: the rows' key positions of the algorithm being written leave the
 * identity at key i (key i names another row, or the keys end before the
 * rows): map a scratch file of a u32 per row, no key (VG_SEG_NONE) for every
 * row, key k for the rows 0..i-1 whose keys were in row order so far. The
 * file is the page cache's to write back, not the import's memory.
 */
static int pos_start(vg_seg_writer *w, uint32_t i, vigil_error *err)
{
    size_t bytes = (size_t)w->rows * 4;
    if (w->pos)
        return 0;
    if (ftruncate(w->keypos.fd, 0) != 0 || ftruncate(w->keypos.fd, (off_t)bytes) != 0)
        return io_error(err, w->keypos.path, "cannot write");
    w->pos = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, w->keypos.fd, 0);
    if (w->pos == MAP_FAILED) {
        w->pos = NULL;
        return io_error(err, w->keypos.path, "cannot map");
    }
    w->pos_bytes = bytes;
    memset(w->pos, 0xff, bytes);
    for (uint32_t k = 0; k < i; k++)
        w->pos[k] = k;
    return 0;
}

static void pos_end(vg_seg_writer *w)
{
    if (w->pos)
        munmap(w->pos, w->pos_bytes);
    w->pos = NULL;
    w->pos_bytes = 0;
}

/* Write the keys of the run (one digest), most serious entry first. */
static int flush_run(vg_seg_writer *w, int a, uint32_t *prefix, uint64_t *next, uint32_t *i, vigil_error *err)
{
    size_t dlen = vg_seg_digest_len[a];
    uint64_t p = vg_seg_lead(w->run_key) >> (64 - w->prefix_bits);
    uint8_t key[36];
    int rc = 0;
    if (!w->nrun)
        return 0;
    if (w->nrun > 1 && (rc = link_run(w, err)) < 0)
        return rc;
    while (*next <= p)
        prefix[(*next)++] = *i;
    memcpy(key, w->run_key, dlen);
    for (size_t k = 0; rc == 0 && k < w->nrun; k++) {
        if (w->run[k].row != *i && w->in_row_order) {
            w->in_row_order = 0;
            if (w->version >= 4 && (rc = pos_start(w, *i, err)) < 0)
                break;
        }
        if (w->pos && w->run[k].row < w->rows)
            w->pos[w->run[k].row] = *i;
        memcpy(key + dlen, &w->run[k].row, 4);
        rc = out(w, key, dlen + 4, err);
        (*i)++;
    }
    w->nrun = 0;
    return rc;
}

static int run_add(vg_seg_writer *w, const uint8_t *k, size_t dlen, vigil_error *err)
{
    if (w->nrun == w->caprun) {
        size_t cap = w->caprun ? w->caprun * 2 : 16;
        struct run_row *r = realloc(w->run, cap * sizeof *r);
        if (!r)
            return vigil_error_set(err, VIGIL_ENOMEM, "segment: out of memory");
        w->run = r;
        w->caprun = cap;
    }
    if (w->nrun == 0)
        memcpy(w->run_key, k, dlen);
    memcpy(&w->run[w->nrun].row, k + dlen, 4);
    w->nrun++;
    return 0;
}

void vg_seg_writer_prefix_bits(vg_seg_writer *w, unsigned bits)
{
    if (bits >= VG_SEG_PREFIX_BITS_MIN && bits <= VG_SEG_PREFIX_BITS_MAX)
        w->fixed_bits = bits;
}

static void *key_finish_main(void *arg)
{
    struct key_finish *f = arg;
    f->rc = vg_xsort_finish(f->x, &f->err);
    return NULL;
}

static void key_finish_start(vg_seg_writer *w)
{
    for (int a = 0; a < VG_SEG_ALGS; a++) {
        struct key_finish *f = &w->fin[a];
        f->x = w->keys[a];
        f->started = pthread_create(&f->thread, NULL, key_finish_main, f) == 0;
    }
}

/* The key sort of algorithm a, ready to merge (its batch sorted here when no thread did it). */
static int key_finish_wait(vg_seg_writer *w, int a, vigil_error *err)
{
    struct key_finish *f = &w->fin[a];
    if (!f->started)
        return vg_xsort_finish(w->keys[a], err);
    pthread_join(f->thread, NULL);
    f->started = 0;
    if (f->rc < 0 && err)
        *err = f->err;
    return f->rc;
}

static void key_finish_join_all(vg_seg_writer *w)
{
    for (int a = 0; a < VG_SEG_ALGS; a++)
        if (w->fin[a].started) {
            pthread_join(w->fin[a].thread, NULL);
            w->fin[a].started = 0;
        }
}

static int write_keys(vg_seg_writer *w, int a, vigil_error *err)
{
    uint64_t next = 0, nprefix;
    uint32_t *prefix, i = 0;
    size_t dlen = vg_seg_digest_len[a];
    const uint8_t *k;
    int rc = 0;
    if ((rc = key_finish_wait(w, a, err)) < 0)
        return rc;
    w->prefix_bits = w->fixed_bits ? w->fixed_bits : vg_seg_prefix_bits(vg_xsort_count(w->keys[a]));
    nprefix = 1ull << w->prefix_bits;
    if (!(prefix = malloc((nprefix + 1) * sizeof *prefix)))
        return vigil_error_set(err, VIGIL_ENOMEM, "segment: out of memory");
    w->nrun = 0;
    w->in_row_order = 1;
    w->h.sec[VG_SEC_KEYS_MD5 + 2 * a].off = w->off;
    /* keys arrive sorted by (digest, row): a run of one digest is the entries that share it */
    while (rc == 0 && (k = vg_xsort_next(w->keys[a], err)) != NULL) {
        if (w->nrun && vg_digest_cmp(k, w->run_key, dlen) != 0)
            rc = flush_run(w, a, prefix, &next, &i, err);
        if (rc == 0)
            rc = run_add(w, k, dlen, err);
    }
    if (rc == 0)
        rc = vg_xsort_failed(w->keys[a]);
    if (rc == 0)
        rc = flush_run(w, a, prefix, &next, &i, err);
    while (next <= nprefix)
        prefix[next++] = i;
    if (w->in_row_order && i == w->rows && i > 0)
        w->h.row_order |= 1u << a;
    w->h.sec[VG_SEC_KEYS_MD5 + 2 * a].size = w->off - w->h.sec[VG_SEC_KEYS_MD5 + 2 * a].off;
    if (rc == 0)
        rc = align4(w, err);
    w->h.sec[VG_SEC_PREFIX_MD5 + 2 * a].off = w->off;
    if (rc == 0)
        rc = out(w, prefix, (nprefix + 1) * sizeof *prefix, err);
    w->h.sec[VG_SEC_PREFIX_MD5 + 2 * a].size = (nprefix + 1) * sizeof *prefix;
    free(prefix);
    if (rc == 0)
        rc = align4(w, err);
    /* version 4: where each row's key is, unless key k is row k for every k (or there are no keys) */
    if (rc == 0 && w->version >= 4 && i > 0 && !(w->h.row_order >> a & 1)) {
        vg_seg_section *sec = &w->h.sec4[VG_SEC4_KEYPOS_MD5 + a];
        if ((rc = pos_start(w, i, err)) == 0) {
            sec->off = w->off;
            rc = out(w, w->pos, w->pos_bytes, err);
            sec->size = w->pos_bytes;
        }
    }
    pos_end(w);
    /* the sort's memory goes back before the next algorithm's merge */
    vg_xsort_free(w->keys[a]);
    w->keys[a] = NULL;
    return rc < 0 ? rc : align4(w, err);
}

int vg_seg_writer_finish(vg_seg_writer *w, const char *strings, size_t nstrings, vigil_error *err)
{
    vigil_digests dg;
    int rc;
    w->h.sec[VG_SEC_ENTRIES].size = w->off - w->h.sec[VG_SEC_ENTRIES].off;
    if ((rc = align4(w, err)) < 0)
        return rc;
    w->h.sec[VG_SEC_STRINGS].off = w->off;
    w->h.sec[VG_SEC_STRINGS].size = nstrings;
    key_finish_start(w);
    if ((rc = out(w, strings, nstrings, err)) < 0 || (rc = align4(w, err)) < 0 ||
        (rc = copy_side(w, &w->pdna, VG_SEC_PHOTODNA, err)) < 0 || (rc = copy_side(w, &w->pdq, VG_SEC_PDQ_ROWS, err)) < 0 ||
        (rc = meta_flush(w, err)) < 0) {
        key_finish_join_all(w);
        return rc;
    }
    /* the keys link entries that share a digest, patching their meta rows: the meta table goes last */
    for (int a = 0; a < VG_SEG_ALGS; a++)
        if ((rc = write_keys(w, a, err)) < 0) {
            key_finish_join_all(w);
            return rc;
        }
    if ((rc = copy_side(w, &w->meta, VG_SEC_META, err)) < 0)
        return rc;
    if (w->version >= 4) {
        vg_seg_section *g = &w->h.sec4[VG_SEC4_ROW_GROUP];
        if ((rc = lens_flush(w, err)) < 0 || (rc = copy_side_to(w, &w->lens, &w->h.sec4[VG_SEC4_ROW_LEN], err)) < 0)
            return rc;
        g->off = w->off;
        g->size = w->ngroups * sizeof *w->groups;
        if ((rc = out(w, w->groups, g->size, err)) < 0 || (rc = align4(w, err)) < 0)
            return rc;
    }
    if ((rc = flush_out(w, err)) < 0 || (rc = out_wait(w, err)) < 0)
        return rc;
    memcpy(w->h.magic, VG_SEG_MAGIC, 8);
    w->h.version = w->version;
    w->h.header_size = sizeof w->h;
    w->h.file_size = w->off;
    w->h.entries = w->rows;
    w->h.entry_size = w->version >= 4 ? 0 : sizeof(vg_seg_entry);
    w->h.nsections = VG_SEC__COUNT + (w->version >= 4 ? VG_SEC4__COUNT : 0);
    EVP_DigestFinal_ex(w->body, w->h.body_sha256, NULL);
    vigil_digest_buffer(&dg, &w->h, offsetof(vg_seg_header, header_sha256), NULL);
    memcpy(w->h.header_sha256, dg.sha256, 32);
    uint8_t hb[sizeof w->h];
    memcpy(hb, &w->h, sizeof hb);
    if (pwrite(w->fd, hb, sizeof hb, 0) != (ssize_t)sizeof hb)
        return io_error(err, w->path, "cannot write segment header");
    if (fsync(w->fd) != 0)
        return io_error(err, w->path, "cannot sync segment");
    if (close(w->fd) != 0) {
        w->fd = -1;
        return io_error(err, w->path, "cannot write segment");
    }
    w->fd = -1;
    w->finished = 1;
    return 0;
}

uint64_t vg_seg_writer_entries(const vg_seg_writer *w)
{
    return w->rows;
}

void vg_seg_writer_free(vg_seg_writer *w)
{
    if (!w)
        return;
    out_wait(w, NULL);
    key_finish_join_all(w);
    if (w->fd >= 0)
        close(w->fd);
    if (!w->finished && w->path)
        unlink(w->path);
    for (int a = 0; a < VG_SEG_ALGS; a++)
        vg_xsort_free(w->keys[a]);
    side_close(&w->pdna);
    side_close(&w->pdq);
    side_close(&w->meta);
    side_close(&w->tags);
    pos_end(w);
    side_close(&w->lens);
    side_close(&w->keypos);
    free(w->groups);
    free(w->run);
    EVP_MD_CTX_free(w->body);
    vg_bq_free(w->q);
    free(w->path);
    free(w->dir);
    free(w);
}

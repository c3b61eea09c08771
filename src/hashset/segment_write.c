/*
 * Segment writer: a buffered, checksummed sequential file, entries first, the
 * sections whose size is known only at the end after them, the header last.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hashset/segment_write.h"
#include "hashset/xsort.h"
#include <openssl/evp.h>

#include "vigil/digest.h"

#define OUT_BUF (1u << 20)
#define META_BUF 4096

typedef struct side {
    char *path;
    int fd;
} side;

struct vg_seg_writer {
    char *path;
    int fd;
    uint8_t *buf;
    size_t used;
    uint64_t off;
    EVP_MD_CTX *body;
    vg_seg_header h;
    uint64_t rows, nphotodna, npdq;
    vg_xsort *keys[VG_SEG_ALGS];
    side pdna, pdq, meta;
    vg_seg_meta metabuf[META_BUF];
    size_t nmeta;
    int failed, finished;
};

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

static int flush_out(vg_seg_writer *w, vigil_error *err)
{
    if (w->used && write_all(w->fd, w->buf, w->used) < 0) {
        w->failed = 1;
        return io_error(err, w->path, "cannot write segment");
    }
    w->used = 0;
    return 0;
}

static int out(vg_seg_writer *w, const void *p, size_t n, vigil_error *err)
{
    const uint8_t *b = p;
    EVP_DigestUpdate(w->body, p, n);
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

int vg_seg_writer_new(vg_seg_writer **out_w, const char *path, const char *dir, size_t memory, vigil_error *err)
{
    static int (*const cmps[VG_SEG_ALGS])(const void *, const void *) = {cmp_md5, cmp_sha1, cmp_sha256};
    static const char *names[VG_SEG_ALGS] = {"keys-md5", "keys-sha1", "keys-sha256"};
    vg_seg_writer *w = calloc(1, sizeof *w);
    int rc;
    *out_w = NULL;
    if (!w || !(w->path = strdup(path)) || !(w->buf = malloc(OUT_BUF))) {
        if (w)
            free(w->path);
        free(w);
        return vigil_error_set(err, VIGIL_ENOMEM, "segment: out of memory");
    }
    w->fd = -1;
    w->pdna.fd = w->pdq.fd = w->meta.fd = -1;
    if (!(w->body = EVP_MD_CTX_new()) || EVP_DigestInit_ex(w->body, EVP_sha256(), NULL) != 1) {
        rc = vigil_error_set(err, VIGIL_ENOMEM, "segment: cannot start a checksum");
        goto fail;
    }
    for (int a = 0; a < VG_SEG_ALGS; a++) {
        vg_xsort_spec spec = {vg_seg_digest_len[a] + 4, key_bucket, cmps[a], memory / VG_SEG_ALGS, dir, names[a]};
        if ((rc = vg_xsort_new(&w->keys[a], &spec, err)) < 0)
            goto fail;
    }
    if ((rc = side_open(&w->pdna, dir, "photodna", err)) < 0 || (rc = side_open(&w->pdq, dir, "pdq-rows", err)) < 0 ||
        (rc = side_open(&w->meta, dir, "meta", err)) < 0)
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
    w->off = sizeof w->h;
    w->h.sec[VG_SEC_ENTRIES].off = w->off;
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

int vg_seg_writer_put(vg_seg_writer *w, const vg_seg_entry *e, const uint8_t *photodna, vigil_error *err)
{
    static const uint8_t bits[VG_SEG_ALGS] = {VG_SEG_HAS_MD5, VG_SEG_HAS_SHA1, VG_SEG_HAS_SHA256};
    vg_seg_entry row = *e;
    uint8_t key[36];
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
    if (out(w, &row, sizeof row, err) < 0)
        return VIGIL_ESTORE;
    {
        vg_seg_meta m = {row.category, row.series, row.flags, row.mask, {0, 0}};
        if (meta_add(w, &m, err) < 0)
            return VIGIL_ESTORE;
    }
    for (int a = 0; a < VG_SEG_ALGS; a++) {
        const uint8_t *d = a == 0 ? e->md5 : a == 1 ? e->sha1 : e->sha256;
        if (!(e->mask & bits[a]))
            continue;
        memcpy(key, d, vg_seg_digest_len[a]);
        memcpy(key + vg_seg_digest_len[a], &r, 4);
        if (vg_xsort_add(w->keys[a], key, err) < 0)
            return VIGIL_ESTORE;
    }
    w->rows++;
    return 0;
}

/* Copy a side file into the segment as one section. */
static int copy_side(vg_seg_writer *w, side *s, int sec, vigil_error *err)
{
    uint8_t *b = malloc(1 << 16);
    ssize_t n;
    int rc = 0;
    if (!b)
        return vigil_error_set(err, VIGIL_ENOMEM, "segment: out of memory");
    w->h.sec[sec].off = w->off;
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
    w->h.sec[sec].size = w->off - w->h.sec[sec].off;
    free(b);
    return rc < 0 ? rc : align4(w, err);
}

static int write_keys(vg_seg_writer *w, int a, vigil_error *err)
{
    uint32_t *prefix = malloc((VG_SEG_PREFIXES + 1) * sizeof *prefix);
    uint32_t next = 0, i = 0;
    size_t rs = vg_seg_digest_len[a] + 4;
    const uint8_t *k;
    int rc = 0;
    if (!prefix)
        return vigil_error_set(err, VIGIL_ENOMEM, "segment: out of memory");
    if ((rc = vg_xsort_finish(w->keys[a], err)) < 0) {
        free(prefix);
        return rc;
    }
    w->h.sec[VG_SEC_KEYS_MD5 + 2 * a].off = w->off;
    while (rc == 0 && (k = vg_xsort_next(w->keys[a], err)) != NULL) {
        uint32_t p = (uint32_t)(k[0] << 8 | k[1]);
        while (next <= p)
            prefix[next++] = i;
        rc = out(w, k, rs, err);
        i++;
    }
    if (rc == 0 && vg_xsort_failed(w->keys[a]))
        rc = VIGIL_ESTORE;
    while (next <= VG_SEG_PREFIXES)
        prefix[next++] = i;
    w->h.sec[VG_SEC_KEYS_MD5 + 2 * a].size = w->off - w->h.sec[VG_SEC_KEYS_MD5 + 2 * a].off;
    if (rc == 0)
        rc = align4(w, err);
    w->h.sec[VG_SEC_PREFIX_MD5 + 2 * a].off = w->off;
    if (rc == 0)
        rc = out(w, prefix, (VG_SEG_PREFIXES + 1) * sizeof *prefix, err);
    w->h.sec[VG_SEC_PREFIX_MD5 + 2 * a].size = (VG_SEG_PREFIXES + 1) * sizeof *prefix;
    free(prefix);
    /* the sort's memory goes back before the next algorithm's merge */
    vg_xsort_free(w->keys[a]);
    w->keys[a] = NULL;
    return rc < 0 ? rc : align4(w, err);
}

int vg_seg_writer_finish(vg_seg_writer *w, const char *strings, size_t nstrings, vigil_error *err)
{
    vigil_digests dg;
    int rc;
    w->h.sec[VG_SEC_ENTRIES].size = w->rows * sizeof(vg_seg_entry);
    w->h.sec[VG_SEC_STRINGS].off = w->off;
    w->h.sec[VG_SEC_STRINGS].size = nstrings;
    if ((rc = out(w, strings, nstrings, err)) < 0 || (rc = align4(w, err)) < 0 ||
        (rc = copy_side(w, &w->pdna, VG_SEC_PHOTODNA, err)) < 0 || (rc = copy_side(w, &w->pdq, VG_SEC_PDQ_ROWS, err)) < 0 ||
        (rc = meta_flush(w, err)) < 0 || (rc = copy_side(w, &w->meta, VG_SEC_META, err)) < 0)
        return rc;
    for (int a = 0; a < VG_SEG_ALGS; a++)
        if ((rc = write_keys(w, a, err)) < 0)
            return rc;
    if ((rc = flush_out(w, err)) < 0)
        return rc;
    memcpy(w->h.magic, VG_SEG_MAGIC, 8);
    w->h.version = VG_SEG_VERSION;
    w->h.header_size = sizeof w->h;
    w->h.file_size = w->off;
    w->h.entries = w->rows;
    w->h.entry_size = sizeof(vg_seg_entry);
    w->h.nsections = VG_SEC__COUNT;
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
    if (w->fd >= 0)
        close(w->fd);
    if (!w->finished && w->path)
        unlink(w->path);
    for (int a = 0; a < VG_SEG_ALGS; a++)
        vg_xsort_free(w->keys[a]);
    side_close(&w->pdna);
    side_close(&w->pdq);
    side_close(&w->meta);
    EVP_MD_CTX_free(w->body);
    free(w->buf);
    free(w->path);
    free(w);
}

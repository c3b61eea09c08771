/*
 * Writing, mapping and checking `<segment>.pdqx` (pdq_file.h). The words come
 * first, then the rows, then per chunk its offsets and ids, each section on
 * a page boundary; the header is written last, into the temporary file,
 * before the rename publishes it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "pdqindex/pdq_file.h"
#include "pdqindex/pdq_seg.h"
#include "vigil/digest.h"

#define SAMPLE 16

static const char *rebuild = "rebuild it with 'vigil hashset reindex' (or remove it: it is rebuilt when missing)";

char *vg_pdqx_path(const char *seg_path)
{
    size_t n = strlen(seg_path) + sizeof VG_PDQX_SUFFIX;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s%s", seg_path, VG_PDQX_SUFFIX);
    return p;
}

static uint64_t align_up(uint64_t x)
{
    return (x + VG_PDQX_ALIGN - 1) / VG_PDQX_ALIGN * VG_PDQX_ALIGN;
}

/* Section offsets for n entries over `chunks` chunks; the file size. */
static uint64_t plan(vg_pdqx_header *h, uint64_t n, int chunks)
{
    unsigned start[VG_PDQ_INDEX_MAX_CHUNKS], bits[VG_PDQ_INDEX_MAX_CHUNKS];
    uint64_t at = align_up(sizeof *h);
    vg_pdq_index_layout(chunks, start, bits);
    h->words_off = at;
    at = align_up(at + n * sizeof(vg_pdq_words));
    h->rows_off = at;
    at = align_up(at + n * 4);
    for (int c = 0; c < chunks; c++) {
        h->table_off[c] = at;
        at = align_up(at + (((uint64_t)1 << bits[c]) + 1 + n) * 4);
    }
    return at;
}

typedef struct out_file {
    int fd;
    const char *path;
    uint64_t at;
    EVP_MD_CTX *md;
} out_file;

static int put(out_file *o, const void *p, size_t n, vigil_error *err)
{
    const uint8_t *b = p;
    EVP_DigestUpdate(o->md, p, n);
    while (n) {
        ssize_t w = write(o->fd, b, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return vigil_error_set(err, VIGIL_ESTORE, "%s: %s", o->path,
                                   w < 0 && errno == ENOSPC ? "disk full" : w < 0 ? strerror(errno) : "short write");
        b += w;
        n -= (size_t)w;
        o->at += (uint64_t)w;
    }
    return 0;
}

/* Zeros up to offset `to` (the padding before a section). */
static int pad_to(out_file *o, uint64_t to, vigil_error *err)
{
    static const uint8_t zero[VG_PDQX_ALIGN];
    while (o->at < to) {
        size_t k = to - o->at < sizeof zero ? (size_t)(to - o->at) : sizeof zero;
        if (put(o, zero, k, err) < 0)
            return -1;
    }
    return 0;
}

static int write_body(out_file *o, vg_pdqx_header *h, const vg_pdq_words *w, const uint32_t *rows, size_t n,
                      vigil_error *err)
{
    unsigned start[VG_PDQ_INDEX_MAX_CHUNKS], bits[VG_PDQ_INDEX_MAX_CHUNKS];
    int rc;
    vg_pdq_index_layout((int)h->chunks, start, bits);
    if ((rc = pad_to(o, h->words_off, err)) < 0 || (rc = put(o, w, n * sizeof *w, err)) < 0 ||
        (rc = pad_to(o, h->rows_off, err)) < 0 || (rc = put(o, rows, n * 4, err)) < 0)
        return rc;
    for (unsigned c = 0; c < h->chunks; c++) {
        uint32_t *off, *ids;
        if (vg_pdq_chunk_table(w, n, start[c], bits[c], &off, &ids) < 0)
            return vigil_error_set(err, VIGIL_ENOMEM, "%s: out of memory for the PDQ index of %zu entries", o->path,
                                   n);
        rc = pad_to(o, h->table_off[c], err);
        if (rc == 0)
            rc = put(o, off, (((size_t)1 << bits[c]) + 1) * 4, err);
        if (rc == 0)
            rc = put(o, ids, n * 4, err);
        free(off);
        free(ids);
        if (rc < 0)
            return rc;
    }
    return pad_to(o, h->file_size, err);
}

static int write_file(out_file *o, const vg_segment *seg, vigil_error *err)
{
    vg_pdqx_header h;
    uint32_t *rows = NULL;
    vg_pdq_words *w = NULL;
    size_t n = 0;
    int rc;
    if (vg_pdq_seg_rows(&rows, &n, seg) < 0 || !(w = vg_pdq_alloc_huge(n * sizeof *w, 0))) {
        free(rows);
        return vigil_error_set(err, VIGIL_ENOMEM, "%s: out of memory", o->path);
    }
    for (size_t i = 0; i < n; i++) {
        vigil_pdq_hash ph;
        vg_pdq_seg_hash(seg, rows[i], ph.b); /* rows whose hash decodes (vg_pdq_seg_rows) */
        vg_pdq_words_of(&w[i], &ph);
    }
    memset(&h, 0, sizeof h);
    memcpy(h.magic, VG_PDQX_MAGIC, 8);
    h.version = VG_PDQX_VERSION;
    h.header_size = sizeof h;
    h.entries = n;
    h.chunks = (uint32_t)vg_pdq_index_pick_chunks(n);
    h.byte_order = VG_PDQX_BYTE_ORDER;
    h.seg_size = seg->size;
    memcpy(h.seg_header_sha256, seg->h->header_sha256, 32);
    h.file_size = plan(&h, n, (int)h.chunks);
    /* the header's place is skipped now and written once the body's checksum is known */
    if (lseek(o->fd, (off_t)sizeof h, SEEK_SET) < 0) {
        rc = vigil_error_set(err, VIGIL_ESTORE, "%s: %s", o->path, strerror(errno));
    } else {
        o->at = sizeof h;
        rc = write_body(o, &h, w, rows, n, err);
    }
    free(w);
    free(rows);
    if (rc < 0)
        return rc;
    EVP_DigestFinal_ex(o->md, h.body_sha256, NULL);
    {
        vigil_digests dg;
        vigil_digest_buffer(&dg, &h, offsetof(vg_pdqx_header, header_sha256), NULL);
        memcpy(h.header_sha256, dg.sha256, 32);
    }
    if (pwrite(o->fd, &h, sizeof h, 0) != (ssize_t)sizeof h || fsync(o->fd) != 0)
        return vigil_error_set(err, VIGIL_ESTORE, "%s: %s", o->path, errno == ENOSPC ? "disk full" : strerror(errno));
    return 0;
}

int vg_pdqx_write(const char *seg_path, const vg_segment *seg, vigil_error *err)
{
    char *final = vg_pdqx_path(seg_path), *tmp = NULL;
    out_file o = {-1, NULL, 0, NULL};
    int rc;
    if (!final || !(tmp = malloc(strlen(final) + 16))) {
        free(final);
        return vigil_error_set(err, VIGIL_ENOMEM, "pdq index: out of memory");
    }
    sprintf(tmp, "%s-tmp-XXXXXX", final);
    o.path = final;
    if ((o.fd = mkstemp(tmp)) < 0) {
        rc = vigil_error_set(err, VIGIL_ESTORE, "%s: %s", tmp, strerror(errno));
    } else if (!(o.md = EVP_MD_CTX_new()) || EVP_DigestInit_ex(o.md, EVP_sha256(), NULL) != 1) {
        rc = vigil_error_set(err, VIGIL_ENOMEM, "%s: cannot start a checksum", final);
    } else {
        (void)fchmod(o.fd, 0644); /* readable by whoever reads the segment */
        rc = write_file(&o, seg, err);
    }
    EVP_MD_CTX_free(o.md);
    if (o.fd >= 0 && close(o.fd) != 0 && rc == 0)
        rc = vigil_error_set(err, VIGIL_ESTORE, "%s: %s", final, strerror(errno));
    if (rc == 0 && rename(tmp, final) != 0)
        rc = vigil_error_set(err, VIGIL_ESTORE, "%s: %s", final, strerror(errno));
    if (rc < 0 && o.fd >= 0)
        unlink(tmp);
    free(tmp);
    free(final);
    return rc;
}

/* 0, or the number of the reason it is refused (why[] in vg_pdqx_open). */
static int check_header(const vg_pdqx_header *h, uint64_t file_size, const vg_segment *seg)
{
    vg_pdqx_header want;
    vigil_digests dg;
    if (memcmp(h->magic, VG_PDQX_MAGIC, 8) != 0)
        return 1;
    if (h->version != VG_PDQX_VERSION || h->header_size != sizeof *h || h->byte_order != VG_PDQX_BYTE_ORDER ||
        h->chunks < VG_PDQ_INDEX_MIN_CHUNKS || h->chunks > VG_PDQ_INDEX_MAX_CHUNKS)
        return 2;
    vigil_digest_buffer(&dg, h, offsetof(vg_pdqx_header, header_sha256), NULL);
    if (memcmp(dg.sha256, h->header_sha256, 32) != 0)
        return 3;
    if (h->file_size != file_size)
        return 4;
    if (h->seg_size != seg->size || memcmp(h->seg_header_sha256, seg->h->header_sha256, 32) != 0 ||
        h->entries > seg->npdq || h->entries >= UINT32_MAX)
        return 5;
    /* the sections are where a writer puts them, so none lies outside the file */
    memset(&want, 0, sizeof want);
    if (plan(&want, h->entries, (int)h->chunks) != file_size || want.words_off != h->words_off ||
        want.rows_off != h->rows_off || memcmp(want.table_off, h->table_off, sizeof want.table_off) != 0)
        return 6;
    return 0;
}

/* Entry i's row and hash against the segment's. */
static int entry_ok(const vg_pdqx *x, const vg_segment *seg, size_t i)
{
    vg_pdq_words w;
    uint32_t row = x->rows[i];
    vigil_pdq_hash ph;
    if (row >= seg->h->entries || vg_pdq_seg_hash(seg, row, ph.b) < 0)
        return 0;
    vg_pdq_words_of(&w, &ph);
    return !memcmp(&w, &x->words[i], sizeof w);
}

int vg_pdqx_open(vg_pdqx *out, const char *seg_path, const vg_segment *seg, vigil_error *err)
{
    static const char *why[] = {"",
                                "not a vigil PDQ index (bad magic)",
                                "unknown version, byte order or layout",
                                "header checksum mismatch (damaged)",
                                "truncated (file size differs from its header)",
                                "made for another segment",
                                "sections out of place (damaged)",
                                "entries differ from the segment's (damaged)"};
    const uint32_t *off[VG_PDQ_INDEX_MAX_CHUNKS], *ids[VG_PDQ_INDEX_MAX_CHUNKS];
    unsigned start[VG_PDQ_INDEX_MAX_CHUNKS], bits[VG_PDQ_INDEX_MAX_CHUNKS];
    char *path = vg_pdqx_path(seg_path);
    struct stat sb;
    void *map;
    int fd, bad = 0, rc;
    memset(out, 0, sizeof *out);
    if (!path)
        return vigil_error_set(err, VIGIL_ENOMEM, "pdq index: out of memory");
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
        rc = vigil_error_set(err, errno == ENOENT ? VIGIL_ENOTFOUND : VIGIL_ESTORE, "%s: %s", path, strerror(errno));
        free(path);
        return rc;
    }
    if (fstat(fd, &sb) < 0 || (uint64_t)sb.st_size < sizeof(vg_pdqx_header)) {
        close(fd);
        rc = vigil_error_set(err, VIGIL_ESTORE, "%s: %s", path, why[4]);
        free(path);
        return rc;
    }
    map = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    if (map == MAP_FAILED) {
        rc = vigil_error_set(err, VIGIL_ESTORE, "%s: mmap: %s", path, strerror(errno));
        free(path);
        return rc;
    }
    out->base = map;
    out->size = (size_t)sb.st_size;
    out->h = map;
    if (!(bad = check_header(out->h, (uint64_t)sb.st_size, seg))) {
        out->n = out->h->entries;
        out->words = (const vg_pdq_words *)(out->base + out->h->words_off);
        out->rows = (const uint32_t *)(out->base + out->h->rows_off);
        for (size_t k = 0; k < SAMPLE && out->n && !bad; k++) /* spread over the file: a cheap sign of damage */
            if (!entry_ok(out, seg, (size_t)((out->n - 1) * k / (SAMPLE - 1))))
                bad = 7;
    }
    if (bad) {
        rc = vigil_error_set(err, VIGIL_ESTORE, "%s: %s", path, why[bad]);
        vg_pdqx_close(out);
        free(path);
        return rc;
    }
    vg_pdq_index_layout((int)out->h->chunks, start, bits);
    for (unsigned c = 0; c < out->h->chunks; c++) {
        off[c] = (const uint32_t *)(out->base + out->h->table_off[c]);
        ids[c] = off[c] + ((size_t)1 << bits[c]) + 1;
    }
    free(path);
    if ((rc = vg_pdq_index_view(&out->idx, out->words, out->n, (int)out->h->chunks, off, ids, err)) < 0)
        vg_pdqx_close(out);
    return rc;
}

/* Table c holds every entry once, bucketed by its chunk value. */
static int table_ok(const vg_pdqx *x, unsigned c, unsigned start, unsigned bits, uint8_t *seen)
{
    const uint32_t *off = (const uint32_t *)(x->base + x->h->table_off[c]), *ids = off + ((size_t)1 << bits) + 1;
    size_t nb = (size_t)1 << bits;
    if (off[0] != 0 || off[nb] != x->n)
        return 0;
    memset(seen, 0, x->n);
    for (size_t v = 0; v < nb; v++) {
        if (off[v] > off[v + 1])
            return 0;
        for (uint32_t j = off[v]; j < off[v + 1]; j++) {
            uint32_t id = ids[j];
            const vg_pdq_words *w;
            unsigned wd, o;
            uint64_t val;
            if (id >= x->n || seen[id])
                return 0;
            seen[id] = 1;
            w = &x->words[id];
            wd = start >> 6;
            o = start & 63;
            val = w->w[wd] >> o;
            if (o + bits > 64)
                val |= w->w[wd + 1] << (64 - o);
            if ((val & ((1ULL << bits) - 1)) != v)
                return 0;
        }
    }
    return 1;
}

int vg_pdqx_verify(const vg_pdqx *x, const vg_segment *seg, const char *path, vigil_error *err)
{
    unsigned start[VG_PDQ_INDEX_MAX_CHUNKS], bits[VG_PDQ_INDEX_MAX_CHUNKS];
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    uint32_t *rows = NULL;
    uint8_t md[32], *seen;
    size_t n = 0;
    int ok = 1;
    if (!c || EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1) {
        EVP_MD_CTX_free(c);
        return vigil_error_set(err, VIGIL_ENOMEM, "%s: cannot start a checksum", path);
    }
    EVP_DigestUpdate(c, x->base + sizeof(vg_pdqx_header), x->size - sizeof(vg_pdqx_header));
    EVP_DigestFinal_ex(c, md, NULL);
    EVP_MD_CTX_free(c);
    if (memcmp(md, x->h->body_sha256, 32) != 0)
        return vigil_error_set(err, VIGIL_ESTORE, "%s: body checksum mismatch (damaged); %s", path, rebuild);
    if (vg_pdq_seg_rows(&rows, &n, seg) < 0 || !(seen = malloc(x->n ? x->n : 1))) {
        free(rows);
        return vigil_error_set(err, VIGIL_ENOMEM, "%s: out of memory", path);
    }
    ok = n == x->n;
    for (size_t i = 0; ok && i < n; i++)
        ok = x->rows[i] == rows[i] && entry_ok(x, seg, i);
    free(rows);
    if (!ok) {
        free(seen);
        return vigil_error_set(err, VIGIL_ESTORE, "%s: entries differ from the segment's; %s", path, rebuild);
    }
    vg_pdq_index_layout((int)x->h->chunks, start, bits);
    for (unsigned k = 0; ok && k < x->h->chunks; k++)
        if (!(ok = table_ok(x, k, start[k], bits[k], seen))) {
            free(seen);
            return vigil_error_set(err, VIGIL_ESTORE, "%s: chunk table %u damaged; %s", path, k, rebuild);
        }
    free(seen);
    return 0;
}

void vg_pdqx_close(vg_pdqx *x)
{
    if (!x)
        return;
    vg_pdq_index_free(x->idx);
    if (x->base)
        munmap((void *)x->base, x->size);
    memset(x, 0, sizeof *x);
}

void vg_pdqx_unlink(const char *seg_path)
{
    char *p = vg_pdqx_path(seg_path);
    if (p)
        unlink(p);
    free(p);
}

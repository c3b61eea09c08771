/*
 * Reading the exact-match index: map the file, check its header, and answer
 * lookups with a prefix table and a short binary search. Nothing is copied
 * into memory; the kernel pages in what lookups touch.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hashset/store_int.h"
#include "match/index_format.h"
#include "vigil/index.h"

struct vigil_index {
    const uint8_t *base;
    size_t size;
    const vg_idx_header *h;
    const vg_idx_set *sets;
    const vg_idx_ref *refs;
    const char *strings;
    const uint64_t *prefix[VG_IDX_ALGS];
    const uint8_t *records[VG_IDX_ALGS];
};

const char *vigil_match_by_name(vigil_match_by by)
{
    static const char *names[] = {"none", "md5", "sha1", "sha256", "pdq"};
    return (unsigned)by <= VIGIL_BY_PDQ ? names[by] : "?";
}

static int in_file(uint64_t off, uint64_t count, uint64_t size, uint64_t file_size)
{
    return off <= file_size && (size == 0 || count <= (file_size - off) / size);
}

static int check_header(const vg_idx_header *h, size_t file_size)
{
    vigil_digests dg;
    if (memcmp(h->magic, VG_IDX_MAGIC, 8) != 0)
        return -1;
    if (h->version != VG_IDX_VERSION || h->header_size != sizeof *h || h->file_size != file_size)
        return -2;
    vigil_digest_buffer(&dg, h, offsetof(vg_idx_header, header_sha256), NULL);
    if (memcmp(dg.sha256, h->header_sha256, 32) != 0)
        return -3;
    if (!in_file(h->sets_off, h->nsets, sizeof(vg_idx_set), file_size) ||
        !in_file(h->refs_off, h->nrefs, sizeof(vg_idx_ref), file_size) ||
        !in_file(h->strings_off, h->strings_size, 1, file_size) || h->strings_size == 0)
        return -4;
    for (int a = 0; a < VG_IDX_ALGS; a++)
        if (!in_file(h->prefix_off[a], VG_IDX_PREFIXES + 1, 8, file_size) ||
            !in_file(h->records_off[a], h->count[a], vg_idx_digest_len[a] + 4, file_size))
            return -4;
    return 0;
}

int vigil_index_open_file(vigil_index **out, const char *path, vigil_error *err)
{
    static const char *why[] = {"", "not a vigil index (bad magic)", "wrong version or truncated",
                                "header checksum mismatch (damaged)", "sections out of bounds (damaged)"};
    vigil_index *ix;
    struct stat st;
    void *map;
    int fd, bad;
    *out = NULL;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return vigil_error_set(err, errno == ENOENT ? VIGIL_ENOTFOUND : VIGIL_ESTORE, "%s: %s", path,
                               strerror(errno));
    if (fstat(fd, &st) < 0 || (size_t)st.st_size < sizeof(vg_idx_header)) {
        close(fd);
        return vigil_error_set(err, VIGIL_ESTORE, "%s: index file truncated; rebuild it with 'vigil hashset reindex'",
                               path);
    }
    map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    if (map == MAP_FAILED)
        return vigil_error_set(err, VIGIL_ESTORE, "%s: mmap: %s", path, strerror(errno));
    bad = check_header(map, (size_t)st.st_size);
    if (bad) {
        munmap(map, (size_t)st.st_size);
        return vigil_error_set(err, VIGIL_ESTORE, "%s: %s; rebuild it with 'vigil hashset reindex'", path, why[-bad]);
    }
    ix = calloc(1, sizeof *ix);
    if (!ix) {
        munmap(map, (size_t)st.st_size);
        return vigil_error_set(err, VIGIL_ENOMEM, "index: out of memory");
    }
    ix->base = map;
    ix->size = (size_t)st.st_size;
    ix->h = map;
    ix->sets = (const vg_idx_set *)(ix->base + ix->h->sets_off);
    ix->refs = (const vg_idx_ref *)(ix->base + ix->h->refs_off);
    ix->strings = (const char *)(ix->base + ix->h->strings_off);
    for (int a = 0; a < VG_IDX_ALGS; a++) {
        ix->prefix[a] = (const uint64_t *)(ix->base + ix->h->prefix_off[a]);
        ix->records[a] = ix->base + ix->h->records_off[a];
    }
    *out = ix;
    return 0;
}

int vigil_index_open(vigil_index **out, vigil_store *st, vigil_error *err)
{
    char *path = vg_store_index_path(st);
    int64_t generation;
    int rc;
    *out = NULL;
    if (!path)
        return vigil_error_set(err, VIGIL_ENOMEM, "index: out of memory");
    rc = vg_store_generation(&generation, st, err);
    if (rc == 0) {
        rc = vigil_index_open_file(out, path, NULL);
        if (rc == 0 && (*out)->h->generation != (uint64_t)generation) {
            vigil_index_close(*out);
            *out = NULL;
            rc = VIGIL_ESTATE;
        }
        if (rc < 0) { /* missing, stale or damaged: rebuild from the store */
            rc = vigil_index_build(st, err);
            if (rc == 0)
                rc = vigil_index_open_file(out, path, err);
        }
    }
    free(path);
    return rc;
}

void vigil_index_close(vigil_index *ix)
{
    if (!ix)
        return;
    munmap((void *)ix->base, ix->size);
    free(ix);
}

uint64_t vigil_index_entries(const vigil_index *ix)
{
    return ix->h->count[0] + ix->h->count[1] + ix->h->count[2];
}

/* The ref of the winning record for a digest, or -1. */
static int64_t find(const vigil_index *ix, int a, const uint8_t *d)
{
    size_t dlen = vg_idx_digest_len[a], rsize = dlen + 4;
    uint32_t p = (uint32_t)(d[0] << 8 | d[1]);
    uint64_t lo = ix->prefix[a][p], hi = ix->prefix[a][p + 1];
    const uint8_t *recs = ix->records[a];
    uint32_t ref;
    if (hi > ix->h->count[a] || lo > hi)
        return -1; /* damaged prefix table: no match rather than a read out of bounds */
    while (lo < hi) { /* first record >= d */
        uint64_t mid = lo + (hi - lo) / 2;
        if (memcmp(recs + mid * rsize, d, dlen) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo >= ix->h->count[a] || memcmp(recs + lo * rsize, d, dlen) != 0)
        return -1;
    memcpy(&ref, recs + lo * rsize + dlen, 4);
    return ref < ix->h->nrefs ? (int64_t)ref : -1;
}

static const char *str(const vigil_index *ix, uint32_t off)
{
    return off == VG_IDX_NONE || off >= ix->h->strings_size ? NULL : ix->strings + off;
}

int vigil_index_match(vigil_match *out, const vigil_index *ix, const vigil_digests *d)
{
    /* strongest digest first, so that at equal precedence SHA-256 names the match */
    static const int order[VG_IDX_ALGS] = {2, 1, 0};
    static const vigil_match_by by[VG_IDX_ALGS] = {VIGIL_BY_MD5, VIGIL_BY_SHA1, VIGIL_BY_SHA256};
    const uint8_t *digest[VG_IDX_ALGS] = {d->md5, d->sha1, d->sha256};
    int64_t best = -1;
    int best_alg = 0;
    for (int i = 0; i < VG_IDX_ALGS; i++) {
        int a = order[i];
        int64_t ref = find(ix, a, digest[a]);
        if (ref >= 0 && (best < 0 || ix->refs[ref].precedence < ix->refs[best].precedence)) {
            best = ref;
            best_alg = a;
        }
    }
    memset(out, 0, sizeof *out);
    if (best < 0)
        return 0;
    {
        const vg_idx_ref *r = &ix->refs[best];
        const vg_idx_set *s = r->set < ix->h->nsets ? &ix->sets[r->set] : NULL;
        if (!s)
            return 0;
        out->by = by[best_alg];
        out->kind = (vigil_hashset_kind)s->kind;
        out->set = str(ix, s->name);
        out->category = r->category != VG_IDX_NONE ? str(ix, r->category) : str(ix, s->category);
        out->series = r->series != VG_IDX_NONE ? str(ix, r->series) : str(ix, s->series);
    }
    return 1;
}

/*
 * Reading a segment: map it, check the header, and find digests with the
 * prefix table and a short binary search. Nothing is copied; the kernel pages
 * in what lookups touch.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "segment/row.h"
#include "segment/segment.h"
#include <openssl/evp.h>

#include "vigil/digest.h"

static const char *rebuild = "rebuild it with 'vigil hashset reindex'";

static int sec_ok(const vg_seg_header *h, int i, uint64_t file_size, uint64_t unit)
{
    const vg_seg_section *s = &h->sec[i];
    return s->off >= sizeof *h && s->off <= file_size && s->size <= file_size - s->off && s->size % unit == 0 &&
           s->off % 4 == 0;
}

/*
 * Leading bits of algorithm a's prefix table, from its size: 2^bits + 1 slots,
 * 16 bits before version 3; 0 when the size is not one a writer gives.
 */
static unsigned prefix_bits(const vg_seg_header *h, int a)
{
    uint64_t slots = h->sec[VG_SEC_PREFIX_MD5 + 2 * a].size / 4;
    if (h->version < 3)
        return slots == (1u << VG_SEG_PREFIX_BITS_V2) + 1 ? VG_SEG_PREFIX_BITS_V2 : 0;
    for (unsigned b = VG_SEG_PREFIX_BITS_MIN; b <= VG_SEG_PREFIX_BITS_MAX; b++)
        if (slots == (1ull << b) + 1)
            return b;
    return 0;
}

static int sec4_ok(const vg_seg_header *h, int i, uint64_t file_size, uint64_t size)
{
    const vg_seg_section *s = &h->sec4[i];
    return s->off >= sizeof *h && s->off <= file_size && s->size <= file_size - s->off && s->size == size &&
           s->off % 8 == 0;
}

/* Version 4's own sections: row lengths and groups sized to the entries, key positions empty only where allowed. */
static int check_v4(const vg_seg_header *h, uint64_t file_size)
{
    uint64_t groups = (h->entries + VG_SEG_ROW_GROUP - 1) / VG_SEG_ROW_GROUP;
    if (!sec4_ok(h, VG_SEC4_ROW_LEN, file_size, h->entries) || !sec4_ok(h, VG_SEC4_ROW_GROUP, file_size, groups * 8))
        return 0;
    for (int a = 0; a < VG_SEG_ALGS; a++) {
        uint64_t nkeys = h->sec[VG_SEC_KEYS_MD5 + 2 * a].size / (vg_seg_digest_len[a] + 4);
        int bare = h->sec4[VG_SEC4_KEYPOS_MD5 + a].size == 0;
        /* no key positions: every entry's key of a is the key of its own index, or no entry has a */
        if (bare ? !((h->row_order >> a & 1) && nkeys == h->entries) && nkeys != 0
                 : !sec4_ok(h, VG_SEC4_KEYPOS_MD5 + a, file_size, h->entries * 4))
            return 0;
    }
    return 1;
}

static int check_header(const vg_seg_header *h, uint64_t file_size)
{
    vigil_digests dg;
    int v4;
    if (memcmp(h->magic, VG_SEG_MAGIC, 8) != 0)
        return 1;
    v4 = h->version >= 4;
    if (h->version < VG_SEG_VERSION_MIN || h->version > VG_SEG_VERSION || h->header_size != sizeof *h ||
        h->entry_size != (v4 ? 0 : sizeof(vg_seg_entry)) || h->nsections != VG_SEC__COUNT + (v4 ? VG_SEC4__COUNT : 0))
        return 2;
    vigil_digest_buffer(&dg, h, offsetof(vg_seg_header, header_sha256), NULL);
    if (memcmp(dg.sha256, h->header_sha256, 32) != 0)
        return 3;
    if (h->file_size != file_size)
        return 4;
    if (!sec_ok(h, VG_SEC_ENTRIES, file_size, v4 ? 1 : sizeof(vg_seg_entry)) ||
        (!v4 && h->sec[VG_SEC_ENTRIES].size / sizeof(vg_seg_entry) != h->entries) ||
        !sec_ok(h, VG_SEC_STRINGS, file_size, 1) || !sec_ok(h, VG_SEC_PHOTODNA, file_size, 144) ||
        !sec_ok(h, VG_SEC_PDQ_ROWS, file_size, 4) || !sec_ok(h, VG_SEC_META, file_size, sizeof(vg_seg_meta)) ||
        h->sec[VG_SEC_META].size / sizeof(vg_seg_meta) != h->entries)
        return 5;
    for (int a = 0; a < VG_SEG_ALGS; a++)
        if (!sec_ok(h, VG_SEC_KEYS_MD5 + 2 * a, file_size, vg_seg_digest_len[a] + 4) ||
            !sec_ok(h, VG_SEC_PREFIX_MD5 + 2 * a, file_size, 4) || !prefix_bits(h, a))
            return 5;
    if (v4 && !check_v4(h, file_size))
        return 5;
    return 0;
}

int vg_seg_open(vg_segment *out, const char *path, vigil_error *err)
{
    static const char *why[] = {"", "not a vigil segment (bad magic)", "unknown version or layout",
                                "header checksum mismatch (damaged)", "truncated (file size differs from its header)",
                                "sections out of bounds (damaged)"};
    struct stat sb;
    void *map;
    int fd, bad;
    memset(out, 0, sizeof *out);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return vigil_error_set(err, errno == ENOENT ? VIGIL_ENOTFOUND : VIGIL_ESTORE, "%s: %s", path,
                               strerror(errno));
    if (fstat(fd, &sb) < 0 || (uint64_t)sb.st_size < sizeof(vg_seg_header)) {
        close(fd);
        return vigil_error_set(err, VIGIL_ESTORE, "%s: segment truncated; %s", path, rebuild);
    }
    map = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED) {
        int e = errno;
        close(fd);
        return vigil_error_set(err, VIGIL_ESTORE, "%s: mmap: %s", path, strerror(e));
    }
    bad = check_header(map, (uint64_t)sb.st_size);
    if (bad) {
        close(fd);
        munmap(map, (size_t)sb.st_size);
        return vigil_error_set(err, VIGIL_ESTORE, "%s: %s; %s", path, why[bad], rebuild);
    }
    out->base = map;
    out->size = (size_t)sb.st_size;
    out->fd = fd; /* kept: the file may be unlinked by a later import while this view reads it */
    out->h = map;
    if (out->h->version < 4) {
        out->wide = (const vg_seg_entry *)(out->base + out->h->sec[VG_SEC_ENTRIES].off);
    } else {
        out->rows = out->base + out->h->sec[VG_SEC_ENTRIES].off;
        out->nrows_bytes = out->h->sec[VG_SEC_ENTRIES].size;
        out->row_len = out->base + out->h->sec4[VG_SEC4_ROW_LEN].off;
        out->row_group = (const uint64_t *)(out->base + out->h->sec4[VG_SEC4_ROW_GROUP].off);
        for (int a = 0; a < VG_SEG_ALGS; a++)
            if (out->h->sec4[VG_SEC4_KEYPOS_MD5 + a].size)
                out->keypos[a] = (const uint32_t *)(out->base + out->h->sec4[VG_SEC4_KEYPOS_MD5 + a].off);
    }
    out->meta = (const vg_seg_meta *)(out->base + out->h->sec[VG_SEC_META].off);
    out->strings = (const char *)(out->base + out->h->sec[VG_SEC_STRINGS].off);
    out->nstrings = out->h->sec[VG_SEC_STRINGS].size;
    out->photodna = out->base + out->h->sec[VG_SEC_PHOTODNA].off;
    out->nphotodna = out->h->sec[VG_SEC_PHOTODNA].size / 144;
    out->pdq_rows = (const uint32_t *)(out->base + out->h->sec[VG_SEC_PDQ_ROWS].off);
    out->npdq = out->h->sec[VG_SEC_PDQ_ROWS].size / 4;
    for (int a = 0; a < VG_SEG_ALGS; a++) {
        const vg_seg_section *k = &out->h->sec[VG_SEC_KEYS_MD5 + 2 * a];
        out->keys[a] = out->base + k->off;
        out->nkeys[a] = k->size / (vg_seg_digest_len[a] + 4);
        out->prefix[a] = (const uint32_t *)(out->base + out->h->sec[VG_SEC_PREFIX_MD5 + 2 * a].off);
        out->prefix_bits[a] = prefix_bits(out->h, a);
    }
    for (int a = 0; a < VG_SEG_ALGS; a++) /* only a prefetch depends on it: a wrong bit costs time, not answers */
        out->in_row_order[a] = out->h->version >= 3 && (out->h->row_order >> a & 1) && out->nkeys[a] == out->h->entries;
    return 0;
}

void vg_seg_close(vg_segment *s)
{
    if (s && s->base) {
        munmap((void *)s->base, s->size);
        close(s->fd);
    }
    if (s)
        memset(s, 0, sizeof *s);
}

void vg_seg_release_pages(const vg_segment *s)
{
    /* a read-only file mapping: MADV_DONTNEED unmaps the pages, their contents stay the file's */
    if (s && s->base)
        (void)madvise((void *)s->base, s->size, MADV_DONTNEED);
}

int vg_seg_verify(const vg_segment *s, const char *path, vigil_error *err)
{
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    uint8_t md[32];
    if (!c || EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1) {
        EVP_MD_CTX_free(c);
        return vigil_error_set(err, VIGIL_ENOMEM, "%s: cannot start a checksum", path);
    }
    EVP_DigestUpdate(c, s->base + sizeof(vg_seg_header), s->size - sizeof(vg_seg_header));
    EVP_DigestFinal_ex(c, md, NULL);
    EVP_MD_CTX_free(c);
    if (memcmp(md, s->h->body_sha256, 32) != 0)
        return vigil_error_set(err, VIGIL_ESTORE, "%s: body checksum mismatch (damaged); %s", path, rebuild);
    return 0;
}

uint32_t vg_seg_key_row(const vg_segment *s, int a, uint64_t i)
{
    uint32_t row;
    memcpy(&row, s->keys[a] + i * (vg_seg_digest_len[a] + 4) + vg_seg_digest_len[a], 4);
    return row;
}

uint64_t vg_seg_guess(const vg_segment *s, int a, const uint8_t *d, uint64_t lo, uint64_t hi)
{
    /* digests are uniform: the 32 bits after the prefix say how far into its range d falls */
    uint32_t v = (uint32_t)((vg_seg_lead(d) << s->prefix_bits[a]) >> 32);
    return lo + (uint64_t)(((unsigned __int128)v * (hi - lo)) >> 32);
}

/* First index in [lo, hi) whose key is >= d (keys sorted). */
static uint64_t lower_bound(const uint8_t *k, size_t dlen, const uint8_t *d, uint64_t lo, uint64_t hi)
{
    size_t rsize = dlen + 4;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (vg_digest_cmp(k + mid * rsize, d, dlen) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int vg_seg_probe_start(const vg_segment *s, int a, const uint8_t *d, vg_seg_probe *p)
{
    uint64_t x = vg_seg_slot(s, a, d);
    uint64_t lo = s->prefix[a][x], hi = s->prefix[a][x + 1];
    if (hi > s->nkeys[a] || lo >= hi)
        return 0; /* none, or a damaged prefix table: no match rather than a read out of bounds */
    p->lo = lo;
    p->hi = p->end = hi;
    p->at = vg_seg_guess(s, a, d, lo, hi);
    return 1;
}

/* Slots up to this many keys are searched by a walk from the guess, larger ones by a gallop. */
#define WALK_MAX 64

uint64_t vg_seg_probe_end(const vg_segment *s, int a, const uint8_t *d, const vg_seg_probe *p)
{
    size_t dlen = vg_seg_digest_len[a];
    const uint8_t *k = s->keys[a];
    uint64_t lo = p->lo, hi = p->hi, g = p->at, step = 1;
    if (hi - lo <= WALK_MAX) {
        /*
         * A slot of a table sized to its keys holds about 16: the key is a
         * place or two from the guess, on lines already fetched. A walk reads
         * only those; a gallop would overshoot onto lines not fetched.
         */
        if (g < hi && vg_digest_cmp(vg_seg_key(s, a, g), d, dlen) < 0)
            do
                g++;
            while (g < hi && vg_digest_cmp(vg_seg_key(s, a, g), d, dlen) < 0);
        else
            while (g > lo && vg_digest_cmp(vg_seg_key(s, a, g - 1), d, dlen) >= 0)
                g--;
        return g < p->end && vg_digest_cmp(vg_seg_key(s, a, g), d, dlen) == 0 ? g : VG_SEG_NOKEY;
    }
    if (g < hi && vg_digest_cmp(vg_seg_key(s, a, g), d, dlen) < 0) {
        /* the answer is above the guess: gallop up */
        uint64_t b = lo = g + 1;
        while (b < hi && vg_digest_cmp(vg_seg_key(s, a, b), d, dlen) < 0) {
            lo = b + 1;
            b = lo + step;
            step <<= 1;
        }
        if (b < hi)
            hi = b;
    } else {
        /* at or below the guess: gallop down */
        hi = g;
        while (hi > lo) {
            uint64_t e = hi - lo > step ? hi - step : lo;
            if (vg_digest_cmp(vg_seg_key(s, a, e), d, dlen) < 0) {
                lo = e + 1;
                break;
            }
            hi = e;
            step <<= 1;
        }
    }
    lo = lower_bound(k, dlen, d, lo, hi);
    return lo < p->end && vg_digest_cmp(vg_seg_key(s, a, lo), d, dlen) == 0 ? lo : VG_SEG_NOKEY;
}

uint64_t vg_seg_first(const vg_segment *s, int a, const uint8_t *d)
{
    vg_seg_probe p;
    if (!vg_seg_probe_start(s, a, d, &p))
        return VG_SEG_NOKEY;
    return vg_seg_probe_end(s, a, d, &p);
}

uint64_t vg_seg_find_all(const vg_segment *s, int a, const uint8_t *d, uint64_t *first)
{
    size_t dlen = vg_seg_digest_len[a];
    uint64_t lo = vg_seg_first(s, a, d), end;
    if (lo == VG_SEG_NOKEY) {
        *first = 0;
        return 0;
    }
    for (end = lo + 1; end < s->nkeys[a] && vg_digest_cmp(vg_seg_key(s, a, end), d, dlen) == 0; end++)
        ;
    *first = lo;
    return end - lo;
}

int64_t vg_seg_find(const vg_segment *s, int a, const uint8_t *d)
{
    uint64_t first;
    uint32_t row;
    if (!vg_seg_find_all(s, a, d, &first))
        return -1;
    row = vg_seg_key_row(s, a, first);
    return row < s->h->entries ? (int64_t)row : -1;
}

/* Version 4: where row's compact bytes lie; NULL when the tables are damaged there. */
static const uint8_t *row_bytes(const vg_segment *s, uint32_t row, size_t *n)
{
    uint64_t g = row / VG_SEG_ROW_GROUP, off = s->row_group[g];
    if (off > s->nrows_bytes)
        return NULL; /* checked before adding lengths to it: a damaged offset must not wrap around */
    for (uint64_t k = g * VG_SEG_ROW_GROUP; k < row; k++)
        off += s->row_len[k];
    *n = s->row_len[row];
    return off <= s->nrows_bytes && *n <= s->nrows_bytes - off ? s->rows + off : NULL;
}

/* Version 4: the digest of algorithm a of row, from its key; 0 when the key does not name the row (damaged). */
static int row_digest(const vg_segment *s, int a, uint32_t row, uint8_t *d)
{
    uint64_t k = s->keypos[a] ? s->keypos[a][row] : row;
    if (k >= s->nkeys[a] || vg_seg_key_row(s, a, k) != row)
        return 0;
    memcpy(d, vg_seg_key(s, a, k), vg_seg_digest_len[a]);
    return 1;
}

int vg_seg_get(const vg_segment *s, uint32_t row, vg_seg_entry *e)
{
    uint8_t *dg[VG_SEG_ALGS] = {e->md5, e->sha1, e->sha256};
    const vg_seg_meta *m;
    const uint8_t *p;
    size_t n;
    memset(e, 0, sizeof *e);
    e->size = -1;
    e->severity = e->pdq_quality = -1;
    e->photodna = e->category = e->label = e->profile = e->series = e->source = VG_SEG_NONE;
    if (!s->h || row >= s->h->entries)
        return -1;
    if (s->wide) {
        *e = s->wide[row];
        return 0;
    }
    m = &s->meta[row];
    if (!(p = row_bytes(s, row, &n)) || vg_seg_row_unpack(e, p, n, m->mask) < 0)
        goto damaged;
    e->mask = m->mask;
    e->category = m->category;
    e->series = m->series;
    e->severity = m->severity;
    for (int a = 0; a < VG_SEG_ALGS; a++)
        if ((m->mask >> a & 1) && !row_digest(s, a, row, dg[a]))
            goto damaged;
    return 0;
damaged:
    memset(e, 0, sizeof *e);
    e->size = -1;
    e->severity = e->pdq_quality = -1;
    e->photodna = e->category = e->label = e->profile = e->series = e->source = VG_SEG_NONE;
    return -1;
}

int vg_seg_pdq(const vg_segment *s, uint32_t row, uint8_t pdq[32], int8_t *quality)
{
    vg_seg_entry e;
    const uint8_t *p;
    size_t n;
    if (!s->h || row >= s->h->entries)
        return -1;
    if (s->wide) {
        memcpy(pdq, s->wide[row].pdq, 32);
        *quality = s->wide[row].pdq_quality;
        return 0;
    }
    /* the compact row alone: its digests (in the keys) are not needed */
    if (!(s->meta[row].mask & VG_SEG_HAS_PDQ) || !(p = row_bytes(s, row, &n)) ||
        vg_seg_row_unpack(&e, p, n, s->meta[row].mask) < 0)
        return -1;
    memcpy(pdq, e.pdq, 32);
    *quality = e.pdq_quality;
    return 0;
}

const char *vg_seg_str(const vg_segment *s, uint32_t off)
{
    if (off == VG_SEG_NONE || off >= s->nstrings)
        return NULL;
    /* a damaged pool without a final NUL must not run past the section */
    return memchr(s->strings + off, '\0', s->nstrings - off) ? s->strings + off : NULL;
}

int vg_seg_digest_rows(const vg_segment *s, const uint8_t *d, size_t len, vg_seg_rows *out)
{
    int a = len == 16 ? VG_SEG_MD5 : len == 20 ? VG_SEG_SHA1 : len == 32 ? VG_SEG_SHA256 : -1;
    uint64_t first, n;
    if (a < 0)
        return 0;
    n = vg_seg_find_all(s, a, d, &first);
    for (uint64_t k = 0; k < n; k++) {
        uint32_t row = vg_seg_key_row(s, a, first + k);
        if (row >= s->h->entries)
            continue;
        if (out->n == out->cap) {
            size_t ncap = out->cap ? 2 * out->cap : 16;
            uint32_t *p = realloc(out->rows, ncap * sizeof *p);
            if (!p)
                return -1;
            out->rows = p;
            out->cap = ncap;
        }
        out->rows[out->n++] = row;
    }
    return 0;
}

static int cmp_u32(const void *pa, const void *pb)
{
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    return a < b ? -1 : a > b;
}

void vg_seg_rows_sort(vg_seg_rows *r)
{
    size_t k = 0;
    if (r->n > 1)
        qsort(r->rows, r->n, sizeof *r->rows, cmp_u32);
    for (size_t i = 0; i < r->n; i++) /* a row met through two digests counts once */
        if (!k || r->rows[k - 1] != r->rows[i])
            r->rows[k++] = r->rows[i];
    r->n = k;
}

int vg_seg_rows_has(const vg_seg_rows *r, uint32_t row)
{
    return r->n && bsearch(&row, r->rows, r->n, sizeof row, cmp_u32) != NULL;
}

/*
 * The exact-match index over segments: one SQLite read lists the current
 * segment of every set in precedence order (illegal, interest, benign; then
 * import order), each is mapped and its header checked, and the active
 * disputes are loaded into a small sorted array. A lookup asks each segment in
 * that order; the first entry that is not disputed wins. Nothing is copied:
 * the kernel pages in what lookups touch.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hex.h"
#include "hashset/catalog.h"
#include "match/index_int.h"
#include "match/record.h"
#include "segment/segment.h"
#include "vigil/index.h"

static const vigil_match_by alg_by[VG_SEG_ALGS] = {VIGIL_BY_MD5, VIGIL_BY_SHA1, VIGIL_BY_SHA256};

const char *vigil_match_by_name(vigil_match_by by)
{
    static const char *names[] = {"none", "md5", "sha1", "sha256", "pdq", "vpdq"};
    return (unsigned)by <= VIGIL_BY_VPDQ ? names[by] : "?";
}

const char *vigil_match_flag_name(unsigned bit)
{
    static const char *names[VIGIL_MATCH__FLAGS] = {"also-benign", "common-file", "conflict", "low-quality",
                                                    "sets-disagree"};
    return bit < VIGIL_MATCH__FLAGS ? names[bit] : NULL;
}

/*
 * Files too common to prove anything, kept as their bytes (their digests are
 * computed when an index opens): the 1x1 transparent GIF of web pages and
 * mail, a lone newline, and blocks of zero bytes as found in sparse files.
 */
static const uint8_t gif_1x1[] = {0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80,
                                  0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0x21, 0xf9, 0x04,
                                  0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00, 0x01,
                                  0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b};

static int load_common(vigil_index *ix, vigil_error *err)
{
    static const size_t zero_blocks[] = {512, 4096};
    uint8_t *zeros = calloc(1, 4096);
    size_t n = 0;
    vigil_digests dg;
    ix->common = calloc(4, sizeof *ix->common);
    if (!zeros || !ix->common) {
        free(zeros);
        return vigil_error_set(err, VIGIL_ENOMEM, "index: out of memory");
    }
#define ADD(p, len)                                                                                              \
    do {                                                                                                         \
        vigil_digest_buffer(&dg, p, len, NULL);                                                                  \
        memcpy(ix->common[n].md5, dg.md5, 16);                                                                   \
        memcpy(ix->common[n].sha1, dg.sha1, 20);                                                                 \
        memcpy(ix->common[n].sha256, dg.sha256, 32);                                                             \
        n++;                                                                                                     \
    } while (0)
    ADD(gif_1x1, sizeof gif_1x1);
    ADD("\n", 1);
    for (size_t i = 0; i < sizeof zero_blocks / sizeof zero_blocks[0]; i++)
        ADD(zeros, zero_blocks[i]);
#undef ADD
    ix->ncommon = n;
    free(zeros);
    return 0;
}

int vg_ix_is_common(const vigil_index *ix, int a, const uint8_t *d)
{
    for (size_t i = 0; i < ix->ncommon; i++) {
        const uint8_t *c = a == VG_SEG_MD5 ? ix->common[i].md5 : a == VG_SEG_SHA1 ? ix->common[i].sha1
                                                                                  : ix->common[i].sha256;
        if (!memcmp(c, d, vg_seg_digest_len[a]))
            return 1;
    }
    return 0;
}

static int load_disputes(vigil_index *ix, vigil_store *st, vigil_error *err)
{
    int rc = vg_store_active_disputes(&ix->disputes, &ix->ndisputes, st, err);
    if (rc < 0)
        return rc;
    if (ix->ndisputes && !(ix->dispute_hex = malloc(ix->ndisputes * sizeof *ix->dispute_hex)))
        return vigil_error_set(err, VIGIL_ESTORE, "%s: reading disputes: out of memory", vigil_store_path(st));
    for (size_t k = 0; k < ix->ndisputes; k++)
        vg_hex_encode(ix->dispute_hex[k], ix->disputes[k].d, ix->disputes[k].len);
    return 0;
}

static int cmp_row(const void *pa, const void *pb)
{
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    return a < b ? -1 : a > b;
}

static int cmp_key(const void *pa, const void *pb)
{
    const disputed_key *a = pa, *b = pb;
    if (a->len != b->len)
        return a->len < b->len ? -1 : 1;
    return memcmp(a->d, b->d, a->len);
}

static int add_rec(vigil_index *ix, size_t *cap, size_t set, uint32_t row, size_t dispute)
{
    for (size_t r = 0; r < ix->nrecs; r++) /* one record, many disputes: the first one names it */
        if (ix->recs[r].set == set && ix->recs[r].row == row)
            return 0;
    if (ix->nrecs == *cap) {
        size_t ncap = *cap ? 2 * *cap : 16;
        disputed_rec *p = realloc(ix->recs, ncap * sizeof *p);
        if (!p)
            return -1;
        ix->recs = p;
        *cap = ncap;
    }
    ix->recs[ix->nrecs++] = (disputed_rec){set, row, dispute};
    return 0;
}

/* The digests of every disputed entry, sorted, so that an item is checked in three searches. */
static int key_disputed(vigil_index *ix)
{
    ix->keys = ix->nrecs ? malloc(3 * ix->nrecs * sizeof *ix->keys) : NULL;
    if (ix->nrecs && !ix->keys)
        return -1;
    for (size_t r = 0; r < ix->nrecs; r++) {
        vg_seg_entry x, *e = &x;
        const uint8_t *dg[VG_SEG_ALGS] = {e->md5, e->sha1, e->sha256};
        (void)vg_seg_get(&ix->sets[ix->recs[r].set].seg, ix->recs[r].row, e); /* damaged: no digests */
        for (int a = 0; a < VG_SEG_ALGS; a++)
            if (e->mask & (1u << a)) {
                disputed_key *k = &ix->keys[ix->nkeys++];
                k->len = (uint8_t)vg_seg_digest_len[a];
                memcpy(k->d, dg[a], k->len);
                k->rec = (uint32_t)r;
            }
    }
    if (ix->nkeys > 1)
        qsort(ix->keys, ix->nkeys, sizeof *ix->keys, cmp_key);
    return 0;
}

/*
 * Turn the disputed digests into the rows of the entries they take out, per
 * set, once at open: an entry is disputed when one of its digests is, and it
 * is then out for every digest and hash it has. A lookup checks its row
 * against a small sorted array instead of reading the entry's 160-byte row
 * (at 100 million entries, rows that are not in memory).
 */
static int resolve_disputes(vigil_index *ix, vigil_error *err)
{
    size_t cap = 0;
    for (size_t i = 0; i < ix->nsets; i++) {
        ix_set *set = &ix->sets[i];
        vg_seg_rows rows = {NULL, 0, 0};
        for (size_t j = 0; j < ix->ndisputes; j++) {
            const vg_store_dispute *d = &ix->disputes[j];
            size_t from = rows.n;
            if (d->set && strcmp(d->set, set->name))
                continue;
            if (vg_seg_digest_rows(&set->seg, d->d, d->len, &rows) < 0)
                goto nomem;
            for (size_t k = from; k < rows.n; k++)
                if (add_rec(ix, &cap, i, rows.rows[k], j) < 0)
                    goto nomem;
        }
        vg_seg_rows_sort(&rows);
        set->disputed = rows.rows;
        set->ndisputed = rows.n;
        continue;
    nomem:
        free(rows.rows);
        return vigil_error_set(err, VIGIL_ENOMEM, "index: out of memory");
    }
    if (key_disputed(ix) < 0)
        return vigil_error_set(err, VIGIL_ENOMEM, "index: out of memory");
    return 0;
}

int vg_ix_disputed(const vigil_index *ix, size_t i, uint32_t row)
{
    const ix_set *set = &ix->sets[i];
    return set->ndisputed && bsearch(&row, set->disputed, set->ndisputed, sizeof row, cmp_row) != NULL;
}

static void free_sets(vigil_index *ix)
{
    for (size_t i = 0; i < ix->nsets; i++) {
        vg_seg_close(&ix->sets[i].seg);
        free(ix->sets[i].name);
        free(ix->sets[i].category);
        free(ix->sets[i].series);
        free(ix->sets[i].disputed);
    }
    free(ix->sets);
    ix->sets = NULL;
    ix->nsets = 0;
    ix->entries = 0;
}

/* Map the segments of one snapshot; VIGIL_ENOTFOUND when a file went away meanwhile (try again). */
static int map_snapshot(vigil_index *ix, vigil_store *st, vigil_error *err)
{
    vg_store_set *v;
    size_t n;
    int rc = vg_store_snapshot(&v, &n, st, err);
    if (rc < 0)
        return rc;
    ix->sets = calloc(n ? n : 1, sizeof *ix->sets);
    if (!ix->sets)
        rc = vigil_error_set(err, VIGIL_ENOMEM, "index: out of memory");
    for (size_t i = 0; rc == 0 && i < n; i++) {
        ix_set *s = &ix->sets[ix->nsets];
        char *path = vg_store_segment_path(st, v[i].segment);
        if (!path) {
            rc = vigil_error_set(err, VIGIL_ENOMEM, "index: out of memory");
            break;
        }
        rc = vg_seg_open(&s->seg, path, err);
        free(path);
        if (rc < 0)
            break;
        s->name = v[i].name;
        s->category = v[i].category;
        s->series = v[i].series;
        v[i].name = v[i].category = v[i].series = NULL;
        s->kind = v[i].kind;
        s->version = (int)v[i].version;
        ix->entries += s->seg.h->entries;
        ix->nsets++;
    }
    vg_store_snapshot_free(v, n);
    if (rc < 0)
        free_sets(ix);
    return rc;
}

int vigil_index_open(vigil_index **out, vigil_store *st, vigil_error *err)
{
    vigil_index *ix = calloc(1, sizeof *ix);
    int rc = ix ? 0 : vigil_error_set(err, VIGIL_ENOMEM, "index: out of memory");
    *out = NULL;
    /* an import may replace a segment between the read and the mapping: read again */
    for (int tries = 0; rc == 0 && tries < 8; tries++) {
        rc = map_snapshot(ix, st, err);
        if (rc != VIGIL_ENOTFOUND)
            break;
        if (tries < 7)
            rc = 0;
    }
    if (rc == VIGIL_ENOTFOUND) { /* a set's segment is missing: 'reindex' says more */
        rc = VIGIL_ESTORE;
        if (err)
            err->code = rc;
    }
    if (rc == 0)
        rc = load_disputes(ix, st, err);
    if (rc == 0)
        rc = resolve_disputes(ix, err);
    if (rc == 0)
        rc = load_common(ix, err);
    if (rc < 0) {
        vigil_index_close(ix);
        return rc;
    }
    *out = ix;
    return 0;
}

int vigil_index_open_file(vigil_index **out, const char *path, vigil_error *err)
{
    vigil_index *ix = calloc(1, sizeof *ix);
    int rc;
    *out = NULL;
    if (!ix || !(ix->sets = calloc(1, sizeof *ix->sets))) {
        free(ix);
        return vigil_error_set(err, VIGIL_ENOMEM, "index: out of memory");
    }
    rc = vg_seg_open(&ix->sets[0].seg, path, err);
    if (rc == 0 && !(ix->sets[0].name = strdup(path)))
        rc = vigil_error_set(err, VIGIL_ENOMEM, "index: out of memory");
    if (rc == 0) {
        ix->nsets = 1;
        ix->sets[0].kind = VIGIL_KIND_INTEREST;
        ix->entries = ix->sets[0].seg.h->entries;
        rc = load_common(ix, err);
    }
    if (rc < 0) {
        vg_seg_close(&ix->sets[0].seg);
        free(ix->sets[0].name);
        free(ix->sets);
        free(ix->common);
        free(ix);
        return rc;
    }
    *out = ix;
    return 0;
}

void vigil_index_close(vigil_index *ix)
{
    if (!ix)
        return;
    free_sets(ix);
    vg_store_disputes_free(ix->disputes, ix->ndisputes);
    free(ix->dispute_hex);
    free(ix->recs);
    free(ix->keys);
    free(ix->common);
    free(ix->pages);
    free(ix);
}

uint64_t vigil_index_entries(const vigil_index *ix)
{
    return ix->entries;
}

size_t vigil_index_sets(const vigil_index *ix)
{
    return ix->nsets;
}

/*
 * Row of the first undisputed entry of the run of keys equal to d that starts
 * at key index first (the first key of the run wins), or -1. Only a disputed
 * entry makes it read past the first key.
 */
static int64_t resolve(const vigil_index *ix, size_t i, int a, const uint8_t *d, uint64_t first)
{
    const vg_segment *s = &ix->sets[i].seg;
    if (first == VG_SEG_NOKEY)
        return -1;
    for (uint64_t k = first; k < s->nkeys[a]; k++) {
        uint32_t row;
        if (k > first && vg_digest_cmp(vg_seg_key(s, a, k), d, vg_seg_digest_len[a]) != 0)
            break;
        row = vg_seg_key_row(s, a, k);
        if (row < s->h->entries && !vg_ix_disputed(ix, i, row))
            return row;
    }
    return -1;
}

/* Row of the first undisputed entry with digest d in set i, or -1. */
static int64_t find_in(const vigil_index *ix, size_t i, int a, const uint8_t *d)
{
    if (ix->pages)
        return vg_ix_find_read(ix, i, a, d);
    return resolve(ix, i, a, d, vg_seg_first(&ix->sets[i].seg, a, d));
}

int vg_ix_in_benign(const vigil_index *ix, const uint8_t *const digest[VG_SEG_ALGS])
{
    for (size_t i = 0; i < ix->nsets; i++)
        if (ix->sets[i].kind == VIGIL_KIND_BENIGN)
            for (int a = 0; a < VG_SEG_ALGS; a++)
                if (digest[a] && find_in(ix, i, a, digest[a]) >= 0)
                    return 1;
    return 0;
}

static void fill(vigil_match *out, const vigil_index *ix, size_t i, int64_t row, int a,
                 const uint8_t *const digest[VG_SEG_ALGS])
{
    const ix_set *s = &ix->sets[i];
    const vg_seg_meta *e = &s->seg.meta[row]; /* the compact table, not the wide row */
    const char *cat = vg_seg_str(&s->seg, e->category), *ser = vg_seg_str(&s->seg, e->series);
    memset(out, 0, sizeof *out);
    out->by = alg_by[a];
    out->kind = s->kind;
    out->set = s->name;
    out->category = cat ? cat : s->category;
    out->series = ser ? ser : s->series;
    out->victim_identified = (e->flags & VG_SEG_VICTIM_IDENTIFIED) != 0;
    if (s->kind != VIGIL_KIND_ILLEGAL)
        return;
    /* list hygiene: an illegal match that proves little goes to a person */
    if (e->flags & VG_SEG_CONFLICT)
        out->flags |= VIGIL_MATCH_CONFLICT;
    for (int k = 0; k < VG_SEG_ALGS; k++)
        if (digest[k] && vg_ix_is_common(ix, k, digest[k]))
            out->flags |= VIGIL_MATCH_COMMON_FILE;
    if (vg_ix_in_benign(ix, digest))
        out->flags |= VIGIL_MATCH_ALSO_BENIGN;
}

/* Searches started together: sets x algorithms beyond this go one at a time. */
#define MATCH_PROBES 48

/*
 * The first undisputed entry, in precedence order (set, then the algorithms
 * in the order given), of the digests given: its row, *set_out and *alg_out;
 * -1 when none. Most files are in no set: the search of every set and
 * algorithm starts at once, so that their cache misses overlap instead of
 * following one another, then they finish in precedence order.
 */
static int64_t first_hit(const vigil_index *ix, const uint8_t *const digest[VG_SEG_ALGS], const int *algs, int nalgs,
                         size_t *set_out, int *alg_out)
{
    vg_seg_probe p[MATCH_PROBES];
    uint8_t live[MATCH_PROBES];
    size_t np = ix->nsets * (size_t)nalgs < MATCH_PROBES ? ix->nsets * (size_t)nalgs : MATCH_PROBES;
    if (ix->pages) /* bounded memory: no mapped keys to fetch ahead, each search on its own */
        np = 0;
    for (size_t j = 0; j < np; j++) {
        const vg_segment *s = &ix->sets[j / (size_t)nalgs].seg;
        int a = algs[j % (size_t)nalgs];
        vg_seg_prefix_prefetch(s, a, digest[a]);
    }
    for (size_t j = 0; j < np; j++) {
        const vg_segment *s = &ix->sets[j / (size_t)nalgs].seg;
        int a = algs[j % (size_t)nalgs];
        live[j] = (uint8_t)vg_seg_probe_start(s, a, digest[a], &p[j]);
        if (live[j])
            vg_seg_probe_prefetch(s, a, &p[j]);
    }
    for (size_t i = 0; i < ix->nsets; i++)
        for (int k = 0; k < nalgs; k++) {
            size_t j = i * (size_t)nalgs + (size_t)k;
            int a = algs[k];
            int64_t row;
            if (j < np)
                row = live[j] ? resolve(ix, i, a, digest[a], vg_seg_probe_end(&ix->sets[i].seg, a, digest[a], &p[j]))
                              : -1;
            else
                row = find_in(ix, i, a, digest[a]);
            if (row >= 0) {
                *set_out = i;
                *alg_out = a;
                if (ix->pages)
                    vg_ix_pages_hit(ix);
                return row;
            }
        }
    return -1;
}

int vigil_index_match(vigil_match *out, const vigil_index *ix, const vigil_digests *d)
{
    /* strongest digest first, so that within a set SHA-256 names the match */
    static const int order[VG_SEG_ALGS] = {VG_SEG_SHA256, VG_SEG_SHA1, VG_SEG_MD5};
    const uint8_t *digest[VG_SEG_ALGS] = {d->md5, d->sha1, d->sha256};
    size_t set;
    int a;
    int64_t row = first_hit(ix, digest, order, VG_SEG_ALGS, &set, &a);
    memset(out, 0, sizeof *out);
    if (row < 0)
        return 0;
    fill(out, ix, set, row, a, digest); /* the record is left to vigil_index_match_all: a hit costs no wide row */
    return 1;
}

/* Is the entry at row of set i among the n already taken? */
static int listed(const size_t *sets, const uint32_t *rows, size_t n, size_t i, uint32_t row)
{
    for (size_t k = 0; k < n; k++)
        if (sets[k] == i && rows[k] == row)
            return 1;
    return 0;
}

size_t vigil_index_match_all(vigil_match *out, size_t cap, const vigil_index *ix, const vigil_digests *d)
{
    static const int order[VG_SEG_ALGS] = {VG_SEG_SHA256, VG_SEG_SHA1, VG_SEG_MD5};
    const uint8_t *digest[VG_SEG_ALGS] = {d->md5, d->sha1, d->sha256};
    size_t n = 0, sets[VIGIL_MATCHES_MAX];
    uint32_t rows[VIGIL_MATCHES_MAX];
    if (cap > VIGIL_MATCHES_MAX)
        cap = VIGIL_MATCHES_MAX;
    /* the same walk as first_hit's: its first undisputed entry is the winner */
    for (size_t i = 0; i < ix->nsets && n < cap; i++)
        for (int k = 0; k < VG_SEG_ALGS && n < cap; k++) {
            const vg_segment *s = &ix->sets[i].seg;
            int a = order[k];
            uint64_t first, cnt = vg_seg_find_all(s, a, digest[a], &first);
            for (uint64_t q = 0; q < cnt && n < cap; q++) {
                uint32_t row = vg_seg_key_row(s, a, first + q);
                if (row >= s->h->entries || vg_ix_disputed(ix, i, row) || listed(sets, rows, n, i, row))
                    continue;
                fill(&out[n], ix, i, row, a, digest);
                vg_match_record(&out[n], s, row, ix->sets[i].version);
                sets[n] = i;
                rows[n++] = row;
            }
        }
    vigil_matches_mark_disagreement(out, n);
    return n;
}

static int same_str(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b));
}

/* Entries of one set that disagree are the list's own conflict (flagged at import); this is between sets. */
void vigil_matches_mark_disagreement(vigil_match *m, size_t n)
{
    int differ = 0;
    for (size_t i = 0; i < n && !differ; i++)
        for (size_t k = i + 1; k < n && !differ; k++)
            differ = m[i].category && m[k].category && !same_str(m[i].set, m[k].set) &&
                     strcmp(m[i].category, m[k].category);
    for (size_t k = 0; differ && k < n; k++)
        if (m[k].category)
            m[k].flags |= VIGIL_MATCH_SETS_DISAGREE;
}

/* Add the dispute of disputed record r to out unless there already. */
static size_t add_applied(vigil_dispute_applied *out, size_t n, size_t cap, uint32_t *seen, const vigil_index *ix,
                          uint32_t r)
{
    const disputed_rec *rec = &ix->recs[r];
    const vg_store_dispute *d = &ix->disputes[rec->dispute];
    for (size_t k = 0; k < n; k++)
        if (seen[k] == r)
            return n;
    if (n == cap)
        return n;
    seen[n] = r;
    out[n] = (vigil_dispute_applied){ix->dispute_hex[rec->dispute], d->set, ix->sets[rec->set].name, d->reason,
                                     d->by, d->at};
    return n + 1;
}

size_t vigil_index_disputes_applied(vigil_dispute_applied *out, size_t cap, const vigil_index *ix,
                                    const vigil_digests *d, const vigil_pdq_hash *pdq, int max_distance)
{
    const uint8_t *digest[VG_SEG_ALGS] = {d->md5, d->sha1, d->sha256};
    uint32_t seen[VIGIL_MATCHES_MAX];
    size_t n = 0;
    if (!ix || !ix->nrecs)
        return 0;
    if (cap > VIGIL_MATCHES_MAX)
        cap = VIGIL_MATCHES_MAX;
    for (int a = 0; a < VG_SEG_ALGS; a++) {
        disputed_key q = {(uint8_t)vg_seg_digest_len[a], {0}, 0};
        size_t lo = 0, hi = ix->nkeys;
        memcpy(q.d, digest[a], q.len);
        while (lo < hi) { /* the first key >= q */
            size_t mid = lo + (hi - lo) / 2;
            if (cmp_key(&ix->keys[mid], &q) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (; lo < ix->nkeys && !cmp_key(&ix->keys[lo], &q); lo++)
            n = add_applied(out, n, cap, seen, ix, ix->keys[lo].rec);
    }
    /* a disputed record's PDQ no longer makes a near match either: say so when it would have */
    for (size_t r = 0; pdq && r < ix->nrecs; r++) {
        const ix_set *set = &ix->sets[ix->recs[r].set];
        vg_seg_entry x, *e = &x;
        vigil_pdq_hash h;
        (void)vg_seg_get(&set->seg, ix->recs[r].row, e);
        if (!(e->mask & VG_SEG_HAS_PDQ) || (set->kind != VIGIL_KIND_ILLEGAL && set->kind != VIGIL_KIND_INTEREST))
            continue;
        memcpy(h.b, e->pdq, 32);
        for (int v = 0; v < VIGIL_PDQ__DIHEDRAL; v++)
            if (vigil_pdq_distance(&pdq[v], &h) <= max_distance) {
                n = add_applied(out, n, cap, seen, ix, (uint32_t)r);
                break;
            }
    }
    return n;
}

static int alg_of(vigil_match_by by)
{
    return by == VIGIL_BY_MD5 ? VG_SEG_MD5 : by == VIGIL_BY_SHA1 ? VG_SEG_SHA1 : by == VIGIL_BY_SHA256 ? VG_SEG_SHA256 : -1;
}

int vigil_index_lookup(vigil_match *out, const vigil_index *ix, vigil_match_by by, const uint8_t *digest)
{
    int a = alg_of(by), alg;
    const uint8_t *digests[VG_SEG_ALGS] = {NULL, NULL, NULL};
    size_t set;
    int64_t row;
    memset(out, 0, sizeof *out);
    if (a < 0)
        return 0;
    digests[a] = digest;
    row = first_hit(ix, digests, &a, 1, &set, &alg);
    if (row < 0)
        return 0;
    fill(out, ix, set, row, a, digests);
    return 1;
}

#define BATCH 32

size_t vigil_index_lookup_batch(vigil_match *out, uint8_t *found, const vigil_index *ix, vigil_match_by by,
                                const uint8_t *digests, size_t n)
{
    int a = alg_of(by);
    size_t dlen, hits = 0;
    if (a < 0) {
        memset(found, 0, n);
        return 0;
    }
    dlen = vg_seg_digest_len[a];
    if (ix->pages) { /* bounded memory: the keys are read, not fetched ahead */
        for (size_t q = 0; q < n; q++)
            hits += (size_t)(found[q] = (uint8_t)vigil_index_lookup(&out[q], ix, by, digests + q * dlen));
        return hits;
    }
    for (size_t base = 0; base < n; base += BATCH) {
        size_t m = n - base < BATCH ? n - base : BATCH;
        const uint8_t *d = digests + base * dlen;
        vg_seg_probe p[BATCH];
        int64_t row[BATCH];
        int set[BATCH];
        uint8_t live[BATCH];
        for (size_t q = 0; q < m; q++)
            set[q] = -1;
        /*
         * Software pipelining, no sort: each step touches the memory of every
         * open query before any query waits on it: the prefix slots, the
         * guessed keys, then the search (its first steps now in cache) and
         * the hit's meta row, then the answers.
         */
        for (size_t i = 0; i < ix->nsets; i++) {
            const vg_segment *s = &ix->sets[i].seg;
            for (size_t q = 0; q < m; q++)
                if (set[q] < 0)
                    vg_seg_prefix_prefetch(s, a, d + q * dlen);
            for (size_t q = 0; q < m; q++) {
                live[q] = set[q] < 0 && vg_seg_probe_start(s, a, d + q * dlen, &p[q]);
                if (live[q])
                    vg_seg_probe_prefetch(s, a, &p[q]);
            }
            for (size_t q = 0; q < m; q++) {
                if (!live[q])
                    continue;
                row[q] = resolve(ix, i, a, d + q * dlen, vg_seg_probe_end(s, a, d + q * dlen, &p[q]));
                if (row[q] >= 0) {
                    set[q] = (int)i;
                    __builtin_prefetch(&s->meta[row[q]]);
                }
            }
        }
        for (size_t q = 0; q < m; q++) {
            const uint8_t *dg[VG_SEG_ALGS] = {NULL, NULL, NULL};
            found[base + q] = set[q] >= 0;
            if (set[q] < 0) {
                memset(&out[base + q], 0, sizeof out[base + q]);
                continue;
            }
            dg[a] = d + q * dlen;
            fill(&out[base + q], ix, (size_t)set[q], row[q], a, dg);
            hits++;
        }
    }
    return hits;
}

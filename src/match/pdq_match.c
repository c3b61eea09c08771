/*
 * The PDQ matcher: entries given by a caller held compactly (hashes as
 * 64-bit words, one label id per entry pointing at its kind, set, category
 * and series), or a store's segments each with its index mapped from disk
 * (pdq_store.c); each searched by a linear scan or by the multi-index hashing
 * index (pdq_index.c), with the popcount kernels picked for this CPU
 * (pdq_kernels.c). Every structure reports every (entry, orientation) within
 * the radius and the best hit is chosen from those by one rule, so their
 * answers are the same.
 *
 * Entry ids run over the views in order (view i's entries from its base), so
 * the earlier entry of the tie rule is the earlier in precedence order.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "match/pdq_match_int.h"
#include "match/pdq_store.h"
#include "match/record.h"

/* One searchable array of hashes: the caller's entries, or one segment of the store. */
typedef struct view {
    const vg_pdq_words *h;
    size_t n, base;         /* ids base .. base + n - 1 */
    vg_pdq_index *idx;      /* NULL: linear scan */
    const vg_pdq_part *part; /* from a store: kind, names, segment rows and disputes */
} view;

typedef struct label {
    vigil_hashset_kind kind;
    int weak;                               /* listed with a quality below 50 (list hygiene) */
    const char *set, *category, *series;    /* owned by the matcher's string pool */
} label;

struct vigil_pdq_matcher {
    const vigil_pdq_matcher_ops *ops;
    const vg_pdq_kernels *k;
    vg_pdq_index *idx;      /* caller's entries: NULL for a linear scan */
    int threads;
    view *views;
    size_t nviews;
    size_t n;               /* entries over all views */
    size_t out;             /* of those, taken out by disputes */
    vg_pdq_words *h;        /* caller's entries: n hashes */
    uint32_t *label;        /* caller's entries: n label ids */
    size_t cap;
    label *labels;
    size_t nlabels, caplabels;
    char **strings;         /* owned copies the labels point to */
    size_t nstrings, capstrings;
    vg_pdq_part *parts;     /* opened from a store: a part per segment */
    size_t nparts;
};

static int rank(vigil_hashset_kind k)
{
    return k == VIGIL_KIND_ILLEGAL ? 0 : k == VIGIL_KIND_INTEREST ? 1 : 2;
}

/* The view that holds entry id. */
static const view *view_of(const vigil_pdq_matcher *m, uint32_t id)
{
    size_t lo = 0, hi = m->nviews;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (m->views[mid].base <= id)
            lo = mid;
        else
            hi = mid;
    }
    return &m->views[lo];
}

/* A view's hits as matcher ids, without the entries a dispute took out. */
typedef struct relay {
    const view *w;
    vg_pdq_found_fn fn;
    void *ud;
} relay;

static void relay_hit(void *ud, uint32_t id, int v, int d)
{
    const relay *r = ud;
    if (r->w->part && vg_pdq_part_disputed(r->w->part, id))
        return;
    r->fn(r->ud, (uint32_t)(r->w->base + id), v, d);
}

/* Every entry of w within r of the eight q: entry-major, 512 entries at a time per orientation. */
static void view_linear(const vigil_pdq_matcher *m, const view *w, const vg_pdq_words qw[VIGIL_PDQ__DIHEDRAL], int r,
                        vg_pdq_found_fn fn, void *ud)
{
    enum { BLOCK = 512 };
    uint16_t d[VIGIL_PDQ__DIHEDRAL][BLOCK];
    for (size_t i = 0; i < w->n; i += BLOCK) {
        size_t nb = w->n - i < BLOCK ? w->n - i : BLOCK;
        for (int v = 0; v < VIGIL_PDQ__DIHEDRAL; v++)
            m->k->run(d[v], &qw[v], w->h + i, nb);
        for (size_t j = 0; j < nb; j++)
            for (int v = 0; v < VIGIL_PDQ__DIHEDRAL; v++)
                if (d[v][j] <= r)
                    fn(ud, (uint32_t)(i + j), v, d[v][j]);
    }
}

/* Every view in turn, through its index unless linear is asked (or the radius is too large for the
 * index's chunks: then brute force, as exact and far slower). */
static void each_view(const vigil_pdq_matcher *m, const vigil_pdq_hash q[VIGIL_PDQ__DIHEDRAL], int r, int linear,
                      vg_pdq_found_fn fn, void *ud)
{
    vg_pdq_words qw[VIGIL_PDQ__DIHEDRAL];
    if (!m || r < 0)
        return;
    for (int v = 0; v < VIGIL_PDQ__DIHEDRAL; v++)
        vg_pdq_words_of(&qw[v], &q[v]);
    for (size_t i = 0; i < m->nviews; i++) {
        const view *w = &m->views[i];
        relay rl = {w, fn, ud};
        if (linear || !w->idx || vg_pdq_index_search(w->idx, w->h, m->k, qw, r, relay_hit, &rl) < 0)
            view_linear(m, w, qw, r, relay_hit, &rl);
    }
}

void vg_pdq_matcher_each_linear(const vigil_pdq_matcher *m, const vigil_pdq_hash q[VIGIL_PDQ__DIHEDRAL], int r,
                                vg_pdq_found_fn fn, void *ud)
{
    each_view(m, q, r, 1, fn, ud);
}

void vg_pdq_matcher_each(const vigil_pdq_matcher *m, const vigil_pdq_hash q[VIGIL_PDQ__DIHEDRAL], int r,
                         vg_pdq_found_fn fn, void *ud)
{
    each_view(m, q, r, 0, fn, ud);
}

static vigil_hashset_kind kind_of(const vigil_pdq_matcher *m, uint32_t id)
{
    return m->label ? m->labels[m->label[id]].kind : view_of(m, id)->part->kind;
}

static const vg_pdq_words *hash_of(const vigil_pdq_matcher *m, uint32_t id)
{
    const view *w = view_of(m, id);
    return &w->h[id - w->base];
}

typedef struct best {
    const vigil_pdq_matcher *m;
    int found, rank, d, v;
    uint32_t id;
} best;

/* Illegal > interest > benign, then the smaller distance, the lower orientation, the earlier entry. */
static void take_best(void *ud, uint32_t id, int v, int d)
{
    best *b = ud;
    int r = rank(kind_of(b->m, id));
    if (b->found && (r > b->rank || (r == b->rank && (d > b->d || (d == b->d && (v > b->v || (v == b->v &&
                                                                                               id > b->id)))))))
        return;
    b->found = 1;
    b->rank = r;
    b->d = d;
    b->v = v;
    b->id = id;
}

/* The match of entry id at distance d by orientation v: its set, category and listed record. */
static void fill_hit(vigil_match *out, const vigil_pdq_matcher *m, uint32_t id, int v, int d)
{
    const label *l;
    memset(out, 0, sizeof *out);
    if (!m->label) { /* from a store: names and quality read from the segment, for this hit only */
        const view *w = view_of(m, id);
        const vg_pdq_part *p = w->part;
        uint32_t row = p->rows[id - w->base];
        int q = vg_pdq_seg_quality(&p->seg, row);
        const char *cat, *ser;
        vg_pdq_seg_names(&p->seg, row, &cat, &ser);
        out->by = VIGIL_BY_PDQ;
        out->kind = p->kind;
        out->set = p->set;
        out->category = cat ? cat : p->category;
        out->series = ser ? ser : p->series;
        if (q >= 0 && q < 50) /* list hygiene: a weak listed hash proves less */
            out->flags |= VIGIL_MATCH_LOW_QUALITY;
        out->distance = d;
        out->dihedral = v;
        vg_match_record(out, &p->seg, row, p->version);
        return;
    }
    l = &m->labels[m->label[id]];
    out->by = VIGIL_BY_PDQ;
    out->kind = l->kind;
    out->set = l->set;
    out->category = l->category;
    out->series = l->series;
    if (l->weak) /* list hygiene: a weak listed hash proves less */
        out->flags |= VIGIL_MATCH_LOW_QUALITY;
    out->distance = d;
    out->dihedral = v;
    out->record_mask = VIGIL_RECORD_PDQ; /* entries given by the caller: the hash is all there is */
    memcpy(out->pdq, m->h[id].w, sizeof out->pdq);
}

static int best_hit(const vigil_pdq_matcher *m, const vigil_pdq_hash q[VIGIL_PDQ__DIHEDRAL], int max_distance,
                    vigil_pdq_hit *out)
{
    best b = {m, 0, 0, 0, 0, 0};
    memset(out, 0, sizeof *out);
    vg_pdq_matcher_each(m, q, max_distance, take_best, &b);
    if (!b.found)
        return 0;
    fill_hit(&out->match, m, b.id, b.v, b.d);
    out->dihedral = b.v;
    memcpy(out->entry.b, hash_of(m, b.id)->w, sizeof out->entry.b);
    return 1;
}

typedef struct near {
    uint32_t id;
    int rank, d, v;
} near;

typedef struct all_hits {
    const vigil_pdq_matcher *m;
    near *v;
    size_t n, cap;
} all_hits;

static void take_all(void *ud, uint32_t id, int v, int d)
{
    all_hits *a = ud;
    if (a->n == a->cap) {
        size_t ncap = a->cap ? 2 * a->cap : 16;
        near *p = ncap < ((size_t)1 << 20) ? realloc(a->v, ncap * sizeof *p) : NULL;
        if (!p)
            return; /* out of memory: the hits so far */
        a->v = p;
        a->cap = ncap;
    }
    a->v[a->n++] = (near){id, rank(kind_of(a->m, id)), d, v};
}

static int cmp_near(const void *pa, const void *pb)
{
    const near *a = pa, *b = pb;
    if (a->rank != b->rank)
        return a->rank < b->rank ? -1 : 1;
    if (a->d != b->d)
        return a->d < b->d ? -1 : 1;
    if (a->v != b->v)
        return a->v < b->v ? -1 : 1;
    return a->id < b->id ? -1 : a->id > b->id;
}

size_t vigil_pdq_matcher_search_all(const vigil_pdq_matcher *m, const vigil_pdq_hash q[VIGIL_PDQ__DIHEDRAL],
                                    int max_distance, vigil_match *out, size_t cap)
{
    all_hits a = {m, NULL, 0, 0};
    size_t n = 0;
    if (!m)
        return 0;
    vg_pdq_matcher_each(m, q, max_distance, take_all, &a);
    if (a.n > 1) /* the order of best_hit, so the first is its hit */
        qsort(a.v, a.n, sizeof *a.v, cmp_near);
    for (size_t i = 0; i < a.n && n < cap; i++) {
        int seen = 0;
        for (size_t k = 0; k < i && !seen; k++) /* an entry once, by its best orientation */
            seen = a.v[k].id == a.v[i].id;
        if (!seen)
            fill_hit(&out[n++], m, a.v[i].id, a.v[i].v, a.v[i].d);
    }
    free(a.v);
    vigil_matches_mark_disagreement(out, n);
    return n;
}

static void matcher_close(vigil_pdq_matcher *m)
{
    for (size_t i = 0; i < m->nstrings; i++)
        free(m->strings[i]);
    vg_pdq_index_free(m->idx);
    vg_pdq_parts_free(m->parts, m->nparts);
    free(m->views);
    free(m->strings);
    free(m->labels);
    free(m->label);
    free(m->h);
    free(m);
}

static const vigil_pdq_matcher_ops linear_ops = {best_hit, matcher_close};
static const vigil_pdq_matcher_ops index_ops = {best_hit, matcher_close};

/* A copy of s owned by m; a recent copy is reused when equal (entries come grouped by set). */
static int keep(const char **out, vigil_pdq_matcher *m, const char *s)
{
    char *c;
    *out = NULL;
    if (!s)
        return 0;
    for (size_t i = m->nstrings; i > 0 && i + 4 > m->nstrings; i--)
        if (!strcmp(m->strings[i - 1], s)) {
            *out = m->strings[i - 1];
            return 0;
        }
    if (m->nstrings == m->capstrings) {
        size_t ncap = m->capstrings ? 2 * m->capstrings : 16;
        char **p = realloc(m->strings, ncap * sizeof *p);
        if (!p)
            return -1;
        m->strings = p;
        m->capstrings = ncap;
    }
    if (!(c = strdup(s)))
        return -1;
    m->strings[m->nstrings++] = c;
    *out = c;
    return 0;
}

static int reserve(vigil_pdq_matcher *m, size_t want)
{
    vg_pdq_words *h;
    uint32_t *l;
    if (want <= m->cap)
        return 0;
    /* aligned so that no hash straddles two cache lines; in huge pages when large (random access) */
    if (!(h = vg_pdq_alloc_huge(want * sizeof *h, 0)))
        return -1;
    if (!(l = malloc(want * sizeof *l))) {
        free(h);
        return -1;
    }
    if (m->n) {
        memcpy(h, m->h, m->n * sizeof *h);
        memcpy(l, m->label, m->n * sizeof *l);
    }
    free(m->h);
    free(m->label);
    m->h = h;
    m->label = l;
    m->cap = want;
    return 0;
}

static int same(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b));
}

static int add_entry(vigil_pdq_matcher *m, const vigil_pdq_entry *src)
{
    if (m->n == m->cap && reserve(m, m->cap ? 2 * m->cap : 64) < 0)
        return -1;
    int weak = src->quality >= 0 && src->quality < 50;
    if (m->nlabels == 0 || !(m->labels[m->nlabels - 1].kind == src->kind && m->labels[m->nlabels - 1].weak == weak &&
                             same(m->labels[m->nlabels - 1].set, src->set) &&
                             same(m->labels[m->nlabels - 1].category, src->category) &&
                             same(m->labels[m->nlabels - 1].series, src->series))) {
        label *l;
        if (m->nlabels == m->caplabels) {
            size_t ncap = m->caplabels ? 2 * m->caplabels : 16;
            label *p = realloc(m->labels, ncap * sizeof *p);
            if (!p)
                return -1;
            m->labels = p;
            m->caplabels = ncap;
        }
        l = &m->labels[m->nlabels];
        l->kind = src->kind;
        l->weak = weak;
        if (keep(&l->set, m, src->set) < 0 || keep(&l->category, m, src->category) < 0 ||
            keep(&l->series, m, src->series) < 0)
            return -1;
        m->nlabels++;
    }
    vg_pdq_words_of(&m->h[m->n], &src->hash);
    m->label[m->n++] = (uint32_t)(m->nlabels - 1);
    return 0;
}

static int matcher_new(vigil_pdq_matcher **out, vigil_error *err)
{
    vigil_pdq_matcher *m = calloc(1, sizeof *m);
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    int rc;
    *out = NULL;
    if (!m)
        return vigil_error_set(err, VIGIL_ENOMEM, "pdq matcher: out of memory");
    m->ops = &linear_ops;
    m->threads = cpus < 1 ? 1 : cpus > 64 ? 64 : (int)cpus;
    if ((rc = vg_pdq_kernels_select(&m->k, err)) < 0) {
        free(m);
        return rc;
    }
    *out = m;
    return 0;
}

int vg_pdq_matcher_reindex(vigil_pdq_matcher *m, int chunks, vigil_error *err)
{
    vg_pdq_index *x;
    int rc;
    if (!m->label)
        return vigil_error_set(err, VIGIL_EINTERNAL, "pdq matcher: only entries given by the caller are reindexed");
    if ((rc = vg_pdq_index_build(&x, m->h, m->n, chunks, m->threads, err)) < 0)
        return rc;
    vg_pdq_index_free(m->idx);
    m->idx = x;
    m->views[0].idx = x;
    m->ops = &index_ops;
    return 0;
}

static int finish(vigil_pdq_matcher **out, vigil_pdq_matcher *m, vigil_pdq_structure structure, vigil_error *err)
{
    int rc;
    if (!(m->views = calloc(1, sizeof *m->views))) {
        matcher_close(m);
        return vigil_error_set(err, VIGIL_ENOMEM, "pdq matcher: out of memory");
    }
    m->nviews = 1;
    m->views[0] = (view){m->h, m->n, 0, NULL, NULL};
    if (structure == VIGIL_PDQ_INDEX || (structure == VIGIL_PDQ_AUTO && m->n >= VIGIL_PDQ_INDEX_MIN)) {
        if ((rc = vg_pdq_matcher_reindex(m, 0, err)) < 0) {
            matcher_close(m);
            return rc;
        }
    }
    *out = m;
    return 0;
}

int vigil_pdq_matcher_from_entries_as(vigil_pdq_matcher **out, const vigil_pdq_entry *e, size_t n,
                                      vigil_pdq_structure structure, vigil_error *err)
{
    vigil_pdq_matcher *m;
    int rc;
    *out = NULL;
    if ((rc = matcher_new(&m, err)) < 0)
        return rc;
    if (n >= UINT32_MAX) {
        matcher_close(m);
        return vigil_error_set(err, VIGIL_EINPUT, "pdq matcher: %zu entries, at most %u", n, UINT32_MAX - 1);
    }
    if (reserve(m, n ? n : 1) < 0) {
        matcher_close(m);
        return vigil_error_set(err, VIGIL_ENOMEM, "pdq matcher: out of memory for %zu entries", n);
    }
    for (size_t i = 0; i < n; i++)
        if (add_entry(m, &e[i]) < 0) {
            matcher_close(m);
            return vigil_error_set(err, VIGIL_ENOMEM, "pdq matcher: out of memory");
        }
    return finish(out, m, structure, err);
}

int vigil_pdq_matcher_from_entries(vigil_pdq_matcher **out, const vigil_pdq_entry *e, size_t n, vigil_error *err)
{
    return vigil_pdq_matcher_from_entries_as(out, e, n, VIGIL_PDQ_AUTO, err);
}

int vigil_pdq_matcher_open(vigil_pdq_matcher **out, struct vigil_store *st, vigil_error *err)
{
    vigil_pdq_matcher *m;
    int rc;
    *out = NULL;
    if ((rc = matcher_new(&m, err)) < 0)
        return rc;
    if ((rc = vg_store_pdq_parts(&m->parts, &m->nparts, st, m->threads, err)) < 0) {
        matcher_close(m);
        return rc;
    }
    if (!(m->views = calloc(m->nparts ? m->nparts : 1, sizeof *m->views))) {
        matcher_close(m);
        return vigil_error_set(err, VIGIL_ENOMEM, "pdq matcher: out of memory");
    }
    for (size_t i = 0; i < m->nparts; i++) {
        const vg_pdq_part *p = &m->parts[i];
        if (m->n + p->n >= UINT32_MAX) {
            matcher_close(m);
            return vigil_error_set(err, VIGIL_EINPUT, "pdq matcher: more than %u entries", UINT32_MAX - 1);
        }
        m->views[m->nviews++] = (view){p->h, p->n, m->n, p->idx, p};
        m->n += p->n;
        if (p->idx)
            m->ops = &index_ops;
        /* the disputed PDQ entries, counted from the disputed rows (few), not by reading all entries */
        for (size_t k = 0; k < p->out.n; k++)
            m->out += vg_pdq_seg_has(&p->seg, p->out.rows[k]);
    }
    *out = m;
    return 0;
}

uint64_t vigil_pdq_matcher_entries(const vigil_pdq_matcher *m)
{
    return m ? m->n - m->out : 0;
}

int vigil_pdq_matcher_search(const vigil_pdq_matcher *m, const vigil_pdq_hash q[VIGIL_PDQ__DIHEDRAL],
                             int max_distance, vigil_pdq_hit *out)
{
    if (!m) {
        memset(out, 0, sizeof *out);
        return 0;
    }
    return m->ops->search(m, q, max_distance, out);
}

typedef struct batch {
    const vigil_pdq_matcher *m;
    const vigil_pdq_hash (*q)[VIGIL_PDQ__DIHEDRAL];
    size_t n;
    int r;
    vigil_pdq_hit *hits;
    atomic_size_t next, found;
} batch;

/* Queries are taken 16 at a time so that the threads finish together. */
static void *batch_worker(void *arg)
{
    batch *b = arg;
    size_t found = 0, i;
    while ((i = atomic_fetch_add(&b->next, 16)) < b->n) {
        size_t end = i + 16 < b->n ? i + 16 : b->n;
        for (; i < end; i++)
            found += (size_t)vigil_pdq_matcher_search(b->m, b->q[i], b->r, &b->hits[i]);
    }
    atomic_fetch_add(&b->found, found);
    return NULL;
}

size_t vigil_pdq_matcher_search_batch(const vigil_pdq_matcher *m, const vigil_pdq_hash (*q)[VIGIL_PDQ__DIHEDRAL],
                                      size_t n, int max_distance, vigil_pdq_hit *hits)
{
    batch b = {.m = m, .q = q, .n = n, .r = max_distance, .hits = hits};
    pthread_t tid[64];
    int threads = m ? m->threads : 1, started = 0;
    atomic_init(&b.next, 0);
    atomic_init(&b.found, 0);
    if ((size_t)threads > n / 16 + 1)
        threads = (int)(n / 16 + 1);
    for (int t = 1; t < threads; t++)
        if (pthread_create(&tid[started], NULL, batch_worker, &b) == 0)
            started++;
    batch_worker(&b);
    for (int t = 0; t < started; t++)
        pthread_join(tid[t], NULL);
    return atomic_load(&b.found);
}

void vigil_pdq_matcher_set_threads(vigil_pdq_matcher *m, int threads)
{
    if (m)
        m->threads = threads < 1 ? 1 : threads > 64 ? 64 : threads;
}

void vg_pdq_matcher_use_kernels(vigil_pdq_matcher *m, const vg_pdq_kernels *k)
{
    if (m && k)
        m->k = k;
}

void vigil_pdq_matcher_info_get(vigil_pdq_matcher_info *out, const vigil_pdq_matcher *m)
{
    memset(out, 0, sizeof *out);
    if (!m)
        return;
    out->structure = "linear";
    out->impl = m->k->name;
    out->threads = m->threads;
    out->entries = vigil_pdq_matcher_entries(m);
    out->bytes = m->cap * (sizeof *m->h + sizeof *m->label) + m->nlabels * sizeof *m->labels;
    for (size_t i = 0; i < m->nviews; i++) {
        const view *w = &m->views[i];
        if (w->idx) {
            out->structure = "index";
            if (vg_pdq_index_chunks(w->idx) > out->chunks)
                out->chunks = vg_pdq_index_chunks(w->idx);
        }
        if (w->part && w->part->file.base)
            out->mapped += w->part->file.size;
        else if (w->part)
            out->bytes += w->n * (sizeof *w->h + 4) + vg_pdq_index_bytes(w->idx);
        else
            out->bytes += vg_pdq_index_bytes(w->idx);
    }
}

void vigil_pdq_matcher_close(vigil_pdq_matcher *m)
{
    if (m)
        m->ops->close(m);
}

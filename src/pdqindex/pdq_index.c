/*
 * Multi-index hashing over PDQ hashes (see pdq_index.h for the idea).
 *
 * Layout: chunk c covers bits [start, start + bits) of the hash read as four
 * little-endian words. Its table is a counting sort of the entries by that
 * chunk value: off[v] .. off[v + 1] are the positions in ids[] of the entries
 * whose chunk is v (CSR). Memory: 4 * 2^bits per chunk plus 4 bytes per entry
 * per chunk.
 *
 * Flip budgets: the plain pigeonhole probes every chunk within floor(r / m)
 * flips. The generalised one only needs budgets t[c] (-1: chunk not probed)
 * with sum(t[c] + 1) >= r + 1: an entry over budget in every chunk differs in
 * at least that many bits. Budget units go one at a time to the chunk where
 * they add the least expected work (probes + candidates), so at radius 31
 * over 11 chunks one chunk needs one flip instead of two, and at radius 8
 * only nine chunks are probed, exactly.
 *
 * Chunk count: more chunks mean shorter chunks (fuller buckets, more
 * candidates to verify) but smaller budgets; the same cost model at radius
 * 31 picks the count from the number of entries, with each chunk's table no
 * larger than about twice the entry count.
 *
 * Search runs in blocks so that memory latency overlaps: probes are gathered
 * and their table slots prefetched, then their id ranges read (prefetching
 * the hashes), then the candidates verified together by a popcount kernel.
 * A candidate met through several chunks is reported once: only through the
 * first chunk in which it is within that chunk's budget of the query.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "pdqindex/pdq_index.h"

#define PROBE_BLOCK 256
#define CAND_BLOCK 1024

struct vg_pdq_index {
    int m;
    uint16_t start[VG_PDQ_INDEX_MAX_CHUNKS], bits[VG_PDQ_INDEX_MAX_CHUNKS];
    uint32_t *off[VG_PDQ_INDEX_MAX_CHUNKS];     /* 2^bits + 1 each */
    uint32_t *ids[VG_PDQ_INDEX_MAX_CHUNKS];     /* n each */
    const vg_pdq_words *h;
    size_t n, bytes;
    int owned;                                  /* 0: the tables lie in a mapped file (vg_pdq_index_view) */
    /* budgets per radius, worked out once: radius r is served when r < nradii */
    int nradii;
    int8_t budget[4 * VG_PDQ_INDEX_MAX_CHUNKS][VG_PDQ_INDEX_MAX_CHUNKS];
};

static inline uint32_t chunk_of(const vg_pdq_words *h, unsigned start, unsigned bits)
{
    unsigned w = start >> 6, o = start & 63;
    uint64_t x = h->w[w] >> o;
    if (o + bits > 64)
        x |= h->w[w + 1] << (64 - o);
    return (uint32_t)(x & ((1ULL << bits) - 1));
}

static void layout(vg_pdq_index *x, int m)
{
    unsigned base = 256 / (unsigned)m, extra = 256 % (unsigned)m, s = 0;
    x->m = m;
    for (int c = 0; c < m; c++) {
        x->start[c] = (uint16_t)s;
        x->bits[c] = (uint16_t)(base + ((unsigned)c < extra));
        s += x->bits[c];
    }
}

/* C(b, k) for k <= 3: the values at exactly k flips from a b-bit chunk value. */
static double flips_exactly(unsigned b, int k)
{
    double c = 1;
    for (int i = 1; i <= k; i++)
        c = c * (double)(b - (unsigned)i + 1) / i;
    return c;
}

/*
 * Flip budgets for radius r (see the top of the file); the expected work
 * comes back in *cost. -1 when r needs more than VG_PDQ_INDEX_MAX_FLIPS in
 * some chunk: the caller then scans linearly.
 */
static int budgets(const vg_pdq_index *x, int r, int8_t t[VG_PDQ_INDEX_MAX_CHUNKS], double *cost)
{
    *cost = 0;
    for (int c = 0; c < x->m; c++)
        t[c] = -1;
    for (int u = 0; u <= r; u++) {
        int best = -1;
        double best_add = 0;
        for (int c = 0; c < x->m; c++) {
            double add;
            if (t[c] >= VG_PDQ_INDEX_MAX_FLIPS)
                continue;
            add = flips_exactly(x->bits[c], t[c] + 1) * (1.0 + (double)x->n / (double)(1ULL << x->bits[c]));
            if (best < 0 || add < best_add) {
                best = c;
                best_add = add;
            }
        }
        if (best < 0)
            return -1;
        t[best]++;
        *cost += best_add;
    }
    return 0;
}

static int pick_chunks(size_t n)
{
    int best = VG_PDQ_INDEX_MAX_CHUNKS;
    double best_cost = -1;
    for (int m = VG_PDQ_INDEX_MIN_CHUNKS; m <= VG_PDQ_INDEX_MAX_CHUNKS; m++) {
        vg_pdq_index t;
        int8_t budget[VG_PDQ_INDEX_MAX_CHUNKS];
        double cost;
        int fits = 1;
        layout(&t, m);
        t.n = n;
        for (int c = 0; c < m; c++)
            if (t.bits[c] > 16 && (double)(1ULL << t.bits[c]) > 2.0 * (double)n)
                fits = 0;
        if (fits && budgets(&t, VG_PDQ_INDEX_RADIUS, budget, &cost) == 0 && (best_cost < 0 || cost < best_cost)) {
            best = m;
            best_cost = cost;
        }
    }
    return best;
}

void *vg_pdq_alloc_huge(size_t bytes, int zero)
{
    const size_t huge = (size_t)2 << 20;
    void *p;
    if (bytes < huge) {     /* cache-line aligned: no hash straddles two lines */
        if (posix_memalign(&p, 64, bytes ? bytes : 1))
            return NULL;
    } else {
        bytes = (bytes + huge - 1) / huge * huge;
        if (posix_memalign(&p, huge, bytes))
            return NULL;
#ifdef MADV_HUGEPAGE
        (void)madvise(p, bytes, MADV_HUGEPAGE);  /* only a hint: without it the tables work, slower */
#endif
    }
    if (zero)
        memset(p, 0, bytes);
    return p;
}

/* Counting sort of the n hashes h by the chunk [start, start + bits): the CSR table. */
int vg_pdq_chunk_table(const vg_pdq_words *h, size_t n, unsigned start, unsigned bits, uint32_t **off_out,
                       uint32_t **ids_out)
{
    size_t nb = (size_t)1 << bits;
    uint32_t *off = vg_pdq_alloc_huge((nb + 1) * sizeof *off, 1), *ids = vg_pdq_alloc_huge(n * sizeof *ids, 0);
    *off_out = *ids_out = NULL;
    if (!off || !ids) {
        free(off);
        free(ids);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        off[chunk_of(&h[i], start, bits) + 1]++;
    for (size_t v = 0; v < nb; v++)
        off[v + 1] += off[v];
    /* off[v] serves as the fill cursor of bucket v; afterwards it is bucket v + 1's start */
    for (size_t i = 0; i < n; i++)
        ids[off[chunk_of(&h[i], start, bits)]++] = (uint32_t)i;
    memmove(off + 1, off, nb * sizeof *off);
    off[0] = 0;
    *off_out = off;
    *ids_out = ids;
    return 0;
}

static int build_chunk(vg_pdq_index *x, int c)
{
    return vg_pdq_chunk_table(x->h, x->n, x->start[c], x->bits[c], &x->off[c], &x->ids[c]);
}

typedef struct build_job {
    vg_pdq_index *x;
    int first, step, failed;
} build_job;

static void *build_worker(void *arg)
{
    build_job *j = arg;
    for (int c = j->first; c < j->x->m; c += j->step)
        if (build_chunk(j->x, c) < 0)
            j->failed = 1;
    return NULL;
}

/* Table sizes and the flip budgets of every radius the chunks serve. */
static void finish(vg_pdq_index *x)
{
    for (int c = 0; c < x->m; c++)
        x->bytes += (((size_t)1 << x->bits[c]) + 1 + x->n) * sizeof(uint32_t);
    for (double cost; x->nradii < 4 * VG_PDQ_INDEX_MAX_CHUNKS &&
                      budgets(x, x->nradii, x->budget[x->nradii], &cost) == 0;)
        x->nradii++;
}

int vg_pdq_index_build(vg_pdq_index **out, const vg_pdq_words *h, size_t n, int chunks, int threads,
                       vigil_error *err)
{
    vg_pdq_index *x;
    build_job jobs[VG_PDQ_INDEX_MAX_CHUNKS];
    pthread_t tid[VG_PDQ_INDEX_MAX_CHUNKS];
    int started[VG_PDQ_INDEX_MAX_CHUNKS] = {0}, failed = 0;
    *out = NULL;
    if (n >= UINT32_MAX)
        return vigil_error_set(err, VIGIL_EINPUT, "pdq index: %zu entries, at most %u", n, UINT32_MAX - 1);
    if (chunks && (chunks < VG_PDQ_INDEX_MIN_CHUNKS || chunks > VG_PDQ_INDEX_MAX_CHUNKS))
        return vigil_error_set(err, VIGIL_EINTERNAL, "pdq index: %d chunks, %d to %d", chunks,
                               VG_PDQ_INDEX_MIN_CHUNKS, VG_PDQ_INDEX_MAX_CHUNKS);
    if (!(x = calloc(1, sizeof *x)))
        return vigil_error_set(err, VIGIL_ENOMEM, "pdq index: out of memory");
    x->h = h;
    x->n = n;
    x->owned = 1;
    layout(x, chunks ? chunks : pick_chunks(n));
    if (threads < 1)
        threads = 1;
    if (threads > x->m)
        threads = x->m;
    for (int t = 0; t < threads; t++)
        jobs[t] = (build_job){x, t, threads, 0};
    for (int t = 1; t < threads; t++)
        started[t] = pthread_create(&tid[t], NULL, build_worker, &jobs[t]) == 0;
    build_worker(&jobs[0]);
    for (int t = 0; t < threads; t++) {
        if (started[t])
            pthread_join(tid[t], NULL);
        else if (t > 0)
            build_worker(&jobs[t]);     /* a thread that did not start: its chunks are built here */
        failed |= jobs[t].failed;
    }
    if (failed) {
        vg_pdq_index_free(x);
        return vigil_error_set(err, VIGIL_ENOMEM, "pdq index: out of memory for %zu entries", n);
    }
    finish(x);
    *out = x;
    return 0;
}

int vg_pdq_index_view(vg_pdq_index **out, const vg_pdq_words *h, size_t n, int chunks, const uint32_t *const *off,
                      const uint32_t *const *ids, vigil_error *err)
{
    vg_pdq_index *x;
    *out = NULL;
    if (n >= UINT32_MAX || chunks < VG_PDQ_INDEX_MIN_CHUNKS || chunks > VG_PDQ_INDEX_MAX_CHUNKS)
        return vigil_error_set(err, VIGIL_EINTERNAL, "pdq index: %zu entries over %d chunks", n, chunks);
    if (!(x = calloc(1, sizeof *x)))
        return vigil_error_set(err, VIGIL_ENOMEM, "pdq index: out of memory");
    x->h = h;
    x->n = n;
    layout(x, chunks);
    for (int c = 0; c < chunks; c++) {
        x->off[c] = (uint32_t *)off[c];
        x->ids[c] = (uint32_t *)ids[c];
    }
    finish(x);
    *out = x;
    return 0;
}

void vg_pdq_index_layout(int chunks, unsigned start[], unsigned bits[])
{
    vg_pdq_index x;
    layout(&x, chunks);
    for (int c = 0; c < chunks; c++) {
        start[c] = x.start[c];
        bits[c] = x.bits[c];
    }
}

int vg_pdq_index_pick_chunks(size_t n)
{
    return pick_chunks(n);
}

void vg_pdq_index_free(vg_pdq_index *x)
{
    if (!x)
        return;
    for (int c = 0; c < x->m && x->owned; c++) {
        free(x->off[c]);
        free(x->ids[c]);
    }
    free(x);
}

int vg_pdq_index_chunks(const vg_pdq_index *x)
{
    return x ? x->m : 0;
}

size_t vg_pdq_index_bytes(const vg_pdq_index *x)
{
    return x ? x->bytes : 0;
}

typedef struct probe {
    uint32_t key;
    uint8_t c, v;
} probe;

typedef struct search {
    const vg_pdq_index *x;
    const vg_pdq_words *h, *q;
    const vg_pdq_kernels *k;
    int r;
    int8_t t[VG_PDQ_INDEX_MAX_CHUNKS];     /* flip budget per chunk */
    vg_pdq_found_fn fn;
    void *ud;
    size_t np, nc;
    probe p[PROBE_BLOCK];
    uint32_t lo[PROBE_BLOCK], hi[PROBE_BLOCK];
    vg_pdq_cand cand[CAND_BLOCK];
    uint16_t d[CAND_BLOCK];
} search;

/* 1 when an earlier chunk than the one that found it would have found entry e too. */
static int found_before(const search *s, const vg_pdq_words *q, const vg_pdq_words *e, int c)
{
    for (int i = 0; i < c; i++) {
        unsigned st = s->x->start[i], b = s->x->bits[i];
        if (s->t[i] >= 0 && __builtin_popcount(chunk_of(q, st, b) ^ chunk_of(e, st, b)) <= s->t[i])
            return 1;
    }
    return 0;
}

static void verify(search *s)
{
    s->k->gather(s->d, s->q, s->h, s->cand, s->nc);
    for (size_t i = 0; i < s->nc; i++) {
        const vg_pdq_cand *c = &s->cand[i];
        if (s->d[i] <= s->r && !found_before(s, &s->q[c->v], &s->h[c->id], c->c))
            s->fn(s->ud, c->id, c->v, s->d[i]);
    }
    s->nc = 0;
}

static void lookup(search *s)
{
    for (size_t i = 0; i < s->np; i++) {
        const uint32_t *off = s->x->off[s->p[i].c] + s->p[i].key;
        s->lo[i] = off[0];
        s->hi[i] = off[1];
        if (s->hi[i] > s->x->n || s->lo[i] > s->hi[i]) /* a damaged mapped table: no reads past its ends */
            s->hi[i] = s->lo[i] = 0;
        if (s->hi[i] > s->lo[i])
            __builtin_prefetch(s->x->ids[s->p[i].c] + s->lo[i]);
    }
    for (size_t i = 0; i < s->np; i++) {
        const uint32_t *ids = s->x->ids[s->p[i].c];
        for (uint32_t j = s->lo[i]; j < s->hi[i]; j++) {
            vg_pdq_cand *c;
            if (ids[j] >= s->x->n)  /* damaged mapped table */
                continue;
            c = &s->cand[s->nc++];
            c->id = ids[j];
            c->v = s->p[i].v;
            c->c = s->p[i].c;
            __builtin_prefetch(&s->h[c->id]);
            if (s->nc == CAND_BLOCK)
                verify(s);
        }
    }
    s->np = 0;
}

static inline void probe_push(search *s, uint32_t key, int c, int v)
{
    probe *p = &s->p[s->np++];
    p->key = key;
    p->c = (uint8_t)c;
    p->v = (uint8_t)v;
    __builtin_prefetch(s->x->off[c] + key);
    if (s->np == PROBE_BLOCK)
        lookup(s);
}

/* The chunk value and every value within the chunk's budget (at most 3) of bit flips. */
static void probe_chunk(search *s, uint32_t key, int c, int v)
{
    unsigned b = s->x->bits[c];
    int t = s->t[c];
    if (t < 0)
        return;
    probe_push(s, key, c, v);
    if (t < 1)
        return;
    for (unsigned i = 0; i < b; i++) {
        uint32_t ki = key ^ (1U << i);
        probe_push(s, ki, c, v);
        if (t < 2)
            continue;
        for (unsigned j = i + 1; j < b; j++) {
            uint32_t kj = ki ^ (1U << j);
            probe_push(s, kj, c, v);
            if (t < 3)
                continue;
            for (unsigned l = j + 1; l < b; l++)
                probe_push(s, kj ^ (1U << l), c, v);
        }
    }
}

int vg_pdq_index_search(const vg_pdq_index *x, const vg_pdq_words *h, const vg_pdq_kernels *k,
                        const vg_pdq_words q[VIGIL_PDQ__DIHEDRAL], int r, vg_pdq_found_fn fn, void *ud)
{
    search st, *s = &st;     /* about 14 KiB: on the stack, so a search cannot fail */
    if (!x || r < 0)
        return 0;
    if (r >= x->nradii)
        return -1;
    memcpy(s->t, x->budget[r], sizeof s->t);
    if (x->n == 0)
        return 0;
    s->x = x;
    s->h = h;
    s->q = q;
    s->k = k;
    s->r = r;
    s->fn = fn;
    s->ud = ud;
    s->np = s->nc = 0;
    for (int v = 0; v < VIGIL_PDQ__DIHEDRAL; v++) {
        /* a hash sent without its orientations (the hash-check service) repeats one hash eight
           times; an orientation equal to an earlier one finds nothing that one did not */
        int again = 0;
        for (int u = 0; u < v && !again; u++)
            again = !memcmp(&q[u], &q[v], sizeof q[v]);
        if (again)
            continue;
        for (int c = 0; c < x->m; c++)
            probe_chunk(s, chunk_of(&q[v], x->start[c], x->bits[c]), c, v);
    }
    lookup(s);
    verify(s);
    return 0;
}

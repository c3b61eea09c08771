/*
 * bench_pdq_open: opening a store's PDQ matcher with its index mapped from
 * `<segment>.pdqx`, against building the index in memory from the segments
 * (what every process did before the index was kept on disk), and the query
 * latency of both. Generated data only (random 256-bit hashes, seeded).
 *
 *   bench_pdq_open gen N SEED FILE          a PDQ list of N hashes ("hex,100" lines)
 *   bench_pdq_open open DB disk|memory      one open, then one query: prints open_ms, first_query_ms
 *   bench_pdq_open query DB N SEED Q disk|memory
 *                                           Q queries one at a time (half planted near entry i of the
 *                                           list, half random), radius 31, eight orientations:
 *                                           latency p50/p99, queries/s; and the open time
 *   bench_pdq_open exact DB N SEED Q        the best hit and every (entry, orientation) pair of Q
 *                                           queries: disk index against in-memory index, and both
 *                                           against brute force on the first Q/10 (exit 1 on a difference)
 *
 * Figures only, never pass/fail; run each mode in a process of its own so
 * that peak RSS (/usr/bin/time) belongs to it alone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/hex.h"
#include "hashset/catalog.h"
#include "match/pdq_match_int.h"
#include "match/pdq_store.h"
#include "vigil/hashset.h"
#include "vigil/pdq_match.h"
#include "pdqgen.h"

#define RADIUS 31

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
    fprintf(stderr, "bench_pdq_open: %s\n", what);
    exit(2);
}

static int gen(uint64_t n, uint64_t seed, const char *path)
{
    FILE *f = fopen(path, "w");
    char hex[65];
    if (!f)
        die("cannot write the list");
    for (uint64_t i = 0; i < n; i++) {
        vigil_pdq_hash h;
        pdqgen_listed(&h, seed, i);
        vg_hex_encode(hex, h.b, 32);
        fprintf(f, "%s,100\n", hex);
    }
    return fclose(f) == 0 ? 0 : 2;
}

/* The store's PDQ entries read from the segments and indexed in memory, as every process did before. */
static int open_memory(vigil_pdq_matcher **out, vigil_store *st, vigil_error *err)
{
    vg_store_set *v;
    size_t nsets, n = 0, cap = 0;
    vigil_pdq_entry *e = NULL;
    vg_segment *segs;
    int rc = vg_store_snapshot(&v, &nsets, st, err);
    if (rc < 0)
        return rc;
    if (!(segs = calloc(nsets ? nsets : 1, sizeof *segs)))
        die("out of memory");
    for (size_t i = 0; i < nsets; i++) {
        char *path = vg_store_segment_path(st, v[i].segment);
        uint32_t *rows;
        size_t nr;
        if (v[i].kind == VIGIL_KIND_BENIGN)
            continue;
        if (!path || vg_seg_open(&segs[i], path, err) < 0 || vg_pdq_seg_rows(&rows, &nr, &segs[i]) < 0)
            die("cannot read a segment");
        free(path);
        if (n + nr > cap && !(e = realloc(e, (cap = n + nr) * sizeof *e)))
            die("out of memory");
        for (size_t k = 0; k < nr; k++) {
            const char *cat, *ser;
            vg_pdq_seg_hash(&segs[i], rows[k], e[n].hash.b); /* rows whose hash decodes */
            e[n].quality = vg_pdq_seg_quality(&segs[i], rows[k]);
            e[n].kind = v[i].kind;
            e[n].set = v[i].name;
            vg_pdq_seg_names(&segs[i], rows[k], &cat, &ser); /* as before: every entry's strings at open */
            e[n].category = cat ? cat : v[i].category;
            e[n].series = ser ? ser : v[i].series;
            n++;
        }
        free(rows);
    }
    rc = vigil_pdq_matcher_from_entries(out, e, n, err);
    free(e);
    for (size_t i = 0; i < nsets; i++)
        vg_seg_close(&segs[i]);
    free(segs);
    vg_store_snapshot_free(v, nsets);
    return rc;
}

static vigil_pdq_matcher *open_matcher(vigil_store **st, const char *db, int memory, double *open_ms)
{
    vigil_pdq_matcher *m;
    vigil_error err;
    double t = now();
    if (vigil_store_open_readonly(st, db, &err) != 0 ||
        (memory ? open_memory(&m, *st, &err) : vigil_pdq_matcher_open(&m, *st, &err)) != 0) {
        fprintf(stderr, "bench_pdq_open: %s\n", err.msg);
        exit(2);
    }
    *open_ms = (now() - t) * 1e3;
    return m;
}

/* Query i: the eight orientations random; for even i, orientation i % 8 is list entry i*7919 % n with i % 32 bits flipped. */
static void make_query(vigil_pdq_hash q[VIGIL_PDQ__DIHEDRAL], uint64_t n, uint64_t seed, uint64_t i)
{
    for (int v = 0; v < VIGIL_PDQ__DIHEDRAL; v++)
        pdqgen_listed(&q[v], seed ^ 0x5eed, i * 8 + (uint64_t)v);
    if (i % 2 == 0) {
        int v = (int)(i % 8), d = (int)(i % 32);
        pdqgen_listed(&q[v], seed, (i * 7919) % n);
        for (int k = 0; k < d; k++) /* d distinct bits: the k-th in a byte of its own (5k mod 32) */
            q[v].b[(k * 37 + (int)i) % 32] ^= (uint8_t)(1u << (k % 8));
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* One pass over the nq queries, one at a time: latencies (us) sorted into lat; wall seconds returned. */
static double pass(const vigil_pdq_matcher *m, uint64_t n, uint64_t seed, size_t nq, double *lat, size_t *found)
{
    double t0 = now();
    *found = 0;
    for (size_t i = 0; i < nq; i++) {
        vigil_pdq_hash q[VIGIL_PDQ__DIHEDRAL];
        vigil_pdq_hit hit;
        double t;
        make_query(q, n, seed, i);
        t = now();
        *found += (size_t)vigil_pdq_matcher_search(m, q, RADIUS, &hit);
        lat[i] = (now() - t) * 1e6;
    }
    t0 = now() - t0;
    qsort(lat, nq, sizeof *lat, cmp_double);
    return t0;
}

/* Two passes: the first pays for the pages a mapped index maps on first touch, the second is steady. */
static int query(const char *db, uint64_t n, uint64_t seed, size_t nq, int memory)
{
    vigil_store *st;
    double open_ms, *lat = malloc(nq * sizeof *lat);
    vigil_pdq_matcher *m = open_matcher(&st, db, memory, &open_ms);
    vigil_pdq_matcher_info info;
    size_t found = 0;
    if (!lat)
        die("out of memory");
    vigil_pdq_matcher_info_get(&info, m);
    printf("%s open_ms %.1f entries %llu chunks %d heap_mib %.1f mapped_mib %.1f queries %zu", memory ? "memory" : "disk",
           open_ms, (unsigned long long)info.entries, info.chunks, (double)info.bytes / 1048576,
           (double)info.mapped / 1048576, nq);
    for (int k = 0; k < 2; k++) {
        double wall = pass(m, n, seed, nq, lat, &found);
        printf(" | pass %d found %zu p50_us %.1f p99_us %.1f qps %.0f", k + 1, found, lat[nq / 2],
               lat[(size_t)((double)nq * 0.99)], (double)nq / wall);
    }
    printf("\n");
    free(lat);
    vigil_pdq_matcher_close(m);
    vigil_store_close(st);
    return 0;
}

static int open_once(const char *db, int memory)
{
    vigil_store *st;
    double open_ms, t;
    vigil_pdq_matcher *m = open_matcher(&st, db, memory, &open_ms);
    vigil_pdq_hash q[VIGIL_PDQ__DIHEDRAL];
    vigil_pdq_hit hit;
    make_query(q, vigil_pdq_matcher_entries(m), 1, 1);
    t = now();
    (void)vigil_pdq_matcher_search(m, q, RADIUS, &hit);
    printf("%s open_ms %.2f first_query_ms %.2f\n", memory ? "memory" : "disk", open_ms, (now() - t) * 1e3);
    vigil_pdq_matcher_close(m);
    vigil_store_close(st);
    return 0;
}

typedef struct pairs {
    uint64_t *p;
    size_t n, cap;
} pairs;

static void collect(void *ud, uint32_t id, int v, int d)
{
    pairs *s = ud;
    if (s->n == s->cap && !(s->p = realloc(s->p, (s->cap = s->cap ? 2 * s->cap : 64) * sizeof *s->p)))
        die("out of memory");
    s->p[s->n++] = ((uint64_t)id << 16) | ((uint64_t)v << 8) | (uint64_t)d;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int same_pairs(pairs *a, pairs *b)
{
    qsort(a->p, a->n, sizeof *a->p, cmp_u64);
    qsort(b->p, b->n, sizeof *b->p, cmp_u64);
    return a->n == b->n && (a->n == 0 || !memcmp(a->p, b->p, a->n * sizeof *a->p));
}

/* Pair counts per (orientation, distance) only: the ids of the two matchers number entries differently. */
static void histogram(const pairs *p, uint32_t h[VIGIL_PDQ__DIHEDRAL][RADIUS + 1])
{
    memset(h, 0, sizeof(uint32_t) * VIGIL_PDQ__DIHEDRAL * (RADIUS + 1));
    for (size_t i = 0; i < p->n; i++)
        h[(p->p[i] >> 8) & 0xff][p->p[i] & 0xff]++;
}

static int exact(const char *db, uint64_t n, uint64_t seed, size_t nq)
{
    vigil_store *s1, *s2;
    double ms;
    vigil_pdq_matcher *disk = open_matcher(&s1, db, 0, &ms), *mem = open_matcher(&s2, db, 1, &ms);
    size_t differ = 0, brute = nq / 10 ? nq / 10 : 1, pairs_seen = 0;
    for (size_t i = 0; i < nq; i++) {
        vigil_pdq_hash q[VIGIL_PDQ__DIHEDRAL];
        vigil_pdq_hit a, b;
        pairs pd = {0}, pm = {0}, pl = {0};
        uint32_t hd[VIGIL_PDQ__DIHEDRAL][RADIUS + 1], hm[VIGIL_PDQ__DIHEDRAL][RADIUS + 1];
        int fa, fb;
        make_query(q, n, seed, i);
        fa = vigil_pdq_matcher_search(disk, q, RADIUS, &a);
        fb = vigil_pdq_matcher_search(mem, q, RADIUS, &b);
        if (fa != fb || (fa && (a.match.distance != b.match.distance || a.dihedral != b.dihedral ||
                                memcmp(a.entry.b, b.entry.b, 32))))
            differ++;
        vg_pdq_matcher_each(disk, q, RADIUS, collect, &pd);
        vg_pdq_matcher_each(mem, q, RADIUS, collect, &pm);
        histogram(&pd, hd);
        histogram(&pm, hm);
        if (pd.n != pm.n || memcmp(hd, hm, sizeof hd))
            differ++;
        if (i < brute) { /* brute force over the same mapped entries */
            vg_pdq_matcher_each_linear(disk, q, RADIUS, collect, &pl);
            if (!same_pairs(&pd, &pl))
                differ++;
        }
        pairs_seen += pd.n;
        free(pd.p);
        free(pm.p);
        free(pl.p);
    }
    printf("exact queries %zu pairs %zu brute_force_checked %zu differences %zu\n", nq, pairs_seen, brute, differ);
    vigil_pdq_matcher_close(disk);
    vigil_pdq_matcher_close(mem);
    vigil_store_close(s1);
    vigil_store_close(s2);
    return differ ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc == 5 && !strcmp(argv[1], "gen"))
        return gen(strtoull(argv[2], NULL, 10), strtoull(argv[3], NULL, 10), argv[4]);
    if (argc == 4 && !strcmp(argv[1], "open"))
        return open_once(argv[2], !strcmp(argv[3], "memory"));
    if (argc == 7 && !strcmp(argv[1], "query"))
        return query(argv[2], strtoull(argv[3], NULL, 10), strtoull(argv[4], NULL, 10),
                     (size_t)strtoull(argv[5], NULL, 10), !strcmp(argv[6], "memory"));
    if (argc == 6 && !strcmp(argv[1], "exact"))
        return exact(argv[2], strtoull(argv[3], NULL, 10), strtoull(argv[4], NULL, 10),
                     (size_t)strtoull(argv[5], NULL, 10));
    fprintf(stderr, "usage: bench_pdq_open gen N SEED FILE | open DB disk|memory | query DB N SEED Q disk|memory"
                    " | exact DB N SEED Q\n");
    return 2;
}

/*
 * bench_pdq_index: the exact PDQ radius index against brute force, on
 * generated data (random 256-bit hashes, seeded; nothing from a real list).
 *
 *   bench_pdq_index ENTRIES [QUERIES [SEED [EXACT_SAMPLE [PEER_QUERIES]]]]
 *
 * Half the queries carry a planted near match (one orientation of the query
 * is an entry with d bits flipped, d = 0..31 in turn), half are random (the
 * hard case for multi-index hashing: nothing near, every probe a miss).
 * Prints build time, memory, queries/s for single queries (one thread) and
 * for batches of 1000 (the matcher's threads), the exactness check (every
 * (entry, orientation) pair within 31 of a sample of queries, index against
 * brute force), and the peer in the same run: a plain one-query-at-a-time
 * linear popcount scan with the portable kernel, and the same scan with this
 * CPU's best kernel. Figures only, never pass/fail (exit 1 only when the
 * exactness check finds a difference). Each speed is measured REPEAT times
 * (default 3, at most 16): the best and the median wall-clock rate are
 * printed, with the least CPU time per query. CHUNKS=n in the environment rebuilds
 * the index with n chunks (10..16) instead of the count it picks (the build
 * time then includes both builds).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "match/pdq_match_int.h"
#include "vigil/pdq_match.h"
#include "pdqgen.h"

#define RADIUS 31
#define BATCH 1000

static pdqgen gen; /* seeded per fixture */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double rss_mib(const char *field)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    double kib = 0;
    size_t len = strlen(field);
    if (!f)
        return 0;
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, field, len) && line[len] == ':')
            kib = strtod(line + len + 1, NULL);
    fclose(f);
    return kib / 1024;
}

typedef struct pairs {
    uint64_t *p;
    size_t n, cap;
} pairs;

static void collect(void *ud, uint32_t id, int v, int d)
{
    pairs *s = ud;
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 64;
        if (!(s->p = realloc(s->p, s->cap * sizeof *s->p))) {
            fprintf(stderr, "bench_pdq_index: out of memory\n");
            exit(2);
        }
    }
    s->p[s->n++] = ((uint64_t)id << 16) | ((uint64_t)v << 8) | (uint64_t)d;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

typedef struct timing {
    double best_qps, median_qps;    /* wall clock over the passes */
    double cpu_us;                  /* process CPU time per query, the smallest over the passes */
} timing;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* `repeat` passes over the queries, one at a time or in batches of BATCH on `threads` threads. */
static timing measure(vigil_pdq_matcher *m, const vigil_pdq_hash (*q)[VIGIL_PDQ__DIHEDRAL], size_t nq, int batched,
                      int threads, vigil_pdq_hit *hits, size_t *found, int repeat)
{
    double qps[16];
    timing r = {0, 0, 0};
    vigil_pdq_matcher_set_threads(m, threads);
    for (int k = 0; k < repeat; k++) {
        double t = now(), cpu = cpu_now();
        *found = 0;
        if (batched)
            for (size_t i = 0; i < nq; i += BATCH)
                *found += vigil_pdq_matcher_search_batch(m, q + i, nq - i < BATCH ? nq - i : BATCH, RADIUS, hits + i);
        else
            for (size_t i = 0; i < nq; i++)
                *found += (size_t)vigil_pdq_matcher_search(m, q[i], RADIUS, &hits[i]);
        t = now() - t;
        cpu = (cpu_now() - cpu) * 1e6 / (double)nq;
        qps[k] = (double)nq / t;
        if (k == 0 || cpu < r.cpu_us)
            r.cpu_us = cpu;
    }
    qsort(qps, (size_t)repeat, sizeof qps[0], cmp_double);
    r.best_qps = qps[repeat - 1];
    r.median_qps = qps[repeat / 2];
    return r;
}

typedef struct nearest {
    int d;
} nearest;

static void take_nearest(void *ud, uint32_t id, int v, int d)
{
    nearest *b = ud;
    (void)id;
    (void)v;
    if (d < b->d)
        b->d = d;
}

/* One-query-at-a-time linear scan with kernels k: queries/s over nq queries. */
static double linear_peer(vigil_pdq_matcher *m, const char *kernels, const vigil_pdq_hash (*q)[VIGIL_PDQ__DIHEDRAL],
                          size_t nq, const char *best_impl)
{
    const vg_pdq_kernels *k = vg_pdq_kernels_by_name(kernels);
    double t;
    long sink = 0;
    if (!k)
        return 0;
    vg_pdq_matcher_use_kernels(m, k);
    t = now();
    for (size_t i = 0; i < nq; i++) {
        nearest b = {RADIUS + 1};
        vg_pdq_matcher_each_linear(m, q[i], RADIUS, take_nearest, &b);
        sink += b.d;
    }
    t = now() - t;
    vg_pdq_matcher_use_kernels(m, vg_pdq_kernels_by_name(best_impl));
    if (sink < 0)
        puts("");
    return (double)nq / t;
}

int main(int argc, char **argv)
{
    size_t n, nq, sample, npeer, found, planted_found = 0;
    uint64_t seed;
    vigil_pdq_entry *e;
    vigil_pdq_hash(*q)[VIGIL_PDQ__DIHEDRAL];
    int *plant_d;
    vigil_pdq_hit *hits, *hits2;
    vigil_pdq_matcher *m;
    vigil_pdq_matcher_info info;
    vigil_error err;
    double t, cpu, build_s, plain_qps, best_lin_qps, rss_before;
    timing single, batch;
    int repeat = getenv("REPEAT") ? atoi(getenv("REPEAT")) : 3;
    size_t mismatches = 0, pairs_checked = 0;
    char impl[16];
    if (argc < 2) {
        fprintf(stderr, "usage: bench_pdq_index ENTRIES [QUERIES [SEED [EXACT_SAMPLE [PEER_QUERIES]]]]\n");
        return 2;
    }
    n = strtoull(argv[1], NULL, 10);
    nq = argc > 2 ? strtoull(argv[2], NULL, 10) : 10000;
    seed = argc > 3 ? strtoull(argv[3], NULL, 10) : 1;
    sample = argc > 4 ? strtoull(argv[4], NULL, 10) : 200;
    npeer = argc > 5 ? strtoull(argv[5], NULL, 10) : 10;
    if (nq < 2 || n < 1) {
        fprintf(stderr, "bench_pdq_index: need at least 1 entry and 2 queries\n");
        return 2;
    }
    if (sample > nq)
        sample = nq;
    if (repeat < 1 || repeat > 16)
        repeat = 3;
    if (npeer > nq)
        npeer = nq;
    gen.state = seed;
    e = calloc(n, sizeof *e);
    q = malloc(nq * sizeof *q);
    plant_d = malloc(nq * sizeof *plant_d);
    hits = malloc(nq * sizeof *hits);
    hits2 = malloc(nq * sizeof *hits2);
    if (!e || !q || !plant_d || !hits || !hits2) {
        fprintf(stderr, "bench_pdq_index: out of memory for %zu entries\n", n);
        return 2;
    }
    for (size_t i = 0; i < n; i++) {
        pdqgen_hash(&gen, &e[i].hash);
        e[i].quality = 100;
        e[i].kind = VIGIL_KIND_ILLEGAL;
        e[i].set = "bench-generated";
    }
    /* even queries: orientation i/2 % 8 is a random entry with (i/2) % 32 bits flipped; odd: random */
    for (size_t i = 0; i < nq; i++) {
        for (int v = 0; v < VIGIL_PDQ__DIHEDRAL; v++)
            pdqgen_hash(&gen, &q[i][v]);
        plant_d[i] = -1;
        if (i % 2 == 0) {
            int v = (int)((i / 2) % VIGIL_PDQ__DIHEDRAL), d = (int)((i / 2) % (RADIUS + 1));
            q[i][v] = e[pdqgen_next(&gen) % n].hash;
            pdqgen_flip(&gen, &q[i][v], d);
            plant_d[i] = d;
        }
    }
    rss_before = rss_mib("VmRSS");
    t = now();
    cpu = cpu_now();
    if (vigil_pdq_matcher_from_entries_as(&m, e, n, VIGIL_PDQ_INDEX, &err) < 0) {
        fprintf(stderr, "bench_pdq_index: %s\n", err.msg);
        return 2;
    }
    if (getenv("CHUNKS") && vg_pdq_matcher_reindex(m, atoi(getenv("CHUNKS")), &err) < 0) {
        fprintf(stderr, "bench_pdq_index: %s\n", err.msg);
        return 2;
    }
    build_s = now() - t;
    cpu = cpu_now() - cpu;
    free(e);
    vigil_pdq_matcher_info_get(&info, m);
    snprintf(impl, sizeof impl, "%s", info.impl);
    printf("bench pdq_index_%zu entries %zu queries %zu (half planted at d=0..31, half random) radius %d seed %llu\n",
           n, n, nq, RADIUS, (unsigned long long)seed);
    printf("bench pdq_index_%zu impl %s structure %s chunks %d batch_threads %d\n", n, info.impl, info.structure,
           info.chunks, info.threads);
    printf("bench pdq_index_%zu build %.2f s wall, %.2f s cpu (copy + index, %d threads) = %.1f M entries/s\n", n,
           build_s, cpu, info.threads, (double)n / build_s / 1e6);
    printf("bench pdq_index_%zu memory matcher %.1f MiB (%.1f B/entry); rss %.1f MiB after build (%.1f MiB before, "
           "generated entries freed since); peak rss %.1f MiB\n",
           n, (double)info.bytes / 1048576, (double)info.bytes / (double)n, rss_mib("VmRSS"), rss_before,
           rss_mib("VmHWM"));

    /* single queries on one thread, then batches of 1000 on the matcher's threads and on one */
    single = measure(m, q, nq, 0, 1, hits, &found, repeat);
    for (size_t i = 0; i < nq; i++)
        if (plant_d[i] >= 0 && hits[i].match.by == VIGIL_BY_PDQ && hits[i].match.distance <= plant_d[i])
            planted_found++;
    printf("bench pdq_index_%zu single 1 thread best %.0f queries/s, median %.0f (%.1f us/query cpu); hits %zu, "
           "planted found %zu of %zu\n",
           n, single.best_qps, single.median_qps, single.cpu_us, found, planted_found, (nq + 1) / 2);
    for (int pass = 0; pass < 2; pass++) {
        int threads = pass == 0 ? info.threads : 1;
        timing b = measure(m, q, nq, 1, threads, hits2, &found, repeat);
        if (pass == 0)
            batch = b;
        printf("bench pdq_index_%zu batch %d x %d threads best %.0f queries/s, median %.0f (%.1f us/query cpu: "
               "%.0f queries/s per busy core); hits %zu\n",
               n, BATCH, threads, b.best_qps, b.median_qps, b.cpu_us, 1e6 / b.cpu_us, found);
        for (size_t i = 0; i < nq; i++)
            if (hits[i].match.by != hits2[i].match.by || hits[i].match.distance != hits2[i].match.distance ||
                hits[i].dihedral != hits2[i].dihedral || memcmp(&hits[i].entry, &hits2[i].entry, 32))
                mismatches++;
    }
    vigil_pdq_matcher_set_threads(m, info.threads);

    /* exactness: every pair within the radius, index against brute force */
    t = now();
    for (size_t s = 0; s < sample; s++) {
        size_t i = s * (nq / sample) + s % 2;  /* planted and random queries in turn */
        pairs a = {0}, b = {0};
        vg_pdq_matcher_each(m, q[i], RADIUS, collect, &a);
        vg_pdq_matcher_each_linear(m, q[i], RADIUS, collect, &b);
        if (a.n)
            qsort(a.p, a.n, sizeof *a.p, cmp_u64);
        if (b.n)
            qsort(b.p, b.n, sizeof *b.p, cmp_u64);
        if (a.n != b.n || (a.n && memcmp(a.p, b.p, a.n * sizeof *a.p)))
            mismatches++;
        pairs_checked += b.n;
        free(a.p);
        free(b.p);
    }
    printf("bench pdq_index_%zu exactness %zu queries against brute force (%zu pairs within %d), batch == single "
           "over %zu queries: %zu mismatches (%.1f s)\n",
           n, sample, pairs_checked, RADIUS, nq, mismatches, now() - t);

    /* the peer: one query at a time, linear popcount scan */
    plain_qps = linear_peer(m, "portable", q, npeer, impl);
    best_lin_qps = linear_peer(m, impl, q, npeer, impl);
    printf("bench pdq_index_%zu peer plain linear scan (portable popcount, one query at a time) %.2f queries/s over "
           "%zu queries\n", n, plain_qps, npeer);
    printf("bench pdq_index_%zu peer linear scan with %s kernels %.2f queries/s over %zu queries\n", n, impl,
           best_lin_qps, npeer);
    printf("bench pdq_index_%zu ratio (medians) batch/plain-scan %.0fx, single/plain-scan %.0fx, batch/%s-scan %.0fx\n",
           n, batch.median_qps / plain_qps, single.median_qps / plain_qps, impl, batch.median_qps / best_lin_qps);
    printf("bench pdq_index_%zu peak rss %.1f MiB\n", n, rss_mib("VmHWM"));
    vigil_pdq_matcher_close(m);
    free(q);
    free(plant_d);
    free(hits);
    free(hits2);
    return mismatches ? 1 : 0;
}

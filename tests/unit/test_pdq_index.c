/*
 * pdq_index: the exact PDQ radius index against brute force. Random sets with
 * planted entries at every distance 0..41 from each orientation of a query,
 * and decoys that share chunks with a query but are far from it; every
 * (entry, orientation) pair within r must come back exactly as the linear
 * scan finds it, for several radii and chunk counts, with every popcount
 * kernel this CPU runs, single and batched. Nothing here depends on timing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "match/pdq_match_int.h"
#include "vigil/pdq_match.h"
#include "pdqgen.h"

#define NRANDOM 20000
#define NPLANTED 4
#define NQUERIES (NPLANTED + 4)
#define PLANT_MAX 41     /* planted at every distance 0..41 from each orientation */

static pdqgen gen; /* seeded per fixture */

typedef struct fixture {
    vigil_pdq_entry *e;
    size_t n;
    vigil_pdq_hash q[NQUERIES][VIGIL_PDQ__DIHEDRAL];
} fixture;

static void add(fixture *f, const vigil_pdq_hash *h, vigil_hashset_kind kind, const char *set)
{
    vigil_pdq_entry *e = &f->e[f->n++];
    memset(e, 0, sizeof *e);
    e->hash = *h;
    e->quality = 100;
    e->kind = kind;
    e->set = set;
}

/*
 * NRANDOM random entries; for each of the first NPLANTED queries and each
 * orientation, entries at distance 0..PLANT_MAX (planted) and decoys equal to the
 * query in 32 or 64 bits and random elsewhere; a few exact duplicates.
 */
static void make_fixture(fixture *f, uint64_t seed)
{
    gen.state = seed;
    f->n = 0;
    f->e = malloc((NRANDOM + NPLANTED * VIGIL_PDQ__DIHEDRAL * (PLANT_MAX + 1 + 2) + 16) * sizeof *f->e);
    assert_non_null(f->e);
    for (int i = 0; i < NQUERIES; i++)
        for (int v = 0; v < VIGIL_PDQ__DIHEDRAL; v++)
            pdqgen_hash(&gen, &f->q[i][v]);
    for (size_t i = 0; i < NRANDOM; i++) {
        vigil_pdq_hash h;
        pdqgen_hash(&gen, &h);
        add(f, &h, i % 3 ? VIGIL_KIND_ILLEGAL : VIGIL_KIND_INTEREST, i % 3 ? "illegal-set" : "interest-set");
    }
    for (int i = 0; i < NPLANTED; i++)
        for (int v = 0; v < VIGIL_PDQ__DIHEDRAL; v++) {
            for (int d = 0; d <= PLANT_MAX; d++) {
                vigil_pdq_hash h = f->q[i][v];
                pdqgen_flip(&gen, &h, d);
                add(f, &h, VIGIL_KIND_ILLEGAL, "planted");
            }
            for (int w = 0; w < 2; w++) {
                vigil_pdq_hash h;
                pdqgen_hash(&gen, &h);
                memcpy(h.b + 8 * (v % 4), f->q[i][v].b + 8 * (v % 4), w ? 8 : 4);
                add(f, &h, VIGIL_KIND_INTEREST, "decoy");
            }
        }
    for (int i = 0; i < 16; i++)
        add(f, &f->e[(size_t)i * 997].hash, VIGIL_KIND_ILLEGAL, "duplicates");
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
        s->p = realloc(s->p, s->cap * sizeof *s->p);
        assert_non_null(s->p);
    }
    s->p[s->n++] = ((uint64_t)id << 16) | ((uint64_t)v << 8) | (uint64_t)d;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Every pair within r from m's structure equals brute force over ref's; returns the pair count. */
static size_t same_pairs(const vigil_pdq_matcher *m, const vigil_pdq_matcher *ref,
                         const vigil_pdq_hash q[VIGIL_PDQ__DIHEDRAL], int r)
{
    pairs a = {0}, b = {0};
    size_t n;
    vg_pdq_matcher_each(m, q, r, collect, &a);
    vg_pdq_matcher_each_linear(ref, q, r, collect, &b);
    if (a.n)
        qsort(a.p, a.n, sizeof *a.p, cmp_u64);
    if (b.n)
        qsort(b.p, b.n, sizeof *b.p, cmp_u64);
    for (size_t i = 1; i < a.n; i++)
        assert_true(a.p[i - 1] != a.p[i]); /* each pair once */
    assert_int_equal(a.n, b.n);
    for (size_t i = 0; i < a.n; i++)
        assert_int_equal(a.p[i], b.p[i]);
    n = a.n;
    free(a.p);
    free(b.p);
    return n;
}

static void same_hit(const vigil_pdq_hit *a, const vigil_pdq_hit *b)
{
    assert_int_equal(a->match.by, b->match.by);
    if (a->match.by == VIGIL_BY_NONE)
        return;
    assert_int_equal(a->match.kind, b->match.kind);
    assert_int_equal(a->match.distance, b->match.distance);
    assert_int_equal(a->dihedral, b->dihedral);
    assert_memory_equal(a->entry.b, b->entry.b, 32);
    assert_string_equal(a->match.set, b->match.set);
}

static const int radii[] = {0, 8, 15, 16, 31};

static void pdq_index__matches_brute_force(void **state)
{
    static const int chunk_counts[] = {0, 13, 14, 16}; /* 0: the count the index picks */
    fixture f;
    vigil_pdq_matcher *m, *ref;
    vigil_pdq_matcher_info info;
    vigil_error err;
    (void)state;
    make_fixture(&f, 1);
    assert_int_equal(vigil_pdq_matcher_from_entries_as(&m, f.e, f.n, VIGIL_PDQ_INDEX, &err), 0);
    assert_int_equal(vigil_pdq_matcher_from_entries_as(&ref, f.e, f.n, VIGIL_PDQ_LINEAR, &err), 0);
    vigil_pdq_matcher_info_get(&info, ref);
    assert_string_equal(info.structure, "linear");
    for (size_t c = 0; c < sizeof chunk_counts / sizeof chunk_counts[0]; c++) {
        if (chunk_counts[c])
            assert_int_equal(vg_pdq_matcher_reindex(m, chunk_counts[c], &err), 0);
        vigil_pdq_matcher_info_get(&info, m);
        assert_string_equal(info.structure, "index");
        if (chunk_counts[c])
            assert_int_equal(info.chunks, chunk_counts[c]);
        for (size_t ri = 0; ri < sizeof radii / sizeof radii[0]; ri++)
            for (int i = 0; i < NQUERIES; i++) {
                size_t n = same_pairs(m, ref, f.q[i], radii[ri]);
                vigil_pdq_hit a, b;
                if (i < NPLANTED)   /* at least the planted entries at 0..r in each orientation */
                    assert_true(n >= (size_t)(radii[ri] + 1) * VIGIL_PDQ__DIHEDRAL);
                assert_int_equal(vigil_pdq_matcher_search(m, f.q[i], radii[ri], &a),
                                 vigil_pdq_matcher_search(ref, f.q[i], radii[ri], &b));
                same_hit(&a, &b);
            }
    }
    /* queries that are entries themselves: the random part of the set, every orientation */
    for (int i = 0; i < 50; i++) {
        vigil_pdq_hash q[VIGIL_PDQ__DIHEDRAL];
        for (int v = 0; v < VIGIL_PDQ__DIHEDRAL; v++)
            q[v] = f.e[(size_t)(i * 389 + v * 7) % f.n].hash;
        assert_true(same_pairs(m, ref, q, 31) >= VIGIL_PDQ__DIHEDRAL);
    }
    vigil_pdq_matcher_close(m);
    vigil_pdq_matcher_close(ref);
    free(f.e);
}

/* Beyond 31: three flips in some chunks (13 chunks, r 40), then more than the index takes (linear scan). */
static void pdq_index__radius_over_31(void **state)
{
    static const int r[] = {32, 33, 40, 51, 70};
    fixture f;
    vigil_pdq_matcher *m, *ref;
    (void)state;
    make_fixture(&f, 2);
    assert_int_equal(vigil_pdq_matcher_from_entries_as(&m, f.e, f.n, VIGIL_PDQ_INDEX, NULL), 0);
    assert_int_equal(vigil_pdq_matcher_from_entries_as(&ref, f.e, f.n, VIGIL_PDQ_LINEAR, NULL), 0);
    assert_int_equal(vg_pdq_matcher_reindex(m, 13, NULL), 0);
    for (int i = 0; i < NQUERIES; i++) {
        for (size_t k = 0; k < sizeof r / sizeof r[0]; k++) {
            size_t n = same_pairs(m, ref, f.q[i], r[k]);
            if (i < NPLANTED)
                assert_true(n >= (size_t)(r[k] < PLANT_MAX ? r[k] + 1 : PLANT_MAX + 1) * VIGIL_PDQ__DIHEDRAL);
        }
        assert_int_equal(same_pairs(m, ref, f.q[i], -1), 0);
    }
    vigil_pdq_matcher_close(m);
    vigil_pdq_matcher_close(ref);
    free(f.e);
}

/* One kernel set (*state: its name) against the portable distance and brute force; main lists
   one test per set and reports a set this CPU lacks as a skip. */
static void pdq_index__kernels_match_portable(void **state)
{
    const vg_pdq_kernels *kern = vg_pdq_kernels_by_name(*state);
    enum { N = 1003 };
    vg_pdq_words *h = malloc(N * sizeof *h), q[VIGIL_PDQ__DIHEDRAL];
    vigil_pdq_hash *raw = malloc(N * sizeof *raw), qraw[VIGIL_PDQ__DIHEDRAL];
    vg_pdq_cand *c = malloc(N * sizeof *c);
    uint16_t d[N];
    fixture f;
    vigil_pdq_matcher *m, *ref;
    assert_non_null(kern);
    assert_non_null(h);
    assert_non_null(raw);
    assert_non_null(c);
    gen.state = 3;
    for (int v = 0; v < VIGIL_PDQ__DIHEDRAL; v++) {
        pdqgen_hash(&gen, &qraw[v]);
        vg_pdq_words_of(&q[v], &qraw[v]);
    }
    for (size_t i = 0; i < N; i++) {
        raw[i] = qraw[i % VIGIL_PDQ__DIHEDRAL];
        pdqgen_flip(&gen, &raw[i], (int)(pdqgen_next(&gen) % 257)); /* every distance 0..256 */
        vg_pdq_words_of(&h[i], &raw[i]);
        c[i].id = (uint32_t)(pdqgen_next(&gen) % N);
        c[i].v = (uint8_t)(pdqgen_next(&gen) % VIGIL_PDQ__DIHEDRAL);
        c[i].c = 0;
    }
    make_fixture(&f, 4);
    assert_int_equal(vigil_pdq_matcher_from_entries_as(&m, f.e, f.n, VIGIL_PDQ_INDEX, NULL), 0);
    assert_int_equal(vigil_pdq_matcher_from_entries_as(&ref, f.e, f.n, VIGIL_PDQ_LINEAR, NULL), 0);
    vg_pdq_matcher_use_kernels(ref, &vg_pdq_kernels_portable);
    /* every length 0..N, so each tail path runs */
    for (size_t n = 0; n <= 17; n++) {
        kern->run(d, &q[n % VIGIL_PDQ__DIHEDRAL], h, n);
        for (size_t i = 0; i < n; i++)
            assert_int_equal(d[i], vigil_pdq_distance(&qraw[n % VIGIL_PDQ__DIHEDRAL], &raw[i]));
    }
    kern->run(d, &q[1], h, N);
    for (size_t i = 0; i < N; i++)
        assert_int_equal(d[i], vigil_pdq_distance(&qraw[1], &raw[i]));
    kern->gather(d, q, h, c, N);
    for (size_t i = 0; i < N; i++)
        assert_int_equal(d[i], vigil_pdq_distance(&qraw[c[i].v], &raw[c[i].id]));
    kern->gather(d, q, h, c, 13);
    for (size_t i = 0; i < 13; i++)
        assert_int_equal(d[i], vigil_pdq_distance(&qraw[c[i].v], &raw[c[i].id]));
    /* the whole search with these kernels, index and linear, against portable brute force */
    vg_pdq_matcher_use_kernels(m, kern);
    for (int i = 0; i < NQUERIES; i++)
        for (size_t ri = 0; ri < sizeof radii / sizeof radii[0]; ri++)
            same_pairs(m, ref, f.q[i], radii[ri]);
    {
        vigil_pdq_matcher *lin;
        assert_int_equal(vigil_pdq_matcher_from_entries_as(&lin, f.e, f.n, VIGIL_PDQ_LINEAR, NULL), 0);
        vg_pdq_matcher_use_kernels(lin, kern);
        for (int i = 0; i < NQUERIES; i++)
            same_pairs(lin, ref, f.q[i], 31);
        vigil_pdq_matcher_close(lin);
    }
    vigil_pdq_matcher_close(m);
    vigil_pdq_matcher_close(ref);
    free(f.e);
    free(h);
    free(raw);
    free(c);
}

static void pdq_index__batch_equals_single(void **state)
{
    enum { NQ = 300 };
    fixture f;
    vigil_pdq_matcher *m;
    vigil_pdq_hash(*q)[VIGIL_PDQ__DIHEDRAL] = malloc(NQ * sizeof *q);
    vigil_pdq_hit *single = malloc(NQ * sizeof *single), *batch = malloc(NQ * sizeof *batch);
    size_t found = 0;
    (void)state;
    assert_non_null(q);
    assert_non_null(single);
    assert_non_null(batch);
    make_fixture(&f, 5);
    assert_int_equal(vigil_pdq_matcher_from_entries_as(&m, f.e, f.n, VIGIL_PDQ_INDEX, NULL), 0);
    for (int i = 0; i < NQ; i++) {
        if (i % 3 == 0) {
            memcpy(q[i], f.q[i % NQUERIES], sizeof q[i]);
        } else {
            for (int v = 0; v < VIGIL_PDQ__DIHEDRAL; v++)
                pdqgen_hash(&gen, &q[i][v]);
            if (i % 3 == 1) {   /* a random entry, a few bits off, in orientation i % 8 */
                q[i][i % 8] = f.e[pdqgen_next(&gen) % f.n].hash;
                pdqgen_flip(&gen, &q[i][i % 8], (int)(pdqgen_next(&gen) % 32));
            }
        }
        found += (size_t)vigil_pdq_matcher_search(m, q[i], 31, &single[i]);
    }
    assert_true(found >= NQ / 2);
    for (int threads = 1; threads <= 3; threads++) {
        vigil_pdq_matcher_set_threads(m, threads);
        memset(batch, 0xa5, NQ * sizeof *batch);
        assert_int_equal(vigil_pdq_matcher_search_batch(m, q, NQ, 31, batch), found);
        for (int i = 0; i < NQ; i++)
            same_hit(&single[i], &batch[i]);
    }
    assert_int_equal(vigil_pdq_matcher_search_batch(m, q, 0, 31, batch), 0);
    vigil_pdq_matcher_close(m);
    free(f.e);
    free(q);
    free(single);
    free(batch);
}

static void pdq_index__empty(void **state)
{
    vigil_pdq_matcher *m;
    vigil_pdq_matcher_info info;
    vigil_pdq_hash q[1][VIGIL_PDQ__DIHEDRAL];
    vigil_pdq_hit hit;
    (void)state;
    memset(q, 0, sizeof q);
    for (int s = VIGIL_PDQ_AUTO; s <= VIGIL_PDQ_INDEX; s++) {
        assert_int_equal(vigil_pdq_matcher_from_entries_as(&m, NULL, 0, (vigil_pdq_structure)s, NULL), 0);
        vigil_pdq_matcher_info_get(&info, m);
        assert_int_equal(info.entries, 0);
        assert_string_equal(info.structure, s == VIGIL_PDQ_INDEX ? "index" : "linear");
        assert_int_equal(vigil_pdq_matcher_search(m, q[0], 31, &hit), 0);
        hit.match.by = VIGIL_BY_PDQ;
        assert_int_equal(vigil_pdq_matcher_search_batch(m, q, 1, 31, &hit), 0);
        assert_int_equal(hit.match.by, VIGIL_BY_NONE);
        vigil_pdq_matcher_close(m);
    }
}

/* Illegal > interest > benign, then the smaller distance, then the lower orientation; duplicates all reported. */
static void pdq_index__precedence_and_duplicates(void **state)
{
    vigil_pdq_entry e[8];
    vigil_pdq_hash q[VIGIL_PDQ__DIHEDRAL], x;
    vigil_pdq_hit hit[2];
    (void)state;
    gen.state = 6;
    for (int v = 0; v < VIGIL_PDQ__DIHEDRAL; v++)
        pdqgen_hash(&gen, &q[v]);
    memset(e, 0, sizeof e);
    e[0] = (vigil_pdq_entry){q[0], 100, VIGIL_KIND_BENIGN, "benign", NULL, NULL};        /* d 0 */
    x = q[0];
    pdqgen_flip(&gen, &x, 3);
    e[1] = (vigil_pdq_entry){x, 100, VIGIL_KIND_INTEREST, "interest", NULL, NULL};       /* d 3 */
    x = q[5];
    pdqgen_flip(&gen, &x, 20);
    e[2] = (vigil_pdq_entry){x, 100, VIGIL_KIND_ILLEGAL, "far-v5", "A1", NULL};          /* d 20, v 5 */
    x = q[2];
    pdqgen_flip(&gen, &x, 20);
    e[3] = (vigil_pdq_entry){x, 100, VIGIL_KIND_ILLEGAL, "far-v2", "A1", NULL};          /* d 20, v 2 */
    e[4] = e[3];
    e[4].set = "far-v2-again";                                                           /* duplicate */
    for (int s = VIGIL_PDQ_LINEAR; s <= VIGIL_PDQ_INDEX; s++) {
        vigil_pdq_matcher *m;
        pairs p = {0};
        assert_int_equal(vigil_pdq_matcher_from_entries_as(&m, e, 5, (vigil_pdq_structure)s, NULL), 0);
        assert_int_equal(vigil_pdq_matcher_search(m, q, 31, &hit[s - 1]), 1);
        assert_int_equal(hit[s - 1].match.kind, VIGIL_KIND_ILLEGAL);
        assert_int_equal(hit[s - 1].match.distance, 20);
        assert_int_equal(hit[s - 1].dihedral, 2);
        assert_string_equal(hit[s - 1].match.set, "far-v2"); /* the earlier of two equal entries */
        assert_string_equal(hit[s - 1].match.category, "A1");
        /* within 19 only interest (d 3) beats benign (d 0) */
        assert_int_equal(vigil_pdq_matcher_search(m, q, 19, &hit[s - 1]), 1);
        assert_int_equal(hit[s - 1].match.kind, VIGIL_KIND_INTEREST);
        assert_int_equal(hit[s - 1].match.distance, 3);
        assert_int_equal(vigil_pdq_matcher_search(m, q, 2, &hit[s - 1]), 1);
        assert_string_equal(hit[s - 1].match.set, "benign");
        vg_pdq_matcher_each(m, q, 31, collect, &p);
        assert_int_equal(p.n, 5);  /* both duplicates come back */
        free(p.p);
        vigil_pdq_matcher_close(m);
    }
}

static void pdq_index__structure_and_kernel_choice(void **state)
{
    static const char *names[] = {"portable", "avx2", "avx512"};
    vigil_pdq_entry *e = calloc(VIGIL_PDQ_INDEX_MIN, sizeof *e);
    vigil_pdq_matcher *m;
    vigil_pdq_matcher_info info;
    vigil_error err;
    (void)state;
    assert_non_null(e);
    gen.state = 7;
    for (size_t i = 0; i < VIGIL_PDQ_INDEX_MIN; i++) {
        pdqgen_hash(&gen, &e[i].hash);
        e[i].kind = VIGIL_KIND_ILLEGAL;
        e[i].set = "s";
    }
    assert_int_equal(vigil_pdq_matcher_from_entries(&m, e, VIGIL_PDQ_INDEX_MIN - 1, NULL), 0);
    vigil_pdq_matcher_info_get(&info, m);
    assert_string_equal(info.structure, "linear");
    vigil_pdq_matcher_close(m);
    assert_int_equal(vigil_pdq_matcher_from_entries(&m, e, VIGIL_PDQ_INDEX_MIN, NULL), 0);
    vigil_pdq_matcher_info_get(&info, m);
    assert_string_equal(info.structure, "index");
    assert_int_equal(info.entries, VIGIL_PDQ_INDEX_MIN);
    assert_true(info.chunks >= 10 && info.chunks <= 16);
    assert_true(info.bytes >= (uint64_t)VIGIL_PDQ_INDEX_MIN * 32);
    vigil_pdq_matcher_close(m);

    assert_int_equal(setenv("VIGIL_PDQ_IMPL", "sse9", 1), 0);
    assert_int_equal(vigil_pdq_matcher_from_entries(&m, e, 10, &err), VIGIL_EINPUT);
    assert_null(m);
    assert_non_null(strstr(err.msg, "VIGIL_PDQ_IMPL=sse9: not one of portable, avx2, avx512"));
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        int rc;
        assert_int_equal(setenv("VIGIL_PDQ_IMPL", names[k], 1), 0);
        rc = vigil_pdq_matcher_from_entries(&m, e, 10, &err);
        if (vg_pdq_kernels_by_name(names[k])) {
            assert_int_equal(rc, 0);
            vigil_pdq_matcher_info_get(&info, m);
            assert_string_equal(info.impl, names[k]);
            vigil_pdq_matcher_close(m);
        } else {
            assert_int_equal(rc, VIGIL_EINPUT);
            assert_non_null(strstr(err.msg, "this CPU lacks"));
        }
    }
    assert_int_equal(unsetenv("VIGIL_PDQ_IMPL"), 0);
    assert_int_equal(vigil_pdq_matcher_from_entries(&m, e, 10, NULL), 0);
    vigil_pdq_matcher_info_get(&info, m);
    assert_non_null(vg_pdq_kernels_by_name(info.impl)); /* the default is one the CPU runs */
    vigil_pdq_matcher_close(m);
    free(e);
}

int main(void)
{
    struct CMUnitTest tests[] = {
        cmocka_unit_test(pdq_index__matches_brute_force),
        cmocka_unit_test(pdq_index__radius_over_31),
        {"pdq_index__portable_kernels_match_portable", pdq_index__kernels_match_portable, NULL, NULL, "portable"},
        {"pdq_index__avx2_kernels_match_portable", pdq_index__kernels_match_portable, NULL, NULL, "avx2"},
        {"pdq_index__avx512_kernels_match_portable", pdq_index__kernels_match_portable, NULL, NULL, "avx512"},
        cmocka_unit_test(pdq_index__batch_equals_single),
        cmocka_unit_test(pdq_index__empty),
        cmocka_unit_test(pdq_index__precedence_and_duplicates),
        cmocka_unit_test(pdq_index__structure_and_kernel_choice),
    };
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++)
        if (tests[i].test_func == pdq_index__kernels_match_portable && !vg_pdq_kernels_by_name(tests[i].initial_state))
            tests[i] = tu_skip_test(tests[i].name, !strcmp(tests[i].initial_state, "avx2")
                                    ? "this CPU lacks AVX2" : "this CPU lacks AVX-512 VPOPCNTDQ", NULL);
    return tu_run_tests("pdq_index", tests, NULL, NULL);
}

/*
 * xsort: packed batches hold what fixed ones must spill and read back in
 * order, ties included; records that arrive in order (but for a few) come
 * back sorted; the segment writer's key sorts take the whole bound when the
 * import says which digests come, and then spill nothing.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "segment/segment.h"
#include "segment/segment_write.h"
#include "segment/xsort.h"

#define WIDE 160 /* the size of an import entry */

static uint64_t rng(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static int count_files(const char *dir, const char *part)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    while (d && (e = readdir(d)) != NULL)
        n += strstr(e->d_name, part) != NULL;
    if (d)
        closedir(d);
    return n;
}

/* A wide record: a 16-byte key (8 random bytes, 8 of a tie-breaker) and zeros. */
static uint32_t bucket_w(const void *p)
{
    const uint8_t *b = p;
    return (uint32_t)(b[0] << 8 | b[1]);
}

static int cmp_w(const void *a, const void *b)
{
    return memcmp(a, b, 16);
}

static uint64_t key_w(const void *p)
{
    uint64_t k;
    memcpy(&k, p, 8);
    return __builtin_bswap64(k);
}

static size_t pack_w(uint8_t *out, const void *rec)
{
    memcpy(out, rec, 16);
    return 16;
}

static void unpack_w(void *rec, const uint8_t *in, size_t n)
{
    memset(rec, 0, WIDE);
    memcpy(rec, in, n);
}

/* n wide records, every third one's key repeated with a smaller tie-breaker; sorted back, in order, all of them. */
static int sort_wide(const vg_xsort_spec *base, int n)
{
    char *dir = tu_mkdtemp();
    vg_xsort_spec spec = *base;
    vg_xsort *x;
    uint8_t rec[WIDE] = {0}, prev[WIDE];
    uint64_t r = 3, got = 0, h = 0;
    const uint8_t *p;
    int runs;
    spec.dir = dir;
    assert_int_equal(vg_xsort_new(&x, &spec, NULL), 0);
    for (int i = 0; i < n; i++) {
        uint64_t t = (uint64_t)(n - i); /* later records of a key sort first */
        if (i % 3)
            h = rng(&r);
        memcpy(rec, &h, 8);
        memcpy(rec + 8, &t, 8);
        assert_int_equal(vg_xsort_add(x, rec, NULL), 0);
    }
    assert_int_equal(vg_xsort_finish(x, NULL), 0);
    runs = (int)vg_xsort_runs(x);
    assert_int_equal(count_files(dir, ".run"), runs);
    while ((p = vg_xsort_next(x, NULL)) != NULL) {
        if (got)
            assert_true(memcmp(prev, p, 16) < 0);
        for (int k = 16; k < WIDE; k++)
            assert_int_equal(p[k], 0); /* the whole record comes back */
        memcpy(prev, p, WIDE);
        got++;
    }
    assert_false(vg_xsort_failed(x));
    assert_int_equal(got, (uint64_t)n);
    vg_xsort_free(x);
    assert_int_equal(count_files(dir, ".run"), 0);
    tu_rm_rf(dir);
    free(dir);
    return runs;
}

/* 20,000 records of 160 bytes in a 1 MiB bound: about 6,000 fit as they are, all of them packed to 16. */
static void xsort__packed_batches_hold_what_fixed_ones_spill(void **state)
{
    vg_xsort_spec fixed = {.rec_size = WIDE, .bucket = bucket_w, .cmp = cmp_w, .memory = 1u << 20, .name = "t",
                           .key = key_w};
    vg_xsort_spec packed = fixed;
    (void)state;
    packed.pack = pack_w;
    packed.unpack = unpack_w;
    assert_true(sort_wide(&fixed, 20000) > 0);
    assert_int_equal(sort_wide(&packed, 20000), 0);
    /* and a list that does not fit spills packed runs, read back the same */
    assert_true(sort_wide(&packed, 200000) > 0);
}

/* Records in order but for one displaced record and one pair of equal keys in the wrong order. */
static void xsort__records_almost_in_order_come_back_sorted(void **state)
{
    char *dir = tu_mkdtemp();
    vg_xsort_spec spec = {.rec_size = 16, .bucket = bucket_w, .cmp = cmp_w, .memory = 1u << 20, .dir = dir,
                          .name = "t", .key = key_w};
    vg_xsort *x;
    uint8_t rec[16], prev[16];
    uint64_t got = 0;
    const uint8_t *p;
    (void)state;
    assert_int_equal(vg_xsort_new(&x, &spec, NULL), 0);
    for (uint64_t i = 0; i < 100000; i++) { /* a batch holds 16,384: several batches, spilled */
        uint64_t k = __builtin_bswap64(i * 1000), t = 0;
        if (i == 40000) /* far from its place */
            k = __builtin_bswap64(7 * 1000 + 1);
        if (i == 70001) /* the same key as the record before it, a smaller tie-breaker */
            k = __builtin_bswap64(70000 * 1000), t = __builtin_bswap64(0);
        else if (i == 70000)
            t = __builtin_bswap64(5);
        memcpy(rec, &k, 8);
        memcpy(rec + 8, &t, 8);
        assert_int_equal(vg_xsort_add(x, rec, NULL), 0);
    }
    assert_int_equal(vg_xsort_finish(x, NULL), 0);
    assert_true(vg_xsort_runs(x) > 0);
    while ((p = vg_xsort_next(x, NULL)) != NULL) {
        if (got)
            assert_true(memcmp(prev, p, 16) < 0);
        memcpy(prev, p, 16);
        got++;
    }
    assert_false(vg_xsort_failed(x));
    assert_int_equal(got, 100000);
    vg_xsort_free(x);
    tu_rm_rf(dir);
    free(dir);
}

static void md5_entry(vg_seg_entry *e, uint64_t i)
{
    uint64_t hi = __builtin_bswap64(i * 0x9e3779b9ull), lo = i;
    memset(e, 0, sizeof *e);
    e->mask = VG_SEG_HAS_MD5;
    memcpy(e->md5, &hi, 8); /* in order: the import hands entries over sorted by their strongest digest */
    memcpy(e->md5 + 8, &lo, 8);
    e->size = -1;
    e->category = e->label = e->profile = e->series = e->source = e->photodna = VG_SEG_NONE;
    e->severity = e->pdq_quality = -1;
}

/* 25,000 MD5-only entries with 1 MiB for the key sorts; n_expected: what the import announces, or NULL. */
static int md5_key_runs(const uint64_t *expected)
{
    char *dir = tu_mkdtemp(), *path = tu_path(dir, "s.seg");
    vg_seg_writer *w;
    vg_seg_entry e;
    vg_segment s;
    vigil_error err;
    int runs;
    assert_int_equal(vg_seg_writer_new(&w, path, dir, 1u << 20, &err), 0);
    if (expected)
        assert_int_equal(vg_seg_writer_expect(w, expected, &err), 0);
    for (uint64_t i = 0; i < 25000; i++) {
        md5_entry(&e, i);
        assert_int_equal(vg_seg_writer_put(w, &e, NULL, &err), 0);
    }
    runs = count_files(dir, "keys-md5");
    assert_int_equal(vg_seg_writer_finish(w, "\0", 1, &err), 0);
    vg_seg_writer_free(w);
    assert_int_equal(vg_seg_open(&s, path, &err), 0);
    assert_int_equal(vg_seg_verify(&s, path, &err), 0);
    for (uint64_t i = 0; i < 25000; i += 11) {
        md5_entry(&e, i);
        assert_int_equal(vg_seg_find(&s, VG_SEG_MD5, e.md5), (int64_t)i);
    }
    vg_seg_close(&s);
    tu_rm_rf(dir);
    free(path);
    free(dir);
    return runs;
}

static void xsort__key_sorts_share_the_bound_by_the_digests_announced(void **state)
{
    const uint64_t md5_only[VG_SEG_ALGS] = {25000, 0, 0};
    (void)state;
    assert_true(md5_key_runs(NULL) > 0);         /* a third of the bound each: the MD5 keys spill */
    assert_int_equal(md5_key_runs(md5_only), 0); /* the whole bound: they do not */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(xsort__packed_batches_hold_what_fixed_ones_spill),
        cmocka_unit_test(xsort__records_almost_in_order_come_back_sorted),
        cmocka_unit_test(xsort__key_sorts_share_the_bound_by_the_digests_announced),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

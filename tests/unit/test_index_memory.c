/*
 * The index with bounded memory (vigil_index_bound_memory): keys read with
 * pread give the same rows as the mapped search, for every prefix width, slot
 * sizes over one read and runs of one digest over several entries; a bounded
 * index answers as a mapped one and leaves the key pages out of resident
 * memory where the mapped one leaves them in.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "segment/segment.h"
#include "segment/segment_write.h"
#include "vigil/index.h"

static uint64_t rng(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void fill(uint8_t *d, size_t n, uint64_t *x)
{
    for (size_t k = 0; k < n; k += 8) {
        uint64_t v = rng(x);
        memcpy(d + k, &v, n - k < 8 ? n - k : 8);
    }
}

/* Entry i: MD5 and SHA-256; every tenth shares its MD5 with the entry before it (a run of two keys). */
static void make_entry(vg_seg_entry *e, uint64_t i)
{
    uint64_t x = (i % 10 == 9 ? i - 1 : i) + 77, y = i + (1u << 20);
    memset(e, 0, sizeof *e);
    e->mask = VG_SEG_HAS_MD5 | VG_SEG_HAS_SHA256;
    fill(e->md5, 16, &x);
    fill(e->sha256, 32, &y);
    e->size = (int64_t)i;
    e->severity = e->pdq_quality = -1;
    e->photodna = e->label = e->profile = e->series = e->source = VG_SEG_NONE;
    e->category = i % 3 ? VG_SEG_NONE : 1;
}

static char *write_segment(const char *dir, uint64_t n, unsigned prefix_bits)
{
    char *path = tu_path(dir, "s.seg");
    vg_seg_writer *w;
    vg_seg_entry e;
    vigil_error err;
    assert_int_equal(vg_seg_writer_new(&w, path, dir, 1u << 20, &err), 0);
    if (prefix_bits)
        vg_seg_writer_prefix_bits(w, prefix_bits);
    for (uint64_t i = 0; i < n; i++) {
        make_entry(&e, i);
        assert_int_equal(vg_seg_writer_put(w, &e, NULL, &err), 0);
    }
    assert_int_equal(vg_seg_writer_finish(w, "\0cat\0", 5, &err), 0);
    vg_seg_writer_free(w);
    return path;
}

/* Every digest's rows read with pread equal the mapped search's, and a digest one bit away has none. */
static void check_read_rows(const vg_segment *s, uint64_t n)
{
    vg_seg_entry e;
    for (uint64_t i = 0; i < n; i++) {
        const uint8_t *d[2];
        int alg[2] = {VG_SEG_MD5, VG_SEG_SHA256};
        make_entry(&e, i);
        d[0] = e.md5;
        d[1] = e.sha256;
        for (int k = 0; k < 2; k++) {
            uint32_t rows[4];
            uint64_t first, cnt = vg_seg_find_all(s, alg[k], d[k], &first);
            size_t got = vg_seg_read_rows(s, alg[k], d[k], rows, 4);
            assert_int_equal(got, cnt);
            assert_true(cnt >= 1);
            for (size_t q = 0; q < got; q++)
                assert_int_equal(rows[q], vg_seg_key_row(s, alg[k], first + q));
        }
        e.sha256[31] ^= 1;
        assert_int_equal(vg_seg_read_rows(s, VG_SEG_SHA256, e.sha256, NULL, 0), 0);
    }
    assert_int_equal(vg_seg_read_rows(s, VG_SEG_SHA1, e.md5, NULL, 0), 0); /* no SHA-1 keys at all */
}

static void index_memory__read_rows_agree_with_the_mapped_search(void **state)
{
    /* 8 bits: about 78 keys a slot, more than one read; 16: a few; 0: the writer's width */
    static const unsigned widths[] = {VG_SEG_PREFIX_BITS_MIN, VG_SEG_PREFIX_BITS_V2, 0};
    (void)state;
    for (size_t w = 0; w < sizeof widths / sizeof widths[0]; w++) {
        char *dir = tu_mkdtemp(), *path = write_segment(dir, 20000, widths[w]);
        vg_segment s;
        vigil_error err;
        assert_int_equal(vg_seg_open(&s, path, &err), 0);
        check_read_rows(&s, 20000);
        vg_seg_close(&s);
        tu_rm_rf(dir);
        free(path);
        free(dir);
    }
}

/* Resident kB of the mappings of path in this process (/proc/self/smaps). */
static long resident_kb(const char *path)
{
    char line[4096];
    long kb = 0;
    int in = 0;
    FILE *f = fopen("/proc/self/smaps", "r");
    assert_non_null(f);
    while (fgets(line, sizeof line, f)) {
        char *name = strchr(line, '/');
        if (strchr(line, '-') && strchr(line, '-') < strchr(line, ' ') && line[0] != ' ')
            in = name && !strncmp(name, path, strlen(path)) && name[strlen(path)] == '\n';
        else if (in && !strncmp(line, "Rss:", 4))
            kb += strtol(line + 4, NULL, 10);
    }
    fclose(f);
    return kb;
}

/* Lookups of n absent digests and every 50th listed one; the hits counted. */
static size_t lookups(const vigil_index *ix, uint64_t entries, int n)
{
    vigil_match m;
    vg_seg_entry e;
    uint64_t x = 5;
    size_t hits = 0;
    for (int i = 0; i < n; i++) {
        make_entry(&e, rng(&x) % entries);
        if (i % 50)
            e.sha256[0] ^= 0x40;
        hits += (size_t)vigil_index_lookup(&m, ix, VIGIL_BY_SHA256, e.sha256);
    }
    return hits;
}

static void index_memory__bounded_index_answers_alike_and_leaves_keys_out(void **state)
{
    const uint64_t n = 200000; /* 7.2 MB of SHA-256 keys, 2.4 MB of meta rows */
    char *dir = tu_mkdtemp(), *path = write_segment(dir, n, 0);
    vigil_index *mapped, *bounded;
    vigil_match a, b;
    vg_seg_entry e;
    uint8_t q[64 * 32], fa[64], fb[64];
    vigil_match ma[64], mb[64];
    long kb_mapped, kb_bounded;
    (void)state;
    assert_int_equal(vigil_index_open_file(&mapped, path, NULL), 0);
    assert_int_equal(vigil_index_open_file(&bounded, path, NULL), 0);
    vigil_index_bound_memory(bounded);
    for (uint64_t i = 0; i < n; i += 97) {
        vigil_digests d;
        make_entry(&e, i);
        memset(&d, 0, sizeof d);
        memcpy(d.md5, e.md5, 16);
        memcpy(d.sha256, e.sha256, 32);
        assert_int_equal(vigil_index_match(&a, mapped, &d), 1);
        assert_int_equal(vigil_index_match(&b, bounded, &d), 1);
        assert_int_equal(a.by, b.by);
        assert_string_equal(a.category ? a.category : "-", b.category ? b.category : "-");
        /* by the shared MD5 of a run of two: the same (most serious) entry */
        assert_int_equal(vigil_index_lookup(&a, mapped, VIGIL_BY_MD5, e.md5), 1);
        assert_int_equal(vigil_index_lookup(&b, bounded, VIGIL_BY_MD5, e.md5), 1);
        assert_string_equal(a.category ? a.category : "-", b.category ? b.category : "-");
    }
    for (int i = 0; i < 64; i++) { /* a batch: even listed, odd one bit away */
        make_entry(&e, (uint64_t)i * 3001);
        e.sha256[5] ^= (uint8_t)(i & 1);
        memcpy(q + i * 32, e.sha256, 32);
    }
    assert_int_equal(vigil_index_lookup_batch(ma, fa, mapped, VIGIL_BY_SHA256, q, 64), 32);
    assert_int_equal(vigil_index_lookup_batch(mb, fb, bounded, VIGIL_BY_SHA256, q, 64), 32);
    assert_memory_equal(fa, fb, 64);
    vigil_index_close(mapped);
    vigil_index_close(bounded);

    /* resident pages of the segment after 20,000 lookups, each index alone */
    assert_int_equal(vigil_index_open_file(&mapped, path, NULL), 0);
    assert_int_equal(lookups(mapped, n, 20000), 400);
    kb_mapped = resident_kb(path);
    vigil_index_close(mapped);
    assert_int_equal(vigil_index_open_file(&bounded, path, NULL), 0);
    vigil_index_bound_memory(bounded);
    assert_int_equal(lookups(bounded, n, 20000), 400);
    kb_bounded = resident_kb(path);
    vigil_index_close(bounded);
    print_message("# segment pages resident after 20,000 lookups: mapped %ld kB, bounded %ld kB\n", kb_mapped,
                  kb_bounded);
    assert_true(kb_mapped > 7200 / 2);          /* most of the keys: what the bound is for */
    assert_true(kb_bounded < 1024);             /* prefix table, header, the pages of the last hits */
    tu_rm_rf(dir);
    free(path);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(index_memory__read_rows_agree_with_the_mapped_search),
        cmocka_unit_test(index_memory__bounded_index_answers_alike_and_leaves_keys_out),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

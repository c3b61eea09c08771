/*
 * segment: the compact rows of version 4. Every combination of digests and
 * fields comes back from vg_seg_get as it was put (and from a version 3
 * segment of the same entries), an MD5-only list and a full one stay within
 * their bytes per entry, and damage in the row tables, the key positions or
 * the rows themselves is refused instead of read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "testutil.h"
#include "segment/row.h"
#include "segment/segment.h"
#include "segment/segment_write.h"
#include "vigil/digest.h"

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

/* String pool the entries point into: offsets 1, 5, 9 ... */
static const char pool[] = "\0cat\0lab\0pro\0ser\0src\0";

/*
 * Entry i: its digests from mask (i % 31 + 1: every combination of MD5,
 * SHA-1, SHA-256, PDQ and PhotoDNA), and each other field set or not by a
 * bit of i / 31, so that 31 x 512 entries meet every pairing.
 */
static void make_entry(vg_seg_entry *e, uint64_t i)
{
    uint64_t x = i * 7919 + 1, f = i / 31;
    memset(e, 0, sizeof *e);
    e->mask = (uint8_t)(i % 31 + 1);
    if (e->mask & VG_SEG_HAS_MD5)
        fill(e->md5, 16, &x);
    if (e->mask & VG_SEG_HAS_SHA1)
        fill(e->sha1, 20, &x);
    if (e->mask & VG_SEG_HAS_SHA256)
        fill(e->sha256, 32, &x);
    if (e->mask & VG_SEG_HAS_PDQ)
        fill(e->pdq, 32, &x);
    e->size = f & 1 ? (int64_t)(rng(&x) >> (f & 2 ? 1 : 40)) : -1;
    e->record = f & 4 ? (f & 2 ? UINT64_MAX - i : i + 1) : 0;
    e->category = f & 8 ? 1 : VG_SEG_NONE;
    e->label = f & 16 ? 5 : VG_SEG_NONE;
    e->profile = f & 32 ? 9 : VG_SEG_NONE;
    e->series = f & 64 ? 13 : VG_SEG_NONE;
    e->source = f & 128 ? 17 : VG_SEG_NONE;
    e->merged = f & 256 ? (uint32_t)(f * 1000) : 0;
    e->flags = (uint8_t)(f & 2 ? (f & 8 ? 0x8f : 0x05) : 0);
    e->severity = (int8_t)(f & 8 ? (int)(f % 5) : -1);
    e->pdq_quality = (int8_t)(e->mask & VG_SEG_HAS_PDQ ? (f & 1 ? -1 : (int)(f % 101)) : -1);
    e->photodna = VG_SEG_NONE;
}

#define N_ALL (31 * 512)

static char *write_entries(const char *dir, const char *name, unsigned version, uint64_t n,
                           void (*make)(vg_seg_entry *, uint64_t))
{
    char *path = tu_path(dir, name);
    uint8_t vec[144];
    vg_seg_writer *w;
    vg_seg_entry e;
    vigil_error err;
    assert_int_equal(vg_seg_writer_new(&w, path, dir, 1u << 20, &err), 0);
    vg_seg_writer_version(w, version);
    for (uint64_t i = 0; i < n; i++) {
        make(&e, i);
        memset(vec, (int)(i & 0xff), sizeof vec);
        assert_int_equal(vg_seg_writer_put(w, &e, vec, &err), 0);
    }
    assert_int_equal(vg_seg_writer_finish(w, pool, sizeof pool, &err), 0);
    vg_seg_writer_free(w);
    return path;
}

/* Field by field: a struct's padding is no field. */
static void assert_entry_equal(const vg_seg_entry *a, const vg_seg_entry *b)
{
    assert_int_equal(a->size, b->size);
    assert_int_equal(a->record, b->record);
    assert_int_equal(a->mask, b->mask);
    assert_memory_equal(a->md5, b->md5, 16);
    assert_memory_equal(a->sha1, b->sha1, 20);
    assert_memory_equal(a->sha256, b->sha256, 32);
    assert_memory_equal(a->pdq, b->pdq, 32);
    assert_int_equal(a->flags, b->flags);
    assert_int_equal(a->severity, b->severity);
    assert_int_equal(a->pdq_quality, b->pdq_quality);
    assert_int_equal(a->photodna, b->photodna);
    assert_int_equal(a->category, b->category);
    assert_int_equal(a->label, b->label);
    assert_int_equal(a->profile, b->profile);
    assert_int_equal(a->series, b->series);
    assert_int_equal(a->source, b->source);
    assert_int_equal(a->merged, b->merged);
}

/* Entry i as the segment gives it back: a PhotoDNA number counts the vectors before it. */
static void expect_entry(const vg_segment *s, uint32_t row, uint64_t i, uint32_t *vectors)
{
    vg_seg_entry want, got;
    make_entry(&want, i);
    if (want.mask & VG_SEG_HAS_PHOTODNA)
        want.photodna = (*vectors)++;
    assert_int_equal(vg_seg_get(s, row, &got), 0);
    assert_entry_equal(&got, &want);
    if (want.mask & VG_SEG_HAS_PDQ) {
        uint8_t pdq[32];
        int8_t q;
        assert_int_equal(vg_seg_pdq(s, row, pdq, &q), 0);
        assert_memory_equal(pdq, want.pdq, 32);
        assert_int_equal(q, want.pdq_quality);
    }
}

/* Version 4 and version 3 give back every field of every combination as it was put. */
static void segment__every_field_combination_round_trips(void **state)
{
    static const unsigned versions[] = {VG_SEG_VERSION, VG_SEG_VERSION_WIDE};
    (void)state;
    for (size_t v = 0; v < 2; v++) {
        char *dir = tu_mkdtemp(), *path = write_entries(dir, "s.seg", versions[v], N_ALL, make_entry);
        vg_segment s;
        vigil_error err;
        uint32_t vectors = 0;
        assert_int_equal(vg_seg_open(&s, path, &err), 0);
        assert_int_equal(s.h->version, versions[v]);
        assert_int_equal(s.h->entries, N_ALL);
        assert_int_equal(vg_seg_verify(&s, path, &err), 0);
        if (versions[v] == VG_SEG_VERSION) {
            assert_null(s.wide);
            /* entries put in no digest's order, some without each digest: every key is placed */
            for (int a = 0; a < VG_SEG_ALGS; a++)
                assert_non_null(s.keypos[a]);
        }
        for (uint64_t i = 0; i < N_ALL; i++)
            expect_entry(&s, (uint32_t)i, i, &vectors);
        assert_int_equal(s.nphotodna, vectors);
        assert_int_equal(vg_seg_get(&s, N_ALL, &(vg_seg_entry){0}), -1); /* past the last row */
        vg_seg_close(&s);
        tu_rm_rf(dir);
        free(path);
        free(dir);
    }
}

/* The packer alone: the shortest rows are what an MD5-only list line needs, and every length is refused but its own. */
static void segment__rows_pack_small_and_refuse_other_lengths(void **state)
{
    uint8_t b[VG_SEG_ROW_MAX];
    vg_seg_entry e, got;
    size_t n;
    (void)state;
    make_entry(&e, 31 * (4 + 128)); /* MD5 only, a line number and a source file */
    assert_int_equal(e.mask, VG_SEG_HAS_MD5);
    n = vg_seg_row_pack(b, &e);
    assert_true(n <= 6);
    for (size_t k = 0; k < n; k++)
        assert_int_equal(vg_seg_row_unpack(&got, b, k, e.mask), -1);
    assert_int_equal(vg_seg_row_unpack(&got, b, n, e.mask), 0);
    make_entry(&e, 31 * 511 + 30); /* everything set, the widest values */
    n = vg_seg_row_pack(b, &e);
    assert_true(n <= VG_SEG_ROW_MAX);
    assert_int_equal(vg_seg_row_unpack(&got, b, n, e.mask), 0);
    assert_int_equal(vg_seg_row_unpack(&got, b, n + 1, e.mask), -1); /* a byte left over */
}

static void md5_only(vg_seg_entry *e, uint64_t i)
{
    uint64_t x = i + 1;
    memset(e, 0, sizeof *e);
    e->mask = VG_SEG_HAS_MD5;
    fill(e->md5, 16, &x);
    e->size = -1;
    e->record = i + 1;
    e->category = e->label = e->profile = e->series = e->photodna = VG_SEG_NONE;
    e->source = 17;
    e->severity = e->pdq_quality = -1;
}

static void full_entry(vg_seg_entry *e, uint64_t i)
{
    md5_only(e, i);
    uint64_t x = i * 3 + 5;
    e->mask = VG_SEG_HAS_MD5 | VG_SEG_HAS_SHA1 | VG_SEG_HAS_SHA256;
    fill(e->sha1, 20, &x);
    fill(e->sha256, 32, &x);
    e->size = (int64_t)(rng(&x) >> 40);
    e->category = 1;
    e->severity = 2;
}

static int cmp_md5(const void *a, const void *b)
{
    return memcmp(((const vg_seg_entry *)a)->md5, ((const vg_seg_entry *)b)->md5, 16);
}

static int cmp_sha256(const void *a, const void *b)
{
    return memcmp(((const vg_seg_entry *)a)->sha256, ((const vg_seg_entry *)b)->sha256, 32);
}

/* Entries sorted as an import sorts them (by their strongest digest), written, and the file's bytes per entry. */
static double bytes_per_entry(void (*make)(vg_seg_entry *, uint64_t), int (*cmp)(const void *, const void *),
                              uint64_t n, int check_keypos)
{
    char *dir = tu_mkdtemp(), *path = tu_path(dir, "s.seg");
    vg_seg_entry *e = calloc(n, sizeof *e);
    vg_seg_writer *w;
    vg_segment s;
    vigil_error err;
    struct stat sb;
    assert_non_null(e);
    for (uint64_t i = 0; i < n; i++)
        make(&e[i], i);
    qsort(e, n, sizeof *e, cmp);
    assert_int_equal(vg_seg_writer_new(&w, path, dir, 8u << 20, &err), 0);
    for (uint64_t i = 0; i < n; i++)
        assert_int_equal(vg_seg_writer_put(w, &e[i], NULL, &err), 0);
    assert_int_equal(vg_seg_writer_finish(w, pool, sizeof pool, &err), 0);
    vg_seg_writer_free(w);
    assert_int_equal(vg_seg_open(&s, path, &err), 0);
    /* the strongest digest's keys are in row order: that algorithm needs no key positions */
    assert_null(s.keypos[check_keypos]);
    for (uint64_t i = 0; i < n; i += 97) {
        vg_seg_entry got;
        assert_int_equal(vg_seg_get(&s, (uint32_t)i, &got), 0);
        assert_entry_equal(&got, &e[i]);
    }
    vg_seg_close(&s);
    assert_int_equal(stat(path, &sb), 0);
    tu_rm_rf(dir);
    free(e);
    free(path);
    free(dir);
    return (double)sb.st_size / (double)n;
}

/* The goals of the layout: at most 48 bytes an MD5-only entry, 120 with all three digests and a category. */
static void segment__bytes_per_entry_stay_within_the_goals(void **state)
{
    double md5 = bytes_per_entry(md5_only, cmp_md5, 200000, VG_SEG_MD5);
    double all = bytes_per_entry(full_entry, cmp_sha256, 200000, VG_SEG_SHA256);
    (void)state;
    print_message("# bytes per entry: MD5 only %.1f, MD5+SHA-1+SHA-256+category %.1f\n", md5, all);
    assert_true(md5 <= 48.0);
    assert_true(all <= 120.0);
}

/* Rewrite the header of path with fn applied and its checksum made to fit. */
static void patch_header(const char *path, void (*fn)(vg_seg_header *))
{
    FILE *f = fopen(path, "r+b");
    vg_seg_header h;
    vigil_digests dg;
    assert_non_null(f);
    assert_int_equal(fread(&h, sizeof h, 1, f), 1);
    fn(&h);
    vigil_digest_buffer(&dg, &h, offsetof(vg_seg_header, header_sha256), NULL);
    memcpy(h.header_sha256, dg.sha256, 32);
    fseek(f, 0, SEEK_SET);
    assert_int_equal(fwrite(&h, sizeof h, 1, f), 1);
    fclose(f);
}

static void poke(const char *path, uint64_t off, const void *b, size_t n)
{
    FILE *f = fopen(path, "r+b");
    assert_non_null(f);
    fseek(f, (long)off, SEEK_SET);
    assert_int_equal(fwrite(b, n, 1, f), 1);
    fclose(f);
}

static void short_keypos(vg_seg_header *h)
{
    h->sec4[VG_SEC4_KEYPOS_SHA1].size -= 4;
}

static void no_keypos(vg_seg_header *h)
{
    h->sec4[VG_SEC4_KEYPOS_MD5].size = 0;
}

static void short_lengths(vg_seg_header *h)
{
    h->sec4[VG_SEC4_ROW_LEN].size--;
}

static void wide_entry_size(vg_seg_header *h)
{
    h->entry_size = sizeof(vg_seg_entry);
}

static void expect_refused(const char *dir, const char *path, void (*fn)(vg_seg_header *), const char *why)
{
    char *copy = tu_path(dir, "damaged.seg");
    FILE *in = fopen(path, "rb"), *out = fopen(copy, "wb");
    char buf[65536];
    size_t n;
    vg_segment s;
    vigil_error err;
    assert_non_null(in);
    assert_non_null(out);
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        assert_int_equal(fwrite(buf, 1, n, out), n);
    fclose(in);
    fclose(out);
    patch_header(copy, fn);
    assert_int_equal(vg_seg_open(&s, copy, &err), VIGIL_ESTORE);
    assert_non_null(strstr(err.msg, why));
    assert_non_null(strstr(err.msg, copy));
    assert_non_null(strstr(err.msg, "vigil hashset reindex"));
    free(copy);
}

/*
 * Damage: tables of the wrong size are refused at open naming the file; a
 * body damaged in a row, a row length, a group offset or a key position opens
 * (the body is not read) but that row is refused, never read astray, and the
 * body checksum says so.
 */
static void segment__damaged_version_4_is_refused(void **state)
{
    char *dir = tu_mkdtemp(), *path = write_entries(dir, "s.seg", VG_SEG_VERSION, 31 * 64, make_entry);
    vg_segment s;
    vg_seg_entry e;
    vigil_error err;
    uint64_t off;
    uint32_t bad32;
    uint8_t b;
    (void)state;
    expect_refused(dir, path, short_keypos, "sections out of bounds");
    expect_refused(dir, path, no_keypos, "sections out of bounds");
    expect_refused(dir, path, short_lengths, "sections out of bounds");
    expect_refused(dir, path, wide_entry_size, "unknown version or layout");

    /* a row length one too long: the row no longer parses */
    assert_int_equal(vg_seg_open(&s, path, &err), 0);
    off = s.h->sec4[VG_SEC4_ROW_LEN].off + 40;
    b = (uint8_t)(s.row_len[40] + 1);
    vg_seg_close(&s);
    poke(path, off, &b, 1);
    assert_int_equal(vg_seg_open(&s, path, &err), 0);
    assert_int_equal(vg_seg_get(&s, 40, &e), -1);
    assert_int_equal(e.mask, 0); /* nothing half-read */
    assert_int_equal(vg_seg_get(&s, 30, &e), 0); /* rows before it in its group are untouched */
    assert_int_equal(vg_seg_verify(&s, path, &err), VIGIL_ESTORE);
    assert_non_null(strstr(err.msg, "body checksum mismatch"));
    vg_seg_close(&s);
    b--;
    poke(path, off, &b, 1);

    /* a group offset past the rows */
    assert_int_equal(vg_seg_open(&s, path, &err), 0);
    off = s.h->sec4[VG_SEC4_ROW_GROUP].off + 8;
    vg_seg_close(&s);
    {
        uint64_t far = UINT64_MAX - 3;
        poke(path, off, &far, 8);
    }
    assert_int_equal(vg_seg_open(&s, path, &err), 0);
    assert_int_equal(vg_seg_get(&s, VG_SEG_ROW_GROUP + 1, &e), -1);
    assert_int_equal(vg_seg_get(&s, 1, &e), 0);
    vg_seg_close(&s);
    tu_rm_rf(dir);
    free(path);
    free(dir);

    /* a key position naming another row's key, and one past the keys */
    dir = tu_mkdtemp();
    path = write_entries(dir, "s.seg", VG_SEG_VERSION, 31 * 64, make_entry);
    assert_int_equal(vg_seg_open(&s, path, &err), 0);
    assert_true(s.meta[0].mask & VG_SEG_HAS_MD5);
    assert_true(s.meta[2].mask & VG_SEG_HAS_MD5);
    off = s.h->sec4[VG_SEC4_KEYPOS_MD5].off;
    bad32 = s.keypos[VG_SEG_MD5][2];
    vg_seg_close(&s);
    poke(path, off, &bad32, 4);
    bad32 = 0xfffffff0u;
    poke(path, off + 8, &bad32, 4);
    assert_int_equal(vg_seg_open(&s, path, &err), 0);
    assert_int_equal(vg_seg_get(&s, 0, &e), -1);
    assert_int_equal(vg_seg_get(&s, 2, &e), -1);
    assert_int_equal(vg_seg_get(&s, 1, &e), 0);
    vg_seg_close(&s);
    tu_rm_rf(dir);
    free(path);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(segment__every_field_combination_round_trips),
        cmocka_unit_test(segment__rows_pack_small_and_refuse_other_lengths),
        cmocka_unit_test(segment__bytes_per_entry_stay_within_the_goals),
        cmocka_unit_test(segment__damaged_version_4_is_refused),
    };
    return tu_run_tests("segment", tests, NULL, NULL);
}

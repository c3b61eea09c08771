/*
 * store: the external sort (spills in a small memory bound and still orders
 * and dedupes exactly), segments (written, found, damage refused), the import
 * pipeline's merge rules (conflicts, retractions), and an open index keeping
 * its view while a set is replaced.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "core/hex.h"
#include "hashset/import_int.h"
#include "segment/segment.h"
#include "segment/segment_write.h"
#include "segment/xsort.h"
#include "vigil/digest.h"
#include "vigil/hashset.h"
#include "vigil/index.h"
#include "vigil/pdq_match.h"

static uint64_t rng(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint32_t bucket16(const void *p)
{
    const uint8_t *b = p;
    return (uint32_t)(b[0] << 8 | b[1]);
}

static int cmp16(const void *a, const void *b)
{
    return memcmp(a, b, 16);
}

static int count_runs(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    while (d && (e = readdir(d)) != NULL)
        n += strstr(e->d_name, ".run") != NULL;
    if (d)
        closedir(d);
    return n;
}

/* The first eight bytes, big-endian: consistent with cmp16. */
static uint64_t key16(const void *p)
{
    uint64_t k;
    memcpy(&k, p, 8);
    return __builtin_bswap64(k);
}

/* Run files keep a record without its trailing zero bytes: lengths vary. */
static size_t pack16(uint8_t *out, const void *rec)
{
    const uint8_t *r = rec;
    size_t n = 16;
    while (n && !r[n - 1])
        n--;
    memcpy(out, r, n);
    return n;
}

static void unpack16(void *rec, const uint8_t *in, size_t n)
{
    memset(rec, 0, 16);
    memcpy(rec, in, n);
}

/* 1,000,000 records of 16 bytes drawn from 300,000 keys, in a 1 MiB bound. */
static void sort_spills_and_dedupes(const vg_xsort_spec *base)
{
    char *dir = tu_mkdtemp();
    vg_xsort_spec spec = *base;
    vg_xsort *x;
    uint8_t *seen = calloc(300000, 1), rec[16], prev[16];
    uint64_t r = 1, n = 0, distinct = 0, want_distinct = 0;
    const uint8_t *p;
    spec.dir = dir;
    assert_int_equal(vg_xsort_new(&x, &spec, NULL), 0);
    for (int i = 0; i < 1000000; i++) {
        uint64_t k = rng(&r) % 300000, h = k * 0x9e3779b97f4a7c15ull;
        memcpy(rec, &h, 8); /* the key's bytes spread over the buckets */
        memcpy(rec + 8, &k, 8);
        if (!seen[k]++)
            want_distinct++;
        assert_int_equal(vg_xsort_add(x, rec, NULL), 0);
    }
    assert_int_equal(vg_xsort_finish(x, NULL), 0); /* waits for the spill thread */
    /* it spilled about 50 runs; more than the fan-in (16 at this bound) were merged in passes first */
    assert_true(vg_xsort_runs(x) >= (spec.fanin ? spec.fanin : 10u));
    assert_true(vg_xsort_runs(x) <= (spec.fanin ? spec.fanin : 16u));
    assert_int_equal(count_runs(dir), (int)vg_xsort_runs(x));
    while ((p = vg_xsort_next(x, NULL)) != NULL) {
        if (n)
            assert_true(memcmp(prev, p, 16) <= 0); /* in order */
        if (!n || memcmp(prev, p, 16))
            distinct++;
        memcpy(prev, p, 16);
        n++;
    }
    assert_false(vg_xsort_failed(x));
    assert_int_equal(n, 1000000);
    assert_int_equal(distinct, want_distinct);
    vg_xsort_free(x);
    assert_int_equal(count_runs(dir), 0); /* runs removed */
    free(seen);
    tu_rm_rf(dir);
    free(dir);
}

static void store__sort_spills_in_a_small_bound_and_dedupes_exactly(void **state)
{
    vg_xsort_spec spec = {.rec_size = 16, .bucket = bucket16, .cmp = cmp16, .memory = 1u << 20, .name = "t"};
    (void)state;
    sort_spills_and_dedupes(&spec);
}

/* More than one batch but within the bound: sorted in memory, no run file written. */
static void store__sort_within_the_bound_writes_no_run(void **state)
{
    char *dir = tu_mkdtemp();
    vg_xsort_spec spec = {.rec_size = 16, .bucket = bucket16, .cmp = cmp16, .memory = 1u << 20, .dir = dir,
                          .name = "t", .key = key16};
    vg_xsort *x;
    uint8_t rec[16], prev[16];
    uint64_t r = 5, n = 0;
    const uint8_t *p;
    (void)state;
    assert_int_equal(vg_xsort_new(&x, &spec, NULL), 0);
    for (int i = 0; i < 25000; i++) { /* a batch holds 16,384 of them */
        uint64_t h = rng(&r), k = (uint64_t)i;
        memcpy(rec, &h, 8);
        memcpy(rec + 8, &k, 8);
        assert_int_equal(vg_xsort_add(x, rec, NULL), 0);
    }
    assert_int_equal(vg_xsort_finish(x, NULL), 0);
    assert_int_equal(vg_xsort_runs(x), 0);
    assert_int_equal(count_runs(dir), 0);
    while ((p = vg_xsort_next(x, NULL)) != NULL) {
        if (n)
            assert_true(memcmp(prev, p, 16) < 0);
        memcpy(prev, p, 16);
        n++;
    }
    assert_false(vg_xsort_failed(x));
    assert_int_equal(n, 25000);
    vg_xsort_free(x);
    tu_rm_rf(dir);
    free(dir);
}

/* The same with 64-bit keys and packed run files of varying record lengths. */
static void store__sort_with_keys_and_packed_runs_dedupes_exactly(void **state)
{
    vg_xsort_spec spec = {.rec_size = 16, .bucket = bucket16, .cmp = cmp16, .memory = 1u << 20, .name = "t",
                          .key = key16, .pack = pack16, .unpack = unpack16};
    (void)state;
    sort_spills_and_dedupes(&spec);
}

/* A fan-in of 3 (fewer open files than runs): merged in passes, the same records in the same order. */
static void store__sort_merges_many_runs_in_passes(void **state)
{
    vg_xsort_spec plain = {.rec_size = 16, .bucket = bucket16, .cmp = cmp16, .memory = 1u << 20, .name = "t",
                           .fanin = 3};
    vg_xsort_spec packed = {.rec_size = 16, .bucket = bucket16, .cmp = cmp16, .memory = 1u << 20, .name = "t",
                            .key = key16, .pack = pack16, .unpack = unpack16, .fanin = 3};
    (void)state;
    sort_spills_and_dedupes(&plain);
    sort_spills_and_dedupes(&packed);
}

static void make_entry(vg_seg_entry *e, uint64_t i)
{
    uint64_t x = i + 1000;
    memset(e, 0, sizeof *e);
    e->mask = VG_SEG_HAS_MD5 | VG_SEG_HAS_SHA256;
    for (int k = 0; k < 2; k++) {
        uint64_t v = rng(&x);
        memcpy(e->md5 + 8 * k, &v, 8);
    }
    for (int k = 0; k < 4; k++) {
        uint64_t v = rng(&x);
        memcpy(e->sha256 + 8 * k, &v, 8);
    }
    e->size = (int64_t)i;
    e->category = e->label = e->profile = e->series = e->source = VG_SEG_NONE;
    e->photodna = VG_SEG_NONE;
    e->severity = e->pdq_quality = -1;
}

/* A segment of n entries in a given version; prefix_bits 0: tables sized to the key count. */
static char *write_segment_as(const char *dir, uint64_t n, unsigned prefix_bits, unsigned version)
{
    char *path = tu_path(dir, "s.seg");
    vg_seg_writer *w;
    vg_seg_entry e;
    vigil_error err;
    assert_int_equal(vg_seg_writer_new(&w, path, dir, 1u << 20, &err), 0);
    if (prefix_bits)
        vg_seg_writer_prefix_bits(w, prefix_bits);
    vg_seg_writer_version(w, version);
    for (uint64_t i = 0; i < n; i++) {
        make_entry(&e, i);
        assert_int_equal(vg_seg_writer_put(w, &e, NULL, &err), 0);
    }
    assert_int_equal(vg_seg_writer_finish(w, "\0", 1, &err), 0);
    vg_seg_writer_free(w);
    return path;
}

static char *write_segment_bits(const char *dir, uint64_t n, unsigned prefix_bits)
{
    return write_segment_as(dir, n, prefix_bits, VG_SEG_VERSION);
}

static char *write_segment(const char *dir, uint64_t n)
{
    return write_segment_bits(dir, n, 0);
}

static void store__segment_finds_every_entry_and_nothing_else(void **state)
{
    char *dir = tu_mkdtemp(), *path = write_segment(dir, 200000);
    vg_segment s;
    vg_seg_entry e;
    vigil_error err;
    (void)state;
    assert_int_equal(vg_seg_open(&s, path, &err), 0);
    assert_int_equal(s.h->entries, 200000);
    assert_int_equal(vg_seg_verify(&s, path, &err), 0);
    for (uint64_t i = 0; i < 200000; i += 7) {
        int64_t row;
        make_entry(&e, i);
        row = vg_seg_find(&s, VG_SEG_SHA256, e.sha256);
        assert_true(row >= 0);
        assert_int_equal(vg_seg_get(&s, (uint32_t)row, &e), 0);
        assert_int_equal(e.size, (int64_t)i);
        make_entry(&e, i);
        assert_int_equal(vg_seg_find(&s, VG_SEG_MD5, e.md5), row);
        assert_int_equal(vg_seg_find(&s, VG_SEG_SHA1, e.sha256), -1); /* no SHA-1 keys at all */
        e.sha256[31] ^= 1;
        assert_int_equal(vg_seg_find(&s, VG_SEG_SHA256, e.sha256), -1);
    }
    vg_seg_close(&s);
    tu_rm_rf(dir);
    free(path);
    free(dir);
}

/* Every prefix width a writer may give finds every entry and nothing else; the width follows the key count. */
static void store__every_prefix_width_finds_every_entry(void **state)
{
    static const unsigned widths[] = {VG_SEG_PREFIX_BITS_MIN, 13, VG_SEG_PREFIX_BITS_V2, 20};
    (void)state;
    assert_int_equal(vg_seg_prefix_bits(0), VG_SEG_PREFIX_BITS_MIN);
    assert_int_equal(vg_seg_prefix_bits(1000), VG_SEG_PREFIX_BITS_MIN);
    assert_int_equal(vg_seg_prefix_bits(20000000), 20); /* 19 keys a slot */
    assert_int_equal(vg_seg_prefix_bits(100000000), 22);
    assert_int_equal(vg_seg_prefix_bits(UINT64_C(1) << 40), VG_SEG_PREFIX_BITS_MAX);
    for (size_t w = 0; w < sizeof widths / sizeof widths[0]; w++) {
        char *dir = tu_mkdtemp(), *path = write_segment_bits(dir, 20000, widths[w]);
        vg_segment s;
        vg_seg_entry e;
        vigil_error err;
        assert_int_equal(vg_seg_open(&s, path, &err), 0);
        for (int a = 0; a < VG_SEG_ALGS; a++)
            assert_int_equal(s.prefix_bits[a], widths[w]);
        /* entries put in no digest's order: no key array is in row order */
        for (int a = 0; a < VG_SEG_ALGS; a++)
            assert_false(s.in_row_order[a]);
        for (uint64_t i = 0; i < 20000; i++) {
            int64_t row;
            make_entry(&e, i);
            row = vg_seg_find(&s, VG_SEG_SHA256, e.sha256);
            assert_true(row >= 0);
            assert_int_equal(vg_seg_get(&s, (uint32_t)row, &e), 0);
            assert_int_equal(e.size, (int64_t)i);
            make_entry(&e, i);
            assert_int_equal(vg_seg_find(&s, VG_SEG_MD5, e.md5), row);
            e.md5[15] ^= 1;
            assert_int_equal(vg_seg_find(&s, VG_SEG_MD5, e.md5), -1);
        }
        vg_seg_close(&s);
        tu_rm_rf(dir);
        free(path);
        free(dir);
    }
}

static int cmp_sha256(const void *a, const void *b)
{
    return memcmp(((const vg_seg_entry *)a)->sha256, ((const vg_seg_entry *)b)->sha256, 32);
}

/*
 * Entries put in SHA-256 order (as an import sorts them by their strongest
 * digest): the header says the SHA-256 keys are in row order, and they are;
 * the MD5 keys are not, and one entry without an MD5 would not change that.
 */
static void store__keys_in_row_order_are_marked(void **state)
{
    char *dir = tu_mkdtemp(), *path = tu_path(dir, "s.seg");
    vg_seg_entry *e = calloc(5000, sizeof *e);
    vg_seg_writer *w;
    vg_segment s;
    vigil_error err;
    (void)state;
    for (uint64_t i = 0; i < 5000; i++)
        make_entry(&e[i], i);
    qsort(e, 5000, sizeof *e, cmp_sha256);
    assert_int_equal(vg_seg_writer_new(&w, path, dir, 1u << 20, &err), 0);
    for (uint64_t i = 0; i < 5000; i++)
        assert_int_equal(vg_seg_writer_put(w, &e[i], NULL, &err), 0);
    assert_int_equal(vg_seg_writer_finish(w, "\0", 1, &err), 0);
    vg_seg_writer_free(w);
    assert_int_equal(vg_seg_open(&s, path, &err), 0);
    assert_int_equal(s.h->row_order, 1u << VG_SEG_SHA256);
    assert_true(s.in_row_order[VG_SEG_SHA256]);
    assert_false(s.in_row_order[VG_SEG_MD5]);
    for (uint64_t k = 0; k < s.nkeys[VG_SEG_SHA256]; k++)
        assert_int_equal(vg_seg_key_row(&s, VG_SEG_SHA256, k), k);
    for (uint64_t i = 0; i < 5000; i += 11) /* and every lookup still answers */
        assert_int_equal(vg_seg_find(&s, VG_SEG_SHA256, e[i].sha256), (int64_t)i);
    vg_seg_close(&s);
    tu_rm_rf(dir);
    free(e);
    free(path);
    free(dir);
}

static void flip(const char *path, long off)
{
    FILE *f = fopen(path, "r+b");
    int c;
    assert_non_null(f);
    fseek(f, off, SEEK_SET);
    c = fgetc(f);
    fseek(f, off, SEEK_SET);
    fputc(c ^ 0x40, f);
    fclose(f);
}

static void store__damaged_segments_are_refused_naming_the_file(void **state)
{
    char *dir = tu_mkdtemp(), *path = write_segment(dir, 1000);
    vg_segment s;
    vigil_error err;
    (void)state;
    flip(path, 5000); /* in the body: open (header only) accepts, verify refuses */
    assert_int_equal(vg_seg_open(&s, path, &err), 0);
    assert_int_equal(vg_seg_verify(&s, path, &err), VIGIL_ESTORE);
    assert_non_null(strstr(err.msg, "body checksum mismatch"));
    assert_non_null(strstr(err.msg, path));
    vg_seg_close(&s);
    flip(path, 5000);
    flip(path, 100); /* a section offset */
    assert_int_equal(vg_seg_open(&s, path, &err), VIGIL_ESTORE);
    assert_non_null(strstr(err.msg, "header checksum mismatch"));
    flip(path, 100);
    flip(path, 0);
    assert_int_equal(vg_seg_open(&s, path, &err), VIGIL_ESTORE);
    assert_non_null(strstr(err.msg, "bad magic"));
    flip(path, 0);
    assert_int_equal(truncate(path, 20000), 0);
    assert_int_equal(vg_seg_open(&s, path, &err), VIGIL_ESTORE);
    assert_non_null(strstr(err.msg, "truncated"));
    assert_non_null(strstr(err.msg, "vigil hashset reindex"));
    tu_rm_rf(dir);
    free(path);
    free(dir);
}

/* Set a segment's version and make its header checksum fit again. */
static void set_version(const char *path, uint32_t version)
{
    FILE *f = fopen(path, "r+b");
    vg_seg_header h;
    vigil_digests dg;
    assert_non_null(f);
    assert_int_equal(fread(&h, sizeof h, 1, f), 1);
    h.version = version;
    vigil_digest_buffer(&dg, &h, offsetof(vg_seg_header, header_sha256), NULL);
    memcpy(h.header_sha256, dg.sha256, 32);
    fseek(f, 0, SEEK_SET);
    assert_int_equal(fwrite(&h, sizeof h, 1, f), 1);
    fclose(f);
}

/*
 * Version 1 and 2 segments (16-bit prefix tables; version 1 without links)
 * are still read; an unknown version is refused, and so is an older version
 * whose prefix tables are not 16-bit.
 */
static void store__version_1_segments_are_read_and_newer_refused(void **state)
{
    char *dir = tu_mkdtemp(), *path = write_segment_as(dir, 1000, VG_SEG_PREFIX_BITS_V2, VG_SEG_VERSION_WIDE);
    vg_segment s;
    vg_seg_entry e;
    vigil_error err;
    (void)state;
    for (uint32_t v = 1; v <= 2; v++) {
        set_version(path, v);
        assert_int_equal(vg_seg_open(&s, path, &err), 0);
        assert_int_equal(s.prefix_bits[VG_SEG_MD5], 16);
        make_entry(&e, 123);
        assert_int_equal(vg_seg_find(&s, VG_SEG_MD5, e.md5), vg_seg_find(&s, VG_SEG_SHA256, e.sha256));
        assert_true(vg_seg_find(&s, VG_SEG_MD5, e.md5) >= 0);
        assert_int_equal(vg_seg_get(&s, (uint32_t)vg_seg_find(&s, VG_SEG_MD5, e.md5), &e), 0);
        assert_int_equal(e.size, 123); /* the wide row */
        vg_seg_close(&s);
    }
    tu_rm_rf(dir);
    free(path);
    free(dir);
    dir = tu_mkdtemp();
    path = write_segment_as(dir, 1000, 0, VG_SEG_VERSION_WIDE); /* version 3: 8-bit tables for 1,000 keys */
    assert_int_equal(vg_seg_open(&s, path, &err), 0);
    assert_int_equal(s.prefix_bits[VG_SEG_MD5], VG_SEG_PREFIX_BITS_MIN);
    vg_seg_close(&s);
    set_version(path, 2);
    assert_int_equal(vg_seg_open(&s, path, &err), VIGIL_ESTORE);
    assert_non_null(strstr(err.msg, "sections out of bounds"));
    set_version(path, VG_SEG_VERSION + 1);
    assert_int_equal(vg_seg_open(&s, path, &err), VIGIL_ESTORE);
    assert_non_null(strstr(err.msg, "unknown version"));
    tu_rm_rf(dir);
    free(path);
    free(dir);
}

/* Feed records straight into the pipeline of a new set and commit it. */
static int pipeline(vigil_store *st, const char *name, vigil_hashset_kind kind, const vg_hs_record *r, size_t n,
                    vigil_import_stats *out)
{
    vigil_import_opts o = {.name = name, .kind = kind, .memory = 1u << 20, .replace = 1};
    vg_import p;
    vg_import_prov prov = {0};
    vg_hs_sink sink;
    char *segment = NULL;
    vigil_error err;
    int rc = vg_import_begin(&p, st, &o, &err);
    if (rc == 0)
        rc = vg_import_file_begin(&p, "records", &err);
    vg_import_sink(&sink, &p);
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = sink.record(sink.ud, &r[i], &err);
    if (rc == 0)
        rc = vg_import_write(&p, &segment, &prov.entries, &err);
    if (rc == 0) {
        *out = p.files[0].stats;
        prov = (vg_import_prov){.opts = &o, .total = out, .sources = "records", .format = "test",
                                .segment = segment, .entries = prov.entries};
        rc = vg_import_commit(st, &prov, &err);
    }
    vg_import_end(&p);
    free(segment);
    return rc;
}

static vg_hs_record rec(const char *md5hex, const char *cat, int severity, const char *extid)
{
    vg_hs_record r;
    vg_hs_record_clear(&r);
    r.has_md5 = 1;
    vg_hex_decode(r.md5, md5hex, 16);
    r.category = cat;
    r.severity = severity;
    r.external_id = extid;
    return r;
}

static int match_md5(vigil_match *m, vigil_store *st, const char *md5hex)
{
    vigil_index *ix;
    uint8_t d[16];
    int found;
    vg_hex_decode(d, md5hex, 16);
    assert_int_equal(vigil_index_open(&ix, st, NULL), 0);
    found = vigil_index_lookup(m, ix, VIGIL_BY_MD5, d);
    if (found && m->category) {
        static char cat[32];
        snprintf(cat, sizeof cat, "%s", m->category);
        m->category = cat;
    }
    vigil_index_close(ix);
    return found;
}

#define MD5_A "0123456789abcdef0123456789abcdef"
#define MD5_B "fedcba9876543210fedcba9876543210"
#define MD5_C "00112233445566778899aabbccddeeff"

static void store__merges_keep_the_most_serious_category_and_apply_retractions(void **state)
{
    char *dir = tu_mkdtemp(), *db = tu_path(dir, "t.db");
    vigil_store *st;
    vigil_import_stats s;
    vigil_match m;
    vg_hs_record r[6];
    (void)state;
    assert_int_equal(vigil_store_open(&st, db, NULL), 0);
    r[0] = rec(MD5_A, "B2", 1, "id-1");
    r[1] = rec(MD5_A, "A1", 3, "id-2");  /* same digest, more serious: kept, a conflict */
    r[2] = rec(MD5_A, "B2", 1, "id-3");
    r[3] = rec(MD5_B, "A2", 2, "id-4");
    r[4] = rec(MD5_C, "A2", 2, "id-5");
    vg_hs_record_clear(&r[5]);            /* the source withdraws id-4 (NCMEC deletedImage) */
    r[5].retract = 1;
    r[5].external_id = "id-4";
    assert_int_equal(pipeline(st, "ncmec", VIGIL_KIND_ILLEGAL, r, 6, &s), 0);
    assert_int_equal(s.records, 6);
    assert_int_equal(s.added, 2);
    assert_int_equal(s.duplicates, 2);
    assert_int_equal(s.conflicts, 2);
    assert_int_equal(s.retracted, 2); /* the retraction and the record it withdrew */
    assert_int_equal(s.records, s.added + s.duplicates + s.skipped_empty + s.rejected + s.retracted);
    assert_int_equal(match_md5(&m, st, MD5_A), 1);
    assert_string_equal(m.category, "A1");
    assert_true(m.flags & VIGIL_MATCH_CONFLICT);
    assert_int_equal(match_md5(&m, st, MD5_B), 0);
    assert_int_equal(match_md5(&m, st, MD5_C), 1);
    assert_int_equal(m.flags, 0);
    vigil_store_close(st);
    tu_rm_rf(dir);
    free(db);
    free(dir);
}

/* What hashset check says about conflicts: "digest detail" of each, in one string. */
static void collect_conflict(void *ud, const char *problem, const char *set, const char *digest_hex, const char *detail)
{
    char *out = ud;
    (void)set;
    if (!strcmp(problem, "conflict"))
        snprintf(out + strlen(out), 512 - strlen(out), "%s %s;", digest_hex ? digest_hex : "-", detail);
}

/*
 * Two records of one file with different strongest digests (MD5+SHA-256 and
 * MD5+SHA-1) stay two entries, linked by their MD5: a lookup by it reports the
 * most serious category whichever row the import gave it, and when the
 * categories differ it is a counted conflict that flags both entries.
 */
static void link_case(const char *sha1_cat, int sha1_sev, const char *sha256_cat, int sha256_sev)
{
    char *dir = tu_mkdtemp(), *db = tu_path(dir, "t.db"), found[512] = "";
    const char *most = sha1_sev > sha256_sev ? sha1_cat : sha256_cat;
    int conflict = strcmp(sha1_cat, sha256_cat) != 0;
    vigil_store *st;
    vigil_import_stats s;
    vigil_match m;
    vigil_index *ix;
    vg_hs_record r[2];
    assert_int_equal(vigil_store_open(&st, db, NULL), 0);
    r[0] = rec(MD5_A, sha256_cat, sha256_sev, NULL);
    r[0].has_sha256 = 1;
    memset(r[0].sha256, 0x5a, 32);
    r[1] = rec(MD5_A, sha1_cat, sha1_sev, NULL);
    r[1].has_sha1 = 1;
    memset(r[1].sha1, 0xa5, 20);
    assert_int_equal(pipeline(st, "vics", VIGIL_KIND_ILLEGAL, r, 2, &s), 0);
    assert_int_equal(s.records, 2);
    assert_int_equal(s.added, 1);      /* one file, one entry counted */
    assert_int_equal(s.duplicates, 1); /* the other record, linked by its MD5 */
    assert_int_equal(s.conflicts, conflict);
    assert_int_equal(s.records, s.added + s.duplicates + s.skipped_empty + s.rejected + s.retracted);
    assert_int_equal(match_md5(&m, st, MD5_A), 1);
    assert_string_equal(m.category, most);
    assert_int_equal(!!(m.flags & VIGIL_MATCH_CONFLICT), conflict);
    /* each entry keeps its own category by its own digest, flagged as well when they disagree */
    assert_int_equal(vigil_index_open(&ix, st, NULL), 0);
    assert_int_equal(vigil_index_lookup(&m, ix, VIGIL_BY_SHA1, r[1].sha1), 1);
    assert_string_equal(m.category, sha1_cat);
    assert_int_equal(!!(m.flags & VIGIL_MATCH_CONFLICT), conflict);
    assert_int_equal(vigil_index_lookup(&m, ix, VIGIL_BY_SHA256, r[0].sha256), 1);
    assert_string_equal(m.category, sha256_cat);
    assert_int_equal(!!(m.flags & VIGIL_MATCH_CONFLICT), conflict);
    vigil_index_close(ix);
    assert_true(vigil_hashset_check(st, collect_conflict, found, NULL) >= 0);
    if (conflict) {
        char want[512];
        snprintf(want, sizeof want, "%s shares its MD5 with 1 entry of another category; kept '%s';", MD5_A, most);
        assert_string_equal(found, want);
    } else {
        assert_string_equal(found, "");
    }
    vigil_store_close(st);
    tu_rm_rf(dir);
    free(db);
    free(dir);
}

static void store__entries_sharing_a_digest_are_linked_most_serious_first(void **state)
{
    (void)state;
    link_case("A1", 3, "B2", 1); /* the SHA-1 record is the more serious */
    link_case("B2", 1, "A1", 3); /* the SHA-256 record is */
    link_case("B2", 1, "B2", 1); /* the same category: merged, no conflict */
}

static void store__an_open_index_keeps_its_view_while_a_set_is_replaced(void **state)
{
    char *dir = tu_mkdtemp(), *db = tu_path(dir, "t.db");
    vigil_store *st;
    vigil_import_stats s;
    vigil_index *before, *after;
    vigil_match m;
    vg_hs_record a = rec(MD5_A, NULL, -1, NULL), b = rec(MD5_B, NULL, -1, NULL);
    uint8_t da[16], db16[16];
    (void)state;
    vg_hex_decode(da, MD5_A, 16);
    vg_hex_decode(db16, MD5_B, 16);
    assert_int_equal(vigil_store_open(&st, db, NULL), 0);
    assert_int_equal(pipeline(st, "set", VIGIL_KIND_ILLEGAL, &a, 1, &s), 0);
    assert_int_equal(vigil_index_open(&before, st, NULL), 0);
    assert_int_equal(pipeline(st, "set", VIGIL_KIND_ILLEGAL, &b, 1, &s), 0); /* version 2, old file unlinked */
    assert_int_equal(vigil_index_open(&after, st, NULL), 0);
    assert_int_equal(vigil_index_lookup(&m, before, VIGIL_BY_MD5, da), 1);
    assert_int_equal(vigil_index_lookup(&m, before, VIGIL_BY_MD5, db16), 0);
    assert_int_equal(vigil_index_lookup(&m, after, VIGIL_BY_MD5, da), 0);
    assert_int_equal(vigil_index_lookup(&m, after, VIGIL_BY_MD5, db16), 1);
    vigil_index_close(before);
    vigil_index_close(after);
    vigil_store_close(st);
    tu_rm_rf(dir);
    free(db);
    free(dir);
}

static void store__batched_lookups_answer_as_single_ones(void **state)
{
    char *dir = tu_mkdtemp(), *db = tu_path(dir, "t.db");
    vigil_store *st;
    vigil_import_stats s;
    vigil_index *ix;
    vg_hs_record *r = calloc(5000, sizeof *r);
    uint8_t *q = malloc(10000 * 16), found[10000];
    vigil_match *m = calloc(10000, sizeof *m), one;
    uint64_t x = 9;
    (void)state;
    for (int i = 0; i < 5000; i++) {
        vg_hs_record_clear(&r[i]);
        r[i].has_md5 = 1;
        for (int k = 0; k < 2; k++) {
            uint64_t v = rng(&x);
            memcpy(r[i].md5 + 8 * k, &v, 8);
        }
        memcpy(q + (size_t)i * 32, r[i].md5, 16);          /* even queries: listed */
        memcpy(q + (size_t)i * 32 + 16, r[i].md5, 16);
        q[(size_t)i * 32 + 16 + 15] ^= 0x80;                /* odd: one bit away, not listed */
    }
    assert_int_equal(vigil_store_open(&st, db, NULL), 0);
    assert_int_equal(pipeline(st, "set", VIGIL_KIND_BENIGN, r, 5000, &s), 0);
    assert_int_equal(vigil_index_open(&ix, st, NULL), 0);
    assert_int_equal(vigil_index_lookup_batch(m, found, ix, VIGIL_BY_MD5, q, 10000), 5000);
    for (int i = 0; i < 10000; i++) {
        assert_int_equal(found[i], i % 2 == 0);
        assert_int_equal(vigil_index_lookup(&one, ix, VIGIL_BY_MD5, q + (size_t)i * 16), found[i]);
    }
    vigil_index_close(ix);
    vigil_store_close(st);
    free(r);
    free(q);
    free(m);
    tu_rm_rf(dir);
    free(db);
    free(dir);
}

/* Digests of generated file f (three algorithms, independent bytes). */
static void file_digests(vigil_digests *d, uint64_t f)
{
    uint64_t x = f * 7919 + 17;
    uint8_t b[72];
    for (int k = 0; k < 9; k++) {
        uint64_t v = rng(&x);
        memcpy(b + 8 * k, &v, 8);
    }
    memcpy(d->md5, b, 16);
    memcpy(d->sha1, b + 16, 20);
    memcpy(d->sha256, b + 36, 32);
}

static vg_hs_record file_rec(uint64_t f, const char *cat, const char *series)
{
    vg_hs_record r;
    vigil_digests d;
    file_digests(&d, f);
    vg_hs_record_clear(&r);
    r.has_md5 = r.has_sha1 = r.has_sha256 = 1;
    memcpy(r.md5, d.md5, 16);
    memcpy(r.sha1, d.sha1, 20);
    memcpy(r.sha256, d.sha256, 32);
    r.category = cat;
    r.series = series;
    return r;
}

static int same_match(const vigil_match *a, const vigil_match *b)
{
    return a->by == b->by && a->kind == b->kind && a->flags == b->flags &&
           !strcmp(a->set ? a->set : "", b->set ? b->set : "") &&
           !strcmp(a->category ? a->category : "", b->category ? b->category : "") &&
           !strcmp(a->series ? a->series : "", b->series ? b->series : "");
}

/*
 * Three sets that overlap, digests listed twice in one set (an MD5 shared by
 * two entries), disputes for one set and for all: a batch answers every
 * query as a single lookup does, and vigil_index_match as the precedence
 * rules over the single lookups say.
 */
static void store__lookups_across_sets_agree_batched_single_and_match(void **state)
{
    char *dir = tu_mkdtemp(), *db = tu_path(dir, "t.db");
    vigil_store *st;
    vigil_import_stats s;
    vigil_index *ix;
    vg_hs_record *r = calloc(400, sizeof *r);
    enum { FILES = 500, Q = 1201 };
    static const int algs[3] = {VIGIL_BY_MD5, VIGIL_BY_SHA1, VIGIL_BY_SHA256};
    static const size_t lens[3] = {16, 20, 32};
    uint8_t *q = malloc((size_t)Q * 32), found[Q];
    uint64_t *which = malloc(Q * sizeof *which), x = 5;
    vigil_match *m = calloc(Q, sizeof *m), one, best, got;
    vigil_digests d;
    char hex[65];
    size_t n;
    (void)state;
    assert_int_equal(vigil_store_open(&st, db, NULL), 0);
    /* illegal: files 0..199, and for every fifth a second entry sharing its MD5 */
    n = 0;
    for (uint64_t f = 0; f < 200; f++)
        r[n++] = file_rec(f, f % 2 ? "A1" : "A2", "s1");
    for (uint64_t f = 0; f < 200; f += 5) {
        vigil_digests other;
        r[n] = file_rec(f, "B1", NULL);
        file_digests(&other, 100000 + f);
        memcpy(r[n].sha1, other.sha1, 20);
        memcpy(r[n].sha256, other.sha256, 32);
        n++;
    }
    assert_int_equal(pipeline(st, "illegal", VIGIL_KIND_ILLEGAL, r, n, &s), 0);
    n = 0;
    for (uint64_t f = 100; f < 300; f++)
        r[n++] = file_rec(f, "i", NULL);
    assert_int_equal(pipeline(st, "interest", VIGIL_KIND_INTEREST, r, n, &s), 0);
    n = 0;
    for (uint64_t f = 150; f < 400; f++)
        r[n++] = file_rec(f, NULL, "nsrl");
    assert_int_equal(pipeline(st, "benign", VIGIL_KIND_BENIGN, r, n, &s), 0);
    file_digests(&d, 10);
    vg_hex_encode(hex, d.sha256, 32);
    assert_int_equal(vigil_hashset_dispute(st, hex, "illegal", "wrongly listed", "t", NULL), 0);
    file_digests(&d, 20);
    vg_hex_encode(hex, d.md5, 16);
    assert_int_equal(vigil_hashset_dispute(st, hex, NULL, "wrongly listed", "t", NULL), 0);
    file_digests(&d, 160);
    vg_hex_encode(hex, d.sha1, 20);
    assert_int_equal(vigil_hashset_dispute(st, hex, "illegal", "wrongly listed", "t", NULL), 0);
    file_digests(&d, 161);
    vg_hex_encode(hex, d.sha1, 20);
    assert_int_equal(vigil_hashset_dispute(st, hex, "illegal", "wrongly listed", "t", NULL), 0);
    assert_int_equal(vigil_index_open(&ix, st, NULL), 0);
    assert_int_equal(vigil_index_sets(ix), 3);

    for (int k = 0; k < 3; k++) {
        size_t hits = 0;
        for (size_t i = 0; i < Q; i++) {
            which[i] = rng(&x) % FILES; /* files 400..499 are in no set */
            file_digests(&d, which[i]);
            memcpy(q + i * lens[k], k == 0 ? d.md5 : k == 1 ? d.sha1 : d.sha256, lens[k]);
        }
        n = vigil_index_lookup_batch(m, found, ix, (vigil_match_by)algs[k], q, Q);
        for (size_t i = 0; i < Q; i++) {
            int single = vigil_index_lookup(&one, ix, (vigil_match_by)algs[k], q + i * lens[k]);
            assert_int_equal(found[i], single);
            /*
             * 10: disputed in its only set, but its MD5 is also another entry's;
             * 20: its MD5 disputed everywhere takes both entries with it out
             */
            assert_int_equal(found[i], which[i] < 400 && which[i] != 20 && !(which[i] == 10 && k != 0));
            if (single)
                assert_true(same_match(&m[i], &one));
            hits += found[i];
        }
        assert_int_equal(n, hits);
    }

    for (uint64_t f = 0; f < FILES; f++) {
        const uint8_t *dg[3];
        int have = 0;
        file_digests(&d, f);
        dg[0] = d.md5;
        dg[1] = d.sha1;
        dg[2] = d.sha256;
        /* precedence: the set first (illegal, interest, benign), then SHA-256, SHA-1, MD5 */
        memset(&best, 0, sizeof best);
        for (int k = 2; k >= 0; k--)
            if (vigil_index_lookup(&one, ix, (vigil_match_by)algs[k], dg[k]) &&
                (!have || one.kind < best.kind)) {
                best = one;
                have = 1;
            }
        assert_int_equal(vigil_index_match(&got, ix, &d), have);
        if (have)
            assert_true(same_match(&got, &best));
        else
            assert_int_equal(got.by, VIGIL_BY_NONE);
    }
    /* what the rules give, spelled out for a few files */
    file_digests(&d, 5); /* illegal, SHA-256 names it; its MD5 run's first entry is a listed one */
    assert_int_equal(vigil_index_match(&got, ix, &d), 1);
    assert_string_equal(got.set, "illegal");
    assert_int_equal(got.by, VIGIL_BY_SHA256);
    assert_string_equal(got.category, "A1");
    file_digests(&d, 170); /* illegal and benign: flagged for a person */
    assert_int_equal(vigil_index_match(&got, ix, &d), 1);
    assert_string_equal(got.set, "illegal");
    assert_true(got.flags & VIGIL_MATCH_ALSO_BENIGN);
    file_digests(&d, 161); /* disputed in the illegal set only: the next set answers */
    assert_int_equal(vigil_index_match(&got, ix, &d), 1);
    assert_string_equal(got.set, "interest");
    /* disputed in the illegal set, where another entry has the same MD5: that one answers */
    file_digests(&d, 160);
    assert_int_equal(vigil_index_match(&got, ix, &d), 1);
    assert_string_equal(got.set, "illegal");
    assert_int_equal(got.by, VIGIL_BY_MD5);
    assert_string_equal(got.category, "B1");
    file_digests(&d, 10);
    assert_int_equal(vigil_index_match(&got, ix, &d), 1);
    assert_int_equal(got.by, VIGIL_BY_MD5);
    assert_string_equal(got.category, "B1");
    file_digests(&d, 20); /* MD5 disputed everywhere: the entry is out, its SHA-1 and SHA-256 too */
    assert_int_equal(vigil_index_match(&got, ix, &d), 0);
    file_digests(&d, 350);
    assert_int_equal(vigil_index_match(&got, ix, &d), 1);
    assert_string_equal(got.set, "benign");
    assert_string_equal(got.series, "nsrl");
    vigil_index_close(ix);
    vigil_store_close(st);
    free(r);
    free(q);
    free(which);
    free(m);
    tu_rm_rf(dir);
    free(db);
    free(dir);
}

/*
 * One file listed in two illegal sets with different categories and in a
 * benign set: every match is listed, winner first, with its listed record,
 * and the two illegal ones flagged as disagreeing. A dispute of its MD5 in
 * the set that also lists its PDQ takes it out there by every digest and by
 * the PDQ, and the item is told which dispute applied; a digest in no set
 * and a second dispute of the record are refused; undispute names it.
 */
static void store__every_match_and_disputes_everywhere(void **state)
{
    char *dir = tu_mkdtemp(), *db = tu_path(dir, "t.db");
    vigil_store *st;
    vigil_import_stats s;
    vigil_index *ix;
    vigil_pdq_matcher *pm;
    vigil_pdq_hash q[VIGIL_PDQ__DIHEDRAL];
    vigil_pdq_hit hit;
    vigil_match all[VIGIL_MATCHES_MAX], win;
    vigil_dispute_applied applied[4];
    vigil_dispute *lifted;
    vg_hs_record r[2];
    vigil_digests d;
    vigil_error err;
    char hex[65];
    size_t n;
    (void)state;
    assert_int_equal(vigil_store_open(&st, db, NULL), 0);
    r[0] = file_rec(1, "A", NULL);
    r[0].has_pdq = 1;
    memset(r[0].pdq, 0x5a, 32);
    r[0].pdq_quality = 90;
    r[1] = file_rec(2, "A", NULL);
    assert_int_equal(pipeline(st, "x", VIGIL_KIND_ILLEGAL, r, 2, &s), 0);
    r[0] = file_rec(1, "B", NULL);
    assert_int_equal(pipeline(st, "y", VIGIL_KIND_ILLEGAL, r, 1, &s), 0);
    r[0] = file_rec(1, NULL, NULL);
    assert_int_equal(pipeline(st, "z", VIGIL_KIND_BENIGN, r, 1, &s), 0);

    file_digests(&d, 1);
    assert_int_equal(vigil_index_open(&ix, st, NULL), 0);
    assert_int_equal(vigil_index_match(&win, ix, &d), 1);
    n = vigil_index_match_all(all, VIGIL_MATCHES_MAX, ix, &d);
    assert_int_equal(n, 3);
    assert_string_equal(all[0].set, win.set);
    assert_int_equal(all[0].by, win.by);
    assert_string_equal(all[0].set, "x");
    assert_string_equal(all[1].set, "y");
    assert_string_equal(all[2].set, "z");
    assert_true(all[0].flags & VIGIL_MATCH_SETS_DISAGREE);
    assert_true(all[1].flags & VIGIL_MATCH_SETS_DISAGREE);
    assert_false(all[2].flags & VIGIL_MATCH_SETS_DISAGREE); /* no category to disagree with */
    assert_int_equal(all[0].version, 1);
    assert_string_equal(all[0].record_source, "records");
    assert_int_equal(all[0].record_line, 1);
    assert_int_equal(all[0].record_mask, VIGIL_RECORD_MD5 | VIGIL_RECORD_SHA1 | VIGIL_RECORD_SHA256 | VIGIL_RECORD_PDQ);
    assert_memory_equal(all[0].md5, d.md5, 16);
    assert_int_equal(all[0].pdq[0], 0x5a);
    assert_int_equal(vigil_index_disputes_applied(applied, 4, ix, &d, NULL, 0), 0);
    file_digests(&d, 2); /* one set only: nothing to disagree with */
    assert_int_equal(vigil_index_match_all(all, VIGIL_MATCHES_MAX, ix, &d), 1);
    assert_int_equal(all[0].flags, 0);
    assert_int_equal(all[0].record_line, 2);
    vigil_index_close(ix);

    for (int v = 0; v < VIGIL_PDQ__DIHEDRAL; v++)
        memset(q[v].b, 0x5a, 32);
    assert_int_equal(vigil_pdq_matcher_open(&pm, st, NULL), 0);
    assert_int_equal(vigil_pdq_matcher_search(pm, q, 0, &hit), 1);
    assert_string_equal(hit.match.set, "x"); /* a near match names its record */
    assert_string_equal(hit.match.record_source, "records");
    assert_int_equal(hit.match.record_line, 1);
    file_digests(&d, 1);
    assert_memory_equal(hit.match.md5, d.md5, 16);
    vigil_pdq_matcher_close(pm);

    vg_hex_encode(hex, d.md5, 16);
    assert_int_equal(vigil_hashset_dispute(st, hex, "x", "wrongly listed", "t", NULL), 0);
    assert_int_equal(vigil_index_open(&ix, st, NULL), 0);
    n = vigil_index_match_all(all, VIGIL_MATCHES_MAX, ix, &d);
    assert_int_equal(n, 2); /* out of x by its SHA-256 and SHA-1 as well */
    assert_string_equal(all[0].set, "y");
    assert_int_equal(vigil_index_disputes_applied(applied, 4, ix, &d, NULL, 0), 1);
    assert_string_equal(applied[0].digest, hex);
    assert_string_equal(applied[0].set, "x");
    assert_string_equal(applied[0].record_set, "x");
    assert_string_equal(applied[0].reason, "wrongly listed");
    assert_string_equal(applied[0].by, "t");
    assert_non_null(applied[0].at);
    file_digests(&d, 7); /* a picture like the record's, by its PDQ alone */
    assert_int_equal(vigil_index_disputes_applied(applied, 4, ix, &d, q, 0), 1);
    assert_int_equal(vigil_index_disputes_applied(applied, 4, ix, &d, NULL, 0), 0);
    vigil_index_close(ix);
    assert_int_equal(vigil_pdq_matcher_open(&pm, st, NULL), 0);
    assert_int_equal(vigil_pdq_matcher_search(pm, q, 0, &hit), 0); /* its PDQ is out too */
    assert_int_equal(vigil_pdq_matcher_search_all(pm, q, 31, all, VIGIL_MATCHES_MAX), 0);
    vigil_pdq_matcher_close(pm);

    file_digests(&d, 1);
    vg_hex_encode(hex, d.sha1, 20);
    assert_int_equal(vigil_hashset_dispute(st, hex, "x", "again", "t", &err), VIGIL_EEXISTS);
    assert_non_null(strstr(err.msg, "already disputed"));
    assert_int_equal(vigil_hashset_dispute(st, "00112233445566778899aabbccddeeff", NULL, "never listed", "t", &err),
                     VIGIL_ENOTFOUND);
    assert_non_null(strstr(err.msg, "is in no hash set"));
    vg_hex_encode(hex, d.md5, 16);
    assert_int_equal(vigil_hashset_undispute_lifted(st, hex, "u", &lifted, &n, NULL), 0);
    assert_int_equal(n, 1);
    assert_string_equal(lifted[0].digest, hex);
    assert_string_equal(lifted[0].set, "x");
    assert_string_equal(lifted[0].reason, "wrongly listed");
    assert_string_equal(lifted[0].disputed_by, "t");
    vigil_dispute_free(lifted, n);
    vigil_store_close(st);
    tu_rm_rf(dir);
    free(db);
    free(dir);
}

static void store__weak_pdq_entries_flag_their_matches(void **state)
{
    vigil_pdq_entry e[2];
    vigil_pdq_matcher *m;
    vigil_pdq_hash q[VIGIL_PDQ__DIHEDRAL];
    vigil_pdq_hit hit;
    (void)state;
    memset(e, 0, sizeof e);
    memset(e[0].hash.b, 0x5a, 32);
    memset(e[1].hash.b, 0xa5, 32);
    e[0].quality = 30;
    e[1].quality = 90;
    e[0].kind = e[1].kind = VIGIL_KIND_ILLEGAL;
    e[0].set = e[1].set = "pdq";
    assert_int_equal(vigil_pdq_matcher_from_entries(&m, e, 2, NULL), 0);
    for (int v = 0; v < VIGIL_PDQ__DIHEDRAL; v++)
        q[v] = e[0].hash;
    assert_int_equal(vigil_pdq_matcher_search(m, q, 31, &hit), 1);
    assert_int_equal(hit.match.flags, VIGIL_MATCH_LOW_QUALITY);
    for (int v = 0; v < VIGIL_PDQ__DIHEDRAL; v++)
        q[v] = e[1].hash;
    assert_int_equal(vigil_pdq_matcher_search(m, q, 31, &hit), 1);
    assert_int_equal(hit.match.flags, 0);
    vigil_pdq_matcher_close(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(store__sort_spills_in_a_small_bound_and_dedupes_exactly),
        cmocka_unit_test(store__sort_with_keys_and_packed_runs_dedupes_exactly),
        cmocka_unit_test(store__sort_within_the_bound_writes_no_run),
        cmocka_unit_test(store__sort_merges_many_runs_in_passes),
        cmocka_unit_test(store__segment_finds_every_entry_and_nothing_else),
        cmocka_unit_test(store__every_prefix_width_finds_every_entry),
        cmocka_unit_test(store__keys_in_row_order_are_marked),
        cmocka_unit_test(store__damaged_segments_are_refused_naming_the_file),
        cmocka_unit_test(store__version_1_segments_are_read_and_newer_refused),
        cmocka_unit_test(store__merges_keep_the_most_serious_category_and_apply_retractions),
        cmocka_unit_test(store__entries_sharing_a_digest_are_linked_most_serious_first),
        cmocka_unit_test(store__an_open_index_keeps_its_view_while_a_set_is_replaced),
        cmocka_unit_test(store__batched_lookups_answer_as_single_ones),
        cmocka_unit_test(store__lookups_across_sets_agree_batched_single_and_match),
        cmocka_unit_test(store__weak_pdq_entries_flag_their_matches),
        cmocka_unit_test(store__every_match_and_disputes_everywhere),
    };
    return tu_run_tests("store", tests, NULL, NULL);
}

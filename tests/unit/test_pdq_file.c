/*
 * pdq_file: the PDQ index on disk beside each segment (`<segment>.pdqx`).
 * A store of several sets (two large enough for an index, one searched
 * linearly) with planted entries at every distance 0..41 from each query
 * orientation: what the matcher finds through the mapped files must equal a
 * brute force over the listed entries, and the matcher's own linear scan,
 * at radii 0, 8 and 31. Damaged, truncated, foreign and missing files are
 * refused with a line naming the file and written again; disputes take
 * entries out without touching the file. Nothing here depends on timing.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "core/hex.h"
#include "pdqindex/pdq_file.h"
#include "match/pdq_match_int.h"
#include "vigil/hashset.h"
#include "vigil/index.h"
#include "vigil/log.h"
#include "vigil/pdq_match.h"
#include "pdqgen.h"

#define NQUERIES 6      /* the first NPLANTED with planted entries */
#define NPLANTED 3
#define PLANT_MAX 41
#define MAX_ENTRIES 40000
#define MAX_HITS 8192

typedef struct listed {
    vigil_pdq_hash h;
    int set;            /* index into set_names */
    uint32_t serial;    /* its MD5 is this number */
    int disputed;
} listed;

static const char *set_names[] = {"alpha", "beta", "gamma"};
static const vigil_hashset_kind set_kinds[] = {VIGIL_KIND_ILLEGAL, VIGIL_KIND_INTEREST, VIGIL_KIND_ILLEGAL};
static const int set_random[] = {20000, 17000, 60}; /* gamma: too small for an index */

static pdqgen gen; /* seeded per fixture */
static listed entries[MAX_ENTRIES];
static size_t nentries;
static vigil_pdq_hash queries[NQUERIES][VIGIL_PDQ__DIHEDRAL];
static char *dir, *db;
static char notices[4096];

static void on_log(vigil_log_level level, const char *msg, void *ud)
{
    (void)level, (void)ud;
    strncat(notices, msg, sizeof notices - strlen(notices) - 2);
    strcat(notices, "\n");
}

static void add(int set, const vigil_pdq_hash *h)
{
    assert_true(nentries < MAX_ENTRIES);
    entries[nentries] = (listed){*h, set, (uint32_t)nentries + 1, 0};
    nentries++;
}

static void md5_hex(char out[33], uint32_t serial)
{
    snprintf(out, 33, "%032x", serial);
}

/* The set's entries as a hashdeep list with a PDQ column. */
static void import_set(vigil_store *st, int set)
{
    char name[32], *path;
    FILE *f;
    vigil_import_stats s;
    vigil_error err;
    vigil_import_opts o = {.name = set_names[set], .kind = set_kinds[set], .format = VIGIL_FORMAT_HASHDEEP,
                           .category = "A1"};
    const char *files[1];
    snprintf(name, sizeof name, "%s.txt", set_names[set]);
    path = tu_path(dir, name);
    assert_non_null(f = fopen(path, "w"));
    fprintf(f, "%%%%%%%% HASHDEEP-1.0\n%%%%%%%% size,md5,sha1,sha256,pdq,filename\n");
    for (size_t i = 0; i < nentries; i++) {
        char md5[33], pdq[65];
        if (entries[i].set != set)
            continue;
        md5_hex(md5, entries[i].serial);
        vg_hex_encode(pdq, entries[i].h.b, 32);
        fprintf(f, "1,%s,%040x,%064x,%s,/e/%u.jpg\n", md5, entries[i].serial, entries[i].serial, pdq,
                entries[i].serial);
    }
    fclose(f);
    files[0] = path;
    if (vigil_hashset_import(&s, st, files, 1, &o, &err) != 0)
        fail_msg("%s", err.msg);
    free(path);
}

/* Random entries per set; for each planted query and orientation, entries at every distance 0..PLANT_MAX. */
static void make_store(uint64_t seed)
{
    vigil_store *st;
    vigil_error err;
    gen.state = seed;
    nentries = 0;
    for (int q = 0; q < NQUERIES; q++)
        for (int v = 0; v < VIGIL_PDQ__DIHEDRAL; v++)
            pdqgen_hash(&gen, &queries[q][v]);
    for (int set = 0; set < 3; set++) {
        for (int i = 0; i < set_random[set]; i++) {
            vigil_pdq_hash h;
            pdqgen_hash(&gen, &h);
            add(set, &h);
        }
        for (int q = 0; q < NPLANTED; q++)
            for (int v = 0; v < VIGIL_PDQ__DIHEDRAL; v++)
                for (int d = (set == 2 ? 20 : 0); d <= PLANT_MAX; d += (set == 2 ? 7 : 1)) {
                    vigil_pdq_hash h = queries[q][v];
                    pdqgen_flip(&gen, &h, d);
                    add(set, &h);
                }
    }
    dir = tu_mkdtemp();
    db = tu_path(dir, "store.db");
    if (vigil_store_open(&st, db, &err) != 0)
        fail_msg("%s", err.msg);
    for (int set = 0; set < 3; set++)
        import_set(st, set);
    vigil_store_close(st);
}

static int setup(void **state)
{
    (void)state;
    vigil_log_set(on_log, NULL);
    make_store(7);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    vigil_log_set(NULL, NULL);
    tu_rm_rf(dir);
    free(dir);
    free(db);
    return 0;
}

/* The index files in the store's folder, by full path (at most 8). */
static size_t pdqx_files(char *out[8])
{
    char *sets = tu_path(dir, "store.db.sets");
    DIR *d = opendir(sets);
    struct dirent *e;
    size_t n = 0;
    assert_non_null(d);
    while ((e = readdir(d)) != NULL && n < 8) {
        size_t len = strlen(e->d_name);
        if (len > 5 && !strcmp(e->d_name + len - 5, ".pdqx"))
            out[n++] = tu_path(sets, e->d_name);
    }
    closedir(d);
    free(sets);
    return n;
}

static void free_paths(char **p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(p[i]);
}

static off_t file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? sb.st_size : -1;
}

typedef struct found {
    int set, d, v;
    uint8_t h[32];
} found;

static int cmp_found(const void *pa, const void *pb)
{
    const found *a = pa, *b = pb;
    if (a->set != b->set)
        return a->set - b->set;
    if (a->d != b->d)
        return a->d - b->d;
    if (a->v != b->v)
        return a->v - b->v;
    return memcmp(a->h, b->h, 32);
}

static int set_of(const char *name)
{
    for (int i = 0; i < 3; i++)
        if (!strcmp(name, set_names[i]))
            return i;
    fail_msg("unknown set %s", name);
    return -1;
}

/* Per listed entry not disputed: its best (distance, orientation) within r of query q. */
static size_t brute_force(found *out, int q, int r)
{
    size_t n = 0;
    for (size_t i = 0; i < nentries; i++) {
        int best = -1, bv = 0;
        if (entries[i].disputed)
            continue;
        for (int v = 0; v < VIGIL_PDQ__DIHEDRAL; v++) {
            int d = vigil_pdq_distance(&entries[i].h, &queries[q][v]);
            if (d <= r && (best < 0 || d < best)) {
                best = d;
                bv = v;
            }
        }
        if (best >= 0) {
            out[n] = (found){entries[i].set, best, bv, {0}};
            memcpy(out[n].h, entries[i].h.b, 32);
            n++;
        }
    }
    qsort(out, n, sizeof *out, cmp_found);
    return n;
}

static size_t matched(found *out, const vigil_pdq_matcher *m, int q, int r)
{
    static vigil_match all[MAX_HITS];
    size_t n = vigil_pdq_matcher_search_all(m, queries[q], r, all, MAX_HITS);
    assert_true(n < MAX_HITS);
    for (size_t i = 0; i < n; i++) {
        out[i] = (found){set_of(all[i].set), all[i].distance, all[i].dihedral, {0}};
        memcpy(out[i].h, all[i].pdq, 32);
        assert_string_equal(all[i].category, "A1");
        assert_int_equal(all[i].kind, set_kinds[out[i].set]);
    }
    qsort(out, n, sizeof *out, cmp_found);
    return n;
}

typedef struct pairs {
    uint64_t *v;
    size_t n;
} pairs;

static void take_pair(void *ud, uint32_t id, int v, int d)
{
    pairs *p = ud;
    assert_true(p->n < 4 * MAX_HITS);
    p->v[p->n++] = (uint64_t)id << 16 | (uint64_t)v << 8 | (uint64_t)d;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* The matcher against brute force over the listed entries, and its index against its own linear scan. */
static void assert_exact(const vigil_pdq_matcher *m)
{
    static found want[MAX_HITS], got[MAX_HITS];
    static uint64_t a[4 * MAX_HITS], b[4 * MAX_HITS];
    static const int radii[] = {0, 8, 31};
    for (int q = 0; q < NQUERIES; q++)
        for (size_t ri = 0; ri < sizeof radii / sizeof radii[0]; ri++) {
            int r = radii[ri];
            size_t nw = brute_force(want, q, r), ng = matched(got, m, q, r);
            pairs pi = {a, 0}, pl = {b, 0};
            assert_int_equal(ng, nw);
            assert_memory_equal(got, want, nw * sizeof *want);
            vg_pdq_matcher_each(m, queries[q], r, take_pair, &pi);
            vg_pdq_matcher_each_linear(m, queries[q], r, take_pair, &pl);
            qsort(a, pi.n, sizeof *a, cmp_u64);
            qsort(b, pl.n, sizeof *b, cmp_u64);
            assert_int_equal(pi.n, pl.n);
            assert_memory_equal(a, b, pi.n * sizeof *a);
            if (q < NPLANTED) /* planted entries at every distance: at least one per orientation per large set */
                assert_true(nw >= (size_t)(r + 1) * 2);
        }
}

static vigil_pdq_matcher *open_matcher(void)
{
    vigil_store *st;
    vigil_pdq_matcher *m;
    vigil_error err;
    if (vigil_store_open(&st, db, &err) != 0)
        fail_msg("%s", err.msg);
    if (vigil_pdq_matcher_open(&m, st, &err) != 0)
        fail_msg("%s", err.msg);
    vigil_store_close(st);
    return m;
}

static size_t live_entries(void)
{
    size_t n = 0;
    for (size_t i = 0; i < nentries; i++)
        n += !entries[i].disputed;
    return n;
}

/* The import wrote an index beside each large segment; it maps back to the segment's own entries. */
static void pdq_file__written_by_import_round_trip(void **state)
{
    char *files[8], *seg;
    size_t n = pdqx_files(files);
    vigil_pdq_matcher *m;
    vigil_pdq_matcher_info info;
    (void)state;
    assert_int_equal(n, 2); /* alpha and beta; gamma is searched linearly with no file */
    for (size_t i = 0; i < n; i++) {
        vg_segment s;
        vg_pdqx x;
        vigil_error err;
        seg = strndup(files[i], strlen(files[i]) - 5);
        assert_int_equal(vg_seg_open(&s, seg, &err), 0);
        if (vg_pdqx_open(&x, seg, &s, &err) != 0)
            fail_msg("%s", err.msg);
        assert_int_equal(x.n, s.npdq);
        assert_int_equal(x.h->chunks, vg_pdq_index_chunks(x.idx));
        for (size_t k = 0; k < x.n; k++) {
            vg_pdq_words w;
            vigil_pdq_hash h;
            int8_t q;
            assert_int_equal(vg_seg_pdq(&s, x.rows[k], h.b, &q), 0);
            vg_pdq_words_of(&w, &h);
            assert_memory_equal(&w, &x.words[k], sizeof w);
        }
        if (vg_pdqx_verify(&x, &s, files[i], &err) != 0)
            fail_msg("%s", err.msg);
        vg_pdqx_close(&x);
        vg_seg_close(&s);
        free(seg);
    }
    free_paths(files, n);
    notices[0] = 0;
    m = open_matcher();
    assert_string_equal(notices, ""); /* nothing built, nothing to say */
    vigil_pdq_matcher_info_get(&info, m);
    assert_string_equal(info.structure, "index");
    assert_int_equal(info.entries, live_entries());
    assert_true(info.mapped > 0);
    vigil_pdq_matcher_close(m);
}

static void pdq_file__exact_at_radius_31_over_sets(void **state)
{
    vigil_pdq_matcher *m = open_matcher();
    (void)state;
    assert_exact(m);
    vigil_pdq_matcher_close(m);
}

/* The same best hits as today's in-memory index built from the same entries. */
static void pdq_file__same_best_hits_as_in_memory_index(void **state)
{
    vigil_pdq_entry *e = calloc(nentries, sizeof *e);
    vigil_pdq_matcher *disk = open_matcher(), *mem;
    vigil_error err;
    size_t n = 0;
    (void)state;
    assert_non_null(e);
    for (size_t i = 0; i < nentries; i++)
        if (!entries[i].disputed)
            e[n++] = (vigil_pdq_entry){entries[i].h, -1, set_kinds[entries[i].set], set_names[entries[i].set], "A1",
                                       NULL};
    if (vigil_pdq_matcher_from_entries_as(&mem, e, n, VIGIL_PDQ_INDEX, &err) != 0)
        fail_msg("%s", err.msg);
    for (int q = 0; q < NQUERIES; q++)
        for (int r = 0; r <= 31; r += 31) {
            vigil_pdq_hit a, b;
            assert_int_equal(vigil_pdq_matcher_search(disk, queries[q], r, &a),
                             vigil_pdq_matcher_search(mem, queries[q], r, &b));
            assert_int_equal(a.match.kind, b.match.kind);
            assert_int_equal(a.match.distance, b.match.distance);
            assert_int_equal(a.dihedral, b.dihedral);
            if (a.match.by == VIGIL_BY_PDQ)
                assert_int_equal(vigil_pdq_distance(&a.entry, &queries[q][a.dihedral]), a.match.distance);
        }
    vigil_pdq_matcher_close(mem);
    vigil_pdq_matcher_close(disk);
    free(e);
}

/* Overwrite len bytes at off of path with garbage. */
static void damage(const char *path, long off, size_t len)
{
    FILE *f = fopen(path, "r+b");
    uint8_t junk[64];
    assert_non_null(f);
    assert_true(len <= sizeof junk);
    for (size_t i = 0; i < len; i++)
        junk[i] = (uint8_t)(0xa5 ^ i);
    assert_int_equal(fseek(f, off, SEEK_SET), 0);
    assert_int_equal(fwrite(junk, 1, len, f), len);
    fclose(f);
}

static void copy_file(const char *from, const char *to)
{
    FILE *a = fopen(from, "rb"), *b = fopen(to, "wb");
    char buf[65536];
    size_t k;
    assert_non_null(a);
    assert_non_null(b);
    while ((k = fread(buf, 1, sizeof buf, a)) > 0)
        assert_int_equal(fwrite(buf, 1, k, b), k);
    fclose(a);
    fclose(b);
}

/* Open the store's matcher; the notice must name the file and say why; the file is whole again after. */
static void expect_rewritten(const char *path, off_t size, const char *why)
{
    vigil_pdq_matcher *m;
    notices[0] = 0;
    m = open_matcher();
    if (!strstr(notices, path) || !strstr(notices, why))
        fail_msg("notice '%s' should name %s and say '%s'", notices, path, why);
    assert_int_equal(strchr(notices, '\n') - notices + 1, (long)strlen(notices)); /* one line */
    assert_int_equal(file_size(path), size);
    assert_exact(m);
    vigil_pdq_matcher_close(m);
    notices[0] = 0;
    m = open_matcher(); /* now accepted as it is */
    assert_string_equal(notices, "");
    vigil_pdq_matcher_close(m);
}

static void pdq_file__damaged_truncated_foreign_missing_rewritten(void **state)
{
    char *files[8];
    size_t n = pdqx_files(files);
    off_t size;
    (void)state;
    assert_int_equal(n, 2);
    size = file_size(files[0]);
    assert_int_equal(truncate(files[0], size / 2), 0);
    expect_rewritten(files[0], size, "truncated");
    damage(files[0], 40, 8); /* the segment's size it names */
    expect_rewritten(files[0], size, "header checksum mismatch");
    damage(files[0], 0, 4);
    expect_rewritten(files[0], size, "bad magic");
    damage(files[0], 4096, 32); /* the first hash: one of the sampled entries */
    expect_rewritten(files[0], size, "entries differ from the segment's");
    {
        char *keep = tu_path(dir, "keep.pdqx");
        off_t size1 = file_size(files[1]);
        copy_file(files[1], keep);
        copy_file(files[0], files[1]); /* alpha's index beside beta's segment */
        expect_rewritten(files[1], size1, "made for another segment");
        free(keep);
    }
    assert_int_equal(unlink(files[0]), 0);
    expect_rewritten(files[0], size, "no PDQ index beside the segment");
    free_paths(files, n);
}

/* A damaged table passes the open's checks: the full check (reindex) finds it and writes the file again. */
static void pdq_file__reindex_checks_whole_file(void **state)
{
    char *files[8];
    size_t n = pdqx_files(files);
    vigil_store *st;
    vigil_error err;
    vg_segment s;
    vg_pdqx x;
    char *seg = strndup(files[0], strlen(files[0]) - 5);
    long at;
    vigil_pdq_matcher *m;
    (void)state;
    assert_int_equal(vg_seg_open(&s, seg, &err), 0);
    assert_int_equal(vg_pdqx_open(&x, seg, &s, &err), 0);
    at = (long)x.h->table_off[3] + 4096 * 3;
    vg_pdqx_close(&x);
    damage(files[0], at, 16);
    assert_int_equal(vg_pdqx_open(&x, seg, &s, &err), 0); /* the open's checks do not read the tables */
    assert_int_equal(vg_pdqx_verify(&x, &s, files[0], &err), VIGIL_ESTORE);
    assert_non_null(strstr(err.msg, files[0]));
    assert_non_null(strstr(err.msg, "checksum mismatch"));
    vg_pdqx_close(&x);
    m = open_matcher(); /* a damaged table cannot make a search read outside it (under the sanitizers) */
    for (int q = 0; q < NQUERIES; q++) {
        static vigil_match all[MAX_HITS];
        (void)vigil_pdq_matcher_search_all(m, queries[q], 31, all, MAX_HITS);
    }
    vigil_pdq_matcher_close(m);
    if (vigil_store_open(&st, db, &err) != 0)
        fail_msg("%s", err.msg);
    if (vigil_index_build(st, &err) != 0)
        fail_msg("%s", err.msg);
    vigil_store_close(st);
    assert_int_equal(vg_pdqx_open(&x, seg, &s, &err), 0);
    if (vg_pdqx_verify(&x, &s, files[0], &err) != 0)
        fail_msg("%s", err.msg);
    vg_pdqx_close(&x);
    vg_seg_close(&s);
    free(seg);
    free_paths(files, n);
}

/* Disputes take entries out of the results; the index files stay as they are. */
static void pdq_file__disputes_honoured(void **state)
{
    char *files[8], hex[33];
    size_t n = pdqx_files(files), picked = 0;
    struct stat before[8], after;
    vigil_store *st;
    vigil_error err;
    vigil_pdq_matcher *m;
    (void)state;
    for (size_t i = 0; i < n; i++)
        assert_int_equal(stat(files[i], &before[i]), 0);
    if (vigil_store_open(&st, db, &err) != 0)
        fail_msg("%s", err.msg);
    /* planted entries of query 0 at small distances, in each set */
    for (size_t i = 0; i < nentries && picked < 6; i++)
        if (vigil_pdq_distance(&entries[i].h, &queries[0][i % 8]) <= 3 && !entries[i].disputed) {
            md5_hex(hex, entries[i].serial);
            if (vigil_hashset_dispute(st, hex, set_names[entries[i].set], "wrongly listed", "t", &err) != 0)
                fail_msg("%s", err.msg);
            entries[i].disputed = 1;
            picked++;
        }
    assert_int_equal(picked, 6);
    vigil_store_close(st);
    m = open_matcher();
    assert_int_equal(vigil_pdq_matcher_entries(m), live_entries());
    assert_exact(m);
    vigil_pdq_matcher_close(m);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(stat(files[i], &after), 0);
        assert_int_equal(after.st_ino, before[i].st_ino);
        assert_int_equal(after.st_mtime, before[i].st_mtime);
    }
    free_paths(files, n);
}

/*
 * Where the file cannot be written the index is built in memory for the run,
 * with a notice. A folder in the file's place stops the rename even for root.
 */
static void pdq_file__unwritable_builds_in_memory(void **state)
{
    char *files[8];
    size_t n = pdqx_files(files);
    vigil_pdq_matcher *m;
    vigil_pdq_matcher_info info;
    (void)state;
    assert_int_equal(unlink(files[1]), 0);
    assert_int_equal(mkdir(files[1], 0755), 0);
    notices[0] = 0;
    m = open_matcher();
    if (!strstr(notices, "built in memory") || !strstr(notices, files[1]))
        fail_msg("notice: %s", notices);
    vigil_pdq_matcher_info_get(&info, m);
    assert_true(info.bytes > 17000 * 32);
    assert_string_equal(info.structure, "index");
    assert_exact(m);
    vigil_pdq_matcher_close(m);
    assert_int_equal(rmdir(files[1]), 0);
    free_paths(files, n);
}

/* Removing a set removes its index file. */
static void pdq_file__removed_with_its_set(void **state)
{
    char *files[8];
    size_t before, after;
    vigil_store *st;
    vigil_error err;
    vigil_pdq_matcher *m = open_matcher(); /* writes any missing file */
    (void)state;
    vigil_pdq_matcher_close(m);
    before = pdqx_files(files);
    free_paths(files, before);
    if (vigil_store_open(&st, db, &err) != 0)
        fail_msg("%s", err.msg);
    if (vigil_hashset_remove(st, "alpha", &err) != 0)
        fail_msg("%s", err.msg);
    vigil_store_close(st);
    after = pdqx_files(files);
    free_paths(files, after);
    assert_int_equal(before, 2);
    assert_int_equal(after, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pdq_file__written_by_import_round_trip),
        cmocka_unit_test(pdq_file__exact_at_radius_31_over_sets),
        cmocka_unit_test(pdq_file__same_best_hits_as_in_memory_index),
        cmocka_unit_test(pdq_file__damaged_truncated_foreign_missing_rewritten),
        cmocka_unit_test(pdq_file__reindex_checks_whole_file),
        cmocka_unit_test(pdq_file__disputes_honoured),
        cmocka_unit_test(pdq_file__unwritable_builds_in_memory),
        cmocka_unit_test(pdq_file__removed_with_its_set),
    };
    return tu_run_tests("pdq_file", tests, setup, teardown);
}

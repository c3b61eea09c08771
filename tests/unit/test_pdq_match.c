/*
 * pdq_match: PDQ hash lists (parsing and import), the refusal and upgrade of
 * a version 1 store, and the near-match rules of the linear matcher.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "formats/parse_lines.h"
#include "vigil/hashset.h"
#include "vigil/index.h"
#include "vigil/pdq_match.h"
#include "vigil/scan.h"

#define H1 "d8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22"
#define H2 "cfec1e23e6ece0e43976c77e1c010081830f1833e1fbe1d81e138e4cecc97ef6"
#define ZERO "0000000000000000000000000000000000000000000000000000000000000000"

static int parse(vg_lines *p, const char *line, vg_hash_record *r, char *why)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", line);
    return vg_lines_parse(p, buf, strlen(buf), r, why, 256);
}

static void pdq_match__pdq_lines_parse(void **state)
{
    vg_lines p;
    vg_hash_record r;
    char why[256];
    (void)state;
    vg_lines_init(&p, VIGIL_FORMAT_PDQ);
    assert_int_equal(parse(&p, H1 "\n", &r, why), 1);
    assert_true(r.has_pdq);
    assert_int_equal(r.pdq_quality, -1);
    assert_int_equal(r.pdq[0], 0xd8);
    assert_int_equal(parse(&p, H1 ",87", &r, why), 1);
    assert_int_equal(r.pdq_quality, 87);
    assert_int_equal(parse(&p, "D8F8F0CEE0F4A84F0637022A078F67F0B36E2ED596621E1D33E6339C4E9C9B22\t100\tbridge.jpg\r\n",
                           &r, why), 1);
    assert_int_equal(r.pdq_quality, 100);
    assert_int_equal(r.name_len, 10);
    assert_int_equal(parse(&p, "# comment", &r, why), 0);
    assert_int_equal(parse(&p, "", &r, why), 0);
    assert_int_equal(parse(&p, H1 ",101", &r, why), -1);
    assert_non_null(strstr(why, "quality"));
    assert_int_equal(parse(&p, H1 ",x", &r, why), -1);
    assert_int_equal(parse(&p, "d8f8f0ce", &r, why), -1);
    assert_non_null(strstr(why, "64 hex digits"));
    assert_int_equal(parse(&p, H1 "ff", &r, why), -1);
    assert_int_equal(parse(&p, ZERO ",0", &r, why), 1);
    assert_true(vg_record_is_empty_file(&r)); /* "too small to hash" elsewhere: never indexed */
}

static void pdq_match__hashdeep_pdq_column(void **state)
{
    vg_lines p;
    vg_hash_record r;
    char why[256];
    (void)state;
    vg_lines_init(&p, VIGIL_FORMAT_AUTO);
    assert_int_equal(parse(&p, "%%%% HASHDEEP-1.0", &r, why), 0);
    assert_int_equal(parse(&p, "%%%% size,md5,sha1,sha256,pdq,filename", &r, why), 0);
    assert_int_equal(parse(&p, "3,0123456789abcdef0123456789abcdef,0123456789abcdef0123456789abcdef01234567,"
                               "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef," H1 ",/a.jpg", &r, why), 1);
    assert_true(r.has_pdq && r.has_md5 && r.has_sha256);
    assert_int_equal(r.pdq[0], 0xd8);
    assert_int_equal(parse(&p, "3,0123456789abcdef0123456789abcdef,0123456789abcdef0123456789abcdef01234567,"
                               "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef,,/a.txt", &r, why), 1);
    assert_false(r.has_pdq);
    assert_true(r.has_md5);
    /* an all-zero PDQ (too small to hash) keeps the digests and drops the hash */
    assert_int_equal(parse(&p, "3,0123456789abcdef0123456789abcdef,0123456789abcdef0123456789abcdef01234567,"
                               "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef," ZERO ",/t.png", &r, why), 1);
    assert_false(r.has_pdq);
    assert_false(vg_record_is_empty_file(&r));
    assert_int_equal(parse(&p, "3,0123456789abcdef0123456789abcdef,0123456789abcdef0123456789abcdef01234567,"
                               "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef,abc,/b.png", &r, why), -1);
    assert_non_null(strstr(why, "bad PDQ hash"));
}

static void pdq_match__import_counts_and_rejects(void **state)
{
    vigil_import_stats s;
    vigil_error err;
    const char *good = H1 ",100\n" H2 "\n" ZERO ",0\n" H1 ",100\n";
    (void)state;
    assert_int_equal(vigil_hashset_parse_mem(&s, good, strlen(good), VIGIL_FORMAT_PDQ, &err), 0);
    assert_int_equal(s.records, 4);
    assert_int_equal(s.skipped_empty, 1);
    assert_int_equal(vigil_hashset_parse_mem(&s, "abc\n", 4, VIGIL_FORMAT_PDQ, &err), VIGIL_EINPUT);
    assert_non_null(strstr(err.msg, "memory:1: not a PDQ hash"));
    {
        vigil_hashset_format f;
        assert_int_equal(vigil_hashset_format_parse(&f, "pdq"), 0);
        assert_int_equal(f, VIGIL_FORMAT_PDQ);
        assert_string_equal(vigil_hashset_format_name(VIGIL_FORMAT_PDQ), "pdq");
    }
}

static const char *schema_v1 =
    "PRAGMA application_id=1447642956; PRAGMA user_version=1;"
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value);"
    "INSERT INTO meta(key, value) VALUES('hash_generation', 3);"
    "CREATE TABLE hashset(id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL, kind INTEGER NOT NULL,"
    "  category TEXT, series TEXT, format TEXT NOT NULL, sources TEXT NOT NULL,"
    "  imported_at TEXT NOT NULL, imported_by TEXT, entries INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE hash_entry(id INTEGER PRIMARY KEY, set_id INTEGER NOT NULL REFERENCES hashset(id) ON DELETE CASCADE,"
    "  dkey BLOB NOT NULL, md5 BLOB, sha1 BLOB, sha256 BLOB, size INTEGER,"
    "  category TEXT, series TEXT, name BLOB, source_line INTEGER, UNIQUE(set_id, dkey));"
    "INSERT INTO hashset VALUES(1, 'old', 0, 'cat', NULL, 'md5sum', 'x', '2026-01-01T00:00:00Z', 'me', 1);"
    "INSERT INTO hash_entry(set_id, dkey, md5) VALUES(1, x'01', x'0123456789abcdef0123456789abcdef');";

static void pdq_match__version_1_store_is_upgraded(void **state)
{
    char *dir = tu_mkdtemp(), *db = tu_path(dir, "v1.db"), *list = tu_path(dir, "list.pdq");
    sqlite3 *h;
    vigil_store *st;
    vigil_error err;
    vigil_hashset_info *sets;
    size_t n;
    vigil_import_stats s;
    vigil_pdq_matcher *m;
    vigil_pdq_hash q[8];
    vigil_pdq_hit hit;
    const char *files[1] = {list};
    vigil_import_opts o = {.name = "pdqset", .kind = VIGIL_KIND_ILLEGAL, .format = VIGIL_FORMAT_PDQ,
                           .category = "A1"};
    (void)state;
    assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, schema_v1, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
    if (vigil_store_upgrade(db, NULL, &err) != 0)
        fail_msg("%s", err.msg);
    assert_int_equal(vigil_store_open(&st, db, &err), 0);
    assert_int_equal(vigil_hashset_list(&sets, &n, st, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(sets[0].name, "old");
    assert_int_equal(sets[0].entries, 1);
    vigil_hashset_info_free(sets, n);
    tu_write(dir, "list.pdq", H1 ",100\n" H2 ",90\n", strlen(H1 ",100\n" H2 ",90\n"));
    if (vigil_hashset_import(&s, st, files, 1, &o, &err) != 0)
        fail_msg("%s", err.msg);
    assert_int_equal(s.added, 2);
    assert_int_equal(vigil_pdq_matcher_open(&m, st, &err), 0);
    assert_int_equal(vigil_pdq_matcher_entries(m), 2);
    for (int i = 0; i < 8; i++)
        vigil_pdq_parse(&q[i], H2, 64, NULL);
    q[0].b[5] ^= 0x0f; /* 4 bits away */
    assert_int_equal(vigil_pdq_matcher_search(m, q, 31, &hit), 1);
    assert_int_equal(hit.match.by, VIGIL_BY_PDQ);
    assert_string_equal(hit.match.set, "pdqset");
    assert_string_equal(hit.match.category, "A1");
    assert_int_equal(hit.match.distance, 0);  /* the other orientations hit exactly */
    assert_int_equal(hit.dihedral, 1);
    vigil_pdq_matcher_close(m);
    vigil_store_close(st);
    /* reopening an upgraded store is a no-op; the version is now 3 (entries in segments) */
    assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
    {
        sqlite3_stmt *s2;
        assert_int_equal(sqlite3_prepare_v2(h, "PRAGMA user_version", -1, &s2, NULL), SQLITE_OK);
        assert_int_equal(sqlite3_step(s2), SQLITE_ROW);
        assert_int_equal(sqlite3_column_int(s2, 0), 3);
        sqlite3_finalize(s2);
    }
    sqlite3_close(h);
    assert_int_equal(vigil_store_open(&st, db, &err), 0);
    vigil_store_close(st);
    tu_rm_rf(dir);
    free(dir);
    free(db);
    free(list);
}

static int user_version(const char *db)
{
    sqlite3 *h;
    sqlite3_stmt *s;
    int v;
    assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(h, "PRAGMA user_version", -1, &s, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    v = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(h);
    return v;
}

/* Opening never converts: an old store is refused, untouched, until vigil_store_upgrade converts it. */
static void pdq_match__old_store_is_refused_until_upgraded(void **state)
{
    static const uint8_t md5[16] = {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
                                    0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef};
    char *dir = tu_mkdtemp(), *db = tu_path(dir, "v1.db"), *none = tu_path(dir, "none.db");
    sqlite3 *h;
    vigil_store *st = NULL;
    vigil_index *ix;
    vigil_match m;
    vigil_error err;
    size_t sets = 99;
    (void)state;
    assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, schema_v1, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
    assert_int_equal(vigil_store_open(&st, db, &err), VIGIL_ESTATE);
    assert_null(st);
    assert_int_equal(err.code, VIGIL_ESTATE);
    assert_non_null(strstr(err.msg, db));
    assert_non_null(strstr(err.msg, "vigil hashset upgrade"));
    assert_int_equal(vigil_store_open_readonly(&st, db, &err), VIGIL_ESTATE);
    assert_null(st);
    assert_int_equal(user_version(db), 1); /* refused before anything was written */
    /* no database: nothing to convert, and none is created */
    assert_int_equal(vigil_store_upgrade(none, &sets, &err), 0);
    assert_int_equal(sets, 0);
    assert_int_not_equal(access(none, F_OK), 0);
    if (vigil_store_upgrade(db, &sets, &err) != 0)
        fail_msg("%s", err.msg);
    assert_int_equal(sets, 1);
    assert_int_equal(user_version(db), 3);
    assert_int_equal(vigil_store_upgrade(db, &sets, &err), 0); /* done once */
    assert_int_equal(sets, 0);
    assert_int_equal(vigil_store_open_readonly(&st, db, &err), 0);
    assert_int_equal(vigil_index_open(&ix, st, &err), 0);
    assert_int_equal(vigil_index_lookup(&m, ix, VIGIL_BY_MD5, md5), 1);
    assert_string_equal(m.set, "old");
    assert_string_equal(m.category, "cat");
    assert_int_equal(m.kind, VIGIL_KIND_ILLEGAL);
    vigil_index_close(ix);
    vigil_store_close(st);
    tu_rm_rf(dir);
    free(dir);
    free(db);
    free(none);
}

static void pdq_match__rules(void **state)
{
    vigil_pdq_entry e[3];
    vigil_pdq_matcher *m;
    vigil_pdq_hash q[8];
    vigil_pdq_hit hit;
    (void)state;
    memset(e, 0, sizeof e);
    vigil_pdq_parse(&e[0].hash, H1, 64, NULL);
    e[0].kind = VIGIL_KIND_INTEREST;
    e[0].set = "interest";
    e[1] = e[0];
    e[1].kind = VIGIL_KIND_ILLEGAL;
    e[1].set = "illegal";
    e[1].hash.b[0] ^= 0xff; /* 8 bits further than e[0] */
    vigil_pdq_parse(&e[2].hash, H2, 64, NULL);
    e[2].kind = VIGIL_KIND_ILLEGAL;
    e[2].set = "other";
    assert_int_equal(vigil_pdq_matcher_from_entries(&m, e, 3, NULL), 0);
    for (int i = 0; i < 8; i++)
        memset(&q[i], 0xaa, sizeof q[i]); /* far from everything */
    assert_int_equal(vigil_pdq_matcher_search(m, q, 31, &hit), 0);
    vigil_pdq_parse(&q[VIGIL_PDQ_FLIPY], H1, 64, NULL);
    /* illegal at 8 beats interest at 0 */
    assert_int_equal(vigil_pdq_matcher_search(m, q, 31, &hit), 1);
    assert_string_equal(hit.match.set, "illegal");
    assert_int_equal(hit.match.kind, VIGIL_KIND_ILLEGAL);
    assert_int_equal(hit.match.distance, 8);
    assert_int_equal(hit.dihedral, VIGIL_PDQ_FLIPY);
    assert_memory_equal(hit.entry.b, e[1].hash.b, 32);
    /* a radius below 8 leaves the interest entry */
    assert_int_equal(vigil_pdq_matcher_search(m, q, 7, &hit), 1);
    assert_string_equal(hit.match.set, "interest");
    assert_int_equal(hit.match.distance, 0);
    vigil_pdq_matcher_close(m);
    /* the matcher copied its strings */
    assert_int_equal(vigil_pdq_matcher_from_entries(&m, e, 0, NULL), 0);
    assert_int_equal(vigil_pdq_matcher_search(m, q, 31, &hit), 0);
    vigil_pdq_matcher_close(m);
}

typedef struct seen {
    int n;
    vigil_pdq_state state[4];
    char error[4][256];
    int quality[4];
} seen;

static int on_item(const vigil_item *it, void *ud)
{
    seen *s = ud;
    if (s->n < 4) {
        s->state[s->n] = it->pdq_state;
        s->quality[s->n] = it->pdq_quality;
        snprintf(s->error[s->n], sizeof s->error[0], "%s", it->error ? it->error : "");
    }
    s->n++;
    return 0;
}

static void pdq_match__scan_decodes_within_the_byte_cap(void **state)
{
    char *dir = tu_mkdtemp();
    const char *paths[1] = {dir};
    vigil_scan_opts o;
    vigil_scan_stats st;
    vigil_error err;
    seen s = {0};
    uint8_t bmp[54 + 3 * 8 * 8] = {'B', 'M'};
    (void)state;
    bmp[10] = 54, bmp[14] = 40, bmp[18] = 8, bmp[22] = 8, bmp[26] = 1, bmp[28] = 24;
    for (size_t i = 54; i < sizeof bmp; i++)
        bmp[i] = (uint8_t)(i * 7);
    tu_write(dir, "a.bmp", bmp, sizeof bmp);
    tu_write(dir, "b.txt", "hello, this is a text file longer than the small byte cap below: "
                           "it must never be reported as an image that was too big to decode", 130);
    vigil_scan_opts_init(&o);
    o.jobs = 2;
    o.compute_pdq = 1;
    o.on_item = on_item;
    o.ud = &s;
    assert_int_equal(vigil_scan_run(&st, paths, 1, &o, &err), 0);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.state[0], VIGIL_PDQ_OK);
    assert_int_equal(s.state[1], VIGIL_PDQ_NONE);
    /* a picture file over the byte cap is not decoded, and the item says why */
    memset(&s, 0, sizeof s);
    o.max_image_bytes = 100;
    assert_int_equal(vigil_scan_run(&st, paths, 1, &o, &err), 0);
    assert_int_equal(s.state[0], VIGIL_PDQ_FAILED);
    assert_string_equal(s.error[0], "picture decoder: file over 100 bytes, not decoded");
    assert_int_equal(s.state[1], VIGIL_PDQ_NONE);
    /* and without compute_pdq nothing is decoded */
    memset(&s, 0, sizeof s);
    o.compute_pdq = 0;
    assert_int_equal(vigil_scan_run(&st, paths, 1, &o, &err), 0);
    assert_int_equal(s.state[0], VIGIL_PDQ_NONE);
    tu_rm_rf(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pdq_match__pdq_lines_parse),
        cmocka_unit_test(pdq_match__hashdeep_pdq_column),
        cmocka_unit_test(pdq_match__import_counts_and_rejects),
        cmocka_unit_test(pdq_match__version_1_store_is_upgraded),
        cmocka_unit_test(pdq_match__old_store_is_refused_until_upgraded),
        cmocka_unit_test(pdq_match__rules),
        cmocka_unit_test(pdq_match__scan_decodes_within_the_byte_cap),
    };
    return tu_run_tests("pdq_match", tests, NULL, NULL);
}

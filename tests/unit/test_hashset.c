/* hashset: line formats, strict and lenient import, the index and its precedence rule. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "core/hex.h"
#include "formats/parse_lines.h"
#include "vigil/hashset.h"
#include "vigil/index.h"

static int parse(vg_lines *p, const char *line, vg_hash_record *r)
{
    char buf[512], why[256];
    snprintf(buf, sizeof buf, "%s", line);
    return vg_lines_parse(p, buf, strlen(buf), r, why, sizeof why);
}

static void hashset__coreutils_forms_parse(void **state)
{
    vg_lines p;
    vg_hash_record r;
    uint8_t want[16];
    (void)state;
    vg_hex_decode(want, "2b995e16d04df2e25ac7fed9fb77ea2c", 16);
    vg_lines_init(&p, VIGIL_FORMAT_AUTO);
    assert_int_equal(parse(&p, "2b995e16d04df2e25ac7fed9fb77ea2c  hello.txt\n", &r), 1);
    assert_int_equal(p.format, VIGIL_FORMAT_MD5SUM);
    assert_true(r.has_md5);
    assert_memory_equal(r.md5, want, 16);
    assert_int_equal(r.name_len, 9);
    assert_int_equal(parse(&p, "2B995E16D04DF2E25AC7FED9FB77EA2C *bin mode.txt\r\n", &r), 1);
    assert_int_equal(r.name_len, 12);
    assert_int_equal(parse(&p, "\\2b995e16d04df2e25ac7fed9fb77ea2c  back\\\\slash\\nx", &r), 1);
    assert_int_equal(r.name_len, 12);
    assert_memory_equal(r.name, "back\\slash\nx", 12);
    assert_int_equal(parse(&p, "MD5 (hello.txt) = 2b995e16d04df2e25ac7fed9fb77ea2c", &r), 1);
    assert_memory_equal(r.name, "hello.txt", 9);
    assert_int_equal(parse(&p, "        13  2b995e16d04df2e25ac7fed9fb77ea2c  hello.txt", &r), 1);
    assert_int_equal(r.size, 13);
    assert_int_equal(parse(&p, "# a comment", &r), 0);
    assert_int_equal(parse(&p, "   ", &r), 0);
}

static void hashset__bad_lines_say_why(void **state)
{
    vg_lines p;
    vg_hash_record r;
    char why[256], l1[] = "6fae44e2090ee24ece46b6ee0b3c350", l2[] = "zz995e16d04df2e25ac7fed9fb77ea2c";
    char l3[] = "da39a3ee5e6b4b0d3255bfef95601890afd80709  sha1.txt";
    (void)state;
    vg_lines_init(&p, VIGIL_FORMAT_MD5SUM);
    assert_int_equal(vg_lines_parse(&p, l1, strlen(l1), &r, why, sizeof why), -1);
    assert_non_null(strstr(why, "31 hex digits"));
    assert_int_equal(vg_lines_parse(&p, l2, strlen(l2), &r, why, sizeof why), -1);
    assert_int_equal(vg_lines_parse(&p, l3, strlen(l3), &r, why, sizeof why), -1);
    assert_non_null(strstr(why, "md5sum needs 32"));
}

static void hashset__huge_md5deep_size_is_rejected_not_overflowed(void **state)
{
    vg_lines p;
    vg_hash_record r;
    (void)state;
    vg_lines_init(&p, VIGIL_FORMAT_AUTO);
    assert_int_equal(parse(&p, "   99999999999999999999999  2b995e16d04df2e25ac7fed9fb77ea2c  x", &r), -1);
    assert_int_equal(parse(&p, "9223372036854775807  2b995e16d04df2e25ac7fed9fb77ea2c  x", &r), 1);
    assert_true(r.size == INT64_MAX);
}

static void hashset__hashdeep_names_may_hold_commas(void **state)
{
    vg_lines p;
    vg_hash_record r;
    (void)state;
    vg_lines_init(&p, VIGIL_FORMAT_AUTO);
    assert_int_equal(parse(&p, "%%%% HASHDEEP-1.0", &r), 0);
    assert_int_equal(parse(&p, "%%%% size,md5,sha256,filename", &r), 0);
    assert_int_equal(parse(&p, "## Invoked from: /x", &r), 0);
    assert_int_equal(parse(&p, "13,2b995e16d04df2e25ac7fed9fb77ea2c,815525cfd9b92f4d6707f74459ffc157949043623f12f383596ee7919a6277de,a,b.txt", &r), 1);
    assert_true(r.has_md5 && r.has_sha256 && !r.has_sha1);
    assert_int_equal(r.size, 13);
    assert_int_equal(r.name_len, 7);
    assert_int_equal(parse(&p, "13,2b995e16d04df2e25ac7fed9fb77ea2c,815525cf,x", &r), -1);
}

static void hashset__empty_file_digest_is_recognised(void **state)
{
    vg_lines p;
    vg_hash_record r;
    (void)state;
    vg_lines_init(&p, VIGIL_FORMAT_AUTO);
    assert_int_equal(parse(&p, "d41d8cd98f00b204e9800998ecf8427e  empty", &r), 1);
    assert_true(vg_record_is_empty_file(&r));
}

typedef struct fixture {
    char *dir, *db;
    vigil_store *st;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->dir = tu_mkdtemp();
    f->db = tu_path(f->dir, "t.db");
    assert_int_equal(vigil_store_open(&f->st, f->db, NULL), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    vigil_store_close(f->st);
    tu_rm_rf(f->dir);
    free(f->db);
    free(f->dir);
    free(f);
    return 0;
}

static int import(fixture *f, const char *name, vigil_hashset_kind kind, const char *file, const char *content,
                  vigil_import_stats *s, vigil_error *err)
{
    vigil_import_opts o = {.name = name, .kind = kind, .category = "cat-" , .series = NULL};
    char *path = tu_path(f->dir, file);
    const char *files[1] = {path};
    int rc;
    tu_write(f->dir, file, content, strlen(content));
    rc = vigil_hashset_import(s, f->st, files, 1, &o, err);
    free(path);
    return rc;
}

static void hashset__strict_import_fails_naming_the_line_and_stores_nothing(void **state)
{
    fixture *f = *state;
    vigil_import_stats s;
    vigil_error err;
    vigil_hashset_info *v;
    size_t n;
    assert_int_equal(import(f, "bad", VIGIL_KIND_ILLEGAL, "bad.txt",
                            "2b995e16d04df2e25ac7fed9fb77ea2c  a\nnot-a-digest  b\n", &s, &err), VIGIL_EINPUT);
    assert_non_null(strstr(err.msg, "bad.txt:2:"));
    assert_int_equal(vigil_hashset_list(&v, &n, f->st, NULL), 0);
    assert_int_equal(n, 0);
    vigil_hashset_info_free(v, n);
}

static void hashset__unknown_format_is_named(void **state)
{
    fixture *f = *state;
    vigil_import_stats s;
    vigil_error err;
    assert_int_equal(import(f, "x", VIGIL_KIND_BENIGN, "x.txt", "<html>hello</html>\n", &s, &err), VIGIL_EINPUT);
    assert_non_null(strstr(err.msg, "unknown hash-set format"));
    assert_non_null(strstr(err.msg, "x.txt: "));
}

static void match_of(fixture *f, const char *md5hex, const char *sha256hex, vigil_match *m, int *found)
{
    vigil_index *ix;
    vigil_digests d;
    memset(&d, 0x11, sizeof d);
    if (md5hex)
        vg_hex_decode(d.md5, md5hex, 16);
    if (sha256hex)
        vg_hex_decode(d.sha256, sha256hex, 32);
    assert_int_equal(vigil_index_open(&ix, f->st, NULL), 0);
    *found = vigil_index_match(m, ix, &d);
    /* copy out the set name before closing: strings are lent from the index */
    static char setname[64];
    if (*found) {
        snprintf(setname, sizeof setname, "%s", m->set);
        m->set = setname;
        m->category = NULL;
    }
    vigil_index_close(ix);
}

static void hashset__illegal_wins_over_benign_whatever_the_digest(void **state)
{
    fixture *f = *state;
    vigil_import_stats s;
    vigil_match m;
    int found;
    const char *md5 = "2b995e16d04df2e25ac7fed9fb77ea2c";
    const char *sha = "815525cfd9b92f4d6707f74459ffc157949043623f12f383596ee7919a6277de";
    char line[128];
    /* benign by SHA-256 imported first, illegal by MD5 later: illegal still wins */
    snprintf(line, sizeof line, "%s  hello.txt\n", sha);
    assert_int_equal(import(f, "nsrl", VIGIL_KIND_BENIGN, "b.txt", line, &s, NULL), 0);
    snprintf(line, sizeof line, "%s  hello.txt\n", md5);
    assert_int_equal(import(f, "vics", VIGIL_KIND_ILLEGAL, "i.txt", line, &s, NULL), 0);
    match_of(f, md5, sha, &m, &found);
    assert_true(found);
    assert_string_equal(m.set, "vics");
    assert_int_equal(m.kind, VIGIL_KIND_ILLEGAL);
    assert_int_equal(m.by, VIGIL_BY_MD5);
    /* the benign set alone: matched by SHA-256 */
    assert_int_equal(vigil_hashset_remove(f->st, "vics", NULL), 0);
    match_of(f, md5, sha, &m, &found);
    assert_true(found);
    assert_string_equal(m.set, "nsrl");
    assert_int_equal(m.by, VIGIL_BY_SHA256);
    match_of(f, "00000000000000000000000000000000", NULL, &m, &found);
    assert_false(found);
}

static void hashset__same_kind_first_imported_wins(void **state)
{
    fixture *f = *state;
    vigil_import_stats s;
    vigil_match m;
    int found;
    const char *line = "6fae44e2090ee24ece46b6ee0b3c3501  lorem.txt\n";
    assert_int_equal(import(f, "first", VIGIL_KIND_INTEREST, "a.txt", line, &s, NULL), 0);
    assert_int_equal(import(f, "second", VIGIL_KIND_INTEREST, "b.txt", line, &s, NULL), 0);
    match_of(f, "6fae44e2090ee24ece46b6ee0b3c3501", NULL, &m, &found);
    assert_true(found);
    assert_string_equal(m.set, "first");
}

static void hashset__duplicates_and_empty_digest_are_counted(void **state)
{
    fixture *f = *state;
    vigil_import_stats s;
    assert_int_equal(import(f, "d", VIGIL_KIND_BENIGN, "d.txt",
                            "6fae44e2090ee24ece46b6ee0b3c3501\n6FAE44E2090EE24ECE46B6EE0B3C3501\n"
                            "d41d8cd98f00b204e9800998ecf8427e\n", &s, NULL), 0);
    assert_int_equal(s.records, 3);
    assert_int_equal(s.added, 1);
    assert_int_equal(s.duplicates, 1);
    assert_int_equal(s.skipped_empty, 1);
}

/* Where the record behind the match of an MD5 comes from: "source:line", or "" when unmatched. */
static void source_of(fixture *f, const char *md5hex, char *out, size_t cap)
{
    vigil_index *ix;
    vigil_digests d;
    vigil_match m;
    memset(&d, 0x11, sizeof d);
    vg_hex_decode(d.md5, md5hex, 16);
    assert_int_equal(vigil_index_open(&ix, f->st, NULL), 0);
    if (vigil_index_match_all(&m, 1, ix, &d))
        snprintf(out, cap, "%s:%llu", m.record_source ? m.record_source : "(none)", (unsigned long long)m.record_line);
    else
        snprintf(out, cap, "%s", "");
    vigil_index_close(ix);
}

static void hashset__entries_keep_their_own_source(void **state)
{
    fixture *f = *state;
    const char *a = "6fae44e2090ee24ece46b6ee0b3c3501", *b = "2b995e16d04df2e25ac7fed9fb77ea2c",
               *c = "0123456789abcdef0123456789abcdef";
    vigil_hashset_entry v[4] = {{.md5 = a, .size = -1, .category = "1", .source = "case 3"},
                                {.md5 = b, .size = -1, .category = "1", .source = "case 3"},
                                {.md5 = a, .size = -1, .category = "1", .source = "case 7"},
                                {.md5 = c, .size = -1, .category = "1"}};
    vigil_import_opts o = {.name = "unit:X", .kind = VIGIL_KIND_ILLEGAL, .replace = 1};
    vigil_import_stats s;
    vigil_hashset_info *info;
    char where[64];
    size_t n;
    assert_int_equal(vigil_hashset_import_entries(&s, f->st, v, 4, "case 9", &o, NULL), 0);
    /* counted over every run, the digest two cases hold merged into one entry */
    assert_int_equal(s.records, 4);
    assert_int_equal(s.added, 3);
    assert_int_equal(s.duplicates, 1);
    assert_int_equal(vigil_hashset_list(&info, &n, f->st, NULL), 0);
    assert_int_equal(n, 1);
    assert_string_equal(info[0].sources, "case 3\ncase 7\ncase 9");
    assert_string_equal(info[0].format, "case");
    vigil_hashset_info_free(info, n);
    /* each entry names its own source, the merged one the first */
    source_of(f, a, where, sizeof where);
    assert_string_equal(where, "case 3:1");
    source_of(f, b, where, sizeof where);
    assert_string_equal(where, "case 3:2");
    source_of(f, c, where, sizeof where);
    assert_string_equal(where, "case 9:1");
}

static void hashset__unit_names_are_kept_from_imports(void **state)
{
    fixture *f = *state;
    const char *line = "6fae44e2090ee24ece46b6ee0b3c3501  lorem.txt\n";
    vigil_hashset_entry v[1] = {{.md5 = "2b995e16d04df2e25ac7fed9fb77ea2c", .size = -1}};
    vigil_import_opts o = {.name = "listed", .kind = VIGIL_KIND_ILLEGAL, .replace = 1};
    vigil_import_stats s;
    vigil_error err;
    char where[64];
    assert_int_equal(import(f, "unit:R01", VIGIL_KIND_ILLEGAL, "u.txt", line, &s, &err), VIGIL_EINPUT);
    assert_non_null(strstr(err.msg, "'unit:R01': names starting 'unit:' are the units' own sets"));
    /* an imported list is never overwritten by entries handed in */
    assert_int_equal(import(f, "listed", VIGIL_KIND_ILLEGAL, "l.txt", line, &s, NULL), 0);
    assert_int_equal(vigil_hashset_import_entries(&s, f->st, v, 1, "case 1", &o, &err), VIGIL_EEXISTS);
    assert_non_null(strstr(err.msg, "hash set 'listed' exists and is an imported list"));
    source_of(f, "6fae44e2090ee24ece46b6ee0b3c3501", where, sizeof where);
    assert_non_null(strstr(where, "l.txt"));
}

/* Path of the current segment of the only set. */
static char *segment_of(fixture *f)
{
    vigil_hashset_info *v;
    size_t n;
    char *p;
    assert_int_equal(vigil_hashset_list(&v, &n, f->st, NULL), 0);
    assert_int_equal(n, 1);
    p = malloc(strlen(f->db) + strlen(v[0].segment) + 8);
    sprintf(p, "%s.sets/%s", f->db, v[0].segment);
    vigil_hashset_info_free(v, n);
    return p;
}

static void hashset__damaged_segment_is_refused_then_rebuilt(void **state)
{
    fixture *f = *state;
    vigil_import_stats s;
    vigil_index *ix;
    vigil_error err;
    char *seg;
    FILE *fp;
    assert_int_equal(import(f, "d", VIGIL_KIND_BENIGN, "d.txt", "6fae44e2090ee24ece46b6ee0b3c3501\n", &s, NULL), 0);
    seg = segment_of(f);
    assert_int_equal(vigil_index_open_file(&ix, seg, &err), 0);
    assert_int_equal(vigil_index_entries(ix), 1);
    vigil_index_close(ix);
    fp = fopen(seg, "r+b");
    assert_non_null(fp);
    fseek(fp, 40, SEEK_SET); /* inside the header: its checksum no longer fits */
    fputc(0x5a, fp);
    fclose(fp);
    assert_int_not_equal(vigil_index_open_file(&ix, seg, &err), 0);
    assert_non_null(strstr(err.msg, "damaged"));
    assert_int_not_equal(vigil_index_open(&ix, f->st, &err), 0); /* the store's index refuses it too */
    assert_non_null(strstr(err.msg, "reindex"));
    assert_int_equal(truncate(seg, 100), 0);
    assert_int_not_equal(vigil_index_open_file(&ix, seg, &err), 0);
    assert_non_null(strstr(err.msg, "truncated"));
    assert_int_equal(vigil_index_build(f->st, &err), 0); /* rebuilt from the source file */
    assert_int_equal(vigil_index_open(&ix, f->st, &err), 0);
    assert_int_equal(vigil_index_entries(ix), 1);
    vigil_index_close(ix);
    free(seg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hashset__coreutils_forms_parse),
        cmocka_unit_test(hashset__bad_lines_say_why),
        cmocka_unit_test(hashset__hashdeep_names_may_hold_commas),
        cmocka_unit_test(hashset__huge_md5deep_size_is_rejected_not_overflowed),
        cmocka_unit_test(hashset__empty_file_digest_is_recognised),
        cmocka_unit_test_setup_teardown(hashset__strict_import_fails_naming_the_line_and_stores_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(hashset__unknown_format_is_named, setup, teardown),
        cmocka_unit_test_setup_teardown(hashset__illegal_wins_over_benign_whatever_the_digest, setup, teardown),
        cmocka_unit_test_setup_teardown(hashset__same_kind_first_imported_wins, setup, teardown),
        cmocka_unit_test_setup_teardown(hashset__duplicates_and_empty_digest_are_counted, setup, teardown),
        cmocka_unit_test_setup_teardown(hashset__entries_keep_their_own_source, setup, teardown),
        cmocka_unit_test_setup_teardown(hashset__unit_names_are_kept_from_imports, setup, teardown),
        cmocka_unit_test_setup_teardown(hashset__damaged_segment_is_refused_then_rebuilt, setup, teardown),
    };
    return tu_run_tests("hashset", tests, NULL, NULL);
}

/*
 * hashset formats: every sample of tests/data/hashsets read through
 * its row of the format table, with the counts checked against expected.json,
 * and recognised by vg_hs_detect; then the bad inputs of each reader.
 * A sample whose format has no row in the reader table fails.
 */
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "testutil.h"
#include "core/hex.h"
#include "formats/formats.h"
#include "formats/line_name.h"
#include "formats/list_fields.h"
#include "formats/parse_lines.h"
#include "formats/record.h"

/* ---- a counting sink ---------------------------------------------------- */

#define SET_SLOTS 4096
#define MAX_PLACES 64

typedef struct digest_set {
    uint8_t key[SET_SLOTS][32];
    char used[SET_SLOTS];
    size_t n;
} digest_set;

typedef struct counts {
    uint64_t records, rejects, retracts, zero_length, without_md5, unknown_digest;
    digest_set md5, sha1, sha256;
    char reject_at[MAX_PLACES][64];
    char reject_why[MAX_PLACES][200];
    int nreject_at;
    char names[MAX_PLACES][128];
    int nnames;
    char meta_name[128], meta_version[128], meta_dbhash[48];
    char first_category[16], first_profile[64];
    uint64_t progress_done, progress_total;
    uint8_t first_md5[16];
    uint8_t photodna[2][VG_PHOTODNA_BYTES];
    int nphotodna;
} counts;

/* Fails with the whole text when it does not contain want. */
#define assert_has(text, want)                                                                         \
    do {                                                                                               \
        if (!strstr((text), (want)))                                                                   \
            fail_msg("'%s' not in: %s", (want), (text));                                               \
    } while (0)

static yajl_val expected;        /* expected.json */
static char *samples_dir;        /* tests/data/hashsets */

static void set_add(digest_set *s, const uint8_t *d, size_t n)
{
    uint8_t k[32] = {0};
    size_t h = 0;
    memcpy(k, d, n);
    for (size_t i = 0; i < 8; i++)
        h = h * 31 + k[i];
    for (size_t i = 0; i < SET_SLOTS; i++) {
        size_t at = (h + i) % SET_SLOTS;
        if (!s->used[at]) {
            s->used[at] = 1;
            memcpy(s->key[at], k, 32);
            s->n++;
            return;
        }
        if (!memcmp(s->key[at], k, 32))
            return;
    }
    fail_msg("digest set full");
}

/* 1 if the digest is one of the benign files of expected.json's "files". */
static int known_digest(const char *alg, const uint8_t *d, size_t n)
{
    const char *path[] = {"files", NULL};
    yajl_val files = yajl_tree_get(expected, path, yajl_t_object);
    char hex[65];
    vg_hex_encode(hex, d, n);
    for (size_t i = 0; files && i < files->u.object.len; i++) {
        const char *p[] = {alg, NULL};
        yajl_val v = yajl_tree_get(files->u.object.values[i], p, yajl_t_string);
        const char *want = v ? YAJL_GET_STRING(v) : NULL;
        if (want && !strcmp(want, hex))
            return 1;
    }
    return 0;
}

static int on_record(void *ud, const vg_hs_record *r, vigil_error *err)
{
    counts *c = ud;
    (void)err;
    c->records++;
    if (r->retract)
        c->retracts++;
    if (vg_hs_record_is_empty_file(r))
        c->zero_length++;
    if (!r->has_md5)
        c->without_md5++;
    if (r->has_md5 && !c->md5.n)
        memcpy(c->first_md5, r->md5, 16);
    if (r->has_md5)
        set_add(&c->md5, r->md5, 16);
    if (r->has_sha1)
        set_add(&c->sha1, r->sha1, 20);
    if (r->has_sha256)
        set_add(&c->sha256, r->sha256, 32);
    if ((r->has_md5 && !known_digest("md5", r->md5, 16)) || (r->has_sha1 && !known_digest("sha1", r->sha1, 20)) ||
        (r->has_sha256 && !known_digest("sha256", r->sha256, 32)))
        c->unknown_digest++;
    if (r->has_photodna && c->nphotodna < 2)
        memcpy(c->photodna[c->nphotodna++], r->photodna, VG_PHOTODNA_BYTES);
    if (r->category && !c->first_category[0]) {
        snprintf(c->first_category, sizeof c->first_category, "%s", r->category);
        snprintf(c->first_profile, sizeof c->first_profile, "%s", r->profile ? r->profile : "");
    }
    if (r->name && c->nnames < MAX_PLACES)
        snprintf(c->names[c->nnames++], sizeof c->names[0], "%.*s", (int)r->name_len, r->name);
    assert_true(r->where[0] != '\0');
    return 0;
}

static int on_reject(void *ud, const char *where, const char *why, vigil_error *err)
{
    counts *c = ud;
    (void)err;
    c->rejects++;
    assert_non_null(where);
    assert_true(why && why[0]);
    if (c->nreject_at < MAX_PLACES) {
        snprintf(c->reject_at[c->nreject_at], sizeof c->reject_at[0], "%s", where);
        snprintf(c->reject_why[c->nreject_at++], sizeof c->reject_why[0], "%s", why);
    }
    return 0;
}

static void on_meta(void *ud, const char *key, const char *value)
{
    counts *c = ud;
    if (!strcmp(key, "name"))
        snprintf(c->meta_name, sizeof c->meta_name, "%s", value);
    if (!strcmp(key, "version"))
        snprintf(c->meta_version, sizeof c->meta_version, "%s", value);
    if (!strcmp(key, "dbhash"))
        snprintf(c->meta_dbhash, sizeof c->meta_dbhash, "%s", value);
}

static void on_progress(void *ud, uint64_t done, uint64_t total)
{
    counts *c = ud;
    assert_true(done >= c->progress_done); /* never goes back */
    c->progress_done = done;
    c->progress_total = total;
}

/* Read path as format f (base for a delta, map for CAID); 0 or the reader's error. */
static int read_as(counts *c, const char *path, vigil_hashset_format f, const char *base, const char *map,
                   vigil_error *err)
{
    const vg_hs_format *row = vg_hs_format_get(f);
    vg_hs_sink sink = {on_record, on_reject, on_meta, on_progress, c};
    vg_hs_read_opts o = {path, f, map, base, 0};
    int fd = open(path, O_RDONLY), rc;
    assert_non_null(row);
    assert_true(fd >= 0);
    memset(c, 0, sizeof *c);
    vigil_error_clear(err);
    rc = row->read(fd, path, &o, &sink, err);
    close(fd);
    return rc;
}

static int detect(vigil_hashset_format *out, const char *path, vigil_error *err)
{
    int fd = open(path, O_RDONLY), rc;
    assert_true(fd >= 0);
    *out = VIGIL_FORMAT_AUTO;
    rc = vg_hs_detect(out, fd, path, err);
    close(fd);
    return rc;
}

/* ---- the sample table --------------------------------------------------- */

enum how {
    H_RECORDS = 1,       /* records read (retractions not counted) */
    H_DELETED,           /* retractions */
    H_DISTINCT_MD5,
    H_DISTINCT_SHA1,
    H_DISTINCT_SHA256,
    H_ZERO_LENGTH,
    H_WITHOUT_MD5,
    H_INVALID_LINES,     /* array of line numbers: the places rejected */
    H_NONBLANK,          /* records + rejects */
    H_META_NAME,
    H_SQ_EUCLIDEAN,      /* sum of squared differences of the first two PhotoDNA vectors */
};

typedef struct check {
    const char *const *at;  /* object in expected.json */
    const char *key;
    enum how how;
} check;

typedef struct sample_row {
    const char *path;
    vigil_hashset_format format;
    const char *base;       /* delta: the database it applies to */
    int map_from_expected;  /* CAID: the test mapping in expected.json as a code,label file */
    int all_known;          /* every digest is one of the benign files */
    int literal_records;    /* >0: count stated in the samples README, not in expected.json */
    check checks[6];
} sample_row;

#define AT(...) ((const char *const[]){"samples", __VA_ARGS__, NULL})

static const sample_row samples[] = {
    {"nsrl-rdsv3/minimal.db", VIGIL_FORMAT_NSRL_RDSV3, NULL, 0, 0, 0,
     {{AT("nsrl-rdsv3-minimal"), "file_rows", H_RECORDS},
      {AT("nsrl-rdsv3-minimal"), "distinct_sha256", H_DISTINCT_SHA256}}},
    {"nsrl-rdsv3/minimal-delta.sql", VIGIL_FORMAT_NSRL_RDSV3, "nsrl-rdsv3/minimal.db", 0, 1, 0,
     {{AT("nsrl-rdsv3-minimal"), "after_delta_rows", H_RECORDS},
      {AT("nsrl-rdsv3-minimal"), "after_delta_distinct_sha256", H_DISTINCT_SHA256}}},
    {"nsrl-rdsv3/full.db", VIGIL_FORMAT_NSRL_RDSV3, NULL, 0, 1, 0,
     {{AT("nsrl-rdsv3-full"), "file_view_rows", H_RECORDS},
      {AT("nsrl-rdsv3-full"), "distinct_sha256", H_DISTINCT_SHA256}}},
    {"nsrl-rds2/NSRLFile.txt", VIGIL_FORMAT_NSRL_RDS2, NULL, 0, 0, 0,
     {{AT("nsrl-rds2", "NSRLFile.txt"), "records", H_RECORDS},
      {AT("nsrl-rds2", "NSRLFile.txt"), "distinct_sha1", H_DISTINCT_SHA1},
      {AT("nsrl-rds2", "NSRLFile.txt"), "zero_length_records", H_ZERO_LENGTH}}},
    {"vics/vics-1.3-media.json", VIGIL_FORMAT_VICS, NULL, 0, 0, 0,
     {{AT("vics", "vics-1.3-media.json"), "media", H_RECORDS}}},
    {"vics/vics-2.0-us-cases.json", VIGIL_FORMAT_VICS, NULL, 0, 0, 0,
     {{AT("vics", "vics-2.0-us-cases.json"), "media", H_RECORDS},
      {AT("vics", "vics-2.0-us-cases.json"), "without_md5", H_WITHOUT_MD5}}},
    {"vics/vics-2.0-default-media-bom-crlf.json", VIGIL_FORMAT_VICS, NULL, 0, 0, 0,
     {{AT("vics", "vics-2.0-default-media-bom-crlf.json"), "media", H_RECORDS}}},
    {"caid/caid-vics-uk-cases.json", VIGIL_FORMAT_CAID, NULL, 1, 0, 0,
     {{AT("caid", "caid-vics-uk-cases.json"), "media", H_RECORDS}}},
    {"icse/icse-export.csv", VIGIL_FORMAT_ICSE, NULL, 0, 0, 0, {{AT("icse", "icse-export.csv"), "rows", H_RECORDS}}},
    {"ncmec/hashsharing-v2-entries.xml", VIGIL_FORMAT_NCMEC, NULL, 0, 0, 0,
     {{AT("ncmec", "hashsharing-v2-entries.xml"), "images", H_RECORDS},
      {AT("ncmec", "hashsharing-v2-entries.xml"), "deleted", H_DELETED}}},
    {"photodna/synthetic-vectors.csv", VIGIL_FORMAT_PHOTODNA, NULL, 0, 0, 0,
     {{AT("photodna", "synthetic-vectors.csv"), "sq_euclidean_a_b", H_SQ_EUCLIDEAN}}},
    {"real/nist-nsrl-caid/NSRL-CAID-ART.json", VIGIL_FORMAT_VICS, NULL, 0, 0, 1, {{0}}},
    {"real/nist-nsrl-caid/NSRL-CAID-MPG.json", VIGIL_FORMAT_VICS, NULL, 0, 0, 3, {{0}}},
    {"real/nist-nsrl-caid/NSRL-CAID-MOV.json", VIGIL_FORMAT_VICS, NULL, 0, 0, 9, {{0}}},
    {"hashdeep/known-md5-sha1-sha256.hashdeep", VIGIL_FORMAT_HASHDEEP, NULL, 0, 1, 0,
     {{AT("hashdeep", "known-md5-sha1-sha256.hashdeep"), "entries", H_RECORDS}}},
    /* the same eight files hashed with hashdeep's default algorithms */
    {"hashdeep/known-default.hashdeep", VIGIL_FORMAT_HASHDEEP, NULL, 0, 1, 0,
     {{AT("hashdeep", "known-md5-sha1-sha256.hashdeep"), "entries", H_RECORDS}}},
    {"hashdeep/md5deep.txt", VIGIL_FORMAT_MD5SUM, NULL, 0, 1, 0,
     {{AT("hashdeep", "known-md5-sha1-sha256.hashdeep"), "entries", H_RECORDS}}},
    {"hashdeep/md5deep-with-size.txt", VIGIL_FORMAT_MD5SUM, NULL, 0, 1, 0,
     {{AT("hashdeep", "known-md5-sha1-sha256.hashdeep"), "entries", H_RECORDS}}},
    {"plain/md5sum.txt", VIGIL_FORMAT_MD5SUM, NULL, 0, 1, 0,
     {{AT("plain", "md5sum.txt"), "entries", H_RECORDS}, {AT("plain", "md5sum.txt"), "distinct", H_DISTINCT_MD5}}},
    /* the same seven lines as md5sum.txt, from the other coreutils tools */
    {"plain/sha1sum.txt", VIGIL_FORMAT_SHA1SUM, NULL, 0, 1, 0,
     {{AT("plain", "md5sum.txt"), "entries", H_RECORDS}, {AT("plain", "md5sum.txt"), "distinct", H_DISTINCT_SHA1}}},
    {"plain/sha256sum.txt", VIGIL_FORMAT_SHA256SUM, NULL, 0, 1, 0,
     {{AT("plain", "md5sum.txt"), "entries", H_RECORDS}, {AT("plain", "md5sum.txt"), "distinct", H_DISTINCT_SHA256}}},
    {"plain/sha256sum-binary-mode.txt", VIGIL_FORMAT_SHA256SUM, NULL, 0, 1, 0,
     {{AT("plain", "md5sum.txt"), "entries", H_RECORDS}}},
    {"plain/sha256sum-tag.txt", VIGIL_FORMAT_SHA256SUM, NULL, 0, 1, 0,
     {{AT("plain", "md5sum.txt"), "entries", H_RECORDS}}},
    {"plain/md5sum-escaped-name.txt", VIGIL_FORMAT_MD5SUM, NULL, 0, 1, 0, {{0}}},
    {"plain/md5-bare-bom-crlf-upper.txt", VIGIL_FORMAT_MD5SUM, NULL, 0, 1, 0, {{0}}},
    {"plain/md5-bare-dirty.txt", VIGIL_FORMAT_MD5SUM, NULL, 0, 0, 0,
     {{AT("plain", "md5-bare-dirty.txt"), "valid", H_RECORDS},
      {AT("plain", "md5-bare-dirty.txt"), "distinct_valid", H_DISTINCT_MD5},
      {AT("plain", "md5-bare-dirty.txt"), "invalid_lines", H_INVALID_LINES},
      {AT("plain", "md5-bare-dirty.txt"), "nonblank_lines", H_NONBLANK}}},
    {"hashkeeper/hashkeeper.csv", VIGIL_FORMAT_HASHKEEPER, NULL, 0, 1, 0,
     {{AT("hashkeeper", "hashkeeper.csv"), "rows", H_RECORDS}}},
    {"encase/legacy-md5.hash", VIGIL_FORMAT_ENCASE, NULL, 0, 0, 0,
     {{AT("encase", "legacy-md5.hash"), "records", H_RECORDS},
      {AT("encase", "legacy-md5.hash"), "name", H_META_NAME}}},
};
#define NSAMPLES (sizeof samples / sizeof samples[0])

static char *sample_path(const char *rel)
{
    return tu_path(samples_dir, rel);
}

static yajl_val expected_value(const check *k)
{
    const char *path[8];
    size_t n = 0;
    yajl_val obj;
    for (; k->at[n]; n++)
        path[n] = k->at[n];
    path[n++] = k->key;
    path[n] = NULL;
    obj = yajl_tree_get(expected, path, yajl_t_any);
    if (!obj)
        fail_msg("expected.json has no %s under %s/%s", k->key, k->at[1], k->at[2] ? k->at[2] : "");
    return obj;
}

static long long expected_int(const check *k)
{
    yajl_val v = expected_value(k);
    assert_true(YAJL_IS_INTEGER(v));
    return YAJL_GET_INTEGER(v);
}

/* The CAID test mapping of expected.json as a "code,label" file. */
static char *write_category_map(const char *dir)
{
    const char *path[] = {"samples", "caid", "caid-vics-uk-cases.json", "test_category_map", NULL};
    yajl_val m = yajl_tree_get(expected, path, yajl_t_object);
    char *p = tu_path(dir, "caid-map.csv");
    FILE *f = fopen(p, "w");
    assert_non_null(m);
    assert_non_null(f);
    for (size_t i = 0; i < m->u.object.len; i++)
        fprintf(f, "%s,%s\n", m->u.object.keys[i], YAJL_GET_STRING(m->u.object.values[i]));
    fclose(f);
    return p;
}

static void check_one(const counts *c, const check *k, const sample_row *s)
{
    switch (k->how) {
    case H_RECORDS:
        assert_int_equal(c->records - c->retracts, expected_int(k));
        break;
    case H_DELETED:
        assert_int_equal(c->retracts, expected_int(k));
        break;
    case H_DISTINCT_MD5:
        assert_int_equal(c->md5.n, expected_int(k));
        break;
    case H_DISTINCT_SHA1:
        assert_int_equal(c->sha1.n, expected_int(k));
        break;
    case H_DISTINCT_SHA256:
        assert_int_equal(c->sha256.n, expected_int(k));
        break;
    case H_ZERO_LENGTH:
        assert_int_equal(c->zero_length, expected_int(k));
        break;
    case H_WITHOUT_MD5:
        assert_int_equal(c->without_md5, expected_int(k));
        break;
    case H_NONBLANK:
        assert_int_equal(c->records + c->rejects, expected_int(k));
        break;
    case H_INVALID_LINES: {
        yajl_val a = expected_value(k);
        assert_true(YAJL_IS_ARRAY(a));
        assert_int_equal(c->rejects, a->u.array.len);
        for (size_t i = 0; i < a->u.array.len; i++) {
            char want[64];
            snprintf(want, sizeof want, "line %lld", YAJL_GET_INTEGER(a->u.array.values[i]));
            assert_string_equal(c->reject_at[i], want);
        }
        break;
    }
    case H_META_NAME:
        assert_string_equal(c->meta_name, YAJL_GET_STRING(expected_value(k)));
        break;
    case H_SQ_EUCLIDEAN: {
        long long sum = 0;
        assert_int_equal(c->nphotodna, 2);
        for (int i = 0; i < VG_PHOTODNA_BYTES; i++) {
            int d = (int)c->photodna[0][i] - (int)c->photodna[1][i];
            sum += d * d;
        }
        assert_int_equal(sum, expected_int(k));
        break;
    }
    }
    (void)s;
}

static void sample__reads_as_expected(void **state)
{
    const sample_row *s = *state;
    const vg_hs_format *row = vg_hs_format_get(s->format);
    char *path = sample_path(s->path), *base = s->base ? sample_path(s->base) : NULL, *map = NULL, *tmp = NULL;
    counts *c;
    vigil_error err;
    vigil_hashset_format got;
    int rc;
    assert_non_null(row);
    c = calloc(1, sizeof *c);
    assert_non_null(c);
    if (s->map_from_expected) {
        tmp = tu_mkdtemp();
        map = write_category_map(tmp);
    }
    rc = read_as(c, path, s->format, base, map, &err);
    if (rc != 0)
        fail_msg("%s: %s", s->path, err.msg);
    assert_true(c->records > 0);
    for (size_t i = 0; i < sizeof s->checks / sizeof s->checks[0] && s->checks[i].at; i++)
        check_one(c, &s->checks[i], s);
    if (s->literal_records)
        assert_int_equal(c->records, s->literal_records);
    if (s->all_known) {
        assert_int_equal(c->unknown_digest, 0);
        assert_int_equal(c->rejects, 0);
    }
    /* Detection: the sample's own format, or, for a format never guessed, anything else. */
    rc = detect(&got, path, &err);
    if (row->detect || s->format <= VIGIL_FORMAT_SHA256SUM) {
        if (rc != 0)
            fail_msg("%s: detect: %s", s->path, err.msg);
        assert_string_equal(vigil_hashset_format_name(got), vigil_hashset_format_name(s->format));
    } else {
        assert_true(rc != 0 || got != s->format);
    }
    free(map);
    if (tmp)
        tu_rm_rf(tmp);
    free(tmp);
    free(c);
    free(path);
    free(base);
}

/* ---- NSRL RDSv3 --------------------------------------------------------- */

static void make_db(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    char *msg = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s", msg);
    sqlite3_close(db);
}

static void nsrl3__meta_and_places(void **state)
{
    char *path = sample_path("nsrl-rdsv3/minimal.db"), *full = sample_path("nsrl-rdsv3/full.db");
    counts *c = calloc(1, sizeof *c);
    vigil_error err;
    (void)state;
    assert_int_equal(read_as(c, path, VIGIL_FORMAT_NSRL_RDSV3, NULL, NULL, &err), 0);
    assert_string_equal(c->meta_version, "2024.06.1");
    assert_int_equal(c->progress_total, 40960); /* the database's bytes, all read at the end */
    assert_int_equal(c->progress_done, c->progress_total);
    assert_int_equal(c->zero_length, 1);
    assert_string_equal(c->names[0], "hello.txt");
    /* full layout: name and extension joined as the FILE view does */
    assert_int_equal(read_as(c, full, VIGIL_FORMAT_NSRL_RDSV3, NULL, NULL, &err), 0);
    assert_string_equal(c->names[0], "hello.txt");
    assert_int_equal(c->md5.n, 4); /* lower, upper and mixed case are one digest */
    free(c);
    free(path);
    free(full);
}

/* The path goes into an SQLite URI: characters that mean something there must be escaped. */
static void nsrl3__odd_path_and_read_only_directory(void **state)
{
    char *sample = sample_path("nsrl-rdsv3/minimal.db"), *dir = tu_mkdtemp(), *sub = tu_path(dir, "ro dir"),
         *p = tu_path(sub, "we ird?mode=rw#%41&x.db");
    size_t n;
    char *data;
    counts *c = calloc(1, sizeof *c);
    vigil_error err;
    struct stat before, after;
    FILE *f;
    (void)state;
    data = malloc(1 << 20);
    f = fopen(sample, "rb");
    assert_non_null(f);
    n = fread(data, 1, 1 << 20, f);
    fclose(f);
    assert_int_equal(mkdir(sub, 0700), 0);
    tu_write(sub, "we ird?mode=rw#%41&x.db", data, n);
    assert_int_equal(chmod(p, 0444), 0);
    assert_int_equal(chmod(sub, 0555), 0);
    assert_int_equal(stat(p, &before), 0);
    assert_int_equal(read_as(c, p, VIGIL_FORMAT_NSRL_RDSV3, NULL, NULL, &err), 0);
    assert_int_equal(c->records, 7);
    assert_int_equal(stat(p, &after), 0);
    assert_int_equal(before.st_mtime, after.st_mtime);
    assert_int_equal(before.st_size, after.st_size);
    chmod(sub, 0700);
    tu_rm_rf(dir);
    free(data);
    free(p);
    free(sub);
    free(dir);
    free(sample);
    free(c);
}

static void nsrl3__not_nsrl_and_unknown_layout(void **state)
{
    char *dir = tu_mkdtemp(), *other = tu_path(dir, "other.db"), *odd = tu_path(dir, "odd.db"),
         *view = tu_path(dir, "view.db"), *bad = tu_path(dir, "bad.db");
    counts *c = calloc(1, sizeof *c);
    vigil_error err;
    (void)state;
    make_db(other, "CREATE TABLE cases(id INTEGER); CREATE TABLE notes(t TEXT);");
    assert_true(read_as(c, other, VIGIL_FORMAT_NSRL_RDSV3, NULL, NULL, &err) < 0);
    assert_has(err.msg, "not an NSRL RDSv3 set");
    assert_has(err.msg, "FILE table");
    assert_has(err.msg, "cases, notes");
    make_db(odd, "CREATE TABLE FILE(a TEXT, b INTEGER); INSERT INTO FILE VALUES('x', 1);");
    assert_true(read_as(c, odd, VIGIL_FORMAT_NSRL_RDSV3, NULL, NULL, &err) < 0);
    assert_has(err.msg, "unknown NSRL RDSv3 layout");
    make_db(view, "CREATE TABLE T(sha1 TEXT); CREATE VIEW FILE AS SELECT sha1 FROM T;");
    assert_true(read_as(c, view, VIGIL_FORMAT_NSRL_RDSV3, NULL, NULL, &err) < 0);
    assert_has(err.msg, "no METADATA");
    /* a bad digest is one rejected row, named by its place; the rest is read */
    make_db(bad, "CREATE TABLE FILE(sha256 TEXT, sha1 TEXT, md5 TEXT, file_name TEXT, file_size INTEGER);"
                 "INSERT INTO FILE VALUES(NULL, '22AB8AB629B6B986C98613382C44C02FBFFAFB6B', NULL, 'a', 13);"
                 "INSERT INTO FILE VALUES(NULL, '22AB8AB629B6B986C98613382C44C02FBFFAFB6', NULL, 'b', 13);"
                 "INSERT INTO FILE VALUES(NULL, NULL, 'zzz', 'c', 1);"
                 "INSERT INTO FILE VALUES(NULL, NULL, NULL, 'd', 1);");
    assert_int_equal(read_as(c, bad, VIGIL_FORMAT_NSRL_RDSV3, NULL, NULL, &err), 0);
    assert_int_equal(c->records, 1);
    assert_int_equal(c->rejects, 3);
    assert_string_equal(c->reject_at[0], "FILE row 2");
    assert_has(c->reject_why[0], "sha1");
    assert_string_equal(c->reject_at[1], "FILE row 3");
    assert_string_equal(c->reject_at[2], "FILE row 4");
    /* full layout: places are METADATA rowids, digests in any case */
    make_db(bad, "DROP TABLE FILE; CREATE TABLE METADATA(object_id INTEGER, file_name TEXT, extension TEXT,"
                 " bytes INTEGER, md5 TEXT, sha1 TEXT, sha256 TEXT);"
                 "CREATE VIEW FILE AS SELECT upper(sha256) AS sha256, upper(sha1) AS sha1, upper(md5) AS md5"
                 " FROM METADATA;"
                 "INSERT INTO METADATA(rowid, file_name, extension, bytes, md5) VALUES"
                 " (7, 'a', 'txt', 13, '2b995e16D04DF2E25AC7FED9FB77EA2C'),"
                 " (9, 'b', '', 13, '2b995e16D04DF2E25AC7FED9FB77EA2'),"
                 " (12, 'c', '', 0, 'd41d8cd98f00b204e9800998ecf8427e');");
    assert_int_equal(read_as(c, bad, VIGIL_FORMAT_NSRL_RDSV3, NULL, NULL, &err), 0);
    assert_int_equal(c->records, 2);
    assert_int_equal(c->zero_length, 1);
    assert_string_equal(c->names[0], "a.txt");
    assert_string_equal(c->names[1], "c");
    assert_int_equal(c->rejects, 1);
    assert_string_equal(c->reject_at[0], "METADATA rowid 9");
    assert_has(c->reject_why[0], "md5 '2b995e16D04DF2E25AC7FED9FB77EA2' is not 32 hex digits");
    tu_rm_rf(dir);
    free(dir);
    free(other);
    free(odd);
    free(view);
    free(bad);
    free(c);
}

static void nsrl3__delta_needs_base_and_leaves_it_alone(void **state)
{
    char *delta = sample_path("nsrl-rdsv3/minimal-delta.sql"), *base = sample_path("nsrl-rdsv3/minimal.db");
    char *dir = tu_mkdtemp(), *evil = tu_path(dir, "evil.sql"), *cut = tu_path(dir, "cut.sql");
    char *scratch = tu_path(dir, "tmp"), *old_tmp = getenv("TMPDIR") ? strdup(getenv("TMPDIR")) : NULL;
    counts *c = calloc(1, sizeof *c);
    vigil_error err;
    struct stat before, after;
    static const char attach[] = "BEGIN TRANSACTION;\nDELETE FROM FILE WHERE file_size = 0;\n"
                                 "ATTACH DATABASE '/tmp/x.db' AS x;\nCOMMIT;\n";
    static const char create[] = "BEGIN TRANSACTION;\nDELETE FROM FILE WHERE file_size = 13;\n"
                                 "CREATE TABLE junk(a);\nCOMMIT;\n";
    static const char open_tx[] = "BEGIN TRANSACTION;\nDELETE FROM FILE WHERE file_size = 0;\n";
    (void)state;
    assert_int_equal(mkdir(scratch, 0700), 0);
    setenv("TMPDIR", scratch, 1);
    assert_int_equal(stat(base, &before), 0);
    assert_true(read_as(c, delta, VIGIL_FORMAT_NSRL_RDSV3, NULL, NULL, &err) < 0);
    assert_has(err.msg, "a delta needs the database it applies to: --base");
    assert_int_equal(read_as(c, delta, VIGIL_FORMAT_NSRL_RDSV3, base, NULL, &err), 0);
    assert_string_equal(c->meta_version, "2024.09.1");
    tu_write(dir, "evil.sql", attach, sizeof attach - 1);
    assert_true(read_as(c, evil, VIGIL_FORMAT_NSRL_RDSV3, base, NULL, &err) < 0);
    assert_has(err.msg, "line 3: \"ATTACH DATABASE '/tmp/x.db' AS x;\" is not allowed");
    assert_has(err.msg, "(ATTACH /tmp/x.db refused");
    tu_write(dir, "evil.sql", create, sizeof create - 1);
    assert_true(read_as(c, evil, VIGIL_FORMAT_NSRL_RDSV3, base, NULL, &err) < 0);
    assert_has(err.msg, "line 3: \"CREATE TABLE junk(a);\" is not allowed");
    tu_write(dir, "cut.sql", open_tx, sizeof open_tx - 1);
    assert_true(read_as(c, cut, VIGIL_FORMAT_NSRL_RDSV3, base, NULL, &err) < 0);
    assert_has(err.msg, "without COMMIT");
    /* the original is untouched and no scratch copy is left behind */
    assert_int_equal(stat(base, &after), 0);
    assert_int_equal(before.st_size, after.st_size);
    assert_int_equal(before.st_mtime, after.st_mtime);
    assert_int_equal(rmdir(scratch), 0);
    if (old_tmp)
        setenv("TMPDIR", old_tmp, 1);
    else
        unsetenv("TMPDIR");
    tu_rm_rf(dir);
    free(old_tmp);
    free(scratch);
    free(cut);
    free(evil);
    free(dir);
    free(delta);
    free(base);
    free(c);
}

/*
 * SQLite's dbhash of minimal.db after minimal-delta.sql, computed by a separate
 * Python implementation of the algorithm (hashlib over sqlite3 rows), as a
 * known answer for the C one.
 */
#define MINIMAL_AFTER_DELTA_DBHASH "e595e0f88b238db16afe780e1bf1ceaf45de46d4"

static void nsrl3__delta_checked_against_published_dbhash(void **state)
{
    char *delta = sample_path("nsrl-rdsv3/minimal-delta.sql"), *base = sample_path("nsrl-rdsv3/minimal.db");
    char *dir = tu_mkdtemp(), *copy = tu_path(dir, "RDS_2024.09.1_minimal_delta.sql"), *data;
    counts *c = calloc(1, sizeof *c);
    vigil_error err;
    size_t n;
    FILE *f = fopen(delta, "rb");
    (void)state;
    data = malloc(1 << 16);
    assert_non_null(f);
    n = fread(data, 1, 1 << 16, f);
    fclose(f);
    tu_write(dir, "RDS_2024.09.1_minimal_delta.sql", data, n);
    /* a BOM in front of the script changes nothing */
    tu_write(dir, "bom.sql", "\xef\xbb\xbf", 3);
    {
        char *bom = tu_path(dir, "bom.sql");
        FILE *g = fopen(bom, "ab");
        assert_non_null(g);
        fwrite(data, 1, n, g);
        fclose(g);
        assert_int_equal(read_as(c, bom, VIGIL_FORMAT_NSRL_RDSV3, base, NULL, &err), 0);
        assert_int_equal(c->records, 7);
        unlink(bom);
        free(bom);
    }
    /* without a published value nothing is compared */
    assert_int_equal(read_as(c, copy, VIGIL_FORMAT_NSRL_RDSV3, base, NULL, &err), 0);
    assert_string_equal(c->meta_dbhash, "");
    tu_write(dir, "dbhash.txt", "dbhash 0123456789abcdef0123456789abcdef01234567\n", 48);
    assert_true(read_as(c, copy, VIGIL_FORMAT_NSRL_RDSV3, base, NULL, &err) < 0);
    assert_has(err.msg, "dbhash is " MINIMAL_AFTER_DELTA_DBHASH ", not the published "
                        "0123456789abcdef0123456789abcdef01234567");
    assert_int_equal(c->records, 0); /* nothing imported */
    tu_write(dir, "dbhash.txt", "E595E0F88B238DB16AFE780E1BF1CEAF45DE46D4  RDS_2024.09.1_minimal\n", 64);
    assert_int_equal(read_as(c, copy, VIGIL_FORMAT_NSRL_RDSV3, base, NULL, &err), 0);
    assert_string_equal(c->meta_dbhash, MINIMAL_AFTER_DELTA_DBHASH);
    assert_int_equal(c->records, 7);
    tu_rm_rf(dir);
    free(data);
    free(copy);
    free(dir);
    free(delta);
    free(base);
    free(c);
}

static void nsrl3__csv_export(void **state)
{
    static const char csv[] =
        "sha256,sha1,md5,crc32,file_name,file_size,package_id\r\n"
        "815525CFD9B92F4D6707F74459FFC157949043623F12F383596EE7919A6277DE,22AB8AB629B6B986C98613382C44C02FBFFAFB6B,"
        "2B995E16D04DF2E25AC7FED9FB77EA2C,19EDBD18,\"hello, again.txt\",13,1\r\n"
        "zz,22AB8AB629B6B986C98613382C44C02FBFFAFB6B,2B995E16D04DF2E25AC7FED9FB77EA2C,19EDBD18,x,13,1\r\n"
        "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855,,,00000000,empty,0,1\r\n";
    static const char quoted[] =
        "\"SHA256\",\"SHA1\",\"MD5\",\"file_name\",\"file_size\"\n"
        "\"815525CFD9B92F4D6707F74459FFC157949043623F12F383596EE7919A6277DE\",,,\"hello.txt\",13\n";
    char *dir = tu_mkdtemp(), *p = tu_path(dir, "rds.csv");
    counts *c = calloc(1, sizeof *c);
    vigil_error err;
    vigil_hashset_format got;
    (void)state;
    tu_write(dir, "rds.csv", csv, sizeof csv - 1);
    assert_int_equal(detect(&got, p, &err), 0);
    assert_int_equal(got, VIGIL_FORMAT_NSRL_RDSV3);
    assert_int_equal(read_as(c, p, VIGIL_FORMAT_NSRL_RDSV3, NULL, NULL, &err), 0);
    assert_int_equal(c->records, 2);
    assert_int_equal(c->zero_length, 1);
    assert_string_equal(c->names[0], "hello, again.txt");
    assert_int_equal(c->rejects, 1);
    assert_string_equal(c->reject_at[0], "line 3");
    /* quoted names and another order after the digests are the same export */
    tu_write(dir, "rds.csv", quoted, sizeof quoted - 1);
    assert_int_equal(detect(&got, p, &err), 0);
    assert_int_equal(got, VIGIL_FORMAT_NSRL_RDSV3);
    assert_int_equal(read_as(c, p, VIGIL_FORMAT_NSRL_RDSV3, NULL, NULL, &err), 0);
    assert_int_equal(c->records, 1);
    assert_string_equal(c->names[0], "hello.txt");
    tu_rm_rf(dir);
    free(dir);
    free(p);
    free(c);
}

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    char *buf = malloc(1 << 20);
    assert_non_null(f);
    assert_non_null(buf);
    *n = fread(buf, 1, 1 << 20, f);
    fclose(f);
    return buf;
}

/* ---- NSRL RDS 2.x ------------------------------------------------------- */

static void nsrl2__names_version_and_bad_lines(void **state)
{
    static const char text[] =
        "\"SHA-1\",\"MD5\",\"CRC32\",\"FileName\",\"FileSize\",\"ProductCode\",\"OpSystemCode\",\"SpecialCode\"\r\n"
        "\"22AB8AB629B6B986C98613382C44C02FBFFAFB6B\",\"2B995E16D04DF2E25AC7FED9FB77EA2C\",\"19EDBD18\",\"A.TXT\",13,1,\"1\",\"M\"\r\n"
        "\"22AB8AB629B6B986C98613382C44C02FBFFAFB6\",\"2B995E16D04DF2E25AC7FED9FB77EA2C\",\"19EDBD18\",\"B.TXT\",13,1,\"1\",\"\"\r\n"
        "\"22AB8AB629B6B986C98613382C44C02FBFFAFB6B\",\"2B995E16D04DF2E25AC7FED9FB77EAXX\",\"19EDBD18\",\"C.TXT\",13,1,\"1\",\"\"\r\n"
        "\"22AB8AB629B6B986C98613382C44C02FBFFAFB6B\",\"2B995E16D04DF2E25AC7FED9FB77EA2C\",\"19EDBD18\",\"D.TXT\",13,1\r\n"
        "\"22AB8AB629B6B986C98613382C44C02FBFFAFB6B\",\"2B995E16D04DF2E25AC7FED9FB77EA2C\",\"19EDBD18\",\"E.TXT,13,1,\"1\",\"\"\r\n"
        "\"SHA-1\",\"MD5\",\"CRC32\",\"FileName\",\"FileSize\",\"ProductCode\",\"OpSystemCode\",\"SpecialCode\"\r\n"
        "\"FDB082ACCC854D5ABD4D95975464BC520BD393B0\",\"6FAE44E2090EE24ECE46B6EE0B3C3501\",\"7607EBB3\",\"LOREM.TXT\",101,1,\"1\",\"\"\r\n";
    /* the old order, with an MD4 column */
    static const char old[] =
        "\"SHA-1\",\"FileName\",\"FileSize\",\"ProductCode\",\"OpSystemCode\",\"MD4\",\"MD5\",\"CRC32\",\"SpecialCode\"\r\n"
        "\"22AB8AB629B6B986C98613382C44C02FBFFAFB6B\",\"OLD.TXT\",13,1,\"1\",\"00000000000000000000000000000000\","
        "\"2B995E16D04DF2E25AC7FED9FB77EA2C\",\"19EDBD18\",\"\"\r\n";
    char *sample = sample_path("nsrl-rds2/NSRLFile.txt"), *dir = tu_mkdtemp(), *p = tu_path(dir, "NSRLFile.txt"),
         *q = tu_path(dir, "old.txt");
    counts *c = calloc(1, sizeof *c);
    vigil_error err;
    vigil_hashset_format got;
    int sawlatin = 0;
    (void)state;
    assert_int_equal(read_as(c, sample, VIGIL_FORMAT_NSRL_RDS2, NULL, NULL, &err), 0);
    assert_string_equal(c->meta_version, "2024/06/01 2.99 synthetic");
    assert_int_equal(c->rejects, 0);
    for (int i = 0; i < c->nnames; i++)
        sawlatin |= !strcmp(c->names[i], "CAF\xC9.TXT");
    assert_true(sawlatin);
    assert_string_equal(c->names[5], "SETUP, FULL.EXE");

    tu_write(dir, "NSRLFile.txt", text, sizeof text - 1);
    assert_int_equal(read_as(c, p, VIGIL_FORMAT_NSRL_RDS2, NULL, NULL, &err), 0);
    assert_int_equal(c->records, 2); /* A.TXT, then LOREM.TXT after the joined part's header */
    assert_string_equal(c->first_category, "M"); /* SpecialCode: known malicious */
    assert_string_equal(c->first_profile, "NSRL SpecialCode");
    assert_int_equal(c->rejects, 4);
    assert_string_equal(c->reject_at[0], "line 3");
    assert_has(c->reject_why[0], "SHA-1");
    assert_string_equal(c->reject_at[1], "line 4");
    assert_has(c->reject_why[1], "MD5");
    assert_string_equal(c->reject_at[2], "line 5");
    assert_has(c->reject_why[2], "fields");
    assert_string_equal(c->reject_at[3], "line 6");
    assert_string_equal(c->meta_version, ""); /* no version.txt beside it */

    /* a BOM and LF line ends: the same records as the sample */
    {
        size_t n;
        char *data = slurp(sample, &n), *lf = malloc(n + 4), *bomlf = tu_path(dir, "bom-lf.txt");
        size_t k = 0;
        vigil_hashset_format fmt;
        memcpy(lf, "\xef\xbb\xbf", 3);
        k = 3;
        for (size_t i = 0; i < n; i++)
            if (data[i] != '\r')
                lf[k++] = data[i];
        tu_write(dir, "bom-lf.txt", lf, k);
        assert_int_equal(detect(&fmt, bomlf, &err), 0);
        assert_int_equal(fmt, VIGIL_FORMAT_NSRL_RDS2);
        assert_int_equal(read_as(c, bomlf, VIGIL_FORMAT_NSRL_RDS2, NULL, NULL, &err), 0);
        assert_int_equal(c->records, 7);
        assert_int_equal(c->rejects, 0);
        assert_string_equal(c->names[5], "SETUP, FULL.EXE");
        free(bomlf);
        free(lf);
        free(data);
    }

    tu_write(dir, "old.txt", old, sizeof old - 1);
    assert_int_equal(detect(&got, q, &err), 0);
    assert_int_equal(got, VIGIL_FORMAT_NSRL_RDS2);
    assert_int_equal(read_as(c, q, VIGIL_FORMAT_NSRL_RDS2, NULL, NULL, &err), 0);
    assert_int_equal(c->records, 1);
    assert_int_equal(c->md5.n, 1);
    assert_string_equal(c->names[0], "OLD.TXT");
    tu_rm_rf(dir);
    free(dir);
    free(p);
    free(q);
    free(sample);
    free(c);
}

static void nsrl2__truncated_file(void **state)
{
    char *sample = sample_path("nsrl-rds2/NSRLFile.txt"), *dir = tu_mkdtemp(), *p = tu_path(dir, "NSRLFile.txt");
    size_t n;
    char *data = slurp(sample, &n);
    counts *c = calloc(1, sizeof *c);
    vigil_error err;
    (void)state;
    tu_write(dir, "NSRLFile.txt", data, n - 40); /* cut inside the last line */
    assert_int_equal(read_as(c, p, VIGIL_FORMAT_NSRL_RDS2, NULL, NULL, &err), 0);
    assert_int_equal(c->records, 6);
    assert_int_equal(c->rejects, 1);
    assert_string_equal(c->reject_at[0], "line 8");
    assert_has(c->reject_why[0], "truncated");
    tu_rm_rf(dir);
    free(data);
    free(dir);
    free(p);
    free(sample);
    free(c);
}

/* ---- HashKeeper and EnCase ---------------------------------------------- */

static void hashkeeper__header_required_and_bad_lines(void **state)
{
    static const char noheader[] = "1,77,\"hello.txt\",\"\\demo\",\"2B995E16D04DF2E25AC7FED9FB77EA2C\",13\r\n";
    char *sample = sample_path("hashkeeper/hashkeeper.csv"), *dir = tu_mkdtemp(), *p = tu_path(dir, "hk.csv");
    size_t n;
    char *data = slurp(sample, &n);
    counts *c = calloc(1, sizeof *c);
    vigil_error err;
    (void)state;
    tu_write(dir, "hk.csv", noheader, sizeof noheader - 1);
    assert_true(read_as(c, p, VIGIL_FORMAT_HASHKEEPER, NULL, NULL, &err) < 0);
    assert_has(err.msg, "line 1: not a HashKeeper list");
    /* the sample with one digest spoiled and one line cut short */
    data[n] = '\0';
    {
        char *second = strstr(data, "2B995E16");
        char *third = strstr(data, "\r\n3,");
        assert_non_null(second);
        assert_non_null(third);
        second[0] = 'G';
        tu_write(dir, "hk.csv", data, (size_t)(third - data) + 2);
        {
            FILE *f = fopen(p, "ab");
            fputs("3,77,\"notes.txt\"\r\n", f);
            fclose(f);
        }
    }
    assert_int_equal(read_as(c, p, VIGIL_FORMAT_HASHKEEPER, NULL, NULL, &err), 0);
    assert_int_equal(c->records, 1);
    assert_string_equal(c->names[0], "lorem.txt");
    assert_int_equal(c->rejects, 2);
    assert_string_equal(c->reject_at[0], "line 2");
    assert_string_equal(c->reject_at[1], "line 4");
    tu_rm_rf(dir);
    free(data);
    free(dir);
    free(p);
    free(sample);
    free(c);
}

static void encase__truncated_and_bad_magic(void **state)
{
    char *sample = sample_path("encase/legacy-md5.hash"), *dir = tu_mkdtemp(), *p = tu_path(dir, "x.hash");
    size_t n;
    char *data = slurp(sample, &n);
    counts *c = calloc(1, sizeof *c);
    vigil_error err;
    uint8_t want[16];
    (void)state;
    tu_write(dir, "x.hash", data, n - 5);
    assert_int_equal(read_as(c, p, VIGIL_FORMAT_ENCASE, NULL, NULL, &err), 0);
    assert_int_equal(c->records, 3);
    assert_int_equal(c->rejects, 1);
    assert_string_equal(c->reject_at[0], "offset 1206");
    assert_has(c->reject_why[0], "truncated record (13 of 18 bytes");
    /* the first record is the made-up digest of the NSRL samples, read as raw bytes */
    vg_hex_decode(want, "1e746b79c84295ebda3c6c5133f46f88", 16);
    assert_int_equal(read_as(c, sample, VIGIL_FORMAT_ENCASE, NULL, NULL, &err), 0);
    assert_int_equal(c->md5.n, 4);
    assert_memory_equal(c->first_md5, want, 16);
    tu_write(dir, "x.hash", data, 1100);
    assert_true(read_as(c, p, VIGIL_FORMAT_ENCASE, NULL, NULL, &err) < 0);
    assert_has(err.msg, "truncated header");
    data[6] = 0x00;
    tu_write(dir, "x.hash", data, n);
    assert_true(read_as(c, p, VIGIL_FORMAT_ENCASE, NULL, NULL, &err) < 0);
    assert_has(err.msg, "EnCase 7 and later are not supported");
    tu_rm_rf(dir);
    free(data);
    free(dir);
    free(p);
    free(sample);
    free(c);
}

/* ---- fields -------------------------------------------------------------- */

/* The fast hex decoder agrees with the plain one on every byte value at every place of a chunk. */
static void fields__hex_matches_reference(void **state)
{
    static const char base[] = "0123456789abcdefABCDEF0123456789";
    (void)state;
    for (size_t at = 0; at < 20; at++)
        for (int c = 0; c < 256; c++) {
            char s[33];
            uint8_t fast[16], slow[16];
            int rf, rs;
            memcpy(s, base, sizeof s);
            s[at] = (char)c;
            rf = vg_hs_hex(fast, s, 16);
            rs = vg_hex_decode(slow, s, 16);
            if (rf != rs)
                fail_msg("byte 0x%02x at %zu: fast %d, reference %d", c, at, rf, rs);
            if (rf == 0)
                assert_memory_equal(fast, slow, 16);
        }
    {
        uint8_t out[3];
        assert_int_equal(vg_hs_hex(out, "0aFf7Z", 3), -1); /* a tail shorter than a chunk */
        assert_int_equal(vg_hs_hex(out, "0aFf7e", 3), 0);
        assert_int_equal(out[2], 0x7e);
    }
}

/* ---- detection ---------------------------------------------------------- */

static void detect__no_rule_fits(void **state)
{
    static const char text[] = "this is a letter, not a hash list\nsecond line\n";
    char *dir = tu_mkdtemp(), *p = tu_path(dir, "letter.txt");
    vigil_error err;
    vigil_hashset_format got;
    (void)state;
    tu_write(dir, "letter.txt", text, sizeof text - 1);
    assert_true(detect(&got, p, &err) < 0);
    assert_int_equal(err.code, VIGIL_EINPUT);
    assert_has(err.msg, "unknown hash-set format");
    for (const char *const *f = (const char *const[]){"hashdeep", "nsrl-rdsv3", "nsrl-rds2", "hashkeeper",
                                                      "encase", "md5sum", NULL}; *f; f++)
        if (!strstr(err.msg, *f))
            fail_msg("'%s' not named in: %s", *f, err.msg);
    tu_rm_rf(dir);
    free(dir);
    free(p);
}

static void detect__sqlite_that_is_not_nsrl(void **state)
{
    char *dir = tu_mkdtemp(), *p = tu_path(dir, "x.db");
    vigil_error err;
    vigil_hashset_format got;
    (void)state;
    make_db(p, "CREATE TABLE FILES(a); CREATE TABLE PROFILE(b);");
    assert_true(detect(&got, p, &err) < 0);
    tu_rm_rf(dir);
    free(dir);
    free(p);
}

/* A name with every byte but NUL, written the way vigil hash writes it, reads back exactly;
 * an ordinary name with backslashes is taken as it is, as hashdeep writes it. */
static void lines__escaped_names_round_trip(void **state)
{
    static const char hdr1[] = "%%%% HASHDEEP-1.0", hdr2[] = "%%%% size,md5,filename";
    static const char md5[] = "0123456789abcdef0123456789abcdef";
    char name[255], line[2048];
    vg_lines p;
    vg_hash_record r;
    vg_buf b;
    char why[256];
    (void)state;
    for (int i = 0; i < 255; i++)
        name[i] = (char)(i + 1);
    assert_int_equal(vg_line_name_needs_escape(name, sizeof name), 1);
    assert_int_equal(vg_line_name_needs_escape("C:\\x41 =b", 9), 0);
    vg_buf_init(&b, 1 << 20);
    vg_buf_adds(&b, "\\5,");
    vg_buf_adds(&b, md5);
    vg_buf_addc(&b, ',');
    vg_line_name_escape(&b, name, sizeof name);
    assert_null(memchr(b.ptr, '\n', b.len));
    assert_null(memchr(b.ptr, '\r', b.len));
    vg_lines_init(&p, VIGIL_FORMAT_AUTO);
    snprintf(line, sizeof line, "%s", hdr1);
    assert_int_equal(vg_lines_parse(&p, line, strlen(line), &r, why, sizeof why), 0);
    snprintf(line, sizeof line, "%s", hdr2);
    assert_int_equal(vg_lines_parse(&p, line, strlen(line), &r, why, sizeof why), 0);
    memcpy(line, b.ptr, b.len);
    assert_int_equal(vg_lines_parse(&p, line, b.len, &r, why, sizeof why), 1);
    assert_int_equal(r.size, 5);
    assert_int_equal(r.name_len, sizeof name);
    assert_memory_equal(r.name, name, sizeof name);
    snprintf(line, sizeof line, "5,%s,C:\\x41\\n", md5); /* no leading backslash: bytes as they are */
    assert_int_equal(vg_lines_parse(&p, line, strlen(line), &r, why, sizeof why), 1);
    assert_int_equal(r.name_len, 8);
    assert_memory_equal(r.name, "C:\\x41\\n", 8);
    snprintf(line, sizeof line, "\\5,%s,bad\\q", md5);
    assert_int_equal(vg_lines_parse(&p, line, strlen(line), &r, why, sizeof why), -1);
    assert_non_null(strstr(why, "bad escape"));
    snprintf(line, sizeof line, "\\5,%s,nul\\x00", md5); /* no name holds a NUL */
    assert_int_equal(vg_lines_parse(&p, line, strlen(line), &r, why, sizeof why), -1);
    snprintf(line, sizeof line, "\\5,%s,cut\\x4", md5);
    assert_int_equal(vg_lines_parse(&p, line, strlen(line), &r, why, sizeof why), -1);
    vg_buf_dispose(&b);
    vg_lines_init(&p, VIGIL_FORMAT_PDQ); /* the PDQ list of vigil pdq, the same form */
    snprintf(line, sizeof line, "\\%s%s,90,a\\nb", md5, md5);
    assert_int_equal(vg_lines_parse(&p, line, strlen(line), &r, why, sizeof why), 1);
    assert_int_equal(r.pdq_quality, 90);
    assert_int_equal(r.name_len, 3);
    assert_memory_equal(r.name, "a\nb", 3);
}

static const char *format_word(vigil_hashset_format f)
{
    switch (f) {
    case VIGIL_FORMAT_VICS: return "VICS";
    case VIGIL_FORMAT_CAID: return "CAID";
    case VIGIL_FORMAT_ICSE: return "ICSE";
    case VIGIL_FORMAT_NCMEC: return "NCMEC";
    case VIGIL_FORMAT_PHOTODNA: return "PhotoDNA";
    default: return vigil_hashset_format_name(f);
    }
}

static void no_reader(void **state)
{
    const sample_row *s = *state;
    fail_msg("%s: format %s has no row in the reader table (vg_hs_format_get)", s->path, format_word(s->format));
}

int main(void)
{
    struct CMUnitTest tests[NSAMPLES + 16];
    size_t n = 0, len = 0;
    char *json, errbuf[256], *epath;
    FILE *f;
    samples_dir = tu_testdata("hashsets");
    epath = tu_path(samples_dir, "expected.json");
    json = calloc(1, 1 << 20);
    f = fopen(epath, "rb");
    if (!json || !f)
        return 1;
    len = fread(json, 1, (1 << 20) - 1, f);
    fclose(f);
    json[len] = '\0';
    expected = yajl_tree_parse(json, errbuf, sizeof errbuf);
    if (!expected) {
        fprintf(stderr, "%s: %s\n", epath, errbuf);
        return 1;
    }
    /* every sample's format must have its reader: a missing row is a failure, not a skip */
    for (size_t i = 0; i < NSAMPLES; i++)
        tests[n++] = (struct CMUnitTest){samples[i].path,
                                         vg_hs_format_get(samples[i].format) ? sample__reads_as_expected : no_reader,
                                         NULL, NULL, (void *)&samples[i]};
#define ADD(fn) tests[n++] = (struct CMUnitTest){#fn, fn, NULL, NULL, NULL}
    ADD(nsrl3__meta_and_places);
    ADD(nsrl3__odd_path_and_read_only_directory);
    ADD(nsrl3__not_nsrl_and_unknown_layout);
    ADD(nsrl3__delta_needs_base_and_leaves_it_alone);
    ADD(nsrl3__delta_checked_against_published_dbhash);
    ADD(nsrl3__csv_export);
    ADD(nsrl2__names_version_and_bad_lines);
    ADD(nsrl2__truncated_file);
    ADD(hashkeeper__header_required_and_bad_lines);
    ADD(encase__truncated_and_bad_magic);
    ADD(fields__hex_matches_reference);
    ADD(detect__no_rule_fits);
    ADD(detect__sqlite_that_is_not_nsrl);
    ADD(lines__escaped_names_round_trip);
    {
        int rc = tu_run_group("hashset_formats", tests, n, NULL, NULL);
        yajl_tree_free(expected);
        free(json);
        free(epath);
        free(samples_dir);
        return rc;
    }
}

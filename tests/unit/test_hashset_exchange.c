/*
 * Exchange-format readers (VICS, CAID, ICSE, NCMEC, PhotoDNA lists) and the
 * exporters, on the sample sets in tests/data/hashsets through
 * the format table, with counts from its expected.json, plus every kind of
 * bad input each reader must refuse or reject.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "testutil.h"

#include "core/hex.h"
#include "formats/exchange/exchange.h"
#include "formats/export.h"
#include "formats/formats.h"
#include "formats/exchange/photodna.h"

/* ---- a sink that keeps copies of everything it is given ---- */

typedef struct got_rec {
    vg_hs_record r;
    char category[32], label[128], profile[48], series[128], ext[128], name[256], source_set[128];
} got_rec;

typedef struct got {
    got_rec rec[64];
    size_t nrec;
    char reject_where[32][64], reject_why[32][200];
    size_t nreject;
    char meta[64][300];
    size_t nmeta;
    uint64_t progress_calls;
    char source_set[128];
} got;

static void copy(char *dst, size_t cap, const char *s)
{
    snprintf(dst, cap, "%s", s ? s : "");
}

static int on_record(void *ud, const vg_hs_record *r, vigil_error *err)
{
    got *g = ud;
    got_rec *o;
    (void)err;
    if (g->nrec == sizeof g->rec / sizeof g->rec[0])
        return 0; /* counted by the tests that need more via nrec staying at the cap */
    o = &g->rec[g->nrec++];
    o->r = *r;
    copy(o->category, sizeof o->category, r->category);
    copy(o->label, sizeof o->label, r->category_label);
    copy(o->profile, sizeof o->profile, r->profile);
    copy(o->series, sizeof o->series, r->series);
    copy(o->ext, sizeof o->ext, r->external_id);
    snprintf(o->name, sizeof o->name, "%.*s", (int)(r->name ? r->name_len : 0), r->name ? r->name : "");
    copy(o->source_set, sizeof o->source_set, g->source_set);
    /* the lent strings are gone after this call: keep only the copies */
    o->r.category = o->r.category_label = o->r.profile = o->r.series = o->r.external_id = NULL;
    o->r.name = NULL;
    return 0;
}

static int on_reject(void *ud, const char *where, const char *why, vigil_error *err)
{
    got *g = ud;
    (void)err;
    if (g->nreject < 32) {
        copy(g->reject_where[g->nreject], sizeof g->reject_where[0], where);
        copy(g->reject_why[g->nreject], sizeof g->reject_why[0], why);
    }
    g->nreject++;
    return 0;
}

static void on_meta(void *ud, const char *key, const char *value)
{
    got *g = ud;
    if (!strcmp(key, "source_set"))
        copy(g->source_set, sizeof g->source_set, value);
    if (g->nmeta < 64)
        snprintf(g->meta[g->nmeta++], sizeof g->meta[0], "%s=%s", key, value);
}

static void on_progress(void *ud, uint64_t done, uint64_t total)
{
    got *g = ud;
    (void)done, (void)total;
    g->progress_calls++;
}

static const char *meta_value(const got *g, const char *key)
{
    size_t k = strlen(key);
    for (size_t i = 0; i < g->nmeta; i++)
        if (!strncmp(g->meta[i], key, k) && g->meta[i][k] == '=')
            return g->meta[i] + k + 1;
    return NULL;
}

static int meta_count(const got *g, const char *key)
{
    int n = 0;
    size_t k = strlen(key);
    for (size_t i = 0; i < g->nmeta; i++)
        n += !strncmp(g->meta[i], key, k) && g->meta[i][k] == '=';
    return n;
}

/* ---- where the samples are ---- */

static char *sample(const char *rel)
{
    char *dir = tu_testdata("hashsets"), *p = tu_path(dir, rel);
    free(dir);
    return p;
}

static yajl_val expected_json(void)
{
    static yajl_val root;
    if (!root) {
        char *path = sample("expected.json"), *text, errbuf[128];
        FILE *f = fopen(path, "rb");
        long n;
        assert_non_null(f);
        fseek(f, 0, SEEK_END);
        n = ftell(f);
        rewind(f);
        text = malloc((size_t)n + 1);
        assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
        text[n] = '\0';
        fclose(f);
        root = yajl_tree_parse(text, errbuf, sizeof errbuf);
        assert_non_null(root);
        free(text);
        free(path);
    }
    return root;
}

static long long expected_int(const char *a, const char *b, const char *c, const char *d)
{
    const char *path[] = {a, b, c, d, NULL};
    yajl_val v = yajl_tree_get(expected_json(), path, yajl_t_number);
    assert_true(YAJL_IS_INTEGER(v));
    return YAJL_GET_INTEGER(v);
}

static const char *expected_str(const char *a, const char *b, const char *c, const char *d)
{
    const char *path[] = {a, b, c, d, NULL};
    yajl_val v = yajl_tree_get(expected_json(), path, yajl_t_string);
    assert_non_null(v);
    return YAJL_GET_STRING(v);
}

static void expected_digest(uint8_t *out, size_t bytes, const char *file, const char *alg)
{
    const char *hex = expected_str("files", file, alg, NULL);
    assert_int_equal(strlen(hex), 2 * bytes);
    assert_int_equal(vg_hex_decode(out, hex, bytes), 0);
}

/* ---- reading through the format table ---- */

static int read_path(got *g, const char *path, vigil_hashset_format fmt, const char *map, vigil_error *err)
{
    vg_hs_sink sink = {on_record, on_reject, on_meta, on_progress, g};
    vg_hs_read_opts o;
    int fd = open(path, O_RDONLY), rc;
    memset(g, 0, sizeof *g);
    memset(&o, 0, sizeof o);
    assert_true(fd >= 0);
    if (fmt == VIGIL_FORMAT_AUTO && (rc = vg_hs_detect(&fmt, fd, path, err)) < 0) {
        close(fd);
        return rc;
    }
    o.label = path;
    o.format = fmt;
    o.category_map = map;
    assert_non_null(vg_hs_format_get(fmt));
    rc = vg_hs_format_get(fmt)->read(fd, path, &o, &sink, err);
    close(fd);
    return rc;
}

static int read_sample(got *g, const char *rel, vigil_hashset_format fmt, const char *map, vigil_error *err)
{
    char *p = sample(rel);
    int rc = read_path(g, p, fmt, map, err);
    free(p);
    return rc;
}

/* Write data to a fresh temporary file and read it. */
static int read_text(got *g, const void *data, size_t n, vigil_hashset_format fmt, const char *map,
                     vigil_error *err)
{
    char *dir = tu_mkdtemp(), *p;
    int rc;
    tu_write(dir, "input", data, n);
    p = tu_path(dir, "input");
    rc = read_path(g, p, fmt, map, err);
    free(p);
    tu_rm_rf(dir);
    free(dir);
    return rc;
}

static int read_str(got *g, const char *text, vigil_hashset_format fmt, vigil_error *err)
{
    return read_text(g, text, strlen(text), fmt, NULL, err);
}

static const got_rec *find_md5(const got *g, const uint8_t md5[16], int nth)
{
    for (size_t i = 0; i < g->nrec; i++)
        if (g->rec[i].r.has_md5 && !memcmp(g->rec[i].r.md5, md5, 16) && nth-- == 0)
            return &g->rec[i];
    return NULL;
}

/* The nth record with this MD5; the test fails (and stops) when there is none. */
static const got_rec *must_find_md5(const got *g, const uint8_t md5[16], int nth)
{
    const got_rec *r = find_md5(g, md5, nth);
    if (!r) {
        fail_msg("no record %d with that MD5", nth);
        abort(); /* not reached: fail_msg ends the test */
    }
    return r;
}

/* ---- VICS ---- */

static void hashset_exchange__vics_13_media(void **state)
{
    got g;
    vigil_error err;
    uint8_t md5[16], sha1[20];
    const char *names[] = {"gradient-16x16.png", "checker-8x8.bmp"};
    (void)state;
    assert_int_equal(read_sample(&g, "vics/vics-1.3-media.json", VIGIL_FORMAT_AUTO, NULL, &err), 0);
    assert_int_equal(g.nrec, expected_int("samples", "vics", "vics-1.3-media.json", "media"));
    assert_int_equal(g.nreject, 0);
    assert_string_equal(meta_value(&g, "version"), "1.3");
    assert_string_equal(meta_value(&g, "kind"), "Media");
    /* match_files: the listed files' digests are the records' digests */
    for (size_t i = 0; i < 2; i++) {
        const got_rec *r;
        expected_digest(md5, 16, names[i], "md5");
        expected_digest(sha1, 20, names[i], "sha1");
        r = must_find_md5(&g, md5, 0);
        assert_true(r->r.has_sha1);
        assert_memory_equal(r->r.sha1, sha1, 20);
        assert_int_equal(r->r.size, expected_int("files", names[i], "size", NULL));
    }
    assert_string_equal(g.rec[0].category, "1");
    assert_string_equal(g.rec[0].label, "child abuse material");
    assert_int_equal(g.rec[0].r.severity, 4);
    assert_string_equal(g.rec[0].profile, "VICS 1.3");
    assert_string_equal(g.rec[0].series, "TEST-SERIES-ALPHA");
    assert_int_equal(g.rec[0].r.flags, VG_HS_VICTIM_IDENTIFIED | VG_HS_DISTRIBUTED);
    assert_string_equal(g.rec[0].r.where, "value[0]");
    assert_string_equal(g.rec[1].series, ""); /* null */
    assert_int_equal(g.rec[1].r.flags, 0);
    assert_string_equal(g.rec[2].label, "non-pertinent");
    assert_int_equal(g.rec[2].r.size, 4242);
    assert_true(g.progress_calls > 0);
}

static void hashset_exchange__vics_20_default_bom_crlf(void **state)
{
    got g;
    vigil_error err;
    uint8_t md5[16];
    (void)state;
    assert_int_equal(read_sample(&g, "vics/vics-2.0-default-media-bom-crlf.json", VIGIL_FORMAT_AUTO, NULL, &err), 0);
    assert_int_equal(g.nrec, expected_int("samples", "vics", "vics-2.0-default-media-bom-crlf.json", "media"));
    assert_string_equal(meta_value(&g, "version"), "2.0");
    assert_string_equal(meta_value(&g, "profile"), "Default");
    assert_string_equal(g.rec[0].profile, "VICS 2.0 Default");
    expected_digest(md5, 16, "checker-8x8.bmp", "md5");
    assert_memory_equal(g.rec[0].r.md5, md5, 16);
    assert_string_equal(g.rec[0].source_set, "vigil-samples"); /* PrecategorizationSource */
    assert_string_equal(g.rec[1].source_set, "");
}

static void hashset_exchange__vics_20_us_cases(void **state)
{
    got g;
    vigil_error err;
    uint8_t md5[16], sha1[20], sha256[32];
    const got_rec *a, *b;
    size_t without_md5 = 0;
    const char *conflict = expected_str("samples", "vics", "vics-2.0-us-cases.json", "conflicting_category_md5");
    (void)state;
    assert_int_equal(read_sample(&g, "vics/vics-2.0-us-cases.json", VIGIL_FORMAT_AUTO, NULL, &err), 0);
    assert_int_equal(g.nrec, expected_int("samples", "vics", "vics-2.0-us-cases.json", "media"));
    for (size_t i = 0; i < g.nrec; i++)
        without_md5 += !g.rec[i].r.has_md5;
    assert_int_equal(without_md5, expected_int("samples", "vics", "vics-2.0-us-cases.json", "without_md5"));
    assert_string_equal(meta_value(&g, "kind"), "Cases");
    assert_string_equal(meta_value(&g, "profile"), "US");
    assert_string_equal(meta_value(&g, "SourceApplicationName"), "vigil-samples");
    /* the same MD5 twice, with different categories: both reach the sink */
    assert_int_equal(vg_hex_decode(md5, conflict, 16), 0);
    a = must_find_md5(&g, md5, 0);
    b = must_find_md5(&g, md5, 1);
    assert_null(find_md5(&g, md5, 2));
    assert_string_not_equal(a->category, b->category);
    assert_true(a->r.severity != b->r.severity);
    /* upper-case hex, SHA-256 and PhotoDNA inside AlternativeHashes, booleans as strings */
    expected_digest(sha1, 20, "gradient-16x16.png", "sha1");
    expected_digest(sha256, 32, "gradient-16x16.png", "sha256");
    assert_memory_equal(a->r.sha1, sha1, 20);
    assert_true(a->r.has_sha256);
    assert_memory_equal(a->r.sha256, sha256, 32);
    assert_true(a->r.has_photodna);
    assert_int_equal(a->r.flags, VG_HS_VICTIM_IDENTIFIED | VG_HS_DISTRIBUTED);
    assert_string_equal(a->name, "gradient-16x16.png");
    assert_string_equal(a->r.where, "value[0].Media[0]");
    /* Series "" is no series; a record without MD5 is kept for its SHA1 */
    assert_string_equal(g.rec[1].series, "");
    assert_true(g.rec[1].r.has_photodna);
    assert_false(g.rec[2].r.has_md5);
    assert_true(g.rec[2].r.has_sha1);
    expected_digest(sha1, 20, "name with spaces.txt", "sha1");
    assert_memory_equal(g.rec[2].r.sha1, sha1, 20);
    assert_string_equal(g.rec[2].r.where, "value[0].Media[2]");
}

static void hashset_exchange__nist_nsrl_caid_real_files(void **state)
{
    const char *files[] = {"NSRL-CAID-ART.json", "NSRL-CAID-MPG.json", "NSRL-CAID-MOV.json"};
    (void)state;
    for (size_t i = 0; i < 3; i++) {
        got g;
        vigil_error err;
        char rel[128], *path, line[65536];
        size_t listed = 0;
        FILE *f;
        snprintf(rel, sizeof rel, "real/nist-nsrl-caid/%s", files[i]);
        assert_int_equal(read_sample(&g, rel, VIGIL_FORMAT_AUTO, NULL, &err), 0);
        /* count the records independently: one odata.id per media record */
        path = sample(rel);
        assert_non_null(f = fopen(path, "r"));
        while (fgets(line, sizeof line, f))
            for (char *p = line; (p = strstr(p, "\"odata.id\":\"Media(")); p++)
                listed++;
        fclose(f);
        free(path);
        assert_true(listed > 0);
        assert_int_equal(g.nrec, listed);
        assert_int_equal(g.nreject, 0);
        assert_string_equal(meta_value(&g, "version"), "1.2");
        for (size_t k = 0; k < g.nrec; k++) {
            assert_true(g.rec[k].r.has_md5 && g.rec[k].r.has_sha1);
            assert_string_equal(g.rec[k].category, "8");
            assert_string_equal(g.rec[k].label, "NSRL known media");
            assert_true(g.rec[k].r.size > 0); /* MediaSize is a string in these files */
            assert_true(g.rec[k].name[0] != '\0');
        }
    }
}

/* ---- CAID ---- */

static char *write_caid_map(char *dir)
{
    const char *path[] = {"samples", "caid", "caid-vics-uk-cases.json", "test_category_map", NULL};
    yajl_val m = yajl_tree_get(expected_json(), path, yajl_t_object);
    char text[512];
    size_t o = 0;
    assert_true(YAJL_IS_OBJECT(m));
    o += (size_t)snprintf(text + o, sizeof text - o, "code,label\n");
    for (size_t i = 0; i < m->u.object.len; i++)
        o += (size_t)snprintf(text + o, sizeof text - o, "%s,%s\n", m->u.object.keys[i],
                              YAJL_GET_STRING(m->u.object.values[i]));
    tu_write(dir, "caid-map.csv", text, o);
    return tu_path(dir, "caid-map.csv");
}

static void hashset_exchange__caid_with_mapping(void **state)
{
    got g;
    vigil_error err;
    char *dir = tu_mkdtemp(), *map = write_caid_map(dir);
    (void)state;
    assert_int_equal(read_sample(&g, "caid/caid-vics-uk-cases.json", VIGIL_FORMAT_AUTO, map, &err), 0);
    assert_int_equal(g.nrec, expected_int("samples", "caid", "caid-vics-uk-cases.json", "media"));
    assert_string_equal(g.rec[0].category, "1");
    assert_string_equal(g.rec[0].label, "A");
    assert_string_equal(g.rec[1].label, "C");
    assert_string_equal(g.rec[2].label, "not-indecent");
    assert_string_equal(g.rec[0].profile, "CAID");
    /* A > B > C > not indecent */
    assert_true(g.rec[0].r.severity > g.rec[1].r.severity);
    assert_true(g.rec[1].r.severity > g.rec[2].r.severity);
    assert_true(g.rec[2].r.severity >= 0);
    free(map);
    tu_rm_rf(dir);
    free(dir);
}

static void hashset_exchange__category_map_files(void **state)
{
    got g;
    vigil_error err;
    char *dir = tu_mkdtemp(), *p;
    const char *bad[][2] = {
        {"0,not-indecent\n1,A\n1,B\n", "code '1' given twice"},
        {"1,A,high\n", "severity 'high'"},
        {"just-a-code\n", "expected 'code,label'"},
        {"# only a comment\n", "no 'code,label' lines"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tu_write(dir, "map.csv", bad[i][0], strlen(bad[i][0]));
        p = tu_path(dir, "map.csv");
        assert_int_equal(read_sample(&g, "caid/caid-vics-uk-cases.json", VIGIL_FORMAT_CAID, p, &err), VIGIL_EINPUT);
        assert_non_null(strstr(err.msg, "map.csv"));
        assert_non_null(strstr(err.msg, bad[i][1]));
        free(p);
    }
    /* a code the table lacks: the record is kept without a label, and said once */
    tu_write(dir, "map.csv", "1,A\n3,C,7\n", 10);
    p = tu_path(dir, "map.csv");
    assert_int_equal(read_sample(&g, "caid/caid-vics-uk-cases.json", VIGIL_FORMAT_CAID, p, &err), 0);
    assert_int_equal(g.nrec, 3);
    assert_int_equal(g.rec[1].r.severity, 7); /* a severity column wins */
    assert_string_equal(g.rec[2].label, "");
    assert_int_equal(g.rec[2].r.severity, -1);
    assert_int_equal(meta_count(&g, "warning"), 1);
    assert_non_null(strstr(meta_value(&g, "warning"), "'0' is not in the mapping file"));
    /* the VICS format takes a mapping file too, for any profile */
    assert_int_equal(read_sample(&g, "vics/vics-1.3-media.json", VIGIL_FORMAT_VICS, p, &err), 0);
    assert_string_equal(g.rec[0].label, "A");
    free(p);
    p = tu_path(dir, "missing.csv");
    assert_int_equal(read_sample(&g, "caid/caid-vics-uk-cases.json", VIGIL_FORMAT_CAID, p, &err), VIGIL_EINPUT);
    assert_non_null(strstr(err.msg, "missing.csv"));
    free(p);
    tu_rm_rf(dir);
    free(dir);
}

static void hashset_exchange__caid_without_mapping_fails(void **state)
{
    got g;
    vigil_error err;
    (void)state;
    assert_int_equal(read_sample(&g, "caid/caid-vics-uk-cases.json", VIGIL_FORMAT_CAID, NULL, &err), VIGIL_EINPUT);
    assert_non_null(strstr(err.msg, "--category-map"));
    assert_non_null(strstr(err.msg, "caid-vics-uk-cases.json"));
    assert_int_equal(g.nrec, 0);
}

/* ---- ICSE ---- */

static void hashset_exchange__icse_export(void **state)
{
    got g;
    vigil_error err;
    uint8_t md5[16], a[VG_PHOTODNA_BYTES];
    char *vec = sample("photodna/synthetic-vectors.csv"), line[1024];
    FILE *f;
    (void)state;
    assert_int_equal(read_sample(&g, "icse/icse-export.csv", VIGIL_FORMAT_AUTO, NULL, &err), 0);
    assert_int_equal(g.nrec, expected_int("samples", "icse", "icse-export.csv", "rows"));
    assert_int_equal(g.nreject, 0);
    expected_digest(md5, 16, "gradient-16x16.png", "md5");
    assert_memory_equal(g.rec[0].r.md5, md5, 16);
    assert_string_equal(g.rec[0].ext, "1001");
    assert_string_equal(g.rec[0].series, "TEST SERIES ALPHA");
    assert_int_equal(g.rec[0].r.flags, VG_HS_DISTRIBUTED | VG_HS_VICTIM_IDENTIFIED);
    assert_string_equal(g.rec[0].r.where, "line 2");
    /* the PhotoDNA column is synthetic-a */
    assert_non_null(f = fopen(vec, "r"));
    assert_non_null(fgets(line, sizeof line, f));
    assert_non_null(fgets(line, sizeof line, f));
    fclose(f);
    free(vec);
    assert_int_equal(vg_photodna_from_base64(a, strchr(line, ',') + 1, 192, NULL, 0), 0);
    assert_true(g.rec[0].r.has_photodna);
    assert_memory_equal(g.rec[0].r.photodna, a, sizeof a);
    assert_int_equal(g.rec[1].r.flags, VG_HS_BASELINE); /* n;n;n ... y */
    assert_false(g.rec[1].r.has_photodna);
    assert_string_equal(g.rec[2].series, "series; with semicolon");
    assert_false(g.rec[2].r.has_sha1);
}

static void hashset_exchange__icse_bad_rows(void **state)
{
    got g;
    vigil_error err;
    const char *text =
        "\xef\xbb\xbfMD5;SHA1;PhotoDNA;Image ID;Is distributed;Extra\r\n"
        "67b8e86b97f6e456f919987397bc7ab8;;;1;Yes;x\r\n"
        "67b8e86b97f6e456f919987397bc7ab;;;2;Yes;x\r\n"    /* 31 hex digits */
        ";;;3;Yes;x\r\n"                                  /* no digest */
        "67b8e86b97f6e456f919987397bc7ab8;;;4;maybe;x\r\n" /* bad flag */
        "67b8e86b97f6e456f919987397bc7ab8;;AAAA;5;t;x\r\n" /* PhotoDNA of 3 bytes */
        "\r\n"
        "7e568ef892372ff6c60096b80dea01b8;;;\"6;\"\"quoted\"\"\r\nsecond line\";f;x\r\n"
        ";02A3C9516F4E4C55D5A6CC879855403866B36E98;;7;TRUE;x\r\n"
        "7e568ef892372ff6c60096b80dea01b8;;;8;false\r\n"; /* fewer fields than the header: Extra is unknown */
    (void)state;
    assert_int_equal(read_str(&g, text, VIGIL_FORMAT_AUTO, &err), 0);
    assert_int_equal(g.nrec, 4);
    assert_int_equal(g.nreject, 4);
    assert_int_equal(g.rec[2].r.flags, VG_HS_DISTRIBUTED);
    assert_true(g.rec[2].r.has_sha1 && !g.rec[2].r.has_md5);
    assert_int_equal(g.rec[3].r.flags, 0);
    assert_string_equal(g.reject_where[0], "line 3");
    assert_non_null(strstr(g.reject_why[0], "MD5"));
    assert_string_equal(g.reject_why[1], "no MD5 or SHA1");
    assert_non_null(strstr(g.reject_why[2], "maybe"));
    assert_non_null(strstr(g.reject_why[3], "not 144"));
    assert_string_equal(g.rec[1].ext, "6;\"quoted\"\r\nsecond line");
    assert_string_equal(g.rec[1].r.where, "line 8");
    /* a quote left open at the end of the file */
    assert_int_equal(read_str(&g, "MD5;Image ID\n67b8e86b97f6e456f919987397bc7ab8;\"7\n", VIGIL_FORMAT_ICSE, &err),
                     VIGIL_EINPUT);
    assert_non_null(strstr(err.msg, "line 2"));
    /* a header without a digest column */
    assert_int_equal(read_str(&g, "Image ID;PhotoDNA\n1;\n", VIGIL_FORMAT_ICSE, &err), VIGIL_EINPUT);
    assert_non_null(strstr(err.msg, "no MD5 or SHA1 column"));
}

/* ---- NCMEC ---- */

static void hashset_exchange__ncmec_result(void **state)
{
    got g;
    vigil_error err;
    size_t images = 0, deleted = 0;
    uint8_t a[VG_PHOTODNA_BYTES];
    char *vec = sample("photodna/synthetic-vectors.csv"), line[1024];
    FILE *f;
    (void)state;
    assert_int_equal(read_sample(&g, "ncmec/hashsharing-v2-entries.xml", VIGIL_FORMAT_AUTO, NULL, &err), 0);
    for (size_t i = 0; i < g.nrec; i++)
        g.rec[i].r.retract ? deleted++ : images++;
    assert_int_equal(images, expected_int("samples", "ncmec", "hashsharing-v2-entries.xml", "images"));
    assert_int_equal(deleted, expected_int("samples", "ncmec", "hashsharing-v2-entries.xml", "deleted"));
    assert_string_equal(g.rec[0].category, "A1");
    assert_string_equal(g.rec[0].profile, "NCMEC");
    assert_string_equal(g.rec[0].ext, "sample-image-1");
    assert_true(g.rec[0].r.severity > g.rec[1].r.severity); /* A1 over B2 */
    assert_true(g.rec[0].r.has_md5 && g.rec[0].r.has_sha1 && g.rec[0].r.has_photodna);
    assert_true(g.rec[1].r.has_md5 && !g.rec[1].r.has_sha1);
    assert_int_equal(g.rec[2].r.retract, 1);
    assert_string_equal(g.rec[2].ext, "sample-image-0");
    assert_string_equal(meta_value(&g, "member"), "900 Vigil Test Member");
    assert_int_equal(meta_count(&g, "member"), 1);
    assert_non_null(strstr(meta_value(&g, "next"), "start=1001&size=1000"));
    /* the decimal pdna is synthetic-a */
    assert_non_null(f = fopen(vec, "r"));
    assert_non_null(fgets(line, sizeof line, f));
    assert_non_null(fgets(line, sizeof line, f));
    fclose(f);
    free(vec);
    assert_int_equal(vg_photodna_from_base64(a, strchr(line, ',') + 1, 192, NULL, 0), 0);
    assert_memory_equal(g.rec[0].r.photodna, a, sizeof a);
}

#define NCMEC_HEAD "<?xml version=\"1.0\"?>\n<queryResult xmlns=\"https://hashsharing.ncmec.org/hashsharing/v2\">\n"

static void hashset_exchange__ncmec_bad_entries_and_pdq(void **state)
{
    got g;
    vigil_error err;
    const char *text = NCMEC_HEAD
        "<images>"
        "<image><id>a</id><fingerprints><md5>zz</md5></fingerprints></image>"
        "<image><id>b</id><fingerprints><pdna>1,2,3</pdna></fingerprints></image>"
        "<image><id>c</id><classification>B1</classification></image>"
        "<video><id>d</id><fingerprints><pdq>" "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
        "</pdq><sha1>22AB8AB629B6B986C98613382C44C02FBFFAFB6B</sha1></fingerprints></video>"
        "<deletedVideo><fingerprints><md5>2b995e16d04df2e25ac7fed9fb77ea2c</md5></fingerprints></deletedVideo>"
        "<deletedImage/>"
        "</images></queryResult>\n";
    (void)state;
    assert_int_equal(read_str(&g, text, VIGIL_FORMAT_NCMEC, &err), 0);
    assert_int_equal(g.nrec, 2);
    assert_int_equal(g.nreject, 4);
    assert_non_null(strstr(g.reject_why[0], "md5"));
    assert_non_null(strstr(g.reject_why[1], "not 144"));
    assert_string_equal(g.reject_why[2], "entry has no fingerprint");
    assert_string_equal(g.reject_where[3], "entry 6 (deletedImage)");
    assert_true(g.rec[0].r.has_pdq && g.rec[0].r.has_sha1 && !g.rec[0].r.has_md5);
    assert_int_equal(g.rec[0].r.pdq[0], 0x01);
    assert_int_equal(g.rec[1].r.retract, 1);
    assert_true(g.rec[1].r.has_md5);
    /* not an NCMEC document */
    assert_int_equal(read_str(&g, "<?xml version=\"1.0\"?><queryResult/>", VIGIL_FORMAT_NCMEC, &err), VIGIL_EINPUT);
    assert_non_null(strstr(err.msg, "queryResult"));
}

static void hashset_exchange__ncmec_truncated(void **state)
{
    got g;
    vigil_error err;
    char *path = sample("ncmec/hashsharing-v2-entries.xml"), buf[8192];
    FILE *f = fopen(path, "rb");
    size_t n;
    (void)state;
    assert_non_null(f);
    n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    free(path);
    assert_true(n > 600);
    assert_int_equal(read_text(&g, buf, 600, VIGIL_FORMAT_NCMEC, NULL, &err), VIGIL_EINPUT);
    assert_non_null(strstr(err.msg, "XML error"));
    assert_non_null(strstr(err.msg, "input:line "));
}

/* ---- PhotoDNA ---- */

static void hashset_exchange__photodna_vectors(void **state)
{
    got g;
    vigil_error err;
    char *path = sample("photodna/synthetic-vectors.csv"), line[1024], *b64, *hex;
    uint8_t v[3][VG_PHOTODNA_BYTES];
    FILE *f;
    (void)state;
    assert_int_equal(read_path(&g, path, VIGIL_FORMAT_AUTO, NULL, &err), 0);
    assert_int_equal(g.nrec, 2);
    assert_string_equal(g.rec[0].ext, "synthetic-a");
    assert_int_equal(vg_photodna_sq_distance(g.rec[0].r.photodna, g.rec[1].r.photodna),
                     expected_int("samples", "photodna", "synthetic-vectors.csv", "sq_euclidean_a_b"));
    assert_int_equal(vg_photodna_sq_distance(g.rec[0].r.photodna, g.rec[0].r.photodna), 0);
    /* the three encodings decode to the same bytes */
    assert_non_null(f = fopen(path, "r"));
    assert_non_null(fgets(line, sizeof line, f));
    assert_non_null(fgets(line, sizeof line, f));
    fclose(f);
    free(path);
    b64 = strchr(line, ',') + 1;
    hex = strchr(b64, ',') + 1;
    hex[strcspn(hex, "\r\n")] = '\0';
    assert_int_equal((size_t)(hex - 1 - b64), expected_int("samples", "photodna", "synthetic-vectors.csv", "base64_chars"));
    assert_int_equal(strlen(hex), expected_int("samples", "photodna", "synthetic-vectors.csv", "hex_chars"));
    assert_int_equal(vg_photodna_decode(v[0], b64, (size_t)(hex - 1 - b64), NULL, 0), 0);
    assert_int_equal(vg_photodna_decode(v[1], hex, strlen(hex), NULL, 0), 0);
    {
        char dec[1024];
        size_t o = 0;
        for (size_t i = 0; i < VG_PHOTODNA_BYTES; i++)
            o += (size_t)snprintf(dec + o, sizeof dec - o, "%s%u", i ? ", " : "", v[0][i]);
        assert_int_equal(vg_photodna_decode(v[2], dec, o, NULL, 0), 0);
    }
    assert_memory_equal(v[0], v[1], VG_PHOTODNA_BYTES);
    assert_memory_equal(v[0], v[2], VG_PHOTODNA_BYTES);
    assert_memory_equal(v[0], g.rec[0].r.photodna, VG_PHOTODNA_BYTES);
    {
        char back[VG_PHOTODNA_BASE64_CHARS + 1];
        vg_photodna_to_base64(back, v[0]);
        assert_memory_equal(back, b64, VG_PHOTODNA_BASE64_CHARS);
    }
}

static void hashset_exchange__photodna_wrong_lengths(void **state)
{
    uint8_t v[VG_PHOTODNA_BYTES];
    char why[128], text[2048];
    got g;
    vigil_error err;
    (void)state;
    assert_int_equal(vg_photodna_decode(v, "AAAA", 4, why, sizeof why), -1);
    assert_string_equal(why, "PhotoDNA: decodes to 3 bytes, not 144");
    assert_int_equal(vg_photodna_decode(v, "1,2,3", 5, why, sizeof why), -1);
    assert_string_equal(why, "PhotoDNA: 3 decimals, not 144");
    assert_int_equal(vg_photodna_decode(v, "1,2,256", 7, why, sizeof why), -1);
    assert_int_equal(vg_photodna_from_hex(v, "00ff", 4, why, sizeof why), -1);
    assert_int_equal(vg_photodna_decode(v, "!!!!", 4, why, sizeof why), -1);
    /* base64 and hex columns that disagree; a short vector */
    /* 192 '0' are valid base64 ('0' = 52); 287 '0' and a '1' are valid hex */
    snprintf(text, sizeof text, "id,base64,hex\nx,%0192d,%0288d\ny,AAAA,\n", 0, 1);
    assert_int_equal(read_str(&g, text, VIGIL_FORMAT_PHOTODNA, &err), 0);
    assert_int_equal(g.nrec, 0);
    assert_int_equal(g.nreject, 2);
    assert_string_equal(g.reject_why[0], "the base64 and hex columns hold different vectors");
    assert_string_equal(g.reject_where[1], "line 3");
}

/* ---- VICS bad input ---- */

#define VICS2 "{\"@odata.context\":\"http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/US/$metadata#Media\","

static void hashset_exchange__vics_malformed_records(void **state)
{
    got g;
    vigil_error err;
    const char *text = VICS2 "\"value\":["
        "{\"MD5\":\"67b8e86b97f6e456f919987397bc7ab\"},"                           /* 0: 31 hex */
        "{\"Category\":1,\"MediaSize\":5},"                                         /* 1: no digest */
        "{\"MD5\":\"67b8e86b97f6e456f919987397bc7ab8\",\"PhotoDNA\":\"AAAA\"},"     /* 2: short PhotoDNA */
        "{\"MD5\":\"67b8e86b97f6e456f919987397bc7ab8\",\"MediaSize\":\"12x\"},"     /* 3: size */
        "{\"MD5\":\"67b8e86b97f6e456f919987397bc7ab8\",\"IsDistributed\":\"maybe\"}," /* 4: flag */
        "{\"SHA1\":\"02a3c9516f4e4c55d5a6cc879855403866b36e9\"},"                   /* 5: 39 hex */
        "{\"MD5\":\"67b8e86b97f6e456f919987397bc7ab8\",\"AlternativeHashes\":[{\"HashValue\":\"abc\",\"HashName\":\"SHA256\"}]},"
        "42,"                                                                      /* 7: not an object */
        "{\"md5\":\"67B8E86B97F6E456F919987397BC7AB8\",\"mediasize\":\"463\",\"isdistributed\":\"TRUE\","
        "\"Tags\":\"#a|#baseline\",\"MediaMetadata\":[{\"PropertyName\":\"MD5\",\"PropertyValue\":\"x\"}]}"
        "]}";
    (void)state;
    assert_int_equal(read_str(&g, text, VIGIL_FORMAT_VICS, &err), 0);
    assert_int_equal(g.nreject, 8);
    assert_int_equal(g.nrec, 1);
    for (size_t i = 0; i < 8; i++) {
        char where[32];
        snprintf(where, sizeof where, "value[%zu]", i);
        assert_string_equal(g.reject_where[i], where);
    }
    assert_non_null(strstr(g.reject_why[0], "MD5"));
    assert_non_null(strstr(g.reject_why[1], "no MD5, SHA1"));
    assert_non_null(strstr(g.reject_why[2], "not 144"));
    assert_non_null(strstr(g.reject_why[3], "MediaSize"));
    assert_non_null(strstr(g.reject_why[4], "IsDistributed"));
    assert_non_null(strstr(g.reject_why[5], "SHA1"));
    assert_non_null(strstr(g.reject_why[6], "SHA256"));
    assert_string_equal(g.reject_why[7], "not an object");
    /* keys in any case, sizes as strings, a baseline tag */
    assert_int_equal(g.rec[0].r.size, 463);
    assert_int_equal(g.rec[0].r.flags, VG_HS_DISTRIBUTED | VG_HS_BASELINE);
    assert_string_equal(g.rec[0].r.where, "value[8]");
}

static void hashset_exchange__vics_truncated_and_syntax_errors(void **state)
{
    got g;
    vigil_error err;
    char *path = sample("vics/vics-2.0-us-cases.json"), buf[16384];
    FILE *f = fopen(path, "rb");
    size_t n;
    (void)state;
    assert_non_null(f);
    n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    free(path);
    assert_int_equal(read_text(&g, buf, n / 2, VIGIL_FORMAT_VICS, NULL, &err), VIGIL_EINPUT);
    assert_non_null(strstr(err.msg, "input:byte "));
    assert_non_null(strstr(err.msg, "JSON ends early"));
    /* a syntax error names its byte offset */
    assert_int_equal(read_str(&g, VICS2 "\"value\":[{\"MD5\":\"x\",,}]}", VIGIL_FORMAT_VICS, &err), VIGIL_EINPUT);
    assert_non_null(strstr(err.msg, "invalid JSON"));
    {
        char want[64];
        /* the second comma: counted from 1 */
        snprintf(want, sizeof want, "input:byte %zu:", strlen(VICS2 "\"value\":[{\"MD5\":\"x\",") + 1);
        assert_non_null(strstr(err.msg, want));
    }
    /* not an object at the top; no value array */
    assert_int_equal(read_str(&g, "[1,2]", VIGIL_FORMAT_VICS, &err), VIGIL_EINPUT);
    assert_non_null(strstr(err.msg, "not a VICS document"));
    assert_int_equal(read_str(&g, VICS2 "\"values\":[]}", VIGIL_FORMAT_VICS, &err), VIGIL_EINPUT);
    assert_non_null(strstr(err.msg, "no 'value' array"));
}

/* ---- VICS in many blocks: the parser runs ahead of the callbacks ---- */

typedef struct stream {
    int strict;                 /* a reject stops the reader */
    uint64_t records, rejects, progress, last_done;
    char first_reject[64], last_where[64];
    size_t long_name;           /* name_len of the record with the long FileName */
} stream;

static int stream_record(void *ud, const vg_hs_record *r, vigil_error *err)
{
    stream *s = ud;
    char want[64];
    (void)err;
    /* records arrive in file order, none skipped */
    snprintf(want, sizeof want, "value[%llu]", (unsigned long long)(s->records + s->rejects));
    assert_string_equal(r->where, want);
    if (r->name && r->name_len > 255)
        s->long_name = r->name_len;
    snprintf(s->last_where, sizeof s->last_where, "%s", r->where);
    s->records++;
    return 0;
}

static int stream_reject(void *ud, const char *where, const char *why, vigil_error *err)
{
    stream *s = ud;
    if (!s->rejects++)
        snprintf(s->first_reject, sizeof s->first_reject, "%s", where);
    return s->strict ? vigil_error_set(err, VIGIL_EINPUT, "stopped at %s: %s", where, why) : 0;
}

static void stream_progress(void *ud, uint64_t done, uint64_t total)
{
    stream *s = ud;
    assert_true(done >= s->last_done && done <= total);
    s->last_done = done;
    s->progress++;
}

static int stream_read(stream *s, const char *text, size_t n, vigil_error *err)
{
    vg_hs_sink sink = {stream_record, stream_reject, NULL, stream_progress, s};
    vg_hs_read_opts o = {"input", VIGIL_FORMAT_VICS, NULL, NULL, 0};
    char *dir = tu_mkdtemp(), *p;
    int fd, rc;
    tu_write(dir, "input", text, n);
    p = tu_path(dir, "input");
    fd = open(p, O_RDONLY);
    assert_true(fd >= 0);
    rc = vg_hs_read_vics(fd, p, &o, &sink, err);
    close(fd);
    free(p);
    tu_rm_rf(dir);
    free(dir);
    return rc;
}

/* 30,000 records (megabytes of text): record 29,000 is bad, and the JSON breaks at record 29,500. */
static char *many_records(size_t *len, size_t *syntax_at, int long_strings)
{
    size_t cap = 8u << 20, o = 0;
    char *t = malloc(cap);
    assert_non_null(t);
    o += (size_t)snprintf(t + o, cap - o, "%s\"value\":[", VICS2);
    for (unsigned i = 0; i < 30000; i++) {
        if (i == 29500) {
            *syntax_at = o + 2; /* counted from 1: the comma after the stray one */
            o += (size_t)snprintf(t + o, cap - o, ",");
        }
        o += (size_t)snprintf(t + o, cap - o, "%s{\"MediaID\":%u,\"Category\":%u,\"MD5\":\"%s%08x%024x\"", i ? "," : "",
                              i, i % 5, i == 29000 ? "zz" : "", i, 7u);
        if (long_strings && i == 10) { /* a name longer than 255 bytes */
            o += (size_t)snprintf(t + o, cap - o, ",\"MediaFiles\":[{\"FileName\":\"");
            memset(t + o, 'n', 300);
            o += 300;
            o += (size_t)snprintf(t + o, cap - o, "\"}]");
        }
        if (long_strings && i == 20) { /* a string longer than a block of events */
            o += (size_t)snprintf(t + o, cap - o, ",\"Series\":\"");
            memset(t + o, 's', 600000);
            o += 600000;
            o += (size_t)snprintf(t + o, cap - o, "\"");
        }
        o += (size_t)snprintf(t + o, cap - o, ",\"IsDistributed\":%s}", i % 2 ? "true" : "\"false\"");
        assert_true(o < cap - 1024);
    }
    o += (size_t)snprintf(t + o, cap - o, "]}");
    *len = o;
    return t;
}

static void hashset_exchange__vics_many_blocks_order_and_first_error(void **state)
{
    stream s;
    vigil_error err;
    size_t n, at;
    char *text = many_records(&n, &at, 1), want[96];
    (void)state;
    /* lenient: every record before the syntax error, in order, then the error at its byte */
    memset(&s, 0, sizeof s);
    assert_int_equal(stream_read(&s, text, n, &err), VIGIL_EINPUT);
    snprintf(want, sizeof want, "input:byte %zu: invalid JSON", at);
    assert_non_null(strstr(err.msg, want));
    assert_int_equal(s.rejects, 2);                        /* the long Series, the bad MD5 */
    assert_string_equal(s.first_reject, "value[20]");
    assert_int_equal(s.records, 29500 - 2);
    assert_string_equal(s.last_where, "value[29499]");
    assert_int_equal(s.long_name, 300);
    assert_true(s.progress > 10);
    /* strict: the first reject ends the reading there, though the parser is further on */
    memset(&s, 0, sizeof s);
    s.strict = 1;
    assert_int_equal(stream_read(&s, text, n, &err), VIGIL_EINPUT);
    assert_string_equal(err.msg, "stopped at value[20]: Series longer than the record's 8 KiB of text");
    assert_int_equal(s.records, 20);
    free(text);
    /* without the long strings the bad MD5 is the first: still before the syntax error */
    text = many_records(&n, &at, 0);
    memset(&s, 0, sizeof s);
    s.strict = 1;
    assert_int_equal(stream_read(&s, text, n, &err), VIGIL_EINPUT);
    assert_non_null(strstr(err.msg, "stopped at value[29000]: MD5 'zz"));
    assert_int_equal(s.records, 29000);
    /* cut in the middle: every record before the cut, then "ends early" at the end of the text */
    memset(&s, 0, sizeof s);
    assert_int_equal(stream_read(&s, text, n / 2, &err), VIGIL_EINPUT);
    snprintf(want, sizeof want, "input:byte %zu: JSON ends early", n / 2);
    assert_non_null(strstr(err.msg, want));
    assert_true(s.records > 10000 && s.records < 20000);
    free(text);
}

static void hashset_exchange__vics_unknown_marker_parsed_by_structure(void **state)
{
    got g;
    vigil_error err;
    const char *text = "{\"odata.metadata\":\"http://example.org/DataModels/3.1.xml#Whatever\",\"value\":["
                       "{\"CaseID\":\"x\",\"Media\":[{\"MD5\":\"67b8e86b97f6e456f919987397bc7ab8\"},"
                       "{\"SHA1\":\"02a3c9516f4e4c55d5a6cc879855403866b36e98\"}]},"
                       "{\"MD5\":\"7e568ef892372ff6c60096b80dea01b8\",\"Category\":\"2\"}]}";
    (void)state;
    assert_int_equal(read_str(&g, text, VIGIL_FORMAT_VICS, &err), 0);
    assert_int_equal(g.nrec, 3);
    assert_int_equal(g.nreject, 0);
    assert_non_null(strstr(meta_value(&g, "warning"), "unknown VICS schema marker"));
    assert_string_equal(g.rec[0].r.where, "value[0].Media[0]");
    assert_string_equal(g.rec[2].r.where, "value[1]");
    assert_string_equal(g.rec[2].category, "2");
    /* #Cases: a case without Media is no record; a stray media record among the cases is one */
    assert_int_equal(read_str(&g, "{\"@odata.context\":\"http://github.com/VICSDATAMODEL/ProjectVic/DataModels/"
                                  "2.0.xml/US/$metadata#Cases\",\"value\":[{\"CaseID\":\"1\"},"
                                  "{\"MD5\":\"7e568ef892372ff6c60096b80dea01b8\"},{\"CaseID\":\"2\",\"Media\":[]}]}",
                              VIGIL_FORMAT_VICS, &err), 0);
    assert_int_equal(g.nrec, 1);
    assert_int_equal(g.nreject, 0);
    assert_string_equal(g.rec[0].r.where, "value[1]");
}

static void hashset_exchange__vics_utf16(void **state)
{
    got g, want;
    vigil_error err;
    char *path = sample("vics/vics-1.3-media.json"), buf[8192];
    unsigned char wide[16384 + 2];
    FILE *f = fopen(path, "rb");
    size_t n, o = 0;
    vigil_hashset_format fmt;
    (void)state;
    assert_non_null(f);
    n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    assert_int_equal(read_path(&want, path, VIGIL_FORMAT_VICS, NULL, &err), 0);
    free(path);
    wide[o++] = 0xff;
    wide[o++] = 0xfe;
    for (size_t i = 0; i < n; i++) { /* the sample is ASCII */
        wide[o++] = (unsigned char)buf[i];
        wide[o++] = 0;
    }
    assert_int_equal(read_text(&g, wide, o, VIGIL_FORMAT_AUTO, NULL, &err), 0);
    assert_int_equal(g.nrec, want.nrec);
    for (size_t i = 0; i < g.nrec; i++) {
        assert_memory_equal(g.rec[i].r.md5, want.rec[i].r.md5, 16);
        assert_string_equal(g.rec[i].series, want.rec[i].series);
    }
    /* detection sees through UTF-16 too */
    {
        char *dir = tu_mkdtemp(), *p;
        int fd;
        tu_write(dir, "wide.json", wide, o);
        p = tu_path(dir, "wide.json");
        fd = open(p, O_RDONLY);
        assert_int_equal(vg_hs_detect(&fmt, fd, p, &err), 0);
        assert_int_equal(fmt, VIGIL_FORMAT_VICS);
        close(fd);
        free(p);
        tu_rm_rf(dir);
        free(dir);
    }
    /* a lone half of a UTF-16 character at the end */
    assert_int_equal(read_text(&g, wide, o - 1, VIGIL_FORMAT_VICS, NULL, &err), VIGIL_EINPUT);
    assert_non_null(strstr(err.msg, "UTF-16"));
}

static void hashset_exchange__empty_files(void **state)
{
    const vigil_hashset_format fmts[] = {VIGIL_FORMAT_VICS, VIGIL_FORMAT_ICSE, VIGIL_FORMAT_NCMEC,
                                         VIGIL_FORMAT_PHOTODNA};
    (void)state;
    for (size_t i = 0; i < sizeof fmts / sizeof fmts[0]; i++) {
        got g;
        vigil_error err;
        assert_int_equal(read_text(&g, "", 0, fmts[i], NULL, &err), VIGIL_EINPUT);
        assert_non_null(strstr(err.msg, "empty file"));
        assert_int_equal(read_text(&g, "\xef\xbb\xbf", 3, fmts[i], NULL, &err), VIGIL_EINPUT);
    }
}

static void hashset_exchange__photodna_placeholder_dropped(void **state)
{
    char text[16384];
    size_t o = 0;
    got g;
    vigil_error err;
    size_t with = 0;
    (void)state;
    o += (size_t)snprintf(text + o, sizeof text - o, VICS2 "\"value\":[");
    for (int i = 0; i < 12; i++) {
        o += (size_t)snprintf(text + o, sizeof text - o, "%s{\"MD5\":\"%032x\",\"PhotoDNA\":\"", i ? "," : "", i + 1);
        for (int k = 0; k < 192; k++)
            text[o++] = 'Q';
        o += (size_t)snprintf(text + o, sizeof text - o, "\"}");
    }
    o += (size_t)snprintf(text + o, sizeof text - o, "]}");
    assert_int_equal(read_text(&g, text, o, VIGIL_FORMAT_VICS, NULL, &err), 0);
    assert_int_equal(g.nrec, 12);
    for (size_t i = 0; i < g.nrec; i++)
        with += g.rec[i].r.has_photodna;
    assert_int_equal(with, 1 + VG_PDNA_REPEAT_MAX);
    assert_false(g.rec[11].r.has_photodna);
    assert_int_equal(meta_count(&g, "warning"), 1);
    assert_non_null(strstr(meta_value(&g, "warning"), "placeholder"));
}

/* ---- detection ---- */

static void hashset_exchange__detection(void **state)
{
    static const struct {
        const char *rel;
        vigil_hashset_format fmt;
    } cases[] = {
        {"vics/vics-1.3-media.json", VIGIL_FORMAT_VICS},
        {"vics/vics-2.0-us-cases.json", VIGIL_FORMAT_VICS},
        {"vics/vics-2.0-default-media-bom-crlf.json", VIGIL_FORMAT_VICS},
        {"caid/caid-vics-uk-cases.json", VIGIL_FORMAT_CAID},
        {"icse/icse-export.csv", VIGIL_FORMAT_ICSE},
        {"ncmec/hashsharing-v2-entries.xml", VIGIL_FORMAT_NCMEC},
        {"photodna/synthetic-vectors.csv", VIGIL_FORMAT_PHOTODNA},
        {"real/nist-nsrl-caid/NSRL-CAID-ART.json", VIGIL_FORMAT_VICS},
        {"real/nist-nsrl-caid/NSRL-CAID-MOV.json", VIGIL_FORMAT_VICS},
        {"real/nist-nsrl-caid/NSRL-CAID-MPG.json", VIGIL_FORMAT_VICS},
    };
    vigil_error err;
    vigil_hashset_format fmt;
    char *dir = tu_mkdtemp(), *p;
    int fd;
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        p = sample(cases[i].rel);
        assert_true((fd = open(p, O_RDONLY)) >= 0);
        assert_int_equal(vg_hs_detect(&fmt, fd, p, &err), 0);
        assert_int_equal(fmt, cases[i].fmt);
        close(fd);
        free(p);
    }
    tu_write(dir, "prose.txt", "Dear reader,\nthis is a letter; not a list.\n", 43);
    p = tu_path(dir, "prose.txt");
    fd = open(p, O_RDONLY);
    assert_int_equal(vg_hs_detect(&fmt, fd, p, &err), VIGIL_EINPUT);
    assert_non_null(strstr(err.msg, "prose.txt"));
    assert_non_null(strstr(err.msg, "unknown hash-set format"));
    assert_non_null(strstr(err.msg, "vics"));
    assert_non_null(strstr(err.msg, "icse"));
    assert_non_null(strstr(err.msg, "ncmec"));
    assert_non_null(strstr(err.msg, "photodna"));
    close(fd);
    free(p);
    tu_rm_rf(dir);
    free(dir);
}

/* ---- exporters ---- */

static void fill_record(vg_hs_record *r, int i)
{
    vg_hs_record_clear(r);
    for (int k = 0; k < 16; k++)
        r->md5[k] = (uint8_t)(i * 7 + k);
    for (int k = 0; k < 20; k++)
        r->sha1[k] = (uint8_t)(i * 11 + k);
    for (int k = 0; k < 32; k++)
        r->sha256[k] = (uint8_t)(i * 13 + k), r->pdq[k] = (uint8_t)(i * 17 + k * 3);
    for (int k = 0; k < VG_PHOTODNA_BYTES; k++)
        r->photodna[k] = (uint8_t)(i * 19 + k);
    r->has_md5 = i != 2;  /* one record with SHA-1 only */
    r->has_sha1 = 1;
    r->has_sha256 = i % 2 == 0;
    r->has_pdq = i == 0 || i == 3;
    r->pdq_quality = r->has_pdq ? 80 + i : -1;
    r->has_photodna = i == 0 || i == 1;
    r->size = i == 1 ? -1 : 1000 + i;
    r->category = i == 0 ? "1" : i == 1 ? "A1" : i == 3 ? "0" : NULL;
    r->series = i == 0 ? "SERIES \"quoted\", with comma" : NULL;
    r->flags = (uint32_t)(i == 0 ? VG_HS_VICTIM_IDENTIFIED | VG_HS_BASELINE
                        : i == 1 ? VG_HS_OFFENDER_IDENTIFIED | VG_HS_DISTRIBUTED : 0);
    r->name = i == 0 ? "a,b.png" : NULL;
    r->name_len = r->name ? strlen(r->name) : 0;
}

static const char *source_sets[] = {"set-one", "set two", NULL, "set-one"};

static char *export_to(const char *format, const vg_hs_export_info *info, size_t *len, uint64_t *skipped)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    vg_hs_writer *w;
    vigil_error err;
    assert_int_equal(vg_hs_writer_open(&w, f, format, info, &err), 0);
    for (int i = 0; i < 4; i++) {
        vg_hs_record r;
        fill_record(&r, i);
        assert_true(vg_hs_writer_add(w, &r, source_sets[i], &err) >= 0);
    }
    {
        vg_hs_record r;
        fill_record(&r, 0);
        r.retract = 1;
        assert_int_equal(vg_hs_writer_add(w, &r, NULL, &err), 1); /* no place for a retraction */
    }
    vg_hs_writer_counts(w, NULL, skipped);
    assert_int_equal(vg_hs_writer_close(w, &err), 0);
    fclose(f);
    *len = n;
    return buf;
}

static void hashset_exchange__vics_export_round_trip(void **state)
{
    got g;
    vigil_error err;
    size_t n;
    uint64_t skipped;
    vg_hs_export_info info = {"demo", "US", 0};
    char *doc = export_to("vics", &info, &n, &skipped);
    (void)state;
    assert_int_equal(skipped, 1);
    assert_int_equal(read_text(&g, doc, n, VIGIL_FORMAT_AUTO, NULL, &err), 0);
    free(doc);
    assert_int_equal(g.nrec, 4);
    assert_int_equal(g.nreject, 0);
    for (int i = 0; i < 4; i++) {
        vg_hs_record want;
        const got_rec *r = &g.rec[i];
        fill_record(&want, i);
        assert_int_equal(r->r.has_md5, want.has_md5);
        assert_int_equal(r->r.has_sha1, want.has_sha1);
        assert_int_equal(r->r.has_sha256, want.has_sha256);
        assert_int_equal(r->r.has_pdq, want.has_pdq);
        assert_int_equal(r->r.has_photodna, want.has_photodna);
        if (want.has_md5)
            assert_memory_equal(r->r.md5, want.md5, 16);
        assert_memory_equal(r->r.sha1, want.sha1, 20);
        if (want.has_sha256)
            assert_memory_equal(r->r.sha256, want.sha256, 32);
        if (want.has_pdq) {
            assert_memory_equal(r->r.pdq, want.pdq, 32);
            assert_int_equal(r->r.pdq_quality, want.pdq_quality);
        }
        if (want.has_photodna)
            assert_memory_equal(r->r.photodna, want.photodna, VG_PHOTODNA_BYTES);
        assert_int_equal(r->r.size, want.size);
        assert_string_equal(r->category, want.category ? want.category : "");
        assert_string_equal(r->series, want.series ? want.series : "");
        assert_int_equal(r->r.flags, want.flags);
        assert_string_equal(r->source_set, source_sets[i] ? source_sets[i] : "");
        assert_string_equal(r->name, want.name ? want.name : "");
        assert_string_equal(r->profile, "VICS 2.0 US");
    }
    assert_string_equal(g.rec[0].label, "child abuse material"); /* from the profile named in the export */
}

static void hashset_exchange__hashdeep_export_round_trip(void **state)
{
    got g;
    vigil_error err;
    size_t n;
    uint64_t skipped;
    vg_hs_export_info info = {"demo", NULL, VG_HS_EXPORT_MD5 | VG_HS_EXPORT_SHA1};
    char *doc = export_to("hashdeep", &info, &n, &skipped);
    (void)state;
    /* record 1 has no size, record 2 no MD5; plus the retraction */
    assert_int_equal(skipped, 3);
    assert_int_equal(strncmp(doc, "%%%% HASHDEEP-1.0\n%%%% size,md5,sha1,filename\n", 45), 0);
    assert_int_equal(read_text(&g, doc, n, VIGIL_FORMAT_AUTO, NULL, &err), 0);
    free(doc);
    assert_int_equal(g.nrec, 2);
    for (int k = 0; k < 2; k++) {
        vg_hs_record want;
        fill_record(&want, k == 0 ? 0 : 3);
        assert_memory_equal(g.rec[k].r.md5, want.md5, 16);
        assert_memory_equal(g.rec[k].r.sha1, want.sha1, 20);
        assert_int_equal(g.rec[k].r.size, want.size);
    }
    assert_string_equal(g.rec[0].name, "a,b.png");
}

/* The real hashdeep accepts the export as a known-file list: an audit of the listed files passes. */
static void hashset_exchange__hashdeep_export_passes_hashdeep_audit(void **state)
{
    const char *names[] = {"hello.txt", "lorem.txt", "gradient-16x16.png"};
    char *dir, *known, *files = sample("files"), cmd[4096];
    FILE *f;
    vg_hs_writer *w;
    vigil_error err;
    (void)state;
    dir = tu_mkdtemp();
    known = tu_path(dir, "known.hashdeep");
    assert_non_null(f = fopen(known, "w"));
    assert_int_equal(vg_hs_writer_open(&w, f, "hashdeep", NULL, &err), 0);
    for (size_t i = 0; i < 3; i++) {
        vg_hs_record r;
        vg_hs_record_clear(&r);
        expected_digest(r.md5, 16, names[i], "md5");
        expected_digest(r.sha1, 20, names[i], "sha1");
        expected_digest(r.sha256, 32, names[i], "sha256");
        r.has_md5 = r.has_sha1 = r.has_sha256 = 1;
        r.size = expected_int("files", names[i], "size", NULL);
        r.name = names[i];
        r.name_len = strlen(names[i]);
        assert_int_equal(vg_hs_writer_add(w, &r, NULL, &err), 0);
    }
    assert_int_equal(vg_hs_writer_close(w, &err), 0);
    fclose(f);
    snprintf(cmd, sizeof cmd, "cd '%s' && hashdeep -c md5,sha1,sha256 -l -a -k '%s' %s %s %s >/dev/null 2>&1", files,
             known, names[0], names[1], names[2]);
    assert_int_equal(system(cmd), 0);
    /* and fails when a file is not in the list */
    snprintf(cmd, sizeof cmd, "cd '%s' && hashdeep -c md5,sha1,sha256 -l -a -k '%s' %s notes-crlf.txt >/dev/null 2>&1",
             files, known, names[0]);
    assert_true(system(cmd) != 0);
    free(known);
    free(files);
    tu_rm_rf(dir);
    free(dir);
}

static void hashset_exchange__csv_export(void **state)
{
    size_t n;
    uint64_t skipped;
    char *doc = export_to("csv", NULL, &n, &skipped), *line2;
    vigil_error err;
    vg_hs_writer *w;
    (void)state;
    assert_int_equal(skipped, 1);
    assert_int_equal(strncmp(doc, "md5,sha1,sha256,size,category,", 30), 0);
    assert_non_null(line2 = strstr(doc, "\r\n"));
    line2 += 2;
    assert_int_equal(strncmp(line2, "00010203", 8), 0);
    /* RFC 4180: quotes doubled, fields with commas quoted */
    assert_non_null(strstr(line2, ",\"SERIES \"\"quoted\"\", with comma\","));
    assert_non_null(strstr(line2, ",\"a,b.png\",set-one\r\n"));
    assert_non_null(strstr(doc, ",set two\r\n"));
    free(doc);
    assert_int_equal(vg_hs_writer_open(&w, stdout, "xml", NULL, &err), VIGIL_EUSAGE);
    assert_non_null(strstr(err.msg, "vics, hashdeep, csv"));
}

int main(void)
{
    struct CMUnitTest tests[] = {
        cmocka_unit_test(hashset_exchange__vics_13_media),
        cmocka_unit_test(hashset_exchange__vics_20_default_bom_crlf),
        cmocka_unit_test(hashset_exchange__vics_20_us_cases),
        cmocka_unit_test(hashset_exchange__nist_nsrl_caid_real_files),
        cmocka_unit_test(hashset_exchange__caid_with_mapping),
        cmocka_unit_test(hashset_exchange__caid_without_mapping_fails),
        cmocka_unit_test(hashset_exchange__category_map_files),
        cmocka_unit_test(hashset_exchange__icse_export),
        cmocka_unit_test(hashset_exchange__icse_bad_rows),
        cmocka_unit_test(hashset_exchange__ncmec_result),
        cmocka_unit_test(hashset_exchange__ncmec_bad_entries_and_pdq),
        cmocka_unit_test(hashset_exchange__ncmec_truncated),
        cmocka_unit_test(hashset_exchange__photodna_vectors),
        cmocka_unit_test(hashset_exchange__photodna_wrong_lengths),
        cmocka_unit_test(hashset_exchange__vics_malformed_records),
        cmocka_unit_test(hashset_exchange__vics_truncated_and_syntax_errors),
        cmocka_unit_test(hashset_exchange__vics_many_blocks_order_and_first_error),
        cmocka_unit_test(hashset_exchange__vics_unknown_marker_parsed_by_structure),
        cmocka_unit_test(hashset_exchange__vics_utf16),
        cmocka_unit_test(hashset_exchange__empty_files),
        cmocka_unit_test(hashset_exchange__photodna_placeholder_dropped),
        cmocka_unit_test(hashset_exchange__detection),
        cmocka_unit_test(hashset_exchange__vics_export_round_trip),
        cmocka_unit_test(hashset_exchange__hashdeep_export_round_trip),
        cmocka_unit_test(hashset_exchange__hashdeep_export_passes_hashdeep_audit),
        cmocka_unit_test(hashset_exchange__csv_export),
    };
    if (system("command -v hashdeep >/dev/null 2>&1") != 0)
        for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++)
            if (tests[i].test_func == hashset_exchange__hashdeep_export_passes_hashdeep_audit)
                tests[i] = tu_skip_test(tests[i].name, "no hashdeep program", "hashdeep");
    return tu_run_tests("tests", tests, NULL, NULL);
}

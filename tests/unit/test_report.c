/* report: the JSONL object of an item, the summary line, CSV quoting, the HTML page. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "report/html.h"
#include "vigil/apikey.h"
#include "vigil/report.h"
#include "vigil/series.h"

static char *render(int (*fn)(FILE *, const vigil_item *), const vigil_item *it)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    assert_int_equal(fn(f, it), 0);
    fclose(f);
    return buf;
}

static void report__jsonl_item_has_every_contract_field_in_order(void **state)
{
    const char *chain[2] = {"seized/a.zip", "in\"ner.tar"};
    vigil_item it = {0};
    char *s;
    (void)state;
    it.path = "dir/x.jpg";
    it.path_len = 9;
    it.containers = chain;
    it.ncontainers = 2;
    it.size = 42;
    it.has_digests = 1;
    memset(it.digests.md5, 0xab, 16);
    memset(it.digests.sha1, 0x01, 20);
    memset(it.digests.sha256, 0xff, 32);
    it.mime = "image/jpeg";
    it.verdict = VIGIL_VERDICT_ILLEGAL;
    it.match = (vigil_match){.by = VIGIL_BY_SHA1, .kind = VIGIL_KIND_ILLEGAL, .set = "vics", .category = "A"};
    s = render(vigil_jsonl_item, &it);
    assert_string_equal(s,
        "{\"path\":\"dir/x.jpg\",\"container\":\"seized/a.zip!/in\\\"ner.tar\",\"size\":42,"
        "\"md5\":\"abababababababababababababababab\",\"sha1\":\"0101010101010101010101010101010101010101\","
        "\"sha256\":\"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\",\"mime\":\"image/jpeg\","
        "\"pdq\":null,\"pdq_quality\":null,\"verdict\":\"illegal\",\"match\":{\"set\":\"vics\",\"by\":\"sha1\","
        "\"distance\":0,\"category\":\"A\",\"series\":null},\"error\":null,\"type\":\"file\","
        "\"containers\":[\"seized/a.zip\",\"in\\\"ner.tar\"]}\n");
    free(s);
}

static void report__jsonl_error_item_and_raw_bytes(void **state)
{
    vigil_item it = {0};
    char *s;
    (void)state;
    it.path = "a\xff";
    it.path_len = 2;
    it.verdict = VIGIL_VERDICT_ERROR;
    it.error = "Permission denied";
    s = render(vigil_jsonl_item, &it);
    assert_non_null(strstr(s, "\"path\":\"a\\udcff\""));
    assert_non_null(strstr(s, "\"md5\":null"));
    assert_non_null(strstr(s, "\"verdict\":\"error\",\"match\":null,\"error\":\"Permission denied\""));
    assert_non_null(strstr(s, "\"path_hex\":\"61ff\""));
    free(s);
}

static void report__jsonl_video_fields(void **state)
{
    vigil_item it = {0};
    char *s;
    (void)state;
    it.path = "v.mp4";
    it.path_len = 5;
    it.verdict = VIGIL_VERDICT_NEAR;
    it.vpdq_state = VIGIL_VPDQ_OK;
    it.vpdq_frames = 12;
    it.vpdq_quality_median = 91;
    it.video_known = "known.mp4";
    it.video_query_percent = 100;
    it.video_known_percent = 50;
    it.video_query_ranges = "0.0-11.0";
    it.video_known_ranges = "2.0-13.0";
    it.video_frame_seconds = 3;
    it.match = (vigil_match){.by = VIGIL_BY_PDQ, .kind = VIGIL_KIND_ILLEGAL, .set = "stills", .distance = 4};
    s = render(vigil_jsonl_item, &it);
    assert_non_null(strstr(s, "\"pdq\":null,\"pdq_quality\":null,\"vpdq\":{\"frames\":12,\"quality_median\":91},"
                              "\"video_match\":{\"known\":\"known.mp4\",\"query_percent\":100.0,\"known_percent\":50.0,"
                              "\"query_ranges\":\"0.0-11.0\",\"known_ranges\":\"2.0-13.0\"},\"verdict\":\"near\""));
    assert_non_null(strstr(s, "\"frame_seconds\":3.000}"));
    free(s);
    /* a limit is named; an item that is no video has no vpdq field at all */
    it.video_known = NULL;
    snprintf(it.vpdq_limit, sizeof it.vpdq_limit, "stopped at --max-frames (12)");
    s = render(vigil_jsonl_item, &it);
    assert_non_null(strstr(s, "\"vpdq\":{\"frames\":12,\"quality_median\":91,\"limit\":\"stopped at --max-frames (12)\"}"));
    assert_null(strstr(s, "video_match"));
    free(s);
    it.vpdq_state = VIGIL_VPDQ_NONE;
    s = render(vigil_jsonl_item, &it);
    assert_null(strstr(s, "vpdq"));
    assert_null(strstr(s, "frame_seconds"));
    free(s);
}

static void report__csv_video_fields(void **state)
{
    vigil_item it = {0};
    char *s;
    (void)state;
    it.path = "v.mp4";
    it.path_len = 5;
    it.verdict = VIGIL_VERDICT_NEAR;
    it.vpdq_state = VIGIL_VPDQ_OK;
    it.vpdq_frames = 12;
    it.vpdq_quality_median = 91;
    it.video_known = "=known,\"1\".mp4"; /* quoted and neutralised as any cell */
    it.video_query_percent = 100;
    it.video_known_percent = 50;
    it.video_query_ranges = "0.0-11.0";
    it.video_known_ranges = "2.0-4.0;9.0-13.0";
    it.video_frame_seconds = 3;
    it.match = (vigil_match){.by = VIGIL_BY_PDQ, .kind = VIGIL_KIND_ILLEGAL, .set = "stills", .distance = 4};
    s = render(vigil_csv_item, &it);
    assert_non_null(strstr(s, ",12,91,,\"'=known,\"\"1\"\".mp4\",100.0,50.0,0.0-11.0,2.0-4.0;9.0-13.0,3.000\r\n"));
    free(s);
    /* a limit is named; no known video, no frame that matched: those cells empty */
    it.video_known = NULL;
    it.video_frame_seconds = -1;
    it.match = (vigil_match){0};
    snprintf(it.vpdq_limit, sizeof it.vpdq_limit, "stopped at --max-frames (12)");
    s = render(vigil_csv_item, &it);
    assert_non_null(strstr(s, ",12,91,stopped at --max-frames (12),,,,,,\r\n"));
    free(s);
    /* a frame time without a PDQ match (the item matched by digest) is not written */
    it.video_frame_seconds = 3;
    it.match = (vigil_match){.by = VIGIL_BY_MD5, .kind = VIGIL_KIND_ILLEGAL, .set = "md5s"};
    s = render(vigil_csv_item, &it);
    assert_non_null(strstr(s, ",12,91,stopped at --max-frames (12),,,,,,\r\n"));
    free(s);
}

static void report__summary_counts_and_flag(void **state)
{
    vigil_scan_stats st = {0};
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    (void)state;
    st.items = 3;
    st.by_verdict[VIGIL_VERDICT_UNKNOWN] = 2;
    st.by_verdict[VIGIL_VERDICT_ERROR] = 1;
    st.bytes = 10;
    st.interrupted = 1;
    assert_int_equal(vigil_jsonl_summary(f, &st), 0);
    fclose(f);
    assert_non_null(strstr(buf, "{\"summary\":{\"items\":3,\"illegal\":0,\"benign\":0,\"interest\":0,\"near\":0,"
                                "\"unknown\":2,\"error\":1,\"bytes\":10,"));
    assert_non_null(strstr(buf, "\"interrupted\":true}}\n"));
    free(buf);
}

static void report__summary_lists_the_sets_compared(void **state)
{
    vigil_scan_stats st = {0};
    vigil_hashset_info set = {0};
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    (void)state;
    assert_int_equal(vigil_jsonl_summary_sets(f, &st, NULL, 0), 0); /* --no-sets: said, not left out */
    set.name = "tx";
    set.kind = VIGIL_KIND_ILLEGAL;
    set.version = 2;
    set.entries = 7;
    set.pdq_entries = 5;
    set.videos = 3;
    assert_int_equal(vigil_jsonl_summary_sets(f, &st, &set, 1), 0);
    fclose(f);
    assert_non_null(strstr(buf, "\"interrupted\":false,\"sets\":[]}}\n"));
    assert_non_null(strstr(buf, "\"sets\":[{\"name\":\"tx\",\"kind\":\"illegal\",\"version\":2,\"entries\":7,"
                                "\"pdq_entries\":5,\"videos\":3,"));
    free(buf);
}

static void report__csv_quotes_commas_quotes_and_newlines(void **state)
{
    vigil_item it = {0};
    char *s;
    (void)state;
    it.path = "a,\"b\"\nc";
    it.path_len = 7;
    it.verdict = VIGIL_VERDICT_UNKNOWN;
    s = render(vigil_csv_item, &it);
    assert_memory_equal(s, "\"a,\"\"b\"\"\nc\",,0,,,,,,,unknown,,,,,,,file,,,,,,,,,,,,,,,,,,,,,,,\r\n", strlen(s));
    free(s);
    /* an error item's kind is the column before the video fields */
    it.verdict = VIGIL_VERDICT_ERROR;
    it.error = "corrupt at offset 1024 after 1 members: Damaged tar archive";
    it.error_kind = VIGIL_ERROR_CORRUPT;
    s = render(vigil_csv_item, &it);
    assert_non_null(strstr(s, ",error,,,,,,corrupt at offset 1024 after 1 members: Damaged tar archive,file,"));
    assert_non_null(strstr(s, ",,,,,,corrupt,,,,,,,,,\r\n"));
    free(s);
}

static void report__csv_neutralises_formula_cells(void **state)
{
    vigil_item it = {0};
    char *s;
    (void)state;
    it.path = "=HYPERLINK(\"mailto:x@example.invalid\",\"open\")";
    it.path_len = strlen(it.path);
    it.verdict = VIGIL_VERDICT_UNKNOWN;
    it.has_digests = 0;
    s = render(vigil_csv_item, &it);
    assert_memory_equal(s, "\"'=HYPERLINK(\"\"mailto:x@example.invalid\"\",\"\"open\"\")\",,0,", 56);
    free(s);
    it.path = "@cmd";
    it.path_len = 4;
    s = render(vigil_csv_item, &it);
    assert_memory_equal(s, "'@cmd,,0,", 9);
    free(s);
}

/* The HTML page of a few items, as a string. */
typedef struct page_items {
    const vigil_item *items;
    size_t n;
} page_items;

static char *html_page(const page_items *pi, const vigil_report_params *p, const vigil_scan_stats *st)
{
    vigil_html *h;
    vigil_error err;
    char *dir = tu_mkdtemp(), *path = tu_path(dir, "r.html"), *buf;
    FILE *f;
    long n;
    assert_int_equal(vigil_html_open(&h, path, &err), 0);
    for (size_t i = 0; i < pi->n; i++)
        assert_int_equal(vigil_html_item(h, &pi->items[i]), 0);
    assert_int_equal(vigil_html_finish(h, p, st, &err), 0);
    f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    buf = calloc(1, (size_t)n + 1);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    tu_rm_rf(dir);
    free(path);
    free(dir);
    return buf;
}

static unsigned char *read_fixture(const char *rel, size_t *len)
{
    char *path = tu_testdata(rel);
    FILE *f = fopen(path, "rb");
    unsigned char *p = malloc(65536);
    assert_non_null(f);
    *len = fread(p, 1, 65536, f);
    fclose(f);
    free(path);
    return p;
}

static char *base64(const unsigned char *p, size_t n)
{
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *out = malloc(n / 3 * 4 + 8), *o = out;
    size_t i = 0;
    for (; i + 2 < n; i += 3, o += 4) {
        unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];
        o[0] = abc[v >> 18 & 63], o[1] = abc[v >> 12 & 63], o[2] = abc[v >> 6 & 63], o[3] = abc[v & 63];
    }
    if (i < n) {
        unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0);
        o[0] = abc[v >> 18 & 63], o[1] = abc[v >> 12 & 63], o[2] = i + 1 < n ? abc[v >> 6 & 63] : '=', o[3] = '=';
        o += 4;
    }
    *o = 0;
    return out;
}

static vigil_item picture(const char *path, vigil_verdict v, const unsigned char *jpeg, size_t len, uint8_t fill)
{
    vigil_item it = {0};
    it.path = path;
    it.path_len = strlen(path);
    it.verdict = v;
    it.mime = "image/jpeg";
    it.has_digests = 1;
    memset(it.digests.sha256, fill, 32);
    it.thumb = jpeg;
    it.thumb_len = len;
    if (v == VIGIL_VERDICT_ILLEGAL)
        it.match = (vigil_match){.by = VIGIL_BY_SHA256, .kind = VIGIL_KIND_ILLEGAL, .set = "list", .category = "A"};
    return it;
}

static size_t occurrences(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p++)
        n++;
    return n;
}

static void report__html_thumbnails_follow_the_policy(void **state)
{
    size_t len;
    unsigned char *jpeg = read_fixture("report/thumb.jpg", &len);
    unsigned char *other = malloc(len);
    char *b64, *b64_other, *page;
    vigil_item items[2];
    vigil_scan_stats st = {0};
    vigil_report_params p = {0};
    page_items pi = {items, 2};
    (void)state;
    memcpy(other, jpeg, len);
    other[len - 3] ^= 0x55; /* a second, different JPEG body for the illegal item */
    b64 = base64(jpeg, len);
    b64_other = base64(other, len);
    items[0] = picture("new.jpg", VIGIL_VERDICT_UNKNOWN, jpeg, len, 1);
    items[1] = picture("listed.jpg", VIGIL_VERDICT_ILLEGAL, other, len, 2);
    st.items = 2;

    p.thumbnails = 0; /* none: nothing picture-like at all */
    page = html_page(&pi, &p, &st);
    assert_null(strstr(page, "data:image"));
    assert_null(strstr(page, "picture content"));
    assert_null(strstr(page, b64));
    free(page);

    p.thumbnails = 1; /* unknown and near only: never an illegal picture */
    page = html_page(&pi, &p, &st);
    assert_int_equal(occurrences(page, "data:image/jpeg;base64,"), 1);
    assert_non_null(strstr(page, b64));
    assert_null(strstr(page, b64_other));
    assert_non_null(strstr(page, "\"0:0\":\"data:image/jpeg;base64,"));
    assert_non_null(strstr(page, "contains picture content (1 thumbnails"));
    assert_non_null(strstr(page, "img-src data:"));
    assert_non_null(strstr(page, "filter:blur(")); /* shown blurred and grey until clicked */
    free(page);

    p.thumbnails = 2; /* all */
    page = html_page(&pi, &p, &st);
    assert_int_equal(occurrences(page, "data:image/jpeg;base64,"), 2);
    assert_non_null(strstr(page, b64_other));
    free(page);
    free(b64);
    free(b64_other);
    free(other);
    free(jpeg);
}

static void report__html_header_totals_and_escaping(void **state)
{
    const char *chain[1] = {"holiday.zip"};
    vigil_item items[4];
    vigil_scan_stats st = {0};
    vigil_report_params p = {0};
    page_items pi = {items, 4};
    const char *paths[1] = {"/"};
    char *page;
    (void)state;
    items[0] = picture("a.jpg", VIGIL_VERDICT_UNKNOWN, NULL, 0, 7);
    items[1] = picture("holiday1.jpg", VIGIL_VERDICT_UNKNOWN, NULL, 0, 7); /* the same content in a zip */
    items[1].containers = chain;
    items[1].ncontainers = 1;
    items[2] = picture("x</script><script>alert(1)</script>.jpg", VIGIL_VERDICT_UNKNOWN, NULL, 0, 8);
    items[3] = picture("known-good.dll", VIGIL_VERDICT_BENIGN, NULL, 0, 9);
    st.items = 4;
    st.by_verdict[VIGIL_VERDICT_UNKNOWN] = 3;
    st.by_verdict[VIGIL_VERDICT_BENIGN] = 1;
    st.interrupted = 1;
    p.case_ref = "CR<1>";
    p.exhibit = "EX-2";
    p.examiner = "A. Examiner";
    p.paths = paths;
    p.npaths = 1;
    page = html_page(&pi, &p, &st);
    assert_non_null(strstr(page, "<th>case</th><td>CR&lt;1&gt;</td>"));
    assert_non_null(strstr(page, "<th>exhibit</th><td>EX-2</td>"));
    assert_non_null(strstr(page, "<th>examiner</th><td>A. Examiner</td>"));
    assert_true(strstr(page, "INCOMPLETE: the scan was interrupted") < strstr(page, "<h2>Case</h2>"));
    assert_non_null(strstr(page, "INCOMPLETE"));
    assert_non_null(strstr(page, "Content-Security-Policy\" content=\"default-src 'none';"));
    /* three unknown items, two distinct contents; the benign one counted, not listed */
    assert_non_null(strstr(page, "<td>unknown</td><td class=n>3</td><td class=n>2</td>"));
    assert_non_null(strstr(page, "1 items (1 distinct contents) matched lists of known-good files"));
    assert_null(strstr(page, "known-good.dll"));
    /* item data is the JSONL's values in columns; no file name can close the element it is embedded in */
    assert_non_null(strstr(page, "{\"keys\":[\"path\",\"container\","));
    assert_non_null(strstr(page, "[\"holiday1.jpg\",\"holiday.zip\","));
    assert_non_null(strstr(page, "x\\u003c/script>\\u003cscript>alert(1)\\u003c/script>.jpg"));
    assert_null(strstr(page, "alert(1)</script>"));
    free(page);
}

/* Rows in columns: each item's values in the list's key order, null for a key it lacks; nested
 * values and strings holding JSON punctuation pass unchanged; what is not an object is refused. */
static void report__html_rows_in_columns(void **state)
{
    vg_row_keys k = {0};
    vg_buf b;
    const char *a = "{\"path\":\"a,}\\\"].jpg\",\"size\":12,\"match\":{\"set\":\"s\",\"x\":[1,{\"y\":\"]\"}]}}";
    const char *c = "{ \"size\" : 3 , \"extra\" : [ ] }";
    (void)state;
    vg_buf_init(&b, 1 << 20);
    assert_int_equal(vg_row_columns(&b, &k, a, strlen(a)), 0);
    vg_buf_addc(&b, '|');
    assert_int_equal(vg_row_columns(&b, &k, c, strlen(c)), 0);
    vg_buf_addc(&b, '|');
    vg_row_keys_json(&b, &k);
    vg_buf_addc(&b, '\0');
    assert_string_equal(b.ptr, "[\"a,}\\\"].jpg\",12,{\"set\":\"s\",\"x\":[1,{\"y\":\"]\"}]}]|"
                               "[null,3,null,[ ]]|[\"path\",\"size\",\"match\",\"extra\"]");
    b.len = 0;
    assert_int_equal(vg_row_columns(&b, &k, "[1,2]", 5), -1);
    assert_int_equal(vg_row_columns(&b, &k, "{\"a\":1", 6), -1);
    assert_int_equal(vg_row_columns(&b, &k, "{\"a\" 1}", 7), -1);
    assert_int_equal(vg_row_columns(&b, &k, "{\"a\":\"open}", 11), -1);
    assert_int_equal((int)b.len, 0);
    vg_buf_dispose(&b);
    vg_row_keys_free(&k);
}

static void report__html_distinct_contents_at_scale_and_no_empty_set_columns(void **state)
{
    enum { N = 3000 };
    vigil_item *items = calloc(N, sizeof *items);
    vigil_hashset_info set = {0};
    vigil_scan_stats st = {0};
    vigil_report_params p = {0};
    page_items pi = {items, N};
    char *page;
    (void)state;
    for (uint32_t i = 0; i < N; i++) { /* each content twice: 1500 distinct, past the table's first size */
        uint32_t c = i / 2;
        items[i] = picture("p.jpg", VIGIL_VERDICT_UNKNOWN, NULL, 0, 0);
        memcpy(items[i].digests.sha256 + 8, &c, sizeof c);
    }
    st.items = N;
    st.by_verdict[VIGIL_VERDICT_UNKNOWN] = N;
    set.name = "list";
    set.format = "hashdeep";
    set.imported_at = "2026-01-01T00:00:00Z";
    set.version = 4;
    set.entries = 9;
    p.sets = &set;
    p.nsets = 1;
    page = html_page(&pi, &p, &st);
    assert_non_null(strstr(page, "<td>unknown</td><td class=n>3000</td><td class=n>1500</td>"));
    assert_non_null(strstr(page, "<th>all</th><th class=n>3000</th><th class=n>1500</th>"));
    assert_non_null(strstr(page, "<td>list</td><td>illegal</td><td>4</td><td class=n>9</td><td class=n>0</td><td>hashdeep</td>"
                                 "<td>2026-01-01T00:00:00Z</td></tr>"));
    assert_null(strstr(page, "<th>release</th>")); /* no set has one */
    assert_null(strstr(page, "<th>sources</th>"));
    assert_non_null(strstr(page, "Near matching was off: no set compared holds PDQ entries."));
    set.pdq_entries = 3;
    free(page);
    page = html_page(&pi, &p, &st);
    assert_non_null(strstr(page, "<td class=n>9</td><td class=n>3</td>"));
    assert_null(strstr(page, "Near matching was off"));
    free(page);
    free(items);
}

/* Every match and the disputes that applied: the JSONL arrays the HTML report reads, and the CSV summary. */
static void report__every_match_and_disputes(void **state)
{
    vigil_item it = {0};
    vigil_match m[2] = {{0}};
    vigil_dispute_applied d = {"00ff", NULL, "x", "a test card", "ana", "2026-01-02T03:04:05Z"};
    char *s;
    (void)state;
    it.path = "p.png";
    it.path_len = 5;
    it.verdict = VIGIL_VERDICT_ILLEGAL;
    m[0] = (vigil_match){.by = VIGIL_BY_SHA256, .kind = VIGIL_KIND_ILLEGAL, .set = "x", .category = "A",
                         .flags = VIGIL_MATCH_SETS_DISAGREE, .version = 2, .record_name = "card",
                         .record_source = "x.hashdeep", .record_line = 7, .record_mask = VIGIL_RECORD_MD5};
    memset(m[0].md5, 0xab, 16);
    m[1] = (vigil_match){.by = VIGIL_BY_PDQ, .kind = VIGIL_KIND_INTEREST, .set = "y", .category = "B", .distance = 3,
                         .dihedral = VIGIL_PDQ_ROT90, .record_source = "y.pdq", .record_line = 1,
                         .record_mask = VIGIL_RECORD_PDQ, .flags = VIGIL_MATCH_SETS_DISAGREE};
    it.match = m[0];
    it.matches = m;
    it.nmatches = 2;
    it.disputes = &d;
    it.ndisputes = 1;
    s = render(vigil_jsonl_item, &it);
    assert_non_null(strstr(s, ",\"matches\":[{\"set\":\"x\",\"version\":2,\"kind\":\"illegal\",\"category\":\"A\","
                              "\"series\":null,\"by\":\"sha256\",\"distance\":0,\"orientation\":null,"
                              "\"record\":{\"name\":\"card\",\"source\":\"x.hashdeep\",\"line\":7,"
                              "\"md5\":\"abababababababababababababababab\",\"sha1\":null,\"sha256\":null,\"pdq\":null},"
                              "\"flags\":[\"sets-disagree\"]},{\"set\":\"y\",\"version\":0,\"kind\":\"interest\""));
    assert_non_null(strstr(s, "\"by\":\"pdq\",\"distance\":3,\"orientation\":\"rot90\",\"record\":{\"name\":null,"));
    assert_non_null(strstr(s, ",\"disputes\":[{\"digest\":\"00ff\",\"set\":null,\"record_set\":\"x\","
                              "\"reason\":\"a test card\",\"by\":\"ana\",\"at\":\"2026-01-02T03:04:05Z\"}]"));
    free(s);
    s = render(vigil_csv_item, &it);
    assert_non_null(strstr(s, ",card,x.hashdeep,7,,sets-disagree,x:A;y:B,,,,,,,,,,\r\n"));
    free(s);
    it.nmatches = it.ndisputes = 0; /* none: the arrays are left out */
    s = render(vigil_jsonl_item, &it);
    assert_null(strstr(s, "\"matches\""));
    assert_null(strstr(s, "\"disputes\""));
    free(s);
}

/* A series as JSON: a hidden case carries who holds it and nothing else (no id, no item count). */
static void report__series_json_masks_hidden_cases(void **state)
{
    vigil_series_case cases[2] = {{.c = {.id = 4, .visible = 1, .unit = "R01", .contact = "Region 1", .ref = "R1-\"7"},
                                   .items = 3},
                                  {.c = {.id = 0, .visible = 0, .unit = "R02", .contact = "Region 2"}, .items = 0}};
    vigil_series s = {.name = "S-1", .identified = 1, .victim_by = "nat1", .victim_at = "2026-12-07T10:00:00Z",
                      .nunits = 2, .units = "R01,R02", .items = 3, .cases = cases, .ncases = 2};
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    (void)state;
    assert_int_equal(vigil_series_write_json(f, &s, 1, 1, NULL), 0);
    assert_int_equal(vigil_series_write_json(f, &s, 1, 0, NULL), 0);
    fclose(f);
    const char *one = "{\"name\":\"S-1\",\"victim\":\"identified\",\"victim_by\":\"nat1\","
                      "\"victim_at\":\"2026-12-07T10:00:00Z\",\"cases\":2,\"units\":2,\"unit_codes\":\"R01,R02\","
                      "\"items\":3,\"holders\":[{\"case\":4,\"unit\":\"R01\",\"contact\":\"Region 1\","
                      "\"ref\":\"R1-\\\"7\",\"visible\":true,\"items\":3},{\"case\":null,\"unit\":\"R02\","
                      "\"contact\":\"Region 2\",\"ref\":null,\"visible\":false,\"items\":null}]}";
    char want[2048];
    snprintf(want, sizeof want, "%s\n[%s]\n", one, one);
    assert_string_equal(buf, want);
    free(buf);
}

/* The keys' counts as JSON: revoked and never-revoked keys, counts as numbers. */
static void report__apikeys_json(void **state)
{
    vigil_apikey_row k[2] = {{.name = "hotline", .org = "Hotline \"NL\"", .scope = "check", .prefix = "vk_abcdefg",
                              .created = "2026-12-01T09:00:00Z", .created_by = "root", .requests = 12, .hashes = 3456},
                             {.name = "old", .org = "Old", .scope = "check", .prefix = "vk_0123456",
                              .created = "2026-11-01T09:00:00Z", .revoked = "2026-11-02T09:00:00Z"}};
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    (void)state;
    assert_int_equal(vigil_apikeys_write_json(f, k, 2, NULL), 0);
    fclose(f);
    assert_string_equal(buf, "[{\"name\":\"hotline\",\"org\":\"Hotline \\\"NL\\\"\",\"scope\":\"check\","
                             "\"prefix\":\"vk_abcdefg\",\"created\":\"2026-12-01T09:00:00Z\",\"created_by\":\"root\","
                             "\"revoked\":null,\"requests\":12,\"hashes\":3456},{\"name\":\"old\",\"org\":\"Old\","
                             "\"scope\":\"check\",\"prefix\":\"vk_0123456\",\"created\":\"2026-11-01T09:00:00Z\","
                             "\"created_by\":null,\"revoked\":\"2026-11-02T09:00:00Z\",\"requests\":0,\"hashes\":0}]\n");
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(report__jsonl_item_has_every_contract_field_in_order),
        cmocka_unit_test(report__jsonl_error_item_and_raw_bytes),
        cmocka_unit_test(report__jsonl_video_fields),
        cmocka_unit_test(report__summary_counts_and_flag),
        cmocka_unit_test(report__summary_lists_the_sets_compared),
        cmocka_unit_test(report__csv_quotes_commas_quotes_and_newlines),
        cmocka_unit_test(report__csv_neutralises_formula_cells),
        cmocka_unit_test(report__csv_video_fields),
        cmocka_unit_test(report__html_thumbnails_follow_the_policy),
        cmocka_unit_test(report__html_header_totals_and_escaping),
        cmocka_unit_test(report__html_distinct_contents_at_scale_and_no_empty_set_columns),
        cmocka_unit_test(report__every_match_and_disputes),
        cmocka_unit_test(report__html_rows_in_columns),
        cmocka_unit_test(report__series_json_masks_hidden_cases),
        cmocka_unit_test(report__apikeys_json),
    };
    return tu_run_tests("report", tests, NULL, NULL);
}

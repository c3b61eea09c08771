/* report: the JSONL object of an item, the summary line, CSV quoting. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "vigil/report.h"

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
    it.match = (vigil_match){VIGIL_BY_SHA1, VIGIL_KIND_ILLEGAL, "vics", "A", NULL, 0, 0};
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
    assert_int_equal(vigil_jsonl_summary_sets(f, &st, &set, 1), 0);
    fclose(f);
    assert_non_null(strstr(buf, "\"interrupted\":false,\"sets\":[]}}\n"));
    assert_non_null(strstr(buf, "\"sets\":[{\"name\":\"tx\",\"kind\":\"illegal\",\"version\":2,\"entries\":7,"
                                "\"pdq_entries\":5,"));
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
    assert_memory_equal(s, "\"a,\"\"b\"\"\nc\",,0,,,,,,,unknown,,,,,,,file,,,,,,,\r\n", strlen(s));
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(report__jsonl_item_has_every_contract_field_in_order),
        cmocka_unit_test(report__jsonl_error_item_and_raw_bytes),
        cmocka_unit_test(report__summary_counts_and_flag),
        cmocka_unit_test(report__summary_lists_the_sets_compared),
        cmocka_unit_test(report__csv_quotes_commas_quotes_and_newlines),
        cmocka_unit_test(report__csv_neutralises_formula_cells),
    };
    return tu_run_tests("report", tests, NULL, NULL);
}

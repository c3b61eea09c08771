/* The decisions of vigil case categorize as CSV text, and which set each category goes to
 * (vigil/categorize.h); the registry's side runs in tests/e2e/case_categorize.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vigil/categorize.h"

#define SHA1 "da39a3ee5e6b4b0d3255bfef95601890afd80709"
#define MD5 "D41D8CD98F00B204E9800998ECF8427E"

static int parse(vigil_categorizations *c, const char *text, vigil_error *err)
{
    return vigil_categorize_parse(c, text, strlen(text), "d.csv", err);
}

static void categorize__kinds(void **state)
{
    vigil_hashset_kind k;
    vigil_error err;
    (void)state;
    for (const char *const *c = (const char *const[]){"1", "A", "B", "C", NULL}; *c; c++) {
        assert_int_equal(vigil_category_kind(&k, *c, &err), 0);
        assert_int_equal(k, VIGIL_KIND_ILLEGAL);
    }
    for (const char *const *c = (const char *const[]){"2", "3", "4", NULL}; *c; c++) {
        assert_int_equal(vigil_category_kind(&k, *c, &err), 0);
        assert_int_equal(k, VIGIL_KIND_INTEREST);
    }
    assert_int_equal(vigil_category_kind(&k, "0", &err), VIGIL_EINPUT);
    assert_non_null(strstr(err.msg, "category '0'"));
    assert_int_equal(vigil_category_kind(&k, "a", &err), VIGIL_EINPUT);
}

static void categorize__csv_lines(void **state)
{
    vigil_categorizations c;
    vigil_error err;
    (void)state;
    assert_int_equal(parse(&c, "\xef\xbb\xbf" "digest,category,series\r\n" SHA1 ",1,S1\r\n\n " MD5 " , 2 ,\n", &err), 0);
    assert_int_equal(c.n, 2);
    assert_string_equal(c.v[0].digest, SHA1);
    assert_string_equal(c.v[0].category, "1");
    assert_string_equal(c.v[0].series, "S1");
    assert_string_equal(c.v[0].where, "d.csv: line 2");
    assert_string_equal(c.v[1].digest, MD5);
    assert_string_equal(c.v[1].category, "2");
    assert_null(c.v[1].series);   /* an empty series is none */
    assert_string_equal(c.v[1].where, "d.csv: line 4");
    vigil_categorizations_free(&c);
}

static void categorize__bad_line_refuses_the_file(void **state)
{
    static const struct { const char *text, *msg; } bad[] = {
        {SHA1 ",1\nnot-hex,1\n", "d.csv: line 2: 'not-hex' is not an MD5, SHA-1 or SHA-256 in hex"},
        {SHA1 ",9\n", "d.csv: line 1: category '9': expected 1, A, B or C"},
        {SHA1 "\n", "d.csv: line 1: expected digest,category[,series], found 1 column"},
        {SHA1 ",1,S,x\n", "d.csv: line 1: expected digest,category[,series], found 4 columns"},
        {SHA1 ",1,0123456789012345678901234567890123456789012345678901234567890123\n", "d.csv: line 1: series: at most"},
        {"digest,category\n\n", "d.csv: no decision in the file"},
        {"", "d.csv: no decision in the file"},
    };
    vigil_categorizations c;
    vigil_error err;
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(parse(&c, bad[i].text, &err), VIGIL_EINPUT);
        assert_non_null(strstr(err.msg, bad[i].msg));
        assert_int_equal(c.n, 0);
        assert_null(c.v);
    }
    assert_int_equal(vigil_categorize_parse(&c, SHA1 ",1\n\0", strlen(SHA1) + 4, "d.csv", &err), VIGIL_EINPUT);
    assert_non_null(strstr(err.msg, "NUL byte"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(categorize__kinds),
        cmocka_unit_test(categorize__csv_lines),
        cmocka_unit_test(categorize__bad_line_refuses_the_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

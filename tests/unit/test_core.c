/* core: buffers, JSON string escaping, hex. */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "core/buf.h"
#include "core/hex.h"
#include "core/csv.h"
#include "core/json.h"
#include "core/term.h"
#include "core/linereader.h"

static void core__buf_is_capped_and_sticky(void **state)
{
    vg_buf b;
    (void)state;
    vg_buf_init(&b, 8);
    vg_buf_adds(&b, "12345678");
    assert_false(vg_buf_failed(&b));
    vg_buf_addc(&b, '9');
    assert_true(vg_buf_failed(&b));
    vg_buf_adds(&b, "x"); /* still failed, nothing appended */
    assert_int_equal(b.len, 8);
    assert_string_equal(b.ptr, "12345678");
    vg_buf_dispose(&b);
}

static void core__buf_addf_grows_past_small_buffer(void **state)
{
    vg_buf b;
    char big[600];
    (void)state;
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    vg_buf_init(&b, 1 << 20);
    vg_buf_addf(&b, "<%s>", big);
    assert_int_equal(b.len, 601);
    assert_int_equal(b.ptr[0], '<');
    assert_int_equal(b.ptr[600], '>');
    vg_buf_dispose(&b);
}

static char *json_of(const char *p, size_t n)
{
    vg_buf b;
    vg_buf_init(&b, 1 << 20);
    vg_json_str(&b, p, n);
    return vg_buf_detach(&b, NULL);
}

static void core__json_escapes_controls_and_quotes(void **state)
{
    char *s = json_of("a\"b\\c\n\x01", 7);
    (void)state;
    assert_string_equal(s, "\"a\\\"b\\\\c\\n\\u0001\"");
    free(s);
}

static void core__json_keeps_utf8_and_escapes_bad_bytes_losslessly(void **state)
{
    /* "é" is valid UTF-8; 0xff and a lone 0xc3 are not: each becomes \udcXX */
    char *s = json_of("\xc3\xa9-\xff-\xc3", 6);
    (void)state;
    assert_string_equal(s, "\"\xc3\xa9-\\udcff-\\udcc3\"");
    free(s);
    s = json_of("\xed\xa0\x80", 3); /* an encoded surrogate is not valid UTF-8 */
    assert_string_equal(s, "\"\\udced\\udca0\\udc80\"");
    free(s);
}

static void core__utf8_validation(void **state)
{
    (void)state;
    assert_true(vg_utf8_valid("plain", 5));
    assert_true(vg_utf8_valid("\xf0\x9f\x98\x80", 4));
    assert_false(vg_utf8_valid("\xc0\xaf", 2)); /* overlong */
    assert_false(vg_utf8_valid("\xf4\x90\x80\x80", 4)); /* past U+10FFFF */
}

static void core__term_escapes_controls_c1_and_stray_bytes(void **state)
{
    /* ESC, LF, TAB, CR, DEL, U+009B (CSI as UTF-8), a raw 0x9b, 0xff; é and the backslash stay */
    static const char in[] = "a\x1b[31m\n\t\r\x7f\xc2\x9b\x9b\xff\xc3\xa9\\";
    char *s = vigil_term_escape(in, sizeof in - 1);
    (void)state;
    assert_non_null(s);
    assert_string_equal(s, "a\\x1b[31m\\n\\t\\r\\x7f\\u009b\\x9b\\xff\xc3\xa9\\");
    free(s);
    assert_int_equal(vigil_term_clean("caf\xc3\xa9 C:\\x", 9), 1);
    assert_int_equal(vigil_term_clean("a\x1b", 2), 0);
    assert_int_equal(vigil_term_clean("\xc2\xa0", 2), 1); /* U+00A0 is no control */
    s = vigil_term_escape("\0", 1);
    assert_string_equal(s, "\\x00");
    free(s);
}

static char *csv_of(const char *p)
{
    vg_buf b;
    vg_buf_init(&b, 1 << 20);
    vg_csv_fieldz(&b, p);
    vg_buf_addc(&b, '\0');
    return vg_buf_detach(&b, NULL);
}

static void core__csv_neutralises_formulas_not_numbers(void **state)
{
    static const struct { const char *in, *out; } cases[] = {
        {"=1+1", "'=1+1"}, {"@SUM(A1)", "'@SUM(A1)"}, {"+cmd", "'+cmd"}, {"-2+3", "'-2+3"},
        {"\tx", "'\tx"}, {"\rx", "\"'\rx\""}, {"=HYPERLINK(\"u\",\"t\")", "\"'=HYPERLINK(\"\"u\"\",\"\"t\"\")\""},
        {"'=x", "''=x"}, {"-", "'-"},
        {"-3", "-3"}, {"+1.5", "+1.5"}, {"-0.25", "-0.25"}, {"a=b", "a=b"}, {"'x", "'x"}, {"", ""}, {"12", "12"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *s = csv_of(cases[i].in);
        assert_string_equal(s, cases[i].out);
        if (s[0] != '"') { /* a reader takes exactly the added apostrophe off */
            size_t skip = vg_csv_unneutralise(s, strlen(s));
            assert_string_equal(s + skip, cases[i].in);
        }
        free(s);
    }
}

static void core__hex_round_trip_and_rejects_junk(void **state)
{
    uint8_t in[3] = {0x00, 0xab, 0xff}, out[3];
    char hex[7];
    (void)state;
    vg_hex_encode(hex, in, 3);
    assert_string_equal(hex, "00abff");
    assert_int_equal(vg_hex_decode(out, "00ABff", 3), 0);
    assert_memory_equal(in, out, 3);
    assert_int_equal(vg_hex_decode(out, "00abfg", 3), -1);
}

/* Digests take the eight-digits-at-a-time path: every byte value in every place is judged as
 * the table judges it, and good digits decode as the table decodes them. */
static void core__hex_fast_path_agrees_with_the_table(void **state)
{
    static const char good[] = "0123456789abcdefABCDEF0123456789aBcDeF0123456789abcdef0123456789";
    uint8_t out[32], want[32];
    char s[65];
    (void)state;
    for (size_t i = 0; i < 32; i++)
        want[i] = (uint8_t)(vg_hex_table[(unsigned char)good[2 * i]] << 4 | vg_hex_table[(unsigned char)good[2 * i + 1]]);
    assert_int_equal(vg_hex_decode(out, good, 32), 0);
    assert_memory_equal(out, want, 32);
    for (size_t at = 0; at < 64; at += 7)
        for (int c = 0; c < 256; c++) {
            memcpy(s, good, 65);
            s[at] = (char)c;
            assert_int_equal(vg_hex_decode(out, s, 32), vg_is_hex_char((char)c) ? 0 : -1);
            assert_int_equal(vg_hex_decode(out, s, 3), at >= 6 || vg_is_hex_char((char)c) ? 0 : -1);
        }
}

/* Lines out of a memory file through the bounded reader, with a small bound. */
static FILE *mem_file(const char *data, size_t n)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    rewind(f);
    return f;
}

static void core__linereader_lines_in_order_and_a_last_without_newline(void **state)
{
    static const char data[] = "one\r\ntwo\n\nlast";
    FILE *f = mem_file(data, sizeof data - 1);
    vg_linereader r;
    vigil_error err;
    char *line;
    const char *want[] = {"one\r\n", "two\n", "\n", "last"};
    (void)state;
    assert_int_equal(vg_linereader_init(&r, f, "mem", "line ", 16, &err), 0);
    for (int i = 0; i < 4; i++) {
        ssize_t n = vg_linereader_next(&r, &line, &err);
        assert_int_equal(n, (ssize_t)strlen(want[i]));
        assert_string_equal(line, want[i]);
        line[0] = 'X'; /* writable, and the next line is intact */
    }
    assert_int_equal(vg_linereader_next(&r, &line, &err), 0);
    assert_int_equal(vg_linereader_next(&r, &line, &err), 0);
    vg_linereader_dispose(&r);
    fclose(f);
}

static void core__linereader_bound_and_nul_fail_at_their_line(void **state)
{
    static const char with_nul[] = "ok\nfine\nbad\0line\nmore\n";
    vg_linereader r;
    vigil_error err;
    char *line, big[200];
    FILE *f;
    (void)state;
    /* 16 bytes with the newline is the bound; 17 is over */
    memset(big, 'a', sizeof big);
    memcpy(big, "aaaaaaaaaaaaaaa\nbbbbbbbbbbbbbbbb\n", 33);
    f = mem_file(big, sizeof big);
    assert_int_equal(vg_linereader_init(&r, f, "mem", "line ", 16, &err), 0);
    assert_int_equal(vg_linereader_next(&r, &line, &err), 16);
    assert_int_equal(vg_linereader_next(&r, &line, &err), VIGIL_EINPUT);
    assert_string_equal(err.msg, "mem:line 2: line longer than 16 bytes");
    vg_linereader_dispose(&r);
    fclose(f);
    /* a line without end is refused at the bound, not read to its end */
    f = mem_file(big + 33, sizeof big - 33);
    assert_int_equal(vg_linereader_init(&r, f, "mem", "", 16, &err), 0);
    assert_int_equal(vg_linereader_next(&r, &line, &err), VIGIL_EINPUT);
    assert_string_equal(err.msg, "mem:1: line longer than 16 bytes");
    vg_linereader_dispose(&r);
    fclose(f);
    /* a NUL byte: the lines before it come out, then its line fails */
    f = mem_file(with_nul, sizeof with_nul - 1);
    assert_int_equal(vg_linereader_init(&r, f, "mem", "line ", 1 << 20, &err), 0);
    assert_int_equal(vg_linereader_next(&r, &line, &err), 3);
    assert_int_equal(vg_linereader_next(&r, &line, &err), 5);
    assert_int_equal(vg_linereader_next(&r, &line, &err), VIGIL_EINPUT);
    assert_string_equal(err.msg, "mem:line 3: binary data (NUL byte), not a text file");
    vg_linereader_dispose(&r);
    fclose(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(core__buf_is_capped_and_sticky),
        cmocka_unit_test(core__buf_addf_grows_past_small_buffer),
        cmocka_unit_test(core__json_escapes_controls_and_quotes),
        cmocka_unit_test(core__json_keeps_utf8_and_escapes_bad_bytes_losslessly),
        cmocka_unit_test(core__utf8_validation),
        cmocka_unit_test(core__hex_round_trip_and_rejects_junk),
        cmocka_unit_test(core__hex_fast_path_agrees_with_the_table),
        cmocka_unit_test(core__term_escapes_controls_c1_and_stray_bytes),
        cmocka_unit_test(core__csv_neutralises_formulas_not_numbers),
        cmocka_unit_test(core__linereader_lines_in_order_and_a_last_without_newline),
        cmocka_unit_test(core__linereader_bound_and_nul_fail_at_their_line),
    };
    return tu_run_tests("core", tests, NULL, NULL);
}

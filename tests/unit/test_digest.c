/* digest: one pass gives the three standard digests, whatever the chunking. */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "core/hex.h"
#include "vigil/digest.h"

static void check_hex(const uint8_t *d, size_t n, const char *want)
{
    char hex[65];
    vg_hex_encode(hex, d, n);
    assert_string_equal(hex, want);
}

static void digest__empty_input_has_known_digests(void **state)
{
    vigil_digests d;
    (void)state;
    assert_int_equal(vigil_digest_buffer(&d, "", 0, NULL), VIGIL_OK);
    check_hex(d.md5, 16, "d41d8cd98f00b204e9800998ecf8427e");
    check_hex(d.sha1, 20, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    check_hex(d.sha256, 32, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void digest__abc_matches_published_vectors(void **state)
{
    vigil_digests d;
    (void)state;
    assert_int_equal(vigil_digest_buffer(&d, "abc", 3, NULL), VIGIL_OK);
    check_hex(d.md5, 16, "900150983cd24fb0d6963f7d28e17f72");
    check_hex(d.sha1, 20, "a9993e364706816aba3e25717850c26c9cd0d89d");
    check_hex(d.sha256, 32, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void digest__chunking_does_not_change_the_result(void **state)
{
    size_t n = 3 * 1024 * 1024 + 17;
    uint8_t *buf = malloc(n);
    vigil_digests whole, pieces;
    vigil_digester *d;
    (void)state;
    for (size_t i = 0; i < n; i++)
        buf[i] = (uint8_t)(i * 2654435761u >> 13);
    assert_int_equal(vigil_digest_buffer(&whole, buf, n, NULL), VIGIL_OK);
    assert_int_equal(vigil_digester_new(&d, NULL), VIGIL_OK);
    for (size_t off = 0, step = 1; off < n; off += step, step = step * 3 + 1) {
        size_t k = off + step > n ? n - off : step;
        vigil_digester_update(d, buf + off, k);
    }
    vigil_digester_final(d, &pieces);
    assert_memory_equal(&whole, &pieces, sizeof whole);
    /* final resets: the same digester gives the same answer again */
    vigil_digester_update(d, buf, n);
    vigil_digester_final(d, &pieces);
    assert_memory_equal(&whole, &pieces, sizeof whole);
    vigil_digester_free(d);
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(digest__empty_input_has_known_digests),
        cmocka_unit_test(digest__abc_matches_published_vectors),
        cmocka_unit_test(digest__chunking_does_not_change_the_result),
    };
    return tu_run_tests("digest", tests, NULL, NULL);
}

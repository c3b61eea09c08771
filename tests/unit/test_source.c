/* source and media: container signatures, libmagic MIME types, archive iteration in memory. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "media/sniff.h"
#include "source/archive.h"

static void source__container_signatures(void **state)
{
    static uint8_t tar[600];
    (void)state;
    assert_true(vg_sniff_is_container((const uint8_t *)"PK\x03\x04rest", 8));
    assert_true(vg_sniff_is_container((const uint8_t *)"7z\xbc\xaf\x27\x1c..", 8));
    assert_true(vg_sniff_is_container((const uint8_t *)"\x1f\x8b\x08\x00", 4));
    assert_false(vg_sniff_is_container((const uint8_t *)"\x1f\x8b\x01\x00", 4)); /* not deflate */
    assert_false(vg_sniff_is_container((const uint8_t *)"\xff\xd8\xff\xe0", 4)); /* JPEG */
    assert_false(vg_sniff_is_container((const uint8_t *)"BZh9random", 10));      /* no block magic */
    memcpy(tar + 257, "ustar", 5);
    assert_true(vg_sniff_is_container(tar, sizeof tar));
    assert_false(vg_sniff_is_container(tar, 260)); /* too short to hold the magic */
}

static void source__mime_from_libmagic(void **state)
{
    vg_sniffer *s;
    char mime[96];
    static const uint8_t png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
                                  0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0};
    (void)state;
    assert_int_equal(vg_sniffer_new(&s, NULL), 0);
    vg_sniff_mime(s, png, sizeof png, mime, sizeof mime);
    assert_string_equal(mime, "image/png");
    vg_sniff_mime(s, "hello world\n", 12, mime, sizeof mime);
    assert_string_equal(mime, "text/plain");
    vg_sniff_mime(s, "", 0, mime, sizeof mime);
    assert_string_equal(mime, "inode/x-empty");
    vg_sniffer_free(s);
}

/* Mappings of libmagic's compiled database in this process. */
static int magic_mappings(void)
{
    char line[4096];
    int n = 0;
    FILE *f = fopen("/proc/self/maps", "r");
    assert_non_null(f);
    while (fgets(line, sizeof line, f))
        n += strstr(line, "magic.mgc\n") != NULL;
    fclose(f);
    return n;
}

static void source__sniffers_share_one_mapping_of_the_database(void **state)
{
    vg_sniffer *a, *b;
    char mime[96];
    (void)state;
    assert_int_equal(vg_sniffer_new(&a, NULL), 0);
    assert_int_equal(vg_sniffer_new(&b, NULL), 0);
    assert_int_equal(magic_mappings(), 1); /* one per sniffer before */
    vg_sniff_mime(a, "#!/bin/sh\necho hi\n", 19, mime, sizeof mime);
    assert_string_equal(mime, "text/x-shellscript");
    vg_sniff_mime(b, "#!/bin/sh\necho hi\n", 19, mime, sizeof mime);
    assert_string_equal(mime, "text/x-shellscript");
    vg_sniffer_free(a);
    vg_sniff_mime(b, "hello world\n", 12, mime, sizeof mime); /* still mapped for the other */
    assert_string_equal(mime, "text/plain");
    vg_sniffer_free(b);
    assert_int_equal(magic_mappings(), 0);
    assert_int_equal(vg_sniffer_new(&a, NULL), 0); /* mapped again */
    vg_sniff_mime(a, "hello world\n", 12, mime, sizeof mime);
    assert_string_equal(mime, "text/plain");
    vg_sniffer_free(a);
}

typedef struct members {
    char names[8][64];
    size_t sizes[8];
    int n;
} members;

static int on_member(void *ud, struct archive *a, const vg_archive_member *m)
{
    members *ms = ud;
    char buf[4096];
    la_ssize_t k;
    size_t total = 0;
    while ((k = archive_read_data(a, buf, sizeof buf)) > 0)
        total += (size_t)k;
    if (ms->n < 8) {
        snprintf(ms->names[ms->n], 64, "%s", m->path);
        ms->sizes[ms->n] = total;
    }
    ms->n++;
    return 0;
}

static void put16(uint8_t *out, size_t *o, uint32_t v)
{
    out[(*o)++] = (uint8_t)v;
    out[(*o)++] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *out, size_t *o, uint32_t v)
{
    put16(out, o, v & 0xffff);
    put16(out, o, v >> 16);
}

/* A stored (uncompressed) zip with two members, written by hand: local headers, central directory. */
static size_t make_zip(uint8_t *out)
{
    static const char *names[2] = {"a.txt", "dir/b.txt"};
    static const char *data[2] = {"hello\n", "world!\n"};
    static const uint32_t crcs[2] = {0x363a3020, 0x9c77e841};
    uint32_t offs[2];
    size_t o = 0, cd;
#define U16(v) put16(out, &o, (uint32_t)(v))
#define U32(v) put32(out, &o, (uint32_t)(v))
    for (int i = 0; i < 2; i++) {
        size_t nl = strlen(names[i]), dl = strlen(data[i]);
        offs[i] = (uint32_t)o;
        U32(0x04034b50); U16(10); U16(0); U16(0); U16(0); U16(0); U32(crcs[i]); U32(dl); U32(dl); U16(nl); U16(0);
        memcpy(out + o, names[i], nl), o += nl;
        memcpy(out + o, data[i], dl), o += dl;
    }
    cd = o;
    for (int i = 0; i < 2; i++) {
        size_t nl = strlen(names[i]), dl = strlen(data[i]);
        U32(0x02014b50); U16(20); U16(10); U16(0); U16(0); U16(0); U16(0); U32(crcs[i]); U32(dl); U32(dl);
        U16(nl); U16(0); U16(0); U16(0); U16(0); U32(0); U32(offs[i]);
        memcpy(out + o, names[i], nl), o += nl;
    }
    {
        size_t cd_size = o - cd;
        U32(0x06054b50); U16(0); U16(0); U16(2); U16(2); U32(cd_size); U32(cd); U16(0);
    }
#undef U16
#undef U32
    return o;
}

static void source__archive_members_from_memory(void **state)
{
    uint8_t zip[512];
    size_t n = make_zip(zip);
    members ms = {0};
    vg_archive_src src = {.fd = -1, .mem = zip, .mem_len = n};
    uint64_t count;
    char why[256];
    (void)state;
    assert_int_equal(vg_archive_iterate(&src, on_member, &ms, &count, why, sizeof why, NULL), 0);
    assert_int_equal(ms.n, 2);
    assert_int_equal(count, 2);
    assert_string_equal(ms.names[0], "a.txt");
    assert_int_equal(ms.sizes[0], 6);
    assert_string_equal(ms.names[1], "dir/b.txt");
    assert_int_equal(ms.sizes[1], 7);
}

static void source__damaged_archive_says_why(void **state)
{
    uint8_t zip[512];
    size_t n = make_zip(zip);
    members ms = {0};
    vg_archive_src src = {.fd = -1, .mem = zip, .mem_len = n - 30}; /* cut into the central directory */
    char why[256] = "";
    (void)state;
    vg_archive_iterate(&src, on_member, &ms, NULL, why, sizeof why, NULL);
    /* libarchive falls back to the local headers or reports the damage; either way no crash, and
       when it fails the reason is given */
    if (ms.n < 2)
        assert_true(strlen(why) > 0);
}

/* A ustar archive of two small members, made with libarchive's writer; its length. */
static size_t make_tar(uint8_t *out, size_t cap)
{
    static const char *names[2] = {"one.txt", "two.txt"};
    struct archive *w = archive_write_new();
    size_t used = 0;
    assert_non_null(w);
    assert_int_equal(archive_write_set_format_ustar(w), ARCHIVE_OK);
    assert_int_equal(archive_write_set_bytes_in_last_block(w, 1), ARCHIVE_OK);
    assert_int_equal(archive_write_open_memory(w, out, cap, &used), ARCHIVE_OK);
    for (int i = 0; i < 2; i++) {
        struct archive_entry *e = archive_entry_new();
        archive_entry_set_pathname(e, names[i]);
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_perm(e, 0644);
        archive_entry_set_size(e, 4);
        assert_int_equal(archive_write_header(w, e), ARCHIVE_OK);
        assert_int_equal(archive_write_data(w, i ? "two\n" : "one\n", 4), 4);
        archive_entry_free(e);
    }
    assert_int_equal(archive_write_close(w), ARCHIVE_OK);
    archive_write_free(w);
    return used;
}

static void source__damaged_tar_header_is_corrupt_at_its_offset(void **state)
{
    uint8_t tar[8192];
    size_t n = make_tar(tar, sizeof tar);
    members ms = {0};
    vg_archive_src src = {.fd = -1, .mem = tar, .mem_len = n};
    vg_archive_failure fail;
    uint64_t count;
    char why[256];
    (void)state;
    assert_memory_equal(tar + 1024, "two.txt", 7); /* a header, one.txt's 4 bytes padded to 512 */
    tar[1024] ^= 0x20;                            /* its checksum no longer matches */
    assert_int_equal(vg_archive_iterate(&src, on_member, &ms, &count, why, sizeof why, &fail), -1);
    assert_int_equal(ms.n, 1);
    assert_int_equal(fail.kind, VIGIL_ERROR_CORRUPT);
    assert_int_equal(fail.offset, 1024);
    assert_string_equal(why, "corrupt at offset 1024 after 1 members: Damaged tar archive");
}

static void source__archive_error_kinds(void **state)
{
    (void)state;
    assert_int_equal(vg_archive_error_kind(EINVAL, "Damaged tar archive"), VIGIL_ERROR_CORRUPT);
    assert_int_equal(vg_archive_error_kind(EILSEQ, "Truncated input file (needed 512 bytes, only 0 available)"),
                     VIGIL_ERROR_CORRUPT);
    assert_int_equal(vg_archive_error_kind(-1, "ZIP bad CRC: 0x1 should be 0x2"), VIGIL_ERROR_CORRUPT);
    assert_int_equal(vg_archive_error_kind(EILSEQ, "Unsupported ZIP compression method (9: deflate64)"),
                     VIGIL_ERROR_UNSUPPORTED);
    assert_int_equal(vg_archive_error_kind(-1, "Encrypted file is unsupported"), VIGIL_ERROR_ENCRYPTED);
    assert_int_equal(vg_archive_error_kind(EIO, "read error at byte 4096: Input/output error"), VIGIL_ERROR_OTHER);
    assert_int_equal(vg_archive_error_kind(-1, "Input requires too many filters for decoding"), VIGIL_ERROR_OTHER);
    assert_int_equal(vg_archive_error_kind(ENOMEM, "Can't allocate data for gzip decompression"), VIGIL_ERROR_OTHER);
    assert_int_equal(vg_archive_error_kind(-1, NULL), VIGIL_ERROR_OTHER);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(source__container_signatures),
        cmocka_unit_test(source__mime_from_libmagic),
        cmocka_unit_test(source__sniffers_share_one_mapping_of_the_database),
        cmocka_unit_test(source__archive_members_from_memory),
        cmocka_unit_test(source__damaged_archive_says_why),
        cmocka_unit_test(source__damaged_tar_header_is_corrupt_at_its_offset),
        cmocka_unit_test(source__archive_error_kinds),
    };
    return tu_run_tests("source", tests, NULL, NULL);
}

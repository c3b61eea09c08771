/*
 * vigil's own sniffers, one small picture of each format built here: the MIME
 * type they give is what `file --mime-type` 5.44 gives for the same bytes
 * (checked when the table was written), formats left to libmagic give none,
 * and the container answer agrees with the table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "media/sniff.h"
#include "media/sniff_formats.h"

static uint8_t buf[40000];

/* buf: sig at off, the rest zero; returns the bytes to sniff. */
static size_t make(size_t off, const void *sig, size_t len, size_t n)
{
    memset(buf, 0, sizeof buf);
    memcpy(buf + off, sig, len);
    return n;
}

static const char *mime_of(size_t n)
{
    const vg_format *f = vg_sniff_format(buf, n);
    return f ? f->mime : NULL;
}

static void test_pictures(void **state)
{
    (void)state;
    assert_string_equal(mime_of(make(0, "\xff\xd8\xff\xe0", 4, 64)), "image/jpeg");
    assert_string_equal(mime_of(make(0, "\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", 16, 64)), "image/png");
    /* an animated PNG (acTL right after IHDR) is left to libmagic */
    make(0, "\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", 16, 64);
    memcpy(buf + 37, "acTL", 4);
    assert_null(mime_of(64));
    assert_string_equal(mime_of(make(0, "GIF89a", 6, 64)), "image/gif");
    assert_string_equal(mime_of(make(0, "RIFF\x24\0\0\0WEBPVP8 ", 16, 64)), "image/webp");
    make(0, "BM", 2, 64);
    buf[14] = 40;
    assert_string_equal(mime_of(64), "image/bmp");
    buf[14] = 41; /* no DIB header file knows */
    assert_null(vg_sniff_format(buf, 64));
    assert_string_equal(mime_of(make(0, "II*\0\x08\0\0\0", 8, 64)), "image/tiff");
    assert_null(vg_sniff_format(buf, make(0, "II*\0\x10\0\0\0CR", 10, 64))); /* Canon CR2: libmagic */
    make(0, "\0\0\1\0\1\0\x10\x10", 8, 64);
    buf[18] = 22;
    assert_string_equal(mime_of(64), "image/vnd.microsoft.icon");
    buf[18] = 5; /* image data inside the directory: not an icon */
    assert_null(vg_sniff_format(buf, 64));
}

static void ftyp(const char *brand)
{
    make(0, "\0\0\0\x14" "ftyp", 8, 64);
    memcpy(buf + 8, brand, 4);
}

static void test_videos(void **state)
{
    static const struct { const char *brand, *mime; } b[] = {
        {"heic", "image/heic"}, {"mif1", "image/heif"}, {"avif", "image/avif"}, {"isom", "video/mp4"},
        {"qt  ", "video/quicktime"}, {"3gp4", "video/3gpp"}, {"M4A ", "audio/x-m4a"}};
    (void)state;
    for (size_t i = 0; i < sizeof b / sizeof b[0]; i++) {
        ftyp(b[i].brand);
        assert_string_equal(mime_of(64), b[i].mime);
    }
    ftyp("zzzz"); /* a brand the table does not know: recognised, named by libmagic */
    assert_non_null(vg_sniff_format(buf, 64));
    assert_null(mime_of(64));
    assert_string_equal(mime_of(make(0, "\x1a\x45\xdf\xa3\x8f\x42\x82\x84webm", 12, 64)), "video/webm");
    assert_string_equal(mime_of(make(0, "\x1a\x45\xdf\xa3\x8f\x42\x82\x88matroska", 16, 64)), "video/x-matroska");
    assert_string_equal(mime_of(make(0, "RIFF\x24\0\0\0AVI LIST", 16, 64)), "video/x-msvideo");
    assert_string_equal(mime_of(make(0, "FLV\x01", 4, 64)), "video/x-flv");
    assert_string_equal(mime_of(make(0, "\0\0\1\xba", 4, 64)), "video/mpeg");
    make(0, "\x47", 1, 1000);
    for (size_t i = 188; i < 1000; i += 188)
        buf[i] = 0x47;
    assert_string_equal(mime_of(1000), "video/MP2T");
    assert_null(vg_sniff_format(buf, 700)); /* fewer than five packets seen */
}

static void test_archives(void **state)
{
    (void)state;
    make(0, "PK\x03\x04", 4, 64);
    buf[26] = 5;
    memcpy(buf + 30, "a.txt", 5);
    assert_string_equal(mime_of(64), "application/zip");
    assert_true(vg_sniff_is_container(buf, 64));
    memcpy(buf + 30, "word/", 5); /* an office document: libmagic searches the members */
    assert_null(mime_of(64));
    assert_true(vg_sniff_is_container(buf, 64));
    assert_string_equal(mime_of(make(0, "\x1f\x8b\x08", 3, 64)), "application/gzip");
    assert_string_equal(mime_of(make(0, "BZh91AY&SY", 10, 64)), "application/x-bzip2");
    assert_null(vg_sniff_format(buf, make(0, "BZh0", 4, 64)));
    assert_string_equal(mime_of(make(0, "\xfd" "7zXZ\0", 6, 64)), "application/x-xz");
    assert_string_equal(mime_of(make(0, "\x28\xb5\x2f\xfd", 4, 64)), "application/zstd");
    assert_string_equal(mime_of(make(0, "7z\xbc\xaf\x27\x1c", 6, 64)), "application/x-7z-compressed");
    assert_string_equal(mime_of(make(0, "!<arch>\ndebian-binary", 21, 64)), "application/vnd.debian.binary-package");
    assert_string_equal(mime_of(make(0, "!<arch>\n", 8, 64)), "application/x-archive");
    assert_true(vg_sniff_is_container(buf, 64)); /* ar (and so .deb) is opened: libarchive reads it */
    /* tar: the checksum decides whether vigil names it, not whether it opens it */
    make(257, "ustar\0" "00", 8, 512);
    memcpy(buf, "a.txt", 5);
    assert_null(mime_of(512));
    assert_true(vg_sniff_is_container(buf, 512));
    {
        unsigned sum = 0;
        memset(buf + 148, ' ', 8);
        for (size_t i = 0; i < 512; i++)
            sum += buf[i];
        snprintf((char *)buf + 148, 8, "%06o", sum);
    }
    assert_string_equal(mime_of(512), "application/x-tar");
    make(32769, "CD001", 5, 32774);
    assert_string_equal(mime_of(32774), "application/x-iso9660-image");
    assert_true(vg_sniff_is_container(buf, 32774));
    assert_false(vg_sniff_is_container(buf, 32770)); /* head too short to see it */
}

static void test_others(void **state)
{
    (void)state;
    assert_string_equal(mime_of(make(0, "%PDF-1.4\n", 9, 64)), "application/pdf");
    assert_string_equal(mime_of(make(0, "%!PS-Adobe-3.0\n", 15, 64)), "application/postscript");
    assert_null(vg_sniff_format(buf, make(0, "%!PS-AdobeFont-1.0", 18, 64))); /* file: text/plain */
    assert_null(vg_sniff_format(buf, make(0, "%!PS-Adobe-3.0 Resource-Font\n", 29, 64)));
    assert_string_equal(mime_of(make(0, "SQLite format 3", 16, 64)), "application/vnd.sqlite3");
    assert_null(mime_of(make(0, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8, 64))); /* OLE2: CDF test names it */
    make(0, "\x7f" "ELF\x02\x01\x01", 7, 64);
    buf[16] = 1;
    assert_string_equal(mime_of(64), "application/x-object");
    buf[16] = 3; /* shared object or PIE: libmagic reads the dynamic section */
    assert_null(mime_of(64));
    assert_string_equal(mime_of(make(0, "EVF\x09\x0d\x0a\xff\0", 8, 64)), "application/octet-stream");
    assert_string_equal(mime_of(make(0, "QFI\xfb", 4, 64)), "application/x-qemu-disk");
    /* a boot signature at 510 makes file say DOS/MBR: left to libmagic, whatever starts the bytes */
    make(0, "\x1f\x8b\x08", 3, 600);
    buf[510] = 0x55, buf[511] = 0xaa;
    assert_null(vg_sniff_format(buf, 600));
    assert_null(vg_sniff_format(buf, make(0, "hello", 5, 5)));
    assert_null(vg_sniff_format(NULL, 0));
}

/* CAFEBABE: a Java class (version word above 30) is named by the table, as libmagic names it; Mach-O is not. */
static void test_java_class(void **state)
{
    static const uint32_t words[] = {0, 1, 2, 19, 20, 30, 31, 45, 52, 65, 0x0003002d, 0x7fffffff, 0x80000000, 0xffffffff};
    vg_sniffer *s;
    char mime[128];
    (void)state;
    assert_int_equal(vg_sniffer_new(&s, NULL), 0);
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        const vg_format *f;
        make(0, "\xca\xfe\xba\xbe", 4, 64);
        buf[4] = (uint8_t)(words[i] >> 24), buf[5] = (uint8_t)(words[i] >> 16);
        buf[6] = (uint8_t)(words[i] >> 8), buf[7] = (uint8_t)words[i];
        f = vg_sniff_format(buf, 64);
        assert_non_null(f);
        vg_sniff_mime_magic(s, buf, 64, mime, sizeof mime);
        if (words[i] > 30) {
            assert_non_null(f->mime);
            assert_string_equal(f->mime, mime);
            assert_string_equal(mime, "application/x-java-applet");
        } else {
            assert_null(f->mime); /* libmagic decides: Mach-O universal binary or data */
            assert_string_not_equal(mime, "application/x-java-applet");
        }
    }
    vg_sniffer_free(s);
}

static void test_mime(void **state)
{
    vg_sniffer *s;
    char mime[128];
    (void)state;
    assert_int_equal(vg_sniffer_new(&s, NULL), 0);
    vg_sniff_mime(s, "", 0, mime, sizeof mime);
    assert_string_equal(mime, "inode/x-empty");
    vg_sniff_mime(s, "hello world\n", 12, mime, sizeof mime);
    assert_string_equal(mime, "text/plain");
    vg_sniff_mime(s, "#!/bin/sh\necho hi\n", 19, mime, sizeof mime);
    assert_string_equal(mime, "text/x-shellscript");
    vg_sniff_mime(s, buf, make(0, "GIF89a", 6, 64), mime, sizeof mime);
    assert_string_equal(mime, "image/gif");
    vg_sniffer_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pictures), cmocka_unit_test(test_videos), cmocka_unit_test(test_archives),
        cmocka_unit_test(test_others), cmocka_unit_test(test_java_class), cmocka_unit_test(test_mime),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

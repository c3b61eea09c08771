/*
 * The disk image source on the small images of fuzz/corpus/image (FAT12 with a
 * deleted file, ext2, an MBR with a FAT partition): detection, regions, the
 * walk with allocation state, content read back by address, unallocated extents.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "source/image.h"
#include "source/volume_crypt.h"

static char *corpus_in(const char *dir, const char *name)
{
    const char *src = getenv("SRCDIR");
    char *p = malloc(4096);
    assert_non_null(src);
    snprintf(p, 4096, "%s/fuzz/corpus/%s/%s", src, dir, name);
    return p;
}

static char *corpus(const char *name)
{
    return corpus_in("image", name);
}

typedef struct seen {
    char path[8][64];
    int allocated[8];
    vg_image_ref ref[8];
    uint64_t size[8];
    int n;
} seen;

static int on_file(void *ud, const vg_image_file *f)
{
    seen *s = ud;
    if (s->n < 8 && f->type == VIGIL_ITEM_FILE) {
        snprintf(s->path[s->n], sizeof s->path[0], "%.*s", (int)f->path_len, f->path);
        s->allocated[s->n] = f->allocated;
        s->ref[s->n] = f->ref;
        s->size[s->n] = f->size;
        s->n++;
    }
    return 0;
}

static int find(const seen *s, const char *path)
{
    for (int i = 0; i < s->n; i++)
        if (!strcmp(s->path[i], path))
            return i;
    return -1;
}

static void read_all(vg_image *im, const vg_image_ref *ref, char *out, size_t cap)
{
    vg_image_stream *st;
    uint64_t size;
    char why[256];
    ssize_t n;
    size_t len = 0;
    assert_int_equal(vg_image_stream_open(&st, im, ref, &size, why, sizeof why), 0);
    while ((n = vg_image_stream_read(st, out + len, cap - 1 - len, why, sizeof why)) > 0)
        len += (size_t)n;
    assert_true(n == 0);
    out[len] = '\0';
    assert_int_equal(len, size);
    vg_image_stream_close(st);
}

static void image__fat_walk_deleted_and_content(void **state)
{
    char *path = corpus("fat12.img"), why[256], text[64];
    vg_image *im;
    seen s = {0};
    int i;
    (void)state;
    assert_true(vg_image_detect(path));
    assert_int_equal(vg_image_open(&im, path, why, sizeof why), 0);
    assert_int_equal(vg_image_nregions(im), 1);
    assert_string_equal(vg_image_region_at(im, 0)->label, "fs (offset 0, fat12)");
    assert_int_equal(vg_image_walk(im, 0, on_file, &s, NULL, why, sizeof why), 0);
    assert_int_equal(s.n, 2);
    i = find(&s, "h.txt");
    assert_true(i >= 0 && s.allocated[i]);
    read_all(im, &s.ref[i], text, sizeof text);
    assert_string_equal(text, "hello");
    i = find(&s, "_one.txt"); /* FAT keeps a deleted name without its first byte */
    assert_true(i >= 0 && !s.allocated[i]);
    read_all(im, &s.ref[i], text, sizeof text);
    assert_string_equal(text, "hello");
    vg_image_close(im);
    free(path);
}

static void image__mbr_partition_and_unallocated(void **state)
{
    char *path = corpus("mbr.img"), why[256];
    vg_image *im;
    vg_image_extent *ext;
    const vg_image_region *r;
    size_t n, fs = 0;
    uint64_t total = 0;
    (void)state;
    assert_int_equal(vg_image_open(&im, path, why, sizeof why), 0);
    while ((r = vg_image_region_at(im, fs)) && r->kind != VG_REGION_FS) /* the table's own sector comes first */
        fs++;
    assert_non_null(r);
    assert_string_equal(r->label, "p1 (offset 512, fat12)");
    assert_int_equal(vg_image_unallocated(&ext, &n, im, fs, why, sizeof why), 0);
    assert_true(n > 0);
    for (size_t i = 0; i < n; i++) { /* in order, inside the partition */
        assert_true(ext[i].offset >= r->offset && ext[i].offset + ext[i].length <= r->offset + r->length);
        if (i)
            assert_true(ext[i].offset > ext[i - 1].offset + ext[i - 1].length);
        total += ext[i].length;
    }
    assert_true(total > 0 && total < r->length);
    free(ext);
    vg_image_close(im);
    free(path);
}

static void image__ext2_and_not_an_image(void **state)
{
    char *path = corpus("ext2.img"), why[256];
    static uint8_t noise[4096];
    vg_image *im;
    seen s = {0};
    (void)state;
    assert_int_equal(vg_image_open(&im, path, why, sizeof why), 0);
    assert_string_equal(vg_image_region_at(im, 0)->label, "fs (offset 0, ext2)");
    assert_int_equal(vg_image_walk(im, 0, on_file, &s, NULL, why, sizeof why), 0);
    assert_true(find(&s, "h.txt") >= 0);
    vg_image_close(im);
    for (size_t i = 0; i < sizeof noise; i++)
        noise[i] = (uint8_t)(i * 131 + 7);
    assert_int_equal(vg_image_open_mem(&im, noise, sizeof noise, why, sizeof why), 0);
    assert_int_equal(vg_image_region_at(im, 0)->kind, VG_REGION_BAD_FS);
    assert_non_null(strstr(vg_image_region_at(im, 0)->why, "no file system could be opened"));
    vg_image_close(im);
    free(path);
}

/* Container formats by their signatures, wherever the file's name points. */
static void image__formats_by_content(void **state)
{
    static uint8_t head[4096], tail[512];
    vg_image_head h = {head, sizeof head, NULL};
    char why[256];
    (void)state;
    assert_int_equal(vg_image_format_of(&h), VG_FORMAT_RAW);
    memcpy(head, "vhdxfile", 8);
    assert_int_equal(vg_image_format_of(&h), VG_FORMAT_VHDX);
    memcpy(head, "QFI\xfb\0\0\0\3", 8);
    assert_int_equal(vg_image_format_of(&h), VG_FORMAT_QCOW);
    memcpy(head, "# Disk DescriptorFile\n", 22);
    assert_int_equal(vg_image_format_of(&h), VG_FORMAT_VMDK);
    memset(head, 0, sizeof head);
    h.tail = tail;
    memcpy(tail, "conectix", 8); /* a fixed VHD: raw data, then its footer */
    assert_int_equal(vg_image_format_of(&h), VG_FORMAT_VHD);
    memcpy(tail, "koly", 4);
    memset(tail + 4, 0, 4);
    assert_int_equal(vg_image_format_of(&h), VG_FORMAT_DMG);
    assert_int_equal(vg_image_format_supported(VG_FORMAT_DMG, why, sizeof why), 0);
    assert_non_null(strstr(why, "Apple disk image (DMG): not supported"));
    assert_int_equal(vg_image_format_supported(VG_FORMAT_QCOW, why, sizeof why), 1);
}

static void image__encrypted_volume_signatures(void **state)
{
    static uint8_t b[512];
    (void)state;
    assert_int_equal(vg_crypt_detect(b, sizeof b), VG_CRYPT_NONE);
    memcpy(b + 3, "-FVE-FS-", 8);
    assert_int_equal(vg_crypt_detect(b, sizeof b), VG_CRYPT_BITLOCKER);
    memcpy(b + 3, "MSWIN4.1", 8); /* a FAT volume ... */
    assert_int_equal(vg_crypt_detect(b, sizeof b), VG_CRYPT_NONE);
    memcpy(b + 424, "\x3b\xd6\x67\x49\x29\x2e\xd8\x4a\x83\x99\xf6\xa3\x39\xe3\xd0\x01", 16); /* ... To Go */
    assert_int_equal(vg_crypt_detect(b, sizeof b), VG_CRYPT_BITLOCKER_TOGO);
    memset(b, 0, sizeof b);
    memcpy(b, "LUKS\xba\xbe\0\2", 8);
    assert_int_equal(vg_crypt_detect(b, sizeof b), VG_CRYPT_LUKS);
    assert_int_equal(vg_crypt_detect(b, 4), VG_CRYPT_NONE); /* too short to tell */
    memset(b, 0, sizeof b);
    memcpy(b + 8, "\x01\x00\x10\x00", 4);
    memcpy(b + 88, "CS", 2);
    assert_int_equal(vg_crypt_detect(b, sizeof b), VG_CRYPT_FILEVAULT);
    assert_string_equal(vg_crypt_name(VG_CRYPT_FILEVAULT), "FileVault 2");
}

/* The MBR seed as a virtual disk of each kind: the same regions and the same files as raw. */
static void image__virtual_disks_read_as_raw(void **state)
{
    static const char *const seeds[][2] = {{"vhdi", "mbr-fixed.vhd"}, {"vmdk", "mbr.vmdk"},
                                           {"vmdk", "mbr-stream.vmdk"}, {"qcow", "mbr.qcow2"},
                                           {"qcow", "mbr.qcow"}};
    static const vg_image_format formats[] = {VG_FORMAT_VHD, VG_FORMAT_VMDK, VG_FORMAT_VMDK, VG_FORMAT_QCOW,
                                              VG_FORMAT_QCOW};
    char *raw_path = corpus("mbr.img"), why[256];
    vg_image *raw;
    (void)state;
    assert_int_equal(vg_image_open(&raw, raw_path, why, sizeof why), 0);
    for (size_t k = 0; k < sizeof seeds / sizeof seeds[0]; k++) {
        char *path = corpus_in(seeds[k][0], seeds[k][1]);
        vg_image *im;
        int rc = vg_image_open(&im, path, why, sizeof why);
        if (rc != 0)
            fail_msg("%s: %s", seeds[k][1], why);
        assert_true(vg_image_detect(path));
        assert_int_equal(vg_image_format_get(im), formats[k]);
        assert_int_equal(vg_image_size(im), vg_image_size(raw));
        assert_int_equal(vg_image_nregions(im), vg_image_nregions(raw));
        for (size_t i = 0; i < vg_image_nregions(raw); i++) {
            seen a = {0}, b = {0};
            assert_string_equal(vg_image_region_at(im, i)->label, vg_image_region_at(raw, i)->label);
            if (vg_image_region_at(raw, i)->kind != VG_REGION_FS)
                continue;
            assert_int_equal(vg_image_walk(raw, i, on_file, &a, NULL, why, sizeof why), 0);
            assert_int_equal(vg_image_walk(im, i, on_file, &b, NULL, why, sizeof why), 0);
            assert_true(a.n > 0);
            assert_int_equal(a.n, b.n);
            for (int j = 0; j < a.n; j++) {
                char ta[64], tb[64];
                assert_string_equal(a.path[j], b.path[j]);
                read_all(raw, &a.ref[j], ta, sizeof ta);
                read_all(im, &b.ref[j], tb, sizeof tb);
                assert_string_equal(ta, tb);
            }
        }
        vg_image_close(im);
        free(path);
    }
    vg_image_close(raw);
    free(raw_path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(image__fat_walk_deleted_and_content),
        cmocka_unit_test(image__mbr_partition_and_unallocated),
        cmocka_unit_test(image__ext2_and_not_an_image),
        cmocka_unit_test(image__formats_by_content),
        cmocka_unit_test(image__encrypted_volume_signatures),
        cmocka_unit_test(image__virtual_disks_read_as_raw),
    };
    return tu_run_tests("image", tests, NULL, NULL);
}

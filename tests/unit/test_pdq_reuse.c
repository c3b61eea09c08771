/*
 * pdq speed paths: the median by selection equals the sort's, buffers reused
 * from one picture to the next hash exactly as fresh ones, and JPEG decoding
 * at reduced DCT scale keeps the file's size on record and lands near the
 * reference's hash (the exact decode stays bit for bit the reference's), and
 * a JPEG read from its open file decodes to the same pixels as from memory.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testphoto.h"
#include "testutil.h"
#include "digest/pdq_int.h"
#include "vigil/image.h"
#include "vigil/pdq.h"

static int cmp_float(const void *pa, const void *pb)
{
    float a = *(const float *)pa, b = *(const float *)pb;
    return (a > b) - (a < b);
}

static uint32_t lcg(uint32_t *s)
{
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

/* Random values, few distinct values (ties), sorted and reversed runs, +0 and -0 mixed. */
static void fill(float v[256], int kind, uint32_t *seed)
{
    for (int i = 0; i < 256; i++) {
        switch (kind) {
        case 0: v[i] = (float)((int)lcg(seed) % 2000001 - 1000000) / 997.0f; break;
        case 1: v[i] = (float)(lcg(seed) % 5) - 2.0f; break;
        case 2: v[i] = (float)i; break;
        case 3: v[i] = (float)(256 - i); break;
        default: v[i] = (lcg(seed) & 1) ? 0.0f : -0.0f; break;
        }
    }
}

static void pdq__median_by_selection_equals_sort(void **state)
{
    uint32_t seed = 12345;
    int checked = 0;
    (void)state;
    for (int kind = 0; kind < 5; kind++)
        for (int round = 0; round < 200; round++) {
            float v[256], sorted[256], m;
            fill(v, kind, &seed);
            memcpy(sorted, v, sizeof sorted);
            qsort(sorted, 256, sizeof sorted[0], cmp_float);
            m = vg_pdq_median256(v);
            /* equal as the threshold compares (+0 and -0 alike), and never above or below the sort's */
            assert_true(m == sorted[127]);
            checked++;
        }
    assert_int_equal(checked, 1000);
}

static char *photo_dir; /* a 4032 x 3024 photo-like JPEG made once for the group */

/* A reference vector, or "photo" for the large JPEG made at test time. */
static char *vector(const char *rel)
{
    char *dir, *p;
    if (!strcmp(rel, "photo"))
        return tu_path(photo_dir, "photo-4032x3024.jpg");
    dir = tu_testdata("pdq"), p = tu_path(dir, rel);
    free(dir);
    return p;
}

static int make_photo(void **state)
{
    char *p;
    (void)state;
    photo_dir = tu_mkdtemp();
    p = tp_write_photo(photo_dir, "photo-4032x3024.jpg", 4032, 3024, 7);
    free(p);
    return p ? 0 : -1;
}

static int remove_photo(void **state)
{
    (void)state;
    tu_rm_rf(photo_dir);
    free(photo_dir);
    return 0;
}

static void read_all(uint8_t **out, size_t *n, const char *path)
{
    FILE *f = fopen(path, "rb");
    long len;
    if (!f)
        fail_msg("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    len = ftell(f);
    fseek(f, 0, SEEK_SET);
    *out = malloc((size_t)len + 1);
    assert_non_null(*out);
    assert_int_equal(fread(*out, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    *n = (size_t)len;
}

/* Large, small, grey, odd-sized and failing pictures in turn through one reused image and work. */
static void pdq__reused_buffers_hash_like_fresh_ones(void **state)
{
    static const char *const files[] = {
        "photo", "synthetic/e01_tiny_4x4.png", "synthetic/e13_grey8.png",
        "threatexchange/bridge-mods/square-512x512.jpg", "", "synthetic/e04_window1_127x100.png",
        "synthetic/e08_wide_2000x150.jpg", "threatexchange/labelme/q0003.jpg", "synthetic/e06_exact_512x512.png"};
    vigil_image reused = {0};
    vigil_pdq_work work = {0};
    (void)state;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
            vigil_image fresh;
            vigil_pdq_result a, b;
            vigil_error err;
            uint8_t *data;
            size_t n;
            char *path;
            if (!files[i][0]) { /* not a picture: an error, and the buffer survives it */
                assert_int_equal(vigil_image_decode_reuse(&reused, "junk", 4, NULL, &err), VIGIL_EINPUT);
                assert_int_equal(reused.width, 0);
                continue;
            }
            path = vector(files[i]);
            read_all(&data, &n, path);
            assert_int_equal(vigil_image_decode(&fresh, data, n, NULL, &err), 0);
            assert_int_equal(vigil_image_decode_reuse(&reused, data, n, NULL, &err), 0);
            assert_int_equal(reused.width, fresh.width);
            assert_int_equal(reused.height, fresh.height);
            assert_int_equal(reused.channels, fresh.channels);
            assert_true(reused.pixels_cap >= (size_t)reused.width * reused.height * reused.channels);
            assert_memory_equal(reused.pixels, fresh.pixels, (size_t)fresh.width * fresh.height * fresh.channels);
            assert_int_equal(vigil_pdq_image(&a, &fresh, &err), 0);
            assert_int_equal(vigil_pdq_image_work(&b, &reused, &work, &err), 0);
            assert_memory_equal(&a, &b, sizeof a);
            vigil_image_dispose(&fresh);
            free(data);
            free(path);
        }
    assert_non_null(work.buf);
    vigil_image_dispose(&reused);
    vigil_pdq_work_dispose(&work);
}

/* Progressive, baseline, grey, CMYK and truncated JPEGs, exact and DCT-scaled: from the file as from memory. */
static void pdq__jpeg_from_its_file_decodes_as_from_memory(void **state)
{
    static const char *const files[] = {
        "threatexchange/dih/bridge-4-rotate-270.jpg", "threatexchange/misc/small.jpg",
        "photo", "synthetic/e21_grey_1comp.jpg", "synthetic/e25_cmyk.jpg",
        "synthetic/e33_truncated_baseline.jpg"};
    vigil_decode_opts opts[2] = {{0}, {.dct_scale = 1}};
    vigil_image mem = {0}, from_fd = {0};
    vigil_error err;
    (void)state;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        for (int o = 0; o < 2; o++) {
            char *path = vector(files[i]);
            uint8_t *data;
            size_t n;
            int fd = open(path, O_RDONLY);
            assert_true(fd >= 0);
            read_all(&data, &n, path);
            assert_int_equal(vigil_image_decode_reuse(&mem, data, n, &opts[o], &err), 0);
            assert_int_equal(vigil_image_decode_jpeg_fd_reuse(&from_fd, fd, &opts[o], &err), 0);
            assert_int_equal(from_fd.width, mem.width);
            assert_int_equal(from_fd.height, mem.height);
            assert_int_equal(from_fd.channels, mem.channels);
            assert_memory_equal(from_fd.pixels, mem.pixels, (size_t)mem.width * mem.height * mem.channels);
            close(fd);
            free(data);
            free(path);
        }
    /* not a JPEG: refused like bytes in memory */
    {
        char *path = vector("synthetic/e13_grey8.png");
        int fd = open(path, O_RDONLY);
        assert_int_equal(vigil_image_decode_jpeg_fd_reuse(&from_fd, fd, NULL, &err), VIGIL_EINPUT);
        assert_non_null(strstr(err.msg, "jpeg"));
        close(fd);
        free(path);
    }
    vigil_image_dispose(&mem);
    vigil_image_dispose(&from_fd);
}

static void pdq__dct_scaled_jpeg_keeps_size_and_lands_near(void **state)
{
    char *path = vector("photo");
    vigil_decode_opts exact = {0}, scaled = {.dct_scale = 1}, full = {.full_size = 1, .dct_scale = 1};
    vigil_image a, b;
    vigil_pdq_result ra, rb;
    vigil_error err;
    int d;
    (void)state;
    assert_int_equal(vigil_image_decode_file(&a, path, &exact, &err), 0);
    assert_int_equal(vigil_image_decode_file(&b, path, &scaled, &err), 0);
    /* 4032 x 3024 decodes at 1/4 (1008 x 756; 1/8 would leave 378), then the 512 rule as always */
    assert_int_equal(b.src_width, 4032);
    assert_int_equal(b.src_height, 3024);
    assert_int_equal(b.width, 512);
    assert_int_equal(b.height, 512);
    assert_int_equal(vigil_pdq_image(&ra, &a, &err), 0);
    assert_int_equal(vigil_pdq_image(&rb, &b, &err), 0);
    d = vigil_pdq_distance(&ra.hash[0], &rb.hash[0]);
    print_message("# 4032x3024 photo: scaled decode %d bits from the full decode, quality %d and %d\n", d,
                  ra.quality, rb.quality);
    assert_true(d <= 16);
    assert_true(memcmp(a.pixels, b.pixels, (size_t)a.width * a.height * a.channels) != 0); /* it did scale */
    vigil_image_dispose(&a);
    vigil_image_dispose(&b);
    /* full_size wins: every pixel of the file */
    assert_int_equal(vigil_image_decode_file(&a, path, &full, &err), 0);
    assert_int_equal(a.width, 4032);
    assert_int_equal(a.height, 3024);
    vigil_image_dispose(&a);
    /* the pixel limit still counts the file's pixels, not the scaled ones */
    scaled.max_pixels = 4032 * 3024 - 1;
    assert_int_equal(vigil_image_decode_file(&a, path, &scaled, &err), VIGIL_EINPUT);
    assert_non_null(strstr(err.msg, "4032x3024"));
    free(path);
}

static void pdq__dct_scale_leaves_small_jpegs_alone(void **state)
{
    /* 2000 x 150 and 512 x 512: a short side under 1024 decodes in full, so the hash is the reference's */
    static const char *const files[] = {"synthetic/e08_wide_2000x150.jpg", "threatexchange/bridge-mods/square-512x512.jpg",
                                        "threatexchange/dih/bridge-1-original.jpg"};
    vigil_decode_opts scaled = {.dct_scale = 1};
    (void)state;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char *path = vector(files[i]);
        vigil_image a, b;
        vigil_pdq_result ra, rb;
        vigil_error err;
        assert_int_equal(vigil_image_decode_file(&a, path, NULL, &err), 0);
        assert_int_equal(vigil_image_decode_file(&b, path, &scaled, &err), 0);
        if (a.src_width >= 1024 && a.src_height >= 1024)
            fail_msg("%s is not a small picture", files[i]);
        assert_int_equal(vigil_pdq_image(&ra, &a, &err), 0);
        assert_int_equal(vigil_pdq_image(&rb, &b, &err), 0);
        assert_memory_equal(&ra, &rb, sizeof ra);
        vigil_image_dispose(&a);
        vigil_image_dispose(&b);
        free(path);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pdq__median_by_selection_equals_sort),
        cmocka_unit_test(pdq__reused_buffers_hash_like_fresh_ones),
        cmocka_unit_test(pdq__dct_scaled_jpeg_keeps_size_and_lands_near),
        cmocka_unit_test(pdq__jpeg_from_its_file_decodes_as_from_memory),
        cmocka_unit_test(pdq__dct_scale_leaves_small_jpegs_alone),
    };
    return tu_run_tests("pdq_reuse", tests, make_photo, remove_photo);
}

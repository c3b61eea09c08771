/*
 * pdq: every conformance vector in tests/data/pdq reproduced bit for
 * bit (hash and quality, plain and dihedral, the quirk policy), the reference's
 * intermediate buffers, and the decoders' behaviour on bad input.
 */
#include <math.h>
#include <stdio.h>
#include <jpeglib.h>
#include <stdlib.h>
#include <string.h>

#include "testphoto.h"
#include "testutil.h"
#include "digest/pdq_int.h"
#include "vigil/image.h"
#include "vigil/pdq.h"

static const char *pdq_dir(void)
{
    static char *dir;
    if (!dir)
        dir = tu_testdata("pdq");
    return dir;
}

/* Rows of a TSV file after its comments and header, split on tabs; NULL at the end. */
typedef struct tsv {
    FILE *f;
    char line[8192];
    char *col[16];
    int ncol;
    int header_seen;
} tsv;

static void tsv_open(tsv *t, const char *name)
{
    char path[4096];
    memset(t, 0, sizeof *t);
    snprintf(path, sizeof path, "%s/%s", pdq_dir(), name);
    t->f = fopen(path, "r");
    if (!t->f)
        fail_msg("cannot open %s", path);
}

static int tsv_next(tsv *t)
{
    while (fgets(t->line, sizeof t->line, t->f)) {
        char *p = t->line, *save = NULL, *tok;
        t->line[strcspn(t->line, "\r\n")] = '\0';
        if (t->line[0] == '#' || t->line[0] == '\0')
            continue;
        if (!t->header_seen) {
            t->header_seen = 1;
            if (t->line[0] < '0' || t->line[0] > '9') /* a column header, not data */
                continue;
        }
        t->ncol = 0;
        while (t->ncol < 16 && (tok = strtok_r(p, "\t", &save))) {
            t->col[t->ncol++] = tok;
            p = NULL;
        }
        return 1;
    }
    fclose(t->f);
    t->f = NULL;
    return 0;
}

/* Decode and hash one vector file; fails the test on a decode error. */
static void hash_file(vigil_pdq_result *res, const char *rel)
{
    char path[4096];
    vigil_image img;
    vigil_error err;
    snprintf(path, sizeof path, "%s/%s", pdq_dir(), rel);
    if (vigil_image_decode_file(&img, path, NULL, &err) < 0)
        fail_msg("%s", err.msg);
    assert_int_equal(vigil_pdq_image(res, &img, &err), 0);
    vigil_image_dispose(&img);
}

static void pdq__expected_tsv_bit_exact(void **state)
{
    tsv t;
    int rows = 0, bad = 0;
    (void)state;
    tsv_open(&t, "expected.tsv");
    while (tsv_next(&t)) {
        vigil_pdq_result r;
        char hex[65];
        assert_int_equal(t.ncol, 3);
        hash_file(&r, t.col[0]);
        vigil_pdq_hex(hex, &r.hash[0]);
        if (strcmp(hex, t.col[1]) || r.quality != atoi(t.col[2])) {
            print_message("# %s: got %s %d, want %s %s\n", t.col[0], hex, r.quality, t.col[1], t.col[2]);
            bad++;
        }
        /* A zero hash means "too small", and only then. */
        assert_int_equal(r.has_hash, !vigil_pdq_is_zero(&r.hash[0]) || r.quality != 0);
        rows++;
    }
    print_message("# expected.tsv: %d rows, %d wrong\n", rows, bad);
    assert_int_equal(rows, 48);
    assert_int_equal(bad, 0);
}

static void pdq__expected_dihedral_tsv_bit_exact(void **state)
{
    tsv t;
    int rows = 0, bad = 0;
    (void)state;
    tsv_open(&t, "expected_dihedral.tsv");
    while (tsv_next(&t)) {
        vigil_pdq_result r;
        assert_int_equal(t.ncol, 10);
        hash_file(&r, t.col[0]);
        for (int d = 0; d < VIGIL_PDQ__DIHEDRAL; d++) {
            char hex[65];
            vigil_pdq_hex(hex, &r.hash[d]);
            if (strcmp(hex, t.col[1 + d])) {
                print_message("# %s %s: got %s, want %s\n", t.col[0], vigil_pdq_dihedral_name(d), hex, t.col[1 + d]);
                bad++;
            }
        }
        if (r.quality != atoi(t.col[9]))
            bad++;
        rows++;
    }
    print_message("# expected_dihedral.tsv: %d rows, %d wrong\n", rows, bad);
    assert_int_equal(rows, 47);
    assert_int_equal(bad, 0);
}

static void pdq__quirks_follow_vigil_policy(void **state)
{
    tsv t;
    int rows = 0;
    (void)state;
    tsv_open(&t, "quirks.tsv");
    while (tsv_next(&t)) {
        vigil_pdq_result r;
        char hex[65];
        int d = 0;
        assert_true(t.ncol >= 6);
        hash_file(&r, t.col[0]);
        if (strncmp(t.col[1], "dihedral-", 9) == 0) {
            for (d = 0; d < VIGIL_PDQ__DIHEDRAL; d++)
                if (!strcmp(t.col[1] + 9, vigil_pdq_dihedral_name(d)))
                    break;
            assert_true(d < VIGIL_PDQ__DIHEDRAL);
        } else {
            assert_string_equal(t.col[1], "plain");
        }
        vigil_pdq_hex(hex, &r.hash[d]);
        if (strcmp(hex, t.col[4]))
            print_message("# %s %s: got %s, want %s\n", t.col[0], t.col[1], hex, t.col[4]);
        assert_string_equal(hex, t.col[4]);
        assert_int_equal(r.quality, atoi(t.col[5]));
        /* and never the reference's loader artefact */
        assert_string_not_equal(hex, t.col[2]);
        rows++;
    }
    assert_int_equal(rows, 10);
}

static void pdq__dct_matrix_matches_table(void **state)
{
    const float *d = vg_pdq_dct_matrix();
    tsv t;
    int rows = 0;
    (void)state;
    tsv_open(&t, "dct_matrix_16x64.tsv");
    while (tsv_next(&t)) {
        int u = atoi(t.col[0]), n = atoi(t.col[1]);
        float want = strtof(t.col[2], NULL);
        assert_true(u >= 0 && u < 16 && n >= 0 && n < 64);
        assert_memory_equal(&d[u * 64 + n], &want, sizeof want);
        rows++;
    }
    assert_int_equal(rows, 1024);
}

/* Read n %.9g floats from a stages file, skipping comment lines. */
static void read_floats(float *out, size_t n, const char *name)
{
    char path[4096], line[65536];
    size_t k = 0;
    FILE *f;
    snprintf(path, sizeof path, "%s/stages/%s", pdq_dir(), name);
    f = fopen(path, "r");
    if (!f)
        fail_msg("cannot open %s", path);
    while (k < n && fgets(line, sizeof line, f)) {
        char *p = line, *end;
        if (line[0] == '#')
            continue;
        for (;;) {
            float v = strtof(p, &end);
            if (end == p || k >= n)
                break;
            out[k++] = v;
            p = end;
        }
    }
    fclose(f);
    assert_int_equal(k, n);
}

static void check_stages(const char *file, const char *stem)
{
    char path[4096], name[256];
    vigil_image img;
    vigil_error err;
    float *luma, a[4096], want_a[4096], b[256], want_b[256];
    snprintf(path, sizeof path, "%s/%s", pdq_dir(), file);
    assert_int_equal(vigil_image_decode_file(&img, path, NULL, &err), 0);
    luma = malloc(sizeof(float) * (img.width + (img.width < 64 ? 64 : img.width)) * img.height);
    assert_non_null(luma);
    vg_pdq_luminance(luma, img.pixels, img.width, img.height, img.channels);
    vg_pdq_buffer64(a, luma, luma + (size_t)img.width * img.height, img.width, img.height);
    vg_pdq_dct(b, a);
    snprintf(name, sizeof name, "%s.buf64.txt", stem);
    read_floats(want_a, 4096, name);
    snprintf(name, sizeof name, "%s.dct16.txt", stem);
    read_floats(want_b, 256, name);
    assert_memory_equal(a, want_a, sizeof a);
    assert_memory_equal(b, want_b, sizeof b);
    free(luma);
    vigil_image_dispose(&img);
}

static void pdq__stages_match_reference_buffers(void **state)
{
    (void)state;
    check_stages("threatexchange/dih/bridge-1-original.jpg", "bridge-1-original");
    check_stages("synthetic/e04_window1_127x100.png", "e04_window1_127x100");
    check_stages("synthetic/e10_constant_grey.png", "e10_constant_grey");
}

/* ---- bad input ---- */

static uint32_t crc32_of(const uint8_t *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
    }
    return ~c;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

/* A PNG signature, IHDR chunk (8-bit RGB) of w x h, and an empty IDAT: a bomb's header. */
static size_t png_header(uint8_t *out, uint32_t w, uint32_t h)
{
    memcpy(out, "\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", 16);
    put32(out + 16, w);
    put32(out + 20, h);
    memcpy(out + 24, "\x08\x02\0\0\0", 5);
    put32(out + 29, crc32_of(out + 12, 17));
    memcpy(out + 33, "\0\0\0\0IDAT", 8);
    put32(out + 41, crc32_of(out + 37, 4));
    return 45;
}

static void pdq__pixel_bomb_refused_before_allocation(void **state)
{
    uint8_t png[64];
    size_t n = png_header(png, 60000, 60000);
    vigil_image img;
    vigil_error err;
    vigil_decode_opts o = {0};
    (void)state;
    assert_int_equal(vigil_image_decode(&img, png, n, NULL, &err), VIGIL_EINPUT);
    assert_non_null(strstr(err.msg, "over the limit"));
    assert_null(img.pixels);
    assert_int_equal(img.failure, VIGIL_IMAGE_FAIL_OTHER); /* a limit, not the file's fault */
    assert_int_equal(img.failure_offset, -1);
    /* a configurable limit */
    n = png_header(png, 2000, 2000);
    o.max_pixels = 1000000;
    assert_int_equal(vigil_image_decode(&img, png, n, &o, &err), VIGIL_EINPUT);
    assert_non_null(strstr(err.msg, "over the limit"));
}

static void pdq__corrupt_and_truncated_files_are_errors(void **state)
{
    static const char *const files[] = {"synthetic/e18_interlaced.png", "synthetic/e28_text.png",
                                        "threatexchange/modes/F.webp"};
    uint8_t junk[256];
    vigil_image img;
    vigil_error err;
    (void)state;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[4096];
        FILE *f;
        uint8_t buf[400];
        size_t n;
        snprintf(path, sizeof path, "%s/%s", pdq_dir(), files[i]);
        f = fopen(path, "rb");
        assert_non_null(f);
        n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        assert_int_equal(n, sizeof buf);
        assert_int_equal(vigil_image_decode(&img, buf, n, NULL, &err), VIGIL_EINPUT);
        assert_true(strlen(err.msg) > 5);
        assert_null(img.pixels);
        /* cut at 400 bytes: truncated, where the bytes end */
        assert_int_equal(img.failure, VIGIL_IMAGE_FAIL_TRUNCATED);
        assert_int_equal(img.failure_offset, (int64_t)n);
        assert_string_equal(vigil_image_failure_name(img.failure), "truncated");
    }
    /* magic bytes and then noise, for every format */
    static const char *const magics[] = {"\xff\xd8\xff", "\x89PNG\r\n\x1a\n", "RIFF\0\0\0\0WEBP", "GIF89a",
                                         "II*\0", "MM\0*"};
    static const size_t mlen[] = {3, 8, 12, 6, 4, 4};
    for (size_t i = 0; i < sizeof magics / sizeof magics[0]; i++) {
        for (size_t k = 0; k < sizeof junk; k++)
            junk[k] = (uint8_t)(k * 37 + 11);
        memcpy(junk, magics[i], mlen[i]);
        assert_int_equal(vigil_image_decode(&img, junk, sizeof junk, NULL, &err), VIGIL_EINPUT);
        assert_null(img.pixels);
        assert_true(img.failure == VIGIL_IMAGE_FAIL_CORRUPT || img.failure == VIGIL_IMAGE_FAIL_TRUNCATED);
    }
    assert_int_equal(vigil_image_decode(&img, "hello", 5, NULL, &err), VIGIL_EINPUT);
    assert_int_equal(img.format, VIGIL_IMAGE_NONE);
    assert_int_equal(img.failure, VIGIL_IMAGE_FAIL_OTHER); /* no picture at all */
    assert_null(vigil_image_failure_name(img.failure));
    assert_int_equal(vigil_image_decode(&img, "", 0, NULL, &err), VIGIL_EINPUT);
}

static void pdq__tiny_picture_has_no_hash(void **state)
{
    uint8_t px[4 * 4 * 3] = {0};
    vigil_image img = {.format = VIGIL_IMAGE_PNG, .src_width = 4, .src_height = 4, .width = 4, .height = 4,
                       .channels = 3, .pixels = px};
    vigil_pdq_result r;
    (void)state;
    assert_int_equal(vigil_pdq_image(&r, &img, NULL), 0);
    assert_int_equal(r.has_hash, 0);
    assert_int_equal(r.quality, 0);
    img.width = img.height = img.src_width = img.src_height = 1;
    assert_int_equal(vigil_pdq_image(&r, &img, NULL), 0);
    assert_int_equal(r.has_hash, 0);
}

static void pdq__bmp_decodes_like_the_same_pixels(void **state)
{
    /* 6 x 5 24-bit bottom-up BMP with a gradient; the decoded pixels must equal the source */
    uint8_t bmp[54 + 5 * 20];
    vigil_image img;
    vigil_error err;
    (void)state;
    memset(bmp, 0, sizeof bmp);
    bmp[0] = 'B', bmp[1] = 'M';
    bmp[2] = sizeof bmp;
    bmp[10] = 54;
    bmp[14] = 40;
    bmp[18] = 6;
    bmp[22] = 5;
    bmp[26] = 1;
    bmp[28] = 24;
    for (int y = 0; y < 5; y++)
        for (int x = 0; x < 6; x++) {
            uint8_t *p = bmp + 54 + (4 - y) * 20 + 3 * x; /* stored bottom-up, BGR */
            p[0] = (uint8_t)(x * 40), p[1] = (uint8_t)(y * 50), p[2] = (uint8_t)(x * y);
        }
    assert_int_equal(vigil_image_decode(&img, bmp, sizeof bmp, NULL, &err), 0);
    assert_int_equal(img.format, VIGIL_IMAGE_BMP);
    assert_int_equal(img.width, 6);
    assert_int_equal(img.height, 5);
    assert_int_equal(img.channels, 3);
    for (int y = 0; y < 5; y++)
        for (int x = 0; x < 6; x++) {
            const uint8_t *p = img.pixels + (y * 6 + x) * 3;
            assert_int_equal(p[0], x * y);
            assert_int_equal(p[1], y * 50);
            assert_int_equal(p[2], x * 40);
        }
    vigil_image_dispose(&img);
}

static void pdq__distance_and_hex_round_trip(void **state)
{
    vigil_pdq_hash a, b;
    char hex[65];
    const char *h = "0007001F003F007F00FF01FF03FF03FF03FF03FF03FF03FF03FF03FF03FF03FF";
    (void)state;
    assert_int_equal(vigil_pdq_parse(&a, h, 64, NULL), 0);
    vigil_pdq_hex(hex, &a);
    assert_string_equal(hex, "0007001f003f007f00ff01ff03ff03ff03ff03ff03ff03ff03ff03ff03ff03ff");
    b = a;
    assert_int_equal(vigil_pdq_distance(&a, &b), 0);
    b.b[0] ^= 0x81;
    b.b[31] ^= 0x01;
    assert_int_equal(vigil_pdq_distance(&a, &b), 3);
    memset(&b, 0, sizeof b);
    assert_true(vigil_pdq_is_zero(&b));
    assert_int_equal(vigil_pdq_parse(&a, h, 63, NULL), VIGIL_EINPUT);
    assert_int_equal(vigil_pdq_parse(&a, "g007001f003f007f00ff01ff03ff03ff03ff03ff03ff03ff03ff03ff03ff03ff", 64, NULL),
                     VIGIL_EINPUT);
}

static void pdq__large_image_normalised_while_decoding(void **state)
{
    char path[4096];
    vigil_image img;
    vigil_error err;
    vigil_decode_opts o = {0};
    (void)state;
    char *dir = tu_mkdtemp(), *photo = tp_write_photo(dir, "photo-4032x3024.jpg", 4032, 3024, 3);
    assert_non_null(photo);
    snprintf(path, sizeof path, "%s", photo);
    free(photo);
    assert_int_equal(vigil_image_decode_file(&img, path, NULL, &err), 0);
    assert_int_equal(img.src_width, 4032);
    assert_int_equal(img.src_height, 3024);
    assert_int_equal(img.width, 512);
    assert_int_equal(img.height, 512);
    vigil_image_dispose(&img);
    o.full_size = 1;
    assert_int_equal(vigil_image_decode_file(&img, path, &o, &err), 0);
    assert_int_equal(img.width, 4032);
    vigil_image_dispose(&img);
    o.max_pixels = 4032 * 3024 - 1;
    assert_int_equal(vigil_image_decode_file(&img, path, &o, &err), VIGIL_EINPUT);
    assert_non_null(strstr(err.msg, "photo-4032x3024.jpg: jpeg: 4032x3024"));
    tu_rm_rf(dir);
    free(dir);
}

/* A w x h JPEG of the given input colour space (3 or 4 samples a pixel) written to *out (malloc'd). */
static size_t make_jpeg(uint8_t **out, uint32_t w, uint32_t h, J_COLOR_SPACE in, J_COLOR_SPACE stored,
                        const uint8_t *px)
{
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr e;
    unsigned char *mem = NULL;
    unsigned long n = 0;
    int comps = in == JCS_CMYK ? 4 : 3;
    c.err = jpeg_std_error(&e);
    jpeg_create_compress(&c);
    jpeg_mem_dest(&c, &mem, &n);
    c.image_width = w;
    c.image_height = h;
    c.input_components = comps;
    c.in_color_space = in;
    jpeg_set_defaults(&c);
    jpeg_set_colorspace(&c, stored);
    jpeg_set_quality(&c, 100, TRUE);
    jpeg_start_compress(&c, TRUE);
    while (c.next_scanline < h) {
        JSAMPROW row = (JSAMPROW)(px + (size_t)c.next_scanline * w * comps);
        jpeg_write_scanlines(&c, &row, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    *out = mem;
    return n;
}

static void pdq__ycck_and_cmyk_jpeg_decode_alike(void **state)
{
    enum { W = 64, H = 48 };
    uint8_t *px = malloc(W * H * 4), *cmyk = NULL, *ycck = NULL;
    size_t ncmyk, nycck;
    vigil_image a, b;
    vigil_error err;
    long diff = 0;
    (void)state;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            uint8_t *p = px + (y * W + x) * 4; /* Adobe-inverted CMYK: 255 = no ink */
            p[0] = (uint8_t)(255 - x * 3), p[1] = (uint8_t)(255 - y * 4), p[2] = (uint8_t)(200 + (x + y) % 50),
            p[3] = (uint8_t)(255 - (x * y) % 64);
        }
    ncmyk = make_jpeg(&cmyk, W, H, JCS_CMYK, JCS_CMYK, px);
    nycck = make_jpeg(&ycck, W, H, JCS_CMYK, JCS_YCCK, px);
    assert_int_equal(vigil_image_decode(&a, cmyk, ncmyk, NULL, &err), 0);
    assert_int_equal(vigil_image_decode(&b, ycck, nycck, NULL, &err), 0);
    assert_int_equal(a.channels, 3);
    assert_int_equal(b.channels, 3);
    for (size_t i = 0; i < (size_t)W * H * 3; i++)
        diff += labs((long)a.pixels[i] - (long)b.pixels[i]);
    assert_true(diff / (W * H * 3) <= 2);
    /* and the conversion is ImageMagick's: R = c * k / 255 for the first pixel, give or take the codec */
    assert_true(abs((int)a.pixels[0] - (255 * 255 + 127) / 255) <= 3);
    vigil_image_dispose(&a);
    vigil_image_dispose(&b);
    free(px);
    free(cmyk);
    free(ycck);
}

/* Patch the first SOFn frame size of a JPEG in place. */
static void jpeg_set_size(uint8_t *p, size_t n, uint16_t w, uint16_t h)
{
    for (size_t i = 2; i + 9 < n; i++)
        if (p[i] == 0xff && (p[i + 1] == 0xc0 || p[i + 1] == 0xc2)) {
            p[i + 5] = (uint8_t)(h >> 8), p[i + 6] = (uint8_t)h;
            p[i + 7] = (uint8_t)(w >> 8), p[i + 8] = (uint8_t)w;
            return;
        }
    fail_msg("no SOF marker");
}

static void pdq__bomb_headers_of_every_format_are_refused(void **state)
{
    uint8_t rgb[16 * 16 * 3] = {0}, *jpg = NULL;
    size_t n = make_jpeg(&jpg, 16, 16, JCS_RGB, JCS_YCbCr, rgb);
    vigil_image img;
    vigil_error err;
    /* GIF: logical screen and image descriptor of 60000 x 60000, global colour table of 2 */
    static const uint8_t gif[] = {'G', 'I', 'F', '8', '9', 'a', 0x60, 0xea, 0x60, 0xea, 0x80, 0, 0,
                                  0, 0, 0, 255, 255, 255, ',', 0, 0, 0, 0, 0x60, 0xea, 0x60, 0xea, 0, 2, 2, 0x4c, 1, 0, ';'};
    uint8_t bmp[54] = {'B', 'M'};
    (void)state;
    jpeg_set_size(jpg, n, 60000, 60000);
    assert_int_equal(vigil_image_decode(&img, jpg, n, NULL, &err), VIGIL_EINPUT);
    assert_non_null(strstr(err.msg, "jpeg: 60000x60000 is 3600000000 pixels, over the limit"));
    assert_int_equal(vigil_image_decode(&img, gif, sizeof gif, NULL, &err), VIGIL_EINPUT);
    assert_non_null(strstr(err.msg, "gif: 60000x60000 is 3600000000 pixels, over the limit"));
    bmp[10] = 54, bmp[14] = 40, bmp[26] = 1, bmp[28] = 24;
    bmp[18] = 0x60, bmp[19] = 0xea, bmp[22] = 0x60, bmp[23] = 0xea; /* 60000 x 60000, no pixel data */
    assert_int_equal(vigil_image_decode(&img, bmp, sizeof bmp, NULL, &err), VIGIL_EINPUT);
    assert_non_null(strstr(err.msg, "bmp: 60000x60000 is 3600000000 pixels, over the limit"));
    /* 0 x 0 pictures are errors, never hashes */
    jpeg_set_size(jpg, n, 0, 0);
    assert_int_equal(vigil_image_decode(&img, jpg, n, NULL, &err), VIGIL_EINPUT);
    bmp[18] = bmp[19] = bmp[22] = bmp[23] = 0;
    assert_int_equal(vigil_image_decode(&img, bmp, sizeof bmp, NULL, &err), VIGIL_EINPUT);
    assert_non_null(strstr(err.msg, "bmp: empty picture"));
    free(jpg);
}

static void pdq__truncated_gif_and_webp_are_errors(void **state)
{
    static const char *const files[] = {"threatexchange/modes/LAB.webp"};
    uint8_t rgb[32 * 32 * 3], *jpg = NULL;
    vigil_image img;
    vigil_error err;
    (void)state;
    /* a tiny valid GIF, then cut */
    {
        static const uint8_t gif[] = {'G', 'I', 'F', '8', '9', 'a', 2, 0, 2, 0, 0x80, 0, 0, 0, 0, 0, 255, 255, 255,
                                      ',', 0, 0, 0, 0, 2, 0, 2, 0, 0, 2, 3, 0x04, 0x00, 0x05, 0, ';'};
        assert_int_equal(vigil_image_decode(&img, gif, sizeof gif, NULL, &err), 0);
        assert_int_equal(img.width, 2);
        vigil_image_dispose(&img);
        assert_int_equal(vigil_image_decode(&img, gif, 24, NULL, &err), VIGIL_EINPUT);
        assert_non_null(strstr(err.msg, "gif: "));
        assert_int_equal(img.failure, VIGIL_IMAGE_FAIL_TRUNCATED);
        assert_int_equal(img.failure_offset, 24);
    }
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[4096];
        FILE *f;
        uint8_t *buf = malloc(1 << 20);
        size_t n;
        snprintf(path, sizeof path, "%s/%s", pdq_dir(), files[i]);
        assert_non_null(f = fopen(path, "rb"));
        n = fread(buf, 1, 1 << 20, f);
        fclose(f);
        assert_int_equal(vigil_image_decode(&img, buf, n / 2, NULL, &err), VIGIL_EINPUT);
        assert_non_null(strstr(err.msg, "webp: "));
        assert_int_equal(img.failure, VIGIL_IMAGE_FAIL_TRUNCATED);
        buf[40] ^= 0xff;
        buf[41] ^= 0xff;
        assert_true(vigil_image_decode(&img, buf, n, NULL, &err) <= 0); /* corrupt: error or pixels, never a crash */
        vigil_image_dispose(&img);
        free(buf);
    }
    /* a truncated JPEG still decodes (missing blocks mid-grey), as the reference's decoder does */
    memset(rgb, 90, sizeof rgb);
    {
        size_t n = make_jpeg(&jpg, 32, 32, JCS_RGB, JCS_YCbCr, rgb);
        assert_int_equal(vigil_image_decode(&img, jpg, n - 20, NULL, &err), 0);
        vigil_image_dispose(&img);
        free(jpg);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pdq__expected_tsv_bit_exact),
        cmocka_unit_test(pdq__expected_dihedral_tsv_bit_exact),
        cmocka_unit_test(pdq__quirks_follow_vigil_policy),
        cmocka_unit_test(pdq__dct_matrix_matches_table),
        cmocka_unit_test(pdq__stages_match_reference_buffers),
        cmocka_unit_test(pdq__pixel_bomb_refused_before_allocation),
        cmocka_unit_test(pdq__corrupt_and_truncated_files_are_errors),
        cmocka_unit_test(pdq__tiny_picture_has_no_hash),
        cmocka_unit_test(pdq__bmp_decodes_like_the_same_pixels),
        cmocka_unit_test(pdq__distance_and_hex_round_trip),
        cmocka_unit_test(pdq__large_image_normalised_while_decoding),
        cmocka_unit_test(pdq__ycck_and_cmyk_jpeg_decode_alike),
        cmocka_unit_test(pdq__bomb_headers_of_every_format_are_refused),
        cmocka_unit_test(pdq__truncated_gif_and_webp_are_errors),
    };
    return tu_run_tests("pdq", tests, NULL, NULL);
}

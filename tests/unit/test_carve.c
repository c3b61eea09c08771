/*
 * carve: pictures planted in seeded noise are found at their exact image
 * offsets and lengths, across extents and window edges; truncated and
 * corrupted pictures, and noise alone, give no hit but are counted; reads
 * that fail or come short, the size limit and the stop flag behave. The
 * sample pictures are the decoders' seed corpus (fuzz/corpus/decode_*);
 * others are encoded here with libjpeg.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>

#include "testutil.h"
#include "carve/carve_int.h"
#include "vigil/log.h"

/* ------------------------------------------------------------------ fixtures */

typedef struct sample {
    const char *dir, *name, *type;
    uint8_t *p;
    size_t n;
} sample;

static sample samples[] = {
    {"decode_jpeg", "q0003.jpg", "jpeg", NULL, 0},     {"decode_jpeg", "progressive.jpg", "jpeg", NULL, 0},
    {"decode_jpeg", "grey.jpg", "jpeg", NULL, 0},      {"decode_jpeg", "cmyk.jpg", "jpeg", NULL, 0},
    {"decode_png", "tiny.png", "png", NULL, 0},        {"decode_png", "min5.png", "png", NULL, 0},
    {"decode_png", "interlaced16.png", "png", NULL, 0}, {"decode_png", "palette-trns.png", "png", NULL, 0},
    {"decode_gif", "min5.gif", "gif", NULL, 0},        {"decode_gif", "anim.gif", "gif", NULL, 0},
    {"decode_bmp", "pal8.bmp", "bmp", NULL, 0},        {"decode_bmp", "rgb24.bmp", "bmp", NULL, 0},
    {"decode_bmp", "rle.bmp", "bmp", NULL, 0},         {"decode_webp", "small.webp", "webp", NULL, 0},
    {"decode_webp", "lossless.webp", "webp", NULL, 0},
};
#define NSAMPLES (sizeof samples / sizeof samples[0])

static uint8_t *read_all(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    uint8_t *p;
    long len;
    if (!f)
        fail_msg("cannot open %s: %s", path, strerror(errno));
    fseek(f, 0, SEEK_END);
    len = ftell(f);
    fseek(f, 0, SEEK_SET);
    p = malloc((size_t)len);
    assert_non_null(p);
    assert_int_equal(fread(p, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    *n = (size_t)len;
    return p;
}

static int load_samples(void **state)
{
    const char *src = getenv("SRCDIR");
    char path[4096];
    (void)state;
    for (size_t i = 0; i < NSAMPLES; i++) {
        snprintf(path, sizeof path, "%s/fuzz/corpus/%s/%s", src && *src ? src : "..", samples[i].dir,
                 samples[i].name);
        samples[i].p = read_all(path, &samples[i].n);
    }
    return 0;
}

static int free_samples(void **state)
{
    (void)state;
    for (size_t i = 0; i < NSAMPLES; i++)
        free(samples[i].p);
    return 0;
}

static const sample *sample_named(const char *name)
{
    for (size_t i = 0; i < NSAMPLES; i++)
        if (!strcmp(samples[i].name, name))
            return &samples[i];
    fail_msg("no sample %s", name);
    abort();
}

/* Seeded noise (xorshift64*): the same bytes on every run. */
static void noise(uint8_t *p, size_t n, uint64_t seed)
{
    uint64_t x = seed * 0x9e3779b97f4a7c15ull + 1;
    for (size_t i = 0; i < n; i++) {
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        p[i] = (uint8_t)((x * 0x2545f4914f6cdd1dull) >> 56);
    }
}

/* A JPEG of w x h textured pixels from libjpeg, with a restart marker every rst_rows MCU rows (0: none). */
static uint8_t *make_jpeg(unsigned w, unsigned h, int rst_rows, size_t *n)
{
    struct jpeg_compress_struct ci;
    struct jpeg_error_mgr jerr;
    unsigned char *out = NULL;
    unsigned long len = 0;
    uint8_t *row = malloc((size_t)w * 3), *copy;
    assert_non_null(row);
    ci.err = jpeg_std_error(&jerr);
    jpeg_create_compress(&ci);
    jpeg_mem_dest(&ci, &out, &len);
    ci.image_width = w;
    ci.image_height = h;
    ci.input_components = 3;
    ci.in_color_space = JCS_RGB;
    jpeg_set_defaults(&ci);
    jpeg_set_quality(&ci, 90, TRUE);
    ci.restart_in_rows = rst_rows;
    jpeg_start_compress(&ci, TRUE);
    while (ci.next_scanline < h) {
        JSAMPROW rows[1] = {row};
        noise(row, (size_t)w * 3, ci.next_scanline + 7);
        for (unsigned x = 0; x < w; x++)
            row[3 * x] = (uint8_t)(x * 255 / w); /* a gradient under the noise */
        jpeg_write_scanlines(&ci, rows, 1);
    }
    jpeg_finish_compress(&ci);
    jpeg_destroy_compress(&ci);
    free(row);
    copy = malloc(len);
    assert_non_null(copy);
    memcpy(copy, out, len);
    free(out);
    *n = len;
    return copy;
}

/* ------------------------------------------------------------------ an image in memory */

typedef struct mem_image {
    const uint8_t *p;
    uint64_t n;
    size_t max_chunk;     /* largest read answered (0: no limit) */
    uint64_t fail_at;     /* reads reaching this offset fail with EIO (0: never) */
    uint64_t bytes_read;
} mem_image;

static ssize_t mem_pread(void *ctx, void *buf, size_t n, uint64_t off)
{
    mem_image *m = ctx;
    size_t k;
    if (m->fail_at && off + n > m->fail_at) {
        if (off >= m->fail_at) {
            errno = EIO;
            return -1;
        }
        n = (size_t)(m->fail_at - off);
    }
    if (off >= m->n)
        return 0;
    k = n < m->n - off ? n : (size_t)(m->n - off);
    if (m->max_chunk && k > m->max_chunk)
        k = m->max_chunk;
    memcpy(buf, m->p + off, k);
    m->bytes_read += k;
    return (ssize_t)k;
}

#define MAX_HITS 64

typedef struct hit_copy {
    uint64_t offset, length;
    char type[8];
    unsigned fragments;
    uint8_t *data;
} hit_copy;

typedef struct hits {
    hit_copy h[MAX_HITS];
    size_t n;
    volatile int *stop_after_first; /* set to 1 on the first hit */
    int fail;                       /* on_hit returns an error */
} hits;

static int collect(void *ud, const vg_carve_hit *hit, vigil_error *err)
{
    hits *hs = ud;
    hit_copy *c;
    assert_true(hs->n < MAX_HITS);
    c = &hs->h[hs->n++];
    c->offset = hit->offset;
    c->length = hit->length;
    snprintf(c->type, sizeof c->type, "%s", hit->type);
    c->fragments = hit->fragments;
    c->data = malloc(hit->length);
    assert_non_null(c->data);
    memcpy(c->data, hit->data, hit->length);
    assert_true(!strncmp(hit->mime, "image/", 6) && !strcmp(hit->mime + 6, hit->type));
    if (hs->stop_after_first)
        *hs->stop_after_first = 1;
    if (hs->fail)
        return vigil_error_set(err, VIGIL_ESTORE, "sink: full");
    return 0;
}

static void hits_free(hits *hs)
{
    for (size_t i = 0; i < hs->n; i++)
        free(hs->h[i].data);
    hs->n = 0;
}

/* The reasons of rejections, from the debug log, joined by newlines. */
static char reasons[8192];

static void keep_reason(vigil_log_level level, const char *msg, void *ud)
{
    size_t used = strlen(reasons);
    (void)level, (void)ud;
    snprintf(reasons + used, sizeof reasons - used, "%s\n", msg);
}

/* Carve and check that the counts reconcile whatever happened. */
static int run(mem_image *m, const vg_carve_extent *ext, size_t n, const vg_carve_opts *o, size_t window,
               hits *hs, vg_carve_stats *st, vigil_error *err)
{
    int rc;
    reasons[0] = '\0';
    vigil_log_set(keep_reason, NULL);
    rc = vg_carve_windowed(ext, n, mem_pread, m, o, window, collect, hs, st, err);
    vigil_log_set(NULL, NULL);
    assert_int_equal(st->candidates, st->carved + st->rejected);
    assert_int_equal(st->carved, hs->n);
    return rc;
}

static void expect_hit(const hits *hs, size_t i, uint64_t offset, const sample *s)
{
    assert_true(i < hs->n);
    assert_int_equal(hs->h[i].offset, offset);
    assert_int_equal(hs->h[i].length, s->n);
    assert_string_equal(hs->h[i].type, s->type);
    assert_memory_equal(hs->h[i].data, s->p, s->n);
}

/* ------------------------------------------------------------------ tests */

static void carve__each_sample_alone_is_one_hit(void **state)
{
    (void)state;
    for (size_t i = 0; i < NSAMPLES; i++) {
        mem_image m = {.p = samples[i].p, .n = samples[i].n};
        vg_carve_extent e = {0, samples[i].n};
        hits hs = {0};
        vg_carve_stats st;
        vigil_error err;
        assert_int_equal(run(&m, &e, 1, NULL, 4u << 20, &hs, &st, &err), 0);
        if (hs.n != 1)
            fail_msg("%s: %zu hits", samples[i].name, hs.n);
        expect_hit(&hs, 0, 0, &samples[i]);
        assert_int_equal(hs.h[0].fragments, 1);
        assert_int_equal(st.bytes_scanned, samples[i].n);
        hits_free(&hs);
    }
}

static const vg_carve_format *format_of(const char *type)
{
    static const vg_carve_format *const all[] = {&vg_carve_jpeg_format, &vg_carve_png_format,
                                                 &vg_carve_gif_format, &vg_carve_bmp_format,
                                                 &vg_carve_webp_format};
    for (size_t i = 0; i < 5; i++)
        if (!strcmp(all[i]->type, type))
            return all[i];
    fail_msg("no format %s", type);
    abort();
}

/*
 * The stream loop relies on this: a validator never rejects or accepts a
 * strict prefix of a good picture (it asks for more), and given the picture
 * and anything after it, it returns the picture's exact length.
 */
static void carve__validators_ask_for_more_on_every_prefix(void **state)
{
    (void)state;
    for (size_t i = 0; i < NSAMPLES; i++) {
        const vg_carve_format *f = format_of(samples[i].type);
        uint8_t *p = malloc(samples[i].n + 100);
        vg_carve_check c;
        assert_non_null(p);
        memcpy(p, samples[i].p, samples[i].n);
        noise(p + samples[i].n, 100, i);
        assert_true(f->signature(p));
        for (size_t k = 0; k < samples[i].n; k++) {
            uint8_t *exact = malloc(k ? k : 1); /* exact size: ASan sees any read past the prefix */
            assert_non_null(exact);
            memcpy(exact, p, k);
            memset(&c, 0, sizeof c);
            if (f->validate(&c, exact, k) != VG_CARVE_MORE)
                fail_msg("%s: prefix of %zu bytes not answered with MORE (%s)", samples[i].name, k,
                         c.why ? c.why : "accepted");
            free(exact);
        }
        memset(&c, 0, sizeof c);
        assert_int_equal(f->validate(&c, p, samples[i].n + 100), VG_CARVE_OK);
        assert_int_equal(c.length, samples[i].n);
        free(p);
    }
}

/* Every sample at an odd offset in 1 MiB of noise, the stream one extent at image offset 4096. */
static void check_planted(size_t window, size_t max_chunk)
{
    const size_t size = 1u << 20, base = 4096;
    uint8_t *img = malloc(size + base);
    uint64_t at[NSAMPLES];
    mem_image m = {.p = img, .n = size + base, .max_chunk = max_chunk};
    vg_carve_extent e = {base, size};
    hits hs = {0};
    vg_carve_stats st;
    vigil_error err;
    assert_non_null(img);
    noise(img, size + base, 42);
    for (size_t i = 0; i < NSAMPLES; i++) {
        at[i] = base + 1001 + i * (size / NSAMPLES) + 2 * i; /* odd and even, away from window edges or not */
        memcpy(img + at[i], samples[i].p, samples[i].n);
    }
    assert_int_equal(run(&m, &e, 1, NULL, window, &hs, &st, &err), 0);
    assert_int_equal(hs.n, NSAMPLES);
    for (size_t i = 0; i < NSAMPLES; i++) {
        expect_hit(&hs, i, at[i], &samples[i]);
        assert_int_equal(hs.h[i].fragments, 1);
    }
    assert_int_equal(st.bytes_scanned, size);
    hits_free(&hs);
    free(img);
}

static void carve__pictures_at_odd_offsets_in_noise(void **state)
{
    (void)state;
    check_planted(4u << 20, 0);
}

static void carve__tiny_windows_find_the_same_pictures(void **state)
{
    (void)state;
    check_planted(2 * VG_CARVE_SIG_MAX, 0);
    check_planted(4099, 0);
}

static void carve__short_reads_find_the_same_pictures(void **state)
{
    (void)state;
    check_planted(65536, 3);
}

static void carve__back_to_back_pictures(void **state)
{
    size_t total = 0, at = 0;
    uint8_t *img;
    hits hs = {0};
    vg_carve_stats st;
    vigil_error err;
    (void)state;
    for (size_t i = 0; i < NSAMPLES; i++)
        total += samples[i].n;
    img = malloc(total);
    assert_non_null(img);
    for (size_t i = 0; i < NSAMPLES; i++) {
        memcpy(img + at, samples[i].p, samples[i].n);
        at += samples[i].n;
    }
    {
        mem_image m = {.p = img, .n = total};
        vg_carve_extent e = {0, total};
        assert_int_equal(run(&m, &e, 1, NULL, 4u << 20, &hs, &st, &err), 0);
    }
    assert_int_equal(hs.n, NSAMPLES);
    at = 0;
    for (size_t i = 0; i < NSAMPLES; i++) {
        expect_hit(&hs, i, at, &samples[i]);
        at += samples[i].n;
    }
    hits_free(&hs);
    free(img);
}

/*
 * Image: [noise | extent A ending with the picture's head | allocated PNG | extent B starting with
 * its tail, then noise]. The picture is carved across A and B; the allocated PNG is not looked at.
 */
static void carve__picture_split_across_two_extents(void **state)
{
    const sample *s = sample_named("q0003.jpg"), *png = sample_named("palette-trns.png");
    const size_t head = 1000, a_off = 512, a_len = 3001, gap = 4096;
    size_t b_off = a_off + a_len + gap, total = b_off + 8192;
    uint8_t *img = malloc(total);
    mem_image m = {.p = img, .n = total};
    vg_carve_extent e[2] = {{a_off, a_len}, {b_off, 8192}};
    hits hs = {0};
    vg_carve_stats st;
    vigil_error err;
    (void)state;
    assert_non_null(img);
    noise(img, total, 7);
    memcpy(img + a_off + a_len - head, s->p, head);
    memcpy(img + a_off + a_len + 100, png->p, png->n);
    memcpy(img + b_off, s->p + head, s->n - head);
    assert_int_equal(run(&m, e, 2, NULL, 4u << 20, &hs, &st, &err), 0);
    assert_int_equal(hs.n, 1);
    expect_hit(&hs, 0, a_off + a_len - head, s);
    assert_int_equal(hs.h[0].fragments, 2);
    assert_int_equal(st.bytes_scanned, a_len + 8192);
    hits_free(&hs);

    /* Three extents, the middle one 7 bytes long, and tiny windows. */
    {
        vg_carve_extent e3[3] = {{a_off, a_len}, {b_off, 7}, {b_off + 7 + 50, 8192 - 7 - 50}};
        memmove(img + b_off + 7 + 50, img + b_off + 7, s->n - head - 7);
        assert_int_equal(run(&m, e3, 3, NULL, 128, &hs, &st, &err), 0);
        assert_int_equal(hs.n, 1);
        expect_hit(&hs, 0, a_off + a_len - head, s);
        assert_int_equal(hs.h[0].fragments, 3);
        hits_free(&hs);
    }
    free(img);
}

static void carve__picture_at_the_very_end_of_the_last_extent(void **state)
{
    (void)state;
    for (size_t i = 0; i < NSAMPLES; i++) {
        size_t total = 3333 + samples[i].n;
        uint8_t *img = malloc(total);
        mem_image m = {.p = img, .n = total};
        vg_carve_extent e[2] = {{0, 1000}, {2000, total - 2000}};
        hits hs = {0};
        vg_carve_stats st;
        vigil_error err;
        assert_non_null(img);
        noise(img, total, i + 100);
        memcpy(img + 3333, samples[i].p, samples[i].n);
        assert_int_equal(run(&m, e, 2, NULL, 4096, &hs, &st, &err), 0);
        if (hs.n != 1)
            fail_msg("%s at the end: %zu hits", samples[i].name, hs.n);
        expect_hit(&hs, 0, 3333, &samples[i]);
        hits_free(&hs);
        free(img);
    }
}

/* A picture cut short by the end of the stream is a rejected candidate, never a hit. */
static void carve__truncated_pictures_are_rejected(void **state)
{
    (void)state;
    for (size_t i = 0; i < NSAMPLES; i++) {
        size_t keep = samples[i].n / 2, total = 777 + keep;
        uint8_t *img = malloc(total);
        mem_image m = {.p = img, .n = total};
        vg_carve_extent e = {0, total};
        hits hs = {0};
        vg_carve_stats st;
        vigil_error err;
        assert_non_null(img);
        memset(img, 0, 777);
        memcpy(img + 777, samples[i].p, keep);
        assert_int_equal(run(&m, &e, 1, NULL, 4u << 20, &hs, &st, &err), 0);
        if (hs.n != 0 || st.rejected < 1 || !strstr(reasons, "rejected: truncated"))
            fail_msg("%s truncated: %zu hits, %llu rejected: %s", samples[i].name, hs.n,
                     (unsigned long long)st.rejected, reasons);
        {
            char where[64];
            snprintf(where, sizeof where, "%s candidate at image offset 777 rejected", samples[i].type);
            assert_non_null(strstr(reasons, where));
        }
        free(img);
    }
}

/*
 * The first half of a picture followed by 256 KiB of noise: the structure
 * breaks in the noise, or the decoder refuses it. Not for BMP, whose pixels
 * carry no structure at all: a true uncompressed header over foreign bytes
 * decodes, so for BMP the header is the only proof.
 */
static void carve__header_with_garbage_after_it_is_rejected(void **state)
{
    (void)state;
    for (size_t i = 0; i < NSAMPLES; i++) {
        size_t keep = samples[i].n / 2, total = 100 + keep + (256u << 10);
        uint8_t *img;
        hits hs = {0};
        vg_carve_stats st;
        vigil_error err;
        if (!strcmp(samples[i].type, "bmp"))
            continue;
        img = malloc(total);
        assert_non_null(img);
        noise(img, total, i + 1000);
        memcpy(img + 100, samples[i].p, keep);
        {
            mem_image m = {.p = img, .n = total};
            vg_carve_extent e = {0, total};
            assert_int_equal(run(&m, &e, 1, NULL, 4u << 20, &hs, &st, &err), 0);
        }
        if (hs.n != 0 || st.rejected < 1)
            fail_msg("%s + noise: %zu hits, %llu rejected", samples[i].name, hs.n,
                     (unsigned long long)st.rejected);
        free(img);
    }
}

/*
 * One bit flipped in IDAT, then in tEXt: both rejected. libpng only warns
 * about a bad CRC in an ancillary chunk like tEXt and decodes on, so the
 * second case is caught by the carver's own CRC walk.
 */
static void carve__png_with_a_flipped_bit_is_rejected(void **state)
{
    static const char *const chunks[] = {"IDAT", "tEXt"};
    const sample *s = sample_named("palette-trns.png");
    uint8_t *p = malloc(s->n);
    (void)state;
    assert_non_null(p);
    for (size_t i = 0; i < 2; i++) {
        mem_image m = {.p = p, .n = s->n};
        vg_carve_extent e = {0, s->n};
        hits hs = {0};
        vg_carve_stats st;
        vigil_error err;
        const uint8_t *at;
        memcpy(p, s->p, s->n);
        at = memmem(p, s->n, chunks[i], 4);
        assert_non_null(at);
        p[at - p + 5] ^= 0x10;
        assert_int_equal(run(&m, &e, 1, NULL, 4u << 20, &hs, &st, &err), 0);
        assert_int_equal(hs.n, 0);
        assert_int_equal(st.rejected, 1);
        assert_non_null(strstr(reasons, "png candidate at image offset 0 rejected: chunk CRC mismatch"));
    }
    free(p);
}

/* Restart markers are walked in sequence: libjpeg would tolerate a wrong one, the carver does not. */
static void carve__jpeg_restart_markers_must_be_in_sequence(void **state)
{
    size_t n;
    uint8_t *p = make_jpeg(160, 120, 1, &n);
    uint8_t *rst;
    mem_image m = {.p = p, .n = n};
    vg_carve_extent e = {0, n};
    hits hs = {0};
    vg_carve_stats st;
    vigil_error err;
    (void)state;
    assert_int_equal(run(&m, &e, 1, NULL, 4u << 20, &hs, &st, &err), 0);
    assert_int_equal(hs.n, 1);
    assert_int_equal(hs.h[0].length, n);
    hits_free(&hs);
    rst = memmem(p, n, "\xff\xd1", 2); /* the second restart marker becomes a copy of the first */
    assert_non_null(rst);
    rst[1] = 0xd0;
    assert_int_equal(run(&m, &e, 1, NULL, 4u << 20, &hs, &st, &err), 0);
    assert_int_equal(hs.n, 0);
    assert_int_equal(st.rejected, 1);
    assert_non_null(strstr(reasons, "restart markers out of sequence"));
    free(p);
}

/* Noise of 64 MiB and zeros of 64 MiB: not one hit; every candidate in the noise is rejected. */
static void carve__noise_and_zeros_give_no_hit(void **state)
{
    const size_t size = 64u << 20;
    uint8_t *img = malloc(size);
    hits hs = {0};
    vg_carve_stats st;
    vigil_error err;
    (void)state;
    assert_non_null(img);
    for (uint64_t seed = 1; seed <= 2; seed++) {
        mem_image m = {.p = img, .n = size};
        vg_carve_extent e[2] = {{0, size / 2 + 12345}, {size / 2 + 12345, size / 2 - 12345}};
        noise(img, size, seed);
        assert_int_equal(run(&m, e, 2, NULL, 4u << 20, &hs, &st, &err), 0);
        assert_int_equal(hs.n, 0);
        assert_int_equal(st.bytes_scanned, size);
    }
    memset(img, 0, size);
    {
        mem_image m = {.p = img, .n = size};
        vg_carve_extent e = {0, size};
        assert_int_equal(run(&m, &e, 1, NULL, 4u << 20, &hs, &st, &err), 0);
        assert_int_equal(hs.n, 0);
        assert_int_equal(st.candidates, 0);
        assert_int_equal(st.bytes_scanned, size);
    }
    free(img);
}

/* Signatures alone, each followed by noise: candidates, all rejected. */
static void carve__bare_signatures_are_counted_and_rejected(void **state)
{
    static const char *const sigs[] = {"\xff\xd8\xff\xe0", "\x89PNG\r\n\x1a\n", "GIF89a", "RIFF\x10\0\0\0WEBP"};
    const size_t size = 1u << 16;
    uint8_t *img = malloc(size);
    mem_image m = {.p = img, .n = size};
    vg_carve_extent e = {0, size};
    hits hs = {0};
    vg_carve_stats st;
    vigil_error err;
    (void)state;
    assert_non_null(img);
    memset(img, 0, size);
    for (size_t i = 0; i < 4; i++) {
        size_t len = i == 3 ? 12 : strlen(sigs[i]);
        noise(img + 1000 * (i + 1) + len, 500, i);
        memcpy(img + 1000 * (i + 1), sigs[i], len);
    }
    memcpy(img + 9000, "BM\x36\x10\0\0\0\0\0\0\x36\0\0\0\x28\0\0\0", 18); /* BMP header, then zeros */
    assert_int_equal(run(&m, &e, 1, NULL, 4u << 20, &hs, &st, &err), 0);
    assert_int_equal(hs.n, 0);
    assert_int_equal(st.candidates, 5);
    assert_int_equal(st.rejected, 5);
    free(img);
}

/* A JPEG holding another JPEG in its APP1 (an Exif-style thumbnail) is one hit. */
static void carve__embedded_thumbnail_is_not_a_second_hit(void **state)
{
    const sample *outer = sample_named("q0003.jpg"), *thumb = sample_named("grey.jpg");
    size_t seg = 2 + 6 + thumb->n, n = outer->n + 2 + seg, total = 300 + n;
    uint8_t *img = malloc(total), *p;
    hits hs = {0};
    vg_carve_stats st;
    vigil_error err;
    (void)state;
    assert_non_null(img);
    noise(img, total, 5);
    p = img + 300;
    memcpy(p, "\xff\xd8\xff\xe1", 4);
    p[4] = (uint8_t)(seg >> 8);
    p[5] = (uint8_t)seg;
    memcpy(p + 6, "Exif\0\0", 6);
    memcpy(p + 12, thumb->p, thumb->n);
    memcpy(p + 12 + thumb->n, outer->p + 2, outer->n - 2);
    {
        mem_image m = {.p = img, .n = total};
        vg_carve_extent e = {0, total};
        assert_int_equal(run(&m, &e, 1, NULL, 4u << 20, &hs, &st, &err), 0);
    }
    assert_int_equal(hs.n, 1);
    assert_int_equal(hs.h[0].offset, 300);
    assert_int_equal(hs.h[0].length, n);
    hits_free(&hs);
    /* With the outer picture cut short it is rejected, and the thumbnail inside is carved on its own. */
    {
        mem_image m = {.p = img, .n = 300 + n - 200};
        vg_carve_extent e = {0, 300 + n - 200};
        assert_int_equal(run(&m, &e, 1, NULL, 4u << 20, &hs, &st, &err), 0);
    }
    assert_int_equal(hs.n, 1);
    expect_hit(&hs, 0, 300 + 12, thumb);
    assert_true(st.rejected >= 1);
    hits_free(&hs);
    free(img);
}

static void carve__max_size_is_respected(void **state)
{
    size_t n;
    uint8_t *p = make_jpeg(400, 300, 0, &n);
    size_t total = 5000 + n;
    uint8_t *img = malloc(total);
    mem_image m = {.p = img, .n = total};
    vg_carve_extent e = {0, total};
    vg_carve_opts o = {.max_size = n - 1};
    hits hs = {0};
    vg_carve_stats st;
    vigil_error err;
    (void)state;
    assert_non_null(img);
    assert_true(n > 64 * 1024);
    noise(img, total, 9);
    memcpy(img + 4000, p, n);
    assert_int_equal(run(&m, &e, 1, &o, 8192, &hs, &st, &err), 0);
    assert_int_equal(hs.n, 0);
    assert_true(st.rejected >= 1);
    assert_non_null(strstr(reasons, "jpeg candidate at image offset 4000 rejected: larger than the carving limit"));
    o.max_size = n;
    assert_int_equal(run(&m, &e, 1, &o, 8192, &hs, &st, &err), 0);
    assert_int_equal(hs.n, 1);
    assert_int_equal(hs.h[0].length, n);
    hits_free(&hs);
    /* A BMP claiming 1 GiB is rejected from its header, without reading the gigabyte. */
    memcpy(img + 100, "BM\0\0\0\x40\0\0\0\0\x36\0\0\0\x28\0\0\0\x10\0\0\0\x10\0\0\0\x01\0\x18\0\0\0\0\0", 34);
    o.max_size = 0;
    m.bytes_read = 0;
    assert_int_equal(run(&m, &e, 1, &o, 8192, &hs, &st, &err), 0);
    assert_int_equal(hs.n, 1); /* the JPEG still */
    assert_non_null(strstr(reasons, "bmp candidate at image offset 100 rejected: larger than the carving limit"));
    assert_true(m.bytes_read < 3 * total);
    hits_free(&hs);
    free(img);
    free(p);
}

static void carve__read_errors_are_clean(void **state)
{
    const sample *s = sample_named("tiny.png");
    const size_t total = 1u << 20;
    uint8_t *img = calloc(1, total);
    mem_image m = {.p = img, .n = total, .fail_at = 600000};
    vg_carve_extent e = {0, total};
    hits hs = {0};
    vg_carve_stats st;
    vigil_error err;
    (void)state;
    assert_non_null(img);
    memcpy(img + 1234, s->p, s->n);
    assert_int_equal(run(&m, &e, 1, NULL, 65536, &hs, &st, &err), VIGIL_EINPUT);
    assert_non_null(strstr(err.msg, "image offset 600000"));
    assert_non_null(strstr(err.msg, strerror(EIO)));
    assert_int_equal(hs.n, 1); /* found before the failure */
    assert_true(st.bytes_scanned <= 600000);
    hits_free(&hs);
    /* Extents that run past the end of the image. */
    m.fail_at = 0;
    m.n = total - 10;
    assert_int_equal(run(&m, &e, 1, NULL, 65536, &hs, &st, &err), VIGIL_EINPUT);
    assert_non_null(strstr(err.msg, "ends inside an extent"));
    hits_free(&hs);
    free(img);
}

static void carve__stop_flag_and_sink_errors_end_the_run(void **state)
{
    const size_t total = 1u << 20;
    uint8_t *img = malloc(total);
    mem_image m = {.p = img, .n = total};
    vg_carve_extent e = {0, total};
    volatile int stop = 0;
    vg_carve_opts o = {.stop = &stop};
    hits hs = {0};
    vg_carve_stats st;
    vigil_error err;
    (void)state;
    assert_non_null(img);
    noise(img, total, 3);
    for (size_t i = 0; i < NSAMPLES; i++)
        memcpy(img + 10000 + i * 60000, samples[i].p, samples[i].n);
    hs.stop_after_first = &stop;
    assert_int_equal(run(&m, &e, 1, &o, 65536, &hs, &st, &err), VIGIL_ESTATE);
    assert_int_equal(hs.n, 1);
    assert_true(st.bytes_scanned < total);
    hits_free(&hs);
    hs.stop_after_first = NULL;
    assert_int_equal(run(&m, &e, 1, &o, 65536, &hs, &st, &err), VIGIL_ESTATE); /* already set */
    assert_int_equal(hs.n, 0);
    stop = 0;
    hs.fail = 1;
    assert_int_equal(run(&m, &e, 1, &o, 65536, &hs, &st, &err), VIGIL_ESTORE);
    assert_string_equal(err.msg, "sink: full");
    assert_int_equal(hs.n, 1);
    hits_free(&hs);
    free(img);
}

static void carve__no_extents_and_empty_extents(void **state)
{
    const sample *s = sample_named("min5.gif");
    mem_image m = {.p = s->p, .n = s->n};
    vg_carve_extent e[4] = {{0, 0}, {0, 10}, {10, 0}, {10, s->n - 10}};
    hits hs = {0};
    vg_carve_stats st;
    vigil_error err;
    (void)state;
    assert_int_equal(run(&m, e, 0, NULL, 4u << 20, &hs, &st, &err), 0);
    assert_int_equal(st.bytes_scanned, 0);
    assert_int_equal(run(&m, e, 4, NULL, 4u << 20, &hs, &st, &err), 0);
    assert_int_equal(hs.n, 1);
    expect_hit(&hs, 0, 0, s);
    assert_int_equal(hs.h[0].fragments, 2);
    hits_free(&hs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(carve__each_sample_alone_is_one_hit),
        cmocka_unit_test(carve__validators_ask_for_more_on_every_prefix),
        cmocka_unit_test(carve__pictures_at_odd_offsets_in_noise),
        cmocka_unit_test(carve__tiny_windows_find_the_same_pictures),
        cmocka_unit_test(carve__short_reads_find_the_same_pictures),
        cmocka_unit_test(carve__back_to_back_pictures),
        cmocka_unit_test(carve__picture_split_across_two_extents),
        cmocka_unit_test(carve__picture_at_the_very_end_of_the_last_extent),
        cmocka_unit_test(carve__truncated_pictures_are_rejected),
        cmocka_unit_test(carve__header_with_garbage_after_it_is_rejected),
        cmocka_unit_test(carve__png_with_a_flipped_bit_is_rejected),
        cmocka_unit_test(carve__jpeg_restart_markers_must_be_in_sequence),
        cmocka_unit_test(carve__noise_and_zeros_give_no_hit),
        cmocka_unit_test(carve__bare_signatures_are_counted_and_rejected),
        cmocka_unit_test(carve__embedded_thumbnail_is_not_a_second_hit),
        cmocka_unit_test(carve__max_size_is_respected),
        cmocka_unit_test(carve__read_errors_are_clean),
        cmocka_unit_test(carve__stop_flag_and_sink_errors_end_the_run),
        cmocka_unit_test(carve__no_extents_and_empty_extents),
    };
    return tu_run_tests("tests", tests, load_samples, free_samples);
}

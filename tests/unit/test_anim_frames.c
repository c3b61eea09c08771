/*
 * The frame count of GIF and animated WebP (src/media/anim_frames.c) on files
 * built here block by block: frames, extensions and colour tables are walked,
 * a cut or damaged file counts the whole frames before the damage, max stops
 * the walk, reading from a descriptor gives what reading from memory does, and
 * a GIF that stops short of its trailer is said, with where.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "media/anim_frames.h"

static uint8_t buf[4096];
static size_t len;

static void put(const void *p, size_t n)
{
    memcpy(buf + len, p, n);
    len += n;
}

static void put_byte(uint8_t b) { put(&b, 1); }

/* A GIF of 4 x 4 with a global colour table of 2 entries and frames image blocks, each after a
   graphic control extension; the second frame has a local colour table. No trailer when cut. */
static void make_gif(unsigned frames, int trailer)
{
    static const uint8_t lsd[] = {4, 0, 4, 0, 0x80, 0, 0}; /* global table, 2 entries */
    static const uint8_t gce[] = {0x21, 0xF9, 4, 0, 10, 0, 0, 0};
    len = 0;
    put("GIF89a", 6);
    put(lsd, sizeof lsd);
    put("\0\0\0\xff\xff\xff", 6);
    put("\x21\xFF\x0BNETSCAPE2.0\x03\x01\0\0\0", 19); /* the looping extension */
    for (unsigned i = 0; i < frames; i++) {
        uint8_t desc[] = {0x2C, 0, 0, 0, 0, 4, 0, 4, 0, (uint8_t)(i == 1 ? 0x80 : 0)};
        put(gce, sizeof gce);
        put(desc, sizeof desc);
        if (i == 1)
            put("\0\0\0\xff\xff\xff", 6);
        put_byte(2);                          /* LZW minimum code size */
        put("\x03\x84\x8f\x02", 4);           /* one sub-block of 3 bytes */
        put_byte(0);
    }
    if (trailer)
        put_byte(0x3B);
}

static void chunk(const char *tag, const void *body, uint32_t n)
{
    uint8_t sz[4] = {(uint8_t)n, (uint8_t)(n >> 8), (uint8_t)(n >> 16), (uint8_t)(n >> 24)};
    put(tag, 4);
    put(sz, 4);
    put(body, n);
    if (n & 1)
        put_byte(0);
}

/* An animated WebP (VP8X with the animation flag, ANIM) of frames ANMF chunks of 9 bytes (odd: padded). */
static void make_webp(unsigned frames, uint8_t flags)
{
    uint8_t vp8x[10] = {flags, 0, 0, 0, 3, 0, 0, 3, 0, 0};
    uint32_t riff;
    len = 0;
    put("RIFF\0\0\0\0WEBP", 12);
    chunk("VP8X", vp8x, sizeof vp8x);
    chunk("ANIM", "\0\0\0\0\0\0", 6);
    for (unsigned i = 0; i < frames; i++)
        chunk("ANMF", "123456789", 9);
    riff = (uint32_t)len - 8;
    memcpy(buf + 4, (uint8_t[]){(uint8_t)riff, (uint8_t)(riff >> 8), 0, 0}, 4);
}

static unsigned from_fd(unsigned max)
{
    FILE *f = tmpfile();
    unsigned n;
    assert_non_null(f);
    assert_int_equal(fwrite(buf, 1, len, f), len);
    fflush(f);
    n = vg_anim_frames_fd(fileno(f), len, max);
    fclose(f);
    return n;
}

static void anim__gif_frames_counted_through_tables_and_extensions(void **state)
{
    (void)state;
    make_gif(1, 1);
    assert_int_equal(vg_anim_frames_mem(buf, len, 100), 1);
    make_gif(3, 1);
    assert_int_equal(vg_anim_frames_mem(buf, len, 100), 3);
    assert_int_equal(from_fd(100), 3);
    assert_int_equal(vg_anim_frames_mem(buf, len, 2), 2); /* max stops the walk */
    assert_true(vg_anim_head(buf, len));
}

static void anim__gif_cut_or_damaged_counts_whole_frames(void **state)
{
    (void)state;
    make_gif(3, 0);
    assert_int_equal(vg_anim_frames_mem(buf, len, 100), 3); /* no trailer: the end of the file ends it */
    assert_int_equal(vg_anim_frames_mem(buf, len - 1, 100), 2); /* the last frame cut in its data */
    assert_int_equal(from_fd(100), 3);
    make_gif(3, 1);
    buf[13 + 6 + 19 + 8] = 0x55; /* the first frame's descriptor is no block at all */
    assert_int_equal(vg_anim_frames_mem(buf, len, 100), 0);
    assert_int_equal(vg_anim_frames_mem(buf, 12, 100), 0); /* a header cut short */
}

static int gif_end_fd(vg_gif_end *out)
{
    FILE *f = tmpfile();
    int cut;
    assert_non_null(f);
    assert_int_equal(fwrite(buf, 1, len, f), len);
    fflush(f);
    cut = vg_anim_gif_end_fd(out, fileno(f), len);
    fclose(f);
    return cut;
}

static void anim__gif_end_says_where_a_cut_or_damaged_gif_stops(void **state)
{
    vg_gif_end e, fe;
    (void)state;
    make_gif(3, 1);
    assert_int_equal(vg_anim_gif_end_mem(&e, buf, len), 0); /* whole, to its trailer */
    assert_int_equal(e.frames, 3);
    assert_int_equal(gif_end_fd(&fe), 0);
    buf[len++] = 0x55; /* bytes after the trailer are not the GIF's */
    assert_int_equal(vg_anim_gif_end_mem(&e, buf, len), 0);
    make_gif(3, 0);
    assert_int_equal(vg_anim_gif_end_mem(&e, buf, len - 3), 1); /* cut inside the third frame's data */
    assert_int_equal(e.frames, 2);
    assert_int_equal(e.started, 3);
    assert_string_equal(e.why, "the file ends inside frame 3 (at offset 113, 2 whole frames before)");
    len -= 3;
    assert_int_equal(gif_end_fd(&fe), 1);
    assert_string_equal(fe.why, e.why);
    make_gif(3, 0); /* cut between blocks: no trailer */
    assert_int_equal(vg_anim_gif_end_mem(&e, buf, len), 1);
    assert_string_equal(e.why, "no trailer after its 3 whole frames (the file ends at offset 116)");
    assert_int_equal(vg_anim_gif_end_mem(&e, buf, len - 18), 1); /* inside the third frame's control extension */
    assert_int_equal(e.started, 2);
    assert_string_equal(e.why, "the file ends inside a block at offset 92, after 2 whole frames");
    make_gif(3, 1);
    buf[13 + 6 + 19 + 8] = 0x55; /* the first frame's descriptor is no block at all */
    assert_int_equal(vg_anim_gif_end_mem(&e, buf, len), 1);
    assert_string_equal(e.why, "byte 0x55 at offset 46 starts no block, after 0 whole frames");
    assert_int_equal(vg_anim_gif_end_mem(&e, buf, 12), 1); /* a header cut short */
    assert_string_equal(e.why, "the file ends in its header, at offset 12");
    assert_int_equal(vg_anim_gif_end_mem(&e, (const uint8_t *)"\x89PNG\r\n\x1a\n", 8), 0); /* no GIF */
    make_webp(4, 0x02);
    assert_int_equal(vg_anim_gif_end_mem(&e, buf, len - 3), 0);
}

static void anim__webp_anmf_chunks(void **state)
{
    (void)state;
    make_webp(1, 0x02);
    assert_int_equal(vg_anim_frames_mem(buf, len, 100), 1);
    make_webp(4, 0x02);
    assert_int_equal(vg_anim_frames_mem(buf, len, 100), 4);
    assert_int_equal(from_fd(100), 4);
    assert_int_equal(vg_anim_frames_mem(buf, len - 3, 100), 3); /* the last chunk cut short */
    make_webp(4, 0x00); /* no animation flag: a still WebP, not counted */
    assert_false(vg_anim_head(buf, len));
    assert_int_equal(vg_anim_frames_mem(buf, len, 100), 0);
}

static void anim__other_bytes_are_no_animation(void **state)
{
    (void)state;
    assert_int_equal(vg_anim_frames_mem((const uint8_t *)"\x89PNG\r\n\x1a\n", 8, 100), 0);
    assert_int_equal(vg_anim_frames_mem((const uint8_t *)"", 0, 100), 0);
    make_gif(3, 1);
    assert_int_equal(vg_anim_frames_mem(buf, len, 0), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(anim__gif_frames_counted_through_tables_and_extensions),
        cmocka_unit_test(anim__gif_cut_or_damaged_counts_whole_frames),
        cmocka_unit_test(anim__gif_end_says_where_a_cut_or_damaged_gif_stops),
        cmocka_unit_test(anim__webp_anmf_chunks),
        cmocka_unit_test(anim__other_bytes_are_no_animation),
    };
    return cmocka_run_group_tests_name("anim_frames", tests, NULL, NULL);
}

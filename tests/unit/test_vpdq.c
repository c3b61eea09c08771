/*
 * vpdq: the matcher's rules (quality floor, duplicates counted once, the
 * distance bound, query share, known-video share, time ranges), the vpdq list
 * reader's two formats and its errors, and the border crop, all on hashes
 * and planes made here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "media/video_crop.h"
#include "vigil/vpdq.h"

/* A hash whose bits are a seeded pseudo-random sequence: distinct seeds lie ~128 apart. */
static vigil_pdq_hash seeded(uint32_t seed)
{
    vigil_pdq_hash h;
    uint32_t x = seed * 2654435761u + 1;
    for (int i = 0; i < 32; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        h.b[i] = (uint8_t)x;
    }
    return h;
}

/* h with its first bits bits flipped. */
static vigil_pdq_hash flipped(vigil_pdq_hash h, int bits)
{
    for (int i = 0; i < bits; i++)
        h.b[i / 8] ^= (uint8_t)(1u << (i % 8));
    return h;
}

static vigil_vpdq_frame frame(double t, vigil_pdq_hash h, int quality)
{
    vigil_vpdq_frame f = {.frame = (uint64_t)(t * 30), .seconds = t, .quality = quality, .hash = h};
    return f;
}

static void vpdq__distance_bound_is_inclusive(void **state)
{
    vigil_vpdq_frame k[1], q[1];
    vigil_vpdq_match m;
    vigil_error err;
    (void)state;
    k[0] = frame(0, seeded(1), 100);
    q[0] = frame(0, flipped(seeded(1), 31), 100);
    assert_int_equal(vigil_vpdq_compare(&m, q, 1, k, 1, NULL, &err), 0);
    assert_true(m.near);
    assert_true(m.query_percent == 100.0);
    vigil_vpdq_match_dispose(&m);
    q[0] = frame(0, flipped(seeded(1), 32), 100);
    assert_int_equal(vigil_vpdq_compare(&m, q, 1, k, 1, NULL, &err), 0);
    assert_false(m.near);
    assert_true(m.query_percent == 0.0);
    vigil_vpdq_match_dispose(&m);
}

static void vpdq__low_quality_frames_are_dropped(void **state)
{
    vigil_vpdq_frame k[2], q[2];
    vigil_vpdq_match m;
    vigil_error err;
    (void)state;
    k[0] = frame(0, seeded(1), 100);
    k[1] = frame(1, seeded(2), 100);
    q[0] = frame(0, seeded(1), 100);
    q[1] = frame(1, seeded(99), 49); /* would halve the query share if it counted */
    assert_int_equal(vigil_vpdq_compare(&m, q, 2, k, 2, NULL, &err), 0);
    assert_int_equal(m.query_kept, 1);
    assert_true(m.query_percent == 100.0);
    assert_true(m.target_percent == 50.0);
    assert_true(m.near);
    vigil_vpdq_match_dispose(&m);
    q[0].quality = 49; /* nothing left to compare: never near */
    assert_int_equal(vigil_vpdq_compare(&m, q, 2, k, 2, NULL, &err), 0);
    assert_false(m.near);
    assert_int_equal(m.query_kept, 0);
    vigil_vpdq_match_dispose(&m);
}

static void vpdq__duplicate_hashes_count_once(void **state)
{
    vigil_vpdq_frame k[5], q[10];
    vigil_vpdq_match m;
    vigil_error err;
    (void)state;
    for (int i = 0; i < 5; i++)
        k[i] = frame(i, seeded((uint32_t)i + 1), 100);
    /* a still scene: 8 frames with one hash that matches, 2 distinct that do not */
    for (int i = 0; i < 8; i++)
        q[i] = frame(i, seeded(3), 100);
    q[8] = frame(8, seeded(50), 100);
    q[9] = frame(9, seeded(51), 100);
    assert_int_equal(vigil_vpdq_compare(&m, q, 10, k, 5, NULL, &err), 0);
    assert_int_equal(m.query_kept, 3);
    assert_true(m.query_percent > 33.3 && m.query_percent < 33.4);
    assert_false(m.near);
    /* the range still covers the whole still scene */
    assert_int_equal(m.n_query_ranges, 1);
    assert_true(m.query_ranges[0].from == 0.0 && m.query_ranges[0].to == 7.0);
    vigil_vpdq_match_dispose(&m);
}

static void vpdq__compilation_is_near_by_the_known_share(void **state)
{
    vigil_vpdq_frame k[10], q[30];
    vigil_vpdq_match m;
    vigil_vpdq_match_opts o;
    vigil_error err;
    char text[128];
    (void)state;
    for (int i = 0; i < 10; i++)
        k[i] = frame(i, seeded((uint32_t)i + 1), 100);
    for (int i = 0; i < 30; i++) /* 10 s of other material, the known clip re-encoded, 10 s more */
        q[i] = frame(i, i >= 10 && i < 20 ? flipped(seeded((uint32_t)i - 9), 12) : seeded((uint32_t)i + 1000), 100);
    assert_int_equal(vigil_vpdq_compare(&m, q, 30, k, 10, NULL, &err), 0);
    assert_true(m.query_percent > 33.3 && m.query_percent < 33.4);
    assert_true(m.target_percent == 100.0);
    assert_true(m.near);
    assert_int_equal(m.n_query_ranges, 1);
    assert_true(m.query_ranges[0].from == 10.0 && m.query_ranges[0].to == 19.0);
    assert_int_equal(m.n_target_ranges, 1);
    vigil_vpdq_ranges_text(text, sizeof text, m.query_ranges, m.n_query_ranges);
    assert_string_equal(text, "10.0-19.0");
    vigil_vpdq_match_dispose(&m);
    /* the reference's rule alone (query share only) misses it */
    vigil_vpdq_match_opts_init(&o);
    o.target_percent = 101;
    assert_int_equal(vigil_vpdq_compare(&m, q, 30, k, 10, &o, &err), 0);
    assert_false(m.near);
    vigil_vpdq_match_dispose(&m);
}

static void vpdq__ranges_split_at_gaps(void **state)
{
    vigil_vpdq_frame k[4], q[12];
    vigil_vpdq_match m;
    vigil_error err;
    char text[128];
    (void)state;
    for (int i = 0; i < 4; i++)
        k[i] = frame(i, seeded((uint32_t)i + 1), 100);
    for (int i = 0; i < 12; i++)
        q[i] = frame(i, seeded((uint32_t)i + 500), 100);
    q[1].hash = k[0].hash, q[2].hash = k[1].hash;  /* 1-2 s */
    q[8].hash = k[2].hash, q[10].hash = k[3].hash; /* 8-10 s: a 2 s gap joins */
    assert_int_equal(vigil_vpdq_compare(&m, q, 12, k, 4, NULL, &err), 0);
    vigil_vpdq_ranges_text(text, sizeof text, m.query_ranges, m.n_query_ranges);
    assert_string_equal(text, "1.0-2.0;8.0-10.0");
    vigil_vpdq_match_dispose(&m);
}

static const char *H1 = "d8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22";

static void vpdq__list_formats(void **state)
{
    vigil_vpdq_list l = {0};
    vigil_error err;
    char buf[2048];
    (void)state;
    /* vigil's lines, two videos interleaved, a comma in a path, CRLF, a comment */
    snprintf(buf, sizeof buf,
             "# vigil vpdq\n0,%s,90,0.000,a.mp4\r\n30,%s,80,1.000,b,c.mp4\n60,%s,70,2.000,a.mp4\n\n", H1, H1, H1);
    assert_int_equal(vigil_vpdq_list_parse(&l, buf, strlen(buf), "list", NULL, &err), 0);
    assert_int_equal(l.n, 2);
    assert_string_equal(l.videos[0].name, "a.mp4");
    assert_int_equal(l.videos[0].n, 2);
    assert_true(l.videos[0].frames[1].seconds == 2.0);
    assert_int_equal(l.videos[0].frames[1].frame, 60);
    assert_int_equal(l.videos[0].frames[1].quality, 70);
    assert_string_equal(l.videos[1].name, "b,c.mp4");
    /* the reference's per-video file: frame,quality,hash,timestamp */
    snprintf(buf, sizeof buf, "0,100,%s,0.000\n25,99,%s,1.000\n", H1, H1);
    assert_int_equal(vigil_vpdq_list_parse(&l, buf, strlen(buf), "ref.txt", "ref.txt", &err), 0);
    assert_int_equal(l.n, 3);
    assert_string_equal(l.videos[2].name, "ref.txt");
    assert_int_equal(l.videos[2].frames[1].quality, 99);
    assert_int_equal(l.videos[2].frames[1].frame, 25);
    /* an escaped path */
    snprintf(buf, sizeof buf, "\\0,%s,90,0.000,x\\ny.mp4\n", H1);
    assert_int_equal(vigil_vpdq_list_parse(&l, buf, strlen(buf), "list", NULL, &err), 0);
    assert_string_equal(l.videos[3].name, "x\ny.mp4");
    vigil_vpdq_list_dispose(&l);
}

static void vpdq__list_errors_name_file_and_line(void **state)
{
    static const char *bad[] = {
        "0,%s,101,0.000,a.mp4\n",                    /* quality over 100 */
        "0,%s,90,-1,a.mp4\n",                        /* negative time */
        "0,%s,90,nan,a.mp4\n",
        "x,%s,90,0.000,a.mp4\n",
        "0,%s,90,0.000,\n",                          /* no path */
        "0,%.63s,90,0.000,a.mp4\n",                  /* 63 digits */
        "0,100,%s,0.000\n",                          /* reference line, no name to file it under */
        "%s\n",                                      /* a PDQ line */
    };
    char buf[512];
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        vigil_vpdq_list l = {0};
        vigil_error err;
        int n = snprintf(buf, sizeof buf, "# ok\n");
        snprintf(buf + n, sizeof buf - (size_t)n, bad[i], H1);
        assert_int_equal(vigil_vpdq_list_parse(&l, buf, strlen(buf), "known.vpdq", NULL, &err), VIGIL_EINPUT);
        assert_non_null(strstr(err.msg, "known.vpdq:2: "));
        vigil_vpdq_list_dispose(&l);
    }
}

/* A 100 x 60 plane of noise with bars of value v: top and bottom rows, left and right columns. */
static float *barred(int top, int bottom, int left, int right, float v)
{
    float *p = malloc(100 * 60 * sizeof *p);
    uint32_t x = 7;
    for (int y = 0; y < 60; y++)
        for (int c = 0; c < 100; c++) {
            x ^= x << 13, x ^= x >> 17, x ^= x << 5;
            p[y * 100 + c] = (y < top || y >= 60 - bottom || c < left || c >= 100 - right) ? v : (float)(x % 256);
        }
    return p;
}

static void vpdq__borders_are_cut_off(void **state)
{
    float *p = barred(8, 8, 0, 0, 0), *out = malloc(100 * 60 * sizeof *out);
    uint32_t w = 0, h = 0;
    (void)state;
    assert_int_equal(vg_luma_crop_borders(p, 100, 60, out, &w, &h), 1);
    assert_int_equal(w, 100);
    assert_int_equal(h, 44);
    assert_memory_equal(out, p + 8 * 100, 100 * 44 * sizeof *p); /* the rows between the bars */
    free(p);
    p = barred(0, 0, 12, 12, 200); /* a white pillarbox */
    assert_int_equal(vg_luma_crop_borders(p, 100, 60, out, &w, &h), 1);
    assert_int_equal(w, 76);
    assert_int_equal(h, 60);
    assert_memory_equal(out, p + 12, 76 * sizeof *p);
    free(p);
    p = barred(0, 0, 0, 0, 0); /* no bars */
    assert_int_equal(vg_luma_crop_borders(p, 100, 60, out, &w, &h), 0);
    free(p);
    p = barred(30, 30, 0, 0, 0); /* all flat */
    assert_int_equal(vg_luma_crop_borders(p, 100, 60, out, &w, &h), 0);
    free(p);
    p = barred(20, 20, 0, 0, 0); /* bars leaving a third */
    assert_int_equal(vg_luma_crop_borders(p, 100, 60, out, &w, &h), 0);
    free(p);
    free(out);
}

static void vpdq__a_hash_with_bars_cut_matches_too(void **state)
{
    vigil_vpdq_frame k[1], q[1];
    vigil_vpdq_match m;
    vigil_error err;
    (void)state;
    k[0] = frame(0, seeded(1), 100);
    q[0] = frame(0, seeded(2), 100); /* the whole letterboxed frame: far */
    assert_int_equal(vigil_vpdq_compare(&m, q, 1, k, 1, NULL, &err), 0);
    assert_false(m.near);
    vigil_vpdq_match_dispose(&m);
    q[0].has_alt = 1;
    q[0].alt = flipped(seeded(1), 20); /* between the bars: near */
    assert_int_equal(vigil_vpdq_compare(&m, q, 1, k, 1, NULL, &err), 0);
    assert_true(m.near);
    vigil_vpdq_match_dispose(&m);
    assert_int_equal(vigil_vpdq_compare(&m, k, 1, q, 1, NULL, &err), 0); /* either side's */
    assert_true(m.near);
    vigil_vpdq_match_dispose(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(vpdq__distance_bound_is_inclusive),
        cmocka_unit_test(vpdq__low_quality_frames_are_dropped),
        cmocka_unit_test(vpdq__duplicate_hashes_count_once),
        cmocka_unit_test(vpdq__compilation_is_near_by_the_known_share),
        cmocka_unit_test(vpdq__ranges_split_at_gaps),
        cmocka_unit_test(vpdq__list_formats),
        cmocka_unit_test(vpdq__list_errors_name_file_and_line),
        cmocka_unit_test(vpdq__borders_are_cut_off),
        cmocka_unit_test(vpdq__a_hash_with_bars_cut_matches_too),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * known_videos: the known-video file beside a segment (`<segment>.vpdq`).
 * What is written reads back field for field, names and frame order as
 * given; the header's counts are read alone; every byte of the file is
 * covered by a check (a flip anywhere is refused with a line naming the file),
 * as are a short file, another version, and videos the writer must refuse;
 * fields out of range are refused even under checksums that match.
 * A refused file leaves the caller's list as it was.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "segment/known_videos.h"
#include "vigil/digest.h"
#include "vigil/vpdq.h"

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

static void add_video(vigil_vpdq_list *l, const char *name, size_t frames, uint32_t seed)
{
    vigil_vpdq_video *v;
    l->videos = realloc(l->videos, (l->n + 1) * sizeof *l->videos);
    assert_non_null(l->videos);
    v = &l->videos[l->n++];
    memset(v, 0, sizeof *v);
    v->name = strdup(name);
    v->frames = calloc(frames, sizeof *v->frames);
    v->n = v->cap = frames;
    for (size_t i = 0; i < frames; i++) {
        v->frames[i].frame = i * 30 + 1;
        v->frames[i].seconds = (double)i + 1.0 / 3; /* not a round number: kept bit for bit */
        v->frames[i].quality = (int)((seed + i) % 101);
        v->frames[i].hash = seeded(seed + (uint32_t)i);
    }
}

static char *write_sample(vigil_vpdq_list *l, char **dir)
{
    vigil_error err;
    char *seg;
    *dir = tu_mkdtemp();
    seg = tu_path(*dir, "x.seg");
    memset(l, 0, sizeof *l);
    add_video(l, "clips/known one.mp4", 12, 7);
    add_video(l, "\xc3\xa9t\xc3\xa9,2.mkv", 1, 99);  /* a comma and UTF-8 in the name */
    add_video(l, "z", 3, 1000);
    assert_int_equal(vg_kv_write(seg, l, &err), 0);
    return seg;
}

static void known_videos__round_trip(void **state)
{
    vigil_vpdq_list l, back = {0};
    vigil_error err;
    uint64_t nv = 0, nf = 0;
    char *dir, *seg = write_sample(&l, &dir);
    (void)state;
    assert_int_equal(vg_kv_read(&back, seg, &err), 0);
    assert_int_equal(back.n, l.n);
    for (size_t i = 0; i < l.n; i++) {
        assert_string_equal(back.videos[i].name, l.videos[i].name);
        assert_int_equal(back.videos[i].n, l.videos[i].n);
        assert_null(back.videos[i].set);
        for (size_t k = 0; k < l.videos[i].n; k++) {
            const vigil_vpdq_frame *a = &l.videos[i].frames[k], *b = &back.videos[i].frames[k];
            assert_int_equal(a->frame, b->frame);
            assert_memory_equal(&a->seconds, &b->seconds, sizeof a->seconds);
            assert_int_equal(a->quality, b->quality);
            assert_memory_equal(a->hash.b, b->hash.b, 32);
            assert_false(b->has_alt);
        }
    }
    assert_int_equal(vg_kv_count(&nv, &nf, seg, &err), 0);
    assert_int_equal(nv, 3);
    assert_int_equal(nf, 16);
    vigil_vpdq_list_dispose(&back);
    vigil_vpdq_list_dispose(&l);
    tu_rm_rf(dir);
    free(dir);
    free(seg);
}

static uint8_t *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    uint8_t *p;
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *n = (size_t)ftell(f);
    rewind(f);
    p = malloc(*n);
    assert_int_equal(fread(p, 1, *n, f), *n);
    fclose(f);
    return p;
}

static void known_videos__every_byte_is_checked(void **state)
{
    vigil_vpdq_list l, got = {0};
    vigil_error err;
    size_t n;
    char *dir, *seg = write_sample(&l, &dir), *path = vg_kv_path(seg);
    uint8_t *p = slurp(path, &n);
    (void)state;
    assert_int_equal(n, VG_KV_HEADER + 3 * VG_KV_VIDEO + 16 * VG_KV_FRAME + strlen(l.videos[0].name) +
                            strlen(l.videos[1].name) + 1);
    add_video(&got, "already here", 2, 5);
    for (size_t i = 0; i < n; i++) {
        p[i] ^= 0x10;
        assert_true(vg_kv_parse(&got, p, n, "f.vpdq", &err) == VIGIL_ESTORE);
        assert_true(strncmp(err.msg, "f.vpdq: ", 8) == 0);
        assert_int_equal(got.n, 1); /* a refused file adds nothing */
        p[i] ^= 0x10;
    }
    for (size_t cut = 0; cut < n; cut += 7)
        assert_int_equal(vg_kv_parse(&got, p, cut, "f.vpdq", &err), VIGIL_ESTORE);
    assert_int_equal(vg_kv_parse(&got, p, n, "f.vpdq", &err), 0);
    assert_int_equal(got.n, 4);
    assert_string_equal(got.videos[3].name, "z");
    vigil_vpdq_list_dispose(&got);
    vigil_vpdq_list_dispose(&l);
    tu_rm_rf(dir);
    free(dir);
    free(seg);
    free(path);
    free(p);
}

/* Checksums made again after an edit, as a careless or hostile writer would. */
static void reseal(uint8_t *p, size_t n)
{
    vigil_digests d;
    assert_int_equal(vigil_digest_buffer(&d, p + VG_KV_HEADER, n - VG_KV_HEADER, NULL), 0);
    memcpy(p + 64, d.sha256, 32);
    assert_int_equal(vigil_digest_buffer(&d, p, 96, NULL), 0);
    memcpy(p + 96, d.sha256, 32);
}

static void known_videos__fields_are_checked_under_good_checksums(void **state)
{
    static const struct {
        size_t off;      /* from the start of the first frame, or of the first video when video is set */
        int video;
        uint8_t value;
        const char *why;
    } edits[] = {
        {16, 0, 101, "quality is over 100"},
        {20, 0, 1, "frame's reserved field"},
        {15, 0, 0xff, "time is out of range"},  /* the sign bit of seconds: negative */
        {12, 1, 1, "video's reserved field"},
        {16, 1, 0, "frame count is out of range"},
        {0, 1, 1, "name is out of place"},
    };
    vigil_vpdq_list l, got = {0};
    vigil_error err;
    size_t n;
    char *dir, *seg = write_sample(&l, &dir), *path = vg_kv_path(seg);
    uint8_t *p = slurp(path, &n), *q = malloc(n);
    (void)state;
    for (size_t i = 0; i < sizeof edits / sizeof edits[0]; i++) {
        size_t at = VG_KV_HEADER + (edits[i].video ? 0 : 3 * VG_KV_VIDEO) + edits[i].off;
        memcpy(q, p, n);
        q[at] = edits[i].value;
        reseal(q, n);
        assert_int_equal(vg_kv_parse(&got, q, n, "f.vpdq", &err), VIGIL_ESTORE);
        if (!strstr(err.msg, edits[i].why))
            fail_msg("edit %zu: '%s' does not say '%s'", i, err.msg, edits[i].why);
        assert_int_equal(got.n, 0);
    }
    memcpy(q, p, n);
    reseal(q, n); /* the same bytes: still good */
    assert_int_equal(vg_kv_parse(&got, q, n, "f.vpdq", &err), 0);
    vigil_vpdq_list_dispose(&got);
    vigil_vpdq_list_dispose(&l);
    tu_rm_rf(dir);
    free(dir);
    free(seg);
    free(path);
    free(p);
    free(q);
}

static void known_videos__refusals(void **state)
{
    vigil_vpdq_list l = {0}, got = {0};
    vigil_error err;
    uint64_t nv, nf;
    char *dir = tu_mkdtemp(), *seg = tu_path(dir, "y.seg");
    char big[VG_KV_NAME_MAX + 2];
    (void)state;
    assert_int_equal(vg_kv_read(&got, seg, &err), VIGIL_ENOTFOUND);
    assert_int_equal(vg_kv_count(&nv, &nf, seg, &err), VIGIL_ENOTFOUND);
    add_video(&l, "empty", 0, 1);
    assert_int_equal(vg_kv_write(seg, &l, &err), VIGIL_EINPUT);
    assert_non_null(strstr(err.msg, "'empty': no frames"));
    vigil_vpdq_list_dispose(&l);
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = 0;
    add_video(&l, big, 1, 1);
    assert_int_equal(vg_kv_write(seg, &l, &err), VIGIL_EINPUT);
    vigil_vpdq_list_dispose(&l);
    /* no file was left behind by the refusals */
    assert_int_equal(vg_kv_read(&got, seg, &err), VIGIL_ENOTFOUND);
    /* an empty list is a file of no videos */
    assert_int_equal(vg_kv_write(seg, &l, &err), 0);
    assert_int_equal(vg_kv_read(&got, seg, &err), 0);
    assert_int_equal(got.n, 0);
    tu_rm_rf(dir);
    free(dir);
    free(seg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(known_videos__round_trip),
        cmocka_unit_test(known_videos__every_byte_is_checked),
        cmocka_unit_test(known_videos__fields_are_checked_under_good_checksums),
        cmocka_unit_test(known_videos__refusals),
    };
    return tu_run_group("known_videos", tests, sizeof tests / sizeof tests[0], NULL, NULL);
}

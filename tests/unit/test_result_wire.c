/* vg_result across a worker's socket: every field comes back, by value; damaged bytes are refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "scan/result_wire.h"

static vg_result *full_item(void)
{
    static const char path[] = "dir/na\xffme.jpg"; /* not UTF-8: bytes travel as they are */
    const char *chain[] = {"/evidence/outer.zip", "inner.tar"};
    vigil_match m[2];
    vigil_dispute_applied d = {"00ff", NULL, "setA", "wrong file", "alice", "2026-01-02"};
    vg_result *r = vg_result_new(path, sizeof path - 1, chain, 2);
    assert_non_null(r);
    memset(m, 0, sizeof m);
    m[0] = (vigil_match){.by = VIGIL_BY_SHA256, .set = "setA", .category = "cat1", .series = NULL, .distance = 0,
                         .flags = VIGIL_MATCH_ALSO_BENIGN, .version = 3, .record_name = "x.jpg",
                         .record_source = "list.csv", .record_line = 42, .record_mask = VIGIL_RECORD_SHA256};
    m[0].sha256[0] = 0xab;
    m[1] = (vigil_match){.by = VIGIL_BY_PDQ, .set = "setB", .category = NULL, .series = "s9", .distance = 7,
                         .dihedral = 2, .record_mask = VIGIL_RECORD_PDQ};
    m[1].pdq[31] = 0x5a;
    assert_int_equal(vg_result_set_matches(r, m, 2, &d, 1), 0);
    r->item.match = m[0];
    r->item.type = VIGIL_ITEM_FILE;
    vg_result_set_link(r, "target");
    vg_result_error(r, "image: %s", "bad huffman table");
    strcpy(r->mime, "image/jpeg");
    r->item.mime = r->mime;
    r->item.size = 123456789;
    r->item.has_digests = 1;
    memset(&r->item.digests, 0x3c, sizeof r->item.digests);
    r->item.verdict = VIGIL_VERDICT_INTEREST;
    r->item.error_kind = VIGIL_ERROR_UNSUPPORTED;
    r->item.pdq_state = VIGIL_PDQ_OK;
    r->item.pdq_quality = 77;
    memset(r->item.pdq, 0x11, sizeof r->item.pdq);
    r->item.pdq_dihedral = 5;
    r->item.in_image = 1;
    r->item.carved = 1;
    r->item.carved_offset = 4096;
    r->item.has_inode = 1;
    r->item.inode = 99;
    r->item.times[VIGIL_TIME_MODIFIED] = (vigil_fs_time){1700000000, 5, 1, 1};
    r->thumb = malloc(3);
    memcpy(r->thumb, "\xff\xd8\x00", 3);
    r->item.thumb = r->thumb;
    r->item.thumb_len = 3;
    r->item.vpdq_state = VIGIL_VPDQ_OK;
    r->item.vpdq_frames = 600;
    r->item.vpdq_quality_median = 88;
    strcpy(r->item.vpdq_limit, "stopped at --max-frames (600)");
    r->item.video_query_percent = 92.5;
    r->item.video_known_percent = 40;
    r->item.video_frame_seconds = 3;
    assert_int_equal(vg_result_set_video(r, "known.mp4", "0.0-9.0", "2.0-11.0;20.0-21.0"), 0);
    return r;
}

static vg_result *round_trip(const vg_result *r, vg_buf *b)
{
    const char *why = NULL;
    vg_result *back;
    vg_buf_init(b, (size_t)1 << 24);
    vg_result_wire_put(b, r);
    assert_false(vg_buf_failed(b));
    back = vg_result_wire_get(b->ptr, b->len, &why);
    assert_non_null(back);
    return back;
}

static void assert_same_match(const vigil_match *a, const vigil_match *b)
{
    assert_int_equal(a->by, b->by);
    assert_int_equal(a->distance, b->distance);
    assert_int_equal(a->flags, b->flags);
    assert_int_equal(a->version, b->version);
    assert_int_equal(a->record_line, b->record_line);
    assert_int_equal(a->record_mask, b->record_mask);
    assert_int_equal(a->dihedral, b->dihedral);
    assert_memory_equal(a->sha256, b->sha256, sizeof a->sha256);
    assert_memory_equal(a->pdq, b->pdq, sizeof a->pdq);
#define SAME_STR(f)                                                                                                    \
    if (a->f) {                                                                                                        \
        assert_string_equal(a->f, b->f);                                                                               \
        assert_ptr_not_equal(a->f, b->f);                                                                              \
    } else                                                                                                             \
        assert_null(b->f)
    SAME_STR(set);
    SAME_STR(category);
    SAME_STR(series);
    SAME_STR(record_name);
    SAME_STR(record_source);
#undef SAME_STR
}

static void wire__an_item_comes_back_whole_and_by_value(void **state)
{
    vg_result *r = full_item(), *back;
    vg_buf b;
    (void)state;
    back = round_trip(r, &b);
    assert_int_equal(back->item.path_len, r->item.path_len);
    assert_memory_equal(back->item.path, r->item.path, r->item.path_len);
    assert_int_equal(back->item.ncontainers, 2);
    assert_string_equal(back->item.containers[0], "/evidence/outer.zip");
    assert_string_equal(back->item.containers[1], "inner.tar");
    assert_string_equal(back->item.link_target, "target");
    assert_string_equal(back->item.error, "image: bad huffman table");
    assert_string_equal(back->item.mime, "image/jpeg");
    assert_ptr_equal(back->item.mime, back->mime);
    assert_int_equal(back->item.size, 123456789);
    assert_int_equal(back->item.has_digests, 1);
    assert_memory_equal(&back->item.digests, &r->item.digests, sizeof r->item.digests);
    assert_int_equal(back->item.verdict, VIGIL_VERDICT_INTEREST);
    assert_int_equal(back->item.error_kind, VIGIL_ERROR_UNSUPPORTED);
    assert_int_equal(back->item.pdq_state, VIGIL_PDQ_OK);
    assert_int_equal(back->item.pdq_quality, 77);
    assert_memory_equal(back->item.pdq, r->item.pdq, sizeof r->item.pdq);
    assert_int_equal(back->item.pdq_dihedral, 5);
    assert_int_equal(back->item.in_image, 1);
    assert_int_equal(back->item.carved, 1);
    assert_int_equal(back->item.carved_offset, 4096);
    assert_int_equal(back->item.inode, 99);
    assert_memory_equal(&back->item.times, &r->item.times, sizeof r->item.times);
    assert_int_equal(back->item.thumb_len, 3);
    assert_memory_equal(back->item.thumb, "\xff\xd8\x00", 3);
    assert_ptr_not_equal(back->item.thumb, r->item.thumb);
    assert_int_equal(back->item.vpdq_state, VIGIL_VPDQ_OK);
    assert_int_equal(back->item.vpdq_frames, 600);
    assert_int_equal(back->item.vpdq_quality_median, 88);
    assert_string_equal(back->item.vpdq_limit, "stopped at --max-frames (600)");
    assert_true(back->item.video_query_percent == 92.5 && back->item.video_known_percent == 40);
    assert_true(back->item.video_frame_seconds == 3);
    assert_string_equal(back->item.video_known, "known.mp4");
    assert_ptr_not_equal(back->item.video_known, r->item.video_known);
    assert_string_equal(back->item.video_query_ranges, "0.0-9.0");
    assert_string_equal(back->item.video_known_ranges, "2.0-11.0;20.0-21.0");
    assert_same_match(&back->item.match, &r->item.match);
    assert_int_equal(back->item.nmatches, 2);
    assert_same_match(&back->item.matches[0], &r->item.matches[0]);
    assert_same_match(&back->item.matches[1], &r->item.matches[1]);
    assert_int_equal(back->item.ndisputes, 1);
    assert_string_equal(back->item.disputes[0].digest, "00ff");
    assert_null(back->item.disputes[0].set);
    assert_string_equal(back->item.disputes[0].at, "2026-01-02");
    vg_result_free(r); /* nothing of back points into r */
    assert_string_equal(back->item.matches[0].set, "setA");
    vg_result_free(back);
    vg_buf_dispose(&b);
}

static void wire__a_record_comes_back_with_its_verification(void **state)
{
    vg_result *r = vg_result_new_record(), *back;
    vg_buf b;
    (void)state;
    r->record->images = 2;
    r->record->carve_candidates = 9;
    r->record->verification = calloc(1, sizeof *r->record->verification);
    r->record->verification->image = strdup("disk.E01");
    r->record->verification->result = VIGIL_IMAGE_MISMATCH;
    r->record->verification->md5_stored[0] = 7;
    back = round_trip(r, &b);
    assert_non_null(back->record);
    assert_int_equal(back->record->images, 2);
    assert_int_equal(back->record->carve_candidates, 9);
    assert_non_null(back->record->verification);
    assert_string_equal(back->record->verification->image, "disk.E01");
    assert_null(back->record->verification->error);
    assert_int_equal(back->record->verification->result, VIGIL_IMAGE_MISMATCH);
    assert_int_equal(back->record->verification->md5_stored[0], 7);
    vg_result_free(r);
    vg_result_free(back);
    vg_buf_dispose(&b);
}

static void wire__bytes_cut_short_or_added_are_refused(void **state)
{
    vg_result *r = full_item(), *back;
    vg_buf b;
    const char *why;
    (void)state;
    vg_buf_init(&b, (size_t)1 << 24);
    vg_result_wire_put(&b, r);
    for (size_t n = 0; n < b.len; n++) {
        why = NULL;
        back = vg_result_wire_get(b.ptr, n, &why);
        assert_null(back);
        assert_non_null(why);
    }
    vg_buf_addc(&b, 0);
    why = NULL;
    assert_null(vg_result_wire_get(b.ptr, b.len, &why));
    assert_string_equal(why, "result longer than its fields");
    b.ptr[0] = 9;
    assert_null(vg_result_wire_get(b.ptr, b.len - 1, &why));
    assert_string_equal(why, "unknown result kind");
    vg_result_free(r);
    vg_buf_dispose(&b);
}

static void wire__a_limit_text_without_its_end_is_ended(void **state)
{
    vg_result *r = full_item(), *back;
    vg_buf b;
    (void)state;
    memset(r->item.vpdq_limit, 'x', sizeof r->item.vpdq_limit); /* a worker's struct with no NUL in it */
    back = round_trip(r, &b);
    assert_int_equal(strlen(back->item.vpdq_limit), sizeof back->item.vpdq_limit - 1);
    vg_result_free(r);
    vg_result_free(back);
    vg_buf_dispose(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(wire__an_item_comes_back_whole_and_by_value),
        cmocka_unit_test(wire__a_record_comes_back_with_its_verification),
        cmocka_unit_test(wire__bytes_cut_short_or_added_are_refused),
        cmocka_unit_test(wire__a_limit_text_without_its_end_is_ended),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * The scan's vPDQ of one video file (reader_video.h). The container is
 * recognised by vigil's own signature table, so other files never reach
 * FFmpeg's probe; the decode reads the descriptor the scan opened with pread.
 * A GIF or WebP is a video when its blocks hold more than one frame; it keeps
 * the picture's PDQ of its first frame beside its vPDQ. The bytes of an archive
 * member or of a file inside a disk image come spooled, in memory or in a
 * temporary file (reader.c), and are decoded the same way.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "media/anim_frames.h"
#include "media/sniff_formats.h"
#include "scan/reader_video.h"
#include "scan/worker_page.h"

/* vigil's names (sniff_formats.c) of the containers video_decode.c accepts. */
static const char *const video_formats[] = {
    "mp4", "mov", "3gp", "3g2", "m4v", "matroska", "webm", "avi", "flv", "asf", "mpeg-ps", "mpeg-ts", NULL,
};

int vg_video_head(const uint8_t *head, size_t n)
{
    const vg_format *f = vg_sniff_format(head, n);
    for (size_t i = 0; f && video_formats[i]; i++)
        if (strcmp(f->name, video_formats[i]) == 0)
            return 1;
    return 0;
}

int vg_video_or_anim_head(const uint8_t *head, size_t n)
{
    return vg_video_head(head, n) || vg_anim_head(head, n);
}

/* A video container, or a GIF or WebP of more than one frame (a one-frame one stays a picture);
 * a GIF cut inside its second frame is an animation too, so that its cut is said. The bytes are
 * data (size of them) or, when data is NULL, the file fd. */
static int is_video(const uint8_t *data, int fd, uint64_t size, const uint8_t *head, size_t n)
{
    vg_gif_end end;
    if (vg_video_head(head, n))
        return 1;
    if (!vg_anim_head(head, n))
        return 0;
    if ((data ? vg_anim_frames_mem(data, (size_t)size, 2) : vg_anim_frames_fd(fd, size, 2)) >= 2)
        return 1;
    return (data ? vg_anim_gif_end_mem(&end, data, (size_t)size) : vg_anim_gif_end_fd(&end, fd, size)) &&
           end.started >= 2;
}

/* Malformed data (a damaged container, a cut or corrupt stream) is a corrupt error, as for pictures. */
static int is_corrupt(const char *why)
{
    static const char *const says[] = {"truncated", "corrupt", "damaged", NULL};
    for (int i = 0; says[i]; i++)
        if (strstr(why, says[i]))
            return 1;
    return 0;
}

static double best_share(const vigil_vpdq_match *m)
{
    return m->query_percent > m->target_percent ? m->query_percent : m->target_percent;
}

/* The known video this one is nearest (by the larger of the two shares), when it is near any. */
static void match_known_videos(const vigil_scan_opts *o, vg_result *res, const vigil_vpdq *v)
{
    const vigil_vpdq_list *known = o->known_videos;
    vigil_vpdq_match best = {0}, m;
    vigil_error err;
    size_t at = 0;
    int have = 0;
    char qr[512], kr[512];
    for (size_t k = 0; known && k < known->n; k++) {
        const vigil_vpdq_video *kv = &known->videos[k];
        if (vigil_vpdq_compare(&m, v->frames, v->n, kv->frames, kv->n, &o->video_match, &err) < 0) {
            vg_worker_note_oom();
            vg_result_error(res, "video: %s", err.msg);
            break;
        }
        vg_worker_progress();
        if (m.near && (!have || best_share(&m) > best_share(&best))) {
            if (have)
                vigil_vpdq_match_dispose(&best);
            best = m;
            at = k;
            have = 1;
        } else {
            vigil_vpdq_match_dispose(&m);
        }
    }
    if (!have)
        return;
    vigil_vpdq_ranges_text(qr, sizeof qr, best.query_ranges, best.n_query_ranges);
    vigil_vpdq_ranges_text(kr, sizeof kr, best.target_ranges, best.n_target_ranges);
    res->item.video_query_percent = best.query_percent;
    res->item.video_known_percent = best.target_percent;
    if (vg_result_set_video(res, known->videos[at].name, qr, kr) < 0)
        vg_result_error(res, "video: out of memory naming the known video");
    if (known->videos[at].set) { /* a known video of a hash set: the match names the set, as others do */
        vigil_match *mt = &res->item.match;
        const vigil_vpdq_video *kv = &known->videos[at];
        memset(mt, 0, sizeof *mt);
        mt->by = VIGIL_BY_VPDQ;
        mt->kind = (vigil_hashset_kind)kv->kind;
        mt->set = kv->set; /* lent from the scan's list; the result wire copies them */
        mt->category = kv->category;
        mt->version = kv->version;
        mt->record_name = res->item.video_known;
    }
    vigil_vpdq_match_dispose(&best);
}

/* 1 when hash is near a PDQ entry of the scan's sets; its distance in *d. */
static int near_picture(const vigil_scan_opts *o, const vigil_pdq_hash *hash, int *d)
{
    vigil_pdq_hash q[VIGIL_PDQ__DIHEDRAL];
    vigil_pdq_hit hit;
    for (int i = 0; i < VIGIL_PDQ__DIHEDRAL; i++) /* a frame is matched as it stands, not turned */
        q[i] = *hash;
    if (!vigil_pdq_matcher_search(o->pdq_matcher, q, o->pdq_max_distance, &hit))
        return 0;
    *d = hit.match.distance;
    return 1;
}

/*
 * The frame nearest a known picture (a still taken from a known video, or a known picture shown in
 * this one): its time, and its hash for the verdict to search again.
 */
static void match_known_pictures(const vigil_scan_opts *o, vg_result *res, const vigil_vpdq *v)
{
    int best = INT_MAX, d;
    for (size_t i = 0; o->pdq_matcher && i < v->n; i++) {
        const vigil_vpdq_frame *fr = &v->frames[i];
        const vigil_pdq_hash *h = NULL;
        if (fr->quality < o->video_match.min_quality)
            continue;
        if (near_picture(o, &fr->hash, &d) && d < best)
            h = &fr->hash, best = d;
        if (fr->has_alt && near_picture(o, &fr->alt, &d) && d < best) /* the picture between its bars */
            h = &fr->alt, best = d;
        if (!h)
            continue;
        res->item.video_frame_seconds = fr->seconds;
        res->item.video_frame_pdq = *h;
    }
}

void vg_reader_video_src(const vigil_scan_opts *o, vg_result *res, const uint8_t *data, int fd, uint64_t size,
                         const uint8_t *head, size_t n)
{
    vigil_item *it = &res->item;
    vigil_vpdq v;
    vigil_error err;
    const char *layer;
    int rc;
    if (!o->compute_vpdq || (!data && fd < 0) || !is_video(data, fd, size, head, n))
        return;
    layer = vg_worker_layer("video decoder");
    vg_fault("video");
    rc = data ? vigil_vpdq_mem(&v, data, (size_t)size, &o->vpdq, &err) : vigil_vpdq_fd(&v, fd, size, &o->vpdq, &err);
    vg_worker_layer(layer);
    if (rc < 0) {
        /* audio alone in a video container is not a video: no vPDQ, no error */
        if (err.code == VIGIL_EINPUT && strcmp(err.msg, "no video stream") == 0)
            return;
        if (err.code == VIGIL_ENOMEM)
            vg_worker_note_oom();
        it->vpdq_state = VIGIL_VPDQ_FAILED;
        if (strstr(err.msg, "encrypted"))
            it->error_kind = VIGIL_ERROR_ENCRYPTED;
        else if (err.code == VIGIL_EINPUT && is_corrupt(err.msg))
            it->error_kind = VIGIL_ERROR_CORRUPT;
        vg_result_error(res, "video: %s", err.msg);
        return;
    }
    it->vpdq_state = VIGIL_VPDQ_OK;
    it->vpdq_frames = v.n;
    it->vpdq_quality_median = vigil_vpdq_quality_median(&v);
    snprintf(it->vpdq_limit, sizeof it->vpdq_limit, "%s", v.limit);
    match_known_videos(o, res, &v);
    match_known_pictures(o, res, &v);
    vigil_vpdq_dispose(&v);
}

void vg_reader_video(const vigil_scan_opts *o, vg_result *res, int fd, uint64_t size, const uint8_t *head,
                     size_t n)
{
    vg_reader_video_src(o, res, NULL, fd, size, head, n);
}

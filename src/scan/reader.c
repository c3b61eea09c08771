/*
 * Reading one file: open read-only without touching its access time, read it
 * once in large blocks, feed every block to the three digests, keep the first
 * bytes for type sniffing, then match. Archives are reopened through our own
 * descriptor and their members read the same way, depth first, under the
 * limits that stop archive bombs.
 */
#include <archive.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "media/decode_weight.h"
#include "media/sniff.h"
#include "media/thumb.h"
#include "vigil/image.h"
#include "vigil/pdq.h"
#include "scan/decode_budget.h"
#include "scan/parse_need.h"
#include "scan/reader.h"
#include "scan/reader_video.h"
#include "scan/testing.h"
#include "scan/worker_page.h"
#include "source/archive.h"
#include "source/image.h"
#include "source/longpath.h"
#include "scan/image_job.h"

#define BLOCK (1024 * 1024)
#define MAX_DEPTH_CHAIN 64

struct vg_reader {
    const vigil_scan_opts *o;
    vigil_digester *dg;
    vg_sniffer *sn;
    uint8_t *buf;
    uint8_t *head;
    size_t head_len;      /* bytes in head of the file read last */
    vg_buf img;           /* the bytes of the current file while it may be an image */
    int img_state;        /* IMG_* */
    int img_fd;           /* the file on disk being read, for IMG_FROM_FILE (-1: none) */
    uint64_t img_size;    /* ... and its size */
    vigil_image pic;      /* the decoded picture, kept until the verdict says whether it gets a thumbnail;
                             its pixel buffer is reused by the next picture */
    int pic_ready;        /* pic holds the current file's picture */
    vigil_pdq_work pdq;   /* this thread's PDQ float buffers, reused likewise */
    vg_image_cache *images; /* this thread's handles on disk images (reader_image.c) */
    int no_open;          /* a sandboxed worker's: opening by name would kill it */
    int own_only;         /* vg_reader_file_own: no third-party parser may run (the scanning process) */
};

/* What the reader does with the current file's bytes for PDQ. */
enum { IMG_OFF = 0, IMG_COLLECT, IMG_NOT_IMAGE, IMG_TOO_BIG, IMG_FROM_FILE };
/* Enough bytes to tell every image format vigil decodes by its magic (BMP needs 18). */
#define IMG_SNIFF 32
/* A reader keeps at most this much image buffer between files: enough for icons and
   photos to reuse it, while a wallpaper's bytes are let go as soon as it is hashed. */
#define IMG_KEEP ((size_t)1 << 20)
#define PIC_KEEP ((size_t)4 << 20) /* decoded pixels or PDQ floats kept between pictures */
/* A JPEG file on disk this large is decoded from the file (read again, from the page cache) rather than
   from its bytes collected in memory: a progressive wallpaper's 72 MB of coefficients then do not have
   its 16 MB of bytes beside them. */
#define IMG_FROM_FILE_MIN ((uint64_t)4 << 20)

/* Limits shared by every level of one top-level archive. */
typedef struct budget {
    uint64_t in;          /* bytes read from the file on disk */
    uint64_t out;         /* bytes expanded at any depth */
    int tripped;
} budget;

/* What one level of archive reading needs to emit its members. */
typedef struct level {
    vg_reader *r;
    budget *b;
    const char **chain;   /* containers, outermost first */
    size_t depth;
    vg_emit_fn emit;
    void *ud;
} level;

int vg_reader_new(vg_reader **out, const vigil_scan_opts *o, vigil_error *err)
{
    vg_reader *r = calloc(1, sizeof *r);
    int rc;
    *out = NULL;
    if (!r || !(r->buf = malloc(BLOCK)) || !(r->head = malloc(VG_SNIFF_BYTES))) {
        vg_reader_free(r);
        return vigil_error_set(err, VIGIL_ENOMEM, "reader: out of memory");
    }
    r->o = o;
    r->img_fd = -1;
    vg_buf_init(&r->img, (size_t)(o->max_image_bytes ? o->max_image_bytes : (uint64_t)256 << 20));
    if ((rc = vigil_digester_new(&r->dg, err)) < 0 || (o->sniff_mime && (rc = vg_sniffer_new(&r->sn, err)) < 0)) {
        vg_reader_free(r);
        return rc;
    }
    *out = r;
    return 0;
}

void vg_reader_free(vg_reader *r)
{
    if (!r)
        return;
    vigil_digester_free(r->dg);
    vg_sniffer_free(r->sn);
    free(r->buf);
    free(r->head);
    vg_buf_dispose(&r->img);
    vigil_image_dispose(&r->pic);
    vigil_pdq_work_dispose(&r->pdq);
    vg_image_cache_free(r->images);
    free(r);
}

vg_image_cache **vg_reader_images(vg_reader *r)
{
    return &r->images;
}

void vg_reader_forbid_open(vg_reader *r)
{
    r->no_open = 1;
}

int vg_reader_no_open(const vg_reader *r)
{
    return r->no_open;
}

const vigil_scan_opts *vg_reader_opts(const vg_reader *r)
{
    return r->o;
}

/* The type of the current item: vigil's own sniffers, then libmagic for what they leave (a parser:
 * the worker says so while it runs). A reader reading its own file only never gets that far: the
 * file would have gone to a worker (parse_need.c decides on these same bytes). */
static void sniff_mime(const vg_reader *r, const uint8_t *head, size_t len, char *out, size_t cap)
{
    vg_sniff_by by;
    const char *layer;
    if (vg_sniff_mime_own(head, len, out, cap, &by))
        return;
    if (r->own_only) {
        snprintf(out, cap, "application/octet-stream");
        return;
    }
    layer = vg_worker_layer("libmagic");
    vg_fault("libmagic");
    vg_sniff_mime_magic(r->sn, head, len, out, cap);
    vg_worker_layer(layer);
}

/* ---- pictures: collect the bytes of files that start like an image, then decode once ---- */

/* Empty the image buffer, and free it when it grew past IMG_KEEP. */
static void image_release(vg_reader *r)
{
    if (r->img.cap > IMG_KEEP) {
        size_t max = r->img.max;
        vg_buf_dispose(&r->img);
        vg_buf_init(&r->img, max);
    }
    vg_buf_reset(&r->img);
}

/* Free the decoded picture and PDQ buffers when a large picture grew them past PIC_KEEP:
   small pictures reuse them without fresh pages, a wallpaper does not hold them for the rest of the scan. */
static void image_trim(vg_reader *r)
{
    if (r->pic.pixels_cap > PIC_KEEP)
        vigil_image_dispose(&r->pic);
    if (r->pdq.cap * sizeof(float) > PIC_KEEP)
        vigil_pdq_work_dispose(&r->pdq);
}

static void image_start(vg_reader *r)
{
    image_release(r);
    r->pic_ready = 0;
    /* a file read without a worker is no picture (parse_need.c): no decoder may run on it here */
    r->img_state = r->o->compute_pdq && !r->own_only ? IMG_COLLECT : IMG_OFF;
}

static void image_feed(vg_reader *r, const uint8_t *p, size_t n)
{
    size_t before;
    if (r->img_state != IMG_COLLECT)
        return;
    before = r->img.len;
    vg_buf_add(&r->img, p, n);
    if (vg_buf_failed(&r->img)) {
        /* Still tell an oversized image from any other large file, by its first bytes. */
        uint8_t first[IMG_SNIFF];
        size_t have = before < IMG_SNIFF ? before : IMG_SNIFF, more = IMG_SNIFF - have < n ? IMG_SNIFF - have : n;
        if (have)
            memcpy(first, r->img.ptr, have);
        memcpy(first + have, p, more);
        r->img_state = vigil_image_sniff(first, have + more) == VIGIL_IMAGE_NONE ? IMG_NOT_IMAGE : IMG_TOO_BIG;
        vg_buf_reset(&r->img);
        return;
    }
    if (before < IMG_SNIFF && r->img.len >= IMG_SNIFF) {
        vigil_image_format f = vigil_image_sniff(r->img.ptr, r->img.len);
        if (f == VIGIL_IMAGE_NONE ||
            (f == VIGIL_IMAGE_JPEG && r->img_fd >= 0 && r->img_size >= IMG_FROM_FILE_MIN && r->img_size <= r->img.max)) {
            r->img_state = f == VIGIL_IMAGE_NONE ? IMG_NOT_IMAGE : IMG_FROM_FILE;
            vg_buf_reset(&r->img);
        }
    }
}

/*
 * A picture that did not decode: the layer, what happened and where the decoder says
 * ("picture decoder: truncated at offset 5120: png: truncated file"), and its error kind for
 * when no digest decides its verdict (set_verdict).
 */
static void picture_failed(vg_result *res, const vigil_image *pic, const char *msg)
{
    const char *what = vigil_image_failure_name(pic->failure);
    res->item.pdq_state = VIGIL_PDQ_FAILED;
    if (res->error)
        return; /* an earlier error stays the item's, with its kind */
    res->item.error_kind = pic->failure == VIGIL_IMAGE_FAIL_UNSUPPORTED ? VIGIL_ERROR_UNSUPPORTED
                         : what ? VIGIL_ERROR_CORRUPT : VIGIL_ERROR_OTHER;
    if (what && pic->failure_offset >= 0 && pic->failure != VIGIL_IMAGE_FAIL_UNSUPPORTED)
        vg_result_error(res, "picture decoder: %s at offset %lld: %s", what, (long long)pic->failure_offset, msg);
    else if (what)
        vg_result_error(res, "picture decoder: %s: %s", what, msg);
    else
        vg_result_error(res, "picture decoder: %s", msg);
}

/* Decode and hash the collected picture into res (nothing when it is not an image). */
static void image_finish(vg_reader *r, vg_result *res)
{
    vigil_item *it = &res->item;
    vigil_pdq_result pr;
    vigil_error err;
    size_t weight;
    int failed, from_file;
    const char *layer;
    if (r->img_state == IMG_TOO_BIG) {
        it->pdq_state = VIGIL_PDQ_FAILED;
        vg_result_error(res, "picture decoder: file over %zu bytes, not decoded", r->img.max);
        return;
    }
    from_file = r->img_state == IMG_FROM_FILE;
    if (!from_file && (r->img_state != IMG_COLLECT || vigil_image_sniff(r->img.ptr, r->img.len) == VIGIL_IMAGE_NONE))
        return;
    /* from the file: its header is the head kept for sniffing (the file is over 4 MB, the head full) */
    weight = from_file ? vg_image_decode_weight(r->head, VG_SNIFF_BYTES) : vg_image_decode_weight(r->img.ptr, r->img.len);
    vg_decode_budget_take(vg_decode_budget_shared(), weight);
    layer = vg_worker_layer("picture decoder");
    vg_fault("picture");
    failed = (from_file ? vigil_image_decode_jpeg_fd_reuse(&r->pic, r->img_fd, &r->o->decode, &err)
                        : vigil_image_decode_reuse(&r->pic, r->img.ptr, r->img.len, &r->o->decode, &err)) < 0 ||
             vigil_pdq_image_work(&pr, &r->pic, &r->pdq, &err) < 0;
    vg_worker_layer(layer);
    image_release(r);
    if (failed || !r->o->thumbnails)
        image_trim(r); /* the picture is hashed: a large one's memory goes before others start */
    vg_decode_budget_give(vg_decode_budget_shared(), weight);
    if (failed) {
        picture_failed(res, &r->pic, err.msg);
        return;
    }
    r->pic_ready = 1; /* the thumbnail, if the verdict wants one, is made from this same decode */
    if (!pr.has_hash) {
        it->pdq_state = VIGIL_PDQ_TOO_SMALL;
        return;
    }
    it->pdq_state = VIGIL_PDQ_OK;
    it->pdq_quality = pr.quality;
    memcpy(it->pdq, pr.hash, sizeof it->pdq);
}

/* Whether an item of this verdict gets a thumbnail: known-illegal pictures only when asked for all. */
static int wants_thumbnail(int thumbnails, vigil_verdict v)
{
    return thumbnails >= 2 || (thumbnails == 1 && (v == VIGIL_VERDICT_UNKNOWN || v == VIGIL_VERDICT_NEAR));
}

/* After the verdict: encode the kept picture for items that get a thumbnail; the reader holds one
   picture (at most 512 x 512) and each item in flight at most one small JPEG. */
static void image_thumbnail(vg_reader *r, vg_result *res)
{
    vigil_error err;
    size_t len;
    if (r->pic_ready && wants_thumbnail(r->o->thumbnails, res->item.verdict) &&
        vg_thumb_jpeg(&res->thumb, &len, &r->pic, &err) == 0) {
        res->item.thumb = res->thumb;
        res->item.thumb_len = len;
    }
    if (r->pic_ready)
        image_trim(r);
    r->pic_ready = 0;
}

static vigil_item_type type_of_mode(mode_t m)
{
    return S_ISREG(m) ? VIGIL_ITEM_FILE : S_ISLNK(m) ? VIGIL_ITEM_SYMLINK : S_ISFIFO(m) ? VIGIL_ITEM_FIFO
         : S_ISSOCK(m) ? VIGIL_ITEM_SOCKET : S_ISCHR(m) ? VIGIL_ITEM_CHARDEV : S_ISBLK(m) ? VIGIL_ITEM_BLOCKDEV
         : S_ISDIR(m) ? VIGIL_ITEM_DIR : VIGIL_ITEM_OTHER;
}

static const char *walk_error(int err, int is_dir)
{
    static __thread char msg[160];
    if (is_dir && err == ELOOP)
        return "directory loop: this directory is one of its own ancestors (not entered)";
    snprintf(msg, sizeof msg, "%s: %s", is_dir ? "cannot read directory" : "cannot stat", strerror(err));
    return msg;
}

vg_result *vg_reader_special(const vg_entry *e, int read_link_targets)
{
    vg_result *res;
    if (e->st && !e->is_dir && !e->err && S_ISREG(e->st->st_mode))
        return NULL;
    res = vg_result_new(e->path, e->path_len, NULL, 0);
    if (!res)
        return NULL;
    res->item.type = e->st ? type_of_mode(e->st->st_mode) : VIGIL_ITEM_OTHER;
    if (e->err || e->is_dir || !e->st) {
        res->item.verdict = VIGIL_VERDICT_ERROR;
        vg_result_error(res, "%s", walk_error(e->err, e->is_dir));
        if (e->is_dir)
            res->item.type = VIGIL_ITEM_DIR;
        return res;
    }
    /* Recorded, never opened: a FIFO would block, a device would read forever. A link's target
       is read only on request, because readlink() updates the link's access time. */
    if (S_ISLNK(e->st->st_mode) && read_link_targets) {
        char target[4096];
        ssize_t n = vg_readlink_long(e->path, target, sizeof target - 1);
        if (n >= 0) {
            target[n] = '\0';
            vg_result_set_link(res, target);
        }
    }
    return res;
}

/*
 * Every match and the disputes that applied, for an item that matched or
 * that a dispute kept from matching; nothing for the common unlisted file
 * but one check that the index has disputes at all.
 */
/* A video frame's hash as the matcher takes a picture's: the same hash in every orientation (not turned). */
static void frame_as_picture(vigil_pdq_hash q[VIGIL_PDQ__DIHEDRAL], const vigil_item *it)
{
    for (int i = 0; i < VIGIL_PDQ__DIHEDRAL; i++)
        q[i] = it->video_frame_pdq;
}

static void collect_matches(vg_reader *r, vg_result *res, int pdq_checked)
{
    vigil_item *it = &res->item;
    vigil_match all[VIGIL_MATCHES_MAX];
    vigil_dispute_applied applied[VIGIL_MATCHES_MAX];
    vigil_pdq_hash frame[VIGIL_PDQ__DIHEDRAL];
    size_t n = 0, nd = 0;
    if (it->verdict == VIGIL_VERDICT_NEAR && it->match.by == VIGIL_BY_PDQ) {
        frame_as_picture(frame, it);
        n = vigil_pdq_matcher_search_all(r->o->pdq_matcher, it->video_frame_seconds >= 0 ? frame : it->pdq,
                                         r->o->pdq_max_distance, all, VIGIL_MATCHES_MAX);
    } else if (it->match.by == VIGIL_BY_VPDQ)
        all[n++] = it->match; /* the nearest known video: the one match */
    else if (it->match.by != VIGIL_BY_NONE)
        n = vigil_index_match_all(all, VIGIL_MATCHES_MAX, r->o->index, &it->digests);
    if (n)
        it->match = all[0]; /* the same winner, with the flag for sets that disagree */
    if (r->o->index)
        nd = vigil_index_disputes_applied(applied, VIGIL_MATCHES_MAX, r->o->index, &it->digests,
                                          pdq_checked ? it->pdq : NULL, r->o->pdq_max_distance);
    if ((n || nd) && vg_result_set_matches(res, all, n, applied, nd) < 0)
        vg_result_error(res, "out of memory listing the matches");
}

static void set_verdict(vg_reader *r, vg_result *res)
{
    vigil_item *it = &res->item;
    vigil_match video = it->match; /* a known video of a set (reader_video.c), kept for its branch */
    vigil_pdq_hit hit;
    vigil_pdq_hash frame[VIGIL_PDQ__DIHEDRAL];
    int pdq_checked = r->o->pdq_matcher && it->pdq_state == VIGIL_PDQ_OK && it->pdq_quality >= VIGIL_PDQ_MIN_QUALITY;
    frame_as_picture(frame, it);
    if (!it->has_digests) {
        it->verdict = VIGIL_VERDICT_ERROR;
        return;
    }
    if (video.by == VIGIL_BY_VPDQ)
        memset(&it->match, 0, sizeof it->match); /* digests and pictures decide first */
    else
        memset(&video, 0, sizeof video);
    if (r->o->index && vigil_index_match(&it->match, r->o->index, &it->digests)) {
        /* a flagged illegal match (list hygiene) never decides alone: a person reviews it */
        unsigned review = it->match.flags & ~VIGIL_MATCH_SETS_DISAGREE;
        it->verdict = it->match.kind == VIGIL_KIND_ILLEGAL && !review ? VIGIL_VERDICT_ILLEGAL
                    : it->match.kind == VIGIL_KIND_ILLEGAL ? VIGIL_VERDICT_INTEREST
                    : it->match.kind == VIGIL_KIND_INTEREST ? VIGIL_VERDICT_INTEREST : VIGIL_VERDICT_BENIGN;
    } else if (pdq_checked && vigil_pdq_matcher_search(r->o->pdq_matcher, it->pdq, r->o->pdq_max_distance, &hit)) {
        /* A perceptual match is a lead, never proof of identity: always "near", even at distance 0. */
        it->match = hit.match;
        it->pdq_dihedral = hit.dihedral;
        it->pdq_entry = hit.entry;
        it->verdict = VIGIL_VERDICT_NEAR;
        it->video_frame_seconds = -1; /* an animated picture matched by its first frame's PDQ, as a still */
    } else if (it->vpdq_state == VIGIL_VPDQ_OK && it->video_frame_seconds >= 0 && r->o->pdq_matcher &&
               vigil_pdq_matcher_search(r->o->pdq_matcher, frame, r->o->pdq_max_distance, &hit)) {
        /* a frame near a known picture: near, as a picture would be */
        it->match = hit.match;
        it->pdq_dihedral = VIGIL_PDQ_ORIG;
        it->pdq_entry = hit.entry;
        it->verdict = VIGIL_VERDICT_NEAR;
    } else if (it->vpdq_state == VIGIL_VPDQ_OK && it->video_known) {
        it->verdict = VIGIL_VERDICT_NEAR; /* near a known video: video_known says which */
        it->match = video;                /* and the set it is listed in, when it came from one */
    } else {
        /* a picture or video that does not decode is an error, unless its digests decide (it keeps its error);
           an animation hashed as a video was checked, whatever the still-picture decoder said */
        int unchecked = it->vpdq_state == VIGIL_VPDQ_FAILED ||
                        (it->pdq_state == VIGIL_PDQ_FAILED && it->vpdq_state != VIGIL_VPDQ_OK);
        it->verdict = unchecked ? VIGIL_VERDICT_ERROR : VIGIL_VERDICT_UNKNOWN;
    }
    collect_matches(r, res, pdq_checked);
}

static int stopped(const vg_reader *r)
{
    return r->o->stop && __atomic_load_n(r->o->stop, __ATOMIC_RELAXED);
}

/* ---- archive members ---- */

static void scan_archive(level *lv, vg_archive_src *src, const char *self);

/* Spool for a nested archive or a video: memory up to the limit, then a temporary file. */
typedef struct spool {
    vg_buf mem;
    FILE *tmp;
    int failed;
} spool;

static void spool_add(spool *sp, const void *p, size_t n, uint64_t mem_max)
{
    if (sp->failed)
        return;
    if (!sp->tmp && sp->mem.len + n > mem_max) {
        sp->tmp = vg_spool_tmpfile(); /* in $TMPDIR, never inside the evidence */
        if (!sp->tmp || (sp->mem.len && fwrite(sp->mem.ptr, 1, sp->mem.len, sp->tmp) != sp->mem.len)) {
            sp->failed = 1;
            return;
        }
        vg_buf_dispose(&sp->mem);
    }
    if (sp->tmp) {
        if (fwrite(p, 1, n, sp->tmp) != n)
            sp->failed = 1;
    } else {
        vg_buf_add(&sp->mem, p, n);
        sp->failed = vg_buf_failed(&sp->mem);
    }
}

static int over_budget(const level *lv, char *why, size_t cap)
{
    const vigil_scan_limits *l = &lv->r->o->limits;
    const budget *b = lv->b;
    if (b->out > l->max_archive_bytes) {
        snprintf(why, cap, "archive bomb: expanded more than %llu bytes (limit); rest of the archive not read",
                 (unsigned long long)l->max_archive_bytes);
        return 1;
    }
    if (b->out > l->ratio_floor && b->out / (b->in ? b->in : 1) > l->max_ratio) {
        snprintf(why, cap, "archive bomb: expansion ratio over %llu:1 (%llu bytes from %llu); rest of the "
                 "archive not read", (unsigned long long)l->max_ratio, (unsigned long long)b->out,
                 (unsigned long long)b->in);
        return 1;
    }
    return 0;
}

static vg_result *member_result(level *lv, const vg_archive_member *m)
{
    return vg_result_new(m->path, strlen(m->path), lv->chain, lv->depth);
}

/* An archive to open: xar only in a parser worker, whose item timeout ends libarchive's looping
 * xar reader (without isolation the scan would never end). */
static int opens_as_container(const vg_reader *r, const uint8_t *head, size_t n)
{
    return vg_sniff_is_container(head, n) && (r->o->isolate || !vg_sniff_is_xar(head, n));
}

/* What a member's (or pulled file's) spool is for: undecided until its head is full, then
 * nothing, a nested archive to open, or a video or animated picture for the video decoder,
 * which needs all of its bytes to seek in. */
enum { SPOOL_UNDECIDED = -1, SPOOL_NONE = 0, SPOOL_ARCHIVE = 1, SPOOL_VIDEO = 2 };

static int spool_what(const vg_reader *r, const uint8_t *head, size_t n, int expand)
{
    if (expand && opens_as_container(r, head, n))
        return SPOOL_ARCHIVE;
    if (r->o->compute_vpdq && !r->own_only && vg_video_or_anim_head(head, n))
        return SPOOL_VIDEO;
    return SPOOL_NONE;
}

/*
 * One block of a member or pulled file in buf: keep the head for sniffing,
 * decide once the head is full whether it is a container to expand or a
 * video to hash (and then spool it), feed the picture decoder and the digests.
 */
static void take_chunk(vg_reader *r, spool *sp, size_t *head_len, int *nested, int expand, size_t n)
{
    size_t take = 0;
    if (*head_len < VG_SNIFF_BYTES) {
        take = VG_SNIFF_BYTES - *head_len < n ? VG_SNIFF_BYTES - *head_len : n;
        memcpy(r->head + *head_len, r->buf, take);
        *head_len += take;
    }
    if (*nested == SPOOL_UNDECIDED && *head_len == VG_SNIFF_BYTES) {
        *nested = spool_what(r, r->head, *head_len, expand);
        if (*nested != SPOOL_NONE)
            spool_add(sp, r->head, *head_len - take, r->o->limits.spool_mem);
    }
    if (*nested > SPOOL_NONE)
        spool_add(sp, r->buf, n, r->o->limits.spool_mem);
    image_feed(r, r->buf, n);
    vigil_digester_update(r->dg, r->buf, n);
}

/* At the end of the bytes: a head shorter than the sniff window decides now. */
static void take_end(vg_reader *r, spool *sp, size_t head_len, int *nested, int expand)
{
    if (*nested == SPOOL_UNDECIDED) {
        *nested = spool_what(r, r->head, head_len, expand);
        if (*nested != SPOOL_NONE)
            spool_add(sp, r->head, head_len, r->o->limits.spool_mem);
    }
}

/* vPDQ of a spooled member or file inside a disk image, as a file on disk gets it. */
static void spool_video(vg_reader *r, vg_result *res, spool *sp, size_t head_len)
{
    if (sp->failed || (sp->tmp && fflush(sp->tmp) != 0)) {
        res->item.vpdq_state = VIGIL_VPDQ_FAILED;
        vg_result_error(res, "video: not hashed: cannot spool it (out of memory or temporary space)");
        return;
    }
    if (sp->tmp)
        vg_reader_video_src(r->o, res, NULL, fileno(sp->tmp), res->item.size, r->head, head_len);
    else
        vg_reader_video_src(r->o, res, (const uint8_t *)sp->mem.ptr, -1, sp->mem.len, r->head, head_len);
}

/* Read one member's data: digests, head for sniffing, spool if it is a nested archive or a video. */
static int read_member(level *lv, struct archive *a, vg_result *res, spool *sp, size_t *head_len,
                       int *nested)
{
    vg_reader *r = lv->r;
    uint64_t total = 0;
    char why[256];
    la_ssize_t n;
    *head_len = 0;
    *nested = SPOOL_UNDECIDED; /* until the head is full or the member ends */
    image_start(r);
    while ((n = archive_read_data(a, r->buf, BLOCK)) > 0) {
        take_chunk(r, sp, head_len, nested, 1, (size_t)n);
        vg_worker_progress();
        total += (uint64_t)n;
        lv->b->out += (uint64_t)n;
        if (over_budget(lv, why, sizeof why)) {
            lv->b->tripped = 1;
            vg_result_error(res, "%s", why);
            return -1;
        }
        if (stopped(r))
            return -2;
    }
    if (n < 0) {
        const char *msg = archive_error_string(a);
        res->item.error_kind = vg_archive_error_kind(archive_errno(a), msg);
        if (res->item.error_kind == VIGIL_ERROR_CORRUPT) /* where: the bytes handed back before the failure */
            vg_result_error(res, "corrupt at offset %llu: %s", (unsigned long long)total, msg ? msg : "unknown error");
        else
            vg_result_error(res, "cannot read member after %llu bytes: %s", (unsigned long long)total,
                            msg ? msg : "unknown error");
        return -1;
    }
    take_end(r, sp, *head_len, nested, 1);
    res->item.size = total;
    return 0;
}

static int on_member(void *ud, struct archive *a, const vg_archive_member *m)
{
    level *lv = ud;
    vg_reader *r = lv->r;
    vg_result *res = member_result(lv, m);
    spool sp = {0};
    size_t head_len;
    int nested, rc;
    static const vigil_item_type types[] = {
        VIGIL_ITEM_FILE, VIGIL_ITEM_SYMLINK, VIGIL_ITEM_HARDLINK, VIGIL_ITEM_FIFO,
        VIGIL_ITEM_CHARDEV, VIGIL_ITEM_BLOCKDEV, VIGIL_ITEM_SOCKET, VIGIL_ITEM_OTHER};
    vg_worker_note(lv->chain, lv->depth, m->path, 0);
    if (!res) { /* said in its place; the other members are still read */
        lv->emit(lv->ud, NULL);
        return 0;
    }
    res->item.type = types[m->type];
    if (m->type != VG_MEMBER_FILE) {
        vg_result_set_link(res, m->link);
        lv->emit(lv->ud, res);
        return 0;
    }
    if (m->encrypted) {
        res->item.verdict = VIGIL_VERDICT_ERROR;
        res->item.error_kind = VIGIL_ERROR_ENCRYPTED;
        vg_result_error(res, "encrypted member: cannot be read without the password");
        lv->emit(lv->ud, res);
        return 0;
    }
    vg_buf_init(&sp.mem, (size_t)r->o->limits.spool_mem + 1);
    vigil_digester_reset(r->dg);
    rc = read_member(lv, a, res, &sp, &head_len, &nested);
    if (rc == -2) { /* interrupted: the item is not complete, so it is not reported */
        vg_result_free(res);
        vg_buf_dispose(&sp.mem);
        if (sp.tmp)
            fclose(sp.tmp);
        return 1;
    }
    if (rc == 0) {
        vigil_digester_final(r->dg, &res->item.digests);
        res->item.has_digests = 1;
        if (r->sn)
            sniff_mime(r, r->head, head_len, res->mime, sizeof res->mime), res->item.mime = res->mime;
        image_finish(r, res);
        if (nested == SPOOL_VIDEO)
            spool_video(r, res, &sp, head_len);
    }
    set_verdict(r, res);
    image_thumbnail(r, res);
    lv->emit(lv->ud, res);
    if (rc == 0 && nested == SPOOL_ARCHIVE) {
        if (sp.failed) {
            vg_result *e = member_result(lv, m);
            if (e) {
                e->item.type = VIGIL_ITEM_ARCHIVE;
                e->item.verdict = VIGIL_VERDICT_ERROR;
                vg_result_error(e, "nested archive not opened: cannot spool it (out of memory or temporary space)");
            }
            lv->emit(lv->ud, e);
        } else {
            vg_archive_src src = {.fd = -1, .tmp = sp.tmp, .mem = (const uint8_t *)sp.mem.ptr,
                                  .mem_len = sp.tmp ? 0 : sp.mem.len};
            if (sp.tmp)
                src.mem = NULL;
            scan_archive(lv, &src, m->path);
        }
    }
    vg_buf_dispose(&sp.mem);
    if (sp.tmp)
        fclose(sp.tmp);
    vg_worker_note(lv->chain, lv->depth - 1, lv->chain[lv->depth - 1], 1); /* back to listing the archive */
    return lv->b->tripped || stopped(r) ? 1 : 0;
}

/* Emit the members of the archive in src, which is the item named self at this level. */
static void scan_archive(level *lv, vg_archive_src *src, const char *self)
{
    const char *chain[MAX_DEPTH_CHAIN + 1];
    level child = *lv;
    char why[512];
    const char *layer;
    vg_archive_failure fail;
    int rc;
    if (lv->depth >= lv->r->o->limits.max_depth || lv->depth >= MAX_DEPTH_CHAIN) {
        vg_result *e = vg_result_new(self, strlen(self), lv->chain, lv->depth);
        if (e) {
            e->item.type = VIGIL_ITEM_ARCHIVE;
            e->item.verdict = VIGIL_VERDICT_ERROR;
            vg_result_error(e, "nested archive not opened: nesting depth limit (%u) reached",
                            lv->r->o->limits.max_depth);
        }
        lv->emit(lv->ud, e);
        return;
    }
    for (size_t i = 0; i < lv->depth; i++)
        chain[i] = lv->chain[i];
    chain[lv->depth] = self;
    child.chain = chain;
    child.depth = lv->depth + 1;
    vg_worker_note(lv->chain, lv->depth, self, 1);
    layer = vg_worker_layer("libarchive");
    vg_fault("libarchive");
    rc = vg_archive_iterate(src, on_member, &child, NULL, why, sizeof why, &fail);
    vg_worker_layer(layer);
    if (rc < 0 && !stopped(lv->r)) {
        vg_result *e = vg_result_new(self, strlen(self), lv->chain, lv->depth);
        if (e) {
            e->item.type = VIGIL_ITEM_ARCHIVE;
            e->item.verdict = VIGIL_VERDICT_ERROR;
            e->item.error_kind = fail.kind;
            vg_result_error(e, "%s", why);
        }
        lv->emit(lv->ud, e);
    }
}

/* ---- files on disk ---- */

static int open_evidence(const vg_entry *e)
{
    /* O_NONBLOCK: if the entry was swapped for a FIFO since the walk, open must not hang. */
    int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | (e->follow ? 0 : O_NOFOLLOW);
    int fd = vg_open_long(e->path, flags | O_NOATIME);
    if (fd < 0 && errno == EPERM) /* O_NOATIME is allowed to the owner only */
        fd = vg_open_long(e->path, flags);
    return fd;
}

static const char *open_error(int err)
{
    switch (err) {
    case ENOENT: return "vanished before it could be read";
    case ELOOP: return "replaced by a symlink during the scan (not followed)";
    default: return strerror(err);
    }
}

/* A reader reading its own file only: whether the head (complete, or the whole file) needs a parser. */
static int needs_worker(const vg_reader *r, int fd, const struct stat *st, size_t head_len)
{
    return vg_needs_parser(r->o, r->head, head_len, fd, (uint64_t)st->st_size);
}

/* Read the whole file; 0, -1 (error set on res), -2 (interrupted) or, reading its own file only,
 * -3: its head says a parser must read it (nothing past the head was read or hashed). */
static int read_file(vg_reader *r, int fd, const struct stat *st, vg_result *res, size_t *head_len)
{
    uint64_t total = 0;
    ssize_t n;
    int undecided = r->own_only;
    *head_len = 0;
    posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    image_start(r);
    for (;;) {
        /* undecided: the head alone first, so that a file for a worker costs one small read here */
        n = read(fd, r->buf, undecided ? VG_SNIFF_BYTES - *head_len : BLOCK);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        if (*head_len < VG_SNIFF_BYTES) {
            size_t take = VG_SNIFF_BYTES - *head_len < (size_t)n ? VG_SNIFF_BYTES - *head_len : (size_t)n;
            memcpy(r->head + *head_len, r->buf, take);
            *head_len += take;
        }
        if (undecided && *head_len == VG_SNIFF_BYTES) {
            undecided = 0;
            r->head_len = *head_len;
            if (needs_worker(r, fd, st, *head_len))
                return -3;
        }
        image_feed(r, r->buf, (size_t)n);
        vigil_digester_update(r->dg, r->buf, (size_t)n);
        total += (uint64_t)n;
        vg_worker_progress();
        if (stopped(r))
            return -2;
    }
    r->head_len = *head_len;
    if (n == 0 && undecided && needs_worker(r, fd, st, *head_len)) /* the whole file was shorter than a head */
        return -3;
    res->item.size = total;
    if (n < 0) {
        vg_result_error(res, "read error at byte %llu: %s", (unsigned long long)total, strerror(errno));
        return -1;
    }
    if (total != (uint64_t)st->st_size) {
        vg_result_error(res, "file changed while being read: size was %lld bytes, read %llu",
                        (long long)st->st_size, (unsigned long long)total);
        return -1;
    }
    return 0;
}

int vg_reader_open_entry(const vg_entry *e, const vigil_scan_opts *o)
{
    if (vg_scan_before_open())
        vg_scan_before_open()(e->path, o->ud);
    return open_evidence(e);
}

void vg_reader_file(vg_reader *r, const vg_entry *e, vg_emit_fn emit, void *ud)
{
    int fd = vg_reader_open_entry(e, r->o);
    vg_reader_file_fd(r, e, fd, fd < 0 ? errno : 0, emit, ud);
}

/* vg_reader_file_fd; 1 instead when the reader reads its own files only and this one needs a parser:
 * nothing emitted, fd still open. */
static int read_entry(vg_reader *r, const vg_entry *e, int fd, int open_errno, vg_emit_fn emit, void *ud)
{
    vg_result *res = vg_result_new(e->path, e->path_len, NULL, 0);
    struct stat st;
    size_t head_len = 0;
    int rc;
    int64_t sfx = -1; /* a self-extractor: where its archive starts */
    uint64_t size;
    if (!res) {
        if (fd >= 0)
            close(fd);
        emit(ud, NULL);
        return 0;
    }
    if (e->st) { /* as walked: what a resumed scan compares to tell the file was read already */
        res->item.times[VIGIL_TIME_MODIFIED] = (vigil_fs_time){.sec = e->st->st_mtim.tv_sec, .nsec = (uint32_t)e->st->st_mtim.tv_nsec, .set = 1};
        res->item.times[VIGIL_TIME_CHANGED] = (vigil_fs_time){.sec = e->st->st_ctim.tv_sec, .nsec = (uint32_t)e->st->st_ctim.tv_nsec, .set = 1};
    }
    if (fd < 0) {
        vg_result_error(res, "%s", open_error(open_errno));
        res->item.verdict = VIGIL_VERDICT_ERROR;
        emit(ud, res);
        return 0;
    }
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && e->st &&
        (st.st_ino != e->st->st_ino || st.st_size != e->st->st_size)) {
        if (st.st_ino != e->st->st_ino)
            vg_result_error(res, "file replaced during the scan (another inode when opened)");
        else
            vg_result_error(res, "file changed during the scan: %lld bytes when listed, %lld when opened",
                            (long long)e->st->st_size, (long long)st.st_size);
        res->item.verdict = VIGIL_VERDICT_ERROR;
        close(fd);
        emit(ud, res);
        return 0;
    }
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        vg_result_error(res, "no longer a regular file when opened");
        res->item.verdict = VIGIL_VERDICT_ERROR;
        close(fd);
        emit(ud, res);
        return 0;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    vigil_digester_reset(r->dg);
    r->img_fd = fd;
    r->img_size = (uint64_t)st.st_size;
    rc = read_file(r, fd, &st, res, &head_len);
    if (rc == -2 || rc == -3) {
        r->img_fd = -1;
        vg_result_free(res);
        if (rc == -3)
            return 1;
        close(fd);
        return 0;
    }
    if (rc == 0) {
        vigil_digester_final(r->dg, &res->item.digests);
        res->item.has_digests = 1;
        if (r->sn) {
            sniff_mime(r, r->head, head_len, res->mime, sizeof res->mime);
            res->item.mime = res->mime;
        }
        image_finish(r, res);
        if (!r->own_only) /* FFmpeg is a parser: parse_need.c sends videos to a worker */
            vg_reader_video(r->o, res, fd, res->item.size, r->head, head_len);
    }
    r->img_fd = -1;
    size = res->item.size;
    set_verdict(r, res);
    image_thumbnail(r, res);
    emit(ud, res); /* res is the sink's from here on */
    /* read here (own_only), parse_need.c found nothing in it that a parser opens */
    if (rc == 0 && !r->own_only && r->o->expand_archives &&
        (opens_as_container(r, r->head, head_len) ||
         (sfx = vg_archive_appended(fd, size, r->head, head_len)) >= 0)) {
        budget b = {0};
        level lv = {r, &b, NULL, 0, emit, ud};
        vg_archive_src src = {.fd = fd, .base = sfx > 0 ? (uint64_t)sfx : 0, .consumed = &b.in};
        scan_archive(&lv, &src, e->path);
    } else if (rc == 0 && !r->own_only && r->o->expand_archives && r->o->nested_images) {
        vg_reader_nested_image(r, fd, e->path, size, r->head, head_len, emit, ud);
    }
    close(fd);
    return 0;
}

void vg_reader_file_fd(vg_reader *r, const vg_entry *e, int fd, int open_errno, vg_emit_fn emit, void *ud)
{
    read_entry(r, e, fd, open_errno, emit, ud);
}

int vg_reader_file_own(vg_reader *r, const vg_entry *e, int fd, vg_emit_fn emit, void *ud)
{
    int rc;
    r->own_only = 1;
    rc = read_entry(r, e, fd, 0, emit, ud);
    r->own_only = 0;
    if (rc == 1 && lseek(fd, 0, SEEK_SET) != 0) { /* the worker reads from the start (it shares the offset) */
        int why = errno;
        close(fd);
        read_entry(r, e, -1, why, emit, ud); /* the error item */
        return 1;
    }
    return rc ? 0 : 1;
}

size_t vg_reader_head_decode_weight(const vg_reader *r, uint64_t size)
{
    size_t n = r->head_len < IMG_SNIFF ? r->head_len : IMG_SNIFF;
    if (!r->o->compute_pdq || vigil_image_sniff(r->head, n) == VIGIL_IMAGE_NONE)
        return 0;
    /* the header's buffers plus the encoded bytes (collected in memory, or read again from the file) */
    return vg_image_decode_weight(r->head, r->head_len) - r->head_len +
           (size_t)(size < SIZE_MAX / 4 ? size : SIZE_MAX / 4);
}

/* ---- items read from any ordered byte source (files inside disk images, carved pictures) ---- */

/* Read res's bytes from pull: digests, head, picture, spool when nested or a video; 0, -1 (error on res) or -2. */
static int read_pulled(vg_reader *r, vg_result *res, vg_pull_fn pull, void *ctx, spool *sp, size_t *head_len,
                       int *nested)
{
    uint64_t total = 0;
    char why[256];
    ssize_t n;
    *head_len = 0;
    *nested = SPOOL_UNDECIDED;
    image_start(r);
    while ((n = pull(ctx, r->buf, BLOCK, why, sizeof why)) > 0) {
        vg_worker_progress();
        take_chunk(r, sp, head_len, nested, r->o->expand_archives, (size_t)n);
        total += (uint64_t)n;
        if (stopped(r))
            return -2;
    }
    res->item.size = total;
    if (n < 0) { /* a read inside a disk image: its words say whether the image is damaged there */
        res->item.error_kind = vg_image_error_kind(why);
        vg_result_error(res, "%s", why);
        return -1;
    }
    take_end(r, sp, *head_len, nested, r->o->expand_archives);
    return 0;
}

void vg_reader_stream(vg_reader *r, vg_result *res, vg_pull_fn pull, void *ctx, vg_emit_fn emit, void *ud)
{
    spool sp = {0};
    size_t head_len;
    int nested, rc;
    vg_buf_init(&sp.mem, (size_t)r->o->limits.spool_mem + 1);
    vigil_digester_reset(r->dg);
    rc = read_pulled(r, res, pull, ctx, &sp, &head_len, &nested);
    if (rc == -2) { /* interrupted: an incomplete item is not reported */
        vg_result_free(res);
        goto done;
    }
    if (rc == 0) {
        vigil_digester_final(r->dg, &res->item.digests);
        res->item.has_digests = 1;
        if (r->sn) {
            sniff_mime(r, r->head, head_len, res->mime, sizeof res->mime);
            res->item.mime = res->mime;
        }
        image_finish(r, res);
        if (nested == SPOOL_VIDEO)
            spool_video(r, res, &sp, head_len);
    }
    set_verdict(r, res);
    image_thumbnail(r, res);
    {
        /* The item's place, kept for its members: emit hands res over. */
        const char *chain[MAX_DEPTH_CHAIN];
        char *self = strdup(res->path);
        size_t depth = res->item.ncontainers < MAX_DEPTH_CHAIN ? res->item.ncontainers : MAX_DEPTH_CHAIN;
        char **copies = calloc(depth ? depth : 1, sizeof *copies);
        uint64_t size = res->item.size;
        int ok = self && copies;
        for (size_t i = 0; ok && i < depth; i++)
            ok = (copies[i] = strdup(res->containers[i])) != NULL;
        emit(ud, res);
        if (rc == 0 && nested == SPOOL_ARCHIVE && ok && !sp.failed) {
            budget b = {size, 0, 0};
            level lv = {r, &b, chain, depth, emit, ud};
            vg_archive_src src = {.fd = -1, .tmp = sp.tmp, .mem = sp.tmp ? NULL : (const uint8_t *)sp.mem.ptr,
                                  .mem_len = sp.tmp ? 0 : sp.mem.len};
            for (size_t i = 0; i < depth; i++)
                chain[i] = copies[i];
            scan_archive(&lv, &src, self);
        } else if (rc == 0 && nested == SPOOL_ARCHIVE) {
            vg_result *e = ok ? vg_result_new(self, strlen(self), (const char *const *)copies, depth) : NULL;
            if (e) {
                e->item.type = VIGIL_ITEM_ARCHIVE;
                e->item.verdict = VIGIL_VERDICT_ERROR;
                vg_result_error(e, "nested archive not opened: cannot spool it (out of memory or temporary space)");
            }
            emit(ud, e);
        }
        for (size_t i = 0; copies && i < depth; i++)
            free(copies[i]);
        free(copies);
        free(self);
    }
done:
    vg_buf_dispose(&sp.mem);
    if (sp.tmp)
        fclose(sp.tmp);
}

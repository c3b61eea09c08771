/*
 * The carver's stream loop: the extents are read in large windows as one
 * virtual stream; every byte that can start a signature is tested, and a
 * candidate is walked by its format's validator (reading past the window
 * into a candidate buffer of at most max_size when it must), then decoded.
 * Only a candidate that passes both is a hit; scanning resumes after it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "carve/carve_int.h"
#include "core/log.h"
#include "media/decode.h"

#define WINDOW_DEFAULT (4u << 20)
#define CAND_MIN (64u << 10)

typedef struct stream {
    const vg_carve_extent *ext;
    size_t next;
    uint64_t *start;  /* virtual offset of each extent */
    uint64_t total;
    vg_carve_pread_fn rd;
    void *ctx;
} stream;

typedef struct carver {
    stream st;
    const vg_carve_format *by_first[256];
    uint64_t max_size;
    volatile int *stop;
    uint8_t *win;     /* win[0..win_len) holds stream bytes [win_base, ...) */
    size_t win_cap, win_len;
    uint64_t win_base;
    uint8_t *cand;    /* a candidate read past the window */
    size_t cand_cap;
    vg_carve_stats stats;
} carver;

static const vg_carve_format *const formats[] = {
    &vg_carve_jpeg_format, &vg_carve_png_format, &vg_carve_gif_format, &vg_carve_bmp_format,
    &vg_carve_webp_format,
};

/* Index of the extent holding virtual offset v (v < total). */
static size_t extent_of(const stream *s, uint64_t v)
{
    size_t lo = 0, hi = s->next;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->start[mid] <= v)
            lo = mid;
        else
            hi = mid;
    }
    /* Zero-length extents share a start with the next one: step over them. */
    while (lo + 1 < s->next && s->start[lo + 1] <= v)
        lo++;
    return lo;
}

static uint64_t image_offset(const stream *s, uint64_t v)
{
    size_t i = extent_of(s, v);
    return s->ext[i].offset + (v - s->start[i]);
}

/* Read stream bytes [v, v + n) into buf, across extents, retrying short reads. */
static int stream_read(const stream *s, uint64_t v, uint8_t *buf, size_t n, vigil_error *err)
{
    while (n > 0) {
        size_t i = extent_of(s, v);
        uint64_t off = s->ext[i].offset + (v - s->start[i]);
        uint64_t left = s->ext[i].length - (v - s->start[i]);
        size_t k = left < n ? (size_t)left : n;
        ssize_t got;
        errno = 0;
        got = s->rd(s->ctx, buf, k, off);
        if (got < 0)
            return vigil_error_set(err, VIGIL_EINPUT, "carve: read error at image offset %llu: %s",
                                   (unsigned long long)off, errno ? strerror(errno) : "read failed");
        if (got == 0)
            return vigil_error_set(err, VIGIL_EINPUT, "carve: read error at image offset %llu: the image "
                                   "ends inside an extent", (unsigned long long)off);
        if ((size_t)got > k)
            return vigil_error_set(err, VIGIL_EINTERNAL, "carve: read at image offset %llu returned %zd "
                                   "bytes for %zu asked", (unsigned long long)off, got, k);
        buf += got;
        n -= (size_t)got;
        v += (uint64_t)got;
    }
    return 0;
}

/* Extents holding bytes of [v, v + len), empty ones between them not counted. */
static unsigned fragments(const stream *s, uint64_t v, uint64_t len)
{
    unsigned count = 0;
    for (size_t i = extent_of(s, v), last = extent_of(s, v + len - 1); i <= last; i++)
        count += s->ext[i].length > 0;
    return count;
}

static void log_reject(const carver *c, const vg_carve_format *f, uint64_t v, const char *why)
{
    vg_log(VIGIL_LOG_DEBUG, "carve: %s candidate at image offset %llu rejected: %s", f->type,
           (unsigned long long)image_offset(&c->st, v), why);
}

/*
 * Validate the candidate at stream offset v, whose first avail bytes are at p
 * (in the window). On VG_CARVE_OK *data and chk->length give the picture,
 * either in the window or in the candidate buffer. Read errors return < 0.
 */
static int walk_candidate(carver *c, const vg_carve_format *f, uint64_t v, const uint8_t *p, size_t avail,
                          const uint8_t **data, vg_carve_check *chk, vigil_error *err)
{
    uint64_t left = c->st.total - v;
    uint64_t cap = left < c->max_size ? left : c->max_size;
    size_t have = avail;
    vg_carve_verdict r;
    memset(chk, 0, sizeof *chk);
    r = f->validate(chk, p, avail);
    *data = p;
    while (r == VG_CARVE_MORE) {
        uint64_t want = have * 2 > CAND_MIN ? (uint64_t)have * 2 : CAND_MIN;
        if (chk->need > want)
            want = chk->need;
        if (chk->need > c->max_size) {
            chk->why = "larger than the carving limit (max_size)";
            return VG_CARVE_REJECT;
        }
        if (want > cap)
            want = cap;
        if (want <= have) {
            chk->why = have >= c->max_size ? "larger than the carving limit (max_size)"
                                           : "truncated: the stream ends inside the picture";
            return VG_CARVE_REJECT;
        }
        if (want > c->cand_cap) {
            uint8_t *nb = realloc(c->cand, (size_t)want);
            if (!nb)
                return vigil_error_set(err, VIGIL_ENOMEM, "carve: out of memory for a %llu-byte candidate",
                                       (unsigned long long)want);
            c->cand = nb;
            c->cand_cap = (size_t)want;
        }
        int rc = stream_read(&c->st, v, c->cand, (size_t)want, err);
        if (rc < 0)
            return rc;
        have = (size_t)want;
        memset(chk, 0, sizeof *chk);
        r = f->validate(chk, c->cand, have);
        *data = c->cand;
    }
    if (r == VG_CARVE_OK && chk->length > c->max_size) {
        chk->why = "larger than the carving limit (max_size)";
        return VG_CARVE_REJECT;
    }
    return (int)r;
}

/*
 * Test the candidate at stream offset v. Returns 1 with *end set after a hit,
 * 0 when rejected (counted), < 0 on read errors, on_hit's stop or no memory.
 */
static int try_candidate(carver *c, const vg_carve_format *f, uint64_t v, const uint8_t *p, size_t avail,
                         int (*on_hit)(void *, const vg_carve_hit *, vigil_error *), void *ud,
                         uint64_t *end, vigil_error *err)
{
    vg_carve_check chk;
    const uint8_t *data;
    vigil_image img;
    vigil_error derr;
    vg_carve_hit hit;
    int rc;
    c->stats.candidates++;
    rc = walk_candidate(c, f, v, p, avail, &data, &chk, err);
    if (rc < 0)
        return rc;
    if (rc == VG_CARVE_REJECT) {
        log_reject(c, f, v, chk.why);
        c->stats.rejected++;
        return 0;
    }
    if (vg_image_decode_as(&img, f->image, data, (size_t)chk.length, NULL, &derr) < 0) {
        if (derr.code == VIGIL_ENOMEM)
            return vigil_error_set(err, VIGIL_ENOMEM, "carve: %s", derr.msg);
        log_reject(c, f, v, derr.msg);
        c->stats.rejected++;
        return 0;
    }
    vigil_image_dispose(&img);
    hit = (vg_carve_hit){.offset = image_offset(&c->st, v), .length = chk.length, .type = f->type,
                         .mime = f->mime, .data = data, .fragments = fragments(&c->st, v, chk.length)};
    c->stats.carved++;
    *end = v + chk.length;
    if ((rc = on_hit(ud, &hit, err)) < 0)
        return rc;
    return 1;
}

/* Make the window hold stream bytes from v on (as many as fit), keeping what it already has. */
static int fill_window(carver *c, uint64_t v, vigil_error *err)
{
    uint64_t left = c->st.total - v;
    size_t want = left < c->win_cap ? (size_t)left : c->win_cap;
    size_t keep = 0;
    if (v >= c->win_base && v < c->win_base + c->win_len) {
        keep = (size_t)(c->win_base + c->win_len - v);
        memmove(c->win, c->win + (v - c->win_base), keep);
    }
    if (keep > want)
        keep = want;
    c->win_base = v;
    c->win_len = keep;
    if (want > keep) {
        int rc = stream_read(&c->st, v + keep, c->win + keep, want - keep, err);
        if (rc < 0)
            return rc;
    }
    c->win_len = want;
    return 0;
}

static int stopped(const carver *c, vigil_error *err)
{
    if (c->stop && *c->stop)
        return vigil_error_set(err, VIGIL_ESTATE, "carve: stopped");
    return 0;
}

/* Scan the stream from virtual offset 0 to its end. */
static int scan(carver *c, int (*on_hit)(void *, const vg_carve_hit *, vigil_error *), void *ud,
                vigil_error *err)
{
    uint64_t pos = 0;
    int rc;
    while (pos < c->st.total) {
        int at_end;
        size_t i, stop_at;
        uint64_t next;
        if ((rc = stopped(c, err)) < 0 || (rc = fill_window(c, pos, err)) < 0)
            return rc;
        at_end = c->win_base + c->win_len == c->st.total;
        /* Short of the end, the last SIG_MAX bytes are tested again at the start of the next window. */
        stop_at = at_end ? c->win_len : c->win_len - VG_CARVE_SIG_MAX;
        next = c->win_base + stop_at;
        for (i = 0; i < stop_at; i++) {
            const vg_carve_format *f = c->by_first[c->win[i]];
            uint64_t end = 0;
            if (!f || c->win_len - i < f->sig_len || !f->signature(c->win + i))
                continue;
            if ((rc = stopped(c, err)) < 0)
                return rc;
            rc = try_candidate(c, f, c->win_base + i, c->win + i, c->win_len - i, on_hit, ud, &end, err);
            if (rc < 0)
                return rc;
            if (rc == 1) {
                next = end;
                break;
            }
        }
        pos = next;
        c->stats.bytes_scanned = pos;
    }
    return 0;
}

int vg_carve_windowed(const vg_carve_extent *ext, size_t n, vg_carve_pread_fn rd, void *ctx,
                      const vg_carve_opts *o, size_t window,
                      int (*on_hit)(void *ud, const vg_carve_hit *hit, vigil_error *err), void *ud,
                      vg_carve_stats *stats, vigil_error *err)
{
    carver c;
    int rc = 0;
    memset(&c, 0, sizeof c);
    if (stats)
        memset(stats, 0, sizeof *stats);
    if (window < 2 * VG_CARVE_SIG_MAX)
        return vigil_error_set(err, VIGIL_EUSAGE, "carve: window of %zu bytes is too small", window);
    c.st = (stream){.ext = ext, .next = n, .rd = rd, .ctx = ctx};
    c.max_size = o && o->max_size ? o->max_size : VG_CARVE_MAX_SIZE_DEFAULT;
    c.stop = o ? o->stop : NULL;
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        c.by_first[formats[i]->first] = formats[i];
    if (n > 0 && !(c.st.start = malloc(n * sizeof *c.st.start)))
        return vigil_error_set(err, VIGIL_ENOMEM, "carve: out of memory for %zu extents", n);
    for (size_t i = 0; i < n; i++) {
        if (ext[i].length > UINT64_MAX - c.st.total || ext[i].length > UINT64_MAX - ext[i].offset) {
            rc = vigil_error_set(err, VIGIL_EINPUT, "carve: extent %zu (offset %llu, length %llu) overflows",
                                 i, (unsigned long long)ext[i].offset, (unsigned long long)ext[i].length);
            goto done;
        }
        c.st.start[i] = c.st.total;
        c.st.total += ext[i].length;
    }
    c.win_cap = c.st.total < window ? (size_t)c.st.total : window; /* a small stream, a small window */
    if (c.st.total > 0 && !(c.win = malloc(c.win_cap))) {
        rc = vigil_error_set(err, VIGIL_ENOMEM, "carve: out of memory for the %zu-byte window", c.win_cap);
        goto done;
    }
    rc = scan(&c, on_hit, ud, err);
done:
    if (stats)
        *stats = c.stats;
    free(c.win);
    free(c.cand);
    free(c.st.start);
    return rc;
}

int vg_carve(const vg_carve_extent *ext, size_t n, vg_carve_pread_fn rd, void *ctx, const vg_carve_opts *o,
             int (*on_hit)(void *ud, const vg_carve_hit *hit, vigil_error *err), void *ud,
             vg_carve_stats *stats, vigil_error *err)
{
    return vg_carve_windowed(ext, n, rd, ctx, o, WINDOW_DEFAULT, on_hit, ud, stats, err);
}

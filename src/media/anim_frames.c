/*
 * Frame counts of GIF and animated WebP (anim_frames.h). A GIF is a series
 * of blocks: extensions and image descriptors, each followed by sub-blocks
 * of at most 255 bytes; every image descriptor is one frame. An animated
 * WebP is a RIFF file whose ANMF chunks are its frames. Only lengths are
 * read; the reads go through a small buffer, from memory or with pread.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "media/anim_frames.h"
#include "media/video_decode.h"

enum { CHUNK = 16384 };

typedef struct rd {
    const uint8_t *mem; /* the bytes, or NULL to pread fd */
    int fd;
    uint64_t size, pos;
    uint64_t buf_at;    /* file offset of buf[0] */
    size_t buf_len;
    uint8_t buf[CHUNK];
} rd;

/* The byte at r->pos (moving past it), or -1 at the end or on a read error. */
static int next_byte(rd *r)
{
    ssize_t got;
    if (r->pos >= r->size)
        return -1;
    if (r->mem)
        return r->mem[r->pos++];
    if (r->pos < r->buf_at || r->pos >= r->buf_at + r->buf_len) {
        got = pread(r->fd, r->buf, sizeof r->buf, (off_t)r->pos);
        if (got <= 0)
            return -1;
        r->buf_at = r->pos;
        r->buf_len = (size_t)got;
    }
    return r->buf[r->pos++ - r->buf_at];
}

/* n bytes into out (NULL: skipped); -1 when the file ends first. */
static int take(rd *r, uint8_t *out, uint64_t n)
{
    if (!out) {
        if (n > r->size - r->pos)
            return -1;
        r->pos += n;
        return 0;
    }
    for (uint64_t i = 0; i < n; i++) {
        int c = next_byte(r);
        if (c < 0)
            return -1;
        out[i] = (uint8_t)c;
    }
    return 0;
}

/* Past a run of sub-blocks and its empty terminator; -1 when the file ends first. */
static int skip_sub_blocks(rd *r)
{
    for (;;) {
        int len = next_byte(r);
        if (len < 0)
            return -1;
        if (len == 0)
            return 0;
        if (take(r, NULL, (uint64_t)len) < 0)
            return -1;
    }
}

/* How a walk over a GIF's blocks stopped. */
enum { GIF_TRAILER, GIF_MAX, GIF_CUT, GIF_STRAY };

typedef struct gif_walk {
    unsigned whole;   /* frames whose image data ran to its terminator */
    unsigned started; /* frames whose image descriptor began */
    int stop;         /* GIF_... */
    uint64_t at;      /* GIF_CUT: where the cut block began; GIF_STRAY: the stray byte's offset */
    int byte;         /* GIF_STRAY: the byte */
} gif_walk;

/* Walk the blocks up to max whole frames; 0, or -1 when the header and colour table are cut. */
static int gif_blocks(rd *r, unsigned max, gif_walk *w)
{
    uint8_t hdr[13], desc[9];
    memset(w, 0, sizeof *w);
    if (take(r, hdr, sizeof hdr) < 0)
        return -1;
    if ((hdr[10] & 0x80) && take(r, NULL, 3u << ((hdr[10] & 7) + 1)) < 0) /* global colour table */
        return -1;
    while (w->whole < max) {
        uint64_t at = r->pos;
        int c = next_byte(r);
        switch (c) {
        case 0x21: /* extension: its label, then sub-blocks */
            if (next_byte(r) < 0 || skip_sub_blocks(r) < 0)
                goto cut;
            break;
        case 0x2C: /* image descriptor, local colour table, LZW code size, image data */
            w->started++;
            if (take(r, desc, sizeof desc) < 0 ||
                ((desc[8] & 0x80) && take(r, NULL, 3u << ((desc[8] & 7) + 1)) < 0) || next_byte(r) < 0 ||
                skip_sub_blocks(r) < 0)
                goto cut; /* a frame cut short is not counted */
            w->whole++;
            break;
        case 0x3B:
            w->stop = GIF_TRAILER;
            return 0;
        default: /* the end of the file, or a byte no block starts with */
            w->stop = c < 0 ? GIF_CUT : GIF_STRAY;
            w->at = at;
            w->byte = c;
            return 0;
        }
        continue;
    cut:
        w->stop = GIF_CUT;
        w->at = at;
        return 0;
    }
    w->stop = GIF_MAX;
    return 0;
}

static unsigned gif_frames(rd *r, unsigned max)
{
    gif_walk w;
    return gif_blocks(r, max, &w) < 0 ? 0 : w.whole;
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static unsigned webp_frames(rd *r, unsigned max)
{
    uint8_t riff[12], ch[8];
    unsigned frames = 0;
    uint64_t end;
    if (take(r, riff, sizeof riff) < 0)
        return 0;
    end = 8 + (uint64_t)le32(riff + 4); /* the RIFF size bounds the chunks, whatever follows */
    if (end > r->size)
        end = r->size;
    while (frames < max && r->pos + 8 <= end && take(r, ch, sizeof ch) == 0) {
        uint64_t len = le32(ch + 4) + (uint64_t)(le32(ch + 4) & 1); /* chunks are padded to even */
        if (len > end - r->pos)
            break; /* a chunk cut short is not counted */
        if (memcmp(ch, "ANMF", 4) == 0)
            frames++;
        r->pos += len;
    }
    return frames;
}

static unsigned count(rd *r, unsigned max)
{
    uint8_t head[32];
    size_t n = r->size < sizeof head ? (size_t)r->size : sizeof head;
    if (max == 0 || take(r, head, n) < 0 || !vg_anim_head(head, n))
        return 0;
    r->pos = 0;
    return head[0] == 'G' ? gif_frames(r, max) : webp_frames(r, max);
}

int vg_anim_head(const uint8_t *head, size_t n)
{
    if (n >= 6 && (memcmp(head, "GIF87a", 6) == 0 || memcmp(head, "GIF89a", 6) == 0))
        return 1;
    return vg_video_is_animated_webp(head, n);
}

unsigned vg_anim_frames_mem(const uint8_t *p, size_t n, unsigned max)
{
    rd r = {.mem = p, .fd = -1, .size = n};
    return count(&r, max);
}

unsigned vg_anim_frames_fd(int fd, uint64_t size, unsigned max)
{
    rd r = {.fd = fd, .size = size};
    return count(&r, max);
}

/* Whether the GIF read by r runs to its trailer (gif_end in anim_frames.h). */
static int gif_end(vg_gif_end *out, rd *r)
{
    uint8_t head[6];
    gif_walk w;
    memset(out, 0, sizeof *out);
    if (take(r, head, sizeof head) < 0 || (memcmp(head, "GIF87a", 6) != 0 && memcmp(head, "GIF89a", 6) != 0))
        return 0;
    r->pos = 0;
    if (gif_blocks(r, UINT_MAX, &w) < 0) {
        snprintf(out->why, sizeof out->why, "the file ends in its header, at offset %llu",
                 (unsigned long long)r->size);
        return 1;
    }
    out->frames = w.whole;
    out->started = w.started;
    if (w.stop == GIF_TRAILER)
        return 0;
    if (w.stop == GIF_STRAY)
        snprintf(out->why, sizeof out->why, "byte 0x%02x at offset %llu starts no block, after %u whole frames",
                 (unsigned)w.byte, (unsigned long long)w.at, w.whole);
    else if (w.started > w.whole)
        snprintf(out->why, sizeof out->why, "the file ends inside frame %u (at offset %llu, %u whole frames before)",
                 w.started, (unsigned long long)r->size, w.whole);
    else if (w.at < r->size)
        snprintf(out->why, sizeof out->why, "the file ends inside a block at offset %llu, after %u whole frames",
                 (unsigned long long)w.at, w.whole);
    else
        snprintf(out->why, sizeof out->why, "no trailer after its %u whole frames (the file ends at offset %llu)",
                 w.whole, (unsigned long long)r->size);
    return 1;
}

int vg_anim_gif_end_mem(vg_gif_end *out, const uint8_t *p, size_t n)
{
    rd r = {.mem = p, .fd = -1, .size = n};
    return gif_end(out, &r);
}

int vg_anim_gif_end_fd(vg_gif_end *out, int fd, uint64_t size)
{
    rd r = {.fd = fd, .size = size};
    return gif_end(out, &r);
}

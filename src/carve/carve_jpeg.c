/*
 * JPEG structure for carving: SOI, then a chain of marker segments whose
 * lengths and contents are checked (one frame header, Huffman and
 * quantisation tables, scan headers), each scan's entropy-coded data with its
 * byte stuffing and restart markers in sequence, up to EOI. APPn segments are
 * skipped by their length, so an Exif thumbnail stays inside its picture.
 */
#include <string.h>

#include "carve/carve_int.h"

#define MAX_SEGMENTS 4096

typedef struct jwalk {
    const uint8_t *p;
    size_t n, pos;
    unsigned restart_interval;
    int frames, scans;
} jwalk;

static int is_sof(unsigned m)
{
    return m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc;
}

/* Markers that carry a length and may appear between SOI and EOI. */
static int is_segment(unsigned m)
{
    return is_sof(m) || m == 0xc4 || m == 0xcc || (m >= 0xda && m <= 0xdf) || (m >= 0xe0 && m <= 0xef) ||
           m == 0xfe;
}

static const char *check_sof(const uint8_t *s, size_t len)
{
    unsigned nf;
    if (len < 6)
        return "frame header too short";
    nf = s[5];
    if (s[0] != 8 && s[0] != 12 && s[0] != 16)
        return "frame header: sample precision not 8, 12 or 16";
    if (vg_be16(s + 1) == 0 || vg_be16(s + 3) == 0)
        return "frame header: zero width or height";
    if (nf < 1 || nf > 4 || len != 6 + 3 * (size_t)nf)
        return "frame header: component count does not match its length";
    for (unsigned i = 0; i < nf; i++) {
        unsigned h = s[7 + 3 * i] >> 4, v = s[7 + 3 * i] & 15;
        if (h < 1 || h > 4 || v < 1 || v > 4 || s[8 + 3 * i] > 3)
            return "frame header: bad sampling factor or table number";
    }
    return NULL;
}

static const char *check_dht(const uint8_t *s, size_t len)
{
    size_t at = 0;
    if (len == 0)
        return "empty Huffman table segment";
    while (at < len) {
        size_t count = 0;
        if (len - at < 17 || (s[at] >> 4) > 1 || (s[at] & 15) > 3)
            return "bad Huffman table header";
        for (int i = 1; i <= 16; i++)
            count += s[at + i];
        if (count > 256 || len - at - 17 < count)
            return "Huffman table longer than its segment";
        at += 17 + count;
    }
    return NULL;
}

static const char *check_dqt(const uint8_t *s, size_t len)
{
    size_t at = 0;
    if (len == 0)
        return "empty quantisation table segment";
    while (at < len) {
        size_t size = (s[at] >> 4) ? 129 : 65;
        if ((s[at] >> 4) > 1 || (s[at] & 15) > 3 || len - at < size)
            return "bad quantisation table";
        at += size;
    }
    return NULL;
}

static const char *check_sos(const uint8_t *s, size_t len)
{
    unsigned ns;
    if (len < 1)
        return "scan header too short";
    ns = s[0];
    if (ns < 1 || ns > 4 || len != 4 + 2 * (size_t)ns)
        return "scan header: component count does not match its length";
    if (s[1 + 2 * ns] > 63 || s[2 + 2 * ns] > 63)
        return "scan header: spectral selection out of range";
    return NULL;
}

/* Check one segment's contents; NULL when fine. */
static const char *check_segment(jwalk *w, unsigned m, const uint8_t *s, size_t len)
{
    if (is_sof(m)) {
        if (w->frames++)
            return "second frame header";
        return check_sof(s, len);
    }
    switch (m) {
    case 0xc4:
        return check_dht(s, len);
    case 0xdb:
        return check_dqt(s, len);
    case 0xdd:
        if (len != 2)
            return "restart interval segment of the wrong length";
        w->restart_interval = vg_be16(s);
        return NULL;
    case 0xda:
        if (!w->frames)
            return "scan before the frame header";
        w->scans++;
        return check_sos(s, len);
    default:
        return NULL;
    }
}

/*
 * Entropy-coded data from w->pos to the marker that ends it (w->pos is left
 * on its 0xFF). Only stuffed 0xFF 0x00 and restart markers D0-D7, cycling
 * in order and only when a restart interval is set, may appear inside.
 */
static vg_carve_verdict walk_entropy(jwalk *w, vg_carve_check *c)
{
    unsigned next_rst = 0;
    for (;;) {
        const uint8_t *q = memchr(w->p + w->pos, 0xff, w->n - w->pos);
        unsigned b;
        if (!q)
            return vg_carve_more(c, 0);
        w->pos = (size_t)(q - w->p);
        if (w->pos + 1 >= w->n)
            return vg_carve_more(c, 0);
        b = w->p[w->pos + 1];
        if (b == 0x00) {
            w->pos += 2;
        } else if (b >= 0xd0 && b <= 0xd7) {
            if (!w->restart_interval)
                return vg_carve_reject(c, "restart marker without a restart interval");
            if (b - 0xd0 != next_rst)
                return vg_carve_reject(c, "restart markers out of sequence");
            next_rst = (next_rst + 1) & 7;
            w->pos += 2;
        } else if (b == 0xff) {
            w->pos++; /* fill byte before a marker */
        } else {
            return VG_CARVE_OK;
        }
    }
}

static vg_carve_verdict validate(vg_carve_check *c, const uint8_t *p, size_t n)
{
    jwalk w = {.p = p, .n = n, .pos = 2};
    for (int segs = 0; segs < MAX_SEGMENTS; segs++) {
        unsigned m;
        size_t len;
        const char *why;
        if (w.pos >= n)
            return vg_carve_more(c, 0);
        if (p[w.pos] != 0xff)
            return vg_carve_reject(c, "no marker where the next segment should start");
        while (w.pos < n && p[w.pos] == 0xff)
            w.pos++;
        if (w.pos >= n)
            return vg_carve_more(c, 0);
        m = p[w.pos++];
        if (m == 0xd9) {
            if (!w.scans)
                return vg_carve_reject(c, "end of image before any scan");
            return vg_carve_ok(c, w.pos);
        }
        if (!is_segment(m))
            return vg_carve_reject(c, "a marker that cannot appear here");
        if (n - w.pos < 2)
            return vg_carve_more(c, w.pos + 2);
        len = vg_be16(p + w.pos);
        if (len < 2)
            return vg_carve_reject(c, "segment length under 2");
        if (n - w.pos < len)
            return vg_carve_more(c, w.pos + len);
        if ((why = check_segment(&w, m, p + w.pos + 2, len - 2)) != NULL)
            return vg_carve_reject(c, why);
        w.pos += len;
        if (m == 0xda) {
            vg_carve_verdict r = walk_entropy(&w, c);
            if (r != VG_CARVE_OK)
                return r;
        }
    }
    return vg_carve_reject(c, "too many segments");
}

static int signature(const uint8_t *p)
{
    /* SOI then the first segment's marker (APPn, DQT, DHT, SOF, COM...). */
    return p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff && is_segment(p[3]) && p[3] != 0xda;
}

const vg_carve_format vg_carve_jpeg_format = {
    .type = "jpeg", .mime = "image/jpeg", .image = VIGIL_IMAGE_JPEG, .first = 0xff, .sig_len = 4,
    .signature = signature, .validate = validate,
};

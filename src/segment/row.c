/*
 * Compact entry rows: a presence byte, then little-endian base-128 varints of
 * the fields that are set. An MD5-only list line packs to 5 bytes or so.
 */
#include <string.h>

#include "segment/row.h"

enum {
    ROW_SIZE = 1u << 0,     /* zigzag varint; absent: -1 */
    ROW_RECORD = 1u << 1,   /* absent: 0 */
    ROW_LABEL = 1u << 2,    /* string offsets; absent: VG_SEG_NONE */
    ROW_PROFILE = 1u << 3,
    ROW_SOURCE = 1u << 4,
    ROW_MERGED = 1u << 5,   /* absent: 0 */
    ROW_FLAGS = 1u << 6,    /* one byte; absent: 0 */
    ROW_QUALITY = 1u << 7,  /* one byte; absent: -1 */
};

static uint8_t *put_var(uint8_t *o, uint64_t v)
{
    while (v >= 0x80) {
        *o++ = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    *o++ = (uint8_t)v;
    return o;
}

/* NULL when the varint runs past end or past 64 bits. */
static const uint8_t *get_var(const uint8_t *in, const uint8_t *end, uint64_t *v)
{
    uint64_t x = 0;
    for (unsigned shift = 0; in < end && shift < 64; shift += 7) {
        uint8_t b = *in++;
        x |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *v = x;
            return in;
        }
    }
    return NULL;
}

/* A u32 field: NULL when the varint is damaged or does not fit. */
static const uint8_t *get_u32(const uint8_t *in, const uint8_t *end, uint32_t *v)
{
    uint64_t x;
    if (!(in = get_var(in, end, &x)) || x > UINT32_MAX)
        return NULL;
    *v = (uint32_t)x;
    return in;
}

size_t vg_seg_row_pack(uint8_t *out, const vg_seg_entry *e)
{
    uint8_t *o = out + 1;
    uint8_t has = 0;
    if (e->size != -1) {
        has |= ROW_SIZE;
        o = put_var(o, ((uint64_t)e->size << 1) ^ (uint64_t)(e->size >> 63));
    }
    if (e->record) {
        has |= ROW_RECORD;
        o = put_var(o, e->record);
    }
    if (e->label != VG_SEG_NONE) {
        has |= ROW_LABEL;
        o = put_var(o, e->label);
    }
    if (e->profile != VG_SEG_NONE) {
        has |= ROW_PROFILE;
        o = put_var(o, e->profile);
    }
    if (e->source != VG_SEG_NONE) {
        has |= ROW_SOURCE;
        o = put_var(o, e->source);
    }
    if (e->merged) {
        has |= ROW_MERGED;
        o = put_var(o, e->merged);
    }
    if (e->flags) {
        has |= ROW_FLAGS;
        *o++ = e->flags;
    }
    if (e->pdq_quality != -1) {
        has |= ROW_QUALITY;
        *o++ = (uint8_t)e->pdq_quality;
    }
    if (e->mask & VG_SEG_HAS_PDQ) {
        memcpy(o, e->pdq, 32);
        o += 32;
    }
    if (e->mask & VG_SEG_HAS_PHOTODNA)
        o = put_var(o, e->photodna);
    out[0] = has;
    return (size_t)(o - out);
}

int vg_seg_row_unpack(vg_seg_entry *e, const uint8_t *in, size_t n, uint8_t mask)
{
    const uint8_t *end = in + n;
    uint64_t v;
    uint8_t has;
    if (n < 1)
        return -1;
    has = *in++;
    e->size = -1;
    e->record = 0;
    e->label = e->profile = e->source = e->photodna = VG_SEG_NONE;
    e->merged = 0;
    e->flags = 0;
    e->pdq_quality = -1;
    memset(e->pdq, 0, 32);
    if (has & ROW_SIZE) {
        if (!(in = get_var(in, end, &v)))
            return -1;
        e->size = (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
    }
    if ((has & ROW_RECORD) && !(in = get_var(in, end, &e->record)))
        return -1;
    if ((has & ROW_LABEL) && !(in = get_u32(in, end, &e->label)))
        return -1;
    if ((has & ROW_PROFILE) && !(in = get_u32(in, end, &e->profile)))
        return -1;
    if ((has & ROW_SOURCE) && !(in = get_u32(in, end, &e->source)))
        return -1;
    if ((has & ROW_MERGED) && !(in = get_u32(in, end, &e->merged)))
        return -1;
    if (has & ROW_FLAGS) {
        if (in >= end)
            return -1;
        e->flags = *in++;
    }
    if (has & ROW_QUALITY) {
        if (in >= end)
            return -1;
        e->pdq_quality = (int8_t)*in++;
    }
    if (mask & VG_SEG_HAS_PDQ) {
        if (end - in < 32)
            return -1;
        memcpy(e->pdq, in, 32);
        in += 32;
    }
    if ((mask & VG_SEG_HAS_PHOTODNA) && !(in = get_u32(in, end, &e->photodna)))
        return -1;
    return in == end ? 0 : -1;
}

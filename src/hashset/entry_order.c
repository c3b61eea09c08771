/*
 * Entries in the import's sort: identity (the strongest digest), order, and
 * a packed form holding only the digests the mask names and the fields that
 * are set, numbers as varints. An MD5-only list line packs to about 26 of its
 * 160 bytes, so a batch holds six times as many and a 2-million-line list is
 * sorted without a run file.
 */
#include <string.h>

#include "hashset/entry_order.h"

/* The digest an entry is known by: the strongest it has. */
static const uint8_t *primary(const vg_seg_entry *e, int *alg, size_t *len)
{
    if (e->mask & VG_SEG_HAS_SHA256)
        return *alg = 3, *len = 32, e->sha256;
    if (e->mask & VG_SEG_HAS_SHA1)
        return *alg = 2, *len = 20, e->sha1;
    if (e->mask & VG_SEG_HAS_MD5)
        return *alg = 1, *len = 16, e->md5;
    if (e->mask & VG_SEG_HAS_PDQ)
        return *alg = 4, *len = 32, e->pdq;
    *alg = 5; /* PhotoDNA only: never merged */
    *len = 0;
    return NULL;
}

static uint32_t entry_bucket(const void *rec)
{
    int alg;
    size_t len;
    const uint8_t *d = primary(rec, &alg, &len);
    return d ? (uint32_t)(d[0] << 8 | d[1]) : 0;
}

int vg_entry_same_identity(const vg_seg_entry *a, const vg_seg_entry *b)
{
    int aa, ab;
    size_t la, lb;
    const uint8_t *da = primary(a, &aa, &la), *db = primary(b, &ab, &lb);
    uint32_t ka = da ? (uint32_t)(da[0] << 8 | da[1]) : 0, kb = db ? (uint32_t)(db[0] << 8 | db[1]) : 0;
    (void)lb;
    if (ka != kb)
        return ka < kb ? -1 : 1;
    if (aa != ab)
        return aa < ab ? -1 : 1;
    if (!da)
        return a->record < b->record ? -1 : a->record > b->record; /* PhotoDNA only: each its own */
    return vg_digest_cmp(da, db, la);
}

/* Identity, then the order records were read: the first record of a digest leads its entry. */
static int entry_cmp(const void *pa, const void *pb)
{
    const vg_seg_entry *a = pa, *b = pb;
    int d = vg_entry_same_identity(a, b);
    if (d)
        return d;
    return (a->record > b->record) - (a->record < b->record);
}

/* The order's first 64 bits: bucket, algorithm, then the digest's next five bytes. */
static uint64_t entry_key(const void *rec)
{
    int alg;
    size_t len;
    const uint8_t *d = primary(rec, &alg, &len);
    uint64_t k = (uint64_t)alg << 40;
    if (d)
        k |= (uint64_t)d[0] << 56 | (uint64_t)d[1] << 48 | (uint64_t)d[2] << 32 | (uint64_t)d[3] << 24 |
             (uint64_t)d[4] << 16 | (uint64_t)d[5] << 8 | d[6];
    return k;
}

/*
 * The packed form: mask, a byte saying which fields follow, the digests the
 * mask names, then size (zigzag), record and source as varints, and the
 * fields that are set. Absent digests are zero and absent names VG_SEG_NONE
 * in every entry, so unpacking gives back the same bytes. The sort's own
 * scratch: never part of a segment.
 */
enum {
    PK_PHOTODNA = 1,
    PK_CATEGORY = 2,
    PK_LABEL = 4,
    PK_PROFILE = 8,
    PK_SERIES = 16,
    PK_MERGED = 32,
    PK_EXTID = 64,
    PK_MISC = 128, /* flags, severity and PDQ quality follow (absent: 0, -1, -1) */
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

static const uint8_t *get_var(const uint8_t *in, uint64_t *v)
{
    uint64_t x = 0;
    unsigned shift = 0;
    while (*in & 0x80) {
        x |= (uint64_t)(*in++ & 0x7f) << shift;
        shift += 7;
    }
    *v = x | (uint64_t)*in++ << shift;
    return in;
}

static const uint8_t *get_u32(const uint8_t *in, uint32_t *v)
{
    uint64_t x;
    in = get_var(in, &x);
    *v = (uint32_t)x;
    return in;
}

static size_t entry_pack(uint8_t *out, const void *rec)
{
    const vg_seg_entry *e = rec;
    uint8_t *o = out + 2;
    uint8_t has = (uint8_t)((e->photodna != VG_SEG_NONE ? PK_PHOTODNA : 0) | (e->category != VG_SEG_NONE ? PK_CATEGORY : 0) |
                            (e->label != VG_SEG_NONE ? PK_LABEL : 0) | (e->profile != VG_SEG_NONE ? PK_PROFILE : 0) |
                            (e->series != VG_SEG_NONE ? PK_SERIES : 0) | (e->merged ? PK_MERGED : 0) |
                            (e->extid ? PK_EXTID : 0) |
                            (e->flags || e->severity != -1 || e->pdq_quality != -1 ? PK_MISC : 0));
    out[0] = e->mask;
    out[1] = has;
    if (e->mask & VG_SEG_HAS_MD5)
        memcpy(o, e->md5, 16), o += 16;
    if (e->mask & VG_SEG_HAS_SHA1)
        memcpy(o, e->sha1, 20), o += 20;
    if (e->mask & VG_SEG_HAS_SHA256)
        memcpy(o, e->sha256, 32), o += 32;
    if (e->mask & VG_SEG_HAS_PDQ)
        memcpy(o, e->pdq, 32), o += 32;
    o = put_var(o, (uint64_t)e->size << 1 ^ (uint64_t)(e->size >> 63));
    o = put_var(o, e->record);
    o = put_var(o, e->source);
    if (has & PK_MISC) {
        *o++ = e->flags;
        *o++ = (uint8_t)e->severity;
        *o++ = (uint8_t)e->pdq_quality;
    }
    if (has & PK_PHOTODNA)
        o = put_var(o, e->photodna);
    if (has & PK_CATEGORY)
        o = put_var(o, e->category);
    if (has & PK_LABEL)
        o = put_var(o, e->label);
    if (has & PK_PROFILE)
        o = put_var(o, e->profile);
    if (has & PK_SERIES)
        o = put_var(o, e->series);
    if (has & PK_MERGED)
        o = put_var(o, e->merged);
    if (has & PK_EXTID)
        memcpy(o, &e->extid, 8), o += 8;
    return (size_t)(o - out);
}

static void entry_unpack(void *rec, const uint8_t *in, size_t n)
{
    vg_seg_entry *e = rec;
    uint8_t has = in[1];
    uint64_t v;
    (void)n;
    memset(e, 0, sizeof *e);
    e->mask = in[0];
    in += 2;
    if (e->mask & VG_SEG_HAS_MD5)
        memcpy(e->md5, in, 16), in += 16;
    if (e->mask & VG_SEG_HAS_SHA1)
        memcpy(e->sha1, in, 20), in += 20;
    if (e->mask & VG_SEG_HAS_SHA256)
        memcpy(e->sha256, in, 32), in += 32;
    if (e->mask & VG_SEG_HAS_PDQ)
        memcpy(e->pdq, in, 32), in += 32;
    in = get_var(in, &v);
    e->size = (int64_t)(v >> 1 ^ (~(v & 1) + 1));
    in = get_var(in, &e->record);
    in = get_u32(in, &e->source);
    e->severity = e->pdq_quality = -1;
    if (has & PK_MISC) {
        e->flags = in[0];
        e->severity = (int8_t)in[1];
        e->pdq_quality = (int8_t)in[2];
        in += 3;
    }
    e->photodna = e->category = e->label = e->profile = e->series = VG_SEG_NONE;
    if (has & PK_PHOTODNA)
        in = get_u32(in, &e->photodna);
    if (has & PK_CATEGORY)
        in = get_u32(in, &e->category);
    if (has & PK_LABEL)
        in = get_u32(in, &e->label);
    if (has & PK_PROFILE)
        in = get_u32(in, &e->profile);
    if (has & PK_SERIES)
        in = get_u32(in, &e->series);
    if (has & PK_MERGED)
        in = get_u32(in, &e->merged);
    if (has & PK_EXTID)
        memcpy(&e->extid, in, 8);
}

void vg_entry_sort_spec(vg_xsort_spec *spec, size_t memory, const char *dir, const char *prefix)
{
    *spec = (vg_xsort_spec){sizeof(vg_seg_entry), entry_bucket, entry_cmp, memory, dir, prefix,
                            entry_key, entry_pack, entry_unpack, 0};
}

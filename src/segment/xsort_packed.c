/*
 * Bucketed batches of packed records: blocks are handed out from one
 * allocation as buckets need them; a bucket is sorted when a cursor reaches
 * it (a counting sort on the key's next 8 bits, then a short sort, equal keys
 * ordered by the full records).
 */
#include <stdlib.h>
#include <string.h>

#include "core/huge_alloc.h"
#include "segment/xsort_packed.h"

#define BLOCK (4u << 10)
#define NONE UINT32_MAX
#define SMALL 24            /* insertion sort up to this many records */

int vg_pbatch_init(vg_pbatch *b, size_t bytes)
{
    memset(b, 0, sizeof *b);
    if (bytes < 4 * BLOCK)
        bytes = 4 * BLOCK;
    if (bytes > UINT32_MAX) /* a cursor names a record by its 32-bit offset */
        bytes = UINT32_MAX;
    b->maxblocks = (uint32_t)(bytes / BLOCK);
    b->bytes = (size_t)b->maxblocks * BLOCK;
    /* as many buckets as leave each 16 blocks or more: half-filled last blocks waste a thirty-second */
    b->nbuckets = 1;
    b->shift = 64;
    while (b->nbuckets < VG_PB_MAX_BUCKETS && b->nbuckets * 2 * 16 <= b->maxblocks) {
        b->nbuckets *= 2;
        b->shift--;
    }
    b->mem = vg_huge_alloc(b->bytes);
    b->next = malloc(b->maxblocks * sizeof *b->next);
    b->len = malloc(b->maxblocks * sizeof *b->len);
    if (!b->mem || !b->next || !b->len) {
        vg_pbatch_dispose(b);
        return -1;
    }
    vg_pbatch_reset(b);
    return 0;
}

void vg_pbatch_dispose(vg_pbatch *b)
{
    free(b->mem);
    free(b->next);
    free(b->len);
    memset(b, 0, sizeof *b);
}

void vg_pbatch_reset(vg_pbatch *b)
{
    for (uint32_t k = 0; k < b->nbuckets; k++) {
        b->head[k] = b->tail[k] = NONE;
        b->count[k] = 0;
    }
    b->nblocks = 0;
    b->n = 0;
}

int vg_pbatch_full(const vg_pbatch *b)
{
    return b->nblocks == b->maxblocks;
}

static uint32_t bucket_of(const vg_pbatch *b, uint64_t key)
{
    return b->shift == 64 ? 0 : (uint32_t)(key >> b->shift);
}

uint8_t *vg_pbatch_place(vg_pbatch *b, uint64_t key)
{
    uint32_t k = bucket_of(b, key), t = b->tail[k];
    if (t == NONE || b->len[t] + VG_PB_HEAD + 255 > BLOCK) { /* the rest of a block is left unused */
        uint32_t nb = b->nblocks++;
        b->next[nb] = NONE;
        b->len[nb] = 0;
        if (t == NONE)
            b->head[k] = nb;
        else
            b->next[t] = nb;
        b->tail[k] = t = nb;
    }
    return b->mem + (size_t)t * BLOCK + b->len[t];
}

void vg_pbatch_commit(vg_pbatch *b, uint64_t key, size_t n)
{
    uint32_t k = bucket_of(b, key), t = b->tail[k];
    uint8_t *p = b->mem + (size_t)t * BLOCK + b->len[t];
    memcpy(p, &key, 8);
    p[VG_PB_HEAD - 1] = (uint8_t)n;
    b->len[t] += (uint32_t)(VG_PB_HEAD + n);
    b->count[k]++;
    b->n++;
}

int vg_pcursor_init(vg_pcursor *c, const vg_pbatch *b, const vg_pb_order *o)
{
    memset(c, 0, sizeof *c);
    c->b = b;
    c->o = *o;
    c->tie[0] = malloc(o->rec_size);
    c->tie[1] = malloc(o->rec_size);
    if (!c->tie[0] || !c->tie[1]) {
        vg_pcursor_dispose(c);
        return -1;
    }
    return 0;
}

void vg_pcursor_dispose(vg_pcursor *c)
{
    free(c->ord);
    free(c->tmp);
    free(c->tie[0]);
    free(c->tie[1]);
    memset(c, 0, sizeof *c);
}

/* Ties on the key are rare (equal digests): then the full records decide. */
static int ent_cmp(const vg_pcursor *c, const struct vg_pb_ent *a, const struct vg_pb_ent *b)
{
    const uint8_t *ra, *rb;
    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    ra = c->b->mem + a->off;
    rb = c->b->mem + b->off;
    c->o.unpack(c->tie[0], ra + VG_PB_HEAD, ra[VG_PB_HEAD - 1]);
    c->o.unpack(c->tie[1], rb + VG_PB_HEAD, rb[VG_PB_HEAD - 1]);
    return c->o.cmp(c->tie[0], c->tie[1]);
}

/* Insertion sort of a few entries; larger runs (keys crowding one place) by merging halves. */
static void ent_sort(const vg_pcursor *c, struct vg_pb_ent *o, struct vg_pb_ent *scratch, size_t n)
{
    if (n <= SMALL) {
        for (size_t i = 1; i < n; i++) {
            struct vg_pb_ent v = o[i];
            size_t j = i;
            for (; j > 0 && ent_cmp(c, &v, &o[j - 1]) < 0; j--)
                o[j] = o[j - 1];
            o[j] = v;
        }
        return;
    }
    size_t h = n / 2, i = 0, j = h, k = 0;
    ent_sort(c, o, scratch, h);
    ent_sort(c, o + h, scratch, n - h);
    while (i < h && j < n)
        scratch[k++] = ent_cmp(c, &o[j], &o[i]) < 0 ? o[j++] : o[i++];
    while (i < h)
        scratch[k++] = o[i++];
    memcpy(o, scratch, k * sizeof *o); /* what is left of the second half is in place */
}

/* Sort the next bucket that has records into c->ord; 0 when none is left, -1 out of memory. */
static int next_bucket(vg_pcursor *c)
{
    const vg_pbatch *b = c->b;
    uint32_t count[257];
    size_t n;
    while (c->bucket < b->nbuckets && b->count[c->bucket] == 0)
        c->bucket++;
    if (c->bucket == b->nbuckets)
        return 0;
    n = b->count[c->bucket];
    if (n > c->cap) {
        free(c->ord);
        free(c->tmp);
        c->ord = malloc(n * sizeof *c->ord);
        c->tmp = malloc(n * sizeof *c->tmp);
        if (!c->ord || !c->tmp) {
            c->failed = 1;
            c->cap = 0;
            return -1;
        }
        c->cap = n;
    }
    /* gather in arrival order, counting the key's next 8 bits below the bucket's */
    unsigned sub = b->shift >= 8 ? b->shift - 8 : 0;
    memset(count, 0, sizeof count);
    n = 0;
    for (uint32_t blk = b->head[c->bucket]; blk != NONE; blk = b->next[blk]) {
        size_t base = (size_t)blk * BLOCK;
        for (uint32_t off = 0; off < b->len[blk];) {
            const uint8_t *p = b->mem + base + off;
            uint64_t key;
            memcpy(&key, p, 8);
            c->tmp[n++] = (struct vg_pb_ent){key, (uint32_t)(base + off)};
            count[((key >> sub) & 0xff) + 1]++;
            off += VG_PB_HEAD + p[VG_PB_HEAD - 1];
        }
    }
    for (int k = 0; k < 256; k++)
        count[k + 1] += count[k];
    for (size_t i = 0; i < n; i++)
        c->ord[count[(c->tmp[i].key >> sub) & 0xff]++] = c->tmp[i];
    for (size_t k = 0, start = 0; k < 256; k++) { /* count[k] is now the end of sub-bucket k */
        ent_sort(c, c->ord + start, c->tmp, count[k] - start);
        start = count[k];
    }
    c->n = n;
    c->i = 0;
    c->bucket++;
    return 1;
}

const uint8_t *vg_pcursor_next(vg_pcursor *c, uint64_t *key)
{
    const uint8_t *p;
    if (c->i == c->n && next_bucket(c) <= 0)
        return NULL;
    if (c->i + 4 < c->n) /* in sorted order the records of a bucket are read out of place */
        __builtin_prefetch(c->b->mem + c->ord[c->i + 4].off);
    p = c->b->mem + c->ord[c->i].off;
    *key = c->ord[c->i++].key;
    return p + VG_PB_HEAD - 1;
}

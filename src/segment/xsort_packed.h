/*
 * A batch of packed records for the external sort (xsort.c), kept in order
 * of arrival within buckets: each record goes to the bucket of its key's top
 * bits, into that bucket's chain of 4 KiB blocks. Reading the batch in order
 * sorts one bucket at a time (64 KiB or so, in cache) instead of
 * jumping all over the batch, and needs no order array for the whole batch.
 * A record is (u64 key, u8 length, packed bytes).
 */
#ifndef VG_SEGMENT_XSORT_PACKED_H
#define VG_SEGMENT_XSORT_PACKED_H
#include <stddef.h>
#include <stdint.h>

#define VG_PB_HEAD 9        /* a record's key and length byte */
#define VG_PB_MAX_BUCKETS 1024

typedef struct vg_pbatch {
    uint8_t *mem;
    size_t bytes;
    unsigned shift;         /* bucket = key >> shift */
    uint32_t nbuckets, nblocks, maxblocks;
    uint32_t *next, *len;   /* per block: the bucket's next block, bytes used */
    uint32_t head[VG_PB_MAX_BUCKETS], tail[VG_PB_MAX_BUCKETS], count[VG_PB_MAX_BUCKETS];
    uint64_t n;
} vg_pbatch;

/* A batch of at most bytes (at least 4 blocks); -1 when out of memory. */
int vg_pbatch_init(vg_pbatch *b, size_t bytes);
void vg_pbatch_dispose(vg_pbatch *b);
void vg_pbatch_reset(vg_pbatch *b);
/* No room left for a record of any bucket. */
int vg_pbatch_full(const vg_pbatch *b);
/*
 * Where a record with this key goes (room for the longest, 255 bytes): the
 * caller packs it at the returned place + VG_PB_HEAD and then calls
 * vg_pbatch_commit with its length. Only when !vg_pbatch_full.
 */
uint8_t *vg_pbatch_place(vg_pbatch *b, uint64_t key);
void vg_pbatch_commit(vg_pbatch *b, uint64_t key, size_t n);

/* Order of records with equal keys: cmp on the records unpacked. */
typedef struct vg_pb_order {
    size_t rec_size;
    int (*cmp)(const void *a, const void *b);
    void (*unpack)(void *rec, const uint8_t *in, size_t n);
} vg_pb_order;

/* Reads a batch in order, a bucket at a time. */
typedef struct vg_pcursor {
    const vg_pbatch *b;
    vg_pb_order o;
    uint32_t bucket;        /* the next bucket to sort */
    struct vg_pb_ent { uint64_t key; uint32_t off; } *ord, *tmp;
    size_t n, i, cap;
    uint8_t *tie[2];
    int failed;             /* out of memory sorting a bucket */
} vg_pcursor;

int vg_pcursor_init(vg_pcursor *c, const vg_pbatch *b, const vg_pb_order *o);
/* The next record in order (its length byte, then its bytes) and its key; NULL at the end (or failed). */
const uint8_t *vg_pcursor_next(vg_pcursor *c, uint64_t *key);
void vg_pcursor_dispose(vg_pcursor *c);

#endif

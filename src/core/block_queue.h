/*
 * A bounded queue of byte blocks from one producer thread to one consumer:
 * the producer fills a free block and puts it; the consumer takes blocks in
 * the order they were put and gives each back. Memory stays at the blocks
 * made at the start (a block grows only for an item bigger than it). Either
 * side may end early: close (producer: no more blocks) or stop (consumer:
 * wants no more; the producer's next vg_bq_get returns NULL).
 */
#ifndef VG_CORE_BLOCK_QUEUE_H
#define VG_CORE_BLOCK_QUEUE_H
#include <stddef.h>

typedef struct vg_bq vg_bq;

typedef struct vg_bq_block {
    unsigned char *p;
    size_t len, cap;
} vg_bq_block;

/* nblocks blocks of cap bytes each; -1 when out of memory. */
int vg_bq_new(vg_bq **out, unsigned nblocks, size_t cap);
/* Producer: an empty block (waits for one); NULL once the consumer stopped. */
vg_bq_block *vg_bq_get(vg_bq *q);
/* Producer: hand a filled block to the consumer. */
void vg_bq_put(vg_bq *q, vg_bq_block *b);
/* Producer: nothing more will be put. */
void vg_bq_close(vg_bq *q);
/* Consumer: the next block put (waits for one); NULL when closed and all taken. */
vg_bq_block *vg_bq_take(vg_bq *q);
/* Consumer: give a taken block back, emptied. */
void vg_bq_release(vg_bq *q, vg_bq_block *b);
/* Consumer: no more blocks are wanted; wakes a producer waiting in vg_bq_get. */
void vg_bq_stop(vg_bq *q);
/* At least need free bytes at the end of b; -1 when out of memory. */
int vg_bq_reserve(vg_bq_block *b, size_t need);
/* Both sides done (the producer thread joined). */
void vg_bq_free(vg_bq *q);

#endif

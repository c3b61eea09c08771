/*
 * How much decoding memory the readers of one process hold at the same time.
 * Decoding a large picture needs many times its encoded size (a progressive
 * JPEG keeps every DCT coefficient of the whole picture: about 4 bytes a
 * pixel; libwebp's RGB output is 3), so two readers that meet two wallpapers
 * at once would each hold that. A reader takes its picture's decode weight
 * (media/decode_weight.h: read from the header, before decoding) from the
 * budget and gives it back after; it waits while it does not fit. A picture
 * heavier than the whole budget is decoded alone, never refused, so peak
 * memory is set by the largest single picture rather than by the largest two.
 */
#ifndef VG_SCAN_DECODE_BUDGET_H
#define VG_SCAN_DECODE_BUDGET_H
#include <pthread.h>
#include <stddef.h>

/* Decode weight held at the same time by the readers of one process: two 12-megapixel baseline
   JPEGs or two 2-megapixel progressive ones side by side, two 4096 x 4096 WebPs one after the other. */
#define VG_DECODE_BUDGET_BYTES ((size_t)64 << 20)

/* A picture lighter than this is not worth a wait: the scanning process takes the budget for a file
   it hands to a parser worker only from this weight up (icons and photos pass at once). */
#define VG_DECODE_HEAVY_BYTES ((size_t)16 << 20)

typedef struct vg_decode_budget {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    size_t cap;     /* bytes that may be in use together */
    size_t used;    /* bytes taken and not yet given back */
} vg_decode_budget;

#define VG_DECODE_BUDGET_INIT(cap_) {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, (cap_), 0}

/* The budget the scan's readers share. */
vg_decode_budget *vg_decode_budget_shared(void);
/* Take n bytes: waits until they fit, or until nothing is in use when n alone is over cap. */
void vg_decode_budget_take(vg_decode_budget *b, size_t n);
/* Take n bytes only if that needs no wait; 1 taken, 0 not. */
int vg_decode_budget_try(vg_decode_budget *b, size_t n);
/* Give back n bytes taken before. */
void vg_decode_budget_give(vg_decode_budget *b, size_t n);

#endif

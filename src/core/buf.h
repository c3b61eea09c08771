/*
 * vg_buf: the one growable byte buffer. Always NUL-terminated, capped at the
 * size given to vg_buf_init, and sticky on failure so a run of appends is
 * checked once with vg_buf_failed(). Not shared between threads.
 */
#ifndef VG_CORE_BUF_H
#define VG_CORE_BUF_H
#include <stddef.h>
#include <stdint.h>

typedef struct vg_buf {
    char *ptr;
    size_t len;
    size_t cap;   /* allocated bytes */
    size_t max;   /* largest len allowed */
    int failed;
} vg_buf;

void vg_buf_init(vg_buf *b, size_t max);
void vg_buf_dispose(vg_buf *b);
void vg_buf_reset(vg_buf *b);            /* len = 0, keeps memory, clears failure */
int vg_buf_grow(vg_buf *b, size_t extra); /* 0 or -1 (and sticky failure) */
void vg_buf_add(vg_buf *b, const void *p, size_t n);
void vg_buf_adds(vg_buf *b, const char *s);
void vg_buf_addc(vg_buf *b, char c);
void vg_buf_addf(vg_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline int vg_buf_failed(const vg_buf *b) { return b->failed; }
/* Hand the memory to the caller (NULL on failure); the buffer is reset to empty. */
char *vg_buf_detach(vg_buf *b, size_t *len_out);

#endif

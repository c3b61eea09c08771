/*
 * Fuzz target: the picture carver (src/carve/) over the input as one extent
 * read through a memory pread, then again split into two extents and read
 * through a 64-byte window. Both runs must report the same pictures: the
 * window and the extent boundaries never change what is carved. Errors are
 * fine; crashes, leaks, undefined behaviour and a disagreement are not.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "carve/carve_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct mem {
    const uint8_t *p;
    size_t n;
} mem;

typedef struct found {
    uint64_t offset[64], length[64];
    size_t n;
} found;

static volatile uint8_t sink; /* keeps the reads of the lent bytes */

static ssize_t mem_pread(void *ctx, void *buf, size_t n, uint64_t off)
{
    const mem *m = ctx;
    if (off >= m->n)
        return 0;
    if (n > m->n - off)
        n = (size_t)(m->n - off);
    if (n > 4093) /* short reads too */
        n = 4093;
    memcpy(buf, m->p + off, n);
    return (ssize_t)n;
}

static int on_hit(void *ud, const vg_carve_hit *hit, vigil_error *err)
{
    found *f = ud;
    (void)err;
    for (uint64_t i = 0; i < hit->length; i += 512) /* every byte lent must be readable */
        sink ^= hit->data[i];
    sink ^= hit->data[hit->length - 1];
    if (f->n < 64) {
        f->offset[f->n] = hit->offset;
        f->length[f->n] = hit->length;
    }
    f->n++;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mem m = {data, size};
    vg_carve_opts o = {.max_size = 1u << 20};
    vg_carve_extent one = {0, size}, two[2] = {{0, size / 3}, {size / 3, size - size / 3}};
    found a = {0}, b = {0};
    vg_carve_stats sa, sb;
    int ra = vg_carve(&one, 1, mem_pread, &m, &o, on_hit, &a, &sa, NULL);
    int rb = vg_carve_windowed(two, 2, mem_pread, &m, &o, 64, on_hit, &b, &sb, NULL);
    if (ra != rb || a.n != b.n || sa.candidates != sb.candidates || sa.rejected != sb.rejected ||
        sa.candidates != sa.carved + sa.rejected || sa.bytes_scanned != size)
        abort();
    for (size_t i = 0; i < a.n && i < 64; i++)
        if (a.offset[i] != b.offset[i] || a.length[i] != b.length[i])
            abort();
    return 0;
}

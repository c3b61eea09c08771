/*
 * Lookups that read keys with pread (vg_seg_read_rows): the prefix slot of
 * the digest names the range of keys to read, a few dozen in a table sized
 * to its keys; they are read in chunks and walked in order. A mapped lookup
 * is faster (a few hundred nanoseconds against a few microseconds), but every
 * key page it touches stays resident: over a scan, nearly the whole key table.
 */
#include <errno.h>
#include <unistd.h>

#include "segment/segment.h"

#define CHUNK 64 /* keys read at a time: a slot of a table sized to its keys fits in one */

/* n bytes at off of the segment file; 0 done. */
static int read_at(const vg_segment *s, void *buf, size_t n, uint64_t off)
{
    size_t got = 0;
    while (got < n) {
        ssize_t k = pread(s->fd, (uint8_t *)buf + got, n - got, (off_t)(off + got));
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        got += (size_t)k;
    }
    return 0;
}

size_t vg_seg_read_rows(const vg_segment *s, int a, const uint8_t *d, uint32_t *rows, size_t cap)
{
    uint8_t buf[CHUNK * (32 + 4)];
    size_t dlen = vg_seg_digest_len[a], rsize = dlen + 4, n = 0;
    uint64_t x, lo, hi, keys = s->h->sec[VG_SEC_KEYS_MD5 + 2 * a].off;
    if (!s->nkeys[a])
        return 0;
    x = vg_seg_slot(s, a, d);
    lo = s->prefix[a][x];
    hi = s->prefix[a][x + 1];
    if (hi > s->nkeys[a] || lo >= hi)
        return 0; /* none, or a damaged prefix table: no match rather than a read out of bounds */
    /* the run of keys equal to d may go on past its slot's end (it cannot start after it) */
    for (uint64_t at = lo; at < s->nkeys[a]; at += CHUNK) {
        size_t k = s->nkeys[a] - at < CHUNK ? (size_t)(s->nkeys[a] - at) : CHUNK;
        if (n == 0 && at >= hi)
            return 0;
        if (read_at(s, buf, k * rsize, keys + at * rsize) < 0)
            return 0;
        for (size_t i = 0; i < k; i++) {
            int c = vg_digest_cmp(buf + i * rsize, d, dlen);
            if (c < 0)
                continue;
            if (c > 0)
                return n;
            if (n < cap)
                __builtin_memcpy(&rows[n], buf + i * rsize + dlen, 4);
            n++;
        }
    }
    return n;
}

/*
 * The L1 and L2 tables of a qcow2/qcow3 image (qemu's docs/interop/qcow2.txt),
 * read once to find the clusters a cut file no longer holds (qcow_check.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source/qcow_check.h"

#define OFFSET_MASK 0x00fffffffffffe00ULL  /* bits 9-55: a table's or a standard cluster's host offset */
#define L1_MAX ((uint64_t)32 << 20)        /* bytes of L1 table qemu allows */

static uint64_t be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int read_all(vg_qcow_pread rd, void *ud, void *buf, size_t n, uint64_t off)
{
    return rd(ud, buf, n, off) == (long long)n ? 0 : -1;
}

/* Add the media range [start, end) (clipped to the media), merged with the last when they touch. */
static int lose(vg_qcow_lost *l, uint64_t start, uint64_t end, uint64_t media, uint64_t clusters)
{
    if (end > media)
        end = media;
    if (start >= end)
        return 0;
    l->clusters += clusters;
    if (l->n && l->ranges[l->n - 1][1] == start) {
        l->ranges[l->n - 1][1] = end;
        return 0;
    }
    if (l->n == l->cap) {
        size_t ncap = l->cap ? l->cap * 2 : 16;
        uint64_t(*p)[2] = realloc(l->ranges, ncap * sizeof *p);
        if (!p)
            return -1;
        l->ranges = p;
        l->cap = ncap;
    }
    l->ranges[l->n][0] = start;
    l->ranges[l->n][1] = end;
    l->n++;
    return 0;
}

/* The entries of one L2 table (media from base): clusters stored past the end are lost. */
static int check_l2(vg_qcow_lost *l, const uint8_t *t, uint64_t entries, unsigned esize, unsigned bits,
                    uint64_t base, uint64_t media, uint64_t file_size)
{
    uint64_t cs = (uint64_t)1 << bits;
    for (uint64_t j = 0; j < entries; j++) {
        uint64_t v = be64(t + j * esize), host;
        if (v & (1ULL << 62)) /* compressed: the offset's width depends on the cluster size */
            host = v & ((1ULL << (62 - (bits - 8))) - 1);
        else
            host = v & OFFSET_MASK;
        if (!host) /* unallocated, or reads as zeros */
            continue;
        if ((v & (1ULL << 62) ? host >= file_size : host > file_size || file_size - host < cs) &&
            lose(l, base + j * cs, base + (j + 1) * cs, media, 1) < 0)
            return -1;
    }
    return 0;
}

int vg_qcow_check(vg_qcow_lost *lost, vg_qcow_pread rd, void *ud, uint64_t file_size, char *why, size_t cap)
{
    uint8_t h[104], *l1 = NULL, *l2 = NULL;
    uint64_t media, l1_off, l1_bytes, cs, entries;
    uint32_t version, bits, l1_size;
    unsigned esize = 8;
    int rc = 0;
    memset(lost, 0, sizeof *lost);
    if (read_all(rd, ud, h, 72, 0) < 0 || memcmp(h, "QFI\xfb", 4) != 0)
        return snprintf(why, cap, "qcow header unreadable"), -1;
    version = be32(h + 4);
    if (version < 2 || version > 3)
        return 0; /* qcow 1 keeps other tables; what libqcow does not open it refuses itself */
    bits = be32(h + 20);
    media = be64(h + 24);
    l1_size = be32(h + 36);
    l1_off = be64(h + 40);
    if (version == 3 && read_all(rd, ud, h + 72, 8, 72) == 0 && (be64(h + 72) & (1ULL << 4)))
        esize = 16; /* extended L2 entries: the second half maps subclusters */
    if (bits < 9 || bits > 21)
        return snprintf(why, cap, "qcow header: cluster size 2^%u out of range", bits), -1;
    cs = (uint64_t)1 << bits;
    entries = cs / esize;
    l1_bytes = (uint64_t)l1_size * 8;
    if (l1_bytes > L1_MAX || l1_off > file_size || file_size - l1_off < l1_bytes)
        return snprintf(why, cap, "qcow L1 table (%llu bytes at offset %llu) is not inside the file of %llu bytes",
                        (unsigned long long)l1_bytes, (unsigned long long)l1_off, (unsigned long long)file_size), -1;
    if (!(l1 = malloc(l1_bytes ? l1_bytes : 1)) || !(l2 = malloc(cs)))
        goto oom;
    if (read_all(rd, ud, l1, l1_bytes, l1_off) < 0) {
        snprintf(why, cap, "qcow L1 table at offset %llu unreadable", (unsigned long long)l1_off);
        rc = -1;
        goto done;
    }
    for (uint64_t i = 0; i < l1_size; i++) {
        uint64_t l2_off = be64(l1 + i * 8) & OFFSET_MASK, base = i * entries * cs;
        if (!l2_off)
            continue;
        if (base >= media)
            break;
        if (l2_off > file_size || file_size - l2_off < cs) { /* the table itself is gone: all it maps */
            if (lose(lost, base, base + entries * cs, media, entries) < 0)
                goto oom;
            continue;
        }
        if (read_all(rd, ud, l2, cs, l2_off) < 0) {
            snprintf(why, cap, "qcow L2 table at offset %llu unreadable", (unsigned long long)l2_off);
            rc = -1;
            goto done;
        }
        if (check_l2(lost, l2, entries, esize, bits, base, media, file_size) < 0)
            goto oom;
    }
    goto done;
oom:
    snprintf(why, cap, "out of memory");
    rc = -1;
done:
    free(l1);
    free(l2);
    if (rc < 0)
        vg_qcow_lost_free(lost);
    return rc;
}

int vg_qcow_lost_hits(const vg_qcow_lost *lost, uint64_t off, uint64_t n)
{
    size_t lo = 0, hi = lost->n;
    if (!n)
        return 0;
    while (lo < hi) { /* the first range that ends after off */
        size_t mid = lo + (hi - lo) / 2;
        if (lost->ranges[mid][1] <= off)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < lost->n && lost->ranges[lo][0] < off + n;
}

void vg_qcow_lost_free(vg_qcow_lost *lost)
{
    free(lost->ranges);
    memset(lost, 0, sizeof *lost);
}

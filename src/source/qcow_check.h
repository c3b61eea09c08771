/*
 * The clusters of a qcow2/qcow3 image that its file no longer holds. libqcow
 * copies past its buffer when a cluster (or an L2 table) it maps lies beyond
 * the end of a cut file, so the image source reads the L1 and L2 tables first
 * and refuses reads of those clusters itself: they become read errors, and
 * the rest of the image is read as usual.
 */
#ifndef VG_SOURCE_QCOW_CHECK_H
#define VG_SOURCE_QCOW_CHECK_H
#include <stddef.h>
#include <stdint.h>

/* Read n bytes at off into buf: the bytes read (fewer at the end of the file), or -1. */
typedef long long (*vg_qcow_pread)(void *ud, void *buf, size_t n, uint64_t off);

typedef struct vg_qcow_lost {
    uint64_t (*ranges)[2];  /* media byte ranges [start, end) whose data lies past the file's end, in order */
    size_t n, cap;
    uint64_t clusters;      /* clusters (and L2-table spans, in clusters) lost */
} vg_qcow_lost;

/*
 * Check the tables of the qcow image of file_size bytes read through rd. 0 with the lost ranges
 * in *lost (empty for an intact image or a qcow 1 image, which is not checked); -1 with why for
 * tables that are themselves unreadable or malformed (the image is corrupt).
 */
int vg_qcow_check(vg_qcow_lost *lost, vg_qcow_pread rd, void *ud, uint64_t file_size, char *why, size_t cap);
/* Whether [off, off + n) of the media touches a lost range. */
int vg_qcow_lost_hits(const vg_qcow_lost *lost, uint64_t off, uint64_t n);
void vg_qcow_lost_free(vg_qcow_lost *lost);

#endif

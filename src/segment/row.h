/*
 * The compact entry row of a version 4 segment: only what an entry carries
 * that the keys and the meta table do not already hold. The digests live in
 * the keys, mask, category, series and severity in the meta row; a row keeps
 * a presence byte, then the set fields as varints, the PDQ hash and quality
 * when the entry has one, and the PhotoDNA vector number (docs/index-format.md).
 */
#ifndef VG_SEGMENT_ROW_H
#define VG_SEGMENT_ROW_H
#include <stddef.h>
#include <stdint.h>
#include "segment/segment.h"

/* Longest packed row: presence byte, 2 x 10-byte varints, 5 x 5, flags, quality, PDQ (well under 255). */
#define VG_SEG_ROW_MAX 96

/* Pack the fields of e the keys and meta row do not hold; returns the length (1 to VG_SEG_ROW_MAX). */
size_t vg_seg_row_pack(uint8_t *out, const vg_seg_entry *e);
/*
 * Unpack a row of n bytes into e (only the fields a row holds; mask says
 * whether a PDQ hash and a PhotoDNA number follow). -1 when the bytes do not
 * make exactly one row (a damaged segment).
 */
int vg_seg_row_unpack(vg_seg_entry *e, const uint8_t *in, size_t n, uint8_t mask);

#endif

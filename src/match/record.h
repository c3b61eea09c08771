/*
 * The listed record behind a match, read from its segment's entry row: what
 * the list called it, where it came from, and its digests. Read only for
 * items that matched, so a scan of unlisted files never touches the rows.
 */
#ifndef VG_MATCH_RECORD_H
#define VG_MATCH_RECORD_H
#include <string.h>
#include "segment/segment.h"
#include "vigil/index.h"

static inline void vg_match_record(vigil_match *out, const vg_segment *s, uint32_t row, int version)
{
    vg_seg_entry x, *e = &x;
    (void)vg_seg_get(s, row, e); /* a damaged row reports a record with nothing */
    out->version = version;
    out->record_name = vg_seg_str(s, e->label);
    out->record_source = vg_seg_str(s, e->source);
    out->record_line = e->record;
    out->victim_identified = (e->flags & VG_SEG_VICTIM_IDENTIFIED) != 0;
    out->record_mask = e->mask & (VG_SEG_HAS_MD5 | VG_SEG_HAS_SHA1 | VG_SEG_HAS_SHA256 | VG_SEG_HAS_PDQ);
    memcpy(out->md5, e->md5, 16);
    memcpy(out->sha1, e->sha1, 20);
    memcpy(out->sha256, e->sha256, 32);
    memcpy(out->pdq, e->pdq, 32);
}

#endif

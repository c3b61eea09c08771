/*
 * Hash-set exporters: a writer over records, independent of the store, for
 * "vics" (VICS 2.0 JSON #Media), "hashdeep" (a hashdeep known-file list) and
 * "csv" (a header row, RFC 4180 quoting, CRLF). A writer belongs to one thread.
 *
 * VICS 2.0 carries every field vigil keeps (hashset-formats.md, section 11),
 * and vg_hs_read_vics reads each back into the same record field:
 *   MD5, SHA1                      -> "MD5", "SHA1" (lower-case hex)
 *   SHA-256, PDQ (+ quality), PhotoDNA -> "AlternativeHashes" entries with
 *                                     HashName "SHA256", "PDQ" (and "Quality"), "PhotoDNA" (base64)
 *   size                           -> "MediaSize"
 *   category (raw code)            -> "Category": a number when the code is a plain
 *                                     integer, else a string ("A1")
 *   series                         -> "Series"
 *   victim/offender identified, distributed -> "VictimIdentified", "OffenderIdentified",
 *                                     "IsDistributed" (JSON booleans)
 *   baseline                       -> the tag "#baseline" in "Tags"
 *   source set                     -> "PrecategorizationSource" (with "IsPrecategorized": true);
 *                                     the reader passes it on as meta "source_set" (exchange.h)
 *   name                           -> "MediaFiles": [{"FileName": ...}]
 * The category's label and profile are not written: the reader derives them
 * from the profile named in "@odata.context" (info->profile).
 */
#ifndef VG_FORMATS_EXPORT_H
#define VG_FORMATS_EXPORT_H
#include <stdint.h>
#include <stdio.h>
#include "formats/record.h"

enum { VG_HS_EXPORT_MD5 = 1, VG_HS_EXPORT_SHA1 = 2, VG_HS_EXPORT_SHA256 = 4 };

typedef struct vg_hs_export_info {
    const char *set_name;   /* named in the hashdeep comment lines; may be NULL */
    const char *profile;    /* VICS profile in "@odata.context"; NULL means "Default" */
    unsigned digests;       /* hashdeep columns, VG_HS_EXPORT_*; 0 means all three */
} vg_hs_export_info;

typedef struct vg_hs_writer vg_hs_writer;

/*
 * Start a document of format ("vics", "hashdeep", "csv") on f, which stays the
 * caller's. On success *out is owned by the caller until vg_hs_writer_close.
 * VIGIL_EUSAGE for an unknown format.
 */
int vg_hs_writer_open(vg_hs_writer **out, FILE *f, const char *format, const vg_hs_export_info *info,
                      vigil_error *err);
/*
 * Write one record; source_set may be NULL. Returns 0 when written, 1 when the
 * format has no place for it (hashdeep: no size or a missing digest column;
 * any format: a retraction), <0 (VIGIL_EINPUT) on a write error.
 */
int vg_hs_writer_add(vg_hs_writer *w, const vg_hs_record *r, const char *source_set, vigil_error *err);
/* Records written and skipped so far. */
void vg_hs_writer_counts(const vg_hs_writer *w, uint64_t *written, uint64_t *skipped);
/* Finish the document and free w (NULL is fine); f is flushed, not closed. */
int vg_hs_writer_close(vg_hs_writer *w, vigil_error *err);

#endif

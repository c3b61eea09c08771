/*
 * The PDQ entries of the store's illegal and interest sets, read from their
 * segments, for any PDQ index built from an array of vigil_pdq_entry
 * (vigil_pdq_matcher_from_entries). The strings stay valid while the source is open.
 */
#ifndef VG_MATCH_PDQ_STORE_H
#define VG_MATCH_PDQ_STORE_H
#include "segment/segment.h"
#include "vigil/pdq_match.h"

/* Where entry i came from: segment seg of the source, row row. */
typedef struct vg_pdq_ref {
    uint32_t seg, row;
} vg_pdq_ref;

typedef struct vg_pdq_source {
    vg_segment *segs;
    int *versions;          /* per segment: its set's version */
    size_t nsegs;
    char **names;
    size_t nnames;
    vg_pdq_ref *refs;       /* per entry */
} vg_pdq_source;

/*
 * *out (malloc'd, *n entries) in precedence order, without the entries an
 * active dispute took out (by any of their digests); strings lent from src
 * (free with vg_pdq_source_free).
 */
int vg_store_pdq_entries(vigil_pdq_entry **out, size_t *n, vg_pdq_source *src, struct vigil_store *st,
                         vigil_error *err);
void vg_pdq_source_free(vg_pdq_source *src);

#endif

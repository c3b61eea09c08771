/*
 * Everything a scan matches against, opened in one call from the database
 * path: the hash-set store, its list of sets (provenance for the reports),
 * the exact-match index and the PDQ near-match matcher. Once open it is
 * read-only; the index and matcher may be shared by the scan's threads.
 */
#ifndef VIGIL_MATCHERS_H
#define VIGIL_MATCHERS_H
#include <stddef.h>
#include "vigil/error.h"
#include "vigil/hashset.h"
#include "vigil/index.h"
#include "vigil/pdq_match.h"
#include "vigil/vpdq.h"

typedef struct vigil_matchers vigil_matchers;

typedef struct vigil_matchers_opts {
    int pdq;                  /* open the PDQ matcher too (for scans that compute PDQ) */
    int bound_memory;         /* the index bounds its resident pages (vigil_index_bound_memory): for scans */
} vigil_matchers_opts;

/*
 * Open what the hash-set store at sets_path holds. No file there is not an error: *out then has
 * no sets, no index and no matcher, and a scan with it matches nothing.
 * The index is opened only when there are sets. opts may be NULL (no PDQ).
 * VIGIL_ESTORE when the store, an index segment or the PDQ store cannot be
 * opened or read (e.g. a damaged segment: 'vigil hashset reindex'), or when segment files of
 * current sets are not in "<sets_path>.sets" (one message naming the folder and the way out),
 * VIGIL_EINPUT when sets_path is not a vigil database, VIGIL_ENOMEM.
 */
int vigil_matchers_open(vigil_matchers **out, const char *sets_path, const vigil_matchers_opts *opts,
                        vigil_error *err);
void vigil_matchers_close(vigil_matchers *m);

/* For vigil_scan_opts.index and .pdq_matcher: NULL when there is nothing to match against. */
const vigil_index *vigil_matchers_index(const vigil_matchers *m);
const vigil_pdq_matcher *vigil_matchers_pdq(const vigil_matchers *m);
/* The current sets, for the reports' provenance; *n of them (0 and NULL when none). */
const vigil_hashset_info *vigil_matchers_sets(const vigil_matchers *m, size_t *n);
/*
 * Append to list the known videos of the current illegal and interest sets (vpdq imports), each
 * with its set's name, kind, category and version, in the sets' precedence order. Benign sets'
 * videos are not matched. VIGIL_ESTORE naming a known-video file that is refused, VIGIL_ENOMEM;
 * list keeps what it held before on failure.
 */
int vigil_matchers_known_videos(const vigil_matchers *m, vigil_vpdq_list *list, vigil_error *err);

#endif

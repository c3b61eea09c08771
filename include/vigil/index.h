/*
 * The exact-match index: a snapshot of the current segment of every set
 * (sorted digests on disk, memory mapped), so opening costs one SQLite read
 * and no more than the pages a lookup touches. An import that commits later
 * does not change what an open index sees. Once open it is read-only and may
 * be shared by any number of threads.
 */
#ifndef VIGIL_INDEX_H
#define VIGIL_INDEX_H
#include <stddef.h>
#include <stdint.h>
#include "vigil/digest.h"
#include "vigil/error.h"
#include "vigil/hashset.h"

typedef struct vigil_index vigil_index;

typedef enum { VIGIL_BY_NONE = 0, VIGIL_BY_MD5, VIGIL_BY_SHA1, VIGIL_BY_SHA256, VIGIL_BY_PDQ } vigil_match_by;
const char *vigil_match_by_name(vigil_match_by by);

/* List hygiene: why a match needs a person's decision (vigil_match.flags). */
enum {
    VIGIL_MATCH_ALSO_BENIGN = 1u << 0,  /* the digest is also in a benign set */
    VIGIL_MATCH_COMMON_FILE = 1u << 1,  /* the digest of a trivially common file (1x1 GIF, zero block...) */
    VIGIL_MATCH_CONFLICT = 1u << 2,     /* the list's records disagreed on the category */
    VIGIL_MATCH_LOW_QUALITY = 1u << 3,  /* a PDQ entry of quality < 50 */
};
#define VIGIL_MATCH__FLAGS 4
/* "also-benign", "common-file", "conflict", "low-quality" for bit i; NULL past the end. */
const char *vigil_match_flag_name(unsigned bit);

typedef struct vigil_match {
    vigil_match_by by;         /* VIGIL_BY_NONE: no match */
    vigil_hashset_kind kind;
    const char *set;           /* lent from the index */
    const char *category;      /* NULL when the entry and set have none */
    const char *series;
    int distance;
    unsigned flags;            /* VIGIL_MATCH_*: an illegal match with flags is for review (interest) */
} vigil_match;

/*
 * Check every current segment (header and body checksums) and rebuild the
 * damaged or missing ones from their recorded source files, as a new version;
 * VIGIL_ESTORE naming the set when a source is gone or changed (or the store
 * fails); the rebuild is an import, so its codes too (VIGIL_EINPUT, VIGIL_ENOMEM).
 */
int vigil_index_build(vigil_store *st, vigil_error *err);
/*
 * Open the store's index: one read of the current versions, then each segment
 * mapped and its header checked. A damaged, truncated or missing segment is
 * refused (VIGIL_ESTORE naming the file and 'vigil hashset reindex'); VIGIL_ENOMEM.
 */
int vigil_index_open(vigil_index **out, vigil_store *st, vigil_error *err);
/* Open one segment file directly as an index (set name: the file's), checking its header:
 * VIGIL_ESTORE when it cannot be opened or is damaged, VIGIL_ENOMEM. */
int vigil_index_open_file(vigil_index **out, const char *path, vigil_error *err);
void vigil_index_close(vigil_index *ix);
uint64_t vigil_index_entries(const vigil_index *ix);

/*
 * Best match of the three digests: illegal beats interest beats benign; among
 * sets of one kind the set imported first wins; within that set the strongest
 * digest (SHA-256, then SHA-1, then MD5) names the match. Returns 1 and fills
 * *out on a match (strings lent from the index), 0 otherwise.
 */
int vigil_index_match(vigil_match *out, const vigil_index *ix, const vigil_digests *d);

/*
 * Best match of one digest of one algorithm (MD5, SHA-1 or SHA-256), by the
 * same rules; 1 and *out filled, or 0.
 */
int vigil_index_lookup(vigil_match *out, const vigil_index *ix, vigil_match_by by, const uint8_t *digest);
/*
 * n lookups of digests of one algorithm laid end to end (16, 20 or 32 bytes
 * each); found[i] is 1 or 0. Interleaves memory accesses across queries, so it
 * is faster than n single lookups on a large index. Returns the number found.
 */
size_t vigil_index_lookup_batch(vigil_match *out, uint8_t *found, const vigil_index *ix, vigil_match_by by,
                                const uint8_t *digests, size_t n);
/* Number of sets (segments) in the snapshot. */
size_t vigil_index_sets(const vigil_index *ix);

#endif

/*
 * PDQ near-match search: the interface every PDQ index implements (today a
 * linear scan over the store's PDQ entries; a national-scale index later).
 * Once open, a matcher is read-only and may be shared by any number of threads.
 */
#ifndef VIGIL_PDQ_MATCH_H
#define VIGIL_PDQ_MATCH_H
#include <stddef.h>
#include <stdint.h>
#include "vigil/error.h"
#include "vigil/index.h"
#include "vigil/pdq.h"

typedef struct vigil_pdq_matcher vigil_pdq_matcher;
struct vigil_store;

/* One PDQ entry of a hash set, as the matcher holds it. */
typedef struct vigil_pdq_entry {
    vigil_pdq_hash hash;
    int quality;                /* -1 when the list gave none */
    vigil_hashset_kind kind;
    const char *set;            /* lent from the matcher */
    const char *category;       /* NULL when none */
    const char *series;
} vigil_pdq_entry;

/* A near match: the set and distance, which orientation of the query matched, and the entry. */
typedef struct vigil_pdq_hit {
    vigil_match match;          /* by = VIGIL_BY_PDQ; strings lent from the matcher */
    int dihedral;               /* the vigil_pdq_dihedral variant of the query that matched */
    vigil_pdq_hash entry;       /* the listed hash it matched */
} vigil_pdq_hit;

/* The operations of one search structure; a later index fills its own table. */
typedef struct vigil_pdq_matcher_ops {
    /*
     * Best entry within max_distance of any of the eight hashes: illegal beats
     * interest beats benign, then the smaller distance, then the lower
     * dihedral index. Returns 1 and fills *out, or 0 when nothing is that close.
     */
    int (*search)(const vigil_pdq_matcher *m, const vigil_pdq_hash q[VIGIL_PDQ__DIHEDRAL], int max_distance,
                  vigil_pdq_hit *out);
    void (*close)(vigil_pdq_matcher *m);
} vigil_pdq_matcher_ops;

/* A linear-scan matcher over the PDQ entries of the illegal and interest sets in the store. */
int vigil_pdq_matcher_open(vigil_pdq_matcher **out, struct vigil_store *st, vigil_error *err);
/* A linear-scan matcher over entries given by the caller (copied). */
int vigil_pdq_matcher_from_entries(vigil_pdq_matcher **out, const vigil_pdq_entry *e, size_t n, vigil_error *err);
uint64_t vigil_pdq_matcher_entries(const vigil_pdq_matcher *m);
int vigil_pdq_matcher_search(const vigil_pdq_matcher *m, const vigil_pdq_hash q[VIGIL_PDQ__DIHEDRAL],
                             int max_distance, vigil_pdq_hit *out);
void vigil_pdq_matcher_close(vigil_pdq_matcher *m);

#endif

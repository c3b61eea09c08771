/*
 * PDQ near-match search: the interface every PDQ search structure implements
 * (a linear scan for small lists and as the brute-force reference, an exact
 * multi-index hashing index for large ones; both give the same answers).
 * Once open, a matcher is read-only and may be shared by any number of threads.
 * VIGIL_PDQ_IMPL=portable|avx2|avx512 in the environment forces the popcount
 * kernels; opening a matcher fails when the CPU lacks the ones named.
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

/* The operations of one search structure; the linear scan and the index fill their own tables. */
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

/* Which structure answers the searches. */
typedef enum {
    VIGIL_PDQ_AUTO = 0,     /* the index from VIGIL_PDQ_INDEX_MIN entries, the linear scan below */
    VIGIL_PDQ_LINEAR,       /* brute force over every entry: the reference */
    VIGIL_PDQ_INDEX,        /* multi-index hashing, built for 31; exact at any distance (linear past its reach) */
} vigil_pdq_structure;

/* Below this many entries a linear scan is as fast as the index and costs no build. */
#define VIGIL_PDQ_INDEX_MIN 16384

/* A matcher over the PDQ entries of the illegal and interest sets in the store. VIGIL_ESTORE when
 * a segment cannot be read (as vigil_index_open), VIGIL_EINPUT for more entries than a matcher
 * holds, VIGIL_ENOMEM. */
int vigil_pdq_matcher_open(vigil_pdq_matcher **out, struct vigil_store *st, vigil_error *err);
/* A matcher over entries given by the caller (copied). VIGIL_EINPUT for more than 2^32 - 2
 * entries, VIGIL_ENOMEM. */
int vigil_pdq_matcher_from_entries(vigil_pdq_matcher **out, const vigil_pdq_entry *e, size_t n, vigil_error *err);
/* The same with the structure chosen by the caller. */
int vigil_pdq_matcher_from_entries_as(vigil_pdq_matcher **out, const vigil_pdq_entry *e, size_t n,
                                      vigil_pdq_structure structure, vigil_error *err);
uint64_t vigil_pdq_matcher_entries(const vigil_pdq_matcher *m);
int vigil_pdq_matcher_search(const vigil_pdq_matcher *m, const vigil_pdq_hash q[VIGIL_PDQ__DIHEDRAL],
                             int max_distance, vigil_pdq_hit *out);
/*
 * Every entry within max_distance of any of the eight hashes, best first (the
 * order of vigil_pdq_matcher_search, so out[0] is its hit), each entry once
 * with its listed record (matchers opened from a store); at most cap written,
 * their number returned.
 */
size_t vigil_pdq_matcher_search_all(const vigil_pdq_matcher *m, const vigil_pdq_hash q[VIGIL_PDQ__DIHEDRAL],
                                    int max_distance, vigil_match *out, size_t cap);
/*
 * The best hit of each of n queries (same rule as vigil_pdq_matcher_search),
 * spread over the matcher's threads: hits[i].match.by is VIGIL_BY_PDQ for a
 * hit and VIGIL_BY_NONE otherwise. Returns the number of queries with a hit.
 */
size_t vigil_pdq_matcher_search_batch(const vigil_pdq_matcher *m, const vigil_pdq_hash (*q)[VIGIL_PDQ__DIHEDRAL],
                                      size_t n, int max_distance, vigil_pdq_hit *hits);
/* Threads for batches (default: the online CPUs); call before sharing the matcher. */
void vigil_pdq_matcher_set_threads(vigil_pdq_matcher *m, int threads);

typedef struct vigil_pdq_matcher_info {
    const char *structure;  /* "index" or "linear" */
    const char *impl;       /* popcount kernels: "avx512", "avx2" or "portable" */
    int chunks;             /* index chunks (0 for the linear scan; the most of any segment's index) */
    int threads;            /* for batches */
    uint64_t entries;
    uint64_t bytes;         /* memory held: hashes, entry labels, index tables built in memory */
    uint64_t mapped;        /* index files mapped from the store (pages read as searches touch them) */
} vigil_pdq_matcher_info;
void vigil_pdq_matcher_info_get(vigil_pdq_matcher_info *out, const vigil_pdq_matcher *m);
void vigil_pdq_matcher_close(vigil_pdq_matcher *m);

#endif

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
#include "vigil/pdq.h"

typedef struct vigil_index vigil_index;

/* VIGIL_BY_VPDQ: a video near a known video of a set (record_name names the known video). */
typedef enum { VIGIL_BY_NONE = 0, VIGIL_BY_MD5, VIGIL_BY_SHA1, VIGIL_BY_SHA256, VIGIL_BY_PDQ, VIGIL_BY_VPDQ } vigil_match_by;
const char *vigil_match_by_name(vigil_match_by by);

/* List hygiene: why a match needs a person's decision (vigil_match.flags). */
enum {
    VIGIL_MATCH_ALSO_BENIGN = 1u << 0,  /* the digest is also in a benign set */
    VIGIL_MATCH_COMMON_FILE = 1u << 1,  /* the digest of a trivially common file (1x1 GIF, zero block...) */
    VIGIL_MATCH_CONFLICT = 1u << 2,     /* the list's records disagreed on the category */
    VIGIL_MATCH_LOW_QUALITY = 1u << 3,  /* a PDQ entry of quality < 50 */
    VIGIL_MATCH_SETS_DISAGREE = 1u << 4, /* the item's matches in other sets name another category
                                            (shown, not a reason for review on its own) */
};
#define VIGIL_MATCH__FLAGS 5
/* "also-benign", "common-file", "conflict", "low-quality", "sets-disagree" for bit i; NULL past the end. */
const char *vigil_match_flag_name(unsigned bit);

typedef struct vigil_match {
    vigil_match_by by;         /* VIGIL_BY_NONE: no match */
    vigil_hashset_kind kind;
    const char *set;           /* lent from the index */
    const char *category;      /* NULL when the entry and set have none */
    const char *series;
    int distance;
    unsigned flags;            /* VIGIL_MATCH_*: an illegal match with flags is for review (interest) */
    int victim_identified;     /* the list says the victim of the entry is identified (VICS VictimIdentified) */
    int version;               /* of the set; 0 when unknown (an index over one segment file) */
    /* The listed record that matched (lent from the index or matcher): what the list called the
     * file (NULL when it gave no name), the source file it came from and its record there. */
    const char *record_name;
    const char *record_source;
    uint64_t record_line;      /* 1-based record ordinal in record_source; 0 when unknown */
    uint8_t md5[16], sha1[20], sha256[32], pdq[32];
    unsigned record_mask;      /* VIGIL_RECORD_*: which of the record's digests are set */
    int dihedral;              /* PDQ matches: the vigil_pdq_dihedral variant of the item that matched */
} vigil_match;

enum { VIGIL_RECORD_MD5 = 1u << 0, VIGIL_RECORD_SHA1 = 1u << 1, VIGIL_RECORD_SHA256 = 1u << 2, VIGIL_RECORD_PDQ = 1u << 3 };

/* A dispute that took out a listed record an item would otherwise have matched (strings lent from the index). */
typedef struct vigil_dispute_applied {
    const char *digest;        /* the disputed digest, lower-case hex */
    const char *set;           /* the set the dispute names; NULL: every set */
    const char *record_set;    /* the set of the record it took out */
    const char *reason, *by, *at;
} vigil_dispute_applied;

/* More matches than a scan item lists (the first are kept). */
#define VIGIL_MATCHES_MAX 32

/*
 * Check every current segment (header and body checksums) and rebuild the
 * damaged or missing ones from their recorded source files, as a new version;
 * VIGIL_ESTORE naming the set when a source is gone or changed (or the store
 * fails); the rebuild is an import, so its codes too (VIGIL_EINPUT, VIGIL_ENOMEM).
 */
int vigil_index_build(vigil_store *st, vigil_error *err);
/* The same checks without repairing: every current segment (header and body checksums) and its
 * PDQ index read whole; fn gets one line per problem naming the set, the
 * file and the repair; *problems their number. */
int vigil_index_check(vigil_store *st, vigil_problem_fn fn, void *ud, uint64_t *problems, vigil_error *err);
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
 * *out on a match (strings lent from the index), 0 otherwise. The version and
 * record fields stay empty (a lookup reads no wide row): vigil_index_match_all
 * gives the same first match with them.
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
/*
 * Every undisputed match of the three digests, the one vigil_index_match
 * names first, then in precedence order; a record met by several digests
 * once (by its strongest). At most cap are written; returns how many there
 * are. When the matches name more than one category each match with a
 * category is flagged VIGIL_MATCH_SETS_DISAGREE.
 */
size_t vigil_index_match_all(vigil_match *out, size_t cap, const vigil_index *ix, const vigil_digests *d);
/*
 * The disputes that took out a record carrying one of the digests, or (pdq
 * not NULL: the item's eight orientations) a PDQ hash within max_distance,
 * of an illegal or interest set; one per record, at most cap; returns how
 * many were written. Costs nothing when no dispute is active.
 */
size_t vigil_index_disputes_applied(vigil_dispute_applied *out, size_t cap, const vigil_index *ix,
                                    const vigil_digests *d, const vigil_pdq_hash *pdq, int max_distance);
/* Mark every match with a category VIGIL_MATCH_SETS_DISAGREE when they name more than one. */
void vigil_matches_mark_disagreement(vigil_match *m, size_t n);
/*
 * Bound what the mapped segments add to resident memory, for a long run of
 * lookups such as a scan. A mapped lookup leaves the key page it touched
 * resident, so a scan ends with nearly the whole key table and meta rows in
 * its resident memory (72 + 24 MB for 2 million SHA-256 entries). Bounded,
 * lookups read their keys with pread (a few microseconds instead of a few
 * hundred nanoseconds: for bulk lookups, leave it off), and the pages that
 * hits read through the mapping (meta rows, entry rows, strings) are let go
 * every VIGIL_INDEX_BOUND_HITS hits: they stay in the page cache, and strings
 * lent by earlier matches stay valid. Call before sharing the index.
 */
#define VIGIL_INDEX_BOUND_HITS 16
void vigil_index_bound_memory(vigil_index *ix);
/* Number of sets (segments) in the snapshot. */
size_t vigil_index_sets(const vigil_index *ix);

#endif

/*
 * Inside the exact-match index: its sets and disputed records, for the parts
 * of it kept in files of their own (list hygiene).
 */
#ifndef VG_MATCH_INDEX_INT_H
#define VG_MATCH_INDEX_INT_H
#include "hashset/catalog.h"
#include "segment/segment.h"
#include "vigil/index.h"

typedef struct ix_set {
    vg_segment seg;
    char *name, *category, *series;
    vigil_hashset_kind kind;
    int version;
    uint32_t *disputed;     /* sorted rows of the entries disputed in this set */
    size_t ndisputed;
} ix_set;

/* An entry taken out by a dispute: its set and row, and the first dispute that did it. */
typedef struct disputed_rec {
    size_t set;
    uint32_t row;
    size_t dispute;
} disputed_rec;

/* A digest of a disputed entry, sorted by (len, digest): what an item is checked against. */
typedef struct disputed_key {
    uint8_t len;
    uint8_t d[32];
    uint32_t rec;
} disputed_key;

typedef struct common_digest {
    uint8_t md5[16], sha1[20], sha256[32];
} common_digest;

/* vigil_index_bound_memory: hits since the pages were last let go, counted by every thread. */
typedef struct ix_pages {
    _Atomic unsigned long hits;
} ix_pages;

struct vigil_index {
    ix_set *sets;
    size_t nsets;
    vg_store_dispute *disputes;  /* the active disputes, with who, why and when */
    char (*dispute_hex)[65];
    size_t ndisputes;
    disputed_rec *recs;
    size_t nrecs;
    disputed_key *keys;
    size_t nkeys;
    common_digest *common;
    size_t ncommon;
    uint64_t entries;
    ix_pages *pages;             /* bounded memory: keys read with pread, hits' pages let go; NULL: all mapped */
};

/* Bounded memory: count a hit; every VIGIL_INDEX_BOUND_HITS-th lets the segments' pages go. */
void vg_ix_pages_hit(const vigil_index *ix);
/* Bounded memory: row of the first undisputed entry with digest d in set i, keys read with pread; or -1. */
int64_t vg_ix_find_read(const vigil_index *ix, size_t i, int a, const uint8_t *d);
/* 1 if the entry at row of set i is disputed (one of its digests, for this set or for all). */
int vg_ix_disputed(const vigil_index *ix, size_t i, uint32_t row);

/* 1 when d (algorithm a) is the digest of a trivially common file. */
int vg_ix_is_common(const vigil_index *ix, int a, const uint8_t *d);
/* 1 when one of the digests (NULL: absent) is in a benign set, undisputed. */
int vg_ix_in_benign(const vigil_index *ix, const uint8_t *const digest[VG_SEG_ALGS]);

#endif

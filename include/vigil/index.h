/*
 * The exact-match index: every digest of every set, sorted on disk and memory
 * mapped, so opening costs no more than the pages a lookup touches. Built from
 * the store after each import or removal. Once open it is read-only and may be
 * shared by any number of threads.
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

typedef struct vigil_match {
    vigil_match_by by;         /* VIGIL_BY_NONE: no match */
    vigil_hashset_kind kind;
    const char *set;           /* lent from the index */
    const char *category;      /* NULL when the entry and set have none */
    const char *series;
    int distance;
} vigil_match;

/* Rebuild the index file for the store (atomically replaces the old one). */
int vigil_index_build(vigil_store *st, vigil_error *err);
/* Open the store's index, rebuilding it first if it is missing or older than the store. */
int vigil_index_open(vigil_index **out, vigil_store *st, vigil_error *err);
/* Open an index file directly, checking magic, version, sizes and header checksum. */
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

#endif

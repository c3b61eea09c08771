/*
 * What readers of the store (the exact index, the PDQ matcher) need from the
 * catalog: one consistent snapshot of the current sets, where their segment
 * files are, and the active disputes. Nothing here writes; the store's body
 * stays private to src/hashset.
 */
#ifndef VG_HASHSET_CATALOG_H
#define VG_HASHSET_CATALOG_H
#include <stddef.h>
#include <stdint.h>
#include "vigil/hashset.h"

/* One set's current version as readers see it. */
typedef struct vg_store_set {
    int64_t id, version_id, version;
    char *name, *category, *series, *segment, *sources, *format;
    vigil_hashset_kind kind;
    int lenient;
} vg_store_set;

/* The current version of every set, in precedence order (kind, then import order): one read. */
int vg_store_snapshot(vg_store_set **out, size_t *n, vigil_store *st, vigil_error *err);
void vg_store_snapshot_free(vg_store_set *v, size_t n);

/* A segment file's path inside "<db>.sets/" (malloc'd; NULL when out of memory). */
char *vg_store_segment_path(const vigil_store *st, const char *name);

/* An active dispute: a digest of 16, 20 or 32 bytes, for one set or (set NULL) for all. */
typedef struct vg_store_dispute {
    uint8_t len;
    uint8_t d[32];
    char *set;
    char *reason, *by, *at;     /* why, who and when (at: ISO 8601 UTC) */
} vg_store_dispute;

/* The active disputes in the order they were made; free with vg_store_disputes_free. */
int vg_store_active_disputes(vg_store_dispute **out, size_t *n, vigil_store *st, vigil_error *err);
void vg_store_disputes_free(vg_store_dispute *v, size_t n);

#endif

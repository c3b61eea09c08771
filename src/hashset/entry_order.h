/*
 * The order of the import's entry sort: entries by their strongest digest,
 * then by the order their records were read (the first record of a digest
 * leads its entry), and the packed form an entry takes in the sort's batches
 * and run files.
 */
#ifndef VG_HASHSET_ENTRY_ORDER_H
#define VG_HASHSET_ENTRY_ORDER_H
#include "segment/segment.h"
#include "segment/xsort.h"

/* The spec of an entry sort in memory bytes, its run files named prefix in dir. */
void vg_entry_sort_spec(vg_xsort_spec *spec, size_t memory, const char *dir, const char *prefix);
/* -1, 0, 1 on identity alone (0: records of the same entry). */
int vg_entry_same_identity(const vg_seg_entry *a, const vg_seg_entry *b);

#endif

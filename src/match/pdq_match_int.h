/*
 * Inside the PDQ matcher: every (entry, orientation) within a radius, by the
 * active structure or by brute force, and a way to swap the popcount
 * kernels. For the tests that compare structures and kernels.
 */
#ifndef VG_PDQ_MATCH_INT_H
#define VG_PDQ_MATCH_INT_H
#include "pdqindex/pdq_index.h"
#include "pdqindex/pdq_kernels.h"
#include "vigil/pdq_match.h"

/* Entry i as given to vigil_pdq_matcher_from_entries: id i. */
void vg_pdq_matcher_each(const vigil_pdq_matcher *m, const vigil_pdq_hash q[VIGIL_PDQ__DIHEDRAL], int r,
                         vg_pdq_found_fn fn, void *ud);
void vg_pdq_matcher_each_linear(const vigil_pdq_matcher *m, const vigil_pdq_hash q[VIGIL_PDQ__DIHEDRAL], int r,
                                vg_pdq_found_fn fn, void *ud);
void vg_pdq_matcher_use_kernels(vigil_pdq_matcher *m, const vg_pdq_kernels *k);
/* Replace the matcher's structure by an index of that many chunks (11..16). */
int vg_pdq_matcher_reindex(vigil_pdq_matcher *m, int chunks, vigil_error *err);

#endif

/*
 * Test seams of the scan pipeline, kept out of the public API (vigil/scan.h):
 * unit tests use them to make things happen at a chosen moment.
 */
#ifndef VG_SCAN_TESTING_H
#define VG_SCAN_TESTING_H
#include <stddef.h>

/* Called by a reader just before it opens a file on disk, with the scan's opts->ud. */
typedef void (*vg_scan_before_open_fn)(const char *path, void *ud);

/* Set (or, with NULL, clear) the hook for scans started afterwards: process-wide. */
void vg_scan_set_before_open(vg_scan_before_open_fn fn);
/* The hook now set, or NULL. */
vg_scan_before_open_fn vg_scan_before_open(void);

/* Asked before a result (an item's record) is allocated for path (len bytes): non-zero makes
 * that allocation fail as if memory ran out. */
typedef int (*vg_scan_fail_result_fn)(const char *path, size_t len);

void vg_scan_set_fail_result(vg_scan_fail_result_fn fn);
vg_scan_fail_result_fn vg_scan_fail_result(void);

#endif

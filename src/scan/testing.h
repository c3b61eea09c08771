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
/* The hook now set, or NULL. With none set, VIGIL_TEST_HANG_ON=NAME in the environment makes a
 * reader about to open a file named NAME say so on stderr and hang there for good, like a parser
 * looping on hostile data: the e2e tests stop such a scan (tests/e2e/interrupt.sh). Not meant for use. */
vg_scan_before_open_fn vg_scan_before_open(void);

/* Asked before a result (an item's record) is allocated for path (len bytes): non-zero makes
 * that allocation fail as if memory ran out. */
typedef int (*vg_scan_fail_result_fn)(const char *path, size_t len);

void vg_scan_set_fail_result(vg_scan_fail_result_fn fn);
vg_scan_fail_result_fn vg_scan_fail_result(void);

/* Threads that stopped scans left stuck in a parser and that have not ended yet: a test that
 * lets its stuck reader go waits for this to come back to 0 before its opts go away. */
unsigned vg_scan_threads_left(void);

#endif

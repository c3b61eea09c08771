/* The scan's test seams: set by unit tests before a scan starts, read by its readers. */
#include <stddef.h>

#include "scan/testing.h"

static vg_scan_before_open_fn before_open_hook;
static vg_scan_fail_result_fn fail_result_hook;

void vg_scan_set_before_open(vg_scan_before_open_fn fn)
{
    before_open_hook = fn;
}

vg_scan_before_open_fn vg_scan_before_open(void)
{
    return before_open_hook;
}

void vg_scan_set_fail_result(vg_scan_fail_result_fn fn)
{
    fail_result_hook = fn;
}

vg_scan_fail_result_fn vg_scan_fail_result(void)
{
    return fail_result_hook;
}

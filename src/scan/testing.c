/* The scan's test seams: set by unit tests before a scan starts, read by its readers. */
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scan/testing.h"

static vg_scan_before_open_fn before_open_hook;
static vg_scan_fail_result_fn fail_result_hook;

static const char *hang_name;
static pthread_once_t hang_once = PTHREAD_ONCE_INIT;

static void read_hang_name(void)
{
    const char *v = getenv("VIGIL_TEST_HANG_ON");
    hang_name = v && *v ? v : NULL;
}

/* A parser that never returns, as on hostile data: the reader says so on stderr (what the test
 * waits for) and stays here for good. */
static void hang_on_name(const char *path, void *ud)
{
    static const char said[] = "vigil: test: a reader hangs (VIGIL_TEST_HANG_ON)\n";
    const char *base = strrchr(path, '/');
    (void)ud;
    if (strcmp(base ? base + 1 : path, hang_name) != 0)
        return;
    ssize_t n = write(2, said, sizeof said - 1);
    (void)n; /* a failed write changes nothing: the hang is what matters */
    for (;;)
        pause();
}

void vg_scan_set_before_open(vg_scan_before_open_fn fn)
{
    before_open_hook = fn;
}

vg_scan_before_open_fn vg_scan_before_open(void)
{
    if (before_open_hook)
        return before_open_hook;
    pthread_once(&hang_once, read_hang_name);
    return hang_name ? hang_on_name : NULL;
}

void vg_scan_set_fail_result(vg_scan_fail_result_fn fn)
{
    fail_result_hook = fn;
}

vg_scan_fail_result_fn vg_scan_fail_result(void)
{
    return fail_result_hook;
}

/*
 * A heartbeat for long reads: code that reads or decodes in a loop calls
 * vg_heartbeat() now and then, and a parser worker process (src/scan/worker*)
 * points vg_heartbeat_counter at the page its proxy watches, so a slow but
 * moving item is told from a stuck one. Elsewhere the counter is NULL and the
 * call costs a test.
 */
#ifndef VG_CORE_HEARTBEAT_H
#define VG_CORE_HEARTBEAT_H
#include <stdint.h>

extern volatile uint64_t *vg_heartbeat_counter;

static inline void vg_heartbeat(void)
{
    if (vg_heartbeat_counter)
        __atomic_add_fetch(vg_heartbeat_counter, 1, __ATOMIC_RELAXED);
}

#endif

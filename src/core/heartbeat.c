/* The heartbeat counter (heartbeat.h): set only in a parser worker process. */
#include "core/heartbeat.h"

volatile uint64_t *vg_heartbeat_counter;

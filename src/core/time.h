/* Time: the clock, ISO 8601 text and dates, all UTC, in seconds since the epoch. */
#ifndef VG_CORE_TIME_H
#define VG_CORE_TIME_H
#include <stddef.h>
#include <stdint.h>
#include "vigil/error.h"

/* A clock the caller can replace, so that tests can pin the time records carry. */
typedef struct vg_clock {
    int64_t (*now)(void *ctx);
    void *ctx;
} vg_clock;

/* The system clock (time(2)). */
extern const vg_clock vg_system_clock;

/* Seconds now by clock c; the system clock when c is NULL. */
int64_t vg_clock_now(const vg_clock *c);
int64_t vg_now(void);

/* "YYYY-MM-DDTHH:MM:SSZ" (with_time) or "YYYY-MM-DD" into buf; its length, or -1 when the
 * time cannot be written (out of range, or cap too small). */
int vg_time_format(char *buf, size_t cap, int64_t secs, int with_time);
/* Seconds to text in a caller buffer: "YYYY-MM-DDTHH:MM:SSZ". */
const char *vg_iso(char buf[24], int64_t secs);

/* Days since the epoch of a civil date (proleptic Gregorian). */
int64_t vg_days_from_civil(int64_t y, unsigned m, unsigned d);
/* Parse "YYYY-MM-DD" or ISO 8601 with time and offset: VIGIL_EINPUT "bad date '...'". */
int vg_date_parse(int64_t *out, const char *s, vigil_error *err);

#endif

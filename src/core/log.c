/* Library log dispatch to the callback registered with vigil_log_set(). */
#include <stdarg.h>
#include <stdio.h>

#include "core/log.h"

static vigil_log_fn log_fn;
static void *log_ud;

void vigil_log_set(vigil_log_fn fn, void *ud)
{
    log_fn = fn;
    log_ud = ud;
}

void vg_log(vigil_log_level level, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    if (!log_fn)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    log_fn(level, msg, log_ud);
}

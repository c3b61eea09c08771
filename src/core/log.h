/* Internal logging entry point used by library modules. */
#ifndef VG_CORE_LOG_H
#define VG_CORE_LOG_H
#include "vigil/log.h"

void vg_log(vigil_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif

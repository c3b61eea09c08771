/* vigil_error helpers: fill the fixed message buffer, map codes to exit status. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vigil/error.h"
#include "vigil/vigil.h"

int vigil_error_set(vigil_error *err, vigil_code code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        err->code = code;
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return code;
}

void vigil_error_clear(vigil_error *err)
{
    if (err) {
        err->code = VIGIL_OK;
        err->msg[0] = '\0';
    }
}

int vigil_error_exit_status(int code)
{
    switch (code) {
    case VIGIL_OK: return 0;
    case VIGIL_EUSAGE: return 2;
    case VIGIL_EINPUT:
    case VIGIL_ENOTFOUND:
    case VIGIL_EEXISTS:
    case VIGIL_EDENIED:
    case VIGIL_ESTATE: return 3;
    default: return 4;
    }
}


/* One place that turns a short write into the library's error. */
#include <errno.h>
#include <string.h>

#include "report/output.h"

int vg_output_write(vg_buf *b, FILE *f, vigil_error *err)
{
    int rc = 0;
    if (vg_buf_failed(b))
        rc = vigil_error_set(err, VIGIL_ENOMEM, "out of memory");
    else if ((errno = 0, fwrite(b->ptr, 1, b->len, f)) != b->len)
        rc = vigil_error_set(err, VIGIL_ESTORE, "cannot write the output: %s", strerror(errno ? errno : EIO));
    vg_buf_dispose(b);
    return rc;
}

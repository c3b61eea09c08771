/* What the object writers of vigil/output.h share: handing a built document to a FILE. */
#ifndef VG_REPORT_OUTPUT_H
#define VG_REPORT_OUTPUT_H
#include <stdio.h>
#include "core/buf.h"
#include "vigil/error.h"

/* Write b to f and dispose of b: 0, VIGIL_ENOMEM when b failed to grow, or VIGIL_ESTORE
 * "cannot write the output: why". */
int vg_output_write(vg_buf *b, FILE *f, vigil_error *err);

#endif

/* CSV fields (RFC 4180): the one quoter, for every CSV vigil writes. */
#ifndef VG_CORE_CSV_H
#define VG_CORE_CSV_H
#include <stddef.h>
#include "core/buf.h"

/* Append p[0..n) as one field, quoted (with quotes doubled) when it holds a comma, a quote,
 * CR or LF; bytes are written as they are. NULL appends nothing: an empty field. */
void vg_csv_field(vg_buf *b, const char *p, size_t n);
/* The same for a C string or NULL. */
void vg_csv_fieldz(vg_buf *b, const char *s);

#endif

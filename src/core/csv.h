/* CSV fields (RFC 4180): the one quoter, for every CSV vigil writes. */
#ifndef VG_CORE_CSV_H
#define VG_CORE_CSV_H
#include <stddef.h>
#include "core/buf.h"

/*
 * Append p[0..n) as one field, quoted (with quotes doubled) when it holds a comma, a quote,
 * CR or LF; bytes are written as they are. NULL appends nothing: an empty field.
 * A cell a spreadsheet would run as a formula (first byte = + - @ TAB or CR, after any
 * apostrophes) gets one apostrophe in front, unless it is a plain signed decimal number
 * ("-3", "+1.5"), which no spreadsheet runs (docs/output.md).
 */
void vg_csv_field(vg_buf *b, const char *p, size_t n);
/* The same for a C string or NULL. */
void vg_csv_fieldz(vg_buf *b, const char *s);
/* 1 if vg_csv_field puts an apostrophe in front of p[0..n). */
int vg_csv_needs_apostrophe(const char *p, size_t n);
/* For a reader of vigil's CSV: bytes to skip at the start of an unquoted cell to get back
 * what was written (1 for the apostrophe vg_csv_field added, else 0). */
size_t vg_csv_unneutralise(const char *p, size_t n);

#endif

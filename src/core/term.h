/* Terminal-safe text (vigil/term.h) appended to a buffer, for library writers of human text. */
#ifndef VG_CORE_TERM_H
#define VG_CORE_TERM_H
#include <stddef.h>
#include "core/buf.h"
#include "vigil/term.h"

/* Append p[0..n) with controls and bytes that are not UTF-8 escaped, as vigil/term.h says. */
void vg_term_add(vg_buf *b, const char *p, size_t n);

#endif

/*
 * Text for a person's terminal. Titles, suspects, notes, reasons, set names and
 * paths come from users and from seized media; printed raw, an escape sequence
 * in them would drive the terminal (recolour, retitle, hide or fake lines). These
 * write such text with every control escaped (docs/output.md):
 *   LF CR TAB -> \n \r \t; other C0 bytes and DEL -> \xHH; C1 controls -> \u00HH
 *   (U+0080..U+009F, also as UTF-8); a byte that is not part of valid UTF-8 -> \xHH.
 * Everything else, backslashes included, is written as it is: the result is for
 * reading, not for parsing back. Machine formats (JSON, CSV, hash lists) keep
 * their own rules.
 */
#ifndef VIGIL_TERM_H
#define VIGIL_TERM_H
#include <stddef.h>
#include <stdio.h>

/* 1 if p[0..n) holds nothing to escape. */
int vigil_term_clean(const char *p, size_t n);
/* The escaped text as a new NUL-terminated string (free it), or NULL when out of memory. */
char *vigil_term_escape(const char *p, size_t n);
/* Write p[0..n) escaped to f; 0, or -1 when f refuses the bytes. */
int vigil_term_write(FILE *f, const char *p, size_t n);

#endif

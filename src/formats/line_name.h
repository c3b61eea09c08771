/*
 * File names in line-based hash lists (hashdeep, md5deep). A name is the rest
 * of its line, so a line break in it would start a record of its own. A name
 * with any control byte (0x01-0x1f or DEL) is written in the escaped form: the
 * line starts with a backslash (as md5sum marks its escaped lines) and in the
 * name \ becomes \\, LF \n, CR \r, TAB \t and every other control \xHH (two
 * lower-case hex digits). Every other name is written byte for byte, as
 * hashdeep writes it (docs/output.md).
 */
#ifndef VG_FORMATS_LINE_NAME_H
#define VG_FORMATS_LINE_NAME_H
#include <stddef.h>
#include "core/buf.h"

/* 1 if p[0..n) has to be written in the escaped form. */
int vg_line_name_needs_escape(const char *p, size_t n);
/* Append p[0..n) escaped (call only for a name that needs it). */
void vg_line_name_escape(vg_buf *b, const char *p, size_t n);
/* Undo vg_line_name_escape: s[0..n) into out (cap bytes, NUL-terminated); the length, or -1
 * for an unknown escape, a name too long or an escape that stands for NUL. */
long vg_line_name_unescape(char *out, size_t cap, const char *s, size_t n);

#endif

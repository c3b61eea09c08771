/*
 * Writing JSON strings from raw bytes. Paths are bytes, not text: valid UTF-8
 * passes through (control characters escaped); every byte that is not part of
 * valid UTF-8 is written as the lone surrogate \udcXX (XX = the byte), the
 * "surrogateescape" convention of PEP 383, so the original bytes can be
 * recovered exactly (Python: os.fsencode(json.loads(line)["path"])).
 */
#ifndef VG_CORE_JSON_H
#define VG_CORE_JSON_H
#include <stddef.h>
#include "core/buf.h"

/* Append p[0..n) as a quoted JSON string. */
void vg_json_str(vg_buf *b, const char *p, size_t n);
/* Append a C string, or null for NULL. */
void vg_json_strz(vg_buf *b, const char *s);
/* Length of the valid UTF-8 sequence at p (1..4), or 0 if p[0..] is not one. */
size_t vg_utf8_seq(const unsigned char *p, size_t n);
/* 1 if all n bytes are valid UTF-8. */
int vg_utf8_valid(const char *p, size_t n);

#endif

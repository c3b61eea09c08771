/*
 * Is a buffer text, and in which encoding: the question libmagic's encoding
 * test answers before its text rules run, answered the same way from the
 * byte classes its documentation describes, in one pass. Pure functions of
 * the bytes: safe from any thread.
 */
#ifndef VG_MEDIA_SNIFF_ENCODING_H
#define VG_MEDIA_SNIFF_ENCODING_H
#include <stddef.h>
#include <stdint.h>

typedef enum vg_encoding {
    VG_ENC_BINARY,   /* not text in any encoding file recognises */
    VG_ENC_ASCII,    /* printable ASCII and the usual controls */
    VG_ENC_UTF8,     /* valid UTF-8 with at least one multi-byte character, BOM or not */
    VG_ENC_LATIN1,   /* ASCII plus 0xA0-0xFF (ISO-8859) */
    VG_ENC_EXTENDED, /* ISO-8859 plus 0x80-0x9F (Mac, IBM PC code pages) */
    VG_ENC_OTHER     /* UTF-16 or UTF-32 with a BOM, UTF-7, or maybe EBCDIC: only libmagic reads these */
} vg_encoding;

/* The encoding of the text in p[0..n), trailing NULs ignored as file ignores them. */
vg_encoding vg_text_encoding(const uint8_t *p, size_t n);

#endif

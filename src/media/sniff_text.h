/*
 * Text files named without libmagic: whether the head bytes are text (as
 * file's encoding test decides) and, for the classes that are common and
 * told by clear marks (scripts by their #! line, XML, SVG, HTML, troff, PO
 * catalogues, CSV), their MIME type as `file --mime-type` 5.44 gives it.
 * Text whose type rests on file's keyword guesses is left to libmagic only
 * where such a guess can apply; the rest is text/plain. Pure functions of the
 * bytes: safe from any thread.
 */
#ifndef VG_MEDIA_SNIFF_TEXT_H
#define VG_MEDIA_SNIFF_TEXT_H
#include <stddef.h>
#include <stdint.h>

typedef enum vg_text_answer {
    VG_TEXT_BINARY, /* not text */
    VG_TEXT_NAMED,  /* text, and *mime names it */
    VG_TEXT_ASK     /* text (or an encoding only libmagic reads) that libmagic should name */
} vg_text_answer;

vg_text_answer vg_sniff_text(const uint8_t *head, size_t n, const char **mime);

#endif

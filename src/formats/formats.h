/*
 * The hash-list formats vigil reads: one row per format with its name, how to
 * recognise it from the first bytes, and its reader. Adding a format is adding
 * a row to the table in formats.c.
 */
#ifndef VG_FORMATS_H
#define VG_FORMATS_H
#include <stddef.h>
#include <stdint.h>
#include "formats/record.h"

/* How many bytes of a file detection looks at (after any byte-order mark). */
#define VG_HS_DETECT_HEAD 65536

typedef struct vg_hs_format {
    vigil_hashset_format id;
    const char *name;               /* as given to --format */
    const char *title;              /* for messages: "NSRL RDSv3 (SQLite)" */
    /*
     * 1 if the head of a file (BOM removed, n bytes, possibly cut mid-line)
     * is this format; NULL for formats that are never guessed.
     */
    int (*detect)(const uint8_t *head, size_t n);
    vg_hs_reader_fn read;
} vg_hs_format;

/* The row of a format, or NULL (AUTO has none). */
const vg_hs_format *vg_hs_format_get(vigil_hashset_format f);

/*
 * Recognise the format of the file open at fd from its head (fd is read with
 * pread; its offset is left alone). When no rule or more than one fits, fails
 * with VIGIL_EINPUT naming the file and the formats tried or matched.
 */
int vg_hs_detect(vigil_hashset_format *out, int fd, const char *path, vigil_error *err);

/* Length of a UTF-8 byte-order mark at p (3) or 0. */
size_t vg_hs_bom_len(const uint8_t *p, size_t n);

/* The line formats (hashdeep, md5deep, coreutils, bare lists, PDQ lists): read_lines.c. */
int vg_hs_read_lines(int fd, const char *path, const vg_hs_read_opts *o, const vg_hs_sink *sink,
                     vigil_error *err);

#endif

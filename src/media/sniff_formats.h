/*
 * vigil's own content sniffers: the formats vigil reads or that are worth
 * naming, told from the head bytes already read. Each known format carries the
 * MIME type `file --mime-type` (libmagic 5.44) gives for it, or none where
 * only libmagic can name it well, and whether vigil opens it as a container.
 * Pure functions of the bytes: safe from any thread.
 */
#ifndef VG_MEDIA_SNIFF_FORMATS_H
#define VG_MEDIA_SNIFF_FORMATS_H
#include <stddef.h>
#include <stdint.h>

/* Flags of a format. */
#define VG_FORMAT_CONTAINER 1u /* an archive or compressed stream libarchive opens */

typedef struct vg_format {
    const char *name; /* short name for tests and logs, e.g. "zip" */
    const char *mime; /* NULL: recognised, but libmagic names it better */
    unsigned flags;
} vg_format;

/* The format the head bytes start, or NULL when no sniffer recognises them. */
const vg_format *vg_sniff_format(const uint8_t *head, size_t n);

/* 1 if the head bytes start a container, whatever other format they may also look like. */
int vg_sniff_format_container(const uint8_t *head, size_t n);

#endif

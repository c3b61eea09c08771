/*
 * vg_linereader: text a line at a time with a bound on what it holds. A line longer than the
 * bound, or one holding a NUL byte (binary data, /dev/zero), is an error naming the file and
 * line, found as soon as the bytes are read: memory stays under twice the bound plus 64 KiB
 * whatever the input, and every call either returns a line or reads on or ends.
 */
#ifndef VG_CORE_LINEREADER_H
#define VG_CORE_LINEREADER_H
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "vigil/error.h"

#define VG_LINE_MAX (1u << 20)   /* the bound the text readers use: 1 MiB a line */

typedef struct vg_linereader {
    FILE *f;
    const char *label;    /* the file, for messages */
    const char *lineword; /* "line " gives "FILE:line N:", "" gives "FILE:N:" */
    size_t max;
    char *buf;
    size_t cap, start, end, seen;
    char held;            /* the byte the last line's terminating NUL replaced */
    int holding, eof;
    uint64_t lineno;      /* lines returned so far */
} vg_linereader;

/* Read f (not owned) a line at a time, lines of at most max bytes (newline included). */
int vg_linereader_init(vg_linereader *r, FILE *f, const char *label, const char *lineword, size_t max,
                       vigil_error *err);
/* The next line in *line, its newline kept (none on a last line without one), NUL-terminated and
 * writable until the next call; returns its length, 0 at the end of the file, or VIGIL_EINPUT for
 * a line over the bound, a NUL byte or a read error. */
ssize_t vg_linereader_next(vg_linereader *r, char **line, vigil_error *err);
void vg_linereader_dispose(vg_linereader *r);

#endif

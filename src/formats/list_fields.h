/*
 * Small pieces the list readers share: fast hex decoding of digest fields,
 * a CSV line splitter that unquotes in place, sizes and column names.
 */
#ifndef VG_FORMATS_LIST_FIELDS_H
#define VG_FORMATS_LIST_FIELDS_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "formats/record.h"

/* Decode exactly 2*n hex chars (any case); 0, or -1 on a char that is not hex. */
int vg_hs_hex(uint8_t *out, const char *s, size_t n);

/*
 * A digest field of nbytes bytes: blanks around it are ignored. Returns 1 when
 * decoded, 0 when the field is empty, -1 (why filled) when it has the wrong
 * length or a char that is not hex.
 */
int vg_hs_digest_field(uint8_t *out, size_t nbytes, const char *s, size_t len, const char *what, char *why,
                       size_t whysz);

typedef struct vg_hs_field {
    char *p;     /* unquoted bytes, not NUL-terminated */
    size_t len;
    int quoted;
} vg_hs_field;

/*
 * Split one line (no line end) at sep, honouring double quotes ("" inside
 * quotes is one quote); unquotes in place. Returns the number of fields, up to
 * max (further fields are counted, not stored), or -1 for a quote left open.
 */
int vg_hs_csv_split(char *line, size_t len, char sep, vg_hs_field *f, int max);

/* Length of line without its CR LF or LF end. */
size_t vg_hs_chomp(const char *line, size_t len);

/* Index of the field named name (case-insensitive), or -1. */
int vg_hs_field_index(const vg_hs_field *f, int n, const char *name);

/* A decimal integer field (blanks allowed around it); -1 when empty or not a number. */
int64_t vg_hs_size_field(const char *s, size_t len);

/*
 * A stdio stream over a duplicate of fd, for readers that go line by line; the
 * caller's fd stays open and is closed by its owner. NULL with err set
 * ("label: why") when it cannot be had.
 */
FILE *vg_hs_fdopen(int fd, const char *label, vigil_error *err);

#endif

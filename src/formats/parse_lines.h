/*
 * Line formats of hash lists: hashdeep known files, md5deep (with and without
 * -z sizes), coreutils md5sum/sha1sum/sha256sum in text, binary, tag and
 * escaped-name forms, and bare lists of one digest per line. One parser per
 * file; not shared between threads.
 */
#ifndef VG_FORMATS_PARSE_LINES_H
#define VG_FORMATS_PARSE_LINES_H
#include <stddef.h>
#include <stdint.h>
#include "vigil/hashset.h"

typedef struct vg_hash_record {
    int has_md5, has_sha1, has_sha256;
    uint8_t md5[16], sha1[20], sha256[32];
    int64_t size;            /* -1 when the line has none */
    const char *name;        /* points into the line (or the parser's scratch); may be NULL */
    size_t name_len;
    int has_pdq;
    uint8_t pdq[32];         /* PDQ hash, most significant byte first */
    int pdq_quality;         /* -1 when the line has none */
} vg_hash_record;

enum { VG_COL_SIZE = 1, VG_COL_MD5, VG_COL_SHA1, VG_COL_SHA256, VG_COL_OTHER, VG_COL_NAME, VG_COL_PDQ };

typedef struct vg_lines {
    vigil_hashset_format format;   /* AUTO until the first record decides */
    uint64_t lineno;
    int hd_header;                 /* hashdeep: 0 none seen, 1 magic seen, 2 columns known */
    int hd_cols[16];
    int hd_ncols;
    char name_scratch[4096];       /* unescaped names */
} vg_lines;

void vg_lines_init(vg_lines *p, vigil_hashset_format format);

/*
 * Parse one line (without its newline; a trailing CR is ignored). Returns 1 and
 * fills *rec for a record, 0 for a blank, comment or header line, -1 for a
 * malformed line with the reason in why.
 */
int vg_lines_parse(vg_lines *p, char *line, size_t len, vg_hash_record *rec, char *why, size_t whycap);

/* 1 if the record is the digest of the empty file (proves nothing, skipped at import). */
int vg_record_is_empty_file(const vg_hash_record *rec);

#endif

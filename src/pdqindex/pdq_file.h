/*
 * The PDQ index of one segment on disk: `<segment>.pdqx` beside it, holding
 * the segment's PDQ hashes as 64-bit words, the segment row of each, and the
 * multi-index hashing tables of pdq_index.c, so that a matcher maps it and
 * searches at once instead of building the tables in every process
 * (docs/index-format.md has the layout, docs/pdq-index.md the reasons).
 *
 * It holds every PDQ entry of the segment, disputed ones too: disputes change
 * without a new segment, so they are applied to the results (pdq_match.c).
 */
#ifndef VG_MATCH_PDQ_FILE_H
#define VG_MATCH_PDQ_FILE_H
#include <stddef.h>
#include <stdint.h>
#include "pdqindex/pdq_index.h"
#include "segment/segment.h"
#include "vigil/error.h"

#define VG_PDQX_MAGIC "VGPDQX\r\n"
#define VG_PDQX_VERSION 1
#define VG_PDQX_SUFFIX ".pdqx"
#define VG_PDQX_ALIGN 4096          /* every section starts on a page */
#define VG_PDQX_BYTE_ORDER 0x01020304u

typedef struct vg_pdqx_header {
    char magic[8];
    uint32_t version;
    uint32_t header_size;
    uint64_t file_size;
    uint64_t entries;
    uint32_t chunks;                /* VG_PDQ_INDEX_MIN_CHUNKS .. _MAX_CHUNKS, layout as vg_pdq_index_layout */
    uint32_t byte_order;            /* VG_PDQX_BYTE_ORDER as the writer stored it */
    uint64_t seg_size;              /* the segment it indexes: its size and header checksum */
    uint8_t seg_header_sha256[32];
    uint64_t words_off;             /* entries x 32 bytes: the hashes as four little-endian words */
    uint64_t rows_off;              /* entries x u32: the segment row of each */
    uint64_t table_off[VG_PDQ_INDEX_MAX_CHUNKS]; /* chunk c: 2^bits + 1 x u32 offsets, then entries x u32 ids */
    uint8_t reserved[96];
    uint8_t body_sha256[32];        /* everything after the header */
    uint8_t header_sha256[32];      /* the header up to this field */
} vg_pdqx_header;
_Static_assert(sizeof(vg_pdqx_header) == 384, "pdqx header is 384 bytes");

typedef struct vg_pdqx {
    const uint8_t *base;
    size_t size;
    const vg_pdqx_header *h;
    const vg_pdq_words *words;
    const uint32_t *rows;
    size_t n;
    vg_pdq_index *idx;              /* a view over the mapped tables */
} vg_pdqx;

/* "<seg_path>.pdqx", malloc'd. */
char *vg_pdqx_path(const char *seg_path);

/*
 * Write the index of seg (opened from seg_path) beside it: a temporary file in
 * the same folder, synced, then renamed over `<seg_path>.pdqx`, so a reader
 * sees the whole file or none. The tables are built one chunk at a time
 * (memory: the hashes and one table). VIGIL_ESTORE naming the file on an I/O
 * error or a full disk.
 */
int vg_pdqx_write(const char *seg_path, const vg_segment *seg, vigil_error *err);

/*
 * Map `<seg_path>.pdqx` and check what costs no reading of the body: magic,
 * version, byte order, header checksum, file size against the header, every
 * section inside the file, that it belongs to seg (the segment's size and
 * header checksum), its entry count against the segment's PDQ rows, and a
 * sample of 16 entries whose hash and row must equal the segment's.
 * VIGIL_ENOTFOUND when there is no file; VIGIL_ESTORE "path: why" when it is
 * refused.
 */
int vg_pdqx_open(vg_pdqx *out, const char *seg_path, const vg_segment *seg, vigil_error *err);

/*
 * What a full check adds: the body checksum, every hash and row against the
 * segment, and every table a permutation of the entries bucketed by its chunk.
 */
int vg_pdqx_verify(const vg_pdqx *x, const vg_segment *seg, const char *path, vigil_error *err);
void vg_pdqx_close(vg_pdqx *x);
/* Remove the index file beside a segment that is being removed (none is fine). */
void vg_pdqx_unlink(const char *seg_path);

#endif

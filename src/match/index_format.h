/*
 * On-disk layout of the exact-match index (version 1), little-endian:
 *
 *   header (vg_idx_header, 256 bytes)
 *   sets     nsets  x vg_idx_set      name, kind, default category and series
 *   refs     nrefs  x vg_idx_ref      (set, category, series) an entry points to
 *   strings  NUL-terminated strings addressed by offset (VG_IDX_NONE: absent)
 *   for each algorithm (MD5, SHA-1, SHA-256):
 *     prefix table, 65537 x u64: records whose first two digest bytes are < p start at prefix[p]
 *     records, count x (digest bytes, u32 ref), sorted by digest, then by the
 *     ref's precedence, so the first record of a digest is the one that wins
 *
 * Sections start on 8-byte boundaries. header_sha256 covers the header up to
 * itself; body_sha256 covers everything after the header (checked by verify,
 * not at open, so that opening costs no reading).
 */
#ifndef VG_MATCH_INDEX_FORMAT_H
#define VG_MATCH_INDEX_FORMAT_H
#include <stdint.h>

#define VG_IDX_MAGIC "VGLIDX\r\n"
#define VG_IDX_VERSION 1
#define VG_IDX_NONE 0xffffffffu
#define VG_IDX_PREFIXES 65536
#define VG_IDX_ALGS 3

typedef struct vg_idx_header {
    char magic[8];
    uint32_t version;
    uint32_t header_size;
    uint64_t generation;
    uint64_t file_size;
    uint64_t nsets, sets_off;
    uint64_t nrefs, refs_off;
    uint64_t strings_size, strings_off;
    uint64_t count[VG_IDX_ALGS];
    uint64_t prefix_off[VG_IDX_ALGS];
    uint64_t records_off[VG_IDX_ALGS];
    uint8_t body_sha256[32];
    uint8_t reserved[40];
    uint8_t header_sha256[32];
} vg_idx_header;

typedef struct vg_idx_set {
    uint32_t name;
    uint32_t kind;
    uint32_t category;
    uint32_t series;
} vg_idx_set;

typedef struct vg_idx_ref {
    uint32_t set;
    uint32_t category;
    uint32_t series;
    uint32_t precedence; /* lower wins: kind first, then import order */
} vg_idx_ref;

_Static_assert(sizeof(vg_idx_header) == 256, "index header is 256 bytes");

static const unsigned vg_idx_digest_len[VG_IDX_ALGS] = {16, 20, 32};

#endif

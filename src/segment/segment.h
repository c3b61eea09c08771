/*
 * A segment: the entries of one version of one hash set, in one immutable,
 * memory-mapped file beside the database (docs/index-format.md has the
 * layout). Written once by the import (segment_write.c), then only read; an
 * open segment may be shared by any number of threads.
 */
#ifndef VG_SEGMENT_H
#define VG_SEGMENT_H
#include <stddef.h>
#include <stdint.h>
#include "vigil/error.h"

#define VG_SEG_MAGIC "VGLSEG\r\n"
#define VG_SEG_VERSION 4     /* 4: compact entry rows; the digests only in the keys */
#define VG_SEG_VERSION_WIDE 3 /* the last version with 160-byte entry rows (3: prefix tables sized to the key count) */
#define VG_SEG_VERSION_MIN 1 /* version 2 has 16-bit prefix tables; version 1 also no links */
#define VG_SEG_ROW_GROUP 64  /* version 4: rows per entry of the row-group table */
#define VG_SEG_NONE 0xffffffffu
#define VG_SEG_PREFIX_BITS_V2 16 /* versions 1 and 2: 65,536 prefixes */
#define VG_SEG_PREFIX_BITS_MIN 8
#define VG_SEG_PREFIX_BITS_MAX 24
#define VG_SEG_KEYS_PER_PREFIX 16 /* about this many keys per prefix slot */

enum { VG_SEG_MD5 = 0, VG_SEG_SHA1, VG_SEG_SHA256, VG_SEG_ALGS };

/* What an entry has (vg_seg_entry.mask). */
enum {
    VG_SEG_HAS_MD5 = 1u << 0,
    VG_SEG_HAS_SHA1 = 1u << 1,
    VG_SEG_HAS_SHA256 = 1u << 2,
    VG_SEG_HAS_PDQ = 1u << 3,
    VG_SEG_HAS_PHOTODNA = 1u << 4,
};

/* Entry flags: the VG_HS_* record flags in the low bits, then what the import found. */
enum {
    VG_SEG_VICTIM_IDENTIFIED = 1u << 0, /* VG_HS_VICTIM_IDENTIFIED: the list says the victim is identified */
    VG_SEG_CONFLICT = 1u << 7,          /* records of this digest disagreed on the category */
};

/*
 * Links between entries (vg_seg_meta.links): distinct entries that share a
 * digest (an MD5-only record and an MD5+SHA-256 record of one file). Their
 * keys stay side by side, the most serious entry first.
 */
enum {
    VG_SEG_LINKED = 1u << 0,        /* a lookup by a digest it shares finds another entry first */
    VG_SEG_LINK_CONFLICT = 1u << 1, /* ... and that entry has another category */
};

/* The sections, in file order. */
enum {
    VG_SEC_ENTRIES = 0,   /* count x vg_seg_entry; version 4: the compact rows (segment/row.h) */
    VG_SEC_STRINGS,       /* NUL-terminated strings addressed by offset */
    VG_SEC_PHOTODNA,      /* 144-byte vectors, addressed by vg_seg_entry.photodna */
    VG_SEC_PDQ_ROWS,      /* u32 rows of the entries that have a PDQ hash */
    VG_SEC_META,          /* count x vg_seg_meta: what a lookup reports, 12 bytes a row */
    VG_SEC_KEYS_MD5,      /* sorted (digest, u32 row) per algorithm */
    VG_SEC_PREFIX_MD5,    /* 2^bits + 1 x u32 (bits: vg_seg_prefix_bits) */
    VG_SEC_KEYS_SHA1,
    VG_SEC_PREFIX_SHA1,
    VG_SEC_KEYS_SHA256,
    VG_SEC_PREFIX_SHA256,
    VG_SEC__COUNT
};

/* The sections version 4 adds (vg_seg_header.sec4), written after the meta table. */
enum {
    VG_SEC4_ROW_LEN = 0,  /* u8 per entry: the length of its compact row */
    VG_SEC4_ROW_GROUP,    /* u64 per VG_SEG_ROW_GROUP entries: offset of the group's first row in the rows */
    VG_SEC4_KEYPOS_MD5,   /* u32 per entry: index of its key (VG_SEG_NONE: none); empty when the keys are in row order */
    VG_SEC4_KEYPOS_SHA1,
    VG_SEC4_KEYPOS_SHA256,
    VG_SEC4__COUNT
};

typedef struct vg_seg_entry {
    int64_t size;           /* -1 unknown */
    uint64_t record;        /* ordinal of its first record in that source file (1-based) */
    uint8_t md5[16];
    uint8_t sha1[20];
    uint8_t sha256[32];
    uint8_t pdq[32];
    uint8_t mask;           /* VG_SEG_HAS_* */
    uint8_t flags;          /* VG_HS_* | VG_SEG_CONFLICT */
    int8_t severity;        /* -1 unknown */
    int8_t pdq_quality;     /* -1 unknown */
    uint32_t photodna;      /* vector number in VG_SEC_PHOTODNA, or VG_SEG_NONE */
    uint32_t category;      /* string offsets, VG_SEG_NONE when absent */
    uint32_t label;
    uint32_t profile;
    uint32_t series;
    uint32_t source;        /* source file name */
    uint32_t merged;        /* records merged into this one */
    uint64_t extid;         /* import only: hash of the source's id for the record (retractions) */
} vg_seg_entry;

/*
 * The part of an entry a lookup reports, apart from the wide rows: at 100
 * million entries the keys and this table (about 5 GB) stay in memory where
 * the rows (16 GB) would not.
 */
typedef struct vg_seg_meta {
    uint32_t category;      /* string offsets, as in the entry */
    uint32_t series;
    uint8_t flags;          /* as in the entry, | VG_SEG_CONFLICT when entries sharing a digest disagree */
    uint8_t mask;
    int8_t severity;        /* as in the entry (version 1: 0) */
    uint8_t links;          /* VG_SEG_LINKED | VG_SEG_LINK_CONFLICT (version 1: 0) */
} vg_seg_meta;

typedef struct vg_seg_section {
    uint64_t off, size;     /* bytes */
} vg_seg_section;

typedef struct vg_seg_header {
    char magic[8];
    uint32_t version;
    uint32_t header_size;
    uint64_t file_size;
    uint64_t entries;
    uint32_t entry_size;
    uint32_t nsections;
    vg_seg_section sec[VG_SEC__COUNT];
    uint32_t row_order;     /* version 3: bit a set when algorithm a's key k names row k, for every k */
    uint32_t reserved0;
    vg_seg_section sec4[VG_SEC4__COUNT]; /* version 4 */
    uint8_t reserved[16];
    uint8_t body_sha256[32];   /* everything after the header */
    uint8_t header_sha256[32]; /* the header up to this field */
} vg_seg_header;

_Static_assert(sizeof(vg_seg_entry) == 160, "segment entry is 160 bytes");
_Static_assert(sizeof(vg_seg_meta) == 12, "segment meta row is 12 bytes");
_Static_assert(sizeof(vg_seg_header) == 384, "segment header is 384 bytes");

static const unsigned vg_seg_digest_len[VG_SEG_ALGS] = {16, 20, 32};

/* memcmp for digests of n bytes (a multiple of 4): eight bytes at a time, big-endian order. */
static inline int vg_digest_cmp(const uint8_t *a, const uint8_t *b, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t x, y;
        __builtin_memcpy(&x, a + i, 8);
        __builtin_memcpy(&y, b + i, 8);
        if (x != y)
            return __builtin_bswap64(x) < __builtin_bswap64(y) ? -1 : 1;
    }
    if (i < n) {
        uint32_t x, y;
        __builtin_memcpy(&x, a + i, 4);
        __builtin_memcpy(&y, b + i, 4);
        if (x != y)
            return __builtin_bswap32(x) < __builtin_bswap32(y) ? -1 : 1;
    }
    return 0;
}

typedef struct vg_segment {
    const uint8_t *base;
    size_t size;
    int fd;                 /* the file, open while mapped: vg_seg_read_rows reads keys through it */
    const vg_seg_header *h;
    /* versions 1-3: the 160-byte rows; NULL in version 4 (read an entry with vg_seg_get) */
    const vg_seg_entry *wide;
    /* version 4: compact rows, their lengths, group offsets and each algorithm's key of a row */
    const uint8_t *rows;
    uint64_t nrows_bytes;
    const uint8_t *row_len;
    const uint64_t *row_group;
    const uint32_t *keypos[VG_SEG_ALGS]; /* NULL: the keys are in row order (key k is row k) */
    const vg_seg_meta *meta;
    const char *strings;
    uint64_t nstrings;
    const uint8_t *photodna;
    uint64_t nphotodna;
    const uint32_t *pdq_rows;
    uint64_t npdq;
    const uint8_t *keys[VG_SEG_ALGS];
    uint64_t nkeys[VG_SEG_ALGS];
    const uint32_t *prefix[VG_SEG_ALGS];
    unsigned prefix_bits[VG_SEG_ALGS]; /* leading digest bits that index the prefix table */
    /*
     * 1 when algorithm a's key k names row k for every k (the header's
     * row_order: an import sorts entries by their strongest digest, so the
     * keys of a digest every entry has and none has a stronger one), so that
     * the guessed key's place is also its meta row's.
     */
    uint8_t in_row_order[VG_SEG_ALGS];
} vg_segment;

/*
 * Leading bits a writer gives the prefix table of nkeys keys: about
 * VG_SEG_KEYS_PER_PREFIX keys a slot, so that the guess inside a slot lands
 * on the key's cache line or the next one (a 16-bit table leaves 300 keys a
 * slot at 20 million, a guess 9 keys off on average).
 */
static inline unsigned vg_seg_prefix_bits(uint64_t nkeys)
{
    unsigned b = VG_SEG_PREFIX_BITS_MIN;
    while (b < VG_SEG_PREFIX_BITS_MAX && (nkeys >> b) > 2 * VG_SEG_KEYS_PER_PREFIX)
        b++;
    return b;
}

/* The first eight digest bytes as a big-endian number (digests are at least 16 bytes). */
static inline uint64_t vg_seg_lead(const uint8_t *d)
{
    uint64_t v;
    __builtin_memcpy(&v, d, 8);
    return __builtin_bswap64(v);
}

/* Prefix slot of digest d in algorithm a's table. */
static inline uint64_t vg_seg_slot(const vg_segment *s, int a, const uint8_t *d)
{
    return vg_seg_lead(d) >> (64 - s->prefix_bits[a]);
}

/*
 * Map a segment and check its header: magic, version, sizes, header checksum
 * and that every section lies inside the file. A failure is VIGIL_ESTORE with
 * "path: why; rebuild ...". The body is not read (opening costs no I/O).
 */
int vg_seg_open(vg_segment *out, const char *path, vigil_error *err);
void vg_seg_close(vg_segment *s);
/*
 * The rows of the entries whose digest of algorithm a is d, most serious
 * first, found in keys read with pread instead of through the mapping: a
 * search that leaves no key page mapped, for a long run of lookups that must
 * not fill resident memory with the keys (only the prefix table, a few
 * hundred KB, is read through the mapping). Up to cap rows in rows; returns
 * how many keys equal d (0: not listed, or the file could not be read).
 */
size_t vg_seg_read_rows(const vg_segment *s, int a, const uint8_t *d, uint32_t *rows, size_t cap);
/*
 * Let go of the pages of the mapping that lookups have touched, so that they
 * no longer count in this process's resident memory. They stay in the page
 * cache (shared with every reader of the file) and fault back in when read
 * again: pointers into the segment stay valid.
 */
void vg_seg_release_pages(const vg_segment *s);
/* Read the whole body and compare it with the recorded checksum. */
int vg_seg_verify(const vg_segment *s, const char *path, vigil_error *err);
/*
 * A search for one digest in one key array, in two steps so that a batch can
 * fetch the memory of many searches before any of them waits on it: start
 * reads two prefix slots and guesses the position from the next 32 digest
 * bits (digests are uniform; prefetch the key at .at), end gallops from the
 * guess to the side the digest is on and ends with a binary search. The
 * gallop's addresses do not depend on the keys it reads, so the processor
 * fetches its steps in parallel: a lookup costs about one wait on memory
 * for the keys.
 */
typedef struct vg_seg_probe {
    uint64_t lo, hi;        /* the first key >= d lies in [lo, hi] */
    uint64_t end;           /* end of the prefix's range */
    uint64_t at;            /* the guess */
} vg_seg_probe;

#define VG_SEG_NOKEY UINT64_MAX

/* 0 when no key has d's prefix (or the table is damaged): no match, nothing more to do. */
int vg_seg_probe_start(const vg_segment *s, int a, const uint8_t *d, vg_seg_probe *p);
/* Index of the first key equal to d, or VG_SEG_NOKEY. */
uint64_t vg_seg_probe_end(const vg_segment *s, int a, const uint8_t *d, const vg_seg_probe *p);
/* Both steps: index of the first key equal to d, or VG_SEG_NOKEY. */
uint64_t vg_seg_first(const vg_segment *s, int a, const uint8_t *d);

/* Address of key i of algorithm a. */
static inline const uint8_t *vg_seg_key(const vg_segment *s, int a, uint64_t i)
{
    return s->keys[a] + i * (vg_seg_digest_len[a] + 4);
}

/*
 * The lines around the guessed key: the key is within a few places of the
 * guess, either side (a prefetch of an address outside the file is harmless).
 */
static inline void vg_seg_probe_prefetch(const vg_segment *s, int a, const vg_seg_probe *p)
{
    const uint8_t *k = vg_seg_key(s, a, p->at);
    size_t r = vg_seg_digest_len[a] + 4;
    __builtin_prefetch(k);
    __builtin_prefetch(k + r - 1);
    /* keys in row order: a hit's meta row is fetched beside its key, not after it */
    if (s->in_row_order[a] && p->at < s->h->entries)
        __builtin_prefetch(&s->meta[p->at]);
}

static inline void vg_seg_prefix_prefetch(const vg_segment *s, int a, const uint8_t *d)
{
    __builtin_prefetch(&s->prefix[a][vg_seg_slot(s, a, d)]);
}

/* Row of the first entry whose digest of algorithm a is d (the most serious of them), or -1. */
int64_t vg_seg_find(const vg_segment *s, int a, const uint8_t *d);
/* Keys of all entries with digest d, most serious first: first key in *first, count returned. */
uint64_t vg_seg_find_all(const vg_segment *s, int a, const uint8_t *d, uint64_t *first);
/* Where in [lo, hi) of algorithm a's keys the digest d is expected (for prefetching). */
uint64_t vg_seg_guess(const vg_segment *s, int a, const uint8_t *d, uint64_t lo, uint64_t hi);
uint32_t vg_seg_key_row(const vg_segment *s, int a, uint64_t i);
/* A growing array of entry rows (free rows with free()). */
typedef struct vg_seg_rows {
    uint32_t *rows;
    size_t n, cap;
} vg_seg_rows;
/* Append the rows of the entries that have digest d (16, 20 or 32 bytes: MD5, SHA-1, SHA-256); -1 out of memory. */
int vg_seg_digest_rows(const vg_segment *s, const uint8_t *d, size_t len, vg_seg_rows *out);
/* Sort the rows and drop repeats, for vg_seg_rows_has. */
void vg_seg_rows_sort(vg_seg_rows *r);
int vg_seg_rows_has(const vg_seg_rows *r, uint32_t row);
/*
 * Entry row (< h->entries) in full: the wide row of versions 1-3, or in
 * version 4 its compact row with its digests from the keys and mask,
 * category, series, severity from the meta row (extid is 0). -1 when the
 * segment is damaged there (e is then cleared to an entry with nothing).
 */
int vg_seg_get(const vg_segment *s, uint32_t row, vg_seg_entry *e);
/*
 * The PDQ hash and quality of entry row (a row of VG_SEC_PDQ_ROWS), without
 * its digests: what a PDQ index is built from. -1 when damaged.
 */
int vg_seg_pdq(const vg_segment *s, uint32_t row, uint8_t pdq[32], int8_t *quality);
/* String at offset, or NULL (absent or out of bounds). */
const char *vg_seg_str(const vg_segment *s, uint32_t off);

#endif

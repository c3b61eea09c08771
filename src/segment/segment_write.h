/*
 * Writing a segment: entries arrive deduplicated, in any order; each gets the
 * next row, its digests go to one external sort per algorithm, and finishing
 * writes strings, PhotoDNA vectors, PDQ rows, the sorted keys with their
 * prefix tables (linking entries that share a digest), the meta table and
 * finally the header with both checksums, then fsyncs.
 * The caller renames the file into place. Not shared between threads.
 */
#ifndef VG_SEGMENT_WRITE_H
#define VG_SEGMENT_WRITE_H
#include "segment/segment.h"

typedef struct vg_seg_writer vg_seg_writer;

/* Create path (a temporary name) and sort scratch files in dir, with memory bytes for sorting. */
int vg_seg_writer_new(vg_seg_writer **out, const char *path, const char *dir, size_t memory, vigil_error *err);
/*
 * Before the first entry: at most keys[a] entries will have a digest of
 * algorithm a (VG_SEG_MD5..VG_SEG_SHA256); the key sorts share the memory
 * bound in proportion instead of a third each. Without it, thirds.
 */
int vg_seg_writer_expect(vg_seg_writer *w, const uint64_t keys[VG_SEG_ALGS], vigil_error *err);
/* Append one entry (its photodna pointer is ignored; pass the vector or NULL). */
int vg_seg_writer_put(vg_seg_writer *w, const vg_seg_entry *e, const uint8_t *photodna, vigil_error *err);
/* Write the rest and the header, fsync and close. strings: the pool entries point into. */
int vg_seg_writer_finish(vg_seg_writer *w, const char *strings, size_t nstrings, vigil_error *err);
uint64_t vg_seg_writer_entries(const vg_seg_writer *w);
/*
 * Give every prefix table bits leading bits (VG_SEG_PREFIX_BITS_MIN..MAX)
 * instead of sizing it to its key count; 16 gives the tables of version 2
 * (tests of older segments use it).
 */
void vg_seg_writer_prefix_bits(vg_seg_writer *w, unsigned bits);
/*
 * Write version (before the first entry): VG_SEG_VERSION, the default, or
 * VG_SEG_VERSION_WIDE, the 160-byte rows of version 3 (tests of older
 * segments use it).
 */
void vg_seg_writer_version(vg_seg_writer *w, unsigned version);

/*
 * Entries that share a digest (distinct entries: their strongest digests
 * differ) are linked while finishing: the most serious leads the key run, and
 * fn is told once per entry that becomes linked (VG_SEG_LINKED) and once per
 * entry whose category differs from its leader's (VG_SEG_LINK_CONFLICT), with
 * the tag the entry was put with. tagged: keep a tag per entry (the entry's
 * extid at put; 4 bytes an entry in a scratch file), else every tag is 0.
 */
typedef void (*vg_seg_link_fn)(void *ud, uint32_t tag, unsigned link);
void vg_seg_writer_on_link(vg_seg_writer *w, vg_seg_link_fn fn, void *ud, int tagged);
/* Entries linked to another and, of them, those of another category. */
void vg_seg_writer_links(const vg_seg_writer *w, uint64_t *linked, uint64_t *conflicts);
/* Close (removing the file when not finished). */
void vg_seg_writer_free(vg_seg_writer *w);

#endif

/*
 * The import pipeline's steps, for the modules that feed it from elsewhere
 * than a list file (the conversion of a version 2 store, reindex).
 */
#ifndef VG_HASHSET_IMPORT_INT_H
#define VG_HASHSET_IMPORT_INT_H
#include "core/buf.h"
#include "formats/record.h"
#include "segment/segment.h"
#include "segment/xsort.h"
#include "vigil/hashset.h"

typedef struct vg_import_file {
    const char *label;
    uint32_t name_off;
    uint64_t ordinal;           /* records seen in this file */
    vigil_import_stats stats;
    char sha256[65];
    char *release;
    int failed;
} vg_import_file;

typedef struct vg_import {
    vigil_store *st;
    const vigil_import_opts *opts;
    size_t memory;
    char *tmpdir;
    vg_xsort *entries;
    uint64_t with_digest[VG_SEG_ALGS]; /* records with an MD5, SHA-1, SHA-256: how the key sorts share memory */
    vg_buf strings;
    uint32_t *slots;
    size_t nslots, nstr;
    uint32_t recent[4][8];  /* the last categories, labels, profiles and series interned: lists repeat them */
    uint32_t recent_len[4][8];
    unsigned recent_next[4];
    int pdna_fd;
    uint64_t npdna;
    uint64_t *retract_ids;
    size_t nretract_ids, cap_retract_ids;
    vg_seg_entry *retract_digests;
    size_t nretract_digests, cap_retract_digests;
    vg_import_file *files;
    size_t nfiles, capfiles;
    char *default_base;         /* NSRL delta base when --base is not given */
} vg_import;

/* What the commit records about a new version. */
typedef struct vg_import_prov {
    const vigil_import_opts *opts;
    const vigil_import_stats *total;
    const char *sources, *format, *release, *segment;
    const char *imported_at;    /* NULL: now */
    uint64_t entries;
    uint64_t videos, video_frames; /* known videos stored beside the segment (a vpdq import) */
    int upgrade;                /* converting an existing set: no "exists" refusal */
} vg_import_prov;

/* Take the writer lock, make the temporary folder and the entry sort. vg_import_end in all cases. */
int vg_import_begin(vg_import *p, vigil_store *st, const vigil_import_opts *o, vigil_error *err);
int vg_import_file_begin(vg_import *p, const char *label, vigil_error *err);
void vg_import_sink(vg_hs_sink *s, vg_import *p);
/* Dedupe and write the segment into the segment folder; *segment_name is its file name (malloc'd). */
int vg_import_write(vg_import *p, char **segment_name, uint64_t *entries, vigil_error *err);
/* One transaction: the set (created or updated), a new version row, current_version and its audit
 * event; then the old file goes. An event held in another database waits for vg_store_audit_settle. */
int vg_import_commit(vigil_store *st, const vg_import_prov *v, vigil_error *err);
/* vg_import_commit, then: on failure the new segment (and its PDQ index) is removed and *stats
 * zeroed; on success the audit event is settled. */
int vg_import_commit_or_discard(vigil_store *st, const vg_import_prov *v, const char *segment,
                                vigil_import_stats *stats, vigil_error *err);
/* A list file that could not be read (ferr): bad input is counted in *failed and reported (opts->on_reject, else
 * err) and the import goes on (0); trouble of the store or the machine ends it (its code, in err). */
int vg_import_file_failed(const vigil_import_opts *opts, const vigil_error *ferr, size_t *failed, vigil_error *err);
/* After every file: 0 when one was imported, else the refusal (one file without on_reject keeps its own error). */
int vg_import_none_imported(const vigil_import_opts *opts, size_t nfiles, size_t ok, size_t failed, vigil_error *err);
/* SHA-256 of the whole file read from fd, for provenance. */
int vg_import_file_sha256(char hex[65], int fd, const char *path, vigil_error *err);
/* vigil_hashset_import for opts->format VIGIL_FORMAT_VPDQ (import_videos.c). */
int vg_import_videos(vigil_import_stats *stats, vigil_store *st, const char *const *files, size_t nfiles,
                     const vigil_import_opts *opts, vigil_error *err);
int vg_import_check_name(vigil_store *st, const vigil_import_opts *o, vigil_error *err);
/* Add b's counts to a's (a file's to the import's). */
void vg_import_add_stats(vigil_import_stats *a, const vigil_import_stats *b);
void vg_import_end(vg_import *p);

#endif

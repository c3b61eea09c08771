/*
 * Known-hash sets: import from list formats into the store, list, remove.
 * A vigil_store handle belongs to one thread at a time.
 *
 * Codes: every function below that takes a store may also return VIGIL_ESTORE
 * (the database or a segment file failed: locked, full, damaged) and
 * VIGIL_ENOMEM; the comments name the other codes each one returns.
 */
#ifndef VIGIL_HASHSET_H
#define VIGIL_HASHSET_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "vigil/error.h"

typedef enum {
    VIGIL_KIND_ILLEGAL = 0,   /* ranks first when a digest is in several sets */
    VIGIL_KIND_INTEREST = 1,
    VIGIL_KIND_BENIGN = 2,
    VIGIL_KIND__COUNT
} vigil_hashset_kind;

typedef enum {
    VIGIL_FORMAT_AUTO = 0,
    VIGIL_FORMAT_HASHDEEP,    /* hashdeep known list, also md5deep output */
    VIGIL_FORMAT_MD5SUM,      /* coreutils text/binary/tag lines, or bare MD5 per line */
    VIGIL_FORMAT_SHA1SUM,
    VIGIL_FORMAT_SHA256SUM,
    VIGIL_FORMAT_PDQ,         /* one PDQ hash per line, "hash[,quality[,name]]" (ThreatExchange style) */
    VIGIL_FORMAT_NSRL_RDSV3,  /* NIST NSRL RDSv3 SQLite (minimal or full layout), or its CSV export */
    VIGIL_FORMAT_NSRL_RDS2,   /* NIST NSRL RDS 2.x NSRLFile.txt */
    VIGIL_FORMAT_VICS,        /* Project VIC VICS JSON 1.x and 2.0, every profile */
    VIGIL_FORMAT_CAID,        /* UK CAID: VICS 2.0 UK profile with a category mapping file */
    VIGIL_FORMAT_ICSE,        /* INTERPOL ICSE CSV export */
    VIGIL_FORMAT_NCMEC,       /* NCMEC hash-sharing v2 XML result */
    VIGIL_FORMAT_HASHKEEPER,  /* HashKeeper CSV */
    VIGIL_FORMAT_ENCASE,      /* EnCase legacy binary .hash (EnCase 6 era) */
    VIGIL_FORMAT_PHOTODNA,    /* PhotoDNA vectors "id,base64[,hex]" (representation only) */
    VIGIL_FORMAT_VPDQ,        /* known videos: vigil vpdq's lines, or the reference's per-video file */
    VIGIL_FORMAT__COUNT
} vigil_hashset_format;

const char *vigil_hashset_kind_name(vigil_hashset_kind k);
/* 0, or VIGIL_EUSAGE for an unknown name (no message: no vigil_error). */
int vigil_hashset_kind_parse(vigil_hashset_kind *out, const char *s);
const char *vigil_hashset_format_name(vigil_hashset_format f);
/* 0, or VIGIL_EUSAGE for an unknown name (no message: no vigil_error). */
int vigil_hashset_format_parse(vigil_hashset_format *out, const char *s);

typedef struct vigil_store vigil_store;

/* Open (creating if needed) the SQLite store at path. On success *out is owned by the caller.
 * VIGIL_EINPUT: not a vigil database (or a newer schema); VIGIL_ESTORE: cannot open, create or
 * migrate it. */
int vigil_store_open(vigil_store **out, const char *path, vigil_error *err);
/* Open an existing store read-only: VIGIL_ENOTFOUND if there is none; else as vigil_store_open
 * (VIGIL_ESTORE also when it needs a schema upgrade). */
int vigil_store_open_readonly(vigil_store **out, const char *path, vigil_error *err);
/* vigil_store_open for commands that only read: VIGIL_ENOTFOUND ("PATH: no such database") and
 * no file made when there is none. */
int vigil_store_open_existing(vigil_store **out, const char *path, vigil_error *err);
void vigil_store_close(vigil_store *st);
/*
 * Convert a store written by an older vigil (entries kept as SQLite rows) to
 * segment files, through the import pipeline. Both open calls refuse such a
 * store with VIGIL_ESTATE until this has run; commands that write to the
 * store call it first. *converted (may be NULL) counts the sets converted:
 * 0 when there was nothing to do, or no database at path (none is created).
 */
int vigil_store_upgrade(const char *path, size_t *converted, vigil_error *err);
const char *vigil_store_path(const vigil_store *st);

struct vigil_import_stats;

typedef struct vigil_import_opts {
    const char *name;
    vigil_hashset_kind kind;
    vigil_hashset_format format;
    const char *category;     /* default category for entries that carry none; may be NULL */
    const char *series;       /* default series; may be NULL */
    int replace;              /* replace an existing set of that name in the same transaction */
    int change_kind;          /* a replacement may have another kind than the set's current one */
    int lenient;              /* reject bad lines with a count instead of failing the file */
    const char *who;          /* recorded in provenance (the audit log's user instead when the
                                 store has one: vigil_audit_hashsets) */
    /* called for each rejected line in lenient mode: "file:line: why" */
    void (*on_reject)(const char *msg, void *ud);
    void *ud;
    const char *category_map; /* CAID: "code,label" mapping file; may be NULL */
    const char *base;         /* NSRL delta: the database it applies to; NULL: the set's recorded source */
    size_t memory;            /* bytes for sorting (bounds the import's memory); 0: 256 MiB */
    /* bytes of the current file read so far, for a progress bar; then, with file NULL, entries
       merged so far while the set is written; may be NULL */
    void (*on_progress)(const char *file, uint64_t done, uint64_t total, void *ud);
    /* counts of each file once read (several files into one set); may be NULL */
    void (*on_file)(const char *file, const struct vigil_import_stats *fs, void *ud);
} vigil_import_opts;

/* records + rejected = added + duplicates + skipped_empty + rejected + retracted, per file and in all. */
typedef struct vigil_import_stats {
    uint64_t records;         /* well-formed records read (retractions included) */
    uint64_t added;           /* entries stored */
    uint64_t duplicates;      /* same digest again in this set: merged into its entry */
    uint64_t skipped_empty;   /* digest of the empty file, or an all-zero PDQ: proves nothing */
    uint64_t rejected;        /* malformed (lenient mode only) */
    uint64_t retracted;       /* retractions, and the records they withdrew */
    uint64_t conflicts;       /* merged records whose category disagreed (most serious kept) */
    vigil_hashset_format format; /* the format read (detected when auto) */
} vigil_import_stats;

/* The longest set name, in bytes. */
#define VIGIL_HASHSET_NAME_MAX 128
/* Is name fit for a new set: 1 to VIGIL_HASHSET_NAME_MAX bytes, no control characters (newline,
 * tab...), no '/' or '\\', not starting with '.', '-' or a space, not ending with a space?
 * 0, or VIGIL_EINPUT naming the rule it breaks (the name is quoted only when printable). */
int vigil_hashset_name_check(const char *name, vigil_error *err);

/*
 * Import FILEs into one set as a new version of it. Each file is all or
 * nothing: a malformed line fails that file with "file:line: why"
 * (VIGIL_EINPUT) and nothing of it is stored; the set exists only if at least
 * one file imported. The entries are sorted in memory bounded by opts->memory
 * (spilling to a temporary folder beside the database), written to a new
 * segment file, and one SQLite transaction makes it current: an interrupted
 * import leaves the store as it was. Readers that opened the index before
 * keep their view.
 * VIGIL_EUSAGE: too many files; VIGIL_EEXISTS: the set exists and opts->replace is not
 * set; VIGIL_ESTATE: the replacement's kind differs from the set's and opts->change_kind
 * is not set; VIGIL_EINPUT: the name of a new set breaks vigil_hashset_name_check, the name
 * starts with VIGIL_HASHSET_UNIT_PREFIX, a file
 * cannot be read, has no reader for its format, or is malformed (the first file's
 * "file:line: why", or how many files failed); VIGIL_EDENIED: the store is held to the
 * access policy (vigil_audit_hashsets) and its user may not make this change;
 * VIGIL_ESTORE also for the temporary folder or the segment file.
 */
int vigil_hashset_import(vigil_import_stats *stats, vigil_store *st, const char *const *files,
                         size_t nfiles, const vigil_import_opts *opts, vigil_error *err);

/* One entry handed in directly rather than read from a list (a unit's categorized items):
 * digests as hex, NULL or "" when missing; at least one of them. */
typedef struct vigil_hashset_entry {
    const char *md5, *sha1, *sha256, *pdq;
    int pdq_quality;          /* -1 when not known; ignored without pdq */
    int64_t size;             /* -1 when not known */
    const char *category, *series; /* NULL: none */
    int victim_identified;
    const char *source;       /* where this entry comes from ("case 12"); NULL or "": the call's source */
} vigil_hashset_entry;

/* Names starting with this are kept for the units' own sets, which vigil case categorize writes
 * (vigil/categorize.h): vigil_hashset_import refuses them, so no imported list takes one. */
#define VIGIL_HASHSET_UNIT_PREFIX "unit:"

/*
 * Make n entries the new version of set opts->name (a new set, or a replacement with
 * opts->replace), through the import pipeline, format "case". Each entry keeps its own source
 * (or source when it has none) as its provenance, the record source a match reports, as the
 * files of an import do: runs of entries with the same source are read as one file, so pass them
 * grouped. The set's provenance lists each run's source, one a line. An entry in several runs
 * (one digest from two cases) is merged into one that names the first. Codes of
 * vigil_hashset_import; VIGIL_EINPUT also for an entry whose digest is not hex of its length or
 * that has none (nothing is stored then); VIGIL_EEXISTS for a replacement of a set whose current
 * version was not written so (an imported list of that name is never overwritten).
 */
int vigil_hashset_import_entries(vigil_import_stats *stats, vigil_store *st, const vigil_hashset_entry *v, size_t n,
                                 const char *source, const vigil_import_opts *opts, vigil_error *err);

typedef struct vigil_hashset_info {
    int64_t id;
    char *name;
    vigil_hashset_kind kind;
    char *category, *series;  /* may be NULL */
    char *format;
    char *sources;            /* "file (sha256 hex)" lines, '\n'-separated */
    char *imported_at;        /* ISO 8601 UTC */
    char *imported_by;
    uint64_t entries;
    int64_t version;          /* 1 for the first import, +1 per replacement */
    char *release;            /* the source's own version or release string; may be NULL */
    char *segment;            /* file of the current version, in <db>.sets/ */
    uint64_t records, added, merged, skipped, rejected, retracted, conflicts;
    /* vigil_hashset_list only, from the current segment: entries with a PDQ hash (0 when the
     * segment cannot be read), and 1 when the segment file is not in <db>.sets/ (a database
     * copied without its folder) */
    uint64_t pdq_entries;
    int segment_missing;
    /* vigil_hashset_list only: the known videos of the version (a vpdq import) and their frames */
    uint64_t videos, video_frames;
} vigil_hashset_info;

/* On success *out is an array of *n sets owned by the caller (free with vigil_hashset_info_free).
 * No other codes. */
int vigil_hashset_list(vigil_hashset_info **out, size_t *n, vigil_store *st, vigil_error *err);
void vigil_hashset_info_free(vigil_hashset_info *v, size_t n);
/* The store is the database and its "<db_path>.sets" folder together: when current sets of the
 * list have no segment file there (a database copied without its folder), VIGIL_ESTORE with one
 * message naming the folder and the way out; else 0. */
int vigil_hashset_check_segments(const vigil_hashset_info *sets, size_t n, const char *db_path,
                                 vigil_error *err);
/* After an online copy of the database db_path into copy_path (vigil_registry_backup), give the
 * copy the segment files its catalog names and their PDQ indexes, copied into "<copy_path>.sets/"
 * (a copy-on-write clone where the file system has them). *files (may be NULL) gets their
 * number. VIGIL_ESTORE naming a segment that is gone (removed meanwhile: take the copy again). */
int vigil_store_copy_segments(const char *db_path, const char *copy_path, size_t *files, vigil_error *err);
/* Every version of every set, oldest first, as above (entries 0 for superseded ones). No other codes. */
int vigil_hashset_versions(vigil_hashset_info **out, size_t *n, vigil_store *st, vigil_error *err);
/* Remove a set and its entries; VIGIL_ENOTFOUND if there is none of that name, VIGIL_EDENIED
 * as vigil_hashset_import. */
int vigil_hashset_remove(vigil_store *st, const char *name, vigil_error *err);

/*
 * Disputes: an entry wrongly listed is taken out of matching without changing
 * the list (kept with who, why and when, reversible, exportable for the list's
 * owner). digest_hex is an MD5, SHA-1 or SHA-256 (32, 40 or 64 hex digits);
 * set NULL means every set. Applies to indexes opened afterwards.
 */
typedef struct vigil_dispute {
    int64_t id;
    char digest[65];          /* lower-case hex */
    char *set;                /* NULL: every set */
    char *reason, *disputed_by, *disputed_at;
    int active;
    char *lifted_by, *lifted_at; /* NULL while active */
} vigil_dispute;

/* who is recorded as disputed_by (lifted_by), or the audit log's user when the store has one.
 * VIGIL_EUSAGE for a malformed digest or empty reason, VIGIL_ENOTFOUND for an unknown set or a
 * digest that no current set (or not the set named) lists, VIGIL_EEXISTS when an active dispute
 * already took out every record the digest names (by it or another of their digests),
 * VIGIL_EDENIED as vigil_hashset_import (also for undispute). A dispute takes the records out of
 * matching by every digest and hash they carry (MD5, SHA-1, SHA-256, PDQ). */
int vigil_hashset_dispute(vigil_store *st, const char *digest_hex, const char *set, const char *reason,
                          const char *who, vigil_error *err);
/* Lift every active dispute of the digest; VIGIL_ENOTFOUND when there is none. */
int vigil_hashset_undispute(vigil_store *st, const char *digest_hex, const char *who, vigil_error *err);
/* The same, and *lifted (*nlifted of them; free with vigil_dispute_free) names the disputes lifted. */
int vigil_hashset_undispute_lifted(vigil_store *st, const char *digest_hex, const char *who, vigil_dispute **lifted,
                                   size_t *nlifted, vigil_error *err);
/* All disputes, lifted ones included, oldest first; free with vigil_dispute_free. No other codes. */
int vigil_hashset_disputes(vigil_dispute **out, size_t *n, vigil_store *st, vigil_error *err);
void vigil_dispute_free(vigil_dispute *v, size_t n);

/*
 * List hygiene: call fn once per problem found in the current sets:
 * "also-benign" (an illegal entry whose digest is in a benign set),
 * "common-file" (the digest of a trivially common file in an illegal set),
 * "conflict" (records of one digest disagreed on the category at import),
 * "duplicates" (a set whose import merged repeated records; detail has the count),
 * "pdq-low-quality" (quality < 50) and "pdq-zero" (an all-zero PDQ hash).
 * digest_hex is the entry's strongest digest (NULL for set-level problems).
 * Returns the number of problems, or <0 with err set: the index could not be
 * opened (VIGIL_ESTORE, as vigil_index_open).
 */
typedef void (*vigil_hygiene_fn)(void *ud, const char *problem, const char *set, const char *digest_hex,
                                 const char *detail);
int vigil_hashset_check(vigil_store *st, vigil_hygiene_fn fn, void *ud, vigil_error *err);

/*
 * Write every entry of the current version of set NAME to f as "vics",
 * "hashdeep" or "csv". *written and *skipped count entries (skipped: the
 * format has no place for them, e.g. hashdeep without a size). "vpdq" writes
 * the set's known videos instead, as vigil vpdq lines in the order imported
 * (*written counts frames; *skipped the digest entries, which have no place).
 * VIGIL_ENOTFOUND for an unknown set, VIGIL_EUSAGE for an unknown format,
 * VIGIL_ESTORE also when f cannot be written ("export: write error: why").
 */
int vigil_hashset_export(uint64_t *written, uint64_t *skipped, vigil_store *st, const char *name,
                         const char *format, FILE *f, vigil_error *err);

/* Parse a list held in memory, for tests and fuzzing: counts only, nothing stored.
 * VIGIL_EINPUT for empty or malformed input or a format without a reader, VIGIL_ENOMEM. */
int vigil_hashset_parse_mem(vigil_import_stats *stats, const void *data, size_t n,
                            vigil_hashset_format format, vigil_error *err);

/*
 * Write one record line of a hashdeep or PDQ list to f: fields (the columns before
 * the name, each followed by a comma) then the name. A name with a control byte is written in
 * the escaped form that vigil's reader takes back (a leading backslash; \\ \n \r
 * \t \xHH in the name, docs/output.md), so no name can start a line of its own;
 * every other name is written byte for byte. 0, or -1 when f refuses the bytes.
 */
int vigil_hashlist_write_line(FILE *f, const char *fields, const char *name, size_t name_len);

#endif

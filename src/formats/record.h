/*
 * What every hash-list reader produces and every writer consumes: one record
 * per listed file, with the fields vigil keeps (hashset-formats.md, section 11).
 * Readers stream records into a sink; they never hold a whole list in memory.
 */
#ifndef VG_FORMATS_RECORD_H
#define VG_FORMATS_RECORD_H
#include <stddef.h>
#include <stdint.h>
#include "vigil/error.h"
#include "vigil/hashset.h"

enum {
    VG_HS_VICTIM_IDENTIFIED = 1u << 0,
    VG_HS_OFFENDER_IDENTIFIED = 1u << 1,
    VG_HS_DISTRIBUTED = 1u << 2,
    VG_HS_BASELINE = 1u << 3,       /* INTERPOL baseline: illegal in every member country */
};

#define VG_PHOTODNA_BYTES 144

typedef struct vg_hs_record {
    unsigned has_md5 : 1, has_sha1 : 1, has_sha256 : 1, has_pdq : 1, has_photodna : 1;
    uint8_t md5[16], sha1[20], sha256[32];
    uint8_t pdq[32];                /* most significant byte first */
    int pdq_quality;                /* -1 when the list gave none */
    uint8_t photodna[VG_PHOTODNA_BYTES]; /* representation only: vigil never computes PhotoDNA */
    int64_t size;                   /* -1 when unknown */
    const char *name;               /* bytes as found (may not be UTF-8); NULL when none */
    size_t name_len;
    const char *category;           /* raw code as written ("1", "A1", "8"); NULL when none */
    const char *category_label;     /* label from the profile or a mapping file; NULL when none */
    const char *profile;            /* "VICS 2.0 US", "CAID", "NCMEC"...; NULL when none */
    int severity;                   /* rank of the category within its profile, higher is more
                                       serious (decides conflicts); -1 when unknown */
    const char *series;             /* NULL when none; an empty string is given as NULL */
    const char *external_id;        /* id inside the source (NCMEC id, ICSE Image ID); NULL when none */
    uint32_t flags;                 /* VG_HS_* */
    int retract;                    /* 1: the source withdraws this entry (NCMEC deletedImage) */
    char where[64];                 /* place in the source: "line 12", "value[3].Media[1]", "row 17" */
} vg_hs_record;

/* Reset to "nothing known": no digests, size, quality and severity -1, strings NULL. */
void vg_hs_record_clear(vg_hs_record *r);
/* 1 if the record carries the digest of the empty file (proves nothing; skipped at import). */
int vg_hs_record_is_empty_file(const vg_hs_record *r);
/* "file:12" for a line number (as compilers write it), "file:row 17" for any other place. */
void vg_hs_place(char *out, size_t n, const char *label, const char *where);

/*
 * Where a reader sends what it finds. Strings in a record are lent for the
 * duration of the call only.
 */
typedef struct vg_hs_sink {
    /* A well-formed record. Return 0 to go on, <0 (err set) to stop the reader. */
    int (*record)(void *ud, const vg_hs_record *r, vigil_error *err);
    /*
     * A malformed record: where (as in vg_hs_record.where) and why. Return 0 to
     * go on (lenient import), <0 to stop (strict import; err set by the sink).
     */
    int (*reject)(void *ud, const char *where, const char *why, vigil_error *err);
    /* Set-level facts: "version", "release", "profile", "build_date"...; may be NULL. */
    void (*meta)(void *ud, const char *key, const char *value);
    /* Bytes of the source consumed so far, for a progress bar; may be NULL. */
    void (*progress)(void *ud, uint64_t done, uint64_t total);
    void *ud;
} vg_hs_sink;

typedef struct vg_hs_read_opts {
    const char *label;              /* file name for messages */
    vigil_hashset_format format;    /* the format asked for (bare lists: which algorithm) */
    const char *category_map;       /* path of a "code,label" mapping file (CAID); may be NULL */
    const char *base;               /* NSRL delta: the database the delta applies to; may be NULL */
    size_t memory_limit;            /* bytes a reader may buffer; 0 means its default */
} vg_hs_read_opts;

/*
 * A reader: parse the file open at fd (positioned at 0; path for readers that
 * must reopen it, such as SQLite) and stream its records to the sink. Returns
 * 0, or <0 with err set ("file:where: why") when the file cannot be read at all.
 */
typedef int (*vg_hs_reader_fn)(int fd, const char *path, const vg_hs_read_opts *o, const vg_hs_sink *sink,
                               vigil_error *err);

#endif

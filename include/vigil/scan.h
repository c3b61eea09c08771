/*
 * The scan pipeline: one walker, N reader threads, one sink. Items reach the
 * callback in walk order whatever the number of jobs, from a single thread.
 * Memory stays bounded: a fixed number of items is in flight at any time.
 */
#ifndef VIGIL_SCAN_H
#define VIGIL_SCAN_H
#include <signal.h>
#include <stdint.h>
#include "vigil/error.h"
#include "vigil/index.h"
#include "vigil/item.h"
#include "vigil/pdq_match.h"
#include "vigil/vpdq.h"

typedef struct vigil_scan_limits {
    unsigned max_depth;          /* archives inside archives, levels (default 8) */
    uint64_t max_ratio;          /* expanded/compressed bytes of a top-level archive (default 1000) */
    uint64_t ratio_floor;        /* the ratio is checked once this much has expanded (default 256 MiB) */
    uint64_t max_archive_bytes;  /* total expanded bytes of one top-level archive (default 64 GiB) */
    uint64_t spool_mem;          /* nested archives up to this size are held in memory (default 64 MiB) */
} vigil_scan_limits;

typedef struct vigil_scan_opts {
    unsigned jobs;               /* reader threads (default: online CPUs) */
    int expand_archives;         /* open archives and scan their members (default 1) */
    int sniff_mime;              /* fill item->mime with libmagic (default 1) */
    int read_link_targets;       /* readlink() symlinks on disk: it moves their atime (default 0) */
    const vigil_index *index;    /* NULL: no matching, every read item is unknown */
    vigil_scan_limits limits;
    volatile sig_atomic_t *stop; /* non-zero stops the scan: no item is handed on after it */
    /* Called in walk order from one thread; a non-zero return stops the scan. */
    int (*on_item)(const vigil_item *it, void *ud);
    void *ud;
    int compute_pdq;             /* decode images (sniffed by magic bytes) and hash them (default 0) */
    vigil_decode_opts decode;    /* pixel limit and such for the decoders */
    uint64_t max_image_bytes;    /* larger image files are not decoded, an error says so (default 256 MiB) */
    const vigil_pdq_matcher *pdq_matcher; /* NULL: no near matching */
    int pdq_max_distance;        /* near-match radius (default 31) */
    /* Videos (sniffed by magic bytes: MP4/MOV/3GP, Matroska/WebM, AVI, FLV, ASF, MPEG-PS/TS) are
       decoded and their sampled frames hashed (vPDQ), files on disk only (default 0; vigil scan: 1). */
    int compute_vpdq;
    vigil_vpdq_opts vpdq;        /* sampling and limits, as vigil vpdq's */
    /* Known videos (a vpdq list, lent for the scan): a video near one (vigil_vpdq_compare with
       video_match) is near; NULL: none. A frame near a PDQ entry of pdq_matcher makes it near too. */
    const vigil_vpdq_list *known_videos;
    vigil_vpdq_match_opts video_match;
    /* Disk images named as paths (detected by content, see README). */
    int carve;                   /* carve pictures out of unallocated space */
    uint64_t carve_max_size;     /* largest picture carved (default 64 MiB) */
    int verify_image;            /* check an E01's stored MD5/SHA-1 against its media */
    /* Passwords and recovery keys tried on encrypted volumes (LUKS, BitLocker), lent for the scan;
       never written to any output, log or error. */
    const char *const *keys;
    size_t nkeys;
    /* item->thumb for pictures (needs compute_pdq: made from the same decode): 0 none (default),
       1 unknown and near items only, 2 every verdict, known-illegal included. */
    int thumbnails;
    /* Resuming (vigil/resume.h): files on disk the earlier scan finished are not read again;
     * their stored items are handed on instead. NULL: read everything. */
    const struct vigil_resume *resume;
    /* Isolation: files are parsed in worker processes (one per job), sandboxed by seccomp, so that
     * a parser that crashes, hangs or runs out of memory costs one error item, not the scan.
     * Listing the file systems of a disk image named as a path and its self-check stay in the
     * scanning process (images found inside folders are listed in the worker). */
    int isolate;                 /* default 0 here; vigil scan turns it on (--no-isolation: off) */
    unsigned item_timeout;       /* seconds without progress before a worker is killed (default 60) */
    uint64_t worker_memory;      /* address space a worker may add to what it starts with (default 1 GiB) */
    /* A file found while walking whose content is a raw disk image is opened and its files read,
     * nested under it (default 1; only with expand_archives). */
    int nested_images;
} vigil_scan_opts;

/* The self-check of one disk image (--verify-image). */
typedef enum {
    VIGIL_IMAGE_VERIFIED = 0,    /* every stored hash equals the media's */
    VIGIL_IMAGE_MISMATCH,        /* a stored hash differs, or chunks failed their checksum */
    VIGIL_IMAGE_NO_HASH,         /* nothing stored to compare with (raw images, EWF without hashes) */
    VIGIL_IMAGE_UNREADABLE,      /* the media could not be read to its end: error says why */
} vigil_image_check_result;

typedef struct vigil_image_verification {
    char *image;
    vigil_image_check_result result;
    int has_md5, has_sha1;
    uint8_t md5_stored[16], md5_computed[16];
    uint8_t sha1_stored[20], sha1_computed[20];
    uint64_t media_size, bytes_read;
    uint32_t checksum_errors;
    char *error;
} vigil_image_verification;

const char *vigil_image_check_name(vigil_image_check_result r);

typedef struct vigil_scan_stats {
    uint64_t items;
    uint64_t bytes;              /* bytes read and hashed */
    uint64_t by_verdict[VIGIL_VERDICT__COUNT];
    uint64_t by_error_kind[VIGIL_ERROR__COUNT]; /* error items by kind ([VIGIL_ERROR_OTHER]: the rest) */
    int interrupted;
    /* Threads still stuck inside a parser when a stopped scan returned (it waits about a second
     * for them). They go on using opts and what it points to (index, matchers, resume, paths):
     * the caller must keep those valid until the process exits, and should exit soon. */
    unsigned threads_left;
    double seconds;
    /* Disk images: items by state, unallocated space carved, image self-checks. */
    uint64_t images;
    uint64_t allocated, deleted, carved;
    uint64_t unallocated_bytes;  /* bytes of unallocated space handed to the carver */
    uint64_t carve_candidates, carve_rejected;
    vigil_image_verification *verifications;
    size_t nverifications;
    /* Isolated scans (isolated set): files on disk handed to a parser worker, and files on disk read
     * in the scanning process because no parser would touch their bytes (src/scan/parse_need.h). */
    int isolated;
    uint64_t worker_files, own_files;
} vigil_scan_stats;

void vigil_scan_opts_init(vigil_scan_opts *o);
/* Free what a scan put into stats (image verifications); stats stays valid, with none. */
void vigil_scan_stats_dispose(vigil_scan_stats *s);

/* Scan every path. Errors about single items become error items; the return is
 * non-zero only when the scan itself could not run: VIGIL_ENOMEM, or VIGIL_EINTERNAL
 * when a reader or the walker thread cannot start (or a digester cannot be made).
 * Once *o->stop is set the scan returns within about a second even with a parser stuck
 * (stats->threads_left says how many threads it left behind). */
int vigil_scan_run(vigil_scan_stats *stats, const char *const *paths, size_t npaths,
                   const vigil_scan_opts *o, vigil_error *err);

/*
 * 1 if the output file `out` would land inside one of the n trees under paths
 * (symlinks resolved), so that no output is ever written into evidence; 0 for
 * "-" (stdout) and for a folder that does not exist (the open will say why).
 */
int vigil_output_inside(const char *out, const char *const *paths, size_t n);

/* Quick pre-count of regular files and their bytes under the paths, for progress. */
void vigil_scan_precount(uint64_t *files, uint64_t *bytes, const char *const *paths, size_t npaths,
                         volatile sig_atomic_t *stop);

#endif

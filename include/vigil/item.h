/*
 * One scanned item and its verdict, as handed to a scan's callback. All
 * pointers are lent for the duration of the callback only.
 */
#ifndef VIGIL_ITEM_H
#define VIGIL_ITEM_H
#include <stddef.h>
#include <stdint.h>
#include "vigil/digest.h"
#include "vigil/index.h"
#include "vigil/pdq.h"

typedef enum {
    VIGIL_VERDICT_ILLEGAL = 0,
    VIGIL_VERDICT_BENIGN,
    VIGIL_VERDICT_INTEREST,
    VIGIL_VERDICT_NEAR,
    VIGIL_VERDICT_UNKNOWN,
    VIGIL_VERDICT_ERROR,
    VIGIL_VERDICT__COUNT
} vigil_verdict;

typedef enum {
    VIGIL_ITEM_FILE = 0,
    VIGIL_ITEM_SYMLINK,
    VIGIL_ITEM_FIFO,
    VIGIL_ITEM_SOCKET,
    VIGIL_ITEM_CHARDEV,
    VIGIL_ITEM_BLOCKDEV,
    VIGIL_ITEM_HARDLINK,  /* archive member that names another member */
    VIGIL_ITEM_DIR,       /* only as an error item: a directory that could not be read */
    VIGIL_ITEM_ARCHIVE,   /* only as an error item: the part of an archive that could not be read */
    VIGIL_ITEM_OTHER,
    VIGIL_ITEM_IMAGE,     /* only as an error item: a disk image that could not be opened */
    VIGIL_ITEM_FILESYSTEM, /* only as an error item: a partition or file system of an image that could not be read */
} vigil_item_type;

/* What kind of error an error item is, where it is more than "could not be read": a container
 * that is encrypted, one that is recognised but not read, data a parser rejects as malformed, or a
 * parser that crashed, hung or ran out of memory in its worker process. VIGIL_ERROR_OTHER for the
 * rest. */
typedef enum {
    VIGIL_ERROR_OTHER = 0,
    VIGIL_ERROR_ENCRYPTED,    /* an encrypted volume or image: its content needs a key */
    VIGIL_ERROR_UNSUPPORTED,  /* a recognised container vigil does not read (DMG, VDI, ...) */
    VIGIL_ERROR_CRASHED,      /* the parser's worker process died (a signal, the sandbox) */
    VIGIL_ERROR_TIMEOUT,      /* the parser made no progress for the item timeout */
    VIGIL_ERROR_MEMORY,       /* the parser went over the worker's memory cap */
    VIGIL_ERROR_CORRUPT,      /* a parser rejected the data as malformed (damaged, truncated, bad checksum) */
    VIGIL_ERROR__COUNT
} vigil_error_kind;

/*
 * A file system time: seconds and nanoseconds since 1970 UTC; set == 0 when the file system lacks it.
 * local == 1: a wall-clock time in a zone the file system does not record (FAT), counted as if UTC
 * and written without a zone.
 */
typedef struct vigil_fs_time {
    int64_t sec;
    uint32_t nsec;
    int set;
    int local;
} vigil_fs_time;

enum { VIGIL_TIME_CREATED, VIGIL_TIME_MODIFIED, VIGIL_TIME_ACCESSED, VIGIL_TIME_CHANGED, VIGIL_TIME__COUNT };

/* What became of an item's picture when the scan computes PDQ. */
typedef enum {
    VIGIL_PDQ_NONE = 0,     /* not an image (by its magic bytes), or PDQ not asked for */
    VIGIL_PDQ_OK,           /* hashed: pdq[] and pdq_quality are set */
    VIGIL_PDQ_TOO_SMALL,    /* decoded, but under 5 pixels a side: no hash */
    VIGIL_PDQ_FAILED,       /* looks like an image but did not decode: the reason is in error */
} vigil_pdq_state;

/* What became of an item's video when the scan computes vPDQ (vigil_scan_opts.compute_vpdq). */
typedef enum {
    VIGIL_VPDQ_NONE = 0,    /* not a video (by its magic bytes), or vPDQ not asked for */
    VIGIL_VPDQ_OK,          /* hashed: vpdq_frames and vpdq_quality_median are set */
    VIGIL_VPDQ_FAILED,      /* looks like a video but does not decode: the reason is in error */
} vigil_vpdq_state;

const char *vigil_verdict_name(vigil_verdict v);
const char *vigil_item_type_name(vigil_item_type t);
/* "encrypted", "unsupported", "crashed", "timeout", "memory", "corrupt"; NULL for VIGIL_ERROR_OTHER. */
const char *vigil_error_kind_name(vigil_error_kind k);

typedef struct vigil_item {
    const char *path;               /* bytes, not necessarily UTF-8 */
    size_t path_len;
    const char *const *containers;  /* outermost first; ncontainers == 0 on disk */
    size_t ncontainers;
    vigil_item_type type;
    const char *link_target;        /* symlinks: where it points, not followed */
    uint64_t size;
    int has_digests;
    vigil_digests digests;
    const char *mime;               /* NULL when not sniffed */
    vigil_verdict verdict;
    vigil_match match;              /* match.by == VIGIL_BY_NONE: none */
    const vigil_match *matches;     /* every match (at most VIGIL_MATCHES_MAX), the winner first: */
    size_t nmatches;                /* matches[0] equals match when nmatches > 0 */
    const vigil_dispute_applied *disputes; /* disputes that took out a record it would have matched */
    size_t ndisputes;
    const char *error;              /* NULL or why the item (or part of it) failed */
    vigil_error_kind error_kind;    /* error items: encrypted, unsupported, or other */
    vigil_pdq_state pdq_state;
    int pdq_quality;                /* 0..100 when pdq_state is VIGIL_PDQ_OK */
    vigil_pdq_hash pdq[VIGIL_PDQ__DIHEDRAL]; /* [VIGIL_PDQ_ORIG] is the plain hash */
    int pdq_dihedral;               /* near matches: the vigil_pdq_dihedral variant of this picture that matched */
    vigil_pdq_hash pdq_entry;       /* near matches: the listed hash it matched */
    /* Videos: the sampled frames hashed and their median PDQ quality (vpdq_state VIGIL_VPDQ_OK). */
    vigil_vpdq_state vpdq_state;
    uint64_t vpdq_frames;
    int vpdq_quality_median;
    char vpdq_limit[96];            /* "" or why hashing stopped early (--max-frames, --max-video-seconds) */
    /* A video near a known video (vigil_scan_opts.known_videos): its name, the share of this video's
       frames that match and of the known video's, the matching time ranges ("0.0-9.0;12.0-14.0"),
       all NULL / 0 when none. A frame near a known picture instead sets match (by PDQ),
       video_frame_seconds, that frame's time (-1 when none), and video_frame_pdq, its hash (an
       animated picture keeps its first frame's PDQ in pdq[]). */
    const char *video_known;
    double video_query_percent, video_known_percent;
    const char *video_query_ranges, *video_known_ranges;
    double video_frame_seconds;
    vigil_pdq_hash video_frame_pdq;
    /* Items read from a disk image (in_image == 1): state in the file system. */
    int in_image;
    int allocated;                  /* 0: deleted (or carved from unallocated space) */
    int carved;                     /* carved from unallocated space; carved_offset is its image offset */
    uint64_t carved_offset;
    int has_inode;
    uint64_t inode;                 /* inode or MFT entry */
    vigil_fs_time times[VIGIL_TIME__COUNT];  /* on disk: only modified and changed, for resuming */
    /* A small JPEG of the picture (longest side <= 160) when the scan asked for thumbnails and the
       verdict allows one (vigil_scan_opts.thumbnails); NULL when none. */
    const unsigned char *thumb;
    size_t thumb_len;
    /* A resumed scan's item taken from the earlier JSONL: that line (no newline), which the
     * JSONL writer copies as it is; NULL for an item read now. */
    const char *resumed_line;
    size_t resumed_len;
} vigil_item;

#endif

/*
 * Reading archives with libarchive from a file descriptor, a memory block or a
 * spooled temporary file, through our own callbacks: the evidence file is
 * never reopened (O_NOATIME stays in force), and the bytes taken from the
 * outermost source are counted for the expansion-ratio limit.
 */
#ifndef VG_SOURCE_ARCHIVE_H
#define VG_SOURCE_ARCHIVE_H
#include <stdint.h>
#include <stdio.h>
#include "vigil/item.h"

struct archive;

typedef struct vg_archive_src {
    int fd;                /* >= 0: read from this descriptor, from offset base */
    uint64_t base;         /* where the archive starts in fd (after a self-extractor's program) */
    FILE *tmp;             /* or a spooled temporary file */
    const uint8_t *mem;    /* or a memory block */
    uint64_t mem_len;
    uint64_t *consumed;    /* if not NULL, bytes read from this source are added here */
    /* private */
    uint8_t *buf;
    uint64_t pos;
} vg_archive_src;

typedef enum {
    VG_MEMBER_FILE, VG_MEMBER_SYMLINK, VG_MEMBER_HARDLINK, VG_MEMBER_FIFO,
    VG_MEMBER_CHARDEV, VG_MEMBER_BLOCKDEV, VG_MEMBER_SOCKET, VG_MEMBER_OTHER
} vg_member_type;

typedef struct vg_archive_member {
    const char *path;
    vg_member_type type;
    const char *link;      /* symlink or hardlink target */
    int encrypted;
} vg_archive_member;

/* Return 0 to go on, or non-zero to stop the iteration (returned as is). */
typedef int (*vg_member_fn)(void *ud, struct archive *a, const vg_archive_member *m);

/* Load what reading archives needs from files (the UTF-8 locale, the charset tables), for a
 * process that may open no file afterwards. */
void vg_archive_prepare(void);

/* Why an archive was not read to its end: the kind of error, and where in the archive (-1: not known). */
typedef struct vg_archive_failure {
    vigil_error_kind kind;
    int64_t offset;
} vg_archive_failure;

/*
 * Open src as an archive and call fn for every member that is not a directory.
 * Returns 0 when the archive was read to its end, the callback's non-zero value
 * when it stopped early, or -1 with why (libarchive's message and how many
 * members were read; "corrupt at offset N" first for malformed data) and *fail
 * (if not NULL) when the archive could not be opened or is damaged. The offset
 * is that of the header that failed, in the archive's bytes after any
 * decompression (why says "of the decompressed data" then).
 */
int vg_archive_iterate(vg_archive_src *src, vg_member_fn fn, void *ud, uint64_t *members_out, char *why,
                       size_t whycap, vg_archive_failure *fail);

/* The kind of an error libarchive reported: its archive_errno and archive_error_string (archive_error.c). */
vigil_error_kind vg_archive_error_kind(int errnum, const char *msg);

/*
 * Where the archive of a self-extracting program on fd (size bytes) starts, or
 * -1 if it is none: head (its first bytes) starts like an ELF or PE program,
 * and a zip's end record closes the file (0: libarchive finds the zip itself)
 * or a 7z start header, its CRC checked, lies in the first MiB (its offset).
 */
int64_t vg_archive_appended(int fd, uint64_t size, const uint8_t *head, size_t head_len);

#endif

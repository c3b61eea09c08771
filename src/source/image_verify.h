/*
 * Verifying an EWF image against the MD5 and SHA-1 stored in it when it was
 * acquired: the whole media is read through libewf and hashed, and chunks
 * whose checksum fails are counted (they read as zeros so the rest goes on).
 */
#ifndef VG_SOURCE_IMAGE_VERIFY_H
#define VG_SOURCE_IMAGE_VERIFY_H
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

typedef struct vg_image_check {
    int has_md5, has_sha1;                      /* the image stores this hash */
    uint8_t md5_stored[16], md5_computed[16];
    uint8_t sha1_stored[20], sha1_computed[20];
    uint64_t media_size, bytes_read;
    uint32_t checksum_errors;                   /* chunks whose CRC failed */
    int read_failed;                            /* why says what stopped the read */
    char why[256];
} vg_image_check;

/* Verify the EWF image at path (its segments found by name). Returns 0 when
 * the check ran (its result is in *out, mismatches included) or -1 with
 * out->why when the image could not be opened. */
int vg_image_verify(vg_image_check *out, const char *path, volatile sig_atomic_t *stop);

/* 1 when the EWF set at path is incomplete or damaged (not its first segment, a segment
 * missing, a segment cut short), with why; 0 when libewf finds it whole. */
int vg_ewf_damaged(const char *path, char *why, size_t cap);

#endif

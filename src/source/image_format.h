/*
 * What container a disk image file is, by its content (never its name): EWF,
 * the virtual disks of hypervisors (VHD, VHDX, VMDK, qcow), formats that are
 * recognised but not read (DMG, VDI, Parallels, AFF), or raw.
 */
#ifndef VG_SOURCE_IMAGE_FORMAT_H
#define VG_SOURCE_IMAGE_FORMAT_H
#include <stddef.h>
#include <stdint.h>

typedef enum {
    VG_FORMAT_RAW = 0,  /* none of the below: raw, single or split */
    VG_FORMAT_EWF,
    VG_FORMAT_VHD,      /* "conectix" footer at the end (and a copy at 0 when dynamic) */
    VG_FORMAT_VHDX,     /* "vhdxfile" at 0 */
    VG_FORMAT_VMDK,     /* "KDMV" or "COWD" sparse extent, or a "# Disk DescriptorFile" text */
    VG_FORMAT_QCOW,     /* "QFI\xfb" at 0 */
    VG_FORMAT_DMG,      /* recognised, not read: a "koly" trailer */
    VG_FORMAT_VDI,      /* recognised, not read: VirtualBox */
    VG_FORMAT_PARALLELS,/* recognised, not read */
    VG_FORMAT_AFF,      /* recognised, not read */
} vg_image_format;

/* The bytes a probe looks at: the head (up to 40 KiB) and the last 512 bytes. */
typedef struct vg_image_head {
    const uint8_t *head;
    size_t n;
    const uint8_t *tail;  /* the file's last 512 bytes, NULL when it is shorter */
} vg_image_head;

vg_image_format vg_image_format_of(const vg_image_head *h);
/* "raw", "E01", "VHD", "VHDX", "VMDK", "qcow", "DMG", ... */
const char *vg_image_format_name(vg_image_format f);
/* 1 when vigil reads the format; otherwise why names it and says why not. */
int vg_image_format_supported(vg_image_format f, char *why, size_t cap);

/* Probe a file: its format, and whether a raw one starts with a volume system, file system or
 * encrypted volume signature (*disk_signature). Reads at most 40 KiB and 512 bytes, without
 * atime. -1 when the file cannot be read. */
int vg_image_probe(const char *path, vg_image_format *f, int *disk_signature);
/* 1 when the first n bytes of a raw image carry a volume system, file system or encrypted volume
 * signature (what vg_image_probe calls a disk signature). */
int vg_image_disk_signature(const uint8_t *head, size_t n);
/* The file system whose signature the first n bytes of a volume carry (VG_FS_SIGNATURE_BYTES
 * reach them all), or NULL; *readable says whether it is one TSK reads here (NTFS, FAT, exFAT,
 * ext, HFS+, ISO 9660) or one it does not (XFS, APFS, F2FS, SquashFS). */
#define VG_FS_SIGNATURE_BYTES 34816
const char *vg_image_fs_signature(const uint8_t *head, size_t n, int *readable);

#endif

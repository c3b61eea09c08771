/*
 * Telling disk image containers apart by their signatures. A fixed VHD is raw
 * data with a footer, so the end of the file is looked at too; a DMG's UDIF
 * trailer is there as well.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "source/image_format.h"
#include "source/volume_crypt.h"

#define HEAD_BYTES (40 * 1024)

static int at(const uint8_t *b, size_t n, size_t off, const char *sig, size_t len)
{
    return b && off + len <= n && !memcmp(b + off, sig, len);
}

vg_image_format vg_image_format_of(const vg_image_head *h)
{
    const uint8_t *b = h->head;
    size_t n = h->n;
    if (at(b, n, 0, "EVF\x09\x0d\x0a\xff\x00", 8) || at(b, n, 0, "EVF2\x0d\x0a\x81\x00", 8))
        return VG_FORMAT_EWF;
    if (at(b, n, 0, "vhdxfile", 8))
        return VG_FORMAT_VHDX;
    if (at(b, n, 0, "conectix", 8) || at(h->tail, 512, 0, "conectix", 8))
        return VG_FORMAT_VHD;
    if (at(b, n, 0, "KDMV", 4) || at(b, n, 0, "COWD", 4) || at(b, n, 0, "# Disk DescriptorFile", 21))
        return VG_FORMAT_VMDK;
    if (at(b, n, 0, "QFI\xfb", 4))
        return VG_FORMAT_QCOW;
    if (at(h->tail, 512, 0, "koly", 4))
        return VG_FORMAT_DMG;
    if (at(b, n, 0x40, "\x7f\x10\xda\xbe", 4))
        return VG_FORMAT_VDI;
    if (at(b, n, 0, "WithoutFreeSpace", 16) || at(b, n, 0, "WithouFreSpacExt", 16))
        return VG_FORMAT_PARALLELS;
    if (at(b, n, 0, "AFF10\r\n", 7))
        return VG_FORMAT_AFF;
    return VG_FORMAT_RAW;
}

const char *vg_image_format_name(vg_image_format f)
{
    static const char *names[] = {"raw", "E01", "VHD", "VHDX", "VMDK", "qcow", "DMG", "VDI", "Parallels", "AFF"};
    return (unsigned)f < sizeof names / sizeof names[0] ? names[f] : "unknown";
}

int vg_image_format_supported(vg_image_format f, char *why, size_t cap)
{
    static const char *what[] = {
        [VG_FORMAT_DMG] = "Apple disk image (DMG)",
        [VG_FORMAT_VDI] = "VirtualBox disk image (VDI)",
        [VG_FORMAT_PARALLELS] = "Parallels disk image",
        [VG_FORMAT_AFF] = "Advanced Forensic Format image (AFF)",
    };
    if (f < VG_FORMAT_DMG)
        return 1;
    snprintf(why, cap, "%s: not supported, its file systems are not read (convert it to raw, e.g. with "
             "qemu-img convert or hdiutil, and scan that)", (unsigned)f <= VG_FORMAT_AFF ? what[f] : "image");
    return 0;
}

const char *vg_image_fs_signature(const uint8_t *b, size_t n, int *readable)
{
    *readable = 1;
    if (at(b, n, 3, "NTFS    ", 8))
        return "NTFS";
    if (at(b, n, 3, "EXFAT   ", 8))
        return "exFAT";
    if (at(b, n, 54, "FAT12   ", 8) || at(b, n, 54, "FAT16   ", 8) || at(b, n, 82, "FAT32   ", 8))
        return "FAT";
    if (at(b, n, 1080, "\x53\xef", 2))
        return "ext2/3/4";
    if (at(b, n, 1024, "H+", 2) || at(b, n, 1024, "HX", 2))
        return "HFS+";
    if (at(b, n, 32769, "CD001", 5))
        return "ISO 9660";
    *readable = 0;
    if (at(b, n, 0, "XFSB", 4))
        return "XFS";
    if (at(b, n, 32, "NXSB", 4))
        return "APFS";
    if (at(b, n, 1024, "\x10\x20\xf5\xf2", 4))
        return "F2FS";
    if (at(b, n, 0, "hsqs", 4))
        return "SquashFS";
    return NULL;
}

/* A volume system, file system or encrypted volume at the start of a raw image. */
int vg_image_disk_signature(const uint8_t *b, size_t n)
{
    return at(b, n, 512, "EFI PART", 8) || at(b, n, 4096, "EFI PART", 8) ||   /* GPT */
           at(b, n, 3, "NTFS    ", 8) || at(b, n, 3, "EXFAT   ", 8) ||
           at(b, n, 54, "FAT12   ", 8) || at(b, n, 54, "FAT16   ", 8) || at(b, n, 82, "FAT32   ", 8) ||
           at(b, n, 1080, "\x53\xef", 2) ||                                   /* ext2/3/4 */
           at(b, n, 1024, "H+", 2) || at(b, n, 1024, "HX", 2) ||               /* HFS+ / HFSX */
           at(b, n, 32769, "CD001", 5) ||                                     /* ISO 9660 */
           vg_crypt_detect(b, n) != VG_CRYPT_NONE ||
           (at(b, n, 510, "\x55\xaa", 2) && n >= 512 && (b[446] == 0x00 || b[446] == 0x80) &&
            b[450] != 0); /* an MBR whose first entry is in use */
}

int vg_image_probe(const char *path, vg_image_format *f, int *disk)
{
    uint8_t b[HEAD_BYTES], tail[512];
    vg_image_head h = {b, 0, NULL};
    struct stat st;
    ssize_t got;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOATIME);
    if (fd < 0 && errno == EPERM)
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0)
        return -1;
    got = pread(fd, b, sizeof b, 0);
    if (got > 0 && fstat(fd, &st) == 0 && st.st_size >= (off_t)sizeof tail &&
        pread(fd, tail, sizeof tail, st.st_size - (off_t)sizeof tail) == (ssize_t)sizeof tail)
        h.tail = tail;
    close(fd);
    if (got <= 0)
        return -1;
    h.n = (size_t)got;
    *f = vg_image_format_of(&h);
    *disk = vg_image_disk_signature(b, h.n);
    return 0;
}

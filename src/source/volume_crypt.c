/* Encrypted volume signatures in a volume's first sector. */
#include <string.h>

#include "source/volume_crypt.h"

static int at(const uint8_t *b, size_t n, size_t off, const void *sig, size_t len)
{
    return off + len <= n && !memcmp(b + off, sig, len);
}

/* The GUID Windows 7 writes at byte 424 of a BitLocker To Go volume, as stored (mixed endian). */
static const uint8_t togo_guid[16] = {0x3b, 0xd6, 0x67, 0x49, 0x29, 0x2e, 0xd8, 0x4a,
                                      0x83, 0x99, 0xf6, 0xa3, 0x39, 0xe3, 0xd0, 0x01};

vg_crypt_kind vg_crypt_detect(const uint8_t *b, size_t n)
{
    if (at(b, n, 3, "-FVE-FS-", 8))
        return VG_CRYPT_BITLOCKER;
    if (at(b, n, 3, "MSWIN4.1", 8) && at(b, n, 424, togo_guid, sizeof togo_guid))
        return VG_CRYPT_BITLOCKER_TOGO;
    if (at(b, n, 0, "LUKS\xba\xbe", 6))
        return VG_CRYPT_LUKS;
    /* CoreStorage physical volume header: format version 1, block type 0x0010, "CS" at 88. */
    if (at(b, n, 8, "\x01\x00\x10\x00", 4) && at(b, n, 88, "CS", 2))
        return VG_CRYPT_FILEVAULT;
    return VG_CRYPT_NONE;
}

const char *vg_crypt_name(vg_crypt_kind k)
{
    switch (k) {
    case VG_CRYPT_BITLOCKER: return "BitLocker";
    case VG_CRYPT_BITLOCKER_TOGO: return "BitLocker To Go";
    case VG_CRYPT_LUKS: return "LUKS";
    case VG_CRYPT_FILEVAULT: return "FileVault 2";
    default: return "none";
    }
}

const char *vg_crypt_tag(vg_crypt_kind k)
{
    switch (k) {
    case VG_CRYPT_BITLOCKER:
    case VG_CRYPT_BITLOCKER_TOGO: return "bitlocker";
    case VG_CRYPT_LUKS: return "luks";
    case VG_CRYPT_FILEVAULT: return "filevault";
    default: return "none";
    }
}

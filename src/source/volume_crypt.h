/*
 * Encrypted volumes recognised by their first sector: BitLocker (and BitLocker
 * To Go), LUKS 1 and 2, and FileVault 2 (a CoreStorage physical volume). Such
 * a volume is reported as encrypted instead of as a file system that failed.
 */
#ifndef VG_SOURCE_VOLUME_CRYPT_H
#define VG_SOURCE_VOLUME_CRYPT_H
#include <stddef.h>
#include <stdint.h>

typedef enum {
    VG_CRYPT_NONE = 0,
    VG_CRYPT_BITLOCKER,
    VG_CRYPT_BITLOCKER_TOGO,  /* Windows 7's To Go volumes: a FAT look-alike with BitLocker's GUID */
    VG_CRYPT_LUKS,
    VG_CRYPT_FILEVAULT,
} vg_crypt_kind;

/* Which encryption the volume starting with b (n bytes, at least 512 to tell) uses. */
vg_crypt_kind vg_crypt_detect(const uint8_t *b, size_t n);
/* "BitLocker", "BitLocker To Go", "LUKS", "FileVault 2"; short lower-case tags for labels
   ("bitlocker", "luks", "filevault") from vg_crypt_tag. */
const char *vg_crypt_name(vg_crypt_kind k);
const char *vg_crypt_tag(vg_crypt_kind k);

#endif

/*
 * Opening an encrypted volume with the keys the examiner gave (--key-file):
 * LUKS 1 (libluksde), LUKS 2 (vigil's own reader, volume_luks2.h) and BitLocker
 * (libbde: passwords and recovery keys). The
 * volume is read through its image, and its plaintext is handed to TSK as an
 * image of its own. Keys are tried in turn and never written anywhere: no
 * message says which key, or any part of one.
 */
#ifndef VG_SOURCE_VOLUME_UNLOCK_H
#define VG_SOURCE_VOLUME_UNLOCK_H
#include <stddef.h>
#include <stdint.h>
#include <tsk/libtsk.h>

#include "source/volume_crypt.h"
#include "vigil/item.h"

/* The plaintext of the kind volume at [off, off + len) of img, opened with one of the n keys;
 * NULL with why and *error when no key opens it or the kind cannot be opened (FileVault 2):
 * encrypted, or for LUKS 2 unsupported (reencryption, a cipher) or corrupt (a damaged header). */
TSK_IMG_INFO *vg_volume_unlock(TSK_IMG_INFO *img, uint64_t off, uint64_t len, vg_crypt_kind kind,
                               const char *const *keys, size_t n, vigil_error_kind *error, char *why, size_t cap);

#endif

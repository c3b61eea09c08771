/*
 * A LUKS 2 volume opened with vigil's own reader (libluksde reads LUKS 1
 * only): its header (luks2_header.h), a volume key from one of the keys
 * (luks2_key.h), and its data segment decrypted sector by sector
 * (sector_cipher.h) as a TSK image, like every other unlocked volume.
 */
#ifndef VG_SOURCE_VOLUME_LUKS2_H
#define VG_SOURCE_VOLUME_LUKS2_H
#include <stddef.h>
#include <stdint.h>
#include <tsk/libtsk.h>

#include "vigil/item.h"

/* The plaintext of the LUKS 2 volume at [off, off + len) of img opened with one of the n keys; NULL
 * with why and *kind: encrypted when no key opens it, unsupported (reencryption, a cipher, a KDF over
 * vigil's caps), corrupt (both header copies damaged). */
TSK_IMG_INFO *vg_luks2_open(TSK_IMG_INFO *img, uint64_t off, uint64_t len, const char *const *keys, size_t n,
                            vigil_error_kind *kind, char *why, size_t cap);

#endif

/*
 * A LUKS 2 volume key from a passphrase: for each keyslot bound to the data
 * segment's digest, the passphrase's derived key (PBKDF2 through OpenSSL,
 * Argon2i/Argon2id through libargon2) decrypts the keyslot's area, the
 * anti-forensic split is merged, and the result is checked against the
 * digest. Every intermediate key is wiped.
 */
#ifndef VG_SOURCE_LUKS2_KEY_H
#define VG_SOURCE_LUKS2_KEY_H
#include <stddef.h>
#include <stdint.h>

#include "source/luks2_header.h"

/* The volume key (into vk, VG_LUKS2_MAX_KEY bytes) that pass opens; its length, or 0 when no
 * keyslot opens with it. *tried: how many keyslots were tried (those with a skip reason, or bound
 * to no digest of the data segment, are not). A key derivation that could not run at all (Argon2
 * out of memory) is said in fault (cap bytes), when fault is still empty. */
size_t vg_luks2_volume_key(const vg_luks2 *h, vg_luks2_read_fn rd, void *ctx, const char *pass, size_t pass_len,
                           uint8_t vk[VG_LUKS2_MAX_KEY], size_t *tried, char *fault, size_t cap);

/* The AF-merge of stripes stripes of key_size bytes each at src into out, diffused with hash;
 * 0 on success. */
int vg_luks2_af_merge(const uint8_t *src, size_t key_size, uint32_t stripes, const char *hash, uint8_t *out);

#endif

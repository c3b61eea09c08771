/*
 * dm-crypt's sector ciphers, as cryptsetup names them ("aes-xts-plain64",
 * "aes-cbc-essiv:sha256"): each sector is encrypted on its own, with an IV
 * made from its sector number. Used for LUKS 2 keyslot areas and data. AES
 * only (what cryptsetup writes by default), in XTS or CBC, with the plain,
 * plain64, plain64be and essiv:HASH IVs.
 */
#ifndef VG_SOURCE_SECTOR_CIPHER_H
#define VG_SOURCE_SECTOR_CIPHER_H
#include <stddef.h>
#include <stdint.h>

typedef struct vg_sector_cipher vg_sector_cipher;

/* A cipher for spec keyed with key (key_len bytes, copied); NULL with why when spec or the key
 * size is not supported. */
vg_sector_cipher *vg_sector_cipher_new(const char *spec, const uint8_t *key, size_t key_len, char *why, size_t cap);

/* Decrypts len bytes of buf in place, a whole number of sector_size sectors (512 to 4096), the
 * first with IV sector number iv_sector and each next one plus sector_size / 512: IVs count
 * 512-byte sectors, as dm-crypt's do unless told otherwise. 0 on success. */
int vg_sector_cipher_decrypt(vg_sector_cipher *c, uint8_t *buf, size_t len, size_t sector_size, uint64_t iv_sector);

/* Frees c, wiping its key material. */
void vg_sector_cipher_free(vg_sector_cipher *c);

#endif

/* Opening LUKS 2 keyslots: key derivation, keyslot area decryption, AF-merge, digest check. */
#include <argon2.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source/luks2_key.h"
#include "source/sector_cipher.h"

/* LUKS's diffuser: each hash-sized block replaced by H(block index, big endian || block). */
static int diffuse(uint8_t *d, size_t size, const EVP_MD *md, EVP_MD_CTX *mc)
{
    size_t hs = (size_t)EVP_MD_get_size(md);
    uint8_t out[EVP_MAX_MD_SIZE];
    for (uint32_t j = 0; (size_t)j * hs < size; j++) {
        size_t at = (size_t)j * hs, n = size - at < hs ? size - at : hs;
        uint8_t be[4] = {(uint8_t)(j >> 24), (uint8_t)(j >> 16), (uint8_t)(j >> 8), (uint8_t)j};
        if (EVP_DigestInit_ex(mc, md, NULL) != 1 || EVP_DigestUpdate(mc, be, 4) != 1 ||
            EVP_DigestUpdate(mc, d + at, n) != 1 || EVP_DigestFinal_ex(mc, out, NULL) != 1)
            return -1;
        memcpy(d + at, out, n);
    }
    OPENSSL_cleanse(out, sizeof out);
    return 0;
}

int vg_luks2_af_merge(const uint8_t *src, size_t key_size, uint32_t stripes, const char *hash, uint8_t *out)
{
    const EVP_MD *md = EVP_get_digestbyname(hash);
    EVP_MD_CTX *mc;
    int rc = 0;
    if (!md || !stripes || !(mc = EVP_MD_CTX_new()))
        return -1;
    memset(out, 0, key_size);
    for (uint32_t i = 0; i < stripes && rc == 0; i++) {
        for (size_t k = 0; k < key_size; k++)
            out[k] ^= src[(size_t)i * key_size + k];
        if (i + 1 < stripes)
            rc = diffuse(out, key_size, md, mc);
    }
    EVP_MD_CTX_free(mc);
    return rc;
}

/* The keyslot key derived from pass; -1 with why when the KDF could not run (out of memory...). */
static int derive(const vg_luks2_kdf *kdf, const char *pass, size_t pass_len, uint8_t *out, size_t len, char *why,
                  size_t cap)
{
    int rc;
    if (kdf->type == VG_LUKS2_PBKDF2) {
        const EVP_MD *md = EVP_get_digestbyname(kdf->hash);
        if (md && PKCS5_PBKDF2_HMAC(pass, (int)pass_len, kdf->salt, (int)kdf->salt_len, (int)kdf->iterations, md,
                                    (int)len, out) == 1)
            return 0;
        return snprintf(why, cap, "PBKDF2 could not run"), -1;
    }
    /* Argon2 version 1.3, as cryptsetup uses; lanes and threads as the header says */
    rc = (kdf->type == VG_LUKS2_ARGON2I ? argon2i_hash_raw : argon2id_hash_raw)(
        kdf->iterations, kdf->memory_kib, kdf->lanes, pass, pass_len, kdf->salt, kdf->salt_len, out, len);
    if (rc == ARGON2_OK)
        return 0;
    return snprintf(why, cap, "Argon2 with %u KiB could not run: %s", kdf->memory_kib, argon2_error_message(rc)), -1;
}

/* The data segment's digest bound to keyslot id; NULL if none. */
static const vg_luks2_digest *digest_for(const vg_luks2 *h, unsigned id)
{
    for (size_t i = 0; i < h->ndigests; i++)
        if (h->digests[i].data && (h->digests[i].keyslots >> id & 1))
            return &h->digests[i];
    return NULL;
}

static int digest_matches(const vg_luks2_digest *dg, const uint8_t *vk, size_t len)
{
    const EVP_MD *md = EVP_get_digestbyname(dg->hash);
    uint8_t got[sizeof dg->digest];
    int ok = md && PKCS5_PBKDF2_HMAC((const char *)vk, (int)len, dg->salt, (int)dg->salt_len, (int)dg->iterations,
                                     md, (int)dg->digest_len, got) == 1 &&
             !CRYPTO_memcmp(got, dg->digest, dg->digest_len);
    OPENSSL_cleanse(got, sizeof got);
    return ok;
}

/* The volume key in keyslot ks opened with pass, into vk; 0 when it opens. */
static int open_keyslot(const vg_luks2_keyslot *ks, const vg_luks2_digest *dg, vg_luks2_read_fn rd, void *ctx,
                        const char *pass, size_t pass_len, uint8_t *vk, char *fault, size_t cap)
{
    size_t area_len = (ks->key_size * ks->stripes + 511) / 512 * 512;
    uint8_t dk[VG_LUKS2_MAX_KEY], *area = malloc(area_len);
    vg_sector_cipher *c = NULL;
    char why[128];
    int rc = -1;
    if (!area || derive(&ks->kdf, pass, pass_len, dk, ks->area_key_size, fault, cap) ||
        !(c = vg_sector_cipher_new(ks->area_cipher, dk, ks->area_key_size, why, sizeof why)) ||
        rd(ctx, ks->area_offset, area, area_len) || vg_sector_cipher_decrypt(c, area, area_len, 512, 0) ||
        vg_luks2_af_merge(area, ks->key_size, ks->stripes, ks->af_hash, vk))
        goto done;
    rc = digest_matches(dg, vk, ks->key_size) ? 0 : -1;
done:
    vg_sector_cipher_free(c);
    OPENSSL_cleanse(dk, sizeof dk);
    if (area)
        OPENSSL_cleanse(area, area_len);
    free(area);
    if (rc)
        OPENSSL_cleanse(vk, VG_LUKS2_MAX_KEY);
    return rc;
}

size_t vg_luks2_volume_key(const vg_luks2 *h, vg_luks2_read_fn rd, void *ctx, const char *pass, size_t pass_len,
                           uint8_t vk[VG_LUKS2_MAX_KEY], size_t *tried, char *fault, size_t cap)
{
    *tried = 0;
    for (size_t i = 0; i < h->nkeyslots; i++) {
        const vg_luks2_keyslot *ks = &h->keyslots[i];
        const vg_luks2_digest *dg = ks->skip[0] ? NULL : digest_for(h, ks->id);
        if (!dg)
            continue;
        ++*tried;
        char why[128] = "";
        if (open_keyslot(ks, dg, rd, ctx, pass, pass_len, vk, why, sizeof why) == 0)
            return ks->key_size;
        if (why[0] && !fault[0]) /* the first, said once: it is the same for every key */
            snprintf(fault, cap, "keyslot %u: %s", ks->id, why);
    }
    return 0;
}

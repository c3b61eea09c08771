/* dm-crypt sector ciphers through OpenSSL: AES-XTS and AES-CBC with sector-number IVs. */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source/sector_cipher.h"

typedef enum { IV_PLAIN, IV_PLAIN64, IV_PLAIN64BE, IV_ESSIV } iv_kind;

struct vg_sector_cipher {
    EVP_CIPHER_CTX *ctx;
    EVP_CIPHER_CTX *essiv; /* AES-ECB keyed with the hash of the key: encrypts the sector number */
    iv_kind iv;
};

static const EVP_CIPHER *aes_mode(const char *mode, size_t key_len)
{
    if (!strcmp(mode, "xts"))
        return key_len == 32 ? EVP_aes_128_xts() : key_len == 64 ? EVP_aes_256_xts() : NULL;
    if (!strcmp(mode, "cbc"))
        return key_len == 16 ? EVP_aes_128_cbc() : key_len == 24 ? EVP_aes_192_cbc() : key_len == 32 ? EVP_aes_256_cbc() : NULL;
    return NULL;
}

static const EVP_CIPHER *aes_ecb(size_t key_len)
{
    return key_len == 16 ? EVP_aes_128_ecb() : key_len == 24 ? EVP_aes_192_ecb() : key_len == 32 ? EVP_aes_256_ecb() : NULL;
}

/* The ESSIV cipher: AES-ECB keyed with hash(key). */
static EVP_CIPHER_CTX *essiv_new(const char *hash, const uint8_t *key, size_t key_len)
{
    const EVP_MD *md = EVP_get_digestbyname(hash);
    uint8_t salt[EVP_MAX_MD_SIZE];
    unsigned n = 0;
    const EVP_CIPHER *ecb;
    EVP_CIPHER_CTX *c = NULL;
    if (!md || EVP_Digest(key, key_len, salt, &n, md, NULL) != 1 || !(ecb = aes_ecb(n)))
        goto done;
    if (!(c = EVP_CIPHER_CTX_new()) || EVP_EncryptInit_ex(c, ecb, NULL, salt, NULL) != 1) {
        EVP_CIPHER_CTX_free(c);
        c = NULL;
        goto done;
    }
    EVP_CIPHER_CTX_set_padding(c, 0);
done:
    OPENSSL_cleanse(salt, sizeof salt);
    return c;
}

vg_sector_cipher *vg_sector_cipher_new(const char *spec, const uint8_t *key, size_t key_len, char *why, size_t cap)
{
    char name[64], *mode, *iv;
    const EVP_CIPHER *cipher;
    vg_sector_cipher *c;
    if (strlen(spec) >= sizeof name)
        return snprintf(why, cap, "cipher name too long"), NULL;
    memcpy(name, spec, strlen(spec) + 1);
    if (!(mode = strchr(name, '-')) || !(iv = strchr(mode + 1, '-')))
        return snprintf(why, cap, "cipher '%s' is not supported", spec), NULL;
    *mode++ = '\0';
    *iv++ = '\0';
    if (strcmp(name, "aes") || !(cipher = aes_mode(mode, key_len)))
        return snprintf(why, cap, "cipher '%s' with a %zu-bit key is not supported", spec, key_len * 8), NULL;
    if (!(c = calloc(1, sizeof *c)))
        return snprintf(why, cap, "out of memory"), NULL;
    if (!strcmp(iv, "plain"))
        c->iv = IV_PLAIN;
    else if (!strcmp(iv, "plain64"))
        c->iv = IV_PLAIN64;
    else if (!strcmp(iv, "plain64be"))
        c->iv = IV_PLAIN64BE;
    else if (!strncmp(iv, "essiv:", 6) && (c->essiv = essiv_new(iv + 6, key, key_len)) != NULL)
        c->iv = IV_ESSIV;
    else {
        free(c);
        return snprintf(why, cap, "cipher '%s': IV '%s' is not supported", spec, iv), NULL;
    }
    if (!(c->ctx = EVP_CIPHER_CTX_new()) || EVP_DecryptInit_ex(c->ctx, cipher, NULL, key, NULL) != 1) {
        vg_sector_cipher_free(c);
        return snprintf(why, cap, "cipher '%s' could not be keyed", spec), NULL;
    }
    EVP_CIPHER_CTX_set_padding(c->ctx, 0);
    return c;
}

static int make_iv(vg_sector_cipher *c, uint64_t sector, uint8_t iv[16])
{
    uint8_t block[16] = {0};
    int n = 0;
    memset(iv, 0, 16);
    switch (c->iv) {
    case IV_PLAIN:
        for (int i = 0; i < 4; i++)
            iv[i] = (uint8_t)(sector >> (8 * i));
        return 0;
    case IV_PLAIN64:
        for (int i = 0; i < 8; i++)
            iv[i] = (uint8_t)(sector >> (8 * i));
        return 0;
    case IV_PLAIN64BE:
        for (int i = 0; i < 8; i++)
            iv[15 - i] = (uint8_t)(sector >> (8 * i));
        return 0;
    case IV_ESSIV:
        for (int i = 0; i < 8; i++)
            block[i] = (uint8_t)(sector >> (8 * i));
        return EVP_EncryptUpdate(c->essiv, iv, &n, block, 16) == 1 && n == 16 ? 0 : -1;
    }
    return -1;
}

int vg_sector_cipher_decrypt(vg_sector_cipher *c, uint8_t *buf, size_t len, size_t sector_size, uint64_t iv_sector)
{
    if (sector_size < 512 || len % sector_size || sector_size % 512)
        return -1;
    for (size_t off = 0; off < len; off += sector_size, iv_sector += sector_size / 512) {
        uint8_t iv[16];
        int n = 0;
        if (make_iv(c, iv_sector, iv) || EVP_DecryptInit_ex(c->ctx, NULL, NULL, NULL, iv) != 1 ||
            EVP_DecryptUpdate(c->ctx, buf + off, &n, buf + off, (int)sector_size) != 1 || (size_t)n != sector_size)
            return -1;
    }
    return 0;
}

void vg_sector_cipher_free(vg_sector_cipher *c)
{
    if (!c)
        return;
    EVP_CIPHER_CTX_free(c->ctx); /* OpenSSL wipes the key schedule as it frees */
    EVP_CIPHER_CTX_free(c->essiv);
    free(c);
}

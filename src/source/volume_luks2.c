/* LUKS 2 volumes under TSK: the data segment read and decrypted a few sectors at a time. */
#include <openssl/crypto.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source/image_int.h"
#include "source/luks2_key.h"
#include "source/sector_cipher.h"
#include "source/volume_luks2.h"

#define CHUNK (64u * 1024u) /* ciphertext read and decrypted at once: a whole number of sectors */

typedef struct luks2_vol {
    TSK_IMG_INFO *img;
    uint64_t off, len;          /* the volume in img */
    vg_luks2 *hdr;
    vg_sector_cipher *data;
    pthread_mutex_t lock;       /* data's context and buf are used by one read at a time */
    uint8_t buf[CHUNK];
} luks2_vol;

/* Bytes of the volume, all of them, or -1. */
static int vol_read(void *ctx, uint64_t off, void *buf, size_t len)
{
    luks2_vol *v = ctx;
    size_t done = 0;
    if (off > v->len || v->len - off < len)
        return -1;
    while (done < len) {
        ssize_t got = tsk_img_read(v->img, (TSK_OFF_T)(v->off + off + done), (char *)buf + done, len - done);
        if (got <= 0) {
            tsk_error_reset();
            return -1;
        }
        done += (size_t)got;
    }
    return 0;
}

/* The IV sector of a data sector: 512-byte units from the segment's start plus iv_tweak, whatever
 * the sector size (LUKS 2 never sets dm-crypt's iv_large_sectors). */
static uint64_t iv_sector(const vg_luks2 *h, uint64_t sector)
{
    return sector * (h->sector_size / 512) + h->iv_tweak;
}

static ssize_t luks2_read(void *hv, void *out, size_t n, uint64_t off, char *msg, size_t cap)
{
    luks2_vol *v = hv;
    const vg_luks2 *h = v->hdr;
    size_t ss = h->sector_size, done = 0;
    pthread_mutex_lock(&v->lock);
    while (done < n) {
        uint64_t at = off + done, sector = at / ss;
        size_t in = (size_t)(at % ss), want = in + (n - done), len = want > CHUNK ? CHUNK : (want + ss - 1) / ss * ss;
        size_t take = len - in < n - done ? len - in : n - done;
        if (sector * ss + len > h->data_size) {
            snprintf(msg, cap, "past the end of the data segment");
            goto fail;
        }
        if (vol_read(v, h->data_offset + sector * ss, v->buf, len)) {
            snprintf(msg, cap, "cannot read the encrypted sectors at volume byte %llu",
                     (unsigned long long)(h->data_offset + sector * ss));
            goto fail;
        }
        if (vg_sector_cipher_decrypt(v->data, v->buf, len, ss, iv_sector(h, sector))) {
            snprintf(msg, cap, "decryption failed at sector %llu", (unsigned long long)sector);
            goto fail;
        }
        memcpy((uint8_t *)out + done, v->buf + in, take);
        done += take;
    }
    OPENSSL_cleanse(v->buf, sizeof v->buf);
    pthread_mutex_unlock(&v->lock);
    return (ssize_t)n;
fail:
    OPENSSL_cleanse(v->buf, sizeof v->buf);
    pthread_mutex_unlock(&v->lock);
    return -1;
}

static void luks2_close(void *hv)
{
    luks2_vol *v = hv;
    vg_sector_cipher_free(v->data);
    if (v->hdr)
        OPENSSL_cleanse(v->hdr, sizeof *v->hdr);
    free(v->hdr);
    pthread_mutex_destroy(&v->lock);
    free(v);
}

static const vg_vdisk_ops luks2_ops = {"LUKS 2 volume", luks2_read, luks2_close};

/* The volume key's size, from the keyslots bound to the data segment's digest; 0 if none. */
static size_t volume_key_size(const vg_luks2 *h)
{
    for (size_t i = 0; i < h->ndigests; i++)
        for (size_t k = 0; h->digests[i].data && k < h->nkeyslots; k++)
            if (h->digests[i].keyslots >> h->keyslots[k].id & 1)
                return h->keyslots[k].key_size;
    return 0;
}

/* A cipher vigil cannot use, for the data (the volume is unsupported) or a keyslot (it is skipped). */
static int cipher_ok(const char *spec, size_t key_len, char *why, size_t cap)
{
    uint8_t zero[VG_LUKS2_MAX_KEY] = {0};
    vg_sector_cipher *c = vg_sector_cipher_new(spec, zero, key_len, why, cap);
    vg_sector_cipher_free(c);
    return c != NULL;
}

/* Why no key opened it: the keyslots not tried, after the header copy that was damaged. */
static void skipped(const vg_luks2 *h, char *why, size_t cap)
{
    size_t k = strlen(why);
    for (size_t i = 0; i < h->nkeyslots && k < cap; i++)
        if (h->keyslots[i].skip[0]) {
            snprintf(why + k, cap - k, "; keyslot %u not tried: %s", h->keyslots[i].id, h->keyslots[i].skip);
            k = strlen(why);
        }
    if (h->bad_copy[0] && k < cap)
        snprintf(why + k, cap - k, "; %s", h->bad_copy);
}

TSK_IMG_INFO *vg_luks2_open(TSK_IMG_INFO *img, uint64_t off, uint64_t len, const char *const *keys, size_t n,
                            vigil_error_kind *kind, char *why, size_t cap)
{
    luks2_vol *v = calloc(1, sizeof *v);
    uint8_t vk[VG_LUKS2_MAX_KEY];
    size_t vk_len = 0, tried = 0, key_size;
    char msg[160];
    vg_luks2_status st;
    *kind = VIGIL_ERROR_ENCRYPTED;
    if (!v || !(v->hdr = malloc(sizeof *v->hdr))) {
        free(v);
        return snprintf(why, cap, "out of memory"), NULL;
    }
    *v = (luks2_vol){.img = img, .off = off, .len = len, .hdr = v->hdr};
    pthread_mutex_init(&v->lock, NULL);
    if ((st = vg_luks2_read(v->hdr, vol_read, v, len, why, cap)) != VG_LUKS2_OK) {
        *kind = st == VG_LUKS2_UNSUPPORTED ? VIGIL_ERROR_UNSUPPORTED : VIGIL_ERROR_CORRUPT;
        goto fail;
    }
    key_size = volume_key_size(v->hdr);
    if (key_size && !cipher_ok(v->hdr->data_cipher, key_size, msg, sizeof msg)) {
        *kind = VIGIL_ERROR_UNSUPPORTED;
        snprintf(why, cap, "LUKS 2 volume: data %s", msg);
        goto fail;
    }
    for (size_t i = 0; i < v->hdr->nkeyslots; i++) {
        vg_luks2_keyslot *ks = &v->hdr->keyslots[i];
        if (!ks->skip[0] && !cipher_ok(ks->area_cipher, ks->area_key_size, msg, sizeof msg))
            snprintf(ks->skip, sizeof ks->skip, "%.120s", msg);
    }
    msg[0] = '\0';
    for (size_t i = 0; i < n && !vk_len; i++)
        vk_len = vg_luks2_volume_key(v->hdr, vol_read, v, keys[i], strlen(keys[i]), vk, &tried, msg, sizeof msg);
    if (vk_len) {
        v->data = vg_sector_cipher_new(v->hdr->data_cipher, vk, vk_len, why, cap);
        OPENSSL_cleanse(vk, sizeof vk);
        if (!v->data)
            goto fail;
        return vg_vdisk_img(&luks2_ops, v, v->hdr->data_size, v->hdr->sector_size, "LUKS 2 volume", why, cap);
    }
    if (!tried) {
        *kind = VIGIL_ERROR_UNSUPPORTED;
        snprintf(why, cap, "LUKS 2 volume: no keyslot vigil can try");
    } else {
        snprintf(why, cap, "LUKS encrypted volume: none of the %zu key(s) given opens it%s%.140s", n,
                 msg[0] ? "; " : "", msg);
    }
    skipped(v->hdr, why, cap);
fail:
    luks2_close(v);
    return NULL;
}

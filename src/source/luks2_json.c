/*
 * The JSON metadata of a LUKS 2 header: keyslots, digests, the data segment
 * and the config's requirements. Sizes and offsets are decimal strings (they
 * may pass 2^53), counts are JSON integers. Every value is checked here
 * against the volume and vigil's caps. A keyslot vigil cannot use is kept
 * with the reason, so the error item can say it; a malformed digest or
 * segment makes the whole copy corrupt, as cryptsetup would refuse it.
 */
#include <openssl/evp.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#include "source/luks2_header.h"

#define MAX_DEPTH 32 /* LUKS 2 metadata nests 4 deep; yajl frees trees recursively */

/* Nesting deeper than MAX_DEPTH, outside strings. */
static int too_deep(const char *s)
{
    int depth = 0, in_str = 0;
    for (; *s; s++) {
        if (in_str) {
            if (*s == '\\' && s[1])
                s++;
            else if (*s == '"')
                in_str = 0;
        } else if (*s == '"') {
            in_str = 1;
        } else if (*s == '{' || *s == '[') {
            if (++depth > MAX_DEPTH)
                return 1;
        } else if (*s == '}' || *s == ']') {
            depth--;
        }
    }
    return 0;
}

static yajl_val field(yajl_val obj, const char *name)
{
    const char *path[] = {name, NULL};
    return YAJL_IS_OBJECT(obj) ? yajl_tree_get(obj, path, yajl_t_any) : NULL;
}

static const char *str_field(yajl_val obj, const char *name)
{
    yajl_val v = field(obj, name);
    return YAJL_IS_STRING(v) ? YAJL_GET_STRING(v) : NULL;
}

/* A string field into out (cap bytes, shorter than cap). */
static int copy_str(yajl_val obj, const char *name, char *out, size_t cap)
{
    const char *s = str_field(obj, name);
    if (!s || !*s || strlen(s) >= cap)
        return -1;
    memcpy(out, s, strlen(s) + 1);
    return 0;
}

/* A decimal string of at most 19 digits: offsets and sizes. */
static int u64_str(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > 19)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    *out = v;
    return 0;
}

/* An integer field in [lo, hi]. */
static int int_field(yajl_val obj, const char *name, long long lo, long long hi, uint32_t *out)
{
    yajl_val v = field(obj, name);
    if (!YAJL_IS_INTEGER(v) || YAJL_GET_INTEGER(v) < lo || YAJL_GET_INTEGER(v) > hi)
        return -1;
    *out = (uint32_t)YAJL_GET_INTEGER(v);
    return 0;
}

/* Base64 (with or without '=' padding) into out, at most cap bytes. */
static int b64_field(yajl_val obj, const char *name, uint8_t *out, size_t cap, size_t *len)
{
    const char *s = str_field(obj, name);
    size_t n = 0;
    if (!s)
        return -1;
    if (sodium_base642bin(out, cap, s, strlen(s), NULL, &n, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 &&
        sodium_base642bin(out, cap, s, strlen(s), NULL, &n, NULL, sodium_base64_VARIANT_ORIGINAL_NO_PADDING) != 0)
        return -1;
    if (n == 0)
        return -1;
    *len = n;
    return 0;
}

/* An object's member names as small decimal ids ("0".."31"), into the mask of ids; -1 otherwise. */
static int id_of(const char *key, unsigned max, unsigned *id)
{
    uint64_t v;
    if (u64_str(key, &v) || v >= max)
        return -1;
    *id = (unsigned)v;
    return 0;
}

static int kdf_of(yajl_val k, vg_luks2_kdf *kdf, char *skip, size_t cap)
{
    const char *type = str_field(k, "type");
    if (!type)
        return snprintf(skip, cap, "no KDF type"), -1;
    if (b64_field(k, "salt", kdf->salt, sizeof kdf->salt, &kdf->salt_len))
        return snprintf(skip, cap, "no valid KDF salt"), -1;
    if (!strcmp(type, "pbkdf2")) {
        kdf->type = VG_LUKS2_PBKDF2;
        if (copy_str(k, "hash", kdf->hash, sizeof kdf->hash) || int_field(k, "iterations", 1, UINT32_MAX, &kdf->iterations))
            return snprintf(skip, cap, "PBKDF2 without a hash or iteration count"), -1;
        if (!EVP_get_digestbyname(kdf->hash))
            return snprintf(skip, cap, "PBKDF2 hash '%s' unknown", str_field(k, "hash")), -1;
        if (kdf->iterations > VG_LUKS2_MAX_PBKDF2_ITER)
            return snprintf(skip, cap, "PBKDF2 with %u iterations, over vigil's cap of %u", kdf->iterations,
                            VG_LUKS2_MAX_PBKDF2_ITER), -1;
        return 0;
    }
    if (strcmp(type, "argon2i") && strcmp(type, "argon2id"))
        return snprintf(skip, cap, "KDF '%.32s' is not supported", type), -1;
    kdf->type = strcmp(type, "argon2i") ? VG_LUKS2_ARGON2ID : VG_LUKS2_ARGON2I;
    if (int_field(k, "time", 1, UINT32_MAX, &kdf->iterations) || int_field(k, "memory", 1, UINT32_MAX, &kdf->memory_kib) ||
        int_field(k, "cpus", 1, UINT32_MAX, &kdf->lanes))
        return snprintf(skip, cap, "Argon2 without time, memory or cpus"), -1;
    if (kdf->memory_kib > VG_LUKS2_MAX_ARGON2_KIB)
        return snprintf(skip, cap, "Argon2 memory of %u KiB, over vigil's cap of %u KiB", kdf->memory_kib,
                        VG_LUKS2_MAX_ARGON2_KIB), -1;
    if (kdf->iterations > VG_LUKS2_MAX_ARGON2_TIME)
        return snprintf(skip, cap, "Argon2 time cost %u, over vigil's cap of %u", kdf->iterations,
                        VG_LUKS2_MAX_ARGON2_TIME), -1;
    if (kdf->lanes > VG_LUKS2_MAX_ARGON2_LANES)
        return snprintf(skip, cap, "Argon2 with %u threads, over vigil's cap of %u", kdf->lanes,
                        VG_LUKS2_MAX_ARGON2_LANES), -1;
    /* what libargon2 would refuse: said here rather than taken for a wrong key */
    if (kdf->memory_kib < 8 * kdf->lanes || kdf->salt_len < 8)
        return snprintf(skip, cap, "Argon2 with %u KiB for %u threads or a %zu-byte salt: not valid", kdf->memory_kib,
                        kdf->lanes, kdf->salt_len), -1;
    return 0;
}

/* Keyslot ks from its JSON; a reason in ks->skip when it cannot be tried. */
static void keyslot_of(yajl_val k, vg_luks2_keyslot *ks, uint64_t hdr_size, uint64_t vol_len)
{
    yajl_val area = field(k, "area"), af = field(k, "af");
    const char *type = str_field(k, "type");
    uint32_t key_size = 0, area_key = 0;
    uint64_t need;
    char *skip = ks->skip;
    size_t cap = sizeof ks->skip;
    if (!type || strcmp(type, "luks2")) {
        snprintf(skip, cap, "type '%.32s' is not luks2", type ? type : "");
        return;
    }
    if (int_field(k, "key_size", 1, VG_LUKS2_MAX_KEY, &key_size) || int_field(area, "key_size", 1, VG_LUKS2_MAX_KEY, &area_key)) {
        snprintf(skip, cap, "no valid key size");
        return;
    }
    ks->key_size = key_size;
    ks->area_key_size = area_key;
    if (!str_field(area, "type") || strcmp(str_field(area, "type"), "raw") ||
        u64_str(str_field(area, "offset"), &ks->area_offset) || u64_str(str_field(area, "size"), &ks->area_size) ||
        copy_str(area, "encryption", ks->area_cipher, sizeof ks->area_cipher)) {
        snprintf(skip, cap, "no valid raw key area");
        return;
    }
    if (!str_field(af, "type") || strcmp(str_field(af, "type"), "luks1") ||
        int_field(af, "stripes", 1, VG_LUKS2_MAX_STRIPES, &ks->stripes) || copy_str(af, "hash", ks->af_hash, sizeof ks->af_hash)) {
        snprintf(skip, cap, "no valid luks1 anti-forensic split");
        return;
    }
    if (!EVP_get_digestbyname(ks->af_hash)) {
        snprintf(skip, cap, "anti-forensic split hash '%s' unknown", str_field(af, "hash"));
        return;
    }
    need = ((uint64_t)ks->key_size * ks->stripes + 511) / 512 * 512;
    if (ks->area_size < need || ks->area_offset < 2 * hdr_size || ks->area_offset > vol_len ||
        vol_len - ks->area_offset < ks->area_size) {
        snprintf(skip, cap, "key area at byte %llu (%llu bytes) is not within the volume after its headers",
                 (unsigned long long)ks->area_offset, (unsigned long long)ks->area_size);
        return;
    }
    kdf_of(field(k, "kdf"), &ks->kdf, skip, cap);
}

static int digest_of(yajl_val d, vg_luks2_digest *dg, unsigned data_id)
{
    yajl_val slots = field(d, "keyslots"), segs = field(d, "segments");
    const char *type = str_field(d, "type");
    if (!type || strcmp(type, "pbkdf2") || copy_str(d, "hash", dg->hash, sizeof dg->hash) ||
        int_field(d, "iterations", 1, VG_LUKS2_MAX_PBKDF2_ITER, &dg->iterations) ||
        b64_field(d, "salt", dg->salt, sizeof dg->salt, &dg->salt_len) ||
        b64_field(d, "digest", dg->digest, sizeof dg->digest, &dg->digest_len) || !YAJL_IS_ARRAY(slots) ||
        !YAJL_IS_ARRAY(segs))
        return -1;
    for (size_t i = 0; i < slots->u.array.len; i++) {
        unsigned id;
        if (!YAJL_IS_STRING(slots->u.array.values[i]) ||
            id_of(YAJL_GET_STRING(slots->u.array.values[i]), VG_LUKS2_MAX_KEYSLOTS, &id))
            return -1;
        dg->keyslots |= 1u << id;
    }
    for (size_t i = 0; i < segs->u.array.len; i++) {
        unsigned id;
        if (!YAJL_IS_STRING(segs->u.array.values[i]) || id_of(YAJL_GET_STRING(segs->u.array.values[i]), 1000, &id))
            return -1;
        dg->data |= id == data_id;
    }
    return 0;
}

/* The one data segment; UNSUPPORTED for any other layout (reencryption, integrity). */
static vg_luks2_status segment_of(yajl_val segs, vg_luks2 *h, uint64_t vol_len, unsigned *data_id, char *why,
                                  size_t cap)
{
    yajl_val s;
    const char *type, *size;
    uint32_t sector = 0;
    if (!YAJL_IS_OBJECT(segs) || segs->u.object.len == 0)
        return snprintf(why, cap, "no segments"), VG_LUKS2_CORRUPT;
    if (segs->u.object.len != 1)
        return snprintf(why, cap, "LUKS 2 volume with %zu data segments (a reencryption): not supported",
                        segs->u.object.len), VG_LUKS2_UNSUPPORTED;
    s = segs->u.object.values[0];
    type = str_field(s, "type");
    if (id_of(segs->u.object.keys[0], 1000, data_id) || !type)
        return snprintf(why, cap, "segment without id or type"), VG_LUKS2_CORRUPT;
    if (strcmp(type, "crypt"))
        return snprintf(why, cap, "LUKS 2 volume with a '%.32s' data segment: not supported", type),
               VG_LUKS2_UNSUPPORTED;
    if (field(s, "integrity"))
        return snprintf(why, cap, "LUKS 2 volume with authenticated encryption (dm-integrity): not supported"),
               VG_LUKS2_UNSUPPORTED;
    size = str_field(s, "size");
    if (u64_str(str_field(s, "offset"), &h->data_offset) || u64_str(str_field(s, "iv_tweak"), &h->iv_tweak) ||
        copy_str(s, "encryption", h->data_cipher, sizeof h->data_cipher) || int_field(s, "sector_size", 512, 4096, &sector) ||
        (sector & (sector - 1)) || !size || (strcmp(size, "dynamic") && u64_str(size, &h->data_size)))
        return snprintf(why, cap, "data segment without a valid offset, size, iv_tweak, encryption or sector size"),
               VG_LUKS2_CORRUPT;
    h->sector_size = sector;
    if (h->data_offset < 2 * h->hdr_size || h->data_offset % sector || h->data_offset >= vol_len)
        return snprintf(why, cap, "data segment offset %llu is not within the volume after its headers",
                        (unsigned long long)h->data_offset), VG_LUKS2_CORRUPT;
    /* "dynamic": up to the volume's end; a fixed size no further than the bytes there are */
    if (!strcmp(size, "dynamic") || h->data_size > vol_len - h->data_offset)
        h->data_size = vol_len - h->data_offset;
    h->data_size -= h->data_size % sector;
    if (h->data_size == 0)
        return snprintf(why, cap, "data segment of 0 bytes"), VG_LUKS2_CORRUPT;
    return VG_LUKS2_OK;
}

/* Mandatory requirements (an unfinished reencryption...) that vigil does not meet. */
static vg_luks2_status requirements_of(yajl_val config, char *why, size_t cap)
{
    yajl_val req = field(field(config, "requirements"), "mandatory");
    if (YAJL_IS_ARRAY(req) && req->u.array.len > 0) {
        yajl_val first = req->u.array.values[0];
        return snprintf(why, cap, "LUKS 2 volume with requirement '%.48s' (a reencryption in progress): not supported",
                        YAJL_IS_STRING(first) ? YAJL_GET_STRING(first) : "?"), VG_LUKS2_UNSUPPORTED;
    }
    return VG_LUKS2_OK;
}

static vg_luks2_status parse_tree(vg_luks2 *h, yajl_val root, uint64_t vol_len, char *why, size_t cap)
{
    yajl_val slots = field(root, "keyslots"), digests = field(root, "digests");
    unsigned data_id = 0;
    vg_luks2_status st;
    if (!YAJL_IS_OBJECT(slots) || !YAJL_IS_OBJECT(digests))
        return snprintf(why, cap, "JSON without keyslots or digests"), VG_LUKS2_CORRUPT;
    if ((st = requirements_of(field(root, "config"), why, cap)) != VG_LUKS2_OK ||
        (st = segment_of(field(root, "segments"), h, vol_len, &data_id, why, cap)) != VG_LUKS2_OK)
        return st;
    if (slots->u.object.len > VG_LUKS2_MAX_KEYSLOTS || digests->u.object.len > VG_LUKS2_MAX_DIGESTS)
        return snprintf(why, cap, "%zu keyslots and %zu digests, over LUKS 2's limits", slots->u.object.len,
                        digests->u.object.len), VG_LUKS2_CORRUPT;
    for (size_t i = 0; i < slots->u.object.len; i++) {
        vg_luks2_keyslot *ks = &h->keyslots[h->nkeyslots++];
        if (id_of(slots->u.object.keys[i], VG_LUKS2_MAX_KEYSLOTS, &ks->id))
            return snprintf(why, cap, "keyslot id '%.16s' invalid", slots->u.object.keys[i]), VG_LUKS2_CORRUPT;
        keyslot_of(slots->u.object.values[i], ks, h->hdr_size, vol_len);
    }
    for (size_t i = 0; i < digests->u.object.len; i++)
        if (digest_of(digests->u.object.values[i], &h->digests[h->ndigests++], data_id))
            return snprintf(why, cap, "digest '%.16s' invalid", digests->u.object.keys[i]), VG_LUKS2_CORRUPT;
    return VG_LUKS2_OK;
}

vg_luks2_status vg_luks2_parse_json(vg_luks2 *h, const char *json, size_t json_len, uint64_t hdr_size,
                                    uint64_t vol_len, char *why, size_t cap)
{
    size_t n = strnlen(json, json_len);
    char *text = malloc(n + 1), err[128];
    yajl_val root;
    vg_luks2_status st;
    h->hdr_size = hdr_size;
    h->nkeyslots = h->ndigests = 0;
    memset(h->keyslots, 0, sizeof h->keyslots);
    memset(h->digests, 0, sizeof h->digests);
    if (!text)
        return snprintf(why, cap, "out of memory"), VG_LUKS2_CORRUPT;
    memcpy(text, json, n);
    text[n] = '\0';
    if (too_deep(text)) {
        free(text);
        return snprintf(why, cap, "JSON nested deeper than %d", MAX_DEPTH), VG_LUKS2_CORRUPT;
    }
    root = yajl_tree_parse(text, err, sizeof err);
    free(text);
    if (!YAJL_IS_OBJECT(root)) {
        yajl_tree_free(root);
        return snprintf(why, cap, "JSON area is not a JSON object"), VG_LUKS2_CORRUPT;
    }
    st = parse_tree(h, root, vol_len, why, cap);
    yajl_tree_free(root);
    return st;
}

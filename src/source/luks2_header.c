/*
 * The two binary header copies of a LUKS 2 volume. Each is 4096 bytes of
 * fixed fields followed by the JSON area; the checksum covers both with the
 * checksum field zeroed. The secondary copy starts right after the primary
 * (at the primary's header size), or, when the primary is too damaged to
 * say its size, at one of the sizes cryptsetup allows.
 */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source/luks2_header.h"

#define BIN_SIZE 4096u
#define CSUM_OFF 448u
#define CSUM_LEN 64u

/* The header sizes (binary header and JSON area together) cryptsetup writes. */
static const uint64_t hdr_sizes[] = {0x4000, 0x8000, 0x10000, 0x20000, 0x40000, 0x80000, 0x100000, 0x200000, 0x400000};

static uint64_t be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

static int hdr_size_ok(uint64_t s)
{
    for (size_t i = 0; i < sizeof hdr_sizes / sizeof hdr_sizes[0]; i++)
        if (hdr_sizes[i] == s)
            return 1;
    return 0;
}

/* The checksum of the header area a (size bytes, checksum field zeroed here) equals stored. */
static int checksum_ok(uint8_t *a, size_t size, const char *alg, char *why, size_t cap)
{
    const EVP_MD *md = EVP_get_digestbyname(alg);
    uint8_t stored[CSUM_LEN], got[EVP_MAX_MD_SIZE];
    unsigned n = 0;
    if (!md || EVP_MD_get_size(md) > (int)CSUM_LEN)
        return snprintf(why, cap, "checksum algorithm '%s' unknown", alg), 0;
    memcpy(stored, a + CSUM_OFF, CSUM_LEN);
    memset(a + CSUM_OFF, 0, CSUM_LEN);
    if (EVP_Digest(a, size, got, &n, md, NULL) != 1)
        return snprintf(why, cap, "checksum could not be computed"), 0;
    if (CRYPTO_memcmp(got, stored, n))
        return snprintf(why, cap, "checksum mismatch"), 0;
    return 1;
}

/*
 * The copy at off (secondary: 0 or 1) into h. *size_seen: its header size when its fixed fields
 * were sane enough to tell, else 0. CORRUPT with why for a copy that cannot be used.
 */
static vg_luks2_status read_copy(vg_luks2 *h, vg_luks2_read_fn rd, void *ctx, uint64_t off, int secondary,
                                 uint64_t vol_len, uint64_t *size_seen, char *why, size_t cap)
{
    uint8_t bin[BIN_SIZE], *area;
    char alg[33];
    uint64_t size;
    vg_luks2_status st;
    *size_seen = 0;
    if (off > vol_len || vol_len - off < BIN_SIZE || rd(ctx, off, bin, BIN_SIZE))
        return snprintf(why, cap, "cannot be read at byte %llu", (unsigned long long)off), VG_LUKS2_CORRUPT;
    if (memcmp(bin, secondary ? "SKUL\xba\xbe" : "LUKS\xba\xbe", 6))
        return snprintf(why, cap, "no magic at byte %llu", (unsigned long long)off), VG_LUKS2_CORRUPT;
    if (bin[6] != 0 || bin[7] != 2)
        return snprintf(why, cap, "version %u, not 2", (unsigned)(bin[6] << 8 | bin[7])), VG_LUKS2_CORRUPT;
    size = be64(bin + 8);
    if (!hdr_size_ok(size))
        return snprintf(why, cap, "header size %llu is not one LUKS 2 allows", (unsigned long long)size),
               VG_LUKS2_CORRUPT;
    *size_seen = size;
    if (be64(bin + 256) != off)
        return snprintf(why, cap, "header offset field %llu, but the copy is at byte %llu",
                        (unsigned long long)be64(bin + 256), (unsigned long long)off), VG_LUKS2_CORRUPT;
    if (vol_len - off < size)
        return snprintf(why, cap, "header of %llu bytes runs past the volume's end", (unsigned long long)size),
               VG_LUKS2_CORRUPT;
    memcpy(alg, bin + 72, 32);
    alg[32] = '\0';
    if (!(area = malloc(size)))
        return snprintf(why, cap, "out of memory"), VG_LUKS2_CORRUPT;
    if (rd(ctx, off, area, size)) {
        free(area);
        return snprintf(why, cap, "JSON area cannot be read"), VG_LUKS2_CORRUPT;
    }
    if (!checksum_ok(area, size, alg, why, cap)) {
        free(area);
        return VG_LUKS2_CORRUPT;
    }
    memset(h, 0, sizeof *h);
    h->seqid = be64(bin + 16);
    h->hdr_size = size;
    h->secondary = secondary;
    st = vg_luks2_parse_json(h, (const char *)area + BIN_SIZE, size - BIN_SIZE, size, vol_len, why, cap);
    free(area);
    return st;
}

vg_luks2_status vg_luks2_read(vg_luks2 *h, vg_luks2_read_fn rd, void *ctx, uint64_t vol_len, char *why, size_t cap)
{
    vg_luks2 *second = malloc(sizeof *second);
    char why1[160], why2[160] = "not found";
    uint64_t size1, size2;
    vg_luks2_status s1, s2 = VG_LUKS2_CORRUPT;
    if (!second)
        return snprintf(why, cap, "LUKS 2 header: out of memory"), VG_LUKS2_CORRUPT;
    s1 = read_copy(h, rd, ctx, 0, 0, vol_len, &size1, why1, sizeof why1);
    if (size1) {
        s2 = read_copy(second, rd, ctx, size1, 1, vol_len, &size2, why2, sizeof why2);
    } else {
        for (size_t i = 0; i < sizeof hdr_sizes / sizeof hdr_sizes[0] && s2 == VG_LUKS2_CORRUPT; i++) {
            char w[160];
            s2 = read_copy(second, rd, ctx, hdr_sizes[i], 1, vol_len, &size2, w, sizeof w);
            if (size2) /* a secondary header is there: its fault, if any, is the one to tell */
                memcpy(why2, w, sizeof w);
            if (size2 && s2 == VG_LUKS2_CORRUPT)
                break;
        }
    }
    /* The valid copy with the higher sequence number; the primary on a tie. */
    if (s2 != VG_LUKS2_CORRUPT && (s1 == VG_LUKS2_CORRUPT || second->seqid > h->seqid)) {
        memcpy(h, second, sizeof *h);
        if (s1 == VG_LUKS2_CORRUPT)
            snprintf(h->bad_copy, sizeof h->bad_copy, "primary header: %.100s", why1);
        s1 = s2;
        snprintf(why1, sizeof why1, "%s", why2);
    } else if (s1 != VG_LUKS2_CORRUPT && s2 == VG_LUKS2_CORRUPT) {
        snprintf(h->bad_copy, sizeof h->bad_copy, "secondary header: %.100s", why2);
    }
    OPENSSL_cleanse(second, sizeof *second);
    free(second);
    if (s1 == VG_LUKS2_CORRUPT)
        snprintf(why, cap, "LUKS 2 header damaged: primary: %s; secondary: %s", why1, why2);
    else if (s1 == VG_LUKS2_UNSUPPORTED)
        snprintf(why, cap, "%s", why1);
    return s1;
}

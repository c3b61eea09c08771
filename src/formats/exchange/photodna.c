/*
 * PhotoDNA representation: decode the three encodings lists use into 144
 * bytes with validation, the squared distance, and the placeholder filter.
 * vigil never computes PhotoDNA (see photodna.h).
 */
#include <stdio.h>
#include <string.h>

#include "core/hex.h"
#include "formats/exchange/photodna.h"

static int fail(char *why, size_t cap, const char *msg, size_t got)
{
    if (why && cap)
        snprintf(why, cap, msg, got);
    return -1;
}

static void trim(const char **s, size_t *n)
{
    while (*n && (**s == ' ' || **s == '\t' || **s == '\r' || **s == '\n')) {
        (*s)++;
        (*n)--;
    }
    while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' || (*s)[*n - 1] == '\r' || (*s)[*n - 1] == '\n'))
        (*n)--;
}

static int b64val(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+' || c == '-')   /* '-' and '_': the URL-safe alphabet */
        return 62;
    if (c == '/' || c == '_')
        return 63;
    return -1;
}

int vg_photodna_from_base64(uint8_t out[VG_PHOTODNA_BYTES], const char *s, size_t n, char *why, size_t whycap)
{
    uint32_t acc = 0;
    size_t bits = 0, got = 0, pad = 0;
    trim(&s, &n);
    while (n && s[n - 1] == '=' && pad < 2) {
        n--;
        pad++;
    }
    for (size_t i = 0; i < n; i++) {
        int v = b64val((unsigned char)s[i]);
        if (v < 0)
            return fail(why, whycap, "PhotoDNA: not base64 (character %zu)", i + 1);
        acc = acc << 6 | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (got < VG_PHOTODNA_BYTES)
                out[got] = (uint8_t)(acc >> bits);
            got++;
            acc &= (1u << bits) - 1;
        }
    }
    if (got != VG_PHOTODNA_BYTES)
        return fail(why, whycap, "PhotoDNA: decodes to %zu bytes, not 144", got);
    return 0;
}

int vg_photodna_from_hex(uint8_t out[VG_PHOTODNA_BYTES], const char *s, size_t n, char *why, size_t whycap)
{
    trim(&s, &n);
    if (n != VG_PHOTODNA_HEX_CHARS)
        return fail(why, whycap, "PhotoDNA: %zu hex digits, not 288", n);
    if (vg_hex_decode(out, s, VG_PHOTODNA_BYTES) < 0)
        return fail(why, whycap, "PhotoDNA: %zu characters but not all hex digits", n);
    return 0;
}

int vg_photodna_from_decimals(uint8_t out[VG_PHOTODNA_BYTES], const char *s, size_t n, char *why,
                              size_t whycap)
{
    size_t got = 0, i = 0;
    trim(&s, &n);
    while (i < n) {
        unsigned v = 0;
        size_t digits = 0;
        while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
            i++;
        while (i < n && s[i] >= '0' && s[i] <= '9' && digits < 4) {
            v = v * 10 + (unsigned)(s[i++] - '0');
            digits++;
        }
        while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
            i++;
        if (!digits || v > 255 || (i < n && s[i] != ','))
            return fail(why, whycap, "PhotoDNA: decimal list: item %zu is not a number 0-255", got + 1);
        if (got < VG_PHOTODNA_BYTES)
            out[got] = (uint8_t)v;
        got++;
        if (i < n && ++i == n)
            return fail(why, whycap, "PhotoDNA: decimal list ends with a comma after %zu items", got);
    }
    if (got != VG_PHOTODNA_BYTES)
        return fail(why, whycap, "PhotoDNA: %zu decimals, not 144", got);
    return 0;
}

int vg_photodna_decode(uint8_t out[VG_PHOTODNA_BYTES], const char *s, size_t n, char *why, size_t whycap)
{
    trim(&s, &n);
    if (memchr(s, ',', n))
        return vg_photodna_from_decimals(out, s, n, why, whycap);
    if (n == VG_PHOTODNA_HEX_CHARS && vg_is_hex(s, n))
        return vg_photodna_from_hex(out, s, n, why, whycap);
    return vg_photodna_from_base64(out, s, n, why, whycap);
}

void vg_photodna_to_base64(char out[VG_PHOTODNA_BASE64_CHARS + 1], const uint8_t v[VG_PHOTODNA_BYTES])
{
    static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t o = 0;
    for (size_t i = 0; i < VG_PHOTODNA_BYTES; i += 3) { /* 144 is a multiple of 3: no padding */
        uint32_t w = (uint32_t)v[i] << 16 | (uint32_t)v[i + 1] << 8 | v[i + 2];
        out[o++] = al[w >> 18];
        out[o++] = al[(w >> 12) & 63];
        out[o++] = al[(w >> 6) & 63];
        out[o++] = al[w & 63];
    }
    out[o] = '\0';
}

uint32_t vg_photodna_sq_distance(const uint8_t a[VG_PHOTODNA_BYTES], const uint8_t b[VG_PHOTODNA_BYTES])
{
    uint32_t sum = 0;
    for (size_t i = 0; i < VG_PHOTODNA_BYTES; i++) {
        int d = (int)a[i] - (int)b[i];
        sum += (uint32_t)(d * d);
    }
    return sum;
}

void vg_pdna_repeats_init(vg_pdna_repeats *t)
{
    memset(t, 0, sizeof *t);
}

int vg_pdna_repeats_check(vg_pdna_repeats *t, const vg_hs_record *r)
{
    uint8_t key[20] = {0};
    size_t victim = 0;
    if (r->has_md5)
        memcpy(key, r->md5, 16);
    else if (r->has_sha1)
        memcpy(key, r->sha1, 20);
    else
        return 0; /* nothing to tell records apart: keep it */
    t->tick++;
    for (size_t i = 0; i < VG_PDNA_REPEAT_SLOTS; i++) {
        if (!t->slot[i].live) {
            victim = i;
            continue;
        }
        if (memcmp(t->slot[i].v, r->photodna, VG_PHOTODNA_BYTES)) {
            if (t->slot[victim].live && t->slot[i].used < t->slot[victim].used)
                victim = i;
            continue;
        }
        t->slot[i].used = t->tick;
        if (!memcmp(t->slot[i].key, key, sizeof key))
            return 0; /* the same file again */
        if (++t->slot[i].others <= VG_PDNA_REPEAT_MAX)
            return 0;
        t->dropped++;
        return t->slot[i].others == VG_PDNA_REPEAT_MAX + 1 ? 2 : 1;
    }
    memcpy(t->slot[victim].v, r->photodna, VG_PHOTODNA_BYTES);
    memcpy(t->slot[victim].key, key, sizeof key);
    t->slot[victim].others = 0;
    t->slot[victim].used = t->tick;
    t->slot[victim].live = 1;
    return 0;
}

/*
 * A scan item as the registry keeps it (vigil_case_item_of): digests and PDQ as hex, the path
 * and container as valid UTF-8 (PostgreSQL text takes nothing else), other bytes written \xNN.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hex.h"
#include "vigil/case_items.h"
#include "cases/items.h"
#include "vigil/report.h"

/* Bytes of a valid UTF-8 sequence at p (n left), no surrogates, no overlongs; 0 when none. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
    size_t len = p[0] < 0x80 ? 1 : (p[0] & 0xE0) == 0xC0 ? 2 : (p[0] & 0xF0) == 0xE0 ? 3 : (p[0] & 0xF8) == 0xF0 ? 4 : 0;
    uint32_t cp;
    if (!len || len > n)
        return 0;
    if (len == 1)
        return 1;
    cp = p[0] & (0x7F >> len);
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (p[i] & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

char *vg_case_text(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    char *out = malloc(4 * n + 1), *o = out;
    if (!out)
        return NULL;
    for (size_t i = 0; i < n;) {
        size_t len = p[i] < 0x20 || p[i] == 0x7F ? 0 : utf8_len(p + i, n - i);
        if (len) {
            if (p[i] == '\\')
                *o++ = '\\';
            memcpy(o, p + i, len);
            o += len;
            i += len;
        } else {
            o += sprintf(o, "\\x%02x", p[i]);
            i++;
        }
    }
    *o = '\0';
    return out;
}

int vigil_case_item_of(vigil_case_item *out, vigil_case_item_text *t, const vigil_item *it)
{
    char *c = vigil_container_string(it);
    memset(out, 0, sizeof *out);
    memset(t, 0, sizeof *t);
    t->path = vg_case_text(it->path, it->path_len);
    t->container = c ? vg_case_text(c, strlen(c)) : strdup("");
    free(c);
    if (!t->path || !t->container) {
        vigil_case_item_text_free(t);
        return -1;
    }
    if (it->has_digests) {
        vg_hex_encode(t->md5, it->digests.md5, 16);
        vg_hex_encode(t->sha1, it->digests.sha1, 20);
        vg_hex_encode(t->sha256, it->digests.sha256, 32);
        out->md5 = t->md5;
        out->sha1 = t->sha1;
        out->sha256 = t->sha256;
    }
    if (it->pdq_state == VIGIL_PDQ_OK) {
        vigil_pdq_hex(t->pdq, &it->pdq[VIGIL_PDQ_ORIG]);
        out->pdq = t->pdq;
        out->pdq_quality = it->pdq_quality;
        for (int k = 1; k < VIGIL_PDQ__DIHEDRAL; k++)
            vigil_pdq_hex(t->pdq_dihedral + (size_t)(k - 1) * 64, &it->pdq[k]);
        out->pdq_dihedral = t->pdq_dihedral;
    }
    out->size = it->size;
    out->verdict = vigil_verdict_name(it->verdict);
    if (it->match.by != VIGIL_BY_NONE) {
        out->set = it->match.set;
        out->category = it->match.category;
        out->series = it->match.series;
        out->victim_identified = it->match.victim_identified;
    }
    out->mime = it->mime;
    out->container = t->container;
    out->path = t->path;
    out->allocated = it->in_image ? it->allocated : 1;
    out->carved = it->carved;
    return 0;
}

void vigil_case_item_text_free(vigil_case_item_text *t)
{
    free(t->path);
    free(t->container);
    t->path = t->container = NULL;
}

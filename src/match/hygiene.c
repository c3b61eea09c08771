/*
 * List hygiene over the whole store (vigil hashset check): per set, the
 * entries that prove little (a common file, also benign), conflicts between
 * records and entries, weak PDQ entries; and the sets whose import merged
 * repeated records.
 */
#include <stdio.h>
#include <string.h>

#include "core/hex.h"
#include "match/index_int.h"

static void strongest_hex(char hex[65], const vg_seg_entry *e)
{
    if (e->mask & VG_SEG_HAS_SHA256)
        vg_hex_encode(hex, e->sha256, 32);
    else if (e->mask & VG_SEG_HAS_SHA1)
        vg_hex_encode(hex, e->sha1, 20);
    else if (e->mask & VG_SEG_HAS_MD5)
        vg_hex_encode(hex, e->md5, 16);
    else if (e->mask & VG_SEG_HAS_PDQ)
        vg_hex_encode(hex, e->pdq, 32);
    else
        snprintf(hex, 65, "photodna");
}

/*
 * Entries of one set that share a digest and disagree on the category, told
 * once at the entry that leads their key runs (the most serious, which a
 * lookup by that digest reports); the digest named is the weakest shared.
 */
static int check_shared(const ix_set *set, uint64_t r, const uint8_t *const dg[VG_SEG_ALGS], vigil_hygiene_fn fn,
                        void *ud)
{
    static const char *names[VG_SEG_ALGS] = {"MD5", "SHA-1", "SHA-256"};
    const vg_segment *s = &set->seg;
    const vg_seg_meta *m = &s->meta[r];
    char hex[65], detail[160], algs[32] = "";
    uint64_t others = 0;
    int named = -1;
    if (!(m->flags & VG_SEG_CONFLICT) || m->category == VG_SEG_NONE)
        return 0;
    for (int a = 0; a < VG_SEG_ALGS; a++) {
        uint64_t first, n = dg[a] ? vg_seg_find_all(s, a, dg[a], &first) : 0, differ = 0;
        if (n < 2 || vg_seg_key_row(s, a, first) != r)
            continue;
        for (uint64_t k = 1; k < n; k++) {
            uint32_t o = vg_seg_key_row(s, a, first + k);
            differ += o < s->h->entries && s->meta[o].category != VG_SEG_NONE && s->meta[o].category != m->category;
        }
        if (!differ)
            continue;
        if (named < 0)
            named = a;
        others = differ > others ? differ : others;
        snprintf(algs + strlen(algs), sizeof algs - strlen(algs), "%s%s", *algs ? ", " : "", names[a]);
    }
    if (named < 0)
        return 0;
    vg_hex_encode(hex, dg[named], vg_seg_digest_len[named]);
    const char *cat = vg_seg_str(s, m->category);
    snprintf(detail, sizeof detail, "shares its %s with %llu entr%s of another category; kept '%s'", algs,
             (unsigned long long)others, others == 1 ? "y" : "ies", cat ? cat : "");
    fn(ud, "conflict", set->name, hex, detail);
    return 1;
}

static int check_set(const vigil_index *ix, size_t i, vigil_hygiene_fn fn, void *ud)
{
    static const uint8_t zero[32];
    const ix_set *set = &ix->sets[i];
    int problems = 0;
    char hex[65], detail[96];
    for (uint64_t r = 0; r < set->seg.h->entries; r++) {
        vg_seg_entry x, *e = &x;
        int damaged = vg_seg_get(&set->seg, (uint32_t)r, e) < 0;
        const uint8_t *dg[VG_SEG_ALGS] = {e->mask & VG_SEG_HAS_MD5 ? e->md5 : NULL,
                                          e->mask & VG_SEG_HAS_SHA1 ? e->sha1 : NULL,
                                          e->mask & VG_SEG_HAS_SHA256 ? e->sha256 : NULL};
        int common = 0;
        if (damaged) {
            snprintf(detail, sizeof detail, "entry %llu unreadable (damaged); rebuild with 'vigil hashset reindex'",
                     (unsigned long long)r);
            fn(ud, "damaged", set->name, "", detail);
            problems++;
            continue;
        }
        strongest_hex(hex, e);
        if (set->kind == VIGIL_KIND_ILLEGAL) {
            for (int a = 0; a < VG_SEG_ALGS; a++)
                common |= dg[a] && vg_ix_is_common(ix, a, dg[a]);
            if (common && ++problems)
                fn(ud, "common-file", set->name, hex, "the digest of a trivially common file");
            if (vg_ix_in_benign(ix, dg) && ++problems)
                fn(ud, "also-benign", set->name, hex, "also listed in a benign set");
        }
        if ((e->flags & VG_SEG_CONFLICT) && ++problems) {
            const char *cat = vg_seg_str(&set->seg, e->category);
            snprintf(detail, sizeof detail, "records disagreed on the category; kept '%s'", cat ? cat : "");
            fn(ud, "conflict", set->name, hex, detail);
        }
        problems += check_shared(set, r, dg, fn, ud);
        if (e->mask & VG_SEG_HAS_PDQ) {
            if (!memcmp(e->pdq, zero, 32) && ++problems)
                fn(ud, "pdq-zero", set->name, hex, "an all-zero PDQ hash (too small or blank picture)");
            else if (e->pdq_quality >= 0 && e->pdq_quality < 50 && ++problems) {
                snprintf(detail, sizeof detail, "PDQ quality %d (< 50)", e->pdq_quality);
                fn(ud, "pdq-low-quality", set->name, hex, detail);
            }
        }
    }
    return problems;
}

int vigil_hashset_check(vigil_store *st, vigil_hygiene_fn fn, void *ud, vigil_error *err)
{
    vigil_hashset_info *v;
    vigil_index *ix;
    size_t n;
    int problems = 0, rc = vigil_hashset_list(&v, &n, st, err);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < n; i++)
        if (v[i].merged) {
            char detail[128];
            snprintf(detail, sizeof detail, "%llu repeated records merged into or linked to existing entries at import, "
                     "%llu with a different category", (unsigned long long)v[i].merged,
                     (unsigned long long)v[i].conflicts);
            fn(ud, "duplicates", v[i].name, NULL, detail);
            problems++;
        }
    vigil_hashset_info_free(v, n);
    if ((rc = vigil_index_open(&ix, st, err)) < 0)
        return rc;
    for (size_t i = 0; i < ix->nsets; i++)
        problems += check_set(ix, i, fn, ud);
    vigil_index_close(ix);
    return problems;
}

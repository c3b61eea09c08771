/* The entries of the current segments as vg_hs_record, for exporters. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hashset/entries.h"
#include "segment/segment.h"
#include "hashset/store_int.h"

static void to_record(vg_hs_record *r, const vg_segment *seg, const vg_seg_entry *e, const vg_store_set *set)
{
    const char *cat = vg_seg_str(seg, e->category), *ser = vg_seg_str(seg, e->series);
    vg_hs_record_clear(r);
    r->has_md5 = (e->mask & VG_SEG_HAS_MD5) != 0;
    r->has_sha1 = (e->mask & VG_SEG_HAS_SHA1) != 0;
    r->has_sha256 = (e->mask & VG_SEG_HAS_SHA256) != 0;
    r->has_pdq = (e->mask & VG_SEG_HAS_PDQ) != 0;
    memcpy(r->md5, e->md5, 16);
    memcpy(r->sha1, e->sha1, 20);
    memcpy(r->sha256, e->sha256, 32);
    memcpy(r->pdq, e->pdq, 32);
    r->pdq_quality = e->pdq_quality;
    if ((e->mask & VG_SEG_HAS_PHOTODNA) && e->photodna < seg->nphotodna) {
        r->has_photodna = 1;
        memcpy(r->photodna, seg->photodna + (size_t)e->photodna * VG_PHOTODNA_BYTES, VG_PHOTODNA_BYTES);
    }
    r->size = e->size;
    r->category = cat ? cat : set->category;
    r->category_label = vg_seg_str(seg, e->label);
    r->profile = vg_seg_str(seg, e->profile);
    r->severity = e->severity;
    r->series = ser ? ser : set->series;
    r->flags = e->flags & 0x0f;
    snprintf(r->where, sizeof r->where, "record %llu", (unsigned long long)e->record);
}

int vg_store_foreach_entry(vigil_store *st, const char *set_name,
                           int (*cb)(void *ud, const vg_hs_record *r, const char *set, vigil_error *err), void *ud,
                           vigil_error *err)
{
    vg_store_set *v;
    size_t n, seen = 0;
    int rc = vg_store_snapshot(&v, &n, st, err);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        vg_segment seg;
        vg_hs_record r;
        char *path;
        if (set_name && strcmp(v[i].name, set_name))
            continue;
        seen++;
        if (!(path = vg_store_segment_path(st, v[i].segment))) {
            rc = vigil_error_set(err, VIGIL_ENOMEM, "export: out of memory");
            break;
        }
        rc = vg_seg_open(&seg, path, err);
        free(path);
        for (uint64_t k = 0; rc == 0 && k < (seg.h ? seg.h->entries : 0); k++) {
            vg_seg_entry e;
            if (vg_seg_get(&seg, (uint32_t)k, &e) < 0) {
                rc = vigil_error_set(err, VIGIL_ESTORE, "set '%s': entry %llu of its segment is damaged; rebuild it with 'vigil hashset reindex'",
                                     v[i].name, (unsigned long long)k);
                break;
            }
            to_record(&r, &seg, &e, &v[i]);
            rc = cb(ud, &r, v[i].name, err);
        }
        vg_seg_close(&seg);
    }
    vg_store_snapshot_free(v, n);
    if (rc == 0 && set_name && !seen)
        rc = vigil_error_set(err, VIGIL_ENOTFOUND, "no hash set named '%s'", set_name);
    return rc;
}

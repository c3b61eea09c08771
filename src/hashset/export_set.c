/*
 * vigil_hashset_export: the entries of a set through a list writer. The
 * writers of every format live in formats/export.h; this file only feeds
 * them the current entries of the set.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "formats/export.h"
#include "hashset/entries.h"
#include "hashset/store_int.h"
#include "segment/known_videos.h"
#include "segment/segment.h"
#include "vigil/vpdq.h"

typedef struct export_ctx {
    FILE *f;
    uint64_t written, skipped;
    vg_hs_writer *w;
} export_ctx;

static int add_one(void *ud, const vg_hs_record *r, const char *set, vigil_error *err)
{
    export_ctx *c = ud;
    int rc = vg_hs_writer_add(c->w, r, set, err);
    return rc < 0 ? rc : 0;
}

/* The digest entries of the segment at path: they have no place in a vpdq list. */
static uint64_t segment_entries(const char *path)
{
    vg_segment seg;
    uint64_t n = 0;
    if (vg_seg_open(&seg, path, NULL) == 0) {
        n = seg.h->entries;
        vg_seg_close(&seg);
    }
    return n;
}

/* The known videos of the set's current version as vigil vpdq lines, in the order imported:
   importing them again gives the same videos. *written counts frames, *skipped digest entries. */
static int export_videos(uint64_t *written, uint64_t *skipped, vigil_store *st, const char *name, FILE *f,
                         vigil_error *err)
{
    vg_store_set *v = NULL;
    vigil_vpdq_list list = {0};
    char *path = NULL;
    size_t n = 0;
    const char *format = NULL;
    int rc = vg_store_snapshot(&v, &n, st, err), found = 0;
    for (size_t i = 0; rc == 0 && i < n && !found; i++)
        if (!strcmp(v[i].name, name)) {
            found = 1;
            format = v[i].format;
            if (!(path = vg_store_segment_path(st, v[i].segment)))
                rc = vigil_error_set(err, VIGIL_ENOMEM, "export: out of memory");
        }
    if (rc == 0 && !found)
        rc = vigil_error_set(err, VIGIL_ENOTFOUND, "no hash set named '%s'", name);
    if (rc == 0 && (rc = vg_kv_read(&list, path, err)) == VIGIL_ENOTFOUND)
        rc = format && strstr(format, "vpdq") /* imported with videos */
                 ? vigil_error_set(err, VIGIL_ESTORE, "%s%s: the known videos of set '%s' are missing", path,
                                   VG_KV_SUFFIX, name)
                 : 0; /* a set of digests: no videos */
    if (rc == 0)
        *skipped = segment_entries(path);
    for (size_t i = 0; rc == 0 && i < list.n; i++)
        for (size_t k = 0; rc == 0 && k < list.videos[i].n; k++) {
            const vigil_vpdq_video *vid = &list.videos[i];
            if (vigil_vpdq_write_line(f, &vid->frames[k], vid->name, strlen(vid->name)) < 0)
                rc = vigil_error_set(err, VIGIL_ESTORE, "export: write error: %s", strerror(errno));
            else
                (*written)++;
        }
    if (rc == 0 && fflush(f) != 0)
        rc = vigil_error_set(err, VIGIL_ESTORE, "export: write error: %s", strerror(errno));
    vigil_vpdq_list_dispose(&list);
    vg_store_snapshot_free(v, n);
    free(path);
    return rc;
}

int vigil_hashset_export(uint64_t *written, uint64_t *skipped, vigil_store *st, const char *name,
                         const char *format, FILE *f, vigil_error *err)
{
    export_ctx c = {f, 0, 0, NULL};
    vg_hs_export_info info = {name, NULL, 0};
    int rc;
    *written = *skipped = 0;
    if (format && !strcmp(format, "vpdq"))
        return export_videos(written, skipped, st, name, f, err);
    if ((rc = vg_hs_writer_open(&c.w, f, format, &info, err)) < 0)
        return rc;
    rc = vg_store_foreach_entry(st, name, add_one, &c, err);
    vg_hs_writer_counts(c.w, &c.written, &c.skipped);
    int close_rc = vg_hs_writer_close(c.w, rc < 0 ? NULL : err);
    if (close_rc < 0 && rc == 0)
        rc = close_rc;
    if (rc == 0 && fflush(f) != 0)
        rc = vigil_error_set(err, VIGIL_ESTORE, "export: cannot write: %s", strerror(errno));
    *written = c.written;
    *skipped = c.skipped;
    return rc;
}

/*
 * vigil_hashset_export: the entries of a set through a list writer. The
 * writers of every format live in formats/export.h; this file only feeds
 * them the current entries of the set.
 */
#include <errno.h>
#include <string.h>

#include "formats/export.h"
#include "hashset/entries.h"

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

int vigil_hashset_export(uint64_t *written, uint64_t *skipped, vigil_store *st, const char *name,
                         const char *format, FILE *f, vigil_error *err)
{
    export_ctx c = {f, 0, 0, NULL};
    vg_hs_export_info info = {name, NULL, 0};
    int rc;
    *written = *skipped = 0;
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

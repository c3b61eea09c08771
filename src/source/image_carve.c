/* The one place that calls the carver (src/carve/carve.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carve/carve.h"
#include "core/heartbeat.h"
#include "source/image_carve.h"

typedef struct carve_ctx {
    vg_image *im;
    vg_carved_fn fn;
    void *ud;
} carve_ctx;

static ssize_t carve_pread(void *ctx, void *buf, size_t n, uint64_t offset)
{
    carve_ctx *c = ctx;
    vg_heartbeat(); /* a worker carving a large empty space is moving, not stuck */
    return vg_image_pread(c->im, buf, n, offset);
}

static int carve_hit(void *ud, const vg_carve_hit *hit, vigil_error *err)
{
    carve_ctx *c = ud;
    vg_carved h = {hit->offset, hit->length, hit->type, hit->mime, hit->data};
    if (c->fn(c->ud, &h) != 0)
        return vigil_error_set(err, VIGIL_EINTERNAL, "carving stopped");
    return 0;
}

int vg_image_carve(vg_image *im, const vg_image_extent *ext, size_t n, uint64_t max_size,
                   volatile sig_atomic_t *stop, vg_carved_fn fn, void *ud, vg_carve_counts *counts,
                   char *why, size_t cap)
{
    carve_ctx c = {im, fn, ud};
    vg_carve_opts o = {max_size, (volatile int *)stop};
    vg_carve_stats st = {0};
    vigil_error err = {0};
    uint64_t end = vg_image_size(im);
    int rc;
    /* The carver takes its own extent type; clamp to the image (a truncated image ends early). */
    vg_carve_extent *v = calloc(n ? n : 1, sizeof *v);
    size_t k = 0;
    if (!v)
        return snprintf(why, cap, "out of memory"), -1;
    for (size_t i = 0; i < n; i++) {
        if (ext[i].offset >= end)
            continue;
        v[k].offset = ext[i].offset;
        v[k].length = ext[i].length > end - ext[i].offset ? end - ext[i].offset : ext[i].length;
        k++;
    }
    rc = vg_carve(v, k, carve_pread, &c, &o, carve_hit, &c, &st, &err);
    free(v);
    counts->bytes_scanned += st.bytes_scanned;
    counts->candidates += st.candidates;
    counts->carved += st.carved;
    counts->rejected += st.rejected;
    if (rc < 0)
        return snprintf(why, cap, "carving: %s", err.msg), -1;
    return 0;
}


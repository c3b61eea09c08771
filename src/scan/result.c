/* Allocation and release of in-flight scan results. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scan/result.h"
#include "scan/testing.h"

vg_result *vg_result_new(const char *path, size_t len, const char *const *containers, size_t ncontainers)
{
    vg_result *r;
    if (vg_scan_fail_result() && vg_scan_fail_result()(path, len))
        return NULL;
    if (!(r = calloc(1, sizeof *r)))
        return NULL;
    r->path = malloc(len + 1);
    if (ncontainers)
        r->containers = calloc(ncontainers, sizeof *r->containers);
    if (!r->path || (ncontainers && !r->containers)) {
        vg_result_free(r);
        return NULL;
    }
    memcpy(r->path, path, len);
    r->path[len] = '\0';
    for (size_t i = 0; i < ncontainers; i++)
        if (!(r->containers[i] = strdup(containers[i]))) {
            r->item.ncontainers = i;
            vg_result_free(r);
            return NULL;
        }
    r->item.path = r->path;
    r->item.path_len = len;
    r->item.containers = (const char *const *)r->containers;
    r->item.ncontainers = ncontainers;
    r->item.verdict = VIGIL_VERDICT_UNKNOWN;
    r->item.video_frame_seconds = -1;
    return r;
}

void vg_result_error(vg_result *r, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    if (r->error)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    r->error = strdup(msg);
    r->item.error = r->error ? r->error : "out of memory";
}

void vg_result_set_link(vg_result *r, const char *target)
{
    free(r->link_target);
    r->link_target = target ? strdup(target) : NULL;
    r->item.link_target = r->link_target;
}

int vg_result_set_matches(vg_result *r, const vigil_match *m, size_t n, const vigil_dispute_applied *d, size_t nd)
{
    if (n && !(r->matches = malloc(n * sizeof *m)))
        return -1;
    if (nd && !(r->disputes = malloc(nd * sizeof *d)))
        return -1;
    if (n)
        memcpy(r->matches, m, n * sizeof *m);
    if (nd)
        memcpy(r->disputes, d, nd * sizeof *d);
    r->item.matches = r->matches;
    r->item.nmatches = n;
    r->item.disputes = r->disputes;
    r->item.ndisputes = nd;
    return 0;
}

int vg_result_set_video(vg_result *r, const char *known, const char *query_ranges, const char *known_ranges)
{
    free(r->video_known);
    free(r->video_query_ranges);
    free(r->video_known_ranges);
    r->video_known = strdup(known);
    r->video_query_ranges = strdup(query_ranges);
    r->video_known_ranges = strdup(known_ranges);
    r->item.video_known = r->video_known;
    r->item.video_query_ranges = r->video_query_ranges;
    r->item.video_known_ranges = r->video_known_ranges;
    return r->video_known && r->video_query_ranges && r->video_known_ranges ? 0 : -1;
}

vg_result *vg_result_new_record(void)
{
    vg_result *r = calloc(1, sizeof *r);
    if (r && !(r->record = calloc(1, sizeof *r->record))) {
        free(r);
        return NULL;
    }
    return r;
}

void vg_image_verification_free(vigil_image_verification *v)
{
    if (!v)
        return;
    free(v->image);
    free(v->error);
    free(v);
}

void vg_result_free(vg_result *r)
{
    if (!r)
        return;
    if (r->record) {
        vg_image_verification_free(r->record->verification);
        free(r->record);
    }
    for (size_t i = 0; r->containers && i < r->item.ncontainers; i++)
        free(r->containers[i]);
    free(r->containers);
    free(r->path);
    free(r->link_target);
    free(r->error);
    free(r->thumb);
    free(r->matches);
    free(r->disputes);
    free(r->video_known);
    free(r->video_query_ranges);
    free(r->video_known_ranges);
    for (size_t i = 0; i < r->nstrings; i++)
        free(r->strings[i]);
    free(r->strings);
    free(r);
}

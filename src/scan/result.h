/*
 * vg_result: one item on its way from a reader to the sink, owning the
 * strings the public vigil_item points to.
 */
#ifndef VG_SCAN_RESULT_H
#define VG_SCAN_RESULT_H
#include "vigil/item.h"
#include "vigil/scan.h"

/* Figures for the summary that are not items (disk images); the sink adds them up. */
typedef struct vg_result_record {
    uint64_t images;
    uint64_t unallocated_bytes, carve_candidates, carve_rejected;
    vigil_image_verification *verification;   /* owned; NULL if none */
} vg_result_record;

typedef struct vg_result {
    struct vg_result *next;
    vigil_item item;
    char *path;
    char **containers;
    char *link_target;
    char *error;
    char mime[96];
    unsigned char *thumb;       /* item.thumb, owned */
    vigil_match *matches;       /* owned arrays behind item.matches and item.disputes */
    vigil_dispute_applied *disputes;
    char **strings;             /* a resumed scan's result: the match strings it read, owned */
    size_t nstrings;
    char *video_known, *video_query_ranges, *video_known_ranges; /* item.video_*, owned */
    vg_result_record *record;   /* non-NULL: not an item, only figures for the summary */
} vg_result;

/* A new result for path (len bytes) inside the given container chain; NULL when out of memory. */
vg_result *vg_result_new(const char *path, size_t len, const char *const *containers, size_t ncontainers);
/* Set the error text (printf-style); keeps the first error if one is set. */
void vg_result_error(vg_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vg_result_set_link(vg_result *r, const char *target);
/* Keep copies of every match and of the disputes applied (item.matches, item.disputes); -1 out of memory. */
int vg_result_set_matches(vg_result *r, const vigil_match *m, size_t n, const vigil_dispute_applied *d, size_t nd);
/* Keep copies of a known-video match's strings (item.video_known and its ranges); -1 out of memory. */
int vg_result_set_video(vg_result *r, const char *known, const char *query_ranges, const char *known_ranges);
void vg_result_free(vg_result *r);
/* A record result (no item); NULL when out of memory. */
vg_result *vg_result_new_record(void);
void vg_image_verification_free(vigil_image_verification *v);

#endif

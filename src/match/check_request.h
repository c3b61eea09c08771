/* Internal: the hash-check request parsed (src/match/check_request.c) for the answer (check.c). */
#ifndef VG_MATCH_CHECK_REQUEST_H
#define VG_MATCH_CHECK_REQUEST_H
#include <stddef.h>
#include <stdint.h>
#include "vigil/check.h"
#include "vigil/index.h"

/* One hash of the request, decoded; by is MD5, SHA-1, SHA-256 or PDQ. */
typedef struct vg_check_item {
    vigil_match_by by;
    uint8_t d[32];
} vg_check_item;

typedef struct vg_check_request {
    vg_check_item *item;      /* in request order */
    size_t n, cap;
} vg_check_request;

/* Parse body; VIGIL_EINPUT with info->field (see vigil_check_answer), VIGIL_ENOMEM. The request
 * is the caller's to dispose of, also on failure. */
int vg_check_parse(vg_check_request *req, const char *body, size_t n, vigil_check_info *info, vigil_error *err);
void vg_check_request_dispose(vg_check_request *req);

#endif

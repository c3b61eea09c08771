/*
 * The hash-check service's question and answer (POST /api/v1/check), for any front end:
 * a JSON body {"hashes": ["<hex>", ...], "pdq": ["<64 hex>", ...]} answered in request
 * order with {"results": [{"hash", "type", "known", "match", "distance", "category"}, ...]}.
 * Only illegal and interest sets answer; a digest also listed as benign or as a trivially
 * common file, an entry disputed, a PDQ entry of quality below 50 and the empty file never
 * do. The answer names nothing of the list beyond these fields. Safe from any number of
 * threads over a shared index and matcher.
 */
#ifndef VIGIL_CHECK_H
#define VIGIL_CHECK_H
#include <stddef.h>
#include "vigil/error.h"
#include "vigil/index.h"
#include "vigil/pdq_match.h"

/* The most hashes one request may hold (hashes and pdq together). */
#define VIGIL_CHECK_MAX 10000

typedef struct vigil_check_info {
    size_t hashes, pdq;       /* how many of each the request held */
    size_t known;             /* how many were answered known */
    int too_many;             /* the request held more than VIGIL_CHECK_MAX (with VIGIL_EINPUT) */
    char field[48];           /* on VIGIL_EINPUT: the member at fault ("hashes[3]", "pdq", "colour"), or "" */
} vigil_check_info;

/*
 * Parse body (n bytes, any bytes) and answer it into *out (a NUL-terminated JSON document of
 * *out_len bytes, owned by the caller: free()). ix and pm may be NULL (no sets: nothing is known).
 * VIGIL_EINPUT with info->field for malformed JSON, a member other than hashes and pdq (or one
 * given twice), a value that is not an array of strings, a string that is not an MD5, SHA-1 or
 * SHA-256 (32, 40, 64 hex digits) or a PDQ hash (64), a body naming neither, or more than
 * VIGIL_CHECK_MAX hashes (info->too_many); VIGIL_ENOMEM.
 */
int vigil_check_answer(char **out, size_t *out_len, const vigil_index *ix, const vigil_pdq_matcher *pm,
                       const char *body, size_t n, vigil_check_info *info, vigil_error *err);

#endif

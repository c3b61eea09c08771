/*
 * The hash-check answer (vigil/check.h): exact digests looked up in batches per algorithm,
 * PDQ hashes searched within VIGIL_PDQ_MAX_DISTANCE, written as JSON in request order.
 */
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/hex.h"
#include "core/json.h"
#include "match/check_request.h"
#include "vigil/check.h"

/* Digests of the empty file: lists hold them by mistake at times, they prove nothing. */
static const uint8_t empty_md5[16] = {0xd4, 0x1d, 0x8c, 0xd9, 0x8f, 0x00, 0xb2, 0x04,
                                      0xe9, 0x80, 0x09, 0x98, 0xec, 0xf8, 0x42, 0x7e};
static const uint8_t empty_sha1[20] = {0xda, 0x39, 0xa3, 0xee, 0x5e, 0x6b, 0x4b, 0x0d, 0x32, 0x55,
                                       0xbf, 0xef, 0x95, 0x60, 0x18, 0x90, 0xaf, 0xd8, 0x07, 0x09};
static const uint8_t empty_sha256[32] = {0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4,
                                         0xc8, 0x99, 0x6f, 0xb9, 0x24, 0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b,
                                         0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55};

/* Matches a hotline may act on: illegal or interest, and nothing that makes the list doubtful. */
static int answerable(const vigil_match *m)
{
    return (m->kind == VIGIL_KIND_ILLEGAL || m->kind == VIGIL_KIND_INTEREST) &&
           !(m->flags & (VIGIL_MATCH_ALSO_BENIGN | VIGIL_MATCH_COMMON_FILE | VIGIL_MATCH_LOW_QUALITY));
}

static size_t digest_len(vigil_match_by by)
{
    return by == VIGIL_BY_MD5 ? 16 : by == VIGIL_BY_SHA1 ? 20 : 32;
}

static int is_empty_file(const vg_check_item *it)
{
    const uint8_t *e = it->by == VIGIL_BY_MD5 ? empty_md5 : it->by == VIGIL_BY_SHA1 ? empty_sha1 : empty_sha256;
    return !memcmp(it->d, e, digest_len(it->by));
}

/* The exact digests of one algorithm, looked up together; m[i] and hit[i] by request index. */
static int lookup_exact(vigil_match *m, uint8_t *hit, const vigil_index *ix, const vg_check_request *r,
                        vigil_match_by by)
{
    size_t dl = digest_len(by), k = 0;
    size_t *at = malloc(r->n * sizeof *at);
    uint8_t *dg = malloc(r->n * dl), *found = malloc(r->n);
    vigil_match *out = malloc(r->n * sizeof *out);
    int rc = 0;
    if (!at || !dg || !found || !out) {
        rc = -1;
        goto done;
    }
    for (size_t i = 0; i < r->n; i++)
        if (r->item[i].by == by) {
            at[k] = i;
            memcpy(dg + k * dl, r->item[i].d, dl);
            k++;
        }
    if (k)
        vigil_index_lookup_batch(out, found, ix, by, dg, k);
    for (size_t j = 0; j < k; j++) {
        hit[at[j]] = found[j] && answerable(&out[j]) && !is_empty_file(&r->item[at[j]]);
        m[at[j]] = out[j];
    }
done:
    free(at);
    free(dg);
    free(found);
    free(out);
    return rc;
}

/* The best answerable PDQ entry within reach of h (the hash as sent: no other orientation). */
static int search_pdq(vigil_match *m, const vigil_pdq_matcher *pm, const uint8_t *h)
{
    vigil_pdq_hash q[VIGIL_PDQ__DIHEDRAL];
    vigil_match all[8];
    size_t n;
    memcpy(q[0].b, h, 32);
    if (vigil_pdq_is_zero(&q[0]))
        return 0;
    for (int d = 1; d < VIGIL_PDQ__DIHEDRAL; d++)
        q[d] = q[0];
    n = vigil_pdq_matcher_search_all(pm, q, VIGIL_PDQ_MAX_DISTANCE, all, 8);
    for (size_t i = 0; i < n && i < 8; i++)
        if (answerable(&all[i])) {
            *m = all[i];
            return 1;
        }
    return 0;
}

static const char *type_name(vigil_match_by by)
{
    switch (by) {
    case VIGIL_BY_MD5: return "md5";
    case VIGIL_BY_SHA1: return "sha1";
    case VIGIL_BY_SHA256: return "sha256";
    default: return "pdq";
    }
}

#define ADD(b, lit) vg_buf_add((b), (lit), sizeof(lit) - 1)

/* One result; written without printf, which costs more than the lookup itself. */
static void write_result(vg_buf *b, const vg_check_item *it, const vigil_match *m, int hit)
{
    size_t n = it->by == VIGIL_BY_PDQ ? 32 : digest_len(it->by);
    char num[12];
    int k = (int)sizeof num;
    ADD(b, "{\"hash\":\"");
    if (vg_buf_grow(b, 2 * n + 1) == 0) {
        vg_hex_encode(b->ptr + b->len, it->d, n);
        b->len += 2 * n;
    }
    ADD(b, "\",\"type\":\"");
    vg_buf_adds(b, type_name(it->by));
    if (!hit) {
        ADD(b, "\",\"known\":false,\"match\":null,\"distance\":null,\"category\":null}");
        return;
    }
    ADD(b, "\",\"known\":true,\"match\":");
    if (m->distance)
        ADD(b, "\"near\",\"distance\":");
    else
        ADD(b, "\"exact\",\"distance\":");
    for (unsigned d = (unsigned)m->distance;;) {  /* 0..31 */
        num[--k] = (char)('0' + d % 10);
        if (!(d /= 10))
            break;
    }
    vg_buf_add(b, num + k, sizeof num - (size_t)k);
    ADD(b, ",\"category\":");
    vg_json_strz(b, m->category);
    vg_buf_addc(b, '}');
}

int vigil_check_answer(char **out, size_t *out_len, const vigil_index *ix, const vigil_pdq_matcher *pm,
                       const char *body, size_t n, vigil_check_info *info, vigil_error *err)
{
    static const vigil_match_by exact[] = {VIGIL_BY_MD5, VIGIL_BY_SHA1, VIGIL_BY_SHA256};
    vg_check_request r;
    vigil_match *m = NULL;
    uint8_t *hit = NULL;
    vg_buf b;
    int rc;
    *out = NULL;
    *out_len = 0;
    if ((rc = vg_check_parse(&r, body, n, info, err)) < 0) {
        vg_check_request_dispose(&r);
        return rc;
    }
    m = calloc(r.n ? r.n : 1, sizeof *m);
    hit = calloc(r.n ? r.n : 1, 1);
    rc = m && hit ? 0 : -1;
    for (size_t a = 0; rc == 0 && ix && a < sizeof exact / sizeof exact[0]; a++)
        rc = lookup_exact(m, hit, ix, &r, exact[a]);
    for (size_t i = 0; rc == 0 && pm && i < r.n; i++)
        if (r.item[i].by == VIGIL_BY_PDQ)
            hit[i] = (uint8_t)search_pdq(&m[i], pm, r.item[i].d);
    vg_buf_init(&b, (size_t)1 << 30);
    vg_buf_grow(&b, 16 + r.n * 128);   /* one allocation for a typical answer */
    vg_buf_adds(&b, "{\"results\":[");
    for (size_t i = 0; rc == 0 && i < r.n; i++) {
        if (i)
            vg_buf_addc(&b, ',');
        write_result(&b, &r.item[i], &m[i], hit[i]);
        info->known += hit[i];
    }
    vg_buf_adds(&b, "]}\n");
    free(m);
    free(hit);
    vg_check_request_dispose(&r);
    if (rc < 0 || vg_buf_failed(&b)) {
        vg_buf_dispose(&b);
        return vigil_error_set(err, VIGIL_ENOMEM, "check: out of memory");
    }
    *out = vg_buf_detach(&b, out_len);
    return 0;
}

/* The service's replies: JSON bodies, errors as {"error": ..., "field": ...}, CSV downloads,
 * and the headers every reply carries. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve.h"
#include "vigil/output.h"

static enum MHD_Result queue(struct MHD_Connection *c, vs_request *rq, unsigned status, struct MHD_Response *r,
                             size_t len)
{
    enum MHD_Result ret;
    if (!r)
        return MHD_NO;
    if (!MHD_get_response_header(r, "Content-Type"))
        MHD_add_response_header(r, "Content-Type", "application/json");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    vs_add_safety_headers(r, 0);
    ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    rq->status = status;
    rq->bytes = len;
    return ret;
}

enum MHD_Result vs_reply_json(struct MHD_Connection *c, vs_request *rq, unsigned status, char *body, size_t len)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    if (!r)
        free(body);
    return queue(c, rq, status, r, len);
}

void vs_add_safety_headers(struct MHD_Response *r, int page)
{
    /* A page may run this site's scripts and styles and call its API, nothing else; a JSON or
     * CSV body runs nothing at all. Neither may be framed. */
    MHD_add_response_header(r, "Content-Security-Policy",
                            page ? "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                                   "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
                                 : "default-src 'none'; frame-ancestors 'none'");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
}

enum MHD_Result vs_reply_download(struct MHD_Connection *c, vs_request *rq, char *body, size_t len, const char *type,
                                  const char *filename)
{
    char disp[160];
    struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(body);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", type);
    snprintf(disp, sizeof disp, "attachment; filename=\"%s\"", filename);
    MHD_add_response_header(r, "Content-Disposition", disp);
    return queue(c, rq, MHD_HTTP_OK, r, len);
}

/* The error document; NULL when memory runs out. */
static char *error_doc(const char *msg, const char *field, size_t *len)
{
    char *doc = NULL;
    FILE *f = open_memstream(&doc, len);
    int bad;
    if (!f)
        return NULL;
    fputs("{\"error\":", f);
    bad = vigil_json_string_write(f, msg, NULL) < 0;
    fputs(",\"field\":", f);
    bad |= vigil_json_string_write(f, field && *field ? field : NULL, NULL) < 0;
    fputs("}\n", f);
    if (fclose(f) != 0 || bad) {
        free(doc);
        return NULL;
    }
    return doc;
}

enum MHD_Result vs_reply_error(struct MHD_Connection *c, vs_request *rq, unsigned status, const char *msg,
                               const char *field)
{
    size_t len = 0;
    char *doc = error_doc(msg, field, &len);
    vs_audit_refused(rq, status, msg);
    return doc ? vs_reply_json(c, rq, status, doc, len) : MHD_NO;
}

static enum MHD_Result error_with_header(struct MHD_Connection *c, vs_request *rq, unsigned status, const char *msg,
                                         const char *header, const char *value)
{
    size_t len = 0;
    char *doc = error_doc(msg, NULL, &len);
    struct MHD_Response *r;
    vs_audit_refused(rq, status, msg);
    if (!doc)
        return MHD_NO;
    if (!(r = MHD_create_response_from_buffer(len, doc, MHD_RESPMEM_MUST_FREE))) {
        free(doc);
        return MHD_NO;
    }
    MHD_add_response_header(r, header, value);
    return queue(c, rq, status, r, len);
}

enum MHD_Result vs_reply_slow_down(struct MHD_Connection *c, vs_request *rq, unsigned retry_after, const char *msg)
{
    char v[16];
    snprintf(v, sizeof v, "%u", retry_after);
    return error_with_header(c, rq, MHD_HTTP_TOO_MANY_REQUESTS, msg, "Retry-After",
                             v);
}

enum MHD_Result vs_reply_unauthorized(struct MHD_Connection *c, vs_request *rq, const char *msg)
{
    return error_with_header(c, rq, MHD_HTTP_UNAUTHORIZED, msg, "WWW-Authenticate", "Bearer");
}

unsigned vs_status_of(int code)
{
    switch (code) {
    case VIGIL_EINPUT:
    case VIGIL_EUSAGE: return MHD_HTTP_BAD_REQUEST;
    case VIGIL_EDENIED: return MHD_HTTP_FORBIDDEN;
    case VIGIL_ENOTFOUND: return MHD_HTTP_NOT_FOUND;
    case VIGIL_ESTATE:
    case VIGIL_EEXISTS: return MHD_HTTP_CONFLICT;
    default: return MHD_HTTP_INTERNAL_SERVER_ERROR;
    }
}

enum MHD_Result vs_reply_failure(struct MHD_Connection *c, vs_request *rq, const vigil_error *err, const char *field)
{
    unsigned st = vs_status_of(err->code);
    return vs_reply_error(c, rq, st, st == MHD_HTTP_INTERNAL_SERVER_ERROR ? "the registry failed" : err->msg, field);
}

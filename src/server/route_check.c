/* POST /api/v1/check: the hash-check service for keys of scope "check" (vigil/check.h). */
#include <stdlib.h>

#include "serve.h"
#include "vigil/check.h"

enum MHD_Result vs_route_check(vs_server *s, struct MHD_Connection *c, vs_request *rq)
{
    vigil_apikey_row key;
    vigil_check_info info;
    vigil_error err;
    enum MHD_Result ret;
    char *doc;
    size_t len;
    int rc;
    if (!vs_auth_key(s, c, rq, "check", &key, &ret))
        return ret;
    if (rq->too_large)
        return vs_reply_error(c, rq, MHD_HTTP_CONTENT_TOO_LARGE, "the body is too large", NULL);
    rc = vigil_check_answer(&doc, &len, vigil_matchers_index(s->sets), vigil_matchers_pdq(s->sets),
                            rq->body ? rq->body : "", rq->len, &info, &err);
    if (rc == VIGIL_EINPUT)
        return vs_reply_error(c, rq, info.too_many ? MHD_HTTP_CONTENT_TOO_LARGE : MHD_HTTP_BAD_REQUEST, err.msg,
                              info.field);
    if (rc < 0)
        return vs_reply_error(c, rq, MHD_HTTP_INTERNAL_SERVER_ERROR, "the service ran out of memory", NULL);
    vs_limits_count(s->limits, key.name, info.hashes + info.pdq);
    return vs_reply_json(c, rq, MHD_HTTP_OK, doc, len);
}

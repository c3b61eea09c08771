/*
 * GET /api/v1/stats/keys: the hash-check service's statistics per API key (requests answered,
 * hashes checked; never a hash), for admins and national officers. The counts the service holds
 * in memory are added to the registry first, so the answer is up to the last request answered;
 * the JSON is the CLI's (vigil apikey list --format json).
 */
#include <stdlib.h>
#include <string.h>

#include "serve.h"
#include "vigil/apikey.h"

static int keys_json(FILE *f, vigil_registry *reg, const vigil_actor *who, void *ud, vigil_error *err)
{
    vs_server *s = ud;
    vigil_apikey_row *v;
    size_t n;
    int rc = vigil_apikey_list(&v, &n, reg, who, err);
    if (rc == 0) {
        /* allowed: now bring the counts up to date and read them again */
        free(v);
        vs_limits_flush(s->limits, reg, vs_now(), 0);
        rc = vigil_apikey_list(&v, &n, reg, who, err);
    }
    if (rc == 0) {
        rc = vigil_apikeys_write_json(f, v, n, err);
        free(v);
    }
    return rc;
}

int vs_route_keys(vs_server *s, struct MHD_Connection *c, vs_request *rq, enum MHD_Result *ret)
{
    vigil_actor who;
    if (strcmp(rq->path, "/api/v1/stats/keys"))
        return 0;
    if (strcmp(rq->method, "GET"))
        return *ret = vs_reply_error(c, rq, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed here", NULL), 1;
    if (!vs_auth_person(s, c, rq, &who, ret))
        return 1;
    *ret = vs_reply_with(s, c, rq, &who, keys_json, s, MHD_HTTP_OK, NULL);
    return 1;
}

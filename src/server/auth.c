/* Machines' credentials: the API key of a request, checked against the registry (revoked
 * keys refused at once), its scope, and its rate. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "serve.h"

/* The key a request carries, or NULL. */
static const char *request_key(struct MHD_Connection *c)
{
    const char *a = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    if (a && !strncasecmp(a, "Bearer ", 7)) {
        a += 7;
        while (*a == ' ')
            a++;
        return a;
    }
    return MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-API-Key");
}

int vs_auth_key(vs_server *s, struct MHD_Connection *c, vs_request *rq, const char *scope, vigil_apikey_row *key,
                enum MHD_Result *ret)
{
    const char *k = request_key(c);
    vigil_error err;
    unsigned wait;
    int rc;
    if (!k || !*k) {
        *ret = vs_reply_unauthorized(c, rq, "an API key is needed: Authorization: Bearer KEY");
        return 0;
    }
    vigil_registry *reg;
    int slot = vs_reg_take(s, &reg);
    rc = vigil_apikey_verify(key, reg, k, &err);
    vs_reg_give(s, slot);
    if (rc < 0) {
        *ret = rc == VIGIL_EDENIED ? vs_reply_unauthorized(c, rq, err.msg)
                                   : vs_reply_error(c, rq, MHD_HTTP_SERVICE_UNAVAILABLE, "the registry cannot be read", NULL);
        return 0;
    }
    snprintf(rq->who, sizeof rq->who, "key:%s", key->name);
    if (strcmp(key->scope, scope)) {
        char msg[96];
        snprintf(msg, sizeof msg, "this key's scope is '%s', not '%s'", key->scope, scope);
        *ret = vs_reply_error(c, rq, MHD_HTTP_FORBIDDEN, msg, NULL);
        return 0;
    }
    if ((wait = vs_limits_take(s->limits, key->name, vs_now())) > 0) {
        *ret = vs_reply_slow_down(c, rq, wait, "rate limit: too many requests for this key");
        return 0;
    }
    return 1;
}

const char *vs_session_cookie(struct MHD_Connection *c)
{
    return MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "vigil_session");
}

int vs_auth_person(vs_server *s, struct MHD_Connection *c, vs_request *rq, vigil_actor *who, enum MHD_Result *ret)
{
    const char *tok = vs_session_cookie(c), *sent;
    char csrf[VS_TOKEN_SIZE];
    if (!tok && (MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION) ||
                 MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-API-Key"))) {
        vigil_apikey_row key;
        if (!vs_auth_key(s, c, rq, "check", &key, ret))
            return 0;
        *ret = vs_reply_error(c, rq, MHD_HTTP_FORBIDDEN, "an API key of scope check may use the hash check only", NULL);
        return 0;
    }
    if (!tok || !vs_session_find(s->sessions, tok, who, csrf)) {
        *ret = vs_reply_error(c, rq, MHD_HTTP_UNAUTHORIZED, tok ? "the session has ended: log in again" : "log in first",
                              NULL);
        return 0;
    }
    snprintf(rq->who, sizeof rq->who, "user:%s", who->name);
    if (strcmp(rq->method, "GET") && strcmp(rq->method, "HEAD")) {
        sent = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-CSRF-Token");
        if (!sent || strlen(sent) != VS_TOKEN_SIZE - 1 || strcmp(sent, csrf)) {
            *ret = vs_reply_error(c, rq, MHD_HTTP_FORBIDDEN, "missing or wrong CSRF token (X-CSRF-Token)", NULL);
            return 0;
        }
    }
    return 1;
}

/* POST /api/v1/login and /api/v1/logout: people's sessions. Attempts are limited per user
 * name and per client address, whatever their outcome; the answer to a failure is the same
 * whatever was wrong. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve.h"
#include "vigil/login.h"
#include "vigil/output.h"

/* The client's address, for its own login bucket. */
static void client_of(struct MHD_Connection *c, char *out, size_t cap)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = ci ? ci->client_addr : NULL;
    char a[64] = "?";
    if (sa && sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, a, sizeof a);
    else if (sa && sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, a, sizeof a);
    snprintf(out, cap, "ip:%s", a);
}

enum MHD_Result vs_route_login(vs_server *s, struct MHD_Connection *c, vs_request *rq)
{
    static const char *const allowed[] = {"user", "password", NULL};
    const char *user = NULL, *pw = NULL;
    char msg[160], field[32], key[96], tok[VS_TOKEN_SIZE], csrf[VS_TOKEN_SIZE], cookie[160];
    vigil_actor who;
    vigil_error err;
    vs_body b;
    unsigned wait;
    int rc;
    struct MHD_Response *r;
    char *doc = NULL;
    size_t len = 0;
    FILE *f;
    if (rq->too_large)
        return vs_reply_error(c, rq, MHD_HTTP_CONTENT_TOO_LARGE, "the body is too large", NULL);
    if (vs_body_parse(&b, rq->body, rq->len, allowed, msg, sizeof msg, field) < 0 ||
        vs_body_string(&b, "user", &user, msg, sizeof msg) < 0 || vs_body_string(&b, "password", &pw, msg, sizeof msg) < 0 ||
        !user || !pw) {
        if (!msg[0] || (user && pw))
            snprintf(msg, sizeof msg, "'user' and 'password' are needed");
        vs_body_dispose(&b);
        return vs_reply_error(c, rq, MHD_HTTP_BAD_REQUEST, msg, field[0] ? field : NULL);
    }
    client_of(c, key, sizeof key);
    wait = vs_limits_take(s->login_ips, key, vs_now());
    snprintf(key, sizeof key, "login:%.63s", user);
    if (!wait)
        wait = vs_limits_take(s->logins, key, vs_now());
    if (wait) {
        vs_body_dispose(&b);
        return vs_reply_slow_down(c, rq, wait, "too many login attempts: wait");
    }
    {
        vigil_registry *reg;
        int slot = vs_reg_take(s, &reg);
        rc = vigil_user_login(&who, reg, user, pw, &err);
        vs_reg_give(s, slot);
    }
    vs_body_dispose(&b);
    if (rc < 0)
        return rc == VIGIL_EDENIED ? vs_reply_error(c, rq, MHD_HTTP_UNAUTHORIZED, err.msg, NULL)
                                   : vs_reply_failure(c, rq, &err, NULL);
    if (vs_session_start(s->sessions, &who, tok, csrf) < 0 || !(f = open_memstream(&doc, &len)))
        return vs_reply_error(c, rq, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory", NULL);
    snprintf(rq->who, sizeof rq->who, "user:%s", who.name);
    fputs("{\"user\":", f);
    vigil_json_string_write(f, who.name, NULL);
    fprintf(f, ",\"role\":\"%s\",\"national\":%s,\"csrf\":\"%s\"}\n", vigil_role_name(who.role),
            who.national ? "true" : "false", csrf);
    if (fclose(f) != 0 || !(r = MHD_create_response_from_buffer(len, doc, MHD_RESPMEM_MUST_FREE)))
        return MHD_NO;
    snprintf(cookie, sizeof cookie, "vigil_session=%s; Path=/; HttpOnly; SameSite=Strict%s", tok,
             s->tls ? "; Secure" : "");
    MHD_add_response_header(r, "Set-Cookie", cookie);
    MHD_add_response_header(r, "Content-Type", "application/json");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    rq->status = MHD_HTTP_OK;
    rq->bytes = len;
    {
        enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_OK, r);
        MHD_destroy_response(r);
        return ret;
    }
}

enum MHD_Result vs_route_logout(vs_server *s, struct MHD_Connection *c, vs_request *rq)
{
    vigil_actor who;
    enum MHD_Result ret;
    if (!vs_auth_person(s, c, rq, &who, &ret))
        return ret;
    vs_session_end(s->sessions, vs_session_cookie(c));
    return vs_reply_json(c, rq, MHD_HTTP_OK, strdup("{\"logged_out\":true}\n"), 19);
}

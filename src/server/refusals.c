/*
 * Refused requests into the audit log (vigil_audit_refusal): who (the session's user, the key,
 * or nobody), the route and the reason, never the body nor a message that may quote it. A client hammering the service must not
 * turn each 429 into a write, so 429s are written at most once a second, with how many were
 * left out since the last.
 */
#include <stdio.h>
#include <string.h>

#include "serve.h"
#include "vigil/audit.h"

static int audited(const vs_request *rq, unsigned status)
{
    switch (status) {
    case MHD_HTTP_BAD_REQUEST:
    case MHD_HTTP_FORBIDDEN:
    case MHD_HTTP_CONFLICT:
    case MHD_HTTP_CONTENT_TOO_LARGE:
    case MHD_HTTP_TOO_MANY_REQUESTS: return 1;
    case MHD_HTTP_UNAUTHORIZED: return strcmp(rq->path, "/api/v1/login") != 0;  /* the library audits logins */
    case MHD_HTTP_NOT_FOUND: return !rq->unrouted;
    default: return 0;
    }
}

void vs_audit_refused(vs_request *rq, unsigned status, const char *reason)
{
    vs_server *s = rq->server;
    const char *who = rq->who[0] ? rq->who : NULL;
    char why[320];
    unsigned more = 0;
    vigil_registry *reg;
    vigil_error err;
    int slot;
    if (!s || !audited(rq, status))
        return;
    if (status == MHD_HTTP_TOO_MANY_REQUESTS) {
        double now = vs_now();
        pthread_mutex_lock(&s->refusal_lock);
        if (now - s->refused_429_at < 1.0) {
            s->refused_429_more++;
            pthread_mutex_unlock(&s->refusal_lock);
            return;
        }
        s->refused_429_at = now;
        more = s->refused_429_more;
        s->refused_429_more = 0;
        pthread_mutex_unlock(&s->refusal_lock);
    }
    if (who && !strncmp(who, "user:", 5))
        who += 5;   /* a person's name as the audit log names users */
    /* A message about a body may quote it ("unknown reason '...'"): of a body, only that it was bad. */
    if ((rq->len || rq->too_large) && (status == MHD_HTTP_BAD_REQUEST || status == MHD_HTTP_NOT_FOUND))
        reason = status == MHD_HTTP_BAD_REQUEST ? "the body was refused (what it held is not recorded)"
                                                : "what the body names was not found (not recorded)";
    if (more)
        snprintf(why, sizeof why, "%s (and %u more 429s not written since the last)", reason, more);
    else
        snprintf(why, sizeof why, "%s", reason);
    slot = vs_reg_take(s, &reg);
    if (vigil_audit_refusal(reg, who, rq->method, rq->path, status, why, &err) < 0)
        fprintf(stderr, "vigil: serve: audit of a refused request: %s\n", err.msg);
    vs_reg_give(s, slot);
}

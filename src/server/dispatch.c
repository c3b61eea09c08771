/*
 * The access handler: a request's body gathered (bounded by max_body), then its route;
 * the completion callback logs the request and frees it. A path that tries to leave where it
 * points gets 400, unknown paths 404 and known paths with another method 405, all before any
 * credential is looked at.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "serve.h"
#include "vigil/vigil.h"

double vs_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct route {
    const char *method, *path;
    enum MHD_Result (*fn)(vs_server *s, struct MHD_Connection *c, vs_request *rq);
} route;

static const route routes[] = {
    {"GET", "/healthz", vs_route_healthz},
    {"POST", "/api/v1/check", vs_route_check},
    {"POST", "/api/v1/login", vs_route_login},
    {"POST", "/api/v1/logout", vs_route_logout},
};

/* Start a request: its record, and 413 at once for a declared length over the limit. */
static vs_request *request_new(vs_server *s, struct MHD_Connection *c, const char *method, const char *url)
{
    vs_request *rq = calloc(1, sizeof *rq);
    const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (!rq)
        return NULL;
    rq->server = s;
    rq->start = vs_now();
    snprintf(rq->method, sizeof rq->method, "%s", method);
    snprintf(rq->path, sizeof rq->path, "%s", url);
    if (cl && strtoull(cl, NULL, 10) > s->o->max_body)
        rq->too_large = 1;
    return rq;
}

static void body_add(vs_server *s, vs_request *rq, const char *p, size_t n)
{
    char *b;
    if (rq->too_large)
        return;
    if (rq->len + n > s->o->max_body || !(b = realloc(rq->body, rq->len + n + 1))) {
        rq->too_large = 1;
        free(rq->body);
        rq->body = NULL;
        rq->len = 0;
        return;
    }
    memcpy(b + rq->len, p, n);
    rq->len += n;
    b[rq->len] = '\0';
    rq->body = b;
}

enum MHD_Result vs_dispatch(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                            const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
    vs_server *s = cls;
    vs_request *rq = *con_cls;
    int known = 0;
    (void)version;
    if (!rq) {
        if (!(rq = *con_cls = request_new(s, c, method, url)))
            return MHD_NO;
        if (rq->too_large)  /* answered before the body is read: the connection is closed after */
            return vs_reply_error(c, rq, MHD_HTTP_CONTENT_TOO_LARGE, "the body is too large", NULL);
        return MHD_YES;
    }
    if (rq->status)         /* answered already (413): drop the rest */
        return *upload_size = 0, MHD_YES;
    if (*upload_size) {
        body_add(s, rq, upload, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    if (vs_path_escapes(url))
        return vs_reply_error(c, rq, MHD_HTTP_BAD_REQUEST, "path refused: it tries to leave where it points", NULL);
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        if (strcmp(url, routes[i].path))
            continue;
        known = 1;
        if (!strcmp(method, routes[i].method))
            return routes[i].fn(s, c, rq);
    }
    if (known)
        return vs_reply_error(c, rq, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed here", NULL);
    {
        enum MHD_Result ret;
        if (vs_route_links(s, c, rq, &ret) || vs_route_cases(s, c, rq, &ret) || vs_route_series(s, c, rq, &ret) ||
            vs_route_keys(s, c, rq, &ret) || vs_route_pages(s, c, rq, &ret))
            return ret;
    }
    rq->unrouted = 1;
    return vs_reply_error(c, rq, MHD_HTTP_NOT_FOUND, "no such endpoint", NULL);
}

void vs_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode why)
{
    vs_server *s = cls;
    vs_request *rq = *con_cls;
    (void)c, (void)why;
    if (!rq)
        return;
    vs_access_log(s, rq);
    free(rq->body);
    free(rq);
    *con_cls = NULL;
}

enum MHD_Result vs_route_healthz(vs_server *s, struct MHD_Connection *c, vs_request *rq)
{
    char *doc = NULL;
    (void)s;
    if (asprintf(&doc, "{\"status\":\"ok\",\"version\":\"%s\"}\n", vigil_version()) < 0)
        return MHD_NO;
    return vs_reply_json(c, rq, MHD_HTTP_OK, doc, strlen(doc));
}

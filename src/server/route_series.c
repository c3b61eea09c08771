/*
 * Series for people with a session: GET /api/v1/series (every series the user's cases hold),
 * GET /api/v1/series/NAME (one, with the cases holding it; another unit's case shows only who
 * holds it) and POST /api/v1/series/NAME {"victim":"identified"|"unidentified"} (admins and
 * national officers, with the CSRF token). The library decides who may read or set what and
 * audits it (series.read, series.victim); the JSON is the CLI's (vigil series --format json).
 */
#include <stdio.h>
#include <string.h>

#include "serve.h"
#include "vigil/output.h"
#include "vigil/series.h"

typedef struct series_q {
    const char *name;         /* NULL: the list */
    const char *victim;       /* POST: "identified" or "unidentified" */
} series_q;

static int series_json(FILE *f, vigil_registry *reg, const vigil_actor *who, void *ud, vigil_error *err)
{
    series_q *q = ud;
    vigil_series *v;
    size_t n;
    int rc = vigil_series_list(&v, &n, reg, who, q->name, err);
    if (rc == 0) {
        rc = vigil_series_write_json(f, v, n, q->name != NULL, err);
        vigil_series_list_free(v, n);
    }
    return rc;
}

static int victim_json(FILE *f, vigil_registry *reg, const vigil_actor *who, void *ud, vigil_error *err)
{
    series_q *q = ud;
    int rc = vigil_series_set_victim(reg, who, q->name, !strcmp(q->victim, "identified"), err);
    if (rc < 0)
        return rc;
    fputs("{\"series\":", f);
    vigil_json_string_write(f, q->name, err);
    fprintf(f, ",\"victim\":\"%s\",\"done\":", q->victim);
    vigil_json_string_write(f, vigil_registry_last_change(reg), err);
    fputs("}\n", f);
    return 0;
}

static enum MHD_Result set_victim(vs_server *s, struct MHD_Connection *c, vs_request *rq, const vigil_actor *who,
                                  series_q *q)
{
    static const char *const allowed[] = {"victim", NULL};
    char msg[160], field[32];
    vs_body b;
    enum MHD_Result ret;
    if (rq->too_large)
        return vs_reply_error(c, rq, MHD_HTTP_CONTENT_TOO_LARGE, "the body is too large", NULL);
    if (vs_body_parse(&b, rq->len ? rq->body : "{}", rq->len ? rq->len : 2, allowed, msg, sizeof msg, field) < 0 ||
        vs_body_string(&b, "victim", &q->victim, msg, sizeof msg) < 0) {
        vs_body_dispose(&b);
        return vs_reply_error(c, rq, MHD_HTTP_BAD_REQUEST, msg, field[0] ? field : "victim");
    }
    if (!q->victim || (strcmp(q->victim, "identified") && strcmp(q->victim, "unidentified"))) {
        vs_body_dispose(&b);
        return vs_reply_error(c, rq, MHD_HTTP_BAD_REQUEST, "victim is \"identified\" or \"unidentified\"", "victim");
    }
    ret = vs_reply_with(s, c, rq, who, victim_json, q, MHD_HTTP_OK, NULL);
    vs_body_dispose(&b);
    return ret;
}

int vs_route_series(vs_server *s, struct MHD_Connection *c, vs_request *rq, enum MHD_Result *ret)
{
    const char *p = rq->path;
    int get = !strcmp(rq->method, "GET"), post = !strcmp(rq->method, "POST");
    series_q q = {0};
    vigil_actor who;
    if (strcmp(p, "/api/v1/series") && (strncmp(p, "/api/v1/series/", 15) || !p[15]))
        return 0;
    q.name = p[14] == '/' ? p + 15 : NULL;
    if (!get && !(post && q.name))
        return *ret = vs_reply_error(c, rq, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed here", NULL), 1;
    if (!vs_auth_person(s, c, rq, &who, ret))
        return 1;
    *ret = get ? vs_reply_with(s, c, rq, &who, series_json, &q, MHD_HTTP_OK, NULL) : set_victim(s, c, rq, &who, &q);
    return 1;
}

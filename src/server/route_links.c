/*
 * What the pages read beside the case API, for people with a session: GET /api/v1/session
 * (who is logged in, their unit, and the session's CSRF token for the page's changes), the
 * items and links of a case (/api/v1/cases/N/items, /api/v1/cases/N/links) and networks
 * (/api/v1/networks, /api/v1/networks/N). The library decides who may read what and audits it;
 * the JSON is the CLI's (vigil case items, vigil links).
 */
#include <stdlib.h>
#include <string.h>

#include "serve.h"
#include "vigil/case_items.h"
#include "vigil/links.h"
#include "vigil/output.h"

typedef struct links_q {
    int64_t case_id, network;
} links_q;

static int links_json(FILE *f, vigil_registry *reg, const vigil_actor *who, void *ud, vigil_error *err)
{
    links_q *q = ud;
    vigil_link_view v;
    int rc = vigil_links_get(&v, reg, who, q->case_id, q->network, err);
    if (rc == 0) {
        rc = vigil_links_write_json(f, &v, err);
        vigil_link_view_free(&v);
    }
    return rc;
}

typedef struct items_q {
    int64_t case_id;
    const char *verdict;
} items_q;

static int items_json(FILE *f, vigil_registry *reg, const vigil_actor *who, void *ud, vigil_error *err)
{
    items_q *q = ud;
    vigil_case_item_list l;
    int rc = vigil_case_items(&l, reg, who, q->case_id, q->verdict, err);
    if (rc == 0) {
        rc = vigil_case_items_write_json(f, &l, err);
        vigil_case_item_list_free(&l);
    }
    return rc;
}

typedef struct session_q {
    const char *csrf;
} session_q;

static int session_json(FILE *f, vigil_registry *reg, const vigil_actor *who, void *ud, vigil_error *err)
{
    session_q *q = ud;
    vigil_unit *v = NULL;
    size_t n = 0;
    const char *unit = NULL;
    int rc = who->unit_id ? vigil_unit_list(&v, &n, reg, who, err) : 0;
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < n; i++)
        if (v[i].id == who->unit_id)
            unit = v[i].code;
    fputs("{\"user\":", f);
    vigil_json_string_write(f, who->name, err);
    fprintf(f, ",\"role\":\"%s\",\"national\":%s,\"unit\":", vigil_role_name(who->role),
            who->national ? "true" : "false");
    vigil_json_string_write(f, unit, err);
    fprintf(f, ",\"csrf\":\"%s\"}\n", q->csrf);
    free(v);
    return 0;
}

int vs_route_links(vs_server *s, struct MHD_Connection *c, vs_request *rq, enum MHD_Result *ret)
{
    const char *p = rq->path, *rest = "";
    vigil_actor who;
    int64_t id = 0;
    enum { SESSION, ITEMS, CASE_LINKS, NETWORKS, NETWORK } what;
    if (!strcmp(p, "/api/v1/session")) {
        what = SESSION;
    } else if (!strcmp(p, "/api/v1/networks")) {
        what = NETWORKS;
    } else if (!strncmp(p, "/api/v1/networks/", 17) && vs_parse_id(p + 17, &id, &rest) == 0 && !*rest) {
        what = NETWORK;
    } else if (!strncmp(p, "/api/v1/cases/", 14) && vs_parse_id(p + 14, &id, &rest) == 0 &&
               (!strcmp(rest, "/items") || !strcmp(rest, "/links"))) {
        what = !strcmp(rest, "/items") ? ITEMS : CASE_LINKS;
    } else {
        return 0;
    }
    if (strcmp(rq->method, "GET"))
        return *ret = vs_reply_error(c, rq, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed here", NULL), 1;
    if (!vs_auth_person(s, c, rq, &who, ret))
        return 1;
    switch (what) {
    case SESSION: {
        char csrf[VS_TOKEN_SIZE];
        session_q q = {csrf};
        vigil_actor again;
        if (!vs_session_find(s->sessions, vs_session_cookie(c), &again, csrf))   /* ended meanwhile */
            return *ret = vs_reply_error(c, rq, MHD_HTTP_UNAUTHORIZED, "the session has ended: log in again", NULL), 1;
        *ret = vs_reply_with(s, c, rq, &who, session_json, &q, MHD_HTTP_OK, NULL);
        break;
    }
    case ITEMS: {
        const char *v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "verdict");
        items_q q = {id, v && *v ? v : NULL};
        *ret = vs_reply_with(s, c, rq, &who, items_json, &q, MHD_HTTP_OK, NULL);
        break;
    }
    default: {
        links_q q = {what == CASE_LINKS ? id : 0, what == NETWORK ? id : 0};
        *ret = vs_reply_with(s, c, rq, &who, links_json, &q, MHD_HTTP_OK, NULL);
        break;
    }
    }
    return 1;
}

/*
 * The case API for people with a session: units, cases (list with the CLI's filters and
 * paging, show, create, refer, accept, decline, status), statistics and audit verify. Every
 * call goes through the library as the session's user, so its access policy decides and its
 * audit log records; every JSON body is the library's (vigil/output.h), the CLI's bytes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve.h"
#include "vigil/audit.h"
#include "vigil/output.h"

enum MHD_Result vs_reply_with(vs_server *s, struct MHD_Connection *c, vs_request *rq, const vigil_actor *who,
                              vs_writer_fn fn, void *ud, unsigned ok_status, const char *download)
{
    vigil_error err = {0};
    char *doc = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&doc, &len);
    int rc;
    if (!f)
        return vs_reply_error(c, rq, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory", NULL);
    vigil_registry *reg;
    int slot = vs_reg_take(s, &reg);
    /* on PostgreSQL the call runs as the user's role, so row-level security sees who asks */
    rc = vigil_registry_act_as(reg, who, &err);
    if (rc == 0) {
        vigil_error back;
        rc = fn(f, reg, who, ud, &err);
        if (vigil_registry_act_as(reg, NULL, &back) < 0 && rc == 0)
            rc = (err = back).code;
    }
    vs_reg_give(s, slot);
    if (fclose(f) != 0 && rc == 0)
        rc = vigil_error_set(&err, VIGIL_ENOMEM, "out of memory");
    if (rc < 0) {
        free(doc);
        return vs_reply_failure(c, rq, &err, NULL);
    }
    if (download)
        return vs_reply_download(c, rq, doc, len, "text/csv; charset=utf-8", download);
    return vs_reply_json(c, rq, ok_status, doc, len);
}

static int units_json(FILE *f, vigil_registry *reg, const vigil_actor *who, void *ud, vigil_error *err)
{
    vigil_unit *v;
    size_t n;
    int rc = vigil_unit_list(&v, &n, reg, who, err);
    (void)ud;
    if (rc == 0) {
        rc = vigil_units_write_json(f, v, n, err);
        free(v);
    }
    return rc;
}

typedef struct list_q {
    vigil_case_filter f;
} list_q;

static int cases_json(FILE *f, vigil_registry *reg, const vigil_actor *who, void *ud, vigil_error *err)
{
    list_q *q = ud;
    vigil_case_row *v;
    size_t n;
    int rc = vigil_case_list(&v, &n, reg, who, &q->f, err);
    if (rc == 0) {
        rc = vigil_case_rows_write_json(f, v, n, err);
        free(v);
    }
    return rc;
}

static int case_json(FILE *f, vigil_registry *reg, const vigil_actor *who, void *ud, vigil_error *err)
{
    vigil_case *cs;
    int rc = vigil_case_get(&cs, reg, who, *(int64_t *)ud, 0, err);
    if (rc == 0) {
        rc = vigil_case_write_json(f, cs, err);
        vigil_case_free(cs);
    }
    return rc;
}

static int stats_json(FILE *f, vigil_registry *reg, const vigil_actor *who, void *ud, vigil_error *err)
{
    vigil_stats st;
    int rc = vigil_stats_compute(&st, reg, who, ud, err);
    if (rc == 0) {
        rc = vigil_stats_write_json(f, &st, err);
        vigil_stats_dispose(&st);
    }
    return rc;
}

static int stats_csv(FILE *f, vigil_registry *reg, const vigil_actor *who, void *ud, vigil_error *err)
{
    vigil_stats st;
    int rc = vigil_stats_compute(&st, reg, who, ud, err);
    if (rc == 0) {
        rc = vigil_stats_write_csv(f, &st, err);
        vigil_stats_dispose(&st);
    }
    return rc;
}

static int verify_json(FILE *f, vigil_registry *reg, const vigil_actor *who, void *ud, vigil_error *err)
{
    vigil_audit_report r;
    int rc = vigil_audit_verify(&r, reg, who, err);
    (void)ud;
    if (rc == 0) {
        fprintf(f, "{\"intact\":%s,\"events\":%lld,\"bad_seq\":%lld,\"why\":", r.bad_seq ? "false" : "true",
                (long long)r.events, (long long)r.bad_seq);
        vigil_json_string_write(f, r.bad_seq ? r.why : NULL, err);
        fprintf(f, ",\"head\":\"%s\"}\n", r.head);
    }
    return rc;
}

/* A change to a case: the verb's body parsed, the library called, {"id":N,"done":"..."}. */
typedef struct change {
    const char *verb;
    int64_t id;
    vs_body *b;
} change;

static int change_json(FILE *f, vigil_registry *reg, const vigil_actor *who, void *ud, vigil_error *err)
{
    change *ch = ud;
    const char *a = NULL, *b = NULL, *t = NULL, *r = NULL;
    char msg[128];
    int64_t due = 0, id = ch->id;
    int rc = 0;
    if (!strcmp(ch->verb, "refer")) {
        if (vs_body_string(ch->b, "to", &a, msg, sizeof msg) < 0 || vs_body_string(ch->b, "due", &b, msg, sizeof msg) < 0)
            return vigil_error_set(err, VIGIL_EINPUT, "%s", msg);
        if (b && (rc = vigil_date_parse(&due, b, err)) < 0)
            return rc;
        rc = vigil_case_refer(reg, who, id, a ? a : "", due, -1, 0, err);
    } else if (!strcmp(ch->verb, "accept")) {
        rc = vigil_case_accept(reg, who, id, 0, err);
    } else if (!strcmp(ch->verb, "decline")) {
        if (vs_body_string(ch->b, "reason", &a, msg, sizeof msg) < 0 || vs_body_string(ch->b, "note", &b, msg, sizeof msg) < 0)
            return vigil_error_set(err, VIGIL_EINPUT, "%s", msg);
        rc = vigil_case_decline(reg, who, id, a ? a : "", b, 0, 0, err);
    } else if (!strcmp(ch->verb, "status")) {
        if (vs_body_string(ch->b, "status", &a, msg, sizeof msg) < 0 || vs_body_string(ch->b, "outcome", &b, msg, sizeof msg) < 0)
            return vigil_error_set(err, VIGIL_EINPUT, "%s", msg);
        rc = vigil_case_set_status(reg, who, id, a ? a : "", b, 0, err);
    } else { /* new */
        vigil_case_spec sp = {0};
        if (vs_body_string(ch->b, "unit", &a, msg, sizeof msg) < 0 || vs_body_string(ch->b, "type", &t, msg, sizeof msg) < 0 ||
            vs_body_string(ch->b, "title", &b, msg, sizeof msg) < 0 || vs_body_string(ch->b, "ref", &r, msg, sizeof msg) < 0)
            return vigil_error_set(err, VIGIL_EINPUT, "%s", msg);
        sp.unit = a ? a : "";
        sp.type = t ? t : "";
        sp.title = b;
        sp.ref = r;
        rc = vigil_case_new(&id, reg, who, &sp, err);
    }
    if (rc < 0)
        return rc;
    fprintf(f, "{\"id\":%lld,\"done\":", (long long)id);
    vigil_json_string_write(f, vigil_registry_last_change(reg), err);
    fputs("}\n", f);
    return 0;
}

static const char *const allowed_refer[] = {"to", "due", NULL}, *const allowed_none[] = {NULL},
                  *const allowed_decline[] = {"reason", "note", NULL}, *const allowed_status[] = {"status", "outcome", NULL},
                  *const allowed_new[] = {"unit", "type", "title", "ref", NULL};

int vs_parse_id(const char *s, int64_t *id, const char **rest)
{
    char *end;
    long long v;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno || end == s || v <= 0 || (*end && *end != '/') || s[0] == '+' || s[0] == '-' || s[0] == ' ')
        return -1;
    *id = v;
    *rest = end;
    return 0;
}

static const char *arg(struct MHD_Connection *c, const char *name)
{
    const char *v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, name);
    return v && *v ? v : NULL;
}

static int size_arg(struct MHD_Connection *c, const char *name, size_t *out, size_t max)
{
    const char *v = arg(c, name);
    char *end;
    unsigned long long n;
    if (!v)
        return 0;
    errno = 0;
    n = strtoull(v, &end, 10);
    if (errno || *end || v[0] == '-' || n > max)
        return -1;
    *out = (size_t)n;
    return 0;
}

static enum MHD_Result method_not_allowed(struct MHD_Connection *c, vs_request *rq)
{
    return vs_reply_error(c, rq, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed here", NULL);
}

static enum MHD_Result do_change(vs_server *s, struct MHD_Connection *c, vs_request *rq, const vigil_actor *who,
                                 const char *verb, int64_t id, const char *const *allowed)
{
    vs_body b;
    char msg[160], field[32];
    change ch = {verb, id, &b};
    enum MHD_Result ret;
    if (rq->too_large)
        return vs_reply_error(c, rq, MHD_HTTP_CONTENT_TOO_LARGE, "the body is too large", NULL);
    if (vs_body_parse(&b, rq->len ? rq->body : "{}", rq->len ? rq->len : 2, allowed, msg, sizeof msg, field) < 0) {
        vs_body_dispose(&b);
        return vs_reply_error(c, rq, MHD_HTTP_BAD_REQUEST, msg, field[0] ? field : NULL);
    }
    ret = vs_reply_with(s, c, rq, who, change_json, &ch, id ? MHD_HTTP_OK : MHD_HTTP_CREATED, NULL);
    vs_body_dispose(&b);
    return ret;
}

int vs_route_cases(vs_server *s, struct MHD_Connection *c, vs_request *rq, enum MHD_Result *ret)
{
    const char *p = rq->path, *rest = "";
    int get = !strcmp(rq->method, "GET"), post = !strcmp(rq->method, "POST");
    vigil_actor who;
    int64_t id = 0;
    if (strncmp(p, "/api/v1/", 8))
        return 0;
    p += 8;
    if (strcmp(p, "units") && strcmp(p, "cases") && strncmp(p, "cases/", 6) && strcmp(p, "stats") &&
        strcmp(p, "audit/verify"))
        return 0;
    if (!strncmp(p, "cases/", 6)) {
        if (vs_parse_id(p + 6, &id, &rest) < 0)
            return 0;
        if (*rest && strcmp(rest, "/refer") && strcmp(rest, "/accept") && strcmp(rest, "/decline") && strcmp(rest, "/status"))
            return 0;
        if ((*rest && !post) || (!*rest && !get))
            return *ret = method_not_allowed(c, rq), 1;
    } else if (!strcmp(p, "cases") ? !get && !post : !get) {
        return *ret = method_not_allowed(c, rq), 1;
    }
    if (!vs_auth_person(s, c, rq, &who, ret))
        return 1;
    if (!strcmp(p, "units")) {
        *ret = vs_reply_with(s, c, rq, &who, units_json, NULL, MHD_HTTP_OK, NULL);
    } else if (!strcmp(p, "stats")) {
        vigil_stats_query q = {.by = VIGIL_STATS_BY_UNIT, .to = -1};
        const char *by = arg(c, "by"), *from = arg(c, "from"), *to = arg(c, "to"), *format = arg(c, "format");
        char name[48];
        vigil_error err;
        int64_t t;
        if (by && !strcmp(by, "reason"))
            q.by = VIGIL_STATS_BY_REASON;
        else if (by && !strcmp(by, "month"))
            q.by = VIGIL_STATS_BY_MONTH;
        else if (by && !strcmp(by, "type"))
            q.by = VIGIL_STATS_BY_TYPE;
        else if (by && strcmp(by, "unit"))
            return *ret = vs_reply_error(c, rq, MHD_HTTP_BAD_REQUEST, "by is unit, reason, month or type", "by"), 1;
        if (from && vigil_date_parse(&t, from, &err) < 0)
            return *ret = vs_reply_error(c, rq, MHD_HTTP_BAD_REQUEST, err.msg, "from"), 1;
        if (from)
            q.from = t / 86400;
        if (to && vigil_date_parse(&t, to, &err) < 0)
            return *ret = vs_reply_error(c, rq, MHD_HTTP_BAD_REQUEST, err.msg, "to"), 1;
        if (to)
            q.to = t / 86400;
        if (format && strcmp(format, "json") && strcmp(format, "csv"))
            return *ret = vs_reply_error(c, rq, MHD_HTTP_BAD_REQUEST, "format is json or csv", "format"), 1;
        snprintf(name, sizeof name, "referrals-by-%s.csv", by ? by : "unit");
        *ret = format && !strcmp(format, "csv") ? vs_reply_with(s, c, rq, &who, stats_csv, &q, MHD_HTTP_OK, name)
                                                : vs_reply_with(s, c, rq, &who, stats_json, &q, MHD_HTTP_OK, NULL);
    } else if (!strcmp(p, "audit/verify")) {
        *ret = vs_reply_with(s, c, rq, &who, verify_json, NULL, MHD_HTTP_OK, NULL);
    } else if (!strcmp(p, "cases") && get) {
        list_q q = {.f = {.unit = arg(c, "unit"), .status = arg(c, "status"), .reason = arg(c, "reason"), .limit = 100}};
        const char *od = arg(c, "overdue");
        if (size_arg(c, "offset", &q.f.offset, (size_t)1 << 40) < 0)
            return *ret = vs_reply_error(c, rq, MHD_HTTP_BAD_REQUEST, "offset is a whole number", "offset"), 1;
        if (size_arg(c, "limit", &q.f.limit, 1000) < 0 || q.f.limit == 0)
            return *ret = vs_reply_error(c, rq, MHD_HTTP_BAD_REQUEST, "limit is 1 to 1000", "limit"), 1;
        if (od && strcmp(od, "1") && strcmp(od, "true") && strcmp(od, "0") && strcmp(od, "false"))
            return *ret = vs_reply_error(c, rq, MHD_HTTP_BAD_REQUEST, "overdue is true or false", "overdue"), 1;
        q.f.overdue = od && (!strcmp(od, "1") || !strcmp(od, "true"));
        *ret = vs_reply_with(s, c, rq, &who, cases_json, &q, MHD_HTTP_OK, NULL);
    } else if (!strcmp(p, "cases")) {
        *ret = do_change(s, c, rq, &who, "new", 0, allowed_new);
    } else if (!*rest) {
        *ret = vs_reply_with(s, c, rq, &who, case_json, &id, MHD_HTTP_OK, NULL);
    } else {
        const char *verb = rest + 1;
        *ret = do_change(s, c, rq, &who, verb, id,
                         !strcmp(verb, "refer") ? allowed_refer : !strcmp(verb, "decline") ? allowed_decline
                         : !strcmp(verb, "status") ? allowed_status : allowed_none);
    }
    return 1;
}

/*
 * Statistics over referrals and cases, grouped by receiving unit, answer (reason),
 * month sent or offence type: referred, accepted, declined (per reason), pending,
 * overdue, median days to answer, cases registered by units themselves, referrals to
 * foreign services. One pass over referrals and one over self-registered cases: SQLite
 * streams the rows into C counters (its GROUP BY would sort millions of rows), PostgreSQL
 * groups them first (hash aggregation); the same consumer adds them up. Medians come from
 * per-group histograms of days to answer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/reg.h"

typedef struct grp {
    char key[40];           /* the value the query grouped by (a unit id for --by unit) */
    vigil_stats_row row;
    int64_t *hist;          /* answered referrals per number of days */
    size_t nhist;
} grp;

typedef struct acc {
    vigil_stats_by by;
    grp *g;
    size_t ng, cap;
    size_t *slots;          /* open addressing: group index + 1 */
    size_t nslots;
    grp total;
    vigil_unit *units;
    size_t nunits;
    int oom;
} acc;

static uint64_t fnv(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static int rehash(acc *a)
{
    size_t n = a->nslots ? a->nslots * 2 : 256;
    size_t *s = calloc(n, sizeof *s);
    if (!s)
        return -1;
    for (size_t k = 0; k < a->ng; k++) {
        size_t i = fnv(a->g[k].key) & (n - 1);
        while (s[i])
            i = (i + 1) & (n - 1);
        s[i] = k + 1;
    }
    free(a->slots);
    a->slots = s;
    a->nslots = n;
    return 0;
}

static void label(acc *a, grp *g)
{
    const char *name = g->key;
    if (a->by == VIGIL_STATS_BY_UNIT) {
        int64_t id = strtoll(g->key, NULL, 10);
        name = "?";
        for (size_t i = 0; i < a->nunits; i++)
            if (a->units[i].id == id)
                name = a->units[i].code;
    }
    snprintf(g->row.group, sizeof g->row.group, "%s", name);
}

static grp *group_for(acc *a, const char *key)
{
    size_t i;
    grp *g;
    key = key ? key : "-";
    if (a->nslots)
        for (i = fnv(key) & (a->nslots - 1); a->slots[i]; i = (i + 1) & (a->nslots - 1))
            if (!strcmp(a->g[a->slots[i] - 1].key, key))
                return &a->g[a->slots[i] - 1];
    if (a->ng == a->cap) {
        size_t ncap = a->cap ? a->cap * 2 : 32;
        grp *p = realloc(a->g, ncap * sizeof *p);
        if (!p)
            return NULL;
        a->g = p;
        a->cap = ncap;
    }
    g = &a->g[a->ng++];
    memset(g, 0, sizeof *g);
    snprintf(g->key, sizeof g->key, "%s", key);
    label(a, g);
    if ((a->ng * 2 > a->nslots && rehash(a) < 0) || !a->nslots) {
        a->ng--;
        return NULL;
    }
    for (i = fnv(g->key) & (a->nslots - 1); a->slots[i]; i = (i + 1) & (a->nslots - 1))
        if (a->slots[i] == a->ng)
            break;
    a->slots[i] = a->ng;
    return g;
}

static int hist_add(grp *g, int64_t days, int64_t n)
{
    size_t d = days < 0 ? 0 : (size_t)days;
    if (d >= g->nhist) {
        size_t nn = d + 64;
        int64_t *p = realloc(g->hist, nn * sizeof *p);
        if (!p)
            return -1;
        memset(p + g->nhist, 0, (nn - g->nhist) * sizeof *p);
        g->hist = p;
        g->nhist = nn;
    }
    g->hist[d] += n;
    return 0;
}

static double median(const grp *g)
{
    int64_t total = 0, seen = 0, lo = -1, hi = -1;
    for (size_t i = 0; i < g->nhist; i++)
        total += g->hist[i];
    if (total == 0)
        return -1;
    for (size_t i = 0; i < g->nhist && hi < 0; i++) {
        seen += g->hist[i];
        if (lo < 0 && seen >= (total + 1) / 2)
            lo = (int64_t)i;
        if (seen >= total / 2 + 1)
            hi = (int64_t)i;
    }
    return (double)(lo + hi) / 2.0;
}

/* The group key of a streamed value as text: integers (unit ids) are written into buf. */
static const char *key_of(const vg_val *v, char buf[24])
{
    uint64_t u;
    char *e = buf + 23;
    if (v->null)
        return NULL;
    if (v->s)
        return v->s;
    *e = '\0';
    u = v->i < 0 ? 0 : (uint64_t)v->i;
    do
        *--e = (char)('0' + u % 10);
    while ((u /= 10) != 0);
    return e;
}

/* One (grouped) referral row: group, to_foreign, state, reason, days to answer, overdue, count. */
static int on_referral(const vg_val *c, size_t nc, void *ud)
{
    acc *a = ud;
    int64_t n = vg_val_i64(&c[6]), days;
    const char *state = c[2].s ? c[2].s : "", *reason = c[3].s;
    char kb[24];
    grp *g;
    (void)nc;
    if (vg_val_i64(&c[1]) == 1) {
        a->total.row.foreign += n;
        if (a->by != VIGIL_STATS_BY_REASON) {
            if (!(g = group_for(a, key_of(&c[0], kb))))
                return a->oom = VIGIL_ENOMEM;
            g->row.foreign += n;
        }
        return 0;
    }
    if (!(g = group_for(a, key_of(&c[0], kb))))
        return a->oom = VIGIL_ENOMEM;
    g->row.referred += n;
    switch (state[0]) {
    case 'a': g->row.accepted += n; break;
    case 'p':
        g->row.pending += n;
        if (vg_val_i64(&c[5]) == 1)
            g->row.overdue += n;
        break;
    default:
        g->row.declined += n;
        for (int k = 0; reason && k < 7; k++)
            if (!strcmp(reason, vigil_reasons[k]))
                g->row.reasons[k] += n;
    }
    days = vg_val_i64(&c[4]);
    if (!c[4].null && (hist_add(g, days, n) < 0 || hist_add(&a->total, days, n) < 0))
        return a->oom = VIGIL_ENOMEM;
    return 0;
}

static int on_case(const vg_val *c, size_t nc, void *ud)
{
    acc *a = ud;
    int64_t n = vg_val_i64(&c[1]);
    char kb[24];
    grp *g;
    (void)nc;
    a->total.row.self_registered += n;
    if (a->by == VIGIL_STATS_BY_REASON)
        return 0;
    if (!(g = group_for(a, key_of(&c[0], kb))))
        return a->oom = VIGIL_ENOMEM;
    g->row.self_registered += n;
    return 0;
}

static int scan(acc *a, vigil_registry *reg, const char *const *p, int np, const char *range_r,
                const char *range_c, vigil_error *err)
{
    static const char *const rg[] = {
        "CASE WHEN r.to_foreign = 1 THEN r.from_unit ELSE r.to_unit END",
        "CASE WHEN r.state IN ('declined', 'returned') THEN r.reason ELSE r.state END",
        "substr(r.sent_at, 1, 7)", "r.case_type"};
    static const char *const cg[] = {"c.reg_unit", "'-'", "substr(c.registered_at, 1, 7)", "c.type"};
    int pg = vg_db_is_pg(reg->db), rc;
    char sql[1024];
    /* statistics count every unit: on PostgreSQL through the functions that row-level security
     * leaves whole (src/cases/access.c) */
    snprintf(sql, sizeof sql, "SELECT %s, r.to_foreign, r.state, r.reason, r.answered_day - r.sent_day,"
             " CASE WHEN r.due_day < ? THEN 1 ELSE 0 END, %s FROM %s r WHERE 1 = 1%s%s", rg[a->by],
             pg ? "count(*)" : "1", pg ? "vigil_stats_referrals()" : "referrals", range_r, pg ? " GROUP BY 1, 2, 3, 4, 5, 6" : "");
    rc = vg_db_each(reg->db, sql, p, np + 1, on_referral, a, err);
    if (rc == 0) {
        snprintf(sql, sizeof sql, "SELECT %s, %s FROM %s c WHERE c.self_registered = 1%s%s", cg[a->by],
                 pg ? "count(*)" : "1", pg ? "vigil_stats_cases()" : "cases", range_c, pg ? " GROUP BY 1" : "");
        rc = vg_db_each(reg->db, sql, p + 1, np, on_case, a, err);
    }
    if (a->oom)
        return vigil_error_set(err, VIGIL_ENOMEM, "stats: out of memory");
    return rc;
}

static int cmp_row(const void *x, const void *y)
{
    return strcmp(((const vigil_stats_row *)x)->group, ((const vigil_stats_row *)y)->group);
}

/* Move the groups into out, sorted, with medians and the total. */
static int finish(vigil_stats *out, acc *a)
{
    vigil_stats_row *t = &a->total.row;
    if (a->ng && !(out->rows = calloc(a->ng, sizeof *out->rows)))
        return -1;
    for (size_t i = 0; i < a->ng; i++) {
        vigil_stats_row *r = &a->g[i].row;
        r->median_days = median(&a->g[i]);
        t->referred += r->referred;
        t->accepted += r->accepted;
        t->declined += r->declined;
        t->pending += r->pending;
        t->overdue += r->overdue;
        for (int k = 0; k < 7; k++)
            t->reasons[k] += r->reasons[k];
        out->rows[i] = *r;
    }
    out->nrows = a->ng;
    t->median_days = median(&a->total);
    snprintf(t->group, sizeof t->group, "total");
    out->total = *t;
    if (out->nrows)
        qsort(out->rows, out->nrows, sizeof *out->rows, cmp_row);
    return 0;
}

int vigil_stats_compute(vigil_stats *out, vigil_registry *reg, const vigil_actor *who, const vigil_stats_query *q,
                        vigil_error *err)
{
    acc a;
    char from[24], to[24], nowday[24], range_r[96] = "", range_c[96] = "";
    const char *p[3];
    int np = 0, rc, has_from, has_to;
    memset(out, 0, sizeof *out);
    memset(&a, 0, sizeof a);
    a.by = q->by;
    if ((rc = vg_policy_check(who, VG_ACT_STATS, 0, "stats", err)) < 0)
        return rc;
    if ((rc = vigil_unit_list(&a.units, &a.nunits, reg, who, err)) < 0)
        return rc;
    snprintf(nowday, sizeof nowday, "%lld", (long long)((q->now ? q->now : vg_now()) / 86400));
    p[np++] = nowday;
    has_from = q->from > 0;
    has_to = q->to >= q->from && q->to > 0;
    snprintf(from, sizeof from, "%lld", (long long)q->from);
    snprintf(to, sizeof to, "%lld", (long long)q->to);
    if (has_from)
        p[np++] = from;
    if (has_to)
        p[np++] = to;
    snprintf(range_r, sizeof range_r, "%s%s", has_from ? " AND r.sent_day >= ?" : "",
             has_to ? " AND r.sent_day <= ?" : "");
    snprintf(range_c, sizeof range_c, "%s%s", has_from ? " AND c.reg_day >= ?" : "",
             has_to ? " AND c.reg_day <= ?" : "");
    rc = scan(&a, reg, p, np - 1, range_r, range_c, err);
    if (rc == 0 && finish(out, &a) < 0)
        rc = vigil_error_set(err, VIGIL_ENOMEM, "stats: out of memory");
    for (size_t i = 0; i < a.ng; i++)
        free(a.g[i].hist);
    free(a.total.hist);
    free(a.g);
    free(a.slots);
    free(a.units);
    if (rc < 0)
        vigil_stats_dispose(out);
    return rc;
}

void vigil_stats_dispose(vigil_stats *s)
{
    free(s->rows);
    s->rows = NULL;
    s->nrows = 0;
}

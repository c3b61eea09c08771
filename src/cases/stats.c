/*
 * Statistics over referrals and cases, grouped by receiving unit, answer (reason),
 * month sent or offence type: referred, accepted, declined (per reason), pending,
 * overdue, median days to answer, cases registered by units themselves, referrals to
 * foreign services. A handful of GROUP BY queries; medians come from day histograms.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/reg.h"

typedef struct hist { char group[40]; int64_t days, n; } hist;

typedef struct acc {
    vigil_stats *s;
    size_t cap;
    vigil_unit *units;
    size_t nunits;
    vigil_stats_by by;
} acc;

static const char *unit_code(const acc *a, const char *id)
{
    int64_t v = id ? strtoll(id, NULL, 10) : 0;
    for (size_t i = 0; i < a->nunits; i++)
        if (a->units[i].id == v)
            return a->units[i].code;
    return "?";
}

static vigil_stats_row *row_for(acc *a, const char *key)
{
    const char *g = key ? key : "-";
    vigil_stats *s = a->s;
    if (a->by == VIGIL_BY_UNIT)
        g = unit_code(a, key);
    for (size_t i = 0; i < s->nrows; i++)
        if (!strcmp(s->rows[i].group, g))
            return &s->rows[i];
    if (s->nrows == a->cap) {
        size_t ncap = a->cap ? a->cap * 2 : 32;
        vigil_stats_row *p = realloc(s->rows, ncap * sizeof *p);
        if (!p)
            return NULL;
        s->rows = p;
        a->cap = ncap;
    }
    memset(&s->rows[s->nrows], 0, sizeof s->rows[0]);
    snprintf(s->rows[s->nrows].group, sizeof s->rows[0].group, "%s", g);
    s->rows[s->nrows].median_days = -1;
    return &s->rows[s->nrows++];
}

static const char *ref_group(vigil_stats_by by)
{
    switch (by) {
    case VIGIL_BY_UNIT: return "r.to_unit";
    case VIGIL_BY_REASON:
        return "CASE WHEN r.state IN ('declined', 'returned') THEN r.reason ELSE r.state END";
    case VIGIL_BY_MONTH: return "substr(r.sent_at, 1, 7)";
    default: return "r.case_type";
    }
}

static int cmp_hist(const void *x, const void *y)
{
    const hist *a = x, *b = y;
    int c = strcmp(a->group, b->group);
    return c ? c : (a->days > b->days) - (a->days < b->days);
}

/* Median of a sorted run of histogram buckets. */
static double median(const hist *h, size_t n)
{
    int64_t total = 0, seen = 0, lo = -1, hi = -1;
    for (size_t i = 0; i < n; i++)
        total += h[i].n;
    if (total == 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        seen += h[i].n;
        if (lo < 0 && seen >= (total + 1) / 2)
            lo = h[i].days;
        if (hi < 0 && seen >= total / 2 + 1)
            hi = h[i].days;
    }
    return (double)(lo + hi) / 2.0;
}

static int medians(acc *a, vigil_registry *reg, const char *where, const char *const *p, int np,
                   vigil_error *err)
{
    char sql[1024];
    vg_rows r;
    hist *h;
    int rc;
    snprintf(sql, sizeof sql, "SELECT %s, r.answered_day - r.sent_day, count(*) FROM referrals r WHERE %s"
             " AND r.answered_day IS NOT NULL GROUP BY 1, 2", ref_group(a->by), where);
    if ((rc = vg_db_query(reg->db, &r, sql, p, np, err)) < 0)
        return rc;
    if (!(h = calloc(r.nrows + 1, sizeof *h))) {
        vg_rows_free(&r);
        return vigil_error_set(err, VIGIL_ENOMEM, "stats: out of memory");
    }
    for (size_t i = 0; i < r.nrows; i++) {
        vigil_stats_row *row = row_for(a, vg_cell(&r, i, 0));
        snprintf(h[i].group, sizeof h[i].group, "%s", row ? row->group : "-");
        h[i].days = vg_cell_i64(&r, i, 1);
        h[i].n = vg_cell_i64(&r, i, 2);
    }
    qsort(h, r.nrows, sizeof *h, cmp_hist);
    for (size_t i = 0, j; i < r.nrows; i = j) {
        for (j = i; j < r.nrows && !strcmp(h[j].group, h[i].group); j++)
            ;
        for (size_t k = 0; k < a->s->nrows; k++)
            if (!strcmp(a->s->rows[k].group, h[i].group))
                a->s->rows[k].median_days = median(h + i, j - i);
    }
    /* the total's median: all buckets merged by day */
    for (size_t i = 0; i < r.nrows; i++)
        h[i].group[0] = '\0';
    qsort(h, r.nrows, sizeof *h, cmp_hist);
    a->s->total.median_days = median(h, r.nrows);
    free(h);
    vg_rows_free(&r);
    return 0;
}

static int counts(acc *a, vigil_registry *reg, const char *where, const char *const *p, int np, const char *nowday,
                  vigil_error *err)
{
    char sql[1024];
    const char *q[8];
    vg_rows r;
    int rc;
    snprintf(sql, sizeof sql, "SELECT %s, count(*), sum(CASE WHEN r.state = 'accepted' THEN 1 ELSE 0 END),"
             " sum(CASE WHEN r.state IN ('declined', 'returned') THEN 1 ELSE 0 END),"
             " sum(CASE WHEN r.state = 'pending' THEN 1 ELSE 0 END),"
             " sum(CASE WHEN r.state = 'pending' AND r.due_day < ? THEN 1 ELSE 0 END)"
             " FROM referrals r WHERE %s GROUP BY 1", ref_group(a->by), where);
    q[0] = nowday;
    for (int i = 0; i < np; i++)
        q[i + 1] = p[i];
    if ((rc = vg_db_query(reg->db, &r, sql, q, np + 1, err)) < 0)
        return rc;
    for (size_t i = 0; i < r.nrows; i++) {
        vigil_stats_row *row = row_for(a, vg_cell(&r, i, 0));
        if (!row)
            break;
        row->referred += vg_cell_i64(&r, i, 1);
        row->accepted += vg_cell_i64(&r, i, 2);
        row->declined += vg_cell_i64(&r, i, 3);
        row->pending += vg_cell_i64(&r, i, 4);
        row->overdue += vg_cell_i64(&r, i, 5);
    }
    vg_rows_free(&r);
    snprintf(sql, sizeof sql, "SELECT %s, r.reason, count(*) FROM referrals r WHERE %s"
             " AND r.state IN ('declined', 'returned') GROUP BY 1, 2", ref_group(a->by), where);
    if ((rc = vg_db_query(reg->db, &r, sql, p, np, err)) < 0)
        return rc;
    for (size_t i = 0; i < r.nrows; i++) {
        vigil_stats_row *row = row_for(a, vg_cell(&r, i, 0));
        for (int k = 0; row && k < 7; k++)
            if (vg_cell(&r, i, 1) && !strcmp(vg_cell(&r, i, 1), vigil_reasons[k]))
                row->reasons[k] += vg_cell_i64(&r, i, 2);
    }
    vg_rows_free(&r);
    return 0;
}

/* Self-registered cases and foreign referrals; for --by reason they count in the total only. */
static int extras(acc *a, vigil_registry *reg, const char *const *p, int np, const char *range_c,
                  const char *range_r, vigil_error *err)
{
    static const char *const cg[] = {"c.reg_unit", "'-'", "substr(c.registered_at, 1, 7)", "c.type"};
    static const char *const fg[] = {"r.from_unit", "'-'", "substr(r.sent_at, 1, 7)", "r.case_type"};
    char sql[512];
    vg_rows r;
    int rc;
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 0)
            snprintf(sql, sizeof sql, "SELECT %s, count(*) FROM cases c WHERE c.self_registered = 1%s GROUP BY 1",
                     cg[a->by], range_c);
        else
            snprintf(sql, sizeof sql, "SELECT %s, count(*) FROM referrals r WHERE r.to_foreign = 1%s GROUP BY 1",
                     fg[a->by], range_r);
        if ((rc = vg_db_query(reg->db, &r, sql, p, np, err)) < 0)
            return rc;
        for (size_t i = 0; i < r.nrows; i++) {
            int64_t v = vg_cell_i64(&r, i, 1);
            vigil_stats_row *row = a->by == VIGIL_BY_REASON ? NULL : row_for(a, vg_cell(&r, i, 0));
            if (row)
                *(pass ? &row->foreign : &row->self_registered) += v;
            *(pass ? &a->s->total.foreign : &a->s->total.self_registered) += v;
        }
        vg_rows_free(&r);
    }
    return 0;
}

static int cmp_row(const void *x, const void *y)
{
    return strcmp(((const vigil_stats_row *)x)->group, ((const vigil_stats_row *)y)->group);
}

int vigil_stats_compute(vigil_stats *out, vigil_registry *reg, const vigil_actor *who, const vigil_stats_query *q,
                        vigil_error *err)
{
    acc a = {.s = out, .by = q->by};
    char from[24], to[24], nowday[24], where[256], range_c[96], range_r[96];
    const char *p[2];
    int np = 0, rc;
    memset(out, 0, sizeof *out);
    snprintf(out->total.group, sizeof out->total.group, "total");
    if ((rc = vg_policy_check(who, VG_ACT_STATS, 0, "stats", err)) < 0)
        return rc;
    if ((rc = vigil_unit_list(&a.units, &a.nunits, reg, who, err)) < 0)
        return rc;
    snprintf(nowday, sizeof nowday, "%lld", (long long)((q->now ? q->now : vg_now()) / 86400));
    snprintf(where, sizeof where, "r.to_foreign = 0");
    range_c[0] = range_r[0] = '\0';
    if (q->from > 0) {
        snprintf(from, sizeof from, "%lld", (long long)q->from);
        p[np++] = from;
        strcat(where, " AND r.sent_day >= ?");
        strcat(range_c, " AND c.reg_day >= ?");
        strcat(range_r, " AND r.sent_day >= ?");
    }
    if (q->to >= q->from && q->to > 0) {
        snprintf(to, sizeof to, "%lld", (long long)q->to);
        p[np++] = to;
        strcat(where, " AND r.sent_day <= ?");
        strcat(range_c, " AND c.reg_day <= ?");
        strcat(range_r, " AND r.sent_day <= ?");
    }
    rc = counts(&a, reg, where, p, np, nowday, err);
    if (rc == 0)
        rc = medians(&a, reg, where, p, np, err);
    if (rc == 0)
        rc = extras(&a, reg, p, np, range_c, range_r, err);
    free(a.units);
    if (rc < 0) {
        vigil_stats_dispose(out);
        return rc;
    }
    for (size_t i = 0; i < out->nrows; i++) {
        vigil_stats_row *r = &out->rows[i];
        out->total.referred += r->referred;
        out->total.accepted += r->accepted;
        out->total.declined += r->declined;
        out->total.pending += r->pending;
        out->total.overdue += r->overdue;
        for (int k = 0; k < 7; k++)
            out->total.reasons[k] += r->reasons[k];
    }
    if (out->nrows)
        qsort(out->rows, out->nrows, sizeof *out->rows, cmp_row);
    return 0;
}

void vigil_stats_dispose(vigil_stats *s)
{
    free(s->rows);
    s->rows = NULL;
    s->nrows = 0;
}

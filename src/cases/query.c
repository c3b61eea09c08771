/*
 * Reading cases: one case with its referral history and explained priority (an
 * audited read), and the list of cases an actor may see, with pending and overdue
 * referrals. Priority = sum of named factors x weights from the configuration.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/links.h"
#include "core/buf.h"

static void i64s(char buf[24], int64_t v)
{
    snprintf(buf, 24, "%lld", (long long)v);
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

static double weight_of(const vigil_registry *reg, const char *name)
{
    for (int i = 0; i < reg->cfg.nweights; i++)
        if (!strcmp(reg->cfg.weight[i].name, name))
            return reg->cfg.weight[i].weight;
    return 0;
}

static void add_factor(vigil_case *c, const vigil_registry *reg, const char *name, double value)
{
    vigil_factor *f;
    if (c->nfactors >= VIGIL_FACTOR_MAX)
        return;
    f = &c->factor[c->nfactors++];
    snprintf(f->name, sizeof f->name, "%.*s", (int)sizeof f->name - 1, name);
    f->value = value;
    f->weight = weight_of(reg, name);
    c->priority += f->value * f->weight;
}

#define OTHER_CASES "SELECT count(DISTINCT o.case_id) FROM suspects s JOIN suspects o" \
    " ON o.suspect = s.suspect AND o.case_id <> s.case_id"

/*
 * Other cases naming one of this case's suspects. Counted over the cases who may read, so that
 * the score tells an officer nothing about other units' cases; when hidden cases name a suspect
 * too, the factor VIGIL_FACTOR_SEEN_ELSEWHERE (value 1, weight 0) says only that, and the
 * national unit, which sees every case, has the full count.
 */
static int repeat_suspect(vigil_case *c, vigil_registry *reg, const vigil_actor *who, vigil_error *err)
{
    char ids[24], unit[24];
    const char *p[3] = {ids, unit, unit};
    int64_t all, seen;
    int rc;
    i64s(ids, c->id);
    i64s(unit, who->unit_id);
    if ((rc = vg_db_int(reg->db, &all, OTHER_CASES " WHERE s.case_id = ?", p, 1, err)) < 0)
        return rc;
    seen = all;
    /* PostgreSQL's row-level security has already hidden other units' cases from that count;
     * the database says only whether hidden cases name the suspect too (src/cases/access.c) */
    if (vg_db_is_pg(reg->db) && !vg_policy_sees_all(who)) {
        int64_t hidden = 0;
        if ((rc = vg_db_int(reg->db, &hidden, "SELECT CASE WHEN vigil_suspect_elsewhere(?, current_user)"
                            " THEN 1 ELSE 0 END", p, 1, err)) < 0)
            return rc;
        all += hidden;
    }
    if (!vg_policy_sees_all(who) &&
        (rc = vg_db_int(reg->db, &seen, OTHER_CASES " JOIN cases oc ON oc.id = o.case_id WHERE s.case_id = ?"
                        " AND (oc.owner_unit = ? OR EXISTS (SELECT 1 FROM referrals x WHERE x.case_id = oc.id"
                        " AND x.to_unit = ?))", p, 3, err)) < 0)
        return rc;
    add_factor(c, reg, "repeat_suspect", (double)seen);
    if (all > seen)   /* no configurable weight: a hint to ask, not a score */
        add_factor(c, reg, VIGIL_FACTOR_SEEN_ELSEWHERE, 1);
    return 0;
}

/* The explainable score: offence type, scan and link signals, suspects seen in other cases. */
static int compute_priority(vigil_case *c, vigil_registry *reg, const vigil_actor *who, vigil_error *err)
{
    static const char *const signals[] = {"unknown_material", "production_indicators", "network",
                                          "series_unidentified"};
    char ids[24], name[40];
    int64_t v;
    int rc;
    i64s(ids, c->id);
    snprintf(name, sizeof name, "offence.%s", c->type);
    add_factor(c, reg, name, 1);
    vg_case_material m;
    if ((rc = vg_case_material_get(&m, reg, c->id, err)) < 0)
        return rc;
    for (int i = 0; i < 4; i++) {
        const char *q[2] = {ids, signals[i]};
        if ((rc = vg_db_int(reg->db, &v, "SELECT value FROM signals WHERE case_id = ? AND name = ?", q, 2,
                            err)) < 0)
            return rc;
        /* what the case's items and links show, unless a signal typed in says more */
        if (i == 0 && m.unknown_items > v)
            v = m.unknown_items;
        if (i == 2 && m.linked_cases > v)
            v = m.linked_cases;
        if (i == 3 && m.series_unidentified > v)
            v = m.series_unidentified;
        if (i == 0 && v > 20)
            v = 20;   /* beyond twenty unknown items, more adds no urgency */
        add_factor(c, reg, signals[i], (double)v);
    }
    add_factor(c, reg, "shared_unknown", (double)(m.shared_unknown > 20 ? 20 : m.shared_unknown));
    return repeat_suspect(c, reg, who, err);
}

static int load_referrals(vigil_case *c, vigil_registry *reg, int64_t now, vigil_error *err)
{
    vg_rows r;
    char ids[24];
    const char *p[1] = {ids};
    int rc;
    i64s(ids, c->id);
    rc = vg_db_query(reg->db, &r, "SELECT r.id, f.code, t.code, r.sent_at, r.due_day, r.answered_at, r.state,"
                     " r.reason, r.note FROM referrals r JOIN units f ON f.id = r.from_unit"
                     " JOIN units t ON t.id = r.to_unit WHERE r.case_id = ? ORDER BY r.id", p, 1, err);
    if (rc < 0)
        return rc;
    if (r.nrows && !(c->referral = calloc(r.nrows, sizeof *c->referral))) {
        vg_rows_free(&r);
        return vigil_error_set(err, VIGIL_ENOMEM, "case: out of memory");
    }
    for (size_t i = 0; i < r.nrows; i++) {
        vigil_referral *f = &c->referral[i];
        f->id = vg_cell_i64(&r, i, 0);
        snprintf(f->from, sizeof f->from, "%s", vg_cell(&r, i, 1));
        snprintf(f->to, sizeof f->to, "%s", vg_cell(&r, i, 2));
        snprintf(f->sent, sizeof f->sent, "%s", vg_cell(&r, i, 3));
        vigil_date_format(f->due, sizeof f->due, vg_cell_i64(&r, i, 4) * 86400, 0);
        snprintf(f->answered, sizeof f->answered, "%s", vg_cell(&r, i, 5) ? vg_cell(&r, i, 5) : "");
        snprintf(f->state, sizeof f->state, "%s", vg_cell(&r, i, 6));
        snprintf(f->reason, sizeof f->reason, "%s", vg_cell(&r, i, 7) ? vg_cell(&r, i, 7) : "");
        f->note = dup_or_null(vg_cell(&r, i, 8));
        f->overdue = !strcmp(f->state, "pending") && vg_cell_i64(&r, i, 4) < now / 86400;
        c->nreferrals++;
    }
    vg_rows_free(&r);
    return 0;
}

static int load_core(vigil_case *c, vigil_registry *reg, vigil_error *err)
{
    vg_rows r;
    char ids[24];
    const char *p[1] = {ids};
    int rc;
    i64s(ids, c->id);
    rc = vg_db_query(reg->db, &r, "SELECT c.type, c.status, c.outcome, c.title, g.code, o.code, c.registered_at,"
                     " c.updated_at, c.ref FROM cases c JOIN units g ON g.id = c.reg_unit JOIN units o ON o.id = c.owner_unit"
                     " WHERE c.id = ?", p, 1, err);
    if (rc < 0)
        return rc;
    if (r.nrows == 0) {
        vg_rows_free(&r);
        return vigil_error_set(err, VIGIL_ENOTFOUND, "unknown case %lld", (long long)c->id);
    }
    snprintf(c->type, sizeof c->type, "%s", vg_cell(&r, 0, 0));
    snprintf(c->status, sizeof c->status, "%s", vg_cell(&r, 0, 1));
    snprintf(c->outcome, sizeof c->outcome, "%s", vg_cell(&r, 0, 2) ? vg_cell(&r, 0, 2) : "");
    c->title = dup_or_null(vg_cell(&r, 0, 3));
    snprintf(c->reg_unit, sizeof c->reg_unit, "%s", vg_cell(&r, 0, 4));
    snprintf(c->owner_unit, sizeof c->owner_unit, "%s", vg_cell(&r, 0, 5));
    snprintf(c->registered, sizeof c->registered, "%s", vg_cell(&r, 0, 6));
    snprintf(c->updated, sizeof c->updated, "%s", vg_cell(&r, 0, 7));
    snprintf(c->ref, sizeof c->ref, "%s", vg_cell(&r, 0, 8) ? vg_cell(&r, 0, 8) : "");
    vg_rows_free(&r);
    rc = vg_db_query(reg->db, &r, "SELECT suspect FROM suspects WHERE case_id = ? ORDER BY suspect", p, 1, err);
    if (rc < 0)
        return rc;
    if (r.nrows) {
        vg_buf b;
        vg_buf_init(&b, 1 << 20);
        for (size_t i = 0; i < r.nrows; i++) {
            if (i)
                vg_buf_addc(&b, ',');
            vg_buf_adds(&b, vg_cell(&r, i, 0));
        }
        c->suspects = vg_buf_detach(&b, NULL);
        vg_buf_dispose(&b);
        if (!c->suspects) {
            vg_rows_free(&r);
            return vigil_error_set(err, VIGIL_ENOMEM, "case: out of memory");
        }
    }
    vg_rows_free(&r);
    return 0;
}

int vigil_case_get(vigil_case **out, vigil_registry *reg, const vigil_actor *who, int64_t case_id, int64_t now,
                   vigil_error *err)
{
    vigil_case *c = calloc(1, sizeof *c);
    int rc;
    *out = NULL;
    if (!c)
        return vigil_error_set(err, VIGIL_ENOMEM, "case: out of memory");
    c->id = case_id;
    if ((rc = vg_db_begin(reg->db, err)) < 0)
        goto done;
    /* permission first: an unknown id and another unit's case get the same answer */
    rc = vg_policy_can_read(reg, who, case_id, err);
    if (rc == 0)
        rc = load_core(c, reg, err);
    if (rc == 0)
        rc = load_referrals(c, reg, now ? now : vg_now(), err);
    if (rc == 0)
        rc = vg_case_history_load(c, reg, err);
    if (rc == 0)
        rc = compute_priority(c, reg, who, err);
    if (rc == 0) {
        char obj[32];
        snprintf(obj, sizeof obj, "case:%lld", (long long)case_id);
        rc = vg_reg_audit(reg, who, "case.show", obj, NULL, 0, err);
    }
    if (rc == 0)
        rc = vg_db_commit(reg->db, err);
    else
        vg_db_rollback(reg->db);
done:
    if (rc < 0) {
        vigil_case_free(c);
        return rc;
    }
    *out = c;
    return 0;
}

void vigil_case_free(vigil_case *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->nreferrals; i++)
        free(c->referral[i].note);
    free(c->referral);
    for (size_t i = 0; i < c->nhistory; i++)
        free(c->history[i].detail);
    free(c->history);
    free(c->title);
    free(c->suspects);
    free(c);
}

/* snprintf(dst, cap, "%s", src) without the format machinery: a page of the list copies
 * hundreds of cells per request. */
static void copy_cut(char *dst, size_t cap, const char *src)
{
    size_t n = strnlen(src, cap - 1);
    memcpy(dst, src, n);
    dst[n] = '\0';
}

int vigil_case_list(vigil_case_row **out, size_t *n, vigil_registry *reg, const vigil_actor *who,
                    const vigil_case_filter *f, vigil_error *err)
{
    char mine[24], uid[24], today[24];
    vg_buf sql;
    const char *p[8];
    int np = 0, rc;
    vg_rows r;
    vigil_unit u;
    int64_t now = f->now ? f->now : vg_now();
    *out = NULL;
    *n = 0;
    if (who->role == VIGIL_ROLE_ANALYST)
        return vigil_error_set(err, VIGIL_EDENIED, "case list: not allowed for user '%s' (analysts see"
                               " statistics only)", who->name);
    vg_buf_init(&sql, 4096);
    vg_buf_adds(&sql, "SELECT c.id, c.type, c.status, o.code, c.registered_at, t.code, r.due_day, c.ref, c.title"
             " FROM cases c JOIN units o ON o.id = c.owner_unit"
             " LEFT JOIN referrals r ON r.case_id = c.id AND r.state = 'pending'"
             " LEFT JOIN units t ON t.id = r.to_unit WHERE 1 = 1");
    if (!vg_policy_sees_all(who)) {
        i64s(mine, who->unit_id);
        vg_buf_adds(&sql, " AND (c.owner_unit = ? OR EXISTS (SELECT 1 FROM referrals x WHERE x.case_id = c.id"
                    " AND x.to_unit = ?))");
        p[np++] = mine;
        p[np++] = mine;
    }
    if (f->unit) {
        if ((rc = vg_unit_by_code(&u, reg, f->unit, err)) < 0) {
            vg_buf_dispose(&sql);
            return rc;
        }
        i64s(uid, u.id);
        vg_buf_adds(&sql, " AND (c.owner_unit = ? OR r.to_unit = ?)");
        p[np++] = uid;
        p[np++] = uid;
    }
    if (f->status) {
        static const char *const st[] = {"registered", "referred", "accepted", "investigating", "prosecutor",
                                         "closed"};
        int ok = 0;
        for (int i = 0; i < 6; i++)
            ok |= !strcmp(st[i], f->status);
        if (!ok) {
            vg_buf_dispose(&sql);
            return vigil_error_set(err, VIGIL_EINPUT, "unknown status '%s' (known: registered, referred, accepted,"
                                   " investigating, prosecutor, closed)", f->status);
        }
        vg_buf_adds(&sql, " AND c.status = ?");
        p[np++] = f->status;
    }
    if (f->reason) {
        if (!vigil_reason_valid(f->reason)) {
            vg_buf_dispose(&sql);
            return vigil_error_set(err, VIGIL_EINPUT, "unknown reason '%s' (known: capacity, other-priority,"
                                   " no-digital-support, insufficient-info, jurisdiction, duplicate, other)", f->reason);
        }
        vg_buf_adds(&sql, " AND EXISTS (SELECT 1 FROM referrals y WHERE y.case_id = c.id AND y.reason = ?)");
        p[np++] = f->reason;
    }
    if (f->overdue) {
        i64s(today, now / 86400);
        vg_buf_adds(&sql, " AND r.due_day < ?");
        p[np++] = today;
    }
    vg_buf_adds(&sql, " ORDER BY c.id");
    if (f->limit)   /* numbers, not text: written into the statement */
        vg_buf_addf(&sql, " LIMIT %llu OFFSET %llu", (unsigned long long)f->limit, (unsigned long long)f->offset);
    rc = vg_buf_failed(&sql) ? vigil_error_set(err, VIGIL_ENOMEM, "case list: out of memory")
                             : vg_db_query(reg->db, &r, sql.ptr, p, np, err);
    vg_buf_dispose(&sql);
    if (rc < 0)
        return rc;
    if (r.nrows && !(*out = calloc(r.nrows, sizeof **out))) {
        vg_rows_free(&r);
        return vigil_error_set(err, VIGIL_ENOMEM, "case list: out of memory");
    }
    for (size_t i = 0; i < r.nrows; i++) {
        vigil_case_row *c = &(*out)[i];
        c->id = vg_cell_i64(&r, i, 0);
        copy_cut(c->type, sizeof c->type, vg_cell(&r, i, 1));
        copy_cut(c->status, sizeof c->status, vg_cell(&r, i, 2));
        copy_cut(c->owner, sizeof c->owner, vg_cell(&r, i, 3));
        copy_cut(c->registered, sizeof c->registered < 11 ? sizeof c->registered : 11, vg_cell(&r, i, 4));
        if (vg_cell(&r, i, 5)) {
            copy_cut(c->pending_to, sizeof c->pending_to, vg_cell(&r, i, 5));
            vigil_date_format(c->due, sizeof c->due, vg_cell_i64(&r, i, 6) * 86400, 0);
            c->overdue = vg_cell_i64(&r, i, 6) < now / 86400;
        }
        copy_cut(c->ref, sizeof c->ref, vg_cell(&r, i, 7) ? vg_cell(&r, i, 7) : "");
        if (vg_cell(&r, i, 8) && snprintf(c->title, sizeof c->title, "%s", vg_cell(&r, i, 8)) >= (int)sizeof c->title) {
            size_t k = sizeof c->title - 1;   /* cut whole UTF-8 characters only */
            while (k > 0 && ((unsigned char)vg_cell(&r, i, 8)[k] & 0xC0) == 0x80)
                k--;
            c->title[k] = '\0';
        }
    }
    *n = r.nrows;
    vg_rows_free(&r);
    return 0;
}

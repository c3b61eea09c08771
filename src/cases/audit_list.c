/*
 * `vigil audit list`: who did what, within what the caller may see. Admins and national
 * officers read the whole log; anyone else the events of the cases they see (their unit's,
 * or referred to it). On PostgreSQL the log is hidden from them by row-level security, so the
 * database answers through vigil_audit_visible (src/cases/access.c), which applies the same rule.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/reg.h"
#include "core/buf.h"

int vigil_audit_list(vigil_audit_event **out, size_t *n, vigil_registry *reg, const vigil_actor *who,
                     const vigil_audit_filter *f, vigil_error *err)
{
    int pg = vg_db_is_pg(reg->db);
    const char *user_col = pg ? "a.who_name" : "a.who";
    char unit[24], since[24];
    const char *p[4];
    int np = 0, rc;
    vg_buf sql;
    vg_rows r;
    *out = NULL;
    *n = 0;
    vg_buf_init(&sql, 4096);
    vg_buf_addf(&sql, "SELECT a.seq, a.at, a.event_at, %s, a.action, a.object, a.detail FROM %s WHERE 1 = 1",
                user_col, pg ? "vigil_audit_visible(current_user) a" : "audit a");
    if (!vg_policy_sees_all(who)) {   /* on PostgreSQL the function has done this already; no harm twice */
        snprintf(unit, sizeof unit, "%lld", (long long)(who->role == VIGIL_ROLE_OFFICER ? who->unit_id : -1));
        vg_buf_addf(&sql, " AND a.object LIKE 'case:%%' AND CAST(substr(a.object, 6) AS %s) IN"
                    " (SELECT id FROM cases WHERE owner_unit = ? UNION SELECT case_id FROM referrals WHERE to_unit = ?)",
                    pg ? "bigint" : "INTEGER");
        p[np++] = unit;
        p[np++] = unit;
    }
    if (f->object) {
        vg_buf_adds(&sql, " AND a.object = ?");
        p[np++] = f->object;
    }
    if (f->user) {
        vg_buf_addf(&sql, " AND %s = ?", user_col);
        p[np++] = f->user;
    }
    if (f->since) {
        vg_iso(since, f->since);
        vg_buf_adds(&sql, " AND a.at >= ?");
        p[np++] = since;
    }
    vg_buf_adds(&sql, " ORDER BY a.seq");
    rc = vg_buf_failed(&sql) ? vigil_error_set(err, VIGIL_ENOMEM, "audit list: out of memory")
                             : vg_db_query(reg->db, &r, sql.ptr, p, np, err);
    vg_buf_dispose(&sql);
    if (rc < 0)
        return rc;
    if (r.nrows && !(*out = calloc(r.nrows, sizeof **out))) {
        vg_rows_free(&r);
        return vigil_error_set(err, VIGIL_ENOMEM, "audit list: out of memory");
    }
    for (size_t i = 0; i < r.nrows; i++) {
        vigil_audit_event *e = &(*out)[i];
        const char *c;
        e->seq = vg_cell_i64(&r, i, 0);
        snprintf(e->at, sizeof e->at, "%s", vg_cell(&r, i, 1));
        snprintf(e->event_at, sizeof e->event_at, "%s", (c = vg_cell(&r, i, 2)) ? c : "");
        snprintf(e->who, sizeof e->who, "%s", vg_cell(&r, i, 3));
        snprintf(e->action, sizeof e->action, "%s", vg_cell(&r, i, 4));
        snprintf(e->object, sizeof e->object, "%s", vg_cell(&r, i, 5));
        if ((c = vg_cell(&r, i, 6)) && !(e->detail = strdup(c))) {
            vigil_audit_events_free(*out, i);
            *out = NULL;
            vg_rows_free(&r);
            return vigil_error_set(err, VIGIL_ENOMEM, "audit list: out of memory");
        }
        ++*n;
    }
    vg_rows_free(&r);
    return 0;
}

void vigil_audit_events_free(vigil_audit_event *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i].detail);
    free(v);
}

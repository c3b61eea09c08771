/*
 * Series (vigil/series.h): the cases whose items match entries of a series, grouped per series
 * from case_items (on PostgreSQL through vigil_series_cases, past row-level security, as the
 * holders of a series are in other units' cases too), with the other units' cases masked as in
 * links; and the victim's status, recorded per series.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/links.h"
#include "vigil/series.h"

static int visible_case(vigil_registry *reg, const vigil_actor *who, int64_t id, vigil_error *err)
{
    vigil_error tmp;
    (void)err;
    return vg_policy_can_read(reg, who, id, &tmp) == 0;
}

/* Add row i of r (series, case, unit, contact, ref, registered, items[, sees]) to the list. */
static int add_row(vigil_series **v, size_t *n, const vg_rows *r, size_t i, int sees, vigil_error *err)
{
    const char *name = vg_cell(r, i, 0), *ref = vg_cell(r, i, 4);
    vigil_series *s = *n ? &(*v)[*n - 1] : NULL;
    vigil_series_case *c;
    if (!s || strcmp(s->name, name)) {
        vigil_series *grown = realloc(*v, (*n + 1) * sizeof **v);
        if (!grown)
            return vigil_error_set(err, VIGIL_ENOMEM, "series: out of memory");
        *v = grown;
        s = &(*v)[(*n)++];
        memset(s, 0, sizeof *s);
        snprintf(s->name, sizeof s->name, "%s", name);
    }
    if (!(c = realloc(s->cases, (s->ncases + 1) * sizeof *c)))
        return vigil_error_set(err, VIGIL_ENOMEM, "series: out of memory");
    s->cases = c;
    c = &s->cases[s->ncases++];
    memset(c, 0, sizeof *c);
    c->c.visible = sees;
    c->c.id = sees ? vg_cell_i64(r, i, 1) : -vg_cell_i64(r, i, 1);   /* a hidden id: audited, then dropped */
    snprintf(c->c.unit, sizeof c->c.unit, "%s", vg_cell(r, i, 2));
    snprintf(c->c.contact, sizeof c->c.contact, "%s", vg_cell(r, i, 3));
    snprintf(c->c.ref, sizeof c->c.ref, "%s", ref ? ref : "");
    snprintf(c->c.registered, sizeof c->c.registered, "%s", vg_cell(r, i, 5));
    c->items = sees ? vg_cell_i64(r, i, 6) : 0;
    s->items += c->items;
    vg_units_add(s->units, sizeof s->units, &s->nunits, c->c.unit);
    return 0;
}

/* Drop the series of which the user sees no case. */
static void keep_seen(vigil_series *v, size_t *n)
{
    size_t k = 0;
    for (size_t i = 0; i < *n; i++) {
        int seen = 0;
        for (size_t j = 0; j < v[i].ncases; j++)
            seen |= v[i].cases[j].c.visible;
        if (seen)
            v[k++] = v[i];
        else
            free(v[i].cases);
    }
    *n = k;
}

static int load_victims(vigil_series *v, size_t n, vigil_registry *reg, vigil_error *err)
{
    vg_rows r;
    int rc = vg_db_query(reg->db, &r, "SELECT name, identified, updated_by, updated_at FROM series", NULL, 0, err);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < r.nrows; i++)
        for (size_t j = 0; j < n; j++)
            if (!strcmp(v[j].name, vg_cell(&r, i, 0))) {
                v[j].identified = vg_cell_i64(&r, i, 1) != 0;
                snprintf(v[j].victim_by, sizeof v[j].victim_by, "%s", vg_cell(&r, i, 2));
                snprintf(v[j].victim_at, sizeof v[j].victim_at, "%s", vg_cell(&r, i, 3));
            }
    vg_rows_free(&r);
    /* not recorded: what the lists the items matched say */
    rc = vg_db_query(reg->db, &r, "SELECT series, min(hashset) FROM case_items WHERE victim_identified = 1"
                     " AND series IS NOT NULL GROUP BY series", NULL, 0, err);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < r.nrows; i++)
        for (size_t j = 0; j < n; j++)
            if (!v[j].victim_by[0] && !strcmp(v[j].name, vg_cell(&r, i, 0))) {
                v[j].identified = 1;
                snprintf(v[j].victim_set, sizeof v[j].victim_set, "%s", vg_cell(&r, i, 1) ? vg_cell(&r, i, 1) : "");
            }
    vg_rows_free(&r);
    return 0;
}

/* The read in the audit log: series.read on series:NAME (or "series" for the list), and one on
 * each hidden case named, so that its unit sees who looked (as links.read does). Hidden ids go. */
static int audit_read(vigil_registry *reg, const vigil_actor *who, const char *name, vigil_series *v, size_t n,
                      vigil_error *err)
{
    char obj[96], detail[96];
    int rc;
    if ((rc = vg_db_begin(reg->db, err)) < 0)
        return rc;
    if (name)
        snprintf(obj, sizeof obj, "series:%s", name);
    else
        snprintf(obj, sizeof obj, "series");
    rc = vg_reg_audit(reg, who, "series.read", obj, NULL, 0, err);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; rc == 0 && j < v[i].ncases; j++) {
            vigil_link_case *c = &v[i].cases[j].c;
            if (c->id >= 0)
                continue;
            snprintf(obj, sizeof obj, "case:%lld", (long long)-c->id);
            snprintf(detail, sizeof detail, "series %s", v[i].name);
            rc = vg_reg_audit_hidden(reg, who, "series.read", obj, detail, err);
            c->id = 0;
        }
    if (rc == 0)
        return vg_db_commit(reg->db, err);
    vg_db_rollback(reg->db);
    return rc;
}

int vigil_series_list(vigil_series **out, size_t *n, vigil_registry *reg, const vigil_actor *who,
                      const char *name, vigil_error *err)
{
    int pg = vg_db_is_pg(reg->db), all = vg_policy_sees_all(who);
    const char *p[1] = {name};
    vg_rows r;
    int rc;
    *out = NULL;
    *n = 0;
    if (who->role == VIGIL_ROLE_ANALYST)
        return vigil_error_set(err, VIGIL_EDENIED, "series: not allowed for user '%s' (analysts see statistics only)",
                               who->name);
    if (pg)
        rc = vg_db_query(reg->db, &r, name ? "SELECT * FROM vigil_series_cases(current_user) WHERE o_series = ?"
                                             " ORDER BY 1, 2"
                                           : "SELECT * FROM vigil_series_cases(current_user) ORDER BY 1, 2",
                         p, name ? 1 : 0, err);
    else
        rc = vg_db_query(reg->db, &r, name ? "SELECT " VG_SERIES_COLS VG_SERIES_FROM " AND i.series = ?" VG_SERIES_GROUP
                                             " ORDER BY 1, 2"
                                           : "SELECT " VG_SERIES_COLS VG_SERIES_FROM VG_SERIES_GROUP " ORDER BY 1, 2",
                         p, name ? 1 : 0, err);
    if (rc < 0)
        return rc;
    for (size_t i = 0; rc == 0 && i < r.nrows; i++) {
        int sees = all || (pg ? !strcmp(vg_cell(&r, i, 7), "t") : visible_case(reg, who, vg_cell_i64(&r, i, 1), err));
        rc = add_row(out, n, &r, i, sees, err);
    }
    vg_rows_free(&r);
    if (rc == 0) {
        keep_seen(*out, n);
        rc = load_victims(*out, *n, reg, err);
    }
    if (rc == 0 && name && *n == 0)
        rc = vigil_error_set(err, VIGIL_ENOTFOUND, "series '%s': no case you may see holds it", name);
    if (rc == 0)
        rc = audit_read(reg, who, name, *out, *n, err);
    if (rc < 0) {
        vigil_series_list_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

void vigil_series_list_free(vigil_series *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i].cases);
    free(v);
}

int vigil_series_set_victim(vigil_registry *reg, const vigil_actor *who, const char *name, int identified,
                            vigil_error *err)
{
    char now[24], obj[96];
    const char *p[4] = {name, identified ? "1" : "0", who->name, now};
    int rc;
    if ((rc = vg_policy_check(who, VG_ACT_ADMIN, 0, "series set", err)) < 0)
        return rc;
    if (!name || !*name || strlen(name) >= sizeof ((vigil_series *)0)->name)
        return vigil_error_set(err, VIGIL_EINPUT, "series name '%s': 1-63 bytes", name ? name : "");
    vg_iso(now, vg_now());
    snprintf(obj, sizeof obj, "series:%s", name);
    if ((rc = vg_db_begin(reg->db, err)) < 0)
        return rc;
    rc = vg_db_exec(reg->db, "DELETE FROM series WHERE name = ?", p, 1, NULL, err);
    if (rc == 0)
        rc = vg_db_exec(reg->db, "INSERT INTO series(name, identified, updated_by, updated_at) VALUES(?, ?, ?, ?)",
                        p, 4, NULL, err);
    if (rc == 0)
        rc = vg_reg_audit(reg, who, "series.victim", obj, identified ? "identified" : "unidentified", 0, err);
    if (rc == 0 && (rc = vg_db_commit(reg->db, err)) == 0) {
        snprintf(reg->last_change, sizeof reg->last_change, "series %s: victim %s", name,
                 identified ? "identified" : "unidentified");
        return 0;
    }
    vg_db_rollback(reg->db);
    return rc;
}

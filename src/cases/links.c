/*
 * Links between cases: kept current per case as its items change (vg_links_update, the cost of
 * one case's items, never of the whole registry), read with the other end masked for users who
 * may not see it, and grouped into networks (connected components, by union-find over the links
 * the user sees: a few rows per case, so computed at each read).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/links.h"
#include "vigil/links.h"

int vg_links_update(vigil_registry *reg, int64_t case_id, const char *now, vigil_error *err)
{
    char ids[24];
    const char *p[2] = {ids, now};
    int rc;
    snprintf(ids, sizeof ids, "%lld", (long long)case_id);
    /* PostgreSQL: the same SQL in a function that sees every case's items (access.c) */
    if (vg_db_is_pg(reg->db))
        rc = vg_db_exec(reg->db, "SELECT vigil_links_update(?, ?, current_user)", p, 2, NULL, err);
    else if ((rc = vg_db_exec(reg->db, VG_LINKS_DELETE_SQL, p, 1, NULL, err)) == 0)
        rc = vg_db_exec(reg->db, VG_LINKS_INSERT_SQL, p, 2, NULL, err);
    return rc < 0 ? rc : vg_links_near_update(reg, case_id, now, err);
}

int vg_case_material_get(vg_case_material *out, vigil_registry *reg, int64_t case_id, vigil_error *err)
{
    char ids[24];
    const char *p[2] = {ids, ids};
    vg_rows r;
    int rc;
    memset(out, 0, sizeof *out);
    snprintf(ids, sizeof ids, "%lld", (long long)case_id);
    rc = vg_db_int(reg->db, &out->unknown_items, "SELECT count(*) FROM case_items WHERE case_id = ?"
                   " AND verdict = 'unknown' AND size > 0", p, 1, err);
    if (rc == 0)
        rc = vg_db_query(reg->db, &r, "SELECT count(*), COALESCE(sum(unknown), 0) FROM case_links"
                         " WHERE a = ? OR b = ?", p, 2, err);
    if (rc < 0)
        return rc;
    if (r.nrows) {
        out->linked_cases = vg_cell_i64(&r, 0, 0);
        out->shared_unknown = vg_cell_i64(&r, 0, 1);
    }
    vg_rows_free(&r);
    /* identified: as recorded by series set, else as the list an item matched says */
    return vg_db_int(reg->db, &out->series_unidentified, "SELECT count(*) FROM (SELECT i.series FROM case_items i"
                     " LEFT JOIN series s ON s.name = i.series WHERE i.case_id = ? AND i.series IS NOT NULL"
                     " GROUP BY i.series, s.identified"
                     " HAVING COALESCE(s.identified, max(COALESCE(i.victim_identified, 0))) = 0) u", p, 1, err);
}

/* --- reading --- */

static void end_of(vigil_link_case *c, const vg_rows *r, size_t i, size_t col, int visible)
{
    const char *ref = vg_cell(r, i, col + 3);
    memset(c, 0, sizeof *c);
    c->visible = visible;
    c->id = visible ? vg_cell_i64(r, i, col) : 0;
    snprintf(c->unit, sizeof c->unit, "%s", vg_cell(r, i, col + 1));
    snprintf(c->contact, sizeof c->contact, "%s", vg_cell(r, i, col + 2));
    snprintf(c->ref, sizeof c->ref, "%s", ref ? ref : "");
    if (visible)
        snprintf(c->type, sizeof c->type, "%s", vg_cell(r, i, col + 4));
    snprintf(c->registered, sizeof c->registered, "%s", vg_cell(r, i, col + 5));
}

/* The ids of the cases who sees on SQLite (PostgreSQL answers per row, past row-level security). */
static int visible_ids(int64_t **out, size_t *n, vigil_registry *reg, const vigil_actor *who, vigil_error *err)
{
    char u[24];
    const char *p[2] = {u, u};
    vg_rows r;
    int rc;
    *out = NULL;
    *n = 0;
    snprintf(u, sizeof u, "%lld", (long long)who->unit_id);
    rc = vg_db_query(reg->db, &r, "SELECT id FROM cases WHERE owner_unit = ? OR id IN"
                     " (SELECT case_id FROM referrals WHERE to_unit = ?) ORDER BY id", p, 2, err);
    if (rc < 0)
        return rc;
    if (r.nrows && !(*out = malloc(r.nrows * sizeof **out)))
        rc = vigil_error_set(err, VIGIL_ENOMEM, "links: out of memory");
    for (size_t i = 0; rc == 0 && i < r.nrows; i++)
        (*out)[i] = vg_cell_i64(&r, i, 0);
    *n = rc == 0 ? r.nrows : 0;
    vg_rows_free(&r);
    return rc;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static int in_set(const int64_t *v, size_t n, int64_t id)
{
    return n && bsearch(&id, v, n, sizeof *v, cmp_i64) != NULL;
}

static int load_links(vigil_link_view *v, vigil_registry *reg, const vigil_actor *who, vigil_error *err)
{
    int pg = vg_db_is_pg(reg->db), all = vg_policy_sees_all(who);
    int64_t *vis = NULL;
    size_t nvis = 0, k = 0;
    vg_rows r;
    int rc;
    if (!all && !pg && (rc = visible_ids(&vis, &nvis, reg, who, err)) < 0)
        return rc;
    /* PostgreSQL: the function masks nothing but returns only links with a visible end, and
     * which ends are visible (the cases table hides the other end's row from the user) */
    rc = pg ? vg_db_query(reg->db, &r, "SELECT * FROM vigil_links_visible(current_user) ORDER BY 1, 2", NULL, 0, err)
            : vg_db_query(reg->db, &r, "SELECT " VG_LINKS_COLS VG_LINKS_FROM " ORDER BY l.a, l.b", NULL, 0, err);
    if (rc < 0) {
        free(vis);
        return rc;
    }
    if (r.nrows && !(v->links = calloc(r.nrows, sizeof *v->links)))
        rc = vigil_error_set(err, VIGIL_ENOMEM, "links: out of memory");
    for (size_t i = 0; rc == 0 && i < r.nrows; i++) {
        int64_t a = vg_cell_i64(&r, i, 0), b = vg_cell_i64(&r, i, 1);
        int sa = all || (pg ? !strcmp(vg_cell(&r, i, 20), "t") : in_set(vis, nvis, a));
        int sb = all || (pg ? !strcmp(vg_cell(&r, i, 21), "t") : in_set(vis, nvis, b));
        vigil_link *l = &v->links[k];
        if (!sa && !sb)
            continue;
        end_of(&l->a, &r, i, 8, sa);
        end_of(&l->b, &r, i, 14, sb);
        l->exact = vg_cell_i64(&r, i, 2);
        l->illegal = vg_cell_i64(&r, i, 3);
        l->interest = vg_cell_i64(&r, i, 4);
        l->unknown = vg_cell_i64(&r, i, 5);
        l->near = vg_cell_i64(&r, i, 6);
        snprintf(l->updated, sizeof l->updated, "%s", vg_cell(&r, i, 7));
        /* union-find below needs both ids: keep them aside of the masked ones */
        l->network = a;
        l->a.id = sa ? a : -a;
        l->b.id = sb ? b : -b;
        k++;
    }
    v->nlinks = k;
    vg_rows_free(&r);
    free(vis);
    return rc;
}

/* --- networks: union-find over case ids --- */

typedef struct uf {
    int64_t *ids;   /* sorted distinct ids */
    size_t *parent;
    size_t n;
} uf;

static size_t uf_at(const uf *u, int64_t id)
{
    const int64_t *p = bsearch(&id, u->ids, u->n, sizeof *u->ids, cmp_i64);
    return (size_t)(p - u->ids);
}

static size_t uf_find(uf *u, size_t i)
{
    while (u->parent[i] != i)
        i = u->parent[i] = u->parent[u->parent[i]];
    return i;
}

static int64_t llabs64(int64_t v)
{
    return v < 0 ? -v : v;
}

void vg_units_add(char *units, size_t cap, size_t *n, const char *code)
{
    size_t len = strlen(units), cl = strlen(code);
    const char *p = units;
    while ((p = strstr(p, code))) {   /* already listed, as a whole word? */
        if ((p == units || p[-1] == ',') && (p[cl] == ',' || p[cl] == '\0'))
            return;
        p += cl;
    }
    (*n)++;
    if (len + cl + 2 < cap)
        snprintf(units + len, cap - len, "%s%s", len ? "," : "", code);
}

static void add_unit(vigil_network *n, const char *code)
{
    vg_units_add(n->units, sizeof n->units, &n->nunits, code);
}

/* Group the links into networks: union-find over the cases at their ends, then one network per
 * root with its figures. */
static int networks(vigil_link_view *v, vigil_error *err)
{
    uf u = {0};
    size_t m = 0, *slot = NULL;
    int64_t *name = NULL;
    int rc = 0;
    if (v->nlinks == 0)
        return 0;
    u.ids = malloc(2 * v->nlinks * sizeof *u.ids);
    u.parent = malloc(2 * v->nlinks * sizeof *u.parent);
    name = calloc(2 * v->nlinks, sizeof *name);
    slot = malloc(2 * v->nlinks * sizeof *slot);
    v->networks = calloc(2 * v->nlinks, sizeof *v->networks);
    if (!u.ids || !u.parent || !name || !slot || !v->networks) {
        rc = vigil_error_set(err, VIGIL_ENOMEM, "links: out of memory");
        goto out;
    }
    for (size_t i = 0; i < v->nlinks; i++) {
        u.ids[m++] = llabs64(v->links[i].a.id);
        u.ids[m++] = llabs64(v->links[i].b.id);
    }
    qsort(u.ids, m, sizeof *u.ids, cmp_i64);
    for (size_t i = 0; i < m; i++)
        if (u.n == 0 || u.ids[u.n - 1] != u.ids[i])
            u.ids[u.n++] = u.ids[i];
    for (size_t i = 0; i < u.n; i++)
        u.parent[i] = i;
    for (size_t i = 0; i < v->nlinks; i++) {
        size_t x = uf_find(&u, uf_at(&u, llabs64(v->links[i].a.id)));
        size_t y = uf_find(&u, uf_at(&u, llabs64(v->links[i].b.id)));
        if (x != y)
            u.parent[x > y ? x : y] = x < y ? x : y;
    }
    /* a network is named by the smallest case in it the user sees (every link has one end so) */
    for (size_t i = 0; i < v->nlinks; i++) {
        const vigil_link *l = &v->links[i];
        size_t root = uf_find(&u, uf_at(&u, llabs64(l->a.id)));
        if (l->a.id > 0 && (!name[root] || l->a.id < name[root]))
            name[root] = l->a.id;
        if (l->b.id > 0 && (!name[root] || l->b.id < name[root]))
            name[root] = l->b.id;
    }
    for (size_t i = 0; i < u.n; i++) {
        size_t root = uf_find(&u, i);
        if (root == i) {
            slot[root] = v->nnetworks++;
            v->networks[slot[root]].id = name[root];
        }
    }
    for (size_t i = 0; i < u.n; i++)
        v->networks[slot[uf_find(&u, i)]].ncases++;
    for (size_t i = 0; i < v->nlinks; i++) {
        vigil_link *l = &v->links[i];
        vigil_network *n = &v->networks[slot[uf_find(&u, uf_at(&u, llabs64(l->a.id)))]];
        l->network = n->id;
        n->nlinks++;
        add_unit(n, l->a.unit);
        add_unit(n, l->b.unit);
        if (!n->first[0] || strcmp(l->a.registered, n->first) < 0)
            snprintf(n->first, sizeof n->first, "%s", l->a.registered);
        if (strcmp(l->b.registered, n->first) < 0)
            snprintf(n->first, sizeof n->first, "%s", l->b.registered);
        if (strcmp(l->updated, n->last) > 0)
            snprintf(n->last, sizeof n->last, "%s", l->updated);
    }
out:
    free(u.ids);
    free(u.parent);
    free(name);
    free(slot);
    return rc;
}

/* Keep only the links of one case or one network, then hide the ids of the ends who may not see. */
static void select_links(vigil_link_view *v, int64_t case_id, int64_t network)
{
    size_t k = 0;
    for (size_t i = 0; i < v->nlinks; i++) {
        vigil_link *l = &v->links[i];
        int keep = (!case_id || l->a.id == case_id || l->b.id == case_id) && (!network || l->network == network);
        if (keep)
            v->links[k++] = *l;
    }
    v->nlinks = k;
    k = 0;
    for (size_t j = 0; j < v->nnetworks; j++) {
        int keep = !network || v->networks[j].id == network, any = 0;
        for (size_t i = 0; case_id && i < v->nlinks; i++)   /* one case: the network it is in */
            any |= v->links[i].network == v->networks[j].id;
        if (keep && (!case_id || any))
            v->networks[k++] = v->networks[j];
    }
    v->nnetworks = k;
}

/* One audit event on each hidden case whose link the user read: its unit learns who looked. */
static int audit_hidden(vigil_registry *reg, const vigil_actor *who, const vigil_link_view *v, vigil_error *err)
{
    int rc = 0, any = 0;
    for (size_t i = 0; i < v->nlinks; i++)
        any |= v->links[i].a.id < 0 || v->links[i].b.id < 0;
    if (!any)
        return 0;
    if ((rc = vg_db_begin(reg->db, err)) < 0)
        return rc;
    for (size_t i = 0; rc == 0 && i < v->nlinks; i++) {
        const vigil_link *l = &v->links[i];
        const vigil_link_case *hidden = l->a.id < 0 ? &l->a : l->b.id < 0 ? &l->b : NULL;
        const vigil_link_case *mine = hidden == &l->a ? &l->b : &l->a;
        char obj[32], detail[96];
        if (!hidden)
            continue;
        snprintf(obj, sizeof obj, "case:%lld", (long long)-hidden->id);
        snprintf(detail, sizeof detail, "link read from case %lld", (long long)mine->id);
        rc = vg_reg_audit_hidden(reg, who, "links.read", obj, detail, err);
    }
    if (rc == 0)
        return vg_db_commit(reg->db, err);
    vg_db_rollback(reg->db);
    return rc;
}

int vigil_links_get(vigil_link_view *out, vigil_registry *reg, const vigil_actor *who, int64_t case_id,
                    int64_t network, vigil_error *err)
{
    int rc;
    memset(out, 0, sizeof *out);
    if (who->role == VIGIL_ROLE_ANALYST)
        return vigil_error_set(err, VIGIL_EDENIED, "links: not allowed for user '%s' (analysts see statistics only)",
                               who->name);
    if (case_id && (rc = vg_policy_can_read(reg, who, case_id, err)) < 0)
        return rc;
    if (case_id && vg_policy_sees_all(who)) {
        int64_t n = 0;
        char ids[24];
        const char *p[1] = {ids};
        snprintf(ids, sizeof ids, "%lld", (long long)case_id);
        if ((rc = vg_db_int(reg->db, &n, "SELECT count(*) FROM cases WHERE id = ?", p, 1, err)) < 0)
            return rc;
        if (!n)
            return vigil_error_set(err, VIGIL_ENOTFOUND, "unknown case %lld", (long long)case_id);
    }
    if ((rc = load_links(out, reg, who, err)) == 0 && (rc = networks(out, err)) == 0) {
        select_links(out, case_id, network);
        if (network && out->nnetworks == 0)
            rc = vigil_error_set(err, VIGIL_ENOTFOUND, "unknown network %lld", (long long)network);
    }
    if (rc == 0)
        rc = audit_hidden(reg, who, out, err);
    for (size_t i = 0; rc == 0 && i < out->nlinks; i++) {   /* hidden ends carry no id */
        if (out->links[i].a.id < 0)
            out->links[i].a.id = 0;
        if (out->links[i].b.id < 0)
            out->links[i].b.id = 0;
    }
    if (rc < 0)
        vigil_link_view_free(out);
    return rc;
}

void vigil_link_view_free(vigil_link_view *v)
{
    free(v->links);
    free(v->networks);
    memset(v, 0, sizeof *v);
}

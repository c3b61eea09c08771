/*
 * vigil case items: a case's items by key, each with its first place and how many places it
 * was seen in; an audited read of the case.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/reg.h"
#include "vigil/case_items.h"

static void cell_copy(char *dst, size_t cap, const vg_rows *r, size_t i, size_t c)
{
    const char *s = vg_cell(r, i, c);
    snprintf(dst, cap, "%s", s ? s : "");
}

static int load(vigil_case_item_list *out, vigil_registry *reg, const char *ids, const char *verdict,
                vigil_error *err)
{
    const char *p[2] = {ids, verdict};
    vg_rows r, pl;
    size_t k = 0;
    int rc = vg_db_query(reg->db, &r, verdict
                         ? "SELECT key, md5, sha1, sha256, pdq, pdq_quality, size, verdict, hashset, category, series"
                           " FROM case_items WHERE case_id = ? AND verdict = ? ORDER BY key"
                         : "SELECT key, md5, sha1, sha256, pdq, pdq_quality, size, verdict, hashset, category, series"
                           " FROM case_items WHERE case_id = ? ORDER BY key", p, verdict ? 2 : 1, err);
    if (rc < 0)
        return rc;
    /* the places of the same items in the same order (the backend's collation: merged by equality) */
    rc = vg_db_query(reg->db, &pl, verdict
                     ? "SELECT p.key, p.container, p.path FROM case_item_places p JOIN case_items i"
                       " ON i.case_id = p.case_id AND i.key = p.key WHERE p.case_id = ? AND i.verdict = ?"
                       " ORDER BY p.key, p.container, p.path"
                     : "SELECT key, container, path FROM case_item_places WHERE case_id = ?"
                       " ORDER BY key, container, path", p, verdict ? 2 : 1, err);
    if (rc < 0) {
        vg_rows_free(&r);
        return rc;
    }
    if (r.nrows && !(out->rows = calloc(r.nrows, sizeof *out->rows)))
        rc = vigil_error_set(err, VIGIL_ENOMEM, "case items: out of memory");
    for (size_t i = 0; rc == 0 && i < r.nrows; i++) {
        vigil_case_item_row *row = &out->rows[i];
        cell_copy(row->key, sizeof row->key, &r, i, 0);
        cell_copy(row->md5, sizeof row->md5, &r, i, 1);
        cell_copy(row->sha1, sizeof row->sha1, &r, i, 2);
        cell_copy(row->sha256, sizeof row->sha256, &r, i, 3);
        cell_copy(row->pdq, sizeof row->pdq, &r, i, 4);
        row->pdq_quality = vg_cell(&r, i, 5) ? (int)vg_cell_i64(&r, i, 5) : -1;
        row->size = (uint64_t)vg_cell_i64(&r, i, 6);
        cell_copy(row->verdict, sizeof row->verdict, &r, i, 7);
        cell_copy(row->set, sizeof row->set, &r, i, 8);
        cell_copy(row->category, sizeof row->category, &r, i, 9);
        cell_copy(row->series, sizeof row->series, &r, i, 10);
        for (; k < pl.nrows && !strcmp(vg_cell(&pl, k, 0), row->key); k++) {
            if (!row->places++) {
                row->container = strdup(vg_cell(&pl, k, 1));
                row->path = strdup(vg_cell(&pl, k, 2));
                if (!row->container || !row->path)
                    rc = vigil_error_set(err, VIGIL_ENOMEM, "case items: out of memory");
            }
        }
        out->n = i + 1;
    }
    vg_rows_free(&r);
    vg_rows_free(&pl);
    return rc;
}

int vigil_case_items(vigil_case_item_list *out, vigil_registry *reg, const vigil_actor *who, int64_t case_id,
                     const char *verdict, vigil_error *err)
{
    static const char *const verdicts[] = {"illegal", "benign", "interest", "near", "unknown", "error"};
    char ids[24], obj[32];
    int rc, known = !verdict;
    memset(out, 0, sizeof *out);
    if ((rc = vg_policy_can_read(reg, who, case_id, err)) < 0)
        return rc;
    for (size_t i = 0; verdict && i < sizeof verdicts / sizeof verdicts[0]; i++)
        known |= !strcmp(verdict, verdicts[i]);
    if (!known)
        return vigil_error_set(err, VIGIL_EINPUT, "unknown verdict '%s' (illegal benign interest near unknown error)",
                               verdict);
    snprintf(ids, sizeof ids, "%lld", (long long)case_id);
    snprintf(obj, sizeof obj, "case:%lld", (long long)case_id);
    if (vg_policy_sees_all(who)) {
        int64_t n = 0;
        const char *p[1] = {ids};
        if ((rc = vg_db_int(reg->db, &n, "SELECT count(*) FROM cases WHERE id = ?", p, 1, err)) < 0)
            return rc;
        if (!n)
            return vigil_error_set(err, VIGIL_ENOTFOUND, "unknown case %lld", (long long)case_id);
    }
    if ((rc = vg_db_begin(reg->db, err)) < 0)
        return rc;
    rc = load(out, reg, ids, verdict, err);
    if (rc == 0)
        rc = vg_reg_audit(reg, who, "case.items.read", obj, verdict, 0, err);
    if (rc == 0)
        rc = vg_db_commit(reg->db, err);
    else
        vg_db_rollback(reg->db);
    if (rc < 0)
        vigil_case_item_list_free(out);
    return rc;
}

void vigil_case_item_list_free(vigil_case_item_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->rows[i].path);
        free(l->rows[i].container);
    }
    free(l->rows);
    memset(l, 0, sizeof *l);
}

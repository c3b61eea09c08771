/*
 * A case's own hash sets (vigil/categorize.h): every categorized item of the case, with its
 * digests, PDQ hash, size, category and series (victim identified when the series is recorded
 * so), written as a new version of "case-N" (illegal) or "case-N-interest" (interest) in the
 * store a scan reads, provenance "case N". The registry has already checked that who may change
 * the case, so the store lets the change through; it is audited in the registry's log.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/categorize.h"
#include "hashset/store_audit.h"

void vg_own_set_name(char *out, size_t cap, int64_t case_id, vigil_hashset_kind kind)
{
    snprintf(out, cap, "case-%lld%s", (long long)case_id, kind == VIGIL_KIND_ILLEGAL ? "" : "-interest");
}

static const char *cell(const vg_rows *r, size_t i, size_t c)
{
    const char *s = vg_cell(r, i, c);
    return s && *s ? s : NULL;
}

/* Write one set from the rows of its kind, or remove it when there are none. */
static int make_one(uint64_t *entries, vigil_store *st, const vg_rows *r, vigil_hashset_kind kind, const char *name,
                    const char *source, const vigil_actor *who, vigil_error *err)
{
    vigil_import_opts o = {.name = name, .kind = kind, .replace = 1, .who = who->name};
    vigil_hashset_entry *v = calloc(r->nrows ? r->nrows : 1, sizeof *v);
    vigil_import_stats s;
    vigil_hashset_kind k;
    vigil_error tmp;
    size_t n = 0;
    int rc = 0;
    if (!v)
        return vigil_error_set(err, VIGIL_ENOMEM, "categorize: out of memory");
    for (size_t i = 0; i < r->nrows; i++) {
        if (vigil_category_kind(&k, vg_cell(r, i, 6), &tmp) < 0 || k != kind)
            continue;
        v[n++] = (vigil_hashset_entry){cell(r, i, 0), cell(r, i, 1), cell(r, i, 2), cell(r, i, 3),
                                       cell(r, i, 4) ? (int)vg_cell_i64(r, i, 4) : -1, vg_cell_i64(r, i, 5),
                                       vg_cell(r, i, 6), cell(r, i, 7), vg_cell_i64(r, i, 8) != 0};
    }
    *entries = n;
    if (n)
        rc = vigil_hashset_import_entries(&s, st, v, n, source, &o, err);
    else if ((rc = vigil_hashset_remove(st, name, &tmp)) == VIGIL_ENOTFOUND)
        rc = 0;
    else if (rc < 0)
        vigil_error_set(err, tmp.code, "%s", tmp.msg);
    if (n && rc == 0)
        *entries = s.added;
    free(v);
    return rc;
}

int vg_own_sets_make(vigil_categorize_result *res, vigil_registry *reg, vigil_store *st, const vigil_actor *who,
                     int64_t case_id, vigil_error *err)
{
    char ids[24], source[40];
    const char *p[1] = {ids};
    vg_rows r;
    int rc;
    snprintf(ids, sizeof ids, "%lld", (long long)case_id);
    snprintf(source, sizeof source, "case %lld", (long long)case_id);
    vg_own_set_name(res->set_illegal, sizeof res->set_illegal, case_id, VIGIL_KIND_ILLEGAL);
    vg_own_set_name(res->set_interest, sizeof res->set_interest, case_id, VIGIL_KIND_INTEREST);
    rc = vg_db_query(reg->db, &r,
                     "SELECT i.md5, i.sha1, i.sha256, i.pdq, i.pdq_quality, i.size, c.category, c.series,"
                     " COALESCE(s.identified, 0) FROM case_categories c"
                     " JOIN case_items i ON i.case_id = c.case_id AND i.key = c.key"
                     " LEFT JOIN series s ON s.name = c.series WHERE c.case_id = ? ORDER BY c.key",
                     p, 1, err);
    if (rc < 0)
        return rc;
    if ((rc = vg_store_set_audit(st, reg->db, &reg->clock, who->name, err)) == 0) {
        vg_store_set_policy(st, (1u << VIGIL_HASHSET__OPS) - 1);
        rc = make_one(&res->illegal, st, &r, VIGIL_KIND_ILLEGAL, res->set_illegal, source, who, err);
        if (rc == 0)
            rc = make_one(&res->interest, st, &r, VIGIL_KIND_INTEREST, res->set_interest, source, who, err);
    }
    vg_rows_free(&r);
    if (rc < 0) {
        char why[sizeof err->msg];
        snprintf(why, sizeof why, "%s", err->msg);
        return vigil_error_set(err, rc == VIGIL_ENOMEM ? VIGIL_ENOMEM : VIGIL_ESTORE,
                               "case %lld: the decisions are recorded, but its own sets were not made (%.300s);"
                               " categorize again to make them", (long long)case_id, why);
    }
    return 0;
}

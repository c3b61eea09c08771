/*
 * A unit's own hash sets (vigil/categorize.h): every categorized item of every case the unit
 * owns, with its digests, PDQ hash, size, category and series (victim identified when the series
 * is recorded so), written as a new version of "unit:CODE" (illegal) or "unit:CODE:interest"
 * (interest) in the store a scan reads. Each entry's record source is its case ("case N"), the
 * set's provenance lists the cases. The sets are made again from the registry's decisions, not
 * patched, so a re-categorized item stays while another case of the unit still holds it. The
 * registry has already checked that who may change the case, and who sees every case of its
 * owner unit (an officer of that unit, or one who sees all), so the sets are whole; the store
 * lets the change through, and it is audited in the registry's log. The per-case sets an older
 * vigil wrote ("case-N", "case-N-interest") of the unit's categorized cases go in the same step.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/categorize.h"
#include "hashset/catalog.h"
#include "hashset/store_audit.h"

void vg_own_set_name(char *out, size_t cap, const char *unit_code, vigil_hashset_kind kind)
{
    snprintf(out, cap, VIGIL_HASHSET_UNIT_PREFIX "%s%s", unit_code, kind == VIGIL_KIND_ILLEGAL ? "" : ":interest");
}

int vg_own_unit(vg_own_unit_t *out, vigil_registry *reg, int64_t case_id, vigil_error *err)
{
    char ids[24];
    const char *p[1] = {ids};
    vg_rows r;
    int rc;
    snprintf(ids, sizeof ids, "%lld", (long long)case_id);
    rc = vg_db_query(reg->db, &r, "SELECT u.id, u.code FROM cases c JOIN units u ON u.id = c.owner_unit WHERE c.id = ?",
                     p, 1, err);
    if (rc < 0)
        return rc;
    if (r.nrows == 0)
        rc = vigil_error_set(err, VIGIL_ENOTFOUND, "unknown case %lld", (long long)case_id);
    else {
        out->id = vg_cell_i64(&r, 0, 0);
        snprintf(out->code, sizeof out->code, "%s", vg_cell(&r, 0, 1));
    }
    vg_rows_free(&r);
    return rc;
}

static const char *cell(const vg_rows *r, size_t i, size_t c)
{
    const char *s = vg_cell(r, i, c);
    return s && *s ? s : NULL;
}

/* Write one set from the rows of its kind, or remove it when there are none. */
static int make_one(uint64_t *entries, vigil_store *st, const vg_rows *r, const char (*src)[32],
                    vigil_hashset_kind kind, const char *name, const vigil_actor *who, vigil_error *err)
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
                                       vg_cell(r, i, 6), cell(r, i, 7), vg_cell_i64(r, i, 8) != 0, src[i]};
    }
    *entries = n;
    if (n)
        rc = vigil_hashset_import_entries(&s, st, v, n, src[0], &o, err);
    else if ((rc = vigil_hashset_remove(st, name, &tmp)) == VIGIL_ENOTFOUND)
        rc = 0;
    else if (rc < 0)
        vigil_error_set(err, tmp.code, "%s", tmp.msg);
    if (n && rc == 0)
        *entries = s.added;
    free(v);
    return rc;
}

/* Is set the per-case set an older vigil wrote for one of the cases in the rows (column 9)? Its
 * name, its format and its source all say so; an imported list named so is not. */
static int old_case_set(const vg_store_set *set, const vg_rows *r)
{
    char name[48], source[40];
    for (size_t i = 0; i < r->nrows; i++) {
        if (i > 0 && !strcmp(vg_cell(r, i, 9), vg_cell(r, i - 1, 9)))
            continue;
        snprintf(source, sizeof source, "case %s", vg_cell(r, i, 9));
        if (!set->format || strcmp(set->format, "case") || !set->sources || strcmp(set->sources, source))
            continue;
        snprintf(name, sizeof name, "case-%s", vg_cell(r, i, 9));
        if (!strcmp(set->name, name))
            return 1;
        snprintf(name, sizeof name, "case-%s-interest", vg_cell(r, i, 9));
        if (!strcmp(set->name, name))
            return 1;
    }
    return 0;
}

/* Remove the per-case sets of the unit's categorized cases, now in the unit's sets. */
static int remove_old_sets(uint64_t *removed, vigil_store *st, const vg_rows *r, vigil_error *err)
{
    vg_store_set *sets;
    size_t n;
    int rc = vg_store_snapshot(&sets, &n, st, err);
    if (rc < 0)
        return rc;
    for (size_t i = 0; rc == 0 && i < n; i++)
        if (old_case_set(&sets[i], r) && (rc = vigil_hashset_remove(st, sets[i].name, err)) == 0)
            (*removed)++;
    vg_store_snapshot_free(sets, n);
    return rc;
}

int vg_own_sets_make(vigil_categorize_result *res, vigil_registry *reg, vigil_store *st, const vigil_actor *who,
                     const vg_own_unit_t *unit, vigil_error *err)
{
    char ids[24];
    const char *p[1] = {ids};
    char (*src)[32] = NULL;
    vg_rows r;
    int rc;
    snprintf(ids, sizeof ids, "%lld", (long long)unit->id);
    vg_own_set_name(res->set_illegal, sizeof res->set_illegal, unit->code, VIGIL_KIND_ILLEGAL);
    vg_own_set_name(res->set_interest, sizeof res->set_interest, unit->code, VIGIL_KIND_INTEREST);
    rc = vg_db_query(reg->db, &r,
                     "SELECT i.md5, i.sha1, i.sha256, i.pdq, i.pdq_quality, i.size, c.category, c.series,"
                     " COALESCE(s.identified, 0), c.case_id FROM case_categories c"
                     " JOIN cases k ON k.id = c.case_id"
                     " JOIN case_items i ON i.case_id = c.case_id AND i.key = c.key"
                     " LEFT JOIN series s ON s.name = c.series WHERE k.owner_unit = ? ORDER BY c.case_id, c.key",
                     p, 1, err);
    if (rc < 0)
        return rc;
    if (!(src = calloc(r.nrows ? r.nrows : 1, sizeof *src)))
        rc = vigil_error_set(err, VIGIL_ENOMEM, "categorize: out of memory");
    for (size_t i = 0; rc == 0 && i < r.nrows; i++)
        snprintf(src[i], sizeof src[i], "case %s", vg_cell(&r, i, 9));
    if (rc == 0 && (rc = vg_store_set_audit(st, reg->db, &reg->clock, who->name, err)) == 0) {
        vg_store_set_policy(st, (1u << VIGIL_HASHSET__OPS) - 1);
        rc = make_one(&res->illegal, st, &r, src, VIGIL_KIND_ILLEGAL, res->set_illegal, who, err);
        if (rc == 0)
            rc = make_one(&res->interest, st, &r, src, VIGIL_KIND_INTEREST, res->set_interest, who, err);
        if (rc == 0)
            rc = remove_old_sets(&res->replaced, st, &r, err);
    }
    free(src);
    vg_rows_free(&r);
    if (rc < 0) {
        char why[sizeof err->msg];
        snprintf(why, sizeof why, "%s", err->msg);
        return vigil_error_set(err, rc == VIGIL_ENOMEM ? VIGIL_ENOMEM : VIGIL_ESTORE,
                               "unit %s: the decisions are recorded, but its own sets were not made (%.300s);"
                               " categorize again to make them", unit->code, why);
    }
    return 0;
}

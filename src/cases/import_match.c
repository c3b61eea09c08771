/*
 * `case import` of cases already stored: a case whose unit already has its reference is compared
 * with the registry, record by record (the case line, suspects, each referral and its answer,
 * the last status), so that importing a file twice changes nothing and a file that disagrees
 * with the registry names the first line that does.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cases/import.h"

/* Text columns compare NULL and "" alike. */
static int same_text(const char *a, const char *b)
{
    return !strcmp(a ? a : "", b ? b : "");
}

#define DIFFERS(ln, ...) differs(im, c, (ln), err, __VA_ARGS__)

__attribute__((format(printf, 5, 6)))
static int differs(importer *im, const imp_case *c, uint64_t ln, vigil_error *err, const char *fmt, ...)
{
    char why[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    return BAD("%s:%llu: case %s of %s is stored (case %lld) differently: %s", im->path, (unsigned long long)ln,
               c->ref, vg_imp_unit_code(im, c->reg_unit), (long long)c->id, why);
}

/* The stored case's row and suspects against the file's. */
static int match_core(importer *im, imp_case *c, vigil_error *err)
{
    vg_rows r;
    char ids[24], at[24];
    const char *p[1] = {ids};
    int rc;
    snprintf(ids, sizeof ids, "%lld", (long long)c->id);
    if ((rc = vg_db_query(im->reg->db, &r, "SELECT type, title, status, outcome, registered_at FROM cases"
                          " WHERE id = ?", p, 1, err)) < 0)
        return rc;
    vg_iso(at, c->reg_t);
    if (r.nrows != 1)
        rc = DIFFERS(c->line, "not readable");
    else if (strcmp(vg_cell(&r, 0, 0), c->type))
        rc = DIFFERS(c->line, "offence type %s, stored %s", c->type, vg_cell(&r, 0, 0));
    else if (!same_text(vg_cell(&r, 0, 1), c->title))
        rc = DIFFERS(c->line, "title '%s', stored '%s'", c->title ? c->title : "",
                     vg_cell(&r, 0, 1) ? vg_cell(&r, 0, 1) : "");
    else if (strcmp(vg_cell(&r, 0, 4), at))
        rc = DIFFERS(c->line, "registered %s, stored %s", at, vg_cell(&r, 0, 4));
    else if (strcmp(vg_cell(&r, 0, 2), vg_imp_status[c->status]) || !same_text(vg_cell(&r, 0, 3), c->outcome))
        rc = DIFFERS(c->status_line ? c->status_line : c->line, "status %s%s%s, stored %s%s%s", vg_imp_status[c->status],
                     c->outcome ? " " : "", c->outcome ? c->outcome : "", vg_cell(&r, 0, 2),
                     vg_cell(&r, 0, 3) ? " " : "", vg_cell(&r, 0, 3) ? vg_cell(&r, 0, 3) : "");
    vg_rows_free(&r);
    if (rc < 0 || (rc = vg_db_query(im->reg->db, &r, "SELECT suspect FROM suspects WHERE case_id = ?"
                                    " ORDER BY suspect", p, 1, err)) < 0)
        return rc;
    for (int k = 0; rc == 0 && k < c->nsusp; k++) {
        int found = 0;
        for (size_t j = 0; j < r.nrows && !found; j++)
            found = !strcmp(vg_cell(&r, j, 0), c->susp[k]);
        if (!found)
            rc = DIFFERS(c->susp_line, "suspect %s is not stored", c->susp[k]);
    }
    for (size_t j = 0; rc == 0 && j < r.nrows; j++) {
        int found = 0;
        for (int k = 0; k < c->nsusp && !found; k++)
            found = !strcmp(vg_cell(&r, j, 0), c->susp[k]);
        if (!found)
            rc = DIFFERS(c->susp_line ? c->susp_line : c->line, "stored suspect %s is not in the file",
                         vg_cell(&r, j, 0));
    }
    vg_rows_free(&r);
    return rc;
}

/* The stored case's referrals against the file's, in order. */
static int match_refs(importer *im, imp_case *c, vigil_error *err)
{
    vg_rows r;
    char ids[24], sent[24], ans[24];
    const char *p[1] = {ids};
    size_t k = 0;
    int rc;
    snprintf(ids, sizeof ids, "%lld", (long long)c->id);
    if ((rc = vg_db_query(im->reg->db, &r, "SELECT to_unit, sent_at, due_day, state, answered_at, reason, note"
                          " FROM referrals WHERE case_id = ? ORDER BY id", p, 1, err)) < 0)
        return rc;
    for (size_t i = 0; rc == 0 && i < im->nrefs; i++) {
        const imp_ref *f = &im->refs[i];
        if (&im->cases[f->c] != c)
            continue;
        if (k == r.nrows) {
            rc = DIFFERS(f->line, "this referral is not stored");
            break;
        }
        vg_iso(sent, f->sent_t);
        vg_iso(ans, f->ans_t);
        if (vg_cell_i64(&r, k, 0) != f->to || strcmp(vg_cell(&r, k, 1), sent) || vg_cell_i64(&r, k, 2) != f->due_day)
            rc = DIFFERS(f->line, "stored referral %zu went to %s on %.10s", k + 1, vg_imp_unit_code(im, vg_cell_i64(&r, k, 0)),
                         vg_cell(&r, k, 1));
        else if (strcmp(vg_cell(&r, k, 3), f->state) || !same_text(vg_cell(&r, k, 4), f->ans_t ? ans : NULL) ||
                 !same_text(vg_cell(&r, k, 5), f->reason) || !same_text(vg_cell(&r, k, 6), f->note))
            rc = DIFFERS(f->ans_line ? f->ans_line : f->line, "stored referral %zu is %s%s%.10s%s%s%s", k + 1,
                         vg_cell(&r, k, 3), vg_cell(&r, k, 4) ? " on " : "", vg_cell(&r, k, 4) ? vg_cell(&r, k, 4) : "",
                         vg_cell(&r, k, 5) ? " (" : "", vg_cell(&r, k, 5) ? vg_cell(&r, k, 5) : "",
                         vg_cell(&r, k, 5) ? ")" : "");
        k++;
    }
    if (rc == 0 && k < r.nrows)
        rc = DIFFERS(c->line, "%zu referrals stored, %zu in the file", r.nrows, k);
    vg_rows_free(&r);
    return rc;
}

/* Cases whose unit already has their reference: the same as stored, or a bad line. */
int vg_imp_match_stored(importer *im, uint64_t *unchanged, vigil_error *err)
{
    vg_rows r;
    int rc = vg_db_query(im->reg->db, &r, "SELECT id, reg_unit, ref FROM cases WHERE ref IS NOT NULL", NULL, 0, err);
    if (rc < 0)
        return rc;
    for (size_t i = 0; rc == 0 && i < r.nrows; i++) {
        imp_case *c = vg_imp_find_case(im, vg_cell(&r, i, 2));
        if (!c || c->reg_unit != vg_cell_i64(&r, i, 1))
            continue;
        c->id = vg_cell_i64(&r, i, 0);
        c->stored = 1;
        if ((rc = match_core(im, c, err)) == 0)
            rc = match_refs(im, c, err);
        ++*unchanged;
    }
    vg_rows_free(&r);
    return rc;
}


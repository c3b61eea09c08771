/*
 * A case's history: one row per registration, referral, answer and status change, with who
 * did it and when, written in the transaction of the change. Referral rows keep only their
 * latest state (a returned referral no longer says when it was accepted); the history keeps
 * every step.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/reg.h"

int vg_case_event(vigil_registry *reg, const vigil_actor *who, int64_t case_id, int64_t t, const char *event,
                  const char *detail, vigil_error *err)
{
    char ids[24], at[24];
    const char *p[5] = {ids, at, who->name, event, detail};
    snprintf(ids, sizeof ids, "%lld", (long long)case_id);
    vg_iso(at, t);
    return vg_db_exec(reg->db, "INSERT INTO case_events(case_id, at, who, event, detail) VALUES(?, ?, ?, ?, ?)", p,
                      5, NULL, err);
}

int vg_case_history_load(vigil_case *c, vigil_registry *reg, vigil_error *err)
{
    vg_rows r;
    char ids[24];
    const char *p[1] = {ids};
    int rc;
    snprintf(ids, sizeof ids, "%lld", (long long)c->id);
    rc = vg_db_query(reg->db, &r, "SELECT at, who, event, detail FROM case_events WHERE case_id = ?"
                     " ORDER BY at, id", p, 1, err);
    if (rc < 0)
        return rc;
    if (r.nrows && !(c->history = calloc(r.nrows, sizeof *c->history))) {
        vg_rows_free(&r);
        return vigil_error_set(err, VIGIL_ENOMEM, "case: out of memory");
    }
    for (size_t i = 0; i < r.nrows; i++) {
        vigil_case_event *e = &c->history[i];
        snprintf(e->at, sizeof e->at, "%s", vg_cell(&r, i, 0));
        snprintf(e->who, sizeof e->who, "%s", vg_cell(&r, i, 1) ? vg_cell(&r, i, 1) : "");
        snprintf(e->event, sizeof e->event, "%s", vg_cell(&r, i, 2));
        if (vg_cell(&r, i, 3) && !(e->detail = strdup(vg_cell(&r, i, 3)))) {
            vg_rows_free(&r);
            return vigil_error_set(err, VIGIL_ENOMEM, "case: out of memory");
        }
        c->nhistory++;
    }
    vg_rows_free(&r);
    return 0;
}

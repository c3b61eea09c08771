/* The registry's users, listed for those who may add them (admins and national officers). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/reg.h"

int vigil_user_list(vigil_user_row **out, size_t *n, vigil_registry *reg, const vigil_actor *who,
                    vigil_error *err)
{
    vg_rows r;
    int rc;
    *out = NULL;
    *n = 0;
    if ((rc = vg_policy_check(who, VG_ACT_ADMIN, 0, "user list", err)) < 0)
        return rc;
    rc = vg_db_query(reg->db, &r,
                     "SELECT u.name, un.code, u.role, u.os_user FROM users u LEFT JOIN units un ON un.id = u.unit_id "
                     "ORDER BY u.name", NULL, 0, err);
    if (rc < 0)
        return rc;
    if (r.nrows && !(*out = calloc(r.nrows, sizeof **out))) {
        vg_rows_free(&r);
        return vigil_error_set(err, VIGIL_ENOMEM, "user list: out of memory");
    }
    for (size_t i = 0; i < r.nrows; i++) {
        vigil_user_row *u = &(*out)[i];
        snprintf(u->name, sizeof u->name, "%s", vg_cell(&r, i, 0));
        snprintf(u->unit, sizeof u->unit, "%s", vg_cell(&r, i, 1) ? vg_cell(&r, i, 1) : "");
        if (vigil_role_parse(&u->role, vg_cell(&r, i, 2)) < 0)
            u->role = VIGIL_ROLE_ANALYST;
        snprintf(u->os_user, sizeof u->os_user, "%s", vg_cell(&r, i, 3) ? vg_cell(&r, i, 3) : "");
    }
    *n = r.nrows;
    vg_rows_free(&r);
    return 0;
}

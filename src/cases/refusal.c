/*
 * Requests a front end refused (vigil serve): one audit event each, so that a unit can see who
 * tried what on its cases and an admin who knocked at the service. The event names the actor
 * (or "(nobody)"), the route and the reason; a request's body never reaches the log.
 */
#include <stdio.h>
#include <string.h>

#include "cases/reg.h"

int vigil_audit_refusal(vigil_registry *reg, const char *who, const char *method, const char *path, unsigned status,
                        const char *reason, vigil_error *err)
{
    vigil_actor actor = {0};
    char object[96], detail[512];
    long long id;
    int n = 0, rc;
    snprintf(actor.name, sizeof actor.name, "%s", who && *who ? who : "(nobody)");
    /* a refusal on a case is an event of that case: its unit sees it in the case's history */
    if (sscanf(path, "/api/v1/cases/%lld%n", &id, &n) == 1 && id > 0 && (path[n] == '\0' || path[n] == '/'))
        snprintf(object, sizeof object, "case:%lld", id);
    else
        snprintf(object, sizeof object, "route:%.80s", path);
    snprintf(detail, sizeof detail, "%.15s %.200s: %u %.250s", method, path, status, reason ? reason : "");
    if ((rc = vg_db_begin(reg->db, err)) < 0)
        return rc;
    if ((rc = vg_reg_audit(reg, &actor, "serve.refused", object, detail, 0, err)) == 0 &&
        (rc = vg_db_commit(reg->db, err)) == 0)
        return 0;
    vg_db_rollback(reg->db);
    return rc;
}

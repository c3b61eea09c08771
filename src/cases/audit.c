/*
 * The registry's side of the audit log: its events carry the acting user's name, the
 * public verify checks the policy before it walks the chain, and a hash-set store can be
 * pointed at the registry's log.
 */
#include <string.h>

#include "cases/reg.h"
#include "hashset/store_audit.h"

int vg_reg_audit(vigil_registry *reg, const vigil_actor *who, const char *action, const char *object,
                 const char *detail, int64_t event_at, vigil_error *err)
{
    return vg_audit_append(reg->db, &reg->clock, who->name, action, object, detail, event_at, err);
}

int vigil_audit_verify(vigil_audit_report *out, vigil_registry *reg, const vigil_actor *who,
                       vigil_error *err)
{
    int rc;
    memset(out, 0, sizeof *out);
    if ((rc = vg_policy_check(who, VG_ACT_ADMIN, 0, "audit verify", err)) < 0)
        return rc;
    return vg_audit_verify(out, reg->db, err);
}

int vigil_audit_hashsets(vigil_store *st, vigil_registry *reg, const vigil_actor *who, vigil_error *err)
{
    int rc = vg_store_set_audit(st, reg->db, &reg->clock, who->name, err);
    if (rc == 0)
        vg_store_set_policy(st, vg_hashset_policy_ops(reg, who));
    return rc;
}

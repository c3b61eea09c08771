/* Keeping the registry: its online copy and its check (vigil/registry.h). */
#include <stdio.h>
#include <string.h>

#include "cases/reg.h"
#include "vigil/audit.h"

int vigil_registry_backup(vigil_registry *reg, const vigil_actor *who, const char *dest, uint64_t *bytes,
                          vigil_error *err)
{
    int rc = vg_policy_check(who, VG_ACT_ADMIN, 0, "db backup", err);
    if (rc == 0 && vg_db_is_pg(reg->db))
        rc = vigil_error_set(err, VIGIL_EINPUT, "the registry is on PostgreSQL: copy it with pg_dump");
    /* the event first, so that the copy holds the record of its own making */
    if (rc == 0)
        rc = vg_reg_audit(reg, who, "registry.backup", "registry", dest, 0, err);
    return rc < 0 ? rc : vg_db_backup(reg->db, dest, bytes, err);
}

typedef struct check_ctx {
    vigil_problem_fn fn;
    void *ud;
} check_ctx;

static void on_problem(void *ud, const char *line)
{
    check_ctx *c = ud;
    c->fn(c->ud, line);
}

int vigil_registry_check(vigil_registry *reg, const vigil_actor *who, vigil_problem_fn fn, void *ud,
                         uint64_t *problems, vigil_error *err)
{
    check_ctx c = {fn, ud};
    vigil_audit_report ar;
    uint64_t n = 0;
    int rc = vg_policy_check(who, VG_ACT_ADMIN, 0, "db check", err);
    *problems = 0;
    if (rc == 0)
        rc = vg_reg_audit(reg, who, "registry.check", "registry", NULL, 0, err);
    if (rc == 0)
        rc = vg_db_integrity(reg->db, on_problem, &c, &n, err);
    if (rc == 0)
        rc = vigil_audit_verify(&ar, reg, who, err);
    if (rc == 0 && ar.bad_seq) {
        char line[512];
        snprintf(line, sizeof line, "audit log: event %lld: %s; the log cannot be mended in place: compare with"
                 " the last backup (vigil --db BACKUP audit list) to see what changed", (long long)ar.bad_seq, ar.why);
        fn(ud, line);
        n++;
    }
    *problems = n;
    return rc;
}

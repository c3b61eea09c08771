/*
 * The access policy for changes to the known-hash sets: which roles may import, replace,
 * remove, dispute and undispute (admins and officers of the national unit unless the
 * configuration says otherwise), and the "hashset.<op> = role..." configuration lines.
 * The store itself is held to it through vigil_audit_hashsets (audit.c).
 */
#include <stdio.h>
#include <string.h>

#include "cases/reg.h"

static const char *const op_names[VIGIL_HASHSET__OPS] = {"import", "replace", "remove", "dispute", "undispute"};

static const struct { const char *name; unsigned bit; } allow_names[] = {
    {"admin", VIGIL_ALLOW_ADMIN}, {"national", VIGIL_ALLOW_NATIONAL},
    {"officer", VIGIL_ALLOW_OFFICER}, {"analyst", VIGIL_ALLOW_ANALYST}};

const char *vigil_hashset_op_name(vigil_hashset_op op)
{
    return (unsigned)op < VIGIL_HASHSET__OPS ? op_names[op] : "?";
}

void vg_hashset_policy_defaults(vigil_config *cfg)
{
    for (int i = 0; i < VIGIL_HASHSET__OPS; i++)
        cfg->hashset_allow[i] = VIGIL_ALLOW_ADMIN | VIGIL_ALLOW_NATIONAL;
}

int vg_hashset_policy_line(vigil_config *cfg, const char *op, const char *value, const char *path, int ln,
                           vigil_error *err)
{
    char word[32];
    unsigned mask = 0;
    int i, n, none = 0, words = 0;
    for (i = 0; i < VIGIL_HASHSET__OPS && strcmp(op, op_names[i]); i++)
        ;
    if (i == VIGIL_HASHSET__OPS)
        return vigil_error_set(err, VIGIL_EINPUT,
                               "%s:%d: unknown key 'hashset.%s' (import, replace, remove, dispute, undispute)",
                               path, ln, op);
    while (sscanf(value, " %31s%n", word, &n) == 1) {
        size_t k;
        value += n;
        words++;
        if (!strcmp(word, "none")) {
            none = 1;
            continue;
        }
        for (k = 0; k < sizeof allow_names / sizeof allow_names[0] && strcmp(word, allow_names[k].name); k++)
            ;
        if (k == sizeof allow_names / sizeof allow_names[0])
            return vigil_error_set(err, VIGIL_EINPUT,
                                   "%s:%d: hashset.%s: '%s' is not admin, national, officer, analyst or none",
                                   path, ln, op, word);
        mask |= allow_names[k].bit;
    }
    if (none && words > 1)
        return vigil_error_set(err, VIGIL_EINPUT, "%s:%d: hashset.%s: 'none' stands alone", path, ln, op);
    cfg->hashset_allow[i] = mask;
    return 0;
}

/* Who may do what mask allows: "admin, national". */
static void allowed_list(char *buf, size_t cap, unsigned mask)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < sizeof allow_names / sizeof allow_names[0]; k++)
        if (mask & allow_names[k].bit) {
            int n = snprintf(buf + used, cap - used, "%s%s", used ? ", " : "", allow_names[k].name);
            if (n < 0 || (size_t)n >= cap - used)
                return;
            used += (size_t)n;
        }
    if (!used)
        snprintf(buf, cap, "no one");
}

static int allows(unsigned mask, const vigil_actor *who)
{
    switch (who->role) {
    case VIGIL_ROLE_ADMIN: return (mask & VIGIL_ALLOW_ADMIN) != 0;
    case VIGIL_ROLE_OFFICER:
        return (mask & VIGIL_ALLOW_OFFICER) || (who->national && (mask & VIGIL_ALLOW_NATIONAL));
    case VIGIL_ROLE_ANALYST: return (mask & VIGIL_ALLOW_ANALYST) != 0;
    }
    return 0;
}

unsigned vg_hashset_policy_ops(const vigil_registry *reg, const vigil_actor *who)
{
    unsigned ops = 0;
    for (int i = 0; i < VIGIL_HASHSET__OPS; i++)
        if (allows(reg->cfg.hashset_allow[i], who))
            ops |= 1u << i;
    return ops;
}

int vigil_hashset_authorize(vigil_registry *reg, const vigil_actor *who, vigil_hashset_op op, vigil_error *err)
{
    char list[64];
    if ((unsigned)op >= VIGIL_HASHSET__OPS)
        return vigil_error_set(err, VIGIL_EUSAGE, "hashset: unknown change %d", (int)op);
    if (allows(reg->cfg.hashset_allow[op], who))
        return 0;
    allowed_list(list, sizeof list, reg->cfg.hashset_allow[op]);
    return vigil_error_set(err, VIGIL_EDENIED, "hashset %s: not allowed for user '%s' (%s; allowed: %s)",
                           op_names[op], who->name,
                           who->role == VIGIL_ROLE_OFFICER ? (who->national ? "national officer" : "officer")
                                                           : vigil_role_name(who->role),
                           list);
}

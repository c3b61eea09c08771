/*
 * Categorizing a case's items (vigil/categorize.h): the decisions go to case_categories and
 * become the items' match, one audit event each, in one transaction; then the own hash sets of
 * the case's unit are made again from every decision on the unit's cases (own_sets.c does the
 * store's side).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/categorize.h"
#include "cases/items.h"
#include "cases/links.h"
#include "core/hex.h"

static const char *const illegal_codes[] = {"1", "A", "B", "C"};
static const char *const interest_codes[] = {"2", "3", "4"};

int vigil_category_kind(vigil_hashset_kind *out, const char *category, vigil_error *err)
{
    for (size_t i = 0; i < sizeof illegal_codes / sizeof illegal_codes[0]; i++)
        if (category && !strcmp(category, illegal_codes[i]))
            return *out = VIGIL_KIND_ILLEGAL, 0;
    for (size_t i = 0; i < sizeof interest_codes / sizeof interest_codes[0]; i++)
        if (category && !strcmp(category, interest_codes[i]))
            return *out = VIGIL_KIND_INTEREST, 0;
    return vigil_error_set(err, VIGIL_EINPUT,
                           "category '%.40s': expected 1, A, B or C (illegal) or 2, 3 or 4 (of interest)",
                           category ? category : "");
}

/* A decision as stored: the digest in lower case, its kind. */
typedef struct decision {
    char digest[65], key[72];
    const char *category, *series, *where;
    vigil_hashset_kind kind;
} decision;

static int check_one(decision *d, const vigil_categorization *c, vigil_error *err)
{
    size_t n = c->digest ? strlen(c->digest) : 0;
    vigil_error why;
    char place[300];
    snprintf(place, sizeof place, "%s", c->where ? c->where : "--digest");
    if ((n != 32 && n != 40 && n != 64) || !vg_is_hex(c->digest, n))
        return vigil_error_set(err, VIGIL_EINPUT, "%s: '%.70s' is not an MD5, SHA-1 or SHA-256 in hex", place,
                               c->digest ? c->digest : "");
    for (size_t i = 0; i <= n; i++)
        d->digest[i] = (char)tolower((unsigned char)c->digest[i]);
    if (vigil_category_kind(&d->kind, c->category, &why) < 0)
        return vigil_error_set(err, VIGIL_EINPUT, "%s: %.200s", place, why.msg);
    d->category = c->category;
    d->series = c->series && *c->series ? c->series : NULL;
    if (d->series && strlen(d->series) > 63)
        return vigil_error_set(err, VIGIL_EINPUT, "%s: series: at most 63 bytes", place);
    for (const char *s = d->series; s && *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return vigil_error_set(err, VIGIL_EINPUT, "%s: series: no control characters", place);
    d->where = c->where;
    return 0;
}

/* The item's key in the case: the digest itself when it is the key (SHA-1, or the strongest
 * digest the item has), else the item holding it in its own column. */
static int find_key(decision *d, vigil_registry *reg, const char *ids, int64_t case_id, vigil_error *err)
{
    static const char *const by_len[] = {
        "SELECT key FROM case_items WHERE case_id = ? AND md5 = ? ORDER BY key LIMIT 1",
        "SELECT key FROM case_items WHERE case_id = ? AND sha1 = ? ORDER BY key LIMIT 1",
        "SELECT key FROM case_items WHERE case_id = ? AND sha256 = ? ORDER BY key LIMIT 1"};
    const char *p[2] = {ids, d->digest};
    size_t n = strlen(d->digest), found;
    vg_rows r;
    int rc = vg_db_query(reg->db, &r, "SELECT key FROM case_items WHERE case_id = ? AND key = ?", p, 2, err);
    if (rc == 0 && r.nrows == 0) {
        vg_rows_free(&r);
        rc = vg_db_query(reg->db, &r, by_len[n == 32 ? 0 : n == 40 ? 1 : 2], p, 2, err);
    }
    if (rc < 0)
        return rc;
    found = r.nrows > 0;
    if (found)
        snprintf(d->key, sizeof d->key, "%s", vg_cell(&r, 0, 0));
    vg_rows_free(&r);
    if (!found)
        return d->where ? vigil_error_set(err, VIGIL_EINPUT, "%s: %s is no item of case %lld", d->where, d->digest,
                                          (long long)case_id)
                        : vigil_error_set(err, VIGIL_EINPUT, "digest %s is no item of case %lld", d->digest,
                                          (long long)case_id);
    return 0;
}

/* Record one decision and make it the item's match. */
static int record_one(const decision *d, vigil_registry *reg, const vigil_actor *who, const char *ids,
                      const char *set, const char *now, vigil_error *err)
{
    const char *pc[6] = {ids, d->key, d->category, d->series, who->name, now};
    const char *pi[6] = {d->kind == VIGIL_KIND_ILLEGAL ? "illegal" : "interest", set, d->category, d->series, ids,
                         d->key};
    int rc = vg_db_exec(reg->db,
                        "INSERT INTO case_categories(case_id, key, category, series, decided_by, decided_at)"
                        " VALUES(?, ?, ?, ?, ?, ?) ON CONFLICT(case_id, key) DO UPDATE SET"
                        " category = excluded.category, series = excluded.series,"
                        " decided_by = excluded.decided_by, decided_at = excluded.decided_at",
                        pc, 6, NULL, err);
    if (rc == 0)
        rc = vg_db_exec(reg->db,
                        "UPDATE case_items SET verdict = ?, hashset = ?, category = ?, series = ?"
                        " WHERE case_id = ? AND key = ?",
                        pi, 6, NULL, err);
    return rc;
}

/* The audit events: one per decision, "KEY: category C[, series S]", each with the case's state
 * (the decisions change none of the rows it is made of, so it is read once). */
static int audit_all(const decision *d, size_t n, vigil_registry *reg, const vigil_actor *who, int64_t case_id,
                     vigil_error *err)
{
    vg_audit_ev *ev = calloc(n ? n : 1, sizeof *ev);
    char **details = calloc(n ? n : 1, sizeof *details);
    char obj[32], state[65];
    int known = 0, rc = 0;
    snprintf(obj, sizeof obj, "case:%lld", (long long)case_id);
    if (!ev || !details)
        rc = vigil_error_set(err, VIGIL_ENOMEM, "categorize: out of memory");
    if (rc == 0)
        rc = vg_reg_state(state, &known, reg->db, obj, err);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        size_t cap = strlen(d[i].key) + strlen(d[i].category) + (d[i].series ? strlen(d[i].series) : 0) + 40;
        if (!(details[i] = malloc(cap))) {
            rc = vigil_error_set(err, VIGIL_ENOMEM, "categorize: out of memory");
            break;
        }
        snprintf(details[i], cap, "%s: category %s%s%s", d[i].key, d[i].category, d[i].series ? ", series " : "",
                 d[i].series ? d[i].series : "");
        ev[i] = (vg_audit_ev){obj, details[i], known ? state : NULL};
    }
    if (rc == 0)
        rc = vg_audit_append_many(reg->db, &reg->clock, who->name, "case.categorize", ev, n, err);
    for (size_t i = 0; details && i < n; i++)
        free(details[i]);
    free(details);
    free(ev);
    return rc;
}

/* A refusal leaves its trace on the case: the unit sees who tried. On PostgreSQL the refused
 * session does not see the case's rows, so the event carries no state rather than a wrong one. */
static void audit_refusal(vigil_registry *reg, const vigil_actor *who, int64_t case_id, const char *why)
{
    char obj[32];
    vigil_error tmp;
    int rc;
    snprintf(obj, sizeof obj, "case:%lld", (long long)case_id);
    if (vg_db_begin(reg->db, &tmp) < 0)
        return;
    rc = vg_db_is_pg(reg->db)
             ? vg_audit_append_state(reg->db, &reg->clock, who->name, "case.categorize.refused", obj, why, NULL, 0, &tmp)
             : vg_reg_audit(reg, who, "case.categorize.refused", obj, why, 0, &tmp);
    if (rc < 0 || vg_db_commit(reg->db, &tmp) < 0)
        vg_db_rollback(reg->db);
}

static int record_all(decision *d, size_t n, vigil_registry *reg, const vigil_actor *who, int64_t case_id,
                      const vg_own_unit_t *unit, vigil_error *err)
{
    char ids[24], now[24];
    int rc;
    snprintf(ids, sizeof ids, "%lld", (long long)case_id);
    vg_iso(now, vg_now());
    if ((rc = vg_db_begin(reg->db, err)) < 0)
        return rc;
    for (size_t i = 0; rc == 0 && i < n; i++)
        if ((rc = find_key(&d[i], reg, ids, case_id, err)) == 0) {
            char set[sizeof ((vigil_categorize_result *)0)->set_interest];
            vg_own_set_name(set, sizeof set, unit->code, d[i].kind);
            rc = record_one(&d[i], reg, who, ids, set, now, err);
        }
    if (rc == 0)
        rc = vg_links_update(reg, case_id, now, err);
    if (rc == 0)
        rc = audit_all(d, n, reg, who, case_id, err);
    if (rc == 0)
        rc = vg_db_commit(reg->db, err);
    if (rc < 0)
        vg_db_rollback(reg->db);
    return rc;
}

int vigil_case_categorize(vigil_categorize_result *res, vigil_registry *reg, vigil_store *st, const vigil_actor *who,
                          int64_t case_id, const vigil_categorization *v, size_t n, vigil_error *err)
{
    vg_own_unit_t unit;
    decision *d;
    int rc;
    memset(res, 0, sizeof *res);
    if ((rc = vg_case_writable(reg, who, case_id, err)) < 0) {
        if (rc == VIGIL_EDENIED)
            audit_refusal(reg, who, case_id, err->msg);
        return rc;
    }
    if ((rc = vg_own_unit(&unit, reg, case_id, err)) < 0)
        return rc;
    if (n == 0)
        return vigil_error_set(err, VIGIL_EINPUT, "categorize: no decision given");
    if (!(d = calloc(n, sizeof *d)))
        return vigil_error_set(err, VIGIL_ENOMEM, "categorize: out of memory");
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = check_one(&d[i], &v[i], err);
    if (rc == 0)
        rc = record_all(d, n, reg, who, case_id, &unit, err);
    free(d);
    if (rc < 0)
        return rc;
    res->decisions = n;
    snprintf(reg->last_change, sizeof reg->last_change, "case %lld: %zu item%s categorized", (long long)case_id, n,
             n == 1 ? "" : "s");
    return vg_own_sets_make(res, reg, st, who, &unit, err);
}

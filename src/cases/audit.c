/*
 * The registry's side of the audit log: its events carry the acting user's name and the
 * digest of the object's rows after the change (its state), the public verify checks the
 * policy, walks the chain and replays the log against the tables, and a hash-set store can
 * be pointed at the registry's log.
 */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/reg.h"
#include "core/hex.h"
#include "hashset/store_audit.h"

/* The rows of an object, by kind: per table its key, its columns and their order. The
 * columns are named, so that a column added later does not change the state of every
 * object written before it. */
typedef struct part {
    const char *table, *key, *cols, *order;
} part;

static const part case_parts[] = {
    {"cases", "id", "id, type, title, reg_unit, owner_unit, status, outcome, registered_at, reg_day,"
                    " self_registered, updated_at", "id"},
    {"suspects", "case_id", "suspect", "suspect"},
    {"signals", "case_id", "name, value", "name"},
    {"referrals", "case_id", "id, from_unit, to_unit, to_foreign, case_type, sent_at, sent_day, due_day, state,"
                            " answered_at, answered_day, reason, note", "id"},
    {NULL, NULL, NULL, NULL},
};
static const part unit_parts[] = {{"units", "code", "id, code, name, type, country, created_at", "id"},
                                  {NULL, NULL, NULL, NULL}};
static const part user_parts[] = {{"users", "name", "name, unit_id, role, os_user", "name"}, {NULL, NULL, NULL, NULL}};

typedef struct obj_kind {
    const char *prefix, *label;
    const part *parts;
} obj_kind;

static const obj_kind kinds[] = {
    {"case:", "case", case_parts},
    {"unit:", "unit", unit_parts},
    {"user:", "user", user_parts},
};

static const obj_kind *kind_of(const char *object)
{
    for (size_t i = 0; object && i < sizeof kinds / sizeof kinds[0]; i++)
        if (!strncmp(object, kinds[i].prefix, strlen(kinds[i].prefix)))
            return &kinds[i];
    return NULL;
}

/* Feed rows [from, to) of a result into the digest, from column col0 on: their count, then
 * each cell as its byte length and bytes ("-" for NULL). */
static int feed_rows(EVP_MD_CTX *c, const vg_rows *r, size_t from, size_t to, size_t col0)
{
    char pre[48];
    int n = snprintf(pre, sizeof pre, "rows %zu cols %zu\n", to - from, r->ncols - col0);
    int ok = EVP_DigestUpdate(c, pre, (size_t)n);
    for (size_t i = from; ok && i < to; i++)
        for (size_t k = col0; ok && k < r->ncols; k++) {
            const char *v = vg_cell(r, i, k);
            size_t l = vg_cell_len(r, i, k);
            n = v ? snprintf(pre, sizeof pre, "%zu:", l) : snprintf(pre, sizeof pre, "-:");
            ok = EVP_DigestUpdate(c, pre, (size_t)n) && (!v || EVP_DigestUpdate(c, v, l));
        }
    return ok;
}

static int digest_start(EVP_MD_CTX **c, const char *object, vigil_error *err)
{
    if (!(*c = EVP_MD_CTX_new()))
        return vigil_error_set(err, VIGIL_ENOMEM, "audit: out of memory");
    if (!EVP_DigestInit_ex(*c, EVP_sha256(), NULL) || !EVP_DigestUpdate(*c, object, strlen(object) + 1)) {
        EVP_MD_CTX_free(*c);
        return vigil_error_set(err, VIGIL_EINTERNAL, "audit: SHA-256 failed");
    }
    return 0;
}

static int digest_end(char out[65], EVP_MD_CTX *c, int ok, vigil_error *err)
{
    unsigned char md[32];
    unsigned int mdlen = 0;
    ok = ok && EVP_DigestFinal_ex(c, md, &mdlen);
    EVP_MD_CTX_free(c);
    if (!ok)
        return vigil_error_set(err, VIGIL_EINTERNAL, "audit: SHA-256 failed");
    vg_hex_encode(out, md, 32);
    return 0;
}

int vg_reg_state(char out[65], int *known, vg_db *db, const char *object, vigil_error *err)
{
    const obj_kind *k = kind_of(object);
    EVP_MD_CTX *c;
    int rc, ok = 1;
    *known = k != NULL;
    out[0] = '\0';
    if (!k)
        return 0;
    if ((rc = digest_start(&c, object, err)) < 0)
        return rc;
    for (const part *t = k->parts; ok && t->table; t++) {
        vg_rows r;
        char sql[512];
        const char *p[1] = {object + strlen(k->prefix)};
        snprintf(sql, sizeof sql, "SELECT %s FROM %s WHERE %s = ? ORDER BY %s", t->cols, t->table, t->key, t->order);
        if ((rc = vg_db_query(db, &r, sql, p, 1, err)) < 0) {
            EVP_MD_CTX_free(c);
            return rc;
        }
        ok = feed_rows(c, &r, 0, r.nrows, 0);
        vg_rows_free(&r);
    }
    return digest_end(out, c, ok, err);
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* The states of many cases (ids sorted ascending) with one query per table: the same digests
 * as vg_reg_state of each. */
static int case_states(char (*out)[65], vg_db *db, const int64_t *ids, size_t n, vigil_error *err)
{
    enum { NP = 4 };
    vg_rows r[NP];
    size_t at[NP] = {0};
    char lo[24], hi[24], sql[512];
    const char *p[2] = {lo, hi};
    int rc = 0, np = 0;
    snprintf(lo, sizeof lo, "%lld", (long long)ids[0]);
    snprintf(hi, sizeof hi, "%lld", (long long)ids[n - 1]);
    for (; rc == 0 && np < NP; np++) {
        const part *t = &case_parts[np];
        snprintf(sql, sizeof sql, "SELECT %s, %s FROM %s WHERE %s BETWEEN ? AND ? ORDER BY %s, %s", t->key, t->cols,
                 t->table, t->key, t->key, t->order);
        if ((rc = vg_db_query(db, &r[np], sql, p, 2, err)) < 0)
            break;
    }
    for (size_t i = 0; rc == 0 && i < n; i++) {
        char obj[32];
        EVP_MD_CTX *c;
        int ok = 1;
        snprintf(obj, sizeof obj, "case:%lld", (long long)ids[i]);
        if ((rc = digest_start(&c, obj, err)) < 0)
            break;
        for (int k = 0; k < NP && ok; k++) {
            size_t from;
            while (at[k] < r[k].nrows && vg_cell_i64(&r[k], at[k], 0) < ids[i])
                at[k]++;
            from = at[k];
            while (at[k] < r[k].nrows && vg_cell_i64(&r[k], at[k], 0) == ids[i])
                at[k]++;
            ok = feed_rows(c, &r[k], from, at[k], 1);
        }
        rc = digest_end(out[i], c, ok, err);
    }
    for (int k = 0; k < np && k < NP; k++)
        vg_rows_free(&r[k]);
    return rc;
}

int vg_reg_audit_cases(vigil_registry *reg, const vigil_actor *who, const char *action, const int64_t *ids,
                       const char *const *details, size_t n, vigil_error *err)
{
    int64_t *sorted = NULL;
    char (*states)[65] = NULL, (*objs)[32] = NULL;
    vg_audit_ev *ev = NULL;
    int rc = 0;
    if (n == 0)
        return 0;
    sorted = malloc(n * sizeof *sorted);
    states = malloc(n * sizeof *states);
    objs = malloc(n * sizeof *objs);
    ev = malloc(n * sizeof *ev);
    if (!sorted || !states || !objs || !ev)
        rc = vigil_error_set(err, VIGIL_ENOMEM, "audit: out of memory");
    if (rc == 0) {
        memcpy(sorted, ids, n * sizeof *ids);
        qsort(sorted, n, sizeof *sorted, cmp_i64);
        rc = case_states(states, reg->db, sorted, n, err);
    }
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const int64_t *j = bsearch(&ids[i], sorted, n, sizeof *sorted, cmp_i64);
        snprintf(objs[i], sizeof objs[i], "case:%lld", (long long)ids[i]);
        ev[i] = (vg_audit_ev){objs[i], details ? details[i] : NULL, states[j - sorted]};
    }
    if (rc == 0)
        rc = vg_audit_append_many(reg->db, &reg->clock, who->name, action, ev, n, err);
    free(sorted);
    free(states);
    free(objs);
    free(ev);
    return rc;
}

int vg_reg_audit(vigil_registry *reg, const vigil_actor *who, const char *action, const char *object,
                 const char *detail, int64_t event_at, vigil_error *err)
{
    char state[65];
    int known, rc = vg_reg_state(state, &known, reg->db, object, err);
    if (rc < 0)
        return rc;
    return vg_audit_append_state(reg->db, &reg->clock, who->name, action, object, detail, known ? state : NULL,
                                 event_at, err);
}

int vg_reg_audit_hidden(vigil_registry *reg, const vigil_actor *who, const char *action, const char *object,
                        const char *detail, vigil_error *err)
{
    return vg_audit_append_state(reg->db, &reg->clock, who->name, action, object, detail, NULL, 0, err);
}

/* The objects of the log, sorted, for "is this row in an event?" */
typedef struct objset {
    const char **v;
    size_t n;
    int legacy_import; /* an import from before state: its cases had no events of their own */
} objset;

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int has(const objset *s, const char *obj)
{
    return bsearch(&obj, s->v, s->n, sizeof s->v[0], cmp_str) != NULL;
}

/* Every row of the tables must belong to an object of the log. */
static int check_coverage(vigil_audit_report *out, vg_db *db, const objset *s, vigil_error *err)
{
    static const struct { const char *sql, *prefix, *label; } q[] = {
        {"SELECT id FROM cases UNION SELECT case_id FROM suspects UNION SELECT case_id FROM signals"
         " UNION SELECT case_id FROM referrals ORDER BY 1", "case:", "case"},
        {"SELECT code FROM units ORDER BY 1", "unit:", "unit"},
        {"SELECT name FROM users ORDER BY 1", "user:", "user"},
    };
    for (size_t i = 0; i < sizeof q / sizeof q[0] && !out->bad_seq; i++) {
        vg_rows r;
        int rc = vg_db_query(db, &r, q[i].sql, NULL, 0, err);
        if (rc < 0)
            return rc;
        for (size_t k = 0; k < r.nrows; k++) {
            char obj[160];
            snprintf(obj, sizeof obj, "%s%s", q[i].prefix, vg_cell(&r, k, 0) ? vg_cell(&r, k, 0) : "");
            if (has(s, obj))
                continue;
            if (i == 0 && s->legacy_import) {
                out->unchecked++;
                continue;
            }
            snprintf(out->why, sizeof out->why, "%s %s: in the table but in no event of the log: added outside vigil",
                     q[i].label, obj + strlen(q[i].prefix));
            out->bad_seq = out->events + 1;
            break;
        }
        vg_rows_free(&r);
    }
    return 0;
}

/* Replay: each object's last event against the object's rows now. */
static int replay(vigil_audit_report *out, vg_db *db, vigil_error *err)
{
    vg_rows r;
    objset s = {0};
    int64_t v2_from;
    int rc = vg_audit_v2_from(db, &v2_from, err);
    if (rc < 0)
        return rc;
    /* per object its last event with a state (a read of a hidden case has none), else its last */
    rc = vg_db_query(db, &r, "SELECT object, seq, action, state FROM audit WHERE seq IN"
                     " (SELECT COALESCE(MAX(CASE WHEN state IS NOT NULL THEN seq END), MAX(seq)) FROM audit"
                     " GROUP BY object) ORDER BY seq", NULL, 0, err);
    if (rc < 0)
        return rc;
    if (r.nrows && !(s.v = malloc(r.nrows * sizeof *s.v))) {
        vg_rows_free(&r);
        return vigil_error_set(err, VIGIL_ENOMEM, "audit verify: out of memory");
    }
    for (size_t i = 0; i < r.nrows; i++) {
        const char *obj = vg_cell(&r, i, 0), *want = vg_cell(&r, i, 3);
        const obj_kind *k = kind_of(obj);
        char now[65];
        int known;
        s.v[s.n++] = vg_cell(&r, i, 0);
        if (out->bad_seq)
            continue;
        if (!k || !want) {
            /* an import's summary and the registry's own events (backup, check) have no rows */
            out->unchecked += strcmp(obj, "cases") != 0 && strcmp(obj, "registry") != 0;
            continue;
        }
        if ((rc = vg_reg_state(now, &known, db, obj, err)) < 0)
            break;
        out->objects++;
        if (strcmp(now, want)) {
            snprintf(out->why, sizeof out->why, "%s %s: the table differs from event %s (%s): changed outside vigil",
                     k->label, obj + strlen(k->prefix), vg_cell(&r, i, 1), vg_cell(&r, i, 2));
            out->bad_seq = vg_cell_i64(&r, i, 1);
        }
    }
    if (rc == 0 && !out->bad_seq) {
        char from[24];
        const char *p[1] = {from};
        int64_t n = 0;
        snprintf(from, sizeof from, "%lld", (long long)v2_from);
        rc = vg_db_int(db, &n, "SELECT COUNT(*) FROM audit WHERE object = 'cases' AND seq < ?", p, 1, err);
        s.legacy_import = n > 0;
    }
    if (rc == 0 && !out->bad_seq) {
        qsort(s.v, s.n, sizeof s.v[0], cmp_str);
        rc = check_coverage(out, db, &s, err);
    }
    free(s.v);
    vg_rows_free(&r);
    return rc;
}

/* The chain first (an altered event is named as such), then the signed checkpoints (a
 * shortened, rewritten or extended log), then the replay against the tables. */
static int verify(vigil_audit_report *out, vigil_registry *reg, const vigil_actor *who, const char *pub_path,
                  const char *anchor_path, vigil_error *err)
{
    int rc;
    memset(out, 0, sizeof *out);
    if ((rc = vg_policy_check(who, VG_ACT_ADMIN, 0, "audit verify", err)) < 0)
        return rc;
    /* one snapshot: a command committing meanwhile is not mistaken for a change outside vigil */
    if ((rc = vg_db_begin_read(reg->db, err)) < 0)
        return rc;
    if ((rc = vg_audit_verify(out, reg->db, err)) == 0 && !out->bad_seq && pub_path)
        rc = vg_audit_check_anchor(out, reg->db, pub_path, anchor_path, err);
    if (rc == 0 && !out->bad_seq)
        rc = replay(out, reg->db, err);
    vg_db_rollback(reg->db);
    return rc;
}

int vigil_audit_verify(vigil_audit_report *out, vigil_registry *reg, const vigil_actor *who,
                       vigil_error *err)
{
    return verify(out, reg, who, NULL, NULL, err);
}

int vigil_audit_verify_anchored(vigil_audit_report *out, vigil_registry *reg, const vigil_actor *who,
                                const char *pub_path, const char *anchor_path, vigil_error *err)
{
    return verify(out, reg, who, pub_path, anchor_path, err);
}

int vigil_audit_checkpoint(int64_t *seq_out, vigil_registry *reg, const char *key_path, int only_new,
                           vigil_error *err)
{
    return vg_audit_checkpoint(seq_out, reg->db, &reg->clock, key_path, only_new, err);
}

int vigil_audit_hashsets(vigil_store *st, vigil_registry *reg, const vigil_actor *who, vigil_error *err)
{
    int rc = vg_store_set_audit(st, reg->db, &reg->clock, who->name, err);
    if (rc == 0)
        vg_store_set_policy(st, vg_hashset_policy_ops(reg, who));
    return rc;
}

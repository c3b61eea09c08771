/*
 * Disputes: digests taken out of matching by a person, with who, why and when.
 * They live in SQLite (hash_dispute) and apply when an index is opened, so no
 * segment is ever rewritten for them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hex.h"
#include "hashset/store_int.h"

static int parse_digest(uint8_t *out, size_t *len, const char *hex, vigil_error *err)
{
    size_t n = strlen(hex);
    if ((n != 32 && n != 40 && n != 64) || vg_hex_decode(out, hex, n / 2) < 0)
        return vigil_error_set(err, VIGIL_EUSAGE, "dispute: '%s' is not an MD5, SHA-1 or SHA-256 in hex", hex);
    *len = n / 2;
    return 0;
}

/* Run a change to the disputes in one transaction with its audit event. */
typedef int (*dispute_change)(vigil_store *st, void *ud, char *detail, size_t cap, vigil_error *err);

static int in_transaction(vigil_store *st, const char *action, const char *object, dispute_change change,
                          void *ud, vigil_error *err)
{
    char detail[1024] = "";
    int rc;
    if ((rc = vg_store_exec(st, "BEGIN IMMEDIATE", action, err)) < 0)
        return rc;
    rc = change(st, ud, detail, sizeof detail, err);
    if (rc == 0)
        rc = vg_store_bump_generation(st, err);
    if (rc == 0)
        rc = vg_store_audit(st, action, object, detail, err);
    if (rc == 0)
        rc = vg_store_exec(st, "COMMIT", action, err);
    if (rc < 0) {
        vg_store_exec(st, "ROLLBACK", action, NULL);
        vg_store_audit_settle(st, 0, NULL);
        return rc;
    }
    return vg_store_audit_settle(st, 1, err); /* the change stands even if its event fails now */
}

typedef struct dispute_args {
    const uint8_t *d;
    size_t len;
    const char *hex;    /* the digest as given, for messages */
    const char *set, *reason, *who;
} dispute_args;

static int add_dispute(vigil_store *st, void *ud, char *detail, size_t cap, vigil_error *err)
{
    dispute_args *a = ud;
    sqlite3_stmt *s;
    int rc;
    if (a->set) {
        int found = 0;
        if (sqlite3_prepare_v2(st->db, "SELECT 1 FROM hashset WHERE name = ?", -1, &s, NULL) != SQLITE_OK)
            return vigil_error_set(err, VIGIL_ESTORE, "%s: %s", st->path, sqlite3_errmsg(st->db));
        sqlite3_bind_text(s, 1, a->set, -1, SQLITE_STATIC);
        found = sqlite3_step(s) == SQLITE_ROW;
        sqlite3_finalize(s);
        if (!found)
            return vigil_error_set(err, VIGIL_ENOTFOUND, "dispute: no hash set named '%s'", a->set);
    }
    if (sqlite3_prepare_v2(st->db,
                           "INSERT INTO hash_dispute(digest, set_name, reason, disputed_by, disputed_at)"
                           " VALUES(?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ','now'))", -1, &s, NULL) != SQLITE_OK)
        return vigil_error_set(err, VIGIL_ESTORE, "%s: %s", st->path, sqlite3_errmsg(st->db));
    sqlite3_bind_blob(s, 1, a->d, (int)a->len, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, a->set, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, a->reason, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, a->who, -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE)
        return vigil_error_set(err, VIGIL_ESTORE, "%s: %s", st->path, sqlite3_errmsg(st->db));
    snprintf(detail, cap, "set=%s reason=%s", a->set ? a->set : "*", a->reason);
    return 0;
}

int vigil_hashset_dispute(vigil_store *st, const char *digest_hex, const char *set, const char *reason,
                          const char *who, vigil_error *err)
{
    uint8_t d[32];
    char hex[65];
    dispute_args a = {d, 0, digest_hex, set, reason, vg_store_actor(st, who)};
    int rc = parse_digest(d, &a.len, digest_hex, err);
    if (rc < 0)
        return rc;
    if (!reason || !*reason)
        return vigil_error_set(err, VIGIL_EUSAGE, "dispute: a reason is required (--reason TEXT)");
    vg_hex_encode(hex, d, a.len);
    return in_transaction(st, "hashset.dispute", hex, add_dispute, &a, err);
}

static int lift_disputes(vigil_store *st, void *ud, char *detail, size_t cap, vigil_error *err)
{
    dispute_args *a = ud;
    sqlite3_stmt *s;
    int rc;
    if (sqlite3_prepare_v2(st->db,
                           "UPDATE hash_dispute SET active = 0, lifted_by = ?,"
                           " lifted_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE digest = ? AND active = 1",
                           -1, &s, NULL) != SQLITE_OK)
        return vigil_error_set(err, VIGIL_ESTORE, "%s: %s", st->path, sqlite3_errmsg(st->db));
    sqlite3_bind_text(s, 1, a->who, -1, SQLITE_STATIC);
    sqlite3_bind_blob(s, 2, a->d, (int)a->len, SQLITE_TRANSIENT);
    rc = sqlite3_step(s);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE)
        return vigil_error_set(err, VIGIL_ESTORE, "%s: %s", st->path, sqlite3_errmsg(st->db));
    if (sqlite3_changes(st->db) == 0)
        return vigil_error_set(err, VIGIL_ENOTFOUND, "undispute: no active dispute of %s", a->hex);
    snprintf(detail, cap, "lifted=%d", sqlite3_changes(st->db));
    return 0;
}

int vigil_hashset_undispute(vigil_store *st, const char *digest_hex, const char *who, vigil_error *err)
{
    uint8_t d[32];
    char hex[65];
    dispute_args a = {d, 0, digest_hex, NULL, NULL, vg_store_actor(st, who)};
    int rc = parse_digest(d, &a.len, digest_hex, err);
    if (rc < 0)
        return rc;
    vg_hex_encode(hex, d, a.len);
    return in_transaction(st, "hashset.undispute", hex, lift_disputes, &a, err);
}

static char *dup_text(sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    return t ? strdup((const char *)t) : NULL;
}

int vigil_hashset_disputes(vigil_dispute **out, size_t *n, vigil_store *st, vigil_error *err)
{
    sqlite3_stmt *s;
    vigil_dispute *v = NULL;
    size_t cnt = 0, cap = 0;
    int rc;
    *out = NULL;
    *n = 0;
    if (sqlite3_prepare_v2(st->db,
                           "SELECT id, digest, set_name, reason, disputed_by, disputed_at, active, lifted_by,"
                           " lifted_at FROM hash_dispute ORDER BY id", -1, &s, NULL) != SQLITE_OK)
        return vigil_error_set(err, VIGIL_ESTORE, "%s: %s", st->path, sqlite3_errmsg(st->db));
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        vigil_dispute *d;
        int len = sqlite3_column_bytes(s, 1);
        if (cnt == cap) {
            size_t ncap = cap ? 2 * cap : 8;
            vigil_dispute *p = realloc(v, ncap * sizeof *p);
            if (!p)
                break;
            v = p;
            cap = ncap;
        }
        d = &v[cnt++];
        memset(d, 0, sizeof *d);
        d->id = sqlite3_column_int64(s, 0);
        if (len > 0 && len <= 32)
            vg_hex_encode(d->digest, sqlite3_column_blob(s, 1), (size_t)len);
        d->set = dup_text(s, 2);
        d->reason = dup_text(s, 3);
        d->disputed_by = dup_text(s, 4);
        d->disputed_at = dup_text(s, 5);
        d->active = sqlite3_column_int(s, 6);
        d->lifted_by = dup_text(s, 7);
        d->lifted_at = dup_text(s, 8);
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        vigil_dispute_free(v, cnt);
        return vigil_error_set(err, VIGIL_ESTORE, "%s: listing disputes: %s", st->path,
                               rc == SQLITE_ROW ? "out of memory" : sqlite3_errmsg(st->db));
    }
    *out = v;
    *n = cnt;
    return 0;
}

void vigil_dispute_free(vigil_dispute *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].set);
        free(v[i].reason);
        free(v[i].disputed_by);
        free(v[i].disputed_at);
        free(v[i].lifted_by);
        free(v[i].lifted_at);
    }
    free(v);
}

int vg_store_active_disputes(vg_store_dispute **out, size_t *n, vigil_store *st, vigil_error *err)
{
    sqlite3_stmt *s;
    vg_store_dispute *v = NULL;
    size_t cnt = 0, cap = 0;
    int rc;
    *out = NULL;
    *n = 0;
    if (sqlite3_prepare_v2(st->db, "SELECT digest, set_name, reason, disputed_by, disputed_at FROM hash_dispute"
                                   " WHERE active = 1 ORDER BY id", -1, &s, NULL))
        return vigil_error_set(err, VIGIL_ESTORE, "%s: reading disputes: %s", st->path, sqlite3_errmsg(st->db));
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        int len = sqlite3_column_bytes(s, 0);
        const unsigned char *set = sqlite3_column_text(s, 1);
        vg_store_dispute *d;
        if (len != 16 && len != 20 && len != 32)
            continue;
        if (cnt == cap) {
            size_t ncap = cap ? 2 * cap : 16;
            vg_store_dispute *p = realloc(v, ncap * sizeof *p);
            if (!p)
                break;
            v = p;
            cap = ncap;
        }
        d = &v[cnt];
        memset(d, 0, sizeof *d);
        d->len = (uint8_t)len;
        memcpy(d->d, sqlite3_column_blob(s, 0), (size_t)len);
        cnt++;
        d->set = set ? strdup((const char *)set) : NULL;
        d->reason = dup_text(s, 2);
        d->by = dup_text(s, 3);
        d->at = dup_text(s, 4);
        if ((set && !d->set) || (sqlite3_column_text(s, 2) && !d->reason) || (sqlite3_column_text(s, 3) && !d->by) ||
            (sqlite3_column_text(s, 4) && !d->at))
            break;
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        vg_store_disputes_free(v, cnt);
        return vigil_error_set(err, VIGIL_ESTORE, "%s: reading disputes: %s", st->path,
                               rc == SQLITE_ROW ? "out of memory" : sqlite3_errmsg(st->db));
    }
    *out = v;
    *n = cnt;
    return 0;
}

void vg_store_disputes_free(vg_store_dispute *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].set);
        free(v[i].reason);
        free(v[i].by);
        free(v[i].at);
    }
    free(v);
}

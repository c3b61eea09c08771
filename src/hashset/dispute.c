/*
 * Disputes: digests taken out of matching by a person, with who, why and when.
 * They live in SQLite (hash_dispute) and apply when an index is opened, so no
 * segment is ever rewritten for them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hex.h"
#include "hashset/catalog.h"
#include "hashset/store_int.h"
#include "segment/segment.h"

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
    vigil_dispute *lifted;  /* undispute: the disputes it lifts */
    size_t nlifted;
} dispute_args;

static char *dup_text(sqlite3_stmt *s, int i);

/* The active disputes of a's digest, before they are lifted, so that the caller can name them. */
static int read_lifted(vigil_store *st, dispute_args *a, vigil_error *err)
{
    sqlite3_stmt *s;
    int rc;
    if (sqlite3_prepare_v2(st->db, "SELECT id, set_name, reason, disputed_by, disputed_at FROM hash_dispute"
                                   " WHERE digest = ? AND active = 1 ORDER BY id", -1, &s, NULL) != SQLITE_OK)
        return vigil_error_set(err, VIGIL_ESTORE, "%s: %s", st->path, sqlite3_errmsg(st->db));
    sqlite3_bind_blob(s, 1, a->d, (int)a->len, SQLITE_TRANSIENT);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        vigil_dispute *p = realloc(a->lifted, (a->nlifted + 1) * sizeof *p), *d;
        if (!p)
            break;
        a->lifted = p;
        d = &p[a->nlifted++];
        memset(d, 0, sizeof *d);
        d->id = sqlite3_column_int64(s, 0);
        vg_hex_encode(d->digest, a->d, a->len);
        d->set = dup_text(s, 1);
        d->reason = dup_text(s, 2);
        d->disputed_by = dup_text(s, 3);
        d->disputed_at = dup_text(s, 4);
        d->lifted_by = a->who ? strdup(a->who) : NULL;
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE)
        return vigil_error_set(err, VIGIL_ESTORE, "%s: %s", st->path,
                               rc == SQLITE_ROW ? "out of memory" : sqlite3_errmsg(st->db));
    return 0;
}

/* What a new dispute would take out in one set: rows with the digest, and whether an active dispute took them all. */
typedef struct takes {
    int listed;             /* some set lists the digest */
    int fresh;              /* some record it names is not disputed yet */
    const vg_store_dispute *already; /* else: the active dispute that took the record out */
} takes;

static void check_set(takes *t, const vg_segment *seg, const char *set, const dispute_args *a,
                      const vg_store_dispute *act, size_t nact, vg_seg_rows *mine, vg_seg_rows *old)
{
    mine->n = 0;
    if (vg_seg_digest_rows(seg, a->d, a->len, mine) < 0 || !mine->n)
        return;
    t->listed = 1;
    for (size_t j = 0; j < nact; j++) {
        size_t from = old->n;
        if (act[j].set && strcmp(act[j].set, set))
            continue;
        if (vg_seg_digest_rows(seg, act[j].d, act[j].len, old) < 0)
            return;
        for (size_t k = from; k < old->n && !t->already; k++)
            for (size_t q = 0; q < mine->n; q++)
                if (old->rows[k] == mine->rows[q])
                    t->already = &act[j];
    }
    vg_seg_rows_sort(old);
    for (size_t q = 0; q < mine->n; q++)
        if (!vg_seg_rows_has(old, mine->rows[q]))
            t->fresh = 1;
    old->n = 0;
}

/*
 * A dispute must name a record: a digest in no set (or not in the set named)
 * is refused, and so is one whose records an active dispute already took out
 * (by this digest or another of theirs).
 */
static int check_records(vigil_store *st, const dispute_args *a, vigil_error *err)
{
    vg_store_set *v;
    vg_store_dispute *act = NULL;
    size_t n, nact = 0;
    vg_seg_rows mine = {NULL, 0, 0}, old = {NULL, 0, 0};
    takes t = {0, 0, NULL};
    int rc = vg_store_snapshot(&v, &n, st, err);
    if (rc < 0)
        return rc;
    if ((rc = vg_store_active_disputes(&act, &nact, st, err)) < 0) {
        vg_store_snapshot_free(v, n);
        return rc;
    }
    for (size_t i = 0; rc == 0 && i < n; i++) {
        vg_segment seg;
        char *path;
        if (a->set && strcmp(a->set, v[i].name))
            continue;
        if (!(path = vg_store_segment_path(st, v[i].segment))) {
            rc = vigil_error_set(err, VIGIL_ENOMEM, "hashset dispute: out of memory");
            break;
        }
        rc = vg_seg_open(&seg, path, err);
        free(path);
        if (rc < 0)
            break;
        check_set(&t, &seg, v[i].name, a, act, nact, &mine, &old);
        vg_seg_close(&seg);
    }
    if (rc == 0 && !t.listed)
        rc = vigil_error_set(err, VIGIL_ENOTFOUND, "hashset dispute: %s: %s is in no %s%s%s", st->path, a->hex,
                             a->set ? "set named '" : "hash set", a->set ? a->set : "", a->set ? "'" : "");
    else if (rc == 0 && !t.fresh) {
        char old_hex[65] = "?";
        if (t.already)
            vg_hex_encode(old_hex, t.already->d, t.already->len);
        rc = vigil_error_set(err, VIGIL_EEXISTS,
                             "hashset dispute: %s: the record of %s is already disputed (%s in %s%s%s, by %s: %s)",
                             st->path, a->hex, old_hex, t.already && t.already->set ? "set '" : "every set",
                             t.already && t.already->set ? t.already->set : "", t.already && t.already->set ? "'" : "",
                             t.already && t.already->by ? t.already->by : "-",
                             t.already && t.already->reason ? t.already->reason : "");
    }
    free(mine.rows);
    free(old.rows);
    vg_store_disputes_free(act, nact);
    vg_store_snapshot_free(v, n);
    return rc;
}

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
    if ((rc = check_records(st, a, err)) < 0)
        return rc;
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
    dispute_args a = {d, 0, digest_hex, set, reason, vg_store_actor(st, who), NULL, 0};
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
    if ((rc = read_lifted(st, a, err)) < 0)
        return rc;
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

int vigil_hashset_undispute_lifted(vigil_store *st, const char *digest_hex, const char *who, vigil_dispute **lifted,
                                   size_t *nlifted, vigil_error *err)
{
    uint8_t d[32];
    char hex[65];
    dispute_args a = {d, 0, digest_hex, NULL, NULL, vg_store_actor(st, who), NULL, 0};
    int rc = parse_digest(d, &a.len, digest_hex, err);
    if (lifted) {
        *lifted = NULL;
        *nlifted = 0;
    }
    if (rc < 0)
        return rc;
    vg_hex_encode(hex, d, a.len);
    rc = in_transaction(st, "hashset.undispute", hex, lift_disputes, &a, err);
    if (rc < 0 || !lifted) {
        vigil_dispute_free(a.lifted, a.nlifted);
        return rc;
    }
    *lifted = a.lifted;
    *nlifted = a.nlifted;
    return rc;
}

int vigil_hashset_undispute(vigil_store *st, const char *digest_hex, const char *who, vigil_error *err)
{
    return vigil_hashset_undispute_lifted(st, digest_hex, who, NULL, NULL, err);
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

/*
 * The audit log: append-only, hash-chained. Event n's digest is SHA-256 over n, its
 * fields and event n-1's digest; meta('audit_head') holds "n:digest" of the last event so
 * that removing the newest events is seen too. Two digest schemes: events written before
 * schema version 2 (seq < meta('audit_v2_from')) hash each field with its strlen; later ones
 * hash each field with its stored byte length (a NUL edited in changes the digest) and
 * include the event's state, the digest of the object's rows after the change.
 */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "core/hex.h"

/* f[i] with len[i] bytes (NULL: SQL NULL); len may be NULL for NUL-terminated fields. */
int vg_audit_digest(char out[65], int scheme, const char *const *f, const size_t *len)
{
    unsigned char md[32];
    unsigned int mdlen = 0;
    int n = scheme >= 2 ? 9 : 8;
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    int ok = c && EVP_DigestInit_ex(c, EVP_sha256(), NULL);
    for (int i = 0; ok && i < n; i++) {
        /* scheme 1 skipped the state: its fields were seq..detail, prev */
        int k = scheme >= 2 || i < 7 ? i : i + 1;
        const char *s = f[k] ? f[k] : "";
        size_t l = !f[k] ? 0 : scheme >= 2 && len ? len[k] : strlen(s);
        char pre[24];
        int w = f[k] ? snprintf(pre, sizeof pre, "%zu:", l)
                     : scheme >= 2 ? snprintf(pre, sizeof pre, "-:") : snprintf(pre, sizeof pre, "%zu:", (size_t)-1);
        ok = EVP_DigestUpdate(c, pre, (size_t)w) && EVP_DigestUpdate(c, s, l);
    }
    ok = ok && EVP_DigestFinal_ex(c, md, &mdlen);
    EVP_MD_CTX_free(c);
    if (!ok)
        return -1;
    vg_hex_encode(out, md, 32);
    return 0;
}

static int read_head(vg_db *db, int64_t *seq, char prev[65], int lock, vigil_error *err)
{
    vg_rows r;
    const char *v;
    int rc = vg_db_query(db, &r,
                         lock && vg_db_is_pg(db)
                             ? "SELECT value FROM meta WHERE key = 'audit_head' FOR UPDATE"
                             : "SELECT value FROM meta WHERE key = 'audit_head'", NULL, 0, err);
    if (rc < 0)
        return rc;
    v = r.nrows ? vg_cell(&r, 0, 0) : NULL;
    *seq = v ? strtoll(v, NULL, 10) : 0;
    prev[0] = '\0';
    if (v && strchr(v, ':'))
        snprintf(prev, 65, "%s", strchr(v, ':') + 1);
    vg_rows_free(&r);
    return 0;
}

int vg_audit_append(vg_db *db, const vg_clock *clock, const char *who, const char *action,
                    const char *object, const char *detail, int64_t event_at, vigil_error *err)
{
    return vg_audit_append_state(db, clock, who, action, object, detail, NULL, event_at, err);
}

int vg_audit_append_state(vg_db *db, const vg_clock *clock, const char *who, const char *action,
                          const char *object, const char *detail, const char *state, int64_t event_at,
                          vigil_error *err)
{
    char seqs[24], at[24], evat[24], prev[65], dig[65], head[96];
    int64_t seq;
    int rc = read_head(db, &seq, prev, 1, err);
    if (rc < 0)
        return rc;
    snprintf(seqs, sizeof seqs, "%lld", (long long)(seq + 1));
    vg_iso(at, vg_clock_now(clock));
    if (event_at)
        vg_iso(evat, event_at);
    {
        const char *f[9] = {seqs, at, event_at ? evat : NULL, who, action, object, detail, state, prev};
        const char *p[10] = {seqs, at, event_at ? evat : NULL, who, action, object, detail, state, prev, dig};
        const char *hp[1] = {head};
        if (vg_audit_digest(dig, 2, f, NULL) < 0)
            return vigil_error_set(err, VIGIL_EINTERNAL, "audit: SHA-256 failed");
        rc = vg_db_exec(db, "INSERT INTO audit(seq, at, event_at, who, action, object, detail, state, prev,"
                        " digest) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", p, 10, NULL, err);
        snprintf(head, sizeof head, "%s:%s", seqs, dig);
        if (rc == 0)
            rc = vg_db_exec(db, "UPDATE meta SET value = ? WHERE key = 'audit_head'", hp, 1, NULL, err);
    }
    return rc;
}

int vg_audit_append_many(vg_db *db, const vg_clock *clock, const char *who, const char *action,
                         const vg_audit_ev *ev, size_t n, vigil_error *err)
{
    enum { BATCH = 200, NF = 10 };
    char at[24], prev[65], head[96], (*seqs)[24] = NULL, (*dig)[65] = NULL, *sql = NULL;
    const char **p = NULL;
    int64_t seq;
    int rc = read_head(db, &seq, prev, 1, err);
    if (rc < 0 || n == 0)
        return rc;
    vg_iso(at, vg_clock_now(clock));
    seqs = malloc(BATCH * sizeof *seqs);
    dig = malloc(BATCH * sizeof *dig);
    p = malloc(BATCH * NF * sizeof *p);
    sql = malloc(200 + BATCH * 40); /* "(?, ?, ... ?), " per row */
    if (!seqs || !dig || !p || !sql)
        rc = vigil_error_set(err, VIGIL_ENOMEM, "audit: out of memory");
    for (size_t i = 0; rc == 0 && i < n; i += BATCH) {
        size_t m = n - i < BATCH ? n - i : BATCH, len;
        len = (size_t)sprintf(sql, "INSERT INTO audit(seq, at, event_at, who, action, object, detail, state, prev,"
                                   " digest) VALUES");
        for (size_t k = 0; k < m; k++) {
            const char **f = p + k * NF;
            snprintf(seqs[k], sizeof seqs[k], "%lld", (long long)++seq);
            f[0] = seqs[k], f[1] = at, f[2] = NULL, f[3] = who, f[4] = action;
            f[5] = ev[i + k].object, f[6] = ev[i + k].detail, f[7] = ev[i + k].state;
            f[8] = k ? dig[k - 1] : prev;
            f[9] = dig[k];
            if (vg_audit_digest(dig[k], 2, f, NULL) < 0) {
                rc = vigil_error_set(err, VIGIL_EINTERNAL, "audit: SHA-256 failed");
                break;
            }
            len += (size_t)sprintf(sql + len, "%s(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", k ? ", " : " ");
        }
        if (rc == 0)
            rc = vg_db_exec(db, sql, p, (int)(m * NF), NULL, err);
        if (rc == 0)
            snprintf(prev, sizeof prev, "%s", dig[m - 1]);
    }
    if (rc == 0) {
        const char *hp[1] = {head};
        snprintf(head, sizeof head, "%lld:%s", (long long)seq, prev);
        rc = vg_db_exec(db, "UPDATE meta SET value = ? WHERE key = 'audit_head'", hp, 1, NULL, err);
    }
    free(seqs);
    free(dig);
    free(p);
    free(sql);
    return rc;
}

/* Check one stored event (columns seq, at, event_at, who, action, object, detail, state, prev,
 * digest) against the one before it; 0 if good, else why is filled. */
static int check_event(const vg_rows *r, size_t i, int64_t want_seq, int64_t v2_from, const char *prev,
                       char *why, size_t cap)
{
    char dig[65];
    const char *f[9];
    size_t len[9];
    int64_t seq = vg_cell_i64(r, i, 0);
    for (int k = 0; k < 9; k++) {
        f[k] = vg_cell(r, i, (size_t)k);
        len[k] = vg_cell_len(r, i, (size_t)k);
    }
    if (seq != want_seq) {
        snprintf(why, cap, "event %lld missing (found event %lld after event %lld)", (long long)want_seq,
                 (long long)seq, (long long)want_seq - 1);
        return -1;
    }
    if (strcmp(f[8] ? f[8] : "", prev)) {
        snprintf(why, cap, "event %lld (%s %s) does not follow event %lld: removed or reordered",
                 (long long)seq, f[4], f[5], (long long)seq - 1);
        return -1;
    }
    if ((seq < v2_from && f[7]) ||
        vg_audit_digest(dig, seq >= v2_from ? 2 : 1, f, len) < 0 || strcmp(dig, vg_cell(r, i, 9) ? vg_cell(r, i, 9) : "")) {
        snprintf(why, cap, "event %lld (%s %s) was altered: its digest does not match", (long long)seq,
                 f[4], f[5]);
        return -1;
    }
    return 0;
}

int vg_audit_v2_from(vg_db *db, int64_t *out, vigil_error *err)
{
    vg_rows r;
    int rc = vg_db_query(db, &r, "SELECT value FROM meta WHERE key = 'audit_v2_from'", NULL, 0, err);
    if (rc < 0)
        return rc;
    /* a log without the boundary was made at version 2: every event is of the new scheme */
    *out = r.nrows && vg_cell(&r, 0, 0) ? strtoll(vg_cell(&r, 0, 0), NULL, 10) : 1;
    vg_rows_free(&r);
    return 0;
}

int vg_audit_verify(vigil_audit_report *out, vg_db *db, vigil_error *err)
{
    vg_rows r;
    char prev[65] = "", head_prev[65];
    int64_t head_seq, v2_from;
    int rc;
    memset(out, 0, sizeof *out);
    if ((rc = read_head(db, &head_seq, head_prev, 0, err)) < 0 || (rc = vg_audit_v2_from(db, &v2_from, err)) < 0)
        return rc;
    rc = vg_db_query(db, &r, "SELECT seq, at, event_at, who, action, object, detail, state, prev, digest"
                     " FROM audit ORDER BY seq", NULL, 0, err);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < r.nrows; i++) {
        if (check_event(&r, i, (int64_t)i + 1, v2_from, prev, out->why, sizeof out->why) < 0) {
            out->bad_seq = (int64_t)i + 1;
            break;
        }
        snprintf(prev, sizeof prev, "%s", vg_cell(&r, i, 9));
        out->events++;
    }
    snprintf(out->head, sizeof out->head, "%s", prev);
    if (!out->bad_seq && (head_seq != (int64_t)r.nrows || strcmp(prev, head_prev))) {
        out->bad_seq = (int64_t)r.nrows + 1;
        if (head_seq > (int64_t)r.nrows)
            snprintf(out->why, sizeof out->why, "event %lld missing: the log ends at event %lld but %lld were written",
                     (long long)r.nrows + 1, (long long)r.nrows, (long long)head_seq);
        else
            snprintf(out->why, sizeof out->why, "event %lld: the chain's head does not match the last event",
                     (long long)r.nrows);
    }
    vg_rows_free(&r);
    return 0;
}

/*
 * The audit log: append-only, hash-chained. Event n's digest is SHA-256 over n, its
 * fields and event n-1's digest; meta('audit_head') holds "n:digest" of the last event so
 * that removing the newest events is seen too.
 */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "core/hex.h"

/* Digest of one event: each field length-prefixed so that no two events collide by shifting. */
static int event_digest(char out[65], const char *const f[8])
{
    unsigned char md[32];
    unsigned int mdlen = 0;
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    int ok = c && EVP_DigestInit_ex(c, EVP_sha256(), NULL);
    for (int i = 0; ok && i < 8; i++) {
        const char *s = f[i] ? f[i] : "";
        char len[24];
        int n = snprintf(len, sizeof len, "%zu:", f[i] ? strlen(s) : (size_t)-1);
        ok = EVP_DigestUpdate(c, len, (size_t)n) && EVP_DigestUpdate(c, s, strlen(s));
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
        const char *f[8] = {seqs, at, event_at ? evat : NULL, who, action, object, detail, prev};
        const char *p[9] = {seqs, at, event_at ? evat : NULL, who, action, object, detail, prev, dig};
        const char *hp[1] = {head};
        if (event_digest(dig, f) < 0)
            return vigil_error_set(err, VIGIL_EINTERNAL, "audit: SHA-256 failed");
        rc = vg_db_exec(db, "INSERT INTO audit(seq, at, event_at, who, action, object, detail, prev,"
                        " digest) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)", p, 9, NULL, err);
        snprintf(head, sizeof head, "%s:%s", seqs, dig);
        if (rc == 0)
            rc = vg_db_exec(db, "UPDATE meta SET value = ? WHERE key = 'audit_head'", hp, 1, NULL, err);
    }
    return rc;
}

/* Check one stored event against the one before it; 0 if good, else why is filled. */
static int check_event(const vg_rows *r, size_t i, int64_t want_seq, const char *prev, char *why,
                       size_t cap)
{
    char dig[65];
    const char *f[8];
    int64_t seq = vg_cell_i64(r, i, 0);
    for (int k = 0; k < 8; k++)
        f[k] = vg_cell(r, i, (size_t)k);
    if (seq != want_seq) {
        snprintf(why, cap, "event %lld missing (found event %lld after event %lld)", (long long)want_seq,
                 (long long)seq, (long long)want_seq - 1);
        return -1;
    }
    if (strcmp(f[7] ? f[7] : "", prev)) {
        snprintf(why, cap, "event %lld (%s %s) does not follow event %lld: removed or reordered",
                 (long long)seq, f[4], f[5], (long long)seq - 1);
        return -1;
    }
    if (event_digest(dig, f) < 0 || strcmp(dig, vg_cell(r, i, 8) ? vg_cell(r, i, 8) : "")) {
        snprintf(why, cap, "event %lld (%s %s) was altered: its digest does not match", (long long)seq,
                 f[4], f[5]);
        return -1;
    }
    return 0;
}

int vg_audit_verify(vigil_audit_report *out, vg_db *db, vigil_error *err)
{
    vg_rows r;
    char prev[65] = "", head_prev[65];
    int64_t head_seq;
    int rc;
    memset(out, 0, sizeof *out);
    if ((rc = read_head(db, &head_seq, head_prev, 0, err)) < 0)
        return rc;
    rc = vg_db_query(db, &r, "SELECT seq, at, event_at, who, action, object, detail, prev, digest"
                     " FROM audit ORDER BY seq", NULL, 0, err);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < r.nrows; i++) {
        if (check_event(&r, i, (int64_t)i + 1, prev, out->why, sizeof out->why) < 0) {
            out->bad_seq = (int64_t)i + 1;
            break;
        }
        snprintf(prev, sizeof prev, "%s", vg_cell(&r, i, 8));
        out->events++;
    }
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

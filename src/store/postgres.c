/*
 * PostgreSQL backend of the registry's SQL layer (libpq). '?' placeholders become
 * $1..$n; every parameter is sent as text and typed by the server.
 */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db_int.h"

static PGconn *C(vg_db *db) { return db->impl; }

/* Copy sql with each '?' outside quotes replaced by $n. */
static char *dollarize(const char *sql)
{
    size_t n = strlen(sql) * 4 + 1, o = 0;
    char *out = malloc(n);
    int k = 0, q = 0;
    if (!out)
        return NULL;
    for (; *sql; sql++) {
        if (*sql == '\'')
            q = !q;
        if (*sql == '?' && !q)
            o += (size_t)snprintf(out + o, n - o, "$%d", ++k);
        else
            out[o++] = *sql;
    }
    out[o] = '\0';
    return out;
}

static vigil_code code_of(PGresult *r)
{
    const char *st = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    if (st && !strncmp(st, "23", 2))
        return VIGIL_EEXISTS;   /* integrity constraint violation */
    return VIGIL_ESTORE;
}

static int run(vg_db *db, PGresult **out, const char *sql, const char *const *p, int n, vigil_error *err)
{
    char *q = dollarize(sql);
    PGresult *r;
    ExecStatusType s;
    if (!q)
        return vigil_error_set(err, VIGIL_ENOMEM, "postgresql: out of memory");
    r = PQexecParams(C(db), q, n, NULL, p, NULL, NULL, 0);
    free(q);
    s = PQresultStatus(r);
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
        int rc = vigil_error_set(err, code_of(r), "%s: %s", db->where,
                                 r ? PQresultErrorMessage(r) : PQerrorMessage(C(db)));
        char *nl = err ? strchr(err->msg, '\n') : NULL;
        if (nl)
            *nl = '\0';
        PQclear(r);
        return rc;
    }
    *out = r;
    return 0;
}

static int p_exec(vg_db *db, const char *sql, const char *const *p, int n, int64_t *changes,
                  vigil_error *err)
{
    PGresult *r;
    int rc = run(db, &r, sql, p, n, err);
    if (rc < 0)
        return rc;
    if (changes)
        *changes = strtoll(PQcmdTuples(r), NULL, 10);
    PQclear(r);
    return 0;
}

static int p_insert(vg_db *db, int64_t *id, const char *sql, const char *const *p, int n,
                    vigil_error *err)
{
    size_t len = strlen(sql) + 16;
    char *q = malloc(len);
    PGresult *r;
    int rc;
    if (!q)
        return vigil_error_set(err, VIGIL_ENOMEM, "postgresql: out of memory");
    snprintf(q, len, "%s RETURNING id", sql);
    rc = run(db, &r, q, p, n, err);
    free(q);
    if (rc < 0)
        return rc;
    *id = PQntuples(r) > 0 ? strtoll(PQgetvalue(r, 0, 0), NULL, 10) : 0;
    PQclear(r);
    return 0;
}

static int p_query(vg_db *db, vg_rows *out, const char *sql, const char *const *p, int n,
                   vigil_error *err)
{
    PGresult *r;
    size_t cap[2] = {0, 0};
    int rc = run(db, &r, sql, p, n, err);
    if (rc < 0)
        return rc;
    out->ncols = (size_t)PQnfields(r);
    for (int i = 0; i < PQntuples(r); i++) {
        for (int c = 0; c < PQnfields(r); c++) {
            char *v = PQgetisnull(r, i, c) ? NULL : strdup(PQgetvalue(r, i, c));
            if ((!v && !PQgetisnull(r, i, c)) || vg_rows_push(out, cap, v, v ? strlen(v) : 0) < 0) {
                PQclear(r);
                vg_rows_free(out);
                return vigil_error_set(err, VIGIL_ENOMEM, "postgresql: out of memory");
            }
        }
        out->nrows++;
    }
    PQclear(r);
    return 0;
}

static int p_each(vg_db *db, const char *sql, const char *const *p, int n, vg_row_fn fn, void *ud,
                  vigil_error *err)
{
    PGresult *r;
    vg_val cells[16];
    int nc, rc = run(db, &r, sql, p, n, err);
    if (rc < 0)
        return rc;
    nc = PQnfields(r) > 16 ? 16 : PQnfields(r);
    for (int i = 0; rc == 0 && i < PQntuples(r); i++) {
        for (int c = 0; c < nc; c++) {
            cells[c].null = PQgetisnull(r, i, c);
            cells[c].s = cells[c].null ? NULL : PQgetvalue(r, i, c);
            cells[c].i = 0;
        }
        rc = fn(cells, (size_t)nc, ud);
    }
    PQclear(r);
    return rc;
}

static int p_script(vg_db *db, const char *sql, vigil_error *err)
{
    PGresult *r = PQexec(C(db), sql);
    ExecStatusType s = PQresultStatus(r);
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
        int rc = vigil_error_set(err, code_of(r), "%s: %s", db->where, PQresultErrorMessage(r));
        char *nl = err ? strchr(err->msg, '\n') : NULL;
        if (nl)
            *nl = '\0';
        PQclear(r);
        return rc;
    }
    PQclear(r);
    return 0;
}

static void p_close(vg_db *db)
{
    if (db->impl)
        PQfinish(C(db));
}

static const vg_db_ops pg_ops = {p_exec, p_insert, p_query, p_script, p_each, p_close};

static void quiet(void *arg, const char *msg)
{
    (void)arg, (void)msg;   /* notices (e.g. "table does not exist, skipping") are not errors */
}

int vg_pg_open(vg_db **out, const char *conninfo, vigil_error *err)
{
    vg_db *db = calloc(1, sizeof *db);
    int rc;
    *out = NULL;
    if (!db || !(db->where = strdup("postgresql"))) {
        free(db);
        return vigil_error_set(err, VIGIL_ENOMEM, "store: out of memory");
    }
    db->ops = &pg_ops;
    db->pg = 1;
    db->impl = PQconnectdb(conninfo);
    if (!db->impl || PQstatus(C(db)) != CONNECTION_OK) {
        const char *m = db->impl ? PQerrorMessage(C(db)) : "out of memory";
        rc = vigil_error_set(err, VIGIL_ESTORE, "postgresql: cannot connect: %s", m);
        if (err) {
            char *nl = strchr(err->msg, '\n');
            if (nl)
                *nl = '\0';
        }
        vg_db_close(db);
        return rc;
    }
    PQsetNoticeProcessor(C(db), quiet, NULL);
    rc = p_script(db, "SET client_min_messages = warning; SET TIME ZONE 'UTC'", err);
    if (rc < 0) {
        vg_db_close(db);
        return rc;
    }
    *out = db;
    return 0;
}

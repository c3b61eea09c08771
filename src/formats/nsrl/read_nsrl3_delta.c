/*
 * An RDSv3 delta: an SQL script of INSERT/UPDATE/DELETE meant for the
 * previous database. It is applied to a scratch copy of that database under
 * $TMPDIR (never to the user's file), with an authorizer that lets through only
 * writes to the base's own tables and transaction control; then the result is
 * streamed like any RDSv3 database and the copy removed. When NIST's dbhash
 * of the result lies beside the script, the copy must match it first.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/linereader.h"
#include "formats/nsrl/read_nsrl3_int.h"
#include "formats/list_fields.h"

#define MAX_TABLES 64
#define MAX_STATEMENT (64u << 20)

typedef struct delta_guard {
    char *tables[MAX_TABLES];   /* the base's tables: the only ones a delta may write */
    int ntables;
    char refused[160];          /* what the authorizer refused */
    int refused_internal;       /* ... and it was a write to sqlite_master */
} delta_guard;

static int is_base_table(const delta_guard *g, const char *name)
{
    if (!name)
        return 0;
    for (int i = 0; i < g->ntables; i++)
        if (!sqlite3_stricmp(g->tables[i], name))
            return 1;
    return 0;
}

static const char *action_name(int action)
{
    switch (action) {
    case SQLITE_CREATE_INDEX: case SQLITE_CREATE_TEMP_INDEX: return "CREATE INDEX";
    case SQLITE_CREATE_TABLE: case SQLITE_CREATE_TEMP_TABLE: return "CREATE TABLE";
    case SQLITE_CREATE_TRIGGER: case SQLITE_CREATE_TEMP_TRIGGER: return "CREATE TRIGGER";
    case SQLITE_CREATE_VIEW: case SQLITE_CREATE_TEMP_VIEW: return "CREATE VIEW";
    case SQLITE_DROP_INDEX: case SQLITE_DROP_TEMP_INDEX: return "DROP INDEX";
    case SQLITE_DROP_TABLE: case SQLITE_DROP_TEMP_TABLE: return "DROP TABLE";
    case SQLITE_DROP_TRIGGER: case SQLITE_DROP_TEMP_TRIGGER: return "DROP TRIGGER";
    case SQLITE_DROP_VIEW: case SQLITE_DROP_TEMP_VIEW: return "DROP VIEW";
    case SQLITE_INSERT: return "INSERT INTO";
    case SQLITE_UPDATE: return "UPDATE";
    case SQLITE_DELETE: return "DELETE FROM";
    case SQLITE_PRAGMA: return "PRAGMA";
    case SQLITE_ATTACH: return "ATTACH";
    case SQLITE_DETACH: return "DETACH";
    case SQLITE_ALTER_TABLE: return "ALTER TABLE";
    case SQLITE_REINDEX: return "REINDEX";
    case SQLITE_ANALYZE: return "ANALYZE";
    case SQLITE_CREATE_VTABLE: return "CREATE VIRTUAL TABLE";
    case SQLITE_DROP_VTABLE: return "DROP VIRTUAL TABLE";
    default: return "statement";
    }
}

static int delta_authorize(void *ud, int action, const char *a1, const char *a2, const char *dbname,
                           const char *trigger)
{
    delta_guard *g = ud;
    (void)a2, (void)dbname, (void)trigger;
    switch (action) {
    case SQLITE_INSERT:
    case SQLITE_UPDATE:
    case SQLITE_DELETE:
        if (is_base_table(g, a1) || (a1 && !strcmp(a1, "sqlite_sequence")))
            return SQLITE_OK;
        break;
    case SQLITE_READ:       /* the WHERE of an UPDATE or DELETE */
    case SQLITE_SELECT:     /* a sub-select inside one */
    case SQLITE_FUNCTION:   /* upper(), lower()...: file access functions are not built in */
    case SQLITE_TRANSACTION:
    case SQLITE_SAVEPOINT:
        return SQLITE_OK;
    default:
        break;
    }
    /* Keep the first refusal, except a write to SQLite's own schema table: the DDL that follows names it better. */
    if (g->refused[0] && !g->refused_internal)
        return SQLITE_DENY;
    g->refused_internal = a1 && !strncmp(a1, "sqlite_", 7);
    snprintf(g->refused, sizeof g->refused, "%s%s%s", action_name(action),
             a1 && action != SQLITE_FUNCTION ? " " : "", a1 && action != SQLITE_FUNCTION ? a1 : "");
    return SQLITE_DENY;
}

static int load_tables(delta_guard *g, sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = 'table' "
                                    "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'", -1, &st, NULL);
    if (rc != SQLITE_OK)
        return -1;
    while (sqlite3_step(st) == SQLITE_ROW && g->ntables < MAX_TABLES) {
        char *name = strdup((const char *)sqlite3_column_text(st, 0));
        if (!name)
            break;
        g->tables[g->ntables++] = name;
    }
    return sqlite3_finalize(st) == SQLITE_OK ? 0 : -1;
}

/* A private copy of base under $TMPDIR; *tmp_out is its path (caller frees and unlinks). */
static int copy_base(char **tmp_out, const char *base, const char *label, vigil_error *err)
{
    const char *dir = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char *tmp = NULL, *buf = NULL;
    int in = -1, out = -1, rc = 0;
    ssize_t n = 0;
    *tmp_out = NULL;
    if (asprintf(&tmp, "%s/vigil-nsrl-delta-XXXXXX", dir) < 0 || !(buf = malloc(1 << 20))) {
        free(tmp);
        return vigil_error_set(err, VIGIL_ENOMEM, "%s: out of memory", label);
    }
    if ((in = open(base, O_RDONLY | O_CLOEXEC)) < 0) {
        rc = vigil_error_set(err, VIGIL_EINPUT, "%s: base %s: %s", label, base, strerror(errno));
        goto done;
    }
    if ((out = mkstemp(tmp)) < 0) {
        rc = vigil_error_set(err, VIGIL_EINPUT, "%s: cannot make a scratch copy in %s: %s", label, dir,
                             strerror(errno));
        goto done;
    }
    while ((n = read(in, buf, 1 << 20)) > 0)
        for (ssize_t w = 0, k; w < n; w += k)
            if ((k = write(out, buf + w, (size_t)(n - w))) < 0) {
                n = -1;
                goto copied;
            }
copied:
    if (n < 0) {
        rc = vigil_error_set(err, VIGIL_EINPUT, "%s: copying base %s to %s: %s", label, base, tmp, strerror(errno));
        unlink(tmp);
    }
done:
    if (in >= 0)
        close(in);
    if (out >= 0)
        close(out);
    free(buf);
    if (rc < 0 || out < 0)
        free(tmp);
    else
        *tmp_out = tmp;
    return rc;
}

/* The start of a statement for a message: blanks folded, at most one short line. */
static const char *statement_head(const char *sql, char *out, size_t n)
{
    size_t o = 0;
    while (*sql == ' ' || *sql == '\t' || *sql == '\r' || *sql == '\n')
        sql++;
    for (; *sql && o + 4 < n; sql++)
        out[o++] = (unsigned char)*sql < 0x20 ? ' ' : *sql;
    if (*sql)
        out[o++] = '.', out[o++] = '.', out[o++] = '.';
    while (o && out[o - 1] == ' ')
        o--;
    out[o] = '\0';
    return out;
}

/* Run the script statement by statement (a delta can be large), naming the line of a refusal. */
static int run_script(sqlite3 *db, int fd, const char *label, delta_guard *g, vigil_error *err)
{
    FILE *f;
    vg_linereader lr;
    char *line = NULL, *msg = NULL, head[72];
    ssize_t got;
    uint64_t lineno = 0, first = 0;
    vg_buf stmt;
    int rc = 0;
    if (!(f = vg_hs_fdopen(fd, label, err)))
        return VIGIL_EINPUT;
    if ((rc = vg_linereader_init(&lr, f, label, "line ", MAX_STATEMENT, err)) < 0) {
        fclose(f);
        return rc;
    }
    vg_buf_init(&stmt, MAX_STATEMENT);
    while ((got = vg_linereader_next(&lr, &line, err)) > 0) {
        lineno++;
        if (memchr(line, '\0', (size_t)got)) {
            rc = vigil_error_set(err, VIGIL_EINPUT, "%s:line %llu: binary data in a delta script", label,
                                 (unsigned long long)lineno);
            break;
        }
        if (!stmt.len)
            first = lineno;
        if (lineno == 1 && got >= 3 && !memcmp(line, "\xef\xbb\xbf", 3))
            vg_buf_add(&stmt, line + 3, (size_t)got - 3); /* a BOM from a Windows editor */
        else
            vg_buf_add(&stmt, line, (size_t)got);
        if (vg_buf_failed(&stmt)) {
            rc = vigil_error_set(err, VIGIL_EINPUT, "%s:line %llu: statement longer than %u MiB", label,
                                 (unsigned long long)first, MAX_STATEMENT >> 20);
            break;
        }
        if (!sqlite3_complete(stmt.ptr))
            continue;
        g->refused[0] = '\0';
        g->refused_internal = 0;
        if (sqlite3_exec(db, stmt.ptr, NULL, NULL, &msg) != SQLITE_OK) {
            if (g->refused[0])
                rc = vigil_error_set(err, VIGIL_EINPUT,
                                     "%s:line %llu: \"%s\" is not allowed in an NSRL delta (%s refused; only "
                                     "INSERT, UPDATE and DELETE on the base's tables, and BEGIN/COMMIT)",
                                     label, (unsigned long long)first, statement_head(stmt.ptr, head, sizeof head),
                                     g->refused);
            else
                rc = vigil_error_set(err, VIGIL_EINPUT, "%s:line %llu: %s", label, (unsigned long long)first,
                                     msg ? msg : "cannot apply the statement");
            sqlite3_free(msg);
            break;
        }
        vg_buf_reset(&stmt);
    }
    if (rc == 0 && got < 0)
        rc = (int)got;
    if (rc == 0) {
        size_t k = 0;
        while (k < stmt.len && (stmt.ptr[k] == ' ' || stmt.ptr[k] == '\t' || stmt.ptr[k] == '\r' ||
                                stmt.ptr[k] == '\n'))
            k++;
        if (k < stmt.len && !sqlite3_complete(stmt.ptr) && strncmp(stmt.ptr + k, "--", 2))
            rc = vigil_error_set(err, VIGIL_EINPUT, "%s:line %llu: the delta ends inside a statement", label,
                                 (unsigned long long)first);
        else if (!sqlite3_get_autocommit(db))
            rc = vigil_error_set(err, VIGIL_EINPUT,
                                 "%s:line %llu: the delta ends without COMMIT (truncated?); nothing imported",
                                 label, (unsigned long long)lineno);
    }
    vg_buf_dispose(&stmt);
    vg_linereader_dispose(&lr);
    fclose(f);
    return rc;
}

/*
 * The dbhash NIST publishes with a delta, when it sits beside the script: the
 * first run of exactly 40 hex digits in a file of that directory whose name
 * holds "dbhash". 1 found (out filled), 0 none.
 */
static int published_dbhash(char out[41], const char *delta_path)
{
    char *copy = strdup(delta_path), *dir = copy ? dirname(copy) : NULL;
    DIR *d = dir ? opendir(dir) : NULL;
    struct dirent *e;
    int found = 0;
    while (d && !found && (e = readdir(d))) {
        char *p, buf[4096];
        size_t n, run = 0;
        FILE *f;
        if (!strcasestr(e->d_name, "dbhash") || asprintf(&p, "%s/%s", dir, e->d_name) < 0)
            continue;
        f = fopen(p, "rb");
        free(p);
        if (!f)
            continue;
        n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        for (size_t i = 0; i <= n && !found; i++) {
            if (i < n && isxdigit((unsigned char)buf[i])) {
                run++;
                continue;
            }
            if (run == 40) {
                for (size_t k = 0; k < 40; k++)
                    out[k] = (char)tolower((unsigned char)buf[i - 40 + k]);
                out[40] = '\0';
                found = 1;
            }
            run = 0;
        }
    }
    if (d)
        closedir(d);
    free(copy);
    return found;
}

int vg_nsrl3_read_delta(int fd, const char *path, const char *label, const char *base, const vg_hs_sink *sink,
                        vigil_error *err)
{
    char published[41], got[41];
    delta_guard g;
    sqlite3 *db = NULL;
    char *tmp = NULL;
    int rc;
    if (!base)
        return vigil_error_set(err, VIGIL_EUSAGE,
                               "%s: an NSRL delta script; a delta needs the database it applies to: --base", label);
    memset(&g, 0, sizeof g);
    if ((rc = copy_base(&tmp, base, label, err)) < 0)
        return rc;
    if (sqlite3_open_v2(tmp, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        rc = vigil_error_set(err, VIGIL_EINPUT, "%s: base %s: %s", label, base, db ? sqlite3_errmsg(db) : "out of memory");
        goto done;
    }
    /* No schema tricks (writable_schema, shadow tables) and no functions called from the schema. */
    sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
    /* A scratch copy: no journal on disk, no syncs. */
    sqlite3_exec(db, "PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF; PRAGMA cache_size = -131072;",
                 NULL, NULL, NULL);
    if (load_tables(&g, db) < 0) {
        rc = vigil_error_set(err, VIGIL_EINPUT, "%s: base %s: %s", label, base, sqlite3_errmsg(db));
        goto done;
    }
    if (!is_base_table(&g, "FILE") && !is_base_table(&g, "METADATA")) {
        rc = vigil_error_set(err, VIGIL_EINPUT, "%s: base %s is not an NSRL RDSv3 database (no FILE or METADATA table)",
                             label, base);
        goto done;
    }
    sqlite3_set_authorizer(db, delta_authorize, &g);
    rc = run_script(db, fd, label, &g, err);
    sqlite3_set_authorizer(db, NULL, NULL);
    if (rc == 0 && path && published_dbhash(published, path)) {
        /* the copy must now be the database NIST describes, or the delta did not fit its base */
        if ((rc = vg_nsrl3_dbhash(got, db, label, err)) == 0 && strcmp(got, published))
            rc = vigil_error_set(err, VIGIL_EINPUT,
                                 "%s: after the delta the database's dbhash is %s, not the published %s: "
                                 "wrong base %s? nothing imported", label, got, published, base);
        if (rc == 0 && sink->meta)
            sink->meta(sink->ud, "dbhash", got);
    }
    if (rc == 0) {
        if (sink->meta)
            sink->meta(sink->ud, "delta_base", base);
        rc = vg_nsrl3_stream(db, label, sink, err);
    }
done:
    sqlite3_close(db);
    if (tmp) {
        unlink(tmp);
        free(tmp);
    }
    for (int i = 0; i < g.ntables; i++)
        free(g.tables[i]);
    return rc;
}

/*
 * The SQL layer under the case registry and the audit log: one connection to SQLite or
 * PostgreSQL behind the same few calls. SQL is written once with '?' placeholders (turned
 * into $n for PostgreSQL); parameters and results travel as text. One thread per handle.
 */
#ifndef VG_STORE_DB_H
#define VG_STORE_DB_H
#include <stddef.h>
#include <stdint.h>
#include "vigil/error.h"

typedef struct vg_db vg_db;

/* A query result held in memory: cell[r * ncols + c], NULL for SQL NULL; len[] holds each
 * cell's byte length (SQLite text may hold NUL bytes, which strlen would not count). */
typedef struct vg_rows {
    size_t nrows, ncols;
    char **cell;
    size_t *len;
    char *arena;              /* when set, every cell's text lives in it (one free, not one a cell) */
} vg_rows;

/* Open url: "postgres://..." or "postgresql://..." selects PostgreSQL, anything else is a
 * SQLite file path. The meta table is created; the callers' schemas are theirs to migrate
 * (vg_db_migrate). VIGIL_EINPUT for a file that is not a vigil database, VIGIL_ESTORE when
 * the server or file fails. */
int vg_db_open(vg_db **out, const char *url, vigil_error *err);
/* vg_db_open for readers: a SQLite file that does not exist is VIGIL_ENOTFOUND and is not created. */
int vg_db_open_existing(vg_db **out, const char *url, vigil_error *err);
void vg_db_close(vg_db *db);
int vg_db_is_pg(const vg_db *db);
const char *vg_db_where(const vg_db *db);   /* file path or "postgresql", for messages */

int vg_db_begin(vg_db *db, vigil_error *err);
/* A read-only snapshot: every query until the rollback sees the same state, writers go on. */
int vg_db_begin_read(vg_db *db, vigil_error *err);
int vg_db_commit(vg_db *db, vigil_error *err);
void vg_db_rollback(vg_db *db);

/* Run a statement; *changes_out (may be NULL) gets the number of rows changed. */
int vg_db_exec(vg_db *db, const char *sql, const char *const *params, int n, int64_t *changes_out,
               vigil_error *err);
/* Run an INSERT into a table with an "id" key; *id_out gets the new id. */
int vg_db_insert(vg_db *db, int64_t *id_out, const char *sql, const char *const *params, int n,
                 vigil_error *err);
/* Run a query; rows are owned by the caller (vg_rows_free). */
int vg_db_query(vg_db *db, vg_rows *out, const char *sql, const char *const *params, int n,
                vigil_error *err);
/* Run a query expected to give one integer (0 when no row or NULL). */
int vg_db_int(vg_db *db, int64_t *out, const char *sql, const char *const *params, int n,
              vigil_error *err);
/* One value of a streamed row: SQL NULL, an integer (s == NULL, in i) or text (in s). */
typedef struct vg_val {
    const char *s;
    int64_t i;
    int null;
} vg_val;
int64_t vg_val_i64(const vg_val *v);

/* Run a query and hand each row to fn without copying it (values valid during the call);
 * fn returns 0 to go on, < 0 to stop with that code. */
typedef int (*vg_row_fn)(const vg_val *cells, size_t ncols, void *ud);
int vg_db_each(vg_db *db, const char *sql, const char *const *params, int n, vg_row_fn fn, void *ud,
               vigil_error *err);
/* Run several ';'-separated statements without parameters. */
int vg_db_script(vg_db *db, const char *sql, vigil_error *err);
void vg_rows_free(vg_rows *r);
static inline const char *vg_cell(const vg_rows *r, size_t row, size_t col)
{
    return r->cell[row * r->ncols + col];
}
int64_t vg_cell_i64(const vg_rows *r, size_t row, size_t col);
/* The stored byte length of a cell (NULs included), 0 for SQL NULL. */
static inline size_t vg_cell_len(const vg_rows *r, size_t row, size_t col)
{
    return r->len ? r->len[row * r->ncols + col] : 0;
}

/* Tune this connection for a bulk load (SQLite: a 128 MiB page cache, temporary data in memory;
 * PostgreSQL: nothing). */
void vg_db_bulk(vg_db *db);

/* Reserve n new ids of table (its "id" key) for rows inserted with explicit ids inside the
 * caller's transaction; *ids_out is a new array owned by the caller (free()). */
int vg_db_reserve_ids(vg_db *db, const char *table, size_t n, int64_t **ids_out, vigil_error *err);

/* Copy the SQLite database behind db into dest as one consistent snapshot while other
 * connections go on writing (WAL): written to "<dest>.tmp-PID", synced, then renamed, so dest
 * is either absent or whole. *bytes_out (may be NULL) gets the copy's size. PostgreSQL:
 * VIGIL_EINPUT (pg_dump does this there). dest must not exist. */
int vg_db_backup(vg_db *db, const char *dest, uint64_t *bytes_out, vigil_error *err);

/* The backend's own consistency checks (SQLite: integrity_check and foreign_key_check;
 * PostgreSQL: none, the server keeps its pages): fn gets one line per problem. */
typedef void (*vg_db_problem_fn)(void *ud, const char *problem);
int vg_db_integrity(vg_db *db, vg_db_problem_fn fn, void *ud, uint64_t *problems, vigil_error *err);

/* A schema owned by a caller: its tables, versioned in meta(version_key). */
typedef struct vg_schema {
    const char *name;                /* "case", "audit": for messages */
    const char *version_key;         /* its row in meta */
    int version;                     /* the number of migrations */
    const char *const *migrations;   /* migrations[v] takes version v to v + 1; @PK@ is filled per backend */
    const char *after_sqlite, *after_pg; /* run after any migration (triggers); may be NULL */
    const char *drop_sqlite, *drop_pg;   /* drop its tables (tests start afresh with it) */
} vg_schema;

/* Bring schema s up to date in one transaction; VIGIL_EINPUT when the database holds a newer
 * version of it than this vigil knows. */
int vg_db_migrate(vg_db *db, const vg_schema *s, vigil_error *err);
/* The version of schema s the database holds now (0: none yet). */
int vg_db_schema_version(vg_db *db, const vg_schema *s, int64_t *ver, vigil_error *err);
/* Before migrating an existing SQLite database: copy it to "<db>.<tag>.bak" (then
 * "<db>.<tag>-2.bak", ... so an earlier copy is never replaced) and say where in the log.
 * PostgreSQL: nothing is copied (its migrations are transactions as on SQLite; pg_dump
 * first is the administrator's). */
int vg_db_backup_before_upgrade(vg_db *db, const char *tag, vigil_error *err);
/* Drop s's tables and forget its version (vg_db_migrate creates them afresh). */
int vg_db_drop(vg_db *db, const vg_schema *s, vigil_error *err);

/* Backends. */
int vg_sqlite_open(vg_db **out, const char *path, vigil_error *err);
/* The same for a file that must be there: VIGIL_ENOTFOUND, and no file made, when it is not. */
int vg_sqlite_open_existing(vg_db **out, const char *path, vigil_error *err);
int vg_pg_open(vg_db **out, const char *conninfo, vigil_error *err);
/* A handle over an SQLite connection opened elsewhere (struct sqlite3 *), so that SQL written
 * for this layer can run inside that connection's transaction. vg_db_close finalizes the
 * handle's statements and leaves the connection open; close the handle first. */
struct sqlite3;
/* Put an SQLite connection's file into WAL mode, waiting out other first openers within the busy
 * timeout (SQLite refuses the switch at once while another connection writes); SQLite's result. */
int vg_sqlite_use_wal(struct sqlite3 *h);
int vg_sqlite_wrap(vg_db **out, struct sqlite3 *conn, const char *path, vigil_error *err);

#endif

/* What a backend of the registry's SQL layer provides (src/store/sqlite.c, postgres.c). */
#ifndef VG_STORE_DB_INT_H
#define VG_STORE_DB_INT_H
#include "store/db.h"

typedef struct vg_db_ops {
    int (*exec)(vg_db *db, const char *sql, const char *const *p, int n, int64_t *changes,
                vigil_error *err);
    int (*insert)(vg_db *db, int64_t *id, const char *sql, const char *const *p, int n,
                  vigil_error *err);
    int (*query)(vg_db *db, vg_rows *out, const char *sql, const char *const *p, int n,
                 vigil_error *err);
    int (*script)(vg_db *db, const char *sql, vigil_error *err);
    int (*each)(vg_db *db, const char *sql, const char *const *p, int n, vg_row_fn fn, void *ud,
                vigil_error *err);
    void (*close)(vg_db *db);
} vg_db_ops;

struct vg_db {
    const vg_db_ops *ops;
    int pg;
    char *where;
    int in_tx;
    void *impl;
};

/* The SQLite connection behind db; NULL for PostgreSQL. */
struct sqlite3;
struct sqlite3 *vg_sqlite_handle(vg_db *db);

/* Grow-and-append helper for backends filling a vg_rows: cell holds len bytes and a NUL. */
int vg_rows_push(vg_rows *r, size_t *cap, char *cell, size_t len);

#endif

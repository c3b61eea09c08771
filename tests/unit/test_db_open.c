/*
 * store/sqlite: concurrent first opens of a new database file. Putting a file into WAL mode
 * rewrites its header, and while another connection writes, SQLite refuses that at once
 * instead of waiting: an open must wait for the writer (within the busy timeout), not fail
 * with "database is locked" (seen with ten vigil commands starting on one new registry).
 */
#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "testutil.h"
#include "store/db.h"

typedef struct writer {
    sqlite3 *h;
    int ms; /* how long it holds its write lock */
} writer;

static void *release_later(void *arg)
{
    writer *w = arg;
    struct timespec ts = {w->ms / 1000, (long)(w->ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
    sqlite3_exec(w->h, "COMMIT", NULL, NULL, NULL);
    return NULL;
}

/* A file marked as vigil's, still in the rollback journal mode, with another connection writing. */
static void test_wal_waits_for_a_writer(void **state)
{
    char *dir = tu_mkdtemp(), *path = tu_path(dir, "new.db");
    sqlite3 *h;
    writer w = {NULL, 300};
    pthread_t t;
    vg_db *db = NULL;
    vg_rows r;
    vigil_error err = {0};
    (void)state;
    assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, "PRAGMA application_id = 1447642956", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
    assert_int_equal(sqlite3_open(path, &w.h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(w.h, "BEGIN IMMEDIATE; CREATE TABLE other(a)", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(pthread_create(&t, NULL, release_later, &w), 0);
    assert_int_equal(vg_db_open(&db, path, &err), 0); /* before the change: "database is locked" at once */
    pthread_join(t, NULL);
    assert_int_equal(vg_db_query(db, &r, "PRAGMA journal_mode", NULL, 0, &err), 0);
    assert_int_equal(r.nrows, 1);
    assert_string_equal(vg_cell(&r, 0, 0), "wal");
    vg_rows_free(&r);
    /* the writer's work is there: the open waited for it rather than going around it */
    assert_int_equal(vg_db_query(db, &r, "SELECT count(*) FROM sqlite_master WHERE name = 'other'", NULL, 0, &err), 0);
    assert_string_equal(vg_cell(&r, 0, 0), "1");
    vg_rows_free(&r);
    vg_db_close(db);
    sqlite3_close(w.h);
    tu_rm_rf(dir);
    free(path);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wal_waits_for_a_writer),
    };
    return tu_run_tests("db_open", tests, NULL, NULL);
}

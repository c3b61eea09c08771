/*
 * audit: the hash-chained log over a bare database handle, with a pinned clock: events carry
 * the clock's time, the chain finds an altered, removed or reordered event, the schema runs on
 * databases where the case schema had made the table; and a hash-set store records its
 * changes there, in its own transaction when the log shares its file, or right after it when
 * the log is elsewhere (PostgreSQL when VIGIL_PG_URL is set, tests/pg-run.sh).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "audit/audit.h"
#include "cases/reg.h"
#include "hashset/store_int.h"
#include "store/db.h"

#define T0 1136073600 /* 2006-01-01T00:00:00Z */

/* A clock that says what the test tells it. */
static int64_t pinned_now(void *ctx)
{
    return *(const int64_t *)ctx;
}

typedef struct fx {
    char *dir, *path;
    const char *pg;  /* the log in PostgreSQL, else in <dir>/a.db */
    vg_db *db;
    int64_t now;
    vg_clock clock;
} fx;

static vg_db *open_log(const char *where)
{
    vg_db *db;
    vigil_error err;
    if (vg_db_open(&db, where, &err) < 0 || vg_db_migrate(db, &vg_audit_schema, &err) < 0)
        fail_msg("%s", err.msg);
    return db;
}

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    vigil_error err;
    f->dir = tu_mkdtemp();
    f->path = tu_path(f->dir, "a.db");
    f->pg = getenv("VIGIL_PG_URL");
    if (f->pg && !*f->pg)
        f->pg = NULL;
    f->db = open_log(f->pg ? f->pg : f->path);
    if (f->pg) { /* a shared server: start from an empty log */
        assert_int_equal(vg_db_drop(f->db, &vg_audit_schema, &err), 0);
        assert_int_equal(vg_db_migrate(f->db, &vg_audit_schema, &err), 0);
    }
    f->now = T0;
    f->clock = (vg_clock){pinned_now, &f->now};
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    vg_db_close(f->db);
    tu_rm_rf(f->dir);
    free(f->dir);
    free(f->path);
    free(f);
    return 0;
}

static void append(fx *f, const char *who, const char *action, const char *object, const char *detail,
                   int64_t event_at)
{
    vigil_error err;
    assert_int_equal(vg_db_begin(f->db, &err), 0);
    if (vg_audit_append(f->db, &f->clock, who, action, object, detail, event_at, &err) < 0)
        fail_msg("%s", err.msg);
    assert_int_equal(vg_db_commit(f->db, &err), 0);
}

static void verify(fx *f, vigil_audit_report *rep)
{
    vigil_error err;
    if (vg_audit_verify(rep, f->db, &err) < 0)
        fail_msg("%s", err.msg);
}

/* Tamper the way someone with the database's password could: drop the guard, then edit. */
static void tamper(vg_db *db, const char *sql)
{
    vigil_error err;
    const char *unguard = vg_db_is_pg(db)
        ? "DROP TRIGGER IF EXISTS audit_no_update ON audit; DROP TRIGGER IF EXISTS audit_no_delete ON audit"
        : "DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete";
    assert_int_equal(vg_db_script(db, unguard, &err), 0);
    if (vg_db_script(db, sql, &err) < 0)
        fail_msg("%s", err.msg);
}

static void test_pinned_clock(void **state)
{
    fx *f = *state;
    vigil_audit_report rep;
    vg_rows r;
    vigil_error err;
    append(f, "alice", "case.new", "case:1", "distribution", 0);
    f->now = T0 + 86400 + 3661;
    append(f, "bob", "case.refer", "case:1", "to=R01", T0 - 86400);
    assert_int_equal(vg_db_query(f->db, &r, "SELECT seq, at, event_at, who, action, object, detail FROM audit"
                                 " ORDER BY seq", NULL, 0, &err), 0);
    assert_int_equal(r.nrows, 2);
    assert_string_equal(vg_cell(&r, 0, 1), "2006-01-01T00:00:00Z");
    assert_null(vg_cell(&r, 0, 2));
    assert_string_equal(vg_cell(&r, 0, 3), "alice");
    assert_string_equal(vg_cell(&r, 1, 1), "2006-01-02T01:01:01Z");
    assert_string_equal(vg_cell(&r, 1, 2), "2005-12-31T00:00:00Z");
    assert_string_equal(vg_cell(&r, 1, 4), "case.refer");
    assert_string_equal(vg_cell(&r, 1, 6), "to=R01");
    vg_rows_free(&r);
    verify(f, &rep);
    assert_int_equal(rep.events, 2);
    assert_int_equal(rep.bad_seq, 0);
}

static void test_append_only(void **state)
{
    fx *f = *state;
    vigil_error err;
    append(f, "alice", "unit.add", "unit:NAT", "national", 0);
    assert_true(vg_db_exec(f->db, "UPDATE audit SET who = 'mallory'", NULL, 0, NULL, &err) < 0);
    assert_non_null(strstr(err.msg, "append-only"));
    assert_true(vg_db_exec(f->db, "DELETE FROM audit", NULL, 0, NULL, &err) < 0);
    assert_non_null(strstr(err.msg, "append-only"));
}

static void test_altered_event(void **state)
{
    fx *f = *state;
    vigil_audit_report rep;
    for (int i = 0; i < 3; i++)
        append(f, "alice", "hashset.dispute", "00112233445566778899aabbccddeeff", "set=* reason=benign", 0);
    tamper(f->db, "UPDATE audit SET detail = 'set=* reason=other' WHERE seq = 2");
    verify(f, &rep);
    assert_int_equal(rep.bad_seq, 2);
    assert_int_equal(rep.events, 1);
    assert_non_null(strstr(rep.why, "event 2 (hashset.dispute 00112233445566778899aabbccddeeff) was altered"));
}

static void test_removed_events(void **state)
{
    fx *f = *state;
    vigil_audit_report rep;
    for (int i = 0; i < 3; i++)
        append(f, "alice", "case.show", "case:1", NULL, 0);
    tamper(f->db, "DELETE FROM audit WHERE seq = 3");
    verify(f, &rep);
    assert_int_equal(rep.bad_seq, 3);
    assert_non_null(strstr(rep.why, "event 3 missing: the log ends at event 2 but 3 were written"));
    tamper(f->db, "DELETE FROM audit WHERE seq = 1");
    verify(f, &rep);
    assert_int_equal(rep.bad_seq, 1);
    assert_non_null(strstr(rep.why, "event 1 missing"));
}

/* Databases of the case schema version 1 made the audit table themselves: the audit schema's
 * migrations must take them as they are, events and guard included, and an event written by
 * the release before state (its digest computed here by hand: strlen-prefixed fields, no
 * state) still verifies after the migration, beside new events. */
static void test_schema_on_older_database(void **state)
{
    fx *f = *state;
    vigil_audit_report rep;
    vigil_error err;
    vg_db *db;
    int64_t from = 0;
    char *old = tu_path(f->dir, "old.db");
    assert_int_equal(vg_db_open(&db, old, &err), 0);
    assert_int_equal(vg_db_script(db,
                                  "CREATE TABLE audit(seq BIGINT PRIMARY KEY, at TEXT NOT NULL, event_at TEXT,"
                                  "  who TEXT NOT NULL, action TEXT NOT NULL, object TEXT NOT NULL, detail TEXT,"
                                  "  prev TEXT NOT NULL, digest TEXT NOT NULL);"
                                  "INSERT INTO audit VALUES(1, '2006-01-01T00:00:00Z', NULL, 'admin', 'unit.add',"
                                  "  'unit:NAT', 'national', '',"
                                  "  '920dd018f711dc126d7387ff8f6c611215f9a71878b0b2050369fb0d06757008');"
                                  "INSERT INTO meta(key, value) VALUES('audit_head',"
                                  "  '1:920dd018f711dc126d7387ff8f6c611215f9a71878b0b2050369fb0d06757008');"
                                  "INSERT INTO meta(key, value) VALUES('cases_schema_version', '1');", &err), 0);
    vg_db_close(db);
    db = open_log(old);
    assert_int_equal(vg_audit_v2_from(db, &from, &err), 0);
    assert_int_equal(from, 2);
    assert_int_equal(vg_audit_append(db, &f->clock, "admin", "unit.add", "unit:R01", "regional", 0, &err), 0);
    assert_int_equal(vg_audit_verify(&rep, db, &err), 0);
    assert_int_equal(rep.events, 2);
    assert_int_equal(rep.bad_seq, 0);
    assert_true(vg_db_exec(db, "DELETE FROM audit", NULL, 0, NULL, &err) < 0);
    vg_db_close(db);
    free(old);
}

/* The digest counts bytes, not C-string length: a value with a NUL and more text after it is
 * another value (the old scheme, strlen, could not tell them apart). A known answer pins the
 * format that docs/audit.md describes. */
static void test_digest_lengths(void **state)
{
    char a[65], b[65];
    const char *f[9] = {"1", "2006-01-01T00:00:00Z", NULL, "admin", "case.new", "case:1", "ab\0cd", "s", ""};
    size_t len[9] = {1, 20, 0, 5, 8, 6, 2, 1, 0};
    (void)state;
    assert_int_equal(vg_audit_digest(a, 2, f, len), 0);
    len[6] = 5;
    assert_int_equal(vg_audit_digest(b, 2, f, len), 0);
    assert_string_not_equal(a, b);
    assert_int_equal(vg_audit_digest(a, 1, f, len), 0);
    len[6] = 2;
    assert_int_equal(vg_audit_digest(b, 1, f, len), 0);
    assert_string_equal(a, b); /* why scheme 1 had to go */
    /* sha256(b"1:1" b"20:2006-01-01T00:00:00Z" b"-:" b"5:admin" b"8:case.new" b"6:case:1"
     *        b"2:ab" b"1:s" b"0:") */
    assert_int_equal(vg_audit_digest(a, 2, f, len), 0);
    assert_string_equal(a, "7735ee432138f094e7bbb85908a4c90f5d92eee185703714d734759aa0625ec0");
}

/* A NUL byte edited into a stored value is found (SQLite; PostgreSQL text refuses one). */
static void test_nul_edit(void **state)
{
    fx *f = *state;
    vigil_audit_report rep;
    vigil_error err;
    append(f, "alice", "case.new", "case:1", "unit=NAT", 0);
    append(f, "alice", "case.show", "case:1", NULL, 0);
    if (f->pg) { /* the attack cannot be made: PostgreSQL text holds no NUL */
        tamper(f->db, "SELECT 1");
        assert_true(vg_db_script(f->db, "UPDATE audit SET detail = detail || chr(0) || 'x' WHERE seq = 1", &err) < 0);
        return;
    }
    tamper(f->db, "UPDATE audit SET detail = CAST(CAST(detail AS BLOB) || x'00' || CAST('x' AS BLOB) AS TEXT)"
                  " WHERE seq = 1");
    verify(f, &rep);
    assert_int_equal(rep.bad_seq, 1);
    assert_non_null(strstr(rep.why, "event 1 (case.new case:1) was altered"));
}

/* vg_cell_len: the stored byte length (SQLite text with a NUL in it; multi-byte text), 0 for NULL. */
static void test_cell_len(void **state)
{
    fx *f = *state;
    vg_rows r;
    vigil_error err;
    const char *sql = f->pg ? "SELECT 'x\xc3\xa9y', NULL, ''"
                            : "SELECT CAST(x'610062' AS TEXT), NULL, 'x\xc3\xa9y'";
    assert_int_equal(vg_db_query(f->db, &r, sql, NULL, 0, &err), 0);
    assert_int_equal(r.nrows, 1);
    assert_int_equal(vg_cell_len(&r, 0, 0), f->pg ? 4 : 3);
    if (!f->pg)
        assert_memory_equal(vg_cell(&r, 0, 0), "a\0b", 4);
    assert_null(vg_cell(&r, 0, 1));
    assert_int_equal(vg_cell_len(&r, 0, 1), 0);
    assert_int_equal(vg_cell_len(&r, 0, 2), f->pg ? 0 : 4);
    vg_rows_free(&r);
}

/* Checkpoints: signed, written to the table and the anchor file, checked with the public key;
 * only_new signs nothing when the head is covered; later events are named. */
static void test_checkpoint(void **state)
{
    fx *f = *state;
    vigil_audit_report rep;
    vigil_error err;
    int64_t seq = -1;
    char *keys = tu_path(f->dir, "keys"), *key = tu_path(keys, "audit.key"), *pub = tu_path(keys, "audit.pub");
    assert_int_equal(vigil_audit_keygen(keys, &err), 0);
    assert_int_equal(vigil_audit_keygen(keys, &err), VIGIL_EEXISTS);
    append(f, "alice", "case.new", "case:1", "unit=NAT", 0);
    append(f, "alice", "case.show", "case:1", NULL, 0);
    assert_int_equal(vg_audit_checkpoint(&seq, f->db, &f->clock, key, 1, &err), 0);
    assert_int_equal(seq, 2);
    assert_int_equal(vg_audit_checkpoint(&seq, f->db, &f->clock, key, 1, &err), 0);
    assert_int_equal(seq, 0);
    verify(f, &rep);
    assert_int_equal(vg_audit_check_anchor(&rep, f->db, pub, NULL, &err), 0);
    assert_int_equal(rep.bad_seq, 0);
    assert_int_equal(rep.checkpoints, 1);
    assert_true(rep.anchored);
    append(f, "bob", "case.show", "case:1", NULL, 0);
    append(f, "bob", "case.show", "case:1", NULL, 0);
    verify(f, &rep);
    assert_int_equal(vg_audit_check_anchor(&rep, f->db, pub, NULL, &err), 0);
    assert_int_equal(rep.bad_seq, 3);
    assert_string_equal(rep.why, "events 3-4 were not covered by a signed checkpoint: added after the last"
                                 " checkpoint (2006-01-01T00:00:00Z)");
    /* the public key of another pair: every signature is bad */
    {
        char *other = tu_path(f->dir, "other");
        char *opub = tu_path(other, "audit.pub"), *anchor = tu_path(keys, "audit.checkpoints");
        assert_int_equal(vigil_audit_keygen(other, &err), 0);
        verify(f, &rep);
        assert_int_equal(vg_audit_check_anchor(&rep, f->db, opub, anchor, &err), 0);
        assert_non_null(strstr(rep.why, "has a bad signature"));
        free(other);
        free(opub);
        free(anchor);
    }
    free(keys);
    free(key);
    free(pub);
}

/* State: the digest of an object's rows, with byte lengths; objects of other kinds have none. */
static void test_state(void **state)
{
    fx *f = *state;
    vg_db *db;
    vigil_error err;
    char a[65], b[65], c[65];
    int known = -1;
    char *path = tu_path(f->dir, "reg.db");
    assert_int_equal(vg_db_open(&db, path, &err), 0);
    assert_int_equal(vg_cases_migrate(db, &err), 0);
    assert_int_equal(vg_db_script(db, "INSERT INTO units(code, name, type, country, created_at)"
                                      " VALUES('NAT', 'National', 'national', NULL, '2006-01-01T00:00:00Z');"
                                      "INSERT INTO cases(type, title, reg_unit, owner_unit, status, registered_at,"
                                      " reg_day, self_registered, updated_at) VALUES('grooming', 't', 1, 1,"
                                      " 'registered', '2006-01-01T00:00:00Z', 13149, 0, '2006-01-01T00:00:00Z')",
                                  &err), 0);
    assert_int_equal(vg_reg_state(a, &known, db, "case:1", &err), 0);
    assert_int_equal(known, 1);
    assert_int_equal(strlen(a), 64);
    assert_int_equal(vg_reg_state(b, &known, db, "case:1", &err), 0);
    assert_string_equal(a, b);
    /* a suspect is part of the case */
    assert_int_equal(vg_db_script(db, "INSERT INTO suspects VALUES(1, 'P-1')", &err), 0);
    assert_int_equal(vg_reg_state(b, &known, db, "case:1", &err), 0);
    assert_string_not_equal(a, b);
    /* a NUL and more text in a value changes the state */
    assert_int_equal(vg_reg_state(a, &known, db, "unit:NAT", &err), 0);
    assert_int_equal(vg_db_script(db, "UPDATE units SET name = CAST(CAST(name AS BLOB) || x'00' || CAST('x' AS BLOB)"
                                      " AS TEXT)", &err), 0);
    assert_int_equal(vg_reg_state(c, &known, db, "unit:NAT", &err), 0);
    assert_string_not_equal(a, c);
    /* a missing object has a state too (that of no rows), another object another one */
    assert_int_equal(vg_reg_state(a, &known, db, "case:2", &err), 0);
    assert_int_equal(vg_reg_state(c, &known, db, "case:3", &err), 0);
    assert_string_not_equal(a, c);
    assert_int_equal(vg_reg_state(a, &known, db, "hashset:known", &err), 0);
    assert_int_equal(known, 0);
    assert_string_equal(a, "");
    vg_db_close(db);
    free(path);
}

/* ---- a hash-set store recording its changes ---- */

typedef struct event {
    char who[32], action[32], object[80], detail[256], at[24];
} event;

static size_t events(vg_db *db, event *out, size_t cap)
{
    vg_rows r;
    vigil_error err;
    size_t n;
    if (vg_db_query(db, &r, "SELECT who, action, object, detail, at FROM audit ORDER BY seq", NULL, 0, &err) < 0)
        fail_msg("%s", err.msg);
    for (n = 0; n < r.nrows && n < cap; n++) {
        snprintf(out[n].who, sizeof out[n].who, "%s", vg_cell(&r, n, 0));
        snprintf(out[n].action, sizeof out[n].action, "%s", vg_cell(&r, n, 1));
        snprintf(out[n].object, sizeof out[n].object, "%s", vg_cell(&r, n, 2));
        snprintf(out[n].detail, sizeof out[n].detail, "%s", vg_cell(&r, n, 3) ? vg_cell(&r, n, 3) : "");
        snprintf(out[n].at, sizeof out[n].at, "%s", vg_cell(&r, n, 4));
    }
    n = r.nrows;
    vg_rows_free(&r);
    return n;
}

static const char *md5_list = "d41d8cd98f00b204e9800998ecf8427e  empty\n"
                              "0123456789abcdef0123456789abcdef  a.jpg\n"
                              "fedcba9876543210fedcba9876543210  b.jpg\n";

/* Every kind of change once, then the refusals, which must leave no event. */
static void exercise_store(fx *f, vigil_store *st, vg_db *log)
{
    vigil_import_opts o = {.name = "known", .kind = VIGIL_KIND_ILLEGAL, .who = "alice"};
    vigil_import_stats s;
    vigil_audit_report rep;
    vigil_error err;
    event ev[8];
    char *list = tu_path(f->dir, "list.md5");
    const char *files[1] = {list};
    tu_write(f->dir, "list.md5", md5_list, strlen(md5_list));
    f->now = T0 + 60;
    if (vigil_hashset_import(&s, st, files, 1, &o, &err) < 0)
        fail_msg("%s", err.msg);
    o.replace = 1;
    assert_int_equal(vigil_hashset_import(&s, st, files, 1, &o, &err), 0);
    assert_int_equal(vigil_hashset_dispute(st, "0123456789ABCDEF0123456789ABCDEF", "known", "a holiday photo", "alice",
                                           &err), 0);
    assert_int_equal(vigil_hashset_undispute(st, "0123456789abcdef0123456789abcdef", "alice", &err), 0);
    assert_int_equal(vigil_hashset_remove(st, "known", &err), 0);
    /* refused: nothing changes, nothing is recorded */
    assert_int_equal(vigil_hashset_remove(st, "known", &err), VIGIL_ENOTFOUND);
    assert_int_equal(vigil_hashset_undispute(st, "0123456789abcdef0123456789abcdef", "alice", &err), VIGIL_ENOTFOUND);
    assert_int_equal(vigil_hashset_dispute(st, "0123456789abcdef0123456789abcdef", "nosuch", "x", "alice", &err),
                     VIGIL_ENOTFOUND);
    o.replace = 0;
    tu_write(f->dir, "bad.md5", "not a digest\n", 13);
    files[0] = tu_path(f->dir, "bad.md5");
    assert_int_equal(vigil_hashset_import(&s, st, files, 1, &o, &err), VIGIL_EINPUT);
    free((char *)files[0]);

    assert_int_equal(events(log, ev, 8), 5);
    assert_string_equal(ev[0].action, "hashset.import");
    assert_string_equal(ev[0].object, "known");
    assert_string_equal(ev[0].who, "officer-7"); /* the sink's user, not the provenance field */
    assert_string_equal(ev[0].at, "2006-01-01T00:01:00Z");
    assert_non_null(strstr(ev[0].detail, "kind=illegal version=1 entries=2 records=3 added=2"));
    assert_non_null(strstr(ev[0].detail, "skipped=1"));
    assert_string_equal(ev[1].action, "hashset.replace");
    assert_non_null(strstr(ev[1].detail, "version=2 entries=2"));
    assert_string_equal(ev[2].action, "hashset.dispute");
    assert_string_equal(ev[2].object, "0123456789abcdef0123456789abcdef");
    assert_string_equal(ev[2].detail, "set=known reason=a holiday photo");
    assert_string_equal(ev[3].action, "hashset.undispute");
    assert_string_equal(ev[3].detail, "lifted=1");
    assert_string_equal(ev[4].action, "hashset.remove");
    assert_string_equal(ev[4].object, "known");
    assert_string_equal(ev[4].detail, "kind=illegal version=2 entries=2");
    assert_int_equal(vg_audit_verify(&rep, log, &err), 0);
    assert_int_equal(rep.events, 5);
    assert_int_equal(rep.bad_seq, 0);
    free(list);
}

/* The log in the store's own SQLite file (--db FILE): the event joins the change's transaction. */
static void test_store_same_file(void **state)
{
    fx *f = *state;
    char *path = tu_path(f->dir, "v.db");
    vigil_store *st;
    vigil_error err;
    vg_db *log;
    if (vigil_store_open(&st, path, &err) < 0)
        fail_msg("%s", err.msg);
    log = open_log(path);
    assert_int_equal(vg_store_set_audit(st, log, &f->clock, "officer-7", &err), 0);
    assert_non_null(st->audit_here);
    exercise_store(f, st, log);
    vigil_store_close(st);
    vg_db_close(log);
    free(path);
}

/* The log elsewhere (the fixture's: PostgreSQL under pg-run.sh, else another file). */
static void test_store_other_database(void **state)
{
    fx *f = *state;
    char *path = tu_path(f->dir, "sets.db");
    vigil_store *st;
    vigil_error err;
    if (vigil_store_open(&st, path, &err) < 0)
        fail_msg("%s", err.msg);
    assert_int_equal(vg_store_set_audit(st, f->db, &f->clock, "officer-7", &err), 0);
    assert_null(st->audit_here);
    exercise_store(f, st, f->db);
    vigil_store_close(st);
    free(path);
}

/* A change that fails after its event was written leaves neither. */
static void test_store_event_rolls_back(void **state)
{
    fx *f = *state;
    char *path = tu_path(f->dir, "sets.db");
    vigil_store *st;
    vigil_error err;
    event ev[2];
    if (vigil_store_open(&st, path, &err) < 0)
        fail_msg("%s", err.msg);
    assert_int_equal(vg_store_set_audit(st, f->db, &f->clock, "officer-7", &err), 0);
    assert_int_equal(vg_store_exec(st, "BEGIN IMMEDIATE", "begin", &err), 0);
    assert_int_equal(vg_store_audit(st, "hashset.remove", "known", "kind=illegal", &err), 0);
    assert_int_equal(vg_store_exec(st, "ROLLBACK", "rollback", &err), 0);
    assert_int_equal(vg_store_audit_settle(st, 0, &err), 0);
    assert_int_equal(events(f->db, ev, 2), 0);
    vigil_store_close(st);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_pinned_clock, setup, teardown),
        cmocka_unit_test_setup_teardown(test_append_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_altered_event, setup, teardown),
        cmocka_unit_test_setup_teardown(test_removed_events, setup, teardown),
        cmocka_unit_test_setup_teardown(test_schema_on_older_database, setup, teardown),
        cmocka_unit_test_setup_teardown(test_digest_lengths, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nul_edit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_checkpoint, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cell_len, setup, teardown),
        cmocka_unit_test_setup_teardown(test_state, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store_same_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store_other_database, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store_event_rolls_back, setup, teardown),
    };
    return tu_run_tests(getenv("VIGIL_PG_URL") ? "audit_postgresql" : "audit_sqlite", tests, NULL, NULL);
}

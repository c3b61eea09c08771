/*
 * cases: the store suite for the case registry. Runs against SQLite (a temporary file) or,
 * when VIGIL_PG_URL is set (tests/pg-run.sh), against a real PostgreSQL server: units,
 * lifecycle, referrals, reasons, overdue, the access matrix, audit tampering, statistics,
 * priority and import, each leaving the store as it was on error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "cases/reg.h"
#include "store/db.h"
#include "vigil/audit.h"
#include "vigil/cases.h"

#define DAY 86400
static int64_t D(const char *s)
{
    int64_t t;
    assert_int_equal(vigil_date_parse(&t, s, NULL), 0);
    return t;
}

typedef struct fx {
    vigil_registry *reg;
    vigil_actor admin;
    char *dir;
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    const char *pg = getenv("VIGIL_PG_URL");
    vigil_error err;
    char *path = NULL;
    if (pg && *pg) {
        assert_int_equal(vigil_registry_open(&f->reg, pg, &err), 0);
        assert_int_equal(vg_cases_wipe(f->reg->db, &err), 0);
    } else {
        f->dir = tu_mkdtemp();
        path = tu_path(f->dir, "v.db");
        if (vigil_registry_open(&f->reg, path, &err) < 0)
            fail_msg("%s", err.msg);
        free(path);
    }
    vigil_actor_admin(&f->admin);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    vigil_registry_close(f->reg);
    if (f->dir) {
        tu_rm_rf(f->dir);
        free(f->dir);
    }
    free(f);
    return 0;
}

static void add_unit(fx *f, const char *code, vigil_unit_type t, const char *cc)
{
    vigil_unit u = {0};
    vigil_error err;
    snprintf(u.code, sizeof u.code, "%s", code);
    snprintf(u.name, sizeof u.name, "Unit %s", code);
    snprintf(u.country, sizeof u.country, "%s", cc ? cc : "");
    u.type = t;
    if (vigil_unit_add(f->reg, &f->admin, &u, &err) < 0)
        fail_msg("%s", err.msg);
}

static void std_units(fx *f)
{
    add_unit(f, "NAT", VIGIL_UNIT_NATIONAL, NULL);
    add_unit(f, "R01", VIGIL_UNIT_REGIONAL, NULL);
    add_unit(f, "R02", VIGIL_UNIT_REGIONAL, NULL);
    add_unit(f, "BORDER", VIGIL_UNIT_SPECIAL, NULL);
    add_unit(f, "DE-BKA", VIGIL_UNIT_FOREIGN, "DE");
    add_unit(f, "PROS", VIGIL_UNIT_PROSECUTOR, NULL);
}

static int64_t new_case(fx *f, const char *unit, const char *type, const char *at)
{
    vigil_case_spec s = {unit, type, "a title", NULL, 0, at ? D(at) : 0, NULL};
    vigil_error err;
    int64_t id;
    if (vigil_case_new(&id, f->reg, &f->admin, &s, &err) < 0)
        fail_msg("%s", err.msg);
    return id;
}

/* A fingerprint of the whole store: row counts and the audit head, to prove nothing changed. */
static void snapshot(fx *f, char *out, size_t cap)
{
    static const char *const q[] = {"SELECT count(*) FROM units", "SELECT count(*) FROM cases",
        "SELECT count(*) FROM referrals", "SELECT count(*) FROM audit", "SELECT count(*) FROM users",
        "SELECT count(*) FROM suspects",
        "SELECT count(*) FROM cases WHERE status = 'registered'",
        "SELECT count(*) FROM referrals WHERE state = 'pending'"};
    size_t o = 0;
    for (size_t i = 0; i < sizeof q / sizeof q[0]; i++) {
        int64_t v;
        assert_int_equal(vg_db_int(f->reg->db, &v, q[i], NULL, 0, NULL), 0);
        o += (size_t)snprintf(out + o, cap - o, "%lld/", (long long)v);
    }
}

static void cases__dates_parse_or_say_why(void **state)
{
    int64_t t;
    vigil_error err;
    char buf[24];
    (void)state;
    assert_int_equal(vigil_date_parse(&t, "2006-03-01", &err), 0);
    assert_int_equal(t, 1141171200);
    assert_int_equal(vigil_date_parse(&t, "2006-03-01T12:30:00Z", &err), 0);
    assert_int_equal(t, 1141171200 + 45000);
    assert_int_equal(vigil_date_parse(&t, "2006-03-01T12:30+02:00", &err), 0);
    assert_int_equal(t, 1141171200 + 45000 - 7200);
    assert_int_equal(vigil_date_parse(&t, "2006-02-29", &err), VIGIL_EINPUT);
    assert_non_null(strstr(err.msg, "2006-02-29"));
    assert_int_equal(vigil_date_parse(&t, "2006-13-01", &err), VIGIL_EINPUT);
    assert_int_equal(vigil_date_parse(&t, "yesterday", &err), VIGIL_EINPUT);
    assert_int_equal(vigil_date_parse(&t, "2006-01-01x", &err), VIGIL_EINPUT);
    vigil_date_format(buf, sizeof buf, 1141171200, 0);
    assert_string_equal(buf, "2006-03-01");
}

static void cases__units_are_checked(void **state)
{
    fx *f = *state;
    vigil_unit u = {0}, *v;
    vigil_error err;
    size_t n;
    char before[256], after[256];
    std_units(f);
    snapshot(f, before, sizeof before);
    snprintf(u.code, sizeof u.code, "R01");
    snprintf(u.name, sizeof u.name, "again");
    u.type = VIGIL_UNIT_REGIONAL;
    assert_int_equal(vigil_unit_add(f->reg, &f->admin, &u, &err), VIGIL_EEXISTS);
    assert_string_equal(err.msg, "unit 'R01' already exists");
    snprintf(u.code, sizeof u.code, "FR");
    u.type = VIGIL_UNIT_FOREIGN;
    assert_int_equal(vigil_unit_add(f->reg, &f->admin, &u, &err), VIGIL_EINPUT);
    assert_non_null(strstr(err.msg, "country"));
    snprintf(u.code, sizeof u.code, "bad code");
    assert_int_equal(vigil_unit_add(f->reg, &f->admin, &u, &err), VIGIL_EINPUT);
    snapshot(f, after, sizeof after);
    assert_string_equal(before, after);
    assert_int_equal(vigil_unit_list(&v, &n, f->reg, &f->admin, &err), 0);
    assert_int_equal(n, 6);
    assert_string_equal(v[0].code, "BORDER");
    assert_string_equal(v[2].code, "NAT");
    assert_int_equal(v[1].type, VIGIL_UNIT_FOREIGN);
    assert_string_equal(v[1].country, "DE");
    free(v);
}

static void cases__lifecycle_allows_only_its_moves(void **state)
{
    fx *f = *state;
    vigil_error err;
    vigil_case *c;
    char before[256], after[256];
    int64_t id;
    std_units(f);
    id = new_case(f, "NAT", "distribution", "2006-01-05");
    snapshot(f, before, sizeof before);
    assert_int_equal(vigil_case_accept(f->reg, &f->admin, id, 0, &err), VIGIL_ESTATE);
    assert_non_null(strstr(err.msg, "is registered"));
    assert_int_equal(vigil_case_set_status(f->reg, &f->admin, id, "prosecutor", NULL, 0, &err), VIGIL_ESTATE);
    assert_string_equal(err.msg, "case 1 is registered: it cannot move to prosecutor");
    assert_int_equal(vigil_case_set_status(f->reg, &f->admin, id, "closed", NULL, 0, &err), VIGIL_EINPUT);
    assert_int_equal(vigil_case_set_status(f->reg, &f->admin, id, "closed", "maybe", 0, &err), VIGIL_EINPUT);
    assert_int_equal(vigil_case_set_status(f->reg, &f->admin, id, "referred", NULL, 0, &err), VIGIL_EINPUT);
    assert_int_equal(vigil_case_refer(f->reg, &f->admin, id, "R09", 0, -1, 0, &err), VIGIL_ENOTFOUND);
    assert_string_equal(err.msg, "unknown unit 'R09'");
    assert_int_equal(vigil_case_refer(f->reg, &f->admin, 99, "R01", 0, -1, 0, &err), VIGIL_ENOTFOUND);
    assert_string_equal(err.msg, "unknown case 99");
    snapshot(f, after, sizeof after);
    assert_string_equal(before, after);

    assert_int_equal(vigil_case_refer(f->reg, &f->admin, id, "R01", 0, -1, D("2006-01-06"), &err), 0);
    {   /* the audit event keeps both the back-filled date and the real time */
        vg_rows r;
        assert_int_equal(vg_db_query(f->reg->db, &r, "SELECT event_at, at, detail FROM audit"
                                     " WHERE action = 'case.refer'", NULL, 0, &err), 0);
        assert_int_equal(r.nrows, 1);
        assert_string_equal(vg_cell(&r, 0, 0), "2006-01-06T00:00:00Z");
        assert_true(strncmp(vg_cell(&r, 0, 1), "2006", 4) > 0);
        assert_string_equal(vg_cell(&r, 0, 2), "from=NAT to=R01 due=2006-02-05");
        vg_rows_free(&r);
    }
    assert_int_equal(vigil_case_refer(f->reg, &f->admin, id, "R02", 0, -1, D("2006-01-06"), &err), VIGIL_ESTATE);
    assert_int_equal(vigil_case_accept(f->reg, &f->admin, id, D("2006-01-01"), &err), VIGIL_EINPUT);
    assert_int_equal(vigil_case_accept(f->reg, &f->admin, id, D("2006-01-10"), &err), 0);
    assert_int_equal(vigil_case_accept(f->reg, &f->admin, id, D("2006-01-10"), &err), VIGIL_ESTATE);
    assert_int_equal(vigil_case_decline(f->reg, &f->admin, id, "capacity", NULL, 0, 0, &err), VIGIL_ESTATE);
    assert_non_null(strstr(err.msg, "already accepted on 2006-01-10"));
    assert_int_equal(vigil_case_set_status(f->reg, &f->admin, id, "investigating", NULL, D("2006-02-01"), &err), 0);
    assert_int_equal(vigil_case_set_status(f->reg, &f->admin, id, "prosecutor", NULL, D("2006-05-01"), &err), 0);
    assert_int_equal(vigil_case_set_status(f->reg, &f->admin, id, "investigating", NULL, 0, &err), VIGIL_ESTATE);
    assert_int_equal(vigil_case_set_status(f->reg, &f->admin, id, "closed", "prosecuted", D("2006-09-01"), &err), 0);
    assert_int_equal(vigil_case_set_status(f->reg, &f->admin, id, "closed", "duplicate", 0, &err), VIGIL_ESTATE);
    assert_string_equal(err.msg, "case 1 is closed: it cannot move to closed");
    assert_int_equal(vigil_case_get(&c, f->reg, &f->admin, id, 0, &err), 0);
    assert_string_equal(c->status, "closed");
    assert_string_equal(c->outcome, "prosecuted");
    assert_string_equal(c->owner_unit, "R01");
    assert_string_equal(c->reg_unit, "NAT");
    assert_int_equal(c->nreferrals, 1);
    assert_string_equal(c->referral[0].due, "2006-02-05");
    vigil_case_free(c);
}

static void cases__declines_keep_history_and_reasons(void **state)
{
    fx *f = *state;
    vigil_error err;
    vigil_case *c;
    char before[256], after[256];
    int64_t id;
    std_units(f);
    id = new_case(f, "NAT", "grooming", "2006-01-05");
    assert_int_equal(vigil_case_refer(f->reg, &f->admin, id, "R01", D("2006-01-20"), -1, D("2006-01-06"), &err), 0);
    snapshot(f, before, sizeof before);
    assert_int_equal(vigil_case_decline(f->reg, &f->admin, id, "busy", NULL, 0, 0, &err), VIGIL_EINPUT);
    assert_non_null(strstr(err.msg, "unknown reason 'busy'"));
    assert_int_equal(vigil_case_decline(f->reg, &f->admin, id, "other", NULL, 0, 0, &err), VIGIL_EINPUT);
    assert_non_null(strstr(err.msg, "needs a note"));
    assert_int_equal(vigil_case_decline(f->reg, &f->admin, id, "other", "", 0, 0, &err), VIGIL_EINPUT);
    assert_int_equal(vigil_case_decline(f->reg, &f->admin, id, "capacity", NULL, 1, 0, &err), VIGIL_ESTATE);
    snapshot(f, after, sizeof after);
    assert_string_equal(before, after);
    assert_int_equal(vigil_case_decline(f->reg, &f->admin, id, "capacity", NULL, 0, D("2006-01-09"), &err), 0);
    assert_int_equal(vigil_case_decline(f->reg, &f->admin, id, "capacity", NULL, 0, 0, &err), VIGIL_ESTATE);
    /* referred again, elsewhere; then accepted and returned; then a third time */
    assert_int_equal(vigil_case_refer(f->reg, &f->admin, id, "R02", 0, 10, D("2006-01-10"), &err), 0);
    assert_int_equal(vigil_case_accept(f->reg, &f->admin, id, D("2006-01-11"), &err), 0);
    assert_int_equal(vigil_case_decline(f->reg, &f->admin, id, "other", "wrong region after all", 1,
                                        D("2006-01-15"), &err), 0);
    assert_int_equal(vigil_case_refer(f->reg, &f->admin, id, "BORDER", 0, -1, D("2006-01-16"), &err), 0);
    assert_int_equal(vigil_case_get(&c, f->reg, &f->admin, id, D("2006-03-01"), &err), 0);
    assert_int_equal(c->nreferrals, 3);
    assert_string_equal(c->referral[0].state, "declined");
    assert_string_equal(c->referral[0].reason, "capacity");
    assert_string_equal(c->referral[0].due, "2006-01-20");
    assert_string_equal(c->referral[1].state, "returned");
    assert_string_equal(c->referral[1].note, "wrong region after all");
    assert_string_equal(c->referral[1].due, "2006-01-20");
    assert_string_equal(c->referral[2].state, "pending");
    assert_true(c->referral[2].overdue);
    assert_string_equal(c->owner_unit, "NAT");
    assert_string_equal(c->status, "referred");
    vigil_case_free(c);
}

static void cases__due_defaults_per_unit_type_and_overdue(void **state)
{
    fx *f = *state;
    vigil_error err;
    vigil_config cfg;
    vigil_case_row *v;
    vigil_case_filter flt = {.overdue = 1};
    size_t n;
    char *dir = tu_mkdtemp(), *path;
    int64_t a, b;
    std_units(f);
    tu_write(dir, "w.conf", "# deadlines\ndue_days.foreign = 60\nweight.repeat_suspect = 2\n", 60);
    path = tu_path(dir, "w.conf");
    assert_int_equal(vigil_config_load(&cfg, path, &err), 0);
    vigil_registry_set_config(f->reg, &cfg);
    a = new_case(f, "NAT", "possession", "2006-01-01");
    b = new_case(f, "NAT", "possession", "2006-01-01");
    assert_int_equal(vigil_case_refer(f->reg, &f->admin, a, "R01", 0, -1, D("2006-01-01"), &err), 0);
    assert_int_equal(vigil_case_refer(f->reg, &f->admin, b, "DE-BKA", 0, -1, D("2006-01-01"), &err), 0);
    flt.now = D("2006-02-15");
    assert_int_equal(vigil_case_list(&v, &n, f->reg, &f->admin, &flt, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(v[0].id, a);
    assert_string_equal(v[0].due, "2006-01-31");
    free(v);
    flt.overdue = 0;
    assert_int_equal(vigil_case_list(&v, &n, f->reg, &f->admin, &flt, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(v[1].due, "2006-03-02");
    assert_false(v[1].overdue);
    free(v);
    tu_write(dir, "bad.conf", "due_days.regional = soon\n", 24);
    free(path);
    path = tu_path(dir, "bad.conf");
    assert_int_equal(vigil_config_load(&cfg, path, &err), VIGIL_EINPUT);
    assert_non_null(strstr(err.msg, "bad.conf:1:"));
    free(path);
    tu_rm_rf(dir);
    free(dir);
}

/* Who is acting: the first caller becomes admin, no name means admin no longer, --as is for admins. */
static void cases__identity_from_login(void **state)
{
    fx *f = *state;
    vigil_error err;
    vigil_actor a;
    vigil_login in;
    int pg = vg_db_is_pg(f->reg->db);
    int64_t n = 0;
    std_units(f);
    /* a fresh registry: the caller becomes its admin, once, with an audit event */
    assert_int_equal(vigil_actor_login(&a, &in, f->reg, "alice", NULL, &err), 0);
    assert_int_equal(in.created, 1);
    assert_int_equal(a.role, VIGIL_ROLE_ADMIN);
    assert_string_equal(a.name, pg ? "vigil" : "alice");
    assert_int_equal(vg_db_int(f->reg->db, &n, "SELECT count(*) FROM audit WHERE action = 'user.add'", NULL, 0,
                               &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(vigil_actor_login(&a, &in, f->reg, "alice", NULL, &err), 0);
    assert_int_equal(in.created, 0);
    assert_int_equal(vigil_user_add(f->reg, &a, "r1", "R01", VIGIL_ROLE_OFFICER, pg ? NULL : "bob", &err), 0);
    /* no name is no longer the administrator, nor is "admin" when nobody is called so */
    assert_int_equal(vigil_actor_resolve(&a, f->reg, "", &err), VIGIL_EDENIED);
    assert_int_equal(vigil_actor_resolve(&a, f->reg, NULL, &err), VIGIL_EDENIED);
    assert_int_equal(vigil_actor_resolve(&a, f->reg, "admin", &err), VIGIL_EDENIED);
    assert_non_null(strstr(err.msg, "unknown user 'admin'"));
    /* the admin may act as another user, not as an unknown or empty one */
    assert_int_equal(vigil_actor_login(&a, NULL, f->reg, "alice", "r1", &err), 0);
    assert_string_equal(a.name, "r1");
    if (pg)
        assert_int_equal(vg_db_script(f->reg->db, "RESET ROLE", &err), 0);
    assert_int_equal(vigil_actor_login(&a, NULL, f->reg, "alice", "", &err), VIGIL_EDENIED);
    assert_int_equal(vigil_actor_login(&a, NULL, f->reg, "alice", "admin", &err), VIGIL_EDENIED);
    assert_int_equal(vigil_actor_login(&a, NULL, f->reg, "alice", "nosuch", &err), VIGIL_EDENIED);
    if (pg)
        return;   /* on PostgreSQL the caller is the connection's role: tests/e2e/identity.sh connects as others */
    /* an officer acts as itself, and as nobody else */
    assert_int_equal(vigil_actor_login(&a, NULL, f->reg, "bob", NULL, &err), 0);
    assert_string_equal(a.name, "r1");
    assert_int_equal(vigil_actor_login(&a, NULL, f->reg, "bob", "r1", &err), 0);
    assert_int_equal(vigil_actor_login(&a, NULL, f->reg, "bob", "alice", &err), VIGIL_EDENIED);
    assert_non_null(strstr(err.msg, "only an admin may act as another user"));
    /* a login mapped to no user is refused, and told how to be mapped */
    assert_int_equal(vigil_actor_login(&a, NULL, f->reg, "carol", NULL, &err), VIGIL_EDENIED);
    assert_non_null(strstr(err.msg, "--os-user carol"));
    /* one login, one user */
    assert_int_equal(vigil_actor_login(&a, NULL, f->reg, "alice", NULL, &err), 0);
    assert_int_equal(vigil_user_add(f->reg, &a, "r2", "R02", VIGIL_ROLE_OFFICER, "bob", &err), VIGIL_EEXISTS);
}

/* A registry written before users had logins has users but no way in: its first caller becomes
 * its admin, once (on PostgreSQL: users without a role of their name). */
static void cases__identity_upgraded_registry(void **state)
{
    fx *f = *state;
    vigil_error err;
    vigil_actor a;
    vigil_login in;
    int pg = vg_db_is_pg(f->reg->db);
    std_units(f);
    assert_int_equal(vg_db_script(f->reg->db, "INSERT INTO users(name, unit_id, role) VALUES('old1', NULL, 'analyst')",
                                  &err), 0);
    assert_int_equal(vigil_actor_login(&a, &in, f->reg, "alice", NULL, &err), 0);
    assert_int_equal(in.created, 2);
    assert_int_equal(a.role, VIGIL_ROLE_ADMIN);
    assert_string_equal(a.name, pg ? "vigil" : "alice");
    if (pg)
        assert_int_equal(vg_db_script(f->reg->db, "RESET ROLE", &err), 0);
    else
        assert_int_equal(vigil_actor_login(&a, &in, f->reg, "carol", NULL, &err), VIGIL_EDENIED);
    assert_int_equal(vigil_actor_login(&a, &in, f->reg, "alice", NULL, &err), 0);
    assert_int_equal(in.created, 0);
}

/* The access matrix: role x action x own/other unit. */
static void cases__access_matrix(void **state)
{
    fx *f = *state;
    vigil_error err;
    vigil_actor nat, own, other, analyst;
    vigil_stats st;
    vigil_stats_query q = {VIGIL_STATS_BY_UNIT, 0, -1, 0};
    vigil_case_row *v;
    vigil_case *c;
    vigil_audit_report rep;
    vigil_unit u = {0};
    vigil_case_filter flt = {0};
    size_t n;
    int64_t id, id2;
    std_units(f);
    assert_int_equal(vigil_user_add(f->reg, &f->admin, "nat1", "NAT", VIGIL_ROLE_OFFICER, NULL, &err), 0);
    assert_int_equal(vigil_user_add(f->reg, &f->admin, "r1", "R01", VIGIL_ROLE_OFFICER, NULL, &err), 0);
    assert_int_equal(vigil_user_add(f->reg, &f->admin, "r2", "R02", VIGIL_ROLE_OFFICER, NULL, &err), 0);
    assert_int_equal(vigil_user_add(f->reg, &f->admin, "ana", NULL, VIGIL_ROLE_ANALYST, NULL, &err), 0);
    assert_int_equal(vigil_user_add(f->reg, &f->admin, "r1", "R01", VIGIL_ROLE_OFFICER, NULL, &err), VIGIL_EEXISTS);
    assert_int_equal(vigil_actor_resolve(&nat, f->reg, "nat1", &err), 0);
    assert_int_equal(vigil_actor_resolve(&own, f->reg, "r1", &err), 0);
    assert_int_equal(vigil_actor_resolve(&other, f->reg, "r2", &err), 0);
    assert_int_equal(vigil_actor_resolve(&analyst, f->reg, "ana", &err), 0);
    assert_int_equal(vigil_actor_resolve(&analyst, f->reg, "nobody", &err), VIGIL_EDENIED);
    assert_int_equal(vigil_actor_resolve(&analyst, f->reg, "ana", &err), 0);
    assert_true(nat.national);

    /* case new: own unit yes, other unit no, national any, analyst never */
    {
        vigil_case_spec s1 = {"R01", "possession", NULL, NULL, 0, 0, NULL};
        assert_int_equal(vigil_case_new(&id, f->reg, &own, &s1, &err), 0);
        assert_int_equal(vigil_case_new(&id2, f->reg, &other, &s1, &err), VIGIL_EDENIED);
        assert_non_null(strstr(err.msg, "not allowed for user 'r2'"));
        assert_int_equal(vigil_case_new(&id2, f->reg, &analyst, &s1, &err), VIGIL_EDENIED);
        assert_int_equal(vigil_case_new(&id2, f->reg, &nat, &s1, &err), 0);
    }
    /* show: own and national yes; other unit and analyst no */
    assert_int_equal(vigil_case_get(&c, f->reg, &own, id, 0, &err), 0);
    vigil_case_free(c);
    assert_int_equal(vigil_case_get(&c, f->reg, &nat, id, 0, &err), 0);
    vigil_case_free(c);
    assert_int_equal(vigil_case_get(&c, f->reg, &other, id, 0, &err), VIGIL_EDENIED);
    assert_int_equal(vigil_case_get(&c, f->reg, &analyst, id, 0, &err), VIGIL_EDENIED);
    /* refer: the owner unit (and national), not the other unit or the analyst */
    assert_int_equal(vigil_case_refer(f->reg, &other, id, "R02", 0, -1, 0, &err), VIGIL_EDENIED);
    assert_int_equal(vigil_case_refer(f->reg, &analyst, id, "R02", 0, -1, 0, &err), VIGIL_EDENIED);
    assert_int_equal(vigil_case_refer(f->reg, &own, id, "R02", 0, -1, 0, &err), 0);
    /* the receiving unit now sees it; accept/decline only by the receiving unit (or national) */
    assert_int_equal(vigil_case_get(&c, f->reg, &other, id, 0, &err), 0);
    vigil_case_free(c);
    assert_int_equal(vigil_case_accept(f->reg, &own, id, 0, &err), VIGIL_EDENIED);
    assert_int_equal(vigil_case_decline(f->reg, &own, id, "capacity", NULL, 0, 0, &err), VIGIL_EDENIED);
    assert_int_equal(vigil_case_accept(f->reg, &analyst, id, 0, &err), VIGIL_EDENIED);
    assert_int_equal(vigil_case_decline(f->reg, &other, id, "capacity", NULL, 0, 0, &err), 0);
    assert_int_equal(vigil_case_refer(f->reg, &nat, id, "R02", 0, -1, 0, &err), 0);
    assert_int_equal(vigil_case_accept(f->reg, &other, id, 0, &err), 0);
    /* status: the owner (now R02), not R01 any more, not the analyst */
    assert_int_equal(vigil_case_set_status(f->reg, &own, id, "investigating", NULL, 0, &err), VIGIL_EDENIED);
    assert_int_equal(vigil_case_set_status(f->reg, &analyst, id, "investigating", NULL, 0, &err), VIGIL_EDENIED);
    assert_int_equal(vigil_case_set_status(f->reg, &other, id, "investigating", NULL, 0, &err), 0);
    assert_int_equal(vigil_case_set_status(f->reg, &nat, id, "prosecutor", NULL, 0, &err), 0);
    /* list: own cases and cases referred to the unit; national all; analyst none */
    assert_int_equal(vigil_case_list(&v, &n, f->reg, &own, &flt, &err), 0);
    assert_int_equal(n, 1);   /* id2 belongs to R01 too, id was referred away by R01: owner now R02 */
    free(v);
    assert_int_equal(vigil_case_list(&v, &n, f->reg, &other, &flt, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(v[0].id, id);
    free(v);
    assert_int_equal(vigil_case_list(&v, &n, f->reg, &nat, &flt, &err), 0);
    assert_int_equal(n, 2);
    free(v);
    assert_int_equal(vigil_case_list(&v, &n, f->reg, &analyst, &flt, &err), VIGIL_EDENIED);
    /* statistics: everybody, analysts included */
    assert_int_equal(vigil_stats_compute(&st, f->reg, &analyst, &q, &err), 0);
    assert_int_equal(st.total.referred, 2);
    vigil_stats_dispose(&st);
    assert_int_equal(vigil_stats_compute(&st, f->reg, &own, &q, &err), 0);
    vigil_stats_dispose(&st);
    /* administration: admin and national officers only */
    snprintf(u.code, sizeof u.code, "R03");
    snprintf(u.name, sizeof u.name, "Region 3");
    u.type = VIGIL_UNIT_REGIONAL;
    assert_int_equal(vigil_unit_add(f->reg, &own, &u, &err), VIGIL_EDENIED);
    assert_int_equal(vigil_unit_add(f->reg, &analyst, &u, &err), VIGIL_EDENIED);
    assert_int_equal(vigil_unit_add(f->reg, &nat, &u, &err), 0);
    assert_int_equal(vigil_audit_verify(&rep, f->reg, &own, &err), VIGIL_EDENIED);
    assert_int_equal(vigil_audit_verify(&rep, f->reg, &analyst, &err), VIGIL_EDENIED);
    assert_int_equal(vigil_audit_verify(&rep, f->reg, &nat, &err), 0);
    assert_int_equal(rep.bad_seq, 0);
    assert_int_equal(vigil_user_add(f->reg, &own, "x", "R01", VIGIL_ROLE_OFFICER, NULL, &err), VIGIL_EDENIED);
}

/* The full matrix: five actors (admin, national officer, officer of the unit concerned, officer
 * of another unit, analyst) x every action, each on a fresh object concerning unit R01. */
enum { A_NEW, A_REFER, A_ACCEPT, A_DECLINE, A_RETURN, A_STATUS, A_SIGNAL, A_SHOW, A_LIST, A_STATS,
       A_UNITS, A_UNIT_ADD, A_USER_ADD, A_AUDIT, A_IMPORT, A__N };
static const char *const action_names[A__N] = {"new", "refer", "accept", "decline", "return", "status",
    "signal", "show", "list", "stats", "unit list", "unit add", "user add", "audit verify", "import"};

static int64_t case_at(fx *f, const char *owner, const char *referred_to, int accept)
{
    vigil_error err;
    int64_t id = new_case(f, owner, "possession", NULL);
    if (referred_to)
        assert_int_equal(vigil_case_refer(f->reg, &f->admin, id, referred_to, 0, -1, 0, &err), 0);
    if (accept)
        assert_int_equal(vigil_case_accept(f->reg, &f->admin, id, 0, &err), 0);
    return id;
}

/* 1 if allowed, 0 if refused with VIGIL_EDENIED; anything else fails the test. */
static int try_action(fx *f, const vigil_actor *who, int act, const char *csv, int k)
{
    vigil_error err;
    vigil_case *c = NULL;
    vigil_case_row *v = NULL;
    vigil_unit *u = NULL, nu = {0};
    vigil_stats st;
    vigil_stats_query q = {VIGIL_STATS_BY_UNIT, 0, -1, 0};
    vigil_case_filter flt = {0};
    vigil_audit_report rep;
    vigil_import_result res;
    vigil_case_spec spec = {"R01", "grooming", NULL, NULL, 0, 0, NULL};
    char name[32];
    size_t n = 0;
    int64_t id = 0;
    int rc = 0, seen = 0;
    switch (act) {
    case A_NEW: rc = vigil_case_new(&id, f->reg, who, &spec, &err); break;
    case A_REFER: rc = vigil_case_refer(f->reg, who, case_at(f, "R01", NULL, 0), "R02", 0, -1, 0, &err); break;
    case A_ACCEPT: rc = vigil_case_accept(f->reg, who, case_at(f, "R02", "R01", 0), 0, &err); break;
    case A_DECLINE:
        rc = vigil_case_decline(f->reg, who, case_at(f, "R02", "R01", 0), "capacity", NULL, 0, 0, &err);
        break;
    case A_RETURN:
        rc = vigil_case_decline(f->reg, who, case_at(f, "R02", "R01", 1), "jurisdiction", NULL, 1, 0, &err);
        break;
    case A_STATUS:
        rc = vigil_case_set_status(f->reg, who, case_at(f, "R01", NULL, 0), "investigating", NULL, 0, &err);
        break;
    case A_SIGNAL: rc = vigil_case_signal_set(f->reg, who, case_at(f, "R01", NULL, 0), "network", 2, &err); break;
    case A_SHOW: rc = vigil_case_get(&c, f->reg, who, case_at(f, "R01", NULL, 0), 0, &err); break;
    case A_LIST:
        id = case_at(f, "R01", NULL, 0);
        rc = vigil_case_list(&v, &n, f->reg, who, &flt, &err);
        for (size_t i = 0; rc == 0 && i < n; i++)
            seen |= v[i].id == id;
        if (rc == 0 && !seen)
            rc = VIGIL_EDENIED;   /* listed without it: not visible to this actor */
        break;
    case A_STATS:
        rc = vigil_stats_compute(&st, f->reg, who, &q, &err);
        if (rc == 0)
            vigil_stats_dispose(&st);
        break;
    case A_UNITS: rc = vigil_unit_list(&u, &n, f->reg, who, &err); break;
    case A_UNIT_ADD:
        snprintf(nu.code, sizeof nu.code, "X%d", k);
        snprintf(nu.name, sizeof nu.name, "x");
        nu.type = VIGIL_UNIT_REGIONAL;
        rc = vigil_unit_add(f->reg, who, &nu, &err);
        break;
    case A_USER_ADD:
        snprintf(name, sizeof name, "u%d", k);
        rc = vigil_user_add(f->reg, who, name, "R01", VIGIL_ROLE_OFFICER, NULL, &err);
        break;
    case A_AUDIT: rc = vigil_audit_verify(&rep, f->reg, who, &err); break;
    case A_IMPORT: rc = vigil_case_import(&res, f->reg, who, csv, &err); break;
    }
    vigil_case_free(c);
    free(v);
    free(u);
    if (rc != 0 && rc != VIGIL_EDENIED)
        fail_msg("%s as %s: unexpected %d %s", action_names[act], who->name, rc, err.msg);
    return rc == 0;
}

static void cases__access_matrix_full(void **state)
{
    fx *f = *state;
    vigil_error err;
    vigil_actor who[5];
    const char *names[5] = {"chief", "nat1", "r1", "r2", "ana"};
    /* expected: admin, national, own unit, other unit, analyst */
    static const int allow[A__N][5] = {
        [A_NEW] = {1, 1, 1, 0, 0},     [A_REFER] = {1, 1, 1, 0, 0},  [A_ACCEPT] = {1, 1, 1, 0, 0},
        [A_DECLINE] = {1, 1, 1, 0, 0}, [A_RETURN] = {1, 1, 1, 0, 0}, [A_STATUS] = {1, 1, 1, 0, 0},
        [A_SIGNAL] = {1, 1, 1, 0, 0},  [A_SHOW] = {1, 1, 1, 0, 0},   [A_LIST] = {1, 1, 1, 0, 0},
        [A_STATS] = {1, 1, 1, 1, 1},   [A_UNITS] = {1, 1, 1, 1, 1},  [A_UNIT_ADD] = {1, 1, 0, 0, 0},
        [A_USER_ADD] = {1, 1, 0, 0, 0}, [A_AUDIT] = {1, 1, 0, 0, 0}, [A_IMPORT] = {1, 1, 0, 0, 0},
    };
    char *dir = tu_mkdtemp(), *csv;
    const char *body = "record,ref,date,unit,value,note\ncase,K,2006-01-05,R01,grooming,\n";
    int k = 0;
    std_units(f);
    tu_write(dir, "one.csv", body, strlen(body));
    csv = tu_path(dir, "one.csv");
    assert_int_equal(vigil_user_add(f->reg, &f->admin, "chief", NULL, VIGIL_ROLE_ADMIN, NULL, &err), 0);
    assert_int_equal(vigil_user_add(f->reg, &f->admin, "nat1", "NAT", VIGIL_ROLE_OFFICER, NULL, &err), 0);
    assert_int_equal(vigil_user_add(f->reg, &f->admin, "r1", "R01", VIGIL_ROLE_OFFICER, NULL, &err), 0);
    assert_int_equal(vigil_user_add(f->reg, &f->admin, "r2", "R02", VIGIL_ROLE_OFFICER, NULL, &err), 0);
    assert_int_equal(vigil_user_add(f->reg, &f->admin, "ana", NULL, VIGIL_ROLE_ANALYST, NULL, &err), 0);
    for (int i = 0; i < 5; i++)
        assert_int_equal(vigil_actor_resolve(&who[i], f->reg, names[i], &err), 0);
    for (int a = 0; a < A__N; a++)
        for (int i = 0; i < 5; i++) {
            int got = try_action(f, &who[i], a, csv, k++);
            if (got != allow[a][i])
                fail_msg("%s as %s: %s, expected %s", action_names[a], names[i], got ? "allowed" : "refused",
                         allow[a][i] ? "allowed" : "refused");
        }
    free(csv);
    tu_rm_rf(dir);
    free(dir);
}

static void drop_guard(fx *f)
{
    vigil_error err;
    const char *sql = vg_db_is_pg(f->reg->db)
        ? "DROP TRIGGER audit_no_update ON audit; DROP TRIGGER audit_no_delete ON audit"
        : "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete";
    if (vg_db_script(f->reg->db, sql, &err) < 0)
        fail_msg("%s", err.msg);
}

static void raw(fx *f, const char *sql)
{
    vigil_error err;
    if (vg_db_script(f->reg->db, sql, &err) < 0)
        fail_msg("%s", err.msg);
}

static void audit_history(fx *f)
{
    vigil_error err;
    vigil_case *c;
    int64_t id;
    std_units(f);                                   /* events 1-6 */
    id = new_case(f, "NAT", "network", NULL);       /* 7 */
    assert_int_equal(vigil_case_refer(f->reg, &f->admin, id, "R01", 0, -1, 0, &err), 0);  /* 8 */
    assert_int_equal(vigil_case_get(&c, f->reg, &f->admin, id, 0, &err), 0);               /* 9: a read */
    vigil_case_free(c);
    assert_int_equal(vigil_case_accept(f->reg, &f->admin, id, 0, &err), 0);                /* 10 */
}

static int64_t verify(fx *f, char *why, size_t cap)
{
    vigil_audit_report rep;
    vigil_error err;
    assert_int_equal(vigil_audit_verify(&rep, f->reg, &f->admin, &err), 0);
    snprintf(why, cap, "%s", rep.why);
    return rep.bad_seq;
}

static void cases__audit_chain_intact_and_append_only(void **state)
{
    fx *f = *state;
    vigil_error err;
    vg_rows r;
    char why[256];
    audit_history(f);
    assert_int_equal(verify(f, why, sizeof why), 0);
    assert_int_equal(vg_db_query(f->reg->db, &r, "SELECT who, action, object FROM audit WHERE seq = 9", NULL, 0,
                                 &err), 0);
    assert_int_equal(r.nrows, 1);
    assert_string_equal(vg_cell(&r, 0, 1), "case.show");
    assert_string_equal(vg_cell(&r, 0, 2), "case:1");
    assert_string_equal(vg_cell(&r, 0, 0), "admin");
    vg_rows_free(&r);
    /* the guard refuses changes */
    assert_int_equal(vg_db_script(f->reg->db, "UPDATE audit SET who = 'x' WHERE seq = 3", &err), VIGIL_ESTORE);
    assert_non_null(strstr(err.msg, "append-only"));
    assert_int_equal(vg_db_script(f->reg->db, "DELETE FROM audit WHERE seq = 4", &err), VIGIL_ESTORE);
    assert_non_null(strstr(err.msg, "append-only"));
    assert_int_equal(verify(f, why, sizeof why), 0);
}

static void cases__audit_finds_altered_event(void **state)
{
    fx *f = *state;
    char why[256];
    audit_history(f);
    drop_guard(f);
    raw(f, "UPDATE audit SET who = 'someone-else' WHERE seq = 8");
    assert_int_equal(verify(f, why, sizeof why), 8);
    assert_non_null(strstr(why, "event 8"));
    assert_non_null(strstr(why, "altered"));
}

static void cases__audit_finds_removed_event(void **state)
{
    fx *f = *state;
    char why[256];
    audit_history(f);
    drop_guard(f);
    raw(f, "DELETE FROM audit WHERE seq = 5");
    assert_int_equal(verify(f, why, sizeof why), 5);
    assert_non_null(strstr(why, "event 5 missing"));
}

static void cases__audit_finds_removed_last_event(void **state)
{
    fx *f = *state;
    char why[256];
    audit_history(f);
    drop_guard(f);
    raw(f, "DELETE FROM audit WHERE seq = 10");
    assert_int_equal(verify(f, why, sizeof why), 10);
    assert_non_null(strstr(why, "event 10 missing"));
}

static void cases__audit_finds_reordered_events(void **state)
{
    fx *f = *state;
    char why[256];
    audit_history(f);
    drop_guard(f);
    raw(f, "UPDATE audit SET seq = 1000 WHERE seq = 6");
    raw(f, "UPDATE audit SET seq = 6 WHERE seq = 7");
    raw(f, "UPDATE audit SET seq = 7 WHERE seq = 1000");
    assert_int_equal(verify(f, why, sizeof why), 6);
    assert_non_null(strstr(why, "event 6"));
}

static const vigil_stats_row *row(const vigil_stats *s, const char *g)
{
    for (size_t i = 0; i < s->nrows; i++)
        if (!strcmp(s->rows[i].group, g))
            return &s->rows[i];
    fail_msg("no row %s", g);
    return &s->total;   /* not reached */
}

static void cases__stats_count_exactly(void **state)
{
    fx *f = *state;
    vigil_error err;
    vigil_stats s;
    vigil_stats_query q = {VIGIL_STATS_BY_UNIT, 0, -1, D("2006-12-31")};
    int64_t id[6];
    std_units(f);
    for (int i = 0; i < 6; i++)
        id[i] = new_case(f, "NAT", i < 3 ? "possession" : "production", "2006-01-02");
    new_case(f, "R01", "grooming", "2006-02-02");      /* registered by the unit itself */
    new_case(f, "R02", "grooming", "2006-03-02");
    assert_int_equal(vigil_case_refer(f->reg, &f->admin, id[0], "R01", 0, -1, D("2006-01-03"), &err), 0);
    assert_int_equal(vigil_case_accept(f->reg, &f->admin, id[0], D("2006-01-13"), &err), 0);   /* 10 days */
    assert_int_equal(vigil_case_refer(f->reg, &f->admin, id[1], "R01", 0, -1, D("2006-01-03"), &err), 0);
    assert_int_equal(vigil_case_decline(f->reg, &f->admin, id[1], "capacity", NULL, 0, D("2006-01-07"), &err), 0);
    assert_int_equal(vigil_case_refer(f->reg, &f->admin, id[1], "R02", 0, -1, D("2006-02-03"), &err), 0);
    assert_int_equal(vigil_case_accept(f->reg, &f->admin, id[1], D("2006-02-05"), &err), 0);   /* 2 days */
    assert_int_equal(vigil_case_refer(f->reg, &f->admin, id[2], "R01", 0, -1, D("2006-03-01"), &err), 0);
    assert_int_equal(vigil_case_refer(f->reg, &f->admin, id[3], "R02", 0, -1, D("2006-12-20"), &err), 0);
    assert_int_equal(vigil_case_refer(f->reg, &f->admin, id[4], "R02", 0, -1, D("2006-02-01"), &err), 0);
    assert_int_equal(vigil_case_decline(f->reg, &f->admin, id[4], "other", "n", 0, D("2006-02-21"), &err), 0);
    assert_int_equal(vigil_case_refer(f->reg, &f->admin, id[5], "DE-BKA", 0, -1, D("2006-02-01"), &err), 0);
    assert_int_equal(vigil_stats_compute(&s, f->reg, &f->admin, &q, &err), 0);
    assert_int_equal(s.nrows, 3);   /* NAT appears for its foreign referral */
    assert_int_equal(row(&s, "R01")->referred, 3);
    assert_int_equal(row(&s, "R01")->accepted, 1);
    assert_int_equal(row(&s, "R01")->declined, 1);
    assert_int_equal(row(&s, "R01")->reasons[0], 1);
    assert_int_equal(row(&s, "R01")->pending, 1);
    assert_int_equal(row(&s, "R01")->overdue, 1);
    assert_int_equal(row(&s, "R01")->self_registered, 1);
    assert_true(row(&s, "R01")->median_days == 7);
    assert_int_equal(row(&s, "R02")->referred, 3);
    assert_int_equal(row(&s, "R02")->pending, 1);
    assert_int_equal(row(&s, "R02")->overdue, 0);
    assert_int_equal(row(&s, "R02")->reasons[6], 1);
    assert_true(row(&s, "R02")->median_days == 11);
    assert_int_equal(row(&s, "NAT")->foreign, 1);
    assert_int_equal(s.total.referred, 6);
    assert_int_equal(s.total.accepted, 2);
    assert_int_equal(s.total.declined, 2);
    assert_int_equal(s.total.pending, 2);
    assert_int_equal(s.total.foreign, 1);
    assert_int_equal(s.total.self_registered, 2);
    assert_true(s.total.median_days == 7);   /* 2, 4, 10, 20 */
    vigil_stats_dispose(&s);
    q.by = VIGIL_STATS_BY_REASON;
    assert_int_equal(vigil_stats_compute(&s, f->reg, &f->admin, &q, &err), 0);
    assert_int_equal(row(&s, "capacity")->referred, 1);
    assert_int_equal(row(&s, "accepted")->referred, 2);
    assert_int_equal(row(&s, "pending")->referred, 2);
    assert_int_equal(s.total.self_registered, 2);
    vigil_stats_dispose(&s);
    q.by = VIGIL_STATS_BY_MONTH;
    q.from = D("2006-02-01") / DAY;
    q.to = D("2006-02-28") / DAY;
    assert_int_equal(vigil_stats_compute(&s, f->reg, &f->admin, &q, &err), 0);
    assert_int_equal(s.nrows, 1);
    assert_string_equal(s.rows[0].group, "2006-02");
    assert_int_equal(s.rows[0].referred, 2);
    assert_int_equal(s.rows[0].foreign, 1);
    assert_int_equal(s.rows[0].self_registered, 1);
    vigil_stats_dispose(&s);
    q.by = VIGIL_STATS_BY_TYPE;
    q.from = 0;
    q.to = -1;
    assert_int_equal(vigil_stats_compute(&s, f->reg, &f->admin, &q, &err), 0);
    assert_int_equal(row(&s, "possession")->referred, 4);
    assert_int_equal(row(&s, "production")->referred, 2);
    assert_int_equal(row(&s, "grooming")->self_registered, 2);
    vigil_stats_dispose(&s);
}

static void cases__priority_is_explained(void **state)
{
    fx *f = *state;
    vigil_error err;
    vigil_case *c;
    const char *sus[] = {"S-17", "S-18"};
    vigil_case_spec s1 = {"NAT", "possession", NULL, sus, 1, 0, NULL}, s2 = {"NAT", "production", NULL, sus, 2, 0, NULL};
    int64_t a, b, plain;
    std_units(f);
    plain = new_case(f, "NAT", "possession", NULL);
    assert_int_equal(vigil_case_new(&a, f->reg, &f->admin, &s1, &err), 0);
    assert_int_equal(vigil_case_new(&b, f->reg, &f->admin, &s2, &err), 0);
    assert_int_equal(vigil_case_signal_set(f->reg, &f->admin, b, "unknown_material", 3, &err), 0);
    assert_int_equal(vigil_case_signal_set(f->reg, &f->admin, b, "series_unidentified", 1, &err), 0);
    assert_int_equal(vigil_case_signal_set(f->reg, &f->admin, b, "network", 2, &err), 0);
    assert_int_equal(vigil_case_signal_set(f->reg, &f->admin, b, "network", 4, &err), 0);
    assert_int_equal(vigil_case_signal_set(f->reg, &f->admin, b, "colour", 4, &err), VIGIL_EINPUT);
    assert_int_equal(vigil_case_get(&c, f->reg, &f->admin, plain, 0, &err), 0);
    assert_true(c->priority == 0);   /* possession of known material only: lowest */
    assert_int_equal(c->nfactors, 7);   /* offence, four signals, shared_unknown, repeat_suspect */
    vigil_case_free(c);
    assert_int_equal(vigil_case_get(&c, f->reg, &f->admin, a, 0, &err), 0);
    assert_true(c->priority == 15);  /* repeat suspect, seen in one other case */
    vigil_case_free(c);
    assert_int_equal(vigil_case_get(&c, f->reg, &f->admin, b, 0, &err), 0);
    /* production 40 + 3 unknown x 5 + 4 linked x 8 + series 30 + repeat suspect 15 */
    assert_true(c->priority == 40 + 15 + 32 + 30 + 15);
    assert_string_equal(c->factor[0].name, "offence.production");
    assert_string_equal(c->factor[3].name, "network");
    assert_true(c->factor[3].value == 4);
    assert_string_equal(c->suspects, "S-17,S-18");
    vigil_case_free(c);
}

static void cases__import_is_all_or_nothing(void **state)
{
    fx *f = *state;
    vigil_error err;
    vigil_import_result res;
    vigil_case *c;
    char before[256], after[256], *dir = tu_mkdtemp(), *good, *bad;
    const char *g = "record,ref,date,unit,value,note\n"
                    "case,K1,2006-01-05,NAT,production,\"Title, with comma\"\n"
                    "suspect,K1,,,S-1,\n"
                    "refer,K1,2006-01-06,R01,,\n"
                    "decline,K1,2006-01-08,,other,\"no \"\"digital\"\" staff\"\n"
                    "refer,K1,2006-01-09,R02,2006-01-30,\n"
                    "accept,K1,2006-01-10,,,\n"
                    "status,K1,2006-02-01,,investigating,\n"
                    "status,K1,2006-06-01,,closed,prosecuted\n"
                    "case,K2,2006-03-05,R01,grooming,\n";
    const char *b = "record,ref,date,unit,value,note\n"
                    "case,K1,2006-01-05,NAT,production,\n"
                    "refer,K1,2006-01-06,R01,,\n"
                    "accept,K1,2006-01-07,,,\n"
                    "decline,K1,2006-01-08,,capacity,\n";
    std_units(f);
    tu_write(dir, "good.csv", g, strlen(g));
    tu_write(dir, "bad.csv", b, strlen(b));
    good = tu_path(dir, "good.csv");
    bad = tu_path(dir, "bad.csv");
    snapshot(f, before, sizeof before);
    assert_int_equal(vigil_case_import(&res, f->reg, &f->admin, bad, &err), VIGIL_EINPUT);
    assert_non_null(strstr(err.msg, "bad.csv:5: case K1 has no pending referral"));
    snapshot(f, after, sizeof after);
    assert_string_equal(before, after);
    assert_int_equal(vigil_case_import(&res, f->reg, &f->admin, good, &err), 0);
    assert_int_equal(res.cases, 2);
    assert_int_equal(res.referrals, 2);
    assert_int_equal(vigil_case_get(&c, f->reg, &f->admin, 1, 0, &err), 0);
    assert_string_equal(c->title, "Title, with comma");
    assert_string_equal(c->status, "closed");
    assert_string_equal(c->owner_unit, "R02");
    assert_string_equal(c->referral[0].note, "no \"digital\" staff");
    assert_string_equal(c->referral[1].due, "2006-01-30");
    assert_string_equal(c->suspects, "S-1");
    vigil_case_free(c);
    free(good);
    free(bad);
    tu_rm_rf(dir);
    free(dir);
}

/* The history keeps every step (an acceptance survives its return), each change says what it
 * did, and audit list shows an officer only the events of cases the unit sees. */
static void cases__history_confirmations_and_audit_list(void **state)
{
    fx *f = *state;
    vigil_error err;
    vigil_actor r1, r2;
    vigil_case *c = NULL;
    vigil_audit_event *ev = NULL;
    vigil_audit_filter all = {NULL, NULL, 0}, one = {"case:1", NULL, 0};
    size_t n = 0;
    int64_t id, other;
    std_units(f);
    assert_int_equal(vigil_user_add(f->reg, &f->admin, "r1", "R01", VIGIL_ROLE_OFFICER, NULL, &err), 0);
    assert_int_equal(vigil_user_add(f->reg, &f->admin, "r2", "R02", VIGIL_ROLE_OFFICER, NULL, &err), 0);
    assert_int_equal(vigil_actor_resolve(&r1, f->reg, "r1", &err), 0);
    assert_int_equal(vigil_actor_resolve(&r2, f->reg, "r2", &err), 0);
    id = new_case(f, "R01", "possession", "2020-01-01");
    other = new_case(f, "R02", "grooming", "2020-01-01");
    assert_int_equal(id, 1);
    assert_string_equal(vigil_registry_last_change(f->reg), "case 2 registered for R02");
    assert_int_equal(vigil_case_refer(f->reg, &r1, id, "R02", D("2020-02-01"), -1, D("2020-01-02"), &err), 0);
    assert_string_equal(vigil_registry_last_change(f->reg), "case 1 referred to R02, due 2020-02-01");
    assert_int_equal(vigil_case_accept(f->reg, &r2, id, D("2020-01-03"), &err), 0);
    assert_int_equal(vigil_case_decline(f->reg, &r2, id, "capacity", NULL, 1, D("2020-01-05"), &err), 0);
    assert_string_equal(vigil_registry_last_change(f->reg), "case 1 returned by R02 (capacity), back with R01");
    assert_int_equal(vigil_case_get(&c, f->reg, &r1, id, 0, &err), 0);
    assert_int_equal(c->nhistory, 4);
    assert_string_equal(c->history[0].event, "registered");
    assert_string_equal(c->history[1].event, "referred");
    assert_string_equal(c->history[2].event, "accepted");
    assert_string_equal(c->history[2].who, "r2");
    assert_string_equal(c->history[2].at, "2020-01-03T00:00:00Z");
    assert_string_equal(c->history[3].event, "returned");
    assert_string_equal(c->history[3].detail, "by R02: capacity");
    vigil_case_free(c);
    /* r1 sees case 1 only; r2 sees its own case 2 and case 1, referred to it */
    assert_int_equal(vigil_audit_list(&ev, &n, f->reg, &r1, &all, &err), 0);
    assert_true(n > 0);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(ev[i].object, "case:1");
    vigil_audit_events_free(ev, n);
    assert_int_equal(vigil_audit_list(&ev, &n, f->reg, &r2, &all, &err), 0);
    for (size_t i = 0; i < n; i++)
        assert_true(!strcmp(ev[i].object, "case:1") || !strcmp(ev[i].object, "case:2"));
    vigil_audit_events_free(ev, n);
    assert_int_equal(vigil_audit_list(&ev, &n, f->reg, &f->admin, &one, &err), 0);
    assert_int_equal(n, 5);   /* new, refer, accept, return, show */
    assert_string_equal(ev[2].action, "case.accept");
    assert_string_equal(ev[2].who, "r2");
    vigil_audit_events_free(ev, n);
    (void)other;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cases__dates_parse_or_say_why),
        cmocka_unit_test_setup_teardown(cases__units_are_checked, setup, teardown),
        cmocka_unit_test_setup_teardown(cases__lifecycle_allows_only_its_moves, setup, teardown),
        cmocka_unit_test_setup_teardown(cases__declines_keep_history_and_reasons, setup, teardown),
        cmocka_unit_test_setup_teardown(cases__due_defaults_per_unit_type_and_overdue, setup, teardown),
        cmocka_unit_test_setup_teardown(cases__identity_from_login, setup, teardown),
        cmocka_unit_test_setup_teardown(cases__identity_upgraded_registry, setup, teardown),
        cmocka_unit_test_setup_teardown(cases__access_matrix, setup, teardown),
        cmocka_unit_test_setup_teardown(cases__access_matrix_full, setup, teardown),
        cmocka_unit_test_setup_teardown(cases__audit_chain_intact_and_append_only, setup, teardown),
        cmocka_unit_test_setup_teardown(cases__audit_finds_altered_event, setup, teardown),
        cmocka_unit_test_setup_teardown(cases__audit_finds_removed_event, setup, teardown),
        cmocka_unit_test_setup_teardown(cases__audit_finds_removed_last_event, setup, teardown),
        cmocka_unit_test_setup_teardown(cases__audit_finds_reordered_events, setup, teardown),
        cmocka_unit_test_setup_teardown(cases__stats_count_exactly, setup, teardown),
        cmocka_unit_test_setup_teardown(cases__priority_is_explained, setup, teardown),
        cmocka_unit_test_setup_teardown(cases__import_is_all_or_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(cases__history_confirmations_and_audit_list, setup, teardown),
    };
    return tu_run_tests(getenv("VIGIL_PG_URL") ? "cases_postgresql" : "cases_sqlite", tests, NULL, NULL);
}

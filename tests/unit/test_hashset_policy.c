/*
 * hashset_policy: who may change the known-hash sets. The policy's defaults and its
 * configuration lines, a store held to it through vigil_audit_hashsets (a refused change
 * leaves no set, no segment, no event), a set's kind as part of its version, and set names.
 * The registry is SQLite (a temporary file) or, when VIGIL_PG_URL is set (tests/pg-run.sh),
 * PostgreSQL; the store is always a local file.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "cases/reg.h"
#include "store/db.h"
#include "vigil/audit.h"
#include "vigil/cases.h"
#include "vigil/hashset.h"

typedef struct fx {
    vigil_registry *reg;
    vigil_actor admin, national, regional, analyst;
    char *dir, *sets, *list;
} fx;

static void add_unit(fx *f, const char *code, vigil_unit_type t)
{
    vigil_unit u = {0};
    vigil_error err;
    snprintf(u.code, sizeof u.code, "%s", code);
    snprintf(u.name, sizeof u.name, "Unit %s", code);
    u.type = t;
    if (vigil_unit_add(f->reg, &f->admin, &u, &err) < 0)
        fail_msg("%s", err.msg);
}

static void add_user(fx *f, vigil_actor *out, const char *name, const char *unit, vigil_role role)
{
    vigil_error err;
    if (vigil_user_add(f->reg, &f->admin, name, unit, role, NULL, &err) < 0 ||
        vigil_actor_resolve(out, f->reg, name, &err) < 0)
        fail_msg("%s", err.msg);
}

static int setup(void **state)
{
    static const char list[] = "0123456789abcdef0123456789abcdef  a.jpg\nfedcba9876543210fedcba9876543210  b.jpg\n";
    fx *f = calloc(1, sizeof *f);
    const char *pg = getenv("VIGIL_PG_URL");
    vigil_error err;
    char *path;
    f->dir = tu_mkdtemp();
    path = pg && *pg ? strdup(pg) : tu_path(f->dir, "v.db");
    if (vigil_registry_open(&f->reg, path, &err) < 0)
        fail_msg("%s", err.msg);
    free(path);
    if (pg && *pg)
        assert_int_equal(vg_cases_wipe(f->reg->db, &err), 0);
    vigil_actor_admin(&f->admin);
    add_unit(f, "NAT", VIGIL_UNIT_NATIONAL);
    add_unit(f, "R01", VIGIL_UNIT_REGIONAL);
    add_user(f, &f->national, "nat-1", "NAT", VIGIL_ROLE_OFFICER);
    add_user(f, &f->regional, "reg-1", "R01", VIGIL_ROLE_OFFICER);
    add_user(f, &f->analyst, "ana-1", "NAT", VIGIL_ROLE_ANALYST);
    f->sets = tu_path(f->dir, "sets.db");
    tu_write(f->dir, "list.md5", list, strlen(list));
    f->list = tu_path(f->dir, "list.md5");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    vigil_registry_close(f->reg);
    tu_rm_rf(f->dir);
    free(f->dir);
    free(f->sets);
    free(f->list);
    free(f);
    return 0;
}

static int64_t hashset_events(fx *f)
{
    vigil_error err;
    int64_t n = -1;
    if (vg_db_int(f->reg->db, &n, "SELECT count(*) FROM audit WHERE action LIKE 'hashset.%'", NULL, 0, &err) < 0)
        fail_msg("%s", err.msg);
    return n;
}

static int segments(fx *f)
{
    char *dir = tu_path(f->dir, "sets.db.sets");
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    while (d && (e = readdir(d)))
        n += e->d_name[0] != '.' && strcmp(e->d_name, "lock") != 0; /* segments and temporary folders */
    if (d)
        closedir(d);
    free(dir);
    return n;
}

/* The store at f->sets, recording in the registry's log as who and held to who's policy. */
static vigil_store *open_as(fx *f, const vigil_actor *who)
{
    vigil_store *st;
    vigil_error err;
    if (vigil_store_open(&st, f->sets, &err) < 0 || vigil_audit_hashsets(st, f->reg, who, &err) < 0)
        fail_msg("%s", err.msg);
    return st;
}

static int import(vigil_store *st, fx *f, const char *name, vigil_hashset_kind kind, int replace, int change_kind,
                  vigil_error *err)
{
    vigil_import_opts o = {.name = name, .kind = kind, .replace = replace, .change_kind = change_kind};
    vigil_import_stats s;
    const char *files[1] = {f->list};
    return vigil_hashset_import(&s, st, files, 1, &o, err);
}

static void hashset_policy__defaults_admin_and_national(void **state)
{
    fx *f = *state;
    vigil_error err;
    for (int op = 0; op < VIGIL_HASHSET__OPS; op++) {
        assert_int_equal(vigil_hashset_authorize(f->reg, &f->admin, (vigil_hashset_op)op, &err), 0);
        assert_int_equal(vigil_hashset_authorize(f->reg, &f->national, (vigil_hashset_op)op, &err), 0);
        assert_int_equal(vigil_hashset_authorize(f->reg, &f->regional, (vigil_hashset_op)op, &err), VIGIL_EDENIED);
        assert_int_equal(vigil_hashset_authorize(f->reg, &f->analyst, (vigil_hashset_op)op, &err), VIGIL_EDENIED);
    }
    assert_int_equal(vigil_hashset_authorize(f->reg, &f->analyst, VIGIL_HASHSET_DISPUTE, &err), VIGIL_EDENIED);
    assert_string_equal(err.msg, "hashset dispute: not allowed for user 'ana-1' (analyst; allowed: admin, national)");
}

static void hashset_policy__configured(void **state)
{
    fx *f = *state;
    vigil_config cfg;
    vigil_error err;
    char *path;
    tu_write(f->dir, "p.conf", "hashset.dispute = admin national analyst # analysts flag\nhashset.remove = admin\n"
                               "hashset.import = officer\nhashset.undispute = none\n", 130);
    path = tu_path(f->dir, "p.conf");
    if (vigil_config_load(&cfg, path, &err) < 0)
        fail_msg("%s", err.msg);
    free(path);
    vigil_registry_set_config(f->reg, &cfg);
    assert_int_equal(vigil_hashset_authorize(f->reg, &f->analyst, VIGIL_HASHSET_DISPUTE, &err), 0);
    assert_int_equal(vigil_hashset_authorize(f->reg, &f->regional, VIGIL_HASHSET_DISPUTE, &err), VIGIL_EDENIED);
    assert_int_equal(vigil_hashset_authorize(f->reg, &f->national, VIGIL_HASHSET_REMOVE, &err), VIGIL_EDENIED);
    assert_non_null(strstr(err.msg, "allowed: admin)"));
    assert_int_equal(vigil_hashset_authorize(f->reg, &f->admin, VIGIL_HASHSET_REMOVE, &err), 0);
    assert_int_equal(vigil_hashset_authorize(f->reg, &f->regional, VIGIL_HASHSET_IMPORT, &err), 0);
    assert_int_equal(vigil_hashset_authorize(f->reg, &f->admin, VIGIL_HASHSET_IMPORT, &err), VIGIL_EDENIED);
    assert_int_equal(vigil_hashset_authorize(f->reg, &f->admin, VIGIL_HASHSET_UNDISPUTE, &err), VIGIL_EDENIED);
    assert_non_null(strstr(err.msg, "allowed: no one"));
    assert_int_equal(vigil_hashset_authorize(f->reg, &f->national, VIGIL_HASHSET_REPLACE, &err), 0); /* default */

    tu_write(f->dir, "bad.conf", "hashset.dispute = admin wizard\n", 31);
    path = tu_path(f->dir, "bad.conf");
    assert_int_equal(vigil_config_load(&cfg, path, &err), VIGIL_EINPUT);
    assert_non_null(strstr(err.msg, "bad.conf:1: hashset.dispute: 'wizard' is not admin"));
    tu_write(f->dir, "bad.conf", "\nhashset.delete = admin\n", 24);
    assert_int_equal(vigil_config_load(&cfg, path, &err), VIGIL_EINPUT);
    assert_non_null(strstr(err.msg, "bad.conf:2: unknown key 'hashset.delete'"));
    tu_write(f->dir, "bad.conf", "hashset.remove = none admin\n", 28);
    assert_int_equal(vigil_config_load(&cfg, path, &err), VIGIL_EINPUT);
    free(path);
}

/* The store itself refuses: a caller that skips vigil_hashset_authorize changes nothing. */
static void hashset_policy__store_refuses_and_leaves_nothing(void **state)
{
    fx *f = *state;
    vigil_hashset_info *v;
    vigil_dispute *d;
    vigil_store *st;
    vigil_error err;
    size_t n;
    st = open_as(f, &f->national);
    assert_int_equal(import(st, f, "known", VIGIL_KIND_ILLEGAL, 0, 0, &err), 0);
    vigil_store_close(st);
    assert_int_equal(hashset_events(f), 1);
    assert_int_equal(segments(f), 1);

    const vigil_actor *refused[] = {&f->analyst, &f->regional};
    for (int i = 0; i < 2; i++) {
        st = open_as(f, refused[i]);
        assert_int_equal(vigil_hashset_remove(st, "known", &err), VIGIL_EDENIED);
        assert_non_null(strstr(err.msg, "hashset remove: not allowed for user"));
        assert_int_equal(import(st, f, "more", VIGIL_KIND_ILLEGAL, 0, 0, &err), VIGIL_EDENIED);
        assert_int_equal(import(st, f, "known", VIGIL_KIND_ILLEGAL, 1, 0, &err), VIGIL_EDENIED);
        assert_int_equal(import(st, f, "brand-new", VIGIL_KIND_ILLEGAL, 1, 0, &err), VIGIL_EDENIED);
        assert_int_equal(vigil_hashset_dispute(st, "0123456789abcdef0123456789abcdef", NULL, "r", refused[i]->name,
                                               &err), VIGIL_EDENIED);
        vigil_store_close(st);
    }
    assert_int_equal(hashset_events(f), 1);
    assert_int_equal(segments(f), 1); /* the refused imports' segments are gone */
    st = open_as(f, &f->national);
    assert_int_equal(vigil_hashset_list(&v, &n, st, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(v[0].name, "known");
    assert_int_equal(v[0].version, 1);
    assert_string_equal(v[0].imported_by, "nat-1");
    vigil_hashset_info_free(v, n);
    assert_int_equal(vigil_hashset_disputes(&d, &n, st, &err), 0);
    assert_int_equal(n, 0);
    vigil_dispute_free(d, n);
    /* the national officer may */
    assert_int_equal(vigil_hashset_remove(st, "known", &err), 0);
    vigil_store_close(st);
    assert_int_equal(hashset_events(f), 2);
}

static void hashset_policy__kind_is_part_of_a_version(void **state)
{
    fx *f = *state;
    vigil_hashset_info *v;
    vigil_store *st = open_as(f, &f->admin);
    vigil_error err;
    size_t n;
    assert_int_equal(import(st, f, "watch", VIGIL_KIND_BENIGN, 0, 0, &err), 0);
    assert_int_equal(import(st, f, "watch", VIGIL_KIND_ILLEGAL, 1, 0, &err), VIGIL_ESTATE);
    assert_string_equal(err.msg, "hash set 'watch' is benign; replacing it as illegal would change its kind (import"
                                 " with --change-kind to do so)");
    assert_int_equal(hashset_events(f), 1);
    assert_int_equal(import(st, f, "watch", VIGIL_KIND_BENIGN, 1, 0, &err), 0);     /* same kind */
    assert_int_equal(import(st, f, "watch", VIGIL_KIND_ILLEGAL, 1, 1, &err), 0);    /* asked for */
    assert_int_equal(vigil_hashset_versions(&v, &n, st, &err), 0);
    assert_int_equal(n, 3);
    assert_int_equal(v[0].kind, VIGIL_KIND_BENIGN);
    assert_int_equal(v[1].kind, VIGIL_KIND_BENIGN);
    assert_int_equal(v[2].kind, VIGIL_KIND_ILLEGAL);
    vigil_hashset_info_free(v, n);
    vigil_store_close(st);
    assert_int_equal(hashset_events(f), 3);
}

static void hashset_policy__set_names(void **state)
{
    fx *f = *state;
    char longname[VIGIL_HASHSET_NAME_MAX + 2];
    vigil_store *st;
    vigil_error err;
    (void)f;
    const char *good[] = {"vics", "sha256sum-binary-mode.txt", "Project VIC 2.0 (test)", "nsrl_2024.03"};
    const char *bad[] = {"", "a\nb", "a\tb", "../x", "a/b", "a\\b", ".hidden", "-x", " x", "x ", "a\x7f"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        assert_int_equal(vigil_hashset_name_check(good[i], &err), 0);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(vigil_hashset_name_check(bad[i], &err), VIGIL_EINPUT);
    memset(longname, 'a', sizeof longname);
    longname[VIGIL_HASHSET_NAME_MAX] = '\0';
    assert_int_equal(vigil_hashset_name_check(longname, &err), 0);
    longname[VIGIL_HASHSET_NAME_MAX] = 'a';
    longname[VIGIL_HASHSET_NAME_MAX + 1] = '\0';
    assert_int_equal(vigil_hashset_name_check(longname, &err), VIGIL_EINPUT);
    assert_string_equal(err.msg, "hash set name: 129 bytes long, the most is 128");
    st = open_as(f, &f->admin);
    assert_int_equal(import(st, f, "../x", VIGIL_KIND_ILLEGAL, 0, 0, &err), VIGIL_EINPUT);
    assert_int_equal(import(st, f, "../x", VIGIL_KIND_ILLEGAL, 1, 0, &err), VIGIL_EINPUT);
    vigil_store_close(st);
    assert_int_equal(hashset_events(f), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(hashset_policy__defaults_admin_and_national, setup, teardown),
        cmocka_unit_test_setup_teardown(hashset_policy__configured, setup, teardown),
        cmocka_unit_test_setup_teardown(hashset_policy__store_refuses_and_leaves_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(hashset_policy__kind_is_part_of_a_version, setup, teardown),
        cmocka_unit_test_setup_teardown(hashset_policy__set_names, setup, teardown),
    };
    return tu_run_tests(getenv("VIGIL_PG_URL") ? "hashset_policy_postgresql" : "hashset_policy_sqlite", tests, NULL,
                        NULL);
}

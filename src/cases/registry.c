/*
 * The registry handle, the public date names, configuration, the access policy, users and units.
 * Policy: admins do everything; national officers see and act on all cases; other
 * officers on their own unit's cases and referrals addressed to it; analysts see
 * statistics (and the unit list) only.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/reg.h"

static int registry_open(vigil_registry **out, const char *url, int create, vigil_error *err);

int vigil_registry_open(vigil_registry **out, const char *url, vigil_error *err)
{
    return registry_open(out, url, 1, err);
}

int vigil_registry_open_existing(vigil_registry **out, const char *url, vigil_error *err)
{
    return registry_open(out, url, 0, err);
}

static int registry_open(vigil_registry **out, const char *url, int create, vigil_error *err)
{
    vigil_registry *reg = calloc(1, sizeof *reg);
    int rc;
    *out = NULL;
    if (!reg)
        return vigil_error_set(err, VIGIL_ENOMEM, "registry: out of memory");
    if ((rc = create ? vg_db_open(&reg->db, url, err) : vg_db_open_existing(&reg->db, url, err)) < 0) {
        free(reg);
        return rc;
    }
    if ((rc = vg_cases_migrate(reg->db, err)) < 0) {
        vg_db_close(reg->db);
        free(reg);
        return rc;
    }
    reg->clock = vg_system_clock;
    vigil_config_load(&reg->cfg, NULL, NULL);
    *out = reg;
    return 0;
}

void vigil_registry_close(vigil_registry *reg)
{
    if (!reg)
        return;
    vg_db_close(reg->db);
    free(reg);
}

const char *vigil_registry_backend(const vigil_registry *reg)
{
    return vg_db_is_pg(reg->db) ? "postgresql" : "sqlite";
}

const char *vigil_registry_last_change(const vigil_registry *reg)
{
    return reg->last_change;
}

void vigil_registry_set_config(vigil_registry *reg, const vigil_config *cfg)
{
    reg->cfg = *cfg;
}

/* --- dates: the public names of the helpers in core/time --- */

int vigil_date_parse(int64_t *out, const char *s, vigil_error *err)
{
    return vg_date_parse(out, s, err);
}

void vigil_date_format(char *buf, size_t cap, int64_t secs, int with_time)
{
    if (vg_time_format(buf, cap, secs, with_time) < 0 && cap)
        buf[0] = '\0';
}

/* --- configuration --- */

static const struct { const char *name; double w; } default_weights[] = {
    {"offence.possession", 0},     {"offence.distribution", 10}, {"offence.grooming", 20},
    {"offence.network", 20},       {"offence.production", 40},   {"offence.sex-tourism", 25},
    {"unknown_material", 5},       {"production_indicators", 30}, {"network", 8},
    {"series_unidentified", 30},   {"repeat_suspect", 15},       {"shared_unknown", 10},
};

static double *weight_slot(vigil_config *cfg, const char *name)
{
    for (int i = 0; i < cfg->nweights; i++)
        if (!strcmp(cfg->weight[i].name, name))
            return &cfg->weight[i].weight;
    return NULL;
}

int vigil_config_line(vigil_config *cfg, char *line, const char *path, int ln, vigil_error *err)
{
    char key[64], val[64], *end;
    double v;
    vigil_unit_type t;
    char *hash = strchr(line, '#');
    if (hash)
        *hash = '\0';
    if (sscanf(line, " %63[^= \t] = %63s", key, val) != 2) {
        for (char *c = line; *c; c++)
            if (!isspace((unsigned char)*c))
                return vigil_error_set(err, VIGIL_EINPUT, "%s:%d: expected 'key = value'", path, ln);
        return 0;
    }
    if (!strncmp(key, "hashset.", 8))
        return vg_hashset_policy_line(cfg, key + 8, strchr(line, '=') + 1, path, ln, err);
    errno = 0;
    v = strtod(val, &end);
    if (errno || *end || v < 0)
        return vigil_error_set(err, VIGIL_EINPUT, "%s:%d: '%s' is not a non-negative number", path, ln, val);
    if (!strncmp(key, "due_days.", 9) && vigil_unit_type_parse(&t, key + 9) == 0) {
        if (v < 1 || v > 3650 || v != (int)v)
            return vigil_error_set(err, VIGIL_EINPUT, "%s:%d: due_days must be 1..3650", path, ln);
        cfg->due_days[t] = (int)v;
        return 0;
    }
    if (!strncmp(key, "weight.", 7)) {
        double *slot = weight_slot(cfg, key + 7);
        if (slot) {
            *slot = v;
            return 0;
        }
    }
    return vigil_error_set(err, VIGIL_EINPUT, "%s:%d: unknown key '%s'", path, ln, key);
}

int vigil_config_load(vigil_config *cfg, const char *path, vigil_error *err)
{
    char line[512];
    FILE *f;
    int ln = 0, rc = 0;
    memset(cfg, 0, sizeof *cfg);
    for (int i = 0; i < 5; i++)
        cfg->due_days[i] = 30;
    for (size_t i = 0; i < sizeof default_weights / sizeof default_weights[0]; i++) {
        snprintf(cfg->weight[i].name, sizeof cfg->weight[i].name, "%s", default_weights[i].name);
        cfg->weight[i].weight = default_weights[i].w;
        cfg->nweights++;
    }
    vg_hashset_policy_defaults(cfg);
    if (!path)
        return 0;
    if (!(f = fopen(path, "r")))
        return vigil_error_set(err, VIGIL_EINPUT, "%s: %s", path, strerror(errno));
    while (rc == 0 && fgets(line, sizeof line, f))
        rc = vigil_config_line(cfg, line, path, ++ln, err);
    fclose(f);
    return rc;
}

/* --- actors and policy --- */

static const char *const role_names[] = {"admin", "officer", "analyst"};

const char *vigil_role_name(vigil_role r) { return role_names[r]; }

int vigil_role_parse(vigil_role *out, const char *s)
{
    for (int i = 0; i < 3; i++)
        if (s && !strcmp(s, role_names[i])) {
            *out = (vigil_role)i;
            return 0;
        }
    return -1;
}

/* Not registered: a way in for programs that drive the library, never for the CLI. */
void vigil_actor_admin(vigil_actor *out)
{
    memset(out, 0, sizeof *out);
    snprintf(out->name, sizeof out->name, "admin");
    out->role = VIGIL_ROLE_ADMIN;
}

static int actor_from_rows(vigil_actor *out, const vg_rows *r)
{
    memset(out, 0, sizeof *out);
    snprintf(out->name, sizeof out->name, "%s", vg_cell(r, 0, 0));
    vigil_role_parse(&out->role, vg_cell(r, 0, 1));
    out->unit_id = vg_cell_i64(r, 0, 2);
    out->national = vg_cell(r, 0, 3) && !strcmp(vg_cell(r, 0, 3), "national");
    return 0;
}

/* The user whose column col (name or os_user) is key: 1 found, 0 not, < 0 error. */
static int actor_by(vigil_actor *out, vigil_registry *reg, const char *col, const char *key, vigil_error *err)
{
    vg_rows r;
    char sql[192];
    const char *p[1] = {key};
    int rc;
    snprintf(sql, sizeof sql, "SELECT u.name, u.role, u.unit_id, n.type FROM users u"
             " LEFT JOIN units n ON n.id = u.unit_id WHERE u.%s = ?", col);
    if ((rc = vg_db_query(reg->db, &r, sql, p, 1, err)) < 0)
        return rc;
    if (r.nrows)
        actor_from_rows(out, &r);
    rc = r.nrows > 0;
    vg_rows_free(&r);
    return rc;
}

int vigil_actor_resolve(vigil_actor *out, vigil_registry *reg, const char *name, vigil_error *err)
{
    int rc;
    memset(out, 0, sizeof *out);
    if (!name || !*name)
        return vigil_error_set(err, VIGIL_EDENIED, "empty user name: name a registered user");
    if ((rc = actor_by(out, reg, "name", name, err)) < 0)
        return rc;
    return rc ? 0 : vigil_error_set(err, VIGIL_EDENIED, "unknown user '%s'", name);
}

static int code_ok(const char *s);

/* A registry without users (or, written before users had logins, without one who can log in):
 * the caller becomes its admin. 1 new, 2 upgraded, 0 someone was there first. */
static int adopt_first(vigil_registry *reg, const vigil_login *in, vigil_error *err)
{
    int pg = vg_db_is_pg(reg->db);
    const char *p[2] = {in->login, pg ? NULL : in->login};
    const char *can_act = pg ? "SELECT count(*) FROM users u JOIN pg_roles r ON r.rolname = u.name"
                             : "SELECT count(*) FROM users WHERE os_user IS NOT NULL";
    vigil_actor me;
    char obj[96];
    int64_t n = 0;
    int rc;
    /* look first, so that a stranger to a registry in use writes nothing, not even a lock */
    if ((rc = vg_db_int(reg->db, &n, can_act, NULL, 0, err)) < 0 || n > 0)
        return rc < 0 ? rc : 0;
    if ((rc = vg_db_begin(reg->db, err)) < 0)
        return rc;
    /* SQLite's BEGIN IMMEDIATE already holds the write lock; PostgreSQL needs one of its own */
    if (pg)
        rc = vg_db_exec(reg->db, "SELECT pg_advisory_xact_lock(7261737)", NULL, 0, NULL, err);
    if (rc == 0)   /* again inside: another process may have been first */
        rc = vg_db_int(reg->db, &n, can_act, NULL, 0, err);
    if (rc == 0 && n > 0) {
        vg_db_rollback(reg->db);
        return 0;
    }
    if (rc == 0)
        rc = vg_db_int(reg->db, &n, "SELECT count(*) FROM users", NULL, 0, err);
    if (rc == 0 && !code_ok(in->login))
        rc = vigil_error_set(err, VIGIL_EINPUT, "new registry: %s '%s' cannot be a user name (use 1-31 letters,"
                             " digits, '-' or '_')", pg ? "database role" : "login", in->login);
    if (rc == 0)
        rc = vg_db_exec(reg->db, "INSERT INTO users(name, unit_id, role, os_user) VALUES(?, NULL, 'admin', ?)",
                        p, 2, NULL, err);
    if (rc == 0 && pg)
        rc = vg_db_script(reg->db,
                          "DO $$BEGIN IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = session_user) THEN"
                          " EXECUTE format('GRANT vigil_users TO %I', session_user); END IF; END$$", err);
    memset(&me, 0, sizeof me);
    snprintf(me.name, sizeof me.name, "%s", in->login);
    me.role = VIGIL_ROLE_ADMIN;
    snprintf(obj, sizeof obj, "user:%s", in->login);
    if (rc == 0)
        rc = vg_reg_audit(reg, &me, "user.add", obj, "admin", 0, err);
    if (rc == 0 && (rc = vg_db_commit(reg->db, err)) == 0)
        return n ? 2 : 1;
    vg_db_rollback(reg->db);
    return rc;
}

int vigil_actor_login(vigil_actor *out, vigil_login *info, vigil_registry *reg, const char *login,
                      const char *as, vigil_error *err)
{
    vigil_login tmp;
    vigil_actor caller;
    int pg = vg_db_is_pg(reg->db), rc;
    if (!info)
        info = &tmp;
    memset(info, 0, sizeof *info);
    memset(out, 0, sizeof *out);
    if (pg) {
        vg_rows r;
        if ((rc = vg_db_query(reg->db, &r, "SELECT session_user", NULL, 0, err)) < 0)
            return rc;
        snprintf(info->login, sizeof info->login, "%s", r.nrows && vg_cell(&r, 0, 0) ? vg_cell(&r, 0, 0) : "");
        vg_rows_free(&r);
    } else {
        snprintf(info->login, sizeof info->login, "%s", login ? login : "");
    }
    if (!info->login[0])
        return vigil_error_set(err, VIGIL_EDENIED, "who is acting: no login name");
    rc = actor_by(&caller, reg, pg ? "name" : "os_user", info->login, err);
    if (rc == 0 && (rc = adopt_first(reg, info, err)) >= 0) {
        /* look again even when this process did not create the first user: another one, opening
         * the new registry at the same time, may just have made this login its admin */
        info->created = rc;
        rc = actor_by(&caller, reg, pg ? "name" : "os_user", info->login, err);
    }
    if (rc < 0)
        return rc;
    if (rc == 0)
        return pg ? vigil_error_set(err, VIGIL_EDENIED, "database role '%s' is not a vigil user: connect as the"
                                    " role of one ('vigil user add NAME' creates it)", info->login)
                  : vigil_error_set(err, VIGIL_EDENIED, "login '%s' is not a vigil user: an admin can map it with"
                                    " 'vigil user add NAME --role ROLE --os-user %s'", info->login, info->login);
    snprintf(info->caller, sizeof info->caller, "%s", caller.name);
    *out = caller;
    if (as && strcmp(as, caller.name)) {
        if (caller.role != VIGIL_ROLE_ADMIN)
            return vigil_error_set(err, VIGIL_EDENIED, "acting as '%s': only an admin may act as another user"
                                   " (you are '%s', %s)", as, caller.name, vigil_role_name(caller.role));
        if ((rc = vigil_actor_resolve(out, reg, as, err)) < 0)
            return rc;
    }
    if (pg) {
        /* from here on the database applies its own policy to the actor's role */
        char sql[96];
        if (!code_ok(out->name))
            return vigil_error_set(err, VIGIL_EDENIED, "user '%s' cannot be a database role", out->name);
        snprintf(sql, sizeof sql, "SET ROLE \"%s\"", out->name);
        if ((rc = vg_db_script(reg->db, sql, err)) < 0)
            return rc;
    }
    return 0;
}

int vigil_registry_act_as(vigil_registry *reg, const vigil_actor *who, vigil_error *err)
{
    char sql[96];
    if (!vg_db_is_pg(reg->db))
        return 0;
    if (!who)
        return vg_db_script(reg->db, "RESET ROLE", err);
    if (!code_ok(who->name))
        return vigil_error_set(err, VIGIL_EDENIED, "user '%s' cannot be a database role", who->name);
    snprintf(sql, sizeof sql, "SET ROLE \"%s\"", who->name);
    return vg_db_script(reg->db, sql, err);
}

int vg_policy_sees_all(const vigil_actor *who)
{
    return who->role == VIGIL_ROLE_ADMIN || (who->role == VIGIL_ROLE_OFFICER && who->national);
}

int vg_policy_check(const vigil_actor *who, vg_action act, int64_t unit_id, const char *what,
                    vigil_error *err)
{
    int ok;
    switch (act) {
    case VG_ACT_ADMIN: ok = vg_policy_sees_all(who); break;
    case VG_ACT_STATS:
    case VG_ACT_UNITS: ok = 1; break;
    default:
        ok = vg_policy_sees_all(who) || (who->role == VIGIL_ROLE_OFFICER && who->unit_id == unit_id);
    }
    if (ok)
        return 0;
    return vigil_error_set(err, VIGIL_EDENIED, "%s: not allowed for user '%s' (%s)", what, who->name,
                           who->role == VIGIL_ROLE_ANALYST ? "analysts see statistics only"
                                                           : "not this user's unit");
}

int vg_policy_can_read(vigil_registry *reg, const vigil_actor *who, int64_t case_id, vigil_error *err)
{
    char ids[2][24];
    const char *p[3] = {ids[0], ids[1], ids[1]};
    int64_t n = 0;
    int rc;
    if (vg_policy_sees_all(who))
        return 0;
    if (who->role == VIGIL_ROLE_OFFICER) {
        snprintf(ids[0], sizeof ids[0], "%lld", (long long)case_id);
        snprintf(ids[1], sizeof ids[1], "%lld", (long long)who->unit_id);
        rc = vg_db_int(reg->db, &n,
                       "SELECT count(*) FROM cases c WHERE c.id = ? AND (c.owner_unit = ? OR EXISTS"
                       " (SELECT 1 FROM referrals r WHERE r.case_id = c.id AND r.to_unit = ?))", p, 3, err);
        if (rc < 0)
            return rc;
        if (n > 0)
            return 0;
    }
    return vg_policy_deny_case(who, case_id, err);
}

int vg_policy_deny_case(const vigil_actor *who, int64_t case_id, vigil_error *err)
{
    /* One wording for "hidden" and "absent": the refusal must not tell which ids exist. */
    return vigil_error_set(err, VIGIL_EDENIED, "case %lld: no such case, or not visible to user '%s'%s",
                           (long long)case_id, who->name,
                           who->role == VIGIL_ROLE_ANALYST ? " (analysts see statistics only)" : "");
}

/* --- units and users --- */

static const char *const unit_types[] = {"national", "regional", "special", "foreign", "prosecutor"};

const char *vigil_unit_type_name(vigil_unit_type t) { return unit_types[t]; }

int vigil_unit_type_parse(vigil_unit_type *out, const char *s)
{
    for (int i = 0; i < 5; i++)
        if (s && !strcmp(s, unit_types[i])) {
            *out = (vigil_unit_type)i;
            return 0;
        }
    return -1;
}

static int unit_from_rows(vigil_unit *u, const vg_rows *r, size_t i)
{
    memset(u, 0, sizeof *u);
    u->id = vg_cell_i64(r, i, 0);
    snprintf(u->code, sizeof u->code, "%s", vg_cell(r, i, 1));
    snprintf(u->name, sizeof u->name, "%s", vg_cell(r, i, 2));
    vigil_unit_type_parse(&u->type, vg_cell(r, i, 3));
    snprintf(u->country, sizeof u->country, "%s", vg_cell(r, i, 4) ? vg_cell(r, i, 4) : "");
    return 0;
}

static int unit_lookup(vigil_unit *out, vigil_registry *reg, const char *sql, const char *key,
                       vigil_error *err)
{
    vg_rows r;
    const char *p[1] = {key};
    int rc = vg_db_query(reg->db, &r, sql, p, 1, err);
    if (rc < 0)
        return rc;
    if (r.nrows == 0) {
        vg_rows_free(&r);
        return vigil_error_set(err, VIGIL_ENOTFOUND, "unknown unit '%s'", key);
    }
    unit_from_rows(out, &r, 0);
    vg_rows_free(&r);
    return 0;
}

int vg_unit_by_code(vigil_unit *out, vigil_registry *reg, const char *code, vigil_error *err)
{
    return unit_lookup(out, reg, "SELECT id, code, name, type, country FROM units WHERE code = ?",
                       code ? code : "", err);
}

int vg_unit_by_id(vigil_unit *out, vigil_registry *reg, int64_t id, vigil_error *err)
{
    char s[24];
    snprintf(s, sizeof s, "%lld", (long long)id);
    return unit_lookup(out, reg, "SELECT id, code, name, type, country FROM units WHERE id = ?", s, err);
}

static int code_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > 31)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_')
            return 0;
    return 1;
}

int vigil_unit_add(vigil_registry *reg, const vigil_actor *who, const vigil_unit *u, vigil_error *err)
{
    char now[24], obj[48];
    const char *p[5] = {u->code, u->name, unit_types[u->type], u->country[0] ? u->country : NULL, now};
    int64_t id;
    int rc;
    if ((rc = vg_policy_check(who, VG_ACT_ADMIN, 0, "unit add", err)) < 0)
        return rc;
    if (!code_ok(u->code))
        return vigil_error_set(err, VIGIL_EINPUT, "unit code '%s': use 1-31 letters, digits, '-' or '_'",
                               u->code);
    if (!u->name[0])
        return vigil_error_set(err, VIGIL_EINPUT, "unit %s: a name is required", u->code);
    if (u->type == VIGIL_UNIT_FOREIGN &&
        (strlen(u->country) != 2 || !isupper((unsigned char)u->country[0]) ||
         !isupper((unsigned char)u->country[1])))
        return vigil_error_set(err, VIGIL_EINPUT,
                               "unit %s: a foreign service needs --country with a two-letter code (e.g. DE)",
                               u->code);
    if (u->type != VIGIL_UNIT_FOREIGN && u->country[0])
        return vigil_error_set(err, VIGIL_EINPUT, "unit %s: --country is for foreign services only", u->code);
    vg_iso(now, vg_now());
    if ((rc = vg_db_begin(reg->db, err)) < 0)
        return rc;
    rc = vg_db_insert(reg->db, &id, "INSERT INTO units(code, name, type, country, created_at)"
                      " VALUES(?, ?, ?, ?, ?)", p, 5, err);
    if (rc == VIGIL_EEXISTS)
        vigil_error_set(err, VIGIL_EEXISTS, "unit '%s' already exists", u->code);
    snprintf(obj, sizeof obj, "unit:%s", u->code);
    if (rc == 0)
        rc = vg_reg_audit(reg, who, "unit.add", obj, unit_types[u->type], 0, err);
    if (rc == 0)
        return vg_db_commit(reg->db, err);
    vg_db_rollback(reg->db);
    return rc;
}

int vigil_unit_list(vigil_unit **out, size_t *n, vigil_registry *reg, const vigil_actor *who,
                    vigil_error *err)
{
    vg_rows r;
    int rc;
    *out = NULL;
    *n = 0;
    if ((rc = vg_policy_check(who, VG_ACT_UNITS, 0, "unit list", err)) < 0)
        return rc;
    rc = vg_db_query(reg->db, &r, "SELECT id, code, name, type, country FROM units ORDER BY code", NULL, 0,
                     err);
    if (rc < 0)
        return rc;
    if (r.nrows && !(*out = calloc(r.nrows, sizeof **out))) {
        vg_rows_free(&r);
        return vigil_error_set(err, VIGIL_ENOMEM, "unit list: out of memory");
    }
    for (size_t i = 0; i < r.nrows; i++)
        unit_from_rows(&(*out)[i], &r, i);
    *n = r.nrows;
    vg_rows_free(&r);
    return 0;
}

static int login_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > 63 || s[0] == '-')
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && !strchr("-_.@$", s[i]))
            return 0;
    return 1;
}

int vigil_user_add(vigil_registry *reg, const vigil_actor *who, const char *name, const char *unit_code,
                   vigil_role role, const char *os_user, vigil_error *err)
{
    vigil_unit u = {0};
    char uid[24], obj[96];
    const char *p[4] = {name, NULL, vigil_role_name(role), os_user};
    const char *q[1] = {name};
    int pg = vg_db_is_pg(reg->db);
    int64_t taken = 0;
    int rc;
    if ((rc = vg_policy_check(who, VG_ACT_ADMIN, 0, "user add", err)) < 0)
        return rc;
    if (!code_ok(name) || !strcmp(name, "admin"))
        return vigil_error_set(err, VIGIL_EINPUT, "user name '%s': use 1-31 letters, digits, '-' or '_'",
                               name ? name : "");
    if (os_user && pg)
        return vigil_error_set(err, VIGIL_EINPUT, "user %s: --os-user is for SQLite registries; on PostgreSQL"
                               " the user is the database role '%s'", name, name);
    if (os_user && !login_ok(os_user))
        return vigil_error_set(err, VIGIL_EINPUT, "user %s: '%s' is not a login name", name, os_user);
    if (unit_code && (rc = vg_unit_by_code(&u, reg, unit_code, err)) < 0)
        return rc;
    if (role == VIGIL_ROLE_OFFICER && !unit_code)
        return vigil_error_set(err, VIGIL_EINPUT, "user %s: an officer needs --unit", name);
    snprintf(uid, sizeof uid, "%lld", (long long)u.id);
    p[1] = unit_code ? uid : NULL;
    if ((rc = vg_db_begin(reg->db, err)) < 0)
        return rc;
    if (os_user) {
        const char *o[1] = {os_user};
        rc = vg_db_int(reg->db, &taken, "SELECT count(*) FROM users WHERE os_user = ?", o, 1, err);
        if (rc == 0 && taken)
            rc = vigil_error_set(err, VIGIL_EEXISTS, "user %s: login '%s' already acts as another user", name,
                                 os_user);
    }
    if (rc == 0)
        rc = vg_db_exec(reg->db, "INSERT INTO users(name, unit_id, role, os_user) VALUES(?, ?, ?, ?)", p, 4, NULL,
                        err);
    if (rc == VIGIL_EEXISTS && !taken)
        vigil_error_set(err, VIGIL_EEXISTS, "user '%s' already exists", name);
    if (rc == 0 && pg) {
        /* a role made elsewhere may carry rights of its own: refuse rather than adopt it */
        rc = vg_db_int(reg->db, &taken, "SELECT count(*) FROM pg_roles WHERE rolname = ?", q, 1, err);
        if (rc == 0 && taken)
            rc = vigil_error_set(err, VIGIL_EEXISTS, "user %s: a database role of that name exists already", name);
        if (rc == 0)
            rc = vg_db_exec(reg->db, "SELECT vigil_role_add(current_user, ?)", q, 1, NULL, err);
    }
    snprintf(obj, sizeof obj, "user:%s", name);
    if (rc == 0)
        rc = vg_reg_audit(reg, who, "user.add", obj, vigil_role_name(role), 0, err);
    if (rc == 0)
        return vg_db_commit(reg->db, err);
    vg_db_rollback(reg->db);
    return rc;
}

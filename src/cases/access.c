/*
 * The access policy as PostgreSQL enforces it (docs/access.md): every vigil user is a database
 * role in the group vigil_users, which holds the table privileges; row-level security shows a
 * role the cases (with their suspects, signals and referrals) its vigil user may see, and the
 * audit log only to admins and national officers. The C checks (vg_policy_*) stay: the
 * database is a second, independent wall for anyone who connects with psql.
 *
 * The helpers are SECURITY DEFINER so that the policies can look at users and referrals
 * without recursing into their own policies. Inside such a function current_user is the
 * owner, so the policies pass current_user as an argument; a function answers only for a
 * role that the session's login is a member of, so no one asks on another's behalf.
 * Applied after both schemas migrate, again whenever either changes version (meta('pg_access')).
 */
#include <stdio.h>
#include <string.h>

#include "cases/links.h"

/* Bump when the SQL below changes. */
#define ACCESS_VERSION 5

static const char access_sql[] =
    "DO $$BEGIN"
    "  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'vigil_users') THEN"
    "    CREATE ROLE vigil_users NOLOGIN;"
    "  END IF;"
    "END$$;"
    /* the vigil user behind role who, if the session may speak for it; the tables' owner (current_user
     * inside these functions) bypasses row-level security anyway and sees all here too */
    "CREATE OR REPLACE FUNCTION vigil_is_user(who name) RETURNS boolean LANGUAGE sql STABLE"
    "  SECURITY DEFINER AS $$"
    "  SELECT pg_has_role(session_user, who, 'MEMBER') AND EXISTS (SELECT 1 FROM users WHERE name = who)$$;"
    "CREATE OR REPLACE FUNCTION vigil_sees_all(who name) RETURNS boolean LANGUAGE sql STABLE"
    "  SECURITY DEFINER AS $$"
    "  SELECT pg_has_role(session_user, who, 'MEMBER') AND (who = current_user OR EXISTS (SELECT 1"
    "    FROM users u LEFT JOIN units n ON n.id = u.unit_id WHERE u.name = who"
    "    AND (u.role = 'admin' OR (u.role = 'officer' AND n.type = 'national'))))$$;"
    "CREATE OR REPLACE FUNCTION vigil_unit_of(who name) RETURNS bigint LANGUAGE sql STABLE"
    "  SECURITY DEFINER AS $$"
    "  SELECT unit_id FROM users WHERE name = who AND role = 'officer'"
    "    AND pg_has_role(session_user, who, 'MEMBER')$$;"
    "CREATE OR REPLACE FUNCTION vigil_referred_to(case_id bigint, who name) RETURNS boolean"
    "  LANGUAGE sql STABLE SECURITY DEFINER AS $$"
    "  SELECT EXISTS (SELECT 1 FROM referrals r WHERE r.case_id = $1 AND r.to_unit = vigil_unit_of(who))$$;"
    "CREATE OR REPLACE FUNCTION vigil_sees_case(case_id bigint, who name) RETURNS boolean"
    "  LANGUAGE sql STABLE SECURITY DEFINER AS $$"
    "  SELECT vigil_sees_all(who) OR EXISTS (SELECT 1 FROM cases c WHERE c.id = $1"
    "    AND (c.owner_unit = vigil_unit_of(who) OR vigil_referred_to(c.id, who)))$$;"
    /* the priority's repeat_suspect factor: whether cases hidden from who name a suspect of a case
     * who sees, and no more (a count would tell how many other units' cases exist) */
    "CREATE OR REPLACE FUNCTION vigil_suspect_elsewhere(case_id bigint, who name) RETURNS boolean"
    "  LANGUAGE sql STABLE SECURITY DEFINER AS $$"
    "  SELECT vigil_sees_case($1, who) AND EXISTS (SELECT 1 FROM suspects s JOIN suspects o"
    "    ON o.suspect = s.suspect AND o.case_id <> s.case_id"
    "    WHERE s.case_id = $1 AND NOT vigil_sees_case(o.case_id, who))$$;"
    /* statistics are for every user and count every unit: the rows they need, no case ids */
    "CREATE OR REPLACE FUNCTION vigil_stats_referrals() RETURNS TABLE(from_unit bigint, to_unit bigint,"
    "  to_foreign bigint, case_type text, sent_at text, sent_day bigint, due_day bigint, state text,"
    "  answered_day bigint, reason text) LANGUAGE sql STABLE SECURITY DEFINER AS $$"
    "  SELECT from_unit, to_unit, to_foreign, case_type, sent_at, sent_day, due_day, state,"
    "    answered_day, reason FROM referrals$$;"
    "CREATE OR REPLACE FUNCTION vigil_stats_cases() RETURNS TABLE(type text, reg_unit bigint,"
    "  registered_at text, reg_day bigint, self_registered bigint) LANGUAGE sql STABLE"
    "  SECURITY DEFINER AS $$"
    "  SELECT type, reg_unit, registered_at, reg_day, self_registered FROM cases$$;"
    /* audit list: the events a user may read, all for admins and national officers, else those of
     * the cases the user sees (the table itself stays hidden from them) */
    "CREATE OR REPLACE FUNCTION vigil_audit_visible(who name) RETURNS TABLE(seq bigint, at text,"
    "  event_at text, who_name text, action text, object text, detail text) LANGUAGE sql STABLE"
    "  SECURITY DEFINER AS $$"
    "  SELECT a.seq, a.at, a.event_at, a.who, a.action, a.object, a.detail FROM audit a"
    "  WHERE vigil_sees_all($1) OR (a.object LIKE 'case:%' AND pg_has_role(session_user, $1, 'MEMBER')"
    "    AND vigil_sees_case(CAST(substr(a.object, 6) AS bigint), $1))$$;"
    /* user add: the role of a user just registered, its group, and admins may SET ROLE to it (an
     * admin's own role gets the other users') */
    "CREATE OR REPLACE FUNCTION vigil_role_add(who name, newrole text) RETURNS void"
    "  LANGUAGE plpgsql SECURITY DEFINER AS $$"
    "DECLARE a text; r text;"
    "BEGIN"
    "  IF NOT vigil_sees_all(who) THEN"
    "    RAISE EXCEPTION 'user add: not allowed for role %', who USING ERRCODE = '42501';"
    "  END IF;"
    "  SELECT role INTO r FROM users WHERE name = newrole;"
    "  IF r IS NULL THEN"
    "    RAISE EXCEPTION 'user add: % is no vigil user', newrole USING ERRCODE = '42501';"
    "  END IF;"
    "  EXECUTE format('CREATE ROLE %I LOGIN IN ROLE vigil_users', newrole);"
    "  IF r = 'admin' THEN"
    "    FOR a IN SELECT u.name FROM users u JOIN pg_roles g ON g.rolname = u.name"
    "      WHERE u.role <> 'admin' AND u.name <> newrole LOOP"
    "      EXECUTE format('GRANT %I TO %I', a, newrole);"
    "    END LOOP;"
    "  ELSE"
    "    FOR a IN SELECT u.name FROM users u JOIN pg_roles g ON g.rolname = u.name"
    "      WHERE u.role = 'admin' AND u.name <> newrole AND NOT g.rolsuper LOOP"
    "      EXECUTE format('GRANT %I TO %I', newrole, a);"
    "    END LOOP;"
    "  END IF;"
    "END$$;"
    /* links (docs/links.md): kept from every case's items, which the user may not see; read with
     * both ends, whose visibility the caller masks */
    "CREATE OR REPLACE FUNCTION vigil_links_update(bigint, text, who name) RETURNS void"
    "  LANGUAGE plpgsql SECURITY DEFINER AS $$"
    "BEGIN"
    "  IF NOT vigil_sees_case($1, who) THEN"
    "    RAISE EXCEPTION 'links: case % is not visible to role %', $1, who USING ERRCODE = '42501';"
    "  END IF;"
    "  " VG_LINKS_DELETE_SQL ";"
    "  " VG_LINKS_INSERT_SQL ";"
    "END$$;"
    "CREATE OR REPLACE FUNCTION vigil_links_visible(who name) RETURNS TABLE(o_a bigint, o_b bigint, o_exact bigint,"
    "  o_illegal bigint, o_interest bigint, o_unknown bigint, o_near bigint, o_updated text, o_aid bigint,"
    "  o_aunit text, o_acontact text, o_aref text, o_atype text, o_areg text, o_bid bigint, o_bunit text,"
    "  o_bcontact text, o_bref text, o_btype text, o_breg text, o_asees boolean, o_bsees boolean)"
    "  LANGUAGE sql STABLE SECURITY DEFINER AS $$"
    "  SELECT " VG_LINKS_COLS ", vigil_sees_case(l.a, who), vigil_sees_case(l.b, who)" VG_LINKS_FROM
    "  WHERE vigil_sees_case(l.a, who) OR vigil_sees_case(l.b, who)$$;"
    /* near links: every other case's linkable pictures by number and hashes only (never whose), and
     * the pairs found written to the links of a case the role sees */
    /* the rule of near pictures (links_near.c) over case_pdq.hashes: some orientation of either
     * within 31 of the other's plain hash */
    "CREATE OR REPLACE FUNCTION vigil_pdq_near(a text, b text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$"
    "  SELECT EXISTS (SELECT 1 FROM generate_series(0, 7) k WHERE (length(a) >= 64 * (k + 1)"
    "    AND bit_count(CAST('x' || substr(a, 64 * k + 1, 64) AS bit(256)) # CAST('x' || substr(b, 1, 64) AS bit(256))) <= 31)"
    "    OR (length(b) >= 64 * (k + 1)"
    "    AND bit_count(CAST('x' || substr(a, 1, 64) AS bit(256)) # CAST('x' || substr(b, 64 * k + 1, 64) AS bit(256))) <= 31))$$;"
    "CREATE OR REPLACE FUNCTION vigil_pdq_others(bigint, who name) RETURNS TABLE(o_id bigint, o_hashes text)"
    "  LANGUAGE plpgsql STABLE SECURITY DEFINER AS $$"
    "BEGIN"
    "  IF NOT vigil_sees_case($1, who) THEN"
    "    RAISE EXCEPTION 'links: case % is not visible to role %', $1, who USING ERRCODE = '42501';"
    "  END IF;"
    "  RETURN QUERY SELECT p.id, p.hashes FROM case_pdq p WHERE p.case_id <> $1;"
    "END$$;"
    "CREATE OR REPLACE FUNCTION vigil_links_near(bigint, text, text, who name) RETURNS void"
    "  LANGUAGE plpgsql SECURITY DEFINER AS $$"
    "BEGIN"
    "  IF NOT vigil_sees_case($1, who) THEN"
    "    RAISE EXCEPTION 'links: case % is not visible to role %', $1, who USING ERRCODE = '42501';"
    "  END IF;"
    "  " VG_LINKS_NEAR_SQL(VG_NEAR_PAIRS_PG, VG_NEAR_CHECK_PG) ";"
    "END$$;"
    "CREATE OR REPLACE FUNCTION vigil_series_cases(who name) RETURNS TABLE(o_series text, o_case bigint,"
    "  o_unit text, o_contact text, o_ref text, o_reg text, o_items bigint, o_sees boolean)"
    "  LANGUAGE sql STABLE SECURITY DEFINER AS $$"
    "  SELECT " VG_SERIES_COLS ", vigil_sees_case(i.case_id, who)" VG_SERIES_FROM
    "  AND pg_has_role(session_user, who, 'MEMBER')" VG_SERIES_GROUP "$$;"
    "REVOKE ALL ON FUNCTION vigil_is_user(name), vigil_sees_all(name), vigil_unit_of(name),"
    "  vigil_referred_to(bigint, name), vigil_sees_case(bigint, name), vigil_suspect_elsewhere(bigint, name),"
    "  vigil_stats_referrals(), vigil_stats_cases(), vigil_role_add(name, text), vigil_audit_visible(name),"
    "  vigil_links_update(bigint, text, name), vigil_links_visible(name), vigil_series_cases(name),"
    "  vigil_pdq_others(bigint, name), vigil_links_near(bigint, text, text, name) FROM PUBLIC;"
    "GRANT EXECUTE ON FUNCTION vigil_is_user(name), vigil_sees_all(name), vigil_unit_of(name),"
    "  vigil_referred_to(bigint, name), vigil_sees_case(bigint, name), vigil_suspect_elsewhere(bigint, name),"
    "  vigil_stats_referrals(), vigil_stats_cases(), vigil_role_add(name, text), vigil_audit_visible(name),"
    "  vigil_links_update(bigint, text, name), vigil_links_visible(name), vigil_series_cases(name),"
    "  vigil_pdq_others(bigint, name), vigil_links_near(bigint, text, text, name) TO vigil_users;"
    /* a fixed search_path: the schema the tables are in, then nothing a user could create */
    "DO $$DECLARE f regprocedure;"
    "BEGIN"
    "  FOR f IN SELECT p.oid FROM pg_proc p WHERE p.pronamespace = current_schema()::regnamespace"
    "    AND p.proname LIKE 'vigil\\_%' LOOP"
    "    EXECUTE format('ALTER FUNCTION %s SET search_path = %I, pg_temp', f, current_schema());"
    "  END LOOP;"
    "END$$;"
    /* table privileges */
    "GRANT SELECT, UPDATE ON meta TO vigil_users;"
    "GRANT SELECT, INSERT ON units, users TO vigil_users;"
    "GRANT SELECT, INSERT, UPDATE ON cases, suspects, referrals TO vigil_users;"
    "GRANT SELECT, INSERT ON case_events TO vigil_users;"
    "GRANT SELECT, INSERT, UPDATE ON case_items, case_item_places TO vigil_users;"
    "GRANT SELECT ON case_links TO vigil_users;"
    "GRANT SELECT, INSERT, DELETE ON case_pdq TO vigil_users;"
    "GRANT SELECT, INSERT, UPDATE ON case_categories TO vigil_users;"
    "GRANT SELECT, INSERT, UPDATE, DELETE ON series TO vigil_users;"
    "ALTER TABLE case_links ENABLE ROW LEVEL SECURITY;"
    "DROP POLICY IF EXISTS vigil_read ON case_links;"
    "CREATE POLICY vigil_read ON case_links FOR SELECT USING (vigil_sees_case(a, current_user)"
    "  OR vigil_sees_case(b, current_user));"
    "GRANT SELECT, INSERT, UPDATE, DELETE ON signals TO vigil_users;"
    "DO $$BEGIN"
    "  EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO vigil_users', current_schema());"
    "END$$;"
    /* meta: users advance the audit chain's head and change nothing else */
    "ALTER TABLE meta ENABLE ROW LEVEL SECURITY;"
    "DROP POLICY IF EXISTS vigil_read ON meta;"
    "CREATE POLICY vigil_read ON meta FOR SELECT USING (true);"
    "DROP POLICY IF EXISTS vigil_head ON meta;"
    "CREATE POLICY vigil_head ON meta FOR UPDATE USING (key = 'audit_head');"
    /* units and users: everyone reads them; admins and national officers add */
    "ALTER TABLE units ENABLE ROW LEVEL SECURITY;"
    "ALTER TABLE users ENABLE ROW LEVEL SECURITY;"
    "DROP POLICY IF EXISTS vigil_read ON units;"
    "CREATE POLICY vigil_read ON units FOR SELECT USING (true);"
    "DROP POLICY IF EXISTS vigil_add ON units;"
    "CREATE POLICY vigil_add ON units FOR INSERT WITH CHECK (vigil_sees_all(current_user));"
    "DROP POLICY IF EXISTS vigil_read ON users;"
    "CREATE POLICY vigil_read ON users FOR SELECT USING (true);"
    "DROP POLICY IF EXISTS vigil_add ON users;"
    "CREATE POLICY vigil_add ON users FOR INSERT WITH CHECK (vigil_sees_all(current_user));"
    /* API keys: those who see everything (the C checks narrow it to admins) */
    "GRANT SELECT, INSERT, UPDATE ON api_keys TO vigil_users;"
    "ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY;"
    "DROP POLICY IF EXISTS vigil_admin ON api_keys;"
    "CREATE POLICY vigil_admin ON api_keys USING (vigil_sees_all(current_user));"
    /* passwords: those who see everything, and each user their own */
    "GRANT SELECT, INSERT, UPDATE ON user_passwords TO vigil_users;"
    "ALTER TABLE user_passwords ENABLE ROW LEVEL SECURITY;"
    "DROP POLICY IF EXISTS vigil_own ON user_passwords;"
    "CREATE POLICY vigil_own ON user_passwords USING (vigil_sees_all(current_user) OR name = current_user);"
    /* cases: own unit, referred to it, or everything for admins and national officers */
    "ALTER TABLE cases ENABLE ROW LEVEL SECURITY;"
    "DROP POLICY IF EXISTS vigil_read ON cases;"
    "CREATE POLICY vigil_read ON cases FOR SELECT USING (vigil_sees_all(current_user)"
    "  OR owner_unit = vigil_unit_of(current_user) OR vigil_referred_to(id, current_user));"
    "DROP POLICY IF EXISTS vigil_add ON cases;"
    "CREATE POLICY vigil_add ON cases FOR INSERT WITH CHECK (vigil_sees_all(current_user)"
    "  OR owner_unit = vigil_unit_of(current_user));"
    "DROP POLICY IF EXISTS vigil_change ON cases;"
    "CREATE POLICY vigil_change ON cases FOR UPDATE USING (vigil_sees_all(current_user)"
    "  OR owner_unit = vigil_unit_of(current_user) OR vigil_referred_to(id, current_user));"
    "DO $$DECLARE t text;"
    "BEGIN"
    "  FOREACH t IN ARRAY ARRAY['suspects', 'signals', 'referrals', 'case_events',"
    "    'case_items', 'case_item_places', 'case_pdq', 'case_categories'] LOOP"
    "    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);"
    "    EXECUTE format('DROP POLICY IF EXISTS vigil_case ON %I', t);"
    "    EXECUTE format('CREATE POLICY vigil_case ON %I USING (vigil_sees_case(case_id, current_user))', t);"
    "  END LOOP;"
    /* the audit log and whatever audit_* tables it grows: every user appends, few read */
    "  FOR t IN SELECT c.relname FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace"
    "    AND c.relkind = 'r' AND (c.relname = 'audit' OR c.relname LIKE 'audit\\_%') LOOP"
    "    EXECUTE format('GRANT SELECT, INSERT ON %I TO vigil_users', t);"
    "    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);"
    "    EXECUTE format('DROP POLICY IF EXISTS vigil_read ON %I', t);"
    "    EXECUTE format('CREATE POLICY vigil_read ON %I FOR SELECT USING (vigil_sees_all(current_user))', t);"
    "    EXECUTE format('DROP POLICY IF EXISTS vigil_append ON %I', t);"
    "    EXECUTE format('CREATE POLICY vigil_append ON %I FOR INSERT WITH CHECK (vigil_is_user(current_user))', t);"
    "  END LOOP;"
    "END$$;";

/* "access/cases/audit" versions: a change in any of them applies the SQL again. */
static int access_stamp(vg_db *db, char *out, size_t cap, vigil_error *err)
{
    int64_t cv = 0, av = 0;
    const char *k1[1] = {vg_cases_schema.version_key}, *k2[1] = {vg_audit_schema.version_key};
    int rc = vg_db_int(db, &cv, "SELECT value FROM meta WHERE key = ?", k1, 1, err);
    if (rc == 0)
        rc = vg_db_int(db, &av, "SELECT value FROM meta WHERE key = ?", k2, 1, err);
    snprintf(out, cap, "%d/%lld/%lld", ACCESS_VERSION, (long long)cv, (long long)av);
    return rc;
}

int vg_access_apply(vg_db *db, vigil_error *err)
{
    vg_rows r;
    char want[64];
    const char *p[1] = {want};
    int rc, same;
    if (!vg_db_is_pg(db))
        return 0;   /* SQLite: the file's permissions and the C checks are the only walls */
    if ((rc = access_stamp(db, want, sizeof want, err)) < 0)
        return rc;
    if ((rc = vg_db_query(db, &r, "SELECT value FROM meta WHERE key = 'pg_access'", NULL, 0, err)) < 0)
        return rc;
    same = r.nrows && vg_cell(&r, 0, 0) && !strcmp(vg_cell(&r, 0, 0), want);
    vg_rows_free(&r);
    if (same)
        return 0;
    if ((rc = vg_db_begin(db, err)) < 0)
        return rc;
    /* serialise with another process doing the same, and look again under the lock: applying
     * twice would take the tables' exclusive locks while other processes already use them,
     * which deadlocks */
    rc = vg_db_exec(db, "SELECT pg_advisory_xact_lock(7261736)", NULL, 0, NULL, err);
    if (rc == 0 && (rc = vg_db_query(db, &r, "SELECT value FROM meta WHERE key = 'pg_access'", NULL, 0, err)) == 0) {
        same = r.nrows && vg_cell(&r, 0, 0) && !strcmp(vg_cell(&r, 0, 0), want);
        vg_rows_free(&r);
        if (same) {
            vg_db_rollback(db);
            return 0;
        }
    }
    if (rc == 0)
        rc = vg_db_script(db, access_sql, err);
    if (rc == 0)
        rc = vg_db_exec(db, "DELETE FROM meta WHERE key = 'pg_access'", NULL, 0, NULL, err);
    if (rc == 0)
        rc = vg_db_exec(db, "INSERT INTO meta(key, value) VALUES('pg_access', ?)", p, 1, NULL, err);
    if (rc == 0)
        return vg_db_commit(db, err);
    vg_db_rollback(db);
    return rc;
}

int vg_access_check(vg_db *db, vigil_error *err)
{
    vg_rows r;
    int rc, ok;
    if (!vg_db_is_pg(db))
        return 0;
    rc = vg_db_query(db, &r, "SELECT has_table_privilege('meta', 'SELECT'), session_user", NULL, 0, err);
    if (rc < 0)
        return rc;
    ok = r.nrows && vg_cell(&r, 0, 0) && !strcmp(vg_cell(&r, 0, 0), "t");
    if (!ok)
        rc = vigil_error_set(err, VIGIL_EDENIED, "database role '%s' is not a vigil user: connect as the role of"
                             " one ('vigil user add NAME' creates it)", r.nrows && vg_cell(&r, 0, 1) ? vg_cell(&r, 0, 1) : "?");
    vg_rows_free(&r);
    return rc;
}

int vg_access_drop_roles(vg_db *db, vigil_error *err)
{
    if (!vg_db_is_pg(db))
        return 0;
    return vg_db_script(db,
        "DO $$DECLARE u text;"
        "BEGIN"
        "  IF to_regclass('users') IS NULL THEN RETURN; END IF;"
        "  FOR u IN SELECT name FROM users WHERE name <> session_user AND name <> current_user"
        "    AND EXISTS (SELECT 1 FROM pg_roles WHERE rolname = name AND NOT rolsuper) LOOP"
        "    EXECUTE format('DROP ROLE %I', u);"
        "  END LOOP;"
        "END$$;"
        "DELETE FROM meta WHERE key = 'pg_access'", err);
}

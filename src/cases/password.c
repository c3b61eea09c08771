/*
 * People's passwords (vigil/login.h): Argon2id strings of crypto_pwhash_str in user_passwords,
 * set by admins, national officers or the user, checked at login with the same answer and
 * about the same cost whatever was wrong.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cases/reg.h"
#include "vigil/login.h"

int vigil_password_check(const char *p, vigil_error *err)
{
    size_t n = p ? strlen(p) : 0;
    int ok = n >= VIGIL_PASSWORD_MIN && n <= VIGIL_PASSWORD_MAX;
    for (size_t i = 0; ok && i < n; i++)
        ok = (unsigned char)p[i] >= 0x20 && p[i] != 0x7f;
    return ok ? 0
              : vigil_error_set(err, VIGIL_EINPUT, "a password has %d to %d characters, no control characters",
                                VIGIL_PASSWORD_MIN, VIGIL_PASSWORD_MAX);
}

int vigil_user_set_password(vigil_registry *reg, const vigil_actor *who, const char *name, const char *password,
                            vigil_error *err)
{
    char hash[crypto_pwhash_STRBYTES], now[24], obj[96];
    const char *p[3] = {name, hash, now};
    vigil_actor target;
    int rc;
    if (strcmp(who->name, name) && (rc = vg_policy_check(who, VG_ACT_ADMIN, 0, "user password", err)) < 0)
        return rc;
    if ((rc = vigil_password_check(password, err)) < 0)
        return rc;
    if ((rc = vigil_actor_resolve(&target, reg, name, err)) < 0)
        return rc == VIGIL_EDENIED ? vigil_error_set(err, VIGIL_ENOTFOUND, "unknown user '%s'", name) : rc;
    if (sodium_init() < 0 || crypto_pwhash_str(hash, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                               crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return vigil_error_set(err, VIGIL_ENOMEM, "password of %s: out of memory for Argon2id", name);
    vg_iso(now, vg_now());
    if ((rc = vg_db_begin(reg->db, err)) < 0)
        return rc;
    rc = vg_db_exec(reg->db, "INSERT INTO user_passwords(name, hash, set_at) VALUES(?, ?, ?) ON CONFLICT(name)"
                    " DO UPDATE SET hash = excluded.hash, set_at = excluded.set_at", p, 3, NULL, err);
    snprintf(obj, sizeof obj, "user:%s", name);
    if (rc == 0)
        rc = vg_reg_audit(reg, who, "user.password", obj, NULL, 0, err);
    if (rc == 0 && (rc = vg_db_commit(reg->db, err)) == 0) {
        snprintf(reg->last_change, sizeof reg->last_change, "password of %s set", name);
        return 0;
    }
    vg_db_rollback(reg->db);
    return rc;
}

/* An Argon2id string of a password no one has, verified when the user has none, so that an
 * unknown name costs what a wrong password costs. */
static int dummy_verify(const char *password)
{
    static char dummy[crypto_pwhash_STRBYTES];
    static const char fixed[] = "no user has this password, it only spends time";
    if (!dummy[0] && crypto_pwhash_str(dummy, fixed, sizeof fixed - 1, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                       crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return -1;
    return crypto_pwhash_str_verify(dummy, password, strlen(password));
}

static int login_event(vigil_registry *reg, const vigil_actor *who, const char *action, const char *name,
                       vigil_error *err)
{
    char obj[96];
    int rc;
    snprintf(obj, sizeof obj, "user:%s", name);
    if ((rc = vg_db_begin(reg->db, err)) < 0)
        return rc;
    if ((rc = vg_reg_audit(reg, who, action, obj, NULL, 0, err)) == 0 && (rc = vg_db_commit(reg->db, err)) == 0)
        return 0;
    vg_db_rollback(reg->db);
    return rc;
}

int vigil_user_login(vigil_actor *out, vigil_registry *reg, const char *name, const char *password, vigil_error *err)
{
    const char *p[1] = {name};
    vigil_error ignore;
    vigil_actor nobody;
    vg_rows r;
    int rc, ok = 0;
    memset(out, 0, sizeof *out);
    if (!name || !*name || strlen(name) > 63 || !password || strlen(password) > VIGIL_PASSWORD_MAX)
        return vigil_error_set(err, VIGIL_EDENIED, "wrong user name or password");
    if (sodium_init() < 0)
        return vigil_error_set(err, VIGIL_EINTERNAL, "login: libsodium cannot start");
    if ((rc = vg_db_query(reg->db, &r, "SELECT hash FROM user_passwords WHERE name = ?", p, 1, err)) < 0)
        return rc;
    if (r.nrows && vg_cell(&r, 0, 0))
        ok = crypto_pwhash_str_verify(vg_cell(&r, 0, 0), password, strlen(password)) == 0;
    else
        dummy_verify(password);
    vg_rows_free(&r);
    if (ok && (rc = vigil_actor_resolve(out, reg, name, &ignore)) < 0)
        ok = 0;
    if (!ok) {
        memset(&nobody, 0, sizeof nobody);
        snprintf(nobody.name, sizeof nobody.name, "%s", name);
        nobody.role = VIGIL_ROLE_ANALYST;
        memset(out, 0, sizeof *out);
        if ((rc = login_event(reg, &nobody, "user.login-failed", name, err)) < 0)
            return rc;
        return vigil_error_set(err, VIGIL_EDENIED, "wrong user name or password");
    }
    return login_event(reg, out, "user.login", name, err);
}

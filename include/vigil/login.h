/*
 * People's passwords for the web service: hashed with Argon2id (libsodium's crypto_pwhash_str,
 * its interactive limits), kept in a table of their own that only admins and the national unit
 * see on PostgreSQL. A password is never logged, never in argv (the CLI reads it from stdin or
 * a prompt) and never returned.
 * Codes: as in vigil/cases.h (VIGIL_ESTORE, VIGIL_ENOMEM from any call).
 */
#ifndef VIGIL_LOGIN_H
#define VIGIL_LOGIN_H
#include "vigil/cases.h"
#include "vigil/error.h"
#include "vigil/registry.h"

#define VIGIL_PASSWORD_MIN 12
#define VIGIL_PASSWORD_MAX 256

/* 0 when p is fit for a password, else VIGIL_EINPUT saying why (no other code). */
int vigil_password_check(const char *p, vigil_error *err);
/* Set (or replace) name's password: admins, national officers, or the user themself
 * (VIGIL_EDENIED for others). VIGIL_ENOTFOUND for an unknown user, VIGIL_EINPUT for a password
 * shorter than VIGIL_PASSWORD_MIN or longer than VIGIL_PASSWORD_MAX bytes or with a control
 * character. Audited as user.password (never the password). */
int vigil_user_set_password(vigil_registry *reg, const vigil_actor *who, const char *name, const char *password,
                            vigil_error *err);
/* The user whose name and password these are, as an actor: 0 and *out filled, or VIGIL_EDENIED
 * "wrong user name or password", the same words and about the same time for an unknown user,
 * a user without a password and a wrong password. Each attempt is audited: user.login, or
 * user.login-failed. */
int vigil_user_login(vigil_actor *out, vigil_registry *reg, const char *name, const char *password, vigil_error *err);

#endif

/*
 * The case registry's store: one handle over SQLite (a file path, the default) or
 * PostgreSQL ("postgres://..." or "postgresql://..."). The schema is created or
 * migrated on open. A handle belongs to one thread at a time.
 */
#ifndef VIGIL_REGISTRY_H
#define VIGIL_REGISTRY_H
#include <stdint.h>
#include "vigil/error.h"

typedef struct vigil_registry vigil_registry;

/* Open the registry at url. On success *out is owned by the caller (vigil_registry_close).
 * VIGIL_EINPUT: not a vigil database, or a newer case schema; VIGIL_ESTORE: cannot open or
 * migrate it (PostgreSQL: cannot connect); VIGIL_ENOMEM. */
int vigil_registry_open(vigil_registry **out, const char *url, vigil_error *err);
/* The same for commands that only read: a SQLite file that does not exist is VIGIL_ENOTFOUND
 * ("PATH: no such database") and is not created. */
int vigil_registry_open_existing(vigil_registry **out, const char *url, vigil_error *err);
void vigil_registry_close(vigil_registry *reg);
/* "sqlite" or "postgresql". */
const char *vigil_registry_backend(const vigil_registry *reg);
/* One line saying what the last successful change made through reg was, for the user
 * ("case 3 referred to R05, due 2026-10-11"); "" before any. */
const char *vigil_registry_last_change(const vigil_registry *reg);

/*
 * Keeping the registry (admins only; each call is an event of the audit log).
 * vigil_registry_backup: an online copy of a SQLite registry into dest, which must not exist:
 * one consistent snapshot taken while other processes go on writing, so the copy holds a
 * concurrent import either whole or not at all; written under a temporary name, synced, then
 * put in place. VIGIL_EINPUT for PostgreSQL (use pg_dump), VIGIL_EEXISTS when dest exists.
 * *bytes (may be NULL) gets the copy's size.
 * vigil_registry_check: the database's own checks (SQLite integrity and foreign keys), then the
 * audit chain replayed against the tables; fn gets one line per problem saying what is wrong
 * and how to repair it; *problems their number (0: sound).
 */
struct vigil_actor;
/* A handle shared by several users (vigil serve): on PostgreSQL the database applies its own
 * policy (row-level security, the helpers given current_user) to who from now on, SET ROLE to
 * who's role, which the handle's login must be allowed to take (an admin's login is); who NULL
 * goes back to the login's role. Nothing on SQLite, where the library's checks are the policy. */
int vigil_registry_act_as(vigil_registry *reg, const struct vigil_actor *who, vigil_error *err);
int vigil_registry_backup(vigil_registry *reg, const struct vigil_actor *who, const char *dest, uint64_t *bytes,
                          vigil_error *err);
int vigil_registry_check(vigil_registry *reg, const struct vigil_actor *who, vigil_problem_fn fn, void *ud,
                         uint64_t *problems, vigil_error *err);

#endif

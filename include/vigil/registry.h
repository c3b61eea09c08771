/*
 * The case registry's store: one handle over SQLite (a file path, the default) or
 * PostgreSQL ("postgres://..." or "postgresql://..."). The schema is created or
 * migrated on open. A handle belongs to one thread at a time.
 */
#ifndef VIGIL_REGISTRY_H
#define VIGIL_REGISTRY_H
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

#endif

/*
 * API keys: how machines (a hotline, a hosting provider) authenticate to `vigil serve`.
 * A key is 32 random bytes shown once when made; the registry keeps only its SHA-256
 * (a key has the entropy of a secret key, so no slow password hash is needed), who
 * holds it, what it may do (its scope) and when it was revoked. Adding and revoking are
 * admin changes, audited like every other; verifying reads only.
 * Codes: as in vigil/cases.h (VIGIL_ESTORE, VIGIL_ENOMEM from any call).
 */
#ifndef VIGIL_APIKEY_H
#define VIGIL_APIKEY_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "vigil/cases.h"
#include "vigil/error.h"
#include "vigil/registry.h"

/* "vk_" and 43 base64url characters, and the NUL. */
#define VIGIL_APIKEY_SIZE 47

typedef struct vigil_apikey_row {
    char name[64];
    char org[128];
    char scope[16];           /* "check": the hash-check service only */
    char prefix[12];          /* the key's first characters, to tell keys apart in a list */
    char created[24], created_by[64];
    char revoked[24];         /* "" while the key is valid */
    uint64_t requests, hashes; /* counted by the service, never the hashes themselves */
} vigil_apikey_row;

/* 1 for a scope the service knows ("check"), else 0. */
int vigil_apikey_scope_valid(const char *scope);
/* Make a key for org (admins only: VIGIL_EDENIED) and write it into key_out, the one time it is
 * ever seen. VIGIL_EINPUT for a bad name (1-63 letters, digits, '-', '_', '.'), an empty org or
 * one with a control character, an unknown scope; VIGIL_EEXISTS when the name is taken. */
int vigil_apikey_add(char key_out[VIGIL_APIKEY_SIZE], vigil_registry *reg, const vigil_actor *who,
                     const char *name, const char *org, const char *scope, vigil_error *err);
/* Every key, revoked ones included, by name (admins only); *out is owned by the caller (free()). */
int vigil_apikey_list(vigil_apikey_row **out, size_t *n, vigil_registry *reg, const vigil_actor *who,
                      vigil_error *err);
/* Revoke a key for good (admins only). VIGIL_ENOTFOUND for an unknown name, VIGIL_ESTATE when it
 * is revoked already. */
int vigil_apikey_revoke(vigil_registry *reg, const vigil_actor *who, const char *name, vigil_error *err);
/* The key's row when key is a valid key; VIGIL_EDENIED "unknown API key" (also for malformed
 * ones) or "API key 'NAME' is revoked". Writes nothing. */
int vigil_apikey_verify(vigil_apikey_row *out, vigil_registry *reg, const char *key, vigil_error *err);
/* Add to a key's counters of requests and hashes checked (the service's statistics). */
int vigil_apikey_count(vigil_registry *reg, const char *name, uint64_t requests, uint64_t hashes,
                       vigil_error *err);
/* The keys as JSON, the CLI's bytes (vigil apikey list --format json):
 * [{"name":..,"org":..,"scope":..,"prefix":..,"created":..,"created_by":..|null,"revoked":..|null,
 *   "requests":N,"hashes":N},..]. */
int vigil_apikeys_write_json(FILE *f, const vigil_apikey_row *v, size_t n, vigil_error *err);

#endif

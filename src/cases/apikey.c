/*
 * API keys of the hash-check service (vigil/apikey.h): made from 32 random bytes, stored as
 * the SHA-256 of the key text, listed, revoked, verified and counted.
 */
#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/reg.h"
#include "core/hex.h"
#include "vigil/apikey.h"

#define KEY_TAG "vk_"

int vigil_apikey_scope_valid(const char *scope)
{
    return scope && !strcmp(scope, "check");
}

static int name_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > 63)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && !strchr("-_.", s[i]))
            return 0;
    return 1;
}

static int org_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > 127)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return 0;
    return 1;
}

/* The stored form of a key: hex SHA-256 of its text. */
static void key_hash(char out[65], const char *key)
{
    uint8_t h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)key, strlen(key));
    vg_hex_encode(out, h, sizeof h);
}

static int key_make(char out[VIGIL_APIKEY_SIZE], vigil_error *err)
{
    uint8_t raw[32];
    if (sodium_init() < 0)
        return vigil_error_set(err, VIGIL_EINTERNAL, "apikey add: libsodium cannot start");
    randombytes_buf(raw, sizeof raw);
    memcpy(out, KEY_TAG, strlen(KEY_TAG));
    sodium_bin2base64(out + strlen(KEY_TAG), VIGIL_APIKEY_SIZE - strlen(KEY_TAG), raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
    return 0;
}

int vigil_apikey_add(char key_out[VIGIL_APIKEY_SIZE], vigil_registry *reg, const vigil_actor *who,
                     const char *name, const char *org, const char *scope, vigil_error *err)
{
    char now[24], hash[65], prefix[12], obj[80], detail[192];
    const char *p[7] = {name, org, scope, hash, prefix, now, who->name};
    int64_t id;
    int rc;
    key_out[0] = '\0';
    if ((rc = vg_policy_check(who, VG_ACT_ADMIN, 0, "apikey add", err)) < 0)
        return rc;
    if (!name_ok(name))
        return vigil_error_set(err, VIGIL_EINPUT, "API key name '%s': use 1-63 letters, digits, '-', '_' or '.'",
                               name ? name : "");
    if (!org_ok(org))
        return vigil_error_set(err, VIGIL_EINPUT, "API key %s: --org needs 1-127 characters, no control characters",
                               name);
    if (!vigil_apikey_scope_valid(scope))
        return vigil_error_set(err, VIGIL_EINPUT, "API key %s: unknown scope '%s' (check)", name, scope ? scope : "");
    if ((rc = key_make(key_out, err)) < 0)
        return rc;
    key_hash(hash, key_out);
    snprintf(prefix, sizeof prefix, "%.10s", key_out);
    vg_iso(now, vg_now());
    if ((rc = vg_db_begin(reg->db, err)) < 0)
        return rc;
    rc = vg_db_insert(reg->db, &id, "INSERT INTO api_keys(name, org, scope, key_hash, prefix, created_at, created_by,"
                      " requests, hashes) VALUES(?, ?, ?, ?, ?, ?, ?, 0, 0)", p, 7, err);
    if (rc == VIGIL_EEXISTS)
        vigil_error_set(err, VIGIL_EEXISTS, "API key '%s' already exists", name);
    snprintf(obj, sizeof obj, "apikey:%s", name);
    snprintf(detail, sizeof detail, "org=%s scope=%s", org, scope);
    if (rc == 0)
        rc = vg_reg_audit(reg, who, "apikey.add", obj, detail, 0, err);
    if (rc == 0 && (rc = vg_db_commit(reg->db, err)) == 0) {
        snprintf(reg->last_change, sizeof reg->last_change, "API key %s added for %s (scope %s)", name, org, scope);
        return 0;
    }
    vg_db_rollback(reg->db);
    sodium_memzero(key_out, VIGIL_APIKEY_SIZE);
    return rc;
}

static void row_from(vigil_apikey_row *k, const vg_rows *r, size_t i)
{
    const char *revoked = vg_cell(r, i, 6);
    memset(k, 0, sizeof *k);
    snprintf(k->name, sizeof k->name, "%s", vg_cell(r, i, 0));
    snprintf(k->org, sizeof k->org, "%s", vg_cell(r, i, 1));
    snprintf(k->scope, sizeof k->scope, "%s", vg_cell(r, i, 2));
    snprintf(k->prefix, sizeof k->prefix, "%s", vg_cell(r, i, 3));
    snprintf(k->created, sizeof k->created, "%s", vg_cell(r, i, 4));
    snprintf(k->created_by, sizeof k->created_by, "%s", vg_cell(r, i, 5) ? vg_cell(r, i, 5) : "");
    snprintf(k->revoked, sizeof k->revoked, "%s", revoked ? revoked : "");
    k->requests = (uint64_t)vg_cell_i64(r, i, 7);
    k->hashes = (uint64_t)vg_cell_i64(r, i, 8);
}

#define KEY_COLS "name, org, scope, prefix, created_at, created_by, revoked_at, requests, hashes"

int vigil_apikey_list(vigil_apikey_row **out, size_t *n, vigil_registry *reg, const vigil_actor *who,
                      vigil_error *err)
{
    vg_rows r;
    int rc;
    *out = NULL;
    *n = 0;
    if ((rc = vg_policy_check(who, VG_ACT_ADMIN, 0, "apikey list", err)) < 0)
        return rc;
    if ((rc = vg_db_query(reg->db, &r, "SELECT " KEY_COLS " FROM api_keys ORDER BY name", NULL, 0, err)) < 0)
        return rc;
    if (r.nrows && !(*out = calloc(r.nrows, sizeof **out))) {
        vg_rows_free(&r);
        return vigil_error_set(err, VIGIL_ENOMEM, "apikey list: out of memory");
    }
    for (size_t i = 0; i < r.nrows; i++)
        row_from(&(*out)[i], &r, i);
    *n = r.nrows;
    vg_rows_free(&r);
    return 0;
}

int vigil_apikey_revoke(vigil_registry *reg, const vigil_actor *who, const char *name, vigil_error *err)
{
    char now[24], obj[80];
    const char *p[3] = {now, who->name, name};
    int64_t changed = 0, exists = 0;
    int rc;
    if ((rc = vg_policy_check(who, VG_ACT_ADMIN, 0, "apikey revoke", err)) < 0)
        return rc;
    vg_iso(now, vg_now());
    if ((rc = vg_db_begin(reg->db, err)) < 0)
        return rc;
    rc = vg_db_exec(reg->db, "UPDATE api_keys SET revoked_at = ?, revoked_by = ? WHERE name = ? AND revoked_at IS NULL",
                    p, 3, &changed, err);
    if (rc == 0 && changed == 0) {
        if ((rc = vg_db_int(reg->db, &exists, "SELECT count(*) FROM api_keys WHERE name = ?", p + 2, 1, err)) == 0)
            rc = exists ? vigil_error_set(err, VIGIL_ESTATE, "API key '%s' is revoked already", name)
                        : vigil_error_set(err, VIGIL_ENOTFOUND, "unknown API key '%s'", name);
    }
    snprintf(obj, sizeof obj, "apikey:%s", name);
    if (rc == 0)
        rc = vg_reg_audit(reg, who, "apikey.revoke", obj, NULL, 0, err);
    if (rc == 0 && (rc = vg_db_commit(reg->db, err)) == 0) {
        snprintf(reg->last_change, sizeof reg->last_change, "API key %s revoked", name);
        return 0;
    }
    vg_db_rollback(reg->db);
    return rc;
}

int vigil_apikey_verify(vigil_apikey_row *out, vigil_registry *reg, const char *key, vigil_error *err)
{
    char hash[65];
    const char *p[1] = {hash};
    size_t n = key ? strlen(key) : 0;
    vg_rows r;
    int rc;
    memset(out, 0, sizeof *out);
    if (n != VIGIL_APIKEY_SIZE - 1 || strncmp(key, KEY_TAG, strlen(KEY_TAG)))
        return vigil_error_set(err, VIGIL_EDENIED, "unknown API key");
    key_hash(hash, key);
    if ((rc = vg_db_query(reg->db, &r, "SELECT " KEY_COLS " FROM api_keys WHERE key_hash = ?", p, 1, err)) < 0)
        return rc;
    if (r.nrows)
        row_from(out, &r, 0);
    rc = r.nrows ? 0 : vigil_error_set(err, VIGIL_EDENIED, "unknown API key");
    vg_rows_free(&r);
    if (rc == 0 && out->revoked[0])
        rc = vigil_error_set(err, VIGIL_EDENIED, "API key '%s' is revoked", out->name);
    return rc;
}

int vigil_apikey_count(vigil_registry *reg, const char *name, uint64_t requests, uint64_t hashes, vigil_error *err)
{
    char rq[24], hs[24];
    const char *p[3] = {rq, hs, name};
    snprintf(rq, sizeof rq, "%llu", (unsigned long long)requests);
    snprintf(hs, sizeof hs, "%llu", (unsigned long long)hashes);
    return vg_db_exec(reg->db, "UPDATE api_keys SET requests = requests + ?, hashes = hashes + ? WHERE name = ?", p, 3,
                      NULL, err);
}

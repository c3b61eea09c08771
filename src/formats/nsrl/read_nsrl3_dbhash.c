/*
 * The dbhash of an SQLite database, as SQLite's dbhash tool defines it and
 * NIST publishes it for the database after each RDSv3 delta: one SHA-1 over
 * the rows of every ordinary table (by name, case-insensitive; sqlite_*
 * tables and virtual tables left out), then over the schema rows (type, name,
 * tbl_name, sql). Each value is hashed as a type tag then its bytes: "0" for
 * NULL, "1" and 8 big-endian bytes for an integer, "2" and the 8 big-endian
 * bytes of a double, "3" and the text, "4" and the blob.
 */
#include <openssl/evp.h>
#include <string.h>

#include "core/hex.h"
#include "formats/nsrl/read_nsrl3_int.h"

static void hash_u64(EVP_MD_CTX *md, char tag, uint64_t u)
{
    uint8_t x[9];
    x[0] = (uint8_t)tag;
    for (int j = 8; j >= 1; j--) {
        x[j] = (uint8_t)(u & 0xff);
        u >>= 8;
    }
    EVP_DigestUpdate(md, x, sizeof x);
}

/* Every value of every row of sql, in the order SQLite returns them. */
static int hash_query(EVP_MD_CTX *md, sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL), ncol;
    if (rc != SQLITE_OK)
        return rc;
    ncol = sqlite3_column_count(st);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        for (int i = 0; i < ncol; i++) {
            switch (sqlite3_column_type(st, i)) {
            case SQLITE_NULL:
                EVP_DigestUpdate(md, "0", 1);
                break;
            case SQLITE_INTEGER:
                hash_u64(md, '1', (uint64_t)sqlite3_column_int64(st, i));
                break;
            case SQLITE_FLOAT: {
                double d = sqlite3_column_double(st, i);
                uint64_t u;
                memcpy(&u, &d, sizeof u);
                hash_u64(md, '2', u);
                break;
            }
            case SQLITE_TEXT: {
                const unsigned char *t = sqlite3_column_text(st, i);
                EVP_DigestUpdate(md, "3", 1);
                EVP_DigestUpdate(md, t, (size_t)sqlite3_column_bytes(st, i));
                break;
            }
            default: {
                const void *b = sqlite3_column_blob(st, i);
                EVP_DigestUpdate(md, "4", 1);
                EVP_DigestUpdate(md, b, (size_t)sqlite3_column_bytes(st, i));
                break;
            }
            }
        }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

int vg_nsrl3_dbhash(char out[41], sqlite3 *db, const char *label, vigil_error *err)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    sqlite3_stmt *tables = NULL;
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    int rc;
    if (!md || !EVP_DigestInit_ex(md, EVP_sha1(), NULL)) {
        EVP_MD_CTX_free(md);
        return vigil_error_set(err, VIGIL_EINTERNAL, "%s: SHA-1 unavailable", label);
    }
    rc = sqlite3_prepare_v2(db,
                            "SELECT name FROM sqlite_schema WHERE type = 'table' "
                            "AND sql NOT LIKE 'CREATE VIRTUAL%' AND name NOT LIKE 'sqlite_%' "
                            "ORDER BY name COLLATE nocase", -1, &tables, NULL);
    while (rc == SQLITE_OK && sqlite3_step(tables) == SQLITE_ROW) {
        char *sql = sqlite3_mprintf("SELECT * FROM \"%w\"", (const char *)sqlite3_column_text(tables, 0));
        rc = sql ? hash_query(md, db, sql) : SQLITE_NOMEM;
        sqlite3_free(sql);
    }
    sqlite3_finalize(tables);
    if (rc == SQLITE_OK)
        rc = hash_query(md, db, "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name COLLATE nocase");
    if (rc != SQLITE_OK) {
        EVP_MD_CTX_free(md);
        return vigil_error_set(err, VIGIL_EINPUT, "%s: computing dbhash: %s", label, sqlite3_errmsg(db));
    }
    EVP_DigestFinal_ex(md, digest, &n);
    EVP_MD_CTX_free(md);
    vg_hex_encode(out, digest, 20);
    return 0;
}

/*
 * Fuzz target: the NSRL RDSv3 reader (SQLite database, delta script, CSV
 * export), bytes through a scratch file; a delta is applied to a copy of a
 * small base made once. Slow per input (SQLite opens a file each time); a
 * crash, a sanitizer report, a record without a digest or an error without a
 * message is a finding.
 */
#include <sqlite3.h>
#include <stdint.h>

#include "hs_fuzz_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char base_path[512];

static void remove_base(void)
{
    unlink(base_path);
}

static const char *make_base(void)
{
    sqlite3 *db = NULL;
    const char *tmp = getenv("TMPDIR");
    if (base_path[0])
        return base_path;
    snprintf(base_path, sizeof base_path, "%s/vigil-fuzz-base-%ld.db", tmp && *tmp ? tmp : "/tmp", (long)getpid());
    unlink(base_path);
    if (sqlite3_open(base_path, &db) != SQLITE_OK ||
        sqlite3_exec(db,
                     "CREATE TABLE FILE (sha256 VARCHAR NOT NULL, sha1 VARCHAR NOT NULL, md5 VARCHAR NOT NULL,"
                     " crc32 VARCHAR NOT NULL, file_name VARCHAR NOT NULL, file_size INTEGER NOT NULL,"
                     " package_id INTEGER NOT NULL);"
                     "CREATE TABLE VERSION (version VARCHAR, build_set VARCHAR, build_date TIMESTAMP,"
                     " release_date TIMESTAMP, description VARCHAR);"
                     "CREATE TABLE PKG (package_id INTEGER, name VARCHAR);"
                     "INSERT INTO FILE VALUES ('815525CFD9B92F4D6707F74459FFC157949043623F12F383596EE7919A6277DE',"
                     " '22AB8AB629B6B986C98613382C44C02FBFFAFB6B', '2B995E16D04DF2E25AC7FED9FB77EA2C', '19EDBD18',"
                     " 'hello.txt', 13, 1);"
                     "INSERT INTO VERSION VALUES ('1', 'fuzz', '', '', '');",
                     NULL, NULL, NULL) != SQLITE_OK)
        abort();
    sqlite3_close(db);
    atexit(remove_base);
    return base_path;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_read(VIGIL_FORMAT_NSRL_RDSV3, data, size, ".db", make_base());
    return 0;
}

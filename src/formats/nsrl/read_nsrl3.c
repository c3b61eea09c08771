/*
 * NSRL RDSv3 as SQLite: opened read-only (immutable on read-only media), the
 * layout told from sqlite_master, columns found by name, and the digests
 * streamed once with one cursor: no DISTINCT, no WHERE on digests (nothing is
 * indexed; deduplication is the index's job). hashset-formats.md, section 3.
 */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "core/buf.h"
#include "formats/formats.h"
#include "formats/nsrl/read_nsrl.h"
#include "formats/nsrl/read_nsrl3_int.h"
#include "formats/list_fields.h"

static const char SQLITE_MAGIC[16] = "SQLite format 3";

#define PROGRESS_EVERY 65536

enum { COL_SHA256, COL_SHA1, COL_MD5, COL_SIZE, COL_NAME, COL_ROWID, NCOLS };

/* What one layout reads: which table, its columns, how rows are named in messages. */
typedef struct layout {
    const char *table;
    const char *size_col;
    int full;               /* digests in METADATA; names joined with extension */
    char have[NCOLS];
    int has_extension;
} layout;

static int table_has(sqlite3 *db, const char *table, const char *col, int *found, vigil_error *err,
                     const char *label)
{
    sqlite3_stmt *st = NULL;
    char *sql = sqlite3_mprintf("PRAGMA table_info(\"%w\")", table);
    int rc;
    *found = 0;
    rc = sql ? sqlite3_prepare_v2(db, sql, -1, &st, NULL) : SQLITE_NOMEM;
    sqlite3_free(sql);
    if (rc != SQLITE_OK)
        return vigil_error_set(err, VIGIL_EINPUT, "%s: %s", label, sqlite3_errmsg(db));
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 1);
        if (name && !sqlite3_stricmp(name, col))
            *found = 1;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return vigil_error_set(err, VIGIL_EINPUT, "%s: %s", label, sqlite3_errmsg(db));
    return 0;
}

/* "table", "view" or "" for the object called name (SQLite names ignore case). */
static int object_type(sqlite3 *db, const char *name, char *type, size_t tsz, const char *label, vigil_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db,
                                "SELECT type FROM sqlite_master WHERE name = ?1 COLLATE NOCASE "
                                "AND type IN ('table', 'view')", -1, &st, NULL);
    type[0] = '\0';
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW)
            snprintf(type, tsz, "%s", (const char *)sqlite3_column_text(st, 0));
        if (rc == SQLITE_ROW || rc == SQLITE_DONE)
            rc = SQLITE_OK;
    }
    if (rc != SQLITE_OK) {
        int code = sqlite3_errcode(db);
        rc = vigil_error_set(err, VIGIL_EINPUT, "%s: %s%s", label,
                             code == SQLITE_NOTADB ? "not an SQLite database: " : "", sqlite3_errmsg(db));
    }
    sqlite3_finalize(st);
    return rc;
}

/* The first tables of the file, for the message that says this is not NSRL. */
static void list_tables(sqlite3 *db, char *out, size_t n)
{
    sqlite3_stmt *st = NULL;
    size_t at = 0;
    out[0] = '\0';
    if (sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
                               "ORDER BY name LIMIT 12", -1, &st, NULL) == SQLITE_OK)
        while (sqlite3_step(st) == SQLITE_ROW && at + 2 < n) {
            int k = snprintf(out + at, n - at, "%s%s", at ? ", " : "", (const char *)sqlite3_column_text(st, 0));
            if (k < 0)
                break;
            at += (size_t)k < n - at ? (size_t)k : n - at - 1;
        }
    sqlite3_finalize(st);
    if (!out[0])
        snprintf(out, n, "none");
}

static int find_layout(layout *l, sqlite3 *db, const char *label, vigil_error *err)
{
    static const char *const digest_cols[] = {"sha256", "sha1", "md5"};
    char type[16], tables[256];
    int rc, found;
    memset(l, 0, sizeof *l);
    if ((rc = object_type(db, "FILE", type, sizeof type, label, err)) < 0)
        return rc;
    if (!type[0]) {
        list_tables(db, tables, sizeof tables);
        return vigil_error_set(err, VIGIL_EINPUT,
                               "%s: SQLite database but not an NSRL RDSv3 set: expected a FILE table "
                               "(minimal layout) or a FILE view over METADATA (full layout), with PKG, OS, "
                               "MFG and VERSION; found %s", label, tables);
    }
    if (!strcmp(type, "table")) {
        l->table = "FILE";
        l->size_col = "file_size";
    } else {
        if ((rc = object_type(db, "METADATA", type, sizeof type, label, err)) < 0)
            return rc;
        if (strcmp(type, "table"))
            return vigil_error_set(err, VIGIL_EINPUT,
                                   "%s: unknown NSRL RDSv3 layout: FILE is a view but there is no METADATA "
                                   "table to read the digests from", label);
        l->table = "METADATA";
        l->size_col = "bytes";
        l->full = 1;
        if ((rc = table_has(db, "METADATA", "extension", &l->has_extension, err, label)) < 0)
            return rc;
    }
    for (int i = 0; i < 3; i++) {
        if ((rc = table_has(db, l->table, digest_cols[i], &found, err, label)) < 0)
            return rc;
        l->have[COL_SHA256 + i] = (char)found;
    }
    if (!l->have[COL_SHA256] && !l->have[COL_SHA1] && !l->have[COL_MD5])
        return vigil_error_set(err, VIGIL_EINPUT,
                               "%s: unknown NSRL RDSv3 layout: %s has none of the columns sha256, sha1, md5",
                               label, l->table);
    if ((rc = table_has(db, l->table, l->size_col, &found, err, label)) < 0)
        return rc;
    l->have[COL_SIZE] = (char)found;
    if ((rc = table_has(db, l->table, "file_name", &found, err, label)) < 0)
        return rc;
    l->have[COL_NAME] = (char)found;
    return 0;
}

static void emit_meta(sqlite3 *db, const vg_hs_sink *sink, const layout *l)
{
    static const char *const keys[] = {"version", "build_set", "release_date"};
    sqlite3_stmt *st = NULL;
    char type[16];
    vigil_error ignored;
    if (!sink->meta)
        return;
    sink->meta(sink->ud, "layout", l->full ? "full" : "minimal");
    if (object_type(db, "VERSION", type, sizeof type, "", &ignored) < 0 || !type[0])
        return;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        int found = 0;
        char *sql;
        if (table_has(db, "VERSION", keys[i], &found, &ignored, "") < 0 || !found)
            continue;
        sql = sqlite3_mprintf("SELECT \"%w\" FROM VERSION LIMIT 1", keys[i]);
        if (sql && sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
            sqlite3_column_text(st, 0))
            sink->meta(sink->ud, keys[i], (const char *)sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
        st = NULL;
        sqlite3_free(sql);
    }
}

/* "FILE row 123" without printf: this runs once per row of a set of hundreds of millions. */
static void set_where(char *dst, const char *prefix, size_t plen, uint64_t n)
{
    char digits[24];
    int k = 0;
    memcpy(dst, prefix, plen);
    do {
        digits[k++] = (char)('0' + n % 10);
        n /= 10;
    } while (n);
    while (k)
        dst[plen++] = digits[--k];
    dst[plen] = '\0';
}

/* One digest column: 1 decoded, 0 absent, -1 bad (why filled). */
static int digest_col(uint8_t *out, size_t nbytes, sqlite3_stmt *st, int col, const char *what, char *why,
                      size_t whysz)
{
    int type = sqlite3_column_type(st, col);
    const char *t;
    if (type == SQLITE_NULL)
        return 0;
    if (type == SQLITE_BLOB && (size_t)sqlite3_column_bytes(st, col) == nbytes) {
        memcpy(out, sqlite3_column_blob(st, col), nbytes);
        return 1;
    }
    t = (const char *)sqlite3_column_text(st, col);
    if ((size_t)sqlite3_column_bytes(st, col) == 2 * nbytes && t && vg_hs_hex(out, t, nbytes) == 0)
        return 1; /* the common case, without trimming */
    return vg_hs_digest_field(out, nbytes, t ? t : "", t ? (size_t)sqlite3_column_bytes(st, col) : 0, what, why,
                              whysz);
}

static char *select_sql(const layout *l, int with_rowid)
{
    const char *name = !l->have[COL_NAME] ? "NULL"
                       : l->has_extension ? "CASE WHEN extension IS NULL OR extension = '' THEN file_name "
                                            "ELSE file_name || '.' || extension END"
                                          : "file_name";
    return sqlite3_mprintf("SELECT %s, %s, %s, %s, %s%s FROM \"%w\"", l->have[COL_SHA256] ? "sha256" : "NULL",
                           l->have[COL_SHA1] ? "sha1" : "NULL", l->have[COL_MD5] ? "md5" : "NULL",
                           l->have[COL_SIZE] ? l->size_col : "NULL", name, with_rowid ? ", rowid" : "", l->table);
}

/* One integer from a query, or 0. */
static int64_t query_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    int64_t v = 0;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/*
 * For a progress bar: the database's bytes, and the largest rowid (read from
 * the end of the table's B-tree, no scan) to turn rows read into bytes.
 */
static void progress_scale(sqlite3 *db, const layout *l, uint64_t *bytes, uint64_t *rows)
{
    char *sql = sqlite3_mprintf("SELECT max(rowid) FROM \"%w\"", l->table);
    *bytes = (uint64_t)query_int(db, "PRAGMA page_count") * (uint64_t)query_int(db, "PRAGMA page_size");
    *rows = sql ? (uint64_t)query_int(db, sql) : 0;
    sqlite3_free(sql);
}

int vg_nsrl3_stream(sqlite3 *db, const char *label, const vg_hs_sink *sink, vigil_error *err)
{
    layout l;
    sqlite3_stmt *st = NULL;
    vg_hs_record r;
    char why[200];
    const char *prefix;
    size_t plen;
    uint64_t row = 0, bytes = 0, rows = 0;
    char *sql;
    int rc, with_rowid;
    if ((rc = find_layout(&l, db, label, err)) < 0)
        return rc;
    emit_meta(db, sink, &l);
    if (sink->progress)
        progress_scale(db, &l, &bytes, &rows);
    with_rowid = l.full;
    sql = select_sql(&l, with_rowid);
    rc = sql ? sqlite3_prepare_v2(db, sql, -1, &st, NULL) : SQLITE_NOMEM;
    sqlite3_free(sql);
    if (rc != SQLITE_OK && l.full) {
        /* a METADATA WITHOUT ROWID: rows are named by their place in the scan instead */
        with_rowid = 0;
        sql = select_sql(&l, 0);
        rc = sql ? sqlite3_prepare_v2(db, sql, -1, &st, NULL) : SQLITE_NOMEM;
        sqlite3_free(sql);
    }
    if (rc != SQLITE_OK)
        return vigil_error_set(err, VIGIL_EINPUT, "%s: cannot read %s: %s", label, l.table, sqlite3_errmsg(db));
    prefix = with_rowid ? "METADATA rowid " : l.full ? "METADATA row " : "FILE row ";
    plen = strlen(prefix);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int a, b, c;
        if (++row % PROGRESS_EVERY == 0 && sink->progress && rows)
            sink->progress(sink->ud, row < rows ? (uint64_t)((double)bytes * (double)row / (double)rows) : bytes,
                           bytes);
        vg_hs_record_clear(&r);
        set_where(r.where, prefix, plen, with_rowid ? (uint64_t)sqlite3_column_int64(st, COL_ROWID) : row);
        why[0] = '\0';
        a = digest_col(r.sha256, 32, st, COL_SHA256, "sha256", why, sizeof why);
        b = a < 0 ? 0 : digest_col(r.sha1, 20, st, COL_SHA1, "sha1", why, sizeof why);
        c = a < 0 || b < 0 ? 0 : digest_col(r.md5, 16, st, COL_MD5, "md5", why, sizeof why);
        if (a < 0 || b < 0 || c < 0 || (a == 0 && b == 0 && c == 0)) {
            if (!why[0])
                snprintf(why, sizeof why, "no digest in the row");
            if ((rc = sink->reject(sink->ud, r.where, why, err)) < 0)
                break;
            continue;
        }
        r.has_sha256 = a > 0;
        r.has_sha1 = b > 0;
        r.has_md5 = c > 0;
        if (sqlite3_column_type(st, COL_SIZE) == SQLITE_INTEGER) {
            sqlite3_int64 sz = sqlite3_column_int64(st, COL_SIZE);
            r.size = sz >= 0 ? sz : -1;
        } else if (sqlite3_column_type(st, COL_SIZE) == SQLITE_TEXT) {
            r.size = vg_hs_size_field((const char *)sqlite3_column_text(st, COL_SIZE),
                                      (size_t)sqlite3_column_bytes(st, COL_SIZE));
        }
        if (sqlite3_column_type(st, COL_NAME) != SQLITE_NULL) {
            r.name = (const char *)sqlite3_column_text(st, COL_NAME);
            r.name_len = (size_t)sqlite3_column_bytes(st, COL_NAME);
        }
        if ((rc = sink->record(sink->ud, &r, err)) < 0)
            break;
    }
    if (rc == SQLITE_DONE) {
        rc = 0;
        if (sink->progress)
            sink->progress(sink->ud, bytes, bytes);
    } else if (rc > 0) {
        char where[64];
        set_where(where, prefix, plen, row + 1);
        rc = vigil_error_set(err, VIGIL_EINPUT, "%s:%s: %s", label, where, sqlite3_errmsg(db));
    }
    sqlite3_finalize(st);
    return rc;
}

/* file:PATH?mode=ro with the path percent-encoded, as SQLite URIs want it. */
static char *ro_uri(const char *path, int immutable)
{
    vg_buf b;
    vg_buf_init(&b, 1 << 16);
    vg_buf_adds(&b, "file:");
    while (path[0] == '/' && path[1] == '/')
        path++; /* "file://" would start an authority */
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("/-._~", *p))
            vg_buf_addc(&b, (char)*p);
        else
            vg_buf_addf(&b, "%%%02X", *p);
    }
    vg_buf_adds(&b, immutable ? "?mode=ro&immutable=1" : "?mode=ro");
    return vg_buf_detach(&b, NULL);
}

/*
 * Read-only media, or a file or directory we may not write (write bits off
 * count too: root passes access() regardless): nothing will change the file,
 * and SQLite could not make its lock or journal files there.
 */
static int not_writable(const char *p)
{
    struct stat sb;
    struct statvfs vfs;
    return access(p, W_OK) != 0 || (stat(p, &sb) == 0 && !(sb.st_mode & 0222)) ||
           (statvfs(p, &vfs) == 0 && (vfs.f_flag & ST_RDONLY));
}

static int on_readonly_media(const char *path)
{
    char *copy = strdup(path);
    int ro = not_writable(path);
    if (copy) {
        ro = ro || not_writable(dirname(copy));
        free(copy);
    }
    return ro;
}

static int open_ro(sqlite3 **out, const char *path, const char *label, vigil_error *err)
{
    char *uri = ro_uri(path, on_readonly_media(path));
    int rc;
    *out = NULL;
    if (!uri)
        return vigil_error_set(err, VIGIL_ENOMEM, "%s: out of memory", label);
    /* one thread uses the connection: no per-call mutex (it was an eighth of the scan) */
    rc = sqlite3_open_v2(uri, out, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, NULL);
    free(uri);
    if (rc != SQLITE_OK) {
        rc = vigil_error_set(err, VIGIL_EINPUT, "%s: cannot open as SQLite: %s", label,
                             *out ? sqlite3_errmsg(*out) : "out of memory");
        sqlite3_close(*out);
        *out = NULL;
        return rc;
    }
    /*
     * One sequential pass over the table: a page is read once, so a large
     * cache or a memory map buys nothing (measured: same rows/s on 20M rows,
     * but mmap put 2 GiB of the file in the resident set). Writes forbidden.
     */
    sqlite3_exec(*out, "PRAGMA query_only = 1; PRAGMA mmap_size = 0; PRAGMA cache_size = -8192;",
                 NULL, NULL, NULL);
    return 0;
}

int vg_nsrl3_is_delta(const uint8_t *p, size_t n)
{
    static const char *const verbs[] = {"INSERT INTO ", "UPDATE ", "DELETE FROM "};
    static const char *const tables[] = {"FILE", "PKG", "OS", "MFG", "VERSION", "METADATA", "PACKAGE_OBJECT",
                                         "APPLICATION", "OPERATING_SYSTEM", "MANUFACTURER", "LANGUAGE"};
    static const char begin[] = "BEGIN TRANSACTION;";
    if (n < sizeof begin - 1 || memcmp(p, begin, sizeof begin - 1))
        return 0;
    for (size_t v = 0; v < 3; v++) {
        size_t k = strlen(verbs[v]);
        for (const uint8_t *at = p; (at = memmem(at, n - (size_t)(at - p), verbs[v], k)); at += k) {
            const uint8_t *name = at + k;
            size_t left = n - (size_t)(name - p);
            for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++) {
                size_t tl = strlen(tables[t]);
                if (left > tl && !memcmp(name, tables[t], tl) &&
                    (name[tl] == ' ' || name[tl] == '(' || name[tl] == ';'))
                    return 1;
            }
        }
    }
    return 0;
}

int vg_hs_detect_nsrl3(const uint8_t *p, size_t n)
{
    static const char *const file_objects[] = {"CREATE TABLE FILE ", "CREATE TABLE FILE(", "CREATE VIEW FILE ",
                                               "CREATE TABLE \"FILE\"", "CREATE VIEW \"FILE\""};
    if (n >= sizeof SQLITE_MAGIC && !memcmp(p, SQLITE_MAGIC, sizeof SQLITE_MAGIC)) {
        /* The schema's SQL text sits in the first pages; page 1 holds sqlite_master. */
        for (size_t i = 0; i < sizeof file_objects / sizeof file_objects[0]; i++)
            if (memmem(p, n, file_objects[i], strlen(file_objects[i])))
                return 1;
        /*
         * Page 1 a leaf (0x0D): the whole schema was in view and has no FILE.
         * An interior page (0x05): the schema goes on in pages beyond the head,
         * so the reader decides, and says clearly when it is not NSRL.
         */
        return n > 100 && p[100] == 0x05;
    }
    return vg_nsrl3_is_csv_header(p, n) || vg_nsrl3_is_delta(p, n);
}

int vg_hs_read_nsrl3(int fd, const char *path, const vg_hs_read_opts *o, const vg_hs_sink *sink,
                     vigil_error *err)
{
    const char *label = o && o->label ? o->label : path;
    uint8_t head[512];
    ssize_t n = pread(fd, head, sizeof head, 0);
    size_t bom;
    sqlite3 *db = NULL;
    int rc;
    if (n < 0)
        return vigil_error_set(err, VIGIL_EINPUT, "%s: %s", label, strerror(errno));
    bom = vg_hs_bom_len(head, (size_t)n);
    if ((size_t)n >= sizeof SQLITE_MAGIC && !memcmp(head, SQLITE_MAGIC, sizeof SQLITE_MAGIC)) {
        if ((rc = open_ro(&db, path, label, err)) < 0)
            return rc;
        rc = vg_nsrl3_stream(db, label, sink, err);
        sqlite3_close(db);
        return rc;
    }
    if (vg_nsrl3_is_delta(head + bom, (size_t)n - bom))
        return vg_nsrl3_read_delta(fd, path, label, o ? o->base : NULL, sink, err);
    if (vg_nsrl3_is_csv_header(head + bom, (size_t)n - bom))
        return vg_nsrl3_read_csv(fd, label, sink, err);
    return vigil_error_set(err, VIGIL_EINPUT,
                           "%s: not an NSRL RDSv3 set: neither an SQLite database, a delta script "
                           "(BEGIN TRANSACTION; ...) nor the CSV export (sha256,sha1,md5,crc32,file_name,...)",
                           label);
}

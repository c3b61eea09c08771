/*
 * Importing hash lists into the store. Each file is parsed line by line inside
 * its own savepoint, so a malformed line (in strict mode) leaves nothing of
 * that file behind; the whole import is one transaction, and the match index
 * is rebuilt once at the end.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/hex.h"
#include "hashset/parse_lines.h"
#include "hashset/store_int.h"
#include "vigil/digest.h"
#include "vigil/index.h"

#define MAX_LINE (1 << 20)

static const char *kind_names[VIGIL_KIND__COUNT] = {"illegal", "interest", "benign"};

const char *vigil_hashset_kind_name(vigil_hashset_kind k)
{
    return (unsigned)k < VIGIL_KIND__COUNT ? kind_names[k] : "?";
}

int vigil_hashset_kind_parse(vigil_hashset_kind *out, const char *s)
{
    for (int i = 0; i < VIGIL_KIND__COUNT; i++)
        if (!strcmp(s, kind_names[i])) {
            *out = (vigil_hashset_kind)i;
            return 0;
        }
    return VIGIL_EUSAGE;
}

/* The entry's identity within a set: which digests it has, then their bytes. */
static size_t make_dkey(uint8_t *key, const vg_hash_record *r)
{
    size_t n = 1;
    key[0] = (uint8_t)(r->has_md5 | r->has_sha1 << 1 | r->has_sha256 << 2 | r->has_pdq << 3);
    if (r->has_md5)
        memcpy(key + n, r->md5, 16), n += 16;
    if (r->has_sha1)
        memcpy(key + n, r->sha1, 20), n += 20;
    if (r->has_sha256)
        memcpy(key + n, r->sha256, 32), n += 32;
    if (r->has_pdq)
        memcpy(key + n, r->pdq, 32), n += 32;
    return n;
}

typedef struct import_ctx {
    vigil_store *st;
    sqlite3_stmt *ins;
    int64_t set_id;
    const vigil_import_opts *opts;
    vigil_import_stats *stats;
} import_ctx;

static void bind_digest(sqlite3_stmt *s, int col, int has, const uint8_t *d, int n)
{
    if (has)
        sqlite3_bind_blob(s, col, d, n, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s, col);
}

static int store_record(import_ctx *c, const vg_hash_record *r, uint64_t lineno, vigil_error *err)
{
    uint8_t key[101];
    sqlite3_stmt *s = c->ins;
    sqlite3_reset(s);
    sqlite3_bind_int64(s, 1, c->set_id);
    sqlite3_bind_blob(s, 2, key, (int)make_dkey(key, r), SQLITE_TRANSIENT);
    bind_digest(s, 3, r->has_md5, r->md5, 16);
    bind_digest(s, 4, r->has_sha1, r->sha1, 20);
    bind_digest(s, 5, r->has_sha256, r->sha256, 32);
    if (r->size >= 0)
        sqlite3_bind_int64(s, 6, r->size);
    else
        sqlite3_bind_null(s, 6);
    if (r->name)
        sqlite3_bind_blob(s, 7, r->name, (int)r->name_len, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s, 7);
    sqlite3_bind_int64(s, 8, (sqlite3_int64)lineno);
    bind_digest(s, 9, r->has_pdq, r->pdq, 32);
    if (r->has_pdq && r->pdq_quality >= 0)
        sqlite3_bind_int(s, 10, r->pdq_quality);
    else
        sqlite3_bind_null(s, 10);
    if (sqlite3_step(s) != SQLITE_DONE)
        return vigil_error_set(err, VIGIL_ESTORE, "%s: storing entry: %s", c->st->path,
                               sqlite3_errmsg(c->st->db));
    if (sqlite3_changes(c->st->db) == 0)
        c->stats->duplicates++;
    else
        c->stats->added++;
    return 0;
}

/*
 * Parse one stream of lines. store may be NULL (parse only). Fills stats and
 * returns 0, or VIGIL_EINPUT with "label:line: why".
 */
typedef int (*record_fn)(void *ud, const vg_hash_record *r, uint64_t lineno, vigil_error *err);

static int parse_stream(vigil_import_stats *stats, FILE *f, const char *label, vigil_hashset_format format,
                        int lenient, record_fn on_record, void *ud,
                        void (*on_reject)(const char *, void *), void *reject_ud, vigil_error *err)
{
    vg_lines p;
    vg_hash_record rec;
    char *line = NULL, why[256];
    size_t cap = 0;
    ssize_t n;
    int rc = 0;
    vg_lines_init(&p, format);
    while ((n = getline(&line, &cap, f)) >= 0) {
        int r;
        if ((size_t)n > MAX_LINE || memchr(line, '\0', (size_t)n)) {
            snprintf(why, sizeof why, "%s", n > MAX_LINE ? "line longer than 1 MiB" : "binary data (NUL byte)");
            p.lineno++;
            r = -1;
        } else {
            r = vg_lines_parse(&p, line, (size_t)n, &rec, why, sizeof why);
        }
        if (r == 0)
            continue;
        if (r < 0 && p.format == VIGIL_FORMAT_AUTO) {
            rc = vigil_error_set(err, VIGIL_EINPUT,
                                 "%s:%llu: unknown hash-set format (tried hashdeep, md5sum, sha1sum, "
                                 "sha256sum and bare lists): %s", label, (unsigned long long)p.lineno, why);
            break;
        }
        if (r < 0) {
            if (!lenient) {
                rc = vigil_error_set(err, VIGIL_EINPUT, "%s:%llu: %s", label, (unsigned long long)p.lineno, why);
                break;
            }
            stats->rejected++;
            if (on_reject) {
                char msg[512];
                snprintf(msg, sizeof msg, "%s:%llu: %s", label, (unsigned long long)p.lineno, why);
                on_reject(msg, reject_ud);
            }
            continue;
        }
        stats->records++;
        if (vg_record_is_empty_file(&rec)) {
            stats->skipped_empty++;
            continue;
        }
        if (on_record && (rc = on_record(ud, &rec, p.lineno, err)) < 0)
            break;
        if (!on_record)
            stats->added++;
    }
    if (rc == 0 && ferror(f))
        rc = vigil_error_set(err, VIGIL_EINPUT, "%s: read error: %s", label, strerror(errno));
    if (rc == 0 && stats->records == 0 && stats->rejected == 0 && p.format == VIGIL_FORMAT_AUTO)
        rc = vigil_error_set(err, VIGIL_EINPUT, "%s: no hash records found (unknown or empty format)", label);
    stats->format = p.format;
    free(line);
    return rc;
}

int vigil_hashset_parse_mem(vigil_import_stats *stats, const void *data, size_t n,
                            vigil_hashset_format format, vigil_error *err)
{
    FILE *f;
    int rc;
    memset(stats, 0, sizeof *stats);
    if (n == 0)
        return vigil_error_set(err, VIGIL_EINPUT, "memory: empty input");
    f = fmemopen((void *)data, n, "r");
    if (!f)
        return vigil_error_set(err, VIGIL_ENOMEM, "memory: cannot open buffer");
    rc = parse_stream(stats, f, "memory", format, 0, NULL, NULL, NULL, NULL, err);
    fclose(f);
    return rc;
}

static int record_to_store(void *ud, const vg_hash_record *r, uint64_t lineno, vigil_error *err)
{
    return store_record(ud, r, lineno, err);
}

/* SHA-256 of the whole file, for provenance. */
static int file_sha256(char hex[65], int fd, const char *path, vigil_error *err)
{
    vigil_digester *d;
    vigil_digests dg;
    char *buf = malloc(1 << 16);
    ssize_t n;
    int rc = buf ? vigil_digester_new(&d, err) : vigil_error_set(err, VIGIL_ENOMEM, "%s: out of memory", path);
    if (rc < 0) {
        free(buf);
        return rc;
    }
    while ((n = read(fd, buf, 1 << 16)) > 0)
        vigil_digester_update(d, buf, (size_t)n);
    if (n < 0)
        rc = vigil_error_set(err, VIGIL_EINPUT, "%s: %s", path, strerror(errno));
    else
        vigil_digester_final(d, &dg);
    vigil_digester_free(d);
    free(buf);
    if (rc == 0)
        vg_hex_encode(hex, dg.sha256, 32);
    return rc;
}

static int import_file(vigil_import_stats *fs, import_ctx *c, const char *path, vg_buf *sources, vg_buf *formats,
                       vigil_error *err)
{
    char hex[65];
    FILE *f;
    int rc, fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return vigil_error_set(err, VIGIL_EINPUT, "%s: %s", path, strerror(errno));
    rc = file_sha256(hex, fd, path, err);
    if (rc == 0 && lseek(fd, 0, SEEK_SET) != 0)
        rc = vigil_error_set(err, VIGIL_EINPUT, "%s: cannot rewind: %s", path, strerror(errno));
    if (rc < 0) {
        close(fd);
        return rc;
    }
    f = fdopen(fd, "r");
    if (!f) {
        close(fd);
        return vigil_error_set(err, VIGIL_ENOMEM, "%s: %s", path, strerror(errno));
    }
    memset(fs, 0, sizeof *fs);
    c->stats = fs;
    rc = parse_stream(fs, f, path, c->opts->format, c->opts->lenient, record_to_store, c,
                      c->opts->on_reject, c->opts->ud, err);
    fclose(f);
    if (rc < 0)
        return rc;
    vg_buf_addf(sources, "%s%s (sha256 %s)", sources->len ? "\n" : "", path, hex);
    if (!strstr(formats->ptr ? formats->ptr : "", vigil_hashset_format_name(fs->format)))
        vg_buf_addf(formats, "%s%s", formats->len ? "," : "", vigil_hashset_format_name(fs->format));
    return 0;
}

static void add_stats(vigil_import_stats *a, const vigil_import_stats *b)
{
    a->records += b->records;
    a->added += b->added;
    a->duplicates += b->duplicates;
    a->skipped_empty += b->skipped_empty;
    a->rejected += b->rejected;
    a->format = b->format;
}

static int create_set(import_ctx *c, vigil_error *err)
{
    const vigil_import_opts *o = c->opts;
    sqlite3_stmt *s;
    int rc;
    if (o->replace) {
        if (sqlite3_prepare_v2(c->st->db, "DELETE FROM hashset WHERE name=?", -1, &s, NULL))
            return vigil_error_set(err, VIGIL_ESTORE, "%s: %s", c->st->path, sqlite3_errmsg(c->st->db));
        sqlite3_bind_text(s, 1, o->name, -1, SQLITE_STATIC);
        rc = sqlite3_step(s);
        sqlite3_finalize(s);
        if (rc != SQLITE_DONE)
            return vigil_error_set(err, VIGIL_ESTORE, "%s: %s", c->st->path, sqlite3_errmsg(c->st->db));
    }
    if (sqlite3_prepare_v2(c->st->db,
                           "INSERT INTO hashset(name, kind, category, series, format, sources, imported_at,"
                           " imported_by) VALUES(?,?,?,?,'','',strftime('%Y-%m-%dT%H:%M:%SZ','now'),?)",
                           -1, &s, NULL))
        return vigil_error_set(err, VIGIL_ESTORE, "%s: %s", c->st->path, sqlite3_errmsg(c->st->db));
    sqlite3_bind_text(s, 1, o->name, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 2, o->kind);
    sqlite3_bind_text(s, 3, o->category, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, o->series, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 5, o->who, -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
    sqlite3_finalize(s);
    if (rc == SQLITE_CONSTRAINT)
        return vigil_error_set(err, VIGIL_EEXISTS, "hash set '%s' exists (remove it, or import with --replace)",
                               o->name);
    if (rc != SQLITE_DONE)
        return vigil_error_set(err, VIGIL_ESTORE, "%s: %s", c->st->path, sqlite3_errmsg(c->st->db));
    c->set_id = sqlite3_last_insert_rowid(c->st->db);
    return 0;
}

static int finish_set(import_ctx *c, const vg_buf *sources, const vg_buf *formats, vigil_error *err)
{
    sqlite3_stmt *s;
    int rc;
    if (sqlite3_prepare_v2(c->st->db,
                           "UPDATE hashset SET sources=?, format=?,"
                           " entries=(SELECT count(*) FROM hash_entry WHERE set_id=?) WHERE id=?",
                           -1, &s, NULL))
        return vigil_error_set(err, VIGIL_ESTORE, "%s: %s", c->st->path, sqlite3_errmsg(c->st->db));
    sqlite3_bind_text(s, 1, sources->ptr, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, formats->ptr, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, c->set_id);
    sqlite3_bind_int64(s, 4, c->set_id);
    rc = sqlite3_step(s);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE)
        return vigil_error_set(err, VIGIL_ESTORE, "%s: %s", c->st->path, sqlite3_errmsg(c->st->db));
    return vg_store_bump_generation(c->st, err);
}

static int import_all(size_t *ok_out, import_ctx *c, vigil_import_stats *total, const char *const *files,
                      size_t nfiles, vigil_error *err)
{
    vg_buf sources, formats;
    size_t ok = 0, failed = 0;
    int rc;
    vg_buf_init(&sources, 1 << 20);
    vg_buf_init(&formats, 4096);
    rc = create_set(c, err);
    for (size_t i = 0; rc == 0 && i < nfiles; i++) {
        vigil_error ferr;
        vigil_import_stats fs;
        vg_store_exec(c->st, "SAVEPOINT one_file", "savepoint", NULL);
        if (import_file(&fs, c, files[i], &sources, &formats, &ferr) < 0) {
            vg_store_exec(c->st, "ROLLBACK TO one_file", "rollback file", NULL);
            vg_store_exec(c->st, "RELEASE one_file", "release", NULL);
            if (ferr.code != VIGIL_EINPUT) { /* storage trouble ends the import */
                rc = vigil_error_set(err, ferr.code, "%s", ferr.msg);
                break;
            }
            failed++;
            if (c->opts->on_reject)
                c->opts->on_reject(ferr.msg, c->opts->ud);
            else
                vigil_error_set(err, VIGIL_EINPUT, "%s", ferr.msg);
            continue;
        }
        vg_store_exec(c->st, "RELEASE one_file", "release", NULL);
        add_stats(total, &fs);
        ok++;
    }
    if (rc == 0 && ok == 0)
        rc = nfiles == 1 && !c->opts->on_reject ? VIGIL_EINPUT
           : vigil_error_set(err, VIGIL_EINPUT, "no file imported into '%s' (%zu failed)", c->opts->name, failed);
    if (rc == 0)
        rc = finish_set(c, &sources, &formats, err);
    if (rc == 0 && failed)
        rc = vigil_error_set(err, VIGIL_EINPUT, "%zu of %zu files failed; the others were imported", failed, nfiles);
    vg_buf_dispose(&sources);
    vg_buf_dispose(&formats);
    *ok_out = ok;
    return rc;
}

int vigil_hashset_import(vigil_import_stats *stats, vigil_store *st, const char *const *files, size_t nfiles,
                         const vigil_import_opts *opts, vigil_error *err)
{
    import_ctx c = {.st = st, .opts = opts};
    size_t ok = 0;
    int rc;
    memset(stats, 0, sizeof *stats);
    if (!opts->name || !*opts->name)
        return vigil_error_set(err, VIGIL_EUSAGE, "hashset import: a set needs a name");
    if (vg_store_exec(st, "BEGIN IMMEDIATE", "begin import", err) < 0)
        return VIGIL_ESTORE;
    if (sqlite3_prepare_v2(st->db,
                           "INSERT OR IGNORE INTO hash_entry(set_id, dkey, md5, sha1, sha256, size, name,"
                           " source_line, pdq, pdq_quality) VALUES(?,?,?,?,?,?,?,?,?,?)", -1, &c.ins, NULL)) {
        rc = vigil_error_set(err, VIGIL_ESTORE, "%s: %s", st->path, sqlite3_errmsg(st->db));
        vg_store_exec(st, "ROLLBACK", "rollback", NULL);
        return rc;
    }
    rc = import_all(&ok, &c, stats, files, nfiles, err);
    sqlite3_finalize(c.ins);
    /* Files that failed on input were rolled back alone; anything else undoes the whole import. */
    if (ok > 0 && (rc == 0 || rc == VIGIL_EINPUT)) {
        int crc = vg_store_exec(st, "COMMIT", "commit import", err);
        if (crc < 0)
            return crc;
        crc = vigil_index_build(st, err);
        return crc < 0 ? crc : rc;
    }
    vg_store_exec(st, "ROLLBACK", "rollback import", NULL);
    return rc;
}

int vigil_hashset_remove(vigil_store *st, const char *name, vigil_error *err)
{
    sqlite3_stmt *s;
    int rc;
    if (vg_store_exec(st, "BEGIN IMMEDIATE", "begin remove", err) < 0)
        return VIGIL_ESTORE;
    if (sqlite3_prepare_v2(st->db, "DELETE FROM hashset WHERE name=?", -1, &s, NULL)) {
        rc = vigil_error_set(err, VIGIL_ESTORE, "%s: %s", st->path, sqlite3_errmsg(st->db));
        vg_store_exec(st, "ROLLBACK", "rollback", NULL);
        return rc;
    }
    sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE || sqlite3_changes(st->db) == 0) {
        rc = rc != SQLITE_DONE ? vigil_error_set(err, VIGIL_ESTORE, "%s: %s", st->path, sqlite3_errmsg(st->db))
                               : vigil_error_set(err, VIGIL_ENOTFOUND, "no hash set named '%s'", name);
        vg_store_exec(st, "ROLLBACK", "rollback", NULL);
        return rc;
    }
    if ((rc = vg_store_bump_generation(st, err)) < 0 || (rc = vg_store_exec(st, "COMMIT", "commit", err)) < 0) {
        vg_store_exec(st, "ROLLBACK", "rollback", NULL);
        return rc;
    }
    return vigil_index_build(st, err);
}

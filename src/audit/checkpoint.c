/*
 * Signed checkpoints of the audit log: the head (database identity, seq, head digest, time)
 * signed with an Ed25519 key kept outside the database, stored in audit_checkpoints and
 * appended to an anchor file beside the key. Whoever can write the database but not the key
 * cannot truncate, rewrite or extend the signed part of the log unseen (docs/audit.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit/audit.h"
#include "core/hex.h"

#define KEY_TAG "vigil-audit-key ed25519 "
#define PUB_TAG "vigil-audit-pub ed25519 "
#define LINE_TAG "v1"

typedef struct ckpt {
    int64_t seq;
    char db_id[33], head[65], at[24], sig[129];
    char where[128]; /* "FILE line N" or "the database" */
} ckpt;

/* "vigil-audit-checkpoint v1 <db_id> <seq> <head> <at>": what is signed. */
static int message(char *buf, size_t cap, const ckpt *c)
{
    return snprintf(buf, cap, "vigil-audit-checkpoint v1 %s %lld %s %s", c->db_id, (long long)c->seq, c->head,
                    c->at);
}

/* The anchor file beside a key file: DIR/audit.checkpoints. */
static void anchor_beside(char *out, size_t cap, const char *path)
{
    const char *slash = strrchr(path, '/');
    if (slash)
        snprintf(out, cap, "%.*s/audit.checkpoints", (int)(slash - path), path);
    else
        snprintf(out, cap, "audit.checkpoints");
}

/* Read one tagged hex line of n bytes from path into key. */
static int read_key(unsigned char *key, size_t n, const char *path, const char *tag, vigil_error *err)
{
    char line[512], *p;
    FILE *f = fopen(path, "r");
    int ok;
    if (!f)
        return vigil_error_set(err, VIGIL_EINPUT, "%s: %s", path, strerror(errno));
    ok = fgets(line, sizeof line, f) != NULL;
    fclose(f);
    p = ok && !strncmp(line, tag, strlen(tag)) ? line + strlen(tag) : NULL;
    if (p)
        p[strcspn(p, "\r\n")] = '\0';
    if (!p || strlen(p) != 2 * n || vg_hex_decode(key, p, n) < 0)
        return vigil_error_set(err, VIGIL_EINPUT, "%s: not a vigil audit %s", path,
                               strstr(tag, "key") ? "key (made by vigil audit keygen)" : "public key");
    return 0;
}

static int write_new(const char *path, const char *text, mode_t mode, vigil_error *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode);
    size_t n = strlen(text);
    if (fd < 0)
        return vigil_error_set(err, errno == EEXIST ? VIGIL_EEXISTS : VIGIL_ESTORE, "%s: %s", path,
                               errno == EEXIST ? "already exists: a key is never overwritten" : strerror(errno));
    if (write(fd, text, n) != (ssize_t)n || fsync(fd) < 0) {
        int e = errno;
        close(fd);
        return vigil_error_set(err, VIGIL_ESTORE, "%s: %s", path, strerror(e));
    }
    return close(fd) < 0 ? vigil_error_set(err, VIGIL_ESTORE, "%s: %s", path, strerror(errno)) : 0;
}

int vigil_audit_keygen(const char *dir, vigil_error *err)
{
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
    char kpath[4096], ppath[4096], text[2 * crypto_sign_SECRETKEYBYTES + 64];
    struct stat st;
    int rc;
    if (sodium_init() < 0)
        return vigil_error_set(err, VIGIL_EINTERNAL, "audit keygen: libsodium failed to start");
    if (mkdir(dir, 0700) < 0 && errno != EEXIST)
        return vigil_error_set(err, VIGIL_ESTORE, "%s: %s", dir, strerror(errno));
    snprintf(kpath, sizeof kpath, "%s/audit.key", dir);
    snprintf(ppath, sizeof ppath, "%s/audit.pub", dir);
    if (stat(kpath, &st) == 0 || stat(ppath, &st) == 0)
        return vigil_error_set(err, VIGIL_EEXISTS, "%s: already holds an audit key: a key is never overwritten",
                               dir);
    crypto_sign_keypair(pk, sk);
    memcpy(text, KEY_TAG, sizeof KEY_TAG - 1);
    vg_hex_encode(text + sizeof KEY_TAG - 1, sk, sizeof sk);
    strcat(text, "\n");
    sodium_memzero(sk, sizeof sk);
    rc = write_new(kpath, text, 0600, err);
    sodium_memzero(text, sizeof text);
    if (rc < 0)
        return rc;
    memcpy(text, PUB_TAG, sizeof PUB_TAG - 1);
    vg_hex_encode(text + sizeof PUB_TAG - 1, pk, sizeof pk);
    strcat(text, "\n");
    return write_new(ppath, text, 0644, err);
}

static int meta_get(vg_db *db, char *out, size_t cap, const char *key, vigil_error *err)
{
    vg_rows r;
    const char *p[1] = {key};
    int rc = vg_db_query(db, &r, "SELECT value FROM meta WHERE key = ?", p, 1, err);
    if (rc < 0)
        return rc;
    snprintf(out, cap, "%s", r.nrows && vg_cell(&r, 0, 0) ? vg_cell(&r, 0, 0) : "");
    vg_rows_free(&r);
    return 0;
}

/* This database's audit identity, made at its first checkpoint. */
static int db_identity(vg_db *db, char id[33], int make, vigil_error *err)
{
    unsigned char raw[16];
    const char *p[1] = {id};
    int rc = meta_get(db, id, 33, "audit_db_id", err);
    if (rc < 0 || id[0] || !make)
        return rc;
    randombytes_buf(raw, sizeof raw);
    vg_hex_encode(id, raw, sizeof raw);
    return vg_db_exec(db, "INSERT INTO meta(key, value) VALUES('audit_db_id', ?)", p, 1, NULL, err);
}

int vg_audit_checkpoint(int64_t *seq_out, vg_db *db, const vg_clock *clock, const char *key_path, int only_new,
                        vigil_error *err)
{
    unsigned char sk[crypto_sign_SECRETKEYBYTES], sig[crypto_sign_BYTES];
    char head[96], msg[256], seqs[24], anchor[4096];
    ckpt c = {0};
    int64_t last = 0;
    int rc;
    FILE *f;
    *seq_out = 0;
    if (sodium_init() < 0)
        return vigil_error_set(err, VIGIL_EINTERNAL, "audit checkpoint: libsodium failed to start");
    if ((rc = read_key(sk, sizeof sk, key_path, KEY_TAG, err)) < 0)
        return rc;
    if ((rc = vg_db_begin(db, err)) < 0)
        goto out;
    rc = meta_get(db, head, sizeof head, "audit_head", err);
    if (rc == 0) {
        c.seq = strtoll(head, NULL, 10);
        snprintf(c.head, sizeof c.head, "%s", strchr(head, ':') ? strchr(head, ':') + 1 : "");
        rc = vg_db_int(db, &last, vg_db_is_pg(db) ? "SELECT vigil_audit_last_checkpoint()"
                       : "SELECT COALESCE(MAX(seq), 0) FROM audit_checkpoints", NULL, 0, err);
    }
    if (rc == 0 && only_new && last >= c.seq) {
        vg_db_rollback(db);
        goto out;
    }
    /* the head must be the newest event as stored: a broken head is not signed */
    if (rc == 0 && c.seq > 0) {
        vg_rows r;
        const char *p[1] = {seqs};
        snprintf(seqs, sizeof seqs, "%lld", (long long)c.seq);
        rc = vg_db_query(db, &r, vg_db_is_pg(db) ? "SELECT d FROM (SELECT vigil_audit_digest(?) AS d) x WHERE d IS NOT NULL"
                         : "SELECT digest FROM audit WHERE seq = ?", p, 1, err);
        if (rc == 0) {
            if (!r.nrows || !vg_cell(&r, 0, 0) || strcmp(vg_cell(&r, 0, 0), c.head))
                rc = vigil_error_set(err, VIGIL_ESTATE, "audit checkpoint: the chain's head (event %lld) does not"
                                     " match the log; run vigil audit verify", (long long)c.seq);
            vg_rows_free(&r);
        }
    }
    if (rc == 0)
        rc = db_identity(db, c.db_id, 1, err);
    if (rc == 0) {
        const char *p[5] = {seqs, c.head, c.at, c.db_id, c.sig};
        vg_iso(c.at, vg_clock_now(clock));
        message(msg, sizeof msg, &c);
        crypto_sign_detached(sig, NULL, (const unsigned char *)msg, strlen(msg), sk);
        vg_hex_encode(c.sig, sig, sizeof sig);
        snprintf(seqs, sizeof seqs, "%lld", (long long)c.seq);
        rc = vg_db_exec(db, "INSERT INTO audit_checkpoints(seq, head, at, db_id, sig) VALUES(?, ?, ?, ?, ?)", p, 5,
                        NULL, err);
    }
    if (rc == 0)
        rc = vg_db_commit(db, err);
    else
        vg_db_rollback(db);
    if (rc < 0)
        goto out;
    /* the anchor outside the database: one line per checkpoint */
    anchor_beside(anchor, sizeof anchor, key_path);
    f = fopen(anchor, "a");
    if (!f || fprintf(f, "%s %s %lld %s %s %s\n", LINE_TAG, c.db_id, (long long)c.seq, c.head, c.at, c.sig) < 0 ||
        fflush(f) != 0 || fsync(fileno(f)) < 0)
        rc = vigil_error_set(err, VIGIL_ESTORE, "%s: %s", anchor, strerror(errno));
    if (f && fclose(f) != 0 && rc == 0)
        rc = vigil_error_set(err, VIGIL_ESTORE, "%s: %s", anchor, strerror(errno));
    if (rc == 0)
        *seq_out = c.seq;
out:
    sodium_memzero(sk, sizeof sk);
    return rc;
}

typedef struct ckpts {
    ckpt *v;
    size_t n, cap;
} ckpts;

static ckpt *ckpt_add(ckpts *l)
{
    if (l->n == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 16;
        ckpt *v = realloc(l->v, nc * sizeof *v);
        if (!v)
            return NULL;
        l->v = v;
        l->cap = nc;
    }
    memset(&l->v[l->n], 0, sizeof l->v[0]);
    return &l->v[l->n++];
}

static int fail(vigil_audit_report *out, int64_t seq, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(vigil_audit_report *out, int64_t seq, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out->why, sizeof out->why, fmt, ap);
    va_end(ap);
    out->bad_seq = seq > 0 ? seq : 1;
    return 0;
}

/* Parse the anchor file; a malformed line is a failure of the check (0 with out->bad_seq). */
static int read_anchor(ckpts *l, vigil_audit_report *out, const char *path, vigil_error *err)
{
    char line[512];
    long no = 0;
    FILE *f = fopen(path, "r");
    if (!f) {
        if (errno == ENOENT)
            return fail(out, 1, "no checkpoints file %s: the log is not anchored", path);
        return vigil_error_set(err, VIGIL_EINPUT, "%s: %s", path, strerror(errno));
    }
    while (fgets(line, sizeof line, f)) {
        ckpt *c;
        char tag[8];
        long long seq;
        no++;
        if (line[0] == '\n' || line[0] == '#')
            continue;
        if (!(c = ckpt_add(l))) {
            fclose(f);
            return vigil_error_set(err, VIGIL_ENOMEM, "audit verify: out of memory");
        }
        if (sscanf(line, "%7s %32s %lld %64s %23s %128s", tag, c->db_id, &seq, c->head, c->at, c->sig) != 6 ||
            strcmp(tag, LINE_TAG) || strlen(c->sig) != 128 || strlen(c->head) != 64 || seq < 0) {
            fclose(f);
            return fail(out, 1, "%s line %ld: not a checkpoint line", path, no);
        }
        c->seq = seq;
        snprintf(c->where, sizeof c->where, "%.80s line %ld", path, no);
    }
    fclose(f);
    return 0;
}

static int take_db_ckpt(const vg_val *v, size_t nc, void *ud)
{
    ckpt *c = ckpt_add(ud);
    if (!c || nc < 5)
        return VIGIL_ENOMEM;
    c->seq = vg_val_i64(&v[0]);
    snprintf(c->head, sizeof c->head, "%s", v[1].s ? v[1].s : "");
    snprintf(c->at, sizeof c->at, "%s", v[2].s ? v[2].s : "");
    snprintf(c->db_id, sizeof c->db_id, "%s", v[3].s ? v[3].s : "");
    snprintf(c->sig, sizeof c->sig, "%s", v[4].s ? v[4].s : "");
    snprintf(c->where, sizeof c->where, "the database's table");
    return 0;
}

static int by_seq(const void *a, const void *b)
{
    const ckpt *x = a, *y = b;
    return x->seq < y->seq ? -1 : x->seq > y->seq ? 1 : strcmp(x->sig, y->sig);
}

/* Walk the log's digests alongside the checkpoints sorted by seq. */
#define STOP (-999) /* a walk that found what it reports */

typedef struct walk {
    ckpt *v;
    size_t n, i;
    vigil_audit_report *out;
} walk;

static int walk_row(const vg_val *v, size_t nc, void *ud)
{
    walk *w = ud;
    int64_t seq = vg_val_i64(&v[0]);
    (void)nc;
    while (w->i < w->n && w->v[w->i].seq < seq)
        w->i++;
    for (; w->i < w->n && w->v[w->i].seq == seq; w->i++)
        if (!v[1].s || strcmp(v[1].s, w->v[w->i].head)) {
            fail(w->out, seq, "event %lld differs from the checkpoint signed at %s (%s): the log was rewritten",
                 (long long)seq, w->v[w->i].at, w->v[w->i].where);
            return STOP;
        }
    return 0;
}

/* "event 7 was" or "events 7-9 were": the subject of a message about a span of events. */
static void span(char *buf, size_t cap, int64_t from, int64_t to)
{
    if (from == to)
        snprintf(buf, cap, "event %lld was", (long long)from);
    else
        snprintf(buf, cap, "events %lld-%lld were", (long long)from, (long long)to);
}

int vg_audit_check_anchor(vigil_audit_report *out, vg_db *db, const char *pub_path, const char *anchor_path,
                          vigil_error *err)
{
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], sig[crypto_sign_BYTES];
    char anchor[4096], id[33], msg[256], range[64];
    ckpts l = {0};
    size_t keep = 0, file_n;
    int64_t covered = 0;
    int rc;
    if (sodium_init() < 0)
        return vigil_error_set(err, VIGIL_EINTERNAL, "audit verify: libsodium failed to start");
    if ((rc = read_key(pk, sizeof pk, pub_path, PUB_TAG, err)) < 0)
        return rc;
    if (anchor_path)
        snprintf(anchor, sizeof anchor, "%s", anchor_path);
    else
        anchor_beside(anchor, sizeof anchor, pub_path);
    if ((rc = read_anchor(&l, out, anchor, err)) < 0 || out->bad_seq)
        goto done;
    file_n = l.n;
    if ((rc = vg_db_each(db, "SELECT seq, head, at, db_id, sig FROM audit_checkpoints", NULL, 0, take_db_ckpt, &l,
                         err)) < 0 ||
        (rc = db_identity(db, id, 0, err)) < 0)
        goto done;
    /* an anchor file may serve several databases: keep this one's checkpoints */
    for (size_t i = 0; i < l.n; i++)
        if (id[0] && !strcmp(l.v[i].db_id, id))
            l.v[keep++] = l.v[i];
    if (keep == 0 && file_n > 0) {
        fail(out, 1, "%s holds checkpoints of database %s, none of this one (%s): the log was removed or replaced",
             anchor, l.v[0].db_id, id[0] ? id : "it has no audit identity");
        goto done;
    }
    l.n = keep;
    if (l.n == 0) {
        fail(out, 1, "no signed checkpoint in %s: the log is not anchored", anchor);
        goto done;
    }
    for (size_t i = 0; i < l.n; i++) {
        ckpt *c = &l.v[i];
        message(msg, sizeof msg, c);
        if (strlen(c->sig) != 128 || vg_hex_decode(sig, c->sig, sizeof sig) < 0 ||
            crypto_sign_verify_detached(sig, (const unsigned char *)msg, strlen(msg), pk) != 0) {
            fail(out, c->seq, "the checkpoint of event %lld signed at %s (%s) has a bad signature: forged, or"
                 " signed with another key", (long long)c->seq, c->at, c->where);
            goto done;
        }
    }
    qsort(l.v, l.n, sizeof l.v[0], by_seq);
    covered = l.v[l.n - 1].seq;
    /* the file and the table hold the same checkpoints: count each once */
    for (size_t i = 0; i < l.n; i++)
        out->checkpoints += i == 0 || l.v[i].seq != l.v[i - 1].seq || strcmp(l.v[i].sig, l.v[i - 1].sig);
    if (covered > out->events) {
        span(range, sizeof range, out->events + 1, covered);
        fail(out, out->events + 1, "the log ends at event %lld but the checkpoint signed at %s covers event %lld:"
             " %s removed", (long long)out->events, l.v[l.n - 1].at, (long long)covered, range);
        goto done;
    }
    {
        walk w = {l.v, l.n, 0, out};
        rc = vg_db_each(db, "SELECT seq, digest FROM audit ORDER BY seq", NULL, 0, walk_row, &w, err);
        if (rc == STOP)
            rc = 0;
        if (rc < 0 || out->bad_seq)
            goto done;
    }
    if (out->events > covered) {
        span(range, sizeof range, covered + 1, out->events);
        fail(out, covered + 1, "%s not covered by a signed checkpoint: added after the last checkpoint (%s)", range,
             l.v[l.n - 1].at);
    }
    else
        out->anchored = 1;
done:
    free(l.v);
    return rc < 0 ? rc : 0;
}

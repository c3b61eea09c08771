/*
 * Storing a scan's items with a case (vigil/case_items.h): one write transaction from begin to
 * commit, rows gathered in batches (on PostgreSQL one multi-row INSERT per batch, one round trip;
 * on SQLite one prepared one-row INSERT per row), a file seen again adding only its new place.
 * The commit brings the case's links up to date (links.c) and writes one audit event.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "cases/items.h"
#include "cases/links.h"
#include "core/hex.h"
#include "vigil/case_items.h"

/* Rows per batch, and per statement on PostgreSQL. SQLite gets one row per statement: there a
 * statement costs no round trip, and one of several rows keeps a statement journal (a copy of
 * every page it changes, to undo that statement alone: 1.3 GB of copies for one attach of 50,000
 * items to a registry of 10,000,000), which a one-row statement does not need. */
#define BATCH 256
#define ITEM_COLS 16
#define PLACE_COLS 7

typedef struct row {
    char *s[ITEM_COLS];     /* owned text, NULL for SQL NULL */
    char *place[PLACE_COLS];
} row;

struct vigil_case_store {
    vigil_registry *reg;
    vigil_actor who;
    int64_t case_id;
    char ids[24], now[24], source[256];
    int64_t before;         /* distinct items the case held before */
    uint64_t items;
    row rows[BATCH];
    size_t n, per;          /* rows held; rows per statement */
    char *item_sql, *place_sql; /* for per rows */
};

/* A copy of s (NULL stays NULL); *oom set when memory runs out. */
static char *copy(const char *s, int *oom)
{
    char *c = s ? strdup(s) : NULL;
    *oom |= s && !c;
    return c;
}

static char *num(int64_t v)
{
    char b[24];
    snprintf(b, sizeof b, "%lld", (long long)v);
    return strdup(b);
}

static void row_free(row *r)
{
    for (int i = 0; i < ITEM_COLS; i++)
        free(r->s[i]);
    for (int i = 0; i < PLACE_COLS; i++)
        free(r->place[i]);
    memset(r, 0, sizeof *r);
}

/* "INSERT ... VALUES (?,..),(?,..) tail" for n rows of cols columns. */
static char *insert_sql(const char *head, int cols, size_t n, const char *tail)
{
    size_t cap = strlen(head) + strlen(tail) + n * (size_t)(cols * 2 + 4) + 8;
    char *s = malloc(cap), *p;
    if (!s)
        return NULL;
    p = s + sprintf(s, "%s", head);
    for (size_t r = 0; r < n; r++) {
        *p++ = r ? ',' : ' ';
        *p++ = '(';
        for (int c = 0; c < cols; c++) {
            *p++ = c ? ',' : '?';
            if (c)
                *p++ = '?';
        }
        *p++ = ')';
    }
    strcpy(p, tail);
    return s;
}

static const char item_head[] = "INSERT INTO case_items(case_id, key, md5, sha1, sha256, pdq, pdq_quality, size,"
                                " verdict, hashset, category, series, mime, added_at, pdq_dihedral, victim_identified) VALUES";
/* a file scanned again keeps its row: the newest verdict and match win (newer hash sets) */
static const char item_tail[] = " ON CONFLICT(case_id, key) DO UPDATE SET verdict = excluded.verdict,"
                                " hashset = excluded.hashset, category = excluded.category, series = excluded.series,"
                                " victim_identified = excluded.victim_identified,"
                                " pdq = COALESCE(excluded.pdq, case_items.pdq),"
                                " pdq_quality = COALESCE(excluded.pdq_quality, case_items.pdq_quality),"
                                " pdq_dihedral = COALESCE(excluded.pdq_dihedral, case_items.pdq_dihedral),"
                                " mime = COALESCE(excluded.mime, case_items.mime)";
static const char place_head[] = "INSERT INTO case_item_places(case_id, key, place, container, path, allocated, carved)"
                                 " VALUES";
static const char place_tail[] = " ON CONFLICT DO NOTHING";

/* One statement for rows [r0, r0 + k) of the batch. */
static int flush_rows(vigil_case_store *s, size_t r0, size_t k, vigil_error *err)
{
    const char *p[BATCH * ITEM_COLS];
    char *isql = s->item_sql, *psql = s->place_sql;
    int rc = 0;
    if (k < s->per) {
        isql = insert_sql(item_head, ITEM_COLS, k, item_tail);
        psql = insert_sql(place_head, PLACE_COLS, k, place_tail);
        if (!isql || !psql)
            rc = vigil_error_set(err, VIGIL_ENOMEM, "case items: out of memory");
    }
    for (size_t r = 0; rc == 0 && r < k; r++)
        for (int c = 0; c < ITEM_COLS; c++)
            p[r * ITEM_COLS + c] = s->rows[r0 + r].s[c];
    if (rc == 0)
        rc = vg_db_exec(s->reg->db, isql, p, (int)(k * ITEM_COLS), NULL, err);
    for (size_t r = 0; rc == 0 && r < k; r++)
        for (int c = 0; c < PLACE_COLS; c++)
            p[r * PLACE_COLS + c] = s->rows[r0 + r].place[c];
    if (rc == 0)
        rc = vg_db_exec(s->reg->db, psql, p, (int)(k * PLACE_COLS), NULL, err);
    if (isql != s->item_sql)
        free(isql);
    if (psql != s->place_sql)
        free(psql);
    return rc;
}

static int flush(vigil_case_store *s, vigil_error *err)
{
    int rc = 0;
    for (size_t r0 = 0; rc == 0 && r0 < s->n; r0 += s->per)
        rc = flush_rows(s, r0, s->n - r0 < s->per ? s->n - r0 : s->per, err);
    for (size_t r = 0; r < s->n; r++)
        row_free(&s->rows[r]);
    s->n = 0;
    return rc;
}

/* Where it was seen, as a fixed-size key: hex SHA-1 of container, NUL, path; NULL out of memory. */
static char *place_key(const vigil_case_item *it)
{
    size_t lc = strlen(it->container), lp = strlen(it->path);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    char *buf = malloc(lc + lp + 1), *hex = malloc(41);
    int ok = buf && hex;
    if (ok) {
        memcpy(buf, it->container, lc);
        buf[lc] = '\0';
        memcpy(buf + lc + 1, it->path, lp);
        ok = EVP_Digest(buf, lc + lp + 1, md, &mdlen, EVP_sha1(), NULL) == 1 && mdlen == 20;
    }
    free(buf);
    if (!ok) {
        free(hex);
        return NULL;
    }
    vg_hex_encode(hex, md, 20);
    return hex;
}

/* The item's identity in the case: its SHA-1, else SHA-256 or MD5; an item without digests
 * (an error, a link) is known by where it was seen, marked '@' so that it never links. */
static char *item_key(const vigil_case_item *it)
{
    const char *d = it->sha1 ? it->sha1 : it->sha256 ? it->sha256 : it->md5;
    size_t n;
    char *k;
    if (d)
        return strdup(d);
    n = strlen(it->container) + strlen(it->path) + 4;
    if ((k = malloc(n)))
        snprintf(k, n, "@%s%s%s", it->container, it->container[0] ? "!/" : "", it->path);
    return k;
}

static int verdict_ok(const char *v)
{
    static const char *const names[] = {"illegal", "benign", "interest", "near", "unknown", "error"};
    for (size_t i = 0; v && i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(v, names[i]))
            return 1;
    return 0;
}

int vigil_case_store_add(vigil_case_store *s, const vigil_case_item *it, vigil_error *err)
{
    row *r;
    char *key;
    int rc, oom = 0;
    if (!verdict_ok(it->verdict) || !it->path || !it->container)
        return vigil_error_set(err, VIGIL_EINPUT, "case %lld: item without a verdict or path", (long long)s->case_id);
    if (s->n == BATCH && (rc = flush(s, err)) < 0)
        return rc;
    if (!(key = item_key(it)))
        return vigil_error_set(err, VIGIL_ENOMEM, "case items: out of memory");
    /* one file twice in a batch: PostgreSQL refuses to update a row twice in one statement */
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->rows[i].s[1], key)) {
            free(key);
            if ((rc = flush(s, err)) < 0)
                return rc;
            key = item_key(it);
            break;
        }
    r = &s->rows[s->n];
    s->n++;   /* counted before it is filled: a failure frees what was set */
    s->items++;
    r->s[0] = strdup(s->ids);
    r->s[1] = key;
    r->s[2] = copy(it->md5, &oom);
    r->s[3] = copy(it->sha1, &oom);
    r->s[4] = copy(it->sha256, &oom);
    r->s[5] = copy(it->pdq, &oom);
    r->s[6] = it->pdq ? num(it->pdq_quality) : NULL;
    r->s[7] = num((int64_t)it->size);
    r->s[8] = strdup(it->verdict);
    r->s[9] = copy(it->set, &oom);
    r->s[10] = copy(it->category, &oom);
    r->s[11] = copy(it->series, &oom);
    r->s[12] = copy(it->mime, &oom);
    r->s[13] = strdup(s->now);
    r->s[14] = it->pdq ? copy(it->pdq_dihedral, &oom) : NULL;
    r->s[15] = it->victim_identified ? strdup("1") : NULL;
    r->place[0] = strdup(s->ids);
    r->place[1] = strdup(key);
    r->place[2] = place_key(it);
    r->place[3] = strdup(it->container);
    r->place[4] = strdup(it->path);
    r->place[5] = num(it->allocated != 0);
    r->place[6] = num(it->carved != 0);
    oom |= !r->s[0] || (it->victim_identified && !r->s[15]) || (it->pdq && !r->s[6]) || !r->s[7] || !r->s[8] || !r->s[13];
    for (int c = 0; c < PLACE_COLS; c++)
        oom |= !r->place[c];
    return oom ? vigil_error_set(err, VIGIL_ENOMEM, "case items: out of memory") : 0;
}

int vg_case_writable(vigil_registry *reg, const vigil_actor *who, int64_t case_id, vigil_error *err)
{
    char ids[24];
    const char *p[1] = {ids};
    int64_t owner = 0;
    int rc;
    if ((rc = vg_policy_can_read(reg, who, case_id, err)) < 0)
        return rc;
    snprintf(ids, sizeof ids, "%lld", (long long)case_id);
    if ((rc = vg_db_int(reg->db, &owner, "SELECT owner_unit FROM cases WHERE id = ?", p, 1, err)) < 0)
        return rc;
    if (owner == 0)   /* only users who see every case get here */
        return vigil_error_set(err, VIGIL_ENOTFOUND, "unknown case %lld", (long long)case_id);
    return vg_policy_check(who, VG_ACT_CASE_OWNER, owner, "case items", err);
}

int vigil_case_store_begin(vigil_case_store **out, vigil_registry *reg, const vigil_actor *who, int64_t case_id,
                           const char *source, vigil_error *err)
{
    vigil_case_store *s;
    const char *p[1];
    int rc;
    *out = NULL;
    if ((rc = vg_case_writable(reg, who, case_id, err)) < 0)
        return rc;
    if (!(s = calloc(1, sizeof *s)))
        return vigil_error_set(err, VIGIL_ENOMEM, "case items: out of memory");
    s->reg = reg;
    s->who = *who;
    s->case_id = case_id;
    snprintf(s->ids, sizeof s->ids, "%lld", (long long)case_id);
    snprintf(s->source, sizeof s->source, "%s", source ? source : "scan");
    vg_iso(s->now, vg_now());
    s->per = vg_db_is_pg(reg->db) ? BATCH : 1;
    s->item_sql = insert_sql(item_head, ITEM_COLS, s->per, item_tail);
    s->place_sql = insert_sql(place_head, PLACE_COLS, s->per, place_tail);
    if (!s->item_sql || !s->place_sql) {
        free(s->item_sql);
        free(s->place_sql);
        free(s);
        return vigil_error_set(err, VIGIL_ENOMEM, "case items: out of memory");
    }
    vg_db_bulk(reg->db);
    p[0] = s->ids;
    if ((rc = vg_db_begin(reg->db, err)) == 0 &&
        (rc = vg_db_int(reg->db, &s->before, "SELECT count(*) FROM case_items WHERE case_id = ?", p, 1, err)) < 0)
        vg_db_rollback(reg->db);
    if (rc < 0) {
        free(s->item_sql);
        free(s->place_sql);
        free(s);
        return rc;
    }
    *out = s;
    return 0;
}

static void store_free(vigil_case_store *s)
{
    for (size_t r = 0; r < s->n; r++)
        row_free(&s->rows[r]);
    free(s->item_sql);
    free(s->place_sql);
    free(s);
}

void vigil_case_store_abort(vigil_case_store *s)
{
    if (!s)
        return;
    vg_db_rollback(s->reg->db);
    store_free(s);
}

int vigil_case_store_commit(vigil_case_store *s, vigil_case_store_result *res, vigil_error *err)
{
    vigil_registry *reg = s->reg;
    const char *p[1] = {s->ids};
    char obj[32], detail[400];
    int64_t after = 0, links = 0;
    int rc = flush(s, err);
    memset(res, 0, sizeof *res);
    if (rc == 0)
        rc = vg_db_int(reg->db, &after, "SELECT count(*) FROM case_items WHERE case_id = ?", p, 1, err);
    if (rc == 0)
        rc = vg_links_update(reg, s->case_id, s->now, err);
    if (rc == 0)
        rc = vg_db_int(reg->db, &links, "SELECT count(*) FROM case_links WHERE a = ? OR b = ?",
                       (const char *[]){s->ids, s->ids}, 2, err);
    snprintf(obj, sizeof obj, "case:%lld", (long long)s->case_id);
    snprintf(detail, sizeof detail, "%s: %llu items, %lld new", s->source, (unsigned long long)s->items,
             (long long)(after - s->before));
    if (rc == 0)
        rc = vg_reg_audit(reg, &s->who, "case.items", obj, detail, 0, err);
    if (rc == 0 && (rc = vg_db_commit(reg->db, err)) == 0) {
        res->items = s->items;
        res->new_items = (uint64_t)(after - s->before);
        res->links = (uint64_t)links;
        snprintf(reg->last_change, sizeof reg->last_change, "case %lld: %llu item%s stored, %llu new; linked to %lld case%s",
                 (long long)s->case_id, (unsigned long long)s->items, s->items == 1 ? "" : "s",
                 (unsigned long long)res->new_items, (long long)links, links == 1 ? "" : "s");
    }
    if (rc < 0)
        vg_db_rollback(reg->db);
    store_free(s);
    return rc;
}

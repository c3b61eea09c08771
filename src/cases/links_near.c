/*
 * Near links by PDQ (docs/links.md). Two pictures are near when some orientation of one is within
 * distance 31 of the other's plain hash (either way round: the rule is the same whichever case
 * changes). Whenever a case's items change, its linkable pictures are written again to case_pdq;
 * the other cases' pictures are read (a number and the hashes each, never whose), indexed by
 * multi-index hashing (src/pdqindex, every orientation an entry) and searched with the case's own
 * orientations; the pairs found are added to its links in SQL. The cost is one read of the
 * registry's linkable pictures and one index build, never a comparison of every pair.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cases/links.h"
#include "core/hex.h"
#include "pdqindex/pdq_index.h"

#define HEX 64   /* hex digits of one hash */

/* The hashes of one picture: 1 (plain) or 8 (every orientation); 0 when the text is not that. */
static int parse_hashes(vg_pdq_words out[VIGIL_PDQ__DIHEDRAL], const char *s)
{
    size_t len = s ? strlen(s) : 0;
    int n = len == HEX ? 1 : len == HEX * VIGIL_PDQ__DIHEDRAL ? VIGIL_PDQ__DIHEDRAL : 0;
    for (int k = 0; k < n; k++) {
        vigil_pdq_hash h;
        if (vg_hex_decode(h.b, s + (size_t)k * HEX, 32) < 0)
            return 0;
        vg_pdq_words_of(&out[k], &h);
    }
    return n;
}

/* The other cases' pictures as index entries: each orientation one entry, with its row and which. */
typedef struct entries {
    vg_pdq_words *h;
    int64_t *id;      /* case_pdq id, per entry */
    uint8_t *k;       /* orientation, per entry */
    size_t n;
} entries;

typedef struct own {
    vg_pdq_words q[VIGIL_PDQ__DIHEDRAL];
    int all;          /* the eight orientations are known, not only the plain hash */
} own;

typedef struct pair {
    size_t own;       /* row of the case's own pictures */
    int64_t id;       /* case_pdq id of the other picture */
} pair;

typedef struct search {
    const entries *e;
    const own *me;
    size_t row;
    pair *p;
    size_t n, cap;
    int oom;
} search;

static void found(void *ud, uint32_t id, int v, int d)
{
    search *s = ud;
    int j = s->me->all ? v : 0, k = s->e->k[id];
    (void)d;
    if (j && k)   /* both turned: not the rule (one side's plain hash against the other's orientation) */
        return;
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 256;
        pair *p = realloc(s->p, cap * sizeof *p);
        if (!p) {
            s->oom = 1;
            return;
        }
        s->p = p;
        s->cap = cap;
    }
    s->p[s->n].own = s->row;
    s->p[s->n].id = s->e->id[id];
    s->n++;
}

static int cmp_pair(const void *a, const void *b)
{
    const pair *x = a, *y = b;
    if (x->own != y->own)
        return x->own < y->own ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

static int load_others(entries *e, vigil_registry *reg, const char *ids, vigil_error *err)
{
    const char *p[1] = {ids};
    vg_rows r;
    int rc = vg_db_is_pg(reg->db)
                 ? vg_db_query(reg->db, &r, "SELECT o_id, o_hashes FROM vigil_pdq_others(?, current_user)", p, 1, err)
                 : vg_db_query(reg->db, &r, "SELECT id, hashes FROM case_pdq WHERE case_id <> ?", p, 1, err);
    size_t cap = 0;
    if (rc < 0)
        return rc;
    cap = r.nrows * VIGIL_PDQ__DIHEDRAL;
    if (cap && (!(e->h = malloc(cap * sizeof *e->h)) || !(e->id = malloc(cap * sizeof *e->id)) ||
                !(e->k = malloc(cap))))
        rc = vigil_error_set(err, VIGIL_ENOMEM, "near links: out of memory");
    for (size_t i = 0; rc == 0 && i < r.nrows; i++) {
        int n = parse_hashes(e->h + e->n, vg_cell(&r, i, 1));
        for (int k = 0; k < n; k++) {
            e->id[e->n + (size_t)k] = vg_cell_i64(&r, i, 0);
            e->k[e->n + (size_t)k] = (uint8_t)k;
        }
        e->n += (size_t)n;
    }
    vg_rows_free(&r);
    return rc;
}

static void entries_free(entries *e)
{
    free(e->h);
    free(e->id);
    free(e->k);
}

/* The pairs as the JSON array VG_LINKS_NEAR_SQL reads: [["key", id], ...]; NULL out of memory. */
static char *pairs_json(const pair *p, size_t n, const vg_rows *mine)
{
    size_t cap = 3, len = 0;
    char *s;
    for (size_t i = 0; i < n; i++)
        cap += strlen(vg_cell(mine, p[i].own, 0)) + 32;
    if (!(s = malloc(cap)))
        return NULL;
    s[len++] = '[';
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(s + len, cap - len, "%s[\"%s\",%lld]", i ? "," : "", vg_cell(mine, p[i].own, 0),
                                (long long)p[i].id);
    snprintf(s + len, cap - len, "]");
    return s;
}

/* Every pair (own picture, other picture) within the radius, sorted, each once. */
static int find_pairs(search *s, const entries *e, const vg_rows *mine, vigil_error *err)
{
    const vg_pdq_kernels *k;
    vg_pdq_index *x = NULL;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    int rc = vg_pdq_kernels_select(&k, err);
    if (rc == 0)
        rc = vg_pdq_index_build(&x, e->h, e->n, 0, cpus > 8 ? 8 : cpus < 1 ? 1 : (int)cpus, err);
    for (size_t i = 0; rc == 0 && i < mine->nrows; i++) {
        own me;
        int n = parse_hashes(me.q, vg_cell(mine, i, 1));
        if (n == 0)
            continue;
        me.all = n == VIGIL_PDQ__DIHEDRAL;
        for (int v = n; v < VIGIL_PDQ__DIHEDRAL; v++)
            me.q[v] = me.q[0];
        s->me = &me;
        s->row = i;
        if (vg_pdq_index_search(x, e->h, k, me.q, VIGIL_PDQ_MAX_DISTANCE, found, s) < 0)
            rc = vigil_error_set(err, VIGIL_EINPUT, "near links: radius beyond the index");
        if (s->oom)
            rc = vigil_error_set(err, VIGIL_ENOMEM, "near links: out of memory");
    }
    vg_pdq_index_free(x);
    if (rc == 0 && s->n) {
        size_t m = 1;
        qsort(s->p, s->n, sizeof *s->p, cmp_pair);
        for (size_t i = 1; i < s->n; i++)
            if (cmp_pair(&s->p[i], &s->p[m - 1]))
                s->p[m++] = s->p[i];
        s->n = m;
    }
    return rc;
}

int vg_links_near_update(vigil_registry *reg, int64_t case_id, const char *now, vigil_error *err)
{
    char ids[24], *json = NULL;
    const char *p[3];
    entries e = {0};
    search s = {0};
    vg_rows mine;
    int rc;
    snprintf(ids, sizeof ids, "%lld", (long long)case_id);
    p[0] = ids;
    p[1] = now;
    if ((rc = vg_db_exec(reg->db, VG_PDQ_DELETE_SQL, p, 1, NULL, err)) < 0 ||
        (rc = vg_db_exec(reg->db, VG_PDQ_INSERT_SQL, p, 1, NULL, err)) < 0)
        return rc;
    if ((rc = vg_db_query(reg->db, &mine, "SELECT key, hashes FROM case_pdq WHERE case_id = ?", p, 1, err)) < 0)
        return rc;
    if (mine.nrows == 0) {   /* no picture of its own: nothing near */
        vg_rows_free(&mine);
        return 0;
    }
    rc = load_others(&e, reg, ids, err);
    s.e = &e;
    if (rc == 0 && e.n)
        rc = find_pairs(&s, &e, &mine, err);
    if (rc == 0 && s.n && !(json = pairs_json(s.p, s.n, &mine)))
        rc = vigil_error_set(err, VIGIL_ENOMEM, "near links: out of memory");
    p[2] = json;
    if (rc == 0 && json)
        rc = vg_db_is_pg(reg->db)
                 ? vg_db_exec(reg->db, "SELECT vigil_links_near(?, ?, ?, current_user)", p, 3, NULL, err)
                 : vg_db_exec(reg->db, VG_LINKS_NEAR_SQL(VG_NEAR_PAIRS_SQLITE, ""), p, 3, NULL, err);
    free(json);
    free(s.p);
    entries_free(&e);
    vg_rows_free(&mine);
    return rc;
}

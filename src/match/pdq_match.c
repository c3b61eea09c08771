/*
 * PDQ near-match search by linear scan: every PDQ entry of the illegal and
 * interest sets in memory, each query compared with all of them in each of
 * its eight orientations. Simple and exact; the national-scale index replaces
 * it behind the same vigil_pdq_matcher interface.
 */
#include <stdlib.h>
#include <string.h>

#include "match/pdq_store.h"
#include "vigil/pdq_match.h"


struct vigil_pdq_matcher {
    const vigil_pdq_matcher_ops *ops;
    vigil_pdq_entry *e;
    size_t n, cap;
    char **strings;          /* owned copies the entries point to */
    size_t nstrings, capstrings;
};

static int rank(vigil_hashset_kind k)
{
    return k == VIGIL_KIND_ILLEGAL ? 0 : k == VIGIL_KIND_INTEREST ? 1 : 2;
}

static int linear_search(const vigil_pdq_matcher *m, const vigil_pdq_hash q[VIGIL_PDQ__DIHEDRAL],
                         int max_distance, vigil_pdq_hit *out)
{
    const vigil_pdq_entry *best = NULL;
    int best_d = 0, best_v = 0;
    for (size_t i = 0; i < m->n; i++) {
        const vigil_pdq_entry *e = &m->e[i];
        for (int v = 0; v < VIGIL_PDQ__DIHEDRAL; v++) {
            int d = vigil_pdq_distance(&q[v], &e->hash);
            if (d > max_distance)
                continue;
            if (!best || rank(e->kind) < rank(best->kind) ||
                (rank(e->kind) == rank(best->kind) && (d < best_d || (d == best_d && v < best_v)))) {
                best = e;
                best_d = d;
                best_v = v;
            }
        }
    }
    if (!best)
        return 0;
    memset(out, 0, sizeof *out);
    out->match.by = VIGIL_BY_PDQ;
    out->match.kind = best->kind;
    out->match.set = best->set;
    out->match.category = best->category;
    out->match.series = best->series;
    out->match.distance = best_d;
    if (best->quality >= 0 && best->quality < 50) /* list hygiene: a weak listed hash proves less */
        out->match.flags |= VIGIL_MATCH_LOW_QUALITY;
    out->dihedral = best_v;
    out->entry = best->hash;
    return 1;
}

static void linear_close(vigil_pdq_matcher *m)
{
    for (size_t i = 0; i < m->nstrings; i++)
        free(m->strings[i]);
    free(m->strings);
    free(m->e);
    free(m);
}

static const vigil_pdq_matcher_ops linear_ops = {linear_search, linear_close};

/* A copy of s owned by m; the last copy is reused when equal (entries come grouped by set). */
static int keep(const char **out, vigil_pdq_matcher *m, const char *s)
{
    char *c;
    *out = NULL;
    if (!s)
        return 0;
    for (size_t i = m->nstrings; i > 0 && i + 4 > m->nstrings; i--)
        if (!strcmp(m->strings[i - 1], s)) {
            *out = m->strings[i - 1];
            return 0;
        }
    if (m->nstrings == m->capstrings) {
        size_t ncap = m->capstrings ? 2 * m->capstrings : 16;
        char **p = realloc(m->strings, ncap * sizeof *p);
        if (!p)
            return -1;
        m->strings = p;
        m->capstrings = ncap;
    }
    if (!(c = strdup(s)))
        return -1;
    m->strings[m->nstrings++] = c;
    *out = c;
    return 0;
}

static int add_entry(vigil_pdq_matcher *m, const vigil_pdq_entry *src)
{
    vigil_pdq_entry *e;
    if (m->n == m->cap) {
        size_t ncap = m->cap ? 2 * m->cap : 64;
        vigil_pdq_entry *p = realloc(m->e, ncap * sizeof *p);
        if (!p)
            return -1;
        m->e = p;
        m->cap = ncap;
    }
    e = &m->e[m->n];
    *e = *src;
    if (keep(&e->set, m, src->set) < 0 || keep(&e->category, m, src->category) < 0 ||
        keep(&e->series, m, src->series) < 0)
        return -1;
    m->n++;
    return 0;
}

static vigil_pdq_matcher *matcher_new(void)
{
    vigil_pdq_matcher *m = calloc(1, sizeof *m);
    if (m)
        m->ops = &linear_ops;
    return m;
}

int vigil_pdq_matcher_from_entries(vigil_pdq_matcher **out, const vigil_pdq_entry *e, size_t n, vigil_error *err)
{
    vigil_pdq_matcher *m = matcher_new();
    *out = NULL;
    for (size_t i = 0; m && i < n; i++)
        if (add_entry(m, &e[i]) < 0) {
            linear_close(m);
            m = NULL;
        }
    if (!m)
        return vigil_error_set(err, VIGIL_ENOMEM, "pdq matcher: out of memory");
    *out = m;
    return 0;
}

int vigil_pdq_matcher_open(vigil_pdq_matcher **out, struct vigil_store *st, vigil_error *err)
{
    vigil_pdq_entry *e;
    vg_pdq_source src;
    size_t n;
    int rc = vg_store_pdq_entries(&e, &n, &src, st, err);
    *out = NULL;
    if (rc < 0)
        return rc;
    rc = vigil_pdq_matcher_from_entries(out, e, n, err); /* copies the strings */
    free(e);
    vg_pdq_source_free(&src);
    return rc;
}

uint64_t vigil_pdq_matcher_entries(const vigil_pdq_matcher *m)
{
    return m ? m->n : 0;
}

int vigil_pdq_matcher_search(const vigil_pdq_matcher *m, const vigil_pdq_hash q[VIGIL_PDQ__DIHEDRAL],
                             int max_distance, vigil_pdq_hit *out)
{
    return m ? m->ops->search(m, q, max_distance, out) : 0;
}

void vigil_pdq_matcher_close(vigil_pdq_matcher *m)
{
    if (m)
        m->ops->close(m);
}

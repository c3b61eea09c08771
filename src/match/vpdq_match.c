/*
 * vPDQ matching of one video against one known video, as the reference
 * describes it: frames of quality under 50 dropped, frames with the same
 * hash counted once, a frame matches when a frame of the other video lies
 * within distance 31. The query share (the reference's rule) finds re-encoded
 * and trimmed copies; the known-video share finds a compilation that holds a
 * known clip among other material, which the query share alone misses.
 * Time ranges are taken over every kept frame, duplicates included, so a
 * still scene of a matching clip is not cut out of its range.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/vpdq.h"

void vigil_vpdq_match_opts_init(vigil_vpdq_match_opts *o)
{
    o->min_quality = VIGIL_PDQ_MIN_QUALITY;
    o->max_distance = VIGIL_PDQ_MAX_DISTANCE;
    o->query_percent = 80;
    o->target_percent = 80;
    o->gap = 2.0;
}

/* The kept frames of one side, and for each whether it matches the other side. */
typedef struct side {
    const vigil_vpdq_frame **kept;
    unsigned char *hit;
    size_t n;
} side;

static int side_init(side *s, const vigil_vpdq_frame *f, size_t n, int min_quality)
{
    s->n = 0;
    s->kept = malloc((n ? n : 1) * sizeof *s->kept);
    s->hit = calloc(n ? n : 1, 1);
    if (!s->kept || !s->hit)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (f[i].quality >= min_quality)
            s->kept[s->n++] = &f[i];
    return 0;
}

static void side_free(side *s)
{
    free(s->kept);
    free(s->hit);
}

static int by_hash(const void *a, const void *b)
{
    const vigil_vpdq_frame *x = *(const vigil_vpdq_frame *const *)a, *y = *(const vigil_vpdq_frame *const *)b;
    return memcmp(x->hash.b, y->hash.b, sizeof x->hash.b);
}

static int by_time(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Within d, by the whole frames' hashes or by either one's hash with its bars cut off. */
static int frames_match(const vigil_vpdq_frame *x, const vigil_vpdq_frame *y, int d)
{
    return vigil_pdq_distance(&x->hash, &y->hash) <= d ||
           (x->has_alt && vigil_pdq_distance(&x->alt, &y->hash) <= d) ||
           (y->has_alt && vigil_pdq_distance(&x->hash, &y->alt) <= d);
}

/*
 * Mark each frame of a that lies within d of some frame of b. Frames with a
 * hash seen before reuse its answer (static scenes repeat one hash many times).
 */
static void mark(side *a, const side *b, int d)
{
    for (size_t i = 0; i < a->n; i++) {
        if (i > 0 && memcmp(a->kept[i]->hash.b, a->kept[i - 1]->hash.b, 32) == 0) {
            a->hit[i] = a->hit[i - 1];
            continue;
        }
        for (size_t j = 0; j < b->n; j++)
            if (frames_match(a->kept[i], b->kept[j], d)) {
                a->hit[i] = 1;
                break;
            }
    }
}

/* Share of the distinct hashes (kept sorted by hash) that match, in percent; the count in *distinct. */
static double share(const side *s, size_t *distinct)
{
    size_t all = 0, hits = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (i > 0 && memcmp(s->kept[i]->hash.b, s->kept[i - 1]->hash.b, 32) == 0)
            continue;
        all++;
        hits += s->hit[i];
    }
    *distinct = all;
    return all ? 100.0 * (double)hits / (double)all : 0;
}

/* The matching frames' times joined into ranges where they lie within gap of each other. */
static int ranges(vigil_vpdq_range **out, size_t *n_out, const side *s, double gap)
{
    double *t = malloc((s->n ? s->n : 1) * sizeof *t);
    vigil_vpdq_range *r;
    size_t n = 0, nr = 0;
    *out = NULL;
    *n_out = 0;
    if (!t)
        return -1;
    for (size_t i = 0; i < s->n; i++)
        if (s->hit[i])
            t[n++] = s->kept[i]->seconds;
    if (n == 0) {
        free(t);
        return 0;
    }
    qsort(t, n, sizeof *t, by_time);
    if (!(r = malloc(n * sizeof *r))) {
        free(t);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        if (nr > 0 && t[i] - r[nr - 1].to <= gap) {
            r[nr - 1].to = t[i];
            continue;
        }
        r[nr].from = r[nr].to = t[i];
        nr++;
    }
    free(t);
    *out = r;
    *n_out = nr;
    return 0;
}

int vigil_vpdq_compare(vigil_vpdq_match *out, const vigil_vpdq_frame *query, size_t nq,
                       const vigil_vpdq_frame *known, size_t nk, const vigil_vpdq_match_opts *o,
                       vigil_error *err)
{
    vigil_vpdq_match_opts def;
    side q = {0}, k = {0};
    int rc = 0;
    memset(out, 0, sizeof *out);
    if (!o) {
        vigil_vpdq_match_opts_init(&def);
        o = &def;
    }
    if (side_init(&q, query, nq, o->min_quality) < 0 || side_init(&k, known, nk, o->min_quality) < 0) {
        rc = vigil_error_set(err, VIGIL_ENOMEM, "vpdq: out of memory");
        goto done;
    }
    /* sorted by hash: duplicates sit side by side, counted once and compared once */
    qsort(q.kept, q.n, sizeof *q.kept, by_hash);
    qsort(k.kept, k.n, sizeof *k.kept, by_hash);
    mark(&q, &k, o->max_distance);
    mark(&k, &q, o->max_distance);
    out->query_percent = share(&q, &out->query_kept);
    out->target_percent = share(&k, &out->target_kept);
    out->near = out->query_kept > 0 && out->target_kept > 0 &&
                (out->query_percent >= o->query_percent || out->target_percent >= o->target_percent);
    if (ranges(&out->query_ranges, &out->n_query_ranges, &q, o->gap) < 0 ||
        ranges(&out->target_ranges, &out->n_target_ranges, &k, o->gap) < 0) {
        vigil_vpdq_match_dispose(out);
        rc = vigil_error_set(err, VIGIL_ENOMEM, "vpdq: out of memory");
    }
done:
    side_free(&q);
    side_free(&k);
    return rc;
}

void vigil_vpdq_match_dispose(vigil_vpdq_match *m)
{
    free(m->query_ranges);
    free(m->target_ranges);
    m->query_ranges = m->target_ranges = NULL;
    m->n_query_ranges = m->n_target_ranges = 0;
}

void vigil_vpdq_ranges_text(char *out, size_t cap, const vigil_vpdq_range *r, size_t n)
{
    size_t len = 0;
    if (cap == 0)
        return;
    out[0] = 0;
    for (size_t i = 0; i < n && len < cap; i++) {
        int w = snprintf(out + len, cap - len, "%s%.1f-%.1f", i ? ";" : "", r[i].from, r[i].to);
        if (w < 0)
            break;
        len += (size_t)w;
    }
}

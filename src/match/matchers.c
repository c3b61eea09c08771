/* vigil_matchers: the store, its sets, the exact index and the PDQ matcher, opened together. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hashset/catalog.h"
#include "segment/known_videos.h"
#include "vigil/matchers.h"

struct vigil_matchers {
    vigil_store *store;
    vigil_hashset_info *sets;
    size_t nsets;
    vigil_index *index;
    vigil_pdq_matcher *pdq;
};

int vigil_matchers_open(vigil_matchers **out, const char *db_path, const vigil_matchers_opts *opts,
                        vigil_error *err)
{
    vigil_matchers *m = calloc(1, sizeof *m);
    int rc = 0;
    *out = NULL;
    if (!m)
        return vigil_error_set(err, VIGIL_ENOMEM, "out of memory");
    if (access(db_path, F_OK) != 0) { /* no database: no sets, nothing to match */
        *out = m;
        return 0;
    }
    rc = vigil_store_open(&m->store, db_path, err);
    if (rc == 0)
        rc = vigil_hashset_list(&m->sets, &m->nsets, m->store, err);
    if (rc == 0)
        rc = vigil_hashset_check_segments(m->sets, m->nsets, db_path, err);
    if (rc == 0 && m->nsets)
        rc = vigil_index_open(&m->index, m->store, err);
    if (rc == 0 && m->index && opts && opts->bound_memory)
        vigil_index_bound_memory(m->index);
    if (rc == 0 && opts && opts->pdq)
        rc = vigil_pdq_matcher_open(&m->pdq, m->store, err);
    if (rc < 0) {
        vigil_matchers_close(m);
        return rc;
    }
    *out = m;
    return 0;
}

void vigil_matchers_close(vigil_matchers *m)
{
    if (!m)
        return;
    vigil_hashset_info_free(m->sets, m->nsets);
    vigil_index_close(m->index);
    vigil_pdq_matcher_close(m->pdq);
    vigil_store_close(m->store);
    free(m);
}

const vigil_index *vigil_matchers_index(const vigil_matchers *m)
{
    return m->index;
}

const vigil_pdq_matcher *vigil_matchers_pdq(const vigil_matchers *m)
{
    return m->pdq;
}

const vigil_hashset_info *vigil_matchers_sets(const vigil_matchers *m, size_t *n)
{
    *n = m->nsets;
    return m->sets;
}

/* The videos of one set's version appended to list, each naming the set. */
static int set_videos(vigil_vpdq_list *list, const vigil_matchers *m, const vg_store_set *set, vigil_error *err)
{
    char *path = vg_store_segment_path(m->store, set->segment);
    size_t from = list->n;
    int rc = path ? vg_kv_read(list, path, err) : vigil_error_set(err, VIGIL_ENOMEM, "out of memory");
    if (rc == VIGIL_ENOTFOUND && set->format && strstr(set->format, "vpdq")) /* imported with videos */
        rc = vigil_error_set(err, VIGIL_ESTORE, "%s%s: the known videos of set '%s' are missing (import its list"
                             " again with --replace)", path, VG_KV_SUFFIX, set->name);
    free(path);
    if (rc == VIGIL_ENOTFOUND) /* a set of digests */
        return 0;
    for (size_t i = from; rc == 0 && i < list->n; i++) {
        vigil_vpdq_video *v = &list->videos[i];
        v->kind = (int)set->kind;
        v->version = (int)set->version;
        if (!(v->set = strdup(set->name)) || (set->category && !(v->category = strdup(set->category))))
            rc = vigil_error_set(err, VIGIL_ENOMEM, "out of memory");
    }
    return rc;
}

int vigil_matchers_known_videos(const vigil_matchers *m, vigil_vpdq_list *list, vigil_error *err)
{
    vg_store_set *v = NULL;
    size_t n = 0, had = list->n;
    int rc;
    if (!m->store || !m->nsets)
        return 0;
    rc = vg_store_snapshot(&v, &n, m->store, err);
    for (size_t i = 0; rc == 0 && i < n; i++)
        if (v[i].kind == VIGIL_KIND_ILLEGAL || v[i].kind == VIGIL_KIND_INTEREST)
            rc = set_videos(list, m, &v[i], err);
    vg_store_snapshot_free(v, n);
    if (rc < 0) { /* back to what the caller had */
        for (size_t i = had; i < list->n; i++) {
            free(list->videos[i].name);
            free(list->videos[i].frames);
            free(list->videos[i].set);
            free(list->videos[i].category);
        }
        list->n = had;
    }
    return rc;
}

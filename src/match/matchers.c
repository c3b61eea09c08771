/* vigil_matchers: the store, its sets, the exact index and the PDQ matcher, opened together. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vigil/matchers.h"

struct vigil_matchers {
    vigil_store *store;
    vigil_hashset_info *sets;
    size_t nsets;
    vigil_index *index;
    vigil_pdq_matcher *pdq;
};

/*
 * The store is the database and its segment folder together: a database copied without the folder
 * lists its sets as usual, and the index would fail later naming one segment file. Say it once,
 * for the folder, with the way out.
 */
static int check_segments(const vigil_matchers *m, const char *db_path, vigil_error *err)
{
    size_t missing = 0;
    struct stat sb;
    char dir[4096];
    for (size_t i = 0; i < m->nsets; i++)
        missing += m->sets[i].segment_missing != 0;
    if (!missing)
        return 0;
    snprintf(dir, sizeof dir, "%s.sets", db_path);
    if (stat(dir, &sb) != 0)
        return vigil_error_set(err, VIGIL_ESTORE,
                               "%s: the sets folder is missing (%zu sets in %s have no segment file): copy the "
                               "folder beside the database, or run 'vigil hashset reindex' when the sources "
                               "are still there", dir, missing, db_path);
    return vigil_error_set(err, VIGIL_ESTORE,
                           "%s: the sets folder is incomplete (%zu of %zu sets have no segment file): copy the "
                           "folder beside the database, or run 'vigil hashset reindex' when the sources are "
                           "still there", dir, missing, m->nsets);
}

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
        rc = check_segments(m, db_path, err);
    if (rc == 0 && m->nsets)
        rc = vigil_index_open(&m->index, m->store, err);
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

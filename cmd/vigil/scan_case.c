/*
 * vigil scan --store CASE: the scan's items into the case registry. The sink hands each item
 * over as a copy to a writer thread, which alone uses the registry between begin and commit:
 * the readers never wait on the database (on PostgreSQL a round trip per batch), only on a
 * full queue.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "scan_case.h"

/* Items waiting for the writer; the sink waits when this many are queued. */
#define QUEUE_MAX 8192

typedef struct queued {
    struct queued *next;
    vigil_case_item it;
    vigil_case_item_text text;
    char *set, *category, *series, *mime;   /* copies: the item lends them for the callback only */
} queued;

static void queued_free(queued *q)
{
    vigil_case_item_text_free(&q->text);
    free(q->set);
    free(q->category);
    free(q->series);
    free(q->mime);
    free(q);
}

/* A copy of s (NULL stays NULL); *oom set when memory runs out. */
static char *copy(const char *s, int *oom)
{
    char *c = s ? strdup(s) : NULL;
    *oom |= s && !c;
    return c;
}

static void *writer(void *arg)
{
    scan_case *sc = arg;
    pthread_mutex_lock(&sc->mu);
    for (;;) {
        queued *q;
        int rc, skip;
        while (!sc->head && !sc->closing)
            pthread_cond_wait(&sc->nonempty, &sc->mu);
        if (!sc->head)
            break;
        q = sc->head;
        sc->head = q->next;
        if (!sc->head)
            sc->tail = NULL;
        sc->queued--;
        skip = sc->failed;   /* after a failure the rest is only drained */
        pthread_cond_signal(&sc->space);
        pthread_mutex_unlock(&sc->mu);
        rc = skip ? 0 : vigil_case_store_add(sc->store, &q->it, &sc->err);
        queued_free(q);
        pthread_mutex_lock(&sc->mu);
        if (rc < 0) {
            sc->failed = 1;
            pthread_cond_signal(&sc->space);
        }
    }
    pthread_mutex_unlock(&sc->mu);
    return NULL;
}

int scan_case_open(scan_case *sc, const char *arg)
{
    vigil_actor who;
    int rc;
    memset(sc, 0, sizeof *sc);
    if (cli_parse_case_id(&sc->id, arg))
        return EXIT_USAGE;
    if ((rc = cli_reg_open_existing(&sc->reg, &who, NULL)) != 0)
        return rc;
    if (vigil_case_store_begin(&sc->store, sc->reg, &who, sc->id, "scan", &sc->err) < 0) {
        rc = cli_fail(&sc->err);
        vigil_registry_close(sc->reg);
        sc->reg = NULL;
        return rc;
    }
    pthread_mutex_init(&sc->mu, NULL);
    pthread_cond_init(&sc->nonempty, NULL);
    pthread_cond_init(&sc->space, NULL);
    sc->started = 1;
    return 0;
}

int scan_case_item(scan_case *sc, const vigil_item *it)
{
    queued *q;
    int oom = 0, failed;
    if (!sc->started)
        return 0;
    if (!sc->running) {   /* one sink thread calls this: no race on running */
        if (pthread_create(&sc->thread, NULL, writer, sc) != 0) {
            vigil_error_set(&sc->err, VIGIL_EINTERNAL, "cannot start the thread that stores items");
            sc->failed = 1;
            return 1;
        }
        sc->running = 1;
    }
    if (!(q = calloc(1, sizeof *q)) || vigil_case_item_of(&q->it, &q->text, it) < 0) {
        free(q);
        q = NULL;
        oom = 1;
    } else {
        q->it.set = q->set = copy(q->it.set, &oom);
        q->it.category = q->category = copy(q->it.category, &oom);
        q->it.series = q->series = copy(q->it.series, &oom);
        q->it.mime = q->mime = copy(q->it.mime, &oom);
    }
    pthread_mutex_lock(&sc->mu);
    if (oom && !sc->failed) {
        sc->oom = 1;
        sc->failed = 1;
    }
    while (!sc->failed && sc->queued >= QUEUE_MAX)
        pthread_cond_wait(&sc->space, &sc->mu);
    if (!sc->failed) {
        if (sc->tail)
            sc->tail->next = q;
        else
            sc->head = q;
        sc->tail = q;
        sc->queued++;
        q = NULL;
        pthread_cond_signal(&sc->nonempty);
    }
    failed = sc->failed;
    pthread_mutex_unlock(&sc->mu);
    if (q)
        queued_free(q);
    return failed;   /* 1 stops the scan */
}

int scan_case_finish(scan_case *sc, int complete, int quiet, int rc)
{
    vigil_case_store_result res;
    if (!sc->reg)
        return rc;
    pthread_mutex_lock(&sc->mu);
    sc->closing = 1;
    pthread_cond_signal(&sc->nonempty);
    pthread_mutex_unlock(&sc->mu);
    if (sc->running)
        pthread_join(sc->thread, NULL);
    while (sc->head) {   /* left when storing failed */
        queued *q = sc->head;
        sc->head = q->next;
        queued_free(q);
    }
    if (sc->oom)
        vigil_error_set(&sc->err, VIGIL_ENOMEM, "out of memory");
    if (complete && !sc->failed) {
        if (vigil_case_store_commit(sc->store, &res, &sc->err) < 0)
            sc->failed = 1;
        else if (!quiet)
            fprintf(stderr, "vigil: scan: %s\n", cli_text(vigil_registry_last_change(sc->reg)));
    } else {
        vigil_case_store_abort(sc->store);
    }
    sc->store = NULL;
    if (sc->failed) {
        cli_error("scan: nothing stored with case %lld: %s", (long long)sc->id, sc->err.msg);
        if (rc == EXIT_OK)
            rc = vigil_error_exit_status(sc->err.code);
    } else if (!complete) {
        cli_error("scan: nothing stored with case %lld: the scan did not complete", (long long)sc->id);
    }
    pthread_mutex_destroy(&sc->mu);
    pthread_cond_destroy(&sc->nonempty);
    pthread_cond_destroy(&sc->space);
    vigil_registry_close(sc->reg);
    sc->reg = NULL;
    return rc;
}

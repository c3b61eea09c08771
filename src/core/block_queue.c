/*
 * Bounded block queue: a ring of full blocks in put order and a stack of free
 * ones, both under one mutex. Blocks are large (hundreds of KiB), so one lock
 * round trip a block costs nothing next to the work on its bytes.
 */
#include <pthread.h>
#include <stdlib.h>

#include "core/block_queue.h"

struct vg_bq {
    pthread_mutex_t mu;
    pthread_cond_t changed;     /* a block was put, released, or the queue closed or stopped */
    unsigned n;
    vg_bq_block *blocks;
    vg_bq_block **ring;         /* full blocks: head, count */
    unsigned head, count;
    vg_bq_block **free;         /* empty blocks: nfree */
    unsigned nfree;
    int closed, stopped;
};

int vg_bq_new(vg_bq **out, unsigned nblocks, size_t cap)
{
    vg_bq *q = calloc(1, sizeof *q);
    *out = NULL;
    if (!q)
        return -1;
    q->n = nblocks;
    q->blocks = calloc(nblocks, sizeof *q->blocks);
    q->ring = calloc(nblocks, sizeof *q->ring);
    q->free = calloc(nblocks, sizeof *q->free);
    if (!q->blocks || !q->ring || !q->free || pthread_mutex_init(&q->mu, NULL) != 0) {
        free(q->blocks);
        free(q->ring);
        free(q->free);
        free(q);
        return -1;
    }
    if (pthread_cond_init(&q->changed, NULL) != 0) {
        pthread_mutex_destroy(&q->mu);
        free(q->blocks);
        free(q->ring);
        free(q->free);
        free(q);
        return -1;
    }
    for (unsigned i = 0; i < nblocks; i++) {
        if (!(q->blocks[i].p = malloc(cap))) {
            vg_bq_free(q);
            return -1;
        }
        q->blocks[i].cap = cap;
        q->free[q->nfree++] = &q->blocks[i];
    }
    *out = q;
    return 0;
}

vg_bq_block *vg_bq_get(vg_bq *q)
{
    vg_bq_block *b = NULL;
    pthread_mutex_lock(&q->mu);
    while (!q->nfree && !q->stopped)
        pthread_cond_wait(&q->changed, &q->mu);
    if (!q->stopped) {
        b = q->free[--q->nfree];
        b->len = 0;
    }
    pthread_mutex_unlock(&q->mu);
    return b;
}

void vg_bq_put(vg_bq *q, vg_bq_block *b)
{
    pthread_mutex_lock(&q->mu);
    q->ring[(q->head + q->count++) % q->n] = b;
    pthread_cond_broadcast(&q->changed);
    pthread_mutex_unlock(&q->mu);
}

void vg_bq_close(vg_bq *q)
{
    pthread_mutex_lock(&q->mu);
    q->closed = 1;
    pthread_cond_broadcast(&q->changed);
    pthread_mutex_unlock(&q->mu);
}

vg_bq_block *vg_bq_take(vg_bq *q)
{
    vg_bq_block *b = NULL;
    pthread_mutex_lock(&q->mu);
    while (!q->count && !q->closed)
        pthread_cond_wait(&q->changed, &q->mu);
    if (q->count) {
        b = q->ring[q->head];
        q->head = (q->head + 1) % q->n;
        q->count--;
    }
    pthread_mutex_unlock(&q->mu);
    return b;
}

void vg_bq_release(vg_bq *q, vg_bq_block *b)
{
    pthread_mutex_lock(&q->mu);
    b->len = 0;
    q->free[q->nfree++] = b;
    pthread_cond_broadcast(&q->changed);
    pthread_mutex_unlock(&q->mu);
}

void vg_bq_stop(vg_bq *q)
{
    pthread_mutex_lock(&q->mu);
    q->stopped = 1;
    pthread_cond_broadcast(&q->changed);
    pthread_mutex_unlock(&q->mu);
}

int vg_bq_reserve(vg_bq_block *b, size_t need)
{
    size_t cap = b->cap;
    unsigned char *p;
    if (b->cap - b->len >= need)
        return 0;
    while (cap - b->len < need)
        cap *= 2;
    if (!(p = realloc(b->p, cap)))
        return -1;
    b->p = p;
    b->cap = cap;
    return 0;
}

void vg_bq_free(vg_bq *q)
{
    if (!q)
        return;
    for (unsigned i = 0; i < q->n; i++)
        free(q->blocks[i].p);
    pthread_cond_destroy(&q->changed);
    pthread_mutex_destroy(&q->mu);
    free(q->blocks);
    free(q->ring);
    free(q->free);
    free(q);
}

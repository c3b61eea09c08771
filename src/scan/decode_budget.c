/*
 * The decode budget (decode_budget.h): a count of bytes under a mutex, and a
 * condition the takers wait on. Fairness is not needed: a waiting reader is
 * admitted as soon as the others' pictures are done.
 */
#include "scan/decode_budget.h"

static vg_decode_budget shared = VG_DECODE_BUDGET_INIT(VG_DECODE_BUDGET_BYTES);

vg_decode_budget *vg_decode_budget_shared(void)
{
    return &shared;
}

/* n fits beside what is in use; or, heavier than the whole budget, nothing else is in use. */
static int fits(const vg_decode_budget *b, size_t n)
{
    return b->used == 0 || (n <= b->cap && b->used <= b->cap - n);
}

void vg_decode_budget_take(vg_decode_budget *b, size_t n)
{
    pthread_mutex_lock(&b->mu);
    while (!fits(b, n))
        pthread_cond_wait(&b->cv, &b->mu);
    b->used += n;
    pthread_mutex_unlock(&b->mu);
}

int vg_decode_budget_try(vg_decode_budget *b, size_t n)
{
    int ok;
    pthread_mutex_lock(&b->mu);
    ok = fits(b, n);
    if (ok)
        b->used += n;
    pthread_mutex_unlock(&b->mu);
    return ok;
}

void vg_decode_budget_give(vg_decode_budget *b, size_t n)
{
    pthread_mutex_lock(&b->mu);
    b->used = n < b->used ? b->used - n : 0;
    pthread_cond_broadcast(&b->cv);
    pthread_mutex_unlock(&b->mu);
}

/*
 * Per-key token buckets (rate a second, burst at once) and the counts of requests and
 * hashes each key made, kept in memory and added to the registry now and then: the
 * hashes a client asked about are never kept, only how many.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "serve.h"

typedef struct bucket {
    char key[64];
    double tokens, at;                /* tokens left as of `at` */
    uint64_t requests, hashes;        /* not yet flushed */
    struct bucket *next;
} bucket;

#define SLOTS 256

struct vs_limits {
    pthread_mutex_t lock;
    double rate, burst, flushed;
    bucket *slot[SLOTS];
};

int vs_limits_new(vs_limits **out, double rate, unsigned burst)
{
    vs_limits *l = calloc(1, sizeof *l);
    if (!(*out = l))
        return -1;
    pthread_mutex_init(&l->lock, NULL);
    l->rate = rate;
    l->burst = burst ? burst : 1;
    l->flushed = vs_now();
    return 0;
}

void vs_limits_free(vs_limits *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < SLOTS; i++)
        for (bucket *b = l->slot[i], *next; b; b = next) {
            next = b->next;
            free(b);
        }
    pthread_mutex_destroy(&l->lock);
    free(l);
}

/* The key's bucket (lock held); NULL when memory runs out. */
static bucket *find(vs_limits *l, const char *key, double now)
{
    unsigned h = 5381;
    bucket *b;
    for (const char *p = key; *p; p++)
        h = h * 33 + (unsigned char)*p;
    for (b = l->slot[h % SLOTS]; b; b = b->next)
        if (!strcmp(b->key, key))
            return b;
    if (!(b = calloc(1, sizeof *b)))
        return NULL;
    strncpy(b->key, key, sizeof b->key - 1);
    b->tokens = l->burst;
    b->at = now;
    b->next = l->slot[h % SLOTS];
    l->slot[h % SLOTS] = b;
    return b;
}

unsigned vs_limits_take(vs_limits *l, const char *key, double now)
{
    unsigned wait = 0;
    bucket *b;
    pthread_mutex_lock(&l->lock);
    if ((b = find(l, key, now))) {
        b->tokens = fmin(l->burst, b->tokens + (now - b->at) * l->rate);
        b->at = now;
        if (b->tokens >= 1)
            b->tokens -= 1;
        else
            wait = (unsigned)ceil((1 - b->tokens) / l->rate);
    }
    pthread_mutex_unlock(&l->lock);
    return b ? wait : 1;
}

void vs_limits_count(vs_limits *l, const char *key, uint64_t hashes)
{
    bucket *b;
    pthread_mutex_lock(&l->lock);
    if ((b = find(l, key, vs_now()))) {
        b->requests++;
        b->hashes += hashes;
    }
    pthread_mutex_unlock(&l->lock);
}

void vs_limits_flush(vs_limits *l, vigil_registry *reg, double now, double older_than)
{
    pthread_mutex_lock(&l->lock);
    if (older_than > 0 && now - l->flushed < older_than) {
        pthread_mutex_unlock(&l->lock);
        return;
    }
    l->flushed = now;
    for (size_t i = 0; i < SLOTS; i++)
        for (bucket *b = l->slot[i]; b; b = b->next) {
            vigil_error err;
            if (!b->requests)
                continue;
            /* a failed update keeps the counts for the next flush */
            if (vigil_apikey_count(reg, b->key, b->requests, b->hashes, &err) == 0)
                b->requests = b->hashes = 0;
        }
    pthread_mutex_unlock(&l->lock);
}

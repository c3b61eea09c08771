/*
 * Distinct contents by SHA-256 for the report's totals: an open-addressing table of digests,
 * each with the verdicts it was seen under. Memory grows with distinct contents only
 * (about 40 bytes each), not with items.
 */
#include <stdlib.h>
#include <string.h>

#include "report/html.h"

typedef struct slot {
    uint8_t sha256[32];
    uint8_t used;
    uint8_t verdicts; /* bit per vigil_verdict */
} slot;

struct vg_content_set {
    slot *slots;
    size_t cap, n;
    uint64_t per_verdict[VIGIL_VERDICT__COUNT];
};

vg_content_set *vg_content_set_new(void)
{
    vg_content_set *s = calloc(1, sizeof *s);
    if (s && !(s->slots = calloc(s->cap = 1024, sizeof *s->slots))) {
        free(s);
        return NULL;
    }
    return s;
}

static size_t home(const uint8_t *d, size_t cap)
{
    uint64_t h;
    memcpy(&h, d, sizeof h); /* SHA-256 bytes are already uniform */
    return (size_t)(h & (cap - 1));
}

static slot *find(slot *slots, size_t cap, const uint8_t *d)
{
    size_t i = home(d, cap);
    while (slots[i].used && memcmp(slots[i].sha256, d, 32))
        i = (i + 1) & (cap - 1);
    return &slots[i];
}

static int grow(vg_content_set *s)
{
    size_t cap = s->cap * 2;
    slot *n = calloc(cap, sizeof *n);
    if (!n)
        return -1;
    for (size_t i = 0; i < s->cap; i++)
        if (s->slots[i].used)
            *find(n, cap, s->slots[i].sha256) = s->slots[i];
    free(s->slots);
    s->slots = n;
    s->cap = cap;
    return 0;
}

int vg_content_set_add(vg_content_set *s, const uint8_t sha256[32], vigil_verdict v)
{
    slot *e;
    if ((unsigned)v >= VIGIL_VERDICT__COUNT)
        return 0;
    if ((s->n + 1) * 4 > s->cap * 3 && grow(s) < 0)
        return -1;
    e = find(s->slots, s->cap, sha256);
    if (!e->used) {
        memcpy(e->sha256, sha256, 32);
        e->used = 1;
        s->n++;
    }
    if (!(e->verdicts & 1u << v)) {
        e->verdicts |= (uint8_t)(1u << v);
        s->per_verdict[v]++;
    }
    return 0;
}

uint64_t vg_content_set_count(const vg_content_set *s, int verdict)
{
    if (!s)
        return 0;
    return verdict < 0 ? s->n : verdict < VIGIL_VERDICT__COUNT ? s->per_verdict[verdict] : 0;
}

void vg_content_set_free(vg_content_set *s)
{
    if (s)
        free(s->slots);
    free(s);
}

/*
 * near_brute: the near links of docs/links.md by brute force, every pair of pictures compared,
 * for bench/links.sh to hold against the links vigil keeps. Reads "case|key|verdict|quality|size|
 * hashes" rows (hashes: the plain PDQ hash, then the seven other orientations when known, 64 hex
 * digits each) and prints "a b near illegal interest unknown" for every pair of cases with near
 * pictures. Nothing of vigil is used: the rule is written out again here.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RADIUS 31

typedef struct pic {
    long cs;
    char key[72], verdict[12];
    int n;              /* hashes known: 1 or 8 */
    uint64_t h[8][4];
} pic;

typedef struct link {
    long a, b;
    long near, illegal, interest, unknown;
} link;

static int dist(const uint64_t *x, const uint64_t *y)
{
    int d = 0;
    for (int i = 0; i < 4; i++)
        d += __builtin_popcountll(x[i] ^ y[i]);
    return d;
}

static int parse_hash(uint64_t out[4], const char *s)
{
    for (int i = 0; i < 4; i++) {
        char w[17];
        memcpy(w, s + 16 * i, 16);
        w[16] = '\0';
        out[i] = strtoull(w, NULL, 16);
    }
    return 0;
}

/* One side's orientation against the other's plain hash, either way round. */
static int near(const pic *x, const pic *y)
{
    for (int k = 0; k < x->n; k++)
        if (dist(x->h[k], y->h[0]) <= RADIUS)
            return 1;
    for (int k = 1; k < y->n; k++)
        if (dist(x->h[0], y->h[k]) <= RADIUS)
            return 1;
    return 0;
}

static int cmp_link(const void *p, const void *q)
{
    const link *a = p, *b = q;
    if (a->a != b->a)
        return a->a < b->a ? -1 : 1;
    return (a->b > b->b) - (a->b < b->b);
}

int main(void)
{
    pic *p = NULL;
    link *l = NULL;
    size_t n = 0, cap = 0, nl = 0, lcap = 0;
    char line[1024];
    while (fgets(line, sizeof line, stdin)) {
        char *f[6], *s = line;
        int q, k = 0;
        long size;
        for (k = 0; k < 6 && s; k++) {
            f[k] = s;
            if ((s = strchr(s, '|')))
                *s++ = '\0';
        }
        if (k < 6)
            continue;
        f[5][strcspn(f[5], "\n")] = '\0';
        q = atoi(f[3]);
        size = atol(f[4]);
        /* linkable: quality 50 or more, not empty, known by digests, not benign or an error */
        if (q < 50 || size <= 0 || f[1][0] == '@' || !strcmp(f[2], "benign") || !strcmp(f[2], "error"))
            continue;
        if (strlen(f[5]) != 64 && strlen(f[5]) != 512)
            continue;
        if (n == cap && !(p = realloc(p, (cap = cap ? 2 * cap : 1024) * sizeof *p)))
            return 2;
        p[n].cs = atol(f[0]);
        snprintf(p[n].key, sizeof p[n].key, "%s", f[1]);
        snprintf(p[n].verdict, sizeof p[n].verdict, "%s", f[2]);
        p[n].n = strlen(f[5]) == 512 ? 8 : 1;
        for (int i = 0; i < p[n].n; i++)
            parse_hash(p[n].h[i], f[5] + 64 * i);
        n++;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            const pic *x = &p[i], *y = &p[j];
            link *e = NULL;
            long a, b;
            if (x->cs == y->cs || !strcmp(x->key, y->key) || !near(x, y))
                continue;
            a = x->cs < y->cs ? x->cs : y->cs;
            b = x->cs < y->cs ? y->cs : x->cs;
            for (size_t m = 0; m < nl && !e; m++)   /* few linked pairs: a list will do */
                if (l[m].a == a && l[m].b == b)
                    e = &l[m];
            if (!e) {
                if (nl == lcap && !(l = realloc(l, (lcap = lcap ? 2 * lcap : 256) * sizeof *l)))
                    return 2;
                e = &l[nl++];
                memset(e, 0, sizeof *e);
                e->a = a;
                e->b = b;
            }
            e->near++;
            if (!strcmp(x->verdict, "illegal") || !strcmp(y->verdict, "illegal"))
                e->illegal++;
            else if (!strcmp(x->verdict, "interest") || !strcmp(y->verdict, "interest") ||
                     !strcmp(x->verdict, "near") || !strcmp(y->verdict, "near"))
                e->interest++;
            else if (!strcmp(x->verdict, "unknown") && !strcmp(y->verdict, "unknown"))
                e->unknown++;
        }
    qsort(l, nl, sizeof *l, cmp_link);
    for (size_t m = 0; m < nl; m++)
        printf("%ld %ld %ld %ld %ld %ld\n", l[m].a, l[m].b, l[m].near, l[m].illegal, l[m].interest, l[m].unknown);
    free(p);
    free(l);
    return 0;
}

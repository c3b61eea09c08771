/*
 * bench_sniff: what MIME typing costs per item, and how often it agrees with
 * `file --mime-type`. Reads the expected list (lines "PATH<TAB>MIME", as
 * `file --mime-type -N -F '<TAB>'` writes them, a space before the type
 * allowed), keeps each file's first VG_SNIFF_BYTES in memory as the scan
 * does, then types every head BENCH_SNIFF_REPEAT (default 3) times and prints
 * the median ns per item, split by who decided (vigil's signature table, its
 * text classifier, or libmagic) and by file's answer within each, and the
 * agreement with the list. With "magic PREFIX FLAGS" instead of
 * "vigil" it times plain libmagic on PREFIX bytes with extra MAGIC_* flags
 * (a number), which is how the prefix and flags of sniff.c were chosen.
 * Figures only, never pass/fail.
 *
 * usage: bench_sniff LIST vigil [--diff]
 *        bench_sniff LIST magic PREFIX FLAGS [--diff]
 */
#include <fcntl.h>
#include <magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "media/sniff.h"
#include "media/sniff_formats.h"

typedef struct sample {
    char *path;
    char *want;
    uint8_t *head;
    size_t n;
    int who;   /* vg_sniff_by: who decided */
    int same;  /* agrees with file */
    size_t cls; /* index of (who, want) in the class table */
} sample;

/* One class of items: who decided and what file says; timed as one batch. */
typedef struct klass {
    int who;
    const char *want;
    size_t items, agree;
    double t[64], med; /* seconds per run; their median */
} klass;

static const char *const who_name[] = {"table", "text", "data", "libmagic"};

/* CPU time of this process: other builds share the machine, and sniffing is pure computation. */
static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static size_t load(const char *list, sample **out)
{
    FILE *f = fopen(list, "r");
    char line[8192];
    size_t n = 0, cap = 0;
    sample *s = NULL;
    if (!f) {
        perror(list);
        exit(2);
    }
    while (fgets(line, sizeof line, f)) {
        char *tab = strchr(line, '\t'), *m;
        int fd;
        ssize_t got;
        if (!tab)
            continue;
        *tab = 0;
        m = tab + 1;
        while (*m == ' ')
            m++;
        m[strcspn(m, "\n")] = 0;
        if (n == cap && !(s = realloc(s, (cap = cap ? cap * 2 : 1024) * sizeof *s)))
            exit(3);
        if ((fd = open(line, O_RDONLY | O_NOFOLLOW)) < 0)
            continue;
        s[n].head = malloc(VG_SNIFF_BYTES);
        got = s[n].head ? read(fd, s[n].head, VG_SNIFF_BYTES) : -1;
        close(fd);
        if (got < 0) {
            free(s[n].head);
            continue;
        }
        s[n].n = (size_t)got;
        s[n].path = strdup(line);
        s[n].want = strdup(m);
        n++;
    }
    fclose(f);
    *out = s;
    return n;
}

static int type(vg_sniffer *sn, magic_t mg, size_t prefix, const sample *x, char *mime, size_t cap)
{
    const char *m;
    if (sn)
        return (int)vg_sniff_mime(sn, x->head, x->n, mime, cap);
    m = magic_buffer(mg, x->head, x->n < prefix ? x->n : prefix);
    snprintf(mime, cap, "%s", m ? m : "application/octet-stream");
    return VG_SNIFF_BY_MAGIC;
}

static size_t class_of(klass **k, size_t *nk, int who, const char *want)
{
    for (size_t i = 0; i < *nk; i++)
        if ((*k)[i].who == who && !strcmp((*k)[i].want, want))
            return i;
    if (!(*k = realloc(*k, (*nk + 1) * sizeof **k)))
        exit(3);
    memset(&(*k)[*nk], 0, sizeof **k);
    (*k)[*nk].who = who;
    (*k)[*nk].want = want;
    return (*nk)++;
}

static double median(double *t, int reps)
{
    qsort(t, (size_t)reps, sizeof(double), cmp_double);
    return t[reps / 2];
}

/* Classes by the time they take, most first. */
static int cmp_class_time(const void *a, const void *b)
{
    const klass *x = a, *y = b;
    return x->med < y->med ? 1 : x->med > y->med ? -1 : 0;
}

int main(int argc, char **argv)
{
    sample *s;
    klass *k = NULL;
    size_t n, nk = 0, agree = 0, by[4] = {0}, by_agree[4] = {0};
    int use_magic, diff = argc > 1 && !strcmp(argv[argc - 1], "--diff");
    size_t prefix = 0, top = getenv("BENCH_SNIFF_CLASSES") ? strtoul(getenv("BENCH_SNIFF_CLASSES"), NULL, 10) : 20;
    int flags = 0, reps = getenv("BENCH_SNIFF_REPEAT") ? atoi(getenv("BENCH_SNIFF_REPEAT")) : 3;
    double t_all[64], t_by[4][64];
    vg_sniffer *sn = NULL;
    magic_t mg = NULL;
    vigil_error err;
    char mime[128];
    if (argc < 3 || (strcmp(argv[2], "vigil") && (strcmp(argv[2], "magic") || argc < 5))) {
        fprintf(stderr, "usage: bench_sniff LIST vigil [--diff] | LIST magic PREFIX FLAGS [--diff]\n");
        return 2;
    }
    use_magic = !strcmp(argv[2], "magic");
    if (reps < 1 || reps > 64)
        reps = 3;
    if (use_magic) {
        prefix = strtoul(argv[3], NULL, 0);
        flags = (int)strtol(argv[4], NULL, 0);
        mg = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS | MAGIC_ERROR | flags);
        if (!mg || magic_load(mg, NULL) != 0)
            return 4;
    } else if (vg_sniffer_new(&sn, &err) < 0) {
        fprintf(stderr, "%s\n", err.msg);
        return 4;
    }
    n = load(argv[1], &s);
    /* BENCH_SNIFF_REST=1 with magic: time libmagic only on what vigil's table leaves to it */
    if (use_magic && getenv("BENCH_SNIFF_REST")) {
        size_t kept = 0;
        for (size_t i = 0; i < n; i++) {
            const vg_format *f = vg_sniff_format(s[i].head, s[i].n);
            if (s[i].n > 0 && !(f && f->mime))
                s[kept++] = s[i];
            else
                free(s[i].path), free(s[i].want), free(s[i].head);
        }
        n = kept;
    }
    /* Who decides and the agreement, once; then each class timed as one batch, so the clock costs nothing per item. */
    for (size_t i = 0; i < n; i++) {
        s[i].who = type(sn, mg, prefix, &s[i], mime, sizeof mime);
        s[i].same = !strcmp(mime, s[i].want);
        s[i].cls = class_of(&k, &nk, s[i].who, s[i].want);
        k[s[i].cls].items++;
        k[s[i].cls].agree += s[i].same;
        agree += s[i].same;
        by[s[i].who]++;
        by_agree[s[i].who] += s[i].same;
        if (diff && !s[i].same)
            printf("diff\t%s\t%s\t%s\n", mime, s[i].want, s[i].path);
    }
    for (int r = 0; r < reps; r++) {
        t_all[r] = 0;
        for (int w = 0; w < 4; w++)
            t_by[w][r] = 0;
        for (size_t c = 0; c < nk; c++) {
            double t0 = now();
            for (size_t i = 0; i < n; i++)
                if (s[i].cls == c)
                    type(sn, mg, prefix, &s[i], mime, sizeof mime);
            k[c].t[r] = now() - t0;
            t_by[k[c].who][r] += k[c].t[r];
            t_all[r] += k[c].t[r];
        }
    }
    printf("items %zu, agree with file %zu (%.2f%%), median of %d runs: %.0f ns CPU per item, %.3f s in all\n", n, agree,
           n ? 100.0 * (double)agree / (double)n : 0, reps, n ? 1e9 * median(t_all, reps) / (double)n : 0,
           median(t_all, reps));
    for (int w = 0; w < 4; w++)
        if (by[w])
            printf("  %-8s decided %6zu items (agree %5.2f%%): %8.0f ns CPU per item, %.3f s\n", who_name[w], by[w],
                   100.0 * (double)by_agree[w] / (double)by[w], 1e9 * median(t_by[w], reps) / (double)by[w],
                   median(t_by[w], reps));
    for (size_t c = 0; c < nk; c++)
        k[c].med = median(k[c].t, reps);
    qsort(k, nk, sizeof *k, cmp_class_time);
    printf("  by who decided and file's answer, the %zu costliest classes:\n", top < nk ? top : nk);
    for (size_t c = 0; c < nk && c < top; c++)
        printf("    %-8s %-36s %6zu items, agree %6.2f%%, %8.0f ns CPU per item, %.3f s\n", who_name[k[c].who],
               k[c].want, k[c].items, 100.0 * (double)k[c].agree / (double)k[c].items,
               1e9 * k[c].med / (double)k[c].items, k[c].med);
    for (size_t i = 0; i < n; i++)
        free(s[i].path), free(s[i].want), free(s[i].head);
    free(s);
    free(k);
    vg_sniffer_free(sn);
    if (mg)
        magic_close(mg);
    return 0;
}

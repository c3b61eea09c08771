/*
 * bench_sniff: what MIME typing costs per item, and how often it agrees with
 * `file --mime-type`. Reads the expected list (lines "PATH<TAB>MIME", as
 * `file --mime-type -N -F '<TAB>'` writes them, a space before the type
 * allowed), keeps each file's first VG_SNIFF_BYTES in memory as the scan
 * does, then types every head BENCH_SNIFF_REPEAT (default 3) times and prints
 * the median ns per item, split by who decided (vigil's sniffers or libmagic),
 * and the agreement with the list. With "magic PREFIX FLAGS" instead of
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
    int ours; /* decided by vigil's sniffers */
} sample;

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

static void type(vg_sniffer *sn, magic_t mg, size_t prefix, const sample *x, char *mime, size_t cap)
{
    if (sn) {
        vg_sniff_mime(sn, x->head, x->n, mime, cap);
    } else {
        const char *m = magic_buffer(mg, x->head, x->n < prefix ? x->n : prefix);
        snprintf(mime, cap, "%s", m ? m : "application/octet-stream");
    }
}

int main(int argc, char **argv)
{
    sample *s;
    size_t n, agree = 0, ours = 0, ours_agree = 0;
    int use_magic, diff = argc > 1 && !strcmp(argv[argc - 1], "--diff");
    size_t prefix = 0;
    int flags = 0, reps = getenv("BENCH_SNIFF_REPEAT") ? atoi(getenv("BENCH_SNIFF_REPEAT")) : 3;
    double t_all[64], t_ours[64], t_lib[64];
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
    /* who decides: vigil's sniffers (an empty file, or a format with a MIME type) or libmagic */
    for (size_t i = 0; i < n; i++) {
        const vg_format *f = vg_sniff_format(s[i].head, s[i].n);
        s[i].ours = s[i].n == 0 || (f && f->mime);
    }
    /* BENCH_SNIFF_REST=1 with magic: time libmagic on what the sniffers leave to it, only */
    if (use_magic && getenv("BENCH_SNIFF_REST")) {
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (!s[i].ours)
                s[k++] = s[i];
            else
                free(s[i].path), free(s[i].want), free(s[i].head);
        n = k;
    }
    if (use_magic)
        for (size_t i = 0; i < n; i++)
            s[i].ours = 0;
    /* Agreement, once; then each class timed as one batch, so the clock costs nothing per item. */
    for (size_t i = 0; i < n; i++) {
        int same;
        type(use_magic ? NULL : sn, mg, prefix, &s[i], mime, sizeof mime);
        same = !strcmp(mime, s[i].want);
        agree += same;
        ours += s[i].ours;
        ours_agree += s[i].ours && same;
        if (diff && !same)
            printf("diff\t%s\t%s\t%s\n", mime, s[i].want, s[i].path);
    }
    for (int r = 0; r < reps; r++) {
        for (int cls = 1; cls >= 0; cls--) {
            double t0 = now();
            for (size_t i = 0; i < n; i++)
                if (s[i].ours == cls)
                    type(use_magic ? NULL : sn, mg, prefix, &s[i], mime, sizeof mime);
            *(cls ? &t_ours[r] : &t_lib[r]) = now() - t0;
        }
        t_all[r] = t_ours[r] + t_lib[r];
    }
    qsort(t_all, (size_t)reps, sizeof(double), cmp_double);
    qsort(t_ours, (size_t)reps, sizeof(double), cmp_double);
    qsort(t_lib, (size_t)reps, sizeof(double), cmp_double);
    printf("items %zu, agree with file %zu (%.2f%%), median of %d runs: %.0f ns CPU per item, %.3f s in all\n", n, agree,
           n ? 100.0 * (double)agree / (double)n : 0, reps, n ? 1e9 * t_all[reps / 2] / (double)n : 0,
           t_all[reps / 2]);
    if (!use_magic)
        printf("  sniffer-decided %zu items (agree %zu): %.0f ns CPU per item; libmagic-decided %zu items: %.0f ns CPU per item\n",
               ours, ours_agree, ours ? 1e9 * t_ours[reps / 2] / (double)ours : 0, n - ours,
               n - ours ? 1e9 * t_lib[reps / 2] / (double)(n - ours) : 0);
    for (size_t i = 0; i < n; i++)
        free(s[i].path), free(s[i].want), free(s[i].head);
    free(s);
    vg_sniffer_free(sn);
    if (mg)
        magic_close(mg);
    return 0;
}

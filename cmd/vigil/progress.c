/* Terminal progress: pre-count in a thread, redraw from the sink, clear at the end. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "progress.h"
#include "vigil/scan.h"

struct cli_progress {
    pthread_t counter;
    const char *const *paths;
    size_t npaths;
    volatile sig_atomic_t *stop;
    volatile sig_atomic_t counted;    /* set once totals are known */
    uint64_t total_files, total_bytes;
    uint64_t files, items, bytes;
    double start, last;
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *count_main(void *arg)
{
    cli_progress *p = arg;
    uint64_t files, bytes;
    vigil_scan_precount(&files, &bytes, p->paths, p->npaths, p->stop);
    p->total_files = files;
    p->total_bytes = bytes;
    __atomic_store_n(&p->counted, 1, __ATOMIC_RELEASE);
    return NULL;
}

cli_progress *cli_progress_start(const char *const *paths, size_t npaths, volatile sig_atomic_t *stop,
                                 int enabled)
{
    cli_progress *p;
    if (!enabled || !(p = calloc(1, sizeof *p)))
        return NULL;
    p->paths = paths;
    p->npaths = npaths;
    p->stop = stop;
    p->start = p->last = now();
    if (pthread_create(&p->counter, NULL, count_main, p) != 0) {
        free(p);
        return NULL;
    }
    return p;
}

static void human(char *buf, size_t cap, double v)
{
    const char *units[] = {"B", "KB", "MB", "GB", "TB"};
    int u = 0;
    while (v >= 1000 && u < 4) {
        v /= 1000;
        u++;
    }
    snprintf(buf, cap, "%.1f %s", v, units[u]);
}

static void draw(cli_progress *p, double t)
{
    char done[32], total[32], rate[32];
    double secs = t - p->start, bps = secs > 0 ? p->bytes / secs : 0;
    human(done, sizeof done, (double)p->bytes);
    human(rate, sizeof rate, bps);
    if (__atomic_load_n(&p->counted, __ATOMIC_ACQUIRE) && p->total_bytes) {
        double frac = (double)p->bytes / (double)p->total_bytes;
        int bar = (int)(frac * 20 + 0.5), eta = bps > 0 ? (int)((p->total_bytes - (frac > 1 ? p->total_bytes : p->bytes)) / bps) : 0;
        human(total, sizeof total, (double)p->total_bytes);
        fprintf(stderr, "\r[%-20.*s] %llu/%llu files, %s/%s, %s/s, ETA %d:%02d  ", bar > 20 ? 20 : bar,
                "####################", (unsigned long long)p->files, (unsigned long long)p->total_files, done,
                total, rate, eta / 60, eta % 60);
    } else {
        fprintf(stderr, "\r%llu items, %s, %s/s (counting...)  ", (unsigned long long)p->items, done, rate);
    }
}

void cli_progress_item(cli_progress *p, uint64_t bytes, int on_disk)
{
    double t;
    if (!p)
        return;
    p->items++;
    if (on_disk) {
        p->files++;
        p->bytes += bytes;
    }
    if ((p->items & 63) != 0 && p->items > 64)
        return; /* look at the clock only now and then */
    t = now();
    if (t - p->last < 0.2)
        return;
    p->last = t;
    draw(p, t);
}

void cli_progress_clear(cli_progress *p)
{
    if (p)
        fputs("\r\033[K", stderr);
}

void cli_progress_finish(cli_progress *p)
{
    if (!p)
        return;
    pthread_join(p->counter, NULL);
    fprintf(stderr, "\r%80s\r", "");
    free(p);
}

/*
 * Terminal progress: pre-count in a thread, redraw from the sink, clear at the end. The bar follows
 * the bytes of files on disk, the part the pre-count can know; archive members and the items of
 * disk images come on top of it, so the bar stops at 99% until the scan ends, and a total the scan
 * outgrows (files that grew, or were added) grows with it: it never passes 100%.
 * The pre-count starts at the first item: by then a scan has forked its parser workers, and a fork
 * while another thread walks the tree could leave a worker stuck on a lock that thread held.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "progress.h"
#include "vigil/scan.h"

struct cli_progress {
    pthread_t counter;
    int counter_state;               /* 0: not started yet, 1: running or done, -1: could not start */
    const char *const *paths;
    size_t npaths;
    volatile sig_atomic_t *stop;
    volatile sig_atomic_t counted;    /* set once totals are known */
    uint64_t total_files, total_bytes;
    uint64_t files, items, bytes;
    uint64_t illegal, near, unknown; /* running counts of the verdicts that matter most */
    int verdicts;                    /* a scan gives verdicts; vigil hash does not */
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
    p->start = now();
    p->last = 0; /* the first item draws: a scan never looks idle */
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
    fputs("\r\033[K", stderr);
    if (__atomic_load_n(&p->counted, __ATOMIC_ACQUIRE) && p->total_bytes) {
        uint64_t tbytes = p->total_bytes > p->bytes ? p->total_bytes : p->bytes;
        uint64_t tfiles = p->total_files > p->files ? p->total_files : p->files;
        int pct = (int)((double)p->bytes * 100 / (double)tbytes), eta = bps > 0 ? (int)((tbytes - p->bytes) / bps) : 0;
        if (pct > 99)
            pct = 99; /* 100% is the end of the scan, which only finish knows */
        human(total, sizeof total, (double)tbytes);
        fprintf(stderr, "[%-20.*s] %2d%% %llu/%llu files, %s/%s, %s/s, ETA %d:%02d", pct / 5,
                "####################", pct, (unsigned long long)p->files, (unsigned long long)tfiles, done,
                total, rate, eta / 60, eta % 60);
    } else {
        fprintf(stderr, "%s, %s/s (counting...)", done, rate);
    }
    if (p->verdicts)
        fprintf(stderr, "; %llu items: %llu illegal, %llu near, %llu unknown", (unsigned long long)p->items,
                (unsigned long long)p->illegal, (unsigned long long)p->near, (unsigned long long)p->unknown);
}

void cli_progress_verdict(cli_progress *p, vigil_verdict v)
{
    if (!p)
        return;
    p->verdicts = 1;
    p->illegal += v == VIGIL_VERDICT_ILLEGAL;
    p->near += v == VIGIL_VERDICT_NEAR;
    p->unknown += v == VIGIL_VERDICT_UNKNOWN;
}

void cli_progress_item(cli_progress *p, uint64_t bytes, int on_disk)
{
    double t;
    if (!p)
        return;
    if (!p->counter_state) /* one sink thread calls this */
        p->counter_state = pthread_create(&p->counter, NULL, count_main, p) == 0 ? 1 : -1;
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
    if (p->counter_state == 1)
        pthread_join(p->counter, NULL);
    fputs("\r\033[K", stderr);
    free(p);
}

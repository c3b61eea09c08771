/*
 * bench_carve: carve one file (read-only, the whole file as one extent, read
 * with pread in the carver's windows) and print its figures: bytes, time,
 * MB/s, candidates, carved, rejected, peak RSS. With --list, one line per hit
 * first: "hit OFFSET LENGTH TYPE SHA256" for the bench script to compare with
 * what it planted. Figures only, never pass/fail.
 *
 * usage: bench_carve [--list] [--max-size BYTES] FILE
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "carve/carve.h"
#include "vigil/digest.h"

typedef struct listing {
    int list;
} listing;

static ssize_t file_pread(void *ctx, void *buf, size_t n, uint64_t off)
{
    return pread(*(int *)ctx, buf, n, (off_t)off);
}

static int on_hit(void *ud, const vg_carve_hit *hit, vigil_error *err)
{
    const listing *l = ud;
    vigil_digests d;
    char hex[65];
    if (!l->list)
        return 0;
    if (vigil_digest_buffer(&d, hit->data, (size_t)hit->length, err) < 0)
        return err->code;
    vigil_hex(hex, d.sha256, 32);
    printf("hit %" PRIu64 " %" PRIu64 " %s %s\n", hit->offset, hit->length, hit->type, hex);
    return 0;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    listing l = {0};
    vg_carve_opts o = {0};
    vg_carve_extent e;
    vg_carve_stats st;
    vigil_error err;
    struct rusage ru;
    struct stat sb;
    const char *path = NULL;
    double t0, t;
    int fd, rc;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--list"))
            l.list = 1;
        else if (!strcmp(argv[i], "--max-size") && i + 1 < argc)
            o.max_size = strtoull(argv[++i], NULL, 10);
        else
            path = argv[i];
    }
    if (!path) {
        fprintf(stderr, "usage: bench_carve [--list] [--max-size BYTES] FILE\n");
        return 2;
    }
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &sb) < 0) {
        fprintf(stderr, "bench_carve: %s: %s\n", path, strerror(errno));
        return 3;
    }
    e = (vg_carve_extent){0, (uint64_t)sb.st_size};
    t0 = now();
    rc = vg_carve(&e, 1, file_pread, &fd, &o, on_hit, &l, &st, &err);
    t = now() - t0;
    close(fd);
    if (rc < 0) {
        fprintf(stderr, "bench_carve: %s\n", err.msg);
        return 3;
    }
    getrusage(RUSAGE_SELF, &ru);
    printf("bench carve_throughput %" PRIu64 " bytes in %.2f s = %.1f MB/s\n", st.bytes_scanned, t,
           (double)st.bytes_scanned / 1e6 / t);
    printf("bench carve_counts candidates %" PRIu64 " carved %" PRIu64 " rejected %" PRIu64 "\n", st.candidates,
           st.carved, st.rejected);
    printf("bench carve_peak_rss %.1f MiB\n", (double)ru.ru_maxrss / 1024);
    return 0;
}

/*
 * bench_vics FILE [FORMAT]: read a hash list (default: VICS JSON) through its
 * reader into a sink that only counts, in this one thread, and print records,
 * records/s, MB/s, wall and CPU seconds and peak RSS. Figures, never pass/fail.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "formats/formats.h"

typedef struct counts {
    unsigned long long records, rejects, digests;
} counts;

static int on_record(void *ud, const vg_hs_record *r, vigil_error *err)
{
    counts *c = ud;
    (void)err;
    c->records++;
    c->digests += r->has_md5 + r->has_sha1 + r->has_sha256; /* touch the record */
    return 0;
}

static int on_reject(void *ud, const char *where, const char *why, vigil_error *err)
{
    counts *c = ud;
    (void)where, (void)why, (void)err;
    c->rejects++;
    return 0;
}

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    counts c = {0};
    vg_hs_sink sink = {on_record, on_reject, NULL, NULL, &c};
    vg_hs_read_opts o;
    vigil_hashset_format fmt = VIGIL_FORMAT_VICS;
    vigil_error err;
    struct stat sb;
    struct rusage ru;
    double t0, c0, wall, cpu;
    const char *name;
    int fd, rc;
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE [FORMAT]\n", argv[0]);
        return 2;
    }
    if (argc > 2 && vigil_hashset_format_parse(&fmt, argv[2]) < 0) {
        fprintf(stderr, "bench_vics: unknown format %s\n", argv[2]);
        return 2;
    }
    if ((fd = open(argv[1], O_RDONLY)) < 0 || fstat(fd, &sb) < 0) {
        perror(argv[1]);
        return 1;
    }
    memset(&o, 0, sizeof o);
    o.label = argv[1];
    o.format = fmt;
    t0 = clock_s(CLOCK_MONOTONIC);
    c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
    rc = vg_hs_format_get(fmt)->read(fd, argv[1], &o, &sink, &err);
    wall = clock_s(CLOCK_MONOTONIC) - t0;
    cpu = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
    close(fd);
    if (rc < 0) {
        fprintf(stderr, "bench_vics: %s\n", err.msg);
        return 1;
    }
    getrusage(RUSAGE_SELF, &ru);
    name = vigil_hashset_format_name(fmt);
    printf("bench %s_read records %llu rejects %llu bytes %lld\n", name, c.records, c.rejects, (long long)sb.st_size);
    printf("bench %s_read wall %.3f s cpu %.3f s\n", name, wall, cpu);
    printf("bench %s_read %.0f records/s (wall) %.0f records/s (cpu) %.1f MB/s (wall)\n", name, c.records / wall,
           c.records / cpu, sb.st_size / wall / 1e6);
    printf("bench %s_read peak_rss %ld KiB\n", name, ru.ru_maxrss);
    return 0;
}

/*
 * One hash list through its reader with a sink that only counts: the reader's
 * own speed, without the index behind it. Prints one line of figures.
 * usage: bench_hsread FORMAT FILE [BASE]   (FORMAT as --format names it)
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "formats/formats.h"

typedef struct tally {
    uint64_t records, rejects;
    unsigned mix; /* depends on every digest, so nothing is optimised away */
} tally;

static int count_record(void *ud, const vg_hs_record *r, vigil_error *err)
{
    tally *t = ud;
    (void)err;
    t->records++;
    t->mix += r->sha256[0] ^ r->sha1[19] ^ r->md5[7] ^ (unsigned)r->name_len;
    return 0;
}

static int count_reject(void *ud, const char *where, const char *why, vigil_error *err)
{
    tally *t = ud;
    (void)where, (void)why, (void)err;
    t->rejects++;
    return 0;
}

static double now(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    vigil_hashset_format f;
    const vg_hs_format *row;
    tally t = {0, 0, 0};
    vg_hs_sink sink = {count_record, count_reject, NULL, NULL, &t};
    vg_hs_read_opts o = {0};
    vigil_error err;
    struct rusage ru;
    double w0, c0, w, c;
    int fd, rc;
    if (argc < 3 || vigil_hashset_format_parse(&f, argv[1]) != 0 || !(row = vg_hs_format_get(f))) {
        fprintf(stderr, "usage: bench_hsread FORMAT FILE [BASE]\n");
        return 2;
    }
    o.label = argv[2];
    o.format = f;
    o.base = argc > 3 ? argv[3] : NULL;
    if ((fd = open(argv[2], O_RDONLY)) < 0) {
        perror(argv[2]);
        return 2;
    }
    w0 = now(CLOCK_MONOTONIC);
    c0 = now(CLOCK_PROCESS_CPUTIME_ID);
    rc = row->read(fd, argv[2], &o, &sink, &err);
    w = now(CLOCK_MONOTONIC) - w0;
    c = now(CLOCK_PROCESS_CPUTIME_ID) - c0;
    close(fd);
    if (rc != 0) {
        fprintf(stderr, "bench_hsread: %s\n", err.msg);
        return 1;
    }
    getrusage(RUSAGE_SELF, &ru);
    printf("records %llu rejects %llu seconds %.3f cpu_seconds %.3f rows_per_s %.0f maxrss_kib %ld mix %u\n",
           (unsigned long long)t.records, (unsigned long long)t.rejects, w, c, (double)t.records / w, ru.ru_maxrss,
           t.mix & 1);
    return 0;
}

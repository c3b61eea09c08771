/*
 * bench_links URL FIRST LAST [near]: bring the links of cases FIRST..LAST of the registry at URL up
 * to date, one transaction per case, as storing each case's items would (vg_links_update); prints
 * the seconds it took and the links held afterwards. bench/links.sh uses it to link the cases
 * it generated straight into the database, and with "near" to time only the near part
 * (vg_links_near_update: case_pdq written again, the other cases' pictures read and indexed, the
 * case's searched), rolled back (figures, not pass/fail).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cases/links.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    vigil_registry *reg;
    vigil_error err;
    char at[24];
    int64_t links = 0;
    double t0;
    int near = argc == 5 && !strcmp(argv[4], "near");
    if (argc != 4 && !near) {
        fprintf(stderr, "usage: bench_links URL FIRST LAST [near]\n");
        return 2;
    }
    if (vigil_registry_open(&reg, argv[1], &err) < 0) {
        fprintf(stderr, "bench_links: %s\n", err.msg);
        return 2;
    }
    vg_iso(at, vg_now());
    t0 = now_s();
    for (long c = atol(argv[2]); c <= atol(argv[3]); c++) {
        if (vg_db_begin(reg->db, &err) < 0 ||
            (near ? vg_links_near_update(reg, c, at, &err) : vg_links_update(reg, c, at, &err)) < 0 ||
            (near ? (vg_db_rollback(reg->db), 0) : vg_db_commit(reg->db, &err)) < 0) {
            fprintf(stderr, "bench_links: case %ld: %s\n", c, err.msg);
            vg_db_rollback(reg->db);
            vigil_registry_close(reg);
            return 2;
        }
    }
    if (vg_db_int(reg->db, &links, "SELECT count(*) FROM case_links", NULL, 0, &err) < 0)
        links = -1;
    printf("%.3f %lld\n", now_s() - t0, (long long)links);
    vigil_registry_close(reg);
    return 0;
}

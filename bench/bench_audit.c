/*
 * bench_audit DIR: figures for the audit log on an SQLite file in DIR (figures, not pass/fail).
 *   appended events per second, one event per transaction (as the CLI writes them) and 1000
 *   per transaction; the latency of a checkpoint after each event (p50, p99); the time of
 *   the chain check and of the signed-checkpoint check over 10k and 100k events.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit/audit.h"
#include "store/db.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const vigil_error *err)
{
    fprintf(stderr, "bench_audit: %s\n", err->msg);
    exit(2);
}

/* n events, per_tx of them in each transaction */
static void append_n(vg_db *db, int64_t *next, int n, int per_tx)
{
    vigil_error err;
    char obj[32];
    for (int i = 0; i < n; i += per_tx) {
        if (vg_db_begin(db, &err) < 0)
            die(&err);
        for (int k = 0; k < per_tx && i + k < n; k++) {
            snprintf(obj, sizeof obj, "case:%lld", (long long)(++*next % 5000 + 1));
            if (vg_audit_append_state(db, NULL, "officer-1", "case.status", obj, "to=investigating",
                                      "4f5d70658a10bf3caba3869fb4914a3b0de30ce22b2ed740935a6cd4744e4c16", 0, &err) < 0)
                die(&err);
        }
        if (vg_db_commit(db, &err) < 0)
            die(&err);
    }
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void verify_time(vg_db *db, const char *pub, int64_t events)
{
    vigil_audit_report rep;
    vigil_error err;
    double t0 = now_s(), t1, t2;
    if (vg_audit_verify(&rep, db, &err) < 0)
        die(&err);
    t1 = now_s();
    if (vg_audit_check_anchor(&rep, db, pub, NULL, &err) < 0)
        die(&err);
    t2 = now_s();
    if (rep.bad_seq || rep.events != events) {
        fprintf(stderr, "bench_audit: verify of %lld events: %s\n", (long long)events, rep.why);
        exit(2);
    }
    printf("bench verify_chain_%lldk %.3f s; signed checkpoints (%lld) %.3f s\n", (long long)events / 1000, t1 - t0,
           (long long)rep.checkpoints, t2 - t1);
}

int main(int argc, char **argv)
{
    char path[4096], keys[4096], key[4200], pub[4200];
    vigil_error err;
    vg_db *db;
    int64_t next = 0, seq;
    double t0, lat[400];
    int nlat = (int)(sizeof lat / sizeof lat[0]);
    if (argc != 2) {
        fprintf(stderr, "usage: bench_audit DIR\n");
        return 2;
    }
    snprintf(path, sizeof path, "%s/audit.db", argv[1]);
    snprintf(keys, sizeof keys, "%s/keys", argv[1]);
    snprintf(key, sizeof key, "%s/audit.key", keys);
    snprintf(pub, sizeof pub, "%s/audit.pub", keys);
    if (vg_db_open(&db, path, &err) < 0 || vg_db_migrate(db, &vg_audit_schema, &err) < 0 ||
        vigil_audit_keygen(keys, &err) < 0)
        die(&err);

    t0 = now_s();
    append_n(db, &next, 2000, 1);
    printf("bench append_1_per_tx %.0f events/s\n", 2000 / (now_s() - t0));
    t0 = now_s();
    append_n(db, &next, 7000, 1000);
    printf("bench append_1000_per_tx %.0f events/s\n", 7000 / (now_s() - t0));

    for (int i = 0; i < nlat; i++) {
        append_n(db, &next, 1, 1);
        t0 = now_s();
        if (vg_audit_checkpoint(&seq, db, NULL, key, 1, &err) < 0)
            die(&err);
        lat[i] = (now_s() - t0) * 1000;
    }
    qsort(lat, (size_t)nlat, sizeof lat[0], cmp_d);
    printf("bench checkpoint_latency p50 %.3f ms, p99 %.3f ms (%d checkpoints, one per event)\n", lat[nlat / 2],
           lat[nlat * 99 / 100], nlat);

    append_n(db, &next, 10000 - (int)next, 1000);
    if (vg_audit_checkpoint(&seq, db, NULL, key, 1, &err) < 0)
        die(&err);
    verify_time(db, pub, 10000);
    append_n(db, &next, 100000 - (int)next, 1000);
    if (vg_audit_checkpoint(&seq, db, NULL, key, 1, &err) < 0)
        die(&err);
    verify_time(db, pub, 100000);
    vg_db_close(db);
    return 0;
}

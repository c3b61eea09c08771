/*
 * The hash-check answer in process, one thread: the ceiling bench/serve.sh compares the
 * service over HTTP with (the same sets, the same request body).
 * usage: bench_check SETS_DB BODY_JSON SECONDS  ->  "requests N hashes H seconds S hashes_per_s R"
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "vigil/check.h"
#include "vigil/matchers.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    vigil_matchers_opts mo = {.pdq = 1};
    vigil_matchers *m;
    vigil_error err;
    vigil_check_info info;
    FILE *f;
    char *body;
    long n;
    double t0, secs, t;
    unsigned long long reqs = 0, hashes = 0;
    if (argc != 4) {
        fprintf(stderr, "usage: bench_check SETS_DB BODY_JSON SECONDS\n");
        return 2;
    }
    secs = atof(argv[3]);
    if (vigil_matchers_open(&m, argv[1], &mo, &err) < 0) {
        fprintf(stderr, "bench_check: %s\n", err.msg);
        return 1;
    }
    if (!(f = fopen(argv[2], "rb")) || fseek(f, 0, SEEK_END) || (n = ftell(f)) <= 0 || fseek(f, 0, SEEK_SET) ||
        !(body = malloc((size_t)n)) || fread(body, 1, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "bench_check: %s: cannot read\n", argv[2]);
        return 1;
    }
    fclose(f);
    t0 = now();
    do {
        char *doc;
        size_t len;
        if (vigil_check_answer(&doc, &len, vigil_matchers_index(m), vigil_matchers_pdq(m), body, (size_t)n, &info,
                               &err) < 0) {
            fprintf(stderr, "bench_check: %s\n", err.msg);
            return 1;
        }
        free(doc);
        reqs++;
        hashes += info.hashes + info.pdq;
    } while ((t = now() - t0) < secs);
    printf("requests %llu hashes %llu known %zu seconds %.3f hashes_per_s %.0f\n", reqs, hashes, info.known, t,
           (double)hashes / t);
    free(body);
    vigil_matchers_close(m);
    return 0;
}

/*
 * bench_pdq: time the PDQ stages on the files named on stdin (one path a
 * line), in this one thread. Modes: "read" (read the file only), "decode"
 * (read + vigil_image_decode, nothing after: the decode-only floor), "pdq"
 * (read + decode + PDQ with its dihedrals; the PDQ part is also timed on its
 * own). Wall and CPU time are both printed: on a shared machine the CPU time
 * of this one thread is the steadier figure. Prints figures, never pass/fail.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vigil/image.h"
#include "vigil/pdq.h"

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now(void)
{
    return clock_s(CLOCK_MONOTONIC);
}

static double cpu(void)
{
    return clock_s(CLOCK_THREAD_CPUTIME_ID);
}

static uint8_t *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    uint8_t *p = NULL;
    long len;
    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (p = malloc((size_t)len + 1)) && fread(p, 1, (size_t)len, f) == (size_t)len) {
        *n = (size_t)len;
    } else {
        free(p);
        p = NULL;
    }
    fclose(f);
    return p;
}

int main(int argc, char **argv)
{
    char line[4096];
    const char *mode = argc > 1 ? argv[1] : "pdq";
    int m = !strcmp(mode, "read") ? 0 : !strcmp(mode, "decode") ? 1 : !strcmp(mode, "pdq") ? 2 : -1;
    unsigned long files = 0, failed = 0, checksum = 0;
    double t0, t, c0, c, pdq_cpu = 0;
    if (m < 0) {
        fprintf(stderr, "usage: bench_pdq read|decode|pdq < FILE-LIST\n");
        return 2;
    }
    t0 = now();
    c0 = cpu();
    while (fgets(line, sizeof line, stdin)) {
        vigil_image img;
        vigil_pdq_result r;
        vigil_error err;
        size_t n = 0;
        uint8_t *p;
        line[strcspn(line, "\n")] = '\0';
        if (!line[0])
            continue;
        files++;
        if (!(p = slurp(line, &n))) {
            failed++;
            continue;
        }
        checksum += p[n / 2];
        if (m >= 1) {
            if (vigil_image_decode(&img, p, n, NULL, &err) < 0) {
                failed++;
            } else {
                checksum += img.pixels[0];
                if (m == 2) {
                    double p0 = cpu();
                    if (vigil_pdq_image(&r, &img, &err) == 0)
                        checksum += (unsigned long)r.quality + r.hash[0].b[0];
                    pdq_cpu += cpu() - p0;
                }
                vigil_image_dispose(&img);
            }
        }
        free(p);
    }
    t = now() - t0;
    c = cpu() - c0;
    printf("bench pdq_%s files %lu failed %lu seconds %.3f cpu_seconds %.3f pdq_cpu_seconds %.3f "
           "ms_per_image %.3f images_per_s %.1f (check %lu)\n", mode, files, failed, t, c, pdq_cpu,
           files ? 1000 * t / (double)files : 0, t > 0 ? (double)files / t : 0, checksum);
    return 0;
}

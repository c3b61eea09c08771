/* One JSON line per request: time, who, method, path, status, bytes, duration. Never a body
 * nor a query string. One write per line, so lines of parallel requests never interleave. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "serve.h"
#include "vigil/output.h"

void vs_access_log(vs_server *s, const vs_request *rq)
{
    char line[4096], at[32];
    struct timespec ts;
    struct tm tm;
    FILE *f;
    long n;
    if (!s->o->access_log)
        return;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%S", &tm);
    if (!(f = fmemopen(line, sizeof line - 2, "w")))
        return;
    fprintf(f, "{\"time\":\"%s.%03ldZ\",\"who\":", at, ts.tv_nsec / 1000000);
    vigil_json_string_write(f, rq->who[0] ? rq->who : NULL, NULL);
    fputs(",\"method\":", f);
    vigil_json_string_write(f, rq->method, NULL);
    fputs(",\"path\":", f);
    vigil_json_string_write(f, rq->path, NULL);
    fprintf(f, ",\"status\":%u,\"bytes\":%zu,\"ms\":%.3f}", rq->status, rq->bytes, (vs_now() - rq->start) * 1e3);
    n = ftell(f);
    fclose(f);
    if (n <= 0 || (size_t)n >= sizeof line - 2)
        return;   /* a path too long for a line is not worth a partial one */
    line[n] = '\n';
    pthread_mutex_lock(&s->log_lock);
    fwrite(line, 1, (size_t)n + 1, s->o->access_log);
    fflush(s->o->access_log);
    pthread_mutex_unlock(&s->log_lock);
}

/* Time: the replaceable clock, ISO 8601 formatting and date parsing, all UTC. */
#include <ctype.h>
#include <stdio.h>
#include <time.h>

#include "core/time.h"

static int64_t system_now(void *ctx)
{
    (void)ctx;
    return (int64_t)time(NULL);
}

const vg_clock vg_system_clock = {system_now, NULL};

int64_t vg_clock_now(const vg_clock *c)
{
    return c && c->now ? c->now(c->ctx) : system_now(NULL);
}

int64_t vg_now(void)
{
    return system_now(NULL);
}

int vg_time_format(char *buf, size_t cap, int64_t secs, int with_time)
{
    time_t t = (time_t)secs;
    struct tm tm;
    size_t n;
    if (!gmtime_r(&t, &tm) || !(n = strftime(buf, cap, with_time ? "%Y-%m-%dT%H:%M:%SZ" : "%Y-%m-%d", &tm)))
        return -1;
    return (int)n;
}

const char *vg_iso(char buf[24], int64_t secs)
{
    if (vg_time_format(buf, 24, secs, 1) < 0)
        buf[0] = '\0';
    return buf;
}

int64_t vg_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

int vg_date_parse(int64_t *out, const char *s, vigil_error *err)
{
    int y, mo, d, h = 0, mi = 0, se = 0, n = 0, tzh = 0, tzm = 0;
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const char *p;
    *out = 0;
    if (!s || sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10)
        goto bad;
    p = s + 10;
    if (*p == 'T' || *p == ' ') {
        int k = 0;
        if (sscanf(p + 1, "%2d:%2d%n", &h, &mi, &k) != 2 || k != 5)
            goto bad;
        p += 6;
        if (*p == ':') {
            if (sscanf(p + 1, "%2d%n", &se, &k) != 1 || k != 2)
                goto bad;
            p += 3;
        }
        if (*p == '.')
            for (p++; isdigit((unsigned char)*p); p++)
                ;
        if (*p == 'Z') {
            p++;
        } else if (*p == '+' || *p == '-') {
            int sign = *p == '-' ? -1 : 1;
            if (sscanf(p + 1, "%2d:%2d%n", &tzh, &tzm, &k) != 2 || k != 5 || tzh > 23 || tzm > 59)
                goto bad;
            tzh *= sign;
            tzm *= sign;
            p += 6;
        }
    }
    if (*p || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 || se > 60 ||
        y < 1900 || (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))))
        goto bad;
    *out = vg_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + se -
           tzh * 3600 - tzm * 60;
    return 0;
bad:
    return vigil_error_set(err, VIGIL_EINPUT, "bad date '%s': expected YYYY-MM-DD or ISO 8601",
                           s ? s : "");
}

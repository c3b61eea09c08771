/* Shared CLI helpers. */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

cli_globals cli;

void cli_error(const char *fmt, ...)
{
    char msg[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fputs("vigil: ", stderr);
    vigil_term_write(stderr, msg, strlen(msg)); /* names in it come from users and seized media */
    fputc('\n', stderr);
}

const char *cli_text(const char *s)
{
    /* plain statics, not thread-local: the copies stay reachable, so no leak checker flags them */
    static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    static char *ring[8];
    static unsigned next;
    char *e;
    if (!s || vigil_term_clean(s, strlen(s)))
        return s;
    if (!(e = vigil_term_escape(s, strlen(s))))
        return "(out of memory)";
    pthread_mutex_lock(&lock);
    free(ring[next % 8]);
    ring[next++ % 8] = e;
    pthread_mutex_unlock(&lock);
    return e;
}

int cli_fail(const vigil_error *err)
{
    cli_error("%s", err->msg[0] ? err->msg : "failed");
    return vigil_error_exit_status(err->code);
}

static const char *output_name(const char *path)
{
    return !path || !strcmp(path, "-") ? "stdout" : path;
}

int cli_open_failed(const char *cmd, const char *path, int errnum)
{
    cli_error("%s: %s: %s", cmd, output_name(path), strerror(errnum));
    return vigil_error_exit_status(VIGIL_ESTORE);
}

int cli_write_failed(const char *cmd, const char *path, int errnum)
{
    cli_error("%s: %s: cannot write the output: %s", cmd, output_name(path), strerror(errnum ? errnum : EIO));
    return vigil_error_exit_status(VIGIL_ESTORE);
}

const char *cli_s(unsigned long long n)
{
    return n == 1 ? "" : "s";
}

int cli_parse_u64(uint64_t *out, const char *s)
{
    char *end;
    unsigned long long v;
    uint64_t mult = 1;
    if (!s || !*s || *s == '-')
        return -1;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || end == s)
        return -1;
    switch (*end) {
    case '\0': break;
    case 'K': case 'k': mult = 1ull << 10; end++; break;
    case 'M': case 'm': mult = 1ull << 20; end++; break;
    case 'G': case 'g': mult = 1ull << 30; end++; break;
    case 'T': case 't': mult = 1ull << 40; end++; break;
    default: return -1;
    }
    if (*end || (v && mult > UINT64_MAX / v))
        return -1;
    *out = v * mult;
    return 0;
}

int cli_parse_jobs(unsigned *out, const char *cmd, const char *arg)
{
    uint64_t v;
    if (cli_parse_u64(&v, arg) < 0 || v < 1 || v > 256) {
        cli_error("%s: --jobs takes a number from 1 to 256", cmd);
        return EXIT_USAGE;
    }
    *out = (unsigned)v;
    return 0;
}

void cli_item_error(const vigil_item *it, const char *why)
{
    fputs("vigil: ", stderr);
    for (size_t i = 0; i < it->ncontainers; i++) { /* the layers it lies in, as the JSONL's container */
        vigil_term_write(stderr, it->containers[i], strlen(it->containers[i]));
        fputs("!/", stderr);
    }
    vigil_term_write(stderr, it->path, it->path_len);
    fputs(": ", stderr);
    vigil_term_write(stderr, why, strlen(why));
    fputc('\n', stderr);
}

static volatile sig_atomic_t *interrupt_flag;
static volatile sig_atomic_t interrupt_signal; /* the signal that set the flag */

static void on_signal(int sig)
{
    /* lock-free atomics are async-signal-safe; the reader threads load the flag atomically */
    if (interrupt_flag && !__atomic_load_n(interrupt_flag, __ATOMIC_RELAXED)) {
        __atomic_store_n(&interrupt_signal, sig, __ATOMIC_RELAXED);
        __atomic_store_n(interrupt_flag, 1, __ATOMIC_RELAXED);
        return;
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

void cli_catch_interrupt(volatile sig_atomic_t *flag)
{
    struct sigaction sa;
    interrupt_flag = flag;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

int cli_interrupted_status(void)
{
    int sig = __atomic_load_n(&interrupt_signal, __ATOMIC_RELAXED);
    return 128 + (sig ? sig : SIGINT);
}

void cli_exit_leaving_threads(int status)
{
    /* no exit handlers, no library destructors: a stuck thread may still wake and use them */
    fflush(NULL);
    _exit(status);
}

void cli_now_iso(char *buf, size_t cap)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The URL with any password replaced by "***", for printing. */
void cli_mask_url(char *out, size_t cap, const char *url)
{
    const char *scheme = strstr(url, "://"), *at = scheme ? strchr(scheme + 3, '@') : NULL;
    const char *colon = at ? memchr(scheme + 3, ':', (size_t)(at - scheme - 3)) : NULL;
    if (!colon)
        snprintf(out, cap, "%s", url);
    else
        snprintf(out, cap, "%.*s:***%s", (int)(colon - url), url, at);
}

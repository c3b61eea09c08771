/*
 * The service's life: options checked, the registry and the hash sets opened, the listening
 * socket bound here (so that a refusal names its reason), libmicrohttpd's thread pool started
 * over it, and the keys' counts added to the registry every few seconds and at the end.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "serve.h"
#include "vigil/registry.h"

/* Seconds between two additions of the keys' counts to the registry. */
#define COUNT_FLUSH_SECS 5.0

/* Split "HOST:PORT" or "[V6]:PORT" and bind a listening socket to it; the fd, or -1 with err. */
static int listen_on(const char *spec, int *v6, char *shown, size_t cap, vigil_error *err)
{
    char host[256];
    const char *orig = spec, *colon = strrchr(spec, ':'), *port;
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE};
    struct addrinfo *ai = NULL;
    struct sockaddr_storage sa;
    socklen_t salen = sizeof sa;
    size_t hl;
    int fd, one = 1, rc;
    if (!colon || colon == spec || !colon[1])
        return vigil_error_set(err, VIGIL_EUSAGE, "--listen '%s': expected HOST:PORT (e.g. 127.0.0.1:8080)", spec), -1;
    port = colon + 1;
    if (strspn(port, "0123456789") != strlen(port) || strlen(port) > 5 || atoi(port) > 65535)
        return vigil_error_set(err, VIGIL_EUSAGE, "--listen '%s': the port is 0 to 65535", spec), -1;
    hl = (size_t)(colon - spec);
    if (spec[0] == '[' && hl >= 2 && spec[hl - 1] == ']')
        spec++, hl -= 2;
    if (hl >= sizeof host)
        return vigil_error_set(err, VIGIL_EUSAGE, "--listen: host too long"), -1;
    memcpy(host, spec, hl);
    host[hl] = '\0';
    if ((rc = getaddrinfo(host, port, &hints, &ai)) != 0)
        return vigil_error_set(err, VIGIL_EUSAGE, "--listen '%s': %s (a numeric address and port)", host, gai_strerror(rc)),
               -1;
    *v6 = ai->ai_family == AF_INET6;
    fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0)
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (fd < 0 || bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 1024) < 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &salen) < 0) {
        int e = errno;
        freeaddrinfo(ai);
        if (fd >= 0)
            close(fd);
        return vigil_error_set(err, VIGIL_ESTORE, "cannot listen on %s: %s", orig, strerror(e)), -1;
    }
    freeaddrinfo(ai);
    {
        char addr[INET6_ADDRSTRLEN] = "?";
        unsigned p;
        if (sa.ss_family == AF_INET6) {
            inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&sa)->sin6_addr, addr, sizeof addr);
            p = ntohs(((struct sockaddr_in6 *)&sa)->sin6_port);
            snprintf(shown, cap, "[%s]:%u", addr, p);
        } else {
            inet_ntop(AF_INET, &((struct sockaddr_in *)&sa)->sin_addr, addr, sizeof addr);
            p = ntohs(((struct sockaddr_in *)&sa)->sin_port);
            snprintf(shown, cap, "%s:%u", addr, p);
        }
    }
    return fd;
}

/* A whole PEM file, NUL-terminated; NULL with err. */
static char *read_pem(const char *path, vigil_error *err)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t len = 0, n;
    char chunk[4096];
    if (!f)
        return vigil_error_set(err, VIGIL_EINPUT, "%s: %s", path, strerror(errno)), NULL;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && len < (1u << 20)) {
        char *b = realloc(buf, len + n + 1);
        if (!b)
            break;
        memcpy(b + len, chunk, n);
        len += n;
        b[len] = '\0';
        buf = b;
    }
    fclose(f);
    if (!buf || !strstr(buf, "-----BEGIN ")) {
        free(buf);
        return vigil_error_set(err, VIGIL_EINPUT, "%s: not a PEM file", path), NULL;
    }
    return buf;
}

int vs_reg_take(vs_server *s, vigil_registry **reg)
{
    static _Thread_local unsigned turn;
    for (int i = 0; i < s->nregs; i++)
        if (pthread_mutex_trylock(&s->regs[i].lock) == 0) {
            *reg = s->regs[i].reg;
            return i;
        }
    turn = (turn + 1) % (unsigned)s->nregs;
    pthread_mutex_lock(&s->regs[turn].lock);
    *reg = s->regs[turn].reg;
    return (int)turn;
}

void vs_reg_give(vs_server *s, int slot)
{
    pthread_mutex_unlock(&s->regs[slot].lock);
}

static int check_opts(const vigil_server_opts *o, vigil_error *err)
{
    if (!o->listen || !o->db || !o->sets || !o->stop)
        return vigil_error_set(err, VIGIL_EUSAGE, "serve: the registry, the sets and --listen are needed");
    if (!o->cert != !o->key)
        return vigil_error_set(err, VIGIL_EUSAGE, "serve: TLS needs both --cert and --key");
    if (!(o->key_rate > 0) || o->key_burst < 1 || o->max_body < 1)
        return vigil_error_set(err, VIGIL_EUSAGE, "serve: --key-rate, --key-burst and --max-body must be positive");
    return 0;
}

static void serve_close(vs_server *s)
{
    if (s->nregs)
        vs_limits_flush(s->limits, s->regs[0].reg, vs_now(), 0);
    for (int i = 0; i < s->nregs; i++) {
        vigil_registry_close(s->regs[i].reg);
        pthread_mutex_destroy(&s->regs[i].lock);
    }
    vigil_matchers_close(s->sets);
    vs_limits_free(s->limits);
    vs_limits_free(s->logins);
    vs_limits_free(s->login_ips);
    vs_sessions_free(s->sessions);
    pthread_mutex_destroy(&s->log_lock);
    pthread_mutex_destroy(&s->refusal_lock);
}

int vigil_server_run(const vigil_server_opts *o, vigil_error *err)
{
    vigil_matchers_opts mo = {.pdq = 1};
    vs_server s = {.o = o};
    struct MHD_Daemon *d;
    char *cert = NULL, *key = NULL, shown[300];
    unsigned threads = o->threads ? o->threads : (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO;
    int rc, fd = -1, v6 = 0;
    double flushed;
    if ((rc = check_opts(o, err)) < 0)
        return rc;
    pthread_mutex_init(&s.log_lock, NULL);
    pthread_mutex_init(&s.refusal_lock, NULL);
    if (o->cert && (!(cert = read_pem(o->cert, err)) || !(key = read_pem(o->key, err)))) {
        free(cert);
        serve_close(&s);
        return err ? (int)err->code : VIGIL_EINPUT;
    }
    /* logins: per user name 5 at once, then one every 12 seconds; per client address (a unit
       behind one address) 30 at once, then one a second */
    if (vs_limits_new(&s.limits, o->key_rate, o->key_burst) < 0 || vs_limits_new(&s.logins, 1 / 12.0, 5) < 0 ||
        vs_limits_new(&s.login_ips, 1.0, 30) < 0 ||
        vs_sessions_new(&s.sessions) < 0)
        rc = vigil_error_set(err, VIGIL_ENOMEM, "serve: out of memory");
    for (unsigned i = 0; rc == 0 && i < threads && i < VS_REGISTRIES; i++) {
        if ((rc = vigil_registry_open_existing(&s.regs[i].reg, o->db, err)) < 0)
            break;
        if (o->config)
            vigil_registry_set_config(s.regs[i].reg, o->config);
        pthread_mutex_init(&s.regs[i].lock, NULL);
        s.nregs++;
    }
    if (rc == 0)
        rc = vigil_matchers_open(&s.sets, o->sets, &mo, err);
    if (rc == 0 && (fd = listen_on(o->listen, &v6, shown, sizeof shown, err)) < 0)
        rc = err->code;
    if (rc < 0) {
        free(cert), free(key);
        serve_close(&s);
        return rc;
    }
    s.tls = cert != NULL;
    if (s.tls)
        flags |= MHD_USE_TLS;
    if (v6)
        flags |= MHD_USE_IPv6;
    d = MHD_start_daemon(flags, 0, NULL, NULL, vs_dispatch, &s, MHD_OPTION_LISTEN_SOCKET, fd,
                         MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_NOTIFY_COMPLETED, vs_completed, &s,
                         MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)128 * 1024,
                         s.tls ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, key, MHD_OPTION_HTTPS_MEM_CERT, cert,
                         MHD_OPTION_END);
    if (!d) {
        close(fd);
        free(cert), free(key);
        serve_close(&s);
        return vigil_error_set(err, s.tls ? VIGIL_EINPUT : VIGIL_ESTORE, "serve: the HTTP service cannot start on %s%s",
                               shown, s.tls ? " (is the key the certificate's, and are both PEM?)" : "");
    }
    if (o->notices)
        fprintf(o->notices, "vigil: serve: listening on %s://%s\n", s.tls ? "https" : "http", shown), fflush(o->notices);
    flushed = vs_now();
    while (!*o->stop) {
        usleep(100 * 1000);
        if (vs_now() - flushed >= COUNT_FLUSH_SECS) {
            vigil_registry *reg;
            int slot = vs_reg_take(&s, &reg);
            vs_limits_flush(s.limits, reg, vs_now(), 0);
            vs_reg_give(&s, slot);
            flushed = vs_now();
        }
    }
    MHD_stop_daemon(d);   /* closes the listening socket too */
    free(cert), free(key);
    serve_close(&s);
    return 0;
}

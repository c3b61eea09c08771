/*
 * vigil serve: the HTTP service over the library (libmicrohttpd, a thread pool). It answers
 * GET /healthz without credentials and the hash-check service POST /api/v1/check to API
 * keys of scope "check" (vigil/apikey.h, vigil/check.h), each key held to its own rate, and
 * writes one JSON access-log line per request (never a body). See docs/serve.md.
 */
#ifndef VIGIL_SERVER_H
#define VIGIL_SERVER_H
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include "vigil/cases.h"
#include "vigil/error.h"

typedef struct vigil_server_opts {
    const char *db;           /* the case registry (API keys): a SQLite path or postgres:// URL */
    const char *sets;         /* the hash-set store the service matches against */
    const char *listen;       /* "HOST:PORT" or "[V6]:PORT"; port 0 picks a free one */
    unsigned threads;         /* request threads; 0: the online CPUs */
    double key_rate;          /* requests a second each key may make on average */
    unsigned key_burst;       /* ... and at once */
    size_t max_body;          /* bytes; larger bodies get 413 */
    const char *cert, *key;   /* PEM files for TLS, both or neither */
    FILE *access_log;         /* NULL: none */
    FILE *notices;            /* "listening on URL" and the like; NULL: none */
    volatile sig_atomic_t *stop; /* the service runs until *stop is set */
    const vigil_config *config;  /* priority weights, deadlines, hash-set policy; NULL: defaults */
} vigil_server_opts;

/* Open the registry and the sets, listen, and serve until *o->stop. VIGIL_EUSAGE for a bad
 * listen address or options, VIGIL_EINPUT for unreadable TLS files, VIGIL_ESTORE when the
 * address cannot be bound or the stores cannot be opened (their own codes as well). */
int vigil_server_run(const vigil_server_opts *o, vigil_error *err);

#endif

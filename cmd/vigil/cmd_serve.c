/* vigil serve: the HTTP service (health check, hash-check API) over the registry and the sets. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "vigil/server.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: vigil serve [--listen HOST:PORT] [--threads N] [--access-log FILE|-]\n"
               "                   [--key-rate N] [--key-burst N] [--max-body BYTES] [--cert PEM --key PEM]\n"
               "Serve GET /healthz and the hash-check API (POST /api/v1/check, API keys of scope check:\n"
               "'vigil apikey add') over the registry (--db) and the hash sets (--sets), until SIGINT or\n"
               "SIGTERM. --listen defaults to 127.0.0.1:8080 (port 0: a free one, named on stderr);\n"
               "--key-rate is each key's requests a second (default 100) and --key-burst how many at\n"
               "once (default 200); --max-body defaults to 4M. --cert and --key serve HTTPS. One JSON\n"
               "line per request goes to --access-log (default: stderr; '-' is stdout).\n");
}

static int parse_num(double *out, const char *opt, const char *s)
{
    char *end;
    double v = strtod(s, &end);
    if (!*s || *end || !(v > 0) || v > 1e9) {
        cli_error("serve: %s needs a positive number, not '%s'", opt, s);
        return EXIT_USAGE;
    }
    *out = v;
    return 0;
}

int cmd_serve(int argc, char **argv)
{
    static const struct option lo[] = {{"listen", required_argument, NULL, 'l'},
        {"threads", required_argument, NULL, 't'}, {"access-log", required_argument, NULL, 'A'},
        {"key-rate", required_argument, NULL, 'r'}, {"key-burst", required_argument, NULL, 'b'},
        {"max-body", required_argument, NULL, 'm'}, {"cert", required_argument, NULL, 'c'},
        {"key", required_argument, NULL, 'k'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    static volatile sig_atomic_t stop;
    vigil_server_opts o = {.listen = "127.0.0.1:8080", .key_rate = 100, .key_burst = 200, .max_body = 4u << 20};
    const char *log_path = NULL;
    double v;
    uint64_t u;
    vigil_error err;
    int opt, rc;
    while ((opt = cli_getopt(argc, argv, "h", lo, NULL)) != -1) {
        switch (opt) {
        case 'l': o.listen = optarg; break;
        case 't':
            if ((rc = parse_num(&v, "--threads", optarg)) || v > 1024 || v != (unsigned)v)
                return rc ? rc : (cli_error("serve: --threads is 1 to 1024"), EXIT_USAGE);
            o.threads = (unsigned)v;
            break;
        case 'A': log_path = optarg; break;
        case 'r':
            if ((rc = parse_num(&o.key_rate, "--key-rate", optarg)))
                return rc;
            break;
        case 'b':
            if ((rc = parse_num(&v, "--key-burst", optarg)) || v != (unsigned)v)
                return rc ? rc : (cli_error("serve: --key-burst is a whole number"), EXIT_USAGE);
            o.key_burst = (unsigned)v;
            break;
        case 'm':
            if (cli_parse_u64(&u, optarg) < 0 || u == 0 || u > (1u << 30)) {
                cli_error("serve: --max-body is 1 byte to 1G, not '%s'", optarg);
                return EXIT_USAGE;
            }
            o.max_body = (size_t)u;
            break;
        case 'c': o.cert = optarg; break;
        case 'k': o.key = optarg; break;
        case 'h': usage(stdout); return EXIT_OK;
        default: return EXIT_USAGE;
        }
    }
    if (optind != argc) {
        cli_error("serve: takes no arguments (try 'vigil serve --help')");
        return EXIT_USAGE;
    }
    o.access_log = stderr;
    if (log_path && !strcmp(log_path, "-"))
        o.access_log = stdout;
    else if (log_path && !(o.access_log = fopen(log_path, "a")))
        return cli_open_failed("serve", log_path, errno);
    o.config = &cli.cfg; /* the settings files' weights, deadlines and policy (cli_settings.c) */
    o.db = cli.db;
    o.sets = cli.sets;
    o.notices = stderr;
    o.stop = &stop;
    cli_catch_interrupt(&stop);
    rc = vigil_server_run(&o, &err);
    if (o.access_log != stderr && o.access_log != stdout)
        fclose(o.access_log);
    return rc < 0 ? cli_fail(&err) : EXIT_OK;
}

void cmd_serve_usage(FILE *f)
{
    usage(f);
}

/* vigil: the command-line shell over the library. Global options, then one subcommand. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "vigil/log.h"

typedef cli_command command;

static const command commands[] = {
    {"hash", cmd_hash, cmd_hash_usage, "hash files (MD5, SHA-1, SHA-256) in hashdeep format"},
    {"scan", cmd_scan, cmd_scan_usage, "scan folders and archives, matching every item against the hash sets"},
    {"hashset", cmd_hashset, cmd_hashset_usage, "import, list and remove known-hash sets"},
    {"unit", cmd_unit, cmd_unit_usage, "add and list units (national, regional, special, foreign, prosecutor)"},
    {"user", cmd_user, cmd_user_usage, "add and list users of units (officer, analyst, admin)"},
    {"case", cmd_case, cmd_case_usage, "register, refer, accept, decline, follow and import cases"},
    {"links", cmd_links, cmd_links_usage, "links between cases that hold the same files, and their networks"},
    {"series", cmd_series, cmd_series_usage, "series of one victim that cases hold, and whether the victim is identified"},
    {"stats", cmd_stats, cmd_stats_usage, "referral statistics by unit, reason, month or offence type"},
    {"audit", cmd_audit, cmd_audit_usage, "verify the audit log, sign its head (checkpoint), make its key"},
    {"config", cmd_config, cmd_config_usage, "the settings in effect and where each comes from"},
    {"db", cmd_db, cmd_db_usage, "back up the registry while it is in use, check it (pages, audit chain, sets)"},
    {"pdq", cmd_pdq, cmd_pdq_usage, "PDQ perceptual hash and quality of images"},
    {"vpdq", cmd_vpdq, cmd_vpdq_usage, "vPDQ of videos (PDQ of frames sampled in time), and matching against known videos"},
    {"apikey", cmd_apikey, cmd_apikey_usage, "add, list and revoke API keys of the hash-check service"},
    {"serve", cmd_serve, cmd_serve_usage, "the HTTP service: health check and hash-check API"},
};

const cli_command *cli_commands(size_t *n)
{
    *n = sizeof commands / sizeof commands[0];
    return commands;
}

void cli_usage(FILE *f)
{
    char verbs[1024];
    fprintf(f, "usage: vigil [--db PATH|URL] [--sets PATH] COMMAND [VERB] [ARGS]\n"
               "       vigil --help | --version\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].what);
        /* the verbs come from the command's own usage text, so a new one is never left out here */
        if (cli_verbs(commands[i].usage, commands[i].name, verbs, sizeof verbs))
            fprintf(f, "  %-8s   verbs: %s\n", "", verbs);
    }
    fprintf(f, "\n'vigil COMMAND --help' and 'vigil COMMAND VERB --help' describe a command.\n"
               "  --db PATH|URL  the case registry: --db, else $VIGIL_DB, else ./vigil.db (SQLite), or a\n"
               "                 postgres:// URL\n"
               "  --sets PATH    the hash sets: --sets, else $VIGIL_SETS, else the --db file\n"
               "                 (./vigil-sets.db when --db is a PostgreSQL URL)\n"
               "  --as USER      (registry commands) act as another user, for an admin; $VIGIL_USER\n"
               "                 does the same for every command\n"
               "  --version      print the version\n"
               "Exit status: 0 ok, 1 ran but found a problem, 2 usage, 3 input error, 4 an output could\n"
               "not be written, storage or internal error.\n");
}

/* Take --db PATH / --db=PATH and --sets PATH / --sets=PATH out of argv wherever they stand
 * before "--". */
static int take_db(int *argc, char **argv)
{
    int out = 1;
    for (int i = 1; i < *argc; i++) {
        if (!strcmp(argv[i], "--")) {
            while (i < *argc)
                argv[out++] = argv[i++];
            break;
        }
        if (!strcmp(argv[i], "--db") || !strcmp(argv[i], "--sets")) {
            if (i + 1 >= *argc) {
                cli_error("%s needs a value", argv[i]);
                return -1;
            }
            const char **slot = !strcmp(argv[i], "--db") ? &cli.db : &cli.sets;
            *slot = argv[++i];
        } else if (!strncmp(argv[i], "--db=", 5)) {
            cli.db = argv[i] + 5;
        } else if (!strncmp(argv[i], "--sets=", 7)) {
            cli.sets = argv[i] + 7;
        } else {
            argv[out++] = argv[i];
        }
    }
    *argc = out;
    argv[out] = NULL;
    return 0;
}

static void record_command_line(int argc, char **argv)
{
    size_t n = 0;
    cli.command_line[0] = '\0';
    for (int i = 0; i < argc && n < sizeof cli.command_line - 1; i++) {
        int w = snprintf(cli.command_line + n, sizeof cli.command_line - n, "%s%s", i ? " " : "", argv[i]);
        if (w < 0)
            break;
        n += (size_t)w;
    }
}

/* What every command shares: --help (of the command, or of its verb) anywhere before "--", an
 * unknown verb, an option where the verb belongs; cli.what names the command in messages. A
 * status from here is returned as -(status + 1); otherwise the command's own. */
static int dispatch(const command *c, int argc, char **argv)
{
    const char *verb = NULL;
    char verbs[1024];
    int has_verbs = cli_verbs(c->usage, c->name, verbs, sizeof verbs) > 0;
    if (argc >= 2 && cli_is_verb(c->usage, c->name, argv[1]))
        verb = argv[1];
    snprintf(cli.what, sizeof cli.what, "%s%s%s", c->name, verb ? " " : "", verb ? verb : "");
    for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
        if (!strcmp(argv[i], "--help") || (i == 1 && !strcmp(argv[i], "-h"))) {
            cli_help(c->usage, c->name, verb, stdout);
            return -(EXIT_OK + 1);
        }
    if (has_verbs && argc >= 2 && !verb) {
        if (argv[1][0] == '-')
            cli_error("%s: unknown option '%.*s' (try 'vigil %s --help')", c->name, (int)strcspn(argv[1], "="),
                      argv[1], c->name);
        else
            cli_error("%s: unknown verb '%s' (try 'vigil %s --help')", c->name, argv[1], c->name);
        return -(EXIT_USAGE + 1);
    }
    optind = 1;
    argv = cli_settings_argv(c, verb, &argc, argv); /* the settings' options first: those given win */
    return c->fn(argc, argv);
}

/* What the library says it did on its own (a PDQ index written because it was missing): one line each. */
static void print_notice(vigil_log_level level, const char *msg, void *ud)
{
    (void)ud;
    if (level >= VIGIL_LOG_WARN)
        fprintf(stderr, "vigil: note: %s\n", msg);
}

int main(int argc, char **argv)
{
    vigil_log_set(print_notice, NULL);
    record_command_line(argc, argv);
    cli.argv0 = argv[0];
    if (take_db(&argc, argv) < 0)
        return EXIT_USAGE;
    if (argc < 2) {
        cli_usage(stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        cli_usage(stdout);
        return EXIT_OK;
    }
    if (!strcmp(argv[1], "--man")) /* the manual pages and completions are generated from the help */
        return cli_man(argc > 2 ? argv[2] : NULL, stdout);
    if (!strcmp(argv[1], "--completion"))
        return cli_completion(argc > 2 ? argv[2] : "", stdout);
    if (!strcmp(argv[1], "--version")) {
        size_t n;
        const vigil_library_version *libs = vigil_library_versions(&n);
        printf("vigil %s\n", vigil_version());
        for (size_t i = 0; i < n; i++) /* what read the evidence, for the report that cites it */
            printf("  %-14s %s\n", libs[i].name, libs[i].version);
        return EXIT_OK;
    }
    /* the files, then the environment, then the flags (cli_settings.c) */
    int rc = cli_settings_load();
    if (rc != 0)
        return rc;
    cli_settings_resolve_db(cli.db && *cli.db ? cli.db : NULL, cli.sets && *cli.sets ? cli.sets : NULL);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name)) {
            rc = dispatch(&commands[i], argc - 1, argv + 1);
            if (rc < 0)
                return -rc - 1;
            rc = cli_audit_after(argv[1], rc);
            /* What stayed in stdout's buffer is written now, not silently lost at exit. */
            errno = 0;
            if (rc == EXIT_OK && (fflush(stdout) != 0 || ferror(stdout)))
                rc = cli_write_failed(argv[1], NULL, errno);
            return rc;
        }
    cli_error("unknown command '%s' (try 'vigil --help')", argv[1]);
    return EXIT_USAGE;
}

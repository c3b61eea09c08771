/* vigil: the command-line shell over the library. Global options, then one subcommand. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

typedef struct command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *what;
} command;

static const command commands[] = {
    {"hash", cmd_hash, "hash files (MD5, SHA-1, SHA-256) in hashdeep format"},
    {"scan", cmd_scan, "scan folders and archives, matching every item against the hash sets"},
    {"hashset", cmd_hashset, "import, list and remove known-hash sets"},
    {"unit", cmd_unit, "add and list units (national, regional, special, foreign, prosecutor)"},
    {"user", cmd_user, "add users of units (officer, analyst, admin)"},
    {"case", cmd_case, "register, refer, accept, decline, follow and import cases"},
    {"stats", cmd_stats, "referral statistics by unit, reason, month or offence type"},
    {"audit", cmd_audit, "verify the audit log, sign its head (checkpoint), make its key"},
    {"pdq", cmd_pdq, "PDQ perceptual hash and quality of images"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: vigil [--db PATH|URL] [--sets PATH] COMMAND [ARGS]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].what);
    fprintf(f, "\n'vigil COMMAND --help' describes a command. The database is --db, else $VIGIL_DB, "
               "else ./vigil.db;\nthe hash sets are in --sets, else $VIGIL_SETS, else the --db file "
               "(./vigil-sets.db when --db is a\nPostgreSQL URL).\n"
               "Exit status: 0 ok, 1 ran but found a problem, 2 usage, 3 input error, "
               "4 an output could not be written, storage or internal error.\n");
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

int main(int argc, char **argv)
{
    record_command_line(argc, argv);
    cli.argv0 = argv[0];
    cli.db = getenv("VIGIL_DB");
    cli.sets = getenv("VIGIL_SETS");
    if (take_db(&argc, argv) < 0)
        return EXIT_USAGE;
    if (!cli.db || !*cli.db)
        cli.db = "./vigil.db";
    /* the hash-set catalog is always a local SQLite file: beside a server, a file of its own */
    if (!cli.sets || !*cli.sets) {
        int server = !strncmp(cli.db, "postgres://", 11) || !strncmp(cli.db, "postgresql://", 13);
        cli.sets = server ? "./vigil-sets.db" : cli.db;
    }
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return EXIT_OK;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("vigil %s\n", vigil_version());
        return EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name)) {
            int rc = cli_audit_after(argv[1], commands[i].fn(argc - 1, argv + 1));
            /* What stayed in stdout's buffer is written now, not silently lost at exit. */
            errno = 0;
            if (rc == EXIT_OK && (fflush(stdout) != 0 || ferror(stdout)))
                rc = cli_write_failed(argv[1], NULL, errno);
            return rc;
        }
    cli_error("unknown command '%s' (try 'vigil --help')", argv[1]);
    return EXIT_USAGE;
}

/*
 * vigil db: keep the registry. backup: an online copy (SQLite's backup API; the hash-set
 * segments copied beside it when the sets live in the same file), checked by opening it;
 * on PostgreSQL the pg_dump that does the same. check: the database's own checks, the
 * audit chain, and the hash sets' segments, one line per problem.
 */
#include <errno.h>
#include <getopt.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "cli.h"

extern char **environ;

static const char usage_text[] =
    "usage: vigil db backup FILE [--print] [--as USER]\n"
    "       vigil db check [--as USER]\n";

void cmd_db_usage(FILE *f)
{
    fprintf(f, "%s\nbackup: copy the registry to FILE (which must not exist) while others go on working: one\n"
               "consistent snapshot, so an import running meanwhile is in the copy whole or not at all. When the\n"
               "hash sets live in the same file, their segments are copied to FILE.sets/ (cloned where the file\n"
               "system can).\n"
               "The copy is opened and its audit chain verified before the command ends. Admins only.\n"
               "On PostgreSQL it runs pg_dump to write FILE in its custom format; --print only prints the\n"
               "pg_dump command (restore with pg_restore).\n"
               "check: SQLite's integrity and foreign-key checks, the audit chain replayed against the tables,\n"
               "every hash-set segment and PDQ index read whole; one line per problem with its repair.\n"
               "Exit status: 0 sound, 1 a problem found.\n",
            usage_text);
}

static int is_pg(const char *url)
{
    return !strncmp(url, "postgres://", 11) || !strncmp(url, "postgresql://", 13);
}

static int pg_backup(const char *file, int print_only)
{
    char shown[1024];
    char *argv[] = {"pg_dump", "--format=custom", "--file", (char *)file, (char *)cli.db, NULL};
    pid_t pid;
    int status, e;
    cli_mask_url(shown, sizeof shown, cli.db);
    if (print_only) {
        printf("pg_dump --format=custom --file '%s' '%s'\n", file, shown);
        return EXIT_OK;
    }
    if ((e = posix_spawnp(&pid, "pg_dump", NULL, NULL, argv, environ)) != 0) {
        cli_error("db backup: cannot run pg_dump: %s (install postgresql-client, or run: pg_dump --format=custom"
                  " --file '%s' '%s')", strerror(e), file, shown);
        return 4;
    }
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        cli_error("db backup: pg_dump failed (status %d); %s may be incomplete", WIFEXITED(status) ?
                  WEXITSTATUS(status) : 128 + WTERMSIG(status), file);
        return 4;
    }
    printf("db backup: %s written by pg_dump (restore: pg_restore --dbname URL %s)\n", file, file);
    return EXIT_OK;
}

/* Open the copy as the registry and check its audit chain: a backup that does not open is no backup. */
static int verify_copy(const char *file, const char *as)
{
    const char *db = cli.db;
    vigil_registry *reg;
    vigil_actor who;
    vigil_audit_report rep;
    vigil_error err;
    int rc;
    cli.db = file;
    rc = cli_reg_open_existing(&reg, &who, as);
    cli.db = db;
    if (rc != 0)
        return rc;
    rc = vigil_audit_verify(&rep, reg, &who, &err);
    vigil_registry_close(reg);
    if (rc < 0)
        return cli_fail(&err);
    if (rep.bad_seq) {
        cli_error("db backup: the copy %s does not verify: %s", file, rep.why);
        return EXIT_PROBLEM;
    }
    printf("db backup: the copy opens and its audit chain is intact (%lld event%s)\n", (long long)rep.events,
           cli_s((unsigned long long)rep.events));
    return EXIT_OK;
}

static int do_backup(const char *file, int print_only, const char *as)
{
    vigil_registry *reg;
    vigil_actor who;
    vigil_error err;
    uint64_t bytes = 0;
    size_t files = 0;
    int rc;
    if (is_pg(cli.db))
        return pg_backup(file, print_only);
    if (print_only) {
        cli_error("db backup: --print is for a PostgreSQL registry (pg_dump)");
        return EXIT_USAGE;
    }
    if ((rc = cli_reg_open_existing(&reg, &who, as)) != 0)
        return rc;
    rc = vigil_registry_backup(reg, &who, file, &bytes, &err);
    vigil_registry_close(reg);
    if (rc < 0)
        return cli_fail(&err);
    /* the sets' segments, when their catalog is in the same file */
    if (!strcmp(cli.sets, cli.db) && vigil_store_copy_segments(cli.db, file, &files, &err) < 0)
        return cli_fail(&err);
    printf("db backup: %s written (%llu bytes%s", file, (unsigned long long)bytes, files ? ", " : ")\n");
    if (files)
        printf("%zu segment file%s in %s.sets/)\n", files, cli_s(files), file);
    return verify_copy(file, as);
}

static void print_problem(void *ud, const char *line)
{
    (void)ud;
    printf("%s\n", cli_text(line));
}

static int do_check(const char *as)
{
    vigil_registry *reg;
    vigil_store *st = NULL;
    vigil_actor who;
    vigil_error err;
    uint64_t n = 0, m = 0;
    int rc;
    if ((rc = cli_reg_open_existing(&reg, &who, as)) != 0)
        return rc;
    rc = vigil_registry_check(reg, &who, print_problem, NULL, &n, &err);
    vigil_registry_close(reg);
    if (rc < 0)
        return cli_fail(&err);
    /* the hash sets: a store that is not there has nothing to check */
    if (vigil_store_open_existing(&st, cli.sets, &err) == 0) {
        rc = vigil_index_check(st, print_problem, NULL, &m, &err);
        vigil_store_close(st);
        if (rc < 0)
            return cli_fail(&err);
    } else if (err.code != VIGIL_ENOTFOUND) {
        return cli_fail(&err);
    }
    n += m;
    if (n) {
        cli_error("db check: %llu problem%s", (unsigned long long)n, cli_s(n));
        return EXIT_PROBLEM;
    }
    printf("db check: %s sound (database pages, keys, audit chain, hash-set segments)\n", cli.db);
    return EXIT_OK;
}

int cmd_db(int argc, char **argv)
{
    static const struct option lo[] = {{"as", required_argument, NULL, 'a'}, {"print", no_argument, NULL, 'p'},
                                       {NULL, 0, NULL, 0}};
    const char *as = NULL;
    int opt, print_only = 0;
    if (argc < 2) {
        cli_error("usage: vigil db backup|check (try 'vigil db --help')");
        return EXIT_USAGE;
    }
    argc--, argv++;
    optind = 1;
    while ((opt = cli_getopt(argc, argv, "", lo, NULL)) != -1) {
        switch (opt) {
        case 'a': as = optarg; break;
        case 'p': print_only = 1; break;
        default: return EXIT_USAGE;
        }
    }
    if (!strcmp(argv[0], "backup") && optind + 1 == argc)
        return do_backup(argv[optind], print_only, as);
    if (!strcmp(argv[0], "check") && optind == argc && !print_only)
        return do_check(as);
    cli_error("usage: vigil db backup FILE | vigil db check (try 'vigil db --help')");
    return EXIT_USAGE;
}

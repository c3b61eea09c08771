/*
 * vigil hash: MD5, SHA-1 and SHA-256 of every file in one read, written as a
 * hashdeep known-file list so that `hashdeep -a -k LIST -r DIR` can audit it.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "progress.h"

typedef struct hash_ctx {
    FILE *out;
    uint64_t hashed, errors, special;
    cli_progress *progress;
    int write_failed, write_errno;
    int pdq;             /* --pdq: a pdq column before the file name */
} hash_ctx;

static int on_item(const vigil_item *it, void *ud)
{
    hash_ctx *c = ud;
    char md5[33], sha1[41], sha256[65], fields[256];
    int n;
    cli_progress_item(c->progress, it->size, 1);
    if (it->verdict == VIGIL_VERDICT_ERROR) {
        c->errors++;
        cli_item_error(it, it->error ? it->error : "cannot read");
        return 0;
    }
    if (!it->has_digests) {
        c->special++;
        return 0;
    }
    vigil_hex(md5, it->digests.md5, 16);
    vigil_hex(sha1, it->digests.sha1, 20);
    vigil_hex(sha256, it->digests.sha256, 32);
    n = snprintf(fields, sizeof fields, "%llu,%s,%s,%s,", (unsigned long long)it->size, md5, sha1, sha256);
    if (c->pdq) {
        char pdq[65] = "";
        if (it->pdq_state == VIGIL_PDQ_OK)
            vigil_pdq_hex(pdq, &it->pdq[VIGIL_PDQ_ORIG]);
        else if (it->pdq_state == VIGIL_PDQ_FAILED) {
            char why[600];
            snprintf(why, sizeof why, "%s (no pdq)", it->error ? it->error : "cannot decode");
            cli_item_error(it, why);
        }
        snprintf(fields + n, sizeof fields - (size_t)n, "%s,", pdq);
    }
    /* a name with a line break would forge a record: vigil's escaped form (docs/output.md) */
    if (vigil_hashlist_write_line(c->out, fields, it->path, it->path_len) < 0) {
        c->write_failed = 1;
        c->write_errno = errno;
        return 1;
    }
    c->hashed++;
    return 0;
}

static void free_roots(char **roots, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(roots[i]);
    free(roots);
}

static void usage(FILE *f)
{
    fprintf(f, "usage: vigil hash [--pdq] [--jobs N] [--relative] [--quiet] PATH...\n"
               "Hashes every regular file under the paths (symlinks are not followed) and writes a\n"
               "hashdeep list (size,md5,sha1,sha256,filename) on stdout. File names are absolute, as\n"
               "hashdeep writes them (each PATH resolved with realpath), unless --relative keeps them\n"
               "as given. Unreadable files are named on stderr and the exit status is then 3.\n"
               "SIGINT or SIGTERM stops it within about 2 s (exit status 130 or 143).\n"
               "A name with a control byte (a line break...) is written escaped on a line that starts\n"
               "with a backslash, which 'vigil hashset import' reads back (docs/output.md).\n"
               "--pdq adds a pdq column before the file name: the PDQ hash of images (empty for other\n"
               "files and for pictures too small or undecodable); the list then starts '%%%%%%%% VIGIL-HASH-1.0'\n"
               "instead of hashdeep's header, as hashdeep does not read it; 'vigil hashset import' does.\n");
}

/* What the scan came to: the summary on stderr, and the exit status. */
static int finish(const hash_ctx *c, const vigil_scan_stats *stats, int rc, const vigil_error *err, int quiet)
{
    if (fflush(stdout) != 0 || c->write_failed)
        return cli_write_failed("hash", NULL, c->write_failed ? c->write_errno : errno);
    if (rc < 0)
        return cli_fail(err);
    if (!quiet)
        fprintf(stderr, "vigil: hash: %llu file%s hashed, %llu not regular file%s (not hashed), %llu error%s%s\n",
                (unsigned long long)c->hashed, cli_s(c->hashed), (unsigned long long)c->special,
                cli_s(c->special), (unsigned long long)c->errors, cli_s(c->errors),
                stats->interrupted ? ", interrupted" : "");
    if (stats->interrupted)
        return cli_interrupted_status();
    return c->errors ? vigil_error_exit_status(VIGIL_EINPUT) : EXIT_OK; /* unreadable files: input */
}

int cmd_hash(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"jobs", required_argument, NULL, 'j'}, {"quiet", no_argument, NULL, 'q'},
        {"relative", no_argument, NULL, 'l'},
        {"pdq", no_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    static volatile sig_atomic_t stop;
    vigil_scan_opts o;
    vigil_scan_stats stats;
    vigil_error err;
    hash_ctx c = {.out = stdout};
    char cwd[4096];
    int opt, quiet = 0, relative = 0, rc;
    char **roots;
    size_t nroots;
    vigil_scan_opts_init(&o);
    o.expand_archives = 0;
    o.sniff_mime = 0;
    while ((opt = cli_getopt(argc, argv, "j:qlph", longopts, NULL)) != -1) {
        switch (opt) {
        case 'j':
            if (cli_parse_jobs(&o.jobs, "hash", optarg))
                return EXIT_USAGE;
            break;
        case 'q': quiet = 1; break;
        case 'l': relative = 1; break;
        case 'p':
            c.pdq = 1;
            o.compute_pdq = 1;
            break;
        case 'h': usage(stdout); return EXIT_OK;
        default: return EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if ((rc = cli_check_inputs((const char *const *)argv + optind, (size_t)(argc - optind))) != 0)
        return rc;
    cli_catch_interrupt(&stop);
    o.stop = &stop;
    o.on_item = on_item;
    o.ud = &c;
    if (!getcwd(cwd, sizeof cwd))
        snprintf(cwd, sizeof cwd, "(unknown)");
    /* the comment lines carry the folder and the arguments with controls escaped: a line break
     * there would start a record */
    /* hashdeep refuses a list with a column it does not know: with --pdq the list is vigil's own */
    printf("%%%%%%%% %s\n%%%%%%%% size,md5,sha1,sha256,%sfilename\n## Invoked from: ",
           c.pdq ? "VIGIL-HASH-1.0" : "HASHDEEP-1.0", c.pdq ? "pdq," : "");
    vigil_term_write(stdout, cwd, strlen(cwd));
    printf("\n## %c ", geteuid() == 0 ? '#' : '$');
    vigil_term_write(stdout, cli.command_line, strlen(cli.command_line));
    printf("\n##\n");
    nroots = (size_t)(argc - optind);
    roots = calloc(nroots, sizeof *roots);
    for (size_t i = 0; roots && i < nroots; i++) { /* hashdeep names files by the real path of each root */
        char real[PATH_MAX];
        const char *given = argv[optind + (int)i];
        if (!(roots[i] = strdup(!relative && realpath(given, real) ? real : given))) {
            free_roots(roots, i);
            roots = NULL;
        }
    }
    if (!roots) {
        vigil_error_set(&err, VIGIL_ENOMEM, "hash: out of memory");
        return cli_fail(&err);
    }
    c.progress = cli_progress_start((const char *const *)roots, nroots, &stop, !quiet && isatty(2));
    rc = vigil_scan_run(&stats, (const char *const *)roots, nroots, &o, &err);
    cli_progress_finish(c.progress);
    rc = finish(&c, &stats, rc, &err, quiet);
    if (stats.threads_left) /* a reader stuck in a parser still uses o, c and roots: end here */
        cli_exit_leaving_threads(rc);
    free_roots(roots, nroots);
    return rc;
}

void cmd_hash_usage(FILE *f)
{
    usage(f);
}

/*
 * vigil pdq: the PDQ perceptual hash of every image under the paths, one line
 * per picture, "hash,quality,path" (with --dihedral the eight orientations in
 * the reference's order, then quality and path). Decoding runs in the scan's
 * reader pool; files that are not images are counted, not printed.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

typedef struct pdq_ctx {
    FILE *out;
    int dihedral;
    uint64_t hashed, small, not_images, errors;
    int write_failed, write_errno;
} pdq_ctx;

static void item_error(pdq_ctx *c, const vigil_item *it, const char *why)
{
    c->errors++;
    cli_item_error(it, why);
}

static int on_item(const vigil_item *it, void *ud)
{
    pdq_ctx *c = ud;
    char hex[65], fields[VIGIL_PDQ__DIHEDRAL * 65 + 16];
    int n = 0;
    if (it->verdict == VIGIL_VERDICT_ERROR) {
        item_error(c, it, it->error ? it->error : "cannot read");
        return 0;
    }
    switch (it->pdq_state) {
    case VIGIL_PDQ_NONE:
        if (it->has_digests)
            c->not_images++;
        return 0;
    case VIGIL_PDQ_FAILED:
        item_error(c, it, it->error ? it->error : "cannot decode");
        return 0;
    case VIGIL_PDQ_TOO_SMALL:
        c->small++;
        cli_item_error(it, "too small to hash (under 5 pixels a side), no PDQ");
        return 0;
    case VIGIL_PDQ_OK:
        break;
    }
    for (int d = 0; d < (c->dihedral ? VIGIL_PDQ__DIHEDRAL : 1); d++) {
        vigil_pdq_hex(hex, &it->pdq[d]);
        n += snprintf(fields + n, sizeof fields - (size_t)n, "%s,", hex);
    }
    snprintf(fields + n, sizeof fields - (size_t)n, "%d,", it->pdq_quality);
    /* a name with a line break would forge a record: vigil's escaped form (docs/output.md) */
    if (vigil_hashlist_write_line(c->out, fields, it->path, it->path_len) < 0) {
        c->write_failed = 1;
        c->write_errno = errno;
        return 1;
    }
    c->hashed++;
    return 0;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: vigil pdq [--dihedral] [--jobs N] [--max-pixels N] [--pdq-exact | --pdq-scaled] [--quiet]\n"
               "                 PATH...\n"
               "Writes the PDQ hash and quality of every image under the paths (JPEG, PNG, WebP, GIF,\n"
               "BMP, TIFF, HEIF, recognised by content) as 'hash,quality,path'; --dihedral writes the\n"
               "hashes of the eight orientations (orig,rot90,rot180,rot270,flipx,flipy,flipp,flipm)\n"
               "before quality and path. Quality under 50 means the hash should not be matched.\n"
               "Pictures over --max-pixels (default 100M) are refused. --pdq-exact decodes\n"
               "every picture in full as the PDQ reference does; --pdq-scaled (default) decodes JPEGs of 1024 px\n"
               "or more a side at 1/2 to 1/8 scale, faster, hashes within a few bits of the reference's.\n"
               "Images that do not decode are named on stderr and the exit status is then 3; other\n"
               "files are skipped. SIGINT or SIGTERM stops it within about 2 s (exit status 130 or 143).\n");
}

/* What the scan came to: the summary on stderr, and the exit status. */
static int finish(const pdq_ctx *c, const vigil_scan_stats *stats, int rc, const vigil_error *err, int quiet)
{
    if (fflush(stdout) != 0 || c->write_failed)
        return cli_write_failed("pdq", NULL, c->write_failed ? c->write_errno : errno);
    if (rc < 0)
        return cli_fail(err);
    if (!quiet)
        fprintf(stderr, "vigil: pdq: %llu image%s hashed, %llu too small, %llu other file%s skipped, %llu error%s%s\n",
                (unsigned long long)c->hashed, cli_s(c->hashed), (unsigned long long)c->small,
                (unsigned long long)c->not_images, cli_s(c->not_images), (unsigned long long)c->errors,
                cli_s(c->errors), stats->interrupted ? ", interrupted" : "");
    if (stats->interrupted)
        return cli_interrupted_status();
    return c->errors ? vigil_error_exit_status(VIGIL_EINPUT) : EXIT_OK; /* unreadable images: input */
}

int cmd_pdq(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"dihedral", no_argument, NULL, 'd'}, {"jobs", required_argument, NULL, 'j'},
        {"max-pixels", required_argument, NULL, 'm'}, {"quiet", no_argument, NULL, 'q'},
        {"pdq-exact", no_argument, NULL, 'e'}, {"pdq-scaled", no_argument, NULL, 'F'},
        {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    static volatile sig_atomic_t stop;
    vigil_scan_opts o;
    vigil_scan_stats stats;
    vigil_error err;
    pdq_ctx c = {.out = stdout};
    int opt, quiet = 0, rc;
    uint64_t v;
    vigil_scan_opts_init(&o);
    o.expand_archives = 0;
    o.sniff_mime = 0;
    o.compute_pdq = 1;
    while ((opt = cli_getopt(argc, argv, "dj:m:qh", longopts, NULL)) != -1) {
        switch (opt) {
        case 'd': c.dihedral = 1; break;
        case 'j':
            if (cli_parse_jobs(&o.jobs, "pdq", optarg))
                return EXIT_USAGE;
            break;
        case 'm':
            if (cli_parse_u64(&v, optarg) < 0 || v < 1) {
                cli_error("pdq: --max-pixels takes a positive number (K, M, G suffixes allowed)");
                return EXIT_USAGE;
            }
            o.decode.max_pixels = v;
            break;
        case 'q': quiet = 1; break;
        case 'e': o.decode.dct_scale = 0; break;
        case 'F': o.decode.dct_scale = 1; break;
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
    rc = vigil_scan_run(&stats, (const char *const *)argv + optind, (size_t)(argc - optind), &o, &err);
    rc = finish(&c, &stats, rc, &err, quiet);
    if (stats.threads_left) /* a reader stuck in a parser still uses o and c: end here */
        cli_exit_leaving_threads(rc);
    return rc;
}

void cmd_pdq_usage(FILE *f)
{
    usage(f);
}

/*
 * vigil scan: walk folders and archives, give every item one verdict, and
 * write the scan JSONL (stdout unless --jsonl/--csv/--report name files),
 * CSV and the HTML report. Outputs are refused inside the scanned trees:
 * nothing is ever written into evidence.
 */
#include <errno.h>
#include <signal.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "progress.h"
#include "scan_resume.h"

typedef struct scan_args {
    const char *jsonl, *csv, *report;
    const char *resume;      /* --resume FILE: the JSONL read, then written again */
    int quiet;
} scan_args;

typedef struct scan_ctx {
    FILE *jsonl, *csv;
    vigil_html *html;
    cli_progress *progress;
    const scan_args *args;
    const char *failed;      /* the first output that could not be written, and why */
    int failed_errno;
    unsigned long long stop_after, delivered; /* VIGIL_TEST_STOP_AFTER: Ctrl-C after that many items */
} scan_ctx;

/* Remember the first output that failed; returns 1 (stop the scan). */
static int write_failed(scan_ctx *c, const char *path)
{
    if (!c->failed) {
        c->failed = path;
        c->failed_errno = errno;
    }
    return 1;
}

static int on_item(const vigil_item *it, void *ud)
{
    scan_ctx *c = ud;
    cli_progress_item(c->progress, it->size, it->ncontainers == 0 && it->has_digests);
    if (c->stop_after && ++c->delivered == c->stop_after) /* tests interrupt at a chosen item */
        raise(SIGINT);
    if (c->jsonl && vigil_jsonl_item(c->jsonl, it) < 0)
        return write_failed(c, c->args->jsonl);
    if (c->csv && vigil_csv_item(c->csv, it) < 0)
        return write_failed(c, c->args->csv);
    if (c->html && vigil_html_item(c->html, it) < 0)
        return write_failed(c, c->args->report);
    return 0;
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: vigil scan [options] PATH...\n"
            "  --jobs N              reader threads (default: number of CPUs)\n"
            "  --jsonl FILE          scan JSONL ('-' for stdout; the default when no output is named)\n"
            "  --csv FILE            the same items as CSV\n"
            "  --resume FILE         go on with the interrupted scan whose JSONL is FILE (same paths and\n"
            "                        options): files it finished are not read again; FILE is rewritten\n"
            "  --report FILE.html    self-contained HTML report\n"
            "  --quiet               no progress line and no summary on stderr\n"
            "  --no-archives         do not open archives\n"
            "  --link-targets        record where symlinks point (reading a link moves its atime)\n"
            "  --no-mime             skip libmagic (mime null): about 0.15 ms less per unrecognised file\n"
            "  --max-depth N         archive nesting levels opened (default 8)\n"
            "  --max-ratio N         expansion ratio that marks an archive bomb (default 1000)\n"
            "  --ratio-floor BYTES   expansion below which the ratio is not checked (default 256M)\n"
            "  --max-archive-bytes BYTES  total expansion allowed for one archive (default 64G)\n"
            "  --pdq-distance N      PDQ near-match radius, 0 to 31 (default 31); --no-pdq skips PDQ\n"
            "  --max-pixels N        pictures with more pixels are not decoded (default 100M)\n"
            "Disk images (raw, split .001, E01) named as PATH are read through their file systems:\n"
            "  --carve               also carve pictures out of unallocated space\n"
            "  --carve-max-size BYTES  largest picture carved (default 64M)\n"
            "  --verify-image        check an E01's stored MD5/SHA-1 against its media (reads it all)\n"
            "Exit status: 0 scan complete (error items are part of the result), 1 interrupted,\n"
            "2 usage, 4 an output could not be written, or an internal or storage error.\n");
}

static FILE *open_out(const char *path)
{
    return !strcmp(path, "-") ? stdout : fopen(path, "w");
}

static int parse_limit(uint64_t *out, const char *opt, const char *val)
{
    if (cli_parse_u64(out, val) < 0) {
        cli_error("scan: %s takes a number (suffixes K, M, G, T allowed), not '%s'", opt, val);
        return -1;
    }
    return 0;
}

static int parse_args(scan_args *a, vigil_scan_opts *o, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"jobs", required_argument, NULL, 'j'}, {"jsonl", required_argument, NULL, 'J'},
        {"csv", required_argument, NULL, 'C'},
        {"resume", required_argument, NULL, 'E'}, {"report", required_argument, NULL, 'R'},
        {"quiet", no_argument, NULL, 'q'}, {"no-archives", no_argument, NULL, 'A'},
        {"link-targets", no_argument, NULL, 'L'}, {"no-mime", no_argument, NULL, 'M'},
        {"max-depth", required_argument, NULL, 'D'}, {"max-ratio", required_argument, NULL, 'r'},
        {"ratio-floor", required_argument, NULL, 'f'}, {"max-archive-bytes", required_argument, NULL, 'B'},
        {"pdq-distance", required_argument, NULL, 'P'}, {"no-pdq", no_argument, NULL, 'N'},
        {"max-pixels", required_argument, NULL, 'X'},
        {"carve", no_argument, NULL, 'c'}, {"carve-max-size", required_argument, NULL, 'Z'},
        {"verify-image", no_argument, NULL, 'V'},
        {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    uint64_t v;
    int opt;
    while ((opt = getopt_long(argc, argv, "j:qh", longopts, NULL)) != -1) {
        switch (opt) {
        case 'j':
            if (cli_parse_jobs(&o->jobs, "scan", optarg))
                return EXIT_USAGE;
            break;
        case 'J': a->jsonl = optarg; break;
        case 'C': a->csv = optarg; break;
        case 'E': a->resume = optarg; break;
        case 'R': a->report = optarg; break;
        case 'q': a->quiet = 1; break;
        case 'A': o->expand_archives = 0; break;
        case 'L': o->read_link_targets = 1; break;
        case 'M': o->sniff_mime = 0; break;
        case 'D':
            if (parse_limit(&v, "--max-depth", optarg) < 0 || v > 64)
                return EXIT_USAGE;
            o->limits.max_depth = (unsigned)v;
            break;
        case 'r':
            if (parse_limit(&o->limits.max_ratio, "--max-ratio", optarg) < 0 || o->limits.max_ratio == 0)
                return EXIT_USAGE;
            break;
        case 'f':
            if (parse_limit(&o->limits.ratio_floor, "--ratio-floor", optarg) < 0)
                return EXIT_USAGE;
            break;
        case 'B':
            if (parse_limit(&o->limits.max_archive_bytes, "--max-archive-bytes", optarg) < 0)
                return EXIT_USAGE;
            break;
        case 'P':
            if (cli_parse_u64(&v, optarg) < 0 || v > VIGIL_PDQ_MAX_DISTANCE) {
                cli_error("scan: --pdq-distance takes a number from 0 to %d", VIGIL_PDQ_MAX_DISTANCE);
                return EXIT_USAGE;
            }
            o->pdq_max_distance = (int)v;
            break;
        case 'N': o->compute_pdq = 0; break;
        case 'X':
            if (parse_limit(&o->decode.max_pixels, "--max-pixels", optarg) < 0 || o->decode.max_pixels == 0)
                return EXIT_USAGE;
            break;
        case 'c': o->carve = 1; break;
        case 'Z':
            if (parse_limit(&o->carve_max_size, "--carve-max-size", optarg) < 0 || o->carve_max_size == 0)
                return EXIT_USAGE;
            break;
        case 'V': o->verify_image = 1; break;
        case 'h': usage(stdout); return -1;
        default: usage(stderr); return EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (a->resume) {
        if (!strcmp(a->resume, "-") || (a->jsonl && strcmp(a->jsonl, a->resume) != 0)) {
            cli_error("scan: --resume takes the JSONL file of the earlier scan and writes it again: no other --jsonl");
            return EXIT_USAGE;
        }
        a->jsonl = a->resume;
    }
    if (!a->jsonl && !a->csv && !a->report)
        a->jsonl = "-";
    return 0;
}

static int run_scan(scan_ctx *c, scan_args *a, vigil_scan_opts *o, const char *const *paths, size_t npaths,
                    const vigil_hashset_info *sets, size_t nsets)
{
    static volatile sig_atomic_t stop;
    vigil_scan_stats stats;
    vigil_error err;
    char started[32], ended[32];
    int rc;
    cli_catch_interrupt(&stop);
    o->stop = &stop;
    o->on_item = on_item;
    o->ud = c;
    cli_now_iso(started, sizeof started);
    c->progress = cli_progress_start(paths, npaths, &stop, !a->quiet && isatty(2));
    rc = vigil_scan_run(&stats, paths, npaths, o, &err);
    cli_progress_finish(c->progress);
    cli_now_iso(ended, sizeof ended);
    if (rc < 0)
        return cli_fail(&err);
    if (c->jsonl) {
        char *params = vigil_scan_params_json(paths, npaths, o); /* what --resume will check */
        if (!params || vigil_jsonl_summary_scan(c->jsonl, &stats, sets, nsets, params) < 0)
            write_failed(c, a->jsonl);
        free(params);
    }
    if (c->html) {
        vigil_report_params p = {vigil_version(), started, ended, paths, npaths, o->jobs, sets, nsets,
                                 cli.command_line};
        rc = vigil_html_finish(c->html, &p, &stats, &err);
        c->html = NULL;
        if (rc < 0) {
            cli_error("scan: %s", err.msg);
            return vigil_error_exit_status(err.code);
        }
    }
    if (c->failed)
        return cli_write_failed("scan", c->failed, c->failed_errno);
    for (size_t i = 0; i < stats.nverifications; i++) /* a failed self-check is said even with --quiet */
        if (stats.verifications[i].result != VIGIL_IMAGE_VERIFIED)
            fprintf(stderr, "vigil: scan: %s: image verification: %s%s%s\n", cli_text(stats.verifications[i].image),
                    vigil_image_check_name(stats.verifications[i].result), stats.verifications[i].error ? ": " : "",
                    stats.verifications[i].error ? cli_text(stats.verifications[i].error) : "");
    if (!a->quiet && stats.images)
        fprintf(stderr, "vigil: scan: disk images: %llu allocated, %llu deleted, %llu carved items\n",
                (unsigned long long)stats.allocated, (unsigned long long)stats.deleted,
                (unsigned long long)stats.carved);
    vigil_scan_stats_dispose(&stats);
    if (!a->quiet)
        fprintf(stderr,
                "vigil: scan: %llu items: %llu illegal, %llu interest, %llu benign, %llu near, %llu unknown, "
                "%llu errors; %.1f MB in %.1f s%s\n",
                (unsigned long long)stats.items, (unsigned long long)stats.by_verdict[VIGIL_VERDICT_ILLEGAL],
                (unsigned long long)stats.by_verdict[VIGIL_VERDICT_INTEREST],
                (unsigned long long)stats.by_verdict[VIGIL_VERDICT_BENIGN],
                (unsigned long long)stats.by_verdict[VIGIL_VERDICT_NEAR],
                (unsigned long long)stats.by_verdict[VIGIL_VERDICT_UNKNOWN],
                (unsigned long long)stats.by_verdict[VIGIL_VERDICT_ERROR], stats.bytes / 1e6, stats.seconds,
                stats.interrupted ? " (interrupted)" : "");
    return stats.interrupted ? EXIT_PROBLEM : EXIT_OK;
}

int cmd_scan(int argc, char **argv)
{
    scan_args a = {0};
    scan_ctx c = {0};
    scan_resume resume = {0};
    const char *stop_after = getenv("VIGIL_TEST_STOP_AFTER");
    vigil_scan_opts o;
    vigil_matchers *m = NULL;
    const vigil_hashset_info *sets;
    size_t nsets = 0, npaths;
    const char *const *paths;
    const char *outs[3];
    vigil_error err;
    int rc;
    vigil_scan_opts_init(&o);
    o.compute_pdq = 1;
    c.args = &a;
    c.stop_after = stop_after ? strtoull(stop_after, NULL, 10) : 0;
    rc = parse_args(&a, &o, argc, argv);
    if (rc)
        return rc < 0 ? EXIT_OK : rc;
    paths = (const char *const *)argv + optind;
    npaths = (size_t)(argc - optind);
    outs[0] = a.jsonl;
    outs[1] = a.csv;
    outs[2] = a.report;
    for (int i = 0; i < 3; i++)
        if (outs[i] && vigil_output_inside(outs[i], paths, npaths)) {
            cli_error("scan: %s: refusing to write inside a scanned tree (evidence is read-only)", outs[i]);
            return EXIT_USAGE;
        }
    if (vigil_matchers_open(&m, cli.sets, &(vigil_matchers_opts){.pdq = o.compute_pdq}, &err) < 0)
        return cli_fail(&err);
    o.index = vigil_matchers_index(m);
    o.pdq_matcher = vigil_matchers_pdq(m);
    sets = vigil_matchers_sets(m, &nsets);
    if (a.resume) {
        if ((rc = scan_resume_start(&resume, a.resume, paths, npaths, &o, sets, nsets, a.quiet, &c.jsonl)))
            goto done;
        o.resume = resume.earlier;
    } else if (a.jsonl && !(c.jsonl = open_out(a.jsonl))) {
        rc = cli_open_failed("scan", a.jsonl, errno);
        goto done;
    }
    if (a.csv && !(c.csv = open_out(a.csv))) {
        rc = cli_open_failed("scan", a.csv, errno);
        goto done;
    }
    if (c.csv && vigil_csv_header(c.csv) < 0)
        write_failed(&c, a.csv);
    if (a.report && vigil_html_open(&c.html, a.report, &err) < 0) {
        cli_error("scan: %s", err.msg);
        rc = vigil_error_exit_status(err.code);
        goto done;
    }
    rc = run_scan(&c, &a, &o, paths, npaths, sets, nsets);
done:
    vigil_html_abort(c.html);
    errno = 0;
    if (a.resume && c.jsonl && (fflush(c.jsonl) != 0 || fsync(fileno(c.jsonl)) != 0) &&
        (rc == EXIT_OK || rc == EXIT_PROBLEM)) /* on disk before it is renamed over the earlier file */
        rc = cli_write_failed("scan", a.jsonl, errno);
    if (c.jsonl && c.jsonl != stdout && fclose(c.jsonl) != 0 && (rc == EXIT_OK || rc == EXIT_PROBLEM))
        rc = cli_write_failed("scan", a.jsonl, errno);
    if (a.resume) /* the new JSONL replaces FILE only when it is whole (an interrupted one is) */
        rc = scan_resume_finish(&resume, a.resume, rc == EXIT_OK || rc == EXIT_PROBLEM, rc);
    errno = 0;
    if (c.csv && c.csv != stdout && fclose(c.csv) != 0 && rc == EXIT_OK)
        rc = cli_write_failed("scan", a.csv, errno);
    vigil_matchers_close(m);
    return rc;
}

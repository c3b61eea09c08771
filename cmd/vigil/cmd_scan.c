/*
 * vigil scan: walk folders and archives, give every item one verdict, and
 * write the scan JSONL (stdout unless --jsonl/--csv/--report name files),
 * CSV and the HTML report. Outputs are refused inside the scanned trees:
 * nothing is ever written into evidence.
 */
#include <errno.h>
#include <signal.h>
#include <getopt.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "progress.h"
#include "scan_case.h"
#include "scan_checks.h"
#include "scan_keys.h"
#include "scan_resume.h"

typedef struct scan_args {
    const char *jsonl, *csv, *report;
    const char *case_ref, *exhibit, *examiner; /* for the report's header */
    const char *resume;      /* --resume FILE: the JSONL read, then written again */
    int quiet;
    int thumbnails;          /* --thumbnails: 1 unknown and near, 2 all */
    int no_sets;             /* --no-sets: an inventory, matched against nothing */
    const char *key_file;    /* --key-file FILE: keys for encrypted volumes */
    const char *store_case;  /* --store CASE: the items go into the registry with that case */
    vigil_vpdq_list videos;  /* --videos LIST...: known videos */
} scan_args;

typedef struct scan_ctx {
    FILE *jsonl, *csv;
    vigil_html *html;
    cli_progress *progress;
    const scan_args *args;
    const char *failed;      /* the first output that could not be written, and why */
    int failed_errno;
    cli_out jsonl_out, csv_out; /* renamed into place when the scan completes (cli_out.c) */
    scan_errors errors;      /* error items named on stderr */
    int stop_status;         /* the exit status of an interrupted scan (130, 143); 0 when it ran to its end */
    unsigned threads_left;   /* readers the stopped scan left stuck in a parser: end without freeing */
    unsigned long long stop_after, delivered; /* VIGIL_TEST_STOP_AFTER: Ctrl-C after that many items */
    scan_case store;         /* --store */
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
    cli_progress_verdict(c->progress, it->verdict);
    cli_progress_item(c->progress, it->size, it->ncontainers == 0 && it->has_digests);
    if (it->verdict == VIGIL_VERDICT_ERROR) {
        cli_progress_clear(c->progress);
        scan_error_item(&c->errors, it);
    }
    if (c->stop_after && ++c->delivered == c->stop_after) /* tests interrupt at a chosen item */
        raise(SIGINT);
    if (c->jsonl && vigil_jsonl_item(c->jsonl, it) < 0)
        return write_failed(c, c->args->jsonl);
    if (c->csv && vigil_csv_item(c->csv, it) < 0)
        return write_failed(c, c->args->csv);
    if (c->html && vigil_html_item(c->html, it) < 0)
        return write_failed(c, c->args->report);
    return scan_case_item(&c->store, it);
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
            "  --thumbnails[=all]    put blurred thumbnails of unknown and near pictures in the report\n"
            "                        (=all: of known-illegal ones too); the report then holds picture content\n"
            "  --case REF, --exhibit ID, --examiner NAME  recorded at the top of the report\n"
            "  --store CASE          store every item with case CASE (an id) of the registry (--db), all in\n"
            "                        one transaction: nothing is stored unless the scan completes\n"
            "  --quiet               no progress line, error items or summary on stderr\n"
            "  --no-sets             scan with no hash sets (every item unknown); without it a scan\n"
            "                        refuses when no sets are loaded\n"
            "  --no-archives         do not open archives\n"
            "  --link-targets        record where symlinks point (reading a link moves its atime)\n"
            "  --no-mime             skip MIME typing (mime null): about 1 ms less per text file\n"
            "  --max-depth N         archive nesting levels opened (default 8)\n"
            "  --max-ratio N         expansion ratio that marks an archive bomb (default 1000)\n"
            "  --ratio-floor BYTES   expansion below which the ratio is not checked (default 256M)\n"
            "  --max-archive-bytes BYTES  total expansion allowed for one archive (default 64G)\n"
            "  --pdq-distance N      PDQ near-match radius, 0 to 31 (default 31); --no-pdq skips PDQ\n"
            "  --max-pixels N        pictures with more pixels are not decoded (default 100M)\n"
            "  --pdq-exact           decode every picture in full, as the PDQ reference does\n"
            "  --pdq-scaled          (default) decode JPEGs of 1024 px or more a side at 1/2 to 1/8 scale:\n"
            "                        faster, hashes within a few bits of the reference's\n"
            "  --no-video            do not decode videos (no vPDQ); by default each video file on disk\n"
            "                        (MP4/MOV/3GP, Matroska/WebM, AVI, FLV, ASF, MPEG-PS/TS, a GIF or WebP\n"
            "                        of more than one frame) gets the vPDQ of one frame a second, and one\n"
            "                        that does not decode is an error item\n"
            "  --max-video-seconds S  hash at most S seconds of each video (default 14400)\n"
            "  --max-frames N        hash at most N frames of each video (default 20000)\n"
            "  --videos LIST         known videos (a vpdq list: vigil vpdq output); a video whose frames\n"
            "                        match one (80%% of its frames, or of the known video's) is near\n"
            "Disk images (raw, split .001, E01, VHD/VHDX, VMDK, qcow) named as PATH are read through their\n"
            "file systems:\n"
            "  --carve               also carve pictures out of unallocated space\n"
            "  --carve-max-size BYTES  largest picture carved (default 64M)\n"
            "  --verify-image        check an E01's stored MD5/SHA-1 against its media (reads it all)\n"
            "  --key-file FILE       passwords and recovery keys, one a line, tried on encrypted volumes\n"
            "                        (LUKS 1 and 2, BitLocker); never written anywhere\n"
            "  --no-nested-images    a raw disk image found inside a folder is hashed, not opened (by\n"
            "                        default its files are read, nested under it)\n"
            "Parsers (archives, libmagic, picture decoders) run in sandboxed worker processes, one per job:\n"
            "  --item-timeout SECONDS  a parser that makes no progress this long costs its item (default 60)\n"
            "  --worker-memory SIZE  a worker's memory cap, over the hash sets it shares (default 1G)\n"
            "  --no-isolation        parse in the scanning process itself (for debugging and benchmarks:\n"
            "                        a parser that crashes then ends the scan)\n"
            "Error items are named on stderr (the first %d), and all are in the outputs.\n"
            "A first SIGINT (Ctrl-C) or SIGTERM stops the scan within about 2 s, even with a parser\n"
            "stuck on hostile data: the items done so far are written and the outputs say\n"
            "interrupted; a second signal ends the process at once.\n"
            "Exit status: 0 scan complete (error items are part of the result), 2 usage, 3 a PATH\n"
            "cannot be read or no hash sets are loaded, 4 an output could not be written, or an\n"
            "internal or storage error (a sets folder missing beside the database), 130 interrupted\n"
            "by SIGINT, 143 by SIGTERM.\n",
            SCAN_ERROR_LINES);
}

static int parse_limit(uint64_t *out, const char *opt, const char *val)
{
    if (cli_parse_u64(out, val) < 0) {
        cli_error("scan: %s takes a number (suffixes K, M, G, T allowed), not '%s'", opt, val);
        return -1;
    }
    return 0;
}

/* A vpdq list of known videos (vigil vpdq's output, or the reference's per-video file, named after it). */
static int load_videos(vigil_vpdq_list *list, const char *path)
{
    vigil_error err;
    FILE *f = fopen(path, "r");
    const char *base = strrchr(path, '/');
    int rc;
    if (!f) {
        cli_error("scan: %s: %s", path, strerror(errno));
        return vigil_error_exit_status(VIGIL_EINPUT);
    }
    rc = vigil_vpdq_list_read(list, f, path, base ? base + 1 : path, &err);
    fclose(f);
    return rc < 0 ? cli_fail(&err) : 0;
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
        {"max-pixels", required_argument, NULL, 'X'}, {"pdq-exact", no_argument, NULL, 'e'},
        {"pdq-scaled", no_argument, NULL, 'F'},
        {"carve", no_argument, NULL, 'c'}, {"carve-max-size", required_argument, NULL, 'Z'},
        {"verify-image", no_argument, NULL, 'V'}, {"thumbnails", optional_argument, NULL, 'T'},
        {"case", required_argument, NULL, 'K'}, {"exhibit", required_argument, NULL, 'x'},
        {"examiner", required_argument, NULL, 'w'}, {"no-sets", no_argument, NULL, 'S'},
        {"key-file", required_argument, NULL, 'k'}, {"store", required_argument, NULL, 'G'},
        {"item-timeout", required_argument, NULL, 'I'}, {"worker-memory", required_argument, NULL, 'W'},
        {"no-isolation", no_argument, NULL, 'O'}, {"no-nested-images", no_argument, NULL, 'H'},
        {"no-video", no_argument, NULL, 'v'}, {"max-video-seconds", required_argument, NULL, 'Y'},
        {"max-frames", required_argument, NULL, 'm'}, {"videos", required_argument, NULL, 'U'},
        {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    uint64_t v;
    int opt, rc;
    while ((opt = cli_getopt(argc, argv, "j:qh", longopts, NULL)) != -1) {
        switch (opt) {
        case 'j':
            if (cli_parse_jobs(&o->jobs, "scan", optarg))
                return EXIT_USAGE;
            break;
        case 'J': a->jsonl = optarg; break;
        case 'C': a->csv = optarg; break;
        case 'E': a->resume = optarg; break;
        case 'R': a->report = optarg; break;
        case 'K': a->case_ref = optarg; break;
        case 'x': a->exhibit = optarg; break;
        case 'w': a->examiner = optarg; break;
        case 'q': a->quiet = 1; break;
        case 'A': o->expand_archives = 0; break;
        case 'H': o->nested_images = 0; break;
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
        case 'e': o->decode.dct_scale = 0; break;
        case 'F': o->decode.dct_scale = 1; break;
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
        case 'T':
            if (optarg && strcmp(optarg, "all")) {
                cli_error("scan: --thumbnails takes no value or '=all', not '%s'", optarg);
                return EXIT_USAGE;
            }
            a->thumbnails = optarg ? 2 : 1;
            break;
        case 'S': a->no_sets = 1; break;
        case 'k': a->key_file = optarg; break;
        case 'I':
            if (parse_limit(&v, "--item-timeout", optarg) < 0)
                return EXIT_USAGE;
            if (v == 0 || v > 86400) {
                cli_error("scan: --item-timeout takes seconds from 1 to 86400, not '%s'", optarg);
                return EXIT_USAGE;
            }
            o->item_timeout = (unsigned)v;
            break;
        case 'W':
            if (parse_limit(&o->worker_memory, "--worker-memory", optarg) < 0)
                return EXIT_USAGE;
            if (o->worker_memory < ((uint64_t)16 << 20)) {
                cli_error("scan: --worker-memory takes a size of 16M or more, not '%s'", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'O': o->isolate = 0; break;
        case 'v': o->compute_vpdq = 0; break;
        case 'U':
            if ((rc = load_videos(&a->videos, optarg)) != 0)
                return rc;
            break;
        case 'Y':
            if (parse_limit(&v, "--max-video-seconds", optarg) < 0 || v == 0 || v > 1000000000) {
                cli_error("scan: --max-video-seconds takes a number of seconds over 0");
                return EXIT_USAGE;
            }
            o->vpdq.max_video_seconds = (double)v;
            break;
        case 'm':
            if (parse_limit(&o->vpdq.max_frames, "--max-frames", optarg) < 0 || o->vpdq.max_frames == 0) {
                cli_error("scan: --max-frames takes a positive number");
                return EXIT_USAGE;
            }
            break;
        case 'G': a->store_case = optarg; break;
        case 'h': usage(stdout); return -1;
        default: return EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return EXIT_USAGE;
    }
    /* Picture content goes only where it is shown with care: the report, never JSONL or CSV. */
    if (a->videos.n && !o->compute_vpdq) {
        cli_error("scan: --videos cannot go with --no-video (videos are matched by their vPDQ)");
        return EXIT_USAGE;
    }
    o->known_videos = a->videos.n ? &a->videos : NULL;
    if (a->thumbnails && !a->report) {
        cli_error("scan: --thumbnails needs --report (thumbnails are shown only in the HTML report)");
        return EXIT_USAGE;
    }
    if (a->thumbnails && !o->compute_pdq) {
        cli_error("scan: --thumbnails cannot go with --no-pdq (thumbnails are made from the PDQ decode)");
        return EXIT_USAGE;
    }
    o->thumbnails = a->thumbnails;
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
    c->threads_left = stats.threads_left;
    if (stats.interrupted)
        c->stop_status = cli_interrupted_status();
    cli_progress_finish(c->progress);
    cli_now_iso(ended, sizeof ended);
    if (rc < 0)
        return cli_fail(&err);
    if (c->jsonl) {
        char *params = vigil_scan_params_json(paths, npaths, o); /* what --resume will check */
        vigil_run_info run = {cli.command_line, started, ended};
        if (!params || vigil_jsonl_summary_run(c->jsonl, &stats, sets, nsets, params, &run) < 0)
            write_failed(c, a->jsonl);
        free(params);
    }
    if (c->html) {
        vigil_report_params p = {vigil_version(), started, ended, paths, npaths, o->jobs, sets, nsets,
                                 cli.command_line, .thumbnails = o->thumbnails, .case_ref = a->case_ref,
                                 .exhibit = a->exhibit, .examiner = a->examiner};
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
        fprintf(stderr, "vigil: scan: disk images: %llu allocated, %llu deleted, %llu carved item%s\n",
                (unsigned long long)stats.allocated, (unsigned long long)stats.deleted,
                (unsigned long long)stats.carved, cli_s(stats.carved));
    vigil_scan_stats_dispose(&stats);
    scan_errors_finish(&c->errors);
    if (!a->quiet)
        scan_print_sets(stderr, sets, nsets);
    if (!a->quiet)
        fprintf(stderr,
                "vigil: scan: %llu item%s: %llu illegal, %llu interest, %llu benign, %llu near, %llu unknown, "
                "%llu error%s; %.1f MB in %.1f s%s\n",
                (unsigned long long)stats.items, cli_s(stats.items),
                (unsigned long long)stats.by_verdict[VIGIL_VERDICT_ILLEGAL],
                (unsigned long long)stats.by_verdict[VIGIL_VERDICT_INTEREST],
                (unsigned long long)stats.by_verdict[VIGIL_VERDICT_BENIGN],
                (unsigned long long)stats.by_verdict[VIGIL_VERDICT_NEAR],
                (unsigned long long)stats.by_verdict[VIGIL_VERDICT_UNKNOWN],
                (unsigned long long)stats.by_verdict[VIGIL_VERDICT_ERROR],
                cli_s(stats.by_verdict[VIGIL_VERDICT_ERROR]), stats.bytes / 1e6, stats.seconds,
                stats.interrupted ? " (interrupted)" : "");
    if (!a->quiet && (stats.by_error_kind[VIGIL_ERROR_CRASHED] || stats.by_error_kind[VIGIL_ERROR_TIMEOUT] ||
                      stats.by_error_kind[VIGIL_ERROR_MEMORY]))
        fprintf(stderr, "vigil: scan: parser errors: %llu crashed, %llu timed out, %llu over memory\n",
                (unsigned long long)stats.by_error_kind[VIGIL_ERROR_CRASHED],
                (unsigned long long)stats.by_error_kind[VIGIL_ERROR_TIMEOUT],
                (unsigned long long)stats.by_error_kind[VIGIL_ERROR_MEMORY]);
    return stats.interrupted ? c->stop_status : EXIT_OK;
}

/* Outputs are kept (renamed into place) when the scan ran to its end or was interrupted, and
 * nothing failed: an interrupted scan's outputs are whole, with the items done before the stop. */
static int outputs_whole(const scan_ctx *c, int rc)
{
    return rc == EXIT_OK || (c->stop_status && rc == c->stop_status);
}

int cmd_scan(int argc, char **argv)
{
    scan_args a = {0};
    scan_ctx c = {0};
    scan_resume resume = {0};
    scan_keys keys = {0};
    const char *stop_after = getenv("VIGIL_TEST_STOP_AFTER");
    vigil_scan_opts o;
    vigil_matchers *m = NULL;
    const vigil_hashset_info *sets;
    size_t nsets = 0, npaths;
    const char *const *paths;
    const char *outs[3];
    vigil_error err;
    int rc, whole;
    vigil_scan_opts_init(&o);
    o.isolate = 1; /* the CLI's scans parse in workers unless --no-isolation */
    o.compute_pdq = 1;
    o.compute_vpdq = 1;
    c.args = &a;
    c.stop_after = stop_after ? strtoull(stop_after, NULL, 10) : 0;
    rc = parse_args(&a, &o, argc, argv);
    if (rc) {
        vigil_vpdq_list_dispose(&a.videos); /* a usage error may come after --videos was read */
        return rc < 0 ? EXIT_OK : rc;
    }
    c.errors.quiet = a.quiet;
    paths = (const char *const *)argv + optind;
    npaths = (size_t)(argc - optind);
    outs[0] = a.jsonl;
    outs[1] = a.csv;
    outs[2] = a.report;
    for (int i = 0; i < 3; i++)
        if (outs[i] && vigil_output_inside(outs[i], paths, npaths)) {
            cli_error("scan: %s: refusing to write inside a scanned tree (evidence is read-only)", outs[i]);
            vigil_vpdq_list_dispose(&a.videos);
            return EXIT_USAGE;
        }
    if ((rc = scan_check_roots(paths, npaths)) != 0) {
        vigil_vpdq_list_dispose(&a.videos);
        return rc;
    }
    /*
     * Blocks of 1 MiB and more (a large picture's decoder buffers, its bytes) get their own mapping,
     * given back when freed. glibc would otherwise raise this threshold after the first large free,
     * and later large blocks would stay in the readers' arenas as free but resident memory: on
     * /usr/share 37 MB of them at the peak, beside a wallpaper's coefficients (bench/results/scan.txt).
     */
    mallopt(M_MMAP_THRESHOLD, 1 << 20);
    if (a.key_file) {
        if ((rc = scan_keys_load(&keys, a.key_file)) != 0) {
            vigil_vpdq_list_dispose(&a.videos);
            return rc;
        }
        o.keys = keys.v;
        o.nkeys = keys.n;
    }
    if (a.no_sets)
        sets = NULL;
    else if (vigil_matchers_open(&m, cli.sets, &(vigil_matchers_opts){.pdq = o.compute_pdq, .bound_memory = 1}, &err) < 0) {
        cli_error("scan: %s", err.msg);
        rc = vigil_error_exit_status(err.code);
        goto done;
    }
    else {
        o.index = vigil_matchers_index(m);
        o.pdq_matcher = vigil_matchers_pdq(m);
        sets = vigil_matchers_sets(m, &nsets);
        if ((rc = scan_check_sets(cli.sets, nsets)) != 0)
            goto done;
        if (o.compute_pdq && !a.quiet)
            scan_note_pdq(sets, nsets);
        /* the known videos of the sets join those of --videos (none are decoded with --no-video) */
        if (o.compute_vpdq && vigil_matchers_known_videos(m, &a.videos, &err) < 0) {
            cli_error("scan: %s", err.msg);
            rc = vigil_error_exit_status(err.code);
            goto done;
        }
        o.known_videos = a.videos.n ? &a.videos : NULL;
    }
    if (a.resume) {
        if ((rc = scan_resume_start(&resume, a.resume, paths, npaths, &o, sets, nsets, a.quiet, &c.jsonl)))
            goto done;
        o.resume = resume.earlier;
    } else if (a.jsonl && cli_out_open(&c.jsonl_out, a.jsonl) < 0) {
        rc = cli_open_failed("scan", a.jsonl, errno);
        goto done;
    }
    if (!a.resume)
        c.jsonl = c.jsonl_out.f;
    if (a.csv && cli_out_open(&c.csv_out, a.csv) < 0) {
        rc = cli_open_failed("scan", a.csv, errno);
        goto done;
    }
    c.csv = c.csv_out.f;
    if (c.csv && vigil_csv_header(c.csv) < 0)
        write_failed(&c, a.csv);
    if (a.report && vigil_html_open(&c.html, a.report, &err) < 0) {
        cli_error("scan: %s", err.msg);
        rc = vigil_error_exit_status(err.code);
        goto done;
    }
    if (a.store_case && (rc = scan_case_open(&c.store, a.store_case)) != 0)
        goto done;
    rc = run_scan(&c, &a, &o, paths, npaths, sets, nsets);
done:
    rc = scan_case_finish(&c.store, rc == EXIT_OK, a.quiet, rc);
    vigil_html_abort(c.html); /* a report not finished leaves no file (html.c writes a temporary one) */
    /* a failed scan leaves no output file behind; an interrupted one keeps what it wrote */
    whole = outputs_whole(&c, rc);
    if (a.resume) {
        errno = 0;
        if (c.jsonl && (fflush(c.jsonl) != 0 || fsync(fileno(c.jsonl)) != 0) && whole)
            rc = cli_write_failed("scan", a.jsonl, errno); /* on disk before it is renamed over the earlier file */
        if (c.jsonl && fclose(c.jsonl) != 0 && whole)
            rc = cli_write_failed("scan", a.jsonl, errno);
        whole = outputs_whole(&c, rc);
        /* the new JSONL replaces FILE only when it is whole (an interrupted one is) */
        if (c.threads_left) /* the walker left behind may still look files up in it */
            resume.earlier = NULL;
        rc = scan_resume_finish(&resume, a.resume, whole, rc);
    } else if (cli_out_close(&c.jsonl_out, whole) != 0 && whole)
        rc = cli_write_failed("scan", a.jsonl, errno);
    whole = outputs_whole(&c, rc);
    if (cli_out_close(&c.csv_out, whole) != 0 && whole)
        rc = cli_write_failed("scan", a.csv, errno);
    if (c.threads_left)
        cli_exit_leaving_threads(rc);
    vigil_matchers_close(m);
    vigil_vpdq_list_dispose(&a.videos);
    scan_keys_free(&keys);
    return rc;
}

void cmd_scan_usage(FILE *f)
{
    usage(f);
}

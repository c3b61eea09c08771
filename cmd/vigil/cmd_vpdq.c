/*
 * vigil vpdq: the vPDQ of videos, one line per sampled frame,
 * "frame,hash,quality,seconds,path"; with --against (vpdq lists) and
 * --pictures (PDQ lists) it prints the matches instead: the known videos a
 * video is near, with both shares and the matching time ranges, and the
 * frames that match a known picture.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "vigil/vpdq.h"

typedef struct vpdq_ctx {
    vigil_vpdq_opts o;
    vigil_vpdq_match_opts m;
    vigil_vpdq_list known;        /* --against */
    vigil_vpdq_frame *pictures;   /* --pictures: hashes only */
    char **picture_names;
    size_t n_pictures, cap_pictures;
    int matching;
    uint64_t videos, frames, errors, near;
} vpdq_ctx;

static void usage(FILE *f)
{
    fprintf(f, "usage: vigil vpdq [--every SECONDS] [--max-video-seconds S] [--max-frames N] [--luma]\n"
               "                  [--keep-borders] [--against VPDQ_LIST]... [--pictures PDQ_LIST]...\n"
               "                  [--video-match PCT] [--quiet]\n"
               "                  FILE...\n"
               "Writes the vPDQ of each video, one line per sampled frame: 'frame,hash,quality,seconds,path'\n"
               "(one frame per second by default; --every changes it). Videos are recognised by content\n"
               "(MP4/MOV/3GP, Matroska/WebM, AVI, MPEG-TS, MPEG-PS, FLV, WMV/ASF, animated GIF and WebP); only the\n"
               "first video stream is hashed. Hashing stops at --max-video-seconds of video (default\n"
               "14400) or --max-frames sampled frames (default 20000), with a note on stderr.\n"
               "Each frame goes to RGB24 before PDQ as the reference does, so hashes equal its hashes;\n"
               "--luma reads the decoder's luma plane directly (a little cheaper, a few bits off the\n"
               "reference's hashes, see docs/vpdq.md). Frames are hashed whole, as\n"
               "the reference does; a frame with flat bars at its edges (letterbox, pillarbox) also gets\n"
               "the hash of the picture between them, which matching tries too (--keep-borders: not).\n"
               "--against LIST compares each video with the known videos of a vpdq list (vigil vpdq\n"
               "output, or the reference's per-video 'frame,quality,hash,timestamp' file, named after the\n"
               "file) and prints 'video,QUERY%%,KNOWN%%,QUERY_RANGES,KNOWN_RANGES,KNOWN,PATH' for each known\n"
               "video it is near: at least --video-match percent (default 80) of its distinct frames of\n"
               "quality 50 or more match one within distance 31, or as much of the known video's frames\n"
               "appear in it. --pictures LIST (vigil pdq output, 'hash,...') prints\n"
               "'picture,SECONDS,DISTANCE,KNOWN_HASH,PATH' for each frame within distance 31 of a known picture.\n"
               "Videos that do not decode (damaged, truncated, encrypted) are named on stderr with the\n"
               "reason and the exit status is then 3.\n");
}

static int add_picture(vpdq_ctx *c, const vigil_pdq_hash *h, const char *name)
{
    if (c->n_pictures == c->cap_pictures) {
        size_t cap = c->cap_pictures ? c->cap_pictures * 2 : 256;
        vigil_vpdq_frame *p = realloc(c->pictures, cap * sizeof *p);
        char **q = realloc(c->picture_names, cap * sizeof *q);
        if (p)
            c->pictures = p;
        if (q)
            c->picture_names = q;
        if (!p || !q)
            return -1;
        c->cap_pictures = cap;
    }
    memset(&c->pictures[c->n_pictures], 0, sizeof *c->pictures);
    c->pictures[c->n_pictures].hash = *h;
    c->picture_names[c->n_pictures] = strdup(name);
    c->n_pictures++;
    return 0;
}

/* A PDQ list as vigil pdq writes it: the hash first, then anything. */
static int load_pictures(vpdq_ctx *c, const char *path)
{
    FILE *f = fopen(path, "r");
    char line[8192];
    size_t no = 0;
    if (!f) {
        cli_error("vpdq: %s: %s", path, strerror(errno));
        return vigil_error_exit_status(VIGIL_EINPUT);
    }
    while (fgets(line, sizeof line, f)) {
        vigil_pdq_hash h;
        size_t len = strcspn(line, "\r\n");
        no++;
        if (len == 0 || line[0] == '#')
            continue;
        line[len] = 0;
        if (len < 64 || (len > 64 && line[64] != ',') || vigil_pdq_parse(&h, line, 64, NULL) < 0) {
            cli_error("vpdq: %s:%zu: not a PDQ line (64 hex digits first)", path, no);
            fclose(f);
            return vigil_error_exit_status(VIGIL_EINPUT);
        }
        if (add_picture(c, &h, len > 65 ? line + 65 : "") < 0) {
            fclose(f);
            cli_error("vpdq: out of memory");
            return vigil_error_exit_status(VIGIL_EINPUT);
        }
    }
    fclose(f);
    return 0;
}

static int load_known(vpdq_ctx *c, const char *path)
{
    vigil_error err;
    FILE *f = fopen(path, "r");
    const char *base = strrchr(path, '/');
    int rc;
    if (!f) {
        cli_error("vpdq: %s: %s", path, strerror(errno));
        return vigil_error_exit_status(VIGIL_EINPUT);
    }
    rc = vigil_vpdq_list_read(&c->known, f, path, base ? base + 1 : path, &err);
    fclose(f);
    return rc < 0 ? cli_fail(&err) : 0;
}

static void print_frames(const vigil_vpdq *v, const char *path)
{
    for (size_t i = 0; i < v->n; i++)
        vigil_vpdq_write_line(stdout, &v->frames[i], path, strlen(path));
}

static int print_matches(vpdq_ctx *c, const vigil_vpdq *v, const char *path)
{
    vigil_error err;
    int hits = 0;
    for (size_t k = 0; k < c->known.n; k++) {
        const vigil_vpdq_video *kv = &c->known.videos[k];
        vigil_vpdq_match m;
        char qr[512], kr[512], fields[1200];
        if (vigil_vpdq_compare(&m, v->frames, v->n, kv->frames, kv->n, &c->m, &err) < 0)
            return cli_fail(&err);
        if (m.near) {
            vigil_vpdq_ranges_text(qr, sizeof qr, m.query_ranges, m.n_query_ranges);
            vigil_vpdq_ranges_text(kr, sizeof kr, m.target_ranges, m.n_target_ranges);
            snprintf(fields, sizeof fields, "video,%.1f,%.1f,%s,%s,%s,", m.query_percent, m.target_percent, qr, kr,
                     cli_text(kv->name));
            vigil_hashlist_write_line(stdout, fields, path, strlen(path));
            hits++;
        }
        vigil_vpdq_match_dispose(&m);
    }
    for (size_t i = 0; i < v->n; i++) { /* a still taken from a known video, or a known still in a video */
        const vigil_vpdq_frame *fr = &v->frames[i];
        int best = c->m.max_distance + 1;
        size_t at = 0;
        if (fr->quality < c->m.min_quality)
            continue;
        for (size_t p = 0; p < c->n_pictures; p++) {
            int d = vigil_pdq_distance(&fr->hash, &c->pictures[p].hash);
            if (fr->has_alt && vigil_pdq_distance(&fr->alt, &c->pictures[p].hash) < d)
                d = vigil_pdq_distance(&fr->alt, &c->pictures[p].hash);
            if (d < best)
                best = d, at = p;
        }
        if (best <= c->m.max_distance) {
            char fields[160], hex[65];
            vigil_pdq_hex(hex, &c->pictures[at].hash);
            snprintf(fields, sizeof fields, "picture,%.3f,%d,%s,", fr->seconds, best, hex);
            vigil_hashlist_write_line(stdout, fields, path, strlen(path));
            hits++;
        }
    }
    if (hits)
        c->near++;
    return 0;
}

static int one_file(vpdq_ctx *c, const char *path)
{
    vigil_vpdq v;
    vigil_error err;
    struct stat sb;
    int fd = open(path, O_RDONLY | O_CLOEXEC), rc;
    if (fd < 0 || fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
        cli_error("vpdq: %s: %s", cli_text(path), fd < 0 ? strerror(errno) : "not a regular file");
        if (fd >= 0)
            close(fd);
        c->errors++;
        return 0;
    }
    rc = vigil_vpdq_fd(&v, fd, (uint64_t)sb.st_size, &c->o, &err);
    close(fd);
    if (rc < 0) {
        if (err.code == VIGIL_ENOMEM || err.code == VIGIL_EUSAGE)
            return cli_fail(&err);
        cli_error("vpdq: %s: %s", cli_text(path), err.msg);
        c->errors++;
        return 0;
    }
    if (v.limit[0])
        cli_error("vpdq: %s: %s", cli_text(path), v.limit);
    c->videos++;
    c->frames += v.n;
    rc = c->matching ? print_matches(c, &v, path) : (print_frames(&v, path), 0);
    vigil_vpdq_dispose(&v);
    return rc;
}

static int parse_seconds(double *out, const char *opt, const char *arg)
{
    char *end;
    double v = strtod(arg, &end);
    if (*end || !(v > 0) || v > 1e9) {
        cli_error("vpdq: %s takes a number of seconds over 0", opt);
        return EXIT_USAGE;
    }
    *out = v;
    return 0;
}

int cmd_vpdq(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"every", required_argument, NULL, 'e'}, {"max-video-seconds", required_argument, NULL, 's'},
        {"max-frames", required_argument, NULL, 'f'}, {"luma", no_argument, NULL, 'l'},
        {"keep-borders", no_argument, NULL, 'k'},
        {"against", required_argument, NULL, 'a'}, {"pictures", required_argument, NULL, 'p'},
        {"video-match", required_argument, NULL, 'm'}, {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    vpdq_ctx c = {0};
    int opt, quiet = 0, rc = 0;
    uint64_t v;
    double pct = 0;
    vigil_vpdq_opts_init(&c.o);
    vigil_vpdq_match_opts_init(&c.m);
    while (rc == 0 && (opt = cli_getopt(argc, argv, "qh", longopts, NULL)) != -1) {
        switch (opt) {
        case 'e': rc = parse_seconds(&c.o.every, "--every", optarg); break;
        case 's': rc = parse_seconds(&c.o.max_video_seconds, "--max-video-seconds", optarg); break;
        case 'f':
            if (cli_parse_u64(&v, optarg) < 0 || v < 1) {
                cli_error("vpdq: --max-frames takes a positive number");
                rc = EXIT_USAGE;
            }
            c.o.max_frames = v;
            break;
        case 'l': c.o.luma = 1; break;
        case 'k': c.o.keep_borders = 1; break;
        case 'a': c.matching = 1; rc = load_known(&c, optarg); break;
        case 'p': c.matching = 1; rc = load_pictures(&c, optarg); break;
        case 'm':
            if (parse_seconds(&pct, "--video-match", optarg) || pct > 100) {
                cli_error("vpdq: --video-match takes a percentage over 0, at most 100");
                rc = EXIT_USAGE;
            }
            c.m.query_percent = c.m.target_percent = pct;
            break;
        case 'q': quiet = 1; break;
        case 'h': usage(stdout); return EXIT_OK;
        default: rc = EXIT_USAGE;
        }
    }
    if (rc == 0 && optind >= argc) {
        usage(stderr);
        rc = EXIT_USAGE;
    }
    for (int i = optind; rc == 0 && i < argc; i++)
        rc = one_file(&c, argv[i]);
    if (rc == 0 && fflush(stdout) != 0)
        rc = cli_write_failed("vpdq", NULL, errno);
    if (rc == 0 && !quiet)
        fprintf(stderr, "vigil: vpdq: %llu video%s, %llu frame%s hashed, %llu near a known video or picture, %llu error%s\n",
                (unsigned long long)c.videos, cli_s(c.videos), (unsigned long long)c.frames, cli_s(c.frames),
                (unsigned long long)c.near, (unsigned long long)c.errors, cli_s(c.errors));
    if (rc == 0 && c.errors)
        rc = vigil_error_exit_status(VIGIL_EINPUT);
    vigil_vpdq_list_dispose(&c.known);
    for (size_t i = 0; i < c.n_pictures; i++)
        free(c.picture_names[i]);
    free(c.pictures);
    free(c.picture_names);
    return rc;
}

void cmd_vpdq_usage(FILE *f)
{
    usage(f);
}

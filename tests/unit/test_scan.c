/* scan: walk order, order independent of jobs, files that change under the scan, stopping,
 * items that cannot be recorded, the budget of pictures decoded at once, videos inside archives. */
#include <archive.h>
#include <archive_entry.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "media/decode_weight.h"
#include "scan/decode_budget.h"
#include "scan/parse_need.h"
#include "scan/reader.h"
#include "scan/testing.h"
#include "scan/worker.h"
#include "testutil.h"
#include "vigil/scan.h"

typedef struct seen {
    char paths[64][256];
    char errors[64][256];
    vigil_verdict verdicts[64];
    size_t n;
    int stop_after;
    volatile sig_atomic_t *stop;
} seen;

static int collect(const vigil_item *it, void *ud)
{
    seen *s = ud;
    if (s->n < 64) {
        snprintf(s->paths[s->n], 256, "%s%s%.*s", it->ncontainers ? it->containers[0] : "",
                 it->ncontainers ? "!/" : "", (int)it->path_len, it->path);
        snprintf(s->errors[s->n], 256, "%s", it->error ? it->error : "");
        s->verdicts[s->n] = it->verdict;
    }
    s->n++;
    if (s->stop_after && s->n == (size_t)s->stop_after)
        __atomic_store_n(s->stop, 1, __ATOMIC_RELAXED);
    return 0;
}

static char *make_tree(void)
{
    char *d = tu_mkdtemp(), *p;
    p = tu_path(d, "b");
    mkdir(p, 0755);
    free(p);
    p = tu_path(d, "b/inner");
    mkdir(p, 0755);
    free(p);
    tu_write(d, "c.txt", "c", 1);
    tu_write(d, "a.txt", "a", 1);
    tu_write(d, "b/z.txt", "z", 1);
    tu_write(d, "b/inner/y.txt", "y", 1);
    tu_write(d, "B.txt", "B", 1);
    return d;
}

static void run(seen *s, const char *root, unsigned jobs, void (*hook)(const char *, void *))
{
    vigil_scan_opts o;
    vigil_scan_stats st;
    const char *paths[1] = {root};
    vigil_scan_opts_init(&o);
    o.jobs = jobs;
    o.on_item = collect;
    o.ud = s;
    o.stop = s->stop;
    vg_scan_set_before_open(hook);
    assert_int_equal(vigil_scan_run(&st, paths, 1, &o, NULL), 0);
    vg_scan_set_before_open(NULL);
    assert_int_equal(st.items, s->n);
}

static void scan__walk_is_depth_first_in_byte_order(void **state)
{
    char *d = make_tree(), want[5][256];
    seen s = {0};
    (void)state;
    run(&s, d, 1, NULL);
    assert_int_equal(s.n, 5);
    snprintf(want[0], 256, "%s/B.txt", d);
    snprintf(want[1], 256, "%s/a.txt", d);
    snprintf(want[2], 256, "%s/b/inner/y.txt", d);
    snprintf(want[3], 256, "%s/b/z.txt", d);
    snprintf(want[4], 256, "%s/c.txt", d);
    for (int i = 0; i < 5; i++)
        assert_string_equal(s.paths[i], want[i]);
    tu_rm_rf(d);
    free(d);
}

static void scan__order_does_not_depend_on_jobs(void **state)
{
    char *d = tu_mkdtemp();
    seen *one = calloc(1, sizeof *one), *many = calloc(1, sizeof *many);
    (void)state;
    for (int i = 0; i < 60; i++) {
        char name[32];
        size_t len = (size_t)(i * 7919 % 200000); /* uneven sizes so readers finish out of order */
        char *buf = calloc(1, len + 1);
        snprintf(name, sizeof name, "f%02d", i);
        tu_write(d, name, buf, len);
        free(buf);
    }
    run(one, d, 1, NULL);
    run(many, d, 8, NULL);
    assert_int_equal(one->n, 60);
    assert_int_equal(many->n, 60);
    assert_memory_equal(one->paths, many->paths, sizeof one->paths);
    tu_rm_rf(d);
    free(d);
    free(one);
    free(many);
}

static void vanish(const char *path, void *ud)
{
    (void)ud;
    if (strstr(path, "a.txt"))
        unlink(path);
    if (strstr(path, "c.txt"))
        truncate(path, 0);
}

static void scan__vanished_and_shrunk_files_are_errors_and_the_rest_goes_on(void **state)
{
    char *d = make_tree();
    seen s = {0};
    (void)state;
    run(&s, d, 2, vanish);
    assert_int_equal(s.n, 5);
    assert_int_equal(s.verdicts[1], VIGIL_VERDICT_ERROR);
    assert_non_null(strstr(s.errors[1], "vanished"));
    assert_int_equal(s.verdicts[4], VIGIL_VERDICT_ERROR);
    assert_non_null(strstr(s.errors[4], "changed during the scan"));
    assert_int_equal(s.verdicts[0], VIGIL_VERDICT_UNKNOWN);
    assert_int_equal(s.verdicts[2], VIGIL_VERDICT_UNKNOWN);
    tu_rm_rf(d);
    free(d);
}

static void scan__stop_flag_ends_the_scan_with_complete_items(void **state)
{
    char *d = tu_mkdtemp();
    volatile sig_atomic_t stop = 0;
    seen s = {0};
    vigil_scan_opts o;
    vigil_scan_stats st;
    const char *paths[1];
    (void)state;
    for (int i = 0; i < 500; i++) {
        char name[32];
        snprintf(name, sizeof name, "f%03d", i);
        tu_write(d, name, name, 4);
    }
    s.stop_after = 3;
    s.stop = &stop;
    paths[0] = d;
    vigil_scan_opts_init(&o);
    o.jobs = 2;
    o.on_item = collect;
    o.ud = &s;
    o.stop = &stop;
    assert_int_equal(vigil_scan_run(&st, paths, 1, &o, NULL), 0);
    assert_true(st.interrupted);
    assert_true(st.items < 500);
    assert_int_equal(st.items, s.n);
    assert_int_equal(st.by_verdict[VIGIL_VERDICT_UNKNOWN], st.items); /* every delivered item is whole */
    tu_rm_rf(d);
    free(d);
}

/* Results for paths ending in z.txt cannot be allocated, as if memory ran out there. */
static int fail_z(const char *path, size_t len)
{
    return len >= 5 && !memcmp(path + len - 5, "z.txt", 5);
}

static void scan__a_file_that_cannot_be_recorded_is_an_error_item_in_its_place(void **state)
{
    char *d = make_tree();
    seen s = {0};
    (void)state;
    vg_scan_set_fail_result(fail_z);
    run(&s, d, 2, NULL);
    vg_scan_set_fail_result(NULL);
    assert_int_equal(s.n, 5); /* no gap */
    assert_non_null(strstr(s.paths[3], "/b/z.txt"));
    assert_int_equal(s.verdicts[3], VIGIL_VERDICT_ERROR);
    assert_non_null(strstr(s.errors[3], "out of memory"));
    assert_int_equal(s.verdicts[4], VIGIL_VERDICT_UNKNOWN); /* c.txt, after it */
    tu_rm_rf(d);
    free(d);
}

static void write_tar(const char *path, const char *const *names, size_t n)
{
    struct archive *a = archive_write_new();
    assert_int_equal(archive_write_set_format_pax_restricted(a), ARCHIVE_OK);
    assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
    for (size_t i = 0; i < n; i++) {
        struct archive_entry *e = archive_entry_new();
        archive_entry_set_pathname(e, names[i]);
        archive_entry_set_size(e, 4);
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_perm(e, 0644);
        assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
        assert_int_equal(archive_write_data(a, "data", 4), 4);
        archive_entry_free(e);
    }
    assert_int_equal(archive_write_close(a), ARCHIVE_OK);
    archive_write_free(a);
}

static void scan__an_archive_member_that_cannot_be_recorded_is_an_error_item_and_the_rest_is_read(void **state)
{
    static const char *const members[] = {"m1.txt", "z.txt", "m3.txt"};
    char *d = tu_mkdtemp(), *tar = tu_path(d, "t.tar");
    seen s = {0};
    (void)state;
    write_tar(tar, members, 3);
    vg_scan_set_fail_result(fail_z);
    run(&s, d, 1, NULL);
    vg_scan_set_fail_result(NULL);
    /* the archive, m1.txt, m3.txt, then the member that could not be recorded, named by its archive */
    assert_int_equal(s.n, 4);
    assert_non_null(strstr(s.paths[1], "t.tar!/m1.txt"));
    assert_non_null(strstr(s.paths[2], "t.tar!/m3.txt"));
    assert_int_equal(s.verdicts[2], VIGIL_VERDICT_UNKNOWN);
    assert_string_equal(s.paths[3], tar);
    assert_int_equal(s.verdicts[3], VIGIL_VERDICT_ERROR);
    assert_non_null(strstr(s.errors[3], "out of memory"));
    tu_rm_rf(d);
    free(tar);
    free(d);
}

static void scan__decode_budget_admits_pictures_that_fit_together(void **state)
{
    vg_decode_budget b = VG_DECODE_BUDGET_INIT(10);
    (void)state;
    assert_true(vg_decode_budget_try(&b, 4));
    assert_true(vg_decode_budget_try(&b, 6));
    assert_false(vg_decode_budget_try(&b, 1)); /* full */
    vg_decode_budget_give(&b, 6);
    assert_false(vg_decode_budget_try(&b, 7));
    assert_true(vg_decode_budget_try(&b, 5));
    vg_decode_budget_give(&b, 5);
    vg_decode_budget_give(&b, 4);
    assert_int_equal(b.used, 0);
}

/* A JPEG of w x h whose frame header is SOF marker sof, 3 components sampled 2x1, 1x1, 1x1. */
static size_t jpeg_header(uint8_t *b, unsigned sof, unsigned w, unsigned h)
{
    const uint8_t hdr[] = {0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, /* an APP0 segment to step over */
                           0xff, (uint8_t)sof, 0, 17, 8, (uint8_t)(h >> 8), (uint8_t)h, (uint8_t)(w >> 8), (uint8_t)w,
                           3, 1, 0x21, 0, 2, 0x11, 1, 3, 0x11, 1, 0xff, 0xda};
    memcpy(b, hdr, sizeof hdr);
    return sizeof hdr;
}

static void scan__decode_weight_comes_from_the_header(void **state)
{
    uint8_t b[64] = {0};
    size_t n;
    (void)state;
    /* progressive 5640 x 3172, 2x1: luma 705 x 397 blocks, chroma 353 x 397 each, 128 bytes a block */
    n = jpeg_header(b, 0xc2, 5640, 3172);
    assert_int_equal(vg_image_decode_weight(b, n), n + (705u * 397 + 2u * 353 * 397) * 128);
    n = jpeg_header(b, 0xc0, 5640, 3172); /* baseline: rows stream through small buffers */
    assert_int_equal(vg_image_decode_weight(b, n), n);
    /* WebP (VP8) 4096 x 4096: libwebp's RGB output */
    memset(b, 0, sizeof b);
    memcpy(b, "RIFF\x24\0\0\0WEBPVP8 \x18\0\0\0\x10\0\0\x9d\x01\x2a\0\x10\0\x10", 30);
    assert_int_equal(vg_image_decode_weight(b, 44), 44 + 4096u * 4096 * 3);
    /* PNG: interlaced (byte 28) is assembled whole, up to 8 bytes a pixel; otherwise streamed */
    memset(b, 0, sizeof b);
    memcpy(b, "\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\x10\0\0\0\x08\0\x08\x02\0\0\x01", 29);
    assert_int_equal(vg_image_decode_weight(b, 33), 33 + 4096u * 2048 * 8);
    b[28] = 0;
    assert_int_equal(vg_image_decode_weight(b, 33), 33);
    /* not a picture, or a header cut short: its bytes */
    assert_int_equal(vg_image_decode_weight("hello", 5), 5);
    n = jpeg_header(b, 0xc2, 5640, 3172);
    assert_int_equal(vg_image_decode_weight(b, 20), 20);
}

static void scan__decode_budget_lets_a_picture_over_the_budget_run_alone(void **state)
{
    vg_decode_budget b = VG_DECODE_BUDGET_INIT(10);
    (void)state;
    assert_true(vg_decode_budget_try(&b, 1));
    assert_false(vg_decode_budget_try(&b, 25)); /* never beside another */
    vg_decode_budget_give(&b, 1);
    assert_true(vg_decode_budget_try(&b, 25));  /* but never refused when alone */
    assert_false(vg_decode_budget_try(&b, 1));
    vg_decode_budget_give(&b, 25);
    assert_true(vg_decode_budget_try(&b, 1));
}

typedef struct taker {
    vg_decode_budget *b;
    size_t n;
    int took;
} taker;

static void *take_then_mark(void *arg)
{
    taker *t = arg;
    vg_decode_budget_take(t->b, t->n);
    __atomic_store_n(&t->took, 1, __ATOMIC_RELEASE);
    return NULL;
}

static void scan__decode_budget_take_goes_on_once_the_bytes_are_given_back(void **state)
{
    vg_decode_budget b = VG_DECODE_BUDGET_INIT(10);
    taker t = {&b, 8, 0};
    pthread_t tid;
    (void)state;
    vg_decode_budget_take(&b, 5);
    assert_int_equal(pthread_create(&tid, NULL, take_then_mark, &t), 0);
    vg_decode_budget_give(&b, 5); /* whether the taker waited or came after, it must get its bytes */
    assert_int_equal(pthread_join(tid, NULL), 0);
    assert_int_equal(__atomic_load_n(&t.took, __ATOMIC_ACQUIRE), 1);
    assert_int_equal(b.used, 8);
    assert_false(vg_decode_budget_try(&b, 3));
}

/* Whether the file dir/name (written with n bytes of data) needs a parser under options o. */
static int needs(const vigil_scan_opts *o, const char *dir, const char *name, const void *data, size_t n)
{
    char *p = tu_path(dir, name);
    int fd, rc;
    tu_write(dir, name, data, n);
    fd = open(p, O_RDONLY);
    assert_true(fd >= 0);
    rc = vg_needs_parser(o, data, n, fd, n);
    close(fd);
    free(p);
    return rc;
}

#define S(lit) (lit), sizeof(lit) - 1

static void scan__only_what_a_parser_opens_needs_a_worker(void **state)
{
    static const uint8_t png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
                                  0, 0, 0, 8, 0, 0, 0, 8, 8, 2, 0, 0, 0, 0, 0, 0, 0, 0};
    uint8_t mbr[1024] = {0}, elf[600] = {0x7f, 'E', 'L', 'F', 2, 1, 1};
    vigil_scan_opts o;
    char *d = tu_mkdtemp();
    (void)state;
    vigil_scan_opts_init(&o);
    o.compute_pdq = 1;
    mbr[510] = 0x55, mbr[511] = 0xaa;
    mbr[446 + 4] = 0x83, mbr[446 + 8] = 1, mbr[446 + 12] = 1; /* one Linux partition */
    /* vigil's own code alone: plain text, empty files, data that no signature names, a bare program */
    assert_false(needs(&o, d, "plain.txt", S("three plain words\n")));
    assert_false(needs(&o, d, "empty", "", 0));
    assert_false(needs(&o, d, "data.bin", S("\x01\x02\x03\xfe\xff\x00\x10")));
    /* libmagic names text with the marks of its keyword guesses that vigil leaves to it (C++ here);
       a plain C source vigil names itself */
    assert_true(needs(&o, d, "a.cc", S("#include <vector>\nclass a {\n};\n")));
    assert_false(needs(&o, d, "main.c", S("#include <stdio.h>\nint main(void) { return 0; }\n")));
    o.sniff_mime = 0;
    assert_false(needs(&o, d, "a.cc", S("#include <vector>\nclass a {\n};\n")));
    o.sniff_mime = 1;
    /* a picture is decoded only with PDQ on */
    assert_true(needs(&o, d, "p.png", png, sizeof png));
    o.compute_pdq = 0;
    assert_false(needs(&o, d, "p.png", png, sizeof png));
    o.compute_pdq = 1;
    /* a video goes to FFmpeg only with vPDQ on (libmagic is not asked: vigil names AVI itself) */
    o.compute_vpdq = 1;
    assert_true(needs(&o, d, "v.avi", S("RIFF\x00\x10\x00\x00" "AVI LIST\x00\x00\x00\x00" "hdrlavih")));
    o.compute_vpdq = 0;
    assert_false(needs(&o, d, "v.avi", S("RIFF\x00\x10\x00\x00" "AVI LIST\x00\x00\x00\x00" "hdrlavih")));
    /* containers: archives and compressed streams, unless archives are not opened */
    assert_true(needs(&o, d, "a.zip", S("PK\x03\x04\x14\x00\x00\x00\x00\x00 rest of a zip")));
    assert_true(needs(&o, d, "a.gz", S("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03")));
    o.expand_archives = 0;
    assert_false(needs(&o, d, "a.gz", S("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03")));
    o.expand_archives = 1;
    /* a disk: a partition table, read by the disk-image libraries unless nested images are off
       (without MIME typing, which libmagic would do for a boot sector) */
    o.sniff_mime = 0;
    assert_true(needs(&o, d, "disk.img", mbr, sizeof mbr));
    o.nested_images = 0;
    assert_false(needs(&o, d, "disk.img", mbr, sizeof mbr));
    o.nested_images = 1;
    /* a program: libmagic names it (ELF); with --no-mime, a parser only with an archive appended */
    o.sniff_mime = 1;
    assert_true(needs(&o, d, "prog", elf, sizeof elf));
    o.sniff_mime = 0;
    assert_false(needs(&o, d, "prog", elf, sizeof elf));
    memcpy(elf + sizeof elf - 22, "PK\x05\x06", 4); /* an empty zip's end record closes it */
    assert_true(needs(&o, d, "sfx", elf, sizeof elf));
    tu_rm_rf(d);
    free(d);
}

/* ---- videos inside archives ---- */

typedef struct gif {
    uint8_t b[4096];
    size_t n;
    uint32_t acc;  /* LZW bits not yet written */
    int bits;
    uint8_t sub[256]; /* the sub-block being filled */
    size_t subn;
} gif;

static void gif_put(gif *g, const void *p, size_t n)
{
    assert_true(g->n + n <= sizeof g->b);
    memcpy(g->b + g->n, p, n);
    g->n += n;
}

static void gif_sub_flush(gif *g)
{
    uint8_t len = (uint8_t)g->subn;
    if (!g->subn)
        return;
    gif_put(g, &len, 1);
    gif_put(g, g->sub, g->subn);
    g->subn = 0;
}

/* One LZW code of 3 bits, least significant first, into 255-byte sub-blocks. */
static void gif_code(gif *g, unsigned code)
{
    g->acc |= code << g->bits;
    g->bits += 3;
    while (g->bits >= 8) {
        g->sub[g->subn++] = (uint8_t)g->acc;
        if (g->subn == 255)
            gif_sub_flush(g);
        g->acc >>= 8;
        g->bits -= 8;
    }
}

/*
 * An animated GIF of frames 16 x 16 frames, one second each, of four grey levels in a pattern that
 * moves frame to frame. Its LZW data never grows past 3-bit codes: a clear code before every
 * two pixels keeps the table at its first free entry.
 */
static void make_gif(gif *g, unsigned frames)
{
    static const uint8_t lsd[] = {16, 0, 16, 0, 0x81, 0, 0}; /* global table of 4 colours */
    static const uint8_t pal[] = {0, 0, 0, 80, 80, 80, 170, 170, 170, 255, 255, 255};
    static const uint8_t loop[] = {0x21, 0xFF, 0x0B, 'N', 'E', 'T', 'S', 'C', 'A', 'P', 'E', '2', '.', '0',
                                   0x03, 0x01, 0, 0, 0};
    memset(g, 0, sizeof *g);
    gif_put(g, "GIF89a", 6);
    gif_put(g, lsd, sizeof lsd);
    gif_put(g, pal, sizeof pal);
    gif_put(g, loop, sizeof loop);
    for (unsigned f = 0; f < frames; f++) {
        static const uint8_t gce[] = {0x21, 0xF9, 4, 0, 100, 0, 0, 0}; /* 100 hundredths of a second */
        static const uint8_t desc[] = {0x2C, 0, 0, 0, 0, 16, 0, 16, 0, 0};
        gif_put(g, gce, sizeof gce);
        gif_put(g, desc, sizeof desc);
        gif_put(g, "\x02", 1); /* LZW minimum code size: 2 (clear 4, end 5) */
        for (unsigned i = 0; i < 256; i++) {
            unsigned x = i % 16, y = i / 16;
            if (i % 2 == 0)
                gif_code(g, 4);
            gif_code(g, ((x + f * 3) / 4 + y / 4) % 4);
        }
        gif_code(g, 5);
        if (g->bits) { /* the last bits out */
            g->sub[g->subn++] = (uint8_t)g->acc;
            if (g->subn == 255)
                gif_sub_flush(g);
        }
        g->acc = 0, g->bits = 0;
        gif_sub_flush(g);
        gif_put(g, "\0", 1);
    }
    gif_put(g, "\x3B", 1);
}

static void write_tar_file(const char *path, const char *name, const void *data, size_t n)
{
    struct archive *a = archive_write_new();
    struct archive_entry *e = archive_entry_new();
    assert_int_equal(archive_write_set_format_pax_restricted(a), ARCHIVE_OK);
    assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
    archive_entry_set_pathname(e, name);
    archive_entry_set_size(e, (la_int64_t)n);
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
    assert_int_equal(archive_write_data(a, data, n), (la_ssize_t)n);
    archive_entry_free(e);
    assert_int_equal(archive_write_close(a), ARCHIVE_OK);
    archive_write_free(a);
}

typedef struct videos_seen {
    char path[64][128];
    vigil_vpdq_state state[64];
    uint64_t frames[64];
    size_t n;
} videos_seen;

static int collect_video(const vigil_item *it, void *ud)
{
    videos_seen *v = ud;
    if (v->n < 64) {
        snprintf(v->path[v->n], sizeof v->path[v->n], "%s%.*s", it->ncontainers ? "!/" : "", (int)it->path_len,
                 it->path);
        v->state[v->n] = it->vpdq_state;
        v->frames[v->n] = it->vpdq_frames;
    }
    v->n++;
    return 0;
}

static const videos_seen *scan_videos(videos_seen *v, const char *root, uint64_t spool_mem)
{
    vigil_scan_opts o;
    vigil_scan_stats st;
    const char *paths[1] = {root};
    memset(v, 0, sizeof *v);
    vigil_scan_opts_init(&o);
    o.jobs = 1;
    o.compute_vpdq = 1;
    o.limits.spool_mem = spool_mem;
    o.on_item = collect_video;
    o.ud = v;
    assert_int_equal(vigil_scan_run(&st, paths, 1, &o, NULL), 0);
    vigil_scan_stats_dispose(&st);
    return v;
}

static void scan__a_video_member_is_hashed_from_memory_and_from_a_temporary_file(void **state)
{
    gif g;
    videos_seen mem, file;
    char *d = tu_mkdtemp(), *tar = tu_path(d, "clips.tar");
    (void)state;
    make_gif(&g, 3);
    tu_write(d, "anim.gif", g.b, g.n);
    write_tar_file(tar, "in/anim.gif", g.b, g.n);
    scan_videos(&mem, d, (uint64_t)64 << 20);  /* the member spooled in memory */
    scan_videos(&file, d, 64);                 /* past 64 bytes: in a temporary file */
    /* the GIF on disk, the tar and its member, in walk order: the GIF and the member hashed alike */
    assert_int_equal(mem.n, 3);
    assert_int_equal(file.n, 3);
    assert_non_null(strstr(mem.path[0], "/anim.gif"));
    assert_string_equal(mem.path[2], "!/in/anim.gif");
    assert_string_equal(file.path[2], "!/in/anim.gif");
    assert_int_equal(mem.state[1], VIGIL_VPDQ_NONE); /* the tar itself is no video */
    for (int i = 0; i <= 2; i += 2) {
        assert_int_equal(mem.state[i], VIGIL_VPDQ_OK);
        assert_int_equal(mem.frames[i], 3);
        assert_int_equal(file.state[i], VIGIL_VPDQ_OK);
        assert_int_equal(file.frames[i], 3);
    }
    tu_rm_rf(d);
    free(tar);
    free(d);
}

/* What the scanning process held of its readers' decode budget when the worker's result came. */
typedef struct budget_seen {
    size_t used;
    int results;
} budget_seen;

static size_t budget_used(void)
{
    vg_decode_budget *b = vg_decode_budget_shared();
    size_t used;
    pthread_mutex_lock(&b->mu);
    used = b->used;
    pthread_mutex_unlock(&b->mu);
    return used;
}

static void note_budget(void *ud, vg_result *r)
{
    budget_seen *s = ud;
    s->used = budget_used();
    s->results++;
    vg_result_free(r);
}

/* Hand dir/name to worker w as the scan would; what the budget held while the worker had it. */
static budget_seen through_worker(vg_worker *w, vg_reader *local, const char *dir, const char *name, int where)
{
    char *path = tu_path(dir, name);
    struct stat st;
    budget_seen s = {0};
    vg_entry e;
    assert_int_equal(stat(path, &st), 0);
    e = (vg_entry){path, strlen(path), &st, 0, 0, 0};
    assert_int_equal(vg_worker_file(w, local, &e, note_budget, &s, NULL), where);
    assert_int_equal(s.results, 1);
    assert_int_equal(budget_used(), 0); /* given back once the worker is done */
    free(path);
    return s;
}

static void scan__a_heavy_picture_holds_the_shared_budget_while_its_worker_has_it(void **state)
{
    /* WebP (VP8) headers of 4096 x 4096 (libwebp's RGB output: 48 MiB) and 64 x 64; no picture data */
    static const uint8_t big[44] = "RIFF\x24\0\0\0WEBPVP8 \x18\0\0\0\x10\0\0\x9d\x01\x2a\0\x10\0\x10";
    static const uint8_t small[44] = "RIFF\x24\0\0\0WEBPVP8 \x18\0\0\0\x10\0\0\x9d\x01\x2a\x40\0\x40\0";
    char *d = tu_mkdtemp();
    vigil_scan_opts o;
    vigil_error err;
    vg_reader *local;
    vg_worker *w;
    budget_seen s;
    (void)state;
    tu_write(d, "big.webp", big, sizeof big);
    tu_write(d, "small.webp", small, sizeof small);
    vigil_scan_opts_init(&o);
    o.compute_pdq = 1;
    o.isolate = 1;
    assert_int_equal(vg_reader_new(&local, &o, &err), 0);
    assert_int_equal(vg_worker_new(&w, &o, NULL, 0, &err), 0);
    /* the other workers' readers wait while this one decodes: its weight is taken in this process */
    s = through_worker(w, local, d, "big.webp", VG_READ_WORKER);
    assert_int_equal(s.used, 4096u * 4096 * 3 + sizeof big);
    /* a small picture passes without taking anything */
    s = through_worker(w, local, d, "small.webp", VG_READ_WORKER);
    assert_int_equal(s.used, 0);
    /* with PDQ off, no picture is decoded: nothing to take (and vigil's own sniffer names a WebP) */
    o.compute_pdq = 0;
    s = through_worker(w, local, d, "big.webp", VG_READ_HERE);
    assert_int_equal(s.used, 0);
    vg_worker_free(w);
    vg_reader_free(local);
    tu_rm_rf(d);
    free(d);
}


int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(scan__walk_is_depth_first_in_byte_order),
        cmocka_unit_test(scan__order_does_not_depend_on_jobs),
        cmocka_unit_test(scan__vanished_and_shrunk_files_are_errors_and_the_rest_goes_on),
        cmocka_unit_test(scan__stop_flag_ends_the_scan_with_complete_items),
        cmocka_unit_test(scan__a_file_that_cannot_be_recorded_is_an_error_item_in_its_place),
        cmocka_unit_test(scan__an_archive_member_that_cannot_be_recorded_is_an_error_item_and_the_rest_is_read),
        cmocka_unit_test(scan__decode_budget_admits_pictures_that_fit_together),
        cmocka_unit_test(scan__decode_budget_lets_a_picture_over_the_budget_run_alone),
        cmocka_unit_test(scan__decode_weight_comes_from_the_header),
        cmocka_unit_test(scan__decode_budget_take_goes_on_once_the_bytes_are_given_back),
        cmocka_unit_test(scan__only_what_a_parser_opens_needs_a_worker),
        cmocka_unit_test(scan__a_video_member_is_hashed_from_memory_and_from_a_temporary_file),
        cmocka_unit_test(scan__a_heavy_picture_holds_the_shared_budget_while_its_worker_has_it),
    };
    return tu_run_tests("scan", tests, NULL, NULL);
}

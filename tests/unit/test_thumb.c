/* thumb: the thumbnail module (size, aspect, area average, a JPEG our own decoder reads back), and
 * the scan handing thumbnails only to the items whose verdict allows one (vigil_scan_opts.thumbnails). */
#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "media/thumb.h"
#include "scan/reader.h"
#include "testutil.h"
#include "vigil/hashset.h"
#include "vigil/index.h"
#include "vigil/pdq.h"
#include "vigil/pdq_match.h"
#include "vigil/scan.h"

/* Decode a thumbnail back at full size: it must be a JPEG. */
static void decode_back(vigil_image *out, const unsigned char *jpeg, size_t len)
{
    vigil_decode_opts full = {.full_size = 1};
    vigil_error err;
    assert_int_equal(vigil_image_decode(out, jpeg, len, &full, &err), 0);
    assert_int_equal(out->format, VIGIL_IMAGE_JPEG);
}

static void thumb__size_keeps_the_aspect_and_never_enlarges(void **state)
{
    uint32_t w, h;
    (void)state;
    vg_thumb_size(&w, &h, 4000, 3000);
    assert_true(w == 160 && h == 120);
    vg_thumb_size(&w, &h, 300, 1200);
    assert_true(w == 40 && h == 160);
    vg_thumb_size(&w, &h, 100, 50);
    assert_true(w == 100 && h == 50);
    vg_thumb_size(&w, &h, 5000, 3);
    assert_true(w == 160 && h == 1);
}

static void thumb__a_wide_photo_squeezed_for_pdq_gets_its_own_aspect_back(void **state)
{
    char *path = tu_testdata("pdq/synthetic/e08_wide_2000x150.jpg");
    vigil_image img, back;
    unsigned char *jpeg;
    size_t len;
    (void)state;
    assert_int_equal(vigil_image_decode_file(&img, path, NULL, NULL), 0);
    assert_true(img.width == 512 && img.height == 512); /* the PDQ rule squeezed it */
    assert_int_equal(vg_thumb_jpeg(&jpeg, &len, &img, NULL), 0);
    decode_back(&back, jpeg, len);
    assert_int_equal(back.width, 160);
    assert_int_equal(back.height, 12);
    vigil_image_dispose(&back);
    vigil_image_dispose(&img);
    free(jpeg);
    free(path);
}

/* A picture built in memory: w x h, 3 channels, each pixel from fn. */
static void make(vigil_image *img, uint32_t w, uint32_t h, void (*fn)(uint8_t *px, uint32_t x, uint32_t y))
{
    memset(img, 0, sizeof *img);
    img->format = VIGIL_IMAGE_PNG;
    img->src_width = img->width = w;
    img->src_height = img->height = h;
    img->channels = 3;
    img->pixels = malloc((size_t)w * h * 3);
    assert_non_null(img->pixels);
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++)
            fn(img->pixels + ((size_t)y * w + x) * 3, x, y);
}

static void checker(uint8_t *px, uint32_t x, uint32_t y)
{
    memset(px, (x + y) % 2 ? 255 : 0, 3);
}

static void halves(uint8_t *px, uint32_t x, uint32_t y)
{
    (void)y;
    px[0] = x < 200 ? 220 : 10;
    px[1] = 10;
    px[2] = x < 200 ? 10 : 220;
}

static void thumb__reduction_averages_the_area_it_covers(void **state)
{
    vigil_image img, back;
    unsigned char *jpeg;
    size_t len;
    (void)state;
    /* one-pixel black and white squares average to mid-grey; a nearest pick would give 0 or 255 */
    make(&img, 640, 480, checker);
    assert_int_equal(vg_thumb_jpeg(&jpeg, &len, &img, NULL), 0);
    decode_back(&back, jpeg, len);
    assert_true(back.width == 160 && back.height == 120);
    for (size_t i = 0; i < (size_t)back.width * back.height * back.channels; i += 97)
        assert_true(back.pixels[i] > 110 && back.pixels[i] < 145);
    vigil_image_dispose(&back);
    vigil_image_dispose(&img);
    free(jpeg);
    /* colour survives: red on the left, blue on the right */
    make(&img, 400, 100, halves);
    assert_int_equal(vg_thumb_jpeg(&jpeg, &len, &img, NULL), 0);
    decode_back(&back, jpeg, len);
    assert_true(back.width == 160 && back.height == 40 && back.channels == 3);
    {
        const uint8_t *l = back.pixels + ((size_t)20 * 160 + 20) * 3, *r = back.pixels + ((size_t)20 * 160 + 140) * 3;
        assert_true(l[0] > 180 && l[2] < 60);
        assert_true(r[2] > 180 && r[0] < 60);
    }
    vigil_image_dispose(&back);
    vigil_image_dispose(&img);
    free(jpeg);
}

static void thumb__grey_stays_grey_and_small_stays_small(void **state)
{
    char *path = tu_testdata("pdq/synthetic/e21_grey_1comp.jpg");
    vigil_image img, back;
    unsigned char *jpeg;
    size_t len;
    (void)state;
    assert_int_equal(vigil_image_decode_file(&img, path, NULL, NULL), 0);
    assert_int_equal(img.channels, 1);
    assert_int_equal(vg_thumb_jpeg(&jpeg, &len, &img, NULL), 0);
    decode_back(&back, jpeg, len);
    assert_int_equal(back.channels, 1);
    assert_true(back.width <= 160 && back.height <= 160);
    assert_true(back.width == 160 || back.height == 160 || (back.width == img.src_width && back.height == img.src_height));
    vigil_image_dispose(&back);
    vigil_image_dispose(&img);
    free(jpeg);
    free(path);
}

static void thumb__no_pixels_is_an_input_error(void **state)
{
    vigil_image img = {0};
    unsigned char *jpeg = (unsigned char *)"x";
    size_t len = 1;
    vigil_error err;
    (void)state;
    assert_int_equal(vg_thumb_jpeg(&jpeg, &len, &img, &err), VIGIL_EINPUT);
    assert_null(jpeg);
    assert_int_equal(len, 0);
}

/* ---- the scan: which items carry a thumbnail ---- */

typedef struct seen {
    char name[16][64];
    int has_thumb[16];
    int thumb_ok[16];      /* decodes as a JPEG of at most 160 a side */
    vigil_verdict verdict[16];
    size_t n;
} seen;

static int collect(const vigil_item *it, void *ud)
{
    seen *s = ud;
    const char *slash = memrchr(it->path, '/', it->path_len);
    size_t off = slash ? (size_t)(slash + 1 - it->path) : 0;
    if (s->n >= 16)
        return 0;
    snprintf(s->name[s->n], 64, "%.*s", (int)(it->path_len - off), it->path + off);
    s->verdict[s->n] = it->verdict;
    s->has_thumb[s->n] = it->thumb != NULL;
    if (it->thumb) {
        vigil_image back;
        vigil_decode_opts full = {.full_size = 1};
        s->thumb_ok[s->n] = it->thumb_len > 0 && vigil_image_decode(&back, it->thumb, it->thumb_len, &full, NULL) == 0 &&
                            back.format == VIGIL_IMAGE_JPEG && back.width <= 160 && back.height <= 160;
        if (s->thumb_ok[s->n])
            vigil_image_dispose(&back);
    }
    s->n++;
    return 0;
}

static int find(const seen *s, const char *name)
{
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->name[i], name))
            return (int)i;
    fail_msg("no item %s", name);
    return -1;
}

static void copy_in(const char *dir, const char *name, const char *testdata, vigil_digests *d)
{
    char *src = tu_testdata(testdata);
    FILE *f = fopen(src, "rb");
    static char buf[1 << 20];
    size_t n;
    assert_non_null(f);
    n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    tu_write(dir, name, buf, n);
    if (d)
        assert_int_equal(vigil_digest_buffer(d, buf, n, NULL), 0);
    free(src);
}

/* A tar at dir/name holding test pictures under the given member names. */
static void tar_in(const char *dir, const char *name, const char *const *members, const char *const *testdata,
                   size_t n)
{
    char *path = tu_path(dir, name);
    struct archive *a = archive_write_new();
    static char buf[1 << 20];
    assert_int_equal(archive_write_set_format_pax_restricted(a), ARCHIVE_OK);
    assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
    for (size_t i = 0; i < n; i++) {
        char *src = tu_testdata(testdata[i]);
        FILE *f = fopen(src, "rb");
        struct archive_entry *e = archive_entry_new();
        size_t len;
        assert_non_null(f);
        len = fread(buf, 1, sizeof buf, f);
        fclose(f);
        archive_entry_set_pathname(e, members[i]);
        archive_entry_set_size(e, (la_int64_t)len);
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_perm(e, 0644);
        assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
        assert_int_equal(archive_write_data(a, buf, len), (la_ssize_t)len);
        archive_entry_free(e);
        free(src);
    }
    assert_int_equal(archive_write_close(a), ARCHIVE_OK);
    archive_write_free(a);
    free(path);
}

/* A PDQ hash of a test picture, as a listed entry. */
static vigil_pdq_hash pdq_of(const char *testdata)
{
    char *path = tu_testdata(testdata);
    vigil_image img;
    vigil_pdq_result pr;
    assert_int_equal(vigil_image_decode_file(&img, path, NULL, NULL), 0);
    assert_int_equal(vigil_pdq_image(&pr, &img, NULL), 0);
    vigil_image_dispose(&img);
    free(path);
    return pr.hash[VIGIL_PDQ_ORIG];
}

static void import_md5(vigil_store *st, const char *dir, const char *set, vigil_hashset_kind kind,
                       const vigil_digests *d)
{
    char line[64], file[32];
    vigil_import_opts o = {.name = set, .kind = kind};
    vigil_import_stats is;
    char *path;
    const char *files[1];
    vigil_hex(line, d->md5, 16);
    strcat(line, "\n");
    snprintf(file, sizeof file, "%s.md5", set);
    tu_write(dir, file, line, strlen(line));
    path = tu_path(dir, file);
    files[0] = path;
    assert_int_equal(vigil_hashset_import(&is, st, files, 1, &o, NULL), 0);
    free(path);
}

static void scan_with(seen *s, const char *ev, const vigil_index *ix, const vigil_pdq_matcher *pm, int thumbnails)
{
    vigil_scan_opts o;
    vigil_scan_stats st;
    const char *paths[1] = {ev};
    memset(s, 0, sizeof *s);
    vigil_scan_opts_init(&o);
    o.jobs = 2;
    o.compute_pdq = 1;
    o.index = ix;
    o.pdq_matcher = pm;
    o.thumbnails = thumbnails;
    o.on_item = collect;
    o.ud = s;
    assert_int_equal(vigil_scan_run(&st, paths, 1, &o, NULL), 0);
    vigil_scan_stats_dispose(&st);
}

/* ---- the reader's byte-stream path (files inside disk images, carved pictures) ---- */

typedef struct mem {
    const char *p;
    size_t n, pos;
} mem;

static ssize_t pull(void *ctx, void *buf, size_t n, char *why, size_t cap)
{
    mem *m = ctx;
    (void)why, (void)cap;
    if (n > m->n - m->pos)
        n = m->n - m->pos;
    memcpy(buf, m->p + m->pos, n);
    m->pos += n;
    return (ssize_t)n;
}

typedef struct got {
    vigil_verdict verdict;
    int has_thumb, thumb_ok;
} got;

static void on_result(void *ud, vg_result *r)
{
    got *g = ud;
    assert_non_null(r);
    g->verdict = r->item.verdict;
    g->has_thumb = r->item.thumb != NULL;
    if (r->item.thumb) {
        vigil_image back;
        g->thumb_ok = vigil_image_decode(&back, r->item.thumb, r->item.thumb_len, NULL, NULL) == 0 &&
                      back.format == VIGIL_IMAGE_JPEG;
        vigil_image_dispose(&back);
    }
    vg_result_free(r);
}

/* Read the test picture's bytes through vg_reader_stream, as a file inside a disk image is read. */
static got stream(const char *testdata, const vigil_index *ix, int thumbnails)
{
    char *src = tu_testdata(testdata);
    FILE *f = fopen(src, "rb");
    static char buf[1 << 20];
    const char *chain[2] = {"disk.img", "fs"};
    vigil_scan_opts o;
    vg_reader *r;
    got g = {0};
    mem m = {buf, 0, 0};
    assert_non_null(f);
    m.n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    vigil_scan_opts_init(&o);
    o.compute_pdq = 1;
    o.index = ix;
    o.thumbnails = thumbnails;
    assert_int_equal(vg_reader_new(&r, &o, NULL), 0);
    vg_reader_stream(r, vg_result_new("pic.jpg", 7, chain, 2), pull, &m, on_result, &g);
    vg_reader_free(r);
    free(src);
    return g;
}

static void stream_follows_the_rule(const vigil_index *ix)
{
    got g = stream("pdq/synthetic/e22_444.jpg", ix, 1);
    assert_int_equal(g.verdict, VIGIL_VERDICT_UNKNOWN);
    assert_true(g.has_thumb && g.thumb_ok);
    g = stream("pdq/synthetic/e22_444.jpg", ix, 0);
    assert_false(g.has_thumb);
    g = stream("pdq/threatexchange/labelme/q0003.jpg", ix, 1);
    assert_int_equal(g.verdict, VIGIL_VERDICT_ILLEGAL);
    assert_false(g.has_thumb);
    g = stream("pdq/threatexchange/labelme/q0003.jpg", ix, 2);
    assert_true(g.has_thumb && g.thumb_ok);
}

static void thumb__scan_gives_thumbnails_only_where_the_verdict_allows(void **state)
{
    char *d = tu_mkdtemp(), *ev = tu_path(d, "ev"), *db = tu_path(d, "t.db");
    vigil_digests illegal, benign;
    vigil_store *st;
    vigil_index *ix;
    vigil_pdq_matcher *pm;
    vigil_pdq_entry near = {.quality = -1, .kind = VIGIL_KIND_ILLEGAL, .set = "near-set"};
    seen s;
    int u, i, b, n, t, g;
    (void)state;
    assert_int_equal(mkdir(ev, 0755), 0);
    tu_write(d, "ev/notes.txt", "no picture", 10);
    copy_in(d, "ev/unknown.jpg", "pdq/synthetic/e22_444.jpg", NULL);
    copy_in(d, "ev/illegal.jpg", "pdq/threatexchange/labelme/q0003.jpg", &illegal);
    copy_in(d, "ev/benign.png", "pdq/synthetic/e28_text.png", &benign);
    copy_in(d, "ev/near.jpg", "pdq/threatexchange/dih/bridge-5-flipx.jpg", NULL);
    copy_in(d, "ev/grey.jpg", "pdq/synthetic/e21_grey_1comp.jpg", NULL);
    {
        /* archive members take the same path as files */
        const char *members[2] = {"in-unknown.jpg", "in-illegal.jpg"};
        const char *sources[2] = {"pdq/synthetic/e22_444.jpg", "pdq/threatexchange/labelme/q0003.jpg"};
        tar_in(d, "ev/pack.tar", members, sources, 2);
    }
    assert_int_equal(vigil_store_open(&st, db, NULL), 0);
    import_md5(st, d, "known", VIGIL_KIND_ILLEGAL, &illegal);
    import_md5(st, d, "clean", VIGIL_KIND_BENIGN, &benign);
    assert_int_equal(vigil_index_open(&ix, st, NULL), 0);
    near.hash = pdq_of("pdq/threatexchange/dih/bridge-1-original.jpg");
    assert_int_equal(vigil_pdq_matcher_from_entries(&pm, &near, 1, NULL), 0);

    scan_with(&s, ev, ix, pm, 0);
    assert_int_equal(s.n, 9);
    for (size_t k = 0; k < s.n; k++)
        assert_false(s.has_thumb[k]);

    scan_with(&s, ev, ix, pm, 1);
    u = find(&s, "unknown.jpg"), i = find(&s, "illegal.jpg"), b = find(&s, "benign.png");
    n = find(&s, "near.jpg"), t = find(&s, "notes.txt"), g = find(&s, "grey.jpg");
    assert_int_equal(s.verdict[u], VIGIL_VERDICT_UNKNOWN);
    assert_int_equal(s.verdict[i], VIGIL_VERDICT_ILLEGAL);
    assert_int_equal(s.verdict[b], VIGIL_VERDICT_BENIGN);
    assert_int_equal(s.verdict[n], VIGIL_VERDICT_NEAR);
    assert_true(s.has_thumb[u] && s.thumb_ok[u]);
    assert_true(s.has_thumb[n] && s.thumb_ok[n]);
    assert_true(s.has_thumb[g] && s.thumb_ok[g]);
    assert_false(s.has_thumb[i]);
    assert_false(s.has_thumb[b]);
    assert_false(s.has_thumb[t]);
    assert_true(s.has_thumb[find(&s, "in-unknown.jpg")] && s.thumb_ok[find(&s, "in-unknown.jpg")]);
    assert_int_equal(s.verdict[find(&s, "in-illegal.jpg")], VIGIL_VERDICT_ILLEGAL);
    assert_false(s.has_thumb[find(&s, "in-illegal.jpg")]);
    assert_false(s.has_thumb[find(&s, "pack.tar")]);

    scan_with(&s, ev, ix, pm, 2);
    for (size_t k = 0; k < s.n; k++)
        if ((int)k != find(&s, "notes.txt") && (int)k != find(&s, "pack.tar"))
            assert_true(s.has_thumb[k] && s.thumb_ok[k]);
    assert_false(s.has_thumb[find(&s, "notes.txt")]);
    assert_false(s.has_thumb[find(&s, "pack.tar")]);

    stream_follows_the_rule(ix);

    vigil_pdq_matcher_close(pm);
    vigil_index_close(ix);
    vigil_store_close(st);
    tu_rm_rf(d);
    free(d);
    free(ev);
    free(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(thumb__size_keeps_the_aspect_and_never_enlarges),
        cmocka_unit_test(thumb__a_wide_photo_squeezed_for_pdq_gets_its_own_aspect_back),
        cmocka_unit_test(thumb__reduction_averages_the_area_it_covers),
        cmocka_unit_test(thumb__grey_stays_grey_and_small_stays_small),
        cmocka_unit_test(thumb__no_pixels_is_an_input_error),
        cmocka_unit_test(thumb__scan_gives_thumbnails_only_where_the_verdict_allows),
    };
    return tu_run_tests("thumb", tests, NULL, NULL);
}

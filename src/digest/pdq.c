/*
 * PDQ hash and quality, bit-exact with the C++ reference: luminance, two
 * passes of box blur (Jarosz filter), decimation to 64 x 64, gradient
 * quality, 16 x 16 DCT, median threshold, and the seven other orientations
 * derived from the same DCT. Every float32 operation keeps the reference's
 * order; this file must be compiled without FMA contraction (meson sets
 * -ffp-contract=off). See docs/pdq.md.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/hex.h"
#include "vigil/pdq.h"
#include "digest/pdq_int.h"

static float dct_matrix[16 * 64];
static pthread_once_t dct_once = PTHREAD_ONCE_INIT;

static void build_dct(void)
{
    const float scale = (float)sqrt(2.0 / 64.0);
    for (int u = 0; u < 16; u++)
        for (int n = 0; n < 64; n++)
            dct_matrix[u * 64 + n] =
                (float)((double)scale * cos((M_PI / 2 / 64.0) * (double)(u + 1) * (double)(2 * n + 1)));
}

const float *vg_pdq_dct_matrix(void)
{
    pthread_once(&dct_once, build_dct);
    return dct_matrix;
}

/*
 * The products 0.299f * r etc. of the 256 sample values, each rounded to float32 exactly
 * as the multiplication in the reference is: looking them up changes no bit.
 */
static float lut[3][256];
static pthread_once_t lut_once = PTHREAD_ONCE_INIT;

static void build_lut(void)
{
    for (int v = 0; v < 256; v++) {
        lut[0][v] = 0.299f * (float)v;
        lut[1][v] = 0.587f * (float)v;
        lut[2][v] = 0.114f * (float)v;
    }
}

void vg_pdq_luminance(float *luma, const uint8_t *px, uint32_t w, uint32_t h, unsigned channels)
{
    size_t n = (size_t)w * h;
    if (channels == 1) {
        for (size_t i = 0; i < n; i++)
            luma[i] = (float)px[i];
        return;
    }
    pthread_once(&lut_once, build_lut);
    for (size_t i = 0; i < n; i++) {
        const uint8_t *p = px + i * 3;
        luma[i] = (lut[0][p[0]] + lut[1][p[1]]) + lut[2][p[2]];
    }
}

/*
 * Vectors of float32 lanes. Each lane is an independent sequence of IEEE
 * operations (no lane ever combines with another), so the vector code computes
 * exactly what the scalar reference does, eight rows or columns at a time.
 */
typedef float v4f __attribute__((vector_size(16)));
#define LANES 8

/* Unaligned loads and stores of four lanes. */
#define LOAD4(v, p) memcpy(&(v), (p), sizeof(v4f))
#define STORE4(p, v) memcpy((p), &(v), sizeof(v4f))

/*
 * Running box sum along one line of len groups of eight lanes (two 4-lane
 * vectors, so both stay in registers and their chains overlap): add the
 * sample entering before dropping the one leaving, divide by the number of
 * samples in the window, as the reference's box1DFloat does. With pick, only
 * the outputs at the ascending positions pick[0..npick) are divided and stored
 * (out[k] for pick[k]); the running sum itself always starts at 0, so every
 * stored value is bit for bit the one the full line would hold there.
 */
static void box_line8(float *out, const float *in, uint32_t len, uint32_t win, const uint32_t *pick,
                      uint32_t npick)
{
    const uint32_t a = (win - 1) / 2, b = win / 2;
    const uint32_t end = pick ? pick[npick - 1] + 1 : len;
    v4f s0 = {0, 0, 0, 0}, s1 = {0, 0, 0, 0}, x0, x1, o0, o1;
    uint32_t r = 0, l = 0, k = 0;
    for (uint32_t j = 0; j < b && r < len; j++, r++) {
        LOAD4(x0, in + (size_t)r * LANES);
        LOAD4(x1, in + (size_t)r * LANES + 4);
        s0 = s0 + x0;
        s1 = s1 + x1;
    }
    for (uint32_t i = 0; i < end; i++) {
        float d;
        v4f dv;
        if (r < len) {
            LOAD4(x0, in + (size_t)r * LANES);
            LOAD4(x1, in + (size_t)r * LANES + 4);
            s0 = s0 + x0;
            s1 = s1 + x1;
            r++;
        }
        if (i > a) { /* i - a > 0 */
            LOAD4(x0, in + (size_t)l * LANES);
            LOAD4(x1, in + (size_t)l * LANES + 4);
            s0 = s0 - x0;
            s1 = s1 - x1;
            l++;
        }
        if (pick && pick[k] != i)
            continue;
        d = (float)(r - l);
        if (d == 1.0f || d == 2.0f || d == 4.0f) {
            /* 1/d is exact for powers of two, so x * (1/d) rounds the same real x/d: same bits */
            dv = (v4f){1.0f / d, 1.0f / d, 1.0f / d, 1.0f / d};
            o0 = s0 * dv;
            o1 = s1 * dv;
        } else {
            dv = (v4f){d, d, d, d};
            o0 = s0 / dv;
            o1 = s1 / dv;
        }
        do { /* a position picked twice (sides under 64) is stored twice */
            STORE4(out + (size_t)k * LANES, o0);
            STORE4(out + (size_t)k * LANES + 4, o1);
            k++;
        } while (pick && k < npick && pick[k] == i);
        if (!pick)
            k = i + 1;
    }
}

/*
 * Box along rows: eight rows at a time are interleaved into a strip (one
 * vector per column), filtered as one line of vectors, and written back: all
 * w columns, or with pick only the npick picked ones (out is then h x npick).
 * strip holds 2 * max(w, npick) * LANES floats.
 */
static void box_rows(float *out, const float *in, uint32_t w, uint32_t h, uint32_t win, float *strip,
                     const uint32_t *pick, uint32_t npick)
{
    float *res = strip + (size_t)w * LANES;
    uint32_t ow = pick ? npick : w;
    for (uint32_t y0 = 0; y0 < h; y0 += LANES) {
        uint32_t k = h - y0 < LANES ? h - y0 : LANES;
        for (uint32_t j = 0; j < LANES; j++) {
            const float *row = in + (size_t)(y0 + (j < k ? j : 0)) * w;
            for (uint32_t i = 0; i < w; i++)
                strip[(size_t)i * LANES + j] = row[i];
        }
        box_line8(res, strip, w, win, pick, npick);
        for (uint32_t j = 0; j < k; j++) {
            float *row = out + (size_t)(y0 + j) * ow;
            for (uint32_t i = 0; i < ow; i++)
                row[i] = res[(size_t)i * LANES + j];
        }
    }
}

/* out[c] = s[c] * (1/d) or s[c] / d for c < w, four lanes at a time (see box_line8 for why both are exact). */
static void scale_row(float *out, const float *sum, uint32_t w, float d)
{
    uint32_t c = 0;
    if (d == 1.0f || d == 2.0f || d == 4.0f) {
        const float m = 1.0f / d;
        const v4f mv = {m, m, m, m};
        for (; c + 4 <= w; c += 4) {
            v4f x;
            LOAD4(x, sum + c);
            x = x * mv;
            STORE4(out + c, x);
        }
        for (; c < w; c++)
            out[c] = sum[c] * m;
    } else {
        const v4f dv = {d, d, d, d};
        for (; c + 4 <= w; c += 4) {
            v4f x;
            LOAD4(x, sum + c);
            x = x / dv;
            STORE4(out + c, x);
        }
        for (; c < w; c++)
            out[c] = sum[c] / d;
    }
}

/* sum[c] += x[c] (sign 1) or sum[c] -= x[c] (sign -1) for c < w. */
static void accumulate(float *sum, const float *x, uint32_t w, int sign)
{
    uint32_t c = 0;
    for (; c + 4 <= w; c += 4) {
        v4f a, b;
        LOAD4(a, sum + c);
        LOAD4(b, x + c);
        a = sign > 0 ? a + b : a - b;
        STORE4(sum + c, a);
    }
    for (; c < w; c++)
        sum[c] = sign > 0 ? sum[c] + x[c] : sum[c] - x[c];
}

/*
 * Box along columns, streaming the plane row by row: each column keeps its own
 * running sum in sum[c], updated in exactly the order of box_line8, so memory
 * is read sequentially. All h rows are stored, or with pick only the picked
 * ones (out is then npick x w). sum holds w floats.
 */
static void box_cols(float *out, const float *in, uint32_t w, uint32_t h, uint32_t win, float *sum,
                     const uint32_t *pick, uint32_t npick)
{
    const uint32_t a = (win - 1) / 2, b = win / 2;
    const uint32_t end = pick ? pick[npick - 1] + 1 : h;
    uint32_t r = 0, l = 0, k = 0;
    memset(sum, 0, w * sizeof *sum);
    for (uint32_t j = 0; j < b && r < h; j++, r++)
        accumulate(sum, in + (size_t)r * w, w, 1);
    for (uint32_t i = 0; i < end; i++) {
        if (r < h) {
            accumulate(sum, in + (size_t)r * w, w, 1);
            r++;
        }
        if (i > a) {
            accumulate(sum, in + (size_t)l * w, w, -1);
            l++;
        }
        if (pick && pick[k] != i)
            continue;
        scale_row(out + (size_t)k * w, sum, w, (float)(r - l));
        k++;
        while (pick && k < npick && pick[k] == i) { /* picked twice (sides under 64) */
            memcpy(out + (size_t)k * w, out + (size_t)(k - 1) * w, w * sizeof *out);
            k++;
        }
        if (!pick)
            k = i + 1;
    }
}

/*
 * Two Jarosz passes (rows, columns, rows, columns) and decimation to 64 x 64.
 * The last two box passes only compute what the decimation samples: the
 * second row pass divides and stores only the 64 sampled columns (its running
 * sums still cover every column before them), and the second column pass runs
 * only down those 64 columns and stores only the 64 sampled rows.
 */
void vg_pdq_buffer64(float a64[64 * 64], float *luma, float *scratch, uint32_t w, uint32_t h)
{
    float small[2 * 512 * LANES];
    uint32_t xs[64], ys[64];
    uint32_t longest = w > h ? w : h;
    float *strip;
    if (w == 64 && h == 64) { /* the reference skips filter and decimation */
        memcpy(a64, luma, sizeof(float) * 64 * 64);
        return;
    }
    if (longest < 64)
        longest = 64;
    strip = longest <= 512 ? small : malloc(2 * (size_t)longest * LANES * sizeof *strip);
    if (!strip) { /* only reachable for sides over 512, which callers never pass */
        memset(a64, 0, sizeof(float) * 64 * 64);
        return;
    }
    for (int i = 0; i < 64; i++) {
        ys[i] = (uint32_t)((i + 0.5) * h / 64);
        xs[i] = (uint32_t)((i + 0.5) * w / 64);
    }
    {
        uint32_t wx = (w + 127) / 128, wy = (h + 127) / 128;
        box_rows(scratch, luma, w, h, wx, strip, NULL, 0);
        box_cols(luma, scratch, w, h, wy, strip, NULL, 0);
        box_rows(scratch, luma, w, h, wx, strip, xs, 64); /* scratch: h x 64 */
        box_cols(a64, scratch, 64, h, wy, strip, ys, 64);
    }
    if (strip != small)
        free(strip);
}

int vg_pdq_quality(const float a[64 * 64])
{
    int sum = 0, q;
    for (int r = 0; r < 63; r++)
        for (int c = 0; c < 64; c++) {
            float d = (a[r * 64 + c] - a[(r + 1) * 64 + c]) * 100.0f / 255.0f;
            sum += abs((int)d);
        }
    for (int r = 0; r < 64; r++)
        for (int c = 0; c < 63; c++) {
            float d = (a[r * 64 + c] - a[r * 64 + c + 1]) * 100.0f / 255.0f;
            sum += abs((int)d);
        }
    q = sum / 90;
    return q > 100 ? 100 : q;
}

void vg_pdq_dct(float b16[16 * 16], const float a[64 * 64])
{
    const float *d = vg_pdq_dct_matrix();
    float t[16 * 64];
    /* T = D A: for each output the sum runs over k in increasing order. */
    for (int u = 0; u < 16; u++) {
        float *tu = t + u * 64;
        for (int n = 0; n < 64; n++)
            tu[n] = 0;
        for (int k = 0; k < 64; k++) {
            const float dk = d[u * 64 + k];
            const float *ak = a + k * 64;
            for (int n = 0; n < 64; n++)
                tu[n] = tu[n] + dk * ak[n];
        }
    }
    /* B = T D^T */
    for (int u = 0; u < 16; u++)
        for (int v = 0; v < 16; v++) {
            float s = 0;
            for (int k = 0; k < 64; k++)
                s = s + t[u * 64 + k] * d[v * 64 + k];
            b16[u * 16 + v] = s;
        }
}

/*
 * The 128th smallest of the 256 values (what sorting and taking [127] gives),
 * by selection: Hoare partitions around the middle value, keeping only the
 * side that holds position k. Only comparisons, so the value returned is one
 * of the inputs, bit for bit the one the sort would put there.
 */
float vg_pdq_median256(const float b[256])
{
    float v[256];
    int lo = 0, hi = 255;
    const int k = 127;
    memcpy(v, b, sizeof v);
    while (lo < hi) {
        float pivot = v[lo + (hi - lo) / 2];
        int i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot)
                i++;
            while (v[j] > pivot)
                j--;
            if (i <= j) {
                float t = v[i];
                v[i] = v[j];
                v[j] = t;
                i++;
                j--;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            break; /* j < k < i: v[k] equals the pivot */
    }
    return v[k];
}

static void threshold(vigil_pdq_hash *out, const float b[256])
{
    float m = vg_pdq_median256(b);
    memset(out, 0, sizeof *out);
    for (int u = 0; u < 16; u++)
        for (int v = 0; v < 16; v++)
            if (b[u * 16 + v] > m) {
                /* word u printed at position 15 - u, most significant byte first */
                int byte = 2 * (15 - u) + (v < 8 ? 1 : 0);
                out->b[byte] |= (uint8_t)(1u << (v & 7));
            }
}

void vg_pdq_hashes(vigil_pdq_hash out[8], const float b[256])
{
    float t[8][256];
    for (int u = 0; u < 16; u++)
        for (int v = 0; v < 16; v++) {
            float x = b[u * 16 + v], neg = -x;
            t[VIGIL_PDQ_ORIG][u * 16 + v] = x;
            t[VIGIL_PDQ_ROT90][v * 16 + u] = (v % 2 == 0) ? neg : x;
            t[VIGIL_PDQ_ROT180][u * 16 + v] = ((u + v) % 2 == 1) ? neg : x;
            t[VIGIL_PDQ_ROT270][v * 16 + u] = (u % 2 == 0) ? neg : x;
            t[VIGIL_PDQ_FLIPX][u * 16 + v] = (u % 2 == 0) ? neg : x;
            t[VIGIL_PDQ_FLIPY][u * 16 + v] = (v % 2 == 0) ? neg : x;
            t[VIGIL_PDQ_FLIPP][v * 16 + u] = x;
            t[VIGIL_PDQ_FLIPM][v * 16 + u] = ((u + v) % 2 == 1) ? neg : x;
        }
    for (int i = 0; i < 8; i++)
        threshold(&out[i], t[i]);
}

void vigil_pdq_luma(vigil_pdq_result *out, float *luma, float *scratch, uint32_t w, uint32_t h)
{
    float a64[64 * 64], b16[256];
    memset(out, 0, sizeof *out);
    if (w < 5 || h < 5)
        return;
    vg_pdq_buffer64(a64, luma, scratch, w, h);
    out->quality = vg_pdq_quality(a64);
    vg_pdq_dct(b16, a64);
    vg_pdq_hashes(out->hash, b16);
    out->has_hash = 1;
}

int vigil_pdq_image_work(vigil_pdq_result *out, const vigil_image *img, vigil_pdq_work *work,
                         vigil_error *err)
{
    size_t n = (size_t)img->width * img->height;
    size_t need = n + (size_t)(img->width < 64 ? 64 : img->width) * img->height;
    memset(out, 0, sizeof *out);
    if (img->width > 512 || img->height > 512)
        return vigil_error_set(err, VIGIL_EINPUT, "pdq: image of %ux%u is not size-normalised (over 512)",
                               img->width, img->height);
    if (img->channels != 1 && img->channels != 3)
        return vigil_error_set(err, VIGIL_EINPUT, "pdq: %u channels (1 or 3 expected)", img->channels);
    if (img->width < 5 || img->height < 5)
        return 0;
    if (need > work->cap) { /* grown, never shrunk: a thread's pictures reuse the same pages */
        float *p = realloc(work->buf, need * sizeof *p);
        if (!p)
            return vigil_error_set(err, VIGIL_ENOMEM, "pdq: out of memory");
        work->buf = p;
        work->cap = need;
    }
    vg_pdq_luminance(work->buf, img->pixels, img->width, img->height, img->channels);
    vigil_pdq_luma(out, work->buf, work->buf + n, img->width, img->height);
    return 0;
}

void vigil_pdq_work_dispose(vigil_pdq_work *work)
{
    free(work->buf);
    work->buf = NULL;
    work->cap = 0;
}

int vigil_pdq_image(vigil_pdq_result *out, const vigil_image *img, vigil_error *err)
{
    vigil_pdq_work work = {0};
    int rc = vigil_pdq_image_work(out, img, &work, err);
    vigil_pdq_work_dispose(&work);
    return rc;
}

const char *vigil_pdq_dihedral_name(vigil_pdq_dihedral d)
{
    static const char *const names[] = {"orig", "rot90", "rot180", "rot270", "flipx", "flipy", "flipp", "flipm"};
    return (unsigned)d < VIGIL_PDQ__DIHEDRAL ? names[d] : "?";
}

int vigil_pdq_distance(const vigil_pdq_hash *a, const vigil_pdq_hash *b)
{
    int d = 0;
    for (int i = 0; i < 4; i++) {
        uint64_t x, y;
        memcpy(&x, a->b + 8 * i, 8);
        memcpy(&y, b->b + 8 * i, 8);
        d += __builtin_popcountll(x ^ y);
    }
    return d;
}

void vigil_pdq_hex(char *out, const vigil_pdq_hash *h)
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        out[2 * i] = digits[h->b[i] >> 4];
        out[2 * i + 1] = digits[h->b[i] & 15];
    }
    out[64] = '\0';
}

int vigil_pdq_parse(vigil_pdq_hash *out, const char *hex, size_t len, vigil_error *err)
{
    int at = 0;
    if (len != 64)
        return vigil_error_set(err, VIGIL_EINPUT, "pdq hash: %zu characters, 64 hex digits expected", len);
    if (vg_hex_decode(out->b, hex, 32) == 0)
        return 0;
    while (vg_is_hex_char(hex[at])) /* the decoder refused one: say which (1-based) */
        at++;
    return vigil_error_set(err, VIGIL_EINPUT, "pdq hash: not a hex digit at position %d", at + 1);
}

int vigil_pdq_is_zero(const vigil_pdq_hash *h)
{
    for (int i = 0; i < 32; i++)
        if (h->b[i])
            return 0;
    return 1;
}

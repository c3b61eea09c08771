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

void vg_pdq_luminance(float *luma, const uint8_t *px, uint32_t w, uint32_t h, unsigned channels)
{
    size_t n = (size_t)w * h;
    if (channels == 1) {
        for (size_t i = 0; i < n; i++)
            luma[i] = (float)px[i];
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const uint8_t *p = px + i * 3;
        float y = 0.299f * (float)p[0];
        y = y + 0.587f * (float)p[1];
        y = y + 0.114f * (float)p[2];
        luma[i] = y;
    }
}

/*
 * One box pass along rows (running float32 sum, add before subtract, the
 * divisor is the number of samples in the window). in and out are w x h.
 */
static void box_rows(float *out, const float *in, uint32_t w, uint32_t h, uint32_t win)
{
    const uint32_t a = (win - 1) / 2, b = win / 2;
    for (uint32_t y = 0; y < h; y++) {
        const float *x = in + (size_t)y * w;
        float *o = out + (size_t)y * w;
        float s = 0;
        uint32_t r = 0, l = 0;
        for (uint32_t k = 0; k < b && r < w; k++)
            s += x[r++];
        for (uint32_t i = 0; i < w; i++) {
            if (r < w)
                s += x[r++];
            if (i > a) /* i - a > 0 */
                s -= x[l++];
            o[i] = s / (float)(r - l);
        }
    }
}

/*
 * The same box along columns, all columns at once: each column keeps its own
 * running sum, updated in exactly the order box_rows uses, so the result is
 * identical to filtering each column separately, but memory is read by rows.
 */
static void box_cols(float *out, const float *in, uint32_t w, uint32_t h, uint32_t win, float *sum)
{
    const uint32_t a = (win - 1) / 2, b = win / 2;
    uint32_t r = 0, l = 0;
    for (uint32_t c = 0; c < w; c++)
        sum[c] = 0;
    for (uint32_t k = 0; k < b && r < h; k++, r++)
        for (uint32_t c = 0; c < w; c++)
            sum[c] += in[(size_t)r * w + c];
    for (uint32_t i = 0; i < h; i++) {
        float *o = out + (size_t)i * w;
        float div;
        if (r < h) {
            const float *x = in + (size_t)r * w;
            for (uint32_t c = 0; c < w; c++)
                sum[c] += x[c];
            r++;
        }
        if (i > a) {
            const float *x = in + (size_t)l * w;
            for (uint32_t c = 0; c < w; c++)
                sum[c] -= x[c];
            l++;
        }
        div = (float)(r - l);
        for (uint32_t c = 0; c < w; c++)
            o[c] = sum[c] / div;
    }
}

void vg_pdq_buffer64(float a64[64 * 64], float *luma, float *scratch, uint32_t w, uint32_t h)
{
    float colsum[512];
    float *sum = w <= 512 ? colsum : malloc(w * sizeof *sum);
    if (w == 64 && h == 64) { /* the reference skips filter and decimation */
        memcpy(a64, luma, sizeof(float) * 64 * 64);
        return;
    }
    if (!sum) { /* only reachable for w > 512, which callers never pass */
        memset(a64, 0, sizeof(float) * 64 * 64);
        return;
    }
    {
        uint32_t wx = (w + 127) / 128, wy = (h + 127) / 128;
        for (int pass = 0; pass < 2; pass++) {
            box_rows(scratch, luma, w, h, wx);
            box_cols(luma, scratch, w, h, wy, sum);
        }
    }
    if (sum != colsum)
        free(sum);
    for (int r = 0; r < 64; r++) {
        size_t y = (size_t)((r + 0.5) * h / 64);
        for (int c = 0; c < 64; c++) {
            size_t x = (size_t)((c + 0.5) * w / 64);
            a64[r * 64 + c] = luma[y * w + x];
        }
    }
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

static int cmp_float(const void *pa, const void *pb)
{
    float a = *(const float *)pa, b = *(const float *)pb;
    return (a > b) - (a < b);
}

static void threshold(vigil_pdq_hash *out, const float b[256])
{
    float sorted[256], m;
    memcpy(sorted, b, sizeof sorted);
    qsort(sorted, 256, sizeof sorted[0], cmp_float);
    m = sorted[127];
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

int vigil_pdq_image(vigil_pdq_result *out, const vigil_image *img, vigil_error *err)
{
    float *luma;
    size_t n = (size_t)img->width * img->height;
    memset(out, 0, sizeof *out);
    if (img->width > 512 || img->height > 512)
        return vigil_error_set(err, VIGIL_EINPUT, "pdq: image of %ux%u is not size-normalised (over 512)",
                               img->width, img->height);
    if (img->channels != 1 && img->channels != 3)
        return vigil_error_set(err, VIGIL_EINPUT, "pdq: %u channels (1 or 3 expected)", img->channels);
    if (img->width < 5 || img->height < 5)
        return 0;
    luma = malloc(2 * n * sizeof *luma);
    if (!luma)
        return vigil_error_set(err, VIGIL_ENOMEM, "pdq: out of memory");
    vg_pdq_luminance(luma, img->pixels, img->width, img->height, img->channels);
    vigil_pdq_luma(out, luma, luma + n, img->width, img->height);
    free(luma);
    return 0;
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

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

int vigil_pdq_parse(vigil_pdq_hash *out, const char *hex, size_t len, vigil_error *err)
{
    if (len != 64)
        return vigil_error_set(err, VIGIL_EINPUT, "pdq hash: %zu characters, 64 hex digits expected", len);
    for (int i = 0; i < 32; i++) {
        int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return vigil_error_set(err, VIGIL_EINPUT, "pdq hash: not a hex digit at position %d",
                                   hi < 0 ? 2 * i + 1 : 2 * i + 2);
        out->b[i] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

int vigil_pdq_is_zero(const vigil_pdq_hash *h)
{
    for (int i = 0; i < 32; i++)
        if (h->b[i])
            return 0;
    return 1;
}

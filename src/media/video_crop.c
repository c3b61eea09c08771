/*
 * Bar detection on the float luma plane: a row (column) is part of a bar when
 * it is flat (its values span at most BAR_SPAN, which compression noise on a
 * solid bar stays under) and has the level of the outermost row (column).
 */
#include <stddef.h>
#include <string.h>

#include "media/video_crop.h"

#define BAR_SPAN 24.0f
#define MIN_KEPT 0.4

/* Span and mean of n values step apart. */
static void line_stats(const float *p, uint32_t n, size_t step, float *span, float *mean)
{
    float lo = p[0], hi = p[0], sum = 0;
    for (uint32_t i = 0; i < n; i++) {
        float v = p[(size_t)i * step];
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
        sum += v;
    }
    *span = hi - lo;
    *mean = sum / (float)n;
}

/* How many lines from one edge are bar: first line at base, lines line_step apart, each n values step apart. */
static uint32_t bar_lines(const float *base, ptrdiff_t line_step, uint32_t lines, uint32_t n, size_t step)
{
    float span, level, mean;
    uint32_t k = 0;
    line_stats(base, n, step, &span, &level);
    if (span > BAR_SPAN)
        return 0;
    while (k < lines) {
        line_stats(base + (ptrdiff_t)k * line_step, n, step, &span, &mean);
        if (span > BAR_SPAN || mean - level > BAR_SPAN / 2 || level - mean > BAR_SPAN / 2)
            break;
        k++;
    }
    return k;
}

int vg_luma_crop_borders(const float *luma, uint32_t W, uint32_t H, float *out, uint32_t *cw, uint32_t *ch)
{
    uint32_t top, bottom, left, right, kw, kh;
    if (W < 16 || H < 16)
        return 0;
    top = bar_lines(luma, (ptrdiff_t)W, H, W, 1);
    if (top == H) /* flat all over: nothing to tell a bar from */
        return 0;
    bottom = bar_lines(luma + (size_t)(H - 1) * W, -(ptrdiff_t)W, H - top, W, 1);
    /* columns only over the rows between the bars, so a letterbox does not hide a pillarbox */
    left = bar_lines(luma + (size_t)top * W, 1, W, H - top - bottom, W);
    right = bar_lines(luma + (size_t)top * W + W - 1, -1, W - left, H - top - bottom, W);
    kw = W - left - right;
    kh = H - top - bottom;
    if ((top | bottom | left | right) == 0 || kw < MIN_KEPT * W || kh < MIN_KEPT * H)
        return 0;
    for (uint32_t y = 0; y < kh; y++)
        memcpy(out + (size_t)y * kw, luma + (size_t)(top + y) * W + left, kw * sizeof *luma);
    *cw = kw;
    *ch = kh;
    return 1;
}

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

void vg_luma_crop_borders(float *luma, uint32_t *w, uint32_t *h)
{
    uint32_t W = *w, H = *h, top, bottom, left, right, cw, ch;
    if (W < 16 || H < 16)
        return;
    top = bar_lines(luma, (ptrdiff_t)W, H, W, 1);
    if (top == H) /* flat all over: nothing to tell a bar from */
        return;
    bottom = bar_lines(luma + (size_t)(H - 1) * W, -(ptrdiff_t)W, H - top, W, 1);
    /* columns only over the rows between the bars, so a letterbox does not hide a pillarbox */
    left = bar_lines(luma + (size_t)top * W, 1, W, H - top - bottom, W);
    right = bar_lines(luma + (size_t)top * W + W - 1, -1, W - left, H - top - bottom, W);
    cw = W - left - right;
    ch = H - top - bottom;
    if ((top | bottom | left | right) == 0 || cw < MIN_KEPT * W || ch < MIN_KEPT * H)
        return;
    for (uint32_t y = 0; y < ch; y++) /* the kept rectangle starts later than where it goes: memmove in order */
        memmove(luma + (size_t)y * cw, luma + (size_t)(top + y) * W + left, cw * sizeof *luma);
    *w = cw;
    *h = ch;
}

#include "testphoto.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <jpeglib.h>

#include "testutil.h"

static uint32_t next(uint32_t *s)
{
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

static uint8_t clamp(double v)
{
    return v < 0 ? 0 : v > 255 ? 255 : (uint8_t)v;
}

/* One row: two slow waves across the frame, discs that change the colour, grain. */
static void paint_row(uint8_t *row, uint32_t w, uint32_t h, uint32_t y, const double disc[][4], int ndisc,
                      uint32_t *grain)
{
    double fy = (double)y / h;
    for (uint32_t x = 0; x < w; x++) {
        double fx = (double)x / w, r = 90 + 80 * sin(6.1 * fx + 2.3 * fy), g = 110 + 70 * cos(4.2 * fy - 3.1 * fx),
               b = 140 + 60 * sin(9.0 * fx * fy + 1.0);
        for (int i = 0; i < ndisc; i++) {
            double dx = fx - disc[i][0], dy = fy - disc[i][1];
            if (dx * dx + dy * dy < disc[i][2] * disc[i][2])
                r = 255 - r * disc[i][3], g = g * disc[i][3], b = 255 - b;
        }
        int n = (int)(next(grain) % 17) - 8;
        row[x * 3] = clamp(r + n), row[x * 3 + 1] = clamp(g + n), row[x * 3 + 2] = clamp(b + n);
    }
}

size_t tp_make_photo(uint8_t **out, uint32_t w, uint32_t h, uint32_t seed)
{
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr e;
    unsigned char *mem = NULL;
    unsigned long n = 0;
    double disc[12][4];
    uint8_t *row = malloc((size_t)w * 3);
    uint32_t s = seed ? seed : 1;
    if (!row)
        return 0;
    for (int i = 0; i < 12; i++) {
        disc[i][0] = next(&s) % 1000 / 1000.0, disc[i][1] = next(&s) % 1000 / 1000.0;
        disc[i][2] = 0.03 + next(&s) % 120 / 1000.0, disc[i][3] = 0.3 + next(&s) % 60 / 100.0;
    }
    c.err = jpeg_std_error(&e);
    jpeg_create_compress(&c);
    jpeg_mem_dest(&c, &mem, &n);
    c.image_width = w;
    c.image_height = h;
    c.input_components = 3;
    c.in_color_space = JCS_RGB;
    jpeg_set_defaults(&c);
    jpeg_set_quality(&c, 90, TRUE);
    jpeg_start_compress(&c, TRUE);
    while (c.next_scanline < h) {
        JSAMPROW r = row;
        paint_row(row, w, h, c.next_scanline, disc, 12, &s);
        jpeg_write_scanlines(&c, &r, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    free(row);
    *out = mem;
    return n;
}

char *tp_write_photo(const char *dir, const char *name, uint32_t w, uint32_t h, uint32_t seed)
{
    uint8_t *data = NULL;
    size_t n = tp_make_photo(&data, w, h, seed);
    if (!n)
        return NULL;
    tu_write(dir, name, data, n);
    free(data);
    return tu_path(dir, name);
}

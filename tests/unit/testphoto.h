/*
 * A large photo-like JPEG made at test time: smooth shading, a few shapes and
 * some grain, so the scaled and the full decode have real structure to agree
 * on. The repository keeps no multi-megabyte camera photo for this.
 */
#ifndef VIGIL_TESTPHOTO_H
#define VIGIL_TESTPHOTO_H

#include <stddef.h>
#include <stdint.h>

/* A w x h baseline RGB JPEG (quality 90) in *out (malloc'd); returns its size, 0 on failure. */
size_t tp_make_photo(uint8_t **out, uint32_t w, uint32_t h, uint32_t seed);

/* The same written to dir/name; returns the path (caller frees). */
char *tp_write_photo(const char *dir, const char *name, uint32_t w, uint32_t h, uint32_t seed);

#endif

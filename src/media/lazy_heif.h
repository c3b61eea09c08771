/*
 * libheif, loaded when the first HEIF picture is decoded rather than when vigil starts: it
 * brings in its own HEVC and AV1 codecs. Works like lazy_av.h: include this header, call
 * vg_heif_load() at the entry point, then call libheif by its usual names.
 */
#ifndef VG_MEDIA_LAZY_HEIF_H
#define VG_MEDIA_LAZY_HEIF_H

#include <stddef.h>
#include <libheif/heif.h>

#define VG_HEIF_FUNCTIONS(X)                                                                                        \
    X(heif, heif_context_alloc) X(heif, heif_context_free) X(heif, heif_context_get_primary_image_handle)           \
    X(heif, heif_context_read_from_memory_without_copy) X(heif, heif_decode_image) X(heif, heif_get_version)         \
    X(heif, heif_image_get_height) X(heif, heif_image_get_plane_readonly) X(heif, heif_image_get_width)             \
    X(heif, heif_image_handle_get_height) X(heif, heif_image_handle_get_width) X(heif, heif_image_handle_release)   \
    X(heif, heif_image_release)

typedef struct vg_heif_table {
#define VG_HEIF_SLOT(lib, fn) __typeof__(fn) *fn;
    VG_HEIF_FUNCTIONS(VG_HEIF_SLOT)
#undef VG_HEIF_SLOT
} vg_heif_table;

extern const vg_heif_table *vg_heif;

/* Load libheif once per process (thread-safe); 0, or -1 with why. */
int vg_heif_load(char *why, size_t cap);

#ifndef VG_LAZY_TABLES
#define heif_context_alloc (vg_heif->heif_context_alloc)
#define heif_context_free (vg_heif->heif_context_free)
#define heif_context_get_primary_image_handle (vg_heif->heif_context_get_primary_image_handle)
#define heif_context_read_from_memory_without_copy (vg_heif->heif_context_read_from_memory_without_copy)
#define heif_decode_image (vg_heif->heif_decode_image)
#define heif_get_version (vg_heif->heif_get_version)
#define heif_image_get_height (vg_heif->heif_image_get_height)
#define heif_image_get_plane_readonly (vg_heif->heif_image_get_plane_readonly)
#define heif_image_get_width (vg_heif->heif_image_get_width)
#define heif_image_handle_get_height (vg_heif->heif_image_handle_get_height)
#define heif_image_handle_get_width (vg_heif->heif_image_handle_get_width)
#define heif_image_handle_release (vg_heif->heif_image_handle_release)
#define heif_image_release (vg_heif->heif_image_release)
#endif

#endif

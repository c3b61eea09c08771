/*
 * Is text a JSON document, as file's JSON test (run before any of its rules)
 * decides: the whole buffer one JSON value with an object or an array in it.
 * Pure, thread-safe.
 */
#ifndef VG_MEDIA_SNIFF_JSON_H
#define VG_MEDIA_SNIFF_JSON_H
#include <stddef.h>
#include <stdint.h>

typedef enum vg_json {
    VG_JSON_NO,  /* not JSON: a grammar error before the end */
    VG_JSON_YES, /* one JSON document, as file names it application/json */
    VG_JSON_CUT  /* JSON so far, cut by the end of the buffer, or followed by more: only libmagic can tell */
} vg_json;

vg_json vg_sniff_json(const uint8_t *p, size_t n);

#endif

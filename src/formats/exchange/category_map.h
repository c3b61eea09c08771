/*
 * Category mapping files: "code,label[,severity]" lines that give the raw
 * category codes of one source their labels (CAID codes are not public, so a
 * set comes with its own table). '#' lines, blank lines and a "code,label"
 * header are skipped. Without a severity column the UK sentencing labels rank
 * themselves (A 3, B 2, C 1, not indecent 0); other labels get -1 (unknown).
 */
#ifndef VG_FORMATS_CATEGORY_MAP_H
#define VG_FORMATS_CATEGORY_MAP_H
#include <stddef.h>
#include "vigil/error.h"

#define VG_CATMAP_MAX 4096

typedef struct vg_category_entry {
    char code[32];
    char label[96];
    int severity;
} vg_category_entry;

typedef struct vg_category_map {
    vg_category_entry *e;
    size_t n;
} vg_category_map;

/* Load path; VIGIL_EINPUT with "path:line N: why" on a malformed line. */
int vg_category_map_load(vg_category_map *m, const char *path, vigil_error *err);
/* The entry for code, or NULL. */
const vg_category_entry *vg_category_map_find(const vg_category_map *m, const char *code);
void vg_category_map_dispose(vg_category_map *m);

#endif

/* Internal to src/server: the pages' files from web/, made into C data by web/embed.py. */
#ifndef VS_WEB_ASSETS_H
#define VS_WEB_ASSETS_H
#include <stddef.h>

typedef struct vs_asset {
    const char *name;                 /* the file's base name in web/ */
    const char *type;                 /* its Content-Type */
    const unsigned char *data;
    size_t len;
} vs_asset;

extern const vs_asset vs_assets[];
extern const size_t vs_nassets;

#endif

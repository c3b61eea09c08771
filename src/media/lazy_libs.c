/*
 * The loader behind lazy_av.h and lazy_heif.h: dlopen by soname (the major version the headers
 * were built against, so a library with another ABI is never picked up), dlsym every function
 * the tables list, once per process.
 */
#define VG_LAZY_TABLES
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <libavutil/macros.h>

#include "media/lazy_av.h"
#include "media/lazy_heif.h"
#include "media/lazy_libs.h"

/* libheif has kept soname 1 since 1.0 and its headers carry no soname macro. */
#if LIBHEIF_NUMERIC_VERSION >= 0x02000000
#error "libheif 2 or later: check its soname"
#endif

enum { LIB_avutil, LIB_avcodec, LIB_avformat, LIB_swscale, LIB_heif, LIB_COUNT };

static const char *const sonames[LIB_COUNT] = {
    [LIB_avutil] = "libavutil.so." AV_STRINGIFY(LIBAVUTIL_VERSION_MAJOR),
    [LIB_avcodec] = "libavcodec.so." AV_STRINGIFY(LIBAVCODEC_VERSION_MAJOR),
    [LIB_avformat] = "libavformat.so." AV_STRINGIFY(LIBAVFORMAT_VERSION_MAJOR),
    [LIB_swscale] = "libswscale.so." AV_STRINGIFY(LIBSWSCALE_VERSION_MAJOR),
    [LIB_heif] = "libheif.so.1",
};

typedef struct symbol {
    int lib;
    const char *name;
    size_t offset;
} symbol;

static const symbol av_symbols[] = {
#define VG_AV_SYMBOL(lib, fn) {LIB_##lib, #fn, offsetof(vg_av_table, fn)},
    VG_AV_FUNCTIONS(VG_AV_SYMBOL)
#undef VG_AV_SYMBOL
};

static const symbol heif_symbols[] = {
#define VG_HEIF_SYMBOL(lib, fn) {LIB_##lib, #fn, offsetof(vg_heif_table, fn)},
    VG_HEIF_FUNCTIONS(VG_HEIF_SYMBOL)
#undef VG_HEIF_SYMBOL
};

const vg_av_table *vg_av;
const vg_heif_table *vg_heif;

static vg_av_table av_table;
static vg_heif_table heif_table;
static char av_why[256], heif_why[256];
static pthread_once_t av_once = PTHREAD_ONCE_INIT, heif_once = PTHREAD_ONCE_INIT;

/* Fill table from the libraries its symbols name; 0, or -1 with why. Handles stay open for the
 * life of the process: the functions are called until exit. */
static int load(void *table, const symbol *syms, size_t n, char *why, size_t cap)
{
    void *handle[LIB_COUNT] = {0};
    for (size_t i = 0; i < n; i++) {
        int lib = syms[i].lib;
        void *fn;
        if (!handle[lib] && !(handle[lib] = dlopen(sonames[lib], RTLD_NOW | RTLD_LOCAL))) {
            const char *e = dlerror();
            snprintf(why, cap, "cannot load %s: %s", sonames[lib], e ? e : "unknown error");
            return -1;
        }
        if (!(fn = dlsym(handle[lib], syms[i].name))) {
            snprintf(why, cap, "%s has no %s", sonames[lib], syms[i].name);
            return -1;
        }
        memcpy((char *)table + syms[i].offset, &fn, sizeof fn); /* object to function pointer, as POSIX allows */
    }
    return 0;
}

static void load_av(void)
{
    if (load(&av_table, av_symbols, sizeof av_symbols / sizeof av_symbols[0], av_why, sizeof av_why) < 0)
        return;
    av_table.av_log_set_level(AV_LOG_QUIET); /* reasons come back as errors, not as lines on stderr */
    vg_av = &av_table;
}

static void load_heif(void)
{
    if (load(&heif_table, heif_symbols, sizeof heif_symbols / sizeof heif_symbols[0], heif_why, sizeof heif_why) == 0)
        vg_heif = &heif_table;
}

/* 0 once a table is loaded, or -1 with the reason its load gave. */
static int loaded(const void *table, const char *failure, char *why, size_t cap)
{
    if (table)
        return 0;
    snprintf(why, cap, "%s", failure);
    return -1;
}

int vg_av_load(char *why, size_t cap)
{
    pthread_once(&av_once, load_av);
    return loaded(vg_av, av_why, why, cap);
}

int vg_heif_load(char *why, size_t cap)
{
    pthread_once(&heif_once, load_heif);
    return loaded(vg_heif, heif_why, why, cap);
}

void vg_media_libs_preload(void)
{
    char why[8];
    (void)vg_av_load(why, sizeof why);
    (void)vg_heif_load(why, sizeof why);
}

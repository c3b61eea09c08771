/*
 * The versions a report cites: vigil's own (with the git commit it was built from) and those of
 * the libraries that read evidence, store and sign, as linked at run time; the few libraries
 * without such a call give the version of the headers the binary was built with.
 */
#include <archive.h>
#include <gif_lib.h>
#include <jpeglib.h>
#include <libewf.h>
#include <libbde.h>
#include <libbfio.h>
#include <libluksde.h>
#include <libpq-fe.h>
#include <libqcow.h>
#include <libvhdi.h>
#include <libvmdk.h>
#include <libxml/xmlversion.h>
#include <magic.h>
#include <openssl/crypto.h>
#include <png.h>
#include <pthread.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <tiffio.h>
#include <tsk/libtsk.h>
#include <webp/decode.h>
#include <yajl/yajl_version.h>
#include <zlib.h>

#include "media/lazy_av.h"
#include "media/lazy_heif.h"
#include "vigil/vigil.h"
#include "vigil_config.h"
#include "vigil_git.h"

#define STR2(x) #x
#define STR(x) STR2(x)

enum { NLIBS = 32 };
static vigil_library_version libs[NLIBS];
static char text[NLIBS][48];
static char full_version[96];
static size_t nlibs;
static pthread_once_t version_once = PTHREAD_ONCE_INIT, libs_once = PTHREAD_ONCE_INIT;

static void add(const char *name, const char *version)
{
    if (nlibs >= NLIBS)
        return;
    snprintf(text[nlibs], sizeof text[nlibs], "%s", version ? version : "unknown");
    libs[nlibs].name = name;
    libs[nlibs].version = text[nlibs];
    nlibs++;
}

/* The first token of s that starts with a digit ("libarchive 3.6.2" -> "3.6.2"). */
static void add_number_in(const char *name, const char *s)
{
    char buf[48];
    size_t n = 0;
    while (s && *s && !(*s >= '0' && *s <= '9'))
        s++;
    while (s && *s && n + 1 < sizeof buf && *s != ' ' && *s != '\n' && *s != ',')
        buf[n++] = *s++;
    buf[n] = '\0';
    add(name, n ? buf : NULL);
}

static void add_int(const char *name, int a, int b, int c)
{
    char buf[48];
    if (c >= 0)
        snprintf(buf, sizeof buf, "%d.%d.%d", a, b, c);
    else
        snprintf(buf, sizeof buf, "%d.%02d", a, b);
    add(name, buf);
}

static void make_version(void)
{
    if (VIGIL_GIT_DESCRIBE[0])
        snprintf(full_version, sizeof full_version, "%s (git %s)", VIGIL_VERSION, VIGIL_GIT_DESCRIBE);
    else
        snprintf(full_version, sizeof full_version, "%s", VIGIL_VERSION);
}

/* FFmpeg and libheif are loaded on first use (media/lazy_av.h): asking their versions loads them. */
static void add_media(void)
{
    char why[256];
    int v;
    add("libheif", vg_heif_load(why, sizeof why) == 0 ? heif_get_version() : "not loadable");
    if (vg_av_load(why, sizeof why) < 0) {
        add("libavformat", "not loadable");
        add("libavcodec", "not loadable");
        add("libswscale", "not loadable");
        return;
    }
    v = (int)avformat_version();
    add_int("libavformat", AV_VERSION_MAJOR(v), AV_VERSION_MINOR(v), AV_VERSION_MICRO(v));
    v = (int)avcodec_version();
    add_int("libavcodec", AV_VERSION_MAJOR(v), AV_VERSION_MINOR(v), AV_VERSION_MICRO(v));
    v = (int)swscale_version();
    add_int("libswscale", AV_VERSION_MAJOR(v), AV_VERSION_MINOR(v), AV_VERSION_MICRO(v));
}

static void collect(void)
{
    int v;
    add_number_in("libarchive", archive_version_string());
    add("libtsk", tsk_version_get_str());
    add("libewf", libewf_get_version());
    add("libvhdi", libvhdi_get_version());
    add("libvmdk", libvmdk_get_version());
    add("libqcow", libqcow_get_version());
    add("libbfio", libbfio_get_version());
    add("libbde", libbde_get_version());
    add("libluksde", libluksde_get_version());
    v = magic_version();
    add_int("libmagic", v / 100, v % 100, -1);
    add("libjpeg-turbo", STR(LIBJPEG_TURBO_VERSION));
    add("libpng", png_get_libpng_ver(NULL));
    add_int("giflib", GIFLIB_MAJOR, GIFLIB_MINOR, GIFLIB_RELEASE);
    v = WebPGetDecoderVersion();
    add_int("libwebp", v >> 16, (v >> 8) & 0xff, v & 0xff);
    add_number_in("libtiff", TIFFGetVersion());
    add_media();
    add("zlib", zlibVersion());
    add_number_in("OpenSSL", OpenSSL_version(OPENSSL_VERSION));
    add("SQLite", sqlite3_libversion());
    v = PQlibVersion();
    add_int("libpq", v / 10000, v % 10000, -1);
    add("libsodium", sodium_version_string());
    v = yajl_version();
    add_int("yajl", v / 10000, (v / 100) % 100, v % 100);
    add("libxml2", LIBXML_DOTTED_VERSION);
}

const char *vigil_version(void)
{
    pthread_once(&version_once, make_version);
    return full_version;
}

const vigil_library_version *vigil_library_versions(size_t *n)
{
    pthread_once(&libs_once, collect);
    *n = nlibs;
    return libs;
}

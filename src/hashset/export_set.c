/*
 * vigil_hashset_export: the entries of a set through a list writer. The
 * writers of every format live in hashset/export.h; a build without them
 * still exports hashdeep lists with the small writer below.
 */
#include <errno.h>
#include <string.h>

#include "core/hex.h"
#include "hashset/entries.h"
#include "hashset/store_int.h"

#if defined(__has_include)
#if __has_include("hashset/export.h")
#include "hashset/export.h"
#define HAVE_EXPORT_WRITERS 1
#endif
#endif

typedef struct export_ctx {
    FILE *f;
    uint64_t written, skipped;
#ifdef HAVE_EXPORT_WRITERS
    vg_hs_writer *w;
#endif
} export_ctx;

#ifdef HAVE_EXPORT_WRITERS
static int add_one(void *ud, const vg_hs_record *r, const char *set, vigil_error *err)
{
    export_ctx *c = ud;
    int rc = vg_hs_writer_add(c->w, r, set, err);
    return rc < 0 ? rc : 0;
}
#else
/* hashdeep: "size,md5,sha1,sha256,filename"; an entry without a size or a digest has no line. */
static int add_one(void *ud, const vg_hs_record *r, const char *set, vigil_error *err)
{
    export_ctx *c = ud;
    char md5[33], sha1[41], sha256[65];
    (void)set;
    if (r->size < 0 || !r->has_md5 || !r->has_sha1 || !r->has_sha256) {
        c->skipped++;
        return 0;
    }
    vg_hex_encode(md5, r->md5, 16);
    vg_hex_encode(sha1, r->sha1, 20);
    vg_hex_encode(sha256, r->sha256, 32);
    if (fprintf(c->f, "%lld,%s,%s,%s,%s\n", (long long)r->size, md5, sha1, sha256, r->where) < 0)
        return vigil_error_set(err, VIGIL_EINPUT, "export: cannot write: %s", strerror(errno));
    c->written++;
    return 0;
}
#endif

int vigil_hashset_export(uint64_t *written, uint64_t *skipped, vigil_store *st, const char *name,
                         const char *format, FILE *f, vigil_error *err)
{
    export_ctx c = {f, 0, 0
#ifdef HAVE_EXPORT_WRITERS
                    , NULL
#endif
    };
    int rc;
    *written = *skipped = 0;
#ifdef HAVE_EXPORT_WRITERS
    vg_hs_export_info info = {name, NULL, 0};
    if ((rc = vg_hs_writer_open(&c.w, f, format, &info, err)) < 0)
        return rc;
    rc = vg_store_foreach_entry(st, name, add_one, &c, err);
    vg_hs_writer_counts(c.w, &c.written, &c.skipped);
    int close_rc = vg_hs_writer_close(c.w, rc < 0 ? NULL : err);
    if (close_rc < 0 && rc == 0)
        rc = close_rc;
#else
    if (strcmp(format, "hashdeep") != 0)
        return vigil_error_set(err, VIGIL_EUSAGE, "export: format '%s' is not in this build (hashdeep is)", format);
    if (fprintf(f, "%%%%%%%% HASHDEEP-1.0\n%%%%%%%% size,md5,sha1,sha256,filename\n## set %s\n##\n", name) < 0)
        return vigil_error_set(err, VIGIL_EINPUT, "export: cannot write: %s", strerror(errno));
    rc = vg_store_foreach_entry(st, name, add_one, &c, err);
#endif
    if (rc == 0 && fflush(f) != 0)
        rc = vigil_error_set(err, VIGIL_ESTORE, "export: cannot write: %s", strerror(errno));
    *written = c.written;
    *skipped = c.skipped;
    return rc;
}

/*
 * For the hash-list reader fuzz targets: the input written to one scratch
 * file (readers take a file descriptor and a path, and SQLite needs a real
 * file), and a sink that checks what every record must hold.
 */
#ifndef VIGIL_FUZZ_HS_FUZZ_FILE_H
#define VIGIL_FUZZ_HS_FUZZ_FILE_H
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "formats/formats.h"

/* The scratch file's path; made once per process under $TMPDIR, removed at exit. */
static char fuzz_path[512];

static void fuzz_remove(void)
{
    unlink(fuzz_path);
}

/* Write data to the scratch file and open it for reading; -1 on failure. */
static inline int fuzz_file(const uint8_t *data, size_t size, const char *suffix)
{
    int fd;
    if (!fuzz_path[0]) {
        const char *tmp = getenv("TMPDIR");
        snprintf(fuzz_path, sizeof fuzz_path, "%s/vigil-fuzz-%ld%s", tmp && *tmp ? tmp : "/tmp", (long)getpid(),
                 suffix);
        atexit(fuzz_remove);
    }
    fd = open(fuzz_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0)
        return -1;
    for (size_t at = 0; at < size;) {
        ssize_t k = write(fd, data + at, size - at);
        if (k <= 0) {
            close(fd);
            return -1;
        }
        at += (size_t)k;
    }
    close(fd);
    return open(fuzz_path, O_RDONLY);
}

typedef struct fuzz_counts {
    unsigned long records, rejects;
} fuzz_counts;

static inline int fuzz_record(void *ud, const vg_hs_record *r, vigil_error *err)
{
    fuzz_counts *c = ud;
    (void)err;
    /* a record always carries a digest and says where it came from */
    if (!(r->has_md5 || r->has_sha1 || r->has_sha256 || r->has_pdq || r->has_photodna) || !r->where[0])
        abort();
    if (r->name && !r->name_len)
        abort();
    if (r->name)
        (void)memchr(r->name, 0, r->name_len); /* the name's bytes must be readable */
    c->records++;
    return 0;
}

static inline int fuzz_reject(void *ud, const char *where, const char *why, vigil_error *err)
{
    fuzz_counts *c = ud;
    (void)err;
    if (!where || !why || !why[0] || strchr(why, '\n'))
        abort(); /* one line naming the place */
    c->rejects++;
    return 0;
}

static inline void fuzz_meta(void *ud, const char *key, const char *value)
{
    (void)ud;
    if (!key || !value)
        abort();
    (void)strlen(value);
}

/* Run the reader of format f over data; an error is fine, a crash is not. */
static inline void fuzz_read(vigil_hashset_format f, const uint8_t *data, size_t size, const char *suffix,
                      const char *base)
{
    const vg_hs_format *row = vg_hs_format_get(f);
    fuzz_counts c = {0, 0};
    vg_hs_sink sink = {fuzz_record, fuzz_reject, fuzz_meta, NULL, &c};
    vg_hs_read_opts o = {"fuzz-input", f, NULL, base, 0};
    vigil_error err;
    int fd;
    if (!row || (fd = fuzz_file(data, size, suffix)) < 0)
        abort();
    if (row->read(fd, fuzz_path, &o, &sink, &err) < 0 && !err.msg[0])
        abort(); /* a failure always says why */
    close(fd);
}

#endif

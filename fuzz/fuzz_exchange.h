/*
 * Shared by the exchange-format fuzz targets: put the input in a memfd (the
 * readers take a file descriptor) and a sink that checks what every reader
 * promises: a record carries a digest or a fingerprint (or is a retraction),
 * a reject has a place and a reason.
 */
#ifndef VIGIL_FUZZ_EXCHANGE_H
#define VIGIL_FUZZ_EXCHANGE_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "formats/formats.h"

typedef struct fuzz_counts {
    uint64_t records, rejects;
    void *ud;                  /* passed on to on_record, when set */
    int (*on_record)(void *ud, const vg_hs_record *r);
} fuzz_counts;

static int fuzz_memfd(const uint8_t *data, size_t size)
{
    int fd = memfd_create("fuzz-input", 0);
    size_t done = 0;
    if (fd < 0)
        abort();
    while (done < size) {
        ssize_t n = write(fd, data + done, size - done);
        if (n <= 0)
            abort();
        done += (size_t)n;
    }
    if (lseek(fd, 0, SEEK_SET) != 0)
        abort();
    return fd;
}

static int fuzz_record(void *ud, const vg_hs_record *r, vigil_error *err)
{
    fuzz_counts *c = ud;
    (void)err;
    if (!r->has_md5 && !r->has_sha1 && !r->has_sha256 && !r->has_pdq && !r->has_photodna && !r->retract)
        abort();
    if (!memchr(r->where, '\0', sizeof r->where) || !r->where[0])
        abort();
    if (r->name && r->name_len == 0 && r->name[0])
        abort();
    if (r->category && !r->category[0])
        abort();
    c->records++;
    return c->on_record ? c->on_record(c->ud, r) : 0;
}

static int fuzz_reject(void *ud, const char *where, const char *why, vigil_error *err)
{
    fuzz_counts *c = ud;
    (void)err;
    if (!where || !*where || !why || !*why)
        abort();
    c->rejects++;
    return 0;
}

static void fuzz_meta(void *ud, const char *key, const char *value)
{
    (void)ud;
    if (!key || !value)
        abort();
}

static int fuzz_read(vigil_hashset_format fmt, int fd, const char *map, fuzz_counts *c, vigil_error *err)
{
    vg_hs_sink sink = {fuzz_record, fuzz_reject, fuzz_meta, NULL, c};
    vg_hs_read_opts o;
    memset(&o, 0, sizeof o);
    o.label = "fuzz";
    o.format = fmt;
    o.category_map = map;
    if (lseek(fd, 0, SEEK_SET) != 0)
        abort();
    return vg_hs_format_get(fmt)->read(fd, "fuzz", &o, &sink, err);
}

#endif

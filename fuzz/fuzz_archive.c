/*
 * Fuzz target: the archive walker (vg_archive_iterate) on an in-memory archive.
 * Every member's data is read to its end with archive_read_data, as the scan
 * does. Bytes and members per input are capped so that a small compressed
 * input cannot keep one run busy for long (the scan has its own bomb limits).
 */
#include <archive.h>
#include <stdint.h>
#include <string.h>

#include "source/archive.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_BYTES (8u << 20)
#define MAX_MEMBERS 4096

typedef struct walk {
    uint64_t bytes;
    uint64_t members;
    uint8_t buf[64 * 1024];
} walk;

static int on_member(void *ud, struct archive *a, const vg_archive_member *m)
{
    walk *w = ud;
    la_ssize_t n;
    /* Touch every field the scan reads. */
    volatile size_t len = strlen(m->path) + (m->link ? strlen(m->link) : 0);
    (void)len;
    if (++w->members > MAX_MEMBERS)
        return 1;
    if (m->type != VG_MEMBER_FILE)
        return 0;
    while ((n = archive_read_data(a, w->buf, sizeof w->buf)) > 0) {
        w->bytes += (uint64_t)n;
        if (w->bytes > MAX_BYTES)
            return 1;
    }
    return 0; /* a member that fails to read is an error item; the walk goes on */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static walk w;
    vg_archive_src src;
    uint64_t consumed = 0, members = 0;
    char why[256];
    memset(&src, 0, sizeof src);
    src.fd = -1;
    src.mem = data;
    src.mem_len = size;
    src.consumed = &consumed;
    w.bytes = 0;
    w.members = 0;
    (void)vg_archive_iterate(&src, on_member, &w, &members, why, sizeof why, NULL);
    return 0;
}

/*
 * Fuzz target: the LUKS 2 header reader. The input is read as a volume (both
 * header copies, their checksums, the JSON of the valid one), and, since a
 * mutated JSON area rarely keeps its checksum, its bytes are also handed to
 * the JSON metadata parser alone. Seeds: a header pair cryptsetup wrote, and
 * the JSON metadata of an Argon2id volume.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "source/luks2_header.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct mem {
    const uint8_t *p;
    size_t n;
} mem;

static int mem_read(void *ctx, uint64_t off, void *buf, size_t len)
{
    const mem *m = ctx;
    if (off > m->n || m->n - off < len)
        return -1;
    memcpy(buf, m->p + off, len);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vg_luks2 *h = calloc(1, sizeof *h);
    mem m = {data, size};
    char why[256];
    if (!h)
        return 0;
    vg_luks2_read(h, mem_read, &m, size, why, sizeof why);
    memset(h, 0, sizeof *h);
    vg_luks2_parse_json(h, (const char *)data, size, 0x4000, (uint64_t)1 << 30, why, sizeof why);
    free(h);
    return 0;
}

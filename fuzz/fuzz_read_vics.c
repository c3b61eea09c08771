/*
 * Fuzz target: the VICS JSON reader (also as CAID, with a mapping file) and
 * detection. Every record it accepts is exported as VICS 2.0 and read back:
 * the export must parse, with the same number of records and no rejects.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_exchange.h"
#include "formats/export.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int export_one(void *ud, const vg_hs_record *r)
{
    vigil_error err;
    if (vg_hs_writer_add(ud, r, "fuzz set", &err) < 0)
        abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char map_text[] = "code,label\n0,not-indecent\n1,A\n2,B\n3,C\n";
    int fd = fuzz_memfd(data, size), mapfd = fuzz_memfd((const uint8_t *)map_text, sizeof map_text - 1);
    char map[64], *doc = NULL;
    size_t doclen = 0;
    FILE *out = open_memstream(&doc, &doclen);
    vg_hs_writer *w;
    fuzz_counts c = {0}, again = {0};
    vigil_error err;
    vigil_hashset_format fmt;
    int rc;
    snprintf(map, sizeof map, "/proc/self/fd/%d", mapfd);
    if (!out || vg_hs_writer_open(&w, out, "vics", NULL, &err) < 0)
        abort();
    c.ud = w;
    c.on_record = export_one;
    rc = fuzz_read(VIGIL_FORMAT_VICS, fd, NULL, &c, &err);
    if (vg_hs_writer_close(w, &err) < 0)
        abort();
    fclose(out);
    if (rc == 0) {
        int back = fuzz_memfd((const uint8_t *)doc, doclen);
        if (fuzz_read(VIGIL_FORMAT_VICS, back, NULL, &again, &err) < 0 || again.records != c.records ||
            again.rejects != 0)
            abort();
        close(back);
    }
    free(doc);
    memset(&c, 0, sizeof c);
    fuzz_read(VIGIL_FORMAT_CAID, fd, map, &c, &err);
    vg_hs_detect(&fmt, fd, "fuzz", &err);
    close(mapfd);
    close(fd);
    return 0;
}

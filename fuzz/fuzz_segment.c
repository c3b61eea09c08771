/*
 * Fuzz target: the segment reader. The input is written to a file with its
 * header's size and checksum made to fit (so mutations reach the section
 * bounds and the lookups), then opened, searched and verified.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "segment/segment.h"
#include "vigil/digest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[] = "/tmp/vigil-fuzz-segment-XXXXXX";
    uint8_t *copy = malloc(size ? size : 1);
    vg_segment s;
    int fd;
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    if (size >= sizeof(vg_seg_header)) {
        vg_seg_header h;
        vigil_digests dg;
        memcpy(&h, copy, sizeof h);
        h.file_size = size;
        vigil_digest_buffer(&dg, &h, offsetof(vg_seg_header, header_sha256), NULL);
        memcpy(h.header_sha256, dg.sha256, 32);
        memcpy(copy, &h, sizeof h);
    }
    fd = mkstemp(path);
    if (fd >= 0) {
        if (write(fd, copy, size) == (ssize_t)size && vg_seg_open(&s, path, NULL) == 0) {
            uint8_t d[32] = {0};
            for (int a = 0; a < VG_SEG_ALGS; a++) {
                uint64_t first;
                for (uint64_t i = 0; i < s.nkeys[a] && i < 64; i++) {
                    memcpy(d, s.keys[a] + i * (vg_seg_digest_len[a] + 4), vg_seg_digest_len[a]);
                    int64_t row = vg_seg_find(&s, a, d);
                    if (row >= 0) {
                        vg_seg_entry e;
                        uint8_t pdq[32];
                        int8_t q;
                        if (vg_seg_get(&s, (uint32_t)row, &e) == 0)
                            (void)vg_seg_str(&s, e.label);
                        (void)vg_seg_pdq(&s, (uint32_t)row, pdq, &q);
                    }
                }
                (void)vg_seg_find_all(&s, a, d, &first);
            }
            /* every row decodes or is refused: version 4's row tables and key positions are bounds-checked */
            for (uint64_t r = 0; r < s.h->entries && r < 256; r++) {
                vg_seg_entry e;
                (void)vg_seg_get(&s, (uint32_t)r, &e);
            }
            vg_seg_verify(&s, path, NULL);
            vg_seg_close(&s);
        }
        close(fd);
        unlink(path);
    }
    free(copy);
    return 0;
}

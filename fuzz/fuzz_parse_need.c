/*
 * Fuzz target: the decision whether a file needs a parser (vg_needs_parser),
 * which runs in the scanning process on seized bytes: vigil's sniffers on the
 * head, the image-format probe on the tail, the self-extractor test, through a
 * memory file. It must never open anything, only answer.
 */
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "media/sniff.h"
#include "scan/parse_need.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vigil_scan_opts o;
    int fd = memfd_create("parse_need", 0);
    if (fd < 0)
        return 0;
    vigil_scan_opts_init(&o);
    o.compute_pdq = 1;
    if (write(fd, data, size) == (ssize_t)size) {
        int need = vg_needs_parser(&o, data, size < VG_SNIFF_BYTES ? size : VG_SNIFF_BYTES, fd, size);
        if (need != 0 && need != 1)
            __builtin_trap();
    }
    close(fd);
    return 0;
}

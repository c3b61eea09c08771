/*
 * Fuzz target: format detection by content (every rule of the format table
 * over the head of the input, then the line-format fallback). It either names
 * one format that has a reader or fails with a message.
 */
#include <stdint.h>

#include "hs_fuzz_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vigil_hashset_format f = VIGIL_FORMAT_AUTO;
    vigil_error err;
    int fd = fuzz_file(data, size, ".bin"), rc;
    if (fd < 0)
        abort();
    rc = vg_hs_detect(&f, fd, fuzz_path, &err);
    close(fd);
    if (rc == 0 && (f == VIGIL_FORMAT_AUTO || !vg_hs_format_get(f)))
        abort();
    if (rc < 0 && !err.msg[0])
        abort();
    return 0;
}

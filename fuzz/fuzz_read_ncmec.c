/* Fuzz target: the NCMEC hash-sharing XML reader (libxml2 xmlTextReader) and detection. */
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "fuzz_exchange.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fd = fuzz_memfd(data, size);
    fuzz_counts c = {0};
    vigil_error err;
    vigil_hashset_format fmt;
    fuzz_read(VIGIL_FORMAT_NCMEC, fd, NULL, &c, &err);
    vg_hs_detect(&fmt, fd, "fuzz", &err);
    close(fd);
    return 0;
}

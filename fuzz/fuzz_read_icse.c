/*
 * Fuzz target: the INTERPOL ICSE CSV reader and detection. Records and
 * rejects must account for every data row the reader saw.
 */
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
    uint64_t lines = 0;
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n';
    /* each row starts on its own line, and the header takes one */
    if (fuzz_read(VIGIL_FORMAT_ICSE, fd, NULL, &c, &err) == 0 && c.records + c.rejects > lines)
        abort();
    vg_hs_detect(&fmt, fd, "fuzz", &err);
    close(fd);
    return 0;
}

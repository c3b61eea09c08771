/*
 * Fuzz target: the HashKeeper CSV reader, bytes through a scratch
 * file. Malformed input is expected; a crash, a sanitizer report, a record
 * without a digest or a reject without a one-line reason is not.
 */
#include <stdint.h>

#include "hs_fuzz_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_read(VIGIL_FORMAT_HASHKEEPER, data, size, ".txt", NULL);
    return 0;
}

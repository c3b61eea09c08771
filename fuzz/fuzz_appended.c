/*
 * Fuzz target: the self-extractor test (vg_archive_appended) on a file made of
 * the input, through a memory file: a zip end record searched from the end,
 * a 7z start header searched in the first MiB with its CRC.
 */
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "source/archive.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fd = memfd_create("appended", 0);
    if (fd < 0)
        return 0;
    if (write(fd, data, size) == (ssize_t)size) {
        int64_t at = vg_archive_appended(fd, size, data, size < 4096 ? size : 4096);
        if (at > (int64_t)size)
            __builtin_trap(); /* an offset past the end would send the reader outside the file */
    }
    close(fd);
    return 0;
}

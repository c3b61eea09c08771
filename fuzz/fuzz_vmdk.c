/* Fuzz target: a VMDK (libvmdk) image through the image source (fuzz_vdisk.h). */
#include "fuzz_vdisk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_vdisk(data, size, VG_FORMAT_VMDK);
}

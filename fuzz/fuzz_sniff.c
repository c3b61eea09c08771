/*
 * Fuzz target: vigil's own MIME sniffers over any head bytes. Every answer is
 * a format with a name; a container answer agrees with the format table; a
 * MIME type, when given, is a type/subtype string.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "media/sniff.h"
#include "media/sniff_formats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const vg_format *f = vg_sniff_format(data, size);
    int cont = vg_sniff_is_container(data, size);
    if (f && (!f->name || !f->name[0] || (f->mime && !strchr(f->mime, '/'))))
        abort();
    if (f && (f->flags & VG_FORMAT_CONTAINER) && !cont)
        abort();
    return 0;
}

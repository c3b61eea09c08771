/*
 * Fuzz target: vigil's own MIME sniffers over any head bytes. Every answer is
 * a format with a name; a container answer agrees with the format table; a
 * MIME type, when given, is a type/subtype string. The text classifier names
 * only what its encoding test calls text, and names it with a type/subtype.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "media/sniff.h"
#include "media/sniff_encoding.h"
#include "media/sniff_formats.h"
#include "media/sniff_json.h"
#include "media/sniff_text.h"
#include "media/sniff_text_hints.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const vg_format *f = vg_sniff_format(data, size);
    int cont = vg_sniff_is_container(data, size);
    const char *mime = NULL;
    vg_encoding enc = vg_text_encoding(data, size);
    vg_text_answer t = vg_sniff_text(data, size, &mime);
    if (f && (!f->name || !f->name[0] || (f->mime && !strchr(f->mime, '/'))))
        abort();
    if (f && (f->flags & VG_FORMAT_CONTAINER) && !cont)
        abort();
    if ((t == VG_TEXT_BINARY) != (enc == VG_ENC_BINARY))
        abort();
    if (t == VG_TEXT_NAMED && (!mime || !strchr(mime, '/')))
        abort();
    (void)vg_sniff_json(data, size);
    (void)vg_text_hints(data, size);
    return 0;
}

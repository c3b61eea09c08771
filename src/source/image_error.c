/*
 * What kind of error the image layer reported, from its message: the image
 * libraries (libewf, libvhdi, libvmdk, libqcow) and TSK say little through
 * their codes, so, as for libarchive (archive_error.c), their words decide.
 * Data that is cut short, fails its checksum or contradicts itself is
 * corrupt; a variant the library does not read is unsupported; a missing
 * part, memory and read errors of the evidence drive itself are other.
 */
#include <string.h>

#include "source/image.h"

static int says(const char *msg, const char *const *words, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcasestr(msg, words[i]))
            return 1;
    return 0;
}

vigil_error_kind vg_image_error_kind(const char *msg)
{
    static const char *const other[] = {"is missing", "out of memory", "no such file", "permission denied",
                                        "not the first segment", "input/output error"};
    static const char *const unsupported[] = {"unsupported", "not supported"};
    static const char *const corrupt[] = {"corrupt", "damaged", "truncat", "cut short", "checksum", "crc",
                                          "invalid", "mismatch", "out of bounds", "past the end", "ends early",
                                          "incomplete", "signature", "partial image"};
    if (!msg)
        return VIGIL_ERROR_OTHER;
    if (says(msg, other, sizeof other / sizeof *other))
        return VIGIL_ERROR_OTHER;
    /* libyal's word for a structure whose signature is not there (a VHD cut before its footer):
       the image was recognised by its signature elsewhere, so this one is damaged, not a variant */
    if (strcasestr(msg, "unsupported signature"))
        return VIGIL_ERROR_CORRUPT;
    if (says(msg, unsupported, sizeof unsupported / sizeof *unsupported))
        return VIGIL_ERROR_UNSUPPORTED;
    return says(msg, corrupt, sizeof corrupt / sizeof *corrupt) ? VIGIL_ERROR_CORRUPT : VIGIL_ERROR_OTHER;
}

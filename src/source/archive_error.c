/*
 * What kind of error libarchive reported (archive.h): its error numbers say
 * little (EINVAL for a damaged tar header, ARCHIVE_ERRNO_MISC for a zip's bad
 * CRC), so its messages are read too. Data it rejects as malformed is
 * corrupt; a method or variant it does not implement is unsupported; a
 * password it lacks is encrypted; read errors, memory and limits are other.
 */
#include <errno.h>
#include <string.h>

#include "source/archive.h"

static int says(const char *msg, const char *const *words, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcasestr(msg, words[i]))
            return 1;
    return 0;
}

vigil_error_kind vg_archive_error_kind(int errnum, const char *msg)
{
    static const char *const encrypted[] = {"encrypt", "passphrase", "password"};
    static const char *const unsupported[] = {"unsupported", "not supported"};
    static const char *const other[] = {"read error", "out of memory", "can't allocate", "cannot allocate",
                                        "too many filters"};
    static const char *const corrupt[] = {"damaged", "truncat", "corrupt", "invalid", "bad ", "crc", "checksum",
                                          "premature", "unexpected end", "malformed", "broken", "inconsistent",
                                          "mismatch", "overflow"};
    if (!msg)
        msg = "";
    if (says(msg, encrypted, sizeof encrypted / sizeof *encrypted))
        return VIGIL_ERROR_ENCRYPTED;
    if (says(msg, unsupported, sizeof unsupported / sizeof *unsupported))
        return VIGIL_ERROR_UNSUPPORTED;
    if (errnum == ENOMEM || errnum == EIO || says(msg, other, sizeof other / sizeof *other))
        return VIGIL_ERROR_OTHER;
    /* EILSEQ is libarchive's ARCHIVE_ERRNO_FILE_FORMAT on Linux: the bytes are not what the format wants */
    if (errnum == EILSEQ || says(msg, corrupt, sizeof corrupt / sizeof *corrupt))
        return VIGIL_ERROR_CORRUPT;
    return VIGIL_ERROR_OTHER;
}

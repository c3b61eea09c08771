/*
 * Fuzz target: the hash-list line parsers, through vigil_hashset_parse_mem,
 * once per format (auto-detection and each forced format). Malformed input is
 * expected and fine; a crash, a sanitizer report or counts that do not add up
 * are not.
 */
#include <stdint.h>
#include <stdlib.h>

#include "vigil/hashset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const vigil_hashset_format formats[] = {
    VIGIL_FORMAT_AUTO, VIGIL_FORMAT_HASHDEEP, VIGIL_FORMAT_MD5SUM,
    VIGIL_FORMAT_SHA1SUM, VIGIL_FORMAT_SHA256SUM,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        vigil_import_stats st;
        vigil_error err;
        int rc = vigil_hashset_parse_mem(&st, data, size, formats[i], &err);
        /* Parse-only: every record is either counted as added or skipped as empty. */
        if (rc == 0 && st.records != st.added + st.skipped_empty + st.duplicates)
            abort();
        /* A forced format is never reported as another one. */
        if (rc == 0 && formats[i] != VIGIL_FORMAT_AUTO && st.format != formats[i])
            abort();
    }
    return 0;
}

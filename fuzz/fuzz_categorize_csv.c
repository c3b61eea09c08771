/*
 * Fuzz target: the CSV of decisions of vigil case categorize. A parse that succeeds returns
 * one decision per non-blank, non-header line at most, each a digest of a known length, a
 * category that vigil_category_kind takes and a series of at most 63 bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/categorize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vigil_categorizations c;
    vigil_hashset_kind kind;
    vigil_error err;
    size_t lines = 1;
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n';
    if (vigil_categorize_parse(&c, (const char *)data, size, "fuzz", &err) < 0)
        return 0;
    if (c.n == 0 || c.n > lines)
        abort();
    for (size_t i = 0; i < c.n; i++) {
        size_t n = strlen(c.v[i].digest);
        if ((n != 32 && n != 40 && n != 64) || vigil_category_kind(&kind, c.v[i].category, &err) < 0 ||
            (c.v[i].series && strlen(c.v[i].series) > 63) || !c.v[i].where)
            abort();
    }
    vigil_categorizations_free(&c);
    return 0;
}

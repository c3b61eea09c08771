/*
 * Fuzz target: the hash-check request (vigil_check_answer), as `vigil serve` reads it from
 * any client. Besides not crashing: an answer lists exactly as many results as the request
 * held hashes, every one of them with the six fields; a refusal is VIGIL_EINPUT (or
 * VIGIL_ENOMEM) with a one-line message and a field that is a terminated string.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One listed PDQ hash, so that the near path runs too. */
static const vigil_pdq_matcher *matcher(void)
{
    static vigil_pdq_matcher *m;
    if (!m) {
        vigil_pdq_entry e = {.quality = 90, .kind = VIGIL_KIND_ILLEGAL, .set = "fuzz", .category = "A"};
        for (int i = 0; i < 32; i++)
            e.hash.b[i] = (uint8_t)(i * 37 + 1);
        if (vigil_pdq_matcher_from_entries(&m, &e, 1, NULL) < 0)
            abort();
    }
    return m;
}

static size_t count(const char *s, const char *what)
{
    size_t n = 0;
    for (const char *p = s; (p = strstr(p, what)); p += strlen(what))
        n++;
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vigil_check_info info;
    vigil_error err;
    char *out;
    size_t len;
    int rc = vigil_check_answer(&out, &len, NULL, matcher(), (const char *)data, size, &info, &err);
    if (rc == 0) {
        size_t n = info.hashes + info.pdq;
        if (!out || strlen(out) != len || strncmp(out, "{\"results\":[", 12) || count(out, "\"hash\":") != n ||
            count(out, "\"category\":") != n || info.known > n || n > VIGIL_CHECK_MAX)
            abort();
        free(out);
        return 0;
    }
    if ((rc != VIGIL_EINPUT && rc != VIGIL_ENOMEM) || out || !memchr(info.field, 0, sizeof info.field) ||
        !err.msg[0] || strchr(err.msg, '\n'))
        abort();
    return 0;
}

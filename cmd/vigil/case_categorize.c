/* vigil case categorize: read the decisions (one from the options, or a CSV file), record them
 * with the case and make its unit's own sets in the hash store the scan reads (--sets). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case_categorize.h"
#include "cli.h"

/* A CSV of decisions is at most this big (about 3 million lines). */
#define FROM_MAX (256u << 20)

static int read_all(char **out, size_t *len, const char *path, vigil_error *err)
{
    FILE *f = fopen(path, "rb");   /* read only: the file stays as it is */
    size_t cap = 1 << 16, n = 0, got;
    char *buf = malloc(cap);
    *out = NULL;
    if (!f || !buf) {
        free(buf);
        if (f)
            fclose(f);
        return vigil_error_set(err, f ? VIGIL_ENOMEM : VIGIL_EINPUT, "%s: %s", path,
                               f ? "out of memory" : strerror(errno));
    }
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        char *grown;
        n += got;
        if (n < cap)
            continue;
        if (cap >= FROM_MAX || !(grown = realloc(buf, cap * 2))) {
            free(buf);
            fclose(f);
            return vigil_error_set(err, VIGIL_EINPUT, "%s: over %u MiB, or out of memory", path, FROM_MAX >> 20);
        }
        buf = grown;
        cap *= 2;
    }
    if (ferror(f)) {
        free(buf);
        fclose(f);
        return vigil_error_set(err, VIGIL_EINPUT, "%s: %s", path, strerror(errno));
    }
    fclose(f);
    *out = buf;
    *len = n;
    return 0;
}

int case_categorize_run(vigil_registry *reg, const vigil_actor *who, int64_t case_id, const char *digest,
                        const char *category, const char *series, const char *from, vigil_error *err)
{
    vigil_categorization one = {digest, category, series, NULL};
    vigil_categorizations many = {0};
    vigil_categorize_result res = {0};
    vigil_store *st = NULL;
    char *text = NULL;
    size_t len = 0;
    int rc = 0;
    if (from && (rc = read_all(&text, &len, from, err)) == 0)
        rc = vigil_categorize_parse(&many, text, len, from, err);
    free(text);
    if (rc == 0 && (rc = vigil_store_upgrade(cli.sets, NULL, err)) == 0)
        rc = vigil_store_open(&st, cli.sets, err);
    if (rc == 0)
        rc = from ? vigil_case_categorize(&res, reg, st, who, case_id, many.v, many.n, err)
                  : vigil_case_categorize(&res, reg, st, who, case_id, &one, 1, err);
    if (rc == 0 || (rc == VIGIL_ESTORE && res.decisions))
        printf("%s\n", cli_text(vigil_registry_last_change(reg)));
    if (rc == 0)
        printf("own sets: %s %llu entr%s (illegal), %s %llu entr%s (interest), in %s\n", res.set_illegal,
               (unsigned long long)res.illegal, res.illegal == 1 ? "y" : "ies", res.set_interest,
               (unsigned long long)res.interest, res.interest == 1 ? "y" : "ies", cli_text(cli.sets));
    if (rc == 0 && res.replaced)
        printf("replaced: %llu per-case set%s of an older vigil, now in the unit's sets\n",
               (unsigned long long)res.replaced, res.replaced == 1 ? "" : "s");
    vigil_store_close(st);
    vigil_categorizations_free(&many);
    return rc;
}

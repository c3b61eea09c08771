/* Helpers for unit tests: temporary trees, the fixtures folder, running a group. */
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

char *tu_mkdtemp(void)
{
    const char *tmp = getenv("TMPDIR");
    char *p;
    if (asprintf(&p, "%s/vigil-unit-XXXXXX", tmp && *tmp ? tmp : "/tmp") < 0 || !mkdtemp(p))
        abort();
    return p;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    chmod(path, 0700);
    return remove(path);
}

void tu_rm_rf(const char *path)
{
    nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

char *tu_path(const char *dir, const char *name)
{
    char *p;
    if (asprintf(&p, "%s/%s", dir, name) < 0)
        abort();
    return p;
}

void tu_write(const char *dir, const char *name, const void *data, size_t n)
{
    char *p = tu_path(dir, name);
    FILE *f = fopen(p, "wb");
    if (!f || fwrite(data, 1, n, f) != n || fclose(f) != 0)
        abort();
    free(p);
}

char *tu_testdata(const char *rel)
{
    const char *dir = getenv("TESTDATA");
    return tu_path(dir && *dir ? dir : VIGIL_TESTDATA_DIR, rel);
}

static char skip_text[TU_SKIPS_MAX][2][320];
static int nskips;

static void skipped_here(void **state)
{
    if (*state)
        fail_msg("%s", (const char *)*state);
}

struct CMUnitTest tu_skip_test(const char *name, const char *reason, const char *package)
{
    const char *ci = getenv("CI");
    char(*t)[320];
    if (nskips >= TU_SKIPS_MAX)
        abort();
    t = skip_text[nskips++];
    if (package && ci && !strcmp(ci, "true")) {
        snprintf(t[0], sizeof t[0], "%s", name);
        snprintf(t[1], sizeof t[1], "%s: %s is installed by scripts/install-deps.sh, so CI=true must have it",
                 reason, package);
        return (struct CMUnitTest){t[0], skipped_here, NULL, NULL, t[1]};
    }
    snprintf(t[0], sizeof t[0], "%s # SKIP %s", name, reason);
    return (struct CMUnitTest){t[0], skipped_here, NULL, NULL, NULL};
}

int tu_run_group(const char *name, const struct CMUnitTest *tests, size_t n, CMFixtureFunction setup,
                 CMFixtureFunction teardown)
{
    const char *filter = getenv("VIGIL_TEST_FILTER");
    if (filter && *filter)
        cmocka_set_test_filter(filter);
    return _cmocka_run_group_tests(name, tests, n, setup, teardown);
}

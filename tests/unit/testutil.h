/* Shared bits for the cmocka unit tests. */
#ifndef VIGIL_TESTUTIL_H
#define VIGIL_TESTUTIL_H
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

/* A fresh empty directory under $TMPDIR; the caller removes it with rm_rf. */
char *tu_mkdtemp(void);
void tu_rm_rf(const char *path);
void tu_write(const char *dir, const char *name, const void *data, size_t n);
char *tu_path(const char *dir, const char *name);  /* caller frees */

/*
 * A path under the fixtures folder tests/data: $TESTDATA when set (meson sets it),
 * else the source tree's folder as configured, so a test binary also runs by hand.
 * Caller frees.
 */
char *tu_testdata(const char *rel);

/*
 * A test that cannot run here, reported "ok N - NAME # SKIP REASON" (cmocka's own skip() prints
 * "not ok" and no reason). package: NULL when the reason is the machine's (a CPU feature), a
 * skip everywhere; else the Debian package scripts/install-deps.sh installs that is missing,
 * and under CI=true the test fails instead, saying so. Decided when the tests are listed, in main.
 * name and reason are copied (up to TU_SKIPS_MAX per program).
 */
#define TU_SKIPS_MAX 16
struct CMUnitTest tu_skip_test(const char *name, const char *reason, const char *package);

/*
 * Runs one group of tests. VIGIL_TEST_FILTER, when set, is a cmocka pattern
 * ('*' and '?') naming the tests to run, so that one test can be run alone.
 */
int tu_run_group(const char *name, const struct CMUnitTest *tests, size_t n, CMFixtureFunction setup,
                 CMFixtureFunction teardown);
#define tu_run_tests(name, tests, setup, teardown)                                                     \
    tu_run_group((name), (tests), sizeof(tests) / sizeof((tests)[0]), (setup), (teardown))

#endif

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

#endif

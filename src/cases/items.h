/* Internal: helpers shared by the files that store and read a case's items. */
#ifndef VG_CASES_ITEMS_H
#define VG_CASES_ITEMS_H
#include <stddef.h>

/* n bytes as valid UTF-8 text: bytes that are not (and controls) written \xNN, '\' as \\;
 * a new string (free()), NULL when out of memory. */
char *vg_case_text(const char *s, size_t n);

#endif

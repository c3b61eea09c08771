/* Evidence is read-only: no output of a scan lands inside a tree it reads. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/scan.h"

int vigil_output_inside(const char *out, const char *const *paths, size_t n)
{
    char dir[PATH_MAX], real_dir[PATH_MAX], real_path[PATH_MAX];
    const char *slash = strrchr(out, '/');
    if (!strcmp(out, "-"))
        return 0;
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - out) : 1, slash ? out : ".");
    if (slash == out)
        snprintf(dir, sizeof dir, "/");
    if (!realpath(dir, real_dir))
        return 0; /* the open will fail and say why */
    for (size_t i = 0; i < n; i++) {
        size_t len;
        if (!realpath(paths[i], real_path))
            continue;
        len = strlen(real_path);
        if (!strncmp(real_dir, real_path, len) && (real_dir[len] == '\0' || real_dir[len] == '/' || len == 1))
            return 1;
    }
    return 0;
}

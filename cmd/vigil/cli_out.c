/* Output files that appear whole or not at all: written to a temporary file beside the target
 * and renamed onto it once complete, removed when the command fails. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

int cli_out_open(cli_out *o, const char *path)
{
    mode_t mask;
    int fd;
    memset(o, 0, sizeof *o);
    o->path = path;
    o->tmp[0] = '\0';
    struct stat st;
    if (!path || !strcmp(path, "-")) {
        o->f = stdout;
        return 0;
    }
    /* a device, a FIFO, /dev/stdout: written in place, never replaced */
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return (o->f = fopen(path, "w")) ? 0 : -1;
    if (snprintf(o->tmp, sizeof o->tmp, "%s.vigil-XXXXXX", path) >= (int)sizeof o->tmp) {
        o->tmp[0] = '\0';
        errno = ENAMETOOLONG;
        return -1;
    }
    if ((fd = mkstemp(o->tmp)) < 0) {
        o->tmp[0] = '\0';
        return -1;
    }
    /* mkstemp makes the file 0600: give it the mode fopen would have */
    mask = umask(0);
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) != 0 || !(o->f = fdopen(fd, "w"))) {
        int e = errno;
        close(fd);
        unlink(o->tmp);
        o->tmp[0] = '\0';
        errno = e;
        return -1;
    }
    return 0;
}

int cli_out_close(cli_out *o, int keep)
{
    int rc = 0;
    if (!o->f)
        return 0;
    errno = 0;
    if (o->f == stdout) {
        o->f = NULL;
        return keep && fflush(stdout) != 0 ? -1 : 0;
    }
    if (fclose(o->f) != 0)
        rc = -1;
    o->f = NULL;
    if (!o->tmp[0])
        return keep ? rc : 0;
    if (keep && rc == 0 && rename(o->tmp, o->path) == 0)
        return 0;
    if (keep && rc == 0)
        rc = -1;
    int e = errno;
    unlink(o->tmp);
    errno = e;
    return keep ? rc : 0;
}

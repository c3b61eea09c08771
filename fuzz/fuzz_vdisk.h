/*
 * The virtual disk fuzz targets (fuzz_vhdi.c, fuzz_vmdk.c, fuzz_qcow.c): the
 * input as an image file of one container format, opened by its library
 * through the image source, then walked and read as the scan does. The
 * libraries open files by name, so the input is written to a file alone in a
 * private folder: a parent or extent it names is looked for there and missing.
 */
#ifndef VG_FUZZ_VDISK_H
#define VG_FUZZ_VDISK_H
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "fuzz_image_walk.h"

static char fuzz_vdisk_path[4096];

static void fuzz_vdisk_cleanup(void)
{
    char *slash = strrchr(fuzz_vdisk_path, '/');
    unlink(fuzz_vdisk_path);
    if (slash) {
        *slash = '\0';
        rmdir(fuzz_vdisk_path);
    }
}

static int fuzz_vdisk(const uint8_t *data, size_t size, vg_image_format format)
{
    char *path = fuzz_vdisk_path;
    char why[256];
    vg_image *im;
    size_t done = 0;
    int fd;
    if (!path[0]) {
        const char *tmp = getenv("TMPDIR");
        char dir[4000];
        snprintf(dir, sizeof dir, "%s/vigil-fuzz-XXXXXX", tmp && *tmp ? tmp : "/tmp");
        if (!mkdtemp(dir))
            return 0;
        snprintf(path, sizeof fuzz_vdisk_path, "%s/image", dir);
        atexit(fuzz_vdisk_cleanup);
    }
    if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0)
        return 0;
    while (done < size) {
        ssize_t n = write(fd, data + done, size - done);
        if (n <= 0)
            break;
        done += (size_t)n;
    }
    close(fd);
    if (done == size && vg_image_open_as(&im, path, format, why, sizeof why) == 0)
        fuzz_walk_image(im);
    return 0;
}

#endif

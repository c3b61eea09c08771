/*
 * vigil_hashset_parse_mem: a list held in memory through its reader, counting
 * records without storing them (tests and fuzzing). It needs the format
 * table only, never the store.
 */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "formats/formats.h"

static int count_record(void *ud, const vg_hs_record *r, vigil_error *err)
{
    vigil_import_stats *s = ud;
    (void)err;
    s->records++;
    if (vg_hs_record_is_empty_file(r))
        s->skipped_empty++;
    else
        s->added++;
    return 0;
}

static int count_reject(void *ud, const char *where, const char *why, vigil_error *err)
{
    char at[128];
    (void)ud;
    vg_hs_place(at, sizeof at, "memory", where);
    return vigil_error_set(err, VIGIL_EINPUT, "%s: %s", at, why);
}

int vigil_hashset_parse_mem(vigil_import_stats *stats, const void *data, size_t n, vigil_hashset_format format,
                            vigil_error *err)
{
    vg_hs_sink sink = {count_record, count_reject, NULL, NULL, stats};
    vg_hs_read_opts ro = {"memory", format, NULL, NULL, 0};
    const vg_hs_format *fmt;
    int fd, rc = 0;
    memset(stats, 0, sizeof *stats);
    if (n == 0)
        return vigil_error_set(err, VIGIL_EINPUT, "memory: empty input");
    fd = memfd_create("vigil-parse", MFD_CLOEXEC);
    if (fd < 0)
        return vigil_error_set(err, VIGIL_ENOMEM, "memory: cannot open buffer");
    if (write(fd, data, n) != (ssize_t)n)
        rc = vigil_error_set(err, VIGIL_ENOMEM, "memory: cannot fill buffer");
    if (rc == 0 && format == VIGIL_FORMAT_AUTO)
        rc = vg_hs_detect(&format, fd, "memory", err);
    if (rc == 0 && !((fmt = vg_hs_format_get(format)) && fmt->read))
        rc = vigil_error_set(err, VIGIL_EINPUT, "memory: no reader for this format");
    if (rc == 0 && lseek(fd, 0, SEEK_SET) != 0)
        rc = vigil_error_set(err, VIGIL_EINPUT, "memory: cannot rewind");
    if (rc == 0) {
        ro.format = format;
        rc = fmt->read(fd, "memory", &ro, &sink, err);
    }
    stats->format = format;
    close(fd);
    return rc;
}

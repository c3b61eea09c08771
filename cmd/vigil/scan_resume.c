/* vigil scan --resume: the earlier JSONL in, the new one beside it, renamed at the end. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scan_resume.h"

int scan_resume_start(scan_resume *r, const char *file, const char *const *roots, size_t nroots,
                      const vigil_scan_opts *o, const vigil_hashset_info *sets, size_t nsets, int quiet, FILE **out)
{
    vigil_error err;
    mode_t mask;
    int fd;
    memset(r, 0, sizeof *r);
    *out = NULL;
    if (vigil_resume_load(&r->earlier, file, &err) < 0 ||
        vigil_resume_check(r->earlier, roots, nroots, o, sets, nsets, &err) < 0) {
        cli_error("scan: %s", err.msg);
        vigil_resume_free(r->earlier);
        r->earlier = NULL;
        return vigil_error_exit_status(err.code);
    }
    if (!(r->tmp = malloc(strlen(file) + 16))) {
        cli_error("scan: %s: out of memory", file);
        return vigil_error_exit_status(VIGIL_ENOMEM);
    }
    sprintf(r->tmp, "%s.resume-XXXXXX", file); /* the same folder: the rename cannot cross file systems */
    fd = mkstemp(r->tmp);
    mask = umask(0);
    umask(mask);
    if (fd < 0 || fchmod(fd, 0666 & ~mask) < 0 || !(*out = fdopen(fd, "w"))) {
        int e = errno;
        if (fd >= 0) {
            close(fd);
            unlink(r->tmp);
        }
        free(r->tmp);
        r->tmp = NULL;
        return cli_open_failed("scan", file, e);
    }
    if (!quiet)
        fprintf(stderr, "vigil: scan: resuming %s: %zu files already done (%zu items) are not read again\n",
                cli_text(file), vigil_resume_units(r->earlier), vigil_resume_items(r->earlier));
    return 0;
}

int scan_resume_finish(scan_resume *r, const char *file, int ok, int rc)
{
    if (r->tmp) {
        if (ok && rename(r->tmp, file) < 0) {
            rc = cli_write_failed("scan", file, errno);
            ok = 0;
        }
        if (!ok) /* FILE stays as it was: still the earlier, resumable JSONL */
            unlink(r->tmp);
    }
    free(r->tmp);
    r->tmp = NULL;
    vigil_resume_free(r->earlier);
    r->earlier = NULL;
    return rc;
}

/*
 * vigil scan --resume FILE: the earlier JSONL is read and checked, the new one
 * is written beside it under a temporary name and renamed over FILE once the
 * scan ends (interrupted or not), so FILE is always a whole, resumable JSONL.
 */
#ifndef VIGIL_CLI_SCAN_RESUME_H
#define VIGIL_CLI_SCAN_RESUME_H
#include <stdio.h>
#include "cli.h"
#include "vigil/resume.h"

typedef struct scan_resume {
    vigil_resume *earlier;
    char *tmp;          /* the new JSONL until it is renamed over the file */
} scan_resume;

/* Load and check FILE against this scan; open the temporary JSONL into *out. An exit status
 * (the error said) or 0. */
int scan_resume_start(scan_resume *r, const char *file, const char *const *roots, size_t nroots,
                      const vigil_scan_opts *o, const vigil_hashset_info *sets, size_t nsets, int quiet, FILE **out);
/* Put the new JSONL (already closed) in FILE's place when ok, else remove it; frees r. An exit
 * status: rc, or that of a failed rename. */
int scan_resume_finish(scan_resume *r, const char *file, int ok, int rc);

#endif

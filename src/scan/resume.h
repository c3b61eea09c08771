/*
 * The pipeline's side of resuming (vigil/resume.h): the stored results of a
 * file on disk that the earlier scan finished, each carrying its JSONL line.
 */
#ifndef VG_SCAN_RESUME_H
#define VG_SCAN_RESUME_H
#include <sys/stat.h>
#include <yajl/yajl_tree.h>
#include "scan/result.h"
#include "vigil/resume.h"

/* The results of the finished unit at path whose size and times are those of st, in their
 * order (linked by next); NULL when it is unknown, changed, or cannot be rebuilt. */
vg_result *vg_resume_lookup(const vigil_resume *r, const char *path, size_t len, const struct stat *st);

/* One stored JSONL line (NUL-terminated, without its newline) as a result; NULL if it is not
 * an item line or memory runs out. */
vg_result *vg_resume_result(const char *line, size_t len);

/* Turn lone surrogates U+DC80..U+DCFF (as the JSON decoder writes them in UTF-8) back into
 * the bytes they stand for, in place; the new length. */
size_t vg_resume_unescape(char *s, size_t len);

/* The summary's inner object of the loaded JSONL, and the file's name, for the checks. */
yajl_val vg_resume_summary(const vigil_resume *r);
const char *vg_resume_file(const vigil_resume *r);

#endif

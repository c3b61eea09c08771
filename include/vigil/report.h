/*
 * Output formats of a scan: JSONL (the interface contract), CSV, and a
 * self-contained HTML report for the case file. Writers are used from the
 * scan's sink thread only.
 */
#ifndef VIGIL_REPORT_H
#define VIGIL_REPORT_H
#include <stdio.h>
#include "vigil/hashset.h"
#include "vigil/item.h"
#include "vigil/scan.h"

/* The container chain as one string: "outer.zip!/inner.zip" (NULL when on disk). Caller frees. */
char *vigil_container_string(const vigil_item *it);

/* A file system time as ISO 8601 UTC ("2026-01-02T03:04:05Z", nanoseconds when set); -1 when unset. */
int vigil_fs_time_iso(char *out, size_t cap, const vigil_fs_time *t);

/* One JSON object and a newline per item; 0 or -1 on a write error. */
int vigil_jsonl_item(FILE *f, const vigil_item *it);
/* The closing {"summary": {...}} line. */
int vigil_jsonl_summary(FILE *f, const vigil_scan_stats *s);
/* The summary with "sets": the sets matched against and their provenance (version, release, sources,
 * entries and pdq_entries...); "sets":[] when there were none (sets may then be NULL). */
int vigil_jsonl_summary_sets(FILE *f, const vigil_scan_stats *s, const vigil_hashset_info *sets, size_t nsets);
/* The same with "scan": the roots and options that a resume checks (vigil_scan_params_json). */
int vigil_jsonl_summary_scan(FILE *f, const vigil_scan_stats *s, const vigil_hashset_info *sets, size_t nsets,
                             const char *scan_json);
/* What made a scan's output and when: its "run" in the summary, "vigil" and "libraries" from
 * vigil_version and vigil_library_versions. */
typedef struct vigil_run_info {
    const char *command;                  /* the command line as given */
    const char *started_at, *ended_at;    /* ISO 8601 UTC */
} vigil_run_info;
/* The same with "run": vigil's and the libraries' versions, the command line, start and end. */
int vigil_jsonl_summary_run(FILE *f, const vigil_scan_stats *s, const vigil_hashset_info *sets, size_t nsets,
                            const char *scan_json, const vigil_run_info *run);

int vigil_csv_header(FILE *f);
int vigil_csv_item(FILE *f, const vigil_item *it);

typedef struct vigil_html vigil_html;

typedef struct vigil_report_params {
    const char *version;
    const char *started_at, *ended_at;    /* ISO 8601 UTC */
    const char *const *paths;
    size_t npaths;
    unsigned jobs;
    const vigil_hashset_info *sets;       /* the sets matched against, with provenance */
    size_t nsets;
    const char *command;                  /* the command line, for the record */
    const char *case_ref, *exhibit, *examiner; /* for the case file; NULL when not given */
    int thumbnails;                       /* pictures shown: 0 none, 1 unknown and near only, 2 all */
} vigil_report_params;

/* The page says at its top whether the scan was complete (stats->interrupted). Thumbnails
 * (vigil_item.thumb) are kept aside while items stream and embedded at the end only as
 * params->thumbnails allows for each item's verdict. */
/* Start a report at path; items are streamed to temporary files, memory stays small. The page
 * itself is written beside path under a temporary name and renamed onto path by finish.
 * VIGIL_ESTORE when path or a temporary file cannot be created (an output that cannot be
 * written), VIGIL_ENOMEM. */
int vigil_html_open(vigil_html **out, const char *path, vigil_error *err);
/* 0 or -1 on a write error (no vigil_code), like the JSONL and CSV writers above. */
int vigil_html_item(vigil_html *h, const vigil_item *it);
/* Write the page and close it; h is freed whatever the result. VIGIL_ESTORE "path: cannot write
 * the output: why". */
int vigil_html_finish(vigil_html *h, const vigil_report_params *p, const vigil_scan_stats *s, vigil_error *err);
/* Discard an unfinished report: its temporary file is removed, path is left as it was. */
void vigil_html_abort(vigil_html *h);

#endif

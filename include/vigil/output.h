/*
 * JSON and CSV of library objects (cases, units, statistics, hash sets,
 * disputes), byte for byte what the CLI prints, for any front end. Each call
 * writes one whole document to f (JSON ends with a newline). Strings go
 * through the one JSON escaper and the one CSV quoter of the library.
 * Returns 0, or VIGIL_ESTORE "cannot write the output: why" when f refuses the
 * bytes (a buffered stream may only say so at fflush/fclose).
 */
#ifndef VIGIL_OUTPUT_H
#define VIGIL_OUTPUT_H
#include <stddef.h>
#include <stdio.h>
#include "vigil/audit.h"
#include "vigil/cases.h"
#include "vigil/error.h"
#include "vigil/hashset.h"

/* One case with its priority factors and referrals: {"id":..,"referrals":[..]}. */
int vigil_case_write_json(FILE *f, const vigil_case *c, vigil_error *err);
/* A case list: [{"id":..,"pending_to":..,"overdue":..},..]. */
int vigil_case_rows_write_json(FILE *f, const vigil_case_row *v, size_t n, vigil_error *err);
/* Audit events: [{"seq":..,"at":..,"event_at":..,"who":..,"action":..,"object":..,"detail":..},..]. */
int vigil_audit_events_write_json(FILE *f, const vigil_audit_event *v, size_t n, vigil_error *err);
/* Units: [{"code":..,"name":..,"type":..,"country":..},..]. */
int vigil_units_write_json(FILE *f, const vigil_unit *v, size_t n, vigil_error *err);
/* Users as a JSON array of {name, unit, role, os_user} (null for none), or as CSV with a header. */
int vigil_users_write_json(FILE *f, const vigil_user_row *v, size_t n, vigil_error *err);
int vigil_users_write_csv(FILE *f, const vigil_user_row *v, size_t n, vigil_error *err);
/* Statistics: {"rows":[..],"total":{..}}. */
int vigil_stats_write_json(FILE *f, const vigil_stats *s, vigil_error *err);
/* Statistics as CSV: a header line, one line per row, then the total (LF line ends). */
int vigil_stats_write_csv(FILE *f, const vigil_stats *s, vigil_error *err);
/* The current sets, each with all its versions taken from `versions` (vigil_hashset_versions):
 * [{"name":..,"versions":[{"current":..},..]},..]. */
int vigil_hashset_infos_write_json(FILE *f, const vigil_hashset_info *sets, size_t n,
                                   const vigil_hashset_info *versions, size_t nversions, vigil_error *err);
/* Disputes as CSV for the list's owner (RFC 4180, CRLF line ends), lifted ones included. */
int vigil_disputes_write_csv(FILE *f, const vigil_dispute *v, size_t n, vigil_error *err);
/* One problem of vigil_hashset_check as a JSON object, preceded by a comma unless index is 0,
 * for a caller that streams them into an array. */
int vigil_hygiene_problem_write_json(FILE *f, size_t index, const char *problem, const char *set,
                                     const char *digest_hex, const char *detail, vigil_error *err);
/* One JSON string (null for NULL), for a front end that builds a small document of its own (an
 * error body, an access log line). */
int vigil_json_string_write(FILE *f, const char *s, vigil_error *err);

#endif

/*
 * The date rules of case events, one function for the online verbs (case.c) and the importer
 * (import.c): an event is dated no earlier than the case's previous event (by day: the day is
 * what the statistics count) and no later than VG_DATE_AHEAD_DAYS after today, which leaves
 * room for a unit whose day starts before the server's and refuses a year typed wrongly.
 */
#include <stdio.h>

#include "cases/reg.h"

int vg_event_date_check(int64_t t, int64_t prev, int64_t now, char *why, size_t cap)
{
    char td[12], pd[12];
    vigil_date_format(td, sizeof td, t, 0);
    if (prev && t / 86400 < prev / 86400) {
        vigil_date_format(pd, sizeof pd, prev, 0);
        snprintf(why, cap, "date %s is before the case's previous event (%s)", td, pd);
        return -1;
    }
    if (t / 86400 > now / 86400 + VG_DATE_AHEAD_DAYS) {
        vigil_date_format(pd, sizeof pd, now, 0);
        snprintf(why, cap, "date %s is in the future (today is %s)", td, pd);
        return -1;
    }
    return 0;
}

int vg_case_date_check(vigil_registry *reg, int64_t case_id, int64_t t, vigil_error *err)
{
    vg_rows r;
    char ids[24], why[128];
    const char *p[1] = {ids};
    int64_t prev = 0;
    int rc;
    snprintf(ids, sizeof ids, "%lld", (long long)case_id);
    if (case_id) {
        if ((rc = vg_db_query(reg->db, &r, "SELECT updated_at FROM cases WHERE id = ?", p, 1, err)) < 0)
            return rc;
        if (r.nrows && vg_cell(&r, 0, 0) && vg_date_parse(&prev, vg_cell(&r, 0, 0), NULL) < 0)
            prev = 0;
        vg_rows_free(&r);
    }
    if (vg_event_date_check(t, prev, vg_clock_now(&reg->clock), why, sizeof why) < 0)
        return case_id ? vigil_error_set(err, VIGIL_EINPUT, "case %lld: %s", (long long)case_id, why)
                       : vigil_error_set(err, VIGIL_EINPUT, "case: %s", why);
    return 0;
}

/*
 * Series: the pictures of one victim, as the hash sets name them (a match's series). Items of a
 * case that match an entry of a series tie the case to it (vigil/case_items.h). Whether the
 * victim is identified is recorded per series (vigil series set); a series not recorded takes
 * what the hash sets its items matched say (VICS VictimIdentified), else counts as unidentified,
 * the highest-priority signal there is. A user who does not see every case sees
 * the series of the cases they may see, and of the other cases holding them only who holds them
 * (as links do). Codes as in vigil/cases.h.
 */
#ifndef VIGIL_SERIES_H
#define VIGIL_SERIES_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "vigil/cases.h"
#include "vigil/links.h"

typedef struct vigil_series_case {
    vigil_link_case c;        /* id 0 and no type when hidden from the user */
    int64_t items;            /* the case's items of the series; 0 when hidden */
} vigil_series_case;

typedef struct vigil_series {
    char name[64];
    int identified;           /* the victim is identified */
    char victim_by[64], victim_at[24]; /* who recorded it and when; "" when never recorded */
    char victim_set[64];      /* not recorded: the hash set whose entries say the victim is identified
                               * (VICS VictimIdentified); "" when none does */
    size_t nunits;
    char units[256];          /* unit codes, comma-separated (cut when long) */
    int64_t items;            /* items of the cases the user sees */
    vigil_series_case *cases;
    size_t ncases;
} vigil_series;

/* Every series held by a case the user may see (name NULL), or one series: VIGIL_ENOTFOUND when
 * no case the user sees holds it; VIGIL_EDENIED for analysts. Each read is audited: series.read
 * on series:NAME (or "series" for the list), and one on each hidden case it names, so that the
 * unit holding that case sees who looked. */
int vigil_series_list(vigil_series **out, size_t *n, vigil_registry *reg, const vigil_actor *who,
                      const char *name, vigil_error *err);
void vigil_series_list_free(vigil_series *v, size_t n);
/* Record whether the victim of a series is identified (admins and national officers); audited
 * as series.victim. VIGIL_EINPUT for an empty or overlong name. */
int vigil_series_set_victim(vigil_registry *reg, const vigil_actor *who, const char *name, int identified,
                            vigil_error *err);

/* The series as JSON, the CLI's bytes (vigil series list|show --format json): with one, the first
 * as one object, else an array of them:
 * {"name":..,"victim":"identified"|"unidentified","victim_by":..|null,"victim_at":..|null,
 *  "cases":N,"units":N,"unit_codes":"R01,R02","items":N,
 *  "holders":[{"case":N|null,"unit":..,"contact":..,"ref":..|null,"visible":bool,"items":N|null},..]}
 * A hidden case has no id and no item count: only who holds it. */
int vigil_series_write_json(FILE *f, const vigil_series *v, size_t n, int one, vigil_error *err);

#endif

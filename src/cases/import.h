/* Internal: the CSV importer's state (import.c), shared with the comparison of cases already
 * stored (import_match.c). */
#ifndef VG_CASES_IMPORT_H
#define VG_CASES_IMPORT_H
#include "cases/reg.h"

enum { ST_REGISTERED, ST_REFERRED, ST_ACCEPTED, ST_INVESTIGATING, ST_PROSECUTOR, ST_CLOSED };
extern const char *const vg_imp_status[6];   /* the names of the ST_ values */

typedef struct imp_case {
    char *ref, *type, *title, *outcome;
    int64_t id, reg_unit, owner, reg_t, upd_t;
    int status, self, nsusp;
    char **susp;
    int64_t last_ref;     /* index into refs, -1 if none */
    uint64_t line, status_line, susp_line;  /* where its case, last status and first suspect records are */
    int stored;           /* already in the registry, the same (id is the stored one) */
} imp_case;

typedef struct imp_ref {
    size_t c;
    int64_t from, to, sent_t, due_day, ans_t;
    int foreign;
    const char *state;
    const char *reason;
    char *note;
    uint64_t line, ans_line;
} imp_ref;

/* One step of a case's history (vg_case_event), written with the case. */
typedef struct imp_event {
    size_t c;
    int64_t t;
    const char *event;
    char *detail;
} imp_event;

typedef struct importer {
    vigil_registry *reg;
    vigil_unit *units;
    size_t nunits;
    imp_case *cases;
    size_t ncases, ccases;
    imp_ref *refs;
    size_t nrefs, crefs;
    imp_event *events;
    size_t nevents, cevents;
    size_t *slots;          /* hash of ref -> case index + 1 */
    size_t nslots;
    const char *path;
    uint64_t line, answers;
} importer;

#define BAD(...) vigil_error_set(err, VIGIL_EINPUT, __VA_ARGS__)

/* The case of reference ref in the file, or NULL. */
imp_case *vg_imp_find_case(importer *im, const char *ref);
/* The code of unit id ("?" if unknown). */
const char *vg_imp_unit_code(const importer *im, int64_t id);
/* Mark the cases whose unit already has their reference as stored (with the stored id) when
 * they are the same, counting them in *unchanged; VIGIL_EINPUT naming the first line that
 * differs otherwise. */
int vg_imp_match_stored(importer *im, uint64_t *unchanged, vigil_error *err);

#endif

/*
 * Categorizing the items of a case (docs/links.md, "Categorizing"): an investigator records a
 * category (and a series) for files of a case; the decisions are kept with the case and audited,
 * and the categorized items of all the cases a unit owns form the unit's own hash sets in the
 * store a scan reads, "unit:CODE" (kind illegal) and "unit:CODE:interest" (kind interest), each
 * entry's provenance its case ("case N"), so that the next scan anywhere finds them known and
 * `vigil hashset export` shares them. Codes as in vigil/cases.h.
 */
#ifndef VIGIL_CATEGORIZE_H
#define VIGIL_CATEGORIZE_H
#include <stddef.h>
#include <stdint.h>
#include "vigil/cases.h"
#include "vigil/hashset.h"

/* One decision; strings are lent for the call. */
typedef struct vigil_categorization {
    const char *digest;       /* MD5, SHA-1 or SHA-256 of an item of the case, hex in any case */
    const char *category;     /* vigil_category_kind names the ones taken */
    const char *series;       /* NULL or "": none */
    const char *where;        /* "FILE: line N" for messages; NULL: the digest names it */
} vigil_categorization;

/* The kind of set a category puts an item in: illegal for Project VIC 1 (child abuse material)
 * and the UK grades A, B and C; interest for Project VIC 2, 3 and 4 (exploitive, animated,
 * comparison). VIGIL_EINPUT naming the ones taken for any other word (0, non-pertinent, has no
 * place in a set of known material). */
int vigil_category_kind(vigil_hashset_kind *out, const char *category, vigil_error *err);

/* Decisions read from CSV text (a file's bytes): lines "digest,category[,series]", an optional
 * header line naming those columns, blank lines skipped. All or nothing: VIGIL_EINPUT
 * "label: line N: why" for the first bad line (a digest that is not hex of an MD5, SHA-1 or
 * SHA-256, an unknown category, a series over 63 bytes or with a control, a fourth column), and
 * nothing is returned. On success *out (*n of them; free with vigil_categorizations_free) owns
 * its strings. */
typedef struct vigil_categorizations {
    vigil_categorization *v;
    size_t n;
    char *text;               /* the strings the decisions point into */
    char (*where)[256];            /* "label: line N" of each */
} vigil_categorizations;
int vigil_categorize_parse(vigil_categorizations *out, const char *data, size_t len, const char *label,
                           vigil_error *err);
void vigil_categorizations_free(vigil_categorizations *c);

typedef struct vigil_categorize_result {
    uint64_t decisions;       /* decisions recorded by this call */
    uint64_t illegal, interest; /* entries of the unit's own sets afterwards */
    char set_illegal[48], set_interest[48]; /* their names */
    uint64_t replaced;        /* per-case sets of an older vigil removed, now in the unit's sets */
} vigil_categorize_result;

/*
 * Record the decisions on items of case case_id, all or nothing, in one transaction with one
 * audit event each (case.categorize on case:N): each item's category and series become its
 * match (verdict illegal or interest, set "unit:CODE" of the case's owner unit), and the case's
 * links are brought up to date. Then the unit's own sets in st are made again, as a new version,
 * from all the decisions on the unit's cases (an empty one is removed), recorded in the store's
 * history as by who, each entry with its case as its record source ("case N", the first case
 * when several hold it) and the cases listed as the set's sources; the sets "case-N" and
 * "case-N-interest" an older vigil wrote for those cases are removed. A failure there is
 * VIGIL_ESTORE and leaves the decisions recorded (a later call makes the sets again).
 * VIGIL_EDENIED (audited as case.categorize.refused) when who may not change the case;
 * VIGIL_EINPUT for a bad decision or a digest that is no item of the case (where it is named);
 * VIGIL_ENOTFOUND for an unknown case (users who see every case).
 */
int vigil_case_categorize(vigil_categorize_result *res, vigil_registry *reg, vigil_store *st, const vigil_actor *who,
                          int64_t case_id, const vigil_categorization *v, size_t n, vigil_error *err);

#endif

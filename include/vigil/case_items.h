/*
 * The items of a case and the links between cases (docs/links.md). A scan stored with a case
 * (vigil scan --store) or a scan JSONL attached to it (vigil case attach) puts every item into
 * the registry: one row per distinct file with every place it was seen. Cases that share items
 * are linked; the links of a case are brought up to date, in the same transaction, whenever its
 * items change, and networks are the connected groups of linked cases. Codes as in
 * vigil/cases.h: every function may also return VIGIL_ESTORE and VIGIL_ENOMEM, and a case
 * hidden from who gets the same VIGIL_EDENIED as an id that does not exist.
 */
#ifndef VIGIL_CASE_ITEMS_H
#define VIGIL_CASE_ITEMS_H
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include "vigil/cases.h"
#include "vigil/item.h"

/* One item as the registry keeps it; strings are lent for the call. */
typedef struct vigil_case_item {
    const char *md5, *sha1, *sha256;  /* lower-case hex; NULL when missing */
    const char *pdq;                  /* hex of the plain PDQ hash; NULL when none */
    int pdq_quality;                  /* 0..100; ignored without pdq */
    const char *pdq_dihedral;         /* hex of the seven other orientations (448 digits, in
                                       * vigil_pdq_dihedral order); NULL when not known */
    uint64_t size;
    const char *verdict;              /* illegal benign interest near unknown error */
    const char *set, *category, *series; /* the winning match; NULL when none */
    int victim_identified;            /* the match's list says the series' victim is identified */
    const char *mime;                 /* NULL when not known */
    const char *container;            /* "" on disk, else the containers joined by "!/" */
    const char *path;                 /* valid UTF-8: other bytes are written \xNN, '\' as \\ */
    int allocated, carved;            /* 1/0; allocated is 1 outside disk images */
} vigil_case_item;

/* Room for the strings vigil_case_item_of makes. */
typedef struct vigil_case_item_text {
    char md5[33], sha1[41], sha256[65], pdq[65];
    char pdq_dihedral[64 * (VIGIL_PDQ__DIHEDRAL - 1) + 1];
    char *path, *container;           /* owned: vigil_case_item_text_free */
} vigil_case_item_text;

/* A scan item as a case item (strings in text and lent from it); -1 when out of memory. */
int vigil_case_item_of(vigil_case_item *out, vigil_case_item_text *text, const vigil_item *it);
void vigil_case_item_text_free(vigil_case_item_text *text);

typedef struct vigil_case_store_result {
    uint64_t items;       /* items handed in */
    uint64_t new_items;   /* distinct files the case did not hold before */
    uint64_t links;       /* cases linked to this one afterwards */
} vigil_case_store_result;

/* Storing one scan's items with a case, all in one transaction: nothing of it is stored unless
 * vigil_case_store_commit succeeds. A handle holds the registry's write transaction until then.
 * begin: VIGIL_EDENIED when who may not change the case (its owner unit, admins and national
 * officers may), VIGIL_ENOTFOUND for an unknown case (users who see every case). source names
 * the scan in the audit event ("scan", a file name). */
typedef struct vigil_case_store vigil_case_store;
int vigil_case_store_begin(vigil_case_store **out, vigil_registry *reg, const vigil_actor *who, int64_t case_id,
                           const char *source, vigil_error *err);
/* VIGIL_EINPUT for an item without a verdict or path. */
int vigil_case_store_add(vigil_case_store *s, const vigil_case_item *it, vigil_error *err);
/* Write the rest, update the case's links, audit and commit; s is freed whatever happens. */
int vigil_case_store_commit(vigil_case_store *s, vigil_case_store_result *res, vigil_error *err);
/* Roll back and free (NULL: nothing). */
void vigil_case_store_abort(vigil_case_store *s);

/* Attach the items of a scan JSONL written elsewhere (vigil scan --jsonl) to a case, all or
 * nothing. Attaching the same file again changes nothing. VIGIL_EINPUT "path: line N: why" for
 * a line that is not a scan item, a file without its closing summary (truncated) or whose
 * summary's counts differ from its items; codes of vigil_case_store_begin. */
int vigil_case_attach(vigil_case_store_result *res, vigil_registry *reg, const vigil_actor *who, int64_t case_id,
                      const char *path, vigil_error *err);

/* One item of a case, as listed (first place seen, and how many places). */
typedef struct vigil_case_item_row {
    char key[72];
    char md5[33], sha1[41], sha256[65], pdq[65];
    int pdq_quality;                  /* -1 when no PDQ */
    uint64_t size;
    char verdict[12];
    char set[64], category[32], series[64];
    char *path, *container;           /* the first place (by container and path) */
    uint64_t places;
} vigil_case_item_row;

typedef struct vigil_case_item_list {
    vigil_case_item_row *rows;
    size_t n;
} vigil_case_item_list;

/* The items of a case by key (an audited read), optionally only one verdict (NULL: all).
 * VIGIL_EINPUT for an unknown verdict name. */
int vigil_case_items(vigil_case_item_list *out, vigil_registry *reg, const vigil_actor *who, int64_t case_id,
                     const char *verdict, vigil_error *err);
void vigil_case_item_list_free(vigil_case_item_list *l);

/* The list as JSON (an array of objects, null for none) or CSV with a header; codes as in
 * vigil/output.h. */
int vigil_case_items_write_json(FILE *f, const vigil_case_item_list *l, vigil_error *err);
int vigil_case_items_write_csv(FILE *f, const vigil_case_item_list *l, vigil_error *err);

#endif

/* Internal: how the links between cases are kept (docs/links.md), shared by the SQLite path
 * (links.c) and the PostgreSQL function that runs the same SQL past row-level security
 * (access.c). In the SQL, $1 is the case whose items changed and $2 the time of the change. */
#ifndef VG_CASES_LINKS_H
#define VG_CASES_LINKS_H
#include "cases/reg.h"

/* What the index case_items_key holds of a key (schema 8): its first 8 characters, 32 bits of a
 * digest. Files are found by it and then compared whole: among 10,000,000 keys a lookup meets
 * another key of the same prefix about once in 400. The text must match the index's exactly. */
#define VG_ITEM_KEY_PREFIX(COL) "substr(" #COL ", 1, 8)"

#define VG_LINKS_DELETE_SQL "DELETE FROM case_links WHERE a = $1 OR b = $1"
/* Every case sharing a file with $1, and what they share. A shared file counts as illegal when
 * either side matched a known-illegal set, else interest when either side is of interest or near
 * one, else unknown; known-benign files, error items, items known only by place and the empty
 * file never link. */
#define VG_LINKS_INSERT_SQL                                                                                  \
    "INSERT INTO case_links(a, b, exact, illegal, interest, unknown, near, updated_at)"                     \
    " SELECT CASE WHEN o.case_id < $1 THEN o.case_id ELSE $1 END,"                                          \
    "  CASE WHEN o.case_id < $1 THEN $1 ELSE o.case_id END, count(*),"                                     \
    "  sum(CASE WHEN i.verdict = 'illegal' OR o.verdict = 'illegal' THEN 1 ELSE 0 END),"                    \
    "  sum(CASE WHEN i.verdict = 'illegal' OR o.verdict = 'illegal' THEN 0"                                 \
    "    WHEN i.verdict IN ('interest', 'near') OR o.verdict IN ('interest', 'near') THEN 1 ELSE 0 END),"  \
    "  sum(CASE WHEN i.verdict = 'unknown' AND o.verdict = 'unknown' THEN 1 ELSE 0 END), 0, $2"             \
    " FROM case_items i JOIN case_items o ON " VG_ITEM_KEY_PREFIX(o.key) " = " VG_ITEM_KEY_PREFIX(i.key)    \
    "  AND o.key = i.key AND o.case_id <> i.case_id"                                                        \
    " WHERE i.case_id = $1 AND i.size > 0 AND i.key NOT LIKE '@%'"                                          \
    "  AND i.verdict NOT IN ('benign', 'error') AND o.verdict NOT IN ('benign', 'error')"                   \
    " GROUP BY o.case_id"

/* Pictures that may link by PDQ (case_items columns): a hash of quality 50 or more, a file that is
 * not empty, known by its digests, neither known-benign nor an error. */
#define VG_PDQ_LINKABLE                                                                                     \
    "pdq IS NOT NULL AND pdq_quality >= 50 AND size > 0 AND key NOT LIKE '@%'"                             \
    " AND verdict NOT IN ('benign', 'error')"
/* case_pdq of case $1 written again from its items: hashes is the plain hash, then the seven other
 * orientations when the scan gave them (64 hex digits each). */
#define VG_PDQ_DELETE_SQL "DELETE FROM case_pdq WHERE case_id = $1"
#define VG_PDQ_INSERT_SQL                                                                                   \
    "INSERT INTO case_pdq(case_id, key, hashes) SELECT case_id, key, pdq || COALESCE(pdq_dihedral, '')"   \
    " FROM case_items WHERE case_id = $1 AND " VG_PDQ_LINKABLE

/* Near pairs found for case $1 at time $2 added to its links: PAIRS yields (key, id), the key of
 * one of its pictures and the case_pdq id of another case's picture near it; CHECK is more of the
 * WHERE clause over the two pictures' hashes (ip.hashes, o.hashes). Each distinct pair of
 * different files counts once as near and once in the class of its verdicts (as exact files do). */
#define VG_LINKS_NEAR_SQL(PAIRS, CHECK)                                                                     \
    "INSERT INTO case_links(a, b, exact, illegal, interest, unknown, near, updated_at)"                     \
    " SELECT CASE WHEN o.case_id < $1 THEN o.case_id ELSE $1 END,"                                          \
    "  CASE WHEN o.case_id < $1 THEN $1 ELSE o.case_id END, 0,"                                            \
    "  sum(CASE WHEN i.verdict = 'illegal' OR oi.verdict = 'illegal' THEN 1 ELSE 0 END),"                   \
    "  sum(CASE WHEN i.verdict = 'illegal' OR oi.verdict = 'illegal' THEN 0"                                \
    "    WHEN i.verdict IN ('interest', 'near') OR oi.verdict IN ('interest', 'near') THEN 1 ELSE 0 END)," \
    "  sum(CASE WHEN i.verdict = 'unknown' AND oi.verdict = 'unknown' THEN 1 ELSE 0 END), count(*), $2"     \
    " FROM (SELECT DISTINCT key, id FROM " PAIRS ") p JOIN case_items i ON i.case_id = $1 AND i.key = p.key" \
    " JOIN case_pdq ip ON ip.case_id = $1 AND ip.key = p.key"                                               \
    " JOIN case_pdq o ON o.id = p.id JOIN case_items oi ON oi.case_id = o.case_id AND oi.key = o.key"      \
    " WHERE o.case_id <> $1 AND o.key <> i.key" CHECK " GROUP BY o.case_id"                                 \
    " ON CONFLICT(a, b) DO UPDATE SET near = excluded.near, illegal = case_links.illegal + excluded.illegal," \
    "  interest = case_links.interest + excluded.interest, unknown = case_links.unknown + excluded.unknown"
/* The pairs as a JSON array of [key, id] in $3. */
#define VG_NEAR_PAIRS_SQLITE "(SELECT json_extract(value, '$[0]') AS key, json_extract(value, '$[1]') AS id FROM json_each($3)) j"
#define VG_NEAR_PAIRS_PG "(SELECT e->>0 AS key, CAST(e->>1 AS bigint) AS id FROM json_array_elements(CAST($3 AS json)) e) j"
/* PostgreSQL checks each pair it is handed against the rule (vigil_pdq_near, access.c): a session
 * cannot make up a near link to a picture it was not near. */
#define VG_NEAR_CHECK_PG " AND vigil_pdq_near(ip.hashes, o.hashes)"

/* A link and both its ends. Columns: a, b, counts (5), updated, then per end: id, unit code,
 * unit name, reference, type, registration day. */
#define VG_LINKS_COLS                                                                                       \
    "l.a, l.b, l.exact, l.illegal, l.interest, l.unknown, l.near, l.updated_at,"                          \
    " l.a, ua.code, ua.name, ca.ref, ca.type, substr(ca.registered_at, 1, 10),"                           \
    " l.b, ub.code, ub.name, cb.ref, cb.type, substr(cb.registered_at, 1, 10)"
#define VG_LINKS_FROM                                                                                       \
    " FROM case_links l JOIN cases ca ON ca.id = l.a JOIN units ua ON ua.id = ca.owner_unit"              \
    " JOIN cases cb ON cb.id = l.b JOIN units ub ON ub.id = cb.owner_unit"

/* The cases holding each series, with their owner unit, reference and items of it. */
#define VG_SERIES_COLS "i.series, i.case_id, u.code, u.name, c.ref, substr(c.registered_at, 1, 10), count(*)"
#define VG_SERIES_FROM                                                                                    \
    " FROM case_items i JOIN cases c ON c.id = i.case_id JOIN units u ON u.id = c.owner_unit"             \
    " WHERE i.series IS NOT NULL"
#define VG_SERIES_GROUP " GROUP BY i.series, i.case_id, u.code, u.name, c.ref, c.registered_at"

/* What a case's material says for its priority: unknown files of its own (not empty), cases
 * linked to it, and unknown files it shares with them (counted per link). */
typedef struct vg_case_material {
    int64_t unknown_items, linked_cases, shared_unknown;
    int64_t series_unidentified;   /* series among its items whose victim is not identified */
} vg_case_material;
int vg_case_material_get(vg_case_material *out, vigil_registry *reg, int64_t case_id, vigil_error *err);

/* Add a unit code to a comma-separated list (cap bytes; cut when long) unless listed; *n counts them. */
void vg_units_add(char *units, size_t cap, size_t *n, const char *code);

/* Recompute the links of case_id from its items, exact and near, inside the caller's transaction
 * (now: ISO time). */
int vg_links_update(vigil_registry *reg, int64_t case_id, const char *now, vigil_error *err);
/* The near part (links_near.c): case_pdq of case_id written again, its pictures searched against
 * every other case's, the pairs added to its links (after its exact links are written). */
int vg_links_near_update(vigil_registry *reg, int64_t case_id, const char *now, vigil_error *err);

#endif

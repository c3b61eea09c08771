/*
 * Links between cases and the networks they form (docs/links.md). Two cases are linked when
 * they hold the same file or near pictures (vigil/case_items.h); a network is a connected group
 * of linked cases. A user who does not see every case sees the links of the cases they may see,
 * and of the case at the other end only its unit and the unit's reference ("also held by"); each
 * such read is audited on the other case. Codes as in vigil/cases.h.
 */
#ifndef VIGIL_LINKS_H
#define VIGIL_LINKS_H
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include "vigil/cases.h"

/* One end of a link. */
typedef struct vigil_link_case {
    int64_t id;               /* 0 when hidden from the user */
    int visible;              /* the user may see this case */
    char unit[32];            /* the owner unit's code */
    char contact[128];        /* the owner unit's name: whom to ask */
    char ref[48];             /* the unit's reference, "" when none */
    char type[16];            /* offence type, "" when hidden */
    char registered[12];
} vigil_link_case;

typedef struct vigil_link {
    vigil_link_case a, b;
    int64_t exact;            /* files both cases hold */
    int64_t illegal, interest, unknown; /* of those and the near pairs: known illegal, of interest or near, unknown */
    int64_t near;             /* pairs of near pictures (PDQ within 31, any orientation), not the same file */
    char updated[24];         /* when the link was last computed */
    int64_t network;          /* the network it belongs to */
} vigil_link;

typedef struct vigil_network {
    int64_t id;               /* the smallest id of a case in it the user sees */
    size_t ncases, nlinks, nunits;
    char units[256];          /* unit codes, comma-separated (cut when long) */
    char first[12], last[24]; /* earliest registration of its cases; latest link change */
} vigil_network;

typedef struct vigil_link_view {
    vigil_link *links;
    size_t nlinks;
    vigil_network *networks;
    size_t nnetworks;
} vigil_link_view;

/* The links and networks who may see: all (case_id and network 0), those of one case, or one
 * network. VIGIL_EDENIED for analysts and for a case hidden from who (as vigil_case_get);
 * VIGIL_ENOTFOUND for a network that does not exist (or that who sees nothing of). */
int vigil_links_get(vigil_link_view *out, vigil_registry *reg, const vigil_actor *who, int64_t case_id,
                    int64_t network, vigil_error *err);
void vigil_link_view_free(vigil_link_view *v);

/* {"links":[..],"networks":[..]}, or a Graphviz graph (dot -Tsvg): one cluster per network, cases
 * labelled with unit, reference and type (hidden ones: "also held by" and whom to ask), edges
 * with their evidence. Codes as in vigil/output.h. */
int vigil_links_write_json(FILE *f, const vigil_link_view *v, vigil_error *err);
int vigil_links_write_dot(FILE *f, const vigil_link_view *v, vigil_error *err);

#endif

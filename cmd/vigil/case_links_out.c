/* case show and case list --linked: deconfliction lines from the case's links. */
#include <stdio.h>
#include <string.h>

#include "case_links_out.h"
#include "cli.h"

/* The other end of l seen from case_id. */
static const vigil_link_case *other_end(const vigil_link *l, int64_t case_id)
{
    return l->a.id == case_id ? &l->b : &l->a;
}

static void end_text(char *buf, size_t cap, const vigil_link_case *o)
{
    if (o->id)
        snprintf(buf, cap, "case %lld (%s%s%s)", (long long)o->id, cli_text(o->unit), o->ref[0] ? " " : "",
                 cli_text(o->ref));
    else
        snprintf(buf, cap, "also held by unit %s, case reference %s, contact %s", cli_text(o->unit),
                 o->ref[0] ? cli_text(o->ref) : "-", cli_text(o->contact));
}

/* ", N near" for a link with near pictures, else nothing. */
static void near_text(char *buf, size_t cap, const vigil_link *l)
{
    if (l->near)
        snprintf(buf, cap, ", %lld near", (long long)l->near);
    else
        buf[0] = '\0';
}

int case_links_show(vigil_registry *reg, const vigil_actor *who, int64_t case_id, vigil_error *err)
{
    vigil_link_view v;
    char buf[256], nb[32];
    int rc = vigil_links_get(&v, reg, who, case_id, 0, err);
    if (rc < 0)
        return rc;
    printf("links:%s\n", v.nlinks ? "" : " none");
    for (size_t i = 0; i < v.nlinks; i++) {
        const vigil_link *l = &v.links[i];
        end_text(buf, sizeof buf, other_end(l, case_id));
        near_text(nb, sizeof nb, l);
        printf("  %s: %lld shared%s (%lld illegal, %lld interest, %lld unknown)\n", buf, (long long)l->exact, nb,
               (long long)l->illegal, (long long)l->interest, (long long)l->unknown);
    }
    if (v.nnetworks)
        printf("  network %lld: %zu cases, units %s\n", (long long)v.networks[0].id, v.networks[0].ncases,
               cli_text(v.networks[0].units));
    vigil_link_view_free(&v);
    return 0;
}

int case_links_list(vigil_registry *reg, const vigil_actor *who, const vigil_case_row *rows, size_t n,
                    vigil_error *err)
{
    vigil_link_view v;
    char buf[256], nb[32];
    int rc = vigil_links_get(&v, reg, who, 0, 0, err);
    if (rc < 0)
        return rc;
    printf("%-8s %-16s %-13s %-8s %s\n", "ID", "REF", "STATUS", "NETWORK", "LINKED TO");
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < v.nlinks; k++) {
            const vigil_link *l = &v.links[k];
            if (l->a.id != rows[i].id && l->b.id != rows[i].id)
                continue;
            end_text(buf, sizeof buf, other_end(l, rows[i].id));
            near_text(nb, sizeof nb, l);
            printf("%-8lld %-16s %-13s %-8lld %s: %lld shared%s, %lld unknown\n", (long long)rows[i].id,
                   rows[i].ref[0] ? cli_text(rows[i].ref) : "-", rows[i].status, (long long)l->network, buf,
                   (long long)l->exact, nb, (long long)l->unknown);
        }
    vigil_link_view_free(&v);
    return 0;
}

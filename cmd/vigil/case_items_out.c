/* vigil case items: the table is one line per distinct file, its first place and how many more. */
#include <stdio.h>
#include <string.h>

#include "case_items_out.h"
#include "cli.h"

static void print_table(const vigil_case_item_list *l)
{
    printf("%-40s %12s %-8s %-16s %-8s %-12s %6s %s\n", "SHA1", "SIZE", "VERDICT", "SET", "CATEGORY", "SERIES",
           "PLACES", "PATH");
    for (size_t i = 0; i < l->n; i++) {
        const vigil_case_item_row *r = &l->rows[i];
        printf("%-40s %12llu %-8s %-16s %-8s %-12s %6llu %s%s%s\n", r->sha1[0] ? r->sha1 : "-",
               (unsigned long long)r->size, r->verdict, r->set[0] ? cli_text(r->set) : "-",
               r->category[0] ? cli_text(r->category) : "-", r->series[0] ? cli_text(r->series) : "-",
               (unsigned long long)r->places, r->container && r->container[0] ? cli_text(r->container) : "",
               r->container && r->container[0] ? "!/" : "", cli_text(r->path ? r->path : ""));
    }
}

int case_items_print(vigil_registry *reg, const vigil_actor *who, int64_t case_id, const char *verdict,
                     const char *format, vigil_error *err)
{
    vigil_case_item_list l;
    int rc = vigil_case_items(&l, reg, who, case_id, verdict, err);
    if (rc < 0)
        return rc;
    if (format && !strcmp(format, "json"))
        rc = vigil_case_items_write_json(stdout, &l, err);
    else if (format && !strcmp(format, "csv"))
        rc = vigil_case_items_write_csv(stdout, &l, err);
    else
        print_table(&l);
    vigil_case_item_list_free(&l);
    return rc;
}

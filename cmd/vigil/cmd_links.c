/* vigil links: the links between cases and the networks they form, as a table, JSON or DOT. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: vigil links [--case CASE | --network ID] [--format table|json|dot] [--as USER]\n"
               "Cases are linked when they hold the same file (not known-benign, not empty); the evidence\n"
               "of a link is how many files they share and of those how many are known illegal, of\n"
               "interest or near, and unknown (new material). A network is a connected group of linked\n"
               "cases. Of another unit's case you see its unit, reference and whom to ask (\"also held\n"
               "by\"), never its items; each such read is audited. --format dot draws the networks with\n"
               "Graphviz: vigil links --format dot | dot -Tsvg >links.svg\n");
}

static void end_text(char *buf, size_t cap, const vigil_link_case *c)
{
    if (c->id)
        snprintf(buf, cap, "%lld (%s%s%s)", (long long)c->id, cli_text(c->unit), c->ref[0] ? " " : "",
                 cli_text(c->ref));
    else
        snprintf(buf, cap, "also held by %s, ref %s, ask %s", cli_text(c->unit), c->ref[0] ? cli_text(c->ref) : "-",
                 cli_text(c->contact));
}

static void print_table(const vigil_link_view *v)
{
    printf("%-8s %5s %5s %5s  %-10s  %-20s  %s\n", "NETWORK", "CASES", "LINKS", "UNITS", "FIRST", "LAST",
           "UNIT CODES");
    for (size_t i = 0; i < v->nnetworks; i++) {
        const vigil_network *n = &v->networks[i];
        printf("%-8lld %5zu %5zu %5zu  %-10s  %-20s  %s\n", (long long)n->id, n->ncases, n->nlinks, n->nunits,
               n->first, n->last, cli_text(n->units));
    }
    printf("\n%-8s %-40s %-40s %6s %5s %7s %8s %7s\n", "NETWORK", "CASE", "LINKED TO", "SHARED", "NEAR", "ILLEGAL",
           "INTEREST", "UNKNOWN");
    for (size_t i = 0; i < v->nlinks; i++) {
        const vigil_link *l = &v->links[i];
        char a[200], b[200];
        /* the user's own case first */
        end_text(a, sizeof a, l->a.id ? &l->a : &l->b);
        end_text(b, sizeof b, l->a.id ? &l->b : &l->a);
        printf("%-8lld %-40s %-40s %6lld %5lld %7lld %8lld %7lld\n", (long long)l->network, a, b, (long long)l->exact,
               (long long)l->near, (long long)l->illegal, (long long)l->interest, (long long)l->unknown);
    }
}

int cmd_links(int argc, char **argv)
{
    static const struct option lo[] = {{"case", required_argument, NULL, 'c'}, {"network", required_argument, NULL, 'n'},
                                       {"format", required_argument, NULL, 'f'}, {"as", required_argument, NULL, 'A'},
                                       {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    const char *format = "table", *as = NULL;
    int64_t case_id = 0, network = 0;
    vigil_registry *reg;
    vigil_actor who;
    vigil_link_view v;
    vigil_error err;
    int opt, rc;
    optind = 1;
    while ((opt = cli_getopt(argc, argv, "h", lo, NULL)) != -1) {
        switch (opt) {
        case 'c':
            if (cli_parse_case_id(&case_id, optarg))
                return EXIT_USAGE;
            break;
        case 'n':
            if (cli_parse_case_id(&network, optarg)) /* networks are named by a case id */
                return EXIT_USAGE;
            break;
        case 'f': format = optarg; break;
        case 'A': as = optarg; break;
        case 'h': usage(stdout); return EXIT_OK;
        default: return EXIT_USAGE;
        }
    }
    if (optind < argc || (case_id && network)) {
        cli_error("links: give --case or --network, not both, and no other argument");
        return EXIT_USAGE;
    }
    if (strcmp(format, "table") && strcmp(format, "json") && strcmp(format, "dot")) {
        cli_error("links: unknown --format '%s' (table, json or dot)", format);
        return EXIT_USAGE;
    }
    if ((rc = cli_reg_open_existing(&reg, &who, as)) != 0)
        return rc;
    vigil_error_clear(&err);
    rc = vigil_links_get(&v, reg, &who, case_id, network, &err);
    vigil_registry_close(reg);
    if (rc < 0)
        return cli_fail(&err);
    if (!strcmp(format, "json"))
        rc = vigil_links_write_json(stdout, &v, &err);
    else if (!strcmp(format, "dot"))
        rc = vigil_links_write_dot(stdout, &v, &err);
    else
        print_table(&v);
    vigil_link_view_free(&v);
    return rc < 0 ? cli_fail(&err) : EXIT_OK;
}

void cmd_links_usage(FILE *f)
{
    usage(f);
}

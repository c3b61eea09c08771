/* vigil series list|show|set: the series that the cases' items match, and their victims. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: vigil series list [--format table|json] [--as USER]\n"
               "       vigil series show NAME [--format table|json] [--as USER]\n"
               "       vigil series set NAME --victim identified|unidentified [--as USER]\n"
               "A series is the pictures of one victim as the hash sets name them; a case's items that\n"
               "match an entry of a series tie the case to it (vigil scan --store, vigil case attach).\n"
               "A series whose victim is not recorded as identified counts as unidentified: the case's\n"
               "priority factor series_unidentified. Of another unit's case you see only who holds it.\n"
               "`set` is for admins and national officers. Each read is audited (series.read).\n");
}

static void print_list(const vigil_series *v, size_t n)
{
    printf("%-24s %-12s %5s %5s %7s  %s\n", "SERIES", "VICTIM", "CASES", "UNITS", "ITEMS", "UNIT CODES");
    for (size_t i = 0; i < n; i++)
        printf("%-24s %-12s %5zu %5zu %7lld  %s\n", cli_text(v[i].name), v[i].identified ? "identified" : "unidentified",
               v[i].ncases, v[i].nunits, (long long)v[i].items, cli_text(v[i].units));
}

static void print_one(const vigil_series *s)
{
    printf("series:  %s\nvictim:  %s", cli_text(s->name), s->identified ? "identified" : "unidentified");
    if (s->victim_by[0])
        printf(" (recorded by %s, %s, series set)", cli_text(s->victim_by), s->victim_at);
    else if (s->victim_set[0])
        printf(" (hash set %s: VictimIdentified)", cli_text(s->victim_set));
    else
        printf(" (not recorded)");
    printf("\nunits:   %s\ncases:\n", cli_text(s->units));
    for (size_t i = 0; i < s->ncases; i++) {
        const vigil_link_case *c = &s->cases[i].c;
        if (c->id)
            printf("  case %lld (%s%s%s): %lld item%s\n", (long long)c->id, cli_text(c->unit), c->ref[0] ? " " : "",
                   cli_text(c->ref), (long long)s->cases[i].items, cli_s((unsigned long long)s->cases[i].items));
        else
            printf("  also held by unit %s, case reference %s, contact %s\n", cli_text(c->unit),
                   c->ref[0] ? cli_text(c->ref) : "-", cli_text(c->contact));
    }
}

int cmd_series(int argc, char **argv)
{
    static const struct option lo[] = {{"victim", required_argument, NULL, 'v'}, {"as", required_argument, NULL, 'A'},
                                       {"format", required_argument, NULL, 'f'},
                                       {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    const char *victim = NULL, *as = NULL, *format = NULL, *verb;
    vigil_registry *reg;
    vigil_actor who;
    vigil_series *v;
    vigil_error err;
    size_t n;
    int opt, rc;
    if (argc < 2 || !strcmp(argv[1], "--help")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    verb = argv[1];
    optind = 1;
    while ((opt = cli_getopt(argc - 1, argv + 1, "h", lo, NULL)) != -1) {
        switch (opt) {
        case 'v': victim = optarg; break;
        case 'A': as = optarg; break;
        case 'f': format = optarg; break;
        case 'h': usage(stdout); return EXIT_OK;
        default: return EXIT_USAGE;
        }
    }
    optind++;   /* past the verb */
    if (!strcmp(verb, "list") ? optind != argc : optind != argc - 1) {
        cli_error("series %s: expected %s", verb, strcmp(verb, "list") ? "one NAME" : "no argument");
        return EXIT_USAGE;
    }
    if (strcmp(verb, "list") && strcmp(verb, "show") && strcmp(verb, "set")) {
        cli_error("series: unknown verb '%s' (try 'vigil series --help')", verb);
        return EXIT_USAGE;
    }
    if (!strcmp(verb, "set") != (victim != NULL) ||
        (victim && strcmp(victim, "identified") && strcmp(victim, "unidentified"))) {
        cli_error("series: --victim identified|unidentified goes with set, and only with it");
        return EXIT_USAGE;
    }
    if (format && (!strcmp(verb, "set") || (strcmp(format, "table") && strcmp(format, "json")))) {
        cli_error("series: --format is table or json, for list and show");
        return EXIT_USAGE;
    }
    if ((rc = !strcmp(verb, "set") ? cli_reg_open(&reg, &who, as) : cli_reg_open_existing(&reg, &who, as)) != 0)
        return rc;
    vigil_error_clear(&err);
    if (!strcmp(verb, "set")) {
        rc = vigil_series_set_victim(reg, &who, argv[argc - 1], !strcmp(victim, "identified"), &err);
        if (rc == 0)
            printf("%s\n", cli_text(vigil_registry_last_change(reg)));
    } else {
        rc = vigil_series_list(&v, &n, reg, &who, strcmp(verb, "show") ? NULL : argv[argc - 1], &err);
        if (rc == 0) {
            if (format && !strcmp(format, "json"))
                rc = vigil_series_write_json(stdout, v, n, !strcmp(verb, "show"), &err);
            else if (!strcmp(verb, "show"))
                print_one(&v[0]);
            else
                print_list(v, n);
            vigil_series_list_free(v, n);
        }
    }
    vigil_registry_close(reg);
    return rc < 0 ? cli_fail(&err) : EXIT_OK;
}

void cmd_series_usage(FILE *f)
{
    usage(f);
}

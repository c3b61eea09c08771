/* vigil unit add|list: the units that register, refer and receive cases. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: vigil unit add CODE --name NAME --type national|regional|special|foreign|prosecutor\n"
               "                      [--country CC] [--as USER]\n"
               "       vigil unit list [--format table|json] [--as USER]\n");
}

static int unit_add(int argc, char **argv)
{
    static const struct option lo[] = {{"name", required_argument, NULL, 'n'},
        {"type", required_argument, NULL, 't'}, {"country", required_argument, NULL, 'c'},
        {"as", required_argument, NULL, 'a'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    vigil_unit u = {0};
    const char *as = NULL, *type = NULL;
    vigil_registry *reg;
    vigil_actor who;
    vigil_error err;
    int opt, rc;
    while ((opt = cli_getopt(argc, argv, "h", lo, NULL)) != -1) {
        switch (opt) {
        case 'n': snprintf(u.name, sizeof u.name, "%s", optarg); break;
        case 't': type = optarg; break;
        case 'c': snprintf(u.country, sizeof u.country, "%s", optarg); break;
        case 'a': as = optarg; break;
        case 'h': usage(stdout); return EXIT_OK;
        default: return EXIT_USAGE;
        }
    }
    if (optind != argc - 1 || !u.name[0] || !type) {
        cli_error("unit add: CODE, --name and --type are required");
        return EXIT_USAGE;
    }
    if (vigil_unit_type_parse(&u.type, type) < 0) {
        cli_error("unit add: --type is national, regional, special, foreign or prosecutor, not '%s'", type);
        return EXIT_USAGE;
    }
    snprintf(u.code, sizeof u.code, "%s", argv[optind]);
    if (strlen(argv[optind]) >= sizeof u.code) {
        vigil_error_set(&err, VIGIL_EINPUT, "unit add: code '%s' is too long (at most 31 characters)", argv[optind]);
        return cli_fail(&err);
    }
    if ((rc = cli_reg_open(&reg, &who, as)) != 0)
        return rc;
    rc = vigil_unit_add(reg, &who, &u, &err);
    vigil_registry_close(reg);
    if (rc == 0)   /* a change confirms itself in one line (docs/access.md) */
        printf("unit %s added (%s)\n", cli_text(u.code), vigil_unit_type_name(u.type));
    return rc < 0 ? cli_fail(&err) : EXIT_OK;
}

static int unit_list(int argc, char **argv)
{
    static const struct option lo[] = {{"format", required_argument, NULL, 'f'},
        {"as", required_argument, NULL, 'a'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    const char *as = NULL, *fmt = "table";
    vigil_registry *reg;
    vigil_actor who;
    vigil_error err;
    vigil_unit *v;
    size_t n;
    int opt, rc;
    while ((opt = cli_getopt(argc, argv, "h", lo, NULL)) != -1) {
        switch (opt) {
        case 'f': fmt = optarg; break;
        case 'a': as = optarg; break;
        case 'h': usage(stdout); return EXIT_OK;
        default: return EXIT_USAGE;
        }
    }
    if (optind != argc || (strcmp(fmt, "table") && strcmp(fmt, "json"))) {
        cli_error("unit list: --format is table or json; no other arguments");
        return EXIT_USAGE;
    }
    if ((rc = cli_reg_open_existing(&reg, &who, as)) != 0)
        return rc;
    rc = vigil_unit_list(&v, &n, reg, &who, &err);
    vigil_registry_close(reg);
    if (rc < 0)
        return cli_fail(&err);
    if (!strcmp(fmt, "json")) {
        rc = vigil_units_write_json(stdout, v, n, &err);
    } else {
        printf("%-12s %-11s %-7s %s\n", "CODE", "TYPE", "COUNTRY", "NAME");
        for (size_t i = 0; i < n; i++)
            printf("%-12s %-11s %-7s %s\n", cli_text(v[i].code), vigil_unit_type_name(v[i].type),
                   v[i].country[0] ? cli_text(v[i].country) : "-", cli_text(v[i].name));
    }
    free(v);
    return rc < 0 ? cli_fail(&err) : EXIT_OK;
}

int cmd_unit(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    optind = 1;
    if (!strcmp(argv[1], "add"))
        return unit_add(argc - 1, argv + 1);
    if (!strcmp(argv[1], "list"))
        return unit_list(argc - 1, argv + 1);
    cli_error("unit: unknown verb '%s' (add, list)", argv[1]);
    return EXIT_USAGE;
}

void cmd_unit_usage(FILE *f)
{
    usage(f);
}

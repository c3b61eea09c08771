/* vigil user add: the people who act on the registry, each an officer, analyst or admin. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: vigil user add NAME --role officer|analyst|admin [--unit CODE] [--os-user LOGIN]\n"
               "                      [--as USER]\n"
               "Officers act for their unit (the national unit's officers for all units); analysts see\n"
               "statistics only. Commands act as the user whose --os-user is your login (PostgreSQL: the\n"
               "user whose role you connect as); an admin may act as another with --as USER or $VIGIL_USER.\n"
               "The first user of a new registry is whoever opens it first: its admin.\n");
}

int cmd_user(int argc, char **argv)
{
    static const struct option lo[] = {{"role", required_argument, NULL, 'r'},
        {"unit", required_argument, NULL, 'u'}, {"as", required_argument, NULL, 'a'},
        {"os-user", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    const char *as = NULL, *unit = NULL, *role = NULL, *os_user = NULL;
    vigil_registry *reg;
    vigil_actor who;
    vigil_error err;
    vigil_role r;
    int opt, rc;
    if (argc < 2 || strcmp(argv[1], "add")) {
        usage(argc >= 2 && !strcmp(argv[1], "--help") ? stdout : stderr);
        return argc >= 2 && !strcmp(argv[1], "--help") ? EXIT_OK : EXIT_USAGE;
    }
    argc--, argv++;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
        switch (opt) {
        case 'r': role = optarg; break;
        case 'u': unit = optarg; break;
        case 'a': as = optarg; break;
        case 'o': os_user = optarg; break;
        case 'h': usage(stdout); return EXIT_OK;
        default: usage(stderr); return EXIT_USAGE;
        }
    }
    if (optind != argc - 1 || !role || vigil_role_parse(&r, role) < 0) {
        cli_error("user add: NAME and --role officer|analyst|admin are required");
        return EXIT_USAGE;
    }
    if ((rc = cli_reg_open(&reg, &who, as)) != 0)
        return rc;
    rc = vigil_user_add(reg, &who, argv[optind], unit, r, os_user, &err);
    vigil_registry_close(reg);
    if (rc == 0)   /* a change confirms itself in one line (docs/access.md) */
        printf("user %s added (%s%s%s)\n", cli_text(argv[optind]), vigil_role_name(r), unit ? " of " : "",
               unit ? cli_text(unit) : "");
    return rc < 0 ? cli_fail(&err) : EXIT_OK;
}

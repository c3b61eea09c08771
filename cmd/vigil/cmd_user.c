/* vigil user add|list: the people who act on the registry, each an officer, analyst or admin. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "vigil/login.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: vigil user add NAME --role officer|analyst|admin [--unit CODE] [--os-user LOGIN]\n"
               "                      [--password] [--as USER]\n"
               "       vigil user password NAME [--as USER]\n"
               "       vigil user list [--format table|json|csv] [--as USER]\n"
               "Officers act for their unit (the national unit's officers for all units); analysts see\n"
               "statistics only. Commands act as the user whose --os-user is your login (PostgreSQL: the\n"
               "user whose role you connect as); an admin may act as another with --as USER or $VIGIL_USER.\n"
               "The first user of a new registry is whoever opens it first: its admin.\n"
               "--password (and 'user password') sets the password for 'vigil serve' logins, read from\n"
               "stdin or asked twice on the terminal, never given as an argument; it is kept as an\n"
               "Argon2id hash. Users set their own; admins and national officers anyone's.\n");
}

static int user_list(int argc, char **argv)
{
    static const struct option lo[] = {{"format", required_argument, NULL, 'f'},
        {"as", required_argument, NULL, 'a'}, {NULL, 0, NULL, 0}};
    const char *as = NULL, *fmt = "table";
    vigil_registry *reg;
    vigil_actor who;
    vigil_error err;
    vigil_user_row *v;
    size_t n;
    int opt, rc;
    while ((opt = cli_getopt(argc, argv, "", lo, NULL)) != -1) {
        switch (opt) {
        case 'f': fmt = optarg; break;
        case 'a': as = optarg; break;
        default: return EXIT_USAGE;
        }
    }
    if (optind != argc || (strcmp(fmt, "table") && strcmp(fmt, "json") && strcmp(fmt, "csv"))) {
        cli_error("user list: --format is table, json or csv; no other arguments");
        return EXIT_USAGE;
    }
    if ((rc = cli_reg_open(&reg, &who, as)) != 0)
        return rc;
    rc = vigil_user_list(&v, &n, reg, &who, &err);
    vigil_registry_close(reg);
    if (rc < 0)
        return cli_fail(&err);
    if (!strcmp(fmt, "json")) {
        rc = vigil_users_write_json(stdout, v, n, &err);
    } else if (!strcmp(fmt, "csv")) {
        rc = vigil_users_write_csv(stdout, v, n, &err);
    } else {
        printf("%-20s %-12s %-8s %s\n", "NAME", "UNIT", "ROLE", "LOGIN");
        for (size_t i = 0; i < n; i++)
            printf("%-20s %-12s %-8s %s\n", cli_text(v[i].name), v[i].unit[0] ? cli_text(v[i].unit) : "-",
                   vigil_role_name(v[i].role), v[i].os_user[0] ? cli_text(v[i].os_user) : "-");
    }
    free(v);
    return rc < 0 ? cli_fail(&err) : EXIT_OK;
}

static int user_password(int argc, char **argv)
{
    const char *as, *name = cli_as_and_name(argc, argv, "user password", &as);
    char pw[VIGIL_PASSWORD_MAX + 2];
    vigil_registry *reg;
    vigil_actor who;
    vigil_error err;
    int rc;
    if (!name)
        return EXIT_USAGE;
    if ((rc = cli_read_password(pw, sizeof pw, name)) != 0)
        return rc;
    if ((rc = cli_reg_open_existing(&reg, &who, as)) != 0)
        return rc;
    rc = vigil_user_set_password(reg, &who, name, pw, &err);
    memset(pw, 0, sizeof pw);
    vigil_registry_close(reg);
    if (rc < 0)
        return cli_fail(&err);
    printf("password of %s set\n", cli_text(name));
    return EXIT_OK;
}

int cmd_user(int argc, char **argv)
{
    static const struct option lo[] = {{"role", required_argument, NULL, 'r'},
        {"unit", required_argument, NULL, 'u'}, {"as", required_argument, NULL, 'a'},
        {"os-user", required_argument, NULL, 'o'}, {"password", no_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    const char *as = NULL, *unit = NULL, *role = NULL, *os_user = NULL;
    char pw[VIGIL_PASSWORD_MAX + 2];
    int with_password = 0;
    vigil_registry *reg;
    vigil_actor who;
    vigil_error err;
    vigil_role r;
    int opt, rc;
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    argc--, argv++;
    optind = 1;
    if (!strcmp(argv[0], "list"))
        return user_list(argc, argv);
    if (!strcmp(argv[0], "password"))
        return user_password(argc, argv);
    while ((opt = cli_getopt(argc, argv, "h", lo, NULL)) != -1) {
        switch (opt) {
        case 'r': role = optarg; break;
        case 'u': unit = optarg; break;
        case 'a': as = optarg; break;
        case 'o': os_user = optarg; break;
        case 'p': with_password = 1; break;
        case 'h': usage(stdout); return EXIT_OK;
        default: return EXIT_USAGE;
        }
    }
    if (optind != argc - 1 || !role || vigil_role_parse(&r, role) < 0) {
        cli_error("user add: NAME and --role officer|analyst|admin are required");
        return EXIT_USAGE;
    }
    if (with_password && (rc = cli_read_password(pw, sizeof pw, argv[optind])) != 0)
        return rc;
    if (with_password && vigil_password_check(pw, &err) < 0)   /* before the user exists */
        return cli_fail(&err);
    if ((rc = cli_reg_open(&reg, &who, as)) != 0)
        return rc;
    rc = vigil_user_add(reg, &who, argv[optind], unit, r, os_user, &err);
    if (rc == 0 && with_password)
        rc = vigil_user_set_password(reg, &who, argv[optind], pw, &err);
    memset(pw, 0, sizeof pw);
    vigil_registry_close(reg);
    if (rc == 0)   /* a change confirms itself in one line (docs/access.md) */
        printf("user %s added (%s%s%s)\n", cli_text(argv[optind]), vigil_role_name(r), unit ? " of " : "",
               unit ? cli_text(unit) : "");
    return rc < 0 ? cli_fail(&err) : EXIT_OK;
}

void cmd_user_usage(FILE *f)
{
    usage(f);
}

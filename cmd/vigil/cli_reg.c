/* Helpers for the case-registry subcommands: open the registry as the caller (the login mapped to
 * a user, or on PostgreSQL the session's role), or as --as / $VIGIL_USER for an admin; parse dates and ids. */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static int reg_open(vigil_registry **reg, vigil_actor *who, const char *as, int create);

int cli_reg_open(vigil_registry **reg, vigil_actor *who, const char *as)
{
    return reg_open(reg, who, as, 1);
}

int cli_reg_open_existing(vigil_registry **reg, vigil_actor *who, const char *as)
{
    return reg_open(reg, who, as, 0);
}

const char *cli_as_and_name(int argc, char **argv, const char *what, const char **as)
{
    static const struct option lo[] = {{"as", required_argument, NULL, 'a'}, {NULL, 0, NULL, 0}};
    int opt;
    *as = NULL;
    while ((opt = cli_getopt(argc, argv, "", lo, NULL)) != -1) {
        if (opt != 'a')
            return NULL;
        *as = optarg;
    }
    if (optind != argc - 1) {
        cli_error("%s: NAME is required", what);
        return NULL;
    }
    return argv[optind];
}

static int reg_open(vigil_registry **reg, vigil_actor *who, const char *as, int create)
{
    vigil_error err;
    vigil_login in;
    struct passwd *pw;
    int rc;
    if (!as)
        as = getenv("VIGIL_USER");
    if ((create ? vigil_registry_open(reg, cli.db, &err) : vigil_registry_open_existing(reg, cli.db, &err)) < 0)
        return cli_fail(&err);
    cli.reg_opened = 1;
    vigil_registry_set_config(*reg, &cli.cfg); /* the settings files' (cli_settings.c) */
    pw = getpwuid(geteuid());
    rc = vigil_actor_login(who, &in, *reg, pw ? pw->pw_name : NULL, as, &err);
    if (in.created)
        cli_error("%s: user '%s' (%s %s) is its admin",
                  in.created == 1 ? "new registry" : "registry without a user who can log in", in.caller,
                  strcmp(vigil_registry_backend(*reg), "postgresql") ? "login" : "database role", in.login);
    if (rc < 0) {
        vigil_registry_close(*reg);
        *reg = NULL;
        return cli_fail(&err);
    }
    return 0;
}

int cli_parse_date(int64_t *out, const char *opt, const char *s)
{
    vigil_error err;
    if (vigil_date_parse(out, s, &err) < 0) {
        cli_error("%s: %s", opt, err.msg);
        return EXIT_USAGE;
    }
    return 0;
}

int cli_parse_case_id(int64_t *out, const char *s)
{
    char *end;
    long long v;
    errno = 0;
    v = s ? strtoll(s, &end, 10) : 0;
    if (!s || !*s || errno || *end || v <= 0) {
        cli_error("bad case id '%s': expected a positive number", s ? s : "");
        return EXIT_USAGE;
    }
    *out = v;
    return 0;
}

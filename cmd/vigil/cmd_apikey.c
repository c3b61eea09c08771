/* vigil apikey add|list|revoke: the keys machines use for the hash-check service. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "vigil/apikey.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: vigil apikey add NAME --org ORG [--scope check] [--as USER]\n"
               "       vigil apikey list [--format table|json] [--as USER]\n"
               "       vigil apikey revoke NAME [--as USER]\n"
               "A key lets a machine (a hotline, a hosting provider) use 'vigil serve': scope check is the\n"
               "hash-check service. 'add' prints the key once on stdout; the registry keeps only its\n"
               "SHA-256. 'list' shows each key's first characters, holder, state and how many requests\n"
               "and hashes it has checked. Admins only.\n");
}

static int key_add(int argc, char **argv)
{
    static const struct option lo[] = {{"org", required_argument, NULL, 'o'},
        {"scope", required_argument, NULL, 's'}, {"as", required_argument, NULL, 'a'}, {NULL, 0, NULL, 0}};
    const char *as = NULL, *org = NULL, *scope = "check";
    char key[VIGIL_APIKEY_SIZE];
    vigil_registry *reg;
    vigil_actor who;
    vigil_error err;
    int opt, rc;
    while ((opt = cli_getopt(argc, argv, "", lo, NULL)) != -1) {
        switch (opt) {
        case 'o': org = optarg; break;
        case 's': scope = optarg; break;
        case 'a': as = optarg; break;
        default: return EXIT_USAGE;
        }
    }
    if (optind != argc - 1 || !org) {
        cli_error("apikey add: NAME and --org ORG are required");
        return EXIT_USAGE;
    }
    if (!vigil_apikey_scope_valid(scope)) {
        cli_error("apikey add: --scope is check");
        return EXIT_USAGE;
    }
    if ((rc = cli_reg_open(&reg, &who, as)) != 0)
        return rc;
    rc = vigil_apikey_add(key, reg, &who, argv[optind], org, scope, &err);
    vigil_registry_close(reg);
    if (rc < 0)
        return cli_fail(&err);
    printf("%s\n", key);
    fprintf(stderr, "vigil: apikey add: key %s for %s (scope %s): shown this once, keep it safe\n",
            cli_text(argv[optind]), cli_text(org), scope);
    return EXIT_OK;
}

static int key_list(int argc, char **argv)
{
    static const struct option lo[] = {{"format", required_argument, NULL, 'f'},
        {"as", required_argument, NULL, 'a'}, {NULL, 0, NULL, 0}};
    const char *as = NULL, *fmt = "table";
    vigil_apikey_row *v;
    vigil_registry *reg;
    vigil_actor who;
    vigil_error err;
    size_t n;
    int opt, rc;
    while ((opt = cli_getopt(argc, argv, "", lo, NULL)) != -1) {
        switch (opt) {
        case 'f': fmt = optarg; break;
        case 'a': as = optarg; break;
        default: return EXIT_USAGE;
        }
    }
    if (optind != argc || (strcmp(fmt, "table") && strcmp(fmt, "json"))) {
        cli_error("apikey list: --format is table or json; no other arguments");
        return EXIT_USAGE;
    }
    if ((rc = cli_reg_open_existing(&reg, &who, as)) != 0)
        return rc;
    rc = vigil_apikey_list(&v, &n, reg, &who, &err);
    vigil_registry_close(reg);
    if (rc < 0)
        return cli_fail(&err);
    if (!strcmp(fmt, "json")) {
        if (vigil_apikeys_write_json(stdout, v, n, &err) < 0) {
            free(v);
            return cli_fail(&err);
        }
    } else {
        printf("%-20s %-24s %-6s %-11s %-10s %10s %12s\n", "NAME", "ORG", "SCOPE", "KEY", "CREATED", "REQUESTS",
               "HASHES");
        for (size_t i = 0; i < n; i++)
            printf("%-20s %-24s %-6s %-11s %-10.10s %10llu %12llu%s%s\n", cli_text(v[i].name), cli_text(v[i].org),
                   v[i].scope, v[i].prefix, v[i].created, (unsigned long long)v[i].requests,
                   (unsigned long long)v[i].hashes, v[i].revoked[0] ? "  revoked " : "", v[i].revoked);
    }
    free(v);
    return EXIT_OK;
}

static int key_revoke(int argc, char **argv)
{
    const char *as, *name = cli_as_and_name(argc, argv, "apikey revoke", &as);
    vigil_registry *reg;
    vigil_actor who;
    vigil_error err;
    int rc;
    if (!name)
        return EXIT_USAGE;
    if ((rc = cli_reg_open_existing(&reg, &who, as)) != 0)
        return rc;
    rc = vigil_apikey_revoke(reg, &who, name, &err);
    vigil_registry_close(reg);
    if (rc < 0)
        return cli_fail(&err);
    printf("API key %s revoked\n", cli_text(name));
    return EXIT_OK;
}

int cmd_apikey(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    argc--, argv++;
    optind = 1;
    if (!strcmp(argv[0], "add"))
        return key_add(argc, argv);
    if (!strcmp(argv[0], "list"))
        return key_list(argc, argv);
    if (!strcmp(argv[0], "revoke"))
        return key_revoke(argc, argv);
    if (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h")) {
        usage(stdout);
        return EXIT_OK;
    }
    cli_error("apikey: unknown verb '%s' (add, list, revoke)", argv[0]);
    return EXIT_USAGE;
}

void cmd_apikey_usage(FILE *f)
{
    usage(f);
}

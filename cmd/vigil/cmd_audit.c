/* vigil audit verify: check the hash chain of the audit log; 1 and the first bad event if broken. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

int cmd_audit(int argc, char **argv)
{
    const char *as = NULL;
    vigil_registry *reg;
    vigil_actor who;
    vigil_error err;
    vigil_audit_report rep;
    int rc;
    if (argc >= 2 && !strcmp(argv[1], "--help")) {
        printf("usage: vigil audit verify [--as USER]\nExit status 0 when the chain is intact, 1 naming "
               "the first event altered, removed or reordered.\n");
        return EXIT_OK;
    }
    if (argc == 4 && !strcmp(argv[2], "--as"))
        as = argv[3];
    else if (argc == 3 && !strncmp(argv[2], "--as=", 5))
        as = argv[2] + 5;
    if (argc < 2 || strcmp(argv[1], "verify") || (argc > 2 && !as)) {
        cli_error("usage: vigil audit verify [--as USER]");
        return EXIT_USAGE;
    }
    if ((rc = cli_reg_open(&reg, &who, as)) != 0)
        return rc;
    rc = vigil_audit_verify(&rep, reg, &who, &err);
    vigil_registry_close(reg);
    if (rc < 0)
        return cli_fail(&err);
    if (rep.bad_seq) {
        cli_error("audit: %s", rep.why);
        return EXIT_PROBLEM;
    }
    printf("audit: %lld events, chain intact\n", (long long)rep.events);
    return EXIT_OK;
}

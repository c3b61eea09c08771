/*
 * vigil audit: verify the log (chain, state replay, signed checkpoints), sign its head with
 * a key kept outside the database, make that key; and the checkpoint every command that
 * opened the registry ends with when $VIGIL_AUDIT_KEY names a key.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage_text[] =
    "usage: vigil audit verify [--pub DIR/audit.pub [--checkpoints FILE]] [--as USER]\n"
    "       vigil audit checkpoint --key DIR/audit.key\n"
    "       vigil audit keygen DIR\n";

/* --name VALUE or --name=VALUE at argv[*i]; 1 when taken (*i moved past it), -1 when the value is missing. */
static int opt(const char **out, int argc, char **argv, int *i, const char *name)
{
    size_t n = strlen(name);
    if (!strcmp(argv[*i], name)) {
        if (*i + 1 >= argc)
            return -1;
        *out = argv[++*i];
        return 1;
    }
    if (!strncmp(argv[*i], name, n) && argv[*i][n] == '=') {
        *out = argv[*i] + n + 1;
        return 1;
    }
    return 0;
}

static int bad_usage(void)
{
    cli_error("usage: vigil audit verify|checkpoint|keygen (try 'vigil audit --help')");
    return EXIT_USAGE;
}

static int do_verify(const char *as, const char *pub, const char *anchor)
{
    vigil_registry *reg;
    vigil_actor who;
    vigil_error err;
    vigil_audit_report rep;
    int rc;
    if ((rc = cli_reg_open_existing(&reg, &who, as)) != 0)
        return rc;
    rc = pub ? vigil_audit_verify_anchored(&rep, reg, &who, pub, anchor, &err)
             : vigil_audit_verify(&rep, reg, &who, &err);
    vigil_registry_close(reg);
    if (rc < 0)
        return cli_fail(&err);
    if (rep.bad_seq) {
        cli_error("audit: %s", rep.why);
        return EXIT_PROBLEM;
    }
    printf("audit: %lld events, chain intact; %lld objects match the tables", (long long)rep.events,
           (long long)rep.objects);
    if (rep.unchecked)
        printf(", %lld not checked (hash sets, or last changed before the log recorded state)",
               (long long)rep.unchecked);
    if (pub)
        printf("; %lld signed checkpoints, every event covered\n", (long long)rep.checkpoints);
    else
        printf("; not anchored (no --pub): truncation or a rewritten chain would not be seen\n");
    return EXIT_OK;
}

static int do_checkpoint(const char *key, int only_new)
{
    vigil_registry *reg;
    vigil_error err;
    int64_t seq;
    int rc;
    if (vigil_registry_open(&reg, cli.db, &err) < 0)
        return cli_fail(&err);
    rc = vigil_audit_checkpoint(&seq, reg, key, only_new, &err);
    vigil_registry_close(reg);
    if (rc < 0)
        return cli_fail(&err);
    if (!only_new)
        printf("audit: checkpoint of event %lld signed\n", (long long)seq);
    return EXIT_OK;
}

int cmd_audit(int argc, char **argv)
{
    const char *as = NULL, *pub = NULL, *anchor = NULL, *key = NULL;
    vigil_error err;
    if (argc >= 2 && !strcmp(argv[1], "--help")) {
        printf("%s\nverify: exit status 0 when the chain is intact and the tables match it, 1 naming the first\n"
               "event altered, removed or reordered, or the object changed outside vigil; with --pub also the\n"
               "signed checkpoints (audit.checkpoints beside the key, or --checkpoints): 1 when the log is\n"
               "shorter than one, differs from one, or has events after the last.\n"
               "checkpoint: sign the log's head; keygen: write DIR/audit.key and DIR/audit.pub.\n"
               "With $VIGIL_AUDIT_KEY set, every command that wrote events ends with a checkpoint.\n",
               usage_text);
        return EXIT_OK;
    }
    if (argc < 2)
        return bad_usage();
    if (!strcmp(argv[1], "keygen")) {
        if (argc != 3 || argv[2][0] == '-')
            return bad_usage();
        if (vigil_audit_keygen(argv[2], &err) < 0)
            return cli_fail(&err);
        printf("audit: key written to %s/audit.key (keep it off the database's machine), public key %s/audit.pub\n",
               argv[2], argv[2]);
        return EXIT_OK;
    }
    for (int i = 2; i < argc; i++) {
        int t = opt(&as, argc, argv, &i, "--as");
        if (!t)
            t = opt(&pub, argc, argv, &i, "--pub");
        if (!t)
            t = opt(&anchor, argc, argv, &i, "--checkpoints");
        if (!t)
            t = opt(&key, argc, argv, &i, "--key");
        if (t <= 0)
            return bad_usage();
    }
    if (!strcmp(argv[1], "verify") && !key && (pub || !anchor))
        return do_verify(as, pub, anchor);
    if (!strcmp(argv[1], "checkpoint") && key && !pub && !anchor)
        return do_checkpoint(key, 0);
    return bad_usage();
}

int cli_audit_after(const char *command, int rc)
{
    const char *key = getenv("VIGIL_AUDIT_KEY");
    int ck;
    if (!key || !*key || !cli.reg_opened || !strcmp(command, "audit"))
        return rc;
    ck = do_checkpoint(key, 1);
    return rc == EXIT_OK ? ck : rc;
}

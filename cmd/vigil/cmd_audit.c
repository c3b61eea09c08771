/*
 * vigil audit: list who did what, verify the log (chain, state replay, signed checkpoints), sign its head with
 * a key kept outside the database, make that key; and the checkpoint every command that
 * opened the registry ends with when $VIGIL_AUDIT_KEY names a key.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage_text[] =
    "usage: vigil audit list [--object OBJ] [--user NAME] [--since DATE] [--format table|json] [--as USER]\n"
    "       vigil audit verify [--pub DIR/audit.pub [--checkpoints FILE]] [--as USER]\n"
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
    cli_error("usage: vigil audit list|verify|checkpoint|keygen (try 'vigil audit --help')");
    return EXIT_USAGE;
}

static int do_verify(const char *as, const char *pub, const char *anchor)
{
    vigil_registry *reg;
    vigil_actor who;
    vigil_error err;
    vigil_audit_report rep;
    int rc;
    if ((rc = cli_reg_open(&reg, &who, as)) != 0)
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

static int do_list(const char *as, const vigil_audit_filter *f, int json)
{
    vigil_registry *reg;
    vigil_actor who;
    vigil_error err;
    vigil_audit_event *v;
    size_t n;
    int rc;
    if ((rc = cli_reg_open(&reg, &who, as)) != 0)
        return rc;
    rc = vigil_audit_list(&v, &n, reg, &who, f, &err);
    vigil_registry_close(reg);
    if (rc < 0)
        return cli_fail(&err);
    if (json) {
        rc = vigil_audit_events_write_json(stdout, v, n, &err);
    } else {
        printf("%-6s %-20s %-20s %-12s %-14s %-12s %s\n", "SEQ", "RECORDED", "HAPPENED", "USER", "ACTION", "OBJECT",
               "DETAIL");
        for (size_t i = 0; i < n; i++) {
            printf("%-6lld %-20s %-20s %-12s ", (long long)v[i].seq, v[i].at, v[i].event_at[0] ? v[i].event_at : "-",
                   cli_text(v[i].who));
            printf("%-14s %-12s %s\n", cli_text(v[i].action), cli_text(v[i].object),
                   v[i].detail ? cli_text(v[i].detail) : "");
        }
    }
    vigil_audit_events_free(v, n);
    return rc < 0 ? cli_fail(&err) : EXIT_OK;
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
    const char *as = NULL, *pub = NULL, *anchor = NULL, *key = NULL, *object = NULL, *user = NULL, *since = NULL,
               *format = NULL;
    vigil_error err;
    if (argc >= 2 && !strcmp(argv[1], "--help")) {
        printf("%s\nlist: who did what, oldest first: every event for admins and national officers, the events of\n"
               "the cases you may see for anyone else. --object case:3 (or unit:CODE, user:NAME), --user NAME,\n"
               "--since DATE (recorded then or later).\n"
               "verify: exit status 0 when the chain is intact and the tables match it, 1 naming the first\n"
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
        if (!t && !strcmp(argv[1], "list")) {
            t = opt(&object, argc, argv, &i, "--object");
            if (!t)
                t = opt(&user, argc, argv, &i, "--user");
            if (!t)
                t = opt(&since, argc, argv, &i, "--since");
            if (!t)
                t = opt(&format, argc, argv, &i, "--format");
        }
        if (t <= 0)
            return bad_usage();
    }
    if (!strcmp(argv[1], "list") && !pub && !anchor && !key) {
        vigil_audit_filter f = {object, user, 0};
        int rc;
        if (format && strcmp(format, "table") && strcmp(format, "json")) {
            cli_error("audit list: --format is table or json, not '%s'", format);
            return EXIT_USAGE;
        }
        if (since && (rc = cli_parse_date(&f.since, "--since", since)) != 0)
            return rc;
        return do_list(as, &f, format && !strcmp(format, "json"));
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

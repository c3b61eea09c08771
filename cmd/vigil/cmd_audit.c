/*
 * vigil audit: list who did what, verify the log (chain, state replay, signed checkpoints), sign its head with
 * a key kept outside the database, make that key; and the checkpoint every command that
 * opened the registry ends with when $VIGIL_AUDIT_KEY names a key.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage_text[] =
    "usage: vigil audit list [--object OBJ] [--user NAME] [--since DATE] [--format table|json]\n"
    "                        [--as USER]\n"
    "       vigil audit verify [--pub DIR/audit.pub [--checkpoints FILE]] [--as USER]\n"
    "       vigil audit checkpoint --key DIR/audit.key\n"
    "       vigil audit keygen DIR\n";

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
    printf("audit: %lld event%s, chain intact; %lld object%s match%s the tables", (long long)rep.events,
           cli_s((unsigned long long)rep.events), (long long)rep.objects, cli_s((unsigned long long)rep.objects),
           rep.objects == 1 ? "es" : "");
    if (rep.unchecked)
        printf(", %lld not checked (hash sets, or last changed before the log recorded state)",
               (long long)rep.unchecked);
    if (pub)
        printf("; %lld signed checkpoint%s, every event covered\n", (long long)rep.checkpoints,
               cli_s((unsigned long long)rep.checkpoints));
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

void cmd_audit_usage(FILE *f)
{
    fprintf(f, "%s\nlist: who did what, oldest first: every event for admins and national officers, the events of\n"
               "the cases you may see for anyone else. --object case:3 (or unit:CODE, user:NAME), --user NAME,\n"
               "--since DATE (recorded then or later).\n"
               "verify: exit status 0 when the chain is intact and the tables match it, 1 naming the first\n"
               "event altered, removed or reordered, or the object changed outside vigil; with --pub also the\n"
               "signed checkpoints (audit.checkpoints beside the key, or --checkpoints): 1 when the log is\n"
               "shorter than one, differs from one, or has events after the last.\n"
               "checkpoint: sign the log's head; keygen: write DIR/audit.key and DIR/audit.pub.\n"
               "With $VIGIL_AUDIT_KEY set, every command that wrote events ends with a checkpoint.\n",
            usage_text);
}

int cmd_audit(int argc, char **argv)
{
    static const struct option lo[] = {{"as", required_argument, NULL, 'a'}, {"pub", required_argument, NULL, 'p'},
        {"checkpoints", required_argument, NULL, 'c'}, {"key", required_argument, NULL, 'k'},
        {"object", required_argument, NULL, 'o'}, {"user", required_argument, NULL, 'u'},
        {"since", required_argument, NULL, 's'}, {"format", required_argument, NULL, 'f'}, {NULL, 0, NULL, 0}};
    const char *as = NULL, *pub = NULL, *anchor = NULL, *key = NULL, *object = NULL, *user = NULL, *since = NULL,
               *format = NULL;
    vigil_error err;
    int opt, rc;
    if (argc < 2)
        return bad_usage();
    argc--, argv++;
    if (!strcmp(argv[0], "keygen")) {
        if ((rc = cli_no_options(argc, argv, 1)) != 0)
            return rc;
        if (vigil_audit_keygen(argv[optind], &err) < 0)
            return cli_fail(&err);
        printf("audit: key written to %s/audit.key (keep it off the database's machine), public key %s/audit.pub\n",
               argv[optind], argv[optind]);
        return EXIT_OK;
    }
    optind = 1;
    while ((opt = cli_getopt(argc, argv, "", lo, NULL)) != -1) {
        switch (opt) {
        case 'a': as = optarg; break;
        case 'p': pub = optarg; break;
        case 'c': anchor = optarg; break;
        case 'k': key = optarg; break;
        case 'o': object = optarg; break;
        case 'u': user = optarg; break;
        case 's': since = optarg; break;
        case 'f': format = optarg; break;
        default: return EXIT_USAGE;
        }
    }
    if (optind != argc)
        return bad_usage();
    if (!strcmp(argv[0], "list") && !pub && !anchor && !key) {
        vigil_audit_filter f = {object, user, 0};
        if (format && strcmp(format, "table") && strcmp(format, "json")) {
            cli_error("audit list: --format is table or json, not '%s'", format);
            return EXIT_USAGE;
        }
        if (since && (rc = cli_parse_date(&f.since, "--since", since)) != 0)
            return rc;
        return do_list(as, &f, format && !strcmp(format, "json"));
    }
    if (strcmp(argv[0], "list") && (object || user || since || format))
        return bad_usage();
    if (!strcmp(argv[0], "verify") && !key && (pub || !anchor))
        return do_verify(as, pub, anchor);
    if (!strcmp(argv[0], "checkpoint") && key && !pub && !anchor)
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

/* vigil case new|refer|accept|decline|return|status|signal|list|show|import|attach|items|categorize: the case
 * registry. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case_categorize.h"
#include "case_items_out.h"
#include "case_links_out.h"
#include "cli.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: vigil case new --unit CODE --type TYPE [--ref REF] [--title T] [--suspect ID]... [--at DATE]\n"
            "       vigil case refer CASE --to UNIT [--due DATE | --due-days N] [--at DATE]\n"
            "       vigil case accept CASE [--at DATE]\n"
            "       vigil case decline CASE --reason REASON [--note TEXT] [--at DATE]\n"
            "       vigil case return CASE --reason REASON [--note TEXT] [--at DATE]\n"
            "       vigil case status CASE investigating|prosecutor|closed [--outcome OUTCOME] [--at DATE]\n"
            "       vigil case signal CASE NAME VALUE\n"
            "       vigil case list [--unit U] [--status S] [--reason R] [--overdue] [--now DATE]\n"
            "                       [--format table|json | --linked]\n"
            "       vigil case show CASE [--now DATE] [--format text|json]\n"
            "       vigil case import FILE.csv\n"
            "       vigil case attach CASE SCAN.jsonl\n"
            "       vigil case items CASE [--verdict V] [--format table|json|csv]\n"
            "       vigil case categorize CASE --digest D --category C [--series NAME]\n"
            "       vigil case categorize CASE --from FILE.csv\n"
            "Every verb acts as the user mapped to your login (docs/access.md); an admin may name\n"
            "another with --as USER or $VIGIL_USER. A change is confirmed in one line on stdout; `new`\n"
            "prints the new case's id alone on stdout and its confirmation on stderr.\n"
            "`attach` stores the items of a scan JSONL written elsewhere with the case (all or nothing;\n"
            "again, it changes nothing); `vigil scan --store CASE` does the same during a scan.\n"
            "`categorize` records a category (and series) for items of the case, given by MD5, SHA-1 or\n"
            "SHA-256; --from reads digest,category[,series] lines (all or nothing). The categorized items\n"
            "of all the cases of the case's unit form the unit's own hash sets unit:CODE (illegal) and\n"
            "unit:CODE:interest in the store at --sets, which the next scan reads.\n"
            "CATEGORY: 1 A B C (illegal); 2 3 4 (of interest)\n"
            "TYPE: possession distribution production grooming sex-tourism network\n"
            "REASON: capacity other-priority no-digital-support insufficient-info jurisdiction duplicate\n"
            "        other (needs --note)\n"
            "OUTCOME: prosecuted settlement no-suspect insufficient-evidence transferred duplicate\n");
}

typedef struct copts {
    const char *as, *unit, *type, *title, *to, *reason, *note, *outcome, *status, *format, *ref, *verdict;
    const char *digest, *category, *series, *from;
    const char *suspects[64];
    size_t nsuspects;
    int64_t at, due, now;
    int due_days, overdue, linked;
    const char *pos[4];
    int npos;
} copts;

/* Parse the options of one verb; `allowed` lists the short codes it takes. */
static int parse(copts *o, int argc, char **argv, const char *verb, const char *allowed)
{
    static const struct option lo[] = {
        {"as", required_argument, NULL, 'A'}, {"unit", required_argument, NULL, 'u'},
        {"type", required_argument, NULL, 't'}, {"title", required_argument, NULL, 'T'},
        {"suspect", required_argument, NULL, 's'}, {"at", required_argument, NULL, '@'},
        {"to", required_argument, NULL, 'o'}, {"due", required_argument, NULL, 'd'},
        {"due-days", required_argument, NULL, 'D'}, {"reason", required_argument, NULL, 'r'},
        {"note", required_argument, NULL, 'n'}, {"outcome", required_argument, NULL, 'O'},
        {"status", required_argument, NULL, 'S'}, {"overdue", no_argument, NULL, 'v'},
        {"now", required_argument, NULL, 'N'}, {"format", required_argument, NULL, 'f'},
        {"ref", required_argument, NULL, 'R'}, {"verdict", required_argument, NULL, 'V'},
        {"linked", no_argument, NULL, 'L'}, {"digest", required_argument, NULL, 'g'},
        {"category", required_argument, NULL, 'c'}, {"series", required_argument, NULL, 'E'},
        {"from", required_argument, NULL, 'F'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    int opt, li = 0, rc;
    memset(o, 0, sizeof *o);
    o->due_days = -1;
    optind = 1;
    while ((opt = cli_getopt(argc, argv, "h", lo, &li)) != -1) {
        if (opt == 'h') {
            usage(stdout);
            return -1;
        }
        if (opt == '?')
            return EXIT_USAGE;
        if (opt != 'A' && !strchr(allowed, opt)) {
            cli_error("case %s: --%s is not an option of this verb (try 'vigil case %s --help')", verb, lo[li].name,
                      verb);
            return EXIT_USAGE;
        }
        rc = 0;
        switch (opt) {
        case 'A': o->as = optarg; break;
        case 'u': o->unit = optarg; break;
        case 't': o->type = optarg; break;
        case 'T': o->title = optarg; break;
        case 's':
            if (o->nsuspects == 64) {
                cli_error("case %s: at most 64 --suspect", verb);
                return EXIT_USAGE;
            }
            o->suspects[o->nsuspects++] = optarg;
            break;
        case '@': rc = cli_parse_date(&o->at, "--at", optarg); break;
        case 'o': o->to = optarg; break;
        case 'd': rc = cli_parse_date(&o->due, "--due", optarg); break;
        case 'D': {
            uint64_t v;
            if (cli_parse_u64(&v, optarg) < 0 || v > 3650) {
                cli_error("case %s: --due-days needs a number of days (0-3650), not '%s'", verb, optarg);
                return EXIT_USAGE;
            }
            o->due_days = (int)v;
            break;
        }
        case 'r': o->reason = optarg; break;
        case 'n': o->note = optarg; break;
        case 'O': o->outcome = optarg; break;
        case 'S': o->status = optarg; break;
        case 'v': o->overdue = 1; break;
        case 'N': rc = cli_parse_date(&o->now, "--now", optarg); break;
        case 'f': o->format = optarg; break;
        case 'R': o->ref = optarg; break;
        case 'V': o->verdict = optarg; break;
        case 'L': o->linked = 1; break;
        case 'g': o->digest = optarg; break;
        case 'c': o->category = optarg; break;
        case 'E': o->series = optarg; break;
        case 'F': o->from = optarg; break;
        }
        if (rc)
            return rc;
    }
    for (int i = optind; i < argc; i++) {
        if (o->npos == 4) {
            cli_error("case %s: too many arguments", verb);
            return EXIT_USAGE;
        }
        o->pos[o->npos++] = argv[i];
    }
    return 0;
}

static int need_pos(const copts *o, int n, const char *verb, const char *what)
{
    if (o->npos != n) {
        cli_error("case %s: expected %s", verb, what);
        return EXIT_USAGE;
    }
    return 0;
}

static int case_new(copts *o, vigil_registry *reg, vigil_actor *who, vigil_error *err)
{
    vigil_case_spec s = {o->unit, o->type, o->title, o->suspects, o->nsuspects, o->at, o->ref};
    int64_t id;
    int rc = vigil_case_new(&id, reg, who, &s, err);
    if (rc == 0) {   /* stdout carries the id for scripts; the confirmation goes beside it */
        printf("%lld\n", (long long)id);
        fflush(stdout);
        fprintf(stderr, "%s\n", cli_text(vigil_registry_last_change(reg)));
    }
    return rc;
}

static int max_i(int a, int b)
{
    return a > b ? a : b;
}

static int print_list(const vigil_case_row *v, size_t n, int json, vigil_error *err)
{
    if (json)
        return vigil_case_rows_write_json(stdout, v, n, err);
    int wref = 3, wown = 5, wpend = 7;   /* columns as wide as their longest value */
    for (size_t i = 0; i < n; i++) {
        wref = max_i(wref, (int)strlen(cli_text(v[i].ref)));
        wown = max_i(wown, (int)strlen(cli_text(v[i].owner)));
        wpend = max_i(wpend, (int)strlen(cli_text(v[i].pending_to)));
    }
    printf("%-8s %-*s %-13s %-13s %-*s %-10s %-*s %-10s %-7s %s\n", "ID", wref, "REF", "TYPE", "STATUS", wown,
           "OWNER", "REGISTERED", wpend, "PENDING", "DUE", "OVERDUE", "TITLE");
    for (size_t i = 0; i < n; i++) {
        printf("%-8lld %-*s %-13s %-13s ", (long long)v[i].id, wref, v[i].ref[0] ? cli_text(v[i].ref) : "-",
               v[i].type, v[i].status);
        printf("%-*s %-10s ", wown, cli_text(v[i].owner), v[i].registered);
        printf("%-*s %-10s %-7s %s\n", wpend, v[i].pending_to[0] ? cli_text(v[i].pending_to) : "-",
               v[i].due[0] ? v[i].due : "-", v[i].overdue ? "yes" : "", v[i].title[0] ? cli_text(v[i].title) : "-");
    }
    return 0;
}

static int case_list(copts *o, vigil_registry *reg, vigil_actor *who, vigil_error *err)
{
    vigil_case_filter f = {.unit = o->unit, .status = o->status, .overdue = o->overdue, .now = o->now, .reason = o->reason};
    vigil_case_row *v;
    size_t n;
    int rc = vigil_case_list(&v, &n, reg, who, &f, err);
    if (rc == 0 && o->linked)   /* the cases that hold files other cases hold too, and those */
        rc = case_links_list(reg, who, v, n, err);
    else if (rc == 0)
        rc = print_list(v, n, o->format && !strcmp(o->format, "json"), err);
    free(v);
    return rc;
}

/* Text from users and seized media goes through cli_text: escapes in it must not reach the terminal. */
static void show_text(const vigil_case *c)
{
    printf("case %lld  %s  %s%s%s\n", (long long)c->id, c->type, c->status, c->outcome[0] ? " / " : "",
           cli_text(c->outcome));
    printf("reference:  %s\n", c->ref[0] ? cli_text(c->ref) : "-");
    printf("title:      %s\nsuspects:   %s\nregistered: %s by %s\nowner:      %s\n", c->title ? cli_text(c->title) : "-",
           c->suspects ? cli_text(c->suspects) : "-", c->registered, cli_text(c->reg_unit), cli_text(c->owner_unit));
    printf("priority:   %.2f\n", c->priority);
    for (size_t i = 0; i < c->nfactors; i++)
        printf("  %-24s %6g x %-6g = %g\n", cli_text(c->factor[i].name), c->factor[i].value, c->factor[i].weight,
               c->factor[i].value * c->factor[i].weight);
    for (size_t i = 0; i < c->nfactors; i++)
        if (!strcmp(c->factor[i].name, VIGIL_FACTOR_SEEN_ELSEWHERE))
            printf("  (a suspect is also named in cases of other units: ask the national unit)\n");
    printf("referrals:\n");
    for (size_t i = 0; i < c->nreferrals; i++) {
        const vigil_referral *r = &c->referral[i];
        printf("  %s -> %s sent %.10s due %s: %s%s%s%s%s%s%s\n", cli_text(r->from), cli_text(r->to), r->sent, r->due,
               r->state, r->answered[0] ? " " : "", r->answered[0] ? r->answered : "", r->reason[0] ? " reason " : "",
               cli_text(r->reason), r->note ? " note: " : "", r->note ? cli_text(r->note) : "");
        if (r->overdue)
            printf("    OVERDUE\n");
    }
    printf("history:\n");
    for (size_t i = 0; i < c->nhistory; i++) {
        const vigil_case_event *e = &c->history[i];
        printf("  %s  %-10s  %-8s", e->at, e->event, e->who[0] ? cli_text(e->who) : "-");
        printf("  %s\n", e->detail ? cli_text(e->detail) : "");
    }
}

static int run_change(const char *verb, copts *o, vigil_registry *reg, vigil_actor *who, vigil_error *err);

/* A change that worked says what it did, in one line. */
static int run_verb(const char *verb, copts *o, vigil_registry *reg, vigil_actor *who, vigil_error *err)
{
    int rc = run_change(verb, o, reg, who, err);
    if (rc == 0 && strcmp(verb, "new") && strcmp(verb, "list") && strcmp(verb, "show") && strcmp(verb, "import") &&
        strcmp(verb, "items") && strcmp(verb, "categorize"))
        printf("%s\n", cli_text(vigil_registry_last_change(reg)));
    return rc;
}

static int run_change(const char *verb, copts *o, vigil_registry *reg, vigil_actor *who, vigil_error *err)
{
    int64_t id = 0;
    if (strcmp(verb, "new") && strcmp(verb, "list") && strcmp(verb, "import") && o->npos > 0 &&
        cli_parse_case_id(&id, o->pos[0]) != 0)
        return VIGIL_EUSAGE;
    if (!strcmp(verb, "new"))
        return case_new(o, reg, who, err);
    if (!strcmp(verb, "refer"))
        return vigil_case_refer(reg, who, id, o->to, o->due, o->due_days, o->at, err);
    if (!strcmp(verb, "accept"))
        return vigil_case_accept(reg, who, id, o->at, err);
    if (!strcmp(verb, "decline") || !strcmp(verb, "return"))
        return vigil_case_decline(reg, who, id, o->reason, o->note, verb[0] == 'r', o->at, err);
    if (!strcmp(verb, "status"))
        return vigil_case_set_status(reg, who, id, o->pos[1], o->outcome, o->at, err);
    if (!strcmp(verb, "signal")) {
        uint64_t v;
        if (cli_parse_u64(&v, o->pos[2]) < 0)
            return vigil_error_set(err, VIGIL_EUSAGE, "case signal: VALUE must be a number, not '%s'", o->pos[2]);
        return vigil_case_signal_set(reg, who, id, o->pos[1], (int64_t)v, err);
    }
    if (!strcmp(verb, "list"))
        return case_list(o, reg, who, err);
    if (!strcmp(verb, "attach")) {
        vigil_case_store_result r;
        return vigil_case_attach(&r, reg, who, id, o->pos[1], err);
    }
    if (!strcmp(verb, "categorize"))
        return case_categorize_run(reg, who, id, o->digest, o->category, o->series, o->from, err);
    if (!strcmp(verb, "items"))
        return case_items_print(reg, who, id, o->verdict, o->format, err);
    if (!strcmp(verb, "show")) {
        vigil_case *c;
        int rc = vigil_case_get(&c, reg, who, id, o->now, err);
        if (rc == 0) {
            if (o->format && !strcmp(o->format, "json"))
                rc = vigil_case_write_json(stdout, c, err);
            else
                show_text(c);
        }
        if (rc == 0 && (!o->format || strcmp(o->format, "json")))
            rc = case_links_show(reg, who, id, err);
        vigil_case_free(c);
        return rc;
    }
    {
        vigil_import_result r;
        int rc = vigil_case_import(&r, reg, who, o->pos[0], err);
        if (rc == 0)
            printf("%s: %llu line%s: %llu new, %llu unchanged; %llu referral%s, %llu answer%s imported\n",
                   cli_text(o->pos[0]), (unsigned long long)r.lines, cli_s(r.lines), (unsigned long long)r.cases,
                   (unsigned long long)r.unchanged, (unsigned long long)r.referrals, cli_s(r.referrals),
                   (unsigned long long)r.answers, cli_s(r.answers));
        return rc;
    }
}

/* Which options and arguments each verb takes. */
static const struct verb { const char *name, *allowed, *args; int npos; } verbs[] = {
    {"new", "utTsR@", "no argument", 0},
    {"refer", "odD@", "CASE", 1},
    {"accept", "@", "CASE", 1},
    {"decline", "rn@", "CASE", 1},
    {"return", "rn@", "CASE", 1},
    {"status", "O@", "CASE and investigating|prosecutor|closed", 2},
    {"signal", "", "CASE NAME VALUE", 3},
    {"list", "uSrvNfL", "no argument", 0},
    {"show", "Nf", "CASE", 1},
    {"import", "", "one FILE.csv", 1},
    {"attach", "", "CASE and one SCAN.jsonl", 2},
    {"items", "Vf", "CASE", 1},
    {"categorize", "gcEF", "CASE", 1},
};

static int check_verb(const struct verb *v, const copts *o)
{
    int rc = need_pos(o, v->npos, v->name, v->args);
    if (rc)
        return rc;
    if (!strcmp(v->name, "new") && (!o->unit || !o->type)) {
        cli_error("case new: --unit and --type are required");
        return EXIT_USAGE;
    }
    if (!strcmp(v->name, "refer") && (!o->to || (o->due && o->due_days >= 0))) {
        cli_error("case refer: --to is required; give --due or --due-days, not both");
        return EXIT_USAGE;
    }
    if ((!strcmp(v->name, "decline") || !strcmp(v->name, "return")) && !o->reason) {
        cli_error("case %s: --reason is required", v->name);
        return EXIT_USAGE;
    }
    if (!strcmp(v->name, "categorize") && (o->from ? o->digest || o->category || o->series
                                                    : !o->digest || !o->category)) {
        cli_error("case categorize: give --digest and --category (and --series), or --from FILE.csv alone");
        return EXIT_USAGE;
    }
    if (o->linked && o->format) {
        cli_error("case list: --linked prints a table of its own: no --format");
        return EXIT_USAGE;
    }
    if (o->format && strcmp(o->format, "json") && strcmp(o->format, !strcmp(v->name, "show") ? "text" : "table") &&
        (strcmp(v->name, "items") || strcmp(o->format, "csv"))) {
        cli_error("case %s: unknown --format '%s'", v->name, o->format);
        return EXIT_USAGE;
    }
    return 0;
}

int cmd_case(int argc, char **argv)
{
    vigil_registry *reg;
    vigil_actor who;
    vigil_error err;
    copts o;
    int rc;
    if (argc < 2 || !strcmp(argv[1], "--help")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++) {
        if (strcmp(argv[1], verbs[i].name))
            continue;
        if ((rc = parse(&o, argc - 1, argv + 1, verbs[i].name, verbs[i].allowed)) != 0)
            return rc < 0 ? EXIT_OK : rc;
        if ((rc = check_verb(&verbs[i], &o)) != 0)
            return rc;
        /* list and show only read: a mistyped --db is said, not made */
        if ((rc = (!strcmp(verbs[i].name, "list") || !strcmp(verbs[i].name, "show") || !strcmp(verbs[i].name, "items"))
                      ? cli_reg_open_existing(&reg, &who, o.as) : cli_reg_open(&reg, &who, o.as)) != 0)
            return rc;
        vigil_error_clear(&err);
        rc = run_verb(verbs[i].name, &o, reg, &who, &err);
        vigil_registry_close(reg);
        if (rc == VIGIL_EUSAGE && !err.msg[0])
            return EXIT_USAGE;
        return rc < 0 ? cli_fail(&err) : EXIT_OK;
    }
    cli_error("case: unknown verb '%s' (try 'vigil case --help')", argv[1]);
    return EXIT_USAGE;
}

void cmd_case_usage(FILE *f)
{
    usage(f);
}

/* vigil stats: referral statistics by unit, reason, month or offence type, as table, CSV or JSON. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: vigil stats [--by unit|reason|month|type] [--from DATE] [--to DATE] [--now DATE]\n"
               "                   [--format table|csv|json] [--as USER]\n"
               "Referrals to domestic units: referred, accepted, declined (or returned; per reason),\n"
               "pending, overdue (pending past due at --now), median days to answer; plus cases\n"
               "registered by units themselves and referrals to foreign services.\n");
}

static void table_row(const vigil_stats_row *r)
{
    char med[16] = "-";
    if (r->median_days >= 0)
        snprintf(med, sizeof med, "%g", r->median_days);
    printf("%-14s %8lld %8lld %8lld %8lld %8lld %7s", cli_text(r->group), (long long)r->referred, (long long)r->accepted,
           (long long)r->declined, (long long)r->pending, (long long)r->overdue, med);
    for (int k = 0; k < 7; k++)
        printf(" %6lld", (long long)r->reasons[k]);
    printf(" %8lld %8lld\n", (long long)r->self_registered, (long long)r->foreign);
}

static int print(const vigil_stats *s, const char *fmt, vigil_error *err)
{
    if (!strcmp(fmt, "json"))
        return vigil_stats_write_json(stdout, s, err);
    if (!strcmp(fmt, "csv"))
        return vigil_stats_write_csv(stdout, s, err);
    printf("%-14s %8s %8s %8s %8s %8s %7s %6s %6s %6s %6s %6s %6s %6s %8s %8s\n", "GROUP", "REFERRED",
           "ACCEPTED", "DECLINED", "PENDING", "OVERDUE", "MEDIAN", "capac", "o-prio", "no-dig", "insuff",
           "juris", "dupl", "other", "SELF-REG", "FOREIGN");
    for (size_t i = 0; i < s->nrows; i++)
        table_row(&s->rows[i]);
    table_row(&s->total);
    return 0;
}

int cmd_stats(int argc, char **argv)
{
    static const struct option lo[] = {{"by", required_argument, NULL, 'b'},
        {"from", required_argument, NULL, 'F'}, {"to", required_argument, NULL, 'T'},
        {"now", required_argument, NULL, 'N'}, {"format", required_argument, NULL, 'f'},
        {"as", required_argument, NULL, 'a'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    static const char *const bys[] = {"unit", "reason", "month", "type"};
    vigil_stats_query q = {VIGIL_STATS_BY_UNIT, 0, -1, 0};
    const char *as = NULL, *fmt = "table";
    vigil_registry *reg;
    vigil_actor who;
    vigil_error err;
    vigil_stats s;
    int opt, rc, found;
    int64_t t;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
        switch (opt) {
        case 'b':
            found = 0;
            for (int i = 0; i < 4; i++)
                if (!strcmp(optarg, bys[i])) {
                    q.by = (vigil_stats_by)i;
                    found = 1;
                }
            if (!found) {
                cli_error("stats: --by is unit, reason, month or type, not '%s'", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'F':
            if ((rc = cli_parse_date(&t, "--from", optarg)))
                return rc;
            q.from = t / 86400;
            break;
        case 'T':
            if ((rc = cli_parse_date(&t, "--to", optarg)))
                return rc;
            q.to = t / 86400;
            break;
        case 'N':
            if ((rc = cli_parse_date(&q.now, "--now", optarg)))
                return rc;
            break;
        case 'f': fmt = optarg; break;
        case 'a': as = optarg; break;
        case 'h': usage(stdout); return EXIT_OK;
        default: usage(stderr); return EXIT_USAGE;
        }
    }
    if (optind != argc || (strcmp(fmt, "table") && strcmp(fmt, "csv") && strcmp(fmt, "json"))) {
        cli_error("stats: --format is table, csv or json; no other arguments");
        return EXIT_USAGE;
    }
    if (q.to >= 0 && q.to < q.from) {
        cli_error("stats: --to is before --from");
        return EXIT_USAGE;
    }
    if ((rc = cli_reg_open_existing(&reg, &who, as)) != 0)
        return rc;
    rc = vigil_stats_compute(&s, reg, &who, &q, &err);
    vigil_registry_close(reg);
    if (rc < 0)
        return cli_fail(&err);
    rc = print(&s, fmt, &err);
    vigil_stats_dispose(&s);
    return rc < 0 ? cli_fail(&err) : EXIT_OK;
}

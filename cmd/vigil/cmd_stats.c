/* vigil stats: referral statistics by unit, reason, month or offence type, as table, CSV or JSON. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: vigil stats [--by unit|reason|month|type] [--from DATE] [--to DATE] [--now DATE]\n"
               "                   [--format table|csv|json] [--as USER]\n"
               "Of the referrals to domestic units sent in the period (--from, --to): received, accepted,\n"
               "declined (or returned; per reason), pending, overdue (pending past due at --now), median\n"
               "days to answer; plus cases registered by units themselves and referrals to foreign\n"
               "services. The table prints the period, --now and a legend with it.\n");
}

/* The table: every cell is text first, so that each column is as wide as its widest cell. */
#define NCOLS 16
static const char *const heads[NCOLS] = {"GROUP", "RECEIVED", "ACCEPTED", "DECLINED", "PENDING", "OVERDUE",
                                         "MEDIAN", "CAP", "PRIO", "NODIG", "INFO", "JUR", "DUP", "OTHER",
                                         "SELF-REG", "FOREIGN"};

/* "n (p%)" of the referrals received in the group. */
static void share(char *buf, size_t cap, int64_t n, int64_t of)
{
    if (of > 0)
        snprintf(buf, cap, "%lld (%.0f%%)", (long long)n, 100.0 * (double)n / (double)of);
    else
        snprintf(buf, cap, "%lld", (long long)n);
}

static void cells(char c[NCOLS][48], const vigil_stats_row *r)
{
    snprintf(c[0], 48, "%s", cli_text(r->group));
    snprintf(c[1], 48, "%lld", (long long)r->referred);
    share(c[2], 48, r->accepted, r->referred);
    share(c[3], 48, r->declined, r->referred);
    share(c[4], 48, r->pending, r->referred);
    share(c[5], 48, r->overdue, r->referred);
    if (r->median_days >= 0)
        snprintf(c[6], 48, "%g d", r->median_days);
    else
        snprintf(c[6], 48, "-");
    for (int k = 0; k < 7; k++)
        snprintf(c[7 + k], 48, "%lld", (long long)r->reasons[k]);
    snprintf(c[14], 48, "%lld", (long long)r->self_registered);
    snprintf(c[15], 48, "%lld", (long long)r->foreign);
}

static void print_cells(char c[NCOLS][48], const int *w)
{
    printf("%-*s", w[0], c[0]);
    for (int k = 1; k < NCOLS; k++)
        printf("  %*s", w[k], c[k]);
    printf("\n");
}

static void day_text(char *buf, size_t cap, int64_t day)
{
    vigil_date_format(buf, cap, day * 86400, 0);
}

static void print_table(const vigil_stats *s, const vigil_stats_query *q, const char *by)
{
    char (*c)[NCOLS][48] = calloc(s->nrows + 2, sizeof *c);
    char from[12] = "the start", to[12] = "today", now[24];
    int w[NCOLS];
    size_t n = s->nrows + 2;
    if (!c) {
        cli_error("stats: out of memory");
        return;
    }
    for (int k = 0; k < NCOLS; k++)
        snprintf(c[0][k], 48, "%s", heads[k]);
    for (size_t i = 0; i < s->nrows; i++)
        cells(c[i + 1], &s->rows[i]);
    cells(c[n - 1], &s->total);
    snprintf(c[n - 1][0], 48, "TOTAL");
    for (int k = 0; k < NCOLS; k++) {
        w[k] = 0;
        for (size_t i = 0; i < n; i++)
            if ((int)strlen(c[i][k]) > w[k])
                w[k] = (int)strlen(c[i][k]);
    }
    if (q->from > 0)
        day_text(from, sizeof from, q->from);
    if (q->to >= q->from && q->to > 0)
        day_text(to, sizeof to, q->to);
    vigil_date_format(now, sizeof now, q->now ? q->now : time(NULL), 1);
    printf("Referrals sent from %s to %s, by %s; states as of %s (--now).\n\n", from, to, by, now);
    for (size_t i = 0; i < n; i++)
        print_cells(c[i], w);
    printf("\nEvery figure but SELF-REG and FOREIGN counts the referrals to domestic units sent in the period,\n"
           "grouped by %s, as they stand at --now; %% is of RECEIVED.\n"
           "  RECEIVED  referrals sent to the group's units in the period\n"
           "  ACCEPTED  of those, accepted           DECLINED  of those, declined or returned\n"
           "  PENDING   of those, not yet answered   OVERDUE   of those, pending past their due date\n"
           "  MEDIAN    of those answered, median days from sending to the answer\n"
           "  CAP PRIO NODIG INFO JUR DUP OTHER: of the declined or returned, by reason: capacity,\n"
           "            other-priority, no-digital-support, insufficient-info, jurisdiction, duplicate, other\n"
           "  SELF-REG  cases the group's units registered themselves in the period (not referrals)\n"
           "  FOREIGN   referrals the group's units sent to foreign services in the period (not in RECEIVED)\n",
           !strcmp(by, "unit") ? "receiving unit" : !strcmp(by, "month") ? "month sent" : by);
    free(c);
}

static int print(const vigil_stats *s, const vigil_stats_query *q, const char *by, const char *fmt, vigil_error *err)
{
    if (!strcmp(fmt, "json"))
        return vigil_stats_write_json(stdout, s, err);
    if (!strcmp(fmt, "csv"))
        return vigil_stats_write_csv(stdout, s, err);
    print_table(s, q, by);
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
    while ((opt = cli_getopt(argc, argv, "h", lo, NULL)) != -1) {
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
        default: return EXIT_USAGE;
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
    rc = print(&s, &q, bys[q.by], fmt, &err);
    vigil_stats_dispose(&s);
    return rc < 0 ? cli_fail(&err) : EXIT_OK;
}

void cmd_stats_usage(FILE *f)
{
    usage(f);
}

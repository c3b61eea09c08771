/* vigil hashset import|list|remove|reindex|upgrade...: the known-hash sets in the store. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: vigil hashset import --name NAME --kind illegal|benign|interest [--category C]\n"
            "                            [--series S] [--format auto|NAME]\n"
            "                            [--replace [--change-kind]] [--lenient] [--memory SIZE]\n"
            "                            [--category-map FILE] [--base DB] [--as USER] FILE...\n"
            "       vigil hashset list [--json]\n"
            "       vigil hashset remove [--as USER] --name NAME   (or: remove NAME)\n"
            "       vigil hashset reindex\n"
            "       vigil hashset upgrade\n"
            "       vigil hashset check [--json]\n"
            "       vigil hashset dispute DIGEST --reason TEXT [--set NAME] [--as USER]\n"
            "       vigil hashset undispute DIGEST [--as USER]\n"
            "       vigil hashset disputes [--export FILE]\n"
            "       vigil hashset export --name NAME --format vics|hashdeep|csv|vpdq [-o|--output FILE]\n"
            "A malformed line fails its file (nothing of it is stored) unless --lenient, which rejects\n"
            "such lines with a count. Digests of the empty file are skipped: they prove nothing.\n"
            "--format list prints the formats this build reads. --replace makes the import a new\n"
            "version of the set (atomically), of the same kind unless --change-kind; --memory bounds\n"
            "the memory used for sorting (default 256M; the rest spills to a folder beside the\n"
            "database). upgrade converts a store written by an older vigil; the commands that write\n"
            "to the store do it first. import, remove,\n"
            "dispute and undispute act as a registry user (--as, as for the case commands), are\n"
            "allowed to admins and national officers unless $VIGIL_CONFIG says otherwise\n"
            "(hashset.<change> = admin national officer analyst), and are audit events.\n"
            "list shows each set's PDQ entries: a list without them gives no near matching. To add\n"
            "PDQ to a list whose pictures you hold: 'vigil hash --pdq PICTURES > list.hashdeep', then\n"
            "'vigil hashset import --replace --name NAME --kind KIND list.hashdeep' (or 'vigil pdq\n"
            "PICTURES > list.pdq' and --format pdq); VICS and NCMEC lists carry PDQ too.\n"
            "The database and its <db>.sets/ folder are one store: copy them together.\n");
}

static void on_reject(const char *msg, void *ud)
{
    (void)ud;
    cli_error("%s", msg);
}

/* A progress line on a terminal, redrawn at most five times a second. */
typedef struct import_ui {
    int tty;
    double last;
    int drawn;
} import_ui;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void on_progress(const char *file, uint64_t done, uint64_t total, void *ud)
{
    import_ui *ui = ud;
    const char *base = file ? strrchr(file, '/') : NULL;
    double t = now_s();
    if (!ui->tty || (t - ui->last < 0.2 && done < total))
        return;
    ui->last = t;
    ui->drawn = 1;
    if (!file)
        fprintf(stderr, "\r\033[Kimport: merging and writing the set: %3.0f%% of %llu records",
                total ? 100.0 * (double)done / (double)total : 100.0, (unsigned long long)total);
    else if (total)
        fprintf(stderr, "\r\033[Kimport %s: %3.0f%% of %.1f MB", cli_text(base ? base + 1 : file), 100.0 * (double)done / (double)total,
                (double)total / 1e6);
    else
        fprintf(stderr, "\r\033[Kimport %s: %.1f MB", cli_text(base ? base + 1 : file), (double)done / 1e6);
}

static void print_counts(const char *what, const vigil_import_stats *s)
{
    unsigned long long read = s->records + s->rejected;
    printf("%s: %llu record%s read = %llu added + %llu duplicate%s + %llu empty-file digest%s skipped + %llu "
           "rejected + %llu retracted; %llu conflict%s\n",
           cli_text(what), read, cli_s(read), (unsigned long long)s->added, (unsigned long long)s->duplicates,
           cli_s(s->duplicates), (unsigned long long)s->skipped_empty, cli_s(s->skipped_empty),
           (unsigned long long)s->rejected, (unsigned long long)s->retracted, (unsigned long long)s->conflicts,
           cli_s(s->conflicts));
}

static void on_file(const char *file, const vigil_import_stats *fs, void *ud)
{
    import_ui *ui = ud;
    if (ui->drawn) {
        fputs("\r\033[K", stderr);
        ui->drawn = 0;
    }
    print_counts(file, fs);
}

/* "auto, hashdeep, ...": the formats this build reads, from the library's format table. */
static void known_formats(char *out, size_t cap)
{
    size_t used = 0;
    out[0] = '\0';
    for (int f = 0; f < VIGIL_FORMAT__COUNT; f++) {
        const char *name = vigil_hashset_format_name((vigil_hashset_format)f);
        int n;
        if (!strcmp(name, "?"))
            continue;
        n = snprintf(out + used, cap - used, "%s%s", used ? ", " : "", name);
        if (n < 0 || (size_t)n >= cap - used)
            break;
        used += (size_t)n;
    }
}

/* For the commands that read (and reindex): a store that is not there is said, not made. */
static int open_store(vigil_store **st)
{
    vigil_error err;
    if (vigil_store_open_existing(st, cli.sets, &err) < 0)
        return cli_fail(&err);
    return 0;
}

/* For the commands that write: convert a store of an older vigil first, then open it. */
static int open_store_to_write(vigil_store **st)
{
    vigil_error err;
    if (vigil_store_upgrade(cli.sets, NULL, &err) < 0 || vigil_store_open(st, cli.sets, &err) < 0)
        return cli_fail(&err);
    return 0;
}

/* The store for a change to the sets by the registry's user `as` (cli_reg_open resolves it):
 * the access policy is asked first, so that a refused user changes nothing (the store is not
 * even created or upgraded); the store then holds every change to it and records it in the
 * registry's audit log under who's name. */
static int open_audited(vigil_store **st, vigil_registry **reg, vigil_actor *who, const char *as,
                        vigil_hashset_op op)
{
    vigil_error err;
    int rc = cli_reg_open(reg, who, as);
    if (rc != 0)
        return rc;
    if (vigil_hashset_authorize(*reg, who, op, &err) < 0) {
        vigil_registry_close(*reg);
        return cli_fail(&err);
    }
    if ((rc = open_store_to_write(st)) != 0) {
        vigil_registry_close(*reg);
        return rc;
    }
    if (vigil_audit_hashsets(*st, *reg, who, &err) == 0)
        return 0;
    vigil_store_close(*st);
    vigil_registry_close(*reg);
    return cli_fail(&err);
}

static void close_audited(vigil_store *st, vigil_registry *reg)
{
    vigil_store_close(st);
    vigil_registry_close(reg);
}

static int cmd_import(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"name", required_argument, NULL, 'n'}, {"kind", required_argument, NULL, 'k'},
        {"category", required_argument, NULL, 'c'}, {"series", required_argument, NULL, 's'},
        {"format", required_argument, NULL, 'f'}, {"replace", no_argument, NULL, 'r'},
        {"lenient", no_argument, NULL, 'l'}, {"memory", required_argument, NULL, 'm'},
        {"category-map", required_argument, NULL, 'C'}, {"base", required_argument, NULL, 'b'},
        {"change-kind", no_argument, NULL, 'K'}, {"as", required_argument, NULL, 'A'},
        {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    vigil_import_opts o = {.kind = VIGIL_KIND__COUNT, .format = VIGIL_FORMAT_AUTO};
    vigil_actor who;
    const char *as = NULL;
    import_ui ui = {.tty = isatty(2)};
    uint64_t mem;
    vigil_import_stats s;
    vigil_store *st;
    vigil_registry *reg;
    vigil_error err;
    int opt, rc;
    while ((opt = cli_getopt(argc, argv, "h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'n': o.name = optarg; break;
        case 'k':
            if (vigil_hashset_kind_parse(&o.kind, optarg) < 0) {
                cli_error("hashset import: --kind is illegal, benign or interest, not '%s'", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'c': o.category = optarg; break;
        case 's': o.series = optarg; break;
        case 'f':
            if (vigil_hashset_format_parse(&o.format, optarg) < 0) {
                char known[512];
                known_formats(known, sizeof known);
                if (!strcmp(optarg, "list")) {
                    printf("%s\n", known);
                    return EXIT_OK;
                }
                cli_error("hashset import: unknown format '%s' (known: %s)", optarg, known);
                return EXIT_USAGE;
            }
            break;
        case 'r': o.replace = 1; break;
        case 'l': o.lenient = 1; break;
        case 'm':
            if (cli_parse_u64(&mem, optarg) < 0 || mem < (1u << 20) || mem > ((uint64_t)1 << 40)) {
                cli_error("hashset import: --memory is a size from 1M to 1T (e.g. 256M), not '%s'", optarg);
                return EXIT_USAGE;
            }
            o.memory = (size_t)mem;
            break;
        case 'C': o.category_map = optarg; break;
        case 'b': o.base = optarg; break;
        case 'K': o.change_kind = 1; break;
        case 'A': as = optarg; break;
        case 'h': usage(stdout); return EXIT_OK;
        default: return EXIT_USAGE;
        }
    }
    if (!o.name || o.kind == VIGIL_KIND__COUNT || optind >= argc) {
        cli_error("hashset import: --name, --kind and at least one FILE are required");
        return EXIT_USAGE;
    }
    if (o.change_kind && !o.replace) {
        cli_error("hashset import: --change-kind goes with --replace");
        return EXIT_USAGE;
    }
    /* a missing file is said before anything is opened or written */
    if ((rc = cli_check_inputs((const char *const *)argv + optind, (size_t)(argc - optind))) != 0 ||
        (rc = cli_check_inputs(&o.category_map, 1)) != 0)
        return rc;
    if ((rc = open_audited(&st, &reg, &who, as, o.replace ? VIGIL_HASHSET_REPLACE : VIGIL_HASHSET_IMPORT)) != 0)
        return rc;
    o.who = who.name;
    o.on_reject = on_reject;
    o.on_progress = on_progress;
    o.on_file = on_file;
    o.ud = &ui;
    rc = vigil_hashset_import(&s, st, (const char *const *)argv + optind, (size_t)(argc - optind), &o, &err);
    close_audited(st, reg);
    if (ui.drawn)
        fputs("\r\033[K", stderr);
    if (rc < 0 && s.records + s.rejected == 0)
        return cli_fail(&err);
    print_counts(o.name, &s);
    if (rc < 0)
        return cli_fail(&err);
    return EXIT_OK;
}

/* [--json] and nothing else: 0, or EXIT_USAGE after one line saying why. */
static int json_flag(int *json, int argc, char **argv)
{
    static const struct option longopts[] = {{"json", no_argument, NULL, 'J'}, {NULL, 0, NULL, 0}};
    int opt;
    *json = 0;
    while ((opt = cli_getopt(argc, argv, "", longopts, NULL)) != -1) {
        if (opt != 'J')
            return EXIT_USAGE;
        *json = 1;
    }
    if (optind != argc) {
        cli_error("%s: takes no argument, only --json (try 'vigil %s --help')", cli.what, cli.what);
        return EXIT_USAGE;
    }
    return 0;
}

static int cmd_list(int argc, char **argv)
{
    vigil_hashset_info *v, *all = NULL;
    vigil_store *st;
    vigil_error err;
    size_t n, nall = 0;
    int json, rc;
    if ((rc = json_flag(&json, argc, argv)) != 0)
        return rc;
    if ((rc = open_store(&st)) != 0)
        return rc;
    rc = vigil_hashset_list(&v, &n, st, &err);
    if (rc == 0 && json && (rc = vigil_hashset_versions(&all, &nall, st, &err)) < 0)
        vigil_hashset_info_free(v, n);
    vigil_store_close(st);
    if (rc < 0)
        return cli_fail(&err);
    if (json) {
        rc = vigil_hashset_infos_write_json(stdout, v, n, all, nall, &err);
        vigil_hashset_info_free(v, n);
        vigil_hashset_info_free(all, nall);
        return rc < 0 ? cli_fail(&err) : EXIT_OK;
    }
    /* a database copied without its segment folder: said once, and each such set marked */
    if (vigil_hashset_check_segments(v, n, cli.sets, &err) < 0)
        cli_error("hashset list: %s", err.msg);
    printf("%-24s %-9s %10s %4s %10s %6s  %-20s  %-10s %-16s %s\n", "NAME", "KIND", "ENTRIES", "VER", "PDQ",
           "VIDEOS", "IMPORTED", "FORMAT", "RELEASE", "SOURCES");
    for (size_t i = 0; i < n; i++)
        printf("%-24s %-9s %10llu %4lld %10llu %6llu  %-20s  %-10s %-16s %s%s\n", cli_text(v[i].name),
               vigil_hashset_kind_name(v[i].kind), (unsigned long long)v[i].entries, (long long)v[i].version,
               (unsigned long long)v[i].pdq_entries, (unsigned long long)v[i].videos, cli_text(v[i].imported_at),
               cli_text(v[i].format),
               v[i].release ? cli_text(v[i].release) : "-", cli_text(v[i].sources),
               v[i].segment_missing ? "  [segment file missing]" : "");
    vigil_hashset_info_free(v, n);
    vigil_hashset_info_free(all, nall);
    return EXIT_OK;
}

static int cmd_remove(int argc, char **argv)
{
    static const struct option longopts[] = {{"name", required_argument, NULL, 'n'},
                                              {"as", required_argument, NULL, 'A'},
                                              {NULL, 0, NULL, 0}};
    const char *name = NULL, *as = NULL;
    vigil_store *st;
    vigil_registry *reg;
    vigil_actor who;
    vigil_error err;
    int opt, rc;
    while ((opt = cli_getopt(argc, argv, "", longopts, NULL)) != -1) {
        if (opt == 'n')
            name = optarg;
        else if (opt == 'A')
            as = optarg;
        else
            return EXIT_USAGE;
    }
    if (!name && optind == argc - 1)
        name = argv[optind++];
    if (!name || optind != argc) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if ((rc = open_audited(&st, &reg, &who, as, VIGIL_HASHSET_REMOVE)) != 0)
        return rc;
    rc = vigil_hashset_remove(st, name, &err);
    close_audited(st, reg);
    return rc < 0 ? cli_fail(&err) : EXIT_OK;
}

static int cmd_reindex(int argc, char **argv)
{
    vigil_store *st;
    vigil_error err;
    int rc;
    if ((rc = cli_no_options(argc, argv, 0)) != 0)
        return rc;
    /* a rebuild of a store that is there: a mistyped path is said, not made */
    if (vigil_store_upgrade(cli.sets, NULL, &err) < 0)
        return cli_fail(&err);
    if ((rc = open_store(&st)) != 0)
        return rc;
    rc = vigil_index_build(st, &err);
    vigil_store_close(st);
    return rc < 0 ? cli_fail(&err) : EXIT_OK;
}

typedef struct check_out {
    int json, n;
    int write_failed;
    vigil_error err;         /* why the output could not be written */
} check_out;

static void on_problem(void *ud, const char *problem, const char *set, const char *digest, const char *detail)
{
    check_out *c = ud;
    if (!c->json) {
        printf("%-16s %-20s %-64s %s\n", problem, cli_text(set), digest ? digest : "-", cli_text(detail));
        return;
    }
    if (!c->write_failed && vigil_hygiene_problem_write_json(stdout, (size_t)c->n++, problem, set, digest, detail,
                                                             &c->err) < 0)
        c->write_failed = 1;
}

static int cmd_check(int argc, char **argv)
{
    check_out c = {0};
    vigil_store *st;
    vigil_error err;
    int rc;
    if ((rc = json_flag(&c.json, argc, argv)) != 0)
        return rc;
    if ((rc = open_store(&st)) != 0)
        return rc;
    if (c.json)
        putchar('[');
    rc = vigil_hashset_check(st, on_problem, &c, &err);
    vigil_store_close(st);
    if (c.json)
        puts("]");
    if (rc < 0)
        return cli_fail(&err);
    if (c.write_failed)
        return cli_fail(&c.err);
    if (!c.json)
        fprintf(stderr, "vigil: hashset check: %d problem%s (flagged matches are verdict 'interest', never 'illegal')\n",
                rc, rc == 1 ? "" : "s");
    return EXIT_OK;
}

static int cmd_dispute(int argc, char **argv)
{
    static const struct option longopts[] = {{"reason", required_argument, NULL, 'r'},
                                              {"set", required_argument, NULL, 's'},
                                              {"as", required_argument, NULL, 'A'},
                                              {NULL, 0, NULL, 0}};
    const char *reason = NULL, *set = NULL, *as = NULL;
    vigil_store *st;
    vigil_registry *reg;
    vigil_actor who;
    vigil_error err;
    int opt, rc;
    while ((opt = cli_getopt(argc, argv, "", longopts, NULL)) != -1) {
        if (opt == 'r')
            reason = optarg;
        else if (opt == 's')
            set = optarg;
        else if (opt == 'A')
            as = optarg;
        else
            return EXIT_USAGE;
    }
    if (optind != argc - 1 || !reason) {
        cli_error("hashset dispute: a DIGEST and --reason TEXT are required");
        return EXIT_USAGE;
    }
    if ((rc = open_audited(&st, &reg, &who, as, VIGIL_HASHSET_DISPUTE)) != 0)
        return rc;
    rc = vigil_hashset_dispute(st, argv[optind], set, reason, who.name, &err);
    close_audited(st, reg);
    return rc < 0 ? cli_fail(&err) : EXIT_OK;
}

static int cmd_undispute(int argc, char **argv)
{
    static const struct option longopts[] = {{"as", required_argument, NULL, 'A'}, {NULL, 0, NULL, 0}};
    const char *as = NULL;
    vigil_dispute *lifted;
    size_t nlifted;
    vigil_store *st;
    vigil_registry *reg;
    vigil_actor who;
    vigil_error err;
    int opt, rc;
    while ((opt = cli_getopt(argc, argv, "", longopts, NULL)) != -1) {
        if (opt != 'A')
            return EXIT_USAGE;
        as = optarg;
    }
    if (optind != argc - 1) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if ((rc = open_audited(&st, &reg, &who, as, VIGIL_HASHSET_UNDISPUTE)) != 0)
        return rc;
    rc = vigil_hashset_undispute_lifted(st, argv[optind], who.name, &lifted, &nlifted, &err);
    close_audited(st, reg);
    if (rc < 0)
        return cli_fail(&err);
    /* one line naming what was lifted: digest, set, reason, who disputed it */
    printf("hashset undispute: lifted");
    for (size_t i = 0; i < nlifted; i++)
        printf("%s the dispute of %s in %s%s%s (%s, by %s)", i ? ";" : "", lifted[i].digest,
               lifted[i].set ? "set '" : "every set", lifted[i].set ? cli_text(lifted[i].set) : "",
               lifted[i].set ? "'" : "", cli_text(lifted[i].reason ? lifted[i].reason : ""),
               lifted[i].disputed_by ? cli_text(lifted[i].disputed_by) : "-");
    printf("\n");
    vigil_dispute_free(lifted, nlifted);
    return EXIT_OK;
}

static int cmd_disputes(int argc, char **argv)
{
    vigil_dispute *v;
    vigil_store *st;
    vigil_error err;
    size_t n;
    static const struct option longopts[] = {{"export", required_argument, NULL, 'e'}, {NULL, 0, NULL, 0}};
    const char *export_path = NULL;
    int opt, rc, write_errno, exporting;
    while ((opt = cli_getopt(argc, argv, "", longopts, NULL)) != -1) {
        if (opt != 'e')
            return EXIT_USAGE;
        export_path = optarg;
    }
    if (optind != argc) {
        cli_error("%s: takes no argument, only --export FILE (try 'vigil %s --help')", cli.what, cli.what);
        return EXIT_USAGE;
    }
    exporting = export_path != NULL;
    if ((rc = open_store(&st)) != 0)
        return rc;
    rc = vigil_hashset_disputes(&v, &n, st, &err);
    vigil_store_close(st);
    if (rc < 0)
        return cli_fail(&err);
    if (exporting) {
        cli_out out;
        if (cli_out_open(&out, export_path) < 0) {
            vigil_dispute_free(v, n);
            return cli_open_failed("hashset disputes", export_path, errno);
        }
        errno = 0;
        rc = vigil_disputes_write_csv(out.f, v, n, &err);
        write_errno = errno; /* why fwrite failed, when it did */
        vigil_dispute_free(v, n);
        if (cli_out_close(&out, rc == 0) < 0 && rc == 0) {
            rc = VIGIL_ESTORE;
            write_errno = errno;
        }
        if (rc == VIGIL_ESTORE)
            return cli_write_failed("hashset disputes", export_path, write_errno);
        return rc < 0 ? cli_fail(&err) : EXIT_OK;
    }
    printf("%-64s %-16s %-6s %-20s %-12s %s\n", "DIGEST", "SET", "ACTIVE", "AT", "BY", "REASON");
    for (size_t i = 0; i < n; i++)
        printf("%-64s %-16s %-6s %-20s %-12s %s\n", cli_text(v[i].digest), v[i].set ? cli_text(v[i].set) : "*",
               v[i].active ? "yes" : "no", cli_text(v[i].disputed_at), v[i].disputed_by ? cli_text(v[i].disputed_by) : "-",
               cli_text(v[i].reason));
    vigil_dispute_free(v, n);
    return EXIT_OK;
}

/* The export, kept in a temporary file, onto stdout; -1 with errno when stdout cannot take it. */
static int copy_to_stdout(FILE *f)
{
    char buf[65536];
    size_t n;
    rewind(f);
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        if (fwrite(buf, 1, n, stdout) != n)
            return -1;
    if (ferror(f)) {
        errno = EIO;
        return -1;
    }
    return fflush(stdout) != 0 ? -1 : 0;
}

static int cmd_export(int argc, char **argv)
{
    static const struct option longopts[] = {{"name", required_argument, NULL, 'n'},
                                              {"format", required_argument, NULL, 'f'},
                                              {"output", required_argument, NULL, 'o'},
                                              {NULL, 0, NULL, 0}};
    const char *name = NULL, *format = NULL, *outpath = NULL;
    uint64_t written, skipped;
    vigil_store *st;
    vigil_error err;
    cli_out out = {0};
    int opt, rc, write_errno;
    while ((opt = cli_getopt(argc, argv, "o:", longopts, NULL)) != -1) {
        if (opt == 'n')
            name = optarg;
        else if (opt == 'f')
            format = optarg;
        else if (opt == 'o')
            outpath = optarg;
        else
            return EXIT_USAGE;
    }
    if (!name || !format || optind != argc) {
        cli_error("hashset export: --name NAME and --format vics|hashdeep|csv|vpdq are required");
        return EXIT_USAGE;
    }
    if ((rc = open_store(&st)) != 0)
        return rc;
    /* into a file of its own first: a failed export leaves no file, and no lone header on stdout */
    if ((outpath ? cli_out_open(&out, outpath) : (out.f = tmpfile()) ? 0 : -1) < 0) {
        vigil_store_close(st);
        return cli_open_failed("hashset export", outpath, errno);
    }
    errno = 0;
    rc = vigil_hashset_export(&written, &skipped, st, name, format, out.f, &err);
    write_errno = errno; /* why the list writer's fwrite failed, when it did */
    vigil_store_close(st);
    if (rc < 0 && ferror(out.f))
        rc = cli_write_failed("hashset export", outpath, write_errno);
    else if (rc < 0)
        rc = cli_fail(&err);
    else if (written == 0 && skipped > 0) {
        vigil_error_set(&err, VIGIL_EINPUT, "hashset export: %s: none of its %llu entr%s has a place in %s; nothing written",
                        name, (unsigned long long)skipped, skipped == 1 ? "y" : "ies", format);
        rc = cli_fail(&err);
    } else if (!outpath && copy_to_stdout(out.f) < 0)
        rc = cli_write_failed("hashset export", NULL, errno);
    if (outpath && cli_out_close(&out, rc == 0) < 0)
        rc = cli_write_failed("hashset export", outpath, errno);
    if (!outpath)
        fclose(out.f);
    if (rc != 0)
        return rc;
    if (!strcmp(format, "vpdq")) /* a vpdq list is frames of known videos */
        fprintf(stderr, "vigil: hashset export: %s: %llu frame%s written, %llu entr%s with no place in vpdq\n",
                cli_text(name), (unsigned long long)written, written == 1 ? "" : "s", (unsigned long long)skipped,
                skipped == 1 ? "y" : "ies");
    else
        fprintf(stderr, "vigil: hashset export: %s: %llu entr%s written, %llu with no place in %s\n", cli_text(name),
                (unsigned long long)written, written == 1 ? "y" : "ies", (unsigned long long)skipped, format);
    return EXIT_OK;
}

static int cmd_upgrade(int argc, char **argv)
{
    vigil_error err;
    size_t sets;
    int rc;
    if ((rc = cli_no_options(argc, argv, 0)) != 0)
        return rc;
    if (vigil_store_upgrade(cli.sets, &sets, &err) < 0)
        return cli_fail(&err);
    if (sets)
        printf("%s: %zu hash set%s converted to segment files\n", cli.sets, sets, sets == 1 ? "" : "s");
    else
        printf("%s: nothing to convert\n", cli.sets);
    return EXIT_OK;
}

int cmd_hashset(int argc, char **argv)
{
    static const struct { const char *name; int (*fn)(int, char **); } verbs[] = {
        {"import", cmd_import}, {"list", cmd_list}, {"remove", cmd_remove}, {"reindex", cmd_reindex},
        {"check", cmd_check}, {"dispute", cmd_dispute}, {"undispute", cmd_undispute},
        {"disputes", cmd_disputes}, {"export", cmd_export}, {"upgrade", cmd_upgrade}};
    if (argc < 2 || !strcmp(argv[1], "--help")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
        if (!strcmp(argv[1], verbs[i].name)) {
            optind = 1;
            return verbs[i].fn(argc - 1, argv + 1);
        }
    cli_error("hashset: unknown verb '%s'", argv[1]);
    return EXIT_USAGE;
}

void cmd_hashset_usage(FILE *f)
{
    usage(f);
}

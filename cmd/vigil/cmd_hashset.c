/* vigil hashset import|list|remove|reindex: the known-hash sets in the store. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: vigil hashset import --name NAME --kind illegal|benign|interest [--category C]\n"
            "                            [--series S] [--format auto|hashdeep|md5sum|sha1sum|sha256sum|pdq]\n"
            "                            [--replace] [--lenient] FILE...\n"
            "       vigil hashset list [--json]\n"
            "       vigil hashset remove --name NAME   (or: remove NAME)\n"
            "       vigil hashset reindex\n"
            "A malformed line fails its file (nothing of it is stored) unless --lenient, which rejects\n"
            "such lines with a count. Digests of the empty file are skipped: they prove nothing.\n");
}

static void on_reject(const char *msg, void *ud)
{
    (void)ud;
    cli_error("%s", msg);
}

static int open_store(vigil_store **st)
{
    vigil_error err;
    if (vigil_store_open(st, cli.db, &err) < 0)
        return cli_fail(&err);
    return 0;
}

static int cmd_import(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"name", required_argument, NULL, 'n'}, {"kind", required_argument, NULL, 'k'},
        {"category", required_argument, NULL, 'c'}, {"series", required_argument, NULL, 's'},
        {"format", required_argument, NULL, 'f'}, {"replace", no_argument, NULL, 'r'},
        {"lenient", no_argument, NULL, 'l'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    vigil_import_opts o = {.kind = VIGIL_KIND__COUNT, .format = VIGIL_FORMAT_AUTO};
    vigil_import_stats s;
    vigil_store *st;
    vigil_error err;
    int opt, rc;
    while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
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
                cli_error("hashset import: unknown format '%s' (known: auto, hashdeep, md5sum, sha1sum, sha256sum, pdq)",
                          optarg);
                return EXIT_USAGE;
            }
            break;
        case 'r': o.replace = 1; break;
        case 'l': o.lenient = 1; break;
        case 'h': usage(stdout); return EXIT_OK;
        default: usage(stderr); return EXIT_USAGE;
        }
    }
    if (!o.name || o.kind == VIGIL_KIND__COUNT || optind >= argc) {
        cli_error("hashset import: --name, --kind and at least one FILE are required");
        return EXIT_USAGE;
    }
    if ((rc = open_store(&st)) != 0)
        return rc;
    o.who = cli_user();
    o.on_reject = on_reject;
    rc = vigil_hashset_import(&s, st, (const char *const *)argv + optind, (size_t)(argc - optind), &o, &err);
    vigil_store_close(st);
    if (rc < 0 && s.added + s.duplicates + s.skipped_empty == 0)
        return cli_fail(&err);
    printf("%s: %llu records read = %llu added + %llu duplicates + %llu empty-file digests skipped + %llu "
           "rejected\n", o.name, (unsigned long long)(s.records + s.rejected), (unsigned long long)s.added,
           (unsigned long long)s.duplicates, (unsigned long long)s.skipped_empty, (unsigned long long)s.rejected);
    if (rc < 0)
        return cli_fail(&err);
    return EXIT_OK;
}

static int cmd_list(int argc, char **argv)
{
    vigil_hashset_info *v;
    vigil_store *st;
    vigil_error err;
    size_t n;
    int json = argc > 1 && !strcmp(argv[1], "--json"), rc;
    if (argc > 1 && !json) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if ((rc = open_store(&st)) != 0)
        return rc;
    rc = vigil_hashset_list(&v, &n, st, &err);
    vigil_store_close(st);
    if (rc < 0)
        return cli_fail(&err);
    if (json)
        putchar('[');
    else
        printf("%-24s %-9s %10s  %-20s  %-10s %s\n", "NAME", "KIND", "ENTRIES", "IMPORTED", "FORMAT", "SOURCES");
    for (size_t i = 0; i < n; i++) {
        if (json) {
            printf("%s{\"name\":", i ? "," : "");
            cli_json_str(v[i].name ? v[i].name : "");
            printf(",\"kind\":\"%s\",\"entries\":%llu,\"imported_at\":", vigil_hashset_kind_name(v[i].kind),
                   (unsigned long long)v[i].entries);
            cli_json_str(v[i].imported_at ? v[i].imported_at : "");
            printf(",\"imported_by\":");
            cli_json_str(v[i].imported_by ? v[i].imported_by : "");
            printf(",\"format\":");
            cli_json_str(v[i].format ? v[i].format : "");
            printf(",\"category\":");
            cli_json_str(v[i].category ? v[i].category : "");
            printf(",\"series\":");
            cli_json_str(v[i].series ? v[i].series : "");
            printf(",\"sources\":");
            cli_json_str(v[i].sources ? v[i].sources : "");
            putchar('}');
        } else {
            printf("%-24s %-9s %10llu  %-20s  %-10s %s\n", v[i].name, vigil_hashset_kind_name(v[i].kind),
                   (unsigned long long)v[i].entries, v[i].imported_at, v[i].format, v[i].sources);
        }
    }
    if (json)
        puts("]");
    vigil_hashset_info_free(v, n);
    return EXIT_OK;
}

static int cmd_remove(int argc, char **argv)
{
    const char *name = NULL;
    vigil_store *st;
    vigil_error err;
    int rc;
    if (argc == 3 && !strcmp(argv[1], "--name"))
        name = argv[2];
    else if (argc == 2 && argv[1][0] != '-')
        name = argv[1];
    if (!name) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if ((rc = open_store(&st)) != 0)
        return rc;
    rc = vigil_hashset_remove(st, name, &err);
    vigil_store_close(st);
    return rc < 0 ? cli_fail(&err) : EXIT_OK;
}

static int cmd_reindex(int argc, char **argv)
{
    vigil_store *st;
    vigil_error err;
    int rc;
    (void)argv;
    if (argc != 1) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if ((rc = open_store(&st)) != 0)
        return rc;
    rc = vigil_index_build(st, &err);
    vigil_store_close(st);
    return rc < 0 ? cli_fail(&err) : EXIT_OK;
}

int cmd_hashset(int argc, char **argv)
{
    static const struct { const char *name; int (*fn)(int, char **); } verbs[] = {
        {"import", cmd_import}, {"list", cmd_list}, {"remove", cmd_remove}, {"reindex", cmd_reindex}};
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

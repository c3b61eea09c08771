/* One voice for every subcommand: option errors in one line, --help from the command's own usage
 * text (a verb's lines of it for `vigil CMD VERB --help`), the verbs a usage text names, and input
 * paths checked before any work. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

static void option_error(const char *what, const char *opt, int optlen, const char *why)
{
    cli_error("%s: %s '%.*s'%s (try 'vigil %s --help')", cli.what, what, optlen, opt, why, cli.what);
}

int cli_getopt(int argc, char *const argv[], const char *shortopts, const struct option *lo, int *li)
{
    char opts[64];
    const char *cur;
    char shortname[3] = {'-', 0, 0};
    int c;
    if (getenv("VIGIL_LIST_OPTIONS")) { /* tests/e2e/interface.sh: the options the code takes, against --help */
        for (size_t i = 0; lo && lo[i].name; i++)
            printf("--%s\n", lo[i].name);
        exit(EXIT_OK);
    }
    snprintf(opts, sizeof opts, ":%s", shortopts); /* ':' tells a missing value from an unknown option */
    opterr = 0;
    c = getopt_long(argc, argv, opts, lo, li);
    if (c != '?' && c != ':')
        return c;
    /* the element getopt stopped at: a long option is named as given, up to its '=' */
    cur = optind > 0 && optind <= argc ? argv[optind - 1] : "";
    shortname[1] = (char)optopt;
    if (strncmp(cur, "--", 2) != 0) {
        option_error(c == ':' ? "option" : "unknown option", shortname, 2, c == ':' ? " needs a value" : "");
        return '?';
    }
    int len = (int)strcspn(cur, "=");
    if (c == ':')
        option_error("option", cur, len, " needs a value");
    else if (optopt && cur[len] == '=')
        option_error("option", cur, len, " takes no value");
    else
        option_error("unknown option", cur, len, "");
    return '?';
}

int cli_no_options(int argc, char **argv, int npos)
{
    static const struct option none[] = {{NULL, 0, NULL, 0}};
    optind = 1;
    if (cli_getopt(argc, argv, "", none, NULL) != -1)
        return EXIT_USAGE;
    if (argc - optind != npos) {
        if (npos == 0)
            cli_error("%s: takes no argument (try 'vigil %s --help')", cli.what, cli.what);
        else
            cli_error("%s: expected %d argument%s (try 'vigil %s --help')", cli.what, npos, npos == 1 ? "" : "s",
                      cli.what);
        return EXIT_USAGE;
    }
    return 0;
}

char *cli_usage_text(cli_usage_fn usage)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return NULL;
    usage(f);
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* "usage: vigil CMD ..." or "       vigil CMD ...": the start of a synopsis line; its verb, if any,
 * into verb (empty when the word after CMD is an option, an argument or missing). */
static int synopsis(const char *line, const char *cmd, char *verb, size_t cap)
{
    size_t n = strlen(cmd), i = 0;
    const char *p = line;
    if (!strncmp(p, "usage:", 6))
        p += 6;
    else if (*p != ' ')
        return 0;
    p += strspn(p, " ");
    if (strncmp(p, "vigil ", 6) || strncmp(p + 6, cmd, n) || (p[6 + n] != ' ' && p[6 + n] != '\n' && p[6 + n]))
        return 0;
    p += 6 + n;
    p += strspn(p, " ");
    while (i + 1 < cap && ((*p >= 'a' && *p <= 'z') || (i && *p == '-')))
        verb[i++] = *p++;
    if (*p && *p != ' ' && *p != '\n')
        i = 0; /* "list|show", "x:" are no verbs */
    verb[i] = '\0';
    return 1;
}

size_t cli_verbs(cli_usage_fn usage, const char *cmd, char *out, size_t cap)
{
    char *text = cli_usage_text(usage), *line, *save = NULL;
    size_t used = 0, count = 0;
    char verb[32], key[40];
    if (cap)
        out[0] = '\0';
    if (!text)
        return 0;
    for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (!synopsis(line, cmd, verb, sizeof verb) || !verb[0])
            continue;
        snprintf(key, sizeof key, " %s ", verb);
        char padded[1024];
        snprintf(padded, sizeof padded, " %s ", out);
        if (strstr(padded, key))
            continue;
        int w = snprintf(out + used, cap - used, "%s%s", used ? " " : "", verb);
        if (w < 0 || (size_t)w >= cap - used)
            break;
        used += (size_t)w;
        count++;
    }
    free(text);
    return count;
}

int cli_is_verb(cli_usage_fn usage, const char *cmd, const char *word)
{
    char verbs[1024], key[64], padded[1030];
    if (!word || !*word || strlen(word) > 40 || !cli_verbs(usage, cmd, verbs, sizeof verbs))
        return 0;
    snprintf(key, sizeof key, " %s ", word);
    snprintf(padded, sizeof padded, " %s ", verbs);
    return strstr(padded, key) != NULL;
}

void cli_help(cli_usage_fn usage, const char *cmd, const char *verb, FILE *f)
{
    char *text, *line, *next, v[32];
    int in_synopsis = 1, keep = 0, first = 1;
    if (!verb || !(text = cli_usage_text(usage))) {
        usage(f);
        return;
    }
    /* the verb's synopsis lines (and the indented lines that continue them), then the prose */
    for (line = text; *line; line = next) {
        size_t len = strcspn(line, "\n");
        next = line + len + (line[len] == '\n');
        if (in_synopsis && synopsis(line, cmd, v, sizeof v)) {
            keep = !strcmp(v, verb);
            if (keep) {
                const char *s = strstr(line, "vigil ");
                fprintf(f, "%s%.*s\n", first ? "usage: " : "       ", (int)(line + len - s), s);
                first = 0;
            }
            continue;
        }
        if (in_synopsis && line[0] == ' ') {
            if (keep)
                fprintf(f, "%.*s\n", (int)len, line);
            continue;
        }
        in_synopsis = 0;
        fprintf(f, "%.*s\n", (int)len, line);
    }
    free(text);
}

int cli_check_inputs(const char *const *paths, size_t n)
{
    struct stat st;
    for (size_t i = 0; i < n; i++)
        if (paths[i] && strcmp(paths[i], "-") && stat(paths[i], &st) != 0 && errno == ENOENT) {
            vigil_error err;
            vigil_error_set(&err, VIGIL_EINPUT, "%s: %s", paths[i], strerror(ENOENT));
            return cli_fail(&err);
        }
    return 0;
}

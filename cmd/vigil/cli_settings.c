/*
 * Settings without long command lines: the system file, the user's file and $VIGIL_CONFIG, in
 * that order, then the environment, then flags; each later one wins. A command's settings are
 * its options' defaults: they are put before the options given, which getopt then reads last.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define MAX_SETTINGS 128

typedef struct setting {
    char key[96];
    char value[512];
    char from[512];  /* "/etc/vigil/vigil.conf:3", "$VIGIL_DB", "--db", "default" */
} setting;

static setting settings[MAX_SETTINGS];
static size_t nsettings;

static setting *find(const char *key)
{
    for (size_t i = 0; i < nsettings; i++)
        if (!strcmp(settings[i].key, key))
            return &settings[i];
    return NULL;
}

static void put(const char *key, const char *value, const char *from)
{
    setting *s = find(key);
    if (!s && nsettings < MAX_SETTINGS)
        s = &settings[nsettings++];
    if (!s)
        return;
    snprintf(s->key, sizeof s->key, "%s", key);
    snprintf(s->value, sizeof s->value, "%s", value);
    snprintf(s->from, sizeof s->from, "%s", from);
}

static char *trim(char *s)
{
    char *e;
    while (isspace((unsigned char)*s))
        s++;
    e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

/* 1 when opt ("max-depth") is an option the help of c (or of its verb) names. */
static int has_option(const cli_command *c, const char *verb, const char *opt)
{
    char *text = NULL, opts[4096], key[80], padded[4100];
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return 0;
    cli_help(c->usage, c->name, verb, f);
    fclose(f);
    cli_options_of(text ? text : "", opts, sizeof opts);
    free(text);
    snprintf(key, sizeof key, " --%s ", opt);
    snprintf(padded, sizeof padded, " %s ", opts);
    return strcmp(opt, "help") && strstr(padded, key) != NULL;
}

/* "scan.max-depth" or "case.list.format": a command's option; 1 when it is one, 0 when the key is
 * no command's, -1 (said) when it names a command but not one of its options. */
static int command_key(const char *key, const char *where)
{
    char cmd[32], verb[32], opt[64];
    size_t n;
    const cli_command *cmds = cli_commands(&n);
    int parts = sscanf(key, "%31[a-z].%31[a-z-].%63[a-z0-9-]", cmd, verb, opt);
    for (size_t i = 0; i < n && parts >= 2; i++) {
        if (strcmp(cmds[i].name, cmd))
            continue;
        if (parts == 2 ? has_option(&cmds[i], NULL, verb)
                       : cli_is_verb(cmds[i].usage, cmd, verb) && has_option(&cmds[i], verb, opt))
            return 1;
        if (parts == 2 && !strcmp(cmd, "hashset")) /* hashset.import = ...: the registry's policy keys */
            return 0;
        cli_error("%s: '%s' is no option of 'vigil %s%s%s' (see its --help)", where, key, cmd,
                  parts == 3 ? " " : "", parts == 3 ? verb : "");
        return -1;
    }
    return 0;
}

/* One file; a missing file is fine unless required. */
static int load_file(const char *path, int required)
{
    char line[1024], where[600];
    int ln = 0;
    FILE *f = fopen(path, "r");
    if (!f) {
        if (!required && errno == ENOENT)
            return 0;
        cli_error("%s: %s", path, strerror(errno));
        return 3;
    }
    while (fgets(line, sizeof line, f)) {
        char copy[1024], *eq, *key, *value, *hash;
        vigil_error err;
        int k;
        ln++;
        snprintf(where, sizeof where, "%s:%d", path, ln);
        snprintf(copy, sizeof copy, "%s", line);
        if ((hash = strchr(line, '#')))
            *hash = '\0';
        if (!*trim(line))
            continue;
        if (!(eq = strchr(line, '='))) {
            fclose(f);
            cli_error("%s: expected 'key = value'", where);
            return 3;
        }
        *eq = '\0';
        key = trim(line);
        value = trim(eq + 1);
        if (!strcmp(key, "db") || !strcmp(key, "sets")) {
            put(key, value, where);
            continue;
        }
        if ((k = command_key(key, where)) != 0) {
            if (k < 0) {
                fclose(f);
                return 3;
            }
            put(key, value, where);
            continue;
        }
        /* the registry's own keys; anything else is an unknown key, said with its line */
        if (vigil_config_line(&cli.cfg, copy, path, ln, &err) < 0) {
            fclose(f);
            return cli_fail(&err);
        }
        put(key, value, where);
    }
    fclose(f);
    return 0;
}

int cli_settings_load(void)
{
    const char *sys = getenv("VIGIL_SYSTEM_CONFIG"), *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    const char *extra = getenv("VIGIL_CONFIG");
    char user[1024] = "";
    int rc;
    vigil_config_load(&cli.cfg, NULL, NULL);
    if (xdg && *xdg)
        snprintf(user, sizeof user, "%s/vigil/vigil.conf", xdg);
    else if (home && *home)
        snprintf(user, sizeof user, "%s/.config/vigil/vigil.conf", home);
    if ((rc = load_file(sys && *sys ? sys : "/etc/vigil/vigil.conf", 0)) != 0)
        return rc;
    if (user[0] && (rc = load_file(user, 0)) != 0)
        return rc;
    return extra && *extra ? load_file(extra, 1) : 0;
}

static const char *resolve(const char *key, const char *flag, const char *flag_name, const char *env_name,
                           const char *fallback)
{
    const char *env = getenv(env_name);
    char from[32];
    setting *s;
    if (flag) {
        put(key, flag, flag_name);
    } else if (env && *env) {
        snprintf(from, sizeof from, "$%s", env_name);
        put(key, env, from);
    } else if (!find(key) && fallback) {
        put(key, fallback, "default");
    }
    s = find(key);
    return s ? s->value : NULL;
}

void cli_settings_resolve_db(const char *db_flag, const char *sets_flag)
{
    cli.db = resolve("db", db_flag, "--db", "VIGIL_DB", "./vigil.db");
    /* the hash-set catalog is always a local SQLite file: beside a server, a file of its own */
    int server = !strncmp(cli.db, "postgres://", 11) || !strncmp(cli.db, "postgresql://", 13);
    cli.sets = resolve("sets", sets_flag, "--sets", "VIGIL_SETS", server ? "./vigil-sets.db" : cli.db);
}

char **cli_settings_argv(const cli_command *c, const char *verb, int *argc, char **argv)
{
    char prefix[96];
    size_t plen, extra = 0;
    char **out;
    int o = 0, head = verb ? 2 : 1;
    snprintf(prefix, sizeof prefix, "%s.%s%s", c->name, verb ? verb : "", verb ? "." : "");
    plen = strlen(prefix);
    for (size_t i = 0; i < nsettings; i++)
        extra += !strncmp(settings[i].key, prefix, plen) && !strchr(settings[i].key + plen, '.');
    if (!extra || !(out = calloc((size_t)*argc + extra + 1, sizeof *out)))
        return argv;
    for (; o < head && o < *argc; o++)
        out[o] = argv[o];
    for (size_t i = 0; i < nsettings; i++) {
        const char *opt = settings[i].key + plen, *v = settings[i].value;
        size_t n = strlen(opt) + strlen(v) + 4;
        if (strncmp(settings[i].key, prefix, plen) || strchr(opt, '.'))
            continue;
        if (!strcmp(v, "false") || !strcmp(v, "no")) /* a switch left off */
            continue;
        if (!(out[o] = malloc(n)))
            continue;
        if (!strcmp(v, "true") || !strcmp(v, "yes"))
            snprintf(out[o], n, "--%s", opt);
        else
            snprintf(out[o], n, "--%s=%s", opt, v);
        o++;
    }
    for (int i = head; i < *argc; i++)
        out[o++] = argv[i];
    out[o] = NULL;
    *argc = o;
    return out; /* lives as long as the process */
}

static const char usage_text[] = "usage: vigil config\n";

void cmd_config_usage(FILE *f)
{
    fprintf(f, "%s\nEvery setting in effect, its value and where it came from: /etc/vigil/vigil.conf\n"
               "($VIGIL_SYSTEM_CONFIG names another), then $XDG_CONFIG_HOME/vigil/vigil.conf (~/.config),\n"
               "then $VIGIL_CONFIG, then $VIGIL_DB and $VIGIL_SETS, then --db and --sets; a later one wins.\n"
               "Lines are 'key = value', '#' starts a comment. Keys: db, sets; COMMAND.OPTION or\n"
               "COMMAND.VERB.OPTION, the default of an option (scan.jobs = 4, scan.max-depth = 12,\n"
               "scan.no-mime = true, case.list.format = json); weight.FACTOR, due_days.UNIT-TYPE and\n"
               "hashset.OP for the registry. A bad line is an error naming the file and the line.\n",
            usage_text);
}

int cmd_config(int argc, char **argv)
{
    int rc = cli_no_options(argc, argv, 0);
    size_t w = 3;
    if (rc != 0)
        return rc;
    for (size_t i = 0; i < nsettings; i++)
        w = strlen(settings[i].key) > w ? strlen(settings[i].key) : w;
    printf("%-*s  %-30s  %s\n", (int)w, "KEY", "VALUE", "FROM");
    for (size_t i = 0; i < nsettings; i++) {
        char shown[512];
        cli_mask_url(shown, sizeof shown, settings[i].value); /* a password in a URL is never shown */
        printf("%-*s  %-30s  %s\n", (int)w, settings[i].key, cli_text(shown), cli_text(settings[i].from));
    }
    return EXIT_OK;
}

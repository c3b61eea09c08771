/*
 * The manual pages and shell completions, generated from the command table and each command's
 * usage text (the same text --help prints), so that a command or option cannot exist in one and
 * be missing from the others. The build runs `vigil --man [CMD]` and `vigil --completion SHELL`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Short examples for the EXAMPLES section; commands without an entry get none. */
static const struct {
    const char *cmd, *lines;
} examples[] = {
    {"hash", "vigil hash -r /mnt/evidence > evidence.hashdeep\n"
             "vigil hash --pdq photos/*.jpg\n"},
    {"scan", "vigil scan --jsonl out.jsonl --report out.html /mnt/evidence\n"
             "vigil scan --resume out.jsonl /mnt/evidence\n"
             "vigil scan --key-file keys.txt --jsonl disk.jsonl disk.E01\n"},
    {"hashset", "vigil hashset import --name vics-2026 --kind illegal export.json\n"
                "vigil hashset list\n"
                "vigil hashset export vics-2026 --format vics -o shared.json\n"},
    {"unit", "vigil unit add R05 --name \"Region 5\" --type regional\n"},
    {"user", "vigil user add r5-officer --unit R05 --role officer --os-user jdoe\n"},
    {"case", "id=$(vigil case new --unit NAT --type distribution --title \"...\")\n"
             "vigil case refer $id --to R05\n"
             "vigil case decline $id --reason capacity --as r5-officer\n"},
    {"stats", "vigil stats --by unit --from 2026-01-01 --to 2026-12-31 --format csv\n"},
    {"audit", "vigil audit verify --pub /secure/keys/audit.pub\n"},
    {"db", "vigil db backup /backup/vigil-$(date +%F).db\n"
           "vigil db check\n"},
    {"pdq", "vigil pdq photo.jpg\n"},
    {"vpdq", "vigil vpdq clip.mp4 > known.vpdq\n"
             "vigil vpdq --against known.vpdq --pictures known.pdq seized/*.mp4\n"},
    {"config", "printf 'scan.jobs = 4\\nscan.max-depth = 12\\n' >> ~/.config/vigil/vigil.conf\n"
               "vigil config\n"},
};

static const char environment[] =
    "VIGIL_DB\tthe case registry when --db is not given (default ./vigil.db)\n"
    "VIGIL_SETS\tthe hash-set store when --sets is not given (default: the --db file)\n"
    "VIGIL_USER\tact as this user (admins), as --as does\n"
    "VIGIL_CONFIG\ta settings file read after the system's and the user's (see vigil-config(1))\n"
    "VIGIL_SYSTEM_CONFIG\tthe system settings file instead of /etc/vigil/vigil.conf\n"
    "XDG_CONFIG_HOME\twhere the user's settings file is (default ~/.config): vigil/vigil.conf\n"
    "VIGIL_AUDIT_KEY\tsign the audit log's head after every command that wrote events\n";

static const char files[] =
    "/etc/vigil/vigil.conf\tsettings for every user of the machine (vigil-config(1))\n"
    "~/.config/vigil/vigil.conf\tthe user's settings, read after the system's\n"
    "./vigil.db\tthe default registry and hash-set catalog (SQLite)\n"
    "DB.sets/\tthe segment files of the hash sets catalogued in DB\n"
    "DB.case-vN-audit-vM.bak\tthe registry as it was before a schema upgrade\n";

/* Text for roff: a backslash doubled, a line that would start with a control character kept
 * as text, and every '-' a real minus (options are typed, not hyphenated). */
static void roff_text(FILE *f, const char *s, size_t n)
{
    int bol = 1;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (bol && (c == '.' || c == '\''))
            fputs("\\&", f);
        if (c == '\\')
            fputs("\\e", f);
        else if (c == '-')
            fputs("\\-", f);
        else
            fputc(c, f);
        bol = c == '\n';
    }
}

static void roff_line(FILE *f, const char *s)
{
    roff_text(f, s, strlen(s));
    fputc('\n', f);
}

/* The options a usage text names ("--jsonl"), each once, in order, space-separated into out. */
void cli_options_of(const char *text, char *out, size_t cap)
{
    size_t used = 0;
    out[0] = '\0';
    for (const char *p = text; (p = strstr(p, "--")) != NULL;) {
        size_t n = 2;
        char opt[64], key[68], padded[4100];
        if ((p > text && (p[-1] == '-' || (p[-1] >= 'a' && p[-1] <= 'z'))) || !(p[2] >= 'a' && p[2] <= 'z')) {
            p += 2;
            continue;
        }
        while ((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= '0' && p[n] <= '9') || p[n] == '-')
            n++;
        while (n > 2 && p[n - 1] == '-')
            n--;
        snprintf(opt, sizeof opt, "%.*s", (int)n, p);
        snprintf(key, sizeof key, " %s ", opt);
        snprintf(padded, sizeof padded, " %s ", out);
        if (!strstr(padded, key) && used + n + 2 < cap)
            used += (size_t)snprintf(out + used, cap - used, "%s%s", used ? " " : "", opt);
        p += n;
    }
}

static const cli_command *find(const char *name)
{
    size_t n;
    const cli_command *c = cli_commands(&n);
    for (size_t i = 0; i < n; i++)
        if (!strcmp(c[i].name, name))
            return &c[i];
    return NULL;
}

/* "NAME\tWHAT\n" lines as a roff tagged list. */
static void tagged(FILE *f, const char *lines)
{
    for (const char *p = lines; *p;) {
        const char *tab = strchr(p, '\t'), *nl = strchr(p, '\n');
        if (!tab || !nl || tab > nl)
            break;
        fputs(".TP\n.B ", f);
        roff_text(f, p, (size_t)(tab - p));
        fputc('\n', f);
        roff_text(f, tab + 1, (size_t)(nl - tab));
        p = nl + 1;
    }
}

/* The text verbatim, no filling: usage texts are laid out by hand. */
static void verbatim(FILE *f, const char *text, size_t n)
{
    fputs(".nf\n", f);
    roff_text(f, text, n);
    if (n && text[n - 1] != '\n')
        fputc('\n', f);
    fputs(".fi\n", f);
}

static void common_tail(FILE *f, const char *see_also)
{
    char *global = NULL, *exit_status;
    size_t len = 0;
    FILE *m = open_memstream(&global, &len);
    if (m) {
        cli_usage(m);
        fclose(m);
    }
    fputs(".SH EXIT STATUS\n", f);
    exit_status = global ? strstr(global, "Exit status:") : NULL;
    if (exit_status)
        verbatim(f, exit_status, strlen(exit_status));
    free(global);
    fputs(".SH ENVIRONMENT\n", f);
    tagged(f, environment);
    fputs(".SH FILES\n", f);
    tagged(f, files);
    fputs(".SH SEE ALSO\n", f);
    roff_line(f, see_also);
}

static const char *next_line(const char *l)
{
    const char *nl = strchr(l, '\n');
    return nl ? nl + 1 : l + strlen(l);
}

/* The line's length with its newline. */
static size_t line_len(const char *l)
{
    return (size_t)(next_line(l) - l);
}

/* "usage: vigil CMD ..." or an indented "vigil CMD ...": a synopsis line. */
static int is_synopsis(const char *l, const char *cmd)
{
    size_t n = strlen(cmd);
    if (!strncmp(l, "usage:", 6))
        return 1;
    l += strspn(l, " ");
    return !strncmp(l, "vigil ", 6) && !strncmp(l + 6, cmd, n) && (l[6 + n] == ' ' || l[6 + n] == '\n');
}

/* The start of a line's text: after "usage:" and the indentation. */
static const char *line_text(const char *l)
{
    if (!strncmp(l, "usage:", 6))
        l += 6;
    return l + strspn(l, " ");
}

/* Where option o is named as a word (--key is not --key-file) on line l; NULL if not. */
static const char *names_option(const char *l, const char *o)
{
    size_t n = strlen(o), len = line_len(l);
    for (const char *p = l; (p = memmem(p, len - (size_t)(p - l), o, n)) != NULL; p += n)
        if (!((p[n] >= 'a' && p[n] <= 'z') || p[n] == '-'))
            return p;
    return NULL;
}

/* Option o with the first description line that names it, else the synopsis line that does: a
 * line that starts with the option ("--jsonl FILE    what it does") gives the tag and the text. */
static void option_item(FILE *f, const char *text, const char *cmd, const char *o)
{
    const char *bol = NULL;
    for (int pass = 0; pass < 2 && !bol; pass++)
        for (const char *l = text; *l && !bol; l = next_line(l))
            if (is_synopsis(l, cmd) == pass && names_option(l, o))
                bol = l;
    if (!bol)
        return;
    size_t len = line_len(bol) - (bol[line_len(bol) - 1] == '\n');
    const char *end = bol + len, *gap;
    bol = line_text(bol);
    gap = !strncmp(bol, o, strlen(o)) ? strstr(bol, "  ") : NULL;
    fputs(".TP\n.B ", f);
    if (gap && gap < end) {
        roff_text(f, bol, (size_t)(gap - bol));
        fputc('\n', f);
        gap += strspn(gap, " ");
        roff_text(f, gap, (size_t)(end - gap));
    } else {
        roff_line(f, o);
        roff_text(f, bol, (size_t)(end - bol));
    }
    fputc('\n', f);
}

static int man_command(const cli_command *c, FILE *f)
{
    char *text = cli_usage_text(c->usage), opts[4096], upper[64];
    size_t i;
    if (!text) {
        cli_error("--man: out of memory");
        return 4;
    }
    for (i = 0; c->name[i] && i + 1 < sizeof upper; i++)
        upper[i] = (char)(c->name[i] >= 'a' && c->name[i] <= 'z' ? c->name[i] - 'a' + 'A' : c->name[i]);
    upper[i] = '\0';
    fprintf(f, ".TH VIGIL\\-%s 1 \"\" \"vigil %s\" \"vigil manual\"\n.SH NAME\nvigil\\-", upper, vigil_version());
    roff_text(f, c->name, strlen(c->name));
    fputs(" \\- ", f);
    roff_line(f, c->what);
    /* the synopsis is the usage lines ("usage: vigil CMD ..." and "       vigil CMD ..."); the
     * rest describes */
    fputs(".SH SYNOPSIS\n.nf\n", f);
    for (const char *l = text; *l; l = next_line(l))
        if (is_synopsis(l, c->name))
            roff_text(f, line_text(l), line_len(l) - (size_t)(line_text(l) - l));
    fputs(".fi\n.SH DESCRIPTION\n.nf\n", f);
    for (const char *l = text, *prev_blank = "x"; *l; l = next_line(l)) {
        if (is_synopsis(l, c->name))
            continue;
        if (l[0] == '\n' && prev_blank) /* no blank line where the synopsis was */
            continue;
        roff_text(f, l, line_len(l));
        prev_blank = l[0] == '\n' ? l : NULL;
    }
    fputs(".fi\n", f);
    cli_options_of(text, opts, sizeof opts);
    if (opts[0]) {
        fputs(".SH OPTIONS\n", f);
        for (char *save = NULL, *o = strtok_r(opts, " ", &save); o; o = strtok_r(NULL, " ", &save))
            option_item(f, text, c->name, o);
    }
    for (i = 0; i < sizeof examples / sizeof examples[0]; i++)
        if (!strcmp(examples[i].cmd, c->name)) {
            fputs(".SH EXAMPLES\n", f);
            verbatim(f, examples[i].lines, strlen(examples[i].lines));
        }
    common_tail(f, "vigil(1)");
    free(text);
    return 0;
}

static int man_main(FILE *f)
{
    char *global = NULL, see[2048];
    size_t len = 0, n, used;
    const cli_command *c = cli_commands(&n);
    FILE *m = open_memstream(&global, &len);
    if (!m)
        return 4;
    cli_usage(m);
    fclose(m);
    fprintf(f, ".TH VIGIL 1 \"\" \"vigil %s\" \"vigil manual\"\n.SH NAME\n"
               "vigil \\- forensic triage of seized media against known hash sets, and the case registry\n"
               ".SH SYNOPSIS\n", vigil_version());
    verbatim(f, global, strcspn(global, "\n") + 1);
    fputs(".SH DESCRIPTION\n", f);
    verbatim(f, global, strlen(global));
    fputs(".SH COMMANDS\n", f);
    used = (size_t)snprintf(see, sizeof see, "%s", "");
    for (size_t i = 0; i < n; i++) {
        fprintf(f, ".TP\n.BR vigil\\-%s (1)\n", c[i].name);
        roff_line(f, c[i].what);
        used += (size_t)snprintf(see + used, sizeof see - used, "%svigil\\-%s(1)", i ? ", " : "", c[i].name);
    }
    free(global);
    common_tail(f, "");
    fprintf(f, "%s\n", see);
    return 0;
}

int cli_man(const char *cmd, FILE *f)
{
    const cli_command *c;
    if (!cmd)
        return man_main(f);
    if (!(c = find(cmd))) {
        cli_error("--man: no command '%s'", cmd);
        return EXIT_USAGE;
    }
    return man_command(c, f);
}

/* ---- completions ---- */

static void bash_case(FILE *f, const cli_command *c)
{
    char *text = cli_usage_text(c->usage), verbs[1024], opts[4096];
    if (!text)
        return;
    cli_verbs(c->usage, c->name, verbs, sizeof verbs);
    cli_options_of(text, opts, sizeof opts);
    fprintf(f, "    %s) verbs='%s'; opts='%s --help' ;;\n", c->name, verbs, opts);
    free(text);
}

static int bash(FILE *f)
{
    size_t n;
    const cli_command *c = cli_commands(&n);
    fputs("# bash completion for vigil: generated by `vigil --completion bash`\n"
          "_vigil_sets() { vigil hashset list --json 2>/dev/null | sed -n 's/.*\"name\": *\"\\([^\"]*\\)\".*/\\1/p'; }\n"
          "_vigil() {\n"
          "  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} cmd='' verb='' i\n"
          "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
          "    case ${COMP_WORDS[i]} in\n"
          "      --db|--sets|--as) ((i++)) ;;\n"
          "      -*) ;;\n"
          "      *) if [ -z \"$cmd\" ]; then cmd=${COMP_WORDS[i]}; elif [ -z \"$verb\" ]; then verb=${COMP_WORDS[i]}; fi ;;\n"
          "    esac\n"
          "  done\n"
          "  case $prev in\n"
          "    --db|--sets|--jsonl|--csv|--report|--resume|--key-file|--config|-o|--output|--pub|--key|--checkpoints)\n"
          "      COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n"
          "    --set|--name) [ \"$cmd\" = hashset ] || [ \"$cmd\" = scan ] && { COMPREPLY=($(compgen -W \"$(_vigil_sets)\" -- \"$cur\")); return; } ;;\n"
          "  esac\n"
          "  local verbs='' opts=''\n"
          "  case $cmd in\n"
          "    '') COMPREPLY=($(compgen -W '",
          f);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s ", c[i].name);
    fputs("--db --sets --as --help --version' -- \"$cur\")); return ;;\n", f);
    for (size_t i = 0; i < n; i++)
        bash_case(f, &c[i]);
    fputs("  esac\n"
          "  if [ -n \"$verbs\" ] && [ -z \"$verb\" ] && [[ $cur != -* ]]; then\n"
          "    COMPREPLY=($(compgen -W \"$verbs\" -- \"$cur\"))\n"
          "  elif [[ $cur == -* ]]; then\n"
          "    COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
          "  elif [ \"$cmd\" = hashset ] && { [ \"$verb\" = remove ] || [ \"$verb\" = export ]; }; then\n"
          "    COMPREPLY=($(compgen -W \"$(_vigil_sets)\" -- \"$cur\"))\n"
          "  else\n"
          "    COMPREPLY=($(compgen -f -- \"$cur\"))\n"
          "  fi\n"
          "}\n"
          "complete -o filenames -F _vigil vigil\n",
          f);
    return 0;
}

static int zsh(FILE *f)
{
    size_t n;
    const cli_command *c = cli_commands(&n);
    fputs("#compdef vigil\n# zsh completion for vigil: generated by `vigil --completion zsh`\n"
          "_vigil() {\n  local -a commands verbs opts\n  commands=(\n", f);
    for (size_t i = 0; i < n; i++) {
        fprintf(f, "    '%s:", c[i].name);
        for (const char *p = c[i].what; *p; p++) /* a quote or colon would end the description */
            fputc(*p == '\'' || *p == ':' ? ' ' : *p, f);
        fputs("'\n", f);
    }
    fputs("  )\n  if (( CURRENT == 2 )); then _describe 'command' commands; return; fi\n  case $words[2] in\n", f);
    for (size_t i = 0; i < n; i++) {
        char *text = cli_usage_text(c[i].usage), verbs[1024], opts[4096];
        if (!text)
            continue;
        cli_verbs(c[i].usage, c[i].name, verbs, sizeof verbs);
        cli_options_of(text, opts, sizeof opts);
        fprintf(f, "    %s) verbs=(%s); opts=(%s --help) ;;\n", c[i].name, verbs, opts);
        free(text);
    }
    fputs("  esac\n"
          "  if (( CURRENT == 3 && ${#verbs} )) && [[ $PREFIX != -* ]]; then compadd -a verbs\n"
          "  elif [[ $PREFIX == -* ]]; then compadd -a opts\n"
          "  else _files; fi\n"
          "}\n"
          "_vigil \"$@\"\n",
          f);
    return 0;
}

int cli_completion(const char *shell, FILE *f)
{
    if (!strcmp(shell, "bash"))
        return bash(f);
    if (!strcmp(shell, "zsh"))
        return zsh(f);
    cli_error("--completion: bash or zsh, not '%s'", shell);
    return EXIT_USAGE;
}

/* Helpers shared by the vigil subcommands: global options, errors, exit codes. */
#ifndef VIGIL_CLI_H
#define VIGIL_CLI_H
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include "vigil/vigil.h"

/* Statuses that are no vigil_code; every failure with a code exits with vigil_error_exit_status(code)
 * (EXIT_USAGE is the status of VIGIL_EUSAGE). */
enum { EXIT_OK = 0, EXIT_PROBLEM = 1, EXIT_USAGE = 2 };

typedef struct cli_globals {
    const char *db;          /* --db or VIGIL_DB or ./vigil.db */
    const char *sets;        /* hash-set catalog: --sets, VIGIL_SETS, db when a file, else ./vigil-sets.db */
    const char *argv0;
    char command_line[4096]; /* for reports and hashdeep headers */
    int reg_opened;          /* the command opened the case registry (and may have written events) */
    char what[64];           /* "scan", "case new": the command as messages name it */
    vigil_config cfg;        /* registry settings (weights, deadlines, hash-set policy) from the files */
} cli_globals;

extern cli_globals cli;

/* Print "vigil: <msg>" on stderr, controls in it escaped (vigil/term.h). */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* url with any password in it replaced by "***", for printing. */
void cli_mask_url(char *out, size_t cap, const char *url);
/* Print the error and return the exit status for its code. */
int cli_fail(const vigil_error *err);
/* An output (path; NULL or "-": stdout) could not be opened, or written (ENOSPC, EPIPE...): print
 * "vigil: <cmd>: <path>: <why>" or "vigil: <cmd>: <path>: cannot write the output: <why>" and return
 * the exit status of VIGIL_ESTORE, the same in every command. */
int cli_open_failed(const char *cmd, const char *path, int errnum);
int cli_write_failed(const char *cmd, const char *path, int errnum);
/* An output file that appears whole or not at all (cli_out.c): cli_out_open writes to a temporary
 * file beside path (NULL or "-": stdout) and cli_out_close renames it onto path when keep, else
 * removes it; both -1 with errno when that fails. */
typedef struct cli_out {
    FILE *f;
    const char *path;
    char tmp[4200];
} cli_out;
int cli_out_open(cli_out *o, const char *path);
int cli_out_close(cli_out *o, int keep);
/* "s" unless n is 1: "%llu item%s" says "1 item", "2 items". */
const char *cli_s(unsigned long long n);
/* Parse a positive integer with an optional K/M/G/T suffix (powers of 1024); -1 on junk. */
int cli_parse_u64(uint64_t *out, const char *s);
/* Parse --jobs (1 to 256) into *out; on junk print "<cmd>: --jobs ..." and return EXIT_USAGE. */
int cli_parse_jobs(unsigned *out, const char *cmd, const char *arg);
/* Print "vigil: <containers!/...><item path>: <why>" on stderr, controls escaped (vigil/term.h). */
void cli_item_error(const vigil_item *it, const char *why);
/* Text from users or seized media (titles, names, reasons, paths) for a human-readable line:
 * s itself when it holds no control, else a copy with controls escaped (vigil/term.h) that lives
 * until eight more such calls. NULL stays NULL. */
const char *cli_text(const char *s);
/* SIGINT/SIGTERM set *flag; a second signal ends the process at once. */
void cli_catch_interrupt(volatile sig_atomic_t *flag);
/* The exit status of a command that stopped on that flag: 128 + the signal, as a shell reports a
 * process the signal killed (130 for SIGINT, 143 for SIGTERM). */
int cli_interrupted_status(void);
/* A stopped scan left threads stuck inside a parser (vigil_scan_stats.threads_left): they still
 * use what the command holds (sets, keys, paths), so nothing is freed: flush stdio and end the
 * process now with status. */
_Noreturn void cli_exit_leaving_threads(int status);
/* ISO 8601 UTC time now into buf. */
void cli_now_iso(char *buf, size_t cap);

int cmd_hash(int argc, char **argv);
int cmd_scan(int argc, char **argv);
int cmd_hashset(int argc, char **argv);
int cmd_unit(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_case(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_db(int argc, char **argv);
int cmd_links(int argc, char **argv);
int cmd_series(int argc, char **argv);
/* After a command: when $VIGIL_AUDIT_KEY names a key and the command opened the registry,
 * sign the log's head if events were written since the last checkpoint; the exit status. */
int cli_audit_after(const char *command, int rc);

/* Open the case registry at cli.db as the caller (vigil_actor_login), or as `as` (NULL: $VIGIL_USER
 * when set, even empty) when the caller is an admin, with weights and deadlines from $VIGIL_CONFIG;
 * says so on stderr when a new registry made the caller its admin; 0 or the exit status after
 * printing why. */
int cli_reg_open(vigil_registry **reg, vigil_actor *who, const char *as);
/* The same for commands that only read: a registry file that does not exist is an error naming
 * it (exit 3), and no file is made. */
int cli_reg_open_existing(vigil_registry **reg, vigil_actor *who, const char *as);
/* The arguments of a verb that takes only [--as USER] NAME (what: "apikey revoke"): sets *as and
 * returns the name, or NULL after printing why (exit EXIT_USAGE). */
const char *cli_as_and_name(int argc, char **argv, const char *what, const char **as);
/* Parse a date for option opt; 0 or EXIT_USAGE after printing why. */
int cli_parse_date(int64_t *out, const char *opt, const char *s);
int cli_parse_case_id(int64_t *out, const char *s);
/* A password for user who into buf (cap > VIGIL_PASSWORD_MAX + 1): one line of stdin, or asked
 * twice on the terminal with echo off; 0 or EXIT_USAGE after saying why (cli_password.c). */
int cli_read_password(char *buf, size_t cap, const char *who);
int cmd_pdq(int argc, char **argv);
int cmd_vpdq(int argc, char **argv);
int cmd_apikey(int argc, char **argv);
int cmd_serve(int argc, char **argv);

/* Each command's usage text (its --help); a line "usage: vigil CMD VERB ..." or "       vigil CMD
 * VERB ..." names a verb, and its indented continuations belong to it (cli_opts.c). */
typedef void (*cli_usage_fn)(FILE *f);
void cmd_hash_usage(FILE *f);
void cmd_scan_usage(FILE *f);
void cmd_hashset_usage(FILE *f);
void cmd_unit_usage(FILE *f);
void cmd_user_usage(FILE *f);
void cmd_case_usage(FILE *f);
void cmd_stats_usage(FILE *f);
void cmd_audit_usage(FILE *f);
void cmd_db_usage(FILE *f);
void cmd_links_usage(FILE *f);
void cmd_series_usage(FILE *f);
void cmd_pdq_usage(FILE *f);
void cmd_vpdq_usage(FILE *f);
void cmd_apikey_usage(FILE *f);
void cmd_serve_usage(FILE *f);

/* The command table (main.c): each command's name, entry, usage text and one-line summary. */
typedef struct cli_command {
    const char *name;
    int (*fn)(int argc, char **argv);
    cli_usage_fn usage;
    const char *what;
} cli_command;
const cli_command *cli_commands(size_t *n);
/* `vigil --help`: the commands, the global options, the exit statuses. */
void cli_usage(FILE *f);
/* Generated from the same table and usage texts (cli_doc.c): the manual page vigil(1), or
 * vigil-COMMAND(1) when cmd is given, in roff; the bash or zsh completion script. 0, or the usage
 * status after saying why. */
int cli_man(const char *cmd, FILE *f);
int cli_completion(const char *shell, FILE *f);

/* Settings (cli_settings.c): /etc/vigil/vigil.conf ($VIGIL_SYSTEM_CONFIG), then
 * $XDG_CONFIG_HOME/vigil/vigil.conf (~/.config), then $VIGIL_CONFIG, then the environment, then
 * flags. Keys: db, sets; COMMAND.OPTION or COMMAND.VERB.OPTION (an option's default: scan.jobs,
 * scan.max-depth, case.list.format); the registry's weight.*, due_days.*, hashset.*. A bad line
 * is an error naming the file and line: 0, or the exit status after saying it. */
int cli_settings_load(void);
/* --db and --sets as given (NULL if not), then $VIGIL_DB/$VIGIL_SETS, the files, the defaults. */
void cli_settings_resolve_db(const char *db_flag, const char *sets_flag);
/* argv with the settings of cmd (and verb) inserted as options before those given, which win. */
char **cli_settings_argv(const cli_command *c, const char *verb, int *argc, char **argv);
/* The options a usage text names ("--jsonl"), each once, space-separated into out (cli_doc.c). */
void cli_options_of(const char *text, char *out, size_t cap);
int cmd_config(int argc, char **argv);
void cmd_config_usage(FILE *f);

/* getopt_long for every subcommand: a bad option is one line, "vigil: <cli.what>: unknown option
 * '--x' (try 'vigil <cli.what> --help')" (or "option '--x' needs a value", "takes no value"), and
 * the return is then '?'; the callers return EXIT_USAGE for it. */
int cli_getopt(int argc, char *const argv[], const char *shortopts, const struct option *lo, int *li);
/* A verb that takes no option and npos arguments: 0, or EXIT_USAGE after saying why in one line. */
int cli_no_options(int argc, char **argv, int npos);
/* The usage text as one string (NULL when out of memory); free() it. */
char *cli_usage_text(cli_usage_fn usage);
/* The verbs the usage text names, space-separated, into out; how many. */
size_t cli_verbs(cli_usage_fn usage, const char *cmd, char *out, size_t cap);
int cli_is_verb(cli_usage_fn usage, const char *cmd, const char *word);
/* The help of a command (verb NULL: all its usage) or of one verb: its synopsis lines, then the prose. */
void cli_help(cli_usage_fn usage, const char *cmd, const char *verb, FILE *f);
/* Inputs that do not exist: "vigil: PATH: No such file or directory" and the input exit status; else 0. */
int cli_check_inputs(const char *const *paths, size_t n);

#endif

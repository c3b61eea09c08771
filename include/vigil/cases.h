/*
 * Case registry: units, users and their access, cases and their lifecycle,
 * referrals with deadlines and reason codes, priority, statistics and CSV import.
 * Every change and every read of a case's details writes an audit event in the same
 * transaction; on error nothing is changed. A registry handle belongs to one thread.
 *
 * Codes: every function below that takes a registry may also return VIGIL_ESTORE
 * (the database failed: locked, full, connection lost) and VIGIL_ENOMEM; the
 * comments name the other codes each one returns. VIGIL_EDENIED always means the
 * acting user may not do this (or see this case or unit).
 */
#ifndef VIGIL_CASES_H
#define VIGIL_CASES_H
#include <stddef.h>
#include <stdint.h>
#include "vigil/error.h"
#include "vigil/registry.h"

/* --- dates: seconds since the epoch, UTC; days = seconds / 86400 --- */

/* Parse YYYY-MM-DD or ISO 8601 (YYYY-MM-DDTHH:MM[:SS][Z|+hh:mm]); VIGIL_EINPUT naming s. */
int vigil_date_parse(int64_t *secs_out, const char *s, vigil_error *err);
/* Format as YYYY-MM-DD (cap >= 11) or YYYY-MM-DDTHH:MM:SSZ (cap >= 21). */
void vigil_date_format(char *buf, size_t cap, int64_t secs, int with_time);

/* --- configuration: priority weights, default referral deadlines, who changes the hash sets --- */

/* The changes to the known-hash sets that the access policy governs. */
typedef enum {
    VIGIL_HASHSET_IMPORT,     /* a new set */
    VIGIL_HASHSET_REPLACE,    /* a new version of an existing set (import --replace) */
    VIGIL_HASHSET_REMOVE,
    VIGIL_HASHSET_DISPUTE,    /* take a digest out of matching */
    VIGIL_HASHSET_UNDISPUTE,
    VIGIL_HASHSET__OPS
} vigil_hashset_op;

/* Who may do a vigil_hashset_op: a mask of these. */
enum {
    VIGIL_ALLOW_ADMIN = 1,    /* administrators */
    VIGIL_ALLOW_NATIONAL = 2, /* officers of the national unit */
    VIGIL_ALLOW_OFFICER = 4,  /* every officer */
    VIGIL_ALLOW_ANALYST = 8,
};

#define VIGIL_FACTOR_MAX 16
typedef struct vigil_config {
    int due_days[5];                       /* per vigil_unit_type; default 30 */
    struct { char name[32]; double weight; } weight[VIGIL_FACTOR_MAX];
    int nweights;
    unsigned hashset_allow[VIGIL_HASHSET__OPS]; /* VIGIL_ALLOW_*; default admin and national */
} vigil_config;

/* Defaults, then "key = value" lines from path (NULL: defaults only); '#' starts a comment.
 * Keys: due_days.<unit type>, weight.<factor>, hashset.<import|replace|remove|dispute|undispute>
 * (a list of admin, national, officer, analyst, or none). VIGIL_EINPUT with path:line on a
 * bad line, or naming path when it cannot be read. */
int vigil_config_load(vigil_config *cfg, const char *path, vigil_error *err);
/* One such line (changed in place: a comment is cut) of path at line ln; a blank line is 0. */
int vigil_config_line(vigil_config *cfg, char *line, const char *path, int ln, vigil_error *err);
/* The registry copies cfg. */
void vigil_registry_set_config(vigil_registry *reg, const vigil_config *cfg);

/* --- who is acting --- */

typedef enum { VIGIL_ROLE_ADMIN, VIGIL_ROLE_OFFICER, VIGIL_ROLE_ANALYST } vigil_role;

typedef struct vigil_actor {
    char name[64];
    vigil_role role;
    int64_t unit_id;      /* officers: their unit; 0 otherwise */
    int national;         /* an officer of the national unit sees and acts on everything */
} vigil_actor;

/* An administrator that is no registered user, for programs that drive the library themselves
 * (tests, imports); the CLI never acts as it. */
void vigil_actor_admin(vigil_actor *out);
/* Look up a registered user: VIGIL_EDENIED "unknown user 'X'" for an unknown or empty name. */
int vigil_actor_resolve(vigil_actor *out, vigil_registry *reg, const char *name, vigil_error *err);

typedef struct vigil_login {
    char login[64];       /* the caller: the OS login (SQLite) or the session's role (PostgreSQL) */
    char caller[64];      /* the vigil user mapped to it */
    int created;          /* 1: the registry had no users and the caller became its admin;
                             2: it had users but none who could log in (written before logins) */
} vigil_login;

/* Who is acting, as a command-line tool asks (docs/access.md). The caller is the vigil user
 * mapped to login with --os-user on SQLite; on PostgreSQL the user whose role is the session's
 * (login is ignored). A registry without users, or without one who can log in, makes the
 * caller its admin first, in one transaction with a user.add event (info->created). as (NULL: none) acts as that user instead,
 * which only an admin may do; on PostgreSQL the session then runs as the actor's role, so the
 * database's row-level security applies. info may be NULL.
 * VIGIL_EDENIED for a caller mapped to no user, a non-admin naming another user, an unknown or
 * empty as; VIGIL_EINPUT when a first caller's login cannot be a user name. */
int vigil_actor_login(vigil_actor *out, vigil_login *info, vigil_registry *reg, const char *login,
                      const char *as, vigil_error *err);
const char *vigil_role_name(vigil_role r);
/* 0, or -1 for an unknown role name (no vigil_code). */
int vigil_role_parse(vigil_role *out, const char *s);

/* "import", "replace", "remove", "dispute", "undispute". */
const char *vigil_hashset_op_name(vigil_hashset_op op);
/* May who make this change to the hash sets (the registry's configuration, hashset.<op>)?
 * 0, or VIGIL_EDENIED "hashset <op>: not allowed for user 'NAME' (...)". */
int vigil_hashset_authorize(vigil_registry *reg, const vigil_actor *who, vigil_hashset_op op,
                            vigil_error *err);
/* Register a user of a unit (admins and national officers). Analysts may have no unit. os_user
 * (may be NULL): the OS login that acts as this user on SQLite. On PostgreSQL the user is also a
 * database role of that name (LOGIN, no password) in the group vigil_users, and os_user is refused.
 * VIGIL_EDENIED for other users, VIGIL_EINPUT for a bad name or login or an officer without a
 * unit, VIGIL_ENOTFOUND for an unknown unit, VIGIL_EEXISTS if the name, the login or (PostgreSQL)
 * a role of that name is taken. */
int vigil_user_add(vigil_registry *reg, const vigil_actor *who, const char *name, const char *unit_code,
                   vigil_role role, const char *os_user, vigil_error *err);

typedef struct vigil_user_row {
    char name[64];
    char unit[32];        /* the unit's code, "" for none */
    vigil_role role;
    char os_user[64];     /* the login that acts as the user on SQLite, "" for none */
} vigil_user_row;
/* All users, by name (admins and national officers: VIGIL_EDENIED for others); *out is owned by
 * the caller (free()). */
int vigil_user_list(vigil_user_row **out, size_t *n, vigil_registry *reg, const vigil_actor *who,
                    vigil_error *err);

/* --- units --- */

typedef enum {
    VIGIL_UNIT_NATIONAL, VIGIL_UNIT_REGIONAL, VIGIL_UNIT_SPECIAL, VIGIL_UNIT_FOREIGN,
    VIGIL_UNIT_PROSECUTOR
} vigil_unit_type;
const char *vigil_unit_type_name(vigil_unit_type t);
/* 0, or -1 for an unknown type name (no vigil_code). */
int vigil_unit_type_parse(vigil_unit_type *out, const char *s);

typedef struct vigil_unit {
    int64_t id;
    char code[32];
    char name[128];
    vigil_unit_type type;
    char country[8];      /* foreign services only, else "" */
} vigil_unit;

/* Add a unit (admins and national officers: VIGIL_EDENIED for others); VIGIL_EEXISTS if the code
 * is taken, VIGIL_EINPUT for a bad code or name, a foreign service without a two-letter country
 * code, or a country for a unit that is not foreign. */
int vigil_unit_add(vigil_registry *reg, const vigil_actor *who, const vigil_unit *u, vigil_error *err);
/* All units, by code (every user may list them); *out is owned by the caller (free()). */
int vigil_unit_list(vigil_unit **out, size_t *n, vigil_registry *reg, const vigil_actor *who,
                    vigil_error *err);

/* --- cases and referrals --- */

/* Names: offence types possession distribution production grooming sex-tourism network;
 * statuses registered referred accepted investigating prosecutor closed; outcomes prosecuted
 * settlement no-suspect insufficient-evidence transferred duplicate; reasons capacity
 * other-priority no-digital-support insufficient-info jurisdiction duplicate other. */
/* 1 if s is one of the names above, else 0. */
int vigil_case_type_valid(const char *s);
int vigil_outcome_valid(const char *s);
int vigil_reason_valid(const char *s);
extern const char *const vigil_reasons[7];

typedef struct vigil_case_spec {
    const char *unit;         /* owner unit code */
    const char *type;
    const char *title;        /* may be NULL */
    const char *const *suspects;
    size_t nsuspects;
    int64_t at;               /* when it happened; 0: now */
    const char *ref;          /* the unit's own reference, unique per registering unit; may be NULL */
} vigil_case_spec;

/* Register a case owned by spec->unit. VIGIL_ENOTFOUND for an unknown unit, VIGIL_EDENIED when who
 * may not register for it, VIGIL_EINPUT for an unknown offence type, a foreign owner, a bad
 * suspect id or reference; VIGIL_EEXISTS when the unit already has a case of that reference. */
int vigil_case_new(int64_t *id_out, vigil_registry *reg, const vigil_actor *who,
                   const vigil_case_spec *spec, vigil_error *err);

/* Every verb on an existing case (refer, accept, decline, return, set_status, signal_set, get)
 * first checks that who may see the case: a case hidden from who and an id that does not exist
 * both get VIGIL_EDENIED "case N: no such case, or not visible to user 'U'", word for word;
 * VIGIL_ENOTFOUND "unknown case N" is for users who see every case (admins, national officers).
 * Only then do the state checks below run. */

/* Refer a registered case to unit `to`. due: a date in seconds, or 0 for sent + due_days
 * (due_days < 0: the configured default for the receiving unit's type).
 * VIGIL_ENOTFOUND for an unknown case or unit, VIGIL_EDENIED, VIGIL_ESTATE when the case is not
 * registered (or already referred), VIGIL_EINPUT when it already belongs to `to` or due is
 * before the referral is sent. */
int vigil_case_refer(vigil_registry *reg, const vigil_actor *who, int64_t case_id, const char *to,
                     int64_t due, int due_days, int64_t at, vigil_error *err);
/* Accept the pending referral. VIGIL_ENOTFOUND, VIGIL_EDENIED (not the receiving unit),
 * VIGIL_ESTATE when nothing is pending or it was already answered, VIGIL_EINPUT when at is
 * before the referral was sent. */
int vigil_case_accept(vigil_registry *reg, const vigil_actor *who, int64_t case_id, int64_t at,
                      vigil_error *err);
/* Decline the pending referral (or, with returning set, give back an accepted case).
 * Reason "other" needs a note. Codes as vigil_case_accept, and VIGIL_EINPUT for an unknown
 * reason or "other" without a note. */
int vigil_case_decline(vigil_registry *reg, const vigil_actor *who, int64_t case_id, const char *reason,
                       const char *note, int returning, int64_t at, vigil_error *err);
/* Move a case to investigating, prosecutor or closed (closed needs an outcome).
 * VIGIL_ENOTFOUND, VIGIL_EDENIED, VIGIL_EINPUT for an unknown status or outcome (or an outcome
 * when not closing), VIGIL_ESTATE when the case cannot move there from where it is. */
int vigil_case_set_status(vigil_registry *reg, const vigil_actor *who, int64_t case_id,
                          const char *status, const char *outcome, int64_t at, vigil_error *err);
/* Record a priority signal from scans or links (unknown_material, production_indicators,
 * network, series_unidentified). VIGIL_ENOTFOUND, VIGIL_EDENIED, VIGIL_EINPUT for an unknown
 * signal or a negative value. */
int vigil_case_signal_set(vigil_registry *reg, const vigil_actor *who, int64_t case_id,
                          const char *name, int64_t value, vigil_error *err);

typedef struct vigil_referral {
    int64_t id;
    char from[32], to[32];
    char sent[24], due[12], answered[24];
    char state[12];           /* pending accepted declined returned */
    char reason[24];
    char *note;               /* may be NULL */
    int overdue;
} vigil_referral;

/* A factor of weight 0 in the priority of a case shown to a user who does not see every case:
   a suspect of this case is also named in cases hidden from that user (ask the national unit).
   repeat_suspect counts only the cases that user may see. */
#define VIGIL_FACTOR_SEEN_ELSEWHERE "suspect_seen_elsewhere"

typedef struct vigil_factor {
    char name[32];
    double value, weight;     /* contribution = value * weight */
} vigil_factor;

/* One event of a case's history: registered, referred, accepted, declined, returned, status. */
typedef struct vigil_case_event {
    char at[24];              /* when it happened (ISO 8601) */
    char who[64];             /* the acting user; "" when unknown (before the history was kept) */
    char event[16];
    char *detail;             /* may be NULL */
} vigil_case_event;

typedef struct vigil_case {
    int64_t id;
    char ref[48];             /* "" when none */
    char type[16], status[16], outcome[24];
    char *title;              /* may be NULL */
    char *suspects;           /* comma-separated, may be NULL */
    char reg_unit[32], owner_unit[32];
    char registered[24], updated[24];
    double priority;
    vigil_factor factor[VIGIL_FACTOR_MAX];
    size_t nfactors;
    vigil_referral *referral; /* oldest first */
    size_t nreferrals;
    vigil_case_event *history; /* oldest first */
    size_t nhistory;
} vigil_case;

/* Read a case with its referrals and priority (an audited read). now: for overdue (0: today).
 * *out is owned by the caller (vigil_case_free). VIGIL_ENOTFOUND for an unknown case,
 * VIGIL_EDENIED when who may not see it (see above). repeat_suspect counts only the other
 * cases who may see, plus the VIGIL_FACTOR_SEEN_ELSEWHERE flag. */
int vigil_case_get(vigil_case **out, vigil_registry *reg, const vigil_actor *who, int64_t case_id,
                   int64_t now, vigil_error *err);
void vigil_case_free(vigil_case *c);

typedef struct vigil_case_filter {
    const char *unit;         /* owner unit, or a unit with a pending referral; NULL: any */
    const char *status;       /* NULL: any */
    int overdue;              /* only cases whose pending referral is past due */
    int64_t now;              /* 0: today */
    const char *reason;       /* only cases with a referral declined or returned for it; NULL: any */
    size_t offset, limit;     /* one page of the list, by id: limit cases from offset; limit 0: all */
} vigil_case_filter;

typedef struct vigil_case_row {
    int64_t id;
    char type[16], status[16], owner[32], registered[12];
    char pending_to[32], due[12];   /* "" when nothing is pending */
    int overdue;
    char ref[48];             /* "" when none */
    char title[128];          /* "" when none; cut at 127 bytes */
} vigil_case_row;

/* Cases this actor may see; *out is owned by the caller (free()). VIGIL_EDENIED for analysts,
 * VIGIL_EINPUT for an unknown status or reason, VIGIL_ENOTFOUND for an unknown unit in the filter. */
int vigil_case_list(vigil_case_row **out, size_t *n, vigil_registry *reg, const vigil_actor *who,
                    const vigil_case_filter *f, vigil_error *err);

typedef struct vigil_import_result {
    uint64_t lines, cases, referrals, answers;  /* cases: new ones, with their referrals and answers */
    uint64_t unchanged;                         /* cases already stored exactly as in the file */
} vigil_import_result;

/* Import historic cases and referrals from CSV (see docs in the source), all or nothing:
 * VIGIL_EINPUT "path:line: why" and nothing stored on a bad line (or naming path when it
 * cannot be read); VIGIL_EDENIED for users other than admins and national officers.
 * A case whose unit already has its reference is compared with what is stored: the same is
 * counted unchanged and left alone, anything else is a bad line (the first record that differs). */
int vigil_case_import(vigil_import_result *res, vigil_registry *reg, const vigil_actor *who,
                      const char *path, vigil_error *err);

/* --- statistics --- */

typedef enum { VIGIL_STATS_BY_UNIT, VIGIL_STATS_BY_REASON, VIGIL_STATS_BY_MONTH, VIGIL_STATS_BY_TYPE } vigil_stats_by;

typedef struct vigil_stats_row {
    char group[40];
    int64_t referred, accepted, declined, pending, overdue;
    int64_t reasons[7];       /* per vigil_reasons */
    double median_days;       /* < 0: no answered referral */
    int64_t self_registered;  /* cases registered by units themselves */
    int64_t foreign;          /* referrals to foreign services */
} vigil_stats_row;

typedef struct vigil_stats {
    vigil_stats_row *rows;
    size_t nrows;
    vigil_stats_row total;
} vigil_stats;

typedef struct vigil_stats_query {
    vigil_stats_by by;
    int64_t from, to;         /* days, inclusive; to < from means open */
    int64_t now;              /* seconds; 0: now */
} vigil_stats_query;

/* Referral statistics (every user may compute them): no codes but the two above. */
int vigil_stats_compute(vigil_stats *out, vigil_registry *reg, const vigil_actor *who,
                        const vigil_stats_query *q, vigil_error *err);
void vigil_stats_dispose(vigil_stats *s);

#endif

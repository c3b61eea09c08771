/*
 * vigil error codes and the one error struct every fallible function fills.
 * Functions return 0 or a negative vigil_code; the message says "<what>: <why>".
 * A vigil_error is plain data: owned by the caller, never shared between threads.
 */
#ifndef VIGIL_ERROR_H
#define VIGIL_ERROR_H

typedef enum {
    VIGIL_OK = 0,
    VIGIL_ENOTFOUND = -1,
    VIGIL_EEXISTS = -2,
    VIGIL_EINPUT = -3,    /* unreadable or malformed input: exit 3 */
    VIGIL_EDENIED = -4,   /* not allowed for this user or unit */
    VIGIL_ESTATE = -5,    /* operation not allowed in the current state */
    VIGIL_ESTORE = -6,    /* storage failure, or an output that cannot be written: exit 4 */
    VIGIL_ENOMEM = -7,
    VIGIL_EINTERNAL = -8,
    VIGIL_EUSAGE = -9,    /* bad arguments: exit 2 */
} vigil_code;

typedef struct vigil_error {
    vigil_code code;
    char msg[512];
} vigil_error;

/* Fill err (if not NULL) with code and a printf-style message; returns code. */
int vigil_error_set(vigil_error *err, vigil_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Clear err to VIGIL_OK with an empty message. */
void vigil_error_clear(vigil_error *err);

/* The CLI exit status for a code, the one mapping every command uses (README, "Exit status"):
 * 0 ok; 2 VIGIL_EUSAGE; 3 VIGIL_EINPUT, ENOTFOUND, EEXISTS, EDENIED, ESTATE; 4 VIGIL_ESTORE (an
 * output that cannot be written included), ENOMEM, EINTERNAL and anything else. */
int vigil_error_exit_status(int code);

/* A checker's report of one problem: a line saying what is wrong and how to repair it. */
typedef void (*vigil_problem_fn)(void *ud, const char *line);

#endif

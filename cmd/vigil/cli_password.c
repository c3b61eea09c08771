/* Reading a password: from a prompt on the terminal with echo off (asked twice), or one line of
 * stdin when it is not a terminal; never from argv, where other users could read it. */
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"

static int read_line(char *buf, size_t cap, FILE *in)
{
    size_t n;
    if (!fgets(buf, (int)cap, in))
        return -1;
    n = strlen(buf);
    if (n && buf[n - 1] == '\n')
        buf[--n] = '\0';
    else if (n == cap - 1)
        return -1;   /* longer than any password we take */
    if (n && buf[n - 1] == '\r')
        buf[--n] = '\0';
    return 0;
}

static int prompt(char *buf, size_t cap, const char *what)
{
    struct termios old, quiet;
    int rc;
    fprintf(stderr, "%s: ", what);
    fflush(stderr);
    if (tcgetattr(STDIN_FILENO, &old) < 0)
        return -1;
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t)ECHO;
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    rc = read_line(buf, cap, stdin);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
    fputc('\n', stderr);
    return rc;
}

int cli_read_password(char *buf, size_t cap, const char *who)
{
    char again[300], what[128];
    if (!isatty(STDIN_FILENO)) {
        if (read_line(buf, cap, stdin) < 0) {
            cli_error("%s: no password on stdin (one line)", cli.what);
            return EXIT_USAGE;
        }
        return 0;
    }
    snprintf(what, sizeof what, "password for %s", who);
    if (prompt(buf, cap, what) < 0 || prompt(again, sizeof again, "again") < 0) {
        cli_error("%s: no password read", cli.what);
        return EXIT_USAGE;
    }
    if (strcmp(buf, again)) {
        memset(again, 0, sizeof again);
        cli_error("%s: the two passwords differ", cli.what);
        return EXIT_USAGE;
    }
    memset(again, 0, sizeof again);
    return 0;
}

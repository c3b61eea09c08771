/*
 * vigil scan --key-file FILE: the passwords and recovery keys for encrypted
 * volumes, one a line. They are held in memory for the scan, wiped after, and
 * never written: no message quotes a key or any part of one.
 */
#ifndef VIGIL_CLI_SCAN_KEYS_H
#define VIGIL_CLI_SCAN_KEYS_H
#include <stddef.h>

typedef struct scan_keys {
    char *text;         /* the file's bytes, each line ended by a NUL */
    size_t len;
    const char **v;     /* the keys, pointing into text */
    size_t n;
} scan_keys;

/* Read FILE: every non-empty line (without its CR LF) is a key. Returns 0, or an exit status
 * after saying on stderr why (the file cannot be read, is too large, or holds no key). */
int scan_keys_load(scan_keys *k, const char *path);
/* Wipe and free the keys. */
void scan_keys_free(scan_keys *k);

#endif

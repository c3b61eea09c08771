/* Reading --key-file: one key a line, wiped from memory when the scan ends. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "scan_keys.h"

#define MAX_KEY_FILE (1u << 20)

int scan_keys_load(scan_keys *k, const char *path)
{
    FILE *f = fopen(path, "rb");
    size_t cap = 0;
    char *p;
    memset(k, 0, sizeof *k);
    if (!f) {
        cli_error("scan: --key-file %s: %s", path, strerror(errno));
        return vigil_error_exit_status(VIGIL_EINPUT);
    }
    if (!(k->text = malloc(MAX_KEY_FILE + 1))) {
        fclose(f);
        cli_error("scan: --key-file %s: out of memory", path);
        return vigil_error_exit_status(VIGIL_ENOMEM);
    }
    k->len = fread(k->text, 1, MAX_KEY_FILE + 1, f);
    if (ferror(f) || k->len > MAX_KEY_FILE) {
        int bad = ferror(f);
        fclose(f);
        scan_keys_free(k);
        cli_error("scan: --key-file %s: %s", path, bad ? "read error" : "larger than 1 MiB: not a key file");
        return vigil_error_exit_status(VIGIL_EINPUT);
    }
    fclose(f);
    k->text[k->len] = '\0';
    for (p = k->text; p < k->text + k->len;) {
        char *end = memchr(p, '\n', (size_t)(k->text + k->len - p)), *next;
        if (!end)
            end = k->text + k->len;
        next = end + 1;
        if (end > p && end[-1] == '\r')
            end--;
        *end = '\0';
        if (*p) {
            if (k->n == cap) {
                const char **v = realloc(k->v, (cap = cap ? cap * 2 : 8) * sizeof *v);
                if (!v) {
                    scan_keys_free(k);
                    cli_error("scan: --key-file %s: out of memory", path);
                    return vigil_error_exit_status(VIGIL_ENOMEM);
                }
                k->v = v;
            }
            k->v[k->n++] = p;
        }
        p = next;
    }
    if (!k->n) {
        scan_keys_free(k);
        cli_error("scan: --key-file %s: holds no key (one password or recovery key a line)", path);
        return vigil_error_exit_status(VIGIL_EINPUT);
    }
    return 0;
}

void scan_keys_free(scan_keys *k)
{
    if (k->text)
        explicit_bzero(k->text, k->len + 1);
    free(k->text);
    free(k->v);
    memset(k, 0, sizeof *k);
}

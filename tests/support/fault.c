/*
 * The fault switch of test builds (vigil-faulty only; the product binary has
 * none): VIGIL_FAULT=PARSER:MODE[:MATCH] makes the named parser (libarchive,
 * libmagic, picture) crash, spin, allocate without end (and say so, or crash on
 * the NULL it gets: alloc-crash), or open a file, at its
 * entry, for items whose name contains MATCH (every item without it).
 */
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scan/worker_page.h"

void vg_fault_point(const char *parser);

static int item_matches(const char *match)
{
    const vg_worker_page *pg = vg_worker_self;
    const char *at, *end;
    if (!match || !*match)
        return 1;
    if (!pg)
        return 0;
    at = pg->where;
    end = pg->where + sizeof pg->where;
    for (uint32_t i = 0; i < pg->depth && at < end; i++) /* past the containers: the item itself */
        at += strnlen(at, (size_t)(end - at)) + 1;
    return at < end && strstr(at, match) != NULL;
}

void vg_fault_point(const char *parser)
{
    const char *spec = getenv("VIGIL_FAULT");
    char buf[256], *mode, *match;
    size_t n;
    if (!spec || strlen(spec) >= sizeof buf)
        return;
    strcpy(buf, spec);
    if (!(mode = strchr(buf, ':')))
        return;
    *mode++ = '\0';
    if ((match = strchr(mode, ':')))
        *match++ = '\0';
    if (strcmp(buf, parser) != 0 || !item_matches(match))
        return;
    if (strcmp(mode, "crash") == 0) {
        volatile uintptr_t zero = 0; /* an address the compiler cannot see is null */
        *(volatile int *)zero = 1;
        raise(SIGSEGV); /* should the store above be allowed */
    } else if (strcmp(mode, "spin") == 0) {
        for (volatile unsigned long i = 0;; i++)
            ;
    } else if (strcmp(mode, "alloc") == 0) {
        for (n = 0;; n++) {
            char *p = malloc((size_t)16 << 20);
            if (!p) { /* what a parser would meet at the worker's memory cap */
                vg_worker_note_oom();
                abort();
            }
            memset(p, (int)n, (size_t)16 << 20);
        }
    } else if (strcmp(mode, "alloc-crash") == 0) { /* a parser that does not check for NULL */
        for (n = 0;; n++) {
            char *p = malloc((size_t)16 << 20);
            volatile uintptr_t at = (uintptr_t)p; /* NULL at the cap, written through as such a parser would */
            if (!p)
                *(volatile char *)at = 1;
            memset(p, (int)n, (size_t)16 << 20);
        }
    } else if (strcmp(mode, "open") == 0) {
        int fd = open("/etc/hostname", O_RDONLY);
        if (fd >= 0)
            close(fd);
    }
}

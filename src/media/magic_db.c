/*
 * The shared mapping of libmagic's database (magic_db.h): found where
 * magic_load() would look (the MAGIC variable or the built-in path, ".mgc"
 * added as libmagic adds it), mapped read-only on the first sniffer and
 * unmapped after the last one. Only a compiled database of this machine's byte
 * order qualifies: libmagic would byte-swap any other in place.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "media/magic_db.h"

#define MGC_MAGIC 0xF11E041Cu /* first word of a compiled database (libmagic's MAGICNO) */

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static void *db;
static size_t db_len;
static unsigned refs;

/* Map path if it is a compiled database of this byte order; 0 done. */
static int map_db(const char *path)
{
    struct stat st;
    void *p;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < 8) {
        close(fd);
        return -1;
    }
    p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    if (p == MAP_FAILED)
        return -1;
    if (*(const uint32_t *)p != MGC_MAGIC) {
        munmap(p, (size_t)st.st_size);
        return -1;
    }
    db = p;
    db_len = (size_t)st.st_size;
    return 0;
}

/* 1 when path is a text magic file with nothing but comments and blank lines (Debian's /etc/magic). */
static int text_adds_nothing(const char *path)
{
    char line[1024];
    int empty = 1;
    FILE *f = fopen(path, "re");
    if (!f)
        return 0;
    while (empty && fgets(line, sizeof line, f)) {
        const char *c = line + strspn(line, " \t\r\n");
        empty = *c == '\0' || *c == '#';
    }
    fclose(f);
    return empty;
}

/*
 * What magic_load(m, NULL) reads, from the list of files magic_getpath gives:
 * each is a compiled database (the name, or the name and ".mgc"), a text file
 * or absent. Done here only when exactly one is compiled and any text file
 * adds nothing; 0 found and mapped.
 */
static int map_default(void)
{
    const char *list = magic_getpath(NULL, 0);
    char name[4096], mgc[4100], one[4100] = "";
    const char *p = list;
    while (p && *p) {
        size_t n = strcspn(p, ":");
        struct stat st;
        if (n >= sizeof name)
            return -1;
        memcpy(name, p, n);
        name[n] = '\0';
        p += n + (p[n] == ':');
        snprintf(mgc, sizeof mgc, n >= 4 && !strcmp(name + n - 4, ".mgc") ? "%s" : "%s.mgc", name);
        if (stat(mgc, &st) == 0) {
            if (one[0])
                return -1;
            memcpy(one, mgc, sizeof one);
        } else if (stat(name, &st) == 0 && !text_adds_nothing(name)) {
            return -1;
        }
    }
    return one[0] ? map_db(one) : -1;
}

int vg_magic_db_load(magic_t m)
{
    int rc = -1;
    pthread_mutex_lock(&mu);
    if (db || map_default() == 0) {
        void *bufs[1] = {db};
        size_t lens[1] = {db_len};
        if (magic_load_buffers(m, bufs, lens, 1) == 0) {
            refs++;
            rc = 0;
        } else if (!refs) {
            munmap(db, db_len);
            db = NULL;
        }
    }
    pthread_mutex_unlock(&mu);
    return rc;
}

void vg_magic_db_release(void)
{
    pthread_mutex_lock(&mu);
    if (refs && --refs == 0) {
        munmap(db, db_len);
        db = NULL;
    }
    pthread_mutex_unlock(&mu);
}

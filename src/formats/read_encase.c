/*
 * EnCase legacy .hash (EnCase 6 era): magic 48 41 53 48 0D 0A FF 00, the set
 * name in UTF-16LE at 1032, 18-byte records from 1152 whose first 16 bytes are
 * an MD5. Other header fields are not publicly described and are ignored.
 * Hash libraries of EnCase 7 and later are another, undocumented container:
 * refused with a message that says so (hashset-formats.md, section 9).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "formats/read_forensic.h"

#define NAME_AT 1032
#define NAME_CHARS 39
#define RECORDS_AT 1152
#define RECORD_BYTES 18
#define BATCH 4096

static const uint8_t MAGIC[8] = {0x48, 0x41, 0x53, 0x48, 0x0d, 0x0a, 0xff, 0x00};

int vg_hs_detect_encase(const uint8_t *p, size_t n)
{
    return n >= sizeof MAGIC && !memcmp(p, MAGIC, sizeof MAGIC);
}

/* UTF-16LE (up to NAME_CHARS units, stops at 0) to UTF-8; a lone surrogate becomes U+FFFD. */
static void name_utf8(char *out, size_t outsz, const uint8_t *p)
{
    size_t o = 0;
    for (int i = 0; i < NAME_CHARS; i++) {
        uint32_t c = (uint32_t)p[2 * i] | (uint32_t)p[2 * i + 1] << 8;
        if (c == 0)
            break;
        if (c >= 0xd800 && c < 0xdc00 && i + 1 < NAME_CHARS) {
            uint32_t lo = (uint32_t)p[2 * i + 2] | (uint32_t)p[2 * i + 3] << 8;
            if (lo >= 0xdc00 && lo < 0xe000) {
                c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
                i++;
            } else {
                c = 0xfffd;
            }
        } else if (c >= 0xd800 && c < 0xe000) {
            c = 0xfffd;
        }
        if (o + 5 > outsz)
            break;
        if (c < 0x80) {
            out[o++] = (char)(c < 0x20 ? '?' : c);
        } else if (c < 0x800) {
            out[o++] = (char)(0xc0 | c >> 6);
            out[o++] = (char)(0x80 | (c & 0x3f));
        } else if (c < 0x10000) {
            out[o++] = (char)(0xe0 | c >> 12);
            out[o++] = (char)(0x80 | (c >> 6 & 0x3f));
            out[o++] = (char)(0x80 | (c & 0x3f));
        } else {
            out[o++] = (char)(0xf0 | c >> 18);
            out[o++] = (char)(0x80 | (c >> 12 & 0x3f));
            out[o++] = (char)(0x80 | (c >> 6 & 0x3f));
            out[o++] = (char)(0x80 | (c & 0x3f));
        }
    }
    out[o] = '\0';
}

int vg_hs_read_encase(int fd, const char *path, const vg_hs_read_opts *o, const vg_hs_sink *sink,
                      vigil_error *err)
{
    const char *label = o && o->label ? o->label : path;
    uint8_t head[RECORDS_AT], *buf;
    char name[4 * NAME_CHARS + 8];
    ssize_t n;
    uint64_t off = RECORDS_AT, total = 0, index = 0;
    struct stat sb;
    vg_hs_record r;
    int rc = 0;
    n = pread(fd, head, sizeof head, 0);
    if (n < 0)
        return vigil_error_set(err, VIGIL_EINPUT, "%s: %s", label, strerror(errno));
    if ((size_t)n < sizeof MAGIC || memcmp(head, MAGIC, sizeof MAGIC))
        return vigil_error_set(err, VIGIL_EINPUT,
                               "%s: not an EnCase legacy .hash file (magic 48 41 53 48 0D 0A FF 00 missing); "
                               "hash libraries of EnCase 7 and later are not supported", label);
    if (n < RECORDS_AT)
        return vigil_error_set(err, VIGIL_EINPUT, "%s:offset %zd: truncated header (%zd of %d bytes)", label, n, n,
                               RECORDS_AT);
    name_utf8(name, sizeof name, head + NAME_AT);
    if (sink->meta && name[0])
        sink->meta(sink->ud, "name", name);
    if (fstat(fd, &sb) == 0)
        total = (uint64_t)sb.st_size;
    if (!(buf = malloc(BATCH * RECORD_BYTES)))
        return vigil_error_set(err, VIGIL_ENOMEM, "%s: out of memory", label);
    for (;;) {
        ssize_t got = pread(fd, buf, BATCH * RECORD_BYTES, (off_t)off);
        size_t whole;
        if (got < 0) {
            rc = vigil_error_set(err, VIGIL_EINPUT, "%s:offset %llu: %s", label, (unsigned long long)off,
                                 strerror(errno));
            break;
        }
        if (got == 0)
            break;
        whole = (size_t)got / RECORD_BYTES;
        for (size_t i = 0; i < whole && rc == 0; i++, off += RECORD_BYTES) {
            vg_hs_record_clear(&r);
            snprintf(r.where, sizeof r.where, "record %llu (offset %llu)", (unsigned long long)++index,
                     (unsigned long long)off);
            memcpy(r.md5, buf + i * RECORD_BYTES, 16);
            r.has_md5 = 1;
            rc = sink->record(sink->ud, &r, err);
        }
        if (rc < 0)
            break;
        if ((size_t)got % RECORD_BYTES && (size_t)got < BATCH * RECORD_BYTES) {
            char where[64], why[96];
            snprintf(where, sizeof where, "offset %llu", (unsigned long long)off);
            snprintf(why, sizeof why, "truncated record (%zu of %d bytes at the end of the file)",
                     (size_t)got % RECORD_BYTES, RECORD_BYTES);
            rc = sink->reject(sink->ud, where, why, err);
            break;
        }
        if (sink->progress)
            sink->progress(sink->ud, off, total);
    }
    free(buf);
    return rc;
}

/* libmagic MIME sniffing and container signatures. */
#include <magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "media/sniff.h"

struct vg_sniffer {
    magic_t magic;
};

int vg_sniffer_new(vg_sniffer **out, vigil_error *err)
{
    vg_sniffer *s = calloc(1, sizeof *s);
    *out = NULL;
    if (!s)
        return vigil_error_set(err, VIGIL_ENOMEM, "sniff: out of memory");
    /* Compressed contents are opened as containers, not guessed at by libmagic. */
    s->magic = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS | MAGIC_ERROR);
    if (!s->magic || magic_load(s->magic, NULL) != 0) {
        int rc = vigil_error_set(err, VIGIL_EINTERNAL, "libmagic: cannot load the magic database: %s",
                                 s->magic ? magic_error(s->magic) : "out of memory");
        vg_sniffer_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

void vg_sniffer_free(vg_sniffer *s)
{
    if (!s)
        return;
    if (s->magic)
        magic_close(s->magic);
    free(s);
}

void vg_sniff_mime(vg_sniffer *s, const void *head, size_t n, char *out, size_t cap)
{
    const char *m = magic_buffer(s->magic, head, n);
    snprintf(out, cap, "%s", m ? m : "application/octet-stream");
}

static int at(const uint8_t *p, size_t n, size_t off, const void *sig, size_t len)
{
    return n >= off + len && memcmp(p + off, sig, len) == 0;
}

int vg_sniff_is_container(const uint8_t *p, size_t n)
{
    static const struct { size_t off; const char *sig; size_t len; } sigs[] = {
        {0, "PK\x03\x04", 4},          /* zip and everything built on it */
        {0, "PK\x05\x06", 4},          /* empty zip */
        {0, "PK\x07\x08", 4},          /* spanned zip */
        {0, "7z\xbc\xaf\x27\x1c", 6},
        {0, "Rar!\x1a\x07", 6},
        {0, "\x1f\x8b\x08", 3},        /* gzip, deflate */
        {0, "\xfd" "7zXZ\x00", 6},     /* xz */
        {0, "\x28\xb5\x2f\xfd", 4},    /* zstd */
        {0, "\x04\x22\x4d\x18", 4},    /* lz4 */
        {0, "LZIP", 4},
        {0, "MSCF\0\0\0\0", 8},        /* cabinet */
        {257, "ustar", 5},             /* tar */
        {0, "070707", 6},              /* cpio odc */
        {0, "070701", 6},              /* cpio newc */
        {0, "070702", 6},
        {32769, "CD001", 5},           /* ISO 9660 */
    };
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        if (at(p, n, sigs[i].off, sigs[i].sig, sigs[i].len))
            return 1;
    if (at(p, n, 0, "BZh", 3) && n > 9 && p[3] >= '1' && p[3] <= '9' && (!memcmp(p + 4, "\x31\x41\x59\x26\x53\x59", 6) || !memcmp(p + 4, "\x17\x72\x45\x38\x50\x90", 6)))
        return 1;
    /* compress (.Z): magic, then a flags byte naming 9 to 16 bits per code */
    if (at(p, n, 0, "\x1f\x9d", 2) && n > 2 && (p[2] & 0x60) == 0 && (p[2] & 0x1f) >= 9 && (p[2] & 0x1f) <= 16)
        return 1;
    return 0;
}

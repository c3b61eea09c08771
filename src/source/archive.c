/* libarchive iteration over custom sources; members are handed to a callback. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <iconv.h>
#include <locale.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "source/archive.h"

#define BLOCK (256 * 1024)

static la_ssize_t src_read(struct archive *a, void *ud, const void **out)
{
    vg_archive_src *s = ud;
    ssize_t n;
    if (s->mem) {
        n = (ssize_t)(s->pos < s->mem_len ? s->mem_len - s->pos : 0);
        if (n > BLOCK)
            n = BLOCK;
        *out = s->mem + s->pos;
    } else if (s->tmp) {
        n = (ssize_t)fread(s->buf, 1, BLOCK, s->tmp);
        if (n == 0 && ferror(s->tmp)) {
            archive_set_error(a, EIO, "read error in spooled member");
            return -1;
        }
        *out = s->buf;
    } else {
        do
            n = pread(s->fd, s->buf, BLOCK, (off_t)(s->base + s->pos));
        while (n < 0 && errno == EINTR);
        if (n < 0) {
            archive_set_error(a, errno, "read error at byte %llu: %s", (unsigned long long)s->pos,
                              strerror(errno));
            return -1;
        }
        *out = s->buf;
    }
    s->pos += (uint64_t)n;
    if (s->consumed)
        *s->consumed += (uint64_t)n;
    return n;
}

static la_int64_t src_seek(struct archive *a, void *ud, la_int64_t off, int whence)
{
    vg_archive_src *s = ud;
    int64_t size, base;
    (void)a;
    if (s->mem)
        size = (int64_t)s->mem_len;
    else if (s->tmp) {
        if (fseeko(s->tmp, 0, SEEK_END) != 0)
            return ARCHIVE_FATAL;
        size = ftello(s->tmp);
    } else {
        size = lseek(s->fd, 0, SEEK_END);
        size = size < (int64_t)s->base ? -1 : size - (int64_t)s->base;
    }
    if (size < 0)
        return ARCHIVE_FATAL;
    base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? (int64_t)s->pos : size;
    if (base + off < 0)
        return ARCHIVE_FATAL;
    s->pos = (uint64_t)(base + off);
    if (s->tmp && fseeko(s->tmp, (off_t)s->pos, SEEK_SET) != 0)
        return ARCHIVE_FATAL;
    return (la_int64_t)s->pos;
}

static la_int64_t src_skip(struct archive *a, void *ud, la_int64_t n)
{
    vg_archive_src *s = ud;
    uint64_t before = s->pos;
    if (src_seek(a, ud, n, SEEK_CUR) < 0)
        return 0;
    return (la_int64_t)(s->pos - before);
}

/* All n bytes at off, or 0. */
static int read_at(int fd, uint8_t *p, size_t n, uint64_t off)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = pread(fd, p + got, n - got, (off_t)(off + got));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return 0;
        got += (size_t)r;
    }
    return 1;
}

static vg_member_type member_type(struct archive_entry *e)
{
    if (archive_entry_hardlink(e))
        return VG_MEMBER_HARDLINK;
    switch (archive_entry_filetype(e)) {
    case AE_IFREG: return VG_MEMBER_FILE;
    case AE_IFLNK: return VG_MEMBER_SYMLINK;
    case AE_IFIFO: return VG_MEMBER_FIFO;
    case AE_IFCHR: return VG_MEMBER_CHARDEV;
    case AE_IFBLK: return VG_MEMBER_BLOCKDEV;
    case AE_IFSOCK: return VG_MEMBER_SOCKET;
    case 0: return VG_MEMBER_FILE; /* formats that store no type (zip, 7z, raw) hold files */
    default: return VG_MEMBER_OTHER;
    }
}

/*
 * libarchive turns member names into the thread's locale charset; under the C
 * locale every name that is not ASCII comes out as '?' or not at all. Reading
 * under C.UTF-8 (this thread only, for the iteration) keeps Unicode names as
 * UTF-8 and legacy bytes as they are; the writers escape what is not UTF-8.
 */
static locale_t utf8_locale;
static pthread_once_t utf8_once = PTHREAD_ONCE_INIT;

static void make_utf8_locale(void)
{
    utf8_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

static locale_t enter_utf8(void)
{
    pthread_once(&utf8_once, make_utf8_locale);
    return utf8_locale ? uselocale(utf8_locale) : (locale_t)0;
}

static void leave_utf8(locale_t before)
{
    if (before)
        uselocale(before);
}

void vg_archive_prepare(void)
{
    /* libarchive converts UTF-16 names (LHA, RAR, 7z, CAB, Joliet) and LHA's CP932 through iconv; a converter stays
       loaded only while one is open, so these are never closed: reopening one would open its module */
    static const char *pairs[][2] = {{"UTF-8", "UTF-16LE"}, {"UTF-8", "UTF-16BE"}, {"UTF-16LE", "UTF-8"},
                                     {"UTF-16BE", "UTF-8"}, {"UTF-8", "UTF-16"}, {"UTF-8", "CP932"}};
    static iconv_t kept[sizeof pairs / sizeof pairs[0]] __attribute__((used));
    locale_t before = enter_utf8();
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
        kept[i] = iconv_open(pairs[i][0], pairs[i][1]);
    leave_utf8(before);
}

static struct archive *open_reader(vg_archive_src *s)
{
    struct archive *a = archive_read_new();
    if (!a)
        return NULL;
    archive_read_support_filter_all(a);
    archive_read_support_format_zip_seekable(a);
    archive_read_support_format_7zip(a);
    archive_read_support_format_rar(a);
    archive_read_support_format_rar5(a);
    archive_read_support_format_tar(a);
    archive_read_support_format_gnutar(a);
    archive_read_support_format_cpio(a);
    archive_read_support_format_iso9660(a);
    archive_read_support_format_cab(a);
    archive_read_support_format_ar(a);
    archive_read_support_format_lha(a);
    archive_read_support_format_xar(a);
    archive_read_support_format_raw(a);   /* a lone compressed file: one member */
    archive_read_support_format_empty(a); /* ... of an empty file: none (raw wants a byte; a damaged stream still fails) */
    archive_read_set_read_callback(a, src_read);
    archive_read_set_seek_callback(a, src_seek);
    archive_read_set_skip_callback(a, src_skip);
    archive_read_set_callback_data(a, s);
    return a;
}

/* An archive that cannot be opened (no header read yet): its kind; no offset is known. */
static void open_failed(struct archive *a, char *why, size_t whycap, vg_archive_failure *fail)
{
    const char *msg = a ? archive_error_string(a) : "out of memory";
    vigil_error_kind kind = a ? vg_archive_error_kind(archive_errno(a), msg) : VIGIL_ERROR_OTHER;
    if (!msg)
        msg = "unknown error";
    snprintf(why, whycap, "%scannot open archive: %s", kind == VIGIL_ERROR_CORRUPT ? "corrupt: " : "", msg);
    fail->kind = kind;
}

/* A header that failed after members were read: its kind, and where it lies. */
static void header_failed(struct archive *a, uint64_t members, char *why, size_t whycap, vg_archive_failure *fail)
{
    const char *msg = archive_error_string(a);
    vigil_error_kind kind = vg_archive_error_kind(archive_errno(a), msg);
    int64_t at = archive_read_header_position(a);
    if (!msg)
        msg = "unknown error";
    fail->kind = kind;
    if (kind == VIGIL_ERROR_CORRUPT && at >= 0) {
        fail->offset = at;
        snprintf(why, whycap, "corrupt at offset %lld%s after %llu members: %s", (long long)at,
                 archive_filter_count(a) > 1 ? " of the decompressed data" : "", (unsigned long long)members, msg);
    } else if (kind == VIGIL_ERROR_CORRUPT) {
        snprintf(why, whycap, "corrupt after %llu members: %s", (unsigned long long)members, msg);
    } else {
        snprintf(why, whycap, "archive damaged or unreadable after %llu members: %s", (unsigned long long)members,
                 msg);
    }
}

int vg_archive_iterate(vg_archive_src *s, vg_member_fn fn, void *ud, uint64_t *members_out, char *why,
                       size_t whycap, vg_archive_failure *fail)
{
    struct archive *a;
    struct archive_entry *e;
    uint64_t members = 0;
    int rc = 0, r;
    locale_t before;
    vg_archive_failure ignored;
    if (!fail)
        fail = &ignored;
    *fail = (vg_archive_failure){VIGIL_ERROR_OTHER, -1};
    s->pos = 0;
    if (s->tmp && fseeko(s->tmp, 0, SEEK_SET) != 0)
        return snprintf(why, whycap, "cannot rewind spooled member"), -1;
    if (!s->mem && !(s->buf = malloc(BLOCK)))
        return snprintf(why, whycap, "out of memory"), -1;
    before = enter_utf8();
    a = open_reader(s);
    if (!a || archive_read_open1(a) != ARCHIVE_OK) {
        open_failed(a, why, whycap, fail);
        rc = -1;
        goto done;
    }
    while ((r = archive_read_next_header(a, &e)) != ARCHIVE_EOF) {
        vg_archive_member m;
        if (r == ARCHIVE_FATAL || r == ARCHIVE_RETRY || r == ARCHIVE_FAILED) {
            header_failed(a, members, why, whycap, fail);
            rc = -1;
            break;
        }
        /* "raw" stands for the contents of a lone compressed file; over no compression at all it
           would hand back the same bytes, which are not an archive. */
        if (members == 0 && archive_format(a) == ARCHIVE_FORMAT_RAW && archive_filter_count(a) <= 1) {
            snprintf(why, whycap, "not a readable archive: the signature matched but no archive format did");
            fail->kind = VIGIL_ERROR_CORRUPT;
            rc = -1;
            break;
        }
        if (archive_entry_filetype(e) == AE_IFDIR)
            continue;
        m.path = archive_entry_pathname(e);
        if (!m.path)
            m.path = archive_entry_pathname_utf8(e);
        if (!m.path)
            m.path = "(member with unreadable name)";
        m.type = member_type(e);
        m.link = m.type == VG_MEMBER_HARDLINK ? archive_entry_hardlink(e) : archive_entry_symlink(e);
        m.encrypted = archive_entry_is_encrypted(e);
        members++;
        if ((rc = fn(ud, a, &m)) != 0)
            break;
    }
done:
    if (members_out)
        *members_out = members;
    if (a)
        archive_read_free(a);
    free(s->buf);
    s->buf = NULL;
    leave_utf8(before);
    return rc;
}

/* A zip's end-of-central-directory record whose comment reaches exactly to the end of the file. */
static int zip_at_end(int fd, uint64_t size)
{
    enum { EOCD = 22, TAIL = EOCD + 65535 }; /* the record, and the longest comment after it */
    size_t n = size < TAIL ? (size_t)size : TAIL;
    uint8_t *tail = malloc(n);
    int found = 0;
    if (tail && read_at(fd, tail, n, size - n) && n >= EOCD)
        for (size_t i = n - EOCD + 1; i-- > 0;)
            if (!memcmp(tail + i, "PK\x05\x06", 4) && i + EOCD + (tail[i + 20] | (size_t)tail[i + 21] << 8) == n) {
                found = 1;
                break;
            }
    free(tail);
    return found;
}

/* Where a 7z start header lies in the first MiB (the signature, version 0.x and the CRC of the 20
 * bytes after it), or -1. */
static int64_t sevenzip_inside(int fd, uint64_t size)
{
    enum { HEAD = 1 << 20, START = 32 };
    size_t n = size < HEAD ? (size_t)size : HEAD;
    uint8_t *p = malloc(n), *q;
    int64_t at = -1;
    if (p && read_at(fd, p, n, 0))
        for (q = p; at < 0 && (q = memmem(q, n - (size_t)(q - p), "7z\xbc\xaf\x27\x1c", 6)) != NULL; q++)
            if (q + START <= p + n && q[6] == 0 &&
                crc32(crc32(0, NULL, 0), q + 12, 20) ==
                    ((uint32_t)q[8] | (uint32_t)q[9] << 8 | (uint32_t)q[10] << 16 | (uint32_t)q[11] << 24))
                at = q - p;
    free(p);
    return at;
}

int64_t vg_archive_appended(int fd, uint64_t size, const uint8_t *head, size_t head_len)
{
    if (head_len < 4 || (memcmp(head, "MZ", 2) != 0 && memcmp(head, "\x7f" "ELF", 4) != 0) || size < 512)
        return -1;
    /* libarchive finds a zip's directory from its end itself; a 7z is read from its start header on */
    return zip_at_end(fd, size) ? 0 : sevenzip_inside(fd, size);
}

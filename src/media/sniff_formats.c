/*
 * The signature table behind vg_sniff_format. A row is a byte string at an
 * offset, optionally refined by a check of the bytes around it; the first
 * matching row wins, so narrower rows come before wider ones. Every MIME
 * string here is what `file --mime-type` 5.44 answers for such bytes; where
 * file's answer depends on more than cheap header fields (OLE2 documents,
 * zip members it searches for, shared objects versus PIE), the row has no
 * MIME and libmagic decides. docs/mime.md lists the deliberate gaps.
 */
#include <string.h>

#include "media/sniff_formats.h"

#define CONT VG_FORMAT_CONTAINER

typedef int (*check_fn)(const uint8_t *p, size_t n);
typedef const vg_format *(*refine_fn)(const uint8_t *p, size_t n);

typedef struct row {
    size_t off;
    const char *sig;
    size_t len;
    check_fn check;   /* NULL: the signature alone decides */
    vg_format fmt;
    refine_fn refine; /* NULL: fmt; else the format the bytes after the signature name */
} row;

static int at(const uint8_t *p, size_t n, size_t off, const void *sig, size_t len)
{
    return n >= off + len && memcmp(p + off, sig, len) == 0;
}

static uint32_t le16(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t le32(const uint8_t *p) { return le16(p) | le16(p + 2) << 16; }

/* ---- checks that refine a signature ---- */

/*
 * CAFEBABE starts Java classes and Mach-O universal binaries alike; file tells
 * them by the next big-endian word, unsigned: a class's minor and major version
 * is above 30, an architecture count is 1 to 19.
 */
static int java_class(const uint8_t *p, size_t n)
{
    return n >= 8 && ((uint32_t)p[4] << 24 | (uint32_t)p[5] << 16 | (uint32_t)p[6] << 8 | p[7]) > 30;
}

/* PNG: the IHDR chunk first, and no animation control right after it (file names APNG apart). */
static int png_still(const uint8_t *p, size_t n)
{
    return at(p, n, 12, "IHDR", 4) && !at(p, n, 37, "acTL", 4);
}

/* BMP: a DIB header size file knows (core, info, v4, v5). */
static int bmp_header(const uint8_t *p, size_t n)
{
    uint32_t h = n >= 18 ? le32(p + 14) : 0;
    return h == 12 || h == 40 || h == 108 || h == 124;
}

/* ICO and CUR directories: 1 to 255 images, a zero reserved byte, data after the directory. */
static int icon_dir(const uint8_t *p, size_t n)
{
    uint32_t count = n >= 22 ? le16(p + 4) : 0;
    return count >= 1 && count <= 255 && p[9] == 0 && le32(p + 18) >= 6 + 16 * count;
}

/* Canon CR2 is TIFF with "CR" after the header; file names it apart. */
static int tiff_not_cr2(const uint8_t *p, size_t n)
{
    return !at(p, n, 8, "CR", 2);
}

/* MPEG transport stream: a sync byte every 188 bytes, five packets as file checks. */
static int ts_sync(const uint8_t *p, size_t n)
{
    for (size_t i = 188; i <= 752; i += 188)
        if (n <= i || p[i] != 0x47)
            return 0;
    return 1;
}

/* bzip2: a block size digit and the block or end-of-stream magic. */
static int bzip2_block(const uint8_t *p, size_t n)
{
    return n >= 10 && p[3] >= '1' && p[3] <= '9' &&
           (!memcmp(p + 4, "\x31\x41\x59\x26\x53\x59", 6) || !memcmp(p + 4, "\x17\x72\x45\x38\x50\x90", 6));
}

/* compress (.Z): a flags byte naming 9 to 16 bits per code. */
static int compress_bits(const uint8_t *p, size_t n)
{
    return n > 2 && (p[2] & 0x60) == 0 && (p[2] & 0x1f) >= 9 && (p[2] & 0x1f) <= 16;
}

/* ISO 9660 behind an MBR (hybrid images) is named by its boot sector in file: leave those to libmagic. */
static int iso_plain(const uint8_t *p, size_t n)
{
    return !at(p, n, 510, "\x55\xaa", 2);
}

/* A zip whose first member file names specially (office, ODF, EPUB, Java, Android): libmagic decides. */
static int zip_special(const uint8_t *p, size_t n)
{
    static const char *const names[] = {"mimetype", "[Content_Types].xml", "_rels/", "docProps/", "word/",
                                        "xl/", "ppt/", "META-INF/", "AndroidManifest.xml", "classes.dex",
                                        "resources.arsc", "res/", "assets/"};
    size_t len = n >= 30 ? le16(p + 26) : 0, extra = n >= 30 ? le16(p + 28) : 0;
    if (n < 30 + len + extra)
        return 1; /* cannot see the first member: let libmagic look */
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        size_t k = strlen(names[i]);
        if (len >= k && !memcmp(p + 30, names[i], k))
            return 1;
    }
    /* an extra field with the 0xCAFE header marks an executable jar */
    for (size_t e = 30 + len; e + 4 <= 30 + len + extra; e += 4 + le16(p + e + 2))
        if (le16(p + e) == 0xcafe)
            return 1;
    return 0;
}

/* tar: the "ustar" magic, and a header checksum that adds up (as file's tar test wants). */
static int tar_sum(const uint8_t *p, size_t n)
{
    unsigned long want = 0, sum = 0;
    size_t i;
    if (n < 512)
        return 0;
    for (i = 148; i < 156 && (p[i] == ' ' || p[i] == 0); i++)
        ;
    for (; i < 156 && p[i] >= '0' && p[i] <= '7'; i++)
        want = want * 8 + (unsigned long)(p[i] - '0');
    for (i = 0; i < 512; i++)
        sum += (i >= 148 && i < 156) ? ' ' : p[i];
    return sum == want;
}

/* v7 tar: no magic, so a name, an octal mode and a checksum that adds up over the 512-byte header. */
static int tar_v7(const uint8_t *p, size_t n)
{
    int digits = 0;
    if (n < 512 || p[0] == 0 || !tar_sum(p, n))
        return 0;
    for (size_t i = 100; i < 107; i++) {
        if (p[i] >= '0' && p[i] <= '7')
            digits++;
        else if (p[i] != ' ' && p[i] != 0)
            return 0;
    }
    return digits > 0;
}

/* Old binary cpio (either byte order): a name size that fits and a name ending in NUL there. */
static int cpio_bin(const uint8_t *p, size_t n)
{
    uint32_t namesize;
    if (n < 26)
        return 0;
    namesize = p[0] == 0xc7 ? le16(p + 20) : (uint32_t)p[20] << 8 | p[21];
    return namesize >= 2 && namesize <= 4096 && (n < 26 + namesize || p[26 + namesize - 1] == 0);
}

/* A skippable frame (zstd and lz4 share the magic 0x184D2A5?): the codec bids on what follows. */
static int skippable_frame(const uint8_t *p, size_t n)
{
    return n >= 8 && (p[0] & 0xf0) == 0x50;
}

/* LHA: "-lh?-" or "-lz?-" method at offset 2 of the first header. */
static int lha_method(const uint8_t *p, size_t n)
{
    return n >= 7 && (p[4] == 'h' || p[4] == 'z') && p[6] == '-';
}

/* PostScript, but not a font: file calls "%!PS-AdobeFont" and "... Resource-Font" text. */
static int ps_not_font(const uint8_t *p, size_t n)
{
    size_t end = n < 64 ? n : 64;
    if (at(p, n, 0, "%!PS-AdobeFont", 14))
        return 0;
    for (size_t i = 4; i + 13 <= end && p[i] != '\n'; i++)
        if (!memcmp(p + i, "Resource-Font", 13))
            return 0;
    return 1;
}

/* Python byte code: a version number and CR LF (file knows each version's number). */
static int pyc_magic(const uint8_t *p, size_t n)
{
    return n >= 16 && p[2] == '\r' && p[3] == '\n';
}

/* OpenPGP binary key packets: an old-format public key or secret key tag, version 3 or 4 after it. */
static int pgp_key(const uint8_t *p, size_t n)
{
    size_t ver = p[0] & 1 ? 3 : 2; /* two length bytes after 0x99, one after 0x98 */
    return n > ver && (p[ver] == 3 || p[ver] == 4);
}

/* ---- ISO base media (ftyp) brands ---- */

typedef struct brand {
    const char code[5];
    vg_format fmt;
} brand;

static const brand brands[] = {
    {"heic", {"heic", "image/heic", 0}},           {"heix", {"heic", "image/heic", 0}},
    {"hevc", {"heics", "image/heic-sequence", 0}}, {"mif1", {"heif", "image/heif", 0}},
    {"msf1", {"heifs", "image/heif-sequence", 0}}, {"heis", {"heif", "image/heif", 0}},
    {"avif", {"avif", "image/avif", 0}},           {"avis", {"avif", "image/avif", 0}},
    {"isom", {"mp4", "video/mp4", 0}},             {"iso2", {"mp4", "video/mp4", 0}},
    {"mp41", {"mp4", "video/mp4", 0}},             {"mp42", {"mp4", "video/mp4", 0}},
    {"avc1", {"mp4", "video/mp4", 0}},             {"dash", {"mp4", "video/mp4", 0}},
    {"qt  ", {"mov", "video/quicktime", 0}},       {"3gp4", {"3gp", "video/3gpp", 0}},
    {"3gp5", {"3gp", "video/3gpp", 0}},            {"3g2a", {"3g2", "video/3gpp2", 0}},
    {"M4A ", {"m4a", "audio/x-m4a", 0}},           {"M4V ", {"m4v", "video/x-m4v", 0}},
    {"MSNV", {"mp4", "audio/mp4", 0}},             {"jp2 ", {"jp2", "image/jp2", 0}},
};
static const vg_format ftyp_other = {"isobmff", NULL, 0};

static const vg_format *ftyp_brand(const uint8_t *p, size_t n)
{
    if (n < 12)
        return &ftyp_other;
    for (size_t i = 0; i < sizeof brands / sizeof brands[0]; i++)
        if (!memcmp(p + 8, brands[i].code, 4))
            return &brands[i].fmt;
    return &ftyp_other;
}

/* ---- EBML (Matroska, WebM): the DocType element in the header ---- */

static const vg_format mkv = {"matroska", "video/x-matroska", 0}, webm = {"webm", "video/webm", 0},
                       ebml_other = {"ebml", NULL, 0};

static const vg_format *ebml_doctype(const uint8_t *p, size_t n)
{
    size_t end = n < 64 ? n : 64;
    for (size_t i = 4; i + 3 < end; i++) {
        if (p[i] != 0x42 || p[i + 1] != 0x82 || !(p[i + 2] & 0x80))
            continue;
        size_t len = p[i + 2] & 0x7f;
        if (i + 3 + len > end)
            break;
        if (len == 4 && !memcmp(p + i + 3, "webm", 4))
            return &webm;
        if (len == 8 && !memcmp(p + i + 3, "matroska", 8))
            return &mkv;
        break;
    }
    return &ebml_other;
}

/* ---- ELF: the object type, except shared objects (file tells PIE apart by the dynamic section) ---- */

static const vg_format elf_rel = {"elf", "application/x-object", 0}, elf_exec = {"elf", "application/x-executable", 0},
                       elf_core = {"elf", "application/x-coredump", 0}, elf_other = {"elf", NULL, 0};

static const vg_format *elf_type(const uint8_t *p, size_t n)
{
    uint32_t t;
    if (n < 64 || (p[4] != 1 && p[4] != 2) || (p[5] != 1 && p[5] != 2))
        return &elf_other;
    t = p[5] == 1 ? le16(p + 16) : (uint32_t)p[16] << 8 | p[17];
    return t == 1 ? &elf_rel : t == 2 ? &elf_exec : t == 4 ? &elf_core : &elf_other;
}

/* ---- RIFF: the form type ---- */

static const vg_format webp = {"webp", "image/webp", 0}, avi = {"avi", "video/x-msvideo", 0},
                       wav = {"wav", "audio/x-wav", 0}, riff_other = {"riff", NULL, 0};

static const vg_format *riff_form(const uint8_t *p, size_t n)
{
    if (at(p, n, 8, "WEBP", 4))
        return &webp;
    if (at(p, n, 8, "AVI ", 4))
        return &avi;
    if (at(p, n, 8, "WAVE", 4))
        return &wav;
    return &riff_other;
}

/* ---- the table ---- */

static const row rows[] = {
    /* ISO base media (MP4, MOV, 3GP, HEIF, AVIF) by brand; Matroska and WebM by DocType */
    {4, "ftyp", 4, NULL, {"isobmff", NULL, 0}, ftyp_brand},
    {0, "\x1a\x45\xdf\xa3", 4, NULL, {"ebml", NULL, 0}, ebml_doctype},
    /* pictures */
    {0, "\xff\xd8\xff", 3, NULL, {"jpeg", "image/jpeg", 0}, NULL},
    {0, "\x89PNG\r\n\x1a\n", 8, png_still, {"png", "image/png", 0}, NULL},
    {0, "GIF87a", 6, NULL, {"gif", "image/gif", 0}, NULL},
    {0, "GIF89a", 6, NULL, {"gif", "image/gif", 0}, NULL},
    {0, "BM", 2, bmp_header, {"bmp", "image/bmp", 0}, NULL},
    {0, "II*\0", 4, tiff_not_cr2, {"tiff", "image/tiff", 0}, NULL},
    {0, "MM\0*", 4, NULL, {"tiff", "image/tiff", 0}, NULL},
    {0, "II+\0", 4, NULL, {"tiff", "image/tiff", 0}, NULL},
    {0, "\0\0\1\0", 4, icon_dir, {"ico", "image/vnd.microsoft.icon", 0}, NULL},
    {0, "\0\0\2\0", 4, icon_dir, {"cur", "image/x-win-bitmap", 0}, NULL},
    /* RIFF forms */
    {0, "RIFF", 4, NULL, {"riff", NULL, 0}, riff_form},
    /* videos */
    {0, "FLV\x01", 4, NULL, {"flv", "video/x-flv", 0}, NULL},
    {0, "\x30\x26\xb2\x75\x8e\x66\xcf\x11\xa6\xd9\x00\xaa\x00\x62\xce\x6c", 16, NULL, {"asf", "video/x-ms-asf", 0}, NULL},
    {0, "\0\0\1\xba", 4, NULL, {"mpeg-ps", "video/mpeg", 0}, NULL},
    {0, "\0\0\1\xb3", 4, NULL, {"mpeg", "video/mpeg", 0}, NULL},
    {0, "\x47", 1, ts_sync, {"mpeg-ts", "video/MP2T", 0}, NULL},
    /* archives and compressed streams */
    {0, "PK\x03\x04", 4, zip_special, {"zip-derived", NULL, CONT}, NULL},
    {0, "PK\x03\x04", 4, NULL, {"zip", "application/zip", CONT}, NULL},
    {0, "PK\x05\x06", 4, NULL, {"zip", "application/zip", CONT}, NULL},
    {0, "PK\x07\x08", 4, NULL, {"zip", NULL, CONT}, NULL},
    {0, "7z\xbc\xaf\x27\x1c", 6, NULL, {"7z", "application/x-7z-compressed", CONT}, NULL},
    {0, "Rar!\x1a\x07", 6, NULL, {"rar", "application/x-rar", CONT}, NULL},
    {0, "\x1f\x8b\x08", 3, NULL, {"gzip", "application/gzip", CONT}, NULL},
    {0, "BZh", 3, bzip2_block, {"bzip2", "application/x-bzip2", CONT}, NULL},
    {0, "\xfd" "7zXZ\x00", 6, NULL, {"xz", "application/x-xz", CONT}, NULL},
    {0, "\x28\xb5\x2f\xfd", 4, NULL, {"zstd", "application/zstd", CONT}, NULL},
    {0, "\x04\x22\x4d\x18", 4, NULL, {"lz4", "application/x-lz4", CONT}, NULL},
    {0, "LZIP", 4, NULL, {"lzip", "application/x-lzip", CONT}, NULL},
    {0, "\x1f\x9d", 2, compress_bits, {"compress", "application/x-compress", CONT}, NULL},
    {0, "MSCF\0\0\0\0", 8, NULL, {"cab", NULL, CONT}, NULL},
    {257, "ustar", 5, tar_sum, {"tar", "application/x-tar", CONT}, NULL},
    {257, "ustar", 5, NULL, {"tar", NULL, CONT}, NULL},
    {0, "070707", 6, NULL, {"cpio", "application/x-cpio", CONT}, NULL},
    {0, "070701", 6, NULL, {"cpio", "application/x-cpio", CONT}, NULL},
    {0, "070702", 6, NULL, {"cpio", "application/x-cpio", CONT}, NULL},
    {32769, "CD001", 5, iso_plain, {"iso9660", "application/x-iso9660-image", CONT}, NULL},
    {32769, "CD001", 5, NULL, {"iso9660", NULL, CONT}, NULL},
    {0, "!<arch>\ndebian-binary", 21, NULL, {"deb", "application/vnd.debian.binary-package", CONT}, NULL},
    {0, "!<arch>\n", 8, NULL, {"ar", "application/x-archive", CONT}, NULL},
    {0, "\xed\xab\xee\xdb", 4, NULL, {"rpm", "application/x-rpm", CONT}, NULL},
    /* older and rarer framings: libmagic names them, libarchive opens them */
    {0, "", 0, tar_v7, {"tar", NULL, CONT}, NULL},
    {0, "\xc7\x71", 2, cpio_bin, {"cpio", NULL, CONT}, NULL},
    {0, "\x71\xc7", 2, cpio_bin, {"cpio", NULL, CONT}, NULL},
    {1, "\x2a\x4d\x18", 3, skippable_frame, {"skippable-frame", NULL, CONT}, NULL},
    {0, "\x02\x21\x4c\x18", 4, NULL, {"lz4", "application/x-lz4", CONT}, NULL},
    {2, "-l", 2, lha_method, {"lha", NULL, CONT}, NULL},
    /* libarchive 3.6's xar reader can loop forever on a crafted file: opened in parser workers
       only, whose item timeout ends it (vg_sniff_is_xar) */
    {0, "xar!", 4, NULL, {"xar", "application/x-xar", CONT}, NULL},
    /* disk images; file has no MIME type for EWF and VMDK sparse extents */
    {0, "EVF\x09\x0d\x0a\xff\x00", 8, NULL, {"e01", "application/octet-stream", 0}, NULL},
    {0, "KDMV", 4, NULL, {"vmdk", "application/octet-stream", 0}, NULL},
    {0, "QFI\xfb", 4, NULL, {"qcow", "application/x-qemu-disk", 0}, NULL},
    {0, "conectix", 8, NULL, {"vhd", "application/x-virtualbox-vhd", 0}, NULL},
    /* documents */
    {0, "%PDF-", 5, NULL, {"pdf", "application/pdf", 0}, NULL},
    {0, "%!PS", 4, ps_not_font, {"postscript", "application/postscript", 0}, NULL},
    {0, "{\\rtf", 5, NULL, {"rtf", "text/rtf", 0}, NULL},
    {0, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8, NULL, {"ole2", NULL, 0}, NULL},
    /* programs, databases, others worth naming */
    {0, "\x7f" "ELF", 4, NULL, {"elf", NULL, 0}, elf_type},
    {0, "SQLite format 3\0", 16, NULL, {"sqlite", "application/vnd.sqlite3", 0}, NULL},
    {0, "\xde\x12\x04\x95", 4, NULL, {"gettext", "application/x-gettext-translation", 0}, NULL},
    {0, "\x95\x04\x12\xde", 4, NULL, {"gettext", "application/x-gettext-translation", 0}, NULL},
    {0, "fLaC", 4, NULL, {"flac", "audio/flac", 0}, NULL},
    {0, "\0asm", 4, NULL, {"wasm", "application/wasm", 0}, NULL},
    {0, "wOFF", 4, NULL, {"woff", "font/woff", 0}, NULL},
    {0, "wOF2", 4, NULL, {"woff2", "font/woff2", 0}, NULL},
    /*
     * Binary formats file names that vigil does not: recognised so that
     * libmagic is asked about them, where other binary data with no row
     * here is application/octet-stream without asking (bench/mime.sh).
     */
    {0, "\0\1\0", 3, NULL, {"sfnt", NULL, 0}, NULL}, /* TrueType, Access databases, Adobe swatches */
    {0, "OTTO", 4, NULL, {"sfnt", NULL, 0}, NULL},
    {0, "ttcf", 4, NULL, {"sfnt", NULL, 0}, NULL},
    {0, "\x99", 1, pgp_key, {"pgp", NULL, 0}, NULL},
    {0, "\x98", 1, pgp_key, {"pgp", NULL, 0}, NULL},
    {0, "\0", 0, pyc_magic, {"pyc", NULL, 0}, NULL},
    {0, "MZ", 2, NULL, {"dos", NULL, 0}, NULL},
    {0, "\xca\xfe\xba\xbe", 4, java_class, {"java", "application/x-java-applet", 0}, NULL},
    {0, "\xca\xfe\xba\xbe", 4, NULL, {"java", NULL, 0}, NULL}, /* Mach-O universal binaries, data */
    {0, "icns", 4, NULL, {"icns", NULL, 0}, NULL},
    {0, "\xf7\x02", 2, NULL, {"dvi", NULL, 0}, NULL},
};

const vg_format *vg_sniff_format(const uint8_t *p, size_t n)
{
    /* file names anything with a boot signature at 510 a DOS/MBR boot sector first: libmagic decides */
    if (!p || at(p, n, 510, "\x55\xaa", 2))
        return NULL;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const row *r = &rows[i];
        if (!at(p, n, r->off, r->sig, r->len) || (r->check && !r->check(p, n)))
            continue;
        return r->refine ? r->refine(p, n) : &r->fmt;
    }
    return NULL;
}

int vg_sniff_format_container(const uint8_t *p, size_t n)
{
    /* Only container rows: a tar whose first name looks like a picture is still opened. */
    if (!p)
        return 0;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const row *r = &rows[i];
        if ((r->fmt.flags & CONT) && at(p, n, r->off, r->sig, r->len) && (!r->check || r->check(p, n)))
            return 1;
    }
    return 0;
}

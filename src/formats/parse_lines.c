/*
 * Parsers for the line-oriented hash list formats. Digests are decoded to bytes
 * here, once; everything above compares bytes. In auto mode the first record
 * decides the format (hashdeep by its magic line, the others by the digest's
 * length), and later lines must agree with it.
 */
#include <stdio.h>
#include <string.h>

#include "core/hex.h"
#include "formats/line_name.h"
#include "formats/parse_lines.h"

static const uint8_t EMPTY_MD5[16] = {0xd4, 0x1d, 0x8c, 0xd9, 0x8f, 0x00, 0xb2, 0x04,
                                      0xe9, 0x80, 0x09, 0x98, 0xec, 0xf8, 0x42, 0x7e};
static const uint8_t EMPTY_SHA1[20] = {0xda, 0x39, 0xa3, 0xee, 0x5e, 0x6b, 0x4b, 0x0d, 0x32, 0x55,
                                       0xbf, 0xef, 0x95, 0x60, 0x18, 0x90, 0xaf, 0xd8, 0x07, 0x09};
static const uint8_t EMPTY_SHA256[32] = {
    0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
    0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55};

void vg_lines_init(vg_lines *p, vigil_hashset_format format)
{
    memset(p, 0, sizeof *p);
    p->format = format;
}

int vg_record_is_empty_file(const vg_hash_record *r)
{
    static const uint8_t zero[32];
    if (r->has_pdq && !memcmp(r->pdq, zero, 32) && !r->has_md5 && !r->has_sha1 && !r->has_sha256)
        return 1; /* "too small to hash" in other tools: never indexed */
    return (r->has_md5 && !memcmp(r->md5, EMPTY_MD5, 16)) ||
           (r->has_sha1 && !memcmp(r->sha1, EMPTY_SHA1, 20)) ||
           (r->has_sha256 && !memcmp(r->sha256, EMPTY_SHA256, 32));
}

static int fail(char *why, size_t cap, const char *fmt, const char *a)
{
    snprintf(why, cap, fmt, a);
    return -1;
}

static size_t hex_run(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && vg_is_hex_char(s[i]))
        i++;
    return i;
}

/* Store a digest of hexlen chars into the record slot its length names. */
static int put_digest(vg_hash_record *r, const char *hex, size_t hexlen)
{
    switch (hexlen) {
    case 32: r->has_md5 = 1; return vg_hex_decode(r->md5, hex, 16);
    case 40: r->has_sha1 = 1; return vg_hex_decode(r->sha1, hex, 20);
    case 64: r->has_sha256 = 1; return vg_hex_decode(r->sha256, hex, 32);
    default: return -1;
    }
}

static size_t format_hexlen(vigil_hashset_format f)
{
    return f == VIGIL_FORMAT_MD5SUM ? 32 : f == VIGIL_FORMAT_SHA1SUM ? 40 : f == VIGIL_FORMAT_SHA256SUM ? 64 : 0;
}

static vigil_hashset_format format_for_hexlen(size_t n)
{
    return n == 32 ? VIGIL_FORMAT_MD5SUM : n == 40 ? VIGIL_FORMAT_SHA1SUM
         : n == 64 ? VIGIL_FORMAT_SHA256SUM : VIGIL_FORMAT_AUTO;
}

/* Undo coreutils name escaping (\\ and \n) into the scratch buffer. */
static int unescape_name(vg_lines *p, vg_hash_record *r, const char *s, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '\\' && i + 1 < n) {
            c = s[++i];
            if (c == 'n')
                c = '\n';
            else if (c != '\\')
                return -1;
        }
        if (o + 1 >= sizeof p->name_scratch)
            return -1;
        p->name_scratch[o++] = c;
    }
    p->name_scratch[o] = '\0';
    r->name = p->name_scratch;
    r->name_len = o;
    return 0;
}

/* Check the digest length against the format, deciding it in auto mode. */
static int accept_hexlen(vg_lines *p, size_t hexlen, const char *hex, char *why, size_t cap)
{
    size_t want;
    char shown[80];
    if (p->format == VIGIL_FORMAT_AUTO) {
        p->format = format_for_hexlen(hexlen);
        if (p->format == VIGIL_FORMAT_AUTO) {
            snprintf(shown, sizeof shown, "%.*s", (int)(hexlen > 70 ? 70 : hexlen), hex);
            return fail(why, cap, "'%s' is not an MD5, SHA-1 or SHA-256 digest", shown);
        }
    }
    want = format_hexlen(p->format);
    if (hexlen != want) {
        /* only a refused line pays for showing its digest */
        snprintf(shown, sizeof shown, "%.*s", (int)(hexlen > 70 ? 70 : hexlen), hex);
        snprintf(why, cap, "'%s' has %zu hex digits, %s needs %zu", shown, hexlen,
                 vigil_hashset_format_name(p->format), want);
        return -1;
    }
    return 0;
}

/* md5sum/sha1sum/sha256sum lines, md5deep lines and bare digests. */
static int parse_sum_line(vg_lines *p, char *s, size_t n, vg_hash_record *r, char *why, size_t cap)
{
    int escaped = 0;
    size_t h;
    if (n > 0 && s[0] == '\\') {
        escaped = 1;
        s++;
        n--;
    }
    /* BSD tag form: ALGO (name) = HEX */
    if (n > 4 && (s[0] == 'M' || s[0] == 'S') && memchr(s, '(', n < 8 ? n : 8)) {
        const char *open = memchr(s, '(', n), *eq = NULL;
        for (size_t i = n; i >= 4; i--)
            if (!memcmp(s + i - 4, ") = ", 4)) {
                eq = s + i - 4;
                break;
            }
        if (open && eq && eq > open) {
            const char *hex = eq + 4;
            size_t hexlen = n - (size_t)(hex - s);
            if (hex_run(hex, hexlen) != hexlen)
                return fail(why, cap, "tag line: '%s' is not a hex digest", hex);
            if (accept_hexlen(p, hexlen, hex, why, cap) < 0 || put_digest(r, hex, hexlen) < 0)
                return -1;
            if (escaped ? unescape_name(p, r, open + 1, (size_t)(eq - open - 1)) < 0 : 0)
                return fail(why, cap, "%s", "bad escape in file name");
            if (!escaped) {
                r->name = open + 1;
                r->name_len = (size_t)(eq - open - 1);
            }
            return 1;
        }
    }
    /* md5deep -z: right-aligned size, two blanks, digest, two blanks, name */
    if (n > 0 && (s[0] == ' ' || (s[0] >= '0' && s[0] <= '9'))) {
        size_t i = 0, d0;
        while (i < n && s[i] == ' ')
            i++;
        d0 = i;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i > d0 && i + 2 < n && s[i] == ' ' && s[i + 1] == ' ' && (d0 > 0 || i - d0 < 20) &&
            hex_run(s + i + 2, n - i - 2) >= 32) { /* under 20 digits: never a digest */
            int64_t size = 0;
            for (size_t k = d0; k < i; k++) { /* a length read from a list is a claim: bound it */
                int digit = s[k] - '0';
                if (size > (INT64_MAX - digit) / 10)
                    return fail(why, cap, "size field too large: '%.40s'", s + d0);
                size = size * 10 + digit;
            }
            r->size = size;
            s += i + 2;
            n -= i + 2;
        }
    }
    h = hex_run(s, n);
    if (h == 0)
        return fail(why, cap, "'%.40s' does not start with a hex digest", s);
    if (h < n && s[h] != ' ' && s[h] != '\t' && s[h] != '*') {
        snprintf(why, cap, "'%.70s' is not a hex digest", s);
        return -1;
    }
    if (accept_hexlen(p, h, s, why, cap) < 0 || put_digest(r, s, h) < 0)
        return -1;
    if (h + 2 <= n && (s[h + 1] == ' ' || s[h + 1] == '*') && s[h] == ' ' && h + 2 < n) {
        const char *name = s + h + 2;
        size_t name_len = n - h - 2;
        if (escaped) {
            if (unescape_name(p, r, name, name_len) < 0)
                return fail(why, cap, "%s", "bad escape in file name");
        } else {
            r->name = name;
            r->name_len = name_len;
        }
        return 1;
    }
    for (size_t i = h; i < n; i++) /* bare list: only blanks may follow */
        if (s[i] != ' ' && s[i] != '\t')
            return fail(why, cap, "unexpected text after the digest: '%.40s'", s + i);
    return 1;
}

static int hashdeep_header(vg_lines *p, const char *s, size_t n, char *why, size_t cap)
{
    static const struct { const char *name; int col; } known[] = {
        {"size", VG_COL_SIZE}, {"md5", VG_COL_MD5}, {"sha1", VG_COL_SHA1}, {"sha256", VG_COL_SHA256},
        {"tiger", VG_COL_OTHER}, {"whirlpool", VG_COL_OTHER}, {"filename", VG_COL_NAME},
        {"pdq", VG_COL_PDQ}};  /* pdq: vigil hash --pdq (empty for files that are not images) */
    size_t i = 0;
    p->hd_ncols = 0;
    while (i <= n) {
        size_t j = i, k;
        while (j < n && s[j] != ',')
            j++;
        for (k = 0; k < sizeof known / sizeof known[0]; k++)
            if (strlen(known[k].name) == j - i && !memcmp(known[k].name, s + i, j - i))
                break;
        if (k == sizeof known / sizeof known[0] || p->hd_ncols == 16)
            return fail(why, cap, "unknown hashdeep column in '%s'", s);
        p->hd_cols[p->hd_ncols++] = known[k].col;
        i = j + 1;
    }
    if (p->hd_cols[0] != VG_COL_SIZE || p->hd_cols[p->hd_ncols - 1] != VG_COL_NAME)
        return fail(why, cap, "hashdeep columns must start with size and end with filename: '%s'", s);
    p->hd_header = 2;
    return 0;
}

static int parse_hashdeep_record(vg_lines *p, char *s, size_t n, vg_hash_record *r, char *why, size_t cap)
{
    size_t i = 0;
    for (int c = 0; c < p->hd_ncols; c++) {
        size_t j = i;
        if (p->hd_cols[c] == VG_COL_NAME) { /* the name is the rest: it may hold commas */
            r->name = s + i;
            r->name_len = n > i ? n - i : 0;
            return (r->has_md5 || r->has_sha1 || r->has_sha256) ? 1
                 : fail(why, cap, "%s", "record has no digest");
        }
        while (j < n && s[j] != ',')
            j++;
        if (j >= n)
            return fail(why, cap, "record has too few fields: '%.60s'", s);
        switch (p->hd_cols[c]) {
        case VG_COL_SIZE: {
            long long v = 0;
            if (j == i)
                return fail(why, cap, "empty size field in '%.60s'", s);
            for (size_t k = i; k < j; k++) {
                if (s[k] < '0' || s[k] > '9' || v > (long long)1e17)
                    return fail(why, cap, "bad size field in '%.60s'", s);
                v = v * 10 + (s[k] - '0');
            }
            r->size = v;
            break;
        }
        case VG_COL_MD5:
        case VG_COL_SHA1:
        case VG_COL_SHA256: {
            size_t want = p->hd_cols[c] == VG_COL_MD5 ? 32 : p->hd_cols[c] == VG_COL_SHA1 ? 40 : 64;
            if (j - i != want || hex_run(s + i, j - i) != want || put_digest(r, s + i, want) < 0) {
                snprintf(why, cap, "bad %s digest '%.*s'",
                         want == 32 ? "MD5" : want == 40 ? "SHA-1" : "SHA-256", (int)(j - i > 70 ? 70 : j - i), s + i);
                return -1;
            }
            break;
        }
        case VG_COL_PDQ:
            if (j == i)
                break; /* not an image */
            if (j - i != 64 || hex_run(s + i, 64) != 64 || vg_hex_decode(r->pdq, s + i, 32) < 0) {
                snprintf(why, cap, "bad PDQ hash '%.*s'", (int)(j - i > 70 ? 70 : j - i), s + i);
                return -1;
            }
            /* an all-zero PDQ means "too small to hash": keep the digests, drop the hash */
            r->has_pdq = !!memcmp(r->pdq, (const uint8_t[32]){0}, 32);
            r->pdq_quality = -1;
            break;
        default:
            break;
        }
        i = j + 1;
    }
    return fail(why, cap, "%s", "hashdeep header has no filename column");
}

static int parse_hashdeep_line(vg_lines *p, char *s, size_t n, vg_hash_record *r, char *why, size_t cap)
{
    if (n >= 5 && !memcmp(s, "%%%% ", 5)) {
        if (p->hd_header == 0) {
            /* VIGIL-HASH-1.x: vigil hash --pdq, a hashdeep list with a pdq column hashdeep refuses */
            if ((n >= 17 && !memcmp(s + 5, "HASHDEEP-1.", 11)) || (n >= 19 && !memcmp(s + 5, "VIGIL-HASH-1.", 13))) {
                p->hd_header = 1;
                return 0;
            }
            return fail(why, cap, "expected '%%%%%%%% HASHDEEP-1.0', found '%.40s'", s);
        }
        return hashdeep_header(p, s + 5, n - 5, why, cap) < 0 ? -1 : 0;
    }
    if (n >= 2 && s[0] == '#' && s[1] == '#')
        return 0;
    if (p->hd_header < 2)
        return fail(why, cap, "%s", "hashdeep record before the '%%%% size,...' header");
    if (n > 0 && s[0] == '\\') { /* vigil's escaped form: the name holds a control byte (line_name.h) */
        long len;
        int rc = parse_hashdeep_record(p, s + 1, n - 1, r, why, cap);
        if (rc <= 0)
            return rc;
        if ((len = vg_line_name_unescape(p->name_scratch, sizeof p->name_scratch, r->name, r->name_len)) < 0) {
            snprintf(why, cap, "bad escape in file name '%.*s'", (int)(r->name_len > 60 ? 60 : r->name_len), r->name);
            return -1;
        }
        r->name = p->name_scratch;
        r->name_len = (size_t)len;
        return 1;
    }
    return parse_hashdeep_record(p, s, n, r, why, cap);
}

/* "hash[,quality[,name]]" with commas, tabs or spaces between the fields. */
static int parse_pdq_line(char *s, size_t n, vg_hash_record *r, char *why, size_t cap)
{
    size_t i = 0, j;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    j = i + hex_run(s + i, n - i);
    if (j - i != 64 || vg_hex_decode(r->pdq, s + i, 32) < 0 || (j < n && s[j] != ',' && s[j] != '\t' && s[j] != ' '))
        return fail(why, cap, "not a PDQ hash (64 hex digits): '%.70s'", s + i);
    r->has_pdq = 1;
    r->pdq_quality = -1;
    if (j < n) {
        long q = 0;
        size_t k = j + 1;
        while (k < n && (s[k] == ' ' || s[k] == '\t'))
            k++;
        if (k < n) {
            size_t d = k;
            while (k < n && s[k] >= '0' && s[k] <= '9' && q <= 100)
                q = q * 10 + (s[k++] - '0');
            if (k == d || q > 100 || (k < n && s[k] != ',' && s[k] != '\t' && s[k] != ' '))
                return fail(why, cap, "bad PDQ quality (0 to 100) in '%.70s'", s);
            r->pdq_quality = (int)q;
            if (k < n) {
                r->name = s + k + 1;
                r->name_len = n - k - 1;
            }
        }
    }
    return 1;
}

int vg_lines_parse(vg_lines *p, char *line, size_t len, vg_hash_record *rec, char *why, size_t whycap)
{
    size_t start = 0;
    p->lineno++;
    memset(rec, 0, sizeof *rec);
    rec->size = -1;
    if (p->lineno == 1 && len >= 3 && !memcmp(line, "\xef\xbb\xbf", 3))
        start = 3;
    line += start;
    len -= start;
    while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == '\n'))
        len--;
    if (p->format == VIGIL_FORMAT_AUTO && len >= 17 && !memcmp(line, "%%%% HASHDEEP-1.", 16))
        p->format = VIGIL_FORMAT_HASHDEEP;
    if (p->format == VIGIL_FORMAT_HASHDEEP)
        return parse_hashdeep_line(p, line, len, rec, why, whycap);
    {
        size_t i = 0;
        while (i < len && (line[i] == ' ' || line[i] == '\t'))
            i++;
        if (i == len || line[i] == '#')
            return 0; /* blank or comment */
    }
    if (p->format == VIGIL_FORMAT_PDQ && line[0] == '\\') { /* escaped name (line_name.h) */
        long n;
        int rc = parse_pdq_line(line + 1, len - 1, rec, why, whycap);
        if (rc <= 0 || !rec->name)
            return rc;
        if ((n = vg_line_name_unescape(p->name_scratch, sizeof p->name_scratch, rec->name, rec->name_len)) < 0) {
            snprintf(why, whycap, "bad escape in file name '%.*s'", (int)(rec->name_len > 60 ? 60 : rec->name_len),
                     rec->name);
            return -1;
        }
        rec->name = p->name_scratch;
        rec->name_len = (size_t)n;
        return 1;
    }
    if (p->format == VIGIL_FORMAT_PDQ)
        return parse_pdq_line(line, len, rec, why, whycap);
    return parse_sum_line(p, line, len, rec, why, whycap);
}

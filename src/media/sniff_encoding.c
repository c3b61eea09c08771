/*
 * Text or not, by byte classes. file(1) calls a byte "text" in three widening
 * sets: plain ASCII (printable characters, BEL BS HT LF VT FF CR ESC, and the
 * next-line control 0x85), ISO-8859 (adds 0xA0-0xFF) and extended ASCII (adds
 * 0x80-0x9F). NUL, the other C0 controls and DEL are never text. UTF-8 must be
 * well formed (no overlong forms, surrogates or code points past U+10FFFF)
 * and its single bytes plain ASCII; a sequence cut by the end of the buffer
 * still counts, as the buffer is a prefix. BOM-marked UTF-16 and UTF-32,
 * UTF-7 and EBCDIC are told apart by libmagic, which converts them; they are
 * rare enough that vigil only notices them.
 */
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "media/sniff_encoding.h"

#define ONES 0x0101010101010101ull

enum { CL_NEVER, CL_ASCII, CL_LATIN1, CL_EXTENDED };

/* The class of each byte: the sets above (NUL, other C0 controls and DEL stay CL_NEVER). */
static const uint8_t byte_class[256] = {
    [0x07 ... 0x0d] = CL_ASCII,    [0x1b] = CL_ASCII,    [0x20 ... 0x7e] = CL_ASCII,
    [0x80 ... 0x84] = CL_EXTENDED, [0x85] = CL_ASCII,    [0x86 ... 0x9f] = CL_EXTENDED,
    [0xa0 ... 0xff] = CL_LATIN1,
};

/* Well-formed UTF-8 whose single bytes are ASCII text: 1 with a multi-byte character, 0 without, -1 not. */
static int utf8_text(const uint8_t *p, size_t n, const uint8_t *cl)
{
    int multi = 0;
    for (size_t i = 0; i < n;) {
        unsigned c = p[i], need, lo = 0x80, hi = 0xbf;
        if (c < 0x80) {
            if (cl[c] != CL_ASCII)
                return -1;
            i++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf)
            need = 1;
        else if (c >= 0xe0 && c <= 0xef)
            need = 2, lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
        else if (c >= 0xf0 && c <= 0xf4)
            need = 3, lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
        else
            return -1;
        for (unsigned k = 1; k <= need; k++) {
            if (i + k >= n)
                return multi; /* cut by the end of the prefix: what came before decides */
            if (p[i + k] < (k == 1 ? lo : 0x80) || p[i + k] > (k == 1 ? hi : 0xbf))
                return -1;
        }
        multi = 1;
        i += need + 1;
    }
    return multi;
}

#ifdef __SSE2__
/*
 * How many bytes from p on are plain ASCII text of the commonest kinds
 * (printable, HT, LF, CR), sixteen at a time: a line end no longer stops the
 * fast path, and text is mostly lines. Stops at the first block holding any
 * other byte; the caller classes that block byte by byte.
 */
static size_t ascii_run(const uint8_t *p, size_t n)
{
    const __m128i space = _mm_set1_epi8(0x20), del = _mm_set1_epi8(0x7f), lf = _mm_set1_epi8('\n'),
                  ht = _mm_set1_epi8('\t'), cr = _mm_set1_epi8('\r');
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
        /* signed: bytes with the high bit are below 0x20 too */
        __m128i odd = _mm_or_si128(_mm_cmplt_epi8(v, space), _mm_cmpeq_epi8(v, del));
        __m128i ok = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, lf), _mm_cmpeq_epi8(v, ht)), _mm_cmpeq_epi8(v, cr));
        if (_mm_movemask_epi8(_mm_andnot_si128(ok, odd)))
            break;
    }
    return i;
}
#else
/* The same eight bytes at a time: no high bit, nothing below 0x20, no DEL. */
static size_t ascii_run(const uint8_t *p, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        if ((w & ONES * 0x80) || ((w - ONES * 0x20) & ~w & ONES * 0x80) ||
            (((w ^ ONES * 0x7f) - ONES) & ~(w ^ ONES * 0x7f) & ONES * 0x80))
            break;
    }
    return i;
}
#endif

static int unicode_bom(const uint8_t *p, size_t n)
{
    return (n >= 2 && ((p[0] == 0xff && p[1] == 0xfe) || (p[0] == 0xfe && p[1] == 0xff))) ||
           (n >= 4 && !p[0] && !p[1] && p[2] == 0xfe && p[3] == 0xff);
}

/* EBCDIC text has many 0x40 (space) and lower-case letters at 0x81-0xA9, and no ASCII line ends. */
static int maybe_ebcdic(const uint8_t *p, size_t n)
{
    size_t spaces = 0;
    for (size_t i = 0; i < n && i < 4096; i++)
        spaces += p[i] == 0x40;
    return spaces * 16 >= (n < 4096 ? n : 4096);
}

vg_encoding vg_text_encoding(const uint8_t *p, size_t n)
{
    const uint8_t *cl = byte_class;
    unsigned widest = CL_ASCII;
    size_t i;
    while (n > 1 && p[n - 1] == 0)
        n--;
    if (n == 0)
        return VG_ENC_BINARY;
    if (unicode_bom(p, n))
        return VG_ENC_OTHER;
    if (n > 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf && utf8_text(p + 3, n - 3, cl) >= 0)
        return VG_ENC_UTF8;
    for (i = 0; i < n; i++) {
        unsigned c;
        i += ascii_run(p + i, n - i);
        if (i >= n)
            break;
        c = cl[p[i]];
        if (c == CL_NEVER)
            return maybe_ebcdic(p, n) ? VG_ENC_OTHER : VG_ENC_BINARY;
        if (c > widest)
            widest = c;
    }
    if (widest == CL_ASCII)
        return n > 4 && p[0] == '+' && p[1] == '/' && p[2] == 'v' ? VG_ENC_OTHER : VG_ENC_ASCII;
    if (utf8_text(p, n, cl) > 0)
        return VG_ENC_UTF8;
    return widest == CL_LATIN1 ? VG_ENC_LATIN1 : VG_ENC_EXTENDED;
}

/*
 * The marks file's keyword rules look for, as vigil's own cheap tests: if
 * none is present, none of those rules can fire, and the text is plain.
 * Only the guesses worth keeping are looked for: C and C++ sources, make,
 * Python, TeX and m4. file's JavaScript, Algol 68 and assembler guesses fire
 * on ordinary prose and configuration text; vigil calls such text text/plain
 * (docs/mime.md, tests/e2e/mime_tree.sh).
 */
#include <string.h>

#include "media/sniff_text_hints.h"

/* file searches the first 8 KiB for its C, Python and m4 keywords, the first 4 KiB for TeX's. */
#define KEYWORD_REACH 8192
#define TEX_REACH 4096
/* file's make rules are regex/100l: the first 100 lines, 80 bytes a line. */
#define MAKE_LINES 100
#define MAKE_REACH (MAKE_LINES * 80)
/* file's Perl module rules look for "package" (in the first 1 KiB, or starting a line) and outrank the C rules. */
#define PERL_PACKAGE_REACH 1024

/*
 * Words that start a line in C, C++, make, Python and m4, as file's rules want
 * them: at the line's very start, or after blanks where its rule allows them;
 * some rules go on to want a character later on the line, or last on it.
 */
typedef struct line_word {
    const char *word;
    int indent;    /* may follow blanks */
    char then;     /* 0, or a character the rest of the line must hold */
    int last;      /* ... as its last character but blanks */
    unsigned kind; /* VG_HINT_* */
} line_word;

#define PP VG_HINT_C_PREPROCESSOR
#define DECL VG_HINT_C_DECLARATION
#define CXX VG_HINT_CXX
#define MAKE VG_HINT_MAKE
#define PY VG_HINT_PYTHON
#define M4 VG_HINT_M4

static const line_word line_words[] = {
    {"#include", 0, 0, 0, PP},     {"#pragma", 0, 0, 0, PP},       {"# pragma", 0, 0, 0, PP},
    {"#ifdef", 0, 0, 0, PP},       {"#ifndef", 0, 0, 0, PP},       {"# ifdef", 0, 0, 0, PP},
    {"# ifndef", 0, 0, 0, PP},     {"struct ", 0, 0, 0, DECL},     {"union ", 0, 0, 0, DECL},
    {"extern ", 1, 0, 0, DECL},    {"namespace ", 0, 0, 0, CXX},   {"using namespace std", 0, 0, 0, CXX},
    {"using std::", 0, 0, 0, CXX}, {"template", 1, '<', 0, CXX},   {"virtual ", 1, ';', 0, CXX},
    {"class ", 0, ':', 1, PY},     {"CFLAGS", 0, 0, 0, MAKE},      {"VPATH", 0, 0, 0, MAKE},
    {"LDFLAGS", 0, 0, 0, MAKE},    {"all:", 0, 0, 0, MAKE},        {".PRECIOUS", 0, 0, 0, MAKE},
    {".BEGIN", 0, 0, 0, MAKE},     {".endif", 0, 0, 0, MAKE},      {".include", 0, 0, 0, MAKE},
    {"SUBDIRS", 0, 0, 0, MAKE},    {"import ", 0, 0, 0, PY},       {"from ", 0, 0, 0, PY},
    {"def ", 1, ':', 1, PY},       {"dnl ", 0, 0, 0, M4},
};

/* Words anywhere in the reach. */
static const char *const any_words[] = {"AC_DEFUN"};
static const char *const tex_words[] = {"\\input", "\\begin", "\\section", "\\documentclass", "\\chapter",
                                        "\\setlength", "\\relax"};

/* 1 for the first characters of line_words: most lines start with none of them. */
static const uint8_t first_char[256] = {
    ['#'] = 1, ['s'] = 1, ['u'] = 1, ['e'] = 1, ['n'] = 1, ['t'] = 1, ['v'] = 1, ['c'] = 1, ['C'] = 1,
    ['V'] = 1, ['L'] = 1, ['a'] = 1, ['.'] = 1, ['S'] = 1, ['i'] = 1, ['f'] = 1, ['d'] = 1,
};

/* Is c the line's last character but blanks (and a CR)? */
static int last_is(const uint8_t *p, size_t n, char c)
{
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
        n--;
    return n && p[n - 1] == (uint8_t)c;
}

/* C++ "namespace NAME {": a name of letters and underscores, blanks, a brace (Tcl's "namespace eval" is not). */
static int cxx_namespace(const uint8_t *p, size_t n)
{
    size_t i = 0;
    while (i < n && (p[i] == ' ' || p[i] == '\t'))
        i++;
    size_t s = i;
    while (i < n && (p[i] == '_' || ((p[i] | 0x20) >= 'a' && (p[i] | 0x20) <= 'z')))
        i++;
    if (i == s || i - s > 30)
        return 0;
    while (i < n && (p[i] == ' ' || p[i] == '\t'))
        i++;
    return i < n && p[i] == '{';
}

/* C's "main(" wants a ")" then, after blanks or line ends, a "{"; Java's a "String" soon after. */
static int c_main(const uint8_t *p, size_t n)
{
    const uint8_t *m = memmem(p, n, "main(", 5);
    while (m) {
        const uint8_t *end = p + n, *q = memchr(m + 5, ')', (size_t)(end - (m + 5)));
        if (memmem(m + 5, (size_t)(end - (m + 5)) < 64 ? (size_t)(end - (m + 5)) : 64, "String", 6))
            return 1; /* Java's main(String[] args) */
        if (q) {
            for (q++; q < end && (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r'); q++)
                ;
            if (q < end && *q == '{')
                return 1;
        }
        m = memmem(m + 5, (size_t)(end - (m + 5)), "main(", 5);
    }
    return 0;
}

/* The kinds of the line_words starting this line (0: none). */
static unsigned line_starts_word(const uint8_t *line, size_t len)
{
    const uint8_t *q = line;
    size_t m = len;
    unsigned kinds = 0;
    while (m && (*q == ' ' || *q == '\t'))
        q++, m--;
    if (!m || (!first_char[*line] && !first_char[*q]))
        return 0;
    for (size_t w = 0; w < sizeof line_words / sizeof line_words[0]; w++) {
        const line_word *lw = &line_words[w];
        const uint8_t *p = lw->indent ? q : line;
        size_t n = lw->indent ? m : len, k;
        if (!n || *p != (uint8_t)lw->word[0]) /* most lines start with none of the words */
            continue;
        k = strlen(lw->word);
        if (n < k || memcmp(p, lw->word, k))
            continue;
        if (lw->then && !(lw->last ? last_is(p + k, n - k, lw->then) : memchr(p + k, lw->then, n - k) != NULL))
            continue;
        if (!strcmp(lw->word, "from ") && !memmem(p + k, n - k, " import ", 8))
            continue; /* "from X import Y" is Python; "from the start" is prose */
        if (!strcmp(lw->word, "import ") && !memmem(p + k, n - k, " as ", 4) && !last_is(p + k, n - k, ';'))
            continue; /* Python's "import X as Y" or Java's "import a.b;" */
        if (!strcmp(lw->word, "namespace ") && !cxx_namespace(p + k, n - k))
            continue;
        kinds |= lw->kind;
    }
    return kinds;
}

/* TeX's words all start with a backslash: one pass over the backslashes, not a search per word. */
static int has_tex_word(const uint8_t *p, size_t n)
{
    const uint8_t *q = p, *end = p + n;
    while ((q = memchr(q, '\\', (size_t)(end - q))) != NULL) {
        for (size_t w = 0; w < sizeof tex_words / sizeof tex_words[0]; w++) {
            size_t k = strlen(tex_words[w]);
            if ((size_t)(end - q) >= k && !memcmp(q, tex_words[w], k))
                return 1;
        }
        q++;
    }
    return 0;
}

static int has_any(const uint8_t *p, size_t n, const char *const *words, size_t nwords)
{
    for (size_t w = 0; w < nwords; w++)
        if (memmem(p, n, words[w], strlen(words[w])))
            return 1;
    return 0;
}

unsigned vg_text_hint_kinds(const uint8_t *p, size_t n)
{
    size_t reach = n < KEYWORD_REACH ? n : KEYWORD_REACH;
    unsigned kinds = 0;
    if (n >= 3 && !memcmp(p, "\"\"\"", 3)) /* a Python docstring opening the file */
        kinds |= VG_HINT_PYTHON;
    for (size_t i = 0; i < reach;) {
        const uint8_t *nl = memchr(p + i, '\n', reach - i);
        size_t len = nl ? (size_t)(nl - (p + i)) : reach - i;
        kinds |= line_starts_word(p + i, len);
        i += len + 1;
    }
    if (c_main(p, reach))
        kinds |= VG_HINT_MAIN;
    if (has_any(p, reach, any_words, sizeof any_words / sizeof any_words[0]))
        kinds |= VG_HINT_M4;
    if (has_tex_word(p, n < TEX_REACH ? n : TEX_REACH))
        kinds |= VG_HINT_TEX;
    return kinds;
}

int vg_text_hints(const uint8_t *p, size_t n)
{
    return vg_text_hint_kinds(p, n) != 0;
}

/* ---- naming the commonest sources without libmagic ---- */

static int starts(const uint8_t *p, size_t n, const char *w)
{
    size_t k = strlen(w);
    return n >= k && !memcmp(p, w, k);
}

/* A line of the reach starting with w (at its very start). */
static int line_starts(const uint8_t *p, size_t n, const char *w)
{
    size_t k = strlen(w);
    for (const uint8_t *q = p; q; q = memchr(q, '\n', (size_t)(p + n - q)), q = q ? q + 1 : NULL)
        if ((size_t)(p + n - q) >= k && !memcmp(q, w, k))
            return 1;
    return 0;
}

/*
 * Marks of C++ that vigil's hints do not look for but file's C++ rules may
 * (namespace std on its own line, using ::name, access specifiers): "::"
 * anywhere, or a line whose first word is one of these.
 */
static int cxx_marks(const uint8_t *p, size_t n)
{
    static const char *const words[] = {"namespace", "template", "class", "using", "virtual",
                                        "public:", "private:", "protected:", "operator"};
    if (memmem(p, n, "::", 2))
        return 1;
    for (size_t i = 0; i < n;) {
        const uint8_t *nl = memchr(p + i, '\n', n - i);
        size_t len = nl ? (size_t)(nl - (p + i)) : n - i, b = 0;
        while (b < len && (p[i + b] == ' ' || p[i + b] == '\t'))
            b++;
        for (size_t w = 0; w < sizeof words / sizeof words[0]; w++)
            if (starts(p + i + b, len - b, words[w]))
                return 1;
        i += len + 1;
    }
    return 0;
}

/* file's "SUBDIRS" rule wants blanks then '=' after the word; its other make words suffice alone. */
static int make_line(const uint8_t *line, size_t len)
{
    size_t i = 7;
    if (!(line_starts_word(line, len) & VG_HINT_MAKE))
        return 0;
    if (!starts(line, len, "SUBDIRS"))
        return 1;
    if (i >= len || (line[i] != ' ' && line[i] != '\t'))
        return 0;
    while (i < len && (line[i] == ' ' || line[i] == '\t'))
        i++;
    return i < len && line[i] == '=';
}

/* A make word where file's regex/100l rules look: in the first 100 lines and 8,000 bytes. */
static int make_in_reach(const uint8_t *p, size_t n)
{
    size_t reach = n < MAKE_REACH ? n : MAKE_REACH, i = 0;
    for (int line = 0; line < MAKE_LINES && i < reach; line++) {
        const uint8_t *nl = memchr(p + i, '\n', reach - i);
        size_t len = nl ? (size_t)(nl - (p + i)) : reach - i;
        if (make_line(p + i, len))
            return 1;
        i += len + 1;
    }
    return 0;
}

/*
 * C: file's C rules fire on these marks alone, unless a stronger rule names the
 * text first: C++ (a line starting "class" with #include, and other marks of C++), a Perl module
 * ("package" in the first 1 KiB or starting a line), a patch. #ifdef counts only with "endif" or
 * "define" in the reach, as file's rule searches for them first.
 */
static int plain_c(const uint8_t *p, size_t n, unsigned kinds)
{
    size_t reach = n < KEYWORD_REACH ? n : KEYWORD_REACH;
    if ((kinds & ~(VG_HINT_C_PREPROCESSOR | VG_HINT_C_DECLARATION | VG_HINT_MAIN)) ||
        !(kinds & (VG_HINT_C_PREPROCESSOR | VG_HINT_C_DECLARATION)))
        return 0;
    if (cxx_marks(p, reach) || line_starts(p, reach, "package") ||
        memmem(p, n < PERL_PACKAGE_REACH + 7 ? n : PERL_PACKAGE_REACH + 7, "package", 7) ||
        starts(p, n, "diff ") || starts(p, n, "--- ") || starts(p, n, "*** ") || starts(p, n, "Index:"))
        return 0;
    if (kinds & VG_HINT_C_DECLARATION)
        return 1;
    return line_starts(p, reach, "#include") || line_starts(p, reach, "#pragma") || line_starts(p, reach, "# pragma") ||
           memmem(p, reach, "endif", 5) || memmem(p, reach, "define", 6);
}

const char *vg_text_hint_named(const uint8_t *p, size_t n, unsigned kinds)
{
    if (plain_c(p, n, kinds))
        return "text/x-c";
    if (kinds == VG_HINT_MAKE && make_in_reach(p, n))
        return "text/x-makefile";
    if (kinds == VG_HINT_M4)
        return "text/x-m4";
    return NULL;
}

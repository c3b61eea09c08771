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

/*
 * Words that start a line in C, C++, make, Python and m4, as file's rules want
 * them: at the line's very start, or after blanks where its rule allows them;
 * some rules go on to want a character later on the line, or last on it.
 */
typedef struct line_word {
    const char *word;
    int indent; /* may follow blanks */
    char then;  /* 0, or a character the rest of the line must hold */
    int last;   /* ... as its last character but blanks */
} line_word;

static const line_word line_words[] = {
    {"#include", 0, 0, 0},   {"#pragma", 0, 0, 0},    {"# pragma", 0, 0, 0},   {"#ifdef", 0, 0, 0},
    {"#ifndef", 0, 0, 0},    {"# ifdef", 0, 0, 0},    {"# ifndef", 0, 0, 0},   {"struct ", 0, 0, 0},
    {"union ", 0, 0, 0},     {"extern ", 1, 0, 0},    {"namespace ", 0, 0, 0}, {"using namespace std", 0, 0, 0},
    {"using std::", 0, 0, 0}, {"template", 1, '<', 0}, {"virtual ", 1, ';', 0}, {"class ", 0, ':', 1},
    {"CFLAGS", 0, 0, 0},     {"VPATH", 0, 0, 0},      {"LDFLAGS", 0, 0, 0},    {"all:", 0, 0, 0},
    {".PRECIOUS", 0, 0, 0},  {".BEGIN", 0, 0, 0},     {".endif", 0, 0, 0},     {".include", 0, 0, 0},
    {"SUBDIRS", 0, 0, 0},    {"import ", 0, 0, 0},    {"from ", 0, 0, 0},      {"def ", 1, ':', 1},
    {"dnl ", 0, 0, 0},
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

static int line_starts_word(const uint8_t *line, size_t len)
{
    const uint8_t *q = line;
    size_t m = len;
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
        return 1;
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

int vg_text_hints(const uint8_t *p, size_t n)
{
    size_t reach = n < KEYWORD_REACH ? n : KEYWORD_REACH;
    if (n >= 3 && !memcmp(p, "\"\"\"", 3)) /* a Python docstring opening the file */
        return 1;
    for (size_t i = 0; i < reach;) {
        const uint8_t *nl = memchr(p + i, '\n', reach - i);
        size_t len = nl ? (size_t)(nl - (p + i)) : reach - i;
        if (line_starts_word(p + i, len))
            return 1;
        i += len + 1;
    }
    return c_main(p, reach) || has_any(p, reach, any_words, sizeof any_words / sizeof any_words[0]) ||
           has_any(p, n < TEX_REACH ? n : TEX_REACH, tex_words, sizeof tex_words / sizeof tex_words[0]);
}

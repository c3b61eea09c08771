/*
 * The text classifier behind vg_sniff_text. file runs its JSON and CSV tests
 * before any magic rule, then its rules by strength; the rules kept here are
 * those that decide on their own for text (a #! line, an XML declaration, an
 * HTML or SVG tag near the start, a troff request, a gettext catalogue), each
 * checked for the answer file gives. JSON is parsed as file parses it; JSON
 * cut by the end of the head goes to libmagic, and so does text carrying the
 * marks of file's keyword guesses (sniff_text_hints.c). docs/mime.md lists
 * the classes where vigil and file differ on purpose.
 */
#include <string.h>

#include "media/sniff_encoding.h"
#include "media/sniff_json.h"
#include "media/sniff_text.h"
#include "media/sniff_text_hints.h"

/* How far file searches for HTML tags and the SVG root (its search/4096 rules). */
#define TAG_REACH 4096

static int is_space(int c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
static int is_alpha(int c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
static int is_alnum(int c) { return is_alpha(c) || (c >= '0' && c <= '9'); }

/* Case-insensitive: does p[0..n) start with the lower-case word w? */
static int starts_ci(const uint8_t *p, size_t n, const char *w)
{
    size_t k = strlen(w);
    if (n < k)
        return 0;
    for (size_t i = 0; i < k; i++)
        if ((p[i] | (is_alpha(p[i]) ? 0x20 : 0)) != (uint8_t)w[i])
            return 0;
    return 1;
}

static int starts(const uint8_t *p, size_t n, const char *w)
{
    size_t k = strlen(w);
    return n >= k && !memcmp(p, w, k);
}

/* ---- CSV: file's test, which runs before every rule ---- */

/*
 * The first ten lines (or all, if at least three end in the buffer) have the
 * same number of commas outside double quotes, and it is not zero.
 */
static int csv(const uint8_t *p, size_t n)
{
    size_t fields = 0, want = 0, lines = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '"') { /* a quoted field ends at a quote not doubled */
            for (i++; i < n; i++)
                if (p[i] == '"' && (i + 1 >= n || p[i + 1] != '"'))
                    break;
                else if (p[i] == '"')
                    i++;
        } else if (p[i] == ',') {
            fields++;
        } else if (p[i] == '\n') {
            if (++lines == 10)
                return want && want == fields;
            if (!want && !fields)
                return 0;
            if (want && want != fields)
                return 0;
            want = fields;
            fields = 0;
        }
    }
    return want && lines > 2;
}

/* ---- #! lines ---- */

typedef struct interp {
    const char *name;
    const char *mime;
    int via_env; /* file also knows "#!/usr/bin/env NAME" */
} interp;

/* What file calls scripts by interpreter; checked against file 5.44, one by one. */
static const interp interps[] = {
    {"sh", "text/x-shellscript", 0},     {"bash", "text/x-shellscript", 1},
    {"zsh", "text/x-shellscript", 1},    {"ksh", "text/x-shellscript", 0},
    {"csh", "text/x-shellscript", 0},    {"tcsh", "text/x-shellscript", 0},
    {"fish", "text/x-shellscript", 0},   {"perl", "text/x-perl", 1},
    {"python", "text/x-script.python", 1}, {"ruby", "text/x-ruby", 1},
    {"awk", "text/x-awk", 0},            {"gawk", "text/x-gawk", 0},
    {"nawk", "text/x-nawk", 0},          {"node", "application/javascript", 1},
    {"php", "text/x-php", 0},            {"tclsh", "text/x-tcl", 1},
    {"wish", "text/x-tcl", 0},           {"lua", "text/x-lua", 1},
};

/* The MIME type of a #! line's interpreter, or NULL where file names none (or vigil does not know it). */
static const char *shebang(const uint8_t *p, size_t n)
{
    size_t i = 2, s, e, k;
    int env = 0;
    while (i < n && (p[i] == ' ' || p[i] == '\t'))
        i++;
    for (s = e = i; e < n && !is_space(p[e]); e++)
        if (p[e] == '/')
            s = e + 1;
    if (i >= n || p[i] != '/')
        return NULL; /* "#!perl", "#!./perl": file's rules want an absolute path */
    if (e - s == 3 && !memcmp(p + s, "env", 3)) { /* #!/usr/bin/env NAME */
        for (s = e; s < n && (p[s] == ' ' || p[s] == '\t'); s++)
            ;
        if (s < n && p[s] == '-')
            return NULL; /* env options: file names few of these */
        for (e = s; e < n && !is_space(p[e]); e++)
            ;
        env = 1;
    }
    /* python3, python3.11: the version is not part of the name */
    for (k = e; k > s && ((p[k - 1] >= '0' && p[k - 1] <= '9') || p[k - 1] == '.'); k--)
        ;
    for (size_t t = 0; t < sizeof interps / sizeof interps[0]; t++) {
        size_t len = strlen(interps[t].name);
        int versioned = !strcmp(interps[t].name, "python");
        if ((versioned ? k - s : e - s) == len && !memcmp(p + s, interps[t].name, len) && (!env || interps[t].via_env))
            return interps[t].mime;
    }
    return NULL;
}

/* ---- markup ---- */

/* Is there, within TAG_REACH, a '<' starting one of the (lower-case) tags? */
static int tag_near(const uint8_t *p, size_t n, const char *const *tags, size_t ntags)
{
    const uint8_t *q = p, *end = p + (n < TAG_REACH ? n : TAG_REACH);
    while ((q = memchr(q, '<', (size_t)(end - q))) != NULL) {
        for (size_t t = 0; t < ntags; t++)
            if (starts_ci(q, (size_t)(end - q), tags[t]))
                return 1;
        q++;
    }
    return 0;
}

/* file's HTML rules: a doctype or one of these tags, followed by '>' or a space, in the first 4 KiB. */
static const char *const html_tags[] = {"<!doctype html", "<head>", "<head ", "<title>", "<title ", "<html>",
                                        "<html ", "<script>", "<script ", "<style>", "<style ", "<table>",
                                        "<table ", "<a href="};
static const char *const svg_tags[] = {"<svg"};

/* ---- troff ---- */

/*
 * The region file's line-counted rules (regex/20l) see: at most 80 bytes a
 * line, and up to just after the 20th line end, where CR LF is one end and an
 * empty line after an end goes with it; a last line without its end is left
 * out, unless there is no line end at all.
 */
static size_t line_region(const uint8_t *p, size_t n, size_t lines)
{
    size_t end = n < lines * 80 ? n : lines * 80, last = end, i = 0;
    for (; lines && i < end; lines--, i++) {
        const uint8_t *nl = memchr(p + i, '\n', end - i);
        if (!nl && !(nl = memchr(p + i, '\r', end - i)))
            break;
        i = (size_t)(nl - p);
        if (i + 1 < end && p[i] == '\r' && p[i + 1] == '\n')
            i++;
        if (i + 1 < end && p[i + 1] == '\n')
            i++;
        last = i + 1;
    }
    return last;
}

/* A troff request line: a dot, a letter, a letter or digit, then a blank or the line's (or region's) end. */
static int troff_request(const uint8_t *p, size_t n)
{
    return n >= 3 && p[0] == '.' && is_alpha(p[1]) && is_alnum(p[2]) &&
           (n == 3 || p[3] == ' ' || p[3] == '\t' || p[3] == '\n');
}

/* troff comments at the start, or a request line in the first 20 lines (file's troff rules). */
static int troff(const uint8_t *p, size_t n)
{
    size_t end;
    if (starts(p, n, ".\\\"") || starts(p, n, "'\\\"") || starts(p, n, "'.\\\"") || starts(p, n, "\\\""))
        return 1;
    end = line_region(p, n, 20);
    for (size_t i = 0; i < end;) {
        const uint8_t *nl = memchr(p + i, '\n', end - i);
        size_t len = nl ? (size_t)(nl - (p + i)) : end - i;
        if (troff_request(p + i, len + (nl != NULL)))
            return 1;
        i += len + 1;
    }
    return 0;
}

/* ---- gettext catalogues: a line starting msgid within 1 KiB, a line starting msgstr after it ---- */

static int po(const uint8_t *p, size_t n)
{
    static const char id[] = "\nmsgid", str[] = "\nmsgstr";
    const uint8_t *a = memmem(p, n < 1024 + 6 ? n : 1024 + 6, id, 6), *b;
    if (!a)
        return 0;
    b = memmem(a + 6, (size_t)(p + n - (a + 6)) < 1024 + 7 ? (size_t)(p + n - (a + 6)) : 1024 + 7, str, 7);
    return b != NULL;
}

vg_text_answer vg_sniff_text(const uint8_t *p, size_t n, const char **mime)
{
    vg_encoding enc = vg_text_encoding(p, n);
    unsigned kinds;
    size_t i;
    *mime = NULL;
    if (enc == VG_ENC_BINARY)
        return VG_TEXT_BINARY;
    if (enc == VG_ENC_OTHER || n < 2)
        return VG_TEXT_ASK;
    if (enc == VG_ENC_UTF8 && n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
        p += 3, n -= 3; /* file's rules see the text after the byte order mark */
    for (i = 0; i < n && is_space(p[i]); i++)
        ;
    if (i < n && (p[i] == '{' || p[i] == '[')) { /* file parses JSON before any rule */
        vg_json json = vg_sniff_json(p, n);
        if (json == VG_JSON_YES)
            return *mime = "application/json", VG_TEXT_NAMED;
        if (json == VG_JSON_CUT)
            return VG_TEXT_ASK;
    }
    if (csv(p, n))
        return *mime = "text/csv", VG_TEXT_NAMED;
    if (starts(p, n, "#!") && (*mime = shebang(p, n)) != NULL)
        return VG_TEXT_NAMED; /* an interpreter file does not know: its other rules still apply */
    if (starts_ci(p + i, n - i, "<?xml")) {
        if (tag_near(p, n, html_tags, 1) || tag_near(p, n, html_tags + 5, 2))
            return VG_TEXT_ASK; /* XHTML: file reads its version */
        *mime = tag_near(p, n, svg_tags, 1) ? "image/svg+xml" : "text/xml";
        return VG_TEXT_NAMED;
    }
    if (starts(p, n, "/* XPM */"))
        return *mime = "image/x-xpixmap", VG_TEXT_NAMED;
    if (starts(p, n, "<svg"))
        return *mime = "image/svg+xml", VG_TEXT_NAMED;
    if (troff(p, n))
        return *mime = "text/troff", VG_TEXT_NAMED;
    if (po(p, n))
        return *mime = "text/x-po", VG_TEXT_NAMED;
    if (tag_near(p, n, html_tags, sizeof html_tags / sizeof html_tags[0]))
        return *mime = "text/html", VG_TEXT_NAMED;
    if ((kinds = vg_text_hint_kinds(p, n)) != 0)
        return (*mime = vg_text_hint_named(p, n, kinds)) != NULL ? VG_TEXT_NAMED : VG_TEXT_ASK;
    *mime = "text/plain";
    return VG_TEXT_NAMED;
}

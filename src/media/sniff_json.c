/*
 * A recursive-descent JSON grammar check (RFC 8259), depth-limited, that
 * tells a grammar error from a document cut by the end of the buffer: the
 * head is a prefix of the file, and file reads far more of it. Like file's,
 * it lets control characters into strings and leading zeros into numbers.
 */
#include "media/sniff_json.h"

/* file gives up past this depth too */
#define MAX_DEPTH 500

typedef struct parser {
    const uint8_t *p, *end;
    int cut;           /* ran into the end of the buffer */
    int container; /* saw an object or an array */
} parser;

static int more(parser *j)
{
    if (j->p < j->end)
        return 1;
    j->cut = 1;
    return 0;
}

static void blanks(parser *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
        j->p++;
}

static int digits(parser *j)
{
    const uint8_t *s = j->p;
    while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
        j->p++;
    return j->p > s || (j->p == j->end && (j->cut = 1, 0));
}

static int number(parser *j)
{
    if (*j->p == '-')
        j->p++;
    if (!digits(j))
        return 0;
    if (j->p < j->end && *j->p == '.' && (j->p++, !digits(j)))
        return 0;
    if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
        j->p++;
        if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
            j->p++;
        return digits(j);
    }
    return 1;
}

static int string(parser *j)
{
    for (j->p++; more(j); j->p++) {
        uint8_t c = *j->p;
        if (c == '"')
            return j->p++, 1;
        if (c == '\\') {
            j->p++;
            if (!more(j))
                return 0;
            if (*j->p == 'u') {
                for (int k = 0; k < 4; k++) {
                    j->p++;
                    if (!more(j))
                        return 0;
                    if (!((*j->p >= '0' && *j->p <= '9') || ((*j->p | 0x20) >= 'a' && (*j->p | 0x20) <= 'f')))
                        return 0;
                }
            } else if (!(*j->p == '"' || *j->p == '\\' || *j->p == '/' || *j->p == 'b' || *j->p == 'f' ||
                         *j->p == 'n' || *j->p == 'r' || *j->p == 't')) {
                return 0;
            }
        }
    }
    return 0;
}

static int word(parser *j, const char *w)
{
    for (; *w; w++, j->p++)
        if (!more(j) || *j->p != (uint8_t)*w)
            return 0;
    return 1;
}

static int value(parser *j, int depth);

/* The elements of an array or the members of an object, after its opening bracket. */
static int items(parser *j, int depth, int object)
{
    uint8_t close = object ? '}' : ']';
    j->container = 1;
    blanks(j);
    if (more(j) && *j->p == close)
        return j->p++, 1;
    for (;;) {
        if (object) {
            blanks(j);
            if (!more(j) || *j->p != '"' || !string(j))
                return 0;
            blanks(j);
            if (!more(j) || *j->p != ':')
                return 0;
            j->p++;
        }
        if (!value(j, depth + 1))
            return 0;
        blanks(j);
        if (!more(j))
            return 0;
        if (*j->p == close) {
            j->p++;
            return 1;
        }
        if (*j->p++ != ',')
            return 0;
    }
}

static int value(parser *j, int depth)
{
    blanks(j);
    if (depth > MAX_DEPTH || !more(j))
        return 0;
    switch (*j->p) {
    case '{':
    case '[':
        return j->p++, items(j, depth, j->p[-1] == '{');
    case '"':
        return string(j);
    case 't':
        return word(j, "true");
    case 'f':
        return word(j, "false");
    case 'n':
        return word(j, "null");
    default:
        return (*j->p == '-' || (*j->p >= '0' && *j->p <= '9')) && number(j);
    }
}

static uint8_t first_char(const uint8_t *p, size_t n)
{
    parser j = {p, p + n, 0, 0};
    blanks(&j);
    return j.p < j.end ? *j.p : 0;
}

vg_json vg_sniff_json(const uint8_t *p, size_t n)
{
    parser j = {p, p + n, 0, 0};
    if (!value(&j, 0))
        return j.cut ? VG_JSON_CUT : VG_JSON_NO;
    blanks(&j);
    if (j.p < j.end) /* more after it: file reads newline-delimited JSON if it opens like the first */
        return *j.p == first_char(p, n) ? VG_JSON_CUT : VG_JSON_NO;
    return j.container ? VG_JSON_YES : VG_JSON_NO;
}

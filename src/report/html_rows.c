/*
 * The page's item rows in columns. An item's JSON object repeats its keys, which are a third
 * of a report's bytes; the page is read by the browser's HTML parser at a rate set by its size,
 * so each list carries its keys once and every item as an array of values in that key order
 * (null where an item lacks a key). The values are the item's JSON values, unchanged.
 */
#include <stdlib.h>
#include <string.h>

#include "report/html.h"

static size_t skip_space(const char *s, size_t i, size_t n)
{
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
        i++;
    return i;
}

/* The index just past the string starting at s[i] ('"'), or 0 when it does not end. */
static size_t end_of_string(const char *s, size_t i, size_t n)
{
    for (i++; i < n; i++) {
        if (s[i] == '\\')
            i++;
        else if (s[i] == '"')
            return i + 1;
    }
    return 0;
}

/* The index just past the value starting at s[i], or 0 when it is not a whole value. */
static size_t end_of_value(const char *s, size_t i, size_t n)
{
    int depth = 0;
    if (i >= n)
        return 0;
    if (s[i] == '"')
        return end_of_string(s, i, n);
    for (; i < n; i++) {
        char c = s[i];
        if (c == '"') {
            size_t e = end_of_string(s, i, n);
            if (!e)
                return 0;
            i = e - 1;
        } else if (c == '{' || c == '[') {
            depth++;
        } else if (c == '}' || c == ']') {
            if (depth == 0)
                return i;
            if (--depth == 0)
                return i + 1;
        } else if (c == ',' && depth == 0) {
            return i;
        }
    }
    return depth == 0 ? i : 0;
}

/* The column of a key (its quoted text), added when new; -1 when out of memory. */
static long column(vg_row_keys *k, const char *key, size_t len)
{
    char *copy;
    for (size_t i = 0; i < k->n; i++)
        if (strlen(k->name[i]) == len && !memcmp(k->name[i], key, len))
            return (long)i;
    if (k->n == k->cap) {
        size_t cap = k->cap ? 2 * k->cap : 32;
        char **grown = realloc(k->name, cap * sizeof *grown);
        if (!grown)
            return -1;
        k->name = grown;
        k->cap = cap;
    }
    if (!(copy = malloc(len + 1)))
        return -1;
    memcpy(copy, key, len);
    copy[len] = '\0';
    k->name[k->n] = copy;
    return (long)k->n++;
}

typedef struct span {
    size_t start, end;
} span;

int vg_row_columns(vg_buf *out, vg_row_keys *keys, const char *obj, size_t n)
{
    span *at = NULL;
    size_t cap = 0, used = 0, i = skip_space(obj, 0, n);
    int rc = -1;
    if (i >= n || obj[i] != '{')
        return -1;
    i = skip_space(obj, i + 1, n);
    while (i < n && obj[i] != '}') {
        size_t kend, vstart, vend;
        long col;
        if (obj[i] != '"' || !(kend = end_of_string(obj, i, n)))
            goto done;
        vstart = skip_space(obj, kend, n);
        if (vstart >= n || obj[vstart] != ':')
            goto done;
        vstart = skip_space(obj, vstart + 1, n);
        if (!(vend = end_of_value(obj, vstart, n)) || vend <= vstart ||
            (col = column(keys, obj + i, kend - i)) < 0)
            goto done;
        if ((size_t)col >= cap) {
            size_t c = (size_t)col + 16;
            span *grown = realloc(at, c * sizeof *grown);
            if (!grown)
                goto done;
            memset(grown + cap, 0, (c - cap) * sizeof *grown);
            at = grown;
            cap = c;
        }
        while (vend > vstart && (obj[vend - 1] == ' ' || obj[vend - 1] == '\t' || obj[vend - 1] == '\n' ||
                                 obj[vend - 1] == '\r'))
            vend--; /* a number's trailing space */
        at[col] = (span){vstart, vend};
        if ((size_t)col + 1 > used)
            used = (size_t)col + 1;
        i = skip_space(obj, vend, n);
        if (i < n && obj[i] == ',')
            i = skip_space(obj, i + 1, n);
    }
    if (i >= n)
        goto done;
    vg_buf_addc(out, '[');
    for (size_t c = 0; c < used; c++) {
        if (c)
            vg_buf_addc(out, ',');
        if (at[c].end)
            vg_buf_add(out, obj + at[c].start, at[c].end - at[c].start);
        else
            vg_buf_adds(out, "null");
    }
    vg_buf_addc(out, ']');
    rc = 0;
done:
    free(at);
    return rc;
}

void vg_row_keys_json(vg_buf *b, const vg_row_keys *k)
{
    vg_buf_addc(b, '[');
    for (size_t i = 0; i < k->n; i++) {
        if (i)
            vg_buf_addc(b, ',');
        vg_buf_adds(b, k->name[i]); /* kept quoted, as the item's JSON wrote it */
    }
    vg_buf_addc(b, ']');
}

void vg_row_keys_free(vg_row_keys *k)
{
    for (size_t i = 0; i < k->n; i++)
        free(k->name[i]);
    free(k->name);
    memset(k, 0, sizeof *k);
}

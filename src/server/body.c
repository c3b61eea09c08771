/* Request bodies of the case API: one flat JSON object, strict (yajl: no comments, one value,
 * UTF-8 checked), members named in advance, values kept as text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "serve.h"

typedef struct parse {
    vs_body *b;
    const char *const *allowed;
    int depth;
    char *msg, *field;
    size_t cap;
    int failed;
} parse;

static int refuse(parse *p, const char *field, const char *msg)
{
    snprintf(p->field, 32, "%s", field);
    snprintf(p->msg, p->cap, "%s", msg);
    p->failed = 1;
    return 0;
}

static int value(parse *p, const char *s, size_t n, int is_string, int is_null)
{
    vs_member *m;
    if (p->depth != 1 || !p->b->n)
        return refuse(p, "", "expected a JSON object");
    m = &p->b->m[p->b->n - 1];
    if (m->value || m->is_string < 0)
        return refuse(p, m->name, "expected a value");
    m->is_string = is_string;
    if (!is_null && !(m->value = strndup(s, n)))
        return refuse(p, "", "out of memory");
    m->is_string = is_null ? 2 : is_string;   /* 2: null, set so a second value is caught */
    return 1;
}

static int on_null(void *ud) { return value(ud, NULL, 0, 0, 1); }
static int on_bool(void *ud, int v) { return value(ud, v ? "true" : "false", v ? 4 : 5, 0, 0); }
static int on_number(void *ud, const char *s, size_t n) { return value(ud, s, n, 0, 0); }
static int on_string(void *ud, const unsigned char *s, size_t n) { return value(ud, (const char *)s, n, 1, 0); }

static int on_key(void *ud, const unsigned char *s, size_t n)
{
    parse *p = ud;
    char name[32];
    int ok = 0;
    snprintf(name, sizeof name, "%.*s", (int)(n < 31 ? n : 31), (const char *)s);
    for (const char *const *a = p->allowed; *a && !ok; a++)
        ok = strlen(*a) == n && !memcmp(*a, s, n);
    if (!ok)
        return refuse(p, name, "unknown member");
    for (size_t i = 0; i < p->b->n; i++)
        if (!strcmp(p->b->m[i].name, name))
            return refuse(p, name, "member given twice");
    if (p->b->n == sizeof p->b->m / sizeof p->b->m[0])
        return refuse(p, name, "too many members");
    memset(&p->b->m[p->b->n], 0, sizeof p->b->m[0]);
    snprintf(p->b->m[p->b->n++].name, 32, "%s", name);
    return 1;
}

static int on_start_map(void *ud)
{
    parse *p = ud;
    if (p->depth++ != 0)
        return refuse(p, p->b->n ? p->b->m[p->b->n - 1].name : "", "expected a string, number or null");
    return 1;
}

static int on_end_map(void *ud) { ((parse *)ud)->depth--; return 1; }
static int on_array(void *ud)
{
    parse *p = ud;
    return refuse(p, p->depth && p->b->n ? p->b->m[p->b->n - 1].name : "", p->depth ? "expected a string, number or null" : "expected a JSON object");
}

static const yajl_callbacks callbacks = {
    .yajl_null = on_null, .yajl_boolean = on_bool, .yajl_number = on_number, .yajl_string = on_string,
    .yajl_start_map = on_start_map, .yajl_map_key = on_key, .yajl_end_map = on_end_map,
    .yajl_start_array = on_array,
};

int vs_body_parse(vs_body *b, const char *text, size_t len, const char *const *allowed, char *msg, size_t cap,
                  char field[32])
{
    parse p = {.b = b, .allowed = allowed, .msg = msg, .field = field, .cap = cap};
    yajl_handle h = yajl_alloc(&callbacks, NULL, &p);
    yajl_status st;
    memset(b, 0, sizeof *b);
    field[0] = '\0';
    if (!h)
        return refuse(&p, "", "out of memory"), -1;
    st = yajl_parse(h, (const unsigned char *)(text ? text : ""), len);
    if (st == yajl_status_ok)
        st = yajl_complete_parse(h);
    if (st != yajl_status_ok && !p.failed) {
        unsigned char *why = yajl_get_error(h, 0, NULL, 0);
        char *nl = why ? strchr((char *)why, '\n') : NULL;
        if (nl)
            *nl = '\0';
        snprintf(msg, cap, "malformed JSON: %s", why ? (char *)why : "parse error");
        if (why)
            yajl_free_error(h, why);
        p.failed = 1;
    }
    yajl_free(h);
    return p.failed ? -1 : 0;
}

void vs_body_dispose(vs_body *b)
{
    for (size_t i = 0; i < b->n; i++)
        free(b->m[i].value);
    b->n = 0;
}

int vs_body_string(const vs_body *b, const char *name, const char **out, char *msg, size_t cap)
{
    *out = NULL;
    for (size_t i = 0; i < b->n; i++) {
        if (strcmp(b->m[i].name, name))
            continue;
        if (b->m[i].value && b->m[i].is_string != 1) {
            snprintf(msg, cap, "'%s' must be a string", name);
            return -1;
        }
        *out = b->m[i].value;
    }
    return 0;
}

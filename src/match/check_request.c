/*
 * The hash-check request: {"hashes": [...], "pdq": [...]} read with yajl's event parser
 * (strict JSON: no comments, UTF-8 checked, one value), each string decoded as it comes so
 * that nothing of the body is kept.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "core/hex.h"
#include "match/check_request.h"

enum { IN_TOP, IN_MAP, IN_ARRAY, DONE };
enum { M_NONE, M_HASHES, M_PDQ };

typedef struct parser {
    vg_check_request *req;
    vigil_check_info *info;
    vigil_error *err;
    int state, member, seen[3];
    size_t index;             /* of the next string in the current array */
    int failed;               /* err and field are set: the parse is stopped */
    vigil_code code;
} parser;

static const char *member_name(int m) { return m == M_PDQ ? "pdq" : "hashes"; }

static int fail(parser *p, const char *field, vigil_code code, const char *fmt, const char *what)
{
    snprintf(p->info->field, sizeof p->info->field, "%s", field);
    vigil_error_set(p->err, code, fmt, what);
    p->code = code;
    p->failed = 1;
    return 0;
}

static int fail_at(parser *p, const char *why)
{
    char field[48];
    if (p->state == IN_ARRAY)
        snprintf(field, sizeof field, "%s[%zu]", member_name(p->member), p->index);
    else if (p->state == IN_MAP && p->member != M_NONE)
        snprintf(field, sizeof field, "%s", member_name(p->member));
    else
        field[0] = '\0';
    return fail(p, field, VIGIL_EINPUT, "%s", why);
}

static int on_scalar(void *ud)
{
    parser *p = ud;
    return fail_at(p, p->state == IN_ARRAY ? "expected a hash in hex (a string)"
                                           : p->state == IN_MAP ? "expected an array of hashes"
                                                                : "expected a JSON object");
}
static int on_bool(void *ud, int v) { (void)v; return on_scalar(ud); }
static int on_number(void *ud, const char *s, size_t n) { (void)s, (void)n; return on_scalar(ud); }

static int add_item(parser *p, const unsigned char *s, size_t n)
{
    vg_check_request *r = p->req;
    vg_check_item *it;
    vigil_match_by by = VIGIL_BY_NONE;
    if (r->n >= VIGIL_CHECK_MAX) {
        p->info->too_many = 1;
        return fail(p, member_name(p->member), VIGIL_EINPUT, "more than %s hashes in one request", "10000");
    }
    if (p->member == M_PDQ)
        by = n == 64 ? VIGIL_BY_PDQ : VIGIL_BY_NONE;
    else
        by = n == 32 ? VIGIL_BY_MD5 : n == 40 ? VIGIL_BY_SHA1 : n == 64 ? VIGIL_BY_SHA256 : VIGIL_BY_NONE;
    if (by == VIGIL_BY_NONE || !vg_is_hex((const char *)s, n))
        return fail_at(p, p->member == M_PDQ ? "not a PDQ hash (64 hex digits)"
                                             : "not an MD5, SHA-1 or SHA-256 in hex (32, 40 or 64 digits)");
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 64;
        vg_check_item *v = realloc(r->item, cap * sizeof *v);
        if (!v)
            return fail(p, "", VIGIL_ENOMEM, "%s: out of memory", "check");
        r->item = v;
        r->cap = cap;
    }
    it = &r->item[r->n++];
    it->by = by;
    vg_hex_decode(it->d, (const char *)s, n / 2);
    p->index++;
    if (p->member == M_PDQ)
        p->info->pdq++;
    else
        p->info->hashes++;
    return 1;
}

static int on_string(void *ud, const unsigned char *s, size_t n)
{
    parser *p = ud;
    return p->state == IN_ARRAY ? add_item(p, s, n) : on_scalar(ud);
}

static int on_key(void *ud, const unsigned char *s, size_t n)
{
    parser *p = ud;
    char name[40];
    p->member = n == 6 && !memcmp(s, "hashes", 6) ? M_HASHES : n == 3 && !memcmp(s, "pdq", 3) ? M_PDQ : M_NONE;
    if (p->member == M_NONE) {
        snprintf(name, sizeof name, "%.*s", (int)(n < 32 ? n : 32), (const char *)s);
        return fail(p, name, VIGIL_EINPUT, "unknown member '%s' (hashes, pdq)", name);
    }
    if (p->seen[p->member]++)
        return fail(p, member_name(p->member), VIGIL_EINPUT, "member '%s' given twice", member_name(p->member));
    return 1;
}

static int on_start_map(void *ud)
{
    parser *p = ud;
    if (p->state != IN_TOP)
        return on_scalar(ud);
    p->state = IN_MAP;
    return 1;
}

static int on_end_map(void *ud)
{
    ((parser *)ud)->state = DONE;
    return 1;
}

static int on_start_array(void *ud)
{
    parser *p = ud;
    if (p->state != IN_MAP)
        return on_scalar(ud);
    p->state = IN_ARRAY;
    p->index = 0;
    return 1;
}

static int on_end_array(void *ud)
{
    parser *p = ud;
    p->state = IN_MAP;
    p->member = M_NONE;
    return 1;
}

static const yajl_callbacks callbacks = {
    .yajl_null = on_scalar, .yajl_boolean = on_bool, .yajl_number = on_number, .yajl_string = on_string,
    .yajl_start_map = on_start_map, .yajl_map_key = on_key, .yajl_end_map = on_end_map,
    .yajl_start_array = on_start_array, .yajl_end_array = on_end_array,
};

int vg_check_parse(vg_check_request *req, const char *body, size_t n, vigil_check_info *info, vigil_error *err)
{
    parser p = {.req = req, .info = info, .err = err, .state = IN_TOP};
    yajl_handle h;
    yajl_status st;
    memset(req, 0, sizeof *req);
    memset(info, 0, sizeof *info);
    if (!(h = yajl_alloc(&callbacks, NULL, &p)))
        return vigil_error_set(err, VIGIL_ENOMEM, "check: out of memory");
    st = yajl_parse(h, (const unsigned char *)body, n);
    if (st == yajl_status_ok)
        st = yajl_complete_parse(h);
    if (st != yajl_status_ok && !p.failed) {
        unsigned char *why = yajl_get_error(h, 0, NULL, 0);
        size_t at = yajl_get_bytes_consumed(h);
        char *nl = why ? strchr((char *)why, '\n') : NULL;
        if (nl)
            *nl = '\0';
        info->field[0] = '\0';
        vigil_error_set(err, VIGIL_EINPUT, "malformed JSON at byte %zu: %s", at, why ? (char *)why : "parse error");
        if (why)
            yajl_free_error(h, why);
        p.failed = 1;
        p.code = VIGIL_EINPUT;
    }
    yajl_free(h);
    if (p.failed)
        return p.code;
    if (!p.seen[M_HASHES] && !p.seen[M_PDQ]) {
        snprintf(info->field, sizeof info->field, "hashes");
        return vigil_error_set(err, VIGIL_EINPUT, "the body names no hashes: send {\"hashes\": [...]} or {\"pdq\": [...]}");
    }
    return 0;
}

void vg_check_request_dispose(vg_check_request *req)
{
    free(req->item);
    memset(req, 0, sizeof *req);
}

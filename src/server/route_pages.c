/*
 * The web pages (web/, embedded at build time): GET /login, /inbox, /case, /stats, /network
 * and /series are pages, / sends to the inbox, and /static/NAME is one of their scripts or style
 * sheets. The pages hold no data: their scripts read it from the API with the session's
 * cookie. Nothing is read from the file system, so no path can reach a file; a path that
 * tries ("..", an encoded one, "//", a backslash) is refused all the same, before any route.
 */
#include <string.h>

#include "serve.h"
#include "web_assets.h"

int vs_path_escapes(const char *path)
{
    /* libmicrohttpd has decoded %XX already: "%2e%2e" and "%2f" arrive as ".." and "/". */
    return strstr(path, "..") || strstr(path, "//") || strchr(path, '\\') || strchr(path, '%');
}

static const vs_asset *asset(const char *name)
{
    for (size_t i = 0; i < vs_nassets; i++)
        if (!strcmp(vs_assets[i].name, name))
            return &vs_assets[i];
    return NULL;
}

static enum MHD_Result serve_asset(struct MHD_Connection *c, vs_request *rq, const vs_asset *a)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(a->len, (void *)a->data, MHD_RESPMEM_PERSISTENT);
    enum MHD_Result ret;
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, "Content-Type", a->type);
    /* Pages and their files change with the binary: always ask again. */
    MHD_add_response_header(r, "Cache-Control", "no-cache");
    vs_add_safety_headers(r, 1);
    ret = MHD_queue_response(c, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    rq->status = MHD_HTTP_OK;
    rq->bytes = a->len;
    return ret;
}

static enum MHD_Result redirect(struct MHD_Connection *c, vs_request *rq, const char *to)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
    enum MHD_Result ret;
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, "Location", to);
    vs_add_safety_headers(r, 0);
    ret = MHD_queue_response(c, MHD_HTTP_SEE_OTHER, r);
    MHD_destroy_response(r);
    rq->status = MHD_HTTP_SEE_OTHER;
    return ret;
}

/* A static file's name: letters, digits and '-', one '.', an extension; never a page. */
static int plain_name(const char *n)
{
    size_t stem = strspn(n, "abcdefghijklmnopqrstuvwxyz0123456789-");
    return stem > 0 && n[stem] == '.' && n[stem + 1] && strspn(n + stem + 1, "abcdefghijklmnopqrstuvwxyz") ==
                                                               strlen(n + stem + 1);
}

int vs_route_pages(vs_server *s, struct MHD_Connection *c, vs_request *rq, enum MHD_Result *ret)
{
    static const char *const pages[] = {"login", "inbox", "case", "stats", "network", "series"};
    const char *p = rq->path;
    const vs_asset *a = NULL;
    char name[64];
    int root = !strcmp(p, "/");
    (void)s;
    if (!strncmp(p, "/static/", 8)) {
        if (plain_name(p + 8) && !strstr(p + 8, ".html"))
            a = asset(p + 8);
        if (!a) {
            rq->unrouted = 1;
            return *ret = vs_reply_error(c, rq, MHD_HTTP_NOT_FOUND, "no such file", NULL), 1;
        }
    } else if (!root) {
        for (size_t i = 0; i < sizeof pages / sizeof pages[0] && !a; i++)
            if (!strcmp(p + 1, pages[i])) {
                snprintf(name, sizeof name, "%s.html", pages[i]);
                a = asset(name);
            }
        if (!a)
            return 0;
    }
    if (strcmp(rq->method, "GET"))
        return *ret = vs_reply_error(c, rq, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed here", NULL), 1;
    *ret = root ? redirect(c, rq, "/inbox") : serve_asset(c, rq, a);
    return 1;
}

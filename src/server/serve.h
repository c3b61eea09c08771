/* Internal to src/server: the running service and what its request handlers share. */
#ifndef VS_SERVE_H
#define VS_SERVE_H
#include <microhttpd.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include "vigil/apikey.h"
#include "vigil/matchers.h"
#include "vigil/registry.h"
#include "vigil/server.h"

typedef struct vs_limits vs_limits;
typedef struct vs_sessions vs_sessions;

/* Registry handles: one per request thread (at most VS_REGISTRIES), each used by one
 * request at a time, so that requests do not queue behind one connection. */
#define VS_REGISTRIES 8
typedef struct vs_reg_slot {
    vigil_registry *reg;
    pthread_mutex_t lock;
} vs_reg_slot;

typedef struct vs_server {
    const vigil_server_opts *o;
    vs_reg_slot regs[VS_REGISTRIES];
    int nregs;
    vigil_matchers *sets;             /* read-only, shared */
    vs_limits *limits;                /* per key: rate and counts */
    vs_limits *logins;                /* login attempts per user name */
    vs_limits *login_ips;             /* ... and per client address */
    vs_sessions *sessions;
    pthread_mutex_t log_lock;
    pthread_mutex_t refusal_lock;     /* guards the two below */
    double refused_429_at;            /* when the last 429 was audited */
    unsigned refused_429_more;        /* 429s not audited since (at most one a second is) */
    int tls;
} vs_server;

/* One request from its first call to its completion. */
typedef struct vs_request {
    vs_server *server;
    double start;                     /* monotonic seconds */
    char method[16], path[512];       /* for the access log (a longer path is cut) */
    char *body;                       /* NUL-terminated; NULL while empty */
    size_t len;
    int too_large;                    /* the body passed o->max_body: its bytes are dropped */
    char who[80];                     /* "key:NAME" or "user:NAME"; "" for nobody */
    unsigned status;
    size_t bytes;                     /* of the reply body */
    int unrouted;                     /* answered 404/405 as no endpoint at all: not audited */
} vs_request;

/* libmicrohttpd's access handler and completion callback (dispatch.c); cls is the server. */
enum MHD_Result vs_dispatch(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                            const char *version, const char *upload, size_t *upload_size, void **con_cls);
void vs_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode why);

/* A registry handle for one request (a free one, else the slot's turn); give it back. */
int vs_reg_take(vs_server *s, vigil_registry **reg);
void vs_reg_give(vs_server *s, int slot);

/* Seconds on the monotonic clock. */
double vs_now(void);

/* Replies (reply.c): each queues a response, fills rq->status and rq->bytes, and returns what
 * the access handler returns. vs_reply_json takes body (malloc'ed) over. */
enum MHD_Result vs_reply_json(struct MHD_Connection *c, vs_request *rq, unsigned status, char *body, size_t len);
/* {"error": msg, "field": field or null}. */
enum MHD_Result vs_reply_error(struct MHD_Connection *c, vs_request *rq, unsigned status, const char *msg,
                               const char *field);
/* A download (CSV) of body (malloc'ed, taken over) as an attachment named filename. */
enum MHD_Result vs_reply_download(struct MHD_Connection *c, vs_request *rq, char *body, size_t len, const char *type,
                                  const char *filename);
/* Content-Security-Policy (a page's, or none at all for data), nosniff, no framing. */
void vs_add_safety_headers(struct MHD_Response *r, int page);
/* 429 with Retry-After. */
enum MHD_Result vs_reply_slow_down(struct MHD_Connection *c, vs_request *rq, unsigned retry_after, const char *msg);
/* 401 with WWW-Authenticate: Bearer. */
enum MHD_Result vs_reply_unauthorized(struct MHD_Connection *c, vs_request *rq, const char *msg);

/* An audit event for a request refused with status (refusals.c): 400, 401, 403, 409, 413, 429,
 * and 404 for a resource of a known route; not a failed login (the library audits those
 * itself), and at most one 429 a second (with the count of those left out). Called by the
 * error replies before they are queued, so the event is written when the client reads the answer. */
void vs_audit_refused(vs_request *rq, unsigned status, const char *reason);

/* The access log line of a finished request (access_log.c). */
void vs_access_log(vs_server *s, const vs_request *rq);

/* Per-key rate limits and query counts (limits.c). */
int vs_limits_new(vs_limits **out, double rate, unsigned burst);
void vs_limits_free(vs_limits *l);
/* 0 when the key may go on now (a token taken), else the seconds to wait (>= 1). */
unsigned vs_limits_take(vs_limits *l, const char *key, double now);
/* Count a request of n hashes for the key; counts go to the registry at vs_limits_flush. */
void vs_limits_count(vs_limits *l, const char *key, uint64_t hashes);
/* Add the counts gathered since last time to the keys' rows (reg taken by the caller); when
 * older_than > 0, only if the last flush is that many seconds old. */
void vs_limits_flush(vs_limits *l, vigil_registry *reg, double now, double older_than);

/* The key a request carries (Authorization: Bearer KEY, or X-API-Key: KEY), verified, with
 * scope `scope`: 1 and *key filled, or 0 after queuing the refusal (401, 403, 429) in *ret. */
int vs_auth_key(vs_server *s, struct MHD_Connection *c, vs_request *rq, const char *scope, vigil_apikey_row *key,
                enum MHD_Result *ret);

/* Sessions (session.c): a token of 43 base64url characters. */
#define VS_TOKEN_SIZE 44
#define VS_SESSION_IDLE (30 * 60.0)
#define VS_SESSION_MAX (12 * 3600.0)
int vs_sessions_new(vs_sessions **out);
void vs_sessions_free(vs_sessions *s);
int vs_session_start(vs_sessions *s, const vigil_actor *who, char tok[VS_TOKEN_SIZE], char csrf[VS_TOKEN_SIZE]);
/* 1 and *who, csrf filled for a live session (its idle clock restarted), else 0. */
int vs_session_find(vs_sessions *s, const char *tok, vigil_actor *who, char csrf[VS_TOKEN_SIZE]);
void vs_session_end(vs_sessions *s, const char *tok);

/* A person's session for the case API: the cookie's session, and for a request that changes
 * something (not GET) the X-CSRF-Token it was given; an API key is refused (403). 1 and *who
 * filled, or 0 after queuing the refusal (401, 403) in *ret. */
int vs_auth_person(vs_server *s, struct MHD_Connection *c, vs_request *rq, vigil_actor *who, enum MHD_Result *ret);
/* The session token of the request's cookie, or NULL. */
const char *vs_session_cookie(struct MHD_Connection *c);

/* A library code as an HTTP status: EINPUT/EUSAGE 400, EDENIED 403, ENOTFOUND 404,
 * ESTATE/EEXISTS 409, others 500; and the reply with err's message. */
unsigned vs_status_of(int code);
enum MHD_Result vs_reply_failure(struct MHD_Connection *c, vs_request *rq, const vigil_error *err, const char *field);

/* A JSON request body of one flat object (body.c): string, number, boolean and null members. */
typedef struct vs_member {
    char name[32];
    char *value;                      /* text of a string or number; NULL for null */
    int is_string;
} vs_member;
typedef struct vs_body {
    vs_member m[16];
    size_t n;
} vs_body;
/* Parse; 0, or -1 with msg and field set (400). Members not in allowed (NULL-ended) are refused. */
int vs_body_parse(vs_body *b, const char *text, size_t len, const char *const *allowed, char *msg, size_t cap,
                  char field[32]);
void vs_body_dispose(vs_body *b);
/* A string member's value, or NULL when absent or null; -1 (msg set) when present and not a string. */
int vs_body_string(const vs_body *b, const char *name, const char **out, char *msg, size_t cap);

/* A library call with a registry handle of the request's own, its writer's output the reply:
 * JSON with ok_status, or with download set a CSV attachment of that name. */
typedef int (*vs_writer_fn)(FILE *f, vigil_registry *reg, const vigil_actor *who, void *ud, vigil_error *err);
enum MHD_Result vs_reply_with(vs_server *s, struct MHD_Connection *c, vs_request *rq, const vigil_actor *who,
                              vs_writer_fn fn, void *ud, unsigned ok_status, const char *download);
/* A positive decimal id at s, ended by NUL or '/' (*rest there); -1 for anything else. */
int vs_parse_id(const char *s, int64_t *id, const char **rest);

/* Routes. */
enum MHD_Result vs_route_check(vs_server *s, struct MHD_Connection *c, vs_request *rq);
enum MHD_Result vs_route_healthz(vs_server *s, struct MHD_Connection *c, vs_request *rq);
enum MHD_Result vs_route_login(vs_server *s, struct MHD_Connection *c, vs_request *rq);
enum MHD_Result vs_route_logout(vs_server *s, struct MHD_Connection *c, vs_request *rq);
/* Everything else under /api/v1/ (route_cases.c); 0 when the path is none of its. */
int vs_route_cases(vs_server *s, struct MHD_Connection *c, vs_request *rq, enum MHD_Result *ret);
/* What the pages read beside the case API (route_links.c): the session, a case's items and
 * links, networks; 0 when the path is none of its. */
int vs_route_links(vs_server *s, struct MHD_Connection *c, vs_request *rq, enum MHD_Result *ret);
/* Series (route_series.c): /api/v1/series and /api/v1/series/NAME; 0 when the path is none of its. */
int vs_route_series(vs_server *s, struct MHD_Connection *c, vs_request *rq, enum MHD_Result *ret);
/* The API keys' counts (route_keys.c): /api/v1/stats/keys; 0 for any other path. */
int vs_route_keys(vs_server *s, struct MHD_Connection *c, vs_request *rq, enum MHD_Result *ret);
/* The web pages and their files (route_pages.c); 0 when the path is none of theirs. */
int vs_route_pages(vs_server *s, struct MHD_Connection *c, vs_request *rq, enum MHD_Result *ret);
/* 1 for a path that tries to leave where it points ("..", "//", "\\", a NUL): refused before
 * any route looks at it. */
int vs_path_escapes(const char *path);

#endif

/*
 * People's sessions, held in memory: a random token (the HttpOnly cookie) and a random CSRF
 * token (sent back in X-CSRF-Token on every state-changing request) per login. A session ends
 * after VS_SESSION_IDLE seconds unused, VS_SESSION_MAX after login, or at logout; a restart
 * ends them all.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "serve.h"

typedef struct session {
    char token[VS_TOKEN_SIZE], csrf[VS_TOKEN_SIZE];
    vigil_actor who;
    double created, used;
    struct session *next;
} session;

struct vs_sessions {
    pthread_mutex_t lock;
    session *head;
};

int vs_sessions_new(vs_sessions **out)
{
    vs_sessions *s = calloc(1, sizeof *s);
    if (!(*out = s) || sodium_init() < 0)
        return -1;
    pthread_mutex_init(&s->lock, NULL);
    return 0;
}

void vs_sessions_free(vs_sessions *s)
{
    if (!s)
        return;
    for (session *x = s->head, *next; x; x = next) {
        next = x->next;
        sodium_memzero(x, sizeof *x);
        free(x);
    }
    pthread_mutex_destroy(&s->lock);
    free(s);
}

static void token(char out[VS_TOKEN_SIZE])
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(out, VS_TOKEN_SIZE, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

int vs_session_start(vs_sessions *s, const vigil_actor *who, char tok[VS_TOKEN_SIZE], char csrf[VS_TOKEN_SIZE])
{
    session *x = calloc(1, sizeof *x);
    if (!x)
        return -1;
    token(x->token);
    token(x->csrf);
    x->who = *who;
    x->created = x->used = vs_now();
    memcpy(tok, x->token, VS_TOKEN_SIZE);
    memcpy(csrf, x->csrf, VS_TOKEN_SIZE);
    pthread_mutex_lock(&s->lock);
    x->next = s->head;
    s->head = x;
    pthread_mutex_unlock(&s->lock);
    return 0;
}

/* Drop expired sessions (lock held). */
static void sweep(vs_sessions *s, double now)
{
    for (session **p = &s->head; *p;) {
        session *x = *p;
        if (now - x->used > VS_SESSION_IDLE || now - x->created > VS_SESSION_MAX) {
            *p = x->next;
            sodium_memzero(x, sizeof *x);
            free(x);
        } else {
            p = &x->next;
        }
    }
}

int vs_session_find(vs_sessions *s, const char *tok, vigil_actor *who, char csrf[VS_TOKEN_SIZE])
{
    double now = vs_now();
    int found = 0;
    if (!tok || strlen(tok) != VS_TOKEN_SIZE - 1)
        return 0;
    pthread_mutex_lock(&s->lock);
    sweep(s, now);
    for (session *x = s->head; x && !found; x = x->next)
        if (sodium_memcmp(x->token, tok, VS_TOKEN_SIZE - 1) == 0) {
            x->used = now;
            *who = x->who;
            memcpy(csrf, x->csrf, VS_TOKEN_SIZE);
            found = 1;
        }
    pthread_mutex_unlock(&s->lock);
    return found;
}

void vs_session_end(vs_sessions *s, const char *tok)
{
    pthread_mutex_lock(&s->lock);
    for (session **p = &s->head; *p; p = &(*p)->next)
        if (strlen(tok) == VS_TOKEN_SIZE - 1 && sodium_memcmp((*p)->token, tok, VS_TOKEN_SIZE - 1) == 0) {
            session *x = *p;
            *p = x->next;
            sodium_memzero(x, sizeof *x);
            free(x);
            break;
        }
    pthread_mutex_unlock(&s->lock);
}

/*
 * The proxy side of a worker (worker.h): starting the process, handing it an
 * entry, relaying its results, and telling what happened when it died.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "media/lazy_libs.h"
#include "scan/decode_budget.h"
#include "scan/job_wire.h"
#include "scan/result_wire.h"
#include "scan/worker.h"
#include "scan/worker_child.h"
#include "scan/worker_page.h"
#include "scan/worker_proto.h"

#define POLL_MS 100
#define READY_TIMEOUT_MS 30000
#define MAX_RESULT ((uint64_t)1 << 30)

struct vg_worker {
    const vigil_scan_opts *o;
    const char *const *images; /* disk images the worker opens before its sandbox closes */
    size_t nimages;
    vg_worker_page *page;     /* shared with the process */
    pid_t pid;                /* 0: none running */
    int sock, pidfd;
    unsigned timeout_s;
    uint64_t memory;
    int killed;               /* SIGKILL sent: the scan stopped */
    pthread_mutex_t mu;       /* pid against vg_worker_kill from another thread */
};

/* Every proxy's end of a socket: a worker forked later must not hold them (it would keep a dead
 * worker's socket open). Forking and this list are serialised. */
static pthread_mutex_t spawn_mu = PTHREAD_MUTEX_INITIALIZER;
static int proxy_fds[1024];
static size_t nproxy_fds;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void vg_worker_size_text(char *out, size_t cap, uint64_t bytes)
{
    static const char *units[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
    unsigned u = 0;
    uint64_t v = bytes;
    while (u + 1 < sizeof units / sizeof units[0] && v >= 1024 && v % 1024 == 0) {
        v /= 1024;
        u++;
    }
    snprintf(out, cap, "%llu %s", (unsigned long long)v, units[u]);
}

static void forget_fd(int fd)
{
    pthread_mutex_lock(&spawn_mu);
    for (size_t i = 0; i < nproxy_fds; i++)
        if (proxy_fds[i] == fd) {
            proxy_fds[i] = proxy_fds[--nproxy_fds];
            break;
        }
    pthread_mutex_unlock(&spawn_mu);
}

/* Reap the process (after a kill or its death); the status. */
static int reap(vg_worker *w)
{
    int status = 0;
    pid_t pid;
    pthread_mutex_lock(&w->mu);
    pid = w->pid;
    w->pid = 0;
    pthread_mutex_unlock(&w->mu);
    if (pid > 0)
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
    if (w->sock >= 0) {
        forget_fd(w->sock);
        close(w->sock);
    }
    if (w->pidfd >= 0)
        close(w->pidfd);
    w->sock = w->pidfd = -1;
    return status;
}

static void kill_now(vg_worker *w)
{
    pthread_mutex_lock(&w->mu);
    if (w->pid > 0)
        kill(w->pid, SIGKILL);
    pthread_mutex_unlock(&w->mu);
}

static int exit_text(char *out, size_t cap, int status)
{
    static const char *why[] = {[VG_WORKER_EXIT_READER] = "no reader (out of memory?)",
                                [VG_WORKER_EXIT_LIMIT] = "cannot set its memory cap",
                                [VG_WORKER_EXIT_SECCOMP] = "cannot install its seccomp filter",
                                [VG_WORKER_EXIT_PROTOCOL] = "a message it did not understand"};
    if (WIFSIGNALED(status))
        return snprintf(out, cap, "killed by SIG%s", sigabbrev_np(WTERMSIG(status)) ? sigabbrev_np(WTERMSIG(status)) : "?");
    if (WIFEXITED(status) && (unsigned)WEXITSTATUS(status) < sizeof why / sizeof why[0] && why[WEXITSTATUS(status)])
        return snprintf(out, cap, "%s", why[WEXITSTATUS(status)]);
    return snprintf(out, cap, "exit status %d", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

/* Start the process; 0, or -1 with why. */
static int spawn(vg_worker *w, char *why, size_t cap)
{
    int sv[2];
    pid_t pid;
    struct pollfd pf;
    vg_msg_hdr h;
    int fd = -1, status;
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
        snprintf(why, cap, "socketpair: %s", strerror(errno));
        return -1;
    }
    memset(w->page, 0, sizeof *w->page);
    vg_media_libs_preload(); /* the worker's seccomp filter will refuse the open() of a later load */
    pthread_mutex_lock(&spawn_mu);
    pid = fork();
    if (pid == 0) {
        for (size_t i = 0; i < nproxy_fds; i++)
            close(proxy_fds[i]);
        close(sv[0]);
        vg_worker_child_main(sv[1], w->page, w->o, w->memory, w->images, w->nimages);
    }
    if (pid > 0 && nproxy_fds < sizeof proxy_fds / sizeof proxy_fds[0])
        proxy_fds[nproxy_fds++] = sv[0];
    pthread_mutex_unlock(&spawn_mu);
    close(sv[1]);
    if (pid < 0) {
        snprintf(why, cap, "fork: %s", strerror(errno));
        close(sv[0]);
        return -1;
    }
    pthread_mutex_lock(&w->mu);
    w->pid = pid;
    pthread_mutex_unlock(&w->mu);
    w->sock = sv[0];
    w->pidfd = (int)syscall(SYS_pidfd_open, pid, 0); /* -1 on old kernels: deaths are then seen by EOF */
    {
        /* a worker stuck in the middle of a message must not hold its proxy: reads give up */
        struct timeval tv = {(time_t)w->timeout_s, 0};
        setsockopt(w->sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    }
    w->killed = 0;
    pf = (struct pollfd){w->sock, POLLIN, 0};
    if (poll(&pf, 1, READY_TIMEOUT_MS) == 1 && vg_msg_recv_hdr(w->sock, &h, &fd) == 1 && h.type == VG_MSG_DONE)
        return 0;
    if (fd >= 0)
        close(fd);
    kill_now(w);
    status = reap(w);
    exit_text(why, cap, status);
    return -1;
}

int vg_worker_new(vg_worker **out, const vigil_scan_opts *o, const char *const *images, size_t nimages,
                  vigil_error *err)
{
    vg_worker *w = calloc(1, sizeof *w);
    char why[256];
    *out = NULL;
    if (!w)
        return vigil_error_set(err, VIGIL_ENOMEM, "scan: out of memory");
    w->o = o;
    w->images = images;
    w->nimages = nimages;
    w->sock = w->pidfd = -1;
    w->timeout_s = o->item_timeout ? o->item_timeout : 60;
    w->memory = o->worker_memory;
    pthread_mutex_init(&w->mu, NULL);
    w->page = mmap(NULL, sizeof *w->page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (w->page == MAP_FAILED) {
        w->page = NULL;
        vg_worker_free(w);
        return vigil_error_set(err, VIGIL_ENOMEM, "scan: cannot map a worker's shared page");
    }
    if (spawn(w, why, sizeof why) < 0) {
        vg_worker_free(w);
        return vigil_error_set(err, VIGIL_EINTERNAL,
                               "scan: cannot start a parser worker process: %s (--no-isolation reads without)", why);
    }
    *out = w;
    return 0;
}

void vg_worker_kill(vg_worker *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->mu);
    w->killed = 1;
    if (w->pid > 0)
        kill(w->pid, SIGKILL);
    pthread_mutex_unlock(&w->mu);
}

void vg_worker_free(vg_worker *w)
{
    if (!w)
        return;
    kill_now(w);
    reap(w);
    if (w->page)
        munmap(w->page, sizeof *w->page);
    pthread_mutex_destroy(&w->mu);
    free(w);
}

/* ---- the end of a worker ---- */

typedef enum { DIED, TIMED_OUT, MALFORMED } end_cause;

/*
 * The worker is gone (or was killed) in the middle of entry e: reap it and emit one error item
 * for what it was working on, as its page names it (containers, item, parser layer).
 */
typedef struct fallback { /* what to name when the page names nothing */
    const char *path;
    size_t len;
    const char *const *chain;
    size_t depth;
} fallback;

static void lost_worker(vg_worker *w, const fallback *fb, end_cause cause, vg_emit_fn emit, void *ud)
{
    vg_worker_page *pg = w->page;
    int status = reap(w);
    const char *chain[64];
    const char *at = pg->where, *end = pg->where + sizeof pg->where;
    size_t depth = pg->depth < 64 ? pg->depth : 0;
    char what[160], size[32];
    vigil_error_kind kind = VIGIL_ERROR_CRASHED;
    vg_result *r;
    pg->where[sizeof pg->where - 1] = '\0';
    pg->layer[sizeof pg->layer - 1] = '\0';
    for (size_t i = 0; i < depth; i++) {
        chain[i] = at;
        at += strnlen(at, (size_t)(end - at)) + 1;
        if (at >= end) { /* a page cut short: name the file itself */
            depth = 0;
            at = NULL;
            break;
        }
    }
    if (!at || !*at)
        at = NULL;
    if (cause == TIMED_OUT) {
        kind = VIGIL_ERROR_TIMEOUT;
        snprintf(what, sizeof what, "timed out after %u s", w->timeout_s);
    } else if (pg->oom) {
        kind = VIGIL_ERROR_MEMORY;
        vg_worker_size_text(size, sizeof size, w->memory);
        snprintf(what, sizeof what, "over %s", size);
    } else if (cause == MALFORMED) {
        snprintf(what, sizeof what, "crashed: sent a malformed result");
    } else if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        snprintf(what, sizeof what, "crashed: SIG%s%s", sigabbrev_np(sig) ? sigabbrev_np(sig) : "?",
                 sig == SIGSYS ? " (a forbidden system call: the sandbox killed it)" : "");
    } else {
        char ex[96];
        exit_text(ex, sizeof ex, status);
        snprintf(what, sizeof what, "crashed: %s", ex);
    }
    r = at ? vg_result_new(at, strlen(at), chain, depth) : vg_result_new(fb->path, fb->len, fb->chain, fb->depth);
    if (!r) {
        emit(ud, NULL);
        return;
    }
    r->item.type = at && pg->archive ? VIGIL_ITEM_ARCHIVE : VIGIL_ITEM_FILE;
    r->item.in_image = pg->in_image;
    r->item.verdict = VIGIL_VERDICT_ERROR;
    r->item.error_kind = kind;
    vg_result_error(r, "parser %s in %s", what, pg->layer[0] ? pg->layer : "reader");
    emit(ud, r);
}

/* ---- relaying one entry ---- */

static int stopping(const vg_worker *w, volatile sig_atomic_t *cancel)
{
    return (cancel && __atomic_load_n(cancel, __ATOMIC_RELAXED)) ||
           (w->o->stop && __atomic_load_n(w->o->stop, __ATOMIC_RELAXED));
}

/* One message from the worker; 1 done with the entry, 0 go on, -1 the worker is lost (cause set). */
static int relay_one(vg_worker *w, vg_emit_fn emit, void *ud, end_cause *cause)
{
    vg_msg_hdr h;
    int fd = -1;
    char *body = NULL;
    vg_result *r;
    const char *why;
    if (vg_msg_recv_hdr(w->sock, &h, &fd) != 1) {
        *cause = DIED;
        return -1;
    }
    if (fd >= 0)
        close(fd); /* the worker hands no descriptors */
    switch (h.type) {
    case VG_MSG_DONE:
        return h.len ? (*cause = MALFORMED, -1) : 1;
    case VG_MSG_LOST:
        emit(ud, NULL);
        return 0;
    case VG_MSG_TMP: {
        FILE *t = tmpfile(); /* in $TMPDIR, never inside the evidence */
        int rc = vg_msg_send(w->sock, VG_MSG_TMP_FD, NULL, 0, t ? fileno(t) : -1);
        if (t)
            fclose(t);
        if (rc < 0) {
            *cause = DIED;
            return -1;
        }
        return 0;
    }
    case VG_MSG_RESULT:
        if (h.len > MAX_RESULT || !(body = malloc(h.len ? h.len : 1))) {
            *cause = MALFORMED;
            return -1;
        }
        if (vg_msg_read(w->sock, body, h.len) < 0) {
            free(body);
            *cause = DIED;
            return -1;
        }
        r = vg_result_wire_get(body, h.len, &why);
        free(body);
        if (!r && strcmp(why, "out of memory") != 0) {
            *cause = MALFORMED;
            return -1;
        }
        emit(ud, r);
        return 0;
    default:
        *cause = MALFORMED;
        return -1;
    }
}

/* Hand the worker one message (with fd, which is closed here) and relay what comes back until the
 * entry is done, the worker is lost (one error item) or the scan stops. */
static void run(vg_worker *w, uint32_t type, const vg_buf *msg, int fd, const fallback *fb, vg_emit_fn emit,
                void *ud, volatile sig_atomic_t *cancel)
{
    uint64_t seen;
    double quiet_since;
    end_cause cause = DIED;
    char why[256];
    if (!w->pid && spawn(w, why, sizeof why) < 0) {
        vg_result *r = vg_result_new(fb->path, fb->len, fb->chain, fb->depth);
        if (fd >= 0)
            close(fd);
        if (r) {
            r->item.verdict = VIGIL_VERDICT_ERROR;
            vg_result_error(r, "not read: cannot start a parser worker process: %s", why);
        }
        emit(ud, r);
        return;
    }
    if (vg_buf_failed(msg) || vg_msg_send(w->sock, type, msg->ptr, msg->len, fd) < 0) {
        if (fd >= 0)
            close(fd);
        kill_now(w);
        lost_worker(w, fb, DIED, emit, ud);
        return;
    }
    if (fd >= 0)
        close(fd);
    seen = w->page->progress;
    quiet_since = now_s();
    for (;;) {
        struct pollfd pf[2] = {{w->sock, POLLIN, 0}, {w->pidfd, POLLIN, 0}};
        int n = poll(pf, w->pidfd >= 0 ? 2 : 1, POLL_MS), rc;
        if (stopping(w, cancel) || w->killed) { /* nothing more is handed on: the worker goes at once */
            kill_now(w);
            reap(w);
            return;
        }
        if (n > 0 && (pf[0].revents & (POLLIN | POLLHUP | POLLERR))) {
            rc = relay_one(w, emit, ud, &cause);
            if (rc == 1)
                return;
            if (rc < 0)
                break;
            seen = w->page->progress; /* time spent handing results on is not the worker's */
            quiet_since = now_s();
            continue;
        }
        if (n > 0 && w->pidfd >= 0 && (pf[1].revents & POLLIN)) { /* dead, and nothing left to read */
            cause = DIED;
            break;
        }
        if (w->page->progress != seen) {
            seen = w->page->progress;
            quiet_since = now_s();
        } else if (now_s() - quiet_since >= w->timeout_s) {
            end_cause ignored;
            kill_now(w);
            cause = TIMED_OUT;
            /* what it sent before the kill is complete: hand it on; it may even have finished */
            while ((rc = relay_one(w, emit, ud, &ignored)) == 0)
                ;
            if (rc == 1) {
                reap(w);
                return;
            }
            break;
        }
    }
    kill_now(w); /* dead already, or a worker that broke the protocol or stopped mid-message */
    lost_worker(w, fb, cause, emit, ud);
}

int vg_worker_file(vg_worker *w, vg_reader *local, const vg_entry *e, vg_emit_fn emit, void *ud,
                   volatile sig_atomic_t *cancel)
{
    vg_msg_entry me;
    vg_buf msg;
    fallback fb = {e->path, e->path_len, NULL, 0};
    size_t weight;
    int fd = vg_reader_open_entry(e, w->o);
    if (fd < 0) { /* nothing to parse: the error item is made here */
        vg_reader_file_fd(local, e, -1, errno, emit, ud);
        return VG_READ_NONE;
    }
    if (vg_reader_file_own(local, e, fd, emit, ud)) /* no parser would touch it: no round trip */
        return VG_READ_HERE;
    memset(&me, 0, sizeof me);
    if (e->st)
        me.st = *e->st;
    me.has_st = e->st != NULL;
    me.path_len = e->path_len;
    me.err = e->err;
    me.is_dir = e->is_dir;
    me.follow = e->follow;
    vg_buf_init(&msg, sizeof me + e->path_len + 1);
    vg_buf_add(&msg, &me, sizeof me);
    vg_buf_add(&msg, e->path, e->path_len);
    /* each worker is a process of its own: the readers' shared budget, taken here, keeps two
       workers from decoding two wallpapers at once (the worker's own budget sees only itself) */
    weight = vg_reader_head_decode_weight(local, e->st ? (uint64_t)e->st->st_size : 0);
    if (weight < VG_DECODE_HEAVY_BYTES)
        weight = 0;
    if (weight)
        vg_decode_budget_take(vg_decode_budget_shared(), weight);
    run(w, VG_MSG_FILE, &msg, fd, &fb, emit, ud, cancel);
    if (weight)
        vg_decode_budget_give(vg_decode_budget_shared(), weight);
    vg_buf_dispose(&msg);
    return VG_READ_WORKER;
}

void vg_worker_image(vg_worker *w, vg_reader *local, vg_image_job *j, vg_emit_fn emit, void *ud,
                     volatile sig_atomic_t *cancel)
{
    const char *chain[2] = {j->image, j->label ? j->label : ""};
    fallback fb = {j->path ? j->path : chain[1], j->path ? j->path_len : strlen(chain[1]), chain,
                   j->path ? 2 : 1};
    vg_buf msg;
    if (j->kind == VG_JOB_VERIFY) { /* waits on a thread of this process; parses nothing */
        vg_reader_image(local, j, emit, ud);
        return;
    }
    vg_buf_init(&msg, (size_t)1 << 24);
    vg_job_wire_put(&msg, j);
    run(w, VG_MSG_JOB, &msg, -1, &fb, emit, ud, cancel);
    vg_buf_dispose(&msg);
}

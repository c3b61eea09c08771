/*
 * The scan pipeline. A walker thread turns paths into units in walk order;
 * reader threads take units from a work queue; the calling thread is the sink
 * and hands results to the callback strictly in unit order. Memory is bounded
 * twice: at most MAX_INFLIGHT units exist between walker and sink, and a unit
 * that is not at the head of the order may hold at most MAX_PENDING results
 * (an archive's reader waits until its unit reaches the head). The head unit
 * is always drained, so the oldest unfinished unit always makes progress.
 * Once the scan is stopped, nothing more is handed on: readers cut their
 * units short, so only the last unit handed on may be incomplete, which is
 * what a resumed scan relies on (resume.c).
 *
 * A stop always ends the scan: a thread stuck inside a parser (seized data
 * can make libarchive or TSK loop) is given STOP_GRACE_S and then left
 * behind. The pipeline lives on the heap and every thread holds a reference,
 * so what a thread left behind still touches stays valid; the last one out
 * frees it.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "scan/image_job.h"
#include "scan/reader.h"
#include "scan/resume.h"
#include "scan/worker.h"
#include "scan/testing.h"
#include "source/image.h"
#include "source/walk.h"
#include "vigil/scan.h"

#define MAX_INFLIGHT_PER_JOB 16
#define MAX_PENDING 64
#define STOP_GRACE_S 1.0       /* how long threads get to finish once the scan is stopped */
#define SINK_POLL_NS 100000000 /* the sink looks at the stop flag this often (a signal cannot wake it) */

typedef struct unit {
    struct unit *next_work, *next_order;
    vg_entry e;
    struct stat st;
    char *path;
    vg_result *head, *tail;
    size_t nres;
    int done;
    vg_image_job *job;                /* a file (or task) inside a disk image; NULL on disk */
    uint64_t lost;                    /* items found but not recorded (out of memory) */
} unit;

typedef struct worker worker;

typedef struct pipeline {
    pthread_mutex_t mu;
    pthread_cond_t cv_work, cv_space, cv_sink, cv_room;
    pthread_cond_t cv_exit;           /* a thread ended */
    unit *work_head, *work_tail;
    unit *order_head, *order_tail;
    size_t inflight, max_inflight;
    size_t room_waiters;              /* readers waiting for their unit to reach the head */
    int walk_done;
    volatile sig_atomic_t cancel;     /* the callback asked to stop */
    const vigil_scan_opts *o;
    const char *const *paths;
    size_t npaths;
    vigil_error walk_err;             /* why the walk had to stop (set by the walker thread) */
    unsigned refs;                    /* the sink and every thread still running hold one */
    int abandoned;                    /* the sink returned without the threads still running */
    worker *ws;
    unsigned nws;
    const char **images;              /* isolated scans: the paths that are disk images (workers reopen them) */
    pthread_t walker;
    int walker_running, walker_left_behind;
    uint64_t worker_files, own_files; /* isolated scans: where files were read (atomic) */
} pipeline;

struct worker {
    pipeline *p;
    vg_reader *reader;
    vg_worker *proc;                  /* isolated scans: the process that parses this thread's files */
    pthread_t tid;
    int tid_valid;                    /* the thread was started */
    int running;                      /* it has not yet let go of the pipeline */
    int left_behind;                  /* still running when the stopped sink gave up on it */
};

/* Threads left inside a parser by stopped scans and not yet ended (vg_scan_threads_left). */
static unsigned threads_left;

void vigil_scan_opts_init(vigil_scan_opts *o)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    memset(o, 0, sizeof *o);
    o->jobs = n > 0 ? (unsigned)n : 1;
    o->expand_archives = 1;
    o->sniff_mime = 1;
    o->limits.max_depth = 8;
    o->limits.max_ratio = 1000;
    o->limits.ratio_floor = (uint64_t)256 << 20;
    o->limits.max_archive_bytes = (uint64_t)64 << 30;
    o->limits.spool_mem = (uint64_t)64 << 20;
    o->max_image_bytes = (uint64_t)256 << 20;
    o->decode.max_pixels = VIGIL_IMAGE_MAX_PIXELS_DEFAULT;
    o->decode.dct_scale = 1; /* bench/pdq-robust: no recall row worse than the full decode */
    o->pdq_max_distance = VIGIL_PDQ_MAX_DISTANCE;
    vigil_vpdq_opts_init(&o->vpdq);
    vigil_vpdq_match_opts_init(&o->video_match);
    o->carve_max_size = (uint64_t)64 << 20;
    o->item_timeout = 60;
    o->worker_memory = (uint64_t)1 << 30;
    o->nested_images = 1;
}

void vigil_scan_stats_dispose(vigil_scan_stats *s)
{
    for (size_t i = 0; i < s->nverifications; i++) {
        free(s->verifications[i].image);
        free(s->verifications[i].error);
    }
    free(s->verifications);
    s->verifications = NULL;
    s->nverifications = 0;
}

const char *vigil_image_check_name(vigil_image_check_result r)
{
    static const char *names[] = {"verified", "mismatch", "no stored hash", "unreadable"};
    return (unsigned)r < sizeof names / sizeof names[0] ? names[r] : "?";
}

/* The flags are set from a signal handler or another thread: read them atomically. Once
 * abandoned, a thread looks at nothing of the caller's (opts) to know it must end. */
static int stopping(const pipeline *p)
{
    return __atomic_load_n(&p->abandoned, __ATOMIC_RELAXED) || __atomic_load_n(&p->cancel, __ATOMIC_RELAXED) ||
           (p->o->stop && __atomic_load_n(p->o->stop, __ATOMIC_RELAXED));
}

static void unit_free(unit *u)
{
    while (u->head) { /* results not handed on: a resumed file's stored items are a chain */
        vg_result *next = u->head->next;
        vg_result_free(u->head);
        u->head = next;
    }
    vg_image_job_free(u->job);
    free(u->path);
    free(u);
}

/* Everything the pipeline holds, once no thread uses it any more. */
static void pipeline_free(pipeline *p)
{
    while (p->order_head) {
        unit *u = p->order_head;
        p->order_head = u->next_order;
        unit_free(u);
    }
    for (unsigned i = 0; i < p->nws; i++) {
        vg_worker_free(p->ws[i].proc);
        vg_reader_free(p->ws[i].reader);
    }
    free(p->ws);
    free(p->images);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv_work);
    pthread_cond_destroy(&p->cv_space);
    pthread_cond_destroy(&p->cv_sink);
    pthread_cond_destroy(&p->cv_room);
    pthread_cond_destroy(&p->cv_exit);
    free(p);
}

/* A thread (or the sink, running NULL) is done with the pipeline: the last one out frees it. */
static void release(pipeline *p, int *running)
{
    int last;
    pthread_mutex_lock(&p->mu);
    if (running)
        *running = 0;
    if (running && p->abandoned)
        __atomic_fetch_sub(&threads_left, 1, __ATOMIC_RELEASE); /* what it did happens before a 0 is read */
    last = --p->refs == 0;
    pthread_cond_broadcast(&p->cv_exit);
    pthread_mutex_unlock(&p->mu);
    if (last)
        pipeline_free(p);
}

unsigned vg_scan_threads_left(void)
{
    return __atomic_load_n(&threads_left, __ATOMIC_ACQUIRE);
}

/* ---- walker thread ---- */

/* Queue u in walk order (and for a reader unless it is already done). */
static int enqueue(pipeline *p, unit *u)
{
    pthread_mutex_lock(&p->mu);
    while (p->inflight >= p->max_inflight && !stopping(p))
        pthread_cond_wait(&p->cv_space, &p->mu);
    if (stopping(p)) { /* the sink hands on nothing after the stop */
        pthread_mutex_unlock(&p->mu);
        unit_free(u);
        return 1;
    }
    p->inflight++;
    if (p->order_tail)
        p->order_tail->next_order = u;
    else
        p->order_head = u;
    p->order_tail = u;
    if (!u->done) {
        if (p->work_tail)
            p->work_tail->next_work = u;
        else
            p->work_head = u;
        p->work_tail = u;
        pthread_cond_signal(&p->cv_work);
    }
    if (p->order_head == u) /* the sink waits only on the head; others are picked up in turn */
        pthread_cond_signal(&p->cv_sink);
    pthread_mutex_unlock(&p->mu);
    return stopping(p) ? 1 : 0;
}

/*
 * No memory to queue what the walk found: the rest of the walk would be a
 * silent gap, so the scan stops and fails saying so. Returns 1 (stop).
 */
static int walk_failed(pipeline *p, const char *path)
{
    pthread_mutex_lock(&p->mu); /* the sink reads it, even while this thread is left behind */
    if (!p->walk_err.code)
        vigil_error_set(&p->walk_err, VIGIL_ENOMEM, "scan: out of memory while walking%s%s", path ? " at " : "",
                        path ? path : "");
    pthread_mutex_unlock(&p->mu);
    __atomic_store_n(&p->cancel, 1, __ATOMIC_RELAXED);
    return 1;
}

static int on_walk(const vg_walk_entry *we, void *ud)
{
    pipeline *p = ud;
    unit *u = calloc(1, sizeof *u);
    vg_result *special;
    if (!u || !(u->path = malloc(we->path_len + 1))) {
        free(u);
        return walk_failed(p, we->path);
    }
    memcpy(u->path, we->path, we->path_len + 1);
    if (we->st)
        u->st = *we->st;
    u->e = (vg_entry){u->path, we->path_len, we->st ? &u->st : NULL, we->err, we->is_dir, we->follow};
    special = vg_reader_special(&u->e, p->o->read_link_targets);
    if (special) {
        u->head = u->tail = special;
        u->nres = 1;
        u->done = 1;
    } else if (p->o->resume && we->st && !we->err && !we->is_dir && S_ISREG(we->st->st_mode)) {
        /* finished by the scan being resumed: its stored items stand, the file is not read */
        vg_result *stored = vg_resume_lookup(p->o->resume, u->path, we->path_len, we->st);
        if (stored) {
            u->head = stored;
            for (u->tail = stored, u->nres = 1; u->tail->next; u->tail = u->tail->next)
                u->nres++;
            u->done = 1;
        }
    }
    return enqueue(p, u);
}

/* A job or a finished result from a disk image, as one unit. */
static int on_image_job(void *ud, vg_image_job *job, vg_result *ready)
{
    pipeline *p = ud;
    unit *u = calloc(1, sizeof *u);
    if (!u) {
        vg_image_job_free(job);
        vg_result_free(ready);
        return walk_failed(p, NULL);
    }
    u->job = job;
    if (ready) {
        u->head = u->tail = ready;
        u->nres = 1;
        u->done = 1;
    }
    return enqueue(p, u);
}

/* A path named by the user that is a regular file with a disk image's content. */
static int is_image_root(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && vg_image_detect(path);
}

static void *walker_main(void *arg)
{
    pipeline *p = arg;
    for (size_t i = 0; i < p->npaths && !stopping(p); i++) {
        if (is_image_root(p->paths[i]))
            vg_image_enumerate(p->paths[i], p->o, on_image_job, p);
        else
            vg_walk(p->paths[i], on_walk, p, p->o->stop ? p->o->stop : &p->cancel);
    }
    pthread_mutex_lock(&p->mu);
    p->walk_done = 1;
    pthread_cond_broadcast(&p->cv_work);
    pthread_cond_broadcast(&p->cv_sink);
    pthread_mutex_unlock(&p->mu);
    release(p, &p->walker_running);
    return NULL;
}

/* ---- reader threads ---- */

typedef struct emit_ctx {
    pipeline *p;
    unit *u;
} emit_ctx;

static void emit(void *ud, vg_result *r)
{
    emit_ctx *c = ud;
    pipeline *p = c->p;
    pthread_mutex_lock(&p->mu);
    while (c->u != p->order_head && c->u->nres >= MAX_PENDING && !stopping(p)) {
        p->room_waiters++;
        pthread_cond_wait(&p->cv_room, &p->mu);
        p->room_waiters--;
    }
    if (stopping(p)) { /* the sink hands on nothing after the stop */
        pthread_mutex_unlock(&p->mu);
        vg_result_free(r);
        return;
    }
    if (!r) {
        c->u->lost++;
    } else {
        if (c->u->tail)
            c->u->tail->next = r;
        else
            c->u->head = r;
        c->u->tail = r;
        c->u->nres++;
    }
    if (c->u == p->order_head)
        pthread_cond_signal(&p->cv_sink);
    pthread_mutex_unlock(&p->mu);
}

static void count_read(pipeline *p, int where)
{
    if (where == VG_READ_WORKER)
        __atomic_fetch_add(&p->worker_files, 1, __ATOMIC_RELAXED);
    else if (where == VG_READ_HERE)
        __atomic_fetch_add(&p->own_files, 1, __ATOMIC_RELAXED);
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    pipeline *p = w->p;
    for (;;) {
        unit *u;
        emit_ctx c = {p, NULL};
        pthread_mutex_lock(&p->mu);
        while (!p->work_head && !p->walk_done && !stopping(p))
            pthread_cond_wait(&p->cv_work, &p->mu);
        u = stopping(p) ? NULL : p->work_head; /* units left after the stop are freed with the pipeline */
        if (u) {
            p->work_head = u->next_work;
            if (!p->work_head)
                p->work_tail = NULL;
        }
        pthread_mutex_unlock(&p->mu);
        if (!u)
            break;
        c.u = u;
        if (u->job && w->proc)
            vg_worker_image(w->proc, w->reader, u->job, emit, &c, &p->cancel);
        else if (u->job)
            vg_reader_image(w->reader, u->job, emit, &c);
        else if (w->proc)
            count_read(p, vg_worker_file(w->proc, w->reader, &u->e, emit, &c, &p->cancel));
        else
            vg_reader_file(w->reader, &u->e, emit, &c);
        pthread_mutex_lock(&p->mu);
        u->done = 1;
        if (u == p->order_head)
            pthread_cond_signal(&p->cv_sink);
        pthread_mutex_unlock(&p->mu);
    }
    release(p, &w->running);
    return NULL;
}

/* ---- sink (calling thread) ---- */

/* Figures that are not items: add them up (verifications are kept in order). */
static void add_record(vigil_scan_stats *stats, vg_result_record *rec)
{
    stats->images += rec->images;
    stats->unallocated_bytes += rec->unallocated_bytes;
    stats->carve_candidates += rec->carve_candidates;
    stats->carve_rejected += rec->carve_rejected;
    if (rec->verification) {
        vigil_image_verification *v = realloc(stats->verifications,
                                              (stats->nverifications + 1) * sizeof *v);
        if (!v)
            return;
        stats->verifications = v;
        v[stats->nverifications++] = *rec->verification;
        free(rec->verification); /* its strings now belong to stats */
        rec->verification = NULL;
    }
}

static void deliver_item(pipeline *p, const vigil_item *it, vigil_scan_stats *stats)
{
    stats->items++;
    stats->by_verdict[it->verdict]++;
    if (it->verdict == VIGIL_VERDICT_ERROR && (unsigned)it->error_kind < VIGIL_ERROR__COUNT)
        stats->by_error_kind[it->error_kind]++;
    if (it->has_digests)
        stats->bytes += it->size;
    if (it->in_image && it->type != VIGIL_ITEM_IMAGE && it->type != VIGIL_ITEM_FILESYSTEM &&
        it->ncontainers == 2) { /* files of the image itself, not members of archives inside it */
        if (it->carved)
            stats->carved++;
        else if (it->allocated)
            stats->allocated++;
        else
            stats->deleted++;
    }
    if (!p->cancel && p->o->on_item && p->o->on_item(it, p->o->ud) != 0)
        __atomic_store_n(&p->cancel, 1, __ATOMIC_RELAXED);
}

static void deliver(pipeline *p, vg_result *r, vigil_scan_stats *stats)
{
    if (r->record)
        add_record(stats, r->record);
    else
        deliver_item(p, &r->item, stats);
}

/*
 * An item of unit u that a reader found but could not record (out of memory):
 * an error item in its place, never a gap. It is built here, without
 * allocating, and named by the unit's path (a file on disk, or inside an image).
 */
static void deliver_lost(pipeline *p, const unit *u, vigil_scan_stats *stats)
{
    vigil_item it;
    const char *chain[2];
    memset(&it, 0, sizeof it);
    it.path = u->path ? u->path : u->job && u->job->path ? u->job->path : "";
    it.path_len = u->path ? u->e.path_len : u->job && u->job->path ? u->job->path_len : 0;
    if (u->job && u->job->image) {
        chain[0] = u->job->image;
        chain[1] = u->job->label ? u->job->label : "";
        it.containers = chain;
        it.ncontainers = u->job->label && u->job->label[0] ? 2 : 1;
    }
    it.type = VIGIL_ITEM_OTHER;
    it.verdict = VIGIL_VERDICT_ERROR;
    it.error = "out of memory: an item here could not be recorded";
    deliver_item(p, &it, stats);
}

/* Deadline for a wait on a condition made with CLOCK_MONOTONIC. */
static struct timespec after_ns(long long ns)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ns += ts.tv_nsec;
    ts.tv_sec += (time_t)(ns / 1000000000);
    ts.tv_nsec = (long)(ns % 1000000000);
    return ts;
}

/* Wake every thread waiting in the pipeline so that it sees the stop (called with mu held). */
static void wake_all(pipeline *p)
{
    pthread_cond_broadcast(&p->cv_work);
    pthread_cond_broadcast(&p->cv_space);
    pthread_cond_broadcast(&p->cv_room);
}

static void sink(pipeline *p, vigil_scan_stats *stats)
{
    pthread_mutex_lock(&p->mu);
    for (;;) {
        unit *u = p->order_head;
        if (stopping(p)) { /* nothing after the stop: only the last unit written may be cut short */
            if (u || !p->walk_done)
                stats->interrupted = 1;
            wake_all(p);
            break;
        }
        if (!u) {
            if (p->walk_done)
                break;
        } else if (u->head) {
            vg_result *r = u->head;
            u->head = r->next;
            if (!u->head)
                u->tail = NULL;
            u->nres--;
            pthread_mutex_unlock(&p->mu);
            if (stopping(p))
                stats->interrupted = 1;
            else
                deliver(p, r, stats);
            vg_result_free(r);
            pthread_mutex_lock(&p->mu);
            continue;
        } else if (u->done && u->lost) {
            u->lost--;
            pthread_mutex_unlock(&p->mu);
            if (stopping(p))
                stats->interrupted = 1;
            else
                deliver_lost(p, u, stats);
            pthread_mutex_lock(&p->mu);
            continue;
        } else if (u->done) {
            p->order_head = u->next_order;
            if (!p->order_head)
                p->order_tail = NULL;
            p->inflight--;
            if (p->inflight <= p->max_inflight / 2) /* wake the walker for a batch, not for every unit */
                pthread_cond_signal(&p->cv_space);
            if (p->room_waiters) /* a new head may be waiting to emit */
                pthread_cond_broadcast(&p->cv_room);
            unit_free(u);
            continue;
        }
        struct timespec poll = after_ns(SINK_POLL_NS);
        pthread_cond_timedwait(&p->cv_sink, &p->mu, &poll);
    }
    pthread_mutex_unlock(&p->mu);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int threads_running(const pipeline *p)
{
    int n = p->walker_running;
    for (unsigned i = 0; i < p->nws; i++)
        n += p->ws[i].running;
    return n;
}

/*
 * End the threads: joined when the scan ran to its end; after a stop, those
 * that do not end within STOP_GRACE_S (stuck in a parser) are detached and
 * left the pipeline. How many were left.
 */
static unsigned end_threads(pipeline *p, int started_walker)
{
    unsigned left = 0;
    pthread_mutex_lock(&p->mu);
    if (stopping(p)) {
        struct timespec deadline = after_ns((long long)(STOP_GRACE_S * 1e9));
        wake_all(p);
        while (threads_running(p) && pthread_cond_timedwait(&p->cv_exit, &p->mu, &deadline) == 0)
            ;
        left = (unsigned)threads_running(p);
        if (left) {
            __atomic_store_n(&p->abandoned, 1, __ATOMIC_RELAXED);
            __atomic_fetch_add(&threads_left, left, __ATOMIC_RELAXED);
            p->walker_left_behind = p->walker_running;
            for (unsigned i = 0; i < p->nws; i++)
                p->ws[i].left_behind = p->ws[i].running;
        }
    }
    pthread_mutex_unlock(&p->mu);
    /* The sink's own reference keeps p and p->ws alive here. A thread no longer running has let
     * go of everything: joining it waits only for its return. */
    if (started_walker) {
        if (p->walker_left_behind)
            pthread_detach(p->walker);
        else
            pthread_join(p->walker, NULL);
    }
    for (unsigned i = 0; i < p->nws; i++) {
        if (!p->ws[i].tid_valid)
            continue;
        if (p->ws[i].left_behind)
            pthread_detach(p->ws[i].tid);
        else
            pthread_join(p->ws[i].tid, NULL);
    }
    return left;
}

static int cond_init_monotonic(pthread_cond_t *cv)
{
    pthread_condattr_t a;
    int rc = pthread_condattr_init(&a);
    if (rc == 0) {
        pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
        rc = pthread_cond_init(cv, &a);
        pthread_condattr_destroy(&a);
    }
    return rc;
}

static pipeline *pipeline_new(const char *const *paths, size_t npaths, const vigil_scan_opts *o, unsigned jobs)
{
    pipeline *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    if (!(p->ws = calloc(jobs, sizeof *p->ws))) {
        free(p);
        return NULL;
    }
    p->nws = jobs;
    p->o = o;
    p->paths = paths;
    p->npaths = npaths;
    p->max_inflight = (size_t)jobs * MAX_INFLIGHT_PER_JOB;
    p->refs = 1; /* the sink's */
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv_work, NULL);
    pthread_cond_init(&p->cv_space, NULL);
    cond_init_monotonic(&p->cv_sink);
    pthread_cond_init(&p->cv_room, NULL);
    cond_init_monotonic(&p->cv_exit);
    return p;
}

/* Start a thread that holds a reference to the pipeline until it ends (release). */
static int start_thread(pipeline *p, pthread_t *tid, int *running, void *(*fn)(void *), void *arg)
{
    pthread_mutex_lock(&p->mu);
    p->refs++;
    *running = 1;
    pthread_mutex_unlock(&p->mu);
    if (pthread_create(tid, NULL, fn, arg) == 0)
        return 0;
    pthread_mutex_lock(&p->mu);
    p->refs--;
    *running = 0;
    pthread_mutex_unlock(&p->mu);
    return -1;
}

int vigil_scan_run(vigil_scan_stats *stats, const char *const *paths, size_t npaths, const vigil_scan_opts *o,
                   vigil_error *err)
{
    pipeline *p;
    unsigned jobs = o->jobs ? o->jobs : 1;
    int started_walker = 0;
    size_t nimages = 0;
    double t0 = now_seconds();
    int rc = 0;
    memset(stats, 0, sizeof *stats);
    if (!(p = pipeline_new(paths, npaths, o, jobs)))
        return vigil_error_set(err, VIGIL_ENOMEM, "scan: out of memory");
    /* the workers first, while this is the only thread: each is a fork of the scan as set up,
       with the disk images named as paths opened before its sandbox closes */
    if (o->isolate) {
        if (!(p->images = calloc(npaths ? npaths : 1, sizeof *p->images)))
            rc = vigil_error_set(err, VIGIL_ENOMEM, "scan: out of memory");
        for (size_t i = 0; rc == 0 && i < npaths; i++)
            if (is_image_root(paths[i]))
                p->images[nimages++] = paths[i];
    }
    for (unsigned i = 0; i < jobs && rc == 0 && o->isolate; i++)
        rc = vg_worker_new(&p->ws[i].proc, o, p->images, nimages, err);
    for (unsigned i = 0; i < jobs && rc == 0; i++) {
        worker *w = &p->ws[i];
        w->p = p;
        rc = vg_reader_new(&w->reader, o, err);
        if (rc == 0 && start_thread(p, &w->tid, &w->running, worker_main, w) != 0)
            rc = vigil_error_set(err, VIGIL_EINTERNAL, "scan: cannot start reader thread");
        if (rc == 0)
            w->tid_valid = 1;
    }
    if (rc == 0 && start_thread(p, &p->walker, &p->walker_running, walker_main, p) != 0)
        rc = vigil_error_set(err, VIGIL_EINTERNAL, "scan: cannot start walker thread");
    else if (rc == 0)
        started_walker = 1;
    if (rc == 0) {
        sink(p, stats);
    } else {
        pthread_mutex_lock(&p->mu);
        p->walk_done = 1;
        pthread_cond_broadcast(&p->cv_work);
        pthread_mutex_unlock(&p->mu);
    }
    stats->threads_left = end_threads(p, started_walker);
    pthread_mutex_lock(&p->mu);
    if (p->walk_err.code)
        rc = vigil_error_set(err, p->walk_err.code, "%s", p->walk_err.msg);
    pthread_mutex_unlock(&p->mu);
    if (o->stop && __atomic_load_n(o->stop, __ATOMIC_RELAXED))
        stats->interrupted = 1;
    stats->isolated = o->isolate != 0;
    stats->worker_files = __atomic_load_n(&p->worker_files, __ATOMIC_RELAXED);
    stats->own_files = __atomic_load_n(&p->own_files, __ATOMIC_RELAXED);
    stats->seconds = now_seconds() - t0;
    release(p, NULL);
    return rc;
}

/* ---- pre-count for progress ---- */

typedef struct count_ctx {
    uint64_t files, bytes;
} count_ctx;

static int on_count(const vg_walk_entry *e, void *ud)
{
    count_ctx *c = ud;
    c->files++;
    if (e->st && S_ISREG(e->st->st_mode))
        c->bytes += (uint64_t)e->st->st_size;
    return 0;
}

void vigil_scan_precount(uint64_t *files, uint64_t *bytes, const char *const *paths, size_t npaths,
                         volatile sig_atomic_t *stop)
{
    count_ctx c = {0, 0};
    for (size_t i = 0; i < npaths && !(stop && *stop); i++)
        vg_walk(paths[i], on_count, &c, stop);
    *files = c.files;
    *bytes = c.bytes;
}

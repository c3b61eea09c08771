/* The worker process's set-up and loop (worker_child.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/heartbeat.h"
#include "scan/image_job.h"
#include "scan/job_wire.h"
#include "scan/reader.h"
#include "scan/result_wire.h"
#include "scan/worker_child.h"
#include "scan/worker_proto.h"
#include "source/archive.h"

extern int vg_worker_sock;

#define MAX_ENTRY_PATH ((size_t)1 << 20)

typedef struct child {
    int sock;
    vg_buf msg;
} child;

static void send_or_die(int sock, uint32_t type, const void *p, size_t n)
{
    if (vg_msg_send(sock, type, p, n, -1) < 0)
        _exit(0); /* the proxy is gone: nobody waits for the rest */
}

static void child_emit(void *ud, vg_result *r)
{
    child *c = ud;
    vg_worker_progress();
    if (!r) {
        send_or_die(c->sock, VG_MSG_LOST, NULL, 0);
        return;
    }
    vg_buf_reset(&c->msg);
    vg_result_wire_put(&c->msg, r);
    vg_result_free(r);
    if (vg_buf_failed(&c->msg))
        send_or_die(c->sock, VG_MSG_LOST, NULL, 0);
    else
        send_or_die(c->sock, VG_MSG_RESULT, c->msg.ptr, c->msg.len);
}

/* The address space now mapped, in bytes (the hash sets mapped by the scan included). */
static uint64_t address_space(void)
{
    unsigned long pages = 0;
    FILE *f = fopen("/proc/self/statm", "re");
    if (f) {
        if (fscanf(f, "%lu", &pages) != 1)
            pages = 0;
        fclose(f);
    }
    return (uint64_t)pages * (uint64_t)sysconf(_SC_PAGESIZE);
}

static int cap_memory(uint64_t cap)
{
    struct rlimit rl;
    uint64_t now = address_space();
    if (!cap)
        return 0;
    if (!now)
        return -1;
    rl.rlim_cur = rl.rlim_max = (rlim_t)(now + cap);
    return setrlimit(RLIMIT_AS, &rl);
}

/*
 * A parser that meets the memory cap may crash rather than say so (a NULL it did not check): a
 * fatal signal while less than an eighth of the cap (at least 16 MiB) is left reads as over memory.
 * The probe maps nothing usable and is let go at once; the default action follows (SA_RESETHAND:
 * the faulting instruction runs again, abort raises again). Under AddressSanitizer its own handler
 * stays.
 */
#ifndef __SANITIZE_ADDRESS__
static size_t oom_probe;

static void on_fatal(int sig)
{
    void *p = mmap(NULL, oom_probe, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    (void)sig;
    if (p == MAP_FAILED)
        vg_worker_note_oom();
    else
        munmap(p, oom_probe);
}
#endif

static void watch_fatal(uint64_t cap)
{
#ifndef __SANITIZE_ADDRESS__
    static char alt[64 * 1024]; /* a stack overflow still gets its handler */
    static const int sigs[] = {SIGSEGV, SIGBUS, SIGABRT, SIGILL, SIGFPE};
    stack_t ss = {.ss_sp = alt, .ss_size = sizeof alt};
    struct sigaction sa;
    if (!cap)
        return;
    oom_probe = cap / 8 > ((uint64_t)16 << 20) ? (size_t)(cap / 8) : (size_t)16 << 20;
    sigaltstack(&ss, NULL);
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_fatal;
    sa.sa_flags = SA_ONSTACK | SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaction(sigs[i], &sa, NULL);
#else
    (void)cap;
#endif
}

/*
 * Keep only what a parser may need of what the fork inherited: descriptors open for reading
 * (mapped hash sets read with pread) and stderr. Outputs, the registry, sockets other than
 * its own and stdin/stdout go, so a subverted parser has nothing to write to.
 */
static void drop_fds(int keep)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *de;
    int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (devnull >= 0) {
        dup2(devnull, 0);
        dup2(devnull, 1);
        close(devnull);
    }
    if (!d)
        return;
    while ((de = readdir(d)) != NULL) {
        struct stat st;
        int fd = atoi(de->d_name), fl;
        if (de->d_name[0] < '0' || de->d_name[0] > '9' || fd <= 2 || fd == keep || fd == dirfd(d))
            continue;
        fl = fcntl(fd, F_GETFL);
        if (fl < 0 || (fl & O_ACCMODE) != O_RDONLY || (fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode)))
            close(fd);
    }
    closedir(d);
}

/* A file on disk: its walked entry (payload) and its descriptor. */
static void serve_file(child *c, vg_reader *r, const vg_msg_hdr *h, int fd)
{
    vg_msg_entry me;
    vg_entry e;
    char *path;
    if (h->len < sizeof me || h->len - sizeof me > MAX_ENTRY_PATH || vg_msg_read(c->sock, &me, sizeof me) < 0 ||
        me.path_len != h->len - sizeof me)
        _exit(VG_WORKER_EXIT_PROTOCOL);
    if (!(path = malloc(me.path_len + 1)) || vg_msg_read(c->sock, path, me.path_len) < 0)
        _exit(VG_WORKER_EXIT_PROTOCOL);
    path[me.path_len] = '\0';
    e = (vg_entry){path, me.path_len, me.has_st ? &me.st : NULL, me.err, me.is_dir, me.follow};
    vg_worker_self->in_image = 0;
    vg_worker_layer("reader");
    vg_worker_note(NULL, 0, path, 0);
    vg_reader_file_fd(r, &e, fd, fd < 0 ? EBADF : 0, child_emit, c);
    free(path);
}

/* A disk-image job, read through the images opened before the sandbox. */
static void serve_job(child *c, vg_reader *r, const vg_msg_hdr *h, int fd)
{
    char *body;
    vg_image_job *j;
    const char *chain[2];
    if (fd >= 0)
        close(fd);
    if (h->len > ((size_t)1 << 24) || !(body = malloc(h->len ? h->len : 1)) || vg_msg_read(c->sock, body, h->len) < 0)
        _exit(VG_WORKER_EXIT_PROTOCOL);
    if (!(j = vg_job_wire_get(body, h->len)))
        _exit(VG_WORKER_EXIT_PROTOCOL);
    free(body);
    chain[0] = j->image;
    chain[1] = j->label ? j->label : "";
    vg_worker_self->in_image = 1;
    vg_worker_layer("disk image");
    if (j->path)
        vg_worker_note(chain, 2, j->path, 0);
    else
        vg_worker_note(chain, 1, chain[1], 1);
    vg_reader_image(r, j, child_emit, c);
    vg_image_job_free(j);
}

/*
 * Heaps are never trimmed on free here (M_TRIM_THRESHOLD, vg_worker_child_main), so the pages a
 * large item left free (an archive's buffers, a decoder's small allocations) would stay with the
 * worker for the rest of the scan. Once free memory passes TRIM_FREE_BYTES it goes back to the
 * system between items: malloc_trim releases free pages with madvise and shrinks only the main
 * heap (sbrk), so it never asks /proc what a thread's heap may do.
 */
#define TRIM_FREE_BYTES ((size_t)1 << 20)

static void give_back_free_memory(void)
{
    struct mallinfo2 mi = mallinfo2();
    if (mi.fordblks > TRIM_FREE_BYTES)
        malloc_trim(0);
}

static void serve(child *c, vg_reader *r)
{
    for (;;) {
        vg_msg_hdr h;
        int fd, rc = vg_msg_recv_hdr(c->sock, &h, &fd);
        if (rc <= 0)
            _exit(0);
        vg_worker_self->oom = 0;
        if (h.type == VG_MSG_FILE)
            serve_file(c, r, &h, fd);
        else if (h.type == VG_MSG_JOB)
            serve_job(c, r, &h, fd);
        else
            _exit(VG_WORKER_EXIT_PROTOCOL);
        send_or_die(c->sock, VG_MSG_DONE, NULL, 0);
        give_back_free_memory();
    }
}

void vg_worker_child_main(int sock, vg_worker_page *pg, const vigil_scan_opts *o, uint64_t memory_cap,
                          const char *const *images, size_t nimages)
{
    child c = {sock, {0}};
    vg_reader *r;
    vigil_error err;
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    signal(SIGINT, SIG_IGN); /* the scan stops its workers itself; a terminal's ^C is for the scan */
    signal(SIGTERM, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    vg_worker_self = pg;
    vg_heartbeat_counter = &pg->progress;
    drop_fds(sock);
    vg_worker_sock = sock;
    vg_buf_init(&c.msg, (size_t)1 << 30);
    memset(&err, 0, sizeof err);
    if (vg_reader_new(&r, o, &err) < 0)
        _exit(VG_WORKER_EXIT_READER);
    vg_archive_prepare();
    for (size_t i = 0; i < nimages; i++) /* image files (and their segments) are opened by name */
        if (vg_reader_image_preopen(r, images[i]) < 0)
            _exit(VG_WORKER_EXIT_READER);
    vg_reader_forbid_open(r);
    /* glibc reads /proc/sys/vm/overcommit_memory the first time it shrinks a thread's heap (a worker
       forked by a reader thread, a decoder's threads); heaps that are never trimmed never ask */
    mallopt(M_TRIM_THRESHOLD, INT_MAX);
    if (cap_memory(memory_cap) < 0)
        _exit(VG_WORKER_EXIT_LIMIT);
    watch_fatal(memory_cap);
    if (vg_worker_seccomp() < 0)
        _exit(VG_WORKER_EXIT_SECCOMP);
    send_or_die(sock, VG_MSG_DONE, NULL, 0); /* ready */
    serve(&c, r);
    _exit(0);
}

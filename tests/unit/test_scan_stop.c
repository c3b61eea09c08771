/* scan: a stop ends the scan even while a reader is stuck inside a parser; the thread left
 * behind ends safely later. A reader is made to hang with the before-open seam (scan/testing.h). */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "scan/testing.h"
#include "testutil.h"
#include "vigil/scan.h"

typedef struct stuck {
    volatile sig_atomic_t stop;
    unsigned delivered;          /* items handed on so far (sink thread; read by the stuck reader) */
    vigil_verdict verdicts[256];
    char paths[256][64];
    unsigned wait_for;           /* the stuck reader stops the scan once this many items were handed on */
    sem_t entered, release;
} stuck;

static int collect(const vigil_item *it, void *ud)
{
    stuck *s = ud;
    unsigned n = __atomic_load_n(&s->delivered, __ATOMIC_RELAXED);
    if (n < 256) {
        s->verdicts[n] = it->verdict;
        snprintf(s->paths[n], sizeof s->paths[n], "%s", strrchr(it->path, '/') ? strrchr(it->path, '/') + 1 : it->path);
    }
    __atomic_store_n(&s->delivered, n + 1, __ATOMIC_RELEASE);
    return 0;
}

static void nap(void)
{
    struct timespec ts = {0, 1000000};
    nanosleep(&ts, NULL);
}

/* A parser that never comes back, as on hostile data: the file named "stuck" hangs its reader
 * after the items before it were handed on and the scan was stopped, until the test lets it go. */
static void hang_on_stuck(const char *path, void *ud)
{
    stuck *s = ud;
    const char *base = strrchr(path, '/');
    if (!base || strcmp(base + 1, "stuck") != 0)
        return;
    while (__atomic_load_n(&s->delivered, __ATOMIC_ACQUIRE) < s->wait_for)
        nap();
    __atomic_store_n(&s->stop, 1, __ATOMIC_RELAXED);
    sem_post(&s->entered);
    while (sem_wait(&s->release) != 0)
        ;
}

static char *make_tree(void)
{
    char *d = tu_mkdtemp();
    tu_write(d, "a.txt", "a", 1);
    tu_write(d, "b.txt", "b", 1);
    tu_write(d, "stuck", "stuck", 5);
    for (int i = 0; i < 200; i++) { /* after it in walk order: never reached */
        char name[32];
        snprintf(name, sizeof name, "x%03d", i);
        tu_write(d, name, name, 4);
    }
    return d;
}

static void run(stuck *s, const char *root, unsigned jobs, vigil_scan_stats *st)
{
    vigil_scan_opts o;
    const char *paths[1] = {root};
    vigil_scan_opts_init(&o);
    o.jobs = jobs;
    o.on_item = collect;
    o.ud = s;
    o.stop = &s->stop;
    vg_scan_set_before_open(hang_on_stuck);
    assert_int_equal(vigil_scan_run(st, paths, 1, &o, NULL), 0);
    /* the reader left behind still holds o and may look at the hook: let it go, wait until it has
     * ended, and only then take the hook away */
    sem_post(&s->release);
    while (vg_scan_threads_left() != 0)
        nap();
    vg_scan_set_before_open(NULL);
}

static void stop_with_a_stuck_reader(unsigned jobs)
{
    char *d = make_tree();
    stuck *s = calloc(1, sizeof *s);
    vigil_scan_stats st;
    assert_non_null(s);
    sem_init(&s->entered, 0, 0);
    sem_init(&s->release, 0, 0);
    s->wait_for = 2;
    run(s, d, jobs, &st);
    assert_int_equal(sem_trywait(&s->entered), 0); /* the reader did hang */
    assert_true(st.interrupted);
    assert_int_equal(st.threads_left, 1);
    /* what was handed on before the stop is there, whole, in walk order; nothing after it */
    assert_int_equal(st.items, 2);
    assert_int_equal(s->delivered, 2);
    assert_string_equal(s->paths[0], "a.txt");
    assert_string_equal(s->paths[1], "b.txt");
    assert_int_equal(s->verdicts[0], VIGIL_VERDICT_UNKNOWN);
    assert_int_equal(s->verdicts[1], VIGIL_VERDICT_UNKNOWN);
    sem_destroy(&s->entered);
    sem_destroy(&s->release);
    free(s);
    tu_rm_rf(d);
    free(d);
}

static void scan_stop__returns_with_the_only_reader_stuck(void **state)
{
    (void)state;
    stop_with_a_stuck_reader(1);
}

static void scan_stop__returns_with_one_of_several_readers_stuck(void **state)
{
    (void)state;
    stop_with_a_stuck_reader(4);
}

static int stop_at_third(const vigil_item *it, void *ud)
{
    stuck *s = ud;
    (void)it;
    if (++s->delivered == 3)
        __atomic_store_n(&s->stop, 1, __ATOMIC_RELAXED);
    return 0;
}

static void scan_stop__a_stop_with_no_reader_stuck_leaves_no_thread_behind(void **state)
{
    char *d = make_tree();
    stuck *s = calloc(1, sizeof *s);
    vigil_scan_opts o;
    vigil_scan_stats st;
    const char *paths[1] = {d};
    (void)state;
    assert_non_null(s);
    vigil_scan_opts_init(&o);
    o.jobs = 2;
    o.on_item = stop_at_third;
    o.ud = s;
    o.stop = &s->stop;
    assert_int_equal(vigil_scan_run(&st, paths, 1, &o, NULL), 0);
    assert_true(st.interrupted);
    assert_int_equal(st.items, 3);
    assert_int_equal(st.threads_left, 0);
    assert_int_equal(vg_scan_threads_left(), 0);
    free(s);
    tu_rm_rf(d);
    free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(scan_stop__returns_with_the_only_reader_stuck),
        cmocka_unit_test(scan_stop__returns_with_one_of_several_readers_stuck),
        cmocka_unit_test(scan_stop__a_stop_with_no_reader_stuck_leaves_no_thread_behind),
    };
    return tu_run_tests("scan_stop", tests, NULL, NULL);
}

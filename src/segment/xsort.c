/*
 * External sort: a counting sort on the 16-bit bucket, then each bucket
 * (digests are uniform, so buckets are small) ordered on the records' 64-bit
 * keys, cmp breaking ties; sorted runs spilled to files, and a k-way heap
 * merge on the keys when reading back. The last run stays in memory and is
 * never written. When the spec packs, the batches hold packed records too
 * (an MD5-only import entry takes about 35 of its 160 bytes), bucketed as
 * they arrive and sorted a bucket at a time as they are read
 * (xsort_packed.c), so that a list several times larger fits in memory
 * before anything spills.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "core/huge_alloc.h"
#include "segment/xsort.h"
#include "segment/xsort_packed.h"

#define NBUCKETS 65536
#define RUN_BUF (512u << 10)   /* the spill's write buffer, and a run's read buffer at most */
#define RUN_BUF_MIN (64u << 10)
#define SMALL_BUCKET 24 /* insertion sort up to this many records */
#define PREFETCH 8      /* records ahead */

/* A record's place in its batch and its sort key. */
typedef struct keyed {
    uint64_t key;
    uint32_t i;
} keyed;

typedef struct run {
    int fd;             /* -1: the in-memory run */
    uint8_t *buf;
    size_t pos, len;    /* bytes in buf */
    uint64_t left;      /* records not yet returned */
    const uint8_t *cur;
    size_t cap;         /* of buf */
    uint64_t key;       /* of cur */
    uint8_t *rec;       /* packed runs: cur unpacked */
    const struct batch *mem; /* an in-memory run: the batch, and the place in its order */
    size_t mem_i;
    vg_pcursor pc;      /* an in-memory run of packed records: reads the batch in order */
} run;

/* A run in the merge heap, with its current record's key at hand. */
typedef struct heap_node {
    uint64_t key;
    size_t run;
} heap_node;

/*
 * Records collected, then sorted: ord lists them in order. Packed records
 * are in pb instead, and need neither sort nor ord (a cursor sorts them).
 */
typedef struct batch {
    uint8_t *recs;
    keyed *ord;
    vg_pbatch pb;
    size_t n;
    int sorted;         /* ord is up to date */
    /*
     * Fixed records that arrived in order (the keys of a segment's strongest
     * digest do) need no sort and no ord: identity says ord is not used.
     */
    int out_of_order, identity;
    uint64_t last_key;
} batch;

/* A full batch being sorted (and written, unless held) by the spill thread while the next one fills. */
typedef struct spill_job {
    struct vg_xsort *x;
    batch *b;
    unsigned run;
    int write;
    int rc;
    vigil_error err;
} spill_job;

struct vg_xsort {
    vg_xsort_spec s;
    char *dir, *name;
    batch bufs[2];
    batch *fill;        /* the batch records are added to */
    batch *held;        /* the first full batch, sorted but not written: all may fit in memory */
    size_t cap;         /* records per batch (fixed records) */
    int packed;         /* the batches hold packed records (the spec packs) */
    size_t bytes;       /* packed: a batch's bound */
    uint8_t *stage;     /* packed: the record vg_xsort_slot hands out, packed by vg_xsort_push */
    uint64_t total;
    unsigned nruns;
    uint64_t *run_n;    /* records in each run file */
    pthread_t thread;
    spill_job job;
    int spilling;       /* a spill thread runs */
    run *runs;          /* during the merge: nruns files + maybe the memory run */
    size_t nmerge;
    heap_node *heap;    /* the runs by their current record: the first is the next one out */
    size_t nheap;
    uint8_t *scratch;   /* the record last returned by vg_xsort_next */
    int failed;         /* 0, or the vigil_code that stopped the sort */
    int merging;
};

/* A batch's record memory (only what is filled is ever touched); -1 out of memory. */
static int batch_new(const vg_xsort *x, batch *b)
{
    if (x->packed)
        return vg_pbatch_init(&b->pb, x->bytes);
    return (b->recs = vg_huge_alloc(x->cap * x->s.rec_size)) ? 0 : -1;
}

static int batch_allocated(const batch *b)
{
    return b->recs || b->pb.mem;
}

static void batch_dispose(batch *b)
{
    free(b->recs);
    free(b->ord);
    vg_pbatch_dispose(&b->pb);
    memset(b, 0, sizeof *b);
}

static void batch_reset(const vg_xsort *x, batch *b)
{
    b->n = 0;
    b->sorted = b->out_of_order = b->identity = 0;
    if (x->packed)
        vg_pbatch_reset(&b->pb);
}

/* The fixed record at place i of a sorted batch's order. */
static const uint8_t *batch_at(const vg_xsort *x, const batch *b, size_t i)
{
    return x->s.rec_size * (b->identity ? i : b->ord[i].i) + b->recs;
}

/* How a cursor orders packed records with equal keys. */
static vg_pb_order pb_order(const vg_xsort *x)
{
    return (vg_pb_order){x->s.rec_size, x->s.cmp, x->s.unpack};
}

static char *run_path(const vg_xsort *x, unsigned i)
{
    size_t n = strlen(x->dir) + strlen(x->name) + 32;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s.%u.run", x->dir, x->name, i);
    return p;
}

static int io_error(vigil_error *err, const char *path, const char *what)
{
    int e = errno;
    return vigil_error_set(err, VIGIL_ESTORE, "%s: %s: %s", path, what,
                           e == ENOSPC || e == EFBIG || e == EDQUOT ? "disk full (no space left for the import)"
                                                                     : strerror(e));
}

/*
 * The memory bound holds two batches: while the spill thread sorts and writes
 * one, the reader fills the other (two cores: parsing and sorting overlap).
 */
int vg_xsort_new(vg_xsort **out, const vg_xsort_spec *spec, vigil_error *err)
{
    vg_xsort *x = calloc(1, sizeof *x);
    *out = NULL;
    if (!x)
        return vigil_error_set(err, VIGIL_ENOMEM, "sort: out of memory");
    x->s = *spec;
    x->packed = spec->pack && spec->unpack;
    if (x->packed) {
        x->bytes = spec->memory / 2;
        x->stage = malloc(spec->rec_size);
    } else {
        x->cap = spec->memory / 2 / (spec->rec_size + sizeof(keyed));
        if (x->cap < 64)
            x->cap = 64;
    }
    x->dir = strdup(spec->dir);
    x->name = strdup(spec->name);
    x->fill = &x->bufs[0];
    if (!x->dir || !x->name || batch_new(x, &x->bufs[0]) < 0 || (x->packed && !x->stage)) {
        vg_xsort_free(x);
        return vigil_error_set(err, VIGIL_ENOMEM, "sort: out of memory (%zu bytes)", spec->memory);
    }
    *out = x;
    return 0;
}

static uint64_t rec_key(const vg_xsort *x, const void *rec)
{
    return x->s.key ? x->s.key(rec) : (uint64_t)x->s.bucket(rec) << 48;
}

typedef struct cmp_ctx {
    const vg_xsort *x;
    const uint8_t *recs;
} cmp_ctx;

static int keyed_cmp(const keyed *a, const keyed *b, const cmp_ctx *c)
{
    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    return c->x->s.cmp(c->recs + (size_t)a->i * c->x->s.rec_size, c->recs + (size_t)b->i * c->x->s.rec_size);
}

static int keyed_cmp_r(const void *a, const void *b, void *ud)
{
    return keyed_cmp(a, b, ud);
}

/*
 * Order a batch of fixed records: b->ord lists its records sorted, unless
 * they came in order. A packed batch is ordered as it is read.
 */
static int sort_batch(const vg_xsort *x, batch *b, vigil_error *err)
{
    uint32_t *count;
    cmp_ctx c = {x, b->recs};
    size_t rs = x->s.rec_size;
    if (x->packed || (b->identity = !b->out_of_order))
        return 0;
    count = calloc(NBUCKETS + 1, sizeof *count);
    if (!b->ord)
        b->ord = vg_huge_alloc(x->cap * sizeof *b->ord);
    if (!count || !b->ord) {
        free(count);
        return vigil_error_set(err, VIGIL_ENOMEM, "sort: out of memory");
    }
    for (size_t i = 0; i < b->n; i++)
        count[x->s.bucket(b->recs + i * rs) + 1]++;
    for (size_t k = 0; k < NBUCKETS; k++)
        count[k + 1] += count[k];
    for (size_t i = 0; i < b->n; i++) {
        const uint8_t *r = b->recs + i * rs;
        b->ord[count[x->s.bucket(r)]++] = (keyed){rec_key(x, r), (uint32_t)i};
    }
    /* count[k] is now the end of bucket k */
    for (size_t k = 0, start = 0; k < NBUCKETS; k++) {
        size_t end = count[k];
        keyed *o = b->ord + start;
        if (end - start > SMALL_BUCKET) {
            qsort_r(o, end - start, sizeof *o, keyed_cmp_r, &c);
        } else {
            for (size_t i = 1; i < end - start; i++) {
                keyed v = o[i];
                size_t j = i;
                for (; j > 0 && keyed_cmp(&v, &o[j - 1], &c) < 0; j--)
                    o[j] = o[j - 1];
                o[j] = v;
            }
        }
        start = end;
    }
    free(count);
    return 0;
}

/* A record's bytes: the sizes of the segment's key records copied without a call. */
static void copy_rec(void *d, const void *s, size_t n)
{
    switch (n) {
    case 20:
        memcpy(d, s, 20);
        break;
    case 24:
        memcpy(d, s, 24);
        break;
    case 36:
        memcpy(d, s, 36);
        break;
    default:
        memcpy(d, s, n);
    }
}

static int write_all(int fd, const void *p, size_t n)
{
    const uint8_t *b = p;
    while (n) {
        ssize_t w = write(fd, b, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            if (w == 0)
                errno = ENOSPC;
            return -1;
        }
        b += w;
        n -= (size_t)w;
    }
    return 0;
}

/*
 * Append one record to a run file's buffer (a length byte, then the packed
 * record, when the spec packs), writing the buffer out first when full.
 */
static int run_put(const vg_xsort *x, int fd, const char *path, uint8_t *out, size_t *used, const void *rec,
                   vigil_error *err)
{
    size_t rs = x->s.rec_size;
    if (*used + (x->s.pack ? 256 : rs) > RUN_BUF) {
        if (write_all(fd, out, *used) < 0)
            return io_error(err, path, "cannot write sort run");
        *used = 0;
    }
    if (x->s.pack) {
        size_t n = x->s.pack(out + *used + 1, rec);
        out[*used] = (uint8_t)n;
        *used += 1 + n;
    } else {
        copy_rec(out + *used, rec, rs);
        *used += rs;
    }
    return 0;
}

/* Append a record packed already (its length byte, then its bytes) to a run file's buffer. */
static int run_put_packed(int fd, const char *path, uint8_t *out, size_t *used, const uint8_t *lenp,
                          vigil_error *err)
{
    size_t n = 1 + (size_t)lenp[0];
    if (*used + n > RUN_BUF) {
        if (write_all(fd, out, *used) < 0)
            return io_error(err, path, "cannot write sort run");
        *used = 0;
    }
    memcpy(out + *used, lenp, n);
    *used += n;
    return 0;
}

/* Sort batch b and write it as run number `run`. */
static int spill_batch(const vg_xsort *x, batch *b, unsigned run_no, vigil_error *err)
{
    char *path = run_path(x, run_no);
    uint8_t *out = malloc(RUN_BUF);
    size_t used = 0;
    int fd, rc = 0;
    if (!path || !out) {
        free(path);
        free(out);
        return vigil_error_set(err, VIGIL_ENOMEM, "sort: out of memory");
    }
    if (!b->sorted && (rc = sort_batch(x, b, err)) < 0)
        goto done;
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        rc = io_error(err, path, "cannot create sort run");
        goto done;
    }
    if (x->packed) {
        vg_pb_order o = pb_order(x);
        vg_pcursor c;
        const uint8_t *p;
        uint64_t key;
        if (vg_pcursor_init(&c, &b->pb, &o) < 0)
            rc = vigil_error_set(err, VIGIL_ENOMEM, "sort: out of memory");
        while (rc == 0 && (p = vg_pcursor_next(&c, &key)) != NULL)
            rc = run_put_packed(fd, path, out, &used, p, err);
        if (rc == 0 && c.failed)
            rc = vigil_error_set(err, VIGIL_ENOMEM, "sort: out of memory");
        vg_pcursor_dispose(&c);
    }
    for (size_t i = 0; !x->packed && i < b->n && rc == 0; i++) {
        const uint8_t *rec = batch_at(x, b, i);
        if (i + PREFETCH < b->n) /* the records are read in sorted order, all over the batch */
            __builtin_prefetch(batch_at(x, b, i + PREFETCH));
        rc = run_put(x, fd, path, out, &used, rec, err);
    }
    if (rc == 0 && used && write_all(fd, out, used) < 0)
        rc = io_error(err, path, "cannot write sort run");
    if (close(fd) != 0 && rc == 0)
        rc = io_error(err, path, "cannot write sort run");
    if (rc < 0)
        unlink(path); /* a partial run is of no use */
done:
    free(path);
    free(out);
    return rc;
}

static void *spill_main(void *arg)
{
    spill_job *j = arg;
    if (j->write)
        j->rc = spill_batch(j->x, j->b, j->run, &j->err);
    else if ((j->rc = sort_batch(j->x, j->b, &j->err)) == 0)
        j->b->sorted = 1;
    return NULL;
}

/* Wait for the spill thread; its failure becomes ours. */
static int spill_wait(vg_xsort *x, vigil_error *err)
{
    if (!x->spilling)
        return 0;
    pthread_join(x->thread, NULL);
    x->spilling = 0;
    if (x->job.write) {
        batch_reset(x, x->job.b);
    } else if (x->job.rc == 0) {
        x->held = x->job.b;
    }
    if (x->job.rc < 0) {
        x->failed = x->job.rc;
        if (err)
            *err = x->job.err;
        return x->job.rc;
    }
    return 0;
}

/* Room for one more run's record count: n. */
static int add_run(vg_xsort *x, uint64_t n, vigil_error *err)
{
    uint64_t *q = realloc(x->run_n, (x->nruns + 1) * sizeof *q);
    if (!q) {
        x->failed = VIGIL_ENOMEM;
        return vigil_error_set(err, VIGIL_ENOMEM, "sort: out of memory");
    }
    x->run_n = q;
    q[x->nruns] = n;
    return 0;
}

/*
 * Hand the full batch to the spill thread and go on filling the other one.
 * The first full batch is only sorted and held: when everything fits in the
 * two batches nothing is ever written. When the second one fills, the held
 * batch is written here (its sort is done) and spilling goes on as usual.
 */
static int spill(vg_xsort *x, vigil_error *err)
{
    batch *full = x->fill, *next = full == &x->bufs[0] ? &x->bufs[1] : &x->bufs[0];
    int rc = spill_wait(x, err);
    if (rc < 0)
        return rc;
    if (x->held) {
        batch *h = x->held;
        if ((rc = add_run(x, h->n, err)) < 0)
            return rc;
        rc = spill_batch(x, h, x->nruns, err);
        if (rc < 0) {
            x->failed = rc;
            return rc;
        }
        x->nruns++;
        batch_reset(x, h);
        x->held = NULL;
    }
    if (!batch_allocated(next) && batch_new(x, next) < 0)
        next = NULL;
    if (next && x->nruns == 0) {
        x->job = (spill_job){x, full, 0, 0, 0, {0, ""}};
        if (pthread_create(&x->thread, NULL, spill_main, &x->job) == 0) {
            x->spilling = 1;
            x->fill = next;
            return 0;
        }
    }
    if ((rc = add_run(x, full->n, err)) < 0)
        return rc;
    if (!next) { /* no second buffer: spill in this thread */
        rc = spill_batch(x, full, x->nruns, err);
        if (rc < 0) {
            x->failed = rc;
            return rc;
        }
        x->nruns++;
        batch_reset(x, full);
        return 0;
    }
    x->job = (spill_job){x, full, x->nruns++, 1, 0, {0, ""}};
    if (pthread_create(&x->thread, NULL, spill_main, &x->job) != 0) {
        x->nruns--;
        rc = spill_batch(x, full, x->nruns, err);
        if (rc < 0) {
            x->failed = rc;
            return rc;
        }
        x->nruns++;
        batch_reset(x, full);
    } else {
        x->spilling = 1;
    }
    x->fill = next;
    return 0;
}

/* No room in the batch being filled for one more record. */
static int batch_full(const vg_xsort *x, const batch *b)
{
    return x->packed ? vg_pbatch_full(&b->pb) : b->n == x->cap;
}

/* Pack rec at the end of the batch being filled (room was made by vg_xsort_slot). */
static void put_packed(vg_xsort *x, const void *rec)
{
    vg_pbatch *b = &x->fill->pb;
    uint64_t k = rec_key(x, rec);
    uint8_t *p = vg_pbatch_place(b, k);
    vg_pbatch_commit(b, k, x->s.pack(p + VG_PB_HEAD, rec));
}

void *vg_xsort_slot(vg_xsort *x, vigil_error *err)
{
    batch *b = x->fill;
    if (x->failed) {
        vigil_error_set(err, x->failed, "sort: failed before");
        return NULL;
    }
    if (batch_full(x, b)) {
        if (spill(x, err) < 0)
            return NULL;
        b = x->fill;
    }
    return x->packed ? x->stage : b->recs + b->n * x->s.rec_size;
}

/* Whether the fixed record just placed at the end of batch b keeps the batch in order. */
static void note_order(const vg_xsort *x, batch *b)
{
    const uint8_t *rec = b->recs + b->n * x->s.rec_size;
    uint64_t k;
    if (b->out_of_order)
        return;
    k = rec_key(x, rec);
    if (b->n && (k < b->last_key || (k == b->last_key && x->s.cmp(rec - x->s.rec_size, rec) > 0)))
        b->out_of_order = 1;
    b->last_key = k;
}

void vg_xsort_push(vg_xsort *x)
{
    if (x->packed)
        put_packed(x, x->stage);
    else
        note_order(x, x->fill);
    x->fill->n++;
    x->total++;
}

int vg_xsort_add(vg_xsort *x, const void *rec, vigil_error *err)
{
    void *slot = vg_xsort_slot(x, err);
    if (!slot)
        return x->failed;
    if (x->packed) {
        put_packed(x, rec);
    } else {
        copy_rec(slot, rec, x->s.rec_size);
        note_order(x, x->fill);
    }
    x->fill->n++;
    x->total++;
    return 0;
}

/* At least `need` bytes of the run in its buffer; -1 on error. */
static int run_fill(run *r, size_t need, vigil_error *err)
{
    size_t keep;
    ssize_t got;
    if (r->len - r->pos >= need)
        return 0;
    keep = r->len - r->pos;
    memmove(r->buf, r->buf + r->pos, keep);
    r->len = keep;
    r->pos = 0;
    while (r->len < need) {
        got = read(r->fd, r->buf + r->len, r->cap - r->len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0) {
            vigil_error_set(err, VIGIL_ESTORE, "sort run: %s", got < 0 ? strerror(errno) : "truncated");
            return -1;
        }
        r->len += (size_t)got;
    }
    return 0;
}

/* Load the next record of a run into r->cur; 0 at its end, -1 on error. */
static int run_advance(vg_xsort *x, run *r, vigil_error *err)
{
    size_t rs = x->s.rec_size;
    if (r->left == 0)
        return 0;
    if (r->mem && x->packed) {
        const uint8_t *p = vg_pcursor_next(&r->pc, &r->key);
        if (!p) {
            vigil_error_set(err, VIGIL_ENOMEM, "sort: out of memory");
            return -1;
        }
        x->s.unpack(r->rec, p + 1, p[0]);
        r->cur = r->rec;
        r->left--;
        return 1;
    }
    if (r->mem && r->mem->identity) {
        r->cur = r->mem->recs + r->mem_i++ * rs;
        r->key = rec_key(x, r->cur);
        r->left--;
        return 1;
    }
    if (r->mem) {
        if (r->mem_i + PREFETCH < r->left + r->mem_i)
            __builtin_prefetch(batch_at(x, r->mem, r->mem_i + PREFETCH));
        r->cur = batch_at(x, r->mem, r->mem_i);
        r->key = r->mem->ord[r->mem_i++].key;
        r->left--;
        return 1;
    }
    if (x->s.pack) {
        size_t n;
        if (run_fill(r, 1, err) < 0)
            return -1;
        n = r->buf[r->pos];
        if (run_fill(r, 1 + n, err) < 0)
            return -1;
        x->s.unpack(r->rec, r->buf + r->pos + 1, n);
        r->pos += 1 + n;
        r->cur = r->rec;
    } else {
        if (run_fill(r, rs, err) < 0)
            return -1;
        r->cur = r->buf + r->pos;
        r->pos += rs;
    }
    r->key = rec_key(x, r->cur);
    r->left--;
    return 1;
}

static int heap_less(const vg_xsort *x, const heap_node *a, const heap_node *b)
{
    if (a->key != b->key)
        return a->key < b->key;
    return x->s.cmp(x->runs[a->run].cur, x->runs[b->run].cur) < 0;
}

/* Sift the node at i down to its place (of two equal records either may come out first). */
static void heap_down(vg_xsort *x, size_t i)
{
    heap_node v = x->heap[i];
    for (;;) {
        size_t l = 2 * i + 1, m = l;
        if (l >= x->nheap)
            break;
        if (l + 1 < x->nheap && heap_less(x, &x->heap[l + 1], &x->heap[l]))
            m = l + 1;
        if (!heap_less(x, &x->heap[m], &v))
            break;
        x->heap[i] = x->heap[m];
        i = m;
    }
    x->heap[i] = v;
}

/*
 * The node of the next record when few runs are left: a scan of their keys
 * (no jumps to mispredict) beats the heap's sifting. Any order of the nodes
 * will do: a heap is a list too.
 */
#define FEW_RUNS 8

static size_t few_min(const vg_xsort *x)
{
    size_t best = 0;
    uint64_t bk = x->heap[0].key;
    for (size_t i = 1; i < x->nheap; i++) {
        uint64_t k = x->heap[i].key;
        int lt = k < bk;
        if (k == bk) /* rare: the full order decides */
            lt = heap_less(x, &x->heap[i], &x->heap[best]);
        best = lt ? i : best;
        bk = lt ? k : bk;
    }
    return best;
}

/* The node of the run whose record comes out next. */
static size_t merge_top(const vg_xsort *x)
{
    return x->nheap <= FEW_RUNS ? few_min(x) : 0;
}

/* The run at node top has moved on (got: it has a record): keep the nodes in order. */
static void merge_moved(vg_xsort *x, size_t top, int got)
{
    if (got)
        x->heap[top].key = x->runs[x->heap[top].run].key;
    else
        x->heap[top] = x->heap[--x->nheap];
    if (x->nheap > FEW_RUNS) /* then top is 0: the heap's first */
        heap_down(x, 0);
}

/* Read buffer of each of n runs merged at once: a quarter of the bound shared, 64 KiB..512 KiB each. */
static size_t read_buf_size(const vg_xsort *x, unsigned n)
{
    size_t b = x->s.memory / 4 / (n ? n : 1);
    return b > RUN_BUF ? RUN_BUF : b < RUN_BUF_MIN ? RUN_BUF_MIN : b;
}

/* The most run files one merge reads (vg_xsort_spec.fanin). */
static unsigned max_fanin(const vg_xsort *x)
{
    struct rlimit rl;
    size_t by_memory = x->s.memory / 4 / RUN_BUF_MIN;
    unsigned f = by_memory < 16 ? 16 : by_memory > 4096 ? 4096 : (unsigned)by_memory;
    if (x->s.fanin)
        return x->s.fanin < 2 ? 2 : x->s.fanin;
    /*
     * Leave descriptors for the store, the source and the segment being
     * written; the entry sort and the three key sorts may be merging at once.
     */
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
        rlim_t budget = rl.rlim_cur > 96 ? (rl.rlim_cur - 64) / 4 : 8;
        if ((rlim_t)f > budget)
            f = (unsigned)budget;
    }
    return f;
}

/* Close and free the runs of a merge. */
static void merge_close(vg_xsort *x)
{
    for (size_t i = 0; i < x->nmerge; i++) {
        if (x->runs[i].fd >= 0)
            close(x->runs[i].fd);
        free(x->runs[i].buf);
        free(x->runs[i].rec);
        vg_pcursor_dispose(&x->runs[i].pc);
    }
    free(x->runs);
    free(x->heap);
    x->runs = NULL;
    x->heap = NULL;
    x->nmerge = x->nheap = 0;
}

/* Open run files first..first+n-1 for a merge, with read buffers of run_buf bytes (room for 2 more runs). */
static int merge_open(vg_xsort *x, unsigned first, unsigned n, size_t run_buf, vigil_error *err)
{
    x->runs = calloc(n + 2, sizeof *x->runs);
    x->heap = calloc(n + 2, sizeof *x->heap);
    x->nmerge = x->nheap = 0;
    if (!x->runs || !x->heap)
        return vigil_error_set(err, VIGIL_ENOMEM, "sort: out of memory");
    for (unsigned i = first; i < first + n; i++) {
        char *path = run_path(x, i);
        run *r = &x->runs[x->nmerge++];
        r->fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
        r->cap = run_buf;
        r->buf = malloc(run_buf);
        r->rec = x->s.pack ? malloc(x->s.rec_size) : NULL;
        if (r->fd < 0 || !r->buf || (x->s.pack && !r->rec)) {
            int rc = vigil_error_set(err, VIGIL_ESTORE, "%s: cannot read sort run: %s", path ? path : "sort",
                                     strerror(errno));
            free(path);
            return rc;
        }
        free(path);
        r->left = x->run_n[i];
    }
    return 0;
}

/* Load every open run's first record and order the nodes. */
static int merge_start(vg_xsort *x, vigil_error *err)
{
    for (size_t i = 0; i < x->nmerge; i++) {
        int got = run_advance(x, &x->runs[i], err);
        if (got < 0)
            return VIGIL_ESTORE;
        if (got)
            x->heap[x->nheap++] = (heap_node){x->runs[i].key, i};
    }
    for (size_t i = x->nheap / 2; i-- > 0;)
        heap_down(x, i);
    return 0;
}

/* Write the merge of the open runs to fd (packed as a spill writes them). */
static int merge_write(vg_xsort *x, int fd, const char *path, vigil_error *err)
{
    uint8_t *out = malloc(RUN_BUF);
    size_t used = 0;
    int rc = 0;
    if (!out)
        return vigil_error_set(err, VIGIL_ENOMEM, "sort: out of memory");
    while (rc == 0 && x->nheap) {
        size_t top = merge_top(x);
        run *r = &x->runs[x->heap[top].run];
        int got;
        if ((rc = run_put(x, fd, path, out, &used, r->cur, err)) < 0)
            break;
        if ((got = run_advance(x, r, err)) < 0)
            rc = VIGIL_ESTORE;
        else
            merge_moved(x, top, got);
    }
    if (rc == 0 && used && write_all(fd, out, used) < 0)
        rc = io_error(err, path, "cannot write sort run");
    free(out);
    return rc;
}

/*
 * Merge the first n run files into one that takes the first one's number;
 * the later runs move down (their order does not matter: ties keep none).
 * The merged file is complete before any run it replaces is removed.
 */
static int merge_pass(vg_xsort *x, unsigned n, vigil_error *err)
{
    char *tmp = run_path(x, x->nruns), *path = NULL;
    size_t run_buf = read_buf_size(x, n);
    uint64_t total = 0;
    int fd = -1, rc;
    if (!tmp)
        return vigil_error_set(err, VIGIL_ENOMEM, "sort: out of memory");
    rc = merge_open(x, 0, n, run_buf, err);
    if (rc == 0 && (fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0)
        rc = io_error(err, tmp, "cannot create sort run");
    if (rc == 0)
        rc = merge_start(x, err);
    if (rc == 0)
        rc = merge_write(x, fd, tmp, err);
    if (fd >= 0 && close(fd) != 0 && rc == 0)
        rc = io_error(err, tmp, "cannot write sort run");
    merge_close(x);
    if (rc < 0) {
        unlink(tmp);
        free(tmp);
        return rc;
    }
    for (unsigned i = 0; i < n; i++) {
        total += x->run_n[i];
        if ((path = run_path(x, i)) != NULL)
            unlink(path);
        free(path);
    }
    path = run_path(x, 0);
    if (!path || rename(tmp, path) != 0)
        rc = path ? io_error(err, path, "cannot rename sort run") : vigil_error_set(err, VIGIL_ENOMEM, "sort: out of memory");
    free(path);
    free(tmp);
    x->run_n[0] = total;
    for (unsigned i = n; rc == 0 && i < x->nruns; i++) {
        char *from = run_path(x, i), *to = run_path(x, i - n + 1);
        if (!from || !to || rename(from, to) != 0)
            rc = from && to ? io_error(err, from, "cannot rename sort run") : vigil_error_set(err, VIGIL_ENOMEM, "sort: out of memory");
        free(from);
        free(to);
        x->run_n[i - n + 1] = x->run_n[i];
    }
    if (rc == 0)
        x->nruns -= n - 1;
    return rc;
}

int vg_xsort_finish(vg_xsort *x, vigil_error *err)
{
    size_t rs = x->s.rec_size, run_buf;
    if (spill_wait(x, err) < 0 || x->failed)
        return x->failed;
    if (sort_batch(x, x->fill, err) < 0)
        return VIGIL_ENOMEM;
    x->fill->sorted = 1;
    /* the other batch is empty now unless held: give its memory back before the merge */
    for (int i = 0; i < 2; i++)
        if (&x->bufs[i] != x->fill && &x->bufs[i] != x->held)
            batch_dispose(&x->bufs[i]);
    /* more runs than one merge may read: merge the oldest into one until few enough are left */
    for (unsigned f = max_fanin(x); x->nruns > f;) {
        int rc = merge_pass(x, x->nruns - f + 1 < f ? x->nruns - f + 1 : f, err);
        if (rc < 0) {
            x->failed = rc;
            return rc;
        }
    }
    run_buf = read_buf_size(x, x->nruns);
    x->scratch = malloc(rs);
    if (!x->scratch || merge_open(x, 0, x->nruns, run_buf, err) < 0) {
        if (!x->scratch)
            vigil_error_set(err, VIGIL_ENOMEM, "sort: out of memory");
        x->failed = VIGIL_ESTORE;
        return VIGIL_ESTORE;
    }
    for (int i = 0; i < 2; i++) { /* the held batch and the last one are merged from memory */
        const batch *b = i ? x->fill : x->held;
        if (b && b->n) {
            run *r = &x->runs[x->nmerge++];
            r->fd = -1;
            r->mem = b;
            r->left = b->n;
            vg_pb_order o = pb_order(x);
            if (x->packed && (!(r->rec = malloc(rs)) || vg_pcursor_init(&r->pc, &b->pb, &o) < 0)) {
                vigil_error_set(err, VIGIL_ENOMEM, "sort: out of memory");
                x->failed = VIGIL_ENOMEM;
                return VIGIL_ENOMEM;
            }
        }
    }
    if (merge_start(x, err) < 0) {
        x->failed = VIGIL_ESTORE;
        return VIGIL_ESTORE;
    }
    x->merging = 1;
    return 0;
}

const void *vg_xsort_next(vg_xsort *x, vigil_error *err)
{
    run *r;
    const void *out = NULL;
    size_t top = 0;
    int got;
    if (!x->merging || x->failed || x->nheap == 0)
        return NULL;
    top = merge_top(x);
    r = &x->runs[x->heap[top].run];
    /* a file run's buffer moves on below: hand out a copy the caller may keep until the next call */
    if (r->mem && !x->packed) { /* a batch of fixed records stays where it is until the end */
        out = r->cur;
    } else if (r->rec) { /* unpacked already: trade buffers instead of copying */
        uint8_t *t = x->scratch;
        x->scratch = r->rec;
        r->rec = t;
    } else {
        copy_rec(x->scratch, r->cur, x->s.rec_size);
    }
    got = run_advance(x, r, err);
    if (got < 0) {
        x->failed = VIGIL_ESTORE; /* a run file could not be read back */
        return NULL;
    }
    merge_moved(x, top, got);
    return out ? out : x->scratch;
}

int vg_xsort_failed(const vg_xsort *x)
{
    return x->failed;
}

uint64_t vg_xsort_count(const vg_xsort *x)
{
    return x->total;
}

unsigned vg_xsort_runs(const vg_xsort *x)
{
    return x->nruns;
}

void vg_xsort_free(vg_xsort *x)
{
    if (!x)
        return;
    spill_wait(x, NULL);
    merge_close(x);
    for (unsigned i = 0; i < x->nruns; i++) {
        char *path = run_path(x, i);
        if (path)
            unlink(path);
        free(path);
    }
    for (int i = 0; i < 2; i++)
        batch_dispose(&x->bufs[i]);
    free(x->run_n);
    free(x->stage);
    free(x->scratch);
    free(x->dir);
    free(x->name);
    free(x);
}

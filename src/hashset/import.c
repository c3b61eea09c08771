/*
 * Importing hash lists: every file through its reader (formats.c) into one
 * sink; records become entries in an external sort bounded by --memory,
 * packed to the digests and fields they carry (entry_order.c); the sorted
 * stream is deduplicated (one entry per digest, metadata merged, category
 * conflicts counted, retractions applied) into a new segment file; one
 * SQLite transaction then makes that segment the set's current version.
 * Until that commit nothing a reader sees has changed, and whatever an
 * interrupted import leaves behind is cleared by the next writer.
 */
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/hex.h"
#include "formats/formats.h"
#include "hashset/entry_order.h"
#include "hashset/import_int.h"
#include "pdqindex/pdq_file.h"
#include "pdqindex/pdq_seg.h"
#include "segment/known_videos.h"
#include "segment/segment_write.h"
#include "hashset/store_int.h"
#include "segment/xsort.h"

#define DEFAULT_MEMORY (256u << 20)
#define FILE_SHIFT 40 /* entry.record during the import: file index << 40 | ordinal */

static const char *kind_names[VIGIL_KIND__COUNT] = {"illegal", "interest", "benign"};

const char *vigil_hashset_kind_name(vigil_hashset_kind k)
{
    return (unsigned)k < VIGIL_KIND__COUNT ? kind_names[k] : "?";
}

int vigil_hashset_kind_parse(vigil_hashset_kind *out, const char *s)
{
    for (int i = 0; i < VIGIL_KIND__COUNT; i++)
        if (!strcmp(s, kind_names[i])) {
            *out = (vigil_hashset_kind)i;
            return 0;
        }
    return VIGIL_EUSAGE;
}

int vigil_hashset_name_check(const char *name, vigil_error *err)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0)
        return vigil_error_set(err, VIGIL_EINPUT, "hash set name: empty (a set needs a name)");
    if (n > VIGIL_HASHSET_NAME_MAX)
        return vigil_error_set(err, VIGIL_EINPUT, "hash set name: %zu bytes long, the most is %d", n,
                               VIGIL_HASHSET_NAME_MAX);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
            return vigil_error_set(err, VIGIL_EINPUT,
                                   "hash set name: a control character (newline, tab...) at byte %zu", i + 1);
    if (strchr(name, '/') || strchr(name, '\\'))
        return vigil_error_set(err, VIGIL_EINPUT, "hash set name '%s': no '/' or '\\' in a name", name);
    if (name[0] == '.' || name[0] == '-' || name[0] == ' ' || name[n - 1] == ' ')
        return vigil_error_set(err, VIGIL_EINPUT,
                               "hash set name '%s': it may not start with '.', '-' or a space, nor end with a space",
                               name);
    return 0;
}

/* ---- string pool: category, label, profile, series and file names, each stored once ---- */

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (uint8_t)s[i]) * 1099511628211u;
    return h;
}

static int pool_grow(vg_import *p)
{
    size_t n = p->nslots ? p->nslots * 2 : 1024;
    uint32_t *slots = malloc(n * sizeof *slots);
    if (!slots)
        return -1;
    memset(slots, 0xff, n * sizeof *slots);
    for (size_t i = 0; i < p->nslots; i++) {
        uint32_t off = p->slots[i];
        if (off == VG_SEG_NONE)
            continue;
        size_t h = hash_bytes(p->strings.ptr + off, strlen(p->strings.ptr + off)) & (n - 1);
        while (slots[h] != VG_SEG_NONE)
            h = (h + 1) & (n - 1);
        slots[h] = off;
    }
    free(p->slots);
    p->slots = slots;
    p->nslots = n;
    return 0;
}

/* Offset of s (len bytes) in the pool, added on first sight. Failure is sticky in the buffer. */
static uint32_t intern_n(vg_import *p, const char *s, size_t len)
{
    size_t h;
    if ((p->nstr + 1) * 2 > p->nslots && pool_grow(p) < 0) {
        p->strings.failed = 1;
        return VG_SEG_NONE;
    }
    h = hash_bytes(s, len) & (p->nslots - 1);
    while (p->slots[h] != VG_SEG_NONE) {
        if (!strcmp(p->strings.ptr + p->slots[h], s))
            return p->slots[h];
        h = (h + 1) & (p->nslots - 1);
    }
    if (p->strings.len + len + 1 >= VG_SEG_NONE) {
        p->strings.failed = 1;
        return VG_SEG_NONE;
    }
    uint32_t off = (uint32_t)p->strings.len;
    vg_buf_add(&p->strings, s, len + 1);
    if (vg_buf_failed(&p->strings))
        return VG_SEG_NONE;
    p->slots[h] = off;
    p->nstr++;
    return off;
}

/* Offset of s in the pool, added on first sight; VG_SEG_NONE for NULL. */
static uint32_t intern(vg_import *p, const char *s)
{
    return s ? intern_n(p, s, strlen(s)) : VG_SEG_NONE;
}

/* intern() for a record field that mostly repeats one of a few values seen lately. */
static uint32_t intern_field(vg_import *p, int field, const char *s)
{
    uint32_t *recent = p->recent[field], *rlen = p->recent_len[field], off;
    /* series names are many and rarely repeat at once: only the last one is worth a look */
    const size_t nrecent = field == 3 ? 1 : sizeof p->recent[0] / sizeof p->recent[0][0];
    size_t len;
    if (!s)
        return VG_SEG_NONE;
    len = strlen(s);
    for (size_t i = 0; i < nrecent && recent[i] != VG_SEG_NONE; i++)
        if (rlen[i] == len && !memcmp(p->strings.ptr + recent[i], s, len))
            return recent[i];
    off = intern_n(p, s, len);
    if (off != VG_SEG_NONE) {
        size_t slot = p->recent_next[field]++ % nrecent;
        recent[slot] = off;
        rlen[slot] = (uint32_t)len;
    }
    return off;
}

/* ---- the sink every reader writes to ---- */

static vg_import_file *cur_file(vg_import *p)
{
    return &p->files[p->nfiles - 1];
}

static int sink_reject(void *ud, const char *where, const char *why, vigil_error *err)
{
    vg_import *p = ud;
    vg_import_file *f = cur_file(p);
    char at[1200], msg[1600];
    vg_hs_place(at, sizeof at, f->label, where);
    if (!p->opts->lenient)
        return vigil_error_set(err, VIGIL_EINPUT, "%s: %s", at, why);
    f->stats.rejected++;
    if (p->opts->on_reject) {
        snprintf(msg, sizeof msg, "%s: %s", at, why);
        p->opts->on_reject(msg, p->opts->ud);
    }
    return 0;
}

static int push_u64(uint64_t **v, size_t *n, size_t *cap, uint64_t x)
{
    if (*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 64;
        uint64_t *q = realloc(*v, ncap * sizeof *q);
        if (!q)
            return -1;
        *v = q;
        *cap = ncap;
    }
    (*v)[(*n)++] = x;
    return 0;
}

/* A retraction: remember what it names; entries it names are dropped when the set is written. */
static int add_retraction(vg_import *p, const vg_hs_record *r, vigil_error *err)
{
    int rc = 0;
    if (r->external_id)
        rc |= push_u64(&p->retract_ids, &p->nretract_ids, &p->cap_retract_ids,
                       hash_bytes(r->external_id, strlen(r->external_id)) | 1);
    if (r->has_md5 || r->has_sha1 || r->has_sha256) {
        vg_seg_entry e;
        memset(&e, 0, sizeof e);
        e.mask = (uint8_t)((r->has_md5 ? VG_SEG_HAS_MD5 : 0) | (r->has_sha1 ? VG_SEG_HAS_SHA1 : 0) |
                           (r->has_sha256 ? VG_SEG_HAS_SHA256 : 0));
        memcpy(e.md5, r->md5, 16);
        memcpy(e.sha1, r->sha1, 20);
        memcpy(e.sha256, r->sha256, 32);
        if (p->nretract_digests == p->cap_retract_digests) {
            size_t ncap = p->cap_retract_digests ? p->cap_retract_digests * 2 : 16;
            vg_seg_entry *q = realloc(p->retract_digests, ncap * sizeof *q);
            if (!q)
                rc = -1;
            else {
                p->retract_digests = q;
                p->cap_retract_digests = ncap;
            }
        }
        if (rc == 0)
            p->retract_digests[p->nretract_digests++] = e;
    }
    return rc ? vigil_error_set(err, VIGIL_ENOMEM, "import: out of memory") : 0;
}

static int sink_record(void *ud, const vg_hs_record *r, vigil_error *err)
{
    vg_import *p = ud;
    vg_import_file *f = cur_file(p);
    vg_seg_entry *e;
    f->stats.records++;
    f->ordinal++;
    if (r->retract) {
        f->stats.retracted++;
        return add_retraction(p, r, err);
    }
    if (vg_hs_record_is_empty_file(r)) {
        f->stats.skipped_empty++;
        return 0;
    }
    if (!r->has_md5 && !r->has_sha1 && !r->has_sha256 && !r->has_pdq && !r->has_photodna) {
        f->stats.records--;
        return sink_reject(ud, r->where, "no digest in this record", err);
    }
    /* the entry is built in its place in the sort's batch */
    if (!(e = vg_xsort_slot(p->entries, err)))
        return vg_xsort_failed(p->entries);
    memset(e, 0, sizeof *e);
    e->mask = (uint8_t)((r->has_md5 ? VG_SEG_HAS_MD5 : 0) | (r->has_sha1 ? VG_SEG_HAS_SHA1 : 0) |
                       (r->has_sha256 ? VG_SEG_HAS_SHA256 : 0) | (r->has_pdq ? VG_SEG_HAS_PDQ : 0) |
                       (r->has_photodna ? VG_SEG_HAS_PHOTODNA : 0));
    p->with_digest[VG_SEG_MD5] += r->has_md5;
    p->with_digest[VG_SEG_SHA1] += r->has_sha1;
    p->with_digest[VG_SEG_SHA256] += r->has_sha256;
    if (r->has_md5)
        memcpy(e->md5, r->md5, 16);
    if (r->has_sha1)
        memcpy(e->sha1, r->sha1, 20);
    if (r->has_sha256)
        memcpy(e->sha256, r->sha256, 32);
    if (r->has_pdq)
        memcpy(e->pdq, r->pdq, 32);
    e->size = r->size;
    e->record = (uint64_t)(p->nfiles - 1) << FILE_SHIFT | (f->ordinal & ((1ull << FILE_SHIFT) - 1));
    e->flags = (uint8_t)(r->flags & 0x0f);
    e->severity = (int8_t)(r->severity < -1 ? -1 : r->severity > 127 ? 127 : r->severity);
    e->pdq_quality = (int8_t)(r->has_pdq && r->pdq_quality >= 0 && r->pdq_quality <= 100 ? r->pdq_quality : -1);
    e->category = intern_field(p, 0, r->category);
    e->label = intern_field(p, 1, r->category_label);
    e->profile = intern_field(p, 2, r->profile);
    e->series = intern_field(p, 3, r->series && *r->series ? r->series : NULL);
    e->source = f->name_off;
    e->photodna = VG_SEG_NONE;
    e->extid = r->external_id ? hash_bytes(r->external_id, strlen(r->external_id)) | 1 : 0;
    if (vg_buf_failed(&p->strings))
        return vigil_error_set(err, VIGIL_ENOMEM, "%s: too many distinct category or series names", f->label);
    if (r->has_photodna) {
        if (pwrite(p->pdna_fd, r->photodna, VG_PHOTODNA_BYTES, (off_t)p->npdna * VG_PHOTODNA_BYTES) !=
            VG_PHOTODNA_BYTES)
            return vigil_error_set(err, VIGIL_ESTORE, "%s: cannot write a temporary file: %s", p->tmpdir,
                                   errno == ENOSPC ? "disk full" : strerror(errno));
        e->photodna = (uint32_t)p->npdna++;
    }
    vg_xsort_push(p->entries);
    return 0;
}

static void sink_meta(void *ud, const char *key, const char *value)
{
    vg_import *p = ud;
    vg_import_file *f = cur_file(p);
    if (!f->release && value && (!strcmp(key, "version") || !strcmp(key, "release")))
        f->release = strdup(value);
}

static void sink_progress(void *ud, uint64_t done, uint64_t total)
{
    vg_import *p = ud;
    if (p->opts->on_progress)
        p->opts->on_progress(cur_file(p)->label, done, total, p->opts->ud);
}

void vg_import_sink(vg_hs_sink *s, vg_import *p)
{
    s->record = sink_record;
    s->reject = sink_reject;
    s->meta = sink_meta;
    s->progress = sink_progress;
    s->ud = p;
}

/* ---- setting up and tearing down ---- */

int vg_import_begin(vg_import *p, vigil_store *st, const vigil_import_opts *o, vigil_error *err)
{
    static unsigned counter;
    vg_xsort_spec spec;
    char name[96];
    char *dir;
    int rc;
    memset(p, 0, sizeof *p);
    p->st = st;
    p->opts = o;
    p->pdna_fd = -1;
    memset(p->recent, 0xff, sizeof p->recent);
    p->memory = o->memory ? o->memory : DEFAULT_MEMORY;
    vg_buf_init(&p->strings, (size_t)VG_SEG_NONE - 1);
    vg_buf_add(&p->strings, "", 1); /* offset 0: an empty string no field uses */
    if ((rc = vg_store_lock(st, err)) < 0)
        return rc;
    snprintf(name, sizeof name, "tmp-%ld-%lld-%u", (long)getpid(), (long long)time(NULL), counter++);
    dir = vg_store_segment_path(st, name);
    if (!dir)
        return vigil_error_set(err, VIGIL_ENOMEM, "import: out of memory");
    if (mkdir(dir, 0700) != 0) {
        rc = vigil_error_set(err, VIGIL_ESTORE, "%s: cannot create: %s", dir, strerror(errno));
        free(dir);
        return rc;
    }
    p->tmpdir = dir;
    {
        size_t n = strlen(dir) + 16;
        char *path = malloc(n);
        if (!path)
            return vigil_error_set(err, VIGIL_ENOMEM, "import: out of memory");
        snprintf(path, n, "%s/photodna-in", dir);
        p->pdna_fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        free(path);
        if (p->pdna_fd < 0)
            return vigil_error_set(err, VIGIL_ESTORE, "%s: %s", dir, strerror(errno));
    }
    vg_entry_sort_spec(&spec, p->memory / 2, dir, "entries");
    return vg_xsort_new(&p->entries, &spec, err);
}

int vg_import_file_begin(vg_import *p, const char *label, vigil_error *err)
{
    vg_import_file *f;
    if (p->nfiles == p->capfiles) {
        size_t ncap = p->capfiles ? p->capfiles * 2 : 8;
        vg_import_file *q = realloc(p->files, ncap * sizeof *q);
        if (!q)
            return vigil_error_set(err, VIGIL_ENOMEM, "import: out of memory");
        p->files = q;
        p->capfiles = ncap;
    }
    if (p->nfiles >= (1u << 20))
        return vigil_error_set(err, VIGIL_EUSAGE, "import: too many files in one import");
    f = &p->files[p->nfiles++];
    memset(f, 0, sizeof *f);
    f->label = label;
    f->name_off = intern(p, label);
    return vg_buf_failed(&p->strings) ? vigil_error_set(err, VIGIL_ENOMEM, "import: out of memory") : 0;
}

void vg_import_end(vg_import *p)
{
    for (size_t i = 0; i < p->nfiles; i++)
        free(p->files[i].release);
    free(p->files);
    vg_xsort_free(p->entries);
    if (p->pdna_fd >= 0)
        close(p->pdna_fd);
    if (p->tmpdir) {
        size_t n = strlen(p->tmpdir) + 16;
        char *path = malloc(n);
        if (path) {
            snprintf(path, n, "%s/photodna-in", p->tmpdir);
            unlink(path);
            free(path);
        }
        rmdir(p->tmpdir);
    }
    free(p->tmpdir);
    free(p->default_base);
    free(p->slots);
    free(p->retract_ids);
    free(p->retract_digests);
    vg_buf_dispose(&p->strings);
    vg_store_unlock(p->st);
    memset(p, 0, sizeof *p);
}

/* ---- deduplicate and write the segment ---- */

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static int retracted(const vg_import *p, const vg_seg_entry *e)
{
    if (e->extid && p->nretract_ids && bsearch(&e->extid, p->retract_ids, p->nretract_ids, 8, cmp_u64))
        return 1;
    for (size_t i = 0; i < p->nretract_digests; i++) {
        const vg_seg_entry *r = &p->retract_digests[i];
        if (((r->mask & e->mask & VG_SEG_HAS_MD5) && !memcmp(r->md5, e->md5, 16)) ||
            ((r->mask & e->mask & VG_SEG_HAS_SHA1) && !memcmp(r->sha1, e->sha1, 20)) ||
            ((r->mask & e->mask & VG_SEG_HAS_SHA256) && !memcmp(r->sha256, e->sha256, 32)))
            return 1;
    }
    return 0;
}

/* Fold record e into entry into: fill what it lacks, keep the most serious category. */
static void merge_into(vg_seg_entry *into, const vg_seg_entry *e, vigil_import_stats *fs)
{
    fs->duplicates++;
    into->merged++;
    if (!(into->mask & VG_SEG_HAS_MD5) && (e->mask & VG_SEG_HAS_MD5))
        memcpy(into->md5, e->md5, 16), into->mask |= VG_SEG_HAS_MD5;
    if (!(into->mask & VG_SEG_HAS_SHA1) && (e->mask & VG_SEG_HAS_SHA1))
        memcpy(into->sha1, e->sha1, 20), into->mask |= VG_SEG_HAS_SHA1;
    if (!(into->mask & VG_SEG_HAS_PDQ) && (e->mask & VG_SEG_HAS_PDQ)) {
        memcpy(into->pdq, e->pdq, 32);
        into->pdq_quality = e->pdq_quality;
        into->mask |= VG_SEG_HAS_PDQ;
    }
    if (!(into->mask & VG_SEG_HAS_PHOTODNA) && (e->mask & VG_SEG_HAS_PHOTODNA)) {
        into->photodna = e->photodna;
        into->mask |= VG_SEG_HAS_PHOTODNA;
    }
    if (into->size < 0)
        into->size = e->size;
    into->flags |= e->flags;
    if (e->category != VG_SEG_NONE && into->category != VG_SEG_NONE && e->category != into->category) {
        fs->conflicts++;
        into->flags |= VG_SEG_CONFLICT;
    }
    if (e->category != VG_SEG_NONE && (into->category == VG_SEG_NONE || e->severity > into->severity)) {
        into->category = e->category;
        into->label = e->label;
        into->profile = e->profile;
        into->severity = e->severity;
    }
    if (into->series == VG_SEG_NONE)
        into->series = e->series;
}

static int put_entry(vg_import *p, vg_seg_writer *w, vg_seg_entry *e, vigil_error *err)
{
    uint8_t vec[VG_PHOTODNA_BYTES];
    const uint8_t *pd = NULL;
    e->extid = e->record >> FILE_SHIFT; /* the writer's tag: whose stats a link found later counts in */
    e->record &= (1ull << FILE_SHIFT) - 1;
    if ((e->mask & VG_SEG_HAS_PHOTODNA) && e->photodna != VG_SEG_NONE) {
        if (pread(p->pdna_fd, vec, sizeof vec, (off_t)e->photodna * VG_PHOTODNA_BYTES) != (ssize_t)sizeof vec)
            return vigil_error_set(err, VIGIL_ESTORE, "%s: cannot read a temporary file", p->tmpdir);
        pd = vec;
    }
    return vg_seg_writer_put(w, e, pd, err);
}

/*
 * Entries with different strongest digests that share a weaker one are linked
 * by the segment writer: the entry counted added is a repeated record after
 * all (merged), and a different category a conflict, in the stats of its file.
 */
static void count_link(void *ud, uint32_t tag, unsigned link)
{
    vg_import *p = ud;
    vigil_import_stats *fs = &p->files[tag < p->nfiles ? tag : 0].stats;
    if (link == VG_SEG_LINKED && fs->added > 0) {
        fs->added--;
        fs->duplicates++;
    } else if (link == VG_SEG_LINK_CONFLICT) {
        fs->conflicts++;
    }
}

int vg_import_write(vg_import *p, char **segment_name, uint64_t *entries, vigil_error *err)
{
    static unsigned counter;
    vg_seg_writer *w = NULL;
    vg_seg_entry cur;
    const vg_seg_entry *e;
    char *tmp = NULL, *final = NULL, name[96];
    size_t n;
    int have = 0, rc;
    *segment_name = NULL;
    *entries = 0;
    if (p->nretract_ids)
        qsort(p->retract_ids, p->nretract_ids, 8, cmp_u64);
    if ((rc = vg_xsort_finish(p->entries, err)) < 0)
        return rc;
    n = strlen(p->tmpdir) + 16;
    if (!(tmp = malloc(n)))
        return vigil_error_set(err, VIGIL_ENOMEM, "import: out of memory");
    snprintf(tmp, n, "%s/segment", p->tmpdir);
    if ((rc = vg_seg_writer_new(&w, tmp, p->tmpdir, p->memory / 2, err)) < 0 ||
        (rc = vg_seg_writer_expect(w, p->with_digest, err)) < 0)
        goto done;
    vg_seg_writer_on_link(w, count_link, p, p->nfiles > 1);
    uint64_t merged = 0, total = vg_xsort_count(p->entries);
    while (rc == 0 && (e = vg_xsort_next(p->entries, err)) != NULL) {
        vg_import_file *f = &p->files[e->record >> FILE_SHIFT];
        if (p->opts->on_progress && (++merged & 0xfffff) == 0) /* the merge of a large set takes a while too */
            p->opts->on_progress(NULL, merged, total, p->opts->ud);
        if (f->failed)
            continue;
        if (retracted(p, e)) {
            f->stats.retracted++;
            continue;
        }
        if (have && vg_entry_same_identity(&cur, e) == 0) {
            merge_into(&cur, e, &f->stats);
            continue;
        }
        if (have)
            rc = put_entry(p, w, &cur, err);
        cur = *e;
        have = 1;
        f->stats.added++;
    }
    if (rc == 0)
        rc = vg_xsort_failed(p->entries);
    if (rc == 0 && have)
        rc = put_entry(p, w, &cur, err);
    /* the entry sort's memory and runs go before the key sorts merge */
    vg_xsort_free(p->entries);
    p->entries = NULL;
    if (rc == 0)
        rc = vg_seg_writer_finish(w, p->strings.ptr, p->strings.len, err);
    if (rc < 0)
        goto done;
    *entries = vg_seg_writer_entries(w);
    snprintf(name, sizeof name, "%lld-%ld-%u.seg", (long long)time(NULL), (long)getpid(), counter++);
    if (!(final = vg_store_segment_path(p->st, name))) {
        rc = vigil_error_set(err, VIGIL_ENOMEM, "import: out of memory");
        goto done;
    }
    if (rename(tmp, final) != 0) {
        rc = vigil_error_set(err, VIGIL_ESTORE, "%s: %s", final, strerror(errno));
        goto done;
    }
    /* its PDQ index beside it, so that no reader builds one (a file no version names yet: cleared if we fail) */
    if ((rc = vg_pdq_file_for_segment(final, p->opts->kind, err)) < 0)
        goto done;
    {
        char *dir = vg_store_sets_dir(p->st);
        int dfd = dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
        if (dfd >= 0) {
            fsync(dfd); /* the rename survives a power cut before the commit names the file */
            close(dfd);
        }
        free(dir);
    }
    if (!(*segment_name = strdup(name)))
        rc = vigil_error_set(err, VIGIL_ENOMEM, "import: out of memory");
done:
    vg_seg_writer_free(w);
    free(tmp);
    free(final);
    return rc;
}

/* ---- the transaction that makes a version current ---- */

static int step_done(vigil_store *st, sqlite3_stmt *s, vigil_error *err)
{
    int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? 0 : vigil_error_set(err, VIGIL_ESTORE, "%s: %s", st->path, sqlite3_errmsg(st->db));
}

static int prep(sqlite3_stmt **s, vigil_store *st, const char *sql, vigil_error *err)
{
    if (sqlite3_prepare_v2(st->db, sql, -1, s, NULL) != SQLITE_OK)
        return vigil_error_set(err, VIGIL_ESTORE, "%s: %s", st->path, sqlite3_errmsg(st->db));
    return 0;
}

/* Set id and current segment of a set, 0 when there is none of that name. */
static int find_set(int64_t *id, vigil_hashset_kind *kind, char **segment, vigil_store *st, const char *name,
                    vigil_error *err)
{
    sqlite3_stmt *s;
    int rc;
    *id = 0;
    if (segment)
        *segment = NULL;
    if ((rc = prep(&s, st,
                   "SELECT h.id, v.segment, h.kind FROM hashset h"
                   " LEFT JOIN hashset_version v ON v.id = h.current_version WHERE h.name = ?", err)) < 0)
        return rc;
    sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(s, 0);
        if (segment && sqlite3_column_text(s, 1))
            *segment = strdup((const char *)sqlite3_column_text(s, 1));
        *kind = (vigil_hashset_kind)sqlite3_column_int(s, 2);
    }
    sqlite3_finalize(s);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0
         : vigil_error_set(err, VIGIL_ESTORE, "%s: %s", st->path, sqlite3_errmsg(st->db));
}

/* A kind is part of a version: a replacement keeps it unless the caller asked to change it. */
static int kind_kept(const vigil_import_opts *o, vigil_hashset_kind was, vigil_error *err)
{
    if (o->kind == was || o->change_kind)
        return 0;
    return vigil_error_set(err, VIGIL_ESTATE,
                           "hash set '%s' is %s; replacing it as %s would change its kind (import with --change-kind"
                           " to do so)", o->name, vigil_hashset_kind_name(was), vigil_hashset_kind_name(o->kind));
}

int vg_import_check_name(vigil_store *st, const vigil_import_opts *o, vigil_error *err)
{
    int64_t id;
    vigil_hashset_kind was = o->kind;
    int rc = find_set(&id, &was, NULL, st, o->name, err);
    if (rc == 0 && id && !o->replace)
        rc = vigil_error_set(err, VIGIL_EEXISTS, "hash set '%s' exists (remove it, or import with --replace)",
                             o->name);
    if (rc == 0 && id)
        rc = kind_kept(o, was, err);
    if (rc == 0 && !id) /* names an older vigil stored stay usable */
        rc = vigil_hashset_name_check(o->name, err);
    return rc;
}

static int commit_version(vigil_store *st, const vg_import_prov *v, int64_t set_id, vigil_error *err)
{
    const vigil_import_opts *o = v->opts;
    const vigil_import_stats *t = v->total;
    sqlite3_stmt *s;
    int64_t version_id;
    int rc;
    if (!set_id) {
        if ((rc = prep(&s, st,
                       "INSERT INTO hashset(name, kind, category, series, format, sources, imported_at, imported_by)"
                       " VALUES(?,?,?,?,?,?,coalesce(?,strftime('%Y-%m-%dT%H:%M:%SZ','now')),?)", err)) < 0)
            return rc;
    } else if ((rc = prep(&s, st,
                          "UPDATE hashset SET name=?1, kind=?2, category=?3, series=?4, format=?5, sources=?6,"
                          " imported_at=coalesce(?7,strftime('%Y-%m-%dT%H:%M:%SZ','now')), imported_by=?8"
                          " WHERE id=?9", err)) < 0) {
        return rc;
    }
    sqlite3_bind_text(s, 1, o->name, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 2, o->kind);
    sqlite3_bind_text(s, 3, o->category, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, o->series, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 5, v->format, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 6, v->sources, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 7, v->imported_at, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 8, vg_store_actor(st, o->who), -1, SQLITE_STATIC);
    if (set_id)
        sqlite3_bind_int64(s, 9, set_id);
    if ((rc = step_done(st, s, err)) < 0)
        return rc;
    if (!set_id)
        set_id = sqlite3_last_insert_rowid(st->db);
    if ((rc = prep(&s, st,
                   "INSERT INTO hashset_version(set_id, version, release, kind, format, sources, segment, entries,"
                   " records, added, merged, skipped, rejected, retracted, conflicts, lenient, imported_at,"
                   " imported_by) VALUES(?1, (SELECT coalesce(max(version), 0) + 1 FROM hashset_version"
                   " WHERE set_id = ?1), ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,"
                   " coalesce(?16, strftime('%Y-%m-%dT%H:%M:%SZ','now')), ?17)", err)) < 0)
        return rc;
    sqlite3_bind_int64(s, 1, set_id);
    sqlite3_bind_text(s, 2, v->release, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 3, o->kind);
    sqlite3_bind_text(s, 4, v->format, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 5, v->sources, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 6, v->segment, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 7, (sqlite3_int64)v->entries);
    sqlite3_bind_int64(s, 8, (sqlite3_int64)(t->records + t->rejected));
    sqlite3_bind_int64(s, 9, (sqlite3_int64)t->added);
    sqlite3_bind_int64(s, 10, (sqlite3_int64)t->duplicates);
    sqlite3_bind_int64(s, 11, (sqlite3_int64)t->skipped_empty);
    sqlite3_bind_int64(s, 12, (sqlite3_int64)t->rejected);
    sqlite3_bind_int64(s, 13, (sqlite3_int64)t->retracted);
    sqlite3_bind_int64(s, 14, (sqlite3_int64)t->conflicts);
    sqlite3_bind_int(s, 15, o->lenient);
    sqlite3_bind_text(s, 16, v->imported_at, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 17, vg_store_actor(st, o->who), -1, SQLITE_STATIC);
    if ((rc = step_done(st, s, err)) < 0)
        return rc;
    version_id = sqlite3_last_insert_rowid(st->db);
    if ((rc = prep(&s, st, "UPDATE hashset SET current_version=?, entries=? WHERE id=?", err)) < 0)
        return rc;
    sqlite3_bind_int64(s, 1, version_id);
    sqlite3_bind_int64(s, 2, (sqlite3_int64)v->entries);
    sqlite3_bind_int64(s, 3, set_id);
    if ((rc = step_done(st, s, err)) < 0)
        return rc;
    return vg_store_bump_generation(st, err);
}

/* The audit event of a new version: hashset.import for a new set, hashset.replace for a set
   that existed; detail = what the version holds and how its records were counted. */
static int audit_version(vigil_store *st, const vg_import_prov *v, int replaced, vigil_hashset_kind was,
                         vigil_error *err)
{
    const vigil_import_stats *t = v->total;
    sqlite3_stmt *s;
    int64_t version = 0;
    char detail[512], change[40] = "";
    int rc;
    if ((rc = prep(&s, st, "SELECT v.version FROM hashset h JOIN hashset_version v ON v.id = h.current_version"
                   " WHERE h.name = ?", err)) < 0)
        return rc;
    sqlite3_bind_text(s, 1, v->opts->name, -1, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW)
        version = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    if (replaced && was != v->opts->kind)
        snprintf(change, sizeof change, " previous_kind=%s", vigil_hashset_kind_name(was));
    snprintf(detail, sizeof detail,
             "kind=%s%s version=%lld entries=%llu records=%llu added=%llu duplicates=%llu skipped=%llu"
             " rejected=%llu retracted=%llu conflicts=%llu format=%s",
             vigil_hashset_kind_name(v->opts->kind), change, (long long)version, (unsigned long long)v->entries,
             (unsigned long long)(t->records + t->rejected), (unsigned long long)t->added,
             (unsigned long long)t->duplicates, (unsigned long long)t->skipped_empty,
             (unsigned long long)t->rejected, (unsigned long long)t->retracted, (unsigned long long)t->conflicts,
             v->format ? v->format : "");
    if (v->videos)
        snprintf(detail + strlen(detail), sizeof detail - strlen(detail), " videos=%llu frames=%llu",
                 (unsigned long long)v->videos, (unsigned long long)v->video_frames);
    return vg_store_audit(st, replaced ? "hashset.replace" : "hashset.import", v->opts->name, detail, err);
}

int vg_import_commit(vigil_store *st, const vg_import_prov *v, vigil_error *err)
{
    int64_t set_id;
    vigil_hashset_kind was = v->opts->kind;
    char *old = NULL;
    int rc;
    if (vg_store_exec(st, "BEGIN IMMEDIATE", "begin import", err) < 0)
        return VIGIL_ESTORE;
    rc = find_set(&set_id, &was, &old, st, v->opts->name, err);
    if (rc == 0 && set_id && !v->opts->replace && !v->upgrade)
        rc = vigil_error_set(err, VIGIL_EEXISTS, "hash set '%s' exists (remove it, or import with --replace)",
                             v->opts->name);
    if (rc == 0 && set_id && !v->upgrade) /* checked again: another writer may have come between */
        rc = kind_kept(v->opts, was, err);
    if (rc == 0)
        rc = commit_version(st, v, set_id, err);
    if (rc == 0 && !v->upgrade) /* converting a version 2 store changes no set */
        rc = audit_version(st, v, set_id != 0, was, err);
    if (rc == 0)
        rc = vg_store_exec(st, "COMMIT", "commit import", err);
    if (rc < 0) {
        vg_store_exec(st, "ROLLBACK", "rollback import", NULL);
        vg_store_audit_settle(st, 0, NULL);
        free(old);
        return rc;
    }
    if (old) {
        /* readers that mapped it keep their view; new readers see the new version */
        char *path = vg_store_segment_path(st, old);
        if (path) {
            unlink(path);
            vg_pdqx_unlink(path);
            vg_kv_unlink(path);
        }
        free(path);
    }
    free(old);
    return rc;
}

int vg_import_file_failed(const vigil_import_opts *opts, const vigil_error *ferr, size_t *failed, vigil_error *err)
{
    if (ferr->code != VIGIL_EINPUT) /* storage trouble ends the import */
        return vigil_error_set(err, ferr->code, "%s", ferr->msg);
    (*failed)++;
    if (opts->on_reject)
        opts->on_reject(ferr->msg, opts->ud);
    else
        vigil_error_set(err, VIGIL_EINPUT, "%s", ferr->msg);
    return 0;
}

int vg_import_none_imported(const vigil_import_opts *opts, size_t nfiles, size_t ok, size_t failed, vigil_error *err)
{
    if (ok)
        return 0;
    return nfiles == 1 && !opts->on_reject
               ? VIGIL_EINPUT
               : vigil_error_set(err, VIGIL_EINPUT, "no file imported into '%s' (%zu failed)", opts->name, failed);
}

int vg_import_commit_or_discard(vigil_store *st, const vg_import_prov *v, const char *segment,
                                vigil_import_stats *stats, vigil_error *err)
{
    int rc = vg_import_commit(st, v, err);
    if (rc < 0) {
        char *path = vg_store_segment_path(st, segment);
        if (path) {
            unlink(path);
            vg_pdqx_unlink(path);
            vg_kv_unlink(path);
        }
        free(path);
        memset(stats, 0, sizeof *stats);
        return rc;
    }
    /* the new version is current even if its event, held in another database, fails now */
    return vg_store_audit_settle(st, 1, err);
}

/* ---- files ---- */

int vg_import_file_sha256(char hex[65], int fd, const char *path, vigil_error *err)
{
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    uint8_t *buf = malloc(1 << 20), md[32];
    ssize_t n = 0;
    int rc = 0;
    if (!c || !buf || EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1)
        rc = vigil_error_set(err, VIGIL_ENOMEM, "%s: out of memory", path);
    while (rc == 0 && (n = read(fd, buf, 1 << 20)) > 0)
        EVP_DigestUpdate(c, buf, (size_t)n);
    if (rc == 0 && n < 0)
        rc = vigil_error_set(err, VIGIL_EINPUT, "%s: %s", path, strerror(errno));
    if (rc == 0) {
        EVP_DigestFinal_ex(c, md, NULL);
        vg_hex_encode(hex, md, 32);
    }
    EVP_MD_CTX_free(c);
    free(buf);
    return rc;
}

/*
 * The provenance hash of a regular file runs beside its reader, with pread
 * (no effect on the reader's offset). Not mmap: a file cut short while it is
 * imported must give an error, not a SIGBUS.
 */
#define HASH_CHUNK ((size_t)256 << 10)

typedef struct hash_job {
    int fd;
    uint64_t len;
    char *hex;
    int failed;
    pthread_t thread;
} hash_job;

static void *hash_main(void *arg)
{
    hash_job *j = arg;
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    uint8_t md[32], *buf = malloc(HASH_CHUNK);
    uint64_t off = 0;
    j->failed = !c || !buf || EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1;
    posix_fadvise(j->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    while (!j->failed && off < j->len) {
        size_t want = j->len - off < HASH_CHUNK ? (size_t)(j->len - off) : HASH_CHUNK;
        ssize_t n = pread(j->fd, buf, want, (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) { /* an error, or the file got shorter while it was read */
            j->failed = 1;
            break;
        }
        j->failed = EVP_DigestUpdate(c, buf, (size_t)n) != 1;
        off += (uint64_t)n;
    }
    if (!j->failed && EVP_DigestFinal_ex(c, md, NULL) == 1)
        vg_hex_encode(j->hex, md, 32);
    else
        j->failed = 1;
    EVP_MD_CTX_free(c);
    free(buf);
    return NULL;
}

/* Start hashing fd's file in a thread (1), or 0 when it is not a regular file (hash it with vg_import_file_sha256). */
static int hash_start(hash_job *j, int fd, char hex[65])
{
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0)
        return 0;
    *j = (hash_job){fd, (uint64_t)st.st_size, hex, 0, 0};
    return pthread_create(&j->thread, NULL, hash_main, j) == 0;
}

static int hash_finish(hash_job *j, const char *path, vigil_error *err)
{
    pthread_join(j->thread, NULL);
    return j->failed ? vigil_error_set(err, VIGIL_EINPUT, "%s: cannot compute its SHA-256", path) : 0;
}

/*
 * An NSRL delta applies to the database the set was imported from: without
 * --base, that is the set's recorded first source file, if it still exists.
 */
static char *default_base(vigil_store *st, const char *name)
{
    sqlite3_stmt *s;
    char *base = NULL;
    if (sqlite3_prepare_v2(st->db,
                           "SELECT v.sources FROM hashset h JOIN hashset_version v ON v.id = h.current_version"
                           " WHERE h.name = ?", -1, &s, NULL) != SQLITE_OK)
        return NULL;
    sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0)) {
        const char *src = (const char *)sqlite3_column_text(s, 0), *mark = strstr(src, " (sha256 ");
        const char *nl = strchr(src, '\n');
        if (mark && (!nl || mark < nl))
            base = strndup(src, (size_t)(mark - src));
    }
    sqlite3_finalize(s);
    if (base && access(base, R_OK) != 0) {
        free(base);
        base = NULL;
    }
    return base;
}

/* Read one file into the import; a failure on input marks the file failed (its records are dropped). */
static int read_file(vg_import *p, const char *path, vigil_error *err)
{
    const vigil_import_opts *o = p->opts;
    vg_import_file *f;
    vg_hs_read_opts ro;
    vg_hs_sink sink;
    const vg_hs_format *fmt;
    vigil_hashset_format format = o->format;
    hash_job hj;
    struct stat sb;
    int rc, fd, hashing = 0;
    if ((rc = vg_import_file_begin(p, path, err)) < 0)
        return rc;
    f = cur_file(p);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        f->failed = 1;
        return vigil_error_set(err, VIGIL_EINPUT, "%s: %s", path, strerror(errno));
    }
    /* a device or a pipe cannot be read twice (detection and provenance, then the import),
     * and one such as /dev/zero never ends */
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        f->failed = 1;
        return vigil_error_set(err, VIGIL_EINPUT, "%s: not a regular file", path);
    }
    hashing = hash_start(&hj, fd, f->sha256);
    rc = hashing ? 0 : vg_import_file_sha256(f->sha256, fd, path, err);
    if (rc == 0 && format == VIGIL_FORMAT_AUTO)
        rc = vg_hs_detect(&format, fd, path, err);
    fmt = rc == 0 ? vg_hs_format_get(format) : NULL;
    if (rc == 0 && (!fmt || !fmt->read))
        rc = vigil_error_set(err, VIGIL_EINPUT, "%s: no reader for format %s", path, vigil_hashset_format_name(format));
    if (rc == 0 && lseek(fd, 0, SEEK_SET) != 0)
        rc = vigil_error_set(err, VIGIL_EINPUT, "%s: cannot rewind: %s", path, strerror(errno));
    f->stats.format = format;
    if (rc == 0) {
        ro = (vg_hs_read_opts){path, format, o->category_map, o->base ? o->base : p->default_base, p->memory / 8};
        vg_import_sink(&sink, p);
        rc = fmt->read(fd, path, &ro, &sink, err);
    }
    if (hashing && hash_finish(&hj, path, rc < 0 ? NULL : err) < 0 && rc == 0)
        rc = VIGIL_EINPUT;
    close(fd);
    if (rc < 0)
        f->failed = 1;
    return rc;
}

void vg_import_add_stats(vigil_import_stats *a, const vigil_import_stats *b)
{
    a->records += b->records;
    a->added += b->added;
    a->duplicates += b->duplicates;
    a->skipped_empty += b->skipped_empty;
    a->rejected += b->rejected;
    a->retracted += b->retracted;
    a->conflicts += b->conflicts;
    a->format = b->format;
}

/* Sources ("file (sha256 hex)" lines), formats and release of the files that imported. */
static void describe(vg_import *p, vg_buf *sources, vg_buf *formats, const char **release)
{
    *release = NULL;
    for (size_t i = 0; i < p->nfiles; i++) {
        const vg_import_file *f = &p->files[i];
        const char *fmt = vigil_hashset_format_name(f->stats.format);
        if (f->failed)
            continue;
        vg_buf_addf(sources, "%s%s (sha256 %s)", sources->len ? "\n" : "", f->label, f->sha256);
        if (!strstr(formats->ptr ? formats->ptr : "", fmt))
            vg_buf_addf(formats, "%s%s", formats->len ? "," : "", fmt);
        if (!*release && f->release)
            *release = f->release;
    }
}

int vigil_hashset_import(vigil_import_stats *stats, vigil_store *st, const char *const *files, size_t nfiles,
                         const vigil_import_opts *opts, vigil_error *err)
{
    vg_import p;
    vg_buf sources, formats;
    vg_import_prov prov = {0};
    size_t ok = 0, failed = 0;
    char *segment = NULL;
    int rc;
    memset(stats, 0, sizeof *stats);
    if (!opts->name)
        return vigil_error_set(err, VIGIL_EINPUT, "hash set name: empty (a set needs a name)");
    if (!strncmp(opts->name, VIGIL_HASHSET_UNIT_PREFIX, strlen(VIGIL_HASHSET_UNIT_PREFIX)))
        return vigil_error_set(err, VIGIL_EINPUT,
                               "hash set name '%.128s': names starting '" VIGIL_HASHSET_UNIT_PREFIX
                               "' are the units' own sets, written by vigil case categorize",
                               opts->name);
    if ((rc = vg_import_check_name(st, opts, err)) < 0)
        return rc;
    if (opts->format == VIGIL_FORMAT_VPDQ)
        return vg_import_videos(stats, st, files, nfiles, opts, err);
    if ((rc = vg_import_begin(&p, st, opts, err)) < 0) {
        vg_import_end(&p);
        return rc;
    }
    if (!opts->base)
        p.default_base = default_base(st, opts->name);
    for (size_t i = 0; i < nfiles; i++) {
        vigil_error ferr;
        if (read_file(&p, files[i], &ferr) < 0) {
            if ((rc = vg_import_file_failed(opts, &ferr, &failed, err)) < 0)
                break;
            continue;
        }
        ok++;
    }
    if (rc == 0)
        rc = vg_import_none_imported(opts, nfiles, ok, failed, err);
    if (rc == 0)
        rc = vg_import_write(&p, &segment, &prov.entries, err);
    for (size_t i = 0; rc == 0 && i < p.nfiles; i++)
        if (!p.files[i].failed) {
            vg_import_add_stats(stats, &p.files[i].stats);
            if (opts->on_file && nfiles > 1)
                opts->on_file(p.files[i].label, &p.files[i].stats, opts->ud);
        }
    if (rc == 0) {
        vg_buf_init(&sources, 1 << 20);
        vg_buf_init(&formats, 4096);
        describe(&p, &sources, &formats, &prov.release);
        prov.opts = opts;
        prov.total = stats;
        prov.sources = sources.ptr ? sources.ptr : "";
        prov.format = formats.ptr ? formats.ptr : "";
        prov.segment = segment;
        rc = vg_import_commit_or_discard(st, &prov, segment, stats, err);
        vg_buf_dispose(&sources);
        vg_buf_dispose(&formats);
    }
    vg_import_end(&p);
    free(segment);
    if (rc == 0 && failed)
        rc = vigil_error_set(err, VIGIL_EINPUT, "%zu of %zu files failed; the others were imported", failed, nfiles);
    return rc;
}

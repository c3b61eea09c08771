/*
 * Building the exact-match index from the store: read every entry once, sort
 * the digests of each algorithm, write the file beside the database under a
 * temporary name and rename it into place, so a reader sees the old index or
 * the new one, never half of one.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "hashset/store_int.h"
#include "match/index_format.h"
#include "vigil/digest.h"
#include "vigil/index.h"

typedef struct recs {
    uint8_t *p;
    size_t n, cap, size; /* size: bytes per record, digest + u32 ref */
} recs;

typedef struct builder {
    vg_buf strings;
    int64_t *set_ids;    /* store id of each set, in precedence order */
    vg_idx_set *sets;
    size_t nsets;
    vg_idx_ref *refs;
    size_t nrefs, refs_cap;
    uint32_t *ref_slots; /* open addressing over refs, VG_IDX_NONE empty */
    size_t nslots;
    recs r[VG_IDX_ALGS];
} builder;

static uint32_t add_string(builder *b, const unsigned char *s)
{
    uint32_t off;
    if (!s)
        return VG_IDX_NONE;
    off = (uint32_t)b->strings.len;
    vg_buf_add(&b->strings, s, strlen((const char *)s) + 1);
    return off;
}

static const char *str_at(const builder *b, uint32_t off)
{
    return off == VG_IDX_NONE ? NULL : b->strings.ptr + off;
}

static int same_str(const char *a, const unsigned char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, (const char *)b));
}

static size_t hash_ref(uint32_t set, const unsigned char *cat, const unsigned char *ser)
{
    size_t h = 1469598103934665603u ^ set;
    for (const unsigned char *s = cat; s && *s; s++)
        h = (h ^ *s) * 1099511628211u;
    h = (h ^ 0xff) * 1099511628211u;
    for (const unsigned char *s = ser; s && *s; s++)
        h = (h ^ *s) * 1099511628211u;
    return h;
}

static int grow_slots(builder *b)
{
    size_t n = b->nslots ? b->nslots * 2 : 64;
    uint32_t *slots = malloc(n * sizeof *slots);
    if (!slots)
        return -1;
    memset(slots, 0xff, n * sizeof *slots);
    for (size_t i = 0; i < b->nrefs; i++) {
        vg_idx_ref *r = &b->refs[i];
        size_t h = hash_ref(r->set, (const unsigned char *)str_at(b, r->category),
                            (const unsigned char *)str_at(b, r->series)) & (n - 1);
        while (slots[h] != VG_IDX_NONE)
            h = (h + 1) & (n - 1);
        slots[h] = (uint32_t)i;
    }
    free(b->ref_slots);
    b->ref_slots = slots;
    b->nslots = n;
    return 0;
}

/* The ref for (set, category, series), made on first sight. */
static int64_t ref_for(builder *b, uint32_t set, const unsigned char *cat, const unsigned char *ser)
{
    size_t h;
    if ((b->nrefs + 1) * 2 > b->nslots && grow_slots(b) < 0)
        return -1;
    h = hash_ref(set, cat, ser) & (b->nslots - 1);
    while (b->ref_slots[h] != VG_IDX_NONE) {
        vg_idx_ref *r = &b->refs[b->ref_slots[h]];
        if (r->set == set && same_str(str_at(b, r->category), cat) && same_str(str_at(b, r->series), ser))
            return b->ref_slots[h];
        h = (h + 1) & (b->nslots - 1);
    }
    if (b->nrefs == b->refs_cap) {
        size_t ncap = b->refs_cap ? b->refs_cap * 2 : 16;
        vg_idx_ref *p = realloc(b->refs, ncap * sizeof *p);
        if (!p)
            return -1;
        b->refs = p;
        b->refs_cap = ncap;
    }
    b->refs[b->nrefs] = (vg_idx_ref){set, add_string(b, cat), add_string(b, ser), set};
    b->ref_slots[h] = (uint32_t)b->nrefs;
    return (int64_t)b->nrefs++;
}

static int push_rec(recs *r, const void *digest, size_t dlen, uint32_t ref)
{
    if (r->n == r->cap) {
        size_t ncap = r->cap ? r->cap * 2 : 1024;
        uint8_t *p = realloc(r->p, ncap * r->size);
        if (!p)
            return -1;
        r->p = p;
        r->cap = ncap;
    }
    memcpy(r->p + r->n * r->size, digest, dlen);
    memcpy(r->p + r->n * r->size + dlen, &ref, 4);
    r->n++;
    return 0;
}

static int load_sets(builder *b, vigil_store *st, vigil_error *err)
{
    sqlite3_stmt *s;
    int rc;
    if (sqlite3_prepare_v2(st->db, "SELECT id, name, kind, category, series FROM hashset ORDER BY kind, id",
                           -1, &s, NULL))
        return vigil_error_set(err, VIGIL_ESTORE, "%s: %s", st->path, sqlite3_errmsg(st->db));
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        void *p1 = realloc(b->sets, (b->nsets + 1) * sizeof *b->sets);
        void *p2 = p1 ? realloc(b->set_ids, (b->nsets + 1) * sizeof *b->set_ids) : NULL;
        if (p1)
            b->sets = p1;
        if (!p2)
            break;
        b->set_ids = p2;
        b->set_ids[b->nsets] = sqlite3_column_int64(s, 0);
        b->sets[b->nsets] = (vg_idx_set){add_string(b, sqlite3_column_text(s, 1)),
                                         (uint32_t)sqlite3_column_int(s, 2),
                                         add_string(b, sqlite3_column_text(s, 3)),
                                         add_string(b, sqlite3_column_text(s, 4))};
        b->nsets++;
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE)
        return vigil_error_set(err, VIGIL_ESTORE, "%s: reading sets: %s", st->path,
                               rc == SQLITE_ROW ? "out of memory" : sqlite3_errmsg(st->db));
    return 0;
}

static int64_t set_index(const builder *b, int64_t id)
{
    for (size_t i = 0; i < b->nsets; i++)
        if (b->set_ids[i] == id)
            return (int64_t)i;
    return -1;
}

static int load_entries(builder *b, vigil_store *st, vigil_error *err)
{
    sqlite3_stmt *s;
    int64_t last_id = -1, last_idx = -1;
    int rc;
    if (sqlite3_prepare_v2(st->db, "SELECT set_id, category, series, md5, sha1, sha256 FROM hash_entry",
                           -1, &s, NULL))
        return vigil_error_set(err, VIGIL_ESTORE, "%s: %s", st->path, sqlite3_errmsg(st->db));
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(s, 0), ref;
        if (id != last_id) {
            last_id = id;
            last_idx = set_index(b, id);
        }
        if (last_idx < 0)
            continue;
        ref = ref_for(b, (uint32_t)last_idx, sqlite3_column_text(s, 1), sqlite3_column_text(s, 2));
        if (ref < 0)
            break;
        for (int a = 0; a < VG_IDX_ALGS; a++) {
            const void *d = sqlite3_column_blob(s, 3 + a);
            if (d && (unsigned)sqlite3_column_bytes(s, 3 + a) == vg_idx_digest_len[a] &&
                push_rec(&b->r[a], d, vg_idx_digest_len[a], (uint32_t)ref) < 0)
                goto oom;
        }
    }
oom:
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE || vg_buf_failed(&b->strings))
        return vigil_error_set(err, rc == SQLITE_ROW || rc == SQLITE_DONE ? VIGIL_ENOMEM : VIGIL_ESTORE,
                               "%s: reading entries: %s", st->path,
                               rc == SQLITE_ROW || rc == SQLITE_DONE ? "out of memory" : sqlite3_errmsg(st->db));
    return 0;
}

typedef struct sort_ctx {
    size_t dlen;
    const vg_idx_ref *refs;
} sort_ctx;

static int cmp_rec(const void *a, const void *b, void *ud)
{
    const sort_ctx *c = ud;
    uint32_t ra, rb;
    int d = memcmp(a, b, c->dlen);
    if (d)
        return d;
    memcpy(&ra, (const uint8_t *)a + c->dlen, 4);
    memcpy(&rb, (const uint8_t *)b + c->dlen, 4);
    return (c->refs[ra].precedence > c->refs[rb].precedence) - (c->refs[ra].precedence < c->refs[rb].precedence);
}

typedef struct writer {
    FILE *f;
    uint64_t off;
    vigil_digester *body;
    int failed;
} writer;

static void wr(writer *w, const void *p, size_t n)
{
    if (n && fwrite(p, 1, n, w->f) != n)
        w->failed = 1;
    vigil_digester_update(w->body, p, n);
    w->off += n;
}

static void wr_align(writer *w)
{
    static const uint8_t zeros[8];
    if (w->off % 8)
        wr(w, zeros, 8 - w->off % 8);
}

static void write_body(writer *w, builder *b, vg_idx_header *h)
{
    h->nsets = b->nsets;
    h->sets_off = w->off;
    wr(w, b->sets, b->nsets * sizeof *b->sets);
    wr_align(w);
    h->nrefs = b->nrefs;
    h->refs_off = w->off;
    wr(w, b->refs, b->nrefs * sizeof *b->refs);
    wr_align(w);
    h->strings_size = b->strings.len;
    h->strings_off = w->off;
    wr(w, b->strings.ptr, b->strings.len);
    wr_align(w);
    for (int a = 0; a < VG_IDX_ALGS; a++) {
        recs *r = &b->r[a];
        uint64_t prefix[VG_IDX_PREFIXES + 1];
        size_t i = 0;
        for (uint32_t p = 0; p <= VG_IDX_PREFIXES; p++) {
            while (i < r->n && (uint32_t)(r->p[i * r->size] << 8 | r->p[i * r->size + 1]) < p)
                i++;
            prefix[p] = i;
        }
        h->count[a] = r->n;
        h->prefix_off[a] = w->off;
        wr(w, prefix, sizeof prefix);
        h->records_off[a] = w->off;
        wr(w, r->p, r->n * r->size);
        wr_align(w);
    }
}

static int write_index(builder *b, const char *path, uint64_t generation, vigil_error *err)
{
    vg_idx_header h;
    writer w = {0};
    vigil_digests dg;
    size_t tlen = strlen(path) + 32;
    char *tmp = malloc(tlen);
    int rc = tmp ? vigil_digester_new(&w.body, err) : vigil_error_set(err, VIGIL_ENOMEM, "index: out of memory");
    if (rc < 0) {
        free(tmp);
        return rc;
    }
    snprintf(tmp, tlen, "%s.tmp.%ld", path, (long)getpid());
    w.f = fopen(tmp, "wb");
    if (!w.f) {
        rc = vigil_error_set(err, VIGIL_ESTORE, "%s: %s", tmp, strerror(errno));
        goto done;
    }
    memset(&h, 0, sizeof h);
    if (fwrite(&h, 1, sizeof h, w.f) != sizeof h)
        w.failed = 1;
    w.off = sizeof h;
    write_body(&w, b, &h);
    memcpy(h.magic, VG_IDX_MAGIC, 8);
    h.version = VG_IDX_VERSION;
    h.header_size = sizeof h;
    h.generation = generation;
    h.file_size = w.off;
    vigil_digester_final(w.body, &dg);
    memcpy(h.body_sha256, dg.sha256, 32);
    vigil_digest_buffer(&dg, &h, offsetof(vg_idx_header, header_sha256), NULL);
    memcpy(h.header_sha256, dg.sha256, 32);
    if (fseek(w.f, 0, SEEK_SET) != 0 || fwrite(&h, 1, sizeof h, w.f) != sizeof h)
        w.failed = 1;
    if (fflush(w.f) != 0 || fsync(fileno(w.f)) != 0)
        w.failed = 1;
    if (fclose(w.f) != 0)
        w.failed = 1;
    if (w.failed || rename(tmp, path) != 0) {
        rc = vigil_error_set(err, VIGIL_ESTORE, "%s: cannot write index: %s", path, strerror(errno));
        unlink(tmp);
    }
done:
    vigil_digester_free(w.body);
    free(tmp);
    return rc;
}

int vigil_index_build(vigil_store *st, vigil_error *err)
{
    builder b = {0};
    int64_t generation;
    char *path = vg_store_index_path(st);
    int rc = path ? 0 : vigil_error_set(err, VIGIL_ENOMEM, "index: out of memory");
    vg_buf_init(&b.strings, (size_t)UINT32_MAX - 1);
    vg_buf_add(&b.strings, "", 1); /* offset 0 is the empty string, never a real one */
    for (int a = 0; a < VG_IDX_ALGS; a++)
        b.r[a].size = vg_idx_digest_len[a] + 4;
    if (rc == 0)
        rc = vg_store_generation(&generation, st, err);
    if (rc == 0)
        rc = load_sets(&b, st, err);
    if (rc == 0)
        rc = load_entries(&b, st, err);
    if (rc == 0) {
        for (int a = 0; a < VG_IDX_ALGS; a++) {
            sort_ctx c = {vg_idx_digest_len[a], b.refs};
            if (b.r[a].n > 1)
                qsort_r(b.r[a].p, b.r[a].n, b.r[a].size, cmp_rec, &c);
        }
        rc = write_index(&b, path, (uint64_t)generation, err);
    }
    for (int a = 0; a < VG_IDX_ALGS; a++)
        free(b.r[a].p);
    free(b.refs);
    free(b.ref_slots);
    free(b.sets);
    free(b.set_ids);
    vg_buf_dispose(&b.strings);
    free(path);
    return rc;
}

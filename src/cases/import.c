/*
 * `vigil case import`: historic cases and referrals from CSV, all or nothing.
 * Header "record,ref,date,unit,value,note"; records, in time order per case:
 *   case,REF,DATE,OWNER-UNIT,TYPE,TITLE          refer,REF,DATE,TO-UNIT,[DUE-DATE],
 *   accept,REF,DATE,,,                           decline|return,REF,DATE,,REASON,NOTE
 *   status,REF,DATE,,investigating|prosecutor|closed,OUTCOME
 *   suspect,REF,,,SUSPECT-ID,
 * REF names a case within the file and is stored as the registering unit's own reference for it.
 * The whole file is checked against the lifecycle in memory first. A case whose unit already has
 * that reference must match what is stored (then it is left alone: importing a file twice
 * changes nothing); the new ones are written in one transaction, with their history and audit
 * events.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/import.h"
#include "core/buf.h"
#include "core/linereader.h"

const char *const vg_imp_status[6] = {"registered", "referred", "accepted", "investigating", "prosecutor",
                                      "closed"};
static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

imp_case *vg_imp_find_case(importer *im, const char *ref)
{
    for (size_t i = hash(ref) & (im->nslots - 1); im->slots[i]; i = (i + 1) & (im->nslots - 1))
        if (!strcmp(im->cases[im->slots[i] - 1].ref, ref))
            return &im->cases[im->slots[i] - 1];
    return NULL;
}

static int grow_slots(importer *im)
{
    size_t n = im->nslots ? im->nslots * 2 : 1024;
    size_t *s = calloc(n, sizeof *s);
    if (!s)
        return -1;
    for (size_t k = 0; k < im->ncases; k++) {
        size_t i = hash(im->cases[k].ref) & (n - 1);
        while (s[i])
            i = (i + 1) & (n - 1);
        s[i] = k + 1;
    }
    free(im->slots);
    im->slots = s;
    im->nslots = n;
    return 0;
}

static const vigil_unit *find_unit(importer *im, const char *code)
{
    for (size_t i = 0; i < im->nunits; i++)
        if (!strcmp(im->units[i].code, code))
            return &im->units[i];
    return NULL;
}


const char *vg_imp_unit_code(const importer *im, int64_t id)
{
    for (size_t i = 0; i < im->nunits; i++)
        if (im->units[i].id == id)
            return im->units[i].code;
    return "?";
}

/* Record a step of case c's history; detail is printf-formatted. */
__attribute__((format(printf, 6, 7)))
static int add_event(importer *im, const imp_case *c, int64_t t, const char *event, vigil_error *err,
                     const char *fmt, ...)
{
    va_list ap;
    char buf[512];
    imp_event *e;
    if (im->nevents == im->cevents) {
        size_t n = im->cevents ? im->cevents * 2 : 1024;
        imp_event *p = realloc(im->events, n * sizeof *p);
        if (!p)
            return vigil_error_set(err, VIGIL_ENOMEM, "import: out of memory");
        im->events = p;
        im->cevents = n;
    }
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    e = &im->events[im->nevents];
    e->c = (size_t)(c - im->cases);
    e->t = t;
    e->event = event;
    if (!(e->detail = strdup(buf)))
        return vigil_error_set(err, VIGIL_ENOMEM, "import: out of memory");
    im->nevents++;
    return 0;
}

/* Split one CSV line in place into at most 6 fields ("" quoting, no embedded newlines). */
static int split(char *s, char *f[6], int *nf)
{
    int n = 0;
    while (n < 6) {
        char *o = s;
        f[n++] = s;
        if (*s == '"') {
            char *w = s;
            for (s++;; s++) {
                if (!*s)
                    return -1;
                if (*s == '"' && s[1] == '"') {
                    *w++ = '"';
                    s++;
                } else if (*s == '"') {
                    s++;
                    break;
                } else {
                    *w++ = *s;
                }
            }
            if (*s && *s != ',')
                return -1;
            *w = '\0';
            f[n - 1] = o;
            if (!*s)
                break;
            s++;
            continue;
        }
        while (*s && *s != ',')
            s++;
        if (!*s)
            break;
        *s++ = '\0';
    }
    if (n == 6 && *s && f[5] + strlen(f[5]) < s)
        return -1;
    *nf = n;
    for (int i = n; i < 6; i++)
        f[i] = s + strlen(s);   /* an empty string */
    return 0;
}

static int rec_case(importer *im, char **f, int64_t t, vigil_error *err)
{
    const vigil_unit *u = find_unit(im, f[3]);
    imp_case *c;
    if (vg_imp_find_case(im, f[1]))
        return BAD("%s:%llu: case '%s' appears twice", im->path, (unsigned long long)im->line, f[1]);
    if (!u || u->type == VIGIL_UNIT_FOREIGN)
        return BAD("%s:%llu: %s unit '%s'", im->path, (unsigned long long)im->line,
                   u ? "cases cannot belong to foreign" : "unknown", f[3]);
    if (!vigil_case_type_valid(f[4]))
        return BAD("%s:%llu: unknown offence type '%s'", im->path, (unsigned long long)im->line, f[4]);
    if (!f[1][0] || strlen(f[1]) > 47)
        return BAD("%s:%llu: reference '%s': 1-47 characters", im->path, (unsigned long long)im->line, f[1]);
    if (im->ncases == im->ccases) {
        size_t n = im->ccases ? im->ccases * 2 : 1024;
        imp_case *p = realloc(im->cases, n * sizeof *p);
        if (!p)
            return vigil_error_set(err, VIGIL_ENOMEM, "import: out of memory");
        im->cases = p;
        im->ccases = n;
    }
    if ((im->ncases + 1) * 2 > im->nslots && grow_slots(im) < 0)
        return vigil_error_set(err, VIGIL_ENOMEM, "import: out of memory");
    c = &im->cases[im->ncases];
    memset(c, 0, sizeof *c);
    c->ref = strdup(f[1]);
    c->type = strdup(f[4]);
    c->title = f[5][0] ? strdup(f[5]) : NULL;
    if (!c->ref || !c->type || (f[5][0] && !c->title))
        return vigil_error_set(err, VIGIL_ENOMEM, "import: out of memory");
    c->reg_unit = c->owner = u->id;
    c->self = u->type != VIGIL_UNIT_NATIONAL;
    c->reg_t = c->upd_t = t;
    c->last_ref = -1;
    c->line = im->line;
    {
        size_t i = hash(c->ref) & (im->nslots - 1);
        while (im->slots[i])
            i = (i + 1) & (im->nslots - 1);
        im->slots[i] = ++im->ncases;
    }
    return add_event(im, c, t, "registered", err, "by %s, reference %s", u->code, c->ref);
}

static int rec_refer(importer *im, imp_case *c, char **f, int64_t t, vigil_error *err)
{
    const vigil_unit *u = find_unit(im, f[3]);
    imp_ref *r;
    int64_t due = 0;
    if (!u)
        return BAD("%s:%llu: unknown unit '%s'", im->path, (unsigned long long)im->line, f[3]);
    if (c->status != ST_REGISTERED)
        return BAD("%s:%llu: case %s is %s: only a registered case can be referred", im->path,
                   (unsigned long long)im->line, c->ref, vg_imp_status[c->status]);
    if (u->id == c->owner)
        return BAD("%s:%llu: case %s already belongs to %s", im->path, (unsigned long long)im->line, c->ref, u->code);
    if (f[4][0] && vigil_date_parse(&due, f[4], err) < 0)
        return BAD("%s:%llu: bad due date '%s'", im->path, (unsigned long long)im->line, f[4]);
    if (im->nrefs == im->crefs) {
        size_t n = im->crefs ? im->crefs * 2 : 1024;
        imp_ref *p = realloc(im->refs, n * sizeof *p);
        if (!p)
            return vigil_error_set(err, VIGIL_ENOMEM, "import: out of memory");
        im->refs = p;
        im->crefs = n;
    }
    r = &im->refs[im->nrefs];
    memset(r, 0, sizeof *r);
    r->c = (size_t)(c - im->cases);
    r->from = c->owner;
    r->to = u->id;
    r->foreign = u->type == VIGIL_UNIT_FOREIGN;
    r->sent_t = t;
    r->due_day = due ? due / 86400 : t / 86400 + im->reg->cfg.due_days[u->type];
    if (r->due_day < t / 86400)
        return BAD("%s:%llu: the due date is before the referral is sent", im->path, (unsigned long long)im->line);
    r->state = "pending";
    r->line = im->line;
    c->last_ref = (int64_t)im->nrefs++;
    c->status = ST_REFERRED;
    c->upd_t = t;
    {
        char dd[12];
        vigil_date_format(dd, sizeof dd, r->due_day * 86400, 0);
        return add_event(im, c, t, "referred", err, "%s -> %s, due %s", vg_imp_unit_code(im, r->from), u->code, dd);
    }
}

static int rec_answer(importer *im, imp_case *c, char **f, const char *verb, int64_t t, vigil_error *err)
{
    imp_ref *r = c->last_ref >= 0 ? &im->refs[c->last_ref] : NULL;
    int returning = !strcmp(verb, "return");
    if (!returning && (!r || strcmp(r->state, "pending")))
        return BAD("%s:%llu: case %s has no pending referral to %s%s%s", im->path, (unsigned long long)im->line,
                   c->ref, verb, r ? ": it was already " : "", r ? r->state : "");
    if (returning && (!r || strcmp(r->state, "accepted") ||
                      (c->status != ST_ACCEPTED && c->status != ST_INVESTIGATING)))
        return BAD("%s:%llu: case %s is %s: only an accepted case can be returned", im->path,
                   (unsigned long long)im->line, c->ref, vg_imp_status[c->status]);
    if (t / 86400 < r->sent_t / 86400)
        return BAD("%s:%llu: the answer date is before the referral was sent", im->path, (unsigned long long)im->line);
    if (!strcmp(verb, "accept")) {
        r->state = "accepted";
        c->status = ST_ACCEPTED;
        c->owner = r->to;
    } else {
        int k;
        for (k = 0; k < 7 && strcmp(vigil_reasons[k], f[4]); k++)
            ;
        if (k == 7)
            return BAD("%s:%llu: unknown reason '%s'", im->path, (unsigned long long)im->line, f[4]);
        if (k == 6 && !f[5][0])
            return BAD("%s:%llu: reason 'other' needs a note", im->path, (unsigned long long)im->line);
        r->state = returning ? "returned" : "declined";
        r->reason = vigil_reasons[k];
        if (f[5][0] && !(r->note = strdup(f[5])))
            return vigil_error_set(err, VIGIL_ENOMEM, "import: out of memory");
        c->status = ST_REGISTERED;
        c->owner = r->from;
    }
    r->ans_t = t;
    r->ans_line = im->line;
    c->upd_t = t;
    im->answers++;
    if (!r->reason)
        return add_event(im, c, t, "accepted", err, "by %s", vg_imp_unit_code(im, r->to));
    return add_event(im, c, t, r->state, err, "by %s: %s%s%s", vg_imp_unit_code(im, r->to), r->reason,
                     r->note ? ", " : "", r->note ? r->note : "");
}

static int rec_status(importer *im, imp_case *c, char **f, int64_t t, vigil_error *err)
{
    int to;
    for (to = 3; to < 6 && strcmp(vg_imp_status[to], f[4]); to++)
        ;
    if (to == 6)
        return BAD("%s:%llu: unknown status '%s'", im->path, (unsigned long long)im->line, f[4]);
    int from = c->status;
    if (!vg_status_next_ok(vg_imp_status[c->status], f[4]))
        return BAD("%s:%llu: case %s is %s: it cannot move to %s", im->path, (unsigned long long)im->line, c->ref,
                   vg_imp_status[c->status], f[4]);
    if ((to == ST_CLOSED) != (f[5][0] != '\0') || (to == ST_CLOSED && !vigil_outcome_valid(f[5])))
        return BAD("%s:%llu: %s outcome '%s'", im->path, (unsigned long long)im->line,
                   to == ST_CLOSED ? "closing needs a known" : "only closing takes an", f[5]);
    c->status = to;
    if (to == ST_CLOSED && !(c->outcome = strdup(f[5])))
        return vigil_error_set(err, VIGIL_ENOMEM, "import: out of memory");
    c->upd_t = t;
    c->status_line = im->line;
    return add_event(im, c, t, "status", err, "%s -> %s%s%s", vg_imp_status[from], vg_imp_status[to], c->outcome ? ", outcome " : "",
                     c->outcome ? c->outcome : "");
}

static int one_line(importer *im, char *line, vigil_error *err)
{
    char *f[6], why[128];
    int nf;
    int64_t t = 0;
    imp_case *c;
    size_t n = strlen(line);
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    if (n == 0)
        return 0;
    if (split(line, f, &nf) < 0)
        return BAD("%s:%llu: bad CSV quoting", im->path, (unsigned long long)im->line);
    if (!strcmp(f[0], "suspect")) {
        if (!(c = vg_imp_find_case(im, f[1])))
            return BAD("%s:%llu: unknown case '%s'", im->path, (unsigned long long)im->line, f[1]);
        char **p = realloc(c->susp, (size_t)(c->nsusp + 1) * sizeof *p);
        if (!p || !(p[c->nsusp] = strdup(f[4])))
            return vigil_error_set(err, VIGIL_ENOMEM, "import: out of memory");
        c->susp = p;
        if (!c->nsusp++)
            c->susp_line = im->line;
        return 0;
    }
    if (vigil_date_parse(&t, f[2], NULL) < 0)
        return BAD("%s:%llu: bad date '%s'", im->path, (unsigned long long)im->line, f[2]);
    c = strcmp(f[0], "case") ? vg_imp_find_case(im, f[1]) : NULL;
    if (strcmp(f[0], "case") && !c)
        return BAD("%s:%llu: unknown case '%s'", im->path, (unsigned long long)im->line, f[1]);
    if (vg_event_date_check(t, c ? c->upd_t : 0, vg_clock_now(&im->reg->clock), why, sizeof why) < 0)
        return BAD("%s:%llu: %s", im->path, (unsigned long long)im->line, why);
    if (!c)
        return rec_case(im, f, t, err);
    if (!strcmp(f[0], "refer"))
        return rec_refer(im, c, f, t, err);
    if (!strcmp(f[0], "accept") || !strcmp(f[0], "decline") || !strcmp(f[0], "return"))
        return rec_answer(im, c, f, f[0], t, err);
    if (!strcmp(f[0], "status"))
        return rec_status(im, c, f, t, err);
    return BAD("%s:%llu: unknown record '%s' (known: case, suspect, refer, accept, decline, return, status)",
               im->path, (unsigned long long)im->line, f[0]);
}

static int read_file(importer *im, vigil_error *err)
{
    FILE *fp = fopen(im->path, "r");
    vg_linereader lr;
    char *line;
    ssize_t n = 0;
    int rc = 0;
    if (!fp)
        return vigil_error_set(err, VIGIL_EINPUT, "%s: %s", im->path, strerror(errno));
    if ((rc = vg_linereader_init(&lr, fp, im->path, "", VG_LINE_MAX, err)) < 0) {
        fclose(fp);
        return rc;
    }
    while (rc == 0 && (n = vg_linereader_next(&lr, &line, err)) > 0) {
        im->line++;
        if (im->line == 1) {
            if (strncmp(line, "record,ref,date,unit,value,note", 31))
                rc = BAD("%s:1: expected the header 'record,ref,date,unit,value,note'", im->path);
            continue;
        }
        rc = one_line(im, line, err);
    }
    if (rc == 0 && n < 0)
        rc = (int)n;
    if (rc == 0 && im->line == 0)
        rc = BAD("%s: empty file", im->path);
    vg_linereader_dispose(&lr);
    fclose(fp);
    return rc;
}

/* On PostgreSQL rows go out in multi-row INSERTs, one round trip per BATCH rows; SQLite runs
 * the cached one-row statement (measured faster there: big statements cost system time). */
#define BATCH 200
#define MAXCOLS 13

typedef struct batch {
    vg_db *db;
    const char *head;           /* "INSERT INTO t(a, b) VALUES" */
    int ncols, rows, max;
    const char *p[BATCH * MAXCOLS];
    char num[BATCH][MAXCOLS][24];
    vg_buf sql;
} batch;

static batch *batch_new(vg_db *db, const char *head, int ncols)
{
    batch *b = calloc(1, sizeof *b);
    if (b) {
        b->db = db;
        b->head = head;
        b->ncols = ncols;
        b->max = vg_db_is_pg(db) ? BATCH : 1;
        vg_buf_init(&b->sql, 1 << 20);
    }
    return b;
}

static const char *batch_num(batch *b, int col, int64_t v)
{
    snprintf(b->num[b->rows][col], 24, "%lld", (long long)v);
    return b->num[b->rows][col];
}

static int batch_flush(batch *b, vigil_error *err)
{
    int rc;
    if (b->rows == 0)
        return 0;
    vg_buf_reset(&b->sql);
    vg_buf_adds(&b->sql, b->head);
    for (int r = 0; r < b->rows; r++) {
        vg_buf_adds(&b->sql, r ? ", (" : " (");
        for (int c = 0; c < b->ncols; c++)
            vg_buf_adds(&b->sql, c ? ", ?" : "?");
        vg_buf_addc(&b->sql, ')');
    }
    if (vg_buf_failed(&b->sql))
        return vigil_error_set(err, VIGIL_ENOMEM, "import: out of memory");
    rc = vg_db_exec(b->db, b->sql.ptr, b->p, b->rows * b->ncols, NULL, err);
    b->rows = 0;
    return rc;
}

/* The current row's parameters; call batch_row when they are filled. */
static const char **batch_cells(batch *b)
{
    return &b->p[b->rows * b->ncols];
}

static int batch_row(batch *b, vigil_error *err)
{
    return ++b->rows == b->max ? batch_flush(b, err) : 0;
}

static void batch_free(batch *b)
{
    if (b) {
        vg_buf_dispose(&b->sql);
        free(b);
    }
}

static int write_cases(importer *im, size_t nnew, vigil_error *err)
{
    char at[BATCH][24], upd[BATCH][24];
    int64_t *ids = NULL;
    batch *b = batch_new(im->reg->db, "INSERT INTO cases(id, type, title, reg_unit, owner_unit, status, outcome,"
                         " registered_at, reg_day, self_registered, updated_at, ref) VALUES", 12);
    batch *s = batch_new(im->reg->db, "INSERT INTO suspects(case_id, suspect) VALUES", 2);
    size_t next = 0;
    int rc = b && s ? vg_db_reserve_ids(im->reg->db, "cases", nnew, &ids, err)
                    : vigil_error_set(err, VIGIL_ENOMEM, "import: out of memory");
    for (size_t i = 0; rc == 0 && i < im->ncases; i++) {
        imp_case *c = &im->cases[i];
        const char **p = batch_cells(b);
        if (c->stored)
            continue;
        c->id = ids[next++];
        vg_iso(at[b->rows], c->reg_t);
        vg_iso(upd[b->rows], c->upd_t);
        p[0] = batch_num(b, 0, c->id);
        p[1] = c->type;
        p[2] = c->title;
        p[3] = batch_num(b, 3, c->reg_unit);
        p[4] = batch_num(b, 4, c->owner);
        p[5] = vg_imp_status[c->status];
        p[6] = c->outcome;
        p[7] = at[b->rows];
        p[8] = batch_num(b, 8, c->reg_t / 86400);
        p[9] = c->self ? "1" : "0";
        p[10] = upd[b->rows];
        p[11] = c->ref;
        rc = batch_row(b, err);
        /* the same suspect named twice in the file is stored once */
        for (int k = 0; rc == 0 && k < c->nsusp; k++) {
            int dup = 0;
            for (int d = 0; d < k; d++)
                dup |= !strcmp(c->susp[d], c->susp[k]);
            if (dup)
                continue;
            p = batch_cells(s);
            p[0] = batch_num(s, 0, c->id);
            p[1] = c->susp[k];
            rc = batch_row(s, err);
        }
    }
    if (rc == 0)
        rc = batch_flush(b, err);
    if (rc == 0)
        rc = batch_flush(s, err);
    free(ids);
    batch_free(b);
    batch_free(s);
    return rc;
}

static int write_refs(importer *im, vigil_error *err)
{
    char sent[BATCH][24], ans[BATCH][24];
    batch *b = batch_new(im->reg->db, "INSERT INTO referrals(case_id, from_unit, to_unit, to_foreign, case_type,"
                         " sent_at, sent_day, due_day, state, answered_at, answered_day, reason, note) VALUES", 13);
    int rc = b ? 0 : vigil_error_set(err, VIGIL_ENOMEM, "import: out of memory");
    for (size_t i = 0; rc == 0 && i < im->nrefs; i++) {
        imp_ref *r = &im->refs[i];
        const imp_case *c = &im->cases[r->c];
        const char **p = batch_cells(b);
        if (c->stored)
            continue;
        vg_iso(sent[b->rows], r->sent_t);
        vg_iso(ans[b->rows], r->ans_t);
        p[0] = batch_num(b, 0, c->id);
        p[1] = batch_num(b, 1, r->from);
        p[2] = batch_num(b, 2, r->to);
        p[3] = r->foreign ? "1" : "0";
        p[4] = c->type;
        p[5] = sent[b->rows];
        p[6] = batch_num(b, 6, r->sent_t / 86400);
        p[7] = batch_num(b, 7, r->due_day);
        p[8] = r->state;
        p[9] = r->ans_t ? ans[b->rows] : NULL;
        p[10] = r->ans_t ? batch_num(b, 10, r->ans_t / 86400) : NULL;
        p[11] = r->reason;
        p[12] = r->note;
        rc = batch_row(b, err);
    }
    if (rc == 0)
        rc = batch_flush(b, err);
    batch_free(b);
    return rc;
}

/* The history of the new cases, as the online commands write it, with the importer's name. */
static int write_events(importer *im, const vigil_actor *who, vigil_error *err)
{
    char at[BATCH][24];
    batch *b = batch_new(im->reg->db, "INSERT INTO case_events(case_id, at, who, event, detail) VALUES", 5);
    int rc = b ? 0 : vigil_error_set(err, VIGIL_ENOMEM, "import: out of memory");
    for (size_t i = 0; rc == 0 && i < im->nevents; i++) {
        const imp_event *e = &im->events[i];
        const imp_case *c = &im->cases[e->c];
        const char **p = batch_cells(b);
        if (c->stored)
            continue;
        vg_iso(at[b->rows], e->t);
        p[0] = batch_num(b, 0, c->id);
        p[1] = at[b->rows];
        p[2] = who->name;
        p[3] = e->event;
        p[4] = e->detail;
        rc = batch_row(b, err);
    }
    if (rc == 0)
        rc = batch_flush(b, err);
    batch_free(b);
    return rc;
}

static void importer_dispose(importer *im)
{
    for (size_t i = 0; i < im->nevents; i++)
        free(im->events[i].detail);
    free(im->events);
    for (size_t i = 0; i < im->ncases; i++) {
        imp_case *c = &im->cases[i];
        free(c->ref);
        free(c->type);
        free(c->title);
        free(c->outcome);
        for (int k = 0; k < c->nsusp; k++)
            free(c->susp[k]);
        free(c->susp);
    }
    for (size_t i = 0; i < im->nrefs; i++)
        free(im->refs[i].note);
    free(im->cases);
    free(im->refs);
    free(im->slots);
    free(im->units);
}

/* One case.import event per imported case (detail: the file and the case's ref). */
static int audit_cases(importer *im, const vigil_actor *who, vigil_error *err)
{
    int64_t *ids = malloc((im->ncases ? im->ncases : 1) * sizeof *ids);
    char **details = calloc(im->ncases ? im->ncases : 1, sizeof *details);
    int rc = ids && details ? 0 : vigil_error_set(err, VIGIL_ENOMEM, "import: out of memory");
    size_t n = 0;
    for (size_t i = 0; rc == 0 && i < im->ncases; i++) {
        const char *ref = im->cases[i].ref ? im->cases[i].ref : "";
        size_t len = strlen(im->path) + strlen(ref) + 12;
        if (im->cases[i].stored)
            continue;
        ids[n] = im->cases[i].id;
        if (!(details[n] = malloc(len)))
            rc = vigil_error_set(err, VIGIL_ENOMEM, "import: out of memory");
        else
            snprintf(details[n], len, "file=%s ref=%s", im->path, ref);
        n++;
    }
    if (rc == 0)
        rc = vg_reg_audit_cases(im->reg, who, "case.import", ids, (const char *const *)details, n, err);
    for (size_t i = 0; details && i < im->ncases; i++)
        free(details[i]);
    free(details);
    free(ids);
    return rc;
}

int vigil_case_import(vigil_import_result *res, vigil_registry *reg, const vigil_actor *who, const char *path,
                      vigil_error *err)
{
    importer im = {.reg = reg, .path = path};
    uint64_t unchanged = 0, nrefs = 0, answers = 0;
    char detail[200];
    int rc;
    memset(res, 0, sizeof *res);
    if ((rc = vg_policy_check(who, VG_ACT_ADMIN, 0, "case import", err)) < 0)
        return rc;
    if ((rc = vigil_unit_list(&im.units, &im.nunits, reg, who, err)) < 0)
        return rc;
    if ((rc = grow_slots(&im)) < 0)
        rc = vigil_error_set(err, VIGIL_ENOMEM, "import: out of memory");
    if (rc == 0)
        rc = read_file(&im, err);
    /* under the transaction: no one adds the same reference between the check and the write */
    if (rc == 0 && (rc = vg_db_begin(reg->db, err)) == 0) {
        vg_db_bulk(reg->db);
        if ((rc = vg_imp_match_stored(&im, &unchanged, err)) == 0) {
            for (size_t i = 0; i < im.nrefs; i++)
                nrefs += !im.cases[im.refs[i].c].stored;
            for (size_t i = 0; i < im.nevents; i++)   /* accepts, declines and returns */
                answers += !im.cases[im.events[i].c].stored && im.events[i].event[0] != 's' &&
                           strcmp(im.events[i].event, "registered") && strcmp(im.events[i].event, "referred");
            rc = write_cases(&im, im.ncases - unchanged, err);
        }
        if (rc == 0)
            rc = write_refs(&im, err);
        if (rc == 0)
            rc = write_events(&im, who, err);
        snprintf(detail, sizeof detail, "file=%s lines=%llu cases=%llu unchanged=%llu referrals=%llu answers=%llu",
                 path, (unsigned long long)im.line, (unsigned long long)(im.ncases - unchanged),
                 (unsigned long long)unchanged, (unsigned long long)nrefs, (unsigned long long)answers);
        /* each imported case is an object of the log, with its state; then the import itself */
        if (rc == 0)
            rc = audit_cases(&im, who, err);
        if (rc == 0)
            rc = vg_reg_audit(reg, who, "case.import", "cases", detail, 0, err);
        if (rc == 0)
            rc = vg_db_commit(reg->db, err);
        else
            vg_db_rollback(reg->db);
    }
    if (rc == 0) {
        res->lines = im.line;
        res->cases = im.ncases - unchanged;
        res->unchanged = unchanged;
        res->referrals = nrefs;
        res->answers = answers;
    }
    importer_dispose(&im);
    return rc;
}

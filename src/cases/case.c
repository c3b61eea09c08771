/*
 * Cases and referrals: registration, referral with a deadline, accept, decline or
 * return with a reason, status changes along the lifecycle. Each command checks the
 * policy, runs in one transaction with its audit event, and changes nothing on error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/reg.h"

static const char *const case_types[] = {"possession", "distribution", "production", "grooming",
                                         "sex-tourism", "network"};
static const char *const outcomes[] = {"prosecuted", "settlement", "no-suspect", "insufficient-evidence",
                                       "transferred", "duplicate"};
const char *const vigil_reasons[7] = {"capacity", "other-priority", "no-digital-support",
                                      "insufficient-info", "jurisdiction", "duplicate", "other"};

static int index_of(const char *const *v, size_t n, const char *s)
{
    for (size_t i = 0; s && i < n; i++)
        if (!strcmp(v[i], s))
            return (int)i;
    return -1;
}

int vg_case_type_index(const char *s) { return index_of(case_types, 6, s); }
int vigil_case_type_valid(const char *s) { return index_of(case_types, 6, s) >= 0; }
int vigil_outcome_valid(const char *s) { return index_of(outcomes, 6, s) >= 0; }
int vigil_reason_valid(const char *s) { return index_of(vigil_reasons, 7, s) >= 0; }

/* The moves `case status` may make; referred and accepted come only from refer/accept. */
static const struct { const char *from, *to; } moves[] = {
    {"registered", "investigating"}, {"registered", "closed"},
    {"accepted", "investigating"},   {"accepted", "closed"},
    {"investigating", "prosecutor"}, {"investigating", "closed"},
    {"prosecutor", "closed"},
};

int vg_status_next_ok(const char *from, const char *to)
{
    for (size_t i = 0; i < sizeof moves / sizeof moves[0]; i++)
        if (!strcmp(moves[i].from, from) && !strcmp(moves[i].to, to))
            return 1;
    return 0;
}

typedef struct case_core {
    int64_t id, owner, reg_unit;
    char status[16], type[16];
} case_core;

typedef struct last_ref {
    int64_t id, from, to, sent;
    char state[12], answered[24];
} last_ref;

static void i64s(char buf[24], int64_t v)
{
    snprintf(buf, 24, "%lld", (long long)v);
}

static int load_case(case_core *c, vigil_registry *reg, const vigil_actor *who, int64_t id, vigil_error *err)
{
    vg_rows r;
    char ids[24];
    const char *p[1] = {ids};
    int rc;
    /* Visibility before anything about the case (its state, its referrals): another unit's case
       and an unknown id get the same refusal. */
    if ((rc = vg_policy_can_read(reg, who, id, err)) < 0)
        return rc;
    i64s(ids, id);
    rc = vg_db_query(reg->db, &r, "SELECT id, owner_unit, reg_unit, status, type FROM cases WHERE id = ?",
                     p, 1, err);
    if (rc < 0)
        return rc;
    if (r.nrows == 0) {   /* only users who see every case get here */
        vg_rows_free(&r);
        return vigil_error_set(err, VIGIL_ENOTFOUND, "unknown case %lld", (long long)id);
    }
    c->id = id;
    c->owner = vg_cell_i64(&r, 0, 1);
    c->reg_unit = vg_cell_i64(&r, 0, 2);
    snprintf(c->status, sizeof c->status, "%s", vg_cell(&r, 0, 3));
    snprintf(c->type, sizeof c->type, "%s", vg_cell(&r, 0, 4));
    vg_rows_free(&r);
    return 0;
}

/* The case's newest referral; ref->id = 0 if it has none. */
static int load_last_ref(last_ref *ref, vigil_registry *reg, int64_t case_id, vigil_error *err)
{
    vg_rows r;
    char ids[24];
    const char *p[1] = {ids};
    int rc;
    memset(ref, 0, sizeof *ref);
    i64s(ids, case_id);
    rc = vg_db_query(reg->db, &r, "SELECT id, from_unit, to_unit, state, answered_at, sent_day FROM referrals"
                     " WHERE case_id = ? ORDER BY id DESC LIMIT 1", p, 1, err);
    if (rc < 0)
        return rc;
    if (r.nrows) {
        ref->id = vg_cell_i64(&r, 0, 0);
        ref->from = vg_cell_i64(&r, 0, 1);
        ref->to = vg_cell_i64(&r, 0, 2);
        snprintf(ref->state, sizeof ref->state, "%s", vg_cell(&r, 0, 3));
        snprintf(ref->answered, sizeof ref->answered, "%s", vg_cell(&r, 0, 4) ? vg_cell(&r, 0, 4) : "");
        ref->sent = vg_cell_i64(&r, 0, 5);
    }
    vg_rows_free(&r);
    return 0;
}

/* Finish a command: audit, commit, and keep its one-line summary for the caller
 * (vigil_registry_last_change); or roll back everything. */
static int finish(vigil_registry *reg, int rc, const vigil_actor *who, const char *action, int64_t case_id,
                  const char *detail, int64_t at, const char *summary, vigil_error *err)
{
    char obj[32];
    snprintf(obj, sizeof obj, "case:%lld", (long long)case_id);
    if (rc == 0)
        rc = vg_reg_audit(reg, who, action, obj, detail, at, err);
    if (rc == 0) {
        if ((rc = vg_db_commit(reg->db, err)) == 0)
            snprintf(reg->last_change, sizeof reg->last_change, "case %lld %s", (long long)case_id, summary);
        return rc;
    }
    vg_db_rollback(reg->db);
    return rc;
}

/* A unit's own reference: printable, no commas (it is a CSV column), at most 47 bytes. */
static int ref_check(const char *ref, vigil_error *err)
{
    size_t n = strlen(ref);
    int ok = n > 0 && n < sizeof ((vigil_case *)0)->ref;
    for (const unsigned char *p = (const unsigned char *)ref; ok && *p; p++)
        ok = *p >= 0x20 && *p != 0x7f && *p != ',';
    return ok ? 0 : vigil_error_set(err, VIGIL_EINPUT, "reference '%s': 1-47 printable characters, no commas", ref);
}

static int64_t when(int64_t at)
{
    return at ? at : vg_now();
}

int vigil_case_new(int64_t *id_out, vigil_registry *reg, const vigil_actor *who, const vigil_case_spec *s,
                   vigil_error *err)
{
    vigil_unit u;
    char at[24], day[24], uid[24], self[2], ids[24], detail[160], summary[160];
    int64_t t = when(s->at), id = 0, taken = 0;
    int rc;
    *id_out = 0;
    if ((rc = vg_unit_by_code(&u, reg, s->unit, err)) < 0)
        return rc;
    if ((rc = vg_policy_check(who, VG_ACT_CASE_NEW, u.id, "case new", err)) < 0)
        return rc;
    if (!vigil_case_type_valid(s->type))
        return vigil_error_set(err, VIGIL_EINPUT, "unknown offence type '%s' (known: possession, distribution,"
                               " production, grooming, sex-tourism, network)", s->type ? s->type : "");
    if (u.type == VIGIL_UNIT_FOREIGN)
        return vigil_error_set(err, VIGIL_EINPUT, "unit %s is a foreign service: it cannot own cases", u.code);
    for (size_t i = 0; i < s->nsuspects; i++)
        if (!s->suspects[i][0] || strchr(s->suspects[i], ','))
            return vigil_error_set(err, VIGIL_EINPUT, "suspect id '%s': must be non-empty, without commas",
                                   s->suspects[i]);
    if ((rc = vg_case_date_check(reg, 0, t, err)) < 0)
        return rc;
    vg_iso(at, t);
    i64s(day, t / 86400);
    i64s(uid, u.id);
    if (s->ref) {
        const char *q[2] = {uid, s->ref};
        if ((rc = ref_check(s->ref, err)) < 0 ||
            (rc = vg_db_int(reg->db, &taken, "SELECT count(*) FROM cases WHERE reg_unit = ? AND ref = ?", q, 2,
                            err)) < 0)
            return rc;
        if (taken)
            return vigil_error_set(err, VIGIL_EEXISTS, "unit %s already has a case with reference '%s'", u.code,
                                   s->ref);
    }
    snprintf(self, sizeof self, "%d", u.type != VIGIL_UNIT_NATIONAL);
    if ((rc = vg_db_begin(reg->db, err)) < 0)
        return rc;
    {
        const char *p[9] = {s->type, s->title, uid, uid, at, day, self, at, s->ref};
        rc = vg_db_insert(reg->db, &id, "INSERT INTO cases(type, title, reg_unit, owner_unit, status,"
                          " registered_at, reg_day, self_registered, updated_at, ref)"
                          " VALUES(?, ?, ?, ?, 'registered', ?, ?, ?, ?, ?)", p, 9, err);
        if (rc == VIGIL_EEXISTS)   /* a case of another unit now, that this user cannot see */
            rc = vigil_error_set(err, VIGIL_EEXISTS, "unit %s already has a case with reference '%s'", u.code,
                                 s->ref ? s->ref : "");
    }
    i64s(ids, id);
    for (size_t i = 0; rc == 0 && i < s->nsuspects; i++) {
        const char *p[2] = {ids, s->suspects[i]};
        rc = vg_db_exec(reg->db, "INSERT INTO suspects(case_id, suspect) VALUES(?, ?)", p, 2, NULL, err);
        if (rc == VIGIL_EEXISTS)
            rc = 0;   /* the same suspect named twice */
    }
    snprintf(detail, sizeof detail, "by %s%s%s", u.code, s->ref ? ", reference " : "", s->ref ? s->ref : "");
    if (rc == 0)
        rc = vg_case_event(reg, who, id, t, "registered", detail, err);
    snprintf(summary, sizeof summary, "registered for %s%s%s", u.code, s->ref ? ", reference " : "",
             s->ref ? s->ref : "");
    snprintf(detail, sizeof detail, "unit=%s type=%s", u.code, s->type);
    rc = finish(reg, rc, who, "case.new", id, detail, s->at, summary, err);
    if (rc == 0)
        *id_out = id;
    return rc;
}

int vigil_case_refer(vigil_registry *reg, const vigil_actor *who, int64_t case_id, const char *to, int64_t due,
                     int due_days, int64_t at, vigil_error *err)
{
    case_core c;
    vigil_unit u, from;
    char sent[24], sday[24], dday[24], ids[24], fid[24], tid[24], foreign[2], detail[128], dd[12], summary[96];
    int64_t t = when(at), dueday;
    int rc;
    if ((rc = load_case(&c, reg, who, case_id, err)) < 0 || (rc = vg_unit_by_code(&u, reg, to, err)) < 0)
        return rc;
    if ((rc = vg_policy_check(who, VG_ACT_CASE_OWNER, c.owner, "case refer", err)) < 0)
        return rc;
    if (strcmp(c.status, "registered"))
        return vigil_error_set(err, VIGIL_ESTATE, "case %lld is %s: only a registered case can be referred",
                               (long long)case_id, c.status);
    if (u.id == c.owner)
        return vigil_error_set(err, VIGIL_EINPUT, "case %lld already belongs to %s", (long long)case_id, u.code);
    if ((rc = vg_unit_by_id(&from, reg, c.owner, err)) < 0 || (rc = vg_case_date_check(reg, case_id, t, err)) < 0)
        return rc;
    dueday = due ? due / 86400 : t / 86400 + (due_days >= 0 ? due_days : reg->cfg.due_days[u.type]);
    if (dueday < t / 86400)
        return vigil_error_set(err, VIGIL_EINPUT, "case %lld: the due date is before the referral is sent",
                               (long long)case_id);
    vg_iso(sent, t);
    i64s(sday, t / 86400);
    i64s(dday, dueday);
    i64s(ids, case_id);
    i64s(fid, c.owner);
    i64s(tid, u.id);
    snprintf(foreign, sizeof foreign, "%d", u.type == VIGIL_UNIT_FOREIGN);
    if ((rc = vg_db_begin(reg->db, err)) < 0)
        return rc;
    {
        const char *p[8] = {ids, fid, tid, foreign, c.type, sent, sday, dday};
        const char *q[2] = {sent, ids};
        int64_t rid;
        rc = vg_db_insert(reg->db, &rid, "INSERT INTO referrals(case_id, from_unit, to_unit, to_foreign,"
                          " case_type, sent_at, sent_day, due_day, state) VALUES(?, ?, ?, ?, ?, ?, ?, ?, 'pending')",
                          p, 8, err);
        if (rc == 0)
            rc = vg_db_exec(reg->db, "UPDATE cases SET status = 'referred', updated_at = ? WHERE id = ?", q, 2,
                            NULL, err);
    }
    vigil_date_format(dd, sizeof dd, dueday * 86400, 0);
    snprintf(detail, sizeof detail, "%s -> %s, due %s", from.code, u.code, dd);
    if (rc == 0)
        rc = vg_case_event(reg, who, case_id, t, "referred", detail, err);
    snprintf(summary, sizeof summary, "referred to %s, due %s", u.code, dd);
    snprintf(detail, sizeof detail, "from=%s to=%s due=%s", from.code, u.code, dd);
    return finish(reg, rc, who, "case.refer", case_id, detail, at, summary, err);
}

/* The pending referral a unit may answer, or a clear error. */
static int pending_for_answer(last_ref *ref, case_core *c, vigil_registry *reg, const vigil_actor *who,
                              int64_t case_id, const char *verb, int64_t t, vigil_error *err)
{
    vigil_unit to;
    int rc;
    if ((rc = load_case(c, reg, who, case_id, err)) < 0 || (rc = load_last_ref(ref, reg, case_id, err)) < 0)
        return rc;
    if (ref->id && (rc = vg_policy_check(who, VG_ACT_CASE_ANSWER, ref->to, verb, err)) < 0)
        return rc;
    if (!ref->id || !strcmp(ref->state, "declined") || !strcmp(ref->state, "returned"))
        return vigil_error_set(err, VIGIL_ESTATE, "case %lld is %s: it has no pending referral to %s",
                               (long long)case_id, c->status, verb + 5);
    if (strcmp(ref->state, "pending")) {
        vg_unit_by_id(&to, reg, ref->to, NULL);
        return vigil_error_set(err, VIGIL_ESTATE, "case %lld: the referral to %s was already %s on %.10s",
                               (long long)case_id, to.code, ref->state, ref->answered);
    }
    if (t / 86400 < ref->sent)
        return vigil_error_set(err, VIGIL_EINPUT, "case %lld: the answer date is before the referral was sent",
                               (long long)case_id);
    return 0;
}

int vigil_case_accept(vigil_registry *reg, const vigil_actor *who, int64_t case_id, int64_t at, vigil_error *err)
{
    case_core c;
    last_ref ref;
    char ts[24], day[24], rid[24], ids[24], tid[24], detail[64];
    vigil_unit to;
    int64_t t = when(at);
    int rc = pending_for_answer(&ref, &c, reg, who, case_id, "case accept", t, err);
    if (rc < 0 || (rc = vg_case_date_check(reg, case_id, t, err)) < 0)
        return rc;
    vg_iso(ts, t);
    i64s(day, t / 86400);
    i64s(rid, ref.id);
    i64s(ids, case_id);
    i64s(tid, ref.to);
    if ((rc = vg_db_begin(reg->db, err)) < 0)
        return rc;
    {
        const char *p[3] = {ts, day, rid};
        const char *q[3] = {tid, ts, ids};
        rc = vg_db_exec(reg->db, "UPDATE referrals SET state = 'accepted', answered_at = ?, answered_day = ?"
                        " WHERE id = ?", p, 3, NULL, err);
        if (rc == 0)
            rc = vg_db_exec(reg->db, "UPDATE cases SET status = 'accepted', owner_unit = ?, updated_at = ?"
                            " WHERE id = ?", q, 3, NULL, err);
    }
    if (rc == 0 && (rc = vg_unit_by_id(&to, reg, ref.to, err)) == 0) {
        snprintf(detail, sizeof detail, "by %s", to.code);
        rc = vg_case_event(reg, who, case_id, t, "accepted", detail, err);
    }
    snprintf(detail, sizeof detail, "accepted by %s", rc == 0 ? to.code : "?");
    return finish(reg, rc, who, "case.accept", case_id, "referral accepted", at, detail, err);
}

int vigil_case_decline(vigil_registry *reg, const vigil_actor *who, int64_t case_id, const char *reason,
                       const char *note, int returning, int64_t at, vigil_error *err)
{
    case_core c;
    last_ref ref;
    char ts[24], day[24], rid[24], ids[24], fid[24], detail[128], summary[128];
    vigil_unit to, back;
    char *event = NULL;
    int64_t t = when(at);
    int rc;
    if (!vigil_reason_valid(reason))
        return vigil_error_set(err, VIGIL_EINPUT, "unknown reason '%s' (known: capacity, other-priority,"
                               " no-digital-support, insufficient-info, jurisdiction, duplicate, other)",
                               reason ? reason : "");
    if (!strcmp(reason, "other") && (!note || !*note))
        return vigil_error_set(err, VIGIL_EINPUT, "reason 'other' needs a note (--note TEXT)");
    if (returning) {
        if ((rc = load_case(&c, reg, who, case_id, err)) < 0 || (rc = load_last_ref(&ref, reg, case_id, err)) < 0)
            return rc;
        if (ref.id && (rc = vg_policy_check(who, VG_ACT_CASE_ANSWER, ref.to, "case return", err)) < 0)
            return rc;
        if (!ref.id || strcmp(ref.state, "accepted") || ref.to != c.owner ||
            (strcmp(c.status, "accepted") && strcmp(c.status, "investigating")))
            return vigil_error_set(err, VIGIL_ESTATE, "case %lld is %s: only an accepted case can be returned",
                                   (long long)case_id, c.status);
    } else if ((rc = pending_for_answer(&ref, &c, reg, who, case_id, "case decline", t, err)) < 0) {
        return rc;
    }
    if ((rc = vg_case_date_check(reg, case_id, t, err)) < 0)
        return rc;
    vg_iso(ts, t);
    i64s(day, t / 86400);
    i64s(rid, ref.id);
    i64s(ids, case_id);
    i64s(fid, ref.from);
    if ((rc = vg_db_begin(reg->db, err)) < 0)
        return rc;
    {
        const char *p[6] = {returning ? "returned" : "declined", ts, day, reason, note, rid};
        const char *q[3] = {fid, ts, ids};
        rc = vg_db_exec(reg->db, "UPDATE referrals SET state = ?, answered_at = ?, answered_day = ?, reason = ?,"
                        " note = ? WHERE id = ?", p, 6, NULL, err);
        if (rc == 0)
            rc = vg_db_exec(reg->db, "UPDATE cases SET status = 'registered', owner_unit = ?, updated_at = ?"
                            " WHERE id = ?", q, 3, NULL, err);
    }
    if (rc == 0)
        rc = vg_unit_by_id(&to, reg, ref.to, err);
    if (rc == 0 && (rc = vg_unit_by_id(&back, reg, ref.from, err)) == 0) {   /* the history line: with the note */
        size_t len = strlen(to.code) + strlen(reason) + (note ? strlen(note) : 0) + 16;
        if (!(event = malloc(len)))
            rc = vigil_error_set(err, VIGIL_ENOMEM, "case: out of memory");
        else {
            snprintf(event, len, "by %s: %s%s%s", to.code, reason, note && *note ? ", " : "", note ? note : "");
            rc = vg_case_event(reg, who, case_id, t, returning ? "returned" : "declined", event, err);
        }
        free(event);
    }
    snprintf(summary, sizeof summary, "%s by %s (%s), back with %s", returning ? "returned" : "declined",
             rc == 0 ? to.code : "?", reason, rc == 0 ? back.code : "?");
    snprintf(detail, sizeof detail, "reason=%s", reason);
    return finish(reg, rc, who, returning ? "case.return" : "case.decline", case_id, detail, at, summary, err);
}

int vigil_case_set_status(vigil_registry *reg, const vigil_actor *who, int64_t case_id, const char *status,
                          const char *outcome, int64_t at, vigil_error *err)
{
    case_core c;
    char ts[24], ids[24], detail[96], summary[64];
    int rc;
    if ((rc = load_case(&c, reg, who, case_id, err)) < 0)
        return rc;
    if ((rc = vg_policy_check(who, VG_ACT_CASE_OWNER, c.owner, "case status", err)) < 0)
        return rc;
    if (!status || (strcmp(status, "investigating") && strcmp(status, "prosecutor") && strcmp(status, "closed")))
        return vigil_error_set(err, VIGIL_EINPUT, "unknown status '%s' (known: investigating, prosecutor, closed)",
                               status ? status : "");
    if (!strcmp(status, "closed") && !vigil_outcome_valid(outcome))
        return vigil_error_set(err, VIGIL_EINPUT, outcome ? "unknown outcome '%s' (known: prosecuted, settlement,"
                               " no-suspect, insufficient-evidence, transferred, duplicate)"
                               : "closing a case needs --outcome%s", outcome ? outcome : "");
    if (strcmp(status, "closed") && outcome)
        return vigil_error_set(err, VIGIL_EINPUT, "--outcome is given only when closing a case");
    if (!vg_status_next_ok(c.status, status))
        return vigil_error_set(err, VIGIL_ESTATE, "case %lld is %s: it cannot move to %s", (long long)case_id,
                               c.status, status);
    if ((rc = vg_case_date_check(reg, case_id, when(at), err)) < 0)
        return rc;
    vg_iso(ts, when(at));
    i64s(ids, case_id);
    if ((rc = vg_db_begin(reg->db, err)) < 0)
        return rc;
    {
        const char *p[4] = {status, outcome, ts, ids};
        rc = vg_db_exec(reg->db, "UPDATE cases SET status = ?, outcome = ?, updated_at = ? WHERE id = ?", p, 4,
                        NULL, err);
    }
    snprintf(detail, sizeof detail, "%s -> %s%s%s", c.status, status, outcome ? ", outcome " : "",
             outcome ? outcome : "");
    if (rc == 0)
        rc = vg_case_event(reg, who, case_id, when(at), "status", detail, err);
    snprintf(summary, sizeof summary, "is now %s%s%s", status, outcome ? " (" : "", outcome ? outcome : "");
    if (outcome)
        strcat(summary, ")");
    snprintf(detail, sizeof detail, "%s->%s%s%s", c.status, status, outcome ? " outcome=" : "",
             outcome ? outcome : "");
    return finish(reg, rc, who, "case.status", case_id, detail, at, summary, err);
}

int vigil_case_signal_set(vigil_registry *reg, const vigil_actor *who, int64_t case_id, const char *name,
                          int64_t value, vigil_error *err)
{
    static const char *const known[] = {"unknown_material", "production_indicators", "network",
                                        "series_unidentified"};
    case_core c;
    char ids[24], vs[24], detail[64], summary[80];
    int rc;
    if ((rc = load_case(&c, reg, who, case_id, err)) < 0)
        return rc;
    if ((rc = vg_policy_check(who, VG_ACT_CASE_OWNER, c.owner, "case signal", err)) < 0)
        return rc;
    if (index_of(known, 4, name) < 0 || value < 0)
        return vigil_error_set(err, VIGIL_EINPUT, "unknown priority signal '%s' or negative value", name);
    i64s(ids, case_id);
    i64s(vs, value);
    if ((rc = vg_db_begin(reg->db, err)) < 0)
        return rc;
    {
        const char *p[2] = {ids, name};
        const char *q[3] = {ids, name, vs};
        rc = vg_db_exec(reg->db, "DELETE FROM signals WHERE case_id = ? AND name = ?", p, 2, NULL, err);
        if (rc == 0)
            rc = vg_db_exec(reg->db, "INSERT INTO signals(case_id, name, value) VALUES(?, ?, ?)", q, 3, NULL, err);
    }
    snprintf(detail, sizeof detail, "%s=%lld", name, (long long)value);
    snprintf(summary, sizeof summary, "signal %s set to %lld", name, (long long)value);
    return finish(reg, rc, who, "case.signal", case_id, detail, 0, summary, err);
}

/* JSON of cases, units, statistics, hash sets and hygiene problems (vigil/output.h). */
#include <stdint.h>
#include <string.h>

#include "core/buf.h"
#include "core/json.h"
#include "report/output.h"
#include "vigil/output.h"

/* Documents are small (one case, a list of units); the cap only guards against runaway growth. */
#define DOC_MAX ((size_t)1 << 30)

/* A string of a fixed-size field that means "none" when empty. */
static const char *or_null(const char *s)
{
    return s[0] ? s : NULL;
}

int vigil_case_write_json(FILE *f, const vigil_case *c, vigil_error *err)
{
    vg_buf b;
    vg_buf_init(&b, DOC_MAX);
    vg_buf_addf(&b, "{\"id\":%lld,\"ref\":", (long long)c->id);
    vg_json_strz(&b, or_null(c->ref));
    vg_buf_addf(&b, ",\"type\":\"%s\",\"status\":\"%s\",\"outcome\":", c->type, c->status);
    vg_json_strz(&b, or_null(c->outcome));
    vg_buf_adds(&b, ",\"title\":");
    vg_json_strz(&b, c->title);
    vg_buf_adds(&b, ",\"suspects\":");
    vg_json_strz(&b, c->suspects);
    vg_buf_addf(&b, ",\"registered_by\":\"%s\",\"owner\":\"%s\",\"registered\":\"%s\",\"priority\":%.2f,\"factors\":[",
                c->reg_unit, c->owner_unit, c->registered, c->priority);
    for (size_t i = 0; i < c->nfactors; i++)
        vg_buf_addf(&b, "%s{\"name\":\"%s\",\"value\":%g,\"weight\":%g}", i ? "," : "", c->factor[i].name,
                    c->factor[i].value, c->factor[i].weight);
    vg_buf_adds(&b, "],\"referrals\":[");
    for (size_t i = 0; i < c->nreferrals; i++) {
        const vigil_referral *r = &c->referral[i];
        vg_buf_addf(&b, "%s{\"from\":\"%s\",\"to\":\"%s\",\"sent\":\"%s\",\"due\":\"%s\",\"state\":\"%s\",\"answered\":",
                    i ? "," : "", r->from, r->to, r->sent, r->due, r->state);
        vg_json_strz(&b, or_null(r->answered));
        vg_buf_adds(&b, ",\"reason\":");
        vg_json_strz(&b, or_null(r->reason));
        vg_buf_adds(&b, ",\"note\":");
        vg_json_strz(&b, r->note);
        vg_buf_addf(&b, ",\"overdue\":%s}", r->overdue ? "true" : "false");
    }
    vg_buf_adds(&b, "],\"history\":[");
    for (size_t i = 0; i < c->nhistory; i++) {
        const vigil_case_event *e = &c->history[i];
        vg_buf_addf(&b, "%s{\"at\":\"%s\",\"who\":", i ? "," : "", e->at);
        vg_json_strz(&b, or_null(e->who));
        vg_buf_addf(&b, ",\"event\":\"%s\",\"detail\":", e->event);
        vg_json_strz(&b, e->detail);
        vg_buf_addc(&b, '}');
    }
    vg_buf_adds(&b, "]}\n");
    return vg_output_write(&b, f, err);
}

/* A whole number in decimal, as "%lld" writes it. */
static void add_i64(vg_buf *b, int64_t v)
{
    char t[24], *p = t + sizeof t;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do
        *--p = (char)('0' + u % 10);
    while (u /= 10);
    if (v < 0)
        *--p = '-';
    vg_buf_add(b, p, (size_t)(t + sizeof t - p));
}

int vigil_case_rows_write_json(FILE *f, const vigil_case_row *v, size_t n, vigil_error *err)
{
    vg_buf b;
    vg_buf_init(&b, DOC_MAX);
    vg_buf_addc(&b, '[');
    for (size_t i = 0; i < n; i++) {
        /* pieces, not one format per row: the service writes pages of this list all day */
        vg_buf_adds(&b, i ? ",{\"id\":" : "{\"id\":");
        add_i64(&b, v[i].id);
        vg_buf_adds(&b, ",\"type\":\"");
        vg_buf_adds(&b, v[i].type);
        vg_buf_adds(&b, "\",\"status\":\"");
        vg_buf_adds(&b, v[i].status);
        vg_buf_adds(&b, "\",\"owner\":\"");
        vg_buf_adds(&b, v[i].owner);
        vg_buf_adds(&b, "\",\"registered\":\"");
        vg_buf_adds(&b, v[i].registered);
        vg_buf_adds(&b, "\",\"pending_to\":");
        vg_json_strz(&b, or_null(v[i].pending_to));
        vg_buf_adds(&b, ",\"due\":");
        vg_json_strz(&b, or_null(v[i].due));
        vg_buf_adds(&b, v[i].overdue ? ",\"overdue\":true,\"ref\":" : ",\"overdue\":false,\"ref\":");
        vg_json_strz(&b, or_null(v[i].ref));
        vg_buf_adds(&b, ",\"title\":");
        vg_json_strz(&b, or_null(v[i].title));
        vg_buf_addc(&b, '}');
    }
    vg_buf_adds(&b, "]\n");
    return vg_output_write(&b, f, err);
}

int vigil_audit_events_write_json(FILE *f, const vigil_audit_event *v, size_t n, vigil_error *err)
{
    vg_buf b;
    vg_buf_init(&b, DOC_MAX);
    vg_buf_addc(&b, '[');
    for (size_t i = 0; i < n; i++) {
        vg_buf_addf(&b, "%s{\"seq\":%lld,\"at\":", i ? "," : "", (long long)v[i].seq);
        vg_json_strz(&b, v[i].at);
        vg_buf_adds(&b, ",\"event_at\":");
        vg_json_strz(&b, or_null(v[i].event_at));
        vg_buf_adds(&b, ",\"who\":");
        vg_json_strz(&b, v[i].who);
        vg_buf_adds(&b, ",\"action\":");
        vg_json_strz(&b, v[i].action);
        vg_buf_adds(&b, ",\"object\":");
        vg_json_strz(&b, v[i].object);
        vg_buf_adds(&b, ",\"detail\":");
        vg_json_strz(&b, v[i].detail);
        vg_buf_addc(&b, '}');
    }
    vg_buf_adds(&b, "]\n");
    return vg_output_write(&b, f, err);
}

int vigil_units_write_json(FILE *f, const vigil_unit *v, size_t n, vigil_error *err)
{
    vg_buf b;
    vg_buf_init(&b, DOC_MAX);
    vg_buf_addc(&b, '[');
    for (size_t i = 0; i < n; i++) {
        vg_buf_adds(&b, i ? ",{\"code\":" : "{\"code\":");
        vg_json_strz(&b, v[i].code);
        vg_buf_adds(&b, ",\"name\":");
        vg_json_strz(&b, v[i].name);
        vg_buf_addf(&b, ",\"type\":\"%s\",\"country\":", vigil_unit_type_name(v[i].type));
        vg_json_strz(&b, or_null(v[i].country));
        vg_buf_addc(&b, '}');
    }
    vg_buf_adds(&b, "]\n");
    return vg_output_write(&b, f, err);
}

static void stats_row(vg_buf *b, const vigil_stats_row *r)
{
    vg_buf_adds(b, "{\"group\":");
    vg_json_strz(b, r->group);
    vg_buf_addf(b, ",\"referred\":%lld,\"accepted\":%lld,\"declined\":%lld,\"pending\":%lld,\"overdue\":%lld,"
                "\"median_days\":", (long long)r->referred, (long long)r->accepted, (long long)r->declined,
                (long long)r->pending, (long long)r->overdue);
    if (r->median_days < 0)
        vg_buf_adds(b, "null");
    else
        vg_buf_addf(b, "%g", r->median_days);
    vg_buf_adds(b, ",\"reasons\":{");
    for (int k = 0; k < 7; k++)
        vg_buf_addf(b, "%s\"%s\":%lld", k ? "," : "", vigil_reasons[k], (long long)r->reasons[k]);
    vg_buf_addf(b, "},\"self_registered\":%lld,\"foreign\":%lld}", (long long)r->self_registered,
                (long long)r->foreign);
}

int vigil_stats_write_json(FILE *f, const vigil_stats *s, vigil_error *err)
{
    vg_buf b;
    vg_buf_init(&b, DOC_MAX);
    vg_buf_adds(&b, "{\"rows\":[");
    for (size_t i = 0; i < s->nrows; i++) {
        if (i)
            vg_buf_addc(&b, ',');
        stats_row(&b, &s->rows[i]);
    }
    vg_buf_adds(&b, "],\"total\":");
    stats_row(&b, &s->total);
    vg_buf_adds(&b, "}\n");
    return vg_output_write(&b, f, err);
}

/* The fields every version of a set has; absent strings are written as "". */
static void set_counts(vg_buf *b, const vigil_hashset_info *h)
{
    vg_buf_addf(b, ",\"version\":%lld,\"release\":", (long long)h->version);
    vg_json_strz(b, h->release);
    vg_buf_addf(b, ",\"entries\":%llu,\"counts\":{\"records\":%llu,\"added\":%llu,\"merged\":%llu,\"skipped\":%llu,"
                "\"rejected\":%llu,\"retracted\":%llu,\"conflicts\":%llu}",
                (unsigned long long)h->entries, (unsigned long long)h->records, (unsigned long long)h->added,
                (unsigned long long)h->merged, (unsigned long long)h->skipped, (unsigned long long)h->rejected,
                (unsigned long long)h->retracted, (unsigned long long)h->conflicts);
    vg_buf_adds(b, ",\"format\":");
    vg_json_strz(b, h->format ? h->format : "");
    vg_buf_adds(b, ",\"sources\":");
    vg_json_strz(b, h->sources ? h->sources : "");
    vg_buf_adds(b, ",\"imported_at\":");
    vg_json_strz(b, h->imported_at ? h->imported_at : "");
    vg_buf_adds(b, ",\"imported_by\":");
    vg_json_strz(b, h->imported_by ? h->imported_by : "");
}

static void set_json(vg_buf *b, const vigil_hashset_info *h, const vigil_hashset_info *all, size_t nall)
{
    vg_buf_adds(b, "{\"name\":");
    vg_json_strz(b, h->name ? h->name : "");
    vg_buf_addf(b, ",\"kind\":\"%s\",\"category\":", vigil_hashset_kind_name(h->kind));
    vg_json_strz(b, h->category ? h->category : "");
    vg_buf_adds(b, ",\"series\":");
    vg_json_strz(b, h->series ? h->series : "");
    set_counts(b, h);
    vg_buf_addf(b, ",\"pdq_entries\":%llu,\"videos\":%llu,\"video_frames\":%llu,\"segment_missing\":%s",
                (unsigned long long)h->pdq_entries, (unsigned long long)h->videos,
                (unsigned long long)h->video_frames, h->segment_missing ? "true" : "false");
    vg_buf_adds(b, ",\"versions\":[");
    for (size_t k = 0, n = 0; k < nall; k++)
        if (all[k].id == h->id) {
            vg_buf_addf(b, "%s{\"current\":%s,\"kind\":\"%s\"", n++ ? "," : "",
                        all[k].version == h->version ? "true" : "false", vigil_hashset_kind_name(all[k].kind));
            set_counts(b, &all[k]);
            vg_buf_addc(b, '}');
        }
    vg_buf_adds(b, "]}");
}

int vigil_hashset_infos_write_json(FILE *f, const vigil_hashset_info *sets, size_t n,
                                   const vigil_hashset_info *versions, size_t nversions, vigil_error *err)
{
    vg_buf b;
    vg_buf_init(&b, DOC_MAX);
    vg_buf_addc(&b, '[');
    for (size_t i = 0; i < n; i++) {
        if (i)
            vg_buf_addc(&b, ',');
        set_json(&b, &sets[i], versions, nversions);
    }
    vg_buf_adds(&b, "]\n");
    return vg_output_write(&b, f, err);
}

int vigil_hygiene_problem_write_json(FILE *f, size_t index, const char *problem, const char *set,
                                     const char *digest_hex, const char *detail, vigil_error *err)
{
    vg_buf b;
    vg_buf_init(&b, DOC_MAX);
    vg_buf_addf(&b, "%s{\"problem\":\"%s\",\"set\":", index ? "," : "", problem);
    vg_json_strz(&b, set);
    vg_buf_adds(&b, ",\"digest\":");
    vg_json_strz(&b, digest_hex);
    vg_buf_adds(&b, ",\"detail\":");
    vg_json_strz(&b, detail);
    vg_buf_addc(&b, '}');
    return vg_output_write(&b, f, err);
}

int vigil_json_string_write(FILE *f, const char *s, vigil_error *err)
{
    vg_buf b;
    vg_buf_init(&b, DOC_MAX);
    vg_json_strz(&b, s);
    return vg_output_write(&b, f, err);
}

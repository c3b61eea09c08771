/* CSV of statistics and disputes (vigil/output.h). */
#include "core/buf.h"
#include "core/csv.h"
#include "report/output.h"
#include "vigil/output.h"

#define DOC_MAX ((size_t)1 << 30)

static void stats_row(vg_buf *b, const vigil_stats_row *r)
{
    vg_csv_fieldz(b, r->group);
    vg_buf_addf(b, ",%lld,%lld,%lld,%lld,%lld,", (long long)r->referred, (long long)r->accepted,
                (long long)r->declined, (long long)r->pending, (long long)r->overdue);
    if (r->median_days >= 0)
        vg_buf_addf(b, "%g", r->median_days);
    for (int k = 0; k < 7; k++)
        vg_buf_addf(b, ",%lld", (long long)r->reasons[k]);
    vg_buf_addf(b, ",%lld,%lld\n", (long long)r->self_registered, (long long)r->foreign);
}

int vigil_stats_write_csv(FILE *f, const vigil_stats *s, vigil_error *err)
{
    vg_buf b;
    vg_buf_init(&b, DOC_MAX);
    vg_buf_adds(&b, "group,referred,accepted,declined,pending,overdue,median_days");
    for (int k = 0; k < 7; k++)
        vg_buf_addf(&b, ",%s", vigil_reasons[k]);
    vg_buf_adds(&b, ",self_registered,foreign\n");
    for (size_t i = 0; i < s->nrows; i++)
        stats_row(&b, &s->rows[i]);
    stats_row(&b, &s->total);
    return vg_output_write(&b, f, err);
}

static void field(vg_buf *b, const char *s, int last)
{
    vg_csv_fieldz(b, s);
    vg_buf_adds(b, last ? "\r\n" : ",");
}

int vigil_disputes_write_csv(FILE *f, const vigil_dispute *v, size_t n, vigil_error *err)
{
    vg_buf b;
    vg_buf_init(&b, DOC_MAX);
    vg_buf_adds(&b, "digest,set,reason,disputed_by,disputed_at,active,lifted_by,lifted_at\r\n");
    for (size_t i = 0; i < n; i++) {
        field(&b, v[i].digest, 0);
        field(&b, v[i].set ? v[i].set : "*", 0);
        field(&b, v[i].reason, 0);
        field(&b, v[i].disputed_by, 0);
        field(&b, v[i].disputed_at, 0);
        field(&b, v[i].active ? "yes" : "no", 0);
        field(&b, v[i].lifted_by, 0);
        field(&b, v[i].lifted_at, 1);
    }
    return vg_output_write(&b, f, err);
}

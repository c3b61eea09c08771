/* JSON of series (vigil/series.h): each with its victim's status and the cases holding it. */
#include "core/buf.h"
#include "core/json.h"
#include "report/output.h"
#include "vigil/series.h"

#define DOC_MAX ((size_t)1 << 32)

static void holder_json(vg_buf *b, const vigil_series_case *c)
{
    if (c->c.id > 0)
        vg_buf_addf(b, "{\"case\":%lld,\"unit\":", (long long)c->c.id);
    else
        vg_buf_adds(b, "{\"case\":null,\"unit\":");
    vg_json_strz(b, c->c.unit);
    vg_buf_adds(b, ",\"contact\":");
    vg_json_strz(b, c->c.contact);
    vg_buf_adds(b, ",\"ref\":");
    vg_json_strz(b, c->c.ref[0] ? c->c.ref : NULL);
    if (c->c.visible)
        vg_buf_addf(b, ",\"visible\":true,\"items\":%lld}", (long long)c->items);
    else
        vg_buf_adds(b, ",\"visible\":false,\"items\":null}");
}

static void series_json(vg_buf *b, const vigil_series *s)
{
    vg_buf_adds(b, "{\"name\":");
    vg_json_strz(b, s->name);
    vg_buf_addf(b, ",\"victim\":\"%s\",\"victim_by\":", s->identified ? "identified" : "unidentified");
    vg_json_strz(b, s->victim_by[0] ? s->victim_by : NULL);
    vg_buf_adds(b, ",\"victim_at\":");
    vg_json_strz(b, s->victim_at[0] ? s->victim_at : NULL);
    vg_buf_addf(b, ",\"cases\":%zu,\"units\":%zu,\"unit_codes\":", s->ncases, s->nunits);
    vg_json_strz(b, s->units);
    vg_buf_addf(b, ",\"items\":%lld,\"holders\":[", (long long)s->items);
    for (size_t i = 0; i < s->ncases; i++) {
        if (i)
            vg_buf_addc(b, ',');
        holder_json(b, &s->cases[i]);
    }
    vg_buf_adds(b, "]}");
}

int vigil_series_write_json(FILE *f, const vigil_series *v, size_t n, int one, vigil_error *err)
{
    vg_buf b;
    vg_buf_init(&b, DOC_MAX);
    if (one && n) {
        series_json(&b, &v[0]);
    } else {
        vg_buf_addc(&b, '[');
        for (size_t i = 0; i < n; i++) {
            if (i)
                vg_buf_addc(&b, ',');
            series_json(&b, &v[i]);
        }
        vg_buf_addc(&b, ']');
    }
    vg_buf_addc(&b, '\n');
    return vg_output_write(&b, f, err);
}

/* The registry's users as JSON or CSV (vigil/output.h). */
#include "core/buf.h"
#include "core/csv.h"
#include "core/json.h"
#include "report/output.h"
#include "vigil/output.h"

#define DOC_MAX ((size_t)1 << 30)

static const char *or_null(const char *s)
{
    return s[0] ? s : NULL;
}

int vigil_users_write_json(FILE *f, const vigil_user_row *v, size_t n, vigil_error *err)
{
    vg_buf b;
    vg_buf_init(&b, DOC_MAX);
    vg_buf_addc(&b, '[');
    for (size_t i = 0; i < n; i++) {
        vg_buf_adds(&b, i ? ",{\"name\":" : "{\"name\":");
        vg_json_strz(&b, v[i].name);
        vg_buf_adds(&b, ",\"unit\":");
        vg_json_strz(&b, or_null(v[i].unit));
        vg_buf_addf(&b, ",\"role\":\"%s\",\"os_user\":", vigil_role_name(v[i].role));
        vg_json_strz(&b, or_null(v[i].os_user));
        vg_buf_addc(&b, '}');
    }
    vg_buf_adds(&b, "]\n");
    return vg_output_write(&b, f, err);
}

int vigil_users_write_csv(FILE *f, const vigil_user_row *v, size_t n, vigil_error *err)
{
    vg_buf b;
    vg_buf_init(&b, DOC_MAX);
    vg_buf_adds(&b, "name,unit,role,os_user\n");
    for (size_t i = 0; i < n; i++) {
        vg_csv_fieldz(&b, v[i].name);
        vg_buf_addc(&b, ',');
        vg_csv_fieldz(&b, v[i].unit);
        vg_buf_addf(&b, ",%s,", vigil_role_name(v[i].role));
        vg_csv_fieldz(&b, v[i].os_user);
        vg_buf_addc(&b, '\n');
    }
    return vg_output_write(&b, f, err);
}

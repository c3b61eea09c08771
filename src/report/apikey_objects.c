/* JSON of API keys (vigil/apikey.h): holder, scope, state and the service's counts. */
#include "core/buf.h"
#include "core/json.h"
#include "report/output.h"
#include "vigil/apikey.h"

#define DOC_MAX ((size_t)1 << 32)

int vigil_apikeys_write_json(FILE *f, const vigil_apikey_row *v, size_t n, vigil_error *err)
{
    vg_buf b;
    vg_buf_init(&b, DOC_MAX);
    vg_buf_addc(&b, '[');
    for (size_t i = 0; i < n; i++) {
        vg_buf_adds(&b, i ? ",{\"name\":" : "{\"name\":");
        vg_json_strz(&b, v[i].name);
        vg_buf_adds(&b, ",\"org\":");
        vg_json_strz(&b, v[i].org);
        vg_buf_adds(&b, ",\"scope\":");
        vg_json_strz(&b, v[i].scope);
        vg_buf_adds(&b, ",\"prefix\":");
        vg_json_strz(&b, v[i].prefix);
        vg_buf_adds(&b, ",\"created\":");
        vg_json_strz(&b, v[i].created);
        vg_buf_adds(&b, ",\"created_by\":");
        vg_json_strz(&b, v[i].created_by[0] ? v[i].created_by : NULL);
        vg_buf_adds(&b, ",\"revoked\":");
        vg_json_strz(&b, v[i].revoked[0] ? v[i].revoked : NULL);
        vg_buf_addf(&b, ",\"requests\":%llu,\"hashes\":%llu}", (unsigned long long)v[i].requests,
                    (unsigned long long)v[i].hashes);
    }
    vg_buf_adds(&b, "]\n");
    return vg_output_write(&b, f, err);
}

/* Serialising disk-image jobs for a worker (job_wire.h). */
#include <stdlib.h>
#include <string.h>

#include "scan/job_wire.h"

#define WIRE_NULL UINT64_MAX

static void put_str(vg_buf *b, const char *s, size_t n)
{
    uint64_t len = s ? (uint64_t)n : WIRE_NULL;
    vg_buf_add(b, &len, sizeof len);
    if (s)
        vg_buf_add(b, s, n);
}

void vg_job_wire_put(vg_buf *b, const vg_image_job *j)
{
    vg_buf_add(b, j, sizeof *j);
    put_str(b, j->image, j->image ? strlen(j->image) : 0);
    put_str(b, j->label, j->label ? strlen(j->label) : 0);
    put_str(b, j->path, j->path_len);
}

/* The next string, copied and NUL-terminated (NULL for NULL); -1 when the bytes run out. */
static int get_str(const unsigned char **p, const unsigned char *end, char **out, size_t *len_out)
{
    uint64_t len;
    *out = NULL;
    if ((size_t)(end - *p) < sizeof len)
        return -1;
    memcpy(&len, *p, sizeof len);
    *p += sizeof len;
    if (len == WIRE_NULL)
        return 0;
    if ((uint64_t)(end - *p) < len || !(*out = malloc(len + 1)))
        return -1;
    memcpy(*out, *p, len);
    (*out)[len] = '\0';
    *p += len;
    if (len_out)
        *len_out = (size_t)len;
    return 0;
}

vg_image_job *vg_job_wire_get(const void *data, size_t n)
{
    const unsigned char *p = data, *end = p + n;
    vg_image_job *j;
    if (n < sizeof *j || !(j = malloc(sizeof *j)))
        return NULL;
    memcpy(j, p, sizeof *j);
    p += sizeof *j;
    j->image = j->label = j->path = NULL;
    j->verify = NULL; /* a thread of the sender's: never crosses */
    j->path_len = 0;
    if (get_str(&p, end, &j->image, NULL) < 0 || get_str(&p, end, &j->label, NULL) < 0 ||
        get_str(&p, end, &j->path, &j->path_len) < 0 || p != end || !j->image ||
        (j->kind != VG_JOB_FILE && j->kind != VG_JOB_CARVE)) {
        vg_image_job_free(j);
        return NULL;
    }
    return j;
}

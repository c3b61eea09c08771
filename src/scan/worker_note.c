/*
 * The worker's side of its shared page (worker_page.h): what the readers say
 * about their progress, and temporary files asked of the proxy, since a
 * worker may not open files itself.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scan/worker_page.h"
#include "scan/worker_proto.h"

vg_worker_page *vg_worker_self;
int vg_worker_sock = -1;             /* set by worker_child.c */
static const char *current_layer = "reader";

void vg_worker_note(const char *const *chain, size_t depth, const char *path, int archive)
{
    vg_worker_page *pg = vg_worker_self;
    size_t at = 0, total = 0, n;
    if (!pg)
        return;
    for (size_t i = 0; i <= depth; i++)
        total += strlen(i < depth ? chain[i] : path) + 1;
    if (total > sizeof pg->where) /* too long to name whole: the item's own name, cut */
        depth = 0;
    for (size_t i = 0; i <= depth; i++) {
        const char *s = i < depth ? chain[i] : path;
        n = strlen(s);
        if (at + n + 1 > sizeof pg->where)
            n = sizeof pg->where - at - 1;
        memcpy(pg->where + at, s, n);
        pg->where[at + n] = '\0';
        at += n + 1;
    }
    pg->depth = (uint32_t)depth;
    pg->archive = archive;
    vg_worker_progress();
}

const char *vg_worker_layer(const char *layer)
{
    const char *before = current_layer;
    if (!vg_worker_self)
        return before;
    current_layer = layer;
    strncpy(vg_worker_self->layer, layer, sizeof vg_worker_self->layer - 1);
    vg_worker_self->layer[sizeof vg_worker_self->layer - 1] = '\0';
    return before;
}

void vg_worker_note_oom(void)
{
    if (vg_worker_self)
        vg_worker_self->oom = 1;
}

FILE *vg_spool_tmpfile(void)
{
    vg_msg_hdr h;
    int fd = -1;
    FILE *f;
    if (!vg_worker_self)
        return tmpfile(); /* in $TMPDIR, never inside the evidence */
    if (vg_msg_send(vg_worker_sock, VG_MSG_TMP, NULL, 0, -1) < 0 || vg_msg_recv_hdr(vg_worker_sock, &h, &fd) != 1 ||
        h.type != VG_MSG_TMP_FD || h.len) {
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    if (fd < 0)
        return NULL;
    if (!(f = fdopen(fd, "w+b")))
        close(fd);
    return f;
}

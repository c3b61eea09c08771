/*
 * Importing known videos (hashset import --format vpdq): each file through
 * the vpdq list reader, all of it or nothing; the videos of the files that
 * read go to a known-video file beside the version's segment (which holds no
 * digest entries), and the same commit as any import makes them current and
 * records the event.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hashset/import_int.h"
#include "hashset/store_int.h"
#include "segment/known_videos.h"
#include "vigil/vpdq.h"

/* Move the videos of from into to, joining videos of the same name (frames appended). */
static int merge(vigil_vpdq_list *to, vigil_vpdq_list *from)
{
    if (to->n == 0) { /* the first file: taken whole (its reader already joined its videos by name) */
        vigil_vpdq_list_dispose(to);
        *to = *from;
        memset(from, 0, sizeof *from);
        return 0;
    }
    for (size_t i = 0; i < from->n; i++) {
        vigil_vpdq_video *v = &from->videos[i], *into = NULL;
        for (size_t k = 0; k < to->n && !into; k++)
            if (!strcmp(to->videos[k].name, v->name))
                into = &to->videos[k];
        if (into) {
            vigil_vpdq_frame *q = realloc(into->frames, (into->n + v->n) * sizeof *q);
            if (!q)
                return -1;
            memcpy(q + into->n, v->frames, v->n * sizeof *q);
            into->frames = q;
            into->n += v->n;
            into->cap = into->n;
            continue;
        }
        if (to->n == to->cap) {
            size_t cap = to->cap ? to->cap * 2 : 16;
            vigil_vpdq_video *q = realloc(to->videos, cap * sizeof *q);
            if (!q)
                return -1;
            to->videos = q;
            to->cap = cap;
        }
        to->videos[to->n++] = *v;
        memset(v, 0, sizeof *v); /* owned by to now */
    }
    vigil_vpdq_list_dispose(from);
    return 0;
}

/* One file into list: its provenance hash in f->sha256, its frames counted in f->stats. */
static int read_one(vigil_vpdq_list *list, vg_import_file *f, const char *path, vigil_error *err)
{
    vigil_vpdq_list one = {0};
    const char *base = strrchr(path, '/');
    struct stat sb;
    FILE *in;
    int rc, fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return vigil_error_set(err, VIGIL_EINPUT, "%s: %s", path, strerror(errno));
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return vigil_error_set(err, VIGIL_EINPUT, "%s: not a regular file", path);
    }
    if ((rc = vg_import_file_sha256(f->sha256, fd, path, err)) < 0) {
        close(fd);
        return rc;
    }
    if (lseek(fd, 0, SEEK_SET) != 0 || !(in = fdopen(fd, "r"))) {
        close(fd);
        return vigil_error_set(err, VIGIL_EINPUT, "%s: cannot rewind: %s", path, strerror(errno));
    }
    /* a reference per-video file names its video after the file, as vigil scan --videos does */
    rc = vigil_vpdq_list_read(&one, in, path, base ? base + 1 : path, err);
    fclose(in);
    if (rc == 0 && one.n == 0)
        rc = vigil_error_set(err, VIGIL_EINPUT, "%s: no frames (not a vpdq list?)", path);
    if (rc < 0) {
        vigil_vpdq_list_dispose(&one);
        return rc;
    }
    for (size_t i = 0; i < one.n; i++)
        f->stats.records += one.videos[i].n;
    f->stats.added = f->stats.records;
    f->stats.format = VIGIL_FORMAT_VPDQ;
    if (merge(list, &one) < 0) {
        vigil_vpdq_list_dispose(&one);
        return vigil_error_set(err, VIGIL_ENOMEM, "%s: out of memory", path);
    }
    return 0;
}

int vg_import_videos(vigil_import_stats *stats, vigil_store *st, const char *const *files, size_t nfiles,
                     const vigil_import_opts *opts, vigil_error *err)
{
    vg_import p;
    vigil_vpdq_list list = {0};
    vg_import_prov prov = {0};
    vg_buf sources;
    char *segment = NULL, *seg_path = NULL;
    size_t ok = 0, failed = 0;
    int rc;
    if (opts->lenient)
        return vigil_error_set(err, VIGIL_EUSAGE, "import: --lenient does not apply to vpdq lists (a list is"
                               " read whole or not at all)");
    if ((rc = vg_import_begin(&p, st, opts, err)) < 0) {
        vg_import_end(&p);
        return rc;
    }
    for (size_t i = 0; rc == 0 && i < nfiles; i++) {
        vigil_error ferr;
        if ((rc = vg_import_file_begin(&p, files[i], err)) < 0)
            break;
        if (read_one(&list, &p.files[p.nfiles - 1], files[i], &ferr) < 0) {
            p.files[p.nfiles - 1].failed = 1;
            if ((rc = vg_import_file_failed(opts, &ferr, &failed, err)) < 0)
                break;
            continue;
        }
        ok++;
        if (opts->on_file && nfiles > 1)
            opts->on_file(files[i], &p.files[p.nfiles - 1].stats, opts->ud);
    }
    if (rc == 0)
        rc = vg_import_none_imported(opts, nfiles, ok, failed, err);
    /* the version's segment holds no digest entries; its known videos lie beside it */
    if (rc == 0)
        rc = vg_import_write(&p, &segment, &prov.entries, err);
    if (rc == 0 && !(seg_path = vg_store_segment_path(st, segment)))
        rc = vigil_error_set(err, VIGIL_ENOMEM, "import: out of memory");
    if (rc == 0 && (rc = vg_kv_write(seg_path, &list, err)) < 0) {
        unlink(seg_path);
        vg_kv_unlink(seg_path);
    }
    memset(stats, 0, sizeof *stats);
    stats->format = VIGIL_FORMAT_VPDQ;
    for (size_t i = 0; rc == 0 && i < p.nfiles; i++)
        if (!p.files[i].failed) {
            stats->records += p.files[i].stats.records;
            stats->added += p.files[i].stats.added;
        }
    if (rc == 0) {
        vg_buf_init(&sources, 1 << 20);
        for (size_t i = 0; i < p.nfiles; i++)
            if (!p.files[i].failed)
                vg_buf_addf(&sources, "%s%s (sha256 %s)", sources.len ? "\n" : "", p.files[i].label,
                            p.files[i].sha256);
        prov.opts = opts;
        prov.total = stats;
        prov.sources = sources.ptr ? sources.ptr : "";
        prov.format = "vpdq";
        prov.segment = segment;
        prov.videos = list.n;
        prov.video_frames = stats->added;
        rc = vg_import_commit_or_discard(st, &prov, segment, stats, err);
        vg_buf_dispose(&sources);
    }
    vg_import_end(&p);
    vigil_vpdq_list_dispose(&list);
    free(seg_path);
    free(segment);
    if (rc == 0 && failed)
        rc = vigil_error_set(err, VIGIL_EINPUT, "%zu of %zu files failed; the others were imported", failed, nfiles);
    return rc;
}

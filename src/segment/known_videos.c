/*
 * Known-video files (known_videos.h). Every number is little-endian and
 * written field by field, so the layout does not depend on the compiler's
 * struct padding. The file is small next to a segment (56 bytes a frame, one
 * frame a second of video), so opening it checks everything, the body's
 * checksum included.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "segment/known_videos.h"

/* Header: magic 8, version u32, header size u32, file size u64, videos u64, frames u64, names
   size u64, reserved 16 (zero), body SHA-256 32, header SHA-256 32 (of the 96 bytes before it). */
enum { H_VERSION = 8, H_HSIZE = 12, H_FSIZE = 16, H_VIDEOS = 24, H_FRAMES = 32, H_NAMES = 40, H_RESERVED = 48,
       H_BODY_SHA = 64, H_HEADER_SHA = 96 };

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(const uint8_t *p)
{
    uint32_t v = 0;
    for (int i = 3; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static uint64_t get64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static int sha256(uint8_t out[32], const void *p, size_t n)
{
    return EVP_Digest(p, n, out, NULL, EVP_sha256(), NULL) == 1 ? 0 : -1;
}

char *vg_kv_path(const char *seg_path)
{
    size_t n = strlen(seg_path) + sizeof VG_KV_SUFFIX;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s%s", seg_path, VG_KV_SUFFIX);
    return p;
}

/* The whole file in memory, header first. */
static int build(vg_buf *b, const vigil_vpdq_list *l, vigil_error *err)
{
    uint64_t frames = 0, names = 0;
    uint8_t h[VG_KV_HEADER] = {0}, rec[VG_KV_FRAME];
    for (size_t i = 0; i < l->n; i++) {
        const vigil_vpdq_video *v = &l->videos[i];
        size_t len = strlen(v->name);
        if (len == 0 || len > VG_KV_NAME_MAX)
            return vigil_error_set(err, VIGIL_EINPUT, "known video %zu: a name of %zu bytes (1 to %d)", i + 1, len,
                                   VG_KV_NAME_MAX);
        if (v->n == 0)
            return vigil_error_set(err, VIGIL_EINPUT, "known video '%s': no frames", v->name);
        frames += v->n;
        names += len;
    }
    vg_buf_add(b, h, sizeof h);
    for (size_t i = 0, off = 0; i < l->n; i++) {
        size_t len = strlen(l->videos[i].name);
        memset(rec, 0, VG_KV_VIDEO);
        put64(rec, off);
        put32(rec + 8, (uint32_t)len);
        put64(rec + 16, l->videos[i].n);
        vg_buf_add(b, rec, VG_KV_VIDEO);
        off += len;
    }
    for (size_t i = 0; i < l->n; i++)
        for (size_t k = 0; k < l->videos[i].n; k++) {
            const vigil_vpdq_frame *fr = &l->videos[i].frames[k];
            uint64_t bits;
            memcpy(&bits, &fr->seconds, 8);
            memset(rec, 0, sizeof rec);
            put64(rec, fr->frame);
            put64(rec + 8, bits);
            put32(rec + 16, (uint32_t)fr->quality);
            memcpy(rec + 24, fr->hash.b, 32);
            vg_buf_add(b, rec, VG_KV_FRAME);
        }
    for (size_t i = 0; i < l->n; i++)
        vg_buf_add(b, l->videos[i].name, strlen(l->videos[i].name));
    if (vg_buf_failed(b))
        return vigil_error_set(err, VIGIL_ENOMEM, "known videos: out of memory");
    memcpy(h, VG_KV_MAGIC, 8);
    put32(h + H_VERSION, VG_KV_VERSION);
    put32(h + H_HSIZE, VG_KV_HEADER);
    put64(h + H_FSIZE, b->len);
    put64(h + H_VIDEOS, l->n);
    put64(h + H_FRAMES, frames);
    put64(h + H_NAMES, names);
    if (sha256(h + H_BODY_SHA, b->ptr + VG_KV_HEADER, b->len - VG_KV_HEADER) < 0 ||
        sha256(h + H_HEADER_SHA, h, H_HEADER_SHA) < 0)
        return vigil_error_set(err, VIGIL_ENOMEM, "known videos: SHA-256 failed");
    memcpy(b->ptr, h, sizeof h);
    return 0;
}

int vg_kv_write(const char *seg_path, const vigil_vpdq_list *list, vigil_error *err)
{
    char *final = vg_kv_path(seg_path), *tmp = NULL;
    vg_buf b;
    int rc, fd = -1;
    vg_buf_init(&b, (size_t)1 << 40);
    if (!final || !(tmp = malloc(strlen(final) + 16))) {
        rc = vigil_error_set(err, VIGIL_ENOMEM, "known videos: out of memory");
        goto out;
    }
    if ((rc = build(&b, list, err)) < 0)
        goto out;
    sprintf(tmp, "%s-tmp-XXXXXX", final);
    if ((fd = mkstemp(tmp)) < 0) {
        rc = vigil_error_set(err, VIGIL_ESTORE, "%s: %s", tmp, strerror(errno));
        goto out;
    }
    for (size_t done = 0; done < b.len;) {
        ssize_t w = write(fd, b.ptr + done, b.len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            rc = vigil_error_set(err, VIGIL_ESTORE, "%s: %s", tmp, errno == ENOSPC ? "disk full" : strerror(errno));
            break;
        }
        done += (size_t)w;
    }
    if (rc == 0 && (fchmod(fd, 0644) != 0 || fsync(fd) != 0))
        rc = vigil_error_set(err, VIGIL_ESTORE, "%s: %s", tmp, strerror(errno));
    if (close(fd) != 0 && rc == 0)
        rc = vigil_error_set(err, VIGIL_ESTORE, "%s: %s", tmp, strerror(errno));
    if (rc == 0 && rename(tmp, final) != 0)
        rc = vigil_error_set(err, VIGIL_ESTORE, "%s: %s", final, strerror(errno));
    if (rc < 0)
        unlink(tmp);
out:
    vg_buf_dispose(&b);
    free(tmp);
    free(final);
    return rc;
}

/* The header's own checks; videos, frames and names size out. NULL or why it is refused. */
static const char *check_header(const uint8_t *p, size_t n, uint64_t *videos, uint64_t *frames, uint64_t *names)
{
    uint8_t md[32];
    if (n < VG_KV_HEADER || memcmp(p, VG_KV_MAGIC, 8) != 0)
        return "not a known-video file";
    if (get32(p + H_VERSION) != VG_KV_VERSION)
        return "a known-video file of another version";
    if (get32(p + H_HSIZE) != VG_KV_HEADER)
        return "a header of the wrong size";
    if (sha256(md, p, H_HEADER_SHA) < 0 || memcmp(md, p + H_HEADER_SHA, 32) != 0)
        return "the header's checksum does not match";
    for (int i = H_RESERVED; i < H_BODY_SHA; i++)
        if (p[i])
            return "reserved header bytes are set";
    *videos = get64(p + H_VIDEOS);
    *frames = get64(p + H_FRAMES);
    *names = get64(p + H_NAMES);
    /* each bound keeps the size sum below from overflowing */
    if (*videos > (1ull << 40) || *frames > (1ull << 40) || *names > (1ull << 52) || *frames < *videos)
        return "counts out of range";
    if (get64(p + H_FSIZE) != VG_KV_HEADER + *videos * VG_KV_VIDEO + *frames * VG_KV_FRAME + *names)
        return "the header's sizes do not add up";
    return NULL;
}

static const char *parse_body(vigil_vpdq_list *l, const uint8_t *p, uint64_t nv, uint64_t nf, uint64_t nn)
{
    const uint8_t *vids = p + VG_KV_HEADER, *frames = vids + nv * VG_KV_VIDEO, *names = frames + nf * VG_KV_FRAME;
    uint64_t at = 0, name_at = 0;
    for (uint64_t i = 0; i < nv; i++) {
        const uint8_t *r = vids + i * VG_KV_VIDEO;
        uint64_t off = get64(r), len = get32(r + 8), cnt = get64(r + 16);
        vigil_vpdq_video *v;
        /* names lie end to end in video order: the export gives the list back as it came */
        if (get32(r + 12) != 0)
            return "a video's reserved field is set";
        if (off != name_at || len == 0 || len > VG_KV_NAME_MAX || len > nn - off || memchr(names + off, 0, len))
            return "a video's name is out of place";
        if (cnt == 0 || cnt > nf - at)
            return "a video's frame count is out of range";
        if (l->n == l->cap) {
            size_t cap = l->cap ? l->cap * 2 : 16;
            vigil_vpdq_video *q = realloc(l->videos, cap * sizeof *q);
            if (!q)
                return NULL;
            l->videos = q;
            l->cap = cap;
        }
        v = &l->videos[l->n];
        memset(v, 0, sizeof *v);
        if (!(v->name = strndup((const char *)names + off, (size_t)len)) ||
            !(v->frames = malloc((size_t)cnt * sizeof *v->frames))) {
            free(v->name);
            return NULL;
        }
        l->n++;
        v->cap = (size_t)cnt;
        for (uint64_t k = 0; k < cnt; k++) {
            const uint8_t *f = frames + (at + k) * VG_KV_FRAME;
            vigil_vpdq_frame *fr = &v->frames[v->n];
            uint64_t bits = get64(f + 8);
            uint32_t q = get32(f + 16);
            memset(fr, 0, sizeof *fr);
            fr->frame = get64(f);
            memcpy(&fr->seconds, &bits, 8);
            if (q > 100)
                return "a frame's quality is over 100";
            if (!(fr->seconds >= 0 && fr->seconds <= 1e9)) /* also NaN */
                return "a frame's time is out of range";
            if (get32(f + 20) != 0)
                return "a frame's reserved field is set";
            fr->quality = (int)q;
            memcpy(fr->hash.b, f + 24, 32);
            v->n++;
        }
        at += cnt;
        name_at += len;
    }
    if (at != nf)
        return "the videos' frames do not add up to the header's count";
    if (name_at != nn)
        return "the names do not fill their section";
    return "";
}

int vg_kv_parse(vigil_vpdq_list *list, const void *data, size_t n, const char *label, vigil_error *err)
{
    const uint8_t *p = data;
    uint64_t nv, nf, nn;
    uint8_t md[32];
    const char *why = check_header(p, n, &nv, &nf, &nn);
    vigil_vpdq_list got = {0};
    if (!why && get64(p + H_FSIZE) != n)
        why = "the file's size is not the header's";
    if (!why && (sha256(md, p + VG_KV_HEADER, n - VG_KV_HEADER) < 0 || memcmp(md, p + H_BODY_SHA, 32) != 0))
        why = "the body's checksum does not match";
    if (why)
        return vigil_error_set(err, VIGIL_ESTORE, "%s: %s", label, why);
    why = parse_body(&got, p, nv, nf, nn);
    if (!why || *why) {
        vigil_vpdq_list_dispose(&got);
        return why ? vigil_error_set(err, VIGIL_ESTORE, "%s: %s", label, why)
                   : vigil_error_set(err, VIGIL_ENOMEM, "%s: out of memory", label);
    }
    /* appended whole: a refused file leaves list as it was */
    if (list->n + got.n > list->cap) {
        vigil_vpdq_video *q = realloc(list->videos, (list->n + got.n) * sizeof *q);
        if (!q) {
            vigil_vpdq_list_dispose(&got);
            return vigil_error_set(err, VIGIL_ENOMEM, "%s: out of memory", label);
        }
        list->videos = q;
        list->cap = list->n + got.n;
    }
    if (got.n)
        memcpy(list->videos + list->n, got.videos, got.n * sizeof *got.videos);
    list->n += got.n;
    free(got.videos);
    return 0;
}

/* The file whole in memory (malloc'd into *out); VIGIL_ENOTFOUND when there is none. */
static int slurp(uint8_t **out, size_t *n, const char *path, vigil_error *err)
{
    struct stat sb;
    uint8_t *p = NULL;
    size_t got = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC), rc = 0;
    if (fd < 0)
        return errno == ENOENT ? vigil_error_set(err, VIGIL_ENOTFOUND, "%s: no such file", path)
                               : vigil_error_set(err, VIGIL_ESTORE, "%s: %s", path, strerror(errno));
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))
        rc = vigil_error_set(err, VIGIL_ESTORE, "%s: not a regular file", path);
    else if (!(p = malloc(sb.st_size ? (size_t)sb.st_size : 1)))
        rc = vigil_error_set(err, VIGIL_ENOMEM, "%s: out of memory", path);
    while (rc == 0 && got < (size_t)sb.st_size) {
        ssize_t r = read(fd, p + got, (size_t)sb.st_size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            rc = vigil_error_set(err, VIGIL_ESTORE, "%s: %s", path, r < 0 ? strerror(errno) : "shorter than it was");
        else
            got += (size_t)r;
    }
    close(fd);
    if (rc < 0) {
        free(p);
        return rc;
    }
    *out = p;
    *n = got;
    return 0;
}

int vg_kv_read(vigil_vpdq_list *list, const char *seg_path, vigil_error *err)
{
    char *path = vg_kv_path(seg_path);
    uint8_t *p = NULL;
    size_t n = 0;
    int rc;
    if (!path)
        return vigil_error_set(err, VIGIL_ENOMEM, "known videos: out of memory");
    rc = slurp(&p, &n, path, err);
    if (rc == 0)
        rc = vg_kv_parse(list, p, n, path, err);
    free(p);
    free(path);
    return rc;
}

int vg_kv_count(uint64_t *videos, uint64_t *frames, const char *seg_path, vigil_error *err)
{
    char *path = vg_kv_path(seg_path);
    uint8_t h[VG_KV_HEADER];
    uint64_t names;
    const char *why = NULL;
    int fd, rc = 0;
    if (!path)
        return vigil_error_set(err, VIGIL_ENOMEM, "known videos: out of memory");
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        rc = errno == ENOENT ? VIGIL_ENOTFOUND : vigil_error_set(err, VIGIL_ESTORE, "%s: %s", path, strerror(errno));
    else {
        ssize_t r = pread(fd, h, sizeof h, 0);
        why = check_header(h, r < 0 ? 0 : (size_t)r, videos, frames, &names);
        close(fd);
        if (why)
            rc = vigil_error_set(err, VIGIL_ESTORE, "%s: %s", path, why);
    }
    free(path);
    return rc;
}

void vg_kv_unlink(const char *seg_path)
{
    char *path = vg_kv_path(seg_path);
    if (path)
        unlink(path);
    free(path);
}

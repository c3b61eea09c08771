/*
 * What must be the same for a scan to be resumed: the roots as given, the
 * options that change results, and the hash sets matched against (name,
 * kind, version). The summary of every scan keeps them under "scan" and
 * "sets"; a resume compares them and says what differs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#include "core/buf.h"
#include "core/json.h"
#include "scan/resume.h"

typedef struct option_value {
    const char *key;
    unsigned long long value;
    int implied;                  /* an older summary without the key had this value; -1 none */
} option_value;

/* The options that change what a scan finds or decides (not --jobs, not the outputs). */
static size_t options_of(option_value *v, const vigil_scan_opts *o)
{
    size_t n = 0;
    v[n++] = (option_value){"archives", (unsigned long long)o->expand_archives, -1};
    v[n++] = (option_value){"mime", (unsigned long long)o->sniff_mime, -1};
    v[n++] = (option_value){"link_targets", (unsigned long long)o->read_link_targets, -1};
    v[n++] = (option_value){"max_depth", o->limits.max_depth, -1};
    v[n++] = (option_value){"max_ratio", o->limits.max_ratio, -1};
    v[n++] = (option_value){"ratio_floor", o->limits.ratio_floor, -1};
    v[n++] = (option_value){"max_archive_bytes", o->limits.max_archive_bytes, -1};
    v[n++] = (option_value){"pdq", (unsigned long long)o->compute_pdq, -1};
    v[n++] = (option_value){"pdq_distance", (unsigned long long)o->pdq_max_distance, -1};
    /* 1: JPEGs decoded at reduced scale (near, not equal, hashes); scans before it decoded in full */
    v[n++] = (option_value){"pdq_dct_scale", (unsigned long long)o->decode.dct_scale, 0};
    v[n++] = (option_value){"max_pixels", (unsigned long long)o->decode.max_pixels, -1};
    v[n++] = (option_value){"max_image_bytes", o->max_image_bytes, -1};
    v[n++] = (option_value){"carve", (unsigned long long)o->carve, -1};
    v[n++] = (option_value){"carve_max_size", o->carve_max_size, -1};
    v[n++] = (option_value){"verify_image", (unsigned long long)o->verify_image, -1};
    /* vPDQ of videos; scans before it hashed none */
    v[n++] = (option_value){"video", (unsigned long long)o->compute_vpdq, 0};
    v[n++] = (option_value){"max_video_seconds", (unsigned long long)o->vpdq.max_video_seconds, 14400};
    v[n++] = (option_value){"max_frames", (unsigned long long)o->vpdq.max_frames, 20000};
    /* --videos: how many known videos were compared (their names are not recorded) */
    v[n++] = (option_value){"known_videos", o->known_videos ? (unsigned long long)o->known_videos->n : 0, 0};
    return n;
}

#define MAX_OPTIONS 24

char *vigil_scan_params_json(const char *const *roots, size_t nroots, const vigil_scan_opts *o)
{
    option_value v[MAX_OPTIONS];
    size_t n = options_of(v, o);
    vg_buf b;
    vg_buf_init(&b, (size_t)1 << 30);
    vg_buf_adds(&b, "{\"roots\":[");
    for (size_t i = 0; i < nroots; i++) {
        if (i)
            vg_buf_addc(&b, ',');
        vg_json_str(&b, roots[i], strlen(roots[i]));
    }
    vg_buf_adds(&b, "],\"options\":{");
    for (size_t i = 0; i < n; i++)
        vg_buf_addf(&b, "%s\"%s\":%llu", i ? "," : "", v[i].key, v[i].value);
    vg_buf_adds(&b, "}}");
    return vg_buf_detach(&b, NULL);
}

static yajl_val get(yajl_val obj, const char *key)
{
    const char *path[] = {key, NULL};
    return obj ? yajl_tree_get(obj, path, yajl_t_any) : NULL;
}

static const char *str(yajl_val obj, const char *key)
{
    yajl_val v = get(obj, key);
    return YAJL_IS_STRING(v) ? v->u.string : NULL;
}

static int same_root(yajl_val v, const char *root)
{
    char *c;
    size_t n;
    int same;
    if (!YAJL_IS_STRING(v) || !(c = strdup(v->u.string)))
        return 0;
    n = vg_resume_unescape(c, strlen(c));
    same = n == strlen(root) && !memcmp(c, root, n);
    free(c);
    return same;
}

static int check_roots(yajl_val was, const char *const *roots, size_t nroots, const char *file, vigil_error *err)
{
    if (!YAJL_IS_ARRAY(was))
        return vigil_error_set(err, VIGIL_EINPUT, "%s: the summary does not record the scan's roots", file);
    if (was->u.array.len != nroots)
        return vigil_error_set(err, VIGIL_EUSAGE, "%s: the earlier scan had %zu paths, this one %zu: resume it with "
                               "the same paths", file, was->u.array.len, nroots);
    for (size_t i = 0; i < nroots; i++)
        if (!same_root(was->u.array.values[i], roots[i]))
            return vigil_error_set(err, VIGIL_EUSAGE, "%s: path %zu differs from the earlier scan's ('%s'): resume "
                                   "it with the same paths", file, i + 1,
                                   YAJL_IS_STRING(was->u.array.values[i]) ? was->u.array.values[i]->u.string
                                                                          : "?");
    return 0;
}

static int check_options(yajl_val was, const vigil_scan_opts *o, const char *file, vigil_error *err)
{
    option_value v[MAX_OPTIONS];
    size_t n = options_of(v, o);
    if (!YAJL_IS_OBJECT(was))
        return vigil_error_set(err, VIGIL_EINPUT, "%s: the summary does not record the scan's options", file);
    for (size_t i = 0; i < n; i++) {
        yajl_val w = get(was, v[i].key);
        char now[32];
        if (!w && v[i].implied >= 0 && v[i].value == (unsigned long long)v[i].implied)
            continue;
        snprintf(now, sizeof now, "%llu", v[i].value);
        if (!YAJL_IS_NUMBER(w) || strcmp(YAJL_GET_NUMBER(w), now) != 0)
            return vigil_error_set(err, VIGIL_EUSAGE, "%s: option %s was %s in the earlier scan, now %s: resume it "
                                   "with the same options", file, v[i].key,
                                   YAJL_IS_NUMBER(w) ? YAJL_GET_NUMBER(w) : "not set", now);
    }
    return 0;
}

/* The sets matched against, with their versions: a new version could change verdicts. */
static int check_sets(yajl_val was, const vigil_hashset_info *sets, size_t nsets, const char *file,
                      vigil_error *err)
{
    size_t nwas = YAJL_IS_ARRAY(was) ? was->u.array.len : 0;
    for (size_t i = 0; i < nsets; i++) {
        yajl_val match = NULL;
        for (size_t k = 0; k < nwas && !match; k++) {
            const char *name = str(was->u.array.values[k], "name");
            if (name && sets[i].name && !strcmp(name, sets[i].name))
                match = was->u.array.values[k];
        }
        if (!match)
            return vigil_error_set(err, VIGIL_EUSAGE, "%s: hash set '%s' was not matched against in the earlier "
                                   "scan: verdicts would differ, scan again", file, sets[i].name);
        yajl_val ver = get(match, "version");
        const char *kind = str(match, "kind");
        if (!YAJL_IS_INTEGER(ver) || YAJL_GET_INTEGER(ver) != (long long)sets[i].version || !kind ||
            strcmp(kind, vigil_hashset_kind_name(sets[i].kind)) != 0)
            return vigil_error_set(err, VIGIL_EUSAGE, "%s: hash set '%s' changed since the earlier scan (version "
                                   "%lld, now %lld): verdicts would differ, scan again", file, sets[i].name,
                                   YAJL_IS_INTEGER(ver) ? (long long)YAJL_GET_INTEGER(ver) : -1LL,
                                   (long long)sets[i].version);
    }
    if (nwas > nsets)
        for (size_t k = 0; k < nwas; k++) {
            const char *name = str(was->u.array.values[k], "name");
            int found = 0;
            for (size_t i = 0; i < nsets && !found; i++)
                found = name && sets[i].name && !strcmp(name, sets[i].name);
            if (!found)
                return vigil_error_set(err, VIGIL_EUSAGE, "%s: hash set '%s' of the earlier scan is gone: verdicts "
                                       "would differ, scan again", file, name ? name : "?");
        }
    return 0;
}

int vigil_resume_check(const vigil_resume *r, const char *const *roots, size_t nroots, const vigil_scan_opts *o,
                       const vigil_hashset_info *sets, size_t nsets, vigil_error *err)
{
    yajl_val s = vg_resume_summary(r), scan = get(s, "scan");
    const char *file = vg_resume_file(r);
    if (!YAJL_IS_OBJECT(scan))
        return vigil_error_set(err, VIGIL_EINPUT, "%s: the summary does not record the scan's roots and options "
                               "(written by an older vigil): it cannot be resumed", file);
    if (check_roots(get(scan, "roots"), roots, nroots, file, err) < 0 ||
        check_options(get(scan, "options"), o, file, err) < 0 || check_sets(get(s, "sets"), sets, nsets, file, err) < 0)
        return err->code;
    return 0;
}

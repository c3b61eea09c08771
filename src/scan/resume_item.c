/*
 * One line of an earlier scan JSONL back into a result, so that a resumed
 * scan hands the CSV and HTML writers the same item the first scan did. The
 * JSONL writer copies the stored line itself (item.resumed_line), so fields
 * this reader does not know are kept there as they were. Unknown keys are
 * ignored.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#include "core/hex.h"
#include "scan/resume.h"

size_t vg_resume_unescape(char *s, size_t len)
{
    size_t i = 0, o = 0;
    while (i < len) {
        unsigned char c1 = (unsigned char)s[i];
        unsigned char c2 = i + 2 < len ? (unsigned char)s[i + 1] : 0;
        /* U+DC80..U+DCFF is ED B2 80..ED B3 BF; valid UTF-8 never holds it */
        if (c1 == 0xED && (c2 == 0xB2 || c2 == 0xB3) && i + 2 < len) {
            s[o++] = (char)(((c2 & 0x03) << 6) | ((unsigned char)s[i + 2] & 0x3F));
            i += 3;
        } else {
            s[o++] = s[i++];
        }
    }
    s[o] = '\0';
    return o;
}

static yajl_val get(yajl_val obj, const char *key)
{
    const char *path[] = {key, NULL};
    return yajl_tree_get(obj, path, yajl_t_any);
}

static const char *str(yajl_val obj, const char *key)
{
    yajl_val v = get(obj, key);
    return YAJL_IS_STRING(v) ? v->u.string : NULL;
}

/* A copy of a decoded string with its escaped bytes restored; *len gets its length. */
static char *bytes_dup(const char *s, size_t *len)
{
    size_t n = strlen(s);
    char *c = malloc(n + 1);
    if (!c)
        return NULL;
    memcpy(c, s, n + 1);
    n = vg_resume_unescape(c, n);
    if (len)
        *len = n;
    return c;
}

static int name_index(const char *s, const char *(*name)(int), int n)
{
    for (int i = 0; s && i < n; i++)
        if (!strcmp(s, name(i)))
            return i;
    return -1;
}

static const char *verdict_name(int i) { return vigil_verdict_name((vigil_verdict)i); }
static const char *type_name(int i) { return vigil_item_type_name((vigil_item_type)i); }
static const char *by_name(int i) { return vigil_match_by_name((vigil_match_by)i); }
static const char *dihedral_name(int i) { return vigil_pdq_dihedral_name((vigil_pdq_dihedral)i); }
static const char *flag_name(int i) { return vigil_match_flag_name((unsigned)i); }
static const char *kind_name(int i) { return vigil_hashset_kind_name((vigil_hashset_kind)i); }

static int hex_field(uint8_t *out, size_t n, yajl_val obj, const char *key)
{
    const char *h = str(obj, key);
    return h && strlen(h) == 2 * n && vg_hex_decode(out, h, n) == 0 ? 0 : -1;
}

/* A copy of s owned by r (NULL stays NULL); -1 when out of memory. */
static int keep(vg_result *r, const char **dst, const char *s)
{
    char **grown, *c;
    *dst = NULL;
    if (!s)
        return 0;
    if (!(c = strdup(s)))
        return -1;
    if (!(grown = realloc(r->strings, (r->nstrings + 1) * sizeof *grown))) {
        free(c);
        return -1;
    }
    r->strings = grown;
    r->strings[r->nstrings++] = c;
    *dst = c;
    return 0;
}

static int int_field(yajl_val obj, const char *key)
{
    yajl_val v = get(obj, key);
    return YAJL_IS_INTEGER(v) ? (int)YAJL_GET_INTEGER(v) : 0;
}

static unsigned flags_field(yajl_val obj)
{
    yajl_val v = get(obj, "flags");
    unsigned flags = 0;
    for (size_t i = 0; YAJL_IS_ARRAY(v) && i < v->u.array.len; i++) {
        yajl_val f = v->u.array.values[i];
        int bit = YAJL_IS_STRING(f) ? name_index(f->u.string, flag_name, VIGIL_MATCH__FLAGS) : -1;
        if (bit >= 0)
            flags |= 1u << bit;
    }
    return flags;
}

/* The listed record behind one match of the "matches" list. */
static int read_record(vg_result *r, vigil_match *mt, yajl_val rec)
{
    yajl_val line = get(rec, "line");
    static const struct { const char *key; size_t off, n; unsigned bit; } digests[] = {
        {"md5", offsetof(vigil_match, md5), 16, VIGIL_RECORD_MD5},
        {"sha1", offsetof(vigil_match, sha1), 20, VIGIL_RECORD_SHA1},
        {"sha256", offsetof(vigil_match, sha256), 32, VIGIL_RECORD_SHA256},
        {"pdq", offsetof(vigil_match, pdq), 32, VIGIL_RECORD_PDQ},
    };
    if (keep(r, &mt->record_name, str(rec, "name")) < 0 || keep(r, &mt->record_source, str(rec, "source")) < 0)
        return -1;
    mt->record_line = YAJL_IS_INTEGER(line) && YAJL_GET_INTEGER(line) > 0 ? (uint64_t)YAJL_GET_INTEGER(line) : 0;
    for (size_t i = 0; i < sizeof digests / sizeof *digests; i++) {
        if (!str(rec, digests[i].key))
            continue;
        if (hex_field((uint8_t *)mt + digests[i].off, digests[i].n, rec, digests[i].key) < 0)
            return -1;
        mt->record_mask |= digests[i].bit;
    }
    return 0;
}

/* One element of "matches": every set that listed the item, the winner first. */
static int read_one_match(vg_result *r, vigil_match *mt, yajl_val m)
{
    int by = name_index(str(m, "by"), by_name, VIGIL_BY_VPDQ + 1);
    int kind = name_index(str(m, "kind"), kind_name, VIGIL_KIND__COUNT);
    yajl_val rec = get(m, "record");
    if (by <= 0 || kind < 0 || !str(m, "set"))
        return -1;
    mt->by = (vigil_match_by)by;
    mt->kind = (vigil_hashset_kind)kind;
    mt->distance = int_field(m, "distance");
    mt->version = int_field(m, "version");
    mt->flags = flags_field(m);
    if (by == VIGIL_BY_PDQ) {
        int d = name_index(str(m, "orientation"), dihedral_name, VIGIL_PDQ__DIHEDRAL);
        mt->dihedral = d < 0 ? 0 : d;
    }
    if (keep(r, &mt->set, str(m, "set")) < 0 || keep(r, &mt->category, str(m, "category")) < 0 ||
        keep(r, &mt->series, str(m, "series")) < 0)
        return -1;
    return YAJL_IS_OBJECT(rec) ? read_record(r, mt, rec) : 0;
}

static int read_match_list(vg_result *r, yajl_val list)
{
    size_t n = list->u.array.len;
    vigil_match *all = n ? calloc(n, sizeof *all) : NULL;
    if (n && !all)
        return -1;
    r->matches = all;
    r->item.matches = all;
    r->item.nmatches = n;
    for (size_t i = 0; i < n; i++)
        if (!YAJL_IS_OBJECT(list->u.array.values[i]) || read_one_match(r, &all[i], list->u.array.values[i]) < 0)
            return -1;
    return 0;
}

/* The winning match; its listed record from the first of "matches", which is the winner. */
static int read_match(vg_result *r, yajl_val m, yajl_val list)
{
    vigil_match *mt = &r->item.match;
    int by = name_index(str(m, "by"), by_name, VIGIL_BY_VPDQ + 1);
    if (by <= 0 || !str(m, "set"))
        return -1;
    if (YAJL_IS_ARRAY(list) && list->u.array.len) {
        if (read_match_list(r, list) < 0)
            return -1;
        *mt = r->item.matches[0];
    }
    mt->by = (vigil_match_by)by;
    mt->distance = int_field(m, "distance");
    mt->flags = flags_field(m);
    mt->victim_identified = YAJL_IS_TRUE(get(m, "victim_identified"));
    if (keep(r, &mt->set, str(m, "set")) < 0 || keep(r, &mt->category, str(m, "category")) < 0 ||
        keep(r, &mt->series, str(m, "series")) < 0)
        return -1;
    if (by == VIGIL_BY_PDQ) {
        int d = name_index(str(m, "dihedral"), dihedral_name, VIGIL_PDQ__DIHEDRAL);
        const char *e = str(m, "entry");
        r->item.pdq_dihedral = d < 0 ? 0 : d;
        mt->dihedral = r->item.pdq_dihedral;
        if (e && vigil_pdq_parse(&r->item.pdq_entry, e, strlen(e), NULL) < 0)
            return -1;
    }
    return 0;
}

static double num_field(yajl_val obj, const char *key)
{
    yajl_val v = get(obj, key);
    return YAJL_IS_NUMBER(v) ? YAJL_GET_DOUBLE(v) : 0;
}

/* A video's "vpdq" and "video_match", and the time of a frame that matched a picture. */
static int read_video(vg_result *r, yajl_val o)
{
    vigil_item *it = &r->item;
    yajl_val v = get(o, "vpdq"), m = get(o, "match");
    const char *s;
    if (!YAJL_IS_OBJECT(v))
        return 0;
    it->vpdq_state = VIGIL_VPDQ_OK;
    it->vpdq_frames = (uint64_t)int_field(v, "frames");
    it->vpdq_quality_median = int_field(v, "quality_median");
    if ((s = str(v, "limit")))
        snprintf(it->vpdq_limit, sizeof it->vpdq_limit, "%s", s);
    if (YAJL_IS_OBJECT(m) && YAJL_IS_NUMBER(get(m, "frame_seconds")))
        it->video_frame_seconds = num_field(m, "frame_seconds");
    v = get(o, "video_match");
    if (!YAJL_IS_OBJECT(v))
        return 0;
    if (!str(v, "known") || !str(v, "query_ranges") || !str(v, "known_ranges"))
        return -1;
    it->video_query_percent = num_field(v, "query_percent");
    it->video_known_percent = num_field(v, "known_percent");
    return vg_result_set_video(r, str(v, "known"), str(v, "query_ranges"), str(v, "known_ranges"));
}

/* Fill r from the parsed line; -1 when a field the writers need is missing or malformed. */
static int read_item(vg_result *r, yajl_val o)
{
    vigil_item *it = &r->item;
    yajl_val v = get(o, "size");
    const char *s;
    int i;
    if (!YAJL_IS_INTEGER(v) || YAJL_GET_INTEGER(v) < 0)
        return -1;
    it->size = (uint64_t)YAJL_GET_INTEGER(v);
    if (str(o, "md5")) {
        if (hex_field(it->digests.md5, 16, o, "md5") || hex_field(it->digests.sha1, 20, o, "sha1") ||
            hex_field(it->digests.sha256, 32, o, "sha256"))
            return -1;
        it->has_digests = 1;
    }
    if ((s = str(o, "mime"))) {
        snprintf(r->mime, sizeof r->mime, "%s", s);
        it->mime = r->mime;
    }
    if ((s = str(o, "pdq"))) {
        if (vigil_pdq_parse(&it->pdq[VIGIL_PDQ_ORIG], s, strlen(s), NULL) < 0)
            return -1;
        v = get(o, "pdq_quality");
        it->pdq_state = VIGIL_PDQ_OK;
        it->pdq_quality = YAJL_IS_INTEGER(v) ? (int)YAJL_GET_INTEGER(v) : 0;
    }
    if ((i = name_index(str(o, "verdict"), verdict_name, VIGIL_VERDICT__COUNT)) < 0)
        return -1;
    it->verdict = (vigil_verdict)i;
    if ((i = name_index(str(o, "type"), type_name, VIGIL_ITEM_FILESYSTEM + 1)) < 0)
        return -1;
    it->type = (vigil_item_type)i;
    v = get(o, "match");
    if (YAJL_IS_OBJECT(v) && read_match(r, v, get(o, "matches")) < 0)
        return -1;
    if (read_video(r, o) < 0)
        return -1;
    if ((s = str(o, "error")) && !(r->error = strdup(s)))
        return -1;
    it->error = r->error;
    if ((s = str(o, "link_target")) && !(r->link_target = bytes_dup(s, NULL)))
        return -1;
    it->link_target = r->link_target;
    return 0;
}

/* The path's bytes: path_hex when the path is not UTF-8, else the decoded string. */
static char *item_path(yajl_val o, size_t *len)
{
    const char *hex = str(o, "path_hex"), *p = str(o, "path");
    if (hex) {
        size_t n = strlen(hex) / 2;
        char *b = malloc(n + 1);
        if (!b || strlen(hex) % 2 || vg_hex_decode((uint8_t *)b, hex, n) < 0) {
            free(b);
            return NULL;
        }
        b[n] = '\0';
        *len = n;
        return b;
    }
    return p ? bytes_dup(p, len) : NULL;
}

vg_result *vg_resume_result(const char *line, size_t len)
{
    yajl_val o = yajl_tree_parse(line, NULL, 0), cs;
    vg_result *r = NULL;
    char *path = NULL, **chain = NULL;
    size_t plen = 0, n = 0;
    (void)len;
    if (!YAJL_IS_OBJECT(o) || !(path = item_path(o, &plen)))
        goto done;
    cs = get(o, "containers");
    if (YAJL_IS_ARRAY(cs) && cs->u.array.len) {
        n = cs->u.array.len;
        if (!(chain = calloc(n, sizeof *chain)))
            goto done;
        for (size_t i = 0; i < n; i++)
            if (!YAJL_IS_STRING(cs->u.array.values[i]) ||
                !(chain[i] = bytes_dup(cs->u.array.values[i]->u.string, NULL)))
                goto done;
    }
    r = vg_result_new(path, plen, (const char *const *)chain, n);
    if (r && read_item(r, o) < 0) {
        vg_result_free(r);
        r = NULL;
    }
    if (r) {
        r->item.resumed_line = line;
        r->item.resumed_len = len;
    }
done:
    for (size_t i = 0; chain && i < n; i++)
        free(chain[i]);
    free(chain);
    free(path);
    yajl_tree_free(o);
    return r;
}

/*
 * Project VIC VICS JSON reader (1.x and 2.0, #Media and #Cases) over libyajl's
 * callback parser: the file is fed in 64 KiB blocks and each media record goes
 * to the sink as soon as its object closes, so memory does not grow with the
 * file. Records are found by structure (value[i], or value[i].Media[j] inside
 * a case), which also covers files with an unknown schema marker.
 */
#include <errno.h>
#include <iconv.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yajl/yajl_parse.h>

#include "core/block_queue.h"
#include "core/hex.h"
#include "formats/exchange/category_map.h"
#include "formats/exchange/exchange.h"
#include "formats/exchange/photodna.h"

#define MAX_DEPTH 16
#define REC_STRINGS 8192

enum frame { F_TOP, F_VALUE, F_ITEM, F_CASE_MEDIA, F_REC, F_ALT_ARR, F_ALT, F_FILES_ARR, F_FILE };
enum kind { KIND_UNKNOWN, KIND_MEDIA, KIND_CASES };

enum key {
    K_OTHER, K_ODATA_METADATA, K_ODATA_CONTEXT, K_VALUE, K_MEDIA, K_MD5, K_SHA1, K_CATEGORY, K_SIZE, K_VICTIM,
    K_OFFENDER, K_DISTRIBUTED, K_SERIES, K_TAGS, K_PHOTODNA, K_ALT, K_FILES, K_PRECAT_SOURCE, K_APP_NAME,
    K_APP_VERSION, K_HASH_NAME, K_HASH_VALUE, K_QUALITY, K_FILE_NAME, K_RELATIVE_PATH,
};

static const struct {
    const char *name;
    size_t len;
    enum key key;
} keys[] = {
#define KEY(s, k) {s, sizeof s - 1, k}
    /* sorted by length: lookup_key relies on it */
    KEY("MD5", K_MD5), KEY("SHA1", K_SHA1), KEY("Tags", K_TAGS), KEY("Media", K_MEDIA), KEY("value", K_VALUE),
    KEY("Series", K_SERIES), KEY("Quality", K_QUALITY), KEY("Category", K_CATEGORY), KEY("PhotoDNA", K_PHOTODNA),
    KEY("HashName", K_HASH_NAME), KEY("FileName", K_FILE_NAME), KEY("MediaSize", K_SIZE),
    KEY("HashValue", K_HASH_VALUE), KEY("MediaFiles", K_FILES), KEY("IsDistributed", K_DISTRIBUTED),
    KEY("odata.metadata", K_ODATA_METADATA), KEY("@odata.context", K_ODATA_CONTEXT),
    KEY("VictimIdentified", K_VICTIM), KEY("RelativeFilePath", K_RELATIVE_PATH), KEY("AlternativeHashes", K_ALT),
    KEY("OffenderIdentified", K_OFFENDER), KEY("SourceApplicationName", K_APP_NAME),
    KEY("PrecategorizationSource", K_PRECAT_SOURCE), KEY("SourceApplicationVersion", K_APP_VERSION),
#undef KEY
};

/*
 * Where the names of each length start in keys[] (sorted by length), and the
 * one name a key of a given length and first letter (either case) can be:
 * 1 + its index, 0 for none, SEVERAL when the lengths' loop must decide.
 */
#define SEVERAL 255
typedef struct key_index {
    uint8_t first[32], count[32];
    uint8_t by_head[32][256];
} key_index;

/* A media record being filled; strings live in its own block until it is sent. */
typedef struct rec_state {
    vg_hs_record r;
    char strs[REC_STRINGS];
    size_t used;
    const char *source_set;
    int is_case;           /* value[i] turned out to be a case (it has a Media array) */
    int name_from_path;    /* name so far is RelativeFilePath's last part, a MediaFiles FileName wins */
    int bad;
    char why[200];
} rec_state;

typedef struct vics {
    const char *label;
    const vg_hs_sink *sink;
    vigil_error *err;
    int rc;                /* first failure: set, then the parser is stopped */
    int caid;
    const vg_category_map *map;
    enum frame stack[MAX_DEPTH];
    unsigned idx[MAX_DEPTH]; /* next element index of an array frame */
    int depth;
    unsigned skip;         /* depth inside a value nobody reads */
    enum key key;          /* the key whose value comes next */
    enum kind kind;
    int saw_marker, saw_value, us_labels;
    char profile[48];      /* for records: "VICS 2.0 US", "VICS 1.2", "CAID" */
    rec_state item, rec;   /* value[i] and value[i].Media[j] */
    char alt_name[32], alt_value[1024];
    size_t alt_value_len;
    int alt_quality, alt_bad;
    char last_source_set[256];
    int source_set_sent;
    vg_pdna_repeats repeats;
    char warned_codes[8][32];
    unsigned nwarned;
    uint64_t records;
    int over;              /* the reading is over: rc is its result */
} vics;

static rec_state *current_rec(vics *v)
{
    for (int d = v->depth - 1; d >= 0; d--) {
        if (v->stack[d] == F_REC)
            return &v->rec;
        if (v->stack[d] == F_ITEM)
            return &v->item;
    }
    return NULL;
}

/* ASCII case-insensitive equality of n bytes (keys are ASCII; libc's locale-aware compare is slower). */
static int same_nocase(const char *a, const unsigned char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char x = (unsigned char)a[i], y = b[i];
        if (x != y && ((x | 0x20) != (y | 0x20) || (x | 0x20) < 'a' || (x | 0x20) > 'z'))
            return 0;
    }
    return 1;
}

/* The first byte as same_nocase compares it: letters in lower case, anything else as it is. */
static unsigned fold(unsigned char c)
{
    unsigned l = c | 0x20u;
    return l >= 'a' && l <= 'z' ? l : c;
}

static void key_index_init(key_index *ix)
{
    memset(ix, 0, sizeof *ix);
    for (size_t i = sizeof keys / sizeof keys[0]; i-- > 0;) {
        uint8_t *slot = &ix->by_head[keys[i].len][fold((unsigned char)keys[i].name[0])];
        ix->first[keys[i].len] = (uint8_t)i;
        ix->count[keys[i].len]++;
        *slot = *slot ? SEVERAL : (uint8_t)(i + 1);
    }
}

/*
 * Runs once per key of the file: only the names of the right length are
 * compared, and of them only the one with the same first letter when there is
 * one such name (an exact or caseless match needs that letter).
 */
static enum key lookup_key(const key_index *ix, const unsigned char *s, size_t n)
{
    unsigned one;
    if (n >= 32 || n == 0)
        return K_OTHER;
    one = ix->by_head[n][fold(s[0])];
    if (one == 0)
        return K_OTHER;
    if (one != SEVERAL) {
        const char *name = keys[one - 1].name;
        size_t i = 0;
        while (i < n && name[i] == (char)s[i]) /* keys are short: no call for the usual spelling */
            i++;
        return i == n || same_nocase(name, s, n) ? keys[one - 1].key : K_OTHER;
    }
    for (size_t i = ix->first[n], end = (size_t)ix->first[n] + ix->count[n]; i < end; i++)
        if (!memcmp(keys[i].name, s, n)) /* the usual spelling first */
            return keys[i].key;
    for (size_t i = ix->first[n], end = (size_t)ix->first[n] + ix->count[n]; i < end; i++)
        if (same_nocase(keys[i].name, s, n))
            return keys[i].key;
    return K_OTHER;
}

static char *put_uint(char *o, unsigned v)
{
    char tmp[12];
    int k = 0;
    do
        tmp[k++] = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    while (k)
        *o++ = tmp[--k];
    return o;
}

/* "value[i]" or "value[i].Media[j]" (j < 0: none), without printf: this runs once per record. */
static void rec_begin(rec_state *s, unsigned i, long j)
{
    char *o = s->r.where;
    vg_hs_record_clear(&s->r);
    memcpy(o, "value[", 6);
    o = put_uint(o + 6, i);
    *o++ = ']';
    if (j >= 0) {
        memcpy(o, ".Media[", 7);
        o = put_uint(o + 7, (unsigned)j);
        *o++ = ']';
    }
    *o = '\0';
    s->used = 0;
    s->source_set = NULL;
    s->is_case = 0;
    s->name_from_path = 0;
    s->bad = 0;
}

static void rec_fail(rec_state *s, const char *fmt, const char *a, size_t alen)
{
    if (s->bad)
        return; /* the first problem is the one worth telling */
    s->bad = 1;
    snprintf(s->why, sizeof s->why, fmt, (int)(alen > 72 ? 72 : alen), a);
}

/* Keep a copy of p[0..n) in the record's block; NULL (and the record marked bad) when full. */
static const char *rec_str(rec_state *s, const char *what, const unsigned char *p, size_t n)
{
    char *o;
    if (n + 1 > REC_STRINGS - s->used) {
        rec_fail(s, "%.*s longer than the record's 8 KiB of text", what, strlen(what));
        return NULL;
    }
    o = s->strs + s->used;
    memcpy(o, p, n);
    o[n] = '\0';
    s->used += n + 1;
    return o;
}

/* Digests in VICS are the hot path of a big import: core's decoder takes eight digits at a time. */
static int hex_decode(uint8_t *out, const unsigned char *s, size_t bytes)
{
    return vg_hex_decode(out, (const char *)s, bytes);
}

static void trim(const unsigned char **p, size_t *n)
{
    while (*n && (**p == ' ' || **p == '\t'))
        (*p)++, (*n)--;
    while (*n && ((*p)[*n - 1] == ' ' || (*p)[*n - 1] == '\t'))
        (*n)--;
}

/* Hex digest of the given length into out; empty means absent. */
static void put_hex(rec_state *s, const char *what, uint8_t *out, size_t bytes, const unsigned char *p, size_t n,
                    int is_string)
{
    trim(&p, &n);
    if (is_string && n == 0)
        return;
    if (!is_string || n != 2 * bytes || hex_decode(out, p, bytes) < 0) {
        char fmt[96];
        snprintf(fmt, sizeof fmt, "%s '%%.*s' is not %zu hex digits", what, 2 * bytes);
        rec_fail(s, fmt, (const char *)p, n);
        return;
    }
    if (bytes == 16)
        s->r.has_md5 = 1;
    else if (bytes == 20)
        s->r.has_sha1 = 1;
    else if (out == s->r.sha256)
        s->r.has_sha256 = 1;
    else
        s->r.has_pdq = 1;
}

/* JSON boolean, "true"/"false" (any case), or 0/1. */
static void put_flag(rec_state *s, const char *what, uint32_t bit, int truth)
{
    if (truth < 0) {
        rec_fail(s, "%.*s is not a boolean", what, strlen(what));
        return;
    }
    if (truth)
        s->r.flags |= bit;
    else
        s->r.flags &= ~bit;
}

static int text_truth(const unsigned char *p, size_t n)
{
    trim(&p, &n);
    if ((n == 4 && !strncasecmp((const char *)p, "true", 4)) || (n == 1 && *p == '1'))
        return 1;
    if ((n == 5 && !strncasecmp((const char *)p, "false", 5)) || (n == 1 && *p == '0'))
        return 0;
    return -1;
}

static void put_size(rec_state *s, const unsigned char *p, size_t n)
{
    int64_t v = 0;
    trim(&p, &n);
    if (n == 0 || n > 18) {
        rec_fail(s, "MediaSize '%.*s' is not a byte count", (const char *)p, n);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9') {
            rec_fail(s, "MediaSize '%.*s' is not a byte count", (const char *)p, n);
            return;
        }
        v = v * 10 + (p[i] - '0');
    }
    s->r.size = v;
}

static void put_tags(rec_state *s, const unsigned char *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t j = i, len;
        const unsigned char *t;
        while (j < n && p[j] != '|')
            j++;
        t = p + i;
        len = j - i;
        trim(&t, &len);
        if (len && *t == '#')
            t++, len--;
        if (len == 8 && !strncasecmp((const char *)t, "baseline", 8))
            s->r.flags |= VG_HS_BASELINE;
        i = j + 1;
    }
}

static void put_photodna(rec_state *s, const char *what, const unsigned char *p, size_t n)
{
    char why[96];
    trim(&p, &n);
    if (n == 0)
        return;
    if (vg_photodna_decode(s->r.photodna, (const char *)p, n, why, sizeof why) < 0) {
        rec_fail(s, "%.*s", why, strlen(why));
        (void)what;
        return;
    }
    s->r.has_photodna = 1;
}

/* The schema marker: version, profile and kind (hashset-formats.md, section 5). */
static void read_marker(vics *v, int v2, const unsigned char *p, size_t n)
{
    const uint8_t *m = vg_hs_find_nocase(p, n, "/DataModels/");
    const uint8_t *hash = NULL;
    char version[8] = "", profile[24] = "", kind[8] = "";
    for (size_t i = n; i > 0; i--)
        if (p[i - 1] == '#') {
            hash = p + i;
            break;
        }
    if (hash) {
        size_t k = n - (size_t)(hash - p);
        if (k == 5 && !strncasecmp((const char *)hash, "Media", 5))
            v->kind = KIND_MEDIA, snprintf(kind, sizeof kind, "Media");
        else if (k == 5 && !strncasecmp((const char *)hash, "Cases", 5))
            v->kind = KIND_CASES, snprintf(kind, sizeof kind, "Cases");
    }
    if (m) {
        const uint8_t *ver = m + strlen("/DataModels/"), *end = p + n;
        size_t k = 0;
        while (ver + k < end && k < sizeof version - 1 && ((ver[k] >= '0' && ver[k] <= '9') || ver[k] == '.') &&
               !(ver[k] == '.' && ver + k + 3 < end && !strncasecmp((const char *)ver + k, ".xml", 4)))
            k++;
        memcpy(version, ver, k);
        version[k] = '\0';
        if (v2 && ver + k + 5 < end && !strncasecmp((const char *)ver + k, ".xml/", 5)) {
            const uint8_t *pr = ver + k + 5;
            size_t j = 0;
            while (pr + j < end && pr[j] != '/' && pr[j] != '$' && pr[j] != '#' && j < sizeof profile - 1)
                j++;
            memcpy(profile, pr, j);
            profile[j] = '\0';
        }
    }
    if (!version[0] || (v2 ? strcmp(version, "2.0") != 0 : strncmp(version, "1.", 2) != 0) || !kind[0] ||
        (v2 && !profile[0])) {
        char msg[400];
        snprintf(msg, sizeof msg, "%s: unknown VICS schema marker '%.*s'; reading records by structure", v->label,
                 (int)(n > 200 ? 200 : n), (const char *)p);
        if (v->sink->meta)
            v->sink->meta(v->sink->ud, "warning", msg);
    }
    v->saw_marker = 1;
    /* Project VIC's categories (US profile) are also what Default and 1.x files use. */
    v->us_labels = !v->caid && (!v2 || !strcasecmp(profile, "US") || !strcasecmp(profile, "Default"));
    if (v->caid)
        snprintf(v->profile, sizeof v->profile, "CAID");
    else if (profile[0])
        snprintf(v->profile, sizeof v->profile, "VICS %s %s", version[0] ? version : "?", profile);
    else
        snprintf(v->profile, sizeof v->profile, "VICS %s", version[0] ? version : "?");
    if (v->caid && strcasecmp(profile, "UK") && v->sink->meta) {
        char msg[300];
        snprintf(msg, sizeof msg, "%s: CAID sets use the VICS 2.0 UK profile; this file says '%s'", v->label,
                 profile[0] ? profile : version);
        v->sink->meta(v->sink->ud, "warning", msg);
    }
    if (v->sink->meta) {
        if (version[0])
            v->sink->meta(v->sink->ud, "version", version);
        if (profile[0])
            v->sink->meta(v->sink->ud, "profile", profile);
        if (kind[0])
            v->sink->meta(v->sink->ud, "kind", kind);
    }
}

/* Project VIC categories as tools label them; severity ranks them for conflicts. */
static void us_label(vg_hs_record *r)
{
    static const struct {
        const char *code, *label;
        int severity;
    } us[] = {
        {"0", "non-pertinent", 0},
        {"1", "child abuse material", 4},
        {"2", "child exploitive material (not abuse material, or age difficult)", 3},
        {"3", "computer-generated or animated child exploitive material", 2},
        {"4", "comparison image", 1},
        {"8", "NSRL known media", 0},
    };
    if (!r->category[0] || r->category[1]) /* every code here is one digit */
        return;
    for (size_t i = 0; i < sizeof us / sizeof us[0]; i++)
        if (r->category[0] == us[i].code[0]) {
            r->category_label = us[i].label;
            r->severity = us[i].severity;
            return;
        }
}

static void map_label(vics *v, vg_hs_record *r)
{
    const vg_category_entry *e = vg_category_map_find(v->map, r->category);
    if (e) {
        r->category_label = e->label;
        r->severity = e->severity;
        return;
    }
    for (unsigned i = 0; i < v->nwarned; i++)
        if (!strcmp(v->warned_codes[i], r->category))
            return;
    if (v->nwarned < sizeof v->warned_codes / sizeof v->warned_codes[0]) {
        char msg[300];
        snprintf(v->warned_codes[v->nwarned++], sizeof v->warned_codes[0], "%s", r->category);
        snprintf(msg, sizeof msg, "%s:%s: category code '%.40s' is not in the mapping file; kept without a label",
                 v->label, r->where, r->category);
        if (v->sink->meta)
            v->sink->meta(v->sink->ud, "warning", msg);
    }
}

static int send_source_set(vics *v, const char *set)
{
    const char *s = set ? set : "";
    if (!v->sink->meta || (!v->source_set_sent && !*s))
        return 0;
    if (v->source_set_sent && !strncmp(v->last_source_set, s, sizeof v->last_source_set - 1))
        return 0;
    snprintf(v->last_source_set, sizeof v->last_source_set, "%s", s);
    v->source_set_sent = 1;
    v->sink->meta(v->sink->ud, "source_set", s);
    return 0;
}

static int fail_stop(vics *v, int rc)
{
    v->rc = rc;
    return 0; /* stops yajl */
}

static int emit(vics *v, rec_state *s)
{
    vg_hs_record *r = &s->r;
    if (!s->bad && !r->has_md5 && !r->has_sha1 && !r->has_sha256 && !r->has_pdq)
        rec_fail(s, "%.*sno MD5, SHA1, SHA256 or PDQ", "", 0);
    if (s->bad) {
        int rc = v->sink->reject(v->sink->ud, r->where, s->why, v->err);
        return rc < 0 ? fail_stop(v, rc) : 1;
    }
    if (r->has_photodna) {
        int rep = vg_pdna_repeats_check(&v->repeats, r);
        if (rep)
            r->has_photodna = 0;
        if (rep == 2 && v->sink->meta) {
            char msg[300];
            snprintf(msg, sizeof msg,
                     "%s:%s: one PhotoDNA value is on more than %d records with other digests: treated as a "
                     "placeholder and dropped from this and later records", v->label, r->where, VG_PDNA_REPEAT_MAX);
            v->sink->meta(v->sink->ud, "warning", msg);
        }
    }
    r->profile = v->profile[0] ? v->profile : NULL;
    if (r->category) {
        if (v->map)
            map_label(v, r);
        else if (v->us_labels)
            us_label(r);
    }
    send_source_set(v, s->source_set);
    v->records++;
    {
        int rc = v->sink->record(v->sink->ud, r, v->err);
        if (rc < 0)
            return fail_stop(v, rc);
    }
    return 1;
}

/* Apply a finished AlternativeHashes entry to the record that holds it. */
static void apply_alt(vics *v)
{
    rec_state *s = current_rec(v);
    const unsigned char *val = (const unsigned char *)v->alt_value;
    char fmt[64];
    if (!s || v->alt_bad) {
        if (s && v->alt_bad)
            rec_fail(s, "%.*s", "AlternativeHashes: HashValue longer than 1 KiB", 46);
        return;
    }
    if (!strcasecmp(v->alt_name, "SHA256") || !strcasecmp(v->alt_name, "SHA-256")) {
        put_hex(s, "AlternativeHashes SHA256", s->r.sha256, 32, val, v->alt_value_len, 1);
    } else if (!strcasecmp(v->alt_name, "PDQ")) {
        put_hex(s, "AlternativeHashes PDQ", s->r.pdq, 32, val, v->alt_value_len, 1);
        if (s->r.has_pdq)
            s->r.pdq_quality = v->alt_quality;
    } else if (!strcasecmp(v->alt_name, "PhotoDNA")) {
        snprintf(fmt, sizeof fmt, "AlternativeHashes PhotoDNA");
        put_photodna(s, fmt, val, v->alt_value_len);
    }
}

static int on_scalar(vics *v, int type, const unsigned char *p, size_t n, int truth)
{
    /* type: 0 null, 1 boolean, 2 number, 3 string */
    rec_state *s;
    enum frame f;
    if (v->skip || v->depth == 0) {
        if (v->depth == 0) {
            v->rc = vigil_error_set(v->err, VIGIL_EINPUT, "%s: not a VICS document (top level is not an object)",
                                    v->label);
            return 0;
        }
        return 1;
    }
    f = v->stack[v->depth - 1];
    switch (f) {
    case F_TOP:
        if (type == 3 && (v->key == K_ODATA_METADATA || v->key == K_ODATA_CONTEXT))
            read_marker(v, v->key == K_ODATA_CONTEXT, p, n);
        return 1;
    case F_VALUE:
    case F_CASE_MEDIA: {
        char where[64];
        unsigned i = v->idx[v->depth - 1]++;
        int rc;
        if (f == F_VALUE)
            snprintf(where, sizeof where, "value[%u]", i);
        else
            snprintf(where, sizeof where, "value[%u].Media[%u]", v->idx[v->depth - 3] - 1, i);
        rc = v->sink->reject(v->sink->ud, where, "not an object", v->err);
        return rc < 0 ? fail_stop(v, rc) : 1;
    }
    case F_ALT:
        if (v->key == K_HASH_NAME && type == 3)
            snprintf(v->alt_name, sizeof v->alt_name, "%.*s", (int)(n > 31 ? 31 : n), (const char *)p);
        else if (v->key == K_HASH_VALUE && (type == 3 || type == 2)) {
            if (n >= sizeof v->alt_value)
                v->alt_bad = 1;
            else {
                memcpy(v->alt_value, p, n);
                v->alt_value[n] = '\0';
                v->alt_value_len = n;
            }
        } else if (v->key == K_QUALITY && type == 2 && n <= 3) {
            int q = 0;
            for (size_t i = 0; i < n && p[i] >= '0' && p[i] <= '9'; i++)
                q = q * 10 + (p[i] - '0');
            v->alt_quality = q;
        }
        return 1;
    case F_FILE:
        s = current_rec(v);
        if (s && v->key == K_FILE_NAME && type == 3 && (!s->r.name || s->name_from_path) && n) {
            s->r.name = rec_str(s, "FileName", p, n);
            s->r.name_len = s->r.name ? n : 0;
            s->name_from_path = 0;
        }
        return 1;
    case F_ITEM:
    case F_REC:
        break;
    default:
        return 1;
    }
    s = f == F_ITEM ? &v->item : &v->rec;
    switch (v->key) {
    case K_MD5:
        if (type)
            put_hex(s, "MD5", s->r.md5, 16, p, n, type == 3);
        break;
    case K_SHA1:
        if (type)
            put_hex(s, "SHA1", s->r.sha1, 20, p, n, type == 3);
        break;
    case K_CATEGORY:
        if (type == 2 || type == 3) {
            trim(&p, &n);
            if (n)
                s->r.category = rec_str(s, "Category", p, n);
        } else if (type == 1) {
            rec_fail(s, "%.*s", "Category is a boolean", 21);
        }
        break;
    case K_SIZE:
        if (type == 2 || type == 3)
            put_size(s, p, n);
        else if (type == 1)
            rec_fail(s, "%.*s", "MediaSize is a boolean", 22);
        break;
    case K_VICTIM:
    case K_OFFENDER:
    case K_DISTRIBUTED: {
        uint32_t bit = v->key == K_VICTIM ? VG_HS_VICTIM_IDENTIFIED
                     : v->key == K_OFFENDER ? VG_HS_OFFENDER_IDENTIFIED : VG_HS_DISTRIBUTED;
        const char *what = v->key == K_VICTIM ? "VictimIdentified"
                         : v->key == K_OFFENDER ? "OffenderIdentified" : "IsDistributed";
        if (type == 1)
            put_flag(s, what, bit, truth);
        else if (type == 2 || type == 3)
            put_flag(s, what, bit, text_truth(p, n));
        break;
    }
    case K_SERIES:
        if (type == 3 && n)
            s->r.series = rec_str(s, "Series", p, n);
        break;
    case K_TAGS:
        if (type == 3)
            put_tags(s, p, n);
        break;
    case K_PHOTODNA:
        if (type == 3)
            put_photodna(s, "PhotoDNA", p, n);
        break;
    case K_PRECAT_SOURCE:
        if (type == 3 && n)
            s->source_set = rec_str(s, "PrecategorizationSource", p, n);
        break;
    case K_RELATIVE_PATH:
        if (type == 3 && n && !s->r.name) { /* a MediaFiles FileName, if any, replaces it */
            const unsigned char *base = p;
            for (size_t i = 0; i < n; i++)
                if (p[i] == '/' || p[i] == '\\')
                    base = p + i + 1;
            if (base < p + n) {
                s->r.name = rec_str(s, "RelativeFilePath", base, (size_t)(p + n - base));
                s->r.name_len = s->r.name ? (size_t)(p + n - base) : 0;
                s->name_from_path = 1;
            }
        }
        break;
    case K_APP_NAME:
    case K_APP_VERSION:
        if (f == F_ITEM && type == 3 && v->sink->meta) {
            char val[256];
            snprintf(val, sizeof val, "%.*s", (int)(n > 255 ? 255 : n), (const char *)p);
            v->sink->meta(v->sink->ud, v->key == K_APP_NAME ? "SourceApplicationName" : "SourceApplicationVersion",
                          val);
        }
        break;
    default:
        break;
    }
    return 1;
}

static int push(vics *v, enum frame f)
{
    if (v->depth == MAX_DEPTH) { /* cannot happen with the frames above; guard anyway */
        v->skip++;
        return 1;
    }
    v->stack[v->depth] = f;
    v->idx[v->depth] = 0;
    v->depth++;
    return 1;
}

static int cb_start_map(void *ctx)
{
    vics *v = ctx;
    enum frame f;
    if (v->skip) {
        v->skip++;
        return 1;
    }
    if (v->depth == 0)
        return push(v, F_TOP);
    f = v->stack[v->depth - 1];
    switch (f) {
    case F_VALUE: {
        unsigned i = v->idx[v->depth - 1]++;
        rec_begin(&v->item, i, -1);
        return push(v, F_ITEM);
    }
    case F_CASE_MEDIA: {
        unsigned i = v->idx[v->depth - 1]++;
        rec_begin(&v->rec, v->idx[v->depth - 3] - 1, (long)i);
        return push(v, F_REC);
    }
    case F_ALT_ARR:
        v->alt_name[0] = v->alt_value[0] = '\0';
        v->alt_value_len = 0;
        v->alt_quality = -1;
        v->alt_bad = 0;
        return push(v, F_ALT);
    case F_FILES_ARR:
        return push(v, F_FILE);
    default:
        v->skip++;
        return 1;
    }
}

static int cb_start_array(void *ctx)
{
    vics *v = ctx;
    enum frame f;
    if (v->skip) {
        v->skip++;
        return 1;
    }
    if (v->depth == 0) {
        v->rc = vigil_error_set(v->err, VIGIL_EINPUT, "%s: not a VICS document (top level is not an object)",
                                v->label);
        return 0;
    }
    f = v->stack[v->depth - 1];
    if (f == F_TOP && v->key == K_VALUE) {
        if (!v->saw_marker && v->sink->meta) {
            char msg[200];
            snprintf(msg, sizeof msg, "%s: no VICS schema marker before 'value'; reading records by structure",
                     v->label);
            v->sink->meta(v->sink->ud, "warning", msg);
            v->saw_marker = 1;
            v->us_labels = !v->caid;
            snprintf(v->profile, sizeof v->profile, "%s", v->caid ? "CAID" : "VICS");
        }
        v->saw_value = 1;
        return push(v, F_VALUE);
    }
    if (f == F_ITEM && v->key == K_MEDIA) {
        v->item.is_case = 1;
        return push(v, F_CASE_MEDIA);
    }
    if ((f == F_ITEM || f == F_REC) && v->key == K_ALT)
        return push(v, F_ALT_ARR);
    if ((f == F_ITEM || f == F_REC) && v->key == K_FILES)
        return push(v, F_FILES_ARR);
    if (f == F_VALUE || f == F_CASE_MEDIA) {
        on_scalar(v, 0, (const unsigned char *)"", 0, 0); /* rejected as "not an object" */
        if (v->rc < 0)
            return 0;
    }
    v->skip++;
    return 1;
}

static int cb_end_map(void *ctx)
{
    vics *v = ctx;
    enum frame f;
    if (v->skip) {
        v->skip--;
        return 1;
    }
    f = v->stack[--v->depth];
    if (f == F_ALT) {
        apply_alt(v);
    } else if (f == F_REC) {
        return emit(v, &v->rec);
    } else if (f == F_ITEM) {
        /* A case is a container: its own fields are not a media record. In a
           #Cases file an element without Media is a case with no media, unless
           it carries a digest: then it is a stray media record, and counted. */
        const vg_hs_record *r = &v->item.r;
        if (!v->item.is_case &&
            (v->kind != KIND_CASES || r->has_md5 || r->has_sha1 || r->has_sha256 || v->item.bad))
            return emit(v, &v->item);
    }
    return 1;
}

static int cb_end_array(void *ctx)
{
    vics *v = ctx;
    if (v->skip)
        v->skip--;
    else
        v->depth--;
    return 1;
}

/*
 * Two threads share the work: a parser thread reads the file and runs libyajl,
 * recording its events (keys looked up) in blocks; this thread replays them
 * through the callbacks above, in the same order and with the same bytes, so
 * records, places and errors are what one thread would give. A failure of
 * the parser (unreadable file, invalid JSON) is an event too, after those that
 * came before it: a record rejected earlier still stops the import first.
 */
enum ev {
    EV_NULL = 1, EV_FALSE, EV_TRUE, EV_NUMBER, EV_STRING, EV_START_MAP, EV_KEY, EV_END_MAP, EV_START_ARRAY,
    EV_END_ARRAY, EV_PROGRESS, EV_END,
};

#define EV_BLOCK (256u << 10)   /* events are handed over once a block holds this much */
#define EV_BLOCKS 16            /* up to 8 MiB: the parser goes on while a spill holds the callbacks up */

/* Text encodings (hashset-formats.md, section 1): a UTF-16 mark means transcoding to UTF-8. */
typedef struct feeder {
    int fd;
    iconv_t cd;
    unsigned char in[VG_HS_CHUNK], out[VG_HS_CHUNK * 2];
    size_t in_left;        /* bytes of an incomplete UTF-16 sequence kept for the next block */
    uint64_t read_bytes, total;
} feeder;

typedef struct parser {
    const char *label;
    yajl_handle h;
    feeder *in;
    key_index keys;
    vg_bq *q;
    vg_bq_block *b;     /* the block being filled */
    vics *direct;       /* no thread: blocks are replayed here as they fill */
    uint64_t offset;    /* bytes of text given to the parser so far */
    uint64_t events;    /* callbacks so far */
    uint64_t quiet;     /* bytes given to the parser since a callback last came */
    int canceled;       /* the callbacks want no more events */
    int oom;
    vigil_error err;
} parser;

static int replay(vics *v, const unsigned char *p, size_t n);

/* Hand the block over; 0 when the callbacks want no more. */
static int ev_flush(parser *ps)
{
    if (ps->direct) {
        int go = !ps->direct->over && replay(ps->direct, ps->b->p, ps->b->len);
        ps->b->len = 0;
        if (!go) {
            ps->direct->over = 1;
            ps->canceled = 1;
        }
        return go;
    }
    vg_bq_put(ps->q, ps->b);
    if (!(ps->b = vg_bq_get(ps->q)))
        ps->canceled = 1;
    return ps->b != NULL;
}

static unsigned char *ev_room(parser *ps, size_t need)
{
    if (ps->b->cap - ps->b->len < need && vg_bq_reserve(ps->b, need) < 0) {
        ps->oom = 1;
        return NULL;
    }
    return ps->b->p + ps->b->len;
}

static int ev_put(parser *ps, enum ev t)
{
    unsigned char *o = ev_room(ps, 1);
    if (!o)
        return 0;
    *o = (unsigned char)t;
    ps->b->len++;
    ps->events++;
    return 1;
}

/* An event with bytes: the length in one byte, or 255 and eight bytes. */
static int ev_put_bytes(parser *ps, enum ev t, const void *s, size_t n)
{
    unsigned char *o = ev_room(ps, n + 10), *o0 = o;
    if (!o)
        return 0;
    *o++ = (unsigned char)t;
    if (n < 255) {
        *o++ = (unsigned char)n;
    } else {
        uint64_t n64 = n;
        *o++ = 255;
        memcpy(o, &n64, 8);
        o += 8;
    }
    memcpy(o, s, n);
    ps->b->len += (size_t)(o - o0) + n;
    ps->events++;
    return 1;
}

static int ev_null(void *ctx)
{
    return ev_put(ctx, EV_NULL);
}

static int ev_boolean(void *ctx, int b)
{
    return ev_put(ctx, b ? EV_TRUE : EV_FALSE);
}

static int ev_number(void *ctx, const char *s, size_t n)
{
    return ev_put_bytes(ctx, EV_NUMBER, s, n);
}

static int ev_string(void *ctx, const unsigned char *s, size_t n)
{
    return ev_put_bytes(ctx, EV_STRING, s, n);
}

static int ev_map_key(void *ctx, const unsigned char *s, size_t n)
{
    parser *ps = ctx;
    unsigned char *o = ev_room(ps, 2);
    if (!o)
        return 0;
    o[0] = EV_KEY;
    o[1] = (unsigned char)lookup_key(&ps->keys, s, n); /* one byte instead of the name */
    ps->b->len += 2;
    ps->events++;
    return 1;
}

static int ev_start_map(void *ctx)
{
    return ev_put(ctx, EV_START_MAP);
}

static int ev_end_map(void *ctx)
{
    return ev_put(ctx, EV_END_MAP);
}

static int ev_start_array(void *ctx)
{
    return ev_put(ctx, EV_START_ARRAY);
}

static int ev_end_array(void *ctx)
{
    return ev_put(ctx, EV_END_ARRAY);
}

static const yajl_callbacks callbacks = {
    ev_null, ev_boolean, NULL, NULL, ev_number, ev_string, ev_start_map, ev_map_key, ev_end_map,
    ev_start_array, ev_end_array,
};

/* The parser's own words for a syntax error, on one line, without its "parse error: " prefix. */
static void yajl_reason(yajl_handle h, const unsigned char *chunk, size_t n, char *out, size_t cap)
{
    unsigned char *msg = yajl_get_error(h, 0, chunk, n);
    const char *m = (const char *)msg;
    size_t k;
    if (!strncmp(m, "parse error: ", 13))
        m += 13;
    else if (!strncmp(m, "lexical error: ", 15))
        m += 15;
    snprintf(out, cap, "%s", m);
    k = strlen(out);
    while (k && (out[k - 1] == '\n' || out[k - 1] == ' '))
        out[--k] = '\0';
    for (size_t i = 0; i < k; i++)
        if (out[i] == '\n' || out[i] == '\t')
            out[i] = ' ';
    yajl_free_error(h, msg);
}

/* Status of the parser thread's run: an error (ps->err), done, or canceled (nothing more to say). */
enum { P_DONE = 0, P_FAILED = -1, P_CANCELED = -2 };

static int p_fail(parser *ps, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int p_fail(parser *ps, int code, const char *fmt, ...)
{
    va_list ap;
    ps->err.code = (vigil_code)code;
    va_start(ap, fmt);
    vsnprintf(ps->err.msg, sizeof ps->err.msg, fmt, ap);
    va_end(ap);
    return P_FAILED;
}

static int p_canceled(parser *ps)
{
    if (ps->oom)
        return p_fail(ps, VIGIL_ENOMEM, "%s: out of memory", ps->label);
    return P_CANCELED;
}

/* The parser holds an unfinished token whole (and rescans it as it grows): a string, number or
 * run of blanks longer than the bound (no hash record has one) fails the file, so that a huge or
 * endless token neither fills memory nor slows to a crawl. */
#define MAX_TOKEN (1u << 20)

static int parse_chunk(parser *ps, const unsigned char *p, size_t n)
{
    uint64_t events = ps->events;
    yajl_status st = yajl_parse(ps->h, p, n);
    if (st == yajl_status_ok) {
        ps->offset += n;
        ps->quiet = ps->events != events ? 0 : ps->quiet + n;
        if (ps->quiet > MAX_TOKEN)
            return p_fail(ps, VIGIL_EINPUT, "%s:near byte %llu: a JSON value or run of blanks longer than 1 MiB",
                          ps->label, (unsigned long long)(ps->offset - ps->quiet));
        return 0;
    }
    if (st == yajl_status_client_canceled)
        return p_canceled(ps);
    {
        char why[200];
        size_t at = yajl_get_bytes_consumed(ps->h);
        yajl_reason(ps->h, p, n, why, sizeof why);
        return p_fail(ps, VIGIL_EINPUT, "%s:byte %llu: invalid JSON: %s", ps->label,
                      (unsigned long long)(ps->offset + at), why);
    }
}

/* After each block of the file: how far the reading got, for the sink's progress. */
static int ev_progress(parser *ps)
{
    uint64_t pr[2] = {ps->in->read_bytes, ps->in->total};
    unsigned char *o = ev_room(ps, 1 + sizeof pr);
    if (!o)
        return p_canceled(ps);
    *o = EV_PROGRESS;
    memcpy(o + 1, pr, sizeof pr);
    ps->b->len += 1 + sizeof pr;
    if (ps->b->len >= EV_BLOCK && !ev_flush(ps))
        return P_CANCELED;
    return 0;
}

static int parse_file(parser *ps, size_t bom_skip)
{
    feeder *fd_in = ps->in;
    ssize_t n;
    int first = 1;
    while ((n = read(fd_in->fd, fd_in->in + fd_in->in_left, sizeof fd_in->in - fd_in->in_left)) > 0 ||
           (n < 0 && errno == EINTR)) {
        unsigned char *p = fd_in->in;
        size_t len;
        int rc;
        if (n < 0)
            continue;
        fd_in->read_bytes += (uint64_t)n;
        len = fd_in->in_left + (size_t)n;
        if (first) {
            first = 0;
            if (len >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
                bom_skip = 3;
            else if (len >= 2 && fd_in->cd != (iconv_t)-1)
                bom_skip = 2;
            p += bom_skip;
            len -= bom_skip;
            ps->offset = bom_skip;
        }
        if (fd_in->cd == (iconv_t)-1) {
            fd_in->in_left = 0;
            rc = parse_chunk(ps, p, len);
        } else {
            char *ip = (char *)p, *op = (char *)fd_in->out;
            size_t il = len, ol = sizeof fd_in->out;
            if (iconv(fd_in->cd, &ip, &il, &op, &ol) == (size_t)-1 && errno != EINVAL)
                return p_fail(ps, VIGIL_EINPUT, "%s:byte %llu: not valid UTF-16", ps->label,
                              (unsigned long long)(fd_in->read_bytes - il));
            memmove(fd_in->in, ip, il);
            fd_in->in_left = il;
            rc = parse_chunk(ps, fd_in->out, sizeof fd_in->out - ol);
        }
        if (rc < 0)
            return rc;
        if ((rc = ev_progress(ps)) < 0)
            return rc;
    }
    if (n < 0)
        return p_fail(ps, VIGIL_EINPUT, "%s: read error: %s", ps->label, strerror(errno));
    if (fd_in->read_bytes <= bom_skip)
        return p_fail(ps, VIGIL_EINPUT, "%s: empty file", ps->label);
    if (fd_in->in_left)
        return p_fail(ps, VIGIL_EINPUT, "%s:byte %llu: UTF-16 text ends in the middle of a character", ps->label,
                      (unsigned long long)fd_in->read_bytes);
    if (yajl_complete_parse(ps->h) != yajl_status_ok) {
        if (ps->canceled || ps->oom)
            return p_canceled(ps);
        return p_fail(ps, VIGIL_EINPUT, "%s:byte %llu: JSON ends early (truncated file?)", ps->label,
                      (unsigned long long)ps->offset);
    }
    return P_DONE;
}

/* Parse the whole file, then say how it ended (unless the callbacks stopped it). */
static void parse_run(parser *ps)
{
    int rc = parse_file(ps, 0);
    if (rc == P_CANCELED)
        return;
    {
        size_t k = rc == P_DONE ? 0 : strlen(ps->err.msg);
        int32_t code = rc == P_DONE ? 0 : (int32_t)ps->err.code;
        unsigned char *o = ev_room(ps, 1 + 4 + k + 10);
        if (!o) { /* no room for the last word: say it in few bytes */
            k = 0;
            code = VIGIL_ENOMEM;
            ps->b->len = 0;
            o = ps->b->p;
        }
        o[0] = EV_END;
        memcpy(o + 1, &code, 4);
        ps->b->len += 5;
        if (k)
            ev_put_bytes(ps, EV_STRING, ps->err.msg, k);
        ev_flush(ps);
    }
}

static void *parse_main(void *arg)
{
    parser *ps = arg;
    parse_run(ps);
    vg_bq_close(ps->q);
    return NULL;
}

static size_t ev_len(const unsigned char **p)
{
    size_t n = *(*p)++;
    if (n == 255) {
        uint64_t n64;
        memcpy(&n64, *p, 8);
        *p += 8;
        n = (size_t)n64;
    }
    return n;
}

/*
 * Run the events of one block through the callbacks: 1 to go on, 0 when the
 * reading is over (v->rc then holds its result, 0 or an error).
 */
static int replay(vics *v, const unsigned char *p, size_t n)
{
    const unsigned char *end = p + n;
    while (p < end) {
        enum ev t = (enum ev) * p++;
        int go = 1;
        size_t k;
        switch (t) {
        case EV_NULL:
            go = on_scalar(v, 0, (const unsigned char *)"", 0, 0);
            break;
        case EV_FALSE:
        case EV_TRUE:
            go = on_scalar(v, 1, (const unsigned char *)"", 0, t == EV_TRUE);
            break;
        case EV_NUMBER:
        case EV_STRING:
            k = ev_len(&p);
            go = on_scalar(v, t == EV_NUMBER ? 2 : 3, p, k, 0);
            p += k;
            break;
        case EV_KEY:
            if (!v->skip)
                v->key = (enum key) * p;
            p++;
            break;
        case EV_START_MAP:
            go = cb_start_map(v);
            break;
        case EV_END_MAP:
            go = cb_end_map(v);
            break;
        case EV_START_ARRAY:
            go = cb_start_array(v);
            break;
        case EV_END_ARRAY:
            go = cb_end_array(v);
            break;
        case EV_PROGRESS: {
            uint64_t pr[2];
            memcpy(pr, p, sizeof pr);
            p += sizeof pr;
            if (v->sink->progress)
                v->sink->progress(v->sink->ud, pr[0], pr[1]);
            break;
        }
        case EV_END: {
            int32_t code;
            memcpy(&code, p, 4);
            p += 4;
            if (code < 0) {
                const char *msg = "reader failed";
                if (p < end && *p == EV_STRING) {
                    p++;
                    k = ev_len(&p);
                    msg = (const char *)p;
                    v->rc = vigil_error_set(v->err, (vigil_code)code, "%.*s", (int)k, msg);
                } else {
                    v->rc = vigil_error_set(v->err, (vigil_code)code, "%s: %s", v->label,
                                            code == VIGIL_ENOMEM ? "out of memory" : msg);
                }
            } else if (!v->saw_value) {
                v->rc = vigil_error_set(v->err, VIGIL_EINPUT, "%s: no 'value' array: not a VICS document",
                                        v->label);
            } else {
                v->rc = 0;
            }
            return 0;
        }
        default:
            v->rc = vigil_error_set(v->err, VIGIL_EINTERNAL, "%s: reader stopped", v->label);
            return 0;
        }
        if (!go) {
            if (v->rc >= 0)
                v->rc = vigil_error_set(v->err, VIGIL_EINTERNAL, "%s: reader stopped", v->label);
            return 0;
        }
    }
    return 1;
}

/* Parse in a thread of its own and replay here; in this thread alone when no thread can start. */
static int run(vics *v, parser *ps)
{
    pthread_t thread;
    vg_bq_block *b;
    if (vg_bq_new(&ps->q, EV_BLOCKS, EV_BLOCK + 4 * VG_HS_CHUNK) < 0)
        return v->rc = vigil_error_set(v->err, VIGIL_ENOMEM, "%s: out of memory", v->label);
    ps->b = vg_bq_get(ps->q);
    if (pthread_create(&thread, NULL, parse_main, ps) != 0) {
        ps->direct = v;
        parse_run(ps);
    } else {
        while ((b = vg_bq_take(ps->q)) != NULL) {
            if (!v->over && !replay(v, b->p, b->len)) {
                v->over = 1;
                vg_bq_stop(ps->q); /* the parser may be ahead: it ends at its next block */
            }
            vg_bq_release(ps->q, b);
        }
        pthread_join(thread, NULL);
    }
    vg_bq_free(ps->q);
    ps->q = NULL;
    if (!v->over)
        return v->rc = vigil_error_set(v->err, VIGIL_EINTERNAL, "%s: reader stopped", v->label);
    return v->rc;
}

static int read_vics(int fd, const char *path, const vg_hs_read_opts *o, const vg_hs_sink *sink,
                     const vg_category_map *map, int caid, vigil_error *err)
{
    vics *v = calloc(1, sizeof *v);
    feeder *in = malloc(sizeof *in);
    parser *ps = calloc(1, sizeof *ps);
    unsigned char mark[2];
    struct stat sb;
    int rc;
    if (!v || !in || !ps) {
        free(v);
        free(in);
        free(ps);
        return vigil_error_set(err, VIGIL_ENOMEM, "%s: out of memory", o && o->label ? o->label : path);
    }
    v->label = o && o->label ? o->label : path;
    v->sink = sink;
    v->err = err;
    v->caid = caid;
    v->map = map;
    vg_pdna_repeats_init(&v->repeats);
    in->fd = fd;
    in->cd = (iconv_t)-1;
    in->in_left = 0;
    in->read_bytes = 0;
    in->total = fstat(fd, &sb) == 0 ? (uint64_t)sb.st_size : 0;
    ps->label = v->label;
    ps->in = in;
    key_index_init(&ps->keys);
    if (pread(fd, mark, 2, 0) == 2 && ((mark[0] == 0xff && mark[1] == 0xfe) || (mark[0] == 0xfe && mark[1] == 0xff))) {
        in->cd = iconv_open("UTF-8", mark[0] == 0xff ? "UTF-16LE" : "UTF-16BE");
        if (in->cd == (iconv_t)-1) {
            rc = vigil_error_set(err, VIGIL_EINPUT, "%s: UTF-16 file and no converter to UTF-8: save it as UTF-8",
                                 v->label);
            goto done;
        }
    }
    ps->h = yajl_alloc(&callbacks, NULL, ps);
    if (!ps->h) {
        rc = vigil_error_set(err, VIGIL_ENOMEM, "%s: out of memory", v->label);
        goto done;
    }
    /* Names are bytes as found; checking UTF-8 would fail a whole set over one name. */
    yajl_config(ps->h, yajl_dont_validate_strings, 1);
    rc = run(v, ps);
done:
    if (ps->h)
        yajl_free(ps->h);
    if (in->cd != (iconv_t)-1)
        iconv_close(in->cd);
    free(ps);
    free(in);
    free(v);
    return rc;
}

int vg_hs_read_vics(int fd, const char *path, const vg_hs_read_opts *o, const vg_hs_sink *sink, vigil_error *err)
{
    vg_category_map map = {0};
    int rc;
    if (o && o->category_map && (rc = vg_category_map_load(&map, o->category_map, err)) < 0)
        return rc;
    rc = read_vics(fd, path, o, sink, map.n ? &map : NULL, 0, err);
    vg_category_map_dispose(&map);
    return rc;
}

int vg_hs_read_caid(int fd, const char *path, const vg_hs_read_opts *o, const vg_hs_sink *sink, vigil_error *err)
{
    vg_category_map map = {0};
    int rc;
    if (!o || !o->category_map)
        return vigil_error_set(err, VIGIL_EINPUT,
                               "%s: CAID category codes are not public: give the set's code table with "
                               "--category-map FILE (lines 'code,label')", o && o->label ? o->label : path);
    if ((rc = vg_category_map_load(&map, o->category_map, err)) < 0)
        return rc;
    rc = read_vics(fd, path, o, sink, &map, 1, err);
    vg_category_map_dispose(&map);
    return rc;
}

/* Detection (hashset-formats.md, section 2). A UTF-16 head is narrowed to its ASCII first. */
const uint8_t *vg_hs_find_nocase(const uint8_t *p, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; k && i + k <= n; i++)
        if (!strncasecmp((const char *)p + i, needle, k))
            return p + i;
    return NULL;
}

static int vics_profile(const uint8_t *head, size_t n, char *profile, size_t cap)
{
    uint8_t *narrow = NULL;
    const uint8_t *p = head, *m;
    int hit = 0;
    size_t i = 0;
    if (n >= 2 && ((head[0] == 0xff && head[1] == 0xfe) || (head[0] == 0xfe && head[1] == 0xff))) {
        size_t lo = head[0] == 0xff ? 2 : 3, k = 0;
        if (!(narrow = malloc(n / 2 + 1)))
            return 0;
        for (size_t j = lo; j < n; j += 2)
            narrow[k++] = head[j];
        p = narrow;
        n = k;
    }
    while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
        i++;
    profile[0] = '\0';
    if (i < n && p[i] == '{') {
        if (vg_hs_find_nocase(p, n, "\"odata.metadata\"") &&
            vg_hs_find_nocase(p, n, "ICMEC/ProjectVic/DataModels/1.")) {
            hit = 1;
        } else if (vg_hs_find_nocase(p, n, "\"@odata.context\"") &&
                   (m = vg_hs_find_nocase(p, n, "VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/"))) {
            size_t j = 0;
            m += strlen("VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/");
            while (m + j < p + n && m[j] != '/' && m[j] != '"' && j + 1 < cap) {
                profile[j] = (char)m[j];
                j++;
            }
            profile[j] = '\0';
            hit = 1;
        }
    }
    free(narrow);
    return hit;
}

int vg_hs_detect_vics(const uint8_t *head, size_t n)
{
    char profile[24];
    return vics_profile(head, n, profile, sizeof profile) && strcasecmp(profile, "UK") != 0;
}

int vg_hs_detect_caid(const uint8_t *head, size_t n)
{
    char profile[24];
    return vics_profile(head, n, profile, sizeof profile) && !strcasecmp(profile, "UK");
}

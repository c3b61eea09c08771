/*
 * vigil case attach: the items of a scan JSONL written elsewhere (an offline workstation) stored
 * with a case, all or nothing. Every line must be a scan item, and the last the scan's summary
 * whose item count matches: a file cut short, an interrupted scan or a file of another kind is
 * refused whole, naming the line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#include "cases/items.h"
#include "core/hex.h"
#include "vigil/case_items.h"

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

/* A digest field: NULL when null or absent, -1 in *bad when it is there but not n hex bytes. */
static const char *hex_field(yajl_val obj, const char *key, size_t n, int *bad)
{
    yajl_val v = get(obj, key);
    const char *s = YAJL_IS_STRING(v) ? v->u.string : NULL;
    if (v && !YAJL_IS_NULL(v) && (!s || strlen(s) != 2 * n || !vg_is_hex(s, 2 * n)))
        *bad = 1;
    return s;
}

typedef struct line_item {
    vigil_case_item it;
    char *path, *container;
} line_item;

/* One item line into li (strings lent from obj or owned by li); NULL, or why it is refused. */
static const char *item_of(line_item *li, yajl_val obj)
{
    static const char *const verdicts[] = {"illegal", "benign", "interest", "near", "unknown", "error"};
    vigil_case_item *it = &li->it;
    yajl_val size = get(obj, "size"), q = get(obj, "pdq_quality"), m = get(obj, "match");
    yajl_val alloc = get(obj, "allocated"), carved = get(obj, "carved");
    const char *path = str(obj, "path"), *hexpath = str(obj, "path_hex"), *cont = str(obj, "container");
    int bad = 0, known = 0;
    memset(li, 0, sizeof *li);
    it->verdict = str(obj, "verdict");
    for (size_t i = 0; it->verdict && i < sizeof verdicts / sizeof verdicts[0]; i++)
        known |= !strcmp(it->verdict, verdicts[i]);
    if (!path || !known || !YAJL_IS_INTEGER(size) || YAJL_GET_INTEGER(size) < 0)
        return "not a scan item (path, size and verdict expected)";
    it->md5 = hex_field(obj, "md5", 16, &bad);
    it->sha1 = hex_field(obj, "sha1", 20, &bad);
    it->sha256 = hex_field(obj, "sha256", 32, &bad);
    it->pdq = hex_field(obj, "pdq", 32, &bad);
    if (bad)
        return "a digest is not hex of its length";
    if (it->pdq && (!YAJL_IS_INTEGER(q) || YAJL_GET_INTEGER(q) < 0 || YAJL_GET_INTEGER(q) > 100))
        return "pdq_quality must be 0 to 100";
    it->pdq_quality = it->pdq ? (int)YAJL_GET_INTEGER(q) : 0;
    it->size = (uint64_t)YAJL_GET_INTEGER(size);
    it->mime = str(obj, "mime");
    if (YAJL_IS_OBJECT(m)) {
        it->set = str(m, "set");
        it->category = str(m, "category");
        it->series = str(m, "series");
        it->victim_identified = YAJL_IS_TRUE(get(m, "victim_identified"));
    }
    if (hexpath) {   /* the exact bytes of a name that is not UTF-8 */
        size_t n = strlen(hexpath) / 2;
        uint8_t *b = malloc(n + 1);
        if (!b || strlen(hexpath) % 2 || vg_hex_decode(b, hexpath, n) < 0) {
            free(b);
            return b ? "path_hex is not hex" : "out of memory";
        }
        li->path = vg_case_text((const char *)b, n);
        free(b);
    } else {
        li->path = vg_case_text(path, strlen(path));
    }
    li->container = vg_case_text(cont ? cont : "", cont ? strlen(cont) : 0);
    if (!li->path || !li->container)
        return "out of memory";
    it->path = li->path;
    it->container = li->container;
    it->allocated = !YAJL_IS_FALSE(alloc);
    it->carved = YAJL_IS_TRUE(carved);
    return NULL;
}

static void line_item_free(line_item *li)
{
    free(li->path);
    free(li->container);
}

/* The summary line: NULL when it is whole and counts items, else why not. */
static const char *summary_check(yajl_val sum, uint64_t items)
{
    yajl_val n = get(sum, "items"), intr = get(sum, "interrupted");
    if (!YAJL_IS_OBJECT(sum) || !YAJL_IS_INTEGER(n))
        return "not a scan summary";
    if (YAJL_IS_TRUE(intr))
        return "the scan was interrupted: resume it (vigil scan --resume) and attach the whole scan";
    if ((uint64_t)YAJL_GET_INTEGER(n) != items)
        return "the summary counts other items than the file holds";
    return NULL;
}

static int attach_lines(vigil_case_store *s, FILE *f, const char *path, vigil_error *err)
{
    char *line = NULL, ebuf[128];
    size_t cap = 0, ln = 0;
    uint64_t items = 0;
    ssize_t len;
    int rc = 0, summary = 0;
    while (rc == 0 && (len = getline(&line, &cap, f)) >= 0) {
        yajl_val obj = NULL;
        const char *why = NULL;
        ln++;
        if (summary) {
            rc = vigil_error_set(err, VIGIL_EINPUT, "%s: line %zu: a line after the summary", path, ln);
            break;
        }
        if (len == 0 || line[len - 1] != '\n')
            why = "the line is cut short (the file is truncated)";
        else if (!(obj = yajl_tree_parse(line, ebuf, sizeof ebuf)) || !YAJL_IS_OBJECT(obj))
            why = "not a JSON object: not a scan JSONL";
        if (!why && get(obj, "summary")) {
            why = summary_check(get(obj, "summary"), items);
            summary = 1;
        } else if (!why) {
            line_item li;
            why = item_of(&li, obj);
            if (!why)
                rc = vigil_case_store_add(s, &li.it, err);
            line_item_free(&li);
            items++;
        }
        yajl_tree_free(obj);
        if (why)
            rc = vigil_error_set(err, VIGIL_EINPUT, "%s: line %zu: %s", path, ln, why);
    }
    if (rc == 0 && ferror(f))
        rc = vigil_error_set(err, VIGIL_ESTORE, "%s: %s", path, strerror(errno));
    if (rc == 0 && !summary)
        rc = vigil_error_set(err, VIGIL_EINPUT, "%s: line %zu: no summary line at the end (the file is truncated,"
                             " or no scan JSONL)", path, ln + 1);
    free(line);
    return rc;
}

int vigil_case_attach(vigil_case_store_result *res, vigil_registry *reg, const vigil_actor *who, int64_t case_id,
                      const char *path, vigil_error *err)
{
    vigil_case_store *s;
    const char *base = strrchr(path, '/');
    char source[300];
    FILE *f;
    int rc;
    memset(res, 0, sizeof *res);
    if (!(f = fopen(path, "r")))
        return vigil_error_set(err, VIGIL_EINPUT, "%s: %s", path, strerror(errno));
    snprintf(source, sizeof source, "attach %s", base ? base + 1 : path);
    if ((rc = vigil_case_store_begin(&s, reg, who, case_id, source, err)) < 0) {
        fclose(f);
        return rc;
    }
    rc = attach_lines(s, f, path, err);
    fclose(f);
    if (rc < 0) {
        vigil_case_store_abort(s);
        return rc;
    }
    return vigil_case_store_commit(s, res, err);
}

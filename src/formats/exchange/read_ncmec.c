/*
 * NCMEC hash-sharing v2 result reader (hashset-formats.md, section 8) over
 * libxml2's streaming xmlTextReader: one entry in memory at a time. image and
 * video become records; deletedImage and deletedVideo become records with
 * retract = 1 naming the entry they withdraw. No network, no DTD, no entity
 * substitution.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <libxml/xmlreader.h>

#include "core/hex.h"
#include "formats/exchange/exchange.h"
#include "formats/exchange/photodna.h"

#define NCMEC_NS "https://hashsharing.ncmec.org/hashsharing/v2"
#define TEXT_MAX 4096

enum field { X_NONE, X_MEMBER, X_ID, X_CLASS, X_MD5, X_SHA1, X_SHA256, X_PDNA, X_PDQ, X_NEXT };

typedef struct ncmec {
    const char *label;
    const vg_hs_sink *sink;
    vigil_error *err;
    char xml_error[300];
    int xml_line;
    int in_entry, entry_depth;
    unsigned entries;
    enum field field;
    char text[TEXT_MAX];
    size_t text_len;
    int text_over;
    vg_hs_record r;
    char id[256], category[32], member_id[64], member[256], last_member[330];
    int bad;
    char why[200];
    vg_pdna_repeats repeats;
} ncmec;

static void on_xml_error(void *ud, xmlErrorPtr e)
{
    ncmec *x = ud;
    size_t k;
    if (x->xml_error[0] || !e || !e->message)
        return; /* the first error explains the rest */
    snprintf(x->xml_error, sizeof x->xml_error, "%s", e->message);
    k = strlen(x->xml_error);
    while (k && (x->xml_error[k - 1] == '\n' || x->xml_error[k - 1] == ' '))
        x->xml_error[--k] = '\0';
    x->xml_line = e->line;
}

static void entry_fail(ncmec *x, const char *fmt, const char *a, size_t n)
{
    if (x->bad)
        return;
    x->bad = 1;
    snprintf(x->why, sizeof x->why, fmt, (int)(n > 72 ? 72 : n), a);
}

static enum field field_of(const char *name)
{
    static const struct {
        const char *name;
        enum field f;
    } names[] = {
        {"member", X_MEMBER}, {"id", X_ID}, {"classification", X_CLASS}, {"md5", X_MD5}, {"sha1", X_SHA1},
        {"sha256", X_SHA256}, {"pdna", X_PDNA}, {"pdq", X_PDQ},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(name, names[i].name))
            return names[i].f;
    return X_NONE;
}

/* The industry classification scheme: letter for the age group, digit for the kind of content. */
static void classify(vg_hs_record *r)
{
    static const struct {
        const char *code, *label;
        int severity;
    } scheme[] = {
        {"A1", "prepubescent minor, sex act", 4},
        {"A2", "prepubescent minor, lascivious exhibition", 3},
        {"B1", "pubescent minor, sex act", 2},
        {"B2", "pubescent minor, lascivious exhibition", 1},
    };
    for (size_t i = 0; i < sizeof scheme / sizeof scheme[0]; i++)
        if (!strcasecmp(r->category, scheme[i].code)) {
            r->category_label = scheme[i].label;
            r->severity = scheme[i].severity;
        }
}

static void hex_field(ncmec *x, const char *what, uint8_t *out, size_t bytes, const char *s, size_t n)
{
    if (n != 2 * bytes || vg_hex_decode(out, s, bytes) < 0) {
        char fmt[80];
        snprintf(fmt, sizeof fmt, "%s '%%.*s' is not %zu hex digits", what, 2 * bytes);
        entry_fail(x, fmt, s, n);
        return;
    }
    if (out == x->r.md5)
        x->r.has_md5 = 1;
    else if (out == x->r.sha1)
        x->r.has_sha1 = 1;
    else if (out == x->r.sha256)
        x->r.has_sha256 = 1;
    else
        x->r.has_pdq = 1;
}

/* A field element closed: its text is the value. */
static void end_field(ncmec *x)
{
    const char *s = x->text;
    size_t n = x->text_len;
    char why[120];
    while (n && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        n--;
    if (x->text_over) {
        entry_fail(x, "an element's text is longer than %.*s", "4096 bytes", 10);
        return;
    }
    switch (x->field) {
    case X_MEMBER:
        snprintf(x->member, sizeof x->member, "%.*s", (int)n, s);
        break;
    case X_ID:
        snprintf(x->id, sizeof x->id, "%.*s", (int)n, s);
        break;
    case X_CLASS:
        snprintf(x->category, sizeof x->category, "%.*s", (int)n, s);
        break;
    case X_MD5:
        hex_field(x, "md5", x->r.md5, 16, s, n);
        break;
    case X_SHA1:
        hex_field(x, "sha1", x->r.sha1, 20, s, n);
        break;
    case X_SHA256:
        hex_field(x, "sha256", x->r.sha256, 32, s, n);
        break;
    case X_PDQ:
        hex_field(x, "pdq", x->r.pdq, 32, s, n);
        break;
    case X_PDNA:
        if (vg_photodna_decode(x->r.photodna, s, n, why, sizeof why) < 0)
            entry_fail(x, "pdna: %.*s", why, strlen(why));
        else
            x->r.has_photodna = 1;
        break;
    case X_NEXT:
        if (x->sink->meta && n) {
            char next[1024];
            snprintf(next, sizeof next, "%.*s", (int)(n > 1000 ? 1000 : n), s);
            x->sink->meta(x->sink->ud, "next", next);
        }
        break;
    default:
        break;
    }
}

static void begin_entry(ncmec *x, xmlTextReaderPtr rd, const char *name, int depth)
{
    x->in_entry = 1;
    x->entry_depth = depth;
    vg_hs_record_clear(&x->r);
    x->r.retract = !strncmp(name, "deleted", 7);
    /* the parser reads ahead, so its line number is not the entry's: count entries instead */
    snprintf(x->r.where, sizeof x->r.where, "entry %u (%s)", ++x->entries, name);
    (void)rd;
    x->id[0] = x->category[0] = x->member[0] = x->member_id[0] = '\0';
    x->bad = 0;
}

static int end_entry(ncmec *x)
{
    vg_hs_record *r = &x->r;
    int has_fp = r->has_md5 || r->has_sha1 || r->has_sha256 || r->has_pdq || r->has_photodna;
    x->in_entry = 0;
    if (!x->bad && !has_fp && !(r->retract && x->id[0]))
        entry_fail(x, "%.*s", r->retract ? "deleted entry names neither an id nor a fingerprint"
                                         : "entry has no fingerprint", r->retract ? 51 : 24);
    if (x->bad)
        return x->sink->reject(x->sink->ud, r->where, x->why, x->err);
    if (r->has_photodna) {
        int rep = vg_pdna_repeats_check(&x->repeats, r);
        if (rep)
            r->has_photodna = 0;
        if (rep == 2 && x->sink->meta) {
            char msg[300];
            snprintf(msg, sizeof msg, "%s:%s: one pdna value is on more than %d entries with other digests: "
                     "treated as a placeholder and dropped", x->label, r->where, VG_PDNA_REPEAT_MAX);
            x->sink->meta(x->sink->ud, "warning", msg);
        }
    }
    r->profile = "NCMEC";
    r->external_id = x->id[0] ? x->id : NULL;
    if (x->category[0]) {
        r->category = x->category;
        classify(r);
    }
    if (x->sink->meta && (x->member[0] || x->member_id[0])) {
        char m[sizeof x->last_member];
        snprintf(m, sizeof m, "%s %s", x->member_id, x->member);
        if (strcmp(m, x->last_member)) {
            memcpy(x->last_member, m, sizeof m);
            x->sink->meta(x->sink->ud, "member", m);
        }
    }
    return x->sink->record(x->sink->ud, r, x->err);
}

static int on_element(ncmec *x, xmlTextReaderPtr rd, int *seen_root)
{
    const char *name = (const char *)xmlTextReaderConstLocalName(rd);
    int depth = xmlTextReaderDepth(rd);
    if (!name)
        return 0;
    if (depth == 0) {
        const char *ns = (const char *)xmlTextReaderConstNamespaceUri(rd);
        if (strcmp(name, "queryResult") || !ns || strcmp(ns, NCMEC_NS))
            return vigil_error_set(x->err, VIGIL_EINPUT, "%s:line %d: root element is not an NCMEC hash-sharing v2 "
                                   "queryResult", x->label, xmlTextReaderGetParserLineNumber(rd));
        *seen_root = 1;
        return 0;
    }
    x->field = X_NONE;
    x->text_len = 0;
    x->text_over = 0;
    if (!x->in_entry) {
        if (!strcmp(name, "image") || !strcmp(name, "video") || !strcmp(name, "deletedImage") ||
            !strcmp(name, "deletedVideo")) {
            begin_entry(x, rd, name, depth);
            if (xmlTextReaderIsEmptyElement(rd))
                return end_entry(x);
        } else if (!strcmp(name, "next")) {
            x->field = X_NEXT;
        }
        return 0;
    }
    x->field = field_of(name);
    if (x->field == X_MEMBER) {
        xmlChar *id = xmlTextReaderGetAttribute(rd, (const xmlChar *)"id");
        if (id) {
            snprintf(x->member_id, sizeof x->member_id, "%s", (const char *)id);
            xmlFree(id);
        }
    }
    if (xmlTextReaderIsEmptyElement(rd)) {
        end_field(x);
        x->field = X_NONE;
    }
    return 0;
}

static int step(ncmec *x, xmlTextReaderPtr rd, int *seen_root)
{
    int type = xmlTextReaderNodeType(rd);
    if (type == XML_READER_TYPE_ELEMENT)
        return on_element(x, rd, seen_root);
    if ((type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
         type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE) && x->field != X_NONE) {
        const char *t = (const char *)xmlTextReaderConstValue(rd);
        size_t n = t ? strlen(t) : 0;
        if (x->text_len + n >= sizeof x->text)
            x->text_over = 1;
        else {
            memcpy(x->text + x->text_len, t, n);
            x->text_len += n;
        }
        return 0;
    }
    if (type == XML_READER_TYPE_END_ELEMENT) {
        if (x->in_entry && xmlTextReaderDepth(rd) == x->entry_depth)
            return end_entry(x);
        if (x->field != X_NONE) {
            x->text[x->text_len] = '\0';
            end_field(x);
            x->field = X_NONE;
        }
    }
    return 0;
}

int vg_hs_read_ncmec(int fd, const char *path, const vg_hs_read_opts *o, const vg_hs_sink *sink, vigil_error *err)
{
    ncmec *x = calloc(1, sizeof *x);
    xmlTextReaderPtr rd;
    struct stat sb;
    int have_stat = fstat(fd, &sb) == 0;
    uint64_t total = have_stat ? (uint64_t)sb.st_size : 0, entries = 0;
    const char *label = o && o->label ? o->label : path;
    int rc = 0, ret, seen_root = 0;
    if (!x)
        return vigil_error_set(err, VIGIL_ENOMEM, "%s: out of memory", label);
    if (have_stat && S_ISREG(sb.st_mode) && total == 0) {
        free(x);
        return vigil_error_set(err, VIGIL_EINPUT, "%s: empty file", label);
    }
    x->label = label;
    x->sink = sink;
    x->err = err;
    vg_pdna_repeats_init(&x->repeats);
    rd = xmlReaderForFd(fd, path, NULL, XML_PARSE_NONET | XML_PARSE_NOCDATA);
    if (!rd) {
        free(x);
        return vigil_error_set(err, VIGIL_ENOMEM, "%s: cannot start the XML reader", label);
    }
    xmlTextReaderSetStructuredErrorHandler(rd, on_xml_error, x);
    while ((ret = xmlTextReaderRead(rd)) == 1) {
        if ((rc = step(x, rd, &seen_root)) < 0)
            break;
        if (xmlTextReaderNodeType(rd) == XML_READER_TYPE_END_ELEMENT && !x->in_entry && sink->progress &&
            (++entries & 0x3ff) == 0)
            sink->progress(sink->ud, (uint64_t)xmlTextReaderByteConsumed(rd), total);
    }
    if (rc == 0 && ret < 0)
        rc = vigil_error_set(err, VIGIL_EINPUT, "%s:line %d: XML error: %s", label, x->xml_line,
                             x->xml_error[0] ? x->xml_error : "unreadable XML");
    if (rc == 0 && !seen_root)
        rc = vigil_error_set(err, VIGIL_EINPUT, "%s: no queryResult element: not an NCMEC hash-sharing result", label);
    if (rc == 0 && sink->progress)
        sink->progress(sink->ud, total, total);
    xmlFreeTextReader(rd);
    free(x);
    return rc;
}

int vg_hs_detect_ncmec(const uint8_t *head, size_t n)
{
    const uint8_t *q = vg_hs_find_nocase(head, n, "<queryResult");
    return q && vg_hs_find_nocase(q, n - (size_t)(q - head), "hashsharing.ncmec.org/hashsharing/v2") != NULL;
}

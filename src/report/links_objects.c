/* JSON and CSV of a case's items, JSON and Graphviz DOT of links and networks
 * (vigil/case_items.h, vigil/links.h). */
#include <string.h>

#include "core/buf.h"
#include "core/csv.h"
#include "core/json.h"
#include "report/output.h"
#include "vigil/case_items.h"
#include "vigil/links.h"

#define DOC_MAX ((size_t)1 << 32)

static const char *or_null(const char *s)
{
    return s && s[0] ? s : NULL;
}

int vigil_case_items_write_json(FILE *f, const vigil_case_item_list *l, vigil_error *err)
{
    vg_buf b;
    vg_buf_init(&b, DOC_MAX);
    vg_buf_addc(&b, '[');
    for (size_t i = 0; i < l->n; i++) {
        const vigil_case_item_row *r = &l->rows[i];
        vg_buf_adds(&b, i ? ",{\"md5\":" : "{\"md5\":");
        vg_json_strz(&b, or_null(r->md5));
        vg_buf_adds(&b, ",\"sha1\":");
        vg_json_strz(&b, or_null(r->sha1));
        vg_buf_adds(&b, ",\"sha256\":");
        vg_json_strz(&b, or_null(r->sha256));
        vg_buf_adds(&b, ",\"pdq\":");
        vg_json_strz(&b, or_null(r->pdq));
        if (r->pdq_quality >= 0)
            vg_buf_addf(&b, ",\"pdq_quality\":%d", r->pdq_quality);
        else
            vg_buf_adds(&b, ",\"pdq_quality\":null");
        vg_buf_addf(&b, ",\"size\":%llu,\"verdict\":\"%s\",\"set\":", (unsigned long long)r->size, r->verdict);
        vg_json_strz(&b, or_null(r->set));
        vg_buf_adds(&b, ",\"category\":");
        vg_json_strz(&b, or_null(r->category));
        vg_buf_adds(&b, ",\"series\":");
        vg_json_strz(&b, or_null(r->series));
        vg_buf_adds(&b, ",\"container\":");
        vg_json_strz(&b, or_null(r->container));
        vg_buf_adds(&b, ",\"path\":");
        vg_json_strz(&b, r->path);
        vg_buf_addf(&b, ",\"places\":%llu}", (unsigned long long)r->places);
    }
    vg_buf_adds(&b, "]\n");
    return vg_output_write(&b, f, err);
}

int vigil_case_items_write_csv(FILE *f, const vigil_case_item_list *l, vigil_error *err)
{
    vg_buf b;
    vg_buf_init(&b, DOC_MAX);
    vg_buf_adds(&b, "md5,sha1,sha256,pdq,pdq_quality,size,verdict,set,category,series,container,path,places\n");
    for (size_t i = 0; i < l->n; i++) {
        const vigil_case_item_row *r = &l->rows[i];
        vg_buf_addf(&b, "%s,%s,%s,%s,", r->md5, r->sha1, r->sha256, r->pdq);
        if (r->pdq_quality >= 0)
            vg_buf_addf(&b, "%d", r->pdq_quality);
        vg_buf_addf(&b, ",%llu,%s,", (unsigned long long)r->size, r->verdict);
        vg_csv_fieldz(&b, r->set);
        vg_buf_addc(&b, ',');
        vg_csv_fieldz(&b, r->category);
        vg_buf_addc(&b, ',');
        vg_csv_fieldz(&b, r->series);
        vg_buf_addc(&b, ',');
        vg_csv_fieldz(&b, r->container ? r->container : "");
        vg_buf_addc(&b, ',');
        vg_csv_fieldz(&b, r->path ? r->path : "");
        vg_buf_addf(&b, ",%llu\n", (unsigned long long)r->places);
    }
    return vg_output_write(&b, f, err);
}

static void link_end_json(vg_buf *b, const vigil_link_case *c)
{
    if (c->id)
        vg_buf_addf(b, "{\"case\":%lld,\"unit\":", (long long)c->id);
    else
        vg_buf_adds(b, "{\"case\":null,\"unit\":");
    vg_json_strz(b, c->unit);
    vg_buf_adds(b, ",\"contact\":");
    vg_json_strz(b, c->contact);
    vg_buf_adds(b, ",\"ref\":");
    vg_json_strz(b, or_null(c->ref));
    vg_buf_adds(b, ",\"type\":");
    vg_json_strz(b, or_null(c->type));
    vg_buf_addf(b, ",\"visible\":%s}", c->visible ? "true" : "false");
}

int vigil_links_write_json(FILE *f, const vigil_link_view *v, vigil_error *err)
{
    vg_buf b;
    vg_buf_init(&b, DOC_MAX);
    vg_buf_adds(&b, "{\"links\":[");
    for (size_t i = 0; i < v->nlinks; i++) {
        const vigil_link *l = &v->links[i];
        vg_buf_adds(&b, i ? ",{\"a\":" : "{\"a\":");
        link_end_json(&b, &l->a);
        vg_buf_adds(&b, ",\"b\":");
        link_end_json(&b, &l->b);
        vg_buf_addf(&b, ",\"exact\":%lld,\"illegal\":%lld,\"interest\":%lld,\"unknown\":%lld,\"near\":%lld,"
                    "\"network\":%lld,\"updated\":\"%s\"}", (long long)l->exact, (long long)l->illegal,
                    (long long)l->interest, (long long)l->unknown, (long long)l->near, (long long)l->network,
                    l->updated);
    }
    vg_buf_adds(&b, "],\"networks\":[");
    for (size_t i = 0; i < v->nnetworks; i++) {
        const vigil_network *n = &v->networks[i];
        vg_buf_addf(&b, "%s{\"id\":%lld,\"cases\":%zu,\"links\":%zu,\"units\":%zu,\"unit_codes\":", i ? "," : "",
                    (long long)n->id, n->ncases, n->nlinks, n->nunits);
        vg_json_strz(&b, n->units);
        vg_buf_addf(&b, ",\"first\":\"%s\",\"last\":\"%s\"}", n->first, n->last);
    }
    vg_buf_adds(&b, "]}\n");
    return vg_output_write(&b, f, err);
}

/* A DOT string: quotes and backslashes escaped, controls dropped. */
static void dot_str(vg_buf *b, const char *s)
{
    vg_buf_addc(b, '"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            vg_buf_addc(b, '\\');
        if ((unsigned char)*s >= 0x20)
            vg_buf_addc(b, *s);
    }
    vg_buf_addc(b, '"');
}

/* A node's name: the case id, or for a hidden case its unit and reference. */
static void dot_node(vg_buf *b, const vigil_link_case *c)
{
    char name[128];
    if (c->id)
        snprintf(name, sizeof name, "case %lld", (long long)c->id);
    else
        snprintf(name, sizeof name, "%s/%s", c->unit, c->ref[0] ? c->ref : "?");
    dot_str(b, name);
}

static void dot_label(vg_buf *b, const vigil_link_case *c)
{
    char label[256];
    if (c->id)
        snprintf(label, sizeof label, "case %lld\n%s %s\n%s", (long long)c->id, c->unit, c->ref, c->type);
    else
        snprintf(label, sizeof label, "also held by %s\n%s\nask: %s", c->unit, c->ref[0] ? c->ref : "(no reference)",
                 c->contact);
    dot_node(b, c);
    vg_buf_adds(b, " [label=");
    /* newlines as DOT's \n */
    vg_buf_addc(b, '"');
    for (const char *s = label; *s; s++) {
        if (*s == '\n')
            vg_buf_adds(b, "\\n");
        else if (*s == '"' || *s == '\\')
            vg_buf_addf(b, "\\%c", *s);
        else if ((unsigned char)*s >= 0x20)
            vg_buf_addc(b, *s);
    }
    vg_buf_addc(b, '"');
    vg_buf_adds(b, c->id ? ", shape=box" : ", shape=box, style=dashed");
    vg_buf_adds(b, "];\n");
}

int vigil_links_write_dot(FILE *f, const vigil_link_view *v, vigil_error *err)
{
    vg_buf b;
    vg_buf_init(&b, DOC_MAX);
    vg_buf_adds(&b, "graph links {\n  node [fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\"];\n");
    for (size_t j = 0; j < v->nnetworks; j++) {
        vg_buf_addf(&b, "  subgraph \"cluster_%lld\" {\n    label=\"network %lld: %zu cases, units %s\";\n",
                    (long long)v->networks[j].id, (long long)v->networks[j].id, v->networks[j].ncases,
                    v->networks[j].units);
        for (size_t i = 0; i < v->nlinks; i++) {
            const vigil_link *l = &v->links[i];
            if (l->network != v->networks[j].id)
                continue;
            vg_buf_adds(&b, "    ");
            dot_label(&b, &l->a);
            vg_buf_adds(&b, "    ");
            dot_label(&b, &l->b);
            vg_buf_adds(&b, "    ");
            dot_node(&b, &l->a);
            vg_buf_adds(&b, " -- ");
            dot_node(&b, &l->b);
            vg_buf_addf(&b, " [label=\"%lld shared, %lld near\\n%lld illegal, %lld interest\\n%lld unknown%s\", penwidth=%d];\n",
                        (long long)l->exact, (long long)l->near, (long long)l->illegal, (long long)l->interest, (long long)l->unknown,
                        l->unknown ? " (new material)" : "", l->unknown ? 3 : 1);
        }
        vg_buf_adds(&b, "  }\n");
    }
    vg_buf_adds(&b, "}\n");
    return vg_output_write(&b, f, err);
}

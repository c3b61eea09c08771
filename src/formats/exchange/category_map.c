/* Category mapping files for sources whose codes are not public (CAID). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "formats/exchange/category_map.h"

static char *trim(char *s)
{
    char *e;
    while (*s == ' ' || *s == '\t')
        s++;
    e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
        *--e = '\0';
    return s;
}

static int default_severity(const char *label)
{
    if (!strcasecmp(label, "A"))
        return 3;
    if (!strcasecmp(label, "B"))
        return 2;
    if (!strcasecmp(label, "C"))
        return 1;
    if (!strcasecmp(label, "not-indecent") || !strcasecmp(label, "not indecent"))
        return 0;
    return -1;
}

static int parse_line(vg_category_entry *e, char *line, char *why, size_t cap)
{
    char *c1 = strchr(line, ','), *c2, *code, *label, *end;
    if (!c1)
        return snprintf(why, cap, "expected 'code,label', found '%.40s'", line), -1;
    *c1 = '\0';
    c2 = strchr(c1 + 1, ',');
    if (c2)
        *c2 = '\0';
    code = trim(line);
    label = trim(c1 + 1);
    if (!*code || !*label || strlen(code) >= sizeof e->code || strlen(label) >= sizeof e->label)
        return snprintf(why, cap, "%s", "empty or over-long code or label"), -1;
    snprintf(e->code, sizeof e->code, "%s", code);
    snprintf(e->label, sizeof e->label, "%s", label);
    e->severity = default_severity(label);
    if (c2) {
        char *sev = trim(c2 + 1);
        long v = strtol(sev, &end, 10);
        if (!*sev || *end || v < 0 || v > 1000)
            return snprintf(why, cap, "severity '%.20s' is not a number 0-1000", sev), -1;
        e->severity = (int)v;
    }
    return 0;
}

int vg_category_map_load(vg_category_map *m, const char *path, vigil_error *err)
{
    FILE *f = fopen(path, "r");
    char line[512], why[128];
    unsigned lineno = 0;
    int rc = 0;
    m->e = NULL;
    m->n = 0;
    if (!f)
        return vigil_error_set(err, VIGIL_EINPUT, "%s: %s", path, strerror(errno));
    while (fgets(line, sizeof line, f)) {
        char *s = line;
        lineno++;
        if (!strchr(line, '\n') && !feof(f)) {
            rc = vigil_error_set(err, VIGIL_EINPUT, "%s:line %u: line too long", path, lineno);
            break;
        }
        if (lineno == 1 && (unsigned char)s[0] == 0xef && (unsigned char)s[1] == 0xbb && (unsigned char)s[2] == 0xbf)
            s += 3;
        s = trim(s);
        if (!*s || *s == '#' || (lineno == 1 && !strncasecmp(s, "code,", 5)))
            continue;
        if (m->n == VG_CATMAP_MAX) {
            rc = vigil_error_set(err, VIGIL_EINPUT, "%s:line %u: more than %d codes", path, lineno, VG_CATMAP_MAX);
            break;
        }
        if (m->n % 64 == 0) {
            vg_category_entry *p = realloc(m->e, (m->n + 64) * sizeof *p);
            if (!p) {
                rc = vigil_error_set(err, VIGIL_ENOMEM, "%s: out of memory", path);
                break;
            }
            m->e = p;
        }
        if (parse_line(&m->e[m->n], s, why, sizeof why) < 0) {
            rc = vigil_error_set(err, VIGIL_EINPUT, "%s:line %u: %s", path, lineno, why);
            break;
        }
        if (vg_category_map_find(m, m->e[m->n].code)) {
            rc = vigil_error_set(err, VIGIL_EINPUT, "%s:line %u: code '%s' given twice", path, lineno,
                                 m->e[m->n].code);
            break;
        }
        m->n++;
    }
    if (rc == 0 && ferror(f))
        rc = vigil_error_set(err, VIGIL_EINPUT, "%s: read error", path);
    if (rc == 0 && m->n == 0)
        rc = vigil_error_set(err, VIGIL_EINPUT, "%s: no 'code,label' lines", path);
    fclose(f);
    if (rc < 0)
        vg_category_map_dispose(m);
    return rc;
}

const vg_category_entry *vg_category_map_find(const vg_category_map *m, const char *code)
{
    for (size_t i = 0; i < m->n; i++)
        if (!strcmp(m->e[i].code, code))
            return &m->e[i];
    return NULL;
}

void vg_category_map_dispose(vg_category_map *m)
{
    free(m->e);
    m->e = NULL;
    m->n = 0;
}

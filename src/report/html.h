/* What the parts of the HTML report share: escaping, sizes, and the page's fixed text. */
#ifndef VG_REPORT_HTML_H
#define VG_REPORT_HTML_H
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "vigil/report.h"

/* Text made safe for element content and attribute values; bytes that are not UTF-8 show as U+FFFD. */
void vg_html_text(vg_buf *b, const char *s, size_t n);
void vg_html_textz(vg_buf *b, const char *s);
/* A size for people: "512 bytes", "1.5 MB" (powers of 1000). */
void vg_html_size(char *out, size_t cap, double bytes);
/* Standard base64 of n bytes, appended to b. */
void vg_html_base64(vg_buf *b, const unsigned char *p, size_t n);

/* The keys of one list's rows, in column order, each kept as its quoted JSON text. */
typedef struct vg_row_keys {
    char **name;
    size_t n, cap;
} vg_row_keys;
/* Append the item object obj[0..n) as an array of its values in the order of keys (null where
 * it lacks one), adding its new keys; -1 when obj is not an object or out of memory (nothing
 * appended: the caller writes the object itself, which the page also reads). */
int vg_row_columns(vg_buf *out, vg_row_keys *keys, const char *obj, size_t n);
/* The keys as a JSON array. */
void vg_row_keys_json(vg_buf *b, const vg_row_keys *k);
void vg_row_keys_free(vg_row_keys *k);

/* Distinct contents (SHA-256) per verdict, so a file and its copies count once. */
typedef struct vg_content_set vg_content_set;
vg_content_set *vg_content_set_new(void);
/* 0, or -1 when out of memory (the count is then a lower bound). */
int vg_content_set_add(vg_content_set *s, const uint8_t sha256[32], vigil_verdict v);
uint64_t vg_content_set_count(const vg_content_set *s, int verdict); /* verdict -1: all */
void vg_content_set_free(vg_content_set *s);

/* The page's style sheet and script, inline constants (nothing is ever loaded from anywhere). */
extern const char vg_html_style[];
extern const char vg_html_script[];

/* What the page's head and summary sections are written from. */
typedef struct vg_html_summary {
    const vigil_report_params *p;
    const vigil_scan_stats *s;
    const vg_content_set *contents;
    uint64_t thumbs;               /* pictures embedded in the page */
} vg_html_summary;

/* From <!DOCTYPE> to the end of the scan's header: banners, case, evidence, sets, totals. */
void vg_html_write_head(vg_buf *b, const vg_html_summary *sum);
/* Disk images and their verification, when the scan read any. */
void vg_html_write_images(vg_buf *b, const vigil_scan_stats *s);

#endif

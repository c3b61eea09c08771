/* CSV output (RFC 4180 quoting; names are written as the bytes they are). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/csv.h"
#include "core/hex.h"
#include "vigil/report.h"

int vigil_csv_header(FILE *f)
{
    return fputs("path,container,size,md5,sha1,sha256,mime,pdq,pdq_quality,verdict,match_set,match_by,"
                 "match_distance,match_category,match_series,error,type,state,inode,carved_offset,created,modified,"
                 "accessed,changed,match_record,match_source,match_line,match_orientation,match_flags,matches,error_kind,vpdq_frames,vpdq_quality_median,vpdq_limit,video_known,"
                 "video_query_percent,video_known_percent,video_query_ranges,video_known_ranges,frame_seconds\r\n",
                 f) < 0 ? -1 : 0;
}

static void field(vg_buf *b, const char *s, size_t n, int last)
{
    vg_csv_field(b, s, n);
    vg_buf_adds(b, last ? "\r\n" : ",");
}

static void fieldz(vg_buf *b, const char *s)
{
    field(b, s, s ? strlen(s) : 0, 0);
}

/* Disk images: allocated|deleted|carved, inode, carved offset, four times; empty elsewhere. */
static void add_image_fields(vg_buf *b, const vigil_item *it)
{
    char num[32], iso[48];
    if (!it->in_image) {
        vg_buf_adds(b, ",,,,,,,");
        return;
    }
    fieldz(b, it->carved ? "carved" : it->allocated ? "allocated" : "deleted");
    snprintf(num, sizeof num, "%llu", (unsigned long long)it->inode);
    fieldz(b, it->has_inode ? num : NULL);
    snprintf(num, sizeof num, "%llu", (unsigned long long)it->carved_offset);
    fieldz(b, it->carved ? num : NULL);
    for (int i = 0; i < VIGIL_TIME__COUNT; i++) {
        int have = vigil_fs_time_iso(iso, sizeof iso, &it->times[i]) == 0;
        field(b, have ? iso : NULL, have ? strlen(iso) : 0, 0);
    }
}

/* Names joined by ';' into one field (a set or category name with ';' is written as it is). */
static void add_flags(vg_buf *b, unsigned flags)
{
    vg_buf tmp;
    vg_buf_init(&tmp, 1024);
    for (unsigned i = 0; i < VIGIL_MATCH__FLAGS; i++)
        if (flags & (1u << i))
            vg_buf_addf(&tmp, "%s%s", tmp.len ? ";" : "", vigil_match_flag_name(i));
    field(b, tmp.ptr, tmp.len, 0);
    vg_buf_dispose(&tmp);
}

/* The winner's listed record, orientation and flags, then every match as set:category;... (each field
 * followed by its comma: the video fields end the row) */
static void add_match_details(vg_buf *b, const vigil_item *it)
{
    const vigil_match *m = &it->match;
    char num[32];
    vg_buf all;
    if (m->by == VIGIL_BY_NONE) {
        vg_buf_adds(b, ",,,,,,");
        return;
    }
    fieldz(b, m->record_name);
    fieldz(b, m->record_source);
    snprintf(num, sizeof num, "%llu", (unsigned long long)m->record_line);
    fieldz(b, m->record_line ? num : NULL);
    fieldz(b, m->by == VIGIL_BY_PDQ ? vigil_pdq_dihedral_name(m->dihedral) : NULL);
    add_flags(b, m->flags);
    vg_buf_init(&all, (size_t)1 << 20);
    for (size_t i = 0; i < it->nmatches; i++)
        vg_buf_addf(&all, "%s%s:%s", i ? ";" : "", it->matches[i].set ? it->matches[i].set : "",
                    it->matches[i].category ? it->matches[i].category : "");
    field(b, all.ptr, all.len, 0);
    vg_buf_dispose(&all);
}

/* Videos (and animated pictures): the vPDQ, the known video it is near, the frame near a known picture. */
static void add_video_fields(vg_buf *b, const vigil_item *it)
{
    char num[32];
    int ok = it->vpdq_state == VIGIL_VPDQ_OK, known = ok && it->video_known;
    snprintf(num, sizeof num, "%llu", (unsigned long long)it->vpdq_frames);
    fieldz(b, ok ? num : NULL);
    snprintf(num, sizeof num, "%d", it->vpdq_quality_median);
    fieldz(b, ok ? num : NULL);
    fieldz(b, ok && it->vpdq_limit[0] ? it->vpdq_limit : NULL);
    fieldz(b, known ? it->video_known : NULL);
    snprintf(num, sizeof num, "%.1f", it->video_query_percent);
    fieldz(b, known ? num : NULL);
    snprintf(num, sizeof num, "%.1f", it->video_known_percent);
    fieldz(b, known ? num : NULL);
    fieldz(b, known ? it->video_query_ranges : NULL);
    fieldz(b, known ? it->video_known_ranges : NULL);
    /* as the JSONL's match.frame_seconds: only where a frame's PDQ made the match */
    snprintf(num, sizeof num, "%.3f", it->video_frame_seconds);
    ok = ok && it->match.by == VIGIL_BY_PDQ && it->video_frame_seconds >= 0;
    field(b, ok ? num : NULL, ok ? strlen(num) : 0, 1);
}

int vigil_csv_item(FILE *f, const vigil_item *it)
{
    vg_buf b;
    char hex[65], num[32];
    const char *kind;
    char *container = vigil_container_string(it);
    int rc = 0;
    vg_buf_init(&b, (size_t)1 << 24);
    field(&b, it->path, it->path_len, 0);
    fieldz(&b, container);
    snprintf(num, sizeof num, "%llu", (unsigned long long)it->size);
    fieldz(&b, num);
    vg_hex_encode(hex, it->digests.md5, 16);
    fieldz(&b, it->has_digests ? hex : NULL);
    vg_hex_encode(hex, it->digests.sha1, 20);
    fieldz(&b, it->has_digests ? hex : NULL);
    vg_hex_encode(hex, it->digests.sha256, 32);
    fieldz(&b, it->has_digests ? hex : NULL);
    fieldz(&b, it->mime);
    if (it->pdq_state == VIGIL_PDQ_OK) {
        vigil_pdq_hex(hex, &it->pdq[VIGIL_PDQ_ORIG]);
        fieldz(&b, hex);
        snprintf(num, sizeof num, "%d", it->pdq_quality);
        fieldz(&b, num);
    } else {
        fieldz(&b, NULL); /* pdq */
        fieldz(&b, NULL); /* pdq_quality */
    }
    fieldz(&b, vigil_verdict_name(it->verdict));
    if (it->match.by != VIGIL_BY_NONE) {
        fieldz(&b, it->match.set);
        fieldz(&b, vigil_match_by_name(it->match.by));
        snprintf(num, sizeof num, "%d", it->match.distance);
        fieldz(&b, num);
        fieldz(&b, it->match.category);
        fieldz(&b, it->match.series);
    } else {
        for (int i = 0; i < 5; i++)
            fieldz(&b, NULL);
    }
    fieldz(&b, it->error);
    fieldz(&b, vigil_item_type_name(it->type));
    add_image_fields(&b, it);
    add_match_details(&b, it);
    kind = it->verdict == VIGIL_VERDICT_ERROR ? vigil_error_kind_name(it->error_kind) : NULL;
    field(&b, kind ? kind : "", kind ? strlen(kind) : 0, 0);
    add_video_fields(&b, it);
    if (vg_buf_failed(&b) || fwrite(b.ptr, 1, b.len, f) != b.len)
        rc = -1;
    vg_buf_dispose(&b);
    free(container);
    return rc;
}

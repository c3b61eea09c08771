/* The scan JSONL of the interface contract: one object per item, then a summary. */
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/hex.h"
#include "core/json.h"
#include "core/time.h"
#include "report/item_json.h"
#include "vigil/report.h"
#include "vigil/vigil.h"

static const char *verdict_names[VIGIL_VERDICT__COUNT] = {"illegal", "benign", "interest", "near", "unknown",
                                                          "error"};

const char *vigil_verdict_name(vigil_verdict v)
{
    return (unsigned)v < VIGIL_VERDICT__COUNT ? verdict_names[v] : "?";
}

const char *vigil_item_type_name(vigil_item_type t)
{
    static const char *names[] = {"file", "symlink", "fifo", "socket", "chardev", "blockdev",
                                  "hardlink", "dir", "archive", "other", "image", "filesystem"};
    return (unsigned)t < sizeof names / sizeof names[0] ? names[t] : "other";
}

const char *vigil_error_kind_name(vigil_error_kind k)
{
    switch (k) {
    case VIGIL_ERROR_ENCRYPTED: return "encrypted";
    case VIGIL_ERROR_UNSUPPORTED: return "unsupported";
    case VIGIL_ERROR_CRASHED: return "crashed";
    case VIGIL_ERROR_TIMEOUT: return "timeout";
    case VIGIL_ERROR_MEMORY: return "memory";
    case VIGIL_ERROR_CORRUPT: return "corrupt";
    default: return NULL;
    }
}

char *vigil_container_string(const vigil_item *it)
{
    vg_buf b;
    if (!it->ncontainers)
        return NULL;
    vg_buf_init(&b, (size_t)1 << 24);
    for (size_t i = 0; i < it->ncontainers; i++) {
        if (i)
            vg_buf_add(&b, "!/", 2);
        vg_buf_adds(&b, it->containers[i]);
    }
    return vg_buf_detach(&b, NULL);
}

static void add_hex(vg_buf *b, const char *key, const uint8_t *d, size_t n, int has)
{
    char hex[65];
    vg_buf_addf(b, ",\"%s\":", key);
    if (!has) {
        vg_buf_adds(b, "null");
        return;
    }
    vg_hex_encode(hex, d, n);
    vg_buf_addf(b, "\"%s\"", hex);
}

static void add_flags(vg_buf *b, unsigned flags)
{
    vg_buf_adds(b, ",\"flags\":[");
    for (unsigned i = 0, n = 0; i < VIGIL_MATCH__FLAGS; i++)
        if (flags & (1u << i))
            vg_buf_addf(b, "%s\"%s\"", n++ ? "," : "", vigil_match_flag_name(i));
    vg_buf_addc(b, ']');
}

/* The listed record behind a match: its name, where it came from, and its digests. */
static void add_record(vg_buf *b, const vigil_match *m)
{
    vg_buf_adds(b, ",\"record\":{\"name\":");
    vg_json_strz(b, m->record_name);
    vg_buf_adds(b, ",\"source\":");
    vg_json_strz(b, m->record_source);
    if (m->record_line)
        vg_buf_addf(b, ",\"line\":%llu", (unsigned long long)m->record_line);
    else
        vg_buf_adds(b, ",\"line\":null");
    add_hex(b, "md5", m->md5, 16, m->record_mask & VIGIL_RECORD_MD5);
    add_hex(b, "sha1", m->sha1, 20, m->record_mask & VIGIL_RECORD_SHA1);
    add_hex(b, "sha256", m->sha256, 32, m->record_mask & VIGIL_RECORD_SHA256);
    add_hex(b, "pdq", m->pdq, 32, m->record_mask & VIGIL_RECORD_PDQ);
    vg_buf_addc(b, '}');
}

/* Every match, the winner first; omitted when there is none. */
static void add_matches(vg_buf *b, const vigil_item *it)
{
    if (!it->nmatches)
        return;
    vg_buf_adds(b, ",\"matches\":[");
    for (size_t i = 0; i < it->nmatches; i++) {
        const vigil_match *m = &it->matches[i];
        vg_buf_adds(b, i ? ",{\"set\":" : "{\"set\":");
        vg_json_strz(b, m->set);
        vg_buf_addf(b, ",\"version\":%d,\"kind\":\"%s\",\"category\":", m->version,
                    vigil_hashset_kind_name(m->kind));
        vg_json_strz(b, m->category);
        vg_buf_adds(b, ",\"series\":");
        vg_json_strz(b, m->series);
        vg_buf_addf(b, ",\"by\":\"%s\",\"distance\":%d,\"orientation\":", vigil_match_by_name(m->by),
                    m->distance);
        if (m->by == VIGIL_BY_PDQ)
            vg_buf_addf(b, "\"%s\"", vigil_pdq_dihedral_name(m->dihedral));
        else
            vg_buf_adds(b, "null");
        add_record(b, m);
        add_flags(b, m->flags);
        vg_buf_addc(b, '}');
    }
    vg_buf_addc(b, ']');
}

/* The disputes that took out a record this item would have matched; omitted when none. */
static void add_disputes(vg_buf *b, const vigil_item *it)
{
    if (!it->ndisputes)
        return;
    vg_buf_adds(b, ",\"disputes\":[");
    for (size_t i = 0; i < it->ndisputes; i++) {
        const vigil_dispute_applied *d = &it->disputes[i];
        vg_buf_adds(b, i ? ",{\"digest\":" : "{\"digest\":");
        vg_json_strz(b, d->digest);
        vg_buf_adds(b, ",\"set\":");
        vg_json_strz(b, d->set);
        vg_buf_adds(b, ",\"record_set\":");
        vg_json_strz(b, d->record_set);
        vg_buf_adds(b, ",\"reason\":");
        vg_json_strz(b, d->reason);
        vg_buf_adds(b, ",\"by\":");
        vg_json_strz(b, d->by);
        vg_buf_adds(b, ",\"at\":");
        vg_json_strz(b, d->at);
        vg_buf_addc(b, '}');
    }
    vg_buf_addc(b, ']');
}

static void add_match(vg_buf *b, const vigil_item *it)
{
    const vigil_match *m = &it->match;
    if (m->by == VIGIL_BY_NONE) {
        vg_buf_adds(b, ",\"match\":null");
        add_disputes(b, it);
        return;
    }
    vg_buf_adds(b, ",\"match\":{\"set\":");
    vg_json_strz(b, m->set);
    vg_buf_addf(b, ",\"by\":\"%s\",\"distance\":%d,\"category\":", vigil_match_by_name(m->by), m->distance);
    vg_json_strz(b, m->category);
    vg_buf_adds(b, ",\"series\":");
    vg_json_strz(b, m->series);
    if (m->by == VIGIL_BY_PDQ) {
        char hex[65];
        vigil_pdq_hex(hex, &it->pdq_entry);
        vg_buf_addf(b, ",\"dihedral\":\"%s\",\"entry\":\"%s\"", vigil_pdq_dihedral_name(it->pdq_dihedral), hex);
        if (it->vpdq_state == VIGIL_VPDQ_OK && it->video_frame_seconds >= 0) /* a video's frame matched */
            vg_buf_addf(b, ",\"frame_seconds\":%.3f", it->video_frame_seconds);
    }
    if (m->victim_identified) /* the list's word on the series' victim (VICS VictimIdentified) */
        vg_buf_adds(b, ",\"victim_identified\":true");
    if (m->flags) /* list hygiene: why this match is for a person to decide */
        add_flags(b, m->flags);
    vg_buf_addc(b, '}');
    add_matches(b, it);
    add_disputes(b, it);
}

int vigil_fs_time_iso(char *out, size_t cap, const vigil_fs_time *t)
{
    int n;
    if (!t->set || (n = vg_time_format(out, cap, t->sec, 1)) < 0)
        return -1;
    if (t->nsec) /* the fraction goes before the 'Z' */
        n += snprintf(out + n - 1, cap - (size_t)n + 1, ".%09uZ", (unsigned)t->nsec) - 1;
    if (t->local) /* a wall clock of an unknown zone: no 'Z' */
        out[n - 1] = '\0';
    return 0;
}

/* Disk images: where the item stands in its file system. */
static void add_image_fields(vg_buf *b, const vigil_item *it)
{
    static const char *keys[VIGIL_TIME__COUNT] = {"created", "modified", "accessed", "changed"};
    vg_buf_addf(b, ",\"allocated\":%s,\"carved\":%s", it->allocated ? "true" : "false", it->carved ? "true" : "false");
    if (it->carved)
        vg_buf_addf(b, ",\"carved_offset\":%llu", (unsigned long long)it->carved_offset);
    else
        vg_buf_adds(b, ",\"carved_offset\":null");
    if (it->has_inode)
        vg_buf_addf(b, ",\"inode\":%llu", (unsigned long long)it->inode);
    else
        vg_buf_adds(b, ",\"inode\":null");
    for (int i = 0; i < VIGIL_TIME__COUNT; i++) {
        char iso[48];
        if (vigil_fs_time_iso(iso, sizeof iso, &it->times[i]) == 0)
            vg_buf_addf(b, ",\"%s\":\"%s\"", keys[i], iso);
        else
            vg_buf_addf(b, ",\"%s\":null", keys[i]);
    }
}

/* Files on disk: the times that tell a resumed scan the file is the one already read. */
static void add_disk_times(vg_buf *b, const vigil_item *it)
{
    char iso[48];
    if (vigil_fs_time_iso(iso, sizeof iso, &it->times[VIGIL_TIME_MODIFIED]) == 0)
        vg_buf_addf(b, ",\"modified\":\"%s\"", iso);
    if (vigil_fs_time_iso(iso, sizeof iso, &it->times[VIGIL_TIME_CHANGED]) == 0)
        vg_buf_addf(b, ",\"changed\":\"%s\"", iso);
}

/* A video near a known video: which, both shares and the matching time ranges. */
static void add_video_match(vg_buf *b, const vigil_item *it)
{
    vg_buf_adds(b, ",\"video_match\":{\"known\":");
    vg_json_strz(b, it->video_known);
    vg_buf_addf(b, ",\"query_percent\":%.1f,\"known_percent\":%.1f,\"query_ranges\":", it->video_query_percent,
                it->video_known_percent);
    vg_json_strz(b, it->video_query_ranges);
    vg_buf_adds(b, ",\"known_ranges\":");
    vg_json_strz(b, it->video_known_ranges);
    vg_buf_addc(b, '}');
}

void vg_item_json(vg_buf *b, const vigil_item *it)
{
    if (it->resumed_line) { /* as the earlier scan wrote it, fields this writer does not know included */
        vg_buf_add(b, it->resumed_line, it->resumed_len);
        return;
    }
    vg_buf_adds(b, "{\"path\":");
    vg_json_str(b, it->path, it->path_len);
    vg_buf_adds(b, ",\"container\":");
    if (it->ncontainers) {
        char *c = vigil_container_string(it);
        vg_json_strz(b, c);
        free(c);
    } else {
        vg_buf_adds(b, "null");
    }
    vg_buf_addf(b, ",\"size\":%llu", (unsigned long long)it->size);
    add_hex(b, "md5", it->digests.md5, 16, it->has_digests);
    add_hex(b, "sha1", it->digests.sha1, 20, it->has_digests);
    add_hex(b, "sha256", it->digests.sha256, 32, it->has_digests);
    vg_buf_adds(b, ",\"mime\":");
    vg_json_strz(b, it->mime);
    if (it->pdq_state == VIGIL_PDQ_OK) {
        char hex[65];
        vigil_pdq_hex(hex, &it->pdq[VIGIL_PDQ_ORIG]);
        vg_buf_addf(b, ",\"pdq\":\"%s\",\"pdq_quality\":%d", hex, it->pdq_quality);
    } else {
        vg_buf_adds(b, ",\"pdq\":null,\"pdq_quality\":null");
    }
    if (it->vpdq_state == VIGIL_VPDQ_OK) { /* videos only: other items have no such field */
        vg_buf_addf(b, ",\"vpdq\":{\"frames\":%llu,\"quality_median\":%d", (unsigned long long)it->vpdq_frames,
                    it->vpdq_quality_median);
        if (it->vpdq_limit[0]) {
            vg_buf_adds(b, ",\"limit\":");
            vg_json_strz(b, it->vpdq_limit);
        }
        vg_buf_addc(b, '}');
    }
    if (it->vpdq_state == VIGIL_VPDQ_OK && it->video_known)
        add_video_match(b, it);
    vg_buf_addf(b, ",\"verdict\":\"%s\"", vigil_verdict_name(it->verdict));
    add_match(b, it);
    vg_buf_adds(b, ",\"error\":");
    vg_json_strz(b, it->error);
    if (it->verdict == VIGIL_VERDICT_ERROR && vigil_error_kind_name(it->error_kind))
        vg_buf_addf(b, ",\"error_kind\":\"%s\"", vigil_error_kind_name(it->error_kind));
    vg_buf_addf(b, ",\"type\":\"%s\"", vigil_item_type_name(it->type));
    if (it->ncontainers) {
        vg_buf_adds(b, ",\"containers\":[");
        for (size_t i = 0; i < it->ncontainers; i++) {
            if (i)
                vg_buf_addc(b, ',');
            vg_json_strz(b, it->containers[i]);
        }
        vg_buf_addc(b, ']');
    }
    if (it->in_image)
        add_image_fields(b, it);
    else
        add_disk_times(b, it);
    if (it->link_target) {
        vg_buf_adds(b, ",\"link_target\":");
        vg_json_strz(b, it->link_target);
    }
    if (!vg_utf8_valid(it->path, it->path_len)) { /* the exact bytes, for tools that drop lone surrogates */
        char *hex = malloc(it->path_len * 2 + 1);
        if (hex) {
            vg_hex_encode(hex, (const uint8_t *)it->path, it->path_len);
            vg_buf_addf(b, ",\"path_hex\":\"%s\"", hex);
            free(hex);
        }
    }
    vg_buf_addc(b, '}');
}

int vigil_jsonl_item(FILE *f, const vigil_item *it)
{
    vg_buf b;
    int rc = 0;
    vg_buf_init(&b, (size_t)1 << 24);
    vg_item_json(&b, it);
    vg_buf_addc(&b, '\n');
    if (vg_buf_failed(&b) || fwrite(b.ptr, 1, b.len, f) != b.len)
        rc = -1;
    vg_buf_dispose(&b);
    return rc;
}

static void add_verification(vg_buf *b, const vigil_image_verification *v)
{
    vg_json_strz(b, v->image);
    vg_buf_addf(b, ":{\"result\":\"%s\"", vigil_image_check_name(v->result));
    add_hex(b, "md5_stored", v->md5_stored, 16, v->has_md5);
    add_hex(b, "md5_computed", v->md5_computed, 16, v->has_md5 && v->result != VIGIL_IMAGE_UNREADABLE);
    add_hex(b, "sha1_stored", v->sha1_stored, 20, v->has_sha1);
    add_hex(b, "sha1_computed", v->sha1_computed, 20, v->has_sha1 && v->result != VIGIL_IMAGE_UNREADABLE);
    vg_buf_addf(b, ",\"media_size\":%llu,\"bytes_read\":%llu,\"checksum_errors\":%u,\"error\":",
                (unsigned long long)v->media_size, (unsigned long long)v->bytes_read, v->checksum_errors);
    vg_json_strz(b, v->error);
    vg_buf_addc(b, '}');
}

static int summary(FILE *f, const vigil_scan_stats *s, int with_sets, const vigil_hashset_info *sets,
                   size_t nsets, const char *scan_json, const vigil_run_info *run);

int vigil_jsonl_summary(FILE *f, const vigil_scan_stats *s)
{
    return summary(f, s, 0, NULL, 0, NULL, NULL);
}

int vigil_jsonl_summary_sets(FILE *f, const vigil_scan_stats *s, const vigil_hashset_info *sets, size_t nsets)
{
    return summary(f, s, 1, sets, nsets, NULL, NULL);
}

int vigil_jsonl_summary_scan(FILE *f, const vigil_scan_stats *s, const vigil_hashset_info *sets, size_t nsets,
                             const char *scan_json)
{
    return summary(f, s, 1, sets, nsets, scan_json, NULL);
}

int vigil_jsonl_summary_run(FILE *f, const vigil_scan_stats *s, const vigil_hashset_info *sets, size_t nsets,
                            const char *scan_json, const vigil_run_info *run)
{
    return summary(f, s, 1, sets, nsets, scan_json, run);
}

/* What made this output and when, as the summary's "run": what a report cites; for a scan with
 * parser workers, how many files went to them and how many needed no parser. */
static void add_run(vg_buf *b, const vigil_run_info *run, const vigil_scan_stats *s)
{
    size_t n;
    const vigil_library_version *libs = vigil_library_versions(&n);
    vg_buf_adds(b, ",\"run\":{\"vigil\":");
    vg_json_strz(b, vigil_version());
    vg_buf_adds(b, ",\"libraries\":{");
    for (size_t i = 0; i < n; i++) {
        if (i)
            vg_buf_addc(b, ',');
        vg_json_strz(b, libs[i].name);
        vg_buf_addc(b, ':');
        vg_json_strz(b, libs[i].version);
    }
    vg_buf_adds(b, "},\"command\":");
    vg_json_strz(b, run->command);
    vg_buf_adds(b, ",\"started\":");
    vg_json_strz(b, run->started_at);
    vg_buf_adds(b, ",\"ended\":");
    vg_json_strz(b, run->ended_at);
    if (s->isolated)
        vg_buf_addf(b, ",\"isolation\":{\"worker_files\":%llu,\"own_files\":%llu}",
                    (unsigned long long)s->worker_files, (unsigned long long)s->own_files);
    vg_buf_addc(b, '}');
}

/* The sets matched against, with their provenance, as the summary's "sets". */
static void add_sets(vg_buf *b, const vigil_hashset_info *sets, size_t nsets)
{
    vg_buf_adds(b, ",\"sets\":[");
    for (size_t i = 0; i < nsets; i++) {
        const vigil_hashset_info *h = &sets[i];
        vg_buf_adds(b, i ? ",{\"name\":" : "{\"name\":");
        vg_json_strz(b, h->name);
        vg_buf_addf(b, ",\"kind\":\"%s\",\"version\":%lld,\"entries\":%llu,\"pdq_entries\":%llu,\"videos\":%llu,"
                    "\"release\":", vigil_hashset_kind_name(h->kind), (long long)h->version,
                    (unsigned long long)h->entries, (unsigned long long)h->pdq_entries,
                    (unsigned long long)h->videos);
        vg_json_strz(b, h->release);
        vg_buf_adds(b, ",\"format\":");
        vg_json_strz(b, h->format);
        vg_buf_adds(b, ",\"sources\":");
        vg_json_strz(b, h->sources);
        vg_buf_adds(b, ",\"imported_at\":");
        vg_json_strz(b, h->imported_at);
        vg_buf_adds(b, ",\"imported_by\":");
        vg_json_strz(b, h->imported_by);
        vg_buf_addc(b, '}');
    }
    vg_buf_addc(b, ']');
}

static int summary(FILE *f, const vigil_scan_stats *s, int with_sets, const vigil_hashset_info *sets,
                   size_t nsets, const char *scan_json, const vigil_run_info *run)
{
    vg_buf b;
    int rc = 0, kinds = 0;
    vg_buf_init(&b, 64u << 20);
    vg_buf_addf(&b,
                "{\"summary\":{\"items\":%llu,\"illegal\":%llu,\"benign\":%llu,\"interest\":%llu,"
                "\"near\":%llu,\"unknown\":%llu,\"error\":%llu,\"bytes\":%llu,\"seconds\":%.3f,"
                "\"interrupted\":%s",
                (unsigned long long)s->items, (unsigned long long)s->by_verdict[VIGIL_VERDICT_ILLEGAL],
                (unsigned long long)s->by_verdict[VIGIL_VERDICT_BENIGN],
                (unsigned long long)s->by_verdict[VIGIL_VERDICT_INTEREST],
                (unsigned long long)s->by_verdict[VIGIL_VERDICT_NEAR],
                (unsigned long long)s->by_verdict[VIGIL_VERDICT_UNKNOWN],
                (unsigned long long)s->by_verdict[VIGIL_VERDICT_ERROR], (unsigned long long)s->bytes,
                s->seconds, s->interrupted ? "true" : "false");
    for (int k = VIGIL_ERROR_OTHER + 1; k < VIGIL_ERROR__COUNT; k++)
        kinds |= s->by_error_kind[k] != 0;
    if (kinds) { /* some error items have a kind */
        vg_buf_adds(&b, ",\"errors\":{");
        for (int k = VIGIL_ERROR_OTHER + 1; k < VIGIL_ERROR__COUNT; k++)
            vg_buf_addf(&b, "\"%s\":%llu,", vigil_error_kind_name((vigil_error_kind)k),
                        (unsigned long long)s->by_error_kind[k]);
        vg_buf_addf(&b, "\"other\":%llu}", (unsigned long long)s->by_error_kind[VIGIL_ERROR_OTHER]);
    }
    if (with_sets) /* even none: "sets":[] says that nothing was compared */
        add_sets(&b, sets, nsets);
    if (scan_json) {
        vg_buf_adds(&b, ",\"scan\":");
        vg_buf_adds(&b, scan_json);
    }
    if (run)
        add_run(&b, run, s);
    if (s->images)
        vg_buf_addf(&b, ",\"images\":%llu,\"allocated\":%llu,\"deleted\":%llu,\"carved\":%llu,"
                    "\"unallocated_bytes\":%llu,\"carve_candidates\":%llu,\"carve_rejected\":%llu",
                    (unsigned long long)s->images, (unsigned long long)s->allocated,
                    (unsigned long long)s->deleted, (unsigned long long)s->carved,
                    (unsigned long long)s->unallocated_bytes, (unsigned long long)s->carve_candidates,
                    (unsigned long long)s->carve_rejected);
    if (s->nverifications) {
        vg_buf_adds(&b, ",\"image_verification\":{");
        for (size_t i = 0; i < s->nverifications; i++) {
            if (i)
                vg_buf_addc(&b, ',');
            add_verification(&b, &s->verifications[i]);
        }
        vg_buf_addc(&b, '}');
    }
    vg_buf_adds(&b, "}}\n");
    if (vg_buf_failed(&b) || fwrite(b.ptr, 1, b.len, f) != b.len)
        rc = -1;
    vg_buf_dispose(&b);
    return rc;
}

/*
 * Readers for the exchange formats police units and hotlines share: Project
 * VIC VICS JSON (and UK CAID on top of it), INTERPOL ICSE CSV, NCMEC
 * hash-sharing XML and PhotoDNA vector lists (hashset-formats.md, sections
 * 5-8 and 10). Each streams records to a vg_hs_sink and is called through the
 * format table (formats.c); each has a detect rule for --format auto.
 *
 * Conventions every reader here keeps:
 * - sink->meta("warning", text) for what the user should know but does not
 *   stop the import (unknown VICS marker, PhotoDNA placeholder dropped).
 * - Per-record context that vg_hs_record has no field for travels as meta
 *   sent just before the first record it applies to, and again whenever it
 *   changes: "source_set" (VICS PrecategorizationSource, written by the VICS
 *   exporter; "" when a record has none after one that had) and "member"
 *   (NCMEC: "id name" of the submitting member).
 */
#ifndef VG_FORMATS_EXCHANGE_H
#define VG_FORMATS_EXCHANGE_H
#include <stddef.h>
#include <stdint.h>
#include "formats/record.h"

/* Input is fed to the parsers in blocks of this size: memory does not grow with the file. */
#define VG_HS_CHUNK (64 * 1024)

/*
 * VICS 1.1-1.3 and 2.0 (every profile), #Media and #Cases. Places are JSON
 * paths ("value[3].Media[1]"); a syntax error or a truncated document fails
 * the file with its byte offset. UTF-8 BOM skipped, UTF-16 (FF FE / FE FF)
 * transcoded. Categories get labels from the Project VIC scheme (US, Default,
 * 1.x) or from o->category_map when one is given.
 */
int vg_hs_read_vics(int fd, const char *path, const vg_hs_read_opts *o, const vg_hs_sink *sink,
                    vigil_error *err);
/* CAID: VICS with the UK profile; o->category_map is required (the codes are not public). */
int vg_hs_read_caid(int fd, const char *path, const vg_hs_read_opts *o, const vg_hs_sink *sink,
                    vigil_error *err);
/* INTERPOL ICSE ';'-separated export with a header row; places are "line N". */
int vg_hs_read_icse(int fd, const char *path, const vg_hs_read_opts *o, const vg_hs_sink *sink,
                    vigil_error *err);
/* NCMEC hash-sharing v2 XML result; deletedImage/deletedVideo become records with retract = 1. */
int vg_hs_read_ncmec(int fd, const char *path, const vg_hs_read_opts *o, const vg_hs_sink *sink,
                     vigil_error *err);
/* "id,base64[,hex]" PhotoDNA vector lists; when both encodings are given they must agree. */
int vg_hs_read_photodna(int fd, const char *path, const vg_hs_read_opts *o, const vg_hs_sink *sink,
                        vigil_error *err);

/* Detection rules (hashset-formats.md, section 2); head has any UTF-8 BOM removed. */
int vg_hs_detect_vics(const uint8_t *head, size_t n);   /* VICS 1.x, or 2.0 with a profile other than UK */
int vg_hs_detect_caid(const uint8_t *head, size_t n);   /* VICS 2.0 UK profile */
int vg_hs_detect_icse(const uint8_t *head, size_t n);
int vg_hs_detect_ncmec(const uint8_t *head, size_t n);
int vg_hs_detect_photodna(const uint8_t *head, size_t n);

/* Case-insensitive search for needle in p[0..n). */
const uint8_t *vg_hs_find_nocase(const uint8_t *p, size_t n, const char *needle);

#endif

/*
 * NIST NSRL readers: RDSv3 (SQLite database of the minimal or full layout, a
 * delta script, or the CSV export) and RDS 2.x NSRLFile.txt, with the rules
 * that recognise them (hashset-formats.md, sections 2 to 4).
 */
#ifndef VG_FORMATS_READ_NSRL_H
#define VG_FORMATS_READ_NSRL_H
#include <stddef.h>
#include <stdint.h>

#include "formats/record.h"

int vg_hs_read_nsrl3(int fd, const char *path, const vg_hs_read_opts *o, const vg_hs_sink *sink,
                     vigil_error *err);
int vg_hs_detect_nsrl3(const uint8_t *head, size_t n);

int vg_hs_read_nsrl2(int fd, const char *path, const vg_hs_read_opts *o, const vg_hs_sink *sink,
                     vigil_error *err);
int vg_hs_detect_nsrl2(const uint8_t *head, size_t n);

#endif

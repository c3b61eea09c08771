/*
 * Lists written by older forensic suites: HashKeeper CSV and EnCase legacy
 * binary .hash files (hashset-formats.md, section 9).
 */
#ifndef VG_FORMATS_READ_FORENSIC_H
#define VG_FORMATS_READ_FORENSIC_H
#include <stddef.h>
#include <stdint.h>

#include "formats/record.h"

int vg_hs_read_hashkeeper(int fd, const char *path, const vg_hs_read_opts *o, const vg_hs_sink *sink,
                          vigil_error *err);
int vg_hs_detect_hashkeeper(const uint8_t *head, size_t n);

int vg_hs_read_encase(int fd, const char *path, const vg_hs_read_opts *o, const vg_hs_sink *sink,
                      vigil_error *err);
int vg_hs_detect_encase(const uint8_t *head, size_t n);

#endif

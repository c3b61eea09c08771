/*
 * Which files need a third-party parser. Isolation exists for the libraries
 * that parse seized bytes (libarchive, libmagic, the picture and video decoders, the
 * disk-image libraries); digests and vigil's own sniffers only read them. A
 * file whose head shows nothing any parser would open is read in the scanning
 * process and costs no worker round trip; everything else goes to a worker.
 */
#ifndef VG_SCAN_PARSE_NEED_H
#define VG_SCAN_PARSE_NEED_H
#include <stddef.h>
#include <stdint.h>
#include "vigil/scan.h"

/* 1 when a scan with options o would hand the file on fd (size bytes, starting with head, n bytes:
 * VG_SNIFF_BYTES, or the whole file when shorter) to a parser: libmagic to name its type, a picture
 * decoder, FFmpeg (a video, with vPDQ on), libarchive (an archive, compressed stream or self-extractor), or the disk-image readers
 * (a disk or container signature). Decided by vigil's own checks on the bytes; reads at most the
 * file's last bytes and, for a program, where an appended archive would be. */
int vg_needs_parser(const vigil_scan_opts *o, const uint8_t *head, size_t n, int fd, uint64_t size);

#endif

/*
 * Type sniffing from a file's first bytes: the MIME type from libmagic and
 * whether the bytes start a container vigil opens (archives, compressed
 * streams, ISO 9660). A vg_sniffer is owned by one thread.
 */
#ifndef VG_MEDIA_SNIFF_H
#define VG_MEDIA_SNIFF_H
#include <stddef.h>
#include <stdint.h>
#include "vigil/error.h"

/* How many leading bytes sniffing looks at (ISO 9660 needs 32 KiB + 6). */
#define VG_SNIFF_BYTES (64 * 1024)

typedef struct vg_sniffer vg_sniffer;

int vg_sniffer_new(vg_sniffer **out, vigil_error *err);
void vg_sniffer_free(vg_sniffer *s);
/*
 * Who named a type: vigil's signature table (and empty files), its text
 * classifier, its binary fallback (data matching no signature), or libmagic.
 */
typedef enum vg_sniff_by { VG_SNIFF_BY_TABLE, VG_SNIFF_BY_TEXT, VG_SNIFF_BY_DATA, VG_SNIFF_BY_MAGIC } vg_sniff_by;

/* MIME type of the head bytes into out (cap bytes); "application/octet-stream" if unsure. */
vg_sniff_by vg_sniff_mime(vg_sniffer *s, const void *head, size_t n, char *out, size_t cap);
/* The two halves of vg_sniff_mime. vigil's own sniffers: 1 with the type in out and *by saying
 * which, 0 when only libmagic can name it (out untouched). Needs no sniffer: a pure function of
 * the bytes, safe where no parser may run. */
int vg_sniff_mime_own(const void *head, size_t n, char *out, size_t cap, vg_sniff_by *by);
/* libmagic's answer, for what vg_sniff_mime_own left. */
void vg_sniff_mime_magic(vg_sniffer *s, const void *head, size_t n, char *out, size_t cap);
/* 1 if head starts an archive or compressed stream that libarchive should open. */
int vg_sniff_is_container(const uint8_t *head, size_t n);
/* 1 for a xar archive: a container whose reader can loop forever, opened only where a timeout ends it. */
int vg_sniff_is_xar(const uint8_t *head, size_t n);

#endif

/* Shared between the RDSv3 reader's files: the database stream, the delta, the CSV export. */
#ifndef VG_FORMATS_READ_NSRL3_INT_H
#define VG_FORMATS_READ_NSRL3_INT_H
#include <sqlite3.h>

#include "formats/record.h"

/* Records of an open RDSv3 database (either layout) to the sink; meta from VERSION. */
int vg_nsrl3_stream(sqlite3 *db, const char *label, const vg_hs_sink *sink, vigil_error *err);

/*
 * Apply the delta script open at fd (path: to find a published dbhash beside
 * it; may be NULL) to a scratch copy of base, then stream the result.
 */
int vg_nsrl3_read_delta(int fd, const char *path, const char *label, const char *base, const vg_hs_sink *sink,
                        vigil_error *err);

/* The CSV export "sha256,sha1,md5,crc32,file_name,file_size,package_id". */
int vg_nsrl3_read_csv(int fd, const char *label, const vg_hs_sink *sink, vigil_error *err);

/* SQLite's dbhash of db (40 lower-case hex digits and a NUL). read_nsrl3_dbhash.c. */
int vg_nsrl3_dbhash(char out[41], sqlite3 *db, const char *label, vigil_error *err);

/* 1 if the head is the CSV export's header line / a delta script. */
int vg_nsrl3_is_csv_header(const uint8_t *p, size_t n);
int vg_nsrl3_is_delta(const uint8_t *p, size_t n);

#endif

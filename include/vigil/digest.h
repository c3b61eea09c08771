/*
 * MD5, SHA-1 and SHA-256 of one byte stream in a single pass (OpenSSL EVP).
 * A vigil_digester belongs to one thread at a time; make one per reader.
 */
#ifndef VIGIL_DIGEST_H
#define VIGIL_DIGEST_H
#include <stddef.h>
#include <stdint.h>
#include "vigil/error.h"

typedef struct vigil_digests {
    uint8_t md5[16];
    uint8_t sha1[20];
    uint8_t sha256[32];
} vigil_digests;

typedef struct vigil_digester vigil_digester;

/* On success *out is a new digester owned by the caller, ready for update. VIGIL_ENOMEM, or
 * VIGIL_EINTERNAL when OpenSSL lacks an algorithm or fails to start. */
int vigil_digester_new(vigil_digester **out, vigil_error *err);
/* Start a new stream (also done by final). This and the next two return 0 or VIGIL_EINTERNAL
 * (OpenSSL failed) and take no vigil_error. */
int vigil_digester_reset(vigil_digester *d);
/* Feed n bytes to all three digests. */
int vigil_digester_update(vigil_digester *d, const void *p, size_t n);
/* Finish the stream into *out and reset for the next one. */
int vigil_digester_final(vigil_digester *d, vigil_digests *out);
void vigil_digester_free(vigil_digester *d);

/* One-shot digests of a buffer: VIGIL_ENOMEM or VIGIL_EINTERNAL as above. */
int vigil_digest_buffer(vigil_digests *out, const void *p, size_t n, vigil_error *err);

/* Lower-case hex of n bytes into out (2*n+1 bytes with the NUL). */
void vigil_hex(char *out, const uint8_t *p, size_t n);

#endif

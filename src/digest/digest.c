/*
 * One read pass, three digests. Input is fed in slices small enough to stay in
 * the CPU cache while MD5, SHA-1 and SHA-256 each walk over it, so memory is
 * read once however large the caller's buffer is.
 */
#include <pthread.h>
#include <stdlib.h>

#include <openssl/evp.h>

#include "vigil/digest.h"

#define SLICE (128 * 1024)

enum { ALG_MD5, ALG_SHA1, ALG_SHA256, ALG_N };

struct vigil_digester {
    EVP_MD_CTX *ctx[ALG_N];
};

static EVP_MD *algs[ALG_N];
static pthread_once_t algs_once = PTHREAD_ONCE_INIT;

/* Fetch the implementations once: an implicit fetch on every init costs a lookup per file. */
static void fetch_algs(void)
{
    static const char *names[ALG_N] = {"MD5", "SHA1", "SHA256"};
    for (int i = 0; i < ALG_N; i++)
        algs[i] = EVP_MD_fetch(NULL, names[i], NULL);
}

int vigil_digester_new(vigil_digester **out, vigil_error *err)
{
    vigil_digester *d;
    *out = NULL;
    pthread_once(&algs_once, fetch_algs);
    for (int i = 0; i < ALG_N; i++)
        if (!algs[i])
            return vigil_error_set(err, VIGIL_EINTERNAL, "digest: OpenSSL lacks MD5, SHA-1 or SHA-256");
    d = calloc(1, sizeof *d);
    if (!d)
        return vigil_error_set(err, VIGIL_ENOMEM, "digest: out of memory");
    for (int i = 0; i < ALG_N; i++) {
        d->ctx[i] = EVP_MD_CTX_new();
        if (!d->ctx[i]) {
            vigil_digester_free(d);
            return vigil_error_set(err, VIGIL_ENOMEM, "digest: out of memory");
        }
    }
    if (vigil_digester_reset(d) < 0) {
        vigil_digester_free(d);
        return vigil_error_set(err, VIGIL_EINTERNAL, "digest: initialisation failed");
    }
    *out = d;
    return 0;
}

int vigil_digester_reset(vigil_digester *d)
{
    for (int i = 0; i < ALG_N; i++)
        if (EVP_DigestInit_ex2(d->ctx[i], algs[i], NULL) != 1)
            return VIGIL_EINTERNAL;
    return 0;
}

int vigil_digester_update(vigil_digester *d, const void *p, size_t n)
{
    const unsigned char *u = p;
    while (n > 0) {
        size_t k = n < SLICE ? n : SLICE;
        for (int i = 0; i < ALG_N; i++)
            if (EVP_DigestUpdate(d->ctx[i], u, k) != 1)
                return VIGIL_EINTERNAL;
        u += k;
        n -= k;
    }
    return 0;
}

int vigil_digester_final(vigil_digester *d, vigil_digests *out)
{
    unsigned char *dst[ALG_N] = {out->md5, out->sha1, out->sha256};
    for (int i = 0; i < ALG_N; i++)
        if (EVP_DigestFinal_ex(d->ctx[i], dst[i], NULL) != 1)
            return VIGIL_EINTERNAL;
    return vigil_digester_reset(d);
}

void vigil_digester_free(vigil_digester *d)
{
    if (!d)
        return;
    for (int i = 0; i < ALG_N; i++)
        EVP_MD_CTX_free(d->ctx[i]);
    free(d);
}

int vigil_digest_buffer(vigil_digests *out, const void *p, size_t n, vigil_error *err)
{
    vigil_digester *d;
    int rc = vigil_digester_new(&d, err);
    if (rc < 0)
        return rc;
    rc = vigil_digester_update(d, p, n);
    if (rc == 0)
        rc = vigil_digester_final(d, out);
    vigil_digester_free(d);
    if (rc < 0)
        return vigil_error_set(err, VIGIL_EINTERNAL, "digest: OpenSSL failure");
    return 0;
}

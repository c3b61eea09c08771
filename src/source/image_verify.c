/* EWF self-check: read all media through libewf, hash it, compare with the stored hashes. */
#include <fcntl.h>
#include <libewf.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/hex.h"
#include "source/image_verify.h"

#define CHUNK (1024 * 1024)

static void ewf_why(vg_image_check *out, const char *what, libewf_error_t *e)
{
    char msg[200] = "";
    if (e) {
        libewf_error_sprint(e, msg, sizeof msg);
        libewf_error_free(&e);
    }
    for (char *p = msg; *p; p++)
        if (*p == '\n')
            *p = ' ';
    snprintf(out->why, sizeof out->why, "%s: %s", what, msg[0] ? msg : "unknown error");
}

static void stored_hashes(vg_image_check *out, libewf_handle_t *h)
{
    uint8_t hex[64];
    libewf_error_t *e = NULL;
    out->has_md5 = libewf_handle_get_md5_hash(h, out->md5_stored, 16, &e) == 1;
    if (e)
        libewf_error_free(&e);
    if (libewf_handle_get_utf8_hash_value(h, (const uint8_t *)"SHA1", 4, hex, sizeof hex, &e) == 1 &&
        strlen((char *)hex) == 40)
        out->has_sha1 = vg_hex_decode(out->sha1_stored, (const char *)hex, 20) == 0;
    if (e)
        libewf_error_free(&e);
}

/* Read the media to its end; 0, or -1 with why. */
static int hash_media(vg_image_check *out, libewf_handle_t *h, volatile sig_atomic_t *stop)
{
    EVP_MD_CTX *md5 = EVP_MD_CTX_new(), *sha1 = EVP_MD_CTX_new();
    uint8_t *buf = malloc(CHUNK);
    libewf_error_t *e = NULL;
    int rc = 0;
    if (!md5 || !sha1 || !buf || !EVP_DigestInit_ex(md5, EVP_md5(), NULL) ||
        !EVP_DigestInit_ex(sha1, EVP_sha1(), NULL)) {
        snprintf(out->why, sizeof out->why, "out of memory");
        rc = -1;
        goto done;
    }
    while (out->bytes_read < out->media_size) {
        size_t want = out->media_size - out->bytes_read < CHUNK ? (size_t)(out->media_size - out->bytes_read) : CHUNK;
        ssize_t n = libewf_handle_read_buffer(h, buf, want, &e);
        if (n <= 0) {
            char what[96];
            snprintf(what, sizeof what, "media unreadable at byte %llu", (unsigned long long)out->bytes_read);
            ewf_why(out, what, e);
            e = NULL;
            rc = -1;
            break;
        }
        EVP_DigestUpdate(md5, buf, (size_t)n);
        EVP_DigestUpdate(sha1, buf, (size_t)n);
        out->bytes_read += (uint64_t)n;
        if (stop && __atomic_load_n(stop, __ATOMIC_RELAXED)) {
            snprintf(out->why, sizeof out->why, "interrupted");
            rc = -1;
            break;
        }
    }
    if (rc == 0) {
        EVP_DigestFinal_ex(md5, out->md5_computed, NULL);
        EVP_DigestFinal_ex(sha1, out->sha1_computed, NULL);
    }
done:
    EVP_MD_CTX_free(md5);
    EVP_MD_CTX_free(sha1);
    free(buf);
    return rc;
}

int vg_image_verify(vg_image_check *out, const char *path, volatile sig_atomic_t *stop)
{
    libewf_handle_t *h = NULL;
    libewf_error_t *e = NULL;
    char **names = NULL;
    int nnames = 0, rc = -1;
    size64_t size = 0;
    uint32_t crc_errors = 0;
    memset(out, 0, sizeof *out);
    if (libewf_glob(path, strlen(path), LIBEWF_FORMAT_UNKNOWN, &names, &nnames, &e) != 1) {
        ewf_why(out, "cannot find the segment files", e);
        return -1;
    }
    if (libewf_handle_initialize(&h, &e) != 1 || libewf_handle_open(h, names, nnames, LIBEWF_OPEN_READ, &e) != 1) {
        ewf_why(out, "cannot open the EWF image", e);
        goto done;
    }
    /* A chunk whose checksum fails reads as zeros and is counted, so the rest is still hashed. */
    libewf_handle_set_read_zero_chunk_on_error(h, 1, NULL);
    if (libewf_handle_get_media_size(h, &size, &e) != 1) {
        ewf_why(out, "cannot read the media size", e);
        goto done;
    }
    out->media_size = size;
    stored_hashes(out, h);
    rc = 0;
    if (hash_media(out, h, stop) < 0)
        out->read_failed = 1;
    if (libewf_handle_get_number_of_checksum_errors(h, &crc_errors, NULL) == 1)
        out->checksum_errors = crc_errors;
done:
    if (h) {
        libewf_handle_close(h, NULL);
        libewf_handle_free(&h, NULL);
    }
    libewf_glob_free(names, nnames, NULL);
    return rc;
}

/* The segment number a segment file carries in its header (EWF1: bytes 9-10). */
static int segment_number(const char *path)
{
    uint8_t h[13];
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOATIME);
    ssize_t n;
    if (fd < 0)
        fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    n = pread(fd, h, sizeof h, 0);
    close(fd);
    if (n != (ssize_t)sizeof h || memcmp(h, "EVF", 3))
        return -1;
    return h[9] | h[10] << 8;
}

int vg_ewf_damaged(const char *path, char *why, size_t cap)
{
    libewf_handle_t *h = NULL;
    libewf_error_t *e = NULL;
    char **names = NULL;
    int nnames = 0, damaged = 0, seg = segment_number(path);
    if (seg > 1) {
        snprintf(why, cap, "not the first segment of its set (segment %d): name the first one (.E01)", seg);
        return 1;
    }
    if (libewf_glob(path, strlen(path), LIBEWF_FORMAT_UNKNOWN, &names, &nnames, &e) != 1) {
        if (e)
            libewf_error_free(&e);
        return 0; /* not for us to judge: TSK's own open says what is wrong */
    }
    if (libewf_handle_initialize(&h, NULL) == 1 && libewf_handle_open(h, names, nnames, LIBEWF_OPEN_READ, NULL) == 1 &&
        libewf_handle_segment_files_corrupted(h, NULL) == 1) {
        snprintf(why, cap, "EWF segment files incomplete or damaged: %d segment(s) found in sequence, the last "
                 "does not end the set (a segment file missing or cut short?); missing data reads as zeros", nnames);
        damaged = 1;
    }
    if (h) {
        libewf_handle_close(h, NULL);
        libewf_handle_free(&h, NULL);
    }
    libewf_glob_free(names, nnames, NULL);
    return damaged;
}

/*
 * Image decoding for perceptual hashing: JPEG, PNG, WebP, GIF (first frame),
 * BMP, TIFF and HEIF, from memory, into 8-bit grey or RGB samples exactly as
 * docs/pdq.md section 2 prescribes. Decoding is pure: no shared state, so any
 * number of threads may decode at once, each into its own vigil_image.
 */
#ifndef VIGIL_IMAGE_H
#define VIGIL_IMAGE_H
#include <stddef.h>
#include <stdint.h>
#include "vigil/error.h"

typedef enum {
    VIGIL_IMAGE_NONE = 0,   /* not an image format vigil decodes */
    VIGIL_IMAGE_JPEG,
    VIGIL_IMAGE_PNG,
    VIGIL_IMAGE_WEBP,
    VIGIL_IMAGE_GIF,
    VIGIL_IMAGE_BMP,
    VIGIL_IMAGE_TIFF,
    VIGIL_IMAGE_HEIF,
} vigil_image_format;

/*
 * Why a decode failed, as far as the decoder tells (vigil_image.failure after an error): the
 * picture's own fault (malformed, cut short, a variant no decoder here implements) or not (out of
 * memory, over the pixel limit, not a format vigil decodes).
 */
typedef enum {
    VIGIL_IMAGE_FAIL_OTHER = 0,    /* not the picture's fault, or not known */
    VIGIL_IMAGE_FAIL_CORRUPT,      /* data the decoder rejects as malformed (a bad checksum, a bad marker) */
    VIGIL_IMAGE_FAIL_TRUNCATED,    /* the bytes end before the picture does */
    VIGIL_IMAGE_FAIL_UNSUPPORTED,  /* a real variant of the format that the decoder does not implement */
} vigil_image_failure;

/* Default refusal threshold for decompression bombs: 100 megapixels. */
#define VIGIL_IMAGE_MAX_PIXELS_DEFAULT (100ULL * 1000 * 1000)

typedef struct vigil_decode_opts {
    uint64_t max_pixels;   /* refuse (from the header, before allocating) above this; 0 = default */
    int full_size;         /* keep every pixel; default 0 applies the PDQ 512 rule while decoding */
    /*
     * 1: a JPEG whose short side is 1024 or more decodes at 1/2, 1/4 or 1/8 scale in the DCT domain
     * (the smallest that keeps the short side at least 512) before the 512 rule, several times
     * faster; its PDQ hash lands near, not on, the reference's. 0 (default): the reference's full
     * decode. Ignored with full_size.
     */
    int dct_scale;
} vigil_decode_opts;

/*
 * A decoded picture. By default it is already size-normalised for PDQ: a
 * picture wider or taller than 512 is reduced by nearest neighbour to exactly
 * 512 x 512 as the rows stream out of the decoder, so memory stays bounded
 * whatever the file says. channels is 1 when the picture is grey by content
 * (one-channel files, and colour files whose every pixel has R = G = B).
 */
typedef struct vigil_image {
    vigil_image_format format;
    uint32_t src_width, src_height;   /* as stored in the file */
    uint32_t width, height;           /* of pixels */
    unsigned channels;                /* 1 grey or 3 RGB, interleaved */
    uint8_t *pixels;                  /* width * height * channels, row-major; owned */
    size_t pixels_cap;                /* bytes allocated at pixels (vigil_image_decode_reuse grows it) */
    /* After a failed decode: why, and the bytes of the file the decoder had read when it failed
       (for a truncated file, where its bytes end); -1 where the decoder does not say. */
    vigil_image_failure failure;
    int64_t failure_offset;
} vigil_image;

const char *vigil_image_format_name(vigil_image_format f);
/* "corrupt", "truncated", "unsupported"; NULL for VIGIL_IMAGE_FAIL_OTHER. */
const char *vigil_image_failure_name(vigil_image_failure f);
/* The format the first bytes announce (magic numbers, never the file name). */
vigil_image_format vigil_image_sniff(const void *head, size_t n);

/*
 * Decode the image held in data[0..n). On success *out holds pixels owned by
 * the caller (release with vigil_image_dispose). VIGIL_EINPUT with "format:
 * why" when the bytes are not a supported image, are corrupt, or promise more
 * pixels than the limit; *out is then empty. opts may be NULL. Also VIGIL_ENOMEM
 * for the pixels, VIGIL_EINTERNAL for a decoder that hands back an unknown layout.
 */
int vigil_image_decode(vigil_image *out, const void *data, size_t n, const vigil_decode_opts *opts,
                       vigil_error *err);
/*
 * As vigil_image_decode, into a picture that keeps its pixel buffer from one
 * decode to the next (grown when a picture needs more, never shrunk), so a
 * thread decoding many pictures allocates once. img must be zeroed before
 * its first use and released with vigil_image_dispose; after an error it
 * holds no picture but keeps its buffer.
 */
int vigil_image_decode_reuse(vigil_image *img, const void *data, size_t n, const vigil_decode_opts *opts,
                             vigil_error *err);
/*
 * As vigil_image_decode_reuse, for a JPEG in the open file fd, read from its
 * start with pread a block at a time instead of from memory: the decoder's
 * whole-picture buffers (a progressive JPEG's coefficients) are then not held
 * beside the file's bytes. The same pixels as a decode of the bytes in memory.
 */
int vigil_image_decode_jpeg_fd_reuse(vigil_image *img, int fd, const vigil_decode_opts *opts, vigil_error *err);
/* Read path and decode it; errors name the file. As above, and VIGIL_EINPUT when path cannot be
 * opened or read or is not a regular file. */
int vigil_image_decode_file(vigil_image *out, const char *path, const vigil_decode_opts *opts,
                            vigil_error *err);
void vigil_image_dispose(vigil_image *img);

#endif

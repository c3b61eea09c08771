/*
 * The LUKS 2 on-disk header: two copies of a binary header, each followed by
 * its JSON metadata (keyslots, digests, segments, config), each with a
 * checksum over both. vg_luks2_read takes the valid copy with the higher
 * sequence number and checks every offset, size and count it will later use
 * against the volume and vigil's caps, so the unlock code can trust it.
 */
#ifndef VG_SOURCE_LUKS2_HEADER_H
#define VG_SOURCE_LUKS2_HEADER_H
#include <stddef.h>
#include <stdint.h>

#define VG_LUKS2_MAX_KEYSLOTS 32  /* cryptsetup's own limit */
#define VG_LUKS2_MAX_DIGESTS 8
#define VG_LUKS2_MAX_KEY 64       /* bytes of a volume or keyslot key: 512 bits, AES-256-XTS */
#define VG_LUKS2_MAX_SALT 64
/* Key derivation a hostile header could make ruinous: past these a keyslot is not tried. cryptsetup
 * itself writes at most 1 GiB of Argon2 memory and 4 threads by default. */
#define VG_LUKS2_MAX_PBKDF2_ITER 50000000u
#define VG_LUKS2_MAX_ARGON2_KIB (1024u * 1024u)
#define VG_LUKS2_MAX_ARGON2_TIME 100u
#define VG_LUKS2_MAX_ARGON2_LANES 16u
#define VG_LUKS2_MAX_STRIPES 65536u

typedef enum { VG_LUKS2_PBKDF2, VG_LUKS2_ARGON2I, VG_LUKS2_ARGON2ID } vg_luks2_kdf_type;

typedef struct vg_luks2_kdf {
    vg_luks2_kdf_type type;
    char hash[16];             /* PBKDF2 */
    uint32_t iterations;       /* PBKDF2 iterations, or Argon2 time cost */
    uint32_t memory_kib, lanes; /* Argon2 */
    uint8_t salt[VG_LUKS2_MAX_SALT];
    size_t salt_len;
} vg_luks2_kdf;

typedef struct vg_luks2_keyslot {
    unsigned id;
    size_t key_size;             /* bytes of the volume key it holds */
    uint64_t area_offset, area_size; /* from the volume's start */
    char area_cipher[64];        /* "aes-xts-plain64" */
    size_t area_key_size;
    uint32_t stripes;            /* anti-forensic split */
    char af_hash[16];
    vg_luks2_kdf kdf;
    char skip[128];              /* non-empty: why this keyslot is not tried (its KDF over the caps...) */
} vg_luks2_keyslot;

typedef struct vg_luks2_digest {
    char hash[16];
    uint32_t iterations;
    uint8_t salt[VG_LUKS2_MAX_SALT], digest[64];
    size_t salt_len, digest_len;
    uint32_t keyslots;           /* bit i: keyslot i */
    int data;                    /* covers the data segment */
} vg_luks2_digest;

typedef struct vg_luks2 {
    uint64_t seqid, hdr_size;
    int secondary;               /* the copy used: 0 primary, 1 secondary */
    char bad_copy[128];          /* the other copy's fault, when only one was valid */
    vg_luks2_keyslot keyslots[VG_LUKS2_MAX_KEYSLOTS];
    size_t nkeyslots;
    vg_luks2_digest digests[VG_LUKS2_MAX_DIGESTS];
    size_t ndigests;
    /* the data segment */
    uint64_t data_offset, data_size; /* size already resolved when "dynamic" */
    uint64_t iv_tweak;
    char data_cipher[64];
    uint32_t sector_size;
} vg_luks2;

/* Reads len bytes at off of the volume into buf; 0 when all were read. */
typedef int (*vg_luks2_read_fn)(void *ctx, uint64_t off, void *buf, size_t len);

typedef enum {
    VG_LUKS2_OK = 0,
    VG_LUKS2_CORRUPT,     /* neither header copy is valid: why names both faults */
    VG_LUKS2_UNSUPPORTED, /* valid, but not readable by vigil (reencryption, integrity...): why says what */
} vg_luks2_status;

/* The header of the LUKS 2 volume of vol_len bytes that rd reads; why set unless VG_LUKS2_OK. */
vg_luks2_status vg_luks2_read(vg_luks2 *h, vg_luks2_read_fn rd, void *ctx, uint64_t vol_len, char *why, size_t cap);

/* The JSON metadata alone (json_len bytes, NUL padding allowed) into h, for a volume of vol_len
 * bytes whose header copies take hdr_size bytes each. Used by vg_luks2_read. */
vg_luks2_status vg_luks2_parse_json(vg_luks2 *h, const char *json, size_t json_len, uint64_t hdr_size,
                                    uint64_t vol_len, char *why, size_t cap);

#endif

/*
 * PhotoDNA vectors as hash lists carry them (hashset-formats.md, section 10).
 * PhotoDNA is a licensed perceptual hash whose algorithm is not public: vigil
 * never computes it. It only stores vectors that arrive in a set and compares
 * them with vectors a licensed tool computed elsewhere. Suggested CLI wording:
 * "vigil stores and compares PhotoDNA vectors found in hash sets; it does not
 * compute PhotoDNA (a licensed algorithm); it computes PDQ itself."
 *
 * A vector is 144 unsigned bytes, written as base64 (192 characters), hex (288)
 * or 144 comma-separated decimals. Functions here are pure and thread-safe,
 * except a vg_pdna_repeats, which belongs to one reader.
 */
#ifndef VG_FORMATS_PHOTODNA_H
#define VG_FORMATS_PHOTODNA_H
#include <stddef.h>
#include <stdint.h>
#include "formats/record.h"

#define VG_PHOTODNA_BASE64_CHARS 192
#define VG_PHOTODNA_HEX_CHARS 288

/*
 * Decode s[0..n) (surrounding blanks ignored) into out: a list with a comma is
 * decimals, 288 hex digits are hex, anything else must be base64. Returns 0, or
 * -1 with a short reason in why ("decodes to 120 bytes, not 144").
 */
int vg_photodna_decode(uint8_t out[VG_PHOTODNA_BYTES], const char *s, size_t n, char *why, size_t whycap);
/* The same with the encoding fixed. */
int vg_photodna_from_base64(uint8_t out[VG_PHOTODNA_BYTES], const char *s, size_t n, char *why, size_t whycap);
int vg_photodna_from_hex(uint8_t out[VG_PHOTODNA_BYTES], const char *s, size_t n, char *why, size_t whycap);
int vg_photodna_from_decimals(uint8_t out[VG_PHOTODNA_BYTES], const char *s, size_t n, char *why,
                              size_t whycap);

/* Write the 192 base64 characters and a NUL into out. */
void vg_photodna_to_base64(char out[VG_PHOTODNA_BASE64_CHARS + 1], const uint8_t v[VG_PHOTODNA_BYTES]);

/*
 * Sum of squared byte differences: what open tools compare against a squared
 * threshold. The threshold is the licence holder's policy, not vigil's.
 */
uint32_t vg_photodna_sq_distance(const uint8_t a[VG_PHOTODNA_BYTES], const uint8_t b[VG_PHOTODNA_BYTES]);

/*
 * Placeholder detection: some exporters copy one PhotoDNA value onto every
 * record. A reader keeps a small bounded table of recent vectors and the
 * digest of the first record that carried each; once a vector has been seen
 * on VG_PDNA_REPEAT_MAX further records with other digests, it is treated as
 * a placeholder and dropped from every later record.
 */
#define VG_PDNA_REPEAT_SLOTS 16
#define VG_PDNA_REPEAT_MAX 4

typedef struct vg_pdna_repeats {
    struct {
        uint8_t v[VG_PHOTODNA_BYTES];
        uint8_t key[20];       /* MD5 or SHA-1 of the first record with this vector */
        uint32_t others;       /* later records with another digest */
        uint64_t used;         /* for replacing the least recently used slot */
        int live;
    } slot[VG_PDNA_REPEAT_SLOTS];
    uint64_t tick;
    uint64_t dropped;          /* vectors removed from records as placeholders */
} vg_pdna_repeats;

void vg_pdna_repeats_init(vg_pdna_repeats *t);
/*
 * Check the vector of r (which has_photodna) against the table. Returns 0 to
 * keep it, 1 to drop it (a placeholder), 2 to drop it and say so: the first
 * drop of this vector.
 */
int vg_pdna_repeats_check(vg_pdna_repeats *t, const vg_hs_record *r);

#endif

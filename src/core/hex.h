/* Hex encoding and strict decoding of digests (hex only at the edges). */
#ifndef VG_CORE_HEX_H
#define VG_CORE_HEX_H
#include <stddef.h>
#include <stdint.h>

/* Write 2*n lower-case hex chars and a NUL into out (size >= 2*n+1). */
void vg_hex_encode(char *out, const uint8_t *p, size_t n);

/* Decode exactly 2*n hex chars (any case) from s into out; 0 or -1 on a bad char. */
int vg_hex_decode(uint8_t *out, const char *s, size_t n);

/* 1 if every one of the n chars is a hex digit. */
int vg_is_hex(const char *s, size_t n);
/* Value of each byte as a hex digit, 0xff when it is none (for loops that test one character). */
extern const uint8_t vg_hex_table[256];
static inline int vg_is_hex_char(char c)
{
    return vg_hex_table[(unsigned char)c] != 0xff;
}

#endif

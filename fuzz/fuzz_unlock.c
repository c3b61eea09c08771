/*
 * Fuzz target: an encrypted volume in memory opened with the key "fuzz", as
 * LUKS (libluksde for LUKS 1, vigil's own reader for LUKS 2) and as BitLocker
 * (libbde), then its plaintext read in blocks as a file system would. The
 * LUKS 1 and LUKS 2 seeds (AES-XTS, PBKDF2) were made with that key, so inputs
 * reach the decryption as well as the header parsers.
 */
#include <stdint.h>
#include <stdlib.h>

#include "source/image_int.h"
#include "source/volume_unlock.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_READ (1u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const keys[] = {"fuzz", "111111-222222-333333-444444-555555-666666-777777-888888"};
    static const vg_crypt_kind kinds[] = {VG_CRYPT_LUKS, VG_CRYPT_BITLOCKER};
    static char buf[65536];
    char why[256];
    vigil_error_kind error;
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        TSK_IMG_INFO *img = vg_image_open_mem_img(data, size), *in;
        if (!img)
            return 0;
        if ((in = vg_volume_unlock(img, 0, size, kinds[k], keys, 2, &error, why, sizeof why)) != NULL) {
            for (TSK_OFF_T off = 0; off < in->size && off < MAX_READ; off += (TSK_OFF_T)sizeof buf)
                if (tsk_img_read(in, off, buf, sizeof buf) < 0)
                    break;
            tsk_img_close(in);
        }
        tsk_img_close(img);
    }
    return 0;
}

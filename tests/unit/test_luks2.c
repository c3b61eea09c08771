/*
 * The LUKS 2 reader on volumes built here in memory: which header copy is
 * used (checksum, sequence number, a primary without its magic), the bounds
 * and caps the JSON parser applies, the sector ciphers against OpenSSL
 * directly, the AF-merge against the LUKS specification's definition, and a
 * volume key opened from a keyslot with the right passphrase and not with a
 * wrong one. Volumes made by cryptsetup are tested in tests/e2e/scan_luks2.sh.
 */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "source/luks2_header.h"
#include "source/luks2_key.h"
#include "source/sector_cipher.h"

#define HDR 0x4000u
#define VOL (1024u * 1024u)
#define AREA_OFF 0x8000u

typedef struct mem {
    uint8_t *p;
    size_t n;
} mem;

static int mem_read(void *ctx, uint64_t off, void *buf, size_t len)
{
    const mem *m = ctx;
    if (off > m->n || m->n - off < len)
        return -1;
    memcpy(buf, m->p + off, len);
    return 0;
}

static void be64_put(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t)v;
}

/* One header copy at off with json, its checksum right. */
static void put_copy(uint8_t *vol, uint64_t off, int secondary, uint64_t seqid, const char *json)
{
    uint8_t *a = vol + off;
    unsigned n = 0;
    memset(a, 0, HDR);
    memcpy(a, secondary ? "SKUL\xba\xbe\0\2" : "LUKS\xba\xbe\0\2", 8);
    be64_put(a + 8, HDR);
    be64_put(a + 16, seqid);
    strcpy((char *)a + 72, "sha256");
    be64_put(a + 256, off);
    memcpy(a + 4096, json, strlen(json));
    assert_int_equal(EVP_Digest(a, HDR, a + 448, &n, EVP_sha256(), NULL), 1);
}

/* "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=" is "0123456789abcdef0123456789abcdef". */
#define SALT "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="

/* Metadata with one keyslot: kdf and extra JSON spliced in where the tests need. */
static char *metadata(const char *kdf, const char *segments, const char *config)
{
    char *j = malloc(4096);
    snprintf(j, 4096,
             "{\"keyslots\":{\"0\":{\"type\":\"luks2\",\"key_size\":64,"
             "\"af\":{\"type\":\"luks1\",\"stripes\":4000,\"hash\":\"sha256\"},"
             "\"area\":{\"type\":\"raw\",\"offset\":\"32768\",\"size\":\"258048\",\"encryption\":\"aes-xts-plain64\",\"key_size\":64},"
             "\"kdf\":%s}},\"tokens\":{},\"segments\":%s,"
             "\"digests\":{\"0\":{\"type\":\"pbkdf2\",\"keyslots\":[\"0\"],\"segments\":[\"0\"],\"hash\":\"sha256\","
             "\"iterations\":1000,\"salt\":\"" SALT "\",\"digest\":\"" SALT "\"}},"
             "\"config\":%s}",
             kdf ? kdf : "{\"type\":\"pbkdf2\",\"hash\":\"sha256\",\"iterations\":1000,\"salt\":\"" SALT "\"}",
             segments ? segments
                      : "{\"0\":{\"type\":\"crypt\",\"offset\":\"524288\",\"size\":\"dynamic\",\"iv_tweak\":\"0\","
                        "\"encryption\":\"aes-xts-plain64\",\"sector_size\":512}}",
             config ? config : "{\"json_size\":\"12288\",\"keyslots_size\":\"491520\"}");
    return j;
}

static uint8_t *volume_with(const char *json1, uint64_t seq1, const char *json2, uint64_t seq2)
{
    uint8_t *vol = calloc(1, VOL);
    assert_non_null(vol);
    put_copy(vol, 0, 0, seq1, json1);
    put_copy(vol, HDR, 1, seq2, json2);
    return vol;
}

static vg_luks2_status read_vol(uint8_t *vol, vg_luks2 *h, char *why)
{
    mem m = {vol, VOL};
    memset(h, 0, sizeof *h);
    why[0] = '\0';
    return vg_luks2_read(h, mem_read, &m, VOL, why, 256);
}

static void luks2__header_copies(void **state)
{
    char *j = metadata(NULL, NULL, NULL), why[256];
    vg_luks2 *h = malloc(sizeof *h);
    uint8_t *vol = volume_with(j, 5, j, 5);
    (void)state;
    assert_int_equal(read_vol(vol, h, why), VG_LUKS2_OK);
    assert_int_equal(h->secondary, 0); /* a tie: the primary */
    assert_int_equal(h->nkeyslots, 1);
    assert_int_equal(h->keyslots[0].key_size, 64);
    assert_int_equal(h->keyslots[0].area_offset, 32768);
    assert_int_equal(h->keyslots[0].stripes, 4000);
    assert_string_equal(h->keyslots[0].af_hash, "sha256");
    assert_int_equal(h->keyslots[0].kdf.type, VG_LUKS2_PBKDF2);
    assert_int_equal(h->keyslots[0].kdf.iterations, 1000);
    assert_int_equal(h->keyslots[0].kdf.salt_len, 32);
    assert_memory_equal(h->keyslots[0].kdf.salt, "0123456789abcdef0123456789abcdef", 32);
    assert_string_equal(h->keyslots[0].skip, "");
    assert_int_equal(h->ndigests, 1);
    assert_int_equal(h->digests[0].keyslots, 1);
    assert_true(h->digests[0].data);
    assert_int_equal(h->data_offset, 524288);
    assert_int_equal(h->data_size, VOL - 524288); /* "dynamic": to the volume's end */
    assert_int_equal(h->sector_size, 512);
    assert_string_equal(h->data_cipher, "aes-xts-plain64");
    assert_string_equal(h->bad_copy, "");

    put_copy(vol, HDR, 1, 6, j); /* the secondary is newer */
    assert_int_equal(read_vol(vol, h, why), VG_LUKS2_OK);
    assert_int_equal(h->secondary, 1);
    assert_int_equal(h->seqid, 6);

    put_copy(vol, HDR, 1, 5, j);
    vol[4096 + 3] ^= 1; /* the primary's JSON area changed: its checksum fails */
    assert_int_equal(read_vol(vol, h, why), VG_LUKS2_OK);
    assert_int_equal(h->secondary, 1);
    assert_string_equal(h->bad_copy, "primary header: checksum mismatch");

    memset(vol, 0, 8); /* no primary magic: the secondary is looked for at each allowed size */
    assert_int_equal(read_vol(vol, h, why), VG_LUKS2_OK);
    assert_int_equal(h->secondary, 1);

    vol[HDR + 4096 + 3] ^= 1; /* both damaged */
    assert_int_equal(read_vol(vol, h, why), VG_LUKS2_CORRUPT);
    assert_string_equal(why, "LUKS 2 header damaged: primary: no magic at byte 0; secondary: checksum mismatch");

    put_copy(vol, 0, 0, 9, "{\"keyslots\": {"); /* a primary with a right checksum over broken JSON */
    put_copy(vol, HDR, 1, 5, j);
    assert_int_equal(read_vol(vol, h, why), VG_LUKS2_OK);
    assert_int_equal(h->secondary, 1);
    assert_string_equal(h->bad_copy, "primary header: JSON area is not a JSON object");
    free(vol);
    free(h);
    free(j);
}

/* The status of metadata json alone in a VOL-byte volume, why and h kept for the caller. */
static vg_luks2_status parse(char *json, vg_luks2 *h, char *why)
{
    vg_luks2_status st;
    memset(h, 0, sizeof *h);
    why[0] = '\0';
    st = vg_luks2_parse_json(h, json, strlen(json), HDR, VOL, why, 256);
    free(json);
    return st;
}

static void luks2__json_bounds_and_caps(void **state)
{
    vg_luks2 *h = malloc(sizeof *h);
    char why[256], *deep = malloc(4001);
    (void)state;
    assert_int_equal(parse(metadata(NULL, NULL, "{\"requirements\":{\"mandatory\":[\"online-reencrypt-v2\"]}}"), h, why),
                     VG_LUKS2_UNSUPPORTED);
    assert_string_equal(why, "LUKS 2 volume with requirement 'online-reencrypt-v2' (a reencryption in progress): not supported");
    assert_int_equal(parse(metadata(NULL,
                                    "{\"0\":{\"type\":\"linear\",\"offset\":\"524288\",\"size\":\"4096\"},"
                                    "\"1\":{\"type\":\"crypt\",\"offset\":\"528384\",\"size\":\"dynamic\",\"iv_tweak\":\"8\","
                                    "\"encryption\":\"aes-xts-plain64\",\"sector_size\":512}}",
                                    NULL),
                           h, why),
                     VG_LUKS2_UNSUPPORTED);
    assert_string_equal(why, "LUKS 2 volume with 2 data segments (a reencryption): not supported");

    assert_int_equal(parse(metadata("{\"type\":\"argon2id\",\"time\":4,\"memory\":4194304,\"cpus\":4,\"salt\":\"" SALT "\"}",
                                    NULL, NULL),
                           h, why),
                     VG_LUKS2_OK);
    assert_string_equal(h->keyslots[0].skip, "Argon2 memory of 4194304 KiB, over vigil's cap of 1048576 KiB");
    assert_int_equal(parse(metadata("{\"type\":\"argon2i\",\"time\":4000000,\"memory\":1024,\"cpus\":1,\"salt\":\"" SALT "\"}",
                                    NULL, NULL),
                           h, why),
                     VG_LUKS2_OK);
    assert_string_equal(h->keyslots[0].skip, "Argon2 time cost 4000000, over vigil's cap of 100");
    assert_int_equal(parse(metadata("{\"type\":\"argon2id\",\"time\":4,\"memory\":1024,\"cpus\":2,\"salt\":\"" SALT "\"}",
                                    NULL, NULL),
                           h, why),
                     VG_LUKS2_OK);
    assert_string_equal(h->keyslots[0].skip, "");
    assert_int_equal(h->keyslots[0].kdf.type, VG_LUKS2_ARGON2ID);
    assert_int_equal(h->keyslots[0].kdf.lanes, 2);
    assert_int_equal(parse(metadata("{\"type\":\"pbkdf2\",\"hash\":\"sha256\",\"iterations\":2000000000,\"salt\":\"" SALT "\"}",
                                    NULL, NULL),
                           h, why),
                     VG_LUKS2_OK);
    assert_string_equal(h->keyslots[0].skip, "PBKDF2 with 2000000000 iterations, over vigil's cap of 50000000");
    assert_int_equal(parse(metadata("{\"type\":\"pbkdf2\",\"hash\":\"sha999\",\"iterations\":1000,\"salt\":\"" SALT "\"}",
                                    NULL, NULL),
                           h, why),
                     VG_LUKS2_OK);
    assert_string_equal(h->keyslots[0].skip, "PBKDF2 hash 'sha999' unknown");
    assert_int_equal(parse(metadata("{\"type\":\"argon2id\",\"time\":4,\"memory\":8,\"cpus\":4,\"salt\":\"" SALT "\"}",
                                    NULL, NULL),
                           h, why),
                     VG_LUKS2_OK);
    assert_string_equal(h->keyslots[0].skip, "Argon2 with 8 KiB for 4 threads or a 32-byte salt: not valid");
    assert_int_equal(parse(metadata("{\"type\":\"scrypt\",\"salt\":\"" SALT "\"}", NULL, NULL), h, why), VG_LUKS2_OK);
    assert_string_equal(h->keyslots[0].skip, "KDF 'scrypt' is not supported");

    /* a fixed size past the volume's end is cut to the bytes there are; odd sector sizes are refused */
    assert_int_equal(parse(metadata(NULL,
                                    "{\"0\":{\"type\":\"crypt\",\"offset\":\"524288\",\"size\":\"99999999999\",\"iv_tweak\":\"0\","
                                    "\"encryption\":\"aes-xts-plain64\",\"sector_size\":4096}}",
                                    NULL),
                           h, why),
                     VG_LUKS2_OK);
    assert_int_equal(h->data_size, VOL - 524288);
    assert_int_equal(parse(metadata(NULL,
                                    "{\"0\":{\"type\":\"crypt\",\"offset\":\"524288\",\"size\":\"dynamic\",\"iv_tweak\":\"0\","
                                    "\"encryption\":\"aes-xts-plain64\",\"sector_size\":1000}}",
                                    NULL),
                           h, why),
                     VG_LUKS2_CORRUPT);
    assert_int_equal(parse(metadata(NULL,
                                    "{\"0\":{\"type\":\"crypt\",\"offset\":\"99999999999\",\"size\":\"dynamic\",\"iv_tweak\":\"0\","
                                    "\"encryption\":\"aes-xts-plain64\",\"sector_size\":512}}",
                                    NULL),
                           h, why),
                     VG_LUKS2_CORRUPT);
    assert_string_equal(why, "data segment offset 99999999999 is not within the volume after its headers");

    memset(deep, '[', 2000);
    memset(deep + 2000, ']', 2000);
    deep[4000] = '\0';
    assert_int_equal(parse(deep, h, why), VG_LUKS2_CORRUPT);
    assert_string_equal(why, "JSON nested deeper than 32");
    free(h);
}

static void luks2__keyslot_area_bounds(void **state)
{
    vg_luks2 *h = malloc(sizeof *h);
    char why[256], *j = metadata(NULL, NULL, NULL), *p;
    (void)state;
    p = strstr(j, "\"offset\":\"32768\"");
    memcpy(p, "\"offset\":\"99999\"", 16); /* its stripes would end past the volume's end */
    p = strstr(j, "\"size\":\"258048\"");
    memcpy(p, "\"size\":\"999999\"", 15);
    assert_int_equal(vg_luks2_parse_json(h, j, strlen(j), HDR, 1048576, why, sizeof why), VG_LUKS2_OK);
    assert_string_equal(h->keyslots[0].skip, "key area at byte 99999 (999999 bytes) is not within the volume after its headers");
    p = strstr(j, "\"type\":\"luks2\"");
    memcpy(p, "\"type\":\"luks3\"", 14);
    assert_int_equal(vg_luks2_parse_json(h, j, strlen(j), HDR, 1048576, why, sizeof why), VG_LUKS2_OK);
    assert_string_equal(h->keyslots[0].skip, "type 'luks3' is not luks2");
    free(j);
    free(h);
}

static void encrypt_with(const EVP_CIPHER *c, const uint8_t *key, const uint8_t iv[16], uint8_t *buf, int len)
{
    EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
    int n = 0;
    assert_int_equal(EVP_EncryptInit_ex(x, c, NULL, key, iv), 1);
    EVP_CIPHER_CTX_set_padding(x, 0);
    assert_int_equal(EVP_EncryptUpdate(x, buf, &n, buf, len), 1);
    EVP_CIPHER_CTX_free(x);
}

static void le64_iv(uint64_t s, uint8_t iv[16])
{
    memset(iv, 0, 16);
    for (int i = 0; i < 8; i++)
        iv[i] = (uint8_t)(s >> (8 * i));
}

static void luks2__sector_ciphers(void **state)
{
    uint8_t key[64], plain[8192], buf[8192], iv[16], salt[32], essiv_iv[16];
    vg_sector_cipher *c;
    char why[128];
    unsigned n = 0;
    (void)state;
    for (size_t i = 0; i < sizeof key; i++)
        key[i] = (uint8_t)(i * 7 + 1);
    for (size_t i = 0; i < sizeof plain; i++)
        plain[i] = (uint8_t)(i * 13);

    /* XTS, plain64: 512-byte sectors 7 and 8 */
    memcpy(buf, plain, 1024);
    le64_iv(7, iv), encrypt_with(EVP_aes_256_xts(), key, iv, buf, 512);
    le64_iv(8, iv), encrypt_with(EVP_aes_256_xts(), key, iv, buf + 512, 512);
    assert_non_null(c = vg_sector_cipher_new("aes-xts-plain64", key, 64, why, sizeof why));
    assert_int_equal(vg_sector_cipher_decrypt(c, buf, 1024, 512, 7), 0);
    assert_memory_equal(buf, plain, 1024);
    /* 4096-byte sectors: the IV still counts 512-byte sectors, 8 per sector */
    memcpy(buf, plain, 8192);
    le64_iv(16, iv), encrypt_with(EVP_aes_256_xts(), key, iv, buf, 4096);
    le64_iv(24, iv), encrypt_with(EVP_aes_256_xts(), key, iv, buf + 4096, 4096);
    assert_int_equal(vg_sector_cipher_decrypt(c, buf, 8192, 4096, 16), 0);
    assert_memory_equal(buf, plain, 8192);
    assert_int_equal(vg_sector_cipher_decrypt(c, buf, 100, 512, 0), -1); /* not whole sectors */
    vg_sector_cipher_free(c);

    /* CBC, essiv:sha256: the IV is the sector number encrypted with SHA-256 of the key */
    assert_int_equal(EVP_Digest(key, 32, salt, &n, EVP_sha256(), NULL), 1);
    le64_iv(3, essiv_iv);
    encrypt_with(EVP_aes_256_ecb(), salt, NULL, essiv_iv, 16);
    memcpy(buf, plain, 512);
    encrypt_with(EVP_aes_256_cbc(), key, essiv_iv, buf, 512);
    assert_non_null(c = vg_sector_cipher_new("aes-cbc-essiv:sha256", key, 32, why, sizeof why));
    assert_int_equal(vg_sector_cipher_decrypt(c, buf, 512, 512, 3), 0);
    assert_memory_equal(buf, plain, 512);
    vg_sector_cipher_free(c);

    assert_null(vg_sector_cipher_new("serpent-xts-plain64", key, 64, why, sizeof why));
    assert_string_equal(why, "cipher 'serpent-xts-plain64' with a 512-bit key is not supported");
    assert_null(vg_sector_cipher_new("aes-xts-plain64", key, 24, why, sizeof why));
    assert_null(vg_sector_cipher_new("aes-cbc-lmk", key, 32, why, sizeof why));
    assert_string_equal(why, "cipher 'aes-cbc-lmk': IV 'lmk' is not supported");
}

/* LUKS's diffuser, as its specification writes it: block j of the key becomes H(j || block j). */
static void spec_diffuse(uint8_t *d, size_t size)
{
    for (uint32_t j = 0; j * 32 < size; j++) {
        uint8_t in[4 + 32], out[32];
        size_t n = size - j * 32 < 32 ? size - j * 32 : 32;
        unsigned len = 0;
        in[0] = (uint8_t)(j >> 24), in[1] = (uint8_t)(j >> 16), in[2] = (uint8_t)(j >> 8), in[3] = (uint8_t)j;
        memcpy(in + 4, d + j * 32, n);
        EVP_Digest(in, 4 + n, out, &len, EVP_sha256(), NULL);
        memcpy(d + j * 32, out, n);
    }
}

/* stripes stripes of ks bytes that merge to vk: all but the last arbitrary. */
static void spec_split(const uint8_t *vk, size_t ks, uint32_t stripes, uint8_t *out)
{
    uint8_t d[64] = {0};
    for (uint32_t i = 0; i + 1 < stripes; i++) {
        for (size_t k = 0; k < ks; k++) {
            out[i * ks + k] = (uint8_t)(i * 31 + k * 5 + 3);
            d[k] ^= out[i * ks + k];
        }
        spec_diffuse(d, ks);
    }
    for (size_t k = 0; k < ks; k++)
        out[(stripes - 1) * ks + k] = d[k] ^ vk[k];
}

static void luks2__af_merge(void **state)
{
    uint8_t vk[40], split[40 * 3], out[40];
    (void)state;
    for (size_t i = 0; i < sizeof vk; i++)
        vk[i] = (uint8_t)(200 - i);
    assert_int_equal(vg_luks2_af_merge(vk, sizeof vk, 1, "sha256", out), 0); /* one stripe: the key itself */
    assert_memory_equal(out, vk, sizeof vk);
    spec_split(vk, sizeof vk, 3, split); /* 40 bytes: a whole hash block and a partial one */
    assert_int_equal(vg_luks2_af_merge(split, sizeof vk, 3, "sha256", out), 0);
    assert_memory_equal(out, vk, sizeof vk);
    assert_int_equal(vg_luks2_af_merge(split, sizeof vk, 3, "no-such-hash", out), -1);
}

/* A keyslot written as cryptsetup would: PBKDF2 of the passphrase keys AES-XTS over the AF split. */
static void luks2__volume_key_from_keyslot(void **state)
{
    static const char pass[] = "correct horse battery staple";
    uint8_t vk[64], got[VG_LUKS2_MAX_KEY], dk[64], *vol = calloc(1, VOL), digest[32], iv[16];
    const size_t stripes = 8, area = 64 * 8; /* one 512-byte sector */
    vg_luks2 *h = calloc(1, sizeof *h);
    vg_luks2_keyslot *ks = &h->keyslots[0];
    vg_luks2_digest *dg = &h->digests[0];
    mem m = {vol, VOL};
    size_t tried = 0;
    char fault[128] = "";
    (void)state;
    for (size_t i = 0; i < sizeof vk; i++)
        vk[i] = (uint8_t)(i * 3 + 11);
    *ks = (vg_luks2_keyslot){.id = 0, .key_size = 64, .area_offset = AREA_OFF, .area_size = area, .area_key_size = 64,
                             .stripes = stripes, .af_hash = "sha256", .area_cipher = "aes-xts-plain64"};
    ks->kdf = (vg_luks2_kdf){.type = VG_LUKS2_PBKDF2, .hash = "sha256", .iterations = 1000, .salt_len = 32};
    memcpy(ks->kdf.salt, "saltsaltsaltsaltsaltsaltsaltsalt", 32);
    *dg = (vg_luks2_digest){.hash = "sha256", .iterations = 1000, .salt_len = 32, .digest_len = 32, .keyslots = 1, .data = 1};
    memcpy(dg->salt, "digestsaltdigestsaltdigestsalt!!", 32);
    h->nkeyslots = h->ndigests = 1;
    assert_int_equal(PKCS5_PBKDF2_HMAC((const char *)vk, 64, dg->salt, 32, 1000, EVP_sha256(), 32, digest), 1);
    memcpy(dg->digest, digest, 32);
    assert_int_equal(PKCS5_PBKDF2_HMAC(pass, (int)strlen(pass), ks->kdf.salt, 32, 1000, EVP_sha256(), 64, dk), 1);
    spec_split(vk, 64, (uint32_t)stripes, vol + AREA_OFF);
    le64_iv(0, iv);
    encrypt_with(EVP_aes_256_xts(), dk, iv, vol + AREA_OFF, 512);

    assert_int_equal(vg_luks2_volume_key(h, mem_read, &m, pass, strlen(pass), got, &tried, fault, sizeof fault), 64);
    assert_int_equal(tried, 1);
    assert_memory_equal(got, vk, 64);
    assert_int_equal(vg_luks2_volume_key(h, mem_read, &m, "wrong", 5, got, &tried, fault, sizeof fault), 0);
    assert_int_equal(tried, 1);
    assert_string_equal(fault, ""); /* a wrong key is no fault */
    ks->kdf = (vg_luks2_kdf){.type = VG_LUKS2_ARGON2ID, .iterations = 1, .memory_kib = 64, .lanes = 16, .salt_len = 32};
    assert_int_equal(vg_luks2_volume_key(h, mem_read, &m, pass, strlen(pass), got, &tried, fault, sizeof fault), 0);
    assert_string_equal(fault, "keyslot 0: Argon2 with 64 KiB could not run: Memory cost is too small");
    dg->data = 0; /* a keyslot bound to no digest of the data segment is not tried */
    assert_int_equal(vg_luks2_volume_key(h, mem_read, &m, pass, strlen(pass), got, &tried, fault, sizeof fault), 0);
    assert_int_equal(tried, 0);
    dg->data = 1;
    strcpy(ks->skip, "over a cap"); /* nor is one with a skip reason */
    assert_int_equal(vg_luks2_volume_key(h, mem_read, &m, pass, strlen(pass), got, &tried, fault, sizeof fault), 0);
    assert_int_equal(tried, 0);
    free(h);
    free(vol);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(luks2__header_copies),
        cmocka_unit_test(luks2__json_bounds_and_caps),
        cmocka_unit_test(luks2__keyslot_area_bounds),
        cmocka_unit_test(luks2__sector_ciphers),
        cmocka_unit_test(luks2__af_merge),
        cmocka_unit_test(luks2__volume_key_from_keyslot),
    };
    return tu_run_tests("luks2", tests, NULL, NULL);
}

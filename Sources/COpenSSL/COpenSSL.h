#ifndef COPENSSL_H
#define COPENSSL_H

// OpenSSL 3 libcrypto, as TokenVault uses it. Swift cannot expand C macros, so the few
// macro-based calls we need are wrapped here as static inline functions; so is the one EVP_MAC
// call, whose OSSL_PARAM array is simplest to build in C.

#include <stddef.h>
#include <stdint.h>

#include <openssl/core_names.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

static inline int COpenSSL_GCM_set_ivlen(EVP_CIPHER_CTX *ctx, int length) {
    return EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, length, NULL);
}

static inline int COpenSSL_GCM_get_tag(EVP_CIPHER_CTX *ctx, void *tag, int length) {
    return EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, length, tag);
}

static inline int COpenSSL_GCM_set_tag(EVP_CIPHER_CTX *ctx, const void *tag, int length) {
    return EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, length, (void *)tag);
}

/// An AES-256-CMAC context (NIST SP 800-38B: OpenSSL's "CMAC" EVP_MAC, `mac`, fetched once by
/// the caller, with cipher AES-256-CBC) keyed with the 32-byte `key`, ready for a message; NULL
/// on failure (the reason is on OpenSSL's error queue). Free it with `EVP_MAC_CTX_free`, which
/// cleanses it.
static inline EVP_MAC_CTX *COpenSSL_CMAC_keyed(EVP_MAC *mac, const uint8_t key[32]) {
    EVP_MAC_CTX *context = EVP_MAC_CTX_new(mac);
    if (context == NULL) {
        return NULL;
    }
    char cipher[] = "AES-256-CBC";
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, cipher, 0),
        OSSL_PARAM_construct_end(),
    };
    if (EVP_MAC_init(context, key, 32, params) != 1) {
        EVP_MAC_CTX_free(context);
        return NULL;
    }
    return context;
}

/// The XAES-256-GCM key derivation (C2SP XAES-256-GCM): `CMAC(K, M1) || CMAC(K, M2)` with
/// `Mi = 0x00 || i || 'X' || 0x00 || N[:12]`, computed on a copy of `keyed` (from
/// `COpenSSL_CMAC_keyed` with K), which is not changed, so one keyed context serves every
/// derivation under its key. The copy serves both blocks: re-initialised without a key, it keeps
/// the key schedule and subkeys; OpenSSL cleanses it when it is freed. Writes 32 bytes to `out`;
/// returns 1 on success, 0 on failure (the reason is on OpenSSL's error queue).
static inline int COpenSSL_XAES256_derive_key(const EVP_MAC_CTX *keyed, const uint8_t nonce[12], uint8_t out[32]) {
    EVP_MAC_CTX *context = EVP_MAC_CTX_dup(keyed);
    if (context == NULL) {
        return 0;
    }
    uint8_t message[16] = {0x00, 0x01, 0x58, 0x00};
    memcpy(message + 4, nonce, 12);
    size_t written = 0;
    int ok = EVP_MAC_update(context, message, 16) == 1
        && EVP_MAC_final(context, out, &written, 16) == 1 && written == 16;
    message[1] = 0x02;
    ok = ok && EVP_MAC_init(context, NULL, 0, NULL) == 1
        && EVP_MAC_update(context, message, 16) == 1
        && EVP_MAC_final(context, out + 16, &written, 16) == 1 && written == 16;
    EVP_MAC_CTX_free(context);
    return ok;
}

#endif

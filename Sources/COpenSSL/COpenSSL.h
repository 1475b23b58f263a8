#ifndef COPENSSL_H
#define COPENSSL_H

// OpenSSL 3 libcrypto, as TokenVault uses it. Swift cannot expand C macros, so the few
// macro-based calls we need are wrapped here as static inline functions; so is the one EVP_MAC
// call, whose OSSL_PARAM array is simplest to build in C.

#include <stddef.h>
#include <stdint.h>

#include <openssl/core_names.h>
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

/// AES-256-CMAC (NIST SP 800-38B) of `msg` under the 32-byte `key`, through OpenSSL's "CMAC"
/// EVP_MAC with cipher AES-256-CBC; writes the 16-byte tag to `out`. OpenSSL computes the
/// subkeys itself and cleanses its context when it is freed. Returns 1 on success, 0 on failure
/// (the reason is on OpenSSL's error queue).
static inline int COpenSSL_CMAC_AES256(const uint8_t key[32], const uint8_t *msg, size_t length, uint8_t out[16]) {
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "CMAC", NULL);
    if (mac == NULL) {
        return 0;
    }
    EVP_MAC_CTX *context = EVP_MAC_CTX_new(mac);
    char cipher[] = "AES-256-CBC";
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, cipher, 0),
        OSSL_PARAM_construct_end(),
    };
    size_t written = 0;
    int ok = context != NULL
        && EVP_MAC_init(context, key, 32, params) == 1
        && EVP_MAC_update(context, msg, length) == 1
        && EVP_MAC_final(context, out, &written, 16) == 1
        && written == 16;
    EVP_MAC_CTX_free(context);
    EVP_MAC_free(mac);
    return ok;
}

#endif

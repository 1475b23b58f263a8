#ifndef COPENSSL_H
#define COPENSSL_H

// OpenSSL 3 libcrypto, as TokenVault uses it. Swift cannot expand C macros, so the few
// macro-based calls we need are wrapped here as static inline functions.

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
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

#endif

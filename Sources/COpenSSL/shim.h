// SPDX-License-Identifier: Apache-2.0
// COpenSSL: libcrypto from the system OpenSSL 3 (Debian's libssl-dev) for password hashing,
// keyed hashes, authenticated encryption and secure random bytes. Only Cryptography imports it.
#ifndef COPENSSL_SHIM_H
#define COPENSSL_SHIM_H

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/crypto.h>

/// EVP_CIPHER_CTX_ctrl with the GCM tag controls is a macro-parameterised call Swift cannot spell.
static inline int copenssl_gcm_set_tag(EVP_CIPHER_CTX *ctx, int len, void *tag) {
    return EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, len, tag);
}
static inline int copenssl_gcm_get_tag(EVP_CIPHER_CTX *ctx, int len, void *tag) {
    return EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, len, tag);
}

#endif

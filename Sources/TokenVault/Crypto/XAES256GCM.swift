internal import COpenSSL

/// XAES-256-GCM (C2SP, https://c2sp.org/XAES-256-GCM): AES-256-GCM with a 192-bit nonce that
/// can be drawn at random for about 2^80 messages under one key.
///
/// Each message is sealed by ``AESGCM`` under its own key, derived from the input key and the
/// first 96 bits of the nonce with the NIST SP 800-108r1 counter-mode KDF over AES-256-CMAC; the
/// last 96 bits of the nonce are the AES-256-GCM nonce. CMAC is OpenSSL's `EVP_MAC` "CMAC" with
/// AES-256-CBC. Like AES-256-GCM, XAES-256-GCM is neither nonce-misuse resistant nor
/// key-committing.
package enum XAES256GCM {
    package static let nonceByteCount = 24
    package static let tagByteCount = AESGCM.tagByteCount

    /// Derives the AES-256-GCM key and nonce for one message (the specification's "Detailed key
    /// derivation algorithm").
    ///
    /// The KDF input for counter *i* is `[i]₁₆ || "X" || 0x00 || N[:12]`, one complete 128-bit
    /// block, so `AES-256-CMAC(K, M_i)` is exactly the specification's `AES-256_K(M_i ⊕ K1)` with
    /// `L = AES-256_K(0¹²⁸)` and `K1` from `L`; OpenSSL's CMAC computes `L` and `K1` itself
    /// (`COpenSSL_XAES256_derive_key` in `COpenSSL.h`).
    ///
    /// - Parameters:
    ///   - key: The 256-bit input key *K*.
    ///   - nonce: The 192-bit nonce *N*.
    /// - Returns: The derived key `CMAC(K, M_1) || CMAC(K, M_2)` and the AES-256-GCM nonce `N[12:]`.
    /// - Throws: `CryptoError.incorrectParameterSize` unless `nonce` has 24 bytes.
    package static func deriveKey(key: SymmetricKey, nonce: [UInt8]) throws -> (key: SymmetricKey, gcmNonce: [UInt8]) {
        guard nonce.count == nonceByteCount else { throw CryptoError.incorrectParameterSize }
        var derived = [UInt8](repeating: 0, count: SymmetricKey.byteCount)
        defer { derived.cleanse() }
        // The keyed context lives as long as the key's bytes: keep the key alive while it is used.
        let ok = try withExtendedLifetime(key) {
            let keyed = try keyedCMAC(key)
            return nonce.withUnsafeBufferPointer { nonceBytes in
                derived.withUnsafeMutableBufferPointer { out in
                    COpenSSL_XAES256_derive_key(keyed, nonceBytes.baseAddress!, out.baseAddress!)
                }
            }
        }
        guard ok == 1 else { throw CryptoError.openSSL(CryptoError.lastOpenSSLError()) }
        return (try SymmetricKey(bytes: derived), Array(nonce[12...]))
    }

    /// OpenSSL's CMAC implementation, fetched once: fetching it looks it up among the providers,
    /// which costs more than the two CMAC blocks themselves. `EVP_MAC` objects are immutable and
    /// may be shared between threads.
    nonisolated(unsafe) private static let cmac: OpaquePointer? = EVP_MAC_fetch(nil, "CMAC", nil)

    private static func keyedCMAC(_ key: SymmetricKey) throws -> OpaquePointer {
        let keyed = key.keyedCMAC {
            cmac.flatMap { cmac in key.withUnsafeBytes { COpenSSL_CMAC_keyed(cmac, $0.baseAddress!.assumingMemoryBound(to: UInt8.self)) } }
        }
        guard let keyed else { throw CryptoError.openSSL(CryptoError.lastOpenSSLError()) }
        return keyed
    }

    /// Seals `plaintext` under `key`.
    ///
    /// - Parameters:
    ///   - plaintext: The bytes to encrypt.
    ///   - key: A 256-bit key.
    ///   - nonce: A 192-bit nonce. Leave it `nil`: a fresh random one from `RAND_bytes` is drawn.
    ///     Only known-answer tests pass one.
    ///   - aad: Additional data that is authenticated but not encrypted.
    /// - Returns: The 24-byte nonce, the ciphertext (as long as `plaintext`) and the 16-byte tag.
    /// - Throws: `CryptoError.incorrectParameterSize` unless `nonce` is `nil` or has 24 bytes.
    package static func seal(
        _ plaintext: [UInt8], using key: SymmetricKey, nonce: [UInt8]? = nil, authenticating aad: [UInt8] = []
    ) throws -> (nonce: [UInt8], ciphertext: [UInt8], tag: [UInt8]) {
        let nonce = try nonce ?? SecureRandom.bytes(count: nonceByteCount)
        let derived = try deriveKey(key: key, nonce: nonce)
        let box = try AESGCM.seal(plaintext, using: derived.key, nonce: derived.gcmNonce, authenticating: aad)
        return (nonce, box.ciphertext, box.tag)
    }

    /// Opens what ``seal(_:using:nonce:authenticating:)`` returned, verifying the tag over the
    /// ciphertext and `aad`.
    ///
    /// - Returns: The plaintext. The caller should `cleanse()` it after use.
    /// - Throws: `CryptoError.incorrectParameterSize` unless `nonce` has 24 bytes and `tag` 16;
    ///   `CryptoError.authenticationFailure` when the tag does not verify (tampered ciphertext,
    ///   tag, nonce or `aad`, or the wrong key); no plaintext is returned.
    package static func open(
        _ ciphertext: [UInt8], tag: [UInt8], nonce: [UInt8], using key: SymmetricKey, authenticating aad: [UInt8] = []
    ) throws -> [UInt8] {
        guard nonce.count == nonceByteCount, tag.count == tagByteCount else {
            throw CryptoError.incorrectParameterSize
        }
        let derived = try deriveKey(key: key, nonce: nonce)
        let box = try AESGCM.SealedBox(nonce: derived.gcmNonce, ciphertext: ciphertext, tag: tag)
        return try AESGCM.open(box, using: derived.key, authenticating: aad)
    }
}

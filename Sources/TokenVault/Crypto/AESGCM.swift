internal import COpenSSL

/// AES-256-GCM through OpenSSL's EVP interface: 256-bit keys, 96-bit nonces, 128-bit tags and
/// additional authenticated data.
package enum AESGCM {
    package static let nonceByteCount = 12
    package static let tagByteCount = 16

    /// A sealed message: the nonce it was sealed under, the ciphertext and the tag.
    package struct SealedBox: Sendable, Equatable {
        package var nonce: [UInt8]
        package var ciphertext: [UInt8]
        package var tag: [UInt8]

        package init(nonce: [UInt8], ciphertext: [UInt8], tag: [UInt8]) throws {
            guard nonce.count == AESGCM.nonceByteCount, tag.count == AESGCM.tagByteCount else {
                throw CryptoError.incorrectParameterSize
            }
            self.nonce = nonce
            self.ciphertext = ciphertext
            self.tag = tag
        }
    }

    /// Seals `plaintext` under `key`.
    ///
    /// - Parameters:
    ///   - plaintext: The bytes to encrypt.
    ///   - key: A 256-bit key.
    ///   - nonce: A 96-bit nonce. Leave it `nil`: a fresh random one from `RAND_bytes` is drawn.
    ///     Only known-answer tests pass one.
    ///   - aad: Additional data that is authenticated but not encrypted.
    /// - Returns: The nonce, ciphertext and tag.
    package static func seal(
        _ plaintext: [UInt8], using key: SymmetricKey, nonce: [UInt8]? = nil, authenticating aad: [UInt8] = []
    ) throws -> SealedBox {
        let nonce = try nonce ?? SecureRandom.bytes(count: nonceByteCount)
        guard nonce.count == nonceByteCount else { throw CryptoError.incorrectParameterSize }
        try checkLength(plaintext.count)
        try checkLength(aad.count)

        let context = try CipherContext()
        try key.withUnsafeBytes { keyBytes in
            try check(EVP_EncryptInit_ex(context.pointer, try cipher(), nil, keyBytes.baseAddress, nonce))
        }
        var outLength: Int32 = 0
        if !aad.isEmpty {
            try check(EVP_EncryptUpdate(context.pointer, nil, &outLength, aad, Int32(aad.count)))
        }
        var ciphertext = [UInt8](repeating: 0, count: plaintext.count)
        var written = 0
        if !plaintext.isEmpty {
            try ciphertext.withUnsafeMutableBufferPointer { out in
                try check(EVP_EncryptUpdate(context.pointer, out.baseAddress, &outLength, plaintext, Int32(plaintext.count)))
                written = Int(outLength)
            }
        }
        try ciphertext.withUnsafeMutableBufferPointer { out in
            try check(EVP_EncryptFinal_ex(context.pointer, out.baseAddress.map { $0 + written }, &outLength))
        }
        var tag = [UInt8](repeating: 0, count: tagByteCount)
        try tag.withUnsafeMutableBytes { tagBytes in
            try check(COpenSSL_GCM_get_tag(context.pointer, tagBytes.baseAddress, Int32(tagByteCount)))
        }
        return try SealedBox(nonce: nonce, ciphertext: ciphertext, tag: tag)
    }

    /// Opens a sealed box, verifying its tag over the ciphertext and `aad`.
    ///
    /// - Returns: The plaintext. The caller should `cleanse()` it after use.
    /// - Throws: `CryptoError.authenticationFailure` when the tag does not verify (tampered data or
    ///   wrong key); no plaintext is returned and the working buffer is zeroed.
    package static func open(
        _ box: SealedBox, using key: SymmetricKey, authenticating aad: [UInt8] = []
    ) throws -> [UInt8] {
        try checkLength(box.ciphertext.count)
        try checkLength(aad.count)

        let context = try CipherContext()
        try key.withUnsafeBytes { keyBytes in
            try check(EVP_DecryptInit_ex(context.pointer, try cipher(), nil, keyBytes.baseAddress, box.nonce))
        }
        var outLength: Int32 = 0
        if !aad.isEmpty {
            try check(EVP_DecryptUpdate(context.pointer, nil, &outLength, aad, Int32(aad.count)))
        }
        var plaintext = [UInt8](repeating: 0, count: box.ciphertext.count)
        var written = 0
        do {
            if !box.ciphertext.isEmpty {
                try plaintext.withUnsafeMutableBufferPointer { out in
                    try check(EVP_DecryptUpdate(
                        context.pointer, out.baseAddress, &outLength, box.ciphertext, Int32(box.ciphertext.count)))
                    written = Int(outLength)
                }
            }
            try box.tag.withUnsafeBytes { tag in
                try check(COpenSSL_GCM_set_tag(context.pointer, tag.baseAddress, Int32(tagByteCount)))
            }
            // On a tag mismatch OpenSSL 3 returns 0 with an empty error queue.
            let verified = plaintext.withUnsafeMutableBufferPointer { out in
                EVP_DecryptFinal_ex(context.pointer, out.baseAddress.map { $0 + written }, &outLength)
            }
            guard verified == 1 else {
                ERR_clear_error()
                throw CryptoError.authenticationFailure
            }
        } catch {
            plaintext.cleanse()
            throw error
        }
        return plaintext
    }

    /// OpenSSL's AES-256-GCM, fetched once: `EVP_aes_256_gcm()` would be looked up among the
    /// providers at every seal and open (OpenSSL 3's implicit fetch), which costs more than
    /// sealing a small message. `EVP_CIPHER` objects are immutable and may be shared between
    /// threads. Fetched with the default library context and properties, at first use; a failed
    /// fetch fails every seal and open of the process.
    nonisolated(unsafe) private static let fetched: OpaquePointer? = EVP_CIPHER_fetch(nil, "AES-256-GCM", nil)

    private static func cipher() throws -> OpaquePointer {
        guard let fetched else { throw CryptoError.openSSL(CryptoError.lastOpenSSLError()) }
        return fetched
    }

    private static func check(_ result: Int32) throws {
        guard result == 1 else { throw CryptoError.openSSL(CryptoError.lastOpenSSLError()) }
    }

    private static func checkLength(_ count: Int) throws {
        guard count < Int(Int32.max) else { throw CryptoError.incorrectParameterSize }
    }
}

/// One `EVP_CIPHER_CTX` for one seal or open, freed (and cleansed by OpenSSL) on release.
private final class CipherContext {
    let pointer: OpaquePointer

    init() throws {
        guard let pointer = EVP_CIPHER_CTX_new() else { throw CryptoError.openSSL(CryptoError.lastOpenSSLError()) }
        self.pointer = pointer
    }

    deinit { EVP_CIPHER_CTX_free(pointer) }
}
